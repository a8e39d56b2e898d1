"""A small server-sent-events reader for recorded response bodies."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from prysmai import jsonutil


@dataclass(frozen=True, slots=True)
class SseEvent:
    """One event of an SSE body."""

    event: str | None
    data: str
    end_offset: int
    """Byte offset in the body just past this event, to find when it arrived."""


def parse_sse(body: bytes) -> list[SseEvent]:
    """Split an SSE body into events; tolerates CRLF line ends and a missing last blank line.

    Comment lines (``:``), ``id`` and ``retry`` fields are skipped; multi-line ``data`` fields are
    joined with newlines, as the SSE specification says.
    """
    events: list[SseEvent] = []
    event_name: str | None = None
    data_lines: list[str] = []
    offset = 0
    for raw_line in body.splitlines(keepends=True):
        offset += len(raw_line)
        line = raw_line.rstrip(b"\r\n")
        if not line:
            if data_lines or event_name is not None:
                events.append(SseEvent(event_name, "\n".join(data_lines), offset))
            event_name, data_lines = None, []
            continue
        field, text = sse_field(line)
        if field == b"data":
            data_lines.append(text)
        elif field == b"event":
            event_name = text
    if data_lines or event_name is not None:
        events.append(SseEvent(event_name, "\n".join(data_lines), offset))
    return events


def sse_field(line: bytes) -> tuple[bytes, str]:
    """Split a non-empty SSE line into its field name and value (a comment has no name)."""
    if line.startswith(b":"):
        return b"", ""
    field, _, value = line.partition(b":")
    if value.startswith(b" "):
        value = value[1:]
    return field, value.decode("utf-8", errors="replace")


def json_objects(events: Iterable[SseEvent]) -> Iterator[tuple[SseEvent, dict[str, Any]]]:
    """Yield each event whose data is a JSON object, with that object; skip the rest."""
    for event in events:
        try:
            payload = jsonutil.loads(event.data)
        except ValueError:
            continue
        if isinstance(payload, dict):
            yield event, payload
