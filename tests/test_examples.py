from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from prysmai.cli.common import format_cost
from prysmai.cli.traces_cmd import format_count
from prysmai.store import TraceRow, TraceStore
from prysmai.testing import FakeOpenAIServer

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
STANDALONE_EXAMPLES = ("chat", "streaming", "tool_calling", "embeddings", "context_and_metadata")
# Generous guard against a hung child process; not a speed check.
SUBPROCESS_TIMEOUT_S = 120
_CLEARED_PREFIXES = ("PRYSM_", "OPENAI_", "ANTHROPIC_", "OTEL_")
_PROXY_VARS = {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"}
_TRACES_COLUMNS = (
    "time",
    "call",
    "model",
    "provider",
    "status",
    "latency",
    "ttft",
    "tokens",
    "cost",
    "user",
)


def clean_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(_CLEARED_PREFIXES) and name.upper() not in _PROXY_VARS
    }
    return {**env, "PRYSM_DATA_DIR": str(data_dir), **extra}


def run_script(name: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLES_DIR / f"{name}.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT_S,
        check=False,
    )


def traces_rows(stdout: str) -> list[dict[str, str]]:
    """Return the rows of the `prysmai traces` table the demo prints, as column -> cell."""
    section = stdout.split("$ prysmai traces", 1)[1].split("$ prysmai stats", 1)[0]
    lines = [line for line in section.splitlines()[1:] if line.strip()]
    header, rule, *body = lines
    assert header.split()[:3] == ["time", "call", "model"]
    assert set(rule.strip()) == {"─"}
    return [
        dict(zip(_TRACES_COLUMNS, re.split(r"\s{2,}", line.strip()), strict=True)) for line in body
    ]


def stored_calls(db_path: Path) -> list[TraceRow]:
    with TraceStore(db_path) as store:
        rows = store.recent(100)
    rows.reverse()
    return rows


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    data_dir = tmp_path_factory.mktemp("demo-data")
    return run_script("demo", clean_env(data_dir)), data_dir


def test_demo_exits_cleanly_without_provider_settings(
    demo: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, _ = demo

    assert (result.returncode, result.stderr) == (0, "")


def test_demo_announces_the_local_stand_in_first(
    demo: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, _ = demo
    first_line = result.stdout.splitlines()[0]

    assert first_line.startswith("No provider key found")
    assert re.search(r"stand-in on 127\.0\.0\.1:\d+ answers instead", result.stdout) is not None
    assert "no network used" in result.stdout
    assert "OPENAI_API_KEY=sk-... python examples/demo.py" in result.stdout


def test_demo_lists_every_example_call_in_the_traces_table(
    demo: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, _ = demo
    rows = traces_rows(result.stdout)

    assert [(row["model"], row["status"], row["user"]) for row in rows] == [
        ("gpt-4o-mini", "ok", "demo-user"),  # chat
        ("gpt-4o-mini", "ok", "demo-user"),  # streaming
        ("gpt-4o-mini", "ok", "demo-user"),  # tool calling: the model asks for the tool
        ("gpt-4o-mini", "ok", "demo-user"),  # tool calling: the answer with its result
        ("text-embedding-3-small", "ok", "demo-user"),
        ("gpt-4o-mini", "ok", "alice"),  # prysm_context scope
        ("gpt-4o-mini", "ok", "bob"),  # X-Prysm-User-Id header
    ]


def test_demo_traces_show_ttft_only_for_the_streamed_call(
    demo: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, _ = demo
    ttft_cells = [row["ttft"] for row in traces_rows(result.stdout)]

    assert ttft_cells[1].replace(",", "").isdigit()
    assert int(ttft_cells[1].replace(",", "")) > 0
    assert ttft_cells[:1] + ttft_cells[2:] == ["-"] * 6


def test_demo_traces_show_the_stored_tokens_and_costs(
    demo: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, data_dir = demo
    stored = stored_calls(data_dir / "demo-traces.db")
    printed = [(row["tokens"], row["cost"]) for row in traces_rows(result.stdout)]
    expected = [
        (
            f"{format_count(call.input_tokens)}/{format_count(call.output_tokens)}",
            format_cost(call.cost_usd),
        )
        for call in stored
    ]

    assert printed == expected
    assert all(call.input_tokens and call.cost_usd for call in stored)


def test_demo_prints_stats_and_next_steps(
    demo: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, data_dir = demo
    stats_section = result.stdout.split("$ prysmai stats", 1)[1]
    calls = re.search(r"^calls\s+(\d+)$", stats_section, re.MULTILINE)
    streamed = re.search(r"^streamed calls\s+(\d+)$", stats_section, re.MULTILINE)

    assert (calls and calls.group(1), streamed and streamed.group(1)) == ("7", "1")
    assert f"prysmai traces --db {data_dir / 'demo-traces.db'} --follow" in result.stdout
    assert "OTEL_EXPORTER_OTLP_ENDPOINT=" in result.stdout


@pytest.mark.parametrize("name", STANDALONE_EXAMPLES)
def test_example_runs_alone_against_an_openai_compatible_server(name: str, tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:
        env = clean_env(tmp_path, OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="test-key")
        result = run_script(name, env)
        requests = len(server.requests)
    stored = stored_calls(tmp_path / "traces.db")

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.strip() != ""
    assert len(stored) == requests
    assert all(call.status_code != "ERROR" and call.input_tokens for call in stored)


def test_demo_shows_only_its_own_calls_in_a_store_the_user_chose(tmp_path: Path) -> None:
    db_path = tmp_path / "mine.db"
    env = clean_env(tmp_path, PRYSM_DB_PATH=str(db_path))
    first = run_script("demo", env)
    second = run_script("demo", env)

    assert (first.returncode, second.returncode) == (0, 0)
    assert len(traces_rows(second.stdout)) == 7
    assert len(stored_calls(db_path)) == 14
    assert not (tmp_path / "demo-traces.db").exists()
