"""Where usage counters live: in this process, in a SQLite file, in Redis or in PostgreSQL.

A counter is keyed by limit name, window start and scope value, so a new window starts from
zero without anyone resetting it. Every store checks every limit and counts a request in one
atomic step, so concurrent callers cannot all slip past a limit of N. The Redis and PostgreSQL
stores live in :mod:`prysmai.limits.redis_store` and :mod:`prysmai.limits.postgres_store`.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Final, NamedTuple, Protocol

from prysmai.errors import ConfigurationError
from prysmai.store_location import is_postgres_url, refuse_conninfo

SQLITE_URL_PREFIX: Final = "sqlite:///"
REDIS_URL_PREFIXES: Final = ("redis://", "rediss://")

DEFAULT_BUSY_TIMEOUT_S: Final = 2.0
"""How long a check waits for its turn (behind this process's other threads, then other
processes) before giving up; the call then goes unlimited, that call only. A check holds the
file's write lock for microseconds, but on a loaded machine threads wait long for a CPU and for
the GIL: 8 processes x 4 threads on two cores saw waits up to about 0.9 s. Two seconds keeps "a
limit of N sends N" there, and bounds what a stuck writer (a process paused while holding the
file's lock) can add to a call."""

_RETRY_AFTER_FAILURE_S: Final = 1.0
"""After a hard failure (a file that cannot be opened, is not a database, or a full disk) the
store is left alone this long, so a broken store does not add an open attempt to every call.
A busy file is no such failure: the next call tries again at once."""

_FIRST_RETRY_S: Final = 0.0002
_LONGEST_RETRY_S: Final = 0.002
"""How often a check tries again for a busy file's write lock. SQLite's own busy handler
backs off to 100 ms between tries, so a process that has waited a while loses the lock to
fresher waiters again and again; short, even retries keep waiting roughly first come, first
served."""

_SWEEP_EVERY: Final = 4096
"""Writes between two removals of counters whose window has ended."""


class Check(NamedTuple):
    """One limit to test for one call (a tuple: built on every call, so kept cheap)."""

    key: str
    """The counter: limit name, window start and scope value."""
    limit: float
    window_end: float
    counts_request: bool
    """Whether sending the call adds 1 to this counter (``requests`` limits)."""


class CounterStore(Protocol):
    """Holds usage counters; shared by every client given the same store."""

    def admit(self, checks: Sequence[Check], now: float) -> list[tuple[int, float]]:
        """Atomically test every check and, when none is reached, count the request.

        Returns:
            ``(index into checks, used)`` for each limit already reached (nothing counted
            then); empty when the call may go.
        """
        ...

    def add(self, amounts: Sequence[tuple[str, float, float]], now: float) -> None:
        """Add ``(key, window_end, amount)`` to counters (tokens and cost, after a call)."""
        ...

    def value(self, key: str) -> float:
        """Return a counter's value (0 when it was never written)."""
        ...

    def close(self) -> None:
        """Release what the store holds open."""
        ...


class MemoryCounterStore:
    """Counters in this process's memory: fast, forgotten at exit, not shared with others."""

    def __init__(self) -> None:
        # key -> [window_end, value]; a list so that counting mutates in place.
        self._counters: dict[str, list[float]] = {}
        self._lock = threading.Lock()
        self._sweep_at = _SWEEP_EVERY

    def admit(self, checks: Sequence[Check], now: float) -> list[tuple[int, float]]:
        """See :meth:`CounterStore.admit`."""
        counters = self._counters
        with self._lock:
            reached: list[tuple[int, float]] = []
            for index, check in enumerate(checks):
                entry = counters.get(check.key)
                used = entry[1] if entry is not None else 0.0
                if used >= check.limit:
                    reached.append((index, used))
            if reached:
                return reached
            counted: set[str] = set()
            for check in checks:
                # Two limits with one name (say 10 and 100 requests a minute) share a counter.
                if check.counts_request and check.key not in counted:
                    counted.add(check.key)
                    entry = counters.get(check.key)
                    if entry is not None:
                        entry[1] += 1.0
                    else:
                        self._insert(check.key, check.window_end, 1.0, now)
            return reached

    def add(self, amounts: Sequence[tuple[str, float, float]], now: float) -> None:
        """See :meth:`CounterStore.add`."""
        with self._lock:
            for key, window_end, amount in amounts:
                self._add(key, window_end, amount, now)

    def _add(self, key: str, window_end: float, amount: float, now: float) -> None:
        entry = self._counters.get(key)
        if entry is not None:
            entry[1] += amount
        else:
            self._insert(key, window_end, amount, now)

    def _insert(self, key: str, window_end: float, amount: float, now: float) -> None:
        self._counters[key] = [window_end, amount]
        if len(self._counters) >= self._sweep_at:
            # Per-user and per-session counters would otherwise pile up window after window.
            ended = [k for k, (end, _) in self._counters.items() if end <= now]
            for k in ended:
                del self._counters[k]
            self._sweep_at = max(_SWEEP_EVERY, 2 * len(self._counters))

    def value(self, key: str) -> float:
        """See :meth:`CounterStore.value`."""
        with self._lock:
            entry = self._counters.get(key)
            return entry[1] if entry is not None else 0.0

    def close(self) -> None:
        """Nothing to release."""


_SCHEMA: Final = (
    "CREATE TABLE IF NOT EXISTS prysm_usage_counters ("
    " key TEXT PRIMARY KEY, window_end REAL NOT NULL, value REAL NOT NULL) WITHOUT ROWID"
)


@functools.cache
def _admit_sql(counted: int, checked: int) -> str:
    """One statement that counts ``counted`` requests unless one of ``checked`` is reached.

    Parameters: ``key, window_end`` per counted counter, then ``key, limit`` per check.
    """
    rows = ", ".join(["(?, ?)"] * counted)
    limits = ", ".join(["(?, ?)"] * checked)
    return (
        "INSERT INTO prysm_usage_counters (key, window_end, value) "
        f"SELECT column1, column2, 1.0 FROM (VALUES {rows}) WHERE NOT EXISTS ("
        f"SELECT 1 FROM (VALUES {limits}) AS l JOIN prysm_usage_counters AS c "
        "ON c.key = l.column1 WHERE c.value >= l.column2) "
        "ON CONFLICT (key) DO UPDATE SET value = value + 1.0"
    )


@functools.cache
def _add_sql(amounts: int) -> str:
    """One statement that adds to ``amounts`` counters: ``key, window_end, amount`` each."""
    rows = ", ".join(["(?, ?, ?)"] * amounts)
    return (
        "INSERT INTO prysm_usage_counters (key, window_end, value) "
        f"SELECT column1, column2, column3 FROM (VALUES {rows}) WHERE true "
        "ON CONFLICT (key) DO UPDATE SET value = value + excluded.value"
    )


_SELECT_ONE: Final = "SELECT key, value FROM prysm_usage_counters WHERE key = ?"
_SELECT_MANY: Final = "SELECT key, value FROM prysm_usage_counters WHERE key IN"
_SWEEP: Final = "DELETE FROM prysm_usage_counters WHERE window_end <= ?"


_BUSY_CODES: Final = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` only means that another connection held the file for too long."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY_CODES
    return str(error).startswith(("database is locked", "database table is locked"))


# One lock per file for every store of this process: threads (and clients sharing a file)
# queue here, so that only one of them at a time competes with other processes for the file.
_file_locks: dict[str, threading.Lock] = {}
_file_locks_guard = threading.Lock()


def _file_lock(path: Path) -> threading.Lock:
    with _file_locks_guard:
        return _file_locks.setdefault(os.path.realpath(path), threading.Lock())


def _forget_file_locks() -> None:
    # A forked child starts with fresh locks: one held by another thread of the parent at the
    # fork would never be released in the child.
    global _file_locks_guard
    _file_locks_guard = threading.Lock()
    _file_locks.clear()


os.register_at_fork(after_in_child=_forget_file_locks)


class SqliteCounterStore:
    """Counters in a SQLite file, so that processes on one machine share one budget.

    The file is in WAL mode; each check is one SQL statement (an ``INSERT ... SELECT`` that
    counts the request only when no counter of the call has reached its limit), so the check and
    the count are atomic across processes, and the file's write lock is held only while SQLite
    runs that statement, never while Python waits for the GIL. The threads of one process queue
    on a lock for the file before they touch it, so only one of them competes with other
    processes for the file's write lock. The file (and its ``-wal`` and ``-shm`` files) is
    created with mode 0600: its keys hold user ids.

    Failures raise ``sqlite3.Error`` / ``OSError``; the caller lets the call through and reports
    the fault. A file still busy after ``busy_timeout_s`` fails that call only; a hard failure
    (the file cannot be opened, is not a database, the disk is full) makes the store fail at
    once for a second instead of trying the file on every call.

    Args:
        path: the database file (created with its folder if missing).
        busy_timeout_s: how long a check waits for the threads and processes ahead of it.

    Raises:
        ConfigurationError: ``path`` is ``:memory:``, which no other process could share.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S
    ) -> None:
        if os.fspath(path).strip() in ("", ":memory:"):
            msg = (
                f"a SQLite usage counter store needs a file, not {os.fspath(path)!r}: an "
                "in-memory database is not shared; use 'memory' for counters in this process"
            )
            raise ConfigurationError(msg)
        self.path = Path(path).expanduser()
        self.busy_timeout_s = busy_timeout_s
        self._lock = _file_lock(self.path)
        self._connection: sqlite3.Connection | None = None
        self._pid = os.getpid()
        self._retry_at = 0.0
        self._writes = 0

    def __repr__(self) -> str:
        return f"SqliteCounterStore({str(self.path)!r})"

    def _take_turn(self) -> float:
        """Wait for this process's turn at the file; return the deadline for the whole check.

        The caller releases ``self._lock`` when done.

        Raises:
            sqlite3.OperationalError: (busy) the turn did not come within the busy timeout.
        """
        deadline = time.monotonic() + self.busy_timeout_s
        if self._pid != os.getpid():
            # A forked child must neither use its parent's connection nor its lock.
            self._connection = None
            self._pid = os.getpid()
            self._lock = _file_lock(self.path)
        if not self._lock.acquire(timeout=self.busy_timeout_s):
            msg = f"database is locked: {self.path} stayed busy for {self.busy_timeout_s} s"
            raise sqlite3.OperationalError(msg)
        return deadline

    def _connect(self) -> sqlite3.Connection:
        if self._connection is not None:
            return self._connection
        if time.monotonic() < self._retry_at:
            msg = f"the usage counter store {self.path} failed less than a second ago"
            raise sqlite3.OperationalError(msg)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not self.path.exists():
            # Created 0600 (SQLite gives the -wal and -shm files the database file's mode):
            # the counters' keys hold user and session ids.
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        connection = sqlite3.connect(
            self.path,
            timeout=self.busy_timeout_s,
            isolation_level=None,
            check_same_thread=False,
        )
        try:
            connection.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")
            connection.execute("PRAGMA journal_mode = WAL")
            # Counters survive an application crash in WAL mode with NORMAL; a power cut may
            # lose the last increments, which a usage budget can afford.
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute(_SCHEMA)
            # From here on _run() waits for the write lock itself (see _LONGEST_RETRY_S).
            connection.execute("PRAGMA busy_timeout = 0")
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        return connection

    @staticmethod
    def _run(
        connection: sqlite3.Connection, sql: str, parameters: list[object], deadline: float
    ) -> sqlite3.Cursor:
        """Run one writing statement, trying again until ``deadline`` while the file is busy."""
        delay = _FIRST_RETRY_S
        while True:
            try:
                return connection.execute(sql, parameters)
            except sqlite3.OperationalError as exc:
                left = deadline - time.monotonic()
                if left <= 0 or not is_busy(exc):
                    raise
                time.sleep(min(delay, left))
                delay = min(2 * delay, _LONGEST_RETRY_S)

    def _failed(self, error: BaseException) -> None:
        """After a hard failure drop the connection; the file is tried again a second later.

        A busy file keeps its connection and is tried again by the next call.
        """
        if is_busy(error) or time.monotonic() < self._retry_at:
            return  # busy, or refused during the pause: the pause is not pushed back
        self._retry_at = time.monotonic() + _RETRY_AFTER_FAILURE_S
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except sqlite3.Error:
                pass

    def admit(self, checks: Sequence[Check], now: float) -> list[tuple[int, float]]:
        """See :meth:`CounterStore.admit`."""
        deadline = self._take_turn()
        try:
            connection = self._connect()
            counted = {check.key: check.window_end for check in checks if check.counts_request}
            if counted:
                parameters: list[object] = [item for pair in counted.items() for item in pair]
                for check in checks:
                    parameters += (check.key, float(check.limit))
                sql = _admit_sql(len(counted), len(checks))
                if self._run(connection, sql, parameters, deadline).rowcount > 0:
                    self._maybe_sweep(connection, now, len(counted))
                    return []
            # Nothing was counted: read which limits are reached. Counters only grow within
            # their window, so the ones that stopped the statement are still reached.
            return self._reached(connection, checks)
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            raise
        finally:
            self._lock.release()

    @staticmethod
    def _reached(
        connection: sqlite3.Connection, checks: Sequence[Check]
    ) -> list[tuple[int, float]]:
        keys = list({check.key: None for check in checks})
        if len(keys) == 1:
            rows = connection.execute(_SELECT_ONE, keys).fetchall()
        else:
            marks = ", ".join("?" * len(keys))
            rows = connection.execute(f"{_SELECT_MANY} ({marks})", keys).fetchall()
        values = dict(rows)
        reached: list[tuple[int, float]] = []
        for index, check in enumerate(checks):
            used = float(values.get(check.key, 0.0))
            if used >= check.limit:
                reached.append((index, used))
        return reached

    def _maybe_sweep(self, connection: sqlite3.Connection, now: float, writes: int) -> None:
        self._writes += writes
        if self._writes >= _SWEEP_EVERY:
            self._writes = 0
            try:
                connection.execute(_SWEEP, (now,))
            except sqlite3.OperationalError as exc:
                # The call is counted; a busy file is swept another time.
                if not is_busy(exc):
                    raise

    def add(self, amounts: Sequence[tuple[str, float, float]], now: float) -> None:
        """See :meth:`CounterStore.add`."""
        deadline = self._take_turn()
        try:
            connection = self._connect()
            # One statement for every counter: atomic with the checks.
            parameters: list[object] = [item for amount in amounts for item in amount]
            self._run(connection, _add_sql(len(amounts)), parameters, deadline)
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            raise
        finally:
            self._lock.release()

    def value(self, key: str) -> float:
        """See :meth:`CounterStore.value`."""
        self._take_turn()
        try:
            row = self._connect().execute(_SELECT_ONE, (key,)).fetchone()
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            raise
        finally:
            self._lock.release()
        return float(row[1]) if row is not None else 0.0

    def close(self) -> None:
        """Close the connection (a later use opens it again)."""
        with self._lock:
            connection, self._connection = self._connection, None
            if connection is not None:
                connection.close()


MEMORY: Final = "memory"

_STORE_FORMS: Final = (
    "'memory', 'sqlite:///PATH', 'redis://HOST[:PORT][/DB]' or 'postgresql://HOST[:PORT]/DB'"
)


def open_store(spec: str | CounterStore | None) -> CounterStore:
    """Return the store ``spec`` names: ``memory``, ``sqlite:///PATH``, a URL or a store.

    ``sqlite:///counters.db`` is relative to the working directory and
    ``sqlite:////var/lib/app/counters.db`` absolute, as in SQLAlchemy URLs.
    ``redis://[[user]:password@]host[:port][/db]`` (``rediss://`` for TLS) opens a
    :class:`~prysmai.limits.redis_store.RedisCounterStore`, a ``postgresql://`` (or
    ``postgres://``) URL a :class:`~prysmai.limits.postgres_store.PostgresCounterStore`.
    Nothing is opened yet: a file or server that cannot be used shows up as faults at call
    time, never as a failed call.

    Raises:
        ConfigurationError: ``spec`` is none of these, a URL is bad, or the package a server
            needs (``redis``, ``psycopg``) is missing.
    """
    if spec is None or spec == MEMORY:
        return MemoryCounterStore()
    if isinstance(spec, str):
        if spec.startswith(SQLITE_URL_PREFIX) and spec[len(SQLITE_URL_PREFIX) :].strip():
            return SqliteCounterStore(spec[len(SQLITE_URL_PREFIX) :])
        if spec.lower().startswith(REDIS_URL_PREFIXES):
            from prysmai.limits.redis_store import RedisCounterStore

            return RedisCounterStore(spec)
        if is_postgres_url(spec):
            from prysmai.limits.postgres_store import PostgresCounterStore

            return PostgresCounterStore(spec)
        refuse_conninfo(spec)
        msg = (
            f"usage limit store {_shown(spec)!r} is not {_STORE_FORMS} (sqlite:///relative.db, "
            "sqlite:////absolute/path.db, redis://localhost:6379/0, postgresql://db.internal/app)"
        )
        raise ConfigurationError(msg)
    if all(hasattr(spec, name) for name in ("admit", "add", "value")):
        return spec
    msg = f"limits_store must be {_STORE_FORMS} or a counter store, got {spec!r}"
    raise ConfigurationError(msg)


def _shown(spec: str) -> str:
    """``spec`` for an error message: a URL's password (``scheme://user:pw@host``) hidden."""
    scheme, sep, rest = spec.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if sep and at and ":" in userinfo:
        return f"{scheme}://{userinfo.partition(':')[0]}:***@{host}"
    return spec
