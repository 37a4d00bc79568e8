"""A petition's place in the queue: a score from issue severity, the seniority of the officials
named, meeting flags, repeats and waiting time, with every part that counted written out as a
reason staff can read; and its due dates."""

import datetime
import re
from pathlib import Path

import yaml

from .. import paths


def load_settings(path: Path | None = None) -> dict:
    settings = yaml.safe_load((path or paths.CONFIGS / "triage.yaml").read_text(encoding="utf-8"))
    flags = yaml.safe_load((paths.CONFIGS / "meeting_flags.yaml").read_text(encoding="utf-8"))
    return {**settings, "flag_names": flags["names"]}


def due_dates(received: datetime.datetime, settings: dict) -> tuple[datetime.date, datetime.date]:
    day = received.date()
    return (day + datetime.timedelta(days=settings["deadlines"]["acknowledge"]),
            day + datetime.timedelta(days=settings["deadlines"]["conclude"]))


def score(analysis: dict | None, repeats: int, received: datetime.datetime, today: datetime.datetime,
          settings: dict) -> tuple[float, list[str]]:
    """(priority, reasons), the reasons in the order they weigh."""
    parts: list[tuple[float, str]] = []
    if analysis:
        for label in analysis.get("labels", []):
            weight = settings["severity"].get(label["code"], 0)
            if weight:
                parts.append((weight * label["score"], f"问题类型：{label['name']}（{label['score']:.2f}）"))
        best = None
        for official in analysis.get("officials", []):
            for level in settings["seniority"]:
                if official.get("role") != "petitioner" and re.search(level["pattern"], official.get("title") or ""):
                    if best is None or level["points"] > best[0]:
                        best = (level["points"], f"涉及{level['name']}：{official['name']}（{official['title']}）")
                    break
        if best:
            parts.append(best)
        flags = sorted({flag["type"] for flag in analysis.get("meeting_flags", [])})
        if flags:
            names = "、".join(settings["flag_names"].get(flag, flag) for flag in flags)
            parts.append((settings["meeting_flag_points"] * len(flags), f"会议程序问题：{names}"))
    else:
        parts.append((0.0, "尚未完成自动分析"))
    if repeats:
        parts.append((min(settings["repeat_points"] * repeats, settings["repeat_points_max"]), f"重复反映{repeats}次"))
    days = max((today - received).days, 0)
    if days:
        parts.append((min(settings["age_points_per_day"] * days, settings["age_points_max"]), f"已等待{days}天"))
    parts.sort(key=lambda p: -p[0])
    return round(sum(p for p, _ in parts), 2), [reason for _, reason in parts]
