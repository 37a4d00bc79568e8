"""Meeting-procedure flags with their evidence sentence, offsets and score.

Each sentence is scored for the seven flag types by the shipped sentence classifier
(``nlp_pipeline.learn.train_flags``), which also reads the previous sentence's words; a sentence at
or above a type's threshold is that flag's evidence. A sentence that only records proper procedure
(纪检组长列席, 末位表态: extract/procedure.py) is not scored. Per the labelling conventions,
``collective_decision`` is a label exactly when the document shows a flag, so this stage, which runs
after issue_types, sets it from the flags. A study or warning-education meeting that recounts
others' cases (configs/meeting_flags.yaml ``lesson_opening``) shows no flag.
"""

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .. import artefacts
from ..extract.lesson import LessonOpening
from ..extract.procedure import ProperProcedure
from ..labels import names
from ..learn.flag_classifier import in_context

COLLECTIVE = "collective_decision"


class MeetingFlags:
    def __init__(self, name: str, model: str, patterns: str):
        self.name = name
        self.model_dir = Path(model)
        self.lesson = LessonOpening.from_config(Path(patterns))
        self.proper_procedure = ProperProcedure.from_config(Path(patterns))
        self.model = None
        self.thresholds: dict[str, float] = {}

    def initialize(self, get_examples=None, *, nlp=None) -> None:
        self.model, meta = artefacts.load(self.model_dir)
        self.thresholds = meta["thresholds"]

    def __call__(self, doc: Doc) -> Doc:
        sentences = [] if self.lesson(doc.text) else [s for s in doc.sents if s.text.strip()]
        read = in_context([(s.text.strip(), [t.text for t in s if not t.is_space]) for s in sentences])
        kept = [(s, x) for s, x in zip(sentences, read) if not self.proper_procedure(s.text)]
        flags = []
        if kept:
            for (sentence, _), scores in zip(kept, self.model.scores([x for _, x in kept])):
                evidence = sentence.text.strip()
                start = sentence.start_char + sentence.text.index(evidence)
                for flag_type, score in scores.items():
                    if score >= self.thresholds[flag_type]:
                        flags.append({"type": flag_type, "evidence": evidence, "start": start,
                                      "end": start + len(evidence), "score": round(score, 4)})
        doc._.meeting_flags = flags
        self._set_collective_decision(doc, flags)
        return doc

    @staticmethod
    def _set_collective_decision(doc: Doc, flags: list[dict]) -> None:
        if doc._.scores is None:
            return
        labels = [label for label in (doc._.labels or []) if label["code"] != COLLECTIVE]
        if flags:
            score = max(doc._.scores.get(COLLECTIVE, 0.0), max(f["score"] for f in flags))
            doc._.scores[COLLECTIVE] = score
            labels.append({"code": COLLECTIVE, "name": names()[COLLECTIVE], "score": score})
            labels = [label for label in labels if label["code"] != "out_of_scope"]
        doc._.labels = sorted(labels, key=lambda label: -label["score"])


@Language.factory("meeting_flags", default_config={"model": "${paths.models}/meeting_flags",
                                                   "patterns": "${paths.configs}/meeting_flags.yaml"})
def make_meeting_flags(nlp: Language, name: str, model: str, patterns: str) -> MeetingFlags:
    return MeetingFlags(name, model, patterns)
