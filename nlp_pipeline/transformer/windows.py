"""Splitting token sequences into model windows, so long documents are read whole.

A document longer than the window becomes overlapping windows of at most ``length`` tokens
(with the special tokens); each window is scored and the document's score pools them, so a
violation on page five counts as much as one in the first paragraph.
"""

from dataclasses import dataclass

import numpy as np


@dataclass
class Batch:
    input_ids: np.ndarray      # (windows, length) int64
    attention_mask: np.ndarray  # (windows, length) int64
    owner: np.ndarray           # (windows,) index of the document each window belongs to


def windows(ids: list[int], length: int, stride: int) -> list[list[int]]:
    """Content-token windows of at most ``length - 2`` tokens, starting every ``stride`` tokens."""
    size = length - 2
    if len(ids) <= size:
        return [ids]
    starts = list(range(0, len(ids) - size, stride)) + [len(ids) - size]
    return [ids[s:s + size] for s in sorted(set(starts))]


def batch(documents: list[list[int]], bos: int, eos: int, pad: int, length: int, stride: int) -> Batch:
    rows, owners = [], []
    for index, ids in enumerate(documents):
        for window in windows(ids, length, stride):
            rows.append([bos] + window + [eos])
            owners.append(index)
    width = max(len(r) for r in rows)
    input_ids = np.full((len(rows), width), pad, dtype=np.int64)
    attention = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        input_ids[i, :len(row)] = row
        attention[i, :len(row)] = 1
    return Batch(input_ids, attention, np.array(owners))


def pool_max(values: np.ndarray, owner: np.ndarray, documents: int) -> np.ndarray:
    """Per-document maximum over its windows (a label present anywhere is present)."""
    out = np.full((documents, values.shape[1]), -np.inf, dtype=values.dtype)
    np.maximum.at(out, owner, values)
    return out
