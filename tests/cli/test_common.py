from __future__ import annotations

import argparse

import pytest

from prysmai.cli.common import (
    Window,
    format_cost,
    parse_duration,
    parse_window,
    positive_int,
    printable,
)


@pytest.mark.parametrize(
    ("cost", "expected"),
    [
        pytest.param(None, "-", id="unknown"),
        pytest.param(0.0, "$0", id="zero"),
        pytest.param(0.000123456789, "$0.000123457", id="tiny"),
        pytest.param(0.0000015, "$0.0000015", id="tinier"),
        pytest.param(0.25, "$0.25", id="cents"),
        pytest.param(12.5, "$12.5", id="dollars"),
        pytest.param(1234567.891, "$1234568", id="large"),
    ],
)
def test_format_cost_keeps_six_significant_digits(cost: float | None, expected: str) -> None:
    assert format_cost(cost) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("30s", 30.0, id="seconds"),
        pytest.param("10m", 600.0, id="minutes"),
        pytest.param("2h", 7200.0, id="hours"),
        pytest.param("1.5d", 129600.0, id="fractional-days"),
        pytest.param(" 24H ", 86400.0, id="upper-case-and-spaces"),
        pytest.param("1h30m", 5400.0, id="sum-of-units"),
    ],
)
def test_parse_duration_reads_units(text: str, expected: float) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "10", "m", "0h", "-1h", "1w", "1h 30m", "36501d"])
def test_parse_duration_rejects_other_text(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_duration(text)


def test_parse_window_accepts_all() -> None:
    assert (parse_window("all"), parse_window("7d")) == (Window(None, "all"), Window(604800, "7d"))


@pytest.mark.parametrize("text", ["0", "-3", "many"])
def test_positive_int_rejects_non_positive_numbers(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        positive_int(text)


def test_printable_replaces_control_characters() -> None:
    assert (printable(None), printable("a\x1b\tb"), printable("ok")) == (
        "-",
        "a\ufffd\ufffdb",
        "ok",
    )
