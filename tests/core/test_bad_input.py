"""Odd requests and answers: the call behaves as unmonitored and the span survives."""

from __future__ import annotations

import gc
import json

import openai
import pytest

from prysmai import ConfigurationError, monitor, prysm_context, semconv
from prysmai.security import scan
from prysmai.testing.capture import capture_calls

EMAIL = "alice.smith@example.com"
MESSAGES = [{"role": "user", "content": "Hello"}]


def _module():
    return __import__("httpx2" if openai.__version__.startswith("3") else "httpx")


def _client_answering(body: bytes, status: int = 200, content_type: str = "application/json"):
    module = _module()
    seen: list[bytes] = []

    def answer(request):
        seen.append(request.content)
        return module.Response(status, headers={"content-type": content_type}, content=body)

    client = openai.OpenAI(
        api_key="k",
        base_url="http://provider.invalid/v1",
        max_retries=0,
        http_client=module.Client(transport=module.MockTransport(answer)),
    )
    return client, seen


def _stream_of(*events: dict) -> bytes:
    return b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events) + (
        b"data: [DONE]\n\n"
    )


def test_absurd_tool_call_index_neither_explodes_nor_loses_the_span():
    chunk = {
        "id": "c",
        "model": "gpt-4o",
        "choices": [
            {
                "index": 0,
                "delta": {"tool_calls": [{"index": 10**9, "function": {"arguments": "{}"}}]},
            }
        ],
    }
    client, _ = _client_answering(_stream_of(chunk), content_type="text/event-stream")
    with capture_calls() as capture:
        list(
            capture.monitor(client).chat.completions.create(
                model="gpt-4o", messages=MESSAGES, stream=True
            )
        )

        [attrs] = capture.attributes()

    assert attrs[semconv.TOOL_CALL_COUNT] == 1


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param({"choices": [{"message": {"tool_calls": ["x"]}}]}, id="tool-call-not-object"),
        pytest.param({"choices": 5, "usage": [1]}, id="numbers-for-lists"),
        pytest.param({"choices": [{"message": "text"}], "model": 7}, id="message-not-object"),
    ],
)
def test_answers_of_unexpected_shape_keep_their_span(answer):
    client, _ = _client_answering(json.dumps(answer).encode())
    with capture_calls(strict=False) as capture:
        watched = capture.monitor(client)
        try:
            watched.chat.completions.create(model="gpt-4o", messages=MESSAGES)
        except Exception:  # the SDK may reject the shape; the span must remain
            pass

        [attrs] = capture.attributes()

    assert attrs[semconv.REQUEST_MODEL] == "gpt-4o"


def test_an_answer_that_is_not_json_is_recorded_as_the_error_the_caller_saw():
    client, _ = _client_answering(b"{not json")
    with capture_calls() as capture:
        with pytest.raises(Exception) as raised:  # whatever the SDK raises
            capture.monitor(client).chat.completions.create(model="gpt-4o", messages=MESSAGES)

        [attrs] = capture.attributes()

    assert attrs[semconv.ERROR_TYPE] == type(raised.value).__name__ == "JSONDecodeError"


def test_deeply_nested_request_is_still_redacted():
    client, seen = _client_answering(b'{"choices": []}')
    deep: object = EMAIL
    for _ in range(300):  # deeper than orjson writes
        deep = [deep]
    with capture_calls() as capture:
        watched = capture.monitor(client, security={"piiRedactionMode": "mask"})
        watched.chat.completions.create(
            model="gpt-4o",
            messages=[{"role": "user", "content": f"write to {EMAIL}"}],
            extra_body={"x": deep},
        )

    assert EMAIL.encode() not in seen[-1]
    assert b"[EMAIL_REDACTED]" in seen[-1]


def test_a_request_too_deep_to_parse_is_still_blocked():
    client, seen = _client_answering(b'{"choices": []}')
    # Built by hand: deeper than any JSON library here will read or write.
    raw = (
        '{"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "x": '
        + "[" * 1030
        + json.dumps(EMAIL)
        + "]" * 1030
        + "}"
    )
    with capture_calls() as capture:
        watched = capture.monitor(client, security={"piiRedactionMode": "block"})
        # The monitored client's own HTTP client, as the SDK would use it.
        response = watched._client.post(
            "http://provider.invalid/v1/chat/completions",
            content=raw.encode(),
            headers={"content-type": "application/json"},
        )

    assert response.status_code == 403
    assert seen == []


def test_pii_outside_message_text_is_redacted_too():
    client, seen = _client_answering(b'{"choices": []}')
    with capture_calls() as capture:
        watched = capture.monitor(client, security={"piiRedactionMode": "mask"})
        watched.chat.completions.create(
            model="gpt-4o",
            messages=[{"role": "user", "content": "Hi", "name": "alice"}],
            user=EMAIL,
            metadata={"owner": EMAIL},
            extra_body={"prediction": {"type": "content", "content": f"to {EMAIL}"}},
        )

    assert EMAIL.encode() not in seen[-1]


def test_provider_error_text_is_redacted_in_telemetry():
    error = {"error": {"message": f"Invalid value '{EMAIL}'", "type": "invalid_request_error"}}
    client, _ = _client_answering(json.dumps(error).encode(), status=400)
    with capture_calls() as capture:
        watched = capture.monitor(client, security={"piiRedactionMode": "mask"})
        with pytest.raises(openai.BadRequestError):
            watched.chat.completions.create(model="gpt-4o", messages=MESSAGES)

        [span] = capture.spans()

    assert EMAIL not in (span.status.description or "")
    assert "[EMAIL_REDACTED]" in (span.status.description or "")


def test_tool_definitions_and_metadata_are_redacted_in_telemetry():
    client, _ = _client_answering(b'{"choices": []}')
    tool = {
        "type": "function",
        "function": {"name": "notify", "description": f"cc {EMAIL}", "parameters": {}},
    }
    with capture_calls() as capture:
        watched = capture.monitor(client, security={"piiRedactionMode": "mask"})
        with prysm_context(metadata={"contact": EMAIL}):
            watched.chat.completions.create(model="gpt-4o", messages=MESSAGES, tools=[tool])

        text = json.dumps(capture.attributes(), default=str)

    assert EMAIL not in text


def test_hundreds_of_metadata_keys_cannot_push_out_the_core_attributes():
    client, _ = _client_answering(b'{"model": "gpt-4o", "choices": []}')
    with capture_calls() as capture:
        with prysm_context(metadata={f"k{i}": "v" * 5000 for i in range(300)}):
            capture.monitor(client).chat.completions.create(model="gpt-4o", messages=MESSAGES)

        [attrs] = capture.attributes()

    metadata = [k for k in attrs if k.startswith(semconv.METADATA_PREFIX + "k")]
    assert attrs[semconv.OPERATION_NAME] == "chat"
    assert len(metadata) == 32
    assert attrs[semconv.METADATA_PREFIX + "_dropped_keys"] == 268
    assert all(len(attrs[k]) <= 1024 for k in metadata)


@pytest.mark.filterwarnings(
    "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)
def test_abandoned_stream_ends_at_its_last_activity(capture, client):
    # Build the scanners first: their one-off start-up cost is not what this test is about.
    scan("warm up the scanners")
    watched = capture.monitor(client)

    def read_one_then_fail() -> None:
        stream = watched.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
        for _chunk in stream:
            raise KeyError("caller failed")

    with pytest.raises(KeyError):
        read_one_then_fail()
    import time

    time.sleep(0.6)
    gc.collect()

    [attrs] = capture.attributes()
    assert attrs[semconv.STREAM_CUT_SHORT] is True
    assert attrs[semconv.LATENCY_MS] < 500  # the span ended before the 0.6 s pause


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        pytest.param({"max_content_chars": 1.5}, "max_content_chars", id="float-cap"),
        pytest.param({"max_content_chars": "10"}, "max_content_chars", id="string-cap"),
        pytest.param({"provider_name": 5}, "provider_name", id="provider-not-text"),
        pytest.param({"timeout": float("nan")}, "timeout", id="nan-timeout"),
        pytest.param({"capture_content": "yes"}, "capture_content", id="capture-not-bool"),
        pytest.param(
            {"prysm_key": "sk-prysm-" + "a" * 64, "base_url": "http://[::1"},
            "base_url",
            id="broken-url",
        ),
    ],
)
def test_bad_monitor_settings_are_refused_up_front(settings, message):
    with pytest.raises(ConfigurationError, match=message):
        monitor(openai.OpenAI(api_key="k"), **settings)
