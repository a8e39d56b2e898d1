"""The cost of an LLM call in USD, from the token usage the provider reports.

Prices come from three places; the first that knows the model wins:

1. user prices, given to :class:`PriceBook` or read from the file named by ``PRYSM_PRICING_FILE``;
2. prysmai's own small table (``prysmai/data/prices.json``), for what genai-prices lacks or
   gets wrong;
3. the data bundled in the pinned ``genai-prices`` wheel.

genai-prices can refresh its prices from the network (``genai_prices.UpdatePrices``). prysmai
never starts that and reads the bundled ``genai_prices.data.providers`` directly, so a refresh
started by other code in the process does not change prysmai's prices either.

Limitations:
    Anthropic 1-hour cache writes are priced at the 5-minute write rate, because
    :class:`TokenUsage` has a single cache-write count. Batch, flex and priority tiers are priced
    at the standard rate. Azure deployments are looked up by their deployment name, so one named
    differently from its model gets no cost. Models served by Ollama, vLLM or other
    OpenAI-compatible servers are priced by name only, at the hosted rate when one exists.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Final

from prysmai.errors import ConfigurationError

if TYPE_CHECKING:
    from genai_prices.types import ModelInfo, Provider

logger = logging.getLogger(__name__)

PRICING_FILE_ENV: Final = "PRYSM_PRICING_FILE"
"""Path of a JSON file of user prices, read by :func:`default_price_book`.

The file maps model names to USD per 1M tokens, for example
``{"my-model": {"input": 2.5, "output": 10.0, "cached_input": 1.25, "cache_write": 3.75}}``.
``input`` and ``output`` are required; cached reads and cache writes default to the input rate.
"""

SOURCE_USER: Final = "user"
SOURCE_COLLECTOR: Final = "collector"
"""Priced by ``prysmai serve`` from the prices set in the collector (``prysmai prices``)."""
SOURCE_PRYSM_TABLE: Final = "prysm-table"
SOURCE_GENAI_PRICES: Final = "genai-prices"

_TOKENS_PER_PRICE_UNIT: Final = 1_000_000
_RESOLVE_CACHE_SIZE: Final = 1024
_UNKNOWN_WARNING_LIMIT: Final = 100
_LOGGED_MODEL_CHARS: Final = 200
_RATE_KEYS: Final = ("input", "output", "cached_input", "cache_write")

# Anthropic's input_tokens leaves out cache reads and writes, also through the Anthropic SDK's
# Bedrock and Vertex clients (and Bedrock's Converse API); OpenAI and Gemini count cached tokens
# inside the prompt total.
_CACHE_EXCLUSIVE_PROVIDERS: Final = frozenset({"anthropic", "aws.bedrock"})
_CACHE_EXCLUSIVE_FOR_CLAUDE: Final = frozenset({"gcp.vertex_ai"})

# gen_ai.provider.name values mapped to genai-prices provider ids.
_GENAI_PROVIDER_IDS: Final = {
    "openai": "openai",
    "azure.ai.openai": "azure",
    "anthropic": "anthropic",
    "gcp.gemini": "google",
    "gemini": "google",
    "gcp.vertex_ai": "google",
    "aws.bedrock": "aws",
}

# Self-hosted servers have no price list of their own; their models are looked up by name.
_NAME_ONLY_PROVIDERS: Final = frozenset({"ollama", "vllm"})

# gpt-4o-2024-08-06, claude-3-5-sonnet-20241022, gemini-1.5-pro-002 and claude-3-5-haiku-latest
# fall back to their base model when the full id is not listed.
_VERSION_SUFFIX: Final = re.compile(r"-(?:\d{4}-\d{2}-\d{2}|\d{8}|\d{3}|latest)$")

# genai-prices price keys for usage TokenUsage never reports. A model priced with only these
# besides the four token rates is priced by plain arithmetic instead of genai-prices' generic
# (and ~50x slower) calculation; tests check that both agree on every such model.
_FAST_RATE_KEYS: Final = frozenset(
    {"input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok"}
)
_IGNORED_KEY_PARTS: Final = ("audio", "image", "video", "document", "searches", "cache_write_1h")


@dataclass(frozen=True, slots=True)
class TokenUsage:
    """Token counts of one call, as the provider reports them.

    ``output_tokens`` includes reasoning tokens (OpenAI and Anthropic report it so; for Gemini
    add ``thoughts_token_count`` to ``candidates_token_count``). ``reasoning_tokens`` is the part
    of ``output_tokens`` spent on reasoning.
    """

    input_tokens: int = 0
    """Prompt tokens: with cached tokens for OpenAI and Gemini, without them for Anthropic."""
    output_tokens: int = 0
    """Completion tokens, reasoning included."""
    cache_read_tokens: int = 0
    """Prompt tokens read from the provider's cache."""
    cache_write_tokens: int = 0
    """Prompt tokens written to the provider's cache (Anthropic ``cache_creation_input_tokens``)."""
    reasoning_tokens: int = 0
    """Reasoning tokens, already counted in ``output_tokens``."""


@dataclass(frozen=True, slots=True)
class CallCost:
    """What one call cost, in USD."""

    total_usd: float
    """Input plus output."""
    input_usd: float
    """Prompt tokens, cache reads and cache writes."""
    output_usd: float
    """Completion tokens, reasoning included."""
    source: str
    """Where the prices came from: ``"user"``, ``"prysm-table"``, ``"genai-prices"`` or
    ``"collector"``."""

    def plus(self, other: CallCost) -> CallCost:
        """Both costs together (one call that ran two models); the source stays this one's."""
        return CallCost(
            self.total_usd + other.total_usd,
            self.input_usd + other.input_usd,
            self.output_usd + other.output_usd,
            self.source,
        )


@dataclass(frozen=True, slots=True)
class _Counts:
    """Token counts with cache reads and writes inside ``input_tokens``, whatever the provider."""

    input_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    output_tokens: int
    reasoning_tokens: int


def _count_tokens(usage: TokenUsage, is_cache_exclusive: bool) -> _Counts:
    read = max(usage.cache_read_tokens, 0)
    write = max(usage.cache_write_tokens, 0)
    reported = max(usage.input_tokens, 0)
    output = max(usage.output_tokens, 0)

    # A provider reporting more cached tokens than prompt tokens is wrong somewhere; pricing the
    # cache counts and nothing else keeps the cost from going negative.
    total = reported + read + write if is_cache_exclusive else max(reported, read + write)
    return _Counts(total, read, write, output, min(max(usage.reasoning_tokens, 0), output))


@dataclass(frozen=True, slots=True)
class _Rates:
    """Flat prices in USD per 1M tokens."""

    input_per_mtok: float
    output_per_mtok: float
    cached_input_per_mtok: float
    cache_write_per_mtok: float
    source: str

    def price(self, counts: _Counts) -> CallCost:
        uncached = counts.input_tokens - counts.cache_read_tokens - counts.cache_write_tokens
        input_usd = (
            uncached * self.input_per_mtok
            + counts.cache_read_tokens * self.cached_input_per_mtok
            + counts.cache_write_tokens * self.cache_write_per_mtok
        ) / _TOKENS_PER_PRICE_UNIT
        output_usd = counts.output_tokens * self.output_per_mtok / _TOKENS_PER_PRICE_UNIT
        return CallCost(input_usd + output_usd, input_usd, output_usd, self.source)


@dataclass(frozen=True, slots=True)
class _GenaiModel:
    """A genai-prices model whose prices need its own calculation (tiers, dated or extra rates)."""

    provider: Provider
    model: ModelInfo

    def price(self, counts: _Counts) -> CallCost:
        from genai_prices import Usage

        # genai-prices counts cache reads and writes inside input_tokens, as _Counts does.
        usage = Usage(
            input_tokens=counts.input_tokens,
            cache_read_tokens=counts.cache_read_tokens,
            cache_write_tokens=counts.cache_write_tokens,
            output_tokens=counts.output_tokens,
            output_reasoning_tokens=counts.reasoning_tokens,
        )
        result = self.model.calc_price(usage, self.provider)
        return CallCost(
            float(result.total_price),
            float(result.input_price),
            float(result.output_price),
            SOURCE_GENAI_PRICES,
        )


_Price = _Rates | _GenaiModel


class _UnknownModelLog:
    """Counts lookups of unpriced models across all price books and warns once per model."""

    def __init__(self, warning_limit: int) -> None:
        self.warning_limit = warning_limit
        self.lookups = 0
        self._warned: set[tuple[str, str | None]] = set()
        self._lock = threading.Lock()

    def record(self, provider: str, model: str | None) -> None:
        with self._lock:
            self.lookups += 1
            should_warn = (provider, model) not in self._warned
            should_warn = should_warn and len(self._warned) < self.warning_limit
            if should_warn:
                self._warned.add((provider, model))
            is_last_warning = should_warn and len(self._warned) == self.warning_limit

        if should_warn:
            logger.warning(
                "No price for model %r from provider %r; its calls are recorded without a cost. "
                "Add it with monitor(..., pricing=...) or %s.",
                model[:_LOGGED_MODEL_CHARS] if model else model,
                provider[:_LOGGED_MODEL_CHARS],
                PRICING_FILE_ENV,
            )
        if is_last_warning:
            logger.warning(
                "Warned about %d unpriced models; further ones are counted but not logged.",
                self.warning_limit,
            )


_UNKNOWN_MODELS = _UnknownModelLog(_UNKNOWN_WARNING_LIMIT)


def unknown_model_lookups() -> int:
    """Return how many cost lookups found no price, over all price books in this process."""
    return _UNKNOWN_MODELS.lookups


class PriceBook:
    """Prices LLM calls from user prices, prysmai's table and genai-prices, in that order.

    A model's prices are found once per ``(provider, model)`` pair and cached (up to 1024
    pairs), so later calls for the same model cost a dictionary lookup and some arithmetic.

    Args:
        user_prices: Prices that win over all others: a mapping like
            ``{"my-model": {"input": 2.5, "output": 10.0, "cached_input": 1.25,
            "cache_write": 3.75}}`` in USD per 1M tokens, or the path of a JSON file holding one.

    Raises:
        ConfigurationError: The prices or the file are malformed; the message says where.
    """

    def __init__(
        self,
        user_prices: Mapping[str, Mapping[str, float]] | str | os.PathLike[str] | None = None,
    ) -> None:
        self._user_prices = _load_user_prices(user_prices)
        self._unknown_model_count = 0
        self._lock = threading.Lock()
        self._resolve = functools.lru_cache(maxsize=_RESOLVE_CACHE_SIZE)(self._find_price)

    @property
    def unknown_model_count(self) -> int:
        """How many lookups in this book found no price."""
        return self._unknown_model_count

    def cost(
        self,
        provider: str,
        model: str | None,
        usage: TokenUsage,
        *,
        cache_exclusive: bool | None = None,
    ) -> CallCost | None:
        """Return what a call cost, or None when the model has no known price.

        Args:
            provider: The ``gen_ai.provider.name`` of the call, such as ``"openai"``,
                ``"anthropic"``, ``"gcp.gemini"`` or ``"ollama"``. It decides how cached tokens
                were counted (outside ``input_tokens`` for ``"anthropic"``, ``"aws.bedrock"``
                and Claude on ``"gcp.vertex_ai"``, inside it otherwise) and where the model is
                looked up first.
            model: The model id the provider reported, dated or prefixed ids included
                (``"gpt-4o-2024-08-06"``, ``"openai/gpt-4o"``, ``"models/gemini-1.5-pro"``).
            usage: The call's token counts.
            cache_exclusive: Whether ``usage.input_tokens`` leaves cached tokens out; None
                decides by the provider (see ``provider``).

        Returns:
            The cost, or None (not zero) when no price is known; such lookups are counted and
            each unknown model is logged once at WARNING.
        """
        resolved = self._resolve(provider, model)
        if resolved is None:
            with self._lock:
                self._unknown_model_count += 1
            _UNKNOWN_MODELS.record(provider, model)
            return None

        price, is_cache_exclusive = resolved
        if cache_exclusive is not None:
            is_cache_exclusive = cache_exclusive
        return price.price(_count_tokens(usage, is_cache_exclusive))

    def _find_price(self, provider: str, model: str | None) -> tuple[_Price, bool] | None:
        if model is None or not model.strip():
            return None
        provider = provider.strip().lower()
        names = _candidate_names(model)
        is_cache_exclusive = provider in _CACHE_EXCLUSIVE_PROVIDERS or (
            provider in _CACHE_EXCLUSIVE_FOR_CLAUDE and "claude" in names[0]
        )

        for table in (self._user_prices, _prysm_table()):
            if (rates := _lookup(table, names)) is not None:
                return rates, is_cache_exclusive

        found = _find_genai_model(provider, names)
        return None if found is None else (_genai_price(*found), is_cache_exclusive)


class FlatPrices:
    """Flat prices alone, looked up and applied as :class:`PriceBook` does user prices.

    For prices kept elsewhere than in the app (the collector's ``model_prices`` table): no
    prysmai table or genai-prices behind them, and an unknown model is neither counted nor
    logged, as most calls a collector receives were priced by their app already.

    Args:
        prices: ``{"my-model": {"input": 2.5, "output": 10.0, "cached_input": 1.25,
            "cache_write": 3.75}}`` in USD per 1M tokens, as for :class:`PriceBook`.
        source: What :attr:`CallCost.source` says for the calls priced here.

    Raises:
        ConfigurationError: The prices are malformed; the message says where.
    """

    def __init__(self, prices: Mapping[str, Mapping[str, float]], source: str) -> None:
        self._table = _parse_prices(prices, source, source)

    def __len__(self) -> int:
        return len(self._table)

    def cost(self, model: str, usage: TokenUsage, *, cache_exclusive: bool) -> CallCost | None:
        """Return what a call cost, or None when ``model`` has no price here.

        ``model`` is matched as by :class:`PriceBook`: case-insensitively, then without a
        ``provider/`` prefix, then without a date or version suffix.
        """
        if not model.strip():
            return None
        rates = _lookup(self._table, _candidate_names(model))
        return None if rates is None else rates.price(_count_tokens(usage, cache_exclusive))


def _lookup(table: Mapping[str, _Rates], names: tuple[str, ...]) -> _Rates | None:
    for name in names:
        if (rates := table.get(name)) is not None:
            return rates
    return None


def default_price_book() -> PriceBook:
    """Return the shared price book, with the user prices of ``PRYSM_PRICING_FILE`` if set.

    The file is read once per path; a book built for one path is reused afterwards.

    Raises:
        ConfigurationError: The pricing file cannot be read or is malformed.
    """
    return _price_book_for_file(os.environ.get(PRICING_FILE_ENV) or None)


@functools.lru_cache(maxsize=8)
def _price_book_for_file(path: str | None) -> PriceBook:
    try:
        return PriceBook(path)
    except ConfigurationError as exc:
        raise ConfigurationError(f"{exc} Fix the file or unset {PRICING_FILE_ENV}.") from exc


def _candidate_names(model: str) -> tuple[str, ...]:
    """Return the names to look a model up by, most specific first."""
    name = model.strip().lower()
    names = [name]
    if "/" in name:
        names.append(name.rsplit("/", 1)[1])
    names += [_VERSION_SUFFIX.sub("", n) for n in names]
    return tuple(dict.fromkeys(n for n in names if n))


def _find_genai_model(provider: str, names: tuple[str, ...]) -> tuple[Provider, ModelInfo] | None:
    providers = _genai_providers()
    stated = _find_genai_provider(provider, providers)
    if stated is not None:
        for name in names:
            if (model := stated.find_model(name, all_providers=providers)) is not None:
                return stated, model

    # Not listed under the stated provider (an OpenAI-compatible server, a gateway, or
    # Anthropic's OpenAI-compatible endpoint): look the name up across all providers.
    for name in names:
        for candidate in providers:
            if candidate.model_match is None or not candidate.model_match.is_match(name):
                continue
            if (model := candidate.find_model(name, all_providers=providers)) is not None:
                return candidate, model
    return None


def _find_genai_provider(provider: str, providers: list[Provider]) -> Provider | None:
    if provider in _NAME_ONLY_PROVIDERS:
        return None

    genai_id = _GENAI_PROVIDER_IDS.get(provider, provider)
    for candidate in providers:
        if candidate.id == genai_id:
            return candidate
    for candidate in providers:
        if candidate.provider_match is not None and candidate.provider_match.is_match(genai_id):
            return candidate
    return None


def _genai_price(provider: Provider, model: ModelInfo) -> _Price:
    from genai_prices.types import ModelPrice

    if not isinstance(model.prices, ModelPrice):
        return _GenaiModel(provider, model)
    rates = {k: v for k, v in vars(model.prices).items() if v is not None and not k.startswith("_")}
    is_flat = all(isinstance(v, Decimal) for v in rates.values())
    is_covered = all(k in _FAST_RATE_KEYS or _is_ignored_key(k) for k in rates)
    if not (is_flat and is_covered and "input_mtok" in rates):
        return _GenaiModel(provider, model)

    input_rate = rates["input_mtok"]
    return _Rates(
        float(input_rate),
        float(rates.get("output_mtok", 0)),
        float(rates.get("cache_read_mtok", input_rate)),
        float(rates.get("cache_write_mtok", input_rate)),
        SOURCE_GENAI_PRICES,
    )


def _is_ignored_key(price_key: str) -> bool:
    return any(part in price_key for part in _IGNORED_KEY_PARTS)


@functools.cache
def _genai_providers() -> list[Provider]:
    # The data shipped in the wheel, never the snapshot genai_prices.UpdatePrices may fetch.
    from genai_prices.data import providers

    return providers


@functools.cache
def _prysm_table() -> dict[str, _Rates]:
    origin = "prysmai/data/prices.json"
    raw = json.loads(resources.files("prysmai").joinpath("data/prices.json").read_text("utf-8"))
    return _parse_prices(raw["prices"], origin, SOURCE_PRYSM_TABLE)


def _load_user_prices(
    user_prices: Mapping[str, Mapping[str, float]] | str | os.PathLike[str] | None,
) -> dict[str, _Rates]:
    if user_prices is None:
        return {}
    if isinstance(user_prices, Mapping):
        return _parse_prices(user_prices, "user_prices", SOURCE_USER)
    if isinstance(user_prices, str | os.PathLike):
        return _load_price_file(Path(user_prices).expanduser())
    raise ConfigurationError(
        f"user_prices must be a mapping of model names to prices or a JSON file path, "
        f"got {type(user_prices).__name__}."
    )


def _load_price_file(path: Path) -> dict[str, _Rates]:
    origin = f"Pricing file {str(path)!r}"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"{origin} cannot be read: {exc.strerror or exc}.") from exc
    except UnicodeDecodeError as exc:
        raise ConfigurationError(f"{origin} is not UTF-8 text: {exc.reason}.") from exc

    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigurationError(
            f"{origin} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from exc
    return _parse_prices(raw, origin, SOURCE_USER)


def _parse_prices(raw: object, origin: str, source: str) -> dict[str, _Rates]:
    if not isinstance(raw, Mapping):
        raise ConfigurationError(
            f"{origin}: expected an object mapping model names to prices, got {type(raw).__name__}."
        )

    table: dict[str, _Rates] = {}
    for model, entry in raw.items():
        if not isinstance(model, str) or not model.strip():
            raise ConfigurationError(f"{origin}: model names must be non-empty, got {model!r}.")
        table[model.strip().lower()] = _parse_rates(entry, f"{origin}, model {model!r}", source)
    return table


def _parse_rates(entry: object, where: str, source: str) -> _Rates:
    if not isinstance(entry, Mapping):
        raise ConfigurationError(
            f'{where}: expected an object like {{"input": 2.5, "output": 10.0}}, '
            f"got {type(entry).__name__}."
        )
    unknown = sorted(str(k) for k in entry if k not in _RATE_KEYS)
    if unknown:
        raise ConfigurationError(
            f"{where}: unknown price keys {unknown}; allowed are {list(_RATE_KEYS)}."
        )
    missing = [k for k in ("input", "output") if k not in entry]
    if missing:
        raise ConfigurationError(f"{where}: missing {missing}, in USD per 1M tokens.")

    rates = {key: _parse_rate(value, where, key) for key, value in entry.items()}
    return _Rates(
        rates["input"],
        rates["output"],
        rates.get("cached_input", rates["input"]),
        rates.get("cache_write", rates["input"]),
        source,
    )


def _parse_rate(value: object, where: str, key: str) -> float:
    rate = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else -1.0
    if not math.isfinite(rate) or rate < 0:
        raise ConfigurationError(
            f"{where}: {key!r} must be a non-negative number of USD per 1M tokens, got {value!r}."
        )
    return rate
