"""Bodies built to cost memory, and header tricks used to smuggle a second request.

Raw sockets, so the bytes on the wire are exactly the test's.
"""

from __future__ import annotations

import gzip
import io
import json
import tracemalloc

import pytest
from google.rpc.status_pb2 import Status  # type: ignore[import-untyped]

from prysmai.collector.chunked import read_chunked
from prysmai.collector.otlp_codec import MAX_JSON_CONTAINERS
from prysmai.collector.receiver import DEFAULT_MAX_BODY_BYTES
from prysmai.collector.server import CollectorSettings
from tests.collector.conftest import make_span, send_raw, trace_request

BODY = trace_request(make_span()).SerializeToString()
MIB = 1024 * 1024


def _head(collector, extra: str = "", *, version: str = "HTTP/1.1") -> bytes:
    return (
        f"POST /v1/traces {version}\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
        f"Authorization: Bearer {collector.key}\r\n{extra}"
    ).encode()


def _chunked(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n0\r\n\r\n" % (len(data), data)


# --- memory -----------------------------------------------------------------------------------


def test_tiny_chunks_are_gathered_in_one_buffer():
    count = 200_000  # one byte each: a bytes object per chunk would cost ~35 bytes per byte
    stream = io.BufferedReader(io.BytesIO(b"1\r\nx\r\n" * count + b"0\r\n\r\n"))  # type: ignore[arg-type]

    tracemalloc.start()
    try:
        body = read_chunked(stream, 10 * MIB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert body == b"x" * count
    assert peak < 4 * count  # the buffer and the returned copy, not an object per chunk


def test_json_of_millions_of_empty_objects_is_refused_before_parsing(collector):
    items = MAX_JSON_CONTAINERS + 1000
    document = b'{"x":[' + b",".join([b"{}"] * items) + b"]}"
    assert len(document) < DEFAULT_MAX_BODY_BYTES  # within the size cap: only the count refuses

    answer = collector.export(
        gzip.compress(document, 1),
        content_type="application/json",
        extra={"Content-Encoding": "gzip"},
    )

    assert answer.status == 413
    message = json.loads(answer.body)["message"]
    assert f"more than {MAX_JSON_CONTAINERS:,} objects and arrays" in message


def test_a_real_json_export_is_still_taken(collector):
    span = {
        "traceId": "5b8efff798038103d269b633813fc60c",
        "spanId": "eee19b7ec3c1b174",
        "name": "chat {x} [y]",
        "startTimeUnixNano": "1700000000000000000",
        "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}}],
    }
    document = {"resourceSpans": [{"scopeSpans": [{"spans": [span]}]}]}

    answer = collector.export(json.dumps(document).encode(), content_type="application/json")

    assert answer.status == 200


def test_the_default_body_cap_is_20_mib_decompressed(collector):
    assert DEFAULT_MAX_BODY_BYTES == CollectorSettings(db_path=collector.db).max_body_bytes
    assert DEFAULT_MAX_BODY_BYTES == 20 * MIB

    answer = collector.export(gzip.compress(b"\0" * (21 * MIB)), extra={"Content-Encoding": "gzip"})

    assert answer.status == 413
    assert collector.rows() == []


# --- smuggling through malformed headers ------------------------------------------------------


def test_a_space_before_the_colon_is_400_and_the_body_is_not_a_second_request(collector):
    hidden = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    request = (
        b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding : chunked\r\n\r\n"
        + _chunked(hidden)
    )

    answer = send_raw(collector, request)

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert answer.count(b"HTTP/1.1 ") == 1  # one answer: the connection was closed
    assert b"malformed header line" in answer


@pytest.mark.parametrize(
    "bad_line",
    ["Transfer-Encoding : chunked\r\n", "X-Without-Colon\r\n", "Bad Name: value\r\n"],
)
def test_malformed_header_lines_are_400_and_nothing_is_stored(collector, bad_line):
    request = _head(collector, f"{bad_line}Transfer-Encoding: chunked\r\n\r\n") + _chunked(BODY)

    answer = send_raw(collector, request)

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"Connection: close\r\n" in answer
    assert collector.rows() == []


def test_folded_header_lines_are_400(collector):
    request = _head(collector, "Transfer-Encoding: gzip,\r\n chunked\r\n\r\n") + _chunked(BODY)

    answer = send_raw(collector, request)

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"folded header line" in answer
    assert collector.rows() == []


@pytest.mark.parametrize(
    "content_type", ["multipart/form-data; boundary=x", "multipart/mixed", "message/rfc822"]
)
def test_content_types_the_header_parser_treats_as_mail_are_not_malformed(
    make_collector, content_type
):
    collector = make_collector(dashboard_auth=False)
    request = f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n\r\n"

    answer = send_raw(collector, request.encode())

    assert answer.startswith(b"HTTP/1.1 200 ")


def test_transfer_encoding_on_http_1_0_is_400(collector):
    request = _head(collector, "Transfer-Encoding: chunked\r\n\r\n", version="HTTP/1.0")

    answer = send_raw(collector, request + _chunked(BODY))

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"not allowed in an HTTP/1.0 request" in answer
    assert collector.rows() == []


@pytest.mark.parametrize("coding", ["\x0bchunked", "chunked\x0c", "\xa0chunked"])
def test_only_spaces_and_tabs_may_surround_chunked(collector, coding):
    request = _head(collector).decode() + f"Transfer-Encoding: {coding}\r\n\r\n"

    answer = send_raw(collector, request.encode("latin-1") + _chunked(BODY))

    assert answer.split(b"\r\n", 1)[0] in (
        b"HTTP/1.1 400 Bad Request",
        b"HTTP/1.1 501 Not Implemented",
    )
    assert collector.rows() == []


def test_spaces_and_tabs_around_chunked_are_fine(collector):
    answer = send_raw(
        collector, _head(collector, "Transfer-Encoding: \tchunked \r\n\r\n") + _chunked(BODY)
    )

    assert answer.startswith(b"HTTP/1.1 200 ")


@pytest.mark.parametrize(
    "trailer",
    [b"no colon", b"Bad Name: x", b"Name : x", b"Name: \x00", b": empty name"],
)
def test_malformed_trailer_fields_are_400(collector, trailer):
    body = b"%x\r\n%s\r\n0\r\n%s\r\n\r\n" % (len(BODY), BODY, trailer)

    answer = send_raw(collector, _head(collector, "Transfer-Encoding: chunked\r\n\r\n") + body)

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"malformed trailer field" in answer
    assert collector.rows() == []


def test_well_formed_trailers_are_still_read(collector):
    body = b"%x\r\n%s\r\n0\r\nX-Checksum: abc\r\nX-Empty:\r\n\r\n" % (len(BODY), BODY)

    answer = send_raw(collector, _head(collector, "Transfer-Encoding: chunked\r\n\r\n") + body)

    assert answer.startswith(b"HTTP/1.1 200 ")


# --- errors before the OTLP handler use OTLP's error format -----------------------------------


@pytest.mark.parametrize(
    ("extra", "status"),
    [
        ("\r\n", 411),
        ("Transfer-Encoding: gzip\r\n\r\n", 501),
        ("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
    ],
)
@pytest.mark.parametrize("content_type", ["application/json", "application/x-protobuf"])
def test_early_errors_on_otlp_paths_are_google_rpc_status(collector, extra, status, content_type):
    head = _head(collector, extra).replace(b"application/x-protobuf", content_type.encode())

    answer = send_raw(collector, head)
    headers, body = answer.split(b"\r\n\r\n", 1)

    assert headers.startswith(b"HTTP/1.1 %d " % status)
    assert f"Content-Type: {content_type}".encode() in headers
    if content_type == "application/json":
        message = json.loads(body)["message"]
    else:
        message = Status.FromString(body).message
    assert message  # says why, as the receiver's other errors do


def test_early_errors_elsewhere_stay_plain_text(collector):
    answer = send_raw(collector, b"POST /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")

    assert answer.startswith(b"HTTP/1.1 411 ")
    assert b"Content-Type: text/plain" in answer


@pytest.mark.parametrize(
    "hidden",
    [
        pytest.param("X-A: a\rTransfer-Encoding: chunked", id="transfer-encoding"),
        pytest.param("X-A: a\rContent-Length: 20", id="content-length"),
        pytest.param("X-A: a\x00b", id="nul"),
    ],
)
def test_a_bare_cr_or_nul_inside_a_header_line_is_refused(collector, hidden: str) -> None:
    request = (
        "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
        f"Authorization: Bearer {collector.key}\r\n{hidden}\r\nContent-Length: 0\r\n\r\n"
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    ).encode()

    answer = send_raw(collector, request)

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"bare CR or NUL in the request head" in answer
    assert answer.count(b"HTTP/1.1 ") == 1  # the connection closed: nothing read as a request


def test_a_hidden_authorization_header_does_not_authenticate(collector) -> None:
    request = (
        "GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"X-A: a\rAuthorization: Bearer {collector.key}\r\n\r\n"
    ).encode()

    answer = send_raw(collector, request)

    assert answer.startswith(b"HTTP/1.1 400 ")
