"""The dashboard's Alerts page and ``/api/alerts``: behind the key, escaped, URLs masked."""

from __future__ import annotations

import json

import pytest

from prysmai.collector.alert_engine import AlertEvaluator
from prysmai.collector.alert_rules import AlertRule, url_channel
from prysmai.collector.alert_store import AlertStore
from tests.collector.alert_servers import SECRET_PATH, closed_port
from tests.collector.conftest import NOW_NS, call_attributes, make_span, trace_request

NAME = '<script>alert("rule")</script>'


@pytest.fixture
def evaluated(make_collector, hook):
    """Two rules, one firing (delivered to a live and a dead webhook), one never evaluated."""
    collector = make_collector(alert_interval_s=None)
    span = make_span(call_attributes(**{"error.type": "APIError"}), start_ns=NOW_NS)
    assert collector.export(trace_request(span).SerializeToString()).status == 200
    with AlertStore(collector.db) as alerts:
        alerts.add(
            AlertRule(
                name=NAME,
                metric="error_rate",
                operator=">",
                threshold=0.5,
                window_s=600,
                channels=(
                    url_channel("slack", hook.url()),
                    url_channel("webhook", f"http://127.0.0.1:{closed_port()}{SECRET_PATH}"),
                ),
            )
        )
        alerts.add(
            AlertRule(
                name="off",
                metric="request_count",
                operator="<",
                threshold=1,
                window_s=60,
                channels=(url_channel("discord", "https://discord.com/api/webhooks/1/s3cr3t"),),
                enabled=False,
            )
        )
    AlertEvaluator(collector.db, dashboard_url=collector.url, clock=lambda: NOW_NS).evaluate()
    return collector


def test_alerts_page_and_api_need_the_key(evaluated):
    assert evaluated.get("/alerts", auth=None).status == 401
    assert evaluated.get("/api/alerts", auth=None).status == 401
    assert evaluated.get("/alerts", auth="basic").status == 200
    assert evaluated.get("/api/alerts", auth="bearer").status == 200


def test_api_alerts_lists_rules_state_and_history_masked(evaluated, hook):
    answer = evaluated.get("/api/alerts")
    data = json.loads(answer.body)

    assert answer.headers["content-type"] == "application/json"
    assert SECRET_PATH.encode() not in answer.body and b"s3cr3t" not in answer.body
    [firing, off] = data["rules"]
    assert {key: firing[key] for key in ("name", "state", "last_value", "last_event")} == {
        "name": NAME,
        "state": "firing",
        "last_value": 1.0,
        "last_event": "firing",
    }
    assert (firing["since_ns"], firing["notified_ns"], firing["pending_channels"]) == (
        NOW_NS,
        NOW_NS,
        1,
    )
    assert firing["channels"] == [
        f"slack http://127.0.0.1:{hook.port}/***",
        f"webhook http://127.0.0.1:{firing['channels'][1].split(':')[2].split('/')[0]}/***",
    ]
    assert (off["name"], off["enabled"], off["state"], off["channels"]) == (
        "off",
        False,
        None,
        ["discord https://discord.com/***"],
    )
    assert [(h["rule_name"], h["event"], h["delivered"]) for h in data["history"]] == [
        (NAME, "firing", False),
        (NAME, "firing", True),
    ]
    assert "Connection refused" in data["history"][0]["error"]


def test_alerts_page_shows_state_escaped_and_masked(evaluated, hook):
    answer = evaluated.get("/alerts")
    page = answer.body.decode()

    assert "&lt;script&gt;alert(&quot;rule&quot;)&lt;/script&gt;" in page
    assert NAME not in page
    assert SECRET_PATH not in page and "s3cr3t" not in page
    assert f"slack http://127.0.0.1:{hook.port}/***" in page
    assert '<td class="a-firing">firing</td>' in page
    assert '<td class="num">100%</td>' in page  # the last value, formatted
    assert "1 channel(s) failed, retrying" in page
    assert '<td class="muted">disabled</td>' in page
    assert page.count("<td>failed</td>") == 0 and page.count(">failed</td>") == 1
    assert "script-src 'nonce-" in answer.headers["content-security-policy"]
    assert '<a href="/alerts">Alerts</a>' in evaluated.get("/").body.decode()


def test_alerts_page_without_rules(make_collector):
    collector = make_collector(alert_interval_s=None)

    page = collector.get("/alerts").body.decode()
    data = json.loads(collector.get("/api/alerts").body)

    assert "No alert rules. Add one with <code>prysmai alerts add</code> or under " in page
    assert data == {"rules": [], "history": []}
