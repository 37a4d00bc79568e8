"""The issue-type taxonomy from ``configs/labels.yaml``: codes, Chinese names, keywords."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from . import paths

OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class IssueType:
    code: str
    name: str
    keywords: tuple[str, ...]


@lru_cache
def load_labels(path: Path = paths.CONFIGS / "labels.yaml") -> tuple[IssueType, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(IssueType(e["code"], e["name"], tuple(e.get("keywords", ()))) for e in data["labels"])


def codes() -> list[str]:
    return [label.code for label in load_labels()]


def names() -> dict[str, str]:
    return {label.code: label.name for label in load_labels()}


def decide(scores: dict[str, float], thresholds: dict[str, float], at_least_one: bool = False) -> list[str]:
    """Codes at or above their thresholds, highest first; out_of_scope only when nothing else is.
    With ``at_least_one`` (a petition: it either reports conduct or is out of scope, where clean
    minutes rightly get nothing) the top-scoring code stands in when none passes."""
    chosen = [c for c, s in scores.items() if c != OUT_OF_SCOPE and s >= thresholds[c]]
    if not chosen and scores.get(OUT_OF_SCOPE, 0.0) >= thresholds.get(OUT_OF_SCOPE, 1.0):
        chosen = [OUT_OF_SCOPE]
    if not chosen and at_least_one and scores:
        chosen = [max(scores, key=scores.get)]
    return sorted(chosen, key=lambda c: -scores[c])


class ThresholdedScores:
    """``predict`` for any model with ``labels``, ``thresholds_`` and ``scores``; ``scores`` itself
    for any with ``predict_proba``."""

    def scores(self, X) -> list[dict[str, float]]:
        return [dict(zip(self.labels, map(float, row))) for row in self.predict_proba(X)]

    def predict(self, X) -> list[list[str]]:
        thresholds = dict(zip(self.labels, self.thresholds_))
        return [decide(scores, thresholds) for scores in self.scores(X)]
