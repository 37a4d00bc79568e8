"""The CRF's loss and the Viterbi decoder it ships with, checked against brute force over every
tag path of a short sentence."""

import itertools

import numpy as np
import pytest

from nlp_pipeline.transformer.char_ner import allowed_transitions, bio_tags, decode

torch = pytest.importorskip("torch")
from nlp_pipeline.transformer.crf import linear_chain_crf  # noqa: E402

TAGS = bio_tags(["name", "position"])


def path_score(crf: dict, emissions: np.ndarray, path: tuple) -> float:
    score = crf["start"][path[0]] + emissions[0, path[0]] + crf["end"][path[-1]]
    for i in range(1, len(path)):
        score += crf["transitions"][path[i - 1]][path[i]] + emissions[i, path[i]]
    return score


def legal(path: tuple) -> bool:
    allowed, start_ok = allowed_transitions(TAGS)
    return bool(start_ok[path[0]]) and all(allowed[a, b] for a, b in zip(path, path[1:]))


@pytest.fixture
def trained_looking_crf():
    torch.manual_seed(3)
    crf = linear_chain_crf(TAGS)
    with torch.no_grad():
        for parameter in (crf.transitions, crf.start, crf.end):
            parameter.normal_()
    return crf


def test_loss_is_the_negative_log_likelihood_over_legal_paths(trained_looking_crf):
    crf = trained_looking_crf
    emissions = torch.randn(1, 6, len(TAGS))
    length = 4  # two padded positions after the sentence must not count
    gold = (TAGS.index("B-name"), TAGS.index("I-name"), 0, TAGS.index("B-position"))
    labels = torch.tensor([list(gold) + [-100, -100]])
    scores, e = crf.exported(), emissions[0, :length].numpy()
    paths = [p for p in itertools.product(range(len(TAGS)), repeat=length) if legal(p)]
    log_z = np.logaddexp.reduce([path_score(scores, e, p) for p in paths])
    expected = (log_z - path_score(scores, e, gold)) / length
    assert crf.loss(emissions, labels).item() == pytest.approx(expected, abs=1e-4)


def test_decode_with_learned_transitions_finds_the_best_legal_path(trained_looking_crf):
    scores = trained_looking_crf.exported()
    emissions = np.random.default_rng(5).normal(size=(5, len(TAGS)))
    best = max((p for p in itertools.product(range(len(TAGS)), repeat=5) if legal(p)),
               key=lambda p: path_score(scores, emissions, p))
    spans, start = [], None
    for i, j in enumerate(best + (0,)):
        if start is not None and not TAGS[j].startswith("I-"):
            spans.append((start, i, TAGS[best[start]][2:]))
            start = None
        if TAGS[j].startswith("B-"):
            start = i
    assert decode(emissions, TAGS, scores) == spans
