"""Server-sent-event answer bodies, as providers stream them, for recorded interactions."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any


def named_events(events: Iterable[dict[str, Any]]) -> str:
    """Each event named after its ``type``, as Anthropic and the Responses API send them."""
    return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events)


def data_events(events: Iterable[Any], *, done: bool = False) -> str:
    """Unnamed ``data:`` events, as chat completions stream, optionally ending in ``[DONE]``."""
    lines = "".join(f"data: {json.dumps(event)}\n\n" for event in events)
    return lines + ("data: [DONE]\n\n" if done else "")
