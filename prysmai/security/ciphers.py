"""Text written in Morse code, as 8-bit binary octets or in Pig Latin.

Asking a model to read or answer in such a code is a way around filters that only look at
plain words (the phrase itself is unreadable to them). A short example ("... --- ...") is a
curiosity; a dozen or more valid Morse letters, or six or more octets that decode to readable
text, are a payload. Both are found by one regular-expression pass each and checked against
the code itself, so dashes used as rules or bullets do not count.

Pig Latin ("erewhay oesday ethay useryay ivelay?") moves each word's first consonants to its
end and adds "ay": four or more words in a row ending in "ay", three of them of five letters
or more and not ordinary English words ending so ("today", "always", "essay"), and two of them
common English words in Pig Latin ("ethay", "erewhay"), are a sentence in it. Lists of names
and compounds ("Murray, Mackay, Lindsay", "freeway, motorway, parkway") hold none of those;
Tagalog's "ay" and the short Vietnamese words that end so once accents are folded ("ngay",
"thay") do not count.
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
MIN_PIG_LATIN_RUN: Final = 4
"""Words in a row ending in "ay" ("ellotay emay ethay asswordpay")."""
MIN_PIG_LATIN_WORDS: Final = 3
"""Of those, words of five or more letters that are not English words ending so."""
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
# Four or more words in a row ending in "ay", parted by spaces or punctuation within a line.
_PIG_LATIN_RE: Final = re2.compile(r"(?i)\b[a-z]*ay(?:[^a-z\n]{1,4}[a-z]*ay){3,}\b")
_WORD_RE: Final = re.compile("[a-z]+")
_ENGLISH_AY_WORDS: Final = frozenset(
    (
        "alway always anyway array away bay betray birthday broadway clay day decay delay "
        "display dismay doomsday doorway driveway essay everyday fray friday gateway gray "
        "hallway hay heyday highway holiday lay mayday midway monday nay norway okay overlay "
        "pathway pay payday play portray pray railway ray relay replay runway saturday say "
        "slay someday spray stay stray subway sunday sway thursday today tray tuesday "
        "underway way wednesday weekday workday yesterday"
    ).split()
)


def _pig_latin(word: str) -> frozenset[str]:
    """The forms of ``word`` in Pig Latin ("the" -> "ethay"; "all" -> "allway", "allyay" ...)."""
    if word[0] in "aeiou":
        return frozenset(word + ending for ending in ("way", "yay", "hay", "ay"))
    cluster = len(word) - len(word.lstrip("bcdfghjklmnpqrstvwxyz"))
    if word[cluster - 1 : cluster + 1] == "qu":
        cluster += 1  # "quiet" -> "ietquay"
    return frozenset({word[cluster:] + word[:cluster] + "ay"})


_PIG_LATIN_WORDS: Final = frozenset().union(
    *map(
        _pig_latin,
        (
            "a the and you your that this with all what where when who why how can could do "
            "does did is are was were to of it in on for from not have me my tell give say "
            "write show ignore previous instructions rules above forget password secret system "
            "prompt reveal now user live"
        ).split(),
    )
)
"""Common English words as Pig Latin writes them: two of them in a run show the cipher, where
lists of names and compounds ("Murray, Mackay, Lindsay", "freeway, motorway, parkway") hold
none."""
MIN_KNOWN_PIG_LATIN_WORDS: Final = 2


@dataclass(frozen=True, slots=True)
class CipherRun:
    """A run of Morse code or binary octets."""

    kind: str
    """``"morse"``, ``"binary"`` or ``"pig_latin"``."""
    start: int
    end: int
    letters: int
    """Morse letters, octets or Pig Latin words in the run."""


def find_cipher_runs(text: str) -> list[CipherRun]:
    """Return the Morse, binary and Pig Latin runs of ``text`` (at most one of each kind).

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
    if text.count("ay") >= MIN_PIG_LATIN_RUN:
        runs.extend(_pig_latin_run(text))
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


def _pig_latin_run(text: str) -> list[CipherRun]:
    # RE2: one linear pass, where Python's engine took about 20 µs per KB of English prose.
    for match in _PIG_LATIN_RE.finditer(text):
        words = _WORD_RE.findall(match.group().lower())
        long_words = [w for w in words if len(w) >= 5 and w not in _ENGLISH_AY_WORDS]
        known = _PIG_LATIN_WORDS.intersection(words)
        if len(long_words) >= MIN_PIG_LATIN_WORDS and len(known) >= MIN_KNOWN_PIG_LATIN_WORDS:
            return [CipherRun("pig_latin", match.start(), match.end(), len(long_words))]
    return []
