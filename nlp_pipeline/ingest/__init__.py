"""Turns files, folders and jsonl lines into ``Document``s, or into a ``ProblemInput``
that names the file and what is wrong with it, so a batch never stops on one bad input."""

import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..document import Document, Page, ProblemInput
from .errors import InputError
from .formats import IMAGE_SUFFIXES, read_docx, read_image, read_pdf, read_text
from .normalize import normalize
from .ocr import LOW_CONFIDENCE, Ocr, RawPage

READERS: dict[str, Callable[[Path, Ocr], list[str | RawPage]]] = {
    ".txt": lambda path, _: read_text(path),
    ".text": lambda path, _: read_text(path),
    ".md": lambda path, _: read_text(path),
    ".docx": lambda path, _: read_docx(path),
    ".pdf": read_pdf,
    **{suffix: read_image for suffix in IMAGE_SUFFIXES},
}
KINDS = {"minutes", "petition", "other"}
MAX_BYTES = 100 * 1024 * 1024
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

Input = Document | ProblemInput
DEFAULT_OCR = Ocr()


def document_from_pages(doc_id: str, source: str | None, pages: list[str | RawPage], kind: str | None = None,
                        date: str | None = None) -> Document:
    """Normalise each page and join them, recording where every page starts and how it was read."""
    pages = [page if isinstance(page, RawPage) else RawPage(page) for page in pages]
    texts: list[str] = []
    records: list[Page] = []
    offset = 0
    for number, page in enumerate(pages, 1):
        text = normalize(page.text).text
        records.append(Page(number=number, start=offset, method=page.method, confidence=page.confidence))
        texts.append(text)
        offset += len(text) + 1
    text = "\n".join(texts)
    if not text.strip():
        if len(pages) == 1:
            raise InputError("no text" if pages[0].method == "text" else "no text found by OCR")
        raise InputError(f"no text on any of its {len(pages)} pages")
    if len(pages) == 1 and pages[0].method == "text":
        return Document(id=doc_id, source=source, text=text, kind=kind, date=date)
    problems = []
    for record, body in zip(records, texts):
        if not body.strip():
            problems.append(f"page {record.number}: no text" + (" (OCR found none)" if record.method == "ocr" else
                                                                 " layer (scanned: needs OCR)"))
        elif record.confidence is not None and record.confidence < LOW_CONFIDENCE:
            problems.append(f"page {record.number}: low OCR confidence {record.confidence:.2f}")
    return Document(id=doc_id, source=source, text=text, kind=kind, date=date, pages=records, problems=problems)


def read_file(path: Path, ocr: Ocr | None = None, doc_id: str | None = None) -> Document:
    """One file as a document; scanned pages and images are read by ``ocr`` (a default engine,
    loaded on first use, when None). ``doc_id`` names it when the path is only a temporary copy."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(f"unsupported file type '{path.suffix or path.name}' (expected {', '.join(sorted(READERS) + ['.jsonl'])})")
    size = path.stat().st_size
    if size == 0:
        raise InputError("empty file")
    if size > MAX_BYTES:
        raise InputError(f"file too large ({size} bytes, limit {MAX_BYTES})")
    name = doc_id or str(path)
    return document_from_pages(name, name, reader(path, ocr or DEFAULT_OCR))


def read_jsonl(path: Path) -> Iterator[Input]:
    """One document per line: {"id": ..., "text": ..., "kind": optional, "date": optional ISO date}."""
    try:
        lines = read_text(path)[0].splitlines()
    except InputError as err:
        yield ProblemInput(id=str(path), source=str(path), message=str(err))
        return
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise InputError("a line must be a JSON object")
            if not isinstance(record.get("text"), str):
                raise InputError("missing string field 'text'")
            kind = record.get("kind")
            if kind is not None and kind not in KINDS:
                raise InputError(f"kind must be one of {sorted(KINDS)}, not {kind!r}")
            date = record.get("date")
            if date is not None and not (isinstance(date, str) and ISO_DATE.fullmatch(date)):
                raise InputError(f"date must be an ISO date like 2023-05-12, not {date!r}")
            doc_id = str(record.get("id", where))
            yield document_from_pages(doc_id, str(path), [record["text"]], kind, date)
        except json.JSONDecodeError as err:
            yield ProblemInput(id=where, source=str(path), message=f"line {number}: invalid JSON ({err.msg})")
        except InputError as err:
            yield ProblemInput(id=str(record.get("id", where)) if isinstance(record, dict) else where,
                               source=str(path), message=f"line {number}: {err}")


def _read_one(path: Path, ocr: Ocr | None) -> Iterator[Input]:
    if path.suffix.lower() == ".jsonl":
        yield from read_jsonl(path)
        return
    try:
        yield read_file(path, ocr)
    except InputError as err:
        yield ProblemInput(id=str(path), source=str(path), message=str(err))
    except OSError as err:
        yield ProblemInput(id=str(path), source=str(path), message=f"cannot read file ({err.strerror or err})")


def read_inputs(paths: Iterable[str | Path], ocr: Ocr | None = None) -> Iterator[Input]:
    """Every document under the given files and folders (recursively), in a stable order."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                yield from _read_one(child, ocr)
        elif path.exists():
            yield from _read_one(path, ocr)
        else:
            yield ProblemInput(id=str(path), source=str(path), message="no such file or directory")
