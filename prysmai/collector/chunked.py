"""Reading an HTTP/1.1 body sent with ``Transfer-Encoding: chunked`` (RFC 9112, section 7.1).

Exporters that stream or compress on the fly send no ``Content-Length``. The decoder is strict
where leniency has been used to smuggle requests (sizes must be plain hexadecimal, every chunk
must end with CRLF) and bounded everywhere: the body by the collector's limit, each size or
trailer line by :data:`MAX_LINE_BYTES`, the trailer section by :data:`MAX_TRAILER_LINES`.
Trailer fields are read and ignored, but must be well formed (``name: value``).
"""

from __future__ import annotations

import re
from typing import Final, Protocol

from prysmai.collector.body import BodyError

MAX_LINE_BYTES: Final = 4096
"""Longest chunk-size line (with extensions) or trailer line accepted."""
MAX_TRAILER_LINES: Final = 64


class Stream(Protocol):
    """What the decoder reads from: a buffered binary stream."""

    def read(self, size: int, /) -> bytes:
        """Up to ``size`` bytes (fewer only at the end of the stream)."""
        ...

    def readline(self, size: int, /) -> bytes:
        """One line, at most ``size`` bytes."""
        ...


_SIZE: Final = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(?:;[^\r\n]*)?")
_TRAILER: Final = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+:[ \t\x21-\x7e\x80-\xff]*")
"""A trailer field (RFC 9110, section 5): a token name, a colon, visible characters, spaces
and tabs; no space before the colon, no control characters."""


def read_chunked(stream: Stream, limit: int) -> bytes:
    """Read a chunked body from ``stream`` up to and including its trailer section.

    Args:
        stream: The connection, positioned at the first chunk-size line.
        limit: Most body bytes accepted (chunk data, after decoding the chunking).

    Returns:
        The body.

    Raises:
        BodyError: 413 past ``limit``; 400 for a malformed or truncated body.
        OSError: reading from the connection failed (``TimeoutError`` included).
    """
    # One buffer: a list of one bytes object per chunk costs ~40 bytes of overhead for each,
    # which 2-byte chunks would turn into 20 times the body's size.
    body = bytearray()
    total = 0
    while True:
        size = _chunk_size(_line(stream, "chunk size"))
        if size == 0:
            break
        total += size
        if total > limit:
            raise BodyError(413, f"request body exceeds the collector's limit of {limit} bytes")
        data = stream.read(size)
        if len(data) != size:
            raise BodyError(400, "chunked body ended inside a chunk")
        body += data
        del data
        if _line(stream, "chunk end") != b"":
            raise BodyError(400, "chunk data is longer than its size")
    for _ in range(MAX_TRAILER_LINES):
        line = _line(stream, "trailer")
        if line == b"":
            return bytes(body)
        if _TRAILER.fullmatch(line) is None:
            raise BodyError(400, "malformed trailer field: expected 'name: value'")
    raise BodyError(400, f"more than {MAX_TRAILER_LINES} trailer fields")


def _line(stream: Stream, what: str) -> bytes:
    """One CRLF-terminated line, without its CRLF."""
    line = stream.readline(MAX_LINE_BYTES + 2)
    if not line.endswith(b"\r\n"):
        if len(line) > MAX_LINE_BYTES:
            raise BodyError(400, f"{what} line is longer than {MAX_LINE_BYTES} bytes")
        raise BodyError(400, f"chunked body ended before its {what} line was complete")
    return line[:-2]


def _chunk_size(line: bytes) -> int:
    match = _SIZE.fullmatch(line)
    if match is None:
        raise BodyError(400, "invalid chunk size")
    return int(match.group(1), 16)
