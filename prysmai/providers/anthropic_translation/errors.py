"""Constants of the translation and the error it raises for what OpenAI's format cannot carry."""

from __future__ import annotations

from typing import Any, Final

from prysmai import jsonutil

ANTHROPIC_VERSION: Final = "2023-06-01"
"""The ``anthropic-version`` header sent unless the caller passes one in ``extra_headers``."""

DEFAULT_MAX_TOKENS: Final = 4096
"""``max_tokens`` sent when the caller gives neither ``max_completion_tokens`` nor
``max_tokens``: Anthropic requires the field, and 4096 is the smallest output limit among
current Claude models (Claude 3 Haiku), so every model accepts it."""


class TranslationError(Exception):
    """A request or answer that cannot be expressed in the other format.

    Args:
        message: What could not be translated and what to do instead.
        status: The HTTP status of the OpenAI-format error the caller receives.
        param: The request parameter at fault, as OpenAI's error bodies name it.
        code: A short machine-readable code.
        error_type: OpenAI's error ``type``.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        param: str | None = None,
        code: str | None = "unsupported_by_anthropic",
        error_type: str = "invalid_request_error",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.param = param
        self.code = code
        self.error_type = error_type

    def body(self) -> bytes:
        """The OpenAI-format error body for this error."""
        return openai_error_body(self.message, self.error_type, self.param, self.code)


def openai_error_body(
    message: str, error_type: str, param: str | None = None, code: str | None = None
) -> bytes:
    """Serialise ``{"error": {"message", "type", "param", "code"}}`` as OpenAI sends it."""
    error: dict[str, Any] = {"message": message, "type": error_type, "param": param, "code": code}
    return jsonutil.dumps({"error": error}).encode()
