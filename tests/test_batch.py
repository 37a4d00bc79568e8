"""Batch runs: folders and zip archives, refused members, resumable after kill -9, summary."""

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp_pipeline.batch.manifest import Manifest
from nlp_pipeline.batch.runner import run, summary, write_parquet
from nlp_pipeline.cli import app

ROOT = Path(__file__).resolve().parents[1]
LETTER = "举报临江市住建局副局长宋某某，他在城北安置房项目验收时收受施工方红包两万元。"


def records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def archive(tmp_path) -> Path:
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "来信.txt").write_bytes(LETTER.encode("gb18030"))
    with zipfile.ZipFile(folder / "卷宗.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("2024/纪要.txt", "党组会议纪要\n会议时间：2024年3月14日\n局长周海峰说这事会前已经定了，今天走个程序。")
        z.writestr("2024/同一封信.txt", LETTER.encode("gb18030"))
        z.writestr("../../etc/evil.txt", "x")
        z.writestr("bomb.txt", b"0" * 30_000_000)
        z.writestr("inner.zip", b"PK\x05\x06" + bytes(18))
    (folder / "坏.docx").write_bytes(b"PK\x03\x04 cut off")
    return folder


def test_folder_and_archive_every_input_accounted_for(archive, tmp_path):
    out = tmp_path / "out"
    report = run([archive], out, workers=1)
    assert report.inputs == 7 and report.duplicates == [(f"{archive}/来信.txt", f"{archive}/卷宗.zip!2024/同一封信.txt")]
    found = {r["input"]: r for r in records(out)}
    assert set(found) == {f"{archive}/卷宗.zip!{m}" for m in ("2024/纪要.txt", "2024/同一封信.txt", "../../etc/evil.txt",
                                                              "bomb.txt", "inner.zip")} | {f"{archive}/坏.docx"}
    assert "leaves the archive" in found[f"{archive}/卷宗.zip!../../etc/evil.txt"]["errors"][0]
    assert "zip bomb" in found[f"{archive}/卷宗.zip!bomb.txt"]["errors"][0]
    assert "archive inside an archive" in found[f"{archive}/卷宗.zip!inner.zip"]["errors"][0]
    minutes = found[f"{archive}/卷宗.zip!2024/纪要.txt"]
    assert minutes["date"] == "2024-03-14" and minutes["meeting_flags"] and len(minutes["sha256"]) == 64

    again = run([archive], out, workers=1)
    assert again.skipped == 6 and again.analysed == 0 and len(records(out)) == 6
    totals = summary(out)
    assert totals["documents"] == 6 and len(totals["failures"]) == 4
    table = write_parquet(out)
    import pandas as pd

    assert len(pd.read_parquet(table)) == 6


def test_torn_last_line_is_dropped_and_results_count_as_finished(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    good = {"input": "a.txt", "sha256": "a" * 64, "kind": "petition", "errors": []}
    (out / "results.jsonl").write_text(json.dumps(good) + "\n" + '{"input": "b.txt", "sha', encoding="utf-8")
    manifest = Manifest(out)
    assert manifest.status("a" * 64) == "done"
    assert (out / "results.jsonl").read_text(encoding="utf-8") == json.dumps(good) + "\n"


def test_kill_and_resume_loses_nothing(tmp_path):
    folder = tmp_path / "letters"
    folder.mkdir()
    for i in range(24):
        (folder / f"{i:02d}.txt").write_text(f"第{i}封来信：{LETTER}镇长办公会{i}号议题未经集体研究。", encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "nlp_pipeline.cli", "batch", str(folder), "--out", str(out), "--workers", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    results = out / "results.jsonl"
    deadline = time.time() + 300
    while time.time() < deadline and (not results.exists() or results.read_text(encoding="utf-8").count("\n") < 3):
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished_before = results.read_text(encoding="utf-8").count("\n")
    assert 3 <= finished_before < 24
    resumed = runner_invoke(["batch", str(folder), "--out", str(out), "--workers", "1"])
    assert resumed.exit_code == 0, resumed.output
    inputs = [r["input"] for r in records(out)]
    assert sorted(inputs) == sorted(str(p) for p in folder.iterdir())  # each exactly once


def runner_invoke(arguments):
    return CliRunner().invoke(app, arguments)
