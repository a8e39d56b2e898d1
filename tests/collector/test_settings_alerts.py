"""Settings > Alert rules: add (checked as 'prysmai alerts add' checks), switch, remove, test."""

from __future__ import annotations

import html

import pytest

from prysmai.cli.main import main
from prysmai.collector.alert_rules import AlertRule, url_channel
from prysmai.collector.alert_store import AlertStore
from prysmai.store_location import parse_location
from tests.collector.alert_servers import SECRET_PATH, closed_port
from tests.collector.settings_browser import Browser, text

ALERTS = "/settings/alerts"
ADD = "/settings/alerts/add"
GOOD = {
    "name": "errors",
    "metric": "error_rate",
    "operator": ">",
    "threshold": "5%",
    "window": "5m",
    "repeat": "1h",
}


def _rules(db) -> list[AlertRule]:
    with AlertStore(db) as alerts:
        return alerts.rules()


def _add_rule(db, name: str, url: str, *, enabled: bool = True) -> AlertRule:
    with AlertStore(db) as alerts:
        return alerts.add(
            AlertRule(
                name=name,
                metric="request_count",
                operator="<",
                threshold=1,
                window_s=60,
                channels=(url_channel("webhook", url),),
                enabled=enabled,
            )
        )


def test_a_rule_added_in_the_form_is_stored_whole_and_shown_masked(collector, hook):
    browser = Browser(collector, collector.key)
    fields = {
        **GOOD,
        "name": "slow mini",
        "metric": "latency_p95",
        "operator": ">=",
        "threshold": "1500",
        "window": "1h30m",
        "repeat": "never",
        "model": "gpt-4o-mini",
        "provider": "openai",
        "webhook": f"{hook.url()}\r\n\r\n  {hook.url('/second')}  ",
        "slack": "https://hooks.slack.com" + SECRET_PATH,
        "disabled": "yes",
    }

    added = browser.submit(ALERTS, ADD, fields)

    assert added.status == 200
    assert (
        "Added alert rule 1 (slow mini) (disabled): latency_p95 &gt;= 1,500 ms over 1h30m, "
        "model gpt-4o-mini, provider openai."
    ) in text(added)
    [rule] = _rules(collector.db)
    assert (rule.name, rule.metric, rule.operator, rule.threshold, rule.window_s) == (
        "slow mini",
        "latency_p95",
        ">=",
        1500.0,
        5400,
    )
    assert (rule.repeat_s, rule.model, rule.provider, rule.enabled) == (
        0,
        "gpt-4o-mini",
        "openai",
        False,
    )
    assert [channel.to_json() for channel in rule.channels] == [
        {"kind": "webhook", "url": hook.url()},
        {"kind": "webhook", "url": hook.url("/second")},
        {"kind": "slack", "url": "https://hooks.slack.com" + SECRET_PATH},
    ]
    row = text(added).split("<tbody>")[1]
    assert "https://hooks.slack.com/***" in row and f"http://127.0.0.1:{hook.port}/***" in row
    assert SECRET_PATH not in text(added) and "s3cr3t" not in text(added)
    assert '<td class="muted">disabled</td>' in row and "<td>never</td>" in row


def test_an_email_rule_from_the_form(collector):
    fields = {
        **GOOD,
        "email": "ops@example.com\nsre@example.com",
        "smtp_host": "smtp.example.com",
        "smtp_port": "2525",
        "smtp_from": "prysm@example.com",
        "smtp_starttls": "yes",
        "smtp_user": "prysm",
        "smtp_password_env": "PRYSM_SMTP_PASSWORD",
    }

    added = Browser(collector, collector.key).submit(ALERTS, ADD, fields)

    assert added.status == 200
    [rule] = _rules(collector.db)
    assert rule.channels[0].to_json() == {
        "kind": "email",
        "to": ["ops@example.com", "sre@example.com"],
        "host": "smtp.example.com",
        "port": 2525,
        "sender": "prysm@example.com",
        "starttls": True,
        "username": "prysm",
        "password_env": "PRYSM_SMTP_PASSWORD",
    }


def _as_cli_args(fields: dict[str, str]) -> list[str]:
    """The form's fields as 'prysmai alerts add' arguments: the same input to both."""
    args = [fields["name"]]
    for field, value in fields.items():
        flag = "--op" if field == "operator" else "--" + field.replace("_", "-")
        if field in ("name", "csrf") or not value.strip():
            continue
        if field in ("disabled", "smtp_starttls"):
            args.append(flag)
        elif field in ("webhook", "slack", "discord", "email"):
            for line in value.splitlines():
                args += [flag, line.strip()]
        else:
            args += [flag, value]
    return args


BAD_VALUES = [
    {"model": "\x1b[31mRED\x07"},
    {"provider": "p" * 300},
    {"metric": "errors"},
    {"operator": "=>"},
    {"threshold": "lots"},
    {"threshold": "150%"},
    {"threshold": "-1"},
    {"threshold": "nan"},
    {"window": "5s"},
    {"window": "31d"},
    {"window": "5 minutes"},
    {"repeat": "soon"},
    {"name": "123"},
    {"name": "tab\there"},
    {"webhook": "", "slack": "hooks.slack.com" + SECRET_PATH},
    {"webhook": "ftp://discord.com/api/webhooks/1/s3cr3t"},
    {"webhook": "https://user:s3cr3t@example.com/hook"},
    {"webhook": "http://example.com:99999/s3cr3t"},
    {"webhook": "", "email": "ops@example.com"},
    {"email": "ops", "smtp_host": "127.0.0.1", "smtp_from": "a@example.com"},
    {"email": "a@example.com", "smtp_host": "h", "smtp_from": "a@example.com", "smtp_user": "me"},
    {"email": "a@example.com", "smtp_host": "h", "smtp_from": "a@example.com", "smtp_port": "0"},
    {"smtp_host": "h"},
    {"webhook": ""},
]


@pytest.mark.parametrize("change", BAD_VALUES)
def test_bad_values_get_the_cli_message_and_store_nothing(collector, capsys, tmp_path, change):
    fields = {**GOOD, "webhook": f"http://127.0.0.1:{closed_port()}/hook", **change}
    code = main(["alerts", "add", *_as_cli_args(fields), "--db", str(tmp_path / "cli.db")])
    printed = capsys.readouterr().err.strip()

    answer = Browser(collector, collector.key).submit(ALERTS, ADD, fields)

    assert code == 1 and printed.startswith("RuleError: ")
    message = printed.removeprefix("RuleError: ")
    assert answer.status == 400
    assert f'<p class="problem">Not added: {html.escape(message)}</p>' in text(answer)
    assert "s3cr3t" not in text(answer) and SECRET_PATH not in text(answer)
    assert _rules(collector.db) == []


def test_a_bad_smtp_port_is_refused(collector):
    fields = {**GOOD, "email": "a@example.com", "smtp_host": "h", "smtp_from": "a@example.com"}
    browser = Browser(collector, collector.key)

    words = browser.submit(ALERTS, ADD, {**fields, "smtp_port": "smtp"})
    too_big = browser.submit(ALERTS, ADD, {**fields, "smtp_port": "70000"})

    assert words.status == too_big.status == 400
    assert "Not added: invalid SMTP port &#x27;smtp&#x27;: a whole number from 1 to 65535" in text(
        words
    )
    assert "Not added: invalid SMTP port 70000: from 1 to 65535" in text(too_big)
    assert _rules(collector.db) == []


def test_a_refused_rule_refills_the_form_but_not_its_urls(collector):
    fields = {**GOOD, "name": "keep me", "threshold": "lots", "webhook": "https://h.test/s3cr3t"}

    answer = Browser(collector, collector.key).submit(ALERTS, ADD, fields)

    assert answer.status == 400
    assert 'name="name" value="keep me"' in text(answer)
    assert 'name="threshold" value="lots"' in text(answer)
    assert '<option value="error_rate" selected>' in text(answer)
    assert "s3cr3t" not in text(answer)
    assert "URLs are not shown again: paste them again." in text(answer)


def test_a_name_taken_already_is_refused_as_by_the_cli(collector):
    browser = Browser(collector, collector.key)
    webhook = f"http://127.0.0.1:{closed_port()}/hook"

    first = browser.submit(ALERTS, ADD, {**GOOD, "webhook": webhook})
    second = browser.submit(ALERTS, ADD, {**GOOD, "webhook": webhook})

    assert first.status == 200
    assert second.status == 400
    assert "Not added: a rule named &#x27;errors&#x27; exists already" in text(second)
    assert len(_rules(collector.db)) == 1


def test_disable_enable_and_remove(collector):
    _add_rule(collector.db, "first", "https://example.com/hook")
    _add_rule(collector.db, "second", "https://example.com/hook")
    browser = Browser(collector, collector.key)

    off = browser.submit(ALERTS, "/settings/alerts/disable", {"id": "1"})
    state_off = [rule.enabled for rule in _rules(collector.db)]
    on = browser.submit(ALERTS, "/settings/alerts/enable", {"id": "1"})
    state_on = [rule.enabled for rule in _rules(collector.db)]
    removed = browser.submit(ALERTS, "/settings/alerts/remove", {"id": "1"})
    missing = browser.submit(ALERTS, "/settings/alerts/remove", {"id": "1"})
    by_name = browser.submit(ALERTS, "/settings/alerts/remove", {"id": "second"})

    assert off.status == 200 and "Alert rule 1 (first) is off." in text(off)
    assert state_off == [False, True]
    assert browser.forms(text(off), "/settings/alerts/enable")[0]["id"] == "1"
    assert on.status == 200 and "Alert rule 1 (first) is on." in text(on)
    assert state_on == [True, True]
    assert removed.status == 200 and "Removed alert rule 1 (first)." in text(removed)
    assert missing.status == 404 and "No alert rule has that id." in text(missing)
    assert by_name.status == 404  # the buttons send ids; a name is not one
    assert [rule.name for rule in _rules(collector.db)] == ["second"]


def test_a_test_notification_reaches_the_webhook_and_the_history(collector, hook):
    rule = _add_rule(collector.db, "<b>ping</b>", hook.url())
    dead = _add_rule(collector.db, "dead", f"http://127.0.0.1:{closed_port()}{SECRET_PATH}")
    browser = Browser(collector, collector.key)

    sent = browser.submit(ALERTS, "/settings/alerts/test", {"id": str(rule.id)})
    failed = browser.submit(ALERTS, "/settings/alerts/test", {"id": str(dead.id)})

    assert sent.status == 200
    assert "1 of 1 channels took the test notification." in text(sent)
    assert f'<li class="a-ok">ok webhook http://127.0.0.1:{hook.port}/***</li>' in text(sent)
    [(path, _, body)] = hook.posts
    assert path == SECRET_PATH
    assert (body["event"], body["rule"]["name"], body["dashboard_url"]) == (
        "test",
        "<b>ping</b>",
        f"{collector.url}/alerts",
    )
    assert failed.status == 200
    assert "0 of 1 channels took the test notification." in text(failed)
    assert "FAILED webhook" in text(failed) and "ConnectionRefusedError" in text(failed)
    assert SECRET_PATH not in text(failed)
    with AlertStore(collector.db) as alerts:
        history = alerts.history()
    assert [(item.rule_name, item.event, item.delivered) for item in history] == [
        ("dead", "test", False),
        ("<b>ping</b>", "test", True),
    ]


def test_rule_names_and_values_are_escaped(collector):
    name = '<script>alert("rule")</script>'
    _add_rule(collector.db, name, "https://example.com/hook")
    browser = Browser(collector, collector.key)

    listing = browser.get(ALERTS)
    refused = browser.submit(ALERTS, ADD, {**GOOD, "name": name, "threshold": "<img src=x>"})

    for answer in (listing, refused):
        assert "<script" not in text(answer) and "<img" not in text(answer)
    assert html.escape(name) in text(listing)
    assert 'value="&lt;img src=x&gt;"' in text(refused)


def test_rules_managed_in_the_browser_on_postgres(make_collector, pg_url, hook):
    collector = make_collector(db_path=parse_location(pg_url), alert_interval_s=None)
    browser = Browser(collector, collector.key)

    added = browser.submit(ALERTS, ADD, {**GOOD, "webhook": hook.url()})
    tested = browser.submit(ALERTS, "/settings/alerts/test", {"id": "1"})
    off = browser.submit(ALERTS, "/settings/alerts/disable", {"id": "1"})
    with AlertStore(parse_location(pg_url)) as alerts:
        stored = [(rule.name, rule.threshold, rule.enabled) for rule in alerts.rules()]
    removed = browser.submit(ALERTS, "/settings/alerts/remove", {"id": "1"})

    assert added.status == 200 and "Added alert rule 1 (errors)" in text(added)
    assert tested.status == 200 and [body["event"] for body in hook.bodies] == ["test"]
    assert off.status == 200
    assert stored == [("errors", 0.05, False)]
    assert removed.status == 200
    with AlertStore(parse_location(pg_url)) as alerts:
        assert alerts.rules() == []
