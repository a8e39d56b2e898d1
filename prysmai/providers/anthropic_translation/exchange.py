"""One HTTP exchange translated: the OpenAI SDK's request out, Anthropic's answer back.

Works on ``httpx`` and ``httpx2`` objects alike (the module is passed in); the transports in
:mod:`.transport` only add the sync or async reading of bodies.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Final

from prysmai import jsonutil
from prysmai.call import TRANSLATED_ANSWER
from prysmai.providers.anthropic_translation.answer import to_chat_completion, to_openai_error
from prysmai.providers.anthropic_translation.errors import ANTHROPIC_VERSION, TranslationError
from prysmai.providers.anthropic_translation.request import TranslatedRequest, to_messages_request
from prysmai.providers.anthropic_translation.stream import StreamTranslator

_CHAT_PATH: Final = "/chat/completions"
# OpenAI credentials and organisation headers mean nothing to Anthropic and must not reach it;
# framing headers are rebuilt for the new body.
_DROPPED_REQUEST_HEADERS: Final = frozenset(
    {
        "authorization",
        "openai-organization",
        "openai-project",
        "host",
        "content-length",
        "transfer-encoding",
    }
)
# Describe the upstream body, not the translated one (which is decoded and re-serialised).
_DROPPED_RESPONSE_HEADERS: Final = frozenset(
    {"content-length", "content-encoding", "transfer-encoding", "content-type"}
)


@dataclass(frozen=True, slots=True)
class Plan:
    """What to send upstream for one request, or the answer to give without sending."""

    upstream: Any = None
    translated: TranslatedRequest | None = None
    local_answer: Any = None


def plan_request(request: Any, body: bytes, http_module: ModuleType) -> Plan:
    """Build the Anthropic request for an OpenAI SDK request, or a local OpenAI-format error.

    Args:
        request: The SDK's request.
        body: Its body, already read.
        http_module: ``httpx`` or ``httpx2``.
    """
    path = request.url.path.rstrip("/")
    if request.method != "POST" or not path.endswith(_CHAT_PATH):
        error = TranslationError(
            f"Anthropic's native Messages API has no equivalent of {request.method} "
            f"{request.url.path}: only chat completions are translated (provider "
            "'anthropic-openai' uses Anthropic's OpenAI-compatible endpoint instead)",
            status=404,
            code="unsupported_endpoint",
        )
        return Plan(local_answer=error_response(http_module, request, error))
    try:
        translated = to_messages_request(_parse_json(body))
    except TranslationError as error:
        return Plan(local_answer=error_response(http_module, request, error))
    base = path[: -len(_CHAT_PATH)].rstrip("/")
    # A base URL given with Anthropic's version segment already in it must not get a second.
    target = base + ("/messages" if base.endswith("/v1") else "/v1/messages")
    headers = [
        (name, value)
        for name, value in request.headers.multi_items()
        if name.lower() not in _DROPPED_REQUEST_HEADERS
    ]
    api_key = _bearer_token(request.headers.get("authorization"))
    if api_key is not None and "x-api-key" not in request.headers:
        # A key the caller set as x-api-key (in extra_headers) wins over the client's own.
        headers.append(("x-api-key", api_key))
    if "anthropic-version" not in request.headers:
        headers.append(("anthropic-version", ANTHROPIC_VERSION))
    upstream = http_module.Request(
        "POST",
        request.url.copy_with(path=target),
        headers=headers,
        content=jsonutil.dumps(translated.body).encode(),
        extensions=request.extensions,
    )
    return Plan(upstream=upstream, translated=translated)


def _parse_json(body: bytes) -> Any:
    try:
        return jsonutil.loads(body)
    except ValueError as error:
        raise TranslationError("the request body is not valid JSON") from error


def _bearer_token(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def error_response(http_module: ModuleType, request: Any, error: TranslationError) -> Any:
    """An OpenAI-format error answered locally; the SDK raises it and does not retry it."""
    return http_module.Response(
        error.status,
        headers=[("content-type", "application/json"), ("x-should-retry", "false")],
        content=error.body(),
        request=request,
    )


def is_event_stream(response: Any) -> bool:
    """Whether the upstream answer is a server-sent event stream."""
    return "text/event-stream" in response.headers.get("content-type", "").lower()


def answer_headers(response: Any, content_type: str) -> list[tuple[str, str]]:
    """Upstream headers (rate limits, retry-after, request id) for the translated answer."""
    headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in _DROPPED_RESPONSE_HEADERS
    ]
    headers.append(("content-type", content_type))
    request_id = response.headers.get("request-id")
    if request_id and "x-request-id" not in response.headers:
        # The OpenAI SDK exposes x-request-id as the answer's request id.
        headers.append(("x-request-id", request_id))
    return headers


def whole_answer(
    http_module: ModuleType, request: Any, response: Any, body: bytes, translated: TranslatedRequest
) -> Any:
    """The OpenAI-format answer for a fully read upstream answer (success or error)."""
    status = response.status_code
    if 300 <= status < 400:
        # The SDK would follow the redirect with the OpenAI-format request, which Anthropic's
        # address cannot take: say where it points instead.
        location = response.headers.get("location", "(no location)")
        return error_response(
            http_module,
            request,
            TranslationError(
                f"Anthropic's address answered HTTP {status}, a redirect to {location}; set "
                "provider_base_url (or ANTHROPIC_BASE_URL) to the final address",
                status=502,
                error_type="api_error",
                code="bad_provider_answer",
            ),
        )
    if status >= 400:
        content = to_openai_error(status, body)
    else:
        try:
            if translated.is_stream:
                kind = response.headers.get("content-type", "none")
                raise TranslationError(
                    f"Anthropic answered a streamed request with content-type {kind!r} instead "
                    "of an event stream",
                    status=502,
                    error_type="api_error",
                    code="bad_provider_answer",
                )
            content = _completion_body(body)
        except TranslationError as error:
            return error_response(http_module, request, error)
    return http_module.Response(
        status,
        headers=answer_headers(response, "application/json"),
        content=content,
        request=request,
        extensions={**response.extensions, TRANSLATED_ANSWER: True},
    )


def _completion_body(body: bytes) -> bytes:
    try:
        message = jsonutil.loads(body)
    except ValueError as error:
        snippet = body[:200].decode("utf-8", errors="replace")
        raise TranslationError(
            f"Anthropic answered with a body that is not valid JSON: {snippet!r}",
            status=502,
            error_type="api_error",
            code="bad_provider_answer",
        ) from error
    return jsonutil.dumps(to_chat_completion(message, int(time.time()))).encode()


def stream_answer(
    http_module: ModuleType,
    request: Any,
    response: Any,
    translated: TranslatedRequest,
    stream_class: type[Any],
) -> Any:
    """The OpenAI-format event stream over an upstream Anthropic event stream."""
    translator = StreamTranslator(include_usage=translated.include_usage, created=int(time.time()))
    stream = stream_class(response, translator)
    answer = http_module.Response(
        response.status_code,
        headers=answer_headers(response, "text/event-stream; charset=utf-8"),
        stream=stream,
        request=request,
        extensions={**response.extensions, TRANSLATED_ANSWER: True},
    )
    # The answer keeps a copy of the extensions given: the stream writes into that copy.
    stream.extensions = answer.extensions
    return answer
