"""Content policy: hate, violence, sexual, self-harm and illegal activity, plus custom keywords.

Two detectors run over the normalised text and their findings are merged:

* phrase rules (:mod:`prysmai.security.policy_patterns`) that capture harmful *intent* in
  English and French, with shorter rules for Italian, Vietnamese, Swahili, Javanese, Chinese,
  Korean, Thai, Bengali and Arabic, each run only where its trigger words occur (one literal
  prefilter pass, :mod:`prysmai.security.literal_prefilter`);
* a small linear classifier over character n-grams (:mod:`prysmai.security.policy_model`),
  shipped as JSON, which catches requests phrased without any rule's keywords.

"How do I kill -9 a hung process", "blow up a balloon" or "shoot a photo" name no human target
and match neither.

Limitations:
    The classifier was trained on public evaluation prompts that are mostly English and
    French; its other-language recall is low and the rules carry those languages. Fiction and
    game framing ("in my novel", "in Call of Duty") lowers the severity of person-directed
    violence, not of weapons.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Final

import re2

from prysmai.security.findings import Finding, FindingKind
from prysmai.security.injection import safe_snippet
from prysmai.security.injection_patterns import expand
from prysmai.security.literal_prefilter import CandidateSet
from prysmai.security.normalize import normalize
from prysmai.security.policy_model import PolicyModel
from prysmai.security.policy_patterns import (
    BENIGN_PHRASE,
    DEFINITION_QUESTION,
    GAME_CONTEXT,
    GAME_CONTEXT_RAW,
    POLICIES,
    PROTECTIVE_CONTEXT,
    PROTECTIVE_CONTEXT_RAW,
    RULES,
    SAFE_CONTEXT,
    PolicyRule,
)

__all__ = ["KEYWORD_SEVERITY", "POLICIES", "KeywordMatcher", "PolicyDetector", "PolicyRule"]

_SpanMap = Callable[[int, int], tuple[int, int]]

KEYWORD_SEVERITY: Final = 5
"""Severity of a custom keyword match."""
_FRAMED_DISCOUNT: Final = 3
_TOPICAL_SEVERITY: Final = 5
_BENIGN_LOOKAHEAD: Final = 40
"""Characters after a match searched for a harmless object ("steal ... someone's heart")."""
_BENIGN_LOOKBEHIND: Final = 32
"""Characters before a match searched for a harmless phrase that reaches into it: where the
object comes first (Korean "프로세스를 죽이려면", "to kill the process")."""
_MAX_MEM: Final = 64 << 20  # the combined set needs more than RE2's 8 MiB default DFA budget

_BENIGN_PHRASE_RE: Final = re.compile(BENIGN_PHRASE)


def _options() -> re2.Options:
    options = re2.Options()
    options.max_mem = _MAX_MEM
    return options


def _pattern(rule: PolicyRule) -> str:
    return rule.pattern if rule.raw else expand(rule.pattern)


class PolicyDetector:
    """Finds content-policy violations. Thread-safe after construction.

    Args:
        rules: The policy rules (default: the built-in ones).
        model: The classifier; by default the one shipped with the package. Pass ``None`` to
            run the rules alone.
    """

    _DEFAULT: Final = object()

    def __init__(
        self,
        rules: Sequence[PolicyRule] = RULES,
        model: PolicyModel | None | object = _DEFAULT,
    ) -> None:
        options = _options()
        self._rules = tuple(rules)
        self._regexes = [re2.compile(_pattern(rule), options) for rule in self._rules]
        # Only the rules whose trigger words occur in a text run on it (see literal_prefilter
        # for why not one RE2 set of every rule).
        self._candidates = CandidateSet([_pattern(rule) for rule in self._rules])
        self._softening = re2.compile(expand(SAFE_CONTEXT), options)
        self._game = re2.compile(f"{expand(GAME_CONTEXT)}|{GAME_CONTEXT_RAW}", options)
        self._protective = re2.compile(
            f"{expand(PROTECTIVE_CONTEXT)}|{PROTECTIVE_CONTEXT_RAW}", options
        )
        self._definition = re2.compile(DEFINITION_QUESTION, options)
        if model is PolicyDetector._DEFAULT:
            self._model = PolicyModel.load_default()
        else:
            self._model = model if isinstance(model, PolicyModel) else None

    @property
    def rules(self) -> tuple[PolicyRule, ...]:
        """The rules this detector runs."""
        return self._rules

    @property
    def model(self) -> PolicyModel | None:
        """The classifier, or None when running rules alone."""
        return self._model

    def detect(self, text: str, source_span: _SpanMap, *, use_model: bool = True) -> list[Finding]:
        """Return policy findings for normalised ``text``.

        Args:
            text: Normalised text (see :mod:`prysmai.security.normalize`).
            source_span: Maps a span of ``text`` to the original text.
            use_model: Whether the classifier reads the text too (rules alone when False).

        Returns:
            At most one finding per rule, plus at most one from the classifier (for a policy
            no rule reported), with offsets into the original text.
        """
        findings = self._rule_findings(text, source_span)
        if self._model is not None and use_model:
            verdict = self._model.classify(text)
            if verdict is not None and all(f.category != verdict.policy for f in findings):
                start, end = verdict.start, verdict.end
                window = (max(0, start - _BENIGN_LOOKAHEAD), end + _BENIGN_LOOKAHEAD)
                if _BENIGN_PHRASE_RE.search(text, *window) is not None:
                    return findings
                original_start, original_end = source_span(start, end)
                findings.append(
                    Finding(
                        FindingKind.POLICY,
                        verdict.policy,
                        f"policy.{verdict.policy}.classifier",
                        verdict.severity,
                        original_start,
                        original_end,
                        safe_snippet(text[start:end]),
                    )
                )
        return findings

    def _rule_findings(self, text: str, source_span: _SpanMap) -> list[Finding]:
        matched = self._candidates.candidates(text)
        if not matched:
            return []
        frames = _Frames(self, text)
        findings: list[Finding] = []
        for index in matched:
            rule = self._rules[index]
            # The rule's own regex first: most candidates do not match, and then the framing
            # searches (each a pass over the text) are never needed. Skipping in either order
            # gives the same findings.
            match = self._regexes[index].search(text)
            if match is None:  # a candidate whose trigger words occur without the phrase
                continue
            if rule.is_topical and frames.protective:
                continue
            if rule.is_contextual and frames.game:
                continue
            start, end = match.span(0 if rule.raw else 1)
            if _is_benign(text, start, end):
                continue
            # A bare topic names a harmful subject, not a request for harm: alone it is a low
            # score, and with the classifier's guess beside it still short of a block.
            severity = (
                min(rule.severity, _TOPICAL_SEVERITY) if rule.is_bare_topic else rule.severity
            )
            if rule.is_contextual and frames.softened:
                severity -= _FRAMED_DISCOUNT
            original_start, original_end = source_span(start, end)
            findings.append(
                Finding(
                    FindingKind.POLICY,
                    rule.policy,
                    rule.id,
                    severity,
                    original_start,
                    original_end,
                    safe_snippet(text[start:end]),
                )
            )
        return findings


def _is_benign(text: str, start: int, end: int) -> bool:
    """A harmless phrase overlaps the match or follows it closely.

    A phrase wholly before the match says nothing about it ("blow up a balloon, then kill my
    neighbour"), so one found behind the match must reach into it.
    """
    low = max(0, start - _BENIGN_LOOKBEHIND)
    high = min(len(text), end + _BENIGN_LOOKAHEAD)
    return any(m.end() > start for m in _BENIGN_PHRASE_RE.finditer(text, low, high))


class _Frames:
    """Framing of one text, each looked up at most once and only when a rule needs it."""

    def __init__(self, detector: PolicyDetector, text: str) -> None:
        self._detector = detector
        self._text = text
        self._game: bool | None = None
        self._softened: bool | None = None
        self._protective: bool | None = None

    @property
    def game(self) -> bool:
        """The text is about a game: person-directed violence is play."""
        if self._game is None:
            self._game = self._detector._game.search(self._text) is not None
        return self._game

    @property
    def softened(self) -> bool:
        """Fiction or process-management framing."""
        if self._softened is None:
            self._softened = self._detector._softening.search(self._text) is not None
        return self._softened

    @property
    def protective(self) -> bool:
        """The text asks how to prevent, recognise or define a harm, not how to cause it."""
        if self._protective is None:
            detector, text = self._detector, self._text
            self._protective = (
                detector._protective.search(text) is not None
                or detector._definition.search(text) is not None
            )
        return self._protective


_WORD_CHARACTER: Final = re.compile(r"\w")


class KeywordMatcher:
    """Matches the configured custom keywords, case-insensitively on word boundaries.

    Args:
        keywords: Words or phrases, normalised like the text (lower-cased, accents folded).
    """

    def __init__(self, keywords: Iterable[str]) -> None:
        # A keyword with no letter or digit once normalised (a lone variation selector, "!!")
        # would match at every gap between words and flag every text.
        normalised = {" ".join(normalize(word).text.split()) for word in keywords if word.strip()}
        words = sorted(word for word in normalised if _WORD_CHARACTER.search(word))
        self._keywords = tuple(words)
        body = "|".join(re.escape(word) for word in words)
        self._regex = re.compile(rf"(?<!\w)(?:{body})(?!\w)") if words else None

    def detect(self, text: str, source_span: _SpanMap) -> list[Finding]:
        """Return one finding per keyword occurrence in normalised ``text``."""
        if self._regex is None:
            return []
        findings: list[Finding] = []
        for match in self._regex.finditer(text):
            start, end = source_span(match.start(), match.end())
            findings.append(
                Finding(
                    FindingKind.KEYWORD,
                    "custom_keyword",
                    "keyword.custom",
                    KEYWORD_SEVERITY,
                    start,
                    end,
                    safe_snippet(match.group()),
                )
            )
        return findings
