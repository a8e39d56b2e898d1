"""PrysmClient(provider="anthropic"): OpenAI-format calls translated to Anthropic's Messages API.

Real recorded Anthropic answers are replayed on a loopback server and the real openai SDK
talks to it through the monitored, translating client: the server must receive a valid
Anthropic request, the caller must get OpenAI-format answers equal to what was recorded.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from prysmai import PrysmClient, semconv
from prysmai.cost import TokenUsage, default_price_book
from prysmai.testing import CassetteServer, LoopbackServer, load_cassette
from prysmai.testing.capture import Capture
from prysmai.testing.fake_openai import Exchange
from tests.core.cassette_expectations import CASSETTES, sse_events

ANTHROPIC = CASSETTES / "anthropic"
CONTRIB = ANTHROPIC / "opentelemetry-python-contrib"
INFERENCE = ANTHROPIC / "openinference" / "test_instrumentor"
pytestmark = pytest.mark.skipif(
    not ANTHROPIC.is_dir(),
    reason=f"recorded cassettes not found at {ANTHROPIC} (the shared data folder is absent)",
)

BASIC = CONTRIB / "test_sync_messages_create_basic.yaml"
STREAMING = CONTRIB / "test_sync_messages_create_streaming.yaml"
NOT_FOUND = CONTRIB / "test_sync_messages_create_api_error.yaml"
STREAM_NOT_FOUND = CONTRIB / "test_sync_messages_stream_api_error.yaml"
TOOLS = INFERENCE / "test_anthropic_instrumentation_multiple_tool_calling.yaml"
TOOLS_STREAMING = INFERENCE / "test_anthropic_instrumentation_multiple_tool_calling_streaming.yaml"
TOOL_RESULT = INFERENCE / "test_anthropic_instrumentation_tool_use_in_input[with_blocks].yaml"
TOKEN_COUNTS = INFERENCE / "test_anthropic_instrumentation_messages_token_counts.yaml"
ASYNC_STREAMING = INFERENCE / "test_anthropic_instrumentation_async_messages_streaming.yaml"


# --- helpers --------------------------------------------------------------------------------


def recorded_request(path: Path, index: int = 0) -> dict[str, Any]:
    return json.loads(load_cassette(path)[index].request_body)


def recorded_answer(path: Path, index: int = 0) -> bytes:
    return load_cassette(path)[index].body


def openai_tools(anthropic_tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The OpenAI tool definitions that translate to the recorded Anthropic ones."""
    return [
        {
            "type": "function",
            "function": {
                "name": t["name"],
                "description": t["description"],
                "parameters": t["input_schema"],
            },
        }
        for t in anthropic_tools
    ]


def recorded_stream(body: bytes) -> tuple[str, dict[str, dict[str, Any]]]:
    """Concatenated text and tool inputs by tool id, read straight from a recorded stream."""
    text, names, inputs = "", {}, {}
    for _name, data in sse_events(body):
        payload = json.loads(data)
        if payload["type"] == "content_block_start" and payload["content_block"]["type"] == (
            "tool_use"
        ):
            names[payload["index"]] = payload["content_block"]["id"]
            inputs[payload["content_block"]["id"]] = ""
        elif payload["type"] == "content_block_delta":
            delta = payload["delta"]
            if delta["type"] == "text_delta":
                text += delta["text"]
            elif delta["type"] == "input_json_delta":
                inputs[names[payload["index"]]] += delta["partial_json"]
    return text, {key: json.loads(value) for key, value in inputs.items()}


@pytest.fixture
def client_for() -> Iterator[Any]:
    """Build monitored, translating sync clients for a loopback server; closed afterwards."""
    made: list[Any] = []

    def build(server: LoopbackServer, capture: Capture | None = None, **kwargs: Any) -> Any:
        settings: dict[str, Any] = {}
        if capture is not None:
            settings = {
                "tracer_provider": capture.tracer_provider,
                "meter_provider": capture.meter_provider,
            }
        prysm = PrysmClient(
            provider="anthropic", provider_base_url=server.root_url, api_key="test", **settings
        )
        made.append(prysm.openai(**{"max_retries": 0, "timeout": 10.0, **kwargs}))
        return made[-1]

    yield build
    for client in made:
        client.close()


def collect(stream: Any) -> tuple[str, dict[int, dict[str, str]], list[Any]]:
    """Content, tool calls by index (id, name, arguments) and every chunk of a chat stream."""
    text, calls, chunks = "", {}, []
    for chunk in stream:
        chunks.append(chunk)
        for choice in chunk.choices:
            text += choice.delta.content or ""
            for call in choice.delta.tool_calls or []:
                entry = calls.setdefault(call.index, {"id": "", "name": "", "arguments": ""})
                entry["id"] += call.id or ""
                entry["name"] += (call.function and call.function.name) or ""
                entry["arguments"] += (call.function and call.function.arguments) or ""
    return text, calls, chunks


class ScriptedServer(LoopbackServer):
    """Answers every request with the given chunks, each written to the socket on its own."""

    def __init__(self, chunks: Any, *, status: int = 200, content_type: str = "") -> None:
        self.chunks = chunks
        self.status = status
        self.content_type = content_type or "text/event-stream; charset=utf-8"
        super().__init__()

    def _answer(self, exchange: Exchange) -> None:
        headers = [("Content-Type", self.content_type)]
        exchange.send_events(self.status, self.chunks, headers)


@pytest.fixture
def cassette() -> Iterator[Any]:
    servers: list[CassetteServer] = []

    def serve(path: Path) -> CassetteServer:
        servers.append(CassetteServer(path))
        return servers[-1]

    yield serve
    for server in servers:
        server.close()


# --- whole answers --------------------------------------------------------------------------


def test_plain_text_answer_and_the_request_anthropic_received(cassette, client_for):
    server = cassette(BASIC)
    client = client_for(server)

    answer = client.chat.completions.create(
        model="claude-sonnet-4-20250514",
        max_tokens=100,
        messages=[{"role": "user", "content": "Say hello in one word."}],
    )

    recorded = json.loads(recorded_answer(BASIC))
    assert answer.id == recorded["id"] == "msg_0176GK1qFwwpVM59jDYiKPjN"
    assert answer.model == "claude-sonnet-4-20250514"
    assert answer.choices[0].message.content == "Hello!"
    assert answer.choices[0].finish_reason == "stop"
    assert answer.usage is not None
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens) == (13, 5)
    assert answer.usage.total_tokens == 18
    [received] = server.requests
    assert received.path == "/v1/messages"
    assert received.json() == recorded_request(BASIC)
    assert received.header("x-api-key") == "test"
    assert received.header("anthropic-version") == "2023-06-01"
    assert received.header("authorization") is None
    assert server.unused == 0


def test_tool_use_answer_becomes_tool_calls(cassette, client_for):
    server = cassette(TOOLS)
    recorded_body = recorded_request(TOOLS)
    client = client_for(server)

    answer = client.chat.completions.create(
        model="claude-sonnet-4-6",
        max_tokens=1024,
        messages=recorded_body["messages"],
        tools=openai_tools(recorded_body["tools"]),
    )

    assert server.requests[0].json() == recorded_body
    recorded_blocks = json.loads(recorded_answer(TOOLS))["content"]
    message = answer.choices[0].message
    assert message.content == recorded_blocks[0]["text"]
    assert answer.choices[0].finish_reason == "tool_calls"
    calls = message.tool_calls or []
    assert [(c.id, c.type, c.function.name) for c in calls] == [
        (b["id"], "function", b["name"]) for b in recorded_blocks[1:]
    ]
    assert [json.loads(c.function.arguments) for c in calls] == [
        {"location": "New York, NY"},
        {"timezone": "America/New_York"},
    ]


def test_tool_round_trip_sends_tool_use_and_tool_result_blocks(cassette, client_for):
    server = cassette(TOOL_RESULT)
    recorded_body = recorded_request(TOOL_RESULT)
    assistant = recorded_body["messages"][1]["content"]
    result = recorded_body["messages"][2]["content"][0]
    client = client_for(server)

    answer = client.chat.completions.create(
        model="claude-sonnet-4-6",
        max_tokens=1024,
        tools=openai_tools(recorded_body["tools"]),
        messages=[
            {"role": "system", "content": "Answer briefly."},
            recorded_body["messages"][0],
            {
                "role": "assistant",
                "content": assistant[0]["text"],
                "tool_calls": [
                    {
                        "id": assistant[1]["id"],
                        "type": "function",
                        "function": {
                            "name": "get_weather",
                            "arguments": json.dumps(assistant[1]["input"]),
                        },
                    }
                ],
            },
            {"role": "tool", "tool_call_id": result["tool_use_id"], "content": result["content"]},
        ],
    )

    assert "75°F" in (answer.choices[0].message.content or "")
    sent = server.requests[0].json()
    assert sent["system"] == "Answer briefly."
    assert sent["max_tokens"] == 1024
    assert sent["tools"] == recorded_body["tools"]
    assert sent["messages"][:2] == recorded_body["messages"][:2]
    assert sent["messages"][2] == {
        "role": "user",
        "content": [
            {
                "type": "tool_result",
                "tool_use_id": result["tool_use_id"],
                "content": result["content"],
            }
        ],
    }


def test_recorded_404_raises_the_sdks_not_found_error(cassette, client_for):
    server = cassette(NOT_FOUND)
    client = client_for(server)

    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(
            model="invalid-model-name",
            max_tokens=100,
            messages=[{"role": "user", "content": "Hello"}],
        )

    assert caught.value.status_code == 404
    # openai 3.x prints the error's message, 1.x the whole error object.
    assert caught.value.message.startswith("Error code: 404 - ")
    assert "model: invalid-model-name" in caught.value.message
    assert caught.value.body == {
        "message": "model: invalid-model-name",
        "type": "not_found_error",
        "param": None,
        "code": None,
    }
    assert caught.value.request_id == "req_011CYfQMhgSid28ainNjq126"


def test_recorded_404_of_a_streamed_call_raises_not_found(cassette, client_for):
    server = cassette(STREAM_NOT_FOUND)
    client = client_for(server)

    with pytest.raises(openai.NotFoundError, match="invalid-model-name"):
        client.chat.completions.create(
            model="invalid-model-name",
            max_tokens=100,
            stream=True,
            messages=[{"role": "user", "content": "Hello"}],
        )
    assert server.requests[0].json() == recorded_request(STREAM_NOT_FOUND)


# --- streams --------------------------------------------------------------------------------


def test_streamed_text_with_usage_chunk(cassette, client_for):
    server = cassette(STREAMING)
    client = client_for(server)

    stream = client.chat.completions.create(
        model="claude-sonnet-4-20250514",
        max_tokens=100,
        stream=True,
        stream_options={"include_usage": True},
        messages=[{"role": "user", "content": "Say hello in one word."}],
    )
    text, calls, chunks = collect(stream)

    recorded_text, _ = recorded_stream(recorded_answer(STREAMING))
    assert text == recorded_text == "Hello."
    assert calls == {}
    assert chunks[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    usage = chunks[-1].usage
    assert chunks[-1].choices == []
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (13, 5, 18)
    assert server.requests[0].json() == recorded_request(STREAMING)


def test_streamed_multiple_tool_calls(cassette, client_for):
    server = cassette(TOOLS_STREAMING)
    recorded_body = recorded_request(TOOLS_STREAMING)
    client = client_for(server)

    stream = client.chat.completions.create(
        model="claude-sonnet-4-6",
        max_tokens=1024,
        stream=True,
        messages=recorded_body["messages"],
        tools=openai_tools(recorded_body["tools"]),
    )
    text, calls, chunks = collect(stream)

    recorded_text, recorded_inputs = recorded_stream(recorded_answer(TOOLS_STREAMING))
    assert text == recorded_text
    assert [call["name"] for call in calls.values()] == ["get_weather", "get_time"]
    assert {call["id"]: json.loads(call["arguments"]) for call in calls.values()} == (
        recorded_inputs
    )
    assert recorded_inputs  # the recording does hold tool calls
    assert chunks[-1].choices[0].finish_reason == "tool_calls"
    assert server.requests[0].json() == recorded_body


def test_stream_split_into_single_bytes(client_for):
    body = recorded_answer(TOOLS_STREAMING)
    recorded_text, recorded_inputs = recorded_stream(body)
    with ScriptedServer([body[i : i + 1] for i in range(len(body))]) as server:
        client = client_for(server)
        stream = client.chat.completions.create(
            model="claude-sonnet-4-6",
            stream=True,
            stream_options={"include_usage": True},
            messages=[{"role": "user", "content": "weather and time in New York?"}],
        )
        text, calls, chunks = collect(stream)

    assert text == recorded_text
    assert {c["id"]: json.loads(c["arguments"]) for c in calls.values()} == recorded_inputs
    assert chunks[-1].usage.completion_tokens == 113
    assert server.requests[0].json()["max_tokens"] == 4096  # the documented default


def test_first_chunk_reaches_the_caller_before_the_stream_ends(client_for):
    body = recorded_answer(STREAMING)
    events = [event + b"\n\n" for event in body.split(b"\n\n") if event.strip()]
    first_chunk_seen = threading.Event()
    released: list[bool] = []

    def held_back() -> Iterator[bytes]:
        yield from events[:2]  # message_start, content_block_start
        # The rest waits for the caller: a translation that buffered would never get here.
        released.append(first_chunk_seen.wait(5.0))
        yield from events[2:]

    with ScriptedServer(held_back()) as server:
        client = client_for(server)
        stream = client.chat.completions.create(
            model="claude-sonnet-4-20250514",
            stream=True,
            messages=[{"role": "user", "content": "Say hello in one word."}],
        )
        iterator = iter(stream)
        first = next(iterator)
        arrived_early = not first_chunk_seen.is_set()
        first_chunk_seen.set()
        rest = list(iterator)

    assert arrived_early
    assert released == [True]
    assert first.choices[0].delta.role == "assistant"
    assert "".join(c.choices[0].delta.content or "" for c in rest if c.choices) == "Hello."


MESSAGE_START = (
    b'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1",'
    b'"model":"claude-x","role":"assistant","content":[],"usage":{"input_tokens":3,'
    b'"output_tokens":1}}}\n\n'
    b'event: content_block_start\ndata: {"type":"content_block_start","index":0,'
    b'"content_block":{"type":"text","text":""}}\n\n'
    b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
    b'"delta":{"type":"text_delta","text":"Par"}}\n\n'
)


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        (
            b'event: error\ndata: {"type":"error","error":{"type":"overloaded_error",'
            b'"message":"Overloaded"}}\n\n',
            "Overloaded",
        ),
        (b"", "ended before its message_stop"),
        (b"event: content_block_delta\ndata: {not json\n\n", "not a JSON object"),
    ],
    ids=["error-event", "truncated", "invalid-json"],
)
def test_a_broken_stream_raises_after_the_text_received(tail, message, client_for, capture):
    with ScriptedServer([MESSAGE_START, tail]) as server:
        client = client_for(server, capture)
        stream = client.chat.completions.create(
            model="claude-x", stream=True, messages=[{"role": "user", "content": "Hi"}]
        )
        received = ""
        with pytest.raises(openai.APIError, match=message):
            for chunk in stream:
                received += chunk.choices[0].delta.content or ""

    assert received == "Par"
    # What arrived before the break is recorded: message_start gave the input tokens.
    [span] = capture.attributes()
    assert span[semconv.USAGE_INPUT_TOKENS] == 3


async def test_async_client_streams_a_recorded_answer(cassette, capture):
    server = cassette(ASYNC_STREAMING)
    recorded_body = recorded_request(ASYNC_STREAMING)
    prysm = PrysmClient(
        provider="anthropic",
        provider_base_url=server.root_url,
        api_key="k",
        tracer_provider=capture.tracer_provider,
        meter_provider=capture.meter_provider,
    )
    client = prysm.async_openai(max_retries=0, timeout=10.0)

    stream = await client.chat.completions.create(
        model="claude-sonnet-4-6",
        max_tokens=1024,
        stream=True,
        messages=recorded_body["messages"],
    )
    text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    await client.close()

    assert text == recorded_stream(recorded_answer(ASYNC_STREAMING))[0]
    assert text == "Sunlight scatters off air molecules."
    assert server.requests[0].json() == recorded_body
    assert server.requests[0].header("x-api-key") == "k"
    # The SDK drains the answer after "[DONE]" by reading the stream once more: that second
    # read must end quietly, not be recorded as a failed call.
    [span] = capture.attributes()
    assert span["prysm.status"] == "ok"
    assert "error.type" not in span


async def test_async_client_whole_answer(cassette):
    server = cassette(BASIC)
    prysm = PrysmClient(provider="anthropic", provider_base_url=server.root_url, api_key="k")
    client = prysm.async_openai(max_retries=0, timeout=10.0)

    answer = await client.chat.completions.create(
        model="claude-sonnet-4-20250514",
        max_completion_tokens=100,
        messages=[{"role": "user", "content": "Say hello in one word."}],
    )
    await client.close()

    assert answer.choices[0].message.content == "Hello!"
    assert server.requests[0].json() == recorded_request(BASIC)


# --- refused without contacting Anthropic ---------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "param"),
    [
        ({"n": 2}, "n"),
        ({"logprobs": True}, "logprobs"),
        (
            {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "x", "schema": {}},
                }
            },
            "response_format",
        ),
        ({"audio": {"voice": "alloy", "format": "mp3"}}, "audio"),
        ({"seed": 7}, "seed"),
        ({"extra_body": {"top_k": 5}}, "top_k"),
    ],
)
def test_unsupported_parameters_are_refused_locally(arguments, param, client_for):
    with ScriptedServer([b""]) as server:
        client = client_for(server)
        with pytest.raises(openai.BadRequestError) as caught:
            client.chat.completions.create(
                model="claude-x", messages=[{"role": "user", "content": "Hi"}], **arguments
            )

        assert server.requests == []
    assert caught.value.param == param
    assert caught.value.code == "unsupported_by_anthropic"
    assert "Anthropic" in caught.value.message


def test_other_endpoints_get_a_clear_not_found_locally(client_for):
    with ScriptedServer([b""]) as server:
        client = client_for(server)
        with pytest.raises(openai.NotFoundError, match="no equivalent of POST /embeddings"):
            client.embeddings.create(model="x", input="Hi")
        assert server.requests == []


def test_malformed_answer_is_a_502_that_is_not_retried(client_for):
    with ScriptedServer([b'{"id": "msg_1", "content": [{'], content_type="application/json") as (
        server
    ):
        client = client_for(server, max_retries=2)
        with pytest.raises(openai.InternalServerError, match="not valid JSON"):
            client.chat.completions.create(
                model="claude-x", messages=[{"role": "user", "content": "Hi"}]
            )
        assert len(server.requests) == 1


# --- what prysmai records -------------------------------------------------------------------


def test_span_carries_the_translated_token_counts(cassette, capture, client_for):
    server = cassette(TOKEN_COUNTS)
    recorded_body = recorded_request(TOKEN_COUNTS)
    client = client_for(server, capture)
    system = [
        {"type": "text", **{k: v for k, v in block.items() if k != "type"}}
        for block in recorded_body["system"]
    ]
    messages = [{"role": "system", "content": system}, *recorded_body["messages"]]

    first = client.chat.completions.create(
        model=recorded_body["model"], max_tokens=2048, messages=messages
    )
    second = client.chat.completions.create(
        model=recorded_body["model"], max_tokens=2048, messages=messages
    )

    assert [r.json() for r in server.requests] == [recorded_body, recorded_request(TOKEN_COUNTS, 1)]
    assert first.usage.prompt_tokens == 21 + 1733
    assert first.usage.prompt_tokens_details.cached_tokens == 0
    assert second.usage.prompt_tokens == 21 + 1733
    assert second.usage.prompt_tokens_details.cached_tokens == 1733
    spans = capture.attributes()
    assert [s[semconv.PROVIDER_NAME] for s in spans] == ["anthropic", "anthropic"]
    assert [s[semconv.USAGE_INPUT_TOKENS] for s in spans] == [1754, 1754]
    assert [s[semconv.USAGE_OUTPUT_TOKENS] for s in spans] == [561, 568]
    assert spans[0][semconv.USAGE_CACHE_CREATION_INPUT_TOKENS] == 1733  # written, then read
    assert spans[1][semconv.USAGE_CACHE_READ_INPUT_TOKENS] == 1733
    assert semconv.USAGE_CACHE_CREATION_INPUT_TOKENS not in spans[1]
    assert spans[1][semconv.REQUEST_MODEL] == "claude-3-7-sonnet-20250219"
    # Prompt tokens hold the cached ones here: priced once, not again on top.
    model = spans[0][semconv.RESPONSE_MODEL]
    written = TokenUsage(input_tokens=1754, output_tokens=561, cache_write_tokens=1733)
    once = default_price_book().cost("anthropic", model, written, cache_exclusive=False)
    twice = default_price_book().cost("anthropic", model, written, cache_exclusive=True)
    assert once is not None and twice is not None and once.total_usd < twice.total_usd
    assert spans[0][semconv.COST_USD] == pytest.approx(once.total_usd)


@pytest.mark.parametrize("include_usage", [True, False])
def test_streamed_span_sees_openai_chunks_and_usage(cassette, capture, client_for, include_usage):
    server = cassette(STREAMING)
    client = client_for(server, capture)

    _, _, chunks = collect(
        client.chat.completions.create(
            model="claude-sonnet-4-20250514",
            max_tokens=100,
            stream=True,
            stream_options={"include_usage": include_usage},
            messages=[{"role": "user", "content": "Say hello in one word."}],
        )
    )

    # Without include_usage the caller gets no usage chunk, yet the call's tokens are recorded.
    assert any(chunk.usage is not None for chunk in chunks) is include_usage
    [span] = capture.attributes()
    assert span[semconv.COST_USD] > 0
    assert span["prysm.endpoint"] == "chat.completions"
    assert span[semconv.PROVIDER_NAME] == "anthropic"
    assert span[semconv.USAGE_INPUT_TOKENS] == 13
    assert span[semconv.USAGE_OUTPUT_TOKENS] == 5
    assert span[semconv.RESPONSE_FINISH_REASONS] == ("stop",)
    assert "Hello." in span[semconv.OUTPUT_MESSAGES]


def test_the_transport_also_works_on_classic_httpx(cassette):
    """openai 1.x clients run on httpx: the same translation is built for its classes."""
    httpx = pytest.importorskip("httpx")
    from prysmai.providers.anthropic_translation.transport import sync_transport_class

    server = cassette(STREAMING)
    transport = sync_transport_class(httpx)(httpx.HTTPTransport())
    request = {
        "model": "claude-sonnet-4-20250514",
        "max_tokens": 100,
        "stream": True,
        "messages": [{"role": "user", "content": "Say hello in one word."}],
    }
    with httpx.Client(transport=transport, base_url=server.root_url) as http:
        response = http.post(
            "/chat/completions", json=request, headers={"Authorization": "Bearer k"}
        )
        body = response.read()

    data = [
        json.loads(e[len(b"data: ") :]) for e in body.split(b"\n\n") if e and b"[DONE]" not in e
    ]
    assert "".join(c["choices"][0]["delta"].get("content", "") for c in data) == "Hello."
    assert body.endswith(b"data: [DONE]\n\n")
    assert server.requests[0].json() == recorded_request(STREAMING)
    assert server.requests[0].header("x-api-key") == "k"


class RedirectingServer(LoopbackServer):
    """Answers every request with a redirect elsewhere."""

    def _answer(self, exchange: Exchange) -> None:
        exchange.send(307, b"", [("Location", "https://elsewhere.invalid/v1/messages")])


def test_a_redirect_is_reported_with_its_target_not_followed(client_for):
    with RedirectingServer() as server:
        client = client_for(server)
        with pytest.raises(openai.InternalServerError) as caught:
            client.chat.completions.create(
                model="claude-x", max_tokens=10, messages=[{"role": "user", "content": "Hi"}]
            )

        assert len(server.requests) == 1
    assert caught.value.status_code == 502
    assert "redirect to https://elsewhere.invalid/v1/messages" in caught.value.message


def test_an_x_api_key_the_caller_sets_wins_over_the_clients_key(cassette, client_for):
    server = cassette(BASIC)
    client = client_for(server)

    client.chat.completions.create(
        model="claude-sonnet-4-20250514",
        max_tokens=100,
        messages=[{"role": "user", "content": "Say hello in one word."}],
        extra_headers={"x-api-key": "caller-key"},
    )

    [received] = server.requests
    assert [value for key, value in received.headers if key.lower() == "x-api-key"] == [
        "caller-key"
    ]
