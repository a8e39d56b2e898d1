from __future__ import annotations

import hashlib
import hmac
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import prysmai.security.redaction as redact_module
from prysmai.security.config import PiiRedactionMode
from prysmai.security.findings import Finding, FindingKind
from prysmai.security.pii import detect_pii
from prysmai.security.redaction import hash_key, redact, redact_findings

KEY = b"fake-test-key-0123456789abcdef!!"
FAKE = "FAKEkeyFORtests0123456789abcdefGHIJKLmnopqrstUVWXYZ"
ANTHROPIC = "sk-ant-api03-" + (FAKE * 2)[:93] + "AA"
OPENAI_PROJECT = "sk-proj-" + FAKE[:35] + "T3BlbkFJ" + FAKE[35:]


@pytest.fixture(autouse=True)
def _fresh_key_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without a cached key file or per-process fallback key."""
    monkeypatch.setattr(redact_module, "_file_keys", {})
    monkeypatch.setattr(redact_module, "_process_key", None)


def expected_hash(category: str, value: str, key: bytes = KEY) -> str:
    digest = hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:8]
    return f"[{category}:{digest}]"


def test_mask_replaces_each_value_with_its_type_placeholder() -> None:
    text = "mail jane@example.com or call (555) 010-7788, SSN 123-45-6789"

    assert redact(text) == "mail [EMAIL_REDACTED] or call [PHONE_REDACTED], SSN [SSN_REDACTED]"


def test_new_openai_and_anthropic_keys_are_redacted_whole() -> None:
    text = f"a={OPENAI_PROJECT} b={ANTHROPIC}."

    assert redact(text) == "a=[API_KEY_REDACTED] b=[API_KEY_REDACTED]."


def test_hash_uses_a_keyed_hmac_of_the_value() -> None:
    text = "mail jane@example.com now"

    assert redact(text, "hash", key=KEY) == f"mail {expected_hash('EMAIL', 'jane@example.com')} now"


def test_hash_differs_between_keys_and_repeats_for_equal_values() -> None:
    text = "a jane@example.com b jane@example.com"

    first = redact(text, "hash", key=KEY)
    other = redact(text, "hash", key=b"another-fake-test-key-0123456789")

    assert first.split()[1] == first.split()[3]
    assert first != other


def test_none_mode_returns_the_text_unchanged() -> None:
    text = "mail jane@example.com"

    assert redact(text, "none") == text


def test_block_mode_masks_like_mask() -> None:
    text = "mail jane@example.com"

    assert redact(text, "block") == redact(text, "mask")


def test_config_enum_is_accepted_as_mode() -> None:
    assert redact("mail jane@example.com", PiiRedactionMode.MASK) == "mail [EMAIL_REDACTED]"


def test_unknown_mode_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown redaction mode 'erase'"):
        redact("text", "erase")


def test_types_limit_what_is_replaced() -> None:
    text = "mail jane@example.com, call (555) 010-7788"

    assert (
        redact(text, types=frozenset({"PHONE"})) == "mail jane@example.com, call [PHONE_REDACTED]"
    )


def test_redacting_twice_changes_nothing_more() -> None:
    text = f"Phone: 030 1234567, DOB 1988-03-14, key {ANTHROPIC}, ip ::ffff:198.51.100.7"

    once = redact(text, "hash", key=KEY)

    assert redact(once, "hash", key=KEY) == once
    assert redact(redact(text)) == redact(text)


@pytest.mark.parametrize("mode", ["mask", "hash"])
def test_a_chain_of_glued_values_is_redacted_whole(mode: str) -> None:
    key = "sk-proj-FAKEkeyFORtests0123456789abcdefGHIJT3BlbkFJKLmnopqrstUVWXYZ"
    text = f"DOB: 01/02/1990DOB: 01/02/1990{key}DOB: 01/02/1990{key}(555) 010-7788"

    once = redact(text, mode, key=KEY)

    assert "1990" not in once and "sk-proj" not in once and "7788" not in once
    assert redact(once, mode, key=KEY) == once


def test_redact_findings_replaces_only_the_given_findings() -> None:
    text = "mail jane@example.com or call (555) 010-7788"
    email = [f for f in detect_pii(text) if f.category == "EMAIL"]

    assert redact_findings(text, email, "mask") == "mail [EMAIL_REDACTED] or call (555) 010-7788"


def test_redact_findings_skips_a_finding_overlapping_an_earlier_one() -> None:
    text = "0123456789"
    findings = [
        Finding(FindingKind.PII, "PHONE", "phone", 3, 0, 6, "[PHONE_REDACTED]"),
        Finding(FindingKind.PII, "SSN", "ssn", 5, 4, 9, "[SSN_REDACTED]"),
    ]

    assert redact_findings(text, findings, "mask") == "[PHONE_REDACTED]6789"


def test_redact_findings_rejects_offsets_outside_the_text() -> None:
    finding = Finding(FindingKind.PII, "EMAIL", "email", 3, 2, 50, "[EMAIL_REDACTED]")

    with pytest.raises(ValueError, match="outside a text of 5 characters"):
        redact_findings("short", [finding], "mask")


def test_hash_key_comes_from_the_environment_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRYSM_HASH_KEY", "fake-env-key")

    assert hash_key() == b"fake-env-key"


def test_a_short_hash_key_from_the_environment_is_used_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("PRYSM_HASH_KEY", "a")

    with caplog.at_level(logging.WARNING, logger="prysmai"):
        assert hash_key() == b"a"

    [warning] = [r for r in caplog.records if "PRYSM_HASH_KEY" in r.getMessage()]
    assert "1 bytes long" in warning.getMessage()


def test_hash_key_is_created_once_in_the_data_dir_with_mode_0600() -> None:
    key = hash_key()

    path = Path(os.environ["PRYSM_DATA_DIR"]) / "hash.key"
    assert (len(key), path.read_bytes(), stat.S_IMODE(path.stat().st_mode)) == (64, key, 0o600)
    redact_module._file_keys.clear()
    assert hash_key() == key


def test_existing_hash_key_file_is_reused() -> None:
    path = Path(os.environ["PRYSM_DATA_DIR"]) / "hash.key"
    path.write_bytes(b"an-existing-fake-key-of-enough-length\n")

    assert hash_key() == b"an-existing-fake-key-of-enough-length"


def test_hash_mode_without_key_uses_the_installation_key() -> None:
    key = hash_key()

    assert redact("jane@example.com", "hash") == expected_hash("EMAIL", "jane@example.com", key)


@pytest.fixture
def unwritable_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """PRYSM_DATA_DIR names a regular file, so the folder cannot be created (even as root)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("PRYSM_DATA_DIR", str(blocker / "prysm"))
    yield


@pytest.mark.usefixtures("unwritable_data_dir")
def test_unwritable_data_dir_falls_back_to_a_process_key_and_warns_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="prysmai.security.redaction"):
        first = hash_key()
        second = hash_key()

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert (first == second, len(first), len(warnings)) == (True, 32, 1)
    assert "PRYSM_HASH_KEY" in warnings[0].getMessage()


PIECES = st.sampled_from(
    [
        "jane.doe@example.com", "(555) 010-7788", "4111 1111 1111 1111", "123-45-6789",
        "203.0.113.9", "2001:db8::1", "::ffff:198.51.100.7", OPENAI_PROJECT, ANTHROPIC,
        "DOB: 01/02/1990", "born on March 3, 1985", "Phone:", "call ", "ssn ", " ", "\n", "-",
        ".", "@", ":", "::", "1", "0", "+", "(", ")", "[", "]", "_REDACTED]", "[EMAIL_REDACTED]",
        "[PHONE:0a1b2c3d]", "-----BEGIN RSA PRIVATE KEY-----\nRkFL\n",
        "-----END RSA PRIVATE KEY-----", "https://u:S3cretFake9@h.example.com/", "é", "\udcff",
    ]
)  # fmt: skip
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=16).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.sampled_from(["mask", "hash"]))
def test_redact_never_raises_and_is_idempotent(text: str, mode: str) -> None:
    once = redact(text, mode, key=KEY)

    assert redact(once, mode, key=KEY) == once


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_findings_have_valid_sorted_non_overlapping_offsets(text: str) -> None:
    findings = detect_pii(text)

    assert all(0 <= f.start < f.end <= len(text) for f in findings)
    assert all(a.end <= b.start for a, b in zip(findings, findings[1:], strict=False))
