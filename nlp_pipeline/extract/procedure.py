"""Whether a sentence only records proper procedure, and so can never be a flag's evidence.

LABELING.md: 会前分发材料, 征求意见, 末位表态, 纪检组长列席, 经集体研究 are how a meeting should run.
The sentence classifier learns these `benign` patterns as features, yet on a bare 纪检组长列席会议。
the words 纪检 and 列席 still outweigh them. A sentence that matches a benign pattern, no cue of any
flag type and no negation or contrast word (`contrast`: 未, 没, 但, 仍 ..., which turn a procedure
into its breach: 纪检监察组未列席) is therefore not scored. A head holding back says it with a
negation of its own (我先不表态，请大家先讲; `open_floor`): that phrase is benign and its 不 is not
a contrast word. Out of fold on the corpus's train and dev splits this drops 160 sentences, none of
them gold evidence.
"""

import re
from pathlib import Path

import yaml


def _any(patterns: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


class ProperProcedure:
    def __init__(self, benign: list[str], cues: list[str], contrast: list[str], open_floor: list[str]):
        self.benign, self.cues, self.contrast = _any(benign + open_floor), _any(cues), _any(contrast)
        self.open_floor = _any(open_floor)

    @classmethod
    def from_config(cls, path: Path) -> "ProperProcedure":
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(config["benign"], [p for patterns in config["types"].values() for p in patterns], config["contrast"],
                   config["open_floor"])

    def __call__(self, sentence: str) -> bool:
        return bool(self.benign.search(sentence)) and not self.cues.search(sentence) \
            and not self.contrast.search(self.open_floor.sub("", sentence))
