from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from opentelemetry.trace import Status, StatusCode

from prysmai import semconv
from prysmai.cli.main import main

if TYPE_CHECKING:
    from tests.conftest import SpanRecorder

HOUR_NS = 3600 * 10**9
RULE = set("─━ ")  # the line under a table's header


def cells(output: str) -> dict[str, list[str]]:
    """Map the first cell of each rendered table line to the remaining cells."""
    rows = (re.split(r"\s{2,}", line.strip()) for line in output.splitlines())
    return {row[0]: row[1:] for row in rows if row[0] and not set(row[0]) <= RULE}


def record_sample(recorder: SpanRecorder) -> None:
    now = time.time_ns()
    for latency in (100.0, 200.0, 300.0, 400.0):
        recorder.call({semconv.LATENCY_MS: latency, semconv.COST_USD: 0.25}, start_ns=now)
    recorder.call(
        {semconv.STREAM: True, semconv.TIME_TO_FIRST_TOKEN_MS: 50.0, semconv.LATENCY_MS: 500.0},
        start_ns=now,
    )
    recorder.call(
        {
            semconv.REQUEST_MODEL: "mystery-1",
            semconv.RESPONSE_MODEL: None,
            semconv.COST_USD: None,
            semconv.LATENCY_MS: 600.0,
        },
        status=Status(StatusCode.ERROR),
        start_ns=now,
    )
    recorder.call(start_ns=now - 48 * HOUR_NS)


def test_stats_prints_summary_and_cost_by_model(
    recorder: SpanRecorder, capsys: pytest.CaptureFixture[str]
) -> None:
    record_sample(recorder)

    code = main(["stats", "--db", str(recorder.path)])

    out = capsys.readouterr().out
    table = cells(out)
    assert code == 0
    assert f"Model calls in the last 24h ({recorder.path})" in out
    assert table["calls"] == ["6"]
    assert table["errors"] == ["1 (16.7%)"]
    assert (table["latency ms p50"], table["latency ms p95"], table["latency ms p99"]) == (
        ["350"],
        ["575"],
        ["595"],
    )
    assert (table["ttft ms p50"], table["streamed calls"]) == (["50"], ["1"])
    assert table["tokens in/out/total"] == ["72/204/276"]
    assert (table["cost"], table["calls without cost"]) == (["$1.00012"], ["1"])
    assert table["gpt-4o-2024-08-06"] == ["5", "$1.00012", "0"]
    assert table["mystery-1"] == ["1", "-", "1"]


def test_stats_window_all_includes_older_calls(
    recorder: SpanRecorder, capsys: pytest.CaptureFixture[str]
) -> None:
    record_sample(recorder)

    code = main(["stats", "--window", "all", "--db", str(recorder.path)])

    out = capsys.readouterr().out
    assert code == 0
    assert "Model calls in all stored calls" in out
    assert cells(out)["calls"] == ["7"]


def test_stats_json_has_every_figure(
    recorder: SpanRecorder, capsys: pytest.CaptureFixture[str]
) -> None:
    record_sample(recorder)

    code = main(["stats", "--window", "7d", "--json", "--db", str(recorder.path)])

    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data == {
        "db": str(recorder.path),
        "window_s": 604800.0,
        "count": 7,
        "error_count": 1,
        "error_rate": pytest.approx(1 / 7),
        "latency_ms": {
            "p50": pytest.approx(400.0),
            "p95": pytest.approx(1043.8),
            "p99": pytest.approx(1195.96),
        },
        "ttft_ms": {"p50": 50.0, "p95": 50.0, "p99": 50.0},
        "streamed_count": 1,
        "input_tokens": 84,
        "output_tokens": 238,
        "total_tokens": 322,
        "cost_usd": pytest.approx(1.000246913578),
        "unknown_cost_count": 1,
        "cost_by_model": [
            {
                "model": "gpt-4o-2024-08-06",
                "calls": 6,
                "cost_usd": pytest.approx(1.000246913578),
                "unknown_cost_count": 0,
            },
            {"model": "mystery-1", "calls": 1, "cost_usd": 0.0, "unknown_cost_count": 1},
        ],
    }


def test_stats_on_an_empty_window_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "none.db"
    monkeypatch.setenv("PRYSM_DB_PATH", str(db))  # the default location may not exist yet

    code = main(["stats", "--window", "1h"])

    assert (code, capsys.readouterr().out) == (0, f"No model calls in the last 1h in {db}.\n")


def test_stats_on_a_db_path_that_does_not_exist_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "typo.db"

    code = main(["stats", "--db", str(db)])

    assert (code, capsys.readouterr().err) == (
        1,
        f"FileNotFoundError: {db}: the file does not exist\n",
    )


def test_stats_on_a_directory_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["stats", "--db", str(tmp_path)])

    assert (code, capsys.readouterr().err) == (
        1,
        f"DatabaseError: {tmp_path} is a directory, not a database file\n",
    )


def test_stats_rejects_a_window_too_long_to_compute(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["stats", "--window", "99999999999d"])

    err = capsys.readouterr().err
    assert (code, err.count("\n")) == (1, 1)
    assert err.startswith("UsageError: argument --window: invalid duration '99999999999d': at most")


def test_stats_rejects_a_bad_window_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["stats", "--window", "yesterday"])

    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("UsageError: argument --window: invalid duration 'yesterday'")
