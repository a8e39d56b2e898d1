"""The dashboard's HTML pages, rendered on the server from stored calls.

Stored values come from applications and their users (a prompt can hold any markup), so every
value goes through :func:`_e` before it reaches the page, and the page's Content-Security-Policy
only runs the one inline script carrying this response's nonce: markup that slipped through
would still not run. The overview's charts are drawn by :mod:`prysmai.collector.charts`.
"""

from __future__ import annotations

import html
import json
import math
import urllib.parse
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Final

from prysmai import semconv
from prysmai.collector import charts
from prysmai.collector.alert_rules import AlertRule, format_value
from prysmai.collector.alert_store import AlertState, Delivery
from prysmai.collector.api import WINDOWS, Overview, call_status, security_action
from prysmai.collector.http_types import Response
from prysmai.store_queries import JsonValue, Series, TraceRow

_CONTENT_ATTRIBUTES: Final = (
    ("System instructions", semconv.SYSTEM_INSTRUCTIONS),
    ("Input messages", semconv.INPUT_MESSAGES),
    ("Output messages", semconv.OUTPUT_MESSAGES),
)
_LIVE_ROWS: Final = 100
_OUT_OF_RANGE: Final = "out of range"
"""Shown for a number that overflowed (a sum of huge stored values): not "inf" or "nan"."""

_STYLE: Final = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1d2330;color:#fff;padding:10px 20px;display:flex;gap:20px;align-items:center}
header a{color:#cfd6e4;text-decoration:none}header strong{margin-right:20px}
main{padding:16px 20px}h1{font-size:20px;margin:4px 0 12px}h2{font-size:16px;margin:20px 0 8px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:10px 14px;min-width:150px}
.card .label{color:#5b6474;font-size:12px}.card .value{font-size:20px;font-weight:600}
table{border-collapse:collapse;background:#fff;width:100%}
th,td{border-bottom:1px solid #e4e7ed;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef0f4;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
pre{white-space:pre-wrap;word-break:break-word;background:#fff;border:1px solid #dde1e8;
padding:8px;margin:0;max-height:480px;overflow:auto}
.windows a{margin-right:8px}.windows a.active{font-weight:700;text-decoration:none;color:#000}
.s-error,.s-blocked,.t-high{color:#b42318;font-weight:600}.t-medium,.s-cut{color:#b54708}
.t-low{color:#8a6d00}.muted{color:#5b6474}.a-firing{color:#b42318;font-weight:600}
.a-ok{color:#067647}
nav.tabs a{margin-right:14px}nav.tabs a.active{font-weight:700;color:#000;text-decoration:none}
form.inline{display:inline;margin:0}form.panel{background:#fff;border:1px solid #dde1e8;
border-radius:6px;padding:10px 14px;max-width:720px}
form.panel label{display:block;margin:6px 0 2px;font-weight:600}
form.panel input[type=text],form.panel select,form.panel textarea{width:100%;box-sizing:border-box;
font:inherit;padding:3px 6px}form.panel .hint{color:#5b6474;font-size:12px}
button{font:inherit;padding:3px 10px;cursor:pointer}button.danger{color:#b42318}
.notice{background:#ecfdf3;border:1px solid #abefc6;padding:8px 12px;border-radius:6px}
.problem{background:#fef3f2;border:1px solid #fecdca;padding:8px 12px;border-radius:6px}
.secret{font:15px monospace;background:#fff;border:2px solid #1d2330;padding:10px;
user-select:all;word-break:break-all}
"""
_PAGE_STYLE: Final = _STYLE + charts.STYLE

# Builds rows with textContent only: values from the API never become markup.
_LIVE_SCRIPT: Final = """
(function () {
  var body = document.getElementById("calls");
  var after = Number(body.getAttribute("data-after")) || 0;
  function cell(row, text, cls) {
    var td = document.createElement("td");
    td.textContent = text === null || text === undefined || text === "" ? "-" : String(text);
    if (cls) { td.className = cls; }
    row.appendChild(td);
  }
  function add(call) {
    var row = document.createElement("tr");
    var first = document.createElement("td");
    var link = document.createElement("a");
    link.href = "/calls/" + encodeURIComponent(call.span_id);
    link.textContent = new Date(call.start_time_ns / 1e6).toISOString().slice(0, 19)
      .replace("T", " ");
    first.appendChild(link);
    row.appendChild(first);
    cell(row, call.model);
    cell(row, call.provider);
    cell(row, call.status, "s-" + String(call.status).split(" ")[0]);
    cell(row, call.latency_ms === null ? null : Math.round(call.latency_ms), "num");
    cell(row, call.ttft_ms === null ? null : Math.round(call.ttft_ms), "num");
    cell(row, (call.input_tokens === null ? "-" : call.input_tokens) + "/" +
      (call.output_tokens === null ? "-" : call.output_tokens), "num");
    cell(row, call.cost_usd === null ? null : "$" + call.cost_usd.toPrecision(4), "num");
    cell(row, call.threat_level, "t-" + call.threat_level);
    cell(row, call.user_id);
    body.insertBefore(row, body.firstChild);
  }
  function poll() {
    fetch("/api/calls?after=" + after, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        data.calls.forEach(function (call) { after = Math.max(after, call.rowid); add(call); });
        while (body.rows.length > %(max_rows)d) { body.deleteRow(-1); }
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 2000);
})();
""".replace("%(max_rows)d", str(_LIVE_ROWS))

# Reloads the charts: the server renders them again (escaped like the page itself); the answer
# is parsed into an inert document (DOMParser runs no script) and only its #charts section is
# moved into the page. Skipped while the tab is hidden.
_CHARTS_SCRIPT: Final = """
(function () {
  var charts = document.getElementById("charts");
  function refresh() {
    if (document.hidden) { setTimeout(refresh, %(refresh_ms)d); return; }
    var shown = charts.getAttribute("data-window");
    fetch("%(path)s?window=" + encodeURIComponent(shown), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (text) {
        if (text === null) { return; }
        var fresh = new DOMParser().parseFromString(text, "text/html").getElementById("charts");
        if (fresh) {
          fresh = document.adoptNode(fresh);
          charts.replaceWith(fresh);
          charts = fresh;
        }
      })
      .catch(function () {})
      .then(function () { setTimeout(refresh, %(refresh_ms)d); });
  }
  if (charts) { setTimeout(refresh, %(refresh_ms)d); }
})();
""".replace("%(refresh_ms)d", str(charts.REFRESH_S * 1000)).replace("%(path)s", charts.CHARTS_PATH)


def escape(value: object) -> str:
    """Escape any value for HTML text and quoted attributes."""
    return html.escape("" if value is None else str(value), quote=True)


_e = escape  # short, as it is on nearly every line below


def page(title: str, body: str, nonce: str, script: str = "") -> bytes:
    """A whole dashboard page: header with the navigation, ``body``, the nonce'd script."""
    script_tag = f'<script nonce="{_e(nonce)}">{script}</script>' if script else ""
    document = (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)} - prysmai</title>"
        f'<style nonce="{_e(nonce)}">{_PAGE_STYLE}</style></head><body>'
        '<header><strong>prysmai</strong><a href="/">Overview</a>'
        '<a href="/security">Security log</a><a href="/alerts">Alerts</a>'
        '<a href="/settings">Settings</a></header>'
        f"<main>{body}</main>{script_tag}</body></html>\n"
    )
    return document.encode("utf-8")


def content_security_policy(nonce: str) -> str:
    """The policy of every page: own resources only, inline code only with the nonce."""
    return (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
        "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


def html_response(status: int, document: bytes, nonce: str, *headers: tuple[str, str]) -> Response:
    """An answer carrying a page, with the page's policy (its nonce) and no framing."""
    return Response(
        status,
        document,
        "text/html; charset=utf-8",
        (
            ("Content-Security-Policy", content_security_policy(nonce)),
            ("X-Frame-Options", "DENY"),
            *headers,
        ),
    )


def utc_time(time_ns: int | None) -> str:
    """A Unix time in nanoseconds as ``YYYY-MM-DD HH:MM:SS`` (UTC), ``-`` for none."""
    if time_ns is None:
        return "-"
    try:
        moment = datetime.fromtimestamp(time_ns / 1e9, tz=UTC)
    except (OverflowError, OSError, ValueError):  # a time the calendar cannot show
        return str(time_ns)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _number(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    if not math.isfinite(value):
        return _OUT_OF_RANGE
    return f"{value:,.{digits}f}"


def _cost(value: float | None) -> str:
    if value is None:
        return "-"
    if not math.isfinite(value):
        return _OUT_OF_RANGE
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return f"${text or '0'}"


def _call_link(row: TraceRow, text: str) -> str:
    target = "/calls/" + urllib.parse.quote(row.span_id, safe="")
    return f'<a href="{_e(target)}">{_e(text)}</a>'


def _threat_text(row: TraceRow) -> str:
    if row.threat_level is None:
        return "-"
    score = "" if row.threat_score is None else f" ({row.threat_score:g})"
    return row.threat_level + score


def _threat(row: TraceRow) -> str:
    if row.threat_level is None:
        return "<td>-</td>"
    return f'<td class="t-{_e(row.threat_level)}">{_e(_threat_text(row))}</td>'


def _status_cell(row: TraceRow) -> str:
    status = call_status(row)
    label = row.error_type if status == "error" and row.error_type else status
    return f'<td class="s-{_e(status.split()[0])}">{_e(label)}</td>'


def _calls_table(rows: Iterable[TraceRow], *, live_after: int | None = None) -> str:
    head = (
        "<tr><th>time (UTC)</th><th>model</th><th>provider</th><th>status</th>"
        "<th>latency ms</th><th>ttft ms</th><th>tokens in/out</th><th>cost</th>"
        "<th>threat</th><th>user</th></tr>"
    )
    body = []
    for row in rows:
        tokens = f"{_number(row.input_tokens)}/{_number(row.output_tokens)}"
        body.append(
            f"<tr><td>{_call_link(row, utc_time(row.start_time_ns))}</td>"
            f"<td>{_e(row.model or '-')}</td><td>{_e(row.provider or '-')}</td>"
            f"{_status_cell(row)}"
            f'<td class="num">{_number(row.latency_ms)}</td>'
            f'<td class="num">{_number(row.ttft_ms)}</td>'
            f'<td class="num">{_e(tokens)}</td><td class="num">{_e(_cost(row.cost_usd))}</td>'
            f"{_threat(row)}<td>{_e(row.user_id or '-')}</td></tr>"
        )
    live = f' id="calls" data-after="{live_after}"' if live_after is not None else ""
    return f"<table><thead>{head}</thead><tbody{live}>{''.join(body)}</tbody></table>"


def _window_link(label: str, is_active: bool) -> str:
    active = ' class="active"' if is_active else ""
    return f'<a href="/?window={_e(label)}"{active}>{_e(label)}</a>'


def _card(label: str, value: str, detail: str = "") -> str:
    extra = f'<div class="label">{_e(detail)}</div>' if detail else ""
    return (
        f'<div class="card"><div class="label">{_e(label)}</div>'
        f'<div class="value">{_e(value)}</div>{extra}</div>'
    )


def overview_page(
    overview: Overview,
    recent: list[TraceRow],
    last_rowid: int,
    nonce: str,
    series: Series | None = None,
) -> bytes:
    """The overview: cards and charts for the window, and the recent calls, refreshed live.

    Without ``series`` the page has no charts.
    """
    stats = overview.stats
    windows = " ".join(_window_link(label, label == overview.window) for label in WINDOWS)
    cards = "".join(
        (
            _card("Requests", _number(stats.count)),
            _card(
                "Errors",
                _number(stats.error_count),
                f"error rate {stats.error_rate * 100:.1f}%",
            ),
            _card("Total cost", _cost(stats.cost_usd), f"{stats.unknown_cost_count} without price"),
            _card(
                "Latency p50 / p95",
                f"{_number(stats.latency_ms.p50)} / {_number(stats.latency_ms.p95)} ms",
            ),
            _card(
                "Tokens",
                _number(stats.total_tokens),
                f"in {_number(stats.input_tokens)} / out {_number(stats.output_tokens)}",
            ),
            _card(
                "Threats high / medium",
                f"{overview.threats.get('high', 0)} / {overview.threats.get('medium', 0)}",
                f"low {overview.threats.get('low', 0)}",
            ),
        )
    )
    over_time = (
        ""
        if series is None
        else "<h2>Over time</h2>" + charts.overview_charts(overview.window, series)
    )
    body = (
        f'<h1>Overview</h1><p class="windows">Window: {windows}</p>'
        f'<div class="cards">{cards}</div>'
        f"{over_time}"
        f'<h2>Recent calls <span class="muted">(live)</span></h2>'
        f"{_calls_table(recent, live_after=last_rowid)}"
    )
    return page("Overview", body, nonce, _LIVE_SCRIPT + ("" if series is None else _CHARTS_SCRIPT))


def charts_page(window: str, series: Series, nonce: str) -> bytes:
    """The overview's charts alone: what the overview's script reloads them from."""
    return page("Charts", f"<h2>Over time</h2>{charts.overview_charts(window, series)}", nonce)


def security_page(rows: list[TraceRow], nonce: str) -> bytes:
    """Calls with a threat level of low or above, or blocked, newest first."""
    body = []
    for row in rows:
        categories = row.attributes.get(semconv.SECURITY_CATEGORIES)
        pii = row.attributes.get(semconv.SECURITY_PII_TYPES)
        body.append(
            f"<tr><td>{_call_link(row, utc_time(row.start_time_ns))}</td>"
            f"<td>{_e(row.model or '-')}</td>{_threat(row)}"
            f"<td>{_e(security_action(row) or '-')}</td>"
            f"<td>{_e(_joined(categories))}</td><td>{_e(_joined(pii))}</td>"
            f"<td>{_e(row.user_id or '-')}</td></tr>"
        )
    table = (
        "<table><thead><tr><th>time (UTC)</th><th>model</th><th>threat</th><th>action</th>"
        "<th>injection categories</th><th>PII types</th><th>user</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
        if rows
        else "<p>No flagged or blocked calls.</p>"
    )
    heading = (
        '<h1>Security log</h1><p class="muted">'
        "Calls with a threat level of low or above, or blocked.</p>"
    )
    return page("Security log", heading + table, nonce)


def _joined(value: JsonValue) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "-"
    return "-" if value is None else str(value)


def call_page(row: TraceRow, nonce: str) -> bytes:
    """Everything stored about one call: facts, content as stored, findings, attributes."""
    facts = (
        ("Span", row.name),
        ("Status", f"{call_status(row)} ({row.status_code})"),
        ("Error", row.error_type),
        ("Started (UTC)", utc_time(row.start_time_ns)),
        (
            "Model (requested / answered)",
            f"{row.request_model or '-'} / {row.response_model or '-'}",
        ),
        ("Provider", row.provider),
        ("User / session", f"{row.user_id or '-'} / {row.session_id or '-'}"),
        ("Latency / TTFT ms", f"{_number(row.latency_ms)} / {_number(row.ttft_ms)}"),
        ("Tokens in / out", f"{_number(row.input_tokens)} / {_number(row.output_tokens)}"),
        ("Cost", _cost(row.cost_usd)),
        ("Threat", _threat_text(row)),
        ("Security action", security_action(row)),
        ("Trace / span / parent", f"{row.trace_id} / {row.span_id} / {row.parent_span_id or '-'}"),
    )
    sections = [
        "<h1>Call</h1><table>"
        + "".join(
            f"<tr><th>{_e(k)}</th><td>{_e(v if v is not None else '-')}</td></tr>" for k, v in facts
        )
        + "</table>"
    ]
    for title, key in _CONTENT_ATTRIBUTES:
        if key in row.attributes:
            sections.append(f"<h2>{_e(title)}</h2><pre>{_e(_pretty(row.attributes[key]))}</pre>")
    sections.append(_findings_section(row.attributes.get(semconv.SECURITY_FINDINGS)))
    sections.append("<h2>Attributes</h2>" + _mapping_table(row.attributes))
    if row.events:
        sections.append(f"<h2>Events</h2><pre>{_e(_pretty(row.events))}</pre>")
    sections.append("<h2>Resource</h2>" + _mapping_table(row.resource))
    return page(f"Call {row.span_id}", "".join(sections), nonce)


def _findings_section(raw: JsonValue) -> str:
    findings = _parsed(raw)
    if not isinstance(findings, list) or not findings:
        return "<h2>Threat findings</h2><p>None recorded.</p>"
    columns = ("kind", "category", "rule", "severity", "source", "start", "end", "snippet")
    rows = []
    for finding in findings:
        if isinstance(finding, dict):
            rows.append(
                "<tr>" + "".join(f"<td>{_e(finding.get(c, '-'))}</td>" for c in columns) + "</tr>"
            )
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    return (
        f"<h2>Threat findings</h2><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _mapping_table(values: Mapping[str, JsonValue]) -> str:
    if not values:
        return "<p>None.</p>"
    rows = "".join(
        f"<tr><th>{_e(key)}</th><td><pre>{_e(_pretty(values[key]))}</pre></td></tr>"
        for key in sorted(values)
    )
    return f"<table>{rows}</table>"


def _parsed(value: JsonValue) -> JsonValue:
    """Decode a JSON-in-a-string attribute; the text itself when it is not JSON (cut short)."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            decoded: JsonValue = json.loads(value)
        except (ValueError, RecursionError):
            return value
        return decoded
    return value


def _pretty(value: JsonValue) -> str:
    value = _parsed(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False)


def message_page(title: str, message: str, nonce: str) -> bytes:
    """A page that only says something (not found, bad request)."""
    return page(title, f"<h1>{_e(title)}</h1><p>{_e(message)}</p>", nonce)


def rule_state_cell(rule: AlertRule, state: AlertState | None) -> str:
    """A table cell with the rule's state: disabled, not evaluated yet, ok or firing."""
    if not rule.enabled:
        return '<td class="muted">disabled</td>'
    if state is None:
        return '<td class="muted">not evaluated yet</td>'
    return f'<td class="a-{_e(state.state)}">{_e(state.state)}</td>'


def alerts_page(
    rules: list[AlertRule],
    states: Mapping[int, AlertState],
    history: list[Delivery],
    nonce: str,
) -> bytes:
    """The alert rules with their state, and the latest notifications."""
    rows = []
    for rule in rules:
        state = states.get(rule.id)
        status = rule_state_cell(rule, state)
        value = format_value(rule.metric, state.last_value) if state is not None else "-"
        notified = "-"
        if state is not None and state.event is not None:
            notified = f"{state.event} {utc_time(state.event_ns)}"
            if state.pending:
                notified += f" ({len(state.pending)} channel(s) failed, retrying)"
        channels = "<br>".join(_e(channel.describe()) for channel in rule.channels)
        rows.append(
            f"<tr><td>{_e(rule.id)}</td><td>{_e(rule.name)}</td>"
            f"<td>{_e(rule.condition)}</td><td>{_e(rule.window)}</td><td>{_e(rule.scope)}</td>"
            f"{status}<td>{_e(utc_time(state.since_ns) if state else '-')}</td>"
            f'<td class="num">{_e(value)}</td><td>{_e(notified)}</td><td>{channels}</td></tr>'
        )
    table = (
        "<table><thead><tr><th>id</th><th>name</th><th>condition</th><th>window</th>"
        "<th>calls</th><th>state</th><th>since (UTC)</th><th>last value</th>"
        "<th>last notification (UTC)</th><th>channels</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        if rules
        else "<p>No alert rules. Add one with <code>prysmai alerts add</code> or under "
        '<a href="/settings/alerts">Settings &gt; Alert rules</a>.</p>'
    )
    sent = "".join(
        f"<tr><td>{_e(utc_time(item.time_ns))}</td><td>{_e(item.rule_name)}</td>"
        f"<td>{_e(item.event)}</td><td>{_e(item.channel)}</td>"
        f'<td class="{"a-ok" if item.delivered else "a-firing"}">'
        f"{'delivered' if item.delivered else 'failed'}</td><td>{_e(item.error or '-')}</td></tr>"
        for item in history
    )
    notifications = (
        "<table><thead><tr><th>time (UTC)</th><th>rule</th><th>event</th><th>channel</th>"
        f"<th>result</th><th>error</th></tr></thead><tbody>{sent}</tbody></table>"
        if history
        else "<p>No notifications sent yet.</p>"
    )
    body = (
        '<h1>Alerts</h1><p class="muted">Rules are managed with <code>prysmai alerts</code> '
        'or under <a href="/settings/alerts">Settings &gt; Alert rules</a>; '
        "the collector evaluates them in the background.</p>"
        f"{table}<h2>Latest notifications</h2>{notifications}"
    )
    return page("Alerts", body, nonce)
