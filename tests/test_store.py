"""The follow-up store through the CLI: registry import, analyze --db, officials' files."""

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp_pipeline.cli import app
from nlp_pipeline.document import Analysis, Label, MeetingFlag, Official
from nlp_pipeline.store import DocumentRow, MentionRow, Store

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def analysis(doc_id: str, date: str | None, *officials: Official, labels=("形式主义",)) -> Analysis:
    return Analysis(id=doc_id, source=f"{doc_id}.txt", kind="petition", date=date, chars=100,
                    labels=[Label(code="x", name=n, score=0.9) for n in labels],
                    meeting_flags=[MeetingFlag(type="pre_decided", evidence="会前已定", start=0, end=4, score=0.8)],
                    officials=list(officials))


def official(name, title=None, unit=None, role="subject") -> Official:
    return Official(name=name, title=title, unit=unit, role=role, start=0, end=len(name))


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'followup.sqlite'}")


def test_reanalysis_replaces_instead_of_duplicating(store):
    list(store.save([analysis("d1", "2024-01-02", official("周海峰", "局长"), official("马德胜"))]))
    list(store.save([analysis("d1", "2024-01-02", official("周海峰", "局长"))]))
    assert store.count(DocumentRow) == 1 and store.count(MentionRow) == 1
    [file] = store.files("周海峰")
    assert len(file.documents) == 1 and store.files("马德胜") == []


def test_files_are_newest_first_and_petitioners_are_not_kept(store):
    list(store.save([analysis("old", "2022-05-01", official("周海峰", "局长", "甲县交通运输局")),
                     analysis("new", "2024-03-14", official("周海峰", "局长", "甲县交通运输局"),
                              official("陈秀兰", role="petitioner"), labels=("贪污贿赂",)),
                     analysis("undated", None, official("周海峰", "局长", "甲县交通运输局"))]))
    [file] = store.files("周海峰")
    assert [d.document_id for d in file.documents] == ["new", "old", "undated"]
    assert file.documents[0].labels == ["贪污贿赂"] and file.documents[0].flags == ["pre_decided"]
    assert store.files("陈秀兰") == []


def test_importing_the_registry_links_mentions_already_stored(store, tmp_path):
    saved = list(store.save([analysis("d1", "2024-01-02", official("周海峰", "局长", "甲县交通运输局"))]))
    assert saved[0].officials[0].registry_id is None
    registry = tmp_path / "r.csv"
    registry.write_text("编号,姓名,工作单位,职务\nA1,周海峰,甲县交通运输局,局长\nA2,周海峰,乙县教育局,副局长\n",
                        encoding="utf-8")
    result = runner.invoke(app, ["registry", "import", str(registry), "--db", str(store.engine.url)])
    assert result.exit_code == 0, result.output
    [file] = store.files("A1")
    assert file.person_id == "A1" and file.units == ["甲县交通运输局"]
    assert store.review() == []


def test_demo_flow_through_the_cli(tmp_path):
    db = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    imported = runner.invoke(app, ["registry", "import", str(ROOT / "examples" / "registry.csv"), "--db", db])
    assert imported.exit_code == 0 and "8 persons" in imported.output
    analysed = runner.invoke(app, ["analyze", str(ROOT / "examples" / "documents"), "--db", db])
    assert analysed.exit_code == 1  # the broken example
    records = [json.loads(line) for line in analysed.stdout.splitlines()]
    linked = {o["name"]: o["registry_id"] for r in records for o in r["officials"] if o["registry_id"]}
    # 周海峰 has a namesake in the education bureau; the minutes name him as 党组书记、局长
    assert linked["周海峰"] == "QC-001" and linked["马德胜"] == "HF-201"
    again = runner.invoke(app, ["analyze", str(ROOT / "examples" / "documents"), "--db", db])
    assert again.exit_code == 1
    store = Store(db)
    assert store.count(DocumentRow) == len(records)

    shown = runner.invoke(app, ["officials", "show", "周海峰", "--db", db])
    assert shown.exit_code == 0 and "QC-001" in shown.output and "2024-03-14" in shown.output
    missing = runner.invoke(app, ["officials", "show", "不存在", "--db", db])
    assert missing.exit_code == 1
    listed = runner.invoke(app, ["officials", "list", "--db", db])
    assert listed.exit_code == 0 and "QC-002" in listed.output
    exported = runner.invoke(app, ["officials", "export", "--db", db])
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert {r["registry_id"] for r in rows} >= {"QC-001", "QC-002", "HF-201"}
    dates = [r["date"] for r in rows if r["registry_id"] == "QC-001"]
    assert dates == ["2024-03-14"]
    review = [json.loads(line) for line in runner.invoke(app, ["officials", "review", "--db", db]).stdout.splitlines()]
    assert review and all(r["status"] in ("no_match", "ambiguous", "unconfirmed") for r in review)
    petitioners = {o["name"] for r in records for o in r["officials"] if o["role"] == "petitioner"}
    assert "陈秀兰" in petitioners and "陈秀兰" not in exported.stdout  # not an official to follow up
