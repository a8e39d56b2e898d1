"""Numeric PII: card numbers, SSNs, phone numbers and IPv4 addresses.

One cheap pattern collects runs of digits and separators; each run is split into numbers at
separators that cannot occur inside one, then classified in a fixed order (IPv4, SSN, card,
phone). Dates, ISBNs, version strings, decimals and identifiers glued to letters are dropped on
the way, so only values that pass their own validation are reported.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator
from types import ModuleType
from typing import Final

from prysmai.security.pii_validators import (
    Candidate,
    is_card_number,
    is_public_ipv4,
    is_ssn,
    is_valid_isbn13,
)

_RUN: Final = re.compile(r"[0-9][0-9 ().\-/]{5,}+")
_ZERO_RUN: Final = re.compile(rb"0[0 ().\-/]{5,}+")
""":data:`_RUN` over Latin-1 bytes whose digits are all ``0``."""
_DIGITS_TO_ZERO: Final = bytes.maketrans(b"0123456789", b"0000000000")
_SPLIT: Final = re.compile(r"([^0-9]+)")
_PIECE: Final = re.compile(r"[0-9][0-9().\-/]{6,}+")
_MAX_RUN_CHARS: Final = 64
"""Longer than any number worth reporting (a 19-digit card with separators has 23)."""
_EXTENSION: Final = re.compile(r" ?(?:x|ext\.? ?|#)[0-9]{1,6}(?![0-9A-Za-z])")
_EXTENSION_STARTS: Final = frozenset(" xe#")
_SEPARATORS: Final = frozenset({"", " ", "-", ".", "/"})
_JOINING: Final = frozenset(
    separator
    for size in (1, 2, 3)
    for separator in map("".join, itertools.product(" ().-/", repeat=size))
    if separator.replace("(", "").replace(")", "") in _SEPARATORS
)
"""Every separator (of the characters a run holds) that can stand inside one number."""
_THREE_DOTS: Final = [".", ".", "."]
_DOTTED_QUAD: Final = re.compile(r"(?<![0-9.])[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?![0-9]|\.[0-9])")
_ADDRESS_RUN_REST: Final = re.compile(r"(?:/(?:[12]?[0-9]|3[0-2])(?![0-9])|[ \-/])*")
"""What may surround the addresses of a run: prefix lengths, dashes, slashes and spaces."""
_NO_SEPARATOR: Final = frozenset({""})
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
    r"|(?:desk|office|home|work|direct|main)\s*:"
    r"|(?:my|our|his|her|their|your) (?:phone |cell |mobile |contact |home |work )?"
    r"(?:number|no\.|#)(?=(?:\s*(?:is|was|:|#|-))?\s*$)|nomor|no\.? hp\b|मोबाइल|फ़ोन|फोन|संपर्क"
    # Chinese, Japanese, Korean and Thai: phone, mobile, call, contact number; not inside
    # "conference call", "phone model / case", "telephone set" or "television".
    r"|电话(?!会议)|電話(?!会議|會議)|手机(?!型号|壳)|手機(?!型號|殼)|联系|聯繫|联络|聯絡|致电"
    r"|致電|打给|打給|短信|簡訊|简讯"
    r"|拨打|撥打|携帯(?!ケース)|전화(?!기)|휴대폰(?!\s?케이스)|핸드폰|연락처|โทร(?!ทัศน์)|เบอร์)"
)
_PHONE_CUE_AFTER: Final = re.compile(
    r"[ \t-]*[(\[]?(?i:office|fax|mobile|cell|home|work|desk|direct|phone|tel)\b"
)
_NOT_PHONE_WORDS: Final = (
    "apt", "apartment", "suite", "ste", "unit", "box", "floor", "room", "bldg", "building",
    "order", "invoice", "ref", "reference", "case", "ticket", "id", "account", "acct", "sku",
    "part", "serial", "tracking", "transaction", "txn", "confirmation", "booking", "policy",
    "claim", "member", "customer", "batch", "lot", "model", "count", "depth", "size", "total",
    "timestamp", "epoch", "unix time",
)  # fmt: skip
"""Words right before a number that say it is a place or an identifier, not a phone."""
_VERSION_WORDS: Final = (
    "version", "ver", "ver.", "v", "release", "released", "releases", "build", "tested with",
    "tested on", "upgrade to", "upgraded to", "bump to", "bumped to", "update to", "updated to",
    "firmware", "kernel", "sdk", "runtime", "patch", "tag", "rev", "rev.", "revision", "rv",
    "section", "chapter", "clause", "paragraph", "article", "figure", "table", "step", "item",
    "sections", "chapters", "clauses", "paragraphs", "articles", "figures", "tables", "steps",
    "items", "oid", "§",
)  # fmt: skip
"""Words right before a number that say it is a version or a section, not an address."""


def _trie(words: Iterable[str]) -> str:
    """Return a regex alternation of ``words``, factored on their shared leading characters."""
    branches: dict[str, list[str]] = {}
    for word in words:
        if word:
            branches.setdefault(word[0], []).append(word[1:])
    parts = [re.escape(head) + _trie(tails) for head, tails in sorted(branches.items())]
    if not parts:
        return ""
    body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    return "(?:" + body + ")?" if "" in words else body


def _reversed_trie(words: Iterable[str]) -> str:
    return _trie([word[::-1] for word in words])


# The cue right before a number, searched in the few characters before it. A search for
# "cue, then the end" tries the cue at every position, so each cue is written reversed and
# matched once, anchored, on the reversed characters; the word boundary that precedes a cue
# becomes a look-ahead.
_SSN_CUE: Final = re.compile(
    r"(?i)(?<![a-z])(?:ssn|s\.s\.n|social security|soc\.? sec|ss ?(?:#|no\b|num|number))"
)
_VERSION_CUE: Final = re.compile(
    r"(?i)(?:(?<![a-z])(?:" + _trie(_VERSION_WORDS) + r")\s*[:=]?|[=<>~!]=)\s*$"
)
_VERSION_CUE_REVERSED: Final = re.compile(
    r"(?i)\s*(?:[:=]?\s*" + _reversed_trie(_VERSION_WORDS) + r"(?![a-z])|=[=<>~!])"
)
""":data:`_VERSION_CUE` for the reversed characters before a number."""
# "Invoice number is 2024-11-0042", "order no. is ...", "ref #: ...": a reference number.
_LABEL_REVERSED: Final = _reversed_trie(("no", "no.", "number", "#", "id"))
_NOT_PHONE_CUE_REVERSED: Final = re.compile(
    rf"(?i)\s*[:#]?\s*(?:(?:si\s+)?{_LABEL_REVERSED})?\s*\.?"
    rf"{_reversed_trie(_NOT_PHONE_WORDS)}(?![a-z])"
)
""""Apt", "invoice no.", "order #" ... then the number, for the reversed characters before it."""
_EAST_ASIAN_ID_CUE: Final = re.compile(
    r"(?:订单|訂單|单号|單號|编号|編號|运单|運單|发票|發票|工单|注文|番号|주문|송장|영수증|"
    r"เลขที่|คำสั่งซื้อ)[^0-9]{0,6}$"
)
"""Order, waybill, invoice or reference number (Chinese, Japanese, Korean, Thai) before it."""
_EAST_ASIAN_ID_WINDOW: Final = 16
_CJK_CONTACT_RIGHT_BEFORE: Final = re.compile(
    r"(?:联系|聯繫|联络|聯絡|拨打|撥打|致电|致電|打给|打給|电话|電話|手机|手機)[^0-9]{0,3}$"
)
""""Please contact", "call", "phone" just before a number: a phone number, even when an order
word comes earlier in the sentence ("订单有问题请联系13812345678")."""
_UNIT_AFTER: Final = re.compile(
    r"\s?(?:ns|µs|us|ms|s|sec|secs|seconds|bytes|kb|mb|gb|usd|eur|km|kg|원|บาท|円|元|台|件|個"
    r"|个|명|개|timestamp|时间戳|時間戳|タイムスタンプ|타임스탬프)(?![A-Za-z])",
    re.IGNORECASE,
)
_MAX_NOTE_CHARS: Final = 50
_NOTE_BEFORE_NUMBER: Final = re.compile(
    r"\s*(?:[(（][^()（）]{0,48}[)）]\s*[:：]?|#[0-9]{1,2}\s*[:：])\s*$"
)
_LONGEST_CUE: Final = 24
_CUE_WINDOW: Final = 40


def _is_compact_date_time(raw: str) -> bool:
    """Digits that read as a date and time written together (``20230101123456``)."""
    if len(raw) not in (12, 14) or not raw.isdigit() or raw[:2] not in ("19", "20"):
        return False
    month, day, hour, minute = (int(raw[i : i + 2]) for i in (4, 6, 8, 10))
    return 1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60


_LONGEST_DATE: Final = len("2024-12-31")
_VERSION_WINDOW: Final = 20
_NOT_PHONE_WINDOW: Final = 24
_TAIL_CHARS: Final = "".join(char for char in map(chr, range(0x3001)) if char.isspace()) + ":#."
"""What may follow a cue before the number: every character ``\\s`` matches (the last one is
U+3000) and the cues' punctuation, except ``=``, which is checked on its own."""
_VERSION_ENDS: Final = tuple(sorted({word.rstrip(".").split()[-1] for word in _VERSION_WORDS}))
_NOT_PHONE_ENDS: Final = (*_NOT_PHONE_WORDS, "no", "number", "id", "is")
_CUE_ENDS: Final = tuple(sorted({*_VERSION_ENDS, *_NOT_PHONE_ENDS}))
_LONGEST_END: Final = max(map(len, _CUE_ENDS))


IP_ADDRESS: Final = "IP_ADDRESS"
SSN: Final = "SSN"
CREDIT_CARD: Final = "CREDIT_CARD"
PHONE: Final = "PHONE"


def find_numbers(text: str, start: int = 0) -> Iterator[Candidate]:
    """Yield card, SSN, phone and IPv4 candidates found in ``text`` from ``start`` on."""
    for run in _find_runs(text, start):
        run_start, run_end = run.span()
        if run_end - run_start > _MAX_RUN_CHARS:
            yield from _find_in_long_run(text, run_start, run_end)
            continue
        raw = text[run_start:run_end]
        parts = _SPLIT.split(raw)
        if len("".join(parts[0::2])) < 7 and raw.count(".") < 3:
            continue  # too few digits for anything but an IPv4 address
        yield from _classify_run(text, run_start, parts)


def _find_runs(text: str, start: int) -> Iterator[re.Match[str]] | Iterator[re.Match[bytes]]:
    """Find the runs of digits and separators (spans index ``text`` either way).

    Text that fits in Latin-1 is searched as bytes with every digit made a ``0``: a literal
    first character lets ``re`` skip ahead several times faster than a character class does.
    """
    try:
        latin = text.encode("latin-1")
    except UnicodeEncodeError:
        return _RUN.finditer(text, start)
    return _ZERO_RUN.finditer(latin.translate(_DIGITS_TO_ZERO), start)


def _find_in_long_run(text: str, start: int, end: int) -> Iterator[Candidate]:
    """A run too long for one number: classify its space-free pieces of sensible length.

    Numbers written with spaces inside such a run (a list of grouped numbers) are not found.
    """
    for piece in _PIECE.finditer(text, start, end):
        if piece.end() - piece.start() <= _MAX_RUN_CHARS:
            yield from _classify_run(text, piece.start(), _SPLIT.split(piece.group()))


def _classify_run(text: str, position: int, parts: list[str]) -> list[Candidate]:
    """Split a run where a separator cannot belong inside one number; classify each number.

    Args:
        text: The whole text.
        position: Where the run starts in ``text``.
        parts: The run split into digit groups and the separators between them (a run
            starts with a digit; one that ends with separators ends with an empty group).
    """
    if not parts[-1]:
        del parts[-2:]
    separators = parts[1::2]
    if separators.count(".") >= 3 and len(parts) > 7:
        addresses = _addresses_in_run(text, position, "".join(parts))
        if addresses is not None:
            return addresses
    if _JOINING.issuperset(separators):  # the usual case: the run is one number
        end = position + sum(map(len, parts))
        candidate = _classify(text, position, end, parts[0::2], separators)
        return [] if candidate is None else [candidate]
    found: list[Candidate] = []
    number_start = position
    cursor = position + len(parts[0])
    groups = [parts[0]]
    joins: list[str] = []
    for index in range(1, len(parts), 2):
        separator, group = parts[index], parts[index + 1]
        if separator in _JOINING:
            joins.append(separator)
            groups.append(group)
        else:
            candidate = _classify(text, number_start, cursor, groups, joins)
            if candidate is not None:
                found.append(candidate)
            number_start = cursor + len(separator)
            groups = [group]
            joins = []
        cursor += len(separator) + len(group)
    candidate = _classify(text, number_start, cursor, groups, joins)
    if candidate is not None:
        found.append(candidate)
    return found


def _classify(
    text: str, start: int, end: int, groups: list[str], separators: list[str]
) -> Candidate | None:
    """Classify one number: its digit groups and the separators between them."""
    start = _extend_left(text, start, end)
    raw = text[start:end]
    count = len(groups)
    is_dotted_quad = (
        count == 4 and raw[0] != "+" and separators == _THREE_DOTS and max(map(len, groups)) <= 3
    )
    if not _is_free_standing(text, start, end, path_may_follow=is_dotted_quad):
        return None

    if is_dotted_quad:
        return _classify_ipv4(text, raw, start, end)
    sizes = [len(group) for group in groups]
    if count == 3 and sizes == [3, 2, 4] and separators[0] == "-":
        # A "(" or "+" pulled in from the left makes it a phone-like token, not an SSN.
        is_valid = separators[1] == "-" and raw[0].isdigit() and is_ssn(*groups)
        return Candidate(SSN, "ssn.dashed", start, end) if is_valid else None
    digits = "".join(groups)
    length = len(digits)
    if 12 <= length <= 19 and _is_card_shape(raw, sizes, separators) and is_card_number(digits):
        return Candidate(CREDIT_CARD, "credit_card", start, end)
    if length == 9 and _looks_like_ssn(text, digits, sizes, separators, start):
        return Candidate(SSN, "ssn.with_cue", start, end)
    if not 7 <= length <= 15:
        return None  # not a phone number either
    if len(raw) <= _LONGEST_DATE and _DATE_SHAPE.fullmatch(raw):
        return None
    if length == 13 and is_valid_isbn13(digits):
        return None
    return _classify_phone(text, raw, sizes, separators, start, end)


def _extend_left(text: str, start: int, end: int) -> int:
    # "(415) 555-0134": the area code's parenthesis belongs to the number; in "(4929 1532 3444
    # 6935)" or "Gateway (192.168.0.1)" it only encloses it.
    if start and text[start - 1] == "(" and ")" in text[start:end]:
        start -= 1
    if start and text[start - 1] == "+":
        return start - 1
    if start > 1 and text[start - 2 : start] == "+ ":
        return start - 2
    return start


def _is_free_standing(text: str, start: int, end: int, *, path_may_follow: bool = False) -> bool:
    """Reject numbers glued to letters or embedded in a longer token (``ORD-123``, UUIDs).

    With ``path_may_follow`` (an IPv4 address), a slash and a word may follow: a URL's path
    (``http://10.0.0.8/repo.git``).
    """
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
        if path_may_follow and after == "/":
            return True
        return after == "-" and _PHONE_CUE_AFTER.match(text, end + 1) is not None  # "555-1234-Fax"
    return True


def _addresses_in_run(text: str, position: int, raw: str) -> list[Candidate] | None:
    """IPv4 addresses in a run that holds nothing else but a prefix length and separators.

    ``10.24.0.0/16`` (a CIDR block) and ``10.0.0.100-10.0.0.200`` (a range) are one run of
    digits and separators; None when the run holds other numbers too.
    """
    quads = list(_DOTTED_QUAD.finditer(raw))
    if not quads or not _ADDRESS_RUN_REST.fullmatch(_DOTTED_QUAD.sub("", raw)):
        return None
    if not _is_free_standing(text, position, position + len(raw), path_may_follow=True):
        return []
    if _follows_version_cue(text, position):  # "versions 10.0.0.1-10.0.0.2"
        return []
    found: list[Candidate] = []
    for quad in quads:
        start, end = position + quad.start(), position + quad.end()
        candidate = _classify_ipv4(text, quad.group(), start, end)
        if candidate is not None:
            found.append(candidate)
    return found


def _classify_ipv4(text: str, raw: str, start: int, end: int) -> Candidate | None:
    if not is_public_ipv4(raw) or _follows_version_cue(text, start):
        return None
    return Candidate(IP_ADDRESS, "ip_address.v4", start, end)


def _follows_version_cue(text: str, start: int) -> bool:
    if start and text[start - 1] in "([":
        start -= 1  # "version (1.22.3.4)": the cue is read through the bracket
    # The cue may start before the window's start, as in text.
    return _cue_words_before(text, start)[0] and (
        _VERSION_CUE.search(text, max(0, start - _VERSION_WINDOW), start) is not None
    )


def _is_card_shape(raw: str, sizes: list[int], separators: list[str]) -> bool:
    if "(" in raw or "+" in raw:
        return False
    if not separators:
        return True
    first = separators[0]
    if separators.count(first) != len(separators):
        return False
    if first in (".", "/"):
        return sizes == [4, 4, 4, 4]  # "4539.7475.8219.1183", as some forms print it
    if first not in (" ", "-"):
        return False
    if sizes[:-1] == [4] * (len(sizes) - 1) and 1 <= sizes[-1] <= 4:
        return True
    return sizes in ([4, 6, 5], [4, 6, 4], [4, 4, 4, 4, 3], [6, 13], [4, 3, 3, 3], [4, 4, 5])


def _looks_like_ssn(
    text: str, digits: str, sizes: list[int], separators: list[str], start: int
) -> bool:
    if sizes != [9] and sizes != [3, 2, 4]:
        return False
    if separators and (separators[0] not in (" ", ".") or len(set(separators)) != 1):
        return False  # "123 45 6789", "123.45.6789" (a dashed one needs no cue)
    if not is_ssn(digits[:3], digits[3:5], digits[5:]):
        return False
    return _SSN_CUE.search(text, max(0, start - _CUE_WINDOW), start) is not None


def _classify_phone(
    text: str,
    raw: str,
    sizes: list[int],
    separators: list[str],
    start: int,
    end: int,
) -> Candidate | None:
    kinds = set(separators)
    if len(sizes) == 2 and kinds == {"."}:
        return None  # a decimal number
    if text[end : end + 1] in _EXTENSION_STARTS:
        extension = _EXTENSION.match(text, end)
        if extension:
            end = extension.end()
    may_be_version, may_be_identifier = _cue_words_before(text, start)
    if may_be_version or may_be_identifier:
        before = text[max(0, start - _NOT_PHONE_WINDOW) : start][::-1]
        if may_be_version and _VERSION_CUE_REVERSED.match(before, 0, _VERSION_WINDOW):
            return None  # the version cue looks at the last 20 characters only
        if may_be_identifier and _NOT_PHONE_CUE_REVERSED.match(before):
            return None
    if _is_strong_phone(raw, sizes, kinds):
        return Candidate(PHONE, "phone", start, end)
    if _UNIT_AFTER.match(text, end):
        return None  # a quantity: "took 12345678 ns", "1290000원"
    if _DATE_SHAPE.match(raw) or _is_compact_date_time(raw):
        return None  # "phone: 2023-01-01 12:34", "电话 20230101123456": when, not a number
    if _CJK_CONTACT_RIGHT_BEFORE.search(text, max(0, start - 8), start):
        return Candidate(PHONE, "phone", start, end)
    if _EAST_ASIAN_ID_CUE.search(text, max(0, start - _EAST_ASIAN_ID_WINDOW), start):
        return None  # an order, invoice or reference number
    if _has_phone_cue(text, text[max(0, start - _CUE_WINDOW - _MAX_NOTE_CHARS) : start], end):
        return Candidate(PHONE, "phone", start, end)
    return None


def _cue_words_before(text: str, start: int) -> tuple[bool, bool]:
    """Cheap pre-check: can the version cue and the identifier cue match before ``start``?

    Both cues end in a word, followed only by spaces and a little punctuation: a text whose
    last word before the number ends in none of the cue words cannot match either regex.
    Anything outside ASCII near the number (case folding) or an ``=`` answers "maybe".
    """
    before = text[max(0, start - _NOT_PHONE_WINDOW) : start].rstrip(_TAIL_CHARS)
    tail = before[-_LONGEST_END:]
    if not tail.isascii():
        return True, True
    tail = tail.lower()
    if not tail.endswith(_CUE_ENDS):
        return before.endswith("="), False
    return before.endswith("=") or tail.endswith(_VERSION_ENDS), tail.endswith(_NOT_PHONE_ENDS)


def _is_strong_phone(raw: str, sizes: list[int], kinds: set[str]) -> bool:
    """Shapes that are phone numbers without any context word."""
    if raw[0] == "+":
        return sum(sizes) >= 8 and _is_possible_international(raw)
    if _NANP.fullmatch(raw):
        return True
    has_open, has_close = "(" in raw, ")" in raw
    if has_open and has_close:
        return True
    if has_open or has_close:
        kinds = {kind.replace("(", "").replace(")", "") for kind in kinds}
    clean = kinds - _NO_SEPARATOR
    if len(clean) != 1:
        return False
    (separator,) = clean
    if separator == "/":
        return False
    if len(sizes) == 2:
        return raw[0] == "0" and sum(sizes) >= 9 and separator != "."
    if raw[0] == "0" and raw[1] != "0" and sizes[0] == 4 and len(sizes) == 3:
        # A trunk prefix first ("0812-3456-7890"), where "1234-5678-9012" reads as an account.
        return separator != "." and 10 <= sum(sizes) <= 12
    return _is_grouped_phone(sizes, separator)


def _is_grouped_phone(sizes: list[int], separator: str) -> bool:
    count = len(sizes)
    if max(sizes) > 5 or min(sizes[1:], default=2) < 2:
        return False
    if sizes.count(4) == count:
        return False  # "1234 5678 9012" reads as an account or card-like number
    if sizes[0] <= 3 and sizes[1:].count(3) == count - 1:
        return False  # "1 234 567" reads as a number with thousands separators
    if separator == ".":
        return sizes.count(2) == count or sizes == [3, 3, 4]
    if separator == " " and sizes.count(2) == count:
        return count >= 5  # "01 23 45 67 89"; four pairs may be a list of numbers
    return True


def load_phone_library() -> None:
    """Import the phone-number library now (about 20 ms), so that no scan pays for it.

    It is imported on first use rather than with this module, which ``import prysmai`` loads.
    """
    _phone_library()


@functools.cache
def _phone_library() -> ModuleType | None:
    try:
        import phonenumbers
    except ImportError:  # pragma: no cover - phonenumbers is a declared dependency
        return None
    return phonenumbers


@functools.lru_cache(maxsize=4096)
def _is_possible_international(raw: str) -> bool:
    # Cached: chat requests re-send the whole conversation each turn, so the same numbers
    # come back again and again, and phone-number parsing is the costliest check here.
    phonenumbers = _phone_library()
    if phonenumbers is None:  # pragma: no cover - phonenumbers is a declared dependency
        return True
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_possible_number(number))


def _has_phone_cue(text: str, window: str, end: int) -> bool:
    note = _NOTE_BEFORE_NUMBER.search(window)
    if note is not None:
        # A note right between the cue and the number ("Phone (24/7):", "电话（9点-18点）：",
        # "Mobile #2:") holds digits that are no other number the cue could be about.
        cue = _PHONE_CUE_BEFORE.search(window, max(0, note.start() - _LONGEST_CUE), note.start())
        if cue is not None and not window[cue.end() : note.start()].strip():
            return True
    window = window[-_CUE_WINDOW:]
    last_digit = max(window.rfind(digit) for digit in "0123456789")
    if _PHONE_CUE_BEFORE.search(window, last_digit + 1):
        return True
    return _PHONE_CUE_AFTER.match(text, end, end + 16) is not None
