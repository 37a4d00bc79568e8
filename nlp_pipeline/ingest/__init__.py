"""Turns files, folders and jsonl lines into ``Document``s, or into a ``ProblemInput``
that names the file and what is wrong with it, so a batch never stops on one bad input."""

import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..document import Document, ProblemInput
from .errors import InputError
from .formats import read_docx, read_pdf, read_text
from .normalize import normalize

READERS: dict[str, Callable[[Path], list[str]]] = {
    ".txt": read_text,
    ".text": read_text,
    ".md": read_text,
    ".docx": read_docx,
    ".pdf": read_pdf,
}
KINDS = {"minutes", "petition", "other"}
MAX_BYTES = 100 * 1024 * 1024
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

Input = Document | ProblemInput


def document_from_pages(doc_id: str, source: str | None, pages: list[str], kind: str | None = None,
                        date: str | None = None) -> Document:
    """Normalise each page and join them, recording where every page starts."""
    texts: list[str] = []
    starts: list[int] = []
    offset = 0
    for page in pages:
        text = normalize(page).text
        starts.append(offset)
        texts.append(text)
        offset += len(text) + 1
    text = "\n".join(texts)
    if not text.strip():
        raise InputError("no text" if len(pages) == 1 else f"no text layer on any of its {len(pages)} pages (scanned: needs OCR)")
    if len(pages) == 1:
        return Document(id=doc_id, source=source, text=text, kind=kind, date=date)
    problems = [f"page {i} has no text layer (scanned: needs OCR)" for i, t in enumerate(texts, 1) if not t]
    return Document(id=doc_id, source=source, text=text, kind=kind, date=date, page_starts=starts, problems=problems)


def read_file(path: Path) -> Document:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(f"unsupported file type '{path.suffix or path.name}' (expected {', '.join(sorted(READERS) + ['.jsonl'])})")
    size = path.stat().st_size
    if size == 0:
        raise InputError("empty file")
    if size > MAX_BYTES:
        raise InputError(f"file too large ({size} bytes, limit {MAX_BYTES})")
    return document_from_pages(str(path), str(path), reader(path))


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


def _read_one(path: Path) -> Iterator[Input]:
    if path.suffix.lower() == ".jsonl":
        yield from read_jsonl(path)
        return
    try:
        yield read_file(path)
    except InputError as err:
        yield ProblemInput(id=str(path), source=str(path), message=str(err))
    except OSError as err:
        yield ProblemInput(id=str(path), source=str(path), message=f"cannot read file ({err.strerror or err})")


def read_inputs(paths: Iterable[str | Path]) -> Iterator[Input]:
    """Every document under the given files and folders (recursively), in a stable order."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                yield from _read_one(child)
        elif path.exists():
            yield from _read_one(path)
        else:
            yield ProblemInput(id=str(path), source=str(path), message="no such file or directory")
