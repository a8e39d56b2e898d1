"""Who a call is for: user, session and metadata with `prysm_context` or `X-Prysm-*` headers.

Every recorded call carries the user, session and metadata in force when it was made:

* `prysm_context.set(...)` sets a process-wide default (see the bottom of this file);
* `with prysm_context(...)` scopes values to a block (per thread and per asyncio task);
* `X-Prysm-User-Id`, `X-Prysm-Session-Id` and `X-Prysm-Metadata` (JSON) headers set them for
  one call, and win over the context. prysmai removes them before the request leaves, so the
  provider never sees them.

    OPENAI_API_KEY=sk-... python examples/context_and_metadata.py
    prysmai traces --user alice
"""

from __future__ import annotations

import json
import os

import openai

from prysmai import monitor, prysm_context

MODEL = os.environ.get("PRYSM_DEMO_CHAT_MODEL", "gpt-4o-mini")


def ask(client: openai.OpenAI, question: str, headers: dict[str, str] | None = None) -> str:
    """Return the model's answer to one question."""
    response = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": question}],
        max_tokens=60,
        extra_headers=headers,
    )
    return response.choices[0].message.content or ""


def run(client: openai.OpenAI) -> None:
    """Make two calls for two users: one scoped with a context, one tagged by headers."""
    with prysm_context(user_id="alice", metadata={"feature": "search", "plan": "pro"}):
        values = prysm_context.get()
        answer = ask(client, "What is a good name for a hiking club?")
        print(f"context: user={values.user_id} session={values.session_id}: {answer}")

    headers = {
        "X-Prysm-User-Id": "bob",
        "X-Prysm-Metadata": json.dumps({"feature": "support", "ticket": 4812}),
    }
    answer = ask(client, "Say thank you for waiting.", headers)
    print(f"headers: user=bob: {answer}")


if __name__ == "__main__":
    # Set once at startup: calls outside any `with prysm_context(...)` block get these values.
    prysm_context.set(user_id="batch-job", metadata={"service": "examples"})
    run(monitor(openai.OpenAI()))
