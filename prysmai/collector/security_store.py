"""The installation's security settings, in the ``security_settings`` table of the store.

Set with ``prysmai security set`` or the dashboard's Settings > Security; apps monitored with
``security="collector"`` read them from ``GET /v1/settings/security`` (see
:mod:`prysmai.collector.security_api`). The settings are a
:class:`~prysmai.security.config.SecurityConfig`, stored as its camelCase mapping (JSON) and
read back through :meth:`~prysmai.security.config.SecurityConfig.from_mapping`, so the names,
values and checks are the SDK's own. One row (``id`` 1) holds them with a version counter,
raised by one on every change, and when and by whom they were last changed; before anything
is set the store holds no row, which reads as the defaults at version 0.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from typing import Any, Final

from prysmai.closing import ClosedOnExit
from prysmai.collector.store_session import StoreSession
from prysmai.security.config import SecurityConfig
from prysmai.security.normalize import normalize
from prysmai.store_location import StoreLocation
from prysmai.store_schema import connect_for_writing, immediate_transaction

MAX_KEYWORDS: Final = 200
"""Custom keywords the collector keeps; apps scan every request for each of them."""
MAX_KEYWORD_LENGTH: Final = 200
"""Characters of one custom keyword."""
MAX_UPDATED_BY_LENGTH: Final = 200

_ROW_ID: Final = 1


class SecuritySettingsError(ValueError):
    """Settings the collector does not accept; the message says which and why."""


@dataclass(frozen=True, slots=True)
class StoredSecuritySettings:
    """The settings as stored, with their version (0: never set, the defaults)."""

    config: SecurityConfig
    version: int
    updated_ns: int | None
    """When they were last changed; ``None`` before the first change."""
    updated_by: str | None
    """What changed them last (``cli``, ``dashboard (key sk-prysm-ab12...)``)."""

    def to_json(self) -> dict[str, Any]:
        """What ``GET /v1/settings/security`` answers and ``security show --json`` prints."""
        return {
            "settings": self.config.to_mapping(),
            "version": self.version,
            "etag": self.etag,
            "updatedNs": self.updated_ns,
            "updatedBy": self.updated_by,
        }

    @property
    def etag(self) -> str:
        """A strong entity tag: the version and a digest of the settings.

        The digest tells two stores apart whose counters reached the same version (a store
        that was replaced), so an app never keeps settings it did not get.
        """
        digest = hashlib.sha256(_canonical(self.config).encode()).hexdigest()[:16]
        return f'"{self.version}-{digest}"'


def check_settings(config: SecurityConfig) -> SecurityConfig:
    """Return ``config`` if the collector may store it.

    Beyond :class:`SecurityConfig`'s own checks, the collector bounds the custom keywords,
    which every monitored app matches against every request.

    Raises:
        SecuritySettingsError: too many keywords, or one too long or holding a line break.
    """
    keywords = config.custom_keywords
    if len(keywords) > MAX_KEYWORDS:
        raise SecuritySettingsError(
            f"customKeywords may hold at most {MAX_KEYWORDS} entries, not {len(keywords)}"
        )
    for keyword in keywords:
        shown = keyword[:40] + ("..." if len(keyword) > 40 else "")
        if len(keyword) > MAX_KEYWORD_LENGTH or not keyword.isprintable():
            raise SecuritySettingsError(
                f"a custom keyword has 1 to {MAX_KEYWORD_LENGTH} printable characters: "
                f"{shown!r} does not"
            )
        if not any(char.isalnum() for char in normalize(keyword).text):
            # Apps would drop it: with no letter or digit it would match between any two words.
            raise SecuritySettingsError(
                f"a custom keyword needs a letter or digit: {shown!r} has none"
            )
    return config


def parse_settings(mapping: dict[str, Any]) -> SecurityConfig:
    """Build and check settings from the product's names (camelCase or snake_case).

    Raises:
        SecuritySettingsError: an unknown name, a value of the wrong type, or what
            :func:`check_settings` refuses.
    """
    try:
        config = SecurityConfig.from_mapping(mapping)
    except (ValueError, TypeError) as exc:
        raise SecuritySettingsError(str(exc)) from None
    return check_settings(config)


class SecuritySettingsStore(ClosedOnExit):
    """The security settings in a store (SQLite file or PostgreSQL database); thread-safe.

    Each :meth:`get` reads the one row (apps poll every 30 s by default, so this stays cheap);
    a failed query drops the connection and the next one opens a new one.

    Args:
        path: The store, created and migrated if needed.

    Raises:
        OSError: the file cannot be created.
        sqlite3.Error: the store cannot be opened (or PostgreSQL reached).
    """

    def __init__(self, path: StoreLocation) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._session = StoreSession(lambda: connect_for_writing(path), "security settings")

    @property
    def path(self) -> StoreLocation:
        """The store."""
        return self._path

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._session.close()

    def get(self) -> StoredSecuritySettings:
        """The settings now (the defaults at version 0 if none were ever set).

        Raises:
            sqlite3.Error: the store cannot be read.
            ValueError: the stored row is not valid settings (written by another tool).
        """
        with self._lock:
            rows = self._session.execute(
                "SELECT settings, version, updated_ns, updated_by FROM security_settings"
                " WHERE id = ?",
                (_ROW_ID,),
            )
        return _stored(rows[0]) if rows else StoredSecuritySettings(SecurityConfig(), 0, None, None)

    def set(self, config: SecurityConfig, updated_by: str) -> tuple[StoredSecuritySettings, bool]:
        """Store ``config``; return the settings now and whether they changed.

        Settings equal to the stored ones keep their version (apps polling see no change).

        Raises:
            SecuritySettingsError: settings the collector refuses (see :func:`check_settings`).
            sqlite3.Error: the store cannot be written.
        """
        check_settings(config)
        document = _canonical(config)
        now = time.time_ns()
        by = updated_by[:MAX_UPDATED_BY_LENGTH]
        with self._lock:
            with (
                self._session.dropped_on_failure() as connection,
                immediate_transaction(connection),
            ):
                # Two collectors sharing a PostgreSQL database may set at the same moment:
                # the UPDATE's "version + 1" is computed under the row's lock, so neither
                # change is lost and each gets its own version.
                connection.execute(
                    "INSERT INTO security_settings (id, settings, version, updated_ns, updated_by)"
                    " VALUES (?, ?, 0, 0, NULL) ON CONFLICT (id) DO NOTHING",
                    (_ROW_ID, _canonical(SecurityConfig())),
                )
                row = connection.execute(
                    "SELECT settings, version, updated_ns, updated_by FROM security_settings"
                    " WHERE id = ?",
                    (_ROW_ID,),
                ).fetchone()
                before = _stored(row)
                if before.version > 0 and _canonical(before.config) == document:
                    return before, False
                connection.execute(
                    "UPDATE security_settings SET settings = ?, version = version + 1,"
                    " updated_ns = ?, updated_by = ? WHERE id = ?",
                    (document, now, by, _ROW_ID),
                )
                row = connection.execute(
                    "SELECT settings, version, updated_ns, updated_by FROM security_settings"
                    " WHERE id = ?",
                    (_ROW_ID,),
                ).fetchone()
        return _stored(row), True


def _canonical(config: SecurityConfig) -> str:
    return json.dumps(config.to_mapping(), sort_keys=True, separators=(",", ":"))


def _stored(row: tuple[Any, ...]) -> StoredSecuritySettings:
    settings, version, updated_ns, updated_by = row
    data = json.loads(settings)
    if not isinstance(data, dict):
        raise ValueError("the stored security settings are not a JSON object")
    return StoredSecuritySettings(
        SecurityConfig.from_mapping(data),
        int(version),
        int(updated_ns) if updated_ns else None,
        None if updated_by is None else str(updated_by),
    )


def summary(config: SecurityConfig) -> str:
    """The settings in one line, for notices, logs and the CLI."""
    parts = []
    for name, value in config.to_mapping().items():
        if isinstance(value, bool):
            parts.append(f"{name} {'on' if value else 'off'}")
        elif isinstance(value, list):
            parts.append(f"{name} [{', '.join(repr(item) for item in value)}]")
        else:
            parts.append(f"{name} {value}")
    return ", ".join(parts)
