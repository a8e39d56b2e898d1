"""Who may talk to the collector: API keys in ``Authorization`` headers, and Host checks.

Exporters send ``Authorization: Bearer sk-prysm-...``. Browsers cannot add a bearer token to a
page load without a script, so the dashboard also takes HTTP Basic authentication with a key
as the password (any user name): the browser asks once and resends it, also for the live
feed's requests.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from typing import Final

from prysmai.collector.keys import KeyStore

BASIC_CHALLENGE: Final = (
    'Basic realm="prysmai dashboard: password = an sk-prysm key", charset="UTF-8"'
)
BEARER_CHALLENGE: Final = 'Bearer realm="prysmai collector"'

_LOCAL_NAMES: Final = frozenset({"localhost", "127.0.0.1", "::1"})


def key_from_header(authorization: str | None, *, allow_basic: bool) -> str | None:
    """Return the key an ``Authorization`` header carries, ``None`` if it carries none."""
    if not authorization:
        return None
    scheme, _, credentials = authorization.strip().partition(" ")
    scheme = scheme.lower()
    credentials = credentials.strip()
    if scheme == "bearer":
        return credentials or None
    if scheme == "basic" and allow_basic:
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        _, separator, password = decoded.partition(":")
        return password if separator else None
    return None


def is_authorised(keys: KeyStore, authorization: str | None, *, allow_basic: bool) -> bool:
    """Whether the header carries an active key."""
    key = key_from_header(authorization, allow_basic=allow_basic)
    return key is not None and keys.verify(key)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a bind address or name) only accepts connections from this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_header_is_local(host_header: str | None) -> bool:
    """Whether a ``Host`` header names this machine by a loopback name or address.

    A page on another site can make a browser resolve its own name to 127.0.0.1 (DNS
    rebinding) and then read a loopback dashboard as same-origin; such requests carry that
    site's name in ``Host`` and are refused.
    """
    if not host_header:
        return False
    host = host_header.strip().lower()
    if host.startswith("["):  # [::1]:4318
        name = host[1 : host.find("]")] if "]" in host else host
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name in _LOCAL_NAMES or is_loopback(name)
