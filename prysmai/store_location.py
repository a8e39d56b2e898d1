"""Where a store lives: a SQLite file (a path) or a PostgreSQL database (a libpq URL).

Everything that takes a store location (``--db``, ``PRYSM_DB_PATH``) reads it with
:func:`parse_location`: text starting with ``postgresql://`` or ``postgres://`` is a
:class:`PostgresUrl`, anything else a file path. A URL may carry a password; its ``str()`` is
the URL with the password replaced by ``***``, so a URL put in a message or a log line never
shows it.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TypeAlias

from prysmai.errors import ConfigurationError

POSTGRES_SCHEMES: Final = ("postgresql", "postgres")
MASK: Final = "***"
DEFAULT_PORT: Final = 5432


@dataclass(frozen=True, slots=True)
class PostgresUrl:
    """A PostgreSQL database named by a libpq URL, e.g. ``postgresql://u:pw@host:5432/prysm``.

    Args:
        url: The URL as given, password included (used only to connect).

    Raises:
        ConfigurationError: not a ``postgresql://`` URL, or a port that is not a number from 1
            to 65535; the message shows the URL without its password.
    """

    url: str = field(repr=False)

    def __post_init__(self) -> None:
        split = _split(self.url)
        if split is None or split.scheme.lower() not in POSTGRES_SCHEMES:
            raise ConfigurationError(f"not a PostgreSQL URL: {self}")
        for host in _hosts(split.netloc):
            _, _, port = _host_and_port(host)
            if port and not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
                raise ConfigurationError(
                    f"invalid PostgreSQL URL {self}: the port must be a number from 1 to 65535"
                )

    def __str__(self) -> str:
        return self.redacted

    def __repr__(self) -> str:
        return f"PostgresUrl({self.redacted!r})"

    @property
    def redacted(self) -> str:
        """The URL with its password (in the user part or a ``password=`` parameter) masked."""
        split = _split(self.url)
        if split is None:
            return f"{self.url.partition('://')[0]}://{MASK}"
        userinfo, at, hosts = split.netloc.rpartition("@")
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":" + MASK
        query = "&".join(
            f"{name}={MASK}" if name.lower() == "password" else part
            for part in split.query.split("&")
            if part
            for name in (part.split("=", 1)[0],)
        )
        # Not urlunsplit: it drops the "//" of a URL without host (postgresql:///prysm).
        shown = f"{split.scheme}://{userinfo}{at}{hosts}{split.path}"
        return f"{shown}?{query}" if query else shown

    def redact(self, text: str) -> str:
        """Return ``text`` with every form of this URL's password replaced by ``***``.

        For messages from libpq, which may quote parts of the URL it could not read.
        """
        for secret in sorted(self._secrets(), key=len, reverse=True):
            text = text.replace(secret, MASK)
        return text

    def describe(self) -> str:
        """Host, port, database and user as the URL gives them, for error messages."""
        split = _split(self.url)
        netloc = split.netloc if split is not None else ""
        userinfo, _, hostlist = netloc.rpartition("@")
        user = urllib.parse.unquote(userinfo.split(":", 1)[0]) if userinfo else None
        places = []
        for host in _hosts(hostlist) or [""]:
            name, _, port = _host_and_port(host)
            places.append(
                f"{urllib.parse.unquote(name) or 'the local socket'}, port {port or DEFAULT_PORT}"
            )
        database = urllib.parse.unquote(split.path.lstrip("/")) if split is not None else ""
        text = f"host {' or '.join(places)}, database {database or user or '(default)'}"
        return f"{text}, user {user}" if user else text

    def _secrets(self) -> set[str]:
        split = _split(self.url)
        if split is None:
            return {self.url}
        found: set[str] = set()
        userinfo = split.netloc.rpartition("@")[0]
        if ":" in userinfo:
            found.add(userinfo.split(":", 1)[1])
        for part in split.query.split("&"):
            name, _, value = part.partition("=")
            if name.lower() == "password":
                found.add(value)
        return {form for raw in found for form in (raw, urllib.parse.unquote(raw)) if form}


StoreLocation: TypeAlias = Path | PostgresUrl
"""A SQLite file or a PostgreSQL database."""


def is_postgres_url(text: str) -> bool:
    """Whether ``text`` names a PostgreSQL database rather than a file."""
    scheme, separator, _ = text.strip().partition("://")
    return bool(separator) and scheme.lower() in POSTGRES_SCHEMES


def parse_location(value: str | Path | PostgresUrl) -> StoreLocation:
    """Return ``value`` as a :class:`PostgresUrl` or an expanded :class:`~pathlib.Path`.

    Raises:
        ConfigurationError: a PostgreSQL URL that cannot be used (see :class:`PostgresUrl`).
    """
    if isinstance(value, PostgresUrl):
        return value
    if isinstance(value, str) and is_postgres_url(value):
        return PostgresUrl(value.strip())
    return Path(value).expanduser()


def _split(url: str) -> urllib.parse.SplitResult | None:
    try:
        return urllib.parse.urlsplit(url)
    except ValueError:  # an unbalanced "[" in the host part
        return None


def _hosts(netloc_hosts: str) -> list[str]:
    """The comma-separated hosts of a URL's host part (libpq accepts several)."""
    hosts = netloc_hosts.rpartition("@")[2]
    return [host for host in hosts.split(",") if host]


def _host_and_port(host: str) -> tuple[str, str, str]:
    """Split ``name:port`` or ``[v6]:port``; the port is empty when not given."""
    if host.startswith("["):
        name, _, rest = host[1:].partition("]")
        return name, ":", rest.removeprefix(":")
    return host.partition(":")
