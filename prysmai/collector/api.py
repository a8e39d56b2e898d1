"""The dashboard's data as JSON-ready dicts: what ``/api/*`` returns and the pages show."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from prysmai import semconv
from prysmai.collector.alert_rules import AlertRule
from prysmai.collector.alert_store import AlertState, Delivery
from prysmai.collector.queries import BLOCKED_ACTIONS
from prysmai.store_queries import JsonValue, Series, Stats, TraceRow

WINDOWS: Final[dict[str, float | None]] = {
    "15m": 15 * 60.0,
    "1h": 3600.0,
    "24h": 86_400.0,
    "7d": 7 * 86_400.0,
    "30d": 30 * 86_400.0,
    "all": None,
}
"""The windows the overview offers, by label."""
DEFAULT_WINDOW: Final = "24h"

_SUMMARY_FIELDS: Final = (
    "rowid",
    "trace_id",
    "span_id",
    "name",
    "start_time_ns",
    "end_time_ns",
    "operation",
    "provider",
    "request_model",
    "response_model",
    "user_id",
    "session_id",
    "latency_ms",
    "ttft_ms",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "error_type",
    "http_status",
    "threat_score",
    "threat_level",
    "stream",
)


@dataclass(frozen=True, slots=True)
class Overview:
    """What the overview cards show for one window."""

    window: str
    stats: Stats
    threats: dict[str, int]
    """Model calls per threat level."""


def security_action(row: TraceRow) -> str | None:
    """The security action recorded on the call (``blocked``, ``redacted``...), if loaded."""
    action = row.attributes.get(semconv.SECURITY_ACTION)
    return action if isinstance(action, str) else None


def call_status(row: TraceRow) -> str:
    """One word for how the call ended: ``blocked``, ``error``, ``cut short`` or ``ok``."""
    if security_action(row) in BLOCKED_ACTIONS:
        return "blocked"
    if row.is_error:
        return "error"
    if row.stream_cut_short:
        return "cut short"
    return "ok"


def call_summary(row: TraceRow) -> dict[str, JsonValue]:
    """The fields of a call that lists show, plus its model, status and security action."""
    data = row.as_dict()
    summary: dict[str, JsonValue] = {name: data[name] for name in _SUMMARY_FIELDS}
    summary["model"] = row.model
    summary["status"] = call_status(row)
    summary["security_action"] = security_action(row)
    return summary


def call_detail(row: TraceRow) -> dict[str, JsonValue]:
    """Every stored field of a call, attributes and events included."""
    return {**row.as_dict(), "model": row.model, "status": call_status(row)}


def finite_json(value: JsonValue) -> JsonValue:
    """Return ``value`` with every infinite or NaN number replaced by ``None``.

    Sums of large stored values can overflow to infinity (two costs of 1.7e308), which JSON
    cannot carry: ``null`` says "no usable number" and keeps the answer valid.
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite_json(item) for item in value]
    return value


def overview_payload(overview: Overview) -> dict[str, JsonValue]:
    """The overview as JSON: the stats of the window and the threat counts."""
    return {
        "window": overview.window,
        **overview.stats.as_dict(),
        "threats": {level: overview.threats.get(level, 0) for level in ("low", "medium", "high")},
    }


def series_payload(window: str, series: Series) -> dict[str, JsonValue]:
    """The window cut into buckets, oldest first, as JSON (what the overview's charts draw)."""
    return {"window": window, **series.as_dict()}


def alert_rule_summary(rule: AlertRule, state: AlertState | None) -> dict[str, JsonValue]:
    """A rule with its state; channels as :meth:`~UrlChannel.describe` shows them (masked).

    ``state`` is ``None`` until the rule's first evaluation.
    """
    return {
        **rule.describe_json(),
        "repeat_s": rule.repeat_s,
        "enabled": rule.enabled,
        "channels": [channel.describe() for channel in rule.channels],
        "state": state.state if state is not None else None,
        "since_ns": state.since_ns if state is not None else None,
        "last_value": state.last_value if state is not None else None,
        "evaluated_ns": state.evaluated_ns if state is not None else None,
        "last_event": state.event if state is not None else None,
        "notified_ns": state.notified_ns if state is not None else None,
        "pending_channels": len(state.pending) if state is not None else 0,
    }


def alert_delivery_summary(delivery: Delivery) -> dict[str, JsonValue]:
    """One notification of the history (the channel is stored masked)."""
    return {
        "id": delivery.id,
        "rule_id": delivery.rule_id,
        "rule_name": delivery.rule_name,
        "time_ns": delivery.time_ns,
        "event": delivery.event,
        "value": delivery.value,
        "channel": delivery.channel,
        "delivered": delivery.delivered,
        "error": delivery.error,
    }
