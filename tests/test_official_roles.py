"""Roles of officials learned over the rules' evidence: the signs it reads, training on corpus
documents, and the shipped model in the pipeline."""

import pytest

from nlp_pipeline import corpus, paths
from nlp_pipeline.learn import role_classifier
from nlp_pipeline.learn.role_classifier import RoleClassifier, document_signs, mention_features

MINUTES = ("县交通运输局党组会议纪要\n会议由党组书记、局长周海峰主持。出席：葛春燕、罗天明\n"
           "周海峰：这个项目就这么定了。\n驻局纪检监察组组长马德胜列席会议。\n周海峰强调，要抓紧推进。")


@pytest.fixture(scope="module")
def rules_pipeline():
    from nlp_pipeline.pipeline import Pipeline

    return Pipeline(overrides={"components.officials.roles": None})


def test_the_signs_of_who_a_document_is_about(rules_pipeline):
    analysis = rules_pipeline.analyze_text(MINUTES)
    officials = [o.model_dump() for o in analysis.officials]
    by_name = {o["name"]: o for o in officials}
    extractor = rules_pipeline.nlp.get_pipe("officials").extractor

    document = document_signs(MINUTES, officials, ["collective_decision"], [], "minutes", extractor)

    def signs(name):
        return mention_features(by_name[name], document)

    head, attending, listed = signs("周海峰"), signs("马德胜"), signs("葛春燕")
    assert head["chair"] and head["speaker"] and head["head"] and head["most_named"] and head["speeches"] == 1
    assert attending["discipline"] and not attending["chair"] and not attending["most_named"]
    assert listed["roster"] and not listed["has_title"]
    assert head["kind=minutes"] and head["label=collective_decision"] and head["alleged"]


def test_training_on_corpus_documents_fits_and_scores_roles(rules_pipeline):
    written = corpus.written()
    train = [e for e in written if e.split == "train"][:40]
    dev = [e for e in written if e.split == "dev"][:20]
    extractor = rules_pipeline.nlp.get_pipe("officials").extractor
    analysed = {name: role_classifier._analysed(rules_pipeline, examples) for name, examples in (("train", train), ("dev", dev))}
    features, subject = role_classifier._rows(train, analysed["train"], extractor)
    assert len(features) > 40 and 0 < sum(subject) < len(subject)
    model = RoleClassifier().fit(features, subject)
    scores = model.subject_scores(features)
    assert scores[subject].mean() > scores[[not s for s in subject]].mean()
    report = role_classifier.role_report(model, dev, analysed["dev"], extractor)
    assert report["documents"] == 20 and 0 < report["role"]["f1"] <= 1


@pytest.mark.skipif(not (paths.MODELS / "official_roles" / "meta.json").exists(), reason="no role model shipped")
def test_the_shipped_model_names_the_accused_and_not_the_attending_inspector(pipeline):
    text = ("举报信\n尊敬的县纪委：我实名举报县交通运输局党组书记、局长周海峰。他收受施工方老板现金二十万元，"
            "把养护工程交给了老板的公司。局里开会时驻局纪检监察组组长马德胜只是列席，没有发言。\n举报人：陈秀兰")
    roles = {o.name: o.role for o in pipeline.analyze_text(text).officials}
    assert roles["周海峰"] == "subject" and roles["马德胜"] == "mentioned" and roles["陈秀兰"] == "petitioner"
