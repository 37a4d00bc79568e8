"""Whether an official is the subject of a document (the conduct is theirs) or only mentioned, as
a learned decision over the rules' own evidence.

The rules of ``extract/officials.py`` call a person the subject when one of their sentences shows
conduct, a sanction or a meeting flag. Whether a document is about someone also shows in how it
names them: the head who chairs the meeting, the person named most often, a post without 副, or the
discipline-team leader who only attends. A logistic regression weighs those signs together with
the rules' decision, the document's issue labels and its kind. Petitioners keep their role, and a
sentence that names a sanction or investigation of the person (outside a lesson from others' cases)
stays decisive, as in the rules: in the train split 254 of the 274 people so named are subjects,
and the CCDI 通报 name each sanctioned official among many others.
"""

import datetime
import math
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from .. import artefacts, corpus, paths
from ..evaluation.officials import officials_report
from ..labels import OUT_OF_SCOPE
from .tfidf_classifier import PLATEAU_TOLERANCE, plateau_middle

DEFAULT_DIR = paths.MODELS / "official_roles"
HEAD_POST = re.compile(r"(?<!副)(?:书记|局长|主任|院长|校长|县长|市长|镇长|乡长|区长|董事长|总经理|厂长|所长|站长|行长"
                       r"|队长|村主任|支书|部长|处长|科长|股长|厅长)")
SENTENCE = re.compile(r"[^。！？\n]+")
SPEECH = r"(?:同志)?[^。\n]{0,4}(?:说|表示|提出|认为|强调|要求|指出)"
CARD = """Roles of officials (subject or mentioned; petitioners keep theirs, and a sentence naming a
sanction or investigation of the person still makes them the subject): a logistic regression over
the signs of `nlp_pipeline/learn/role_classifier.py` (the rules' decision, the conduct,
sanction and flag sentences that name the person, their post, whether they chair, speak, sit in an
attendance list or are named most often, the document's issue labels and kind). Trained by
`nlp-pipeline train roles` on the officials the pipeline finds in the written corpus's train split,
matched by name to the gold; the threshold is tuned on dev for role F1. The officials stage uses it
when `components.officials.roles` names it (null: the rules decide)."""


def document_signs(text: str, officials: Sequence[dict], labels: Sequence[str], flagged: Sequence[tuple[int, int]],
                   kind: str | None, extractor) -> dict:
    """What every official of one document shares, read once: its sentences with what they show,
    whether it is a lesson from others' cases, and how often its most named official is named.
    ``extractor`` supplies the conduct, sanction and lesson patterns."""
    sentences = [(s.start(), s.end(), s.group(), any(p.search(s.group()) for p in extractor.conduct),
                  any(p.search(s.group()) for p in extractor.sanctions),
                  any(a < s.end() and s.start() < b for a, b in flagged)) for s in SENTENCE.finditer(text)]
    return {"text": text, "sentences": sentences, "labels": list(labels), "kind": kind,
            "lesson": bool(extractor.lesson.search(text)), "officials": len(officials),
            "most_named": max((text.count(o["name"]) for o in officials), default=0)}


def mention_features(mention: dict, document: dict) -> dict:
    """The signs for one official of a document (``document_signs``)."""
    text = document["text"]
    name, title, unit = mention["name"], mention.get("title") or "", mention.get("unit") or ""
    own = [sentence for sentence in document["sentences"] if name in sentence[2]]
    count = text.count(name)
    features = {
        "rule_subject": mention["role"] == "subject", "pseudonym": "某" in name,
        "alleged": bool(set(document["labels"]) - {OUT_OF_SCOPE}), f"kind={document['kind']}": True,
        "has_title": bool(title), "has_unit": bool(unit), "head": bool(HEAD_POST.search(title)),
        "deputy": "副" in title, "former": title.startswith(("原", "时任")),
        "discipline": bool(re.search("纪检|纪委|监察", title + unit)),
        "log_count": math.log1p(count), "first_position": mention["start"] / max(len(text), 1),
        "conduct_sentences": sum(s[3] for s in own), "sanction_sentences": sum(s[4] for s in own),
        "flag_sentences": sum(s[5] for s in own), "lesson": document["lesson"],
        "chair": "主持" in text[max(0, mention["start"] - 12):mention["start"]]
                 or bool(re.search(re.escape(name) + r"[^。\n]{0,6}主持", text)),
        "roster": bool(re.search(r"(?:出席|列席|参加|记录)[^\n]*$", text[max(0, mention["start"] - 60):mention["start"]])),
        "speaker": bool(re.search(r"(?:^|\n)" + re.escape(name) + "[：:]", text)),
        "speeches": len(re.findall(re.escape(name) + SPEECH, text)),
        "log_officials": math.log1p(document["officials"]), "most_named": count >= document["most_named"],
    }
    features.update({f"label={label}": True for label in document["labels"]})
    return features


def sanctioned(features: dict) -> bool:
    """A sanction or investigation names the person, and the document is no lesson from others' cases."""
    return bool(features["sanction_sentences"]) and not features["lesson"]


class RoleClassifier(BaseEstimator):
    def __init__(self, C: float = 1.0, threshold: float = 0.5):
        self.C = C
        self.threshold = threshold

    def fit(self, features: Sequence[dict], is_subject: Sequence[bool]) -> "RoleClassifier":
        self.vectorizer_ = DictVectorizer()
        self.model_ = LogisticRegression(C=self.C, max_iter=2000)
        self.model_.fit(self.vectorizer_.fit_transform(features), np.asarray(is_subject, dtype=bool))
        return self

    def subject_scores(self, features: Sequence[dict]) -> np.ndarray:
        return self.model_.predict_proba(self.vectorizer_.transform(features))[:, 1]

    def assign(self, text: str, officials: list[dict], labels: Sequence[str], flagged: Sequence[tuple[int, int]],
               kind: str | None, extractor) -> None:
        """Set each non-petitioner's role: subject when sanctioned, else from its subject score."""
        people = [o for o in officials if o["role"] != "petitioner"]
        if not people:
            return
        document = document_signs(text, officials, labels, flagged, kind, extractor)
        features = [mention_features(o, document) for o in people]
        scored = [i for i, f in enumerate(features) if not sanctioned(f)]
        scores = dict(zip(scored, self.subject_scores([features[i] for i in scored]))) if scored else {}
        for i, official in enumerate(people):
            official["role"] = "subject" if i not in scores or scores[i] >= self.threshold else "mentioned"


def _analysed(pipeline, examples) -> list[tuple[str, object]]:
    """(the text as the stages read it, its analysis) per example."""
    from ..ingest import document_from_pages

    documents = [document_from_pages(e.id, None, [e.text]) for e in examples]
    return [(d.text, a) for d, a in zip(documents, pipeline.analyze(documents))]


def _evidence(analysis) -> tuple[list[dict], list[str], list[tuple[int, int]]]:
    return ([o.model_dump() for o in analysis.officials], [label.code for label in analysis.labels],
            [(f.start, f.end) for f in analysis.meeting_flags])


def _rows(examples, analysed, extractor) -> tuple[list[dict], list[bool]]:
    """Features and gold "is subject" for every non-petitioner the pipeline found that the gold
    lists and that no sanction decides."""
    features, subject = [], []
    for example, (text, analysis) in zip(examples, analysed):
        gold = {o["name"]: o["role"] for o in example.officials}
        officials, labels, flagged = _evidence(analysis)
        document = document_signs(text, officials, labels, flagged, analysis.kind, extractor)
        for official in officials:
            if official["role"] != "petitioner" and official["name"] in gold:
                signs = mention_features(official, document)
                if not sanctioned(signs):
                    features.append(signs)
                    subject.append(gold[official["name"]] == "subject")
    return features, subject


def role_report(model: RoleClassifier | None, examples, analysed, extractor) -> dict:
    """Officials scored as `evaluate --task officials` scores them, with roles from ``model``
    (None: as the rules gave them)."""
    predicted = []
    for text, analysis in analysed:
        officials, labels, flagged = _evidence(analysis)
        if model is not None:
            model.assign(text, officials, labels, flagged, analysis.kind, extractor)
        predicted.append(officials)
    return officials_report([e.officials for e in examples], predicted)


def train(config: Path | None = None, out: Path = DEFAULT_DIR, datasets: Path = paths.DATASETS, C: float = 1.0,
          log=print) -> dict:
    """Fit on the train split's officials, tune the threshold on dev, report every held-out set."""
    from ..pipeline import Pipeline

    pipeline = Pipeline(config, {"components.officials.roles": None})
    extractor = pipeline.nlp.get_pipe("officials").extractor
    written = corpus.written()
    sets = {split: [e for e in written if e.split == split] for split in ("train", "dev", "test")}
    sets["CCDI cases and headlines"] = corpus.ccdi_officials(datasets)
    analyses = {}
    for name, examples in sets.items():
        log(f"analysing {name} ({len(examples)} documents)")
        analyses[name] = _analysed(pipeline, examples)
    features, subject = _rows(sets["train"], analyses["train"], extractor)
    model = RoleClassifier(C=C).fit(features, subject)
    tuned = {t: role_report(model.set_params(threshold=t), sets["dev"], analyses["dev"], extractor)["role"]["f1"]
             for t in np.round(np.arange(0.3, 0.71, 0.05), 2)}
    model.set_params(threshold=plateau_middle(list(tuned), list(tuned.values()), PLATEAU_TOLERANCE))
    results = {name: {"rules": role_report(None, sets[name], analyses[name], extractor)["role"],
                      "learned": role_report(model, sets[name], analyses[name], extractor)["role"]}
               for name in ("dev", "test", "CCDI cases and headlines") if sets[name]}
    meta = {"name": "official_roles", "trained": datetime.date.today().isoformat(), "params": model.get_params(),
            "data": {"train": {"documents": len(sets["train"]), "officials": len(subject),
                               "subjects": sum(subject)}},
            "threshold_f1_on_dev": {str(t): f for t, f in tuned.items()}, "metrics": results}
    meta = artefacts.save(out, model, meta)
    lines = [f"Threshold {model.threshold} (dev role F1 by threshold: "
             + ", ".join(f"{t} {f:.3f}" for t, f in tuned.items()) + ").", "",
             "| set | roles | P | R | F1 | support |", "|---|---|---|---|---|---|"]
    for name, pair in results.items():
        for how, r in pair.items():
            lines.append(f"| {name} | {how} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {r['support']} |")
    lines += ["", "Role scores pair (name, role) per document, as `nlp-pipeline evaluate --task officials` does;",
              "dev chose the threshold, so its figures are not blind; test and CCDI are."]
    artefacts.write_card(out, "Official roles: subject or mentioned, learned over the rules' evidence", CARD, meta, lines)
    return meta
