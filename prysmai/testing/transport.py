"""An in-process OpenAI stand-in at the HTTP-transport level, for fast tests and benchmarks.

Unlike :class:`~prysmai.testing.FakeOpenAIServer` it opens no socket: pass it to the SDK as
``http_client=httpx2.Client(transport=FakeOpenAITransport())``. Bodies come back unread, as a
network transport returns them, so monitoring sees the same path as in production.
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any

_MODEL = "gpt-4o-mini-2024-07-18"


def chat_body(text: str = "The quarter went well.") -> bytes:
    """A whole chat completion answer."""
    return json.dumps(
        {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": _MODEL,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 230, "completion_tokens": 6, "total_tokens": 236},
        }
    ).encode()


def stream_events(chunk_count: int = 34) -> list[bytes]:
    """SSE events of a streamed chat answer: ``chunk_count`` events including ``[DONE]``."""
    events = []
    for i in range(max(chunk_count - 2, 1)):
        chunk = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": 1_700_000_000,
            "model": _MODEL,
            "choices": [{"index": 0, "delta": {"content": f"word{i} "}, "finish_reason": None}],
        }
        events.append(b"data: " + json.dumps(chunk).encode() + b"\n\n")
    final = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": _MODEL,
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
    }
    events.append(b"data: " + json.dumps(final).encode() + b"\n\n")
    events.append(b"data: [DONE]\n\n")
    return events


def _http_module(name: str | None) -> ModuleType:
    if name is not None:
        return __import__(name)
    return sys.modules.get("httpx2") or __import__("httpx")


def _is_stream(request: Any) -> bool:
    try:
        return json.loads(request.content or b"{}").get("stream") is True
    except ValueError:
        return False


def FakeOpenAITransport(*, chunk_count: int = 34, http_module: str | None = None) -> Any:
    """Return a sync transport answering chat completions (plain or streamed) in memory.

    Args:
        chunk_count: SSE events per streamed answer.
        http_module: ``"httpx2"`` or ``"httpx"``; by default whichever the SDK uses.
    """
    module = _http_module(http_module)

    class Body(module.SyncByteStream):  # type: ignore[name-defined,misc]
        def __init__(self, parts: list[bytes]) -> None:
            self.parts = parts

        def __iter__(self) -> Iterator[bytes]:
            yield from self.parts

    class Transport(module.BaseTransport):  # type: ignore[name-defined,misc]
        plain = chat_body()
        events = stream_events(chunk_count)

        def handle_request(self, request: Any) -> Any:
            if _is_stream(request):
                headers = {"content-type": "text/event-stream"}
                return module.Response(200, headers=headers, stream=Body(self.events))
            headers = {"content-type": "application/json"}
            return module.Response(200, headers=headers, stream=Body([self.plain]))

    return Transport()


def FakeAsyncOpenAITransport(*, chunk_count: int = 34, http_module: str | None = None) -> Any:
    """Return the async twin of :func:`FakeOpenAITransport`."""
    module = _http_module(http_module)

    class Body(module.AsyncByteStream):  # type: ignore[name-defined,misc]
        def __init__(self, parts: list[bytes]) -> None:
            self.parts = parts

        async def __aiter__(self) -> AsyncIterator[bytes]:
            for part in self.parts:
                yield part

    class Transport(module.AsyncBaseTransport):  # type: ignore[name-defined,misc]
        plain = chat_body()
        events = stream_events(chunk_count)

        async def handle_async_request(self, request: Any) -> Any:
            if _is_stream(request):
                headers = {"content-type": "text/event-stream"}
                return module.Response(200, headers=headers, stream=Body(self.events))
            headers = {"content-type": "application/json"}
            return module.Response(200, headers=headers, stream=Body([self.plain]))

    return Transport()
