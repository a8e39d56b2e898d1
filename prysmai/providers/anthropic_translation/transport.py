"""The translating transports, and their installation in an OpenAI SDK's HTTP client.

They sit directly above the network transport: prysmai's monitoring transport (installed on
top by :func:`prysmai.monitor`) sees the app's OpenAI-format request and an OpenAI-format
answer, so recording, redaction and blocking work unchanged. Built per HTTP library, as
``httpx`` and ``httpx2`` each check their own base classes.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any

from prysmai.call import TRANSLATED_USAGE
from prysmai.providers.anthropic_translation import exchange
from prysmai.providers.anthropic_translation.stream import StreamTranslator
from prysmai.transport import AsyncDelegatingTransport, DelegatingTransport


class _Translation:
    """What the sync and async streams share: the translator, and where it leaves the usage."""

    def __init__(self, upstream: Any, translator: StreamTranslator) -> None:
        self._upstream = upstream
        self._translator = translator
        self.extensions: dict[str, Any] = {}
        """The translated answer's extensions, where the stream leaves its usage."""

    def _step(self, chunk: bytes) -> bytes:
        out = self._translator.feed(chunk)
        if self._translator.usage is not None:
            # Before "[DONE]" reaches the caller, so it is there when the call is recorded.
            self.extensions[TRANSLATED_USAGE] = self._translator.usage
        return out


# One translation per answer: a second iteration (the SDK drains the answer after "[DONE]")
# continues it, where reading the upstream answer again would fail.


@functools.cache
def _sync_stream_class(http_module: ModuleType) -> type[Any]:
    class TranslatedSyncStream(_Translation, http_module.SyncByteStream):  # type: ignore[name-defined,misc]
        """Anthropic's decoded stream bytes in, OpenAI chunk events out, as they arrive."""

        _chunks: Iterator[bytes] | None = None

        def __iter__(self) -> Iterator[bytes]:
            if self._chunks is None:
                self._chunks = self._translate()
            yield from self._chunks

        def _translate(self) -> Iterator[bytes]:
            try:
                for chunk in self._upstream.iter_bytes():
                    out = self._step(chunk)
                    if out:
                        yield out
                tail = self._translator.finish()
                if tail:
                    yield tail
            finally:
                self._upstream.close()

        def close(self) -> None:
            self._upstream.close()

    return TranslatedSyncStream


@functools.cache
def _async_stream_class(http_module: ModuleType) -> type[Any]:
    class TranslatedAsyncStream(_Translation, http_module.AsyncByteStream):  # type: ignore[name-defined,misc]
        """Anthropic's decoded stream bytes in, OpenAI chunk events out, as they arrive."""

        _chunks: AsyncIterator[bytes] | None = None

        async def __aiter__(self) -> AsyncIterator[bytes]:
            if self._chunks is None:
                self._chunks = self._translate()
            async for out in self._chunks:
                yield out

        async def _translate(self) -> AsyncIterator[bytes]:
            try:
                async for chunk in self._upstream.aiter_bytes():
                    out = self._step(chunk)
                    if out:
                        yield out
                tail = self._translator.finish()
                if tail:
                    yield tail
            finally:
                await self._upstream.aclose()

        async def aclose(self) -> None:
            await self._upstream.aclose()

    return TranslatedAsyncStream


@functools.cache
def sync_transport_class(http_module: ModuleType) -> type[Any]:
    """Build the translating transport for ``httpx`` or ``httpx2`` sync clients."""
    stream_class = _sync_stream_class(http_module)

    class AnthropicTranslatingTransport(DelegatingTransport, http_module.BaseTransport):  # type: ignore[name-defined,misc]
        """Sends OpenAI chat-completions requests to Anthropic's Messages API."""

        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def handle_request(self, request: Any) -> Any:
            plan = exchange.plan_request(request, request.read(), http_module)
            if plan.local_answer is not None:
                return plan.local_answer
            assert plan.translated is not None
            response = self.inner.handle_request(plan.upstream)
            if response.status_code < 300 and plan.translated.is_stream:
                if exchange.is_event_stream(response):
                    return exchange.stream_answer(
                        http_module, request, response, plan.translated, stream_class
                    )
            try:
                body = response.read()
            finally:
                response.close()
            return exchange.whole_answer(http_module, request, response, body, plan.translated)

    return AnthropicTranslatingTransport


@functools.cache
def async_transport_class(http_module: ModuleType) -> type[Any]:
    """Build the translating transport for ``httpx`` or ``httpx2`` async clients."""
    stream_class = _async_stream_class(http_module)

    base = http_module.AsyncBaseTransport

    class AsyncAnthropicTranslatingTransport(AsyncDelegatingTransport, base):  # type: ignore[misc,valid-type]
        """Sends OpenAI chat-completions requests to Anthropic's Messages API."""

        def __init__(self, inner: Any) -> None:
            self.inner = inner

        async def handle_async_request(self, request: Any) -> Any:
            plan = exchange.plan_request(request, await request.aread(), http_module)
            if plan.local_answer is not None:
                return plan.local_answer
            assert plan.translated is not None
            response = await self.inner.handle_async_request(plan.upstream)
            if response.status_code < 300 and plan.translated.is_stream:
                if exchange.is_event_stream(response):
                    return exchange.stream_answer(
                        http_module, request, response, plan.translated, stream_class
                    )
            try:
                body = await response.aread()
            finally:
                await response.aclose()
            return exchange.whole_answer(http_module, request, response, body, plan.translated)

    return AsyncAnthropicTranslatingTransport


def translating_http_client(http_client: Any) -> Any:
    """Return a copy of an OpenAI SDK's HTTP client whose requests go to Anthropic's API.

    The copy keeps the original's settings and connection pool (its transports, proxy mounts
    included, are wrapped); pass it to the SDK client with ``with_options(http_client=...)``.
    """
    # Imported here: prysmai.monitor imports the provider readers, which import this package.
    from prysmai.monitor import clone_http_client

    def translating(module: ModuleType, is_async: bool) -> Any:
        return async_transport_class(module) if is_async else sync_transport_class(module)

    return clone_http_client(http_client, translating)
