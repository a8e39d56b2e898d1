"""What happens when prysmai itself fails: log (rate-limited), count, and let the call go on.

Under test, :func:`set_strict` makes the same faults raise, so they cannot hide.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Final

logger = logging.getLogger("prysmai")

_LOG_INTERVAL_S: Final = 60.0

CALL_UNOBSERVED: Final = "the application's call goes on unobserved"
"""What follows most faults: prysmai steps aside and the call is not recorded."""
CALL_UNLIMITED: Final = "the call goes on without its usage limits this time (it is still recorded)"
"""What follows a usage-limit counter store failing during the check before a call."""
USAGE_UNCOUNTED: Final = (
    "the call's tokens and cost are missing from its usage-limit counters (it is still recorded)"
)
"""What follows a usage-limit counter store failing when a finished call's usage is added."""

_lock = threading.Lock()
_last_logged: dict[str, float] = {}
_counts: dict[str, int] = {}
_strict = False
_strict_errors: list[BaseException] = []


def set_strict(enabled: bool) -> None:
    """Make internal faults raise instead of being swallowed (for the test-suite)."""
    global _strict
    _strict = enabled


def is_strict() -> bool:
    """Return whether internal faults raise."""
    return _strict


def fault_counts() -> dict[str, int]:
    """Return how often each kind of internal fault happened in this process."""
    with _lock:
        return dict(_counts)


def take_strict_errors() -> list[BaseException]:
    """Return and forget the faults kept in strict mode by background threads."""
    with _lock:
        errors = list(_strict_errors)
        _strict_errors.clear()
    return errors


def report_fault(what: str, *, in_background: bool = False, outcome: str = CALL_UNOBSERVED) -> None:
    """Record an internal fault; call it inside ``except``.

    ``what`` names the fault (its count's key; logged as "prysmai failed while <what>") and
    ``outcome`` says what that means for the application's call. The first occurrence of each
    kind per minute is logged with its traceback; the rest are only counted. In strict mode the
    active exception is raised again, or, for faults in a background thread (which must keep
    running), kept for :func:`take_strict_errors`.
    """
    now = time.monotonic()
    with _lock:
        _counts[what] = _counts.get(what, 0) + 1
        last = _last_logged.get(what)
        should_log = last is None or now - last >= _LOG_INTERVAL_S
        if should_log:
            _last_logged[what] = now
    if should_log:
        logger.warning(
            "prysmai failed while %s; %s",
            what,
            outcome,
            exc_info=sys.exc_info()[0] is not None,
        )
    error = sys.exc_info()[1]
    if _strict and error is not None:
        if in_background:
            with _lock:
                _strict_errors.append(error)
            return
        raise error
