"""Document kind (minutes / petition / other) as a learned model.

Minutes, petitions and other papers differ in layout and formulae (会议纪要, 参会人员, 议定;
举报, 恳请, 此致敬礼; 通报, 特此通知) more than in topic, so character 2-4-grams (no single
characters, which carry topic) with a multinomial logistic regression separate them; its
probabilities are the kind scores. C was chosen on the dev split; the n-gram ranges tied there
(README, stop 26).
"""

import datetime
import json
from collections.abc import Sequence
from pathlib import Path

from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression

from .. import artefacts, corpus, paths
from ..corpus import Example
from ..ingest.normalize import normalize
from .tfidf_classifier import Segmented, char_tfidf

KINDS = ("minutes", "petition", "other")
DEFAULT_DIR = paths.MODELS / "doc_kind"
CARD = """Document kind for the analyze contract: minutes, petition or other. Character 2-4-gram
TF-IDF and a multinomial logistic regression (class-balanced); the kind is the most probable
class and its probability the kind_score. Trained by `nlp-pipeline train kind` on the written
corpus's train split and the train part of the annotated real citizen messages (all petitions)."""


class KindClassifier(BaseEstimator):
    def __init__(self, char_ngram_range: tuple[int, int] = (2, 4), min_df: int = 2, max_features: int = 100_000,
                 C: float = 30.0):
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.C = C

    def fit(self, X: Sequence[Segmented], kinds: Sequence[str]) -> "KindClassifier":
        self.features_ = char_tfidf(self.char_ngram_range, self.min_df, self.max_features).fit(X)
        self.model_ = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000)
        self.model_.fit(self.features_.transform(X), list(kinds))
        return self

    def probabilities(self, X: Sequence[Segmented]) -> list[dict[str, float]]:
        rows = self.model_.predict_proba(self.features_.transform(X))
        return [dict(zip(self.model_.classes_, map(float, row))) for row in rows]

    def predict(self, X: Sequence[Segmented]) -> list[str]:
        return [max(p, key=p.get) for p in self.probabilities(X)]


def _pairs(examples: list[Example]) -> list[Segmented]:
    return [(normalize(e.text).text, ()) for e in examples]


def accuracy(model: KindClassifier, examples: list[Example]) -> dict:
    predicted = model.predict(_pairs(examples))
    confusion = {g: {p: 0 for p in KINDS} for g in KINDS}
    for example, guess in zip(examples, predicted):
        confusion[example.kind][guess] += 1
    correct = sum(confusion[k][k] for k in KINDS)
    return {"documents": len(examples), "accuracy": round(correct / len(examples), 4), "confusion": confusion}


def train(out: Path = DEFAULT_DIR, datasets: Path = paths.DATASETS, **params) -> dict:
    written, messages = corpus.written(), corpus.taidi_messages(datasets)
    train_set = [e for e in written + messages if e.split == "train"]
    model = KindClassifier(**params).fit(_pairs(train_set), [e.kind for e in train_set])
    held_out = {"corpus test": [e for e in written if e.split == "test"],
                "real messages test": [e for e in messages if e.split == "test"],
                "CCDI cases": corpus.ccdi_cases(datasets)}
    meta = {
        "name": "doc_kind", "trained": datetime.date.today().isoformat(), "params": model.get_params(),
        "data": {"train": {"written corpus": sum(1 for e in train_set if not e.id.startswith("taidi:")),
                           "real messages": sum(1 for e in train_set if e.id.startswith("taidi:"))}},
        "accuracy": {name: accuracy(model, examples) for name, examples in held_out.items() if examples},
    }
    meta = artefacts.save(out, model, meta)
    results = []
    for name, result in meta["accuracy"].items():
        results += [f"- {name}: accuracy {result['accuracy']:.3f} on {result['documents']} documents; "
                    "confusion (gold → predicted) " + json.dumps(result["confusion"])]
    artefacts.write_card(out, "Document kind: character n-grams + logistic regression", CARD, meta, results)
    return meta
