from __future__ import annotations

import json
from typing import Any

import pytest

from prysmai.testing import fake_model
from prysmai.testing.fake_model import (
    Prompt,
    ToolSpec,
    anthropic_prompt,
    chat_prompt,
    completion_prompt,
    content_text,
    count_tokens,
    generate,
    responses_prompt,
    tool_specs,
)

LOCATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"location": {"type": "string"}},
}


def answer(prompt: Prompt, model: str = "gpt-4o-mini") -> fake_model.Choice:
    return generate(prompt, model=model, seed="seed", created=0).choices[0]


def test_count_tokens_is_about_1_3_per_word() -> None:
    assert [count_tokens(text) for text in ["", "one", "one two three", "w " * 10]] == [
        0,
        2,
        4,
        13,
    ]


def test_content_text_joins_text_parts_and_counts_images() -> None:
    content = [
        {"type": "text", "text": "first"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
        "not a part",
        {"type": "input_text", "text": "second"},
    ]

    assert content_text(content) == ("first\nsecond", 1)
    assert content_text(None) == ("", 0)


def test_tool_specs_read_chat_responses_and_anthropic_shapes() -> None:
    tools = [
        {"type": "function", "function": {"name": "chat_tool", "parameters": LOCATION_SCHEMA}},
        {"type": "function", "name": "responses_tool", "parameters": LOCATION_SCHEMA},
        {"name": "anthropic_tool", "input_schema": LOCATION_SCHEMA},
        {"type": "function", "function": {"description": "no name"}},
        "junk",
    ]

    assert tool_specs(tools) == (
        ToolSpec("chat_tool", LOCATION_SCHEMA),
        ToolSpec("responses_tool", LOCATION_SCHEMA),
        ToolSpec("anthropic_tool", LOCATION_SCHEMA),
    )
    assert tool_specs(None) == ()


@pytest.mark.parametrize(
    ("tool_choice", "expected"),
    [
        pytest.param("none", ("none", None), id="none"),
        pytest.param("auto", ("auto", None), id="auto"),
        pytest.param("required", ("required", None), id="required"),
        pytest.param({"type": "any"}, ("required", None), id="anthropic-any"),
        pytest.param({"type": "none"}, ("none", None), id="anthropic-none"),
        pytest.param({"type": "auto"}, ("auto", None), id="anthropic-auto"),
        pytest.param(
            {"type": "function", "function": {"name": "x"}}, ("required", "x"), id="chat-named"
        ),
        pytest.param({"type": "function", "name": "x"}, ("required", "x"), id="responses-named"),
        pytest.param({"type": "tool", "name": "x"}, ("required", "x"), id="anthropic-named"),
        pytest.param(42, ("auto", None), id="junk"),
    ],
)
def test_tool_choice_is_normalised(tool_choice: object, expected: tuple[str, str | None]) -> None:
    prompt = chat_prompt({"messages": [], "tool_choice": tool_choice})

    assert (prompt.tool_mode, prompt.forced_tool) == expected


def tool_prompt(text: str, *names: str, **overrides: Any) -> Prompt:
    tools = tuple(ToolSpec(name, LOCATION_SCHEMA) for name in names)
    return Prompt(text=text, message_count=1, last_user=text, tools=tools, **overrides)


@pytest.mark.parametrize(
    ("prompt", "expected_tool"),
    [
        pytest.param(
            tool_prompt("Run lookup_city please", "other", "lookup_city"), "lookup_city", id="named"
        ),
        pytest.param(
            tool_prompt("Please lookup city now", "other", "lookup_city"),
            "lookup_city",
            id="spaced-name",
        ),
        pytest.param(
            tool_prompt("Is it sunny in Rome?", "other", "get_weather"), "get_weather", id="weather"
        ),
        pytest.param(tool_prompt("What time is it?", "other", "get_time"), "get_time", id="time"),
        pytest.param(
            tool_prompt("What date is it?", "a", "b"), "a", id="cue-without-matching-tool"
        ),
        pytest.param(tool_prompt("Hello", "a", "b", tool_mode="required"), "a", id="required"),
        pytest.param(tool_prompt("Hello", "a", "b", forced_tool="b"), "b", id="forced"),
        pytest.param(tool_prompt("Hello", "a", "b", forced_tool="zzz"), "a", id="forced-unknown"),
    ],
)
def test_tool_is_picked_from_the_prompt(prompt: Prompt, expected_tool: str) -> None:
    choice = answer(prompt)

    assert [call.name for call in choice.tool_calls] == [expected_tool]
    assert choice.finish_reason == "tool_calls"


@pytest.mark.parametrize(
    "prompt",
    [
        pytest.param(tool_prompt("Hello there", "a"), id="no-cue"),
        pytest.param(tool_prompt("What time is it?", "get_time", tool_mode="none"), id="none"),
        pytest.param(
            tool_prompt("What time is it?", "get_time", tool_result="12:00"), id="tool-result"
        ),
    ],
)
def test_no_tool_call_without_reason(prompt: Prompt) -> None:
    assert answer(prompt).tool_calls == ()


def test_tool_arguments_follow_the_schema() -> None:
    schema = {
        "type": "object",
        "properties": {
            "location": {"type": "string"},
            "unit": {"type": "string"},
            "format": {"type": "string", "enum": ["short", "long"]},
            "timezone": {"type": "string"},
            "days": {"type": "integer"},
            "hourly": {"type": "boolean"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "raw": {"type": "array"},
            "options": {"type": "object"},
            "summary": {"type": "string"},
        },
    }
    prompt = Prompt(
        text="x",
        message_count=1,
        last_user="Weather forecast for Oslo",
        tools=(ToolSpec("get_weather", schema),),
    )

    choice = answer(prompt)

    assert json.loads(choice.tool_calls[0].arguments) == {
        "location": "Oslo",
        "unit": "celsius",
        "format": "short",
        "timezone": "UTC",
        "days": 1,
        "hourly": True,
        "tags": ["Oslo"],
        "raw": [],
        "options": {"answer": "Weather forecast for Oslo"},
        "summary": "Weather forecast for Oslo",
    }


def test_parallel_calls_off_keeps_one_call() -> None:
    prompt = tool_prompt(
        "Weather in Oslo, Rome and Paris?", "get_weather", allow_parallel_tools=False
    )

    assert [json.loads(call.arguments) for call in answer(prompt).tool_calls] == [
        {"location": "Oslo"}
    ]


def test_stop_sequence_cuts_the_answer() -> None:
    prompt = Prompt(text="x", message_count=1, last_user="Say one, two, three", stops=(",",))

    assert answer(prompt).text == "One"


def test_prompt_without_keywords_gets_a_generic_topic() -> None:
    text = answer(Prompt(text="", message_count=1, last_user="why?")).text or ""

    assert "your request" in text


def test_legacy_prompt_list_is_joined() -> None:
    prompt = completion_prompt({"prompt": ["Say hi", [1, 2]], "max_tokens": 50})

    assert (prompt.text, prompt.max_tokens) == ("Say hi\n[1, 2]", 50)


def test_responses_input_items_and_trailing_tool_output() -> None:
    request = {
        "instructions": "Be brief.",
        "input": [
            {"role": "user", "content": [{"type": "input_text", "text": "Weather in Oslo?"}]},
            {"type": "function_call", "call_id": "c1", "name": "get_weather", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c1", "output": "3 C and windy"},
            "junk",
        ],
        "text": {"format": {"type": "json_schema", "name": "x", "schema": LOCATION_SCHEMA}},
        "max_output_tokens": 40,
    }

    prompt = responses_prompt(request)

    assert prompt.last_user == "Weather in Oslo?"
    assert prompt.tool_result == "3 C and windy"
    assert prompt.json_schema == LOCATION_SCHEMA
    assert prompt.max_tokens == 40


def test_anthropic_system_images_and_tool_result_are_read() -> None:
    request = {
        "system": [{"type": "text", "text": "You are terse."}],
        "max_tokens": 10,
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "image", "source": {"type": "base64", "data": "AAAA"}},
                    {"type": "text", "text": "What is this?"},
                ],
            },
            {"role": "assistant", "content": "Let me check."},
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "a cat"}],
            },
        ],
        "stop_sequences": ["\n\n"],
    }

    prompt = anthropic_prompt(request)

    assert prompt.text.startswith("You are terse.\nWhat is this?")
    assert (prompt.last_user, prompt.tool_result, prompt.image_count) == (
        "What is this?",
        "a cat",
        1,
    )
    assert prompt.stops == ("\n\n",)


def test_anthropic_plain_user_turn_has_no_tool_result() -> None:
    prompt = anthropic_prompt({"max_tokens": 5, "messages": [{"role": "user", "content": "Hi"}]})

    assert prompt.tool_result is None
