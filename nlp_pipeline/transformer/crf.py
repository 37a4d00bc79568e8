"""A linear-chain CRF over per-character emissions, for training the NER (torch).

The encoder scores every character alone; the CRF adds a learned score for each tag following
another, so the loss is over whole tag paths. BIO's rule (I-X only after B-X or I-X) is a fixed
mask, not learned. At run time the ONNX model gives the emissions and `char_ner.decode` runs
Viterbi with the transition scores saved in the model's metadata.
"""

import numpy as np

from .char_ner import allowed_transitions

FORBIDDEN = -1e4


def linear_chain_crf(tags: list[str]):
    import torch

    class LinearChainCrf(torch.nn.Module):
        def __init__(self):
            super().__init__()
            k = len(tags)
            allowed, start_ok = allowed_transitions(tags)
            self.transitions = torch.nn.Parameter(torch.zeros(k, k))
            self.start = torch.nn.Parameter(torch.zeros(k))
            self.end = torch.nn.Parameter(torch.zeros(k))
            self.register_buffer("transition_mask", torch.from_numpy(np.where(allowed, 0.0, FORBIDDEN)).float())
            self.register_buffer("start_mask", torch.from_numpy(np.where(start_ok, 0.0, FORBIDDEN)).float())

        def loss(self, emissions, labels):
            """Mean negative log-likelihood per character of the gold paths. ``emissions`` is
            (rows, positions, tags); ``labels`` holds tag ids, -100 after each row's end (every row
            starts with at least one character)."""
            mask = labels >= 0
            gold = labels.clamp(min=0)
            transitions = self.transitions + self.transition_mask
            start = self.start + self.start_mask
            lengths = mask.sum(1)
            emitted = emissions.gather(2, gold.unsqueeze(2)).squeeze(2)
            path = start[gold[:, 0]] + (emitted * mask).sum(1)
            path = path + (transitions[gold[:, :-1], gold[:, 1:]] * mask[:, 1:]).sum(1)
            path = path + self.end[gold.gather(1, (lengths - 1).unsqueeze(1)).squeeze(1)]
            alpha = start + emissions[:, 0]
            for i in range(1, emissions.shape[1]):
                step = torch.logsumexp(alpha.unsqueeze(2) + transitions, dim=1) + emissions[:, i]
                alpha = torch.where(mask[:, i:i + 1], step, alpha)
            partition = torch.logsumexp(alpha + self.end, dim=1)
            return (partition - path).sum() / lengths.sum()

        def exported(self) -> dict:
            """The learned scores for `char_ner.decode`, as plain lists for the model's metadata."""
            return {"transitions": self.transitions.detach().cpu().tolist(),
                    "start": self.start.detach().cpu().tolist(), "end": self.end.detach().cpu().tolist()}

    return LinearChainCrf()
