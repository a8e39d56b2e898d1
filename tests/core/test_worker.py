"""The background queue is bounded: overflow is dropped, counted and warned about."""

from __future__ import annotations

import logging
import threading

from prysmai.worker import Worker


class _SlowRecorder:
    def __init__(self) -> None:
        self.release = threading.Event()
        self.processed = 0

    def process(self, call: object) -> None:
        self.release.wait(5)
        self.processed += 1


class _Call:
    def __init__(self, recorder: _SlowRecorder) -> None:
        self.recorder = recorder


def test_a_full_queue_drops_and_counts_instead_of_blocking(caplog):
    recorder = _SlowRecorder()
    worker = Worker(max_queued=10)

    with caplog.at_level(logging.WARNING, logger="prysmai.worker"):
        for _ in range(50):
            worker.submit(_Call(recorder))  # type: ignore[arg-type]

    assert 39 <= worker.dropped <= 40  # the worker may already hold one call
    assert any("queue is full" in r.getMessage() for r in caplog.records)
    recorder.release.set()
    assert worker.flush(5)
    assert recorder.processed == 50 - worker.dropped
