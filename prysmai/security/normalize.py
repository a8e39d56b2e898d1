"""Text normalisation before detection, with a map back to the original offsets.

Detectors match lower-cased, folded text: Unicode NFKC, invisible and bidi control characters
removed, accents folded on Latin letters, Cyrillic/Greek look-alikes folded to Latin inside
words that mix scripts. Characters from the Unicode tag block (U+E0000) are decoded to the ASCII
they hide. Every normalised character remembers the span of original characters it came from,
so findings always point into the text the caller passed.

Legitimate text passes through without obfuscation signals: emoji joined with ZWJ, variation
selectors, the ZWNJ of Persian and Indic scripts, a leading byte order mark and flag emoji built
from tag characters.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass, field
from typing import Final

import re2

from prysmai.security.escapes import DecodedEscapes, decode_escapes
from prysmai.security.split_words import join_split_words
from prysmai.security.text_safety import without_surrogates
from prysmai.security.word_ciphers import disguised_readings

# Format and filler characters that render as nothing; removed before matching.
_INVISIBLE_RANGES: Final = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),  # Arabic letter mark
    (0x115F, 0x1160),  # Hangul fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian variation selectors and vowel separator
    (0x200B, 0x200F),  # zero-width space/non-joiner/joiner, LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x206F),  # word joiner, invisible operators, bidi isolates, format characters
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),  # byte order mark / zero-width no-break space
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xFFF0, 0xFFFB),  # unassigned specials (default ignorable), interlinear annotation
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical formatting
    (0xE0000, 0xE007F),  # tag characters (decoded separately)
    (0xE0080, 0xE0FFF),  # variation selectors supplement and the unassigned rest of the plane
)
"""Characters that render as nothing: Unicode's default-ignorable code points (assigned or
reserved), which a text can carry between the letters of a word to break a phrase up."""
_ZERO_WIDTH: Final = frozenset(
    [0x200B, 0x200C, 0x200D, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF, 0x180E]
    + [0x115F, 0x1160, 0x3164, 0xFFA0, 0x00AD, 0x034F]
)
_BIDI_OVERRIDES: Final = frozenset([0x202D, 0x202E])
_TAG_FIRST: Final = 0xE0000
_TAG_LAST: Final = 0xE007F
_TAG_CANCEL: Final = 0xE007F
_BLACK_FLAG: Final = 0x1F3F4
_FLAG_SUBDIVISIONS: Final = frozenset({"gbeng", "gbsct", "gbwls"})
_FLAG_CODE_CHARS: Final = 5
"""The subdivision flags emoji fonts draw (England, Scotland, Wales): a black flag, these tag
letters, then the cancel tag. Any other tag text after a black flag is hidden text."""


_INVISIBLE: Final = frozenset(code for lo, hi in _INVISIBLE_RANGES for code in range(lo, hi + 1))
INVISIBLE_CHARACTERS: Final = "".join(map(chr, sorted(_INVISIBLE)))
"""Every character that renders as nothing (see ``_INVISIBLE_RANGES``), as one string."""
INVISIBLE_RE2_CLASS: Final = (
    "[" + "".join(f"\\x{{{lo:x}}}-\\x{{{hi:x}}}" for lo, hi in _INVISIBLE_RANGES) + "]"
)
"""An RE2 character class of the same characters, written as ranges."""

# Look-alike letters, case-aware: they are folded before lower-casing so that, for example,
# Greek capital NU (looks like N) and small nu (looks like v) go to different letters.
_CONFUSABLES: Final = {
    # Cyrillic small
    "а": "a", "в": "b", "е": "e", "ё": "e", "і": "i", "ї": "i", "ј": "j", "к": "k", "о": "o",
    "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l", "ԛ": "q",
    "ԝ": "w", "ь": "b", "ѵ": "v", "ү": "y",
    # Cyrillic capital
    "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p", "С": "c",
    "Т": "t", "У": "y", "Х": "x", "І": "i", "Ј": "j", "Ѕ": "s", "Ԁ": "d", "Һ": "h", "Ӏ": "l",
    "Ԛ": "q", "Ԝ": "w",
    # Greek small and capital
    "α": "a", "ο": "o", "ρ": "p", "ι": "i", "κ": "k", "ν": "v", "υ": "u", "χ": "x", "ε": "e",
    "τ": "t", "γ": "y", "ω": "w", "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i",
    "Κ": "k", "Μ": "m", "Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",
    # Latin look-alikes outside ASCII
    "ɡ": "g", "ɑ": "a", "ɩ": "i", "ʏ": "y",
    # Latin small capitals ("ɪɢɴᴏʀᴇ ᴀʟʟ"), which NFKC leaves as they are
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i",
    "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ǫ": "q", "ʀ": "r",
    "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ᴢ": "z",
}  # fmt: skip
_CONFUSABLE_TABLE: Final = str.maketrans(_CONFUSABLES)
_PHONETIC_LETTERS: Final = frozenset("ʙɢʜɪʟɴʀ")
"""Small capitals that the phonetic alphabet uses as letters of their own ("bɪt", "sɪŋ"): in a
word with ASCII letters they are transcription, and only a word made of look-alikes alone is
folded."""
_CONFUSABLE_WORD_RE: Final = re.compile("[^\\W\\d_]*[" + "".join(_CONFUSABLES) + "][^\\W\\d_]*")
_GENUINE_CYRILLIC_GREEK_RE: Final = re.compile(
    "[" + "".join(
        c for c in map(chr, [*range(0x0391, 0x03CA), *range(0x0410, 0x0450)])
        if c.isalpha() and c not in _CONFUSABLES
    ) + "]"
)  # fmt: skip
_ASCII_LETTER_RE: Final = re.compile("[A-Za-z]")
_CONFUSABLE_CLASS: Final = "[" + "".join(_CONFUSABLES) + "]"
_CONFUSABLE_CHAR_RE2: Final = re2.compile(_CONFUSABLE_CLASS)
_GENUINE_CYRILLIC_GREEK_RE2: Final = re2.compile(_GENUINE_CYRILLIC_GREEK_RE.pattern)
_MIXED_WORD_RE: Final = re2.compile(
    rf"\pL*(?:[A-Za-z]\pL*{_CONFUSABLE_CLASS}|{_CONFUSABLE_CLASS}\pL*[A-Za-z])\pL*"
)


def _build_accent_table() -> dict[int, str]:
    """Map accented Latin letters and curly quotes to ASCII, one character to one character."""
    table: dict[int, str] = {ord("ı"): "i", ord("ł"): "l", ord("đ"): "d", ord("ø"): "o"}
    table.update({0x2018: "'", 0x2019: "'", 0x201B: "'", 0x2032: "'", 0x201C: '"', 0x201D: '"'})
    for code in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        base = "".join(
            c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c)
        )
        if len(base) == 1 and base.isascii() and base.isalpha():
            table[code] = base.lower()
    return table


_ACCENT_TABLE: Final = _build_accent_table()
_ACCENT_RE: Final = re.compile("[" + "".join(re.escape(chr(code)) for code in _ACCENT_TABLE) + "]")
_ACCENT_CHARS: Final = {chr(code): value for code, value in _ACCENT_TABLE.items()}
_INVISIBLE_SIGN: Final = 0
_CONFUSABLE_SIGN: Final = 1
_ACCENT_SIGN: Final = 2
_MARK_SIGN: Final = 3
_DECORATION_SIGN: Final = 4
_LETTER_SYMBOL_SIGN: Final = 5
# Combining marks that decorate letters (underline, strike-through, "zalgo" stacks) rather than
# spell them: left over after NFKC on a Latin, Greek or Cyrillic letter, they are dropped, as
# accents are folded, so that "I̲g̲n̲o̲r̲e̲" reads as "ignore".
_DECORATION_MARK_RANGES: Final = (
    (0x0300, 0x036F),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
)
_DECORATION_MARKS: Final = frozenset(
    chr(code) for lo, hi in _DECORATION_MARK_RANGES for code in range(lo, hi + 1)
)
_ENCLOSING_MARKS: Final = frozenset(
    "\u0488\u0489\u1abe\u20dd\u20de\u20df\u20e0\u20e2\u20e3\u20e4\ua670\ua671\ua672"
)
"""Marks that enclose the character before them (circle, keycap, ...): Unicode gives them no
combining class, so they are added to clusters by name."""
_DECORATED_ALPHABETS: Final = ((0x0041, 0x052F), (0x1E00, 0x1FFF))
"""Latin, Greek and Cyrillic letters (with their extensions): any mark left on one after NFKC
is decoration (these alphabets precompose what they spell) and is dropped, as it is from any
ASCII character (an underline runs under the spaces too)."""
# Conjoining Hangul jamo: a leading consonant, then vowels and trailing consonants, compose into
# one syllable under NFKC; decomposed Korean must compose before matching.
_LEADING_JAMO: Final = ((0x1100, 0x115E), (0xA960, 0xA97C))
_FOLLOWING_JAMO: Final = ((0x1161, 0x11FF), (0xD7B0, 0xD7FF))
_LETTER_SYMBOL_RANGES: Final = ((0x1F150, 0x1F169), (0x1F170, 0x1F189))
"""Negative circled and negative squared Latin capitals: symbols that spell words
("🅸🅶🅽🅾🆁🅴") but that NFKC, unlike the circled and squared ones, leaves as they are. Regional
indicator letters are left alone: paired, they are flags, and two flags side by side would
spell words no one wrote (Peru and the Dominican Republic, 🇵🇪🇩🇴)."""
_LETTER_SYMBOLS: Final = {
    code: chr(ord("a") + code - lo)
    for lo, hi in _LETTER_SYMBOL_RANGES
    for code in range(lo, hi + 1)
}


def _signs() -> re2._Regexp:
    """One set pass over the UTF-8 bytes: which kinds of special characters are present."""
    signs = re2.Set.SearchSet(re2.Options())
    ranges = (f"{chr(lo)}-{chr(hi)}" if lo != hi else chr(lo) for lo, hi in _INVISIBLE_RANGES)
    signs.Add("[" + "".join(ranges) + "]")
    signs.Add(_CONFUSABLE_CLASS)
    signs.Add("[" + "".join(re.escape(char) for char in _ACCENT_CHARS) + "]")
    # A mark on an ASCII, Latin, Greek or Cyrillic character: decoration to drop.
    signs.Add(r"[\x00-\x7f\p{Latin}\p{Greek}\p{Cyrillic}]\p{M}")
    signs.Add("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _DECORATION_MARK_RANGES) + "]")
    signs.Add("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _LETTER_SYMBOL_RANGES) + "]")
    signs.Compile()
    return signs


_SIGNS: Final = _signs()


def _latin1_tables() -> tuple[bytes, bytes, bytes]:
    """Byte tables for text whose characters all fit in Latin-1 (code points below 256).

    Returns the table that lower-cases, the one that lower-cases and folds accents, and one
    that marks each character: 1 when the character takes the general path (not NFKC, or
    invisible), 2 when it is accented, else 0.
    """
    lower = bytes(ord(chr(code).lower()) for code in range(256))
    fold = bytes(ord(_ACCENT_CHARS.get(chr(code), chr(code))) for code in lower)
    kinds = bytearray(256)
    for code in range(256):
        char = chr(code)
        if code in _INVISIBLE or unicodedata.normalize("NFKC", char) != char:
            kinds[code] = 1
        elif char in _ACCENT_CHARS:
            kinds[code] = 2
    return lower, fold, bytes(kinds)


_LATIN1_LOWER, _LATIN1_FOLD, _LATIN1_KINDS = _latin1_tables()


def _accent_for(match: re.Match[str]) -> str:
    return _ACCENT_CHARS[match.group()]


@dataclass(frozen=True, slots=True)
class Obfuscation:
    """A sign that text was disguised, with the original span it covers."""

    kind: str
    """``invisible_characters``, ``bidi_override``, ``hidden_tag_text`` or ``homoglyphs``."""
    start: int
    end: int
    count: int


@dataclass(frozen=True, slots=True)
class HiddenText:
    """ASCII text smuggled in Unicode tag characters, with each character's original index.

    Every run of tag characters in a text is part of the one hidden text, joined by spaces.
    """

    text: str
    positions: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Lower-cased, folded text plus the map from its characters to the source string."""

    text: str
    source: str
    starts: list[int] | None = None
    """Source index of each normalised character; ``None`` means one-to-one."""
    ends: list[int] | None = None
    """Source end index (exclusive) of each normalised character; ``None`` means one-to-one."""
    obfuscations: tuple[Obfuscation, ...] = ()
    hidden: tuple[HiddenText, ...] = ()

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Return the source span ``[start, end)`` that normalised ``[start, end)`` came from."""
        if self.starts is None or self.ends is None:
            return start, end
        if not self.starts:
            return 0, len(self.source)
        first = min(max(start, 0), len(self.starts) - 1)
        last = min(max(end - 1, first), len(self.ends) - 1)
        return self.starts[first], self.ends[last]


@dataclass(slots=True)
class _Builder:
    chars: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    zero_width: list[int] = field(default_factory=list)
    overrides: list[int] = field(default_factory=list)
    hidden: list[HiddenText] = field(default_factory=list)
    tag_texts: list[str] = field(default_factory=list)
    tag_positions: list[int] = field(default_factory=list)
    invisible_run_end: int = 0
    """Index just past the run of invisible characters last measured, so each run is walked
    once (a flood of zero-width characters must stay linear)."""

    def copy(self, source: str, start: int, end: int) -> None:
        """Append ``source[start:end]`` unchanged, each character mapped to itself."""
        self.chars.extend(source[start:end])
        self.starts.extend(range(start, end))
        self.ends.extend(range(start + 1, end + 1))


def normalize(source: str) -> NormalizedText:
    r"""Normalise ``source`` for matching: escapes, case, look-alikes, invisible characters, NFKC.

    Text holding ``\uXXXX`` escapes (JSON serialised with non-ASCII escaped), escaped UTF-8 or
    HTML character references is read decoded first (:mod:`prysmai.security.escapes`). Plain
    ASCII is only lower-cased. Other text that is already NFKC and holds no invisible or
    look-alike characters is lower-cased and accent-folded character for character; only the
    rest takes the character walk that builds an offset map.

    Args:
        source: Any text.

    Returns:
        The folded, lower-cased text with its offset map and the obfuscation signals found.
    """
    decoded = decode_escapes(source)
    if decoded is None:
        return _normalize_unescaped(source)
    return _mapped_through(_normalize_unescaped(decoded.text), decoded, source)


def _mapped_through(inner: NormalizedText, decoded: DecodedEscapes, source: str) -> NormalizedText:
    """Re-point ``inner`` (the normalised decoded text) at the escaped ``source``."""
    if not decoded.starts:
        return NormalizedText(text=inner.text, source=source, starts=[], ends=[])
    if inner.starts is None or inner.ends is None:
        starts, ends = decoded.starts, decoded.ends
    else:
        starts = [decoded.starts[index] for index in inner.starts]
        ends = [decoded.ends[max(index, 1) - 1] for index in inner.ends]
    obfuscations = tuple(
        dataclasses.replace(signal, start=first, end=last)
        for signal in inner.obfuscations
        for first, last in (decoded.source_span(signal.start, signal.end),)
    )
    hidden = tuple(
        HiddenText(text.text, tuple(decoded.starts[index] for index in text.positions))
        for text in inner.hidden
    )
    return NormalizedText(
        text=inner.text,
        source=source,
        starts=starts,
        ends=ends,
        obfuscations=obfuscations,
        hidden=hidden,
    )


def _normalize_unescaped(source: str) -> NormalizedText:
    if source.isascii():
        return NormalizedText(text=source.lower(), source=source)
    try:
        latin = source.encode("latin-1")
    except UnicodeEncodeError:
        pass
    else:
        # Latin-1 holds no look-alikes, no combining marks and one invisible character, and
        # lower-cases within itself, so byte tables do the work of the path below.
        kinds = latin.translate(_LATIN1_KINDS)
        if b"\x01" not in kinds:
            table = _LATIN1_FOLD if b"\x02" in kinds else _LATIN1_LOWER
            return NormalizedText(text=latin.translate(table).decode("latin-1"), source=source)
    cleaned = without_surrogates(source)
    if cleaned is not source:  # RE2 cannot take lone surrogates; U+FFFD keeps every offset
        return dataclasses.replace(_normalize_unescaped(cleaned), source=source)
    is_nfkc = unicodedata.is_normalized("NFKC", source)
    signs = _SIGNS.Match(source.encode("utf-8", "surrogatepass")) or ()
    needs_walk = any(
        sign in signs
        for sign in (_INVISIBLE_SIGN, _MARK_SIGN, _DECORATION_SIGN, _LETTER_SYMBOL_SIGN)
    )
    if is_nfkc and not needs_walk:
        cleaned, homoglyphs = (
            _fold_confusables(source) if _CONFUSABLE_SIGN in signs else (source, [])
        )
        lowered = lower_case(cleaned)
        if len(lowered) == len(source):
            obfuscations = _homoglyph_signal(homoglyphs)
            text = _ACCENT_RE.sub(_accent_for, lowered) if _ACCENT_SIGN in signs else lowered
            return NormalizedText(text=text, source=source, obfuscations=obfuscations)
    return _normalize_slow(source, apply_nfkc=not is_nfkc)


def with_split_words_joined(normalized: NormalizedText) -> NormalizedText | None:
    """Return ``normalized`` with rule words split by punctuation joined ("ign-ore").

    A second reading for the injection rules, next to the text as written (where "system_prompt"
    is still two words); see :mod:`prysmai.security.split_words`. ``None`` when nothing joins.
    Offsets still map to the source; obfuscation signals and hidden text stay with the text as
    written.
    """
    joined = join_split_words(normalized.text)
    if joined is None:
        return None
    text, kept = joined
    starts: list[int] = []
    ends: list[int] = []
    for first, last in kept:
        if normalized.starts is None or normalized.ends is None:
            starts.extend(range(first, last))
            ends.extend(range(first + 1, last + 1))
        else:
            starts.extend(normalized.starts[first:last])
            ends.extend(normalized.ends[first:last])
    return NormalizedText(text=text, source=normalized.source, starts=starts, ends=ends)


def lower_case(text: str) -> str:
    """Lower-case ``text``, one character for one.

    ``str.lower`` turns the Turkish dotted capital I into "i" plus a combining dot above, which
    would both split "İGNORE" from "ignore" and lengthen the text; it becomes a plain "i".
    """
    if _DOTTED_CAPITAL_I in text:
        text = text.replace(_DOTTED_CAPITAL_I, "i")
    return text.lower()


_DOTTED_CAPITAL_I: Final = "\u0130"


def fold_look_alikes(text: str) -> str:
    """Replace every look-alike letter (Cyrillic, Greek, ...) with the Latin one it imitates.

    One character for one, so offsets stay valid. :func:`normalize` folds them only inside
    words that mix scripts; this folds them everywhere (for text already known to be
    obfuscated).
    """
    return text.translate(_CONFUSABLE_TABLE)


def fold_accents(text: str) -> str:
    """Fold accented Latin letters and curly quotes to ASCII, one character for one."""
    if text.isascii():
        return text
    # A callback per accented character beats str.translate, which costs ~70 ns per character
    # of any non-ASCII string; accents are sparse even in French or Vietnamese prose.
    return _ACCENT_RE.sub(_accent_for, text)


def _normalize_slow(source: str, *, apply_nfkc: bool) -> NormalizedText:
    builder = _Builder()
    _walk(source, builder, apply_nfkc=apply_nfkc)
    cleaned, homoglyphs = _fold_confusables("".join(builder.chars))
    lowered = lower_case(cleaned)
    starts, ends = builder.starts, builder.ends
    if len(lowered) != len(cleaned):
        # No letter but "İ" (handled by lower_case) lower-cases to several characters today;
        # should a new Unicode version add one, each piece keeps its letter's offsets.
        pieces = [lower_case(char) for char in cleaned]
        starts, ends = [], []
        for piece, start, end in zip(pieces, builder.starts, builder.ends, strict=True):
            starts.extend([start] * len(piece))
            ends.extend([end] * len(piece))
        lowered = "".join(pieces)
    text = fold_accents(lowered)

    obfuscations = list(
        _homoglyph_signal([(builder.starts[s], builder.ends[e - 1]) for s, e in homoglyphs])
    )
    if len(builder.zero_width) >= 2:
        obfuscations.append(_signal("invisible_characters", builder.zero_width))
    if builder.overrides:
        obfuscations.append(_signal("bidi_override", builder.overrides))
    if builder.tag_texts:
        # Runs of tag characters are read as one text: an instruction may be hidden one word
        # per run between visible words, and thousands of tiny runs cost one object, not one
        # view each. A space joins two runs; it maps to the first character of the later run.
        joined = " ".join(builder.tag_texts)
        builder.hidden.append(HiddenText(joined, tuple(builder.tag_positions)))
    for hidden in builder.hidden:
        obfuscations.append(_signal("hidden_tag_text", list(hidden.positions)))
    return NormalizedText(
        text=text,
        source=source,
        starts=starts,
        ends=ends,
        obfuscations=tuple(obfuscations),
        hidden=tuple(builder.hidden),
    )


def _walk(source: str, builder: _Builder, *, apply_nfkc: bool) -> None:
    """Copy visible clusters (NFKC-normalised if asked) and record invisible characters.

    Only clusters that can change are visited one by one: invisible characters, a character
    followed by combining marks and (when normalising) characters NFKC rewrites. Everything
    between them is copied as it is, so Thai or CJK text with a few such characters per line
    does not pay a Python step for every character.
    """
    index = 0
    marked = source.translate(_changing_characters(apply_nfkc=apply_nfkc))
    single = _single_clusters(apply_nfkc=apply_nfkc)
    length = len(source)
    chars, starts, ends = builder.chars, builder.starts, builder.ends
    for match in _MARKED_RUN_RE.finditer(marked):
        start = match.start()
        if start < index:  # the last cluster (a tag run, a syllable) reached into this run
            start = index
            if start >= match.end():
                continue
        # A run that opens with combining marks belongs to the cluster of the character before
        # it, unless that one was invisible (then the marks form a cluster of their own).
        elif start > index and _is_mark(source[start]):
            if ord(source[start - 1]) not in _INVISIBLE:
                start -= 1
        if start > index:
            builder.copy(source, index, start)
        index = start
        while index < match.end():
            written = single.get(source[index])
            if written is not None and (index + 1 == length or source[index + 1] not in _MARKS):
                # A cluster of one character (no mark follows) that _walk_cluster would write
                # as ``written``: full-width punctuation in Chinese, a Thai SARA AM.
                chars.extend(written)
                starts.extend([index] * len(written))
                ends.extend([index + 1] * len(written))
                index += 1
                continue
            index = _walk_cluster(source, index, builder, apply_nfkc=apply_nfkc)
    if index < len(source):
        builder.copy(source, index, len(source))


def _walk_cluster(source: str, index: int, builder: _Builder, *, apply_nfkc: bool) -> int:
    """Take the cluster (or invisible character, or tag run) at ``index``; return its end."""
    code = ord(source[index])
    if _TAG_FIRST <= code <= _TAG_LAST:
        return _take_tags(source, index, builder)
    if code in _INVISIBLE:
        _note_invisible(source, index, code, builder)
        return index + 1
    end = index + 1
    if apply_nfkc and _in_ranges(code, _LEADING_JAMO):
        while end < len(source) and _in_ranges(ord(source[end]), _FOLLOWING_JAMO):
            end += 1
    while end < len(source) and source[end] in _MARKS:  # _is_mark, inlined
        end += 1
    # NFKC reorders a cluster's marks, in time growing with the square of their number: past a
    # cap, further marks are kept as they are (a real cluster has a handful).
    head_end = min(end, index + _MAX_CLUSTER_CHARS)
    cluster = source[index:head_end]
    if code in _LETTER_SYMBOLS:
        cluster = _LETTER_SYMBOLS[code] + cluster[1:]
    if apply_nfkc and not cluster.isascii():
        cluster = unicodedata.normalize("NFKC", cluster)
    cluster += source[head_end:end]
    if _is_decoration(cluster, builder.chars):
        cluster = "".join(char for char in cluster if not _is_mark(char))
    for piece in cluster:
        builder.chars.append(piece)
        builder.starts.append(index)
        builder.ends.append(end)
    return end


_MAX_CLUSTER_CHARS: Final = 64


@functools.cache
def _single_clusters(*, apply_nfkc: bool) -> dict[str, str]:
    """What :func:`_walk_cluster` writes for each marked character that is a cluster alone.

    Those are the characters it treats with no look at their neighbours once no mark follows
    them: not a tag, invisible character, mark, leading jamo or letter symbol, and whose
    (NFKC) form holds no mark, so that dropping decoration marks changes nothing. Each is
    written as this form, every piece mapped to the character's own span.
    """
    table: dict[str, str] = {}
    for code in _changing_characters(apply_nfkc=apply_nfkc):
        char = chr(code)
        if (
            _TAG_FIRST <= code <= _TAG_LAST
            or code in _INVISIBLE
            or code in _LETTER_SYMBOLS
            or _is_mark(char)
            or (apply_nfkc and _in_ranges(code, _LEADING_JAMO))
        ):
            continue
        written = unicodedata.normalize("NFKC", char) if apply_nfkc and not char.isascii() else char
        if written and not any(map(_is_mark, written)):
            table[char] = written
    return table


def _is_decoration(cluster: str, written: list[str]) -> bool:
    """Whether the marks of ``cluster`` only decorate an ASCII, Latin, Greek or Cyrillic character.

    That is the cluster's own base or, for marks with no base of their own (an invisible
    character came between), the character written before them.
    """
    if _is_mark(cluster[0]):
        return bool(written) and _takes_decoration(written[-1])
    return len(cluster) > 1 and _takes_decoration(cluster[0])


def _takes_decoration(char: str) -> bool:
    return char.isascii() or char.isalpha() and _in_ranges(ord(char), _DECORATED_ALPHABETS)


def _is_mark(char: str) -> bool:
    """A mark that belongs to the character before it: combining, spacing or enclosing."""
    return char in _MARKS


def _in_ranges(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    for lo, hi in ranges:  # a plain loop: a generator costs more than these few comparisons
        if lo <= code <= hi:
            return True
    return False


@functools.cache
def _changing_characters(*, apply_nfkc: bool) -> dict[int, str]:
    """A translate table that marks, as NUL, each character the walk must visit.

    Those are invisible characters, combining marks and, when normalising, characters NFKC
    rewrites. ``str.translate`` then one search for runs of NUL is about three times quicker than a
    regex character class of these thousands of code points. A NUL already in the text only
    costs a visit (the walk copies it unchanged). Built from this Python's Unicode tables on
    first use (about 0.1 s), so the marks always agree with :func:`unicodedata.combining` and
    :func:`unicodedata.normalize`.
    """
    codes = set(_INVISIBLE)
    codes.update(_LETTER_SYMBOLS)
    codes.update(map(ord, _MARKS))
    codes.update(map(ord, _DECORATION_MARKS | _ENCLOSING_MARKS))
    if apply_nfkc:
        codes.update(code for lo, hi in _LEADING_JAMO for code in range(lo, hi + 1))
        codes.update(
            code
            for code in range(0xA0, _LAST_MARKED_CODE)
            if not unicodedata.is_normalized("NFKC", chr(code))
        )
    return dict.fromkeys(codes, "\x00")


_MARKED_RUN_RE: Final = re.compile("\x00+")
_LAST_MARKED_CODE: Final = 0x30000
_MARKS: Final = (
    frozenset(
        chr(code)
        for code in range(0x300, _LAST_MARKED_CODE)
        if unicodedata.category(chr(code)) in ("Mn", "Mc", "Me") or unicodedata.combining(chr(code))
    )
    | _ENCLOSING_MARKS
)
"""Combining marks and characters NFKC rewrites all lie in planes 0-2."""


def compile_tables() -> None:
    """Build the lazily built tables now, so that no scan pays for it."""
    _changing_characters(apply_nfkc=True)
    _changing_characters(apply_nfkc=False)
    _single_clusters(apply_nfkc=True)
    _single_clusters(apply_nfkc=False)


def _note_invisible(source: str, index: int, code: int, builder: _Builder) -> None:
    """Count zero-width characters inside Latin words and every bidi override."""
    if code in _BIDI_OVERRIDES:
        builder.overrides.append(index)
        return
    if code not in _ZERO_WIDTH or index == 0:
        return
    before = builder.chars[-1] if builder.chars else ""
    after_index = builder.invisible_run_end
    if after_index <= index:
        after_index = index + 1
        while after_index < len(source) and ord(source[after_index]) in _INVISIBLE:
            after_index += 1
        builder.invisible_run_end = after_index
    after = source[after_index] if after_index < len(source) else ""
    if before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
        builder.zero_width.append(index)


def _take_tags(source: str, index: int, builder: _Builder) -> int:
    """Decode a run of tag characters; return the index after the run."""
    end = index
    while end < len(source) and _TAG_FIRST <= ord(source[end]) <= _TAG_LAST:
        end += 1
        if ord(source[end - 1]) == _TAG_CANCEL:
            break  # a cancel tag ends a flag; tag text right after it is a run of its own
    is_flag = (
        index > 0
        and ord(source[index - 1]) == _BLACK_FLAG
        and ord(source[end - 1]) == _TAG_CANCEL
        and "".join(chr(ord(char) - _TAG_FIRST) for char in source[index : end - 1])
        in _FLAG_SUBDIVISIONS
    )
    if not is_flag:
        positions = [i for i in range(index, end) if 0x20 <= ord(source[i]) - _TAG_FIRST < 0x7F]
        text = "".join(chr(ord(source[i]) - _TAG_FIRST) for i in positions)
        if not text.strip():
            return end
        pieces = [(text, positions)]
        code = text[:_FLAG_CODE_CHARS]
        after_flag = index > 0 and ord(source[index - 1]) == _BLACK_FLAG
        if after_flag and code in _FLAG_SUBDIVISIONS and text != code:
            # A flag's letters with more tag text and no cancel tag: the rest is its own word.
            cut = _FLAG_CODE_CHARS
            pieces = [(code, positions[:cut]), (text[cut:], positions[cut:])]
        for piece, piece_positions in pieces:
            if builder.tag_texts:
                builder.tag_positions.append(piece_positions[0])  # the space joining the runs
            builder.tag_texts.append(piece)
            builder.tag_positions.extend(piece_positions)
    return end


def _fold_confusables(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Fold look-alike letters in words that mix scripts; return the spans folded."""
    if _CONFUSABLE_CHAR_RE2.search(text) is None:
        return text, []
    allow_whole_words = _GENUINE_CYRILLIC_GREEK_RE2.search(text) is None
    # Genuine Cyrillic or Greek prose: only words that also hold ASCII letters are disguises,
    # and RE2 finds just those without visiting every word of the text.
    words = (
        _CONFUSABLE_WORD_RE.finditer(text) if allow_whole_words else _MIXED_WORD_RE.finditer(text)
    )
    pieces: list[str] = []
    folded: list[tuple[int, int]] = []
    last = 0
    for match in words:
        word = match.group()
        is_mixed = _ASCII_LETTER_RE.search(word) is not None
        if not is_mixed and not (allow_whole_words and len(word) >= 2):
            continue
        if is_mixed and all(c in _PHONETIC_LETTERS for c in word if c in _CONFUSABLES):
            continue
        if is_mixed and _is_transcription(text, match.start(), match.end()):
            continue
        pieces.append(text[last : match.start()])
        pieces.append(word.translate(_CONFUSABLE_TABLE))
        last = match.end()
        if is_mixed:
            folded.append((match.start(), match.end()))
    pieces.append(text[last:])
    return "".join(pieces), folded


def _is_transcription(text: str, start: int, end: int) -> bool:
    """A word written between slashes or square brackets ("/dɒɡ/", "[bɪt]"): phonetics."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return before in ("/", "[") or after in ("/", "]")


def _homoglyph_signal(spans: list[tuple[int, int]]) -> tuple[Obfuscation, ...]:
    if len(spans) < 2:
        return ()
    return (Obfuscation("homoglyphs", spans[0][0], spans[-1][1], len(spans)),)


def _signal(kind: str, positions: list[int]) -> Obfuscation:
    return Obfuscation(kind, min(positions), max(positions) + 1, len(positions))


# Encoded payloads -------------------------------------------------------------------------------

MAX_DECODE_DEPTH: Final = 3
"""How many encodings deep a payload is decoded (e.g. URL-encoded base64 of hex is 3)."""
MAX_VIEWS: Final = 64
"""Upper bound on decoded and hidden views per scan, so hostile input cannot fan out."""
_MIN_BASE64_CHARS: Final = 16
_TEXT_SAMPLE_CHARS: Final = 4096

_BASE64_RE: Final = re2.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
_HEX_RE: Final = re2.compile(
    r"(?:\\x[0-9A-Fa-f]{2}){4,}|\b(?:(?:0x)?[0-9A-Fa-f]{2}[ :,-]{0,2}){8,}"
)

_HEX_PAIR_RE: Final = re.compile(r"(?:\\x|0x)?([0-9A-Fa-f]{2})")
_URL_RE: Final = re2.compile(r"[^\s%]*(?:%[0-9A-Fa-f]{2}[^\s%]*){3,}")


def _encoded_hints() -> re2._Regexp:
    """One set pass that tells which encodings may be present at all."""
    hints = re2.Set.SearchSet(re2.Options())
    for pattern in (_BASE64_RE, _HEX_RE, _URL_RE):
        hints.Add(pattern.pattern)
    hints.Compile()
    return hints


_ENCODED_HINTS: Final = _encoded_hints()
_PRINTABLE_ASCII: Final = bytes(
    code for code in range(128) if chr(code).isprintable() or chr(code) in "\n\r\t"
)
_WORDY_ASCII: Final = bytes(
    code for code in range(128) if chr(code).isalpha() or chr(code).isspace()
)
_UPPER_RE: Final = re.compile("[A-Z]")
_LOWER_RE: Final = re.compile("[a-z]")


@dataclass(frozen=True, slots=True)
class EncodedPayload:
    """A run of text that decodes (base64, hex or URL encoding) to readable text."""

    encoding: str
    start: int
    end: int
    decoded: str


def find_encoded_payloads(source: str) -> list[EncodedPayload]:
    """Return the runs of ``source`` that decode to readable text, in order of position.

    Args:
        source: Text to search (not normalised: encodings are case-sensitive).

    Returns:
        At most :data:`MAX_VIEWS` payloads.
    """
    payloads: list[EncodedPayload] = []
    found = _ENCODED_HINTS.Match(source)
    if not found:
        return payloads
    if 0 in found:
        payloads.extend(_decode_runs(source, _BASE64_RE, "base64"))
    if 1 in found:
        payloads.extend(_decode_runs(source, _HEX_RE, "hex"))
    if 2 in found:
        payloads.extend(_decode_runs(source, _URL_RE, "url"))
    payloads.sort(key=lambda payload: payload.start)
    return payloads[:MAX_VIEWS]


def _decode_runs(source: str, pattern: re2._Regexp, encoding: str) -> list[EncodedPayload]:
    found: list[EncodedPayload] = []
    for match in pattern.finditer(source):
        decoded = _DECODERS[encoding](match.group())
        if decoded is not None:
            found.append(EncodedPayload(encoding, match.start(), match.end(), decoded))
            if len(found) >= MAX_VIEWS:
                break
    return found


def _decode_base64(run: str) -> str | None:
    body = run.rstrip("=")
    if len(body) < _MIN_BASE64_CHARS or len(body) % 4 == 1:
        return None
    if _UPPER_RE.search(body) is None or _LOWER_RE.search(body) is None:
        return None
    if "-" in body or "_" in body:
        if "+" in body or "/" in body:
            return None
        body = body.replace("-", "+").replace("_", "/")
    try:
        data = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except binascii.Error:
        return None
    return _as_text(data)


def _decode_hex(run: str) -> str | None:
    pairs = _HEX_PAIR_RE.findall(run)
    return _as_text(bytes.fromhex("".join(pairs)))


def _decode_url(run: str) -> str | None:
    if "%" not in run:
        return None
    try:
        decoded = urllib.parse.unquote_plus(run, errors="strict")
    except UnicodeDecodeError:
        # Escapes that are not UTF-8: old forms encode Latin-1 ("caf%E9"), which never fails.
        decoded = urllib.parse.unquote_plus(run, encoding="latin-1")
    return decoded if decoded != run and is_readable(decoded) else None


_DECODERS: Final = {"base64": _decode_base64, "hex": _decode_hex, "url": _decode_url}


def _as_text(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if is_readable(text) else None


def is_readable(text: str) -> bool:
    """Decoded bytes count as text when they are printable and mostly letters and spaces."""
    sample = text[:_TEXT_SAMPLE_CHARS]
    if len(sample.strip()) < 4:
        return False
    if sample.isascii():  # count by deleting the kinds of byte (C speed, same classes)
        data = sample.encode("ascii")
        printable = len(data) - len(data.translate(None, _PRINTABLE_ASCII))
        wordy = len(data) - len(data.translate(None, _WORDY_ASCII))
    else:
        # Format characters (zero-width spaces and joiners) are not printable, but obfuscated
        # text is full of them and normalisation removes them.
        printable = sum(
            1
            for char in sample
            if char.isprintable() or char in "\n\r\t" or unicodedata.category(char) == "Cf"
        )
        wordy = sum(1 for char in sample if char.isalpha() or char.isspace())
    return printable >= 0.95 * len(sample) and wordy >= 0.6 * len(sample)


# Views -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class View:
    """One text to run detectors over: the input itself, hidden tag text or a decoded payload."""

    normalized: NormalizedText
    origin: str
    """``text`` for the input, else the chain of encodings, e.g. ``tag`` or ``base64>hex``."""
    depth: int
    positions: tuple[int, ...] | None = None
    """Original index of each source character (hidden tag text)."""
    fixed_span: tuple[int, int] | None = None
    """Original span every match maps to (decoded payloads)."""

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to the span of the caller's original text."""
        if self.fixed_span is not None:
            return self.fixed_span
        first, last = self.normalized.source_span(start, end)
        if self.positions is None:
            return first, last
        if not self.positions:
            return 0, 0
        return self.positions[min(first, len(self.positions) - 1)], self.positions[last - 1] + 1


def build_views(text: str, *, max_depth: int = MAX_DECODE_DEPTH) -> list[View]:
    """Normalise ``text`` and every hidden or encoded text inside it, breadth first.

    Args:
        text: The caller's text.
        max_depth: How many layers of hiding or encoding to peel.

    Returns:
        The view of ``text`` itself first, then at most :data:`MAX_VIEWS` nested views.
    """
    views = [View(normalize(without_surrogates(text)), "text", 0)]
    index = 0
    while index < len(views) and len(views) <= MAX_VIEWS:
        view = views[index]
        index += 1
        if view.depth >= max_depth:
            continue
        views.extend(_children(view, MAX_VIEWS + 1 - len(views)))
    return views


def _children(view: View, limit: int) -> list[View]:
    """Up to ``limit`` views of what ``view`` hides or encodes (none is built past the limit)."""
    children: list[View] = []
    depth = view.depth + 1
    for hidden in view.normalized.hidden[:limit]:
        positions = tuple(_original_index(view, index) for index in hidden.positions)
        children.append(View(normalize(hidden.text), _chain(view, "tag"), depth, positions))
    for payload in find_encoded_payloads(view.normalized.source):
        if len(children) >= limit:
            break
        span = _original_source_span(view, payload.start, payload.end)
        children.append(
            View(normalize(payload.decoded), _chain(view, payload.encoding), depth, None, span)
        )
    # Read from the normalised text, so that ROT13 or backwards text written in fullwidth
    # letters, with escapes or invisible characters is recognised as the plain form is.
    for cipher, decoded in disguised_readings(view.normalized.text):
        if len(children) >= limit:
            break
        span = _original_source_span(view, 0, len(view.normalized.source))
        children.append(View(normalize(decoded), _chain(view, cipher), depth, None, span))
    return children


def _chain(view: View, encoding: str) -> str:
    return encoding if view.origin == "text" else f"{view.origin}>{encoding}"


def _original_index(view: View, source_index: int) -> int:
    if view.fixed_span is not None:
        return view.fixed_span[0]
    if view.positions is not None:
        return view.positions[source_index]
    return source_index


def _original_source_span(view: View, start: int, end: int) -> tuple[int, int]:
    """Map a span of the view's *source* string (not its normalised text) to the original."""
    if view.fixed_span is not None:
        return view.fixed_span
    if view.positions is not None:
        return view.positions[start], view.positions[end - 1] + 1
    return start, end
