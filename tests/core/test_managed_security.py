"""``security="collector"``: settings managed on a real collector, applied by a real SDK client
calling a loopback provider, kept up to date in the background, and local settings while the
collector cannot be reached."""

from __future__ import annotations

import http.server
import json
import logging
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import openai
import pytest

from prysmai import CollectorSecurity, semconv
from prysmai.cli.main import main
from prysmai.collector.keys import KeyStore
from prysmai.collector.server import CollectorServer, CollectorSettings
from prysmai.errors import ConfigurationError
from prysmai.managed_security import stop_pollers
from prysmai.monitor import monitor, recorder_of
from prysmai.security.config import PiiRedactionMode, SecurityConfig
from tests.collector.conftest import Collector
from tests.collector.settings_browser import Browser

EMAIL = "jane.doe@example.com"
PROMPT = f"Please email {EMAIL} the receipt"
FAST = CollectorSecurity(poll_interval_s=0.1)


@pytest.fixture(autouse=True)
def _stopped_pollers() -> Iterator[None]:
    yield
    stop_pollers()


@pytest.fixture
def start_collector(tmp_path: Path) -> Iterator[Callable[..., Collector]]:
    started: list[CollectorServer] = []

    def start(port: int = 0, db: Path | None = None) -> Collector:
        path = db or tmp_path / "collector.db"
        server = CollectorServer(CollectorSettings(db_path=path, port=port)).start()
        started.append(server)
        return Collector(server, server.keys.create(name="app"), path)

    yield start
    for server in started:
        server.close()


def _ask(client: openai.OpenAI) -> None:
    client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": PROMPT}])


def _sent(server) -> str:
    return server.requests[-1].body.decode()


def _wait_for_version(client: openai.OpenAI, version: int, timeout_s: float = 5.0) -> None:
    recorder = recorder_of(client)
    assert recorder is not None and recorder.managed_security is not None
    deadline = time.monotonic() + timeout_s
    while recorder.managed_security.version != version:
        assert time.monotonic() < deadline, f"version {version} never arrived"
        time.sleep(0.02)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_cli_mask_then_dashboard_block_reach_the_app(
    start_collector, capture, client, server, caplog
):
    collector = start_collector()
    assert main(["security", "set", "--pii-redaction-mode", "mask", "--db", str(collector.db)]) == 0
    with caplog.at_level(logging.INFO, logger="prysmai"):
        watched = capture.monitor(
            client, prysm_key=collector.key, base_url=collector.url, security=FAST
        )

    _ask(watched)  # the first call already has the collector's settings
    masked = _sent(server)
    Browser(collector, collector.key).submit(
        "/settings/security",
        "/settings/security/set",
        {"injectionDetection": "yes", "piiDetection": "yes", "piiRedactionMode": "block"},
    )
    _wait_for_version(watched, 2)
    sent_before = len(server.requests)
    with pytest.raises(openai.PermissionDeniedError) as raised:
        _ask(watched)

    assert EMAIL not in masked and "[EMAIL_REDACTED]" in masked
    assert len(server.requests) == sent_before  # the blocked call never left
    assert raised.value.body["type"] == "security_error"
    first, blocked = capture.attributes()
    assert first[semconv.SECURITY_SETTINGS_SOURCE] == "collector"
    assert first[semconv.SECURITY_SETTINGS_VERSION] == 1
    assert first[semconv.SECURITY_ACTION] == "redacted"
    assert blocked[semconv.SECURITY_SETTINGS_VERSION] == 2
    assert blocked[semconv.SECURITY_ACTION] == "blocked"
    assert "Security settings version 1 from the Prysm collector" in caplog.text
    assert collector.key not in caplog.text


def test_collector_down_uses_local_settings_then_picks_up_the_collector(
    start_collector, capture, client, server, caplog, tmp_path
):
    db = tmp_path / "late.db"
    keys = KeyStore(db)
    key = keys.create(name="app")
    keys.close()
    assert main(["security", "set", "--pii-redaction-mode", "mask", "--db", str(db)]) == 0
    port = _free_port()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="prysmai"):
        watched = capture.monitor(
            client, prysm_key=key, base_url=f"http://127.0.0.1:{port}", security=FAST
        )
        waited = time.monotonic() - started
        _ask(watched)
        time.sleep(0.5)  # several failed retries: still one warning
    local = _sent(server)
    # Only prysmai's own: an exporter of an earlier test may still log its shutdown here.
    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and r.name.startswith("prysmai")
    ]

    start_collector(port=port, db=db)  # the collector comes up: the poller finds it
    _wait_for_version(watched, 1)
    _ask(watched)
    managed = _sent(server)

    assert waited < 2.5
    assert EMAIL in local  # the local defaults detect only
    assert len(warnings) == 1
    assert "could not be fetched" in warnings[0] and "the default settings" in warnings[0]
    assert EMAIL not in managed and "[EMAIL_REDACTED]" in managed
    first, second = capture.attributes()
    assert first[semconv.SECURITY_SETTINGS_SOURCE] == "local"
    assert semconv.SECURITY_SETTINGS_VERSION not in first
    assert second[semconv.SECURITY_SETTINGS_SOURCE] == "collector"
    assert second[semconv.SECURITY_SETTINGS_VERSION] == 1


def test_collector_down_after_answering_keeps_the_last_settings(
    start_collector, capture, client, server, caplog
):
    collector = start_collector()
    collector.server.security_settings.set(
        SecurityConfig(pii_redaction_mode=PiiRedactionMode.BLOCK), "tests"
    )
    watched = capture.monitor(
        client, prysm_key=collector.key, base_url=collector.url, security=FAST
    )
    collector.server.close()
    with caplog.at_level(logging.WARNING, logger="prysmai"):
        time.sleep(0.4)
        with pytest.raises(openai.PermissionDeniedError):
            _ask(watched)

    assert "calls keep version 1" in caplog.text
    assert capture.attributes()[0][semconv.SECURITY_SETTINGS_VERSION] == 1


def test_a_collector_that_never_answers_costs_monitor_the_first_fetch_timeout_only(
    capture, client, server, caplog
):
    with socket.socket() as silent:  # accepts connections (backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="prysmai"):
            watched = capture.monitor(
                client,
                prysm_key="sk-prysm-" + "b" * 64,
                base_url=f"http://127.0.0.1:{port}",
                security=CollectorSecurity(first_fetch_timeout_s=0.3),
            )
        waited = time.monotonic() - started
        call_started = time.monotonic()
        _ask(watched)
        call_s = time.monotonic() - call_started

    assert 0.25 <= waited < 1.5
    assert call_s < 1.0  # the call does not wait for the collector
    assert "did not answer within 0.3 s" in caplog.text
    assert capture.attributes()[0][semconv.SECURITY_SETTINGS_SOURCE] == "local"


def test_env_opts_in_and_a_fallback_applies_until_the_collector_answers(
    capture, client, server, monkeypatch
):
    monkeypatch.setenv("PRYSM_SECURITY", "collector")
    monkeypatch.setenv("PRYSM_API_KEY", "sk-prysm-" + "c" * 64)
    monkeypatch.setenv("PRYSM_BASE_URL", f"http://127.0.0.1:{_free_port()}")

    from_env = capture.monitor(client)
    with_fallback = capture.monitor(
        client,
        security=CollectorSecurity(poll_interval_s=0.1, fallback={"piiRedactionMode": "mask"}),
    )
    _ask(from_env)
    plain = _sent(server)
    _ask(with_fallback)
    masked = _sent(server)
    explicit_local = capture.monitor(client, security={"piiRedactionMode": "mask"})

    assert recorder_of(from_env).managed_security is not None
    assert recorder_of(explicit_local).managed_security is None  # an argument wins over env
    assert EMAIL in plain and EMAIL not in masked


@pytest.mark.parametrize(
    ("kwargs", "env", "message"),
    [
        ({"security": "collector"}, {}, 'security="collector" fetches the settings'),
        ({"security": "remote"}, {}, "security='remote' is not understood"),
        ({}, {"PRYSM_SECURITY": "maybe"}, "PRYSM_SECURITY='maybe' must be"),
        (
            {"security": CollectorSecurity(fallback={"piiRedactionMode": "x"})},
            {"PRYSM_API_KEY": "sk-prysm-" + "d" * 64},
            "local security settings: piiRedactionMode must be one of",
        ),
    ],
)
def test_configuration_mistakes_are_clear_errors(client, monkeypatch, kwargs, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(")):
        monitor(client, **kwargs)


def test_bad_intervals_are_refused():
    with pytest.raises(ConfigurationError, match="poll_interval_s"):
        CollectorSecurity(poll_interval_s=0)
    with pytest.raises(ConfigurationError, match="first_fetch_timeout_s must be from 0 to 2"):
        CollectorSecurity(first_fetch_timeout_s=5)


class _SettingsServer:
    """A loopback stand-in for a collector: answers every GET with one fixed reply."""

    def __init__(self, status: int, body: dict[str, object], headers: dict[str, str]) -> None:
        self.requests: list[dict[str, str]] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests.append(dict(self.headers))
                payload = json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


KEY = "sk-prysm-" + "ab" * 32


def test_a_redirect_is_a_failed_poll_and_the_key_stays_home(capture, client, server):
    elsewhere = _SettingsServer(200, {"settings": {"injectionDetection": False}, "version": 9}, {})
    redirecting = _SettingsServer(302, {}, {"Location": elsewhere.url + "/v1/settings/security"})
    try:
        watched = capture.monitor(client, prysm_key=KEY, base_url=redirecting.url, security=FAST)
        _ask(watched)
    finally:
        redirecting.close()
        elsewhere.close()

    assert redirecting.requests and not elsewhere.requests
    [attrs] = capture.attributes()
    assert attrs[semconv.SECURITY_SETTINGS_SOURCE] == "local"


def test_settings_named_in_snake_case_are_applied(capture, client, server):
    collector = _SettingsServer(
        200, {"settings": {"pii_redaction_mode": "mask"}, "version": 6}, {"ETag": '"6-x"'}
    )
    try:
        watched = capture.monitor(client, prysm_key=KEY, base_url=collector.url, security=FAST)
        _ask(watched)
    finally:
        collector.close()

    assert EMAIL not in _sent(server) and "[EMAIL_REDACTED]" in _sent(server)
    [attrs] = capture.attributes()
    assert attrs[semconv.SECURITY_SETTINGS_VERSION] == 6


@pytest.mark.parametrize("drip", ["body", "status line and headers"])
def test_a_dripping_answer_is_a_failed_poll_within_the_time(
    capture, client, server, caplog, monkeypatch, drip
):
    # The socket timeout bounds each read only; a collector sending its answer a byte at a
    # time is cut off at the request's total deadline all the same, wherever the drip starts.
    monkeypatch.setattr("prysmai.managed_security.REQUEST_TIMEOUT_S", 0.5)
    body = json.dumps({"settings": {"piiRedactionMode": "mask"}, "version": 1}).encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}"
    answer = head.encode() + b"\r\n\r\n" + body
    slow_from = 0 if drip != "body" else len(answer) - len(body)

    class Drip(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.recv(65536)
            self.request.sendall(answer[:slow_from])
            for byte in answer[slow_from:]:  # one byte every 50 ms: seconds for the rest
                try:
                    self.request.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(0.05)

    dripping = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Drip)
    dripping.daemon_threads = True
    threading.Thread(target=dripping.serve_forever, daemon=True).start()
    try:
        with caplog.at_level(logging.WARNING, logger="prysmai"):
            watched = capture.monitor(
                client,
                prysm_key=KEY,
                base_url=f"http://127.0.0.1:{dripping.server_address[1]}",
                security=CollectorSecurity(poll_interval_s=30.0),
            )
    finally:
        dripping.shutdown()
        dripping.server_close()
    _ask(watched)

    assert "the answer took more than 0.5 s" in caplog.text
    assert EMAIL in _sent(server)  # the local defaults: detection only
