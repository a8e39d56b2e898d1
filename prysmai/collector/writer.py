"""The collector's single writer to the store: one connection, writes taken one at a time."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from prysmai.retention import RetentionSchedule
from prysmai.store import Row, write_rows
from prysmai.store_schema import connect_for_writing


class SpanWriter:
    """Writes rows to the store; safe to call from every request thread.

    A lock serialises the collector's own writes (SQLite allows one writer at a time anyway);
    other processes writing the same file are waited for through the busy timeout. After a
    failure the connection is reopened on the next write.

    Spans older than the retention are deleted a batch at a time after a write, and by
    :meth:`purge_step`, which ``prysmai serve`` calls on a timer so that an idle store is
    cleaned too.

    Args:
        path: The SQLite file, created and migrated on the first write if needed.
        retention: When to delete expired spans; ``None`` keeps every span.
    """

    def __init__(self, path: Path, retention: RetentionSchedule | None = None) -> None:
        self._retention = retention or RetentionSchedule(None)
        self._path = path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None

    @property
    def path(self) -> Path:
        """The SQLite file written to."""
        return self._path

    def write(self, rows: Sequence[Row]) -> None:
        """Store ``rows`` in one transaction.

        Raises:
            sqlite3.Error: the write failed (locked past the busy timeout, disk full, ...).
            OSError: the file could not be created.
        """
        if not rows:
            return
        with self._lock:
            try:
                if self._connection is None:
                    self._connection = connect_for_writing(self._path)
                write_rows(self._connection, rows)
            except BaseException:
                self._close()
                raise
            self._retention.after_write(self._connection)

    def purge_step(self) -> int:
        """Run one retention step if one is due; return the spans deleted. Never raises."""
        with self._lock:
            try:
                if self._connection is None:
                    if not self._path.exists():
                        return 0  # nothing stored yet; the first write creates the store
                    self._connection = connect_for_writing(self._path)
            except (sqlite3.Error, OSError):
                self._close()
                return 0
            return self._retention.after_write(self._connection)

    @property
    def has_purge_backlog(self) -> bool:
        """Whether the last retention step left expired spans behind."""
        return self._retention.has_backlog

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._connection is not None:
            with suppress(sqlite3.Error):
                self._connection.close()
            self._connection = None
