"""The meeting-flag sentence classifier: trained on the corpus's gold flags, tuned and scored at
document level (a document shows a flag type when any of its sentences does).

Every sentence of the written corpus is an example: positive for a type when a gold evidence of
that type covers most of it (or it most of the evidence), negative otherwise, so clean minutes,
hard negatives and benign procedure teach what is not a flag. The estimator is the issue-type
classifier's, with the flag types as labels and configs/meeting_flags.yaml as its cues.
"""

import datetime
from pathlib import Path

import numpy as np
import yaml

from .. import artefacts, corpus, paths
from ..corpus import Example
from ..evaluation.classification import multilabel_report, reports_markdown
from ..ingest.normalize import normalize
from .tfidf_classifier import TfidfIssueClassifier, best_threshold

FLAG_TYPES = ("pre_decided", "leader_sets_tone", "one_voice", "bypass_collective", "exclude_supervision",
              "perfunctory", "forced_through")
PATTERNS = paths.CONFIGS / "meeting_flags.yaml"
DEFAULT_DIR = paths.MODELS / "meeting_flags"
CARD = """Meeting-procedure flags (seven types, configs/meeting_flags.yaml). A sentence classifier:
character 1-2-gram and jieba word TF-IDF plus one feature per cue and per benign pattern of the
config, one calibrated LinearSVC per type. A document shows a type when one of its sentences scores
at or above the type's threshold, tuned for document-level F1 on the corpus dev split; that sentence
is the evidence. Trained by `nlp-pipeline train flags` on the written corpus's train split."""


def load_patterns(path: Path = PATTERNS) -> dict[str, list[str]]:
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {**config["types"], "benign": config["benign"]}


def sentences(nlp, text: str) -> list[tuple[int, int, str, list[str]]]:
    """(start, end, text, words) for each non-empty sentence, offsets into ``text``."""
    doc = nlp(text)
    out = []
    for sent in doc.sents:
        stripped = sent.text.strip()
        if stripped:
            start = sent.start_char + sent.text.index(stripped)
            out.append((start, start + len(stripped), stripped, [t.text for t in sent if not t.is_space]))
    return out


def sentence_labels(start: int, end: int, text: str, flags: list[dict]) -> list[str]:
    found = []
    for flag in flags:
        begin = text.find(flag["evidence"])
        while begin >= 0:
            stop = begin + len(flag["evidence"])
            overlap = min(end, stop) - max(start, begin)
            if overlap > 0 and overlap >= 0.5 * min(end - start, stop - begin):
                found.append(flag["type"])
                break
            begin = text.find(flag["evidence"], begin + 1)
    return sorted(set(found))


def document_sentences(nlp, examples: list[Example]):
    """Per document: its normalised text and sentences, and each sentence's gold types."""
    out = []
    for example in examples:
        text = normalize(example.text).text
        flags = [{**f, "evidence": normalize(f["evidence"]).text} for f in example.flags]
        parts = sentences(nlp, text)
        out.append((example, parts, [sentence_labels(s, e, text, flags) for s, e, _, _ in parts]))
    return out


def document_scores(model, documents) -> np.ndarray:
    rows = []
    for _, parts, _ in documents:
        if not parts:
            rows.append(np.zeros(len(model.labels)))
            continue
        rows.append(model.predict_proba([(t, w) for _, _, t, w in parts]).max(axis=0))
    return np.array(rows)


def document_report(model, documents, thresholds: np.ndarray) -> dict:
    """Document-level typed P/R/F1 per type and micro over types."""
    scores = document_scores(model, documents)
    predicted = [[t for t, s, th in zip(model.labels, row, thresholds) if s >= th] for row in scores]
    gold = [sorted({f["type"] for f in example.flags}) for example, _, _ in documents]
    return multilabel_report(gold, predicted, model.labels)


def train(nlp, out: Path = DEFAULT_DIR, C: float = 1.0, cue_weight: float = 0.5) -> dict:
    written = corpus.written()
    by_split = {split: document_sentences(nlp, [e for e in written if e.split == split]) for split in corpus.SPLITS}
    X = [(t, w) for _, parts, _ in by_split["train"] for _, _, t, w in parts]
    y = [labels for _, _, sentence_gold in by_split["train"] for labels in sentence_gold]
    model = TfidfIssueClassifier(labels=FLAG_TYPES, cues=load_patterns(), cue_weight=cue_weight, C=C)
    model.fit(X, y)
    dev_scores = document_scores(model, by_split["dev"])
    dev_truth = np.array([[t in {f["type"] for f in e.flags} for t in FLAG_TYPES] for e, _, _ in by_split["dev"]])
    model.thresholds_ = np.array([best_threshold(dev_scores[:, j], dev_truth[:, j]) for j in range(len(FLAG_TYPES))])
    metrics = {f"corpus {split}": document_report(model, by_split[split], model.thresholds_) for split in ("dev", "test")}
    meta = {"name": "meeting_flags", "trained": datetime.date.today().isoformat(),
            "params": {k: v for k, v in model.get_params().items() if k not in ("labels", "cues")},
            "labels": list(FLAG_TYPES), "thresholds": dict(zip(FLAG_TYPES, map(float, model.thresholds_))),
            "data": {"train": {"sentences": len(X), "with a flag": sum(1 for labels in y if labels)}},
            "metrics": metrics}
    meta = artefacts.save(out, model, meta)
    thresholds = "Per-type thresholds (document-level F1 on dev): " + ", ".join(
        f"{k} {v:.3f}" for k, v in meta["thresholds"].items())
    artefacts.write_card(out, "Meeting flags: sentence classifier over cue patterns and n-grams", CARD, meta,
                         [thresholds, ""] + reports_markdown(metrics))
    return meta
