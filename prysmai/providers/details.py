"""What a provider parser extracts from one call's request and response bodies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from prysmai import jsonutil
from prysmai.cost import TokenUsage


@dataclass(slots=True)
class ToolCall:
    """A tool (function) call the model asked for."""

    id: str | None
    name: str | None
    arguments: str
    type: str = "function"

    def as_dict(self) -> dict[str, Any]:
        """Return the call as plain JSON-ready data."""
        return {"id": self.id, "type": self.type, "name": self.name, "arguments": self.arguments}


@dataclass(slots=True)
class ServerToolCall:
    """A tool the provider ran itself during the call: web search, code execution, an MCP tool.

    Only what names the call is kept, never its input or result: search queries, fetched pages
    and code output may hold personal data, and redaction does not reach these records.
    """

    id: str | None
    type: str
    name: str | None
    server: str | None = None
    """The MCP server's name (Anthropic) or label (OpenAI); None for the provider's own tools."""

    def as_dict(self) -> dict[str, Any]:
        """Return the call as plain JSON-ready data; ``server`` only for MCP calls."""
        entry: dict[str, Any] = {"id": self.id, "type": self.type, "name": self.name}
        if self.server is not None:
            entry["server"] = self.server
        return entry


@dataclass(slots=True)
class OutputChoice:
    """One answer of the model (``n`` > 1 gives several)."""

    index: int = 0
    role: str = "assistant"
    text_parts: list[str] = field(default_factory=list)
    tool_calls: list[ToolCall] = field(default_factory=list)
    finish_reason: str | None = None
    logprobs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The answer's text, joined from its parts or stream deltas."""
        return "".join(self.text_parts)


MALFORMED_ENTRY: Final = (TypeError, ValueError, AttributeError, KeyError, IndexError)
"""What reading one odd event, choice or item of an answer may raise: readers skip that entry
(``contextlib.suppress``) and keep everything else the answer says."""

MAX_TOKEN_COUNT: Final = 1 << 40
"""Larger counts are no real call's (about a trillion tokens): ignored, not priced."""
_GENERIC_ERROR: Final = "the provider reported an error"


def reports_error(error: Any) -> bool:
    """Whether an answer's ``error`` field reports an error.

    Set, and not a shell of empty fields (``{"code": null, "message": null}`` beside a
    complete answer).
    """
    if isinstance(error, dict):
        return any(error.values())
    return bool(error)


def whole_count(value: Any) -> int | None:
    """A token or request count as an answer gives it, or None when it is no plausible count.

    Whole numbers from 0 to :data:`MAX_TOKEN_COUNT`; a whole float (``10.0``) counts too.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    return value if 0 <= value <= MAX_TOKEN_COUNT else None


_MAX_ERROR_CHARS: Final = 1000


@dataclass(slots=True)
class CallDetails:
    """Everything read from one call's bodies, independent of the wire format."""

    request_model: str | None = None
    response_model: str | None = None
    response_id: str | None = None
    is_stream: bool = False
    request_params: dict[str, Any] = field(default_factory=dict)
    """``gen_ai.request.*`` and ``prysm.request.*`` attributes taken from the request."""
    system_instructions: list[str] = field(default_factory=list)
    input_messages: list[dict[str, Any]] = field(default_factory=list)
    choices: list[OutputChoice] = field(default_factory=list)
    usage: TokenUsage | None = None
    has_terminal_event: bool = False
    """A stream's body held its end marker (``[DONE]``, ``message_stop`` ...)."""
    first_content_offset: int | None = None
    """Byte offset just past the first stream event that carried content."""
    event_count: int = 0
    output_type: str | None = None
    error_message: str | None = None
    error_code: str | None = None
    embedding_count: int = 0
    is_unreadable: bool = False
    """A whole (not streamed) answer that is not valid JSON."""
    input_excludes_cache: bool = False
    """The provider's input count leaves out cached tokens (Anthropic); spans report the sum."""
    server_tool_calls: list[ServerToolCall] = field(default_factory=list)
    """Tools the provider ran itself; the caller has nothing to answer, so not in ``tool_calls``."""
    server_tool_requests: dict[str, int] = field(default_factory=dict)
    """Anthropic's ``usage.server_tool_use`` counts (``web_search_requests`` ...)."""
    other_model_usage: list[tuple[str, TokenUsage]] = field(default_factory=list)
    """Tokens another model spent inside this call (Anthropic's advisor tool), billed at that
    model's prices and left out of ``usage`` by the provider."""

    def take_error(self, error: Any, code_fields: tuple[str, ...] = ("code", "type")) -> None:
        """Record an error an answer reports inside itself, whatever its shape.

        ``{"message": ..., "code": ...}`` is the usual one; a bare string, a null or a message
        that is not text still make the call an error, with a generic message if need be.
        """
        message: Any = error
        code: Any = None
        if isinstance(error, dict):
            message = error.get("message")
            code = next((error[f] for f in code_fields if error.get(f)), None)
        if not isinstance(message, str) or not message:
            message = _GENERIC_ERROR if not message else jsonutil.dumps(message)
        self.error_message = message[:_MAX_ERROR_CHARS]
        self.error_code = str(code)[:_MAX_ERROR_CHARS] if code is not None else None

    def take_error_body(self, body: bytes, code_fields: tuple[str, ...]) -> None:
        """Take message and code from an ``{"error": {...}}`` body (both providers use one)."""
        try:
            payload = jsonutil.loads(body)
        except ValueError:
            return
        error = payload.get("error") if isinstance(payload, dict) else None
        if not isinstance(error, dict):
            return
        message = error.get("message")
        self.error_message = message if isinstance(message, str) and message else None
        code = next((error[f] for f in code_fields if error.get(f)), None)
        self.error_code = str(code) if code is not None else None

    @property
    def finish_reasons(self) -> list[str]:
        """Finish reasons of all choices, in choice order."""
        return [c.finish_reason for c in self.choices if c.finish_reason]

    @property
    def tool_calls(self) -> list[ToolCall]:
        """Tool calls of all choices, in choice order."""
        return [call for choice in self.choices for call in choice.tool_calls]
