"""Defences of the dashboard's state-changing forms against cross-site request forgery.

The dashboard authenticates with HTTP Basic, which a browser attaches to every request to the
collector, also to a form another site makes it submit. A POST is therefore only accepted when

- its ``Origin`` (or, without one, its ``Referer``) is the dashboard's own origin: ``http://``
  and the request's ``Host``, or the ``--public-url`` a TLS proxy serves it under; and
- it carries a token only a page of this dashboard can have given it: an HMAC, keyed by a
  secret drawn when the process starts, over the form's action, the SHA-256 of the key the
  page was shown to, and an expiry time. Another key's token, or a token of another form, is
  refused; so is every token once the process restarts (the page is reloaded).

Tokens need no storage, which keeps the collector stateless; a collector behind a load
balancer needs sticky sessions for its forms, as each process has its own secret.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import urllib.parse
from collections.abc import Mapping
from typing import Final, NamedTuple

TOKEN_LIFETIME_S: Final = 2 * 3600
"""How long a form stays usable after its page was loaded."""
NO_AUTH_SUBJECT: Final = "no-dashboard-auth"
"""Whom tokens are issued to when the dashboard runs without keys: no key hash to bind to."""
_MAX_EXPIRY_DIGITS: Final = 12


class Origin(NamedTuple):
    """A web origin: scheme, host in lower case, port (the scheme's default when absent)."""

    scheme: str
    host: str
    port: int


_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


def parse_origin(text: str | None) -> Origin | None:
    """Return the origin of an ``Origin`` header or a URL, ``None`` for anything else.

    ``null`` (sandboxed frames, or pages whose referrer policy strips the origin) and URLs
    with credentials are not origins the dashboard can trust.
    """
    if not text or not text.isascii():
        return None
    try:
        split = urllib.parse.urlsplit(text.strip())
        scheme, host, port = split.scheme.lower(), split.hostname, split.port
    except ValueError:  # a port out of range, a broken IPv6 literal
        return None
    if scheme not in _DEFAULT_PORTS or not host or split.username or split.password:
        return None
    return Origin(scheme, host, port if port is not None else _DEFAULT_PORTS[scheme])


def host_origin(host_header: str | None) -> Origin | None:
    """The dashboard's origin as this request names it: ``http://`` and its ``Host``."""
    if not host_header or any(char in host_header for char in "/?#@\\"):
        return None
    return parse_origin(f"http://{host_header.strip()}")


def origin_problem(headers: Mapping[str, str], trusted: tuple[Origin, ...] = ()) -> str | None:
    """Why a POST does not come from the dashboard's own pages, ``None`` when it does.

    ``headers`` maps lower-case header names to values. ``trusted`` are further origins the
    dashboard is served under (``--public-url`` behind a TLS proxy).
    """
    own = host_origin(headers.get("host"))
    allowed = {origin for origin in (own, *trusted) if origin is not None}
    if "origin" in headers:
        claimed, what = headers["origin"], "Origin"
    elif "referer" in headers:
        claimed, what = headers["referer"], "Referer"
    else:
        return "a form must be sent from the dashboard's page (no Origin or Referer header)"
    if parse_origin(claimed) not in allowed:
        # The value is not echoed: it is the other site's, and ends up in a page.
        return f"a form must be sent from the dashboard's page ({what} is another site)"
    return None


class CsrfTokens:
    """Issues and checks the anti-forgery tokens of the dashboard's forms.

    Args:
        secret: The HMAC key; a fresh random one by default (tokens die with the process).
        lifetime_s: How long a token is accepted.
    """

    def __init__(self, secret: bytes | None = None, lifetime_s: int = TOKEN_LIFETIME_S) -> None:
        self._secret = secret if secret is not None else secrets.token_bytes(32)
        self._lifetime_s = lifetime_s

    def issue(self, subject: str, action: str, *, now: float | None = None) -> str:
        """Return a token for the form posting to ``action``, shown to ``subject``.

        ``subject`` is the SHA-256 of the viewer's key, or :data:`NO_AUTH_SUBJECT`.
        """
        expires = int(time.time() if now is None else now) + self._lifetime_s
        return f"{expires}.{self._mac(subject, action, expires)}"

    def is_valid(self, token: str | None, subject: str, action: str) -> bool:
        """Whether ``token`` was issued for ``action`` to ``subject`` and has not expired."""
        if not token:
            return False
        expiry, _, mac = token.partition(".")
        if not (expiry.isascii() and expiry.isdigit() and len(expiry) <= _MAX_EXPIRY_DIGITS):
            return False
        expires = int(expiry)
        now = time.time()
        # A token is never valid for longer than its lifetime, whatever its expiry says.
        if not now < expires <= now + self._lifetime_s:
            return False
        expected = self._mac(subject, action, expires)
        # compare_digest takes the same time wherever the first difference is.
        return hmac.compare_digest(mac.encode("ascii", "replace"), expected.encode("ascii"))

    def _mac(self, subject: str, action: str, expires: int) -> str:
        # Newlines cannot occur in a path, a hex hash or a number: the fields cannot run into
        # each other.
        message = f"{action}\n{subject}\n{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()
