"""The OTLP/HTTP receiver accepts what exporters send and stores spans like the local store."""

from __future__ import annotations

import gzip
import json
import sqlite3
import zlib

from google.protobuf import json_format
from google.rpc import status_pb2
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
    ExportLogsServiceRequest,
    ExportLogsServiceResponse,
)
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
from opentelemetry.proto.trace.v1.trace_pb2 import Span
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.trace import Status, StatusCode

from tests.collector.conftest import (
    NOW_NS,
    SPAN_ID,
    TRACE_ID,
    call_attributes,
    error_status,
    kv,
    make_span,
    trace_request,
)


def test_protobuf_export_is_stored_with_typed_columns_and_documents(collector):
    parent = make_span(call_attributes(), span_id=bytes.fromhex("00000000000000aa"))
    child = make_span(
        call_attributes(
            **{"prysm.security.threat_score": 45, "prysm.security.threat_level": "medium"}
        ),
        name="chat child",
        start_ns=NOW_NS + 1000,
    )
    child.parent_span_id = bytes.fromhex("00000000000000aa")
    child.status.CopyFrom(error_status("upstream said no"))
    event = child.events.add(name="gen_ai.choice", time_unix_nano=NOW_NS + 5)
    event.attributes.append(kv("index", 0))

    answer = collector.export(trace_request(parent, child).SerializeToString())

    assert answer.status == 200
    assert answer.headers["content-type"] == "application/x-protobuf"
    response = ExportTraceServiceResponse.FromString(answer.body)
    assert not response.HasField("partial_success")
    newest, oldest = collector.rows()
    assert (newest.trace_id, newest.span_id, newest.parent_span_id) == (
        TRACE_ID.hex(),
        SPAN_ID.hex(),
        "00000000000000aa",
    )
    assert oldest.parent_span_id is None
    assert (newest.request_model, newest.response_model, newest.provider) == (
        "gpt-4o-mini",
        "gpt-4o-mini-2024-07-18",
        "openai",
    )
    assert (newest.input_tokens, newest.output_tokens, newest.cost_usd) == (12, 34, 0.0000222)
    assert (newest.latency_ms, newest.user_id) == (250.0, "alice")
    assert (newest.threat_score, newest.threat_level) == (45.0, "medium")
    assert (newest.status_code, newest.status_message) == ("ERROR", "upstream said no")
    assert newest.end_time_ns == NOW_NS + 1000 + 250_000_000
    assert newest.resource == {"service.name": "tests"}
    assert newest.events == [
        {"name": "gen_ai.choice", "time_ns": NOW_NS + 5, "attributes": {"index": 0}}
    ]


def test_otlp_json_with_hex_ids_and_string_integers(collector):
    document = {
        "resourceSpans": [
            {
                "resource": {
                    "attributes": [{"key": "service.name", "value": {"stringValue": "js"}}]
                },
                "scopeSpans": [
                    {
                        "scope": {"name": "prysmai"},
                        "spans": [
                            {
                                "traceId": "5B8EFFF798038103D269B633813FC60C",
                                "spanId": "eee19b7ec3c1b174",
                                "parentSpanId": "",
                                "name": "chat gpt-4o",
                                "kind": 3,
                                "startTimeUnixNano": str(NOW_NS),
                                "endTimeUnixNano": str(NOW_NS + 2_000_000),
                                "attributes": [
                                    {
                                        "key": "gen_ai.operation.name",
                                        "value": {"stringValue": "chat"},
                                    },
                                    {
                                        "key": "gen_ai.request.model",
                                        "value": {"stringValue": "gpt-4o"},
                                    },
                                    {
                                        "key": "gen_ai.usage.input_tokens",
                                        "value": {"intValue": "12"},
                                    },
                                    {"key": "prysm.cost.usd", "value": {"doubleValue": 0.5}},
                                    {
                                        "key": "gen_ai.response.finish_reasons",
                                        "value": {
                                            "arrayValue": {"values": [{"stringValue": "stop"}]}
                                        },
                                    },
                                ],
                                "status": {"code": 1},
                                "futureField": {"ignored": True},
                            }
                        ],
                    }
                ],
            }
        ]
    }

    answer = collector.export(json.dumps(document).encode(), content_type="application/json")

    assert answer.status == 200
    assert answer.headers["content-type"] == "application/json"
    assert json.loads(answer.body) == {}
    [row] = collector.rows()
    assert (row.trace_id, row.span_id, row.parent_span_id) == (
        "5b8efff798038103d269b633813fc60c",
        "eee19b7ec3c1b174",
        None,
    )
    assert (row.request_model, row.input_tokens, row.cost_usd, row.status_code) == (
        "gpt-4o",
        12,
        0.5,
        "OK",
    )
    assert row.latency_ms == 2.0  # from the span's times: no prysm.latency_ms attribute
    assert row.attributes["gen_ai.response.finish_reasons"] == ["stop"]
    assert row.resource == {"service.name": "js"}


def test_gzip_and_deflate_bodies_are_decompressed(collector):
    first = trace_request(make_span(span_id=b"\x01" * 8)).SerializeToString()
    second = json_format.MessageToDict(trace_request(make_span(span_id=b"\x02" * 8)))
    # MessageToDict writes ids as base64; OTLP JSON wants hex.
    span = second["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    span["traceId"], span["spanId"] = TRACE_ID.hex(), "02" * 8

    gzipped = collector.export(gzip.compress(first), extra={"Content-Encoding": "gzip"})
    deflated = collector.export(
        zlib.compress(json.dumps(second).encode()),
        content_type="application/json; charset=utf-8",
        extra={"Content-Encoding": "deflate"},
    )

    assert (gzipped.status, deflated.status) == (200, 200)
    assert sorted(row.span_id for row in collector.rows()) == ["01" * 8, "02" * 8]


def test_invalid_spans_are_a_partial_success(collector):
    good = make_span(span_id=b"\x05" * 8)
    zero_trace = make_span(trace_id=b"\x00" * 16, span_id=b"\x06" * 8)
    short_span_id = make_span(span_id=b"\x07" * 4)
    far_future = make_span(span_id=b"\x08" * 8, start_ns=2**63 + 5, duration_ms=0)

    answer = collector.export(
        trace_request(good, zero_trace, short_span_id, far_future).SerializeToString()
    )

    response = ExportTraceServiceResponse.FromString(answer.body)
    assert answer.status == 200
    assert response.partial_success.rejected_spans == 3
    assert "trace_id" in response.partial_success.error_message
    assert [row.span_id for row in collector.rows()] == ["05" * 8]


def test_a_resent_batch_replaces_instead_of_duplicating(collector):
    body = trace_request(make_span()).SerializeToString()

    statuses = [collector.export(body).status for _ in range(3)]

    assert statuses == [200, 200, 200]
    assert len(collector.rows()) == 1


def test_metrics_and_logs_are_acknowledged_in_both_encodings(collector):
    metrics = collector.export(
        ExportMetricsServiceRequest().SerializeToString(), path="/v1/metrics"
    )
    logs_json = collector.export(
        b'{"resourceLogs": []}', content_type="application/json", path="/v1/logs"
    )
    logs = collector.export(ExportLogsServiceRequest().SerializeToString(), path="/v1/logs")

    assert (metrics.status, logs_json.status, logs.status) == (200, 200, 200)
    assert ExportMetricsServiceResponse.FromString(metrics.body) == ExportMetricsServiceResponse()
    assert ExportLogsServiceResponse.FromString(logs.body) == ExportLogsServiceResponse()
    assert json.loads(logs_json.body) == {}
    assert collector.rows() == []


def test_the_real_otlp_exporters_succeed_with_gzip(collector):
    headers = {"Authorization": f"Bearer {collector.key}"}
    span_exporter = OTLPSpanExporter(
        endpoint=f"{collector.url}/v1/traces", headers=headers, compression=Compression.Gzip
    )
    results: list[SpanExportResult] = []

    class Recording(SimpleSpanProcessor):
        def on_end(self, span):
            results.append(span_exporter.export([span]))

    provider = TracerProvider(resource=Resource.create({"service.name": "sdk"}))
    provider.add_span_processor(Recording(span_exporter))
    tracer = provider.get_tracer("tests")
    with tracer.start_as_current_span("chat gpt-4o", attributes=call_attributes()) as span:
        span.set_status(Status(StatusCode.OK))
    metric_exporter = OTLPMetricExporter(endpoint=f"{collector.url}/v1/metrics", headers=headers)
    reader = PeriodicExportingMetricReader(metric_exporter, export_interval_millis=60_000)
    meters = MeterProvider(metric_readers=[reader])
    meters.get_meter("tests").create_counter("calls").add(1)
    metrics_flushed = meters.force_flush(5000)
    meters.shutdown()
    provider.shutdown()

    assert results == [SpanExportResult.SUCCESS]
    assert metrics_flushed is True
    [row] = collector.rows()
    assert (row.request_model, row.output_tokens, row.status_code) == ("gpt-4o-mini", 34, "OK")
    assert row.resource["service.name"] == "sdk"


def test_error_bodies_are_rpc_status_messages_in_the_request_encoding(collector):
    protobuf = collector.export(b"\xff\xff\xff")
    as_json = collector.export(b"{not json", content_type="application/json")

    assert (protobuf.status, as_json.status) == (400, 400)
    status = status_pb2.Status.FromString(protobuf.body)
    assert "malformed OTLP traces request" in status.message
    assert status.code == 3
    assert "malformed OTLP traces request" in json.loads(as_json.body)["message"]


def test_span_kind_enum_is_accepted_as_an_integer_or_a_name(collector):
    base = {"traceId": TRACE_ID.hex(), "name": "x", "startTimeUnixNano": str(NOW_NS)}
    spans = [
        {**base, "spanId": "0a" * 8, "kind": Span.SPAN_KIND_CLIENT},
        {**base, "spanId": "0b" * 8, "kind": "SPAN_KIND_SERVER"},
    ]
    body = json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": spans}]}]}).encode()

    answer = collector.export(body, content_type="application/json")

    assert answer.status == 200
    # Spans without gen_ai.operation.name are stored but are not model calls.
    with sqlite3.connect(collector.db) as connection:
        stored = connection.execute("SELECT span_id FROM spans ORDER BY span_id").fetchall()
    assert stored == [("0a" * 8,), ("0b" * 8,)]


def test_a_lone_surrogate_in_otlp_json_is_stored_as_a_replacement_character(collector):
    # An exporter that slices UTF-16 strings can cut an emoji in half; the batch must survive.
    def span(span_id: str, model: str) -> dict[str, object]:
        return {
            "traceId": "5b8efff798038103d269b633813fc60c",
            "spanId": span_id,
            "name": "chat",
            "startTimeUnixNano": str(NOW_NS),
            "endTimeUnixNano": str(NOW_NS + 1_000_000),
            "kind": 3,
            "attributes": [
                {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
                {"key": "gen_ai.request.model", "value": {"stringValue": model}},
            ],
        }

    document = {
        "resourceSpans": [
            {
                "scopeSpans": [
                    {
                        "spans": [
                            span("00000000000000a1", "gpt-4o"),
                            span("00000000000000a2", "cut \ud83d"),
                        ]
                    }
                ]
            }
        ]
    }
    body = json.dumps(document).encode()
    assert b"\\ud83d" in body

    answer = collector.export(body, content_type="application/json")

    assert answer.status == 200
    models = sorted(row.request_model for row in collector.rows())
    assert models == ["cut \ufffd", "gpt-4o"]
