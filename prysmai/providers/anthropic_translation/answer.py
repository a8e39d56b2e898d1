"""Anthropic answers -> OpenAI's: a message as a chat completion, an error as OpenAI's error.

Shared by the whole-body and the streamed translation: stop reasons, usage and tool calls
read the same in both.
"""

from __future__ import annotations

from typing import Any, Final

from prysmai import jsonutil
from prysmai.providers.anthropic_translation.errors import TranslationError, openai_error_body

# Stop reasons not listed here (new ones Anthropic may add) are passed on unchanged.
_FINISH_REASONS: Final = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}


def finish_reason(stop_reason: Any) -> str | None:
    """OpenAI's ``finish_reason`` for an Anthropic ``stop_reason``."""
    if not isinstance(stop_reason, str) or not stop_reason:
        return None
    return _FINISH_REASONS.get(stop_reason, stop_reason)


def _count(value: Any) -> int:
    # A count that is not a whole number of tokens, or is negative, counts as none.
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def chat_usage(usage: dict[str, Any]) -> dict[str, Any]:
    """OpenAI ``usage`` from Anthropic's, whose ``input_tokens`` leave cached tokens out.

    OpenAI counts every prompt token in ``prompt_tokens``, the cache hits among them in
    ``prompt_tokens_details.cached_tokens`` and the cache writes in ``cache_write_tokens``.
    """
    read = _count(usage.get("cache_read_input_tokens"))
    written = _count(usage.get("cache_creation_input_tokens"))
    prompt = _count(usage.get("input_tokens")) + read + written
    completion = _count(usage.get("output_tokens"))
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": read, "cache_write_tokens": written},
    }


def tool_call(block: dict[str, Any], arguments: str) -> dict[str, Any]:
    """An OpenAI tool call for a ``tool_use`` block."""
    return {
        "id": block.get("id"),
        "type": "function",
        "function": {"name": block.get("name"), "arguments": arguments},
    }


def to_chat_completion(message: Any, created: int) -> dict[str, Any]:
    """Translate a whole Anthropic message into a ``chat.completion`` object.

    Args:
        message: The parsed body of a ``POST /v1/messages`` answer.
        created: Unix time for ``created`` (Anthropic's answers carry no timestamp).

    Returns:
        The chat completion.

    Raises:
        TranslationError: ``message`` is not an Anthropic message (a 502 for the caller).
    """
    if not isinstance(message, dict) or not isinstance(message.get("content"), list):
        raise TranslationError(
            "Anthropic answered with a body that is not a message",
            status=502,
            error_type="api_error",
            code="bad_provider_answer",
        )
    texts: list[str] = []
    calls: list[dict[str, Any]] = []
    for block in message["content"]:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text":
            texts.append(text_of(block.get("text")))
        elif block.get("type") == "tool_use":
            calls.append(tool_call(block, jsonutil.dumps(block.get("input", {}))))
        # Other blocks (thinking, server tools) only come when asked for, which this
        # translation never does.
    content: str | None = "".join(texts) if texts or not calls else None
    reply: dict[str, Any] = {"role": "assistant", "content": content, "refusal": None}
    if calls:
        reply["tool_calls"] = calls
    usage = message.get("usage")
    return {
        "id": message.get("id"),
        "object": "chat.completion",
        "created": created,
        "model": message.get("model"),
        "choices": [
            {
                "index": 0,
                "message": reply,
                "logprobs": None,
                "finish_reason": finish_reason(message.get("stop_reason")),
            }
        ],
        "usage": chat_usage(usage if isinstance(usage, dict) else {}),
    }


def error_fields(payload: Any) -> tuple[str, str] | None:
    """``(type, message)`` of an Anthropic error object ``{"type": "error", "error": {...}}``."""
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        return None
    message = error.get("message")
    kind = error.get("type")
    return (
        kind if isinstance(kind, str) and kind else "api_error",
        message if isinstance(message, str) and message else "Anthropic reported an error",
    )


def to_openai_error(status: int, body: bytes) -> bytes:
    """Translate an Anthropic error body into OpenAI's, keeping Anthropic's type and message.

    A body that is not Anthropic's error JSON (a proxy's HTML page, say) is quoted in the
    message so that its cause stays visible.
    """
    try:
        fields = error_fields(jsonutil.loads(body))
    except ValueError:
        fields = None
    if fields is None:
        snippet = body[:300].decode("utf-8", errors="replace")
        return openai_error_body(f"Anthropic answered HTTP {status}: {snippet}", "api_error")
    return openai_error_body(fields[1], fields[0])


def text_of(value: Any) -> str:
    """Text Anthropic sent, or "" where a text is missing or not a string (never "None")."""
    return value if isinstance(value, str) else ""
