"""The one interception point per client: a transport wrapped around the HTTP client's own.

Every request the SDK sends passes through here, whatever public method made it (``create``,
``parse``, ``stream`` helpers, raw and streaming responses, ``with_options`` copies, retries).
The wrapper notes the time, a reference to the body and the caller's context, lets the request
through unchanged, and wraps the response's byte stream to see the answer as it arrives.
"""

from __future__ import annotations

import functools
import time
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

import anyio.to_thread
from opentelemetry import context as otel_context

from prysmai.call import TRANSLATED_ANSWER, CallRecord
from prysmai.context import prysm_context
from prysmai.endpoints import MODEL_IN_PATH, match_endpoint, model_in_path
from prysmai.faults import CALL_UNLIMITED, report_fault
from prysmai.limits.refusal import refusal_response
from prysmai.streams import async_stream_class, sync_stream_class

if TYPE_CHECKING:
    from prysmai.recorder import Recorder

_PRYSM_HEADER_PREFIX: Final = b"x-prysm-"


def _take_prysm_headers(request: Any) -> dict[str, str] | None:
    """Remove ``X-Prysm-*`` headers from the request and return them.

    They carry user, session and metadata for prysmai and must never reach the provider.
    """
    headers = request.headers
    found: dict[str, str] | None = None
    for key, value in headers.raw:
        if key[:8].lower() == _PRYSM_HEADER_PREFIX:
            if found is None:
                found = {}
            found[key.decode("latin-1").lower()] = value.decode("utf-8", errors="replace")
    if found:
        for name in found:
            del headers[name]
    return found


def _begin_call(recorder: Recorder, request: Any) -> CallRecord | None:
    endpoint = match_endpoint(request.method, request.url.path, recorder.client_info.wire_format)
    if endpoint is None:
        return None
    try:
        body: bytes | None = request.content
    except Exception:
        # Multipart uploads and other streamed bodies are not read here: reading would consume them.
        body = None
    call = CallRecord(
        recorder,
        endpoint,
        body,
        prysm_context.snapshot(),
        otel_context.get_current(),
    )
    call.header_overrides = _take_prysm_headers(request)
    if endpoint in MODEL_IN_PATH:
        call.path_model = model_in_path(request.url.path)
    return call


def _observe_response(call: CallRecord, response: Any, stream_class: type[Any]) -> None:
    if call.finished:
        # A blocked answer was already recorded as such by the guard.
        return
    call.status_code = response.status_code
    call.response_headers = response.headers
    if response.extensions.get(TRANSLATED_ANSWER):
        call.answer_extensions = response.extensions
    call.response_ns = time.perf_counter_ns()
    content = getattr(response, "_content", None)
    if content is not None:
        # A body built in memory (mock transports, cached answers) is never read from the
        # stream, so the call is complete now.
        call.add_chunk(content)
        call.is_exhausted = True
        call.finish()
        return
    response.stream = stream_class(response.stream, call)


def _prepare(
    recorder: Recorder, request: Any, http_module: ModuleType, *, check_limits: bool = True
) -> tuple[CallRecord | None, Any, Any]:
    """Start recording a request, apply inline security, then the usage limits.

    Returns the call (``None`` when the request is not a model call or recording failed), the
    request to send (possibly redacted), and an answer to return instead of sending (a block
    or a usage-limit refusal). With ``check_limits=False`` the caller checks the limits.
    """
    try:
        call = _begin_call(recorder, request)
        if call is None:
            guard, _ = recorder.security_now()
            if guard is not None:
                wire_format = recorder.client_info.wire_format
                outcome = guard.before_send_other(request, http_module, wire_format)
                if isinstance(outcome, http_module.Response):
                    return None, request, outcome
                if outcome is not None:
                    request = outcome
            return None, request, None
        if call.guard is not None:
            outcome = call.guard.before_send(call, request, http_module)
            if isinstance(outcome, http_module.Response):
                # A blocked request is never sent, so it does not count against any limit.
                return call, request, outcome
            if outcome is not None:
                request = outcome
    except Exception:
        report_fault("reading a request")
        return None, request, None
    if check_limits and recorder.limits is not None:
        return call, request, _check_limits(recorder, call, request, http_module)
    return call, request, None


def _check_limits(recorder: Recorder, call: CallRecord, request: Any, http_module: Any) -> Any:
    """Count the call against its usage limits; return a 429 answer when one is reached."""
    assert recorder.limits is not None
    try:
        refusal = recorder.limits.admit(call)
        if refusal is None:
            return None
        return refusal_response(call, refusal, request, http_module)
    except Exception:
        # The store is busy, full or unreadable: the call goes, unlimited this time.
        report_fault("checking usage limits", outcome=CALL_UNLIMITED)
        return None


async def _check_limits_async(
    recorder: Recorder, call: CallRecord | None, request: Any, http_module: Any
) -> Any:
    """:func:`_check_limits` for async clients, off the event loop when the store does I/O.

    A SQLite, Redis or PostgreSQL check may wait (for another process's write, for the
    network); it runs in a worker thread so that the loop's other tasks keep running meanwhile.
    A check in memory takes microseconds and runs inline.
    """
    limits = recorder.limits
    if call is None or limits is None:
        return None
    if not limits.store_does_io:
        return _check_limits(recorder, call, request, http_module)
    return await anyio.to_thread.run_sync(_check_limits, recorder, call, request, http_module)


def _needs_answer_check(call: CallRecord, response: Any) -> bool:
    guard = call.guard
    if guard is None or not guard.checks_responses_inline or response.status_code >= 400:
        return False
    return "json" in response.headers.get("content-type", "")


def _check_answer(
    recorder: Recorder, call: CallRecord, request: Any, response: Any, http_module: Any
) -> Any:
    replacement = call.guard.check_response(call, request, response, http_module)
    if replacement is None:
        return response
    response.close()
    return replacement


class DelegatingTransport:
    """Closing and context management passed on to the wrapped transport, ``inner``."""

    inner: Any

    def close(self) -> None:
        """Close the wrapped transport."""
        self.inner.close()

    def __enter__(self) -> Any:
        self.inner.__enter__()
        return self

    def __exit__(self, *args: Any) -> None:
        self.inner.__exit__(*args)


class AsyncDelegatingTransport:
    """:class:`DelegatingTransport` for async transports."""

    inner: Any

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.inner.aclose()

    async def __aenter__(self) -> Any:
        await self.inner.__aenter__()
        return self

    async def __aexit__(self, *args: Any) -> None:
        await self.inner.__aexit__(*args)


@functools.cache
def sync_transport_class(http_module: ModuleType) -> type[Any]:
    """Build the monitoring transport class for ``httpx`` or ``httpx2`` clients."""
    stream_class = sync_stream_class(http_module)

    class MonitoringTransport(DelegatingTransport, http_module.BaseTransport):  # type: ignore[name-defined,misc]
        """Wraps a sync transport; records model calls, passes everything else straight on."""

        def __init__(self, inner: Any, recorder: Recorder) -> None:
            self.inner = inner
            self.recorder = recorder

        def handle_request(self, request: Any) -> Any:
            call, request, answer = _prepare(self.recorder, request, http_module)
            if answer is not None:
                return answer
            if call is None:
                return self.inner.handle_request(request)

            try:
                response = self.inner.handle_request(request)
            except BaseException as exc:
                call.finish_with_error(exc)
                raise
            try:
                if _needs_answer_check(call, response):
                    response.read()
                    response = _check_answer(self.recorder, call, request, response, http_module)
                _observe_response(call, response, stream_class)
            except Exception:
                report_fault("observing a response")
            return response

    return MonitoringTransport


@functools.cache
def async_transport_class(http_module: ModuleType) -> type[Any]:
    """Build the monitoring transport class for ``httpx`` or ``httpx2`` async clients."""
    stream_class = async_stream_class(http_module)

    class AsyncMonitoringTransport(AsyncDelegatingTransport, http_module.AsyncBaseTransport):  # type: ignore[name-defined,misc]
        """Wraps an async transport; records model calls, passes everything else straight on."""

        def __init__(self, inner: Any, recorder: Recorder) -> None:
            self.inner = inner
            self.recorder = recorder

        async def handle_async_request(self, request: Any) -> Any:
            call, request, answer = _prepare(
                self.recorder, request, http_module, check_limits=False
            )
            if answer is None:
                answer = await _check_limits_async(self.recorder, call, request, http_module)
            if answer is not None:
                return answer
            if call is None:
                return await self.inner.handle_async_request(request)

            try:
                response = await self.inner.handle_async_request(request)
            except BaseException as exc:
                call.finish_with_error(exc)
                raise
            try:
                if _needs_answer_check(call, response):
                    await response.aread()
                    response = _check_answer(self.recorder, call, request, response, http_module)
                _observe_response(call, response, stream_class)
            except Exception:
                report_fault("observing a response")
            return response

    return AsyncMonitoringTransport


def is_monitoring_transport(transport: Any) -> bool:
    """Return whether ``transport`` is one of prysmai's wrappers."""
    return type(transport).__name__ in ("MonitoringTransport", "AsyncMonitoringTransport") and (
        hasattr(transport, "recorder")
    )
