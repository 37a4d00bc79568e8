"""The date a document states: 2023年5月12日, 2023-05-12, 2023.5.12 or 二〇二三年五月十二日.

Minutes open with the meeting's date and letters close with theirs; the first full date in
the text is the one staff sort a person's file by. Impossible dates (2023年2月30日) are skipped.
"""

import datetime
import re

DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0}
ARABIC = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})(?!\d)")
HAN_NUMBER = "〇一二三四五六七八九十零○O"
HAN = re.compile(rf"([{HAN_NUMBER}]{{4}})年([{HAN_NUMBER}]{{1,3}})月([{HAN_NUMBER}]{{1,3}})日")


def _han_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 二十三 → 23 (the forms month and day take)."""
    if "十" not in text:
        return int("".join(str(DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (DIGITS[tens] if tens else 1) * 10 + (DIGITS[ones] if ones else 0)


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def stated_date(text: str) -> str | None:
    """ISO date of the first valid full date in ``text``, or None."""
    found = []
    for match in ARABIC.finditer(text):
        found.append((match.start(), _valid(*map(int, match.groups()))))
    for match in HAN.finditer(text):
        year, month, day = match.groups()
        try:
            found.append((match.start(), _valid(_han_number(year), _han_number(month), _han_number(day))))
        except KeyError:
            continue
    dates = [date for _, date in sorted(found, key=lambda f: f[0]) if date]
    return dates[0] if dates else None
