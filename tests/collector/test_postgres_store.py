"""The collector's store in PostgreSQL: schema, the same answers as SQLite, keys, alerts, purge.

Every test gets a fresh database in a private PostgreSQL cluster (see tests/pg_cluster.py);
they skip without PostgreSQL unless PRYSM_REQUIRE_POSTGRES=1. The same spans go through the
real OTLP receiver into a SQLite collector and a PostgreSQL one, and every reader (CLI,
dashboard API, alerts) must give the same answer from both.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
from typing import Any

import openai
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse

import prysmai
from prysmai import semconv, store_postgres
from prysmai.cli.main import main
from prysmai.collector import receiver as receiver_module
from prysmai.collector.alert_delivery import Result, deliver
from prysmai.collector.alert_engine import AlertEvaluator
from prysmai.collector.alert_messages import Notification
from prysmai.collector.alert_rules import AlertRule, Channel, url_channel
from prysmai.collector.alert_store import AlertStore
from prysmai.collector.keys import KeyStore
from prysmai.store import TraceStore, parts_to_row, write_rows
from prysmai.store_dialect import INDEXED_TEXT_BYTES, POSTGRES, SQLITE
from prysmai.store_location import parse_location
from prysmai.store_schema import SCHEMA_VERSION, SPAN_COLUMNS, connect_for_writing, migrate
from prysmai.testing.fake_openai import FakeOpenAIServer
from tests.collector.conftest import (
    Collector,
    call_attributes,
    error_status,
    make_span,
    trace_request,
    wait_for,
)
from tests.pg_cluster import PostgresCluster

DAY_NS = 86_400 * 10**9
MINUTE_NS = 60 * 10**9


def sample_request(now_ns: int) -> bytes:
    """Calls of two models, an error, a flagged and a blocked call, an old call, a plain span."""
    spans = [
        make_span(span_id=b"\x01" * 8, start_ns=now_ns - 5 * MINUTE_NS),
        make_span(
            call_attributes(
                gen_ai__request__model="gpt-4o",
                gen_ai__response__model="gpt-4o-2024-08-06",
                prysm__latency_ms=900.0,
                prysm__cost__usd=0.0125,
                user__id="bob",
            ),
            span_id=b"\x02" * 8,
            start_ns=now_ns - 4 * MINUTE_NS,
        ),
        make_span(
            call_attributes(error__type="RateLimitError", prysm__cost__usd=None),
            span_id=b"\x03" * 8,
            start_ns=now_ns - 3 * MINUTE_NS,
        ),
        make_span(
            call_attributes(
                **{semconv.THREAT_LEVEL.replace(".", "__"): "high", "prysm__latency_ms": 75.5}
            ),
            span_id=b"\x04" * 8,
            start_ns=now_ns - 2 * MINUTE_NS,
        ),
        # Blocked, without a threat level, and with NUL characters in its attributes (which
        # PostgreSQL text cannot hold): found through the JSON action all the same.
        make_span(
            {
                **call_attributes(),
                semconv.SECURITY_ACTION: "blocked",
                "odd\x00key": "a\x00b",
            },
            span_id=b"\x05" * 8,
            start_ns=now_ns - MINUTE_NS,
        ),
        make_span(span_id=b"\x06" * 8, start_ns=now_ns - 2 * DAY_NS),
        make_span({"http.method": "POST"}, span_id=b"\x07" * 8, name="plain span"),
    ]
    spans[2].status.CopyFrom(error_status("rate limited"))
    return trace_request(*spans).SerializeToString()


def without_rowids(payload: Any) -> Any:
    """Row ids number rows per database; everything else must match."""
    if isinstance(payload, dict):
        return {
            k: without_rowids(v) for k, v in payload.items() if k not in ("rowid", "last_rowid")
        }
    if isinstance(payload, list):
        return [without_rowids(item) for item in payload]
    return payload


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[Any]:
    assert main(list(args)) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_schema_is_created_with_64_bit_columns_and_migrating_again_changes_nothing(
    pg_url, postgres_cluster: PostgresCluster
):
    location = parse_location(pg_url)
    first = connect_for_writing(location)
    again = migrate(first)
    first.close()
    connect_for_writing(location).close()

    assert again == SCHEMA_VERSION
    assert postgres_cluster.query(pg_url, "SELECT version FROM schema_version") == [
        (SCHEMA_VERSION,)
    ]
    tables = postgres_cluster.query(
        pg_url,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        " ORDER BY table_name",
    )
    assert [name for (name,) in tables] == [
        "alert_history",
        "alert_rules",
        "alert_state",
        "api_keys",
        "model_prices",
        "schema_version",
        "security_settings",
        "spans",
    ]
    types = dict(
        postgres_cluster.query(
            pg_url,
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_name = 'spans'",
        )
    )
    assert (types["id"], types["start_time_ns"], types["input_tokens"]) == ("bigint",) * 3
    assert (types["latency_ms"], types["cost_usd"]) == ("double precision",) * 2
    assert types["attributes"] == "text"


def test_spans_read_the_same_from_postgresql_as_from_sqlite(
    make_collector, pg_url, capsys: pytest.CaptureFixture[str]
):
    now_ns = time.time_ns()
    body = sample_request(now_ns)
    sqlite_side: Collector = make_collector()
    pg_side: Collector = make_collector(db_path=parse_location(pg_url))
    for side in (sqlite_side, pg_side):
        assert side.export(body).status == 200
        # Sent again: each span replaces itself.
        assert side.export(body).status == 200

    answers = []
    for side in (sqlite_side, pg_side):
        db = str(side.db) if side is sqlite_side else pg_url
        answers.append(
            {
                "traces": cli_json(capsys, "traces", "--json", "-n", "50", "--db", db),
                "stats": cli_json(capsys, "stats", "--window", "all", "--json", "--db", db),
                "stats_24h": json.loads(side.get("/api/stats?window=24h").body),
                "calls": json.loads(side.get("/api/calls?limit=50").body),
                "security": json.loads(side.get("/api/security").body),
                "detail": json.loads(side.get("/api/calls/" + "05" * 8).body),
                "series": json.loads(side.get("/api/series?window=all").body),
            }
        )
    from_sqlite, from_pg = answers

    for answer in answers:
        del answer["stats"][0]["db"]  # names the store
        for bucket_field in ("start_ns", "end_ns", "bucket_ns"):
            answer["series"].pop(bucket_field)  # "now" differs between the two requests
        answer["series"]["buckets"] = [
            {k: v for k, v in bucket.items() if k not in ("start_ns", "end_ns")}
            for bucket in answer["series"]["buckets"]
        ]
    assert without_rowids(from_pg) == without_rowids(from_sqlite)
    stats = from_pg["stats_24h"]
    assert (stats["count"], stats["error_count"], stats["threats"]["high"]) == (5, 1, 1)
    assert stats["cost_usd"] == pytest.approx(0.0125 + 3 * 0.0000222)
    assert [call["span_id"] for call in from_pg["security"]["calls"]] == ["05" * 8, "04" * 8]
    assert from_pg["detail"]["attributes"]["odd\x00key"] == "a\x00b"  # kept in the JSON
    assert len(from_pg["traces"]) == 6  # model calls only, the old one included
    assert from_pg["stats"][0]["count"] == 6


def test_a_monitored_client_stores_into_postgresql_named_by_prysm_db_path(pg_url, monkeypatch):
    monkeypatch.setenv("PRYSM_DB_PATH", pg_url)  # no exporter and no key: the embedded store
    with FakeOpenAIServer() as server:
        sdk = openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0)
        client = prysmai.monitor(sdk)
        with prysmai.prysm_context(user_id="pg-user"):
            response = client.chat.completions.create(
                model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}]
            )
        assert prysmai.flush(timeout_s=10.0) is True
        sdk.close()

    with TraceStore() as store:
        [row] = store.recent()
    assert (row.request_model, row.user_id) == ("gpt-4o-mini", "pg-user")
    assert row.output_tokens == response.usage.completion_tokens


def test_keys_are_created_listed_revoked_and_checked_in_postgresql(
    pg_url, postgres_cluster: PostgresCluster, capsys: pytest.CaptureFixture[str]
):
    assert main(["keys", "create", "--name", "ci", "--db", pg_url]) == 0
    key = capsys.readouterr().out.strip()
    second = KeyStore(parse_location(pg_url))
    other = second.create(name="laptop")

    listed = cli_json(capsys, "keys", "list", "--json", "--db", pg_url)
    accepted = second.verify(key), second.verify(other)
    assert main(["keys", "revoke", key[:13], "--db", pg_url]) == 0
    revoked_message = capsys.readouterr().out
    time.sleep(1.1)  # the key store rereads the active keys every second
    after_revoke = second.verify(key), second.verify(other)
    second.close()

    stored = postgres_cluster.query(
        pg_url, "SELECT key_hash, prefix, name FROM api_keys ORDER BY id"
    )
    assert stored == [
        (hashlib.sha256(key.encode()).hexdigest(), key[:17], "ci"),
        (hashlib.sha256(other.encode()).hexdigest(), other[:17], "laptop"),
    ]
    assert [(item["id"], item["name"], item["active"]) for item in listed] == [
        (1, "ci", True),
        (2, "laptop", True),
    ]
    assert accepted == (True, True)
    assert revoked_message == f"Revoked key 1 ({key[:17]}...).\n"
    assert after_revoke == (False, True)


def test_alert_rules_are_managed_in_postgresql(pg_url, capsys: pytest.CaptureFixture[str]):
    hook = "https://hooks.example.com/services/T000/B000/secret"
    added = main(
        ["alerts", "add", "errors", "--metric", "error_rate", "--op", ">", "--threshold", "5%",
         "--window", "5m", "--webhook", hook, "--db", pg_url]
    )  # fmt: skip
    assert added == 0
    assert main(["alerts", "disable", "errors", "--db", pg_url]) == 0
    capsys.readouterr()
    [disabled] = cli_json(capsys, "alerts", "list", "--json", "--db", pg_url)
    assert main(["alerts", "enable", "1", "--db", pg_url]) == 0
    capsys.readouterr()
    [enabled] = cli_json(capsys, "alerts", "list", "--json", "--db", pg_url)
    duplicate = main(
        ["alerts", "add", "errors", "--metric", "request_count", "--op", ">", "--threshold",
         "1", "--window", "5m", "--webhook", hook, "--db", pg_url]
    )  # fmt: skip
    duplicate_error = capsys.readouterr().err
    assert main(["alerts", "remove", "errors", "--db", pg_url]) == 0
    capsys.readouterr()
    remaining = cli_json(capsys, "alerts", "list", "--json", "--db", pg_url)

    assert (disabled["name"], disabled["enabled"], enabled["enabled"]) == ("errors", False, True)
    assert (enabled["threshold"], enabled["window_s"]) == (0.05, 300)
    assert enabled["channels"] == ["webhook https://hooks.example.com/***"]
    assert (duplicate, duplicate_error) == (1, "RuleError: a rule named 'errors' exists already\n")
    assert remaining == []


def test_two_collectors_evaluating_at_once_notify_a_firing_rule_once(make_collector, pg_url, hook):
    location = parse_location(pg_url)
    first = make_collector(db_path=location, alert_interval_s=None)
    make_collector(db_path=location, alert_interval_s=None)  # shares the database
    now_ns = time.time_ns()
    failing = make_span(span_id=b"\x09" * 8, start_ns=now_ns - MINUTE_NS)
    failing.status.CopyFrom(error_status("boom"))
    assert first.export(trace_request(failing).SerializeToString()).status == 200
    with AlertStore(location) as alerts:
        rule = alerts.add(
            AlertRule(
                name="errors",
                metric="error_rate",
                operator=">",
                threshold=0.5,
                window_s=300,
                channels=(url_channel("webhook", f"http://127.0.0.1:{hook.port}/hook"),),
                repeat_s=3600,
            )
        )
    started = threading.Barrier(2)

    def slow_send(channel: Channel, notification: Notification) -> Result:
        time.sleep(0.5)  # the other collector's pass starts meanwhile
        return deliver(channel, notification, timeout_s=5)

    evaluators = [
        AlertEvaluator(location, dashboard_url="http://127.0.0.1:4318", send=slow_send)
        for _ in range(2)
    ]
    outcomes: list[list[Any]] = [[], []]

    def evaluate(index: int) -> None:
        started.wait()
        outcomes[index] = evaluators[index].evaluate()

    threads = [threading.Thread(target=evaluate, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    later = [evaluator.evaluate() for evaluator in evaluators]  # one after the other

    with AlertStore(location, read_only=True) as alerts:
        history = alerts.history()
        state = alerts.states()[rule.id]
    assert [body["event"] for _, _, body in hook.posts] == ["firing"]
    assert sorted(len(outcome) for outcome in outcomes) == [0, 1]  # one pass was skipped
    assert [[outcome.event for outcome in run] for run in later] == [[None], [None]]
    assert [(item.event, item.delivered) for item in history] == [("firing", True)]
    assert (state.state, state.last_value) == ("firing", 1.0)


def test_purge_and_vacuum_on_postgresql(make_collector, pg_url, capsys, postgres_cluster):
    collector = make_collector(db_path=parse_location(pg_url), retention_s=None)
    now_ns = time.time_ns()
    spans = [make_span(span_id=bytes([i + 1]) * 8, start_ns=now_ns - i * DAY_NS) for i in range(4)]
    assert collector.export(trace_request(*spans).SerializeToString()).status == 200
    collector.server.close()

    code = main(["purge", "--older-than", "36h", "--vacuum", "--db", pg_url])

    out = capsys.readouterr().out.splitlines()
    size = postgres_cluster.query(pg_url, "SELECT pg_total_relation_size('spans')")[0][0]
    left = postgres_cluster.query(pg_url, "SELECT span_id FROM spans ORDER BY span_id")
    redacted = pg_url.replace(pg_url.split(":")[2].split("@")[0], "***")
    assert code == 0
    assert out == [
        f"Deleted 2 spans older than 1d12h from {redacted}.",
        f"Table spans rebuilt: {size} bytes.",
    ]
    assert left == [("01" * 8,), ("02" * 8,)]


def test_a_collector_deletes_expired_spans_from_postgresql(make_collector, pg_url):
    location = parse_location(pg_url)
    keeping = make_collector(db_path=location, retention_s=None)
    old = make_span(span_id=b"\x01" * 8, start_ns=time.time_ns() - 2 * DAY_NS)
    new = make_span(span_id=b"\x02" * 8, start_ns=time.time_ns())
    assert keeping.export(trace_request(old, new).SerializeToString()).status == 200
    keeping.server.close()

    purging = make_collector(db_path=location, retention_s=86_400)

    wait_for(lambda: [row.span_id for row in purging.rows()] == ["02" * 8])


def test_long_indexed_values_are_stored_cut_in_postgresql_and_still_found(
    make_collector, pg_url, postgres_cluster: PostgresCluster
):
    # Past the 2704 bytes of a B-tree entry (random hex does not compress): the whole batch
    # used to fail, for ever, at each retry.
    user = secrets.token_hex(1500)
    model = "m" + secrets.token_hex(1400)
    session = "é" * 1500  # 3000 bytes in UTF-8: cut between characters
    collector: Collector = make_collector(db_path=parse_location(pg_url))
    long_span = make_span(
        call_attributes(user__id=user, gen_ai__request__model=model, session__id=session),
        span_id=b"\x02" * 8,
    )
    body = trace_request(make_span(span_id=b"\x01" * 8), long_span).SerializeToString()

    answer = collector.export(body)

    assert answer.status == 200
    stored = postgres_cluster.query(
        pg_url,
        "SELECT span_id, user_id, request_model, session_id, octet_length(session_id)"
        " FROM spans ORDER BY span_id",
    )
    assert stored == [
        ("01" * 8, "alice", "gpt-4o-mini", None, None),
        ("02" * 8, user[:2000], model[:2000], "é" * 1000, 2000),
    ]
    with TraceStore(parse_location(pg_url)) as store:
        [by_user] = store.recent(user=user, include_attributes=True)
        [by_model] = store.recent(model=model)
        by_cut_user = store.recent(user=user[:2000])
        model_stats = store.stats(model=model)
    assert by_user.span_id == by_model.span_id == "02" * 8
    assert by_user.attributes["user.id"] == user  # the whole value, in the JSON
    assert by_user.attributes["gen_ai.request.model"] == model
    assert [row.span_id for row in by_cut_user] == ["02" * 8]
    assert model_stats.count == 1


def test_a_row_postgresql_refuses_is_left_out_and_the_rest_of_its_batch_stored(
    pg_url, postgres_cluster: PostgresCluster
):
    rows = [
        parts_to_row(
            trace_id=1,
            span_id=number,
            parent_span_id=None,
            name="chat",
            start_ns=1_700_000_000_000_000_000,
            end_ns=None,
            status_code="OK",
            status_message=None,
            attributes={"gen_ai.operation.name": "chat", "user.id": f"user-{number}"},
            resource={},
            events=[],
        )
        for number in (1, 2, 3, 4)
    ]
    user_column = SPAN_COLUMNS.index("user_id")
    start_column = SPAN_COLUMNS.index("start_time_ns")
    # Past int64 (only a caller bypassing the checks can send it); a lone surrogate, which
    # has no UTF-8 form, is escaped instead of failing.
    rows[1] = rows[1][:start_column] + (2**63,) + rows[1][start_column + 1 :]
    rows[2] = rows[2][:user_column] + ("odd\ud800",) + rows[2][user_column + 1 :]
    connection = connect_for_writing(parse_location(pg_url))
    try:
        refused = write_rows(connection, rows)
        alone = write_rows(connection, [rows[1]])
    finally:
        connection.close()

    assert [(type(error), str(error), error.sqlstate) for error in refused] == [
        (sqlite3.DataError, "bigint out of range", "22003")
    ]
    assert [str(error) for error in alone] == ["bigint out of range"]
    assert postgres_cluster.query(pg_url, "SELECT span_id, user_id FROM spans ORDER BY id") == [
        ("0000000000000001", "user-1"),
        ("0000000000000003", "odd\\ud800"),
        ("0000000000000004", "user-4"),
    ]


def test_the_receiver_reports_refused_rows_as_rejected_spans(make_collector, pg_url, monkeypatch):
    collector: Collector = make_collector(db_path=parse_location(pg_url))
    start_column = SPAN_COLUMNS.index("start_time_ns")
    convert = receiver_module.request_to_rows

    def with_a_bad_row(message: Any, *prices: Any) -> Any:
        conversion = convert(message, *prices)
        bad = conversion.rows[0]
        conversion.rows[0] = bad[:start_column] + (2**63,) + bad[start_column + 1 :]
        return conversion

    monkeypatch.setattr(receiver_module, "request_to_rows", with_a_bad_row)
    spans = [make_span(span_id=bytes([number]) * 8) for number in (1, 2, 3)]

    answer = collector.export(trace_request(*spans).SerializeToString())

    response = ExportTraceServiceResponse.FromString(answer.body)
    assert answer.status == 200
    assert response.partial_success.rejected_spans == 1
    assert response.partial_success.error_message == (
        "the store refused the span: bigint out of range"
    )
    assert sorted(row.span_id for row in collector.rows()) == ["02" * 8, "03" * 8]


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("a" * 2500, "a" * 2000),
        ("é" * 1500, "é" * 1000),  # 2 bytes each
        ("€" * 700, "€" * 666),  # 3 bytes each: cut between characters
        ("\x00" * 1000, "\ufffd" * 666),  # stored as U+FFFD, 3 bytes each
        ("\ud800" * 400, "\\ud800" * 333 + "\\u"),  # stored escaped, 6 bytes each
        ("short", "short"),
    ],
)
def test_indexed_text_is_cut_as_postgresql_stores_it(value, kept):
    cut = POSTGRES.index_key(value)

    assert store_postgres._clean((cut,)) == (kept,)
    assert len(kept.encode()) <= INDEXED_TEXT_BYTES
    assert SQLITE.index_key(value) is value
