"""The Anthropic Messages wire format (and the legacy Text Completions API)."""

from __future__ import annotations

import re
from contextlib import suppress
from typing import Any, Final

from prysmai import jsonutil, semconv
from prysmai.cost import TokenUsage
from prysmai.endpoints import BEDROCK_INVOKE_STREAM
from prysmai.providers.aws_eventstream import parse_eventstream
from prysmai.providers.details import (
    MALFORMED_ENTRY,
    CallDetails,
    OutputChoice,
    ServerToolCall,
    ToolCall,
    whole_count,
)
from prysmai.providers.sse import SseEvent, json_objects, parse_sse

__all__ = ["read_error", "read_request", "read_response"]

# Bedrock's streaming route: no ``stream`` field in the body, and AWS event stream framing.
_BEDROCK_STREAM = BEDROCK_INVOKE_STREAM.name

# Content blocks of tools Anthropic runs itself (web search, code execution, an MCP server's
# tool ...). Their result blocks (``web_search_tool_result``, ``mcp_tool_result`` ...) are not
# calls and are left out.
_SERVER_TOOL_BLOCKS: Final = frozenset({"server_tool_use", "mcp_tool_use"})
# ``usage.server_tool_use`` fields become attribute names: only plain ones, and a few of them,
# so an odd answer cannot crowd the span's other attributes out.
_REQUEST_FIELD = re.compile(r"[a-z][a-z0-9_]{0,63}")
_MAX_REQUEST_FIELDS = 16
_MAX_ITERATIONS = 256


def read_request(endpoint_name: str, body: dict[str, Any], details: CallDetails) -> None:
    """Fill ``details`` from an Anthropic request body."""
    details.input_excludes_cache = True
    model = body.get("model")
    details.request_model = model if isinstance(model, str) else None
    details.is_stream = body.get("stream") is True or endpoint_name == _BEDROCK_STREAM
    params = details.request_params
    for field, attribute in (
        ("temperature", semconv.REQUEST_TEMPERATURE),
        ("top_p", semconv.REQUEST_TOP_P),
        ("top_k", "gen_ai.request.top_k"),
    ):
        value = body.get(field)
        if isinstance(value, int | float) and not isinstance(value, bool):
            params[attribute] = value
    max_tokens = body.get("max_tokens", body.get("max_tokens_to_sample"))
    if isinstance(max_tokens, int):
        params[semconv.REQUEST_MAX_TOKENS] = max_tokens
    stop = body.get("stop_sequences")
    if isinstance(stop, list) and all(isinstance(s, str) for s in stop):
        params[semconv.REQUEST_STOP_SEQUENCES] = list(stop)
    tools = body.get("tools")
    if isinstance(tools, list) and tools:
        params[semconv.REQUEST_TOOLS] = [
            str(t.get("name", "?")) if isinstance(t, dict) else "?" for t in tools
        ]
        params[semconv.TOOL_DEFINITIONS] = jsonutil.dumps(tools)
    _read_system(body.get("system"), details)
    if endpoint_name == "complete":
        prompt = body.get("prompt")
        if isinstance(prompt, str):
            details.input_messages.append(
                {"role": "user", "parts": [{"type": "text", "content": prompt}]}
            )
        return
    messages = body.get("messages")
    for message in messages if isinstance(messages, list) else []:
        if isinstance(message, dict):
            details.input_messages.append(
                {
                    "role": str(message.get("role", "user")),
                    "parts": _content_parts(message.get("content")),
                }
            )


def _read_system(system: Any, details: CallDetails) -> None:
    if isinstance(system, str):
        details.system_instructions.append(system)
    elif isinstance(system, list):
        details.system_instructions.extend(
            str(block.get("text", "")) for block in system if isinstance(block, dict)
        )


def _content_parts(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "content": content}]
    parts: list[dict[str, Any]] = []
    for block in content if isinstance(content, list) else []:
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "text":
            parts.append({"type": "text", "content": block.get("text", "")})
        elif kind == "tool_use":
            parts.append(
                {
                    "type": "tool_call",
                    "id": block.get("id"),
                    "name": block.get("name"),
                    "arguments": jsonutil.dumps(block.get("input")),
                }
            )
        elif kind == "tool_result":
            parts.append(
                {
                    "type": "tool_call_response",
                    "id": block.get("tool_use_id"),
                    "response": _tool_result_text(block.get("content")),
                }
            )
        elif kind in ("image", "document"):
            parts.append({"type": str(kind)})
    return parts


def _tool_result_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            str(b.get("text", "")) for b in content if isinstance(b, dict) and b.get("text")
        )
    return ""


def usage_from_anthropic(usage: Any, previous: TokenUsage | None = None) -> TokenUsage | None:
    """Convert an Anthropic ``usage`` object; later stream events update earlier counts."""
    if not isinstance(usage, dict):
        return previous
    base = previous or TokenUsage()

    def pick(name: str, current: int) -> int:
        value = whole_count(usage.get(name))
        return current if value is None else value

    # Thinking tokens are part of ``output_tokens``; the answer says how many when it can.
    details = usage.get("output_tokens_details")
    thinking = whole_count(details.get("thinking_tokens")) if isinstance(details, dict) else None
    return TokenUsage(
        input_tokens=pick("input_tokens", base.input_tokens),
        output_tokens=pick("output_tokens", base.output_tokens),
        cache_read_tokens=pick("cache_read_input_tokens", base.cache_read_tokens),
        cache_write_tokens=pick("cache_creation_input_tokens", base.cache_write_tokens),
        reasoning_tokens=base.reasoning_tokens if thinking is None else thinking,
    )


def server_tool_requests(usage: Any) -> dict[str, int]:
    """The per-request counts of ``usage.server_tool_use`` (``web_search_requests`` ...)."""
    counts = usage.get("server_tool_use") if isinstance(usage, dict) else None
    if not isinstance(counts, dict):
        return {}
    found = {
        name: number
        for name, value in counts.items()
        if isinstance(name, str)
        and _REQUEST_FIELD.fullmatch(name)
        and (number := whole_count(value)) is not None
    }
    return dict(list(found.items())[:_MAX_REQUEST_FIELDS])


def other_model_usage(usage: Any) -> list[tuple[str, TokenUsage]] | None:
    """Tokens of ``usage.iterations`` run by another model (an ``advisor_message``).

    The call's own iterations (``message``) are in the top-level counts already; an advisor's
    are not, and are billed at the advisor model's prices. None when ``usage`` lists no
    iterations (a stream's later usage may leave them out: the earlier reading stands).
    """
    iterations = usage.get("iterations") if isinstance(usage, dict) else None
    if not isinstance(iterations, list):
        return None
    found: list[tuple[str, TokenUsage]] = []
    for iteration in iterations[:_MAX_ITERATIONS]:
        if not isinstance(iteration, dict) or iteration.get("type") == "message":
            continue
        model, usage_of_model = iteration.get("model"), usage_from_anthropic(iteration)
        if isinstance(model, str) and model and usage_of_model is not None:
            found.append((model, usage_of_model))
    return found


def _take_usage(usage: Any, details: CallDetails) -> None:
    """Read a ``usage`` object: tokens, server tool requests and other models' iterations.

    A stream's counts are running totals: each later object updates the earlier reading.
    """
    details.usage = usage_from_anthropic(usage, details.usage)
    details.server_tool_requests.update(server_tool_requests(usage))
    others = other_model_usage(usage)
    if others is not None:
        details.other_model_usage = others


def _is_server_tool_block(block: dict[str, Any]) -> bool:
    kind = block.get("type")
    return isinstance(kind, str) and kind in _SERVER_TOOL_BLOCKS


def _server_tool_call(block: dict[str, Any]) -> ServerToolCall:
    """A ``server_tool_use`` or ``mcp_tool_use`` block, without its input (see ServerToolCall)."""
    return ServerToolCall(
        id=_text(block.get("id")),
        type=str(block["type"]),
        name=_text(block.get("name")),
        server=_text(block.get("server_name")),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def read_response(endpoint_name: str, body: bytes, details: CallDetails) -> None:
    """Fill ``details`` from an Anthropic answer, streamed (SSE or Bedrock's frames) or whole."""
    if endpoint_name == _BEDROCK_STREAM:
        details.is_stream = True
        _read_stream(parse_eventstream(body), details)
        return
    if details.is_stream or body.lstrip()[:6] in (b"event:", b"data: "):
        details.is_stream = True
        _read_stream(parse_sse(body), details)
        return
    try:
        payload = jsonutil.loads(body)
    except ValueError:
        details.is_unreadable = True
        return
    if isinstance(payload, dict):
        _read_message(payload, details)


def read_error(body: bytes, details: CallDetails) -> None:
    """Take the message and type of an Anthropic error body."""
    details.take_error_body(body, ("type",))


def _read_message(payload: dict[str, Any], details: CallDetails) -> None:
    if payload.get("type") == "error" or (payload.get("error") and not payload.get("content")):
        # An error answered with status 200 (a gateway, or a proxy passing an overload on).
        details.take_error(payload.get("error"), ("type",))
        return
    if isinstance(payload.get("model"), str):
        details.response_model = payload["model"]
    if isinstance(payload.get("id"), str):
        details.response_id = payload["id"]
    _take_usage(payload.get("usage"), details)
    choice = OutputChoice(index=0, role=str(payload.get("role") or "assistant"))
    if isinstance(payload.get("completion"), str):
        choice.text_parts.append(payload["completion"])
    content = payload.get("content")
    for block in content if isinstance(content, list) else []:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text":
            choice.text_parts.append(str(block.get("text", "")))
        elif block.get("type") == "tool_use":
            choice.tool_calls.append(
                ToolCall(
                    id=block.get("id"),
                    name=block.get("name"),
                    arguments=jsonutil.dumps(block.get("input")),
                )
            )
        elif _is_server_tool_block(block):
            details.server_tool_calls.append(_server_tool_call(block))
    if payload.get("stop_reason"):
        choice.finish_reason = str(payload["stop_reason"])
    details.choices = [choice]


def _read_stream(events: list[SseEvent], details: CallDetails) -> None:
    details.event_count = len(events)
    choice = OutputChoice(index=0)
    tool_inputs: dict[int, ToolCall] = {}
    for event, payload in json_objects(events):
        kind = event.event or payload.get("type")
        with suppress(*MALFORMED_ENTRY):
            if kind == "message_start" and isinstance(payload.get("message"), dict):
                message = payload["message"]
                details.response_model = _text(message.get("model")) or details.response_model
                details.response_id = _text(message.get("id")) or details.response_id
                _take_usage(message.get("usage"), details)
            elif kind == "content_block_start" and isinstance(payload.get("content_block"), dict):
                block = payload["content_block"]
                if block.get("type") == "tool_use":
                    call = ToolCall(id=block.get("id"), name=block.get("name"), arguments="")
                    tool_inputs[int(payload.get("index", len(tool_inputs)))] = call
                    choice.tool_calls.append(call)
                    details.first_content_offset = details.first_content_offset or event.end_offset
                elif _is_server_tool_block(block):
                    # Listed as the block starts, so a stream cut short still shows the calls made.
                    details.server_tool_calls.append(_server_tool_call(block))
            elif kind == "content_block_delta" and isinstance(payload.get("delta"), dict):
                _apply_delta(payload, choice, tool_inputs)
                details.first_content_offset = details.first_content_offset or event.end_offset
            elif kind == "message_delta":
                delta = payload.get("delta") or {}
                if isinstance(delta, dict) and delta.get("stop_reason"):
                    choice.finish_reason = str(delta["stop_reason"])
                _take_usage(payload.get("usage"), details)
            elif kind == "message_stop":
                details.has_terminal_event = True
            elif kind == "completion":
                choice.text_parts.append(str(payload.get("completion") or ""))
                details.first_content_offset = details.first_content_offset or event.end_offset
                if payload.get("stop_reason"):
                    choice.finish_reason = str(payload["stop_reason"])
                    details.has_terminal_event = True
                details.response_model = _text(payload.get("model")) or details.response_model
            elif kind == "error" and (event.event == "error" or payload.get("error")):
                # The SDK acts on a named "error" event; a bare {"type": "error"} it ignores.
                details.take_error(payload.get("error"), ("type",))
    details.choices = [choice]


def _apply_delta(
    payload: dict[str, Any], choice: OutputChoice, tool_inputs: dict[int, ToolCall]
) -> None:
    delta = payload["delta"]
    kind = delta.get("type")
    if kind == "text_delta":
        choice.text_parts.append(str(delta.get("text", "")))
    elif kind == "input_json_delta":
        call = tool_inputs.get(int(payload.get("index", -1)))
        if call is not None:
            call.arguments += str(delta.get("partial_json", ""))
