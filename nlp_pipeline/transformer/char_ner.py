"""Character-level NER on the rebuilt encoder: data, the model's inputs, BIO decoding.

Sentencepiece pieces often cross entity boundaries in Chinese (王建国主 | 持), so projecting
character gold onto pieces and back loses entities. Tags are therefore always per character. The
encoder reads either each character as its own piece (the vocabulary's piece for that character,
with or without the word-start mark), or the text's own pieces, as in pre-training; then every
character takes the encoding of the piece that covers it, its own piece's embedding and where it
sits in that piece (`piece_rows`).
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

META = "\u2581"
TYPES = ("name", "position", "government", "organization", "company", "address", "game", "book", "movie", "scene")


def bio_tags(types: Iterable[str] = TYPES) -> list[str]:
    return ["O"] + [f"{prefix}-{t}" for t in types for prefix in ("B", "I")]


@dataclass
class Sentence:
    text: str
    spans: list[tuple[int, int, str]]  # start, end (exclusive), type


def read_cluener(path: Path) -> list[Sentence]:
    sentences = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        spans = [(start, end + 1, kind) for kind, surfaces in record.get("label", {}).items()
                 for positions in surfaces.values() for start, end in positions]
        sentences.append(Sentence(record["text"], sorted(spans)))
    return sentences


def char_ids(text: str, vocabulary: dict[str, int], unk: int) -> list[int]:
    """One piece id per character: the bare piece, else the word-start piece, else unknown."""
    return [vocabulary.get(c, vocabulary.get(META + c, unk)) for c in text]


# Where a character sits in the piece covering it: offset 0-3 (3 = later) times piece length 1-4
# (4 = longer), then a character no piece covers (the tokenizer's normaliser dropped it), then padding.
UNCOVERED, PADDING = 16, 17
POSITIONS = 18


def piece_alignment(offsets: list[tuple[int, int]], n: int) -> tuple[list[int], list[int]]:
    """For each of ``n`` characters: the index of the token covering it (``offsets`` are the
    tokens' character spans; special tokens have empty ones) and its position bucket there. A
    character no token covers takes the piece before it."""
    piece, position = [0] * n, [UNCOVERED] * n
    for j, (start, end) in enumerate(offsets):
        for c in range(start, min(end, n)):
            piece[c] = j
            position[c] = min(c - start, 3) * 4 + min(end - start - 1, 3)
    for c in range(1, n):
        if position[c] == UNCOVERED:
            piece[c] = piece[c - 1]
    return piece, position


def piece_rows(tokenizer, texts: list[str]) -> dict[str, np.ndarray]:
    """Padded model inputs for ``texts`` read as the tokenizer's own pieces ([<s>, pieces, </s>]),
    and per character: the row position of its piece, its own single-character piece id and its
    position bucket (`PADDING` past the text's end)."""
    vocabulary = tokenizer.get_vocab()
    unk, pad = vocabulary["<unk>"], vocabulary["<pad>"]
    encodings = tokenizer.encode_batch(list(texts))
    rows, tokens, chars = len(texts), max(len(e.ids) for e in encodings), max(len(t) for t in texts)
    out = {"input_ids": np.full((rows, tokens), pad, dtype=np.int64),
           "attention_mask": np.zeros((rows, tokens), dtype=np.int64),
           "char_piece": np.zeros((rows, chars), dtype=np.int64),
           "char_ids": np.full((rows, chars), pad, dtype=np.int64),
           "char_position": np.full((rows, chars), PADDING, dtype=np.int64)}
    for r, (text, encoding) in enumerate(zip(texts, encodings)):
        out["input_ids"][r, :len(encoding.ids)] = encoding.ids
        out["attention_mask"][r, :len(encoding.ids)] = 1
        piece, position = piece_alignment(encoding.offsets, len(text))
        out["char_piece"][r, :len(text)] = piece
        out["char_ids"][r, :len(text)] = char_ids(text, vocabulary, unk)
        out["char_position"][r, :len(text)] = position
    return out


def encode_tags(sentence: Sentence, tags: list[str]) -> list[int]:
    index = {t: i for i, t in enumerate(tags)}
    out = [0] * len(sentence.text)
    for start, end, kind in sentence.spans:
        if f"B-{kind}" not in index:
            continue
        out[start] = index[f"B-{kind}"]
        for i in range(start + 1, end):
            out[i] = index[f"I-{kind}"]
    return out


def allowed_transitions(tags: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """BIO's rule as masks: allowed[previous, current] (I-X only after B-X or I-X) and which tags
    may open a sentence (no I-X)."""
    allowed = np.ones((len(tags), len(tags)), dtype=bool)
    for j, tag in enumerate(tags):
        if tag.startswith("I-"):
            kind = tag[2:]
            allowed[:, j] = [t in (f"B-{kind}", f"I-{kind}") for t in tags]
    return allowed, np.array([not t.startswith("I-") for t in tags])


def decode(scores: np.ndarray, tags: list[str], crf: dict | None = None) -> list[tuple[int, int, str]]:
    """Best BIO path under the rule that I-X follows only B-X or I-X (Viterbi). ``scores`` are
    per-character log-probs, or a CRF's emissions when ``crf`` gives its learned transition,
    start and end scores."""
    n, k = scores.shape
    allowed, start_ok = allowed_transitions(tags)
    transition = np.where(allowed, np.asarray(crf["transitions"]) if crf else 0.0, -np.inf)
    best = np.where(start_ok, scores[0] + (np.asarray(crf["start"]) if crf else 0.0), -np.inf)
    back = np.zeros((n, k), dtype=int)
    for i in range(1, n):
        candidates = best[:, None] + transition
        back[i] = candidates.argmax(0)
        best = candidates.max(0) + scores[i]
    if crf:
        best = best + np.asarray(crf["end"])
    path = [int(best.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    path.reverse()
    spans, start = [], None
    for i, j in enumerate(path + [0]):
        tag = tags[j] if i < n else "O"
        if start is not None and not tag.startswith("I-"):
            spans.append((start, i, tags[path[start]][2:]))
            start = None
        if tag.startswith("B-"):
            start = i
    return spans


def decode_logits(logits: np.ndarray, tags: list[str], crf: dict | None = None) -> list[tuple[int, int, str]]:
    """`decode` for a model's per-character outputs: CRF emissions as they are, else log-softmax."""
    if crf is None:
        logits = logits - np.logaddexp.reduce(logits, axis=1, keepdims=True)
    return decode(logits, tags, crf)


OPENING, CLOSING = "(（", ")）"


def without_unmatched_brackets(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Spans with a bracket at either edge that has no partner inside the span left out: CLUENER
    leaves the bracket around an entity outside it (names: 137 closing brackets right after a
    name kept out of it, 3 taken in without their opening one), while the tagger often takes in
    the closing one (Hermes(黄远康), 维特尔（davidwheater）)."""
    out = []
    for start, end, kind in spans:
        inner = text[start:end]
        while inner and inner[-1] in CLOSING and sum(map(inner.count, CLOSING)) > sum(map(inner.count, OPENING)):
            inner, end = inner[:-1], end - 1
        while inner and inner[0] in OPENING and sum(map(inner.count, OPENING)) > sum(map(inner.count, CLOSING)):
            inner, start = inner[1:], start + 1
        if inner:
            out.append((start, end, kind))
    return out


def span_scores(gold: list[list[tuple]], predicted: list[list[tuple]], types: Iterable[str] = TYPES) -> dict:
    """Exact-match entity P/R/F1 per type and macro over types."""
    out = {}
    for kind in types:
        g = {(i, s, e) for i, spans in enumerate(gold) for s, e, t in spans if t == kind}
        p = {(i, s, e) for i, spans in enumerate(predicted) for s, e, t in spans if t == kind}
        tp = len(g & p)
        precision = tp / len(p) if p else 0.0
        recall = tp / len(g) if g else 0.0
        out[kind] = {"precision": round(precision, 4), "recall": round(recall, 4),
                     "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
                     "support": len(g)}
    supported = [m for m in out.values() if m["support"]]
    out["macro"] = {"f1": round(sum(m["f1"] for m in supported) / len(supported), 4) if supported else 0.0}
    return out
