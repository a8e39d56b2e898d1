"""Dates of birth: a real calendar date shortly after a birth cue, in several languages.

A date alone is never reported (invoices, releases and log lines are full of dates): it needs a
cue such as "born", "DOB", "date of birth", "Geburtsdatum", "né le", "fecha de nacimiento" or
"data di nascita" in the 60 characters before it, and only the first date after each cue counts.
Numeric (``14.03.1988``, ``3/14/1988``, ``1988-03-14``, ``19880314``, ``1992年8月15日``) and
named-month forms (``March 14, 1988``, ``14 mars 1988``, ``14-Mar-88``, ``3rd of May 1987``,
``1987-May-03``, ``03MAY1987``) are recognised, in English, German, French, Spanish and Italian
month names (and Russian ones in the genitive, as dates write them).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Final

from prysmai.security.pii_validators import Candidate, expand_two_digit_year, is_birth_date

__all__ = ["BIRTH_CUE_PATTERN", "find_birth_dates"]

_BIRTH_CUES: Final = (
    r"born|birth|\bdob\b|d\.o\.b|geboren|geburt|\bgeb\.|geboorte|naissance|\bnée? le\b"
    r"|nacimiento|nacid[oa]|naci[óo]|nascita|\bnat[oa] (?:il|a|nel)\b|nascimento|nascid[oa]"
    r"|nasceu|cumpleaños|compleanno|anniversaire|fecha de nac|f\. ?nac|födelse|fødsel"
    r"|syntymä|urodzon|urodzenia|\bb-?day\b|जन्म(?:\s|तिथि|दिन)|出生|生年月日|誕生日|생년월일"
    # 生日 and 생일 also end words for "date of occurrence" (発生日, 발생일) or "student"
    # (学生, 학생); Russian рожд- also begins "Christmas" (Рождество).
    r"|(?:^|[^発发学學人先])生日|(?:^|[^발학])생일|рожден|родил|doğum|ngày sinh|sinh ngày"
    r"|tanggal lahir|\blahir\b|วันเกิด"
)
BIRTH_CUE_PATTERN: Final = r"(?i:" + _BIRTH_CUES + ")"
"""RE2 pattern of the birth cues (also used as the cheap trigger)."""
_BIRTH_WINDOW: Final = 60
"""How far after a cue its date may start (the labelling convention of the evaluation data)."""


class _CueFinder:
    """End offsets of birth cues, found with RE2 (the ``re`` form is slow when case-folded)."""

    def __init__(self, pattern: str) -> None:
        try:
            import re2
        except ImportError:  # pragma: no cover - google-re2 is a declared dependency
            self._fallback = re.compile(pattern)
            self._bytes = None
            return
        self._bytes = re2.compile(pattern.encode())

    def ends(self, text: str) -> list[int]:
        if self._bytes is None:  # pragma: no cover - google-re2 is a declared dependency
            return [match.end() for match in self._fallback.finditer(text)]
        data = text.encode("utf-8", "surrogatepass")
        ends = [match.end() for match in self._bytes.finditer(data)]
        if len(data) == len(text):  # ASCII: byte offsets are str offsets
            return ends
        # Byte offsets to character offsets, decoding each stretch between two ends once (not
        # the whole prefix again for every end, which is quadratic in a text full of cues).
        offsets: list[int] = []
        characters = previous = 0
        for end in ends:
            characters += len(data[previous:end].decode("utf-8", "surrogatepass"))
            offsets.append(characters)
            previous = end
        return offsets


_BIRTH_CUE: Final = _CueFinder(BIRTH_CUE_PATTERN)

_ENGLISH_ABBREVIATIONS: Final = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_MONTHS: Final = {
    **{name: number for number, name in enumerate(_ENGLISH_ABBREVIATIONS, 1)},
    "sept": 9, "mär": 3, "mrz": 3, "mai": 5, "okt": 10, "dez": 12, "janv": 1, "févr": 2,
    "avr": 4, "juin": 6, "juil": 7, "août": 8, "déc": 12, "ene": 1, "abr": 4, "ago": 8,
    "dic": 12, "gen": 1, "mag": 5, "giu": 6, "lug": 7, "set": 9, "ott": 10, "märz": 3,
}  # fmt: skip
"""Month abbreviations (English, German, French, Spanish, Italian) by number."""
_MONTH_NAMES: Final = {
    "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "januar": 1, "februar": 2, "juni": 6, "juli": 7, "oktober": 10, "dezember": 12,
    "janvier": 1, "février": 2, "mars": 3, "avril": 4, "juillet": 7, "septembre": 9,
    "octobre": 10, "novembre": 11, "décembre": 12, "enero": 1, "febrero": 2, "marzo": 3,
    "mayo": 5, "junio": 6, "julio": 7, "agosto": 8, "septiembre": 9, "octubre": 10,
    "noviembre": 11, "diciembre": 12, "gennaio": 1, "febbraio": 2, "aprile": 4,
    "maggio": 5, "giugno": 6, "luglio": 7, "settembre": 9, "ottobre": 10, "dicembre": 12,
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
}  # fmt: skip
_DATE: Final = re.compile(
    r"(?<![0-9])(?:"
    r"(?P<a>[0-9]{1,2})(?P<sep>[./\-])(?P<b>[0-9]{1,2})(?P=sep)(?P<c>[0-9]{4}|[0-9]{2})"
    r"|(?P<y>[0-9]{4})(?P<sep2>[./\-])(?P<m>[0-9]{1,2})(?P=sep2)(?P<d>[0-9]{1,2})"
    # "14 March 1988", "3rd of May, 1987", "14-Mar-88", "3/May/1987", "1° gennaio 1990",
    # "3rd May '87"
    r"|(?P<d2>[0-9]{1,2})(?:st|nd|rd|th|er|°|º)?\.?[ \-/](?:de |of (?:the )?)?"
    r"(?P<mon2>[^\W\d_]{3,10})\.?,?[ \-/](?:de )?'?(?P<y2>[0-9]{4}|[0-9]{2})"
    r"|(?P<mon3>[^\W\d_]{3,10})\.? (?:the )?(?P<d3>[0-9]{1,2})(?:st|nd|rd|th)?,? (?P<y3>[0-9]{4})"
    r"|(?P<y4>(?:19|20)[0-9]{2})(?P<m4>[0-9]{2})(?P<d4>[0-9]{2})"
    # "1987-May-03" and "03MAY1987"
    r"|(?P<y5>[0-9]{4})[\-/. ](?P<mon5>[^\W\d_]{3,10})\.?[\-/. ](?P<d5>[0-9]{1,2})"
    r"(?:st|nd|rd|th)?"
    r"|(?P<d6>[0-9]{1,2})(?P<mon6>[A-Za-z]{3})(?P<y6>(?:19|20)[0-9]{2})"
    # Chinese, Japanese and Korean: "1992年8月15日", "1992년 8월 15일"
    r"|(?P<y7>[0-9]{4}) ?[年년] ?(?P<m7>[0-9]{1,2}) ?[月월] ?(?P<d7>[0-9]{1,2}) ?[日일]?"
    r")(?![0-9])"
)


def find_birth_dates(text: str) -> Iterator[Candidate]:
    """Report the first real date within 60 characters after each birth cue.

    Dates are searched once per cluster of nearby cues, not once per cue, so text made of
    thousands of cues costs one pass.
    """
    cue_ends = _BIRTH_CUE.ends(text)
    used: set[int] = set()
    for low, high in _cue_clusters(cue_ends):
        for match in _DATE.finditer(text, low, min(len(text), high + _BIRTH_WINDOW + 40)):
            index = bisect.bisect_right(cue_ends, match.start()) - 1
            if index < 0 or index in used or match.start() - cue_ends[index] > _BIRTH_WINDOW:
                continue
            if _is_birth_date_match(match):
                used.add(index)  # later dates after the same cue are not the birth date
                yield Candidate("DATE_OF_BIRTH", "date_of_birth", match.start(), match.end())


def _cue_clusters(cue_ends: list[int]) -> Iterator[tuple[int, int]]:
    """Merge cue positions closer than the search window into (first, last) ranges."""
    if not cue_ends:
        return
    low = high = cue_ends[0]
    for end in cue_ends[1:]:
        if end - high > _BIRTH_WINDOW:
            yield low, high
            low = end
        high = end
    yield low, high


def _is_birth_date_match(match: re.Match[str]) -> bool:
    if match.group("a"):
        first, second = int(match.group("a")), int(match.group("b"))
        year = _full_year(match.group("c"))
        return is_birth_date(year, first, second) or is_birth_date(year, second, first)
    if match.group("y"):
        return is_birth_date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    for numeric in ("4", "7"):
        if match.group("y" + numeric):
            year, month, day = (int(match.group(key + numeric)) for key in "ymd")
            return is_birth_date(year, month, day)
    named = next(key for key in ("2", "3", "5", "6") if match.group("mon" + key))
    month_number = _month_number(match.group("mon" + named))
    day_number = int(match.group("d" + named))
    year_number = _full_year(match.group("y" + named))
    return month_number is not None and is_birth_date(year_number, month_number, day_number)


def _full_year(year: str) -> int:
    return expand_two_digit_year(int(year)) if len(year) == 2 else int(year)


def _month_number(name: str) -> int | None:
    lowered = name.lower()
    return _MONTH_NAMES.get(lowered) or _MONTHS.get(lowered) or _MONTHS.get(lowered[:3])
