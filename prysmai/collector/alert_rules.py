"""What an alert rule is: metric, comparison, window, filter, channels; checked when created.

Everything here is pure (no database, no network): the CLI validates a rule with it before
storing it, the evaluator compares with it, and every place that shows a channel masks it with
:func:`mask_url`, because Slack and Discord webhook URLs are credentials.
"""

from __future__ import annotations

import math
import re
import urllib.parse
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

from prysmai import durations
from prysmai.durations import format_duration
from prysmai.store_queries import JsonValue

METRICS: Final = (
    "error_rate",
    "latency_p50",
    "latency_p95",
    "latency_p99",
    "request_count",
    "total_cost",
)
"""What a rule can watch, measured like the dashboard's ``/api/stats``."""
METRIC_UNITS: Final = {
    "error_rate": "fraction of calls, 0 to 1",
    "latency_p50": "milliseconds",
    "latency_p95": "milliseconds",
    "latency_p99": "milliseconds",
    "request_count": "calls",
    "total_cost": "US dollars",
}
OPERATORS: Final = (">", ">=", "<", "<=", "=")
URL_KINDS: Final = ("webhook", "slack", "discord")
CHANNEL_KINDS: Final = (*URL_KINDS, "email")

MIN_WINDOW_S: Final = 10
MAX_WINDOW_S: Final = 30 * 86_400
"""The longest window: every evaluation reads all calls of the window."""
MAX_REPEAT_S: Final = 30 * 86_400
MAX_NAME_LENGTH: Final = 100
DEFAULT_REPEAT_S: Final = 3600
DEFAULT_SMTP_PORT: Final = 25
DEFAULT_STARTTLS_PORT: Final = 587

# Deliberately plain: one @, no spaces or line breaks (which would let a value add headers).
_EMAIL: Final = re.compile(
    r"[^@\s<>,;\"']+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.[A-Za-z]{2,}"
)
_ENV_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HOST_NAME: Final = re.compile(r"[A-Za-z0-9.:\[\]-]+")

Metric: TypeAlias = Literal[
    "error_rate", "latency_p50", "latency_p95", "latency_p99", "request_count", "total_cost"
]
Operator: TypeAlias = Literal[">", ">=", "<", "<=", "="]
UrlKind: TypeAlias = Literal["webhook", "slack", "discord"]


class RuleError(ValueError):
    """A rule or channel value that cannot be used; the message says what is accepted."""


@dataclass(frozen=True, slots=True)
class UrlChannel:
    """A generic webhook, a Slack incoming webhook or a Discord webhook."""

    kind: UrlKind
    url: str
    """A secret for Slack and Discord: shown only through :meth:`describe`."""

    def describe(self) -> str:
        """The channel as it may be shown and logged: kind and masked URL."""
        return f"{self.kind} {mask_url(self.url)}"

    def to_json(self) -> dict[str, JsonValue]:
        """The channel as stored."""
        return {"kind": self.kind, "url": self.url}


@dataclass(frozen=True, slots=True)
class EmailChannel:
    """Email over SMTP; the password, if any, is read from ``password_env`` when sending."""

    to: tuple[str, ...]
    host: str
    port: int
    sender: str
    starttls: bool = False
    username: str | None = None
    password_env: str | None = None
    """Name of the environment variable holding the SMTP password; the password is never
    stored."""

    kind: Literal["email"] = "email"

    def describe(self) -> str:
        """The channel as it may be shown and logged (addresses are not secrets)."""
        tls = ", STARTTLS" if self.starttls else ""
        return f"email {', '.join(self.to)} via {self.host}:{self.port}{tls}"

    def to_json(self) -> dict[str, JsonValue]:
        """The channel as stored."""
        return {
            "kind": "email",
            "to": list(self.to),
            "host": self.host,
            "port": self.port,
            "sender": self.sender,
            "starttls": self.starttls,
            "username": self.username,
            "password_env": self.password_env,
        }


Channel: TypeAlias = UrlChannel | EmailChannel


@dataclass(frozen=True, slots=True)
class AlertRule:
    """One alert rule as stored; ``id`` is 0 until it is."""

    name: str
    metric: Metric
    operator: Operator
    threshold: float
    window_s: int
    channels: tuple[Channel, ...]
    repeat_s: int = DEFAULT_REPEAT_S
    """While firing, notify again after this long; 0 notifies once per firing."""
    model: str | None = None
    """Only calls whose requested or answering model is this one."""
    provider: str | None = None
    """Only calls to this provider (``gen_ai.provider.name``)."""
    enabled: bool = True
    id: int = 0
    created_ns: int = 0

    @property
    def window(self) -> str:
        """The window as a duration label, e.g. ``5m``."""
        return format_duration(self.window_s)

    @property
    def condition(self) -> str:
        """E.g. ``error_rate > 0.05``."""
        return f"{self.metric} {self.operator} {format_value(self.metric, self.threshold)}"

    def describe_json(self) -> dict[str, JsonValue]:
        """What the rule watches, as JSON: id, name, metric, operator, threshold, window, filter."""
        return {
            "id": self.id,
            "name": self.name,
            "metric": self.metric,
            "operator": self.operator,
            "threshold": self.threshold,
            "window": self.window,
            "window_s": self.window_s,
            "model": self.model,
            "provider": self.provider,
        }

    @property
    def scope(self) -> str:
        """The filter in words: ``all calls`` or ``model gpt-4o, provider openai``."""
        parts = [f"model {self.model}"] if self.model else []
        if self.provider:
            parts.append(f"provider {self.provider}")
        return ", ".join(parts) or "all calls"


def parse_metric(text: str) -> Metric:
    """Return ``text`` as a metric name.

    Raises:
        RuleError: not one of :data:`METRICS`.
    """
    for metric in METRICS:
        if text.strip() == metric:
            return metric
    raise RuleError(f"unknown metric {text!r}: use one of {', '.join(METRICS)}")


def parse_operator(text: str) -> Operator:
    """Return ``text`` as a comparison operator (``==`` is taken for ``=``).

    Raises:
        RuleError: not one of :data:`OPERATORS`.
    """
    value = "=" if text.strip() == "==" else text.strip()
    for operator in OPERATORS:
        if value == operator:
            return operator
    raise RuleError(f"unknown operator {text!r}: use one of {' '.join(OPERATORS)}")


def parse_threshold(metric: Metric, text: str) -> float:
    """Return the threshold ``text`` for ``metric`` as a number in the metric's unit.

    ``error_rate`` takes a fraction (``0.05``) or a percentage (``5%``).

    Raises:
        RuleError: not a finite number, negative, or out of the metric's range.
    """
    raw = text.strip()
    is_percent = raw.endswith("%")
    if is_percent and metric != "error_rate":
        raise RuleError(f"threshold {text!r}: only error_rate takes a percentage")
    try:
        value = float(raw.removesuffix("%").removeprefix("$" if metric == "total_cost" else ""))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise RuleError(f"invalid threshold {text!r}: expected a number in {METRIC_UNITS[metric]}")
    if is_percent:
        value /= 100
    if value < 0:
        raise RuleError(f"invalid threshold {text!r}: {metric} is never negative")
    if metric == "error_rate" and value > 1:
        raise RuleError(
            f"invalid threshold {text!r}: error_rate is a fraction from 0 to 1 (or 0% to 100%)"
        )
    if metric == "request_count" and not value.is_integer():
        raise RuleError(f"invalid threshold {text!r}: request_count is a whole number")
    return value


def parse_duration(text: str, *, what: str, lowest: int, highest: int) -> int:
    """Parse ``30s``, ``5m``, ``1h`` or ``2d`` (or combinations such as ``1h30m``) to seconds.

    Raises:
        RuleError: not a whole number of seconds, or outside ``lowest`` .. ``highest``.
    """
    try:
        seconds = durations.parse_duration(text)
    except ValueError:
        raise RuleError(
            f"invalid {what} {text!r}: use a number and a unit, e.g. 30s, 5m, 1h, 1d"
        ) from None
    if not seconds.is_integer():
        raise RuleError(f"invalid {what} {text!r}: use whole seconds")
    if not lowest <= seconds <= highest:
        raise RuleError(
            f"invalid {what} {text!r}: from {format_duration(lowest)} to {format_duration(highest)}"
        )
    return int(seconds)


def parse_window(text: str) -> int:
    """Parse an evaluation window (10s to 30d) into seconds.

    Raises:
        RuleError: not a duration in that range.
    """
    return parse_duration(text, what="window", lowest=MIN_WINDOW_S, highest=MAX_WINDOW_S)


def parse_repeat(text: str) -> int:
    """Parse a repeat interval (``0`` or ``never`` for no repeats, else up to 30d) to seconds.

    Raises:
        RuleError: not a duration in that range.
    """
    if text.strip().lower() in ("0", "never", "off"):
        return 0
    return parse_duration(text, what="repeat interval", lowest=1, highest=MAX_REPEAT_S)


def parse_name(text: str) -> str:
    """Return a rule name: 1 to 100 printable characters, not only digits (ids are).

    Raises:
        RuleError: empty, too long, all digits, or with control characters.
    """
    name = text.strip()
    if not name or len(name) > MAX_NAME_LENGTH or not name.isprintable():
        raise RuleError(f"invalid rule name: 1 to {MAX_NAME_LENGTH} printable characters")
    if name.isdigit():
        raise RuleError("invalid rule name: a name of digits only would read as a rule id")
    return name


def url_channel(kind: UrlKind, url: str) -> UrlChannel:
    """Return a webhook channel after checking its URL.

    Raises:
        RuleError: not an absolute ``http://`` or ``https://`` URL with a host (the message
            shows the URL masked).
    """
    text = url.strip()
    shown = mask_url(text)
    try:
        split = urllib.parse.urlsplit(text)
        port = split.port
    except ValueError:
        raise RuleError(f"invalid {kind} URL {shown}: not a URL") from None
    if split.scheme not in ("http", "https") or not split.hostname:
        raise RuleError(f"invalid {kind} URL {shown}: expected http:// or https:// and a host")
    if port == 0 or any(char.isspace() or not char.isprintable() for char in text):
        raise RuleError(f"invalid {kind} URL {shown}: bad port or characters")
    if split.username or split.password:
        raise RuleError(f"invalid {kind} URL {shown}: credentials in the URL are not supported")
    return UrlChannel(kind, text)


def email_address(text: str) -> str:
    """Return an email address after a plain syntax check.

    Raises:
        RuleError: not ``local@domain.tld``, or holds spaces, line breaks, control characters
            or separators.
    """
    address = text.strip()
    # isprintable() is False for every control character, DEL included, which the pattern
    # alone lets through (it excludes only whitespace).
    if not address.isprintable() or not _EMAIL.fullmatch(address) or len(address) > 254:
        raise RuleError(f"invalid email address {text!r}: expected name@example.com")
    return address


def email_channel(
    to: list[str],
    *,
    host: str | None,
    port: int | None,
    sender: str | None,
    starttls: bool = False,
    username: str | None = None,
    password_env: str | None = None,
) -> EmailChannel:
    """Return an email channel after checking every field.

    Raises:
        RuleError: a missing SMTP host or sender, a bad address, port, user or variable name,
            or a user name without the variable that holds its password.
    """
    if not host or not _HOST_NAME.fullmatch(host.strip()):
        raise RuleError("email alerts need an SMTP host (--smtp-host), e.g. smtp.example.com")
    if not sender:
        raise RuleError("email alerts need a sender address (--smtp-from)")
    if port is None:
        port = DEFAULT_STARTTLS_PORT if starttls else DEFAULT_SMTP_PORT
    if not 1 <= port <= 65535:
        raise RuleError(f"invalid SMTP port {port}: from 1 to 65535")
    if password_env is not None and not _ENV_NAME.fullmatch(password_env):
        raise RuleError(
            f"invalid environment variable name {password_env!r}: letters, digits and _"
        )
    if username is not None and (not username or len(username) > 254 or not username.isprintable()):
        # A line break would end the AUTH command early; control characters would reach
        # terminals and logs.
        raise RuleError("invalid SMTP user: 1 to 254 printable characters, no line breaks")
    if username is not None and password_env is None:
        raise RuleError(
            "an SMTP user needs --smtp-password-env: the name of the environment variable "
            "that holds the password (the password itself is never stored)"
        )
    if password_env is not None and username is None:
        raise RuleError("--smtp-password-env needs --smtp-user")
    return EmailChannel(
        to=tuple(email_address(address) for address in to),
        host=host.strip(),
        port=port,
        sender=email_address(sender),
        starttls=starttls,
        username=username,
        password_env=password_env,
    )


def channel_from_json(data: JsonValue) -> Channel:
    """Rebuild a stored channel.

    Raises:
        RuleError: the stored value is not a channel.
    """
    if not isinstance(data, dict):
        raise RuleError("a stored channel is not an object")
    kind = data.get("kind")
    if kind in URL_KINDS and isinstance(data.get("url"), str):
        return UrlChannel(kind, str(data["url"]))  # type: ignore[arg-type]  # checked above
    if kind == "email":
        to, port = data.get("to"), data.get("port")
        username, password_env = data.get("username"), data.get("password_env")
        if isinstance(to, list) and isinstance(port, int):
            return EmailChannel(
                to=tuple(str(address) for address in to),
                host=str(data.get("host")),
                port=port,
                sender=str(data.get("sender")),
                starttls=data.get("starttls") is True,
                username=username if isinstance(username, str) else None,
                password_env=password_env if isinstance(password_env, str) else None,
            )
    raise RuleError(f"a stored channel of kind {kind!r} cannot be read")


def mask_url(url: str) -> str:
    """Return ``url`` with everything after the host hidden: ``https://hooks.slack.com/***``.

    The path, query and fragment of a Slack or Discord webhook are its credential; the scheme
    and host are enough to tell channels apart. Text that is not a URL is hidden entirely.
    """
    try:
        split = urllib.parse.urlsplit(url.strip())
        host = split.hostname
        port = split.port
    except ValueError:
        return "***"
    if not split.scheme or not host:
        return "***"
    shown_host = f"[{host}]" if ":" in host else host
    suffix = f":{port}" if port is not None else ""
    return f"{split.scheme}://{shown_host}{suffix}/***"


def compare(value: float, operator: Operator, threshold: float) -> bool:
    """Whether ``value operator threshold`` holds.

    ``=`` allows a relative difference of 1e-9, so that a sum of costs that should equal the
    threshold (0.1 + 0.2 against 0.3) does.
    """
    if operator == ">":
        return value > threshold
    if operator == ">=":
        return value >= threshold
    if operator == "<":
        return value < threshold
    if operator == "<=":
        return value <= threshold
    return math.isclose(value, threshold, rel_tol=1e-9, abs_tol=1e-12)


def format_value(metric: str, value: float | None) -> str:
    """Format a metric value for people: ``12.5%``, ``850 ms``, ``$1.25``, ``42``."""
    if value is None:
        return "no data"
    if not math.isfinite(value):
        return "out of range"
    if metric == "error_rate":
        return f"{value * 100:.4g}%"
    if metric.startswith("latency_"):
        return f"{value:,.1f} ms".replace(".0 ms", " ms")
    if metric == "total_cost":
        return f"${value:.6f}".rstrip("0").rstrip(".") if value else "$0"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"
