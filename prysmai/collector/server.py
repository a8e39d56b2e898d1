"""``prysmai serve`` as a process: one standard-library HTTP server for receiver and dashboard.

Each connection gets a thread (``ThreadingHTTPServer``); HTTP/1.1 keep-alive lets exporters
reuse their connection. Bodies need a ``Content-Length`` (what OTLP exporters send), are read
only when a handler asks, and are drained within a bound otherwise, so an early answer (401,
413) reaches the client instead of a connection reset.
"""

from __future__ import annotations

import logging
import socket
import threading
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

from prysmai.collector.auth import is_loopback
from prysmai.collector.body import BodyError
from prysmai.collector.dashboard import Dashboard
from prysmai.collector.http_types import SECURITY_HEADERS, Request, Response, text_response
from prysmai.collector.keys import KeyStore
from prysmai.collector.receiver import DEFAULT_MAX_BODY_BYTES, Receiver
from prysmai.collector.writer import SpanWriter

logger = logging.getLogger(__name__)

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 4318
"""The OTLP/HTTP port, and where monitored clients look when given only a key."""

READ_TIMEOUT_S: Final = 30.0
"""A connection that sends nothing for this long is closed (slow or stalled clients)."""
DRAIN_LIMIT_BYTES: Final = 1024 * 1024
"""An unread body up to this size is read and dropped to keep the connection usable."""
_DRAIN_TIMEOUT_S: Final = 2.0
_MAX_QUERY_FIELDS: Final = 50


@dataclass(frozen=True, slots=True)
class CollectorSettings:
    """How ``prysmai serve`` runs.

    Raises:
        ValueError: the dashboard is opened without a key on a non-loopback address.
    """

    db_path: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    """0 picks a free port."""
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    dashboard_auth: bool = True
    """Whether the dashboard needs a key; may only be off on a loopback address."""

    def __post_init__(self) -> None:
        if not self.dashboard_auth and not is_loopback(self.host):
            raise ValueError(
                "the dashboard can only be served without a key on a loopback address "
                "(127.0.0.1, ::1, localhost)"
            )


class CollectorServer:
    """The collector: receiver, storage and dashboard behind one address.

    Use :meth:`serve_forever` in the foreground or :meth:`start` for a background thread (or
    ``with CollectorServer(...) as server``); :meth:`close` stops it.

    Args:
        settings: Address, store and limits.

    Raises:
        OSError: the address is in use or cannot be bound; the store cannot be created.
        sqlite3.Error: the store is not a usable SQLite database.
    """

    def __init__(self, settings: CollectorSettings) -> None:
        self.settings = settings
        self.keys = KeyStore(settings.db_path)
        self.writer = SpanWriter(settings.db_path)
        self.receiver = Receiver(self.keys, self.writer, settings.max_body_bytes)
        self.dashboard = Dashboard(
            settings.db_path,
            self.keys,
            require_key=settings.dashboard_auth,
            local_hosts_only=is_loopback(settings.host),
        )
        try:
            self._httpd = _HTTPServer((settings.host, settings.port), self)
        except BaseException:
            self.keys.close()
            raise
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port the server listens on (the real one when 0 was asked for)."""
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The base URL to give monitored clients as ``base_url``."""
        host = self.settings.host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}"

    def serve_forever(self) -> None:
        """Answer requests until :meth:`close` is called from another thread."""
        self._httpd.serve_forever(poll_interval=0.2)

    def start(self) -> Self:
        """Answer requests on a background thread."""
        self._thread = threading.Thread(
            target=self.serve_forever, name="prysmai-collector", daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop answering, close the socket and the database."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(5.0)
            self._thread = None
        self._httpd.server_close()
        self.writer.close()
        self.keys.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def answer(self, request: Request) -> Response:
        """Route one request to the receiver or the dashboard; never raises."""
        try:
            if request.path.startswith("/v1/"):
                return self.receiver.handle(request)
            return self.dashboard.handle(request)
        except Exception as exc:  # a bug must cost one answer, not the server
            logger.error("Internal error answering a request: %s", type(exc).__name__)
            return text_response(500, "internal error")


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # Restarting right after a stop must not fail on a socket in TIME_WAIT.
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], collector: CollectorServer) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.collector = collector
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The default prints a traceback to stderr; a dropped client is not worth one.
        logger.debug("Connection from %s ended with an error", client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "prysmai-collector"
    sys_version = ""
    timeout = READ_TIMEOUT_S
    server: _HTTPServer

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines only (never headers, so never a key), and only when asked for.
        logger.debug("%s - %s", self.address_string(), format % args)

    def _dispatch(self) -> None:
        body = _Body(self)
        try:
            request = self._request(body)
        except BodyError as exc:
            self.close_connection = True
            self._send(text_response(exc.status, exc.message))
            return
        response = self.server.collector.answer(request)
        if body.remaining and not body.drain():
            self.close_connection = True
        self._send(response)

    def _request(self, body: _Body) -> Request:
        split = urllib.parse.urlsplit(self.path)
        try:
            pairs = urllib.parse.parse_qsl(
                split.query, keep_blank_values=True, max_num_fields=_MAX_QUERY_FIELDS
            )
        except ValueError as exc:
            raise BodyError(400, "too many query parameters") from exc
        query: dict[str, str] = {}
        for name, value in pairs:
            query.setdefault(name, value)
        if self.headers.get("Transfer-Encoding"):
            raise BodyError(411, "send the body with a Content-Length, not chunked")
        lengths = self.headers.get_all("Content-Length") or []
        if len(set(lengths)) > 1 or not all(_is_length(value) for value in lengths):
            raise BodyError(400, "invalid Content-Length")
        content_length = int(lengths[0]) if lengths else None
        body.remaining = content_length or 0
        return Request(
            method=self.command,
            path=split.path,
            query=query,
            headers={name.lower(): value for name, value in self.headers.items()},
            content_length=content_length,
            read_body=body.read,
        )

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        for name, value in (*SECURITY_HEADERS, *response.headers):
            self.send_header(name, value)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)


class _Body:
    """The request body, read once on demand, or drained if nobody read it."""

    def __init__(self, handler: _Handler) -> None:
        self._handler = handler
        self.remaining = 0

    def read(self) -> bytes:
        """Read the whole declared body.

        Raises:
            BodyError: 400 when the client sent less than it declared.
        """
        wanted, self.remaining = self.remaining, 0
        try:
            data = self._handler.rfile.read(wanted) if wanted else b""
        except OSError as exc:  # the read timed out or the client went away
            self._handler.close_connection = True
            raise BodyError(400, "request body could not be read") from exc
        if len(data) != wanted:
            self._handler.close_connection = True
            raise BodyError(400, "request body is shorter than its Content-Length")
        return data

    def drain(self) -> bool:
        """Read and drop the unread body; return whether the connection can be reused."""
        if self.remaining > DRAIN_LIMIT_BYTES:
            return False
        connection = self._handler.connection
        try:
            connection.settimeout(_DRAIN_TIMEOUT_S)
            while self.remaining:
                chunk = self._handler.rfile.read(min(self.remaining, 65536))
                if not chunk:
                    return False
                self.remaining -= len(chunk)
            connection.settimeout(READ_TIMEOUT_S)
        except OSError:
            return False
        return True


def _is_length(value: str) -> bool:
    value = value.strip()
    return value.isascii() and value.isdigit() and len(value) <= 18
