"""The scikit-learn issue-type classifier: jieba words and character n-grams, TF-IDF, one
calibrated linear model per label, per-label thresholds tuned on out-of-fold scores.

Inputs are ``(text, words)`` pairs: the words come from the pipeline's own segmenter, so the
model sees at prediction time exactly the segmentation it was trained on, and the pickled
estimator holds no tokenizer of its own.
"""

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC

from ..labels import ThresholdedScores

Segmented = tuple[str, Sequence[str]]
CONTENT = re.compile(r"[\w\u4e00-\u9fff]")
THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.025), 3)
# Out-of-fold F1 within this of the best counts as best: over three fold assignments of the same
# documents the chosen thresholds then differ by 0.06 on average, against 0.13 for the exact best.
PLATEAU_TOLERANCE = 0.01


def texts_of(items: Sequence[Segmented]) -> list[str]:
    return [text for text, _ in items]


def words_of(items: Sequence[Segmented]) -> list[list[str]]:
    return [[w for w in words if CONTENT.search(w)] for _, words in items]


def word_ngrams(words: list[str]) -> list[str]:
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


class CueFeatures(TransformerMixin, BaseEstimator):
    """One binary feature per cue pattern (configs/cues.yaml), scaled by ``weight``: conduct
    named in a register the n-grams never saw still fires the cue the model has a weight for."""

    def __init__(self, cues: dict[str, list[str]], weight: float = 0.3):
        self.cues = cues
        self.weight = weight

    def fit(self, X, y=None) -> "CueFeatures":
        self.patterns_ = [re.compile(p) for patterns in self.cues.values() for p in patterns]
        return self

    def transform(self, X: Sequence[Segmented]) -> sparse.csr_matrix:
        rows, cols = [], []
        for i, text in enumerate(texts_of(X)):
            for j, pattern in enumerate(self.patterns_):
                if pattern.search(text):
                    rows.append(i)
                    cols.append(j)
        data = np.full(len(rows), self.weight)
        return sparse.csr_matrix((data, (rows, cols)), shape=(len(X), len(self.patterns_)))


def char_tfidf(ngram_range: tuple[int, int], min_df: int, max_features: int):
    """Character n-gram TF-IDF over the text of ``(text, words)`` pairs."""
    return make_pipeline(FunctionTransformer(texts_of), TfidfVectorizer(
        analyzer="char", ngram_range=ngram_range, min_df=min_df, max_features=max_features, sublinear_tf=True))


def best_threshold(scores: np.ndarray, truth: np.ndarray, floor: float = 0.0, tolerance: float = 0.0) -> float:
    """The threshold with the best F1 on ``scores``, not below ``floor``: the middle of the
    thresholds within ``tolerance`` of the best F1; 0.5 with no positives."""
    if truth.sum() == 0:
        return 0.5
    grid = THRESHOLD_GRID[THRESHOLD_GRID >= floor]
    predicted = scores[None, :] >= grid[:, None]
    tp = (predicted & truth[None, :]).sum(axis=1)
    return plateau_middle(grid, 2 * tp / (predicted.sum(axis=1) + truth.sum()), tolerance)


def plateau_middle(grid: Sequence[float], f1s: Sequence[float], tolerance: float) -> float:
    """The middle of the ``grid`` values whose F1 is within ``tolerance`` of the best: where F1 is
    flat, a threshold in the middle moves least when the data moves."""
    f1s = np.asarray(f1s)
    best = np.flatnonzero(f1s >= f1s.max() - tolerance - 1e-9)
    return float(np.asarray(grid)[best[len(best) // 2]])


class TfidfIssueClassifier(ThresholdedScores, BaseEstimator):
    def __init__(self, labels: Sequence[str], cues: dict[str, list[str]] | None = None, cue_weight: float = 0.3,
                 char_ngram_range: tuple[int, int] = (1, 2), min_df: int = 2, max_features: int = 200_000,
                 C: float = 1.0, calibration: str = "sigmoid", cv: int = 3):
        self.labels = labels
        self.cues = cues
        self.cue_weight = cue_weight
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.C = C
        self.calibration = calibration
        self.cv = cv

    def _indicator(self, label_sets: Sequence[Sequence[str]]) -> np.ndarray:
        return np.array([[code in labels for code in self.labels] for labels in label_sets], dtype=int)

    def fit(self, X: Sequence[Segmented], y: Sequence[Sequence[str]]) -> "TfidfIssueClassifier":
        branches = [
            ("chars", char_tfidf(self.char_ngram_range, self.min_df, self.max_features)),
            ("words", make_pipeline(FunctionTransformer(words_of), TfidfVectorizer(
                analyzer=word_ngrams, min_df=self.min_df, max_features=self.max_features, sublinear_tf=True))),
        ]
        if self.cues:
            branches.append(("cues", CueFeatures(self.cues, self.cue_weight)))
        self.features_ = FeatureUnion(branches).fit(X)
        linear = LinearSVC(C=self.C, class_weight="balanced")
        self.model_ = OneVsRestClassifier(CalibratedClassifierCV(linear, method=self.calibration, cv=self.cv))
        self.model_.fit(self.features_.transform(X), self._indicator(y))
        self.thresholds_ = np.full(len(self.labels), 0.5)
        return self

    def predict_proba(self, X: Sequence[Segmented]) -> np.ndarray:
        return self.model_.predict_proba(self.features_.transform(X))

    def fit_out_of_fold(self, X: Sequence[Segmented], y: Sequence[Sequence[str]], folds: int = 5) -> "TfidfIssueClassifier":
        """Fit on all of ``X``, with each label's threshold the best F1 over scores that ``folds``
        copies made for documents they did not see (fold by position). A dev split of a few hundred
        documents moved thresholds by up to 0.3 from one corpus revision to the next; the
        out-of-fold scores cover every document and move far less."""
        scores = np.zeros((len(X), len(self.labels)))
        for fold in range(folds):
            held = np.arange(len(X)) % folds == fold
            copy = clone(self).fit([x for x, h in zip(X, held) if not h], [t for t, h in zip(y, held) if not h])
            scores[held] = copy.predict_proba([x for x, h in zip(X, held) if h])
        self.fit(X, y)
        truth = self._indicator(y).astype(bool)
        self.thresholds_ = np.array([best_threshold(scores[:, j], truth[:, j], tolerance=PLATEAU_TOLERANCE)
                                     for j in range(len(self.labels))])
        return self

