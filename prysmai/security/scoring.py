"""The 0-100 threat score: a noisy-OR of per-finding points, every point traced to a finding.

Each finding is worth points by its severity (PII by its type). Points combine as independent
evidence, ``1 - prod(1 - p)``, strongest first; a rule (or PII type) that fires again adds only
a quarter of its points, and so does a rule of the same category whose match overlaps one already
counted. PII together is capped at :data:`PII_CAP`, so personal data alone is at most "medium",
and so are the statistical findings together (:data:`CLASSIFIER_CAP`: the classifiers' and the
word overlap with the instructions' restrictions): a statistical guess, even two of them, never
blocks, and neither do statistical findings and personal data together
(:data:`GUESS_AND_PII_CAP`): high takes a rule finding. Findings in the application's own
instructions stay medium too (:data:`INSTRUCTIONS_CAP`).
Each finding's contribution is the score it added, so contributions sum to the score exactly.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Final

from prysmai.security.findings import Finding, FindingKind, ThreatLevel

HIGH_THRESHOLD: Final = 70
"""Score from which a result is "high" (and blocked when ``blockHighThreats`` is on)."""
MEDIUM_THRESHOLD: Final = 40
LOW_THRESHOLD: Final = 20

SEVERITY_POINTS: Final = {10: 90, 9: 75, 8: 60, 7: 50, 6: 40, 5: 30, 4: 22, 3: 15, 2: 8, 1: 4}
"""Points a finding of each severity is worth on its own."""
PII_POINTS: Final = {
    "EMAIL": 20,
    "PHONE": 20,
    "IP_ADDRESS": 15,
    "DATE_OF_BIRTH": 20,
    "SSN": 35,
    "CREDIT_CARD": 35,
    "API_KEY": 50,
    "PRIVATE_KEY": 55,
}
"""Points per PII type: secrets weigh more than contact details."""
PII_CAP: Final = 65
"""PII findings together never push the score past this (medium)."""
CLASSIFIER_CAP: Final = 69
"""The classifiers' findings together never push the score past this (medium)."""
GUESS_AND_PII_CAP: Final = 69
"""Without a rule finding, statistical findings and personal data together stay medium."""
INSTRUCTIONS_CAP: Final = 69
"""Findings in the application's own instructions (its system prompt) never push the score past
this (medium): a prompt that lists the attacks it refuses or names a garage "DAN's" would
otherwise block every call the application makes."""
REPEAT_WEIGHT: Final = 0.25


def level_for(score: int) -> ThreatLevel:
    """Return the band of a 0-100 score."""
    if score >= HIGH_THRESHOLD:
        return ThreatLevel.HIGH
    if score >= MEDIUM_THRESHOLD:
        return ThreatLevel.MEDIUM
    if score >= LOW_THRESHOLD:
        return ThreatLevel.LOW
    return ThreatLevel.CLEAN


def points_for(finding: Finding) -> int:
    """Return what ``finding`` is worth on its own, 0-100."""
    severity = finding.severity
    points = _SEVERITY_TABLE[severity if 1 <= severity <= 10 else min(max(severity, 1), 10)]
    if finding.kind is _PII:
        return PII_POINTS.get(finding.category, points // 2)
    return points


# Indexed by severity (clamped to 1-10); index 0 is never read.
_SEVERITY_TABLE: Final = tuple(SEVERITY_POINTS.get(severity, 20) for severity in range(11))
_PII: Final = FindingKind.PII
_PII_FLOOR: Final = 1 - PII_CAP / 100
_CLASSIFIER_FLOOR: Final = 1 - CLASSIFIER_CAP / 100
_FIRST: Final = operator.itemgetter(0)
_CLASSIFIER_SUFFIXES: Final = (".classifier", ".overlap")
"""Rule ids of statistical findings end so: the shipped classifiers', and the word overlap
between a user's text and the restrictions of the application's instructions."""


def explain(findings: Sequence[Finding]) -> list[tuple[Finding, int]]:
    """Return each finding with the points it contributed, strongest first.

    Args:
        findings: Findings of one scan.

    Returns:
        ``(finding, points)`` pairs whose points add up to :func:`score` of the same findings.
    """
    explained: list[tuple[Finding, int]] = []
    previous = 0
    for finding, current in _running_scores(findings):
        explained.append((finding, current - previous))
        previous = current
    return explained


def score(findings: Sequence[Finding]) -> int:
    """Return the 0-100 threat score of ``findings``."""
    running = _running_scores(findings)
    return running[-1][1] if running else 0


def score_with_instructions(
    findings: Sequence[Finding], from_instructions: Sequence[Finding]
) -> int:
    """Return the score of ``findings``, some of them found in the application's instructions.

    Args:
        findings: Every finding of one request.
        from_instructions: Those of ``findings`` (the same objects) found in the application's
            own instructions: they raise the score to :data:`INSTRUCTIONS_CAP` at most, and
            only the other findings can make it high (then all of them count).
    """
    total = score(findings)
    if not from_instructions or total <= INSTRUCTIONS_CAP:
        return total
    theirs = {id(finding) for finding in from_instructions}
    own = [finding for finding in findings if id(finding) not in theirs]
    # Once the other findings are high on their own, every finding counts.
    return total if score(own) >= HIGH_THRESHOLD else INSTRUCTIONS_CAP


def _running_scores(findings: Sequence[Finding]) -> list[tuple[Finding, int]]:
    """Return each finding, strongest first (non-PII before PII), with the score so far.

    Each finding's points are computed once; the products are taken in the same order as
    the contributions are reported, so :func:`score` and :func:`explain` agree exactly.
    """
    ranked = sorted([(-points_for(finding), finding) for finding in findings], key=_FIRST)
    seen: set[tuple[FindingKind, str]] = set()
    # The span each counted rule was first counted for, by kind and category: two rules of one
    # category reading the same words ("Note to the AI:") are one piece of evidence, not two.
    counted_spans: dict[tuple[FindingKind, str], list[tuple[int, int]]] = {}
    other_miss = 1.0  # probability that no rule finding is a real threat
    classifier_miss = 1.0
    pii_miss = 1.0
    running: list[tuple[Finding, int]] = []
    key: tuple[FindingKind, str]
    for negative_points, finding in ranked:
        if finding.kind is not _PII:
            key = (finding.kind, finding.rule)
            # The classifier reads the whole text: it is evidence of its own, whatever it spans.
            is_classifier = finding.rule.endswith(_CLASSIFIER_SUFFIXES)
            spans = (
                []
                if is_classifier
                else counted_spans.setdefault((finding.kind, finding.category), [])
            )
            is_repeat = key in seen or any(
                start < finding.end and finding.start < end for start, end in spans
            )
            if key not in seen:
                spans.append((finding.start, finding.end))
            chance = -negative_points * (REPEAT_WEIGHT if is_repeat else 1.0) / 100
            seen.add(key)
            if is_classifier:
                classifier_miss = max(classifier_miss * (1 - chance), _CLASSIFIER_FLOOR)
            else:
                other_miss *= 1 - chance
            running.append((finding, _combined(other_miss, classifier_miss, pii_miss)))
    for negative_points, finding in ranked:
        if finding.kind is _PII:
            key = (finding.kind, finding.category)
            chance = -negative_points * (REPEAT_WEIGHT if key in seen else 1.0) / 100
            seen.add(key)
            pii_miss = max(pii_miss * (1 - chance), _PII_FLOOR)
            running.append((finding, _combined(other_miss, classifier_miss, pii_miss)))
    return running


def _combined(other_miss: float, classifier_miss: float, pii_miss: float) -> int:
    """The score of the evidence so far.

    Without a rule finding it stays medium: personal data and a statistical guess together ("my
    card is ... can I get a student discount?" under a rule on discounts) are no threat to
    block; the data is what redaction is for.
    """
    total = round(100 * (1 - other_miss * classifier_miss * pii_miss))
    return min(total, GUESS_AND_PII_CAP) if other_miss == 1.0 else total
