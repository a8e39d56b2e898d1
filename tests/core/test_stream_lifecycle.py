"""A streamed call's span ends exactly once, whichever way the caller leaves the stream."""

from __future__ import annotations

import asyncio
import gc

import openai
import pytest

from prysmai import semconv

MESSAGES = [{"role": "user", "content": "Write three sentences about rivers and lakes"}]


def _one_span(capture):
    spans = capture.spans()
    assert len(spans) == 1, [s.attributes for s in spans]
    return spans[0]


def test_exhausted_stream_is_complete(monitored, capture):
    list(monitored.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))

    span = _one_span(capture)
    assert span.attributes[semconv.STREAM_CUT_SHORT] is False
    assert span.status.status_code.name == "UNSET"


# The SDK leaves a dropped stream's connection to the garbage collector, which warns about it.
_DROPPED_CONNECTION = pytest.mark.filterwarnings(
    "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)


@_DROPPED_CONNECTION
def test_stream_never_iterated_and_dropped(monitored, capture):
    stream = monitored.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    del stream
    gc.collect()

    span = _one_span(capture)
    assert span.attributes[semconv.STREAM_CUT_SHORT] is True


def test_break_after_first_chunk_inside_with(monitored, capture):
    with monitored.chat.completions.create(
        model="gpt-4o", messages=MESSAGES, stream=True
    ) as stream:
        for _chunk in stream:
            break

    span = _one_span(capture)
    assert span.attributes[semconv.STREAM_CUT_SHORT] is True
    assert span.attributes[semconv.STREAM_CHUNK_COUNT] >= 1


def test_explicit_close(monitored, capture):
    stream = monitored.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    next(iter(stream))
    stream.close()

    span = _one_span(capture)
    assert span.attributes[semconv.STREAM_CUT_SHORT] is True


def test_next_before_any_for_loop(monitored, capture):
    stream = monitored.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    first = next(stream)
    rest = list(stream)

    span = _one_span(capture)
    assert first.id == rest[-1].id
    assert span.attributes[semconv.STREAM_CUT_SHORT] is False


def test_exception_in_the_callers_loop_body(monitored, capture):
    with pytest.raises(RuntimeError, match="caller failed"):
        with monitored.chat.completions.create(
            model="gpt-4o", messages=MESSAGES, stream=True
        ) as stream:
            for _chunk in stream:
                raise RuntimeError("caller failed")

    span = _one_span(capture)
    assert span.attributes[semconv.STREAM_CUT_SHORT] is True
    assert span.attributes[semconv.STATUS] == "ok"


def test_connection_failing_mid_stream_marks_the_span_as_error(monitored, capture, server):
    server.enqueue_fault("drop_mid_stream", after_events=3)

    with pytest.raises((openai.APIError, Exception)):
        list(monitored.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))

    span = _one_span(capture)
    assert span.status.status_code.name == "ERROR"
    assert span.attributes[semconv.STREAM_CUT_SHORT] is True
    assert span.attributes[semconv.ERROR_TYPE]


async def test_async_exhausted_stream(async_monitored, capture):
    stream = await async_monitored.chat.completions.create(
        model="gpt-4o", messages=MESSAGES, stream=True
    )
    [chunk async for chunk in stream]

    span = _one_span(capture)
    assert span.attributes[semconv.STREAM_CUT_SHORT] is False


async def test_async_break_inside_async_with(async_monitored, capture):
    async with await async_monitored.chat.completions.create(
        model="gpt-4o", messages=MESSAGES, stream=True
    ) as stream:
        async for _chunk in stream:
            break

    span = _one_span(capture)
    assert span.attributes[semconv.STREAM_CUT_SHORT] is True


async def test_async_explicit_aclose(async_monitored, capture):
    stream = await async_monitored.chat.completions.create(
        model="gpt-4o", messages=MESSAGES, stream=True
    )
    await stream.__anext__()
    await stream.close()

    span = _one_span(capture)
    assert span.attributes[semconv.STREAM_CUT_SHORT] is True


async def test_async_exception_in_the_callers_loop_body(async_monitored, capture):
    with pytest.raises(ValueError, match="boom"):
        async with await async_monitored.chat.completions.create(
            model="gpt-4o", messages=MESSAGES, stream=True
        ) as stream:
            async for _chunk in stream:
                raise ValueError("boom")

    span = _one_span(capture)
    assert span.attributes[semconv.STREAM_CUT_SHORT] is True


@_DROPPED_CONNECTION
async def test_async_stream_never_iterated_and_dropped(async_monitored, capture):
    stream = await async_monitored.chat.completions.create(
        model="gpt-4o", messages=MESSAGES, stream=True
    )
    del stream
    gc.collect()
    await asyncio.sleep(0)

    span = _one_span(capture)
    assert span.attributes[semconv.STREAM_CUT_SHORT] is True


async def test_task_cancelled_during_iteration(capture, slow_server):
    sdk = openai.AsyncOpenAI(base_url=slow_server.base_url, api_key="k", max_retries=0)
    client = capture.monitor(sdk)
    received: list[object] = []

    async def consume() -> None:
        stream = await client.chat.completions.create(
            model="gpt-4o", messages=MESSAGES, stream=True
        )
        async for chunk in stream:
            received.append(chunk)

    task = asyncio.create_task(consume())
    while not received:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    await sdk.close()
    span = _one_span(capture)
    assert span.attributes[semconv.STREAM_CUT_SHORT] is True
    assert span.attributes[semconv.ERROR_TYPE] == "cancelled"
