"""Chunks reach the caller as they arrive, TTFT is measured, spans nest under the app's."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import openai
import pytest
from opentelemetry import trace

from prysmai import prysm_context, semconv

MESSAGES = [{"role": "user", "content": "Count from one to five"}]


def test_first_chunk_arrives_before_the_stream_ends(capture, slow_server):
    started = time.perf_counter()
    arrivals: list[tuple[float, bool]] = []
    with openai.OpenAI(base_url=slow_server.base_url, api_key="k", max_retries=0) as sdk:
        client = capture.monitor(sdk)
        for chunk in client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True):
            has_content = bool(chunk.choices and chunk.choices[0].delta.content)
            arrivals.append((time.perf_counter() - started, has_content))

    [attrs] = capture.attributes()
    first_content_s = next(t for t, has_content in arrivals if has_content)
    # Events are 200 ms apart: the first reaches the caller long before the last does.
    assert len(arrivals) >= 4
    assert arrivals[0][0] < arrivals[-1][0] / 2
    assert 150 <= attrs[semconv.TIME_TO_FIRST_TOKEN_MS] <= attrs[semconv.LATENCY_MS]
    assert attrs[semconv.TIME_TO_FIRST_TOKEN_MS] == pytest.approx(first_content_s * 1000, abs=100)


def test_sync_call_inside_a_running_event_loop_is_parented(capture, client):
    watched = capture.monitor(client)
    tracer = capture.tracer_provider.get_tracer("app")

    async def handler() -> None:
        with tracer.start_as_current_span("app request"):
            watched.chat.completions.create(model="gpt-4o", messages=MESSAGES)

    asyncio.run(handler())

    spans = {s.name: s for s in capture.spans()}
    call, parent = spans["chat gpt-4o"], spans["app request"]
    assert call.parent is not None
    assert call.parent.span_id == parent.context.span_id
    assert call.context.trace_id == parent.context.trace_id


def test_call_without_an_active_span_is_a_root(monitored, capture):
    assert not trace.get_current_span().get_span_context().is_valid
    monitored.chat.completions.create(model="gpt-4o", messages=MESSAGES)

    [span] = capture.spans()
    assert span.parent is None


def test_thread_pool_calls_carry_their_own_scope(monitored, capture):
    def call(i: int) -> None:
        with prysm_context(user_id=f"user-{i}", session_id=f"s-{i}", metadata={"n": i}):
            monitored.chat.completions.create(model="gpt-4o", messages=MESSAGES)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(call, range(8)))

    seen = sorted(
        (a[semconv.USER_ID], a[semconv.SESSION_ID], a[semconv.METADATA_PREFIX + "n"])
        for a in capture.attributes()
    )
    assert seen == sorted((f"user-{i}", f"s-{i}", i) for i in range(8))


async def test_gathered_tasks_carry_their_own_scope(async_monitored, capture):
    async def call(i: int) -> None:
        with prysm_context(user_id=f"user-{i}", metadata={"n": i}):
            await asyncio.sleep(0.001 * (8 - i))
            await async_monitored.chat.completions.create(model="gpt-4o", messages=MESSAGES)

    await asyncio.gather(*(call(i) for i in range(8)))

    attributes = capture.attributes()
    seen = sorted((a[semconv.USER_ID], a[semconv.METADATA_PREFIX + "n"]) for a in attributes)
    assert seen == sorted((f"user-{i}", i) for i in range(8))


def test_metrics_use_the_conventions_names_and_buckets(monitored, capture):
    list(
        monitored.chat.completions.create(
            model="gpt-4o", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
        )
    )
    capture.spans()

    metrics = capture.metrics()
    duration = metrics[semconv.METRIC_OPERATION_DURATION][0]
    tokens = metrics[semconv.METRIC_TOKEN_USAGE]
    assert tuple(duration.explicit_bounds) == semconv.DURATION_BUCKETS_S
    assert tuple(tokens[0].explicit_bounds) == semconv.TOKEN_BUCKETS
    assert {p.attributes[semconv.TOKEN_TYPE] for p in tokens} == {"input", "output"}
    assert metrics[semconv.METRIC_TIME_TO_FIRST_CHUNK][0].count == 1
    assert metrics[semconv.METRIC_COST][0].value > 0
