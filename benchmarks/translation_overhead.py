"""Cost of calling Anthropic through the OpenAI SDK with prysmai's translation.

All contestants talk to the same in-process transport, which answers like Anthropic's Messages
API (a JSON message, or an SSE stream of 34 text deltas) without touching the network:

* ``anthropic SDK, unmonitored``: the baseline, Anthropic's own SDK;
* ``anthropic SDK, monitored``: the same client wrapped by ``prysmai.monitor``;
* ``openai SDK, translated``: ``PrysmClient(provider="anthropic").openai()``, monitored, each
  call translated to the Messages API and its answer (or stream) back to OpenAI's format;
* ``openai SDK, unmonitored, OpenAI answer``: for reference, the OpenAI SDK reading an answer
  of the same shape in OpenAI's own format (prysmai's fake OpenAI transport, 34 chunks).

The OpenAI SDK builds a typed object for every chunk and costs more than Anthropic's per
stream, so the translation's own cost is the gap between the last two rows (which includes
monitoring). Spans go to an exporter that drops them.

Run: python benchmarks/translation_overhead.py [--calls 500] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Iterator
from typing import Any

import anthropic
import httpx2
import openai
from overhead import PROMPT_1KB, STREAM_CHUNKS, provider, sample_us

import prysmai
from prysmai.testing.transport import FakeOpenAITransport
from prysmai.worker import get_worker

_WORDS = ("The", " report", " shows", " steady", " growth", " in", " every", " region")


def _message() -> bytes:
    text = "".join(_WORDS[i % len(_WORDS)] for i in range(STREAM_CHUNKS))
    return json.dumps(
        {
            "id": "msg_bench",
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-20250514",
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": 260, "output_tokens": STREAM_CHUNKS},
        }
    ).encode()


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


def _stream_events() -> list[bytes]:
    start = {
        "type": "message_start",
        "message": {
            "id": "msg_bench",
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-20250514",
            "content": [],
            "stop_reason": None,
            "usage": {"input_tokens": 260, "output_tokens": 1},
        },
    }
    events = [
        _event("message_start", start),
        _event(
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text"}},
        ),
    ]
    for i in range(STREAM_CHUNKS):
        delta = {"type": "text_delta", "text": _WORDS[i % len(_WORDS)]}
        events.append(
            _event(
                "content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}
            )
        )
    events.append(_event("content_block_stop", {"type": "content_block_stop", "index": 0}))
    finish = {
        "type": "message_delta",
        "delta": {"stop_reason": "end_turn", "stop_sequence": None},
        "usage": {"output_tokens": STREAM_CHUNKS},
    }
    events.append(_event("message_delta", finish))
    events.append(_event("message_stop", {"type": "message_stop"}))
    return events


class _Events(httpx2.SyncByteStream):
    def __init__(self, events: list[bytes]) -> None:
        self._events = events

    def __iter__(self) -> Iterator[bytes]:
        yield from self._events


class FakeMessagesTransport(httpx2.BaseTransport):
    """Answers ``POST /v1/messages`` like Anthropic: JSON, or SSE when the body asks to stream."""

    def __init__(self) -> None:
        self._message = _message()
        self._events = _stream_events()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        if json.loads(request.read()).get("stream"):
            return httpx2.Response(
                200,
                headers={"content-type": "text/event-stream"},
                stream=_Events(self._events),
            )
        return httpx2.Response(
            200, headers={"content-type": "application/json"}, content=self._message
        )


def _http_client() -> httpx2.Client:
    return httpx2.Client(transport=FakeMessagesTransport())


def _anthropic_client() -> anthropic.Anthropic:
    return anthropic.Anthropic(
        api_key="bench-key",
        base_url="http://bench.invalid",
        max_retries=0,
        http_client=_http_client(),
    )


_MESSAGES = [{"role": "user", "content": PROMPT_1KB}]


class Contestant:
    """One way of making the calls."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.plain: list[float] = []
        self.stream: list[float] = []
        tracer_provider = provider()
        if name == "openai SDK, translated":
            client: Any = prysmai.PrysmClient(
                provider="anthropic",
                provider_base_url="http://bench.invalid",
                api_key="bench-key",
                tracer_provider=tracer_provider,
            ).openai(max_retries=0, http_client=_http_client())
            self.call = lambda: _openai_call(client)
            self.stream_call = lambda: _openai_stream(client)
            return
        if name == "openai SDK, unmonitored, OpenAI answer":
            reference = openai.OpenAI(
                api_key="bench-key",
                base_url="http://bench.invalid/v1",
                max_retries=0,
                http_client=httpx2.Client(transport=FakeOpenAITransport(chunk_count=STREAM_CHUNKS)),
            )
            self.call = lambda: _openai_call(reference)
            self.stream_call = lambda: _openai_stream(reference)
            return
        native = _anthropic_client()
        if name == "anthropic SDK, monitored":
            native = prysmai.monitor(native, tracer_provider=tracer_provider)
        self.call = lambda: _anthropic_call(native)
        self.stream_call = lambda: _anthropic_stream(native)

    def run_round(self, calls: int) -> None:
        self.plain += sample_us(self.call, calls)
        self.stream += sample_us(self.stream_call, max(calls // 4, 50))
        get_worker().flush(30)


def _anthropic_call(client: anthropic.Anthropic) -> None:
    client.messages.create(model="claude-sonnet-4-20250514", max_tokens=1024, messages=_MESSAGES)


def _anthropic_stream(client: anthropic.Anthropic) -> None:
    for _ in client.messages.create(
        model="claude-sonnet-4-20250514", max_tokens=1024, messages=_MESSAGES, stream=True
    ):
        pass


def _openai_call(client: openai.OpenAI) -> None:
    client.chat.completions.create(
        model="claude-sonnet-4-20250514", max_tokens=1024, messages=_MESSAGES
    )


def _openai_stream(client: openai.OpenAI) -> None:
    for _ in client.chat.completions.create(
        model="claude-sonnet-4-20250514", max_tokens=1024, messages=_MESSAGES, stream=True
    ):
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500, help="plain calls per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    names = (
        "anthropic SDK, unmonitored",
        "anthropic SDK, monitored",
        "openai SDK, translated",
        "openai SDK, unmonitored, OpenAI answer",
    )
    contestants = [Contestant(name) for name in names]
    for _ in range(args.rounds):  # interleaved, so that the machine's drift hits all alike
        for contestant in contestants:
            contestant.run_round(args.calls)
    base = contestants[0]
    base_plain, base_stream = statistics.median(base.plain), statistics.median(base.stream)
    print(
        f"anthropic {anthropic.__version__}, openai {openai.__version__}, "
        f"Python {sys.version.split()[0]}, {args.rounds} rounds x {args.calls} plain calls and "
        f"{max(args.calls // 4, 50)} streams of {STREAM_CHUNKS} deltas"
    )
    print()
    print("| contestant | plain call µs (median) | ratio | stream µs (median) | ratio |")
    print("|---|---|---|---|---|")
    for contestant in contestants:
        plain, stream = statistics.median(contestant.plain), statistics.median(contestant.stream)
        print(
            f"| {contestant.name} | {plain:.1f} | {plain / base_plain:.3f} | {stream:.1f} | "
            f"{stream / base_stream:.3f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
