"""Text that once broke the scanners: lone surrogates, floods of invisible characters or marks."""

from __future__ import annotations

import time

import pytest

from prysmai.security import redact, scan


def _best_seconds(text: str, runs: int = 3) -> float:
    """The quickest of a few scans of ``text``: one scan on a busy machine says little."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        scan(text)
        timings.append(time.perf_counter() - started)
    return min(timings)


def test_lone_surrogates_are_scanned_with_offsets_intact():
    text = "abc \ud800 mail a@b.co"

    result = scan(text)

    [email] = [f for f in result.findings if f.category == "EMAIL"]
    assert text[email.start : email.end] == "a@b.co"
    assert redact(text) == "abc \ud800 mail [EMAIL_REDACTED]"


@pytest.mark.slow
@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad"])
def test_invisible_floods_scan_in_linear_time(char):
    scan(char * 1000)  # compile everything first
    small = _best_seconds(char * 16_000)
    large = _best_seconds(char * 256_000)

    # 16 times the input: a linear scan takes about 16 times as long, a quadratic one 256.
    assert large < max(small, 0.005) * 64


@pytest.mark.slow
@pytest.mark.parametrize(
    "marks",
    [
        pytest.param("\u0301\u0323", id="out-of-canonical-order"),
        pytest.param("\u200d\u0332", id="behind-invisible-characters"),
        pytest.param("\u20dd", id="enclosing"),
    ],
)
def test_mark_floods_scan_in_linear_time(marks: str) -> None:
    def seconds(copies: int) -> float:
        return _best_seconds("Hello a" + marks * copies + " world")

    seconds(100)  # compile everything first
    small = seconds(2_000)
    large = seconds(32_000)

    # 16 times the input: a linear scan takes about 16 times as long, a quadratic one 256.
    assert large < max(small, 0.005) * 64


@pytest.mark.parametrize("text", ["%b0%b0%b0", "name=%E9t%E9%20x", "q=%ff%fe%fd%fc"])
def test_url_escapes_that_are_not_utf8_scan_without_error(text: str) -> None:
    actual = scan(text)

    assert actual.score == 0


@pytest.mark.slow
@pytest.mark.parametrize("unit", ["a-", "ig-no-re-", "i.g.n.o.r.e."])
def test_punctuation_chains_scan_in_linear_time(unit: str) -> None:
    def seconds(copies: int) -> float:
        return _best_seconds(unit * copies)

    seconds(100)  # compile everything first
    small = seconds(4_000)
    large = seconds(64_000)

    # 16 times the input: a linear scan takes about 16 times as long, a quadratic one 256.
    assert large < max(small, 0.005) * 64
