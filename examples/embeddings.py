"""Embeddings: turn a few sentences into vectors; prysmai records tokens and cost.

Run it against the provider in the environment:

    OPENAI_API_KEY=sk-... python examples/embeddings.py
"""

from __future__ import annotations

import os

import openai

from prysmai import monitor

MODEL = os.environ.get("PRYSM_DEMO_EMBEDDING_MODEL", "text-embedding-3-small")

SENTENCES = [
    "The cat sat on the mat.",
    "A kitten rested on the rug.",
    "Quarterly revenue grew by twelve percent.",
]


def run(client: openai.OpenAI) -> None:
    """Embed three sentences and print how close the first one is to the others."""
    response = client.embeddings.create(model=MODEL, input=SENTENCES)
    vectors = [item.embedding for item in response.data]
    print(f"embeddings: {len(vectors)} vectors of {len(vectors[0])} dimensions")
    for sentence, vector in zip(SENTENCES[1:], vectors[1:], strict=True):
        print(f"  similarity to {sentence!r}: {cosine(vectors[0], vector):.3f}")


def cosine(a: list[float], b: list[float]) -> float:
    """Return the cosine similarity of two vectors."""
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm_a = sum(x * x for x in a) ** 0.5
    norm_b = sum(y * y for y in b) ** 0.5
    return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0


if __name__ == "__main__":
    run(monitor(openai.OpenAI()))
