"""Where spans and metrics go: an OTLP backend, the Prysm collector, or the embedded store.

Standard ``OTEL_EXPORTER_OTLP_*`` settings win; else a Prysm key sends OTLP/HTTP to the
collector; else spans land in the local SQLite store. Each destination gets one pipeline per
process, shared by every client that uses it, and is flushed with a bounded wait at exit.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from opentelemetry import trace
from opentelemetry.metrics import MeterProvider as ApiMeterProvider
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader
from opentelemetry.sdk.metrics.view import ExplicitBucketHistogramAggregation, View
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

from prysmai import semconv
from prysmai._version import __version__
from prysmai.config import CAPTURE_CONTENT_ENV, env_flag
from prysmai.worker import get_worker

if TYPE_CHECKING:
    from prysmai.cost import CallCost
    from prysmai.providers.details import CallDetails
    from prysmai.span_attributes import Timings

logger = logging.getLogger(__name__)

_SCOPE: Final = "prysmai"
_EXIT_FLUSH_S: Final = 3.0
_MAX_EXPORT_QUEUE: Final = 4096
_METRIC_DIMENSIONS: Final = (
    semconv.OPERATION_NAME,
    semconv.PROVIDER_NAME,
    semconv.REQUEST_MODEL,
    semconv.RESPONSE_MODEL,
    semconv.SERVER_ADDRESS,
    semconv.ERROR_TYPE,
)


def otlp_env_configured() -> bool:
    """Return whether standard OTLP exporter settings name an endpoint."""
    return bool(
        os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    )


@dataclass
class TelemetryPipeline:
    """A tracer and metric instruments bound to one destination."""

    destination: str
    tracer: trace.Tracer
    meter_provider: ApiMeterProvider
    capture_content_default: bool
    tracer_provider: Any = None
    owns_providers: bool = False
    records_metrics: bool = True
    """False when no reader would ever collect the metrics, so recording them is skipped."""
    instruments: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        meter = self.meter_provider.get_meter(_SCOPE, __version__)
        self.instruments = {
            "duration": meter.create_histogram(
                semconv.METRIC_OPERATION_DURATION, unit="s", description="GenAI operation duration"
            ),
            "tokens": meter.create_histogram(
                semconv.METRIC_TOKEN_USAGE, unit="{token}", description="Tokens used"
            ),
            "ttfc": meter.create_histogram(
                semconv.METRIC_TIME_TO_FIRST_CHUNK,
                unit="s",
                description="Time to the first content chunk of a streamed answer",
            ),
            "cost": meter.create_counter(
                semconv.METRIC_COST, unit="USD", description="Cost of model calls"
            ),
        }

    def record_metrics(
        self,
        attributes: dict[str, Any],
        timings: Timings,
        details: CallDetails,
        cost: CallCost | None,
    ) -> None:
        """Record one call's duration, tokens, time to first chunk and cost."""
        if not self.records_metrics:
            return
        dims: dict[str, Any] = {k: attributes[k] for k in _METRIC_DIMENSIONS if k in attributes}
        self.instruments["duration"].record(timings.latency_ms / 1000, dims)
        if details.usage is not None:
            self.instruments["tokens"].record(
                details.usage.input_tokens, {**dims, semconv.TOKEN_TYPE: "input"}
            )
            if attributes.get(semconv.OPERATION_NAME) != "embeddings":
                self.instruments["tokens"].record(
                    details.usage.output_tokens, {**dims, semconv.TOKEN_TYPE: "output"}
                )
        if details.is_stream and timings.time_to_first_token_ms is not None:
            self.instruments["ttfc"].record(timings.time_to_first_token_ms / 1000, dims)
        if cost is not None:
            self.instruments["cost"].add(cost.total_usd, dims)

    def flush(self, timeout_s: float = 5.0) -> bool:
        """Push everything recorded so far to the destination."""
        done = get_worker().flush(timeout_s)
        results: list[bool] = []

        def push() -> None:
            provider = self.tracer_provider
            if provider is not None and hasattr(provider, "force_flush"):
                results.append(bool(provider.force_flush(int(timeout_s * 1000))))
            if self.records_metrics and hasattr(self.meter_provider, "force_flush"):
                self.meter_provider.force_flush(int(timeout_s * 1000))

        # Exporters may push on the calling thread; a hanging endpoint must not outlast the wait.
        pusher = threading.Thread(target=push, name="prysmai-flush", daemon=True)
        pusher.start()
        pusher.join(timeout_s)
        return done and not pusher.is_alive() and all(results)


def metric_views() -> list[View]:
    """Views giving the GenAI histograms the conventions' bucket boundaries."""
    return [
        View(
            instrument_name=semconv.METRIC_OPERATION_DURATION,
            aggregation=ExplicitBucketHistogramAggregation(semconv.DURATION_BUCKETS_S),
        ),
        View(
            instrument_name=semconv.METRIC_TIME_TO_FIRST_CHUNK,
            aggregation=ExplicitBucketHistogramAggregation(semconv.DURATION_BUCKETS_S),
        ),
        View(
            instrument_name=semconv.METRIC_TOKEN_USAGE,
            aggregation=ExplicitBucketHistogramAggregation(semconv.TOKEN_BUCKETS),
        ),
    ]


_pipelines: dict[tuple[Any, ...], TelemetryPipeline] = {}
_lock = threading.Lock()


def get_pipeline(
    *,
    prysm_key: str | None,
    base_url: str | None,
    timeout_s: float,
    tracer_provider: Any = None,
    meter_provider: Any = None,
) -> TelemetryPipeline:
    """Return the shared pipeline for a destination, building it on first use."""
    otlp = otlp_env_configured()
    key = (
        (
            os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
            os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"),
        )
        if otlp
        else prysm_key,
        None if otlp else base_url,
        id(tracer_provider),
        id(meter_provider),
        os.environ.get("PRYSM_DB_PATH"),
        os.environ.get("PRYSM_DATA_DIR"),
    )
    with _lock:
        pipeline = _pipelines.get(key)
        if pipeline is None:
            pipeline = _build_pipeline(
                prysm_key=None if otlp else prysm_key,
                base_url=None if otlp else base_url,
                timeout_s=timeout_s,
                tracer_provider=tracer_provider,
                meter_provider=meter_provider,
            )
            _pipelines[key] = pipeline
        return pipeline


def _build_pipeline(
    *,
    prysm_key: str | None,
    base_url: str | None,
    timeout_s: float,
    tracer_provider: Any,
    meter_provider: Any,
) -> TelemetryPipeline:
    capture_env = env_flag(CAPTURE_CONTENT_ENV)
    if tracer_provider is not None:
        tracer = tracer_provider.get_tracer(_SCOPE, __version__)
        return TelemetryPipeline(
            destination="custom",
            tracer=tracer,
            meter_provider=meter_provider or _own_meter_provider([]),
            capture_content_default=bool(capture_env) if capture_env is not None else True,
            tracer_provider=tracer_provider,
            records_metrics=meter_provider is not None,
        )

    exporter, metric_readers, destination, capture_default = _choose_exporters(
        prysm_key, base_url, timeout_s
    )
    provider = TracerProvider(resource=Resource.create(), shutdown_on_exit=False)
    provider.add_span_processor(
        BatchSpanProcessor(
            exporter,
            max_queue_size=_MAX_EXPORT_QUEUE,
            schedule_delay_millis=500,
            export_timeout_millis=int(min(timeout_s, 30.0) * 1000),
        )
    )
    own_meters = meter_provider or _own_meter_provider(metric_readers)
    pipeline = TelemetryPipeline(
        destination=destination,
        tracer=provider.get_tracer(_SCOPE, __version__),
        meter_provider=own_meters,
        capture_content_default=capture_env if capture_env is not None else capture_default,
        tracer_provider=provider,
        owns_providers=True,
        records_metrics=meter_provider is not None or bool(metric_readers),
    )
    return pipeline


def _own_meter_provider(readers: list[MetricReader]) -> MeterProvider:
    return MeterProvider(
        metric_readers=readers,
        resource=Resource.create(),
        views=metric_views(),
        shutdown_on_exit=False,
    )


def _choose_exporters(
    prysm_key: str | None, base_url: str | None, timeout_s: float
) -> tuple[SpanExporter, list[MetricReader], str, bool]:
    """Return the span exporter, metric readers, destination name and content default."""
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

    if otlp_env_configured():
        # The exporters read every OTEL_EXPORTER_OTLP_* setting themselves.
        reader = PeriodicExportingMetricReader(OTLPMetricExporter())
        return OTLPSpanExporter(), [reader], "otlp", False
    if prysm_key is not None and base_url is not None:
        headers = {"Authorization": f"Bearer {prysm_key}"}
        export_timeout = min(timeout_s, 30.0)
        span_exporter = OTLPSpanExporter(
            endpoint=f"{base_url}/v1/traces", headers=headers, timeout=export_timeout
        )
        metric_exporter = OTLPMetricExporter(
            endpoint=f"{base_url}/v1/metrics", headers=headers, timeout=export_timeout
        )
        return span_exporter, [PeriodicExportingMetricReader(metric_exporter)], "prysm", True

    from prysmai.store import SqliteSpanExporter

    return SqliteSpanExporter(), [], "local", True


def flush(timeout_s: float = 5.0) -> bool:
    """Push every recorded call to its destination now; return False if the wait ran out."""
    done = get_worker().flush(timeout_s)
    with _lock:
        pipelines = list(_pipelines.values())
    for pipeline in pipelines:
        done = pipeline.flush(timeout_s) and done
    return done


def shutdown_pipelines(timeout_s: float = _EXIT_FLUSH_S) -> None:
    """Flush and stop every pipeline prysmai built, each with a bounded wait.

    Runs at interpreter exit; a dead or hanging endpoint cannot hold up the exit. Clients
    monitored afterwards get fresh pipelines.
    """
    get_worker().flush(timeout_s)
    with _lock:
        pipelines = list(_pipelines.values())
        _pipelines.clear()
    for pipeline in pipelines:
        if not pipeline.owns_providers:
            continue
        stopper = threading.Thread(
            target=_shutdown_pipeline, args=(pipeline, timeout_s), daemon=True
        )
        stopper.start()
        stopper.join(timeout_s)


def _shutdown_pipeline(pipeline: TelemetryPipeline, timeout_s: float) -> None:
    try:
        pipeline.tracer_provider.force_flush(int(timeout_s * 1000))
        pipeline.tracer_provider.shutdown()
        if hasattr(pipeline.meter_provider, "shutdown"):
            pipeline.meter_provider.shutdown(timeout_millis=int(timeout_s * 1000))
    except Exception:
        logger.warning("prysmai could not flush telemetry at exit; some spans may be lost")


atexit.register(shutdown_pipelines)
