"""Numeric PII: card numbers, SSNs, phone numbers and IPv4 addresses.

One cheap pattern collects runs of digits and separators; each run is split into numbers at
separators that cannot occur inside one, then classified in a fixed order (IPv4, SSN, card,
phone). Dates, ISBNs, version strings, decimals and identifiers glued to letters are dropped on
the way, so only values that pass their own validation are reported.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Final

from prysmai.security.pii_validators import (
    Candidate,
    is_card_number,
    is_public_ipv4,
    is_ssn,
    is_valid_isbn13,
)

_RUN: Final = re.compile(r"[0-9][0-9 ().\-/]{5,}+")
_GROUP: Final = re.compile(r"[0-9]+")
_PIECE: Final = re.compile(r"[0-9][0-9().\-/]{6,}+")
_MAX_RUN_CHARS: Final = 64
"""Longer than any number worth reporting (a 19-digit card with separators has 23)."""
_EXTENSION: Final = re.compile(r" ?(?:x|ext\.? ?|#)[0-9]{1,6}(?![0-9A-Za-z])")
_SEPARATORS: Final = frozenset({"", " ", "-", ".", "/"})
_DROP_SEPARATORS: Final = str.maketrans("", "", " ().-/")
_JOINERS: Final = frozenset("-./_")
_WORD_CHARS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")

_NANP: Final = re.compile(
    r"(?:(?:\+ ?1|001|1)[ .\-]?)?(?:\([0-9]{3}\) ?|[0-9]{3}[ .\-])[0-9]{3}[ .\-][0-9]{4}"
    r"(?: ?(?:x|ext\.? ?|#)[0-9]{1,6})?"
)
_DATE_SHAPE: Final = re.compile(
    r"(?:[0-9]{1,2}([./\-])[0-9]{1,2}\1(?:[0-9]{4}|[0-9]{2})|[0-9]{4}([./\-])[0-9]{1,2}\2[0-9]{1,2})"
)
_PHONE_CUE_BEFORE: Final = re.compile(
    r"(?i)phone|(?<![a-zà-ÿ])(?:tel[.:\s]|telephone|mobile?|mob[.:\s]|cell|fax|call(?:ing)?\b"
    r"|reach (?:me|us|him|her|them)|contact|dial|whatsapp|sms|answering|hotline|ring me"
    r"|telefon|téléphone|teléfono|telefono|handy|portable|numéro|número|(?:my|your) registered"
    r"|messag(?:e|es|ing) (?:me )?(?:at|to|on)\b|text(?:s|ed)? (?:me|to|at)"
    r"|(?:desk|office|home|work|direct|main)\s*:)"
)
_PHONE_CUE_AFTER: Final = re.compile(
    r"[ \t-]*[(\[]?(?i:office|fax|mobile|cell|home|work|desk|direct|phone|tel)\b"
)
# The word right before a number that says it is a place or an identifier, not a phone.
_NOT_PHONE_CUE: Final = re.compile(
    r"(?i)(?<![a-z])(?:apt|apartment|suite|ste|unit|box|floor|room|bldg|building|order"
    r"|invoice|ref|reference|case|ticket|id|account|acct|sku|part|serial|tracking|transaction"
    r"|txn|confirmation|booking|policy|claim|member|customer|batch|lot|model)"
    r"\.?\s*(?:no\.?|number|#|id)?\s*[:#]?\s*$"
)
_SSN_CUE: Final = re.compile(r"(?i)(?<![a-z])(?:ssn|social security|soc\.? sec)")
_VERSION_CUE: Final = re.compile(
    r"(?i)(?:(?<![a-z])(?:version|ver\.?|v|release[ds]?|build|tested with|tested on|upgraded? to"
    r"|bump(?:ed)? to|updated? to|firmware|kernel|sdk|runtime|patch|tag|rev\.?|revision|rv"
    r"|section|chapter|clause|paragraph|article|figure|table|step|item|oid|§)\s*[:=]?"
    r"|[=<>~!]=)\s*$"
)
_CUE_WINDOW: Final = 40

IP_ADDRESS: Final = "IP_ADDRESS"
SSN: Final = "SSN"
CREDIT_CARD: Final = "CREDIT_CARD"
PHONE: Final = "PHONE"


def find_numbers(text: str, start: int = 0) -> Iterator[Candidate]:
    """Yield card, SSN, phone and IPv4 candidates found in ``text`` from ``start`` on."""
    for run in _RUN.finditer(text, start):
        if run.end() - run.start() > _MAX_RUN_CHARS:
            yield from _find_in_long_run(text, run.start(), run.end())
            continue
        raw = run.group()
        if len(raw.translate(_DROP_SEPARATORS)) < 7 and raw.count(".") < 3:
            continue  # too few digits for anything but an IPv4 address
        for groups in _split_run(text, run.start(), run.end()):
            candidate = _classify(text, groups)
            if candidate is not None:
                yield candidate


def _find_in_long_run(text: str, start: int, end: int) -> Iterator[Candidate]:
    """A run too long for one number: classify its space-free pieces of sensible length.

    Numbers written with spaces inside such a run (a list of grouped numbers) are not found.
    """
    for piece in _PIECE.finditer(text, start, end):
        if piece.end() - piece.start() <= _MAX_RUN_CHARS:
            for groups in _split_run(text, piece.start(), piece.end()):
                candidate = _classify(text, groups)
                if candidate is not None:
                    yield candidate


def _split_run(text: str, start: int, end: int) -> Iterator[list[tuple[int, int]]]:
    """Split a digit run where the separator cannot belong inside one number."""
    groups = [match.span() for match in _GROUP.finditer(text, start, end)]
    current = [groups[0]]
    for previous, group in zip(groups, groups[1:], strict=False):
        separator = text[previous[1] : group[0]]
        if len(separator) <= 3 and separator.replace("(", "").replace(")", "") in _SEPARATORS:
            current.append(group)
        else:
            yield current
            current = [group]
    yield current


def _classify(text: str, groups: list[tuple[int, int]]) -> Candidate | None:
    start, end = groups[0][0], groups[-1][1]
    start = _extend_left(text, start)
    if not _is_free_standing(text, start, end):
        return None
    raw = text[start:end]
    digits = "".join(text[a:b] for a, b in groups)
    separators = [text[a[1] : b[0]] for a, b in zip(groups, groups[1:], strict=False)]

    if len(groups) == 4 and all(sep == "." for sep in separators) and raw[0] != "+":
        return _classify_ipv4(text, raw, groups, start, end)
    if len(groups) == 3 and [b - a for a, b in groups] == [3, 2, 4] and separators[0] == "-":
        # A "(" or "+" pulled in from the left makes it a phone-like token, not an SSN.
        parts = [text[a:b] for a, b in groups]
        is_valid = separators[1] == "-" and raw[0].isdigit() and is_ssn(*parts)
        return Candidate(SSN, "ssn.dashed", start, end) if is_valid else None
    if _is_card_shape(raw, groups, separators) and is_card_number(digits):
        return Candidate(CREDIT_CARD, "credit_card", start, end)
    if _looks_like_ssn(text, digits, groups, separators, start):
        return Candidate(SSN, "ssn.with_cue", start, end)
    if _DATE_SHAPE.fullmatch(raw) or is_valid_isbn13(digits):
        return None
    return _classify_phone(text, raw, groups, separators, start, end)


def _extend_left(text: str, start: int) -> int:
    if start and text[start - 1] == "(":
        start -= 1
    if start and text[start - 1] == "+":
        return start - 1
    if start > 1 and text[start - 2 : start] == "+ ":
        return start - 2
    return start


def _is_free_standing(text: str, start: int, end: int) -> bool:
    """Reject numbers glued to letters or embedded in a longer token (``ORD-123``, UUIDs)."""
    before = text[start - 1] if start else " "
    if before in _WORD_CHARS:
        return False
    if before in _JOINERS and start > 1 and text[start - 2] in _WORD_CHARS:
        return False
    after = text[end] if end < len(text) else " "
    if after in _WORD_CHARS and not _EXTENSION.match(text, end):
        return False
    following = text[end + 1] if end + 1 < len(text) else " "
    if after in _JOINERS and following in _WORD_CHARS:
        return after == "-" and _PHONE_CUE_AFTER.match(text, end + 1) is not None  # "555-1234-Fax"
    return True


def _classify_ipv4(
    text: str, raw: str, groups: list[tuple[int, int]], start: int, end: int
) -> Candidate | None:
    if not is_public_ipv4(raw):
        return None
    if _VERSION_CUE.search(text, max(0, start - 20), start):
        return None
    return Candidate(IP_ADDRESS, "ip_address.v4", start, end)


def _is_card_shape(raw: str, groups: list[tuple[int, int]], separators: list[str]) -> bool:
    if "(" in raw or "+" in raw or len(set(separators)) > 1:
        return False
    if not separators:
        return True
    if separators[0] not in (" ", "-"):
        return False
    sizes = [b - a for a, b in groups]
    if sizes[:-1] == [4] * (len(sizes) - 1) and 1 <= sizes[-1] <= 4:
        return True
    return sizes in ([4, 6, 5], [4, 6, 4], [4, 4, 4, 4, 3], [6, 13])


def _looks_like_ssn(
    text: str, digits: str, groups: list[tuple[int, int]], separators: list[str], start: int
) -> bool:
    if len(digits) != 9 or set(separators) - {" "}:
        return False
    sizes = [b - a for a, b in groups]
    if sizes not in ([9], [3, 2, 4]):
        return False
    if not is_ssn(digits[:3], digits[3:5], digits[5:]):
        return False
    return _SSN_CUE.search(text, max(0, start - _CUE_WINDOW), start) is not None


def _classify_phone(
    text: str,
    raw: str,
    groups: list[tuple[int, int]],
    separators: list[str],
    start: int,
    end: int,
) -> Candidate | None:
    extension = _EXTENSION.match(text, end)
    if extension:
        end = extension.end()
    sizes = [b - a for a, b in groups]
    digit_count = sum(sizes)
    kinds = set(separators)
    if not 7 <= digit_count <= 15 or (kinds == {"."} and len(groups) == 2):
        return None  # too short or too long, or a decimal number
    window = text[max(0, start - _CUE_WINDOW) : start]
    if _VERSION_CUE.search(window[-20:]) or _NOT_PHONE_CUE.search(window[-24:]):
        return None
    if _is_strong_phone(raw, sizes, kinds) or _has_phone_cue(text, window, end):
        return Candidate(PHONE, "phone", start, end)
    return None


def _is_strong_phone(raw: str, sizes: list[int], kinds: set[str]) -> bool:
    """Shapes that are phone numbers without any context word."""
    if raw.startswith("+"):
        return sum(sizes) >= 8 and _is_possible_international(raw)
    if _NANP.fullmatch(raw):
        return True
    if "(" in raw and ")" in raw:
        return True
    clean = {kind.replace("(", "").replace(")", "") for kind in kinds} - {""}
    if len(clean) != 1 or clean == {"/"}:
        return False
    if len(sizes) == 2:
        return raw.startswith("0") and sum(sizes) >= 9 and clean != {"."}
    return _is_grouped_phone(sizes, clean.pop())


def _is_grouped_phone(sizes: list[int], separator: str) -> bool:
    if any(size > 5 for size in sizes) or any(size < 2 for size in sizes[1:]):
        return False
    if all(size == 4 for size in sizes):
        return False  # "1234 5678 9012" reads as an account or card-like number
    if sizes[0] <= 3 and all(size == 3 for size in sizes[1:]):
        return False  # "1 234 567" reads as a number with thousands separators
    if separator == ".":
        return all(size == 2 for size in sizes) or sizes == [3, 3, 4]
    if separator == " " and all(size == 2 for size in sizes):
        return len(sizes) >= 5  # "01 23 45 67 89"; four pairs may be a list of numbers
    return True


@functools.lru_cache(maxsize=4096)
def _is_possible_international(raw: str) -> bool:
    # Cached: chat requests re-send the whole conversation each turn, so the same numbers
    # come back again and again, and phone-number parsing is the costliest check here.
    try:
        import phonenumbers
    except ImportError:  # pragma: no cover - phonenumbers is a declared dependency
        return True
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_possible_number(number))


def _has_phone_cue(text: str, window: str, end: int) -> bool:
    last_digit = max(window.rfind(digit) for digit in "0123456789")
    if _PHONE_CUE_BEFORE.search(window, last_digit + 1):
        return True
    return _PHONE_CUE_AFTER.match(text, end, end + 16) is not None
