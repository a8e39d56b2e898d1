"""Evaluating alert rules over the stored calls and deciding whom to notify.

Each rule's metric comes from :meth:`prysmai.store_queries.TraceStore.stats`, the query behind
the dashboard's ``/api/stats``, over the rule's window (ending at the evaluation time) and
filter, so an alert and the dashboard always agree on a number.

A window without calls has ``request_count`` 0 and no value for every other metric (an error
rate or a percentile of nothing is not 0): such a rule does not fire, and a firing one
resolves.

Notifications follow the state: ``firing`` when a rule's condition starts to hold,
``resolved`` when it stops, ``repeat`` while it keeps holding once the rule's repeat interval
has passed since the last one. A channel that did not take a notification is owed it: it is
retried (and only it) at each following evaluation, until it succeeds or the state changes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from prysmai.collector.alert_delivery import DEFAULT_TIMEOUT_S, Result, deliver
from prysmai.collector.alert_messages import Event, Notification
from prysmai.collector.alert_rules import AlertRule, Channel, compare
from prysmai.collector.alert_store import AlertState, AlertStore, Delivery, State
from prysmai.store_location import StoreLocation
from prysmai.store_queries import TraceStore

logger = logging.getLogger(__name__)

Sender = Callable[[Channel, Notification], Result]
"""Sends one notification to one channel and reports how it went; must not raise."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """One rule after one evaluation."""

    rule: AlertRule
    value: float | None
    state: State
    event: Event | None
    """What was sent this time (a retry sends the owed event again), ``None`` for nothing."""
    results: tuple[Result, ...] = ()


def measure(store: TraceStore, rule: AlertRule, now_ns: int) -> float | None:
    """Return the rule's metric over its window ending at ``now_ns``, ``None`` without data.

    Raises:
        sqlite3.Error: the store cannot be read.
    """
    stats = store.stats(rule.window_s, now_ns=now_ns, model=rule.model, provider=rule.provider)
    if rule.metric == "request_count":
        return float(stats.count)
    if stats.count == 0:
        return None
    if rule.metric == "error_rate":
        return stats.error_rate
    if rule.metric == "total_cost":
        return stats.cost_usd
    return getattr(stats.latency_ms, rule.metric.removeprefix("latency_"))  # type: ignore[no-any-return]


class AlertEvaluator:
    """Evaluates every enabled rule of a store and sends the notifications that are due.

    Safe to call from several threads: evaluations and tests run one at a time.

    Args:
        db_path: The collector's store (spans and alert tables): a SQLite file or a PostgreSQL
            database, which several collectors may share (they take turns evaluating).
        dashboard_url: The collector's base URL, for the link in every message.
        clock: Returns the current Unix time in nanoseconds (tests pass their own).
        timeout_s: Time each channel gets per notification.
        send: How a notification reaches a channel (default: :func:`deliver`).
    """

    def __init__(
        self,
        db_path: StoreLocation,
        *,
        dashboard_url: str,
        clock: Callable[[], int] = time.time_ns,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        send: Sender | None = None,
    ) -> None:
        self.db_path = db_path
        self.dashboard_url = dashboard_url
        self._clock = clock
        self._timeout_s = timeout_s
        self._send: Sender = send or self._deliver
        self._lock = threading.Lock()

    def evaluate(self) -> list[Outcome]:
        """Evaluate every enabled rule once; a rule that fails is logged and skipped.

        Raises:
            OSError, sqlite3.Error: the store cannot be opened.
        """
        with self._lock:
            now_ns = self._clock()
            outcomes = []
            with (
                AlertStore(self.db_path) as alerts,
                alerts.exclusive_evaluation() as is_ours,
                TraceStore(self.db_path) as spans,
            ):
                if not is_ours:
                    # Another collector sharing the database is evaluating right now; its
                    # state is read by the next pass, so nothing is notified twice.
                    logger.debug("Alert evaluation skipped: another collector is evaluating")
                    return []
                # Read under the turn: the state another collector saved counts.
                states = alerts.states()
                for rule in alerts.rules(enabled_only=True):
                    try:
                        outcomes.append(
                            self._evaluate_rule(rule, states.get(rule.id), spans, alerts, now_ns)
                        )
                    except Exception as exc:  # one broken rule must not silence the others
                        logger.error(
                            "Alert rule %d (%s) could not be evaluated: %s: %s",
                            rule.id,
                            rule.name,
                            type(exc).__name__,
                            exc,
                        )
            return outcomes

    def test(self, rule: AlertRule) -> list[Result]:
        """Send a test notification with the rule's current value to each of its channels.

        The results are also recorded in the history; the rule's state is left as it is.

        Raises:
            OSError, sqlite3.Error: the store cannot be opened.
        """
        with self._lock:
            now_ns = self._clock()
            with AlertStore(self.db_path) as alerts, TraceStore(self.db_path) as spans:
                value = measure(spans, rule, now_ns)
                state = alerts.states().get(rule.id)
                notification = Notification(
                    rule=rule,
                    event="test",
                    state=state.state if state is not None else "ok",
                    value=value,
                    since_ns=state.since_ns if state is not None else now_ns,
                    evaluated_ns=now_ns,
                    dashboard_url=self.dashboard_url,
                )
                results = [self._send(channel, notification) for channel in rule.channels]
                alerts.record(_history(rule, "test", value, now_ns, results))
            return results

    def _evaluate_rule(
        self,
        rule: AlertRule,
        previous: AlertState | None,
        spans: TraceStore,
        alerts: AlertStore,
        now_ns: int,
    ) -> Outcome:
        value = measure(spans, rule, now_ns)
        breached = value is not None and compare(value, rule.operator, rule.threshold)
        state: State = "firing" if breached else "ok"
        if previous is None:
            # Never evaluated: the rule starts from "ok", so a first breach notifies.
            previous = AlertState(rule.id, "ok", now_ns, None, now_ns)
        since_ns, event_ns = previous.since_ns, previous.event_ns
        event: Event | None = None
        targets: tuple[int, ...] = ()
        is_retry = False
        everyone = tuple(range(len(rule.channels)))
        if state != previous.state:
            since_ns = event_ns = now_ns
            event, targets = ("firing" if state == "firing" else "resolved"), everyone
            logger.info("Alert %s is %s: %s = %s", rule.name, event, rule.metric, _shown(value))
        elif previous.pending and previous.event in ("firing", "resolved", "repeat"):
            event = previous.event  # type: ignore[assignment]  # checked just above
            targets = tuple(index for index in previous.pending if index < len(rule.channels))
            is_retry = True
        elif (
            state == "firing"
            and rule.repeat_s > 0
            and (event_ns is None or now_ns - event_ns >= rule.repeat_s * 1_000_000_000)
        ):
            event, targets, event_ns = "repeat", everyone, now_ns

        results: list[Result] = []
        if event is not None and targets:
            notification = Notification(
                rule=rule,
                event=event,
                state=state,
                value=value,
                since_ns=since_ns,
                evaluated_ns=now_ns,
                dashboard_url=self.dashboard_url,
            )
            results = [self._send(rule.channels[index], notification) for index in targets]
            for result in results:
                if not result.delivered:
                    log = logger.debug if is_retry else logger.warning
                    log(
                        "Alert %s: %s notification to %s failed (%s); retrying at the next "
                        "evaluation",
                        rule.name,
                        event,
                        result.channel,
                        result.error,
                    )
        pending = tuple(
            index for index, result in zip(targets, results, strict=True) if not result.delivered
        )
        delivered = any(result.delivered for result in results)
        alerts.save_state(
            AlertState(
                rule_id=rule.id,
                state=state,
                since_ns=since_ns,
                last_value=value,
                evaluated_ns=now_ns,
                event=event if event is not None else previous.event,
                event_ns=event_ns,
                notified_ns=now_ns if delivered else previous.notified_ns,
                pending=pending,
            ),
            _history(rule, event, value, now_ns, results) if event is not None else (),
        )
        return Outcome(rule, value, state, event if targets else None, tuple(results))

    def _deliver(self, channel: Channel, notification: Notification) -> Result:
        return deliver(channel, notification, timeout_s=self._timeout_s)


def _history(
    rule: AlertRule, event: str, value: float | None, now_ns: int, results: list[Result]
) -> list[Delivery]:
    return [
        Delivery(
            rule_id=rule.id,
            rule_name=rule.name,
            time_ns=now_ns,
            event=event,
            value=value,
            channel=result.channel,
            delivered=result.delivered,
            error=result.error,
        )
        for result in results
    ]


def _shown(value: float | None) -> str:
    return "no data" if value is None else f"{value:g}"
