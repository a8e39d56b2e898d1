"""Fast JSON for the recorder's parsing and attribute building (``orjson``)."""

from __future__ import annotations

import json
from typing import Any

import orjson

JSONDecodeError = orjson.JSONDecodeError


def loads(data: bytes | str) -> Any:
    """Parse JSON; raises :class:`JSONDecodeError` (a ``ValueError``) on bad input."""
    return orjson.loads(data)


def dumps(value: Any) -> str:
    """Serialise to compact JSON text; values JSON cannot hold are written as their ``str``.

    orjson stops at 255 levels of nesting; deeper documents go through the standard library.
    """
    try:
        return orjson.dumps(value, default=str).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":"))
