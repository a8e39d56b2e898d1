"""Usage limits from code and from the environment; every bad value is a clear error."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest

from prysmai import ConfigurationError, PrysmClient, UsageLimit, monitor
from prysmai.limits import MemoryCounterStore, SqliteCounterStore
from prysmai.monitor import recorder_of

HELLO = [{"role": "user", "content": "Say hello"}]


def limits_of(client: Any) -> Any:
    recorder = recorder_of(client)
    assert recorder is not None
    return recorder.limits


def test_mappings_take_camel_and_snake_case_and_aliases():
    limits = [
        UsageLimit.from_mapping({"metric": "costUsd", "limit": 2.5, "window": "month"}),
        UsageLimit.from_mapping({"metric": "tokens", "limit": 1e6, "windowSeconds": 3600}),
        UsageLimit.from_mapping(
            {"metric": "requests", "limit": 10.0, "window_seconds": "90", "scope": "user"}
        ),
    ]
    assert [limit.to_mapping() for limit in limits] == [
        {"metric": "cost_usd", "limit": 2.5, "window": "month", "scope": "global"},
        {"metric": "tokens", "limit": 1_000_000, "window": 3600, "scope": "global"},
        {"metric": "requests", "limit": 10, "window": 90, "scope": "user"},
    ]
    assert limits[1].name == "tokens/3600/global"
    assert isinstance(limits[1].limit, int)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"metric": "calls", "limit": 1, "window": "day"}, "metric must be one of requests"),
        ({"metric": "requests", "limit": -1, "window": "day"}, "finite number >= 0"),
        ({"metric": "requests", "limit": True, "window": "day"}, "finite number >= 0"),
        ({"metric": "requests", "limit": float("nan"), "window": "day"}, "finite number >= 0"),
        ({"metric": "requests", "limit": "5", "window": "day"}, "finite number >= 0"),
        ({"metric": "requests", "limit": 1, "window": "week"}, "window must be minute, hour"),
        ({"metric": "requests", "limit": 1, "window": 0}, "whole number of seconds >= 1"),
        ({"metric": "requests", "limit": 1, "window": 1.5}, "whole number of seconds >= 1"),
        ({"metric": "requests", "limit": 1, "window": "day", "scope": "team"}, "scope must be"),
        ({"metric": "requests", "limit": 1, "window": "day", "per": "user"}, "unknown usage"),
        ({"metric": "requests", "limit": 1}, "lacks window"),
        ({"metric": "requests", "limit": 1, "window": "day", "windowSeconds": 5}, "not both"),
    ],
)
def test_bad_limits_are_refused_with_a_clear_message(values, message):
    with pytest.raises(ConfigurationError, match=message):
        UsageLimit.from_mapping(values)


def test_bad_arguments_to_monitor(client):
    with pytest.raises(ConfigurationError, match="list of UsageLimit"):
        monitor(client, limits={"metric": "requests", "limit": 1, "window": "day"})
    with pytest.raises(ConfigurationError, match="must be a mapping or a UsageLimit"):
        monitor(client, limits=["requests"])
    with pytest.raises(ConfigurationError, match="is not 'memory', 'sqlite:///PATH', 'redis:"):
        monitor(client, limits=[UsageLimit("requests", 1, "day")], limits_store="memcached://x")
    with pytest.raises(ConfigurationError, match=r"'mysql://app:\*\*\*@db/x' is not"):
        monitor(
            client, limits=[UsageLimit("requests", 1, "day")], limits_store="mysql://app:pw@db/x"
        )
    with pytest.raises(ConfigurationError, match="limits_store must be"):
        monitor(client, limits=[UsageLimit("requests", 1, "day")], limits_store=42)


def test_limits_and_store_from_the_environment(client, monkeypatch, tmp_path):
    path = tmp_path / "counters.db"
    monkeypatch.setenv(
        "PRYSM_USAGE_LIMITS",
        json.dumps([{"metric": "requests", "limit": 1, "window": "day", "scope": "session"}]),
    )
    monkeypatch.setenv("PRYSM_USAGE_LIMITS_STORE", f"sqlite:///{path}")
    watched = monitor(client)
    limits = limits_of(watched)
    assert limits.limits == (UsageLimit("requests", 1, "day", "session"),)
    assert isinstance(limits.store, SqliteCounterStore)
    assert limits.store.path == path
    # An explicit empty list wins over the environment.
    assert limits_of(monitor(client, limits=[])) is None


def test_one_object_in_the_environment_is_one_limit(client, monkeypatch):
    monkeypatch.setenv("PRYSM_USAGE_LIMITS", '{"metric": "tokens", "limit": 5, "window": 60}')
    limits = limits_of(monitor(client))
    assert limits.limits == (UsageLimit("tokens", 5, 60),)
    assert isinstance(limits.store, MemoryCounterStore)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PRYSM_USAGE_LIMITS", "[{metric: requests}]", "PRYSM_USAGE_LIMITS is not valid JSON"),
        ("PRYSM_USAGE_LIMITS", '"requests"', "must hold a JSON list"),
        (
            "PRYSM_USAGE_LIMITS",
            '[{"metric": "requests", "limit": 1, "window": "fortnight"}]',
            "PRYSM_USAGE_LIMITS: usage limit window",
        ),
        ("PRYSM_USAGE_LIMITS_STORE", "mysql://db", "PRYSM_USAGE_LIMITS_STORE: usage limit"),
        ("PRYSM_USAGE_LIMITS_STORE", "sqlite:///", "PRYSM_USAGE_LIMITS_STORE: usage limit"),
    ],
)
def test_bad_environment_settings_name_the_variable(client, monkeypatch, variable, value, message):
    monkeypatch.setenv("PRYSM_USAGE_LIMITS", '[{"metric": "requests", "limit": 1, "window": 60}]')
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=message):
        monitor(client)


def test_the_store_setting_is_unused_without_limits(client, monkeypatch):
    monkeypatch.setenv("PRYSM_USAGE_LIMITS_STORE", "not a store")  # unused without limits
    assert limits_of(monitor(client)) is None


def test_prysm_client_reads_limits_from_the_environment(monkeypatch, server):
    monkeypatch.setenv("PRYSM_USAGE_LIMITS", '[{"metric": "requests", "limit": 0, "window": 60}]')
    prysm = PrysmClient(provider=server.base_url, api_key="k")
    with prysm.openai(max_retries=0) as client, pytest.raises(openai.RateLimitError):
        client.chat.completions.create(model="gpt-4o-mini", messages=HELLO)
    assert server.requests == []


@pytest.mark.parametrize(
    ("now", "window", "bounds"),
    [
        (1_700_000_010.0, "minute", (1_699_999_980.0, 1_700_000_040.0)),
        (1_700_000_010.0, "hour", (1_699_999_200.0, 1_700_002_800.0)),
        (1_700_000_010.0, "day", (1_699_920_000.0, 1_700_006_400.0)),  # 2023-11-14 UTC
        (1_700_000_010.0, 45, (1_700_000_010.0, 1_700_000_055.0)),  # 45 x 37_777_778
        (1_700_000_054.9, 45, (1_700_000_010.0, 1_700_000_055.0)),
        (1_701_388_799.0, "month", (1_698_796_800.0, 1_701_388_800.0)),  # last second of Nov
        (1_703_980_800.0, "month", (1_701_388_800.0, 1_704_067_200.0)),  # Dec 31 -> Jan 1
    ],
)
def test_window_bounds(now, window, bounds):
    assert UsageLimit("requests", 1, window).window_bounds(now) == bounds


# --- values that used to escape as plain Python errors -----------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"metric": "requests", "limit": 10**400, "window": "minute"}, "finite number >= 0"),
        ({"metric": "requests", "limit": 1, "window": 10**400}, "at most 100 years"),
        ({"metric": "requests", "limit": 0, "window": 10**12}, "at most 100 years"),
        ({"metric": "requests", "limit": 0, "window": 3_155_760_001}, "at most 100 years"),
        ({"metric": "requests", "limit": 1, "window": "²"}, "whole number of seconds >= 1"),
        ({"metric": "requests", "limit": 1, "window": "١٢"}, "whole number of seconds >= 1"),
        ({"metric": "requests", "limit": 1, "window": "６０"}, "whole number of seconds >= 1"),
        ({"metric": "requests", "limit": 1, "window": "١h"}, "whole number of seconds >= 1"),
        ({"metric": "requests", "limit": 1, "window": "9" * 5000}, "whole number of seconds"),
        ({"metric": "requests", "limit": 1, "window": "1.5s"}, "whole number of seconds >= 1"),
        ({"metric": "requests", "limit": 1, "window": "0s"}, "whole number of seconds >= 1"),
        ({"metric": "requests", "limit": 1, "window": "101000d"}, "at most 100 years"),
        (
            {"metric": "requests", "limit": 1, "window_seconds": 60, "windowSeconds": 60},
            "window_seconds or windowSeconds, not both",
        ),
    ],
)
def test_extreme_values_are_configuration_errors(values, message):
    with pytest.raises(ConfigurationError, match=message) as caught:
        UsageLimit.from_mapping(values)
    assert len(str(caught.value)) < 400  # a huge value is not copied whole into the message


def test_a_window_of_at_most_100_years_is_accepted():
    assert UsageLimit("requests", 0, 3_155_760_000).window == 3_155_760_000
    with pytest.raises(ConfigurationError, match="at most 100 years"):
        UsageLimit("requests", 0, 10**12)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[" * 50_000, "nested too deeply"),
        ('[{"metric": "requests", "limit": 1, "limit": 100, "window": "day"}]', "'limit' twice"),
        ('[{"metric": "requests", "limit": 1, "window": 60, "windowSeconds": 60}]', "not both"),
        ('[{"metric": "requests", "limit": 1, "window": "²"}]', "whole number of seconds"),
    ],
)
def test_bad_json_in_the_environment_is_a_configuration_error(client, monkeypatch, value, message):
    monkeypatch.setenv("PRYSM_USAGE_LIMITS", value)
    with pytest.raises(ConfigurationError, match=message) as caught:
        monitor(client)
    assert str(caught.value).startswith("PRYSM_USAGE_LIMITS")


# --- windows written as durations --------------------------------------------------------------


@pytest.mark.parametrize(
    ("window", "seconds"),
    [("30s", 30), ("5m", 300), ("1h", 3600), ("1h30m", 5400), ("1d", 86_400), (" 2H ", 7200)],
)
def test_a_window_may_be_a_duration(window, seconds):
    limit = UsageLimit.from_mapping({"metric": "requests", "limit": 5, "window": window})
    assert limit.window == seconds
    assert limit.name == f"requests/{seconds}/global"


def test_duration_windows_are_epoch_aligned_like_hour_and_day():
    now = 1_700_000_010.0
    assert UsageLimit("requests", 1, "1h").window_bounds(now) == UsageLimit(
        "requests", 1, "hour"
    ).window_bounds(now)
    assert UsageLimit("requests", 1, "1d").window_bounds(now) == UsageLimit(
        "requests", 1, "day"
    ).window_bounds(now)


def test_a_duration_window_from_the_environment_refuses_through_the_sdk(
    client, server, monkeypatch
):
    monkeypatch.setenv(
        "PRYSM_USAGE_LIMITS", '[{"metric": "requests", "limit": 1, "window": "1h30m"}]'
    )
    watched = monitor(client)
    watched.chat.completions.create(model="gpt-4o-mini", messages=HELLO)
    with pytest.raises(openai.RateLimitError) as caught:
        watched.chat.completions.create(model="gpt-4o-mini", messages=HELLO)
    assert caught.value.body["usage_limit"]["window"] == 5400
    assert "per 5400 s" in caught.value.message
    assert len(server.requests) == 1
