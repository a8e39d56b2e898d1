"""The embedded span store: where spans go when no exporter is configured.

:class:`SqliteSpanExporter` writes finished spans into a SQLite file (by default
``prysmai.paths.data_dir() / "traces.db"``, or ``$PRYSM_DB_PATH``); :class:`TraceStore` reads
them back for ``prysmai traces``, ``prysmai stats`` and the dashboard (cards and charts).

Every span is stored, so trace trees stay whole, but only spans that carry
``gen_ai.operation.name`` (model calls) get the typed columns (model, tokens, cost, ...)
filled; other spans keep their ids, name, times, status and full attributes. The read side
lists and aggregates model calls only.

Layout and migrations live in :mod:`prysmai.store_schema`, queries in
:mod:`prysmai.store_queries`. ``$PRYSM_DB_PATH`` may also be a ``postgresql://`` URL: the same
tables in a PostgreSQL database (``prysmai[postgres]``).

Spans are kept for the retention (see :mod:`prysmai.retention`; 30 days by default).
"""

from __future__ import annotations

import logging
import math
import sqlite3
import threading
import time
from collections.abc import Mapping, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Final

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from prysmai import semconv
from prysmai.errors import ConfigurationError
from prysmai.retention import RetentionSchedule, retention_from_env
from prysmai.store_dialect import (
    INDEXED_SPAN_COLUMNS,
    POSTGRES,
    SQLITE,
    Connection,
    Dialect,
    dialect_of,
    is_row_error,
)
from prysmai.store_location import PostgresUrl, StoreLocation
from prysmai.store_queries import (
    JsonValue,
    ModelCost,
    Percentiles,
    Series,
    SeriesBucket,
    Stats,
    TraceRow,
    TraceStore,
    dump_json,
    percentile,
)
from prysmai.store_schema import (
    DB_PATH_ENV,
    INT64_MAX,
    INT64_MIN,
    SPAN_COLUMNS,
    connect_for_writing,
    default_db_path,
    immediate_transaction,
    resolve_db_path,
)

__all__ = [
    "DB_PATH_ENV",
    "JsonValue",
    "ModelCost",
    "Percentiles",
    "Series",
    "SeriesBucket",
    "SqliteSpanExporter",
    "Stats",
    "TraceRow",
    "TraceStore",
    "Row",
    "default_db_path",
    "parts_to_row",
    "percentile",
    "span_to_row",
    "write_rows",
]

logger = logging.getLogger(__name__)

WARNING_INTERVAL_S: Final = 60.0
"""At most one write-failure warning per this many seconds; the rest are counted."""


_INSERT_SQL: Final = {
    dialect: dialect.replace_into("spans", SPAN_COLUMNS, ("trace_id", "span_id"), renumber=True)
    for dialect in (SQLITE, POSTGRES)
}
"""A span re-sent with the same trace and span id replaces the stored one."""

Row = tuple[object, ...]

_INDEXED_POSITIONS: Final = tuple(SPAN_COLUMNS.index(name) for name in INDEXED_SPAN_COLUMNS)


class SqliteSpanExporter(SpanExporter):
    """OpenTelemetry span exporter that writes into the embedded SQLite store.

    Meant to sit behind a ``BatchSpanProcessor``, whose worker thread calls :meth:`export`;
    each call writes its batch in one transaction. Safe to share between threads and between
    processes (WAL mode, a busy timeout, ``BEGIN IMMEDIATE``).

    ``export`` never raises: when the file cannot be written (read-only folder, full disk, a
    lock held past the busy timeout, a corrupt file) it logs a rate-limited WARNING, drops the
    batch and returns ``FAILURE``; the next batch tries again with a fresh connection.

    Spans older than the retention (``$PRYSM_RETENTION``, 30 days unless set) are deleted on
    this same thread, at most every ten minutes (see :mod:`prysmai.retention`).

    Args:
        path: The SQLite file (or a ``postgresql://`` URL); ``None`` means ``$PRYSM_DB_PATH``
            or ``data_dir()/traces.db``, resolved on the first export.
        retention: How long spans are kept; ``None`` reads ``$PRYSM_RETENTION``.

    Raises:
        ConfigurationError: ``$PRYSM_RETENTION`` is set to something else than a retention.
    """

    def __init__(
        self,
        path: str | Path | PostgresUrl | None = None,
        *,
        retention: RetentionSchedule | None = None,
    ) -> None:
        self._retention = retention or RetentionSchedule(retention_from_env())
        self._requested_path = path
        self._path: StoreLocation | None = None
        self._connection: Connection | None = None
        self._lock = threading.Lock()
        self._is_shut_down = False
        self._last_warning_at: float | None = None
        self._suppressed_warnings = 0

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        """Write ``spans`` to the store; return ``FAILURE`` if any of them was dropped."""
        if self._is_shut_down:
            return SpanExportResult.FAILURE
        rows: list[Row] = []
        for span in spans:
            try:
                rows.append(span_to_row(span))
            except Exception as exc:  # a span we cannot read must not lose the batch
                self._warn("convert", 1, exc)
        if not rows:
            return SpanExportResult.SUCCESS if not spans else SpanExportResult.FAILURE

        with self._lock:
            try:
                refused = self._write(rows)
            except Exception as exc:  # never break the app: sqlite3.Error, OSError, or a bug
                self._close_connection()
                self._warn("write", len(rows), exc)
                return SpanExportResult.FAILURE
            if refused:
                self._warn("store", len(refused), refused[0])
        stored = len(rows) - len(refused)
        return SpanExportResult.SUCCESS if stored == len(spans) else SpanExportResult.FAILURE

    def shutdown(self) -> None:
        """Close the database; later exports return ``FAILURE``."""
        with self._lock:
            self._is_shut_down = True
            self._close_connection()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Return ``True``: each export commits before it returns, so nothing is pending."""
        return True

    def _write(self, rows: list[Row]) -> list[sqlite3.Error]:
        if self._connection is None:
            if self._path is None:
                self._path = resolve_db_path(self._requested_path)
            self._connection = connect_for_writing(self._path)
        refused = write_rows(self._connection, rows)
        self._retention.after_write(self._connection)
        return refused

    def _close_connection(self) -> None:
        if self._connection is not None:
            with suppress(sqlite3.Error):
                self._connection.close()
            self._connection = None

    def _warn(self, action: str, count: int, exc: BaseException) -> None:
        now = time.monotonic()
        if self._last_warning_at is not None and now - self._last_warning_at < WARNING_INTERVAL_S:
            self._suppressed_warnings += 1
            return
        suppressed, self._suppressed_warnings = self._suppressed_warnings, 0
        self._last_warning_at = now
        logger.warning(
            "Could not %s %d spans for the embedded store at %s (%s); dropped them "
            "(%d similar failures since the last warning).",
            action,
            count,
            self._path or self._requested_path or "the default location",
            _describe_error(exc),
            suppressed,
        )


def _describe_error(exc: BaseException) -> str:
    """Name the failure without echoing data.

    SQLite, PostgreSQL and OS messages hold no span content; prysmai's own configuration
    errors name a setting (a URL without its password).
    """
    if isinstance(exc, sqlite3.Error | OSError | ConfigurationError):
        return f"{type(exc).__name__}: {exc}"
    return type(exc).__name__


def write_rows(connection: Connection, rows: Sequence[Row]) -> list[sqlite3.Error]:
    """Insert (or replace, by trace and span id) ``rows`` in one write transaction.

    Shared by the in-process exporter and the collector (``prysmai serve``). On PostgreSQL,
    indexed text columns are cut to what an index entry can hold (the attributes JSON keeps
    the whole value), and a row that PostgreSQL refuses for its own values (see
    :func:`~prysmai.store_dialect.is_row_error`) is left out instead of failing its batch:
    sent again, it would fail again, and its batch with it, for ever.

    Returns:
        Why each row left out was refused (empty when every row was stored).

    Raises:
        sqlite3.Error: the write failed; the transaction was rolled back.
    """
    dialect = dialect_of(connection)
    sql = _INSERT_SQL[dialect]
    if dialect.indexed_text_bytes is not None:
        rows = [_cut_indexed_text(dialect, row) for row in rows]
    try:
        with immediate_transaction(connection):
            connection.executemany(sql, rows)
        return []
    except sqlite3.Error as exc:
        if not is_row_error(exc):
            raise
        if len(rows) == 1:
            return [exc]
    # Row by row, each its own transaction: the good rows are stored, the bad ones counted.
    refused: list[sqlite3.Error] = []
    for row in rows:
        try:
            connection.execute(sql, row)
        except sqlite3.Error as exc:
            if not is_row_error(exc):
                raise
            refused.append(exc)
    return refused


def _cut_indexed_text(dialect: Dialect, row: Row) -> Row:
    cut = {
        position: dialect.index_key(value)
        for position in _INDEXED_POSITIONS
        if isinstance(value := row[position], str)
    }
    if all(cut[position] is row[position] for position in cut):
        return row  # nearly always: nothing to cut, no copy
    return tuple(cut.get(position, value) for position, value in enumerate(row))


def span_to_row(span: ReadableSpan) -> Row:
    """Turn a finished span into the values of :data:`~prysmai.store_schema.SPAN_COLUMNS`."""
    context = span.context
    if context is None:
        raise ValueError("span has no context")
    return parts_to_row(
        trace_id=context.trace_id,
        span_id=context.span_id,
        parent_span_id=span.parent.span_id if span.parent is not None else None,
        name=span.name,
        start_ns=span.start_time or 0,
        end_ns=span.end_time,
        status_code=span.status.status_code.name,
        status_message=span.status.description,
        attributes=span.attributes or {},
        resource=span.resource.attributes if span.resource is not None else {},
        events=[(event.name, event.timestamp, event.attributes) for event in span.events],
    )


def parts_to_row(
    *,
    trace_id: int,
    span_id: int,
    parent_span_id: int | None,
    name: str,
    start_ns: int,
    end_ns: int | None,
    status_code: str,
    status_message: str | None,
    attributes: Mapping[str, object],
    resource: Mapping[str, object],
    events: Sequence[tuple[str, int | None, Mapping[str, object] | None]],
) -> Row:
    """Turn the parts of a span into the values of :data:`~prysmai.store_schema.SPAN_COLUMNS`.

    The one mapping from span to row, used for SDK spans (:func:`span_to_row`) and for spans
    the collector decodes from OTLP requests.

    Args:
        trace_id: The 128-bit trace id.
        span_id: The 64-bit span id.
        parent_span_id: The parent's span id, ``None`` for a root span.
        name: The span name.
        start_ns: Start as Unix time in nanoseconds.
        end_ns: End as Unix time in nanoseconds, ``None`` if unknown.
        status_code: ``OK``, ``ERROR`` or ``UNSET``.
        status_message: The status description, if any.
        attributes: Span attributes (values as OpenTelemetry allows, plus nested mappings).
        resource: Resource attributes.
        events: ``(name, time_ns, attributes)`` per span event.
    """
    generic: Row = (
        format(trace_id, "032x"),
        format(span_id, "016x"),
        format(parent_span_id, "016x") if parent_span_id is not None else None,
        _clean_text(name),
        start_ns,
        end_ns,
        status_code,
        _clean_text(status_message) if status_message else None,
    )
    typed = _typed_columns(attributes, start_ns, end_ns)
    documents: Row = (
        dump_json(_json_mapping(attributes)),
        dump_json(_json_mapping(resource)),
        dump_json([_json_event(*event) for event in events]),
    )
    return generic + typed + documents


def _typed_columns(attributes: Mapping[str, object], start_ns: int, end_ns: int | None) -> Row:
    operation = _as_text(attributes.get(semconv.OPERATION_NAME))
    if operation is None:
        return (None,) * 19
    latency_ms = _as_float(attributes.get(semconv.LATENCY_MS))
    if latency_ms is None and end_ns is not None:
        latency_ms = (end_ns - start_ns) / 1e6
    if latency_ms is not None and not latency_ms >= 0:
        # A negative (or NaN) latency is a clock or instrumentation error, not a duration:
        # stored, it would drag percentiles below zero.
        latency_ms = None
    ttft_ms = _as_float(attributes.get(semconv.TIME_TO_FIRST_TOKEN_MS))
    first_chunk_s = _as_float(attributes.get(semconv.RESPONSE_TIME_TO_FIRST_CHUNK))
    if ttft_ms is None and first_chunk_s is not None:
        ttft_ms = first_chunk_s * 1000  # the GenAI conventions measure it in seconds
    provider = attributes.get(semconv.PROVIDER_NAME, attributes.get(semconv.SYSTEM))
    return (
        operation,
        _as_text(provider),
        _as_text(attributes.get(semconv.REQUEST_MODEL)),
        _as_text(attributes.get(semconv.RESPONSE_MODEL)),
        _as_text(attributes.get(semconv.USER_ID)),
        _as_text(attributes.get(semconv.SESSION_ID)),
        latency_ms,
        ttft_ms,
        _as_int(attributes.get(semconv.USAGE_INPUT_TOKENS)),
        _as_int(attributes.get(semconv.USAGE_OUTPUT_TOKENS)),
        _as_int(attributes.get(semconv.USAGE_CACHE_READ_INPUT_TOKENS)),
        _as_int(attributes.get(semconv.USAGE_REASONING_OUTPUT_TOKENS)),
        _as_float(attributes.get(semconv.COST_USD)),
        _as_text(attributes.get(semconv.ERROR_TYPE)),
        _as_int(attributes.get(semconv.HTTP_STATUS_CODE)),
        _as_float(attributes.get(semconv.THREAT_SCORE)),
        _as_text(attributes.get(semconv.THREAT_LEVEL)),
        _as_flag(attributes.get(semconv.STREAM)),
        _as_flag(attributes.get(semconv.STREAM_CUT_SHORT)),
    )


def _json_event(
    name: str, timestamp_ns: int | None, attributes: Mapping[str, object] | None
) -> JsonValue:
    return {
        "name": _clean_text(name),
        "time_ns": timestamp_ns,
        "attributes": _json_mapping(attributes or {}),
    }


def _json_mapping(attributes: Mapping[str, object]) -> dict[str, JsonValue]:
    return {_clean_text(str(key)): _to_json(value) for key, value in attributes.items()}


def _to_json(value: object) -> JsonValue:
    """Make an attribute value JSON-safe: sequences become lists, nothing raises."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        # JSON has no NaN or infinity; keep them readable rather than dropping them.
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "backslashreplace")
    if isinstance(value, Mapping):
        return _json_mapping(value)
    if isinstance(value, Sequence):
        return [_to_json(item) for item in value]
    return _clean_text(str(value))


def _clean_text(value: str) -> str:
    """Return ``value`` if it encodes as UTF-8, else with lone surrogates backslash-escaped."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def _as_text(value: object) -> str | None:
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and INT64_MIN <= value <= INT64_MAX:
        return value
    return None


def _as_float(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int too large for a double
        return None
    return number if math.isfinite(number) else None


def _as_flag(value: object) -> int | None:
    return int(value) if isinstance(value, bool) else None
