"""A new alert rule as people type it, checked into an :class:`AlertRule`.

``prysmai alerts add`` and the dashboard's Settings > Alerts form both build rules here, so a
value refused by one is refused by the other with the same message (which names the CLI flag:
the form labels its fields with them too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from prysmai.collector.alert_rules import (
    DEFAULT_REPEAT_S,
    AlertRule,
    Channel,
    RuleError,
    email_channel,
    parse_metric,
    parse_name,
    parse_operator,
    parse_repeat,
    parse_threshold,
    parse_window,
    url_channel,
)
from prysmai.durations import format_duration

DEFAULT_WINDOW: Final = "5m"
DEFAULT_REPEAT: Final = format_duration(DEFAULT_REPEAT_S)
MAX_FILTER_CHARS: Final = 256
"""Longest model or provider name a rule may be narrowed to."""


@dataclass(frozen=True, slots=True)
class RuleInput:
    """The fields of ``prysmai alerts add``, unchecked; ``None`` or empty means not given."""

    name: str
    metric: str
    operator: str
    threshold: str
    window: str = DEFAULT_WINDOW
    model: str | None = None
    provider: str | None = None
    repeat: str = DEFAULT_REPEAT
    disabled: bool = False
    webhook: Sequence[str] = ()
    slack: Sequence[str] = ()
    discord: Sequence[str] = ()
    email: Sequence[str] = ()
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_from: str | None = None
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password_env: str | None = None


def build_rule(given: RuleInput) -> AlertRule:
    """Turn the typed fields into a checked rule.

    Raises:
        RuleError: a value cannot be used; the message says which and what is accepted.
    """
    metric = parse_metric(given.metric)
    channels: list[Channel] = [
        *(url_channel("webhook", url) for url in given.webhook),
        *(url_channel("slack", url) for url in given.slack),
        *(url_channel("discord", url) for url in given.discord),
    ]
    smtp_given = any(
        value is not None
        for value in (given.smtp_host, given.smtp_port, given.smtp_from, given.smtp_user)
    )
    if given.email:
        channels.append(
            email_channel(
                list(given.email),
                host=given.smtp_host,
                port=given.smtp_port,
                sender=given.smtp_from,
                starttls=given.smtp_starttls,
                username=given.smtp_user,
                password_env=given.smtp_password_env,
            )
        )
    elif smtp_given or given.smtp_starttls or given.smtp_password_env:
        raise RuleError("SMTP options need at least one --email recipient")
    if not channels:
        raise RuleError(
            "a rule needs at least one channel: --webhook, --slack, --discord or --email"
        )
    return AlertRule(
        name=parse_name(given.name),
        metric=metric,
        operator=parse_operator(given.operator),
        threshold=parse_threshold(metric, given.threshold),
        window_s=parse_window(given.window),
        channels=tuple(channels),
        repeat_s=parse_repeat(given.repeat),
        model=_parse_filter("--model", given.model),
        provider=_parse_filter("--provider", given.provider),
        enabled=not given.disabled,
    )


def _parse_filter(flag: str, value: str | None) -> str | None:
    """A model or provider a rule is narrowed to: one line of printable text, not too long.

    Raises:
        RuleError: control characters (an escape sequence would reach terminals listing the
            rule) or more than :data:`MAX_FILTER_CHARS` characters.
    """
    if not value:
        return None
    if len(value) > MAX_FILTER_CHARS or not value.isprintable():
        raise RuleError(
            f"{flag} must be one line of printable text of at most {MAX_FILTER_CHARS} characters"
        )
    return value


def parse_port(text: str) -> int:
    """Return an SMTP port typed as text (the CLI's ``--smtp-port`` is parsed by argparse).

    The range is checked with the channel, as for the CLI.

    Raises:
        RuleError: not a whole number.
    """
    raw = text.strip()
    # The length keeps int() away from digit strings too long to convert.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
        raise RuleError(f"invalid SMTP port {text!r}: a whole number from 1 to 65535")
    return int(raw)
