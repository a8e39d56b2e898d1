"""How long the overview's charts take: ``/api/series`` against a store of many calls.

Fills a fresh store in a temporary folder with model calls spread over the last 24 hours
(through the store's real write path, each with a short captured prompt, as monitored calls
store them), starts ``prysmai serve`` on 127.0.0.1 and times ``GET /api/series`` for three
windows, then ``/api/stats`` and the whole overview page for comparison. Times are whole
requests on loopback: the client, the HTTP server, the query and the JSON or HTML.

Run: python benchmarks/dashboard_series.py [--calls 100000] [--requests 11]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import random
import statistics
import tempfile
import time
from pathlib import Path

from prysmai.collector.server import CollectorServer, CollectorSettings
from prysmai.store import parts_to_row, write_rows
from prysmai.store_schema import connect_for_writing

_DAY_NS = 86_400 * 10**9
_PROMPT = '[{"role":"user","parts":[{"content":"' + "hello " * 40 + '"}]}]'


def fill(path: Path, calls: int, now_ns: int) -> None:
    rng = random.Random(7)
    connection = connect_for_writing(path)
    try:
        batch = []
        for index in range(calls):
            start = now_ns - rng.randrange(0, _DAY_NS)
            attributes: dict[str, object] = {
                "gen_ai.operation.name": "chat",
                "gen_ai.provider.name": "openai",
                "gen_ai.request.model": rng.choice(["gpt-4o-mini", "gpt-4o", "o3-mini"]),
                "gen_ai.usage.input_tokens": rng.randrange(10, 2000),
                "gen_ai.usage.output_tokens": rng.randrange(10, 800),
                "prysm.cost.usd": rng.random() / 100,
                "prysm.latency_ms": rng.lognormvariate(6, 0.6),
                "prysm.security.threat_level": rng.choice(["clean"] * 8 + ["low", "high"]),
                "gen_ai.input.messages": _PROMPT,
            }
            if rng.random() < 0.03:
                attributes["error.type"] = "RateLimitError"
            batch.append(
                parts_to_row(
                    trace_id=index + 1,
                    span_id=index + 1,
                    parent_span_id=None,
                    name="chat",
                    start_ns=start,
                    end_ns=start + 10**8,
                    status_code="UNSET",
                    status_message=None,
                    attributes=attributes,
                    resource={"service.name": "bench"},
                    events=[],
                )
            )
            if len(batch) == 5000:
                write_rows(connection, batch)
                batch = []
        if batch:
            write_rows(connection, batch)
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=11)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "traces.db"
        fill(db, args.calls, time.time_ns())
        settings = CollectorSettings(db_path=db, port=0, alert_interval_s=None)
        with CollectorServer(settings) as server:
            key = server.keys.create(name="bench")
            token = base64.b64encode(f"bench:{key}".encode()).decode()
            print(f"{args.calls:,} calls over the last 24 h; median of {args.requests} requests")
            print(f"{'request':<26} {'median ms':>10} {'min ms':>8} {'bytes':>8}")
            for path in (
                "/api/series?window=24h",
                "/api/series?window=15m",
                "/api/series?window=all",
                "/api/stats?window=24h",
                "/?window=24h",
            ):
                times, size = [], 0
                for _ in range(args.requests):
                    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
                    started = time.perf_counter()
                    connection.request("GET", path, headers={"Authorization": f"Basic {token}"})
                    response = connection.getresponse()
                    size = len(response.read())
                    times.append((time.perf_counter() - started) * 1000)
                    connection.close()
                    assert response.status == 200, (path, response.status)
                print(f"{path:<26} {statistics.median(times):>10.0f} {min(times):>8.0f} {size:>8}")


if __name__ == "__main__":
    main()
