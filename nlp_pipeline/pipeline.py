"""The pipeline as the faces use it: inputs in, one ``Analysis`` per input out.

Wraps the spaCy ``Language`` built from the config; ``nlp.pipe`` batches documents, and an
input that could not be read passes straight through as its error record, in order.
"""

import logging
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from pathlib import Path

from .document import Analysis, Document, ProblemInput
from .ingest import document_from_pages
from .ingest.dates import stated_date
from .language import load_language

log = logging.getLogger(__name__)


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
        try:
            docs = self.nlp.pipe((self.make_doc(d) for d in documents), batch_size=batch_size)
            analysed = iter([self.findings(doc, d) for doc, d in zip(docs, documents, strict=True)])
        except Exception:  # one document broke a component: the batch is read again one by one
            analysed = iter([self._analyze_alone(d) for d in documents])
        for item in items:
            yield Analysis.for_problem(item) if isinstance(item, ProblemInput) else next(analysed)

    def _analyze_alone(self, document: Document) -> Analysis:
        """One document by itself, so that a component failing on it fails this document only:
        its record says what failed, and the traceback goes to the log."""
        try:
            return self.findings(self.nlp(self.make_doc(document)), document)
        except Exception as err:
            log.exception("analysis of %s failed", document.id)
            return Analysis(id=document.id, source=document.source, kind=None, chars=len(document.text),
                            pages=document.pages,
                            errors=[*document.problems, f"analysis failed: {type(err).__name__}: {err}"])

    def analyze_text(self, text: str, doc_id: str = "text") -> Analysis:
        return next(self.analyze([document_from_pages(doc_id, None, [text])]))
