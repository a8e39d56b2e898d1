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
import re
from collections.abc import Iterator
from typing import Final, Protocol

from prysmai.security.findings import Finding, FindingKind
from prysmai.security.pii_numbers import find_numbers
from prysmai.security.pii_validators import (
    Candidate,
    expand_two_digit_year,
    is_birth_date,
    parse_ip,
)
from prysmai.security.secrets_patterns import find_secrets

__all__ = ["PII_TYPES", "SEVERITY", "detect_pii", "placeholder_for"]

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


class _Match(Protocol):
    def start(self) -> int: ...


class _Searcher(Protocol):
    def search(self, text: str) -> _Match | None: ...


def _compile_gate(pattern: str) -> _Searcher:
    """Compile with RE2 (linear time, one DFA pass) when available, else with ``re``."""
    try:
        import re2
    except ImportError:  # pragma: no cover - google-re2 is a declared dependency
        return re.compile(pattern)
    compiled: _Searcher = re2.compile(pattern)
    return compiled


_BIRTH_CUES: Final = (
    r"born|birth|\bdob\b|d\.o\.b|geboren|geburt|naissance|\bn[ée]e? le\b|nacimiento|nacid[oa]"
    r"|nascita|\bnat[oa] (?:il|a|nel)\b|nascimento|nasceu|cumpleaños|compleanno|anniversaire"
    r"|fecha de nac|f\. ?nac"
)
# Anything that could start a finding; ordinary prose matches none of it.
_GATE: Final = _compile_gate(
    r"[A-Za-z0-9_%+\-]@[A-Za-z0-9\-]+\.[A-Za-z0-9]"
    r"|-----BEGIN |sk-[A-Za-z0-9_\-]{20}|[sr]k_(?:live|test)_|gh[pousr]_[A-Za-z0-9]{30}"
    r"|github_pat_|AIza[A-Za-z0-9_\-]{35}|A[KS]IA[A-Z0-9]{16}|xox[abposr]-|xapp-"
    r"|eyJ[A-Za-z0-9_\-]{10}|hf_[A-Za-z0-9]{30}|glpat-|npm_|gsk_|xai-|SG\.|hooks\.slack\.com"
    r"|://[^\s/@]+:[^\s/@]+@"
    r"|(?i:secret|key|token|passw(?:or)?d)[A-Za-z0-9_\-]{0,24}[\"']?\s{0,3}[:=]|(?i:bearer)\s"
    r"|[0-9](?:[ ().\-/]{0,3}[0-9]){6}|[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}"
    r"|[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:"
    r"|(?i:" + _BIRTH_CUES + ")"
)
_NUMBER_GATE: Final = _compile_gate(
    r"[0-9](?:[ ().\-/]{0,3}[0-9]){6}|[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}"
)
_BIRTH_GATE: Final = _compile_gate(r"(?i:" + _BIRTH_CUES + ")")
_BIRTH_CUE: Final = re.compile(r"(?i)(?:" + _BIRTH_CUES + ")")

_EMAIL_LOCAL_CHARS: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-"
)
_EMAIL_DOMAIN: Final = re.compile(r"[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,8}")
_TLD: Final = re.compile(r"[A-Za-z]{2,24}")

_IPV6_COLON: Final = re.compile(r":[0-9A-Fa-f]{0,4}:")
_IPV6: Final = re.compile(
    r"(?:[0-9A-Fa-f]{1,4}:|:)(?:[0-9A-Fa-f]{0,4}:){1,7}"
    r"(?:[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|[0-9A-Fa-f]{1,4})?"
    r"(?:%[0-9A-Za-z]{1,15})?"
)
_HEX_COLON: Final = frozenset("0123456789abcdefABCDEF:")
_IP_WORD_CHARS: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_:."
)

_MONTHS: Final = {
    **{name: i for i, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)},
    **{"sept": 9, "mär": 3, "mrz": 3, "mai": 5, "okt": 10, "dez": 12, "janv": 1, "févr": 2},
    **{"avr": 4, "juin": 6, "juil": 7, "août": 8, "déc": 12, "ene": 1, "abr": 4, "ago": 8},
    **{"dic": 12, "gen": 1, "mag": 5, "giu": 6, "lug": 7, "set": 9, "ott": 10, "märz": 3},
}
_MONTH_NAMES: Final = {
    "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "januar": 1, "februar": 2, "juni": 6, "juli": 7, "oktober": 10, "dezember": 12,
    "janvier": 1, "février": 2, "mars": 3, "avril": 4, "juillet": 7, "septembre": 9,
    "octobre": 10, "novembre": 11, "décembre": 12, "enero": 1, "febrero": 2, "marzo": 3,
    "mayo": 5, "junio": 6, "julio": 7, "agosto": 8, "septiembre": 9, "octubre": 10,
    "noviembre": 11, "diciembre": 12, "gennaio": 1, "febbraio": 2, "aprile": 4,
    "maggio": 5, "giugno": 6, "luglio": 7, "settembre": 9, "ottobre": 10, "dicembre": 12,
}  # fmt: skip
_DATE: Final = re.compile(
    r"(?<![0-9])(?:"
    r"(?P<a>[0-9]{1,2})(?P<sep>[./\-])(?P<b>[0-9]{1,2})(?P=sep)(?P<c>[0-9]{4}|[0-9]{2})"
    r"|(?P<y>[0-9]{4})(?P<sep2>[./\-])(?P<m>[0-9]{1,2})(?P=sep2)(?P<d>[0-9]{1,2})"
    r"|(?P<d2>[0-9]{1,2})(?:st|nd|rd|th|er)?\.?[ \-](?:de )?(?P<mon2>[^\W\d_]{3,10})\.?,?"
    r"[ \-](?:de )?(?P<y2>[0-9]{4}|[0-9]{2})"
    r"|(?P<mon3>[^\W\d_]{3,10})\.? (?P<d3>[0-9]{1,2})(?:st|nd|rd|th)?,? (?P<y3>[0-9]{4})"
    r")(?![0-9])"
)
_BIRTH_WINDOW: Final = 60
_GENERIC_RULES: Final = frozenset({"api_key.labelled_secret", "api_key.sk_generic"})

_PLACEHOLDER_TOKEN: Final = re.compile(
    r"\[(?:EMAIL|PHONE|SSN|CREDIT_CARD|IP_ADDRESS|API_KEY|PRIVATE_KEY|DATE_OF_BIRTH)"
    r"(?:_REDACTED|:[0-9a-f]{8})\]"
)


def placeholder_for(category: str) -> str:
    """Return the masked placeholder of a PII type, e.g. ``[EMAIL_REDACTED]``."""
    return "[" + category + "_REDACTED]"


def detect_pii(text: str, types: frozenset[str] | None = None) -> list[Finding]:
    """Find PII and secrets in ``text``.

    Args:
        text: the text to scan.
        types: PII types to report (see ``PII_TYPES``); None reports all of them.

    Returns:
        Findings of kind ``PII`` sorted by start, never overlapping. ``snippet`` holds the
        masked placeholder (``[EMAIL_REDACTED]``), never the raw value.
    """
    if not text or _GATE.search(text) is None:
        return []
    candidates = [c for c in _find_candidates(text) if types is None or c.category in types]
    if not candidates:
        return []
    if "_REDACTED]" in text or ":" in text and "[" in text:
        candidates = _drop_inside_placeholders(text, candidates)
    return [_to_finding(candidate) for candidate in _resolve_overlaps(candidates)]


def _find_candidates(text: str) -> Iterator[Candidate]:
    yield from find_secrets(text)
    if "@" in text:
        yield from _find_emails(text)
    first_number = _NUMBER_GATE.search(text)
    if first_number is not None:
        yield from find_numbers(text, max(0, first_number.start() - 4))
    if ":" in text:
        yield from _find_ipv6(text)
    first_cue = _BIRTH_GATE.search(text)
    if first_cue is not None:
        yield from _find_birth_dates(text, first_cue.start())


def _find_emails(text: str) -> Iterator[Candidate]:
    at = text.find("@")
    while at != -1:
        start = at
        while start > at - 64 and start > 0 and text[start - 1] in _EMAIL_LOCAL_CHARS:
            start -= 1
        while start < at and text[start] in ".-":
            start += 1
        domain = _EMAIL_DOMAIN.match(text, at + 1)
        end = _email_end(text, domain.group(), at + 1) if domain and start < at else None
        if end is not None and ".." not in text[start:at] and text[at - 1] != ".":
            yield Candidate("EMAIL", "email", start, end)
            at = text.find("@", end)
        else:
            at = text.find("@", at + 1)


def _email_end(text: str, domain: str, domain_start: int) -> int | None:
    """Return where a valid domain ends (dropping trailing non-TLD labels), or None."""
    labels = domain.split(".")
    while len(labels) >= 2:
        if _TLD.fullmatch(labels[-1]) and all(
            label and label[0] != "-" and label[-1] != "-" for label in labels
        ):
            return domain_start + len(".".join(labels))
        labels.pop()
    return None


def _find_ipv6(text: str) -> Iterator[Candidate]:
    position = 0
    while True:
        hit = _IPV6_COLON.search(text, position)
        if hit is None:
            return
        start = hit.start()
        while start > hit.start() - 40 and start > 0 and text[start - 1] in _HEX_COLON:
            start -= 1
        match = _IPV6.match(text, start)
        end = match.end() if match else hit.end()
        candidate = _validate_ipv6(text, start, end)
        if candidate is not None:
            yield candidate
        position = max(end, hit.start() + 1)


def _validate_ipv6(text: str, start: int, end: int) -> Candidate | None:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if before in _IP_WORD_CHARS or (after in _IP_WORD_CHARS and after not in ".:"):
        return None
    if after == ":" and end + 1 < len(text) and text[end + 1] in _HEX_COLON:
        return None
    value = text[start:end]
    if parse_ip(value) is None:
        return None
    groups = [group for group in value.split("%")[0].split(":") if group]
    if len(groups) < 3 and sum(len(group) for group in groups) < 5:
        return None  # "a::b" reads as a C++ scope, not an address
    return Candidate("IP_ADDRESS", "ip_address.v6", start, end)


def _find_birth_dates(text: str, start: int) -> Iterator[Candidate]:
    for cue in _BIRTH_CUE.finditer(text, start):
        window_end = min(len(text), cue.end() + _BIRTH_WINDOW + 30)
        for match in _DATE.finditer(text, cue.end(), window_end):
            if match.start() - cue.end() > _BIRTH_WINDOW:
                break
            if _is_birth_date_match(match):
                yield Candidate("DATE_OF_BIRTH", "date_of_birth", match.start(), match.end())
                break


def _is_birth_date_match(match: re.Match[str]) -> bool:
    if match.group("a"):
        first, second = int(match.group("a")), int(match.group("b"))
        year = _full_year(match.group("c"))
        return is_birth_date(year, first, second) or is_birth_date(year, second, first)
    if match.group("y"):
        return is_birth_date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    name = match.group("mon2") or match.group("mon3")
    month = _month_number(name)
    day = int(match.group("d2") or match.group("d3"))
    year = _full_year(match.group("y2") or match.group("y3"))
    return month is not None and is_birth_date(year, month, day)


def _full_year(year: str) -> int:
    return expand_two_digit_year(int(year)) if len(year) == 2 else int(year)


def _month_number(name: str) -> int | None:
    lowered = name.lower()
    return _MONTH_NAMES.get(lowered) or _MONTHS.get(lowered) or _MONTHS.get(lowered[:3])


def _drop_inside_placeholders(text: str, candidates: list[Candidate]) -> list[Candidate]:
    """Placeholders left by an earlier redaction are not PII themselves (idempotent redact)."""
    spans = [match.span() for match in _PLACEHOLDER_TOKEN.finditer(text)]
    if not spans:
        return candidates
    return [
        c for c in candidates if not any(c.start < end and start < c.end for start, end in spans)
    ]


def _resolve_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    """Keep the best candidate of each overlapping group: type rank, specific rule, length."""
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


def _to_finding(candidate: Candidate) -> Finding:
    return Finding(
        kind=FindingKind.PII,
        category=candidate.category,
        rule=candidate.rule,
        severity=SEVERITY[candidate.category],
        start=candidate.start,
        end=candidate.end,
        snippet=placeholder_for(candidate.category),
    )
