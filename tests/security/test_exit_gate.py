"""The exit gate: daemon threads stop at a scan's next stage once the interpreter exits."""

from __future__ import annotations

import threading

from prysmai.security.exit_gate import _ExitGate


def test_a_daemon_scan_in_flight_stops_at_its_next_checkpoint_and_frees_the_exit():
    gate = _ExitGate()
    started, passed = threading.Event(), threading.Event()

    def daemon_scan() -> None:
        assert gate.enter()
        assert gate.enter()  # a scan inside a scan counts once
        started.set()
        while not gate.closed:
            threading.Event().wait(0.001)
        gate.checkpoint()  # never returns once the exit has begun
        passed.set()

    threading.Thread(target=daemon_scan, daemon=True).start()
    started.wait(5)
    gate.close()

    assert gate._in_flight == 0  # close() stopped waiting because the scan left, not by timeout
    assert not passed.wait(0.05)


def test_nested_entries_leave_once_and_ordinary_threads_are_never_gated():
    gate = _ExitGate()
    counts: list[int] = []

    def daemon_scan() -> None:
        gate.enter()
        gate.enter()
        gate.leave()
        counts.append(gate._in_flight)
        gate.leave()
        counts.append(gate._in_flight)

    worker = threading.Thread(target=daemon_scan, daemon=True)
    worker.start()
    worker.join(5)
    gate.close()

    assert counts == [1, 0]
    assert gate.enter() is False  # the main thread scans on after the exit began
    gate.checkpoint()  # and is not stopped
