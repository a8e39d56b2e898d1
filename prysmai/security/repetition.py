"""Runs of one word or short phrase repeated many times in a row ("cake cake cake ...").

Repeating a token dozens of times is a known way to push a model out of its instructions
(the repeated-token attack, often followed by the real request). Ordinary writing repeats a
word two or three times ("very, very", "ha ha ha"), not nine. Runs without a letter, or whose
tokens all hold a digit, are left alone: matrices, hex dumps and zero padding repeat by nature,
and so do table rules ("| --- | --- |"). So are runs across lines: logs, code and lists repeat
whole lines, while the attack repeats a word within one line.

The check is a few C-level passes over the list of tokens: for each phrase length it compares
every token with the one that many places later, so it stays linear in the text's length.
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from dataclasses import dataclass
from typing import Final

MIN_COPIES: Final = 9
"""Copies of the phrase in a row that make a run."""
MAX_PHRASE_TOKENS: Final = 4
"""Longest phrase, in tokens, whose repetition is looked for."""

_WHITESPACE: Final = " \t\r\x0b\x0c"
_PUNCTUATION: Final = ".,;:!?\"'()[]{}<>|&-"
"""ASCII whitespace but the line break, these punctuation marks, pipes (table cells), ampersands
and dashes separate tokens; any other character, every non-ASCII one included, belongs to a
token. A line break belongs to the tokens on either side of it, so a run ends where its line
ends: a token holding one is never part of a run (logs, code and lists repeat whole lines),
while a run on one line next to other lines is still found."""
_LINE_BREAK_MARK: Final = b"\x00"
_FREQUENT_STRETCH: Final = b"\x01" * MIN_COPIES
# Tokens are found on UTF-8 bytes: one C-level translate and split, quicker than a regular
# expression over the string. The expression below finds the same tokens, with character
# offsets, once a run has been found.
_SEPARATOR_BYTES: Final = bytes.maketrans(
    _PUNCTUATION.encode("ascii") + b"\n", b" " * len(_PUNCTUATION) + _LINE_BREAK_MARK
)
_TOKEN_RE: Final = re.compile("[^" + re.escape(_WHITESPACE + _PUNCTUATION) + "]+")
_REPEATED_BY_NATURE: Final = frozenset(
    b"null none nan nil true false undefined nbsp ha haha he hi la na no yes blah lol ok".split()
)
"""Data literals (JSON, SQL, pandas, HTML) and interjections that ordinary text repeats."""


@dataclass(frozen=True, slots=True)
class Repetition:
    """A run of one phrase repeated in a row."""

    start: int
    end: int
    """Character span of the run in the scanned text."""
    phrase: str
    copies: int


def find_repetition(text: str) -> Repetition | None:
    """Return the first run of :data:`MIN_COPIES` or more copies of a phrase, if any.

    Args:
        text: Normalised text.

    Returns:
        The run (span, phrase, copies), or None.
    """
    tokens = text.encode("utf-8", "surrogatepass").translate(_SEPARATOR_BYTES).split()
    # n tokens holding a phrase of p tokens k times in a row hold at most n - (k - 1)p distinct
    # tokens: a cheap way out for nearly every short text.
    # (The counts' keys are the distinct tokens: one hashing pass serves both checks.)
    if len(tokens) < MIN_COPIES:
        return None
    counts = Counter(tokens)
    if len(counts) > len(tokens) - (MIN_COPIES - 1):
        return None
    # Every token of a run occurs at least MIN_COPIES times, so a run is a stretch of at least
    # MIN_COPIES such tokens in a row: two C-level passes rule out nearly every other text.
    frequent = {token for token, count in counts.items() if count >= MIN_COPIES}
    if not frequent or bytes(map(frequent.__contains__, tokens)).find(_FREQUENT_STRETCH) == -1:
        return None
    spans: list[tuple[int, int]] = []  # character spans of the tokens, found once if needed
    for size in range(1, MAX_PHRASE_TOKENS + 1):
        needed = b"\x01" * (size * (MIN_COPIES - 1))
        same = bytes(map(operator.eq, tokens, tokens[size:]))
        position = same.find(needed)
        while position != -1:
            phrase = tokens[position : position + size]
            if _is_wordy(phrase):
                if not spans:
                    spans = [match.span() for match in _TOKEN_RE.finditer(text)]
                return _located(text, spans, position, size, same)
            run_end = same.find(b"\x00", position)  # every phrase in this run is a rotation
            if run_end == -1:
                break
            position = same.find(needed, run_end)
    return None


def _is_wordy(phrase: list[bytes]) -> bool:
    """A phrase with a word in it: a token with a letter and no digit, none across lines.

    Words that ordinary text and data repeat by nature do not count.
    """
    if any(_LINE_BREAK_MARK in token or token.lower() in _REPEATED_BY_NATURE for token in phrase):
        return False
    words = [token.decode("utf-8", "surrogatepass") for token in phrase]
    return any(
        any(char.isalpha() for char in word) and not any(char.isdigit() for char in word)
        for word in words
    )


def _located(
    text: str, spans: list[tuple[int, int]], first: int, size: int, same: bytes
) -> Repetition:
    """Turn a run found among tokens into a character span (only when a run exists)."""
    run_end = first
    while run_end < len(same) and same[run_end]:
        run_end += 1
    last_token = run_end + size - 1
    start, end = spans[first][0], spans[last_token][1]
    phrase = " ".join(text[a:b] for a, b in spans[first : first + size])
    return Repetition(start, end, phrase, (last_token - first + 1) // size)
