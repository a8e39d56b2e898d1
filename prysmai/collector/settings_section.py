"""What the Settings area's pages share, and how a part of it lives in a module of its own.

:class:`~prysmai.collector.settings_pages.SettingsPages` runs every check (Host, Origin, key,
form body, anti-forgery token) and then hands a request to a page or action handler; a
:class:`SettingsSection` adds handlers of its own (Settings > Security is one, see
:mod:`prysmai.collector.security_settings_page`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final, Protocol

from prysmai.collector.http_types import Response
from prysmai.collector.views import html_response

# Same-origin requests keep their Origin and Referer, which the checks read; under the
# default "no-referrer" browsers send "Origin: null" with a form. Other sites still get nothing.
REFERRER_POLICY: Final = ("Referrer-Policy", "same-origin")


@dataclass(frozen=True, slots=True)
class Visit:
    """Who is asking, once authenticated, and the page's nonce."""

    nonce: str
    key: str | None
    """The key the request carries (``None`` on a dashboard without keys)."""
    subject: str
    """Whom the forms' tokens are bound to: the key's SHA-256, or no-auth."""
    tokens: Callable[[str], str]


PageHandler = Callable[[Visit], Response]
"""Shows one page of the Settings area to an authenticated visitor."""
ActionHandler = Callable[[Visit, dict[str, str]], Response]
"""Carries out one form's action, once every check of the module's doc has passed."""


class SettingsSection(Protocol):
    """A part of the Settings area kept in a module of its own (its pages and actions)."""

    @property
    def pages(self) -> Mapping[str, PageHandler]:
        """``GET`` paths and what shows them."""
        ...

    @property
    def actions(self) -> Mapping[str, ActionHandler]:
        """``POST`` paths and what carries them out."""
        ...


def settings_html(status: int, page: bytes, nonce: str) -> Response:
    """An answer carrying a Settings page (its referrer policy lets its forms carry Origin)."""
    return html_response(status, page, nonce, REFERRER_POLICY)
