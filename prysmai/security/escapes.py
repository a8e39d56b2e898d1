r"""Read text written with backslash escapes (``\u0418``) as the characters it stands for.

Python's ``json.dumps`` escapes every non-ASCII character by default, so a tool result, a
retrieved document or a function's arguments serialised that way carry Russian, Chinese or
Arabic text as runs of ``\uXXXX``: to a scanner that reads the characters as written, an
injection in any non-Latin language is then invisible. This module finds such escapes (JSON
and JavaScript ``\uXXXX`` with surrogate pairs, ``\u{X...}``, Python's ``\UXXXXXXXX``,
and ``\n``, ``\t``, ``\r``, ``\"``, ``\'``, ``\/`` around them) and returns the decoded
text with, for each decoded character, the span of the escape it came from.

Text is decoded only when it holds at least one ``\u`` / ``\U`` escape: a backslash-n in
code or a Windows path in ordinary text is left as written. A run of backslashes before an
escape (JSON inside a JSON string: ``\\u0418``) counts as one escape, so doubly serialised
text reads the same. Hex byte escapes (``\xd0\x98``) are left to the hex decoder of
:mod:`prysmai.security.normalize`, which reads them as bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_UNICODE_ESCAPE_RE: Final = re.compile(
    r"\\(?:u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|u\{[0-9a-fA-F]{1,6}\})"
)
# A match starts only where a run of backslashes starts, and takes the run whole (possessive):
# tried at every backslash of a long run, the search would take quadratic time.
_ESCAPE_RE: Final = re.compile(
    r"(?<!\\)\\++(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|u\{([0-9a-fA-F]{1,6})\}|([nrt\"'/]))"
)
_SIMPLE: Final = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "'": "'", "/": "/"}
_REPLACEMENT: Final = "\ufffd"
"""What a lone surrogate or a code point beyond Unicode decodes to (RE2 takes neither)."""
_HIGH_SURROGATES: Final = range(0xD800, 0xDC00)
_LOW_SURROGATES: Final = range(0xDC00, 0xE000)


@dataclass(frozen=True, slots=True)
class DecodedEscapes:
    """Text with its escapes decoded, and where each of its characters came from."""

    text: str
    starts: list[int]
    """Source index where each decoded character's escape (or the character itself) starts."""
    ends: list[int]
    """Source index (exclusive) where it ends."""


def has_unicode_escape(source: str) -> bool:
    r"""Whether ``source`` holds a ``\uXXXX``-style escape (a quick test before decoding)."""
    if "\\u" not in source and "\\U" not in source:
        return False
    return _UNICODE_ESCAPE_RE.search(source) is not None


def decode_escapes(source: str) -> DecodedEscapes | None:
    r"""Decode the backslash escapes of ``source``; ``None`` when it holds no ``\u`` escape.

    Args:
        source: Any text.

    Returns:
        The decoded text and its map to ``source``, one entry per decoded character.
    """
    if not has_unicode_escape(source):
        return None
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    pending_high: tuple[int, int, int] | None = None  # code, start, end of a high surrogate

    def flush_high() -> None:
        nonlocal pending_high
        if pending_high is not None:
            _, high_start, high_end = pending_high
            pieces.append(_REPLACEMENT)
            starts.append(high_start)
            ends.append(high_end)
            pending_high = None

    for match in _ESCAPE_RE.finditer(source):
        start, end = match.span()
        if start > position:
            flush_high()
            pieces.append(source[position:start])
            starts.extend(range(position, start))
            ends.extend(range(position + 1, start + 1))
        position = end
        four, eight, braced, simple = match.groups()
        if simple is not None:
            flush_high()
            pieces.append(_SIMPLE[simple])
            starts.append(start)
            ends.append(end)
            continue
        code = int(four or eight or braced, 16)
        if code in _LOW_SURROGATES and pending_high is not None:
            high, high_start, _ = pending_high
            pending_high = None
            pieces.append(chr(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)))
            starts.append(high_start)
            ends.append(end)
            continue
        flush_high()
        if code in _HIGH_SURROGATES:
            pending_high = (code, start, end)
            continue
        pieces.append(_REPLACEMENT if code > 0x10FFFF or code in _LOW_SURROGATES else chr(code))
        starts.append(start)
        ends.append(end)
    flush_high()
    if position < len(source):
        pieces.append(source[position:])
        starts.extend(range(position, len(source)))
        ends.extend(range(position + 1, len(source) + 1))
    return DecodedEscapes("".join(pieces), starts, ends)
