"""The one database connection of a small collector table store (keys, prices).

Opened with the store (so an unusable store fails at once), dropped after any failed statement
and opened again by the next use: a PostgreSQL server that restarted, or a SQLite file that
was replaced, costs one failed request, not every request after it. Not locked: each store
serialises its use of the session with its own lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from prysmai.store_dialect import Connection


class StoreSession:
    """A connection opened now, and again after a failure, until :meth:`close`.

    Args:
        connect: Opens a connection to the store.
        name: What the store holds ("key", "price"), for the error after :meth:`close`.

    Raises:
        sqlite3.Error: ``connect`` failed (the store cannot be opened).
    """

    def __init__(self, connect: Callable[[], Connection], name: str) -> None:
        self._connect = connect
        self._name = name
        self._connection: Connection | None = connect()
        self._is_closed = False

    @property
    def is_closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._is_closed

    def open(self) -> Connection:
        """The connection, opened again if the last one was dropped.

        Raises:
            sqlite3.ProgrammingError: the session is closed.
            sqlite3.Error: the store cannot be opened.
        """
        if self._is_closed:
            raise sqlite3.ProgrammingError(f"the {self._name} store is closed")
        if self._connection is None:
            self._connection = self._connect()
        return self._connection

    @contextmanager
    def dropped_on_failure(self) -> Iterator[Connection]:
        """The connection, for several statements; a failure among them drops it."""
        connection = self.open()
        try:
            yield connection
        except sqlite3.Error:
            self.drop()
            raise

    def execute(self, sql: str, params: tuple[object, ...] = ()) -> list[Any]:
        """Run one statement and return its rows; a failure drops the connection."""
        with self.dropped_on_failure() as connection:
            return connection.execute(sql, params).fetchall()

    def drop(self) -> None:
        """Close the connection (quietly); the next use opens a new one."""
        if self._connection is not None:
            with suppress(sqlite3.Error):
                self._connection.close()
            self._connection = None

    def close(self) -> None:
        """Close the connection for good."""
        self._is_closed = True
        self.drop()
