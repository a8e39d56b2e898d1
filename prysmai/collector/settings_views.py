"""The HTML of the dashboard's Settings pages: API keys, alert rules and prices, as plain forms.

Forms work without script (the pages carry none). Every form posts to its own action with a
hidden ``csrf`` token for that action (see :mod:`prysmai.collector.csrf`); every value shown,
names included, goes through :func:`~prysmai.collector.views.escape`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Final

from prysmai.collector.alert_delivery import Result
from prysmai.collector.alert_rules import METRIC_UNITS, METRICS, OPERATORS, AlertRule
from prysmai.collector.alert_store import AlertState
from prysmai.collector.keys import MAX_NAME_LENGTH, KeyInfo
from prysmai.collector.price_input import MAX_MODEL_LENGTH, RATE_NAMES, rate_text
from prysmai.collector.price_store import StoredPrice
from prysmai.collector.rule_input import DEFAULT_REPEAT, DEFAULT_WINDOW
from prysmai.collector.views import escape, page, rule_state_cell, utc_time
from prysmai.durations import format_duration

Tokens = Callable[[str], str]
"""Returns the anti-forgery token for a form's action path."""

KEYS_PATH: Final = "/settings/keys"
ALERTS_PATH: Final = "/settings/alerts"
CREATE_KEY: Final = "/settings/keys/create"
REVOKE_KEY: Final = "/settings/keys/revoke"
ADD_RULE: Final = "/settings/alerts/add"
ENABLE_RULE: Final = "/settings/alerts/enable"
DISABLE_RULE: Final = "/settings/alerts/disable"
REMOVE_RULE: Final = "/settings/alerts/remove"
TEST_RULE: Final = "/settings/alerts/test"
PRICES_PATH: Final = "/settings/prices"
SET_PRICE: Final = "/settings/prices/set"
REMOVE_PRICE: Final = "/settings/prices/remove"
SECURITY_PATH: Final = "/settings/security"
SET_SECURITY: Final = "/settings/security/set"
CSRF_FIELD: Final = "csrf"

_TEXT_FIELDS: Final = (
    # (form field, label, hint)
    ("threshold", "Threshold (--threshold)", "error_rate: 0.05 or 5%; latency: ms; cost: USD"),
    ("window", "Window (--window)", "10s to 30d, e.g. 90s, 5m, 1h30m, 1d"),
    ("repeat", "Repeat (--repeat)", "notify again while firing; 0 or never for once"),
    ("model", "Model (--model)", "optional: only calls to this model"),
    ("provider", "Provider (--provider)", "optional: only calls to this provider"),
)
_URL_FIELDS: Final = (
    ("webhook", "Webhook URLs (--webhook)"),
    ("slack", "Slack incoming webhook URLs (--slack)"),
    ("discord", "Discord webhook URLs (--discord)"),
)
_SMTP_FIELDS: Final = (
    ("smtp_host", "SMTP host (--smtp-host)", ""),
    ("smtp_port", "SMTP port (--smtp-port)", "default: 587 with STARTTLS, else 25"),
    ("smtp_from", "Sender (--smtp-from)", ""),
    ("smtp_user", "SMTP user (--smtp-user)", "optional"),
    (
        "smtp_password_env",
        "Password variable (--smtp-password-env)",
        "the environment variable of 'prysmai serve' holding the password (never stored)",
    ),
)


def tabs(active: str) -> str:
    """The Settings heading and its tabs, ``active`` (a page's path) marked."""
    links = []
    pages = (
        (KEYS_PATH, "API keys"),
        (ALERTS_PATH, "Alert rules"),
        (PRICES_PATH, "Prices"),
        (SECURITY_PATH, "Security"),
    )
    for path, label in pages:
        css = ' class="active"' if path == active else ""
        links.append(f'<a href="{path}"{css}>{label}</a>')
    return f'<h1>Settings</h1><nav class="tabs">{"".join(links)}</nav>'


def _form(
    action: str,
    tokens: Tokens,
    button: str,
    fields: Mapping[str, str] | None = None,
    *,
    danger: bool = False,
) -> str:
    """A one-button form posting hidden ``fields`` and the action's token."""
    hidden = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in {**(fields or {}), CSRF_FIELD: tokens(action)}.items()
    )
    css = ' class="danger"' if danger else ""
    return (
        f'<form class="inline" method="post" action="{escape(action)}">{hidden}'
        f"<button{css}>{escape(button)}</button></form>"
    )


def messages(notice: str | None, problem: str | None) -> str:
    """A page's notice (what was done) and problem (what was refused), escaped."""
    shown = f'<p class="notice">{escape(notice)}</p>' if notice else ""
    if problem:
        shown += f'<p class="problem">{escape(problem)}</p>'
    return shown


def index_page(nonce: str, *, keys_enabled: bool) -> bytes:
    """What the Settings area holds."""
    keys = (
        "create, list and revoke the keys exporters and this dashboard accept"
        if keys_enabled
        else "off: this dashboard runs without keys (--no-dashboard-auth)"
    )
    body = (
        f"{tabs('')}<ul>"
        f'<li><a href="{KEYS_PATH}">API keys</a>: {escape(keys)}</li>'
        f'<li><a href="{ALERTS_PATH}">Alert rules</a>: add, switch on and off, remove and '
        "test the rules the collector evaluates</li>"
        f'<li><a href="{PRICES_PATH}">Prices</a>: prices for models the apps cannot price '
        "(fine-tunes, self-hosted or new models), applied to calls that arrive without a cost"
        f'</li><li><a href="{SECURITY_PATH}">Security</a>: scanning, redaction and blocking '
        'settings that apps monitored with <code>security="collector"</code> apply</li></ul>'
    )
    return page("Settings", body, nonce)


def keys_page(
    infos: Sequence[KeyInfo],
    current_id: int | None,
    tokens: Tokens,
    nonce: str,
    *,
    notice: str | None = None,
    problem: str | None = None,
) -> bytes:
    """Every key (prefix, name, created, status), a revoke button each, and the create form."""
    rows = []
    for info in infos:
        mine = ' <span class="muted">(this browser)</span>' if info.id == current_id else ""
        if info.is_active:
            status = '<td class="a-ok">active</td>'
            action = _form(REVOKE_KEY, tokens, "Revoke...", {"id": str(info.id)}, danger=True)
        else:
            status = f'<td class="muted">revoked {escape(utc_time(info.revoked_ns))}</td>'
            action = ""
        rows.append(
            f"<tr><td>{escape(info.id)}</td><td><code>{escape(info.prefix)}...</code>{mine}</td>"
            f"<td>{escape(info.name or '-')}</td><td>{escape(utc_time(info.created_ns))}</td>"
            f"{status}<td>{action}</td></tr>"
        )
    table = (
        "<table><thead><tr><th>id</th><th>prefix</th><th>name</th><th>created (UTC)</th>"
        f"<th>status</th><th></th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        if rows
        else "<p>No API keys.</p>"
    )
    create = (
        f'<h2>Create a key</h2><form class="panel" method="post" action="{CREATE_KEY}">'
        f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(tokens(CREATE_KEY))}">'
        '<label for="key-name">Name</label>'
        f'<input type="text" id="key-name" name="name" maxlength="{MAX_NAME_LENGTH}" '
        'placeholder="e.g. laptop, billing-service">'
        '<p class="hint">The key is shown once, on the next page; only its SHA-256 is stored.'
        "</p><button>Create key</button></form>"
    )
    body = (
        f"{tabs(KEYS_PATH)}{messages(notice, problem)}"
        '<p class="muted">Keys authenticate exporters (<code>Authorization: Bearer</code>) and '
        "this dashboard (as the password). A key revoked here is refused within a second, also "
        "by other collectors sharing the store.</p>"
        f"{table}{create}"
    )
    return page("API keys", body, nonce)


def key_created_page(key: str, info: KeyInfo, nonce: str) -> bytes:
    """The new key, shown this once: the page is not cached and never shown again."""
    body = (
        f"{tabs(KEYS_PATH)}<h2>New API key {escape(info.prefix)}... "
        f"({escape(info.name or 'no name')})</h2>"
        '<p class="notice">Copy the key now: it is shown only this once. Only its SHA-256 is '
        "stored, so it cannot be shown again; if it is lost, create another and revoke this "
        "one.</p>"
        f'<p class="secret" id="new-key">{escape(key)}</p>'
        "<p>Give it to a monitored client as <code>prysm_key</code> (or "
        "<code>PRYSM_API_KEY</code>), or log in to the dashboard with it as the password.</p>"
        f'<p><a href="{KEYS_PATH}">Back to the keys</a></p>'
    )
    return page("New API key", body, nonce)


def revoke_confirm_page(
    info: KeyInfo, *, is_current: bool, tokens: Tokens, nonce: str, problem: str | None = None
) -> bytes:
    """Asks before revoking; for the browser's own key, asks for an explicit tick as well."""
    fields = (
        f'<input type="hidden" name="id" value="{escape(info.id)}">'
        '<input type="hidden" name="confirm" value="yes">'
        f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(tokens(REVOKE_KEY))}">'
    )
    warning = ""
    if is_current:
        warning = (
            '<p class="problem">This is the key this browser is logged in with. Once it is '
            "revoked, the dashboard asks you to log in again with another key.</p>"
            '<label><input type="checkbox" name="confirm_self" value="yes" required> '
            "Revoke the key I am logged in with</label>"
        )
    body = (
        f"{tabs(KEYS_PATH)}{messages(None, problem)}"
        f"<h2>Revoke key {escape(info.id)}?</h2><table>"
        f"<tr><th>prefix</th><td><code>{escape(info.prefix)}...</code></td></tr>"
        f"<tr><th>name</th><td>{escape(info.name or '-')}</td></tr>"
        f"<tr><th>created (UTC)</th><td>{escape(utc_time(info.created_ns))}</td></tr></table>"
        "<p>Exporters and people using it are refused within a second. This cannot be "
        "undone.</p>"
        f'<form class="panel" method="post" action="{REVOKE_KEY}">{fields}{warning}'
        f'<p><button class="danger">Revoke</button> <a href="{KEYS_PATH}">Cancel</a></p></form>'
    )
    return page("Revoke key", body, nonce)


def revoked_current_page(info: KeyInfo, nonce: str) -> bytes:
    """Said after the browser revoked its own key: its next request is refused."""
    body = (
        f"<h1>Key {escape(info.prefix)}... revoked</h1>"
        '<p class="notice">You revoked the key this browser is logged in with. You must log in '
        "again with another key: the next page asks for it.</p>"
        f'<p><a href="{KEYS_PATH}">Log in again</a></p>'
    )
    return page("Key revoked", body, nonce)


def keys_off_page(nonce: str) -> bytes:
    """Key management is refused while the dashboard needs no key."""
    body = (
        f"{tabs(KEYS_PATH)}"
        '<p class="problem">Key management is off: this dashboard runs without keys '
        "(<code>--no-dashboard-auth</code>), so anyone who reaches it could create a key (a "
        "credential for the receiver and for a dashboard with keys) or revoke the keys of "
        "working exporters. Use <code>prysmai keys</code> on the collector's machine.</p>"
    )
    return page("API keys", body, nonce)


def alerts_page(
    rules: Sequence[AlertRule],
    states: Mapping[int, AlertState],
    tokens: Tokens,
    nonce: str,
    *,
    notice: str | None = None,
    problem: str | None = None,
    results: Sequence[Result] = (),
    values: Mapping[str, str] | None = None,
) -> bytes:
    """The rules with their state and buttons, test results if any, and the form to add one.

    ``values`` refills the add form after a refused attempt (URLs excepted: they are secrets
    and are not sent back).
    """
    rows = []
    for rule in rules:
        switch = (
            _form(DISABLE_RULE, tokens, "Disable", {"id": str(rule.id)})
            if rule.enabled
            else _form(ENABLE_RULE, tokens, "Enable", {"id": str(rule.id)})
        )
        actions = (
            switch
            + _form(TEST_RULE, tokens, "Send test", {"id": str(rule.id)})
            + _form(REMOVE_RULE, tokens, "Remove", {"id": str(rule.id)}, danger=True)
        )
        channels = "<br>".join(escape(channel.describe()) for channel in rule.channels)
        repeat = format_duration(rule.repeat_s) if rule.repeat_s else "never"
        rows.append(
            f"<tr><td>{escape(rule.id)}</td><td>{escape(rule.name)}</td>"
            f"<td>{escape(rule.condition)}</td><td>{escape(rule.window)}</td>"
            f"<td>{escape(rule.scope)}</td><td>{escape(repeat)}</td>"
            f"{rule_state_cell(rule, states.get(rule.id))}<td>{channels}</td>"
            f"<td>{actions}</td></tr>"
        )
    table = (
        "<table><thead><tr><th>id</th><th>name</th><th>condition</th><th>window</th>"
        "<th>calls</th><th>repeat</th><th>state</th><th>channels</th><th></th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        if rows
        else "<p>No alert rules yet.</p>"
    )
    body = (
        f"{tabs(ALERTS_PATH)}{messages(notice, problem)}{_results(results)}"
        '<p class="muted">The collector evaluates enabled rules in the background; state and '
        'notifications are on the <a href="/alerts">Alerts</a> page. Webhook URLs are shown '
        "only up to their host.</p>"
        f"{table}<h2>Add a rule</h2>{_add_form(tokens, values or {})}"
    )
    return page("Alert rules", body, nonce)


def _results(results: Sequence[Result]) -> str:
    if not results:
        return ""
    items = "".join(
        f'<li class="{"a-ok" if result.delivered else "a-firing"}">'
        f"{'ok' if result.delivered else 'FAILED'} {escape(result.channel)}"
        f"{' (' + escape(result.error) + ')' if result.error else ''}</li>"
        for result in results
    )
    delivered = sum(result.delivered for result in results)
    return (
        f"<p>{delivered} of {len(results)} channels took the test notification.</p><ul>{items}</ul>"
    )


def _select(name: str, label: str, options: Sequence[str], chosen: str, hint: str = "") -> str:
    choices = "".join(
        f'<option value="{escape(option)}"{" selected" if option == chosen else ""}>'
        f"{escape(option)}</option>"
        for option in options
    )
    note = f'<span class="hint">{escape(hint)}</span>' if hint else ""
    return (
        f'<label for="rule-{name}">{escape(label)}</label>'
        f'<select id="rule-{name}" name="{name}">{choices}</select>{note}'
    )


def _text(name: str, label: str, value: str, hint: str = "") -> str:
    note = f'<span class="hint">{escape(hint)}</span>' if hint else ""
    return (
        f'<label for="rule-{name}">{escape(label)}</label>'
        f'<input type="text" id="rule-{name}" name="{name}" value="{escape(value)}">{note}'
    )


def _area(name: str, label: str, value: str, hint: str) -> str:
    return (
        f'<label for="rule-{name}">{escape(label)}</label>'
        f'<textarea id="rule-{name}" name="{name}" rows="2">{escape(value)}</textarea>'
        f'<span class="hint">{escape(hint)}</span>'
    )


def _box(name: str, label: str, values: Mapping[str, str]) -> str:
    checked = " checked" if values.get(name) == "yes" else ""
    return (
        f'<label><input type="checkbox" name="{name}" value="yes"{checked}> {escape(label)}</label>'
    )


def _add_form(tokens: Tokens, values: Mapping[str, str]) -> str:
    defaults = {"window": DEFAULT_WINDOW, "repeat": DEFAULT_REPEAT, **values}
    units = "; ".join(f"{metric}: {unit}" for metric, unit in METRIC_UNITS.items())
    parts = [
        f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(tokens(ADD_RULE))}">',
        _text("name", "Name", defaults.get("name", ""), "unique; not only digits"),
        _select("metric", "Metric (--metric)", METRICS, defaults.get("metric", ""), units),
        _select("operator", "Operator (--op)", OPERATORS, defaults.get("operator", "")),
    ]
    parts.extend(
        _text(name, label, defaults.get(name, ""), hint) for name, label, hint in _TEXT_FIELDS
    )
    parts.append(_box("disabled", "Add the rule switched off (--disabled)", values))
    again = " URLs are not shown again: paste them again." if values else ""
    parts.append(
        f'<h3>Channels</h3><p class="hint">At least one; one URL or address a line.{again}</p>'
    )
    parts.extend(_area(name, label, "", "http:// or https://") for name, label in _URL_FIELDS)
    parts.append(
        _area("email", "E-mail recipients (--email)", defaults.get("email", ""), "name@example.com")
    )
    parts.extend(
        _text(name, label, defaults.get(name, ""), hint) for name, label, hint in _SMTP_FIELDS
    )
    parts.append(_box("smtp_starttls", "Upgrade to TLS (--smtp-starttls)", values))
    return (
        f'<form class="panel" method="post" action="{ADD_RULE}">{"".join(parts)}'
        "<p><button>Add rule</button></p></form>"
    )


_RATE_LABELS: Final = {
    "input": ("Input (--input)", "required"),
    "output": ("Output (--output)", "required"),
    "cached_input": ("Cached input (--cached-input)", "optional: the input price if empty"),
    "cache_write": ("Cache write (--cache-write)", "optional: the input price if empty"),
}


def prices_page(
    prices: Sequence[StoredPrice],
    tokens: Tokens,
    nonce: str,
    *,
    notice: str | None = None,
    problem: str | None = None,
    values: Mapping[str, str] | None = None,
) -> bytes:
    """The collector's prices with a remove button each, and the form to set one.

    ``values`` refills the form after a refused attempt.
    """
    rows = []
    for stored in prices:
        price = stored.price
        rates = (price.input, price.output, price.cached_input, price.cache_write)
        cells = "".join(f"<td>{escape(rate_text(rate))}</td>" for rate in rates)
        remove = _form(REMOVE_PRICE, tokens, "Remove", {"model": price.model}, danger=True)
        rows.append(
            f"<tr><td><code>{escape(price.model)}</code></td>{cells}"
            f"<td>{escape(utc_time(stored.updated_ns))}</td><td>{remove}</td></tr>"
        )
    table = (
        "<table><thead><tr><th>model</th><th>input</th><th>output</th><th>cached input</th>"
        "<th>cache write</th><th>updated (UTC)</th><th></th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        if rows
        else "<p>No prices set.</p>"
    )
    body = (
        f"{tabs(PRICES_PATH)}{messages(notice, problem)}"
        '<p class="muted">USD per 1M tokens (- : the input price). The collector prices a call '
        "that arrives with token counts but without a cost from the price of its response "
        "model, or else its request model (matched as apps match their own prices: any case, "
        "without a provider/ prefix or a date suffix), and marks it "
        "<code>prysm.cost.source = collector</code>. Calls that arrived with a cost are never "
        "changed. A price set or changed here applies to calls received from then on (within "
        "a second on other collectors sharing the store), not to calls already stored.</p>"
        f"{table}<h2>Set a price</h2>{_price_form(tokens, values or {})}"
    )
    return page("Prices", body, nonce)


def _price_form(tokens: Tokens, values: Mapping[str, str]) -> str:
    parts = [
        f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(tokens(SET_PRICE))}">',
        '<label for="price-model">Model</label>'
        f'<input type="text" id="price-model" name="model" maxlength="{MAX_MODEL_LENGTH}" '
        f'value="{escape(values.get("model", ""))}" placeholder="e.g. ft:gpt-4o-mini:acme::abc123">'
        '<span class="hint">as the provider reports it; setting it again replaces its price'
        "</span>",
    ]
    for name in RATE_NAMES:
        label, hint = _RATE_LABELS[name]
        parts.append(
            f'<label for="price-{name}">{escape(label)}</label>'
            f'<input type="text" id="price-{name}" name="{name}" inputmode="decimal" '
            f'value="{escape(values.get(name, ""))}">'
            f'<span class="hint">USD per 1M tokens, {escape(hint)}</span>'
        )
    return (
        f'<form class="panel" method="post" action="{SET_PRICE}">{"".join(parts)}'
        "<p><button>Set price</button></p></form>"
    )
