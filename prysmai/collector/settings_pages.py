"""The dashboard's Settings area: API keys, alert rules and model prices, in the browser.

``GET /settings``, ``/settings/keys``, ``/settings/alerts`` and ``/settings/prices`` show;
every change is a ``POST`` to its own path (``/settings/keys/create``,
``/settings/keys/revoke``, ``/settings/alerts/add|enable|disable|remove|test``,
``/settings/prices/set|remove``, and those of the sections given to :class:`SettingsPages`,
such as :mod:`prysmai.collector.security_settings_page`), and a ``GET`` there is 405:
following a link never changes anything. A POST passes, in this order:

1. the ``Host`` check of a loopback dashboard (DNS rebinding), 403;
2. ``Origin`` (or ``Referer``) naming the dashboard itself, 403 — before the key, so that a
   form another site submits gets no login prompt either;
3. the key, as for every page (401), unless the dashboard runs without keys;
4. ``application/x-www-form-urlencoded`` (415) with a ``Content-Length`` (411) of at most
   16 KiB (413);
5. the form's anti-forgery token, bound to the action and the key (403).

Key management is refused while the dashboard needs no key (``--no-dashboard-auth``): anyone
able to reach it could mint a credential or revoke working exporters' keys. Alert rules and
prices stay manageable there (steps 1, 2, 4 and 5 still apply).
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Final

from prysmai.collector import settings_views
from prysmai.collector.alert_delivery import Result
from prysmai.collector.alert_engine import AlertEvaluator
from prysmai.collector.alert_rules import RuleError
from prysmai.collector.alert_store import AlertStore
from prysmai.collector.auth import BASIC_CHALLENGE, host_header_is_local, key_from_header
from prysmai.collector.csrf import NO_AUTH_SUBJECT, CsrfTokens, Origin, origin_problem
from prysmai.collector.form_body import FormError, lines, read_form
from prysmai.collector.http_types import Request, Response, text_response
from prysmai.collector.keys import KeyInfo, KeyStore, check_key_name, hash_key
from prysmai.collector.price_input import (
    RATE_NAMES,
    PriceError,
    PriceInput,
    check_model,
    check_price,
)
from prysmai.collector.price_store import PriceStore
from prysmai.collector.rule_input import (
    DEFAULT_REPEAT,
    DEFAULT_WINDOW,
    RuleInput,
    build_rule,
    parse_port,
)
from prysmai.collector.settings_section import (
    ActionHandler,
    PageHandler,
    SettingsSection,
    Visit,
    settings_html,
)
from prysmai.collector.settings_views import (
    ADD_RULE,
    ALERTS_PATH,
    CREATE_KEY,
    CSRF_FIELD,
    DISABLE_RULE,
    ENABLE_RULE,
    KEYS_PATH,
    PRICES_PATH,
    REMOVE_PRICE,
    REMOVE_RULE,
    REVOKE_KEY,
    SET_PRICE,
    TEST_RULE,
)
from prysmai.collector.views import message_page
from prysmai.store_location import StoreLocation

logger = logging.getLogger(__name__)

SETTINGS_PATH: Final = "/settings"
_PAGES: Final = frozenset({SETTINGS_PATH, KEYS_PATH, ALERTS_PATH, PRICES_PATH})
_RULE_TEXT_FIELDS: Final[tuple[str, ...]] = (
    "name",
    "metric",
    "operator",
    "threshold",
    "window",
    "repeat",
    "model",
    "provider",
    "email",
    "smtp_host",
    "smtp_port",
    "smtp_from",
    "smtp_user",
    "smtp_password_env",
    "disabled",
    "smtp_starttls",
)
"""What the add form is refilled with after a refusal: everything but the webhook URLs."""


def is_settings_path(path: str) -> bool:
    """Whether ``path`` belongs to the Settings area."""
    return path == SETTINGS_PATH or path.startswith(SETTINGS_PATH + "/")


class SettingsPages:
    """Answers the Settings area's requests (routing and the checks in the module's doc).

    Args:
        db_path: The store (SQLite file or PostgreSQL database) holding keys and rules.
        keys: The collector's keys; changes through it count at once on this collector.
        evaluator: Sends test notifications (links point where the collector's alerts do).
        prices: The collector's model prices; changes through it apply at once to this
            collector's receiver.
        require_key: Whether the dashboard needs a key; without, key management is refused.
        local_hosts_only: Refuse requests whose ``Host`` is not a loopback name or address.
        trusted_origins: Origins beyond ``http://`` + ``Host`` that forms may come from (the
            ``--public-url`` of a TLS proxy).
        csrf: Issues and checks form tokens (default: a fresh per-process secret).
        sections: Further parts of the area, behind the same checks.
    """

    def __init__(
        self,
        db_path: StoreLocation,
        keys: KeyStore,
        evaluator: AlertEvaluator,
        prices: PriceStore,
        *,
        require_key: bool,
        local_hosts_only: bool,
        trusted_origins: tuple[Origin, ...] = (),
        csrf: CsrfTokens | None = None,
        sections: Sequence[SettingsSection] = (),
    ) -> None:
        self._db_path = db_path
        self._keys = keys
        self._evaluator = evaluator
        self._prices = prices
        self._require_key = require_key
        self._local_hosts_only = local_hosts_only
        self._trusted = trusted_origins
        self.csrf = csrf or CsrfTokens()
        self._actions: dict[str, ActionHandler] = {
            CREATE_KEY: self._create_key,
            REVOKE_KEY: self._revoke_key,
            ADD_RULE: self._add_rule,
            ENABLE_RULE: lambda visit, form: self._switch_rule(visit, form, enabled=True),
            DISABLE_RULE: lambda visit, form: self._switch_rule(visit, form, enabled=False),
            REMOVE_RULE: self._remove_rule,
            TEST_RULE: self._test_rule,
            SET_PRICE: self._set_price,
            REMOVE_PRICE: self._remove_price,
        }
        self._pages: dict[str, PageHandler] = {}
        for section in sections:
            self._pages.update(section.pages)
            self._actions.update(section.actions)

    def handle(self, request: Request) -> Response:
        """Answer one request to the Settings area; never raises for bad input."""
        path = request.path
        is_action = path in self._actions
        wanted = "POST" if is_action else "GET"
        if request.method != wanted:
            refusal = text_response(405, f"{path[:100]} only answers {wanted}")
            return _with(refusal, ("Allow", wanted))
        if self._local_hosts_only and not host_header_is_local(request.headers.get("host")):
            return text_response(403, "this dashboard only answers requests for localhost")
        nonce = secrets.token_urlsafe(16)
        if is_action:
            problem = origin_problem(request.headers, self._trusted)
            if problem is not None:
                return self._message(403, "Refused", problem, nonce)
        try:
            visit = self._authenticate(request, nonce)
        except sqlite3.Error as exc:  # no key could ever be read: the store is away
            return self._unavailable(exc, nonce)
        if visit is None:
            refusal = text_response(401, "an API key is required: any user name, key as password")
            return _with(refusal, ("WWW-Authenticate", BASIC_CHALLENGE))
        if path.startswith(KEYS_PATH) and not self._require_key:
            return self._html(403, settings_views.keys_off_page(nonce), nonce)
        try:
            if not is_action:
                return self._page(path, visit)
            form = read_form(request)
            if not self.csrf.is_valid(form.get(CSRF_FIELD), visit.subject, path):
                return self._message(
                    403,
                    "Refused",
                    "this form has expired or was not issued to this key: reload the page and "
                    "send it again",
                    nonce,
                )
            return self._actions[path](visit, form)
        except FormError as exc:
            return self._message(exc.status, "Refused", exc.message, nonce)
        except sqlite3.Error as exc:
            return self._unavailable(exc, nonce)

    def _authenticate(self, request: Request, nonce: str) -> Visit | None:
        key = key_from_header(request.headers.get("authorization"), allow_basic=True)
        if not self._require_key:
            subject, key = NO_AUTH_SUBJECT, None
        elif key is None or not self._keys.verify(key):
            return None
        else:
            subject = hash_key(key)
        return Visit(nonce, key, subject, lambda action: self.csrf.issue(subject, action))

    # Pages

    def _page(self, path: str, visit: Visit) -> Response:
        if path == SETTINGS_PATH:
            page = settings_views.index_page(visit.nonce, keys_enabled=self._require_key)
            return self._html(200, page, visit.nonce)
        if path == KEYS_PATH:
            return self._keys_page(200, visit)
        if path == ALERTS_PATH:
            return self._alerts_page(200, visit)
        if path == PRICES_PATH:
            return self._prices_page(200, visit)
        if path in self._pages:
            return self._pages[path](visit)
        return self._message(404, "Not available", "no such page", visit.nonce)

    def _keys_page(
        self, status: int, visit: Visit, *, notice: str | None = None, problem: str | None = None
    ) -> Response:
        current = self._keys.find_active(visit.key) if visit.key is not None else None
        page = settings_views.keys_page(
            self._keys.list(),
            current.id if current is not None else None,
            visit.tokens,
            visit.nonce,
            notice=notice,
            problem=problem,
        )
        return self._html(status, page, visit.nonce)

    def _alerts_page(
        self,
        status: int,
        visit: Visit,
        *,
        notice: str | None = None,
        problem: str | None = None,
        results: Sequence[Result] = (),
        values: Mapping[str, str] | None = None,
    ) -> Response:
        with AlertStore(self._db_path, read_only=True) as alerts:
            rules, states = alerts.rules(), alerts.states()
        page = settings_views.alerts_page(
            rules,
            states,
            visit.tokens,
            visit.nonce,
            notice=notice,
            problem=problem,
            results=results,
            values=values,
        )
        return self._html(status, page, visit.nonce)

    # Keys

    def _create_key(self, visit: Visit, form: dict[str, str]) -> Response:
        try:
            name = check_key_name(form.get("name", ""))
        except ValueError as exc:
            return self._keys_page(400, visit, problem=f"Not created: {exc}")
        key = self._keys.create(name)
        info = self._keys.find_active(key)
        if info is None:  # revoked in the instant since (by another process)
            return self._keys_page(409, visit, problem="The new key was revoked at once.")
        # The prefix only: the key itself appears in no log, only on the page below.
        logger.info("API key %d (%s...) created from the dashboard", info.id, info.prefix)
        return self._html(200, settings_views.key_created_page(key, info, visit.nonce), visit.nonce)

    def _revoke_key(self, visit: Visit, form: dict[str, str]) -> Response:
        info = self._active_key(form.get("id", ""))
        if info is None:
            return self._keys_page(404, visit, problem="No active key has that id.")
        current = self._keys.find_active(visit.key) if visit.key is not None else None
        is_current = current is not None and current.id == info.id
        if form.get("confirm") != "yes" or (is_current and form.get("confirm_self") != "yes"):
            # The first press only asks; for the browser's own key, the box must be ticked.
            problem = None
            if form.get("confirm") == "yes":
                problem = "Tick the box to revoke the key this browser is logged in with."
            page = settings_views.revoke_confirm_page(
                info, is_current=is_current, tokens=visit.tokens, nonce=visit.nonce, problem=problem
            )
            return self._html(400 if problem else 200, page, visit.nonce)
        try:
            revoked = self._keys.revoke(str(info.id))
        except LookupError:  # revoked since the confirmation was shown
            return self._keys_page(404, visit, problem="No active key has that id.")
        logger.info("API key %d (%s...) revoked from the dashboard", revoked.id, revoked.prefix)
        if is_current:
            page = settings_views.revoked_current_page(revoked, visit.nonce)
            return self._html(200, page, visit.nonce)
        return self._keys_page(
            200, visit, notice=f"Revoked key {revoked.id} ({revoked.prefix}...)."
        )

    def _active_key(self, which: str) -> KeyInfo | None:
        if not _is_id(which):
            return None
        wanted = int(which)
        return next((k for k in self._keys.list() if k.id == wanted and k.is_active), None)

    # Alert rules

    def _add_rule(self, visit: Visit, form: dict[str, str]) -> Response:
        try:
            rule = build_rule(_rule_input(form))
            with AlertStore(self._db_path) as alerts:
                stored = alerts.add(rule)
        except RuleError as exc:
            values = {name: form[name] for name in _RULE_TEXT_FIELDS if name in form}
            return self._alerts_page(400, visit, problem=f"Not added: {exc}", values=values)
        logger.info("Alert rule %d (%s) added from the dashboard", stored.id, stored.name)
        state = "" if stored.enabled else " (disabled)"
        notice = (
            f"Added alert rule {stored.id} ({stored.name}){state}: {stored.condition} over "
            f"{stored.window}, {stored.scope}."
        )
        return self._alerts_page(200, visit, notice=notice)

    def _switch_rule(self, visit: Visit, form: dict[str, str], *, enabled: bool) -> Response:
        which = form.get("id", "")
        try:
            with AlertStore(self._db_path) as alerts:
                rule = alerts.set_enabled(_rule_id(which), enabled)
        except LookupError:
            return self._alerts_page(404, visit, problem="No alert rule has that id.")
        logger.info(
            "Alert rule %d (%s) switched %s from the dashboard",
            rule.id,
            rule.name,
            "on" if enabled else "off",
        )
        notice = f"Alert rule {rule.id} ({rule.name}) is {'on' if enabled else 'off'}."
        return self._alerts_page(200, visit, notice=notice)

    def _remove_rule(self, visit: Visit, form: dict[str, str]) -> Response:
        try:
            with AlertStore(self._db_path) as alerts:
                rule = alerts.remove(_rule_id(form.get("id", "")))
        except LookupError:
            return self._alerts_page(404, visit, problem="No alert rule has that id.")
        logger.info("Alert rule %d (%s) removed from the dashboard", rule.id, rule.name)
        return self._alerts_page(200, visit, notice=f"Removed alert rule {rule.id} ({rule.name}).")

    def _test_rule(self, visit: Visit, form: dict[str, str]) -> Response:
        try:
            with AlertStore(self._db_path, read_only=True) as alerts:
                rule = alerts.find(_rule_id(form.get("id", "")))
        except LookupError:
            return self._alerts_page(404, visit, problem="No alert rule has that id.")
        # Waits for the channels (10 s each at most), as 'prysmai alerts test' does.
        results = self._evaluator.test(rule)
        notice = f"Test notification of alert rule {rule.id} ({rule.name}) sent."
        return self._alerts_page(200, visit, notice=notice, results=results)

    # Prices

    def _prices_page(
        self,
        status: int,
        visit: Visit,
        *,
        notice: str | None = None,
        problem: str | None = None,
        values: Mapping[str, str] | None = None,
    ) -> Response:
        page = settings_views.prices_page(
            self._prices.list(),
            visit.tokens,
            visit.nonce,
            notice=notice,
            problem=problem,
            values=values,
        )
        return self._html(status, page, visit.nonce)

    def _set_price(self, visit: Visit, form: dict[str, str]) -> Response:
        try:
            price = check_price(
                PriceInput(
                    model=form.get("model", ""),
                    input=form.get("input", ""),
                    output=form.get("output", ""),
                    cached_input=form.get("cached_input"),
                    cache_write=form.get("cache_write"),
                )
            )
        except PriceError as exc:
            fields: tuple[str, ...] = ("model", *RATE_NAMES)
            values = {name: form[name] for name in fields if name in form}
            return self._prices_page(400, visit, problem=f"Not set: {exc}", values=values)
        _, is_new = self._prices.set(price)
        logger.info(
            "Price of model %r %s from the dashboard", price.model, "set" if is_new else "changed"
        )
        notice = (
            f"{'Set' if is_new else 'Changed'} the price of {price.model} (USD per 1M tokens): "
            f"{price.summary()}. It applies to calls received from now on."
        )
        return self._prices_page(200, visit, notice=notice)

    def _remove_price(self, visit: Visit, form: dict[str, str]) -> Response:
        try:
            removed = self._prices.remove(check_model(form.get("model", "")))
        except (PriceError, LookupError):
            return self._prices_page(404, visit, problem="No price is set for that model.")
        logger.info("Price of model %r removed from the dashboard", removed.price.model)
        notice = (
            f"Removed the price of {removed.price.model}. Calls already priced keep their cost."
        )
        return self._prices_page(200, visit, notice=notice)

    # Plumbing

    @staticmethod
    def _html(status: int, page: bytes, nonce: str) -> Response:
        return settings_html(status, page, nonce)

    def _message(self, status: int, title: str, message: str, nonce: str) -> Response:
        return settings_html(status, message_page(title, message, nonce), nonce)

    def _unavailable(self, exc: sqlite3.Error, nonce: str) -> Response:
        logger.warning(
            "The dashboard could not use the store %s: %s: %s",
            self._db_path,
            type(exc).__name__,
            exc,
        )
        return self._message(503, "Unavailable", "the store cannot be used right now", nonce)


def _rule_input(form: Mapping[str, str]) -> RuleInput:
    """The add form as ``prysmai alerts add`` would have been given it: empty = not given.

    Raises:
        RuleError: an SMTP port that is not a number (the CLI's argparse checks that one).
    """

    def given(name: str) -> str | None:
        return form.get(name, "").strip() or None

    port = given("smtp_port")
    return RuleInput(
        name=form.get("name", ""),
        metric=form.get("metric", ""),
        operator=form.get("operator", ""),
        threshold=form.get("threshold", ""),
        window=given("window") or DEFAULT_WINDOW,
        repeat=given("repeat") or DEFAULT_REPEAT,
        model=given("model"),
        provider=given("provider"),
        disabled=form.get("disabled") == "yes",
        webhook=lines(form.get("webhook")),
        slack=lines(form.get("slack")),
        discord=lines(form.get("discord")),
        email=lines(form.get("email")),
        smtp_host=given("smtp_host"),
        smtp_port=parse_port(port) if port is not None else None,
        smtp_from=given("smtp_from"),
        smtp_starttls=form.get("smtp_starttls") == "yes",
        smtp_user=given("smtp_user"),
        smtp_password_env=given("smtp_password_env"),
    )


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 18


def _rule_id(text: str) -> str:
    """The rule id a button sent; never a name (a name of digits would read as an id anyway).

    Raises:
        LookupError: not an id.
    """
    if not _is_id(text.strip()):
        raise LookupError("not a rule id")
    return text.strip()


def _with(response: Response, header: tuple[str, str]) -> Response:
    return Response(
        response.status, response.body, response.content_type, (*response.headers, header)
    )
