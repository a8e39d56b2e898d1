"""The HTTP layer's limits: backlog, lengths, duplicate headers, targets, deadlines, caps."""

from __future__ import annotations

import http.client
import socket
import threading
import time

from google.rpc.status_pb2 import Status  # type: ignore[import-untyped]

from tests.collector.conftest import make_span, send_raw, trace_request, wait_for

BODY = trace_request(make_span()).SerializeToString()


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def _get_head(collector, *lines: str, target: str = "/api/stats") -> bytes:
    return (
        f"GET {target} HTTP/1.1\r\n" + "".join(f"{line}\r\n" for line in lines) + "\r\n"
    ).encode()


def test_fifty_exporters_connecting_at_once_are_all_stored(collector):
    # socketserver's default listen backlog of 5 reset some of these connections.
    count = 50
    barrier = threading.Barrier(count)
    statuses: list[int | str] = [0] * count

    def send(index: int) -> None:
        body = trace_request(make_span(span_id=bytes([index + 1]) + b"\x00" * 7))
        connection = http.client.HTTPConnection("127.0.0.1", collector.server.port, timeout=20)
        try:
            barrier.wait(10)
            connection.request(
                "POST",
                "/v1/traces",
                body.SerializeToString(),
                {
                    "Content-Type": "application/x-protobuf",
                    "Authorization": f"Bearer {collector.key}",
                },
            )
            statuses[index] = connection.getresponse().status
        except OSError as exc:
            statuses[index] = type(exc).__name__
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert statuses == [200] * count
    assert len(collector.rows()) == count


def test_a_post_without_content_length_or_chunking_is_411(collector):
    head = (
        "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
        f"Authorization: Bearer {collector.key}\r\n\r\n"
    )

    answer = send_raw(collector, head.encode())

    assert answer.startswith(b"HTTP/1.1 411 ")
    # An OTLP path answers in OTLP's error format: a google.rpc.Status in the request's encoding.
    assert b"Content-Type: application/x-protobuf\r\n" in answer
    status = Status.FromString(answer.split(b"\r\n\r\n", 1)[1])
    assert status.message == "Content-Length or chunked Transfer-Encoding required"
    assert collector.rows() == []


def test_duplicate_host_or_authorization_headers_are_400(make_collector):
    collector = make_collector(dashboard_auth=False)
    bearer = f"Authorization: Bearer {collector.key}"

    two_hosts = send_raw(collector, _get_head(collector, "Host: evil.com", "Host: localhost"))
    two_keys = send_raw(
        collector, _get_head(collector, "Host: localhost", "Authorization: Bearer x", bearer)
    )
    one_each = send_raw(collector, _get_head(collector, "Host: localhost", bearer))

    assert two_hosts.startswith(b"HTTP/1.1 400 ")
    assert two_hosts.endswith(b"more than one Host header\n")
    assert two_keys.startswith(b"HTTP/1.1 400 ")
    assert two_keys.endswith(b"more than one Authorization header\n")
    assert _status(one_each) == 200


def test_an_absolute_form_target_must_name_the_host_header(make_collector):
    collector = make_collector(dashboard_auth=False)

    # The target names another host than the (local) Host header: refused.
    mismatch = send_raw(
        collector, _get_head(collector, "Host: localhost", target="http://evil.com/api/stats")
    )
    # Both name the other host: the Host check of the dashboard refuses it.
    evil = send_raw(collector, _get_head(collector, "Host: evil.com", target="http://evil.com/"))
    agreeing = send_raw(
        collector,
        _get_head(collector, "Host: localhost:1", target="http://LOCALHOST:1/api/stats?window=1h"),
    )
    relative = send_raw(collector, _get_head(collector, "Host: localhost", target="api/stats"))

    assert mismatch.startswith(b"HTTP/1.1 400 ")
    assert mismatch.endswith(b"the request target names another host than the Host header\n")
    assert _status(evil) == 403
    assert _status(agreeing) == 200
    assert b'"window":"1h"' in agreeing
    assert _status(relative) == 400


def test_a_trickling_client_is_cut_off_at_the_request_deadline(make_collector):
    collector = make_collector(request_deadline_s=1.0)
    lines = [b"GET /healthz HTTP/1.1\r\n"] + [b"X-Slow: 1\r\n"] * 20
    with socket.create_connection(("127.0.0.1", collector.server.port), timeout=10) as sock:
        started = time.monotonic()
        closed_after = None
        for line in lines:  # one header line every 0.2 s: no single read ever times out
            try:
                sock.sendall(line)
            except OSError:
                closed_after = time.monotonic() - started
                break
            time.sleep(0.2)
            sock.setblocking(False)
            try:
                gone = sock.recv(1) == b""
            except BlockingIOError:
                gone = False
            except OSError:  # reset: the server closed while the line was on its way
                gone = True
            finally:
                sock.setblocking(True)
            if gone:
                closed_after = time.monotonic() - started
                break

    assert closed_after is not None
    assert 0.9 <= closed_after < 3.0
    assert collector.get("/healthz", auth=None).status == 200


def test_a_slow_body_is_408_at_the_request_deadline(make_collector):
    collector = make_collector(request_deadline_s=1.0)
    head = (
        "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
        f"Authorization: Bearer {collector.key}\r\nContent-Length: {len(BODY)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", collector.server.port), timeout=10) as sock:
        sock.sendall(head)
        started = time.monotonic()
        for byte in BODY[:5]:  # each well within the 30 s per-read timeout
            sock.sendall(bytes([byte]))
            time.sleep(0.15)
        # Then stall: without the deadline the server would wait for the per-read timeout.
        answer = sock.recv(65536)
        elapsed = time.monotonic() - started

    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b"Connection: close" in answer
    assert 0.9 <= elapsed < 3.0
    assert collector.rows() == []


def test_connections_over_the_cap_get_503_and_retry_after(make_collector):
    collector = make_collector(max_connections=2)
    port = collector.server.port
    idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(2)]
    try:
        # Both idle connections hold their threads once the server has accepted them.
        wait_for(lambda: collector.server.open_connections == 2)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as extra:
            refused = b""
            while chunk := extra.recv(65536):
                refused += chunk
        # An exporter sending its request while the server refuses still reads the 503 (the
        # refused socket is not closed under its request, which would reset the connection).
        exports = [collector.export(BODY) for _ in range(5)]
    finally:
        for sock in idle:
            sock.close()

    assert refused.startswith(b"HTTP/1.1 503 ")
    assert b"\r\nRetry-After: 1\r\n" in refused
    assert b"\r\nConnection: close\r\n" in refused
    assert [(answer.status, answer.headers["retry-after"]) for answer in exports] == [
        (503, "1")
    ] * 5
    assert collector.rows() == []
    # The slots are free again once the idle connections are gone.
    wait_for(lambda: collector.server.open_connections == 0)
    assert collector.export(BODY).status == 200


def test_server_header_has_no_trailing_space(collector):
    answer = send_raw(collector, b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")

    assert b"\r\nServer: prysmai-collector\r\n" in answer
