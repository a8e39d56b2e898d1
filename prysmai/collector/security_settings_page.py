"""Settings > Security: the installation's security settings, in the browser.

``GET /settings/security`` shows the settings with their version and a form; the form posts to
``/settings/security/set`` behind every check of the Settings area (Host, Origin, key, form
body, anti-forgery token: see :mod:`prysmai.collector.settings_pages`). The form always sends
every setting: a box left unticked turns its setting off. Values are checked as
:class:`~prysmai.security.config.SecurityConfig` checks them (the messages are the SDK's), plus
the collector's bounds on custom keywords; refused values are shown again with the reason.
Apps monitored with ``security="collector"`` pick a change up at their next poll.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Final

from prysmai.collector.form_body import lines
from prysmai.collector.http_types import Response
from prysmai.collector.keys import KeyStore
from prysmai.collector.security_store import (
    MAX_KEYWORDS,
    SecuritySettingsError,
    SecuritySettingsStore,
    StoredSecuritySettings,
    parse_settings,
    summary,
)
from prysmai.collector.settings_section import ActionHandler, PageHandler, Visit, settings_html
from prysmai.collector.settings_views import (
    CSRF_FIELD,
    SECURITY_PATH,
    SET_SECURITY,
    Tokens,
    messages,
    tabs,
)
from prysmai.collector.views import escape, page, utc_time
from prysmai.security.config import PiiRedactionMode

logger = logging.getLogger(__name__)

_BOXES: Final = (
    # (setting, label, hint)
    ("injectionDetection", "Injection detection", "flag prompt-injection attempts"),
    ("piiDetection", "PII detection", "find e-mail addresses, card numbers, keys and the like"),
    ("contentPolicy", "Content policy", "flag hate, violence, sexual, self-harm, illegal content"),
    (
        "blockHighThreats",
        "Block high threats",
        "refuse requests whose threat score is 70 or more (HTTP 403 in the app)",
    ),
    ("scanResponses", "Scan responses", "also scan model answers, not only requests"),
)
_MODE_HINTS: Final = {
    "none": "none: detect and record only",
    "mask": "mask: replace with [EMAIL_REDACTED] and the like before the request leaves",
    "hash": "hash: replace with a keyed hash such as [EMAIL:a1b2c3d4]",
    "block": "block: refuse requests that hold PII",
}
_TICKED: Final = "yes"


NO_AUTH_REFUSAL: Final = (
    "This dashboard runs without keys (--no-dashboard-auth), so the security settings can be "
    "read here but not changed: use 'prysmai security set' on the collector's machine."
)


class SecuritySettingsSection:
    """Settings > Security, a section of :class:`~prysmai.collector.settings_pages.SettingsPages`.

    Args:
        settings: The store of the settings.
        keys: The collector's keys, to name the key a change was made with.
    """

    def __init__(self, settings: SecuritySettingsStore, keys: KeyStore) -> None:
        self._settings = settings
        self._keys = keys

    @property
    def pages(self) -> Mapping[str, PageHandler]:
        """The page showing the settings."""
        return {SECURITY_PATH: lambda visit: self._page(200, visit)}

    @property
    def actions(self) -> Mapping[str, ActionHandler]:
        """The form's action."""
        return {SET_SECURITY: self._set}

    def _page(
        self,
        status: int,
        visit: Visit,
        *,
        notice: str | None = None,
        problem: str | None = None,
        values: Mapping[str, str] | None = None,
    ) -> Response:
        stored = self._settings.get()
        if visit.key is None and problem is None and notice is None:
            notice = NO_AUTH_REFUSAL
        document = security_page(
            stored, visit.tokens, visit.nonce, notice=notice, problem=problem, values=values
        )
        return settings_html(status, document, visit.nonce)

    def _set(self, visit: Visit, form: dict[str, str]) -> Response:
        if visit.key is None:
            # Without dashboard auth anyone who reaches the page could switch redaction or
            # blocking off for every app at once: like key management, that needs a key.
            return self._page(403, visit, problem=NO_AUTH_REFUSAL)
        try:
            config = parse_settings(settings_from_form(form))
        except SecuritySettingsError as exc:
            return self._page(400, visit, problem=f"Not saved: {exc}", values=form)
        stored, changed = self._settings.set(config, self._who(visit))
        if not changed:
            notice = f"Nothing changed: the settings are still version {stored.version}."
            return self._page(200, visit, notice=notice)
        logger.info(
            "Security settings changed from the dashboard (%s), now version %d: %s",
            stored.updated_by,
            stored.version,
            summary(stored.config),
        )
        notice = (
            f'Saved as version {stored.version}. Apps monitored with security="collector" '
            "apply it from their next poll (within 30 seconds by default)."
        )
        return self._page(200, visit, notice=notice)

    def _who(self, visit: Visit) -> str:
        if visit.key is None:
            return "dashboard (no key)"
        info = self._keys.find_active(visit.key)
        return f"dashboard (key {info.prefix}...)" if info is not None else "dashboard"


def settings_from_form(form: Mapping[str, str]) -> dict[str, Any]:
    """The form as the product's settings mapping (checked by :func:`parse_settings`).

    Raises:
        SecuritySettingsError: a box sent with another value than a browser sends.
    """
    mapping: dict[str, Any] = {}
    for name, _, _ in _BOXES:
        value = form.get(name)
        if value not in (None, _TICKED):
            raise SecuritySettingsError(f"{name} is a box: ticked ({_TICKED!r}) or not sent")
        mapping[name] = value == _TICKED
    mapping["piiRedactionMode"] = form.get("piiRedactionMode", "").strip()
    mapping["customKeywords"] = lines(form.get("customKeywords"))
    return mapping


def security_page(
    stored: StoredSecuritySettings,
    tokens: Tokens,
    nonce: str,
    *,
    notice: str | None = None,
    problem: str | None = None,
    values: Mapping[str, str] | None = None,
) -> bytes:
    """The settings, their version and the form to change them.

    ``values`` refills the form after a refused attempt (else it shows the stored settings).
    """
    if stored.version == 0:
        state = "Never changed: these are the defaults (version 0)."
    else:
        state = (
            f"Version {stored.version}, changed {utc_time(stored.updated_ns)} UTC by "
            f"{stored.updated_by or 'unknown'}."
        )
    body = (
        f"{tabs(SECURITY_PATH)}{messages(notice, problem)}"
        '<p class="muted">Apps monitored with <code>monitor(client, security="collector")</code>'
        " (or <code>PRYSM_SECURITY=collector</code>) fetch these settings with their key when "
        "they start and poll for changes every 30 seconds; each call records the version it "
        "was scanned with (<code>prysm.security.settings_version</code>). Apps monitored "
        "without it keep their own settings.</p>"
        f"<p>{escape(state)}</p>"
        f"{_form(stored, tokens, values)}"
    )
    return page("Security settings", body, nonce)


def _form(stored: StoredSecuritySettings, tokens: Tokens, values: Mapping[str, str] | None) -> str:
    current = stored.config.to_mapping()
    if values is None:
        shown = {name: _TICKED if current[name] else "" for name, _, _ in _BOXES} | {
            "piiRedactionMode": str(current["piiRedactionMode"]),
            "customKeywords": "\n".join(current["customKeywords"]),
        }
    else:
        shown = dict(values)
    parts = [f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(tokens(SET_SECURITY))}">']
    for name, label, hint in _BOXES:
        checked = " checked" if shown.get(name) == _TICKED else ""
        parts.append(
            f'<label><input type="checkbox" name="{name}" value="{_TICKED}"{checked}> '
            f"{escape(label)} (<code>{name}</code>)</label>"
            f'<span class="hint">{escape(hint)}</span>'
        )
    chosen = shown.get("piiRedactionMode", "")
    options = "".join(
        f'<option value="{mode.value}"{" selected" if mode.value == chosen else ""}>'
        f"{escape(_MODE_HINTS[mode.value])}</option>"
        for mode in PiiRedactionMode
    )
    parts.append(
        '<label for="security-mode">PII redaction mode (<code>piiRedactionMode</code>)</label>'
        f'<select id="security-mode" name="piiRedactionMode">{options}</select>'
    )
    parts.append(
        '<label for="security-keywords">Custom keywords (<code>customKeywords</code>)</label>'
        '<textarea id="security-keywords" name="customKeywords" rows="4">'
        f"{escape(shown.get('customKeywords', ''))}</textarea>"
        f'<span class="hint">one a line, at most {MAX_KEYWORDS}; matched case-insensitively '
        "on word boundaries</span>"
    )
    return (
        f'<form class="panel" method="post" action="{SET_SECURITY}">{"".join(parts)}'
        "<p><button>Save settings</button></p></form>"
    )
