"""``prysmai alerts add|list|remove|enable|disable|test``: alert rules of the collector.

Rules live in the collector's store; ``prysmai serve`` evaluates them in the background. Webhook
URLs (Slack and Discord ones are credentials, and other webhooks often carry a token) are stored
as given but only ever shown masked.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Final

from rich import box
from rich.table import Table
from rich.text import Text

from prysmai.cli.common import (
    add_db_argument,
    local_time,
    make_console,
    printable,
    store_path,
)
from prysmai.collector import rule_input
from prysmai.collector.alert_engine import AlertEvaluator
from prysmai.collector.alert_rules import METRICS, OPERATORS, AlertRule, format_value
from prysmai.collector.alert_store import AlertState, AlertStore
from prysmai.collector.api import alert_rule_summary
from prysmai.collector.rule_input import DEFAULT_REPEAT, DEFAULT_WINDOW, RuleInput
from prysmai.collector.server import DEFAULT_HOST, DEFAULT_PORT
from prysmai.durations import format_duration
from prysmai.store_location import StoreLocation

_DEFAULT_DASHBOARD: Final = f"http://{DEFAULT_HOST}:{DEFAULT_PORT}"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``alerts`` subcommand and its actions."""
    parser = subparsers.add_parser(
        "alerts",
        help="add, list, remove and test the collector's alert rules",
        description=(
            "Manage the alert rules 'prysmai serve' evaluates over the stored calls. A rule "
            "fires when METRIC OPERATOR THRESHOLD holds over its window, and notifies its "
            "channels when it fires, when it resolves, and again every repeat interval while "
            "it keeps firing."
        ),
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)

    add = actions.add_parser(
        "add",
        help="add a rule",
        description=(
            "Add an alert rule, e.g.: prysmai alerts add errors --metric error_rate --op '>' "
            "--threshold 5% --window 5m --slack https://hooks.slack.com/services/..."
        ),
    )
    add.add_argument("name", metavar="NAME", help="a unique name for the rule")
    add.add_argument("--metric", required=True, help=f"one of {', '.join(METRICS)}")
    add.add_argument(
        "--op", "--operator", dest="operator", required=True, help=f"one of {' '.join(OPERATORS)}"
    )
    add.add_argument(
        "--threshold",
        required=True,
        help="error_rate: 0.05 or 5%%; latency_*: milliseconds; total_cost: US dollars; "
        "request_count: calls",
    )
    add.add_argument(
        "--window",
        default=DEFAULT_WINDOW,
        help=f"evaluation window, 10s to 30d (default: {DEFAULT_WINDOW})",
    )
    add.add_argument("--model", default=None, help="only calls to this model")
    add.add_argument("--provider", default=None, help="only calls to this provider (openai...)")
    add.add_argument(
        "--repeat",
        default=DEFAULT_REPEAT,
        help=f"notify again after this long while firing; 0 for never (default: {DEFAULT_REPEAT})",
    )
    add.add_argument("--disabled", action="store_true", help="add the rule switched off")
    channels = add.add_argument_group("channels (at least one; each may be repeated)")
    channels.add_argument("--webhook", action="append", default=[], metavar="URL")
    channels.add_argument("--slack", action="append", default=[], metavar="URL")
    channels.add_argument("--discord", action="append", default=[], metavar="URL")
    channels.add_argument("--email", action="append", default=[], metavar="ADDRESS")
    smtp = add.add_argument_group("email over SMTP")
    smtp.add_argument("--smtp-host", default=None, metavar="HOST")
    smtp.add_argument(
        "--smtp-port",
        type=int,
        default=None,
        metavar="PORT",
        help="default: 587, or 25 without TLS",
    )
    smtp.add_argument("--smtp-from", default=None, metavar="ADDRESS", help="the sender")
    smtp.add_argument("--smtp-starttls", action="store_true", help="upgrade to TLS (STARTTLS)")
    smtp.add_argument("--smtp-user", default=None, metavar="USER", help="log in as USER")
    smtp.add_argument(
        "--smtp-password-env",
        default=None,
        metavar="VAR",
        help="environment variable holding the SMTP password (read by 'serve' when sending; "
        "the password is never stored)",
    )
    add_db_argument(add, role="of the collector")
    add.set_defaults(func=_add)

    listing = actions.add_parser("list", help="list rules with their state (URLs masked)")
    listing.add_argument("--json", action="store_true", dest="as_json", help="print JSON lines")
    add_db_argument(listing, role="of the collector")
    listing.set_defaults(func=_list)

    for action, summary, func in (
        ("remove", "remove a rule (its notification history stays)", _remove),
        ("enable", "switch a rule on", _enable),
        ("disable", "switch a rule off (its state is forgotten)", _disable),
    ):
        sub = actions.add_parser(action, help=summary)
        sub.add_argument("which", metavar="ID|NAME")
        add_db_argument(sub, role="of the collector")
        sub.set_defaults(func=func)

    test = actions.add_parser(
        "test", help="send a test notification to a rule's channels and report each result"
    )
    test.add_argument("which", metavar="ID|NAME")
    test.add_argument(
        "--dashboard-url",
        default=_DEFAULT_DASHBOARD,
        metavar="URL",
        help=f"the dashboard the message links to (default: {_DEFAULT_DASHBOARD})",
    )
    add_db_argument(test, role="of the collector")
    test.set_defaults(func=_test)


def _open(db: StoreLocation | None) -> AlertStore:
    return AlertStore(store_path(db))


def build_rule(args: argparse.Namespace) -> AlertRule:
    """Turn ``alerts add`` arguments into a checked rule (the dashboard's form checks the same).

    Raises:
        RuleError: a value cannot be used; the message says which and what is accepted.
    """
    return rule_input.build_rule(
        RuleInput(
            name=args.name,
            metric=args.metric,
            operator=args.operator,
            threshold=args.threshold,
            window=args.window,
            model=args.model,
            provider=args.provider,
            repeat=args.repeat,
            disabled=args.disabled,
            webhook=args.webhook,
            slack=args.slack,
            discord=args.discord,
            email=args.email,
            smtp_host=args.smtp_host,
            smtp_port=args.smtp_port,
            smtp_from=args.smtp_from,
            smtp_starttls=args.smtp_starttls,
            smtp_user=args.smtp_user,
            smtp_password_env=args.smtp_password_env,
        )
    )


def _add(args: argparse.Namespace) -> int:
    rule = build_rule(args)
    alerts = _open(args.db)
    try:
        stored = alerts.add(rule)
    finally:
        alerts.close()
    channels = "; ".join(printable(channel.describe()) for channel in stored.channels)
    state = "" if stored.enabled else " (disabled)"
    print(
        f"Added alert rule {stored.id} ({printable(stored.name)}){state}: {stored.condition} "
        f"over {stored.window}, {printable(stored.scope)}. Channels: {channels}."
    )
    return 0


def _list(args: argparse.Namespace) -> int:
    alerts = _open(args.db)
    try:
        rules = alerts.rules()
        states = alerts.states()
    finally:
        alerts.close()
    if args.as_json:
        for rule in rules:
            sys.stdout.write(json.dumps(alert_rule_summary(rule, states.get(rule.id))) + "\n")
        return 0
    if not rules:
        print("No alert rules yet: add one with 'prysmai alerts add'.")
        return 0
    make_console().print(_table(rules, states))
    return 0


def _table(rules: list[AlertRule], states: dict[int, AlertState]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in ("id", "name", "condition", "window", "calls", "repeat", "state", "last value"):
        table.add_column(column)
    table.add_column("channels", overflow="fold")
    for rule in rules:
        state = states.get(rule.id)
        if not rule.enabled:
            shown_state = "disabled"
        elif state is None:
            shown_state = "not evaluated"
        else:
            shown_state = f"{state.state} since {local_time(state.since_ns)}"
        table.add_row(
            str(rule.id),
            Text(printable(rule.name)),
            rule.condition,
            rule.window,
            Text(printable(rule.scope)),
            format_duration(rule.repeat_s) if rule.repeat_s else "never",
            shown_state,
            format_value(rule.metric, state.last_value) if state is not None else "-",
            Text("\n".join(printable(channel.describe()) for channel in rule.channels)),
        )
    return table


def _remove(args: argparse.Namespace) -> int:
    alerts = _open(args.db)
    try:
        rule = alerts.remove(args.which)
    finally:
        alerts.close()
    print(f"Removed alert rule {rule.id} ({printable(rule.name)}).")
    return 0


def _enable(args: argparse.Namespace) -> int:
    return _switch(args, enabled=True)


def _disable(args: argparse.Namespace) -> int:
    return _switch(args, enabled=False)


def _switch(args: argparse.Namespace, *, enabled: bool) -> int:
    alerts = _open(args.db)
    try:
        rule = alerts.set_enabled(args.which, enabled)
    finally:
        alerts.close()
    print(f"Alert rule {rule.id} ({printable(rule.name)}) is {'on' if enabled else 'off'}.")
    return 0


def _test(args: argparse.Namespace) -> int:
    alerts = _open(args.db)
    try:
        rule = alerts.find(args.which)
    finally:
        alerts.close()
    evaluator = AlertEvaluator(store_path(args.db), dashboard_url=args.dashboard_url)
    results = evaluator.test(rule)
    for result in results:
        outcome = "ok    " if result.delivered else "FAILED"
        # Both are sanitised by the delivery already; a reason phrase or an address read
        # from elsewhere must still not drive the terminal.
        detail = f" ({printable(result.error)})" if result.error else ""
        print(f"{outcome} {printable(result.channel)}{detail}")
    failed = sum(not result.delivered for result in results)
    print(f"{len(results) - failed} of {len(results)} channels took the test notification.")
    return 1 if failed else 0
