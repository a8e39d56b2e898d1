"""Turn one parsed call into span attributes (GenAI conventions plus ``prysm.*``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from prysmai import jsonutil, semconv
from prysmai.context import ContextValues
from prysmai.cost import CallCost
from prysmai.providers.details import CallDetails

if TYPE_CHECKING:
    from prysmai.limits.refusal import Refusal

AttributeValue = str | bool | int | float | list[str] | list[int] | list[float]


@dataclass(frozen=True, slots=True)
class Timings:
    """Durations of one call, in milliseconds from sending the request."""

    latency_ms: float
    time_to_first_byte_ms: float | None
    time_to_first_token_ms: float | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """How the call ended."""

    status_code: int
    error_type: str | None
    error_message: str | None
    is_cut_short: bool


def capped_json(value: Any, max_chars: int) -> tuple[str, bool]:
    """Serialise ``value`` as JSON, cut to ``max_chars``; return the text and whether it was cut."""
    text = jsonutil.dumps(value)
    if len(text) <= max_chars:
        return text, False
    return text[:max_chars], True


def build_attributes(
    *,
    operation: str,
    endpoint_name: str,
    provider: str,
    server_address: str | None,
    server_port: int | None,
    details: CallDetails,
    timings: Timings,
    outcome: Outcome,
    cost: CallCost | None,
    values: ContextValues,
    capture_content: bool,
    max_content_chars: int,
    extra: Mapping[str, Any],
) -> dict[str, AttributeValue]:
    """Return the span attributes for one call."""
    attrs: dict[str, AttributeValue] = {
        semconv.OPERATION_NAME: operation,
        semconv.PROVIDER_NAME: provider,
        semconv.SYSTEM: provider,
        semconv.ENDPOINT: endpoint_name,
        semconv.STREAM: details.is_stream,
        semconv.LATENCY_MS: round(timings.latency_ms, 3),
        semconv.STATUS: "error" if outcome.error_type else "ok",
    }
    if server_address:
        attrs[semconv.SERVER_ADDRESS] = server_address
    if server_port:
        attrs[semconv.SERVER_PORT] = server_port
    if outcome.status_code:
        attrs[semconv.HTTP_STATUS_CODE] = outcome.status_code
    if outcome.error_type:
        attrs[semconv.ERROR_TYPE] = outcome.error_type
    _add_model_and_usage(attrs, details, operation)
    _add_timings(attrs, details, timings, outcome)
    if cost is not None:
        attrs[semconv.COST_USD] = cost.total_usd
        attrs[semconv.COST_INPUT_USD] = cost.input_usd
        attrs[semconv.COST_OUTPUT_USD] = cost.output_usd
        attrs[semconv.COST_SOURCE] = cost.source
    _add_context(attrs, values)
    _add_tool_calls_and_logprobs(attrs, details, max_content_chars)
    _add_server_tool_calls(attrs, details, max_content_chars)
    for key, value in details.request_params.items():
        if key != semconv.TOOL_DEFINITIONS or capture_content:
            attrs[key] = value
    if capture_content:
        _add_content(attrs, details, max_content_chars)
    for key, value in extra.items():
        attrs.setdefault(key, value)
    return attrs


def _add_model_and_usage(
    attrs: dict[str, AttributeValue], details: CallDetails, operation: str
) -> None:
    if details.request_model:
        attrs[semconv.REQUEST_MODEL] = details.request_model
    if details.response_model:
        attrs[semconv.RESPONSE_MODEL] = details.response_model
    if details.response_id:
        attrs[semconv.RESPONSE_ID] = details.response_id
    if details.finish_reasons:
        attrs[semconv.RESPONSE_FINISH_REASONS] = details.finish_reasons
    usage = details.usage
    if usage is not None:
        input_tokens = usage.input_tokens
        if details.input_excludes_cache:
            # The conventions count cached input inside the input total.
            input_tokens += usage.cache_read_tokens + usage.cache_write_tokens
        attrs[semconv.USAGE_INPUT_TOKENS] = input_tokens
        if operation != "embeddings":
            # Embeddings answer with vectors, not tokens: the conventions define no output count.
            attrs[semconv.USAGE_OUTPUT_TOKENS] = usage.output_tokens
        if usage.cache_read_tokens:
            attrs[semconv.USAGE_CACHE_READ_INPUT_TOKENS] = usage.cache_read_tokens
        if usage.cache_write_tokens:
            attrs[semconv.USAGE_CACHE_CREATION_INPUT_TOKENS] = usage.cache_write_tokens
        if usage.reasoning_tokens:
            attrs[semconv.USAGE_REASONING_OUTPUT_TOKENS] = usage.reasoning_tokens


def _add_timings(
    attrs: dict[str, AttributeValue], details: CallDetails, timings: Timings, outcome: Outcome
) -> None:
    if timings.time_to_first_byte_ms is not None:
        attrs[semconv.TIME_TO_FIRST_BYTE_MS] = round(timings.time_to_first_byte_ms, 3)
    if details.is_stream:
        attrs[semconv.STREAM_CHUNK_COUNT] = details.event_count
        attrs[semconv.STREAM_CUT_SHORT] = outcome.is_cut_short
        if timings.time_to_first_token_ms is not None:
            attrs[semconv.TIME_TO_FIRST_TOKEN_MS] = round(timings.time_to_first_token_ms, 3)
            # The convention's attribute is in seconds.
            attrs[semconv.RESPONSE_TIME_TO_FIRST_CHUNK] = timings.time_to_first_token_ms / 1000
    elif outcome.is_cut_short:
        attrs[semconv.STREAM_CUT_SHORT] = True


MAX_METADATA_KEYS = 32
"""Metadata entries kept per call; spans hold at most 128 attributes and the rest must fit."""

MAX_METADATA_VALUE_CHARS = 1024


def _add_context(attrs: dict[str, AttributeValue], values: ContextValues) -> None:
    if values.user_id:
        attrs[semconv.USER_ID] = values.user_id[:MAX_METADATA_VALUE_CHARS]
    if values.session_id:
        attrs[semconv.SESSION_ID] = values.session_id[:MAX_METADATA_VALUE_CHARS]
    for index, (key, value) in enumerate(values.metadata.items()):
        if index == MAX_METADATA_KEYS:
            attrs[semconv.METADATA_PREFIX + "_dropped_keys"] = len(values.metadata) - index
            break
        name = semconv.METADATA_PREFIX + str(key)[:128]
        attrs[name] = _attribute_value(value)


def _attribute_value(value: Any) -> AttributeValue:
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value[:MAX_METADATA_VALUE_CHARS]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return [str(v)[:MAX_METADATA_VALUE_CHARS] for v in value[:MAX_METADATA_KEYS]]
    return jsonutil.dumps(value)[:MAX_METADATA_VALUE_CHARS]


def _add_tool_calls_and_logprobs(
    attrs: dict[str, AttributeValue], details: CallDetails, max_chars: int
) -> None:
    _add_calls(attrs, details.tool_calls, semconv.TOOL_CALL_COUNT, semconv.TOOL_CALLS, max_chars)
    logprobs = [
        {"index": choice.index, "content": choice.logprobs}
        for choice in details.choices
        if choice.logprobs
    ]
    if logprobs:
        attrs[semconv.LOGPROBS], _ = capped_json(logprobs, max_chars)


def _add_calls(
    attrs: dict[str, AttributeValue],
    calls: Sequence[Any],
    count_name: str,
    list_name: str,
    max_chars: int,
) -> None:
    """A list of calls as its count and its entries (``as_dict``), capped JSON."""
    if calls:
        attrs[count_name] = len(calls)
        attrs[list_name], _ = capped_json([call.as_dict() for call in calls], max_chars)


def _add_server_tool_calls(
    attrs: dict[str, AttributeValue], details: CallDetails, max_chars: int
) -> None:
    # Id, type, name and MCP server only: the input and result (queries, fetched pages, code
    # output) may hold personal data, and redaction does not cover these attributes.
    _add_calls(
        attrs,
        details.server_tool_calls,
        semconv.SERVER_TOOL_CALL_COUNT,
        semconv.SERVER_TOOL_CALLS,
        max_chars,
    )
    # Billed per request, apart from tokens: recorded, but not part of the cost.
    for field, count in details.server_tool_requests.items():
        attrs[semconv.USAGE_SERVER_TOOL_PREFIX + field] = count
    if details.other_model_usage:
        # Priced into the cost at each model's rates; the gen_ai.usage.* counts stay the
        # provider's own totals, which leave these tokens out.
        others = [
            {
                "model": model,
                "input_tokens": usage.input_tokens,
                "output_tokens": usage.output_tokens,
            }
            for model, usage in details.other_model_usage
        ]
        attrs[semconv.USAGE_OTHER_MODELS], _ = capped_json(others, max_chars)


def _add_content(attrs: dict[str, AttributeValue], details: CallDetails, max_chars: int) -> None:
    truncated = False
    if details.system_instructions:
        parts = [{"type": "text", "content": text} for text in details.system_instructions]
        attrs[semconv.SYSTEM_INSTRUCTIONS], cut = capped_json(parts, max_chars)
        truncated |= cut
    if details.input_messages:
        attrs[semconv.INPUT_MESSAGES], cut = capped_json(details.input_messages, max_chars)
        truncated |= cut
    outputs = [_output_message(choice) for choice in details.choices]
    if outputs:
        attrs[semconv.OUTPUT_MESSAGES], cut = capped_json(outputs, max_chars)
        truncated |= cut
    if truncated:
        attrs[semconv.CONTENT_TRUNCATED] = True


def _output_message(choice: Any) -> dict[str, Any]:
    parts: list[dict[str, Any]] = []
    if choice.text:
        parts.append({"type": "text", "content": choice.text})
    for call in choice.tool_calls:
        parts.append(
            {"type": "tool_call", "id": call.id, "name": call.name, "arguments": call.arguments}
        )
    message: dict[str, Any] = {"role": choice.role, "parts": parts}
    if choice.finish_reason:
        message["finish_reason"] = choice.finish_reason
    return message


USAGE_LIMIT_PREFIX: Final = "prysm.usage_limit."
"""Attributes of a call refused by a usage limit: ``metric``, ``limit``, ``used``, ``window``,
``scope``, ``resets_at`` (ISO 8601, UTC) and ``retry_after_s``. The user or session the limit
applies to is already in ``user.id`` / ``session.id``."""


def usage_limit_attributes(refusal: Refusal) -> dict[str, AttributeValue]:
    """Return the ``prysm.usage_limit.*`` attributes of a refused call."""
    details = refusal.details()
    return {
        USAGE_LIMIT_PREFIX + "metric": details["metric"],
        USAGE_LIMIT_PREFIX + "limit": details["limit"],
        USAGE_LIMIT_PREFIX + "used": details["used"],
        # A window is a name or a number of seconds; one attribute type for both.
        USAGE_LIMIT_PREFIX + "window": str(details["window"]),
        USAGE_LIMIT_PREFIX + "scope": details["scope"],
        USAGE_LIMIT_PREFIX + "resets_at": details["resets_at"],
        USAGE_LIMIT_PREFIX + "retry_after_s": details["retry_after_s"],
    }
