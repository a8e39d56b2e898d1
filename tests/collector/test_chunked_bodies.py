"""Exports sent with ``Transfer-Encoding: chunked``: decoded, bounded and strict."""

from __future__ import annotations

import gzip

import httpx
import pytest

from tests.collector.conftest import make_span, send_raw, trace_request

BODY = trace_request(make_span()).SerializeToString()


def head(collector, extra: str = "") -> bytes:
    return (
        "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
        f"Authorization: Bearer {collector.key}\r\n{extra}"
    ).encode()


def chunked(data: bytes, size: int = 7) -> bytes:
    pieces = [data[i : i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"


def test_a_chunked_export_is_stored(collector):
    request = head(collector, "Transfer-Encoding: chunked\r\n\r\n") + chunked(BODY)

    answer = send_raw(collector, request)

    assert answer.startswith(b"HTTP/1.1 200 ")
    [row] = collector.rows()
    assert (row.request_model, row.input_tokens) == ("gpt-4o-mini", 12)


def test_a_streamed_gzip_body_from_httpx_is_stored(collector):
    compressed = gzip.compress(BODY)

    def pieces():
        for index in range(0, len(compressed), 5):
            yield compressed[index : index + 5]

    answer = httpx.post(
        f"{collector.url}/v1/traces",
        content=pieces(),  # a generator: httpx sends it chunked, without Content-Length
        headers={
            "Content-Type": "application/x-protobuf",
            "Content-Encoding": "gzip",
            "Authorization": f"Bearer {collector.key}",
        },
    )

    assert answer.status_code == 200
    assert [row.request_model for row in collector.rows()] == ["gpt-4o-mini"]


def test_extensions_and_trailers_are_read_and_the_connection_is_reused(collector):
    body = b"%x;name=value\r\n%s\r\n0\r\nX-Checksum: abc\r\n\r\n" % (len(BODY), BODY)
    request = head(collector, "Transfer-Encoding: chunked\r\n\r\n") + body

    answer = send_raw(collector, request + request)

    assert answer.count(b"HTTP/1.1 200 ") == 2


def test_a_chunked_body_past_the_limit_is_413_and_not_stored(make_collector):
    collector = make_collector(max_body_bytes=1000)
    big = trace_request(make_span({"gen_ai.prompt": "x" * 5000})).SerializeToString()

    answer = send_raw(
        collector, head(collector, "Transfer-Encoding: chunked\r\n\r\n") + chunked(big, 400)
    )

    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"Connection: close" in answer
    assert collector.rows() == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(b"zz\r\nabc\r\n0\r\n\r\n", b"invalid chunk size", id="size-not-hex"),
        pytest.param(b"-5\r\nabc\r\n0\r\n\r\n", b"invalid chunk size", id="negative-size"),
        pytest.param(b"0x5\r\nabcde\r\n0\r\n\r\n", b"invalid chunk size", id="0x-prefix"),
        pytest.param(b"3\r\nabcdef\r\n0\r\n\r\n", b"longer than its size", id="data-too-long"),
        pytest.param(b"10\r\nabc", b"ended inside a chunk", id="truncated-data"),
        pytest.param(b"3\r\nabc\r\n", b"chunk size line", id="no-last-chunk"),
        pytest.param(b"f" * 5000 + b"\r\n", b"longer than 4096 bytes", id="endless-size-line"),
        pytest.param(
            b"0\r\n" + b"X: y\r\n" * 65 + b"\r\n", b"more than 64 trailer", id="trailer-flood"
        ),
    ],
)
def test_malformed_chunking_is_400_with_the_reason(collector, body: bytes, reason: bytes):
    answer = send_raw(collector, head(collector, "Transfer-Encoding: chunked\r\n\r\n") + body)

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert reason in answer
    assert collector.rows() == []


def test_chunked_with_a_content_length_is_refused(collector):
    request = head(
        collector, f"Content-Length: {len(BODY)}\r\nTransfer-Encoding: chunked\r\n\r\n"
    ) + chunked(BODY)

    answer = send_raw(collector, request)

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"both Content-Length and chunking" in answer
    assert collector.rows() == []


@pytest.mark.parametrize("coding", ["gzip, chunked", "chunked, chunked", "identity", "xchunked"])
def test_other_transfer_codings_are_501(collector, coding: str):
    request = head(collector, f"Transfer-Encoding: {coding}\r\n\r\n") + chunked(BODY)

    answer = send_raw(collector, request)

    assert answer.startswith(b"HTTP/1.1 501 ")
    assert collector.rows() == []


def test_an_unauthorised_chunked_export_is_401_and_closes(collector):
    request = (
        b"POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
        b"Authorization: Bearer sk-prysm-" + b"0" * 64 + b"\r\nTransfer-Encoding: chunked\r\n\r\n"
    )

    pipelined = head(collector, "Content-Length: 0\r\n\r\n")

    answer = send_raw(collector, request + chunked(BODY) + pipelined)

    assert answer.startswith(b"HTTP/1.1 401 ")
    assert b"Connection: close" in answer
    assert answer.count(b"HTTP/1.1") == 1  # the body's bytes were never read as a request
