"""Alert rules, their state and their notification history in the store (SQLite or PostgreSQL).

Rules are written by ``prysmai alerts`` and read by the evaluator in ``prysmai serve``; state
and history are written by the evaluator only. Each lives in its own table (see
:mod:`prysmai.store_schema`), so a rule edited from the CLI never races the evaluator's
writes of its state.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, Final, Literal

from prysmai.closing import ClosedOnExit
from prysmai.collector.alert_rules import (
    AlertRule,
    RuleError,
    channel_from_json,
    parse_metric,
    parse_operator,
)
from prysmai.store_dialect import (
    EVALUATION_LOCK_KEY,
    Connection,
    dialect_of,
    is_missing_table,
)
from prysmai.store_location import StoreLocation
from prysmai.store_queries import dump_json
from prysmai.store_schema import connect_for_reading, connect_for_writing, immediate_transaction

HISTORY_LIMIT: Final = 10_000
"""Notifications kept in ``alert_history``; older ones are deleted as new ones arrive."""

State = Literal["ok", "firing"]

_RULE_COLUMNS: Final = (
    "id, name, metric, operator, threshold, window_s, model, provider, channels, repeat_s,"
    " enabled, created_ns"
)
_STATE_COLUMNS: Final = (
    "rule_id, state, since_ns, last_value, evaluated_ns, event, event_ns, notified_ns, pending"
)
_STATE_NAMES: Final = tuple(_STATE_COLUMNS.split(", "))
_HISTORY_COLUMNS: Final = "id, rule_id, rule_name, time_ns, event, value, channel, delivered, error"


@dataclass(frozen=True, slots=True)
class AlertState:
    """Where a rule stands after its last evaluation."""

    rule_id: int
    state: State
    since_ns: int
    """When the rule entered ``state``."""
    last_value: float | None
    """The metric at the last evaluation; ``None`` when the window held no data."""
    evaluated_ns: int
    event: str | None = None
    """The last notification issued: ``firing`` or ``resolved``."""
    event_ns: int | None = None
    """When ``event`` was issued: repeats of a firing rule count from here."""
    notified_ns: int | None = None
    """The last time a notification reached at least one channel."""
    pending: tuple[int, ...] = ()
    """Indexes of the rule's channels that ``event`` has not reached yet (retried)."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """One notification to one channel, as the history records it."""

    rule_id: int
    rule_name: str
    time_ns: int
    event: str
    """``firing``, ``resolved``, ``repeat`` or ``test``."""
    value: float | None
    channel: str
    """The channel as :meth:`~prysmai.collector.alert_rules.UrlChannel.describe` shows it
    (URLs masked)."""
    delivered: bool
    error: str | None = None
    id: int = 0


class AlertStore(ClosedOnExit):
    """Alert tables of a store file.

    Safe to share between threads (one connection behind a lock).

    Args:
        path: The SQLite file or PostgreSQL database; created and migrated unless
            ``read_only``.
        read_only: Open the store read-only (the dashboard); a store without tables reads as
            empty and writes raise.

    Raises:
        OSError: the file cannot be created.
        sqlite3.Error: the file is not a usable SQLite database (or the PostgreSQL server
            cannot be reached); the message names the store.
    """

    def __init__(self, path: StoreLocation, *, read_only: bool = False) -> None:
        self._lock = threading.Lock()
        self._connection: Connection | None
        try:
            self._connection = connect_for_reading(path) if read_only else connect_for_writing(path)
        except sqlite3.Error as exc:
            # SQLite's messages ("file is not a database") name no file.
            if str(path) in str(exc):  # a PostgreSQL connection failure names it already
                raise
            raise type(exc)(f"cannot use the store {path}: {exc}") from exc

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            if self._connection is not None:
                with suppress(sqlite3.Error):
                    self._connection.close()
                self._connection = None

    # Rules

    def add(self, rule: AlertRule) -> AlertRule:
        """Store a new rule and return it with its id.

        Raises:
            RuleError: a rule with that name exists already.
        """
        created_ns = time.time_ns()
        channels = dump_json([channel.to_json() for channel in rule.channels])
        try:
            rule_id = self._insert(
                "INSERT INTO alert_rules (name, metric, operator, threshold, window_s, model,"
                " provider, channels, repeat_s, enabled, created_ns)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    rule.name,
                    rule.metric,
                    rule.operator,
                    rule.threshold,
                    rule.window_s,
                    rule.model,
                    rule.provider,
                    channels,
                    rule.repeat_s,
                    int(rule.enabled),
                    created_ns,
                ),
            )
        except sqlite3.IntegrityError:
            raise RuleError(f"a rule named {rule.name!r} exists already") from None
        return self.find(str(rule_id))

    def rules(self, *, enabled_only: bool = False) -> list[AlertRule]:
        """Return the rules, oldest first."""
        condition = " WHERE enabled = 1" if enabled_only else ""
        rows = self._read(f"SELECT {_RULE_COLUMNS} FROM alert_rules{condition} ORDER BY id", ())
        return [_rule(row) for row in rows]

    def find(self, which: str) -> AlertRule:
        """Return the rule with the id or name ``which``.

        Raises:
            LookupError: no rule has that id or name.
        """
        which = which.strip()
        value: int | str
        if which.isascii() and which.isdigit() and len(which) <= 18:
            condition, value = "id = ?", int(which)
        else:
            condition, value = "name = ?", which
        rows = self._read(f"SELECT {_RULE_COLUMNS} FROM alert_rules WHERE {condition}", (value,))
        if not rows:
            raise LookupError(f"no alert rule has the id or name {which!r} (see 'alerts list')")
        return _rule(rows[0])

    def remove(self, which: str) -> AlertRule:
        """Delete the rule ``which`` (id or name) and its state; its history stays.

        Raises:
            LookupError: no rule has that id or name.
        """
        rule = self.find(which)
        self._write_many(
            (
                ("DELETE FROM alert_rules WHERE id = ?", (rule.id,)),
                ("DELETE FROM alert_state WHERE rule_id = ?", (rule.id,)),
            )
        )
        return rule

    def set_enabled(self, which: str, enabled: bool) -> AlertRule:
        """Enable or disable the rule ``which``; disabling also forgets its state.

        Raises:
            LookupError: no rule has that id or name.
        """
        rule = self.find(which)
        statements: list[tuple[str, tuple[object, ...]]] = [
            ("UPDATE alert_rules SET enabled = ? WHERE id = ?", (int(enabled), rule.id))
        ]
        if not enabled:
            # A rule switched back on starts from "ok" instead of resuming an old firing.
            statements.append(("DELETE FROM alert_state WHERE rule_id = ?", (rule.id,)))
        self._write_many(statements)
        return self.find(str(rule.id))

    # State

    def states(self) -> dict[int, AlertState]:
        """Return the state of every rule evaluated so far, by rule id."""
        rows = self._read(f"SELECT {_STATE_COLUMNS} FROM alert_state", ())
        return {int(row[0]): _state(row) for row in rows}

    def save_state(self, state: AlertState, deliveries: Iterable[Delivery] = ()) -> None:
        """Store ``state`` and append ``deliveries`` to the history, in one transaction."""
        statements: list[tuple[str, tuple[object, ...]]] = [
            (
                dialect_of(self._writable()).replace_into(
                    "alert_state", _STATE_NAMES, ("rule_id",)
                ),
                (
                    state.rule_id,
                    state.state,
                    state.since_ns,
                    state.last_value,
                    state.evaluated_ns,
                    state.event,
                    state.event_ns,
                    state.notified_ns,
                    json.dumps(list(state.pending)),
                ),
            )
        ]
        statements.extend(_history_statements(deliveries))
        self._write_many(statements)

    # History

    def record(self, deliveries: Iterable[Delivery]) -> None:
        """Append ``deliveries`` to the history (test notifications)."""
        self._write_many(_history_statements(deliveries))

    def history(self, limit: int = 100, rule_id: int | None = None) -> list[Delivery]:
        """Return the latest notifications, newest first."""
        condition, params = ("", ()) if rule_id is None else (" WHERE rule_id = ?", (rule_id,))
        rows = self._read(
            f"SELECT {_HISTORY_COLUMNS} FROM alert_history{condition} ORDER BY id DESC LIMIT ?",
            (*params, limit),
        )
        return [
            Delivery(
                id=int(row[0]),
                rule_id=int(row[1]),
                rule_name=str(row[2]),
                time_ns=int(row[3]),
                event=str(row[4]),
                value=None if row[5] is None else float(row[5]),
                channel=str(row[6]),
                delivered=bool(row[7]),
                error=None if row[8] is None else str(row[8]),
            )
            for row in rows
        ]

    # Evaluation

    @contextmanager
    def exclusive_evaluation(self) -> Iterator[bool]:
        """Yield whether this process may evaluate the rules now, and hold that until the end.

        Collectors sharing a PostgreSQL database take turns through an advisory lock: one that
        finds another evaluating skips its turn (``False``), so no rule is evaluated twice at
        once and no notification is sent twice. A SQLite store is evaluated by one collector
        (see the README), so this yields ``True``.
        """
        with self._lock:
            connection = self._writable()
            dialect = dialect_of(connection)
            acquired = True
            if dialect.try_lock is not None:
                row = connection.execute(dialect.try_lock, (EVALUATION_LOCK_KEY,)).fetchone()
                acquired = bool(row[0])
        try:
            yield acquired
        finally:
            if acquired and dialect.unlock is not None:
                with self._lock, suppress(sqlite3.Error):
                    # Closing the session would release it too; a pass ends before that.
                    connection.execute(dialect.unlock, (EVALUATION_LOCK_KEY,))

    # Plumbing

    def _read(self, sql: str, params: tuple[object, ...]) -> list[tuple[Any, ...]]:
        with self._lock:
            if self._connection is None:
                return []
            try:
                return self._connection.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                # A read-only view of a store whose migrations have not run yet: no alerts.
                if is_missing_table(exc):
                    return []
                raise

    def _insert(self, sql: str, params: tuple[object, ...]) -> int:
        """Run an ``INSERT`` and return the new row's id."""
        with self._lock:
            connection = self._writable()
            if isinstance(connection, sqlite3.Connection):
                return int(connection.execute(sql, params).lastrowid or 0)
            # PostgreSQL has no last row id: the statement returns it.
            return int(connection.execute(f"{sql} RETURNING id", params).fetchone()[0])

    def _write_many(self, statements: Iterable[tuple[str, tuple[object, ...]]]) -> None:
        with self._lock:
            with immediate_transaction(self._writable()) as connection:
                for sql, params in statements:
                    connection.execute(sql, params)

    def _writable(self) -> Connection:
        if self._connection is None:
            raise sqlite3.OperationalError("the alert store is closed or read-only")
        return self._connection


def _history_statements(
    deliveries: Iterable[Delivery],
) -> list[tuple[str, tuple[object, ...]]]:
    statements: list[tuple[str, tuple[object, ...]]] = [
        (
            "INSERT INTO alert_history (rule_id, rule_name, time_ns, event, value, channel,"
            " delivered, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                item.rule_id,
                item.rule_name,
                item.time_ns,
                item.event,
                item.value,
                item.channel,
                int(item.delivered),
                item.error,
            ),
        )
        for item in deliveries
    ]
    if statements:
        # The id is the insertion order, so this keeps the newest HISTORY_LIMIT rows.
        statements.append(
            (
                "DELETE FROM alert_history WHERE id <= (SELECT MAX(id) FROM alert_history) - ?",
                (HISTORY_LIMIT,),
            )
        )
    return statements


def _rule(row: tuple[Any, ...]) -> AlertRule:
    channels = json.loads(str(row[8]))
    if not isinstance(channels, list):
        raise RuleError(f"alert rule {row[0]} has unreadable channels")
    return AlertRule(
        id=int(row[0]),
        name=str(row[1]),
        metric=parse_metric(str(row[2])),
        operator=parse_operator(str(row[3])),
        threshold=float(row[4]),
        window_s=int(row[5]),
        model=None if row[6] is None else str(row[6]),
        provider=None if row[7] is None else str(row[7]),
        channels=tuple(channel_from_json(item) for item in channels),
        repeat_s=int(row[9]),
        enabled=bool(row[10]),
        created_ns=int(row[11]),
    )


def _state(row: tuple[Any, ...]) -> AlertState:
    pending = json.loads(str(row[8]))
    return AlertState(
        rule_id=int(row[0]),
        state="firing" if row[1] == "firing" else "ok",
        since_ns=int(row[2]),
        last_value=None if row[3] is None else float(row[3]),
        evaluated_ns=int(row[4]),
        event=None if row[5] is None else str(row[5]),
        event_ns=None if row[6] is None else int(row[6]),
        notified_ns=None if row[7] is None else int(row[7]),
        pending=tuple(int(index) for index in pending) if isinstance(pending, list) else (),
    )
