"""Per-client recording: the hot-path hooks and the off-thread work that makes a span.

``before_send`` runs on the caller's thread and only when a security verdict can change the
call; ``process`` runs on the worker thread for every finished call.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from opentelemetry.trace import SpanKind, Status, StatusCode

from prysmai import jsonutil
from prysmai.call import TRANSLATED_USAGE, CallRecord
from prysmai.context import ContextValues, resolve_snapshot
from prysmai.faults import report_fault
from prysmai.limits.refusal import ERROR_TYPE as USAGE_LIMIT_ERROR_TYPE
from prysmai.providers import CallDetails, decode_body, read_call
from prysmai.providers.openai_common import usage_from_openai
from prysmai.span_attributes import Outcome, Timings, build_attributes, usage_limit_attributes
from prysmai.worker import get_worker

if TYPE_CHECKING:
    from prysmai.config import MonitorOptions
    from prysmai.cost import CallCost, PriceBook
    from prysmai.limits import LimitEnforcer
    from prysmai.managed_security import ManagedSecurity
    from prysmai.telemetry import TelemetryPipeline

logger = logging.getLogger(__name__)

# The SDK's exception class for each HTTP status, so error.type matches what the caller sees.
_STATUS_ERROR_TYPES = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    409: "ConflictError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
}


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """What is fixed for every call of one monitored client."""

    provider: str
    server_address: str | None
    server_port: int | None
    wire_format: str | None = None
    """The API the client's SDK speaks (``openai`` or ``anthropic``); ``None`` if unknown."""


class Recorder:
    """Records the calls of one monitored client."""

    def __init__(
        self,
        options: MonitorOptions,
        client_info: ClientInfo,
        pipeline: TelemetryPipeline,
        price_book: PriceBook,
        guard: Any = None,
        limits: LimitEnforcer | None = None,
        managed_security: ManagedSecurity | None = None,
    ) -> None:
        self.options = options
        self.client_info = client_info
        self.pipeline = pipeline
        self.price_book = price_book
        self.guard = guard
        """The security guard (``None``: no scanning); see :meth:`security_now`."""
        self.managed_security = managed_security
        """Settings fetched from the collector (``security="collector"``); they replace
        :attr:`guard` when set."""
        self.limits = limits
        """Usage limits checked by the transport before each call leaves; ``None`` if none."""
        self.capture_content = (
            options.capture_content
            if options.capture_content is not None
            else pipeline.capture_content_default
        )
        self._worker = get_worker()

    # --- caller's thread ---------------------------------------------------------------------
    def security_now(self) -> tuple[Any, Mapping[str, Any] | None]:
        """The guard a call starting now uses, and span attributes naming its settings.

        Reads what the collector poller last stored; never waits and never does I/O.
        """
        if self.managed_security is not None:
            return self.managed_security.current()
        return self.guard, None

    def submit(self, call: CallRecord) -> None:
        """Hand a finished call to the worker."""
        self._worker.submit(call)

    # --- worker thread -----------------------------------------------------------------------
    def process(self, call: CallRecord) -> None:
        """Parse a finished call and emit its span and metrics."""
        body = call.response_body()
        if body and call.response_headers is not None:
            try:
                body = decode_body(body, call.response_headers.get("content-encoding"))
            except Exception:
                # A body that lies about its encoding is recorded without its content.
                report_fault("decoding a response body", in_background=True)
                body = b""
        endpoint = call.endpoint
        if call.tail is not None and not _is_event_stream(call):
            # Past the size cap only the head and the last chunks are kept: a whole JSON answer
            # with its middle missing cannot be read, and is no fault of the provider's.
            body = b""
        details = read_call(
            endpoint.wire_format, endpoint.name, call.request_body, body, call.status_code
        )
        if details.request_model is None:
            details.request_model = call.path_model
        if details.usage is None and call.answer_extensions is not None:
            # A translated stream the caller read without a usage chunk: the translation
            # kept the usage the provider sent.
            details.usage = usage_from_openai(call.answer_extensions.get(TRANSLATED_USAGE))
        cost = self._price(details, call)
        if call.usage_limit_counters and self.limits is not None:
            # Before the scan: the first scan of a process waits for the scanners to compile
            # (under a second), and the next call's limit check should not wait with it.
            self._count_usage(call, details, cost)
        guard = call.guard
        if guard is not None:
            guard.after_call(call, details)
        values = resolve_snapshot(call.context_snapshot).merged_with(
            _values_from_headers(call.header_overrides)
        )
        timings = _timings(call, details, len(body))
        outcome = _outcome(call, details)
        attributes = build_attributes(
            operation=endpoint.operation,
            endpoint_name=endpoint.name,
            provider=self.client_info.provider,
            server_address=self.client_info.server_address,
            server_port=self.client_info.server_port,
            details=details,
            timings=timings,
            outcome=outcome,
            cost=cost,
            values=values,
            capture_content=self.capture_content,
            max_content_chars=self.options.max_content_chars,
            extra=self.options.extra_attributes,
        )
        if call.limit_refusal is not None:
            attributes.update(usage_limit_attributes(call.limit_refusal))
        if call.security_settings:
            attributes.update(call.security_settings)
        if guard is not None:
            attributes.update(guard.span_attributes(call, details, self.capture_content))
            guard.redact_attributes(attributes)
        self._emit_span(call, endpoint.operation, details, attributes, outcome)
        self.pipeline.record_metrics(attributes, timings, details, cost)

    def _count_usage(self, call: CallRecord, details: CallDetails, cost: CallCost | None) -> None:
        """Add the call's tokens and cost to its usage-limit counters."""
        assert self.limits is not None and call.usage_limit_counters is not None
        usage = details.usage
        tokens: int | None = None
        if usage is not None:
            tokens = usage.input_tokens + usage.output_tokens
            if details.input_excludes_cache:
                # Tokens count as the span reports them: cached input inside the input.
                tokens += usage.cache_read_tokens + usage.cache_write_tokens
        try:
            self.limits.add_usage(
                call.usage_limit_counters, tokens, cost.total_usd if cost else None
            )
        except Exception:
            # The span is still emitted; only this call's usage is missing from the counters.
            report_fault("adding usage to usage-limit counters", in_background=True)

    def _price(self, details: CallDetails, call: CallRecord) -> CallCost | None:
        if details.usage is None:
            return None
        model = details.response_model or details.request_model
        # A translated answer counts cached tokens inside its prompt tokens, as OpenAI does,
        # even when the provider's own answers count them apart.
        cache_exclusive = False if call.answer_extensions is not None else None
        cost = self.price_book.cost(
            self.client_info.provider, model, details.usage, cache_exclusive=cache_exclusive
        )
        for other_model, usage in details.other_model_usage:
            # Another model's tokens in the same call (an advisor), at that model's prices. An
            # unknown price leaves them out (and is logged as any unknown model is).
            other = self.price_book.cost(self.client_info.provider, other_model, usage)
            if cost is not None and other is not None:
                cost = cost.plus(other)
        return cost

    def _emit_span(
        self,
        call: CallRecord,
        operation: str,
        details: CallDetails,
        attributes: dict[str, Any],
        outcome: Outcome,
    ) -> None:
        model = details.request_model or details.response_model
        name = f"{operation} {model}" if model else operation
        end_wall_ns = call.start_wall_ns + (call.end_ns - call.start_ns)
        span = self.pipeline.tracer.start_span(
            name,
            context=call.otel_context,
            kind=SpanKind.CLIENT,
            attributes=attributes,
            start_time=call.start_wall_ns,
        )
        if outcome.error_type:
            span.set_status(Status(StatusCode.ERROR, outcome.error_message or outcome.error_type))
        span.end(end_time=end_wall_ns)


def _values_from_headers(headers: dict[str, str] | None) -> ContextValues:
    if not headers:
        return ContextValues()
    metadata: dict[str, Any] = {}
    raw_metadata = headers.get("x-prysm-metadata")
    if raw_metadata:
        try:
            parsed = jsonutil.loads(raw_metadata)
        except ValueError:
            parsed = {"value": raw_metadata}
        metadata = parsed if isinstance(parsed, dict) else {"value": parsed}
    return ContextValues(
        user_id=headers.get("x-prysm-user-id") or None,
        session_id=headers.get("x-prysm-session-id") or None,
        metadata=MappingProxyType(metadata),
    )


def _timings(call: CallRecord, details: CallDetails, body_size: int) -> Timings:
    start = call.start_ns
    latency_ms = (call.end_ns - start) / 1e6
    times = call.chunk_times_ns
    first_byte_ms = (times[0] - start) / 1e6 if times else None
    first_token_ms: float | None = None
    offset = details.first_content_offset
    if details.is_stream and offset is not None and times and body_size == call.kept_bytes:
        # Find the chunk whose bytes completed the first content-bearing event.
        ends: list[int] = []
        total = 0
        for chunk in call.chunks:
            total += len(chunk)
            ends.append(total)
        index = min(bisect.bisect_left(ends, offset), len(times) - 1)
        first_token_ms = (times[index] - start) / 1e6
    elif details.is_stream and offset is not None and times:
        # Compressed or capped bodies: byte offsets no longer line up, take the first chunk.
        first_token_ms = first_byte_ms
    return Timings(latency_ms, first_byte_ms, first_token_ms)


def _outcome(call: CallRecord, details: CallDetails) -> Outcome:
    status = call.status_code
    error_type: str | None = None
    message = details.error_message
    if call.error is not None:
        error_type = _exception_error_type(call.error)
        message = message or type(call.error).__name__
    elif call.limit_refusal is not None:
        # prysmai answered for the provider: say why rather than which SDK class it became.
        error_type = USAGE_LIMIT_ERROR_TYPE
    elif status >= 400:
        error_type = _status_error_type(status, call.endpoint.wire_format)
    elif details.error_message:
        # An error inside a 200 answer: a failed stream, a failed Responses object, or a
        # gateway that answers an OpenAI-style error body with 200.
        error_type = "APIError"
    elif _is_unreadable_answer(call, details):
        # The SDK cannot decode such an answer and raises this to the caller.
        error_type = "JSONDecodeError"
        message = "the provider's answer is not valid JSON"
    is_cut_short = status < 400 and (
        (details.is_stream and not details.has_terminal_event)
        or (not details.is_stream and call.is_closed_early and not call.is_exhausted)
    )
    return Outcome(status, error_type, message, is_cut_short)


def _status_error_type(status: int, wire_format: str) -> str:
    if status == 529 and wire_format == "anthropic":
        return "OverloadedError"
    if status in _STATUS_ERROR_TYPES:
        return _STATUS_ERROR_TYPES[status]
    return "InternalServerError" if status >= 500 else "APIStatusError"


def _is_event_stream(call: CallRecord) -> bool:
    headers = call.response_headers
    content_type = (headers.get("content-type") or "") if headers is not None else ""
    return "event-stream" in content_type or "eventstream" in content_type


def _is_unreadable_answer(call: CallRecord, details: CallDetails) -> bool:
    if not details.is_unreadable or not call.is_exhausted or call.status_code != 200:
        return False
    content_type = call.response_headers.get("content-type", "") if call.response_headers else ""
    return "json" in content_type


def _exception_error_type(error: BaseException) -> str:
    if isinstance(error, asyncio.CancelledError):
        return "cancelled"
    if isinstance(error, KeyboardInterrupt | SystemExit):
        return type(error).__name__
    # The SDK turns transport failures, before or during the body, into these two exceptions
    # before the caller sees them.
    return "APITimeoutError" if "Timeout" in type(error).__name__ else "APIConnectionError"


__all__ = ["ClientInfo", "Recorder"]
