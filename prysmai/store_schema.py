"""Layout of the embedded span store: the SQLite file, its tables and their migrations.

The store is one SQLite file in WAL mode, so the writer (the span exporter) and readers
(``prysmai traces``, ``prysmai stats``, ``prysmai serve``) never block each other. A
``schema_version`` table records which migrations ran; a newer prysmai adds a step to
``MIGRATIONS`` and older files are brought up to date on the writer's first connect.
Migrations only ever add tables, columns and indexes, so an older writer keeps working on a
file a newer one has migrated (it names the columns it writes).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Final

from prysmai.paths import data_dir

DB_PATH_ENV: Final = "PRYSM_DB_PATH"
"""Overrides the location of the embedded span store (default: ``traces.db`` in
:func:`prysmai.paths.data_dir`, itself movable with ``PRYSM_DATA_DIR``)."""

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
)
"""Step ``i`` brings the file from schema version ``i`` to ``i + 1``."""

SCHEMA_VERSION: Final = len(MIGRATIONS)
"""Schema version this prysmai writes and reads."""


def default_db_path() -> Path:
    """Return where the embedded store lives: ``$PRYSM_DB_PATH`` or ``data_dir()/traces.db``."""
    override = os.environ.get(DB_PATH_ENV)
    if override:
        return Path(override).expanduser()
    return data_dir() / DB_FILE_NAME


def resolve_db_path(path: str | Path | None) -> Path:
    """Return ``path`` as a :class:`~pathlib.Path`, or the default location when it is ``None``."""
    return default_db_path() if path is None else Path(path).expanduser()


def connect_for_writing(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the store at ``path`` and bring its schema up to date.

    The file is created with mode 0600 because it holds prompts and completions.

    Raises:
        OSError: the folder or file cannot be created.
        sqlite3.Error: the file is not a usable SQLite database, is locked, or the disk is full.
    """
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
def immediate_transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block in a ``BEGIN IMMEDIATE`` transaction: committed, or rolled back on error.

    ``IMMEDIATE`` takes the write lock at the start (waiting up to the busy timeout), so a
    transaction that reads then writes cannot fail half-way on another writer. The block's
    exception is raised again after the rollback.

    Connections must be in autocommit mode (``isolation_level=None``), as every connection
    of the store is.
    """
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
        connection.execute("COMMIT")
    except BaseException:
        # Some errors (a full disk) already rolled the transaction back.
        if connection.in_transaction:
            with suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
        raise


def migrate(connection: sqlite3.Connection) -> int:
    """Run the migrations ``connection``'s file has not had yet; return its schema version.

    Runs in one ``BEGIN IMMEDIATE`` transaction so that two processes opening a fresh file at
    the same time do not both apply a step. A file from a newer prysmai is left as it is.
    """
    with immediate_transaction(connection):
        connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()
        current = int(row[0]) if row and row[0] is not None else 0
        for version in range(current, SCHEMA_VERSION):
            for statement in MIGRATIONS[version]:
                connection.execute(statement)
        if current < SCHEMA_VERSION:
            # One row per upgrade, naming the version reached: the table is a history of
            # upgrades, and readers only look at its maximum.
            connection.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
    return max(current, SCHEMA_VERSION)


def connect_for_reading(path: Path) -> sqlite3.Connection | None:
    """Open the store at ``path`` read-only, or return ``None`` if it holds no spans table yet.

    Raises:
        sqlite3.Error: the file exists but is not a readable SQLite database.
    """
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
        found = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'spans'"
        ).fetchone()
    except BaseException:
        connection.close()
        raise
    if found is None:
        connection.close()
        return None
    return connection
