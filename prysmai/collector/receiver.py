"""The OTLP/HTTP receiver: ``POST /v1/traces`` (stored), ``/v1/metrics`` and ``/v1/logs``.

Spans are stored; metrics and logs are checked and acknowledged but not kept (every number
the dashboard shows comes from the spans), so exporters that send them do not log failures.
Checks run cheapest first: endpoint, content type, key, size; the body is read only for an
authorised request within the size cap.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Final

from google.protobuf.message import Message  # type: ignore[import-untyped]  # no stubs
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from prysmai.collector.auth import BEARER_CHALLENGE, is_authorised
from prysmai.collector.body import BodyError, decode_content
from prysmai.collector.http_types import Request, Response
from prysmai.collector.keys import KeyStore
from prysmai.collector.otlp_codec import (
    SIGNALS,
    Encoding,
    Signal,
    encode_message,
    encode_status,
    parse_request,
    request_encoding,
)
from prysmai.collector.price_store import PriceStore
from prysmai.collector.spans import request_to_rows
from prysmai.collector.writer import SpanWriter

logger = logging.getLogger(__name__)

DEFAULT_MAX_BODY_BYTES: Final = 20 * 1024 * 1024
"""20 MiB, the OpenTelemetry Collector's default request cap; applies to the body both as sent
and decompressed.

Parsing multiplies a body's size in memory, so the cap is what bounds a request's memory.
OTLP JSON is refused past :data:`~prysmai.collector.otlp_codec.MAX_JSON_CONTAINERS` objects and
arrays (a list of empty objects cost ~50 times its size as Python objects). What remains, for
hostile bodies (measured): JSON arrays of short strings ~20 times (10 MB parsed to 190 MB), and
protobuf of many empty messages ~85 times (each 2 bytes on the wire, ~170 bytes once parsed by
protobuf's C parser: 4 MB took 340 MB), i.e. up to ~1.7 GB for one request at the default cap.
Lower ``--max-body-mb`` on a small machine."""

RETRY_AFTER_S: Final = "5"


class Receiver:
    """Answers OTLP/HTTP export requests.

    Args:
        keys: The keys that may export.
        writer: Where spans go.
        max_body_bytes: Cap on a body, as sent and after decompression.
        prices: The collector's model prices, for calls that arrive without a cost; ``None``
            stores every call as it arrived.
    """

    def __init__(
        self,
        keys: KeyStore,
        writer: SpanWriter,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        prices: PriceStore | None = None,
    ) -> None:
        self._keys = keys
        self._writer = writer
        self._max_body_bytes = max_body_bytes
        self._prices = prices

    def handle(self, request: Request) -> Response:
        """Answer one request to an OTLP path; never raises."""
        signal = SIGNALS.get(request.path)
        encoding = request_encoding(request.headers.get("content-type"))
        # Errors are written in the request's encoding; JSON when it named none we know.
        reply = encoding or Encoding.JSON
        if signal is None:
            return _error(404, f"no OTLP endpoint at {request.path[:100]}", reply)
        if request.method != "POST":
            return _error(405, "OTLP export requests use POST", reply, (("Allow", "POST"),))
        try:
            allowed = is_authorised(
                self._keys, request.headers.get("authorization"), allow_basic=False
            )
        except sqlite3.Error as exc:
            # No key could be read yet (the store went away before the first read): the
            # exporter retries later, as for a failed write.
            logger.warning(
                "Could not read the API keys from %s: %s: %s",
                self._writer.path,
                type(exc).__name__,
                exc,
            )
            return _unavailable(reply)
        if not allowed:
            # The header is never echoed or logged: it may hold a real key with a typo.
            return _error(
                401,
                "missing or invalid API key: send 'Authorization: Bearer sk-prysm-...'",
                reply,
                (("WWW-Authenticate", BEARER_CHALLENGE),),
            )
        if encoding is None:
            return _error(
                415, "Content-Type must be application/x-protobuf or application/json", reply
            )
        if request.content_length is not None and request.content_length > self._max_body_bytes:
            return _error(
                413,
                f"request body exceeds the collector's limit of {self._max_body_bytes} bytes",
                reply,
            )
        try:
            body = decode_content(
                request.read_body(),
                request.headers.get("content-encoding"),
                self._max_body_bytes,
            )
            message = parse_request(signal, body, encoding)
        except BodyError as exc:
            return _error(exc.status, exc.message, reply)
        return self._export(signal, message, encoding)

    def _export(self, signal: Signal, message: Message, encoding: Encoding) -> Response:
        response = signal.response_type()
        if isinstance(message, ExportTraceServiceRequest):
            prices = self._prices.current() if self._prices is not None else None
            conversion = request_to_rows(message, prices)
            try:
                refused = self._writer.write(conversion.rows)
            except (sqlite3.Error, OSError) as exc:
                # 503 tells exporters to retry later (a lock held too long, a full disk, a
                # PostgreSQL server away). The message and store say which: "database is
                # locked" and "disk is full" differ.
                logger.warning(
                    "Could not store %d spans in %s: %s: %s",
                    len(conversion.rows),
                    self._writer.path,
                    type(exc).__name__,
                    exc,
                )
                return _unavailable(encoding)
            first_error = conversion.first_error
            if refused:
                # Stored as far as it goes: sent again, these spans would be refused again.
                logger.warning(
                    "The store %s refused %d of %d spans: %s",
                    self._writer.path,
                    len(refused),
                    len(conversion.rows),
                    refused[0],
                )
                first_error = first_error or f"the store refused the span: {refused[0]}"
            rejected = conversion.rejected + len(refused)
            if rejected and isinstance(response, ExportTraceServiceResponse):
                response.partial_success.rejected_spans = rejected
                response.partial_success.error_message = first_error or ""
        return Response(200, encode_message(response, encoding), encoding.value)


def _unavailable(encoding: Encoding) -> Response:
    """503 with ``Retry-After``: exporters keep the spans and send them again."""
    return _error(
        503,
        "the collector could not store the spans; retry later",
        encoding,
        (("Retry-After", RETRY_AFTER_S),),
    )


def _error(
    status: int, message: str, encoding: Encoding, headers: tuple[tuple[str, str], ...] = ()
) -> Response:
    return Response(status, encode_status(status, message, encoding), encoding.value, headers)
