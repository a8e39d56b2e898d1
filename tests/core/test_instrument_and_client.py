"""instrument() monitors clients created later; PrysmClient builds monitored clients."""

from __future__ import annotations

import json

import openai
import pytest

import prysmai
from prysmai import ConfigurationError, PrysmClient, semconv
from prysmai.client import PROVIDERS

MESSAGES = [{"role": "user", "content": "Hello there"}]


@pytest.fixture
def instrumented(capture):
    prysmai.instrument(tracer_provider=capture.tracer_provider)
    yield capture
    prysmai.uninstrument()


def test_instrument_monitors_clients_created_afterwards(instrumented, server):
    with openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0) as client:
        client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
        client.with_options(timeout=5).chat.completions.create(model="gpt-4o", messages=MESSAGES)

    assert prysmai.is_monitored(client)
    assert len(instrumented.spans()) == 2


async def test_instrument_covers_async_clients(instrumented, server):
    async with openai.AsyncOpenAI(base_url=server.base_url, api_key="k", max_retries=0) as client:
        await client.chat.completions.create(model="gpt-4o", messages=MESSAGES)

    assert len(instrumented.spans()) == 1


def test_instrument_and_monitor_together_record_once(instrumented, server):
    with openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0) as client:
        instrumented.monitor(client).chat.completions.create(model="gpt-4o", messages=MESSAGES)

    assert len(instrumented.spans()) == 1


def test_uninstrument_stops_monitoring_new_clients(capture, server):
    prysmai.instrument(tracer_provider=capture.tracer_provider)
    prysmai.uninstrument()

    with openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0) as client:
        client.chat.completions.create(model="gpt-4o", messages=MESSAGES)

    assert not prysmai.is_monitored(client)
    assert capture.spans() == []


@pytest.mark.parametrize("from_env", [False, True], ids=["argument", "environment"])
def test_instrument_holds_every_new_client_to_one_usage_budget(
    capture, server, monkeypatch, from_env
):
    limit = {"metric": "requests", "limit": 2, "window": "hour"}
    if from_env:
        monkeypatch.setenv("PRYSM_USAGE_LIMITS", f"[{json.dumps(limit)}]")
        prysmai.instrument(tracer_provider=capture.tracer_provider)
    else:
        prysmai.instrument(tracer_provider=capture.tracer_provider, limits=[limit])
    try:
        with (
            openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0) as first,
            openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0) as second,
        ):
            first.chat.completions.create(model="gpt-4o", messages=MESSAGES)
            second.chat.completions.create(model="gpt-4o", messages=MESSAGES)
            with pytest.raises(openai.RateLimitError) as refused:
                first.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    finally:
        prysmai.uninstrument()

    assert refused.value.code == "usage_limit_exceeded"
    assert len(server.requests) == 2


def test_instrument_rejects_unknown_settings():
    with pytest.raises(TypeError, match="unexpected arguments: colour"):
        prysmai.instrument(colour="blue")


def test_prysm_client_builds_a_monitored_openai_client(capture, server):
    prysm = PrysmClient(
        provider=server.base_url,
        api_key="k",
        tracer_provider=capture.tracer_provider,
        meter_provider=capture.meter_provider,
    )
    with prysm.openai(max_retries=0) as client:
        client.chat.completions.create(model="gpt-4o", messages=MESSAGES)

    assert isinstance(client, openai.OpenAI)
    [attrs] = capture.attributes()
    assert attrs[semconv.REQUEST_MODEL] == "gpt-4o"


async def test_prysm_client_async(capture, server):
    prysm = PrysmClient(
        provider=server.base_url, api_key="k", tracer_provider=capture.tracer_provider
    )
    client = prysm.async_openai(max_retries=0)

    await client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    await client.close()

    assert len(capture.spans()) == 1


@pytest.mark.parametrize("name", sorted(PROVIDERS))
def test_prysm_client_presets_name_the_provider(name, monkeypatch):
    preset = PROVIDERS[name]
    for env in preset.key_env:
        monkeypatch.setenv(env, "provider-key")

    client = PrysmClient(provider=name).openai()

    assert client.api_key == "provider-key"
    if preset.base_url:
        assert str(client.base_url).rstrip("/") == preset.base_url.rstrip("/")
    assert prysmai.is_monitored(client)


def test_prysm_client_without_a_key_says_which_variable_to_set():
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        PrysmClient(provider="openai").openai()


def test_prysm_client_rejects_an_unknown_provider():
    with pytest.raises(ConfigurationError, match="unknown provider 'mistery'"):
        PrysmClient(provider="mistery")


def test_provider_error_status_maps_to_the_sdk_exception_name(capture, client, server):
    watched = capture.monitor(client)
    server.enqueue_fault("status", status=429)

    with pytest.raises(openai.RateLimitError):
        watched.chat.completions.create(model="gpt-4o", messages=MESSAGES)

    [attrs] = capture.attributes()
    assert attrs[semconv.ERROR_TYPE] == "RateLimitError"
    assert attrs[semconv.HTTP_STATUS_CODE] == 429
