"""How fast ``prysmai serve`` takes spans in: spans per second and time per export request.

The collector runs as its own process (``prysmai serve`` on a free loopback port, a fresh
SQLite file); this process sends OTLP/HTTP protobuf export requests of 100 model-call spans
each (the attributes prysmai records, with 1 KB of captured prompt), from several threads over
kept-alive connections, as a fleet of exporters would. Plain and gzip bodies are measured in
turn.

With ``--db postgresql://...`` (an empty database; needs ``prysmai[postgres]``) the collector
stores into PostgreSQL instead, by the same method.

Run: python benchmarks/collector_ingest.py [--requests 200] [--threads 4] [--db URL]
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span

from prysmai.store_location import parse_location
from prysmai.store_schema import connect_for_reading

SPANS_PER_REQUEST = 100
PROMPT = ("Summarise the quarterly report for the board in plain words. " * 17)[:1024]


def _attribute(key: str, value: str | int | float) -> KeyValue:
    if isinstance(value, str):
        return KeyValue(key=key, value=AnyValue(string_value=value))
    if isinstance(value, int):
        return KeyValue(key=key, value=AnyValue(int_value=value))
    return KeyValue(key=key, value=AnyValue(double_value=value))


def export_body(batch: int) -> bytes:
    """One export request of model-call spans with distinct ids."""
    now = time.time_ns()
    spans = []
    for index in range(SPANS_PER_REQUEST):
        number = batch * SPANS_PER_REQUEST + index + 1
        attributes = [
            _attribute("gen_ai.operation.name", "chat"),
            _attribute("gen_ai.provider.name", "openai"),
            _attribute("gen_ai.request.model", "gpt-4o-mini"),
            _attribute("gen_ai.response.model", "gpt-4o-mini-2024-07-18"),
            _attribute("gen_ai.usage.input_tokens", 260),
            _attribute("gen_ai.usage.output_tokens", 120),
            _attribute("prysm.cost.usd", 0.000111),
            _attribute("user.id", f"user-{number % 50}"),
            _attribute("prysm.threat.score", 0),
            _attribute("gen_ai.input.messages", f'[{{"role":"user","content":"{PROMPT}"}}]'),
        ]
        spans.append(
            Span(
                trace_id=number.to_bytes(16, "big"),
                span_id=number.to_bytes(8, "big"),
                name="chat gpt-4o-mini",
                kind=Span.SPAN_KIND_CLIENT,
                start_time_unix_nano=now - 350_000_000,
                end_time_unix_nano=now,
                attributes=attributes,
            )
        )
    request = ExportTraceServiceRequest(
        resource_spans=[ResourceSpans(scope_spans=[ScopeSpans(spans=spans)])]
    )
    return request.SerializeToString()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prysmai_command() -> list[str]:
    return [sys.executable, "-m", "prysmai"]


def start_collector(db: str, port: int) -> tuple[subprocess.Popen[str], str]:
    created = subprocess.run(
        [*prysmai_command(), "keys", "create", "--db", db],
        capture_output=True,
        text=True,
        check=True,
    )
    key = re.search(r"sk-prysm-[0-9a-f]{64}", created.stdout)
    if key is None:
        raise RuntimeError(f"no key in: {created.stdout!r}")
    process = subprocess.Popen(
        [*prysmai_command(), "serve", "--port", str(port), "--db", db],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, key.group()
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the collector did not start")


def run_load(port: int, key: str, bodies: list[bytes], threads: int, gzipped: bool) -> list[float]:
    """Send every body once, spread over ``threads`` connections; return each request's ms."""
    timings: list[float] = []
    lock = threading.Lock()
    headers = {"Content-Type": "application/x-protobuf", "Authorization": f"Bearer {key}"}
    if gzipped:
        headers["Content-Encoding"] = "gzip"

    def worker(share: list[bytes]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for body in share:
            started = time.perf_counter()
            connection.request("POST", "/v1/traces", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"export answered {response.status}")
            mine.append((time.perf_counter() - started) * 1000)
        connection.close()
        with lock:
            timings.extend(mine)

    workers = [
        threading.Thread(target=worker, args=(bodies[index::threads],)) for index in range(threads)
    ]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="export requests per mode")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--db", default=None, help="an empty postgresql:// database (default: a new SQLite file)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or str(Path(folder) / "collector.db")
        port = free_port()
        process, key = start_collector(db, port)
        try:
            print(
                f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.threads} "
                f"exporting threads, {args.requests} requests of {SPANS_PER_REQUEST} spans per "
                f"mode, store: {parse_location(db)}"
            )
            print()
            print("| body | spans/s | MB/s received | request ms p50 | p99 |")
            print("|---|---|---|---|---|")
            # A first round warms the store (its file, indexes and page cache) for both modes.
            run_load(port, key, [export_body(2 * args.requests + b) for b in range(20)], 1, False)
            for mode, offset in (("protobuf", 0), ("protobuf, gzip", args.requests)):
                gzipped = mode.endswith("gzip")
                bodies = [export_body(offset + batch) for batch in range(args.requests)]
                if gzipped:
                    bodies = [gzip.compress(body) for body in bodies]
                started = time.perf_counter()
                timings = run_load(port, key, bodies, args.threads, gzipped)
                elapsed = time.perf_counter() - started
                timings.sort()
                spans = args.requests * SPANS_PER_REQUEST
                received = sum(map(len, bodies)) / 1e6
                print(
                    f"| {mode} | {spans / elapsed:,.0f} | {received / elapsed:.1f} | "
                    f"{statistics.median(timings):.1f} | "
                    f"{timings[int(0.99 * (len(timings) - 1))]:.1f} |"
                )
        finally:
            process.terminate()
            process.wait(10)
        connection = connect_for_reading(parse_location(db))
        assert connection is not None
        (stored,) = connection.execute("SELECT count(*) FROM spans").fetchone()
        connection.close()
        sent = (2 * args.requests + 20) * SPANS_PER_REQUEST
        print(f"\nspans stored: {stored:,} of {sent:,} sent")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
