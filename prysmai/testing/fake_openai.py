"""A fake OpenAI API (plus Anthropic Messages) on a loopback port, for tests and demos.

`FakeOpenAIServer` answers the endpoints the OpenAI SDK calls with realistic bodies and
server-sent event streams, records every request, and can inject faults (error statuses,
dropped streams, delays, malformed bodies). Point a real SDK client at it:

    with FakeOpenAIServer(chunk_delay_s=0.05) as server:
        client = OpenAI(base_url=server.base_url, api_key="test-key")
        client.chat.completions.create(model="gpt-4o-mini", messages=[...])

`LoopbackServer` is the shared machinery (also used by `CassetteServer`): a standard-library
HTTP/1.1 server with keep-alive, chunked event streams flushed event by event, and a `close()`
that returns promptly even while clients are mid-stream.
"""

from __future__ import annotations

import collections
import email.utils
import hashlib
import itertools
import json
import logging
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final, Literal

from prysmai.closing import ClosedOnExit
from prysmai.testing import fake_model, openai_bodies
from prysmai.testing.fake_model import JsonObject, Prompt

logger = logging.getLogger(__name__)

FaultKind = Literal["status", "drop_mid_stream", "delay", "malformed"]
Headers = Sequence[tuple[str, str]]

FAULT_HEADER: Final = "X-Fake-Fault"
"""Request header that injects a fault into that request, e.g. `status=500`, `delay=0.5`,
`drop_mid_stream=3` or `malformed`; it wins over faults queued with `enqueue_fault`."""

_LOOPBACK_FAMILIES: Final = {"127.0.0.1": socket.AF_INET, "::1": socket.AF_INET6}
_JOIN_TIMEOUT_S: Final = 5.0
_MALFORMED_JSON: Final = b'{"id": "chatcmpl-malformed", "object": "chat.completion", "choices": [{'


@dataclass(frozen=True)
class RecordedRequest:
    """A request a loopback server received, kept for assertions."""

    method: str
    path: str
    """The request target as sent, query string included."""
    headers: list[tuple[str, str]]
    """Header pairs in the order and letter case they were received."""
    body: bytes

    def header(self, name: str) -> str | None:
        """Return the first value of header `name` (case-insensitive), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def json(self) -> Any:
        """Return the body parsed as JSON."""
        return json.loads(self.body)


@dataclass(frozen=True)
class Fault:
    """A failure the fake server applies to a coming request (see `enqueue_fault`)."""

    kind: FaultKind
    status: int = 500
    message: str | None = None
    error_type: str | None = None
    code: str | None = None
    param: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    after_events: int = 2
    """For `drop_mid_stream`: how many stream events are sent before the socket is closed."""
    delay_s: float = 1.0
    """For `delay`: how long to wait before answering normally."""


class Exchange:
    """One request being answered: the recorded request and the ways to send a response."""

    def __init__(self, handler: _Handler, request: RecordedRequest, stopping: threading.Event):
        self.request = request
        self._handler = handler
        self._stopping = stopping

    def wait(self, seconds: float) -> bool:
        """Sleep `seconds`; return False early if the server is shutting down."""
        return not self._stopping.wait(seconds) if seconds > 0 else not self._stopping.is_set()

    def send(
        self,
        status: int,
        body: bytes,
        headers: Headers,
        *,
        reason: str | None = None,
        truncate_at: int | None = None,
    ) -> None:
        """Send a plain response with a `Content-Length`.

        With `truncate_at`, only that many body bytes are sent before the connection is
        closed, which the client sees as a broken response.
        """
        self._start(status, [*headers, ("Content-Length", str(len(body)))], reason)
        self._write(body if truncate_at is None else body[:truncate_at])
        if truncate_at is not None:
            self._abort()

    def send_events(
        self,
        status: int,
        events: Sequence[bytes],
        headers: Headers,
        *,
        delay_s: float = 0.0,
        first_delay_s: float = 0.0,
        drop_after: int | None = None,
        reason: str | None = None,
    ) -> None:
        """Send a chunked response, one event per chunk, each written to the socket at once.

        Args:
            status: HTTP status code.
            events: The encoded events, each with its own blank-line terminator.
            headers: Response headers; `Transfer-Encoding: chunked` is added.
            delay_s: Pause between two events.
            first_delay_s: Pause before the first event (headers go out immediately).
            drop_after: Close the connection after this many events, without the final chunk.
            reason: HTTP reason phrase; the standard one when None.
        """
        self._start(status, [*headers, ("Transfer-Encoding", "chunked")], reason)
        for index, event in enumerate(events):
            if drop_after is not None and index >= drop_after:
                break
            if not self.wait(first_delay_s if index == 0 else delay_s):
                self._abort()
                return
            self._write(b"%x\r\n%s\r\n" % (len(event), event))
        if drop_after is not None:
            self._abort()
            return
        self._write(b"0\r\n\r\n")

    def _start(self, status: int, headers: Headers, reason: str | None) -> None:
        handler = self._handler
        handler.send_response_only(status, reason)
        for name, value in headers:
            handler.send_header(name, value)
        handler.end_headers()

    def _write(self, data: bytes) -> None:
        # The handler's wfile is unbuffered (wbufsize 0): every write reaches the socket now.
        self._handler.wfile.write(data)

    def _abort(self) -> None:
        self._handler.close_connection = True
        _shutdown_socket(self._handler.connection)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as separate writes; with Nagle on, the second one waits for
    # the client's delayed ACK (about 40 ms per response on Linux).
    disable_nagle_algorithm = True
    # Errors found while parsing the request line are answered with a real status line.
    default_request_version = "HTTP/1.1"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.owner._track(self)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.owner._untrack(self)

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _dispatch(self) -> None:
        owner = self.server.owner
        request = RecordedRequest(
            self.command, self.path, list(self.headers.items()), self._read_body()
        )
        owner._record(request)
        try:
            owner._answer(Exchange(self, request, owner._stopping))
        except OSError:
            # The client went away (closed a stream early, timed out): nothing left to answer.
            logger.debug("Loopback client disconnected during %s %s.", self.command, self.path)
            self.close_connection = True
        if owner._stopping.is_set():
            self.close_connection = True

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked_body()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked_body(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                # Skip optional trailers up to the blank line that ends the body.
                while self.rfile.readline().strip():
                    pass
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("Loopback HTTP server: %s", format % args)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 drops connections when a test fires dozens of calls at once.
    request_queue_size = 128
    # `LoopbackServer.close` joins the handler threads itself, with a timeout.
    block_on_close = False

    def __init__(self, address: tuple[str, int], owner: LoopbackServer, family: int) -> None:
        self.address_family = family
        self.owner = owner
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, a pointless name lookup here.
        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = int(self.server_address[1])

    def handle_error(self, request: object, client_address: object) -> None:
        logger.debug("Loopback HTTP handler failed; the connection was closed.", exc_info=True)


def _shutdown_socket(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # pragma: no cover - only when the peer closed the socket first
        logger.debug("Loopback socket was already closed.")


class LoopbackServer(ClosedOnExit):
    """A threaded HTTP/1.1 server on a loopback port; subclasses decide the answers.

    Args:
        host: "127.0.0.1" or "::1"; nothing else is accepted.

    Raises:
        ValueError: If `host` is not a loopback address.
    """

    def __init__(self, *, host: str = "127.0.0.1") -> None:
        family = _LOOPBACK_FAMILIES.get(host)
        if family is None:
            raise ValueError(f"host must be a loopback address (127.0.0.1 or ::1), got {host!r}")
        self.host = host
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._handlers: dict[_Handler, threading.Thread] = {}
        self._closed = False
        self._httpd = _HTTPServer((host, 0), self, family)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            # How often serve_forever checks for shutdown: bounds how long close() waits.
            kwargs={"poll_interval": 0.02},
            name=f"{type(self).__name__}:{self.port}",
            daemon=True,
        )
        self._thread.start()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return self._httpd.server_port

    @property
    def root_url(self) -> str:
        """`http://HOST:PORT`, without any path (the Anthropic SDK's `base_url`)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def close(self) -> None:
        """Stop serving, cut open connections (streams included) and join the threads."""
        if self._closed:
            return
        self._closed = True
        self._stopping.set()
        self._httpd.shutdown()
        with self._lock:
            handlers = dict(self._handlers)
        for handler in handlers:
            _shutdown_socket(handler.connection)
        self._httpd.server_close()
        self._thread.join(_JOIN_TIMEOUT_S)
        for thread in handlers.values():
            thread.join(_JOIN_TIMEOUT_S)

    def _answer(self, exchange: Exchange) -> None:  # pragma: no cover - subclasses answer
        raise NotImplementedError

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _track(self, handler: _Handler) -> None:
        with self._lock:
            self._handlers[handler] = threading.current_thread()
            is_stopping = self._stopping.is_set()
        if is_stopping:  # pragma: no cover - a connection accepted while close() runs
            _shutdown_socket(handler.connection)

    def _untrack(self, handler: _Handler) -> None:
        with self._lock:
            self._handlers.pop(handler, None)


@dataclass(frozen=True)
class _Reply:
    status: int = 200
    body: JsonObject | None = None
    events: list[bytes] = field(default_factory=list)
    is_anthropic: bool = False


class FakeOpenAIServer(LoopbackServer):
    """A fake OpenAI API on a loopback port, also answering Anthropic's `/v1/messages`.

    Endpoints: `POST /v1/chat/completions`, `/v1/completions`, `/v1/embeddings`,
    `/v1/responses`, `/v1/messages` (each streamed with `"stream": true`, embeddings aside),
    Anthropic's `/v1/messages/count_tokens`, and `GET /v1/models[/{id}]`.

    Args:
        chunk_delay_s: Pause between two events of a stream.
        first_chunk_delay_s: Pause before the first event of a stream (none when None).
        host: The loopback address to listen on.

    Limitations:
        The answers are canned (see `prysmai.testing.fake_model`); there is no
        authentication check, and unknown request fields are ignored.
    """

    def __init__(
        self,
        chunk_delay_s: float = 0.0,
        *,
        first_chunk_delay_s: float | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        self.chunk_delay_s = chunk_delay_s
        self.first_chunk_delay_s = first_chunk_delay_s
        self._faults: collections.deque[Fault] = collections.deque()
        self._sequence = itertools.count(1)
        self._prompt_cache = fake_model.PromptCache()
        super().__init__(host=host)

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT/v1`: the OpenAI SDK's `base_url`."""
        return self.root_url + "/v1"

    def enqueue_fault(
        self,
        kind: FaultKind,
        *,
        status: int = 500,
        message: str | None = None,
        error_type: str | None = None,
        code: str | None = None,
        param: str | None = None,
        headers: Mapping[str, str] | None = None,
        after_events: int = 2,
        delay_s: float = 1.0,
        times: int = 1,
    ) -> Fault:
        """Make the next `times` requests fail in the way `kind` says.

        Args:
            kind: `status` answers `status` with an error body (OpenAI's shape, or
                Anthropic's on `/v1/messages`); `drop_mid_stream` sends `after_events`
                events (half the body when not streaming) and closes the socket; `delay`
                waits `delay_s` and then answers normally; `malformed` answers 200 with
                invalid JSON.
            status: HTTP status for `status`.
            message: Error message; the real API's wording for `status` when None.
            error_type: Error `type`; the real API's for `status` when None.
            code: Error `code`; the real API's for `status` when None.
            param: Error `param`.
            headers: Extra response headers for `status` (e.g. `retry-after`).
            after_events: Events sent before the socket is closed, for `drop_mid_stream`.
            delay_s: Wait before answering, for `delay`.
            times: How many consecutive requests get this fault.

        Returns:
            The queued fault.
        """
        fault = Fault(
            kind,
            status=status,
            message=message,
            error_type=error_type,
            code=code,
            param=param,
            headers=tuple((headers or {}).items()),
            after_events=after_events,
            delay_s=delay_s,
        )
        with self._lock:
            self._faults.extend([fault] * times)
        return fault

    def _answer(self, exchange: Exchange) -> None:
        request = exchange.request
        fault = _header_fault(request) or self._pop_fault()
        if fault is not None and fault.kind == "delay":
            if not exchange.wait(fault.delay_s):
                return
            fault = None

        path = request.path.split("?", 1)[0].rstrip("/")
        if fault is not None and fault.kind == "status":
            reply = self._error_reply(path, _request_model(request.body), fault)
        else:
            reply = self._route(request.method, path, request.body)
        self._send(exchange, reply, fault)

    def _pop_fault(self) -> Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def _route(self, method: str, path: str, body: bytes) -> _Reply:
        if method == "GET" and path == "/v1/models":
            return _Reply(body=openai_bodies.models_body())
        if method == "GET" and path.startswith("/v1/models/"):
            return self._model(path.removeprefix("/v1/models/"))

        route = self._routes().get(path) if method == "POST" else None
        if route is None:
            message = f"Invalid URL ({method} {path})"
            return _Reply(404, openai_bodies.openai_error_body(message, "invalid_request_error"))
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            return _invalid_request("We could not parse the JSON body of your request.", path)
        if not isinstance(payload.get("model"), str):
            return _invalid_request("you must provide a model parameter", path)
        try:
            return route(payload)
        except (TypeError, ValueError, AttributeError, KeyError):
            # A body of the wrong shape deep inside: the real API answers 400, it does not hang
            # up (which the SDK reports as a connection error and retries).
            return _invalid_request("The request body has a value of the wrong type.", path)

    def _routes(self) -> dict[str, Callable[[JsonObject], _Reply]]:
        return {
            "/v1/chat/completions": self._chat,
            "/v1/completions": self._completions,
            "/v1/embeddings": self._embeddings,
            "/v1/responses": self._responses,
            "/v1/messages": self._messages,
            "/v1/messages/count_tokens": self._count_tokens,
        }

    def _generate(self, prompt: Prompt, payload: JsonObject) -> fake_model.Generation:
        encoded = json.dumps(payload, sort_keys=True).encode()
        seed = f"{next(self._sequence)}:{hashlib.sha256(encoded).hexdigest()[:16]}"
        return fake_model.generate(
            prompt,
            model=payload["model"],
            seed=seed,
            created=int(time.time()),
            cache=self._prompt_cache,
        )

    def _chat(self, payload: JsonObject) -> _Reply:
        if not isinstance(payload.get("messages"), list):
            return _missing_parameter("messages")
        generation = self._generate(fake_model.chat_prompt(payload), payload)
        if payload.get("stream") is not True:
            return _Reply(body=openai_bodies.chat_completion_body(generation))
        chunks = openai_bodies.chat_completion_chunks(
            generation, include_usage=_includes_usage(payload)
        )
        return _Reply(events=[*map(_data_event, chunks), b"data: [DONE]\n\n"])

    def _completions(self, payload: JsonObject) -> _Reply:
        generation = self._generate(fake_model.completion_prompt(payload), payload)
        if payload.get("stream") is not True:
            return _Reply(body=openai_bodies.text_completion_body(generation))
        chunks = openai_bodies.text_completion_chunks(
            generation, include_usage=_includes_usage(payload)
        )
        return _Reply(events=[*map(_data_event, chunks), b"data: [DONE]\n\n"])

    def _embeddings(self, payload: JsonObject) -> _Reply:
        if "input" not in payload:
            return _missing_parameter("input")
        return _Reply(body=openai_bodies.embeddings_body(payload))

    def _responses(self, payload: JsonObject) -> _Reply:
        if "input" in payload and not isinstance(payload["input"], str | list):
            return _invalid_request("Invalid type for 'input': expected a string or an array.", "")
        generation = self._generate(fake_model.responses_prompt(payload), payload)
        if payload.get("stream") is not True:
            return _Reply(body=openai_bodies.response_body(generation, payload))
        events = openai_bodies.response_events(generation, payload)
        return _Reply(events=[_named_event(event) for event in events])

    def _count_tokens(self, payload: JsonObject) -> _Reply:
        if not isinstance(payload.get("messages"), list):
            return _missing_parameter("messages")
        tokens = fake_model.input_tokens_of(fake_model.anthropic_prompt(payload))
        return _Reply(body={"input_tokens": tokens}, is_anthropic=True)

    def _messages(self, payload: JsonObject) -> _Reply:
        if not isinstance(payload.get("max_tokens"), int):
            message = "max_tokens: Field required"
            body = openai_bodies.anthropic_error_body(
                message, "invalid_request_error", _request_id(message)
            )
            return _Reply(400, body, is_anthropic=True)
        generation = self._generate(fake_model.anthropic_prompt(payload), payload)
        if payload.get("stream") is not True:
            body = openai_bodies.anthropic_message_body(generation)
            return _Reply(body=body, is_anthropic=True)
        events = openai_bodies.anthropic_events(generation)
        return _Reply(events=[_named_event(event) for event in events], is_anthropic=True)

    def _model(self, model_id: str) -> _Reply:
        if model_id in openai_bodies.MODEL_IDS:
            return _Reply(body=openai_bodies.model_object(model_id))
        message, error_type, code = openai_bodies.default_openai_error(404, model_id)
        return _Reply(404, openai_bodies.openai_error_body(message, error_type, code=code))

    def _error_reply(self, path: str, model: str, fault: Fault) -> _Reply:
        if path == "/v1/messages":
            message, error_type = openai_bodies.default_anthropic_error(fault.status, model)
            body = openai_bodies.anthropic_error_body(
                fault.message or message, fault.error_type or error_type, _request_id(model)
            )
            return _Reply(fault.status, body, is_anthropic=True)
        message, error_type, code = openai_bodies.default_openai_error(fault.status, model)
        body = openai_bodies.openai_error_body(
            fault.message or message,
            fault.error_type or error_type,
            param=fault.param,
            code=fault.code or code,
        )
        return _Reply(fault.status, body)

    def _send(self, exchange: Exchange, reply: _Reply, fault: Fault | None) -> None:
        is_stream = bool(reply.events)
        content_type = "text/event-stream; charset=utf-8" if is_stream else "application/json"
        headers = [("Content-Type", content_type), *_provider_headers(exchange.request, reply)]
        if fault is not None and fault.kind == "status":
            headers.extend(fault.headers)
        if fault is not None and fault.kind == "malformed":
            if is_stream:
                events = [b"data: " + _MALFORMED_JSON + b"\n\n", b"data: [DONE]\n\n"]
                exchange.send_events(200, events, headers)
            else:
                exchange.send(200, _MALFORMED_JSON, headers)
            return

        is_drop = fault is not None and fault.kind == "drop_mid_stream"
        drop_after = fault.after_events if fault is not None and is_drop else None
        if is_stream:
            exchange.send_events(
                reply.status,
                reply.events,
                headers,
                delay_s=self.chunk_delay_s,
                first_delay_s=self.first_chunk_delay_s or 0.0,
                drop_after=drop_after,
            )
            return
        # OpenAI pretty-prints JSON bodies; Anthropic sends them compact.
        indent = None if reply.is_anthropic else 2
        body = json.dumps(reply.body, indent=indent, ensure_ascii=False).encode() + b"\n"
        truncate_at = len(body) // 2 if drop_after is not None else None
        exchange.send(reply.status, body, headers, truncate_at=truncate_at)


def _header_fault(request: RecordedRequest) -> Fault | None:
    value = request.header(FAULT_HEADER)
    if not value:
        return None
    kind, _, argument = value.strip().partition("=")
    try:
        if kind == "status":
            return Fault("status", status=int(argument or 500))
        if kind == "drop_mid_stream":
            return Fault("drop_mid_stream", after_events=int(argument or 2))
        if kind == "delay":
            return Fault("delay", delay_s=float(argument or 1.0))
    except ValueError:
        logger.warning("Ignored an unreadable %s header value.", FAULT_HEADER)
        return None
    if kind == "malformed":
        return Fault("malformed")
    logger.warning("Ignored an unknown %s kind.", FAULT_HEADER)
    return None


def _request_model(body: bytes) -> str:
    try:
        payload = json.loads(body) if body else None
    except ValueError:
        return ""
    model = payload.get("model") if isinstance(payload, dict) else None
    return model if isinstance(model, str) else ""


def _includes_usage(payload: JsonObject) -> bool:
    options = payload.get("stream_options")
    return isinstance(options, dict) and options.get("include_usage") is True


def _data_event(payload: JsonObject) -> bytes:
    return b"data: " + _compact(payload) + b"\n\n"


def _named_event(payload: JsonObject) -> bytes:
    return b"event: " + str(payload["type"]).encode() + b"\ndata: " + _compact(payload) + b"\n\n"


def _compact(payload: JsonObject) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def _invalid_request(message: str, path: str) -> _Reply:
    if path == "/v1/messages":
        body = openai_bodies.anthropic_error_body(
            message, "invalid_request_error", _request_id(path)
        )
        return _Reply(400, body, is_anthropic=True)
    return _Reply(400, openai_bodies.openai_error_body(message, "invalid_request_error"))


def _missing_parameter(name: str) -> _Reply:
    message = f"Missing required parameter: '{name}'."
    body = openai_bodies.openai_error_body(
        message, "invalid_request_error", param=name, code="missing_required_parameter"
    )
    return _Reply(400, body)


def _request_id(seed: str) -> str:
    return "req_" + hashlib.sha256(f"{time.monotonic_ns()}:{seed}".encode()).hexdigest()[:32]


def _provider_headers(request: RecordedRequest, reply: _Reply) -> list[tuple[str, str]]:
    date = email.utils.formatdate(usegmt=True)
    request_id = _request_id(request.path)
    if reply.is_anthropic:
        return [
            ("Date", date),
            ("request-id", request_id),
            ("anthropic-ratelimit-requests-limit", "1000"),
            ("anthropic-ratelimit-requests-remaining", "999"),
        ]
    return [
        ("Date", date),
        ("openai-version", "2020-10-01"),
        ("openai-processing-ms", str(120 + fake_model.stable_hash(request_id) % 400)),
        ("x-request-id", request_id),
        ("x-ratelimit-limit-requests", "10000"),
        ("x-ratelimit-remaining-requests", "9999"),
        ("x-ratelimit-limit-tokens", "200000"),
        ("x-ratelimit-remaining-tokens", "199950"),
    ]
