"""Many monitored calls leave nothing behind beyond the bounded queues."""

from __future__ import annotations

import gc
import sys

import openai
import pytest

from prysmai.testing.capture import Capture
from prysmai.testing.transport import FakeOpenAITransport
from prysmai.worker import get_worker

CALLS = 20_000
MESSAGES = [{"role": "user", "content": "Summarise the report in one line " * 8}]


def _sdk_http_client():
    module = sys.modules.get("httpx2") if openai.__version__.startswith("3") else None
    module = module or __import__("httpx")
    return module.Client(transport=FakeOpenAITransport(http_module=module.__name__))


@pytest.mark.slow
def test_twenty_thousand_calls_do_not_grow_memory(capture: Capture):
    with openai.OpenAI(
        api_key="k", base_url="http://fake.invalid/v1", http_client=_sdk_http_client()
    ) as sdk:
        client = capture.monitor(sdk)

        def calls(n: int) -> None:
            for i in range(n):
                if i % 10 == 0:
                    list(
                        client.chat.completions.create(
                            model="gpt-4o-mini", messages=MESSAGES, stream=True
                        )
                    )
                else:
                    client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
            get_worker().flush(30)
            capture.exporter.clear()

        calls(2_000)  # warm caches, imports and pools before measuring
        gc.collect()
        # Counting live allocator blocks costs nothing per call, unlike tracing every allocation.
        before = sys.getallocatedblocks()
        calls(CALLS)
        gc.collect()
        after = sys.getallocatedblocks()

    # A leak of even one small object per call would leave 20,000 or more blocks behind.
    assert after - before < 5_000, after - before
