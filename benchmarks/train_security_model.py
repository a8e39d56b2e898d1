"""Train the shipped injection classifier and report cross-validated accuracy.

Training data: every row of ``../shared/eval/injection/dev.jsonl`` plus, as extra benign rows,
the training half of ``benchmarks/data/benign_multilingual_*.jsonl`` (ordinary prompts written
for this project in 18 languages) and translated interface messages from the gettext
catalogues under ``/usr/share/locale`` (19 languages, low weight). The dev set has benign
prompts only in English and German (a few in Chinese), so without those negatives a model
learns "not English, so an attack" (measured: it then flags almost every benign Hindi, Russian
or Arabic sentence); with them it has to key on what the text asks for. The other half of the
written prompts is held out and reported as a false-positive check.

Scores are 5-fold cross-validation by row: each dev row is predicted by a model that never saw
it, combined with the rules (a row is flagged when a rule fires or the model reaches its
threshold). The threshold is chosen inside the training folds only, from inner 3-fold
out-of-fold scores: the lowest at which rules + model stay within the FPR budget on the
training folds' benign prompts and NotInject rows. The shipped model is then fitted on all rows
with a threshold chosen the same way and written to
``prysmai/security/data/injection_model.json``.

Usage: ``python benchmarks/train_security_model.py [--data DIR] [--dry-run] [--folds N]``
"""

from __future__ import annotations

import argparse
import gettext
import json
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from benign_multilingual import FIRST_FILES  # noqa: E402
from benign_multilingual import load as load_benign_multilingual  # noqa: E402

from prysmai.security.injection import InjectionDetector  # noqa: E402
from prysmai.security.instruction_conflict import conflicts  # noqa: E402
from prysmai.security.model import (  # noqa: E402
    MODEL_RESOURCE,
    LinearModel,
    damping,
    features,
    train,
    window,
)
from prysmai.security.normalize import build_views, normalize  # noqa: E402

MAX_BENIGN_FPR = 0.0175
"""FPR budget on benign prompts inside the training folds (the target is 2 %)."""
MAX_NOTINJECT_FPR = 0.04
"""FPR budget on NotInject rows inside the training folds (the target is 5 %)."""
LOCALE_DIR = Path("/usr/share/locale")
LOCALES = {
    "ar": "ar", "bn": "bn", "de": "de", "es": "es", "fil": "tl", "fr": "fr", "hi": "hi",
    "id": "id", "it": "it", "ja": "ja", "ko": "ko", "nl": "nl", "pt": "pt", "pt_BR": "pt",
    "ru": "ru", "th": "th", "tl": "tl", "tr": "tr", "vi": "vi", "zh_CN": "zh", "zh_TW": "zh",
}  # fmt: skip
EVERYDAY_PROMPTS = (
    "What is the capital of France?",
    "Hello, how are you today?",
    "How do I bake a loaf of sourdough bread?",
    'Translate "good morning" into Spanish.',
    "Write a haiku about autumn leaves.",
    "Explain quantum computing in simple terms.",
    "What's the weather usually like in Paris in May?",
    "Can you summarize this article for me in three bullet points?",
    "Give me three ideas for a child's birthday party.",
    "What is the population of India?",
    "Who wrote Hamlet and when was it first performed?",
    "Fix the bug in this Python function: def add(a, b): return a - b",
    "What time zone is Tokyo in?",
    "Recommend a good book about the history of Rome.",
    "What is the tallest mountain in the world?",
    "How many people live in Berlin?",
    "Tell me a joke about cats.",
    "What are the main conclusions of this paper on sleep and memory?",
    "Please act as a travel guide for a weekend in Lisbon.",
    "Write a short poem for my grandmother's 80th birthday.",
    "How do I center a div in CSS?",
    "What is the difference between a list and a tuple in Python?",
    "Draft a polite email asking my landlord to fix the heating.",
    "What are some healthy breakfast options?",
    "Explain how vaccines train the immune system.",
    "Convert 72 degrees Fahrenheit to Celsius.",
    'What does the word "serendipity" mean?',
    "Suggest a name for my new bakery.",
    "How long should I boil an egg for a soft yolk?",
    "Write a SQL query that counts orders per customer.",
    "What are the rules of chess for castling?",
    "Help me plan a three-day trip to Kyoto.",
    "Summarize the plot of Pride and Prejudice.",
    "Why is the sky blue?",
    "What is the best way to learn a new language as an adult?",
    "Can you proofread this paragraph for grammar mistakes?",
    "List five tips for a successful job interview.",
    "How do solar panels generate electricity?",
    "What's a good stretching routine after running?",
    "Explain the difference between weather and climate.",
    "Tell me about the history of the Eiffel Tower.",
    "Write a product description for a stainless steel water bottle.",
    "How can I improve my sleep?",
    "What is the Pythagorean theorem?",
    "Give me a recipe for vegetarian chili.",
    "How do I reverse a string in JavaScript?",
    "What are the symptoms of dehydration?",
    "Write a cover letter for a junior accountant position.",
    "Which planets in our solar system have rings?",
    "What is a good gift for a coworker who is retiring?",
    "Explain what an API is to a non-technical person.",
    "How do I make my houseplants grow faster?",
    "What happened during the French Revolution?",
    "Write a limerick about a forgetful robot.",
    "How do interest rates affect mortgages?",
    "Describe the water cycle for a fourth-grade class.",
    "What should I pack for a beach holiday?",
    "Give me a workout plan for beginners, three days a week.",
    "How does a bill become a law in the United States?",
    "Rewrite this sentence to sound more formal: we gotta finish this by friday.",
    "What are the capitals of the Scandinavian countries?",
    "Please tell me a fun fact about octopuses.",
    "How do I set up a virtual environment in Python?",
    "What is the meaning of life according to different philosophers?",
    "Write a thank-you note to my team for their hard work.",
    "How many cups are in a liter?",
    "Can you explain the offside rule in football?",
    "What are the benefits of meditation?",
    "Create a weekly meal plan for a family of four.",
    "How do I write a good README for my project?",
    "Hallo, wie geht es dir? Kannst du mir ein Rezept für Apfelkuchen geben?",
    "Bonjour, peux-tu me recommander un bon livre de science-fiction ?",
    "¿Cuál es la capital de Australia?",
    "Qual è il modo migliore per imparare a suonare la chitarra?",
    "Como faço para cozinhar arroz soltinho?",
    "Привет! Расскажи, пожалуйста, про историю Москвы.",
    "你好，请帮我写一封感谢信。",
    "こんにちは、東京でおすすめのレストランを教えてください。",
    "안녕하세요, 오늘 날씨가 어때요?",
    "नमस्ते, मुझे एक अच्छी किताब का सुझाव दीजिए।",
)
"""Ordinary requests written for this script. The dev set's benign rows are mostly alarming,
role-play or German news questions, so without these a model learns that "what is the capital
of ..." or "tell me a joke" are attacks (topics of the CyberSecEval and BIPIA rows). Even
entries train, odd entries are held out and reported."""
PER_LANGUAGE = 300
"""Negative texts per language (each joins two interface messages)."""
EVERYDAY_GROUP = "everyday (en)"
WRITTEN_WEIGHT = 2.0
"""Weight of one written benign prompt: they stand for the ordinary traffic the dev set lacks."""
NEGATIVE_WEIGHT = 0.1
"""Weight of one interface-text negative relative to one dev row. Interface strings are full of
"password", "user" and "file", words that the dev set's attacks ask about, so at a higher
weight they teach the model that those words are benign in every language but English."""


class Example:
    """One training text, featurised once."""

    def __init__(self, text: str, label: int, weight: float) -> None:
        windowed = window(normalize(text).text)
        self.features = features(windowed)
        self.length = len(windowed)
        self.label = label
        self.weight = weight


def locale_negatives(root: Path, seed: int = 5) -> list[str]:
    """Benign sentences from gettext catalogues: two translated messages per text."""
    texts: list[str] = []
    shuffler = random.Random(seed)
    by_language: dict[str, set[str]] = defaultdict(set)
    for locale, language in LOCALES.items():
        for path in sorted((root / locale / "LC_MESSAGES").glob("*.mo")):
            by_language[language].update(_messages(path))
    for language in sorted(by_language):
        messages = sorted(by_language[language])
        shuffler.shuffle(messages)
        for i in range(0, min(len(messages), 2 * PER_LANGUAGE), 2):
            texts.append(" ".join(messages[i : i + 2]))
    return texts


def _messages(path: Path) -> list[str]:
    try:
        with path.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    except (OSError, UnicodeDecodeError, ValueError):
        return []
    found = []
    for value in catalog.values():
        if isinstance(value, str) and 40 <= len(value.strip()) <= 400 and "%" not in value:
            found.append(value.strip())
    return found


def rule_flags(rows: Sequence[dict[str, Any]]) -> list[bool]:
    """Whether a rule flags each row: a phrase rule on the text, or, for rows that come with
    the application's instructions (``system_prompt``), the text asking what they forbid."""
    detector = InjectionDetector()
    return [
        bool(detector.detect(build_views(row["text"])))
        or bool(conflicts(row.get("system_prompt") or "", row["text"]))
        for row in rows
    ]


def fit(examples: Sequence[Example]) -> LinearModel:
    return train(
        [example.features for example in examples],
        [example.length for example in examples],
        [example.label for example in examples],
        sample_weights=[example.weight for example in examples],
    )


def score(model: LinearModel, example: Example) -> float:
    total = sum(model.weights.get(feature, 0.0) for feature in example.features)
    return model.bias + total * damping(example.length)


def choose_threshold(
    scores: Sequence[float], rows: Sequence[dict[str, Any]], rules: Sequence[bool]
) -> float:
    """Lowest logit at which rules + model stay within both FPR budgets on ``rows``."""
    benign = [i for i, row in enumerate(rows) if not row["label"] and not is_notinject(row)]
    notinject = [i for i, row in enumerate(rows) if is_notinject(row)]
    best = max(scores) + 1.0
    for candidate in sorted({round(s, 4) for s in scores}, reverse=True):
        if _rate(benign, scores, rules, candidate) > MAX_BENIGN_FPR:
            break
        if _rate(notinject, scores, rules, candidate) > MAX_NOTINJECT_FPR:
            break
        best = candidate
    return best


def _rate(indices: list[int], scores: Sequence[float], rules: Sequence[bool], cut: float) -> float:
    if not indices:
        return 0.0
    return sum(1 for i in indices if rules[i] or scores[i] >= cut) / len(indices)


def out_of_fold(
    indices: Sequence[int],
    examples: Sequence[Example],
    negatives: Sequence[Example],
    folds: int,
    seed: int,
) -> dict[int, float]:
    """Score each of ``indices`` with a model fitted on the others (and all negatives)."""
    order = list(indices)
    random.Random(seed).shuffle(order)
    scores: dict[int, float] = {}
    for fold in range(folds):
        held = set(order[fold::folds])
        model = fit([examples[i] for i in order if i not in held] + list(negatives))
        scores.update({i: score(model, examples[i]) for i in held})
    return scores


def threshold_for(
    indices: Sequence[int],
    rows: Sequence[dict[str, Any]],
    rules: Sequence[bool],
    examples: Sequence[Example],
    negatives: Sequence[Example],
) -> float:
    inner = out_of_fold(indices, examples, negatives, 3, seed=11)
    chosen = list(inner)
    return choose_threshold(
        [inner[i] for i in chosen], [rows[i] for i in chosen], [rules[i] for i in chosen]
    )


def is_notinject(row: dict[str, Any]) -> bool:
    return str(row["subcategory"]).startswith("notinject:")


class Check:
    """A benign text never trained on, flagged when a rule fires or the model reaches the cut."""

    def __init__(self, group: str, text: str, rule: bool) -> None:
        self.group = group
        self.example = Example(text, 0, 1.0)
        self.rule = rule

    def flagged(self, model: LinearModel, cut: float) -> bool:
        return self.rule or score(model, self.example) >= cut


def cross_validate(
    rows: Sequence[dict[str, Any]],
    rules: Sequence[bool],
    examples: Sequence[Example],
    negatives: Sequence[Example],
    folds: int,
    checks: Sequence[Check] = (),
) -> tuple[list[bool], Counter[str]]:
    """Return each row's out-of-fold verdict and, per group, how often ``checks`` were flagged.

    Each fold's model flags the checks once, so a group's count is out of ``folds`` times its
    number of checks.
    """
    order = list(range(len(rows)))
    random.Random(7).shuffle(order)
    flagged = [False] * len(rows)
    check_hits: Counter[str] = Counter()
    for fold in range(folds):
        started = time.perf_counter()
        held = set(order[fold::folds])
        training = [i for i in order if i not in held]
        cut = threshold_for(training, rows, rules, examples, negatives)
        model = fit([examples[i] for i in training] + list(negatives))
        for i in held:
            flagged[i] = rules[i] or score(model, examples[i]) >= cut
        check_hits.update(check.group for check in checks if check.flagged(model, cut))
        elapsed = time.perf_counter() - started
        print(f"fold {fold + 1}/{folds}: {elapsed:.0f} s", file=sys.stderr)
    return flagged, check_hits


def check_table(checks: Sequence[Check], hits: Counter[str], repeats: int) -> str:
    """Markdown rows: false-positive rate of rules + model on each group of held-out checks."""
    sizes = Counter(check.group for check in checks)
    lines = ["| held-out benign set | rows | flagged |", "|---|---|---|"]
    for group in sorted(sizes):
        lines.append(f"| {group} | {sizes[group]} | {hits[group] / (sizes[group] * repeats):.3f} |")
    multilingual = [group for group in sizes if group != EVERYDAY_GROUP]
    total = sum(sizes[group] for group in multilingual)
    if total:
        rate = sum(hits[group] for group in multilingual) / (total * repeats)
        lines.append(f"| all written non-everyday | {total} | {rate:.3f} |")
    return "\n".join(lines)


def report(rows: Sequence[dict[str, Any]], rules: Sequence[bool], flagged: Sequence[bool]) -> str:
    """Markdown tables: overall, per attack category, per language, NotInject."""
    lines = ["| set | rows | rules only | rules + model |", "|---|---|---|---|"]

    def add(name: str, keep: Callable[[dict[str, Any]], bool]) -> None:
        picked = [i for i, row in enumerate(rows) if keep(row)]
        if not picked:
            return
        only = sum(rules[i] for i in picked) / len(picked)
        both = sum(flagged[i] for i in picked) / len(picked)
        lines.append(f"| {name} | {len(picked)} | {only:.3f} | {both:.3f} |")

    add("attacks (recall)", lambda row: bool(row["label"]))
    add("benign prompts (FPR)", lambda row: not row["label"] and not is_notinject(row))
    add("NotInject (FPR)", is_notinject)
    for trigger in ("1", "2", "3"):
        add(f"NotInject {trigger} trigger(s)", lambda r, t=trigger: _triggers(r) == t)
    for name in sorted({row["category"] for row in rows}):
        add(f"category {name}", lambda row, n=name: row["category"] == n)
    for lang in sorted({row["lang"] for row in rows}):
        add(f"attacks {lang}", lambda row, n=lang: row["label"] == 1 and row["lang"] == n)
        add(f"benign {lang}", lambda row, n=lang: row["label"] == 0 and row["lang"] == n)
    return "\n".join(lines)


def write_misses(path: Path, rows: Sequence[dict[str, Any]], flagged: Sequence[bool]) -> None:
    """Write the rows whose out-of-fold verdict disagrees with their label, one per line."""
    with path.open("w", encoding="utf-8") as handle:
        for row, verdict in zip(rows, flagged, strict=True):
            if verdict != bool(row["label"]):
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _triggers(row: dict[str, Any]) -> str:
    return str(row["subcategory"]).split(":")[1][0] if is_notinject(row) else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=REPO / ".." / "shared" / "eval")
    parser.add_argument("--locale-dir", type=Path, default=LOCALE_DIR)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--dry-run", action="store_true", help="report CV scores, write nothing")
    parser.add_argument("--no-cv", action="store_true", help="skip cross-validation")
    parser.add_argument(
        "--write-misses",
        type=Path,
        metavar="FILE",
        help="write the rows cross-validation got wrong (missed attacks, flagged benign) as JSONL",
    )
    args = parser.parse_args()
    path = args.data / "injection" / "dev.jsonl"
    with path.open(encoding="utf-8") as handle:
        rows: list[dict[str, Any]] = [json.loads(line) for line in handle if line.strip()]
    negative_texts = locale_negatives(args.locale_dir)
    if not negative_texts:
        print(f"no gettext catalogues under {args.locale_dir}: no extra negatives", file=sys.stderr)
    examples = [Example(row["text"], int(row["label"]), 1.0) for row in rows]
    negatives = [Example(text, 0, NEGATIVE_WEIGHT) for text in negative_texts]
    negatives += [Example(text, 0, 1.0) for text in EVERYDAY_PROMPTS[::2]]
    written = load_benign_multilingual("train", FIRST_FILES)
    negatives += [Example(row["text"], 0, WRITTEN_WEIGHT) for row in written]
    held_out = [{"lang": EVERYDAY_GROUP, "text": text} for text in EVERYDAY_PROMPTS[1::2]]
    held_out += load_benign_multilingual("heldout")
    checks = [
        Check(row["lang"], row["text"], rule)
        for row, rule in zip(held_out, rule_flags(held_out), strict=True)
    ]
    rules = rule_flags(rows)
    print(f"{len(rows)} dev rows, {len(negatives)} extra negatives", file=sys.stderr)

    if not args.no_cv:
        flagged, hits = cross_validate(rows, rules, examples, negatives, args.folds, checks)
        print(f"\n{args.folds}-fold cross-validation by row (threshold chosen in training folds)\n")
        print(report(rows, rules, flagged))
        if args.write_misses is not None:
            write_misses(args.write_misses, rows, flagged)
        print("\nHeld-out benign prompts flagged by the fold models (rules + model)\n")
        print(check_table(checks, hits, args.folds))
    if args.dry_run:
        return
    cut = threshold_for(range(len(rows)), rows, rules, examples, negatives)
    final = fit(examples + negatives)
    probability = 1 / (1 + pow(2.718281828459045, -cut))
    final = LinearModel(final.weights, final.bias, probability)
    hits = Counter(check.group for check in checks if check.flagged(final, cut))
    print("\nHeld-out benign prompts flagged by the shipped model (rules + model)\n")
    print(check_table(checks, hits, 1))
    target = REPO / "prysmai" / "security" / "data" / MODEL_RESOURCE
    target.parent.mkdir(exist_ok=True)
    target.write_text(final.to_json() + "\n", encoding="utf-8")
    print(f"wrote {target.relative_to(REPO)} ({len(final.weights)} features)", file=sys.stderr)


if __name__ == "__main__":
    main()
