"""Read OpenAI-format answers: whole JSON bodies and SSE streams, assembled into choices.

Chat completions, legacy completions and embeddings; the Responses API has its own module.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from prysmai import jsonutil
from prysmai.providers.details import (
    MALFORMED_ENTRY,
    CallDetails,
    OutputChoice,
    ToolCall,
    reports_error,
)
from prysmai.providers.openai_common import (
    add_logprobs,
    int_or,
    read_identity,
    usage_from_openai,
)
from prysmai.providers.openai_responses_api import read_responses_object, read_responses_stream
from prysmai.providers.sse import parse_sse

__all__ = ["read_openai_error", "read_openai_response"]

_MAX_TOOL_CALLS = 128


def read_openai_response(endpoint_name: str, body: bytes, details: CallDetails) -> None:
    """Fill ``details`` from an OpenAI answer body, streamed (SSE) or whole (JSON)."""
    if details.is_stream or body.lstrip()[:5] in (b"data:", b"event"):
        details.is_stream = True
        _read_stream(endpoint_name, body, details)
        return
    try:
        payload = jsonutil.loads(body)
    except ValueError:
        details.is_unreadable = True
        return
    if not isinstance(payload, dict):
        return
    if endpoint_name == "responses":
        read_responses_object(payload, details)
    else:
        _read_completion_object(payload, details)


def read_openai_error(body: bytes, details: CallDetails) -> None:
    """Take the message and code of an OpenAI error body, when it has one."""
    details.take_error_body(body, ("code", "type"))


def _read_completion_object(payload: dict[str, Any], details: CallDetails) -> None:
    if (
        reports_error(payload.get("error"))
        and not payload.get("choices")
        and not payload.get("data")
    ):
        # Some OpenAI-compatible gateways send their error body with status 200. (The SDK
        # tests the field's truth, so an empty or false one is no error.)
        details.take_error(payload["error"])
        return
    read_identity(payload, details)
    details.usage = usage_from_openai(payload.get("usage"))
    data = payload.get("data")
    if isinstance(data, list):
        details.embedding_count = len(data)
    choices = payload.get("choices")
    for raw_choice in choices if isinstance(choices, list) else []:
        if isinstance(raw_choice, dict):
            with suppress(*MALFORMED_ENTRY):
                details.choices.append(_whole_choice(raw_choice, len(details.choices)))


def _whole_choice(raw_choice: dict[str, Any], position: int) -> OutputChoice:
    choice = OutputChoice(index=int_or(raw_choice.get("index"), position))
    finish_reason = raw_choice.get("finish_reason")
    choice.finish_reason = str(finish_reason) if finish_reason else None
    message = raw_choice.get("message")
    if isinstance(message, dict):
        choice.role = str(message.get("role") or "assistant")
        content = message.get("content")
        if isinstance(content, str):
            choice.text_parts.append(content)
        refusal = message.get("refusal")
        if isinstance(refusal, str) and refusal:
            choice.text_parts.append(refusal)
        for raw_call in message.get("tool_calls") or []:
            if isinstance(raw_call, dict):
                with suppress(*MALFORMED_ENTRY):
                    function = raw_call.get("function") or {}
                    choice.tool_calls.append(
                        ToolCall(
                            id=raw_call.get("id"),
                            name=function.get("name"),
                            arguments=str(function.get("arguments") or ""),
                            type=str(raw_call.get("type") or "function"),
                        )
                    )
        _merge_function_call(message.get("function_call"), choice)
    elif isinstance(raw_choice.get("text"), str):
        choice.text_parts.append(raw_choice["text"])
    add_logprobs(raw_choice.get("logprobs"), choice)
    return choice


def _read_stream(endpoint_name: str, body: bytes, details: CallDetails) -> None:
    events = parse_sse(body)
    details.event_count = len(events)
    if endpoint_name == "responses":
        read_responses_stream(events, details)
        return
    choices: dict[int, OutputChoice] = {}
    for event in events:
        if event.data.startswith("[DONE]"):
            details.has_terminal_event = True
            continue
        try:
            chunk = jsonutil.loads(event.data)
        except ValueError:
            continue
        if not isinstance(chunk, dict):
            continue
        if chunk.get("error"):
            details.take_error(chunk["error"])
            continue
        with suppress(*MALFORMED_ENTRY):
            _read_chunk(chunk, event.end_offset, details, choices)
    details.choices = [choices[i] for i in sorted(choices)]


def _read_chunk(
    chunk: dict[str, Any], end_offset: int, details: CallDetails, choices: dict[int, OutputChoice]
) -> None:
    read_identity(chunk, details)
    usage = usage_from_openai(chunk.get("usage"))
    if usage is not None:
        details.usage = usage
    # Azure sends filter-only chunks and a usage-only last chunk: "choices" may be null or [].
    has_content = False
    raw_choices = chunk.get("choices")
    for raw_choice in raw_choices if isinstance(raw_choices, list) else []:
        if isinstance(raw_choice, dict):
            with suppress(*MALFORMED_ENTRY):
                has_content |= _merge_choice_delta(raw_choice, choices)
    if has_content and details.first_content_offset is None:
        details.first_content_offset = end_offset


def _merge_choice_delta(raw_choice: dict[str, Any], choices: dict[int, OutputChoice]) -> bool:
    index = int_or(raw_choice.get("index"), 0)
    choice = choices.get(index)
    if choice is None:
        choice = choices[index] = OutputChoice(index=index)
    has_content = False
    if raw_choice.get("finish_reason"):
        choice.finish_reason = str(raw_choice["finish_reason"])
    add_logprobs(raw_choice.get("logprobs"), choice)
    text = raw_choice.get("text")
    if isinstance(text, str) and text:
        choice.text_parts.append(text)
        has_content = True
    delta = raw_choice.get("delta")
    if not isinstance(delta, dict):
        return has_content
    if isinstance(delta.get("role"), str):
        choice.role = delta["role"]
    for key in ("content", "refusal"):
        piece = delta.get(key)
        if isinstance(piece, str) and piece:
            choice.text_parts.append(piece)
            has_content = True
    for raw_call in delta.get("tool_calls") or []:
        if isinstance(raw_call, dict):
            _merge_tool_call_delta(raw_call, choice)
            has_content = True
    if isinstance(delta.get("function_call"), dict):
        _merge_function_call(delta["function_call"], choice)
        has_content = True
    return has_content


def _merge_function_call(raw: Any, choice: OutputChoice) -> None:
    """Add a legacy ``function_call`` (the deprecated ``functions`` API) as a tool call.

    It has no id and there is at most one per choice: a streamed one arrives in pieces, the
    name first, and each piece continues it.
    """
    if not isinstance(raw, dict):
        return
    if not choice.tool_calls or choice.tool_calls[-1].id is not None:
        choice.tool_calls.append(ToolCall(id=None, name=None, arguments=""))
    call = choice.tool_calls[-1]
    name = raw.get("name")
    if isinstance(name, str) and name and name != call.name:
        call.name = (call.name or "") + name
    if isinstance(raw.get("arguments"), str):
        call.arguments += raw["arguments"]


def _merge_tool_call_delta(raw_call: dict[str, Any], choice: OutputChoice) -> None:
    function = raw_call.get("function") or {}
    index = raw_call.get("index")
    call: ToolCall | None = None
    # An index is a position among a handful of calls; an absurd one is treated as missing
    # rather than allowed to allocate a list of that length.
    if isinstance(index, int) and 0 <= index < _MAX_TOOL_CALLS:
        # The index is the position among this choice's calls; grow the list to reach it.
        while len(choice.tool_calls) <= index:
            choice.tool_calls.append(ToolCall(id=None, name=None, arguments=""))
        call = choice.tool_calls[index]
    elif raw_call.get("id") is None and choice.tool_calls:
        # Some servers omit the index: a delta without an id continues the latest call.
        call = choice.tool_calls[-1]
    if call is None:
        call = ToolCall(id=None, name=None, arguments="")
        choice.tool_calls.append(call)
    if raw_call.get("id"):
        call.id = str(raw_call["id"])
    if raw_call.get("type"):
        call.type = str(raw_call["type"])
    name = function.get("name")
    if isinstance(name, str) and name and name != call.name:
        # Names normally arrive whole in the first delta; a split name is joined.
        call.name = (call.name or "") + name
    if isinstance(function.get("arguments"), str):
        call.arguments += function["arguments"]
