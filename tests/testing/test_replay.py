from __future__ import annotations

import base64
import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import openai
import pytest
import yaml

from prysmai.testing import CassetteServer, Interaction, load_cassette
from prysmai.testing.replay import split_events

CASSETTES = (Path(__file__).resolve().parents[2] / ".." / "shared" / "cassettes").resolve()
MISSING = f"recorded cassettes not found at {CASSETTES} (the shared data folder is absent)"


def cassette_params(provider: str) -> list[Any]:
    files = sorted((CASSETTES / provider).rglob("*.yaml"))
    if not files:
        return [pytest.param(None, id=f"no-{provider}-cassettes", marks=pytest.mark.skip(MISSING))]
    return [pytest.param(path, id=path.stem) for path in files]


def cassette(relative: str) -> Path:
    path = CASSETTES / relative
    if not path.is_file():
        pytest.skip(MISSING)
    return path


@pytest.fixture(scope="module")
def http() -> Iterator[httpx2.Client]:
    """One plain client for the whole module (creating one costs tens of milliseconds)."""
    with httpx2.Client(trust_env=False) as client:
        yield client


def replay_with_http(
    path: Path, http: httpx2.Client
) -> tuple[list[Interaction], list[httpx2.Response]]:
    """Send every recorded request to a CassetteServer with a plain client."""
    with CassetteServer(path) as server:
        responses = []
        for interaction in server.interactions:
            url = server.root_url + interaction.path
            headers = {"content-type": "application/json"}
            content = interaction.request_body
            responses.append(
                http.request(interaction.method, url, content=content, headers=headers)
            )
        assert server.unused == 0
        assert server.unmatched == []
        return server.interactions, responses


def write_cassette(path: Path, interactions: list[dict[str, Any]]) -> Path:
    path.write_text(yaml.safe_dump({"interactions": interactions, "version": 1}))
    return path


def recorded(
    uri: str, body: object, *, status: int = 200, headers: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "request": {"method": "POST", "uri": uri, "body": "{}", "headers": {}},
        "response": {
            "status": {"code": status, "message": "OK"},
            "headers": headers or {},
            "body": body,
        },
    }


# --- every real recording -------------------------------------------------------------------


@pytest.mark.parametrize("path", cassette_params("openai"))
def test_openai_cassette_replays_status_and_body_exactly(path: Path, http: httpx2.Client) -> None:
    interactions, responses = replay_with_http(path, http)

    assert [(r.status_code, r.content) for r in responses] == [
        (i.status, i.body) for i in interactions
    ]


@pytest.mark.parametrize("path", cassette_params("anthropic"))
def test_anthropic_cassette_replays_status_and_body_exactly(
    path: Path, http: httpx2.Client
) -> None:
    interactions, responses = replay_with_http(path, http)

    assert [(r.status_code, r.content) for r in responses] == [
        (i.status, i.body) for i in interactions
    ]


# --- through the SDKs -----------------------------------------------------------------------


def test_sdk_raw_response_equals_the_recording() -> None:
    path = cassette("openai/opentelemetry-python-contrib/test_chat_completion_with_content.yaml")

    with (
        CassetteServer(path) as server,
        openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0) as client,
    ):
        recording = server.interactions[0]
        raw = client.chat.completions.with_raw_response.create(**json.loads(recording.request_body))
        completion = raw.parse()

    assert server.base_url == server.root_url + "/v1"
    assert raw.status_code == recording.status
    assert raw.http_response.content == recording.body
    assert completion.id == json.loads(recording.body)["id"]


def test_sdk_stream_replays_the_recorded_chunks() -> None:
    path = cassette("openai/opentelemetry-python-contrib/test_chat_completion_streaming.yaml")
    recording = load_cassette(path)[0]
    expected = "".join(
        choice["delta"].get("content") or ""
        for line in recording.body.decode().splitlines()
        if line.startswith("data: {")
        for choice in json.loads(line.removeprefix("data: "))["choices"]
    )

    with (
        CassetteServer(path, chunk_delay_s=0.01) as server,
        openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0) as client,
    ):
        chunks = list(client.chat.completions.create(**json.loads(recording.request_body)))

    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == expected
    assert len(chunks) == recording.body.count(b"data: {")


def test_sdk_responses_stream_replays_to_the_recorded_final_text() -> None:
    path = cassette(
        "openai/opentelemetry-python-contrib/test_responses_create_streaming[content_mode0].yaml"
    )

    with (
        CassetteServer(path) as server,
        openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0) as client,
    ):
        request = json.loads(server.interactions[0].request_body)
        events = list(client.responses.create(**request))

    assert events[-1].type == "response.completed"
    assert events[-1].response.output_text == "This is a test."


def test_sdk_raises_not_found_for_the_recorded_404() -> None:
    path = cassette("openai/opentelemetry-python-contrib/test_chat_completion_404.yaml")

    with (
        CassetteServer(path) as server,
        openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0) as client,
        pytest.raises(openai.NotFoundError) as caught,
    ):
        client.chat.completions.create(**json.loads(server.interactions[0].request_body))

    assert caught.value.code == "model_not_found"


def test_sdk_two_turn_tool_call_recording_is_served_in_order() -> None:
    path = cassette(
        "openai/opentelemetry-python-contrib/test_chat_completion_tool_calls_with_content.yaml"
    )

    with (
        CassetteServer(path) as server,
        openai.OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0) as client,
    ):
        finish_reasons = [
            client.chat.completions.create(**json.loads(i.request_body)).choices[0].finish_reason
            for i in server.interactions
        ]

    assert finish_reasons == ["tool_calls", "stop"]
    assert server.unused == 0


def test_anthropic_sdk_stream_replays_the_recorded_text() -> None:
    path = cassette(
        "anthropic/opentelemetry-python-contrib/test_sync_messages_create_streaming.yaml"
    )

    with (
        CassetteServer(path) as server,
        anthropic.Anthropic(base_url=server.base_url, api_key="test-key", max_retries=0) as claude,
    ):
        events = list(claude.messages.create(**json.loads(server.interactions[0].request_body)))

    text = "".join(
        e.delta.text
        for e in events
        if e.type == "content_block_delta" and e.delta.type == "text_delta"
    )
    assert server.base_url == server.root_url
    assert text == "Hello."


# --- cassette formats -----------------------------------------------------------------------


def test_headerless_recording_gets_a_sniffed_content_type() -> None:
    path = cassette("openai/openinference/test_token_counts/TestTokenCounts.test_openai.yaml")

    with CassetteServer(path) as server, httpx2.Client() as http:
        response = http.post(server.base_url + "/chat/completions", content=b"{}")

    assert server.interactions[0].headers == ()
    assert response.headers["content-type"] == "application/json"
    assert response.json()["choices"][0]["message"]["content"] == (
        "Hello! How can I assist you today?"
    )


def test_gzip_recording_is_replayed_decoded(tmp_path: Path) -> None:
    body = b'{"id": "chatcmpl-1"}'
    headers = {"Content-Encoding": ["gzip"], "Content-Type": ["application/json"]}
    path = write_cassette(
        tmp_path / "gzip.yaml",
        [
            recorded(
                "https://api.openai.com/v1/chat/completions",
                {"string": gzip.compress(body)},
                headers=headers,
            )
        ],
    )

    with CassetteServer(path) as server, httpx2.Client() as http:
        response = http.post(server.base_url + "/chat/completions", content=b"{}")

    assert load_cassette(path)[0].body == body
    assert response.content == body
    assert "content-encoding" not in response.headers
    assert response.headers["content-length"] == str(len(body))


def test_parsed_json_bodies_are_replayed_as_json(tmp_path: Path) -> None:
    # Some projects' recorders keep JSON bodies parsed in the YAML (``parsed_body``), with the
    # original Content-Encoding header left behind though the body is no longer compressed.
    answer = {"id": "msg_1", "content": [{"type": "text", "text": "Grüße"}]}
    item = recorded(
        "https://api.anthropic.com/v1/messages",
        None,
        headers={"Content-Encoding": ["gzip"], "Content-Type": ["application/json"]},
    )
    del item["request"]["body"], item["response"]["body"]
    item["request"]["parsed_body"] = {"model": "claude-x", "max_tokens": 5}
    item["response"]["parsed_body"] = answer
    path = write_cassette(tmp_path / "parsed.yaml", [item])

    interaction = load_cassette(path)[0]
    with CassetteServer(path) as server, httpx2.Client() as http:
        response = http.post(server.base_url + "/v1/messages", content=b"{}")

    assert json.loads(interaction.request_body) == {"model": "claude-x", "max_tokens": 5}
    assert interaction.body_encoding is None
    assert response.json() == answer
    assert "content-encoding" not in response.headers


def test_typed_json_bodies_are_replayed_as_json(tmp_path: Path) -> None:
    # pydantic-ai's newer recorder writes ``body: {type: json, content: ...}`` on both sides.
    answer = {"id": "resp_1", "object": "response", "output": []}
    item = recorded(
        "https://api.openai.com/v1/responses",
        {"type": "json", "content": answer},
        headers={"content-type": ["application/json"]},
    )
    item["request"]["body"] = {"type": "json", "content": {"model": "gpt-x", "input": "hi"}}
    path = write_cassette(tmp_path / "typed.yaml", [item])

    interaction = load_cassette(path)[0]
    with CassetteServer(path) as server, httpx2.Client() as http:
        response = http.post(server.base_url + "/responses", content=b"{}")

    assert json.loads(interaction.request_body) == {"model": "gpt-x", "input": "hi"}
    assert response.json() == answer


def test_repeated_slashes_in_a_recorded_path_are_folded(tmp_path: Path) -> None:
    # An endpoint configured with a trailing slash records ``//openai/...``; the server saw,
    # and an SDK sends, a single slash.
    uri = "https://x.openai.azure.com//openai/deployments/d/chat/completions?api-version=1"
    path = write_cassette(tmp_path / "slashes.yaml", [recorded(uri, '{"id": "1"}')])

    with CassetteServer(path) as server, httpx2.Client() as http:
        response = http.post(server.root_url + "/openai/deployments/d/chat/completions")

    assert load_cassette(path)[0].path == "/openai/deployments/d/chat/completions"
    assert response.json() == {"id": "1"}


def test_gemini_openai_compatible_prefix_is_the_base_url(tmp_path: Path) -> None:
    uri = "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions"
    path = write_cassette(tmp_path / "gemini.yaml", [recorded(uri, '{"id": "1"}')])

    with CassetteServer(path) as server:
        assert server.base_url == server.root_url + "/v1beta/openai"


def test_typed_json_and_text_bodies_are_replayed_as_sent(tmp_path: Path) -> None:
    # pydantic-ai's newer recordings keep bodies as ``{type: json|text, content: ...}``: JSON
    # parsed into the YAML, and streams as their (already decoded) text.
    stream = 'event: ping\ndata: {"type": "ping"}\n\n'
    whole = recorded("https://api.anthropic.com/v1/messages/count_tokens", None)
    whole["request"]["body"] = {"type": "json", "content": {"model": "claude-x", "messages": []}}
    whole["response"]["body"] = {"type": "json", "content": {"input_tokens": 7}}
    streamed = recorded(
        "https://api.anthropic.com/v1/messages",
        None,
        headers={"Content-Type": ["text/event-stream"], "Content-Encoding": ["gzip"]},
    )
    streamed["request"]["body"] = {"type": "text", "content": '{"stream": true}'}
    streamed["response"]["body"] = {"type": "text", "content": stream}
    path = write_cassette(tmp_path / "typed.yaml", [whole, streamed])

    first, second = load_cassette(path)

    assert json.loads(first.request_body) == {"model": "claude-x", "messages": []}
    assert json.loads(first.body) == {"input_tokens": 7}
    assert second.request_body == b'{"stream": true}'
    assert second.body == stream.encode()
    assert second.body_encoding is None


def test_base64_recorded_body_is_decoded(tmp_path: Path) -> None:
    body = b'{"object": "list"}'
    path = write_cassette(
        tmp_path / "b64.yaml",
        [
            recorded(
                "https://api.openai.com/v1/embeddings",
                {"base64_string": base64.b64encode(body).decode()},
            )
        ],
    )

    assert load_cassette(path)[0].body == body


def test_stream_recording_is_sent_chunked_event_by_event(tmp_path: Path) -> None:
    events = [b'data: {"n": 1}\n\n', b'data: {"n": 2}\n\n', b"data: [DONE]\n\n"]
    headers = {"Content-Type": ["text/event-stream; charset=utf-8"], "Content-Length": ["999"]}
    path = write_cassette(
        tmp_path / "sse.yaml",
        [
            recorded(
                "https://api.openai.com/v1/chat/completions",
                {"string": b"".join(events).decode()},
                headers=headers,
            )
        ],
    )

    with (
        CassetteServer(path, chunk_delay_s=0.05) as server,
        httpx2.Client() as http,
        http.stream("POST", server.base_url + "/chat/completions", content=b"{}") as response,
    ):
        received = list(response.iter_raw())

    assert response.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in response.headers
    assert b"".join(received) == b"".join(events)
    assert len(received) > 1


def test_split_events_keeps_every_byte_and_crlf_separators() -> None:
    body = b"event: a\r\ndata: 1\r\n\r\nevent: b\r\ndata: 2\r\n\r\ntrailing"

    assert split_events(body) == [
        b"event: a\r\ndata: 1\r\n\r\n",
        b"event: b\r\ndata: 2\r\n\r\n",
        b"trailing",
    ]


def test_out_of_order_request_falls_back_to_the_matching_interaction(tmp_path: Path) -> None:
    path = write_cassette(
        tmp_path / "two.yaml",
        [
            recorded("https://api.openai.com/v1/chat/completions", {"string": '{"n": "chat"}'}),
            recorded("https://api.openai.com/v1/embeddings", {"string": '{"n": "embeddings"}'}),
        ],
    )

    with CassetteServer(path) as server, httpx2.Client() as http:
        first = http.post(server.base_url + "/embeddings", content=b"{}").json()
        second = http.post(server.base_url + "/chat/completions", content=b"{}").json()

    assert (first, second) == ({"n": "embeddings"}, {"n": "chat"})


def test_request_with_nothing_left_gets_a_cassette_mismatch_404(tmp_path: Path) -> None:
    path = write_cassette(
        tmp_path / "one.yaml",
        [recorded("https://api.openai.com/v1/embeddings", {"string": "{}"})],
    )

    with CassetteServer(path) as server, httpx2.Client() as http:
        http.post(server.base_url + "/embeddings", content=b"{}")
        response = http.post(server.base_url + "/embeddings", content=b"{}")

    assert response.status_code == 404
    assert response.json()["error"]["type"] == "cassette_mismatch"
    assert [request.path for request in server.unmatched] == ["/v1/embeddings"]


def test_allow_repeats_serves_the_last_match_again(tmp_path: Path) -> None:
    path = write_cassette(
        tmp_path / "one.yaml",
        [recorded("https://api.openai.com/v1/embeddings", {"string": '{"n": 1}'})],
    )

    with CassetteServer(path, allow_repeats=True) as server, httpx2.Client() as http:
        bodies = [
            http.post(server.base_url + "/embeddings", content=b"{}").json() for _ in range(2)
        ]

    assert bodies == [{"n": 1}, {"n": 1}]


def test_recorded_status_reason_and_headers_are_kept(tmp_path: Path) -> None:
    headers = {"x-request-id": ["req_1"], "Set-Cookie": "a=b", "Connection": ["keep-alive"]}
    path = write_cassette(
        tmp_path / "status.yaml",
        [
            recorded(
                "https://api.openai.com/v1/embeddings",
                {"string": "{}"},
                status=404,
                headers=headers,
            )
        ],
    )

    with CassetteServer(path) as server, httpx2.Client() as http:
        response = http.post(server.base_url + "/embeddings", content=b"{}")

    assert (response.status_code, response.reason_phrase) == (404, "OK")
    assert response.headers["x-request-id"] == "req_1"
    assert response.headers["set-cookie"] == "a=b"


def test_load_cassette_rejects_a_file_without_interactions(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("just: text\n")

    with pytest.raises(ValueError, match="no 'interactions'"):
        load_cassette(path)


@pytest.mark.parametrize(
    ("encoding", "stored"),
    [
        pytest.param("deflate", zlib.compress(b'{"a": 1}'), id="zlib-deflate"),
        pytest.param("deflate", zlib.compress(b'{"a": 1}')[2:-4], id="raw-deflate"),
        pytest.param("gzip", b'{"a": 1}', id="gzip-header-plain-body"),
        pytest.param("identity", b'{"a": 1}', id="identity"),
    ],
)
def test_encoded_recordings_are_replayed_plain(
    tmp_path: Path, encoding: str, stored: bytes
) -> None:
    headers = {"content-encoding": [encoding], "content-type": ["application/json"]}
    path = write_cassette(
        tmp_path / "enc.yaml",
        [recorded("https://api.openai.com/v1/embeddings", {"string": stored}, headers=headers)],
    )

    interaction = load_cassette(path)[0]

    assert (interaction.body, interaction.body_encoding) == (b'{"a": 1}', None)
    assert interaction.replay_headers() == [("content-type", "application/json")]


@pytest.mark.parametrize("encoding", ["br", "zstd"])
def test_brotli_and_zstandard_recordings_are_replayed_decoded(
    tmp_path: Path, encoding: str
) -> None:
    body = b'{"id": "chatcmpl-1", "object": "chat.completion"}'
    if encoding == "br":
        stored = pytest.importorskip("brotli").compress(body)
    else:
        stored = pytest.importorskip("zstandard").ZstdCompressor().compress(body)
    headers = {"Content-Encoding": [encoding], "Content-Type": ["application/json"]}
    path = write_cassette(
        tmp_path / "compressed.yaml",
        [
            recorded(
                "https://api.openai.com/v1/chat/completions", {"string": stored}, headers=headers
            )
        ],
    )

    with CassetteServer(path) as server, httpx2.Client() as http:
        response = http.post(server.base_url + "/chat/completions", content=b"{}")

    assert response.content == body
    assert "content-encoding" not in response.headers


@pytest.mark.parametrize(
    ("encoding", "stored"),
    [
        pytest.param("br", b"\x1b\x07\x00", id="unknown-encoding"),
        pytest.param("gzip", b"\x1f\x8b\x08broken", id="corrupt-gzip"),
    ],
)
def test_undecodable_recordings_keep_their_encoding(
    tmp_path: Path, encoding: str, stored: bytes
) -> None:
    path = write_cassette(
        tmp_path / "enc.yaml",
        [
            recorded(
                "https://api.openai.com/v1/embeddings",
                {"string": stored},
                headers={"Content-Encoding": encoding},
            )
        ],
    )

    interaction = load_cassette(path)[0]

    assert (interaction.body, interaction.body_encoding) == (stored, encoding)
    assert interaction.replay_headers() == [("Content-Encoding", encoding)]


def test_plain_text_recording_gets_no_content_type(tmp_path: Path) -> None:
    path = write_cassette(
        tmp_path / "text.yaml",
        [recorded("https://api.openai.com/v1/models", {"string": "plain words"})],
    )

    interaction = load_cassette(path)[0]

    assert interaction.content_type is None
    assert interaction.replay_headers() == []


def test_request_without_body_and_status_as_number(tmp_path: Path) -> None:
    path = tmp_path / "minimal.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "interactions": [
                    {
                        "request": {"method": "get", "uri": "https://example.test/v2/things"},
                        "response": {"status": 204, "body": {"string": ""}},
                    }
                ]
            }
        )
    )

    interaction = load_cassette(path)[0]

    assert (interaction.method, interaction.request_body, interaction.status) == ("GET", b"", 204)
    assert (interaction.host, interaction.path) == ("example.test", "/v2/things")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("interactions: [", "not valid YAML", id="yaml-error"),
        pytest.param("interactions: [1]", "not a mapping", id="interaction-not-mapping"),
        pytest.param(
            "interactions: [{request: {}}]", "lacks its request or response", id="no-response"
        ),
        pytest.param(
            "interactions: [{request: {}, response: {body: 42}}]",
            "unsupported recorded body",
            id="bad-body",
        ),
    ],
)
def test_broken_cassettes_are_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(content)

    with pytest.raises(ValueError, match=message):
        load_cassette(path)


def test_mixed_paths_get_no_base_url_prefix(tmp_path: Path) -> None:
    path = write_cassette(
        tmp_path / "mixed.yaml",
        [
            recorded("https://api.openai.com/v1/embeddings", {"string": "{}"}),
            recorded("https://api.openai.com/health", {"string": "{}"}),
        ],
    )

    with CassetteServer(path) as server:
        assert server.base_url == server.root_url


def test_explicit_path_prefix_wins(tmp_path: Path) -> None:
    path = write_cassette(
        tmp_path / "one.yaml", [recorded("https://api.openai.com/v1/embeddings", {"string": "{}"})]
    )

    with CassetteServer(path, path_prefix="") as server:
        assert server.base_url == server.root_url
