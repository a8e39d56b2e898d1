"""A small logistic-regression injection classifier over hashed-free literal features.

Features are the *presence* of literals in normalised text: ASCII words and word bigrams
(word-bounded), character 2- and 3-grams of non-ASCII letters (scripts without spaces
between words, and morphology in any script) and, in texts of 20 tokens or more, the first and
last five tokens. The shipped model keeps up to 15,000 of them.
Scoring a text is one pass of :func:`features` over it (linear in its length) and a sum of the
weights found, exactly what training uses (``benchmarks/train_security_model.py``, pure
Python, no NumPy).

Long texts are scored in windows of :data:`WINDOW_CHARS` characters; the highest window wins,
so an injection inside a long document is not diluted by the rest of it.

Limitations:
    The weights come from the public dev set plus, as negatives, ordinary prompts written in
    19 languages, benign interface text and a few dozen everyday requests, so the model keys on
    what attacks ask for rather than on the language they are written in. The dev set's
    attacks share topics (capital cities, paper summaries, jokes) with ordinary requests, and
    many of its attacks are short, so short everyday questions still get a model finding about
    one time in 20 (2 of 40 held-out ones; severity 6-7: a medium score, never a block on its
    own).
"""

from __future__ import annotations

import json
import math
import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress
from typing import Final

from prysmai.security.literal_prefilter import LiteralSet
from prysmai.security.shipped import read_shipped

MODEL_RESOURCE: Final = "injection_model.json"
WINDOW_CHARS: Final = 6144
"""Texts longer than this are scored window by window (windows overlap by a sixth)."""
_WINDOW_STEP: Final = WINDOW_CHARS * 5 // 6
_LENGTH_UNIT: Final = 5.0
"""Characters per length unit in the score's damping factor (about one English word)."""

# Tokenising table over UTF-8 bytes: word characters [a-z0-9_] stay, a space becomes NUL (so
# that words joined by exactly one space stay in one whitespace-free chain), an ASCII capital
# becomes \x02 (a word holding one is no word: "\b[a-z0-9_]+\b" cannot match inside it), and
# every other byte, each byte of a non-ASCII character included, becomes \x1f, which
# str.split() treats as whitespace.
_TOKEN_BYTES: Final = bytes(
    code
    if chr(code) in "abcdefghijklmnopqrstuvwxyz0123456789_"
    else 0
    if code == 0x20
    else 2
    if 0x41 <= code <= 0x5A
    else 0x1F
    for code in range(256)
)
# Letters of other scripts: anything outside ASCII but spaces and punctuation blocks.
_SCRIPT_CLASS: Final = "[^\\x00-\\x7f\\s\u2000-\u206f\u3000-\u303f\uff00-\uff65]"
_SCRIPT_RUN_RE: Final = re.compile(_SCRIPT_CLASS + "+")
_MAX_WORD_CHARS: Final = 24
# One-character tokens are left out: "q" opening a text says more about how a data set was
# written ("Q: ... A: ...") than about what a text asks for.
_POSITION_TOKEN_RE: Final = re.compile(r"[a-z0-9_]{2,}|[^\x00-\x7f\s]{2,}")
EDGE_TOKENS: Final = 5
"""Tokens at each end of a text that become position features."""
_EDGE_CHARS: Final = 240
MIN_POSITION_TOKENS: Final = 20
"""Texts with fewer tokens get no position features: in a short message every word would
count twice, and "please ignore all previous emails" would read as an attack."""


def features(text: str) -> set[str]:
    """Return every candidate feature present in normalised ``text``.

    Args:
        text: Normalised text (see :func:`prysmai.security.normalize.normalize`).

    Returns:
        ASCII words (maximal runs of ``[a-z0-9_]`` between non-word characters) of at most 24
        characters, pairs of words separated by exactly one space (at most 48 characters), and
        the 2- and 3-character runs of non-ASCII letters, plus :func:`position_features`.
    """
    found = ascii_features(text)
    found.update(position_features(text))
    if not text.isascii():
        for run in _SCRIPT_RUN_RE.findall(text):
            for size in (2, 3):
                found.update(run[i : i + size] for i in range(len(run) - size + 1))
    return found


def ascii_features(text: str) -> set[str]:
    """Return the ASCII words and word pairs of :func:`features` (no script n-grams)."""
    tokens = text.encode("utf-8", "surrogatepass").translate(_TOKEN_BYTES).decode("ascii")
    found: set[str] = set()
    for chain in tokens.split():
        if "\x00" not in chain:
            found.add(chain)
            continue
        words = chain.split("\x00")
        found.update(words)
        pairs = zip(words, words[1:], strict=False)
        found.update([first + " " + second for first, second in pairs if first and second])
    found.discard("")
    if "\x02" in tokens:
        found = {feature for feature in found if "\x02" not in feature}
    if found and max(map(len, found)) > _MAX_WORD_CHARS:
        found = {feature for feature in found if _short_enough(feature)}
    return found


def ascii_feature_candidates(text: str) -> set[str]:
    """Return a superset of :func:`ascii_features`, about twice as quick to build.

    The extra strings can never be features: the empty string, words cut by a capital letter
    (they hold its marker), words over the length limit, and "pairs" with a leading or trailing
    space (a word next to a gap). Looking up weights in it gives exactly what
    :func:`ascii_features` gives; training must use the exact set.
    """
    words = _candidate_words(text)
    found = set(words)
    found.update(map(" ".join, zip(words, words[1:], strict=False)))
    return found


def _candidate_words(text: str) -> list[str]:
    """The words of :func:`ascii_feature_candidates` in order, ``""`` where a gap parts two."""
    chains = text.encode("utf-8", "surrogatepass").translate(_TOKEN_BYTES).decode("ascii").split()
    # Chains joined by two NULs leave an empty word between them, so splitting on NUL gives
    # the words in order with a gap marked wherever two words were not one space apart.
    return "\x00\x00".join(chains).split("\x00")


def position_features(text: str) -> set[str]:
    """Return the first and last :data:`EDGE_TOKENS` tokens, marked ``^`` and ``$``.

    Tokens are runs of ``[a-z0-9_]`` or of non-ASCII non-space characters, two characters or
    more. Instructions tend to open or close a message (an injected one often closes a
    document), so the same word weighs differently there. Texts of fewer than
    :data:`MIN_POSITION_TOKENS` tokens have none.
    """
    first: list[str] = []
    last: list[str] = []
    if len(text) > 2 * _EDGE_CHARS:
        # Tokens of the first characters are the text's first tokens (only the last may be cut
        # short), and tokens of the last characters its last ones (only the first may be cut):
        # two short scans instead of one over a text of any length.
        first = _POSITION_TOKEN_RE.findall(text, 0, _EDGE_CHARS)
        last = _POSITION_TOKEN_RE.findall(text, len(text) - _EDGE_CHARS)
    if len(first) <= MIN_POSITION_TOKENS or len(last) <= EDGE_TOKENS:
        tokens = _POSITION_TOKEN_RE.findall(text)
        if len(tokens) < MIN_POSITION_TOKENS:
            return set()
        first, last = tokens, tokens
    found = {"^" + token for token in first[:EDGE_TOKENS]}
    found.update(["$" + token for token in last[-EDGE_TOKENS:]])
    return found


def is_script_ngram(feature: str) -> bool:
    """Whether ``feature`` is a run of non-ASCII letters (it holds no ASCII character)."""
    return not any(char.isascii() for char in feature)


def _short_enough(feature: str) -> bool:
    return len(feature) <= (2 * _MAX_WORD_CHARS if " " in feature else _MAX_WORD_CHARS)


def damping(length: int) -> float:
    """Return the factor that scales a text's summed weights by its length in characters."""
    return 1.0 / math.sqrt(1.0 + length / _LENGTH_UNIT)


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Weights of a binary logistic regression over :func:`features`."""

    weights: dict[str, float]
    bias: float
    threshold: float
    """Probability from which a text is reported as an injection."""

    def probability(self, found: Iterable[str], length: int) -> float:
        """Return the injection probability for the features of a text of ``length`` chars."""
        known = self.weights.keys() & found  # a C-level intersection; most features weigh nothing
        return self.probability_of_known(known, length)

    def probability_of_known(self, known: Iterable[str], length: int) -> float:
        """Return :meth:`probability` from the text's features that have a weight, each once."""
        # fsum is exact, so the verdict at the threshold never depends on the set's order.
        total = math.fsum(map(self.weights.__getitem__, known))
        return _sigmoid(self.bias + total * damping(length))

    def to_json(self) -> str:
        """Serialise the model (weights rounded to 4 decimals)."""
        weights = {key: round(value, 4) for key, value in sorted(self.weights.items())}
        payload = {
            "bias": round(self.bias, 4),
            "threshold": round(self.threshold, 6),
            "weights": weights,
        }
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, data: str) -> LinearModel:
        """Load a model written by :meth:`to_json`."""
        payload = json.loads(data)
        weights = {str(key): float(value) for key, value in payload["weights"].items()}
        return cls(weights, float(payload["bias"]), float(payload["threshold"]))


def _sigmoid(total: float) -> float:
    return 1 / (1 + math.exp(-max(min(total, 30.0), -30.0)))


class InjectionModel:
    """Scores normalised text with a :class:`LinearModel`: its features, then a sum of weights.

    Features are found in plain Python (a word scan and a dictionary lookup), not with a
    compiled set of patterns: a set of thousands of word-bounded literals makes RE2 build new
    automaton states for nearly every unseen text, which measured 0.4-0.6 ms per fresh 1 KB
    prompt (and far more once its state cache fills), against about 60 µs here whatever the
    text.

    Args:
        model: The weights.
    """

    def __init__(self, model: LinearModel) -> None:
        self.model = model
        # Of the script n-grams only those with a weight matter, and such an n-gram is a
        # feature exactly where it occurs in the text (its characters all belong to a run of
        # letters), so one literal pass finds them: about 30 µs per KB of Chinese or Hindi
        # against some 150 µs to build every n-gram.
        self._ngrams = LiteralSet(name for name in model.weights if is_script_ngram(name))
        # A word pair can only weigh when its first word begins some weighted pair: the others
        # are never built (about four pairs in five of ordinary text).
        self._pair_heads = frozenset(name.split(" ", 1)[0] for name in model.weights if " " in name)

    @classmethod
    def load_default(cls) -> InjectionModel | None:
        """Load the weights shipped in ``prysmai/security/data``, or None if absent."""
        data = read_shipped(MODEL_RESOURCE)
        return None if data is None else cls(LinearModel.from_json(data))

    @property
    def threshold(self) -> float:
        """Probability from which a text is reported."""
        return self.model.threshold

    def probability(self, text: str) -> float:
        """Return the injection probability of normalised ``text`` (its likeliest window)."""
        if len(text) <= WINDOW_CHARS:
            return self._window_probability(text)
        best = 0.0
        for start in range(0, len(text) - WINDOW_CHARS + _WINDOW_STEP, _WINDOW_STEP):
            best = max(best, self._window_probability(text[start : start + WINDOW_CHARS]))
        return best

    def _window_probability(self, text: str) -> float:
        # The weighted features of ascii_feature_candidates, position_features and the script
        # n-grams, collected straight into one set without the set of every feature: the same
        # set of weights, summed exactly, as LinearModel.probability of those features.
        weights = self.model.weights
        words = _candidate_words(text)
        known = weights.keys() & words
        heads = map(self._pair_heads.__contains__, words)
        pairs = map(" ".join, compress(zip(words, words[1:], strict=False), heads))
        known.update(filter(weights.__contains__, pairs))
        known.update(filter(weights.__contains__, position_features(text)))
        if not text.isascii():
            known.update(self._ngrams.found_in(text))  # every one of them has a weight
        return self.model.probability_of_known(known, len(text))


def window(text: str) -> str:
    """Return the part of a training text that a model of this module learns from."""
    return text[:WINDOW_CHARS]


def train(
    rows: Sequence[set[str]],
    lengths: Sequence[int],
    labels: Sequence[int],
    *,
    sample_weights: Sequence[float] | None = None,
    epochs: int = 20,
    l2: float = 8e-5,
    learning_rate: float = 2.0,
    min_count: int = 3,
    max_features: int = 15000,
    seed: int = 13,
    refit: bool = True,
) -> LinearModel:
    """Fit a logistic regression with AdaGrad; keep the ``max_features`` strongest weights.

    Args:
        rows: Features of each text (from :func:`features` of its :func:`window`).
        lengths: Length in characters of each windowed text.
        labels: 1 for injection, 0 for benign.
        sample_weights: Per-row weights (default 1); classes are balanced on top of them.
        epochs: Passes over the data.
        l2: L2 penalty per update.
        learning_rate: AdaGrad base step.
        min_count: Features present in fewer rows are dropped.
        max_features: Size of the shipped vocabulary.
        seed: Shuffling seed, for reproducible weights.
        refit: Fit again on the kept features only, so that the weights of the dropped ones
            are taken up by the kept ones instead of being lost.

    Returns:
        The model, with threshold 0.5 (choose one with :func:`pick_threshold`).
    """
    counts = Counter(feature for row in rows for feature in row)
    names = sorted(feature for feature, count in counts.items() if count >= min_count)
    weights = _fit(names, rows, lengths, labels, sample_weights, epochs, l2, learning_rate, seed)
    strongest = sorted(range(len(names)), key=lambda f: -abs(weights[f]))[:max_features]
    if refit and len(strongest) < len(names):
        names = sorted(names[f] for f in strongest)
        weights = _fit(
            names, rows, lengths, labels, sample_weights, epochs, l2, learning_rate, seed
        )
        strongest = list(range(len(names)))
    bias = weights.pop()
    return LinearModel({names[f]: weights[f] for f in strongest if weights[f]}, bias, 0.5)


def _fit(
    names: list[str],
    rows: Sequence[set[str]],
    lengths: Sequence[int],
    labels: Sequence[int],
    sample_weights: Sequence[float] | None,
    epochs: int,
    l2: float,
    learning_rate: float,
    seed: int,
) -> list[float]:
    """Return the weights of ``names`` in order, then the bias."""
    index = {name: i for i, name in enumerate(names)}
    encoded = [[index[f] for f in row if f in index] for row in rows]
    scales = [damping(length) for length in lengths]
    weights = [0.0] * len(names)
    squares = [1e-8] * len(names)
    row_weights = _balanced(labels, sample_weights)
    bias, bias_square = 0.0, 1e-8
    order = list(range(len(rows)))
    shuffler = random.Random(seed)
    for _ in range(epochs):
        shuffler.shuffle(order)
        for i in order:
            row, scale = encoded[i], scales[i]
            total = bias + scale * sum(map(weights.__getitem__, row))
            error = (_sigmoid(total) - labels[i]) * row_weights[i]
            bias_square += error * error
            bias -= learning_rate * error / math.sqrt(bias_square)
            gradient = error * scale
            step_square = gradient * gradient
            for f in row:
                squares[f] += step_square
                weights[f] -= learning_rate * (gradient + l2 * weights[f]) / math.sqrt(squares[f])
    return [*weights, bias]


def _balanced(labels: Sequence[int], sample_weights: Sequence[float] | None) -> list[float]:
    """Per-row weights with both classes carrying the same total weight."""
    base = list(sample_weights) if sample_weights is not None else [1.0] * len(labels)
    totals = {0: 0.0, 1: 0.0}
    for label, weight in zip(labels, base, strict=True):
        totals[label] += weight
    return [
        weight * sum(totals.values()) / (2 * max(totals[label], 1e-9))
        for label, weight in zip(labels, base, strict=True)
    ]


def pick_threshold(probabilities: Sequence[float], labels: Sequence[int], max_fpr: float) -> float:
    """Return the lowest threshold whose false-positive rate stays at or under ``max_fpr``."""
    negatives = sorted(
        (p for p, label in zip(probabilities, labels, strict=True) if not label), reverse=True
    )
    allowed = int(max_fpr * len(negatives))
    if allowed >= len(negatives):
        return 0.0
    return min(1.0, negatives[allowed] + 1e-6)
