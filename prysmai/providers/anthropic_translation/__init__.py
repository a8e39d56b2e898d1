"""OpenAI chat-completions calls answered by Anthropic's native Messages API.

``PrysmClient(provider="anthropic")`` installs :mod:`.transport` in the HTTP client of the
OpenAI SDK it builds, below prysmai's monitoring transport: the app and the recorder see
OpenAI's wire format, Anthropic sees its own. The mapping itself is pure and lives apart:
:mod:`.request` (chat request -> Messages request), :mod:`.answer` (message and error bodies
-> chat completion and OpenAI error) and :mod:`.stream` (Messages SSE -> chunk SSE).
"""

from __future__ import annotations

from prysmai.providers.anthropic_translation.errors import (
    ANTHROPIC_VERSION,
    DEFAULT_MAX_TOKENS,
    TranslationError,
)
from prysmai.providers.anthropic_translation.transport import translating_http_client

__all__ = [
    "ANTHROPIC_VERSION",
    "DEFAULT_MAX_TOKENS",
    "TranslationError",
    "translating_http_client",
]
