"""Document kind (minutes / petition / other) and its probability, from the shipped model
(``nlp_pipeline.learn.kind_classifier``); a kind the input states is kept as given."""

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .. import artefacts


class DocKind:
    def __init__(self, name: str, model: str):
        self.name = name
        self.model_dir = Path(model)
        self.model = None

    def initialize(self, get_examples=None, *, nlp=None) -> None:
        self.model, _ = artefacts.load(self.model_dir)

    def _set(self, doc: Doc, probabilities: dict[str, float] | None) -> None:
        if doc._.given_kind:
            doc._.kind, doc._.kind_score = doc._.given_kind, None
        else:
            kind = max(probabilities, key=probabilities.get)
            doc._.kind, doc._.kind_score = kind, round(probabilities[kind], 4)

    def __call__(self, doc: Doc) -> Doc:
        self._set(doc, None if doc._.given_kind else self.model.probabilities([(doc.text, ())])[0])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        docs = iter(docs)
        while batch := list(islice(docs, batch_size)):
            unknown = [d for d in batch if not d._.given_kind]
            estimates = iter(self.model.probabilities([(d.text, ()) for d in unknown]) if unknown else [])
            for doc in batch:
                self._set(doc, None if doc._.given_kind else next(estimates))
                yield doc


@Language.factory("doc_kind", default_config={"model": "${paths.models}/doc_kind"})
def make_doc_kind(nlp: Language, name: str, model: str) -> DocKind:
    return DocKind(name, model)
