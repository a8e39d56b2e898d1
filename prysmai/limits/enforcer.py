"""Applies one client's usage limits: a check before each request leaves, usage added afterwards.

Just before a request leaves, :meth:`LimitEnforcer.admit` checks every limit and counts the
request in one atomic step of the counter store: on the caller's thread, or for async clients
whose store does I/O (SQLite, Redis, PostgreSQL) in a worker thread, off the event loop. Tokens
and cost are only known once the call has been parsed, so the recorder's worker adds them with
:meth:`LimitEnforcer.add_usage`: the call that crosses a token or cost limit completes, and the
calls after it are refused.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Final

from prysmai import jsonutil
from prysmai.faults import USAGE_UNCOUNTED, report_fault
from prysmai.limits.refusal import Refusal
from prysmai.limits.spec import Metric, Scope, UsageLimit
from prysmai.limits.stores import Check, CounterStore, MemoryCounterStore

if TYPE_CHECKING:
    from prysmai.call import CallRecord

_GLOBAL: Final = str(Scope.GLOBAL)
_USER: Final = str(Scope.USER)
_SESSION: Final = str(Scope.SESSION)

_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_LONGEST_PLAIN_SCOPE: Final = 256
"""Longer user, session or model values are keyed by their digest (see :func:`counter_scope`)."""

UsageCounter = tuple[str, float, str]
"""A token or cost counter a sent call adds to later: key, window end, metric."""


class LimitEnforcer:
    """Checks and counts the calls of one monitored client against its limits.

    Args:
        limits: the limits, all applied to every call.
        store: where the counters live (shared by every enforcer given the same store).
        clock: Unix time in seconds; windows are computed from it.
    """

    def __init__(
        self,
        limits: Sequence[UsageLimit],
        store: CounterStore,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.limits = tuple(limits)
        self.store = store
        self.clock = clock
        self.store_does_io = not isinstance(store, MemoryCounterStore)
        """Whether a check may wait on a file or the network (async clients run it off the
        event loop then); checks in memory take microseconds and run inline."""
        # Per limit, what admit() needs as plain values (enum lookups cost on every call).
        self._plan = [
            (str(limit.scope), limit.limit, limit.metric == Metric.REQUESTS)
            for limit in self.limits
        ]
        self._tracks_usage = any(limit.metric != Metric.REQUESTS for limit in self.limits)
        # Each limit's current window and its counters' key prefix, recomputed only when the
        # clock leaves the window.
        self._windows = [(math.inf, -math.inf, "")] * len(self.limits)

    # --- caller's thread ---------------------------------------------------------------------
    def admit(self, call: CallRecord) -> Refusal | None:
        """Check ``call`` against every limit and count it; return a refusal if one is reached.

        Raises:
            sqlite3.Error, redis.RedisError, OSError: the counter store failed (PostgreSQL's
                failures are ``sqlite3.Error`` too); the caller lets the call go.
        """
        now = self.clock()
        checks: list[Check] = []
        placed: list[tuple[int, str, tuple[float, float, str]]] = []
        model: str | None = None
        model_read = False
        windows = self._windows
        for index, (scope, ceiling, counts_request) in enumerate(self._plan):
            value: str | None
            if scope == _GLOBAL:
                value = ""
            elif scope == _USER:
                value = _context_value(call, "x-prysm-user-id", "user_id")
            elif scope == _SESSION:
                value = _context_value(call, "x-prysm-session-id", "session_id")
            else:
                if not model_read:
                    model, model_read = _request_model(call), True
                value = model
            if value is None:
                # Calls without a user (session, model) are not held to per-user limits.
                continue
            if not value.isascii():
                value = safe_scope_value(value)
            window = windows[index]
            if not window[0] <= now < window[1]:
                window = self._enter_window(index, now)
            checks.append(
                Check(window[2] + counter_scope(value), ceiling, window[1], counts_request)
            )
            placed.append((index, value, window))
        if not checks:
            return None
        reached = self.store.admit(checks, now)
        if not reached:
            if self._tracks_usage:
                # Two limits with one name (say 1M and 5M tokens a day) share one counter: the
                # call's tokens are added to it once.
                counters = {
                    check.key: (check.key, check.window_end, str(self.limits[placed[i][0]].metric))
                    for i, check in enumerate(checks)
                    if not check.counts_request
                }
                if counters:
                    call.usage_limit_counters = list(counters.values())
            return None
        # Name the limit that holds the call back longest: its end is when a retry can pass.
        position, used = max(reached, key=lambda item: placed[item[0]][2][1])
        index, value, (start, end, _) = placed[position]
        limit = self.limits[index]
        return Refusal(
            limit=limit,
            used=used,
            scope_value=None if limit.scope == Scope.GLOBAL else value,
            window_start=start,
            window_end=end,
            now=now,
        )

    def _enter_window(self, index: int, now: float) -> tuple[float, float, str]:
        start, end = self.limits[index].window_bounds(now)
        window = (start, end, _key_prefix(self.limits[index], start))
        self._windows[index] = window
        return window

    # --- worker thread -----------------------------------------------------------------------
    def add_usage(
        self, counters: Sequence[UsageCounter], tokens: int | None, cost_usd: float | None
    ) -> None:
        """Add a finished call's tokens and cost to the counters it was checked against."""
        amounts: list[tuple[str, float, float]] = []
        for key, window_end, metric in counters:
            amount = tokens if metric == Metric.TOKENS else cost_usd
            if amount:
                amounts.append((key, window_end, float(amount)))
        if not amounts:
            return
        try:
            self.store.add(amounts, self.clock())
        except Exception:
            # The span is still emitted; only this call's usage is missing from the counters.
            report_fault(
                "adding usage to usage-limit counters", in_background=True, outcome=USAGE_UNCOUNTED
            )

    # --- inspection --------------------------------------------------------------------------
    def used(self, limit: UsageLimit, scope_value: str | None = None) -> float:
        """Return what ``limit``'s counter holds in the current window.

        Args:
            limit: one of the limits (or an equal one).
            scope_value: the user, session or model for a scoped limit.
        """
        start, _ = limit.window_bounds(self.clock())
        value = scope_value if scope_value is None else safe_scope_value(scope_value)
        if limit.scope == Scope.GLOBAL:
            value = ""
        return self.store.value(f"{_key_prefix(limit, start)}{counter_scope(value or '')}")


def safe_scope_value(value: str) -> str:
    r"""``value`` with lone surrogates (``json.loads('"\\ud800"')``) replaced by U+FFFD.

    They cannot be encoded as UTF-8, so a SQLite bind, a Redis key or a 429 body holding one
    would fail, and a failing check lets the call through unlimited.
    """
    return _SURROGATE.sub("\ufffd", value)


def counter_scope(value: str) -> str:
    """The part of a counter's key that names its user, session or model.

    A value as given, unless it is long or holds a NUL: then a digest of it. Stores index
    their keys (PostgreSQL refuses a key of more than about 2.7 KB, and a refused check lets
    the call through unlimited), and PostgreSQL text cannot hold NUL (replacing it with U+FFFD
    would merge two users whose ids differ only there).
    """
    if len(value) <= _LONGEST_PLAIN_SCOPE and "\x00" not in value:
        return value
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    return f"sha256:{digest}"


def _key_prefix(limit: UsageLimit, window_start: float) -> str:
    """Counters are keyed ``name|window start|scope value``; a new window is a new counter."""
    return f"{limit.name}|{window_start:.0f}|"


def _context_value(call: CallRecord, header: str, field: str) -> str | None:
    """The user or session id the call is recorded with: header first, then prysm_context."""
    headers = call.header_overrides
    if headers:
        found = headers.get(header)
        if found:
            return found
    default, scoped = call.context_snapshot
    value: str | None = getattr(scoped, field)
    return value if value is not None else getattr(default, field)


def _request_model(call: CallRecord) -> str | None:
    body = call.request_body
    if not body:
        return call.path_model
    try:
        payload = jsonutil.loads(body)
    except ValueError:
        return call.path_model
    model = payload.get("model") if isinstance(payload, dict) else None
    return model if isinstance(model, str) and model else call.path_model
