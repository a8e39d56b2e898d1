"""Usage counters in a SQLite file shared by processes, and stores that fail."""

from __future__ import annotations

import json
import logging
import sqlite3
import subprocess
import sys
import threading
from typing import Any

import openai
import pytest

from prysmai import UsageLimit, monitor
from prysmai.faults import fault_counts
from prysmai.limits import SqliteCounterStore
from prysmai.limits.stores import Check, MemoryCounterStore
from prysmai.monitor import recorder_of
from prysmai.testing import capture_calls

HELLO = [{"role": "user", "content": "Say hello"}]

# A window of 10^9 s: its edges (2001-09-09, 2033-05-18) cannot fall inside a test run, so
# processes that read the wall clock all count into one window.
LONG_WINDOW = 1_000_000_000

CHILD = """
import json, sys
import openai
from prysmai import monitor

base_url, store, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
limits = [{"metric": "requests", "limit": 10, "window": 1_000_000_000}]
client = monitor(
    openai.OpenAI(base_url=base_url, api_key="k", max_retries=2),
    limits=limits,
    limits_store=store,
)
sent, refused = 0, []
for _ in range(calls):
    try:
        client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
        )
        sent += 1
    except openai.RateLimitError as error:
        refused.append(error.body["usage_limit"]["used"])
print(json.dumps({"sent": sent, "refused": refused}))
"""


def chat(client: Any) -> Any:
    return client.chat.completions.create(model="gpt-4o-mini", messages=HELLO)


def test_two_processes_share_one_budget_through_a_sqlite_file(server, tmp_path):
    store = f"sqlite:///{tmp_path / 'shared' / 'counters.db'}"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, server.base_url, store, "8"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = []
    for child in children:
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        results.append(json.loads(out))

    assert sum(r["sent"] for r in results) == 10
    assert sorted(used for r in results for used in r["refused"]) == [10] * 6
    assert len(server.requests) == 10
    counter = SqliteCounterStore(tmp_path / "shared" / "counters.db")
    [(key, value)] = sqlite3.connect(counter.path).execute(
        "SELECT key, value FROM prysm_usage_counters"
    )
    assert key.startswith(f"requests/{LONG_WINDOW}/global|")
    assert value == 10


def test_a_new_client_on_the_same_file_sees_the_count(capture, client, server, tmp_path):
    limit = UsageLimit("requests", 3, LONG_WINDOW)
    store = f"sqlite:///{tmp_path / 'counters.db'}"
    first = capture.monitor(client, limits=[limit], limits_store=store)
    chat(first)
    chat(first)

    second = capture.monitor(client, limits=[limit], limits_store=store)
    chat(second)
    with pytest.raises(openai.RateLimitError) as caught:
        chat(first)

    assert caught.value.body["usage_limit"]["used"] == 3
    assert len(server.requests) == 3
    limits = recorder_of(second).limits  # type: ignore[union-attr]
    assert limits.used(limit) == 3


def test_sqlite_tokens_are_added_after_the_call(capture, client, server, tmp_path):
    limit = UsageLimit("tokens", 1, LONG_WINDOW, scope="model")
    watched = capture.monitor(
        client, limits=[limit], limits_store=SqliteCounterStore(tmp_path / "c.db")
    )
    answer = chat(watched)
    capture.spans()
    with pytest.raises(openai.RateLimitError) as caught:
        chat(watched)
    limits: Any = recorder_of(watched).limits  # type: ignore[union-attr]
    assert caught.value.body["usage_limit"]["used"] == answer.usage.total_tokens
    assert limits.used(limit, "gpt-4o-mini") == answer.usage.total_tokens


def test_threads_racing_on_a_sqlite_store_cannot_slip_past(capture, client, server, tmp_path):
    watched = capture.monitor(
        client,
        limits=[UsageLimit("requests", 4, LONG_WINDOW), UsageLimit("requests", 9, LONG_WINDOW)],
        limits_store=f"sqlite:///{tmp_path / 'c.db'}",
    )
    outcomes: list[str] = []
    start = threading.Barrier(10)

    def call() -> None:
        start.wait()
        try:
            chat(watched)
            outcomes.append("sent")
        except openai.RateLimitError:
            outcomes.append("refused")

    threads = [threading.Thread(target=call) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("sent") == 4
    assert len(server.requests) == 4


# --- broken stores let calls through ---------------------------------------------------------


@pytest.fixture
def fresh_fault_log(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget when faults were last logged, so this test's first fault is logged."""
    monkeypatch.setattr("prysmai.faults._last_logged", {})


def test_an_unreadable_store_lets_calls_through_and_logs_once(
    client, server, tmp_path, caplog, fresh_fault_log
):
    path = tmp_path / "counters.db"
    path.write_bytes(b"this is not a SQLite database, just text " * 100)
    before = fault_counts().get("checking usage limits", 0)

    with capture_calls(strict=False) as capture, caplog.at_level(logging.WARNING, "prysmai"):
        watched = capture.monitor(
            client, limits=[UsageLimit("requests", 1, "day")], limits_store=f"sqlite:///{path}"
        )
        answers = [chat(watched) for _ in range(3)]
        spans = capture.spans()

    assert all(a.choices[0].message.content for a in answers)
    assert len(server.requests) == 3
    assert len(spans) == 3  # still observed
    assert fault_counts()["checking usage limits"] == before + 3
    logged = [r for r in caplog.records if "checking usage limits" in r.getMessage()]
    assert len(logged) == 1
    assert logged[0].exc_info is not None
    assert isinstance(logged[0].exc_info[1], sqlite3.DatabaseError)


def test_a_locked_store_lets_the_call_through_after_its_busy_timeout(client, server, tmp_path):
    path = tmp_path / "counters.db"
    store = SqliteCounterStore(path, busy_timeout_s=0.05)
    limit = UsageLimit("requests", 5, LONG_WINDOW)
    before = fault_counts().get("checking usage limits", 0)
    with capture_calls(strict=False) as capture:
        watched = capture.monitor(client, limits=[limit], limits_store=store)
        chat(watched)  # creates the file and counts 1
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            chat(watched)  # not counted: the store is locked
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        capture.spans()

    assert len(server.requests) == 2
    assert fault_counts()["checking usage limits"] == before + 1
    with sqlite3.connect(path) as reader:
        rows = reader.execute("SELECT value FROM prysm_usage_counters").fetchall()
    assert rows == [(1.0,)]


def test_a_store_in_a_folder_that_cannot_exist_lets_calls_through(client, server, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the store's folder should be")
    with capture_calls(strict=False) as capture:
        watched = capture.monitor(
            client,
            limits=[UsageLimit("requests", 0, "day")],
            limits_store=f"sqlite:///{blocker / 'counters.db'}",
        )
        chat(watched)
    assert len(server.requests) == 1


def test_under_test_a_store_failure_raises(capture, client, tmp_path):
    path = tmp_path / "counters.db"
    path.write_bytes(b"not a database " * 100)
    watched = capture.monitor(
        client, limits=[UsageLimit("requests", 1, "day")], limits_store=f"sqlite:///{path}"
    )
    with pytest.raises(sqlite3.DatabaseError):
        chat(watched)


# --- the stores themselves ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_stores_check_all_and_count_each_counter_once(kind, tmp_path):
    store: Any = MemoryCounterStore() if kind == "memory" else SqliteCounterStore(tmp_path / "s")
    checks = [
        Check("requests/day/global|0|", 3, 86_400, True),
        Check("requests/day/global|0|", 10, 86_400, True),  # same counter, higher limit
        Check("tokens/day/global|0|", 100, 86_400, False),
    ]
    assert store.admit(checks, 1.0) == []
    assert store.admit(checks, 1.0) == []
    store.add([("tokens/day/global|0|", 86_400, 150.0)], 2.0)
    assert store.value("requests/day/global|0|") == 2
    assert store.admit(checks, 3.0) == [(2, 150.0)]
    assert store.value("requests/day/global|0|") == 2  # a refused call is not counted
    store.close()


def test_the_memory_store_forgets_counters_of_ended_windows(monkeypatch):
    monkeypatch.setattr("prysmai.limits.stores._SWEEP_EVERY", 8)
    store = MemoryCounterStore()
    for user in range(8):
        store.admit([Check(f"requests/minute/user|0|u{user}", 5, 60.0, True)], 10.0)
    # The eighth counter triggered a sweep that found nothing ended; the next is at 16.
    assert len(store._counters) == 8
    for user in range(8):
        store.admit([Check(f"requests/minute/user|60|u{user}", 5, 120.0, True)], 61.0)
    assert sorted(store._counters) == [f"requests/minute/user|60|u{user}" for user in range(8)]
    assert store.value("requests/minute/user|60|u3") == 1


def test_monitoring_with_a_sqlite_url_writes_nothing_before_the_first_call(client, tmp_path):
    path = tmp_path / "later" / "counters.db"
    monitor(client, limits=[UsageLimit("requests", 1, "day")], limits_store=f"sqlite:///{path}")
    assert not path.exists()
