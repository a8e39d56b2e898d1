"""Tools the provider runs itself (web search, code execution, MCP) are recorded apart.

The caller has nothing to answer for them, so they stay out of ``prysm.tool_calls`` and the
finish reason; ``prysm.server_tool_calls`` names each one (never its query, code or result).
Bodies are written here in the providers' documented shapes and served over loopback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest
import yaml

from prysmai import semconv
from prysmai.testing import CassetteServer, load_cassette
from prysmai.testing.capture import Capture
from tests.core.cassette_expectations import expected_for
from tests.core.sse_bodies import named_events

# Stands for what the tools worked on; it must reach no attribute.
PRIVATE = "flat 4B, 12 Elm Street"
HELLO: Any = [{"role": "user", "content": "Where is the nearest pharmacy?"}]
CASSETTE = "server_tools.yaml"
ANTHROPIC_MESSAGES = "https://api.anthropic.com/v1/messages"
OPENAI_RESPONSES = "https://api.openai.com/v1/responses"


def interaction(uri: str, body: str, content_type: str) -> dict[str, Any]:
    return {
        "request": {"method": "POST", "uri": uri, "body": "{}", "headers": {}},
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": [content_type]},
            "body": {"string": body},
        },
    }


def serve(tmp_path: Path, uri: str, body: str, *, stream: bool) -> CassetteServer:
    content_type = "text/event-stream" if stream else "application/json"
    cassette = tmp_path / CASSETTE
    document = {"interactions": [interaction(uri, body, content_type)], "version": 1}
    cassette.write_text(yaml.safe_dump(document))
    return CassetteServer(cassette)


def server_calls(attrs: dict[str, Any]) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = json.loads(attrs[semconv.SERVER_TOOL_CALLS])
    assert attrs[semconv.SERVER_TOOL_CALL_COUNT] == len(calls)
    return calls


def assert_replay_reader_agrees(provider: str, tmp_path: Path, attrs: dict[str, Any]) -> None:
    """The replay suite's own reader of recordings expects what the span says of these bodies."""
    (recorded,) = load_cassette(tmp_path / CASSETTE)
    expected = expected_for(provider, recorded)
    assert server_calls(attrs) == expected.server_tool_calls
    prefix = semconv.USAGE_SERVER_TOOL_PREFIX
    counts = {k.removeprefix(prefix): v for k, v in attrs.items() if k.startswith(prefix)}
    assert counts == expected.server_tool_requests


def assert_private_text_not_recorded(attrs: dict[str, Any]) -> None:
    for name, value in attrs.items():
        assert PRIVATE not in str(value), name


# --- Anthropic ------------------------------------------------------------------------------

SEARCH_USE = {
    "type": "server_tool_use",
    "id": "srvtoolu_01",
    "name": "web_search",
    "input": {"query": PRIVATE},
}
SEARCH_RESULT = {
    "type": "web_search_tool_result",
    "tool_use_id": "srvtoolu_01",
    "content": [
        {
            "type": "web_search_result",
            "url": "https://example.com/pharmacy",
            "title": f"Pharmacy near {PRIVATE}",
            "encrypted_content": "abc",
            "page_age": None,
        }
    ],
}
FETCH_USE = {
    "type": "server_tool_use",
    "id": "srvtoolu_02",
    "name": "web_fetch",
    "input": {"url": "https://example.com/pharmacy"},
}
MCP_USE = {
    "type": "mcp_tool_use",
    "id": "mcptoolu_01",
    "name": "find_store",
    "server_name": "store-locator",
    "input": {"address": PRIVATE},
}
MCP_RESULT = {
    "type": "mcp_tool_result",
    "tool_use_id": "mcptoolu_01",
    "is_error": False,
    "content": [{"type": "text", "text": f"Open until 8pm, next to {PRIVATE}"}],
}
CLIENT_TOOL = {"type": "tool_use", "id": "toolu_01", "name": "book", "input": {"slot": "9am"}}
ANTHROPIC_USAGE = {
    "input_tokens": 40,
    "output_tokens": 12,
    "server_tool_use": {"web_search_requests": 1, "web_fetch_requests": 1},
}
EXPECTED_ANTHROPIC = [
    {"id": "srvtoolu_01", "type": "server_tool_use", "name": "web_search"},
    {"id": "srvtoolu_02", "type": "server_tool_use", "name": "web_fetch"},
    {"id": "mcptoolu_01", "type": "mcp_tool_use", "name": "find_store", "server": "store-locator"},
]


def anthropic_message(content: list[dict[str, Any]], stop_reason: str) -> dict[str, Any]:
    return {
        "id": "msg_srv_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": ANTHROPIC_USAGE,
    }


def anthropic_stream(blocks: list[dict[str, Any]], *, finished: bool) -> str:
    """A streamed answer of ``blocks``; without its last events when not ``finished``."""
    start = {**anthropic_message([], "end_turn"), "stop_reason": None}
    start["usage"] = {"input_tokens": 40, "output_tokens": 1}
    events: list[dict[str, Any]] = [{"type": "message_start", "message": start}]
    for index, block in enumerate(blocks):
        # Like the API: a tool's block starts empty and its input follows as JSON deltas.
        opening = {**block, "input": {}} if "input" in block else block
        events.append({"type": "content_block_start", "index": index, "content_block": opening})
        if "input" in block:
            delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
            events.append({"type": "content_block_delta", "index": index, "delta": delta})
        events.append({"type": "content_block_stop", "index": index})
    if finished:
        events += [
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {
                    "output_tokens": 12,
                    "server_tool_use": ANTHROPIC_USAGE["server_tool_use"],
                },
            },
            {"type": "message_stop"},
        ]
    return named_events(events)


ANTHROPIC_BLOCKS: list[dict[str, Any]] = [
    SEARCH_USE,
    SEARCH_RESULT,
    FETCH_USE,
    MCP_USE,
    MCP_RESULT,
    {"type": "text", "text": "The pharmacy is open until 8pm."},
]


@contextmanager
def monitored(
    sdk_class: Any,
    uri: str,
    capture: Capture,
    tmp_path: Path,
    body: str,
    *,
    stream: bool = False,
    **settings: Any,
) -> Iterator[Any]:
    """A monitored ``sdk_class`` client whose one call gets ``body``; closed with its server."""
    with (
        serve(tmp_path, uri, body, stream=stream) as server,
        sdk_class(base_url=server.base_url, api_key="k", max_retries=0) as sdk,
    ):
        yield capture.monitor(sdk, **settings)


def anthropic_client(*args: Any, **kwargs: Any) -> Any:
    return monitored(anthropic.Anthropic, ANTHROPIC_MESSAGES, *args, **kwargs)


def test_anthropic_server_tools_are_listed_apart_with_their_request_counts(
    capture: Capture, tmp_path: Path
) -> None:
    body = json.dumps(anthropic_message(ANTHROPIC_BLOCKS, "end_turn"))
    with anthropic_client(capture, tmp_path, body) as client:
        # MCP servers are a beta feature: the beta client is how callers reach them.
        client.beta.messages.create(model="claude-sonnet-4-5", max_tokens=256, messages=HELLO)

    (attrs,) = capture.attributes()
    assert server_calls(attrs) == EXPECTED_ANTHROPIC
    assert_replay_reader_agrees("anthropic", tmp_path, attrs)
    assert semconv.TOOL_CALLS not in attrs
    assert attrs[semconv.RESPONSE_FINISH_REASONS] == ("end_turn",)
    assert attrs[semconv.USAGE_SERVER_TOOL_PREFIX + "web_search_requests"] == 1
    assert attrs[semconv.USAGE_SERVER_TOOL_PREFIX + "web_fetch_requests"] == 1
    assert attrs[semconv.USAGE_INPUT_TOKENS] == 40
    assert_private_text_not_recorded(attrs)


def test_anthropic_client_and_server_tools_in_one_answer_stay_apart(
    capture: Capture, tmp_path: Path
) -> None:
    body = json.dumps(anthropic_message([SEARCH_USE, SEARCH_RESULT, CLIENT_TOOL], "tool_use"))
    with anthropic_client(capture, tmp_path, body) as client:
        client.messages.create(model="claude-sonnet-4-5", max_tokens=256, messages=HELLO)

    (attrs,) = capture.attributes()
    assert server_calls(attrs) == EXPECTED_ANTHROPIC[:1]
    (call,) = json.loads(attrs[semconv.TOOL_CALLS])
    assert (call["id"], call["name"]) == ("toolu_01", "book")
    assert attrs[semconv.TOOL_CALL_COUNT] == 1
    assert attrs[semconv.RESPONSE_FINISH_REASONS] == ("tool_use",)


def test_anthropic_stream_lists_server_tools_as_their_blocks_start(
    capture: Capture, tmp_path: Path
) -> None:
    body = anthropic_stream(ANTHROPIC_BLOCKS, finished=True)
    with anthropic_client(capture, tmp_path, body, stream=True) as client:
        stream = client.beta.messages.create(
            model="claude-sonnet-4-5", max_tokens=256, messages=HELLO, stream=True
        )
        for _ in stream:
            pass

    (attrs,) = capture.attributes()
    assert server_calls(attrs) == EXPECTED_ANTHROPIC
    assert_replay_reader_agrees("anthropic", tmp_path, attrs)
    assert attrs[semconv.RESPONSE_FINISH_REASONS] == ("end_turn",)
    assert attrs[semconv.USAGE_SERVER_TOOL_PREFIX + "web_search_requests"] == 1
    assert attrs[semconv.USAGE_SERVER_TOOL_PREFIX + "web_fetch_requests"] == 1
    assert attrs[semconv.STREAM_CUT_SHORT] is False
    assert_private_text_not_recorded(attrs)


def test_anthropic_stream_cut_short_keeps_the_server_tools_seen(
    capture: Capture, tmp_path: Path
) -> None:
    body = anthropic_stream([SEARCH_USE, SEARCH_RESULT, MCP_USE], finished=False)
    with anthropic_client(capture, tmp_path, body, stream=True) as client:
        stream = client.beta.messages.create(
            model="claude-sonnet-4-5", max_tokens=256, messages=HELLO, stream=True
        )
        for _ in stream:
            pass

    (attrs,) = capture.attributes()
    assert server_calls(attrs) == [EXPECTED_ANTHROPIC[0], EXPECTED_ANTHROPIC[2]]
    assert_replay_reader_agrees("anthropic", tmp_path, attrs)
    assert attrs[semconv.STREAM_CUT_SHORT] is True
    assert semconv.RESPONSE_FINISH_REASONS not in attrs


# --- OpenAI Responses -----------------------------------------------------------------------

OPENAI_ITEMS: list[dict[str, Any]] = [
    {
        "type": "web_search_call",
        "id": "ws_1",
        "status": "completed",
        "action": {"type": "search", "query": PRIVATE},
    },
    {
        "type": "file_search_call",
        "id": "fs_1",
        "status": "completed",
        "queries": [PRIVATE],
        "results": None,
    },
    {
        "type": "code_interpreter_call",
        "id": "ci_1",
        "status": "completed",
        "code": f"print({PRIVATE!r})",
        "container_id": "cntr_1",
        "outputs": [{"type": "logs", "logs": PRIVATE}],
    },
    {"type": "image_generation_call", "id": "ig_1", "status": "completed", "result": "aGk="},
    {
        "type": "mcp_list_tools",
        "id": "mcpl_1",
        "server_label": "store-locator",
        "tools": [{"name": "find_store", "input_schema": {"type": "object"}}],
    },
    {
        "type": "mcp_call",
        "id": "mcp_1",
        "status": "completed",
        "server_label": "store-locator",
        "name": "find_store",
        "arguments": json.dumps({"address": PRIVATE}),
        "output": f"Open until 8pm, next to {PRIVATE}",
        "error": None,
    },
    {
        "type": "tool_search_call",
        "id": "tsc_1",
        "call_id": None,
        "execution": "server",
        "arguments": {"query": "stores"},
        "status": "completed",
    },
    # Run by the caller: not a server tool call (and, like every tool search, no function).
    {
        "type": "tool_search_call",
        "id": "tsc_2",
        "call_id": "call_ts",
        "execution": "client",
        "arguments": {"query": "stores"},
        "status": "completed",
    },
    {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": "Open until 8pm.", "annotations": []}],
    },
]
EXPECTED_OPENAI = [
    {"id": "ws_1", "type": "web_search_call", "name": "web_search"},
    {"id": "fs_1", "type": "file_search_call", "name": "file_search"},
    {"id": "ci_1", "type": "code_interpreter_call", "name": "code_interpreter"},
    {"id": "ig_1", "type": "image_generation_call", "name": "image_generation"},
    {"id": "mcp_1", "type": "mcp_call", "name": "find_store", "server": "store-locator"},
    {"id": "tsc_1", "type": "tool_search_call", "name": "tool_search"},
]
FUNCTION_CALL = {
    "type": "function_call",
    "id": "fc_1",
    "call_id": "call_book",
    "name": "book",
    "arguments": '{"slot": "9am"}',
    "status": "completed",
}


def openai_response(output: list[dict[str, Any]], status: str = "completed") -> dict[str, Any]:
    return {
        "id": "resp_srv_1",
        "object": "response",
        "created_at": 1,
        "model": "gpt-5.1",
        "status": status,
        "output": output,
        "usage": {"input_tokens": 30, "output_tokens": 9, "total_tokens": 39},
    }


def openai_stream(items: list[dict[str, Any]], *, finished: bool) -> str:
    """A streamed answer of ``items``: each item added, then done, then the final response."""
    created = openai_response([], status="in_progress")
    events: list[dict[str, Any]] = [{"type": "response.created", "response": created}]
    for index, item in enumerate(items):
        # An item starts in progress and without its results, as the API sends it.
        started = {"type": item["type"], "id": item["id"], "status": "in_progress"}
        started.update({k: item[k] for k in ("name", "server_label", "execution") if k in item})
        for kind, state in (("added", started), ("done", item)):
            events.append(
                {"type": f"response.output_item.{kind}", "output_index": index, "item": state}
            )
    if finished:
        events.append({"type": "response.completed", "response": openai_response(items)})
    for number, event in enumerate(events):
        event["sequence_number"] = number
    return named_events(events)


def openai_client(*args: Any, **kwargs: Any) -> Any:
    return monitored(openai.OpenAI, OPENAI_RESPONSES, *args, **kwargs)


def test_openai_server_tools_are_listed_apart_and_the_answer_still_stops(
    capture: Capture, tmp_path: Path
) -> None:
    body = json.dumps(openai_response(OPENAI_ITEMS))
    with openai_client(capture, tmp_path, body) as client:
        client.responses.create(model="gpt-5.1", input="Pharmacy?")

    (attrs,) = capture.attributes()
    assert server_calls(attrs) == EXPECTED_OPENAI
    assert_replay_reader_agrees("openai", tmp_path, attrs)
    assert semconv.TOOL_CALLS not in attrs
    assert attrs[semconv.RESPONSE_FINISH_REASONS] == ("stop",)
    assert not [name for name in attrs if name.startswith(semconv.USAGE_SERVER_TOOL_PREFIX)]
    assert_private_text_not_recorded(attrs)


def test_openai_function_and_server_tools_in_one_answer_stay_apart(
    capture: Capture, tmp_path: Path
) -> None:
    body = json.dumps(openai_response([OPENAI_ITEMS[0], FUNCTION_CALL]))
    with openai_client(capture, tmp_path, body) as client:
        client.responses.create(model="gpt-5.1", input="Book it")

    (attrs,) = capture.attributes()
    assert server_calls(attrs) == EXPECTED_OPENAI[:1]
    (call,) = json.loads(attrs[semconv.TOOL_CALLS])
    assert (call["id"], call["name"]) == ("call_book", "book")
    assert attrs[semconv.RESPONSE_FINISH_REASONS] == ("tool_calls",)


def test_openai_stream_reads_server_tools_from_the_final_response(
    capture: Capture, tmp_path: Path
) -> None:
    body = openai_stream(OPENAI_ITEMS, finished=True)
    with openai_client(capture, tmp_path, body, stream=True) as client:
        for _ in client.responses.create(model="gpt-5.1", input="Pharmacy?", stream=True):
            pass

    (attrs,) = capture.attributes()
    assert server_calls(attrs) == EXPECTED_OPENAI
    assert_replay_reader_agrees("openai", tmp_path, attrs)
    assert attrs[semconv.RESPONSE_FINISH_REASONS] == ("stop",)
    assert attrs[semconv.STREAM_CUT_SHORT] is False
    assert_private_text_not_recorded(attrs)


def test_openai_stream_cut_short_keeps_the_server_tools_of_its_items(
    capture: Capture, tmp_path: Path
) -> None:
    # Cut after the MCP call: the calls before it are listed once each, started or done.
    body = openai_stream(OPENAI_ITEMS[:6], finished=False)
    with openai_client(capture, tmp_path, body, stream=True) as client:
        for _ in client.responses.create(model="gpt-5.1", input="Pharmacy?", stream=True):
            pass

    (attrs,) = capture.attributes()
    assert server_calls(attrs) == EXPECTED_OPENAI[:5]
    assert_replay_reader_agrees("openai", tmp_path, attrs)
    assert attrs[semconv.STREAM_CUT_SHORT] is True


@pytest.mark.parametrize("provider", ["anthropic", "openai"])
def test_server_tool_calls_are_capped_like_tool_calls(
    capture: Capture, tmp_path: Path, provider: str
) -> None:
    # 50 calls are some 3,000 characters of JSON: the 200-character cap cuts them.
    if provider == "anthropic":
        blocks = [{**SEARCH_USE, "id": f"srvtoolu_{n:03}"} for n in range(50)]
        body = json.dumps(anthropic_message(blocks, "end_turn"))
        with anthropic_client(capture, tmp_path, body, max_content_chars=200) as client:
            client.messages.create(model="claude-sonnet-4-5", max_tokens=256, messages=HELLO)
    else:
        items = [{**OPENAI_ITEMS[0], "id": f"ws_{n:03}"} for n in range(50)]
        body = json.dumps(openai_response(items))
        with openai_client(capture, tmp_path, body, max_content_chars=200) as client:
            client.responses.create(model="gpt-5.1", input="Pharmacy?")

    (attrs,) = capture.attributes()
    assert attrs[semconv.SERVER_TOOL_CALL_COUNT] == 50
    assert len(attrs[semconv.SERVER_TOOL_CALLS]) == 200


def advisor_usage() -> dict[str, Any]:
    """A call that consulted an advisor model: its tokens are listed apart, not in the totals."""
    iteration = {"cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
    return {
        "input_tokens": 1500,
        "output_tokens": 80,
        "iterations": [
            {**iteration, "type": "message", "input_tokens": 700, "output_tokens": 50},
            {
                **iteration,
                "type": "advisor_message",
                "model": "claude-opus-4-1",
                "input_tokens": 2000,
                "output_tokens": 30,
            },
            {**iteration, "type": "message", "input_tokens": 800, "output_tokens": 30},
        ],
    }


@pytest.mark.parametrize("stream", [False, True])
def test_an_advisor_model_s_tokens_are_priced_into_the_cost(
    capture: Capture, tmp_path: Path, stream: bool
) -> None:
    from prysmai.cost import PriceBook, TokenUsage

    message = {
        "id": "msg_adv",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": [{"type": "text", "text": "Take the second left."}],
        "stop_reason": "end_turn",
        "usage": advisor_usage(),
    }
    if stream:
        start = {**message, "content": [], "stop_reason": None, "usage": {"input_tokens": 1500}}
        body = named_events(
            [
                {"type": "message_start", "message": start},
                {
                    "type": "content_block_start",
                    "index": 0,
                    "content_block": {"type": "text", "text": ""},
                },
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": "Take the second left."},
                },
                {"type": "content_block_stop", "index": 0},
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": "end_turn"},
                    "usage": advisor_usage(),
                },
                {"type": "message_stop"},
            ]
        )
    else:
        body = json.dumps(message)
    with (
        serve(tmp_path, ANTHROPIC_MESSAGES, body, stream=stream) as replay,
        anthropic.Anthropic(base_url=replay.base_url, api_key="k", max_retries=0) as sdk,
    ):
        client = capture.monitor(sdk)
        if stream:
            with client.messages.stream(
                model="claude-sonnet-4-5", max_tokens=99, messages=HELLO
            ) as s:
                s.until_done()
        else:
            client.messages.create(model="claude-sonnet-4-5", max_tokens=99, messages=HELLO)

    (attrs,) = capture.attributes()
    book = PriceBook()
    own = book.cost("anthropic", "claude-sonnet-4-5-20250929", TokenUsage(1500, 80))
    advisor = book.cost("anthropic", "claude-opus-4-1", TokenUsage(2000, 30))
    assert own is not None and advisor is not None
    assert attrs[semconv.COST_USD] == pytest.approx(own.total_usd + advisor.total_usd)
    assert attrs[semconv.USAGE_INPUT_TOKENS] == 1500  # the provider's own totals
    assert json.loads(attrs[semconv.USAGE_OTHER_MODELS]) == [
        {"model": "claude-opus-4-1", "input_tokens": 2000, "output_tokens": 30}
    ]
