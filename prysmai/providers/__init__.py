"""Wire formats of the providers: reading requests and answers into :class:`CallDetails`."""

from __future__ import annotations

import zlib
from typing import Any

from prysmai import jsonutil
from prysmai.faults import report_fault
from prysmai.providers.details import CallDetails, OutputChoice, ServerToolCall, ToolCall

__all__ = [
    "CallDetails",
    "OutputChoice",
    "ServerToolCall",
    "ToolCall",
    "decode_body",
    "read_call",
]


def decode_body(body: bytes, content_encoding: str | None) -> bytes:
    """Undo ``Content-Encoding`` on recorded response bytes (gzip, deflate; br/zstd if installed).

    The transport sees the bytes as they came off the wire, before the HTTP client decodes them.
    """
    if not body or not content_encoding:
        return body
    for coding in reversed([c.strip().lower() for c in content_encoding.split(",")]):
        if coding in ("gzip", "x-gzip"):
            body = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(body)
        elif coding == "deflate":
            try:
                body = zlib.decompress(body)
            except zlib.error:
                body = zlib.decompress(body, -zlib.MAX_WBITS)
        elif coding == "br":
            body = _decompress_optional("brotli", body)
        elif coding == "zstd":
            body = _decompress_optional("zstandard", body)
    return body


def _decompress_optional(module_name: str, body: bytes) -> bytes:
    import importlib

    module: Any = importlib.import_module(module_name)
    if module_name == "zstandard":
        return bytes(module.ZstdDecompressor().decompressobj().decompress(body))
    return bytes(module.decompress(body))


def read_call(
    wire_format: str,
    endpoint_name: str,
    request_body: bytes | None,
    response_body: bytes,
    status_code: int,
) -> CallDetails:
    """Parse one call's request and answer bodies in the given wire format."""
    details = CallDetails()
    request = _load_json(request_body)
    if wire_format == "anthropic":
        from prysmai.providers import anthropic as reader
    else:
        from prysmai.providers import openai as reader  # type: ignore[no-redef]
    # A body of an unexpected shape must not cost the call its span: each part is read on its
    # own, and what one part could not read is simply missing from the span.
    if request is not None:
        _read_part(reader.read_request, endpoint_name, request, details)
    if status_code >= 400:
        _read_part(reader.read_error, response_body, details)
    elif response_body:
        _read_part(reader.read_response, endpoint_name, response_body, details)
    return details


def _read_part(reader: Any, *args: Any) -> None:
    try:
        reader(*args)
    except Exception:
        report_fault("parsing an unexpected body", in_background=True)


def _load_json(body: bytes | None) -> dict[str, Any] | None:
    if not body:
        return None
    try:
        value = jsonutil.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None
