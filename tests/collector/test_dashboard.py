"""The dashboard: cards, recent calls, call detail, security log, JSON, keys and escaping."""

from __future__ import annotations

import json
import re

import pytest

from prysmai.collector.server import CollectorSettings
from tests.collector.conftest import (
    NOW_NS,
    call_attributes,
    error_status,
    make_span,
    trace_request,
)

ATTACK = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _store(collector, *spans):
    assert collector.export(trace_request(*spans).SerializeToString()).status == 200


def _seed(collector):
    """Four calls in the last minute: clean, low threat, blocked error, high threat."""
    _store(
        collector,
        make_span(
            call_attributes(
                **{"prysm.security.threat_level": "clean", "prysm.security.threat_score": 0}
            ),
            span_id=b"\x01" * 8,
            start_ns=NOW_NS - 4_000_000_000,
        ),
        make_span(
            call_attributes(
                **{
                    "prysm.security.threat_level": "low",
                    "prysm.security.threat_score": 25,
                    "prysm.cost.usd": 0.25,
                    "prysm.latency_ms": 100.0,
                }
            ),
            span_id=b"\x02" * 8,
            start_ns=NOW_NS - 3_000_000_000,
        ),
        make_span(
            call_attributes(
                **{
                    "prysm.security.threat_level": "medium",
                    "prysm.security.threat_score": 55,
                    "prysm.security.action": "blocked",
                    "error.type": "PermissionDeniedError",
                    "prysm.cost.usd": None,
                    "gen_ai.usage.input_tokens": None,
                    "gen_ai.usage.output_tokens": None,
                }
            ),
            span_id=b"\x03" * 8,
            start_ns=NOW_NS - 2_000_000_000,
        ),
        make_span(
            call_attributes(
                **{"prysm.security.threat_level": "high", "prysm.security.threat_score": 90}
            ),
            span_id=b"\x04" * 8,
            start_ns=NOW_NS - 1_000_000_000,
        ),
    )


def test_pages_and_api_need_a_key_unless_healthz(collector):
    assert collector.get("/", auth=None).status == 401
    assert collector.get("/api/calls", auth=None).status == 401
    assert collector.get("/", auth=None).headers["www-authenticate"].startswith("Basic")
    assert collector.get("/healthz", auth=None).status == 200
    assert collector.get("/", auth="basic").status == 200
    assert collector.get("/api/calls", auth="bearer").status == 200


def test_wrong_basic_password_is_refused(collector):
    import base64

    wrong = base64.b64encode(b"me:sk-prysm-" + b"1" * 64).decode()
    answer = collector.request("GET", "/", headers={"Authorization": f"Basic {wrong}"})

    assert answer.status == 401


def test_other_host_names_are_refused_on_loopback(collector):
    # DNS rebinding: a page from another site reaching 127.0.0.1 under its own name.
    assert collector.get("/", host="attacker.example:4318").status == 403
    assert collector.get("/", host=f"localhost:{collector.server.port}").status == 200


def test_dashboard_without_key_only_on_loopback(make_collector, tmp_path):
    open_one = make_collector(dashboard_auth=False)

    assert open_one.get("/api/stats", auth=None).status == 200
    assert (
        open_one.export(
            trace_request(make_span()).SerializeToString(), key="sk-prysm-" + "2" * 64
        ).status
        == 401
    )
    with pytest.raises(ValueError, match="loopback"):
        CollectorSettings(db_path=tmp_path / "x.db", host="0.0.0.0", dashboard_auth=False)


def test_api_stats_counts_the_window(collector):
    _seed(collector)
    old = make_span(span_id=b"\x09" * 8, start_ns=NOW_NS - 3 * 3600 * 10**9)
    _store(collector, old)

    hour = json.loads(collector.get("/api/stats?window=1h").body)
    everything = json.loads(collector.get("/api/stats?window=all").body)

    assert (hour["window"], hour["count"], everything["count"]) == ("1h", 4, 5)
    assert (hour["error_count"], hour["error_rate"]) == (1, 0.25)
    assert hour["threats"] == {"low": 1, "medium": 1, "high": 1}
    assert hour["cost_usd"] == pytest.approx(0.25 + 2 * 0.0000222)
    assert hour["unknown_cost_count"] == 0  # the blocked call had nothing to price
    assert (hour["input_tokens"], hour["output_tokens"]) == (36, 102)
    assert hour["latency_ms"]["p50"] == 250.0
    assert collector.get("/api/stats?window=2y").status == 400


def test_overview_cards_show_the_numbers(collector):
    _seed(collector)

    page = collector.get("/?window=1h").body.decode()

    cards = dict(
        re.findall(r'<div class="label">([^<]+)</div><div class="value">([^<]+)</div>', page)
    )
    assert cards["Requests"] == "4"
    assert cards["Errors"] == "1"
    assert "error rate 25.0%" in page
    assert cards["Total cost"] == "$0.250044"
    assert cards["Latency p50 / p95"] == "250 / 250 ms"
    assert cards["Tokens"] == "138"
    assert cards["Threats high / medium"] == "1 / 1"
    assert page.count('<tr><td><a href="/calls/') == 4


def test_api_calls_newest_first_and_after_a_rowid(collector):
    _seed(collector)

    recent = json.loads(collector.get("/api/calls?limit=2").body)
    newer = json.loads(collector.get("/api/calls?after=2").body)

    assert [call["span_id"] for call in recent["calls"]] == ["04" * 8, "03" * 8]
    assert [call["span_id"] for call in newer["calls"]] == ["03" * 8, "04" * 8]
    blocked = recent["calls"][1]
    assert (blocked["status"], blocked["security_action"], blocked["model"]) == (
        "blocked",
        "blocked",
        "gpt-4o-mini-2024-07-18",
    )
    assert recent["last_rowid"] == 4
    assert "attributes" not in blocked
    assert collector.get("/api/calls?limit=0").status == 400
    assert collector.get("/api/calls?after=" + "9" * 5000).status == 400


def test_call_detail_page_and_json(collector):
    findings = json.dumps(
        [{"kind": "injection", "category": "jailbreak_phrases", "rule": "dan", "severity": "high"}]
    )
    span = make_span(
        call_attributes(
            **{
                "gen_ai.input.messages": json.dumps(
                    [{"role": "user", "parts": [{"content": "Hi"}]}]
                ),
                "prysm.security.findings": findings,
                "prysm.security.threat_level": "high",
                "prysm.security.threat_score": 90,
            }
        ),
        span_id=bytes.fromhex("abcdef0123456789"),
    )
    span.status.CopyFrom(error_status("boom"))
    _store(collector, span)

    page = collector.get("/calls/ABCDEF0123456789").body.decode()
    detail = json.loads(collector.get("/api/calls/abcdef0123456789").body)

    assert "<h2>Input messages</h2>" in page
    assert "&quot;content&quot;: &quot;Hi&quot;" in page
    assert "<td>jailbreak_phrases</td>" in page
    assert "high (90)" in page
    assert detail["attributes"]["user.id"] == "alice"
    assert (detail["status_code"], detail["status_message"]) == ("ERROR", "boom")
    assert collector.get("/calls/0000000000000000").status == 404
    assert collector.get("/calls/../../etc/passwd").status == 404
    assert json.loads(collector.get("/api/calls/nothex").body) == {
        "error": "no call with that span id"
    }


def test_security_log_lists_flagged_and_blocked_calls_only(collector):
    _seed(collector)
    _store(
        collector,
        make_span(
            call_attributes(**{"prysm.security.action": "blocked"}),
            span_id=b"\x05" * 8,
            start_ns=NOW_NS,
        ),
    )

    page = collector.get("/security").body.decode()
    api = json.loads(collector.get("/api/security").body)

    assert [call["span_id"] for call in api["calls"]] == ["05" * 8, "04" * 8, "03" * 8, "02" * 8]
    assert "/calls/" + "01" * 8 not in page
    assert page.count('<tr><td><a href="/calls/') == 4


def test_stored_markup_is_rendered_inert_everywhere(collector):
    span = make_span(
        call_attributes(
            **{
                "gen_ai.input.messages": json.dumps([{"role": "user", "content": ATTACK}]),
                "gen_ai.request.model": ATTACK,
                "gen_ai.response.model": ATTACK,
                "user.id": ATTACK,
                "prysm.security.threat_level": "high",
                "prysm.security.threat_score": 99,
                "prysm.security.categories": [ATTACK],
                "prysm.security.findings": json.dumps([{"kind": ATTACK, "snippet": ATTACK}]),
                ATTACK: ATTACK,
            }
        ),
        span_id=b"\x0e" * 8,
        name=ATTACK,
    )
    _store(collector, span)

    for path in ("/", "/security", "/calls/" + "0e" * 8):
        answer = collector.get(path)
        page = answer.body.decode()
        nonce = re.search(r"script-src 'nonce-([^']+)'", answer.headers["content-security-policy"])
        assert answer.status == 200
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
        # The only script tags are the page's own, carrying this response's nonce.
        assert re.findall(r"<script[^>]*>", page) in ([], [f'<script nonce="{nonce.group(1)}">'])
        assert answer.headers["x-content-type-options"] == "nosniff"
    api = collector.get("/api/calls")
    assert api.headers["content-type"] == "application/json"
    assert json.loads(api.body)["calls"][0]["user_id"] == ATTACK


def test_overflowing_totals_are_null_in_json_and_out_of_range_on_pages(collector):
    # Two finite costs whose sum overflows a double to inf.
    _store(
        collector,
        make_span(call_attributes(**{"prysm.cost.usd": 1.7e308}), span_id=b"\x0a" * 8),
        make_span(call_attributes(**{"prysm.cost.usd": 1.7e308}), span_id=b"\x0b" * 8),
    )

    stats = collector.get("/api/stats")
    page = collector.get("/").body.decode()
    again = collector.get("/api/stats")

    assert stats.status == 200
    payload = json.loads(stats.body)
    assert payload["cost_usd"] is None
    assert payload["count"] == 2
    assert [entry["cost_usd"] for entry in payload["cost_by_model"]] == [None]
    assert again.status == 200
    cards = dict(
        re.findall(r'<div class="label">([^<]+)</div><div class="value">([^<]+)</div>', page)
    )
    assert cards["Total cost"] == "out of range"
    assert "$inf" not in page and "$nan" not in page
    # Each call's own cost is finite and still shown.
    assert [call["cost_usd"] for call in json.loads(collector.get("/api/calls").body)["calls"]] == [
        1.7e308,
        1.7e308,
    ]


def test_an_internal_error_is_500_and_logged_with_its_message(collector, caplog, monkeypatch):
    def broken(request):
        raise RuntimeError("the overview broke")

    monkeypatch.setattr(collector.server.dashboard, "handle", broken)

    answer = collector.get("/")

    assert answer.status == 500
    assert "Internal error answering GET /: RuntimeError: the overview broke" in caplog.text
