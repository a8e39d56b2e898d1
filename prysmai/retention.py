"""How long stored spans are kept, and the purge that enforces it.

Both the embedded store (written by the application's own exporter thread) and the collector
(``prysmai serve``) delete spans that started longer ago than the retention. Each purge step
deletes at most :data:`PURGE_BATCH_ROWS` rows in one short transaction, right after a write, so
a write never waits for more than one step: a store with a large backlog (the first purge after
an upgrade) is cleaned a step per write, and otherwise a step runs at most once per
:data:`PURGE_INTERVAL_S`. The collector also steps on a timer, so an idle store is cleaned too.

SQLite reuses the freed pages for new spans, so the file stops growing once the oldest spans
expire; it only shrinks with ``prysmai purge --vacuum``. PostgreSQL's autovacuum makes the
freed space reusable in the same way.
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
from prysmai.store_dialect import Connection
from prysmai.store_schema import INT64_MIN, immediate_transaction

logger = logging.getLogger(__name__)

RETENTION_ENV: Final = "PRYSM_RETENTION"
"""How long stored spans are kept, e.g. ``30d`` or ``12h``; ``forever`` keeps every span."""
DEFAULT_RETENTION_S: Final = 30 * 86_400
MIN_RETENTION_S: Final = 60
"""Shorter would delete calls before anyone could look at them: surely a typing mistake."""
MAX_RETENTION_S: Final = 36_500 * 86_400
"""A hundred years: longer would put the cutoff before the earliest time a span can carry."""
PURGE_INTERVAL_S: Final = 600.0
PURGE_BATCH_ROWS: Final = 1_000
KEEP_FOREVER: Final = "forever"
"""The value that turns the purge off. "0", "none" or "off" are refused rather than read: to
some they mean "keep nothing", to others "no limit"."""


def parse_retention(text: str) -> float | None:
    """Return the retention in seconds, or ``None`` for :data:`KEEP_FOREVER`.

    Raises:
        ValueError: not a duration from a minute to a hundred years, nor ``forever``.
    """
    word = text.strip().lower()
    if word == KEEP_FOREVER:
        return None
    if word in ("0", "none", "off", "never", "no", "false"):
        raise ValueError(
            f"retention {text!r} is ambiguous: write 'forever' to keep every span, "
            "or a duration such as 30d"
        )
    seconds = parse_duration(text)
    if seconds < MIN_RETENTION_S:
        raise ValueError(
            f"retention {text!r} is shorter than {format_duration(MIN_RETENTION_S)}; "
            "use 'forever' to keep every span"
        )
    if seconds > MAX_RETENTION_S:
        raise ValueError(f"retention {text!r} is longer than 100 years; use 'forever'")
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
    connection: Connection,
    older_than_ns: int,
    *,
    batch_rows: int = PURGE_BATCH_ROWS,
    max_batches: int | None = None,
) -> int:
    """Delete the spans that started before ``older_than_ns``; return how many were deleted.

    Args:
        connection: A writable connection to the store.
        older_than_ns: The cutoff, Unix time in nanoseconds.
        batch_rows: Rows per transaction.
        max_batches: Stop after this many transactions (``None``: until none are left).

    Raises:
        sqlite3.Error: a batch could not be deleted; the batches before it stay deleted.
    """
    deleted = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        with immediate_transaction(connection):
            # id is SQLite's rowid (an INTEGER PRIMARY KEY), and PostgreSQL has no rowid.
            cursor = connection.execute(
                "DELETE FROM spans WHERE id IN "
                "(SELECT id FROM spans WHERE start_time_ns < ? LIMIT ?)",
                (older_than_ns, batch_rows),
            )
        deleted += cursor.rowcount
        batches += 1
        if cursor.rowcount < batch_rows:
            break
    return deleted


class RetentionSchedule:
    """Decides when a writer purges expired spans, and does it.

    Not thread-safe on its own: each writer keeps one and calls it under its write lock.

    Args:
        retention_s: Keep spans this long; ``None`` keeps every span.
        interval_s: Seconds between purge steps once no backlog is left (the first write
            purges at once).
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
        self._has_backlog = False

    @property
    def has_backlog(self) -> bool:
        """Whether the last step deleted a full batch, so more expired spans may be left."""
        return self._has_backlog

    def after_write(self, connection: Connection) -> int:
        """Run one purge step if one is due; return the spans deleted. Never raises.

        A step is due when the last one left a backlog, or :data:`PURGE_INTERVAL_S` after the
        last one. A failed step is logged (at most once per interval, as steps are) and tried
        again after the interval; the write that came before it stands.
        """
        if self.retention_s is None:
            return 0
        now = self._monotonic()
        recent = self._last_attempt is not None and now - self._last_attempt < self._interval_s
        if recent and not self._has_backlog:
            return 0
        self._last_attempt = now
        cutoff_ns = max(INT64_MIN, int((self._wall_clock() - self.retention_s) * 1e9))
        try:
            deleted = purge_spans(connection, cutoff_ns, max_batches=1)
        except sqlite3.Error as exc:
            self._has_backlog = False
            logger.warning("Could not delete expired spans (%s: %s)", type(exc).__name__, exc)
            return 0
        self._has_backlog = deleted >= PURGE_BATCH_ROWS
        if deleted:
            logger.debug(
                "Deleted %d spans older than %s", deleted, format_duration(self.retention_s)
            )
        return deleted
