"""The pipeline as the faces use it: inputs in, one ``Analysis`` per input out.

Wraps the spaCy ``Language`` built from the config; ``nlp.pipe`` batches documents, and an
input that could not be read passes straight through as its error record, in order.
"""

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from pathlib import Path

from .document import Analysis, Document, ProblemInput
from .ingest import document_from_pages
from .ingest.dates import stated_date
from .language import load_language


class Pipeline:
    def __init__(self, config: Path | None = None, overrides: dict | None = None):
        self.nlp = load_language(config, overrides)

    def make_doc(self, document: Document):
        doc = self.nlp.make_doc(document.text)
        doc._.given_kind = document.kind
        return doc

    @staticmethod
    def findings(doc, document: Document) -> Analysis:
        """Read the findings the components left on ``doc`` into the contract; evidence and
        mentions of a paged input carry their page number."""
        starts = [page.start for page in document.pages]

        def paged(items):
            if not starts:
                return items or []
            return [{**item, "page": bisect_right(starts, item["start"])} for item in items or []]

        return Analysis(
            id=document.id,
            source=document.source,
            kind=doc._.kind,
            kind_score=doc._.kind_score,
            date=document.date or stated_date(document.text),
            chars=len(document.text),
            labels=doc._.labels or [],
            scores=doc._.scores or {},
            meeting_flags=paged(doc._.meeting_flags),
            officials=paged(doc._.officials),
            pages=document.pages,
            errors=list(document.problems),
        )

    def analyze(self, inputs: Iterable[Document | ProblemInput], batch_size: int = 32) -> Iterator[Analysis]:
        """Analyses in input order; unreadable inputs become error records."""
        pending: list[Document | ProblemInput] = []
        for item in inputs:
            pending.append(item)
            if len(pending) >= batch_size:
                yield from self._analyze_batch(pending, batch_size)
                pending = []
        yield from self._analyze_batch(pending, batch_size)

    def _analyze_batch(self, items: list[Document | ProblemInput], batch_size: int) -> Iterator[Analysis]:
        documents = [item for item in items if isinstance(item, Document)]
        docs = iter(self.nlp.pipe((self.make_doc(d) for d in documents), batch_size=batch_size))
        for item in items:
            if isinstance(item, ProblemInput):
                yield Analysis.for_problem(item)
            else:
                yield self.findings(next(docs), item)

    def analyze_text(self, text: str, doc_id: str = "text") -> Analysis:
        return next(self.analyze([document_from_pages(doc_id, None, [text])]))
