"""Re-join rule words that punctuation splits apart ("ign-ore", "prev.ious", "sys_tem").

A hyphen, dot, underscore or slash inside a word leaves it readable to a person and to a model,
but turns it into two words for a word-bounded phrase rule. Only splits that rebuild a word the
injection rules look for are joined: "well-known", "e.g." or "file.py" stay
as they are, while "instruc-tions" and "i-g-n-o-r-e" become "instructions" and "ignore".

Joining works on normalised (lower-case) text and keeps a map to the source, like the rest of
normalisation, so findings still point at the caller's own characters.
"""

from __future__ import annotations

import functools
import itertools
import re
from typing import Final

import re2

from prysmai.security.injection_multilingual import RULES as MULTILINGUAL_RULES
from prysmai.security.injection_patterns import ENGLISH_RULES

SEPARATORS: Final = "-._/\\*~^|+"
"""Punctuation that can sit inside a word without making it unreadable."""
_MIN_WORD_CHARS: Final = 4
# RE2, over bytes where the text is ASCII: a backtracking engine retries every shorter prefix
# of each word that is not followed by a separator, which cost 60-150 µs per kilobyte.
_CHAIN_RE: Final = re2.compile(f"[a-z]+(?:[{re.escape(SEPARATORS)}]{{1,3}}[a-z]+)+")
_SEPARATOR_RE: Final = re.compile(f"([{re.escape(SEPARATORS)}]{{1,3}})")


@functools.cache
def vocabulary() -> frozenset[str]:
    """The words of the Latin-script injection rules, four letters or more."""
    words: set[str] = set()
    for rule in (*ENGLISH_RULES, *MULTILINGUAL_RULES):
        if not rule.raw:
            words.update(re.findall(f"[a-z]{{{_MIN_WORD_CHARS},}}", rule.pattern))
    return frozenset(words)


@functools.cache
def _written_split() -> frozenset[str]:
    """Words the rules already match as written with their hyphen ("e-mail", "jail-broken")."""
    found: set[str] = set()
    for rule in (*ENGLISH_RULES, *MULTILINGUAL_RULES):
        if not rule.raw:
            found.update(re.findall(r"[a-z]+(?:-[a-z]+)+", rule.pattern))
    return frozenset(found)


@functools.cache
def _prefixes() -> frozenset[str]:
    """Every beginning of a vocabulary word: spelling stops as soon as no word can follow."""
    return frozenset(word[:size] for word in vocabulary() for size in range(1, len(word) + 1))


def join_split_words(text: str) -> tuple[str, list[tuple[int, int]]] | None:
    """Join rule words split by punctuation in lower-case ``text``.

    Args:
        text: Normalised, lower-case text.

    Returns:
        ``None`` when nothing was joined; otherwise the joined text and the spans of ``text``
        it is made of, in order (the joined text is their concatenation).
    """
    words = vocabulary()
    removed: list[int] = []
    is_ascii = text.isascii()
    written_split = _written_split()
    for chain in _CHAIN_RE.finditer(text.encode("ascii") if is_ascii else text):
        start, end = chain.span()
        if text[start:end] in written_split:
            continue  # the rules read it as it stands: a second reading would find nothing new
        removed.extend(_separators_to_drop(text, start, end, words))
    if not removed:
        return None
    kept: list[tuple[int, int]] = []
    start = 0
    for index in removed:  # ascending: chains and their separators are found left to right
        if index > start:
            kept.append((start, index))
        start = index + 1
    kept.append((start, len(text)))
    return "".join(text[first:last] for first, last in kept), kept


def _separators_to_drop(text: str, start: int, end: int, words: frozenset[str]) -> list[int]:
    """Indices of the separators inside rule words spelled in pieces in ``text[start:end]``."""
    # Pieces and separators alternate: [piece, separator, piece, ..., piece].
    parts = _SEPARATOR_RE.split(text[start:end])
    pieces = parts[0::2]
    drop: list[int] = []
    first = 0
    offsets: list[int] | None = None
    while first < len(pieces) - 1:
        last = _longest_word_end(pieces, first, words)
        if last == first:
            first += 1
            continue
        if offsets is None:  # where each part starts: needed only once a word is joined
            offsets = list(itertools.accumulate(map(len, parts), initial=start))
        for piece in range(first, last):
            separator = 2 * piece + 1
            drop.extend(range(offsets[separator], offsets[separator + 1]))
        first = last + 1
    return drop


def _longest_word_end(pieces: list[str], first: int, words: frozenset[str]) -> int:
    """The last piece of the longest rule word that starts at piece ``first`` (or ``first``).

    Each piece is tried only while the letters so far begin some rule word, so a long chain of
    one-letter pieces ("a-a-a-...") costs a few steps per piece.
    """
    best = first
    prefixes = _prefixes()
    spelled = pieces[first]
    for last in range(first + 1, len(pieces)):
        if spelled not in prefixes:
            break
        spelled += pieces[last]
        if spelled in words:
            best = last
    return best
