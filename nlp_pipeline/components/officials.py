"""The officials a document concerns (``nlp_pipeline.extract.officials``), as the contract's
``officials``: name, title, unit, role and the offsets of the mention that names them. With
``ner`` set to a character NER model directory, its entities add what the rules miss; with
``roles`` set to a role model directory (``learn/role_classifier.py``), it decides who is the
subject, over the rules' evidence."""

from pathlib import Path

import yaml
from spacy.language import Language
from spacy.tokens import Doc

from .. import artefacts
from ..extract.officials import OfficialsExtractor


class Officials:
    def __init__(self, name: str, titles: str, surnames: str, name_parts: str, cues: str, settings: str,
                 ner: str | None = None, roles: str | None = None):
        self.name = name
        self.paths = {"titles": Path(titles), "surnames": Path(surnames), "name_parts": Path(name_parts),
                      "cues": Path(cues), "settings": Path(settings)}
        self.ner_dir = Path(ner) if ner else None
        self.roles_dir = Path(roles) if roles else None
        self.extractor: OfficialsExtractor | None = None
        self.ner = None
        self.roles = None

    def initialize(self, get_examples=None, *, nlp=None) -> None:
        cues = yaml.safe_load(self.paths["cues"].read_text(encoding="utf-8"))
        settings = yaml.safe_load(self.paths["settings"].read_text(encoding="utf-8"))
        conduct = [p for label, patterns in cues.items() if label != "out_of_scope" for p in patterns]
        self.extractor = OfficialsExtractor(self.paths["titles"], self.paths["surnames"], conduct,
                                            nlp.tokenizer.word_frequency, settings["subject_cues"],
                                            settings["lesson_context"], self.paths["name_parts"])
        if self.ner_dir:
            self.ner, _ = artefacts.load(self.ner_dir)
        if self.roles_dir:
            self.roles, _ = artefacts.load(self.roles_dir)

    def _set(self, doc: Doc, entities=None) -> Doc:
        labels = [label["code"] for label in (doc._.labels or [])]
        flagged = [(flag["start"], flag["end"]) for flag in (doc._.meeting_flags or [])]
        officials = [{**mention.__dict__, "registry_id": None}
                     for mention in self.extractor.extract(doc.text, labels, flagged, entities)]
        if self.roles is not None:
            self.roles.assign(doc.text, officials, labels, flagged, doc._.kind, self.extractor)
        doc._.officials = officials
        return doc

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs, batch_size: int = 32):
        """The NER model runs once per batch of documents."""
        batch = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._batch(batch)
                batch = []
        yield from self._batch(batch)

    def _batch(self, docs: list[Doc]):
        entities = self.ner.entities([doc.text for doc in docs]) if self.ner and docs else [None] * len(docs)
        for doc, found in zip(docs, entities):
            yield self._set(doc, found)


@Language.factory("officials", default_config={
    "titles": "${paths.configs}/dictionaries/titles.txt", "surnames": "${paths.configs}/dictionaries/surnames.txt",
    "name_parts": "${paths.configs}/dictionaries/name_parts.txt", "cues": "${paths.configs}/cues.yaml",
    "settings": "${paths.configs}/officials.yaml", "ner": None, "roles": None})
def make_officials(nlp: Language, name: str, titles: str, surnames: str, name_parts: str, cues: str, settings: str,
                   ner: str | None = None, roles: str | None = None) -> Officials:
    return Officials(name, titles, surnames, name_parts, cues, settings, ner, roles)
