"""What a span should say about a recorded provider call, read straight from the recording.

These readers are deliberately small and written apart from ``prysmai.providers``: the replay
tests compare what prysmai recorded against them, so they must not share its parsing code.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from prysmai.testing import Interaction

DEFAULT_CASSETTES = Path(__file__).resolve().parents[2] / ".." / "shared" / "cassettes"
CASSETTES = Path(os.environ.get("PRYSM_CASSETTES_DIR") or DEFAULT_CASSETTES).resolve()
"""Recordings to replay: ``<provider>/<source>/**/*.yaml``. ``PRYSM_CASSETTES_DIR`` points the
replay tests at another folder laid out the same way (recordings of another project, say)."""
PROVIDERS = ("openai", "anthropic")
CALLER_RUN_FIELDS = {
    "apply_patch_call": "operation",
    "shell_call": "action",
    "local_shell_call": "action",
    "computer_call": "action",
}
"""Responses API output items the caller runs, and the field holding the model's request."""
OPENAI_RUN_ITEMS = (
    "web_search_call",
    "file_search_call",
    "code_interpreter_call",
    "image_generation_call",
    "mcp_call",
    "tool_search_call",
    "shell_call",  # when it ran in one of OpenAI's containers (see _is_openai_run)
)
"""Responses API output items of tools OpenAI runs itself (``mcp_list_tools`` runs none)."""


@dataclass
class Expected:
    """The span attributes one recorded interaction should produce."""

    request_model: str | None = None
    response_model: str | None = None
    input_tokens: int | None = None
    """As the span reports it: for Anthropic, uncached plus cache read plus cache creation."""
    output_tokens: int | None = None
    cache_read_tokens: int = 0
    cache_creation_tokens: int = 0
    reasoning_tokens: int = 0
    finish_reasons: list[str] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    server_tool_calls: list[dict[str, Any]] = field(default_factory=list)
    """Tools the provider ran itself: id, type, name, and ``server`` for MCP calls."""
    server_tool_requests: dict[str, int] = field(default_factory=dict)
    other_models: list[dict[str, Any]] = field(default_factory=list)
    """Iterations another model ran (an advisor): model and its input and output tokens."""
    """Anthropic's ``usage.server_tool_use`` counts, by field."""
    is_stream: bool = False
    has_end_marker: bool = False
    """A streamed recording holds its closing event (``[DONE]``, ``message_stop`` ...)."""


def cassette_files() -> list[tuple[str, Path]]:
    """Every recording of both providers, as ``(provider, path)``, in a stable order."""
    return [
        (provider, path)
        for provider in PROVIDERS
        for path in sorted((CASSETTES / provider).rglob("*.yaml"))
    ]


def cassette_id(provider: str, path: Path) -> str:
    """``provider/source/stem``: the test id of one recording.

    Recordings in sub-folders keep them (``provider/source/folder/stem``): other projects reuse
    a file name across folders (``test_azure/test_chat`` beside ``test_chat/test_chat``).
    """
    relative = path.relative_to(CASSETTES / provider).with_suffix("")
    return f"{provider}/{relative.as_posix()}"


MODEL_CALL_PATHS = {
    "openai": ("/chat/completions", "/completions", "/embeddings", "/responses"),
    "anthropic": ("/v1/messages", "/v1/complete", "/invoke", "/invoke-with-response-stream"),
}
"""Path endings of the model-call APIs whose calls get a span; other recorded requests (images,
audio, Assistants threads ...) must pass through monitoring unrecorded."""


def is_model_call(provider: str, interaction: Interaction) -> bool:
    return interaction.method == "POST" and interaction.path.endswith(MODEL_CALL_PATHS[provider])


def bedrock_model(interaction: Interaction) -> str | None:
    """The model of a Bedrock ``/model/{id}/invoke...`` call: it is in the path, not the body."""
    parts = interaction.path.split("/")
    if len(parts) == 4 and parts[1] == "model" and parts[3].startswith("invoke"):
        return unquote(parts[2])
    return None


def request_json(interaction: Interaction) -> dict[str, Any] | None:
    """The recorded request body as JSON, or None (no body, or multipart such as audio)."""
    try:
        body = json.loads(interaction.request_body)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def sse_events(body: bytes) -> list[tuple[str | None, str]]:
    """Split a recorded event stream into ``(event name, data)`` pairs."""
    events: list[tuple[str | None, str]] = []
    text = body.decode("utf-8").replace("\r\n", "\n")
    for block in text.split("\n\n"):
        name: str | None = None
        data: list[str] = []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[len("event:") :].strip()
            elif line.startswith("data:"):
                data.append(line[len("data:") :].strip())
        if name is not None or data:
            events.append((name, "\n".join(data)))
    return events


def expected_for(provider: str, interaction: Interaction) -> Expected:
    """Read what the span of ``interaction`` should carry from the recorded bodies."""
    request = request_json(interaction) or {}
    model = request.get("model") or bedrock_model(interaction)
    expected = Expected(request_model=model, is_stream=interaction.is_stream)
    if interaction.status >= 400:
        return expected
    path = interaction.path
    if provider == "anthropic":
        if interaction.is_stream:
            _anthropic_stream(interaction.body, expected)
        else:
            _anthropic_message(json.loads(interaction.body), expected)
    elif path.endswith("/responses"):
        if interaction.is_stream:
            _responses_stream(interaction.body, expected)
        else:
            _responses_object(json.loads(interaction.body), expected)
    elif interaction.is_stream:
        _openai_stream(interaction.body, expected)
    else:
        _openai_object(json.loads(interaction.body), expected)
    return expected


# --- OpenAI chat, completions, embeddings ---------------------------------------------------


def _openai_usage(usage: dict[str, Any], expected: Expected) -> None:
    expected.input_tokens = usage["prompt_tokens"]
    # Embeddings report no completion count: the answer is vectors, not tokens.
    expected.output_tokens = usage.get("completion_tokens")
    expected.cache_read_tokens = (usage.get("prompt_tokens_details") or {}).get(
        "cached_tokens"
    ) or 0
    expected.reasoning_tokens = (usage.get("completion_tokens_details") or {}).get(
        "reasoning_tokens"
    ) or 0


def _openai_object(body: dict[str, Any], expected: Expected) -> None:
    expected.response_model = body["model"]
    if body.get("usage"):
        _openai_usage(body["usage"], expected)
    for choice in body.get("choices", []):
        if choice.get("finish_reason"):
            expected.finish_reasons.append(choice["finish_reason"])
        message = choice.get("message") or {}
        for call in message.get("tool_calls") or []:
            expected.tool_calls.append(
                {
                    "id": call["id"],
                    "type": call["type"],
                    "name": call["function"]["name"],
                    "arguments": call["function"]["arguments"],
                }
            )
        if message.get("function_call"):
            # The deprecated ``functions`` API: one call per choice, without an id.
            function = message["function_call"]
            expected.tool_calls.append(
                {
                    "id": None,
                    "type": "function",
                    "name": function["name"],
                    "arguments": function["arguments"],
                }
            )


def _openai_stream(body: bytes, expected: Expected) -> None:
    finish: dict[int, str] = {}
    calls: dict[int, dict[int, dict[str, Any]]] = {}
    for _, data in sse_events(body):
        if data == "[DONE]":
            expected.has_end_marker = True
            continue
        chunk = json.loads(data)
        expected.response_model = chunk.get("model") or expected.response_model
        if chunk.get("usage"):
            _openai_usage(chunk["usage"], expected)
        for choice in chunk.get("choices") or []:
            index = choice["index"]
            calls.setdefault(index, {})
            if choice.get("finish_reason"):
                finish[index] = choice["finish_reason"]
            message = choice.get("delta") or {}
            for delta in message.get("tool_calls") or []:
                call = calls[index].setdefault(
                    delta["index"], {"id": None, "type": "function", "name": "", "arguments": ""}
                )
                call["id"] = delta.get("id") or call["id"]
                call["type"] = delta.get("type") or call["type"]
                function = delta.get("function") or {}
                call["name"] += function.get("name") or ""
                call["arguments"] += function.get("arguments") or ""
            if message.get("function_call"):
                # The deprecated ``functions`` API streams one id-less call per choice.
                call = calls[index].setdefault(
                    0, {"id": None, "type": "function", "name": "", "arguments": ""}
                )
                call["name"] += message["function_call"].get("name") or ""
                call["arguments"] += message["function_call"].get("arguments") or ""
    expected.finish_reasons = [finish[i] for i in sorted(finish)]
    expected.tool_calls = [
        call for index in sorted(calls) for _, call in sorted(calls[index].items())
    ]


# --- OpenAI Responses -----------------------------------------------------------------------


def _responses_object(response: dict[str, Any], expected: Expected) -> None:
    expected.response_model = response["model"]
    usage = response.get("usage")
    if usage:
        expected.input_tokens = usage["input_tokens"]
        expected.output_tokens = usage["output_tokens"]
        expected.cache_read_tokens = (usage.get("input_tokens_details") or {}).get(
            "cached_tokens"
        ) or 0
        expected.reasoning_tokens = (usage.get("output_tokens_details") or {}).get(
            "reasoning_tokens"
        ) or 0
    for item in response.get("output") or []:
        if item["type"] == "function_call":
            # call_id is what the follow-up function_call_output refers to.
            expected.tool_calls.append(
                {
                    "id": item["call_id"],
                    "type": "function",
                    "name": item["name"],
                    "arguments": item["arguments"],
                }
            )
        elif item["type"] == "custom_tool_call":
            # A custom tool takes free text (``input``) where a function takes JSON arguments.
            expected.tool_calls.append(
                {
                    "id": item["call_id"],
                    "type": "custom",
                    "name": item["name"],
                    "arguments": item["input"],
                }
            )
        elif _is_openai_run(item):
            expected.server_tool_calls.append(_openai_server_call(item))
        elif item["type"] in CALLER_RUN_FIELDS:
            # Built-in tools the caller runs (a patch, shell commands, a computer action).
            tool = item["type"].removesuffix("_call")
            expected.tool_calls.append(
                {
                    "id": item["call_id"],
                    "type": tool,
                    "name": tool,
                    "arguments": json.dumps(item[CALLER_RUN_FIELDS[item["type"]]]),
                }
            )
    # The Responses API has no finish reason; the chat-style equivalent of its outcome.
    incomplete = response.get("incomplete_details") or {}
    if incomplete.get("reason"):
        expected.finish_reasons = [incomplete["reason"]]
    elif expected.tool_calls:
        expected.finish_reasons = ["tool_calls"]
    elif response.get("status") == "completed":
        expected.finish_reasons = ["stop"]


def _is_openai_run(item: dict[str, Any]) -> bool:
    # A tool search can be left to the caller, and a shell run on the caller's machine;
    # only those OpenAI carries out are its own.
    if item["type"] == "shell_call":
        return (item.get("environment") or {}).get("type") in (
            "container_auto",
            "container_reference",
        )
    return item["type"] in OPENAI_RUN_ITEMS and item.get("execution") != "client"


def _openai_server_call(item: dict[str, Any]) -> dict[str, Any]:
    # Named by the MCP tool for an MCP call, else by the tool the item's type is for.
    call = {
        "id": item["id"],
        "type": item["type"],
        "name": item.get("name") or item["type"].removesuffix("_call"),
    }
    if item["type"] == "mcp_call":
        call["server"] = item["server_label"]
    return call


def _responses_stream(body: bytes, expected: Expected) -> None:
    # Until the final response (which says it all), the items seen, by position in the output.
    seen: dict[int, dict[str, Any]] = {}
    for name, data in sse_events(body):
        payload = json.loads(data)
        kind = name or payload.get("type")
        if kind in ("response.output_item.added", "response.output_item.done"):
            if _is_openai_run(payload["item"]):
                seen[payload["output_index"]] = _openai_server_call(payload["item"])
        if kind in ("response.completed", "response.incomplete", "response.failed"):
            expected.has_end_marker = True
            _responses_object(payload["response"], expected)
    if not expected.has_end_marker:
        expected.server_tool_calls = list(seen.values())


# --- Anthropic ------------------------------------------------------------------------------


def _anthropic_usage(usage: dict[str, Any], counts: dict[str, int]) -> None:
    for name in (
        "input_tokens",
        "output_tokens",
        "cache_read_input_tokens",
        "cache_creation_input_tokens",
    ):
        if isinstance(usage.get(name), int):
            counts[name] = usage[name]
    thinking = (usage.get("output_tokens_details") or {}).get("thinking_tokens")
    if isinstance(thinking, int):
        counts["thinking_tokens"] = thinking


def _anthropic_requests(usage: dict[str, Any], expected: Expected) -> None:
    # Server tools are billed per request; each count the answer gives is recorded as given.
    for name, value in (usage.get("server_tool_use") or {}).items():
        if isinstance(value, int) and not isinstance(value, bool):
            expected.server_tool_requests[name] = value
    if "iterations" in usage:
        # The call's own iterations are in its totals; another model's (an advisor) are not.
        expected.other_models = [
            {
                "model": it["model"],
                "input_tokens": it["input_tokens"],
                "output_tokens": it["output_tokens"],
            }
            for it in usage["iterations"]
            if it.get("type") != "message" and it.get("model")
        ]


def _set_anthropic_tokens(counts: dict[str, int], expected: Expected) -> None:
    if not counts:
        return
    cache_read = counts.get("cache_read_input_tokens", 0)
    cache_creation = counts.get("cache_creation_input_tokens", 0)
    expected.input_tokens = counts.get("input_tokens", 0) + cache_read + cache_creation
    expected.output_tokens = counts.get("output_tokens", 0)
    expected.cache_read_tokens = cache_read
    expected.cache_creation_tokens = cache_creation
    expected.reasoning_tokens = counts.get("thinking_tokens", 0)


def _anthropic_tool_call(block: dict[str, Any], arguments: str) -> dict[str, Any]:
    return {"id": block["id"], "type": "function", "name": block["name"], "arguments": arguments}


def _anthropic_server_call(block: dict[str, Any]) -> dict[str, Any] | None:
    """A block of a tool Anthropic runs (web search, an MCP server's tool ...), else None."""
    if block["type"] == "server_tool_use":
        return {"id": block["id"], "type": block["type"], "name": block["name"]}
    if block["type"] == "mcp_tool_use":
        return {
            "id": block["id"],
            "type": block["type"],
            "name": block["name"],
            "server": block["server_name"],
        }
    return None


def _anthropic_message(body: dict[str, Any], expected: Expected) -> None:
    expected.response_model = body["model"]
    counts: dict[str, int] = {}
    _anthropic_usage(body.get("usage") or {}, counts)
    _anthropic_requests(body.get("usage") or {}, expected)
    _set_anthropic_tokens(counts, expected)
    if body.get("stop_reason"):
        expected.finish_reasons = [body["stop_reason"]]
    for block in body.get("content") or []:
        if block["type"] == "tool_use":
            arguments = json.dumps(block["input"])
            expected.tool_calls.append(_anthropic_tool_call(block, arguments))
        server_call = _anthropic_server_call(block)
        if server_call is not None:
            expected.server_tool_calls.append(server_call)


def _anthropic_stream(body: bytes, expected: Expected) -> None:
    counts: dict[str, int] = {}
    calls: dict[int, dict[str, Any]] = {}
    for name, data in sse_events(body):
        payload = json.loads(data)
        kind = name or payload.get("type")
        if kind == "message_start":
            expected.response_model = payload["message"]["model"]
            _anthropic_usage(payload["message"].get("usage") or {}, counts)
            _anthropic_requests(payload["message"].get("usage") or {}, expected)
        elif kind == "content_block_start" and payload["content_block"]["type"] == "tool_use":
            calls[payload["index"]] = _anthropic_tool_call(payload["content_block"], "")
        elif kind == "content_block_start":
            server_call = _anthropic_server_call(payload["content_block"])
            if server_call is not None:
                expected.server_tool_calls.append(server_call)
        elif kind == "content_block_delta" and payload["delta"]["type"] == "input_json_delta":
            # A server tool's input streams the same way; only the caller's tools keep theirs.
            if payload["index"] in calls:
                calls[payload["index"]]["arguments"] += payload["delta"]["partial_json"]
        elif kind == "message_delta":
            if payload["delta"].get("stop_reason"):
                expected.finish_reasons = [payload["delta"]["stop_reason"]]
            _anthropic_usage(payload.get("usage") or {}, counts)
            _anthropic_requests(payload.get("usage") or {}, expected)
        elif kind == "message_stop":
            expected.has_end_marker = True
        elif kind == "completion":
            # The legacy Text Completions stream: its last event carries the stop reason.
            expected.response_model = payload.get("model") or expected.response_model
            if payload.get("stop_reason"):
                expected.finish_reasons = [payload["stop_reason"]]
                expected.has_end_marker = True
    _set_anthropic_tokens(counts, expected)
    expected.tool_calls = [calls[i] for i in sorted(calls)]
