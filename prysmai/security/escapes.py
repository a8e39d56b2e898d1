r"""Read escaped text as the characters it stands for: ``\u0418`` and ``&#1048;`` are "И".

Two ways of writing characters hide text from a scanner that reads characters as written:

* backslash escapes: Python's ``json.dumps`` escapes every non-ASCII character by default, so
  a tool result, a retrieved document or a function's arguments serialised that way carry
  Russian, Chinese or Arabic text as runs of ``\uXXXX``, and an injection in any non-Latin
  language is invisible;
* HTML character references: a web page may spell any text as ``&#73;&#103;...`` or
  ``&#x49;&#x67;...`` (and does write ``&amp;``, ``&nbsp;``, ``&eacute;``).

This module finds both (JSON and JavaScript ``\uXXXX`` with surrogate pairs, ``\u{X...}``,
Python's ``\UXXXXXXXX`` and the ``\n``, ``\t``, ``\r``, ``\"``, ``\'``, ``\/`` around them;
decimal, hexadecimal and named HTML references) and returns the decoded text with, for each
decoded character, the span of what it came from.

Backslash escapes are decoded only in text that holds at least one ``\u`` / ``\U`` escape or
an escaped UTF-8 character: a backslash-n in code or a Windows path in ordinary text is left
as written. A run of backslashes before an escape (JSON inside a JSON string: ``\\u0418``)
counts as one escape, so doubly serialised text reads the same. Byte escapes that spell a
UTF-8 character (``\xd0\x98``, as Python prints ``bytes``) are that character; other byte
escapes (``\x49\x67``) are left to the hex decoder of :mod:`prysmai.security.normalize`,
which reads a run of them as an encoded payload. A named reference is decoded only when HTML
defines it with its semicolon (``&amp;``, not ``&amp`` nor ``&madeup;``).
"""

from __future__ import annotations

import functools
import html.entities
import re
from dataclasses import dataclass
from typing import Final

_UNICODE_ESCAPE_RE: Final = re.compile(
    r"\\(?:u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|u\{[0-9a-fA-F]{1,6}\}"
    r"|x[c-fC-F][0-9a-fA-F]\\+x[89abAB][0-9a-fA-F])"
)
_REFERENCE_RE: Final = re.compile(
    r"&(?:#[0-9]{1,8};|#[xX][0-9a-fA-F]{1,7};|[A-Za-z][A-Za-z0-9]{1,31};)"
)
# A backslash escape starts only where a run of backslashes starts, and takes the run whole
# (possessive): tried at every backslash of a long run, the search would take quadratic time.
_BACKSLASH: Final = (
    r"(?<!\\)\\++(?:u(?P<four>[0-9a-fA-F]{4})|U(?P<eight>[0-9a-fA-F]{8})"
    r"|u\{(?P<braced>[0-9a-fA-F]{1,6})\}|(?P<simple>[nrt\"'/])"
    r"|x(?P<utf8>[c-fC-F][0-9a-fA-F](?:\\+x[89abAB][0-9a-fA-F]){1,3}))"
)
_REFERENCE: Final = (
    r"&(?:#(?P<decimal>[0-9]{1,8})|#[xX](?P<hexadecimal>[0-9a-fA-F]{1,7})"
    r"|(?P<name>[A-Za-z][A-Za-z0-9]{1,31}));"
)
_PERCENT: Final = r"(?P<percent>(?:%[0-9A-Fa-f]{2})+)"
_PERCENT_RE: Final = re.compile("%[0-9A-Fa-f]{2}")
_BYTE_ESCAPE_RE: Final = re.compile(r"\\+x")
r"""The ``\x`` before each byte of an escaped UTF-8 character (with its backslash doubled too)."""
_SIMPLE_ESCAPE_RE: Final = re.compile(r"\\[nrt\"'/]")


@functools.cache
def _pattern(backslashes: bool, references: bool, percent: bool) -> re.Pattern[str]:
    """One pattern for the kinds of escape a text holds."""
    chosen = (
        (backslashes, _BACKSLASH),
        (references, _REFERENCE),
        (percent, _PERCENT),
    )
    return re.compile("|".join(pattern for wanted, pattern in chosen if wanted))


_SIMPLE: Final = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "'": "'", "/": "/"}
_NAMED: Final = html.entities.html5
"""HTML's named references, keyed with their semicolon ("amp;")."""
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

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the source that decoded ``[start, end)`` came from (escapes whole)."""
        return self.starts[start], self.ends[max(end, 1) - 1]


def has_unicode_escape(source: str) -> bool:
    r"""Whether ``source`` holds a ``\uXXXX``-style escape or an escaped UTF-8 character."""
    if "\\u" not in source and "\\U" not in source and "\\x" not in source:
        return False
    return _UNICODE_ESCAPE_RE.search(source) is not None


def has_character_reference(source: str) -> bool:
    """Whether ``source`` holds something shaped like an HTML character reference."""
    return "&" in source and _REFERENCE_RE.search(source) is not None


def decode_escapes(source: str, *, values: bool = False) -> DecodedEscapes | None:
    r"""Decode the escapes and references of ``source``; ``None`` when it holds none.

    Args:
        source: Any text.
        values: Read as a reader of values (PII detection) does: also URL percent-encoding
            (``jane%40example.com``), and ``\n``, ``\t``, ``\"`` even where no ``\u`` escape
            shows the text is serialised (``"Card:\n4111..."`` in JSON written with
            ``ensure_ascii=False``): a value glued to a backslash-n would otherwise be read
            as "n4111" and a replacement would leave a stray backslash. The injection rules
            read URL-encoded runs as encoded payloads instead, and keep ``\n`` in code as
            written.

    Returns:
        The decoded text and its map to ``source``, one entry per decoded character.
    """
    backslashes, references = has_unicode_escape(source), has_character_reference(source)
    if values and not backslashes and "\\" in source:
        backslashes = _SIMPLE_ESCAPE_RE.search(source) is not None
    percent = values and "%" in source and _PERCENT_RE.search(source) is not None
    if not (backslashes or references or percent):
        return None
    decoder = _Decoder(source)
    for match in _pattern(backslashes, references, percent).finditer(source):
        decoder.take(match)
    return decoder.finish()


class _Decoder:
    """Builds the decoded text and its offset map, one match at a time."""

    def __init__(self, source: str) -> None:
        self._source = source
        self._pieces: list[str] = []
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._position = 0
        self._pending_high: tuple[int, int, int] | None = None
        """Code, start and end of a high surrogate waiting for its low half."""

    def take(self, match: re.Match[str]) -> None:
        start, end = match.span()
        if start > self._position:
            self._flush_high()
            self._copy(self._position, start)
        self._position = end
        kind = match.lastgroup
        assert kind is not None  # every alternative of the patterns is one named group
        value = match.group(kind)
        if kind == "simple":
            self._emit(_SIMPLE[value], start, end)
        elif kind == "percent":
            self._percent_run(value, start, end)
        elif kind == "utf8":
            try:
                char = bytes.fromhex(_BYTE_ESCAPE_RE.sub("", value)).decode("utf-8")
            except UnicodeDecodeError:  # not one whole UTF-8 character: keep it as written
                self._copy(start, end)
            else:
                self._emit(char, start, end)
        elif kind == "name":
            named = _NAMED.get(value + ";")
            if named is None:  # not an HTML reference: keep it as written
                self._copy(start, end)
            else:
                self._emit(named, start, end)
        else:
            self._code_point(int(value, 10 if kind == "decimal" else 16), start, end)

    def _percent_run(self, run: str, start: int, end: int) -> None:
        """A run of ``%XX`` escapes: UTF-8 bytes, each character mapped to its own escapes."""
        try:
            text = bytes.fromhex(run.replace("%", "")).decode("utf-8")
        except UnicodeDecodeError:  # Latin-1 or binary escapes: keep them as written
            self._copy(start, end)
            return
        position = start
        for char in text:
            width = 3 * len(char.encode("utf-8"))
            self._emit(char, position, position + width)
            position += width

    def finish(self) -> DecodedEscapes:
        self._flush_high()
        self._copy(self._position, len(self._source))
        return DecodedEscapes("".join(self._pieces), self._starts, self._ends)

    def _code_point(self, code: int, start: int, end: int) -> None:
        if code in _LOW_SURROGATES and self._pending_high is not None:
            high, high_start, _ = self._pending_high
            self._pending_high = None
            self._emit(chr(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)), high_start, end)
            return
        self._flush_high()
        if code in _HIGH_SURROGATES:
            self._pending_high = (code, start, end)
        elif code > 0x10FFFF or code in _LOW_SURROGATES:
            self._emit(_REPLACEMENT, start, end)
        else:
            self._emit(chr(code), start, end)

    def _emit(self, text: str, start: int, end: int) -> None:
        """Append decoded ``text`` (one character, or two for a few named references)."""
        self._flush_high()
        self._pieces.append(text)
        self._starts.extend([start] * len(text))
        self._ends.extend([end] * len(text))

    def _copy(self, start: int, end: int) -> None:
        if start < end:
            self._pieces.append(self._source[start:end])
            self._starts.extend(range(start, end))
            self._ends.extend(range(start + 1, end + 1))

    def _flush_high(self) -> None:
        if self._pending_high is not None:
            _, start, end = self._pending_high
            self._pending_high = None
            self._pieces.append(_REPLACEMENT)
            self._starts.append(start)
            self._ends.append(end)
