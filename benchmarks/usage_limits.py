"""What usage limits cost a call: the whole call on loopback, and the check on its own.

Four clients call the same loopback fake OpenAI server (``FakeOpenAIServer`` on 127.0.0.1):
unmonitored, monitored without limits, monitored with three limits counted in memory, and the
same limits counted in a SQLite file. Rounds alternate between the clients so that drift in
the machine's speed is shared. Limits are set high enough never to refuse.

A loopback call takes about a millisecond, so the check's few microseconds are within the
noise of the whole call; the second table times ``LimitEnforcer.admit`` alone, the work the
limits add to the caller's thread, with counters in memory, in SQLite, in Redis (a
redis-server this script starts on a free loopback port, without persistence, and stops; the
Redis row is left out when redis-server or the redis package is missing) and in PostgreSQL
(the database ``--postgres`` names, else a private cluster started on loopback as the tests
start theirs; the row is left out when neither is possible). On loopback the Redis and
PostgreSQL figures are one round trip each; over a network add the network's round trip. A
third table times whole calls of async clients, whose SQLite check runs in a worker thread
(off the event loop) while the check in memory runs inline.

Run: python benchmarks/usage_limits.py [--calls 400] [--rounds 5] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import gc
import importlib.util
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openai
from opentelemetry import context as otel_context
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

import prysmai
from prysmai.call import CallRecord
from prysmai.context import prysm_context
from prysmai.endpoints import CHAT_COMPLETIONS
from prysmai.limits import (
    CounterStore,
    LimitEnforcer,
    MemoryCounterStore,
    PostgresCounterStore,
    RedisCounterStore,
    SqliteCounterStore,
    UsageLimit,
)
from prysmai.monitor import recorder_of
from prysmai.testing import FakeOpenAIServer
from prysmai.worker import get_worker

MESSAGES = [{"role": "user", "content": "Summarise the quarterly report in plain words."}]
LIMITS = [
    UsageLimit("requests", 10**12, "minute"),
    UsageLimit("requests", 10**12, "day", scope="user"),
    UsageLimit("tokens", 10**15, "month"),
]


class NullExporter(SpanExporter):
    """Drops spans: every monitored client pays for building them, none for shipping them."""

    def export(self, spans: Any) -> SpanExportResult:
        return SpanExportResult.SUCCESS


def sample_us(call: Callable[[], Any], calls: int) -> list[float]:
    """Time ``calls`` calls; return each one's microseconds."""
    gc.collect()
    samples = []
    for _ in range(calls):
        start = time.perf_counter_ns()
        call()
        samples.append((time.perf_counter_ns() - start) / 1000)
    return samples


def ask(client: openai.OpenAI) -> None:
    client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)


def admit_us(
    enforcer: LimitEnforcer, make_call: Callable[[], CallRecord], calls: int
) -> list[float]:
    """Time ``enforcer.admit`` alone on ``calls`` fresh calls; return each one's microseconds."""
    records = [make_call() for _ in range(calls)]
    gc.collect()
    samples = []
    for call in records:
        start = time.perf_counter_ns()
        refusal = enforcer.admit(call)
        samples.append((time.perf_counter_ns() - start) / 1000)
        assert refusal is None
    return samples


def clients(server: FakeOpenAIServer, folder: Path) -> dict[str, openai.OpenAI]:
    tracer_provider = TracerProvider(shutdown_on_exit=False)
    tracer_provider.add_span_processor(BatchSpanProcessor(NullExporter()))

    def sdk() -> openai.OpenAI:
        return openai.OpenAI(base_url=server.base_url, api_key="bench", max_retries=0)

    def watched(**settings: Any) -> openai.OpenAI:
        return prysmai.monitor(sdk(), tracer_provider=tracer_provider, **settings)

    return {
        "unmonitored": sdk(),
        "monitored, no limits": watched(),
        "monitored, 3 limits in memory": watched(limits=LIMITS),
        "monitored, 3 limits in SQLite": watched(
            limits=LIMITS, limits_store=f"sqlite:///{folder / 'counters.db'}"
        ),
    }


def whole_calls(calls: int, rounds: int, folder: Path) -> None:
    with FakeOpenAIServer() as server:
        contestants = clients(server, folder)
        samples: dict[str, list[float]] = {name: [] for name in contestants}
        with prysm_context(user_id="bench-user"):
            for client in contestants.values():  # warm-up: connections, imports, files
                sample_us(functools.partial(ask, client), 50)
            names = list(contestants)
            for round_index in range(rounds):
                # Each round starts with another client, so no one always follows the same.
                shift = round_index % len(names)
                for name in names[shift:] + names[:shift]:
                    samples[name] += sample_us(functools.partial(ask, contestants[name]), calls)
                    get_worker().flush(30)
        base = statistics.median(samples["unmonitored"])
        print(f"Whole call on loopback, {calls * rounds} calls each (median, p90):")
        for name, values in samples.items():
            median = statistics.median(values)
            p90 = statistics.quantiles(values, n=10)[-1]
            print(f"  {name:32} {median:8.1f} us  p90 {p90:8.1f} us  (+{median - base:6.1f})")
        for client in contestants.values():
            used = recorder_of(client)
            if used is not None and used.limits is not None:
                # The day's counter: a run may cross a minute's edge, rarely a day's.
                count = used.limits.used(LIMITS[1], "bench-user")
                assert count >= calls * rounds, "the limits did not count every call"
            client.close()


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str | None]:
    """Run redis-server on a free loopback port; yield its URL (``None`` if it cannot run)."""
    binary = shutil.which("redis-server")
    if binary is None or importlib.util.find_spec("redis") is None:
        yield None
        return
    import redis

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
    command += ["no", "--dir", str(folder), "--logfile", str(folder / "redis.log")]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1)
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def postgres_database(url: str | None) -> Iterator[str | None]:
    """Yield ``url``, else a new database in a private cluster on loopback (``None`` if none)."""
    if url is not None:
        yield url
        return
    # The tests' cluster helper: initdb, a free loopback port, runuser when run as root.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    try:
        from tests.pg_cluster import PostgresCluster, missing
    except ImportError:
        yield None
        return
    if missing() is not None:
        yield None
        return
    cluster = PostgresCluster()
    try:
        yield cluster.create_database()
    finally:
        cluster.destroy()


def check_alone(calls: int, folder: Path, postgres_url: str | None) -> None:
    recorder = recorder_of(prysmai.monitor(openai.OpenAI(api_key="bench"), limits=LIMITS))
    assert recorder is not None
    body = b'{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}'
    with redis_server(folder) as redis_url, postgres_database(postgres_url) as pg_url:
        stores: dict[str, CounterStore] = {
            "memory": MemoryCounterStore(),
            "SQLite (WAL, synchronous=NORMAL)": SqliteCounterStore(folder / "alone.db"),
        }
        if redis_url is not None:
            stores["Redis (loopback, 1 script run)"] = RedisCounterStore(redis_url)
        if pg_url is not None:
            stores["PostgreSQL (1 function call)"] = PostgresCounterStore(pg_url)
        time_stores(stores, recorder, body, calls)
    if redis_url is None:
        print("  (no Redis row: it needs redis-server and the redis package)")
    if pg_url is None:
        print("  (no PostgreSQL row: give --postgres URL, or install PostgreSQL and psycopg)")


def time_stores(stores: dict[str, CounterStore], recorder: Any, body: bytes, calls: int) -> None:
    print(f"LimitEnforcer.admit alone, 3 limits, {calls} calls (median, p99):")
    with prysm_context(user_id="bench-user"):
        for name, store in stores.items():
            enforcer = LimitEnforcer(LIMITS, store)

            def fresh_call() -> CallRecord:
                return CallRecord(
                    recorder,
                    CHAT_COMPLETIONS,
                    body,
                    prysm_context.snapshot(),
                    otel_context.get_current(),
                )

            admit_us(enforcer, fresh_call, 1000)
            values = admit_us(enforcer, fresh_call, calls)
            p99 = statistics.quantiles(values, n=100)[-1]
            print(f"  {name:32} {statistics.median(values):8.2f} us  p99 {p99:8.2f} us")
            store.close()


def async_calls(calls: int, rounds: int, folder: Path) -> None:
    """Whole calls of async clients: the SQLite check hops to a worker thread and back."""

    async def run(server: FakeOpenAIServer) -> dict[str, list[float]]:
        tracer_provider = TracerProvider(shutdown_on_exit=False)
        tracer_provider.add_span_processor(BatchSpanProcessor(NullExporter()))

        def sdk() -> openai.AsyncOpenAI:
            return openai.AsyncOpenAI(base_url=server.base_url, api_key="bench", max_retries=0)

        contestants = {
            "async, monitored, no limits": prysmai.monitor(sdk(), tracer_provider=tracer_provider),
            "async, 3 limits in memory": prysmai.monitor(
                sdk(), tracer_provider=tracer_provider, limits=LIMITS
            ),
            "async, 3 limits in SQLite": prysmai.monitor(
                sdk(),
                tracer_provider=tracer_provider,
                limits=LIMITS,
                limits_store=f"sqlite:///{folder / 'async.db'}",
            ),
        }
        samples: dict[str, list[float]] = {name: [] for name in contestants}
        names = list(contestants)
        for round_index in range(rounds + 1):  # round 0 warms up
            shift = round_index % len(names)
            for name in names[shift:] + names[:shift]:
                client = contestants[name]
                for _ in range(calls if round_index else 50):
                    start = time.perf_counter_ns()
                    await client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
                    if round_index:
                        samples[name].append((time.perf_counter_ns() - start) / 1000)
                get_worker().flush(30)
        for client in contestants.values():
            await client.close()
        return samples

    with FakeOpenAIServer() as server, prysm_context(user_id="bench-user"):
        samples = asyncio.run(run(server))
    base = statistics.median(samples["async, monitored, no limits"])
    print(f"Whole async call on loopback, {calls * rounds} calls each (median, p90):")
    for name, values in samples.items():
        median = statistics.median(values)
        p90 = statistics.quantiles(values, n=10)[-1]
        print(f"  {name:32} {median:8.1f} us  p90 {p90:8.1f} us  (+{median - base:6.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400, help="calls per client per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--postgres",
        default=None,
        help="a postgresql:// database for the PostgreSQL row (default: a private cluster)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="prysm-limits-bench-") as folder:
        whole_calls(args.calls, args.rounds, Path(folder))
        check_alone(args.calls * args.rounds * 5, Path(folder), args.postgres)
        async_calls(args.calls, args.rounds, Path(folder))


if __name__ == "__main__":
    main()
