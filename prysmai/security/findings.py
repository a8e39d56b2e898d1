"""Result types shared by every scanner: one finding per detected span, one result per scan."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class FindingKind(StrEnum):
    """Which family of scanner produced a finding."""

    INJECTION = "injection"
    PII = "pii"
    POLICY = "policy"
    KEYWORD = "keyword"


class ThreatLevel(StrEnum):
    """Bands of the 0-100 threat score."""

    CLEAN = "clean"  # 0-19
    LOW = "low"  # 20-39
    MEDIUM = "medium"  # 40-69
    HIGH = "high"  # 70-100


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a scanner found in a text.

    Offsets index the *original* text (Python ``str`` indices, end exclusive), even when the
    match was made on the normalised or decoded form.
    """

    kind: FindingKind
    category: str
    """Injection category, PII type (``EMAIL``, ``CREDIT_CARD`` ...) or policy name."""
    rule: str
    """Stable identifier of the rule that fired; safe to log."""
    severity: int
    """1-10: how strongly this finding alone indicates a threat."""
    start: int
    end: int
    snippet: str
    """Short excerpt around the match, itself redacted so it never carries raw PII."""


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything one scan found, with the composite threat score."""

    score: int
    level: ThreatLevel
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    scan_time_ms: float = 0.0

    @property
    def is_clean(self) -> bool:
        """True when nothing at all was found."""
        return not self.findings
