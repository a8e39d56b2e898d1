"""Read OpenAI-format answers: whole JSON bodies and SSE streams, assembled into choices."""

from __future__ import annotations

from contextlib import suppress
from typing import Any, Final

from prysmai import jsonutil
from prysmai.cost import TokenUsage
from prysmai.providers.details import (
    MALFORMED_ENTRY,
    CallDetails,
    OutputChoice,
    ServerToolCall,
    ToolCall,
    whole_count,
)
from prysmai.providers.sse import json_objects, parse_sse

_MAX_TOOL_CALLS = 128

_RESPONSES_TERMINAL_EVENTS = frozenset(
    {"response.completed", "response.incomplete", "response.failed"}
)
_RESPONSES_TEXT_EVENTS = frozenset({"response.output_text.delta", "response.refusal.delta"})
# An output item starts and ends with these; the item comes whole in both.
_RESPONSES_ITEM_EVENTS = frozenset({"response.output_item.added", "response.output_item.done"})
# The first of these is the first token: answer text, or the input of a tool call.
_RESPONSES_CONTENT_EVENTS = _RESPONSES_TEXT_EVENTS | {
    "response.function_call_arguments.delta",
    "response.custom_tool_call_input.delta",
}


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
    if payload.get("error") and not payload.get("choices") and not payload.get("data"):
        # Some OpenAI-compatible gateways send their error body with status 200. (The SDK
        # tests the field's truth, so an empty or false one is no error.)
        details.take_error(payload["error"])
        return
    _read_identity(payload, details)
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
    choice = OutputChoice(index=_int(raw_choice.get("index"), position))
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
    _add_logprobs(raw_choice.get("logprobs"), choice)
    return choice


def _read_identity(payload: dict[str, Any], details: CallDetails) -> None:
    model = payload.get("model")
    if isinstance(model, str) and model:
        details.response_model = model
    response_id = payload.get("id")
    if isinstance(response_id, str) and response_id and details.response_id is None:
        details.response_id = response_id


def usage_from_openai(usage: Any) -> TokenUsage | None:
    """Convert an OpenAI ``usage`` object (chat, completions, embeddings or responses)."""
    if not isinstance(usage, dict):
        return None
    input_tokens = _count(usage.get("prompt_tokens", usage.get("input_tokens")))
    output_tokens = _count(usage.get("completion_tokens", usage.get("output_tokens")))
    input_details = usage.get("prompt_tokens_details") or usage.get("input_tokens_details") or {}
    output_details = (
        usage.get("completion_tokens_details") or usage.get("output_tokens_details") or {}
    )
    cached, written = 0, 0
    if isinstance(input_details, dict):
        cached = _count(input_details.get("cached_tokens"))
        # Set by providers that bill cache writes apart (Anthropic through an OpenAI-format
        # answer); OpenAI's own answers leave it out.
        written = _count(input_details.get("cache_write_tokens"))
    reasoning = (
        _count(output_details.get("reasoning_tokens")) if isinstance(output_details, dict) else 0
    )
    # Parts never exceed their whole (OpenAI counts cached tokens inside the prompt's).
    return TokenUsage(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cache_read_tokens=min(cached, input_tokens),
        cache_write_tokens=min(written, input_tokens),
        reasoning_tokens=min(reasoning, output_tokens),
    )


def _add_logprobs(raw: Any, choice: OutputChoice) -> None:
    if not isinstance(raw, dict):
        return
    content = raw.get("content")
    if isinstance(content, list):
        for item in content:
            if isinstance(item, dict) and "token" in item:
                choice.logprobs.append({"token": item.get("token"), "logprob": item.get("logprob")})
        return
    tokens, values = raw.get("tokens"), raw.get("token_logprobs")
    if isinstance(tokens, list) and isinstance(values, list):
        choice.logprobs.extend(
            {"token": t, "logprob": v} for t, v in zip(tokens, values, strict=False)
        )


def _read_stream(endpoint_name: str, body: bytes, details: CallDetails) -> None:
    events = parse_sse(body)
    details.event_count = len(events)
    if endpoint_name == "responses":
        _read_responses_stream(events, details)
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
    _read_identity(chunk, details)
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
    index = _int(raw_choice.get("index"), 0)
    choice = choices.get(index)
    if choice is None:
        choice = choices[index] = OutputChoice(index=index)
    has_content = False
    if raw_choice.get("finish_reason"):
        choice.finish_reason = str(raw_choice["finish_reason"])
    _add_logprobs(raw_choice.get("logprobs"), choice)
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


# Output items the caller runs, besides functions: the tool's type and the field holding what
# the model asked for. (Items run by OpenAI itself, such as web_search_call, are not tool calls
# the caller has to answer: see _PROVIDER_RUN_ITEMS.)
_CALLER_RUN_ITEMS: Final = {
    "computer_call": ("computer", "action"),
    "local_shell_call": ("local_shell", "action"),
    "shell_call": ("shell", "action"),
    "apply_patch_call": ("apply_patch", "operation"),
}


def _is_hosted_shell(item: dict[str, Any]) -> bool:
    """A shell call OpenAI ran in one of its containers (``local`` ones are the caller's)."""
    environment = item.get("environment")
    return (
        item.get("type") == "shell_call"
        and isinstance(environment, dict)
        and environment.get("type") in _HOSTED_SHELL_ENVIRONMENTS
    )


def _responses_tool_call(item: dict[str, Any]) -> ToolCall | None:
    """The tool call an output item asks the caller to run, or None for other items."""
    call_id = item.get("call_id") or item.get("id")
    kind = item.get("type")
    if _is_hosted_shell(item):
        return None
    if kind == "function_call":
        return ToolCall(
            id=call_id, name=item.get("name"), arguments=str(item.get("arguments") or "")
        )
    if kind == "custom_tool_call":
        # A custom (free-form or grammar) tool: the caller runs it just like a function, but
        # the model's input is raw text rather than JSON arguments.
        return ToolCall(
            id=call_id,
            name=item.get("name"),
            arguments=_text_or_json(item.get("input")),
            type="custom",
        )
    if isinstance(kind, str) and kind in _CALLER_RUN_ITEMS:
        tool, field = _CALLER_RUN_ITEMS[kind]
        request = item.get(field)
        arguments = "" if request is None else jsonutil.dumps(request)
        return ToolCall(id=call_id, name=tool, arguments=arguments, type=tool)
    return None


# Output items of tools OpenAI runs itself, and the tool each belongs to. ``mcp_list_tools`` (a
# server's tool list) and ``mcp_approval_request`` (a question to the caller) run no tool.
_PROVIDER_RUN_ITEMS: Final = {
    "web_search_call": "web_search",
    "file_search_call": "file_search",
    "code_interpreter_call": "code_interpreter",
    "image_generation_call": "image_generation",
    "mcp_call": "mcp",
    "tool_search_call": "tool_search",
    "shell_call": "shell",  # only in OpenAI's containers: see _is_hosted_shell
}
_HOSTED_SHELL_ENVIRONMENTS: Final = frozenset({"container_auto", "container_reference"})


def _server_tool_call(item: dict[str, Any]) -> ServerToolCall | None:
    """The call of a tool OpenAI ran itself, or None for other items; never its input or output."""
    kind = item.get("type")
    if not isinstance(kind, str) or kind not in _PROVIDER_RUN_ITEMS:
        return None
    if kind == "tool_search_call" and item.get("execution") == "client":
        # A tool search the caller carries out is not OpenAI's.
        return None
    if kind == "shell_call" and not _is_hosted_shell(item):
        return None
    item_id, name, label = item.get("id"), item.get("name"), item.get("server_label")
    return ServerToolCall(
        id=item_id if isinstance(item_id, str) else None,
        type=kind,
        name=name if isinstance(name, str) and name else _PROVIDER_RUN_ITEMS[kind],
        server=label if isinstance(label, str) else None,
    )


def _read_output_item(
    item: dict[str, Any], choice: OutputChoice, server_calls: list[ServerToolCall]
) -> None:
    server_call = _server_tool_call(item)
    if server_call is not None:
        server_calls.append(server_call)
    elif item.get("type") == "message":
        for part in item.get("content") or []:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                choice.text_parts.append(part["text"])
                _add_logprobs({"content": part.get("logprobs")}, choice)
            elif isinstance(part, dict) and isinstance(part.get("refusal"), str):
                choice.text_parts.append(part["refusal"])
    else:
        call = _responses_tool_call(item)
        if call is not None:
            choice.tool_calls.append(call)


def read_responses_object(payload: dict[str, Any], details: CallDetails) -> None:
    """Fill ``details`` from a Responses API ``response`` object."""
    _read_identity(payload, details)
    details.usage = usage_from_openai(payload.get("usage")) or details.usage
    choice = OutputChoice(index=0)
    server_calls: list[ServerToolCall] = []
    status = payload.get("status")
    output = payload.get("output")
    for item in output if isinstance(output, list) else []:
        if isinstance(item, dict):
            with suppress(*MALFORMED_ENTRY):
                _read_output_item(item, choice, server_calls)
    # The finished answer lists every call: it replaces what a stream's items showed on the way.
    details.server_tool_calls = server_calls
    incomplete = payload.get("incomplete_details")
    if isinstance(incomplete, dict) and incomplete.get("reason"):
        choice.finish_reason = str(incomplete["reason"])
    elif choice.tool_calls:
        choice.finish_reason = "tool_calls"
    elif isinstance(status, str):
        choice.finish_reason = "stop" if status == "completed" else status
    error = payload.get("error")
    if status == "failed" or error:
        details.take_error(error)
    details.choices = [choice]


def _read_responses_stream(events: list[Any], details: CallDetails) -> None:
    partial = OutputChoice(index=0)
    final: dict[str, Any] | None = None
    # Server tool calls by output position, from the items' events: all a stream cut short
    # before its final response has to show.
    server_calls: dict[Any, ServerToolCall] = {}
    # Likewise the caller's tool calls, from each finished item.
    tool_calls: dict[Any, ToolCall] = {}
    for event, payload in json_objects(events):
        # The event's own type decides, as in the SDK: a server may name every event
        # "message" on its SSE line.
        kind = payload.get("type") or event.event
        if not isinstance(kind, str):
            # An odd ``type`` (a list, say) is no event name, and cannot be looked up in a set.
            kind = ""
        with suppress(*MALFORMED_ENTRY):
            if kind in _RESPONSES_ITEM_EVENTS and isinstance(payload.get("item"), dict):
                _note_server_tool_call(payload, server_calls)
                if kind == "response.output_item.done":
                    _note_tool_call(payload, tool_calls)
            if kind in _RESPONSES_CONTENT_EVENTS:
                if details.first_content_offset is None:
                    details.first_content_offset = event.end_offset
                if kind in _RESPONSES_TEXT_EVENTS:
                    partial.text_parts.append(str(payload.get("delta") or ""))
            response = payload.get("response")
            if isinstance(response, dict):
                _read_identity(response, details)
                if kind in _RESPONSES_TERMINAL_EVENTS:
                    details.has_terminal_event = True
                    final = response
        if kind == "error":
            # Its fields are the event's own; some servers nest them under "error".
            nested = payload.get("error")
            details.take_error(nested if isinstance(nested, dict) else payload)
    if final is not None:
        read_responses_object(final, details)
    else:
        partial.tool_calls = list(tool_calls.values())
        details.choices = [partial]
        details.server_tool_calls = list(server_calls.values())


def _note_tool_call(payload: dict[str, Any], calls: dict[Any, ToolCall]) -> None:
    """Keep the caller's tool call of a finished item, by its output position."""
    call = _responses_tool_call(payload["item"])
    if call is not None:
        position = payload.get("output_index")
        calls[position if isinstance(position, int) else len(calls)] = call


def _note_server_tool_call(payload: dict[str, Any], calls: dict[Any, ServerToolCall]) -> None:
    """Keep the server tool call of an item event; the ``done`` event's item replaces its start."""
    call = _server_tool_call(payload["item"])
    if call is None:
        return
    position = payload.get("output_index")
    key = position if isinstance(position, int) else call.id
    calls[key] = call


def _text_or_json(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else jsonutil.dumps(value)


def _count(value: Any) -> int:
    """A token count: a whole number, not negative, not absurd; anything else counts 0."""
    return whole_count(value) or 0


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default
