"""Whether a document is a study or warning-education meeting that recounts other people's cases.

LABELING.md: such a meeting is not itself a violation, so the 一言堂 or 会前定调 its sentences quote
from a case shows no meeting flag. The occasion is named in the opening (title, first lines); a
petition that mentions a 学习心得 further down is not one.
"""

import re
from pathlib import Path

import yaml


class LessonOpening:
    def __init__(self, pattern: str, within: int):
        self.pattern = re.compile(pattern)
        self.within = within

    @classmethod
    def from_config(cls, path: Path) -> "LessonOpening":
        config = yaml.safe_load(path.read_text(encoding="utf-8"))["lesson_opening"]
        return cls(config["pattern"], config["within"])

    def __call__(self, text: str) -> bool:
        return bool(self.pattern.search(text[: self.within]))
