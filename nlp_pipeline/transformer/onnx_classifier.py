"""The fine-tuned transformer issue-type classifier at run time: ONNX Runtime, no torch.

Kept apart as the Hugging Face pipelines keep them: ``preprocess`` (tokenise, cut windows),
``forward`` (the only step that touches the model), ``postprocess`` (pool windows per document,
sigmoid). Only ``tokenizers`` and ``onnxruntime`` are needed, both small CPU wheels.
"""

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..labels import ThresholdedScores
from .windows import Batch, batch, pool_max
from .onnx_session import open_session


class OnnxIssueClassifier(ThresholdedScores):
    def __init__(self, directory: Path, meta: dict, threads: int | None = None):
        from tokenizers import Tokenizer

        self.session = open_session(directory / meta["file"], threads)
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.labels = meta["labels"]
        self.thresholds_ = np.array([meta["thresholds"][c] for c in self.labels])
        self.window = meta["window"]

    def preprocess(self, texts: Sequence[str]) -> Batch:
        ids = [encoding.ids for encoding in self.tokenizer.encode_batch(list(texts), add_special_tokens=False)]
        special = {name: self.tokenizer.token_to_id(token) for name, token in
                   (("bos", "<s>"), ("eos", "</s>"), ("pad", "<pad>"))}
        return batch(ids, length=self.window["length"], stride=self.window["stride"], **special)

    def forward(self, prepared: Batch) -> np.ndarray:
        """Logits per window, each window run alone and unpadded. The int8 model quantises its
        activations with one scale per call, so windows batched together would shift each other's
        scores (and padding to the longest would cost a short petition a full window)."""
        logits = []
        for ids, mask in zip(prepared.input_ids, prepared.attention_mask):
            width = int(mask.sum())
            logits.append(self.session.run(["logits"], {"input_ids": ids[None, :width],
                                                        "attention_mask": mask[None, :width]})[0][0])
        return np.array(logits)

    def postprocess(self, logits: np.ndarray, prepared: Batch, documents: int) -> list[dict[str, float]]:
        pooled = pool_max(logits, prepared.owner, documents)
        probabilities = 1.0 / (1.0 + np.exp(-pooled))
        return [dict(zip(self.labels, map(float, row))) for row in probabilities]

    def scores(self, X: Sequence[tuple[str, Sequence[str]]]) -> list[dict[str, float]]:
        texts = [text for text, _ in X]
        prepared = self.preprocess(texts)
        return self.postprocess(self.forward(prepared), prepared, len(texts))
