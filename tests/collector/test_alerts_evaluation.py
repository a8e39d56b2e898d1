"""Alert evaluation over spans fed through the real receiver; notifications to loopback servers."""

from __future__ import annotations

import email
import email.policy
import json
import logging
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from prysmai.collector.alert_engine import AlertEvaluator
from prysmai.collector.alert_rules import AlertRule, Channel, email_channel, url_channel
from prysmai.collector.alert_store import AlertStore
from tests.collector.alert_servers import SECRET_PATH, SmtpServer, closed_port
from tests.collector.conftest import NOW_NS, call_attributes, make_span, trace_request, wait_for

S = 1_000_000_000


class Clock:
    def __init__(self, now_ns: int) -> None:
        self.now_ns = now_ns

    def __call__(self) -> int:
        return self.now_ns

    def advance(self, seconds: float) -> None:
        self.now_ns += int(seconds * S)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    yield server
    server.close()


@pytest.fixture
def quiet_collector(make_collector):
    """A collector whose own alert thread is off: the test drives evaluations."""
    return make_collector(alert_interval_s=None)


def _call(number: int, seconds_ago: float, **overrides: object):
    return make_span(
        call_attributes(**overrides),
        span_id=number.to_bytes(8, "big"),
        start_ns=NOW_NS - int(seconds_ago * S),
    )


def _feed(collector, *spans) -> None:
    assert collector.export(trace_request(*spans).SerializeToString()).status == 200


def _seed(collector) -> None:
    """Five calls in the last minute and one 20 minutes ago.

    gpt-4o-mini (openai): 100, 200, 300 (error), 400 ms (no price); claude (anthropic): 1000 ms.
    """
    _feed(
        collector,
        _call(1, 40, **{"prysm.latency_ms": 100.0, "prysm.cost.usd": 0.01}),
        _call(2, 30, **{"prysm.latency_ms": 200.0, "prysm.cost.usd": 0.02}),
        _call(
            3,
            20,
            **{"prysm.latency_ms": 300.0, "prysm.cost.usd": 0.03, "error.type": "RateLimitError"},
        ),
        _call(4, 10, **{"prysm.latency_ms": 400.0, "prysm.cost.usd": None}),
        _call(
            5,
            5,
            **{
                "prysm.latency_ms": 1000.0,
                "prysm.cost.usd": 0.5,
                "gen_ai.provider.name": "anthropic",
                "gen_ai.request.model": "claude-3-5-haiku",
                "gen_ai.response.model": "claude-3-5-haiku-20241022",
            },
        ),
        _call(6, 1200, **{"prysm.latency_ms": 9999.0, "error.type": "APIError"}),
    )


def _rule(name: str, metric: str, operator: str, threshold: float, *channels: Channel, **kw: Any):
    return AlertRule(
        name=name,
        metric=metric,  # type: ignore[arg-type]
        operator=operator,  # type: ignore[arg-type]
        threshold=threshold,
        window_s=kw.pop("window_s", 300),
        channels=channels,
        **kw,
    )


def _add(collector, *rules: AlertRule) -> list[AlertRule]:
    with AlertStore(collector.db) as alerts:
        return [alerts.add(rule) for rule in rules]


def _evaluator(collector, clock: Clock, **kw: Any) -> AlertEvaluator:
    return AlertEvaluator(collector.db, dashboard_url=collector.url, clock=clock, **kw)


def test_rules_fire_on_the_right_values_and_webhooks_get_the_payload(quiet_collector, hook):
    collector = quiet_collector
    _seed(collector)
    webhook = url_channel("webhook", hook.url("/hook"))
    slack = url_channel("slack", hook.url("/slack" + SECRET_PATH))
    discord = url_channel("discord", hook.url("/discord" + SECRET_PATH))
    _add(
        collector,
        _rule("errors-mini", "error_rate", ">", 0.2, webhook, model="gpt-4o-mini"),
        _rule("errors-all", "error_rate", ">", 0.2, webhook),  # exactly 0.2: not above
        _rule("errors-all-ge", "error_rate", ">=", 0.2, webhook),
        _rule("slow-anthropic", "latency_p99", ">=", 1000, slack, provider="anthropic"),
        _rule("median", "latency_p50", "<", 300, webhook),  # exactly 300
        _rule("spend", "total_cost", ">", 0.5, discord),
        _rule("quiet", "request_count", "=", 0, webhook, model="gpt-5"),
        _rule("no-data", "latency_p50", ">", 0, webhook, model="gpt-5"),
        _rule("count-mini", "request_count", "<=", 3, webhook, model="gpt-4o-mini"),
        _rule("switched-off", "request_count", ">", 0, webhook, enabled=False),
    )
    clock = Clock(NOW_NS + 1 * S)

    outcomes = {
        o.rule.name: (o.value, o.state, o.event) for o in _evaluator(collector, clock).evaluate()
    }

    assert outcomes == {
        "errors-mini": (0.25, "firing", "firing"),
        "errors-all": (0.2, "ok", None),
        "errors-all-ge": (0.2, "firing", "firing"),
        "slow-anthropic": (1000.0, "firing", "firing"),
        "median": (300.0, "ok", None),
        "spend": (pytest.approx(0.56), "firing", "firing"),
        "quiet": (0.0, "firing", "firing"),
        "no-data": (None, "ok", None),
        "count-mini": (4.0, "ok", None),
    }
    by_path: dict[str, list[Any]] = {}
    for path, headers, body in hook.posts:
        assert headers["Content-Type"] == "application/json"
        by_path.setdefault(path.split("/")[1], []).append(body)
    assert sorted(body["rule"]["name"] for body in by_path["hook"]) == [
        "errors-all-ge",
        "errors-mini",
        "quiet",
    ]
    [mini] = [body for body in by_path["hook"] if body["rule"]["name"] == "errors-mini"]
    rule_id = mini["rule"]["id"]
    text = mini.pop("text")
    assert mini == {
        "event": "firing",
        "state": "firing",
        "rule": {
            "id": rule_id,
            "name": "errors-mini",
            "metric": "error_rate",
            "operator": ">",
            "threshold": 0.2,
            "window": "5m",
            "window_s": 300,
            "model": "gpt-4o-mini",
            "provider": None,
        },
        "metric": "error_rate",
        "value": 0.25,
        "threshold": 0.2,
        "operator": ">",
        "window": "5m",
        "since": mini["evaluated_at"],
        "since_ns": clock.now_ns,
        "evaluated_at": mini["evaluated_at"],
        "evaluated_at_ns": clock.now_ns,
        "dashboard_url": collector.url + "/alerts",
    }
    assert text.startswith("[FIRING] errors-mini: error_rate 25% (alert when > 20%, 5m)\n")
    assert "(model gpt-4o-mini)" in text and text.endswith(collector.url + "/alerts")
    [slack_body] = by_path["slack"]
    assert list(slack_body) == ["text"]
    assert slack_body["text"].startswith(
        "[FIRING] slow-anthropic: latency_p99 1,000 ms (alert when &gt;= 1,000 ms, 5m)"
    )
    [discord_body] = by_path["discord"]
    assert discord_body["allowed_mentions"] == {"parse": []}
    assert discord_body["content"].startswith("[FIRING] spend: total_cost $0.56 (alert when > $0.5")


def test_alert_values_agree_with_the_dashboards_stats(quiet_collector, hook):
    collector = quiet_collector
    _seed(collector)
    channel = url_channel("webhook", hook.url())
    names = ("error_rate", "latency_p50", "latency_p95", "latency_p99", "request_count")
    _add(
        collector,
        *(_rule(name, name, ">", 0, channel, window_s=900) for name in names),
        _rule("total_cost", "total_cost", ">", 0, channel, window_s=900),
    )

    values = {
        o.rule.name: o.value for o in AlertEvaluator(collector.db, dashboard_url="x").evaluate()
    }
    stats = json.loads(collector.get("/api/stats?window=15m").body)

    assert values == {
        "error_rate": stats["error_rate"],
        "latency_p50": stats["latency_ms"]["p50"],
        "latency_p95": stats["latency_ms"]["p95"],
        "latency_p99": stats["latency_ms"]["p99"],
        "request_count": stats["count"],
        "total_cost": stats["cost_usd"],
    }
    # The 20-minute-old call is outside both windows; the numbers are not trivial.
    assert (stats["count"], stats["error_rate"], stats["latency_ms"]["p50"]) == (5, 0.2, 300.0)
    assert stats["latency_ms"]["p95"] == pytest.approx(880.0)


def test_resolve_and_repeat_follow_the_injected_clock(quiet_collector, hook):
    collector = quiet_collector
    _feed(collector, _call(1, 0, **{"error.type": "APIError"}))
    _add(
        collector,
        _rule(
            "errors",
            "error_rate",
            ">",
            0.5,
            url_channel("webhook", hook.url()),
            window_s=3600,
            repeat_s=600,
        ),
        _rule(
            "once",
            "error_rate",
            ">",
            0.5,
            url_channel("webhook", hook.url("/once")),
            window_s=3600,
            repeat_s=0,
        ),
    )
    clock = Clock(NOW_NS + 1 * S)
    evaluator = _evaluator(collector, clock)

    events = []
    for step in (0, 60, 480, 61, 30, 3600):  # seconds to advance before each evaluation
        clock.advance(step)
        events.append({o.rule.name: (o.state, o.event) for o in evaluator.evaluate()})

    assert [e["errors"] for e in events] == [
        ("firing", "firing"),  # t=1s
        ("firing", None),  # t=61s: within the repeat interval
        ("firing", None),  # t=541s
        ("firing", "repeat"),  # t=602s: 10 minutes after the first notification
        ("firing", None),  # t=632s
        ("ok", "resolved"),  # t=4232s: the call left the 1h window, no data
    ]
    assert [e["once"][1] for e in events] == ["firing", None, None, None, None, "resolved"]
    bodies = [body for path, _, body in hook.posts if path == SECRET_PATH]
    assert [(b["event"], b["state"], b["value"]) for b in bodies] == [
        ("firing", "firing", 1.0),
        ("repeat", "firing", 1.0),
        ("resolved", "ok", None),
    ]
    assert bodies[1]["since_ns"] == bodies[0]["since_ns"] == NOW_NS + 1 * S
    assert bodies[2]["since_ns"] == bodies[2]["evaluated_at_ns"] == clock.now_ns
    assert bodies[2]["text"].startswith("[RESOLVED] errors: error_rate no data")
    with AlertStore(collector.db) as alerts:
        history = alerts.history()
        state = alerts.states()[alerts.find("errors").id]
    assert [(h.rule_name, h.event, h.delivered) for h in reversed(history)] == [
        ("errors", "firing", True),
        ("once", "firing", True),
        ("errors", "repeat", True),
        ("errors", "resolved", True),
        ("once", "resolved", True),
    ]
    assert (state.state, state.last_value, state.event, state.pending) == (
        "ok",
        None,
        "resolved",
        (),
    )


def test_a_dead_webhook_is_recorded_failed_and_retried_alone(quiet_collector, hook, caplog):
    caplog.set_level(logging.DEBUG, logger="prysmai")
    collector = quiet_collector
    _feed(collector, _call(1, 0, **{"error.type": "APIError"}))
    dead_url = f"http://127.0.0.1:{closed_port()}{SECRET_PATH}"
    [rule] = _add(
        collector,
        _rule(
            "errors",
            "error_rate",
            ">",
            0.5,
            url_channel("webhook", dead_url),
            url_channel("slack", hook.url()),
            window_s=3600,
        ),
    )
    clock = Clock(NOW_NS + 1 * S)
    evaluator = _evaluator(collector, clock)

    [first] = evaluator.evaluate()
    clock.advance(30)
    [second] = evaluator.evaluate()

    assert [(r.channel, r.delivered) for r in first.results] == [
        (f"webhook http://127.0.0.1:{dead_url.split(':')[2].split('/')[0]}/***", False),
        (f"slack http://127.0.0.1:{hook.port}/***", True),
    ]
    assert first.results[0].error == "ConnectionRefusedError: [Errno 111] Connection refused"
    # The retry goes to the failed channel only; Slack got the alert once.
    assert [(r.channel.split()[0], r.delivered) for r in second.results] == [("webhook", False)]
    assert second.event == "firing"
    assert len(hook.posts) == 1
    with AlertStore(collector.db) as alerts:
        history = alerts.history()
        state = alerts.states()[rule.id]
    assert [(h.event, h.channel.split()[0], h.delivered) for h in reversed(history)] == [
        ("firing", "webhook", False),
        ("firing", "slack", True),
        ("firing", "webhook", False),
    ]
    assert state.pending == (0,) and state.notified_ns == NOW_NS + 1 * S
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # the retry logs at DEBUG, not a warning every 30 s
    assert "webhook http://127.0.0.1:" in warnings[0] and "/***" in warnings[0]
    assert all(SECRET_PATH not in r.getMessage() for r in caplog.records)
    assert all("s3cr3t" not in (h.error or "") + h.channel for h in history)


def test_a_failed_channel_gets_the_owed_alert_when_it_recovers(quiet_collector, hook):
    collector = quiet_collector
    _feed(collector, _call(1, 0, **{"error.type": "APIError"}))
    _add(
        collector,
        _rule("errors", "error_rate", ">", 0.5, url_channel("webhook", hook.url()), window_s=3600),
    )
    clock = Clock(NOW_NS + 1 * S)
    evaluator = _evaluator(collector, clock)
    hook.status = 500

    [failed] = evaluator.evaluate()
    hook.status = 204
    clock.advance(30)
    [retried] = evaluator.evaluate()
    clock.advance(30)
    [after] = evaluator.evaluate()

    assert (failed.results[0].delivered, failed.results[0].error) == (
        False,
        "HTTP 500 Internal Server Error",
    )
    assert (retried.event, retried.results[0].delivered) == ("firing", True)
    assert (after.event, after.results) == (None, ())
    assert [body["event"] for body in hook.bodies] == ["firing", "firing"]
    assert hook.bodies[1]["since_ns"] == NOW_NS + 1 * S


def test_a_webhook_that_never_answers_times_out_within_the_bound(quiet_collector):
    collector = quiet_collector
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts connections in the kernel, never answers
    port = listener.getsockname()[1]
    try:
        _add(
            collector,
            _rule(
                "count",
                "request_count",
                "=",
                0,
                url_channel("webhook", f"http://127.0.0.1:{port}/hook"),
            ),
        )
        evaluator = _evaluator(collector, Clock(NOW_NS), timeout_s=0.3)
        [outcome] = evaluator.evaluate()
    finally:
        listener.close()

    assert (outcome.results[0].delivered, outcome.results[0].error) == (False, "timed out")


def test_email_goes_over_smtp_with_the_password_from_the_environment(
    quiet_collector, smtp, monkeypatch
):
    collector = quiet_collector
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "hunter2-smtp")
    _feed(collector, _call(1, 0, **{"prysm.latency_ms": 1500.0}))
    channel = email_channel(
        ["ops@example.com", "oncall@example.org"],
        host="127.0.0.1",
        port=smtp.port,
        sender="prysm@example.com",
        username="alerts",
        password_env="TEST_SMTP_PASSWORD",
    )
    _add(collector, _rule("slow", "latency_p95", ">", 1000, channel, window_s=600))
    evaluator = _evaluator(collector, Clock(NOW_NS + 1 * S))

    [outcome] = evaluator.evaluate()

    assert outcome.results[0].delivered is True
    assert outcome.results[0].channel == (
        f"email ops@example.com, oncall@example.org via 127.0.0.1:{smtp.port}"
    )
    assert smtp.logins == [("alerts", "hunter2-smtp")]
    [mail] = smtp.mails
    assert (mail.sender, mail.recipients) == (
        "prysm@example.com",
        ["ops@example.com", "oncall@example.org"],
    )
    message = email.message_from_bytes(mail.data, policy=email.policy.default)
    assert message["Subject"] == "[FIRING] slow: latency_p95 1,500 ms (alert when > 1,000 ms, 10m)"
    assert message["To"] == "ops@example.com, oncall@example.org"
    body = message.get_content()
    assert "latency_p95 = 1,500 ms over the last 10m (all calls)" in body
    assert collector.url + "/alerts" in body
    raw = b"".join(path.read_bytes() for path in collector.db.parent.glob(collector.db.name + "*"))
    assert b"hunter2-smtp" not in raw and b"TEST_SMTP_PASSWORD" in raw


def test_email_failures_name_the_missing_variable_or_starttls(quiet_collector, smtp, monkeypatch):
    collector = quiet_collector
    monkeypatch.delenv("MISSING_SMTP_PASSWORD", raising=False)
    common = {"host": "127.0.0.1", "port": smtp.port, "sender": "prysm@example.com"}
    _add(
        collector,
        _rule(
            "count",
            "request_count",
            "=",
            0,
            email_channel(
                ["a@example.com"],
                username="u",
                password_env="MISSING_SMTP_PASSWORD",
                **common,  # type: ignore[arg-type]
            ),
            email_channel(["b@example.com"], starttls=True, **common),  # type: ignore[arg-type]
        ),
    )

    [outcome] = _evaluator(collector, Clock(NOW_NS)).evaluate()

    assert [(r.delivered, r.error) for r in outcome.results] == [
        (False, "the environment variable MISSING_SMTP_PASSWORD (SMTP password) is not set"),
        (False, "SMTPNotSupportedError: STARTTLS extension not supported by server."),
    ]
    assert smtp.mails == []


def test_the_servers_own_thread_evaluates_and_a_dead_webhook_does_not_hurt_it(
    make_collector, hook, caplog
):
    caplog.set_level(logging.WARNING, logger="prysmai")
    collector = make_collector(alert_interval_s=0.05)
    _add(
        collector,
        _rule(
            "dead",
            "request_count",
            ">=",
            1,
            url_channel("webhook", f"http://127.0.0.1:{closed_port()}{SECRET_PATH}"),
        ),
        _rule("live", "request_count", ">=", 1, url_channel("webhook", hook.url())),
    )
    _feed(collector, _call(1, 0))

    wait_for(lambda: hook.bodies)
    with AlertStore(collector.db) as alerts:
        failed = wait_for(lambda: [h for h in alerts.history() if not h.delivered])

    assert hook.bodies[0]["rule"]["name"] == "live" and hook.bodies[0]["value"] == 1.0
    assert failed[0].rule_name == "dead" and "Connection refused" in (failed[0].error or "")
    assert collector.get("/healthz", auth=None).status == 200
    _feed(collector, _call(2, 0))  # the receiver still stores spans
    assert len(collector.rows()) == 2
    assert any("dead" in r.getMessage() for r in caplog.records)
    assert all(SECRET_PATH not in r.getMessage() for r in caplog.records)
    collector.server.close()  # stops the alert thread with the server
    assert not [t for t in threading.enumerate() if t.name == "prysmai-alerts"]
