"""Collector prices for calls that arrive without a cost.

An app prices its own calls; a model it has no price for (a fine-tune, a self-hosted or a new
model) arrives without ``prysm.cost.usd``. When the collector has a price for the call's
response model (or else its request model), the call gets the cost attributes the app would
have set, with ``prysm.cost.source = "collector"``, before it is stored. A call that arrived
with a cost attribute is never changed, whatever its value.

The span's token counts follow the GenAI conventions: cached input is inside
``gen_ai.usage.input_tokens`` (prysmai's spans count it so for every provider), so prices are
applied with cached tokens inside the input, as :mod:`prysmai.cost` does for OpenAI.
"""

from __future__ import annotations

import math

from prysmai import semconv
from prysmai.cost import FlatPrices, TokenUsage
from prysmai.store_schema import INT64_MAX


def with_collector_cost(attributes: dict[str, object], prices: FlatPrices) -> dict[str, object]:
    """Return ``attributes`` with the collector's cost added when it applies, else unchanged."""
    if not prices or semconv.COST_USD in attributes:
        return attributes
    if semconv.OPERATION_NAME not in attributes:
        return attributes  # not a model call: the store keeps no cost for it either
    input_tokens = _count(attributes.get(semconv.USAGE_INPUT_TOKENS))
    output_tokens = _count(attributes.get(semconv.USAGE_OUTPUT_TOKENS))
    if input_tokens is None and output_tokens is None:
        return attributes  # no usage reported (a failed call): nothing to price
    usage = TokenUsage(
        input_tokens=input_tokens or 0,
        output_tokens=output_tokens or 0,
        cache_read_tokens=_count(attributes.get(semconv.USAGE_CACHE_READ_INPUT_TOKENS)) or 0,
        cache_write_tokens=_count(attributes.get(semconv.USAGE_CACHE_CREATION_INPUT_TOKENS)) or 0,
        reasoning_tokens=_count(attributes.get(semconv.USAGE_REASONING_OUTPUT_TOKENS)) or 0,
    )
    for key in (semconv.RESPONSE_MODEL, semconv.REQUEST_MODEL):
        model = attributes.get(key)
        if not isinstance(model, str):
            continue
        cost = prices.cost(model, usage, cache_exclusive=False)
        if cost is not None and math.isfinite(cost.total_usd):
            return {
                **attributes,
                semconv.COST_USD: cost.total_usd,
                semconv.COST_INPUT_USD: cost.input_usd,
                semconv.COST_OUTPUT_USD: cost.output_usd,
                semconv.COST_SOURCE: cost.source,
            }
    return attributes


def _count(value: object) -> int | None:
    """A token count as the store reads one: a whole number in its range, else none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 0 <= value <= INT64_MAX:
        return value
    return None
