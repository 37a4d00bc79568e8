"""Shipped model artefacts: a model file (joblib or ONNX), its sha256 in ``meta.json``, and a
model card.

Loading checks the checksum first: a pickle runs code when loaded, so only the exact file
that training wrote and the card describes is accepted.
"""

import hashlib
import json
from pathlib import Path

import joblib

MODEL_FILE = "model.joblib"
META_FILE = "meta.json"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record(directory: Path, file: str, meta: dict) -> dict:
    """Write ``meta.json`` for a model file already in ``directory``."""
    meta = {**meta, "file": file, "sha256": sha256(directory / file), "bytes": (directory / file).stat().st_size}
    (directory / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return meta


def save(directory: Path, model, meta: dict) -> dict:
    directory.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, directory / MODEL_FILE, compress=3)
    return record(directory, MODEL_FILE, {**meta, "format": "joblib"})


def load(directory: Path):
    meta_path = directory / META_FILE
    if not meta_path.exists():
        raise FileNotFoundError(f"no model at {directory} (missing {META_FILE}); train it with `nlp-pipeline train`")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    path = directory / meta["file"]
    if sha256(path) != meta["sha256"]:
        raise ValueError(f"{path}: checksum does not match {meta_path}; refusing to load")
    if meta.get("format") == "onnx":
        from .transformer.onnx_classifier import OnnxIssueClassifier

        return OnnxIssueClassifier(directory, meta), meta
    if meta.get("format") == "onnx-ner":
        from .transformer.onnx_ner import OnnxCharNer

        return OnnxCharNer(directory, meta), meta
    return joblib.load(path), meta


def write_card(directory: Path, title: str, description: str, meta: dict, results: list[str]) -> None:
    """A model card from the metadata training wrote: what it is, data, results, checksum."""
    lines = [f"# {title}", "", description, "",
             f"- trained: {meta['trained']}", f"- file: `{meta['file']}` ({meta['bytes']:,} bytes)",
             f"- sha256: `{meta['sha256']}`", "", "## Training data", ""]
    lines += [f"- {split}: " + ", ".join(f"{n} {what}" for what, n in counts.items()) for split, counts in meta["data"].items()]
    lines += ["", "## Parameters", "", "```", json.dumps(meta["params"], ensure_ascii=False), "```", "",
              "## Held-out results", ""] + results
    (directory / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
