"""The shipped transformer classifier runs in the pipeline on onnxruntime alone."""

import pytest

from nlp_pipeline import artefacts, paths
from nlp_pipeline.labels import codes

MODEL = paths.MODELS / "issue_types_e5"


@pytest.fixture(scope="module")
def transformer_pipeline():
    from nlp_pipeline.pipeline import Pipeline

    return Pipeline(overrides={"components.issue_types.model": str(MODEL)})


def test_long_documents_are_read_whole(transformer_pipeline):
    classifier, meta = artefacts.load(MODEL)
    opening = "县城市管理局党组会议纪要。会议研究了环卫作业外包、市容整治和城区停车管理等工作。" * 20
    ending = "会后查明，局长违规收受承包商所送购物卡二十张，价值两万元，并多次接受宴请。"
    text = opening + ending
    assert len(classifier.preprocess([text]).input_ids) > 1  # more than one window
    scores = classifier.scores([(text, ())])[0]
    assert scores["eight_rules"] > classifier.scores([(opening, ())])[0]["eight_rules"]


def test_analyze_with_the_transformer(transformer_pipeline):
    result = transformer_pipeline.analyze_text("举报：镇长用公款在酒店宴请朋友，喝的是茅台，费用以会议费报销。")
    assert set(result.scores) == set(codes())
    assert all(0.0 <= s <= 1.0 for s in result.scores.values())
