"""Reading scanned pages: rapidocr with the PP-OCR models that ship inside its wheel (nothing
downloads), pages rendered with pypdfium2.

OCR returns boxes of text; they are put back into lines (boxes that share most of their height
are one line, read left to right) and lines top to bottom, which is how minutes and letters are
laid out. A page's confidence is the recogniser's score averaged over its characters.
"""

import re
from dataclasses import dataclass

import numpy as np

RENDER_DPI = 200
LOW_CONFIDENCE = 0.8  # pages read with less are listed for a person to check
EXPECTED = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2010-\u2027\u00b7\x20-\x7e\s]")


@dataclass
class RawPage:
    """A page's text as read, and how: from the text layer, or by OCR with its confidence."""

    text: str
    method: str = "text"
    confidence: float | None = None


def looks_garbled(text: str) -> bool:
    """A text layer that decodes to the wrong characters (a broken font map gives private-use or
    Latin-1 letters instead of Chinese): under 80 % of its characters are ones Chinese official
    text uses."""
    body = re.sub(r"\s", "", text)
    if len(body) < 20:
        return False
    return len(EXPECTED.findall(body)) < 0.8 * len(body)


def _lines(boxes: np.ndarray, texts: list[str]) -> list[list[int]]:
    """Indices of boxes grouped into lines, lines top to bottom, boxes left to right."""
    tops, bottoms = boxes[:, :, 1].min(axis=1), boxes[:, :, 1].max(axis=1)
    lines: list[list[int]] = []
    for i in sorted(range(len(texts)), key=lambda i: (tops[i] + bottoms[i]) / 2):
        if lines:
            last = lines[-1]
            top, bottom = min(tops[j] for j in last), max(bottoms[j] for j in last)
            overlap = min(bottom, bottoms[i]) - max(top, tops[i])
            if overlap > 0.5 * min(bottom - top, bottoms[i] - tops[i]):
                last.append(i)
                continue
        lines.append([i])
    left = boxes[:, :, 0].min(axis=1)
    return [sorted(line, key=lambda i: left[i]) for line in lines]


def _join(parts: list[str]) -> str:
    text = ""
    for part in parts:
        if text and re.match(r"[A-Za-z0-9]", part) and re.search(r"[A-Za-z0-9]$", text):
            text += " "
        text += part
    return text


class Ocr:
    """Loaded on first use, once per process."""

    def __init__(self, dpi: int = RENDER_DPI, threads: int | None = None):
        self.dpi = dpi
        self.threads = threads
        self._engine = None

    @property
    def engine(self):
        if self._engine is None:
            from rapidocr import RapidOCR

            # detection on the page scaled to at most 1280 px: faster than at full resolution and,
            # on rendered A4 pages at 200 dpi, more accurate (bench/batch.py)
            params = {"Global.log_level": "error", "Det.limit_type": "max", "Det.limit_side_len": 1280}
            from ..transformer.onnx_session import thread_limit

            threads = self.threads or thread_limit()
            if threads:
                params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
            self._engine = RapidOCR(params=params)
        return self._engine

    def image(self, image) -> RawPage:
        """Text of a PIL image."""
        result = self.engine(image.convert("RGB"))
        if result.boxes is None or not result.txts:
            return RawPage("", "ocr", None)
        texts, scores = list(result.txts), list(result.scores)
        lines = _lines(np.asarray(result.boxes), texts)
        text = "\n".join(_join([texts[i] for i in line]) for line in lines)
        chars = sum(len(t) for t in texts)
        confidence = sum(len(t) * s for t, s in zip(texts, scores)) / chars if chars else None
        return RawPage(text, "ocr", round(float(confidence), 4) if confidence is not None else None)

    def pdf_page(self, page) -> RawPage:
        """Text of a pypdfium2 page, rendered at the engine's resolution."""
        return self.image(page.render(scale=self.dpi / 72).to_pil())
