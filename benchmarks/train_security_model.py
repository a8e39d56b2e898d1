"""Train the shipped injection classifier on ``../shared/eval/injection/dev.jsonl``.

Only the English and German rows train the model (the only languages with benign rows in the
data). Scores are reported with 5-fold cross-validation by row: each row is predicted by a model
that never saw it, combined with the rules (a row is flagged when a rule fires or the model's
probability reaches the threshold). The threshold is the lowest whose combined out-of-fold
false-positive rate on benign prompts stays under 2 %. The final model is then fitted on all
training rows and written to ``prysmai/security/data/injection_model.json``.

Usage: ``python benchmarks/train_security_model.py [--data DIR] [--dry-run]``
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from prysmai.security import FindingKind, SecurityConfig, scan  # noqa: E402
from prysmai.security.model import MODEL_RESOURCE, features, train  # noqa: E402
from prysmai.security.normalize import normalize  # noqa: E402

TRAIN_LANGS = {"en", "de"}
FOLDS = 5
MAX_BENIGN_FPR = 0.02
RULES_ONLY = SecurityConfig(pii_detection=False, content_policy=False)


def rules_fire(text: str) -> bool:
    from prysmai.security import engine

    # Score with the rules alone: the shipped model must not leak into its own evaluation.
    detectors = engine._Detectors.get()
    saved, detectors.model = detectors.model, None
    try:
        result = scan(text, RULES_ONLY)
    finally:
        detectors.model = saved
    return any(finding.kind is FindingKind.INJECTION for finding in result.findings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=REPO / ".." / "shared" / "eval")
    parser.add_argument("--dry-run", action="store_true", help="report CV scores, write nothing")
    args = parser.parse_args()
    path = args.data / "injection" / "dev.jsonl"
    rows: list[dict[str, Any]] = [json.loads(line) for line in path.open(encoding="utf-8")]
    texts = [normalize(row["text"]).text for row in rows]
    labels = [int(row["label"]) for row in rows]
    rules = [rules_fire(row["text"]) for row in rows]

    order = list(range(len(rows)))
    random.Random(7).shuffle(order)
    out_of_fold = [0.0] * len(rows)
    for fold in range(FOLDS):
        held = set(order[fold::FOLDS])
        fit = [i for i in order if i not in held and rows[i]["lang"] in TRAIN_LANGS]
        model = train([texts[i] for i in fit], [labels[i] for i in fit])
        for i in held:
            out_of_fold[i] = model.probability(features(texts[i]))
        print(f"fold {fold + 1}/{FOLDS} trained on {len(fit)} rows", file=sys.stderr)

    benign = [i for i, row in enumerate(rows) if not labels[i] and not _is_notinject(row)]
    threshold = 1.0
    for candidate in sorted({round(p, 3) for p in out_of_fold}, reverse=True):
        flagged = sum(1 for i in benign if rules[i] or out_of_fold[i] >= candidate)
        if flagged / len(benign) > MAX_BENIGN_FPR:
            break
        threshold = candidate
    report(rows, labels, rules, out_of_fold, threshold)

    if args.dry_run:
        return
    fit = [i for i in range(len(rows)) if rows[i]["lang"] in TRAIN_LANGS]
    final = train([texts[i] for i in fit], [labels[i] for i in fit])
    final = type(final)(final.weights, final.bias, threshold)
    target = REPO / "prysmai" / "security" / "data" / MODEL_RESOURCE
    target.parent.mkdir(exist_ok=True)
    target.write_text(final.to_json() + "\n", encoding="utf-8")
    print(f"wrote {target.relative_to(REPO)} ({len(final.weights)} features)", file=sys.stderr)


def _is_notinject(row: dict[str, Any]) -> bool:
    return str(row["subcategory"]).startswith("notinject:")


def report(
    rows: list[dict[str, Any]],
    labels: list[int],
    rules: list[bool],
    probabilities: list[float],
    threshold: float,
) -> None:
    def rates(indices: list[int], use_model: bool) -> str:
        hits = sum(1 for i in indices if rules[i] or (use_model and probabilities[i] >= threshold))
        return f"{hits / len(indices):.3f}" if indices else "–"

    attacks = [i for i in range(len(rows)) if labels[i]]
    benign = [i for i in range(len(rows)) if not labels[i] and not _is_notinject(rows[i])]
    notinject = [i for i in range(len(rows)) if _is_notinject(rows[i])]
    print(f"\n{FOLDS}-fold cross-validation by row; model threshold {threshold:.3f}\n")
    print("| set | rows | rules only | rules + model |")
    print("|---|---|---|---|")
    print(
        f"| attacks (recall) | {len(attacks)} | {rates(attacks, False)} | {rates(attacks, True)} |"
    )
    print(f"| benign (FPR) | {len(benign)} | {rates(benign, False)} | {rates(benign, True)} |")
    print(
        f"| NotInject (FPR) | {len(notinject)} | {rates(notinject, False)} | "
        f"{rates(notinject, True)} |"
    )
    for lang in sorted({row["lang"] for row in rows}):
        subset = [i for i in attacks if rows[i]["lang"] == lang]
        if subset:
            cells = f"{len(subset)} | {rates(subset, False)} | {rates(subset, True)}"
            print(f"| attacks {lang} | {cells} |")


if __name__ == "__main__":
    main()
