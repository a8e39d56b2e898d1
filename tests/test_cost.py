from __future__ import annotations

import json
import logging
import re
import socket
import threading
from pathlib import Path
from typing import Any

import genai_prices
import pytest
from genai_prices.data_snapshot import DataSnapshot, set_custom_snapshot

from prysmai import cost
from prysmai.cost import (
    PRICING_FILE_ENV,
    CallCost,
    PriceBook,
    TokenUsage,
    default_price_book,
    unknown_model_lookups,
)
from prysmai.errors import ConfigurationError

# The product's price list, USD per 1M input / output tokens, and where each price comes from.
PRICE_LIST = [
    ("openai", "gpt-4o", 2.50, 10.00, "genai-prices"),
    ("openai", "gpt-4o-mini", 0.15, 0.60, "genai-prices"),
    ("openai", "gpt-4-turbo", 10.0, 30.0, "genai-prices"),
    ("openai", "o1", 15.0, 60.0, "genai-prices"),
    ("openai", "o3-mini", 1.10, 4.40, "genai-prices"),
    ("openai", "text-embedding-3-small", 0.02, 0.0, "prysm-table"),
    ("openai", "text-embedding-3-large", 0.13, 0.0, "prysm-table"),
    ("anthropic", "claude-3-5-sonnet", 3.0, 15.0, "genai-prices"),
    ("anthropic", "claude-3-5-haiku", 0.80, 4.0, "genai-prices"),
    ("anthropic", "claude-3-opus", 15.0, 75.0, "genai-prices"),
    ("gcp.gemini", "gemini-2.5-pro", 1.25, 10.0, "genai-prices"),
    ("gcp.gemini", "gemini-2.5-flash", 0.30, 2.50, "genai-prices"),
    ("gcp.gemini", "gemini-2.5-flash-lite", 0.10, 0.40, "genai-prices"),
    ("gcp.gemini", "gemini-2.0-flash", 0.10, 0.40, "genai-prices"),
    ("gcp.gemini", "gemini-2.0-flash-lite", 0.075, 0.30, "genai-prices"),
    ("gcp.gemini", "gemini-1.5-pro", 1.25, 5.0, "genai-prices"),
    ("gcp.gemini", "gemini-1.5-flash", 0.075, 0.30, "genai-prices"),
]


@pytest.fixture
def book() -> PriceBook:
    return PriceBook()


def amounts_usd(result: CallCost | None) -> tuple[float, float, float]:
    assert result is not None
    return (result.total_usd, result.input_usd, result.output_usd)


def rates_per_mtok(
    result: CallCost | None, input_tokens: int, output_tokens: int
) -> tuple[float, float]:
    assert result is not None
    return (
        result.input_usd * 1_000_000 / input_tokens,
        result.output_usd * 1_000_000 / output_tokens,
    )


@pytest.mark.parametrize(
    ("provider", "model", "input_rate", "output_rate", "source"),
    [pytest.param(*row, id=row[1]) for row in PRICE_LIST],
)
def test_price_list_models_price_exactly(
    book: PriceBook, provider: str, model: str, input_rate: float, output_rate: float, source: str
) -> None:
    """1M output tokens after a 100k-token prompt: under every Gemini long-prompt tier."""
    result = book.cost(provider, model, TokenUsage(input_tokens=100_000, output_tokens=1_000_000))

    assert result is not None
    assert result.input_usd == pytest.approx(input_rate / 10, rel=1e-9)
    assert result.output_usd == pytest.approx(output_rate, rel=1e-9)
    assert result.total_usd == pytest.approx(input_rate / 10 + output_rate, rel=1e-9)
    assert result.source == source


@pytest.mark.parametrize(
    ("model", "prompt_tokens", "input_rate", "output_rate"),
    [
        pytest.param("gemini-2.5-pro", 1_000_000, 2.50, 15.0, id="gemini-2.5-pro-over-200k"),
        pytest.param("gemini-2.5-pro", 200_000, 1.25, 10.0, id="gemini-2.5-pro-at-200k"),
        pytest.param("gemini-1.5-pro", 1_000_000, 2.50, 10.0, id="gemini-1.5-pro-over-128k"),
        pytest.param("gemini-1.5-flash", 1_000_000, 0.15, 0.60, id="gemini-1.5-flash-over-128k"),
    ],
)
def test_gemini_long_prompts_use_the_upper_tier(
    book: PriceBook, model: str, prompt_tokens: int, input_rate: float, output_rate: float
) -> None:
    usage = TokenUsage(input_tokens=prompt_tokens, output_tokens=1_000_000)

    result = book.cost("gcp.gemini", model, usage)

    assert rates_per_mtok(result, prompt_tokens, 1_000_000) == pytest.approx(
        (input_rate, output_rate), rel=1e-9
    )


@pytest.mark.parametrize(
    ("provider", "model", "input_rate", "output_rate"),
    [
        pytest.param("openai", "gpt-4o-mini-2024-07-18", 0.15, 0.60, id="gpt-4o-mini-dated"),
        pytest.param("openai", "gpt-4o-2024-08-06", 2.50, 10.0, id="gpt-4o-dated"),
        pytest.param("openai", "o1-2024-12-17", 15.0, 60.0, id="o1-dated"),
        pytest.param("openai", "o3-mini-2025-01-31", 1.10, 4.40, id="o3-mini-dated"),
        pytest.param("openai", "gpt-4-turbo-2024-04-09", 10.0, 30.0, id="gpt-4-turbo-dated"),
        pytest.param("anthropic", "claude-3-5-sonnet-20241022", 3.0, 15.0, id="sonnet-dated"),
        pytest.param("anthropic", "claude-3-5-sonnet-latest", 3.0, 15.0, id="sonnet-latest"),
        pytest.param("anthropic", "claude-3-5-haiku-20241022", 0.80, 4.0, id="haiku-dated"),
        pytest.param("anthropic", "claude-3-5-haiku-latest", 0.80, 4.0, id="haiku-latest"),
        pytest.param("anthropic", "claude-3-opus-20240229", 15.0, 75.0, id="opus-dated"),
        pytest.param("gcp.gemini", "gemini-1.5-pro-002", 1.25, 5.0, id="gemini-1.5-pro-002"),
        pytest.param("gcp.gemini", "gemini-2.0-flash-001", 0.10, 0.40, id="gemini-2.0-flash-001"),
        pytest.param("gcp.gemini", "gemini-1.5-flash-8b-001", 0.0375, 0.15, id="flash-8b-001"),
    ],
)
def test_dated_ids_price_as_their_own_model(
    book: PriceBook, provider: str, model: str, input_rate: float, output_rate: float
) -> None:
    result = book.cost(provider, model, TokenUsage(input_tokens=100_000, output_tokens=100_000))

    assert rates_per_mtok(result, 100_000, 100_000) == pytest.approx(
        (input_rate, output_rate), rel=1e-9
    )


@pytest.mark.parametrize(
    ("provider", "model", "input_rate"),
    [
        pytest.param("openai", "openai/gpt-4o", 2.50, id="openai-prefix"),
        pytest.param("litellm", "openai/gpt-4o-mini", 0.15, id="gateway-prefix"),
        pytest.param("gcp.gemini", "models/gemini-1.5-pro", 1.25, id="gemini-models-prefix"),
        pytest.param("vllm", "anthropic/claude-3-5-sonnet-20241022", 3.0, id="unknown-provider"),
        pytest.param("azure.ai.openai", "gpt-4o", 2.50, id="azure"),
        pytest.param("gemini", "gemini-2.0-flash", 0.10, id="gemini-alias"),
        pytest.param("ollama", "text-embedding-3-small", 0.02, id="embedding-elsewhere"),
        pytest.param("openai", "claude-3-5-haiku", 0.80, id="model-of-another-provider"),
        pytest.param(
            "bedrock", "anthropic.claude-3-5-sonnet-20241022-v2:0", 3.0, id="provider-alias"
        ),
    ],
)
def test_prefixed_ids_and_other_providers_resolve(
    book: PriceBook, provider: str, model: str, input_rate: float
) -> None:
    result = book.cost(provider, model, TokenUsage(input_tokens=100_000))

    assert result is not None
    assert result.input_usd == pytest.approx(input_rate / 10, rel=1e-9)


def test_openai_cached_tokens_are_billed_at_the_cached_rate(book: PriceBook) -> None:
    usage = TokenUsage(input_tokens=1000, cache_read_tokens=400, output_tokens=10)

    result = book.cost("openai", "gpt-4o", usage)

    assert result is not None
    assert result.input_usd == pytest.approx(600 * 2.5e-6 + 400 * 1.25e-6, rel=1e-9)
    assert result.output_usd == pytest.approx(10 * 10e-6, rel=1e-9)


@pytest.mark.parametrize(
    ("provider", "model"),
    [
        pytest.param("anthropic", "claude-3-5-sonnet-20241022", id="anthropic"),
        pytest.param("aws.bedrock", "anthropic.claude-3-5-sonnet-20241022-v2:0", id="bedrock"),
        pytest.param("gcp.vertex_ai", "claude-3-5-sonnet-v2@20241022", id="vertex"),
    ],
)
def test_anthropic_cache_reads_and_writes_are_billed_on_top_of_input(
    book: PriceBook, provider: str, model: str
) -> None:
    usage = TokenUsage(
        input_tokens=100, cache_read_tokens=1000, cache_write_tokens=500, output_tokens=200
    )

    result = book.cost(provider, model, usage)

    expected_input = 100 * 3e-6 + 1000 * 0.3e-6 + 500 * 3.75e-6
    assert result is not None
    assert result.input_usd == pytest.approx(expected_input, rel=1e-9)
    assert result.output_usd == pytest.approx(200 * 15e-6, rel=1e-9)
    assert result.total_usd == pytest.approx(expected_input + 200 * 15e-6, rel=1e-9)


@pytest.mark.parametrize("provider", ["gcp.gemini", "gcp.vertex_ai"])
def test_gemini_cached_tokens_count_inside_the_prompt(book: PriceBook, provider: str) -> None:
    usage = TokenUsage(input_tokens=10_000, cache_read_tokens=4000)

    result = book.cost(provider, "gemini-2.5-pro", usage)

    assert result is not None
    assert result.input_usd == pytest.approx(6000 * 1.25e-6 + 4000 * 0.125e-6, rel=1e-9)


def test_reasoning_tokens_are_billed_once_at_the_output_rate(book: PriceBook) -> None:
    usage = TokenUsage(input_tokens=0, output_tokens=1000, reasoning_tokens=800)

    result = book.cost("openai", "o1", usage)

    assert result is not None
    assert result.output_usd == pytest.approx(1000 * 60e-6, rel=1e-9)


def test_more_cached_than_prompt_tokens_never_goes_negative(book: PriceBook) -> None:
    result = book.cost("openai", "gpt-4o", TokenUsage(input_tokens=100, cache_read_tokens=400))

    assert result is not None
    assert result.input_usd == pytest.approx(400 * 1.25e-6, rel=1e-9)


def test_zero_usage_costs_zero_not_none(book: PriceBook) -> None:
    result = book.cost("openai", "gpt-4o", TokenUsage())

    assert result == CallCost(0.0, 0.0, 0.0, "genai-prices")


def test_unknown_model_gets_no_cost_and_is_counted(
    book: PriceBook, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(cost, "_UNKNOWN_MODELS", cost._UnknownModelLog(warning_limit=100))
    before = unknown_model_lookups()
    caplog.set_level(logging.WARNING, logger="prysmai.cost")

    first = book.cost("ollama", "llama3.1:8b-unknown-a", TokenUsage(input_tokens=10))
    second = book.cost("ollama", "llama3.1:8b-unknown-a", TokenUsage(input_tokens=10))

    assert (first, second) == (None, None)
    assert book.unknown_model_count == 2
    assert unknown_model_lookups() - before == 2
    assert [r.getMessage() for r in caplog.records] == [
        "No price for model 'llama3.1:8b-unknown-a' from provider 'ollama'; its calls are "
        "recorded without a cost. Add it with monitor(..., pricing=...) or PRYSM_PRICING_FILE."
    ]


@pytest.mark.parametrize("model", [None, "", "   "], ids=["none", "empty", "blank"])
def test_missing_model_name_gets_no_cost(book: PriceBook, model: str | None) -> None:
    result = book.cost("openai", model, TokenUsage(input_tokens=10))

    assert result is None
    assert book.unknown_model_count == 1


def test_unknown_model_warnings_stop_at_the_limit(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(cost, "_UNKNOWN_MODELS", cost._UnknownModelLog(warning_limit=2))
    caplog.set_level(logging.WARNING, logger="prysmai.cost")
    book = PriceBook()

    for name in ["unknown-a", "unknown-b", "unknown-c", "unknown-a"]:
        book.cost("vllm", name, TokenUsage())

    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3
    assert "'unknown-a'" in messages[0]
    assert "'unknown-b'" in messages[1]
    assert messages[2] == "Warned about 2 unpriced models; further ones are counted but not logged."
    assert unknown_model_lookups() == 4


def test_user_prices_win_over_every_other_source() -> None:
    book = PriceBook(
        {
            "gpt-4o": {"input": 1.0, "output": 2.0, "cached_input": 0.5},
            "text-embedding-3-small": {"input": 0.5, "output": 0},
            "my-private-model": {"input": 3.0, "output": 4.0, "cache_write": 6.0},
        }
    )
    usage = TokenUsage(input_tokens=1000, cache_read_tokens=400, output_tokens=100)

    dated = book.cost("openai", "gpt-4o-2024-08-06", usage)
    embedding = book.cost("openai", "text-embedding-3-small", TokenUsage(input_tokens=1000))
    private = book.cost(
        "vllm", "My-Private-Model", TokenUsage(input_tokens=100, cache_write_tokens=50)
    )

    assert amounts_usd(dated) == pytest.approx((1000e-6, 800e-6, 200e-6), rel=1e-9)
    assert amounts_usd(embedding) == pytest.approx((500e-6, 500e-6, 0.0), rel=1e-9)
    assert [r.source for r in (dated, embedding, private) if r is not None] == ["user"] * 3
    assert private is not None
    assert private.input_usd == pytest.approx(50 * 3e-6 + 50 * 6e-6, rel=1e-9)


def test_user_price_for_gpt_4o_leaves_gpt_4o_mini_alone() -> None:
    book = PriceBook({"gpt-4o": {"input": 1.0, "output": 2.0}})

    result = book.cost("openai", "gpt-4o-mini-2024-07-18", TokenUsage(input_tokens=1_000_000))

    assert result is not None
    assert result.input_usd == pytest.approx(0.15, rel=1e-9)
    assert result.source == "genai-prices"


def test_cached_and_cache_write_rates_default_to_the_input_rate() -> None:
    book = PriceBook({"flat": {"input": 2.0, "output": 0.0}})
    usage = TokenUsage(input_tokens=1000, cache_read_tokens=300, cache_write_tokens=200)

    result = book.cost("openai", "flat", usage)

    assert result is not None
    assert result.input_usd == pytest.approx(1000 * 2e-6, rel=1e-9)


def write_json(path: Path, content: Any) -> Path:
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def test_pricing_file_loads(tmp_path: Path) -> None:
    path = write_json(tmp_path / "prices.json", {"house-model": {"input": 1.5, "output": 3.0}})

    result = PriceBook(path).cost("vllm", "house-model", TokenUsage(1_000_000, 1_000_000))

    assert amounts_usd(result) == pytest.approx((4.5, 1.5, 3.0), rel=1e-9)
    assert result is not None
    assert result.source == "user"


def test_default_price_book_reads_the_pricing_file_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_json(tmp_path / "prices.json", {"gpt-4o": {"input": 7.0, "output": 8.0}})
    monkeypatch.setenv(PRICING_FILE_ENV, str(path))

    result = default_price_book().cost("openai", "gpt-4o", TokenUsage(input_tokens=1_000_000))

    assert result is not None
    assert result.input_usd == pytest.approx(7.0, rel=1e-9)
    assert result.source == "user"


def test_default_price_book_is_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PRICING_FILE_ENV, raising=False)

    assert default_price_book() is default_price_book()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        pytest.param("{not json", "is not valid JSON: Expecting property name", id="bad-json"),
        pytest.param("[]", "expected an object mapping model names to prices, got list", id="list"),
        pytest.param('{"m": 2.5}', "model 'm': expected an object like", id="entry-not-object"),
        pytest.param('{"m": {"input": 1}}', "model 'm': missing ['output']", id="missing-output"),
        pytest.param(
            '{"m": {"input": 1, "ouput": 2}}', "model 'm': unknown price keys ['ouput']", id="typo"
        ),
        pytest.param(
            '{"m": {"input": -1, "output": 2}}',
            "model 'm': 'input' must be a non-negative number of USD per 1M tokens, got -1.",
            id="negative",
        ),
        pytest.param(
            '{"m": {"input": "2.5", "output": 2}}', "'input' must be a non-negative", id="string"
        ),
        pytest.param('{"m": {"input": true, "output": 2}}', "got True", id="bool"),
        pytest.param('{"m": {"input": NaN, "output": 2}}', "got nan", id="nan"),
        pytest.param('{"": {"input": 1, "output": 2}}', "model names must be non-empty", id="name"),
    ],
)
def test_malformed_pricing_file_error_names_file_and_problem(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "prices.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(ConfigurationError) as raised:
        PriceBook(path)

    message = str(raised.value)
    assert message.startswith(f"Pricing file {str(path)!r}")
    assert problem in message


def test_pricing_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    path.write_bytes(b'{"m\xff": {}}')

    with pytest.raises(ConfigurationError) as raised:
        PriceBook(str(path))

    assert str(raised.value) == f"Pricing file {str(path)!r} is not UTF-8 text: invalid start byte."


def test_missing_pricing_file_from_env_says_how_to_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "absent.json"
    monkeypatch.setenv(PRICING_FILE_ENV, str(path))

    with pytest.raises(ConfigurationError, match=re.escape("Fix the file or unset")) as raised:
        default_price_book()

    expected = (
        f"Pricing file {str(path)!r} cannot be read: No such file or directory. "
        "Fix the file or unset PRYSM_PRICING_FILE."
    )
    assert str(raised.value) == expected


def test_bad_user_prices_mapping_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=re.escape("user_prices, model 'm': missing ['input']")):
        PriceBook({"m": {"output": 1.0}})


def test_user_prices_of_the_wrong_type_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="got list"):
        PriceBook([("m", 1.0)])  # type: ignore[arg-type]


def test_pricing_uses_no_network_and_starts_no_price_update(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("pricing tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    cost._genai_providers.cache_clear()
    cost._prysm_table.cache_clear()
    book = PriceBook()

    results = [
        book.cost(provider, model, TokenUsage(1000, 1000)) for provider, model, *_ in PRICE_LIST
    ]

    assert None not in results
    assert genai_prices.wait_prices_updated_sync(timeout=0) is False
    assert [t.name for t in threading.enumerate() if t.name.startswith("genai_prices")] == []


def test_prices_ignore_a_snapshot_fetched_by_other_code(book: PriceBook) -> None:
    """Other code may run genai_prices.UpdatePrices; prysmai keeps the bundled prices."""
    set_custom_snapshot(DataSnapshot(providers=[], from_auto_update=True))
    try:
        with pytest.raises(LookupError):
            genai_prices.calc_price(genai_prices.Usage(input_tokens=1), "gpt-4o")
        result = book.cost("openai", "gpt-4o", TokenUsage(input_tokens=1_000_000))
    finally:
        set_custom_snapshot(None)

    assert result is not None
    assert result.input_usd == pytest.approx(2.5)


def test_model_resolution_is_cached_per_provider_and_model(book: PriceBook) -> None:
    for _ in range(3):
        book.cost("openai", "gpt-4o", TokenUsage(input_tokens=1))
    book.cost("azure.ai.openai", "gpt-4o", TokenUsage(input_tokens=1))

    info = book._resolve.cache_info()

    assert (info.hits, info.misses, info.maxsize) == (2, 2, 1024)


USAGES = [
    cost._Counts(
        input_tokens=1234,
        cache_read_tokens=0,
        cache_write_tokens=0,
        output_tokens=567,
        reasoning_tokens=0,
    ),
    cost._Counts(
        input_tokens=50_000,
        cache_read_tokens=20_000,
        cache_write_tokens=5_000,
        output_tokens=3_000,
        reasoning_tokens=1_000,
    ),
]


def test_flat_rate_shortcut_agrees_with_genai_prices_on_every_model() -> None:
    """The arithmetic shortcut for flat-priced models must equal genai-prices' own result."""
    providers = cost._genai_providers()
    checked = 0

    for provider in providers:
        for model in provider.models:
            shortcut = cost._genai_price(provider, model)
            if not isinstance(shortcut, cost._Rates):
                continue
            reference = cost._GenaiModel(provider, model)
            for counts in USAGES:
                expected = reference.price(counts)
                actual = shortcut.price(counts)
                assert amounts_usd(actual) == pytest.approx(
                    amounts_usd(expected), rel=1e-9, abs=1e-15
                ), f"{provider.id}/{model.id}"
                assert actual.source == expected.source
            checked += 1

    assert checked > 1000
