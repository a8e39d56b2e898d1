"""A time limit on a database's answer, which libpq otherwise waits for as long as it takes.

A check runs on the caller's thread before the request leaves. A server that accepted the
session but no longer answers (its host or process frozen, its disk stalled under a commit)
would hold the call for as long as it stays so; PostgreSQL's own ``statement_timeout`` cannot
help, as the server is what does not run. An :class:`AnswerDeadline` keeps one daemon thread
that sleeps until the running statement's deadline and, if the statement is still running
then, shuts the session's socket down: the driver fails the statement at once, as a lost
connection, and the caller lets the call go.
"""

from __future__ import annotations

import socket
import threading
import time


class AnswerDeadline:
    """Cuts the session of a statement that runs past ``timeout_s``.

    One statement at a time (the store runs its statements behind a lock): :meth:`start`
    before sending it, :meth:`stop` once it is answered. Not for use across ``fork()``: a
    child builds its own.

    Args:
        timeout_s: how long a statement may wait for its answer.
    """

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._condition = threading.Condition()
        self._socket: int | None = None
        self._due = 0.0
        self._expired = False
        self._idle = False
        """The thread waits with no statement to watch: a new one must wake it."""
        self._thread: threading.Thread | None = None

    def start(self, fileno: int) -> None:
        """Watch the statement about to be sent on socket ``fileno``."""
        with self._condition:
            self._socket = fileno
            self._due = time.monotonic() + self.timeout_s
            self._expired = False
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="prysmai-limits-deadline", daemon=True
                )
                self._thread.start()
            elif self._idle:
                # Otherwise the thread wakes at the deadline it sleeps towards and moves on.
                self._condition.notify()

    def stop(self) -> bool:
        """Stop watching; return whether the deadline passed and the session was cut."""
        with self._condition:
            self._socket = None
            return self._expired

    def close(self) -> None:
        """Let the thread end (a later :meth:`start` starts another)."""
        with self._condition:
            self._socket = None
            self._thread = None
            self._condition.notify()

    def _watch(self) -> None:
        me = threading.current_thread()
        with self._condition:
            while self._thread is me:
                if self._socket is None:
                    self._idle = True
                    self._condition.wait()
                    self._idle = False
                    continue
                left = self._due - time.monotonic()
                if left > 0:
                    self._condition.wait(left)
                    continue
                # Still under the lock: the statement's thread cannot have closed the session
                # (and its socket number gone to another file) before stop().
                _shut_down(self._socket)
                self._socket = None
                self._expired = True


def _shut_down(fileno: int) -> None:
    try:
        # A duplicate of the descriptor: shutting it down ends the connection for the driver
        # too, while closing it leaves the driver's own descriptor alone.
        with socket.fromfd(fileno, socket.AF_INET, socket.SOCK_STREAM) as duplicate:
            duplicate.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already gone
