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

MIN_DISGUISED_WORDS: Final = 2
"""Different disguised words a text needs before it is decoded."""

_ROT13: Final = str.maketrans(
    string.ascii_lowercase + string.ascii_uppercase,
    string.ascii_lowercase[13:]
    + string.ascii_lowercase[:13]
    + string.ascii_uppercase[13:]
    + string.ascii_uppercase[:13],
)
_ROT13_WORDS: Final = frozenset(
    (
        b"gur naq lbh lbhe gung jvgu guvf nyy jung jnf ubj jurer jul pna vtaber vafgehpgvbaf "
        b"cebzcg cnffjbeq frperg flfgrz eriirny gryy"
    ).split()
)
"""the, and, you, your, that, with, this, all, what, was, how, where, why, can, ignore,
instructions, prompt, password, secret, system, reveal, tell."""
_REVERSED_WORDS: Final = frozenset(
    (
        b"eht dna uoy ruoy taht htiw siht lla tahw woh erehw yhw nac erongi snoitcurtsni "
        b"tpmorp drowssap terces metsys laever llet"
    ).split()
)
_LETTERS_ONLY: Final = bytes(
    code if chr(code).isascii() and chr(code).isalpha() else 0x20 for code in range(256)
)
"""Byte table: ASCII letters stay, every other byte (UTF-8 of other scripts too) is a space."""


def disguised_readings(source: str) -> list[tuple[str, str]]:
    """Return ``(cipher, decoded text)`` for each cipher ``source`` appears written in.

    Args:
        source: Any text (not normalised: case is kept in the decoded readings).

    Returns:
        ``("rot13", ...)`` and/or ``("reversed", ...)``, each the whole text decoded; empty
        for ordinary text.
    """
    if len(source) < 8:
        return []
    # Words as ASCII bytes: a byte table finds them at C speed, in text of any script.
    words = set(source.encode("utf-8", "surrogatepass").translate(_LETTERS_ONLY).lower().split())
    readings: list[tuple[str, str]] = []
    if len(words & _ROT13_WORDS) >= MIN_DISGUISED_WORDS:
        readings.append(("rot13", source.translate(_ROT13)))
    if len(words & _REVERSED_WORDS) >= MIN_DISGUISED_WORDS:
        readings.append(("reversed", source[::-1]))
    return readings
