"""OpenAI chat ``messages`` -> Anthropic's top-level ``system`` and alternating ``messages``.

Anthropic keeps the system prompt out of the conversation, carries tool calls and tool results
as content blocks (``tool_use`` in the assistant turn, ``tool_result`` in the next user turn)
and expects user and assistant turns to alternate, so consecutive messages of one role are
merged into one turn. What has no Anthropic form raises :class:`TranslationError`.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass, field
from typing import Any, Final

from prysmai import jsonutil
from prysmai.providers.anthropic_translation.errors import TranslationError

Block = dict[str, Any]

# Media types Anthropic accepts for images (its image block's ``media_type`` enum).
_IMAGE_TYPES: Final = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
_DATA_URL: Final = re.compile(r"^data:([\w.+-]+/[\w.+-]+);base64,(.*)$", re.DOTALL)
# Keys an app may echo back from a previous answer; they carry nothing when empty.
_EMPTY_ECHO_KEYS: Final = frozenset(
    {"refusal", "audio", "function_call", "annotations", "tool_calls", "tool_call_id"}
)
_MESSAGE_KEYS: Final = {
    "assistant": frozenset({"role", "content", "name", "tool_calls"}),
    "tool": frozenset({"role", "content", "tool_call_id"}),
}
_DEFAULT_KEYS: Final = frozenset({"role", "content", "name"})


@dataclass
class _Turn:
    """One Anthropic message being built; ``plain`` keeps a lone string content as a string."""

    role: str
    blocks: list[Block] = field(default_factory=list)
    plain: str | None = None

    def add(self, blocks: list[Block], plain: str | None) -> None:
        if not self.blocks and self.plain is None:
            self.blocks, self.plain = blocks, plain
            return
        if self.plain is not None:
            self.blocks, self.plain = [{"type": "text", "text": self.plain}], None
        self.blocks.extend(blocks if plain is None else [{"type": "text", "text": plain}])

    def content(self) -> str | list[Block]:
        if self.plain is not None:
            return self.plain
        # Anthropic requires tool results to open the user turn they sit in.
        results = [b for b in self.blocks if b.get("type") == "tool_result"]
        return results + [b for b in self.blocks if b.get("type") != "tool_result"]


def convert_messages(messages: Any) -> tuple[str | list[Block] | None, list[dict[str, Any]]]:
    """Split OpenAI chat messages into Anthropic's ``system`` and ``messages``.

    Args:
        messages: The ``messages`` list of a chat-completions request.

    Returns:
        The ``system`` value (``None`` when there is no system prompt) and the messages.

    Raises:
        TranslationError: A message has a role, field or content part Anthropic cannot carry.
    """
    if not isinstance(messages, list):
        raise TranslationError("'messages' must be a list of messages", param="messages")
    system: list[Block] = []
    turns: list[_Turn] = []
    for index, message in enumerate(messages):
        where = f"messages[{index}]"
        if not isinstance(message, dict):
            raise TranslationError(f"{where} must be an object", param=where)
        role = message.get("role")
        _check_keys(message, role, where)
        if role in ("system", "developer"):
            system.extend(_text_blocks(message.get("content"), where))
            continue
        if role == "user":
            blocks, plain = _user_content(message.get("content"), where)
            anthropic_role = "user"
        elif role == "assistant":
            blocks, plain = _assistant_content(message, where)
            anthropic_role = "assistant"
        elif role == "tool":
            blocks, plain = [_tool_result(message, where)], None
            anthropic_role = "user"
        else:
            raise TranslationError(
                f"{where}.role {role!r} has no Anthropic equivalent (legacy 'function' "
                "messages included: send 'tool' messages instead)",
                param=f"{where}.role",
            )
        if not turns or turns[-1].role != anthropic_role:
            turns.append(_Turn(anthropic_role))
        turns[-1].add(blocks, plain)
    return _system_value(system), [{"role": t.role, "content": t.content()} for t in turns]


def _check_keys(message: dict[str, Any], role: Any, where: str) -> None:
    allowed = _MESSAGE_KEYS.get(role, _DEFAULT_KEYS) if isinstance(role, str) else _DEFAULT_KEYS
    for key, value in message.items():
        if key in allowed:
            if key == "name" and value is not None:
                raise TranslationError(
                    f"{where}.name: Anthropic messages have no participant names; put the "
                    "name in the message text instead",
                    param=f"{where}.name",
                )
            continue
        if key in _EMPTY_ECHO_KEYS and value in (None, [], ""):
            continue
        raise TranslationError(
            f"{where}.{key} cannot be expressed in Anthropic's Messages API",
            param=f"{where}.{key}",
        )


def _system_value(blocks: list[Block]) -> str | list[Block] | None:
    if not blocks:
        return None
    if len(blocks) == 1 and "cache_control" not in blocks[0]:
        return str(blocks[0]["text"])
    return blocks


def _text_blocks(content: Any, where: str) -> list[Block]:
    """Text-only content (system, developer and tool messages)."""
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    if not isinstance(content, list):
        raise TranslationError(f"{where}.content must be a string or a list of parts", param=where)
    blocks = []
    for number, part in enumerate(content):
        if not isinstance(part, dict) or part.get("type") != "text":
            raise TranslationError(
                f"{where}.content[{number}]: only text parts are allowed here",
                param=f"{where}.content",
            )
        blocks.append(_text_part(part, f"{where}.content[{number}]"))
    return blocks


def _text_part(part: dict[str, Any], where: str) -> Block:
    text = part.get("text")
    if not isinstance(text, str):
        raise TranslationError(f"{where}.text must be a string", param=where)
    extra = set(part) - {"type", "text", "cache_control"}
    if extra:
        raise TranslationError(f"{where}: unsupported field(s) {sorted(extra)}", param=where)
    block: Block = {"type": "text", "text": text}
    # Not OpenAI's, but the only way to ask Anthropic for prompt caching through this format.
    if part.get("cache_control") is not None:
        block["cache_control"] = part["cache_control"]
    return block


def _user_content(content: Any, where: str) -> tuple[list[Block], str | None]:
    if isinstance(content, str):
        return [], content
    if not isinstance(content, list):
        raise TranslationError(f"{where}.content must be a string or a list of parts", param=where)
    blocks = []
    for number, part in enumerate(content):
        part_where = f"{where}.content[{number}]"
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            blocks.append(_text_part(part, part_where))
        elif kind == "image_url":
            extra = set(part) - {"type", "image_url"}
            if extra:
                raise TranslationError(
                    f"{part_where}: unsupported field(s) {sorted(extra)}", param=part_where
                )
            blocks.append(_image_block(part.get("image_url"), part_where))
        else:
            raise TranslationError(
                f"{part_where}: content parts of type {kind!r} cannot be sent to Anthropic "
                "through this translation (text and image_url parts can)",
                param=part_where,
            )
    return blocks, None


def _image_block(image: Any, where: str) -> Block:
    url = image.get("url") if isinstance(image, dict) else None
    if not isinstance(url, str):
        raise TranslationError(f"{where}.image_url.url must be a string", param=where)
    extra = set(image) - {"url", "detail"}
    if extra:
        raise TranslationError(
            f"{where}.image_url: unsupported field(s) {sorted(extra)}", param=where
        )
    if image.get("detail") not in (None, "auto"):
        raise TranslationError(
            f"{where}.image_url.detail {image['detail']!r}: Anthropic has no image detail "
            "setting; leave it out or use 'auto'",
            param=where,
        )
    if url.startswith(("http://", "https://")):
        return {"type": "image", "source": {"type": "url", "url": url}}
    match = _DATA_URL.match(url)
    if match is None:
        raise TranslationError(
            f"{where}.image_url.url must be an http(s) URL or a base64 data: URL", param=where
        )
    media_type, data = match.group(1).lower(), match.group(2)
    if media_type not in _IMAGE_TYPES:
        raise TranslationError(
            f"{where}: image type {media_type!r} is not accepted by Anthropic "
            f"(use one of {sorted(_IMAGE_TYPES)})",
            param=where,
        )
    try:
        if not binascii.a2b_base64(data):
            raise binascii.Error("no data")
    except binascii.Error as error:
        raise TranslationError(f"{where}: the data: URL is not valid base64", param=where) from (
            error
        )
    return {"type": "image", "source": {"type": "base64", "media_type": media_type, "data": data}}


def _assistant_content(message: dict[str, Any], where: str) -> tuple[list[Block], str | None]:
    content = message.get("content")
    calls = message.get("tool_calls") or []
    if not isinstance(calls, list):
        raise TranslationError(f"{where}.tool_calls must be a list", param=f"{where}.tool_calls")
    if isinstance(content, str) and not calls:
        return [], content
    blocks: list[Block] = []
    if isinstance(content, str):
        # Anthropic rejects empty text blocks; an empty string next to tool calls says nothing.
        if content:
            blocks.append({"type": "text", "text": content})
    elif content is not None:
        blocks.extend(_text_blocks(content, where))
    blocks.extend(_tool_use(call, f"{where}.tool_calls[{n}]") for n, call in enumerate(calls))
    return blocks, None


def _tool_use(call: Any, where: str) -> Block:
    function = call.get("function") if isinstance(call, dict) else None
    if not isinstance(function, dict) or call.get("type", "function") != "function":
        raise TranslationError(f"{where} must be a function tool call", param=where)
    arguments = function.get("arguments")
    if arguments is None or (isinstance(arguments, str) and not arguments.strip()):
        parsed: Any = {}
    else:
        try:
            parsed = jsonutil.loads(arguments) if isinstance(arguments, str) else None
        except ValueError:
            parsed = None
    if not isinstance(parsed, dict):
        raise TranslationError(
            f"{where}.function.arguments must be a JSON object in a string: Anthropic's "
            "tool_use input is an object",
            param=where,
        )
    return {"type": "tool_use", "id": call.get("id"), "name": function.get("name"), "input": parsed}


def _tool_result(message: dict[str, Any], where: str) -> Block:
    call_id = message.get("tool_call_id")
    if not isinstance(call_id, str):
        raise TranslationError(f"{where}.tool_call_id must be a string", param=where)
    content = message.get("content")
    value: str | list[Block] = content if isinstance(content, str) else _text_blocks(content, where)
    return {"type": "tool_result", "tool_use_id": call_id, "content": value}
