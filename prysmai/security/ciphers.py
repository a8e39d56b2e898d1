"""Text written in Morse code or as 8-bit binary octets.

Asking a model to read or answer in such a code is a way around filters that only look at
plain words (the phrase itself is unreadable to them). A short example ("... --- ...") is a
curiosity; a dozen or more valid Morse letters, or six or more octets that decode to readable
text, are a payload. Both are found by one regular-expression pass each and checked against
the code itself, so dashes used as rules or bullets do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import re2

from prysmai.security.normalize import is_readable
from prysmai.security.text_safety import without_surrogates

MIN_MORSE_LETTERS: Final = 12
MIN_BINARY_OCTETS: Final = 6
_SAMPLE_OCTETS: Final = 4096

_HIDING_MARKS_RE: Final = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u20d0-\u20ff\u200b-\u200f\u2060-\u2064\u3164\ufe00-\ufe0f]"
)
"""Combining marks, zero-width and filler characters."""
_CONTROL_RE: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MORSE_LETTERS: Final = frozenset(
    (
        ".- -... -.-. -.. . ..-. --. .... .. .--- -.- .-.. -- -. --- .--. --.- .-. ... - ..- "
        "...- .-- -..- -.-- --.. ----- .---- ..--- ...-- ....- ..... -.... --... ---.. ----. "
        ".-.-.- --..-- ..--.. -.-.-- -..-. ---... .----. -....- -.--. -.--.-"
    ).split()
)
# Letters are parted by spaces; words by "/", "|", several spaces or a line break.
_MORSE_RE: Final = re2.compile(r"[.\-]{1,7}(?:(?:[ \t]{1,4}|\s*[/|\n]\s*)[.\-]{1,7}){11,}")
# Octets parted by whitespace, commas, semicolons, pipes or dashes, or not parted at all.
_BINARY_RE: Final = re2.compile(r"\b[01]{8}(?:[\s,;|\-]{0,3}[01]{8}){5,}\b")


@dataclass(frozen=True, slots=True)
class CipherRun:
    """A run of Morse code or binary octets."""

    kind: str
    """``"morse"`` or ``"binary"``."""
    start: int
    end: int
    letters: int
    """Morse letters or octets in the run."""


def find_cipher_runs(text: str) -> list[CipherRun]:
    """Return the Morse and binary runs of ``text`` (at most one of each kind).

    Args:
        text: Any text.

    Returns:
        The first valid run of each kind, in order of position.
    """
    runs: list[CipherRun] = []
    text = without_surrogates(text)  # RE2 takes UTF-8; one character for one keeps offsets
    if not text.isascii():
        # Marks stacked on the separators would hide the code; one space for one keeps offsets.
        text = _HIDING_MARKS_RE.sub(" ", text)
    if ".-" in text or "-." in text:
        runs.extend(_morse_run(text))
    if "0" in text and "1" in text:
        runs.extend(_binary_run(text))
    runs.sort(key=lambda run: run.start)
    return runs


def _morse_run(text: str) -> list[CipherRun]:
    for match in _MORSE_RE.finditer(text):
        letters = match.group().replace("/", " ").replace("|", " ").split()
        valid = sum(1 for letter in letters if letter in _MORSE_LETTERS)
        # A few garbled letters are common in pasted Morse; dashes used as rules are not Morse.
        if valid >= MIN_MORSE_LETTERS and valid >= 0.8 * len(letters) and _both_marks(letters):
            return [CipherRun("morse", match.start(), match.end(), valid)]
    return []


def _both_marks(letters: list[str]) -> bool:
    joined = "".join(letters)
    return "." in joined and "-" in joined and len(set(letters)) >= 4


def _binary_run(text: str) -> list[CipherRun]:
    for match in _BINARY_RE.finditer(text):
        bits = "".join(char for char in match.group() if char in "01")
        data = int(bits, 2).to_bytes(len(bits) // 8, "big")
        # An odd invalid octet must not hide the rest (it becomes one replacement character),
        # nor must control octets slipped in between the words.
        decoded = _CONTROL_RE.sub("", data[:_SAMPLE_OCTETS].decode("utf-8", "replace"))
        if is_readable(decoded):
            return [CipherRun("binary", match.start(), match.end(), len(bits) // 8)]
    return []
