"""A private PostgreSQL cluster for the tests, on a free loopback port in a temp dir.

The binaries are looked up under ``/usr/lib/postgresql/<version>/bin`` (Debian's layout; the
newest version wins) or on ``PATH``. PostgreSQL refuses to run as root, so when the tests run
as root the cluster belongs to the ``postgres`` user and its commands run through ``runuser``;
as any other user they run directly. The cluster asks for a password on TCP (scram-sha-256),
so wrong credentials can be tested; durability is off, since it is thrown away at the end.

Without PostgreSQL (or psycopg) the tests that need it skip, unless PRYSM_REQUIRE_POSTGRES=1
(as in CI), where they fail.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from itertools import count
from pathlib import Path

import pytest

from tests.ports import free_port

REQUIRED = os.environ.get("PRYSM_REQUIRE_POSTGRES") == "1"
SUPERUSER = "prysm"
PASSWORD = "pg-test-pw-7f3e"
_SERVER_USER = "postgres"
_numbers = count(1)


def find_bin_dir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, newest version first."""

    def version(folder: str) -> tuple[int, ...]:
        name = Path(folder).parent.name
        return tuple(int(part) for part in name.split(".") if part.isdigit())

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(str(Path(on_path).resolve().parent))
    for folder in candidates:
        if all((Path(folder) / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    return None


def missing() -> str | None:
    """What keeps the PostgreSQL tests from running here, ``None`` if nothing."""
    needs = []
    if find_bin_dir() is None:
        needs.append("PostgreSQL server binaries (apt-get install postgresql)")
    if importlib.util.find_spec("psycopg") is None:
        needs.append("psycopg (pip install 'prysmai[postgres]')")
    if os.geteuid() == 0 and (shutil.which("runuser") is None or not _has_user(_SERVER_USER)):
        needs.append(f"runuser and a {_SERVER_USER} user (PostgreSQL refuses to run as root)")
    return " and ".join(needs) or None


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def need_postgres() -> None:
    """Skip (or, with PRYSM_REQUIRE_POSTGRES=1, fail) when PostgreSQL cannot run here."""
    reason = missing()
    if reason is None:
        return
    message = f"PostgreSQL tests need {reason}"
    if REQUIRED:
        pytest.fail(f"{message}, and PRYSM_REQUIRE_POSTGRES=1 says they must run", pytrace=False)
    pytest.skip(message)


class PostgresCluster:
    """initdb'd on creation, then started and stopped at will on the same port."""

    def __init__(self) -> None:
        bin_dir = find_bin_dir()
        assert bin_dir is not None
        self.bin_dir = bin_dir
        self.port = free_port()
        # In /tmp itself: pytest's own temp folders are private to the user running the tests,
        # and the server may run as another one.
        self.root = Path(tempfile.mkdtemp(prefix="prysm-pg-"))
        self.data = self.root / "data"
        password_file = self.root / "password"
        password_file.write_text(PASSWORD + "\n")
        if self._as_root:
            shutil.chown(self.root, _SERVER_USER)
            shutil.chown(password_file, _SERVER_USER)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            f"--pwfile={password_file}",
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        self.start()

    @property
    def _as_root(self) -> bool:
        return os.geteuid() == 0

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin_dir / tool), *args]
        if self._as_root:
            command = ["runuser", "-u", _SERVER_USER, "--", *command]
        result = subprocess.run(
            command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120
        )
        if result.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{tool} failed: {result.stdout}{result.stderr}{tail}")

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port}"
            f" -c unix_socket_directories={self.root} -c fsync=off -c full_page_writes=off"
            " -c synchronous_commit=off -c max_connections=200"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60",
            "-o", options, "start",
        )  # fmt: skip

    def stop(self) -> None:
        """Stop now: sessions are ended as by an administrator (a server going away)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def processes(self) -> list[int]:
        """The postmaster's process id and its children's (the server's whole process tree)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # the process ended meanwhile
            # The parent id is the second field after the ")" that ends the command name.
            if int(stat.rpartition(")")[2].split()[1]) == postmaster:
                children.append(int(entry.name))
        return [postmaster, *children]

    def freeze(self) -> list[int]:
        """Stop every server process (SIGSTOP): the kernel still accepts and acknowledges, but
        nothing answers. Returns the processes, for :meth:`thaw`."""
        frozen = self.processes()
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        return frozen

    def thaw(self, frozen: list[int]) -> None:
        """Let the processes :meth:`freeze` stopped run again."""
        for pid in frozen:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass

    def destroy(self) -> None:
        try:
            self.stop()
        except RuntimeError:
            pass  # already stopped
        shutil.rmtree(self.root, ignore_errors=True)

    def url(
        self, database: str = "postgres", *, user: str = SUPERUSER, password: str = PASSWORD
    ) -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = f"prysm_test_{os.getpid()}_{next(_numbers)}"
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def query(
        self, url: str, sql: str, params: tuple[object, ...] = ()
    ) -> list[tuple[object, ...]]:
        """Run one statement in the database of ``url`` and return its rows."""
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            cursor = connection.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
