"""Retention steps on a timer, so that a collector's store is cleaned while no spans arrive."""

from __future__ import annotations

import threading
from typing import Final

from prysmai.collector.writer import SpanWriter

IDLE_CHECK_S: Final = 30.0
"""How often an idle collector asks whether a retention step is due (the step itself runs at
most every ten minutes once the backlog is gone)."""
BACKLOG_PAUSE_S: Final = 0.2
"""Pause between steps while expired spans are left: writers get the store in between."""


class RetentionTimer:
    """A daemon thread that runs :meth:`SpanWriter.purge_step` from start until stopped."""

    def __init__(self, writer: SpanWriter) -> None:
        self._writer = writer
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (once); its first step runs at once."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="prysmai-retention", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 2.0) -> None:
        """Ask the thread to stop and wait up to ``timeout_s`` for its current step."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def _run(self) -> None:
        delay = 0.0
        while not self._stop.wait(delay):
            self._writer.purge_step()
            delay = BACKLOG_PAUSE_S if self._writer.has_purge_backlog else IDLE_CHECK_S
