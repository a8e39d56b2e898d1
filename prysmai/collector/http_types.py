"""What the collector's request handlers receive and return, independent of the HTTP server."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

SECURITY_HEADERS: Final = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
)
"""Sent with every answer: nothing is sniffed as HTML, leaked by referrer or cached."""


@dataclass(frozen=True, slots=True)
class Request:
    """One request, with its body read on demand.

    ``read_body`` returns at most the body's declared length; the handler decides whether to
    read it at all (an unauthorised or oversized request is answered without reading it).
    """

    method: str
    path: str
    query: Mapping[str, str]
    """The first value of each query parameter."""
    headers: Mapping[str, str]
    """Header names in lower case."""
    content_length: int | None
    read_body: Callable[[], bytes]


@dataclass(frozen=True, slots=True)
class Response:
    """One answer: status, body and the headers beyond the defaults."""

    status: int
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()


def text_response(status: int, message: str) -> Response:
    """Return a plain-text answer."""
    return Response(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")
