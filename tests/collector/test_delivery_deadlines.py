"""Channels that misbehave on purpose: each delivery ends by its deadline, in bounded memory.

Every server here runs on 127.0.0.1 and is started by the test. Deliveries run on a thread
joined with a timeout, so a regression fails the test instead of hanging it.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from prysmai.cli import alerts_cmd
from prysmai.cli.main import main
from prysmai.collector.alert_delivery import MAX_SMTP_REPLY_LINES
from prysmai.collector.alert_engine import AlertEvaluator
from prysmai.collector.alert_rules import AlertRule, Channel, email_channel, url_channel
from prysmai.collector.alert_store import AlertStore
from tests.collector.alert_servers import HookServer, ScriptedServer, read_request, trickle

DEADLINE_S = 1.5
SLACK_S = 2.0
"""What a delivery may take past its deadline (thread start, slow test machines)."""


@pytest.fixture
def servers() -> Iterator[list[Any]]:
    started: list[Any] = []
    yield started
    for server in started:
        server.close()


def _scripted(servers: list[Any], script: Callable[..., None]) -> ScriptedServer:
    server = ScriptedServer(script)
    servers.append(server)
    return server


def _rule(name: str, *channels: Channel, **kw: Any) -> AlertRule:
    # request_count >= 0 always holds: every evaluation has something to send.
    return AlertRule(
        name=name,
        metric="request_count",
        operator=">=",
        threshold=0,
        window_s=300,
        channels=channels,
        **kw,
    )


def _timed(call: Callable[[], Any], wait_s: float) -> tuple[Any, float]:
    """Run ``call`` on a thread; return its result and how long it took (fail if it hangs)."""
    outcome: list[Any] = []
    started = time.monotonic()
    thread = threading.Thread(target=lambda: outcome.append(call()), daemon=True)
    thread.start()
    thread.join(wait_s)
    assert not thread.is_alive(), f"still blocked after {wait_s} s"
    return outcome[0], time.monotonic() - started


def _test_rule(db: Path, rule: AlertRule) -> tuple[list[Any], float]:
    with AlertStore(db) as alerts:
        stored = alerts.add(rule)
    evaluator = AlertEvaluator(db, dashboard_url="http://127.0.0.1:4318", timeout_s=DEADLINE_S)
    return _timed(lambda: evaluator.test(stored), DEADLINE_S + SLACK_S + 3)


def _smtp_channel(port: int) -> Channel:
    return email_channel(
        ["ops@example.com"], host="127.0.0.1", port=port, sender="prysm@example.com"
    )


# --- SMTP -------------------------------------------------------------------------------------


def test_smtp_reply_lines_sent_forever_are_cut_off_by_count(tmp_path, servers):
    def endless_ehlo(conn, stop):
        conn.sendall(b"220 127.0.0.1 ESMTP\r\n")
        conn.settimeout(5)
        conn.recv(1024)  # EHLO
        batch = b"250-" + b"x" * 60 + b"\r\n"
        # 300,000 lines (19 MB), then silence: unbounded, smtplib keeps them all and waits.
        for _ in range(300):
            if stop.is_set():
                return
            conn.sendall(batch * 1000)
        stop.wait()

    server = _scripted(servers, endless_ehlo)

    [result], elapsed = _test_rule(tmp_path / "a.db", _rule("mail", _smtp_channel(server.port)))

    assert result.delivered is False
    assert f"more than {MAX_SMTP_REPLY_LINES} lines" in (result.error or "")
    assert elapsed < DEADLINE_S


def test_an_smtp_greeting_trickled_byte_by_byte_ends_at_the_deadline(tmp_path, servers):
    # One byte every 0.2 s: each read would get the whole timeout again, for an hour.
    server = _scripted(servers, lambda conn, stop: trickle(conn, stop, b"220" + b"-" * 20000, 0.2))

    [result], elapsed = _test_rule(tmp_path / "a.db", _rule("mail", _smtp_channel(server.port)))

    assert (result.delivered, result.error) == (False, "timed out")
    assert elapsed < DEADLINE_S + SLACK_S


# --- HTTP webhooks ----------------------------------------------------------------------------


def _trickled_answer(answer: bytes) -> Callable[..., None]:
    def script(conn, stop):
        read_request(conn)
        trickle(conn, stop, answer, 0.2)

    return script


def _headers_then_trickled_body(conn, stop) -> None:
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
    trickle(conn, stop, b"x" * 100000, 0.2)


_TRICKLED_STATUS = _trickled_answer(b"HTTP/1.1 200 OK\r\n" + b"X" * 60000)


@pytest.mark.parametrize(
    ("script", "delivered", "error"),
    [
        (_TRICKLED_STATUS, False, "timed out"),
        # The 200 arrived: the notification was taken; the answer's body is not waited for.
        (_headers_then_trickled_body, True, None),
    ],
    ids=["status line", "body"],
)
def test_a_webhook_answer_trickled_byte_by_byte_ends_at_the_deadline(
    tmp_path, servers, script, delivered, error
):
    server = _scripted(servers, script)
    rule = _rule("hook", url_channel("webhook", server.url()))

    [result], elapsed = _test_rule(tmp_path / "a.db", rule)

    assert (result.delivered, result.error) == (delivered, error)
    assert elapsed < DEADLINE_S + SLACK_S


def test_a_trickling_channel_costs_its_deadline_and_other_rules_still_notify(tmp_path, servers):
    slow = _scripted(servers, _TRICKLED_STATUS)
    hook = HookServer()
    servers.append(hook)
    db = tmp_path / "a.db"
    with AlertStore(db) as alerts:
        alerts.add(_rule("slow", url_channel("webhook", slow.url())))
        alerts.add(_rule("good", url_channel("webhook", hook.url("/good"))))
    evaluator = AlertEvaluator(db, dashboard_url="http://127.0.0.1:4318", timeout_s=DEADLINE_S)

    outcomes, elapsed = _timed(evaluator.evaluate, DEADLINE_S + SLACK_S + 3)
    # The owed notification is retried to the slow channel: again at most its deadline.
    again, elapsed_again = _timed(evaluator.evaluate, DEADLINE_S + SLACK_S + 3)

    by_name = {outcome.rule.name: outcome for outcome in outcomes}
    assert by_name["slow"].results[0].error == "timed out"
    assert by_name["good"].results[0].delivered is True
    assert [body["rule"]["name"] for body in hook.bodies] == ["good"]
    assert elapsed < DEADLINE_S + SLACK_S
    assert [outcome.rule.name for outcome in again if outcome.results] == ["slow"]
    assert elapsed_again < DEADLINE_S + SLACK_S


def test_alerts_test_returns_within_the_deadline(tmp_path, servers, capsys, monkeypatch):
    server = _scripted(servers, _TRICKLED_STATUS)
    db = str(tmp_path / "a.db")
    # The command's evaluator with the test's short deadline instead of 10 s.
    monkeypatch.setattr(
        alerts_cmd, "AlertEvaluator", functools.partial(AlertEvaluator, timeout_s=DEADLINE_S)
    )
    assert main(["alerts", "add", "hook", "--metric", "request_count", "--op", ">=",
                 "--threshold", "0", "--webhook", server.url(), "--db", db]) == 0  # fmt: skip
    capsys.readouterr()

    code, elapsed = _timed(lambda: main(["alerts", "test", "hook", "--db", db]), 8)

    assert code == 1
    assert "FAILED webhook" in capsys.readouterr().out
    assert elapsed < DEADLINE_S + SLACK_S


# --- what is printed and logged ---------------------------------------------------------------


def test_a_reason_phrase_with_escape_sequences_is_neither_printed_nor_logged_raw(
    tmp_path, servers, capsys, caplog
):
    def hostile(conn, stop):
        read_request(conn)
        conn.sendall(b"HTTP/1.1 500 \x1b[31mRED\x1b]0;title\x07\r\nContent-Length: 0\r\n\r\n")
        stop.wait(2)

    server = _scripted(servers, hostile)
    db = str(tmp_path / "a.db")
    assert main(["alerts", "add", "hook", "--metric", "request_count", "--op", ">=",
                 "--threshold", "0", "--webhook", server.url(), "--db", db]) == 0  # fmt: skip
    capsys.readouterr()

    code = main(["alerts", "test", "hook", "--db", db])
    printed = capsys.readouterr().out
    with caplog.at_level(logging.WARNING, logger="prysmai"):
        [outcome] = AlertEvaluator(tmp_path / "a.db", dashboard_url="http://x").evaluate()
    listed = main(["alerts", "list", "--db", db])
    table = capsys.readouterr().out

    assert code == 1 and listed == 0
    assert "HTTP 500" in printed and "RED" in printed
    for text in (printed, caplog.text, outcome.results[0].error or "", table):
        assert "\x1b" not in text and "\x07" not in text


@pytest.mark.parametrize(
    "option",
    [
        ["--email", "ops\x1b[2J@example.com"],
        ["--email", "ops\x7f@example.com"],
        ["--email", "ops@example.com", "--smtp-from", "prysm\x00@example.com"],
        ["--email", "ops@example.com", "--smtp-user", "me\r\nRSET", "--smtp-password-env", "PW"],
        ["--email", "ops@example.com", "--smtp-user", "me\x1b[31m", "--smtp-password-env", "PW"],
    ],
    ids=["escape", "del", "nul sender", "crlf user", "escape user"],
)
def test_addresses_and_smtp_users_with_control_characters_are_refused(tmp_path, capsys, option):
    args = ["alerts", "add", "mail", "--metric", "request_count", "--op", ">=", "--threshold",
            "0", "--smtp-host", "127.0.0.1", "--db", str(tmp_path / "a.db")]  # fmt: skip
    if "--smtp-from" not in option:
        args += ["--smtp-from", "prysm@example.com"]

    code = main([*args, *option])
    captured = capsys.readouterr()

    assert code == 1
    assert "RuleError: invalid" in captured.err
    assert "\x1b" not in captured.err and "\r" not in captured.err
    with AlertStore(tmp_path / "a.db") as alerts:
        assert alerts.rules() == []
