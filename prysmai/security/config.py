"""Security settings: the product's names in camelCase or snake_case, from code, a file or env."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, fields
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any, Final

SECURITY_CONFIG_ENV: Final = "PRYSM_SECURITY_CONFIG"
"""Path to a JSON file holding security settings (an object with the keys of
:class:`SecurityConfig`, camelCase or snake_case). Unset means the defaults."""


class PiiRedactionMode(StrEnum):
    """What happens to PII found in a request."""

    NONE = "none"
    """Detect and record only."""
    MASK = "mask"
    """Replace with ``[EMAIL_REDACTED]`` and the like."""
    HASH = "hash"
    """Replace with a keyed hash such as ``[EMAIL:a1b2c3d4]``."""
    BLOCK = "block"
    """Reject the request."""


_CAMEL_NAMES: Final = {
    "injectionDetection": "injection_detection",
    "piiDetection": "pii_detection",
    "piiRedactionMode": "pii_redaction_mode",
    "blockHighThreats": "block_high_threats",
    "customKeywords": "custom_keywords",
    "scanResponses": "scan_responses",
    "contentPolicy": "content_policy",
}


SETTING_NAMES: Final = frozenset(_CAMEL_NAMES) | frozenset(_CAMEL_NAMES.values())
"""Every name :meth:`SecurityConfig.from_mapping` reads, in camelCase and snake_case."""


@dataclass(frozen=True, slots=True)
class SecurityConfig:
    """Settings of the security engine. Immutable; build variants with ``dataclasses.replace``."""

    injection_detection: bool = True
    """Run the prompt-injection detectors (``injectionDetection``)."""
    pii_detection: bool = True
    """Run the PII detectors (``piiDetection``)."""
    pii_redaction_mode: PiiRedactionMode = PiiRedactionMode.NONE
    """``none``, ``mask``, ``hash`` or ``block`` (``piiRedactionMode``)."""
    block_high_threats: bool = False
    """Reject requests whose threat score is high, 70 or more (``blockHighThreats``)."""
    custom_keywords: tuple[str, ...] = ()
    """Extra words or phrases to flag, matched case-insensitively on word boundaries
    (``customKeywords``)."""
    scan_responses: bool = False
    """Also scan model responses, not only requests (``scanResponses``)."""
    content_policy: bool = True
    """Run the content-policy detectors (``contentPolicy``)."""

    def __post_init__(self) -> None:
        # Checked here, not only in from_mapping: a setting of the wrong type built in code
        # (a list of keywords, "Mask", "false") must fail now, loudly, not at the first scan,
        # where a monitored client would let the call through unprotected.
        for field in fields(self):
            object.__setattr__(self, field.name, _coerce(field.name, getattr(self, field.name)))

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> SecurityConfig:
        """Build settings from a mapping with camelCase or snake_case keys.

        Args:
            mapping: For example ``{"piiRedactionMode": "mask", "customKeywords": ["acme"]}``.

        Returns:
            The settings, defaults for keys not given.

        Raises:
            ValueError: On an unknown key or a value of the wrong type.
        """
        known = {field.name for field in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in mapping.items():
            name = _CAMEL_NAMES.get(key, key)
            if name not in known:
                raise ValueError(f"unknown security setting {key!r}")
            if name in values:  # "piiRedactionMode" and "pii_redaction_mode" both given
                raise ValueError(f"security setting {_PRODUCT_NAMES[name]!r} is given twice")
            values[name] = _coerce(name, value)
        return cls(**values)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> SecurityConfig:
        """Read settings from a JSON file holding one object.

        Raises:
            ValueError: When the file is not a JSON object or holds an invalid setting.
            OSError: When the file cannot be read.
        """
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("a security config file must hold a JSON object")
        return cls.from_mapping(data)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SecurityConfig:
        """Read settings from the file named by ``PRYSM_SECURITY_CONFIG``, else the defaults."""
        path = (os.environ if environ is None else environ).get(SECURITY_CONFIG_ENV)
        return cls.from_file(path) if path else cls()

    def to_mapping(self) -> dict[str, Any]:
        """Return the settings with the product's camelCase names, JSON-ready."""
        snake_to_camel = {snake: camel for camel, snake in _CAMEL_NAMES.items()}
        result: dict[str, Any] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, Enum):
                value = value.value
            elif isinstance(value, tuple):
                value = list(value)
            result[snake_to_camel[field.name]] = value
        return result


def _coerce(name: str, value: Any) -> Any:
    if name == "pii_redaction_mode":
        try:
            return PiiRedactionMode(value.lower() if isinstance(value, str) else value)
        except ValueError:
            modes = ", ".join(mode.value for mode in PiiRedactionMode)
            raise ValueError(f"piiRedactionMode must be one of {modes}, not {value!r}") from None
    if name == "custom_keywords":
        # A list, tuple or generator (read once, here); not a string (its letters), a mapping
        # (its keys) or a set (no order, so findings would change order from run to run).
        if isinstance(value, str | bytes | Mapping | Set) or not isinstance(value, Iterable):
            raise ValueError(f"customKeywords must be a list of strings, not {value!r}")
        keywords = tuple(value)
        if not all(isinstance(item, str) for item in keywords):
            raise ValueError(f"customKeywords must be a list of strings, not {keywords!r}")
        return tuple(item for item in keywords if item.strip())
    if not isinstance(value, bool):
        raise ValueError(f"{_PRODUCT_NAMES[name]} must be true or false, not {value!r}")
    return value


_PRODUCT_NAMES: Final = {snake: camel for camel, snake in _CAMEL_NAMES.items()}
"""Settings are named in errors as the product names them (``blockHighThreats``)."""
