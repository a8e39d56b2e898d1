"""Retention: stores delete spans older than the retention, on the writer's own thread."""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

import pytest

from prysmai.cli.main import build_parser, main
from prysmai.errors import ConfigurationError
from prysmai.retention import (
    DEFAULT_RETENTION_S,
    RETENTION_ENV,
    RetentionSchedule,
    parse_retention,
    purge_spans,
    retention_from_env,
)
from prysmai.store import SqliteSpanExporter, TraceStore
from prysmai.store_schema import connect_for_writing
from tests.conftest import SpanRecorder

DAY_NS = 86_400 * 10**9


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def stored_users(path: Path) -> list[str | None]:
    with TraceStore(path) as store:
        return sorted(row.user_id or "" for row in store.recent(limit=100))


def stored_bytes(path: Path) -> int:
    log = path.with_name(path.name + "-wal")
    return path.stat().st_size + (log.stat().st_size if log.exists() else 0)


def record(recorder: SpanRecorder, user: str, age_days: float) -> None:
    recorder.call({"user.id": user}, start_ns=time.time_ns() - int(age_days * DAY_NS))


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30d", 30 * 86_400), ("12h", 43_200), ("1h30m", 5_400), ("1.5D", 129_600), (" 90m ", 5_400)],
)
def test_retention_is_a_duration(text: str, seconds: float) -> None:
    assert parse_retention(text) == seconds


@pytest.mark.parametrize("text", ["forever", " FOREVER "])
def test_forever_keeps_everything(text: str) -> None:
    assert parse_retention(text) is None


@pytest.mark.parametrize("text", ["0", "none", "off", "never"])
def test_words_that_could_mean_keep_nothing_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="ambiguous: write 'forever'"):
        parse_retention(text)


@pytest.mark.parametrize(
    "text", ["", "30", "d", "-1d", "5s", "1 day", "30d garbage", "1e9d", "200000d", "١٢h"]
)
def test_bad_retention_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(ValueError, match="duration|shorter than 1m|longer than 100 years"):
        parse_retention(text)


def test_environment_sets_the_retention(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RETENTION_ENV, raising=False)
    assert retention_from_env() == DEFAULT_RETENTION_S == 30 * 86_400
    monkeypatch.setenv(RETENTION_ENV, "7d")
    assert retention_from_env() == 7 * 86_400
    monkeypatch.setenv(RETENTION_ENV, "forever")
    assert retention_from_env() is None
    monkeypatch.setenv(RETENTION_ENV, "a week")
    with pytest.raises(ConfigurationError, match="PRYSM_RETENTION='a week'"):
        retention_from_env()
    with pytest.raises(ConfigurationError):
        SqliteSpanExporter()


def test_the_first_write_deletes_expired_spans(make_recorder, tmp_path: Path) -> None:
    recorder = make_recorder(tmp_path / "kept.db")
    record(recorder, "old", age_days=45)
    record(recorder, "recent", age_days=2)
    exporter = SqliteSpanExporter(tmp_path / "kept.db", retention=RetentionSchedule(7 * 86_400))

    exporter.export([recorder.call({"user.id": "new"}, start_ns=time.time_ns())])
    exporter.shutdown()

    assert stored_users(tmp_path / "kept.db") == ["new", "recent"]


def test_purges_run_at_most_once_per_interval(make_recorder, tmp_path: Path) -> None:
    path = tmp_path / "interval.db"
    seed = make_recorder(tmp_path / "seed.db")
    clock = FakeClock()
    schedule = RetentionSchedule(86_400, interval_s=600, monotonic=clock)
    exporter = SqliteSpanExporter(path, retention=schedule)
    exporter.export([seed.call({"user.id": "first"}, start_ns=time.time_ns())])
    old = seed.call({"user.id": "old"}, start_ns=time.time_ns() - 3 * DAY_NS)

    clock.now += 599
    exporter.export([old])
    assert stored_users(path) == ["first", "old"]

    clock.now += 1
    exporter.export([seed.call({"user.id": "later"}, start_ns=time.time_ns())])
    assert stored_users(path) == ["first", "later"]
    exporter.shutdown()


def test_purge_deletes_in_batches_and_counts_them(make_recorder, tmp_path: Path) -> None:
    recorder = make_recorder(tmp_path / "batches.db")
    for index in range(7):
        record(recorder, f"old{index}", age_days=10 + index)
    record(recorder, "recent", age_days=1)
    connection = sqlite3.connect(tmp_path / "batches.db", isolation_level=None)

    deleted = purge_spans(connection, time.time_ns() - 5 * DAY_NS, batch_rows=2)

    connection.close()
    assert deleted == 7
    assert stored_users(tmp_path / "batches.db") == ["recent"]


def test_keep_forever_deletes_nothing(make_recorder, tmp_path: Path) -> None:
    recorder = make_recorder(tmp_path / "forever.db")
    record(recorder, "ancient", age_days=3650)
    connection = sqlite3.connect(tmp_path / "forever.db", isolation_level=None)

    assert RetentionSchedule(None).after_write(connection) == 0

    connection.close()
    assert stored_users(tmp_path / "forever.db") == ["ancient"]


def test_a_failed_purge_is_logged_and_keeps_the_write(
    make_recorder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = make_recorder(tmp_path / "broken.db")
    record(recorder, "old", age_days=40)
    connection = sqlite3.connect(tmp_path / "broken.db", isolation_level=None)
    connection.execute("DROP INDEX spans_start")
    connection.execute("ALTER TABLE spans RENAME TO spans_elsewhere")

    with caplog.at_level(logging.WARNING, logger="prysmai"):
        deleted = RetentionSchedule(86_400).after_write(connection)

    assert deleted == 0
    assert "Could not delete expired spans (OperationalError: no such table: spans)" in caplog.text
    assert connection.execute("SELECT COUNT(*) FROM spans_elsewhere").fetchone() == (1,)
    connection.close()


def test_serve_takes_a_retention(monkeypatch: pytest.MonkeyPatch) -> None:
    parser = build_parser()
    assert parser.parse_args(["serve", "--retention", "12h"]).retention.seconds == 43_200
    assert parser.parse_args(["serve", "--retention", "forever"]).retention.seconds is None
    assert parser.parse_args(["serve"]).retention is None  # then PRYSM_RETENTION or 30 days


def test_purge_command_deletes_old_spans_and_vacuums(
    make_recorder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cli.db"
    recorder = make_recorder(path)
    for index in range(300):
        recorder.call(
            {"user.id": f"old{index}", "gen_ai.prompt": "x" * 2000},
            start_ns=time.time_ns() - 20 * DAY_NS,
        )
    record(recorder, "recent", age_days=1)
    recorder.exporter.shutdown()
    size_before = stored_bytes(path)

    status = main(["purge", "--older-than", "7d", "--vacuum", "--db", str(path)])

    out = capsys.readouterr().out
    assert status == 0
    assert f"Deleted 300 spans older than 7d from {path}." in out
    assert stored_users(path) == ["recent"]
    assert stored_bytes(path) < size_before / 4


def test_purge_command_refuses_a_bad_duration(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["purge", "--older-than", "soon"]) == 1
    assert "invalid duration 'soon'" in capsys.readouterr().err


def test_purge_command_names_a_missing_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["purge", "--older-than", "1d", "--db", str(tmp_path / "typo.db")]) == 1
    assert "typo.db: the file does not exist" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(86_400, "1d"), (5_400, "1h30m"), (90_061, "1d1h1m1s"), (0, "0s"), (1.5, "1.5s")],
)
def test_durations_are_written_in_the_largest_units(seconds: float, text: str) -> None:
    from prysmai.durations import format_duration, parse_duration

    assert format_duration(seconds) == text
    assert parse_duration(text) == seconds


def insert_spans(path: Path, count: int, start_ns: int) -> None:
    connection = connect_for_writing(path)
    with connection:
        connection.executemany(
            "INSERT INTO spans (trace_id, span_id, name, start_time_ns, status_code, attributes,"
            " resource, events) VALUES (?, ?, 'x', ?, 'UNSET', '{}', '{}', '[]')",
            [("t", f"{index:016x}", start_ns) for index in range(count)],
        )
    connection.close()


def test_a_backlog_is_purged_one_bounded_step_per_write(tmp_path: Path) -> None:
    path = tmp_path / "backlog.db"
    insert_spans(path, 2_500, time.time_ns() - 40 * DAY_NS)
    clock = FakeClock()
    schedule = RetentionSchedule(86_400, interval_s=600, monotonic=clock)
    connection = sqlite3.connect(path, isolation_level=None)

    steps = [schedule.after_write(connection) for _ in range(4)]
    backlog_after_last = schedule.has_backlog
    clock.now += 599
    later = schedule.after_write(connection)

    connection.close()
    assert steps == [1_000, 1_000, 500, 0]
    assert (backlog_after_last, later) == (False, 0)


def test_the_collector_cleans_an_idle_store(make_recorder, tmp_path: Path) -> None:
    from prysmai.collector.server import CollectorServer, CollectorSettings
    from tests.collector.conftest import wait_for

    path = tmp_path / "idle.db"
    insert_spans(path, 1_500, time.time_ns() - 40 * DAY_NS)
    server = CollectorServer(CollectorSettings(db_path=path, port=0, retention_s=86_400)).start()
    try:

        def remaining() -> int:
            with sqlite3.connect(path) as connection:
                return int(connection.execute("SELECT COUNT(*) FROM spans").fetchone()[0])

        wait_for(lambda: remaining() == 0)
    finally:
        server.close()


def test_purge_refuses_a_file_that_is_no_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE counters (key TEXT)").connection.close()
    size = other.stat().st_size

    assert main(["purge", "--older-than", "1d", "--db", str(other)]) == 1
    assert "is not a prysmai store (it has no spans table)" in capsys.readouterr().err
    assert other.stat().st_size == size


def test_purge_refuses_more_than_a_hundred_years(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["purge", "--older-than", "20000000d"]) == 1
    assert "at most 36500d (100 years)" in capsys.readouterr().err
