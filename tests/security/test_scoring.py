from __future__ import annotations

import pytest

from prysmai.security.findings import Finding, FindingKind, ThreatLevel
from prysmai.security.scoring import explain, level_for, points_for, score


def _finding(
    severity: int,
    rule: str = "r",
    kind: FindingKind = FindingKind.INJECTION,
    category: str = "c",
    start: int = 0,
) -> Finding:
    return Finding(kind, category, rule, severity, start, start + 1, "x")


@pytest.mark.parametrize(
    ("value", "level"),
    [
        pytest.param(0, ThreatLevel.CLEAN, id="0"),
        pytest.param(19, ThreatLevel.CLEAN, id="19"),
        pytest.param(20, ThreatLevel.LOW, id="20"),
        pytest.param(39, ThreatLevel.LOW, id="39"),
        pytest.param(40, ThreatLevel.MEDIUM, id="40"),
        pytest.param(69, ThreatLevel.MEDIUM, id="69"),
        pytest.param(70, ThreatLevel.HIGH, id="70"),
        pytest.param(100, ThreatLevel.HIGH, id="100"),
    ],
)
def test_level_bands(value: int, level: ThreatLevel) -> None:
    actual = level_for(value)

    assert actual == level


def test_critical_jailbreak_alone_is_high() -> None:
    actual = level_for(score([_finding(9)]))

    assert actual == ThreatLevel.HIGH


def test_weaker_signals_add_up() -> None:
    single = score([_finding(6, "a")])
    combined = score([_finding(6, "a"), _finding(6, "b", start=5), _finding(6, "c", start=9)])

    assert (single, combined) == (40, 78)


def test_two_rules_of_one_category_on_the_same_words_count_as_one_and_a_quarter() -> None:
    same_words = score([_finding(7, "a"), _finding(7, "b")])
    other_category = score([_finding(7, "a"), _finding(7, "b", category="d")])
    classifier = score([_finding(7, "a"), _finding(7, "injection.c.classifier")])

    assert (same_words, other_category, classifier) == (56, 75, 75)


def test_repeated_rule_adds_a_quarter() -> None:
    actual = score([_finding(6, "a"), _finding(6, "a")])

    assert actual == 46


def test_pii_alone_is_capped_at_medium() -> None:
    findings = [
        _finding(9, kind=FindingKind.PII, category=name)
        for name in ("PRIVATE_KEY", "API_KEY", "SSN", "CREDIT_CARD", "EMAIL")
    ]

    actual = score(findings)

    assert (actual, level_for(actual)) == (65, ThreatLevel.MEDIUM)


def test_the_classifiers_together_stay_medium_and_a_rule_still_lifts_them() -> None:
    injection = _finding(7, "injection.context_confusion.classifier")
    policy = _finding(7, "policy.violence.classifier", FindingKind.POLICY, "violence")
    rule = _finding(8, "injection.context_confusion.ignore_previous")

    alone = score([injection, policy])
    with_rule = score([injection, policy, rule])
    explained = explain([injection, policy, rule])

    assert (alone, level_for(alone)) == (69, ThreatLevel.MEDIUM)  # 75 uncapped
    assert with_rule == 88  # 1 - 0.4 * 0.31: the rule's evidence on top of the capped guess
    assert sum(points for _, points in explained) == with_rule


def test_api_keys_weigh_more_than_emails() -> None:
    email = points_for(_finding(3, kind=FindingKind.PII, category="EMAIL"))
    key = points_for(_finding(3, kind=FindingKind.PII, category="API_KEY"))

    assert (email, key) == (20, 50)


def test_explain_contributions_sum_to_score() -> None:
    findings = [
        _finding(8, "a"),
        _finding(5, "b"),
        _finding(3, kind=FindingKind.PII, category="EMAIL"),
        _finding(8, "a"),
    ]

    explained = explain(findings)

    assert sum(points for _, points in explained) == score(findings)
    assert all(points > 0 for _, points in explained)


def test_no_findings_score_zero() -> None:
    actual = (score([]), explain([]))

    assert actual == (0, [])


def test_findings_in_the_instructions_raise_the_score_to_medium_at_most():
    from prysmai.security.scoring import INSTRUCTIONS_CAP, score_with_instructions

    theirs = [_finding(10, "dan", category="a"), _finding(9, "developer_mode", category="b")]
    assert score(theirs) > INSTRUCTIONS_CAP
    assert score_with_instructions(theirs, theirs) == INSTRUCTIONS_CAP
    own = [_finding(8, "ignore_previous", category="c")]
    assert score_with_instructions(own + theirs, theirs) == INSTRUCTIONS_CAP
    high = [_finding(9, "unrestricted", category="d")]
    assert score_with_instructions(high + theirs, theirs) == score(high + theirs)
    assert score_with_instructions(own, []) == score(own)
