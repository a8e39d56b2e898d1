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
import weakref
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from prysmai.exit_hooks import call_before_exit_join
from prysmai.faults import report_fault

if TYPE_CHECKING:
    from prysmai.call import CallRecord

logger = logging.getLogger(__name__)

MAX_QUEUED_CALLS: Final = 10_000
"""Finished calls waiting for the worker; beyond this new ones are dropped and counted."""

_BATCH_WINDOW_S: Final = 0.05
"""After waking, the worker waits this long so that a burst of calls is handled in one go."""

EXIT_DRAIN_S: Final = 3.0
"""At interpreter exit, how long the worker goes on with queued calls once the application's
own threads have ended; calls still queued then are dropped and counted."""


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
        self._exiting = threading.Event()

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
            thread = self._thread
            if time.monotonic() >= deadline or thread is None or not thread.is_alive():
                return not self._queue
            time.sleep(0.002)
        return True

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is not None:
                return
            # A daemon thread caught inside the scanners' native code (RE2, Hyperscan) when the
            # interpreter finalises aborts the whole process ("terminate called without an
            # active exception", exit status 134). So the worker is an ordinary thread, which
            # Python waits for at exit, and a hook run before that wait tells it to finish.
            stops_at_exit = call_before_exit_join(self._finish_at_exit)
            thread = threading.Thread(
                target=self._run, name="prysmai-recorder", daemon=not stops_at_exit
            )
            _worker_threads.add(thread)
            thread.start()
            self._thread = thread

    def _run(self) -> None:
        exiting = self._exiting
        while not exiting.is_set():
            self._wake.wait()
            if not exiting.is_set():
                time.sleep(_BATCH_WINDOW_S)
            self._wake.clear()
            self._drain(exiting.is_set)
        # The application's other threads may still be making calls: record those too, then
        # what is queued, for a bounded time.
        while _other_threads_keep_the_process_alive():
            self._wake.wait(0.1)
            self._wake.clear()
            self._drain(lambda: not _other_threads_keep_the_process_alive())
        deadline = time.monotonic() + EXIT_DRAIN_S
        self._drain(lambda: time.monotonic() >= deadline)
        if self._queue:
            self._drop_at_exit()

    def _finish_at_exit(self) -> None:
        self._exiting.set()
        self._wake.set()

    def _drain(self, should_stop: Callable[[], bool]) -> None:
        """Record queued calls, oldest first, until none is left or ``should_stop()``."""
        queue = self._queue
        while queue and not should_stop():
            call = queue.popleft()
            try:
                call.recorder.process(call)
            except Exception:
                report_fault("recording a call", in_background=True)
            finally:
                self._processed += 1

    def _drop_at_exit(self) -> None:
        dropped = len(self._queue)
        self._queue.clear()
        self._dropped += dropped
        logger.warning(
            "prysmai dropped the telemetry of %d calls still queued %.0f s into the exit",
            dropped,
            EXIT_DRAIN_S,
        )

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
        self._exiting = threading.Event()
        self._thread = None
        self._start_lock = threading.Lock()
        self._submitted = itertools.count(1)
        self._last_submitted = 0
        self._processed = 0


_worker_threads: weakref.WeakSet[threading.Thread] = weakref.WeakSet()
"""The threads of every worker: they finish at exit themselves and must not wait for each other."""


def _other_threads_keep_the_process_alive() -> bool:
    """Whether a non-daemon thread of the application (not a worker, not main) still runs."""
    main = threading.main_thread()
    return any(
        thread.is_alive()
        and not thread.daemon
        and thread is not main
        and thread not in _worker_threads
        for thread in threading.enumerate()
    )


_worker = Worker()


def get_worker() -> Worker:
    """Return the process's worker."""
    return _worker


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_worker.reset_after_fork)
