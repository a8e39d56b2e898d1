"""Replace PII and secrets in text: masked placeholders or keyed hashes.

``redact(text, "mask")`` turns ``mail jane@example.com`` into ``mail [EMAIL_REDACTED]``;
``redact(text, "hash")`` into ``mail [EMAIL:1f0c9a3e]``, where the 8 hex digits are the start of
an HMAC-SHA256 of the value under a per-installation key, so equal values stay correlatable
across logs while nobody without the key can confirm a guess (a phone number or a card has few
enough candidates to try them all against a plain hash).

The key comes from, in order: the ``key`` argument, the ``PRYSM_HASH_KEY`` environment variable,
or a random key created once in ``prysmai.paths.data_dir() / "hash.key"`` (mode 0600). When that
folder cannot be written, a random key for this process only is used and a WARNING is logged
once; hashes then differ between processes.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import os
import secrets
import threading
from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import Final

from prysmai import paths
from prysmai.security.escapes import decode_escapes
from prysmai.security.exit_gate import gated
from prysmai.security.findings import Finding
from prysmai.security.pii import detect_pii, placeholder_for

__all__ = ["HASH_KEY_ENV", "REDACTION_MODES", "hash_key", "redact", "redact_findings"]

logger = logging.getLogger(__name__)

HASH_KEY_ENV: Final = "PRYSM_HASH_KEY"
"""Key for ``hash`` redaction (any string; its UTF-8 bytes are the HMAC key). Set the same value
on every machine whose redacted logs must be joined; unset means the key in ``hash.key``."""
HASH_KEY_FILE: Final = "hash.key"
"""File name of the generated key inside ``prysmai.paths.data_dir()``."""
REDACTION_MODES: Final = frozenset({"none", "mask", "hash", "block"})
_EFFECTIVE_MODES: Final = {"none": "none", "mask": "mask", "hash": "hash", "block": "mask"}

_HASH_HEX_DIGITS: Final = 8
_KEY_BYTES: Final = 32
_MIN_KEY_BYTES: Final = 16
_MAX_PASSES: Final = 32
"""Redaction repeats until nothing is left. A second pass is rare: it happens when values are
glued together ("...1990sk-proj-..."), and each placeholder frees the boundary of the next
value, so a chain of n glued values takes n passes. Every pass replaces at least one value."""

_lock = threading.Lock()
_file_keys: dict[Path, bytes] = {}
_process_key: bytes | None = None


@gated
def redact(
    text: str,
    mode: str = "mask",
    *,
    key: bytes | None = None,
    types: frozenset[str] | None = None,
) -> str:
    """Return ``text`` with every PII value and secret replaced.

    Args:
        text: the text to redact.
        mode: ``mask`` (``[EMAIL_REDACTED]``), ``hash`` (``[EMAIL:a1b2c3d4]``) or ``none``
            (returns ``text`` unchanged). ``block`` behaves like ``mask`` here: rejecting a
            request is the monitored client's job, and a blocked request's text that is logged
            anyway must still be masked. A :class:`~prysmai.security.PiiRedactionMode` works too.
        key: HMAC key for ``hash`` mode; default :func:`hash_key`.
        types: PII types to replace (see ``prysmai.security.pii.PII_TYPES``); None means all.

    Returns:
        The redacted text. Redacting it again changes nothing.

    Raises:
        ValueError: ``mode`` is not one of ``none``, ``mask``, ``hash``, ``block``.
    """
    chosen = _parse_mode(mode)
    if chosen == "none" or not text:
        return text
    result = text
    for _ in range(_MAX_PASSES):
        findings = detect_pii(result, types)
        if not findings:
            break
        result = redact_findings(result, findings, chosen, key=key)
    return result


def redact_findings(
    text: str, findings: Iterable[Finding], mode: str, key: bytes | None = None
) -> str:
    """Replace the spans of ``findings`` in ``text`` (one pass, no new detection).

    Findings whose category is not a PII type (injection, policy) are replaced like any other:
    the placeholder carries their category. A finding that overlaps an earlier one is skipped.

    Args:
        text: the text the findings were made on.
        findings: findings with offsets into ``text``, in any order.
        mode: ``mask``, ``hash``, ``block`` (as ``mask``) or ``none`` (no change).
        key: HMAC key for ``hash`` mode; default :func:`hash_key`.

    Raises:
        ValueError: on an unknown mode or a finding outside ``text``.
    """
    chosen = _parse_mode(mode)
    ordered = sorted(findings, key=lambda finding: (finding.start, -finding.end))
    if chosen == "none" or not ordered:
        return text
    secret = (key if key is not None else hash_key()) if chosen == "hash" else b""
    parts: list[str] = []
    position = 0
    for finding in ordered:
        if not 0 <= finding.start < finding.end <= len(text):
            raise ValueError(
                f"finding {finding.rule} spans {finding.start}-{finding.end}, outside a text of "
                f"{len(text)} characters; pass findings made on this text"
            )
        if finding.start < position:
            continue
        parts.append(text[position : finding.start])
        value = text[finding.start : finding.end]
        decoded = decode_escapes(value, values=True)
        if decoded is not None:  # the same value hashes the same, escaped or not
            value = decoded.text
        parts.append(_replacement(finding.category, value, chosen, secret))
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)


def _replacement(category: str, value: str, mode: str, secret: bytes) -> str:
    if mode != "hash":
        return placeholder_for(category)
    digest = hmac.new(secret, value.encode("utf-8", "surrogatepass"), hashlib.sha256)
    return "[" + category + ":" + digest.hexdigest()[:_HASH_HEX_DIGITS] + "]"


def _parse_mode(mode: str) -> str:
    """Return the effective mode: ``block`` masks here (rejecting is the client's job)."""
    known = _EFFECTIVE_MODES.get(mode)
    if known is not None:
        return known
    value = mode.value if isinstance(mode, Enum) else mode
    chosen = _EFFECTIVE_MODES.get(str(value).lower())
    if chosen is None:
        raise ValueError(f"unknown redaction mode {mode!r}; use one of: none, mask, hash, block")
    return chosen


def hash_key() -> bytes:
    """Return this installation's key for ``hash`` redaction.

    Order: ``$PRYSM_HASH_KEY``; else the key in ``data_dir()/hash.key``, created on first use
    (64 random hex digits, file mode 0600) and reused afterwards; else, when that file cannot be
    written or read, a random key for this process (a WARNING is logged once).
    """
    from_env = os.environ.get(HASH_KEY_ENV)
    if from_env:
        key = from_env.encode("utf-8")
        if len(key) < _MIN_KEY_BYTES:
            _warn_short_key(len(key))
        return key
    try:
        path = paths.data_dir() / HASH_KEY_FILE
    except OSError:
        return _fallback_key("the data directory cannot be created")
    with _lock:
        cached = _file_keys.get(path)
        if cached is not None:
            return cached
        try:
            key = _load_or_create(path)
        except OSError as exc:
            return _fallback_key(type(exc).__name__)
        if len(key) < _MIN_KEY_BYTES:
            return _fallback_key("the key file is too short")
        _file_keys[path] = key
        return key


@functools.cache
def _warn_short_key(length: int) -> None:
    # Used all the same: changing the key the operator chose would change every hash. Short
    # keys can be guessed, and with them the values behind the hashes.
    logger.warning(
        "%s is %d bytes long; use at least %d random bytes (64 hex digits: "
        "python -c 'import secrets; print(secrets.token_hex(32))')",
        HASH_KEY_ENV,
        length,
        _MIN_KEY_BYTES,
    )


def _load_or_create(path: Path) -> bytes:
    """Read the key file, or write a new one without ever replacing a key another process wrote."""
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(_KEY_BYTES).encode("ascii")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
        os.link(temporary, path)  # atomic, and fails instead of overwriting a concurrent writer
    except FileExistsError:
        return path.read_bytes().strip()
    finally:
        temporary.unlink(missing_ok=True)
    return key


def _fallback_key(reason: str) -> bytes:
    global _process_key
    if _process_key is None:
        _process_key = secrets.token_bytes(_KEY_BYTES)
        logger.warning(
            "No stored hash key could be used (%s); hash redaction uses a key for this process "
            "only, so hashes will differ between runs. Set %s to fix this.",
            reason,
            HASH_KEY_ENV,
        )
    return _process_key
