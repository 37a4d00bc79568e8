"""The registry of officials staff follow up on, and linking the officials a document names to it.

A registry comes from a CSV, XLSX or YAML file (id, name, aliases, unit, title, start, end; the
headers of configs/registry.yaml); several rows with one id are one person's posts over time.
Linking is deliberately cautious: two people with the same name are told apart only by unit and
title, a unit that contradicts the registry rules a person out, and whatever stays uncertain (no
one, several people, or a name alone with nothing to confirm it) goes to the review list instead
of being merged into somebody's file.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field

from . import paths
from .ingest.errors import InputError
from .ingest.formats import read_text

LinkStatus = Literal["linked", "unconfirmed", "ambiguous", "no_match", "pseudonym"]
REVIEW = ("unconfirmed", "ambiguous", "no_match")
FORMER = re.compile(r"^(?:原|时任|前|现任)")


class Post(BaseModel):
    unit: str | None = None
    title: str | None = None
    start: str | None = Field(None, description="ISO date or its prefix (2019, 2019-03)")
    end: str | None = None


class Person(BaseModel):
    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    posts: list[Post] = Field(default_factory=list)
    source: str | None = None


@dataclass
class RegistryFile:
    persons: list[Person]
    problems: list[str] = field(default_factory=list)


def load_settings(path: Path | None = None) -> dict:
    return yaml.safe_load((path or paths.CONFIGS / "registry.yaml").read_text(encoding="utf-8"))


def _rows_from_csv(path: Path) -> list[dict]:
    text = read_text(path)[0].replace("\r\n", "\n").replace("\r", "\n")
    return list(csv.DictReader(io.StringIO(text)))


def _rows_from_xlsx(path: Path) -> list[dict]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    except Exception as err:  # openpyxl raises many types for a damaged workbook
        raise InputError(f"not a readable XLSX workbook ({err})") from err
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
    return [{h: ("" if v is None else str(v)) for h, v in zip(header, row)} for row in rows]


def _rows_from_yaml(path: Path) -> list[dict]:
    try:
        data = yaml.safe_load(read_text(path)[0])
    except yaml.YAMLError as err:
        raise InputError(f"invalid YAML ({err})") from err
    if isinstance(data, dict):
        data = data.get("officials", data.get("persons"))
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError("expected a list of officials (or a mapping with key 'officials')")
    return data


READERS = {".csv": _rows_from_csv, ".xlsx": _rows_from_xlsx, ".yaml": _rows_from_yaml, ".yml": _rows_from_yaml}


def read_registry(path: Path, settings: dict | None = None) -> RegistryFile:
    """Persons in a registry file. Rows that cannot be used are listed as problems, by row."""
    settings = settings or load_settings()
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(f"{path}: unsupported registry format '{path.suffix}' (expected .csv, .xlsx, .yaml)")
    try:
        rows = reader(path)
    except InputError as err:
        raise InputError(f"{path}: {err}") from err
    if not rows:
        raise InputError(f"{path}: no rows")
    header = {str(k).strip() for row in rows for k in row}
    column = {}
    for name, accepted in settings["columns"].items():
        found = [h for h in accepted if h in header]
        if found:
            column[name] = found[0]
    if "name" not in column:
        raise InputError(f"{path}: no name column (expected one of {settings['columns']['name']})")
    separators = "[" + re.escape(settings["alias_separators"]) + "]"
    persons: dict[str, Person] = {}
    problems = []
    for number, row in enumerate(rows, 2 if path.suffix.lower() in (".csv", ".xlsx") else 1):
        value = {k: str(row.get(c) or "").strip() for k, c in column.items()}
        if not value["name"]:
            problems.append(f"{path}: row {number}: no name, row not imported")
            continue
        person_id = value.get("id") or f"{path.stem}:{number}"
        posts = row.get("posts") if isinstance(row.get("posts"), list) else [value]
        person = persons.setdefault(person_id, Person(id=person_id, name=value["name"], source=str(path)))
        if person.name != value["name"]:
            problems.append(f"{path}: row {number}: id {person_id} is {person.name} above but {value['name']} here, row not imported")
            continue
        aliases = [a for a in re.split(separators, value.get("aliases", "")) if a]
        person.aliases += [a for a in aliases if a not in person.aliases]
        for post in posts:
            post = {k: str(post.get(k) or "").strip() or None for k in ("unit", "title", "start", "end")}
            if any(post.values()):
                person.posts.append(Post(**post))
    return RegistryFile(list(persons.values()), problems)


def _title_parts(title: str | None) -> set[str]:
    return {FORMER.sub("", part) for part in re.split(r"[、，,兼]", title or "") if part}


def _covers(post: Post, date: str | None) -> bool:
    if not date:
        return False
    return (not post.start or post.start[: len(date)] <= date) and (not post.end or date[: len(post.end)] <= post.end)


@dataclass
class Link:
    status: LinkStatus
    person_id: str | None = None
    candidates: list[str] = field(default_factory=list)
    reason: str = ""


class Registry:
    """Persons indexed by name and alias; ``link`` says who a mention is, or why it cannot say."""

    def __init__(self, persons: list[Person], settings: dict | None = None):
        settings = settings or load_settings()
        self.noise = re.compile(settings["unit_noise"])
        self.persons = {p.id: p for p in persons}
        self.by_name: dict[str, list[Person]] = {}
        for person in persons:
            for name in {person.name, *person.aliases}:
                self.by_name.setdefault(name, []).append(person)

    def _unit_fit(self, unit: str | None, post: Post) -> bool | None:
        """True when one unit ends the other once party-organ words are set aside (交通运输局 is
        甲市交通运输局 with its place left out; 甲县 is not 甲县交通运输局), False when both are known
        and they differ, None when either is unknown."""
        if not unit or not post.unit:
            return None
        a, b = (self.noise.sub("", re.sub(r"\s", "", u)) or u for u in (unit, post.unit))
        return a.endswith(b) or b.endswith(a)

    def _evidence(self, person: Person, title: str | None, unit: str | None, date: str | None) -> float | None:
        """How strongly the mention's unit, title and date point at ``person``; None when every post
        the registry knows for them is in another unit."""
        wanted = _title_parts(title)
        scores = []
        for post in person.posts or [Post()]:
            unit_fit = self._unit_fit(unit, post)
            if unit_fit is False:
                continue
            score = 2.0 * bool(unit_fit)
            if wanted and post.title:
                score += 1.0 if wanted & _title_parts(post.title) else -1.0
            scores.append(score + 0.5 * _covers(post, date))
        return max(scores, default=None)

    def link(self, name: str, title: str | None = None, unit: str | None = None, date: str | None = None) -> Link:
        if "某" in name:
            return Link("pseudonym", reason="pseudonymised name")
        people = self.by_name.get(name, [])
        if not people:
            return Link("no_match", reason="no one of this name in the registry")
        scored = [(self._evidence(p, title, unit, date), p.id) for p in people]
        fitting = sorted(((s, pid) for s, pid in scored if s is not None), reverse=True)
        everyone = [pid for _, pid in scored]
        if not fitting:
            return Link("no_match", candidates=everyone, reason="namesakes only, in other units")
        best, best_id = fitting[0]
        runner_up = fitting[1][0] if len(fitting) > 1 else None
        if best >= 1 and (runner_up is None or best - runner_up >= 1):
            return Link("linked", best_id, everyone)
        if runner_up is None:
            return Link("unconfirmed", best_id, everyone, reason="name alone: no unit or title to confirm it")
        return Link("ambiguous", candidates=[pid for _, pid in fitting], reason=f"{len(fitting)} people fit")
