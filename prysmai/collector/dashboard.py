"""The dashboard's routes: HTML pages and the JSON endpoints behind them (all ``GET``).

``/`` overview, ``/overview/charts`` its charts alone (what its script reloads them from),
``/calls/<span_id>`` one call, ``/security`` security log, ``/alerts`` alert rules and
notifications; ``/api/stats``, ``/api/series`` (the charts' buckets), ``/api/calls``
(``?after=<rowid>`` for the live feed), ``/api/calls/<span_id>``, ``/api/security``,
``/api/alerts``; ``/healthz`` for liveness checks (no key, no data). ``/settings`` (API keys,
alert rules and prices, the only forms) is answered by :mod:`prysmai.collector.settings_pages`.

Stored prompts are as sensitive as the application's traffic, so by default every route but
``/healthz`` needs an API key (HTTP Basic password or bearer token). A dashboard opened
without a key (``--no-dashboard-auth``) only serves loopback ``Host`` names, which defeats DNS
rebinding.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sqlite3
import time
from typing import Final

from prysmai.collector import charts, queries, views
from prysmai.collector.alert_store import AlertStore
from prysmai.collector.api import (
    DEFAULT_WINDOW,
    WINDOWS,
    Overview,
    alert_delivery_summary,
    alert_rule_summary,
    call_detail,
    call_summary,
    finite_json,
    overview_payload,
    series_payload,
)
from prysmai.collector.auth import BASIC_CHALLENGE, host_header_is_local, is_authorised
from prysmai.collector.http_types import Request, Response, text_response
from prysmai.collector.keys import KeyStore
from prysmai.collector.settings_pages import SettingsPages, is_settings_path
from prysmai.store_location import StoreLocation
from prysmai.store_queries import JsonValue, Series, TraceRow, TraceStore, window_end
from prysmai.store_schema import INT64_MAX

logger = logging.getLogger(__name__)

DEFAULT_LIMIT: Final = 50
MAX_LIMIT: Final = 500
_SPAN_ID: Final = re.compile(r"[0-9a-f]{16}")


class RequestError(Exception):
    """A dashboard request that cannot be answered as asked (bad parameter, unknown call)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Dashboard:
    """Answers the dashboard's ``GET`` requests from the store; hands ``/settings`` on.

    Args:
        db_path: The store to read (a SQLite file or a PostgreSQL database).
        keys: The keys that may read it.
        require_key: Whether pages and JSON need a key.
        local_hosts_only: Refuse requests whose ``Host`` is not a loopback name or address.
        settings: Answers the Settings area (``/settings``), which manages keys and rules.
    """

    def __init__(
        self,
        db_path: StoreLocation,
        keys: KeyStore,
        *,
        require_key: bool,
        local_hosts_only: bool,
        settings: SettingsPages,
    ) -> None:
        self._db_path = db_path
        self._keys = keys
        self._require_key = require_key
        self._local_hosts_only = local_hosts_only
        self.settings = settings

    def handle(self, request: Request) -> Response:
        """Answer one request; never raises."""
        is_api = request.path.startswith("/api/")
        if request.path == "/healthz":
            return text_response(200, "ok")
        if is_settings_path(request.path):
            # The only pages that change anything: their own checks (POST, CSRF) apply.
            return self.settings.handle(request)
        if request.method != "GET":
            return _with(text_response(405, "the dashboard only answers GET"), ("Allow", "GET"))
        if self._local_hosts_only and not host_header_is_local(request.headers.get("host")):
            return text_response(403, "this dashboard only answers requests for localhost")
        nonce = secrets.token_urlsafe(16)
        try:
            allowed = not self._require_key or is_authorised(
                self._keys, request.headers.get("authorization"), allow_basic=True
            )
        except sqlite3.Error as exc:  # no key could ever be read: the store is away
            return self._unavailable(exc, is_api, nonce)
        if not allowed:
            response = (
                _json(401, {"error": "an API key is required"})
                if is_api
                else text_response(401, "an API key is required: any user name, key as password")
            )
            return _with(response, ("WWW-Authenticate", BASIC_CHALLENGE))
        try:
            with TraceStore(self._db_path) as store:
                if is_api:
                    return self._api(request, store)
                return self._page(request, store, nonce)
        except RequestError as exc:
            if is_api:
                return _json(exc.status, {"error": exc.message})
            return self._html(
                exc.status, views.message_page("Not available", exc.message, nonce), nonce
            )
        except sqlite3.Error as exc:
            return self._unavailable(exc, is_api, nonce)

    def _unavailable(self, exc: sqlite3.Error, is_api: bool, nonce: str) -> Response:
        logger.warning(
            "The dashboard could not read the store %s: %s: %s",
            self._db_path,
            type(exc).__name__,
            exc,
        )
        message = "the store cannot be read right now"
        if is_api:
            return _json(503, {"error": message})
        return self._html(503, views.message_page("Unavailable", message, nonce), nonce)

    def _page(self, request: Request, store: TraceStore, nonce: str) -> Response:
        path = request.path
        if path == "/":
            window = _window(request)
            # One "now" for cards and charts, so that their numbers add up.
            now_ns = time.time_ns()
            overview = self._overview(store, window, now_ns)
            series = _series(store, window, now_ns)
            recent = store.recent(DEFAULT_LIMIT, include_attributes=True)
            last_rowid = store.last_rowid()
            page = views.overview_page(overview, recent, last_rowid, nonce, series)
            return self._html(200, page, nonce)
        if path == charts.CHARTS_PATH:
            window = _window(request)
            page = views.charts_page(window, _series(store, window, time.time_ns()), nonce)
            return self._html(200, page, nonce)
        if path == "/security":
            page = views.security_page(queries.security_log(self._db_path, MAX_LIMIT), nonce)
            return self._html(200, page, nonce)
        if path == "/alerts":
            with AlertStore(self._db_path, read_only=True) as alerts:
                rules, states = alerts.rules(), alerts.states()
                history = alerts.history(DEFAULT_LIMIT)
            return self._html(200, views.alerts_page(rules, states, history, nonce), nonce)
        if path.startswith("/calls/"):
            return self._html(
                200, views.call_page(_call(store, path[len("/calls/") :]), nonce), nonce
            )
        raise RequestError(404, "no such page")

    def _api(self, request: Request, store: TraceStore) -> Response:
        path = request.path
        if path == "/api/stats":
            return _json(200, overview_payload(self._overview(store, _window(request))))
        if path == "/api/series":
            window = _window(request)
            return _json(200, series_payload(window, _series(store, window, time.time_ns())))
        if path == "/api/calls":
            limit = _int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
            model = request.query.get("model") or None
            user = request.query.get("user") or None
            if "after" in request.query:
                after = _int_param(request, "after", 0, 0, INT64_MAX)
                rows = store.after(after, model=model, user=user, include_attributes=True)[:limit]
            else:
                rows = store.recent(limit, model=model, user=user, include_attributes=True)
            calls: list[JsonValue] = [call_summary(row) for row in rows]
            return _json(200, {"calls": calls, "last_rowid": store.last_rowid()})
        if path.startswith("/api/calls/"):
            return _json(200, call_detail(_call(store, path[len("/api/calls/") :])))
        if path == "/api/security":
            limit = _int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
            flagged: list[JsonValue] = [
                call_summary(row) for row in queries.security_log(self._db_path, limit)
            ]
            return _json(200, {"calls": flagged})
        if path == "/api/alerts":
            limit = _int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
            with AlertStore(self._db_path, read_only=True) as alerts:
                states = alerts.states()
                rules: list[JsonValue] = [
                    alert_rule_summary(rule, states.get(rule.id)) for rule in alerts.rules()
                ]
                history: list[JsonValue] = [
                    alert_delivery_summary(item) for item in alerts.history(limit)
                ]
            return _json(200, {"rules": rules, "history": history})
        raise RequestError(404, "no such endpoint")

    def _overview(self, store: TraceStore, window: str, now_ns: int | None = None) -> Overview:
        seconds = WINDOWS[window]
        now_ns = now_ns if now_ns is not None else time.time_ns()
        since_ns = None if seconds is None else now_ns - int(seconds * 1e9)
        return Overview(
            window=window,
            stats=store.stats(seconds, now_ns=now_ns),
            # Bounded above as the stats are: calls stamped far ahead are left out.
            threats=queries.threat_counts(self._db_path, since_ns, window_end(now_ns)),
        )

    @staticmethod
    def _html(status: int, page: bytes, nonce: str) -> Response:
        return views.html_response(status, page, nonce)


def _window(request: Request) -> str:
    window = request.query.get("window", DEFAULT_WINDOW)
    if window not in WINDOWS:
        raise RequestError(400, f"window must be one of {', '.join(WINDOWS)}")
    return window


def _series(store: TraceStore, window: str, now_ns: int) -> Series:
    return store.series(WINDOWS[window], now_ns=now_ns)


def _int_param(request: Request, name: str, default: int, lowest: int, highest: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    # The length check keeps int() away from digit strings too long to convert.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 19 and lowest <= int(raw) <= highest):
        raise RequestError(400, f"{name} must be a whole number from {lowest} to {highest}")
    return int(raw)


def _call(store: TraceStore, span_id: str) -> TraceRow:
    span_id = span_id.lower()
    row = store.get(span_id) if _SPAN_ID.fullmatch(span_id) else None
    if row is None:
        raise RequestError(404, "no call with that span id")
    return row


def _json(status: int, payload: dict[str, JsonValue]) -> Response:
    # allow_nan=False keeps the output valid JSON; finite_json makes sure it never raises.
    body = json.dumps(finite_json(payload), separators=(",", ":"), allow_nan=False)
    return Response(status, body.encode("utf-8"), "application/json")


def _with(response: Response, header: tuple[str, str]) -> Response:
    return Response(
        response.status, response.body, response.content_type, (*response.headers, header)
    )
