"""Request bodies of the receiver: content codings undone within a size cap.

The cap applies to the decompressed size as it is produced, so a small gzip "bomb" is stopped
after ``limit + 1`` bytes of output instead of filling memory.
"""

from __future__ import annotations

import zlib
from typing import Final

_GZIP_WBITS: Final = 16 + zlib.MAX_WBITS
_ZLIB_WBITS: Final = zlib.MAX_WBITS
_RAW_DEFLATE_WBITS: Final = -zlib.MAX_WBITS


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


def decode_content(body: bytes, content_encoding: str | None, limit: int) -> bytes:
    """Undo the ``Content-Encoding`` of ``body``, refusing output beyond ``limit`` bytes.

    Supports ``gzip`` (several members too, as the format allows), ``deflate`` (zlib, or raw
    deflate as some clients send it) and ``identity``.

    Raises:
        BodyError: 415 for another coding, 413 when the body or its decompressed form exceeds
            ``limit``, 400 when the compressed data is corrupt or truncated.
    """
    coding = (content_encoding or "").strip().lower()
    if len(body) > limit:
        raise BodyError(413, f"request body exceeds the collector's limit of {limit} bytes")
    if coding in ("", "identity"):
        return body
    if coding in ("gzip", "x-gzip"):
        return _inflate_members(body, limit)
    if coding == "deflate":
        # HTTP's "deflate" is the zlib format, but raw deflate is common enough to accept.
        wbits = _ZLIB_WBITS if _looks_like_zlib(body) else _RAW_DEFLATE_WBITS
        output, rest = _inflate_one(body, wbits, limit)
        if rest:
            raise BodyError(400, "unexpected data after the end of the deflate stream")
        return output
    raise BodyError(415, "unsupported Content-Encoding: use gzip, deflate or none")


def _looks_like_zlib(body: bytes) -> bool:
    # A zlib header: compression method 8 and a check value making the first two bytes a
    # multiple of 31 (RFC 1950).
    return len(body) >= 2 and body[0] & 0x0F == 8 and (body[0] << 8 | body[1]) % 31 == 0


def _inflate_members(body: bytes, limit: int) -> bytes:
    output = bytearray()
    rest = body
    while True:
        member, rest = _inflate_one(rest, _GZIP_WBITS, limit - len(output))
        output += member
        if not rest.strip(b"\x00"):  # some writers pad the last member with zeros
            return bytes(output)


def _inflate_one(data: bytes, wbits: int, budget: int) -> tuple[bytes, bytes]:
    """Decompress one stream from ``data``; return its output and the bytes after it."""
    inflater = zlib.decompressobj(wbits)
    try:
        output = inflater.decompress(data, budget + 1)
    except zlib.error as exc:
        raise BodyError(400, f"corrupt compressed body ({exc})") from exc
    if len(output) > budget:
        raise BodyError(413, "decompressed request body exceeds the collector's limit")
    if not inflater.eof:
        raise BodyError(400, "compressed body is truncated")
    return output, inflater.unused_data
