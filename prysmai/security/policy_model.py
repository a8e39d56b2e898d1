"""A small content-policy classifier over words, shipped as JSON.

Features are the *presence* of words (runs of letters), of pairs of adjacent words, and of
pairs of adjacent letters in scripts written without spaces (Chinese, Japanese, Thai...), in
the normalised text. Words generalise better than the character n-grams of the first model:
under 5-fold cross-validation they found more violating prompts at the same false-positive
rate. Two linear models share the features: a logistic regression that says whether the text
violates a policy at all, and one score per policy that says which.

Scoring finds the features with :func:`features`, the same function training uses (a scan for
runs of letters, linear in the text), and looks them up in a dictionary; a *gate* decides
whether a text is scored at all: the words that weigh most towards a violation ("bomb",
"suicide", "slur"...) must occur. The model is trained offline by
``benchmarks/train_policy_model.py`` and stored in ``prysmai/security/data/policy_model.json``.

Why not a compiled set of patterns: with a word boundary at the start of each of thousands of
patterns, every state of RE2's lazy DFA holds all of them, and each state met for the first
time costs about a millisecond to build, so a kilobyte of text never seen before took
100-300 ms (and far more once the state cache filled). The Python scan takes about the same
40-90 µs on every text.

Limitations:
    Trained on public evaluation prompts, which are mostly English and French; for other
    languages the phrase rules carry most of the recall. A violating text that holds none of
    the gate's words is left to the rules.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress
from typing import Any, Final

import re2

from prysmai.security.literal_prefilter import LiteralSet
from prysmai.security.shipped import read_shipped

MODEL_RESOURCE: Final = "policy_model.json"
FORMAT: Final = 2
"""Version of the JSON layout (1 was the character n-gram model)."""
_LETTER_RANGES: Final = r"a-zA-Z\x{c0}-\x{24f}\x{370}-\x{1fff}\x{3040}-\x{9fff}\x{ac00}-\x{d7af}"
"""What counts as a letter: ASCII, Latin-1 to Latin Extended-B, Greek to Ethiopic and Indic
scripts, kana and CJK, Hangul. A few ranges rather than the Unicode letter class, whose
hundreds of ranges in each of thousands of patterns would not fit the set's memory budget;
the same class tokenises the training rows, so both sides agree by construction."""
_LETTERS_RE: Final = re.compile(
    "[a-zA-Z\u00c0-\u024f\u0370-\u1fff\u3040-\u9fff\uac00-\ud7af]+"
)  # _LETTER_RANGES in Python's syntax
_NOT_LETTER: Final = "[^" + _LETTER_RANGES + "]"
_ASCII_NON_LETTERS_TO_SPACE: Final = bytes(
    code if chr(code).isascii() and chr(code).isalpha() else 0x20 for code in range(256)
)
_HIGH_RUN_RE: Final = re.compile("[\u0e00-\U0010ffff]{2,}")
"""Runs of characters at or above Thai: the only places unspaced letter pairs occur."""
_CONFIDENT: Final = 0.9
_SNIPPET_CONTEXT: Final = 24
_MAX_MEM: Final = 128 << 20


def _is_unspaced_letter(char: str) -> bool:
    """True for letters of scripts at or above Thai (U+0E00), written without spaces."""
    return ord(char) >= 0x0E00 and char.isalpha()


def _is_unspaced_pair(feature: str) -> bool:
    return len(feature) == 2 and all(map(_is_unspaced_letter, feature))


def features(text: str) -> set[str]:
    """Return the features of normalised ``text``.

    Args:
        text: Normalised text (lower case, folded; see :mod:`prysmai.security.normalize`).

    Returns:
        Every word (a run of letters) not written in an unspaced script, every pair of such
        adjacent words joined by one space, and every pair of adjacent letters of unspaced
        scripts.
    """
    found = word_features(text)
    if not text.isascii():
        for run in _HIGH_RUN_RE.findall(text):
            found.update(
                run[index : index + 2]
                for index in range(len(run) - 1)
                if run[index].isalpha() and run[index + 1].isalpha()
            )
    return found


def words_of(text: str) -> list[str]:
    """Return the words of :func:`features` in order: runs of letters, bar unspaced scripts."""
    if text.isascii():
        # Letters are [a-zA-Z] here: a byte translation and a split find the same runs as the
        # regex, in a fraction of its time.
        return text.encode("ascii").translate(_ASCII_NON_LETTERS_TO_SPACE).decode("ascii").split()
    words = _LETTERS_RE.findall(text)
    return [word for word in words if not _is_unspaced_letter(word[0])]


def word_features(text: str) -> set[str]:
    """Return the words and word pairs of :func:`features` (no unspaced letter pairs)."""
    return _words_and_pairs(words_of(text))


def _words_and_pairs(words: list[str]) -> set[str]:
    found = set(words)
    found.update(map(" ".join, zip(words, words[1:], strict=False)))
    return found


def feature_pattern(feature: str) -> str:
    """Return the RE2 pattern that finds ``feature`` in normalised text.

    A word must stand between non-letters (or the text's edges); the two words of a pair may
    be separated by any run of non-letters; a pair of unspaced letters is found anywhere.
    """
    if _is_unspaced_pair(feature):
        return re.escape(feature)
    words = f"{_NOT_LETTER}+".join(re.escape(word) for word in feature.split(" "))
    return f"(?:^|{_NOT_LETTER}){words}(?:{_NOT_LETTER}|$)"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The classifier's decision on one text."""

    policy: str
    probability: float
    """Probability that the text violates some policy."""
    severity: int
    start: int
    """Span (in the normalised text) of the feature that weighed most for ``policy``."""
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
    gate: tuple[str, ...] = ()
    """Words (or unspaced letter pairs) of which a text must hold one to be scored; empty
    means every text is scored."""

    def to_json(self) -> str:
        """Serialise the weights (rounded to 4 decimals)."""
        payload: dict[str, Any] = {
            "format": FORMAT,
            "threshold": self.threshold,
            "gate": sorted(self.gate),
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
        """Load weights written by :meth:`to_json`.

        Raises:
            ValueError: The layout is not :data:`FORMAT` or the arrays do not match.
        """
        payload = json.loads(data)
        if payload.get("format") != FORMAT:
            raise ValueError(
                f"policy model: format {payload.get('format')!r} is not {FORMAT}; retrain "
                "with benchmarks/train_policy_model.py"
            )
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
            names,
            harm,
            float(payload["harm"]["bias"]),
            float(payload["threshold"]),
            policies,
            tuple(str(word) for word in payload.get("gate", ())),
        )


def _sigmoid(total: float) -> float:
    return 1 / (1 + math.exp(-max(min(total, 30.0), -30.0)))


def _compile(pattern: str) -> re2._Regexp:
    options = re2.Options()
    options.max_mem = _MAX_MEM
    return re2.compile(pattern, options)


class PolicyModel:
    """Scores normalised text with :class:`PolicyWeights`. Thread-safe after construction.

    Args:
        weights: The trained weights.
    """

    def __init__(self, weights: PolicyWeights) -> None:
        self.weights = weights
        self._index = {feature: index for index, feature in enumerate(weights.features)}
        self._gate = frozenset(weights.gate) if weights.gate else None
        # The gate is checked before the features are built: its words against the text's
        # words, its unspaced letter pairs as substrings (such a pair is a feature exactly
        # where it occurs).
        self._gate_words = frozenset(word for word in weights.gate if not _is_unspaced_pair(word))
        self._gate_pairs = tuple(sorted(word for word in weights.gate if _is_unspaced_pair(word)))
        self._evidence_patterns: dict[int, re2._Regexp] = {}
        self._policy_names = tuple(sorted(weights.policies))
        # An unspaced letter pair is a feature exactly where it occurs in the text, so the
        # weighted ones are found by one literal pass instead of pairing every letter.
        self._letter_pairs = LiteralSet(
            name for name in weights.features if _is_unspaced_pair(name)
        )
        self._policy_tables = tuple(weights.policies[name] for name in self._policy_names)
        # A word pair can only have a weight when its first word begins some weighted pair.
        self._pair_heads = frozenset(
            name.split(" ", 1)[0] for name in weights.features if " " in name
        )

    @classmethod
    def load_default(cls) -> PolicyModel | None:
        """Load the weights shipped in ``prysmai/security/data``, or None if absent."""
        data = read_shipped(MODEL_RESOURCE)
        return None if data is None else cls(PolicyWeights.from_json(data))

    def is_gated_out(self, text: str) -> bool:
        """True when normalised ``text`` holds none of the gate's words (it is not scored)."""
        return self._is_gated_out(text, words_of(text))

    def _is_gated_out(self, text: str, words: list[str]) -> bool:
        if self._gate is None or not self._gate_words.isdisjoint(words):
            return False
        return text.isascii() or not any(pair in text for pair in self._gate_pairs)

    def _features(self, text: str, words: list[str] | None = None) -> set[str]:
        """Return :func:`features` as far as the weights go.

        Unspaced letter pairs without a weight are not looked for.
        """
        found = _words_and_pairs(words_of(text) if words is None else words)
        if not text.isascii():
            found.update(self._letter_pairs.found_in(text))
        return found

    def _indices(self, found: set[str]) -> list[int]:
        # Sorted, so sums of weights (and verdicts at the threshold) never depend on set order.
        index = self._index
        return sorted(map(index.__getitem__, index.keys() & found))

    def _known_indices(self, text: str, words: list[str]) -> list[int]:
        """Return ``self._indices(self._features(text, words))`` without building every feature.

        The weighted words, the weighted pairs among those whose first word begins one, and
        the weighted letter pairs: the same set, so the same sorted indices.
        """
        index = self._index
        known = index.keys() & words
        heads = map(self._pair_heads.__contains__, words)
        pairs = map(" ".join, compress(zip(words, words[1:], strict=False), heads))
        known.update(filter(index.__contains__, pairs))
        if not text.isascii():
            known.update(self._letter_pairs.found_in(text))  # every one of them has a weight
        return sorted(map(index.__getitem__, known))

    def probability_of(self, indices: Iterable[int]) -> float:
        """Return the violation probability for the given feature indices."""
        harm = self.weights.harm
        return _sigmoid(self.weights.harm_bias + sum([harm[index] for index in indices]))

    def policy_of(self, indices: Sequence[int]) -> str:
        """Return the policy whose one-vs-rest score is highest for the given features."""
        best_name, best_score = self._policy_names[0], -math.inf
        for name, (weights, bias) in zip(self._policy_names, self._policy_tables, strict=True):
            score = bias + sum([weights[index] for index in indices])
            if score > best_score:
                best_name, best_score = name, score
        return best_name

    def classify(self, text: str) -> Verdict | None:
        """Return the verdict on normalised ``text``, or None when gated out or below threshold."""
        words = words_of(text)  # found once for both the gate and the features
        if self._is_gated_out(text, words):
            return None
        indices = self._known_indices(text, words)
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
        """Return the word (or words) holding the feature that weighed most for ``policy``."""
        weights = self.weights.policies[policy][0]
        harm = self.weights.harm
        strengths = [harm[index] + weights[index] for index in indices]
        best = indices[strengths.index(max(strengths))]  # the first of equals, as max() picks
        pattern = self._evidence_patterns.get(best)
        if pattern is None:  # compiled once per feature, on first use
            pattern = _compile(feature_pattern(self.weights.features[best]))
            self._evidence_patterns[best] = pattern
        match = pattern.search(text)
        if match is None:  # two words of a pair parted by a word of an unspaced script
            return 0, len(text)
        start, end = match.span()
        while start < end and not text[start].isalpha():
            start += 1
        while end > start and not text[end - 1].isalpha():
            end -= 1
        low = max(0, start - _SNIPPET_CONTEXT)
        high = min(len(text), end + _SNIPPET_CONTEXT)
        left = text.rfind(" ", low, start)
        right = text.find(" ", end, high)
        return (left + 1 if left >= 0 else start), (right if right >= 0 else end)
