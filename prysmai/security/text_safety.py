"""Make any Python string safe for the scanners' UTF-8 regular-expression engine."""

from __future__ import annotations

import re
from typing import Final

# Lone surrogates reach Python strings from JSON escapes (``"\ud800"``) and from bytes decoded
# with ``surrogateescape``; RE2 works on UTF-8 and cannot encode them.
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """Replace lone surrogates with U+FFFD; one character for one, so offsets stay valid."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")  # strict UTF-8 fails exactly on surrogates, and fails fast
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text
