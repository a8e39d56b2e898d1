"""OTLP/HTTP messages on the wire: requests parsed, responses and errors encoded.

OTLP/HTTP carries the same protobuf messages as OTLP/gRPC, either binary
(``application/x-protobuf``) or as protobuf JSON (``application/json``) with two OTLP
exceptions: trace and span ids are hex strings, not base64, and enums are integers (which
protobuf JSON accepts anyway). Answers use the request's encoding; errors carry a
``google.rpc.Status`` with a message, as the specification asks.
"""

from __future__ import annotations

import base64
import enum
import json
from dataclasses import dataclass
from typing import Final

# protobuf and googleapis-common-protos ship no type information.
from google.protobuf import json_format  # type: ignore[import-untyped]
from google.protobuf.message import Message  # type: ignore[import-untyped]
from google.rpc import status_pb2  # type: ignore[import-untyped]
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

from prysmai.collector.body import BodyError
from prysmai.security.text_safety import without_surrogates


class Encoding(enum.Enum):
    """How an OTLP message is written on the wire."""

    PROTOBUF = "application/x-protobuf"
    JSON = "application/json"


@dataclass(frozen=True, slots=True)
class Signal:
    """One OTLP endpoint: its request and response message types."""

    name: str
    request_type: type[Message]
    response_type: type[Message]


SIGNALS: Final = {
    "/v1/traces": Signal(
        "traces",
        trace_service_pb2.ExportTraceServiceRequest,
        trace_service_pb2.ExportTraceServiceResponse,
    ),
    "/v1/metrics": Signal(
        "metrics",
        metrics_service_pb2.ExportMetricsServiceRequest,
        metrics_service_pb2.ExportMetricsServiceResponse,
    ),
    "/v1/logs": Signal(
        "logs",
        logs_service_pb2.ExportLogsServiceRequest,
        logs_service_pb2.ExportLogsServiceResponse,
    ),
}
"""The receiver's endpoints by path."""

_ID_FIELDS: Final = frozenset(
    {"traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"}
)
"""JSON fields holding ids; in every OTLP message (spans, links, logs, exemplars) they are
bytes written as hex."""

# google.rpc.Code values; OTLP lets clients ignore them, but they make errors self-describing.
_RPC_CODES: Final = {400: 3, 401: 16, 404: 5, 405: 12, 411: 3, 413: 8, 415: 3, 500: 13, 503: 14}
_MAX_ERROR_CHARS: Final = 300
MAX_JSON_CONTAINERS: Final = 2_000_000
"""Most objects and arrays an OTLP JSON body may hold (counted as ``{`` and ``[`` bytes, so
strings holding them count too). Each costs ~60 bytes or more once parsed, and 3 bytes (``{},``)
on the wire: without a cap, 63 MiB of ``[{},{},...]`` took 3.25 GB. A real export of 20 MiB
has a few hundred thousand."""


def request_encoding(content_type: str | None) -> Encoding | None:
    """Return the encoding a ``Content-Type`` names, ``None`` for anything else."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    for encoding in Encoding:
        if media_type == encoding.value:
            return encoding
    return None


def parse_request(signal: Signal, body: bytes, encoding: Encoding) -> Message:
    """Parse an export request of ``signal`` from ``body``.

    Unknown fields are ignored (the specification asks receivers to, for forward
    compatibility).

    Raises:
        BodyError: 400 with the reason, when ``body`` is not a valid message; 413 for JSON of
            more than :data:`MAX_JSON_CONTAINERS` objects and arrays.
    """
    message = signal.request_type()
    try:
        if encoding is Encoding.PROTOBUF:
            message.ParseFromString(body)
        else:
            # Counted in C before anything is allocated per element.
            if body.count(b"{") + body.count(b"[") > MAX_JSON_CONTAINERS:
                raise BodyError(
                    413,
                    f"OTLP JSON body has more than {MAX_JSON_CONTAINERS:,} objects and arrays: "
                    "send smaller batches",
                )
            document = json.loads(body)
            if not isinstance(document, dict):
                raise BodyError(400, "OTLP JSON body must be an object")
            json_format.ParseDict(_for_protobuf(document), message, ignore_unknown_fields=True)
    except BodyError:
        raise
    except RecursionError as exc:
        raise BodyError(400, "request body is nested too deeply") from exc
    except Exception as exc:  # DecodeError, ParseError, JSONDecodeError, UnicodeDecodeError...
        reason = " ".join(str(exc).split())[:_MAX_ERROR_CHARS] or type(exc).__name__
        raise BodyError(400, f"malformed OTLP {signal.name} request: {reason}") from exc
    return message


def _for_protobuf(value: object) -> object:
    r"""Rewrite hex id fields as base64, the form protobuf JSON expects for bytes.

    Lone surrogates (``"\ud83d"``, an emoji cut in half by an exporter that slices UTF-16
    strings) become U+FFFD: protobuf refuses them, and one such string would lose the batch.
    """
    if isinstance(value, str):
        return without_surrogates(value)
    if isinstance(value, list):
        return [_for_protobuf(item) for item in value]
    if not isinstance(value, dict):
        return value
    converted: dict[object, object] = {}
    for key, item in value.items():
        if key in _ID_FIELDS and isinstance(item, str):
            try:
                raw = bytes.fromhex(item)
            except ValueError:
                raise BodyError(400, f"{key} must be a hex string in OTLP JSON") from None
            converted[key] = base64.b64encode(raw).decode("ascii")
        else:
            name = without_surrogates(key) if isinstance(key, str) else key
            converted[name] = _for_protobuf(item)
    return converted


def encode_message(message: Message, encoding: Encoding) -> bytes:
    """Serialise ``message`` in ``encoding``."""
    if encoding is Encoding.PROTOBUF:
        return bytes(message.SerializeToString())
    document = json_format.MessageToDict(message)
    return json.dumps(document, separators=(",", ":")).encode("utf-8")


def encode_status(status: int, message: str, encoding: Encoding) -> bytes:
    """Return the ``google.rpc.Status`` body of an error answer with HTTP ``status``."""
    rpc_status = status_pb2.Status(code=_RPC_CODES.get(status, 2), message=message)
    return encode_message(rpc_status, encoding)
