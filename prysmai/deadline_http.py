"""urllib handlers whose connections are cut once a total deadline passes.

A socket timeout bounds each read only: a server sending its status line and headers a byte
every few seconds would hold a request up for as long as it likes. These connections start a
timer when they connect; when it fires, the socket is shut down, and the blocked read (the
status line, a header, the body) fails at once with an ``OSError``.
"""

from __future__ import annotations

import http.client
import socket
import threading
import urllib.request
from typing import Any


class Deadlines:
    """HTTP and HTTPS handlers for ``urllib.request.build_opener`` with a total deadline.

    Args:
        seconds: Time from connecting to the end of the answer.

    Call :meth:`cancel` once a request has ended, so that its timer thread ends too; before
    that, :attr:`expired` says whether the deadline cut it (a cut body reads as an early end).
    """

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._lock = threading.Lock()
        self._timers: list[threading.Timer] = []
        self.expired = False
        arm = self._arm

        class HTTP(http.client.HTTPConnection):
            def connect(self) -> None:
                super().connect()
                arm(self.sock)

        class HTTPS(http.client.HTTPSConnection):
            def connect(self) -> None:
                super().connect()
                arm(self.sock)

        class HTTPHandler(urllib.request.HTTPHandler):
            def http_open(self, req: Any) -> Any:
                return self.do_open(HTTP, req)

        class HTTPSHandler(urllib.request.HTTPSHandler):
            def https_open(self, req: Any) -> Any:
                return self.do_open(HTTPS, req, context=self._context)  # type: ignore[attr-defined]

        self.handlers: list[urllib.request.BaseHandler] = [HTTPHandler(), HTTPSHandler()]

    def _arm(self, sock: socket.socket) -> None:
        # The timer holds the socket object: urllib drops the connection's own reference once
        # the headers are read, while the body is still read through it.
        timer = threading.Timer(self._seconds, self._expire, (sock,))
        timer.daemon = True
        with self._lock:
            self._timers.append(timer)
        timer.start()

    def _expire(self, sock: socket.socket) -> None:
        self.expired = True
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:  # closed already: the request ended in time
            pass

    def cancel(self) -> None:
        """Stop the timers of the requests made so far (they have ended)."""
        with self._lock:
            timers, self._timers = self._timers, []
        for timer in timers:
            timer.cancel()
        self.expired = False
