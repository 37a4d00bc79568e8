"""Issue types: every label's score and the labels at or above their thresholds (a petition
always gets one: `labels.decide`; the record of a study or warning-education meeting, which
recounts other people's cases, gets none: `extract.lesson`).

The model is any shipped artefact whose estimator takes ``(text, words)`` pairs and
returns per-label probabilities (the TF-IDF baseline today); it loads once in ``initialize``.
"""

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .. import artefacts
from ..extract.lesson import LessonOpening
from ..labels import decide, names


class IssueTypes:
    def __init__(self, name: str, model: str, lesson: str):
        self.name = name
        self.model_dir = Path(model)
        self.lesson = LessonOpening.from_config(Path(lesson))
        self.model = None
        self.thresholds: dict[str, float] = {}
        self.names: dict[str, str] = {}

    def initialize(self, get_examples=None, *, nlp=None) -> None:
        self.model, meta = artefacts.load(self.model_dir)
        self.thresholds = meta["thresholds"]
        self.names = names()

    def _set(self, doc: Doc, scores: dict[str, float]) -> None:
        scores = {code: round(score, 4) for code, score in scores.items()}
        doc._.scores = scores
        if self.lesson.is_record(doc.text):
            chosen = []
        else:
            chosen = decide(scores, self.thresholds, at_least_one=doc._.kind == "petition")
        doc._.labels = [{"code": c, "name": self.names[c], "score": scores[c]} for c in chosen]

    def __call__(self, doc: Doc) -> Doc:
        self._set(doc, self.model.scores([(doc.text, [t.text for t in doc])])[0])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        docs = iter(docs)
        while batch := list(islice(docs, batch_size)):
            for doc, scores in zip(batch, self.model.scores([(d.text, [t.text for t in d]) for d in batch])):
                self._set(doc, scores)
                yield doc


@Language.factory("issue_types", default_config={"model": "${paths.models}/issue_types_tfidf",
                                                 "lesson": "${paths.configs}/meeting_flags.yaml"})
def make_issue_types(nlp: Language, name: str, model: str, lesson: str) -> IssueTypes:
    return IssueTypes(name, model, lesson)
