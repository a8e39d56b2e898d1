"""The body of a dashboard form: ``application/x-www-form-urlencoded`` only, and small.

Other types are refused, not guessed at: ``text/plain`` and ``multipart/form-data`` are what a
page on another site can also send without asking (a "simple" request), and JSON is not what
the dashboard's forms send. The length is checked from ``Content-Length`` before the body is
read; a chunked body (no length) is refused, as no browser sends a form that way.
"""

from __future__ import annotations

import urllib.parse
from typing import Final

from prysmai.collector.body import BodyError
from prysmai.collector.http_types import Request

MAX_FORM_BYTES: Final = 16 * 1024
"""Room for the alert form with several webhook URLs and addresses."""
MAX_FORM_FIELDS: Final = 50
FORM_TYPE: Final = "application/x-www-form-urlencoded"


class FormError(Exception):
    """A form body that is not accepted; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def read_form(request: Request, limit: int = MAX_FORM_BYTES) -> dict[str, str]:
    """Read and decode the form; the first value of each field.

    Raises:
        FormError: 415 another content type, charset or a content coding; 411 no
            ``Content-Length``; 413 a body over ``limit``; 400 a body that is not UTF-8, has
            too many fields or arrived short; 408 a body that did not arrive in time.
    """
    media_type, _, parameters = (request.headers.get("content-type") or "").partition(";")
    if media_type.strip().lower() != FORM_TYPE:
        raise FormError(415, f"a form must be sent as {FORM_TYPE}")
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() != "utf-8":
            raise FormError(415, "a form must be sent in UTF-8")
    if (request.headers.get("content-encoding") or "identity").strip().lower() != "identity":
        raise FormError(415, "a form must be sent without a Content-Encoding")
    if request.content_length is None:
        raise FormError(411, "a form needs a Content-Length")
    if request.content_length > limit:
        raise FormError(413, f"a form may have at most {limit} bytes")
    try:
        body = request.read_body()
    except BodyError as exc:  # sent short or too slowly
        raise FormError(exc.status, exc.message) from exc
    try:
        pairs = urllib.parse.parse_qsl(
            body.decode("ascii"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FORM_FIELDS,
        )
    except (UnicodeDecodeError, ValueError) as exc:  # raw non-ASCII, bad UTF-8, many fields
        raise FormError(400, "the form could not be decoded") from exc
    form: dict[str, str] = {}
    for name, value in pairs:
        # The first value wins, as in query strings (see the server's query parsing).
        form.setdefault(name, value)
    return form


def lines(value: str | None) -> list[str]:
    """The non-empty lines of a text area, stripped (one URL or address a line)."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]
