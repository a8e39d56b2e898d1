"""Every place text travels in a request or answer body, readable and replaceable in place.

Scanning and redaction work on these slots, so that all message contents (strings and array
parts), tool arguments and results, legacy prompts, embedding inputs, Responses API input and
Anthropic system blocks are covered by one walk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class TextSlot:
    """A string inside a JSON container: ``container[key]``."""

    container: Any
    key: Any

    @property
    def text(self) -> str:
        """The string in the slot."""
        return str(self.container[self.key])

    def replace(self, text: str) -> None:
        """Write a new string into the slot."""
        self.container[self.key] = text


def request_slots(wire_format: str, endpoint_name: str, body: Any) -> list[TextSlot]:
    """Return the text slots of a request body."""
    if not isinstance(body, dict):
        return []
    if wire_format == "anthropic":
        return list(_anthropic_request(body))
    return list(_openai_request(endpoint_name, body))


def response_slots(wire_format: str, endpoint_name: str, body: Any) -> list[TextSlot]:
    """Return the text slots of a whole (not streamed) answer body."""
    if not isinstance(body, dict):
        return []
    if wire_format == "anthropic":
        return list(_content_blocks(body.get("content")))
    if endpoint_name == "responses":
        return list(_responses_output(body.get("output")))
    slots: list[TextSlot] = []
    for choice in _listed(body.get("choices")):
        if not isinstance(choice, dict):
            continue
        if isinstance(choice.get("text"), str):
            slots.append(TextSlot(choice, "text"))
        message = choice.get("message")
        if isinstance(message, dict):
            slots.extend(_message(message))
    return slots


def _strings(container: Any, key: Any) -> Iterator[TextSlot]:
    value = container[key]
    if isinstance(value, str):
        yield TextSlot(container, key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                yield TextSlot(value, index)


def _openai_request(endpoint_name: str, body: dict[str, Any]) -> Iterator[TextSlot]:
    if endpoint_name == "chat.completions":
        for message in _listed(body.get("messages")):
            if isinstance(message, dict):
                yield from _message(message)
    elif endpoint_name == "completions" and "prompt" in body:
        yield from _strings(body, "prompt")
    elif endpoint_name == "embeddings" and "input" in body:
        yield from _strings(body, "input")
    elif endpoint_name == "responses":
        if isinstance(body.get("instructions"), str):
            yield TextSlot(body, "instructions")
        if isinstance(body.get("input"), str):
            yield TextSlot(body, "input")
        elif isinstance(body.get("input"), list):
            yield from _responses_items(body["input"])


def _message(message: dict[str, Any]) -> Iterator[TextSlot]:
    content = message.get("content")
    if isinstance(content, str):
        yield TextSlot(message, "content")
    elif isinstance(content, list):
        yield from _parts(content)
    functions = [
        call.get("function") if isinstance(call, dict) else None
        for call in _listed(message.get("tool_calls"))
    ]
    # The deprecated function-calling API: one call, straight on the message.
    functions.append(message.get("function_call"))
    for function in functions:
        if isinstance(function, dict) and isinstance(function.get("arguments"), str):
            yield TextSlot(function, "arguments")


def _listed(value: Any) -> list[Any]:
    """``value`` if it is a list, else an empty one: malformed bodies are walked, not fatal."""
    return value if isinstance(value, list) else []


def _parts(parts: list[Any]) -> Iterator[TextSlot]:
    for part in parts:
        if isinstance(part, dict) and isinstance(part.get("text"), str):
            yield TextSlot(part, "text")


def _responses_items(items: list[Any]) -> Iterator[TextSlot]:
    for item in items:
        if not isinstance(item, dict):
            continue
        content = item.get("content")
        if isinstance(content, str):
            yield TextSlot(item, "content")
        elif isinstance(content, list):
            yield from _parts(content)
        for key in ("output", "arguments"):
            if isinstance(item.get(key), str):
                yield TextSlot(item, key)


def _responses_output(items: Any) -> Iterator[TextSlot]:
    if isinstance(items, list):
        yield from _responses_items(items)


def _anthropic_request(body: dict[str, Any]) -> Iterator[TextSlot]:
    if "system" in body:
        if isinstance(body["system"], str):
            yield TextSlot(body, "system")
        else:
            yield from _content_blocks(body["system"])
    if isinstance(body.get("prompt"), str):
        yield TextSlot(body, "prompt")
    for message in _listed(body.get("messages")):
        if not isinstance(message, dict):
            continue
        if isinstance(message.get("content"), str):
            yield TextSlot(message, "content")
        else:
            yield from _content_blocks(message.get("content"))


def _content_blocks(blocks: Any) -> Iterator[TextSlot]:
    if not isinstance(blocks, list):
        return
    for block in blocks:
        if not isinstance(block, dict):
            continue
        if isinstance(block.get("text"), str):
            yield TextSlot(block, "text")
        kind = block.get("type")
        if kind in ("tool_result", "search_result"):
            if isinstance(block.get("content"), str):
                yield TextSlot(block, "content")
            else:
                yield from _content_blocks(block.get("content"))
        elif kind == "document":
            yield from _document_source(block.get("source"))


def _document_source(source: Any) -> Iterator[TextSlot]:
    """A document's own text: a plain-text source, or content blocks (PDFs are not read)."""
    if not isinstance(source, dict):
        return
    if source.get("type") == "text" and isinstance(source.get("data"), str):
        yield TextSlot(source, "data")
    elif source.get("type") == "content":
        if isinstance(source.get("content"), str):
            yield TextSlot(source, "content")
        else:
            yield from _content_blocks(source.get("content"))


# Keys whose string values are protocol vocabulary, never user text.
_STRUCTURAL_KEYS = frozenset(
    {
        "model",
        "role",
        "type",
        "id",
        "tool_call_id",
        "call_id",
        "object",
        "encoding_format",
        "detail",
        "format",
        "tool_choice",
        "reasoning_effort",
        "service_tier",
    }
)


_DATA_URL_RE = re.compile(r"data:[a-z]+/[\w.+-]+(?:;[\w.+-]+=[\w.+-]+)*(?:;base64)?,", re.I)
"""An inline file (``data:image/png;base64,...``): its bytes are no text. Only the real form:
a text that merely begins "data:" is read like any other."""
_SIGNED_BLOCKS = frozenset({"thinking", "redacted_thinking"})
"""Anthropic's thinking blocks travel back signed: the provider refuses one whose text changed."""


def all_string_slots(body: Any) -> list[TextSlot]:
    """Return every string value in a JSON body that could carry user text.

    Walks iteratively, so a deeply nested body cannot exhaust the stack. Protocol fields
    (model, role, ids ...), inline ``data:`` URLs (base64 images and files) and signed thinking
    blocks are skipped.
    """
    slots: list[TextSlot] = []
    pending: list[Any] = [body]
    while pending:
        container = pending.pop()
        items = container.items() if isinstance(container, dict) else enumerate(container)
        for key, value in items:
            if isinstance(value, str):
                if key in _STRUCTURAL_KEYS or _DATA_URL_RE.match(value) is not None:
                    continue
                slots.append(TextSlot(container, key))
            elif isinstance(value, dict):
                if value.get("type") not in _SIGNED_BLOCKS:
                    pending.append(value)
            elif isinstance(value, list):
                pending.append(value)
    return slots


_INSTRUCTION_ROLES = frozenset({"system", "developer"})
_INPUT_ROLES = frozenset({"user", "tool", "function"})


def instructions_and_inputs(
    wire_format: str, endpoint_name: str, body: Any
) -> tuple[list[str], list[str]]:
    """Return a request's instructions (system and developer texts) and its inputs.

    Inputs are what users and tools sent: user messages and tool results. Assistant turns are
    neither. Endpoints without roles (completions, embeddings) have no instructions.
    """
    instructions: list[str] = []
    inputs: list[str] = []
    if not isinstance(body, dict):
        return instructions, inputs
    if wire_format == "anthropic":
        system = body.get("system")
        if isinstance(system, str):
            instructions.append(system)
        else:
            instructions.extend(slot.text for slot in _content_blocks(system))
        messages = _listed(body.get("messages"))
        for message in messages:
            if isinstance(message, dict) and message.get("role") == "user":
                if isinstance(message.get("content"), str):
                    inputs.append(message["content"])
                else:
                    inputs.extend(slot.text for slot in _content_blocks(message.get("content")))
    elif endpoint_name == "chat.completions":
        _sort_by_role(_listed(body.get("messages")), instructions, inputs)
    elif endpoint_name == "responses":
        if isinstance(body.get("instructions"), str):
            instructions.append(body["instructions"])
        if isinstance(body.get("input"), str):
            inputs.append(body["input"])
        else:
            items = _listed(body.get("input"))
            _sort_by_role(items, instructions, inputs)
            for item in items:
                if isinstance(item, dict) and str(item.get("type", "")).endswith("_output"):
                    output = item.get("output")
                    if isinstance(output, str):
                        inputs.append(output)
                    elif isinstance(output, list):
                        inputs.extend(slot.text for slot in _parts(output))
    return instructions, inputs


def _sort_by_role(messages: list[Any], instructions: list[str], inputs: list[str]) -> None:
    for message in messages:
        if not isinstance(message, dict):
            continue
        role = message.get("role")
        if not isinstance(role, str):  # a list or object here must not stop the walk
            continue
        target = (
            instructions if role in _INSTRUCTION_ROLES else inputs if role in _INPUT_ROLES else None
        )
        if target is None:
            continue
        content = message.get("content")
        if isinstance(content, str):
            target.append(content)
        elif isinstance(content, list):
            target.extend(slot.text for slot in _parts(content))


def embedded_instructions(wire_format: str | None, body: Any) -> list[str]:
    """The system and developer texts inside a request that is no model call.

    Token counts carry a whole Messages or Responses body, a message batch one per request
    (``requests[].params``), and conversations their items; their instructions are read as
    the application's own, as in a model call.
    """
    if not isinstance(body, dict):
        return []
    if wire_format == "anthropic":
        shaped = [body] + [
            request.get("params")
            for request in _listed(body.get("requests"))
            if isinstance(request, dict)
        ]
        return [
            text
            for part in shaped
            for text in instructions_and_inputs("anthropic", "messages", part)[0]
        ]
    found = instructions_and_inputs("openai", "responses", body)[0]
    found += instructions_and_inputs("openai", "responses", {"input": body.get("items")})[0]
    found += instructions_and_inputs("openai", "chat.completions", body)[0]
    return found
