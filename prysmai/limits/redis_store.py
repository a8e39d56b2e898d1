"""Usage counters in Redis, so that processes on several machines share one budget.

Counters are plain Redis strings named ``prefix + key`` (``prysmai:limit:`` then the key the
other stores use: limit name, window start, scope value). One Lua script reads every counter
of a call and, when none is reached, counts the request: Redis runs a script alone, so the check
and the count are atomic across every process and machine using the server. Each write also
gives the counter a time to live that ends a margin after its window, so ended windows clean
themselves up.

The ``redis`` package (redis-py, ``pip install 'prysmai[redis]'``) is imported only when such a
store is built.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from prysmai.errors import ConfigurationError

if TYPE_CHECKING:
    from prysmai.limits.stores import Check

REDIS_SCHEMES: Final = ("redis", "rediss")

DEFAULT_PREFIX: Final = "prysmai:limit:"

DEFAULT_CONNECT_TIMEOUT_S: Final = 0.25
DEFAULT_TIMEOUT_S: Final = 0.25
"""The check runs on the caller's thread before the request leaves: a Redis that does not answer
may delay a call by this much, never more (the call then goes through unlimited)."""

DEFAULT_EXPIRY_MARGIN_S: Final = 60.0
"""How long a counter outlives its window. Processes whose clocks lag behind still count into
the window they see; the margin keeps that counter alive for them."""

_RETRY_AFTER_FAILURE_S: Final = 1.0
"""After a failure Redis is left alone this long, so an unreachable server costs one timeout a
second, not one per call."""

_INSTALL_HINT: Final = "pip install 'prysmai[redis]'"

# KEYS: one counter per check. ARGV: per check, its limit, "1" when the call counts against
# it (requests limits), and the counter's time to live in milliseconds.
# Returns, flat, the 0-based index and raw value of every counter already at its limit; a
# raw value (not a Lua number) so that INCRBYFLOAT's decimals come back exactly.
_ADMIT_SCRIPT: Final = """
local reached = {}
for i = 1, #KEYS do
  local raw = redis.call('GET', KEYS[i]) or '0'
  if tonumber(raw) >= tonumber(ARGV[3 * i - 2]) then
    reached[#reached + 1] = i - 1
    reached[#reached + 1] = raw
  end
end
if #reached == 0 then
  local counted = {}
  for i = 1, #KEYS do
    local key = KEYS[i]
    if ARGV[3 * i - 1] == '1' and not counted[key] then
      counted[key] = true
      redis.call('INCR', key)
      redis.call('PEXPIRE', key, ARGV[3 * i])
    end
  end
end
return reached
"""


class RedisCounterStore:
    """Counters in Redis, so that processes on several machines share one budget.

    Each check is one Lua script run (``EVALSHA``, loaded again if the server forgot it): it
    reads every counter of the call and, when none is reached, increments the request
    counters, atomically across all clients of the server. Tokens and cost are added afterwards
    with ``INCRBYFLOAT`` in one ``MULTI``/``EXEC``. Every write sets the counter's time to live
    to the rest of its window (by the caller's clock, the one that chose the window) plus
    ``expiry_margin_s``.

    Failures (refused or timed-out connections, authentication, script errors) raise
    ``redis.RedisError``; the caller lets the call through and reports the fault, and the store
    then raises at once for a second instead of trying Redis on every call.

    Use a single Redis server (or a primary with replicas), not Redis Cluster: one script
    touches counters that Cluster would spread over several nodes.

    Args:
        target: a ``redis://[[user]:password@]host[:port][/db]`` or ``rediss://`` (TLS) URL,
            or an existing ``redis.Redis`` client (its own timeouts and retries then apply).
            A URL may carry ``?prefix=...`` and redis-py's own query options.
        prefix: put before every counter's key; several applications (or tests) sharing one
            server keep apart with different prefixes. Default: the URL's ``prefix``, else
            ``prysmai:limit:``.
        connect_timeout_s: how long to wait for a connection (URLs only).
        timeout_s: how long to wait for an answer (URLs only).
        expiry_margin_s: how long a counter outlives its window.

    Raises:
        ConfigurationError: the ``redis`` package is not installed, or the URL is bad.
    """

    def __init__(
        self,
        target: str | Any,
        *,
        prefix: str | None = None,
        connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        expiry_margin_s: float = DEFAULT_EXPIRY_MARGIN_S,
    ) -> None:
        redis = _import_redis()
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._unavailable: type[Exception] = redis.ConnectionError
        url_prefix: str | None = None
        if isinstance(target, str):
            url, url_prefix = _split_url(target)
            self._shown = _without_password(target)
            self._client = _client_from_url(redis, url, connect_timeout_s, timeout_s, self._shown)
            self._owns_client = True
        elif isinstance(target, redis.Redis):
            self._shown = repr(target)
            self._client = target
            self._owns_client = False
        else:
            msg = (
                "RedisCounterStore takes a redis:// or rediss:// URL or a redis.Redis client, "
                f"got {type(target).__name__}"
            )
            raise ConfigurationError(msg)
        if prefix is None:
            prefix = url_prefix if url_prefix is not None else DEFAULT_PREFIX
        self.prefix = prefix
        self.expiry_margin_s = expiry_margin_s
        self._admit_script = self._client.register_script(_ADMIT_SCRIPT)
        self._retry_at = 0.0

    def __repr__(self) -> str:
        return f"RedisCounterStore({self._shown!r})"

    @property
    def client(self) -> Any:
        """The ``redis.Redis`` client the store uses."""
        return self._client

    def _ttl_ms(self, window_end: float, now: float) -> int:
        # A usage added after its window ended still gets the margin, never a TTL <= 0 (which
        # would delete the counter at once).
        return int((max(window_end - now, 0.0) + self.expiry_margin_s) * 1000)

    def _check_backoff(self) -> None:
        if time.monotonic() < self._retry_at:
            msg = f"the usage counter store {self._shown} failed less than a second ago"
            raise self._unavailable(msg)

    def _failed(self) -> None:
        self._retry_at = time.monotonic() + _RETRY_AFTER_FAILURE_S

    def admit(self, checks: Sequence[Check], now: float) -> list[tuple[int, float]]:
        """See :meth:`~prysmai.limits.stores.CounterStore.admit`."""
        self._check_backoff()
        prefix = self.prefix
        keys = [prefix + check.key for check in checks]
        args: list[str | int] = []
        for check in checks:
            args += (
                repr(check.limit),
                "1" if check.counts_request else "0",
                self._ttl_ms(check.window_end, now),
            )
        try:
            reply = self._admit_script(keys=keys, args=args)
        except self._errors:
            self._failed()
            raise
        return [(int(reply[i]), float(reply[i + 1])) for i in range(0, len(reply), 2)]

    def add(self, amounts: Sequence[tuple[str, float, float]], now: float) -> None:
        """See :meth:`~prysmai.limits.stores.CounterStore.add`."""
        self._check_backoff()
        try:
            with self._client.pipeline(transaction=True) as pipe:
                for key, window_end, amount in amounts:
                    pipe.incrbyfloat(self.prefix + key, amount)
                    pipe.pexpire(self.prefix + key, self._ttl_ms(window_end, now))
                pipe.execute()
        except self._errors:
            self._failed()
            raise

    def value(self, key: str) -> float:
        """See :meth:`~prysmai.limits.stores.CounterStore.value`."""
        self._check_backoff()
        try:
            raw = self._client.get(self.prefix + key)
        except self._errors:
            self._failed()
            raise
        return float(raw) if raw is not None else 0.0

    def close(self) -> None:
        """Close the connections of a client built from a URL (a later use opens them again).

        A client passed in is left open: it belongs to the caller.
        """
        if self._owns_client:
            self._client.close()


def _import_redis() -> Any:
    try:
        import redis
    except ImportError:
        msg = f"the Redis usage limit store needs the redis package: {_INSTALL_HINT}"
        raise ConfigurationError(msg) from None
    return redis


def _without_password(url: str) -> str:
    """Return ``url`` with its password replaced by ``***``, for messages and ``repr``."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        user = parts.username or ""
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
    except ValueError:
        return "<unparsable Redis URL>"


def _split_url(url: str) -> tuple[str, str | None]:
    """Check what redis-py would guess about or ignore; return the URL without ``prefix``.

    Raises:
        ConfigurationError: a wrong scheme, no host, a bad port or database number.
    """
    shown = _without_password(url)
    form = "redis://[[user]:password@]host[:port][/db] (rediss:// for TLS)"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        msg = f"usage limit store {shown!r} is not a valid Redis URL ({exc}): use {form}"
        raise ConfigurationError(msg) from None
    if parts.scheme.lower() not in REDIS_SCHEMES:
        msg = f"usage limit store {shown!r} is not a Redis URL: use {form}"
        raise ConfigurationError(msg)
    if not parts.hostname:
        msg = f"usage limit store {shown!r} names no host: use {form}"
        raise ConfigurationError(msg)
    if port == 0:
        msg = f"usage limit store {shown!r} has port 0: use {form}"
        raise ConfigurationError(msg)
    database = parts.path.strip("/")
    # redis-py quietly uses database 0 for a path it cannot read; a typo must not share
    # (or split) counters silently.
    if database and not (database.isascii() and database.isdigit()):
        msg = f"usage limit store {shown!r}: the database must be a number, not {database!r}"
        raise ConfigurationError(msg)
    prefix: str | None = None
    options = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name == "prefix":
            prefix = value
        else:
            options.append((name, value))
    return urlunsplit(parts._replace(query=urlencode(options))), prefix


def _client_from_url(
    redis: Any, url: str, connect_timeout_s: float, timeout_s: float, shown: str
) -> Any:
    """Build a client with short timeouts and no retries; nothing is connected yet.

    Raises:
        ConfigurationError: redis-py refuses one of the URL's query options.
    """
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    try:
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=connect_timeout_s,
            socket_timeout=timeout_s,
            # redis-py retries failed commands by default (3 times with backoff in 6.x): on
            # the caller's thread one timeout is all a check may cost.
            retry=Retry(NoBackoff(), 0),
        )
        # Query options redis-py does not know reach the connection only when it is first
        # made, at call time; make one now (no I/O) so that they fail here instead.
        pool = client.connection_pool
        pool.connection_class(**pool.connection_kwargs)
    except TypeError as exc:
        msg = f"usage limit store {shown!r} has a query option redis-py does not know ({exc})"
        raise ConfigurationError(msg) from None
    except (ValueError, redis.RedisError) as exc:
        # A query option's bad value: redis-py's ValueError, or an SSL setting's RedisError.
        msg = f"usage limit store {shown!r}: {exc}"
        raise ConfigurationError(msg) from None
    return client
