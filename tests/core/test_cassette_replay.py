"""Every real provider recording, replayed through the real SDK and a monitored client.

Each recorded request is sent again by the SDK method that makes it; the span must say what the
recording says (models, tokens, finish reasons, tool calls, the provider's own tool calls), the
request must reach the server unchanged, and a recorded error must reach the caller exactly as
it does without monitoring.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import inspect
import json
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import anthropic
import openai
import pytest

from prysmai import semconv
from prysmai.testing import CassetteServer, Interaction, capture_calls, load_cassette
from prysmai.testing.capture import Capture
from tests.core.cassette_expectations import (
    CASSETTES,
    Expected,
    bedrock_model,
    cassette_files,
    cassette_id,
    expected_for,
    is_model_call,
    request_json,
)

MISSING = f"recorded cassettes not found at {CASSETTES} (the shared data folder is absent)"
TOKEN_ATTRIBUTES = (
    semconv.USAGE_INPUT_TOKENS,
    semconv.USAGE_OUTPUT_TOKENS,
    semconv.USAGE_CACHE_READ_INPUT_TOKENS,
    semconv.USAGE_CACHE_CREATION_INPUT_TOKENS,
    semconv.USAGE_REASONING_OUTPUT_TOKENS,
)
SDK_ERRORS = (openai.APIStatusError, anthropic.APIStatusError)
# Fields the SDK itself adds to a request when the caller leaves them out (by path suffix).
SDK_ADDED_FIELDS: dict[str, dict[str, Any]] = {"/embeddings": {"encoding_format": "base64"}}
AZURE_DEPLOYMENT = re.compile(r"^/openai/deployments/([^/]+)/")
BEDROCK_HOST = re.compile(r"^bedrock-runtime\.([a-z0-9-]+)\.amazonaws\.com$")
# A recorded multipart body (audio) is not kept by vcrpy; the replay sends this one instead.
AUDIO_FILE = ("speech.wav", b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav")

# Known prysmai defects shown by a recording: file stem -> reason (strict xfail).
KNOWN_DEFECTS: dict[str, str] = {}


def replay_params() -> list[Any]:
    files = cassette_files()
    if not files:
        return [pytest.param(None, None, id="no-cassettes", marks=pytest.mark.skip(MISSING))]
    params = []
    for provider, path in files:
        marks = []
        if path.stem in KNOWN_DEFECTS:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_DEFECTS[path.stem]))
        params.append(pytest.param(provider, path, id=cassette_id(provider, path), marks=marks))
    return params


# --- replaying through the SDK --------------------------------------------------------------


@dataclass
class Replay:
    """What the caller saw for each interaction, and what the server received."""

    errors: list[BaseException | None]
    results: list[Any]
    """What the caller got back from each call, as plain data (chunks for a stream)."""
    received: list[tuple[str, bytes]]
    """Request target (path and query) and body of every request the server got."""
    unused: int


def is_async_recording(path: Path) -> bool:
    """The recording was made with the async client; replay it with one too."""
    return "async" in path.stem


def new_client(provider: str, server: CassetteServer, *, is_async: bool) -> Any:
    settings: dict[str, Any] = {"api_key": "k", "max_retries": 0, "timeout": 20.0}
    if provider == "anthropic":
        first = server.interactions[0]
        if BEDROCK_HOST.match(first.host):
            # A bearer key signs nothing, so the replay needs no AWS credentials (nor boto3).
            bedrock = anthropic.AsyncAnthropicBedrock if is_async else anthropic.AnthropicBedrock
            region = BEDROCK_HOST.match(first.host).group(1)  # type: ignore[union-attr]
            return bedrock(base_url=server.root_url, aws_region=region, **settings)
        sdk = anthropic.AsyncAnthropic if is_async else anthropic.Anthropic
        return sdk(base_url=server.base_url, **settings)
    first = server.interactions[0]
    deployment = AZURE_DEPLOYMENT.match(first.path)
    if deployment is None:
        return (openai.AsyncOpenAI if is_async else openai.OpenAI)(
            base_url=server.base_url, **settings
        )
    # Azure: the deployment is in the path and the API version in the query.
    api_version = parse_qs(urlsplit(first.uri).query).get("api-version", ["2024-02-01"])[0]
    return (openai.AsyncAzureOpenAI if is_async else openai.AzureOpenAI)(
        azure_endpoint=server.root_url,
        azure_deployment=deployment.group(1),
        api_version=api_version,
        **settings,
    )


def split_arguments(method: Callable[..., Any], body: dict[str, Any]) -> dict[str, Any]:
    """Pass the body's fields as keyword arguments; those the signature lacks go in extra_body."""
    accepted = inspect.signature(method).parameters
    arguments = {k: v for k, v in body.items() if k in accepted}
    extra = {k: v for k, v in body.items() if k not in accepted}
    if extra:
        arguments["extra_body"] = extra
    return arguments


def assistants_call(
    client: Any, interaction: Interaction, body: dict[str, Any]
) -> Callable[[], Any] | None:
    """The Assistants API (beta) call for a recorded request, or None if it is not one."""
    parts = interaction.path.strip("/").split("/")[1:]  # without the version segment
    method = interaction.method
    beta = client.beta
    if parts == ["assistants"] and method == "POST":
        return lambda: beta.assistants.create(**split_arguments(beta.assistants.create, body))
    if parts == ["threads"] and method == "POST":
        return lambda: beta.threads.create(**split_arguments(beta.threads.create, body))
    if len(parts) == 3 and parts[0] == "threads" and parts[2] in ("messages", "runs"):
        resource = getattr(beta.threads, parts[2])
        if method == "GET":
            return lambda: resource.list(parts[1])
        arguments = split_arguments(resource.create, body)
        return lambda: resource.create(parts[1], **arguments)
    if len(parts) == 4 and parts[0] == "threads" and method == "GET":
        resource = getattr(beta.threads, parts[2])
        return lambda: resource.retrieve(parts[3], thread_id=parts[1])
    return None


def multipart_fields(interaction: Interaction) -> dict[str, Any]:
    """The recorded multipart form's fields: text, or ``(filename, bytes, type)`` for a file."""
    content_type = next(
        (v for k, v in interaction.request_headers if k.lower() == "content-type"), ""
    )
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    form = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        head + interaction.request_body
    )
    fields: dict[str, Any] = {}
    for part in form.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        assert isinstance(data, bytes), f"multipart field {name!r} holds no bytes"
        filename = part.get_filename()
        fields[str(name)] = (filename, data, part.get_content_type()) if filename else data.decode()
    return fields


def files_call(
    client: Any, interaction: Interaction, body: dict[str, Any]
) -> Callable[[], Any] | None:
    """The Files or Vector Stores API call for a recorded request, or None if it is not one.

    Recordings of hosted file search upload a file and build a vector store around the model
    calls; these must pass through monitoring untouched.
    """
    parts = interaction.path.strip("/").split("/")[1:]  # without the version segment
    method = interaction.method
    if parts == ["files"] and method == "POST":
        fields = multipart_fields(interaction)
        return lambda: client.files.create(**fields)
    if len(parts) == 2 and parts[0] == "files" and method == "DELETE":
        return lambda: client.files.delete(parts[1])
    stores = client.vector_stores
    if parts == ["vector_stores"] and method == "POST":
        return lambda: stores.create(**split_arguments(stores.create, body))
    if len(parts) == 2 and parts[0] == "vector_stores" and method == "DELETE":
        return lambda: stores.delete(parts[1])
    if len(parts) == 3 and parts[0] == "vector_stores" and parts[2] == "files":
        arguments = split_arguments(stores.files.create, body)
        return lambda: stores.files.create(parts[1], **arguments)
    return None


def deprecated_api(call: Callable[[], Any]) -> Callable[[], Any]:
    """Run ``call`` without the SDK's deprecation warning (the Assistants API is deprecated)."""

    def quiet() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return call()

    return quiet


def sdk_call(provider: str, client: Any, interaction: Interaction) -> Callable[[], Any]:
    """The SDK call that sends ``interaction``'s recorded request again."""
    body = request_json(interaction) or {}
    path, query = interaction.path, urlsplit(interaction.uri).query
    if provider == "anthropic" and path.endswith("/v1/complete"):
        if hasattr(client, "completions"):
            return lambda: client.completions.create(
                **split_arguments(client.completions.create, body)
            )
        # Newer SDKs dropped the resource of the legacy Text Completions API; their generic
        # post() sends the same request through the same client machinery.
        is_async = isinstance(client, anthropic.AsyncAnthropic)
        stream_cls = (anthropic.AsyncStream if is_async else anthropic.Stream)[object]
        is_stream = body.get("stream") is True
        return lambda: client.post(
            "/v1/complete", body=body, cast_to=object, stream=is_stream, stream_cls=stream_cls
        )
    bedrock = bedrock_model(interaction) if provider == "anthropic" else None
    if bedrock is not None:
        # Bedrock's SDK takes the model (and streaming) from the call and puts them in the path.
        body = {**body, "model": bedrock, "stream": path.endswith("-with-response-stream")}
        method = client.messages.create
    elif provider == "anthropic" and path.endswith("/v1/messages/count_tokens"):
        resource = client.beta.messages if "beta=true" in query else client.messages
        method = resource.count_tokens
    elif provider == "anthropic" and path.endswith("/v1/messages"):
        resource = client.beta.messages if "beta=true" in query else client.messages
        method = resource.create
    elif path.endswith("/chat/completions"):
        method = client.chat.completions.create
    elif path.endswith("/completions"):
        method = client.completions.create
    elif path.endswith("/embeddings"):
        method = client.embeddings.create
    elif path.endswith("/responses"):
        method = client.responses.create
    elif path.endswith("/responses/input_tokens"):
        method = client.responses.input_tokens.count
    elif path.endswith("/responses/compact"):
        method = client.responses.compact
    elif path.endswith("/images/generations"):
        method = client.images.generate
    elif path.endswith("/audio/transcriptions"):
        model = body.get("model") or interaction_header(interaction, "openai-model") or "whisper-1"
        return lambda: client.audio.transcriptions.create(file=AUDIO_FILE, model=model)
    elif provider == "openai" and (call := files_call(client, interaction, body)) is not None:
        return call
    else:
        call = assistants_call(client, interaction, body) if provider == "openai" else None
        if call is None:
            raise AssertionError(f"no SDK method known for {provider} {path}")
        return deprecated_api(call)
    arguments = split_arguments(method, body)
    return lambda: method(**arguments)


def interaction_header(interaction: Interaction, name: str) -> str | None:
    return next((v for k, v in interaction.headers if k.lower() == name), None)


def plain_data(value: Any) -> Any:
    """An SDK result as comparable data."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", warnings=False)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


def replay_sync(
    provider: str, client: Any, interactions: list[Interaction]
) -> tuple[list[Any], list[Any]]:
    errors: list[BaseException | None] = []
    results: list[Any] = []
    for interaction in interactions:
        try:
            result = sdk_call(provider, client, interaction)()
            if interaction.is_stream:
                result = [plain_data(chunk) for chunk in result]
            results.append(plain_data(result))
            errors.append(None)
        except SDK_ERRORS as error:
            results.append(None)
            errors.append(error)
    return errors, results


async def replay_async(
    provider: str, client: Any, interactions: list[Interaction]
) -> tuple[list[Any], list[Any]]:
    errors: list[BaseException | None] = []
    results: list[Any] = []
    try:
        for interaction in interactions:
            try:
                result = await sdk_call(provider, client, interaction)()
                if interaction.is_stream:
                    result = [plain_data(chunk) async for chunk in result]
                results.append(plain_data(result))
                errors.append(None)
            except SDK_ERRORS as error:
                results.append(None)
                errors.append(error)
    finally:
        await client.close()
    return errors, results


def comparable_body(body: bytes) -> bytes:
    """A multipart body with its random boundary replaced, so that two sends compare equal."""
    if not body.startswith(b"--"):
        return body
    boundary = body.split(b"\r\n", 1)[0][2:]
    return body.replace(boundary, b"BOUNDARY") if boundary else body


def replay(provider: str, path: Path, capture: Capture | None) -> Replay:
    """Send every recorded request of ``path``, monitored when ``capture`` is given."""
    is_async = is_async_recording(path)
    with CassetteServer(path) as server:
        client = new_client(provider, server, is_async=is_async)
        used = capture.monitor(client) if capture is not None else client
        if is_async:
            errors, results = asyncio.run(replay_async(provider, used, server.interactions))
        else:
            with client:
                errors, results = replay_sync(provider, used, server.interactions)
        received = [(request.path, comparable_body(request.body)) for request in server.requests]
        return Replay(errors, results, received, server.unused)


# --- comparing -------------------------------------------------------------------------------


def comparable_tool_calls(provider: str, calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Compare the value of tool input sent as a JSON object, not its spacing.

    Anthropic sends every tool's input so; OpenAI's Responses API its built-in tools' requests
    (a patch, shell commands); functions' arguments are text and compared as sent.
    """
    return [
        {**call, "arguments": json.loads(call["arguments"] or "{}")}
        if provider == "anthropic" or call["type"] not in ("function", "custom")
        else call
        for call in calls
    ]


def expected_tokens(expected: Expected) -> dict[str, int]:
    found: dict[str, int] = {}
    if expected.input_tokens is not None:
        found[semconv.USAGE_INPUT_TOKENS] = expected.input_tokens
    if expected.output_tokens is not None:
        found[semconv.USAGE_OUTPUT_TOKENS] = expected.output_tokens
    for name, value in (
        (semconv.USAGE_CACHE_READ_INPUT_TOKENS, expected.cache_read_tokens),
        (semconv.USAGE_CACHE_CREATION_INPUT_TOKENS, expected.cache_creation_tokens),
        (semconv.USAGE_REASONING_OUTPUT_TOKENS, expected.reasoning_tokens),
    ):
        if value:
            found[name] = value
    return found


def check_success_span(provider: str, attrs: dict[str, Any], expected: Expected) -> None:
    assert attrs.get(semconv.REQUEST_MODEL) == expected.request_model
    assert attrs.get(semconv.RESPONSE_MODEL) == expected.response_model
    assert attrs[semconv.HTTP_STATUS_CODE] == 200
    assert semconv.ERROR_TYPE not in attrs
    assert {k: attrs[k] for k in TOKEN_ATTRIBUTES if k in attrs} == expected_tokens(expected)
    if expected.input_tokens is None:
        assert semconv.COST_USD not in attrs
    assert list(attrs.get(semconv.RESPONSE_FINISH_REASONS, ())) == expected.finish_reasons
    recorded_calls = json.loads(attrs.get(semconv.TOOL_CALLS, "[]"))
    assert comparable_tool_calls(provider, recorded_calls) == comparable_tool_calls(
        provider, expected.tool_calls
    )
    recorded_server_calls = json.loads(attrs.get(semconv.SERVER_TOOL_CALLS, "[]"))
    assert recorded_server_calls == expected.server_tool_calls
    assert attrs.get(semconv.SERVER_TOOL_CALL_COUNT, 0) == len(expected.server_tool_calls)
    prefix = semconv.USAGE_SERVER_TOOL_PREFIX
    requests = {k.removeprefix(prefix): v for k, v in attrs.items() if k.startswith(prefix)}
    assert requests == expected.server_tool_requests
    assert json.loads(attrs.get(semconv.USAGE_OTHER_MODELS, "[]")) == expected.other_models
    assert attrs[semconv.STREAM] is expected.is_stream
    if expected.is_stream:
        # Consumed to the end: cut short only if the recording itself lacks its end marker.
        assert attrs[semconv.STREAM_CUT_SHORT] is (not expected.has_end_marker)
    else:
        assert attrs.get(semconv.STREAM_CUT_SHORT, False) is False


def check_error_span(attrs: dict[str, Any], interaction: Interaction, error: Any) -> None:
    assert attrs[semconv.ERROR_TYPE] == type(error).__name__
    assert attrs[semconv.HTTP_STATUS_CODE] == interaction.status
    assert attrs[semconv.STATUS] == "error"
    assert not any(name in attrs for name in TOKEN_ATTRIBUTES)
    assert semconv.COST_USD not in attrs


def error_facts(error: BaseException | None) -> Any:
    if error is None:
        return None
    return (type(error), getattr(error, "status_code", None), getattr(error, "body", None))


def check_request_unchanged(sent: bytes, interaction: Interaction) -> None:
    """The request carries the recorded body, plus only the defaults the SDK adds itself."""
    recorded = request_json(interaction)
    if recorded is None:
        return  # no JSON recorded (multipart, GET): monitored and plain sends are compared
    body = json.loads(sent)
    added = {k: v for k, v in body.items() if k not in recorded}
    sdk_defaults = next(
        (
            fields
            for suffix, fields in SDK_ADDED_FIELDS.items()
            if interaction.path.endswith(suffix)
        ),
        {},
    )
    assert {k: v for k, v in body.items() if k in recorded} == recorded
    assert added == {k: v for k, v in sdk_defaults.items() if k not in recorded}


@pytest.mark.parametrize(("provider", "path"), replay_params())
def test_recording_replays_through_monitored_sdk_with_faithful_span(
    provider: str, path: Path
) -> None:
    with capture_calls(strict=True) as capture:
        monitored = replay(provider, path, capture)
        spans = capture.attributes()
    plain = replay(provider, path, None)
    recorded = load_cassette(path)

    assert monitored.unused == 0
    assert monitored.received == plain.received
    # Paths only: SDKs differ over time in the query they add (``?beta=true`` for beta calls).
    assert [urlsplit(target).path for target, _ in monitored.received] == [i.path for i in recorded]
    for (_, sent), interaction in zip(monitored.received, recorded, strict=True):
        check_request_unchanged(sent, interaction)
    assert [error_facts(e) for e in monitored.errors] == [error_facts(e) for e in plain.errors]
    assert monitored.results == plain.results
    # Only model calls get a span; images, audio, Assistants threads ... pass through unrecorded.
    calls = [
        (interaction, error)
        for interaction, error in zip(recorded, monitored.errors, strict=True)
        if is_model_call(provider, interaction)
    ]
    assert len(spans) == len(calls)
    for (interaction, error), attrs in zip(calls, spans, strict=True):
        if interaction.status >= 400:
            assert error is not None
            check_error_span(attrs, interaction, error)
            assert attrs.get(semconv.REQUEST_MODEL) == (request_json(interaction) or {}).get(
                "model"
            )
        else:
            assert error is None
            check_success_span(provider, attrs, expected_for(provider, interaction))
