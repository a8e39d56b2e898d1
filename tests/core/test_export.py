"""Spans reach OTLP backends, the Prysm collector and the local store, off the caller's thread."""

from __future__ import annotations

import time

import openai
import pytest

import prysmai
from prysmai import semconv
from prysmai.store import TraceStore
from tests.core.otlp_receiver import OtlpReceiver

MESSAGES = [{"role": "user", "content": "Export me"}]
KEY = "sk-prysm-" + "ab" * 32


def _wait_for(predicate, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def test_standard_otlp_settings_send_protobuf_spans(client, monkeypatch):
    with OtlpReceiver() as receiver:
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url)
        watched = prysmai.monitor(client)
        response = watched.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
        prysmai.flush()
        _wait_for(lambda: receiver.spans)

    name, attrs = receiver.spans[0]
    assert name == "chat gpt-4o-mini"
    assert attrs[semconv.RESPONSE_MODEL] == response.model
    assert attrs[semconv.USAGE_OUTPUT_TOKENS] == response.usage.completion_tokens
    assert attrs[semconv.COST_SOURCE] in ("genai-prices", "prysm-table")
    # A generic OTLP backend gets no prompt text unless asked for.
    assert semconv.INPUT_MESSAGES not in attrs
    assert "/v1/traces" in receiver.paths


def test_prysm_key_sends_to_the_collector_with_a_bearer_token(client):
    with OtlpReceiver() as receiver:
        watched = prysmai.monitor(client, prysm_key=KEY, base_url=receiver.url)
        watched.chat.completions.create(model="gpt-4o", messages=MESSAGES)
        prysmai.flush()
        _wait_for(lambda: receiver.spans)

    trace_headers = receiver.headers[receiver.paths.index("/v1/traces")]
    assert trace_headers["authorization"] == f"Bearer {KEY}"
    _, attrs = receiver.spans[0]
    assert semconv.INPUT_MESSAGES in attrs


def test_prysm_key_from_the_environment(client, monkeypatch):
    with OtlpReceiver() as receiver:
        monkeypatch.setenv("PRYSM_API_KEY", KEY)
        monkeypatch.setenv("PRYSM_BASE_URL", receiver.url + "/")
        watched = prysmai.monitor(client)
        watched.chat.completions.create(model="gpt-4o", messages=MESSAGES)
        prysmai.flush()
        _wait_for(lambda: receiver.spans)

    assert receiver.headers[0]["authorization"] == f"Bearer {KEY}"


def test_without_configuration_spans_land_in_the_embedded_store(client, tmp_path, monkeypatch):
    db = tmp_path / "traces.db"
    monkeypatch.setenv("PRYSM_DB_PATH", str(db))
    watched = prysmai.monitor(client)
    with prysmai.prysm_context(user_id="store-user"):
        response = watched.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    prysmai.flush()

    [row] = TraceStore(db).recent(include_attributes=True)
    assert row.request_model == "gpt-4o-mini"
    assert row.response_model == response.model
    assert row.output_tokens == response.usage.completion_tokens
    assert row.user_id == "store-user"
    assert row.cost_usd == pytest.approx(
        (response.usage.prompt_tokens * 0.15 + response.usage.completion_tokens * 0.6) / 1e6
    )
    assert row.attributes[semconv.INPUT_MESSAGES]


def test_a_hanging_collector_does_not_hold_up_calls(client):
    with OtlpReceiver(hang=True) as receiver:
        watched = prysmai.monitor(client, prysm_key=KEY, base_url=receiver.url, timeout=5)
        watched.chat.completions.create(model="gpt-4o", messages=MESSAGES)
        prysmai.flush(timeout_s=0.2)
        _wait_for(lambda: receiver.paths)  # an export is now stuck inside the collector

        answers = [
            watched.chat.completions.create(model="gpt-4o", messages=MESSAGES) for _ in range(5)
        ]

    assert all(a.choices[0].message.content for a in answers)


def test_a_refused_collector_does_not_break_calls(client):
    with OtlpReceiver() as receiver:
        url = receiver.url
    watched = prysmai.monitor(client, prysm_key=KEY, base_url=url, timeout=1)

    answer = watched.chat.completions.create(model="gpt-4o", messages=MESSAGES)

    assert answer.choices[0].message.content


def test_bad_prysm_key_is_refused_with_the_fix():
    with pytest.raises(prysmai.ConfigurationError, match="sk-prysm-' followed by 64 hex"):
        prysmai.monitor(openai.OpenAI(api_key="k"), prysm_key="sk-prysm-short")


def test_base_url_without_key_is_refused():
    with pytest.raises(prysmai.ConfigurationError, match="without a Prysm key"):
        prysmai.monitor(openai.OpenAI(api_key="k"), base_url="http://127.0.0.1:9")
