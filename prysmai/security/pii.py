"""PII and secret detection: one validated, non-overlapping finding per sensitive value.

``detect_pii`` reports eight types: ``EMAIL``, ``PHONE``, ``SSN``, ``CREDIT_CARD``,
``IP_ADDRESS``, ``API_KEY``, ``PRIVATE_KEY`` and ``DATE_OF_BIRTH``. Every candidate is validated
(Luhn and issuer ranges, SSN rules, real IP parsing, real dates with a birth cue, phone shapes
and context) so identifiers, timestamps and hashes are not flagged.

Speed: one linear-time RE2 pass decides whether anything could be present at all; ordinary
prose stops there. The specific detectors only run when their cheap literal trigger occurs
(``@`` for email, ``-----BEGIN`` for PEM, provider prefixes for keys, long digit runs for
numbers), and all patterns use bounded quantifiers, so the cost stays linear in the input.

Limitations:
    Phone numbers without a country code are recognised by their shape (area code in
    parentheses, US layout, grouped digits, leading trunk ``0``) or by a nearby word such as
    "phone", "call" or "fax"; a bare run of digits with no such word is not reported. Dates of
    birth need a birth cue (born, DOB, date of birth, Geburtsdatum, né le, ...) in the 60
    characters before the date. Only ASCII digits are considered.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import operator
import re
import unicodedata
from collections.abc import Iterator
from typing import Final

import re2

from prysmai.security.escapes import decode_escapes
from prysmai.security.exit_gate import checkpoint, gated
from prysmai.security.findings import Finding, FindingKind
from prysmai.security.normalize import INVISIBLE_CHARACTERS, INVISIBLE_RE2_CLASS
from prysmai.security.pii_dates import BIRTH_CUE_PATTERN, find_birth_dates
from prysmai.security.pii_numbers import find_numbers, load_phone_library
from prysmai.security.pii_validators import Candidate, parse_ip
from prysmai.security.secrets_patterns import TRIGGERS as SECRET_TRIGGERS
from prysmai.security.secrets_patterns import find_secrets
from prysmai.security.shipped import read_shipped
from prysmai.security.text_safety import without_surrogates

__all__ = [
    "PII_TYPES",
    "SEVERITY",
    "detect_pii",
    "load_lookups",
    "might_contain_pii",
    "placeholder_for",
]

PII_TYPES: Final = frozenset(
    {
        "EMAIL",
        "PHONE",
        "SSN",
        "CREDIT_CARD",
        "IP_ADDRESS",
        "API_KEY",
        "PRIVATE_KEY",
        "DATE_OF_BIRTH",
    }
)
SEVERITY: Final = {
    "API_KEY": 6,
    "PRIVATE_KEY": 6,
    "SSN": 5,
    "CREDIT_CARD": 5,
    "EMAIL": 3,
    "PHONE": 3,
    "IP_ADDRESS": 3,
    "DATE_OF_BIRTH": 3,
}
# When two candidates overlap, the higher rank wins (then the longer span).
_RANK: Final = {
    "PRIVATE_KEY": 8,
    "API_KEY": 7,
    "EMAIL": 6,
    "CREDIT_CARD": 5,
    "SSN": 4,
    "IP_ADDRESS": 3,
    "DATE_OF_BIRTH": 2,
    "PHONE": 1,
}


# Internationalised addresses (RFC 6531) and domain names: letters of the Latin, Greek and
# Cyrillic blocks, with combining accents, may stand in the local part and the domain, and Greek
# or Cyrillic letters in the top-level domain ("Ілля@приклад.укр"). Scripts written without
# spaces are left out: there the letters before an "@" need not belong to the address.
_INTL_RANGES: Final = (
    (0x00C0, 0x00D6),  # Latin-1 letters, without the multiplication and division signs
    (0x00D8, 0x00F6),
    (0x00F8, 0x02AF),  # Latin Extended-A and -B, IPA
    (0x0300, 0x036F),  # combining accents
    (0x0370, 0x037D),  # Greek, without its question mark and ano teleia
    (0x037F, 0x0386),
    (0x0388, 0x03FF),
    (0x0400, 0x052F),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2C60, 0x2C7F),  # Latin Extended-C, -D and -E
    (0xA720, 0xA7FF),
    (0xAB30, 0xAB6F),
)
_ZERO_WIDTH: Final = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
"""Invisible characters that may sit inside an address to break it up; they are part of it."""
_WITHOUT_ZERO_WIDTH: Final = str.maketrans(dict.fromkeys(_ZERO_WIDTH))
_WITHOUT_INVISIBLE: Final = str.maketrans(dict.fromkeys(INVISIBLE_CHARACTERS))
_SPLIT_NUMBER_RE: Final = re2.compile(f"[0-9]{INVISIBLE_RE2_CLASS}|{INVISIBLE_RE2_CLASS}[0-9]")
"""An invisible character next to a digit: maybe a number someone broke up to hide it."""
_INVISIBLE_SET: Final = frozenset(INVISIBLE_CHARACTERS)
_SPLIT_NUMBER: Final = "split_number"
_INTL_LETTERS: Final = (
    "".join(f"{chr(first)}-{chr(last)}" for first, last in _INTL_RANGES) + _ZERO_WIDTH
)
"""The ranges as the inside of a character class (the same for ``re`` and RE2)."""
_INTL_TLD: Final = "\u0370-\u03ff\u0400-\u052f"

# No-break and thin spaces (in numbers written by word processors and in French), typographic
# dashes and the minus sign ("756–77–5109") and fullwidth forms (in Chinese, Japanese and
# Korean text) stand for a plain space, a hyphen or an ASCII character, one
# for one, so they are replaced before matching and every offset still indexes the caller's text.
_PLAIN_FORMS_TRIGGER: Final = "plain_forms"
_PLAIN_FORMS: Final = str.maketrans(
    {0x00A0: " ", 0x2007: " ", 0x2009: " ", 0x202F: " ", 0x3000: " "}
    | dict.fromkeys((0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2212), "-")
    | {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
)

_TRIGGERS: Final[tuple[tuple[str, str], ...]] = (
    (
        "email",
        rf"[A-Za-z0-9_%+\-{_INTL_LETTERS}]@[A-Za-z0-9\-{_INTL_LETTERS}]+\.[A-Za-z{_INTL_TLD}]",
    ),
    ("number", r"[0-9](?:[ ().\-/]{0,3}[0-9]){6}|[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}"),
    ("ipv6", r"[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:"),
    ("birth", BIRTH_CUE_PATTERN),
    (_PLAIN_FORMS_TRIGGER, "[\u00a0\u2007\u2009\u202f\u3000\u2010-\u2014\u2212\uff01-\uff5e]"),
    *SECRET_TRIGGERS,
)
_SECRET_NAMES: Final = frozenset(name for name, _ in SECRET_TRIGGERS)


class _TriggerSet:
    """Names of the triggers that occur in a text, found in one linear-time RE2 pass."""

    def __init__(self, triggers: tuple[tuple[str, str], ...]) -> None:
        self._names = tuple(name for name, _ in triggers)
        try:
            import re2
        except ImportError:  # pragma: no cover - google-re2 is a declared dependency
            self._set = None
            self._fallback = tuple((name, re.compile(p)) for name, p in triggers)
            return
        self._set = re2.Set.SearchSet()
        for _, pattern in triggers:
            self._set.Add(pattern)
        self._set.Compile()

    def find(self, text: str) -> frozenset[str]:
        if self._set is None:  # pragma: no cover - google-re2 is a declared dependency
            return frozenset(name for name, p in self._fallback if p.search(text))
        # Bytes skip RE2's own re-encoding; surrogatepass keeps lone surrogates from failing.
        subject = text.encode("utf-8", "surrogatepass")
        return frozenset(map(self._names.__getitem__, self._set.Match(subject) or ()))


_GATE: Final = _TriggerSet(_TRIGGERS)

_EMAIL_LOCAL_CHARS: Final = (
    frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-'")
    | frozenset(
        chr(code)
        for first, last in _INTL_RANGES
        for code in range(first, last + 1)
        if chr(code).isalnum() or unicodedata.combining(chr(code))
    )
    | frozenset(_ZERO_WIDTH)
)
_DOMAIN_LABEL: Final = rf"[A-Za-z0-9\-{_INTL_LETTERS}]{{1,63}}"
_EMAIL_DOMAIN: Final = re.compile(rf"{_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL}){{1,8}}")
_NON_LATIN_TLD: Final = re.compile(
    r"рф|укр|бел|срб|мкд|қаз|мон|бг|рус|москва|онлайн|сайт|орг|ком|дети|ελ|ευ", re.IGNORECASE
)
"""The Cyrillic and Greek top-level domains in use (the IANA list has them in punycode)."""
_TLD_RESOURCE: Final = "tlds-alpha-by-domain.txt"
"""IANA's list of top-level domains (data.iana.org/TLD/), as published; its first line dates it."""
_SPECIAL_USE_TLDS: Final = frozenset(
    {
        "test", "example", "invalid", "localhost", "local", "internal", "lan", "corp", "home",
        "intranet", "private",
    }
)  # fmt: skip
"""Names reserved for tests and private networks, used in real company addresses."""
_LATIN_TLD: Final = re.compile(r"[a-z]{2,24}|xn--[a-z0-9]{2,59}")
_SCALE_LABEL: Final = re.compile(r"[1-9]x")
"""``@2x``: the scale of an asset (``banner@2x.mov``), not a domain, when the top-level domain
is also a media or archive extension (``jane@3x.ai`` stays an address)."""
_FILE_LIKE_TLDS: Final = frozenset({"mov", "zip"})
_URL_USERINFO: Final = re.compile(r"://[^\s/@]*:$")

_IPV6_COLON: Final = re.compile(r":[0-9A-Fa-f]{0,4}:")
_IPV6_RUN: Final = re.compile(r"[0-9A-Za-z:.%]*+")
_IPV6_MAX_CHARS: Final = 60
_HEX_COLON: Final = frozenset("0123456789abcdefABCDEF:")
_IP_WORD_CHARS: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_:."
)

_GENERIC_RULES: Final = frozenset({"api_key.labelled_secret", "api_key.sk_generic"})
"""Rules that lose to a provider-specific rule matching the same span."""
_PLACEHOLDER_TOKEN: Final = re.compile(
    r"\[(?:EMAIL|PHONE|SSN|CREDIT_CARD|IP_ADDRESS|API_KEY|PRIVATE_KEY|DATE_OF_BIRTH)"
    r"(?:_REDACTED|:[0-9a-f]{8})\]"
)


def load_lookups() -> None:
    """Load the phone-number library and the top-level domain list now, not on first use."""
    load_phone_library()
    _iana_tlds()


def placeholder_for(category: str) -> str:
    """Return the masked placeholder of a PII type, e.g. ``[EMAIL_REDACTED]``."""
    return "[" + category + "_REDACTED]"


def might_contain_pii(text: str) -> bool:
    """Cheap pre-check (one RE2 pass): False guarantees ``detect_pii(text)`` finds nothing.

    It also holds for any substring of ``text``, so a JSON line without escapes can be skipped
    without decoding it.
    """
    return bool(text) and bool(_triggers(text)[1])


def _triggers(text: str) -> tuple[str, frozenset[str]]:
    """The text to match (plain forms in place of wide ones) and the triggers found in it."""
    triggered = _GATE.find(text)
    if _PLAIN_FORMS_TRIGGER in triggered:
        text = text.translate(_PLAIN_FORMS)
        triggered = _GATE.find(text)
    # Invisible characters are all outside ASCII, so most texts skip the search.
    if (
        not text.isascii()
        and _SPLIT_NUMBER_RE.search(text.encode("utf-8", "surrogatepass")) is not None
    ):
        triggered |= {_SPLIT_NUMBER}
    return text, triggered


@gated
def detect_pii(text: str, types: frozenset[str] | None = None) -> list[Finding]:
    """Find PII and secrets in ``text``.

    Args:
        text: the text to scan.
        types: PII types to report (see ``PII_TYPES``); None reports all of them.

    Returns:
        Findings of kind ``PII`` sorted by start, never overlapping. ``snippet`` holds the
        masked placeholder (``[EMAIL_REDACTED]``), never the raw value.
    """
    if not text:
        return []
    decoded = decode_escapes(text, values=True)
    if decoded is not None:
        # JSON with non-ASCII escaped ("jos\u00e9@example.com"), HTML references or a URL's
        # query ("email=jane%40example.com"): read the characters meant, and cover each value's
        # escapes whole, so that replacing it leaves valid JSON or a valid URL.
        return [
            dataclasses.replace(finding, start=start, end=end)
            for finding in _detect_unescaped(decoded.text, types)
            for start, end in (decoded.source_span(finding.start, finding.end),)
        ]
    return _detect_unescaped(text, types)


def _detect_unescaped(text: str, types: frozenset[str] | None) -> list[Finding]:
    text, triggered = _triggers(without_surrogates(text))
    if not triggered:
        return []
    candidates = _find_candidates(text, triggered)
    if types is not None:
        candidates = [candidate for candidate in candidates if candidate.category in types]
    if not candidates:
        return []
    if "_REDACTED]" in text or ":" in text and "[" in text:
        candidates = _drop_inside_placeholders(text, candidates)
    return [_to_finding(candidate) for candidate in _resolve_overlaps(candidates)]


def _find_candidates(text: str, triggered: frozenset[str]) -> list[Candidate]:
    found = [] if triggered.isdisjoint(_SECRET_NAMES) else find_secrets(text, triggered)
    if "email" in triggered:
        checkpoint()
        found.extend(_find_emails(text))
    if "number" in triggered:
        checkpoint()
        found.extend(find_numbers(text))
    if _SPLIT_NUMBER in triggered:
        found.extend(_find_split_numbers(text))
    if "ipv6" in triggered:
        checkpoint()
        found.extend(_find_ipv6(text))
    if "birth" in triggered:
        checkpoint()
        found.extend(find_birth_dates(text))
    return found


def _find_split_numbers(text: str) -> list[Candidate]:
    """Numbers with invisible characters inside: found without them, reported over the original.

    Overlap resolution later merges a number that was also found in the text as written.
    """
    compact = text.translate(_WITHOUT_INVISIBLE)
    if "number" not in _GATE.find(compact):
        return []
    kept = [index for index, char in enumerate(text) if char not in _INVISIBLE_SET]
    return [
        candidate._replace(start=kept[candidate.start], end=kept[candidate.end - 1] + 1)
        for candidate in find_numbers(compact)
    ]


def _find_emails(text: str) -> Iterator[Candidate]:
    at = text.find("@")
    while at != -1:
        start = at
        while start > at - 64 and start > 0 and text[start - 1] in _EMAIL_LOCAL_CHARS:
            start -= 1
        while start < at and text[start] in ".-'":
            start += 1
        domain = _EMAIL_DOMAIN.match(text, at + 1)
        quote = text.find("'", start, at)
        if quote != -1 and domain is not None and text.startswith("'", domain.end()):
            start = quote + 1  # quoted: b'jane@example.com' (an address in "O'Brien@" stays)
        local = text[start:at]
        has_local = bool(local.strip(_ZERO_WIDTH))
        end = _email_end(text, domain.group(), at + 1) if domain and has_local else None
        if end is not None and not _has_ascii_alnum(local) and text[at + 1 : end].isascii():
            end = None  # such a local part goes with an internationalised domain, and
            # "ω@self.weight" is Python's matrix product
        floor = max(0, start - 140)
        has_scheme = end is not None and text.find("://", floor, start) != -1
        if has_scheme and _URL_USERINFO.search(text, floor, start):
            end = None  # "scheme://user:secret@host" is a URL, not an address
        if end is not None and _SCP_PATH.match(text, end):
            end = None  # "git@github.com:org/repo.git" is an SSH remote, not an address
        if end is not None and ".." not in text[start:at] and text[at - 1] != ".":
            yield Candidate("EMAIL", "email", start, end)
            at = text.find("@", end)
        else:
            at = text.find("@", at + 1)


_SCP_PATH: Final = re.compile(r":[A-Za-z0-9_~./-]")
"""A colon and a path right after ``user@host``: the scp and git remote form."""


def _has_ascii_alnum(text: str) -> bool:
    return any(char.isascii() and char.isalnum() for char in text)


def _email_end(text: str, domain: str, domain_start: int) -> int | None:
    """Return where a valid domain ends (dropping trailing non-TLD labels), or None.

    Zero-width characters count as part of the domain but not as letters of the TLD, and those
    trailing it are left out of the address.
    """
    labels = domain.rstrip(_ZERO_WIDTH).split(".")
    plain = [label.translate(_WITHOUT_ZERO_WIDTH).lower() for label in labels]
    if _SCALE_LABEL.fullmatch(plain[0]) and plain[-1] in _FILE_LIKE_TLDS:
        return None
    has_hyphen = "-" in domain
    while len(labels) >= 2:
        tld = labels[-1].translate(_WITHOUT_ZERO_WIDTH)
        if is_top_level_domain(tld) and (
            not has_hyphen
            or all(label and label[0] != "-" and label[-1] != "-" for label in labels)
        ):
            return domain_start + len(".".join(labels))
        labels.pop()
    return None


def is_top_level_domain(label: str) -> bool:
    """Whether ``label`` is a top-level domain: in IANA's list, reserved, or Cyrillic or Greek.

    The list keeps file names and code out (``mat@vec.norm``, ``weights@v1.onnx``); where the
    package ships without it, any 2 to 24 letters pass.
    """
    lowered = label.lower()
    known = _iana_tlds()
    if not lowered.isascii():
        # IANA lists internationalised domains in punycode; their Unicode forms count too.
        in_list = known is not None and lowered in known
        return in_list or _NON_LATIN_TLD.fullmatch(label) is not None
    if _LATIN_TLD.fullmatch(lowered) is None:
        return False
    return known is None or lowered in known or lowered in _SPECIAL_USE_TLDS


@functools.cache
def _iana_tlds() -> frozenset[str] | None:
    data = read_shipped(_TLD_RESOURCE)
    if data is None:  # pragma: no cover - the list ships in the package
        return None
    names = {line.strip().lower() for line in data.splitlines() if line.strip()[:1] not in "#"}
    for name in [name for name in names if name.startswith("xn--")]:
        try:
            names.add(name.encode("ascii").decode("idna"))
        except UnicodeError:  # pragma: no cover - a label the codec's older rules refuse
            continue
    return frozenset(names)


def _find_ipv6(text: str) -> Iterator[Candidate]:
    """Find IPv6 addresses around each ``x:y:`` hit.

    A hit is widened to its whole run of address characters, validated once, and scanning
    resumes after the run, so each character is looked at a bounded number of times (a
    megabyte of colons is one rejected run, not a million candidates).
    """
    position = 0
    while (hit := _IPV6_COLON.search(text, position)) is not None:
        start = hit.start()
        floor = max(0, start - _IPV6_MAX_CHARS)
        while start > floor and text[start - 1] in _HEX_COLON:
            start -= 1
        run = _IPV6_RUN.match(text, hit.start())
        end = run.end() if run else hit.end()
        position = max(end, hit.end())
        while end > start and text[end - 1] == ".":
            end -= 1  # a full stop after the address
        if end - start <= _IPV6_MAX_CHARS and (start > floor or start == 0):
            candidate = _validate_ipv6(text, start, end)
            if candidate is not None:
                yield candidate


def _validate_ipv6(text: str, start: int, end: int) -> Candidate | None:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if before in _IP_WORD_CHARS or after == "_":
        return None
    value = text[start:end]
    if parse_ip(value) is None:
        return None
    groups = [group for group in value.split("%")[0].split(":") if group]
    has_digit = any(char.isdigit() for char in value)
    if not has_digit or len(groups) < 3 and sum(len(group) for group in groups) < 5:
        return None  # "a::b" or "dead::beef" read as C++ scopes, not addresses
    return Candidate("IP_ADDRESS", "ip_address.v6", start, end)


def _drop_inside_placeholders(text: str, candidates: list[Candidate]) -> list[Candidate]:
    """Placeholders left by an earlier redaction are not PII themselves (idempotent redact)."""
    spans = [match.span() for match in _PLACEHOLDER_TOKEN.finditer(text)]
    if not spans:
        return candidates
    starts = [start for start, _ in spans]
    kept = []
    for candidate in candidates:
        # Placeholders do not overlap each other: only the last one starting before the
        # candidate's end can overlap it.
        index = bisect.bisect_left(starts, candidate.end) - 1
        if index < 0 or spans[index][1] <= candidate.start:
            kept.append(candidate)
    return kept


def _resolve_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    """Keep the best candidate of each overlapping group: type rank, specific rule, length."""
    by_start = sorted([c for c in candidates if c.end > c.start], key=_START)
    if all(a.end <= b.start for a, b in zip(by_start, by_start[1:], strict=False)):
        return by_start  # nothing overlaps: every candidate stays
    ordered = sorted(
        candidates,
        key=lambda c: (-_RANK[c.category], c.rule in _GENERIC_RULES, c.start - c.end, c.start),
    )
    starts: list[int] = []
    kept: list[Candidate] = []
    for candidate in ordered:
        index = bisect.bisect_left(starts, candidate.start)
        if index and kept[index - 1].end > candidate.start:
            continue
        if index < len(kept) and kept[index].start < candidate.end:
            continue
        if candidate.end > candidate.start:
            starts.insert(index, candidate.start)
            kept.insert(index, candidate)
    return kept


_START: Final = operator.attrgetter("start")
_PLACEHOLDERS: Final = {category: placeholder_for(category) for category in PII_TYPES}
_PII: Final = FindingKind.PII


def _to_finding(candidate: Candidate) -> Finding:
    category, rule, start, end = candidate
    return Finding(_PII, category, rule, SEVERITY[category], start, end, _PLACEHOLDERS[category])
