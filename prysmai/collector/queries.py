"""Dashboard reads that ``TraceStore`` does not offer: threat counts and the security log."""

from __future__ import annotations

from contextlib import closing
from typing import Final

from prysmai import semconv
from prysmai.store_dialect import Dialect, dialect_of
from prysmai.store_location import StoreLocation
from prysmai.store_queries import TraceRow, to_trace_row, trace_row_columns
from prysmai.store_schema import INT64_MAX, INT64_MIN, connect_for_reading

FLAGGED_LEVELS: Final = ("low", "medium", "high")
"""Threat levels that put a call in the security log (everything but ``clean``)."""
BLOCKED_ACTIONS: Final = ("blocked", "response_blocked")


def _security_condition(dialect: Dialect) -> str:
    action = dialect.json_text("attributes", semconv.SECURITY_ACTION)
    return (
        f"operation IS NOT NULL AND (threat_level IN ({', '.join('?' * len(FLAGGED_LEVELS))})"
        f" OR {action} IN ({', '.join('?' * len(BLOCKED_ACTIONS))}))"
    )


def threat_counts(
    path: StoreLocation, since_ns: int | None, until_ns: int | None = None
) -> dict[str, int]:
    """Return the number of model calls per threat level from ``since_ns`` to ``until_ns``.

    ``None`` leaves that end of the range open.

    Raises:
        sqlite3.Error: the store cannot be read.
    """
    connection = connect_for_reading(path)
    if connection is None:
        return {}
    with closing(connection):
        rows = connection.execute(
            "SELECT threat_level, COUNT(*) FROM spans WHERE operation IS NOT NULL"
            " AND threat_level IS NOT NULL AND start_time_ns >= ? AND start_time_ns <= ?"
            " GROUP BY threat_level",
            (
                since_ns if since_ns is not None else INT64_MIN,
                until_ns - 1 if until_ns is not None else INT64_MAX,
            ),
        ).fetchall()
    return {str(level): int(count) for level, count in rows}


def security_log(path: StoreLocation, limit: int, since_ns: int | None = None) -> list[TraceRow]:
    """Return flagged or blocked model calls, newest first, attributes loaded.

    Raises:
        sqlite3.Error: the store cannot be read.
    """
    connection = connect_for_reading(path)
    if connection is None:
        return []
    columns = trace_row_columns(with_documents=True)
    with closing(connection):
        rows = connection.execute(
            f"SELECT {', '.join(columns)} FROM spans"
            f" WHERE {_security_condition(dialect_of(connection))}"
            " AND start_time_ns >= ? ORDER BY start_time_ns DESC, id DESC LIMIT ?",
            (
                *FLAGGED_LEVELS,
                *BLOCKED_ACTIONS,
                since_ns if since_ns is not None else INT64_MIN,
                limit,
            ),
        ).fetchall()
    return [to_trace_row(row, with_documents=True) for row in rows]
