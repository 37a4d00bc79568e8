"""Near-duplicate documents by MinHash over character shingles, checked by exact Jaccard.

Guards the written corpus against documents that are one template with slots swapped: such
pairs share most of their 5-character shingles even when names and units differ.
"""

import zlib

import numpy as np

PRIME = (1 << 61) - 1


def shingles(text: str, k: int = 5) -> set[str]:
    text = "".join(text.split())
    return {text[i:i + k] for i in range(max(len(text) - k + 1, 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def signatures(sets: list[set[str]], num_perm: int = 64, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 1 << 31, size=(num_perm, 1), dtype=np.uint64)
    b = rng.integers(0, 1 << 31, size=(num_perm, 1), dtype=np.uint64)
    out = np.empty((len(sets), num_perm), dtype=np.uint64)
    for row, items in enumerate(sets):
        hashes = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in items), dtype=np.uint64, count=len(items))
        out[row] = ((a * hashes[None, :] + b) % PRIME).min(axis=1)
    return out


def near_duplicate_pairs(texts: list[str], threshold: float = 0.5, k: int = 5) -> list[tuple[int, int, float]]:
    """Index pairs whose shingle Jaccard is at least ``threshold`` (MinHash finds candidates)."""
    sets = [shingles(t, k) for t in texts]
    sig = signatures(sets)
    pairs = []
    for i in range(len(texts) - 1):
        estimate = (sig[i + 1:] == sig[i]).mean(axis=1)
        for offset in np.flatnonzero(estimate >= threshold * 0.7):
            j = i + 1 + int(offset)
            score = jaccard(sets[i], sets[j])
            if score >= threshold:
                pairs.append((i, j, round(score, 3)))
    return pairs
