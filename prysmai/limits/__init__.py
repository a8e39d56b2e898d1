"""Usage limits: requests, tokens or cost per fixed UTC window, enforced before a call leaves.

A call over a limit is not sent: the caller gets the SDK's own ``RateLimitError`` (a 429 the
SDK does not retry) whose body says which limit, how much was used and when it resets.
Counters live in this process (default), in a SQLite file several processes share, or in
Redis or PostgreSQL, shared by processes on several machines.
"""

from __future__ import annotations

from prysmai.limits.enforcer import LimitEnforcer
from prysmai.limits.postgres_store import PostgresCounterStore
from prysmai.limits.redis_store import RedisCounterStore
from prysmai.limits.refusal import ERROR_TYPE, Refusal
from prysmai.limits.spec import CALENDAR_WINDOWS, Metric, Scope, UsageLimit
from prysmai.limits.stores import CounterStore, MemoryCounterStore, SqliteCounterStore, open_store

__all__ = [
    "CALENDAR_WINDOWS",
    "ERROR_TYPE",
    "CounterStore",
    "LimitEnforcer",
    "MemoryCounterStore",
    "Metric",
    "PostgresCounterStore",
    "RedisCounterStore",
    "Refusal",
    "Scope",
    "SqliteCounterStore",
    "UsageLimit",
    "open_store",
]
