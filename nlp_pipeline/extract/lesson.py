"""Whether a document is a study or warning-education meeting that recounts other people's cases.

LABELING.md: such a meeting is not itself a violation, so the 一言堂 or 会前定调 its sentences quote
from a case shows no meeting flag, and a record of the meeting (its heading names it) reports no
conduct of its own. The occasion is named in the opening (title, first lines); a petition that
mentions a 学习心得 further down is not one.
"""

import re
from pathlib import Path

import yaml


class LessonOpening:
    def __init__(self, pattern: str, within: int, meeting_heading: str, heading_lines: int, heading_chars: int):
        self.pattern = re.compile(pattern)
        self.within = within
        self.meeting_heading = re.compile(meeting_heading)
        self.heading_lines = heading_lines
        self.heading_chars = heading_chars

    @classmethod
    def from_config(cls, path: Path) -> "LessonOpening":
        return cls(**yaml.safe_load(path.read_text(encoding="utf-8"))["lesson_opening"])

    def __call__(self, text: str) -> bool:
        return bool(self.pattern.search(text[: self.within]))

    def is_record(self, text: str) -> bool:
        """A lesson occasion whose heading (a short line among the first) names a meeting or a study."""
        headings = [line for line in text.strip().split("\n")[: self.heading_lines] if len(line) <= self.heading_chars]
        return self(text) and any(self.meeting_heading.search(line) for line in headings)
