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


def test_pruned_vocabulary_gives_the_same_entities(tmp_path):
    """Cutting the NER's embedding table to the pieces and characters a text needs leaves its outputs
    unchanged."""
    import shutil

    import numpy as np
    from tokenizers import Tokenizer

    from nlp_pipeline.transformer.vocabulary import SPECIAL, observed_pieces, prune

    text = "县财政局党组书记、局长王建国在党组会上说，人选会前已经定了。"
    shutil.copytree(paths.MODELS / "ner_e5", tmp_path / "ner")
    tokenizer = Tokenizer.from_file(str(tmp_path / "ner" / "tokenizer.json"))
    vocabulary = tokenizer.get_vocab()
    keep = ([vocabulary[p] for p in SPECIAL if p in vocabulary] + [vocabulary[c] for c in set(text) if c in vocabulary]
            + sorted(observed_pieces(tokenizer, [text])))  # its characters, and its pieces for a model reading them
    meta = prune(tmp_path / "ner", keep)
    assert meta["vocabulary"]["rows"] == len(set(keep)) < len(vocabulary)
    full, _ = artefacts.load(paths.MODELS / "ner_e5")
    small, _ = artefacts.load(tmp_path / "ner")
    assert len(small.vocabulary) == len(set(keep))
    for a, b in zip(full.forward([text], full.preprocess([text])), small.forward([text], small.preprocess([text]))):
        np.testing.assert_allclose(a, b, rtol=0, atol=0)
    assert small.entities([text]) == full.entities([text])
    assert any(text[s:e] == "王建国" for s, e, kind in small.entities([text])[0] if kind == "name")


def test_only_e5_models_have_their_vocabulary_cut():
    from typer.testing import CliRunner

    from nlp_pipeline.cli import app

    result = CliRunner().invoke(app, ["models", "prune-vocab", str(paths.MODELS / "issue_types_tfidf")])
    assert result.exit_code != 0 and "not an e5 model" in result.output


def test_a_text_gets_the_same_outputs_alone_or_in_a_batch():
    """The int8 models quantise activations per call: batched pieces would change each other's
    entities and scores, so each piece runs alone."""
    import numpy as np

    from nlp_pipeline import corpus

    texts = [e.text for e in corpus.written() if e.split == "test"][:12]
    ner, _ = artefacts.load(paths.MODELS / "ner_e5")
    assert ner.entities(texts) == [ner.entities([text])[0] for text in texts]
    classifier, _ = artefacts.load(MODEL)
    together = classifier.scores([(text, ()) for text in texts])
    alone = [classifier.scores([(text, ())])[0] for text in texts]
    np.testing.assert_allclose([list(s.values()) for s in together], [list(s.values()) for s in alone], atol=1e-6)
