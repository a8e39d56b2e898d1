"""Response byte streams that let bytes through unchanged while noting when they arrived.

The HTTP client reads the provider's answer through these wrappers, for plain bodies and SSE
streams alike, so a call ends exactly once on every way out: the body is exhausted, the
transport fails, the caller closes the response, or the response is garbage-collected.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any

from prysmai.call import CallRecord
from prysmai.faults import report_fault


@functools.cache
def sync_stream_class(http_module: ModuleType) -> type[Any]:
    """Build the observing sync stream for ``httpx`` or ``httpx2`` (each checks its own base)."""

    class ObservedSyncStream(http_module.SyncByteStream):  # type: ignore[name-defined,misc]
        __slots__ = ("_call", "_inner")

        def __init__(self, inner: Any, call: CallRecord) -> None:
            self._inner = inner
            self._call = call

        def __iter__(self) -> Iterator[bytes]:
            call = self._call
            try:
                for chunk in self._inner:
                    call.add_chunk(chunk)
                    yield chunk
            except GeneratorExit:
                # The generator is closed when the response is dropped unfinished.
                call.finish_abandoned()
                raise
            except BaseException as exc:
                call.finish_with_error(exc)
                raise
            call.is_exhausted = True
            call.finish()

        def close(self) -> None:
            try:
                self._inner.close()
            finally:
                self._call.finish_early()

        def __del__(self) -> None:
            try:
                self._call.finish_abandoned()
            except Exception:  # pragma: no cover - interpreter shutdown
                report_fault("finishing a garbage-collected response")

    return ObservedSyncStream


@functools.cache
def async_stream_class(http_module: ModuleType) -> type[Any]:
    """Build the observing async stream for ``httpx`` or ``httpx2``."""

    class ObservedAsyncStream(http_module.AsyncByteStream):  # type: ignore[name-defined,misc]
        __slots__ = ("_call", "_inner")

        def __init__(self, inner: Any, call: CallRecord) -> None:
            self._inner = inner
            self._call = call

        async def __aiter__(self) -> AsyncIterator[bytes]:
            call = self._call
            try:
                async for chunk in self._inner:
                    call.add_chunk(chunk)
                    yield chunk
            except GeneratorExit:
                # The generator is closed when the response is dropped unfinished.
                call.finish_abandoned()
                raise
            except BaseException as exc:
                # Task cancellation lands here too: the span records what arrived so far.
                call.finish_with_error(exc)
                raise
            call.is_exhausted = True
            call.finish()

        async def aclose(self) -> None:
            try:
                await self._inner.aclose()
            finally:
                self._call.finish_early()

        def __del__(self) -> None:
            try:
                self._call.finish_abandoned()
            except Exception:  # pragma: no cover - interpreter shutdown
                report_fault("finishing a garbage-collected response")

    return ObservedAsyncStream
