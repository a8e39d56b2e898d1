"""Read OpenAI Responses API answers: whole ``response`` objects and their event streams.

Output items are sorted three ways: messages (the answer's text), tool calls the caller has to
run (functions, custom tools, patches, local shell commands, computer actions) and calls of
tools OpenAI ran itself (web search, file search, code interpreter, image generation, MCP,
shell in its containers), which are recorded apart and never make the outcome "tool_calls".
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any, Final

from prysmai import jsonutil
from prysmai.providers.details import (
    MALFORMED_ENTRY,
    CallDetails,
    OutputChoice,
    ServerToolCall,
    ToolCall,
    reports_error,
)
from prysmai.providers.openai_common import add_logprobs, read_identity, usage_from_openai
from prysmai.providers.sse import json_objects

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
                add_logprobs({"content": part.get("logprobs")}, choice)
            elif isinstance(part, dict) and isinstance(part.get("refusal"), str):
                choice.text_parts.append(part["refusal"])
    else:
        call = _responses_tool_call(item)
        if call is not None:
            choice.tool_calls.append(call)


def read_responses_object(payload: dict[str, Any], details: CallDetails) -> None:
    """Fill ``details`` from a Responses API ``response`` object."""
    read_identity(payload, details)
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
    if status == "failed" or reports_error(error):
        details.take_error(error)
    details.choices = [choice]


def read_responses_stream(events: list[Any], details: CallDetails) -> None:
    """Fill ``details`` from a Responses event stream; its final ``response`` decides."""
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
                _note_item(kind, payload, server_calls, tool_calls)
            if kind in _RESPONSES_CONTENT_EVENTS:
                if details.first_content_offset is None:
                    details.first_content_offset = event.end_offset
                if kind in _RESPONSES_TEXT_EVENTS:
                    partial.text_parts.append(str(payload.get("delta") or ""))
            response = payload.get("response")
            if isinstance(response, dict):
                read_identity(response, details)
                if kind in _RESPONSES_TERMINAL_EVENTS:
                    details.has_terminal_event = True
                    final = response
        if kind == "error" or event.event == "error":
            # Its fields are the event's own; some servers nest them under "error".
            nested = payload.get("error")
            details.take_error(nested if isinstance(nested, dict) else payload)
    if final is not None:
        read_responses_object(final, details)
    else:
        partial.tool_calls = list(tool_calls.values())
        details.choices = [partial]
        details.server_tool_calls = list(server_calls.values())


def _note_item(
    kind: str,
    payload: dict[str, Any],
    server_calls: dict[Any, ServerToolCall],
    tool_calls: dict[Any, ToolCall],
) -> None:
    """Keep an item event's tool call by its output position (a later event replaces it).

    A server tool call counts from its start; the caller's only once its item is done, when
    its arguments are whole.
    """
    item, position = payload["item"], payload.get("output_index")
    server_call = _server_tool_call(item)
    if server_call is not None:
        server_calls[position if isinstance(position, int) else server_call.id] = server_call
    elif kind == "response.output_item.done":
        call = _responses_tool_call(item)
        if call is not None:
            tool_calls[position if isinstance(position, int) else len(tool_calls)] = call


def _text_or_json(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else jsonutil.dumps(value)
