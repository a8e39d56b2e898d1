"""Read an OpenAI-format request body: model, parameters and the messages sent."""

from __future__ import annotations

from typing import Any

from prysmai import jsonutil, semconv
from prysmai.providers.details import CallDetails

# Request fields copied to ``gen_ai.request.*`` as they are.
_NUMERIC_PARAMS = (
    ("temperature", semconv.REQUEST_TEMPERATURE),
    ("top_p", semconv.REQUEST_TOP_P),
    ("seed", semconv.REQUEST_SEED),
    ("frequency_penalty", semconv.REQUEST_FREQUENCY_PENALTY),
    ("presence_penalty", semconv.REQUEST_PRESENCE_PENALTY),
)


def read_openai_request(endpoint_name: str, body: dict[str, Any], details: CallDetails) -> None:
    """Fill ``details`` from an OpenAI request body (chat, completions, embeddings, responses)."""
    model = body.get("model")
    details.request_model = model if isinstance(model, str) else None
    details.is_stream = body.get("stream") is True
    params = details.request_params
    _read_common_params(body, params)

    if endpoint_name == "chat.completions":
        _read_chat_messages(body.get("messages"), details)
    elif endpoint_name == "completions":
        _read_prompt(body.get("prompt"), details)
    elif endpoint_name == "embeddings":
        _read_embedding_input(body, details)
    elif endpoint_name == "responses":
        _read_responses_input(body, details)


def _read_common_params(body: dict[str, Any], params: dict[str, Any]) -> None:
    for field, attribute in _NUMERIC_PARAMS:
        value = body.get(field)
        if isinstance(value, int | float) and not isinstance(value, bool):
            params[attribute] = value
    max_tokens = next(
        (
            body[name]
            for name in ("max_completion_tokens", "max_tokens", "max_output_tokens")
            if isinstance(body.get(name), int)
        ),
        None,
    )
    if max_tokens is not None:
        params[semconv.REQUEST_MAX_TOKENS] = max_tokens
    choice_count = body.get("n")
    if isinstance(choice_count, int) and choice_count != 1:
        params[semconv.REQUEST_CHOICE_COUNT] = choice_count
    stop = body.get("stop")
    if isinstance(stop, str):
        params[semconv.REQUEST_STOP_SEQUENCES] = [stop]
    elif isinstance(stop, list) and all(isinstance(s, str) for s in stop):
        params[semconv.REQUEST_STOP_SEQUENCES] = list(stop)
    tools = body.get("tools")
    if not (isinstance(tools, list) and tools):
        # The deprecated "functions" list defines tools the same way, one function each.
        tools = body.get("functions")
    if isinstance(tools, list) and tools:
        params[semconv.REQUEST_TOOLS] = [_tool_name(tool) for tool in tools]
        params[semconv.TOOL_DEFINITIONS] = _compact_json(tools)
    response_format = _response_format_type(body)
    if response_format is not None:
        params[semconv.REQUEST_RESPONSE_FORMAT] = response_format
        params[semconv.OUTPUT_TYPE] = "json" if "json" in response_format else "text"
    encoding_format = body.get("encoding_format")
    if isinstance(encoding_format, str):
        params[semconv.REQUEST_ENCODING_FORMATS] = [encoding_format]


def _tool_name(tool: Any) -> str:
    if not isinstance(tool, dict):
        return "?"
    function = tool.get("function")
    if isinstance(function, dict) and isinstance(function.get("name"), str):
        return str(function["name"])
    if isinstance(tool.get("name"), str):
        return str(tool["name"])
    return str(tool.get("type", "?"))


def _response_format_type(body: dict[str, Any]) -> str | None:
    response_format = body.get("response_format")
    if isinstance(response_format, dict) and isinstance(response_format.get("type"), str):
        return str(response_format["type"])
    text = body.get("text")
    if isinstance(text, dict):
        text_format = text.get("format")
        if isinstance(text_format, dict) and isinstance(text_format.get("type"), str):
            return str(text_format["type"])
    return None


def _read_chat_messages(messages: Any, details: CallDetails) -> None:
    if not isinstance(messages, list):
        return
    for message in messages:
        if not isinstance(message, dict):
            continue
        role = str(message.get("role", "user"))
        parts = content_parts(message.get("content"))
        tool_calls = message.get("tool_calls")
        for tool_call in tool_calls if isinstance(tool_calls, list) else []:
            if isinstance(tool_call, dict):
                parts.append(_tool_call_part(tool_call.get("id"), tool_call.get("function")))
        # The deprecated function-calling API: one call per assistant message, no id, and its
        # result comes back in a message whose role is "function".
        if isinstance(message.get("function_call"), dict):
            parts.append(_tool_call_part(None, message["function_call"]))
        if role in ("tool", "function"):
            role = "tool"
            parts = [
                {
                    "type": "tool_call_response",
                    "id": message.get("tool_call_id"),
                    "response": "".join(str(p.get("content", "")) for p in parts),
                }
            ]
        if role in ("system", "developer"):
            details.system_instructions.extend(p.get("content", "") for p in parts)
        details.input_messages.append({"role": role, "parts": parts})


def _tool_call_part(call_id: Any, function: Any) -> dict[str, Any]:
    function = function if isinstance(function, dict) else {}
    return {
        "type": "tool_call",
        "id": call_id,
        "name": function.get("name"),
        "arguments": function.get("arguments"),
    }


def content_parts(content: Any) -> list[dict[str, Any]]:
    """Turn an OpenAI message ``content`` (string or list of parts) into semconv parts."""
    if isinstance(content, str):
        return [{"type": "text", "content": content}]
    parts: list[dict[str, Any]] = []
    if not isinstance(content, list):
        return parts
    for part in content:
        if not isinstance(part, dict):
            continue
        kind = part.get("type")
        if kind in ("text", "input_text", "output_text") and isinstance(part.get("text"), str):
            parts.append({"type": "text", "content": part["text"]})
        elif kind in ("image_url", "input_image"):
            # Images are recorded as a marker, never as their (often base64) bytes.
            parts.append({"type": "image"})
        elif kind in ("input_audio", "file", "input_file"):
            parts.append({"type": str(kind)})
    return parts


def _read_prompt(prompt: Any, details: CallDetails) -> None:
    prompts = [prompt] if isinstance(prompt, str) else prompt
    if isinstance(prompts, list):
        for item in prompts:
            if isinstance(item, str):
                details.input_messages.append(
                    {"role": "user", "parts": [{"type": "text", "content": item}]}
                )


def _read_embedding_input(body: dict[str, Any], details: CallDetails) -> None:
    value = body.get("input")
    items = [value] if isinstance(value, str) else value
    if isinstance(items, list):
        for item in items:
            if isinstance(item, str):
                details.input_messages.append(
                    {"role": "user", "parts": [{"type": "text", "content": item}]}
                )


def _read_responses_input(body: dict[str, Any], details: CallDetails) -> None:
    instructions = body.get("instructions")
    if isinstance(instructions, str):
        details.system_instructions.append(instructions)
    value = body.get("input")
    if isinstance(value, str):
        details.input_messages.append(
            {"role": "user", "parts": [{"type": "text", "content": value}]}
        )
        return
    if not isinstance(value, list):
        return
    for item in value:
        if not isinstance(item, dict):
            continue
        kind = item.get("type", "message")
        if kind == "message":
            role = str(item.get("role", "user"))
            parts = content_parts(item.get("content"))
            details.input_messages.append({"role": role, "parts": parts})
        elif kind == "function_call_output":
            details.input_messages.append(
                {
                    "role": "tool",
                    "parts": [
                        {
                            "type": "tool_call_response",
                            "id": item.get("call_id"),
                            "response": item.get("output"),
                        }
                    ],
                }
            )
        elif kind == "function_call":
            details.input_messages.append(
                {
                    "role": "assistant",
                    "parts": [
                        {
                            "type": "tool_call",
                            "id": item.get("call_id"),
                            "name": item.get("name"),
                            "arguments": item.get("arguments"),
                        }
                    ],
                }
            )


def _compact_json(value: Any) -> str:
    return jsonutil.dumps(value)
