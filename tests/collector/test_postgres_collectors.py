"""Several collectors on one PostgreSQL database, a database that goes away, and bad URLs.

The collectors here are real ``prysmai serve`` processes (or in-process servers where the test
needs to look inside); the database is a private PostgreSQL cluster (see tests/pg_cluster.py).
"""

from __future__ import annotations

import http.client
import json
import logging
import sqlite3
import threading
import time

import pytest

from prysmai import store_postgres
from prysmai.cli.main import main
from prysmai.store_location import PostgresUrl, parse_location
from prysmai.store_schema import SCHEMA_VERSION
from tests.collector.conftest import (
    KEY_RE,
    ServeProcess,
    make_span,
    serve_together,
    trace_request,
    wait_for,
)
from tests.pg_cluster import PASSWORD, PostgresCluster, free_port
from tests.test_store_location import TRICKY_URLS


def export_to(port: int, key: str, first_span: int, count: int) -> int:
    """Send ``count`` spans with ids from ``first_span`` on to the collector at ``port``."""
    spans = [
        make_span(span_id=number.to_bytes(8, "big"), trace_id=number.to_bytes(16, "big"))
        for number in range(first_span, first_span + count)
    ]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(
            "POST",
            "/v1/traces",
            body=trace_request(*spans).SerializeToString(),
            headers={"Content-Type": "application/x-protobuf", "Authorization": f"Bearer {key}"},
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_two_serve_processes_started_together_share_one_database(
    pg_url, postgres_cluster: PostgresCluster, capsys: pytest.CaptureFixture[str]
):
    collectors = [ServeProcess(pg_url, "--alert-interval", "0") for _ in range(2)]
    try:
        for collector in collectors:
            collector.wait_ready()
        printed = [key for collector in collectors for key in collector.keys]
        key = printed[0]
        answers: list[int] = []

        def send(index: int) -> None:
            # 10 exports of 10 spans to each collector, at the same time.
            for batch in range(10):
                first = 1 + index * 1000 + batch * 10
                answers.append(export_to(collectors[index].port, key, first, 10))

        threads = [threading.Thread(target=send, args=(index,)) for index in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

        assert main(["keys", "create", "--name", "shared", "--db", pg_url]) == 0
        new_key = KEY_RE.search(capsys.readouterr().out)
        assert new_key is not None
        # Each collector rereads the keys every second.
        accepted = [
            wait_for(lambda port=c.port: export_to(port, new_key.group(), 5000, 1) == 200)
            for c in collectors
        ]
    finally:
        exits = [collector.stop() for collector in collectors]

    assert exits == [130, 130]
    assert len(printed) == 1  # the first start creates a key, one between the two
    assert answers == [200] * 20
    assert accepted == [True, True]
    assert postgres_cluster.query(pg_url, "SELECT version FROM schema_version") == [
        (SCHEMA_VERSION,)
    ]
    assert postgres_cluster.query(
        pg_url, "SELECT COUNT(*), COUNT(DISTINCT span_id) FROM spans"
    ) == [(201, 201)]
    assert main(["stats", "--window", "all", "--json", "--db", pg_url]) == 0
    assert json.loads(capsys.readouterr().out)["count"] == 201


def test_a_database_that_goes_away_gets_503_and_the_collector_recovers(
    make_collector, own_cluster: PostgresCluster, caplog: pytest.LogCaptureFixture
):
    url = own_cluster.create_database()
    collector = make_collector(db_path=parse_location(url))
    first = make_span(span_id=b"\x01" * 8)
    assert collector.export(trace_request(first).SerializeToString()).status == 200
    caplog.set_level(logging.WARNING)

    own_cluster.stop()
    time.sleep(1.1)  # past the key cache: the collector finds the database gone
    during = collector.export(trace_request(make_span(span_id=b"\x02" * 8)).SerializeToString())
    stats_during = collector.get("/api/stats")
    health = collector.get("/healthz")
    own_cluster.start()
    after = wait_for(
        lambda: (
            answer
            if (
                answer := collector.export(
                    trace_request(make_span(span_id=b"\x02" * 8)).SerializeToString()
                )
            ).status
            == 200
            else None
        )
    )

    assert (during.status, during.headers["retry-after"]) == (503, "5")
    assert stats_during.status == 503
    assert json.loads(stats_during.body) == {"error": "the store cannot be read right now"}
    assert health.status == 200
    assert after.status == 200
    assert [row.span_id for row in collector.rows()] == ["02" * 8, "01" * 8]
    warnings = "\n".join(record.getMessage() for record in caplog.records)
    assert f"127.0.0.1:{own_cluster.port}" in warnings
    assert PASSWORD not in warnings


def _one_line_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1, err
    return err


@pytest.mark.parametrize(
    "command",
    [
        ("traces",),
        ("stats",),
        ("keys", "list"),
        ("alerts", "list"),
        ("purge", "--older-than", "7d"),
        ("serve", "--port", "0"),
    ],
)
def test_a_refused_connection_is_one_line_naming_the_server_not_the_password(
    command, postgres_cluster: PostgresCluster, capsys
):
    port = free_port()  # nothing listens there
    url = f"postgresql://prysm:{PASSWORD}@127.0.0.1:{port}/prysm"

    err = _one_line_error(capsys, *command, "--db", url)

    assert err.startswith("OperationalError: ")
    assert f"host 127.0.0.1, port {port}, database prysm, user prysm" in err
    assert "Connection refused" in err
    assert PASSWORD not in err


def test_bad_credentials_and_unknown_databases_are_named_without_the_password(
    postgres_cluster: PostgresCluster, capsys
):
    wrong = "not-the-pw-4412"
    bad_password = postgres_cluster.url(password=wrong)
    unknown = postgres_cluster.url("nowhere")

    password_error = _one_line_error(capsys, "stats", "--db", bad_password)
    database_error = _one_line_error(capsys, "keys", "create", "--db", unknown)

    port = postgres_cluster.port
    assert f"host 127.0.0.1, port {port}, database postgres, user prysm" in password_error
    assert 'password authentication failed for user "prysm"' in password_error
    assert wrong not in password_error
    assert f"host 127.0.0.1, port {port}, database nowhere" in database_error
    assert 'database "nowhere" does not exist' in database_error
    assert PASSWORD not in database_error


def test_a_port_that_is_not_a_number_is_a_usage_error_without_the_password(capsys):
    url = "postgresql://me:hunter2-secret@127.0.0.1:99999/prysm"

    err = _one_line_error(capsys, "traces", "--db", url)

    assert err == (
        "UsageError: argument --db: invalid PostgreSQL URL postgresql://me:***@127.0.0.1:99999/"
        "prysm: the port must be a number from 1 to 65535 (see 'prysmai traces --help')\n"
    )


@pytest.mark.parametrize(
    ("url", "shown", "reason"),
    [
        (
            "postgres://me:hunter2%zz@127.0.0.1:5432/prysm",
            "postgres://me:***@127.0.0.1:5432/prysm",
            'invalid percent-encoded token: "***"',
        ),
        (
            "postgresql://me@127.0.0.1:5432/prysm?password=hunter2-secret&sslmode=bogus",
            "postgresql://me@127.0.0.1:5432/prysm?password=***&sslmode=bogus",
            'invalid sslmode value: "bogus"',
        ),
    ],
)
def test_urls_libpq_refuses_are_named_without_the_password(
    url, shown, reason, postgres_cluster: PostgresCluster, capsys
):
    err = _one_line_error(capsys, "traces", "--db", url)

    assert err.startswith(
        f"OperationalError: cannot connect to {shown} (host 127.0.0.1, port 5432, database "
        "prysm, user me): "
    )
    assert err.rstrip().endswith(reason)
    assert "hunter2" not in err


def test_serve_processes_starting_together_on_an_empty_database_create_one_key(
    postgres_cluster: PostgresCluster,
):
    # Each round a fresh database; three processes make the old check-then-create race likely.
    for round_number in range(4):
        url = postgres_cluster.create_database()

        printed = serve_together(url, 3)

        stored = postgres_cluster.query(url, "SELECT prefix, name FROM api_keys")
        assert len(printed) == 1, round_number
        assert stored == [(printed[0][:17], "created by serve")]


@pytest.mark.parametrize(("url", "shown", "pieces", "refused"), TRICKY_URLS)
def test_the_cli_names_a_tricky_url_without_any_piece_of_its_password(
    url, shown, pieces, refused, postgres_cluster: PostgresCluster, capsys
):
    port = free_port()  # nothing listens there
    url, shown = url.format(port=port), shown.format(port=port)

    err = _one_line_error(capsys, "keys", "list", "--db", url)

    if refused:
        assert err.startswith(f"UsageError: argument --db: invalid PostgreSQL URL {shown}: ")
    else:
        assert err.startswith(f"OperationalError: cannot connect to {shown} (host 127.0.0.1, ")
        assert "Connection refused" in err
    for piece in pieces:
        assert piece not in err


def test_an_upper_case_scheme_connects_and_a_dbname_parameter_is_the_one_named(
    postgres_cluster: PostgresCluster, capsys
):
    upper = postgres_cluster.url().replace("postgresql://", "POSTGRESQL://")

    code = main(["keys", "list", "--db", upper])
    listed = capsys.readouterr()
    error = _one_line_error(capsys, "stats", "--db", f"{postgres_cluster.url()}?dbname=nowhere")

    assert (code, listed.err) == (0, "")
    port = postgres_cluster.port
    assert f"(host 127.0.0.1, port {port}, database nowhere, user prysm)" in error
    assert 'database "nowhere" does not exist' in error
    assert PASSWORD not in error


def test_sessions_have_keepalives_and_the_collector_s_have_a_statement_timeout(pg_url):
    plain = parse_location(pg_url)
    assert isinstance(plain, PostgresUrl)
    own = parse_location(f"{pg_url}?keepalives_idle=7&tcp_user_timeout=9000")
    assert isinstance(own, PostgresUrl)
    sessions = [
        store_postgres.connect(plain),
        store_postgres.connect(plain.with_statement_timeout(1.5)),
        store_postgres.connect(own),
    ]
    names = ("keepalives", "keepalives_idle", "keepalives_count", "tcp_user_timeout")
    try:
        settings = [
            (
                session.execute("SHOW statement_timeout").fetchone()[0],
                session.execute("SHOW lock_timeout").fetchone()[0],
                tuple(session._connection.info.get_parameters().get(name) for name in names),
            )
            for session in sessions
        ]
        with pytest.raises(sqlite3.OperationalError) as cancelled:
            sessions[1].execute("SELECT pg_sleep(5)")
    finally:
        for session in sessions:
            session.close()

    assert settings == [
        ("0", "5s", ("1", "30", "3", "60000")),
        ("1500ms", "5s", ("1", "30", "3", "60000")),
        ("0", "5s", ("1", "7", "3", "9000")),
    ]
    assert str(cancelled.value) == "canceling statement due to statement timeout"
    assert cancelled.value.sqlstate == "57014"  # type: ignore[attr-defined]


def test_a_database_that_stops_answering_gets_503_in_bounded_time_and_recovers(
    make_collector, own_cluster: PostgresCluster, caplog: pytest.LogCaptureFixture
):
    url = own_cluster.create_database() + "?connect_timeout=2"
    collector = make_collector(db_path=parse_location(url), db_statement_timeout_s=1.0)
    assert (
        collector.export(trace_request(make_span(span_id=b"\x01" * 8)).SerializeToString()).status
        == 200
    )
    caplog.set_level(logging.WARNING)
    location = parse_location(url)
    assert isinstance(location, PostgresUrl)
    session = store_postgres.connect(location.with_statement_timeout(0.5))

    frozen = own_cluster.freeze()
    try:
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError) as no_answer:
            session.execute("SELECT 1")
        session_s = time.monotonic() - started
        broken = session.is_broken
        session.close()
        time.sleep(1.1)  # past the key cache: the collector asks the database
        started = time.monotonic()
        during = collector.export(trace_request(make_span(span_id=b"\x02" * 8)).SerializeToString())
        export_s = time.monotonic() - started
        started = time.monotonic()
        stats_during = collector.get("/api/stats")
        stats_s = time.monotonic() - started
    finally:
        own_cluster.thaw(frozen)
    after = wait_for(
        lambda: (
            collector.export(
                trace_request(make_span(span_id=b"\x02" * 8)).SerializeToString()
            ).status
            == 200
        )
    )

    port = own_cluster.port
    assert str(no_answer.value) == (
        f"no answer from the database within 2.5 s (host 127.0.0.1, port {port}, database "
        f"{url.rsplit('/', 1)[1].split('?')[0]}, user prysm); the session was closed"
    )
    assert 2.5 <= session_s < 4
    assert broken is True
    # Keys (1 s + 2 s grace), the write (the same), a new session (2 s connect timeout).
    assert (during.status, during.headers["retry-after"]) == (503, "5")
    assert export_s < 9.5
    assert stats_during.status == 503
    assert stats_s < 9.5
    assert after is True
    assert [row.span_id for row in collector.rows()] == ["02" * 8, "01" * 8]
    warnings = "\n".join(record.getMessage() for record in caplog.records)
    assert "connection timeout expired" in warnings  # the new session the writer tried
    assert PASSWORD not in warnings
