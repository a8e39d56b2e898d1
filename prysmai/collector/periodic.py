"""A daemon thread that runs a step, waits, and runs it again until stopped."""

from __future__ import annotations

import threading


class PeriodicThread:
    """Runs :meth:`step` on a daemon thread; the delay before each step comes from the last one.

    Subclasses give the first delay and :meth:`step`, which returns the delay until the next.

    Args:
        name: The thread's name, as it shows in thread dumps.
        first_delay_s: Seconds between :meth:`start` and the first step.
    """

    def __init__(self, name: str, first_delay_s: float) -> None:
        self._name = name
        self._first_delay_s = first_delay_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 2.0) -> None:
        """Ask the thread to stop and wait up to ``timeout_s`` for the step in progress.

        A step is not cut short; the daemon thread ends with the process if it outlives the wait.
        """
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def step(self) -> float:
        """Do one round of work; return the seconds to wait before the next."""
        raise NotImplementedError

    def _run(self) -> None:
        delay = self._first_delay_s
        while not self._stop.wait(delay):
            delay = self.step()
