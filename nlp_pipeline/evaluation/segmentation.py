"""Word segmentation scores as the SIGHAN bakeoff computes them.

A predicted word counts as correct when its character span equals a gold word's span;
precision, recall and F1 follow, plus recall on words absent from the training word list
(OOV recall) when one is given.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass
class SegmentationScore:
    gold_words: int
    predicted_words: int
    correct: int
    oov_words: int = 0
    oov_correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted_words if self.predicted_words else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold_words if self.gold_words else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def oov_recall(self) -> float | None:
        return self.oov_correct / self.oov_words if self.oov_words else None


def spans(words: Iterable[str]) -> list[tuple[int, int]]:
    out = []
    start = 0
    for word in words:
        out.append((start, start + len(word)))
        start += len(word)
    return out


def score(gold: list[list[str]], predicted: list[list[str]], training_words: set[str] | None = None) -> SegmentationScore:
    """Score sentence-aligned segmentations; each predicted sentence must spell its gold one."""
    total = SegmentationScore(0, 0, 0)
    for gold_words, predicted_words in zip(gold, predicted, strict=True):
        if "".join(gold_words) != "".join(predicted_words):
            raise ValueError(f"prediction does not spell the gold sentence: {''.join(gold_words)[:40]}")
        gold_spans = spans(gold_words)
        predicted_spans = set(spans(predicted_words))
        total.gold_words += len(gold_spans)
        total.predicted_words += len(predicted_spans)
        for word, span in zip(gold_words, gold_spans):
            hit = span in predicted_spans
            total.correct += hit
            if training_words is not None and word not in training_words:
                total.oov_words += 1
                total.oov_correct += hit
    return total


def read_segmented(path: Path) -> list[list[str]]:
    """SIGHAN gold: one sentence a line, words separated by whitespace."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split() for line in lines if line.strip()]


def read_conllu(path: Path) -> list[list[str]]:
    """UD sentences as word forms (multi-word token ranges and empty nodes skipped)."""
    sentences: list[list[str]] = []
    words: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if words:
                sentences.append(words)
                words = []
        elif not line.startswith("#"):
            fields = line.split("\t")
            if fields[0].isdigit():
                words.append(fields[1])
    if words:
        sentences.append(words)
    return sentences


def segment_all(cut: Callable[[str], Iterable[str]], sentences: list[list[str]]) -> Iterator[list[str]]:
    for words in sentences:
        yield [w for w in cut("".join(words)) if not w.isspace()]
