from __future__ import annotations

import base64
import http.client
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status

from prysmai.collector.server import CollectorServer, CollectorSettings
from prysmai.store import TraceStore
from prysmai.telemetry import shutdown_pipelines
from tests.collector.alert_servers import HookServer

NOW_NS = time.time_ns()
KEY_RE = re.compile(r"sk-prysm-[0-9a-f]{64}")
TRACE_ID = bytes.fromhex("5b8efff798038103d269b633813fc60c")
SPAN_ID = bytes.fromhex("eee19b7ec3c1b174")


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Collector:
    server: CollectorServer
    key: str
    db: Path
    extra_keys: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            connection.close()

    def export(
        self,
        body: bytes,
        *,
        content_type: str = "application/x-protobuf",
        key: str | None = None,
        path: str = "/v1/traces",
        extra: dict[str, str] | None = None,
    ) -> Answer:
        headers = {"Content-Type": content_type, "Authorization": f"Bearer {key or self.key}"}
        headers.update(extra or {})
        return self.request("POST", path, body, headers)

    def get(self, path: str, *, auth: str | None = "basic", host: str | None = None) -> Answer:
        headers: dict[str, str] = {}
        if auth == "basic":
            token = base64.b64encode(f"me:{self.key}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        elif auth == "bearer":
            headers["Authorization"] = f"Bearer {self.key}"
        if host is not None:
            headers["Host"] = host
        return self.request("GET", path, headers=headers)

    def rows(self) -> list[Any]:
        with TraceStore(self.db) as store:
            return store.recent(limit=1000, include_attributes=True)


@pytest.fixture
def make_collector(tmp_path: Path) -> Iterator[Callable[..., Collector]]:
    started: list[CollectorServer] = []

    def make(**settings: Any) -> Collector:
        db = settings.pop("db_path", tmp_path / f"collector-{len(started)}.db")
        server = CollectorServer(CollectorSettings(db_path=db, port=0, **settings)).start()
        started.append(server)
        return Collector(server, server.keys.create(name="tests"), db)

    yield make
    for server in started:
        server.close()


@pytest.fixture
def hook() -> Iterator[HookServer]:
    """A webhook receiver on loopback that records what it is sent."""
    server = HookServer()
    yield server
    server.close()


@pytest.fixture
def collector(make_collector: Callable[..., Collector]) -> Collector:
    return make_collector()


@pytest.fixture(autouse=True)
def _fresh_pipelines() -> Iterator[None]:
    """Monitored clients of one test export through pipelines stopped when it ends."""
    yield
    shutdown_pipelines(timeout_s=1.0)


def send_raw(collector: Collector, data: bytes, *, timeout: float = 10) -> bytes:
    """Send raw bytes to the collector, say nothing more, and return all it answers."""
    with socket.create_connection(("127.0.0.1", collector.server.port), timeout=timeout) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)  # nothing more will come: the server must not wait
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def kv(key: str, value: object) -> KeyValue:
    return KeyValue(key=key, value=any_value(value))


def any_value(value: object) -> AnyValue:
    if isinstance(value, bool):
        return AnyValue(bool_value=value)
    if isinstance(value, int):
        return AnyValue(int_value=value)
    if isinstance(value, float):
        return AnyValue(double_value=value)
    if isinstance(value, list | tuple):
        array = AnyValue()
        array.array_value.values.extend(any_value(item) for item in value)
        return array
    return AnyValue(string_value=str(value))


def call_attributes(**overrides: object) -> dict[str, object]:
    attributes: dict[str, object] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
        "gen_ai.usage.input_tokens": 12,
        "gen_ai.usage.output_tokens": 34,
        "prysm.cost.usd": 0.0000222,
        "prysm.latency_ms": 250.0,
        "user.id": "alice",
    }
    for key, value in overrides.items():
        if value is None:
            attributes.pop(key.replace("__", "."), None)
        else:
            attributes[key.replace("__", ".")] = value
    return attributes


def make_span(
    attributes: dict[str, object] | None = None,
    *,
    trace_id: bytes = TRACE_ID,
    span_id: bytes = SPAN_ID,
    name: str = "chat gpt-4o-mini",
    start_ns: int = NOW_NS,
    duration_ms: float = 250.0,
) -> Span:
    span = Span(
        trace_id=trace_id,
        span_id=span_id,
        name=name,
        kind=Span.SPAN_KIND_CLIENT,
        start_time_unix_nano=start_ns,
        end_time_unix_nano=start_ns + int(duration_ms * 1e6),
    )
    span.attributes.extend(
        kv(k, v) for k, v in (attributes if attributes is not None else call_attributes()).items()
    )
    return span


def trace_request(*spans: Span, service: str = "tests") -> ExportTraceServiceRequest:
    scope = ScopeSpans(spans=list(spans))
    scope.scope.name = "prysmai"
    resource_spans = ResourceSpans(scope_spans=[scope])
    resource_spans.resource.attributes.append(kv("service.name", service))
    return ExportTraceServiceRequest(resource_spans=[resource_spans])


def error_status(message: str) -> Status:
    return Status(code=Status.STATUS_CODE_ERROR, message=message)


def wait_for(predicate: Callable[[], Any], timeout_s: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


class ServeProcess:
    """``python -m prysmai serve`` as a child process on a free port, its stdout read as it comes.

    ``db`` is a SQLite file or a PostgreSQL URL.
    """

    def __init__(self, db: Path | str, *options: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        command = [sys.executable, "-m", "prysmai", "serve", "--port", "0", "--db", str(db)]
        self.process = subprocess.Popen(
            [*command, *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=Path(__file__).resolve().parents[2],
            # A test run started in the background (nohup ... &) inherits Ctrl-C as ignored,
            # and Python then installs no handler for it: the child gets its default back.
            preexec_fn=_default_ctrl_c if os.name == "posix" else None,
        )
        self.lines: list[str] = []
        self.errors: list[str] = []
        """What it wrote to stderr (read all along, so that a full pipe never blocks it)."""
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._readers = [
            threading.Thread(target=target, daemon=True)
            for target in (self._pump, self._pump_errors)
        ]
        for reader in self._readers:
            reader.start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line)
        self._queue.put(None)

    def _pump_errors(self) -> None:
        assert self.process.stderr is not None
        self.errors.extend(self.process.stderr)

    def wait_ready(self, timeout_s: float = 30.0) -> list[str]:
        """Read stdout up to the "Press Ctrl-C" line; fail with stderr if the process ends."""
        deadline = time.monotonic() + timeout_s
        while not self.lines or not self.lines[-1].startswith("Press Ctrl-C"):
            line = self._queue.get(timeout=max(0.1, deadline - time.monotonic()))
            if line is None:
                self.process.wait(10)
                time.sleep(0.1)  # the last of stderr
                raise AssertionError(f"serve exited: {''.join(self.errors)}")
            self.lines.append(line)
        return self.lines

    def _drain(self) -> str | None:
        """The next line the process printed, None once stdout has ended."""
        try:
            return self._queue.get(timeout=10)
        except queue.Empty:
            return None

    @property
    def url(self) -> str:
        found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", "".join(self.lines))
        assert found is not None
        return found.group(1)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    @property
    def keys(self) -> list[str]:
        """Keys the process printed (one when it created the store's first key)."""
        return [match.group() for line in self.lines for match in KEY_RE.finditer(line)]

    def stop(self, signal_number: int = signal.SIGINT) -> int:
        """Ctrl-C (or the given signal), then wait; returns the exit code."""
        self.process.send_signal(signal_number)
        try:
            code = self.process.wait(30)  # a loaded machine can take a while to exit
            self.lines.extend(iter(self._drain, None))
            return code
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            for reader in self._readers:
                reader.join(10)  # both pipes end with the process
            for stream in (self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()


def _default_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def serve_together(db: Path | str, count: int = 2) -> list[str]:
    """Start ``count`` serve processes on ``db`` at once; return the keys they printed."""
    processes = [ServeProcess(db, "--alert-interval", "0") for _ in range(count)]
    try:
        for process in processes:
            process.wait_ready()
    finally:
        exits = [process.stop() for process in processes]
    assert exits == [130] * count
    return [key for process in processes for key in process.keys]
