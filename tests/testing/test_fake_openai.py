from __future__ import annotations

import base64
import concurrent.futures
import json
import socket
import struct
import time
from collections.abc import Iterator
from typing import Any

import anthropic
import httpx2
import openai
import pytest

from prysmai.testing import FAULT_HEADER, FakeOpenAIServer
from prysmai.testing.fake_model import split_deltas

WEATHER_TOOL: Any = {
    "type": "function",
    "function": {
        "name": "get_current_weather",
        "description": "Get the current weather in a given location",
        "parameters": {
            "type": "object",
            "properties": {"location": {"type": "string"}},
            "required": ["location"],
        },
    },
}
WEATHER_QUESTION = "What's the weather in Seattle and San Francisco today?"
LOCATION_PARAMETERS: Any = {"type": "object", "properties": {"location": {"type": "string"}}}


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        yield fake


@pytest.fixture
def client(server: FakeOpenAIServer) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0) as sdk:
        yield sdk


def user(text: str) -> Any:
    """Return a one-message conversation (Any: the SDKs type messages as TypedDicts)."""
    return [{"role": "user", "content": text}]


# --- chat completions -----------------------------------------------------------------------


def test_chat_completion_answers_with_realistic_body(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="gpt-4o-mini", messages=user("Say this is a test")
    )

    usage = completion.usage
    assert usage is not None
    assert usage.prompt_tokens_details is not None
    assert usage.completion_tokens_details is not None
    assert completion.id.startswith("chatcmpl-")
    assert completion.model == "gpt-4o-mini"
    assert completion.system_fingerprint is not None
    assert completion.choices[0].message.content == "This is a test."
    assert completion.choices[0].finish_reason == "stop"
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (13, 6, 19)
    assert usage.prompt_tokens_details.cached_tokens == 0
    assert usage.completion_tokens_details.reasoning_tokens == 0


def test_chat_answer_names_the_prompt_keyword(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="gpt-4o", messages=user("What is the capital of France?")
    )

    assert "France" in (completion.choices[0].message.content or "")


def test_stream_sends_role_then_content_then_finish(client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model="gpt-4o-mini", messages=user("Say this is a test"), stream=True
        )
    )

    deltas = [chunk.choices[0].delta for chunk in chunks]
    assert deltas[0].role == "assistant"
    assert "".join(delta.content or "" for delta in deltas) == "This is a test."
    assert [chunk.choices[0].finish_reason for chunk in chunks][-1] == "stop"
    assert [chunk.usage for chunk in chunks] == [None] * len(chunks)


def test_stream_with_include_usage_ends_with_usage_only_chunk(client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model="gpt-4o-mini",
            messages=user("Say this is a test"),
            stream=True,
            stream_options={"include_usage": True},
        )
    )

    last = chunks[-1]
    assert last.choices == []
    assert last.usage is not None
    assert (last.usage.prompt_tokens, last.usage.completion_tokens) == (13, 6)
    assert [chunk.usage for chunk in chunks[:-1]] == [None] * (len(chunks) - 1)


def test_stream_chunks_arrive_incrementally() -> None:
    with (
        FakeOpenAIServer(chunk_delay_s=0.1) as server,
        openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0) as client,
    ):
        arrivals = [
            time.monotonic()
            for _ in client.chat.completions.create(
                model="gpt-4o-mini", messages=user("Say this is a test"), stream=True
            )
        ]

    # Seven events with 0.1 s between them: the first must not wait for the last.
    assert len(arrivals) == 7
    assert arrivals[-1] - arrivals[0] > 0.3


def test_weather_question_with_tools_gets_parallel_tool_calls(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="gpt-4o-mini", messages=user(WEATHER_QUESTION), tools=[WEATHER_TOOL]
    )

    choice = completion.choices[0]
    calls = choice.message.tool_calls or []
    functions = [call.function for call in calls if call.type == "function"]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    assert [(function.name, json.loads(function.arguments)) for function in functions] == [
        ("get_current_weather", {"location": "Seattle"}),
        ("get_current_weather", {"location": "San Francisco"}),
    ]
    assert all(call.id.startswith("call_") for call in calls)


def test_streamed_tool_calls_split_arguments_across_deltas(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=user(WEATHER_QUESTION),
        tools=[WEATHER_TOOL],
        parallel_tool_calls=False,
        stream=True,
    )
    tool_deltas = [call for chunk in stream for call in chunk.choices[0].delta.tool_calls or []]

    first, rest = tool_deltas[0], tool_deltas[1:]
    assert first.function is not None
    assert (first.index, first.function.name, first.function.arguments) == (
        0,
        "get_current_weather",
        "",
    )
    assert first.id is not None
    assert len(rest) > 1
    assert [delta.id for delta in rest] == [None] * len(rest)
    arguments = "".join(delta.function.arguments or "" for delta in rest if delta.function)
    assert json.loads(arguments) == {"location": "Seattle"}


def test_tool_result_turn_is_answered_with_text(client: openai.OpenAI) -> None:
    messages = [
        *user(WEATHER_QUESTION),
        {
            "role": "assistant",
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_current_weather", "arguments": "{}"},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "Seattle: 12 C, light rain"},
    ]

    completion = client.chat.completions.create(
        model="gpt-4o-mini", messages=messages, tools=[WEATHER_TOOL]
    )

    choice = completion.choices[0]
    assert choice.finish_reason == "stop"
    assert choice.message.content == "Here is what I found: Seattle: 12 C, light rain"


def test_n_2_returns_two_indexed_choices(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="gpt-4o-mini", messages=user("How do I learn Rust?"), n=2
    )

    texts = [choice.message.content for choice in completion.choices]
    assert [choice.index for choice in completion.choices] == [0, 1]
    assert texts[0] != texts[1]


def test_streamed_n_2_interleaves_both_choices(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model="gpt-4o-mini", messages=user("Say hello there"), n=2, stream=True
    )
    texts = {0: "", 1: ""}
    for chunk in stream:
        texts[chunk.choices[0].index] += chunk.choices[0].delta.content or ""

    assert texts == {0: "Hello there.", 1: "Hello there."}


def test_logprobs_cover_every_content_token(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="gpt-4o-mini", messages=user("Say this is a test"), logprobs=True, top_logprobs=2
    )

    logprobs = completion.choices[0].logprobs
    assert logprobs is not None
    content = logprobs.content or []
    assert "".join(entry.token for entry in content) == "This is a test."
    assert [len(entry.top_logprobs) for entry in content] == [2] * len(content)
    assert all(entry.logprob <= 0 for entry in content)


def test_streamed_logprobs_accompany_each_content_delta(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model="gpt-4o-mini", messages=user("Say this is a test"), logprobs=True, stream=True
    )
    pairs = [
        (chunk.choices[0].delta.content, chunk.choices[0].logprobs)
        for chunk in stream
        if chunk.choices[0].delta.content
    ]

    assert [(text, [entry.token for entry in lp.content or []]) for text, lp in pairs if lp] == [
        (text, [text]) for text, _ in pairs
    ]


def test_json_schema_response_format_returns_matching_json(client: openai.OpenAI) -> None:
    schema: Any = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "population": {"type": "integer"}},
    }

    completion = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=user("Give me facts about Paris"),
        response_format={"type": "json_schema", "json_schema": {"name": "facts", "schema": schema}},
    )

    assert json.loads(completion.choices[0].message.content or "") == {
        "city": "Paris",
        "population": 1,
    }


def test_json_object_response_format_returns_json(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=user("Say this is a test"),
        response_format={"type": "json_object"},
    )

    assert json.loads(completion.choices[0].message.content or "") == {"answer": "This is a test."}


def test_max_tokens_cuts_the_answer_with_length_finish(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="gpt-4o-mini", messages=user("How do I learn Rust?"), max_tokens=5
    )

    assert completion.usage is not None
    assert completion.choices[0].finish_reason == "length"
    assert completion.usage.completion_tokens == 5
    assert len((completion.choices[0].message.content or "").split()) < 5


def test_reasoning_model_reports_reasoning_tokens(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(model="o4-mini", messages=user("Say ok"))

    usage = completion.usage
    assert usage is not None
    assert usage.completion_tokens_details is not None
    reasoning = usage.completion_tokens_details.reasoning_tokens or 0
    assert reasoning > 0
    assert usage.completion_tokens == reasoning + 2


def test_repeated_long_prompt_reports_cached_tokens(client: openai.OpenAI) -> None:
    long_prompt = "word " * 1000

    first = client.chat.completions.create(model="gpt-4o", messages=user(long_prompt))
    second = client.chat.completions.create(model="gpt-4o", messages=user(long_prompt))

    assert first.usage is not None and first.usage.prompt_tokens_details is not None
    assert second.usage is not None and second.usage.prompt_tokens_details is not None
    assert first.usage.prompt_tokens == 1306
    assert first.usage.prompt_tokens_details.cached_tokens == 0
    assert second.usage.prompt_tokens_details.cached_tokens == 1280


# --- other endpoints ------------------------------------------------------------------------


def test_legacy_completion_plain_and_streamed(client: openai.OpenAI) -> None:
    plain = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say hello")
    streamed = list(
        client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say hello", stream=True)
    )

    assert plain.id.startswith("cmpl-")
    assert plain.choices[0].text == "Hello."
    assert "".join(chunk.choices[0].text for chunk in streamed) == "Hello."
    assert streamed[-1].choices[0].finish_reason == "stop"


def test_legacy_completion_stops_at_16_tokens_by_default(client: openai.OpenAI) -> None:
    completion = client.completions.create(
        model="gpt-3.5-turbo-instruct", prompt="Explain prompt caching"
    )

    assert completion.usage is not None
    assert completion.choices[0].finish_reason == "length"
    assert completion.usage.completion_tokens == 16


def test_embeddings_base64_decodes_to_the_float_values(client: openai.OpenAI) -> None:
    floats = client.embeddings.create(model="text-embedding-3-small", input=["a cat", "a dog"])
    encoded = client.embeddings.create(
        model="text-embedding-3-small", input=["a cat", "a dog"], encoding_format="base64"
    )

    decoded = [
        list(struct.unpack("<8f", base64.b64decode(str(item.embedding)))) for item in encoded.data
    ]
    assert decoded == [item.embedding for item in floats.data]
    assert [item.index for item in floats.data] == [0, 1]
    assert floats.usage.prompt_tokens == 6


def test_embeddings_honour_dimensions(client: openai.OpenAI) -> None:
    result = client.embeddings.create(model="text-embedding-3-large", input="hi", dimensions=32)

    vector = result.data[0].embedding
    assert len(vector) == 32
    assert sum(value * value for value in vector) == pytest.approx(1.0, rel=1e-5)


def test_responses_plain_has_message_output_and_usage(client: openai.OpenAI) -> None:
    response = client.responses.create(
        model="gpt-4o-mini", input="Say this is a test", instructions="You are a helpful assistant."
    )

    assert response.usage is not None
    assert response.id.startswith("resp_")
    assert response.status == "completed"
    assert response.output_text == "This is a test."
    assert [item.type for item in response.output] == ["message"]
    assert (response.usage.input_tokens, response.usage.output_tokens) == (22, 6)
    assert response.usage.input_tokens_details.cached_tokens == 0
    assert response.usage.output_tokens_details.reasoning_tokens == 0


def test_responses_stream_emits_lifecycle_and_text_deltas(client: openai.OpenAI) -> None:
    events = list(client.responses.create(model="gpt-4o-mini", input="Say hi there", stream=True))

    types = [event.type for event in events]
    deltas = [event.delta for event in events if event.type == "response.output_text.delta"]
    assert types[:3] == ["response.created", "response.in_progress", "response.output_item.added"]
    assert types[-1] == "response.completed"
    assert "".join(deltas) == "Hi there."
    assert [event.sequence_number for event in events] == list(range(len(events)))


def test_responses_stream_helper_assembles_the_final_response(client: openai.OpenAI) -> None:
    with client.responses.stream(model="o4-mini", input="Say this is a test") as stream:
        for _ in stream:
            pass
        final = stream.get_final_response()

    assert final.usage is not None
    assert final.output_text == "This is a test."
    assert [item.type for item in final.output] == ["reasoning", "message"]
    assert final.usage.output_tokens_details.reasoning_tokens > 0


def test_responses_function_call_for_a_named_tool(client: openai.OpenAI) -> None:
    tool: Any = {
        "type": "function",
        "name": "get_time",
        "parameters": {"type": "object", "properties": {"timezone": {"type": "string"}}},
    }

    response = client.responses.create(
        model="gpt-4o-mini", input="What time is it now?", tools=[tool]
    )

    call = response.output[0]
    assert call.type == "function_call"
    assert (call.name, json.loads(call.arguments)) == ("get_time", {"timezone": "UTC"})


def test_models_list_and_retrieve(client: openai.OpenAI) -> None:
    listed = [model.id for model in client.models.list()]
    retrieved = client.models.retrieve("gpt-4o-mini")

    assert "gpt-4o-mini" in listed
    assert (retrieved.id, retrieved.owned_by) == ("gpt-4o-mini", "system")


def test_anthropic_count_tokens_counts_more_for_a_longer_prompt(
    server: FakeOpenAIServer,
) -> None:
    with anthropic.Anthropic(base_url=server.root_url, api_key="test-key", max_retries=0) as claude:
        short = claude.messages.count_tokens(model="claude-sonnet-4-5", messages=user("Hi"))
        long = claude.messages.count_tokens(
            model="claude-sonnet-4-5", messages=user("Hi, please say hello in one short word")
        )

    assert 0 < short.input_tokens < long.input_tokens


def test_anthropic_messages_plain_and_streamed(server: FakeOpenAIServer) -> None:
    with anthropic.Anthropic(base_url=server.root_url, api_key="test-key", max_retries=0) as claude:
        message = claude.messages.create(
            model="claude-sonnet-4-5", max_tokens=100, messages=user("Say hello in one word")
        )
        events = list(
            claude.messages.create(
                model="claude-sonnet-4-5",
                max_tokens=100,
                messages=user("Say hello in one word"),
                stream=True,
            )
        )

    text = "".join(
        event.delta.text
        for event in events
        if event.type == "content_block_delta" and event.delta.type == "text_delta"
    )
    assert message.id.startswith("msg_01")
    assert message.content[0].type == "text"
    assert message.content[0].text == "Hello in one word."
    assert message.stop_reason == "end_turn"
    assert message.usage.input_tokens > 0
    assert text == "Hello in one word."
    assert [events[0].type, events[-2].type, events[-1].type] == [
        "message_start",
        "message_delta",
        "message_stop",
    ]


def test_anthropic_tool_use_streams_input_json(server: FakeOpenAIServer) -> None:
    tool: Any = {
        "name": "get_weather",
        "input_schema": {"type": "object", "properties": {"location": {"type": "string"}}},
    }

    with (
        anthropic.Anthropic(base_url=server.root_url, api_key="test-key", max_retries=0) as claude,
        claude.messages.stream(
            model="claude-sonnet-4-5",
            max_tokens=200,
            tools=[tool],
            messages=user("What's the weather in Paris?"),
        ) as stream,
    ):
        final = stream.get_final_message()

    tool_uses = [block for block in final.content if block.type == "tool_use"]
    assert final.stop_reason == "tool_use"
    assert [(block.name, block.input) for block in tool_uses] == [
        ("get_weather", {"location": "Paris"})
    ]


# --- faults ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_class", "code"),
    [
        pytest.param(404, openai.NotFoundError, "model_not_found", id="404"),
        pytest.param(429, openai.RateLimitError, "rate_limit_exceeded", id="429"),
        pytest.param(500, openai.InternalServerError, None, id="500"),
    ],
)
def test_status_fault_raises_the_sdk_error(
    server: FakeOpenAIServer,
    client: openai.OpenAI,
    status: int,
    error_class: type[openai.APIStatusError],
    code: str | None,
) -> None:
    server.enqueue_fault("status", status=status)

    with pytest.raises(error_class) as caught:
        client.chat.completions.create(model="gpt-4o-mini", messages=user("hi"))

    assert caught.value.status_code == status
    assert caught.value.code == code
    assert isinstance(caught.value.body, dict)
    assert sorted(caught.value.body) == ["code", "message", "param", "type"]


def test_status_fault_carries_custom_error_and_headers(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    server.enqueue_fault(
        "status",
        status=429,
        message="Slow down",
        error_type="requests",
        code="rate_limit_exceeded",
        headers={"retry-after": "7"},
    )

    with pytest.raises(openai.RateLimitError) as caught:
        client.chat.completions.create(model="gpt-4o-mini", messages=user("hi"))

    assert caught.value.body == {
        "message": "Slow down",
        "type": "requests",
        "param": None,
        "code": "rate_limit_exceeded",
    }
    assert caught.value.response.headers["retry-after"] == "7"


def test_fault_applies_only_to_the_next_requests(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    server.enqueue_fault("status", status=500, times=2)
    outcomes = []
    for _ in range(3):
        try:
            client.chat.completions.create(model="gpt-4o-mini", messages=user("Say ok"))
            outcomes.append("ok")
        except openai.InternalServerError:
            outcomes.append("500")

    assert outcomes == ["500", "500", "ok"]


def test_drop_mid_stream_raises_during_iteration(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    server.enqueue_fault("drop_mid_stream", after_events=3)
    received = []

    stream = client.chat.completions.create(
        model="gpt-4o-mini", messages=user("Say this is a test"), stream=True
    )
    with pytest.raises(openai.APIConnectionError):
        for chunk in stream:
            received.append(chunk.choices[0].delta.content)

    assert received == ["", "This", " is"]


def test_drop_mid_stream_on_a_plain_call_raises(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    server.enqueue_fault("drop_mid_stream")

    with pytest.raises(openai.APIConnectionError):
        client.chat.completions.create(model="gpt-4o-mini", messages=user("hi"))


def test_delay_fault_makes_the_client_time_out(server: FakeOpenAIServer) -> None:
    server.enqueue_fault("delay", delay_s=5.0)

    with (
        openai.OpenAI(
            base_url=server.base_url, api_key="test-key", max_retries=0, timeout=0.2
        ) as client,
        pytest.raises(openai.APITimeoutError),
    ):
        client.chat.completions.create(model="gpt-4o-mini", messages=user("hi"))


def test_delay_fault_then_answers_normally(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    server.enqueue_fault("delay", delay_s=0.01)

    completion = client.chat.completions.create(model="gpt-4o-mini", messages=user("Say ok"))

    assert completion.choices[0].message.content == "Ok."


def test_malformed_fault_answers_200_with_invalid_json(server: FakeOpenAIServer) -> None:
    server.enqueue_fault("malformed")
    body = {"model": "gpt-4o-mini", "messages": user("hi")}

    with httpx2.Client() as http:
        response = http.post(server.base_url + "/chat/completions", json=body)

    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_fault_header_injects_a_status(client: openai.OpenAI) -> None:
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(
            model="gpt-4o-mini", messages=user("hi"), extra_headers={FAULT_HEADER: "status=503"}
        )


def test_anthropic_status_fault_uses_anthropic_error_shape(server: FakeOpenAIServer) -> None:
    server.enqueue_fault("status", status=404)

    with (
        anthropic.Anthropic(base_url=server.root_url, api_key="test-key", max_retries=0) as claude,
        pytest.raises(anthropic.NotFoundError) as caught,
    ):
        claude.messages.create(model="claude-x", max_tokens=10, messages=user("hi"))

    assert isinstance(caught.value.body, dict)
    assert caught.value.body["error"] == {"type": "not_found_error", "message": "model: claude-x"}


# --- requests, errors and lifecycle ---------------------------------------------------------


def test_requests_are_recorded_with_headers_and_body(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    client.chat.completions.create(model="gpt-4o-mini", messages=user("Say ok"))

    request = server.requests[0]
    assert (request.method, request.path) == ("POST", "/v1/chat/completions")
    assert request.header("authorization") == "Bearer test-key"
    assert request.json() == {"messages": user("Say ok"), "model": "gpt-4o-mini"}
    assert all(isinstance(name, str) for name, _ in request.headers)


def test_unknown_route_answers_openai_404(server: FakeOpenAIServer) -> None:
    with httpx2.Client() as http:
        response = http.post(server.base_url + "/nope", json={})

    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "message": "Invalid URL (POST /v1/nope)",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        }
    }


def test_invalid_json_body_answers_400(server: FakeOpenAIServer) -> None:
    with httpx2.Client() as http:
        response = http.post(server.base_url + "/chat/completions", content=b"{not json")

    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_missing_messages_answers_400_with_param(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.post("/chat/completions", body={"model": "gpt-4o"}, cast_to=object)

    assert caught.value.param == "messages"


def test_keep_alive_serves_several_requests_on_one_connection(server: FakeOpenAIServer) -> None:
    body = {"model": "gpt-4o-mini", "messages": user("Say ok")}

    with httpx2.Client() as http:
        statuses = [http.post(server.base_url + "/chat/completions", json=body).status_code]
        statuses.append(http.post(server.base_url + "/chat/completions", json=body).status_code)

    ports = {request.header("host") for request in server.requests}
    assert statuses == [200, 200]
    assert len(ports) == 1


def test_close_returns_while_a_client_is_mid_stream() -> None:
    server = FakeOpenAIServer(chunk_delay_s=0.5)
    with openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0) as client:
        stream = client.chat.completions.create(
            model="gpt-4o-mini", messages=user("Say this is a test"), stream=True
        )
        first = next(iter(stream))

        server.close()

        with pytest.raises(openai.APIConnectionError):
            list(stream)
    assert first.choices[0].delta.role == "assistant"
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", server.port)).close()


def test_close_twice_is_harmless() -> None:
    server = FakeOpenAIServer()

    server.close()
    server.close()

    assert server.requests == []


def test_non_loopback_host_is_refused() -> None:
    with pytest.raises(ValueError, match="loopback"):
        FakeOpenAIServer(host="0.0.0.0")


@pytest.mark.parametrize(
    "text",
    ["This is a test.", "a, b\n\n  c! ", "", " leading", "I'm fine — thanks", "trailing  "],
)
def test_split_deltas_rejoins_to_the_text(text: str) -> None:
    assert "".join(split_deltas(text)) == text


# --- edges of the protocol ------------------------------------------------------------------


def raw_exchange(server: FakeOpenAIServer, data: bytes) -> bytes:
    """Send raw bytes on a new connection and read until the server closes it."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def test_chunked_request_body_is_read_whole(server: FakeOpenAIServer) -> None:
    parts = [b'{"model": "gpt-4o-mini", ', b'"messages": [{"role": "user", "content": "hi"}]}']

    with httpx2.Client(trust_env=False) as http:
        response = http.post(server.base_url + "/chat/completions", content=iter(parts))

    assert response.status_code == 200
    assert server.requests[0].header("transfer-encoding") == "chunked"
    assert server.requests[0].body == b"".join(parts)


def test_garbage_request_line_answers_400(server: FakeOpenAIServer) -> None:
    received = raw_exchange(server, b"GET /v1/models HTTP/1.1 extra\r\n\r\n")

    assert received.startswith(b"HTTP/1.1 400 ")
    assert server.requests == []


def test_unreadable_content_length_closes_the_connection(server: FakeOpenAIServer) -> None:
    received = raw_exchange(
        server, b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"
    )

    assert received == b""


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        pytest.param(
            "/v1/chat/completions",
            {"messages": []},
            {"type": "invalid_request_error", "message": "you must provide a model parameter"},
            id="no-model",
        ),
        pytest.param(
            "/v1/embeddings",
            {"model": "text-embedding-3-small"},
            {"type": "invalid_request_error", "message": "Missing required parameter: 'input'."},
            id="embeddings-no-input",
        ),
        pytest.param(
            "/v1/messages",
            {"model": "claude-sonnet-4-5", "messages": []},
            {"type": "invalid_request_error", "message": "max_tokens: Field required"},
            id="anthropic-no-max-tokens",
        ),
        pytest.param(
            "/v1/messages",
            [1, 2],
            {
                "type": "invalid_request_error",
                "message": "We could not parse the JSON body of your request.",
            },
            id="anthropic-not-an-object",
        ),
    ],
)
def test_invalid_requests_answer_400_in_the_provider_shape(
    server: FakeOpenAIServer, path: str, body: object, expected: dict[str, str]
) -> None:
    with httpx2.Client(trust_env=False) as http:
        response = http.post(server.root_url + path, json=body)

    error = response.json()["error"]
    assert response.status_code == 400
    assert {key: error[key] for key in ("type", "message")} == expected


def test_unknown_model_retrieve_raises_not_found(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.models.retrieve("gpt-9")

    assert caught.value.code == "model_not_found"


def test_malformed_fault_on_a_stream_breaks_chunk_parsing(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    server.enqueue_fault("malformed")

    stream = client.chat.completions.create(model="gpt-4o-mini", messages=user("hi"), stream=True)
    with pytest.raises(json.JSONDecodeError):
        list(stream)


def test_fault_header_drops_a_stream(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=user("Say this is a test"),
        stream=True,
        extra_headers={FAULT_HEADER: "drop_mid_stream=1"},
    )

    with pytest.raises(openai.APIConnectionError):
        list(stream)


@pytest.mark.parametrize(
    ("value", "expected_content_start"),
    [
        pytest.param("delay=0.01", b"{\n", id="delay"),
        pytest.param("malformed", b'{"id": "chatcmpl-malformed"', id="malformed"),
    ],
)
def test_fault_header_delays_or_breaks_the_body(
    server: FakeOpenAIServer, value: str, expected_content_start: bytes
) -> None:
    body = {"model": "gpt-4o-mini", "messages": user("hi")}

    with httpx2.Client(trust_env=False) as http:
        response = http.post(
            server.base_url + "/chat/completions", json=body, headers={FAULT_HEADER: value}
        )

    assert response.status_code == 200
    assert response.content.startswith(expected_content_start)


@pytest.mark.parametrize("value", ["delay=soon", "explode"])
def test_unusable_fault_header_is_ignored_with_a_warning(
    client: openai.OpenAI, caplog: pytest.LogCaptureFixture, value: str
) -> None:
    completion = client.chat.completions.create(
        model="gpt-4o-mini", messages=user("Say ok"), extra_headers={FAULT_HEADER: value}
    )

    assert completion.choices[0].message.content == "Ok."
    assert [record.levelname for record in caplog.records] == ["WARNING"]


def test_client_leaving_mid_stream_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG", logger="prysmai.testing.fake_openai")
    body = {"model": "gpt-4o-mini", "messages": user("How do I learn Rust?"), "stream": True}

    with FakeOpenAIServer(chunk_delay_s=0.02) as server:
        with (
            httpx2.Client(trust_env=False) as http,
            http.stream("POST", server.base_url + "/chat/completions", json=body) as response,
        ):
            next(response.iter_raw())
        deadline = time.monotonic() + 5
        while "disconnected" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.02)

    assert "Loopback client disconnected during POST /v1/chat/completions." in caplog.text


def test_legacy_stream_with_usage_and_logprobs(client: openai.OpenAI) -> None:
    chunks = list(
        client.completions.create(
            model="gpt-3.5-turbo-instruct",
            prompt="Say hello world",
            logprobs=2,
            stream=True,
            stream_options={"include_usage": True},
        )
    )

    tokens = [
        token
        for chunk in chunks[:-1]
        if chunk.choices[0].logprobs is not None
        for token in chunk.choices[0].logprobs.tokens or []
    ]
    assert "".join(tokens) == "Hello world."
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == 3


def test_legacy_logprobs_give_offsets(client: openai.OpenAI) -> None:
    completion = client.completions.create(
        model="gpt-3.5-turbo-instruct", prompt="Say hello world", logprobs=1
    )

    logprobs = completion.choices[0].logprobs
    assert logprobs is not None
    assert logprobs.tokens == ["Hello", " world", "."]
    assert logprobs.text_offset == [0, 5, 11]
    assert [len(top) for top in logprobs.top_logprobs or []] == [1, 1, 1]


def test_responses_stream_of_a_function_call(client: openai.OpenAI) -> None:
    tool: Any = {"type": "function", "name": "get_weather", "parameters": LOCATION_PARAMETERS}

    events = list(
        client.responses.create(
            model="gpt-4o-mini", input="Weather in Lisbon?", tools=[tool], stream=True
        )
    )

    deltas = [e.delta for e in events if e.type == "response.function_call_arguments.delta"]
    done = [e.arguments for e in events if e.type == "response.function_call_arguments.done"]
    assert len(deltas) > 1
    assert done == ["".join(deltas)]
    assert json.loads(done[0]) == {"location": "Lisbon"}


def test_responses_cut_by_max_output_tokens_is_incomplete(client: openai.OpenAI) -> None:
    response = client.responses.create(
        model="gpt-4o-mini", input="How do I learn Rust?", max_output_tokens=4
    )

    assert response.status == "incomplete"
    assert response.incomplete_details is not None
    assert response.incomplete_details.reason == "max_output_tokens"


def test_embeddings_of_token_lists(client: openai.OpenAI) -> None:
    single = client.embeddings.create(model="text-embedding-3-small", input=[1, 2, 3])
    batch = client.embeddings.create(model="text-embedding-3-small", input=[[1, 2], [3]])

    assert (len(single.data), single.usage.prompt_tokens) == (1, 3)
    assert (len(batch.data), batch.usage.prompt_tokens) == (2, 3)


def test_status_fault_on_an_unparseable_body_still_answers(server: FakeOpenAIServer) -> None:
    server.enqueue_fault("status", status=404)

    with httpx2.Client(trust_env=False) as http:
        response = http.post(server.base_url + "/chat/completions", content=b"{oops")

    assert response.status_code == 404
    assert response.json()["error"]["message"] == (
        "The model `unknown` does not exist or you do not have access to it."
    )


async def test_async_client_streams_from_the_same_server(server: FakeOpenAIServer) -> None:
    async with openai.AsyncOpenAI(
        base_url=server.base_url, api_key="test-key", max_retries=0
    ) as client:
        stream = await client.chat.completions.create(
            model="gpt-4o-mini", messages=user("Say this is a test"), stream=True
        )
        text = "".join([chunk.choices[0].delta.content or "" async for chunk in stream])

    assert text == "This is a test."


def test_ipv6_loopback_is_served() -> None:
    try:
        server = FakeOpenAIServer(host="::1")
    except OSError:
        pytest.skip("IPv6 loopback is not available on this machine")

    with server, httpx2.Client(trust_env=False) as http:
        response = http.get(server.base_url + "/models")

    assert server.root_url == f"http://[::1]:{server.port}"
    assert response.status_code == 200


def test_dozens_of_simultaneous_calls_are_all_answered() -> None:
    # With the listen backlog's default of 5, a burst of connections saw some of them dropped.
    with FakeOpenAIServer() as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)

        def call(index: int) -> str:
            answer = client.chat.completions.create(
                model="gpt-4o", messages=[{"role": "user", "content": f"hello {index}"}]
            )
            return answer.choices[0].message.content or ""

        with concurrent.futures.ThreadPoolExecutor(64) as pool:
            answers = list(pool.map(call, range(256)))

    assert len(answers) == 256
    assert all(answers)


def test_a_body_of_the_wrong_shape_gets_a_400_not_a_dropped_connection() -> None:
    with FakeOpenAIServer() as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
        with pytest.raises(openai.BadRequestError, match="Invalid type for 'input'"):
            client.responses.create(model="gpt-4o", input=5)  # type: ignore[arg-type]
