"""The one data model: a document as read, and the findings the pipeline reports on it.

``Document`` is what ingestion produces and every stage reads; ``Analysis`` is the
analyze contract, the only thing the faces (CLI, batch, service) see. Offsets always
index ``Document.text``, the normalised text.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["minutes", "petition", "other"]
Role = Literal["subject", "petitioner", "mentioned"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page(Strict):
    """One page of a paged input (PDF, multi-page image): where it starts in the text and how it
    was read."""

    number: int = Field(description="1-based page number")
    start: int = Field(description="offset in the text where the page begins")
    method: Literal["text", "ocr"] = Field(description="text layer, or OCR of the rendered page")
    confidence: float | None = Field(None, description="OCR confidence (mean per character); null for a text layer")


class Document(Strict):
    """A readable input: normalised text plus where it came from."""

    id: str
    source: str | None = None
    text: str
    kind: Kind | None = Field(None, description="kind given by the input (jsonl); detected when None")
    date: str | None = Field(None, description="ISO date given by the input (jsonl); read from the text when None")
    pages: list[Page] = Field(default_factory=list, description="the pages of a paged input; empty otherwise")
    problems: list[str] = Field(default_factory=list, description="parts of the input that could not be read")


class ProblemInput(Strict):
    """An input that could not be read; it still gets a record of its own."""

    id: str
    source: str | None = None
    message: str


class Label(Strict):
    code: str
    name: str
    score: float


class MeetingFlag(Strict):
    type: str
    evidence: str
    start: int
    end: int
    score: float
    page: int | None = Field(None, description="page of the evidence, for paged inputs")


class Official(Strict):
    name: str
    title: str | None = None
    unit: str | None = None
    role: Role
    start: int
    end: int
    page: int | None = Field(None, description="page of the mention, for paged inputs")
    registry_id: str | None = None


class Analysis(Strict):
    """The analyze contract: one object per input document."""

    id: str
    source: str | None
    kind: Kind | None = Field(description="None only when the input could not be read")
    kind_score: float | None = None
    date: str | None = Field(None, description="ISO date the input gave, else the first full date its text states")
    chars: int
    labels: list[Label] = Field(default_factory=list)
    scores: dict[str, float] = Field(default_factory=dict)
    meeting_flags: list[MeetingFlag] = Field(default_factory=list)
    officials: list[Official] = Field(default_factory=list)
    pages: list[Page] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)

    @classmethod
    def for_problem(cls, problem: ProblemInput) -> "Analysis":
        return cls(id=problem.id, source=problem.source, kind=None, chars=0, errors=[problem.message])
