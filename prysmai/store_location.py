"""Where a store lives: a SQLite file (a path) or a PostgreSQL database (a libpq URL).

Everything that takes a store location (``--db``, ``PRYSM_DB_PATH``) reads it with
:func:`parse_location`: text starting with ``postgresql://`` or ``postgres://`` (in any case) is
a :class:`PostgresUrl`, anything else a file path. A URL may carry a password; its ``str()`` is
the URL with the password replaced by ``***``, so a URL put in a message or a log line never
shows it.

The URL is read as libpq reads it (not as :mod:`urllib.parse` does: libpq ends the user name
and password at the first ``@`` or ``/``, and takes ``?`` and ``#`` as part of a password).
What counts as the password when masking is wider than either reading: everything between the
first ``:`` after ``://`` and the last ``@``, so that a password with an unencoded ``@`` or
``/`` (which libpq reads as part of the host or database) is masked too, whole and in pieces.
"""

from __future__ import annotations

import dataclasses
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TypeAlias

from prysmai.errors import ConfigurationError

POSTGRES_SCHEMES: Final = ("postgresql", "postgres")
MASK: Final = "***"
DEFAULT_PORT: Final = 5432
SECRET_PARAMETERS: Final = frozenset({"password", "sslpassword"})
"""Query parameters whose value is a secret (libpq's keywords, compared case-insensitively)."""
_FRAGMENT_SEPARATORS: Final = re.compile(r"[@/?#:]")
_SHORTEST_MASKED_PIECE: Final = 4
"""Pieces of a password shorter than this are not masked on their own: masking "ss" inside
"password" and "weird" would show where the password's pieces occur, and say more than the
pieces themselves."""
_CONNINFO_KEYWORD: Final = re.compile(
    r"(?:^|\s)(?:host|hostaddr|port|dbname|user|password|passfile|sslmode|service)\s*=", re.I
)
"""A libpq ``key=value`` connection string (not taken: only URLs name a PostgreSQL store)."""
"""Where libpq may cut a password with unencoded special characters when it quotes a part."""
_ENCODE_HINT: Final = (
    "an '@' or '/' in the user name or password (or an '@' after the host) must be written "
    "as %40 or %2F"
)


@dataclass(frozen=True, slots=True)
class _Parts:
    """A URL cut as libpq cuts it; every part raw (not percent-decoded)."""

    user: str | None
    password: str | None
    hosts: tuple[tuple[str, str], ...]
    """``(host, port)`` per comma-separated host; the port is empty when not given."""
    hosts_text: str
    """The host list as written, for showing the URL."""
    database: str
    has_database: bool
    """Whether a ``/`` follows the hosts (``postgresql:///prysm`` has one and no host)."""
    query: str
    problem: str | None = None
    """Why libpq cannot read this URL, when the reason is in its form."""

    def parameters(self) -> list[tuple[str, str]]:
        """The query's ``name=value`` pairs, the names percent-decoded."""
        pairs = []
        for part in self.query.split("&"):
            name, _, value = part.partition("=")
            pairs.append((urllib.parse.unquote(name), value))
        return pairs

    def parameter(self, name: str) -> str | None:
        """The last value of a query parameter, percent-decoded (libpq keeps the last one)."""
        found = None
        for key, value in self.parameters():
            if key == name:
                found = urllib.parse.unquote(value)
        return found


@dataclass(frozen=True, slots=True)
class PostgresUrl:
    """A PostgreSQL database named by a libpq URL, e.g. ``postgresql://u:pw@host:5432/prysm``.

    Args:
        url: The URL as given, password included (used only to connect).
        statement_timeout_s: How long a statement may run before the session gives up on it
            (``None``: no limit); see :func:`prysmai.store_postgres.connect`.

    Raises:
        ConfigurationError: not a ``postgresql://`` URL, a port that is not a number from 1 to
            65535, or a URL that libpq would read differently from how it looks (an unencoded
            ``@`` or ``/`` in the password); the message shows the URL without its password.
    """

    url: str = field(repr=False)
    statement_timeout_s: float | None = None

    def __post_init__(self) -> None:
        scheme, separator, _ = self.url.partition("://")
        if not separator or scheme.lower() not in POSTGRES_SCHEMES:
            raise ConfigurationError(f"not a PostgreSQL URL: {self}")
        parts = self._parts()
        problem = parts.problem
        if _wide_parts(self.url) != _libpq_parts(self.url):
            problem = _ENCODE_HINT
        for _, port in self._places(parts):
            if port and not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
                problem = problem or "the port must be a number from 1 to 65535"
        if problem is not None:
            raise ConfigurationError(f"invalid PostgreSQL URL {self}: {problem}")

    def __str__(self) -> str:
        return self.redacted

    def __repr__(self) -> str:
        return f"PostgresUrl({self.redacted!r})"

    @property
    def libpq_url(self) -> str:
        """The URL to give libpq: its scheme in lower case, the only case libpq recognises."""
        scheme, _, rest = self.url.partition("://")
        return f"{scheme.lower()}://{rest}"

    @property
    def redacted(self) -> str:
        """The URL with its password masked: in the user part, as a secret parameter.

        Any piece of the password still left anywhere (see :meth:`redact`) is masked too.
        """
        parts = self._parts()
        scheme = self.url.partition("://")[0].lower()
        userinfo = ""
        if parts.user is not None:
            userinfo = parts.user + (f":{MASK}" if parts.password is not None else "") + "@"
        query = "&".join(
            f"{part.partition('=')[0]}={MASK}" if name.lower() in SECRET_PARAMETERS else part
            for part, (name, _) in zip(parts.query.split("&"), parts.parameters(), strict=True)
            if part
        )
        path = f"/{parts.database}" if parts.has_database else ""
        shown = f"{scheme}://{userinfo}{parts.hosts_text}{path}"
        return self.redact(f"{shown}?{query}" if query else shown)

    def redact(self, text: str) -> str:
        """Return ``text`` with every form of this URL's password replaced by ``***``.

        For messages from libpq, which may quote parts of the URL it could not read.
        """
        for secret in sorted(self._secrets(), key=len, reverse=True):
            text = text.replace(secret, MASK)
        return text

    def describe(self) -> str:
        """Host, port, database and user that libpq will use, for error messages.

        Query parameters (``?dbname=``, ``?host=``, ...) win over the URL's parts, as in libpq.
        """
        parts = self._parts()
        user = parts.parameter("user")
        if user is None and parts.user:
            user = urllib.parse.unquote(parts.user)
        places = []
        for name, port in self._places(parts):
            places.append(f"{name or 'the local socket'}, port {port or DEFAULT_PORT}")
        database = parts.parameter("dbname")
        if database is None:
            database = urllib.parse.unquote(parts.database)
        text = f"host {' or '.join(places)}, database {database or user or '(default)'}"
        return self.redact(f"{text}, user {user}" if user else text)

    def with_statement_timeout(self, seconds: float | None) -> PostgresUrl:
        """This database, its sessions' statements limited to ``seconds`` (``None``: no limit)."""
        return dataclasses.replace(self, statement_timeout_s=seconds)

    def _parts(self) -> _Parts:
        return _wide_parts(self.url)

    @staticmethod
    def _places(parts: _Parts) -> list[tuple[str, str]]:
        """``(host, port)`` pairs, decoded, with ``?host=`` and ``?port=`` applied as libpq does."""
        hosts = [urllib.parse.unquote(host) for host, _ in parts.hosts]
        ports = [urllib.parse.unquote(port) for _, port in parts.hosts]
        given_hosts = parts.parameter("host")
        if given_hosts is not None:
            hosts = given_hosts.split(",")
            ports = ports if len(ports) == len(hosts) else [""] * len(hosts)
        given_ports = parts.parameter("port")
        if given_ports is not None:
            listed = given_ports.split(",")
            # One port applies to every host.
            ports = listed * len(hosts) if len(listed) == 1 else listed
        return list(zip(hosts, ports, strict=False)) or [("", "")]

    def _secrets(self) -> set[str]:
        wide = _wide_parts(self.url)
        found = {wide.password} if wide.password else set()
        # libpq's reading differs only for a URL refused as ambiguous; its password is then a
        # piece of the wide one, but its query may hold other secret parameters.
        for parts in (wide, _libpq_parts(self.url)):
            found.update(
                value for name, value in parts.parameters() if name.lower() in SECRET_PARAMETERS
            )
        forms = {form for raw in found for form in (raw, urllib.parse.unquote(raw))}
        pieces = {
            piece
            for form in forms
            for raw_piece in _FRAGMENT_SEPARATORS.split(form)
            for piece in (raw_piece, urllib.parse.unquote(raw_piece))
            if len(piece) >= _SHORTEST_MASKED_PIECE
        }
        return {form for form in forms | pieces if form}


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
    if isinstance(value, str):
        refuse_conninfo(value)
    return Path(value).expanduser()


def refuse_conninfo(value: str) -> None:
    """Refuse a libpq ``key=value`` string as a store location.

    Taken as a path it would name a file, and show its password in every message naming it.

    Raises:
        ConfigurationError: ``value`` reads as one; the message does not repeat it.
    """
    if _CONNINFO_KEYWORD.search(value):
        raise ConfigurationError(
            "a libpq 'key=value' connection string is not a store location (not repeated here: "
            "it may hold a password); write it as a URL: "
            "postgresql://USER:PASSWORD@HOST:PORT/DBNAME"
        )


def _libpq_parts(url: str) -> _Parts:
    """The URL as libpq reads it: the credentials end at the first ``@`` before any ``/``."""
    rest = url.partition("://")[2]
    end = next((i for i, char in enumerate(rest) if char in "@/"), len(rest))
    if rest[end : end + 1] != "@":
        return _rest_parts(None, None, rest)
    user, colon, password = rest[:end].partition(":")
    return _rest_parts(user, password if colon else None, rest[end + 1 :])


def _wide_parts(url: str) -> _Parts:
    """The URL with everything from the first ``:`` to the last ``@`` taken as the password.

    The same as libpq's reading for every URL that libpq reads as it looks; for one with an
    unencoded ``@`` or ``/`` in its password, the reading that masks the whole password.
    """
    rest = url.partition("://")[2]
    userinfo, at, after = rest.rpartition("@")
    if at and ":" in userinfo:
        user, _, password = userinfo.partition(":")
        return _rest_parts(user, password, after)
    return _libpq_parts(url)


def _rest_parts(user: str | None, password: str | None, rest: str) -> _Parts:
    """Cut hosts, database and query as libpq does (``conninfo_uri_parse_options``)."""
    hosts: list[tuple[str, str]] = []
    problem = None
    i = 0
    while True:
        if rest[i : i + 1] == "[":
            end = rest.find("]", i)
            if end < 0:
                problem = "a '[' without ']' in the host"
                end = len(rest)
            name, i = rest[i + 1 : end], end + 1
            if rest[i : i + 1] not in ("", ":", "/", "?", ","):
                problem = problem or "unexpected character after ']' in the host"
        else:
            start = i
            while i < len(rest) and rest[i] not in ":/?,":
                i += 1
            name = rest[start:i]
        port = ""
        if rest[i : i + 1] == ":":
            start = i + 1
            i = start
            while i < len(rest) and rest[i] not in "/?,":
                i += 1
            port = rest[start:i]
        hosts.append((name, port))
        if rest[i : i + 1] != ",":
            break
        i += 1
    hosts_text = rest[:i]
    database = ""
    has_database = rest[i : i + 1] == "/"
    if has_database:
        end = rest.find("?", i)
        end = len(rest) if end < 0 else end
        database, i = rest[i + 1 : end], end
    query = rest[i + 1 :] if rest[i : i + 1] == "?" else ""
    return _Parts(user, password, tuple(hosts), hosts_text, database, has_database, query, problem)
