"""Keeps daemon threads out of the scanners' native code once the interpreter exits.

RE2 and Hyperscan run with the GIL released; a daemon thread inside them when the interpreter
finalises is torn down while it tries to take the GIL back, which aborts the whole process
("terminate called without an active exception", exit status 134). Every public entry into the
scanners (:func:`prysmai.security.scan`, ``detect_pii``, ``redact``) is wrapped in
:func:`gated`. At exit the gate admits no new daemon-thread scans and waits up to
:data:`EXIT_WAIT_S` for those in flight; a daemon thread stops at its scan's next
:func:`checkpoint` (between stages, each a short native call), so a long scan does not hold
the exit up. A stopped daemon thread waits in Python for good: the process ends around it.
Ordinary threads, prysmai's worker among them, keep scanning: Python waits for them anyway.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable
from typing import Final, ParamSpec, TypeVar

from prysmai.exit_hooks import call_before_exit_join

EXIT_WAIT_S: Final = 1.0
"""How long the exit waits for daemon threads' scans in flight."""

_P = ParamSpec("_P")
_R = TypeVar("_R")


class _ExitGate:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight = 0
        self._depth = threading.local()
        self.closed = False

    def enter(self) -> bool:
        """Call before a scan; returns whether :meth:`leave` must follow."""
        if not threading.current_thread().daemon:
            return False
        depth = getattr(self._depth, "value", 0)
        if depth:  # a scan inside a scan (scan() runs detect_pii) counts once
            self._depth.value = depth + 1
            return True
        with self._lock:
            if not self.closed:
                self._in_flight += 1
                self._depth.value = 1
                return True
        _wait_for_the_end()
        return False  # pragma: no cover - the wait never returns

    def leave(self) -> None:
        depth = self._depth.value - 1
        self._depth.value = depth
        if not depth:
            with self._lock:
                self._in_flight -= 1

    def checkpoint(self) -> None:
        """Stop a daemon thread's scan here once the exit has begun."""
        if not self.closed or not getattr(self._depth, "value", 0):
            return
        self._depth.value = 0
        with self._lock:
            self._in_flight -= 1
        _wait_for_the_end()

    def close(self) -> None:
        """Let no daemon thread start a scan; wait up to a second for those in flight."""
        with self._lock:
            self.closed = True
        deadline = time.monotonic() + EXIT_WAIT_S
        while self._in_flight and time.monotonic() < deadline:
            time.sleep(0.002)

    def reset_after_fork(self) -> None:
        self._lock = threading.Lock()
        self._in_flight = 0
        self._depth = threading.local()


def _wait_for_the_end() -> None:
    threading.Event().wait()  # never set: this daemon thread ends with the process


_gate = _ExitGate()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_gate.reset_after_fork)
call_before_exit_join(_gate.close)


def gated(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Wrap a public scanner entry point in the exit gate."""

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        entered = _gate.enter()
        try:
            return function(*args, **kwargs)
        finally:
            if entered:
                _gate.leave()

    return wrapper


def checkpoint() -> None:
    """Between two stages of a scan: a daemon thread stops here once the exit has begun."""
    if _gate.closed:
        _gate.checkpoint()
