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
import time
import urllib.parse
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
        return Result(channel.describe(), False, _describe(exc, channel))
    return Result(channel.describe(), True)


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
    deadline = time.monotonic() + timeout_s
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
        connection.connect()
        _shorten(connection, deadline)
        connection.request(
            "POST",
            target,
            body=body,
            headers={"Content-Type": "application/json", "User-Agent": _USER_AGENT},
        )
        _shorten(connection, deadline)
        response = connection.getresponse()
        _shorten(connection, deadline)
        response.read(_MAX_ANSWER_BYTES)  # the answer is not used; a bounded read is polite
        if not 200 <= response.status < 300:
            raise DeliveryError(f"HTTP {response.status} {response.reason}".strip())
    finally:
        connection.close()


def _shorten(connection: http.client.HTTPConnection, deadline: float) -> None:
    """Give the next socket operation only what is left of the delivery's time."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("timed out")
    if connection.sock is not None:
        connection.sock.settimeout(remaining)


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
    # gethostname() for EHLO: smtplib's default, getfqdn(), may wait on a DNS lookup.
    with smtplib.SMTP(
        channel.host, channel.port, timeout=timeout_s, local_hostname=socket.gethostname()
    ) as smtp:
        if channel.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if channel.username is not None and password is not None:
            smtp.login(channel.username, password)
        smtp.send_message(message, from_addr=channel.sender, to_addrs=list(channel.to))


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
        if password:
            message = message.replace(password, "***")
    return message[:_MAX_ERROR_CHARS]
