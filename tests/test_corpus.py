"""The written corpus is the classifier's teacher: these tests hold it to its data card."""

import collections
import json

import pytest

from nlp_pipeline import corpus
from nlp_pipeline.evaluation.near_duplicates import near_duplicate_pairs
from nlp_pipeline.labels import OUT_OF_SCOPE, codes

FLAG_TYPES = {"pre_decided", "leader_sets_tone", "one_voice", "bypass_collective", "exclude_supervision",
              "perfunctory", "forced_through"}


@pytest.fixture(scope="module")
def written():
    return corpus.written()


def test_size_and_mix(written):
    kinds = collections.Counter(e.kind for e in written)
    assert len(written) >= 500
    assert kinds["minutes"] >= 150 and kinds["petition"] >= 300
    assert sum(len(e.labels) > 1 for e in written) >= 0.25 * len(written)
    assert sum(e.hard_negative for e in written) >= 120
    # short petitions (parts 42-43) run from 37 characters; nothing is a fragment or a whole file
    assert all(30 <= len(e.text) <= 3000 for e in written)
    assert sum(len(e.text) < 100 for e in written) >= 40
    assert len({e.register for e in written}) >= 8


def test_every_label_has_enough_positives_in_every_split(written):
    for code in codes():
        assert sum(code in e.labels for e in written) >= 40, code
        for split in corpus.SPLITS:
            assert sum(code in e.labels for e in written if e.split == split) >= 3, (code, split)


def test_gold_follows_the_labelling_conventions(written):
    assert len({e.id for e in written}) == len(written)
    for e in written:
        assert set(e.labels) <= set(codes()), e.id
        assert OUT_OF_SCOPE not in e.labels or e.labels == [OUT_OF_SCOPE], e.id
        assert bool(e.flags) == ("collective_decision" in e.labels), e.id
        assert not e.hard_negative or set(e.labels) <= {OUT_OF_SCOPE}, e.id
        for flag in e.flags:
            assert flag["type"] in FLAG_TYPES and flag["evidence"] in e.text, e.id
        for official in e.officials:
            assert official["role"] in {"subject", "petitioner", "mentioned"}, e.id
            assert all(official[k] in e.text for k in ("name", "title", "unit") if official.get(k)), e.id


def test_flags_cover_every_type(written):
    types = collections.Counter(f["type"] for e in written for f in e.flags)
    assert set(types) == FLAG_TYPES
    assert min(types.values()) >= 8


def test_second_annotations_cover_test_documents_with_evidence_from_their_text(written):
    by_id = {e.id: e for e in written}
    rows = corpus.flag_agreement()
    assert len(rows) >= 100 and len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert by_id[row["id"]].split == "test", row["id"]
        for flag in row["annotator_a"] + row["annotator_b"]:
            assert flag["type"] in FLAG_TYPES and flag["evidence"] in by_id[row["id"]].text, row["id"]


def test_documents_are_not_templates_of_each_other(written):
    pairs = near_duplicate_pairs([e.text for e in written], threshold=0.5)
    involved = {i for pair in pairs for i in pair[:2]}
    assert len(involved) <= 0.01 * len(written), [(written[i].id, written[j].id, s) for i, j, s in pairs[:5]]


def test_splits_are_fixed_by_document():
    assert corpus.split_of("part01-001") == corpus.split_of("part01-001")
    counts = collections.Counter(corpus.split_of(f"doc-{i}") for i in range(10_000))
    assert 0.67 < counts["train"] / 10_000 < 0.73 and 0.13 < counts["dev"] / 10_000 < 0.17


def test_real_annotations_keep_ids_and_labels_only():
    for path in sorted((corpus.CORPORA / "real").glob("*labels*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            assert set(record) <= {"file", "id", "labels", "note"}, path
            assert set(record["labels"]) <= set(codes()) and record["labels"], (path, record["id"])
            assert len(record.get("note", "")) < 200


def test_real_officials_gold_keeps_offsets_only():
    for line in (corpus.CORPORA / "real" / "ccdi_officials.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        assert set(record) == {"source", "id", "officials"}
        for official in record["officials"]:
            assert official["role"] in {"subject", "mentioned"}
            for field in ("name", "title", "unit"):
                span = official[field]
                assert span is None or (len(span) == 2 and all(isinstance(i, int) for i in span) and span[0] < span[1])


def test_real_sets_join_their_text(datasets):
    messages = corpus.taidi_messages(datasets)
    cases = corpus.ccdi_cases(datasets)
    assert len(messages) >= 600 and len(cases) == 57
    assert all(e.text for e in messages + cases)


def test_ccdi_article_paragraphs_never_retell_a_test_case(datasets):
    """The article paragraphs are a second real test set beside the 57 CCDI cases; to measure
    something the cases do not, no paragraph may come from a test case's report, name a test case's
    official, name the unit of a case that names no official, or share a test case's wording."""
    import re

    paragraphs, cases = corpus.ccdi_article_paragraphs(datasets), corpus.ccdi_cases(datasets)
    assert len(paragraphs) >= 40 and {e.split for e in paragraphs} == {"test"}
    officials = {e.id: e.officials for e in corpus.ccdi_officials(datasets)}
    keys = set()
    for case in cases:
        names = {o["name"] for o in officials.get(case.id, [])}
        keys |= names or {re.sub(r"^[^省]{2,3}省", "", case.text)[:5]}  # 吉林省白城市政府办公室 -> 白城市政府

    def shingles(text):
        return {text[i:i + 5] for i in range(len(text) - 4)}

    case_shingles = [shingles(case.text) for case in cases]
    test_reports = {case.id.split("#")[0] for case in cases}
    for paragraph in paragraphs:
        assert paragraph.id.removeprefix("ccdi-article:").split("#")[0] not in test_reports
        assert not [key for key in keys if key in paragraph.text], paragraph.id
        own = shingles(paragraph.text)
        assert max(len(own & other) / min(len(own), len(other)) for other in case_shingles) <= 0.3, paragraph.id
