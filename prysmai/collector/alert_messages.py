"""What an alert says: one text for people, one JSON document for webhooks.

Rule names and filters are user text that ends up in chat apps: Slack's control characters
(``& < >``) are escaped, and Discord is told not to turn ``@everyone`` in a name into a ping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal

from prysmai.collector.alert_rules import AlertRule, format_value
from prysmai.store_queries import JsonValue

Event = Literal["firing", "resolved", "repeat", "test"]

DISCORD_MAX_CHARS: Final = 2000
"""Discord rejects a message with longer content."""

_TAGS: Final = {
    "firing": "FIRING",
    "resolved": "RESOLVED",
    "repeat": "STILL FIRING",
    "test": "TEST",
}


@dataclass(frozen=True, slots=True)
class Notification:
    """One notification about one rule, before it is shaped for a channel."""

    rule: AlertRule
    event: Event
    state: Literal["ok", "firing"]
    value: float | None
    """The metric over the window; ``None`` when the window held no calls."""
    since_ns: int
    """When the rule entered ``state``."""
    evaluated_ns: int
    dashboard_url: str
    """The collector's base URL; messages link to its Alerts page."""

    @property
    def alerts_url(self) -> str:
        """The dashboard's Alerts page."""
        return self.dashboard_url.rstrip("/") + "/alerts"


def iso_time(time_ns: int) -> str:
    """Format Unix nanoseconds as ISO 8601 UTC, e.g. ``2025-01-31T12:00:00Z``."""
    return datetime.fromtimestamp(time_ns / 1e9, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def subject(notification: Notification) -> str:
    """One line: ``[FIRING] high errors: error_rate 25% > 5% (5m)``."""
    rule = notification.rule
    value = format_value(rule.metric, notification.value)
    threshold = format_value(rule.metric, rule.threshold)
    return (
        f"[{_TAGS[notification.event]}] {rule.name}: {rule.metric} {value} "
        f"(alert when {rule.operator} {threshold}, {rule.window})"
    )


def text(notification: Notification) -> str:
    """The message for people: what, how much, since when, and where to look."""
    rule = notification.rule
    value = format_value(rule.metric, notification.value)
    lines = [subject(notification)]
    if notification.event == "test":
        lines.append(
            f"Test notification from prysmai. Now: {rule.metric} = {value} over the last "
            f"{rule.window} ({rule.scope})."
        )
    elif notification.event == "resolved":
        lines.append(
            f"Resolved: {rule.metric} = {value} over the last {rule.window} ({rule.scope}), "
            f"no longer {rule.condition}."
        )
    else:
        lines.append(
            f"{rule.metric} = {value} over the last {rule.window} ({rule.scope}), "
            f"{rule.condition}; firing since {iso_time(notification.since_ns)}."
        )
    lines.append(f"Evaluated at {iso_time(notification.evaluated_ns)}. {notification.alerts_url}")
    return "\n".join(lines)


def webhook_payload(notification: Notification) -> dict[str, JsonValue]:
    """The generic webhook's JSON body."""
    rule = notification.rule
    return {
        "event": notification.event,
        "state": notification.state,
        "rule": rule.describe_json(),
        "metric": rule.metric,
        "value": _finite(notification.value),
        "threshold": rule.threshold,
        "operator": rule.operator,
        "window": rule.window,
        "since": iso_time(notification.since_ns),
        "since_ns": notification.since_ns,
        "evaluated_at": iso_time(notification.evaluated_ns),
        "evaluated_at_ns": notification.evaluated_ns,
        "dashboard_url": notification.alerts_url,
        "text": text(notification),
    }


def slack_payload(notification: Notification) -> dict[str, JsonValue]:
    """A Slack incoming webhook's body: ``{"text": ...}``."""
    escaped = text(notification).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return {"text": escaped}


def discord_payload(notification: Notification) -> dict[str, JsonValue]:
    """A Discord webhook's body: ``{"content": ...}``, mentions switched off."""
    content = text(notification)
    if len(content) > DISCORD_MAX_CHARS:
        content = content[: DISCORD_MAX_CHARS - 1] + "\u2026"
    return {"content": content, "allowed_mentions": {"parse": []}}


def _finite(value: float | None) -> float | None:
    # JSON has no infinity: a cost sum that overflowed is sent as null ("no usable number").
    return value if value is not None and math.isfinite(value) else None
