"""Pieces every OpenAI-format answer shares: identity, usage, logprobs, counts."""

from __future__ import annotations

from typing import Any

from prysmai.cost import TokenUsage
from prysmai.providers.details import CallDetails, OutputChoice, whole_count


def read_identity(payload: dict[str, Any], details: CallDetails) -> None:
    """Take the answer's model and id (the first id a stream gives stays)."""
    model = payload.get("model")
    if isinstance(model, str) and model:
        details.response_model = model
    response_id = payload.get("id")
    if isinstance(response_id, str) and response_id and details.response_id is None:
        details.response_id = response_id


def usage_from_openai(usage: Any) -> TokenUsage | None:
    """Convert an OpenAI ``usage`` object (chat, completions, embeddings or responses)."""
    if not isinstance(usage, dict):
        return None
    input_tokens = count(usage.get("prompt_tokens", usage.get("input_tokens")))
    output_tokens = count(usage.get("completion_tokens", usage.get("output_tokens")))
    input_details = usage.get("prompt_tokens_details") or usage.get("input_tokens_details") or {}
    output_details = (
        usage.get("completion_tokens_details") or usage.get("output_tokens_details") or {}
    )
    cached, written = 0, 0
    if isinstance(input_details, dict):
        cached = count(input_details.get("cached_tokens"))
        # Set by providers that bill cache writes apart (Anthropic through an OpenAI-format
        # answer); OpenAI's own answers leave it out.
        written = count(input_details.get("cache_write_tokens"))
    reasoning = (
        count(output_details.get("reasoning_tokens")) if isinstance(output_details, dict) else 0
    )
    # Kept as reported, even past their whole: some servers count reasoning or cached tokens
    # apart from the completion or prompt (pricing sorts that out; see cost._count_tokens).
    return TokenUsage(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cache_read_tokens=cached,
        cache_write_tokens=written,
        reasoning_tokens=reasoning,
    )


def add_logprobs(raw: Any, choice: OutputChoice) -> None:
    """Add a choice's logprobs: chat's ``content`` list, or legacy completions' parallel lists."""
    if not isinstance(raw, dict):
        return
    content = raw.get("content")
    if isinstance(content, list):
        for item in content:
            if isinstance(item, dict) and "token" in item:
                choice.logprobs.append({"token": item.get("token"), "logprob": item.get("logprob")})
        return
    tokens, values = raw.get("tokens"), raw.get("token_logprobs")
    if isinstance(tokens, list) and isinstance(values, list):
        choice.logprobs.extend(
            {"token": t, "logprob": v} for t, v in zip(tokens, values, strict=False)
        )


def count(value: Any) -> int:
    """A token count: a whole number, not negative, not absurd; anything else counts 0."""
    return whole_count(value) or 0


def int_or(value: Any, default: int) -> int:
    """``value`` if it is a whole number (not a bool), else ``default``."""
    return value if isinstance(value, int) and not isinstance(value, bool) else default
