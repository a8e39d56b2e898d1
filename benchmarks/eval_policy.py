"""Accuracy of the content-policy detector on ``../shared/eval/content_policy/dev.jsonl``.

Category ``other`` (privacy, defamation, IP, misinformation) is outside the five policies and
is left out. A violating row counts as found when any policy finding is reported ("any") and,
in the stricter column, when a finding names the row's own policy ("same policy"). Safe rows
(``safe_*``) give the false-positive rate. The shipped classifier was trained on this file, so
its figures here are optimistic: ``benchmarks/train_policy_model.py --dry-run`` prints k-fold
cross-validated ones.

Usage: ``python benchmarks/eval_policy.py [--data FILE] [--rules-only] [--show-misses N]``
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from prysmai.security.normalize import normalize  # noqa: E402
from prysmai.security.policy import PolicyDetector  # noqa: E402

DEFAULT_DATA = REPO / ".." / "shared" / "eval" / "content_policy" / "dev.jsonl"
SAFE_GROUP = "safe (all)"

Predictor = Callable[[dict[str, Any]], set[str]]
"""Maps a row to the set of policies reported for its text."""


def load_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a content-policy JSONL file, without category ``other``."""
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [row for row in rows if row["category"] != "other"]


def detector_predictor(detector: PolicyDetector) -> Predictor:
    def predict(row: dict[str, Any]) -> set[str]:
        normalized = normalize(row["text"])
        findings = detector.detect(normalized.text, normalized.source_span)
        return {finding.category for finding in findings}

    return predict


class Tally:
    """Counts for one group: hits on violating rows (any / same policy), alarms on safe rows."""

    def __init__(self) -> None:
        self.positives = self.found = self.same = 0
        self.negatives = self.alarms = 0

    def add(self, row: Mapping[str, Any], predicted: set[str]) -> None:
        if row["label"]:
            self.positives += 1
            self.found += bool(predicted)
            self.same += row["category"] in predicted
        else:
            self.negatives += 1
            self.alarms += bool(predicted)


def _ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.3f}" if denominator else "–"


def _row(name: str, tally: Tally, overall_fpr: float) -> str:
    recall = _ratio(tally.found, tally.positives)
    same = _ratio(tally.same, tally.positives)
    fpr = _ratio(tally.alarms, tally.negatives)
    # Precision and F1 of a group use the overall FPR for groups without safe rows, scaled to
    # the same positive/negative mix as the whole file (noted under the table).
    precision = f1 = "–"
    if tally.negatives:
        false_alarms = float(tally.alarms)
        predicted = tally.found + false_alarms
        if predicted:
            value = tally.found / predicted
            precision = f"{value:.3f}"
            if tally.found:
                rec = tally.found / tally.positives
                f1 = f"{2 * value * rec / (value + rec):.3f}"
    elif tally.positives and overall_fpr >= 0:
        precision = f1 = "(n/a)"
    return (
        f"| {name} | {tally.positives} | {tally.negatives} | {recall} | {same} | {fpr} | "
        f"{precision} | {f1} |"
    )


def _table(title: str, groups: Mapping[str, Tally], overall_fpr: float) -> list[str]:
    lines = [
        f"\n#### {title}\n",
        "| group | violating | safe | recall (any) | recall (same policy) | FPR | precision | F1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in sorted(groups, key=lambda key: (key != "all", key == SAFE_GROUP, key)):
        lines.append(_row(name, groups[name], overall_fpr))
    return lines


def tabulate(rows: Iterable[dict[str, Any]], predictions: Iterable[set[str]]) -> str:
    """Return the Markdown tables (per category, per language) for predictions on rows."""
    by_category: dict[str, Tally] = defaultdict(Tally)
    by_language: dict[str, Tally] = defaultdict(Tally)
    for row, predicted in zip(rows, predictions, strict=True):
        category = row["category"]
        group = SAFE_GROUP if category.startswith("safe_") else category
        for tally in (by_category["all"], by_category[group], by_language[row["lang"]]):
            tally.add(row, predicted)
        if not row["label"]:
            by_category[f"  {category}"].add(row, predicted)
    overall = by_category["all"]
    overall_fpr = overall.alarms / overall.negatives if overall.negatives else -1.0
    lines = _table("By category", by_category, overall_fpr)
    lines += _table("By language", by_language, overall_fpr)
    lines.append(
        "\nPrecision and F1 need safe rows; groups without any show n/a. Indented groups are"
        " the safe sub-categories (their FPR)."
    )
    return "\n".join(lines)


def evaluate_policy(path: Path | str | None = None, *, rules_only: bool = False) -> str:
    """Evaluate the content-policy detector on a labelled JSONL file.

    Args:
        path: A ``content_policy/*.jsonl`` file; by default the shared dev file.
        rules_only: Run the phrase rules without the classifier.

    Returns:
        Markdown: recall / FPR / precision / F1 per category and per language.
    """
    rows = load_rows(Path(path) if path is not None else DEFAULT_DATA)
    detector = PolicyDetector(model=None) if rules_only else PolicyDetector()
    predict = detector_predictor(detector)
    predictions = [predict(row) for row in rows]
    return tabulate(rows, predictions)


def _show_misses(path: Path, rules_only: bool, count: int) -> None:
    rows = load_rows(path)
    detector = PolicyDetector(model=None) if rules_only else PolicyDetector()
    predict = detector_predictor(detector)
    shown = 0
    for row in rows:
        predicted = predict(row)
        if bool(predicted) != bool(row["label"]) and shown < count:
            kind = "FP" if predicted else "FN"
            text = " ".join(row["text"].split())[:160]
            print(f"  {kind} [{row['category']}/{row['lang']}] {sorted(predicted)} {text}")
            shown += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rules-only", action="store_true")
    parser.add_argument("--show-misses", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"evaluation data not found: {args.data}")
    print(f"## Content policy ({args.data.name}, category `other` excluded)")
    print(evaluate_policy(args.data, rules_only=args.rules_only))
    if args.show_misses:
        _show_misses(args.data, args.rules_only, args.show_misses)


if __name__ == "__main__":
    main()
