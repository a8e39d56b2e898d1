"""The pure OpenAI <-> Anthropic mapping functions, field by field."""

from __future__ import annotations

import json

import pytest

from prysmai.providers.anthropic_translation import DEFAULT_MAX_TOKENS, TranslationError
from prysmai.providers.anthropic_translation.answer import (
    chat_usage,
    finish_reason,
    to_chat_completion,
    to_openai_error,
)
from prysmai.providers.anthropic_translation.request import to_messages_request
from prysmai.providers.anthropic_translation.stream import SseDecoder, StreamTranslator

USER = {"role": "user", "content": "Hi"}


def body_of(**request):
    return to_messages_request({"model": "claude-x", "messages": [USER], **request}).body


def test_system_and_developer_messages_become_the_top_level_system():
    body = to_messages_request(
        {
            "model": "claude-x",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "developer", "content": [{"type": "text", "text": "Use French."}]},
                USER,
            ],
        }
    ).body

    assert body["system"] == [
        {"type": "text", "text": "Be brief."},
        {"type": "text", "text": "Use French."},
    ]
    assert body["messages"] == [{"role": "user", "content": "Hi"}]
    assert body_of()["max_tokens"] == DEFAULT_MAX_TOKENS == 4096
    assert "system" not in body_of()


def test_images_from_data_urls_and_web_urls():
    [message] = body_of(
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Compare"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0K"}},
                    {"type": "image_url", "image_url": {"url": "https://x.test/a.jpg"}},
                ],
            }
        ]
    )["messages"]

    assert message["content"] == [
        {"type": "text", "text": "Compare"},
        {
            "type": "image",
            "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0K"},
        },
        {"type": "image", "source": {"type": "url", "url": "https://x.test/a.jpg"}},
    ]


@pytest.mark.parametrize(
    "part",
    [
        {"type": "image_url", "image_url": {"url": "https://x.test/a.jpg"}, "foo": 1},
        {"type": "image_url", "image_url": {"url": "https://x.test/a.jpg", "bar": 2}},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,"}},
    ],
    ids=["unknown-part-field", "unknown-image-field", "empty-image"],
)
def test_image_parts_with_unknown_fields_or_no_data_are_refused(part):
    with pytest.raises(TranslationError):
        body_of(messages=[{"role": "user", "content": [part]}])


def test_tool_calls_and_consecutive_tool_results_merge_into_alternating_turns():
    messages = body_of(
        messages=[
            USER,
            {"role": "user", "content": "Weather and time?"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "a", "type": "function", "function": {"name": "w", "arguments": "{}"}},
                    {
                        "id": "b",
                        "type": "function",
                        "function": {"name": "t", "arguments": '{"tz": "UTC"}'},
                    },
                ],
            },
            {"role": "tool", "tool_call_id": "a", "content": "sunny"},
            {"role": "tool", "tool_call_id": "b", "content": [{"type": "text", "text": "noon"}]},
            {"role": "user", "content": "Thanks"},
        ]
    )["messages"]

    assert messages == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Hi"},
                {"type": "text", "text": "Weather and time?"},
            ],
        },
        {
            "role": "assistant",
            "content": [
                {"type": "tool_use", "id": "a", "name": "w", "input": {}},
                {"type": "tool_use", "id": "b", "name": "t", "input": {"tz": "UTC"}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "a", "content": "sunny"},
                {
                    "type": "tool_result",
                    "tool_use_id": "b",
                    "content": [{"type": "text", "text": "noon"}],
                },
                {"type": "text", "text": "Thanks"},
            ],
        },
    ]


def test_sampling_stop_tools_choice_and_user():
    body = body_of(
        max_completion_tokens=50,
        max_tokens=900,
        temperature=0.2,
        top_p=0.9,
        stop="END",
        user="u-1",
        tools=[{"type": "function", "function": {"name": "now"}}],
        tool_choice="required",
        parallel_tool_calls=False,
    )

    assert body["max_tokens"] == 50
    assert (body["temperature"], body["top_p"]) == (0.2, 0.9)
    assert body["stop_sequences"] == ["END"]
    assert body["metadata"] == {"user_id": "u-1"}
    assert body["tools"] == [{"name": "now", "input_schema": {"type": "object", "properties": {}}}]
    assert body["tool_choice"] == {"type": "any", "disable_parallel_tool_use": True}
    named = {"type": "function", "function": {"name": "now"}}
    tools = [{"type": "function", "function": {"name": "now", "parameters": {"type": "object"}}}]
    assert body_of(tools=tools, tool_choice=named)["tool_choice"] == {"type": "tool", "name": "now"}
    assert body_of(tools=tools, tool_choice="none")["tool_choice"] == {"type": "none"}
    assert body_of(tools=tools, parallel_tool_calls=False)["tool_choice"] == {
        "type": "auto",
        "disable_parallel_tool_use": True,
    }
    assert body_of(stop=["a", "b"])["stop_sequences"] == ["a", "b"]


@pytest.mark.parametrize(
    ("request_fields", "param"),
    [
        ({"n": 3}, "n"),
        ({"top_logprobs": 2}, "top_logprobs"),
        ({"response_format": {"type": "json_object"}}, "response_format"),
        ({"frequency_penalty": 0.5}, "frequency_penalty"),
        ({"messages": [{"role": "user", "content": "Hi", "name": "bob"}]}, "messages[0].name"),
        (
            {"messages": [{"role": "user", "content": [{"type": "input_audio"}]}]},
            "messages[0].content[0]",
        ),
        (
            {"tools": [{"type": "function", "function": {"name": "f", "strict": True}}]},
            "tools[0]",
        ),
        ({"stream_options": {"include_usage": True, "chunk_size": 1}}, "stream_options"),
    ],
)
def test_what_anthropic_cannot_express_is_refused(request_fields, param):
    with pytest.raises(TranslationError) as caught:
        to_messages_request({"model": "claude-x", "messages": [USER], **request_fields})

    assert caught.value.status == 400
    assert caught.value.param == param
    error = json.loads(caught.value.body())["error"]
    assert error["param"] == param
    assert error["type"] == "invalid_request_error"


def test_neutral_values_of_unsupported_fields_are_accepted():
    body = body_of(n=1, logprobs=False, presence_penalty=0, store=False, seed=None)

    assert set(body) == {"model", "max_tokens", "messages"}


def test_tool_call_arguments_must_be_a_json_object():
    call = {"id": "a", "type": "function", "function": {"name": "w", "arguments": "[1]"}}
    with pytest.raises(TranslationError, match="JSON object"):
        body_of(messages=[USER, {"role": "assistant", "tool_calls": [call]}])


def test_message_usage_and_stop_reasons():
    completion = to_chat_completion(
        {
            "id": "msg_1",
            "model": "claude-x",
            "content": [{"type": "text", "text": "No."}],
            "stop_reason": "refusal",
            "usage": {
                "input_tokens": 10,
                "cache_read_input_tokens": 100,
                "cache_creation_input_tokens": 5,
                "output_tokens": 2,
            },
        },
        created=1_700_000_000,
    )

    assert completion["choices"][0]["finish_reason"] == "content_filter"
    assert completion["choices"][0]["message"]["content"] == "No."
    assert completion["created"] == 1_700_000_000
    assert completion["usage"] == {
        "prompt_tokens": 115,
        "completion_tokens": 2,
        "total_tokens": 117,
        "prompt_tokens_details": {"cached_tokens": 100, "cache_write_tokens": 5},
    }
    assert [finish_reason(r) for r in ("end_turn", "stop_sequence", "max_tokens", "tool_use")] == [
        "stop",
        "stop",
        "length",
        "tool_calls",
    ]
    assert finish_reason("some_new_reason") == "some_new_reason"
    assert chat_usage({})["total_tokens"] == 0
    assert chat_usage({"input_tokens": -105, "output_tokens": 2.5})["total_tokens"] == 0


def test_error_bodies():
    anthropic = b'{"type":"error","error":{"type":"rate_limit_error","message":"Slow down"}}'
    assert json.loads(to_openai_error(429, anthropic)) == {
        "error": {"message": "Slow down", "type": "rate_limit_error", "param": None, "code": None}
    }
    proxy = json.loads(to_openai_error(502, b"<html>Bad gateway</html>"))["error"]
    assert proxy["message"] == "Anthropic answered HTTP 502: <html>Bad gateway</html>"
    with pytest.raises(TranslationError) as caught:
        to_chat_completion({"type": "message"}, created=0)
    assert caught.value.status == 502


def test_sse_decoder_handles_crlf_split_between_reads():
    decoder = SseDecoder()
    stream = b'event: ping\r\ndata: {"type": "ping"}\r\n\r\n: comment\r\ndata: 1\r\ndata: 2\r\n\r\n'

    events = [
        event for byte in range(len(stream)) for event in decoder.feed(stream[byte : byte + 1])
    ]

    assert events == [("ping", '{"type": "ping"}'), (None, "1\n2")]
    assert decoder.finish() == []


def test_unknown_events_are_ignored_and_the_stream_finishes():
    translator = StreamTranslator(include_usage=False, created=1)
    out = translator.feed(
        b'event: message_start\ndata: {"type":"message_start","message":{"id":"m","model":"c"}}'
        b'\n\nevent: brand_new\ndata: {"type":"brand_new"}\n\n'
        b'event: message_stop\ndata: {"type":"message_stop"}\n\n'
    )

    events = [e for e in out.split(b"\n\n") if e]
    assert len(events) == 2
    assert json.loads(events[0][len(b"data: ") :])["choices"][0]["delta"]["role"] == "assistant"
    assert events[1] == b"data: [DONE]"
    assert translator.is_finished
    assert translator.finish() == b""


def _events(out: bytes) -> list[dict]:
    events = [e for e in out.split(b"\n\n") if e and e != b"data: [DONE]"]
    return [json.loads(e[len(b"data: ") :]) for e in events]


def test_missing_or_odd_texts_become_empty_not_the_word_none():
    completion = to_chat_completion(
        {
            "id": "m",
            "model": "c",
            "content": [{"type": "text", "text": None}, {"type": "text", "text": {"a": 1}}],
            "stop_reason": "end_turn",
            "usage": {"input_tokens": 1, "output_tokens": 1},
        },
        created=0,
    )
    translator = StreamTranslator(include_usage=False, created=0)
    out = translator.feed(
        b'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":null}}'
        b"\n\n"
    )

    assert completion["choices"][0]["message"]["content"] == ""
    assert _events(out)[0]["choices"][0]["delta"]["content"] == ""


def test_a_content_block_started_twice_ends_the_stream_with_an_error():
    start = b'data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t%d","name":"f","input":{}}}\n\n'  # noqa: E501
    translator = StreamTranslator(include_usage=False, created=0)

    first = translator.feed(start % 1)
    second = translator.feed(start % 2)

    assert _events(first)[0]["choices"][0]["delta"]["tool_calls"][0]["id"] == "t1"
    assert _events(second)[0]["error"]["message"] == "Anthropic started content block 1 twice"
    assert translator.is_finished


def test_a_long_line_read_in_small_pieces_is_one_event():
    decoder = SseDecoder()
    payload = "x" * 300_000
    stream = f"data: {payload}\n\n".encode()

    events = [e for i in range(0, len(stream), 1000) for e in decoder.feed(stream[i : i + 1000])]

    assert events == [(None, payload)]


def test_an_event_over_the_size_cap_ends_the_stream_with_an_error(monkeypatch):
    from prysmai.providers.anthropic_translation import stream

    monkeypatch.setattr(stream, "MAX_EVENT_BYTES", 1000)
    translator = StreamTranslator(include_usage=False, created=0)

    out = translator.feed(b"data: " + b"x" * 600) + translator.feed(b"y" * 600)

    assert _events(out)[0]["error"]["message"] == (
        "Anthropic sent a stream event larger than 1000 bytes"
    )
    assert translator.feed(b"\n\n") == b""
