"""Usage counters in PostgreSQL: one budget for processes on several machines; the server failing.

The tests use the session's private PostgreSQL cluster on loopback (``tests/pg_cluster.py``),
a fresh database each, or a cluster of their own when they stop it. Without PostgreSQL (or
psycopg) they skip, unless PRYSM_REQUIRE_POSTGRES=1 (as in CI), where they fail.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import secrets
import signal
import socket
import sqlite3
import sys
import threading
import time
import warnings
from typing import Any

import openai
import pytest

from prysmai import ConfigurationError, UsageLimit, monitor, prysm_context, semconv
from prysmai.faults import fault_counts
from prysmai.limits import PostgresCounterStore
from prysmai.limits.stores import Check
from prysmai.monitor import recorder_of
from prysmai.testing import capture_calls
from tests.core.test_usage_limits import (
    HELLO,
    T0,
    THIRD_OF_THREE_A_MINUTE,
    FakeClock,
    chat,
    cross_a_minute,
    enforcer,
    race,
    raised_by_transport,
)
from tests.core.test_usage_limits_redis import window_start
from tests.core.test_usage_limits_store import (
    LONG_WINDOW,
    check_all_then_count_each_once,
    run_children,
    run_threaded_children,
    sent_within_limit,
)
from tests.pg_cluster import PASSWORD, PostgresCluster, need_postgres
from tests.ports import free_port

CHECKING = "checking usage limits"


def counters(cluster: PostgresCluster, url: str) -> dict[str, float]:
    rows = cluster.query(url, "SELECT key, value FROM prysm_usage_counters")
    return {str(key): float(value) for key, value in rows}


def closed_port_url() -> str:
    """A loopback URL where nothing listens: connecting is refused at once."""
    return f"postgresql://prysm:{PASSWORD}@127.0.0.1:{free_port()}/prysm"


# --- the answer through a real client ----------------------------------------------------------


def test_a_call_over_a_postgresql_limit_is_a_local_429(
    capture, client, server, pg_url, postgres_cluster
):
    limit = UsageLimit("requests", 3, "minute")
    watched = capture.monitor(client, limits=[limit], limits_store=pg_url)
    enforcer(watched).clock = FakeClock()

    for _ in range(3):
        chat(watched)
    with pytest.raises(openai.RateLimitError) as caught:
        chat(watched)

    assert len(server.requests) == 3
    assert caught.value.status_code == 429
    assert caught.value.body["usage_limit"] == THIRD_OF_THREE_A_MINUTE
    assert caught.value.response.headers["x-should-retry"] == "false"
    assert isinstance(enforcer(watched).store, PostgresCounterStore)
    key = f"requests/minute/global|{window_start(limit, T0)}|"
    assert counters(postgres_cluster, pg_url) == {key: 3}


async def test_async_clients_check_postgresql_off_the_loop_and_admit_exactly_the_limit(
    capture, async_client, server, pg_url, postgres_cluster
):
    watched = capture.monitor(
        async_client, limits=[UsageLimit("requests", 4, LONG_WINDOW)], limits_store=pg_url
    )
    results = await asyncio.gather(
        *(watched.chat.completions.create(model="gpt-4o-mini", messages=HELLO) for _ in range(10)),
        return_exceptions=True,
    )

    refused = [r for r in results if isinstance(r, openai.RateLimitError)]
    assert [r.body["usage_limit"]["used"] for r in refused] == [4] * 6
    assert len(server.requests) == 4
    assert list(counters(postgres_cluster, pg_url).values()) == [4]


def test_the_environment_names_a_postgresql_store(capture, client, server, pg_url, monkeypatch):
    monkeypatch.setenv("PRYSM_USAGE_LIMITS", '[{"metric": "requests", "limit": 1, "window": 60}]')
    monkeypatch.setenv("PRYSM_USAGE_LIMITS_STORE", pg_url.replace("postgresql:", "postgres:"))
    first, second = capture.monitor(client), capture.monitor(client)
    chat(first)
    with pytest.raises(openai.RateLimitError):
        chat(second)

    assert len(server.requests) == 1
    store = enforcer(first).store
    assert isinstance(store, PostgresCounterStore)
    assert PASSWORD not in repr(store)
    assert repr(store).startswith("PostgresCounterStore('postgres://prysm:***@127.0.0.1:")


# --- one budget, several processes and threads ---------------------------------------------------


def test_two_processes_share_one_budget_through_postgresql(server, pg_url, postgres_cluster):
    # The database is new: both processes also race to create the table and function.
    results = run_children(server.base_url, pg_url, 8)

    sent = sent_within_limit(results, 10)
    assert all(r["sent"] > 0 for r in results)  # both processes took part
    assert sorted(used for r in results for used in r["refused"]) == [10] * (16 - sent)
    assert len(server.requests) == sent
    start = window_start(UsageLimit("requests", 10, LONG_WINDOW), time.time())
    [(key, value)] = counters(postgres_cluster, pg_url).items()
    assert key == f"requests/{LONG_WINDOW}/global|{start}|"
    assert 10 <= value <= sent


def test_processes_with_threads_send_exactly_the_limit_through_postgresql(
    server, pg_url, postgres_cluster
):
    processes, threads, calls = 8, 4, 20
    results = run_threaded_children(
        server, pg_url, processes=processes, threads=threads, calls=calls, limit=30
    )

    # Exactly the limit, but for checks that waited past the busy timeout on a loaded machine:
    # those calls go unlimited by design, and each child counts them.
    sent = sent_within_limit(results, 30)
    assert sum(r["refused"] for r in results) == processes * threads * calls - sent
    assert len(server.requests) == sent
    [counted] = counters(postgres_cluster, pg_url).values()
    assert 30 <= counted <= sent


def test_threads_racing_on_postgresql_count_all_of_a_calls_counters_or_none(
    capture, client, server, pg_url, postgres_cluster
):
    # Two limits with one name share a counter; a third has a counter of its own. A call that
    # passes counts once in each counter, a refused one in none: both end at exactly 4.
    watched = capture.monitor(
        client,
        limits=[
            UsageLimit("requests", 4, LONG_WINDOW),
            UsageLimit("requests", 9, LONG_WINDOW),
            UsageLimit("requests", 7, "day"),
        ],
        limits_store=pg_url,
    )

    outcomes = race(watched, 10)

    assert sorted(outcomes) == ["refused"] * 6 + ["sent"] * 4
    assert len(server.requests) == 4
    assert sorted(counters(postgres_cluster, pg_url).values()) == [4, 4]


def test_sessions_racing_count_exactly_the_limit_in_every_counter_of_a_call(
    pg_url, postgres_cluster
):
    # A session each, as for processes on several machines (a store's threads share one), all
    # racing for the 3 units of fresh counters, round after round. Each call has two request
    # counters, which it counts in both or neither, and a token counter it only reads.
    stores = [PostgresCounterStore(pg_url) for _ in range(12)]
    rounds = 40
    start = threading.Barrier(len(stores))
    answers: list[list[Any]] = [[] for _ in range(rounds)]

    def checks(round_: int) -> list[Check]:
        return [
            Check(f"requests/day/global|{round_}|", 3, 86_400, True),
            Check(f"requests/day/user|{round_}|alice", 5, 86_400, True),
            Check(f"tokens/day/global|{round_}|", 1000, 86_400, False),
        ]

    def calls(store: PostgresCounterStore) -> None:
        for round_ in range(rounds):
            start.wait()
            try:
                answers[round_].append(store.admit(checks(round_), 1.0))
            except Exception as exc:  # collected: an assertion here would be lost in the thread
                answers[round_].append(exc)

    threads = [threading.Thread(target=calls, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [sorted(map(str, answered)) for answered in answers] == [
        ["[(0, 3.0)]"] * 9 + ["[]"] * 3
    ] * rounds
    stored = counters(postgres_cluster, pg_url)
    assert len(stored) == 2 * rounds
    assert set(stored.values()) == {3}
    for store in stores:
        store.close()


def test_the_store_checks_all_and_counts_each_counter_once(pg_url, postgres_cluster):
    store = PostgresCounterStore(pg_url)

    check_all_then_count_each_once(store, tokens=150.25)

    # A kill switch refuses at 0; a call refused by a second limit counts in neither.
    assert store.admit([Check("requests/day/user|0|u", 0, 86_400, True)], 3.0) == [(0, 0.0)]
    user, everyone = Check("r/user|0|alice", 1, 86_400, True), Check("r/all|0|", 5, 86_400, True)
    assert store.admit([user, everyone], 3.0) == []
    assert store.admit([everyone, user], 3.0) == [(1, 1.0)]
    assert store.admit([Check("r/user|0|bob", 1, 86_400, True), everyone], 3.0) == []
    assert counters(postgres_cluster, pg_url) == {
        "requests/day/global|0|": 2,
        "tokens/day/global|0|": 150.25,
        "requests/day/user|0|u": 0,
        "r/user|0|alice": 1,
        "r/user|0|bob": 1,
        "r/all|0|": 2,
    }
    store.close()


def test_sessions_starting_at_once_create_the_table_and_function_once(pg_url, postgres_cluster):
    stores = [PostgresCounterStore(pg_url) for _ in range(8)]
    start = threading.Barrier(len(stores))
    answers: list[Any] = []

    def first_check(store: PostgresCounterStore) -> None:
        start.wait()
        try:
            answers.append(store.admit([Check("requests/day/global|0|", 100, 86_400, True)], 1.0))
        except Exception as exc:  # collected: an assertion here would be lost in the thread
            answers.append(exc)

    threads = [threading.Thread(target=first_check, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers == [[]] * 8
    assert counters(postgres_cluster, pg_url) == {"requests/day/global|0|": 8}
    functions = postgres_cluster.query(
        pg_url, "SELECT count(*) FROM pg_proc WHERE proname = 'prysm_usage_admit'"
    )
    assert functions == [(1,)]
    for store in stores:
        store.close()


def test_a_role_without_create_rights_uses_what_an_administrator_made(
    capture, client, server, pg_url, postgres_cluster
):
    PostgresCounterStore(pg_url).value("any")  # creates the table and function
    role = f"limited_{os.getpid()}"
    for statement in (
        f"CREATE ROLE {role} LOGIN PASSWORD 'limited-pw'",
        f"REVOKE CREATE ON SCHEMA public FROM PUBLIC, {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON prysm_usage_counters TO {role}",
    ):
        postgres_cluster.query(pg_url, statement)
    limited = pg_url.replace(f"prysm:{PASSWORD}@", f"{role}:limited-pw@")
    watched = capture.monitor(
        client, limits=[UsageLimit("requests", 1, LONG_WINDOW)], limits_store=limited
    )

    chat(watched)
    with pytest.raises(openai.RateLimitError):
        chat(watched)
    assert len(server.requests) == 1


def test_a_forked_child_opens_a_session_of_its_own_and_leaves_the_parents_alone(
    pg_url, postgres_cluster
):
    store = PostgresCounterStore(pg_url)
    check = [Check("requests/day/global|0|", 10, 86_400, True)]
    assert store.admit(check, 1.0) == []
    assert store._connection is not None
    [(parent_backend,)] = store._connection.execute("SELECT pg_backend_pid()").fetchall()
    reader, writer = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns about forking a process with threads (the deadline's is one).
        warnings.simplefilter("ignore", DeprecationWarning)
        child = os.fork()
    if child == 0:  # the child: report what it got, then leave without any cleanup
        try:
            answer = store.admit(check, 1.0)
            assert store._connection is not None
            [(backend,)] = store._connection.execute("SELECT pg_backend_pid()").fetchall()
            os.write(writer, json.dumps([answer, backend]).encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        child_answer, child_backend = json.loads(pipe.read())
    os.waitpid(child, 0)

    assert store.admit(check, 1.0) == []  # the parent's session still works
    [(backend,)] = store._connection.execute("SELECT pg_backend_pid()").fetchall()
    assert (child_answer, backend) == ([], parent_backend)
    assert child_backend != parent_backend
    assert counters(postgres_cluster, pg_url) == {"requests/day/global|0|": 3}
    store.close()


# --- windows, tokens and cost ------------------------------------------------------------------


def test_a_new_window_starts_from_zero_in_postgresql(
    capture, client, server, pg_url, postgres_cluster
):
    limit = UsageLimit("requests", 2, "minute")
    watched = capture.monitor(client, limits=[limit], limits_store=pg_url)

    cross_a_minute(watched)

    assert enforcer(watched).used(limit) == 1
    assert len(server.requests) == 3
    before, after = window_start(limit, T0), window_start(limit, T0 + 30)
    assert counters(postgres_cluster, pg_url) == {
        f"requests/minute/global|{before}|": 2,
        f"requests/minute/global|{after}|": 1,
    }


def test_counters_of_ended_windows_are_swept_a_margin_after_their_end(
    pg_url, postgres_cluster, monkeypatch
):
    monkeypatch.setattr("prysmai.limits.postgres_store._SWEEP_EVERY", 3)
    store = PostgresCounterStore(pg_url)
    store.add([("tokens/60/global|0|", 60.0, 5.0)], 30.0)
    assert store.admit([Check("requests/60/global|0|", 9, 60.0, True)], 30.0) == []
    assert store.admit([Check("requests/60/global|60|", 9, 120.0, True)], 61.0) == []
    # The third counted request sweeps: at 125 the window that ended at 60 is 65 s past (gone),
    # the one that ended at 120 only 5 s (kept for clocks that lag behind).
    assert store.admit([Check("requests/60/global|120|", 9, 180.0, True)], 125.0) == []

    assert counters(postgres_cluster, pg_url) == {
        "requests/60/global|60|": 1,
        "requests/60/global|120|": 1,
    }
    store.close()


def test_tokens_and_cost_are_added_after_the_call(
    capture, client, server, pg_url, postgres_cluster
):
    tokens = UsageLimit("tokens", 10, "day")
    cost = UsageLimit("cost_usd", 1, "day", scope="model")
    watched = capture.monitor(client, limits=[tokens, cost], limits_store=pg_url)

    answer = chat(watched)
    [span] = capture.attributes()  # waits for the worker, which adds the usage
    assert answer.usage.total_tokens > 10
    assert enforcer(watched).used(tokens) == answer.usage.total_tokens
    assert enforcer(watched).used(cost, "gpt-4o-mini") == pytest.approx(span[semconv.COST_USD])

    with pytest.raises(openai.RateLimitError) as caught:
        chat(watched)
    assert caught.value.body["usage_limit"]["metric"] == "tokens"
    assert caught.value.body["usage_limit"]["used"] == answer.usage.total_tokens
    assert len(server.requests) == 1
    assert sorted(counters(postgres_cluster, pg_url).values()) == [
        pytest.approx(span[semconv.COST_USD]),
        answer.usage.total_tokens,
    ]


def test_a_nul_or_lone_surrogate_in_a_user_id_cannot_escape_the_limits(
    capture, client, server, pg_url, postgres_cluster
):
    limit = UsageLimit("requests", 1, "day", scope="user")
    watched = capture.monitor(client, limits=[limit], limits_store=pg_url)
    for user in ("nul\x00user", json.loads('"evil\\ud800"')):
        with prysm_context(user_id=user):
            chat(watched)
            with pytest.raises(openai.RateLimitError):
                chat(watched)

    assert len(server.requests) == 2
    start = window_start(limit, time.time())
    nul_digest = hashlib.sha256(b"nul\x00user").hexdigest()
    assert counters(postgres_cluster, pg_url) == {
        f"requests/day/user|{start}|sha256:{nul_digest}": 1,
        f"requests/day/user|{start}|evil\ufffd": 1,
    }


def test_long_or_nul_scope_values_get_counters_of_their_own(
    capture, client, server, pg_url, postgres_cluster
):
    """A 3,000-character user id is counted (PostgreSQL refuses such a key, and a refused check
    would let every call through); "a<NUL>b" and "a<U+FFFD>b" are two users, not one."""
    limit = UsageLimit("requests", 1, "day", scope="user")
    watched = capture.monitor(client, limits=[limit], limits_store=pg_url)
    users = [secrets.token_hex(1500), "a\x00b", "a\ufffdb"]
    refused = []
    for user in users:
        with prysm_context(user_id=user):
            chat(watched)
            with pytest.raises(openai.RateLimitError) as caught:
                chat(watched)
            refused.append(caught.value.body["usage_limit"]["scope_value"] == user)

    assert (len(server.requests), refused) == (3, [True, True, True])
    assert len(counters(postgres_cluster, pg_url)) == 3


# --- the server failing --------------------------------------------------------------------------


def test_a_server_that_stops_lets_calls_through_then_counts_again(
    client, server, own_cluster, monkeypatch, caplog, fresh_fault_log
):
    # A long backoff, ended by hand below: what happens during it does not hang on timing.
    monkeypatch.setattr("prysmai.limits.postgres_store._RETRY_AFTER_FAILURE_S", 600.0)
    url = own_cluster.create_database()
    limit = UsageLimit("requests", 3, LONG_WINDOW)
    before = fault_counts().get(CHECKING, 0)
    with capture_calls(strict=False) as capture, caplog.at_level(logging.WARNING, "prysmai"):
        watched = capture.monitor(client, limits=[limit], limits_store=url)
        store = enforcer(watched).store
        chat(watched)
        chat(watched)

        own_cluster.stop()
        chat(watched)  # the session is gone: the call goes, uncounted
        own_cluster.start()
        chat(watched)  # still backing off: the server is not even asked
        assert fault_counts()[CHECKING] == before + 2

        store._retry_at = 0.0  # the backoff has passed: a new session
        chat(watched)
        with pytest.raises(openai.RateLimitError) as caught:
            chat(watched)
        capture.spans()

    assert caught.value.body["usage_limit"]["used"] == 3
    assert len(server.requests) == 5
    assert fault_counts()[CHECKING] == before + 2
    assert list(counters(own_cluster, url).values()) == [3]
    [logged] = [r for r in caplog.records if CHECKING in r.getMessage()]
    assert "without its usage limits" in logged.getMessage()
    assert logged.exc_info is not None
    assert isinstance(logged.exc_info[1], sqlite3.OperationalError)
    assert PASSWORD not in caplog.text


def test_calls_every_few_milliseconds_do_not_keep_a_restarted_server_waiting(
    client, server, own_cluster, monkeypatch
):
    monkeypatch.setattr("prysmai.limits.postgres_store._RETRY_AFTER_FAILURE_S", 0.3)
    url = own_cluster.create_database()
    limit = UsageLimit("requests", 100, LONG_WINDOW)
    with capture_calls(strict=False) as capture:
        watched = capture.monitor(client, limits=[limit], limits_store=url)
        chat(watched)
        own_cluster.stop()
        chat(watched)  # fails: the pause starts
        own_cluster.start()
        started = time.monotonic()
        while list(counters(own_cluster, url).values()) == [1]:
            assert time.monotonic() - started < 5, "calls during the pause kept extending it"
            chat(watched)
            time.sleep(0.02)
        capture.spans()

    assert list(counters(own_cluster, url).values()) == [2]


def test_a_refused_connection_lets_calls_through_and_logs_once(
    client, server, caplog, fresh_fault_log
):
    need_postgres()
    before = fault_counts().get(CHECKING, 0)
    url = closed_port_url()
    with capture_calls(strict=False) as capture, caplog.at_level(logging.WARNING, "prysmai"):
        watched = capture.monitor(
            client, limits=[UsageLimit("requests", 0, "day")], limits_store=url
        )
        started = time.monotonic()
        answers = [chat(watched) for _ in range(3)]
        elapsed = time.monotonic() - started
        spans = capture.spans()

    assert all(a.choices[0].message.content for a in answers)
    assert elapsed < 10  # generous: a refused connection fails at once, then a second's backoff
    assert len(server.requests) == 3
    assert len(spans) == 3  # still observed
    assert fault_counts()[CHECKING] == before + 3
    [logged] = [r for r in caplog.records if CHECKING in r.getMessage()]
    assert logged.exc_info is not None
    error = str(logged.exc_info[1])
    assert error.startswith("cannot connect to postgresql://prysm:***@127.0.0.1:")
    assert "Connection refused" in error
    assert PASSWORD not in caplog.text


def test_wrong_credentials_let_calls_through_without_showing_the_password(
    client, server, postgres_cluster, caplog, fresh_fault_log
):
    wrong = "not-the-pw-9931"
    url = postgres_cluster.url(password=wrong)
    with capture_calls(strict=False) as capture, caplog.at_level(logging.WARNING, "prysmai"):
        watched = capture.monitor(
            client, limits=[UsageLimit("requests", 0, "day")], limits_store=url
        )
        chat(watched)
        capture.spans()

    assert len(server.requests) == 1
    [logged] = [r for r in caplog.records if CHECKING in r.getMessage()]
    assert logged.exc_info is not None
    error = str(logged.exc_info[1])
    assert f"port {postgres_cluster.port}, database postgres, user prysm" in error
    assert 'password authentication failed for user "prysm"' in error
    assert wrong not in caplog.text
    assert wrong not in repr(enforcer(watched).store)


def test_a_check_waiting_for_a_locked_counter_fails_that_call_only(
    client, server, pg_url, postgres_cluster
):
    import psycopg

    store = PostgresCounterStore(pg_url, busy_timeout_s=0.2)
    limit = UsageLimit("requests", 5, LONG_WINDOW)
    before = fault_counts().get(CHECKING, 0)
    with capture_calls(strict=False) as capture:
        watched = capture.monitor(client, limits=[limit], limits_store=store)
        chat(watched)  # creates the counter
        with psycopg.connect(pg_url) as holder:  # a transaction: the lock stays until the end
            holder.execute("SELECT * FROM prysm_usage_counters FOR UPDATE")
            started = time.monotonic()
            chat(watched)  # the counter stays locked: sent, not counted
            waited = time.monotonic() - started
        chat(watched)  # at once: a busy check is no reason to leave the server alone
        capture.spans()

    assert 0.2 <= waited < 5
    assert len(server.requests) == 3
    assert fault_counts()[CHECKING] == before + 1
    assert list(counters(postgres_cluster, pg_url).values()) == [2]


def test_a_server_that_stops_answering_is_cut_off_and_the_call_goes(
    client, server, own_cluster, caplog, fresh_fault_log
):
    if os.geteuid() != 0:
        pytest.skip("pausing the server's process needs root: it runs as another user")
    url = own_cluster.create_database()
    store = PostgresCounterStore(url, busy_timeout_s=0.2)  # answers due within 1.2 s
    limit = UsageLimit("requests", 0, LONG_WINDOW)
    with capture_calls(strict=False) as capture, caplog.at_level(logging.WARNING, "prysmai"):
        watched = capture.monitor(client, limits=[limit], limits_store=store)
        with pytest.raises(openai.RateLimitError):
            chat(watched)  # the session is open
        assert store._connection is not None
        [(backend,)] = store._connection.execute("SELECT pg_backend_pid()").fetchall()
        os.kill(backend, signal.SIGSTOP)  # its socket still accepts; nothing answers
        try:
            started = time.monotonic()
            answer = chat(watched)
            elapsed = time.monotonic() - started
        finally:
            os.kill(backend, signal.SIGCONT)
        capture.spans()

    assert answer.choices[0].message.content
    assert 1.2 <= elapsed < 5
    assert len(server.requests) == 1
    [logged] = [r for r in caplog.records if CHECKING in r.getMessage()]
    assert logged.exc_info is not None
    assert str(logged.exc_info[1]) == (
        f"the usage counter store {own_cluster.url(url.rsplit('/', 1)[1], password='***')}"
        " did not answer within 1.2 s"
    )


def test_a_server_that_never_answers_the_connection_costs_one_timeout_a_second(
    client, server, monkeypatch
):
    need_postgres()
    listener = socket.create_server(("127.0.0.1", 0))  # accepts nothing, answers nothing
    port = listener.getsockname()[1]
    url = f"postgresql://prysm:{PASSWORD}@127.0.0.1:{port}/prysm"
    before = fault_counts().get(CHECKING, 0)
    try:
        with capture_calls(strict=False) as capture:
            watched = capture.monitor(
                client, limits=[UsageLimit("requests", 0, "day")], limits_store=url
            )
            timings = []
            for _ in range(2):
                started = time.monotonic()
                chat(watched)
                timings.append(time.monotonic() - started)
            capture.spans()
    finally:
        listener.close()

    assert 2 <= timings[0] < 6  # libpq's shortest connect timeout
    assert timings[1] < 1  # within the second's backoff: not tried again
    assert len(server.requests) == 2
    assert fault_counts()[CHECKING] == before + 2


def test_under_test_a_postgresql_failure_raises(capture, client):
    need_postgres()
    watched = capture.monitor(
        client, limits=[UsageLimit("requests", 1, "day")], limits_store=closed_port_url()
    )
    error = raised_by_transport(lambda: chat(watched))
    assert isinstance(error, sqlite3.OperationalError)
    assert PASSWORD not in str(error)


# --- configuration -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "postgresql://me:hunter2@127.0.0.1:99999/prysm",
            r"usage limit store: invalid PostgreSQL URL postgresql://me:\*\*\*@127.0.0.1:99999/"
            "prysm: the port must be a number from 1 to 65535",
        ),
        (
            "postgresql://me:hunter2@db.internal/prysm?connecttimeout=3",
            r"usage limit store postgresql://me:\*\*\*@db.internal/prysm\?connecttimeout=3 is "
            'not a URL libpq can use: invalid URI query parameter: "connecttimeout"',
        ),
        (
            "postgres://me:hunter2%zz@db.internal/prysm",
            r"usage limit store postgres://me:\*\*\*@db.internal/prysm is not a URL libpq can "
            r'use: invalid percent-encoded token: "\*\*\*"',
        ),
        (
            "postgresql://me:hunter2@[::1/prysm",
            r"invalid PostgreSQL URL postgresql://me:\*\*\*@\[::1/prysm: a '\[' without '\]'",
        ),
    ],
)
def test_bad_postgresql_urls_are_configuration_errors(client, url, message):
    need_postgres()
    with pytest.raises(ConfigurationError, match=message) as caught:
        monitor(client, limits=[UsageLimit("requests", 1, "day")], limits_store=url)
    assert "hunter2" not in str(caught.value)


def test_a_bad_url_in_the_environment_names_the_variable(client, monkeypatch):
    need_postgres()
    monkeypatch.setenv("PRYSM_USAGE_LIMITS", '[{"metric": "requests", "limit": 1, "window": 60}]')
    monkeypatch.setenv("PRYSM_USAGE_LIMITS_STORE", "postgresql://app:hunter2@db:port/prysm")
    with pytest.raises(ConfigurationError) as caught:
        monitor(client)
    assert str(caught.value) == (
        "PRYSM_USAGE_LIMITS_STORE: usage limit store: invalid PostgreSQL URL "
        "postgresql://app:***@db:port/prysm: the port must be a number from 1 to 65535"
    )


def test_without_psycopg_a_postgresql_url_is_a_clear_error(client, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # "import psycopg" raises ImportError
    with pytest.raises(ConfigurationError, match=r"pip install 'prysmai\[postgres\]'"):
        monitor(client, limits=[UsageLimit("requests", 1, "day")], limits_store="postgresql://h/db")
    # The other stores do not need it.
    watched = monitor(client, limits=[UsageLimit("requests", 1, "day")], limits_store="memory")
    assert recorder_of(watched) is not None


def test_monitoring_with_a_postgresql_url_connects_nowhere_before_the_first_call(client):
    need_postgres()
    started = time.monotonic()
    watched = monitor(
        client,
        limits=[UsageLimit("requests", 1, "day")],
        limits_store=f"postgresql://app:pw@127.0.0.1:{free_port()}/prysm",
    )
    assert time.monotonic() - started < 1
    store = enforcer(watched).store
    assert isinstance(store, PostgresCounterStore)
    assert store._connection is None
