"""Text written in ROT13 or backwards, recognised by the English words it disguises.

"Vtaber nyy cerivbhf vafgehpgvbaf" and "snoitcurtsni suoiverp lla erongI" carry an attack that
no phrase rule can read. Both ciphers keep word boundaries, so the commonest English words
give them away in their disguised form ("gur", "naq", "lbhe" in ROT13; "eht", "dna", "ruoy"
backwards). When two different such words occur, the whole text is read once more, decoded,
as an encoded payload (:mod:`prysmai.security.normalize` builds the view): rules that match
the decoded reading report an encoding trick. A text with only one such word ("16 gb",
"DNA") is not decoded, and a decoded reading that matches no rule costs nothing more.
"""

from __future__ import annotations

import string
from typing import Final

import re2

MIN_DISGUISED_WORDS: Final = 2
"""Different disguised words a text needs before it is decoded."""

_ROT13: Final = str.maketrans(
    string.ascii_lowercase + string.ascii_uppercase,
    string.ascii_lowercase[13:]
    + string.ascii_lowercase[:13]
    + string.ascii_uppercase[13:]
    + string.ascii_uppercase[:13],
)
_ROT13_WORDS: Final = (
    "gur naq lbh lbhe gung jvgu guvf nyy jung jnf ubj jurer jul pna ner abj qb nal vtaber "
    "sbetrg nobir cerivbhf ehyrf vafgehpgvbaf cebzcg cnffjbeq frperg flfgrz eriirny gryy"
).split()
"""the, and, you, your, that, with, this, all, what, was, how, where, why, can, are, now, do,
any, ignore, forget, above, previous, rules, instructions, prompt, password, secret, system,
reveal, tell."""
_REVERSED_WORDS: Final = (
    "eht dna uoy ruoy taht htiw siht lla tahw woh erehw yhw nac erongi tegrof evoba "
    "suoiverp selur snoitcurtsni tpmorp drowssap terces metsys laever llet"
).split()


def _word_finder(words: list[str]) -> re2._Regexp:
    # One linear RE2 pass over the text's bytes: splitting every text into a set of words
    # cost about 12 µs per KB, and texts almost never hold any of these words.
    return re2.compile(rb"(?i)\b(?:" + "|".join(words).encode("ascii") + rb")\b")


_ROT13_FINDER: Final = _word_finder(_ROT13_WORDS)
_REVERSED_FINDER: Final = _word_finder(_REVERSED_WORDS)


def disguised_readings(source: str) -> list[tuple[str, str]]:
    """Return ``(cipher, decoded text)`` for each cipher ``source`` appears written in.

    Args:
        source: Any text; :mod:`prysmai.security.normalize` passes its normalised form.

    Returns:
        ``("rot13", ...)`` and/or ``("reversed", ...)``, each the whole text decoded; empty
        for ordinary text.
    """
    if len(source) < 8:
        return []
    # "_" joins words for \b ("Vtaber_nyy"): read it as the space it stands for.
    data = source.encode("utf-8", "surrogatepass").replace(b"_", b" ")
    readings: list[tuple[str, str]] = []
    if _finds_enough(_ROT13_FINDER, data):
        readings.append(("rot13", source.translate(_ROT13)))
    if _finds_enough(_REVERSED_FINDER, data):
        readings.append(("reversed", source[::-1]))
    return readings


def _finds_enough(finder: re2._Regexp, data: bytes) -> bool:
    """Whether ``data`` holds :data:`MIN_DISGUISED_WORDS` different words of ``finder``."""
    found: set[bytes] = set()
    for match in finder.finditer(data):
        found.add(match.group().lower())
        if len(found) >= MIN_DISGUISED_WORDS:
            return True
    return False
