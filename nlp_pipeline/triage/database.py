"""Engine and migrations for the triage database: SQLite (WAL, foreign keys on) by default,
PostgreSQL or another database by URL. The schema comes from the Alembic migrations only."""

import threading
from collections import deque
from pathlib import Path

from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


class FairLock:
    """A lock handed to its waiters in the order they came (threading.Lock lets a releasing thread
    take it straight back, so under load some waiters starve)."""

    def __init__(self):
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Event] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return True
        with self._mutex:
            if turn.is_set():  # handed over just as the wait ended
                return True
            self._waiters.remove(turn)
            return False

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().set()
            else:
                self._held = False


_GATES: dict[str, FairLock] = {}


def _queue_writers(engine: Engine) -> None:
    """SQLite lets one writer in at a time and makes the others poll with growing sleeps (up to
    100 ms each), so with many concurrent writers some wait for seconds while newer ones get in.
    Within this process writers queue on a lock instead, taken at a transaction's first write and
    released when its connection goes back to the pool (after the commit or rollback). A writer
    that waits longer than SQLite's own busy timeout goes on without it."""
    gate = _GATES.setdefault(str(engine.url.database), FairLock())

    @event.listens_for(engine, "before_cursor_execute")
    def _before(connection, _cursor, statement, *_args):
        info = connection.info
        if not info.get("write_gate") and statement.lstrip()[:7].upper().startswith(WRITES):
            info["write_gate"] = gate.acquire(timeout=10)

    @event.listens_for(engine.pool, "checkin")
    def _checkin(_dbapi_connection, record):
        if record.info.pop("write_gate", False):
            gate.release()


# More connections than the server's worker threads (anyio's default 40), so that no request waits
# for one: a thread that does can be overtaken again and again.
POOL = {"pool_size": 20, "max_overflow": 40}


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        in_memory = make_url(url).database in (None, "", ":memory:")
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10},
                               **({} if in_memory else POOL))
        event.listen(engine, "connect", _sqlite_pragmas)
        _queue_writers(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **POOL)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` with Alembic."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def sessions(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)
