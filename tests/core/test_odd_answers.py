"""Answers of unexpected shapes: one odd entry costs only itself, and errors are never "ok".

Each answer is served over loopback to the real SDK; the caller gets what the SDK makes of it,
and the span keeps everything the rest of the answer says.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest
import yaml
from opentelemetry.sdk.trace import ReadableSpan

from prysmai import semconv
from prysmai.testing import CassetteServer
from prysmai.testing.capture import Capture
from tests.core.sse_bodies import data_events, named_events

CHAT = "https://api.openai.com/v1/chat/completions"
RESPONSES = "https://api.openai.com/v1/responses"
MESSAGES = "https://api.anthropic.com/v1/messages"
HELLO: Any = [{"role": "user", "content": "hi"}]


def serve(tmp_path: Path, uri: str, body: str, content_type: str) -> CassetteServer:
    interaction = {
        "request": {"method": "POST", "uri": uri, "body": "{}", "headers": {}},
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": [content_type]},
            "body": {"string": body},
        },
    }
    cassette = tmp_path / "odd.yaml"
    cassette.write_text(yaml.safe_dump({"interactions": [interaction], "version": 1}))
    return CassetteServer(cassette)


def _replayed_span(
    capture: Capture, tmp_path: Path, uri: str, body: str, call: Callable[..., Any], stream: bool
) -> ReadableSpan:
    """The span of one OpenAI SDK call answered with ``body`` (whole, or streamed to the end)."""
    content_type = "text/event-stream" if stream else "application/json"
    with (
        serve(tmp_path, uri, body, content_type) as replay,
        openai.OpenAI(base_url=replay.base_url, api_key="k", max_retries=0) as sdk,
    ):
        answer = call(capture.monitor(sdk), stream)
        if stream:
            for _ in answer:
                pass
    (span,) = capture.spans()
    return span


def chat_span(capture: Capture, tmp_path: Path, body: str, *, stream: bool) -> dict[str, Any]:
    def call(client: Any, stream: bool) -> Any:
        return client.chat.completions.create(model="m", messages=HELLO, stream=stream)

    return dict(_replayed_span(capture, tmp_path, CHAT, body, call, stream).attributes or {})


def responses_span(capture: Capture, tmp_path: Path, body: str, *, stream: bool) -> ReadableSpan:
    def call(client: Any, stream: bool) -> Any:
        return client.responses.create(model="m", input="hi", stream=stream)

    return _replayed_span(capture, tmp_path, RESPONSES, body, call, stream)


def anthropic_stream_span(capture: Capture, tmp_path: Path, events: list[Any]) -> dict[str, Any]:
    body = named_events(events)
    with (
        serve(tmp_path, MESSAGES, body, "text/event-stream") as replay,
        anthropic.Anthropic(base_url=replay.base_url, api_key="k", max_retries=0) as sdk,
    ):
        with capture.monitor(sdk).messages.create(
            model="claude-x", max_tokens=9, messages=HELLO, stream=True
        ) as stream:
            for _ in stream:
                pass
    (attrs,) = capture.attributes()
    return attrs


def anthropic_events(model: Any = "claude-x-1", start_index: Any = 0) -> list[Any]:
    message = {"id": "msg_1", "type": "message", "role": "assistant", "model": model,
               "content": [], "usage": {"input_tokens": 5, "output_tokens": 1}}  # fmt: skip
    return [
        {"type": "message_start", "message": message},
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "text", "text": ""},
        },
        {
            "type": "content_block_start",
            "index": start_index,
            "content_block": {"type": "tool_use", "id": "t1", "name": "f", "input": {}},
        },
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}},
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn"},
            "usage": {"output_tokens": 9},
        },  # fmt: skip
        {"type": "message_stop"},
    ]


def test_a_stream_naming_its_model_with_an_object_keeps_its_span(capture, tmp_path):
    attrs = anthropic_stream_span(capture, tmp_path, anthropic_events(model={"id": 7}))

    assert semconv.RESPONSE_MODEL not in attrs
    assert attrs[semconv.REQUEST_MODEL] == "claude-x"
    assert attrs[semconv.USAGE_OUTPUT_TOKENS] == 9


def test_one_odd_stream_event_costs_only_itself(capture, tmp_path):
    attrs = anthropic_stream_span(capture, tmp_path, anthropic_events(start_index="x"))

    assert attrs[semconv.USAGE_OUTPUT_TOKENS] == 9
    assert list(attrs[semconv.RESPONSE_FINISH_REASONS]) == ["end_turn"]
    assert attrs[semconv.STREAM_CUT_SHORT] is False


def test_an_odd_tool_call_delta_keeps_the_rest_of_the_chat_stream(capture, tmp_path):
    chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m-1"}
    body = data_events(
        [
            {**chunk, "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hi"}}]},
            {**chunk, "choices": [{"index": 0, "delta": {"tool_calls": [{"function": "str"}]}}]},
            {**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
        ],
        done=True,
    )

    attrs = chat_span(capture, tmp_path, body, stream=True)

    assert list(attrs[semconv.RESPONSE_FINISH_REASONS]) == ["stop"]
    assert attrs[semconv.STREAM_CUT_SHORT] is False


def test_odd_whole_answers_keep_what_they_say(capture, tmp_path):
    answer = {
        "id": "c1",
        "object": "chat.completion",
        "created": 1,
        "model": "m-1",
        "choices": [
            {
                "index": 0,
                "finish_reason": {"odd": 1},
                "message": {"role": "assistant", "content": "A", "tool_calls": ["oops"]},
            },
            {"index": 1, "finish_reason": "stop", "message": {"role": "assistant", "content": "B"}},
        ],  # fmt: skip
        "usage": {"prompt_tokens": -5, "completion_tokens": 3, "total_tokens": -2},
    }

    attrs = chat_span(capture, tmp_path, json.dumps(answer), stream=False)

    assert list(attrs[semconv.RESPONSE_FINISH_REASONS]) == ["{'odd': 1}", "stop"]
    assert attrs[semconv.USAGE_INPUT_TOKENS] == 0  # a negative count is no count
    assert attrs[semconv.USAGE_OUTPUT_TOKENS] == 3


@pytest.mark.parametrize(
    "answer",
    [
        {"error": "upstream failed"},
        {"error": {"message": {"nested": True}}},
        {"error": {"message": "quota", "type": "quota_error"}, "choices": []},
    ],
    ids=["text", "odd-message", "empty-choices"],
)
def test_a_chat_error_answered_with_200_is_an_error(capture, tmp_path, answer):
    attrs = chat_span(capture, tmp_path, json.dumps(answer), stream=False)

    assert attrs[semconv.ERROR_TYPE] == "APIError"


def test_an_error_chunk_of_any_shape_makes_the_stream_an_error(capture, tmp_path):
    body = data_events([{"error": "upstream died"}])

    with pytest.raises(openai.APIError):
        chat_span(capture, tmp_path, body, stream=True)

    (attrs,) = capture.attributes()
    assert attrs[semconv.ERROR_TYPE] == "APIError"


@pytest.mark.parametrize("error", [None, "server_error"], ids=["null", "text"])
def test_a_failed_responses_object_is_an_error_whatever_its_error_field(capture, tmp_path, error):
    answer = {"id": "r1", "object": "response", "created_at": 1, "model": "m-1",
              "status": "failed", "output": [], "error": error}  # fmt: skip

    span = responses_span(capture, tmp_path, json.dumps(answer), stream=False)

    assert span.attributes[semconv.ERROR_TYPE] == "APIError"
    assert span.status.status_code.name == "ERROR"


def test_a_nested_error_event_makes_the_responses_stream_an_error(capture, tmp_path):
    body = data_events([{"type": "error", "error": {"message": "overloaded", "code": "busy"}}])

    with pytest.raises(openai.APIError):
        responses_span(capture, tmp_path, body, stream=True)

    (span,) = capture.spans()
    assert span.attributes[semconv.ERROR_TYPE] == "APIError"
    assert "overloaded" in (span.status.description or "")


def test_a_whole_answer_past_the_kept_size_is_no_error(capture, tmp_path):
    # Only the head and the tail of a body past 8 MiB are kept: such a whole answer cannot be
    # read, which is not the provider's fault.
    tokens = [{"token": "x", "logprob": -0.5, "top_logprobs": []}] * 200_000  # about 10 MB
    message = {"role": "assistant", "content": "x"}
    choice = {"index": 0, "finish_reason": "stop", "message": message}
    choice["logprobs"] = {"content": tokens}
    answer = {"id": "c1", "object": "chat.completion", "created": 1, "model": "m-1"}
    answer["choices"] = [choice]

    attrs = chat_span(capture, tmp_path, json.dumps(answer), stream=False)

    assert semconv.ERROR_TYPE not in attrs
    assert attrs[semconv.STATUS] == "ok"


def test_an_anthropic_error_answered_with_200_is_an_error(capture, tmp_path):
    body = json.dumps({"type": "error", "error": {"type": "overloaded_error", "message": "Busy"}})
    with (
        serve(tmp_path, MESSAGES, body, "application/json") as replay,
        anthropic.Anthropic(base_url=replay.base_url, api_key="k", max_retries=0) as sdk,
    ):
        capture.monitor(sdk).messages.create(model="claude-x", max_tokens=9, messages=HELLO)

    (span,) = capture.spans()
    assert span.attributes[semconv.ERROR_TYPE] == "APIError"
    assert span.status.description == "Busy"


@pytest.mark.parametrize("error", ["quota", {"code": "server_error"}], ids=["text", "no-message"])
def test_a_responses_error_answered_with_200_is_an_error(capture, tmp_path, error):
    span = responses_span(capture, tmp_path, json.dumps({"error": error}), stream=False)

    assert span.attributes[semconv.ERROR_TYPE] == "APIError"


def test_a_failed_embeddings_answer_with_empty_data_is_an_error(capture, tmp_path):
    answer = {"object": "list", "data": [], "error": {"message": "quota"}}
    with (
        serve(
            tmp_path, "https://api.openai.com/v1/embeddings", json.dumps(answer), "application/json"
        ) as replay,
        openai.OpenAI(base_url=replay.base_url, api_key="k", max_retries=0) as sdk,
    ):
        with pytest.raises(ValueError):  # the SDK's own complaint about the missing vectors
            capture.monitor(sdk).embeddings.create(model="e", input="hi")

    (attrs,) = capture.attributes()
    assert attrs[semconv.ERROR_TYPE] == "APIError"


def test_responses_events_all_named_message_are_read_by_their_type(capture, tmp_path):
    usage = {"input_tokens": 5, "output_tokens": 2, "total_tokens": 7}
    done = {"id": "r1", "object": "response", "created_at": 1, "model": "m-1",
            "status": "completed", "usage": usage, "output": []}  # fmt: skip
    events = [
        {"type": "response.output_text.delta", "delta": "Hi"},
        {"type": "response.completed", "response": done},
    ]
    body = "".join(f"event: message\ndata: {json.dumps(e)}\n\n" for e in events)

    span = responses_span(capture, tmp_path, body, stream=True)

    assert span.attributes[semconv.USAGE_INPUT_TOKENS] == 5
    assert span.attributes[semconv.STREAM_CUT_SHORT] is False


def test_an_empty_error_field_in_a_chunk_is_no_error(capture, tmp_path):
    chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m-1"}
    body = data_events(
        [
            {**chunk, "choices": [{"index": 0, "delta": {"content": "Hi"}}]},
            {**chunk, "error": {}, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
        ],
        done=True,
    )

    attrs = chat_span(capture, tmp_path, body, stream=True)

    assert semconv.ERROR_TYPE not in attrs
    assert list(attrs[semconv.RESPONSE_FINISH_REASONS]) == ["stop"]


def test_implausible_counts_are_ignored_and_parts_kept_as_reported(capture, tmp_path):
    answer = {
        "id": "c1", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": "A"}}],
        "usage": {"prompt_tokens": 10.0, "completion_tokens": 2**62,
                  "prompt_tokens_details": {"cached_tokens": 1000}},
    }  # fmt: skip

    attrs = chat_span(capture, tmp_path, json.dumps(answer), stream=False)

    assert attrs[semconv.USAGE_INPUT_TOKENS] == 10  # a whole float is a count
    assert attrs[semconv.USAGE_OUTPUT_TOKENS] == 0  # 2**62 is no real call's
    # Some servers count cached tokens apart from the prompt: kept, and priced as such.
    assert attrs[semconv.USAGE_CACHE_READ_INPUT_TOKENS] == 1000
    assert attrs[semconv.COST_USD] < 0.001


def test_an_error_event_is_an_error_whatever_its_payload_type(capture, tmp_path):
    delta = {"type": "response.output_text.delta", "delta": "Hi"}
    body = f"data: {json.dumps(delta)}\n\n" + (
        f"event: error\ndata: {json.dumps({'type': 'server_error', 'message': 'boom'})}\n\n"
    )

    span = responses_span(capture, tmp_path, body, stream=True)  # the SDK itself raises nothing

    assert span.status.description == "boom"


def test_an_error_field_of_empty_values_beside_a_complete_answer_is_no_error(capture, tmp_path):
    answer = {"id": "r1", "object": "response", "created_at": 1, "model": "m-1",
              "status": "completed", "output": []}  # fmt: skip
    answer["error"] = {"code": None, "message": None}

    span = responses_span(capture, tmp_path, json.dumps(answer), stream=False)

    assert semconv.ERROR_TYPE not in span.attributes
