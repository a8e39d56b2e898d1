"""Bad requests get the right OTLP error, nothing is stored, and the server keeps serving."""

from __future__ import annotations

import gzip
import json
import threading

import pytest
from google.rpc import status_pb2

from prysmai.collector.body import MAX_GZIP_MEMBERS, BodyError, decode_content
from prysmai.collector.keys import generate_key
from tests.collector.conftest import SPAN_ID, make_span, send_raw, trace_request

BODY = trace_request(make_span()).SerializeToString()


def _message(answer) -> str:
    return status_pb2.Status.FromString(answer.body).message


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Bearer not-a-key",
        "Bearer sk-prysm-" + "0" * 64,  # the right shape, but no such key
        "Token {key}",
        "Basic {basic}",  # the receiver takes bearer tokens only
    ],
)
def test_missing_or_wrong_keys_are_401(collector, authorization):
    import base64

    headers = {"Content-Type": "application/x-protobuf"}
    if authorization is not None:
        basic = base64.b64encode(f"x:{collector.key}".encode()).decode()
        headers["Authorization"] = authorization.format(key=collector.key, basic=basic)

    answer = collector.request("POST", "/v1/traces", BODY, headers)

    assert answer.status == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert "Authorization: Bearer sk-prysm-" in _message(answer)
    assert collector.rows() == []


def test_revoked_key_stops_working_and_other_keys_keep_working(collector):
    other = collector.server.keys.create(name="other")
    collector.server.keys.revoke(collector.key)

    revoked = collector.export(BODY)
    accepted = collector.export(BODY, key=other)

    assert (revoked.status, accepted.status) == (401, 200)


def test_unknown_content_type_is_415(collector):
    answer = collector.export(BODY, content_type="text/plain")

    assert answer.status == 415
    assert json.loads(answer.body)["message"].startswith("Content-Type must be")


def test_unknown_content_encoding_is_415(collector):
    answer = collector.export(BODY, extra={"Content-Encoding": "br"})

    assert answer.status == 415
    assert "Content-Encoding" in _message(answer)


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b"\x0a\xff\xff\xff\xff", "application/x-protobuf", "malformed OTLP traces request"),
        (b"[1, 2]", "application/json", "must be an object"),
        (b'{"resourceSpans": 5}', "application/json", "malformed OTLP traces request"),
        (b"\xff\xfe garbage", "application/json", "malformed OTLP traces request"),
        (
            b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "zz"}]}]}]}',
            "application/json",
            "traceId must be a hex string",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", "nested too deeply"),
    ],
)
def test_malformed_bodies_are_400_with_a_reason(collector, body, content_type, expected):
    answer = collector.export(body, content_type=content_type)

    assert answer.status == 400
    if content_type == "application/json":
        assert expected in json.loads(answer.body)["message"]
    else:
        assert expected in _message(answer)
    assert collector.rows() == []


def test_deeply_nested_protobuf_is_400(collector):
    # An AnyValue array inside an array, 300 deep: past protobuf's recursion limit.
    value = b""
    for _ in range(300):
        inner = b"\x0a" + _varint(len(value)) + value  # ArrayValue.values = [value]
        value = b"\x2a" + _varint(len(inner)) + inner  # AnyValue.array_value
    attribute = b"\x0a\x01k\x12" + _varint(len(value)) + value
    span = make_span()
    span_bytes = span.SerializeToString() + b"\x4a" + _varint(len(attribute)) + attribute
    scope = b"\x12" + _varint(len(span_bytes)) + span_bytes
    resource_spans = b"\x12" + _varint(len(scope)) + scope
    body = b"\x0a" + _varint(len(resource_spans)) + resource_spans

    answer = collector.export(body)

    assert answer.status == 400
    assert collector.export(BODY).status == 200


def _varint(number: int) -> bytes:
    out = bytearray()
    while True:
        byte = number & 0x7F
        number >>= 7
        out.append(byte | (0x80 if number else 0))
        if not number:
            return bytes(out)


def test_oversized_body_is_413_without_being_stored(make_collector):
    collector = make_collector(max_body_bytes=64 * 1024)
    big = trace_request(make_span({"gen_ai.operation.name": "chat", "x": "y" * 100_000}))

    answer = collector.export(big.SerializeToString())

    assert answer.status == 413
    assert "limit of 65536 bytes" in _message(answer)
    assert collector.rows() == []
    assert collector.export(BODY).status == 200


def test_gzip_bomb_is_stopped_at_the_cap(make_collector):
    collector = make_collector(max_body_bytes=1024 * 1024)
    bomb = gzip.compress(b"\x00" * (200 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 1024 * 1024  # small on the wire, 200 MB inflated

    answer = collector.export(bomb, extra={"Content-Encoding": "gzip"})

    assert answer.status == 413
    assert "decompressed request body exceeds" in _message(answer)
    assert collector.export(BODY).status == 200


def test_truncated_and_corrupt_gzip_are_400(collector):
    compressed = gzip.compress(BODY)

    truncated = collector.export(compressed[:-10], extra={"Content-Encoding": "gzip"})
    corrupt = collector.export(b"\x1f\x8b" + b"\x00" * 30, extra={"Content-Encoding": "gzip"})

    assert (truncated.status, corrupt.status) == (400, 400)
    assert "truncated" in _message(truncated)
    assert "corrupt" in _message(corrupt)


def test_several_gzip_members_are_one_body(collector):
    half = len(BODY) // 2
    body = gzip.compress(BODY[:half]) + gzip.compress(BODY[half:])

    answer = collector.export(body, extra={"Content-Encoding": "gzip"})

    assert answer.status == 200
    assert len(collector.rows()) == 1


def test_wrong_method_and_unknown_signal(collector):
    get = collector.request(
        "GET", "/v1/traces", headers={"Authorization": f"Bearer {collector.key}"}
    )
    unknown = collector.export(BODY, path="/v1/profiles")

    assert (get.status, get.headers["allow"]) == (405, "POST")
    assert unknown.status == 404


def test_bad_lengths_are_refused(collector):
    head = (
        "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
        f"Authorization: Bearer {collector.key}\r\n"
    )
    bad_length = send_raw(collector, (head + "Content-Length: -5\r\n\r\n").encode())
    short = send_raw(collector, (head + "Content-Length: 100\r\n\r\nabc").encode())

    assert bad_length.startswith(b"HTTP/1.1 400")
    # The client stopped sending after 3 of the 100 bytes it announced.
    assert short.startswith(b"HTTP/1.1 400")
    assert b"shorter than its Content-Length" in short
    assert collector.export(BODY).status == 200


def test_garbage_request_line_does_not_stop_the_server(collector):
    answer = send_raw(collector, b"\x00\x01\x02 nonsense\r\n\r\n")

    # http.server answers an unparseable request line without a status line (HTTP/0.9).
    assert b"400 - Bad request syntax" in answer
    assert collector.export(BODY).status == 200


def test_concurrent_exporters_lose_nothing(collector):
    errors: list[int] = []

    def send(worker: int) -> None:
        for index in range(15):
            span_id = bytes([worker + 1, index + 1]) + b"\x00" * 6
            answer = collector.export(trace_request(make_span(span_id=span_id)).SerializeToString())
            if answer.status != 200:
                errors.append(answer.status)

    threads = [threading.Thread(target=send, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(collector.rows()) == 8 * 15


def test_a_well_formed_key_is_checked_against_stored_hashes_only(collector):
    stranger = generate_key()

    assert collector.server.keys.verify(collector.key) is True
    assert collector.server.keys.verify(stranger) is False
    assert collector.server.keys.verify(collector.key.upper()) is False
    assert collector.export(BODY, key=stranger).status == 401


def test_ten_thousand_gzip_members_inflate_in_order(collector):
    # The span split over members of 1 byte each, then empty members up to the cap.
    members = [gzip.compress(BODY[index : index + 1], mtime=0) for index in range(len(BODY))]
    members += [gzip.compress(b"", mtime=0)] * (MAX_GZIP_MEMBERS - len(members))
    assert len(members) == MAX_GZIP_MEMBERS == 10_000

    answer = collector.export(b"".join(members) + b"\x00" * 8, extra={"Content-Encoding": "gzip"})

    assert answer.status == 200
    assert [row.span_id for row in collector.rows()] == [SPAN_ID.hex()]


def test_gzip_members_beyond_the_cap_are_400(collector):
    body = gzip.compress(BODY, mtime=0) + gzip.compress(b"", mtime=0) * MAX_GZIP_MEMBERS

    answer = collector.export(body, extra={"Content-Encoding": "gzip"})

    assert answer.status == 400
    assert _message(answer) == f"gzip body has more than {MAX_GZIP_MEMBERS} members"
    assert collector.rows() == []


def test_forty_thousand_members_inflate_and_every_failure_is_still_caught():
    # 40,000 members took 0.8 s when each one copied the rest of the body (quadratic); the
    # linear loop handles them in one pass. Checked by results, not by timing.
    member = gzip.compress(b"a" * 100, mtime=0)
    body = member * 40_000 + b"\x00" * 3
    assert len(body) < 1 << 20

    assert decode_content(body, "gzip", 8 << 20, max_members=40_000) == b"a" * 4_000_000
    with pytest.raises(BodyError, match="more than 39999 members"):
        decode_content(body, "gzip", 8 << 20, max_members=39_999)
    with pytest.raises(BodyError, match="corrupt"):
        decode_content(body + b"\x00\x01", "gzip", 8 << 20, max_members=40_001)
    with pytest.raises(BodyError, match="truncated"):
        decode_content(body[:-10], "gzip", 8 << 20, max_members=40_000)
    with pytest.raises(BodyError, match="decompressed request body exceeds"):
        decode_content(body, "gzip", 1 << 20, max_members=40_000)


def test_deflate_bodies_still_refuse_trailing_data():
    import zlib

    stream = zlib.compress(BODY)

    assert decode_content(stream, "deflate", 1 << 20) == BODY
    with pytest.raises(BodyError, match="unexpected data after the end"):
        decode_content(stream + b"x", "deflate", 1 << 20)


def test_a_failed_write_is_logged_with_its_message_and_the_store(collector, caplog):
    assert collector.export(BODY).status == 200
    writer = collector.server.writer._connection
    # A real SQLITE_FULL: the writer's connection may not grow the file any further.
    pages = writer.execute("PRAGMA page_count").fetchone()[0]
    writer.execute(f"PRAGMA max_page_count = {pages}")
    big = trace_request(
        make_span({"gen_ai.operation.name": "chat", "x": "y" * 200_000}, span_id=b"\x07" * 8)
    )

    answer = collector.export(big.SerializeToString())

    assert answer.status == 503
    assert answer.headers["retry-after"] == "5"
    assert (
        f"Could not store 1 spans in {collector.db}: OperationalError: database or disk is full"
        in caplog.text
    )
