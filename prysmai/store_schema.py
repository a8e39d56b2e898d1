"""Layout of the span store: the SQLite file (or PostgreSQL database), its tables, migrations.

The store is one SQLite file in WAL mode, so the writer (the span exporter) and readers
(``prysmai traces``, ``prysmai stats``, ``prysmai serve``) never block each other. A
``schema_version`` table records which migrations ran; a newer prysmai adds a step to
``MIGRATIONS`` and older files are brought up to date on the writer's first connect.
Migrations only ever add tables, columns and indexes, so an older writer keeps working on a
file a newer one has migrated (it names the columns it writes).

A ``postgresql://`` URL instead of a path puts the same tables in a PostgreSQL database (see
:mod:`prysmai.store_location`): the migrations are written for SQLite and given PostgreSQL's
types by :meth:`prysmai.store_dialect.Dialect.schema`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Final

from prysmai import store_postgres
from prysmai.paths import data_dir
from prysmai.store_dialect import MIGRATION_LOCK_KEY, Connection, dialect_of
from prysmai.store_location import PostgresUrl, StoreLocation, parse_location

DB_PATH_ENV: Final = "PRYSM_DB_PATH"
"""Overrides the location of the embedded span store (default: ``traces.db`` in
:func:`prysmai.paths.data_dir`, itself movable with ``PRYSM_DATA_DIR``): a file, or a
``postgresql://`` URL."""

DB_FILE_NAME: Final = "traces.db"
"""File name of the store inside the data directory."""

BUSY_TIMEOUT_MS: Final = 5000
"""How long a connection waits for another writer's lock before giving up."""

SPAN_COLUMNS: Final = (
    "trace_id",
    "span_id",
    "parent_span_id",
    "name",
    "start_time_ns",
    "end_time_ns",
    "status_code",
    "status_message",
    "operation",
    "provider",
    "request_model",
    "response_model",
    "user_id",
    "session_id",
    "latency_ms",
    "ttft_ms",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "reasoning_tokens",
    "cost_usd",
    "error_type",
    "http_status",
    "threat_score",
    "threat_level",
    "stream",
    "stream_cut_short",
    "attributes",
    "resource",
    "events",
)
"""Columns of ``spans`` that the exporter fills, in insertion order (``id`` is implicit)."""

INT64_MIN: Final = -(2**63)
INT64_MAX: Final = 2**63 - 1
"""The range of a SQLite INTEGER: nanosecond times and token counts outside it cannot be
stored or compared with stored ones."""

_CREATE_SPANS: Final = """
CREATE TABLE IF NOT EXISTS spans (
    id INTEGER PRIMARY KEY,
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    parent_span_id TEXT,
    name TEXT NOT NULL,
    start_time_ns INTEGER NOT NULL,
    end_time_ns INTEGER,
    status_code TEXT NOT NULL,
    status_message TEXT,
    operation TEXT,
    provider TEXT,
    request_model TEXT,
    response_model TEXT,
    user_id TEXT,
    session_id TEXT,
    latency_ms REAL,
    ttft_ms REAL,
    input_tokens INTEGER,
    output_tokens INTEGER,
    cache_read_tokens INTEGER,
    reasoning_tokens INTEGER,
    cost_usd REAL,
    error_type TEXT,
    http_status INTEGER,
    threat_score REAL,
    threat_level TEXT,
    stream INTEGER,
    stream_cut_short INTEGER,
    attributes TEXT NOT NULL,
    resource TEXT NOT NULL,
    events TEXT NOT NULL
)
"""

_CREATE_API_KEYS: Final = """
CREATE TABLE IF NOT EXISTS api_keys (
    id INTEGER PRIMARY KEY,
    key_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    name TEXT,
    created_ns INTEGER NOT NULL,
    revoked_ns INTEGER
)
"""

_CREATE_ALERT_RULES: Final = """
CREATE TABLE IF NOT EXISTS alert_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    metric TEXT NOT NULL,
    operator TEXT NOT NULL,
    threshold REAL NOT NULL,
    window_s INTEGER NOT NULL,
    model TEXT,
    provider TEXT,
    channels TEXT NOT NULL,
    repeat_s INTEGER NOT NULL,
    enabled INTEGER NOT NULL,
    created_ns INTEGER NOT NULL
)
"""

_CREATE_ALERT_STATE: Final = """
CREATE TABLE IF NOT EXISTS alert_state (
    rule_id INTEGER PRIMARY KEY,
    state TEXT NOT NULL,
    since_ns INTEGER NOT NULL,
    last_value REAL,
    evaluated_ns INTEGER NOT NULL,
    event TEXT,
    event_ns INTEGER,
    notified_ns INTEGER,
    pending TEXT NOT NULL
)
"""

_CREATE_ALERT_HISTORY: Final = """
CREATE TABLE IF NOT EXISTS alert_history (
    id INTEGER PRIMARY KEY,
    rule_id INTEGER NOT NULL,
    rule_name TEXT NOT NULL,
    time_ns INTEGER NOT NULL,
    event TEXT NOT NULL,
    value REAL,
    channel TEXT NOT NULL,
    delivered INTEGER NOT NULL,
    error TEXT
)
"""

_CREATE_MODEL_PRICES: Final = """
CREATE TABLE IF NOT EXISTS model_prices (
    model TEXT PRIMARY KEY,
    input_per_mtok REAL NOT NULL,
    output_per_mtok REAL NOT NULL,
    cached_input_per_mtok REAL,
    cache_write_per_mtok REAL,
    created_ns INTEGER NOT NULL,
    updated_ns INTEGER NOT NULL
)
"""

_CREATE_SECURITY_SETTINGS: Final = """
CREATE TABLE IF NOT EXISTS security_settings (
    id INTEGER NOT NULL PRIMARY KEY,
    settings TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_ns INTEGER NOT NULL,
    updated_by TEXT
)
"""

MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    (
        _CREATE_SPANS,
        "CREATE UNIQUE INDEX IF NOT EXISTS spans_trace_span ON spans (trace_id, span_id)",
        "CREATE INDEX IF NOT EXISTS spans_span_id ON spans (span_id)",
        "CREATE INDEX IF NOT EXISTS spans_start ON spans (start_time_ns)",
        "CREATE INDEX IF NOT EXISTS spans_model ON spans (request_model, start_time_ns)",
        "CREATE INDEX IF NOT EXISTS spans_user ON spans (user_id, start_time_ns)",
        "CREATE INDEX IF NOT EXISTS spans_session ON spans (session_id, start_time_ns)",
    ),
    (
        # Collector API keys (``prysmai serve``); only the SHA-256 of a key is ever stored.
        _CREATE_API_KEYS,
    ),
    (
        # Collector alerts: rules (written by ``prysmai alerts``), their state and the
        # notifications sent (written by the evaluator in ``prysmai serve``). Channels are
        # stored as JSON and may hold webhook URLs (secrets), never SMTP passwords.
        _CREATE_ALERT_RULES,
        _CREATE_ALERT_STATE,
        _CREATE_ALERT_HISTORY,
        "CREATE INDEX IF NOT EXISTS alert_history_rule ON alert_history (rule_id, time_ns)",
    ),
    (
        # Prices the collector applies to calls that arrive without a cost (``prysmai
        # prices``): USD per 1M tokens; the optional rates default to the input rate.
        _CREATE_MODEL_PRICES,
    ),
    (
        # The installation's security settings (``prysmai security``, Settings > Security),
        # which apps monitored with ``security="collector"`` poll: one row (id 1) holding the
        # settings as JSON (camelCase names), a version counter raised on every change, and
        # who changed them last.
        _CREATE_SECURITY_SETTINGS,
    ),
)
"""Step ``i`` brings the file from schema version ``i`` to ``i + 1``."""

SCHEMA_VERSION: Final = len(MIGRATIONS)
"""Schema version this prysmai writes and reads."""


def default_db_path() -> StoreLocation:
    """Return where the embedded store lives: ``$PRYSM_DB_PATH`` or ``data_dir()/traces.db``.

    Raises:
        ConfigurationError: ``$PRYSM_DB_PATH`` is a PostgreSQL URL that cannot be used.
    """
    override = os.environ.get(DB_PATH_ENV)
    if override:
        return parse_location(override)
    return data_dir() / DB_FILE_NAME


def resolve_db_path(path: str | Path | PostgresUrl | None) -> StoreLocation:
    """Return ``path`` as a store location, or the default location when it is ``None``.

    Text starting with ``postgresql://`` or ``postgres://`` names a PostgreSQL database;
    anything else is a SQLite file.

    Raises:
        ConfigurationError: a PostgreSQL URL that cannot be used.
    """
    return default_db_path() if path is None else parse_location(path)


def connect_for_writing(path: StoreLocation) -> Connection:
    """Open (creating if needed) the store at ``path`` and bring its schema up to date.

    A SQLite file is created with mode 0600 because it holds prompts and completions.

    Raises:
        OSError: the folder or file cannot be created.
        sqlite3.Error: the file is not a usable SQLite database, is locked, or the disk is full;
            or the PostgreSQL server cannot be reached or refused the credentials.
        ConfigurationError: a PostgreSQL URL without psycopg installed.
    """
    if isinstance(path, PostgresUrl):
        database = store_postgres.connect(path)
        try:
            migrate(database)
        except BaseException:
            database.close()
            raise
        return database
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        # SQLite gives the -wal and -shm files the database file's permissions.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    connection = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA journal_mode = WAL")
        # NORMAL is durable across application crashes in WAL mode; only a power cut can
        # lose the last transactions, which is acceptable for telemetry.
        connection.execute("PRAGMA synchronous = NORMAL")
        migrate(connection)
    except BaseException:
        connection.close()
        raise
    return connection


@contextmanager
def immediate_transaction(connection: Connection) -> Iterator[Connection]:
    """Run the block in a write transaction: committed, or rolled back on error.

    On SQLite that is ``BEGIN IMMEDIATE``, which takes the write lock at the start (waiting up
    to the busy timeout), so a transaction that reads then writes cannot fail half-way on
    another writer. The block's exception is raised again after the rollback.

    Connections must be in autocommit mode (``isolation_level=None``), as every connection
    of the store is.
    """
    connection.execute(dialect_of(connection).begin)
    try:
        yield connection
        connection.execute("COMMIT")
    except BaseException:
        # Some errors (a full disk) already rolled the transaction back.
        if connection.in_transaction:
            with suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
        raise


def migrate(connection: Connection) -> int:
    """Run the migrations ``connection``'s store has not had yet; return its schema version.

    Runs in one write transaction so that two processes opening a fresh store at the same time
    do not both apply a step (on PostgreSQL, under an advisory lock that the second one waits
    for). A store from a newer prysmai is left as it is.
    """
    dialect = dialect_of(connection)
    with immediate_transaction(connection):
        if dialect.transaction_lock is not None:
            connection.execute(dialect.transaction_lock, (MIGRATION_LOCK_KEY,))
        connection.execute(
            dialect.schema("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        )
        row = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()
        current = int(row[0]) if row and row[0] is not None else 0
        for version in range(current, SCHEMA_VERSION):
            for statement in MIGRATIONS[version]:
                connection.execute(dialect.schema(statement))
            for statement in dialect.additions.get(version, ()):
                connection.execute(statement)
        if current < SCHEMA_VERSION:
            # One row per upgrade, naming the version reached: the table is a history of
            # upgrades, and readers only look at its maximum.
            connection.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
    return max(current, SCHEMA_VERSION)


def connect_for_reading(path: StoreLocation) -> Connection | None:
    """Open the store at ``path`` read-only, or return ``None`` if it holds no spans table yet.

    Raises:
        sqlite3.Error: the file exists but is not a readable SQLite database; or the PostgreSQL
            server cannot be reached or refused the credentials.
        ConfigurationError: a PostgreSQL URL without psycopg installed.
    """
    if isinstance(path, PostgresUrl):
        database = store_postgres.connect(path, read_only=True)
        return database if _has_spans(database) else None
    if not path.exists():
        return None
    connection = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro",
        uri=True,
        timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=False,
    )
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except BaseException:
        connection.close()
        raise
    return connection if _has_spans(connection) else None


def _has_spans(connection: Connection) -> bool:
    """Whether the store has a spans table; ``connection`` is closed when it has none."""
    try:
        found = connection.execute(dialect_of(connection).table_exists(), ("spans",)).fetchone()
    except BaseException:
        connection.close()
        raise
    if found is None:
        connection.close()
        return False
    return True
