"""Durations written as people write them: ``30s``, ``5m``, ``1h30m``, ``1.5h``, ``30d``."""

from __future__ import annotations

import math
import re
from typing import Final

UNIT_SECONDS: Final = {"s": 1, "m": 60, "h": 3600, "d": 86_400}
_PART: Final = re.compile(r"([0-9]{1,12}(?:\.[0-9]{1,9})?)([smhd])")
_WHOLE: Final = re.compile(r"(?:[0-9]{1,12}(?:\.[0-9]{1,9})?[smhd])+")


def parse_duration(text: str) -> float:
    """Return the seconds in ``text``: numbers each followed by ``s``, ``m``, ``h`` or ``d``.

    Parts add up (``1h30m`` is 5400); case and surrounding spaces do not matter.

    Raises:
        ValueError: ``text`` is not such a duration; the message says how to write one.
    """
    raw = text.strip().lower()
    if not _WHOLE.fullmatch(raw):
        raise ValueError(
            f"invalid duration {text!r}: use a number and a unit, e.g. 30s, 5m, 1h30m or 1d"
        )
    seconds = sum(float(number) * UNIT_SECONDS[unit] for number, unit in _PART.findall(raw))
    if not math.isfinite(seconds):  # pragma: no cover - twelve digits cannot overflow a float
        raise ValueError(f"invalid duration {text!r}: too long")
    return seconds


def format_duration(seconds: float) -> str:
    """Write ``seconds`` in days, hours, minutes and seconds: ``5400`` is ``1h30m``."""
    if seconds != int(seconds):
        return f"{seconds:g}s"
    remaining = int(seconds)
    if remaining <= 0:
        return "0s"
    parts = []
    for unit in ("d", "h", "m", "s"):
        count, remaining = divmod(remaining, UNIT_SECONDS[unit])
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
