"""Every OpenAI API shape the SDK offers is seen once by the monitored client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
import pydantic
import pytest
import yaml

from prysmai import monitor, semconv
from prysmai.testing import CassetteServer
from prysmai.testing.fake_openai import FakeOpenAIServer
from tests.core.sse_bodies import named_events

MESSAGES = [{"role": "user", "content": "Say hello to the team"}]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"location": {"type": "string"}},
            "required": ["location"],
        },
    },
}


def test_plain_chat_records_model_tokens_cost_and_content(monitored, capture):
    response = monitored.chat.completions.create(
        model="gpt-4o-mini", messages=MESSAGES, temperature=0.2, max_tokens=50, seed=7
    )

    [attrs] = capture.attributes()
    assert attrs[semconv.OPERATION_NAME] == "chat"
    assert attrs[semconv.PROVIDER_NAME] == "openai"
    assert attrs[semconv.REQUEST_MODEL] == "gpt-4o-mini"
    assert attrs[semconv.RESPONSE_MODEL] == response.model
    assert attrs[semconv.RESPONSE_ID] == response.id
    assert attrs[semconv.USAGE_INPUT_TOKENS] == response.usage.prompt_tokens
    assert attrs[semconv.USAGE_OUTPUT_TOKENS] == response.usage.completion_tokens
    assert attrs[semconv.RESPONSE_FINISH_REASONS] == ("stop",)
    assert attrs[semconv.REQUEST_TEMPERATURE] == 0.2
    assert attrs[semconv.REQUEST_MAX_TOKENS] == 50
    assert attrs[semconv.REQUEST_SEED] == 7
    assert attrs[semconv.HTTP_STATUS_CODE] == 200
    assert attrs[semconv.SERVER_ADDRESS] == "127.0.0.1"
    assert attrs[semconv.STATUS] == "ok"
    assert attrs[semconv.COST_SOURCE] in ("genai-prices", "prysm-table")
    expected_cost = (
        response.usage.prompt_tokens * 0.15 + response.usage.completion_tokens * 0.60
    ) / 1e6
    assert attrs[semconv.COST_USD] == pytest.approx(expected_cost)
    output = json.loads(attrs[semconv.OUTPUT_MESSAGES])
    assert output[0]["parts"][0]["content"] == response.choices[0].message.content
    assert json.loads(attrs[semconv.INPUT_MESSAGES])[0]["parts"][0]["content"] == (
        "Say hello to the team"
    )


def test_unknown_model_gets_no_cost_at_all(monitored, capture):
    monitored.chat.completions.create(model="my-local-finetune", messages=MESSAGES)

    [attrs] = capture.attributes()
    assert attrs[semconv.USAGE_INPUT_TOKENS] > 0
    assert semconv.COST_USD not in attrs
    assert semconv.COST_SOURCE not in attrs


def test_scanning_can_be_turned_off(capture, client):
    capture.monitor(client, security=False).chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "mail a@b.co"}]
    )

    [attrs] = capture.attributes()
    assert semconv.THREAT_SCORE not in attrs


def test_span_name_and_kind_follow_the_conventions(monitored, capture):
    monitored.chat.completions.create(model="gpt-4o", messages=MESSAGES)

    [span] = capture.spans()
    assert span.name == "chat gpt-4o"
    assert span.kind.name == "CLIENT"


def test_stream_with_usage_records_usage_ttft_and_completion(monitored, capture):
    stream = monitored.chat.completions.create(
        model="gpt-4o", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)

    [attrs] = capture.attributes()
    usage = chunks[-1].usage
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert attrs[semconv.STREAM] is True
    assert attrs[semconv.STREAM_CUT_SHORT] is False
    assert attrs[semconv.USAGE_INPUT_TOKENS] == usage.prompt_tokens
    assert attrs[semconv.USAGE_OUTPUT_TOKENS] == usage.completion_tokens
    assert attrs[semconv.TIME_TO_FIRST_TOKEN_MS] > 0
    assert attrs[semconv.TIME_TO_FIRST_TOKEN_MS] <= attrs[semconv.LATENCY_MS]
    assert json.loads(attrs[semconv.OUTPUT_MESSAGES])[0]["parts"][0]["content"] == text


def test_stream_without_usage_records_no_tokens_and_no_cost(monitored, capture):
    list(monitored.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))

    [attrs] = capture.attributes()
    assert semconv.USAGE_INPUT_TOKENS not in attrs
    assert semconv.COST_USD not in attrs
    assert attrs[semconv.STREAM_CUT_SHORT] is False


def test_streamed_tool_calls_are_assembled_by_index(monitored, capture):
    stream = monitored.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "What's the weather in Paris and in Rome?"}],
        tools=[WEATHER_TOOL],
        stream=True,
    )
    sdk_calls: dict[int, dict[str, str]] = {}
    for chunk in stream:
        for choice in chunk.choices:
            for delta in choice.delta.tool_calls or []:
                entry = sdk_calls.setdefault(delta.index, {"name": "", "arguments": ""})
                entry["name"] += delta.function.name or ""
                entry["arguments"] += delta.function.arguments or ""

    [attrs] = capture.attributes()
    recorded = json.loads(attrs[semconv.TOOL_CALLS])
    assert [(c["name"], c["arguments"]) for c in recorded] == [
        (v["name"], v["arguments"]) for _, v in sorted(sdk_calls.items())
    ]
    assert attrs[semconv.TOOL_CALL_COUNT] == len(sdk_calls)
    assert attrs[semconv.RESPONSE_FINISH_REASONS] == ("tool_calls",)
    assert attrs[semconv.REQUEST_TOOLS] == ("get_weather",)


def test_multiple_choices_stay_separate_in_a_stream(monitored, capture):
    chunks = list(
        monitored.chat.completions.create(model="gpt-4o", messages=MESSAGES, n=2, stream=True)
    )

    texts = {0: "", 1: ""}
    for chunk in chunks:
        for choice in chunk.choices:
            texts[choice.index] += choice.delta.content or ""
    [attrs] = capture.attributes()
    outputs = json.loads(attrs[semconv.OUTPUT_MESSAGES])
    assert [o["parts"][0]["content"] for o in outputs] == [texts[0], texts[1]]
    assert attrs[semconv.REQUEST_CHOICE_COUNT] == 2


def test_logprobs_are_recorded(monitored, capture):
    response = monitored.chat.completions.create(
        model="gpt-4o-mini", messages=MESSAGES, logprobs=True, top_logprobs=2
    )

    [attrs] = capture.attributes()
    recorded = json.loads(attrs[semconv.LOGPROBS])[0]["content"]
    assert [item["token"] for item in recorded] == [
        item.token for item in response.choices[0].logprobs.content
    ]


class Greeting(pydantic.BaseModel):
    greeting: str


def test_parse_is_recorded_with_its_response_format(monitored, capture):
    monitored.chat.completions.parse(model="gpt-4o", messages=MESSAGES, response_format=Greeting)

    [attrs] = capture.attributes()
    assert attrs[semconv.REQUEST_RESPONSE_FORMAT] == "json_schema"
    assert attrs[semconv.OUTPUT_TYPE] == "json"


def test_stream_helper_is_recorded_once(monitored, capture):
    with monitored.chat.completions.stream(model="gpt-4o", messages=MESSAGES) as stream:
        final = stream.get_final_completion()

    [attrs] = capture.attributes()
    assert attrs[semconv.STREAM] is True
    assert json.loads(attrs[semconv.OUTPUT_MESSAGES])[0]["parts"][0]["content"] == (
        final.choices[0].message.content
    )


def test_legacy_completions_plain_and_streamed(monitored, capture):
    plain = monitored.completions.create(model="gpt-3.5-turbo-instruct", prompt="Once upon")
    list(monitored.completions.create(model="gpt-3.5-turbo-instruct", prompt="Hi", stream=True))

    first, second = capture.attributes()
    assert first[semconv.OPERATION_NAME] == "text_completion"
    assert first[semconv.USAGE_OUTPUT_TOKENS] == plain.usage.completion_tokens
    assert second[semconv.STREAM] is True
    assert second[semconv.STREAM_CUT_SHORT] is False


def test_embeddings_record_tokens_and_price(monitored, capture):
    response = monitored.embeddings.create(
        model="text-embedding-3-small", input=["alpha", "beta"], dimensions=4
    )

    [attrs] = capture.attributes()
    assert attrs[semconv.OPERATION_NAME] == "embeddings"
    assert attrs[semconv.USAGE_INPUT_TOKENS] == response.usage.prompt_tokens
    assert attrs[semconv.COST_USD] == pytest.approx(response.usage.prompt_tokens * 0.02 / 1e6)


def test_responses_api_plain_and_streamed(monitored, capture):
    plain = monitored.responses.create(model="gpt-4o-mini", input="Tell me a fact")
    with monitored.responses.create(model="gpt-4o-mini", input="Another", stream=True) as stream:
        events = list(stream)

    first, second = capture.attributes()
    assert first[semconv.ENDPOINT] == "responses"
    assert first[semconv.USAGE_INPUT_TOKENS] == plain.usage.input_tokens
    assert json.loads(first[semconv.OUTPUT_MESSAGES])[0]["parts"][0]["content"] == plain.output_text
    completed = events[-1].response
    assert second[semconv.STREAM] is True
    assert second[semconv.USAGE_OUTPUT_TOKENS] == completed.usage.output_tokens
    assert second[semconv.STREAM_CUT_SHORT] is False
    assert second[semconv.TIME_TO_FIRST_TOKEN_MS] > 0


def test_raw_and_streaming_responses_are_recorded(monitored, capture):
    raw = monitored.chat.completions.with_raw_response.create(model="gpt-4o", messages=MESSAGES)
    raw.parse()
    with monitored.chat.completions.with_streaming_response.create(
        model="gpt-4o", messages=MESSAGES
    ) as response:
        b"".join(response.iter_bytes())

    assert [a[semconv.STATUS] for a in capture.attributes()] == ["ok", "ok"]
    assert all(semconv.USAGE_OUTPUT_TOKENS in a for a in capture.attributes())


def test_with_options_copies_stay_monitored(monitored, capture):
    derived = monitored.with_options(timeout=30, max_retries=1)
    derived.chat.completions.create(model="gpt-4o", messages=MESSAGES)

    assert len(capture.spans()) == 1


def test_monitoring_twice_records_once(capture, client):
    twice = capture.monitor(capture.monitor(client))
    twice.chat.completions.create(model="gpt-4o", messages=MESSAGES)

    assert len(capture.spans()) == 1


def test_original_client_is_untouched(monitored, client, capture):
    client.chat.completions.create(model="gpt-4o", messages=MESSAGES)

    assert capture.spans() == []
    assert type(monitored) is type(client)


def test_non_model_requests_pass_unrecorded(monitored, capture):
    monitored.models.list()

    assert capture.spans() == []


THREAD_MESSAGE_CASSETTE = """\
interactions:
- request:
    body: '{"content": "Solve 3x + 11 = 14", "role": "user"}'
    headers: {}
    method: POST
    uri: https://api.openai.com/v1/threads/thread_abc/messages
  response:
    body:
      string: '{"id": "msg_1", "object": "thread.message", "created_at": 1, "thread_id":
        "thread_abc", "role": "user", "content": [{"type": "text", "text": {"value":
        "Solve 3x + 11 = 14", "annotations": []}}], "assistant_id": null, "run_id": null,
        "attachments": [], "metadata": {}}'
    headers:
      Content-Type:
      - application/json
    status:
      code: 200
      message: OK
version: 1
"""


def test_assistants_thread_message_is_not_taken_for_an_anthropic_message(capture, tmp_path):
    # An OpenAI client's POST /v1/threads/{id}/messages ends like Anthropic's /v1/messages.
    cassette = tmp_path / "thread_message.yaml"
    cassette.write_text(THREAD_MESSAGE_CASSETTE)
    with (
        CassetteServer(cassette) as replay,
        openai.OpenAI(base_url=replay.base_url, api_key="test-key", max_retries=0) as sdk,
        pytest.warns(DeprecationWarning),
    ):
        message = capture.monitor(sdk).beta.threads.messages.create(
            "thread_abc", role="user", content="Solve 3x + 11 = 14"
        )

    assert message.id == "msg_1"
    assert capture.spans() == []


LEGACY_FUNCTIONS = [
    {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {"type": "object", "properties": {"location": {"type": "string"}}},
    }
]


def _legacy_function_call_cassette(path: Path) -> None:
    """One whole and one streamed answer of the deprecated ``functions`` API."""
    request = {"model": "gpt-4", "messages": MESSAGES, "functions": LEGACY_FUNCTIONS}
    whole = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-4-0613",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": None,
                    "function_call": {"name": "get_weather", "arguments": '{"location": "Oslo"}'},
                },
                "finish_reason": "function_call",
            }
        ],
        "usage": {"prompt_tokens": 60, "completion_tokens": 15, "total_tokens": 75},
    }
    deltas = [
        {"role": "assistant", "content": None, "function_call": {"name": "get_weather"}},
        {"function_call": {"arguments": '{"location"'}},
        {"function_call": {"arguments": ': "Oslo"}'}},
    ]
    chunks = [
        {
            "id": "chatcmpl-2",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "gpt-4-0613",
            "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
        }
        for delta in deltas
    ] + [
        {
            "id": "chatcmpl-2",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "gpt-4-0613",
            "choices": [{"index": 0, "delta": {}, "finish_reason": "function_call"}],
        }
    ]
    stream = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"

    _whole_and_streamed(path, "https://api.openai.com/v1/chat/completions", request, whole, stream)


def test_legacy_function_call_is_recorded_as_a_tool_call(capture, tmp_path):
    # The deprecated ``functions`` API answers with ``function_call``, not ``tool_calls``.
    cassette = tmp_path / "legacy_functions.yaml"
    _legacy_function_call_cassette(cassette)
    with (
        CassetteServer(cassette) as replay,
        openai.OpenAI(base_url=replay.base_url, api_key="test-key", max_retries=0) as sdk,
    ):
        monitored = capture.monitor(sdk)
        whole = monitored.chat.completions.create(
            model="gpt-4", messages=MESSAGES, functions=LEGACY_FUNCTIONS
        )
        streamed = "".join(
            chunk.choices[0].delta.function_call.arguments or ""
            for chunk in monitored.chat.completions.create(
                model="gpt-4", messages=MESSAGES, functions=LEGACY_FUNCTIONS, stream=True
            )
            if chunk.choices and chunk.choices[0].delta.function_call
        )

    call = whole.choices[0].message.function_call
    assert streamed == call.arguments
    expected = [{"id": None, "type": "function", "name": call.name, "arguments": call.arguments}]
    for attrs in capture.attributes():
        assert json.loads(attrs[semconv.TOOL_CALLS]) == expected
        assert attrs[semconv.TOOL_CALL_COUNT] == 1
        assert attrs[semconv.RESPONSE_FINISH_REASONS] == ("function_call",)
    assert len(capture.attributes()) == 2


def test_legacy_function_history_is_recorded_as_tool_messages(monitored, capture):
    # A conversation carried on with the deprecated functions API: the assistant's call has no
    # id and the result comes back with role "function".
    arguments = '{"city": "Paris"}'
    history = [
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": None,
            "function_call": {"name": "get_weather", "arguments": arguments},
        },
        {"role": "function", "name": "get_weather", "content": '{"temp": 21}'},
        # Malformed history is recorded as far as it goes, never a failure.
        {"role": "assistant", "content": "ok", "tool_calls": 5, "function_call": "x"},
    ]
    monitored.chat.completions.create(model="gpt-4o", messages=history, functions=LEGACY_FUNCTIONS)

    [attrs] = capture.attributes()
    messages = json.loads(attrs[semconv.INPUT_MESSAGES])
    assert messages[1] == {
        "role": "assistant",
        "parts": [{"type": "tool_call", "id": None, "name": "get_weather", "arguments": arguments}],
    }
    assert messages[2] == {
        "role": "tool",
        "parts": [{"type": "tool_call_response", "id": None, "response": '{"temp": 21}'}],
    }
    assert messages[3] == {"role": "assistant", "parts": [{"type": "text", "content": "ok"}]}
    assert attrs[semconv.REQUEST_TOOLS] == tuple(f["name"] for f in LEGACY_FUNCTIONS)
    assert json.loads(attrs[semconv.TOOL_DEFINITIONS]) == LEGACY_FUNCTIONS


def test_prysm_headers_set_user_and_never_reach_the_provider(monitored, capture, server):
    monitored.chat.completions.create(
        model="gpt-4o",
        messages=MESSAGES,
        extra_headers={
            "X-Prysm-User-Id": "u-42",
            "X-Prysm-Session-Id": "s-7",
            "X-Prysm-Metadata": json.dumps({"tier": "gold"}),
        },
    )

    [attrs] = capture.attributes()
    assert (attrs[semconv.USER_ID], attrs[semconv.SESSION_ID]) == ("u-42", "s-7")
    assert attrs[semconv.METADATA_PREFIX + "tier"] == "gold"
    sent = {name.lower() for name, _ in server.requests[-1].headers}
    assert not any(name.startswith("x-prysm-") for name in sent)


def test_request_bytes_equal_the_unmonitored_clients(capture, server):
    kwargs = {"model": "gpt-4o", "messages": MESSAGES, "temperature": 0.5}
    with openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0) as plain:
        plain.chat.completions.create(**kwargs)
    with openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0) as other:
        capture.monitor(other).chat.completions.create(**kwargs)

    unmonitored, monitored_request = server.requests[-2:]
    assert monitored_request.body == unmonitored.body
    assert monitored_request.path == unmonitored.path
    volatile = {"x-stainless-retry-count", "x-stainless-read-timeout"}

    def stable(request):
        return [(k.lower(), v) for k, v in request.headers if k.lower() not in volatile]

    assert stable(monitored_request) == stable(unmonitored)


def test_provider_error_is_unchanged_and_recorded(capture, client, server):
    watched = capture.monitor(client)
    server.enqueue_fault("status", status=404)
    with pytest.raises(openai.NotFoundError) as monitored_error:
        watched.chat.completions.create(model="gpt-nope", messages=MESSAGES)
    server.enqueue_fault("status", status=404)
    with pytest.raises(openai.NotFoundError) as plain_error:
        client.chat.completions.create(model="gpt-nope", messages=MESSAGES)

    assert monitored_error.value.status_code == plain_error.value.status_code == 404
    assert monitored_error.value.body == plain_error.value.body
    [span] = capture.spans()
    assert span.attributes[semconv.ERROR_TYPE] == "NotFoundError"
    assert span.status.status_code.name == "ERROR"


def test_timeout_is_recorded_with_its_error_type(capture, server):
    server.enqueue_fault("delay", delay_s=1.0)

    with openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0, timeout=0.2) as sdk:
        with pytest.raises(openai.APITimeoutError):
            capture.monitor(sdk).chat.completions.create(model="gpt-4o", messages=MESSAGES)

    [attrs] = capture.attributes()
    assert attrs[semconv.ERROR_TYPE] == "APITimeoutError"


def test_connection_refused_is_recorded(capture):
    with FakeOpenAIServer() as gone:
        url = gone.base_url
    with openai.OpenAI(base_url=url, api_key="k", max_retries=0) as sdk:
        with pytest.raises(openai.APIConnectionError):
            capture.monitor(sdk).chat.completions.create(model="gpt-4o", messages=MESSAGES)

    [attrs] = capture.attributes()
    assert attrs[semconv.ERROR_TYPE] == "APIConnectionError"


def test_monitor_rejects_what_is_not_an_sdk_client():
    with pytest.raises(TypeError, match="expects an OpenAI or Anthropic SDK client"):
        monitor(object())


SQL_TOOL = {"type": "custom", "name": "run_sql", "description": "Run one SQL query"}


def _custom_tool_call_cassette(path: Path) -> None:
    """One whole and one streamed Responses answer calling a custom (free-text) tool."""
    call = {
        "type": "custom_tool_call",
        "id": "ctc_1",
        "call_id": "call_sql_1",
        "name": "run_sql",
        "input": "SELECT name FROM staff;",
        "status": "completed",
    }
    response = {
        "id": "resp_1",
        "object": "response",
        "created_at": 1,
        "model": "gpt-5-2025-08-07",
        "status": "completed",
        "output": [{"type": "reasoning", "id": "rs_1", "summary": []}, call],
        "usage": {"input_tokens": 40, "output_tokens": 30, "total_tokens": 70},
    }
    pending = {**call, "input": "", "status": "in_progress"}
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": {**response, "status": "in_progress"}},
        {"type": "response.output_item.added", "output_index": 1, "item": pending},
        {"type": "response.custom_tool_call_input.delta", "item_id": "ctc_1", "delta": "SELECT "},
        {
            "type": "response.custom_tool_call_input.delta",
            "item_id": "ctc_1",
            "delta": "name FROM staff;",
        },
        {"type": "response.output_item.done", "output_index": 1, "item": call},
        {"type": "response.completed", "response": response},
    ]
    stream = named_events(events)
    request = {"model": "gpt-5", "input": "Who works here?", "tools": [SQL_TOOL]}

    _whole_and_streamed(path, "https://api.openai.com/v1/responses", request, response, stream)


def test_custom_tool_call_of_the_responses_api_is_recorded_as_a_tool_call(capture, tmp_path):
    # A custom tool gets free text (``input``), not JSON arguments; the caller must still run
    # it, so the span shows the call and a ``tool_calls`` outcome rather than ``stop``.
    cassette = tmp_path / "custom_tool.yaml"
    _custom_tool_call_cassette(cassette)
    with (
        CassetteServer(cassette) as replay,
        openai.OpenAI(base_url=replay.base_url, api_key="test-key", max_retries=0) as sdk,
    ):
        monitored = capture.monitor(sdk)
        whole = monitored.responses.create(model="gpt-5", input="Who works here?", tools=[SQL_TOOL])
        streamed = "".join(
            event.delta
            for event in monitored.responses.create(
                model="gpt-5", input="Who works here?", tools=[SQL_TOOL], stream=True
            )
            if event.type == "response.custom_tool_call_input.delta"
        )

    call = whole.output[1]
    assert call.type == "custom_tool_call"
    assert streamed == call.input
    expected = [{"id": call.call_id, "type": "custom", "name": call.name, "arguments": call.input}]
    whole_attrs, stream_attrs = capture.attributes()
    for attrs in (whole_attrs, stream_attrs):
        assert json.loads(attrs[semconv.TOOL_CALLS]) == expected
        assert attrs[semconv.TOOL_CALL_COUNT] == 1
        assert attrs[semconv.RESPONSE_FINISH_REASONS] == ("tool_calls",)
    # The tool's input is what the model produced: its first delta is the first token.
    assert semconv.TIME_TO_FIRST_TOKEN_MS in stream_attrs


CALLER_RUN_ITEMS = [
    ("apply_patch_call", "operation", {"type": "delete_file", "path": "old.txt"}, "apply_patch"),
    ("shell_call", "action", {"commands": ["ls -la"], "timeout_ms": 1000}, "shell"),
    ("local_shell_call", "action", {"type": "exec", "command": ["pwd"]}, "local_shell"),
    ("computer_call", "action", {"type": "click", "x": 10, "y": 20}, "computer"),
]


def test_built_in_tools_the_caller_runs_are_recorded_as_tool_calls(capture, tmp_path):
    # Patches, shell commands and computer actions are carried out by the caller, who answers
    # with their output, exactly as for a function; OpenAI-run items (a web search) are not.
    interactions = []
    for kind, field, request, _ in CALLER_RUN_ITEMS:
        item = {"type": kind, "id": f"it_{kind}", "call_id": f"call_{kind}", field: request}
        search = {"type": "web_search_call", "id": "ws_1", "status": "completed"}
        answer = {
            "id": f"resp_{kind}",
            "object": "response",
            "created_at": 1,
            "model": "gpt-5.1",
            "status": "completed",
            "output": [search, item],
            "usage": {"input_tokens": 12, "output_tokens": 7, "total_tokens": 19},
        }
        uri = "https://api.openai.com/v1/responses"
        interactions.append(_recorded(uri, {}, json.dumps(answer), "application/json"))
    cassette = tmp_path / "caller_run.yaml"
    cassette.write_text(yaml.safe_dump({"interactions": interactions, "version": 1}))
    with (
        CassetteServer(cassette) as replay,
        openai.OpenAI(base_url=replay.base_url, api_key="test-key", max_retries=0) as sdk,
    ):
        monitored = capture.monitor(sdk)
        for _ in CALLER_RUN_ITEMS:
            monitored.responses.create(model="gpt-5.1", input="Tidy the repository.")

    spans = capture.attributes()
    assert len(spans) == len(CALLER_RUN_ITEMS)
    for attrs, (kind, _, request, tool) in zip(spans, CALLER_RUN_ITEMS, strict=True):
        (call,) = json.loads(attrs[semconv.TOOL_CALLS])
        assert (call["id"], call["type"], call["name"]) == (f"call_{kind}", tool, tool)
        assert json.loads(call["arguments"]) == request
        assert attrs[semconv.RESPONSE_FINISH_REASONS] == ("tool_calls",)


def test_an_error_body_answered_with_200_is_recorded_as_an_error(capture, tmp_path):
    # Some OpenAI-compatible gateways answer an error with status 200; a failed Responses
    # object also arrives with 200. The caller gets what the SDK makes of it, unchanged.
    gateway_error = {"error": {"message": "upstream quota exhausted", "type": "quota_error"}}
    failed = {
        "id": "resp_f",
        "object": "response",
        "created_at": 1,
        "model": "gpt-5",
        "status": "failed",
        "output": [],
        "error": {"code": "server_error", "message": "the model crashed"},
    }

    chat_uri = "https://api.openai.com/v1/chat/completions"
    responses_uri = "https://api.openai.com/v1/responses"
    cassette = tmp_path / "errors_with_200.yaml"
    cassette.write_text(
        yaml.safe_dump(
            {
                "interactions": [
                    _recorded(chat_uri, {}, json.dumps(gateway_error), "application/json"),
                    _recorded(responses_uri, {}, json.dumps(failed), "application/json"),
                ],
                "version": 1,
            }
        )
    )
    with (
        CassetteServer(cassette, allow_repeats=True) as replay,
        openai.OpenAI(base_url=replay.base_url, api_key="test-key", max_retries=0) as sdk,
    ):
        plain = sdk.chat.completions.create(model="gpt-4o", messages=MESSAGES)
        monitored = capture.monitor(sdk)
        chat = monitored.chat.completions.create(model="gpt-4o", messages=MESSAGES)
        response = monitored.responses.create(model="gpt-5", input="hi")

    assert chat.model_dump() == plain.model_dump()
    assert response.status == "failed"
    chat_span, responses_span = capture.spans()
    for span, message in ((chat_span, "upstream quota exhausted"), (responses_span, "crashed")):
        assert span.attributes[semconv.ERROR_TYPE] == "APIError"
        assert span.status.status_code.name == "ERROR"
        assert message in (span.status.description or "")


def _recorded(uri: str, request: Any, answer: str, content_type: str) -> dict[str, Any]:
    """One recorded interaction answering 200 with ``answer``."""
    return {
        "request": {"body": json.dumps(request), "headers": {}, "method": "POST", "uri": uri},
        "response": {
            "body": {"string": answer},
            "headers": {"Content-Type": [content_type]},
            "status": {"code": 200, "message": "OK"},
        },
    }


def _whole_and_streamed(
    path: Path, uri: str, request: dict[str, Any], whole: Any, stream: str
) -> None:
    """A recording of one whole answer, then the same call streamed."""
    interactions = [
        _recorded(uri, request, json.dumps(whole), "application/json"),
        _recorded(uri, {**request, "stream": True}, stream, "text/event-stream"),
    ]
    path.write_text(yaml.safe_dump({"interactions": interactions, "version": 1}))


def test_a_responses_stream_cut_short_keeps_the_tool_calls_finished_so_far(capture, tmp_path):
    call = {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "lookup",
            "arguments": '{"q": "x"}', "status": "completed"}  # fmt: skip
    events = [
        {"type": "response.created", "response": {"id": "r1", "model": "gpt-5", "output": []}},
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {**call, "arguments": ""},
        },
        {"type": "response.function_call_arguments.delta", "output_index": 0, "delta": '{"q": '},
        {"type": "response.output_item.done", "output_index": 0, "item": call},
    ]  # the connection ends here, before response.completed
    stream = named_events(events)
    cassette = tmp_path / "cut.yaml"
    interaction = _recorded("https://api.openai.com/v1/responses", {}, stream, "text/event-stream")
    cassette.write_text(yaml.safe_dump({"interactions": [interaction], "version": 1}))
    with (
        CassetteServer(cassette) as replay,
        openai.OpenAI(base_url=replay.base_url, api_key="test-key", max_retries=0) as sdk,
    ):
        for _ in capture.monitor(sdk).responses.create(model="gpt-5", input="x", stream=True):
            pass

    (attrs,) = capture.attributes()
    assert attrs[semconv.STREAM_CUT_SHORT] is True
    (recorded,) = json.loads(attrs[semconv.TOOL_CALLS])
    assert (recorded["id"], recorded["name"], recorded["arguments"]) == (
        "call_1",
        "lookup",
        '{"q": "x"}',
    )


@pytest.mark.parametrize(
    ("environment", "caller_runs_it"),
    [({"type": "local"}, True), ({"type": "container_reference", "container_id": "c1"}, False)],
    ids=["local", "hosted"],
)
def test_a_shell_call_is_the_caller_s_only_when_it_runs_locally(
    capture, tmp_path, environment, caller_runs_it
):
    shell = {"type": "shell_call", "id": "sh_1", "call_id": "call_sh", "status": "completed",
             "action": {"commands": ["echo $((2+2))"]}, "environment": environment}  # fmt: skip
    message = {"type": "message", "role": "assistant",
               "content": [{"type": "output_text", "text": "4", "annotations": []}]}  # fmt: skip
    output = [shell] if caller_runs_it else [shell, message]
    answer = {"id": "r1", "object": "response", "created_at": 1, "model": "gpt-5.1",
              "status": "completed", "output": output}  # fmt: skip
    cassette = tmp_path / "shell.yaml"
    interaction = _recorded(
        "https://api.openai.com/v1/responses", {}, json.dumps(answer), "application/json"
    )
    cassette.write_text(yaml.safe_dump({"interactions": [interaction], "version": 1}))
    with (
        CassetteServer(cassette) as replay,
        openai.OpenAI(base_url=replay.base_url, api_key="test-key", max_retries=0) as sdk,
    ):
        capture.monitor(sdk).responses.create(model="gpt-5.1", input="2+2 in a shell")

    (attrs,) = capture.attributes()
    if caller_runs_it:
        assert json.loads(attrs[semconv.TOOL_CALLS])[0]["type"] == "shell"
        assert attrs[semconv.RESPONSE_FINISH_REASONS] == ("tool_calls",)
    else:
        assert semconv.TOOL_CALLS not in attrs
        assert json.loads(attrs[semconv.SERVER_TOOL_CALLS]) == [
            {"id": "sh_1", "type": "shell_call", "name": "shell"}
        ]
        assert attrs[semconv.RESPONSE_FINISH_REASONS] == ("stop",)
