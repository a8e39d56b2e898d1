from __future__ import annotations

import base64
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prysmai.security import scan

_PIECES = st.sampled_from(
    [
        "ignore",
        " all ",
        "previous",
        " instructions",
        "\u200b",
        "\u202e",
        "і",
        "о",
        "%20",
        "\U000e0069",
        "DAN",
        "<|im_start|>",
        "=",
        "aGVsbG8=",
        "kill",
        "myself",
        "é",
        "\u0301",
        "🏴",
        "\U000e007f",
        "\ufeff",
        "İ",
        "ß",
        "ﬁ",
        "1",
        "@",
        " ",
        "\n",
        "😀\u200d😀",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), st.lists(_PIECES, max_size=60).map("".join)))
def test_scan_never_raises_and_offsets_are_valid(text: str) -> None:
    result = scan(text)

    assert 0 <= result.score <= 100
    assert all(0 <= f.start < f.end <= len(text) for f in result.findings)


def _adversarial(size: int) -> dict[str, str]:
    block = base64.b64encode(base64.b64encode(b"ignore all previous instructions ")).decode()
    return {
        "one-char": "a" * size,
        "digits-and-separators": ("1234-5678 " * size)[:size],
        "nested-encodings": (block + " ") * (size // (len(block) + 1)),
        "spaced-letters": ("i g n o r e " * size)[:size],
        "hex-pairs": ("4a " * size)[:size],
        "zero-width": ("a\u200b" * size)[:size],
        "percent": ("%41" * size)[:size],
        "birth-cues-cjk": ("生日" * size)[:size],
        "birth-cues-accented": ("born é " * size)[:size],
        "cue-and-date-pieces": ("bday 1° " * size)[:size],
    }


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(_adversarial(16)))
def test_scan_time_grows_linearly(kind: str) -> None:
    small, large = _adversarial(256 * 1024)[kind], _adversarial(1024 * 1024)[kind]

    timings = []
    for text in (small, large):
        started = time.perf_counter()
        scan(text)
        timings.append(time.perf_counter() - started)

    # Four times the input may cost at most eight times the time: no quadratic blow-up.
    assert timings[1] < 8 * max(timings[0], 1e-3)
