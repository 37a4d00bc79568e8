"""Text normalisation that remembers where every character came from.

Scans, PDFs and web forms mix full- and half-width forms and stray whitespace; rules and
models see one form. Full-width letters and digits become ASCII, ASCII punctuation next to
a Chinese character becomes the full-width form Chinese text uses, whitespace is tidied.
``Normalized.source`` maps each output character back to its index in the raw text.
"""

import re
from dataclasses import dataclass

ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
SPACES = {"\u3000", "\u00a0", "\u2002", "\u2003", "\u2009", "\u202f", "\u205f", "\x0b"}
KEEP_FULL_WIDTH = set("，！？：；（）")
TO_FULL_WIDTH = {",": "，", "!": "！", "?": "？", ":": "：", ";": "；", "(": "（", ")": "）"}
MAX_BLANK_LINES = 1
SPACED_OUT = 0.5
# A text PDF or a scan breaks every line at the page's width, names and posts included (…镇长马|国庆).
# A line ends inside its paragraph when it is nearly as long as the document's typical long line
# (WRAP_WIDTH of the median of its lines of at least WRAP_MIN_CHARS), ends without closing its
# sentence, and the next line goes straight on: not indented, not a list number or a "field：" head.
# A first line that names the paper (关于…问题的反映) is its title, however long; a line with no
# comma or stop in it (a heading: 一、关于2024年度就业补助资金分配方案) and a line of a date alone end
# where they end.
WRAP_MIN_CHARS = 12
WRAP_WIDTH = 0.85
SENTENCE_CLOSED = re.compile(r"[。！？；：…!?;:]$|[。！？…!?][”’」』）)]$")
NEW_ITEM = re.compile(r"[ \t\f]|[一二三四五六七八九十]+[、．.]|\d+[、．.]|[（(][一二三四五六七八九十\d]+[）)]"
                      r"|第[一二三四五六七八九十\d]+[条章节项]|[^\s，。：:]{1,12}[：:]")
DATE_LINE = re.compile(r"\s*\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?\s*$")
TITLE = re.compile(r"(?:反映|举报|举报信|来信|纪要|记录|通报|报告|决定|通知|说明|意见|函|材料|情况|问题|的信)$")


def is_han(char: str) -> bool:
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2FFFF


def is_cjk(char: str) -> bool:
    """Han characters and CJK punctuation: text between which a space is an artefact."""
    return is_han(char) or "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"


@dataclass(frozen=True)
class Normalized:
    text: str
    source: list[int]


def _map_chars(raw: str) -> tuple[list[str], list[int]]:
    chars: list[str] = []
    source: list[int] = []
    for i, char in enumerate(raw):
        if char in ZERO_WIDTH:
            continue
        if char == "\r":
            if raw[i + 1 : i + 2] == "\n":
                continue
            char = "\n"
        elif char in SPACES:
            char = " "
        elif "\uff01" <= char <= "\uff5e" and char not in KEEP_FULL_WIDTH:
            char = chr(ord(char) - 0xFEE0)
        chars.append(char)
        source.append(i)
    return chars, source


def _spaced_out_lines(chars: list[str]) -> list[bool]:
    """Per character, whether its line is spaced out (会 议 纪 要, as some PDFs and scans give
    Chinese): at least ``SPACED_OUT`` of the line's neighbouring Han pairs have a space between."""
    flags: list[bool] = []
    for line in "".join(chars).split("\n"):
        han = [i for i, c in enumerate(line) if is_han(c)]
        pairs = [(a, b) for a, b in zip(han, han[1:]) if b - a <= 2 and (b - a == 1 or line[a + 1] in " \t\f")]
        spaced = sum(b - a == 2 for a, b in pairs)
        flags += [bool(pairs) and spaced >= SPACED_OUT * len(pairs)] * (len(line) + 1)
    return flags[: len(chars)]


def _unwrap_lines(chars: list[str], source: list[int]) -> tuple[list[str], list[int]]:
    """Drop the line breaks that only wrap a paragraph at the page's width."""
    lines = "".join(chars).split("\n")
    long_lines = sorted(len(line.strip()) for line in lines if len(line.strip()) >= WRAP_MIN_CHARS)
    if len(long_lines) < 2:
        return chars, source
    full = max(WRAP_MIN_CHARS, WRAP_WIDTH * long_lines[len(long_lines) // 2])
    title = next((i for i, line in enumerate(lines) if line.strip()), -1)
    wraps, position = set(), 0
    for number, (line, following) in enumerate(zip(lines, lines[1:])):
        position += len(line)
        stripped = line.strip()
        if (len(stripped) >= full and not SENTENCE_CLOSED.search(stripped) and following.strip()
                and not NEW_ITEM.match(following) and not DATE_LINE.match(following)
                and not (number == title and TITLE.search(stripped)) and re.search("[，。；,;]", stripped)):
            wraps.add(position)
        position += 1
    return [c for i, c in enumerate(chars) if i not in wraps], [s for i, s in enumerate(source) if i not in wraps]


def _tidy_whitespace(chars: list[str], source: list[int]) -> tuple[list[str], list[int]]:
    spaced_out = _spaced_out_lines(chars)
    out: list[str] = []
    out_source: list[int] = []
    n = len(chars)
    j = 0
    while j < n:
        char = chars[j]
        if char in " \t\f":
            k = j
            while k < n and chars[k] in " \t\f":
                k += 1
            before = out[-1] if out else "\n"
            after = chars[k] if k < n else "\n"
            tab = "\t" in chars[j:k]  # a cell separator in tables: structure, not an artefact
            # Between two Han characters of an ordinary line a space separates fields (康志文 内科主任,
            # 运输管理科 尹浩：); next to Chinese punctuation, or in a spaced-out line, it is an artefact.
            separator = is_han(before) and is_han(after) and not spaced_out[j]
            keep = before != "\n" and after != "\n" and (tab or separator or not (is_cjk(before) and is_cjk(after)))
            if keep:
                out.append("\t" if tab else " ")
                out_source.append(source[j])
            j = k
            continue
        if char == "\n":
            trailing = 0
            while trailing < len(out) and out[-1 - trailing] == "\n":
                trailing += 1
            if out and trailing <= MAX_BLANK_LINES:
                out.append("\n")
                out_source.append(source[j])
            j += 1
            continue
        out.append(char)
        out_source.append(source[j])
        j += 1
    while out and out[-1] == "\n":
        out.pop()
        out_source.pop()
    return out, out_source


def _widen_punctuation(chars: list[str]) -> None:
    for i, char in enumerate(chars):
        if char in TO_FULL_WIDTH:
            before = chars[i - 1] if i else ""
            after = chars[i + 1] if i + 1 < len(chars) else ""
            if (before and is_han(before)) or (after and is_han(after)):
                chars[i] = TO_FULL_WIDTH[char]


def normalize(raw: str) -> Normalized:
    """Return the normalised text and, for each of its characters, the raw index."""
    chars, source = _tidy_whitespace(*_unwrap_lines(*_map_chars(raw)))
    _widen_punctuation(chars)
    return Normalized("".join(chars), source)
