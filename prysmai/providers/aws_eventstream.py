"""Amazon Bedrock's streamed answers: the AWS event stream framing around Anthropic's events.

``invoke-with-response-stream`` does not answer with server-sent events but with binary frames
(``application/vnd.amazon.eventstream``): a 12-byte prelude (total length, headers length, CRC),
typed headers, a payload and a CRC. Each ``chunk`` frame's payload is ``{"bytes": base64}``
around one Anthropic stream event; an ``exception`` frame carries an error message instead.
The events are returned as :class:`SseEvent` values so that one reader handles both framings.
"""

from __future__ import annotations

import base64
import binascii
from typing import Final

from prysmai import jsonutil
from prysmai.providers.sse import SseEvent

__all__ = ["parse_eventstream"]

_PRELUDE_BYTES: Final = 12
_CRC_BYTES: Final = 4
# Value sizes of the fixed-size header types (0 and 1 are true and false, with no value).
_FIXED_VALUE_BYTES: Final = {0: 0, 1: 0, 2: 1, 3: 2, 4: 4, 5: 8, 8: 8, 9: 16}
_STRING_TYPES: Final = frozenset({6, 7})


def parse_eventstream(body: bytes) -> list[SseEvent]:
    """Return the Anthropic events of a Bedrock stream body, each with its frame's end offset.

    A frame cut off by the end of the body (a broken stream) ends the reading; a frame whose
    payload is not what Bedrock sends is skipped.
    """
    events: list[SseEvent] = []
    offset = 0
    while offset + _PRELUDE_BYTES <= len(body):
        total = int.from_bytes(body[offset : offset + 4], "big")
        headers_length = int.from_bytes(body[offset + 4 : offset + 8], "big")
        end = offset + total
        if total < _PRELUDE_BYTES + headers_length + _CRC_BYTES or end > len(body):
            break
        headers_start = offset + _PRELUDE_BYTES
        headers = _headers(body[headers_start : headers_start + headers_length])
        payload = body[headers_start + headers_length : end - _CRC_BYTES]
        data = _event_data(headers, payload)
        if data is not None:
            events.append(SseEvent(None, data, end))
        offset = end
    return events


def _headers(raw: bytes) -> dict[str, str]:
    """Return the string-valued headers of a frame (the others are skipped)."""
    found: dict[str, str] = {}
    position = 0
    while position < len(raw):
        name_length = raw[position]
        name = raw[position + 1 : position + 1 + name_length].decode("utf-8", errors="replace")
        position += 1 + name_length
        if position >= len(raw):
            break
        kind = raw[position]
        position += 1
        if kind in _STRING_TYPES:
            length = int.from_bytes(raw[position : position + 2], "big")
            value = raw[position + 2 : position + 2 + length]
            if kind == 7:
                found[name] = value.decode("utf-8", errors="replace")
            position += 2 + length
        elif kind in _FIXED_VALUE_BYTES:
            position += _FIXED_VALUE_BYTES[kind]
        else:
            break  # an unknown type: its size is unknown, so nothing after it can be read
    return found


def _event_data(headers: dict[str, str], payload: bytes) -> str | None:
    """The JSON text of the Anthropic event a frame carries, or None."""
    try:
        message = jsonutil.loads(payload)
    except ValueError:
        message = {}
    if not isinstance(message, dict):
        message = {}
    if headers.get(":message-type") == "exception":
        # Shaped as Anthropic's own in-stream error event, so it is read the same way. AWS
        # spells the field "message" or "Message"; without either, the type says what failed.
        kind = headers.get(":exception-type") or "exception"
        text = next(
            (message[k] for k in ("message", "Message") if isinstance(message.get(k), str)), ""
        )
        return jsonutil.dumps({"type": "error", "error": {"type": kind, "message": text or kind}})
    encoded = message.get("bytes")
    if not isinstance(encoded, str):
        return None
    try:
        return base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
