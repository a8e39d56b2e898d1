"""The collector deletes spans older than its retention after it writes."""

from __future__ import annotations

import time

from tests.collector.conftest import make_span, trace_request

DAY_NS = 86_400 * 10**9


def test_collector_deletes_expired_spans_it_receives(make_collector) -> None:
    collector = make_collector(retention_s=86_400)
    old = make_span(span_id=b"\x01" * 8, start_ns=time.time_ns() - 2 * DAY_NS)
    new = make_span(span_id=b"\x02" * 8, start_ns=time.time_ns())

    answer = collector.export(trace_request(old, new).SerializeToString())

    assert answer.status == 200
    assert [row.span_id for row in collector.rows()] == ["02" * 8]
