"""Which provider URLs are model calls, and what operation each one is."""

from __future__ import annotations

import re
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
# Anthropic's SDK clients for Amazon Bedrock send the Messages body to these routes, with the
# model in the path instead of the body.
BEDROCK_INVOKE: Final = Endpoint("bedrock.invoke", "chat", "anthropic")
BEDROCK_INVOKE_STREAM: Final = Endpoint("bedrock.invoke_stream", "chat", "anthropic")
MODEL_IN_PATH: Final = frozenset({BEDROCK_INVOKE, BEDROCK_INVOKE_STREAM})
"""Endpoints whose route names the model (see :func:`model_in_path`)."""
# The id may hold slashes: an inference profile's ARN ("arn:...:application-inference-profile/x")
# is sent with "%2F", which the decoded path the transport sees turns back into "/".
_BEDROCK_PATH: Final = re.compile(r"/model/(.+)/(invoke|invoke-with-response-stream)$", re.DOTALL)

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
    if wire_format in (None, "anthropic"):
        bedrock = _BEDROCK_PATH.search(path)
        if bedrock is not None:
            return BEDROCK_INVOKE if bedrock.group(2) == "invoke" else BEDROCK_INVOKE_STREAM
    for suffix, endpoint in _BY_SUFFIX:
        if wire_format is not None and endpoint.wire_format != wire_format:
            continue
        if path.endswith(suffix):
            if endpoint is MESSAGES and path.endswith("/batches/messages"):
                return None
            return endpoint
    return None


def model_in_path(path: str) -> str | None:
    """The model of a call whose route names it (Bedrock's ``/model/{id}/invoke``), or None."""
    bedrock = _BEDROCK_PATH.search(path.rstrip("/"))
    return bedrock.group(1) if bedrock is not None else None
