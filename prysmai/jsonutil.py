"""Fast JSON for the recorder's parsing and attribute building (``orjson``)."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

JSONDecodeError = orjson.JSONDecodeError


def loads(data: bytes | str) -> Any:
    """Parse JSON; raises :class:`JSONDecodeError` (a ``ValueError``) on bad input.

    orjson reads an integer beyond 64 bits as a float (``2**64`` becomes ``1.8e19``), which a
    request rewritten after redaction would then send changed: a document holding a run of
    19 or more digits is parsed by the standard library, which keeps every integer exact.
    """
    long_number = _LONG_DIGITS_BYTES if isinstance(data, bytes) else _LONG_DIGITS_TEXT
    if long_number.search(data) is not None:  # type: ignore[arg-type]
        try:
            return json.loads(data)
        except RecursionError:
            pass  # deeper than the standard library goes: orjson's answer (or error) stands
        except ValueError as error:
            raise JSONDecodeError(str(error), "", 0) from error
    return orjson.loads(data)


_LONG_DIGITS_BYTES = re.compile(rb"\d{19}")
_LONG_DIGITS_TEXT = re.compile(r"\d{19}")


def dumps(value: Any) -> str:
    """Serialise to compact JSON text; values JSON cannot hold are written as their ``str``.

    orjson stops at 255 levels of nesting; deeper documents go through the standard library.
    """
    try:
        return orjson.dumps(value, default=str).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":"))
