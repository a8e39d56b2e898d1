"""Added time per call of prysmai and its peers, against the same unmonitored client.

Every contestant talks to the same in-process transport, which answers like OpenAI does
(a JSON body, or an SSE stream of 34 chunks) without touching the network, so the numbers
are the instrumentation's own cost. Peers are measured when installed:
``opentelemetry-instrumentation-openai-v2`` and ``openinference-instrumentation-openai``.

"per chunk" spreads a stream's whole added time over its 34 chunks; "per chunk beyond the
call" first takes off what a plain call costs, leaving what each further chunk adds.

Run: python benchmarks/overhead.py [--calls 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import gc
import logging
import socket
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx2
import openai
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

import prysmai
from prysmai.testing.transport import FakeOpenAITransport
from prysmai.worker import get_worker

PROMPT_1KB = ("Summarise the quarterly report for the board in plain words. " * 17)[:1024]
STREAM_CHUNKS = 34


class NullExporter(SpanExporter):
    """Drops spans: every contestant pays for building them, none for shipping them."""

    def export(self, spans: Any) -> SpanExportResult:
        return SpanExportResult.SUCCESS


def make_client() -> openai.OpenAI:
    return openai.OpenAI(
        api_key="bench-key",
        base_url="http://bench.invalid/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=FakeOpenAITransport(chunk_count=STREAM_CHUNKS)),
    )


def plain_call(client: openai.OpenAI) -> None:
    client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": PROMPT_1KB}]
    )


def stream_call(client: openai.OpenAI) -> None:
    for _ in client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": PROMPT_1KB}], stream=True
    ):
        pass


def sample_us(call: Callable[[], None], calls: int) -> list[float]:
    """Time ``calls`` calls after a short warm-up; return each call's microseconds."""
    for _ in range(min(100, calls)):
        call()
    gc.collect()
    samples = []
    for _ in range(calls):
        start = time.perf_counter_ns()
        call()
        samples.append((time.perf_counter_ns() - start) / 1000)
    return samples


def provider() -> TracerProvider:
    tracer_provider = TracerProvider(shutdown_on_exit=False)
    tracer_provider.add_span_processor(BatchSpanProcessor(NullExporter()))
    return tracer_provider


class Contestant:
    """One way of making the calls; peers patch the SDK while they are measured."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.plain: list[float] = []
        self.stream: list[float] = []
        self.tracer_provider = provider()
        self.instrumentor: Any = None
        if name == "prysmai":
            self.client = prysmai.monitor(make_client(), tracer_provider=self.tracer_provider)
        elif name == "prysmai, dead collector":
            # Exports go to a closed loopback port: retries and failures stay off the caller.
            self.client = prysmai.monitor(
                make_client(), prysm_key="sk-prysm-" + "0" * 64, base_url=dead_endpoint()
            )
        else:
            self.client = make_client()
        if name == "opentelemetry-instrumentation-openai-v2":
            from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor

            self.instrumentor = OpenAIInstrumentor()
        elif name == "openinference-instrumentation-openai":
            from openinference.instrumentation.openai import OpenAIInstrumentor as OiInstrumentor

            self.instrumentor = OiInstrumentor()

    def run_round(self, calls: int) -> None:
        if self.instrumentor is not None:
            self.instrumentor.instrument(tracer_provider=self.tracer_provider)
        try:
            self.plain += sample_us(lambda: plain_call(self.client), calls)
            self.stream += sample_us(lambda: stream_call(self.client), max(calls // 4, 50))
        finally:
            if self.instrumentor is not None:
                self.instrumentor.uninstrument()
        get_worker().flush(30)


def dead_endpoint() -> str:
    """Return a loopback URL on which nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def available_peers() -> list[str]:
    peers = []
    for name, module in (
        ("opentelemetry-instrumentation-openai-v2", "opentelemetry.instrumentation.openai_v2"),
        ("openinference-instrumentation-openai", "openinference.instrumentation.openai"),
    ):
        try:
            __import__(module)
        except ImportError as exc:
            print(f"({name} not usable here: {exc}; skipped)", file=sys.stderr)
            continue
        peers.append(name)
    return peers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000, help="plain calls per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)

    # The exporter logs each failed export to the dead collector; that noise is expected here.
    logging.getLogger("opentelemetry").setLevel(logging.CRITICAL)
    names = ("unmonitored", "prysmai", "prysmai, dead collector", *available_peers())
    contestants = [Contestant(n) for n in names]
    # Rounds interleave the contestants so that drift of the machine hits all of them alike.
    for _ in range(args.rounds):
        for contestant in contestants:
            contestant.run_round(args.calls)

    base = contestants[0]
    base_plain, base_stream = statistics.median(base.plain), statistics.median(base.stream)
    print(
        f"openai {openai.__version__}, Python {sys.version.split()[0]}, "
        f"{args.rounds} rounds x {args.calls} plain calls and {max(args.calls // 4, 50)} streams"
    )
    print(
        f"unmonitored median: plain call {base_plain:.1f} µs, "
        f"stream of {STREAM_CHUNKS} chunks {base_stream:.1f} µs"
    )
    print()
    print(
        "| contestant | plain: added µs (median) | plain ratio | plain: added µs (mean) "
        "| stream: added µs | per chunk µs | per chunk beyond the call µs | stream ratio |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for contestant in contestants[1:]:
        plain = statistics.median(contestant.plain)
        stream = statistics.median(contestant.stream)
        mean_added = statistics.fmean(contestant.plain) - statistics.fmean(base.plain)
        print(
            f"| {contestant.name} | {plain - base_plain:.1f} | {plain / base_plain:.3f} | "
            f"{mean_added:.1f} | {stream - base_stream:.1f} | "
            f"{(stream - base_stream) / STREAM_CHUNKS:.2f} | "
            f"{((stream - base_stream) - (plain - base_plain)) / STREAM_CHUNKS:.2f} | "
            f"{stream / base_stream:.3f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
