"""The collector deletes spans older than its retention, also while no spans arrive."""

from __future__ import annotations

import time

from tests.collector.conftest import make_span, trace_request, wait_for

DAY_NS = 86_400 * 10**9


def test_collector_deletes_expired_spans_on_start_without_traffic(make_collector, tmp_path) -> None:
    db = tmp_path / "kept.db"
    keeping = make_collector(db_path=db, retention_s=None)
    old = make_span(span_id=b"\x01" * 8, start_ns=time.time_ns() - 2 * DAY_NS)
    new = make_span(span_id=b"\x02" * 8, start_ns=time.time_ns())
    assert keeping.export(trace_request(old, new).SerializeToString()).status == 200
    assert len(keeping.rows()) == 2
    keeping.server.close()

    purging = make_collector(db_path=db, retention_s=86_400)

    wait_for(lambda: [row.span_id for row in purging.rows()] == ["02" * 8])
