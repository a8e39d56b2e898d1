"""Usage counters in Redis: one budget for processes on several machines, and Redis failing.

Each test talks to redis-server processes it starts itself on a free loopback port, with no
persistence, in a temp dir. Without redis-server (or the redis package) these tests skip,
unless PRYSM_REQUIRE_REDIS=1 (as in CI), where they fail.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from prysmai import ConfigurationError, PrysmClient, UsageLimit, monitor, prysm_context, semconv
from prysmai.faults import fault_counts
from prysmai.limits import RedisCounterStore
from prysmai.limits.stores import Check
from prysmai.monitor import recorder_of
from prysmai.testing import capture_calls
from tests.core.test_usage_limits import (
    T0,
    FakeClock,
    chat,
    cross_a_minute,
    enforcer,
    race,
    raised_by_transport,
)
from tests.core.test_usage_limits_store import (
    LONG_WINDOW,
    check_all_then_count_each_once,
    run_children,
    sent_within_limit,
)
from tests.ports import free_port

REDIS_SERVER = shutil.which("redis-server")
REQUIRED = os.environ.get("PRYSM_REQUIRE_REDIS") == "1"
CHECKING = "checking usage limits"


def need_redis(*, server: bool = True) -> None:
    """Skip (or, with PRYSM_REQUIRE_REDIS=1, fail) when Redis cannot be run here."""
    missing = []
    if server and REDIS_SERVER is None:
        missing.append("redis-server (apt-get install redis-server)")
    if importlib.util.find_spec("redis") is None:
        missing.append("the redis package (pip install 'prysmai[redis]')")
    if not missing:
        return
    message = f"Redis tests need {' and '.join(missing)}"
    if REQUIRED:
        pytest.fail(f"{message}, and PRYSM_REQUIRE_REDIS=1 says they must run", pytrace=False)
    pytest.skip(message)


class RedisServer:
    """A redis-server process on loopback: no persistence, its files in a temp dir."""

    def __init__(self, folder: Path, *options: str, tls: dict[str, str] | None = None) -> None:
        self.folder = folder
        self.options = options
        self.tls = tls
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        assert REDIS_SERVER is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        ports = ["--port", str(self.port)]
        if self.tls is not None:
            ports = ["--port", "0", "--tls-port", str(self.port), "--tls-auth-clients", "no"]
            ports += [item for name, path in self.tls.items() for item in (f"--{name}", path)]
        log = self.folder / "redis.log"
        command = [REDIS_SERVER, *ports, "--bind", "127.0.0.1", "--save", "", "--appendonly"]
        command += ["no", "--dir", str(self.folder), "--logfile", str(log), *self.options]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while True:
            if self.process.poll() is not None:
                text = log.read_text() if log.exists() else ""
                raise RuntimeError(f"redis-server exited with {self.process.returncode}: {text}")
            try:
                if self.client().ping():
                    return
            except Exception:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
            time.sleep(0.02)

    def client(self) -> Any:
        import redis

        options: dict[str, Any] = {}
        if "--requirepass" in self.options:
            options["password"] = self.options[self.options.index("--requirepass") + 1]
        if self.tls is not None:
            options.update(ssl=True, ssl_ca_certs=self.tls["tls-ca-cert-file"])
        return redis.Redis(
            host="127.0.0.1", port=self.port, socket_timeout=2, socket_connect_timeout=2, **options
        )

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)  # a paused server cannot act on SIGTERM
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def pause(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def redis_folder() -> Iterator[Path]:
    """A fresh folder under /tmp for redis-server's files (short: unix socket path limits)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="prysm-redis-") as folder:
        yield Path(folder)


@pytest.fixture
def start_redis(redis_folder: Path) -> Iterator[Any]:
    """Start redis-server processes for this test; every one is stopped when it ends."""
    need_redis()
    started: list[RedisServer] = []

    def start(*options: str, tls: dict[str, str] | None = None) -> RedisServer:
        started.append(RedisServer(redis_folder / f"server-{len(started)}", *options, tls=tls))
        return started[-1]

    yield start
    for running in started:
        running.stop()


@pytest.fixture
def redis_server(start_redis: Any) -> RedisServer:
    server: RedisServer = start_redis()
    return server


def closed_port() -> str:
    """A loopback URL where nothing listens: connecting is refused at once."""
    return f"redis://127.0.0.1:{free_port()}/0"


def keys_and_values(server: RedisServer) -> dict[str, float]:
    db = server.client()
    return {key.decode(): float(db.get(key)) for key in db.keys("*")}


def window_start(limit: UsageLimit, now: float) -> str:
    return f"{limit.window_bounds(now)[0]:.0f}"


# --- one budget, several processes ---------------------------------------------------------------


def test_two_processes_share_one_budget_through_redis(server, redis_server):
    results = run_children(server.base_url, redis_server.url, 8)

    sent = sent_within_limit(results, 10)
    assert all(r["sent"] > 0 for r in results)  # both processes took part
    assert sorted(used for r in results for used in r["refused"]) == [10] * (16 - sent)
    assert len(server.requests) == sent
    start = window_start(UsageLimit("requests", 10, LONG_WINDOW), time.time())
    [(key, value)] = keys_and_values(redis_server).items()
    assert key == f"prysmai:limit:requests/{LONG_WINDOW}/global|{start}|"
    assert 10 <= value <= sent


def test_threads_racing_on_redis_cannot_slip_past_any_limit(capture, client, server, redis_server):
    watched = capture.monitor(
        client,
        limits=[UsageLimit("requests", 4, LONG_WINDOW), UsageLimit("requests", 9, LONG_WINDOW)],
        limits_store=redis_server.url,
    )

    outcomes = race(watched, 10)

    assert sorted(outcomes) == ["refused"] * 6 + ["sent"] * 4
    assert len(server.requests) == 4
    # Both limits have one name, so they share one counter, counted once per call.
    assert list(keys_and_values(redis_server).values()) == [4]


def test_clients_on_one_server_share_counters_and_the_environment_names_it(
    capture, client, server, redis_server, monkeypatch
):
    limit = UsageLimit("requests", 3, LONG_WINDOW, scope="user")
    first = capture.monitor(client, limits=[limit], limits_store=redis_server.url)
    monkeypatch.setenv("PRYSM_USAGE_LIMITS", json.dumps([limit.to_mapping()]))
    monkeypatch.setenv("PRYSM_USAGE_LIMITS_STORE", f"{redis_server.url}?prefix=prysmai:limit:")
    second = capture.monitor(client)
    prysm = PrysmClient(
        provider=server.base_url,
        api_key="k",
        tracer_provider=capture.tracer_provider,
        meter_provider=capture.meter_provider,
    )
    third = prysm.openai(max_retries=0)
    headers = {"X-Prysm-User-Id": "alice"}

    chat(first, extra_headers=headers)
    chat(second, extra_headers=headers)
    chat(third, extra_headers=headers)
    with pytest.raises(openai.RateLimitError) as caught:
        chat(first, extra_headers=headers)
    chat(second, extra_headers={"X-Prysm-User-Id": "bob"})
    monkeypatch.delenv("PRYSM_USAGE_LIMITS_STORE")
    fourth = PrysmClient(
        provider=server.base_url,
        api_key="k",
        tracer_provider=capture.tracer_provider,
        meter_provider=capture.meter_provider,
        limits=[limit],
        limits_store=redis_server.url,
    ).openai(max_retries=0)
    chat(fourth, extra_headers={"X-Prysm-User-Id": "bob"})
    with pytest.raises(openai.RateLimitError):
        chat(fourth, extra_headers=headers)

    assert caught.value.body["usage_limit"]["used"] == 3
    assert len(server.requests) == 5
    for watched in (first, second, third, fourth):
        assert isinstance(enforcer(watched).store, RedisCounterStore)
    assert enforcer(second).used(limit, "alice") == 3
    assert enforcer(third).used(limit, "bob") == 2
    third.close()
    fourth.close()


# --- windows and expiry --------------------------------------------------------------------------


def test_counters_expire_a_margin_after_their_window(capture, client, server, redis_server):
    requests = UsageLimit("requests", 5, "minute")
    tokens = UsageLimit("tokens", 10**6, "hour", scope="user")
    watched = capture.monitor(client, limits=[requests, tokens], limits_store=redis_server.url)
    enforcer(watched).clock = FakeClock()  # T0 is 30 s into a minute, 46.5 min before the hour
    chat(watched, extra_headers={"X-Prysm-User-Id": "alice"})
    capture.spans()  # the worker has added the tokens

    db = redis_server.client()
    request_key = f"prysmai:limit:requests/minute/global|{window_start(requests, T0)}|"
    token_key = f"prysmai:limit:tokens/hour/user|{window_start(tokens, T0)}|alice"
    assert set(keys_and_values(redis_server)) == {request_key, token_key}
    # The rest of the window by the caller's clock, plus the 60 s margin.
    assert 80_000 < db.pttl(request_key) <= 90_000
    assert 2_840_000 < db.pttl(token_key) <= 2_850_000


def test_a_counter_is_gone_once_its_window_and_margin_have_passed(redis_server):
    store = RedisCounterStore(redis_server.url, expiry_margin_s=0.1)
    now = time.time()
    check = Check("requests/1/global|0|", 5, now + 0.1, True)
    assert store.admit([check], now) == []
    store.add([("tokens/1/global|0|", now + 0.1, 7.0)], now)
    db = redis_server.client()
    assert 0 < db.pttl("prysmai:limit:requests/1/global|0|") <= 200
    assert 0 < db.pttl("prysmai:limit:tokens/1/global|0|") <= 200
    deadline = time.monotonic() + 5
    while db.dbsize() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert db.dbsize() == 0
    assert store.value("requests/1/global|0|") == 0
    store.close()


def test_a_new_window_starts_from_zero_in_redis(capture, client, server, redis_server):
    limit = UsageLimit("requests", 2, "minute")
    watched = capture.monitor(client, limits=[limit], limits_store=redis_server.url)

    cross_a_minute(watched)

    assert enforcer(watched).used(limit) == 1
    assert len(server.requests) == 3
    before, after = window_start(limit, T0), window_start(limit, T0 + 30)
    assert keys_and_values(redis_server) == {
        f"prysmai:limit:requests/minute/global|{before}|": 2,
        f"prysmai:limit:requests/minute/global|{after}|": 1,
    }
    # The new minute's counter lives its whole minute plus the margin.
    assert 110_000 < redis_server.client().pttl(f"prysmai:limit:requests/minute/global|{after}|")


# --- tokens and cost -----------------------------------------------------------------------------


def test_tokens_and_cost_are_added_after_the_call(capture, client, server, redis_server):
    tokens = UsageLimit("tokens", 10, "day")
    cost = UsageLimit("cost_usd", 1, "day", scope="model")
    watched = capture.monitor(client, limits=[tokens, cost], limits_store=redis_server.url)

    answer = chat(watched)
    [span] = capture.attributes()  # waits for the worker, which adds the usage
    assert answer.usage.total_tokens > 10
    assert enforcer(watched).used(tokens) == answer.usage.total_tokens
    assert enforcer(watched).used(cost, "gpt-4o-mini") == pytest.approx(span[semconv.COST_USD])

    with pytest.raises(openai.RateLimitError) as caught:
        chat(watched)
    assert caught.value.body["usage_limit"]["metric"] == "tokens"
    assert caught.value.body["usage_limit"]["used"] == answer.usage.total_tokens
    assert len(server.requests) == 1
    stored = keys_and_values(redis_server)
    assert sorted(stored.values()) == [
        pytest.approx(span[semconv.COST_USD]),
        answer.usage.total_tokens,
    ]
    db = redis_server.client()
    assert all(db.pttl(key) > 0 for key in stored)


def test_the_store_checks_all_and_counts_each_counter_once(redis_server):
    import redis

    own = redis.Redis(host="127.0.0.1", port=redis_server.port)
    store = RedisCounterStore(own, prefix="app-b:")

    check_all_then_count_each_once(store, tokens=150.25)

    assert store.admit([Check("requests/day/user|0|u", 0, 86_400, True)], 3.0) == [(0, 0.0)]
    assert sorted(keys_and_values(redis_server)) == [
        "app-b:requests/day/global|0|",
        "app-b:tokens/day/global|0|",
    ]
    store.close()
    assert own.ping()  # a client passed in stays the caller's
    own.close()


# --- Redis failing -------------------------------------------------------------------------------


def test_a_dead_redis_lets_calls_through_and_logs_once(client, server, caplog, fresh_fault_log):
    need_redis(server=False)
    import redis

    before = fault_counts().get(CHECKING, 0)
    with capture_calls(strict=False) as capture, caplog.at_level(logging.WARNING, "prysmai"):
        watched = capture.monitor(
            client, limits=[UsageLimit("requests", 0, "day")], limits_store=closed_port()
        )
        started = time.monotonic()
        answers = [chat(watched) for _ in range(3)]
        elapsed = time.monotonic() - started
        spans = capture.spans()

    assert all(a.choices[0].message.content for a in answers)
    assert elapsed < 10  # generous: a refused connection fails at once, then a second's backoff
    assert len(server.requests) == 3
    assert len(spans) == 3  # still observed
    assert fault_counts()[CHECKING] == before + 3
    logged = [r for r in caplog.records if CHECKING in r.getMessage()]
    assert len(logged) == 1
    assert logged[0].exc_info is not None
    assert isinstance(logged[0].exc_info[1], redis.ConnectionError)


def test_a_redis_that_stops_midway_lets_calls_through_then_counts_again(
    client, server, redis_server, monkeypatch
):
    # A long backoff, ended by hand below: what happens during it does not hang on timing.
    monkeypatch.setattr("prysmai.limits.redis_store._RETRY_AFTER_FAILURE_S", 600.0)
    limit = UsageLimit("requests", 3, LONG_WINDOW)
    before = fault_counts().get(CHECKING, 0)
    with capture_calls(strict=False) as capture:
        watched = capture.monitor(client, limits=[limit], limits_store=redis_server.url)
        store = enforcer(watched).store
        chat(watched)
        chat(watched)
        assert enforcer(watched).used(limit) == 2

        redis_server.stop()
        chat(watched)  # Redis is gone: the call goes, uncounted
        redis_server.start()  # back, empty (no persistence), and without the script
        chat(watched)  # still backing off: Redis is not even asked
        assert redis_server.client().dbsize() == 0
        assert fault_counts()[CHECKING] == before + 2

        store._retry_at = 0.0  # the backoff has passed
        chat(watched)
        chat(watched)
        chat(watched)
        with pytest.raises(openai.RateLimitError) as caught:
            chat(watched)
        capture.spans()

    assert caught.value.body["usage_limit"]["used"] == 3
    assert len(server.requests) == 7
    assert fault_counts()[CHECKING] == before + 2
    assert list(keys_and_values(redis_server).values()) == [3]


def test_a_redis_that_stops_answering_times_out_and_the_call_goes(
    client, server, redis_server, caplog, fresh_fault_log
):
    import redis

    limit = UsageLimit("requests", 0, LONG_WINDOW)
    with capture_calls(strict=False) as capture, caplog.at_level(logging.WARNING, "prysmai"):
        watched = capture.monitor(client, limits=[limit], limits_store=redis_server.url)
        with pytest.raises(openai.RateLimitError):
            chat(watched)  # the connection is open and the script loaded
        redis_server.pause()  # the port still accepts; nothing answers
        try:
            started = time.monotonic()
            answer = chat(watched)
            elapsed = time.monotonic() - started
        finally:
            redis_server.resume()
        capture.spans()

    assert answer.choices[0].message.content
    assert elapsed < 10  # generous: the read timeout is 0.25 s
    assert len(server.requests) == 1
    [logged] = [r for r in caplog.records if CHECKING in r.getMessage()]
    assert logged.exc_info is not None
    assert isinstance(logged.exc_info[1], redis.TimeoutError)


def test_a_password_in_the_url_and_a_wrong_one(client, server, start_redis, caplog):
    import redis

    guarded = start_redis("--requirepass", "s3cret")
    limit = UsageLimit("requests", 1, LONG_WINDOW)
    before = fault_counts().get(CHECKING, 0)
    with capture_calls(strict=False) as capture:
        for url in (guarded.url, guarded.url.replace("//", "//:wrong@")):
            watched = capture.monitor(client, limits=[limit], limits_store=url)
            store = enforcer(watched).store
            with pytest.raises(redis.AuthenticationError):
                store.value("any")
            chat(watched)  # backing off after the failure: the call goes uncounted
        allowed = guarded.url.replace("//", "//default:s3cret@")
        watched = capture.monitor(client, limits=[limit], limits_store=allowed)
        chat(watched)
        with pytest.raises(openai.RateLimitError):
            chat(watched)
        capture.spans()

    assert len(server.requests) == 3
    assert fault_counts()[CHECKING] == before + 2
    assert list(keys_and_values(guarded).values()) == [1]
    assert "s3cret" not in repr(enforcer(watched).store)
    assert "default:***@" in repr(enforcer(watched).store)


def test_rediss_speaks_tls_and_checks_the_certificate(client, server, start_redis, redis_folder):
    if shutil.which("openssl") is None:
        message = "the TLS test needs openssl to make its certificate"
        pytest.fail(message) if REQUIRED else pytest.skip(message)
    cert, key = redis_folder / "cert.pem", redis_folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    tls = {"tls-cert-file": str(cert), "tls-key-file": str(key), "tls-ca-cert-file": str(cert)}
    secure = start_redis(tls=tls)
    url = f"rediss://127.0.0.1:{secure.port}/0"
    limit = UsageLimit("requests", 1, LONG_WINDOW)
    before = fault_counts().get(CHECKING, 0)
    with capture_calls(strict=False) as capture:
        unknown_ca = capture.monitor(client, limits=[limit], limits_store=url)
        chat(unknown_ca)  # the certificate is not trusted: no counting, the call goes
        trusted = capture.monitor(client, limits=[limit], limits_store=f"{url}?ssl_ca_certs={cert}")
        chat(trusted)
        with pytest.raises(openai.RateLimitError):
            chat(trusted)
        capture.spans()

    assert fault_counts()[CHECKING] == before + 1
    assert len(server.requests) == 2
    assert list(keys_and_values(secure).values()) == [1]


def test_a_script_error_lets_the_call_through(client, server, redis_server, caplog):
    import redis

    limit = UsageLimit("requests", 5, "minute")
    key = f"prysmai:limit:requests/minute/global|{window_start(limit, T0)}|"
    redis_server.client().rpush(key, "not a counter")  # GET inside the script: WRONGTYPE
    before = fault_counts().get(CHECKING, 0)
    with capture_calls(strict=False) as capture:
        watched = capture.monitor(client, limits=[limit], limits_store=redis_server.url)
        enforcer(watched).clock = FakeClock()
        chat(watched)
        capture.spans()
    assert len(server.requests) == 1
    assert fault_counts()[CHECKING] == before + 1
    store = enforcer(watched).store
    store._retry_at = 0.0  # past the backoff: the script itself fails again
    with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
        store.admit([Check(key.removeprefix("prysmai:limit:"), 5, T0 + 30, True)], T0)


def test_under_test_a_redis_failure_raises(capture, client):
    need_redis(server=False)
    import redis

    watched = capture.monitor(
        client, limits=[UsageLimit("requests", 1, "day")], limits_store=closed_port()
    )
    assert isinstance(raised_by_transport(lambda: chat(watched)), redis.ConnectionError)


# --- configuration -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("redis://", "names no host"),
        ("redis://:6379/0", "names no host"),
        ("redis://localhost:port/0", "not a valid Redis URL"),
        ("redis://localhost:99999/0", "not a valid Redis URL"),
        ("redis://localhost:0/0", "has port 0"),
        ("redis://localhost/zero", "the database must be a number, not 'zero'"),
        ("redis://localhost/0?sockettimeout=1", "query option redis-py does not know"),
        ("redis://localhost/0?socket_timeout=soon", "Invalid value for .socket_timeout."),
        ("rediss://localhost/0?ssl_cert_reqs=maybe", "Certificate Requirements"),
        ("redis://user:hunter2@localhost/x", r"'redis://user:\*\*\*@localhost/x'"),
    ],
)
def test_bad_redis_urls_are_configuration_errors(client, url, message):
    need_redis(server=False)
    limits = [UsageLimit("requests", 1, "day")]
    with pytest.raises(ConfigurationError, match=message) as caught:
        monitor(client, limits=limits, limits_store=url)
    assert "hunter2" not in str(caught.value)


def test_a_bad_url_in_the_environment_names_the_variable(client, monkeypatch):
    need_redis(server=False)
    monkeypatch.setenv("PRYSM_USAGE_LIMITS", '[{"metric": "requests", "limit": 1, "window": 60}]')
    monkeypatch.setenv("PRYSM_USAGE_LIMITS_STORE", "rediss://:pw@cache.internal:6380/nine")
    with pytest.raises(ConfigurationError, match="PRYSM_USAGE_LIMITS_STORE: usage limit store"):
        monitor(client)


def test_urls_options_and_prefixes(client):
    need_redis(server=False)
    limits = [UsageLimit("requests", 1, "day")]
    watched = monitor(
        client,
        limits=limits,
        limits_store="REDISS://:pw@cache.internal:6380/2?prefix=shop:&socket_timeout=0.5",
    )
    store = enforcer(watched).store
    assert isinstance(store, RedisCounterStore)
    assert store.prefix == "shop:"
    assert repr(store) == (
        "RedisCounterStore('rediss://:***@cache.internal:6380/2?prefix=shop:&socket_timeout=0.5')"
    )
    options = store.client.connection_pool.connection_kwargs
    assert (options["host"], options["port"], options["db"]) == ("cache.internal", 6380, 2)
    assert options["password"] == "pw"
    assert options["socket_timeout"] == 0.5  # the URL's own option wins
    assert options["socket_connect_timeout"] == 0.25
    assert "prefix" not in options
    default = RedisCounterStore("redis://localhost", prefix="mine:", timeout_s=0.1)
    assert default.prefix == "mine:"
    assert default.client.connection_pool.connection_kwargs["socket_timeout"] == 0.1
    assert RedisCounterStore("redis://localhost").prefix == "prysmai:limit:"
    with pytest.raises(ConfigurationError, match="takes a redis:// or rediss:// URL"):
        RedisCounterStore(6379)


def test_without_the_redis_package_a_redis_url_is_a_clear_error(client, monkeypatch):
    monkeypatch.setitem(sys.modules, "redis", None)  # "import redis" raises ImportError
    with pytest.raises(ConfigurationError, match=r"pip install 'prysmai\[redis\]'"):
        monitor(client, limits=[UsageLimit("requests", 1, "day")], limits_store="redis://h/0")
    with pytest.raises(ConfigurationError, match="needs the redis package"):
        RedisCounterStore("redis://h/0")
    # The other stores do not need it.
    watched = monitor(client, limits=[UsageLimit("requests", 1, "day")], limits_store="memory")
    assert recorder_of(watched) is not None


def test_a_lone_surrogate_in_a_user_id_cannot_escape_redis_limits(
    capture, client, server, redis_server
):
    evil = json.loads('"evil\\ud800"')
    watched = capture.monitor(
        client,
        limits=[UsageLimit("requests", 2, "day"), UsageLimit("requests", 1, "day", scope="user")],
        limits_store=redis_server.url,
    )
    with prysm_context(user_id=evil):
        chat(watched)
        with pytest.raises(openai.RateLimitError) as by_user:
            chat(watched)
    with prysm_context(session_id="s\udfff"):
        chat(watched)
        with pytest.raises(openai.RateLimitError) as by_global:
            chat(watched)

    assert by_user.value.body["usage_limit"]["scope_value"] == "evil\ufffd"
    assert by_global.value.body["usage_limit"]["scope"] == "global"
    assert len(server.requests) == 2
    start = window_start(UsageLimit("requests", 1, "day"), time.time())
    assert keys_and_values(redis_server)[f"prysmai:limit:requests/day/user|{start}|evil\ufffd"] == 1
