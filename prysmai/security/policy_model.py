"""A small content-policy classifier over character n-grams, shipped as JSON.

Features are the *presence* of character n-grams (3 to 5 characters, plus 2-character runs
of non-Latin letters, which carry meaning in Chinese, Korean or Thai) in the normalised text
with whitespace runs collapsed. Two linear models share them: a logistic regression that says
whether the text violates a policy at all, and one score per policy that says which.

Scoring compiles every n-gram of the vocabulary into one ``re2.Set`` and matches it once,
so scoring is linear in the text and costs a few microseconds per kilobyte; the weights of
the n-grams found are then summed. The model is trained offline by
``benchmarks/train_policy_model.py`` (pure Python) and stored in
``prysmai/security/data/policy_model.json``.

Limitations:
    Trained on public evaluation prompts, which are mostly English and French; for other
    languages the phrase rules carry most of the recall.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

import re2

MODEL_RESOURCE: Final = "policy_model.json"
NGRAM_SIZES: Final = (3, 4, 5)
"""Sizes of the character n-grams."""
_WHITESPACE_RE: Final = re.compile(r"[\t\n\f\r ]+")
_CONFIDENT: Final = 0.9
_SNIPPET_CONTEXT: Final = 24
_MAX_MEM: Final = 128 << 20


def _is_unspaced_letter(char: str) -> bool:
    """True for letters of scripts at or above Thai (U+0E00), where bigrams carry meaning."""
    return ord(char) >= 0x0E00 and char.isalpha()


def features(text: str) -> set[str]:
    """Return the n-gram features of normalised ``text``.

    Args:
        text: Normalised text (lower case, folded; see :mod:`prysmai.security.normalize`).

    Returns:
        Every n-gram of :data:`NGRAM_SIZES` characters of the text padded with one space at
        each end and with whitespace runs collapsed to one space, plus every pair of adjacent
        non-Latin letters.
    """
    padded = " " + _WHITESPACE_RE.sub(" ", text).strip() + " "
    length = len(padded)
    found: set[str] = set()
    for size in NGRAM_SIZES:
        found.update(padded[index : index + size] for index in range(length - size + 1))
    found.update(
        padded[index : index + 2]
        for index in range(length - 1)
        if _is_unspaced_letter(padded[index]) and _is_unspaced_letter(padded[index + 1])
    )
    return found


def feature_pattern(feature: str) -> str:
    """Return the RE2 pattern that finds ``feature`` in uncollapsed normalised text.

    A space stands for a whitespace run; a space at either end also matches the text's edge,
    just as :func:`features` pads the text.
    """
    leading = feature.startswith(" ")
    trailing = feature.endswith(" ") and len(feature) > 1
    core = feature.strip(" ")
    body = r"\s+".join(re.escape(part) for part in core.split(" ")) if core else ""
    if leading:
        body = r"(?:^|\s)" + body
    if trailing:
        body += r"(?:\s|$)"
    return body


@dataclass(frozen=True, slots=True)
class Verdict:
    """The classifier's decision on one text."""

    policy: str
    probability: float
    """Probability that the text violates some policy."""
    severity: int
    start: int
    """Span (in the normalised text) of the n-gram that weighed most for ``policy``."""
    end: int


@dataclass(frozen=True, slots=True)
class PolicyWeights:
    """Weights of the classifier, parallel to its feature list."""

    features: tuple[str, ...]
    harm: tuple[float, ...]
    harm_bias: float
    threshold: float
    """Probability from which a text is reported."""
    policies: dict[str, tuple[tuple[float, ...], float]]
    """Per policy: weights and bias of its one-vs-rest score (compared by arg max)."""

    def to_json(self) -> str:
        """Serialise the weights (rounded to 4 decimals)."""
        payload: dict[str, Any] = {
            "format": 1,
            "ngram_sizes": list(NGRAM_SIZES),
            "threshold": self.threshold,
            "features": list(self.features),
            "harm": {
                "bias": round(self.harm_bias, 4),
                "weights": [round(value, 4) for value in self.harm],
            },
            "policies": {
                name: {"bias": round(bias, 4), "weights": [round(value, 4) for value in weights]}
                for name, (weights, bias) in sorted(self.policies.items())
            },
        }
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, data: str) -> PolicyWeights:
        """Load weights written by :meth:`to_json`."""
        payload = json.loads(data)
        names = tuple(str(name) for name in payload["features"])
        harm = tuple(float(value) for value in payload["harm"]["weights"])
        policies = {
            str(name): (
                tuple(float(value) for value in entry["weights"]),
                float(entry["bias"]),
            )
            for name, entry in payload["policies"].items()
        }
        if len(harm) != len(names) or any(len(w) != len(names) for w, _ in policies.values()):
            raise ValueError("policy model: weight arrays do not match the feature list")
        return cls(
            names, harm, float(payload["harm"]["bias"]), float(payload["threshold"]), policies
        )


def _sigmoid(total: float) -> float:
    return 1 / (1 + math.exp(-max(min(total, 30.0), -30.0)))


class PolicyModel:
    """Scores normalised text with :class:`PolicyWeights`. Thread-safe after construction.

    Args:
        weights: The trained weights.
    """

    def __init__(self, weights: PolicyWeights) -> None:
        self.weights = weights
        options = re2.Options()
        options.max_mem = _MAX_MEM
        self._set = re2.Set.SearchSet(options)
        for feature in weights.features:
            self._set.Add(feature_pattern(feature))
        self._set.Compile()
        self._policy_names = tuple(sorted(weights.policies))
        self._policy_tables = tuple(weights.policies[name] for name in self._policy_names)

    @classmethod
    def load_default(cls) -> PolicyModel | None:
        """Load the weights shipped in ``prysmai/security/data``, or None if absent."""
        resource = resources.files("prysmai.security").joinpath("data", MODEL_RESOURCE)
        if not resource.is_file():
            return None
        return cls(PolicyWeights.from_json(resource.read_text(encoding="utf-8")))

    def matched(self, text: str) -> list[int]:
        """Return the indices of the vocabulary n-grams present in normalised ``text``."""
        return list(self._set.Match(text) or ())

    def probability(self, text: str) -> float:
        """Return the probability that normalised ``text`` violates some policy."""
        return self.probability_of(self.matched(text))

    def probability_of(self, indices: Iterable[int]) -> float:
        """Return the violation probability for the given feature indices."""
        return _sigmoid(self.weights.harm_bias + sum(map(self.weights.harm.__getitem__, indices)))

    def policy_of(self, indices: Sequence[int]) -> str:
        """Return the policy whose one-vs-rest score is highest for the given features."""
        best_name, best_score = self._policy_names[0], -math.inf
        for name, (weights, bias) in zip(self._policy_names, self._policy_tables, strict=True):
            score = bias + sum(map(weights.__getitem__, indices))
            if score > best_score:
                best_name, best_score = name, score
        return best_name

    def classify(self, text: str) -> Verdict | None:
        """Return the verdict on normalised ``text``, or None below the threshold."""
        indices = self.matched(text)
        if not indices:
            return None
        probability = self.probability_of(indices)
        if probability < self.weights.threshold:
            return None
        policy = self.policy_of(indices)
        start, end = self._evidence(text, indices, policy)
        severity = 7 if probability >= _CONFIDENT else 6
        return Verdict(policy, probability, severity, start, end)

    def _evidence(self, text: str, indices: Sequence[int], policy: str) -> tuple[int, int]:
        """Return the word (or words) holding the n-gram that weighed most for ``policy``."""
        weights = self.weights.policies[policy][0]
        harm = self.weights.harm
        best = max(indices, key=lambda index: harm[index] + weights[index])
        match = re.search(feature_pattern(self.weights.features[best]), text)
        if match is None:  # pragma: no cover - RE2 and re agree on these literal patterns
            return 0, len(text)
        start, end = match.span()
        while start < len(text) and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        low = max(0, start - _SNIPPET_CONTEXT)
        high = min(len(text), end + _SNIPPET_CONTEXT)
        left = text.rfind(" ", low, start)
        right = text.find(" ", end, high)
        return (left + 1 if left >= 0 else start), (right if right >= 0 else end)
