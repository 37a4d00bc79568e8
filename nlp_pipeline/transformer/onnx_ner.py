"""The character NER model at run time (ONNX Runtime): entities with character offsets.

preprocess cuts each text into chunks of at most ``max_chars`` characters at sentence ends and
maps every character to its own piece; forward runs the model; postprocess decodes BIO with
the transition rule (and a CRF's learned transitions where the model has them) and shifts spans
back to the text's offsets.
"""

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .char_ner import char_ids, decode_logits
from .onnx_session import open_session

SENTENCE_END = re.compile(r"[。！？；\n]")


def chunks(text: str, limit: int) -> list[tuple[int, int]]:
    """(start, end) pieces of at most ``limit`` characters, cut after sentence ends if possible."""
    out, start = [], 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            cuts = [m.end() for m in SENTENCE_END.finditer(text, start, end)]
            end = cuts[-1] if cuts else end
        out.append((start, end))
        start = end
    return out


class OnnxCharNer:
    def __init__(self, directory: Path, meta: dict, threads: int | None = None):
        from tokenizers import Tokenizer

        self.session = open_session(directory / meta["file"], threads)
        self.vocabulary = Tokenizer.from_file(str(directory / "tokenizer.json")).get_vocab()
        self.tags = meta["tags"]
        self.max_chars = meta["max_chars"]
        self.crf = meta.get("crf")

    def preprocess(self, texts: Sequence[str]) -> list[tuple[int, int, int]]:
        return [(i, s, e) for i, text in enumerate(texts) for s, e in chunks(text, self.max_chars)]

    def forward(self, texts: Sequence[str], pieces: list[tuple[int, int, int]]) -> list[np.ndarray]:
        """Tag scores per piece, each piece run alone. The int8 model quantises its activations with
        one scale per call, so pieces batched together would change each other's entities (96 of
        1,137 in 120 corpus test documents, batched 32 at a time); alone, a text always gets the
        same entities, and no padding is computed."""
        v = self.vocabulary
        unk, bos, eos = v["<unk>"], v["<s>"], v["</s>"]
        out = []
        for i, s, e in pieces:
            ids = np.array([[bos] + char_ids(texts[i][s:e], v, unk) + [eos]], dtype=np.int64)
            logits = self.session.run(["logits"], {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0]
            out.append(logits[0, 1:-1])
        return out

    def postprocess(self, texts: Sequence[str], pieces, logits: list[np.ndarray]) -> list[list[tuple[int, int, str]]]:
        found: list[list[tuple[int, int, str]]] = [[] for _ in texts]
        for (i, s, _), scores in zip(pieces, logits):
            found[i] += [(s + a, s + b, kind) for a, b, kind in decode_logits(scores, self.tags, self.crf)]
        return found

    def entities(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        pieces = self.preprocess(texts)
        return self.postprocess(texts, pieces, self.forward(texts, pieces))
