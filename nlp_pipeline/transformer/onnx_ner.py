"""The character NER model at run time (ONNX Runtime): entities with character offsets.

preprocess cuts each text into chunks of at most ``max_chars`` characters at sentence ends; forward
feeds each chunk as the model was trained to read it (every character as its own piece, or the
chunk's own pieces with each character's place in them) and runs the model; postprocess decodes BIO with
the transition rule (and a CRF's learned transitions where the model has them) and shifts spans
back to the text's offsets.
"""

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .char_ner import char_ids, decode_logits, piece_rows, without_unmatched_brackets
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
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.vocabulary = self.tokenizer.get_vocab()
        self.inputs = meta.get("inputs", "characters")
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
        out = []
        for i, s, e in pieces:
            feeds, first = self.inputs_for(texts[i][s:e])
            logits = self.session.run(["logits"], feeds)[0]
            out.append(logits[0, first:first + e - s])
        return out

    def inputs_for(self, text: str) -> tuple[dict[str, np.ndarray], int]:
        """The model's inputs for one chunk, and where its first character's scores are."""
        if self.inputs == "pieces":
            return piece_rows(self.tokenizer, [text]), 0
        v = self.vocabulary
        ids = np.array([[v["<s>"]] + char_ids(text, v, v["<unk>"]) + [v["</s>"]]], dtype=np.int64)
        return {"input_ids": ids, "attention_mask": np.ones_like(ids)}, 1

    def postprocess(self, texts: Sequence[str], pieces, logits: list[np.ndarray]) -> list[list[tuple[int, int, str]]]:
        found: list[list[tuple[int, int, str]]] = [[] for _ in texts]
        for (i, s, _), scores in zip(pieces, logits):
            chunk = texts[i][s:s + len(scores)]
            found[i] += [(s + a, s + b, kind) for a, b, kind in
                         without_unmatched_brackets(chunk, decode_logits(scores, self.tags, self.crf))]
        return found

    def entities(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        pieces = self.preprocess(texts)
        return self.postprocess(texts, pieces, self.forward(texts, pieces))
