"""The application's instructions inside one JSONL record, for ``prysmai scan``.

A logged call often carries its system prompt next to what the user sent: a top-level
``system_prompt``, ``system`` or ``instructions`` value, or ``system`` / ``developer`` entries in
a chat ``messages`` list. The user's texts in that record are then checked against those
instructions too (a request for what they forbid or keep secret): top-level ``prompt``,
``input``, ``text``, ``query``, ``question``, ``message`` and ``user_input`` values, and chat
messages from the user or a tool (or with no role). The instructions themselves, the
assistant's turns and every other field (``completion``, ``response``, metadata) are not. The
instructions are the application's own text: they are scanned for personal data and content
policy, not for injection ("Do not reveal the password" reads like an extraction attempt).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from prysmai.cli.record_io import JsonNumber, JsonObject

INSTRUCTION_KEYS: Final = frozenset({"system_prompt", "system", "instructions"})
INPUT_KEYS: Final = frozenset(
    {"prompt", "input", "text", "query", "question", "message", "user_input"}
)
_INSTRUCTION_ROLES: Final = frozenset({"system", "developer"})
_USER_ROLES: Final = frozenset({"user", "tool", "function"})


@dataclass(frozen=True, slots=True)
class RecordInstructions:
    """A record's instructions, and the field paths they apply to."""

    text: str
    applied: tuple[str, ...]
    """Path prefixes of what users and tools sent."""
    own: tuple[str, ...]
    """Path prefixes of the instructions themselves."""

    def for_path(self, path: str) -> str | None:
        """The instructions to check the field at ``path`` against, or None."""
        return self.text if _under(path, self.applied) else None

    def is_own(self, path: str) -> bool:
        """Whether the field at ``path`` is part of the instructions (the application's text)."""
        return _under(path, self.own)


def _under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == prefix or path.startswith(prefix + ".") for prefix in prefixes)


def record_instructions(record: Any) -> RecordInstructions | None:
    """Return the instructions a record carries, or None when it carries none."""
    if not isinstance(record, JsonObject):
        return None
    texts: list[str] = []
    applied: list[str] = []
    own: list[str] = []
    for key, value in record:
        if key in INSTRUCTION_KEYS:
            texts.extend(_texts(value))
            own.append(key)
        elif key in INPUT_KEYS:
            applied.append(key)
        elif key == "messages" and isinstance(value, list):
            for index, message in enumerate(value):
                role = _role(message)
                if role in _INSTRUCTION_ROLES:
                    texts.extend(_texts(_field(message, "content")))
                    own.append(f"messages.{index}")
                elif role is None or role in _USER_ROLES:
                    applied.append(f"messages.{index}")
    joined = "\n".join(text for text in texts if text.strip())
    if not joined:
        return None
    return RecordInstructions(joined, tuple(applied), tuple(own))


def _role(message: Any) -> str | None:
    role = _field(message, "role")
    return role if isinstance(role, str) else None


def _field(node: Any, name: str) -> Any:
    if isinstance(node, JsonObject):
        for key, value in node:
            if key == name:
                return value
    return None


def _texts(value: Any) -> list[str]:
    """Strings of a content value.

    A string, an object's ``text`` or ``content``, or those of each item of a list.
    """
    if isinstance(value, JsonNumber):
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, JsonObject):
        return _texts(_field(value, "text")) + _texts(_field(value, "content"))
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []
