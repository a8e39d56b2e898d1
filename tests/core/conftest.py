from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import openai
import pytest

from prysmai.telemetry import shutdown_pipelines
from prysmai.testing.capture import Capture, capture_calls
from prysmai.testing.fake_openai import FakeOpenAIServer


@pytest.fixture
def capture() -> Iterator[Capture]:
    """Spans and metrics of clients monitored through ``capture.monitor``; faults raise."""
    with capture_calls(strict=True) as captured:
        yield captured


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    """An OpenAI-compatible server on loopback answering with realistic bodies."""
    with FakeOpenAIServer() as fake:
        yield fake


@pytest.fixture
def slow_server() -> Iterator[FakeOpenAIServer]:
    """The same server, pausing 200 ms before every stream event."""
    with FakeOpenAIServer(chunk_delay_s=0.2) as fake:
        yield fake


@pytest.fixture
def client(server: FakeOpenAIServer) -> Iterator[openai.OpenAI]:
    sdk = openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0)
    yield sdk
    sdk.close()


@pytest.fixture
async def async_client(server: FakeOpenAIServer) -> AsyncIterator[openai.AsyncOpenAI]:
    sdk = openai.AsyncOpenAI(base_url=server.base_url, api_key="test-key", max_retries=0)
    yield sdk
    await sdk.close()


@pytest.fixture
def monitored(capture: Capture, client: openai.OpenAI) -> openai.OpenAI:
    return capture.monitor(client)


@pytest.fixture
def async_monitored(capture: Capture, async_client: openai.AsyncOpenAI) -> openai.AsyncOpenAI:
    return capture.monitor(async_client)


@pytest.fixture
def fresh_fault_log(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget when faults were last logged, so this test's first fault is logged."""
    monkeypatch.setattr("prysmai.faults._last_logged", {})


@pytest.fixture(autouse=True)
def _fresh_pipelines() -> Iterator[None]:
    """Each test exports through pipelines of its own, stopped when it ends."""
    yield
    shutdown_pipelines(timeout_s=1.0)
