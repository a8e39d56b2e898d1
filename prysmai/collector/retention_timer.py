"""Retention steps on a timer, so that a collector's store is cleaned while no spans arrive."""

from __future__ import annotations

from typing import Final

from prysmai.collector.periodic import PeriodicThread
from prysmai.collector.writer import SpanWriter

IDLE_CHECK_S: Final = 30.0
"""How often an idle collector asks whether a retention step is due (the step itself runs at
most every ten minutes once the backlog is gone)."""
BACKLOG_PAUSE_S: Final = 0.2
"""Pause between steps while expired spans are left: writers get the store in between."""


class RetentionTimer(PeriodicThread):
    """Runs :meth:`SpanWriter.purge_step` from start until stopped; the first step at once."""

    def __init__(self, writer: SpanWriter) -> None:
        super().__init__("prysmai-retention", first_delay_s=0.0)
        self._writer = writer

    def step(self) -> float:
        """Run one retention step; come back soon while expired spans are left."""
        self._writer.purge_step()
        return BACKLOG_PAUSE_S if self._writer.has_purge_backlog else IDLE_CHECK_S
