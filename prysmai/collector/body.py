"""Request bodies of the receiver: content codings undone within a size cap.

The cap applies to the decompressed size as it is produced, so a small gzip "bomb" is stopped
after ``limit + 1`` bytes of output instead of filling memory. Inflation is linear in the body's
size: compressed input is fed through a memoryview in growing chunks, so neither the rest of
the body nor zlib's ``unused_data`` is copied once per gzip member.
"""

from __future__ import annotations

import zlib
from typing import Final

_GZIP_WBITS: Final = 16 + zlib.MAX_WBITS
_ZLIB_WBITS: Final = zlib.MAX_WBITS
_RAW_DEFLATE_WBITS: Final = -zlib.MAX_WBITS

MAX_GZIP_MEMBERS: Final = 10_000
"""Members one gzip body may have. Exporters send one; each member costs a fresh inflater,
so a body of many tiny (even empty) members is refused instead of costing CPU per member."""

_FIRST_CHUNK: Final = 256
_MAX_CHUNK: Final = 64 * 1024


class BodyError(Exception):
    """A request body the receiver cannot accept.

    Args:
        status: The HTTP status to answer with (400, 413 or 415).
        message: Why, for the client; never echoes the body.
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def decode_content(
    body: bytes, content_encoding: str | None, limit: int, *, max_members: int = MAX_GZIP_MEMBERS
) -> bytes:
    """Undo the ``Content-Encoding`` of ``body``, refusing output beyond ``limit`` bytes.

    Supports ``gzip`` (up to ``max_members`` members, as the format allows several),
    ``deflate`` (zlib, or raw deflate as some clients send it) and ``identity``.

    Raises:
        BodyError: 415 for another coding, 413 when the body or its decompressed form exceeds
            ``limit``, 400 when the compressed data is corrupt or truncated or has more than
            ``max_members`` gzip members.
    """
    coding = (content_encoding or "").strip().lower()
    if len(body) > limit:
        raise BodyError(413, f"request body exceeds the collector's limit of {limit} bytes")
    if coding in ("", "identity"):
        return body
    if coding in ("gzip", "x-gzip"):
        return _inflate_members(body, limit, max_members)
    if coding == "deflate":
        # HTTP's "deflate" is the zlib format, but raw deflate is common enough to accept.
        wbits = _ZLIB_WBITS if _looks_like_zlib(body) else _RAW_DEFLATE_WBITS
        output = bytearray()
        end = _inflate_one(memoryview(body), 0, wbits, output, limit)
        if end != len(body):
            raise BodyError(400, "unexpected data after the end of the deflate stream")
        return bytes(output)
    raise BodyError(415, "unsupported Content-Encoding: use gzip, deflate or none")


def _looks_like_zlib(body: bytes) -> bool:
    # A zlib header: compression method 8 and a check value making the first two bytes a
    # multiple of 31 (RFC 1950).
    return len(body) >= 2 and body[0] & 0x0F == 8 and (body[0] << 8 | body[1]) % 31 == 0


def _inflate_members(body: bytes, limit: int, max_members: int) -> bytes:
    view = memoryview(body)
    output = bytearray()
    offset = 0
    members = 0
    while True:
        members += 1
        if members > max_members:
            raise BodyError(400, f"gzip body has more than {max_members} members")
        offset = _inflate_one(view, offset, _GZIP_WBITS, output, limit)
        if offset == len(body):
            return bytes(output)
        # Some writers pad the last member with zeros. Counted in C, and only when the next
        # byte is a zero (no member starts with one): a single pass, since the body ends here
        # either way (padding, or a corrupt member at this offset).
        if body[offset] == 0 and body.count(0, offset) == len(body) - offset:
            return bytes(output)


def _inflate_one(view: memoryview, offset: int, wbits: int, output: bytearray, limit: int) -> int:
    """Inflate the stream starting at ``view[offset]`` into ``output``; return where it ended.

    Input goes in chunks that start small and double: zlib's ``unused_data`` (what follows the
    stream in the last chunk) then stays proportional to the stream itself, which keeps a body
    of many small members linear instead of copying the rest of the body for each one.
    """
    inflater = zlib.decompressobj(wbits)
    chunk = _FIRST_CHUNK
    while not inflater.eof:
        if offset >= len(view):
            raise BodyError(400, "compressed body is truncated")
        piece = view[offset : offset + chunk]
        offset += len(piece)
        chunk = min(chunk * 2, _MAX_CHUNK)
        # max_length is at least 1 (0 would mean unlimited): output past the limit is 413.
        budget = limit - len(output)
        try:
            produced = inflater.decompress(piece, budget + 1)
        except zlib.error as exc:
            raise BodyError(400, f"corrupt compressed body ({exc})") from exc
        if len(produced) > budget:
            raise BodyError(413, "decompressed request body exceeds the collector's limit")
        output += produced
    return offset - len(inflater.unused_data)
