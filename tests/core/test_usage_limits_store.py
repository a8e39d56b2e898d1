"""Usage counters in a SQLite file shared by processes, and stores that fail."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
import stat
import subprocess
import sys
import time
from typing import Any

import openai
import pytest

from prysmai import ConfigurationError, UsageLimit, monitor
from prysmai.faults import fault_counts
from prysmai.limits import SqliteCounterStore
from prysmai.limits.stores import Check, MemoryCounterStore
from prysmai.monitor import recorder_of
from prysmai.testing import capture_calls
from tests.core.test_usage_limits import chat, race, raised_by_transport

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
from prysmai.faults import fault_counts
# A check that waited past the store's busy timeout let its call go unlimited, as documented.
unlimited = fault_counts().get("checking usage limits", 0)
print(json.dumps({"sent": sent, "refused": refused, "unlimited": unlimited}))
"""


def sent_within_limit(results: list[dict[str, Any]], limit: int) -> int:
    """Return how many calls the children sent, after checking it against ``limit``.

    Exactly the limit, but for checks that waited past the store's busy timeout on a loaded
    machine: such a call goes through unlimited by design, and each child counts them.
    """
    sent = sum(int(r["sent"]) for r in results)
    unlimited = sum(int(r["unlimited"]) for r in results)
    assert limit <= sent <= limit + unlimited, (sent, unlimited)
    return sent


def run_children(base_url: str, store: str, calls: int, count: int = 2) -> list[dict[str, Any]]:
    """Run ``count`` processes at once, each making ``calls`` calls through ``store``.

    Returns each process's ``{"sent": n, "refused": [used, ...]}``.
    """
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, base_url, store, str(calls)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    results = []
    for child in children:
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        results.append(json.loads(out))
    return results


def test_two_processes_share_one_budget_through_a_sqlite_file(server, tmp_path):
    store = f"sqlite:///{tmp_path / 'shared' / 'counters.db'}"

    results = run_children(server.base_url, store, 8)

    sent = sent_within_limit(results, 10)
    assert sorted(used for r in results for used in r["refused"]) == [10] * (16 - sent)
    assert len(server.requests) == sent
    counter = SqliteCounterStore(tmp_path / "shared" / "counters.db")
    [(key, value)] = sqlite3.connect(counter.path).execute(
        "SELECT key, value FROM prysm_usage_counters"
    )
    assert key.startswith(f"requests/{LONG_WINDOW}/global|")
    assert 10 <= value <= sent


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

    outcomes = race(watched, 10)

    assert outcomes.count("sent") == 4
    assert len(server.requests) == 4


# --- broken stores let calls through ---------------------------------------------------------


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
    assert isinstance(raised_by_transport(lambda: chat(watched)), sqlite3.DatabaseError)


# --- the stores themselves ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_stores_check_all_and_count_each_counter_once(kind, tmp_path):
    store: Any = MemoryCounterStore() if kind == "memory" else SqliteCounterStore(tmp_path / "s")

    check_all_then_count_each_once(store, tokens=150.0)

    store.close()


def check_all_then_count_each_once(store: Any, *, tokens: float) -> None:
    """Two limits on one counter and a token limit: admitted twice, then refused uncounted."""
    checks = [
        Check("requests/day/global|0|", 3, 86_400, True),
        Check("requests/day/global|0|", 10, 86_400, True),  # same counter, higher limit
        Check("tokens/day/global|0|", 100, 86_400, False),
    ]
    assert store.admit(checks, 1.0) == []
    assert store.admit(checks, 1.0) == []
    store.add([("tokens/day/global|0|", 86_400, tokens)], 2.0)
    assert store.value("requests/day/global|0|") == 2
    assert store.admit(checks, 3.0) == [(2, tokens)]
    assert store.value("requests/day/global|0|") == 2  # a refused call is not counted


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


# --- many processes, each with many threads --------------------------------------------------

THREADED_CHILD = """
import json, sys, threading
import openai
from prysmai import monitor

base_url, store, limit, threads, calls = sys.argv[1:6]
client = monitor(
    openai.OpenAI(base_url=base_url, api_key="k", max_retries=0),
    limits=[{"metric": "requests", "limit": int(limit), "window": "1000000000"}],
    limits_store=store,
)
outcomes = []

def run():
    for _ in range(int(calls)):
        try:
            client.chat.completions.create(
                model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
            )
            outcomes.append("sent")
        except openai.RateLimitError:
            outcomes.append("refused")

workers = [threading.Thread(target=run) for _ in range(int(threads))]
print("ready", flush=True)
sys.stdin.readline()  # every process starts calling at once
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
from prysmai.faults import fault_counts
# A check that waited past the store's busy timeout let its call go unlimited, as documented.
unlimited = fault_counts().get("checking usage limits", 0)
print(json.dumps({"sent": outcomes.count("sent"), "refused": outcomes.count("refused"),
                  "unlimited": unlimited}))
"""


def run_threaded_children(
    server: Any, store: str, *, processes: int, threads: int, calls: int, limit: int
) -> list[dict[str, int]]:
    """Run processes x threads x calls against ``store``; return each process's outcomes."""
    arguments = [server.base_url, store, str(limit), str(threads), str(calls)]
    children = [
        subprocess.Popen(
            [sys.executable, "-c", THREADED_CHILD, *arguments],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", child.communicate()[1]
    results = []
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        out, err = child.communicate(timeout=180)
        assert child.returncode == 0, err
        results.append(json.loads(out))
    return results


def test_processes_with_threads_send_exactly_the_limit_through_a_sqlite_file(server, tmp_path):
    # 8 processes x 4 threads keep a small machine busy: a process may wait long for its turn
    # at the file. A busy file used to let every call of the next second through unlimited
    # (232 to 597 sent of a limit of 100 in 8 x 4 x 40; about 300 of 30 here).
    processes, threads, calls = 8, 4, 20
    results = run_threaded_children(
        server,
        f"sqlite:///{tmp_path / 'counters.db'}",
        processes=processes,
        threads=threads,
        calls=calls,
        limit=30,
    )

    sent = sent_within_limit(results, 30)
    assert sum(r["refused"] for r in results) == processes * threads * calls - sent
    assert len(server.requests) == sent
    [(value,)] = sqlite3.connect(tmp_path / "counters.db").execute(
        "SELECT value FROM prysm_usage_counters"
    )
    assert 30 <= value <= sent


def test_a_busy_store_fails_that_call_only(client, server, tmp_path):
    path = tmp_path / "counters.db"
    store = SqliteCounterStore(path, busy_timeout_s=0.05)
    limit = UsageLimit("requests", 5, LONG_WINDOW)
    with capture_calls(strict=False) as capture:
        watched = capture.monitor(client, limits=[limit], limits_store=store)
        chat(watched)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            chat(watched)  # busy: sent, not counted
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        chat(watched)  # at once: a busy file is no reason to leave the store alone for a second
        capture.spans()

    assert len(server.requests) == 3
    with sqlite3.connect(path) as reader:
        assert reader.execute("SELECT value FROM prysm_usage_counters").fetchall() == [(2.0,)]


def test_a_broken_store_is_left_alone_for_a_second(client, server, tmp_path):
    path = tmp_path / "counters.db"
    path.write_bytes(b"not a database " * 100)
    store = SqliteCounterStore(path)
    with capture_calls(strict=False) as capture:
        watched = capture.monitor(
            client, limits=[UsageLimit("requests", 0, "day")], limits_store=store
        )
        chat(watched)  # the file is opened and found broken
        path.unlink()  # a usable file from now on, but the store waits a second to look
        chat(watched)
        capture.spans()
    assert len(server.requests) == 2
    assert not path.exists()


def test_calls_during_the_pause_do_not_extend_it(tmp_path):
    """A repaired file is used again about a second after the failure, however busy the app."""
    path = tmp_path / "counters.db"
    path.write_bytes(b"not a database " * 100)
    store = SqliteCounterStore(path)
    check = [Check("requests/day/global|0|", 5, time.time() + 3600, True)]
    with pytest.raises(sqlite3.DatabaseError):
        store.admit(check, time.time())
    path.unlink()  # repaired
    started = time.monotonic()
    while True:  # a call every 50 ms, as a busy application makes them
        try:
            store.admit(check, time.time())
            break
        except sqlite3.OperationalError:
            assert time.monotonic() - started < 3.0, "the pause kept being pushed back"
            time.sleep(0.05)

    assert 0.8 < time.monotonic() - started < 1.5


def test_the_counter_file_and_its_wal_are_private(capture, client, server, tmp_path):
    previous = os.umask(0o022)
    try:
        path = tmp_path / "counters.db"
        watched = capture.monitor(
            client, limits=[UsageLimit("requests", 5, "day")], limits_store=f"sqlite:///{path}"
        )
        chat(watched)
    finally:
        os.umask(previous)
    files = [path, tmp_path / "counters.db-wal", tmp_path / "counters.db-shm"]
    assert {f.name: stat.S_IMODE(f.stat().st_mode) for f in files} == {
        "counters.db": 0o600,
        "counters.db-wal": 0o600,
        "counters.db-shm": 0o600,
    }


def test_a_failing_store_logs_that_the_call_goes_unlimited_not_unobserved(
    client, server, tmp_path, caplog, fresh_fault_log, monkeypatch
):
    monkeypatch.setattr("prysmai.faults._last_logged", {})
    path = tmp_path / "counters.db"
    path.write_bytes(b"not a database " * 100)
    with capture_calls(strict=False) as capture, caplog.at_level(logging.WARNING, "prysmai"):
        watched = capture.monitor(
            client, limits=[UsageLimit("requests", 1, "day")], limits_store=f"sqlite:///{path}"
        )
        chat(watched)
        [span] = capture.spans()

    [logged] = [r.getMessage() for r in caplog.records if "usage limits" in r.getMessage()]
    assert "unobserved" not in logged
    assert "without its usage limits" in logged
    assert "still recorded" in logged
    assert span.name  # and it is recorded


def test_a_store_that_cannot_add_usage_says_so(client, server, caplog, monkeypatch):
    monkeypatch.setattr("prysmai.faults._last_logged", {})

    class DiskFull(MemoryCounterStore):
        def add(self, amounts: Any, now: float) -> None:
            raise OSError(28, "No space left on device")

    with capture_calls(strict=False) as capture, caplog.at_level(logging.WARNING, "prysmai"):
        watched = capture.monitor(
            client, limits=[UsageLimit("tokens", 1000, "day")], limits_store=DiskFull()
        )
        chat(watched)
        assert len(capture.spans()) == 1

    [logged] = [r.getMessage() for r in caplog.records if "adding usage" in r.getMessage()]
    assert "unobserved" not in logged
    assert "tokens and cost are missing" in logged


def test_sqlite_memory_is_no_counter_store(client):
    with pytest.raises(ConfigurationError, match="in-memory database is not shared"):
        monitor(
            client, limits=[UsageLimit("requests", 1, "day")], limits_store="sqlite:///:memory:"
        )
    with pytest.raises(ConfigurationError, match="in-memory database is not shared"):
        SqliteCounterStore(":memory:")


# --- async clients -----------------------------------------------------------------------------

LOCK_HOLDER = """
import sqlite3, sys, time
holder = sqlite3.connect(sys.argv[1], isolation_level=None)
holder.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
holder.execute("ROLLBACK")
"""


async def test_an_async_check_waiting_for_the_file_does_not_block_the_event_loop(
    capture, async_client, server, tmp_path
):
    path = tmp_path / "counters.db"
    limit = UsageLimit("requests", 5, LONG_WINDOW)
    watched = capture.monitor(async_client, limits=[limit], limits_store=f"sqlite:///{path}")
    await watched.chat.completions.create(model="gpt-4o-mini", messages=HELLO)
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(path), "0.6"], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"

    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.005)

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0.02)
    started = time.monotonic()
    await watched.chat.completions.create(model="gpt-4o-mini", messages=HELLO)
    waited = time.monotonic() - started
    ticking.cancel()
    holder.communicate(timeout=30)
    assert holder.returncode == 0

    gaps = [later - earlier for earlier, later in zip(ticks, ticks[1:], strict=False)]
    assert waited > 0.3  # the check did wait for the other process
    assert max(gaps) < 0.2  # meanwhile the loop kept running other tasks
    assert len(server.requests) == 2
    limits: Any = recorder_of(watched).limits  # type: ignore[union-attr]
    assert limits.used(limit) == 2  # counted once the file was free


def test_a_limit_too_large_for_a_sqlite_integer_still_counts(capture, client, server, tmp_path):
    limit = UsageLimit("requests", 10**20, "day")  # beyond SQLite integers: bound as a float
    watched = capture.monitor(
        client, limits=[limit], limits_store=f"sqlite:///{tmp_path / 'counters.db'}"
    )
    chat(watched)
    limits: Any = recorder_of(watched).limits  # type: ignore[union-attr]
    assert limits.used(limit) == 1
