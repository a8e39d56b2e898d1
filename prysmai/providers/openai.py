"""The OpenAI wire format, also spoken by Azure OpenAI, vLLM, Ollama and compatible servers."""

from __future__ import annotations

from prysmai.providers.openai_request import read_openai_request as read_request
from prysmai.providers.openai_response import read_openai_error as read_error
from prysmai.providers.openai_response import read_openai_response as read_response

__all__ = ["read_error", "read_request", "read_response"]
