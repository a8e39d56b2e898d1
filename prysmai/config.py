"""Settings for monitored clients and the environment variables that supply them."""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from prysmai.errors import ConfigurationError

if TYPE_CHECKING:
    from opentelemetry.metrics import MeterProvider
    from opentelemetry.trace import TracerProvider

    from prysmai.cost import PriceBook
    from prysmai.limits import CounterStore, UsageLimit
    from prysmai.managed_security import CollectorSecurity
    from prysmai.security.config import SecurityConfig

API_KEY_ENV: Final = "PRYSM_API_KEY"
"""Key for the Prysm collector (``sk-prysm-`` followed by 64 hex digits)."""

BASE_URL_ENV: Final = "PRYSM_BASE_URL"
"""Address of the Prysm collector, e.g. ``http://127.0.0.1:4318``."""

CAPTURE_CONTENT_ENV: Final = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
"""Standard OpenTelemetry switch for recording prompts and completions (``true``/``false``)."""

MAX_CONTENT_CHARS_ENV: Final = "PRYSM_MAX_CONTENT_CHARS"
"""Cap on the characters of captured prompt or completion text per attribute."""

USAGE_LIMITS_ENV: Final = "PRYSM_USAGE_LIMITS"
"""Usage limits as JSON: a list of objects such as
``{"metric": "requests", "limit": 100, "window": "minute", "scope": "user"}``."""

USAGE_LIMITS_STORE_ENV: Final = "PRYSM_USAGE_LIMITS_STORE"
"""Where usage counters live: ``memory`` (default) or ``sqlite:///PATH`` (shared by processes)."""

DEFAULT_MAX_CONTENT_CHARS: Final = 16_384

DEFAULT_COLLECTOR_URL: Final = "http://127.0.0.1:4318"
"""Where ``prysmai serve`` listens by default; used when a key is given without an address."""

_KEY_PATTERN: Final = re.compile(r"sk-prysm-[0-9a-f]{64}")


def validate_prysm_key(key: str) -> str:
    """Return ``key`` if it has the Prysm key format, else raise a clear error.

    Raises:
        ConfigurationError: the key is not ``sk-prysm-`` followed by 64 lower-case hex digits.
    """
    if _KEY_PATTERN.fullmatch(key):
        return key
    shown = key[:9] + "..." if len(key) > 9 else key
    msg = (
        f"prysm_key {shown!r} is not a Prysm key: expected 'sk-prysm-' followed by 64 hex "
        f"digits. Create one with 'prysmai keys create' (the collector's key store) and pass "
        f"it as prysm_key=... or set {API_KEY_ENV}; leave both unset to keep traces locally."
    )
    raise ConfigurationError(msg)


def _is_http_url(url: str) -> bool:
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


TRUE_WORDS: Final = frozenset({"1", "true", "yes", "on"})
"""How a switch is turned on in the environment or on the command line."""
FALSE_WORDS: Final = frozenset({"0", "false", "no", "off"})


def env_flag(name: str) -> bool | None:
    """Read a boolean environment variable; ``None`` when unset or empty."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return None
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    msg = f"{name}={raw!r} is not a boolean: use true or false"
    raise ConfigurationError(msg)


@dataclass(frozen=True)
class MonitorOptions:
    """Everything one monitored client needs to know, resolved once at ``monitor()`` time."""

    prysm_key: str | None = None
    """Key for the Prysm collector; ``None`` when exporting elsewhere."""
    base_url: str | None = None
    """Prysm collector address; ``None`` when exporting elsewhere."""
    timeout_s: float = 120.0
    """How long one export to the collector may take."""
    capture_content: bool | None = None
    """Record prompts and completions; ``None`` lets the destination decide."""
    max_content_chars: int = DEFAULT_MAX_CONTENT_CHARS
    """Cap on captured text per attribute; longer text is cut and marked."""
    security: SecurityConfig | bool | None = None
    """Scanning and redaction settings; ``None`` means the defaults, ``False`` no scanning.
    With :attr:`collector_security`, the local settings used until the collector answers."""
    collector_security: CollectorSecurity | None = None
    """Use the security settings managed on the Prysm collector (``security="collector"``)."""
    price_book: PriceBook | None = None
    """Prices for cost; ``None`` means the shipped prices plus ``PRYSM_PRICING_FILE``."""
    tracer_provider: TracerProvider | None = None
    """Send spans to this provider instead of prysmai's own pipeline."""
    meter_provider: MeterProvider | None = None
    """Record metrics with this provider instead of prysmai's own."""
    provider_name: str | None = None
    """Override the ``gen_ai.provider.name`` worked out from the client."""
    extra_attributes: Mapping[str, Any] = field(default_factory=dict)
    """Attributes added to every span of this client."""
    limits: tuple[UsageLimit, ...] = ()
    """Usage limits applied to every call; none when empty."""
    limits_store: CounterStore | None = None
    """Where the limits' counters live; ``None`` when there are no limits."""


def resolve_destination(
    prysm_key: str | None, base_url: str | None
) -> tuple[str | None, str | None]:
    """Apply the environment fallbacks to the collector key and address and validate them."""
    key = prysm_key if prysm_key is not None else os.environ.get(API_KEY_ENV) or None
    url = base_url if base_url is not None else os.environ.get(BASE_URL_ENV) or None
    if key is not None:
        validate_prysm_key(key.strip())
        key = key.strip()
    if url is not None:
        url = url.strip().rstrip("/")
        if not _is_http_url(url):
            msg = (
                f"base_url {url!r} is not an http:// or https:// address with a host; "
                f"pass base_url=... or fix {BASE_URL_ENV}"
            )
            raise ConfigurationError(msg)
    if url is not None and key is None:
        msg = (
            f"base_url {url!r} was given without a Prysm key: pass prysm_key=... or set "
            f"{API_KEY_ENV}"
        )
        raise ConfigurationError(msg)
    if key is not None and url is None:
        url = DEFAULT_COLLECTOR_URL
    return key, url


def max_content_chars_from_env() -> int:
    """Return the content cap from ``PRYSM_MAX_CONTENT_CHARS`` or the default."""
    raw = os.environ.get(MAX_CONTENT_CHARS_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_CONTENT_CHARS
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        msg = f"{MAX_CONTENT_CHARS_ENV}={raw!r} must be a non-negative integer"
        raise ConfigurationError(msg)
    return value


def usage_limits_from_env() -> tuple[UsageLimit, ...]:
    """Return the limits in ``PRYSM_USAGE_LIMITS`` (none when unset or empty).

    Raises:
        ConfigurationError: the variable is not a JSON list of valid limits.
    """
    from prysmai.limits.spec import limits_from_json

    raw = os.environ.get(USAGE_LIMITS_ENV, "").strip()
    return limits_from_json(raw, USAGE_LIMITS_ENV) if raw else ()


def limits_store_from_env() -> str | None:
    """Return ``PRYSM_USAGE_LIMITS_STORE`` (``None`` when unset or empty)."""
    return os.environ.get(USAGE_LIMITS_STORE_ENV, "").strip() or None
