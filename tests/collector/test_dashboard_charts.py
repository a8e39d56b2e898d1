"""The overview's charts: /api/series, the SVG on the page, and their agreement with /api/stats."""

from __future__ import annotations

import json
import math
import re
import statistics
import time
from collections import Counter
from pathlib import Path

import pytest

from prysmai.collector import charts
from prysmai.store import TraceStore, parts_to_row, write_rows
from prysmai.store_queries import Percentiles, Series, SeriesBucket
from prysmai.store_schema import connect_for_writing
from tests.collector.conftest import call_attributes, error_status, make_span, trace_request

MINUTE_NS = 60 * 10**9
HOUR_NS = 60 * MINUTE_NS
BUCKETS = 48
PLOT_HEIGHT = charts.HEIGHT - 8 - 22  # the plot area: the SVG less its top and bottom margins
ATTACK = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _store(collector, *spans):
    assert collector.export(trace_request(*spans).SerializeToString()).status == 200


def _json(answer):
    def refuse(constant):
        raise AssertionError(f"not valid JSON: {constant}")

    assert answer.headers["content-type"] == "application/json"
    return json.loads(answer.body, parse_constant=refuse)


def _span(index, start_ns, **attributes):
    return make_span(
        call_attributes(**attributes), span_id=index.to_bytes(8, "big"), start_ns=start_ns
    )


def _bucket_of(series, start_ns):
    index = (start_ns - series["start_ns"]) // series["bucket_ns"]
    return min(index, len(series["buckets"]) - 1)


def _charts_section(page):
    match = re.search(r'<section id="charts".*?</section>', page, re.S)
    assert match is not None
    return match.group(0)


def _assert_coordinates_finite(page):
    numbers = re.findall(r'\b(?:x|y|x1|x2|y1|y2|cx|cy|width|height)="([^"]*)"', page)
    assert numbers
    for number in numbers:
        assert math.isfinite(float(number)), number
    for points in re.findall(r'points="([^"]*)"', page):
        for value in re.split(r"[ ,]", points):
            assert math.isfinite(float(value)), value


def _bar_heights(page, css):
    return [
        float(height)
        for height in re.findall(
            rf'<rect class="bar c-{css}" x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"', page
        )
    ]


# A day of calls, 24h window: (minutes before now, latency ms, cost, input, output tokens,
# error, threat level). Calls meant to share a bucket share a start (a bucket boundary can fall
# anywhere between two starts); the last bucket has three, one ahead of the server's clock.
CALLS = [
    (1400, 120.0, 0.01, 10, 20, False, "clean"),
    (1400, 480.0, 0.02, 30, 40, True, "high"),
    (900, 300.0, 0.5, 100, 5, False, "low"),
    (605, 90.0, 0.125, 7, 9, False, None),
    (605, 95.0, 0.25, 8, 1, True, "medium"),
    (605, 2000.0, 0.0625, 3, 3, False, "clean"),
    (200, 250.0, 1.5, 1000, 2000, False, "high"),
    (20, 333.0, 0.03, 50, 60, False, "clean"),
    (5, 666.0, 0.04, 70, 80, True, "low"),
    (-3, 10.0, 0.001, 1, 1, False, None),  # stamped 3 minutes in the future
]


def _seed_day(collector, now_ns):
    spans = []
    for index, (minutes, latency, cost, tokens_in, tokens_out, failed, level) in enumerate(CALLS):
        span = _span(
            index + 1,
            now_ns - minutes * MINUTE_NS,
            **{
                "prysm.latency_ms": latency,
                "prysm.cost.usd": cost,
                "gen_ai.usage.input_tokens": tokens_in,
                "gen_ai.usage.output_tokens": tokens_out,
                "prysm.security.threat_level": level,
            },
        )
        if failed:
            span.status.CopyFrom(error_status("boom"))
        spans.append(span)
    # Two days old: outside the window, in neither stats nor series.
    spans.append(_span(99, now_ns - 48 * HOUR_NS))
    _store(collector, *spans)
    return [now_ns - minutes * MINUTE_NS for minutes, *_ in CALLS]


def test_series_buckets_add_up_to_the_stats_of_the_window(collector):
    starts = _seed_day(collector, time.time_ns())

    before_ns = time.time_ns()
    series = _json(collector.get("/api/series?window=24h"))
    after_ns = time.time_ns()
    stats = _json(collector.get("/api/stats?window=24h"))

    buckets = series["buckets"]
    assert (series["window"], series["window_s"], len(buckets)) == ("24h", 86_400.0, BUCKETS)
    assert series["bucket_ns"] == 30 * MINUTE_NS
    assert series["end_ns"] - series["start_ns"] == 24 * HOUR_NS
    assert before_ns <= series["end_ns"] <= after_ns  # the window ends at the request
    assert [bucket["start_ns"] for bucket in buckets] == [
        series["start_ns"] + i * series["bucket_ns"] for i in range(BUCKETS)
    ]
    assert stats["count"] == len(CALLS) == sum(bucket["count"] for bucket in buckets)
    assert stats["error_count"] == 3 == sum(bucket["error_count"] for bucket in buckets)
    tokens = sum(call[3] + call[4] for call in CALLS)
    assert stats["total_tokens"] == tokens == sum(bucket["total_tokens"] for bucket in buckets)
    assert sum(stats["threats"].values()) == 5 == sum(b["threat_count"] for b in buckets)
    assert sum(bucket["cost_usd"] for bucket in buckets) == pytest.approx(stats["cost_usd"])
    assert stats["cost_usd"] == pytest.approx(sum(call[2] for call in CALLS))
    # Each call is in the bucket its start falls in; the future one in the last bucket.
    expected = Counter(_bucket_of(series, start) for start in starts)
    assert {i: b["count"] for i, b in enumerate(buckets) if b["count"]} == dict(expected)
    assert len(expected) == 5 and expected[BUCKETS - 1] == 3
    shared = buckets[_bucket_of(series, starts[3])]
    assert (shared["count"], shared["error_count"], shared["threat_count"]) == (3, 1, 1)
    assert shared["cost_usd"] == 0.4375 and shared["total_tokens"] == 31
    assert shared["latency_ms"]["p50"] == 95.0
    empty = buckets[10]  # 19 to 18.5 hours ago
    assert empty == {
        "start_ns": series["start_ns"] + 10 * series["bucket_ns"],
        "end_ns": series["start_ns"] + 11 * series["bucket_ns"],
        "count": 0,
        "error_count": 0,
        "latency_ms": {"p50": None, "p95": None, "p99": None},
        "cost_usd": 0.0,
        "total_tokens": 0,
        "threat_count": 0,
    }


def test_a_buckets_percentiles_are_those_of_stats_over_its_range(collector):
    now_ns = time.time_ns()
    recent = [float(value) for value in (17, 3, 250, 41, 99, 8, 1200, 64, 5, 330, 77, 12)]
    spans = [
        _span(i + 1, now_ns - (i + 1) * MINUTE_NS, **{"prysm.latency_ms": latency})
        for i, latency in enumerate(recent)
    ]
    # Earlier calls with extreme latencies: they must not leak into the last bucket.
    spans += [
        _span(50 + i, now_ns - 3 * HOUR_NS, **{"prysm.latency_ms": latency})
        for i, latency in enumerate((1e6, 2e6, 4.0, 9e5, 3e6))
    ]
    _store(collector, *spans)

    series = _json(collector.get("/api/series?window=24h"))
    with TraceStore(collector.db) as store:
        # The last bucket covers [end - 30 min, end), the same calls as this window.
        last_range = store.stats(1800.0, now_ns=series["end_ns"])

    last = series["buckets"][-1]
    assert last["count"] == last_range.count == len(recent)
    assert last["latency_ms"] == {
        "p50": last_range.latency_ms.p50,
        "p95": last_range.latency_ms.p95,
        "p99": last_range.latency_ms.p99,
    }
    # And both are the inclusive (type 7) percentiles of the values themselves.
    cuts = statistics.quantiles(recent, n=100, method="inclusive")
    assert last["latency_ms"]["p95"] == pytest.approx(cuts[94])
    assert last["latency_ms"]["p50"] == pytest.approx(statistics.median(recent))
    earlier = series["buckets"][_bucket_of(series, now_ns - 3 * HOUR_NS)]
    assert earlier["count"] == 5
    cuts = statistics.quantiles((1e6, 2e6, 4.0, 9e5, 3e6), n=100, method="inclusive")
    assert earlier["latency_ms"]["p95"] == pytest.approx(cuts[94])


def test_series_needs_a_key_and_refuses_a_bad_window_like_stats(collector):
    no_key = collector.get("/api/series", auth=None)
    bad = collector.get("/api/series?window=2y")
    stats_bad = collector.get("/api/stats?window=2y")

    assert no_key.status == 401
    assert no_key.headers["www-authenticate"].startswith("Basic")
    assert _json(no_key) == {"error": "an API key is required"}
    assert collector.get("/overview/charts", auth=None).status == 401
    assert (bad.status, bad.body) == (400, stats_bad.body) and stats_bad.status == 400
    assert _json(bad)["error"].startswith("window must be one of 15m, 1h, 24h")
    assert collector.get("/api/series?window=").status == 400
    assert collector.get("/overview/charts?window=2y").status == 400
    bearer = collector.get("/api/series?window=1h", auth="bearer")
    assert bearer.status == 200 and _json(bearer)["window"] == "1h"
    assert _json(collector.get("/api/series"))["window"] == "24h"  # the default, as stats


def test_overview_draws_each_chart_with_one_bar_or_point_per_bucket(collector):
    now_ns = time.time_ns()
    _store(
        collector,
        _span(1, now_ns - 10 * HOUR_NS, **{"prysm.latency_ms": 100.0}),
        _span(2, now_ns - 10 * HOUR_NS, **{"prysm.latency_ms": 300.0}),
        _span(3, now_ns - 5 * HOUR_NS, **{"prysm.latency_ms": 50.0, "prysm.cost.usd": 0.5}),
        _span(4, now_ns - 2 * MINUTE_NS, **{"prysm.latency_ms": 700.0}),
    )
    failed = _span(5, now_ns - 5 * HOUR_NS)
    failed.status.CopyFrom(error_status("boom"))
    _store(collector, failed)

    answer = collector.get("/?window=24h")
    page = answer.body.decode()
    section = _charts_section(page)

    assert answer.status == 200
    assert section.count("<svg ") == 4
    assert section.count('role="img"') == 4
    for chart_id in ("chart-requests", "chart-latency", "chart-cost", "chart-tokens"):
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in section
        assert f'<title id="{chart_id}-title">' in section
        assert f'<desc id="{chart_id}-desc">' in section
    for css in ("requests", "errors", "cost", "tokens"):
        assert len(_bar_heights(section, css)) == BUCKETS
    requests = _bar_heights(section, "requests")
    assert sorted(requests)[-3:] == [PLOT_HEIGHT / 2, PLOT_HEIGHT, PLOT_HEIGHT]
    assert requests.count(0.0) == BUCKETS - 3
    errors = _bar_heights(section, "errors")
    assert [height for height in errors if height] == [PLOT_HEIGHT / 2]
    # Latency: a point per bucket with calls, per percentile.
    assert section.count('<circle class="pt c-p50"') == 3
    assert section.count('<circle class="pt c-p95"') == 3
    assert "Requests: min 0, max 2, last 1; Errors: min 0, max 1, last 0" in section
    # p95 of 100 and 300 is 290; of 50 and 250 (the failed call's), 240.
    assert "p95: min 240 ms, max 700 ms, last 700 ms" in section
    assert "Cost: min $0, max $0.500022, last $0.000022" in section
    assert "48 buckets of 30 min" in section
    _assert_coordinates_finite(section)
    # The page still runs only its own script, now also reloading the charts.
    nonce = re.search(r"script-src 'nonce-([^']+)'", answer.headers["content-security-policy"])
    assert re.findall(r"<script[^>]*>", page) == [f'<script nonce="{nonce.group(1)}">']
    assert f'fetch("{charts.CHARTS_PATH}?window="' in page
    assert "default-src 'none'" in answer.headers["content-security-policy"]


def test_charts_fragment_is_the_same_section_for_the_reload(collector):
    _store(collector, _span(1, time.time_ns() - 5 * MINUTE_NS))

    answer = collector.get(f"{charts.CHARTS_PATH}?window=1h")
    page = answer.body.decode()

    assert answer.status == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert "script-src 'nonce-" in answer.headers["content-security-policy"]
    assert '<section id="charts" class="charts-section" data-window="1h"' in page
    assert len(_bar_heights(page, "requests")) == BUCKETS
    assert "<script" not in page
    assert "75 s" in page  # 1 h in 48 buckets


def test_a_window_without_calls_says_so_instead_of_drawing(collector):
    empty = collector.get("/?window=24h").body.decode()
    series = _json(collector.get("/api/series?window=all"))

    assert "No calls in this window." in _charts_section(empty)
    assert "<svg" not in empty
    assert len(series["buckets"]) == BUCKETS
    assert all(bucket["count"] == 0 for bucket in series["buckets"])

    _store(collector, _span(1, time.time_ns() - 2 * HOUR_NS))
    quiet = collector.get("/?window=15m").body.decode()
    day = collector.get("/?window=24h").body.decode()

    assert "No calls in this window." in _charts_section(quiet) and "<svg" not in quiet
    assert "No calls in this window." not in day and day.count("<svg ") == 4


def test_overflowing_sums_are_null_in_json_and_out_of_range_in_the_svg(collector):
    now_ns = time.time_ns()
    _store(
        collector,
        _span(1, now_ns - 3 * HOUR_NS, **{"prysm.cost.usd": 1.7e308}),
        _span(2, now_ns - 3 * HOUR_NS, **{"prysm.cost.usd": 1.7e308}),
        _span(3, now_ns - 1 * HOUR_NS, **{"prysm.cost.usd": 1.5e308}),
        _span(4, now_ns - 2 * MINUTE_NS, **{"prysm.cost.usd": 0.25}),
    )

    series = _json(collector.get("/api/series?window=24h"))
    answer = collector.get("/?window=24h")
    section = _charts_section(answer.body.decode())

    costs = [bucket["cost_usd"] for bucket in series["buckets"]]
    assert costs[_bucket_of(series, now_ns - 3 * HOUR_NS)] is None
    assert costs[_bucket_of(series, now_ns - HOUR_NS)] == 1.5e308
    assert costs[-1] == 0.25
    assert answer.status == 200
    assert section.count('class="bar c-cost oor"') == 1
    # The huge finite cost is the scale's top; the small one is a sliver above zero.
    heights = _bar_heights(section, "cost")
    assert max(heights) == PLOT_HEIGHT and len(heights) == BUCKETS - 1
    assert "Cost: min $0, max out of range, last $0.25" in section
    assert "inf" not in section.lower() and "nan" not in section.lower()
    _assert_coordinates_finite(section)


def test_stored_markup_never_reaches_the_charts_unescaped(collector):
    _store(
        collector,
        _span(
            1,
            time.time_ns() - MINUTE_NS,
            **{"gen_ai.request.model": ATTACK, "gen_ai.response.model": ATTACK, "user.id": ATTACK},
        ),
    )

    page = collector.get("/?window=1h").body.decode()

    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page  # the live table
    assert "alert" not in _charts_section(page)  # charts hold numbers and our own words


def _hand_made_series(values):
    buckets = tuple(
        SeriesBucket(
            start_ns=i * 1000,
            end_ns=(i + 1) * 1000,
            count=count,
            error_count=0,
            latency_ms=Percentiles(),
            cost_usd=cost,
            total_tokens=tokens,
            threat_count=0,
        )
        for i, (count, cost, tokens) in enumerate(values)
    )
    return Series(None, 0, 1000 * len(values), 1000, buckets)


def test_chart_text_is_escaped_and_missing_latency_is_a_notice():
    series = _hand_made_series([(1, 0.5, 10**400), (2, -0.25, 3)])

    drawn = charts.chart(
        "c<x>",
        "<b>title</b>",
        (charts.Plot('"<i>"', "requests", [1.0, None]),),
        "bars",
        series,
        charts.format_count,
    )
    section = charts.overview_charts("all", series)

    assert "<b>" not in drawn and "&lt;b&gt;title&lt;/b&gt;" in drawn
    assert 'id="c&lt;x&gt;-title"' in drawn and "&quot;&lt;i&gt;&quot;" in drawn
    assert drawn.count("<rect class=") == 1  # no bar where there is no value
    assert "No latency recorded in this window." in section
    # A token sum too large for a float is out of range, not an error; a refund draws below 0.
    assert section.count('class="bar c-tokens oor"') == 1
    assert "Cost: min -$0.25, max $0.5, last -$0.25" in section
    _assert_coordinates_finite(section)


def test_lines_break_at_missing_and_overflowed_values_and_huge_ranges_stay_finite():
    series = _hand_made_series([(1, 0.0, 0)] * 5)
    p95 = charts.Plot("p95", "p95", [1.0, 2.0, math.inf, 3.0, None])

    lines = charts.chart("l", "Latency", (p95,), "lines", series, charts.format_ms)
    bars = charts.chart(
        "b",
        "Cost",
        (charts.Plot("Cost", "cost", [1.7e308, -1.7e308, 0.0, 5.0, math.nan]),),
        "bars",
        series,
        charts.format_usd,
    )

    # Points for the finite values; one line joins the first two, none crosses the gap.
    assert lines.count('<circle class="pt c-p95"') == 3
    assert lines.count("<polyline") == 1
    assert "p95: min 1 ms, max out of range, last -" in lines
    assert bars.count('class="bar c-cost oor"') == 1
    assert len(_bar_heights(bars, "cost")) == 4
    assert "Cost: min -$1.7e+308, max out of range, last out of range" in bars
    for drawn in (lines, bars):
        _assert_coordinates_finite(drawn)
        assert "inf" not in drawn.lower() and "nan" not in drawn.lower()


def _write(path: Path, starts_ns, latency=100.0, first_id=1):
    connection = connect_for_writing(path)
    try:
        write_rows(
            connection,
            [
                parts_to_row(
                    trace_id=1,
                    span_id=first_id + i,
                    parent_span_id=None,
                    name="chat",
                    start_ns=start,
                    end_ns=start + 10**6,
                    status_code="UNSET",
                    status_message=None,
                    attributes=call_attributes(**{"prysm.latency_ms": latency + i}),
                    resource={},
                    events=[],
                )
                for i, start in enumerate(starts_ns)
            ],
        )
    finally:
        connection.close()


def test_store_series_by_index_and_by_scan_agree_with_stats(tmp_path):
    now_ns = time.time_ns()
    db = tmp_path / "traces.db"
    # Ten calls two days ago and two in the last hour: the hour reads through the start-time
    # index, the whole store by scanning the table; both must count what stats() counts.
    _write(db, [now_ns - 48 * HOUR_NS - i * MINUTE_NS for i in range(10)])
    _write(db, [now_ns - 10 * MINUTE_NS, now_ns - 20 * MINUTE_NS], latency=500.0, first_id=11)

    with TraceStore(db) as store:
        hour = store.series(3600.0, now_ns=now_ns)
        everything = store.series(None, now_ns=now_ns)
        everything_stats = store.stats(None, now_ns=now_ns)
        with pytest.raises(ValueError, match="buckets"):
            store.series(3600.0, buckets=0)
        with pytest.raises(ValueError, match="window_s"):
            store.series(0.0)

    assert sum(bucket.count for bucket in hour.buckets) == 2
    assert everything.start_ns == now_ns - 48 * HOUR_NS - 9 * MINUTE_NS  # the oldest call
    assert everything.end_ns >= now_ns
    assert sum(bucket.count for bucket in everything.buckets) == everything_stats.count == 12
    assert everything.buckets[0].count == 10
    assert everything.buckets[0].latency_ms.p50 == pytest.approx(104.5)
    with TraceStore(tmp_path / "missing.db") as missing:
        assert [bucket.count for bucket in missing.series(60.0).buckets] == [0] * BUCKETS
