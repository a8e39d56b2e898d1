"""A small logistic-regression injection classifier over word n-grams, shipped as JSON.

Features are the presence of lower-cased, folded word unigrams and bigrams; scoring a prompt
is one tokenising pass plus a sum over the features present. Training (pure Python, no NumPy)
lives here too, so the shipped weights can be rebuilt with
``benchmarks/train_security_model.py``.

Limitations:
    The shipped weights were trained only on the English and German rows of the public dev set
    (the only languages with benign examples there); other languages rely on the rules.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Final

MODEL_RESOURCE: Final = "injection_model.json"
_TOKEN_RE: Final = re.compile(r"[a-z0-9']+")


def features(text: str) -> set[str]:
    """Return the unigram and bigram features of normalised ``text``."""
    tokens = _TOKEN_RE.findall(text)
    found = set(tokens)
    found.update(f"{first} {second}" for first, second in zip(tokens, tokens[1:], strict=False))
    return found


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Weights of a binary logistic regression over :func:`features`."""

    weights: dict[str, float]
    bias: float
    threshold: float
    """Probability from which a text is reported as an injection."""

    def probability(self, found: Iterable[str]) -> float:
        """Return the injection probability for a set of features."""
        total = self.bias + sum(self.weights.get(feature, 0.0) for feature in found)
        return 1 / (1 + math.exp(-max(min(total, 30.0), -30.0)))

    def to_json(self) -> str:
        """Serialise the model (weights rounded to 4 decimals)."""
        weights = {key: round(value, 4) for key, value in sorted(self.weights.items())}
        payload = {"bias": round(self.bias, 4), "threshold": self.threshold, "weights": weights}
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, data: str) -> LinearModel:
        """Load a model written by :meth:`to_json`."""
        payload = json.loads(data)
        weights = {str(key): float(value) for key, value in payload["weights"].items()}
        return cls(weights, float(payload["bias"]), float(payload["threshold"]))


class InjectionModel:
    """Scores normalised text with a :class:`LinearModel`.

    Tokens come from one C-level ``findall``; bigrams are built only after tokens that start a
    known bigram, so scoring stays a few microseconds per kilobyte.

    Args:
        model: The weights.
    """

    def __init__(self, model: LinearModel) -> None:
        self.model = model
        self._unigrams = {name for name in model.weights if " " not in name}
        self._bigram_heads = {name.split(" ")[0] for name in model.weights if " " in name}

    @classmethod
    def load_default(cls) -> InjectionModel | None:
        """Load the weights shipped in ``prysmai/security/data``, or None if absent."""
        resource = resources.files("prysmai.security").joinpath("data", MODEL_RESOURCE)
        if not resource.is_file():
            return None
        return cls(LinearModel.from_json(resource.read_text(encoding="utf-8")))

    def probability(self, text: str) -> float:
        """Return the injection probability of normalised ``text``."""
        tokens = _TOKEN_RE.findall(text)
        heads = self._bigram_heads
        found: set[str] = self._unigrams.intersection(tokens)
        found.update(
            f"{first} {second}"
            for first, second in zip(tokens, tokens[1:], strict=False)
            if first in heads
        )
        return self.model.probability(found)


def train(
    texts: Sequence[str],
    labels: Sequence[int],
    *,
    epochs: int = 25,
    l2: float = 1e-4,
    learning_rate: float = 0.2,
    min_count: int = 2,
    max_features: int = 4000,
    seed: int = 13,
) -> LinearModel:
    """Fit a logistic regression with plain SGD; keep the ``max_features`` strongest weights.

    Args:
        texts: Normalised texts.
        labels: 1 for injection, 0 for benign.
        epochs: Passes over the data.
        l2: L2 penalty per update.
        learning_rate: Initial step size (decays with 1/sqrt(epoch)).
        min_count: Features seen in fewer texts are dropped.
        max_features: Size of the shipped vocabulary.
        seed: Shuffling seed, for reproducible weights.

    Returns:
        The model, with threshold 0.5 (see :func:`pick_threshold`).
    """
    rows = [features(text) for text in texts]
    counts = Counter(feature for row in rows for feature in row)
    vocabulary = {feature for feature, count in counts.items() if count >= min_count}
    rows = [row & vocabulary for row in rows]
    weights: dict[str, float] = dict.fromkeys(vocabulary, 0.0)
    positives = sum(labels)
    # Class weights balance attacks and benign rows.
    class_weight = {
        1: len(labels) / (2 * max(positives, 1)),
        0: len(labels) / (2 * max(len(labels) - positives, 1)),
    }
    bias = 0.0
    order = list(range(len(rows)))
    shuffler = random.Random(seed)
    for epoch in range(epochs):
        shuffler.shuffle(order)
        step = learning_rate / math.sqrt(epoch + 1)
        for index in order:
            row, label = rows[index], labels[index]
            total = bias + sum(weights[feature] for feature in row)
            predicted = 1 / (1 + math.exp(-max(min(total, 30.0), -30.0)))
            gradient = (predicted - label) * class_weight[label] * step
            bias -= gradient
            for feature in row:
                weights[feature] -= gradient + l2 * weights[feature]
    strongest = sorted(weights, key=lambda feature: -abs(weights[feature]))[:max_features]
    return LinearModel({feature: weights[feature] for feature in strongest}, bias, 0.5)


def pick_threshold(probabilities: Sequence[float], labels: Sequence[int], max_fpr: float) -> float:
    """Return the lowest threshold whose false-positive rate stays at or under ``max_fpr``."""
    negatives = sorted(
        (p for p, label in zip(probabilities, labels, strict=True) if not label), reverse=True
    )
    allowed = int(max_fpr * len(negatives))
    if allowed >= len(negatives):
        return 0.0
    return min(1.0, negatives[allowed] + 1e-6)
