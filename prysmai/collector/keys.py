"""API keys of the collector: created, listed, revoked and checked, stored only as hashes.

A key is ``sk-prysm-`` followed by 64 hex digits (256 random bits). The database keeps its
SHA-256 (a fast hash is enough: the key is random, not a password that could be guessed), a
short display prefix, an optional name and the creation and revocation times. The key itself
is shown once, when it is created, and never stored or logged.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from typing import Any, Final

from prysmai.collector.store_session import StoreSession
from prysmai.store_dialect import FIRST_KEY_LOCK_KEY, Connection, dialect_of
from prysmai.store_location import StoreLocation
from prysmai.store_schema import connect_for_writing, immediate_transaction

KEY_PREFIX: Final = "sk-prysm-"
KEY_PATTERN: Final = re.compile(r"sk-prysm-[0-9a-f]{64}")
DISPLAY_PREFIX_HEX: Final = 8
"""Hex digits after ``sk-prysm-`` kept for display, enough to tell keys apart (32 bits)."""
MAX_NAME_LENGTH: Final = 100
_PREFIX_FORMS: Final = (
    "a key prefix is 'sk-prysm-' and 4 to 8 hex digits, as 'keys list' shows it "
    "(or give the key's id, name or the whole key)"
)


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What is known about a stored key: everything but the key."""

    id: int
    prefix: str
    """``sk-prysm-`` and the first hex digits, e.g. ``sk-prysm-1a2b3c4d``."""
    name: str | None
    created_ns: int
    revoked_ns: int | None

    @property
    def is_active(self) -> bool:
        """Whether the key is accepted."""
        return self.revoked_ns is None


def check_key_name(text: str) -> str | None:
    """Return a key name as typed in the dashboard, ``None`` for none (an empty field).

    Raises:
        ValueError: longer than :data:`MAX_NAME_LENGTH` or with control characters (they
            would reach terminals through ``keys list``).
    """
    name = text.strip()
    if len(name) > MAX_NAME_LENGTH or not name.isprintable():
        raise ValueError(f"a key name has at most {MAX_NAME_LENGTH} printable characters")
    return name or None


def generate_key() -> str:
    """Return a new random key."""
    return KEY_PREFIX + secrets.token_hex(32)


def hash_key(key: str) -> str:
    """Return the SHA-256 of ``key`` as hex, the only form in which keys are stored."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def display_prefix(key: str) -> str:
    """Return the part of ``key`` that may be shown: the prefix and a few hex digits."""
    return key[: len(KEY_PREFIX) + DISPLAY_PREFIX_HEX]


class KeyStore:
    """Keys in the ``api_keys`` table of a store file (or PostgreSQL database).

    Safe to share between threads. :meth:`verify` rereads the active hashes at most every
    ``refresh_s`` seconds, so a key revoked from another process (``prysmai keys revoke``, or
    another collector sharing the PostgreSQL database) stops working within that time without
    a query per request. A failed query drops the connection; the next one opens a new one
    (a PostgreSQL server that restarted).

    Args:
        path: The SQLite file or PostgreSQL database (created and migrated if needed).
        refresh_s: How long the set of active hashes is cached.

    Raises:
        OSError: the file cannot be created.
        sqlite3.Error: the file is not a usable SQLite database, or cannot be written (or the
            PostgreSQL server cannot be reached); the message names the store.
    """

    def __init__(self, path: StoreLocation, *, refresh_s: float = 1.0) -> None:
        self._path = path
        self._session = StoreSession(self._connect, "key")
        self._lock = threading.Lock()
        self._refresh_s = refresh_s
        self._active: tuple[str, ...] = ()
        self._loaded_at: float | None = None

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._session.close()

    def _connect(self) -> Connection:
        try:
            return connect_for_writing(self._path)
        except sqlite3.Error as exc:
            # SQLite's messages ("attempt to write a readonly database") name no file.
            if str(self._path) in str(exc):  # a PostgreSQL connection failure names it already
                raise
            raise type(exc)(f"cannot use the store {self._path}: {exc}") from exc

    def _execute(self, sql: str, params: tuple[object, ...] = ()) -> list[Any]:
        """Run one statement under the caller's lock; a failure drops the connection."""
        return self._session.execute(sql, params)

    def create(self, name: str | None = None) -> str:
        """Create a key and return it; this is the only time the key is available."""
        key = generate_key()
        with self._lock:
            self._execute(
                "INSERT INTO api_keys (key_hash, prefix, name, created_ns) VALUES (?, ?, ?, ?)",
                (hash_key(key), display_prefix(key), name, time.time_ns()),
            )
            self._loaded_at = None
        return key

    def create_first(self, name: str | None = None) -> str | None:
        """Create a key if no active key exists, and return it; ``None`` if one exists.

        Check and insert are one transaction that one process at a time runs (SQLite's
        ``BEGIN IMMEDIATE``, a PostgreSQL advisory lock), so collectors starting together on
        an empty store create one key between them, not one each.
        """
        key = generate_key()
        with self._lock, self._session.dropped_on_failure() as connection:
            dialect = dialect_of(connection)
            with immediate_transaction(connection):
                if dialect.transaction_lock is not None:
                    connection.execute(dialect.transaction_lock, (FIRST_KEY_LOCK_KEY,))
                found = connection.execute(
                    "SELECT 1 FROM api_keys WHERE revoked_ns IS NULL LIMIT 1"
                ).fetchone()
                if found is None:
                    connection.execute(
                        "INSERT INTO api_keys (key_hash, prefix, name, created_ns)"
                        " VALUES (?, ?, ?, ?)",
                        (hash_key(key), display_prefix(key), name, time.time_ns()),
                    )
            self._loaded_at = None
        return key if found is None else None

    def list(self) -> list[KeyInfo]:
        """Return every key, active and revoked, oldest first."""
        with self._lock:
            rows = self._execute(
                "SELECT id, prefix, name, created_ns, revoked_ns FROM api_keys ORDER BY id"
            )
        return [KeyInfo(*row) for row in rows]

    def revoke(self, which: str) -> KeyInfo:
        """Revoke the one active key that ``which`` names and return it.

        ``which`` is a key id (``3``), a display prefix (``sk-prysm-1a2b``, 4 to 8 hex digits,
        also with the ``...`` that ``keys list`` shows after it), the full key, or a key's name.

        Raises:
            LookupError: no active key, or more than one, matches ``which``; or ``which`` looks
                like a prefix but is not one (the message says what forms are accepted).
        """
        which = which.strip()
        if which.startswith(KEY_PREFIX) and which.endswith("..."):
            which = which[:-3]  # copied from the 'keys list' table
        hex_part = which[len(KEY_PREFIX) :]
        params: tuple[object, ...]
        if which.isascii() and which.isdigit() and len(which) <= 18:
            condition, params = "id = ?", (int(which),)
        elif KEY_PATTERN.fullmatch(which):
            # The full key works too, compared by its hash: the key is never stored.
            condition, params = "key_hash = ?", (hash_key(which),)
        elif which.startswith(KEY_PREFIX) and re.fullmatch(r"[0-9a-f]{4,8}", hex_part):
            condition, params = "substr(prefix, 1, ?) = ?", (len(which), which)
        else:
            condition, params = "name = ?", (which,)
        with self._lock:
            rows = self._execute(
                "SELECT id, prefix, name, created_ns, revoked_ns FROM api_keys"
                f" WHERE revoked_ns IS NULL AND {condition}",
                params,
            )
            if not rows and condition == "name = ?" and which.startswith(KEY_PREFIX[:-1]):
                # Meant as a prefix (no name matched it), but too short or not hex.
                raise LookupError(_PREFIX_FORMS)
            if len(rows) != 1:
                found = "no active key matches" if not rows else f"{len(rows)} active keys match"
                # The argument is not echoed: it may be a full key.
                raise LookupError(f"{found} that id, prefix or name (see 'keys list')")
            revoked_ns = time.time_ns()
            self._execute(
                "UPDATE api_keys SET revoked_ns = ? WHERE id = ?", (revoked_ns, rows[0][0])
            )
            self._loaded_at = None
        info = KeyInfo(*rows[0])
        return KeyInfo(info.id, info.prefix, info.name, info.created_ns, revoked_ns)

    def find_active(self, key: str) -> KeyInfo | None:
        """Return what is stored about ``key`` if it is an active key (looked up by hash)."""
        if not KEY_PATTERN.fullmatch(key):
            return None
        with self._lock:
            rows = self._execute(
                "SELECT id, prefix, name, created_ns, revoked_ns FROM api_keys"
                " WHERE revoked_ns IS NULL AND key_hash = ?",
                (hash_key(key),),
            )
        return KeyInfo(*rows[0]) if rows else None

    def has_active(self) -> bool:
        """Whether at least one key is accepted."""
        return bool(self._active_hashes())

    def verify(self, key: str) -> bool:
        """Whether ``key`` is an active key.

        The hash is compared with every active hash in constant time, without stopping at a
        match, so the answer's timing tells nothing about stored hashes.
        """
        if not KEY_PATTERN.fullmatch(key):
            return False
        presented = hash_key(key).encode("ascii")
        found = False
        for stored in self._active_hashes():
            found |= hmac.compare_digest(presented, stored.encode("ascii"))
        return found

    def _active_hashes(self) -> tuple[str, ...]:
        now = time.monotonic()
        with self._lock:
            if self._loaded_at is None or now - self._loaded_at >= self._refresh_s:
                try:
                    rows = self._execute("SELECT key_hash FROM api_keys WHERE revoked_ns IS NULL")
                except sqlite3.Error:
                    # Keep the last known keys while the file is briefly locked or unreadable
                    # (or the PostgreSQL server is away).
                    if self._loaded_at is None:
                        raise
                    return self._active
                self._active = tuple(str(row[0]) for row in rows)
                self._loaded_at = now
            return self._active
