"""Anthropic's Messages event stream -> OpenAI ``chat.completion.chunk`` events, incrementally.

Bytes are fed in as they arrive and translated events come out as soon as each Anthropic
event is complete, so time to first token survives the translation; an event split across
network reads simply waits for its remaining bytes.
"""

from __future__ import annotations

import re
from typing import Any, Final

from prysmai import jsonutil
from prysmai.providers.anthropic_translation.answer import (
    chat_usage,
    error_fields,
    finish_reason,
    text_of,
    tool_call,
)
from prysmai.providers.anthropic_translation.errors import openai_error_body
from prysmai.providers.sse import sse_field

_LINE_END: Final = re.compile(rb"\r\n|\r|\n")
_DONE: Final = b"data: [DONE]\n\n"

SseEvent = tuple[str | None, str]
MAX_EVENT_BYTES: Final = 64 * 1024 * 1024
"""Largest event read; Anthropic's events are small, a larger one means a broken stream."""


class EventTooLarge(ValueError):
    """An event of the stream holds more bytes than :data:`MAX_EVENT_BYTES`."""


class SseDecoder:
    """Incremental server-sent-events parser: bytes in, complete ``(event, data)`` pairs out."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._searched = 0
        """Bytes of the buffer already known to hold no line end (so each is searched once)."""
        self._pending = 0
        """Bytes of data lines of the event being read."""
        self._event: str | None = None
        self._data: list[str] = []

    def feed(self, chunk: bytes) -> list[SseEvent]:
        """Add bytes; return the events they complete.

        Raises:
            EventTooLarge: one event holds more than :data:`MAX_EVENT_BYTES`.
        """
        self._buffer += chunk
        events: list[SseEvent] = []
        start = 0
        while True:
            match = _LINE_END.search(self._buffer, max(start, self._searched))
            if match is None:
                break
            if match.group() == b"\r" and match.end() == len(self._buffer):
                # A CR at the very end may be the first half of a CRLF still on its way.
                break
            self._line(bytes(self._buffer[start : match.start()]), events)
            start = match.end()
            self._searched = 0
        del self._buffer[:start]
        # Keep the last byte unsearched: a CR there may still become a CRLF.
        self._searched = max(0, len(self._buffer) - 1)
        if self._pending + len(self._buffer) > MAX_EVENT_BYTES:
            raise EventTooLarge(MAX_EVENT_BYTES)
        return events

    def finish(self) -> list[SseEvent]:
        """The stream ended: return what the remaining bytes hold, even without a blank line."""
        events: list[SseEvent] = []
        if self._buffer:
            self._line(bytes(self._buffer), events)
            self._buffer.clear()
        self._line(b"", events)
        return events

    def _line(self, line: bytes, events: list[SseEvent]) -> None:
        if not line:
            if self._data or self._event is not None:
                events.append((self._event, "\n".join(self._data)))
            self._event, self._data, self._pending = None, [], 0
            return
        self._pending += len(line)
        name, text = sse_field(line)
        if name == b"data":
            self._data.append(text)
        elif name == b"event":
            self._event = text


class StreamTranslator:
    """Turns one Anthropic event stream into OpenAI chunk events.

    Args:
        include_usage: The caller set ``stream_options.include_usage``: add ``"usage": null``
            to every chunk and a usage chunk before ``[DONE]``, as OpenAI does.
        created: Unix time for every chunk's ``created``.
    """

    def __init__(self, *, include_usage: bool, created: int) -> None:
        self._decoder = SseDecoder()
        self._include_usage = include_usage
        self._created = created
        self._id: str | None = None
        self._model: str | None = None
        self._usage: dict[str, Any] = {}
        self._tool_indexes: dict[int, int] = {}
        self.is_finished = False
        """``[DONE]`` or an error event was produced: later input is ignored."""
        self.usage: dict[str, Any] | None = None
        """The answer's usage so far in OpenAI's format (sent to the caller only when asked
        for, but known either way; a stream cut short keeps what had arrived)."""

    def feed(self, chunk: bytes) -> bytes:
        """Translate the events ``chunk`` completes; returns ``b""`` while none is complete."""
        if self.is_finished:
            return b""
        try:
            events = self._decoder.feed(chunk)
        except EventTooLarge as error:
            return self._error(
                "api_error", f"Anthropic sent a stream event larger than {error.args[0]} bytes"
            )
        return self._translate(events)

    def finish(self) -> bytes:
        """The provider's stream ended; an unfinished translation ends with an error event."""
        if self.is_finished:
            return b""
        out = self._translate(self._decoder.finish())
        if self.is_finished:
            return out
        return out + self._error(
            "api_error",
            "Anthropic's stream ended before its message_stop event; the answer is incomplete",
        )

    def _translate(self, events: list[SseEvent]) -> bytes:
        out: list[bytes] = []
        for name, data in events:
            if self.is_finished:
                break
            out.append(self._event(name, data))
        return b"".join(out)

    def _event(self, name: str | None, data: str) -> bytes:
        if not data.strip():
            return b""
        try:
            payload = jsonutil.loads(data)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            snippet = data[:200]
            return self._error(
                "api_error", f"Anthropic sent a stream event that is not a JSON object: {snippet!r}"
            )
        kind = payload.get("type") or name
        if kind == "message_start":
            return self._message_start(payload.get("message"))
        if kind == "content_block_start":
            return self._block_start(payload)
        if kind == "content_block_delta":
            return self._block_delta(payload)
        if kind == "message_delta":
            return self._message_delta(payload)
        if kind == "message_stop":
            return self._message_stop()
        if kind == "error":
            error_type, message = error_fields(payload) or ("api_error", "Anthropic error")
            return self._error(error_type, message)
        # ping, content_block_stop and event types added later carry nothing to translate
        # (Anthropic's versioning policy says clients should ignore unknown events).
        return b""

    def _message_start(self, message: Any) -> bytes:
        if isinstance(message, dict):
            self._id = message.get("id") if isinstance(message.get("id"), str) else None
            self._model = message.get("model") if isinstance(message.get("model"), str) else None
            self._merge_usage(message.get("usage"))
        return self._chunk({"role": "assistant", "content": ""})

    def _block_start(self, payload: dict[str, Any]) -> bytes:
        block = payload.get("content_block")
        if not isinstance(block, dict):
            return self._error("api_error", "Anthropic sent a content_block_start without a block")
        if block.get("type") == "text" and block.get("text"):
            return self._chunk({"content": text_of(block["text"])})
        if block.get("type") != "tool_use":
            return b""
        block_index = _int(payload.get("index"))
        if block_index in self._tool_indexes:
            return self._error("api_error", f"Anthropic started content block {block_index} twice")
        index = len(self._tool_indexes)
        self._tool_indexes[block_index] = index
        initial = block.get("input")
        # Streamed inputs start empty and arrive as input_json_delta fragments.
        arguments = jsonutil.dumps(initial) if isinstance(initial, dict) and initial else ""
        return self._chunk({"tool_calls": [{"index": index, **tool_call(block, arguments)}]})

    def _block_delta(self, payload: dict[str, Any]) -> bytes:
        delta = payload.get("delta")
        if not isinstance(delta, dict):
            return self._error("api_error", "Anthropic sent a content_block_delta without a delta")
        if delta.get("type") == "text_delta":
            return self._chunk({"content": text_of(delta.get("text"))})
        if delta.get("type") != "input_json_delta":
            # thinking, signature and citation deltas come only when asked for.
            return b""
        index = self._tool_indexes.get(_int(payload.get("index")))
        if index is None:
            return self._error(
                "api_error", "Anthropic sent tool input for a content block that never started"
            )
        fragment = text_of(delta.get("partial_json"))
        if not fragment:
            return b""
        return self._chunk({"tool_calls": [{"index": index, "function": {"arguments": fragment}}]})

    def _message_delta(self, payload: dict[str, Any]) -> bytes:
        self._merge_usage(payload.get("usage"))
        delta = payload.get("delta")
        reason = finish_reason(delta.get("stop_reason")) if isinstance(delta, dict) else None
        return self._chunk({}, reason) if reason is not None else b""

    def _message_stop(self) -> bytes:
        self.is_finished = True
        if not self._include_usage:
            return _DONE
        usage_chunk = self._envelope()
        usage_chunk["choices"] = []
        usage_chunk["usage"] = chat_usage(self._usage)
        return _sse(usage_chunk) + _DONE

    def _merge_usage(self, usage: Any) -> None:
        # Later events repeat or update counts (output_tokens is cumulative).
        if isinstance(usage, dict):
            self._usage.update(
                {k: v for k, v in usage.items() if isinstance(v, int) and not isinstance(v, bool)}
            )
            self.usage = chat_usage(self._usage)

    def _envelope(self) -> dict[str, Any]:
        return {
            "id": self._id,
            "object": "chat.completion.chunk",
            "created": self._created,
            "model": self._model,
        }

    def _chunk(self, delta: dict[str, Any], reason: str | None = None) -> bytes:
        chunk = self._envelope()
        chunk["choices"] = [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": reason}]
        if self._include_usage:
            chunk["usage"] = None
        return _sse(chunk)

    def _error(self, error_type: str, message: str) -> bytes:
        # The OpenAI SDK raises openai.APIError on a data event holding an "error" object.
        self.is_finished = True
        return b"data: " + openai_error_body(message, error_type) + b"\n\n"


def _sse(payload: dict[str, Any]) -> bytes:
    return b"data: " + jsonutil.dumps(payload).encode() + b"\n\n"


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else -1
