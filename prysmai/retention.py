"""How long stored spans are kept, and the purge that enforces it.

Both the embedded store (written by the application's own exporter thread) and the collector
(``prysmai serve``) delete spans that started longer ago than the retention, at most once per
:data:`PURGE_INTERVAL_S` and right after a write, so the purge runs on a thread that is writing
anyway and never on the application's call path. Deletes go in batches of
:data:`PURGE_BATCH_ROWS`, each its own short transaction, so readers and other writers wait at
most one batch.

SQLite reuses the freed pages for new spans, so the file stops growing once the oldest spans
expire; it only shrinks with ``prysmai purge --vacuum``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable
from typing import Final

from prysmai.durations import format_duration, parse_duration
from prysmai.errors import ConfigurationError
from prysmai.store_schema import immediate_transaction

logger = logging.getLogger(__name__)

RETENTION_ENV: Final = "PRYSM_RETENTION"
"""How long stored spans are kept, e.g. ``30d`` or ``12h``; ``forever`` keeps every span."""
DEFAULT_RETENTION_S: Final = 30 * 86_400
MIN_RETENTION_S: Final = 60
"""Shorter would delete calls before anyone could look at them: surely a typing mistake."""
PURGE_INTERVAL_S: Final = 600.0
PURGE_BATCH_ROWS: Final = 5_000
KEEP_FOREVER: Final = frozenset({"forever", "never", "off", "none", "0"})
"""Values that turn the purge off."""


def parse_retention(text: str) -> float | None:
    """Return the retention in seconds, or ``None`` for ``forever`` (see :data:`KEEP_FOREVER`).

    Raises:
        ValueError: not a duration of at least a minute, nor a word for "keep everything".
    """
    if text.strip().lower() in KEEP_FOREVER:
        return None
    seconds = parse_duration(text)
    if seconds < MIN_RETENTION_S:
        raise ValueError(
            f"retention {text!r} is shorter than {format_duration(MIN_RETENTION_S)}; "
            "use 'forever' to keep every span"
        )
    return seconds


def retention_from_env() -> float | None:
    """Return the retention set in ``PRYSM_RETENTION``, or the default of 30 days.

    Raises:
        ConfigurationError: the variable holds something else than a retention.
    """
    raw = os.environ.get(RETENTION_ENV, "").strip()
    if not raw:
        return DEFAULT_RETENTION_S
    try:
        return parse_retention(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{RETENTION_ENV}={raw!r}: {exc}") from None


def purge_spans(
    connection: sqlite3.Connection, older_than_ns: int, *, batch_rows: int = PURGE_BATCH_ROWS
) -> int:
    """Delete the spans that started before ``older_than_ns``; return how many were deleted.

    Raises:
        sqlite3.Error: a batch could not be deleted; the batches before it stay deleted.
    """
    deleted = 0
    while True:
        with immediate_transaction(connection):
            cursor = connection.execute(
                "DELETE FROM spans WHERE rowid IN "
                "(SELECT rowid FROM spans WHERE start_time_ns < ? LIMIT ?)",
                (older_than_ns, batch_rows),
            )
        deleted += cursor.rowcount
        if cursor.rowcount < batch_rows:
            return deleted


class RetentionSchedule:
    """Decides when a writer purges expired spans, and does it.

    Not thread-safe on its own: each writer keeps one and calls it under its write lock.

    Args:
        retention_s: Keep spans this long; ``None`` keeps every span.
        interval_s: At most one purge per this many seconds (the first write purges at once).
        wall_clock: Seconds since the epoch (injectable for tests).
        monotonic: A clock for the interval (injectable for tests).
    """

    def __init__(
        self,
        retention_s: float | None,
        *,
        interval_s: float = PURGE_INTERVAL_S,
        wall_clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.retention_s = retention_s
        self._interval_s = interval_s
        self._wall_clock = wall_clock
        self._monotonic = monotonic
        self._last_attempt: float | None = None

    def after_write(self, connection: sqlite3.Connection) -> int:
        """Purge if one is due; return the spans deleted. Never raises.

        A failed purge is logged (at most once per interval, as attempts are) and tried again
        after the interval; the write that came before it stands.
        """
        if self.retention_s is None:
            return 0
        now = self._monotonic()
        if self._last_attempt is not None and now - self._last_attempt < self._interval_s:
            return 0
        self._last_attempt = now
        cutoff_ns = int((self._wall_clock() - self.retention_s) * 1e9)
        try:
            deleted = purge_spans(connection, cutoff_ns)
        except sqlite3.Error as exc:
            logger.warning("Could not delete expired spans (%s: %s)", type(exc).__name__, exc)
            return 0
        if deleted:
            logger.debug(
                "Deleted %d spans older than %s", deleted, format_duration(self.retention_s)
            )
        return deleted
