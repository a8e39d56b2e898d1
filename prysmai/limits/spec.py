"""What a usage limit is: a metric, a ceiling, a fixed UTC window and who it applies to.

Limits come from code (``UsageLimit(...)`` or mappings) or from ``PRYSM_USAGE_LIMITS`` (a JSON
list of objects with camelCase or snake_case keys); every bad value is a clear
:class:`~prysmai.errors.ConfigurationError` at ``monitor()`` time, never a failure mid-call.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from prysmai.durations import parse_duration
from prysmai.errors import ConfigurationError


class Metric(StrEnum):
    """What a limit counts."""

    REQUESTS = "requests"
    """Requests sent to the provider (each attempt of an SDK retry counts)."""
    TOKENS = "tokens"
    """Input plus output tokens, as the provider reports them (cached input included)."""
    COST_USD = "cost_usd"
    """Cost in USD, from prysmai's prices; calls whose price is unknown add nothing."""


class Scope(StrEnum):
    """Whom one counter covers."""

    GLOBAL = "global"
    """Every call of the client."""
    USER = "user"
    """Each user id (``prysm_context`` or ``X-Prysm-User-Id``) separately."""
    SESSION = "session"
    """Each session id (``prysm_context`` or ``X-Prysm-Session-Id``) separately."""
    MODEL = "model"
    """Each requested model separately."""


CALENDAR_WINDOWS: Final = ("minute", "hour", "day", "month")
"""Named windows: fixed UTC calendar periods (a month starts on the 1st at 00:00 UTC)."""

_FIXED_SECONDS: Final = {"minute": 60, "hour": 3600, "day": 86_400}

MAX_WINDOW_SECONDS: Final = 3_155_760_000
"""The longest window: 100 years of 365.25 days. Longer ones would end after year 9999, which
dates (and a refusal's ``resets_at``) cannot hold."""

_MAX_LIMIT: Final = 1e300
"""Limits above this are refused: they must stay finite once counters add to them."""

_SHOWN_CHARS: Final = 80

_KEY_NAMES: Final = {
    "metric": "metric",
    "limit": "limit",
    "window": "window",
    "scope": "scope",
    "windowSeconds": "window_seconds",
    "window_seconds": "window_seconds",
}

_METRIC_ALIASES: Final = {"costUsd": "cost_usd", "cost": "cost_usd"}


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class UsageLimit:
    """A ceiling on requests, tokens or cost per fixed window, for everyone or per scope value.

    ``UsageLimit("requests", 100, "minute", scope="user")`` lets each user send 100 requests per
    calendar minute (UTC); the 101st is answered locally with a 429 that the SDK does not retry.

    Args:
        metric: ``requests``, ``tokens`` (input + output) or ``cost_usd``.
        limit: the ceiling, a number >= 0 (0 refuses every call).
        window: ``minute``, ``hour``, ``day``, ``month`` (UTC calendar periods), or a whole
            number of seconds, as a number or a duration such as ``"90"``, ``"30s"``, ``"5m"``,
            ``"1h30m"`` or ``"1d"`` (windows aligned on multiples of it since the Unix epoch),
            at most 100 years.
        scope: ``global``, ``user``, ``session`` or ``model``.

    Raises:
        ConfigurationError: a value cannot be used.
    """

    metric: str
    """A :class:`Metric` (a ``str``) once built."""
    limit: float
    window: str | int
    """A calendar window's name or a number of seconds."""
    scope: str = Scope.GLOBAL
    """A :class:`Scope` (a ``str``) once built."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "metric", _metric(self.metric))
        object.__setattr__(self, "limit", _limit(self.limit))
        object.__setattr__(self, "window", _window(self.window))
        object.__setattr__(self, "scope", _choice(Scope, self.scope, "scope"))

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> UsageLimit:
        """Build a limit from ``{"metric": ..., "limit": ..., "window": ..., "scope": ...}``.

        ``windowSeconds`` / ``window_seconds`` may stand for a window given in seconds.

        Raises:
            ConfigurationError: an unknown key, a missing one, or a bad value.
        """
        if not isinstance(mapping, Mapping):
            msg = f"a usage limit must be a mapping or a UsageLimit, got {type(mapping).__name__}"
            raise ConfigurationError(msg)
        values: dict[str, Any] = {}
        given: dict[str, str] = {}
        for key, value in mapping.items():
            name = _KEY_NAMES.get(key) if isinstance(key, str) else None
            if name is None:
                known = ", ".join(sorted(k for k in _KEY_NAMES if "_" not in k))
                msg = f"unknown usage limit setting {_shown(key)}: use {known}"
                raise ConfigurationError(msg)
            if name in values:
                # windowSeconds and window_seconds: one setting written twice.
                msg = f"give a usage limit's {given[name]} or {key}, not both"
                raise ConfigurationError(msg)
            values[name] = value
            given[name] = key
        seconds = values.pop("window_seconds", None)
        if seconds is not None:
            if "window" in values:
                msg = "give a usage limit's window as window or windowSeconds, not both"
                raise ConfigurationError(msg)
            values["window"] = seconds
        missing = [name for name in ("metric", "limit", "window") if name not in values]
        if missing:
            msg = f"usage limit {_shown(dict(mapping))} lacks {', '.join(missing)}"
            raise ConfigurationError(msg)
        return cls(**values)

    @property
    def name(self) -> str:
        """Short identity, e.g. ``requests/minute/user``; limits with one name share counters."""
        return f"{self.metric}/{self.window}/{self.scope}"

    def window_bounds(self, now: float) -> tuple[float, float]:
        """Return the start and end (Unix seconds) of the window holding ``now``."""
        window = self.window
        if isinstance(window, int):
            start = math.floor(now / window) * window
            return float(start), float(start + window)
        if window == "month":
            moment = dt.datetime.fromtimestamp(now, dt.UTC)
            first = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            following = (
                first.replace(year=first.year + 1, month=1)
                if first.month == 12
                else first.replace(month=first.month + 1)
            )
            return first.timestamp(), following.timestamp()
        length = _FIXED_SECONDS[window]
        start = math.floor(now / length) * length
        return float(start), float(start + length)

    def to_mapping(self) -> dict[str, Any]:
        """Return the limit as JSON-ready data with the product's names."""
        return {
            "metric": str(self.metric),
            "limit": self.limit,
            "window": self.window,
            "scope": str(self.scope),
        }


def _choice(kind: type[StrEnum], value: Any, what: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        msg = f"usage limit {what} must be one of {choices}, not {_shown(value)}"
        raise ConfigurationError(msg) from None


def _metric(value: Any) -> Metric:
    if isinstance(value, str):
        value = _METRIC_ALIASES.get(value, value)
    metric: Metric = _choice(Metric, value, "metric")
    return metric


def _shown(value: Any) -> str:
    """``repr(value)`` for an error message, cut short: a bad value may be huge."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an int of more than 4300 digits, deep nesting
        return f"<a {type(value).__name__} too large to show>"
    if len(text) > _SHOWN_CHARS:
        return f"{text[: _SHOWN_CHARS - 5]}...{text[-2:]}"
    return text


def _limit(value: Any) -> float:
    if _is_number(value) and isinstance(value, int):
        # An int too large for a float would overflow the counters' arithmetic.
        if 0 <= value <= _MAX_LIMIT:
            return value
    elif _is_number(value) and math.isfinite(value) and 0 <= value <= _MAX_LIMIT:
        # Whole numbers stay ints so that bodies and attributes read "100", not "100.0".
        if value.is_integer():
            return int(value)
        result: float = value
        return result
    msg = f"usage limit must be a finite number >= 0 (at most 1e300), got {_shown(value)}"
    raise ConfigurationError(msg)


def _window(value: Any) -> str | int:
    if isinstance(value, str):
        text = value.strip()
        if text in CALENDAR_WINDOWS:
            return text
        # Only ASCII digits: str.isdigit() and int() also take "²" or "٣".
        if text.isascii() and text.isdigit() and len(text) <= 12:
            value = int(text)
        elif text.isascii() and text and not text.isdigit():
            try:
                value = parse_duration(text)
            except ValueError:
                pass
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if _is_number(value) and isinstance(value, int):
        if value > MAX_WINDOW_SECONDS:
            msg = (
                f"usage limit window must be at most 100 years ({MAX_WINDOW_SECONDS} s), "
                f"got {_shown(value)}"
            )
            raise ConfigurationError(msg)
        if value >= 1:
            return value
    msg = (
        "usage limit window must be minute, hour, day, month, or a whole number of seconds "
        f'>= 1 written as a number or a duration (90, "30s", "5m", "1h30m", "1d"), '
        f"got {_shown(value)}"
    )
    raise ConfigurationError(msg)


def limits_from(values: Iterable[UsageLimit | Mapping[str, Any]]) -> tuple[UsageLimit, ...]:
    """Return ``values`` as limits; mappings are read with :meth:`UsageLimit.from_mapping`.

    Raises:
        ConfigurationError: ``values`` is not a list of limits, or one of them is bad.
    """
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        msg = f"limits must be a list of UsageLimit or mappings, got {type(values).__name__}"
        raise ConfigurationError(msg)
    return tuple(v if isinstance(v, UsageLimit) else UsageLimit.from_mapping(v) for v in values)


def limits_from_json(text: str, source: str) -> tuple[UsageLimit, ...]:
    """Read limits from JSON text: a list of objects, or one object.

    Args:
        text: the JSON.
        source: where it came from, for error messages (e.g. an environment variable's name).

    Raises:
        ConfigurationError: the text is not JSON or holds a bad limit.
    """
    try:
        data = json.loads(text, object_pairs_hook=_object_without_duplicates)
    except _DuplicateKey as exc:
        msg = f"{source} gives {exc} twice in one usage limit object"
        raise ConfigurationError(msg) from None
    except RecursionError:
        msg = f"{source} is nested too deeply; expected a list of usage limit objects"
        raise ConfigurationError(msg) from None
    except ValueError as exc:
        msg = f"{source} is not valid JSON ({exc}); expected a list of usage limit objects"
        raise ConfigurationError(msg) from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        msg = f"{source} must hold a JSON list of usage limit objects"
        raise ConfigurationError(msg)
    try:
        return limits_from(data)
    except ConfigurationError as exc:
        raise ConfigurationError(f"{source}: {exc}") from None


class _DuplicateKey(Exception):
    """A JSON object names one key twice (the standard library would keep the last)."""


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(_shown(key))
        result[key] = value
    return result
