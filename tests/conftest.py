from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import Span, Status, set_span_in_context
from opentelemetry.util.types import AttributeValue

from prysmai import semconv
from prysmai.retention import RetentionSchedule
from prysmai.store import SqliteSpanExporter
from tests.pg_cluster import PostgresCluster, need_postgres

_CLEARED_PREFIXES = ("PRYSM_", "OPENAI_", "ANTHROPIC_", "OTEL_")
_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def _isolated_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Run every test without the developer's keys, proxies or telemetry settings.

    PRYSM_DATA_DIR points at a fresh folder so nothing touches the real user data directory.
    """
    proxies = {name for base in _PROXY_VARS for name in (base, base.lower())}
    for name in list(os.environ):
        if name.startswith(_CLEARED_PREFIXES) or name in proxies:
            monkeypatch.delenv(name)
    data_dir = tmp_path_factory.mktemp("prysm-data")
    monkeypatch.setenv("PRYSM_DATA_DIR", str(data_dir))
    return data_dir


# --- embedded store -------------------------------------------------------------------------

BASE_TIME_NS = 1_700_000_000_000_000_000  # 2023-11-14 22:13:20 UTC


def default_call_attributes() -> dict[str, AttributeValue]:
    return {
        semconv.OPERATION_NAME: "chat",
        semconv.PROVIDER_NAME: "openai",
        semconv.REQUEST_MODEL: "gpt-4o",
        semconv.RESPONSE_MODEL: "gpt-4o-2024-08-06",
        semconv.USAGE_INPUT_TOKENS: 12,
        semconv.USAGE_OUTPUT_TOKENS: 34,
        semconv.COST_USD: 0.000123456789,
        semconv.LATENCY_MS: 1234.0,
        semconv.USER_ID: "alice",
    }


class SpanRecorder:
    """Writes real SDK spans into an embedded store through a SimpleSpanProcessor."""

    base_time_ns = BASE_TIME_NS
    """Default start time of the spans it records."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Spans are stamped in 2023 (BASE_TIME_NS): a retention would delete them at once.
        self.exporter = SqliteSpanExporter(path, retention=RetentionSchedule(None))
        self.provider = TracerProvider(
            resource=Resource.create({"service.name": "tests"}), shutdown_on_exit=False
        )
        self.provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.tracer = self.provider.get_tracer("tests")

    def span(
        self,
        attributes: Mapping[str, AttributeValue],
        *,
        name: str = "chat gpt-4o",
        start_ns: int = BASE_TIME_NS,
        duration_ms: float = 1000.0,
        status: Status | None = None,
        parent: Span | None = None,
    ) -> ReadableSpan:
        context = set_span_in_context(parent) if parent is not None else None
        span = self.tracer.start_span(
            name, context=context, start_time=start_ns, attributes=attributes
        )
        if status is not None:
            span.set_status(status)
        span.end(end_time=start_ns + int(duration_ms * 1e6))
        assert isinstance(span, ReadableSpan)
        return span

    def call(
        self, overrides: Mapping[str, AttributeValue] | None = None, **kwargs: Any
    ) -> ReadableSpan:
        """Record a model call: the default attributes with ``overrides`` (None removes one)."""
        attributes = default_call_attributes()
        for key, value in (overrides or {}).items():
            if value is None:
                attributes.pop(key, None)
            else:
                attributes[key] = value
        return self.span(attributes, **kwargs)

    def shutdown(self) -> None:
        self.provider.shutdown()


@pytest.fixture
def make_recorder() -> Iterator[Callable[[Path], SpanRecorder]]:
    """Return a factory of recorders on a given store path; all are shut down afterwards."""
    made: list[SpanRecorder] = []

    def make(path: Path) -> SpanRecorder:
        made.append(SpanRecorder(path))
        return made[-1]

    yield make
    for recorder in made:
        recorder.shutdown()


@pytest.fixture
def recorder(tmp_path: Path, make_recorder: Callable[[Path], SpanRecorder]) -> SpanRecorder:
    """A recorder on ``tmp_path / "traces.db"``."""
    return make_recorder(tmp_path / "traces.db")


# --- PostgreSQL store -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """One private PostgreSQL cluster for the session (skips when PostgreSQL is missing)."""
    need_postgres()
    cluster = PostgresCluster()
    yield cluster
    cluster.destroy()


@pytest.fixture
def own_cluster() -> Iterator[PostgresCluster]:
    """A cluster of the test's own, which it may stop and start."""
    need_postgres()
    cluster = PostgresCluster()
    yield cluster
    cluster.destroy()


@pytest.fixture
def pg_url(postgres_cluster: PostgresCluster) -> str:
    """The URL (with password) of a fresh, empty database in the session's cluster."""
    return postgres_cluster.create_database()
