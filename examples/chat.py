"""Chat: one question, one answer, recorded by prysmai.

Run it against OpenAI (or any OpenAI-compatible server) from the environment:

    OPENAI_API_KEY=sk-... python examples/chat.py
    OPENAI_BASE_URL=http://127.0.0.1:11434/v1 OPENAI_API_KEY=ollama \
        PRYSM_DEMO_CHAT_MODEL=llama3.2 python examples/chat.py

then see the call with `prysmai traces`.
"""

from __future__ import annotations

import os

import openai

from prysmai import monitor

MODEL = os.environ.get("PRYSM_DEMO_CHAT_MODEL", "gpt-4o-mini")


def run(client: openai.OpenAI) -> None:
    """Ask one question and print the answer."""
    response = client.chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "system", "content": "You answer in one short sentence."},
            {"role": "user", "content": "Explain what observability means for an LLM app."},
        ],
    )
    print("chat:", response.choices[0].message.content)


if __name__ == "__main__":
    run(monitor(openai.OpenAI()))
