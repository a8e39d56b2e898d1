"""The collector's single writer to the store: one connection, writes taken one at a time."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from contextlib import suppress

from prysmai.retention import RetentionSchedule
from prysmai.store import Row, write_rows
from prysmai.store_dialect import Connection, is_broken
from prysmai.store_location import PostgresUrl, StoreLocation
from prysmai.store_schema import connect_for_writing


class SpanWriter:
    """Writes rows to the store; safe to call from every request thread.

    A lock serialises the collector's own writes (SQLite allows one writer at a time anyway);
    other processes writing the same file are waited for through the busy timeout. After a
    failure the connection is reopened on the next write.

    One connection is enough on PostgreSQL too: a batch goes out as one pipelined round trip,
    and collectors sharing a database each have their own. A write on a session that the
    server ended (a restart) is tried once more on a new session, so a database that came
    back takes the first export after it.

    Spans older than the retention are deleted a batch at a time after a write, and by
    :meth:`purge_step`, which ``prysmai serve`` calls on a timer so that an idle store is
    cleaned too.

    Args:
        path: The SQLite file (or PostgreSQL database), created and migrated on the first
            write if needed.
        retention: When to delete expired spans; ``None`` keeps every span.
    """

    def __init__(self, path: StoreLocation, retention: RetentionSchedule | None = None) -> None:
        self._retention = retention or RetentionSchedule(None)
        self._path = path
        self._lock = threading.Lock()
        self._connection: Connection | None = None

    @property
    def path(self) -> StoreLocation:
        """The SQLite file (or PostgreSQL database) written to."""
        return self._path

    def write(self, rows: Sequence[Row]) -> list[sqlite3.Error]:
        """Store ``rows`` in one transaction.

        Returns:
            Why each row that PostgreSQL refused for its own values was left out (see
            :func:`~prysmai.store.write_rows`); empty when every row was stored.

        Raises:
            sqlite3.Error: the write failed (locked past the busy timeout, disk full, the
                PostgreSQL server unreachable, ...).
            OSError: the file could not be created.
        """
        if not rows:
            return []
        with self._lock:
            try:
                connection = self._open()
                try:
                    refused = write_rows(connection, rows)
                except Exception:
                    if not is_broken(connection):
                        raise
                    # The server ended an idle session (a restart): one more try on a new one.
                    self._close()
                    connection = self._open()
                    refused = write_rows(connection, rows)
            except BaseException:
                self._close()
                raise
            self._retention.after_write(connection)
        return refused

    def purge_step(self) -> int:
        """Run one retention step if one is due; return the spans deleted. Never raises."""
        with self._lock:
            try:
                if self._connection is not None and is_broken(self._connection):
                    self._close()
                if self._connection is None and not isinstance(self._path, PostgresUrl):
                    if not self._path.exists():
                        return 0  # nothing stored yet; the first write creates the store
                connection = self._open()
            except (sqlite3.Error, OSError):
                self._close()
                return 0
            return self._retention.after_write(connection)

    @property
    def has_purge_backlog(self) -> bool:
        """Whether the last retention step left expired spans behind."""
        return self._retention.has_backlog

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._close()

    def _open(self) -> Connection:
        if self._connection is None:
            self._connection = connect_for_writing(self._path)
        return self._connection

    def _close(self) -> None:
        if self._connection is not None:
            with suppress(sqlite3.Error):
                self._connection.close()
            self._connection = None
