"""Where usage counters live: in this process, in a SQLite file shared by processes, or in Redis.

A counter is keyed by limit name, window start and scope value, so a new window starts from
zero without anyone resetting it. Every store checks every limit and counts a request in one
atomic step, so concurrent callers cannot all slip past a limit of N. The Redis store lives in
:mod:`prysmai.limits.redis_store`.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Final, NamedTuple, Protocol

from prysmai.errors import ConfigurationError

SQLITE_URL_PREFIX: Final = "sqlite:///"
REDIS_URL_PREFIXES: Final = ("redis://", "rediss://")

DEFAULT_BUSY_TIMEOUT_S: Final = 0.5
"""How long a check waits for another process's write before giving up (and letting the call
through). Counter transactions take microseconds, so only a stuck writer waits this long."""

_RETRY_AFTER_FAILURE_S: Final = 1.0
"""After a failure the file is left alone this long, so a broken store does not add an open
attempt (or a busy wait) to every call."""

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
_UPSERT: Final = (
    "INSERT INTO prysm_usage_counters (key, window_end, value) VALUES (?, ?, ?) "
    "ON CONFLICT (key) DO UPDATE SET value = value + excluded.value"
)
_SELECT: Final = "SELECT value FROM prysm_usage_counters WHERE key = ?"
_SWEEP: Final = "DELETE FROM prysm_usage_counters WHERE window_end <= ?"


class SqliteCounterStore:
    """Counters in a SQLite file, so that processes on one machine share one budget.

    WAL mode and a busy timeout let processes wait briefly for each other; each check runs in
    one ``BEGIN IMMEDIATE`` transaction (read every counter, then one UPSERT per counted
    request), so the check and the count are atomic across processes. Failures raise
    ``sqlite3.Error`` / ``OSError``; the caller lets the call through and reports the fault.

    Args:
        path: the database file (created with its folder if missing).
        busy_timeout_s: how long to wait for another process holding the write lock.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S
    ) -> None:
        self.path = Path(path).expanduser()
        self.busy_timeout_s = busy_timeout_s
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid = os.getpid()
        self._retry_at = 0.0
        self._writes = 0

    def __repr__(self) -> str:
        return f"SqliteCounterStore({str(self.path)!r})"

    def _connect(self) -> sqlite3.Connection:
        if self._pid != os.getpid():
            # A forked child must not use its parent's connection; open its own.
            self._connection = None
            self._pid = os.getpid()
        if self._connection is not None:
            return self._connection
        if time.monotonic() < self._retry_at:
            msg = f"the usage counter store {self.path} failed less than a second ago"
            raise sqlite3.OperationalError(msg)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
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
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        return connection

    def _failed(self) -> None:
        """Drop the connection after an error; the next attempt opens the file afresh."""
        self._retry_at = time.monotonic() + _RETRY_AFTER_FAILURE_S
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except sqlite3.Error:
                pass

    def admit(self, checks: Sequence[Check], now: float) -> list[tuple[int, float]]:
        """See :meth:`CounterStore.admit`."""
        with self._lock:
            try:
                connection = self._connect()
                connection.execute("BEGIN IMMEDIATE")
                try:
                    reached = self._reached(connection, checks)
                    if not reached:
                        keys = {c.key: c.window_end for c in checks if c.counts_request}
                        connection.executemany(
                            _UPSERT, [(key, end, 1.0) for key, end in keys.items()]
                        )
                        self._maybe_sweep(connection, now, len(keys))
                    connection.execute("COMMIT")
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
            except (sqlite3.Error, OSError):
                self._failed()
                raise
            return reached

    @staticmethod
    def _reached(
        connection: sqlite3.Connection, checks: Sequence[Check]
    ) -> list[tuple[int, float]]:
        reached: list[tuple[int, float]] = []
        for index, check in enumerate(checks):
            row = connection.execute(_SELECT, (check.key,)).fetchone()
            used = float(row[0]) if row is not None else 0.0
            if used >= check.limit:
                reached.append((index, used))
        return reached

    def _maybe_sweep(self, connection: sqlite3.Connection, now: float, writes: int) -> None:
        self._writes += writes
        if self._writes >= _SWEEP_EVERY:
            self._writes = 0
            connection.execute(_SWEEP, (now,))

    def add(self, amounts: Sequence[tuple[str, float, float]], now: float) -> None:
        """See :meth:`CounterStore.add`."""
        with self._lock:
            try:
                connection = self._connect()
                # One statement per counter, all in one transaction: atomic with the checks.
                connection.execute("BEGIN IMMEDIATE")
                try:
                    connection.executemany(_UPSERT, amounts)
                    connection.execute("COMMIT")
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
            except (sqlite3.Error, OSError):
                self._failed()
                raise

    def value(self, key: str) -> float:
        """See :meth:`CounterStore.value`."""
        with self._lock:
            try:
                row = self._connect().execute(_SELECT, (key,)).fetchone()
            except (sqlite3.Error, OSError):
                self._failed()
                raise
        return float(row[0]) if row is not None else 0.0

    def close(self) -> None:
        """Close the connection (a later use opens it again)."""
        with self._lock:
            connection, self._connection = self._connection, None
            if connection is not None:
                connection.close()


MEMORY: Final = "memory"

_STORE_FORMS: Final = "'memory', 'sqlite:///PATH' or 'redis://HOST[:PORT][/DB]'"


def open_store(spec: str | CounterStore | None) -> CounterStore:
    """Return the store ``spec`` names: ``memory``, ``sqlite:///PATH``, a Redis URL or a store.

    ``sqlite:///counters.db`` is relative to the working directory and
    ``sqlite:////var/lib/app/counters.db`` absolute, as in SQLAlchemy URLs.
    ``redis://[[user]:password@]host[:port][/db]`` (``rediss://`` for TLS) opens a
    :class:`~prysmai.limits.redis_store.RedisCounterStore`. Nothing is opened yet: a file or
    server that cannot be used shows up as faults at call time, never as a failed call.

    Raises:
        ConfigurationError: ``spec`` is none of these, a Redis URL is bad, or the ``redis``
            package is missing for one.
    """
    if spec is None or spec == MEMORY:
        return MemoryCounterStore()
    if isinstance(spec, str):
        if spec.startswith(SQLITE_URL_PREFIX) and spec[len(SQLITE_URL_PREFIX) :].strip():
            return SqliteCounterStore(spec[len(SQLITE_URL_PREFIX) :])
        if spec.lower().startswith(REDIS_URL_PREFIXES):
            from prysmai.limits.redis_store import RedisCounterStore

            return RedisCounterStore(spec)
        msg = (
            f"usage limit store {_shown(spec)!r} is not {_STORE_FORMS} "
            "(sqlite:///relative.db, sqlite:////absolute/path.db, redis://localhost:6379/0)"
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
