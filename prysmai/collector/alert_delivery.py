"""Sending a notification to one channel: an HTTP POST of JSON, or an email over SMTP.

Standard library only. HTTP goes through ``http.client`` rather than ``urllib.request`` on
purpose: no redirects are followed (a POST re-sent elsewhere could carry the alert to another
host) and no proxy variables are read, so a webhook goes exactly where its URL says. Every
step (connect, send, answer) must finish within what is left of the delivery's timeout.

:func:`deliver` never raises: a failure becomes a :class:`Result` whose message names no URL
path (Slack and Discord URLs are secrets) and no password.
"""

from __future__ import annotations

import http.client
import json
import os
import smtplib
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Final

from prysmai.collector import alert_messages
from prysmai.collector.alert_messages import Notification
from prysmai.collector.alert_rules import Channel, EmailChannel, UrlChannel, mask_url
from prysmai.store_queries import JsonValue

DEFAULT_TIMEOUT_S: Final = 10.0
"""Time one channel gets to take a notification."""
_MAX_ANSWER_BYTES: Final = 64 * 1024
_USER_AGENT: Final = "prysmai-alerts"
_MAX_ERROR_CHARS: Final = 300
_MIN_MASKED_PASSWORD_CHARS: Final = 6
MAX_SMTP_REPLY_LINES: Final = 100
"""Lines one SMTP reply may have (an EHLO answer has a dozen)."""
_MAX_SMTP_LINE_BYTES: Final = 8192
"""smtplib's own cap on one reply line."""


class DeliveryError(Exception):
    """A channel did not take the notification; the message is safe to show and store."""


@dataclass(frozen=True, slots=True)
class Result:
    """What happened when one channel was sent one notification."""

    channel: str
    """The channel, masked (see :meth:`UrlChannel.describe`)."""
    delivered: bool
    error: str | None = None


def deliver(
    channel: Channel, notification: Notification, *, timeout_s: float = DEFAULT_TIMEOUT_S
) -> Result:
    """Send ``notification`` to ``channel``; never raises."""
    try:
        if isinstance(channel, EmailChannel):
            send_email(channel, notification, timeout_s=timeout_s)
        else:
            post_json(channel.url, _payload(channel, notification), timeout_s=timeout_s)
    except Exception as exc:  # any failure is the channel's result, never the caller's
        return Result(printable(channel.describe()), False, _describe(exc, channel))
    return Result(printable(channel.describe()), True)


def printable(text: str) -> str:
    """Return ``text`` with control characters replaced: safe to print and to log."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else "\ufffd" for char in text)


class _Watchdog:
    """Shuts the delivery's current socket down once its deadline has passed.

    ``current`` is asked for the socket when the timer fires (SMTP replaces its socket on
    STARTTLS). Use as a context manager around the whole delivery; leaving it stops the timer,
    and a failure after the deadline passed is reported as a timeout.
    """

    def __init__(self, timeout_s: float, current: Callable[[], socket.socket | None]) -> None:
        self.deadline = time.monotonic() + timeout_s
        self._current = current
        self._lock = threading.Lock()
        self._done = False
        self.expired = False
        self._timer = threading.Timer(timeout_s, self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            sock = self._current()
            if sock is not None:
                # Shutting down (not closing) wakes any thread blocked on the socket, and
                # leaves closing (and the file descriptor) to that thread.
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def remaining(self) -> float:
        """What is left of the deadline; raises ``TimeoutError`` when nothing is."""
        left = self.deadline - time.monotonic()
        if left <= 0 or self.expired:
            raise TimeoutError("timed out")
        return left

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        with self._lock:
            self._done = True
        self._timer.cancel()
        if exc is not None and isinstance(exc, Exception) and self.expired:
            raise TimeoutError("timed out") from exc


def _payload(channel: UrlChannel, notification: Notification) -> dict[str, JsonValue]:
    if channel.kind == "slack":
        return alert_messages.slack_payload(notification)
    if channel.kind == "discord":
        return alert_messages.discord_payload(notification)
    return alert_messages.webhook_payload(notification)


def post_json(url: str, payload: dict[str, JsonValue], *, timeout_s: float) -> None:
    """POST ``payload`` as JSON to ``url`` and require a 2xx answer.

    Raises:
        DeliveryError: the answer was not 2xx.
        OSError: the host could not be reached, or did not answer in time.
        http.client.HTTPException: the answer was not HTTP.
    """
    split = urllib.parse.urlsplit(url)
    host = split.hostname or ""
    connection: http.client.HTTPConnection
    if split.scheme == "https":
        connection = http.client.HTTPSConnection(
            host, split.port, timeout=timeout_s, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(host, split.port, timeout=timeout_s)
    target = (split.path or "/") + (f"?{split.query}" if split.query else "")
    body = json.dumps(payload, ensure_ascii=False, allow_nan=False).encode("utf-8")
    try:
        with _Watchdog(timeout_s, lambda: connection.sock) as watchdog:
            connection.connect()
            _shorten(connection.sock, watchdog)
            connection.request(
                "POST",
                target,
                body=body,
                headers={"Content-Type": "application/json", "User-Agent": _USER_AGENT},
            )
            _shorten(connection.sock, watchdog)
            response = connection.getresponse()
            _shorten(connection.sock, watchdog)
            response.read(_MAX_ANSWER_BYTES)  # the answer is not used; a bounded read is polite
            if not 200 <= response.status < 300:
                raise DeliveryError(f"HTTP {response.status} {response.reason}".strip())
    finally:
        connection.close()


def _shorten(sock: socket.socket | None, watchdog: _Watchdog) -> None:
    """Give the next socket operation at most what is left of the delivery's time.

    The watchdog bounds the whole delivery anyway; this makes a single blocked step fail as
    a plain timeout when it can.
    """
    remaining = watchdog.remaining()
    if sock is not None:
        sock.settimeout(remaining)


class _BoundedSMTP(smtplib.SMTP):
    """smtplib's client with a cap on the lines of a reply.

    ``SMTP.getreply`` collects continuation lines (``250-...``) until the last one, without
    limit: a server sending them forever would fill memory.
    """

    def getreply(self) -> tuple[int, bytes]:
        lines: list[bytes] = []
        if self.file is None:
            if self.sock is None:
                raise smtplib.SMTPServerDisconnected("not connected")
            self.file = self.sock.makefile("rb")
        while True:
            try:
                line = self.file.readline(_MAX_SMTP_LINE_BYTES + 1)
            except OSError as exc:
                self.close()
                raise smtplib.SMTPServerDisconnected(
                    f"Connection unexpectedly closed: {exc}"
                ) from exc
            if not line:
                self.close()
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            if len(line) > _MAX_SMTP_LINE_BYTES:
                self.close()
                raise smtplib.SMTPResponseException(500, b"reply line too long")
            lines.append(line[4:].strip(b" \t\r\n"))
            try:
                code = int(line[:3])
            except ValueError:
                code = -1
                break
            if line[3:4] != b"-":
                break
            if len(lines) >= MAX_SMTP_REPLY_LINES:
                self.close()
                raise smtplib.SMTPResponseException(
                    500, f"reply of more than {MAX_SMTP_REPLY_LINES} lines".encode()
                )
        return code, b"\n".join(lines)


def send_email(channel: EmailChannel, notification: Notification, *, timeout_s: float) -> None:
    """Send ``notification`` as a plain-text email through the channel's SMTP server.

    Raises:
        DeliveryError: the password's environment variable is not set.
        smtplib.SMTPException: the server refused (login, sender, recipients, STARTTLS).
        OSError: the server could not be reached, or did not answer in time.
    """
    password = None
    if channel.username is not None and channel.password_env is not None:
        password = os.environ.get(channel.password_env)
        if password is None:
            raise DeliveryError(
                f"the environment variable {channel.password_env} (SMTP password) is not set"
            )
    message = EmailMessage()
    message["Subject"] = alert_messages.subject(notification)
    message["From"] = channel.sender
    message["To"] = ", ".join(channel.to)
    message["Date"] = formatdate(notification.evaluated_ns / 1e9, usegmt=True)
    # Named domain: make_msgid's default looks up this machine's name in DNS.
    message["Message-ID"] = make_msgid(domain="prysmai.alerts")
    message.set_content(alert_messages.text(notification))
    # gethostname() for EHLO: smtplib's default, getfqdn(), may wait on a DNS lookup. No host
    # given to the constructor: it would connect (and read the greeting) before the watchdog
    # could know the object.
    smtp = _BoundedSMTP(timeout=timeout_s, local_hostname=socket.gethostname())
    try:
        with _Watchdog(timeout_s, lambda: smtp.sock):
            smtp.connect(channel.host, channel.port)
            if channel.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if channel.username is not None and password is not None:
                smtp.login(channel.username, password)
            smtp.send_message(message, from_addr=channel.sender, to_addrs=list(channel.to))
            with suppress(smtplib.SMTPException, OSError):  # the mail is taken; QUIT is polite
                smtp.quit()
    finally:
        smtp.close()


def _describe(exc: Exception, channel: Channel) -> str:
    """Name the failure in one line without the channel's secret parts."""
    if isinstance(exc, DeliveryError):
        message = str(exc)
    elif isinstance(exc, TimeoutError):
        message = "timed out"
    else:
        detail = " ".join(str(exc).split())
        message = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    if isinstance(channel, UrlChannel):
        # Library messages rarely quote the URL, but one that does must not store it.
        split = urllib.parse.urlsplit(channel.url)
        for secret in (channel.url, split.path, split.query):
            if len(secret) > 1:
                message = message.replace(secret, mask_url(channel.url))
    if isinstance(channel, EmailChannel) and channel.password_env is not None:
        password = os.environ.get(channel.password_env)
        # A password of a few characters would be masked inside unrelated words of the
        # server's answer, garbling it and showing where the password's letters occur.
        if password and len(password) >= _MIN_MASKED_PASSWORD_CHARS:
            message = message.replace(password, "***")
    return printable(message)[:_MAX_ERROR_CHARS]
