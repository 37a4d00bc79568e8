"""The run's memory: which inputs are finished, keyed by content hash, and the results file.

Results are appended to ``results.jsonl`` and flushed to disk before the manifest (SQLite)
records the input as finished, so a run killed at any moment loses no finished work: on the
next start the results file is read back (a line cut off mid-write is dropped) and anything it
holds counts as finished, whatever the manifest managed to record.
"""

import datetime
import json
import os
import sqlite3
from pathlib import Path


class Manifest:
    def __init__(self, out: Path):
        out.mkdir(parents=True, exist_ok=True)
        self.results_path = out / "results.jsonl"
        self.db = sqlite3.connect(out / "manifest.sqlite")
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("""CREATE TABLE IF NOT EXISTS inputs (
            sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL, error TEXT,
            documents INTEGER, attempts INTEGER NOT NULL DEFAULT 0, finished_at TEXT)""")
        self.db.commit()
        self._recover()

    def _recover(self) -> None:
        """Drop a torn last line, and mark every input with results as finished."""
        if not self.results_path.exists():
            return
        data = self.results_path.read_bytes()
        if data and not data.endswith(b"\n"):
            data = data[: data.rfind(b"\n") + 1]
            self.results_path.write_bytes(data)
        seen: dict[str, tuple[str, bool, int]] = {}
        for line in data.decode("utf-8").splitlines():
            record = json.loads(line)
            name, failed, count = seen.get(record["sha256"], (record["input"], False, 0))
            seen[record["sha256"]] = (name, failed or record["kind"] is None, count + 1)
        for sha256, (name, failed, count) in seen.items():
            row = self.db.execute("SELECT status FROM inputs WHERE sha256 = ?", (sha256,)).fetchone()
            if row is None or row[0] == "pending":
                self._mark(sha256, name, "failed" if failed else "done", None, count)
        self.db.commit()

    def status(self, sha256: str) -> str | None:
        row = self.db.execute("SELECT status FROM inputs WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def forget_failed(self) -> int:
        """Make failed inputs due again, removing their records from the results file."""
        failed = {row[0] for row in self.db.execute("SELECT sha256 FROM inputs WHERE status = 'failed'")}
        if failed and self.results_path.exists():
            kept = [line for line in self.results_path.read_text(encoding="utf-8").splitlines(keepends=True)
                    if json.loads(line)["sha256"] not in failed]
            temporary = self.results_path.with_suffix(".tmp")
            temporary.write_text("".join(kept), encoding="utf-8")
            os.replace(temporary, self.results_path)
        self.db.execute("UPDATE inputs SET status = 'pending' WHERE status = 'failed'")
        self.db.commit()
        return len(failed)

    def _mark(self, sha256: str, name: str, status: str, error: str | None, documents: int) -> None:
        self.db.execute(
            """INSERT INTO inputs (sha256, name, status, error, documents, attempts, finished_at)
               VALUES (?, ?, ?, ?, ?, 1, ?)
               ON CONFLICT(sha256) DO UPDATE SET name = excluded.name, status = excluded.status,
               error = excluded.error, documents = excluded.documents, attempts = inputs.attempts + 1,
               finished_at = excluded.finished_at""",
            (sha256, name, status, error, documents, datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")))

    def finish(self, sha256: str, name: str, records: list[dict]) -> None:
        """Append an input's records to the results, durably, then record it as finished."""
        with self.results_path.open("a", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        errors = [e for r in records if r["kind"] is None for e in r["errors"]]
        self._mark(sha256, name, "failed" if errors else "done", "; ".join(errors) or None, len(records))
        self.db.commit()

    def failures(self) -> list[tuple[str, str]]:
        return list(self.db.execute("SELECT name, error FROM inputs WHERE status = 'failed' ORDER BY name"))

    def close(self) -> None:
        self.db.close()
