"""The analyze contract, end to end through the CLI on the bundled examples."""

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from nlp_pipeline.cli import app
from nlp_pipeline.document import Analysis

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "documents"
runner = CliRunner()


@pytest.fixture(scope="module")
def records():
    result = runner.invoke(app, ["analyze", str(EXAMPLES), "--format", "jsonl"])
    assert result.exit_code == 1, result.output  # the broken example fails, the rest goes on
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_every_example_gets_one_valid_record(records):
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    for record in records:
        jsonschema.validate(record, schema)
        Analysis.model_validate(record)
    files = sorted(p for p in EXAMPLES.iterdir() if p.suffix != ".jsonl")
    jsonl_lines = sum(1 for p in EXAMPLES.glob("*.jsonl") for line in p.read_text(encoding="utf-8").splitlines() if line.strip())
    assert len(records) == len(files) + jsonl_lines


def test_broken_file_has_an_error_record_and_the_rest_are_read(records):
    failed = [r for r in records if r["errors"]]
    assert [Path(r["id"]).name for r in failed] == ["传输中断的会议记录.docx"]
    assert failed[0]["kind"] is None and failed[0]["chars"] == 0
    assert all(r["chars"] > 0 and r["kind"] for r in records if not r["errors"])


def test_officials_point_at_their_mentions(records):
    from nlp_pipeline.ingest import read_inputs

    texts = {d.id: d.text for d in read_inputs([EXAMPLES]) if hasattr(d, "text")}
    for record in records:
        for official in record["officials"]:
            assert texts[record["id"]][official["start"]:official["end"]] == official["name"]
            assert official["registry_id"] is None  # the registry comes with the follow-up store


def test_flags_point_at_their_evidence(records):
    from nlp_pipeline.ingest import read_inputs

    texts = {d.id: d.text for d in read_inputs([EXAMPLES]) if hasattr(d, "text")}
    flagged = [r for r in records if r["meeting_flags"]]
    assert "青川县交通运输局党组会议纪要" in {Path(r["id"]).stem for r in flagged}
    for record in flagged:
        for flag in record["meeting_flags"]:
            assert texts[record["id"]][flag["start"]:flag["end"]] == flag["evidence"]
            assert 0.0 <= flag["score"] <= 1.0


def test_labels_are_the_scores_at_or_above_threshold_highest_first(records):
    from nlp_pipeline import artefacts, paths
    from nlp_pipeline.labels import codes, decide, names

    thresholds = artefacts.load(paths.MODELS / "issue_types_tfidf")[1]["thresholds"]
    for record in records:
        if record["errors"]:
            assert record["scores"] == {} and record["labels"] == []
            continue
        assert set(record["scores"]) == set(codes())
        assert all(0.0 <= s <= 1.0 for s in record["scores"].values())
        codes_given = [l["code"] for l in record["labels"]]
        expected = [c for c in decide(record["scores"], thresholds, at_least_one=record["kind"] == "petition")
                    if c != "collective_decision"]
        if record["meeting_flags"]:  # collective_decision exactly when there is a flag (LABELING.md)
            expected = [c for c in expected if c != "out_of_scope"] + ["collective_decision"]
        assert sorted(codes_given) == sorted(expected)
        assert [l["score"] for l in record["labels"]] == sorted((l["score"] for l in record["labels"]), reverse=True)
        assert all(l["name"] == names()[l["code"]] and l["score"] == record["scores"][l["code"]] for l in record["labels"])


def test_kinds_of_the_examples(records):
    kinds = {Path(r["id"]).stem: r["kind"] for r in records}
    assert kinds["青川县交通运输局党组会议纪要"] == "minutes"
    assert kinds["临江市城市管理局局务会议记录"] == "minutes"
    assert kinds["关于禾丰区民政局克扣低保金问题的举报信"] == "petition"
    assert kinds["白沙镇群众来信"] == "petition"
    assert kinds["msg-2024-0312"] == "petition"
    given = next(r for r in records if r["id"] == "msg-2024-0311")
    assert given["kind"] == "petition" and given["kind_score"] is None


def test_offsets_index_the_normalised_text(pipeline):
    result = pipeline.analyze_text("会议时间:2024年\r\n\r\n\r\n主持人：周海峰")
    assert result.chars == len("会议时间：2024年\n\n主持人：周海峰")


def test_other_kind_and_table_view(tmp_path):
    (tmp_path / "notice.txt").write_text("关于做好2024年国庆节期间值班工作的通知\n各科室：请按排班表安排值班。特此通知。", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["analyze", str(tmp_path), "--format", "table"])
    assert result.exit_code == 1
    assert "other" in result.stdout and "empty file" in result.stdout
    assert "2 份输入" in result.stdout and "出错 1" in result.stdout


def test_all_good_inputs_exit_zero(tmp_path):
    (tmp_path / "a.txt").write_text("我实名举报村主任侵占危房改造补助款，请纪委调查。", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(tmp_path / "a.txt")])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["kind"] == "petition"


def test_a_document_that_breaks_a_component_fails_alone():
    from spacy.language import Language

    from nlp_pipeline.ingest import document_from_pages
    from nlp_pipeline.pipeline import Pipeline

    @Language.component("fails_on_a_marker")
    def fails_on_a_marker(doc):
        if "坏" in doc.text:
            raise ValueError("a marker the component cannot read")
        return doc

    pipeline = Pipeline(overrides={"nlp.pipeline": ["sentencizer"]})
    pipeline.nlp.add_pipe("fails_on_a_marker")
    texts = ["会议研究了采购事项。", "这一份有坏字。", "会议结束。"]
    analyses = list(pipeline.analyze([document_from_pages(f"d{i}", None, [t]) for i, t in enumerate(texts)]))
    assert [a.id for a in analyses] == ["d0", "d1", "d2"]
    assert [a.errors for a in analyses][::2] == [[], []]
    assert analyses[1].errors == ["analysis failed: ValueError: a marker the component cannot read"]
    assert analyses[1].chars == len(texts[1])
