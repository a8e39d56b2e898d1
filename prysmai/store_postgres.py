"""PostgreSQL as the store: a connection that answers the part of ``sqlite3``'s API the store uses.

The store's modules write their SQL once, with ``?`` placeholders, and run it on either a
``sqlite3.Connection`` or a :class:`PostgresConnection`; what differs beyond placeholders lives
in :mod:`prysmai.store_dialect`. To keep one error family for every caller, failures are raised
as the DB-API exception classes of the ``sqlite3`` module (the hierarchy the standard defines
for every driver: ``OperationalError`` for a lost or refused connection, ``IntegrityError``
for a duplicate, ...), with the database named and the password never shown.

psycopg is imported only when a PostgreSQL store is opened: it is the optional extra
``prysmai[postgres]``.
"""

from __future__ import annotations

import functools
import itertools
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, Final, NoReturn

from prysmai.errors import ConfigurationError
from prysmai.store_location import PostgresUrl

if TYPE_CHECKING:
    import psycopg

LOCK_TIMEOUT_MS: Final = 5000
"""How long a statement waits for another session's lock (SQLite's busy timeout, the same)."""
CONNECT_TIMEOUT_S: Final = 5
"""Unless the URL sets ``connect_timeout``: a host that does not answer fails in this time."""
TCP_OPTIONS: Final = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 60_000,
}
"""Unless the URL sets them: a server or network that went away without a word is found within
a minute (an idle session by keepalives, one waiting for sent data to be acknowledged by
``tcp_user_timeout``, in ms) instead of the system's hours."""
ANSWER_GRACE_S: Final = 2.0
"""With a statement timeout, the client gives up on a statement after the timeout and this: the
server's own cancellation comes first, unless the server stopped answering altogether."""
INSTALL_HINT: Final = "pip install 'prysmai[postgres]'"

_NUL: Final = "\x00"
_REPLACEMENT: Final = "\ufffd"
_ERROR_CLASSES: Final = (
    "IntegrityError",
    "DataError",
    "ProgrammingError",
    "NotSupportedError",
    "InternalError",
    "OperationalError",
    "InterfaceError",
    "DatabaseError",
)
"""Most specific first: the first one a psycopg error is an instance of names its class."""


class PostgresCursor:
    """The rows and row count of one statement, as ``sqlite3.Cursor`` offers them."""

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        """Rows changed by an ``INSERT``, ``UPDATE`` or ``DELETE``."""
        return self._cursor.rowcount

    def fetchone(self) -> Any:
        """The next row as a tuple, ``None`` after the last."""
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[Any]:
        """The remaining rows as tuples."""
        return self._cursor.fetchall() if self._cursor.description else []


class PostgresConnection:
    """One session with the database, in autocommit mode like the store's SQLite connections.

    Statements run as given, each its own transaction, unless the caller sends ``BEGIN`` and
    ``COMMIT``/``ROLLBACK`` itself (see :func:`prysmai.store_schema.immediate_transaction`).
    Not thread-safe: the store's users keep one connection per thread or behind a lock.

    Use :func:`connect` to open one.
    """

    def __init__(self, connection: psycopg.Connection[Any], location: PostgresUrl) -> None:
        self._connection = connection
        self.location = location
        # Only the driver's failures become store errors; anything else is a bug to see.
        self._driver_error: type[Exception] = import_psycopg().Error
        timeout = location.statement_timeout_s
        self._answer_timeout_s = None if timeout is None else timeout + ANSWER_GRACE_S
        self._timed_out = False

    def execute(self, sql: str, params: Sequence[object] = ()) -> PostgresCursor:
        """Run one statement with ``?`` placeholders.

        Raises:
            sqlite3.Error: the statement failed or the connection is lost.
        """
        try:
            with self._bounded():
                cursor = self._connection.execute(_placeholders(sql), _clean(params))
        except self._driver_error as exc:
            self._raise(exc)
        return PostgresCursor(cursor)

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        """Run one statement for each row (sent in one round trip, pipelined).

        Raises:
            sqlite3.Error: a statement failed or the connection is lost.
        """
        cleaned = [_clean(row) for row in rows]
        try:
            with self._bounded(), self._connection.cursor() as cursor:
                cursor.executemany(_placeholders(sql), cleaned)
        except self._driver_error as exc:
            self._raise(exc)

    @property
    def in_transaction(self) -> bool:
        """Whether a ``BEGIN`` is open (also after a failed statement inside it)."""
        from psycopg.pq import TransactionStatus

        status = self._connection.info.transaction_status
        return status in (TransactionStatus.INTRANS, TransactionStatus.INERROR)

    def fileno(self) -> int:
        """The session's socket (to cut a session whose server no longer answers).

        Raises:
            sqlite3.OperationalError: the session is closed.
        """
        try:
            return int(self._connection.fileno())
        except self._driver_error as exc:
            self._raise(exc)

    @property
    def is_broken(self) -> bool:
        """Whether the session is gone (the server stopped or the network failed)."""
        return self._connection.broken or self._connection.closed

    def close(self) -> None:
        """End the session; never raises."""
        with suppress(Exception):
            self._connection.close()

    @contextmanager
    def _bounded(self) -> Iterator[None]:
        """Run the block with the session's socket shut if no answer came in time.

        A server process that is stopped (not gone) answers nothing while its machine's kernel
        still acknowledges every packet: neither keepalives nor the server's statement timeout
        end the wait. Shutting the socket does, from any thread: libpq sees the connection end.
        """
        if self._answer_timeout_s is None:
            yield
            return
        token = _WATCHDOG.watch(time.monotonic() + self._answer_timeout_s, self._abort)
        try:
            yield
        finally:
            _WATCHDOG.release(token)

    def _abort(self) -> None:
        """Called by the watchdog (holding its lock, so the socket is still this session's)."""
        self._timed_out = True
        with suppress(Exception):
            sock = socket.socket(fileno=self._connection.fileno())
            try:
                sock.shutdown(socket.SHUT_RDWR)
            finally:
                sock.detach()  # the descriptor stays libpq's

    def _raise(self, exc: Exception) -> NoReturn:
        if self._timed_out:
            error = sqlite3.OperationalError(
                f"no answer from the database within {self._answer_timeout_s:g} s"
                f" ({self.location.describe()}); the session was closed"
            )
            error.sqlstate = None  # type: ignore[attr-defined]
            raise error from exc
        raise as_store_error(exc, self.location) from exc


def connect(
    location: PostgresUrl, *, read_only: bool = False, defaults: Mapping[str, object] | None = None
) -> PostgresConnection:
    """Open a session with the database ``location`` names.

    Every session has TCP keepalives and ``tcp_user_timeout`` (:data:`TCP_OPTIONS`) and waits
    at most :data:`LOCK_TIMEOUT_MS` for a lock. With ``location.statement_timeout_s`` set (the
    collector's sessions), the server cancels a statement running longer, and the client shuts
    the session of a statement not answered :data:`ANSWER_GRACE_S` later (a server that
    stopped answering), failing it with ``sqlite3.OperationalError``.

    Args:
        location: The database.
        read_only: Refuse writes in this session (the dashboard and the CLI's readers).
        defaults: libpq parameters used unless the URL sets them (``connect_timeout`` is
            ``CONNECT_TIMEOUT_S`` unless given here or in the URL).

    Raises:
        ConfigurationError: psycopg is not installed.
        sqlite3.OperationalError: the server cannot be reached, refused the credentials or has
            no such database; the message names host, port, database and user.
    """
    psycopg = import_psycopg()
    options: dict[str, Any] = {"autocommit": True}
    try:
        given = psycopg.conninfo.conninfo_to_dict(location.libpq_url)
    except Exception as exc:
        raise _connect_error(exc, location) from None
    wanted: dict[str, object] = {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "application_name": "prysmai",
        **TCP_OPTIONS,
    }
    wanted.update(defaults or {})
    options.update((name, value) for name, value in wanted.items() if name not in given)
    try:
        connection = psycopg.connect(location.libpq_url, **options)
    except Exception as exc:
        raise _connect_error(exc, location) from None
    wrapped = PostgresConnection(connection, location)
    timeout_s = location.statement_timeout_s
    try:
        # Lock waits end as SQLite's busy timeout does, so a long VACUUM FULL turns a write
        # into a retryable failure instead of a request that hangs. 0 is no statement timeout.
        wrapped.execute(
            "SELECT set_config('lock_timeout', ?, false),"
            " set_config('default_transaction_read_only', ?, false),"
            " set_config('statement_timeout', ?, false)",
            (
                str(LOCK_TIMEOUT_MS),
                "on" if read_only else "off",
                "0" if timeout_s is None else str(max(1, round(timeout_s * 1000))),
            ),
        )
    except BaseException:
        wrapped.close()
        raise
    return wrapped


def import_psycopg() -> Any:
    """Return the psycopg module.

    Raises:
        ConfigurationError: it is not installed; the message says how to install it.
    """
    try:
        import psycopg
    except ImportError:
        raise ConfigurationError(
            f"a postgresql:// store needs the psycopg package: {INSTALL_HINT}"
        ) from None
    return psycopg


def as_store_error(exc: BaseException, location: PostgresUrl) -> sqlite3.Error:
    """Return a psycopg failure as the ``sqlite3`` exception class of the same DB-API kind.

    The message is PostgreSQL's on one line, the password masked; the SQLSTATE code is kept
    as ``sqlstate`` (``42P01``: no such table).
    """
    kind: type[sqlite3.Error] = sqlite3.OperationalError
    psycopg = import_psycopg()
    for name in _ERROR_CLASSES:
        if isinstance(exc, getattr(psycopg, name)):
            kind = getattr(sqlite3, name)
            break
    # The primary message only: the detail and context lines can quote stored data.
    diagnostic = getattr(exc, "diag", None)
    primary = getattr(diagnostic, "message_primary", None) or str(exc)
    message = location.redact(" ".join(primary.split())) or type(exc).__name__
    error = kind(message)
    error.sqlstate = getattr(exc, "sqlstate", None)  # type: ignore[attr-defined]
    return error


def _connect_error(exc: BaseException, location: PostgresUrl) -> sqlite3.Error:
    reason = location.redact(" ".join(str(exc).split())) or type(exc).__name__
    # The URL (password masked) lets callers see that the store is named already.
    error = sqlite3.OperationalError(
        f"cannot connect to {location} ({location.describe()}): {reason}"
    )
    error.sqlstate = getattr(exc, "sqlstate", None)  # type: ignore[attr-defined]
    return error


@functools.lru_cache(maxsize=256)
def _placeholders(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled first).

    The store's SQL never has a ``?`` inside a string literal, so every ``?`` is a parameter.
    """
    return sql.replace("%", "%%").replace("?", "%s")


def _clean(params: Sequence[object]) -> tuple[object, ...]:
    """Text as PostgreSQL can hold it.

    NUL characters (which SQLite's text can hold) become U+FFFD; lone surrogates, which have
    no UTF-8 form, are backslash-escaped, as the store does for every text it builds.
    """
    return tuple(_clean_text(value) if isinstance(value, str) else value for value in params)


def _clean_text(value: str) -> str:
    if _NUL in value:
        value = value.replace(_NUL, _REPLACEMENT)
    if value.isascii():  # the common case, known without reading the text
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


class _Watchdog:
    """One thread for every session: calls a statement's ``abort`` once its deadline passed.

    Statements register and release themselves (a dictionary entry, no thread of their own);
    the thread looks at the deadlines every :attr:`TICK_S` while any is registered.
    """

    TICK_S: Final = 0.1

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._due: dict[int, tuple[float, Callable[[], None]]] = {}
        self._tokens = itertools.count()
        self._busy = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: float, abort: Callable[[], None]) -> int:
        """Call ``abort`` at ``deadline`` (``time.monotonic()``) unless released before."""
        with self._lock:
            token = next(self._tokens)
            self._due[token] = (deadline, abort)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="prysmai-postgres-watchdog", daemon=True
                )
                self._thread.start()
            self._busy.set()
        return token

    def release(self, token: int) -> None:
        """The statement ended: nothing to do for it any more."""
        with self._lock:
            self._due.pop(token, None)

    def _run(self) -> None:
        while True:
            self._busy.wait()
            time.sleep(self.TICK_S)
            with self._lock:
                now = time.monotonic()
                for token, (deadline, abort) in list(self._due.items()):
                    if deadline <= now:
                        del self._due[token]
                        # Under the lock: the statement cannot end (and its session close,
                        # freeing the socket's descriptor for reuse) while it is shut.
                        with suppress(Exception):
                            abort()
                if not self._due:
                    self._busy.clear()


_WATCHDOG: Final = _Watchdog()
