from __future__ import annotations

import logging
import os
import sqlite3
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExportResult
from opentelemetry.trace import SpanContext, Status, StatusCode

from prysmai import semconv, store, store_schema
from prysmai.paths import DATA_DIR_ENV
from prysmai.retention import RETENTION_ENV, RetentionSchedule
from prysmai.store import (
    DB_PATH_ENV,
    ModelCost,
    Percentiles,
    SqliteSpanExporter,
    TraceRow,
    TraceStore,
    default_db_path,
    percentile,
)

if TYPE_CHECKING:
    from tests.conftest import SpanRecorder

    MakeRecorder = Callable[[Path], SpanRecorder]

BASE_TIME_NS = 1_700_000_000_000_000_000  # the recorder's default start time
MINUTE_NS = 60 * 10**9


KEEP_EVERY_SPAN = RetentionSchedule(None)
"""The recorded spans are stamped in 2023: any retention would delete them at once."""


def span_ids(span: ReadableSpan) -> tuple[str, str]:
    assert span.context is not None
    return format(span.context.trace_id, "032x"), format(span.context.span_id, "016x")


def test_model_call_is_stored_with_typed_columns(recorder: SpanRecorder) -> None:
    span = recorder.call(
        {
            semconv.SESSION_ID: "s-1",
            semconv.TIME_TO_FIRST_TOKEN_MS: 210.5,
            semconv.USAGE_CACHE_READ_INPUT_TOKENS: 5,
            semconv.USAGE_REASONING_OUTPUT_TOKENS: 7,
            semconv.HTTP_STATUS_CODE: 200,
            semconv.THREAT_SCORE: 42,
            semconv.THREAT_LEVEL: "medium",
            semconv.STREAM: True,
            semconv.STREAM_CUT_SHORT: False,
        }
    )
    trace_id, span_id = span_ids(span)

    row = TraceStore(recorder.path).get(span_id)

    assert row is not None
    expected = TraceRow(
        rowid=1,
        trace_id=trace_id,
        span_id=span_id,
        parent_span_id=None,
        name="chat gpt-4o",
        start_time_ns=BASE_TIME_NS,
        end_time_ns=BASE_TIME_NS + 1000 * 10**6,
        status_code="UNSET",
        status_message=None,
        operation="chat",
        provider="openai",
        request_model="gpt-4o",
        response_model="gpt-4o-2024-08-06",
        user_id="alice",
        session_id="s-1",
        latency_ms=1234.0,
        ttft_ms=210.5,
        input_tokens=12,
        output_tokens=34,
        cache_read_tokens=5,
        reasoning_tokens=7,
        cost_usd=0.000123456789,
        error_type=None,
        http_status=200,
        threat_score=42.0,
        threat_level="medium",
        stream=True,
        stream_cut_short=False,
        attributes=row.attributes,
        resource=row.resource,
        events=[],
    )
    assert row == expected
    assert row.model == "gpt-4o-2024-08-06"


def test_attributes_json_holds_every_attribute_with_sequences_as_lists(
    recorder: SpanRecorder,
) -> None:
    span = recorder.call({semconv.RESPONSE_FINISH_REASONS: ("stop", "length")})

    row = TraceStore(recorder.path).get(span_ids(span)[1])

    assert row is not None
    assert row.attributes[semconv.RESPONSE_FINISH_REASONS] == ["stop", "length"]
    assert row.attributes[semconv.USAGE_INPUT_TOKENS] == 12
    assert row.resource["service.name"] == "tests"


def test_span_without_operation_keeps_generic_columns_only(recorder: SpanRecorder) -> None:
    span = recorder.span({"http.route": "/chat", semconv.USER_ID: "alice"}, name="handler")

    store = TraceStore(recorder.path)
    row = store.get(span_ids(span)[1])

    assert row is not None
    assert (row.name, row.operation, row.user_id, row.latency_ms) == ("handler", None, None, None)
    assert row.attributes == {"http.route": "/chat", semconv.USER_ID: "alice"}
    assert store.recent() == []


def test_parent_span_id_links_a_call_to_the_app_span(recorder: SpanRecorder) -> None:
    parent = recorder.tracer.start_span("handler", start_time=BASE_TIME_NS)
    child = recorder.call(parent=parent)
    parent.end(end_time=BASE_TIME_NS + 2 * 10**9)

    row = TraceStore(recorder.path).get(span_ids(child)[1])

    assert row is not None
    assert row.parent_span_id == format(parent.get_span_context().span_id, "016x")
    assert row.trace_id == format(parent.get_span_context().trace_id, "032x")


def test_error_status_and_type_are_stored(recorder: SpanRecorder) -> None:
    span = recorder.call(
        {semconv.ERROR_TYPE: "RateLimitError", semconv.HTTP_STATUS_CODE: 429},
        status=Status(StatusCode.ERROR, "rate limited"),
    )

    row = TraceStore(recorder.path).get(span_ids(span)[1])

    assert row is not None
    actual = (row.status_code, row.status_message, row.error_type, row.http_status, row.is_error)
    assert actual == ("ERROR", "rate limited", "RateLimitError", 429, True)


def test_latency_falls_back_to_span_duration(recorder: SpanRecorder) -> None:
    span = recorder.call({semconv.LATENCY_MS: None}, duration_ms=250.0)

    row = TraceStore(recorder.path).get(span_ids(span)[1])

    assert row is not None
    assert row.latency_ms == 250.0


def test_ttft_falls_back_to_first_chunk_seconds(recorder: SpanRecorder) -> None:
    span = recorder.call({semconv.RESPONSE_TIME_TO_FIRST_CHUNK: 0.25, semconv.STREAM: True})

    row = TraceStore(recorder.path).get(span_ids(span)[1])

    assert row is not None
    assert row.ttft_ms == 250.0


def test_unknown_cost_is_null_not_zero(recorder: SpanRecorder) -> None:
    span = recorder.call({semconv.COST_USD: None})

    row = TraceStore(recorder.path).get(span_ids(span)[1])

    assert row is not None
    assert row.cost_usd is None


def test_provider_falls_back_to_deprecated_system(recorder: SpanRecorder) -> None:
    span = recorder.call({semconv.PROVIDER_NAME: None, semconv.SYSTEM: "anthropic"})

    row = TraceStore(recorder.path).get(span_ids(span)[1])

    assert row is not None
    assert row.provider == "anthropic"


def test_recent_is_newest_first_and_honours_limit(recorder: SpanRecorder) -> None:
    for minute in range(5):
        recorder.call(
            {semconv.USER_ID: f"user-{minute}"}, start_ns=BASE_TIME_NS + minute * MINUTE_NS
        )

    rows = TraceStore(recorder.path).recent(limit=3)

    assert [row.user_id for row in rows] == ["user-4", "user-3", "user-2"]
    assert rows[0].attributes == {}


def test_recent_filters_by_model_user_and_start_time(recorder: SpanRecorder) -> None:
    recorder.call({semconv.USER_ID: "bob"}, start_ns=BASE_TIME_NS)
    recorder.call(
        {semconv.REQUEST_MODEL: "claude-3-5-haiku", semconv.RESPONSE_MODEL: None},
        start_ns=BASE_TIME_NS + MINUTE_NS,
    )
    recorder.call(start_ns=BASE_TIME_NS + 2 * MINUTE_NS)
    store = TraceStore(recorder.path)

    by_request_model = store.recent(model="claude-3-5-haiku")
    by_response_model = store.recent(model="gpt-4o-2024-08-06")
    by_user = store.recent(user="bob")
    since = store.recent(since_ns=BASE_TIME_NS + MINUTE_NS)

    assert [row.start_time_ns for row in by_request_model] == [BASE_TIME_NS + MINUTE_NS]
    assert len(by_response_model) == 2
    assert [row.user_id for row in by_user] == ["bob"]
    assert [row.start_time_ns for row in since] == [
        BASE_TIME_NS + 2 * MINUTE_NS,
        BASE_TIME_NS + MINUTE_NS,
    ]


def test_recent_can_include_full_attributes(recorder: SpanRecorder) -> None:
    recorder.call()

    (row,) = TraceStore(recorder.path).recent(include_attributes=True)

    assert row.attributes[semconv.REQUEST_MODEL] == "gpt-4o"


def test_after_returns_calls_stored_later_oldest_first(recorder: SpanRecorder) -> None:
    recorder.call({semconv.USER_ID: "first"})
    store = TraceStore(recorder.path)
    cursor = store.last_rowid()
    recorder.call({semconv.USER_ID: "second"})
    recorder.call({semconv.USER_ID: "third"})

    rows = store.after(cursor)

    assert [row.user_id for row in rows] == ["second", "third"]
    assert store.after(rows[-1].rowid) == []


def test_missing_store_reads_as_empty(tmp_path: Path) -> None:
    store = TraceStore(tmp_path / "absent.db")

    assert (store.recent(), store.last_rowid(), store.get("00"), store.stats(None).count) == (
        [],
        0,
        None,
        0,
    )
    assert not (tmp_path / "absent.db").exists()


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        pytest.param([], 50, None, id="empty"),
        pytest.param([7.0], 99, 7.0, id="single"),
        pytest.param([1.0, 2.0, 3.0, 4.0], 50, 2.5, id="even-median"),
        pytest.param([float(v) for v in range(1, 101)], 95, 95.05, id="p95-of-1-100"),
        pytest.param([10.0, 20.0], 100, 20.0, id="max"),
    ],
)
def test_percentile_interpolates_linearly(
    values: list[float], q: float, expected: float | None
) -> None:
    actual = percentile(values, q)

    assert actual == (pytest.approx(expected) if expected is not None else None)


def test_stats_percentiles_on_known_latencies(recorder: SpanRecorder) -> None:
    for latency in range(100, 0, -1):
        recorder.call({semconv.LATENCY_MS: float(latency)})

    stats = TraceStore(recorder.path).stats(None)

    assert stats.count == 100
    latency_ms = stats.latency_ms
    assert (latency_ms.p50, latency_ms.p95, latency_ms.p99) == pytest.approx((50.5, 95.05, 99.01))


def test_stats_ttft_covers_streamed_calls_only(recorder: SpanRecorder) -> None:
    for ttft in (100.0, 200.0, 300.0):
        recorder.call({semconv.STREAM: True, semconv.TIME_TO_FIRST_TOKEN_MS: ttft})
    recorder.call({semconv.STREAM: False, semconv.TIME_TO_FIRST_TOKEN_MS: 9000.0})
    recorder.call()

    stats = TraceStore(recorder.path).stats(None)

    ttft_ms = stats.ttft_ms
    assert stats.streamed_count == 3
    assert (ttft_ms.p50, ttft_ms.p95, ttft_ms.p99) == pytest.approx((200.0, 290.0, 298.0))


def test_stats_counts_errors_tokens_and_cost_by_model(recorder: SpanRecorder) -> None:
    recorder.call({semconv.COST_USD: 0.5})
    recorder.call({semconv.COST_USD: 0.25, semconv.ERROR_TYPE: "APITimeoutError"})
    recorder.call({semconv.COST_USD: None})
    recorder.call(
        {
            semconv.REQUEST_MODEL: "mystery-1",
            semconv.RESPONSE_MODEL: None,
            semconv.COST_USD: None,
            semconv.USAGE_INPUT_TOKENS: 100,
        },
        status=Status(StatusCode.ERROR),
    )

    stats = TraceStore(recorder.path).stats(None)

    assert (stats.count, stats.error_count, stats.error_rate) == (4, 2, 0.5)
    assert (stats.input_tokens, stats.output_tokens, stats.total_tokens) == (136, 136, 272)
    assert (stats.cost_usd, stats.unknown_cost_count) == (0.75, 2)
    assert stats.cost_by_model == (
        ModelCost("gpt-4o-2024-08-06", calls=3, cost_usd=0.75, unknown_cost_count=1),
        ModelCost("mystery-1", calls=1, cost_usd=0.0, unknown_cost_count=1),
    )


def test_stats_window_leaves_out_older_calls(recorder: SpanRecorder) -> None:
    now_ns = BASE_TIME_NS + 120 * MINUTE_NS
    recorder.call(start_ns=now_ns - 90 * MINUTE_NS)
    recorder.call(start_ns=now_ns - 30 * MINUTE_NS)
    store = TraceStore(recorder.path)

    last_hour = store.stats(3600, now_ns=now_ns)
    everything = store.stats(None, now_ns=now_ns)

    assert (last_hour.count, everything.count) == (1, 2)


def test_stats_of_empty_window_are_zero(recorder: SpanRecorder) -> None:
    stats = TraceStore(recorder.path).stats(3600)

    assert (stats.count, stats.error_rate, stats.latency_ms, stats.cost_by_model) == (
        0,
        0.0,
        Percentiles(None, None, None),
        (),
    )


def test_odd_unicode_and_huge_strings_are_stored(recorder: SpanRecorder) -> None:
    huge = "x" * 1_000_000
    odd = "emoji \U0001f642, rtl \u202e, zero width \u200b, nul \x00, cjk \u4e2d"
    span = recorder.call(
        {
            semconv.USER_ID: "lone \udcff surrogate",
            semconv.SESSION_ID: odd,
            semconv.OUTPUT_MESSAGES: huge,
            semconv.RESPONSE_FINISH_REASONS: ("stop", "\udcff"),
            "prysm.metadata.raw": b"\xff\xfe bytes",
            "prysm.metadata.nan": float("nan"),
            "prysm.metadata.big": 2**70,
            semconv.USAGE_INPUT_TOKENS: 2**70,
        }
    )

    row = TraceStore(recorder.path).get(span_ids(span)[1])

    assert row is not None
    assert (row.user_id, row.session_id, row.input_tokens) == (
        "lone \\udcff surrogate",
        odd,
        None,
    )
    assert row.attributes[semconv.OUTPUT_MESSAGES] == huge
    assert row.attributes[semconv.RESPONSE_FINISH_REASONS] == ["stop", "\\udcff"]
    assert row.attributes["prysm.metadata.raw"] == "\\xff\\xfe bytes"
    assert row.attributes["prysm.metadata.nan"] == "nan"
    assert row.attributes["prysm.metadata.big"] == 2**70


def test_wrongly_typed_attributes_leave_typed_columns_empty(recorder: SpanRecorder) -> None:
    span = recorder.call(
        {
            semconv.USAGE_INPUT_TOKENS: "12",
            semconv.COST_USD: True,
            semconv.LATENCY_MS: "fast",
            semconv.STREAM: "yes",
            semconv.USER_ID: 42,
        }
    )

    row = TraceStore(recorder.path).get(span_ids(span)[1])

    assert row is not None
    assert (row.input_tokens, row.cost_usd, row.latency_ms, row.stream, row.user_id) == (
        None,
        None,
        1000.0,
        None,
        "42",
    )


def test_unwritable_path_returns_failure_and_warns(
    tmp_path: Path, make_recorder: MakeRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    recorder = make_recorder(blocker / "traces.db")
    span = recorder.call()
    caplog.set_level(logging.WARNING, logger="prysmai.store")

    result = recorder.exporter.export([span])

    assert result == SpanExportResult.FAILURE
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    assert "Could not write 1 spans" in caplog.records[0].getMessage()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_returns_failure(tmp_path: Path, recorder: SpanRecorder) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    exporter = SqliteSpanExporter(folder / "traces.db")
    span = recorder.call()

    result = exporter.export([span])

    folder.chmod(stat.S_IRWXU)
    assert result == SpanExportResult.FAILURE


def test_corrupt_database_returns_failure_then_recovers(
    recorder: SpanRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    recorder.path.write_bytes(b"this is not a sqlite database" * 100)
    span = recorder.call()
    caplog.set_level(logging.WARNING, logger="prysmai.store")

    failed = recorder.exporter.export([span])
    recorder.path.unlink()
    recovered = recorder.exporter.export([span])

    assert (failed, recovered) == (SpanExportResult.FAILURE, SpanExportResult.SUCCESS)
    assert "DatabaseError" in caplog.records[0].getMessage()
    assert TraceStore(recorder.path).last_rowid() == 1


def test_locked_database_returns_failure(
    recorder: SpanRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    span = recorder.call()
    recorder.exporter.shutdown()
    monkeypatch.setattr(store_schema, "BUSY_TIMEOUT_MS", 10)
    exporter = SqliteSpanExporter(recorder.path)
    holder = sqlite3.connect(recorder.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")

    result = exporter.export([span])

    holder.execute("ROLLBACK")
    holder.close()
    assert result == SpanExportResult.FAILURE


def test_failure_warnings_are_rate_limited(
    tmp_path: Path, make_recorder: MakeRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a-file").write_text("")
    recorder = make_recorder(tmp_path / "a-file" / "traces.db")
    span = recorder.call()
    caplog.set_level(logging.WARNING, logger="prysmai.store")

    results = [recorder.exporter.export([span]) for _ in range(5)]

    assert results == [SpanExportResult.FAILURE] * 5
    assert len(caplog.records) == 1


def test_exporting_the_same_span_twice_stores_it_once(recorder: SpanRecorder) -> None:
    span = recorder.call()

    result = recorder.exporter.export([span])

    assert result == SpanExportResult.SUCCESS
    assert len(TraceStore(recorder.path).recent()) == 1


def test_export_after_shutdown_fails(recorder: SpanRecorder) -> None:
    span = recorder.call()
    recorder.exporter.shutdown()

    assert recorder.exporter.export([span]) == SpanExportResult.FAILURE
    assert recorder.exporter.force_flush() is True


def test_two_exporters_write_concurrently_from_two_threads(recorder: SpanRecorder) -> None:
    spans = [recorder.call({semconv.USER_ID: f"u{i}"}) for i in range(2)]
    target = recorder.path.with_name("shared.db")
    results: list[SpanExportResult] = []

    def write(span: ReadableSpan, offset: int) -> None:
        exporter = SqliteSpanExporter(target, retention=KEEP_EVERY_SPAN)
        for i in range(50):
            # Fresh span ids so that every write is a new row.
            clone = ReadableSpan(
                name=span.name,
                context=SpanContext(trace_id=offset, span_id=i + 1, is_remote=False),
                attributes=span.attributes,
                start_time=span.start_time,
                end_time=span.end_time,
                resource=span.resource,
            )
            results.append(exporter.export([clone]))
        exporter.shutdown()

    threads = [threading.Thread(target=write, args=(span, n + 1)) for n, span in enumerate(spans)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [SpanExportResult.SUCCESS] * 100
    assert TraceStore(target).stats(None).count == 100


def test_one_exporter_shared_by_two_threads(recorder: SpanRecorder) -> None:
    def write(user: str) -> None:
        for _ in range(50):
            recorder.call({semconv.USER_ID: user})

    threads = [threading.Thread(target=write, args=(user,)) for user in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    store = TraceStore(recorder.path)
    assert (len(store.recent(limit=500, user="a")), len(store.recent(limit=500, user="b"))) == (
        50,
        50,
    )


def test_schema_version_is_recorded_once(recorder: SpanRecorder) -> None:
    recorder.call()
    second = SqliteSpanExporter(recorder.path)
    second.export([recorder.call()])
    second.shutdown()

    with sqlite3.connect(recorder.path) as connection:
        versions = connection.execute("SELECT version FROM schema_version").fetchall()
        mode = connection.execute("PRAGMA journal_mode").fetchone()

    assert versions == [(store_schema.SCHEMA_VERSION,)]
    assert mode == ("wal",)


def test_store_file_is_private(recorder: SpanRecorder) -> None:
    recorder.call()

    assert stat.S_IMODE(recorder.path.stat().st_mode) == 0o600


def test_db_path_defaults_to_data_dir_and_env_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    default = default_db_path()
    monkeypatch.setenv(DB_PATH_ENV, str(tmp_path / "elsewhere.db"))

    assert (default, default_db_path()) == (
        tmp_path / "data" / "traces.db",
        tmp_path / "elsewhere.db",
    )


def test_default_exporter_writes_to_env_path(
    recorder: SpanRecorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    span = recorder.call()
    monkeypatch.setenv(DB_PATH_ENV, str(tmp_path / "env.db"))
    monkeypatch.setenv(RETENTION_ENV, "forever")  # the span is from 2023
    exporter = SqliteSpanExporter()

    exporter.export([span])
    exporter.shutdown()

    assert [row.user_id for row in TraceStore().recent()] == ["alice"]


def test_full_disk_returns_failure_then_recovers(
    recorder: SpanRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    recorder.call()
    connection = recorder.exporter._connection
    assert connection is not None
    (pages,) = connection.execute("PRAGMA page_count").fetchone()
    connection.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full from here on
    caplog.set_level(logging.WARNING, logger="prysmai.store")
    big = recorder.call({semconv.OUTPUT_MESSAGES: "y" * 200_000})

    # The processor's export of ``big`` failed; a retry reconnects without the page limit.
    recovered = recorder.exporter.export([big])

    assert "database or disk is full" in caplog.records[0].getMessage()
    assert recovered == SpanExportResult.SUCCESS
    assert TraceStore(recorder.path).last_rowid() == 2


def test_batch_span_processor_delivers_spans(tmp_path: Path) -> None:
    exporter = SqliteSpanExporter(tmp_path / "batch.db")
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    tracer = provider.get_tracer("tests")
    for _ in range(3):
        with tracer.start_as_current_span("chat", attributes={semconv.OPERATION_NAME: "chat"}):
            pass

    provider.force_flush()
    provider.shutdown()

    assert len(TraceStore(tmp_path / "batch.db").recent()) == 3


def test_unreadable_span_is_dropped_without_its_content_in_the_log(
    recorder: SpanRecorder, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = recorder.call({semconv.USER_ID: "good"})
    bad = recorder.call({semconv.USER_ID: "bad"})
    real = store.span_to_row

    def convert(span: ReadableSpan) -> tuple[object, ...]:
        if span is bad:
            raise RuntimeError("secret prompt text")
        return real(span)

    monkeypatch.setattr(store, "span_to_row", convert)
    caplog.set_level(logging.WARNING, logger="prysmai.store")

    result = recorder.exporter.export([bad, good])

    assert result == SpanExportResult.FAILURE
    assert "RuntimeError" in caplog.text
    assert "secret prompt text" not in caplog.text
    assert [row.user_id for row in TraceStore(recorder.path).recent()] == ["good", "bad"]


def test_span_events_nested_maps_and_float_counts_are_kept(recorder: SpanRecorder) -> None:
    span = recorder.tracer.start_span(
        "chat",
        start_time=BASE_TIME_NS,
        attributes={
            semconv.OPERATION_NAME: "chat",
            semconv.USAGE_INPUT_TOKENS: 12.0,
            semconv.LATENCY_MS: 10**400,
            "prysm.metadata.map": {"k": [1, "v"]},
        },
    )
    span.add_event("gen_ai.choice", {"index": 0}, timestamp=BASE_TIME_NS + 5)
    span.end(end_time=BASE_TIME_NS + 10**6)

    row = TraceStore(recorder.path).get(format(span.get_span_context().span_id, "016x"))

    assert row is not None
    assert (row.input_tokens, row.latency_ms) == (12, 1.0)
    assert row.attributes["prysm.metadata.map"] == {"k": [1, "v"]}
    assert row.events == [
        {"name": "gen_ai.choice", "time_ns": BASE_TIME_NS + 5, "attributes": {"index": 0}}
    ]


def test_sqlite_file_without_spans_table_reads_as_empty(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")

    assert TraceStore(db).recent() == []


def test_file_from_a_newer_schema_is_still_written(recorder: SpanRecorder) -> None:
    recorder.call()
    with sqlite3.connect(recorder.path) as connection:
        connection.execute("INSERT INTO schema_version (version) VALUES (99)")
    second = SqliteSpanExporter(recorder.path)

    result = second.export([recorder.call()])
    second.shutdown()

    with sqlite3.connect(recorder.path) as connection:
        versions = connection.execute("SELECT version FROM schema_version").fetchall()
    assert result == SpanExportResult.SUCCESS
    assert versions == [(store_schema.SCHEMA_VERSION,), (99,)]


def test_empty_batch_succeeds_without_creating_the_file(tmp_path: Path) -> None:
    exporter = SqliteSpanExporter(tmp_path / "lazy.db")

    assert exporter.export([]) == SpanExportResult.SUCCESS
    assert not (tmp_path / "lazy.db").exists()
