"""Document kind (minutes / petition / other) from weighted textual cues.

Minutes and petitions announce themselves (会议纪要, 参会人员, 议定事项 against 举报,
反映, 恳请, 信访人), most of all in their opening lines, so a small linear score over cues
from ``configs/doc_kinds.yaml``, softmaxed across kinds, separates them transparently.
"""

import math
import re
from pathlib import Path

import yaml
from spacy.language import Language
from spacy.tokens import Doc

KINDS = ("minutes", "petition", "other")


class DocKind:
    def __init__(self, name: str, cues: str):
        self.name = name
        self.cues_path = Path(cues)
        self.prior: dict[str, float] = {}
        self.cues: dict[str, list[tuple[re.Pattern, float]]] = {}
        self.head_chars = 0
        self.head_weight = 1.0

    def initialize(self, get_examples=None, *, nlp=None) -> None:
        settings = yaml.safe_load(self.cues_path.read_text(encoding="utf-8"))
        self.prior = {kind: float(settings["prior"].get(kind, 0.0)) for kind in KINDS}
        self.head_chars = int(settings["head_chars"])
        self.head_weight = float(settings["head_weight"])
        self.cues = {
            kind: [(re.compile(pattern), float(weight)) for pattern, weight in settings["cues"].get(kind, [])]
            for kind in KINDS
        }

    def probabilities(self, text: str) -> dict[str, float]:
        logits = dict(self.prior)
        for kind, cues in self.cues.items():
            for pattern, weight in cues:
                match = pattern.search(text)
                if match:
                    logits[kind] += weight * (self.head_weight if match.start() < self.head_chars else 1.0)
        top = max(logits.values())
        exp = {kind: math.exp(logit - top) for kind, logit in logits.items()}
        total = sum(exp.values())
        return {kind: value / total for kind, value in exp.items()}

    def __call__(self, doc: Doc) -> Doc:
        if doc._.given_kind:
            doc._.kind, doc._.kind_score = doc._.given_kind, None
            return doc
        probabilities = self.probabilities(doc.text)
        kind = max(probabilities, key=probabilities.get)
        doc._.kind, doc._.kind_score = kind, round(probabilities[kind], 4)
        return doc


@Language.factory("doc_kind", default_config={"cues": "${paths.configs}/doc_kinds.yaml"})
def make_doc_kind(nlp: Language, name: str, cues: str) -> DocKind:
    return DocKind(name, cues)
