"""Read side of the embedded span store: recent calls, follow mode, one span, stats, series.

Percentiles use linear interpolation between the two nearest ranks (Hyndman and Fan type 7,
the default of numpy and of ``statistics.quantiles(method="inclusive")``), computed in Python
over the selected rows: a local store holds few enough calls for that. Stats and series share
that code, so a bucket's percentiles are the ones :meth:`TraceStore.stats` gives for its range.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Final, TypeAlias, cast

from prysmai.closing import ClosedOnExit
from prysmai.store_dialect import POSTGRES, SQLITE, Connection, Dialect, dialect_of
from prysmai.store_location import PostgresUrl, StoreLocation
from prysmai.store_schema import (
    INT64_MAX,
    SPAN_COLUMNS,
    connect_for_reading,
    resolve_db_path,
)

JsonValue: TypeAlias = "None | bool | int | float | str | list[JsonValue] | dict[str, JsonValue]"
"""A value that survives a round trip through JSON."""

_DOCUMENT_COLUMNS: Final = ("attributes", "resource", "events")
_SCALAR_COLUMNS: Final = tuple(name for name in SPAN_COLUMNS if name not in _DOCUMENT_COLUMNS)
_FOLLOW_BATCH: Final = 1000

SERIES_BUCKETS: Final = 48
"""Buckets of a :meth:`TraceStore.series` unless asked otherwise (30 minutes each over 24 h)."""
MAX_SERIES_BUCKETS: Final = 1000
_FLAGGED_LEVELS: Final = ("low", "medium", "high")
"""Threat levels a series counts: those the collector's security log lists."""
_SCAN_SHARE: Final = 3
"""A range holding more than 1/3 of the stored spans is read by scanning the table."""
CLOCK_SKEW_NS: Final = 3600 * 1_000_000_000
"""How far ahead of now a call's start may be and still count in stats, series and alerts.

A client whose clock runs a little ahead is counted; a call stamped further in the future
(up to 2262, a 64-bit maximum) would otherwise count in every window forever. Such calls still
show in the call lists."""
EMPTY_SERIES_S: Final = 3600
"""The window of an "all" series when the store holds no call to start it from."""


def window_end(now_ns: int) -> int:
    """Return the exclusive upper bound of the start times a window ending at ``now_ns`` counts."""
    return min(now_ns + CLOCK_SKEW_NS, INT64_MAX)


def dump_json(value: JsonValue) -> str:
    """Serialise ``value`` compactly, keeping non-ASCII text as it is."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class TraceRow:
    """One stored span, as ``prysmai traces`` shows it.

    Typed fields are ``None`` when the span did not carry the attribute (and for spans that are
    not model calls). ``attributes``, ``resource`` and ``events`` are empty unless the query
    asked for them.
    """

    rowid: int
    """Insertion order in the store; :meth:`TraceStore.after` takes it for follow mode."""
    trace_id: str
    span_id: str
    parent_span_id: str | None
    name: str
    start_time_ns: int
    end_time_ns: int | None
    status_code: str
    """``OK``, ``ERROR`` or ``UNSET``."""
    status_message: str | None
    operation: str | None
    provider: str | None
    request_model: str | None
    response_model: str | None
    user_id: str | None
    session_id: str | None
    latency_ms: float | None
    ttft_ms: float | None
    input_tokens: int | None
    output_tokens: int | None
    cache_read_tokens: int | None
    reasoning_tokens: int | None
    cost_usd: float | None
    """``None`` when the model's price is unknown (never a made-up zero)."""
    error_type: str | None
    http_status: int | None
    threat_score: float | None
    threat_level: str | None
    stream: bool | None
    stream_cut_short: bool | None
    attributes: dict[str, JsonValue] = field(default_factory=dict)
    resource: dict[str, JsonValue] = field(default_factory=dict)
    events: list[JsonValue] = field(default_factory=list)

    @property
    def model(self) -> str | None:
        """The model that answered, else the one requested."""
        return self.response_model or self.request_model

    @property
    def is_error(self) -> bool:
        """Whether the call failed."""
        return self.status_code == "ERROR" or self.error_type is not None

    def as_dict(self) -> dict[str, JsonValue]:
        """Return every field as a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Percentiles:
    """p50 / p95 / p99 of one measure, ``None`` when there was nothing to measure."""

    p50: float | None = None
    p95: float | None = None
    p99: float | None = None


@dataclass(frozen=True, slots=True)
class ModelCost:
    """Calls and spend of one model within a stats window."""

    model: str | None
    calls: int
    cost_usd: float
    """Sum over the calls whose cost is known."""
    unknown_cost_count: int


@dataclass(frozen=True, slots=True)
class Stats:
    """Aggregates over the model calls of a time window."""

    window_s: float | None
    """Length of the window ending now; ``None`` for all stored calls."""
    count: int
    error_count: int
    error_rate: float
    """``error_count / count``, 0.0 when there were no calls."""
    latency_ms: Percentiles
    ttft_ms: Percentiles
    """Over streamed calls that recorded a time to first token."""
    streamed_count: int
    input_tokens: int
    output_tokens: int
    total_tokens: int
    cost_usd: float
    """Sum over the calls whose cost is known."""
    unknown_cost_count: int
    """Calls whose model had no known price."""
    cost_by_model: tuple[ModelCost, ...]
    """Most expensive first."""

    def as_dict(self) -> dict[str, JsonValue]:
        """Return every field as a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SeriesBucket:
    """Aggregates over the model calls that started within one bucket of a :class:`Series`.

    The fields mean what the same fields of :class:`Stats` mean, over the bucket's range.
    """

    start_ns: int
    end_ns: int
    """Exclusive. The last bucket also holds calls stamped after it (a client whose clock is
    ahead, by up to :data:`CLOCK_SKEW_NS`), as :meth:`TraceStore.stats` counts them."""
    count: int
    error_count: int
    latency_ms: Percentiles
    cost_usd: float
    """Sum over the calls whose cost is known; infinite when the sum overflows."""
    total_tokens: int
    threat_count: int
    """Calls with a threat level of low, medium or high."""


@dataclass(frozen=True, slots=True)
class Series:
    """A window cut into equal buckets, oldest first, for charts."""

    window_s: float | None
    """As for :class:`Stats`: ``None`` covers every stored call (from the oldest one)."""
    start_ns: int
    end_ns: int
    """``start_ns + len(buckets) * bucket_ns``: now for a window, at or after now otherwise."""
    bucket_ns: int
    buckets: tuple[SeriesBucket, ...]

    def as_dict(self) -> dict[str, JsonValue]:
        """Return every field as a JSON-ready dict."""
        return asdict(self)


def percentile(sorted_values: Sequence[float], q: float) -> float | None:
    """Return the ``q``-th percentile (0-100) of ascending values by linear interpolation.

    Returns:
        ``None`` for an empty sequence.
    """
    if not sorted_values:
        return None
    rank = (len(sorted_values) - 1) * q / 100
    lower = math.floor(rank)
    upper = min(lower + 1, len(sorted_values) - 1)
    fraction = rank - lower
    low, high = sorted_values[lower], sorted_values[upper]
    if fraction == 0:
        return low
    value = low + (high - low) * fraction
    if not math.isfinite(value):
        # high - low overflowed (e.g. -1e308 and 1e308): weigh the two ends instead, which
        # stays finite for finite values.
        value = low * (1 - fraction) + high * fraction
    return value


def _percentiles(values: list[float]) -> Percentiles:
    values.sort()
    return Percentiles(percentile(values, 50), percentile(values, 95), percentile(values, 99))


class TraceStore(ClosedOnExit):
    """Read access to the embedded span store.

    Opens the file read-only on first use; a file that does not exist yet reads as empty.
    Listing and stats cover model calls only (spans with ``gen_ai.operation.name``).

    Args:
        path: The SQLite file, or a ``postgresql://`` URL (a read-only session); ``None``
            means ``$PRYSM_DB_PATH`` or ``data_dir()/traces.db``.

    Raises:
        sqlite3.Error: from any query, when the file is not a readable SQLite database (or the
            PostgreSQL server cannot be reached).
        ConfigurationError: a PostgreSQL URL that cannot be used.
    """

    def __init__(self, path: str | Path | PostgresUrl | None = None) -> None:
        self._path = resolve_db_path(path)
        self._connection: Connection | None = None

    @property
    def path(self) -> StoreLocation:
        """The SQLite file (or PostgreSQL database) this store reads."""
        return self._path

    @property
    def _dialect(self) -> Dialect:
        return POSTGRES if isinstance(self._path, PostgresUrl) else SQLITE

    def close(self) -> None:
        """Close the connection, if one is open."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def recent(
        self,
        limit: int = 20,
        since_ns: int | None = None,
        model: str | None = None,
        user: str | None = None,
        *,
        include_attributes: bool = False,
    ) -> list[TraceRow]:
        """Return the latest model calls, newest first.

        Args:
            limit: At most this many rows.
            since_ns: Only calls that started at or after this Unix time in nanoseconds.
            model: Only calls whose requested or response model is exactly this.
            user: Only calls with this ``user.id``.
            include_attributes: Also load ``attributes``, ``resource`` and ``events``.
        """
        where, params = _filters(self._dialect, since_ns, model, user)
        return self._select(where, params, "start_time_ns DESC, id DESC", limit, include_attributes)

    def after(
        self,
        rowid: int,
        *,
        model: str | None = None,
        user: str | None = None,
        include_attributes: bool = False,
    ) -> list[TraceRow]:
        """Return model calls stored after row ``rowid``, oldest first (for follow mode)."""
        where, params = _filters(self._dialect, None, model, user)
        where.append("id > ?")
        params.append(rowid)
        return self._select(where, params, "id ASC", _FOLLOW_BATCH, include_attributes)

    def last_rowid(self) -> int:
        """Return the highest row id in the store, 0 when it is empty."""
        connection = self._connect()
        if connection is None:
            return 0
        row = connection.execute("SELECT MAX(id) FROM spans").fetchone()
        return int(row[0]) if row[0] is not None else 0

    def get(self, span_id: str) -> TraceRow | None:
        """Return the span with this hex id (any span, not only model calls), all fields loaded."""
        connection = self._connect()
        if connection is None:
            return None
        columns = trace_row_columns(with_documents=True)
        row = connection.execute(
            f"SELECT {', '.join(columns)} FROM spans WHERE span_id = ? ORDER BY id DESC LIMIT 1",
            (span_id.lower(),),
        ).fetchone()
        return None if row is None else to_trace_row(row, with_documents=True)

    def stats(
        self,
        window_s: float | None = None,
        *,
        now_ns: int | None = None,
        model: str | None = None,
        provider: str | None = None,
    ) -> Stats:
        """Aggregate the model calls that started within the last ``window_s`` seconds.

        Calls stamped more than :data:`CLOCK_SKEW_NS` after ``now_ns`` are left out, whatever
        the window.

        Args:
            window_s: Window length; ``None`` covers every stored call.
            now_ns: End of the window as Unix time in nanoseconds (default: now).
            model: Only calls whose requested or response model is exactly this.
            provider: Only calls to this provider (``gen_ai.provider.name``).
        """
        now_ns = now_ns if now_ns is not None else time.time_ns()
        since_ns = None
        if window_s is not None:
            since_ns = now_ns - int(window_s * 1e9)
        where, params = _filters(self._dialect, since_ns, model, None, provider)
        where.append("start_time_ns < ?")
        params.append(window_end(now_ns))
        connection = self._connect()
        rows: list[tuple[object, ...]] = []
        if connection is not None:
            rows = connection.execute(
                "SELECT COALESCE(response_model, request_model), latency_ms, ttft_ms, stream,"
                " status_code, error_type, input_tokens, output_tokens, cost_usd"
                f" FROM spans WHERE {' AND '.join(where)}",
                params,
            ).fetchall()
        return _aggregate(window_s, rows)

    def series(
        self,
        window_s: float | None = None,
        *,
        buckets: int = SERIES_BUCKETS,
        now_ns: int | None = None,
    ) -> Series:
        """Cut the window that :meth:`stats` covers into ``buckets`` equal buckets.

        Bucket counts, errors, tokens and threats add up to the window's :meth:`stats` (costs
        too, up to float rounding); each bucket's percentiles are those :meth:`stats` gives
        for the bucket's range.

        Args:
            window_s: Window length ending at ``now_ns``; ``None`` covers every stored call,
                from the oldest one's start (the last :data:`EMPTY_SERIES_S` seconds when no
                call started before ``now_ns``).
            buckets: How many buckets, 1 to :data:`MAX_SERIES_BUCKETS`.
            now_ns: End of the window as Unix time in nanoseconds (default: now).

        Raises:
            ValueError: ``buckets`` is out of range or ``window_s`` is not positive.
        """
        if not 1 <= buckets <= MAX_SERIES_BUCKETS:
            raise ValueError(f"buckets must be from 1 to {MAX_SERIES_BUCKETS}")
        if window_s is not None and not window_s > 0:
            raise ValueError("window_s must be positive (or None for every stored call)")
        now_ns = now_ns if now_ns is not None else time.time_ns()
        end_ns = window_end(now_ns)  # calls stamped further ahead are left out, as by stats()
        connection = self._connect()
        if window_s is not None:
            # The same start as stats(), so the buckets cover exactly the calls it counts.
            start_ns = now_ns - int(window_s * 1e9)
        else:
            first = None
            if connection is not None:
                first = connection.execute(
                    "SELECT MIN(start_time_ns) FROM spans WHERE operation IS NOT NULL"
                    " AND start_time_ns < ?",
                    (end_ns,),
                ).fetchone()[0]
            # Without a call before now (an empty store, or only calls a little ahead), the
            # buckets would be a nanosecond long: the last hour is shown instead.
            if first is not None and int(first) < now_ns:
                start_ns = int(first)
            else:
                start_ns = now_ns - EMPTY_SERIES_S * 1_000_000_000
        bucket_ns = max(1, -(-(now_ns - start_ns) // buckets))  # ceiling division
        rows: list[tuple[object, ...]] = []
        if connection is not None:
            dialect = dialect_of(connection)
            # Past a share of the table, reading it whole is about twice as fast as looking
            # up each row through the start-time index (measured on 100,000 spans in SQLite;
            # PostgreSQL's planner makes that choice itself).
            table = "spans"
            if dialect is SQLITE and _mostly_in_range(connection, start_ns):
                table = dialect.scan_spans
            levels = ", ".join("?" * len(_FLAGGED_LEVELS))
            # The database computes the bucket and the error and threat flags: small integers,
            # which Python does not allocate, make the fetch a quarter faster. Starts are
            # int64 at or after start_ns, so the difference cannot overflow.
            rows = connection.execute(
                f"SELECT {dialect.least}((start_time_ns - ?) / ?, ?), latency_ms,"
                f" {dialect.series_flags.format(levels=levels)},"
                " cost_usd, input_tokens, output_tokens"
                f" FROM {table} WHERE operation IS NOT NULL AND start_time_ns >= ?"
                " AND start_time_ns < ?",
                (start_ns, bucket_ns, buckets - 1, *_FLAGGED_LEVELS, start_ns, end_ns),
            ).fetchall()
        return _bucketed(window_s, start_ns, bucket_ns, buckets, rows)

    def _connect(self) -> Connection | None:
        if self._connection is None:
            self._connection = connect_for_reading(self._path)
        return self._connection

    def _select(
        self,
        where: list[str],
        params: list[object],
        order: str,
        limit: int,
        include_attributes: bool,
    ) -> list[TraceRow]:
        connection = self._connect()
        if connection is None or limit <= 0:
            return []
        columns = trace_row_columns(with_documents=include_attributes)
        rows = connection.execute(
            f"SELECT {', '.join(columns)} FROM spans WHERE {' AND '.join(where)}"
            f" ORDER BY {order} LIMIT ?",
            (*params, limit),
        ).fetchall()
        return [to_trace_row(row, with_documents=include_attributes) for row in rows]


def _filters(
    dialect: Dialect,
    since_ns: int | None,
    model: str | None,
    user: str | None,
    provider: str | None = None,
) -> tuple[list[str], list[object]]:
    where = ["operation IS NOT NULL"]
    params: list[object] = []
    if since_ns is not None:
        where.append("start_time_ns >= ?")
        params.append(since_ns)
    # Indexed columns hold a value cut to what the index can take (on PostgreSQL): compared
    # with the same cut of the value asked for.
    if model is not None:
        where.append("(request_model = ? OR response_model = ?)")
        params.extend((dialect.index_key(model), model))
    if user is not None:
        where.append("user_id = ?")
        params.append(dialect.index_key(user))
    if provider is not None:
        where.append("provider = ?")
        params.append(provider)
    return where, params


def _mostly_in_range(connection: Connection, since_ns: int) -> bool:
    """Whether more than 1/:data:`_SCAN_SHARE` of the stored spans started at ``since_ns`` or later.

    Two counts over the start-time index: about a millisecond per 100,000 spans.
    """
    total = connection.execute("SELECT COUNT(*) FROM spans").fetchone()[0]
    in_range = connection.execute(
        "SELECT COUNT(*) FROM spans WHERE start_time_ns >= ?", (since_ns,)
    ).fetchone()[0]
    return int(in_range) * _SCAN_SHARE > int(total)


def trace_row_columns(*, with_documents: bool) -> tuple[str, ...]:
    """Return the ``spans`` columns, in order, that :func:`to_trace_row` reads.

    For other readers of the store (the collector's dashboard) that select with their own
    conditions and want the same rows.
    """
    return ("id", *_SCALAR_COLUMNS, *(_DOCUMENT_COLUMNS if with_documents else ()))


def to_trace_row(row: Sequence[object], *, with_documents: bool) -> TraceRow:
    """Build a :class:`TraceRow` from the values of :func:`trace_row_columns`."""
    values = dict(zip(("rowid", *_SCALAR_COLUMNS), row, strict=False))
    for flag in ("stream", "stream_cut_short"):
        values[flag] = None if values[flag] is None else bool(values[flag])
    if with_documents:
        documents = row[len(_SCALAR_COLUMNS) + 1 :]
        for name, text in zip(_DOCUMENT_COLUMNS, documents, strict=True):
            values[name] = json.loads(str(text))
    return TraceRow(**values)  # type: ignore[arg-type]  # column names match the fields


@dataclass(slots=True)
class _ModelTotals:
    calls: int = 0
    cost_usd: float = 0.0
    unknown_cost_count: int = 0


def _aggregate(window_s: float | None, rows: list[tuple[object, ...]]) -> Stats:
    latencies: list[float] = []
    ttfts: list[float] = []
    by_model: dict[str | None, _ModelTotals] = {}
    error_count = streamed_count = input_tokens = output_tokens = 0
    for model, latency, ttft, stream, status, error_type, tokens_in, tokens_out, cost in rows:
        if isinstance(latency, float | int):
            latencies.append(float(latency))
        if stream:
            streamed_count += 1
            if isinstance(ttft, float | int):
                ttfts.append(float(ttft))
        if status == "ERROR" or error_type is not None:
            error_count += 1
        input_tokens += tokens_in if isinstance(tokens_in, int) else 0
        output_tokens += tokens_out if isinstance(tokens_out, int) else 0

        totals = by_model.setdefault(model if isinstance(model, str) else None, _ModelTotals())
        totals.calls += 1
        if isinstance(cost, float | int):
            totals.cost_usd += cost
        elif isinstance(tokens_in, int) or isinstance(tokens_out, int):
            # Tokens but no price: an unpriced model. A failed call has neither to price.
            totals.unknown_cost_count += 1

    cost_by_model = tuple(
        sorted(
            (
                ModelCost(model, totals.calls, totals.cost_usd, totals.unknown_cost_count)
                for model, totals in by_model.items()
            ),
            key=lambda entry: (-entry.cost_usd, -entry.calls, entry.model or ""),
        )
    )
    count = len(rows)
    return Stats(
        window_s=window_s,
        count=count,
        error_count=error_count,
        error_rate=error_count / count if count else 0.0,
        latency_ms=_percentiles(latencies),
        ttft_ms=_percentiles(ttfts),
        streamed_count=streamed_count,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        total_tokens=input_tokens + output_tokens,
        cost_usd=sum((entry.cost_usd for entry in cost_by_model), 0.0),
        unknown_cost_count=sum(entry.unknown_cost_count for entry in cost_by_model),
        cost_by_model=cost_by_model,
    )


def _bucketed(
    window_s: float | None,
    start_ns: int,
    bucket_ns: int,
    count: int,
    rows: list[tuple[object, ...]],
) -> Series:
    calls = [0] * count
    errors = [0] * count
    costs = [0.0] * count
    tokens = [0] * count
    threats = [0] * count
    latencies: list[list[float]] = [[] for _ in range(count)]
    for bucket, latency, flags, cost, tokens_in, tokens_out in rows:
        # Both computed by the query: the bucket's index, and error + 2 * threat (0 to 3).
        index, flag_bits = cast(int, bucket), cast(int, flags)
        calls[index] += 1
        errors[index] += flag_bits & 1
        threats[index] += flag_bits >> 1
        # Each test below is the one _aggregate makes, so the numbers match stats().
        if isinstance(latency, float | int):
            latencies[index].append(float(latency))
        if isinstance(cost, float | int):
            costs[index] += cost
        if isinstance(tokens_in, int):
            tokens[index] += tokens_in
        if isinstance(tokens_out, int):
            tokens[index] += tokens_out
    return Series(
        window_s=window_s,
        start_ns=start_ns,
        end_ns=start_ns + count * bucket_ns,
        bucket_ns=bucket_ns,
        buckets=tuple(
            SeriesBucket(
                start_ns=start_ns + i * bucket_ns,
                end_ns=start_ns + (i + 1) * bucket_ns,
                count=calls[i],
                error_count=errors[i],
                latency_ms=_percentiles(latencies[i]),
                cost_usd=costs[i],
                total_tokens=tokens[i],
                threat_count=threats[i],
            )
            for i in range(count)
        ),
    )
