"""A stand-in for a browser on the dashboard's Settings pages: real HTTP over loopback.

It sends what a browser sends: HTTP Basic with a key, the page's ``Host``, an ``Origin`` on
POST, and forms as ``application/x-www-form-urlencoded`` with the token taken from the page.
"""

from __future__ import annotations

import base64
import html
import re
import urllib.parse

from tests.collector.conftest import Answer, Collector

FORM = "application/x-www-form-urlencoded"
_FORM_RE = re.compile(r'<form [^>]*action="([^"]+)">(.*?)</form>', re.S)
_HIDDEN_RE = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


class Browser:
    """Talks to ``collector`` as a browser logged in with ``key`` (``None``: no credentials)."""

    def __init__(self, collector: Collector, key: str | None) -> None:
        self.collector = collector
        self.key = key

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.collector.server.port}"

    def _headers(self, extra: dict[str, str | None] | None) -> dict[str, str]:
        headers: dict[str, str | None] = {"Host": f"127.0.0.1:{self.collector.server.port}"}
        if self.key is not None:
            token = base64.b64encode(f"me:{self.key}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        headers.update(extra or {})
        return {name: value for name, value in headers.items() if value is not None}

    def get(self, path: str, headers: dict[str, str | None] | None = None) -> Answer:
        return self.collector.request("GET", path, headers=self._headers(headers))

    def post(
        self,
        path: str,
        fields: dict[str, str] | None = None,
        *,
        headers: dict[str, str | None] | None = None,
        body: bytes | None = None,
    ) -> Answer:
        """POST ``fields`` (or a raw ``body``) with this page's Origin unless told otherwise."""
        data = body if body is not None else urllib.parse.urlencode(fields or {}).encode()
        sent: dict[str, str | None] = {
            "Origin": self.origin,
            "Content-Type": FORM,
            **(headers or {}),
        }
        return self.collector.request("POST", path, data, self._headers(sent))

    def forms(self, page: str, action: str) -> list[dict[str, str]]:
        """The hidden fields of each form of ``page`` posting to ``action``."""
        return [
            {name: html.unescape(value) for name, value in _HIDDEN_RE.findall(inner)}
            for target, inner in _FORM_RE.findall(page)
            if target == action
        ]

    def token(self, page_path: str, action: str) -> str:
        """Load ``page_path`` and return the token of its form posting to ``action``."""
        answer = self.get(page_path)
        assert answer.status == 200, answer.body
        return self.forms(answer.body.decode(), action)[0]["csrf"]

    def submit(self, page_path: str, action: str, fields: dict[str, str]) -> Answer:
        """Load the page, fill in its form for ``action`` and send it, as a person would."""
        return self.post(action, {**fields, "csrf": self.token(page_path, action)})


def text(answer: Answer) -> str:
    return answer.body.decode()
