"""``GET /v1/settings/security``: the installation's security settings, for monitored apps.

Apps monitored with ``security="collector"`` ask with the key they export with
(``Authorization: Bearer sk-prysm-...``, checked as the receiver checks it: a missing, unknown
or revoked key is 401). The answer is JSON (see
:meth:`~prysmai.collector.security_store.StoredSecuritySettings.to_json`) with an ``ETag``;
a request whose ``If-None-Match`` names the current one is answered ``304`` without a body,
so polling costs one small query and a few bytes.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from typing import Final

from prysmai.collector.auth import BEARER_CHALLENGE, is_authorised
from prysmai.collector.http_types import Request, Response
from prysmai.collector.keys import KeyStore
from prysmai.collector.security_store import SecuritySettingsStore

logger = logging.getLogger(__name__)

SECURITY_SETTINGS_PATH: Final = "/v1/settings/security"
_JSON: Final = "application/json"
_RETRY_AFTER_S: Final = "5"
_UNAUTHORISED: Final = "missing or invalid API key: send 'Authorization: Bearer sk-prysm-...'"


class SecuritySettingsApi:
    """Answers ``GET /v1/settings/security``.

    Args:
        keys: The keys that may read the settings (those that may export).
        settings: The store of the settings.
    """

    def __init__(self, keys: KeyStore, settings: SecuritySettingsStore) -> None:
        self._keys = keys
        self._settings = settings

    def handle(self, request: Request) -> Response:
        """Answer one request; never raises."""
        if request.method not in ("GET", "HEAD"):
            return _json(405, {"error": "this endpoint only answers GET"}, (("Allow", "GET"),))
        try:
            allowed = is_authorised(
                self._keys, request.headers.get("authorization"), allow_basic=False
            )
            if not allowed:
                # The header is never echoed or logged: it may hold a real key with a typo.
                return _json(
                    401,
                    {"error": _UNAUTHORISED},
                    (("WWW-Authenticate", BEARER_CHALLENGE),),
                )
            stored = self._settings.get()
        except (sqlite3.Error, ValueError) as exc:
            logger.warning(
                "Could not read the security settings from %s: %s: %s",
                self._settings.path,
                type(exc).__name__,
                exc,
            )
            return _json(
                503,
                {"error": "the security settings cannot be read right now; retry later"},
                (("Retry-After", _RETRY_AFTER_S),),
            )
        etag = stored.etag
        headers = (("ETag", etag), ("Cache-Control", "no-cache"))
        if _matches(request.headers.get("if-none-match"), etag):
            return Response(304, b"", _JSON, headers)
        return _json(200, stored.to_json(), headers)


def _matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, RFC 9110 13.1.2)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


def _json(status: int, data: object, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    return Response(status, json.dumps(data).encode("utf-8"), _JSON, headers)
