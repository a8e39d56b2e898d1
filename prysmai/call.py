"""What the hot path captures about one model call, handed to the recorder when it ends.

Only timestamps and references are taken on the caller's thread; parsing, pricing and span
building happen later in the recorder's worker.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Mapping

    from opentelemetry.context import Context

    from prysmai.context import ContextValues
    from prysmai.endpoints import Endpoint
    from prysmai.recorder import Recorder

MAX_KEPT_RESPONSE_BYTES: Final = 8 * 1024 * 1024
TRANSLATED_ANSWER: Final = "prysm.translated_answer"
"""Response extension set on an answer prysmai translated into OpenAI's format."""
TRANSLATED_USAGE: Final = "prysm.translated_usage"
"""Response extension: a translated stream's usage (OpenAI's format), set when the stream
ends, so that it is recorded even when the caller did not ask for a usage chunk."""
"""Response bytes kept per call for parsing; past this only the last chunks are kept."""

_TAIL_CHUNKS: Final = 16


class CallRecord:
    """Raw facts about one HTTP exchange with a provider."""

    __slots__ = (
        "chunk_times_ns",
        "chunks",
        "context_snapshot",
        "end_ns",
        "endpoint",
        "error",
        "finished",
        "guard",
        "header_overrides",
        "is_closed_early",
        "is_exhausted",
        "kept_bytes",
        "limit_refusal",
        "otel_context",
        "path_model",
        "recorder",
        "request_body",
        "response_headers",
        "response_ns",
        "scan",
        "security_settings",
        "start_ns",
        "start_wall_ns",
        "status_code",
        "answer_extensions",
        "tail",
        "usage_limit_counters",
    )

    def __init__(
        self,
        recorder: Recorder,
        endpoint: Endpoint,
        request_body: bytes | None,
        context_snapshot: tuple[ContextValues, ContextValues],
        otel_context: Context,
    ) -> None:
        self.start_wall_ns = time.time_ns()
        self.start_ns = time.perf_counter_ns()
        self.recorder = recorder
        self.endpoint = endpoint
        self.request_body = request_body
        self.context_snapshot = context_snapshot
        self.otel_context = otel_context
        self.header_overrides: dict[str, str] | None = None
        self.path_model: str | None = None
        """The model named by the request's route (Bedrock), for bodies that do not name it."""
        # Taken once per call: settings that change meanwhile (security="collector") apply
        # from the next call, never half-way through this one.
        self.guard: Any
        self.security_settings: Mapping[str, Any] | None
        self.guard, self.security_settings = recorder.security_now()
        """The security guard of this call, and the span attributes naming its settings."""
        self.scan: Any = None
        self.limit_refusal: Any = None
        """The usage limit that refused the call (a ``prysmai.limits.Refusal``), if one did."""
        self.usage_limit_counters: list[tuple[str, float, str]] | None = None
        """Token and cost counters the call adds its usage to once it is parsed."""
        self.status_code = 0
        self.response_headers: Any = None
        self.answer_extensions: dict[str, Any] | None = None
        """A translated answer's extensions (they carry what the translation learned); None
        for an answer in the provider's own format."""
        self.response_ns = 0
        self.chunks: list[bytes] = []
        self.chunk_times_ns: list[int] = []
        self.kept_bytes = 0
        self.tail: list[bytes] | None = None
        self.is_exhausted = False
        self.is_closed_early = False
        self.error: BaseException | None = None
        self.end_ns = 0
        self.finished = False

    def add_chunk(self, chunk: bytes) -> None:
        """Keep a response chunk and its arrival time (bounded in total size)."""
        self.chunk_times_ns.append(time.perf_counter_ns())
        if self.kept_bytes < MAX_KEPT_RESPONSE_BYTES:
            self.chunks.append(chunk)
            self.kept_bytes += len(chunk)
            return
        # Past the cap keep only the last chunks: a stream's usage and finish reason come last.
        tail = self.tail if self.tail is not None else []
        tail.append(chunk)
        if len(tail) > _TAIL_CHUNKS:
            del tail[0]
        self.tail = tail

    def finish(self, end_ns: int = 0) -> None:
        """Mark the call as ended (now, or at ``end_ns``) and hand it to the recorder, once."""
        if self.finished:
            return
        self.finished = True
        self.end_ns = end_ns or time.perf_counter_ns()
        self.recorder.submit(self)

    def finish_with_error(self, error: BaseException) -> None:
        """End the call because the transport or the stream failed."""
        if self.finished:
            return
        self.error = error
        self.finish()

    def finish_early(self) -> None:
        """End the call because the caller closed or dropped the response before its end."""
        if self.finished:
            return
        self.is_closed_early = True
        self.finish()

    def finish_abandoned(self) -> None:
        """End a call whose response was garbage-collected unfinished.

        Collection can come long after the caller stopped reading (an exception held the stream
        in a traceback), so the call ends at its last observed activity, not now.
        """
        if self.finished:
            return
        last_activity = self.chunk_times_ns[-1] if self.chunk_times_ns else self.response_ns
        self.is_closed_early = True
        self.finish(last_activity)

    def response_body(self) -> bytes:
        """All kept response bytes joined (head and, past the cap, the tail)."""
        body = b"".join(self.chunks)
        if self.tail:
            body += b"".join(self.tail)
        return body
