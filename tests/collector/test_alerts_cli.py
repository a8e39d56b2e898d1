"""``prysmai alerts``: adding, listing (URLs masked), removing, testing, and clear errors."""

from __future__ import annotations

import json
import sqlite3

import pytest

from prysmai.cli.main import main
from prysmai.collector.alert_rules import mask_url
from prysmai.collector.alert_store import AlertStore
from prysmai.collector.keys import KeyStore
from prysmai.store_schema import MIGRATIONS, SCHEMA_VERSION
from tests.collector.alert_servers import SECRET_PATH, closed_port

BASE = ["--metric", "error_rate", "--op", ">", "--threshold", "5%", "--window", "5m"]


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_add_list_remove_with_urls_masked(tmp_path, capsys):
    db = str(tmp_path / "alerts.db")
    slack = "https://hooks.slack.com" + SECRET_PATH
    discord = "https://discord.com/api/webhooks/123/" + "d1sc0rd-s3cret"

    added = _run(capsys, "alerts", "add", "errors", *BASE, "--slack", slack, "--db", db)
    second = _run(
        capsys,
        "alerts", "add", "slow mini", "--metric", "latency_p95", "--op", ">=",
        "--threshold", "1500", "--window", "1h30m", "--model", "gpt-4o-mini",
        "--provider", "openai", "--discord", discord, "--repeat", "never", "--disabled",
        "--db", db,
    )  # fmt: skip
    table = _run(capsys, "alerts", "list", "--db", db)
    lines = _run(capsys, "alerts", "list", "--json", "--db", db)
    duplicate = _run(capsys, "alerts", "add", "errors", *BASE, "--slack", slack, "--db", db)
    removed = _run(capsys, "alerts", "remove", "errors", "--db", db)
    after = _run(capsys, "alerts", "list", "--json", "--db", db)

    assert added == (
        0,
        "Added alert rule 1 (errors): error_rate > 5% over 5m, all calls. "
        "Channels: slack https://hooks.slack.com/***.\n",
        "",
    )
    assert second[0] == 0 and "(disabled)" in second[1]
    for output in (added[1], second[1], table[1], lines[1], removed[1]):
        assert "s3cr3t" not in output and "d1sc0rd" not in output and "/services/" not in output
    assert "https://hooks.slack.com/***" in table[1] and "https://discord.com/***" in table[1]
    assert "not evaluated" in table[1] and "disabled" in table[1]
    records = [json.loads(line) for line in lines[1].splitlines()]
    assert [(r["id"], r["name"], r["threshold"], r["window"], r["channels"]) for r in records] == [
        (1, "errors", 0.05, "5m", ["slack https://hooks.slack.com/***"]),
        (2, "slow mini", 1500.0, "1h30m", ["discord https://discord.com/***"]),
    ]
    assert (records[1]["model"], records[1]["provider"], records[1]["repeat_s"]) == (
        "gpt-4o-mini",
        "openai",
        0,
    )
    assert records[1]["enabled"] is False
    assert duplicate == (1, "", "RuleError: a rule named 'errors' exists already\n")
    assert removed == (0, "Removed alert rule 1 (errors).\n", "")
    assert [json.loads(line)["name"] for line in after[1].splitlines()] == ["slow mini"]
    with AlertStore(tmp_path / "alerts.db") as alerts:
        assert alerts.rules()[0].channels[0].url == discord  # stored whole, shown masked


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ["--metric", "errors"],
            "RuleError: unknown metric 'errors': use one of error_rate, latency_p50, "
            "latency_p95, latency_p99, request_count, total_cost",
        ),
        (["--op", "=>"], "RuleError: unknown operator '=>': use one of > >= < <= ="),
        (
            ["--threshold", "lots"],
            "RuleError: invalid threshold 'lots': expected a number in fraction of calls, 0 to 1",
        ),
        (
            ["--threshold", "150%"],
            "RuleError: invalid threshold '150%': error_rate is a fraction from 0 to 1 "
            "(or 0% to 100%)",
        ),
        (["--threshold", "-1"], "RuleError: invalid threshold '-1': error_rate is never negative"),
        (
            ["--threshold", "nan"],
            "RuleError: invalid threshold 'nan': expected a number in fraction of calls, 0 to 1",
        ),
        (
            ["--window", "5 minutes"],
            "RuleError: invalid window '5 minutes': use a number and a unit, e.g. 30s, 5m, 1h, 1d",
        ),
        (["--window", "5s"], "RuleError: invalid window '5s': from 10s to 30d"),
        (["--window", "31d"], "RuleError: invalid window '31d': from 10s to 30d"),
        (
            ["--repeat", "soon"],
            "RuleError: invalid repeat interval 'soon': use a number and a "
            "unit, e.g. 30s, 5m, 1h, 1d",
        ),
    ],
)
def test_bad_rule_values_are_refused_with_what_is_accepted(tmp_path, capsys, change, message):
    args = list(BASE)
    flag = change[0] if change[0] != "--repeat" else None
    if flag is not None:
        args[args.index(flag) + 1] = change[1]
    else:
        args += change
    db = tmp_path / "alerts.db"

    code, out, err = _run(
        capsys, "alerts", "add", "r", *args, "--webhook", "http://127.0.0.1:9/h", "--db", str(db)
    )

    assert (code, out, err) == (1, "", message + "\n")
    with AlertStore(db) as alerts:
        assert alerts.rules() == []


@pytest.mark.parametrize(
    ("channel", "message"),
    [
        (
            ["--slack", "hooks.slack.com" + SECRET_PATH],
            "RuleError: invalid slack URL ***: expected http:// or https:// and a host",
        ),
        (
            ["--discord", "ftp://discord.com/api/webhooks/1/" + "s3cr3t"],
            "RuleError: invalid discord URL ftp://discord.com/***: expected http:// or https:// "
            "and a host",
        ),
        (
            ["--webhook", "https://user:s3cr3t@example.com/hook"],
            "RuleError: invalid webhook URL https://example.com/***: credentials in the URL are "
            "not supported",
        ),
        (
            ["--webhook", "http://example.com:99999/s3cr3t"],
            "RuleError: invalid webhook URL ***: not a URL",
        ),
        (
            ["--email", "ops@example.com"],
            "RuleError: email alerts need an SMTP host (--smtp-host), e.g. smtp.example.com",
        ),
        (
            ["--email", "ops", "--smtp-host", "127.0.0.1", "--smtp-from", "a@example.com"],
            "RuleError: invalid email address 'ops': expected name@example.com",
        ),
        (
            ["--email", "a@example.com\nBcc: x@example.com", "--smtp-host", "h",
             "--smtp-from", "a@example.com"],
            "RuleError: invalid email address 'a@example.com\\nBcc: x@example.com': "
            "expected name@example.com",
        ),
        (
            ["--email", "a@example.com", "--smtp-host", "h", "--smtp-from", "a@example.com",
             "--smtp-user", "me"],
            "RuleError: an SMTP user needs --smtp-password-env: the name of the environment "
            "variable that holds the password (the password itself is never stored)",
        ),
        (
            ["--smtp-host", "h"],
            "RuleError: SMTP options need at least one --email recipient",
        ),
        (
            [],
            "RuleError: a rule needs at least one channel: --webhook, --slack, --discord or "
            "--email",
        ),
    ],
)  # fmt: skip
def test_bad_channels_are_refused_without_echoing_secrets(tmp_path, capsys, channel, message):
    code, out, err = _run(
        capsys, "alerts", "add", "r", *BASE, *channel, "--db", str(tmp_path / "a.db")
    )

    assert (code, out, err) == (1, "", message + "\n")
    assert "s3cr3t" not in err


def test_test_reports_each_channel_and_fails_when_one_did(tmp_path, capsys, hook):
    db = str(tmp_path / "alerts.db")
    dead = f"http://127.0.0.1:{closed_port()}{SECRET_PATH}"
    _run(capsys, "alerts", "add", "errors", *BASE, "--webhook", hook.url(), "--discord", dead,
         "--db", db)  # fmt: skip

    code, out, err = _run(
        capsys, "alerts", "test", "errors", "--db", db, "--dashboard-url", "http://dash.test:1"
    )
    only_live = _run(capsys, "alerts", "add", "live", *BASE, "--webhook", hook.url(), "--db", db)
    live_code, live_out, _ = _run(capsys, "alerts", "test", "2", "--db", db)
    missing = _run(capsys, "alerts", "test", "nope", "--db", db)

    assert code == 1 and err == ""
    assert out.splitlines() == [
        f"ok     webhook http://127.0.0.1:{hook.port}/***",
        f"FAILED discord {mask_url(dead)} (ConnectionRefusedError: [Errno 111] Connection refused)",
        "1 of 2 channels took the test notification.",
    ]
    [body, second] = hook.bodies
    assert (body["event"], body["rule"]["name"], body["value"], body["state"]) == (
        "test",
        "errors",
        None,  # no calls stored: no error rate
        "ok",
    )
    assert body["dashboard_url"] == "http://dash.test:1/alerts"
    assert only_live[0] == 0 and live_code == 0
    assert live_out.endswith("1 of 1 channels took the test notification.\n")
    assert second["rule"]["name"] == "live"
    assert missing == (
        1,
        "",
        "LookupError: no alert rule has the id or name 'nope' (see 'alerts list')\n",
    )
    with AlertStore(tmp_path / "alerts.db") as alerts:
        history = alerts.history()
        assert [(h.event, h.delivered) for h in reversed(history)] == [
            ("test", True),
            ("test", False),
            ("test", True),
        ]
        assert alerts.states() == {}  # a test leaves the rule's state alone


def test_enable_and_disable(tmp_path, capsys):
    db = str(tmp_path / "alerts.db")
    _run(capsys, "alerts", "add", "errors", *BASE, "--webhook", "http://127.0.0.1:9/", "--db", db)

    off = _run(capsys, "alerts", "disable", "errors", "--db", db)
    with AlertStore(tmp_path / "alerts.db") as alerts:
        disabled = alerts.find("1").enabled
    on = _run(capsys, "alerts", "enable", "1", "--db", db)

    assert off == (0, "Alert rule 1 (errors) is off.\n", "")
    assert on == (0, "Alert rule 1 (errors) is on.\n", "")
    assert disabled is False
    with AlertStore(tmp_path / "alerts.db") as alerts:
        assert alerts.find("errors").enabled is True


def test_a_store_from_before_alerts_upgrades_and_keeps_its_data(tmp_path):
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        for step in MIGRATIONS[:2]:
            for statement in step:
                connection.execute(statement)
        connection.execute("INSERT INTO schema_version (version) VALUES (2)")
        connection.execute(
            "INSERT INTO api_keys (key_hash, prefix, name, created_ns) VALUES ('h', 'p', 'old', 1)"
        )
    with AlertStore(db, read_only=True) as before:
        assert before.rules() == [] and before.states() == {}  # no tables yet: nothing

    keys = KeyStore(db)  # what 'prysmai serve' opens first
    names = [info.name for info in keys.list()]
    keys.close()
    with AlertStore(db) as alerts:
        tables = {
            row[0]
            for row in alerts._connection.execute(  # type: ignore[union-attr]
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )
        }
    with sqlite3.connect(db) as connection:
        versions = connection.execute("SELECT version FROM schema_version").fetchall()

    assert names == ["old"]
    assert {"alert_rules", "alert_state", "alert_history", "model_prices"} <= tables
    assert versions == [(2,), (SCHEMA_VERSION,)] and SCHEMA_VERSION == 5
