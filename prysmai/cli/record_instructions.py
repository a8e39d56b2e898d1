"""The application's instructions inside one JSONL record, for ``prysmai scan``.

A logged call often carries its system prompt next to what the user sent: a top-level
``system_prompt``, ``system`` or ``instructions`` string, or ``system`` / ``developer`` entries in
a chat ``messages`` list. The user's texts in that record are then checked against those
instructions too (a request for what they forbid or keep secret); the instructions themselves
and the assistant's turns are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from prysmai.cli.record_io import JsonObject

INSTRUCTION_KEYS: Final = frozenset({"system_prompt", "system", "instructions"})
_INSTRUCTION_ROLES: Final = frozenset({"system", "developer"})
_USER_ROLES: Final = frozenset({"user", "tool", "function"})


@dataclass(frozen=True, slots=True)
class RecordInstructions:
    """A record's instructions, and the field paths they apply to."""

    text: str
    not_applied: tuple[str, ...]
    """Path prefixes that are the instructions themselves or another author's turns."""

    def for_path(self, path: str) -> str | None:
        """The instructions to check the field at ``path`` against, or None."""
        for prefix in self.not_applied:
            if path == prefix or path.startswith((prefix + ".", prefix + "#")):
                return None
        return self.text


def record_instructions(record: Any) -> RecordInstructions | None:
    """Return the instructions a record carries, or None when it carries none."""
    if not isinstance(record, JsonObject):
        return None
    texts: list[str] = []
    not_applied: list[str] = []
    for key, value in record:
        if key in INSTRUCTION_KEYS:
            found = _texts(value)
            if found:
                texts.extend(found)
                not_applied.append(key)
        elif key == "messages" and isinstance(value, list):
            for index, message in enumerate(value):
                role = _role(message)
                if role in _INSTRUCTION_ROLES:
                    texts.extend(_texts(_field(message, "content")))
                if role not in _USER_ROLES:
                    not_applied.append(f"messages.{index}")
    joined = "\n".join(text for text in texts if text.strip())
    if not joined:
        return None
    return RecordInstructions(joined, tuple(not_applied))


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
    """Strings of a content value: a string, or the ``text`` of each part in a list."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        parts = [_field(part, "text") for part in value]
        return [part for part in parts if isinstance(part, str)]
    return []
