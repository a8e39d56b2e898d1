"""``prysmai serve`` as a process: one standard-library HTTP server for receiver and dashboard.

Each connection gets a thread (``ThreadingHTTPServer``), up to a cap: a connection beyond it
is answered 503 with ``Retry-After`` by the accepting thread and closed a second later.
HTTP/1.1 keep-alive lets exporters reuse their connection. Each request must arrive whole
(request line, headers and body) within an overall deadline, so a client trickling bytes
cannot keep its thread. Bodies come with a ``Content-Length`` (what most OTLP exporters send)
or chunked, are read only when a handler asks, and are drained within a bound otherwise, so an
early answer (401, 413) reaches the client instead of a connection reset (an unread chunked
body closes the connection after the answer).
"""

from __future__ import annotations

import contextlib
import email.errors
import io
import logging
import socket
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final, Self

from prysmai.collector.alert_engine import AlertEvaluator
from prysmai.collector.alert_scheduler import DEFAULT_INTERVAL_S, AlertScheduler
from prysmai.collector.auth import is_loopback
from prysmai.collector.body import BodyError
from prysmai.collector.chunked import read_chunked
from prysmai.collector.csrf import parse_origin
from prysmai.collector.dashboard import Dashboard
from prysmai.collector.http_types import SECURITY_HEADERS, Request, Response, text_response
from prysmai.collector.keys import KeyStore
from prysmai.collector.otlp_codec import Encoding, encode_status, request_encoding
from prysmai.collector.price_store import PriceRefresher, PriceStore
from prysmai.collector.receiver import DEFAULT_MAX_BODY_BYTES, Receiver
from prysmai.collector.retention_timer import RetentionTimer
from prysmai.collector.security_api import SECURITY_SETTINGS_PATH, SecuritySettingsApi
from prysmai.collector.security_settings_page import SecuritySettingsSection
from prysmai.collector.security_store import SecuritySettingsStore
from prysmai.collector.settings_pages import SettingsPages
from prysmai.collector.writer import SpanWriter
from prysmai.retention import DEFAULT_RETENTION_S, RetentionSchedule
from prysmai.store_location import PostgresUrl, StoreLocation

logger = logging.getLogger(__name__)

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 4318
"""The OTLP/HTTP port, and where monitored clients look when given only a key."""

READ_TIMEOUT_S: Final = 30.0
"""A connection that sends nothing for this long is closed (slow or stalled clients)."""
REQUEST_DEADLINE_S: Final = 60.0
"""Time for a whole request to arrive, counted from when the server starts waiting for it."""
MAX_CONNECTIONS: Final = 64
"""Connections served at once (one thread each); more are answered 503."""
LISTEN_BACKLOG: Final = 128
"""Connections the kernel queues until accepted; socketserver's default of 5 reset exporters
that connected at the same moment."""
BUSY_RETRY_AFTER_S: Final = 1
_LINGER_S: Final = 1.0
_MAX_LINGERING: Final = 256
DRAIN_LIMIT_BYTES: Final = 1024 * 1024
"""An unread body up to this size is read and dropped to keep the connection usable."""
_DRAIN_TIMEOUT_S: Final = 2.0
_MAX_QUERY_FIELDS: Final = 50
DB_STATEMENT_TIMEOUT_S: Final = 30.0
"""On a PostgreSQL store, a statement of the collector running longer fails (its requests get
503); the collector's statements are small, so only a database in trouble takes that long."""


@dataclass(frozen=True, slots=True)
class CollectorSettings:
    """How ``prysmai serve`` runs.

    Raises:
        ValueError: the dashboard is opened without a key on a non-loopback address.
    """

    db_path: StoreLocation
    """A SQLite file, or a PostgreSQL database that several collectors may share."""
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    """0 picks a free port."""
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    dashboard_auth: bool = True
    """Whether the dashboard needs a key; may only be off on a loopback address."""
    max_connections: int = MAX_CONNECTIONS
    request_deadline_s: float = REQUEST_DEADLINE_S
    alert_interval_s: float | None = DEFAULT_INTERVAL_S
    """Seconds between evaluations of the alert rules; ``None`` evaluates none."""
    public_url: str | None = None
    """The dashboard's address as people reach it, for links in alerts (default: :attr:`url`
    of the server)."""
    retention_s: float | None = DEFAULT_RETENTION_S
    """How long spans are kept; ``None`` keeps every span."""
    db_statement_timeout_s: float = DB_STATEMENT_TIMEOUT_S
    """On a PostgreSQL store: the server's ``statement_timeout`` for the collector's sessions,
    and (plus :data:`~prysmai.store_postgres.ANSWER_GRACE_S`) how long the collector waits for
    any answer before it closes the session (a server that stopped answering)."""

    def __post_init__(self) -> None:
        if self.max_connections < 1 or not self.request_deadline_s > 0:
            raise ValueError("max_connections and request_deadline_s must be positive")
        if not self.db_statement_timeout_s > 0:
            raise ValueError("db_statement_timeout_s must be positive")
        if self.alert_interval_s is not None and not self.alert_interval_s > 0:
            raise ValueError("alert_interval_s must be positive (or None for no alerts)")
        if not self.dashboard_auth and not is_loopback(self.host):
            raise ValueError(
                "the dashboard can only be served without a key on a loopback address "
                "(127.0.0.1, ::1, localhost)"
            )


class CollectorServer:
    """The collector: receiver, storage and dashboard behind one address.

    Use :meth:`serve_forever` in the foreground or :meth:`start` for a background thread (or
    ``with CollectorServer(...) as server``); :meth:`close` stops it. While it serves, a
    second thread evaluates the alert rules (see :mod:`prysmai.collector.alert_engine`).

    Args:
        settings: Address, store and limits.

    Raises:
        OSError: the address is in use or cannot be bound; the store cannot be created.
        sqlite3.Error: the store is not a usable SQLite database, or the PostgreSQL server
            cannot be reached.
        ConfigurationError: a PostgreSQL store without psycopg installed.
    """

    def __init__(self, settings: CollectorSettings) -> None:
        self.settings = settings
        store: StoreLocation = settings.db_path
        if isinstance(store, PostgresUrl):
            # Every session the collector opens (writer, keys, dashboard, alerts) is bounded:
            # a request must never wait forever on a database that stopped answering.
            store = store.with_statement_timeout(settings.db_statement_timeout_s)
        self.keys = KeyStore(store)
        try:
            self.prices = PriceStore(store)
        except BaseException:
            self.keys.close()
            raise
        try:
            self.security_settings = SecuritySettingsStore(store)
        except BaseException:
            self.keys.close()
            self.prices.close()
            raise
        self.security_api = SecuritySettingsApi(self.keys, self.security_settings)
        self.writer = SpanWriter(store, RetentionSchedule(settings.retention_s))
        self.receiver = Receiver(self.keys, self.writer, settings.max_body_bytes, self.prices)
        try:
            self._httpd = _HTTPServer((settings.host, settings.port), self)
        except BaseException:
            self.keys.close()
            self.prices.close()
            self.security_settings.close()
            raise
        self._thread: threading.Thread | None = None
        # Made once the port is known: links in alerts point at it.
        self.alerts = AlertEvaluator(store, dashboard_url=settings.public_url or self.url)
        public_origin = parse_origin(settings.public_url)
        self.dashboard = Dashboard(
            store,
            self.keys,
            require_key=settings.dashboard_auth,
            local_hosts_only=is_loopback(settings.host),
            settings=SettingsPages(
                store,
                self.keys,
                self.alerts,
                self.prices,
                require_key=settings.dashboard_auth,
                local_hosts_only=is_loopback(settings.host),
                trusted_origins=(public_origin,) if public_origin is not None else (),
                sections=(SecuritySettingsSection(self.security_settings, self.keys),),
            ),
        )
        self._scheduler = (
            AlertScheduler(self.alerts, settings.alert_interval_s)
            if settings.alert_interval_s is not None
            else None
        )

    @property
    def port(self) -> int:
        """The port the server listens on (the real one when 0 was asked for)."""
        return int(self._httpd.server_address[1])

    @property
    def open_connections(self) -> int:
        """Connections being served now (each holds a thread)."""
        return self._httpd.open_connections

    @property
    def url(self) -> str:
        """The base URL to give monitored clients as ``base_url``."""
        host = self.settings.host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}"

    def serve_forever(self) -> None:
        """Answer requests and evaluate alerts until another thread calls :meth:`close`."""
        if self._scheduler is not None:
            self._scheduler.start()
        retention = RetentionTimer(self.writer)
        retention.start()
        prices = PriceRefresher(self.prices)
        prices.start()
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            prices.stop()
            retention.stop()
            if self._scheduler is not None:
                self._scheduler.stop()

    def stop_serving(self) -> None:
        """Make :meth:`serve_forever` return soon; does not wait (safe in a signal handler)."""
        # shutdown() waits for the serving loop to end, so it must run on another thread.
        threading.Thread(
            target=self._httpd.shutdown, name="prysmai-collector-stop", daemon=True
        ).start()

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
        self.prices.close()
        self.security_settings.close()

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
            if request.path == SECURITY_SETTINGS_PATH:
                return self.security_api.handle(request)
            if request.path.startswith("/v1/"):
                return self.receiver.handle(request)
            return self.dashboard.handle(request)
        except Exception as exc:  # a bug must cost one answer, not the server
            # The path without its query, and the message: enough to find the bug. Headers
            # (keys) are never logged.
            logger.error(
                "Internal error answering %s %s: %s: %s",
                request.method,
                request.path[:200],
                type(exc).__name__,
                exc,
            )
            return text_response(500, "internal error")


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # Restarting right after a stop must not fail on a socket in TIME_WAIT.
    allow_reuse_address = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, address: tuple[str, int], collector: CollectorServer) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.collector = collector
        self._slots = threading.BoundedSemaphore(collector.settings.max_connections)
        self._open = 0
        self._open_lock = threading.Lock()
        # Refused connections, kept open a moment after their 503: (when to close, socket).
        self._lingering: deque[tuple[float, socket.socket]] = deque()
        super().__init__(address, _Handler)

    @property
    def open_connections(self) -> int:
        with self._open_lock:
            return self._open

    def process_request(self, request: Any, client_address: Any) -> None:
        # Runs on the accepting thread: a connection over the cap costs no thread of its own.
        if not self._slots.acquire(blocking=False):
            logger.debug("Connection from %s refused: %d open", client_address, self._open)
            _refuse_busy(request)
            self._linger(request)
            return
        self._count(+1)
        try:
            super().process_request(request, client_address)
        except BaseException:  # the thread could not start: give the slot back
            self._count(-1)
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._count(-1)
            self._slots.release()

    def _count(self, change: int) -> None:
        with self._open_lock:
            self._open += change

    def _linger(self, sock: socket.socket) -> None:
        # Closing at once would reset the connection while the client is still sending its
        # request, and it would lose the 503 (most did, in a test). The write side is shut
        # (the client sees the end of the answer); the socket is closed a second later.
        with suppress(OSError):
            sock.shutdown(socket.SHUT_WR)
        self._lingering.append((time.monotonic() + _LINGER_S, sock))
        while len(self._lingering) > _MAX_LINGERING:
            self._lingering.popleft()[1].close()

    def service_actions(self) -> None:
        # Called by serve_forever on every loop (at least each poll interval).
        super().service_actions()
        now = time.monotonic()
        while self._lingering and self._lingering[0][0] <= now:
            self._lingering.popleft()[1].close()

    def server_close(self) -> None:
        super().server_close()
        while self._lingering:
            self._lingering.popleft()[1].close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The default prints a traceback to stderr; a dropped client is not worth one.
        logger.debug("Connection from %s ended with an error", client_address)


_BUSY_BODY: Final = b"the collector is busy; retry later\n"
_BUSY_RESPONSE: Final = (
    b"HTTP/1.1 503 Service Unavailable\r\n"
    b"Server: prysmai-collector\r\n"
    + b"".join(f"{name}: {value}\r\n".encode() for name, value in SECURITY_HEADERS)
    + f"Retry-After: {BUSY_RETRY_AFTER_S}\r\n".encode()
    + b"Content-Type: text/plain; charset=utf-8\r\n"
    + f"Content-Length: {len(_BUSY_BODY)}\r\n".encode()
    + b"Connection: close\r\n\r\n"
    + _BUSY_BODY
)


def _refuse_busy(sock: socket.socket) -> None:
    """Answer 503 without blocking the accepting thread (the answer fits the send buffer)."""
    try:
        sock.setblocking(False)
        # Read what already arrived: closing with unread data would reset the connection,
        # and the client could lose the answer.
        sock.recv(65536)
    except OSError:  # nothing arrived yet (would block), or the client is gone
        pass
    try:
        sock.sendall(_BUSY_RESPONSE)
    except OSError:
        pass


class _DeadlineReader(io.RawIOBase):
    """Reads the socket with each read bounded by the idle timeout and the overall deadline.

    A per-read timeout alone lets a client that sends a byte every few seconds hold a thread
    forever; the deadline bounds the whole request.
    """

    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self._sock = sock
        self.deadline: float | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        timeout = READ_TIMEOUT_S
        if self.deadline is not None:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the request did not arrive within its deadline")
            timeout = min(timeout, remaining)
        self._sock.settimeout(timeout)
        return self._sock.recv_into(buffer)


class _LineRecordingReader(io.BufferedReader):
    """A buffered reader that keeps the raw lines of a request's head while asked to.

    The standard library parses the head from these lines; keeping them lets the handler check
    what that parsing hides (a bare CR inside a line reads as a line break there).
    """

    _MAX_RECORDED_LINES: Final = 256

    def __init__(self, raw: io.RawIOBase) -> None:
        super().__init__(raw)
        self._lines: list[bytes] | None = None

    def start_recording(self) -> None:
        """Keep the lines read from now on (the request line and headers)."""
        self._lines = []

    def stop_recording(self) -> list[bytes]:
        """Stop keeping lines and return those kept."""
        lines, self._lines = self._lines or [], None
        return lines

    def readline(self, size: int | None = -1, /) -> bytes:
        line = super().readline(size)
        if self._lines is not None and len(self._lines) < self._MAX_RECORDED_LINES:
            self._lines.append(line)
        return line


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "prysmai-collector"
    timeout = READ_TIMEOUT_S
    server: _HTTPServer
    _reader: _DeadlineReader

    def setup(self) -> None:
        super().setup()
        # Replace the plain socket file so that every read, request line to body, honours
        # the request's deadline.
        self.rfile.close()
        self._reader = _DeadlineReader(self.connection)
        self.rfile = _LineRecordingReader(self._reader)

    def handle_one_request(self) -> None:
        self._reader.deadline = time.monotonic() + self.server.collector.settings.request_deadline_s
        assert isinstance(self.rfile, _LineRecordingReader)
        self.rfile.start_recording()
        super().handle_one_request()

    def version_string(self) -> str:
        # The default appends " " and sys_version; "Server" names the product only.
        return self.server_version

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines only (never headers, so never a key), and only when asked for.
        logger.debug("%s - %s", self.address_string(), format % args)

    def _dispatch(self) -> None:
        body = _Body(self)
        try:
            request = self._request(body)
        except BodyError as exc:
            self.close_connection = True
            self._send(self._refusal(exc))
            return
        response = self.server.collector.answer(request)
        if body.is_unread and not body.drain():
            self.close_connection = True
        self._send(response)

    def _refusal(self, exc: BodyError) -> Response:
        """The answer to a request refused before routing: OTLP's error format on ``/v1/``."""
        path = self.path.split("?", 1)[0]
        if path.startswith("/v1/"):
            content_type = self.headers.get("Content-Type") if self.headers else None
            encoding = request_encoding(content_type) or Encoding.JSON
            return Response(
                exc.status,
                encode_status(exc.status, exc.message, encoding),
                encoding.value,
            )
        return text_response(exc.status, exc.message)

    def _request(self, body: _Body) -> Request:
        assert isinstance(self.rfile, _LineRecordingReader)
        head = self.rfile.stop_recording()
        # The header parser reads a lone CR as a line break, so "X-A: a\rContent-Length: 9"
        # would become two headers here while a proxy in front saw one (RFC 9112, section 2.2:
        # a bare CR is rejected). A NUL has no place in a header either.
        if any(b"\r" in line.rstrip(b"\r\n") or b"\x00" in line for line in head):
            raise BodyError(400, "bare CR or NUL in the request head")
        # http.server stops reading headers at a line it cannot parse (no colon, a space
        # before the colon) and keeps the rest as a "payload": a header dropped that way
        # (Transfer-Encoding) would make the body read as a second request. Only that defect
        # counts: the email parser also reports some for a multipart Content-Type, and
        # parses a message/* one into a list.
        payload = self.headers.get_payload()
        if any(
            isinstance(defect, email.errors.MissingHeaderBodySeparatorDefect)
            for defect in self.headers.defects
        ) or (isinstance(payload, str) and payload):
            raise BodyError(400, "malformed header line")
        if any("\r" in value or "\n" in value for value in self.headers.values()):
            # Obsolete line folding (RFC 9112, section 5.2: rejected or unfolded; rejected).
            raise BodyError(400, "folded header line")
        for name in ("Host", "Authorization"):
            # With two, one check could read one and another check the other.
            if len(self.headers.get_all(name) or []) > 1:
                raise BodyError(400, f"more than one {name} header")
        split = urllib.parse.urlsplit(self.path)
        if split.scheme or split.netloc or not self.path.startswith("/"):
            self._check_absolute_target(split)
        try:
            pairs = urllib.parse.parse_qsl(
                split.query, keep_blank_values=True, max_num_fields=_MAX_QUERY_FIELDS
            )
        except ValueError as exc:
            raise BodyError(400, "too many query parameters") from exc
        query: dict[str, str] = {}
        for name, value in pairs:
            query.setdefault(name, value)
        lengths = self.headers.get_all("Content-Length") or []
        codings = self.headers.get_all("Transfer-Encoding") or []
        if codings:
            # Both headers, or a coding other than plain chunked, are how requests are
            # smuggled past a proxy that reads the body differently: refused, never guessed.
            if lengths:
                raise BodyError(400, "a request cannot have both Content-Length and chunking")
            if self.request_version == "HTTP/1.0":
                # HTTP/1.0 has no transfer codings (RFC 9112, section 6.1).
                raise BodyError(400, "Transfer-Encoding is not allowed in an HTTP/1.0 request")
            # Only spaces and tabs are whitespace around a field value: str.strip() would also
            # take vertical tabs and other characters a proxy would keep.
            if [coding.strip(" \t").lower() for coding in codings] != ["chunked"]:
                raise BodyError(501, "only 'Transfer-Encoding: chunked' is supported")
            body.is_chunked = True
        if len(set(lengths)) > 1 or not all(_is_length(value) for value in lengths):
            raise BodyError(400, "invalid Content-Length")
        content_length = int(lengths[0]) if lengths else None
        if content_length is None and not codings and self.command in ("POST", "PUT", "PATCH"):
            raise BodyError(411, "Content-Length or chunked Transfer-Encoding required")
        body.remaining = content_length or 0
        return Request(
            # HEAD is answered as GET would be, headers only (see _send): monitors and
            # caches probe with it.
            method="GET" if self.command == "HEAD" else self.command,
            path=split.path,
            query=query,
            headers={name.lower(): value for name, value in self.headers.items()},
            content_length=content_length,
            read_body=body.read,
        )

    def _check_absolute_target(self, split: urllib.parse.SplitResult) -> None:
        """Accept ``GET http://host/path`` only when ``host`` is the ``Host`` header.

        The Host header is what the loopback check reads; a target naming another host would
        let a request pass that check under one name and mean another.

        Raises:
            BodyError: 400 for another form, or a host other than the ``Host`` header's.
        """
        if split.scheme.lower() != "http" or not split.netloc or not split.path.startswith("/"):
            raise BodyError(400, "the request target must be a path or an http:// URL")
        host = (self.headers.get("Host") or "").strip().lower()
        if split.netloc.lower() != host:
            raise BodyError(400, "the request target names another host than the Host header")

    def _send(self, response: Response) -> None:
        # The last read may have shortened the timeout to what was left of the deadline;
        # writing the answer gets the full idle timeout again.
        self.connection.settimeout(READ_TIMEOUT_S)
        self.send_response(response.status)
        # A response may replace a default (the settings pages relax the referrer policy so
        # that their forms carry an Origin); sending both would leave the choice to the client.
        own = {name.lower() for name, _ in response.headers}
        defaults = [(name, value) for name, value in SECURITY_HEADERS if name.lower() not in own]
        for name, value in (*defaults, *response.headers):
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
        self.is_chunked = False
        """Sent with ``Transfer-Encoding: chunked``; unread, the connection is closed."""

    def read(self) -> bytes:
        """Read the whole declared (or chunked) body.

        Raises:
            BodyError: 400 when the client sent less than it declared or malformed chunks,
                408 when it did not arrive in time, 413 for a chunked body past the limit.
        """
        if self.is_chunked:
            self.is_chunked = False
            return self._read_chunked()
        wanted, self.remaining = self.remaining, 0
        with self._reading():
            data = self._handler.rfile.read(wanted) if wanted else b""
        if len(data) != wanted:
            self._handler.close_connection = True
            raise BodyError(400, "request body is shorter than its Content-Length")
        return data

    def _read_chunked(self) -> bytes:
        limit = self._handler.server.collector.settings.max_body_bytes
        with self._reading():
            return read_chunked(self._handler.rfile, limit)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """Read from the connection: a failure closes it, the body's rest being unread."""
        try:
            yield
        except BodyError:
            self._handler.close_connection = True
            raise
        except TimeoutError as exc:
            self._handler.close_connection = True
            raise BodyError(408, "the request body did not arrive in time") from exc
        except OSError as exc:  # the client went away
            self._handler.close_connection = True
            raise BodyError(400, "request body could not be read") from exc

    @property
    def is_unread(self) -> bool:
        """Whether body bytes are still on the connection."""
        return self.is_chunked or self.remaining > 0

    def drain(self) -> bool:
        """Read and drop the unread body; return whether the connection can be reused."""
        if self.is_chunked or self.remaining > DRAIN_LIMIT_BYTES:
            return False
        reader = self._handler._reader
        drain_deadline = time.monotonic() + _DRAIN_TIMEOUT_S
        reader.deadline = min(reader.deadline or drain_deadline, drain_deadline)
        try:
            while self.remaining:
                chunk = self._handler.rfile.read(min(self.remaining, 65536))
                if not chunk:
                    return False
                self.remaining -= len(chunk)
        except OSError:
            return False
        return True


def _is_length(value: str) -> bool:
    value = value.strip()
    return value.isascii() and value.isdigit() and len(value) <= 18
