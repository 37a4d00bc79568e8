"""What a batch run reads: the files under folders and inside zip archives, each with its
content hash, or the reason it cannot be read (a path escaping its archive, a zip bomb, an
encrypted or oversized member) so the run can report it and go on.
"""

import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..ingest import MAX_BYTES

MAX_RATIO = 200               # uncompressed / compressed size of one member
MAX_ARCHIVE_BYTES = 4 * 1024 ** 3  # all members of one archive, uncompressed


@dataclass
class Source:
    """One input: ``name`` is what results call it (a path, or archive.zip!member); ``load``
    reads its bytes when the run gets to it, ``problem`` says why it cannot be read at all."""

    name: str
    suffix: str
    load: Callable[[], bytes] | None = None
    problem: str | None = None


def _file(path: Path) -> Source:
    size = path.stat().st_size
    if size > MAX_BYTES:
        return Source(str(path), path.suffix.lower(), problem=f"file too large ({size} bytes, limit {MAX_BYTES})")
    return Source(str(path), path.suffix.lower(), path.read_bytes)


def _member_loader(path: Path, member: str) -> Callable[[], bytes]:
    def load() -> bytes:
        with zipfile.ZipFile(path) as archive, archive.open(member) as handle:
            data = handle.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise OSError(f"file too large (over {MAX_BYTES} bytes uncompressed)")
        return data

    return load


def _unsafe(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0])


def _archive(path: Path) -> Iterator[Source]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        yield Source(str(path), ".zip", problem=f"not a readable zip archive ({err})")
        return
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        total = sum(m.file_size for m in members)
        if total > MAX_ARCHIVE_BYTES:
            yield Source(str(path), ".zip", problem=f"archive refused: {total} bytes uncompressed (limit {MAX_ARCHIVE_BYTES})")
            return
        for member in sorted(members, key=lambda m: m.filename):
            name = f"{path}!{member.filename}"
            suffix = PurePosixPath(member.filename).suffix.lower()
            if _unsafe(member.filename):
                yield Source(name, suffix, problem="member refused: its path leaves the archive")
            elif member.flag_bits & 0x1:
                yield Source(name, suffix, problem="encrypted archive member (password required)")
            elif member.file_size > MAX_BYTES:
                yield Source(name, suffix, problem=f"file too large ({member.file_size} bytes, limit {MAX_BYTES})")
            elif member.compress_size and member.file_size / member.compress_size > MAX_RATIO and member.file_size > 10 ** 6:
                yield Source(name, suffix, problem=f"member refused: compression ratio {member.file_size // member.compress_size}:1 "
                                                   "(a zip bomb?)")
            elif suffix == ".zip":
                yield Source(name, suffix, problem="archive inside an archive: extract it and add it to the run")
            else:
                yield Source(name, suffix, _member_loader(path, member.filename))


def walk(paths: Iterable[str | Path]) -> Iterator[Source]:
    """Every file under the given folders, files and zip archives, in a stable order."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            files = [path]
        else:
            yield Source(str(path), path.suffix.lower(), problem="no such file or directory")
            continue
        for file in files:
            try:
                yield from _archive(file) if file.suffix.lower() == ".zip" else [_file(file)]
            except OSError as err:
                yield Source(str(file), file.suffix.lower(), problem=f"cannot read file ({err.strerror or err})")
