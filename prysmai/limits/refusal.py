"""The answer prysmai gives on the SDK's behalf when a usage limit is reached: a local 429.

The body follows the provider's error format (OpenAI's ``{"error": {...}}`` or Anthropic's
``{"type": "error", "error": {...}}``) with type and code ``usage_limit_exceeded`` and the
limit's details, so the SDK raises its own ``RateLimitError``. ``x-should-retry: false`` makes
the SDKs raise at once instead of retrying a call that would be refused again; ``retry-after``
says when the window ends, for applications that schedule their own retry.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

from prysmai import jsonutil
from prysmai.limits.spec import Metric, Scope, UsageLimit

if TYPE_CHECKING:
    from prysmai.call import CallRecord

ERROR_TYPE: Final = "usage_limit_exceeded"
"""Error type and code in the 429 body, and ``error.type`` of the refused call's span."""


_EARLIEST: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_LATEST: Final = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)


def _iso(seconds: float) -> str:
    """``seconds`` as an ISO 8601 UTC time; never fails (out of range is clamped)."""
    if not seconds < _LATEST.timestamp():  # NaN too
        moment = _LATEST
    elif seconds < 0:
        moment = _EARLIEST
    else:
        moment = dt.datetime.fromtimestamp(seconds, dt.UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _number(value: float) -> float | int:
    """Whole counts as ints; cost rounded to a millionth of a dollar."""
    if float(value).is_integer():
        return int(value)
    return round(value, 6)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A call refused because ``limit`` was reached in the current window."""

    limit: UsageLimit
    used: float
    """The counter's value when the call was refused (at or above the limit)."""
    scope_value: str | None
    """The user, session or model the counter is for; ``None`` for a global limit."""
    window_start: float
    window_end: float
    """When the window ends and the counter starts again from zero (Unix seconds)."""
    now: float

    @property
    def retry_after_s(self) -> int:
        """Whole seconds until the window ends, at least 1."""
        remaining = self.window_end - self.now
        return max(1, math.ceil(remaining)) if math.isfinite(remaining) else 1

    def details(self) -> dict[str, Any]:
        """The limit's details, as put in the 429 body."""
        return {
            "metric": str(self.limit.metric),
            "limit": self.limit.limit,
            "used": _number(self.used),
            "window": self.limit.window,
            "scope": str(self.limit.scope),
            "scope_value": self.scope_value,
            "window_start": _iso(self.window_start),
            "resets_at": _iso(self.window_end),
            "retry_after_s": self.retry_after_s,
        }

    def message(self) -> str:
        """One sentence for people: which limit, how much was used, when it resets."""
        limit = self.limit
        amount = {
            Metric.REQUESTS: f"{limit.limit} requests",
            Metric.TOKENS: f"{limit.limit} tokens",
            Metric.COST_USD: f"{limit.limit} USD",
        }[Metric(limit.metric)]
        per = f"per {limit.window}" if isinstance(limit.window, str) else f"per {limit.window} s"
        whom = "" if limit.scope == Scope.GLOBAL else f" for {limit.scope} {self.scope_value!r}"
        return (
            f"prysmai usage limit reached: {amount} {per}{whom} (used {_number(self.used)}); "
            "this request was not sent (earlier attempts of an SDK retry may have been). "
            f"The limit resets at {_iso(self.window_end)}, "
            f"in {self.retry_after_s} s."
        )

    def body(self, wire_format: str) -> dict[str, Any]:
        """The error body in the provider's format (``openai`` or ``anthropic``)."""
        if wire_format == "anthropic":
            return {
                "type": "error",
                "error": {
                    "type": ERROR_TYPE,
                    "message": self.message(),
                    "usage_limit": self.details(),
                },
            }
        return {
            "error": {
                "message": self.message(),
                "type": ERROR_TYPE,
                "code": ERROR_TYPE,
                "param": None,
                "usage_limit": self.details(),
            }
        }


def refusal_response(
    call: CallRecord, refusal: Refusal, request: Any, http_module: ModuleType
) -> Any:
    """Build the 429 answer for ``call`` and record the call as refused."""
    # "replace": a scope value is made safe before it gets here; the 429 must never fail.
    body = jsonutil.dumps(refusal.body(call.endpoint.wire_format)).encode(errors="replace")
    headers = {
        "content-type": "application/json",
        # The SDKs retry 429s by default; this one would be refused again.
        "x-should-retry": "false",
        "retry-after": str(refusal.retry_after_s),
    }
    response = http_module.Response(429, headers=headers, content=body, request=request)
    call.limit_refusal = refusal
    call.status_code = 429
    call.response_headers = response.headers
    call.add_chunk(body)
    call.is_exhausted = True
    call.finish()
    return response
