"""Realistic OpenAI and Anthropic response bodies for the loopback fake servers.

Each builder renders a `Generation` (see `prysmai.testing.fake_model`) in the shape the real
API returns: ids, `created`, `system_fingerprint`, usage with cached and reasoning tokens, and
the stream events in the order the real API sends them. The Anthropic Messages builders live
here too, because the same fake server answers `/v1/messages`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from prysmai.testing.fake_model import (
    Choice,
    Generation,
    JsonObject,
    Usage,
    as_int,
    count_tokens,
    embedding_vector,
    encode_embedding,
    make_hex_id,
    make_id,
    split_deltas,
    split_fragments,
    token_logprob,
)

SYSTEM_FINGERPRINT: Final = "fp_5f7c2a91d3"
"""The `system_fingerprint` every fake chat completion carries."""

DEFAULT_EMBEDDING_DIMENSIONS: Final = 8
"""Length of a fake embedding when the request gives no `dimensions`."""

MODEL_IDS: Final = (
    "gpt-4o",
    "gpt-4o-mini",
    "gpt-4.1",
    "gpt-4.1-mini",
    "o4-mini",
    "gpt-3.5-turbo-instruct",
    "text-embedding-3-small",
    "text-embedding-3-large",
)
"""The models `GET /v1/models` lists."""


def openai_error_body(
    message: str, error_type: str, *, param: str | None = None, code: str | None = None
) -> JsonObject:
    """Return an OpenAI error body."""
    return {"error": {"message": message, "type": error_type, "param": param, "code": code}}


def anthropic_error_body(message: str, error_type: str, request_id: str) -> JsonObject:
    """Return an Anthropic error body."""
    return {
        "type": "error",
        "error": {"type": error_type, "message": message},
        "request_id": request_id,
    }


_OPENAI_ERRORS: Final[Mapping[int, tuple[str, str | None, str]]] = {
    400: ("invalid_request_error", None, "Invalid request to {model}."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    403: ("invalid_request_error", None, "You are not allowed to use {model}."),
    404: (
        "invalid_request_error",
        "model_not_found",
        "The model `{model}` does not exist or you do not have access to it.",
    ),
    429: (
        "requests",
        "rate_limit_exceeded",
        "Rate limit reached for {model} on requests per min (RPM): Limit 3, Used 3, "
        "Requested 1. Please try again in 20s.",
    ),
    500: (
        "server_error",
        None,
        "The server had an error while processing your request. Sorry about that!",
    ),
    503: ("server_error", None, "The engine is currently overloaded, please try again later."),
}

_ANTHROPIC_ERRORS: Final[Mapping[int, str]] = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    529: "overloaded_error",
}


def default_openai_error(status: int, model: str) -> tuple[str, str, str | None]:
    """Return the message, type and code the real API uses for `status`."""
    fallback = _OPENAI_ERRORS[500] if status >= 500 else _OPENAI_ERRORS[400]
    error_type, code, message = _OPENAI_ERRORS.get(status, fallback)
    return message.format(model=model or "unknown"), error_type, code


def default_anthropic_error(status: int, model: str) -> tuple[str, str]:
    """Return the message and type the real Anthropic API uses for `status`."""
    error_type = _ANTHROPIC_ERRORS.get(
        status, "api_error" if status >= 500 else "invalid_request_error"
    )
    message = f"model: {model}" if status == 404 else error_type.replace("_", " ").capitalize()
    return message, error_type


# --- OpenAI chat completions and legacy completions ---------------------------------------


def chat_usage(usage: Usage) -> JsonObject:
    """Return the `usage` object of a chat completion."""
    return {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cached_tokens, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": usage.reasoning_tokens,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def chat_completion_body(generation: Generation) -> JsonObject:
    """Return the body of a non-streamed chat completion."""
    return {
        "id": make_id("chatcmpl-", generation.seed),
        "object": "chat.completion",
        "created": generation.created,
        "model": generation.model,
        "choices": [_chat_choice(choice, generation.top_logprobs) for choice in generation.choices],
        "usage": chat_usage(generation.usage),
        "service_tier": "default",
        "system_fingerprint": SYSTEM_FINGERPRINT,
    }


def _chat_choice(choice: Choice, top_logprobs: int | None) -> JsonObject:
    message: JsonObject = {
        "role": "assistant",
        "content": choice.text,
        "refusal": None,
        "annotations": [],
    }
    if choice.tool_calls:
        message["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
            for call in choice.tool_calls
        ]
    logprobs = None
    if top_logprobs is not None and choice.text is not None:
        tokens = split_deltas(choice.text)
        logprobs = {"content": [token_logprob(t, top_logprobs) for t in tokens], "refusal": None}
    return {
        "index": choice.index,
        "message": message,
        "logprobs": logprobs,
        "finish_reason": choice.finish_reason,
    }


def chat_completion_chunks(generation: Generation, *, include_usage: bool) -> list[JsonObject]:
    """Return the `data:` payloads of a streamed chat completion, without `[DONE]`.

    Choices are interleaved as the real API does; a usage-only chunk with no choices ends
    the stream only when the request set `stream_options.include_usage`.
    """
    base: JsonObject = {
        "id": make_id("chatcmpl-", generation.seed),
        "object": "chat.completion.chunk",
        "created": generation.created,
        "model": generation.model,
        "service_tier": "default",
        "system_fingerprint": SYSTEM_FINGERPRINT,
    }
    if include_usage:
        base["usage"] = None

    def chunk(
        index: int, delta: JsonObject, logprobs: object = None, finish: object = None
    ) -> JsonObject:
        choice = {"index": index, "delta": delta, "logprobs": logprobs, "finish_reason": finish}
        return {**base, "choices": [choice]}

    per_choice = [
        [
            chunk(c.index, delta, logprobs)
            for delta, logprobs in _chat_deltas(c, generation.top_logprobs)
        ]
        for c in generation.choices
    ]
    chunks = [chunk_ for step in _interleave(per_choice) for chunk_ in step]
    chunks.extend(chunk(c.index, {}, None, c.finish_reason) for c in generation.choices)
    if include_usage:
        chunks.append({**base, "choices": [], "usage": chat_usage(generation.usage)})
    return chunks


def _chat_deltas(choice: Choice, top_logprobs: int | None) -> list[tuple[JsonObject, object]]:
    role: JsonObject = {"role": "assistant", "content": "" if choice.text is not None else None}
    deltas: list[tuple[JsonObject, object]] = [({**role, "refusal": None}, None)]
    for piece in split_deltas(choice.text or ""):
        logprobs = None
        if top_logprobs is not None:
            logprobs = {"content": [token_logprob(piece, top_logprobs)], "refusal": None}
        deltas.append(({"content": piece}, logprobs))
    for k, call in enumerate(choice.tool_calls):
        first = {"index": k, "id": call.id, "type": "function"}
        first["function"] = {"name": call.name, "arguments": ""}
        deltas.append(({"tool_calls": [first]}, None))
        deltas.extend(
            ({"tool_calls": [{"index": k, "function": {"arguments": fragment}}]}, None)
            for fragment in split_fragments(call.arguments)
        )
    return deltas


def _interleave(sequences: Sequence[Sequence[JsonObject]]) -> list[list[JsonObject]]:
    longest = max((len(items) for items in sequences), default=0)
    return [[items[i] for items in sequences if i < len(items)] for i in range(longest)]


def text_completion_body(generation: Generation) -> JsonObject:
    """Return the body of a non-streamed legacy text completion."""
    choices = [
        {
            "text": choice.text or "",
            "index": choice.index,
            "logprobs": _legacy_logprobs(choice.text or "", generation.top_logprobs),
            "finish_reason": choice.finish_reason,
        }
        for choice in generation.choices
    ]
    return {
        "id": make_id("cmpl-", generation.seed),
        "object": "text_completion",
        "created": generation.created,
        "model": generation.model,
        "choices": choices,
        "usage": _legacy_usage(generation.usage),
    }


def text_completion_chunks(generation: Generation, *, include_usage: bool) -> list[JsonObject]:
    """Return the `data:` payloads of a streamed legacy completion, without `[DONE]`."""
    base: JsonObject = {
        "id": make_id("cmpl-", generation.seed),
        "object": "text_completion",
        "created": generation.created,
        "model": generation.model,
        "system_fingerprint": SYSTEM_FINGERPRINT,
    }

    def chunk(index: int, text: str, finish: str | None) -> JsonObject:
        logprobs = _legacy_logprobs(text, generation.top_logprobs) if text else None
        choice = {"text": text, "index": index, "logprobs": logprobs, "finish_reason": finish}
        return {**base, "choices": [choice]}

    per_choice = [
        [chunk(c.index, piece, None) for piece in split_deltas(c.text or "")]
        for c in generation.choices
    ]
    chunks = [chunk_ for step in _interleave(per_choice) for chunk_ in step]
    chunks.extend(chunk(c.index, "", c.finish_reason) for c in generation.choices)
    if include_usage:
        chunks.append({**base, "choices": [], "usage": _legacy_usage(generation.usage)})
    return chunks


def _legacy_usage(usage: Usage) -> JsonObject:
    return {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
    }


def _legacy_logprobs(text: str, top_logprobs: int | None) -> JsonObject | None:
    if top_logprobs is None:
        return None
    entries = [token_logprob(token, top_logprobs) for token in split_deltas(text)]
    offsets = [0]
    for entry in entries[:-1]:
        offsets.append(offsets[-1] + len(entry["token"]))
    return {
        "tokens": [entry["token"] for entry in entries],
        "token_logprobs": [entry["logprob"] for entry in entries],
        "top_logprobs": [
            {alt["token"]: alt["logprob"] for alt in e["top_logprobs"]} for e in entries
        ],
        "text_offset": offsets[: len(entries)],
    }


# --- OpenAI embeddings and models ---------------------------------------------------------


def embeddings_body(request: Mapping[str, Any]) -> JsonObject:
    """Return the body of `POST /v1/embeddings`: one vector per input, float or base64."""
    inputs = _embedding_inputs(request.get("input"))
    dimensions = as_int(request.get("dimensions")) or DEFAULT_EMBEDDING_DIMENSIONS
    as_base64 = request.get("encoding_format") == "base64"
    data = []
    for index, (text, _) in enumerate(inputs):
        vector = embedding_vector(text, dimensions)
        embedding: object = encode_embedding(vector) if as_base64 else vector
        data.append({"object": "embedding", "index": index, "embedding": embedding})
    tokens = sum(count for _, count in inputs)
    return {
        "object": "list",
        "data": data,
        "model": request.get("model"),
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


def _embedding_inputs(raw: object) -> list[tuple[str, int]]:
    """Return (text, tokens) per input: strings, a token list, or a list of either."""
    if isinstance(raw, str):
        return [(raw, count_tokens(raw))]
    if not isinstance(raw, list):
        return []
    if raw and all(isinstance(item, int) for item in raw):
        return [(json.dumps(raw), len(raw))]
    inputs: list[tuple[str, int]] = []
    for item in raw:
        if isinstance(item, str):
            inputs.append((item, count_tokens(item)))
        elif isinstance(item, list):
            inputs.append((json.dumps(item), len(item)))
    return inputs


def models_body() -> JsonObject:
    """Return the body of `GET /v1/models`."""
    return {"object": "list", "data": [model_object(model_id) for model_id in MODEL_IDS]}


def model_object(model_id: str) -> JsonObject:
    """Return one entry of the models list."""
    return {"id": model_id, "object": "model", "created": 1715367049, "owned_by": "system"}


# --- OpenAI Responses API -----------------------------------------------------------------


def response_usage(usage: Usage) -> JsonObject:
    """Return the `usage` object of a Responses API response."""
    return {
        "input_tokens": usage.input_tokens,
        "input_tokens_details": {"cached_tokens": usage.cached_tokens},
        "output_tokens": usage.output_tokens,
        "output_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
        "total_tokens": usage.total_tokens,
    }


def response_body(generation: Generation, request: Mapping[str, Any]) -> JsonObject:
    """Return the body of a finished Responses API response (`POST /v1/responses`)."""
    is_cut = generation.choices[0].finish_reason == "length"
    return {
        **_response_frame(generation, request),
        "status": "incomplete" if is_cut else "completed",
        "completed_at": None if is_cut else generation.created,
        "incomplete_details": {"reason": "max_output_tokens"} if is_cut else None,
        "output": response_output(generation),
        "usage": response_usage(generation.usage),
    }


def _response_frame(generation: Generation, request: Mapping[str, Any]) -> JsonObject:
    """Return the fields of a response that echo the request, as an in-progress response."""
    return {
        "id": make_hex_id("resp_", generation.seed),
        "object": "response",
        "created_at": generation.created,
        "status": "in_progress",
        "background": False,
        "completed_at": None,
        "error": None,
        "incomplete_details": None,
        "instructions": request.get("instructions"),
        "max_output_tokens": request.get("max_output_tokens"),
        "model": generation.model,
        "output": [],
        "parallel_tool_calls": request.get("parallel_tool_calls", True),
        "previous_response_id": request.get("previous_response_id"),
        "reasoning": {"effort": None, "summary": None},
        "service_tier": "default",
        "store": request.get("store", True),
        "temperature": request.get("temperature", 1.0),
        "text": request.get("text") or {"format": {"type": "text"}},
        "tool_choice": request.get("tool_choice", "auto"),
        "tools": request.get("tools") or [],
        "top_p": request.get("top_p", 1.0),
        "truncation": "disabled",
        "usage": None,
        "user": None,
        "metadata": request.get("metadata") or {},
    }


def response_output(generation: Generation) -> list[JsonObject]:
    """Return the output items: reasoning (for reasoning models), then text or calls."""
    choice = generation.choices[0]
    items: list[JsonObject] = []
    if generation.usage.reasoning_tokens:
        reasoning_id = make_hex_id("rs_", generation.seed + ":reasoning")
        items.append({"id": reasoning_id, "type": "reasoning", "summary": []})
    if choice.text is not None:
        items.append(
            {
                "id": make_hex_id("msg_", generation.seed + ":message"),
                "type": "message",
                "status": "completed",
                "content": [_output_text(choice.text)],
                "role": "assistant",
            }
        )
    items.extend(
        {
            "id": make_hex_id("fc_", call.id),
            "type": "function_call",
            "status": "completed",
            "arguments": call.arguments,
            "call_id": call.id,
            "name": call.name,
        }
        for call in choice.tool_calls
    )
    return items


def _output_text(text: str) -> JsonObject:
    return {"type": "output_text", "annotations": [], "logprobs": [], "text": text}


def response_events(generation: Generation, request: Mapping[str, Any]) -> list[JsonObject]:
    """Return the events of a streamed response; each event's `type` is its SSE event name."""
    frame = _response_frame(generation, request)
    final = response_body(generation, request)
    events: list[JsonObject] = [
        {"type": "response.created", "response": frame},
        {"type": "response.in_progress", "response": frame},
    ]
    for index, item in enumerate(response_output(generation)):
        events.extend(_item_events(item, index))
    events.append({"type": f"response.{final['status']}", "response": final})
    return [{**event, "sequence_number": number} for number, event in enumerate(events)]


def _item_events(item: JsonObject, output_index: int) -> list[JsonObject]:
    position = {"item_id": item["id"], "output_index": output_index}
    if item["type"] == "message":
        started = {**item, "status": "in_progress", "content": []}
        text: str = item["content"][0]["text"]
        part = {**position, "content_index": 0}
        return [
            {"type": "response.output_item.added", "item": started, "output_index": output_index},
            {"type": "response.content_part.added", **part, "part": _output_text("")},
            *(
                {"type": "response.output_text.delta", **part, "delta": piece, "logprobs": []}
                for piece in split_deltas(text)
            ),
            {"type": "response.output_text.done", **part, "text": text, "logprobs": []},
            {"type": "response.content_part.done", **part, "part": item["content"][0]},
            {"type": "response.output_item.done", "item": item, "output_index": output_index},
        ]
    if item["type"] == "function_call":
        started = {**item, "status": "in_progress", "arguments": ""}
        arguments: str = item["arguments"]
        return [
            {"type": "response.output_item.added", "item": started, "output_index": output_index},
            *(
                {"type": "response.function_call_arguments.delta", **position, "delta": fragment}
                for fragment in split_fragments(arguments)
            ),
            {"type": "response.function_call_arguments.done", **position, "arguments": arguments},
            {"type": "response.output_item.done", "item": item, "output_index": output_index},
        ]
    return [
        {"type": "response.output_item.added", "item": item, "output_index": output_index},
        {"type": "response.output_item.done", "item": item, "output_index": output_index},
    ]


# --- Anthropic Messages API ---------------------------------------------------------------

_STOP_REASONS: Final = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}
# Claude usually says what it is about to do before calling a tool.
_TOOL_PREAMBLE: Final = "I'll look that up for you."


def anthropic_usage(usage: Usage, *, output_tokens: int | None = None) -> JsonObject:
    """Return the `usage` object of an Anthropic message."""
    return {
        "input_tokens": usage.input_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
        "output_tokens": usage.output_tokens if output_tokens is None else output_tokens,
        "service_tier": "standard",
    }


def anthropic_message_body(generation: Generation) -> JsonObject:
    """Return the body of a non-streamed Anthropic message (`POST /v1/messages`)."""
    choice = generation.choices[0]
    return {
        "id": make_id("msg_01", generation.seed, 22),
        "type": "message",
        "role": "assistant",
        "model": generation.model,
        "content": _anthropic_blocks(choice),
        "stop_reason": _STOP_REASONS[choice.finish_reason],
        "stop_sequence": None,
        "usage": anthropic_usage(generation.usage),
    }


def _anthropic_blocks(choice: Choice) -> list[JsonObject]:
    if not choice.tool_calls:
        return [{"type": "text", "text": choice.text or ""}]
    calls = [
        {
            "type": "tool_use",
            "id": make_id("toolu_01", call.id, 22),
            "name": call.name,
            "input": json.loads(call.arguments),
        }
        for call in choice.tool_calls
    ]
    return [{"type": "text", "text": _TOOL_PREAMBLE}, *calls]


def anthropic_events(generation: Generation) -> list[JsonObject]:
    """Return the events of a streamed Anthropic message; `type` is each SSE event name."""
    body = anthropic_message_body(generation)
    started = {**body, "content": [], "stop_reason": None}
    started["usage"] = anthropic_usage(generation.usage, output_tokens=1)
    events: list[JsonObject] = [{"type": "message_start", "message": started}]
    for index, block in enumerate(body["content"]):
        events.extend(_block_events(block, index))
        if index == 0:
            events.append({"type": "ping"})
    events.append(
        {
            "type": "message_delta",
            "delta": {"stop_reason": body["stop_reason"], "stop_sequence": None},
            "usage": {"output_tokens": generation.usage.output_tokens},
        }
    )
    events.append({"type": "message_stop"})
    return events


def _block_events(block: JsonObject, index: int) -> list[JsonObject]:
    if block["type"] == "text":
        start: JsonObject = {"type": "text", "text": ""}
        deltas = [{"type": "text_delta", "text": piece} for piece in split_deltas(block["text"])]
    else:
        start = {**block, "input": {}}
        # The real stream opens every tool input with an empty partial_json delta.
        fragments = ["", *split_fragments(json.dumps(block["input"]))]
        deltas = [{"type": "input_json_delta", "partial_json": part} for part in fragments]
    return [
        {"type": "content_block_start", "index": index, "content_block": start},
        *({"type": "content_block_delta", "index": index, "delta": delta} for delta in deltas),
        {"type": "content_block_stop", "index": index},
    ]
