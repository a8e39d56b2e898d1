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
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, Any, Final, NoReturn

from prysmai.errors import ConfigurationError
from prysmai.store_location import PostgresUrl

if TYPE_CHECKING:
    import psycopg

LOCK_TIMEOUT_MS: Final = 5000
"""How long a statement waits for another session's lock (SQLite's busy timeout, the same)."""
CONNECT_TIMEOUT_S: Final = 5
"""Unless the URL sets ``connect_timeout``: a host that does not answer fails in this time."""
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

    def execute(self, sql: str, params: Sequence[object] = ()) -> PostgresCursor:
        """Run one statement with ``?`` placeholders.

        Raises:
            sqlite3.Error: the statement failed or the connection is lost.
        """
        try:
            cursor = self._connection.execute(_placeholders(sql), _clean(params))
        except self._driver_error as exc:
            self._raise(exc)
        return PostgresCursor(cursor)

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        """Run one statement for each row (sent in one round trip, pipelined).

        Raises:
            sqlite3.Error: a statement failed or the connection is lost.
        """
        try:
            with self._connection.cursor() as cursor:
                cursor.executemany(_placeholders(sql), [_clean(row) for row in rows])
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

    def _raise(self, exc: Exception) -> NoReturn:
        raise as_store_error(exc, self.location) from exc


def connect(
    location: PostgresUrl, *, read_only: bool = False, defaults: Mapping[str, object] | None = None
) -> PostgresConnection:
    """Open a session with the database ``location`` names.

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
        given = psycopg.conninfo.conninfo_to_dict(location.url)
    except Exception as exc:
        raise _connect_error(exc, location) from None
    wanted = {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "prysmai"}
    wanted.update(defaults or {})
    options.update((name, value) for name, value in wanted.items() if name not in given)
    try:
        connection = psycopg.connect(location.url, **options)
    except Exception as exc:
        raise _connect_error(exc, location) from None
    wrapped = PostgresConnection(connection, location)
    try:
        # Lock waits end as SQLite's busy timeout does, so a long VACUUM FULL turns a write
        # into a retryable failure instead of a request that hangs.
        wrapped.execute(
            "SELECT set_config('lock_timeout', ?, false),"
            " set_config('default_transaction_read_only', ?, false)",
            (str(LOCK_TIMEOUT_MS), "on" if read_only else "off"),
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
    """PostgreSQL text cannot hold NUL characters (SQLite's can): they become U+FFFD."""
    return tuple(
        value.replace(_NUL, _REPLACEMENT) if isinstance(value, str) and _NUL in value else value
        for value in params
    )
