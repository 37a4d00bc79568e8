"""The officials a document concerns (``nlp_pipeline.extract.officials``), as the contract's
``officials``: name, title, unit, role and the offsets of the mention that names them."""

from pathlib import Path

import yaml
from spacy.language import Language
from spacy.tokens import Doc

from ..extract.officials import OfficialsExtractor


class Officials:
    def __init__(self, name: str, titles: str, surnames: str, cues: str, settings: str):
        self.name = name
        self.paths = {"titles": Path(titles), "surnames": Path(surnames), "cues": Path(cues), "settings": Path(settings)}
        self.extractor: OfficialsExtractor | None = None

    def initialize(self, get_examples=None, *, nlp=None) -> None:
        cues = yaml.safe_load(self.paths["cues"].read_text(encoding="utf-8"))
        settings = yaml.safe_load(self.paths["settings"].read_text(encoding="utf-8"))
        conduct = [p for label, patterns in cues.items() if label != "out_of_scope" for p in patterns]
        self.extractor = OfficialsExtractor(self.paths["titles"], self.paths["surnames"], conduct,
                                            nlp.tokenizer.word_frequency, settings["subject_cues"],
                                            settings["lesson_context"])

    def __call__(self, doc: Doc) -> Doc:
        labels = [label["code"] for label in (doc._.labels or [])]
        flagged = [(flag["start"], flag["end"]) for flag in (doc._.meeting_flags or [])]
        doc._.officials = [{**mention.__dict__, "registry_id": None}
                           for mention in self.extractor.extract(doc.text, labels, flagged)]
        return doc


@Language.factory("officials", default_config={
    "titles": "${paths.configs}/dictionaries/titles.txt", "surnames": "${paths.configs}/dictionaries/surnames.txt",
    "cues": "${paths.configs}/cues.yaml", "settings": "${paths.configs}/officials.yaml"})
def make_officials(nlp: Language, name: str, titles: str, surnames: str, cues: str, settings: str) -> Officials:
    return Officials(name, titles, surnames, cues, settings)
