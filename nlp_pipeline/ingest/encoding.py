"""Decoding text files whose encoding nobody wrote down.

Offices save text as UTF-8 (with or without BOM), GB18030/GBK (the Windows default for
Chinese) or UTF-16 (Notepad's "Unicode"). Decoding is strict: a file that fits none of them
is reported, never decoded into mojibake.
"""

import codecs

from .errors import InputError

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
MAX_CONTROL_SHARE = 0.005


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM: every newline, digit or ASCII letter puts a NUL on the same side
    of its code unit, which no text in the other encodings has. (Pure Chinese with no ASCII
    at all and no BOM is not recognised; Windows always writes the BOM.)"""
    if len(data) < 4 or len(data) % 2:
        return None
    even_nuls, odd_nuls = data[0::2].count(0), data[1::2].count(0)
    if even_nuls + odd_nuls == 0 or min(even_nuls, odd_nuls) > 0.05 * max(even_nuls, odd_nuls):
        return None
    return "utf-16-be" if even_nuls > odd_nuls else "utf-16-le"


def detect_encoding(data: bytes) -> str:
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16
    for name in ("utf-8", "gb18030"):
        try:
            data.decode(name)
        except UnicodeDecodeError:
            continue
        return name
    raise InputError("not text in UTF-8, UTF-16 or GB18030/GBK (binary or unknown encoding)")


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name); raise InputError for binary or undecodable bytes."""
    encoding = detect_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        raise InputError(f"binary or damaged file (invalid {encoding} at byte {err.start})") from None
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
    if "\x00" in text or controls > MAX_CONTROL_SHARE * max(len(text), 1):
        raise InputError("binary content, not text")
    return text, encoding
