"""A batch run over an archive: inputs are hashed, skipped when the manifest has them, and
analysed by Dask workers (an embedded LocalCluster sized to the machine, or an existing
cluster), one task per input file; each worker builds the pipeline once and keeps it.

Results are the analyze contract, one line per document, plus ``input`` (the file or archive
member it came from) and ``sha256`` (of that input's bytes).
"""

import hashlib
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .manifest import Manifest
from .sources import Source, walk

_PIPELINES: dict = {}
# one thread per worker process for every model and numerical library: the workers are the parallelism
WORKER_ENV = {"NLP_PIPELINE_THREADS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def pipeline_for(config: str | None):
    """The worker process's pipeline, built on first use (models load once per worker)."""
    if config not in _PIPELINES:
        from ..pipeline import Pipeline

        _PIPELINES[config] = Pipeline(Path(config) if config else None)
    return _PIPELINES[config]


def analyze_input(name: str, suffix: str, data: bytes, config: str | None = None) -> list[dict]:
    """Every document of one input file as contract records (error records included)."""
    from ..document import Analysis, ProblemInput
    from ..ingest import read_file, read_jsonl
    from ..ingest.errors import InputError

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        if suffix == ".jsonl":
            inputs = [item.model_copy(update={"source": name}) for item in read_jsonl(path)]
        else:
            try:
                inputs = [read_file(path, doc_id=name)]
            except InputError as err:
                inputs = [ProblemInput(id=name, source=name, message=str(err))]
        analyses = list(pipeline_for(config).analyze(inputs))
    return [{**Analysis.model_dump(a), "input": name} for a in analyses]


@dataclass
class RunReport:
    inputs: int = 0
    skipped: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    analysed: int = 0
    failed: int = 0


def _problem_records(source: Source, message: str) -> list[dict]:
    from ..document import Analysis, ProblemInput

    problem = ProblemInput(id=source.name, source=source.name, message=message)
    return [{**Analysis.for_problem(problem).model_dump(), "input": source.name}]


def _client(scheduler: str | None, workers: int | None):
    from dask.distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                           dashboard_address=None, env=WORKER_ENV)
    return Client(cluster), cluster


def run(sources: Iterable[str | Path], out: Path, config: Path | None = None, scheduler: str | None = None,
        workers: int | None = None, retry_failed: bool = False,
        progress: Callable[[int, int, str], None] | None = None, client=None) -> RunReport:
    """Analyse every input not finished before; ``progress(done, total, name)`` after each.
    ``client``: a Dask client to use (and leave open) instead of starting one."""
    from dask.distributed import as_completed

    manifest = Manifest(out)
    if retry_failed:
        manifest.forget_failed()
    report = RunReport()
    todo: list[tuple[Source, str]] = []  # bytes are read again at submission: memory stays bounded
    claimed: dict[str, str] = {}
    for source in walk(sources):
        report.inputs += 1
        data, problem = None, source.problem
        if problem is None:
            try:
                data = source.load()
            except OSError as err:
                problem = f"cannot read ({err})"
        sha256 = hashlib.sha256(data if data is not None else f"unreadable:{source.name}".encode()).hexdigest()
        if sha256 in claimed:
            report.duplicates.append((source.name, claimed[sha256]))
            continue
        claimed[sha256] = source.name
        if manifest.status(sha256) in ("done", "failed"):
            report.skipped += 1
            continue
        if problem is not None:
            manifest.finish(sha256, source.name, [{**r, "sha256": sha256} for r in _problem_records(source, problem)])
            report.failed += 1
            continue
        todo.append((source, sha256))
    total, done = len(todo), 0
    if progress:
        progress(0, total, "")
    if not todo:
        manifest.close()
        return report
    own = client is None
    client, cluster = _client(scheduler, workers) if own else (client, None)
    try:
        in_flight = 4 * max(len(client.scheduler_info().get("workers", {})), 1)
        pending = iter(todo)
        futures = as_completed()
        keys: dict = {}

        def submit() -> bool:
            item = next(pending, None)
            if item is None:
                return False
            source, sha256 = item
            future = client.submit(analyze_input, source.name, source.suffix, source.load(),
                                   str(config) if config else None, pure=False)
            keys[future.key] = (source, sha256)
            futures.add(future)
            return True

        for _ in range(in_flight):
            if not submit():
                break
        for future in futures:
            source, sha256 = keys.pop(future.key)
            try:
                records = future.result()
            except Exception as err:  # a worker that died or a bug: recorded against the input, the run goes on
                records = _problem_records(source, f"analysis failed ({type(err).__name__}: {err})")
            manifest.finish(sha256, source.name, [{**r, "sha256": sha256} for r in records])
            failed = any(r["kind"] is None for r in records)
            report.failed += failed
            report.analysed += not failed
            done += 1
            if progress:
                progress(done, total, source.name)
            submit()
    finally:
        if own:
            client.close()
        if cluster is not None:
            cluster.close()
        manifest.close()
    return report


def summary(out: Path) -> dict:
    """Counts over the whole results file: kinds, labels, flags, officials, failures, OCR pages
    read with low confidence."""
    import json

    from ..ingest.ocr import LOW_CONFIDENCE

    counts = {"documents": 0, "kinds": Counter(), "labels": Counter(), "flags": Counter(), "officials": Counter()}
    failures, low_confidence, ocr_pages, pages = [], [], 0, 0
    path = out / "results.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        record = json.loads(line)
        counts["documents"] += 1
        if record["kind"] is None:
            failures.append({"input": record["input"], "id": record["id"], "reason": "; ".join(record["errors"])})
            continue
        counts["kinds"][record["kind"]] += 1
        counts["labels"].update(label["name"] for label in record["labels"])
        counts["flags"].update(flag["type"] for flag in record["meeting_flags"])
        counts["officials"].update(o["name"] for o in record["officials"] if o["role"] != "petitioner")
        pages += len(record["pages"]) or 1
        for page in record["pages"]:
            ocr_pages += page["method"] == "ocr"
            if page["confidence"] is not None and page["confidence"] < LOW_CONFIDENCE:
                low_confidence.append({"id": record["id"], "page": page["number"], "confidence": page["confidence"]})
    return {**{k: dict(v.most_common()) if isinstance(v, Counter) else v for k, v in counts.items()},
            "pages": pages, "ocr_pages": ocr_pages, "low_confidence_pages": low_confidence, "failures": failures}


def write_parquet(out: Path) -> Path:
    """results.jsonl as a table (lists and nested records kept as JSON text columns)."""
    import json

    import pandas as pd

    rows = []
    for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        rows.append({key: json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value
                     for key, value in record.items()})
    target = out / "results.parquet"
    pd.DataFrame(rows).to_parquet(target, index=False)
    return target
