"""Checks that turn a pattern candidate into a confirmed PII value.

Every function here is pure and cheap: it receives the matched text (or its parts) and answers
whether the value is real enough to report. Pattern matching lives in ``pii`` and
``secrets_patterns``; the rules that separate a card number from a timestamp, or an SSN from a
look-alike, live here.
"""

from __future__ import annotations

import datetime
import ipaddress
import math
from collections import Counter
from typing import Final, NamedTuple


class Candidate(NamedTuple):
    """A validated match before it becomes a ``Finding`` (offsets into the original text)."""

    category: str
    rule: str
    start: int
    end: int


_MAESTRO_LENGTHS: Final = frozenset(range(12, 20))
# (first digits, allowed lengths) for the card networks in circulation; a number must match one.
# Ranges are written as (low, high) over the same number of leading digits.
_CARD_RANGES: Final[tuple[tuple[int, int, frozenset[int]], ...]] = (
    (4, 4, frozenset({13, 16, 19})),  # Visa
    (51, 55, frozenset({16})),  # Mastercard
    (2221, 2720, frozenset({16})),  # Mastercard 2-series (since 2017)
    (34, 34, frozenset({15})),  # American Express
    (37, 37, frozenset({15})),  # American Express
    (300, 305, frozenset({14, 16, 17, 18, 19})),  # Diners Club
    (3095, 3095, frozenset({14, 16, 17, 18, 19})),  # Diners Club
    (36, 36, frozenset({14, 16, 17, 18, 19})),  # Diners Club International
    (38, 39, frozenset({14, 16, 17, 18, 19})),  # Diners Club
    (6011, 6011, frozenset({16, 17, 18, 19})),  # Discover
    (644, 649, frozenset({16, 17, 18, 19})),  # Discover
    (65, 65, frozenset({16, 17, 18, 19})),  # Discover / RuPay
    (35, 35, frozenset({16, 17, 18, 19})),  # JCB (3528-3589 issued; the whole 35 block is JCB's)
    (1800, 1800, frozenset({15})),  # JCB (legacy 15-digit)
    (2131, 2131, frozenset({15})),  # JCB (legacy 15-digit)
    (62, 62, frozenset({16, 17, 18, 19})),  # UnionPay
    (2200, 2204, frozenset({16, 17, 18, 19})),  # Mir
    (50, 50, _MAESTRO_LENGTHS),  # Maestro
    (56, 58, _MAESTRO_LENGTHS),  # Maestro
    (6304, 6304, _MAESTRO_LENGTHS),  # Maestro
    (6759, 6759, _MAESTRO_LENGTHS),  # Maestro
    (6761, 6763, _MAESTRO_LENGTHS),  # Maestro
    (60, 60, frozenset({16})),  # RuPay
    (81, 82, frozenset({16})),  # RuPay / UnionPay
)

_MIN_BIRTH_YEAR: Final = 1900

# Values that are syntactically valid but never identify anyone.
_NON_PII_IPS: Final = frozenset(
    {
        ipaddress.ip_address("0.0.0.0"),
        ipaddress.ip_address("255.255.255.255"),
        ipaddress.ip_address("::"),
    }
)
_NETMASK_OCTETS: Final = frozenset({0, 128, 192, 224, 240, 248, 252, 254, 255})


def passes_luhn(digits: str) -> bool:
    """Return True when a string of ASCII digits has a valid Luhn check digit."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def is_card_number(digits: str) -> bool:
    """Return True for a plausible payment card number: issuer prefix, length and Luhn.

    Args:
        digits: the card number with separators removed.
    """
    length = len(digits)
    if not 12 <= length <= 19 or not _matches_issuer(digits, length):
        return False
    return passes_luhn(digits)


def _matches_issuer(digits: str, length: int) -> bool:
    for low, high, lengths in _CARD_RANGES:
        if length not in lengths:
            continue
        prefix = int(digits[: len(str(low))])
        if low <= prefix <= high:
            return True
    return False


def is_ssn(area: str, group: str, serial: str) -> bool:
    """Return True when the three parts follow the SSA's rules for an issuable SSN.

    Area 000, 666 and 900-999 are never issued, nor are group 00 and serial 0000.
    """
    area_number = int(area)
    if area_number == 0 or area_number == 666 or area_number >= 900:
        return False
    return int(group) != 0 and int(serial) != 0


def is_public_ipv4(candidate: str) -> bool:
    """Return True for a dotted-quad IPv4 address that identifies a host.

    Octets must be 0-255 without leading zeros (as ``ipaddress`` requires); ``0.0.0.0``, the
    broadcast address and netmasks are rejected. Faster than ``ipaddress`` for the common case.
    """
    parts = candidate.split(".")
    if len(parts) != 4:
        return False
    for part in parts:
        if not part.isdigit() or len(part) > 3 or (len(part) > 1 and part[0] == "0"):
            return False
        if int(part) > 255:
            return False
    return candidate != "0.0.0.0" and not _is_netmask(candidate)


def parse_ip(candidate: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Parse an IPv4 or IPv6 address; None when invalid or when it identifies no host.

    The unspecified addresses (``0.0.0.0``, ``::``), the broadcast address and netmasks such as
    ``255.255.255.0`` are rejected.
    """
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return None
    if address in _NON_PII_IPS:
        return None
    if address.version == 4 and _is_netmask(candidate):
        return None
    return address


def _is_netmask(candidate: str) -> bool:
    octets = [int(part) for part in candidate.split(".")]
    if octets[0] != 255 or any(octet not in _NETMASK_OCTETS for octet in octets):
        return False
    bits = "".join(format(octet, "08b") for octet in octets)
    return "01" not in bits


def is_birth_date(year: int, month: int, day: int, *, today: datetime.date | None = None) -> bool:
    """Return True for a real calendar date that can be a date of birth (1900 to today)."""
    current = today or datetime.date.today()
    if not _MIN_BIRTH_YEAR <= year <= current.year:
        return False
    try:
        value = datetime.date(year, month, day)
    except ValueError:
        return False
    return value <= current


def expand_two_digit_year(year: int, *, today: datetime.date | None = None) -> int:
    """Map a two-digit birth year to the most recent past century (``55`` -> 1955)."""
    current = today or datetime.date.today()
    century = current.year - current.year % 100
    full = century + year
    return full - 100 if full > current.year else full


def is_valid_isbn13(digits: str) -> bool:
    """Return True for a 13-digit ISBN (978/979 prefix with a valid check digit)."""
    if len(digits) != 13 or digits[:3] not in ("978", "979"):
        return False
    total = sum((ord(char) - 48) * (1 if i % 2 == 0 else 3) for i, char in enumerate(digits))
    return total % 10 == 0


def shannon_entropy(value: str) -> float:
    """Return the Shannon entropy of a string in bits per character."""
    if not value:
        return 0.0
    length = len(value)
    return -sum(n / length * math.log2(n / length) for n in Counter(value).values())


_PLACEHOLDER_WORDS: Final = (
    "xxxx",
    "your",
    "here",
    "replace",
    "example",
    "placeholder",
    "redacted",
    "insert",
    "changeme",
    "****",
    "....",
    "<",
    ">",
    "{",
    "}",
    "$",
)


def looks_like_placeholder(value: str) -> bool:
    """Return True for documentation stand-ins such as ``sk-xxxx...`` or ``YOUR_API_KEY_HERE``."""
    lowered = value.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return True
    return len(set(lowered)) < min(8, max(2, len(value) // 3))


def has_mixed_classes(value: str, *, need_digit: bool = True) -> bool:
    """Return True when a token mixes upper case, lower case and (optionally) digits."""
    has_upper = any(char.isupper() for char in value)
    has_lower = any(char.islower() for char in value)
    has_digit = any(char.isdigit() for char in value)
    return has_upper and has_lower and (has_digit or not need_digit)
