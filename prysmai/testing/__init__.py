"""Test helpers: loopback stand-ins for provider APIs and replay of recorded interactions.

`FakeOpenAIServer` answers like the OpenAI API (and Anthropic's Messages API) with realistic,
deterministic bodies and streams, and injects faults on demand; `CassetteServer` replays vcrpy
cassettes byte for byte. Both listen on 127.0.0.1 only and work with the real SDKs.
`capture_calls` collects what monitored clients record in memory, for assertions.
"""

from __future__ import annotations

from prysmai.testing.capture import Capture, capture_calls
from prysmai.testing.fake_openai import (
    FAULT_HEADER,
    FakeOpenAIServer,
    Fault,
    FaultKind,
    LoopbackServer,
    RecordedRequest,
)
from prysmai.testing.replay import CassetteServer, Interaction, load_cassette

__all__ = [
    "Capture",
    "CassetteServer",
    "FAULT_HEADER",
    "FakeOpenAIServer",
    "Fault",
    "FaultKind",
    "Interaction",
    "LoopbackServer",
    "RecordedRequest",
    "capture_calls",
    "load_cassette",
]
