"""OTLP spans to rows of the store, through the same mapping the in-process exporter uses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from prysmai.collector.span_pricing import with_collector_cost
from prysmai.cost import FlatPrices
from prysmai.store import Row, parts_to_row
from prysmai.store_schema import INT64_MAX

_STATUS_NAMES: Final = {0: "UNSET", 1: "OK", 2: "ERROR"}


class InvalidSpan(ValueError):
    """A span the store cannot hold (bad ids, impossible times)."""


@dataclass(slots=True)
class Conversion:
    """The rows of one export request and what was left out."""

    rows: list[Row] = field(default_factory=list)
    rejected: int = 0
    """Spans that could not be stored; OTLP reports them as a partial success."""
    first_error: str | None = None
    """Why the first rejected span was rejected."""


def request_to_rows(
    request: ExportTraceServiceRequest, prices: FlatPrices | None = None
) -> Conversion:
    """Convert every span of ``request``; invalid spans are counted, not fatal.

    ``prices`` are the collector's: they cost the calls that arrived without a cost (see
    :mod:`prysmai.collector.span_pricing`).
    """
    result = Conversion()
    for resource_spans in request.resource_spans:
        resource = attributes_to_dict(resource_spans.resource.attributes)
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                try:
                    result.rows.append(span_to_row(span, resource, prices))
                except (InvalidSpan, RecursionError) as exc:
                    result.rejected += 1
                    if result.first_error is None:
                        result.first_error = str(exc) or "span is nested too deeply"
    return result


def span_to_row(span: Span, resource: dict[str, object], prices: FlatPrices | None = None) -> Row:
    """Turn one OTLP span into a store row, costed from ``prices`` if it arrived without a cost.

    Raises:
        InvalidSpan: the ids are missing or of the wrong length, or a time does not fit the
            store's signed 64-bit nanoseconds.
    """
    trace_id = _id(span.trace_id, 16, "trace_id")
    span_id = _id(span.span_id, 8, "span_id")
    parent = None
    if span.parent_span_id and any(span.parent_span_id):
        parent = _id(span.parent_span_id, 8, "parent_span_id")
    start_ns = _time(span.start_time_unix_nano, "start_time_unix_nano")
    end_ns = _time(span.end_time_unix_nano, "end_time_unix_nano") or None
    attributes = attributes_to_dict(span.attributes)
    if prices is not None:
        attributes = with_collector_cost(attributes, prices)
    return parts_to_row(
        trace_id=trace_id,
        span_id=span_id,
        parent_span_id=parent,
        name=span.name,
        start_ns=start_ns,
        end_ns=end_ns,
        status_code=_STATUS_NAMES.get(span.status.code, "UNSET"),
        status_message=span.status.message or None,
        attributes=attributes,
        resource=resource,
        events=[
            (event.name, event.time_unix_nano or None, attributes_to_dict(event.attributes))
            for event in span.events
        ],
    )


def attributes_to_dict(attributes: Iterable[KeyValue]) -> dict[str, object]:
    """Return OTLP key-values as a dict; a repeated key keeps its last value."""
    return {attribute.key: any_value(attribute.value) for attribute in attributes}


def any_value(value: AnyValue) -> object:
    """Return the Python value of an OTLP ``AnyValue`` (arrays as tuples, maps as dicts)."""
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return tuple(any_value(item) for item in value.array_value.values)
    if kind == "kvlist_value":
        return attributes_to_dict(value.kvlist_value.values)
    if kind is None:
        return None
    return getattr(value, kind)


def _id(raw: bytes, size: int, name: str) -> int:
    if len(raw) != size or not any(raw):
        raise InvalidSpan(f"{name} must be {size} bytes and not all zero")
    return int.from_bytes(raw, "big")


def _time(value: int, name: str) -> int:
    # fixed64 on the wire, but SQLite integers are signed: times past 2262 cannot be stored.
    if value > INT64_MAX:
        raise InvalidSpan(f"{name} is out of range")
    return value
