"""Tool calling: the model asks for a function, we run it, the model answers with its result.

Both model calls of the round trip are recorded, each with its own tokens and cost.

    OPENAI_API_KEY=sk-... python examples/tool_calling.py
"""

from __future__ import annotations

import json
import os
from typing import Any

import openai

from prysmai import monitor

MODEL = os.environ.get("PRYSM_DEMO_CHAT_MODEL", "gpt-4o-mini")

TOOLS: list[Any] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather for a city.",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string", "description": "City name"}},
                "required": ["city"],
            },
        },
    }
]


def get_weather(city: str) -> dict[str, Any]:
    """Stand-in for a real weather lookup."""
    return {"city": city, "temperature_c": 18, "conditions": "light rain"}


def run(client: openai.OpenAI) -> None:
    """Let the model call get_weather, then print its final answer."""
    messages: list[Any] = [{"role": "user", "content": "What is the weather in Paris right now?"}]
    first = client.chat.completions.create(model=MODEL, messages=messages, tools=TOOLS)
    reply = first.choices[0].message
    if not reply.tool_calls:
        print("tool calling: the model answered without a tool:", reply.content)
        return

    messages.append(reply.model_dump(exclude_none=True))
    for call in reply.tool_calls:
        if call.type != "function":
            continue
        arguments = json.loads(call.function.arguments)
        print(f"tool calling: model called {call.function.name}({arguments})")
        result = get_weather(**arguments)
        messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})

    final = client.chat.completions.create(model=MODEL, messages=messages, tools=TOOLS)
    print("tool calling:", final.choices[0].message.content)


if __name__ == "__main__":
    run(monitor(openai.OpenAI()))
