"""Replay recorded provider interactions (vcrpy YAML cassettes) on a loopback port.

`CassetteServer` serves the responses of a cassette, byte for byte, to a real SDK pointed at
its `base_url`; streams are sent chunked, one server-sent event per chunk, so the SDK parses
them incrementally as it would in production:

    with CassetteServer("chat_streaming.yaml") as server:
        client = OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0)
        ...
        assert server.unused == 0

`load_cassette` returns the recorded values for assertions.
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from prysmai.providers import decode_body
from prysmai.testing.fake_openai import Exchange, LoopbackServer, RecordedRequest

logger = logging.getLogger(__name__)

Headers = tuple[tuple[str, str], ...]

# Framing headers describe the recorded connection, not the bytes replayed here.
_FRAMING_HEADERS: Final = frozenset(
    {"content-length", "transfer-encoding", "connection", "keep-alive", "content-encoding"}
)
_EVENT_END = re.compile(rb"\r\n\r\n|\n\n|\r\r")
# SDKs put the API version in base_url for these hosts; Anthropic's SDK adds /v1 itself.
_ROOT_BASE_URL_HOSTS: Final = frozenset({"api.anthropic.com"})
_VERSION_SEGMENT = re.compile(r"^v\d+(?:alpha|beta)?\d*$")
_REPEATED_SLASHES = re.compile(r"/{2,}")


@dataclass(frozen=True)
class Interaction:
    """One recorded request and its response."""

    method: str
    uri: str
    request_body: bytes
    status: int
    headers: Headers
    """Response headers as recorded, in order (several pairs for a repeated header)."""
    body: bytes
    """Response body, decompressed when the recording was compressed."""
    reason: str = ""
    request_headers: Headers = ()
    body_encoding: str | None = None
    """The `Content-Encoding` `body` still has (None: plain bytes)."""

    @property
    def path(self) -> str:
        """The request path, without scheme, host or query.

        Repeated slashes are folded: a base URL with a trailing slash records ``//openai/...``
        where the server saw, and an SDK sends, ``/openai/...``.
        """
        return _REPEATED_SLASHES.sub("/", urlsplit(self.uri).path) or "/"

    @property
    def host(self) -> str:
        """The host the request went to."""
        return urlsplit(self.uri).hostname or ""

    @property
    def content_type(self) -> str | None:
        """The recorded content type, or one sniffed from the body when none was recorded."""
        recorded = _header(self.headers, "content-type")
        if recorded is not None:
            return recorded
        start = self.body.lstrip()[:6]
        if start.startswith((b"event:", b"data:")):
            return "text/event-stream; charset=utf-8"
        if start.startswith((b"{", b"[")):
            return "application/json"
        return None

    @property
    def is_stream(self) -> bool:
        """Whether the response is a server-sent event stream."""
        return (self.content_type or "").lower().startswith("text/event-stream")

    def replay_headers(self) -> list[tuple[str, str]]:
        """Return the headers to send: recorded ones minus framing, plus what is missing."""
        headers = [(k, v) for k, v in self.headers if k.lower() not in _FRAMING_HEADERS]
        if _header(self.headers, "content-type") is None and self.content_type is not None:
            headers.append(("Content-Type", self.content_type))
        if self.body_encoding is not None:
            headers.append(("Content-Encoding", self.body_encoding))
        return headers


def load_cassette(path: str | os.PathLike[str]) -> list[Interaction]:
    """Parse a vcrpy YAML cassette.

    Args:
        path: The cassette file.

    Returns:
        The interactions in recorded order.

    Raises:
        ValueError: If the file is not a vcrpy cassette.
        ImportError: If PyYAML is not installed.
    """
    try:
        import yaml  # a test extra: imported only when a cassette is read
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("reading cassettes needs PyYAML: pip install 'prysmai[test]'") from error

    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ValueError(f"{path} is not valid YAML: {error}") from error
    if not isinstance(document, Mapping) or not isinstance(document.get("interactions"), list):
        raise ValueError(f"{path} is not a vcrpy cassette: no 'interactions' list at the top")
    return [_interaction(item, path) for item in document["interactions"]]


def _interaction(item: object, path: str | os.PathLike[str]) -> Interaction:
    if not isinstance(item, Mapping):
        raise ValueError(f"{path}: an interaction is not a mapping")
    request, response = item.get("request"), item.get("response")
    if not isinstance(request, Mapping) or not isinstance(response, Mapping):
        raise ValueError(f"{path}: an interaction lacks its request or response")

    headers = _headers(response.get("headers"))
    if "parsed_body" in response:
        # Some projects store JSON bodies parsed (already decompressed), not as text.
        body, encoding = _parsed_body_bytes(response["parsed_body"]), None
    elif (typed := _typed_body_bytes(response.get("body"))) is not None:
        body, encoding = typed, None
    else:
        body, encoding = _decode(
            _body_bytes(response.get("body")), _header(headers, "content-encoding")
        )
    status = response.get("status")
    code = status.get("code") if isinstance(status, Mapping) else status
    reason = status.get("message") if isinstance(status, Mapping) else None
    return Interaction(
        method=str(request.get("method", "GET")).upper(),
        uri=str(request.get("uri", "")),
        request_body=_request_body(request),
        status=int(code) if isinstance(code, int | str) else 200,
        headers=headers,
        body=body,
        reason=str(reason or ""),
        request_headers=_headers(request.get("headers")),
        body_encoding=encoding,
    )


def _request_body(request: Mapping[str, object]) -> bytes:
    if "parsed_body" in request:
        return _parsed_body_bytes(request["parsed_body"])
    typed = _typed_body_bytes(request.get("body"))
    return typed if typed is not None else _body_bytes(request.get("body"))


def _typed_body_bytes(raw: object) -> bytes | None:
    """Return a body stored as ``{type: json|text, content: ...}``, or None for other forms.

    pydantic-ai's newer recordings keep bodies so: the JSON value parsed into the YAML, or the
    text (already decoded); both are returned as they were sent.
    """
    if not isinstance(raw, Mapping) or "content" not in raw:
        return None
    if raw.get("type") == "json":
        return _parsed_body_bytes(raw["content"])
    if raw.get("type") == "text":
        return _body_bytes(raw["content"])
    return None


def _body_bytes(raw: object) -> bytes:
    """Return a recorded body: text, `!!binary` bytes, or a `{string|base64_string: ...}` map."""
    if raw is None:
        return b""
    if isinstance(raw, bytes):
        return raw
    if isinstance(raw, str):
        return raw.encode("utf-8")
    if isinstance(raw, Mapping):
        if "string" in raw:
            return _body_bytes(raw["string"])
        if "base64_string" in raw:
            return base64.b64decode(str(raw["base64_string"]))
    raise ValueError(f"unsupported recorded body of type {type(raw).__name__}")


def _parsed_body_bytes(parsed: object) -> bytes:
    """Return a body recorded as parsed JSON (a mapping or list in the YAML) as JSON bytes."""
    if isinstance(parsed, str):
        return parsed.encode("utf-8")
    return json.dumps(parsed, ensure_ascii=False, default=str).encode("utf-8")


def _headers(raw: object) -> Headers:
    if not isinstance(raw, Mapping):
        return ()
    pairs: list[tuple[str, str]] = []
    for name, values in raw.items():
        for value in values if isinstance(values, list) else [values]:
            pairs.append((str(name), str(value)))
    return tuple(pairs)


def _header(headers: Headers, name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name), None)


def _decode(body: bytes, encoding: str | None) -> tuple[bytes, str | None]:
    """Decompress `body` if it really is compressed; return it and its remaining encoding."""
    kind = (encoding or "").strip().lower()
    if kind in ("", "identity"):
        return body, None
    try:
        if kind in ("gzip", "x-gzip"):
            # vcrpy may have decoded the body already and left the header behind.
            return (gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body), None
        if kind in ("deflate", "br", "zstd"):
            # Brotli and Zstandard where the test extra's brotli / zstandard are installed.
            return decode_body(body, kind), None
    except ImportError:  # the SDK's own client decodes it, if it can
        pass
    except Exception:  # zlib.error, OSError, brotli.error, zstandard.ZstdError ...
        logger.warning("A recorded %s body could not be decoded; it is replayed as is.", kind)
    return body, encoding


def split_events(body: bytes) -> list[bytes]:
    """Split a recorded event stream into events, each with its terminating blank line."""
    events: list[bytes] = []
    start = 0
    for match in _EVENT_END.finditer(body):
        events.append(body[start : match.end()])
        start = match.end()
    if start < len(body):
        events.append(body[start:])
    return events


def api_prefix(interactions: list[Interaction]) -> str:
    """Return the path prefix an SDK's `base_url` carries for these recordings (e.g. `/v1`)."""
    if not interactions or all(i.host in _ROOT_BASE_URL_HOSTS for i in interactions):
        return ""
    segment_lists = [interaction.path.split("/")[1:] for interaction in interactions]
    first_segments = {segments[0] for segments in segment_lists}
    if len(first_segments) == 1:
        segment = first_segments.pop()
        if _VERSION_SEGMENT.match(segment):
            # Gemini's OpenAI-compatible API lives under /v1beta/openai.
            if all(segments[1:2] == ["openai"] for segments in segment_lists):
                return f"/{segment}/openai"
            return "/" + segment
    return ""


class CassetteServer(LoopbackServer):
    """Serve a vcrpy cassette's responses on a loopback port, in recorded order.

    A request gets the first not yet used interaction with the same method and path (the
    query string is ignored). A request with none left gets a 404 whose error type is
    `cassette_mismatch`, and is kept in `unmatched`.

    Args:
        cassette_path: The vcrpy YAML file.
        chunk_delay_s: Pause between two events of a replayed stream.
        path_prefix: The prefix of `base_url`; guessed from the recorded paths when None
            (`/v1` for OpenAI recordings, none for Anthropic's, whose SDK adds `/v1`).
        allow_repeats: Answer again with the last matching interaction once all are used.
        host: The loopback address to listen on.
    """

    def __init__(
        self,
        cassette_path: str | os.PathLike[str],
        *,
        chunk_delay_s: float = 0.0,
        path_prefix: str | None = None,
        allow_repeats: bool = False,
        host: str = "127.0.0.1",
    ) -> None:
        self.cassette_path = Path(cassette_path)
        self.interactions = load_cassette(self.cassette_path)
        self.chunk_delay_s = chunk_delay_s
        self.path_prefix = api_prefix(self.interactions) if path_prefix is None else path_prefix
        self.allow_repeats = allow_repeats
        self.unmatched: list[RecordedRequest] = []
        self._used = [False] * len(self.interactions)
        self._take_lock = threading.Lock()
        super().__init__(host=host)

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT` plus the recorded API prefix: the SDK's `base_url`."""
        return self.root_url + self.path_prefix

    @property
    def unused(self) -> int:
        """How many recorded interactions have not been served yet."""
        with self._take_lock:
            return self._used.count(False)

    def _answer(self, exchange: Exchange) -> None:
        request = exchange.request
        path = urlsplit(request.path).path
        interaction = self._take(request.method, path)
        if interaction is None:
            self._refuse(exchange, path)
            return

        headers = interaction.replay_headers()
        reason = interaction.reason or None
        if interaction.is_stream:
            events = split_events(interaction.body)
            exchange.send_events(
                interaction.status, events, headers, delay_s=self.chunk_delay_s, reason=reason
            )
        else:
            exchange.send(interaction.status, interaction.body, headers, reason=reason)

    def _take(self, method: str, path: str) -> Interaction | None:
        with self._take_lock:
            matching = [
                index
                for index, interaction in enumerate(self.interactions)
                if interaction.method == method and interaction.path == path
            ]
            fresh = [index for index in matching if not self._used[index]]
            if fresh:
                self._used[fresh[0]] = True
                return self.interactions[fresh[0]]
        if self.allow_repeats and matching:
            return self.interactions[matching[-1]]
        return None

    def _refuse(self, exchange: Exchange, path: str) -> None:
        request = exchange.request
        with self._lock:
            self.unmatched.append(request)
        logger.warning(
            "Cassette %s has no interaction left for %s %s; answered 404.",
            self.cassette_path.name,
            request.method,
            path,
        )
        message = (
            f"No recorded interaction left for {request.method} {path} "
            f"in cassette {self.cassette_path.name}"
        )
        body = _mismatch_body(message)
        exchange.send(404, body, [("Content-Type", "application/json")])


def _mismatch_body(message: str) -> bytes:
    error = {"message": message, "type": "cassette_mismatch", "param": None, "code": None}
    return json.dumps({"error": error}).encode()
