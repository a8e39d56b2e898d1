"""Capture what monitored clients record, in memory, for the application's own tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from prysmai.faults import is_strict, set_strict, take_strict_errors
from prysmai.monitor import monitor
from prysmai.telemetry import metric_views
from prysmai.worker import get_worker

ClientT = TypeVar("ClientT")


class Capture:
    """In-memory spans and metrics of the clients monitored through :meth:`monitor`."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.tracer_provider = TracerProvider(shutdown_on_exit=False)
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.metric_reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(
            metric_readers=[self.metric_reader], views=metric_views(), shutdown_on_exit=False
        )

    def monitor(self, client: ClientT, **settings: Any) -> ClientT:
        """Monitor ``client`` with spans and metrics sent to this capture."""
        settings.setdefault("tracer_provider", self.tracer_provider)
        settings.setdefault("meter_provider", self.meter_provider)
        return monitor(client, **settings)

    def spans(self, timeout_s: float = 5.0) -> list[ReadableSpan]:
        """Return every span recorded so far, after the background work has caught up."""
        get_worker().flush(timeout_s)
        errors = take_strict_errors()
        if errors:
            raise errors[0]
        return list(self.exporter.get_finished_spans())

    def attributes(self, timeout_s: float = 5.0) -> list[dict[str, Any]]:
        """Return the attributes of every span recorded so far, as plain dicts."""
        return [dict(span.attributes or {}) for span in self.spans(timeout_s)]

    def metrics(self) -> dict[str, list[Any]]:
        """Return metric data points by instrument name."""
        get_worker().flush()
        found: dict[str, list[Any]] = {}
        data = self.metric_reader.get_metrics_data()
        for resource_metrics in data.resource_metrics if data else []:
            for scope_metrics in resource_metrics.scope_metrics:
                for metric in scope_metrics.metrics:
                    found.setdefault(metric.name, []).extend(metric.data.data_points)
        return found

    def clear(self) -> None:
        """Forget the spans recorded so far."""
        get_worker().flush()
        self.exporter.clear()

    def close(self) -> None:
        """Release the providers, once the calls already made are recorded."""
        # A span still on the worker would reach a shut-down processor, which says so on stderr.
        get_worker().flush()
        self.tracer_provider.shutdown()
        self.meter_provider.shutdown()


@contextmanager
def capture_calls(*, strict: bool = True) -> Iterator[Capture]:
    """Collect spans in memory for the duration of a ``with`` block.

    Args:
        strict: make prysmai's internal faults raise instead of being logged, so that a
            fault cannot hide behind the never-break-the-app rule.
    """
    previous = is_strict()
    set_strict(strict)
    capture = Capture()
    try:
        yield capture
    finally:
        capture.close()
        set_strict(previous)
