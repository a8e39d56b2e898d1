"""The SQL that differs between SQLite and PostgreSQL, in one place.

The store's queries are written once, in the SQL both databases share, with ``?`` placeholders
(:class:`~prysmai.store_postgres.PostgresConnection` turns them into psycopg's). The rest is
here, as a :class:`Dialect` per database: how a write transaction starts, "insert or replace",
the smaller of two values, 0/1 flags, reading a JSON attribute, table existence, and the
column types of the schema. The SQLite fragments are the statements the store always ran, so
a SQLite store behaves as it did before PostgreSQL was added.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, TypeAlias

from prysmai.store_postgres import PostgresConnection

Connection: TypeAlias = sqlite3.Connection | PostgresConnection
"""A connection to either kind of store."""

MIGRATION_LOCK_KEY: Final = int.from_bytes(b"prysm-mg", "big")
"""PostgreSQL advisory lock held while migrating, so collectors starting together take turns."""
EVALUATION_LOCK_KEY: Final = int.from_bytes(b"prysm-al", "big")
"""PostgreSQL advisory lock held while evaluating alerts: one collector at a time."""
FIRST_KEY_LOCK_KEY: Final = int.from_bytes(b"prysm-fk", "big")
"""PostgreSQL advisory lock held while ``serve`` creates the first API key."""
INDEXED_TEXT_BYTES: Final = 2000
"""PostgreSQL keeps at most this many bytes (UTF-8) of a span's indexed text columns (models,
user and session ids). A B-tree entry holds at most 2704 bytes (a third of a page), the start
time and tuple headers included; past that the whole insert fails. SQLite has no such limit."""
INDEXED_SPAN_COLUMNS: Final = ("request_model", "user_id", "session_id")
"""The text columns of ``spans`` that an index covers (see the first migration)."""
ROW_ERROR_CLASSES: Final = ("22", "23", "54")
"""SQLSTATE classes of errors caused by one row's values: data exceptions (a number out of
range, an invalid byte sequence), integrity violations and limits (an index entry too large)."""

_JSON_TEXT_FUNCTION: Final = r"""
CREATE OR REPLACE FUNCTION prysm_json_text(document TEXT, name TEXT) RETURNS TEXT
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN document::json ->> name;
EXCEPTION WHEN others THEN
    -- PostgreSQL's text cannot hold \u0000, which JSON (and SQLite) allow anywhere in a
    -- document: read it again with those as U+FFFD. What is still not JSON has no value, as
    -- behind SQLite's json_valid() guard, instead of failing the whole query.
    BEGIN
        RETURN replace(document, '\u0000', '\ufffd')::json ->> name;
    EXCEPTION WHEN others THEN
        RETURN NULL;
    END;
END
$$
"""


@dataclass(frozen=True, slots=True, eq=False)
class Dialect:
    """SQL fragments of one database.

    Compared by identity: there are two, :data:`SQLITE` and :data:`POSTGRES`.
    """

    name: str
    begin: str
    """Starts a write transaction (SQLite takes its write lock at once)."""
    least: str
    """The function giving the smaller of its arguments."""
    scan_spans: str
    """The spans table, read whole rather than through an index (a hint only SQLite has)."""
    series_flags: str
    """``error + 2 * threat`` as 0/1 integers; ``{levels}`` is replaced by placeholders."""
    vacuum: tuple[str, ...]
    """Gives the space of deleted spans back to the disk (outside any transaction)."""
    transaction_lock: str | None = None
    """Taken inside a transaction, released at its end (``?``: the key); ``None``: the
    database has no such locks (SQLite's ``BEGIN IMMEDIATE`` already serialises writers)."""
    try_lock: str | None = None
    """Returns whether a session lock on the key ``?`` was taken; ``None``: no such locks."""
    unlock: str | None = None
    additions: dict[int, tuple[str, ...]] = field(default_factory=dict)
    """Statements of this database only, run after the shared migration step of that index."""
    indexed_text_bytes: int | None = None
    """The most bytes of an indexed text column this database stores; ``None``: no limit."""

    def index_key(self, value: str | None) -> str | None:
        """``value`` as stored in an indexed text column: cut to :attr:`indexed_text_bytes`.

        The cut falls between characters. A filter on such a column compares with this form
        of the value asked for, so a value that was cut is still found.
        """
        limit = self.indexed_text_bytes
        # A character takes at most 6 bytes as stored (an escaped lone surrogate): a value
        # this short fits without encoding it.
        if value is None or limit is None or len(value) * 6 <= limit:
            return value
        # Measured as PostgreSQL stores text (see prysmai.store_postgres): NUL as U+FFFD (3
        # bytes), lone surrogates backslash-escaped (they have no UTF-8 form).
        encoded = value.replace("\x00", "\ufffd").encode("utf-8", "backslashreplace")
        if len(encoded) <= limit:
            return value
        return encoded[:limit].decode("utf-8", "ignore")  # "ignore": a character cut in two

    def replace_into(
        self, table: str, columns: Sequence[str], key: Sequence[str], *, renumber: bool = False
    ) -> str:
        """Insert a row, replacing the one with the same ``key`` columns.

        ``renumber`` gives a replacing row a new ``id`` (SQLite's ``INSERT OR REPLACE`` deletes
        the old row, so a replaced span reads as new to follow mode and the live feed).
        """
        placeholders = ", ".join("?" for _ in columns)
        if self is SQLITE:
            return f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
        updates = [f"{column} = EXCLUDED.{column}" for column in columns if column not in key]
        if renumber:
            updates.insert(0, "id = DEFAULT")
        return (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
            f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {', '.join(updates)}"
        )

    def json_text(self, column: str, name: str) -> str:
        """The text of the top-level member ``name`` of a JSON column; NULL if absent or bad."""
        if self is SQLITE:
            # json_valid first: one row whose column is not JSON must not fail the query.
            return f"CASE WHEN json_valid({column}) THEN json_extract({column}, '$.\"{name}\"') END"
        # The LIKE skips parsing for the rows (nearly all) that do not mention the member.
        return (
            f"CASE WHEN {column} LIKE '%\"{name}\"%' THEN prysm_json_text({column}, '{name}') END"
        )

    def table_exists(self) -> str:
        """A query with one ``?`` (the table name) that returns a row if the table exists."""
        if self is SQLITE:
            return "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        return "SELECT 1 WHERE to_regclass(?) IS NOT NULL"

    def schema(self, statement: str) -> str:
        """A migration statement (written for SQLite) in this database's types.

        PostgreSQL gets 64-bit integers everywhere SQLite has INTEGER (nanosecond times, token
        counts), 8-byte floats for REAL (PostgreSQL's REAL has 4), and identity columns for
        SQLite's auto-numbered primary keys.
        """
        if self is SQLITE:
            return statement
        statement = _AUTO_ID.sub("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", statement)
        statement = re.sub(r"\bINTEGER\b", "BIGINT", statement)
        return re.sub(r"\bREAL\b", "DOUBLE PRECISION", statement)


_AUTO_ID: Final = re.compile(r"\bINTEGER PRIMARY KEY(?: AUTOINCREMENT)?\b")

SQLITE: Final = Dialect(
    name="sqlite",
    begin="BEGIN IMMEDIATE",
    least="MIN",
    scan_spans="spans NOT INDEXED",
    series_flags=(
        "(status_code = 'ERROR' OR error_type IS NOT NULL) + 2 * (threat_level IN ({levels}) IS 1)"
    ),
    # In WAL mode the rebuilt pages sit in the log until a checkpoint moves them.
    vacuum=("VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"),
)
POSTGRES: Final = Dialect(
    name="postgresql",
    begin="BEGIN",
    least="LEAST",
    scan_spans="spans",
    series_flags=(
        "CASE WHEN status_code = 'ERROR' OR error_type IS NOT NULL THEN 1 ELSE 0 END"
        " + 2 * CASE WHEN threat_level IN ({levels}) THEN 1 ELSE 0 END"
    ),
    # VACUUM alone makes the space reusable (autovacuum does it); FULL rewrites the table.
    vacuum=("VACUUM FULL spans",),
    # CREATE ... IF NOT EXISTS alone races between two sessions on PostgreSQL.
    transaction_lock="SELECT pg_advisory_xact_lock(?)",
    try_lock="SELECT pg_try_advisory_lock(?)",
    unlock="SELECT pg_advisory_unlock(?)",
    additions={0: (_JSON_TEXT_FUNCTION,)},
    indexed_text_bytes=INDEXED_TEXT_BYTES,
)


def dialect_of(connection: Connection) -> Dialect:
    """The dialect ``connection`` speaks."""
    return POSTGRES if isinstance(connection, PostgresConnection) else SQLITE


def is_broken(connection: Connection) -> bool:
    """Whether ``connection`` lost its server and must be replaced (never for a SQLite file)."""
    return isinstance(connection, PostgresConnection) and connection.is_broken


def is_row_error(exc: sqlite3.Error) -> bool:
    """Whether the database refused ``exc``'s statement for the values of its row alone.

    Such a row fails again however often it is sent, while the other rows of its batch can be
    stored. PostgreSQL says so by the SQLSTATE class; a data or integrity error without one
    (refused by the driver before sending, or by SQLite) is one by the DB-API's definition.
    """
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str):
        return sqlstate[:2] in ROW_ERROR_CLASSES
    return isinstance(exc, sqlite3.DataError | sqlite3.IntegrityError)


def is_missing_table(exc: sqlite3.Error) -> bool:
    """Whether ``exc`` says that a table does not exist (yet)."""
    return "no such table" in str(exc) or getattr(exc, "sqlstate", None) == "42P01"
