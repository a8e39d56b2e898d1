"""Checks of a model price as typed: on the command line (``prysmai prices set``) or in a form.

Both take text and give the same one-line messages, so the dashboard refuses what the CLI
refuses, with the same words.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

MAX_MODEL_LENGTH: Final = 200
"""Longer than any provider's model id (fine-tune ids run to about 80 characters)."""
MAX_RATE: Final = 10_000.0
"""USD per 1M tokens; the dearest hosted models cost a few hundred. A larger number is a slip
(extra zeros, cents typed as dollars) that would inflate every total."""
RATE_NAMES: Final = ("input", "output", "cached_input", "cache_write")
"""The price keys, as in ``monitor(pricing=...)`` and ``PRYSM_PRICING_FILE``."""

# Plain decimal numbers only: "1e3", "0x10", "1_000", "inf" and "nan", which float() takes,
# are more likely slips than prices.
_NUMBER: Final = re.compile(r"\d+(?:\.\d*)?|\.\d+")


class PriceError(ValueError):
    """A model id or price that cannot be used; the message says which and what is accepted."""


@dataclass(frozen=True, slots=True)
class PriceInput:
    """A price as typed; ``None`` (or empty text) for an optional rate not given."""

    model: str
    input: str
    output: str
    cached_input: str | None = None
    cache_write: str | None = None


@dataclass(frozen=True, slots=True)
class ModelPrice:
    """A checked price: USD per 1M tokens; unset optional rates are the input rate."""

    model: str
    """Lower case, as models are matched case-insensitively."""
    input: float
    output: float
    cached_input: float | None = None
    cache_write: float | None = None

    def summary(self) -> str:
        """``input 2.5, output 10, cached input 1.25, cache write 2.5`` (unset: the input's)."""
        cached = self.input if self.cached_input is None else self.cached_input
        write = self.input if self.cache_write is None else self.cache_write
        return (
            f"input {rate_text(self.input)}, output {rate_text(self.output)}, "
            f"cached input {rate_text(cached)}, cache write {rate_text(write)}"
        )

    def rates(self) -> dict[str, float]:
        """The price as :class:`prysmai.cost.FlatPrices` takes it (unset rates left out)."""
        given = {
            "input": self.input,
            "output": self.output,
            "cached_input": self.cached_input,
            "cache_write": self.cache_write,
        }
        return {name: value for name, value in given.items() if value is not None}


def check_model(text: str) -> str:
    """Return the model id to store: stripped and in lower case.

    Raises:
        PriceError: empty, longer than :data:`MAX_MODEL_LENGTH`, or with control characters
            (they would reach terminals through ``prices list``).
    """
    model = text.strip()
    if not model or len(model) > MAX_MODEL_LENGTH or not model.isprintable():
        raise PriceError(
            f"a model id has 1 to {MAX_MODEL_LENGTH} printable characters, "
            "as the provider reports it (e.g. ft:gpt-4o-mini:acme::abc123)"
        )
    return model.lower()


def check_rate(name: str, text: str) -> float:
    """Return a rate in USD per 1M tokens.

    Raises:
        PriceError: not a plain non-negative decimal number, or over :data:`MAX_RATE`.
    """
    value = text.strip().removeprefix("$")
    rate = float(value) if _NUMBER.fullmatch(value) else math.nan
    if not math.isfinite(rate) or rate > MAX_RATE:
        shown = text.strip()[:40]
        raise PriceError(
            f"invalid {name.replace('_', ' ')} price {shown!r}: a number of US dollars per 1M "
            f"tokens, from 0 to {MAX_RATE:,.0f} (e.g. 2.5)"
        )
    return rate


def check_price(given: PriceInput) -> ModelPrice:
    """Check every part of a price.

    Raises:
        PriceError: the first part that cannot be used.
    """

    def optional(name: str, text: str | None) -> float | None:
        return check_rate(name, text) if text is not None and text.strip() else None

    return ModelPrice(
        model=check_model(given.model),
        input=check_rate("input", given.input),
        output=check_rate("output", given.output),
        cached_input=optional("cached_input", given.cached_input),
        cache_write=optional("cache_write", given.cache_write),
    )


def rate_text(rate: float | None) -> str:
    """A rate as typed back: ``2.5``, ``0.000001``, ``100`` (no exponent); ``-`` for none."""
    if rate is None:
        return "-"
    return format(Decimal(repr(rate)).normalize(), "f")
