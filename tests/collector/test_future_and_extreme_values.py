"""Calls stamped far in the future, extreme latencies, and the serve command's bind error."""

from __future__ import annotations

import json
import socket
import time

import pytest

from prysmai.cli.main import main
from prysmai.collector.alert_engine import AlertEvaluator
from prysmai.collector.alert_rules import AlertRule, url_channel
from prysmai.collector.alert_store import AlertStore
from prysmai.store_queries import CLOCK_SKEW_NS, TraceStore, percentile
from tests.collector.alert_servers import HookServer
from tests.collector.conftest import call_attributes, make_span, trace_request

INT64_MAX = 2**63 - 1
HOUR_NS = 3600 * 10**9


def _span(index: int, start_ns: int, *, duration_ms: float = 250.0, **attributes: object):
    return make_span(
        call_attributes(**attributes),
        span_id=index.to_bytes(8, "big"),
        start_ns=start_ns,
        duration_ms=duration_ms,
    )


def _store(collector, *spans) -> None:
    assert collector.export(trace_request(*spans).SerializeToString()).status == 200


def _json(answer):
    assert answer.status == 200, answer.body
    return json.loads(answer.body)


# --- calls stamped in the future --------------------------------------------------------------


def test_a_call_stamped_in_2262_counts_in_no_window_but_is_listed(collector):
    now = time.time_ns()
    _store(
        collector,
        _span(1, now - 60 * 10**9),
        _span(2, now + 10 * 60 * 10**9),  # a clock ten minutes ahead: still counted
        _span(3, INT64_MAX, duration_ms=0, **{"gen_ai.request.model": "from-the-future"}),
        _span(4, now + 2 * HOUR_NS),  # past the allowance
    )

    stats = {
        window: _json(collector.get(f"/api/stats?window={window}")) for window in ("15m", "all")
    }
    series = _json(collector.get("/api/series?window=all"))
    calls = _json(collector.get("/api/calls?limit=50"))["calls"]

    assert [stats["15m"]["count"], stats["all"]["count"]] == [2, 2]
    assert sum(bucket["count"] for bucket in series["buckets"]) == stats["all"]["count"]
    assert now - 2 * HOUR_NS < series["start_ns"] < now
    assert now - HOUR_NS < series["end_ns"] < now + HOUR_NS
    assert len(calls) == 4  # still in the call list


def test_series_of_all_on_an_empty_store_is_the_last_hour(collector):
    before = time.time_ns()

    series = _json(collector.get("/api/series?window=all"))

    assert series["bucket_ns"] == HOUR_NS // 48
    assert before - HOUR_NS - 10**9 <= series["start_ns"] <= before
    assert before <= series["end_ns"] <= time.time_ns() + 10**9
    assert all(bucket["count"] == 0 for bucket in series["buckets"])


def test_series_of_all_with_only_calls_a_little_ahead_is_the_last_hour(collector):
    now = time.time_ns()
    _store(collector, _span(1, now + 5 * 60 * 10**9))

    series = _json(collector.get("/api/series?window=all"))

    assert series["bucket_ns"] == HOUR_NS // 48
    assert series["buckets"][-1]["count"] == 1  # counted in the last bucket, as stats counts it
    assert _json(collector.get("/api/stats?window=all"))["count"] == 1


def test_series_sum_to_stats_at_the_edge_of_the_allowance(collector):
    now = time.time_ns()
    _store(
        collector,
        _span(1, now - 10**9),
        _span(2, now + CLOCK_SKEW_NS - 60 * 10**9),
        _span(3, now + CLOCK_SKEW_NS + 60 * 10**9),
    )
    with TraceStore(collector.db) as store:
        for window in (None, 3600.0, 86_400.0):
            stats = store.stats(window, now_ns=now)
            series = store.series(window, now_ns=now)
            assert stats.count == 2
            assert sum(bucket.count for bucket in series.buckets) == stats.count


def test_a_request_count_below_1_rule_fires_despite_a_call_in_2262(make_collector):
    collector = make_collector(alert_interval_s=None)
    _store(collector, _span(1, INT64_MAX, duration_ms=0))
    hook = HookServer()
    try:
        rule = AlertRule(
            name="silence",
            metric="request_count",
            operator="<",
            threshold=1,
            window_s=300,
            channels=(url_channel("webhook", hook.url("/hook")),),
        )
        with AlertStore(collector.db) as alerts:
            alerts.add(rule)

        [outcome] = AlertEvaluator(collector.db, dashboard_url=collector.url).evaluate()

        assert (outcome.value, outcome.state, outcome.event) == (0.0, "firing", "firing")
        assert [body["event"] for body in hook.bodies] == ["firing"]
    finally:
        hook.close()


# --- extreme and negative latencies -----------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([-1e308, -1e308, 1e308], 50, -1e308),
        ([-1e308, 1e308], 50, 0.0),
        ([-1e308, 1e308], 25, -5e307),
        ([-1.7e308, 1.7e308], 99, 1.7e308 * 0.98),
        ([1.0, 2.0], 50, 1.5),
        ([0.0, 10.0, 20.0], 95, 19.0),
    ],
)
def test_percentiles_of_extreme_values_are_finite(values, q, expected):
    assert percentile(values, q) == pytest.approx(expected, rel=1e-12)


def test_negative_latencies_are_not_stored_as_latency(collector):
    now = time.time_ns()
    ends_first = make_span(
        call_attributes(**{"prysm.latency_ms": None}),
        span_id=(1).to_bytes(8, "big"),
        start_ns=now,
        duration_ms=-500.0,  # ends before it starts
    )
    _store(
        collector,
        ends_first,
        _span(2, now, **{"prysm.latency_ms": -5.0}),
        _span(3, now, **{"prysm.latency_ms": 120.0}),
    )

    by_id = {row.span_id: row.latency_ms for row in collector.rows()}
    stats = _json(collector.get("/api/stats?window=15m"))

    assert by_id == {"0000000000000001": None, "0000000000000002": None, "0000000000000003": 120.0}
    assert stats["latency_ms"]["p50"] == 120.0


# --- serve on a port in use -------------------------------------------------------------------


def test_serve_on_a_port_in_use_names_the_address_and_suggests_port(tmp_path, capsys):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]

        code = main(["serve", "--port", str(port), "--db", str(tmp_path / "t.db")])

    err = capsys.readouterr().err
    assert code == 1
    assert f"127.0.0.1:{port}" in err
    assert "already in use" in err and "--port" in err
