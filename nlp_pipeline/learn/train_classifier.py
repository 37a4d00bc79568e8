"""Trains, tunes, evaluates and saves the scikit-learn issue-type classifier.

Training data: the written corpus's train and dev splits plus the train and dev parts of the
annotated real citizen messages, thresholds from 5-fold out-of-fold scores over them; scores on
every held-out set, each reported on its own. The CCDI cases and CCDI article paragraphs are never
trained or tuned on.
"""

import datetime
from pathlib import Path

import yaml

from .. import artefacts, corpus, paths
from ..corpus import Example
from ..evaluation.classification import multilabel_report, reports_markdown
from ..ingest.normalize import normalize
from ..labels import codes
from .tfidf_classifier import TfidfIssueClassifier

DEFAULT_DIR = paths.MODELS / "issue_types_tfidf"
CUES = paths.CONFIGS / "cues.yaml"
CARD = """Multi-label issue types of the analyze contract (configs/labels.yaml). Features: character
1-2-grams and jieba word uni/bigrams (the pipeline's own segmenter), TF-IDF with sublinear tf,
plus one binary feature per cue pattern of configs/cues.yaml; one LinearSVC per label
(class-balanced) with sigmoid calibration (3-fold), so scores are probabilities. Fitted on the
train and dev splits; per-label thresholds tuned for F1 on 5-fold out-of-fold scores over them.
out_of_scope is given only when no other label passes. Trained by `nlp-pipeline train classifier`;
evaluated by `nlp-pipeline evaluate`. Real texts are read from ../shared/datasets and never shipped; the model ships."""


def segment(examples: list[Example], tokenizer) -> list[tuple[str, list[str]]]:
    items = []
    for example in examples:
        text = normalize(example.text).text
        items.append((text, [token.text for token in tokenizer(text)]))
    return items


def held_out_sets(datasets: Path = paths.DATASETS) -> dict[str, list[Example]]:
    written = corpus.written()
    taidi = corpus.taidi_messages(datasets)
    sets = {
        "corpus test": [e for e in written if e.split == "test"],
        "real messages test": [e for e in taidi if e.split == "test"],
        "CCDI cases": corpus.ccdi_cases(datasets),
        "CCDI article paragraphs": corpus.ccdi_article_paragraphs(datasets),
    }
    return {name: examples for name, examples in sets.items() if examples}


def evaluate(model, tokenizer, sets: dict[str, list[Example]]) -> dict[str, dict]:
    return {name: multilabel_report([e.labels for e in examples], model.predict(segment(examples, tokenizer)), model.labels)
            for name, examples in sets.items()}


def train(tokenizer, out: Path = DEFAULT_DIR, datasets: Path = paths.DATASETS, folds: int = 5, **params) -> dict:
    documents = corpus.issue_type_documents(datasets)
    seen = [e for e in documents if e.split in ("train", "dev")]
    params = {"cues": yaml.safe_load(CUES.read_text(encoding="utf-8")), **params}
    model = TfidfIssueClassifier(labels=codes(), **params)
    model.fit_out_of_fold(segment(seen, tokenizer), [e.labels for e in seen], folds)
    metrics = evaluate(model, tokenizer, held_out_sets(datasets))
    meta = {
        "name": "issue_types_tfidf",
        "trained": datetime.date.today().isoformat(),
        "params": {k: v for k, v in model.get_params().items() if k not in ("labels", "cues")},
        "labels": list(model.labels),
        "thresholds": dict(zip(model.labels, map(float, model.thresholds_))),
        "data": {"train and dev": corpus.counts_by_source(seen)},
        "threshold_folds": folds,
        "metrics": metrics,
    }
    meta = artefacts.save(out, model, meta)
    thresholds = f"Per-label thresholds (tuned out of fold, {folds} folds over train+dev): " + ", ".join(
        f"{k} {v:.3f}" for k, v in meta["thresholds"].items())
    artefacts.write_card(out, "Issue-type classifier: TF-IDF + calibrated linear SVM", CARD, meta,
                         [thresholds, ""] + reports_markdown(meta["metrics"]))
    return meta

