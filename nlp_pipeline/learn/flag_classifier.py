"""The meeting-flag sentence classifier: wording and meaning, blended.

The n-gram half (the issue-type estimator with the flag cues) is precise on phrasings it has
seen; the embedding half (one logistic regression per type over e5 sentence embeddings) is weak
alone but scores paraphrases the n-grams miss. Their probabilities are averaged with weight
``embedding_weight``. Out of fold the blend beat either half while the corpus was smaller; since
stop 30 it scores as the n-gram half does (micro F1 0.811 against 0.812 on 2,885 documents,
models/meeting_flags); it is kept, as no measurement yet favours either.
Embedding is what costs (some 20 sentences/s per core against some 500 for the n-grams), so only
sentences the n-grams find at least faintly suspicious (a score of ``embedding_gate`` for some type)
are embedded; the others keep their n-gram share alone, which on the corpus's dev and test splits
changes no document's flags while embedding about one sentence in ten.

A sentence's words are followed by its previous sentence's, marked as context (``in_context``): a
bare "就这样定了，散会。" reads differently after a dissent than after a vote.

A sentence rarely shows two types (44 of the 662 flagged gold sentences of train and dev), while its
neighbouring types often score close to the true one (one_voice, forced_through, leader_sets_tone),
so a type scoring under ``type_ratio`` of the sentence's best is set to zero.
"""

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression

from ..labels import ThresholdedScores
from .sentence_embeddings import SentenceEmbeddings
from .tfidf_classifier import Segmented, TfidfIssueClassifier


CONTEXT = "前:"


def in_context(sentences: Sequence[Segmented]) -> list[Segmented]:
    """Each of a document's sentences, in order, with the previous sentence's words added as
    context features (prefixed ``CONTEXT``); the text, which the character n-grams and the
    embeddings read, stays the sentence's own. Out of fold on the corpus's train and dev splits,
    document-level micro F1 of the n-gram half went from 0.722 to 0.732 with it."""
    return [(text, [*words, *(CONTEXT + w for w in sentences[k - 1][1])] if k else list(words))
            for k, (text, words) in enumerate(sentences)]


class BlendedFlagClassifier(ThresholdedScores, BaseEstimator):
    def __init__(self, labels: Sequence[str], cues: dict[str, list[str]], cue_weight: float = 0.5, C: float = 1.0,
                 embedding_C: float = 0.3, embedding_weight: float = 0.3, embedding_gate: float = 0.02,
                 type_ratio: float = 0.6):
        self.labels = labels
        self.cues = cues
        self.cue_weight = cue_weight
        self.C = C
        self.embedding_C = embedding_C
        self.embedding_weight = embedding_weight
        self.embedding_gate = embedding_gate
        self.type_ratio = type_ratio

    def fit(self, X: Sequence[Segmented], y: Sequence[Sequence[str]]) -> "BlendedFlagClassifier":
        self.ngrams_ = TfidfIssueClassifier(labels=self.labels, cues=self.cues, cue_weight=self.cue_weight,
                                            C=self.C).fit(X, y)
        self.embeddings_ = SentenceEmbeddings().fit(X)
        vectors = self.embeddings_.transform(X)
        truth = np.array([[label in labels for label in self.labels] for labels in y])
        self.heads_ = [LogisticRegression(C=self.embedding_C, class_weight="balanced", max_iter=2000)
                       .fit(vectors, truth[:, j]) for j in range(len(self.labels))]
        self.thresholds_ = np.full(len(self.labels), 0.5)
        return self

    def predict_proba(self, X: Sequence[Segmented]) -> np.ndarray:
        w = self.embedding_weight
        blended = (1 - w) * self.ngrams_.predict_proba(X)
        suspicious = np.flatnonzero(blended.max(axis=1) >= (1 - w) * self.embedding_gate) if w else []
        if len(suspicious):
            vectors = self.embeddings_.transform([X[i] for i in suspicious])
            blended[suspicious] += w * np.column_stack([head.predict_proba(vectors)[:, 1] for head in self.heads_])
        return np.where(blended >= self.type_ratio * blended.max(axis=1, keepdims=True), blended, 0.0)
