"""The background thread of ``prysmai serve`` that evaluates alert rules every few seconds.

It shares nothing with the request threads but the database file (its own connections, WAL
mode), so a slow webhook or a slow evaluation never delays the receiver; the next evaluation
simply starts later. Any failure is logged and the thread carries on.
"""

from __future__ import annotations

import logging
import time
from typing import Final

from prysmai.collector.alert_engine import AlertEvaluator
from prysmai.collector.periodic import PeriodicThread

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL_S: Final = 30.0
FAILURE_LOG_INTERVAL_S: Final = 600.0
"""At most one error log per this many seconds while evaluations keep failing."""


class AlertScheduler(PeriodicThread):
    """Runs :meth:`AlertEvaluator.evaluate` every ``interval_s`` seconds on a daemon thread.

    The first evaluation happens one interval after :meth:`start`.

    Args:
        evaluator: What to run.
        interval_s: Seconds between the end of one evaluation and the start of the next.
    """

    def __init__(self, evaluator: AlertEvaluator, interval_s: float = DEFAULT_INTERVAL_S) -> None:
        if not interval_s > 0:
            raise ValueError("the alert interval must be positive")
        super().__init__("prysmai-alerts", first_delay_s=interval_s)
        self.evaluator = evaluator
        self.interval_s = interval_s
        self._last_failure_log: float | None = None
        self._failures = 0

    def step(self) -> float:
        """Evaluate once; the next evaluation is one interval after this one ends."""
        self.run_once()
        return self.interval_s

    def run_once(self) -> None:
        """Evaluate once; never raises."""
        try:
            self.evaluator.evaluate()
        except Exception as exc:  # the server must outlive a broken store or a bug here
            self._failures += 1
            now = time.monotonic()
            last = self._last_failure_log
            if last is None or now - last >= FAILURE_LOG_INTERVAL_S:
                self._last_failure_log = now
                logger.error(
                    "Alert evaluation failed (%d times so far): %s: %s",
                    self._failures,
                    type(exc).__name__,
                    exc,
                )
        else:
            self._failures = 0
            self._last_failure_log = None
