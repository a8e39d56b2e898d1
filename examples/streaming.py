"""Streaming: print the answer as it arrives; prysmai records the time to first token.

Run it against the provider in the environment:

    OPENAI_API_KEY=sk-... python examples/streaming.py
"""

from __future__ import annotations

import os

import openai

from prysmai import monitor

MODEL = os.environ.get("PRYSM_DEMO_CHAT_MODEL", "gpt-4o-mini")


def run(client: openai.OpenAI) -> None:
    """Stream one answer to stdout, chunk by chunk."""
    stream = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "Give me three tips for writing clear prompts."}],
        stream=True,
        # Without this option OpenAI sends no token counts for a stream (so no cost either).
        stream_options={"include_usage": True},
    )
    print("streaming: ", end="", flush=True)
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            print(chunk.choices[0].delta.content, end="", flush=True)
    print()


if __name__ == "__main__":
    run(monitor(openai.OpenAI()))
