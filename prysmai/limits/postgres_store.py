"""Usage counters in PostgreSQL, so that processes on several machines share one budget.

Counters are rows of ``prysm_usage_counters`` (key, window end, value), keyed as in the other
stores. A check is one statement, a call of the function ``prysm_usage_admit``: it creates and
locks the call's request counters, reads every counter of the call, and counts the request
only when no limit is reached, in one transaction on the server. A single statement cannot do
this: it reads the table as of its start, so two calls racing for the last unit of a fresh
counter would both see it free. Inside a function each statement sees what others committed
before it, and once the counters are locked no other call can change them until this one
commits.

psycopg is imported only when such a store is built: it is the extra ``prysmai[postgres]``.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, Any, Final, TypeVar

from prysmai.errors import ConfigurationError
from prysmai.limits.deadline import AnswerDeadline
from prysmai.store_location import PostgresUrl
from prysmai.store_postgres import PostgresConnection, connect, import_psycopg

if TYPE_CHECKING:
    from prysmai.limits.stores import Check

_T = TypeVar("_T")

DEFAULT_BUSY_TIMEOUT_S: Final = 2.0
"""How long a check waits for its turn: behind this process's other threads (one session per
store), then for other sessions' locks on its counters. Past it the call goes unlimited, that
call only, as with a busy SQLite file."""

DEFAULT_CONNECT_TIMEOUT_S: Final = 2
"""libpq's shortest (it raises smaller values to 2 s), unless the URL sets ``connect_timeout``."""

ANSWER_MARGIN_S: Final = 1.0
"""A statement's answer may take the busy timeout plus this before the session is cut: a server
that is running ends the statement itself at the busy timeout (``statement_timeout``)."""

DEFAULT_EXPIRY_MARGIN_S: Final = 60.0
"""How long a counter outlives its window before a sweep removes it: machines whose clocks lag
behind still count into the window they see (as with the Redis store's expiry)."""

_RETRY_AFTER_FAILURE_S: Final = 1.0
"""After a failure other than a busy one the server is left alone this long, so a server that
is down costs one failed connection a second, not one per call."""

_SWEEP_EVERY: Final = 4096
"""Request counters checked between two removals of counters of ended windows (per process)."""

_SWEEP_BATCH: Final = 10_000
"""Counters one sweep removes at most: more than were checked since the last, and few enough
that the sweep ends well within the statement timeout."""

_BUSY_STATES: Final = frozenset({"55P03", "57014", "40P01", "40001"})
"""SQLSTATEs of a statement that gave up waiting but left its session usable: a lock or
statement timeout, a deadlock or serialization failure."""

SETUP_LOCK_KEY: Final = int.from_bytes(b"prysm-ul", "big")
"""Advisory lock held while creating the table and function, so processes starting at once
take turns instead of failing on each other's half-created objects."""

_TABLE: Final = """
CREATE TABLE IF NOT EXISTS prysm_usage_counters (
    key TEXT COLLATE "C" PRIMARY KEY,
    window_end DOUBLE PRECISION NOT NULL,
    value DOUBLE PRECISION NOT NULL
)
"""
# Sweeps find ended windows without reading the whole table; counting leaves window_end alone,
# so updates can stay HOT (no index entry written).
_INDEX: Final = (
    "CREATE INDEX IF NOT EXISTS prysm_usage_counters_window_end"
    " ON prysm_usage_counters (window_end)"
)

_ADMIT_SIGNATURE: Final = (
    "prysm_usage_admit(text[], double precision[], text[], double precision[])"
)

# Arguments: the request counters the call would count (unique keys) and their windows' ends,
# then every check's key and limit. Returns the 0-based index and value of each check whose
# counter has reached its limit; nothing (and the request counted) when none has.
_ADMIT_BODY: Final = """
BEGIN
    -- The call's request counters are created (at 0) and locked, each step in key order, so
    -- that calls sharing counters queue instead of deadlocking. Each statement here sees what
    -- other sessions committed before it started: from the lock on, the values read are the
    -- latest, and no other call can change them until this one commits.
    INSERT INTO prysm_usage_counters (key, window_end, value)
    SELECT k, e, 0 FROM unnest(counted, counted_ends) AS n (k, e) ORDER BY k COLLATE "C"
    ON CONFLICT (key) DO NOTHING;
    PERFORM 1 FROM prysm_usage_counters WHERE key = ANY (counted) ORDER BY key FOR UPDATE;
    RETURN QUERY
        SELECT (l.i - 1)::INTEGER, coalesce(c.value, 0)
        FROM unnest(checked, limits) WITH ORDINALITY AS l (k, lim, i)
        LEFT JOIN prysm_usage_counters AS c ON c.key = l.k
        WHERE coalesce(c.value, 0) >= l.lim
        ORDER BY l.i;
    IF NOT FOUND THEN
        -- Every limit passes: count the request once in each of its counters (an upsert, in
        -- case a sweep removed a counter of a long-ended window meanwhile).
        INSERT INTO prysm_usage_counters AS c (key, window_end, value)
        SELECT k, e, 1 FROM unnest(counted, counted_ends) AS n (k, e) ORDER BY k COLLATE "C"
        ON CONFLICT (key) DO UPDATE SET value = c.value + 1;
    END IF;
END
"""

_ADMIT_FUNCTION: Final = f"""
CREATE OR REPLACE FUNCTION prysm_usage_admit(
    counted TEXT[], counted_ends DOUBLE PRECISION[], checked TEXT[], limits DOUBLE PRECISION[]
) RETURNS TABLE (reached_index INTEGER, reached_used DOUBLE PRECISION)
LANGUAGE plpgsql VOLATILE AS $prysm${_ADMIT_BODY}$prysm$
"""

# The session's settings, and whether the table and this version of the function are there
# (then nothing is created: a role without CREATE rights can use what an administrator made).
_SESSION: Final = (
    "SELECT set_config('lock_timeout', ?, false), set_config('statement_timeout', ?, false),"
    " set_config('synchronous_commit', 'off', false),"
    " to_regclass('prysm_usage_counters') IS NOT NULL AND coalesce("
    "(SELECT prosrc = ? FROM pg_proc WHERE oid = to_regprocedure(?)), false)"
)


def _array(size: int, kind: str) -> str:
    # One parameter per element: psycopg binds scalars much faster than it adapts lists.
    return f"ARRAY[{', '.join(['?'] * size)}]::{kind}[]"


@functools.cache
def _admit_sql(counted: int, checked: int) -> str:
    """The check of ``counted`` request counters and ``checked`` limits.

    Parameters: the counted keys, their windows' ends, then every check's key and limit.
    """
    return (
        "SELECT reached_index, reached_used FROM prysm_usage_admit("
        f"{_array(counted, 'text')}, {_array(counted, 'float8')}, "
        f"{_array(checked, 'text')}, {_array(checked, 'float8')})"
    )


@functools.cache
def _add_sql(amounts: int) -> str:
    """Adding to ``amounts`` counters: their keys, windows' ends, then amounts.

    In key order (two adds sharing counters queue instead of deadlocking); a key given twice is
    added once with both amounts, as an upsert cannot touch a row twice.
    """
    return f"""
INSERT INTO prysm_usage_counters AS c (key, window_end, value)
SELECT k, max(e), sum(v)
FROM (
    SELECT k COLLATE "C" AS k, e, v FROM unnest(
        {_array(amounts, "text")}, {_array(amounts, "float8")}, {_array(amounts, "float8")}
    ) AS n (k, e, v)
) AS a
GROUP BY k ORDER BY k
ON CONFLICT (key) DO UPDATE SET value = c.value + excluded.value
"""


_VALUE: Final = "SELECT value FROM prysm_usage_counters WHERE key = ?"
# Counters another session holds right now are left for a later sweep instead of waited for.
_SWEEP: Final = f"""
DELETE FROM prysm_usage_counters WHERE key IN (
    SELECT key FROM prysm_usage_counters WHERE window_end <= ?
    LIMIT {_SWEEP_BATCH} FOR UPDATE SKIP LOCKED
)
"""

_NUL: Final = "\x00"

# Sessions a forked child inherited: left open for the parent, and kept from the garbage
# collector, which would warn about them.
_left_to_parent: list[PostgresConnection] = []


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` only means that the check waited too long; the session is usable."""
    return getattr(error, "sqlstate", None) in _BUSY_STATES


class PostgresCounterStore:
    """Counters in a PostgreSQL database, so that processes on several machines share one budget.

    Each check is one statement (``SELECT ... FROM prysm_usage_admit(...)``, one round trip):
    it locks the call's request counters, reads every counter of the call and counts the
    request only when none is reached, atomically for every session of the database. Tokens
    and cost are added afterwards with one ``INSERT ... ON CONFLICT DO UPDATE``. The table and
    the function are created by the first session that finds them missing. Commits do not wait
    for the disk (``synchronous_commit`` off for these sessions): a server crash may lose the
    last fraction of a second of counting, which a usage budget can afford.

    The threads of a process take turns on the store's one session. Failures raise
    ``sqlite3.Error`` (see :mod:`prysmai.store_postgres`); the caller lets the call through and
    reports the fault. A check that waited longer than ``busy_timeout_s`` (for its turn, or for
    another session's lock) fails that call only; any other failure (a refused or lost
    connection, wrong credentials, a server that does not answer within ``timeout_s``) makes
    the store fail at once for a second, then connect again.

    Args:
        url: a ``postgresql://`` (or ``postgres://``) URL, as libpq takes it.
        busy_timeout_s: how long a check waits for its turn and for locks.
        timeout_s: how long a statement may go unanswered before the session is cut (default:
            ``busy_timeout_s`` plus a second).
        connect_timeout_s: how long to wait for a connection, unless the URL sets
            ``connect_timeout``.
        expiry_margin_s: how long a counter outlives its window.

    Raises:
        ConfigurationError: psycopg is not installed, or libpq cannot read the URL.
    """

    def __init__(
        self,
        url: str | PostgresUrl,
        *,
        busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
        timeout_s: float | None = None,
        connect_timeout_s: int = DEFAULT_CONNECT_TIMEOUT_S,
        expiry_margin_s: float = DEFAULT_EXPIRY_MARGIN_S,
    ) -> None:
        psycopg = import_psycopg()
        try:
            self.location = url if isinstance(url, PostgresUrl) else PostgresUrl(url.strip())
        except ConfigurationError as exc:
            raise ConfigurationError(f"usage limit store: {exc}") from None
        try:
            # What libpq cannot parse fails here, not at every call.
            psycopg.conninfo.conninfo_to_dict(self.location.url)
        except psycopg.Error as exc:
            reason = self.location.redact(" ".join(str(exc).split()))
            msg = f"usage limit store {self.location} is not a URL libpq can use: {reason}"
            raise ConfigurationError(msg) from None
        self.busy_timeout_s = busy_timeout_s
        self.timeout_s = busy_timeout_s + ANSWER_MARGIN_S if timeout_s is None else timeout_s
        self.connect_timeout_s = connect_timeout_s
        self.expiry_margin_s = expiry_margin_s
        self._lock = threading.Lock()
        self._deadline = AnswerDeadline(self.timeout_s)
        self._connection: PostgresConnection | None = None
        self._pid = os.getpid()
        self._retry_at = 0.0
        self._writes = 0

    def __repr__(self) -> str:
        return f"PostgresCounterStore({str(self.location)!r})"

    def __del__(self) -> None:
        # Stores made by monitor() are never closed by their users: end the session quietly
        # (psycopg warns about one collected open) and let the deadline's thread go.
        if getattr(self, "_pid", None) == os.getpid():
            if self._connection is not None:
                self._connection.close()
            self._deadline.close()

    # --- the counter store ---------------------------------------------------------------------
    def admit(self, checks: Sequence[Check], now: float) -> list[tuple[int, float]]:
        """See :meth:`~prysmai.limits.stores.CounterStore.admit`."""
        counted = {_text(check.key): check.window_end for check in checks if check.counts_request}
        parameters: list[object] = [*counted, *counted.values()]
        parameters += [_text(check.key) for check in checks]
        parameters += [float(check.limit) for check in checks]
        sql = _admit_sql(len(counted), len(checks))

        def check(connection: PostgresConnection) -> list[tuple[int, float]]:
            rows = self._run(connection, sql, parameters)
            # Refused calls count too: they create the request counters they lacked (at 0).
            self._maybe_sweep(connection, now, len(counted))
            return [(int(index), float(used)) for index, used in rows]

        return self._use(check)

    def add(self, amounts: Sequence[tuple[str, float, float]], now: float) -> None:
        """See :meth:`~prysmai.limits.stores.CounterStore.add`."""
        parameters: list[object] = [_text(key) for key, _, _ in amounts]
        parameters += [float(window_end) for _, window_end, _ in amounts]
        parameters += [float(amount) for _, _, amount in amounts]
        sql = _add_sql(len(amounts))
        self._use(lambda connection: self._run(connection, sql, parameters))

    def value(self, key: str) -> float:
        """See :meth:`~prysmai.limits.stores.CounterStore.value`."""
        rows = self._use(lambda connection: self._run(connection, _VALUE, [_text(key)]))
        return float(rows[0][0]) if rows else 0.0

    def close(self) -> None:
        """End the session (a later use opens another)."""
        with self._lock:
            connection, self._connection = self._connection, None
            if connection is not None:
                connection.close()
            self._deadline.close()

    # --- one session, in turns -----------------------------------------------------------------
    def _use(self, work: Callable[[PostgresConnection], _T]) -> _T:
        """Run ``work`` on the session in this thread's turn; a failure drops a broken session."""
        if self._pid != os.getpid():
            self._leave_to_parent()
        if time.monotonic() < self._retry_at:
            # Outside the failure handling below: calls during the pause must not extend it.
            msg = f"the usage counter store {self.location} failed less than a second ago"
            raise sqlite3.OperationalError(msg)
        if not self._lock.acquire(timeout=self.busy_timeout_s):
            waited = f"{self.busy_timeout_s:g} s"
            raise _busy(f"the usage counter store {self.location} stayed busy for {waited}")
        try:
            return work(self._connect())
        except sqlite3.Error as exc:
            self._failed(exc)
            raise
        finally:
            self._lock.release()

    def _leave_to_parent(self) -> None:
        # A forked child must neither speak on its parent's session nor end it (closing sends
        # the server a goodbye on the socket both share), nor take its locks.
        if self._connection is not None:
            _left_to_parent.append(self._connection)
        self._connection = None
        self._lock = threading.Lock()
        self._deadline = AnswerDeadline(self.timeout_s)
        self._pid = os.getpid()

    def _connect(self) -> PostgresConnection:
        if self._connection is not None:
            return self._connection
        connection = connect(self.location, defaults={"connect_timeout": self.connect_timeout_s})
        try:
            self._set_up(connection)
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        return connection

    def _set_up(self, connection: PostgresConnection) -> None:
        """Set the session's timeouts; create the table and function if they are missing."""
        wait = str(int(self.busy_timeout_s * 1000))
        [row] = self._run(connection, _SESSION, [wait, wait, _ADMIT_BODY, _ADMIT_SIGNATURE])
        if row[-1]:
            return
        try:
            self._run(connection, "BEGIN", [])
            self._run(connection, "SELECT pg_advisory_xact_lock(?)", [SETUP_LOCK_KEY])
            self._run(connection, _TABLE, [])
            self._run(connection, _INDEX, [])
            self._run(connection, _ADMIT_FUNCTION, [])
            self._run(connection, "COMMIT", [])
        except BaseException:
            if not connection.is_broken and connection.in_transaction:
                with suppress(sqlite3.Error):
                    connection.execute("ROLLBACK")
            raise

    def _run(
        self, connection: PostgresConnection, sql: str, parameters: Sequence[object]
    ) -> list[Any]:
        """Run one statement and return its rows; a server that does not answer is cut off."""
        self._deadline.start(connection.fileno())
        try:
            rows = connection.execute(sql, parameters).fetchall()
        except sqlite3.Error as exc:
            if self._deadline.stop():
                msg = f"the usage counter store {self.location} did not answer within "
                raise sqlite3.OperationalError(f"{msg}{self.timeout_s:g} s") from exc
            raise
        finally:
            cut = self._deadline.stop()
        if cut:
            # Answered just as the session was cut: the answer stands, the session is gone.
            connection.close()
            if self._connection is connection:
                self._connection = None
        return rows

    def _failed(self, error: BaseException) -> None:
        """After a failure other than a busy one, drop the session and wait a second."""
        if is_busy(error):
            # The statement gave up waiting (or the turn never came): the next call tries again
            # at once, on a new session if this one went with it.
            if self._connection is not None and self._connection.is_broken:
                self._drop_connection()
            return
        self._retry_at = time.monotonic() + _RETRY_AFTER_FAILURE_S
        self._drop_connection()

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _maybe_sweep(self, connection: PostgresConnection, now: float, writes: int) -> None:
        self._writes += writes
        if self._writes < _SWEEP_EVERY:
            return
        self._writes = 0
        try:
            self._run(connection, _SWEEP, [now - self.expiry_margin_s])
        except sqlite3.Error as exc:
            # The check is done and its answer stands; a lost session fails the next call's.
            self._failed(exc)


def _text(key: str) -> str:
    """``key`` as PostgreSQL text can hold it: NUL characters become U+FFFD, as in the span store.

    A user id may hold one; passed as it is, every call with it would fail the store.
    """
    return key.replace(_NUL, "\ufffd") if _NUL in key else key


def _busy(message: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlstate = "55P03"  # type: ignore[attr-defined]  # lock_not_available
    return error
