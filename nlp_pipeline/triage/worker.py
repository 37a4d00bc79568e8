"""The background analysis of stored petitions. Intake only stores; this worker takes petitions
one at a time (a conditional update, so two workers never take the same one), runs the pipeline,
groups repeats and sets the priority. A model error is recorded on the petition, which stays in
the queue for a person to triage: nothing is lost to it."""

import tempfile
import threading
from pathlib import Path

from sqlalchemy import select, update

from ..evaluation.near_duplicates import jaccard, shingles
from .models import Petition, now
from .priority import score

RECENT = 2000  # earlier petitions compared for repeats


def _document(petition: Petition):
    from ..ingest import document_from_pages, read_file

    if petition.content is not None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{Path(petition.filename or '').suffix.lower()}"
            path.write_bytes(petition.content)
            return read_file(path, doc_id=f"petition-{petition.id}")
    return document_from_pages(f"petition-{petition.id}", None, [petition.text or ""], kind="petition")


def _group(session, petition: Petition, text: str, settings: dict) -> int:
    """The id of the earliest petition about the same matter: same petitioner, or text nearly the same."""
    mine = shingles(text)
    earlier = session.scalars(select(Petition).where(Petition.id < petition.id, Petition.analysis_state == "done")
                              .order_by(Petition.id.desc()).limit(RECENT))
    for other in earlier:
        same_person = petition.petitioner_name and other.petitioner_name == petition.petitioner_name
        if same_person or jaccard(mine, shingles((other.analysis or {}).get("text", ""))) >= settings["near_duplicate"]:
            return other.group_id or other.id
    return petition.id


class AnalysisWorker:
    def __init__(self, sessionmaker, pipeline_factory, settings: dict, poll_seconds: float = 0.5):
        self.sessionmaker = sessionmaker
        self.pipeline_factory = pipeline_factory
        self.settings = settings
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pipeline = None

    def take(self) -> int | None:
        with self.sessionmaker.begin() as session:
            for candidate in session.scalars(select(Petition.id).where(Petition.analysis_state == "pending")
                                             .order_by(Petition.id).limit(5)):
                taken = session.execute(update(Petition).where(Petition.id == candidate,
                                                               Petition.analysis_state == "pending")
                                        .values(analysis_state="running"))
                if taken.rowcount == 1:
                    return candidate
        return None

    def process(self, petition_id: int) -> None:
        if self._pipeline is None:
            self._pipeline = self.pipeline_factory()
        with self.sessionmaker.begin() as session:
            petition = session.get(Petition, petition_id)
            try:
                document = _document(petition)
                analysis = next(self._pipeline.analyze([document])).model_dump()
                analysis["text"] = document.text
                # Grouping reads many earlier petitions: done before the petition changes, so that no
                # write is pending meanwhile (on SQLite a pending write holds the one write lock).
                group_id = _group(session, petition, document.text, self.settings)
                petition.analysis, petition.analysis_state, petition.analysis_error = analysis, "done", None
                petition.group_id = group_id
                # Conditional in the database: a reviewer may have claimed it while it was analysed.
                session.execute(update(Petition).where(Petition.id == petition.id, Petition.status == "new")
                                .values(status="triaged"))
            except Exception as err:  # any failure of reading or analysis stays on the petition
                petition.analysis_state, petition.analysis_error = "failed", f"{type(err).__name__}: {err}"
            repeats = 0
            if petition.group_id and petition.group_id != petition.id:
                repeats = len(session.scalars(select(Petition.id).where(Petition.group_id == petition.group_id,
                                                                        Petition.id < petition.id)).all())
            petition.priority, petition.reasons = score(petition.analysis, repeats, petition.received_at, now(),
                                                        self.settings)

    def run_once(self) -> bool:
        taken = self.take()
        if taken is None:
            return False
        self.process(taken)
        return True

    def run(self) -> None:
        """Analyse until stopped."""
        while not self._stop.is_set():
            if not self.run_once():
                self._stop.wait(self.poll_seconds)

    def start(self) -> None:
        """Run in a thread of this process (tests, small installations)."""
        self._thread = threading.Thread(target=self.run, name="triage-analysis", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=30)



def run_worker_process(url: str) -> None:
    """The worker as a process of its own (``nlp-pipeline triage worker``), so that analysis never
    competes with the service's requests for one interpreter; stops on SIGTERM or SIGINT."""
    import signal

    from ..pipeline import Pipeline
    from .database import make_engine, migrate, sessions
    from .priority import load_settings

    engine = make_engine(url)
    migrate(engine)
    worker = AnalysisWorker(sessions(engine), Pipeline, load_settings())
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, lambda *_: worker.stop())
    worker.run()
