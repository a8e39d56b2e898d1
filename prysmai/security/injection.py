"""Prompt-injection detection over normalised views, with one RE2 set pass per view.

One pass of a literal prefilter (:mod:`prysmai.security.literal_prefilter`) finds the trigger
words present in a view, and only the rules whose words are present run, each on its own, to
confirm the phrase and find its span. Each view is also matched in a leetspeak-folded form and,
for a few long phrases, with every non-letter removed (letter spacing, split words, string
concatenation).
"""

from __future__ import annotations

import dataclasses
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import re2

from prysmai.security.ciphers import find_cipher_runs
from prysmai.security.findings import Finding, FindingKind
from prysmai.security.injection_multilingual import RULES as MULTILINGUAL_RULES
from prysmai.security.injection_patterns import (
    ENGLISH_RULES,
    InjectionCategory,
    InjectionRule,
    expand,
)
from prysmai.security.literal_prefilter import CandidateSet
from prysmai.security.normalize import View, fold_look_alikes, with_split_words_joined
from prysmai.security.repetition import find_repetition

logger = logging.getLogger(__name__)

ALL_RULES: Final = ENGLISH_RULES + MULTILINGUAL_RULES
SNIPPET_MAX_CHARS: Final = 60
"""Findings quote at most this many characters of the matched phrase."""
MAX_FINDINGS_PER_RULE: Final = 3

_OBFUSCATION_RULES: Final = {
    "hidden_tag_text": ("injection.encoding_tricks.hidden_tag_text", 7),
    "bidi_override": ("injection.encoding_tricks.bidi_override", 6),
    "invisible_characters": ("injection.encoding_tricks.invisible_characters", 6),
    "homoglyphs": ("injection.encoding_tricks.homoglyphs", 6),
}
_ENCODED_RULE: Final = "injection.encoding_tricks.encoded_instructions"
_ENCODED_SEVERITY: Final = 7
REPETITION_RULE: Final = "injection.context_confusion.repeated_tokens"
_REPETITION_SEVERITY: Final = 7
_CIPHER_RULES: Final = {
    "morse": "injection.encoding_tricks.morse_code",
    "binary": "injection.encoding_tricks.binary_text",
    "pig_latin": "injection.encoding_tricks.pig_latin",
}
_CIPHER_SEVERITY: Final = 6
_CIPHER_UNITS: Final = {
    "morse": "Morse letters",
    "binary": "binary octets",
    "pig_latin": "Pig Latin words",
}

_LEET_BYTES: Final = bytes.maketrans(b"013457@$!|8", b"oieastasilb")
_NON_LETTERS: Final = {code: None for code in range(128) if not chr(code).isalpha()}
_NON_LETTER_BYTES: Final = bytes(code for code in range(128) if not chr(code).isalpha())
# Cheap signs, found in one set pass, that decide which extra passes a view needs: digits or
# symbols inside words (leetspeak; folding every digit keeps this one C-level pass, and plain
# numbers become letter runs that no rule matches) and letters split by spacing, dots or
# string concatenation. A set of their own: in the rules' set they would save that pass on
# text seen before but make every new text's DFA states bigger and slower to build.
_LEET_SIGN: Final = 0
_SPACING_SIGN: Final = 1
_GLUED_LETTERS: Final = 22
_WORD_SEPARATORS: Final = "\u00b7\u2027\u02bc\u0640\u2010\u2011\u30fb"
"""Middle dots, the modifier apostrophe, the Arabic tatweel and Unicode hyphens: put between
the letters of a word they leave it readable, and are dropped when words are squashed."""
_SQUASH_TABLE: Final = {**_NON_LETTERS, **dict.fromkeys(map(ord, _WORD_SEPARATORS))}


def _signs() -> re2._Regexp:
    signs = re2.Set.SearchSet(re2.Options())
    signs.Add(r"[a-z][0-9@$|!][a-z0-9@$|!]|[0-9@$|!][a-z]")
    signs.Add(
        r"(?:\b[a-z][^a-z0-9\n]{1,3}){3}[a-z]\b|['\"`] ?\+ ?['\"`]|[a-z]\.[a-z]\.[a-z]"
        # Words glued together ("ignoreallpreviousinstructions", camelCase once lower-cased)
        # or split inside by a mark that is no punctuation of prose ("ign·ore", "ignـore").
        rf"|[a-z]{{{_GLUED_LETTERS},}}|[a-z][{_WORD_SEPARATORS}]+[a-z]"
    )
    signs.Compile()
    return signs


_SIGNS: Final = _signs()
_ASKED_ABOUT_RULES: Final = frozenset({"injection.extraction_attempt.exfiltration_url"})
"""Rules whose phrase, inside a question, is asked about rather than ordered: "is it bad
practice to put the user's email address in a URL?", "how do I put the message history into a
URL parameter?". An injected order to send data away is an imperative."""
_QUESTION_RE: Final = re.compile(
    rb"(?:^|[.!?\n])[ \t\"'>*-]*(?:how|what|why|where|when|which|is it|are there|can i|can we|"
    rb"could i|should i|should we|do i|do we|does|did|would it|i want to|we want to|i need to|"
    rb"we need to|our [a-z ]{1,30} wants? to)\b[^.!?\n]*$",
)
"""The start of a sentence that asks, up to the phrase (a question mark after the phrase is the
other sign)."""
_UNSAFE_SNIPPET_RE: Final = re.compile(r"\S*@\S*|\d[\d ().-]{3,}\d|\S*\d\S*\d\S*\d\S*")
_UNSAFE_CHAR_RE: Final = re.compile(r"[@\d]")


@dataclass(frozen=True, slots=True)
class _Compiled:
    rule: InjectionRule
    regex: re2._Regexp
    squashed: re2._Regexp | None


def _options() -> re2.Options:
    options = re2.Options()
    options.max_mem = 64 << 20  # the combined set needs more than RE2's 8 MiB default DFA budget
    return options


class InjectionDetector:
    """Finds prompt-injection phrases in normalised views. Thread-safe after construction.

    Args:
        rules: The rule table (default: every built-in rule).
    """

    def __init__(self, rules: Sequence[InjectionRule] = ALL_RULES) -> None:
        options = _options()
        self._compiled: list[_Compiled] = []
        self._squashed_set = re2.Set.SearchSet(options)
        self._squashed_index: list[int] = []
        patterns: list[str] = []
        for index, rule in enumerate(rules):
            pattern = (
                unicodedata.normalize("NFKC", rule.pattern)
                if rule.raw
                else expand(rule.pattern, across_line_breaks=True)
            )
            squashed = re2.compile(rule.squashed, options) if rule.squashed else None
            self._compiled.append(_Compiled(rule, re2.compile(pattern, options), squashed))
            patterns.append(pattern)
            if rule.squashed:
                self._squashed_set.Add(rule.squashed)
                self._squashed_index.append(index)
        # Only the rules whose trigger words occur in a text are run on it (see
        # literal_prefilter for why not one RE2 set of every rule).
        self._candidates = CandidateSet(patterns)
        self._squashed_set.Compile()

    @property
    def rules(self) -> tuple[InjectionRule, ...]:
        """The rules this detector runs."""
        return tuple(compiled.rule for compiled in self._compiled)

    def detect(self, views: Iterable[View]) -> list[Finding]:
        """Run every rule over every view.

        Args:
            views: Views from :func:`prysmai.security.normalize.build_views`.

        Returns:
            Findings with offsets into the original text, at most
            :data:`MAX_FINDINGS_PER_RULE` per rule.
        """
        findings: list[Finding] = []
        for view in views:
            view_findings = self._detect_view(view)
            joined = with_split_words_joined(view.normalized)
            if joined is not None:
                # Rule words split by punctuation ("ign-ore") are read joined, in a second
                # pass: the first keeps "system_prompt" two words, as the rules expect.
                found = {finding.rule for finding in view_findings}
                view_findings.extend(
                    finding
                    for finding in self._detect_view(dataclasses.replace(view, normalized=joined))
                    if finding.rule not in found
                )
            view_findings.extend(_obfuscation_findings(view))
            if view.depth > 0 and view.fixed_span is not None and view_findings:
                start, end = view.fixed_span
                snippet = f"{view.origin} payload"
                findings.append(
                    Finding(
                        FindingKind.INJECTION,
                        InjectionCategory.ENCODING_TRICKS.value,
                        _ENCODED_RULE,
                        _ENCODED_SEVERITY,
                        start,
                        end,
                        snippet,
                    )
                )
            findings.extend(view_findings)
            if view.depth == 0:
                findings.extend(_shape_findings(view))
        return _limit(findings)

    def _detect_view(self, view: View) -> list[Finding]:
        text = view.normalized.text
        # RE2 matches bytes without re-encoding, and bytes.translate runs at C speed where
        # str.translate costs ~70 ns per character of any non-ASCII string.
        data = text.encode("utf-8", "surrogatepass")
        is_ascii = len(data) == len(text)
        signs = _SIGNS.Match(data) or ()
        leet_data = data.translate(_LEET_BYTES) if _LEET_SIGN in signs else None
        sources = [(text, data)]
        if leet_data is not None:
            sources.append((leet_data.decode("utf-8", "surrogatepass"), leet_data))
        findings: list[Finding] = []
        found: set[int] = set()
        for source_text, source_data in sources:
            for index in self._candidates.candidates(source_text):
                if index in found:
                    continue
                finding = self._finding(view, index, source_data, is_ascii)
                if finding is not None:
                    findings.append(finding)
                    found.add(index)
        if _SPACING_SIGN in signs:
            # Digits are folded here whatever the leetspeak sign said: spaced out, "1 g n 0 r 3"
            # has no digit next to a letter for that sign to see.
            squashed_source = leet_data if leet_data is not None else data.translate(_LEET_BYTES)
            findings.extend(self._squashed_findings(view, squashed_source, found))
        return findings

    def _finding(self, view: View, index: int, data: bytes, is_ascii: bool) -> Finding | None:
        compiled = self._compiled[index]
        # Searching the bytes skips the wrapper's str handling; offsets are byte offsets.
        match = compiled.regex.search(data)
        if match is None:  # a candidate whose trigger words occur without the phrase
            return None
        group = 1 if compiled.regex.groups else 0
        start, end = match.span(group)
        if not compiled.rule.raw and data.count(b"\n", start, end) > 1:
            # A phrase read across a blank line or over three lines is no phrase: the words of
            # a list or of code, which a rule's separators and gaps would otherwise join.
            return None
        if compiled.rule.id in _ASKED_ABOUT_RULES and _in_a_question(data, start, end):
            return None
        phrase = data[start:end].decode("utf-8", "surrogatepass")
        if not is_ascii:
            start = len(data[:start].decode("utf-8", "surrogatepass"))
            end = start + len(phrase)
        original_start, original_end = view.original_span(start, end)
        return Finding(
            FindingKind.INJECTION,
            compiled.rule.category.value,
            compiled.rule.id,
            compiled.rule.severity,
            original_start,
            original_end,
            safe_snippet(phrase),
        )

    def _squashed_findings(self, view: View, data: bytes, found: set[int]) -> list[Finding]:
        text: str | None = None
        squashed_data = data.translate(None, _NON_LETTER_BYTES)
        if not squashed_data.isascii():
            # A look-alike letter spaced out on its own ("I g n о r e") is a one-letter word to
            # the normaliser, which leaves it alone; squashed, it is part of a Latin word.
            text = fold_look_alikes(data.decode("utf-8", "surrogatepass"))
            squashed_data = text.translate(_SQUASH_TABLE).encode("utf-8", "surrogatepass")
        matched = self._squashed_set.Match(squashed_data)
        if not matched:
            return []
        if text is None:
            text = data.decode("utf-8", "surrogatepass")
        squashed = text.translate(_SQUASH_TABLE)
        findings: list[Finding] = []
        kept: list[int] = []
        for set_index in matched:
            compiled = self._compiled[self._squashed_index[set_index]]
            rule_index = self._squashed_index[set_index]
            if rule_index in found or compiled.squashed is None:
                continue
            if not kept:
                kept = [
                    i
                    for i, char in enumerate(text)
                    if char.isalpha() or not (char.isascii() or char in _WORD_SEPARATORS)
                ]
            match = compiled.squashed.search(squashed)
            if match is None:  # pragma: no cover - the set and the single regex agree
                continue
            start, end = kept[match.start()], kept[match.end() - 1] + 1
            original_start, original_end = view.original_span(start, end)
            findings.append(
                Finding(
                    FindingKind.INJECTION,
                    compiled.rule.category.value,
                    compiled.rule.id,
                    compiled.rule.severity,
                    original_start,
                    original_end,
                    safe_snippet(match.group()),
                )
            )
        return findings


def _in_a_question(data: bytes, start: int, end: int) -> bool:
    """Whether the sentence around ``data[start:end]`` asks (see :data:`_QUESTION_RE`)."""
    sentence_start = max(data.rfind(mark, 0, start) for mark in (b".", b"!", b"?", b"\n"))
    sentence_start = max(sentence_start, start - 200, 0)
    ends = [at for at in (data.find(mark, end) for mark in (b".", b"!", b"?", b"\n")) if at >= 0]
    sentence_end = min(min(ends) + 1 if ends else len(data), end + 200)
    before = data[sentence_start:start]
    after = data[end:sentence_end]
    return _QUESTION_RE.search(before) is not None or after.rstrip().endswith(b"?")


def _obfuscation_findings(view: View) -> list[Finding]:
    findings: list[Finding] = []
    for signal in view.normalized.obfuscations:
        rule, severity = _OBFUSCATION_RULES[signal.kind]
        start, end = _source_to_original(view, signal.start, signal.end)
        findings.append(
            Finding(
                FindingKind.INJECTION,
                InjectionCategory.ENCODING_TRICKS.value,
                rule,
                severity,
                start,
                end,
                f"{signal.count} {signal.kind.replace('_', ' ')}",
            )
        )
    return findings


def _shape_findings(view: View) -> list[Finding]:
    """Findings from the text's shape rather than its words: repetition and ciphers."""
    text = view.normalized.text
    findings: list[Finding] = []
    run = find_repetition(text)
    if run is not None:
        start, end = view.original_span(run.start, run.end)
        snippet = safe_snippet(f"{run.phrase!r} repeated {run.copies} times")
        findings.append(
            Finding(
                FindingKind.INJECTION,
                InjectionCategory.CONTEXT_CONFUSION.value,
                REPETITION_RULE,
                _REPETITION_SEVERITY,
                start,
                end,
                snippet,
            )
        )
    for cipher in find_cipher_runs(text):
        start, end = view.original_span(cipher.start, cipher.end)
        findings.append(
            Finding(
                FindingKind.INJECTION,
                InjectionCategory.ENCODING_TRICKS.value,
                _CIPHER_RULES[cipher.kind],
                _CIPHER_SEVERITY,
                start,
                end,
                f"{cipher.letters} {_CIPHER_UNITS[cipher.kind]}",
            )
        )
    return findings


def _source_to_original(view: View, start: int, end: int) -> tuple[int, int]:
    if view.fixed_span is not None:
        return view.fixed_span
    if view.positions is not None and view.positions:
        return view.positions[start], view.positions[max(end - 1, start)] + 1
    return start, end


def _limit(findings: list[Finding]) -> list[Finding]:
    counts: dict[str, int] = {}
    seen: set[tuple[str, int, int]] = set()
    kept: list[Finding] = []
    for finding in findings:
        key = (finding.rule, finding.start, finding.end)
        if key in seen or counts.get(finding.rule, 0) >= MAX_FINDINGS_PER_RULE:
            continue
        seen.add(key)
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
        kept.append(finding)
    return kept


def safe_snippet(phrase: str) -> str:
    """Cap a matched phrase and mask anything in it that could be personal data.

    Args:
        phrase: The matched text (normalised).

    Returns:
        At most :data:`SNIPPET_MAX_CHARS` characters, with e-mail-like tokens, digit runs and
        tokens holding several digits replaced by ``[REDACTED]``.
    """
    # Only the first characters are ever shown, so only they are masked: the masking pattern
    # is not linear on one huge token.
    masked = " ".join(phrase[: 4 * SNIPPET_MAX_CHARS].split())
    if _UNSAFE_CHAR_RE.search(masked) is not None:  # every unsafe token holds "@" or a digit
        masked = _UNSAFE_SNIPPET_RE.sub("[REDACTED]", masked)
    if len(masked) <= SNIPPET_MAX_CHARS:
        return masked
    return masked[: SNIPPET_MAX_CHARS - 1] + "…"
