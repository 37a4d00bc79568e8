"""A throwaway PostgreSQL cluster for the tests and bench/triage_load.py: ``initdb`` into a
temporary folder, the server on a free port listening only on a unix socket inside that folder,
one fresh database per caller, everything removed on ``stop()``.

It needs the server binaries (Debian: ``apt-get install postgresql``, found under
``/usr/lib/postgresql/*/bin``) and the driver (``pip install 'psycopg[binary]'``). initdb refuses
to run as root, so as root the server runs as the ``postgres`` system user."""

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Self


def bin_dir() -> Path | None:
    """The newest installed server's bin folder (or the one holding initdb on PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: [int(x) if x.isdigit() else x for x in Path(p).parent.parent.name.split(".")])
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def unavailable() -> str | None:
    """Why a throwaway cluster cannot be started here, or None when it can."""
    if bin_dir() is None:
        return ("PostgreSQL server not installed (no initdb under /usr/lib/postgresql/*/bin or on PATH): "
                "apt-get install postgresql")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "PostgreSQL driver not installed: pip install 'psycopg[binary]' (extra: nlp-pipeline[postgres])"
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' system user to run the server as"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """``with Cluster() as pg: url = pg.create_database("x")``. ``durable=False`` turns fsync off
    (for tests); the bench keeps the defaults so its latencies include real commits."""

    def __init__(self, durable: bool = True, max_connections: int = 300):
        self.durable = durable
        self.max_connections = max_connections
        self.root: Path | None = None
        self.port: int | None = None
        self._user = "postgres" if os.geteuid() == 0 else None
        self._databases = 0

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", self._user, "--"] if self._user and shutil.which("runuser") else []
        if self._user and not prefix:  # no runuser: su with a shell-quoted command line
            import shlex

            prefix, command = ["su", self._user, "-s", "/bin/sh", "-c"], (shlex.join(command),)
        done = subprocess.run([*prefix, *command], cwd=self.root, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}{tail}")

    def start(self) -> Self:
        reason = unavailable()
        if reason:
            raise RuntimeError(reason)
        binaries = bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="triage-pg-"))
        atexit.register(self.stop)
        self.socket_dir.mkdir()
        if self._user:
            import pwd

            entry = pwd.getpwnam(self._user)
            for path in (self.root, self.socket_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self.port = _free_port()
        data = self.root / "data"
        self._run(str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--no-locale", "--no-sync")
        settings = {"port": self.port, "listen_addresses": "''", "unix_socket_directories": f"'{self.socket_dir}'",
                    "max_connections": self.max_connections}
        if not self.durable:
            settings |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
        with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("".join(f"{key} = {value}\n" for key, value in settings.items()))
        self._run(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(self.root / "server.log"), "-w", "-t", "60",
                  "start")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        import psycopg

        self._databases += 1
        name = name or f"triage_{self._databases}"
        with psycopg.connect(host=str(self.socket_dir), port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server (its open sessions are ended) and remove everything it wrote."""
        if self.root is None:
            return
        try:
            if (self.root / "data" / "postmaster.pid").exists():
                self._run(str(bin_dir() / "pg_ctl"), "-D", str(self.root / "data"), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None
            atexit.unregister(self.stop)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()
