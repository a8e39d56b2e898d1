"""Which provider URLs are model calls, and what operation each one is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A model-call endpoint of a provider API."""

    name: str
    """Short name of the API route, e.g. ``chat.completions``."""
    operation: str
    """``gen_ai.operation.name`` for calls to it."""
    wire_format: str
    """Which parser reads its bodies: ``openai`` or ``anthropic``."""


CHAT_COMPLETIONS: Final = Endpoint("chat.completions", "chat", "openai")
COMPLETIONS: Final = Endpoint("completions", "text_completion", "openai")
EMBEDDINGS: Final = Endpoint("embeddings", "embeddings", "openai")
RESPONSES: Final = Endpoint("responses", "chat", "openai")
MESSAGES: Final = Endpoint("messages", "chat", "anthropic")
ANTHROPIC_COMPLETE: Final = Endpoint("complete", "text_completion", "anthropic")

# Matched on the path's ending so that prefixes (/v1, /openai/deployments/x, proxies) work.
_BY_SUFFIX: Final = (
    ("/chat/completions", CHAT_COMPLETIONS),
    ("/completions", COMPLETIONS),
    ("/embeddings", EMBEDDINGS),
    ("/responses", RESPONSES),
    ("/messages", MESSAGES),
    ("/complete", ANTHROPIC_COMPLETE),
)


def match_endpoint(method: str, path: str, wire_format: str | None = None) -> Endpoint | None:
    """Return the model-call endpoint for a request, or ``None`` for anything else.

    Only ``POST`` requests create model calls; listing models, fetching stored responses and
    counting tokens pass through unrecorded. ``wire_format`` is the API the client speaks
    (``openai`` or ``anthropic``; ``None``: either): only that API's routes match, so that an
    OpenAI client's ``/threads/{id}/messages`` (Assistants) is not taken for Anthropic's
    ``/v1/messages``.
    """
    if method != "POST":
        return None
    path = path.rstrip("/")
    for suffix, endpoint in _BY_SUFFIX:
        if wire_format is not None and endpoint.wire_format != wire_format:
            continue
        if path.endswith(suffix):
            if endpoint is MESSAGES and path.endswith("/batches/messages"):
                return None
            return endpoint
    return None
