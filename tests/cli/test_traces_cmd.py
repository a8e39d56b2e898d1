from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from opentelemetry.trace import Status, StatusCode
from opentelemetry.util.types import AttributeValue

from prysmai import semconv
from prysmai.cli import traces_cmd
from prysmai.cli.main import main

if TYPE_CHECKING:
    from tests.conftest import SpanRecorder

BASE_TIME_NS = 1_700_000_000_000_000_000  # the recorder's default start time
MINUTE_NS = 60 * 10**9
RULE = set("─━ ")  # the line under a table's header


def clock(time_ns: int) -> str:
    return datetime.fromtimestamp(time_ns / 1e9).strftime("%H:%M:%S")


def table_rows(output: str) -> list[list[str]]:
    """Split rendered table lines into cells (rich separates columns by 2+ spaces)."""
    lines = [line.strip() for line in output.splitlines()]
    return [re.split(r"\s{2,}", line) for line in lines if line and not set(line) <= RULE]


def test_traces_prints_a_table_of_recent_calls(
    recorder: SpanRecorder, capsys: pytest.CaptureFixture[str]
) -> None:
    recorder.call()

    code = main(["traces", "--db", str(recorder.path)])

    out = capsys.readouterr().out
    assert code == 0
    assert table_rows(out) == [
        [
            "time",
            "call",
            "model",
            "provider",
            "status",
            "latency ms",
            "ttft ms",
            "tokens in/out",
            "cost",
            "user",
        ],
        [
            clock(BASE_TIME_NS),
            "chat",
            "gpt-4o-2024-08-06",
            "openai",
            "ok",
            "1,234",
            "-",
            "12/34",
            "$0.000123457",
            "alice",
        ],
    ]


def test_traces_lists_oldest_first_within_the_limit(
    recorder: SpanRecorder, capsys: pytest.CaptureFixture[str]
) -> None:
    for minute in range(4):
        recorder.call({semconv.USER_ID: f"u{minute}"}, start_ns=BASE_TIME_NS + minute * MINUTE_NS)

    code = main(["traces", "-n", "2", "--db", str(recorder.path)])

    rows = table_rows(capsys.readouterr().out)[1:]
    assert code == 0
    assert [row[-1] for row in rows] == ["u2", "u3"]


@pytest.mark.parametrize(
    ("overrides", "status", "expected"),
    [
        pytest.param({semconv.ERROR_TYPE: "RateLimitError"}, None, "RateLimitError", id="error"),
        pytest.param({}, Status(StatusCode.ERROR), "error", id="error-without-type"),
        pytest.param({semconv.STREAM_CUT_SHORT: True}, None, "cut short", id="cut-short"),
    ],
)
def test_traces_status_column_names_what_went_wrong(
    recorder: SpanRecorder,
    capsys: pytest.CaptureFixture[str],
    overrides: dict[str, AttributeValue],
    status: Status | None,
    expected: str,
) -> None:
    recorder.call(overrides, status=status)

    main(["traces", "--db", str(recorder.path)])

    assert table_rows(capsys.readouterr().out)[1][4] == expected


def test_traces_shows_ttft_for_streamed_calls_and_dashes_for_unknowns(
    recorder: SpanRecorder, capsys: pytest.CaptureFixture[str]
) -> None:
    recorder.call(
        {
            semconv.STREAM: True,
            semconv.TIME_TO_FIRST_TOKEN_MS: 321.4,
            semconv.COST_USD: None,
            semconv.USER_ID: None,
            semconv.USAGE_INPUT_TOKENS: None,
            semconv.USAGE_OUTPUT_TOKENS: None,
        }
    )

    main(["traces", "--db", str(recorder.path)])

    assert table_rows(capsys.readouterr().out)[1][5:] == ["1,234", "321", "-", "-", "-"]


def test_traces_json_prints_one_object_per_call_with_attributes(
    recorder: SpanRecorder, capsys: pytest.CaptureFixture[str]
) -> None:
    recorder.call({semconv.RESPONSE_FINISH_REASONS: ("stop",)})
    recorder.call({semconv.USER_ID: "bob"})

    code = main(["traces", "--json", "--db", str(recorder.path)])

    objects = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert [item["user_id"] for item in objects] == ["alice", "bob"]
    assert objects[0]["attributes"][semconv.RESPONSE_FINISH_REASONS] == ["stop"]
    assert objects[0]["resource"]["service.name"] == "tests"


def test_traces_on_an_empty_store_says_where_it_looked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "none.db"
    monkeypatch.setenv("PRYSM_DB_PATH", str(db))  # the default location: nothing recorded yet

    code = main(["traces", "--db", str(db)])

    out = capsys.readouterr().out
    assert code == 0
    assert f"No model calls recorded yet in {db}." in out
    assert "prysmai.monitor(client)" in out


def test_traces_json_on_an_empty_store_keeps_stdout_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRYSM_DB_PATH", str(tmp_path / "none.db"))

    code = main(["traces", "--json"])

    captured = capsys.readouterr()
    assert (code, captured.out) == (0, "")
    assert "No model calls recorded yet" in captured.err


def test_traces_uses_the_env_db_path_by_default(
    recorder: SpanRecorder, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder.call()
    monkeypatch.setenv("PRYSM_DB_PATH", str(recorder.path))

    main(["traces"])

    assert table_rows(capsys.readouterr().out)[1][-1] == "alice"


def test_traces_filters_by_model_user_and_since(
    recorder: SpanRecorder, capsys: pytest.CaptureFixture[str]
) -> None:
    recorder.call({semconv.USER_ID: "bob"})
    recorder.call({semconv.REQUEST_MODEL: "o3", semconv.RESPONSE_MODEL: None})
    db = str(recorder.path)

    main(["traces", "--db", db, "--user", "bob"])
    by_user = table_rows(capsys.readouterr().out)[1:]
    main(["traces", "--db", db, "--model", "o3"])
    by_model = table_rows(capsys.readouterr().out)[1:]
    main(["traces", "--db", db, "--since", "10m"])
    recent = capsys.readouterr().out

    assert [row[-1] for row in by_user] == ["bob"]
    assert [row[2] for row in by_model] == ["o3"]
    assert "match these filters" in recent


def test_traces_rejects_a_bad_duration_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["traces", "--since", "soon"])

    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("UsageError: argument --since: invalid duration 'soon'")
    assert err.count("\n") == 1


def test_traces_reports_a_corrupt_store_as_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "broken.db"
    db.write_bytes(b"garbage" * 1000)

    code = main(["traces", "--db", str(db)])

    assert (code, capsys.readouterr().err) == (1, f"DatabaseError: {db} is not a database file\n")


def test_traces_shows_markup_and_control_characters_literally(
    recorder: SpanRecorder, capsys: pytest.CaptureFixture[str]
) -> None:
    recorder.call({semconv.USER_ID: "[bold]x[/bold]\x1b[31m"})

    main(["traces", "--db", str(recorder.path)])

    out = capsys.readouterr().out
    assert table_rows(out)[1][-1] == "[bold]x[/bold]\ufffd[31m"
    assert "\x1b" not in out


def test_traces_follow_prints_new_calls_until_ctrl_c(
    recorder: SpanRecorder, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder.call({semconv.USER_ID: "before"})
    polls: list[float] = []

    def fake_wait(seconds: float) -> None:
        polls.append(seconds)
        if len(polls) == 1:
            recorder.call({semconv.USER_ID: "during"})
        elif len(polls) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(traces_cmd, "_wait", fake_wait)

    code = main(["traces", "--follow", "--db", str(recorder.path)])

    rows = table_rows(capsys.readouterr().out)
    assert code == 0
    assert [row[-1] for row in rows] == ["user", "before", "during"]
    assert polls == [0.5, 0.5, 0.5]


def test_traces_follow_json_starts_from_an_empty_store(
    recorder: SpanRecorder, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    polls: list[float] = []

    def fake_wait(seconds: float) -> None:
        polls.append(seconds)
        if len(polls) == 1:
            recorder.call()
        else:
            raise KeyboardInterrupt

    monkeypatch.setattr(traces_cmd, "_wait", fake_wait)

    code = main(["traces", "--follow", "--json", "--db", str(recorder.path)])

    captured = capsys.readouterr()
    assert code == 0
    assert [json.loads(line)["user_id"] for line in captured.out.splitlines()] == ["alice"]
    assert "Waiting for new calls" in captured.err


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param({}, "chat", id="plain"),
        pytest.param({semconv.STREAM: True}, "chat stream", id="stream"),
        pytest.param(
            {semconv.STREAM: True, semconv.TOOL_CALL_COUNT: 2}, "chat stream+tools", id="tools"
        ),
        pytest.param({semconv.OPERATION_NAME: "embeddings"}, "embeddings", id="embeddings"),
    ],
)
def test_traces_call_column_marks_streams_and_tool_calls(
    recorder: SpanRecorder,
    capsys: pytest.CaptureFixture[str],
    overrides: dict[str, AttributeValue],
    expected: str,
) -> None:
    recorder.call(overrides)

    main(["traces", "--db", str(recorder.path)])

    assert table_rows(capsys.readouterr().out)[1][1] == expected


def test_traces_marks_calls_prysmai_blocked(
    recorder: SpanRecorder, capsys: pytest.CaptureFixture[str]
) -> None:
    recorder.call({semconv.ERROR_TYPE: "PermissionDeniedError", semconv.SECURITY_ACTION: "blocked"})

    main(["traces", "--db", str(recorder.path)])

    assert table_rows(capsys.readouterr().out)[1][4] == "blocked"


def test_traces_on_a_directory_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["traces", "--db", str(tmp_path)])

    assert (code, capsys.readouterr().err) == (
        1,
        f"DatabaseError: {tmp_path} is a directory, not a database file\n",
    )


def test_traces_on_a_db_path_that_does_not_exist_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "typo.db"

    code = main(["traces", "--db", str(db)])

    assert (code, capsys.readouterr()) == (
        1,
        ("", f"FileNotFoundError: {db}: the file does not exist\n"),
    )


def test_traces_follow_waits_for_a_db_path_that_does_not_exist_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def stop(seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(traces_cmd, "_wait", stop)

    code = main(["traces", "--follow", "--db", str(tmp_path / "later.db")])

    assert (code, "Waiting for new calls" in capsys.readouterr().out) == (0, True)


def test_traces_rejects_a_duration_too_long_to_compute(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["traces", "--since", "99999999999d"])

    err = capsys.readouterr().err
    assert (code, err.count("\n")) == (1, 1)
    assert err.startswith(
        "UsageError: argument --since: invalid duration '99999999999d': at most 36500d"
    )


def test_traces_shows_a_question_mark_for_a_mistyped_value(
    recorder: SpanRecorder, capsys: pytest.CaptureFixture[str]
) -> None:
    recorder.call()
    recorder.call({semconv.USER_ID: "bob"})
    recorder.shutdown()
    with sqlite3.connect(recorder.path) as connection:
        connection.execute("UPDATE spans SET latency_ms = 'slow' WHERE user_id = 'alice'")
    connection.close()

    code = main(["traces", "--db", str(recorder.path)])

    rows = table_rows(capsys.readouterr().out)[1:]
    assert (code, [(row[5], row[-1]) for row in rows]) == (0, [("?", "alice"), ("1,234", "bob")])
