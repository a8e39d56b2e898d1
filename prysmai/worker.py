"""The background thread that turns finished calls into telemetry, off the caller's thread.

One worker serves every monitored client of the process. Producers only append to a bounded
queue; when it is full the call is dropped and counted, never waited for.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from collections import deque
from typing import TYPE_CHECKING, Final

from prysmai.faults import report_fault

if TYPE_CHECKING:
    from prysmai.call import CallRecord

logger = logging.getLogger(__name__)

MAX_QUEUED_CALLS: Final = 10_000
"""Finished calls waiting for the worker; beyond this new ones are dropped and counted."""

_BATCH_WINDOW_S: Final = 0.05
"""After waking, the worker waits this long so that a burst of calls is handled in one go."""


class Worker:
    """A daemon thread draining finished calls into their recorders."""

    def __init__(self, max_queued: int = MAX_QUEUED_CALLS) -> None:
        self._queue: deque[CallRecord] = deque()
        self._max_queued = max_queued
        self._wake = threading.Event()
        self._submitted = itertools.count(1)
        self._last_submitted = 0
        self._processed = 0
        self._dropped = 0
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._last_drop_warning = 0.0

    @property
    def dropped(self) -> int:
        """Calls dropped because the queue was full."""
        return self._dropped

    def submit(self, call: CallRecord) -> None:
        """Queue a finished call; never blocks."""
        if len(self._queue) >= self._max_queued:
            self._dropped += 1
            self._warn_dropped()
            return
        self._queue.append(call)
        self._last_submitted = next(self._submitted)
        if self._thread is None:
            self._start()
        if not self._wake.is_set():
            self._wake.set()

    def flush(self, timeout_s: float = 5.0) -> bool:
        """Wait until every call queued so far has been handled; return False on timeout."""
        target = self._last_submitted
        deadline = time.monotonic() + timeout_s
        self._wake.set()
        while self._processed < target:
            if time.monotonic() >= deadline or self._thread is None:
                return not self._queue
            time.sleep(0.002)
        return True

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is not None:
                return
            thread = threading.Thread(target=self._run, name="prysmai-recorder", daemon=True)
            thread.start()
            self._thread = thread

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(_BATCH_WINDOW_S)
            self._wake.clear()
            self._drain()

    def _drain(self) -> None:
        queue = self._queue
        while queue:
            call = queue.popleft()
            try:
                call.recorder.process(call)
            except Exception:
                report_fault("recording a call", in_background=True)
            finally:
                self._processed += 1

    def _warn_dropped(self) -> None:
        now = time.monotonic()
        if now - self._last_drop_warning >= 60.0:
            self._last_drop_warning = now
            logger.warning(
                "prysmai's call queue is full (%d calls); dropped a call's telemetry, %d so far",
                self._max_queued,
                self._dropped,
            )

    def reset_after_fork(self) -> None:
        """Forget the parent's thread and queue in a forked child."""
        self._queue = deque()
        self._wake = threading.Event()
        self._thread = None
        self._start_lock = threading.Lock()
        self._submitted = itertools.count(1)
        self._last_submitted = 0
        self._processed = 0


_worker = Worker()


def get_worker() -> Worker:
    """Return the process's worker."""
    return _worker


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_worker.reset_after_fork)
