"""The 0-100 threat score: a noisy-OR of per-finding points, every point traced to a finding.

Each finding is worth points by its severity (PII by its type). Points combine as independent
evidence, ``1 - prod(1 - p)``, strongest first; a rule (or PII type) that fires again adds only
a quarter of its points. PII together is capped at :data:`PII_CAP`, so personal data alone is
at most "medium". Each finding's contribution is the score it added, so contributions sum to
the score exactly.
"""

from __future__ import annotations

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
    if finding.kind is FindingKind.PII:
        default = SEVERITY_POINTS.get(min(max(finding.severity, 1), 10), 20) // 2
        return PII_POINTS.get(finding.category, default)
    return SEVERITY_POINTS[min(max(finding.severity, 1), 10)]


def explain(findings: Sequence[Finding]) -> list[tuple[Finding, int]]:
    """Return each finding with the points it contributed, strongest first.

    Args:
        findings: Findings of one scan.

    Returns:
        ``(finding, points)`` pairs whose points add up to :func:`score` of the same findings.
    """
    ranked = sorted(findings, key=lambda finding: -points_for(finding))
    others = [finding for finding in ranked if finding.kind is not FindingKind.PII]
    pii = [finding for finding in ranked if finding.kind is FindingKind.PII]
    seen: set[tuple[FindingKind, str]] = set()
    other_miss = 1.0  # probability that no non-PII finding is a real threat
    pii_miss = 1.0
    previous = 0
    explained: list[tuple[Finding, int]] = []
    for finding in [*others, *pii]:
        key = (finding.kind, finding.category if finding.kind is FindingKind.PII else finding.rule)
        weight = REPEAT_WEIGHT if key in seen else 1.0
        seen.add(key)
        chance = points_for(finding) * weight / 100
        if finding.kind is FindingKind.PII:
            pii_miss = max(pii_miss * (1 - chance), 1 - PII_CAP / 100)
        else:
            other_miss *= 1 - chance
        current = round(100 * (1 - other_miss * pii_miss))
        explained.append((finding, current - previous))
        previous = current
    return explained


def score(findings: Sequence[Finding]) -> int:
    """Return the 0-100 threat score of ``findings``."""
    return sum(points for _, points in explain(findings))
