"""Accuracy of the security engine on the public evaluation data in ``../shared/eval``.

Prints Markdown tables: prompt injection (recall per attack category, FPR per benign category,
per language, NotInject rows by number of trigger words); content policy from
``benchmarks/eval_policy.py:evaluate_policy()`` when that file exists (else a table of our own),
plus its FPR on the injection set's benign rows; injection and content-policy false positives
on the held-out half of the benign prompts written for this project
(``benchmarks/data/benign_multilingual_*.jsonl``, 19 languages); injection false positives on
benign system prompt + user message pairs (``benchmarks/data/benign_instructions.jsonl``, 18
languages, rows with a ``system_prompt`` are scanned with it as a monitored call would); the
system prompts themselves, scanned as a monitored call scans system messages (false alarms on
benign ones, including ``benchmarks/data/instruction_mentions.jsonl``'s prompts that name
attacks to forbid them; attacks pasted into them); and the PII table of
``benchmarks/eval_pii.py`` when it exists.

Usage: ``python benchmarks/eval_security.py [--data DIR] [--split NAME] [--show-misses N]``

``--split`` names the files read in each folder (``<folder>/<NAME>.jsonl``; default ``dev``), so
a held-out part laid out like the dev part (``injection/holdout.jsonl`` ...) is scored the same
way; a folder without that file is skipped and says so.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from prysmai.security import FindingKind, SecurityConfig, scan  # noqa: E402

DEFAULT_DATA = REPO / ".." / "shared" / "eval"
INJECTION_ONLY = SecurityConfig(pii_detection=False, content_policy=False)
POLICY_ONLY = SecurityConfig(pii_detection=False, injection_detection=False)


def load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def predict_injection(row: dict[str, Any]) -> bool:
    """Scan a row as a monitored call would: with the application's instructions when it has
    them (``system_prompt``: the attack is against that system prompt)."""
    result = scan(row["text"], INJECTION_ONLY, instructions=row.get("system_prompt"))
    return any(finding.kind is FindingKind.INJECTION for finding in result.findings)


def predict_policy(row: dict[str, Any]) -> bool:
    result = scan(row["text"], POLICY_ONLY)
    return any(finding.kind is FindingKind.POLICY for finding in result.findings)


class Tally:
    def __init__(self) -> None:
        self.tp = self.fp = self.tn = self.fn = 0

    def add(self, label: int, predicted: bool) -> None:
        if label and predicted:
            self.tp += 1
        elif label:
            self.fn += 1
        elif predicted:
            self.fp += 1
        else:
            self.tn += 1

    def row(self) -> str:
        positives, negatives = self.tp + self.fn, self.fp + self.tn
        recall = _ratio(self.tp, positives)
        fpr = _ratio(self.fp, negatives)
        precision = _ratio(self.tp, self.tp + self.fp)
        f1 = "–"
        if self.tp:
            p, r = self.tp / (self.tp + self.fp), self.tp / positives
            f1 = f"{2 * p * r / (p + r):.3f}"
        return f"{positives} | {negatives} | {recall} | {fpr} | {precision} | {f1}"


def _ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.3f}" if denominator else "–"


def table(title: str, groups: dict[str, Tally]) -> None:
    print(f"\n#### {title}\n")
    print("| group | positives | negatives | recall | FPR | precision | F1 |")
    print("|---|---|---|---|---|---|---|")
    for name in sorted(groups, key=lambda key: (key != "all", key)):
        print(f"| {name} | {groups[name].row()} |")


def evaluate(
    rows: Iterable[dict[str, Any]],
    predict: Callable[[dict[str, Any]], bool],
    group_keys: Callable[[dict[str, Any]], list[tuple[str, str]]],
    misses: list[tuple[dict[str, Any], bool]],
) -> dict[str, dict[str, Tally]]:
    tables: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for row in rows:
        predicted = predict(row)
        if predicted != bool(row["label"]):
            misses.append((row, predicted))
        for table_name, group in group_keys(row):
            tables[table_name][group].add(row["label"], predicted)
    return tables


def injection_groups(row: dict[str, Any]) -> list[tuple[str, str]]:
    groups = [("by category", "all"), ("by category", row.get("category") or "–")]
    groups.append(("by language", row.get("lang") or "und"))
    context = "with the system prompt" if row.get("system_prompt") else "text alone"
    groups.append(("by what the scan saw", context))
    if (row.get("subcategory") or "").startswith("notinject:"):
        triggers = row["subcategory"].split(":")[1]
        groups.append(("NotInject trigger-word rows (benign)", triggers))
        groups.append(("NotInject trigger-word rows (benign)", "all"))
    else:
        groups.append(("benign prompts without NotInject", "all" if not row["label"] else "x"))
    return groups


def policy_groups(row: dict[str, Any]) -> list[tuple[str, str]]:
    category = row.get("category") or "–"
    safe = "safe (all)" if category.startswith("safe_") else category
    return [
        ("by category", "all"),
        ("by category", safe),
        ("by language", row.get("lang") or "und"),
    ]


def show_misses(misses: list[tuple[dict[str, Any], bool]], count: int) -> None:
    for row, predicted in misses[:count]:
        kind = "FP" if predicted else "FN"
        text = " ".join(row["text"].split())[:200]
        print(f"  {kind} [{row['category']}/{row['lang']}] {text}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", default="dev", help="file name in each folder, no suffix")
    parser.add_argument("--show-misses", type=int, default=0, metavar="N")
    args = parser.parse_args()
    data: Path = args.data
    split: str = args.split
    present = [kind for kind in KINDS if (data / kind / f"{split}.jsonl").exists()]
    if not present:
        sys.exit(f"no {split}.jsonl under {data}/{{{','.join(KINDS)}}}")
    for kind in KINDS:
        if kind not in present:
            print(f"({kind}/{split}.jsonl not found under {data}: skipped)\n")
    if "injection" in present:
        print_injection(data / "injection" / f"{split}.jsonl", split, args.show_misses)
    if "content_policy" in present:
        benign_source = data / "injection" / f"{split}.jsonl"
        print_policy(
            data / "content_policy" / f"{split}.jsonl",
            benign_source if "injection" in present else None,
            args.show_misses,
        )
    print_written_benign(args.show_misses)
    print_instruction_pairs(args.show_misses)
    injection_path = data / "injection" / f"{split}.jsonl"
    print_instructions_themselves(
        injection_path if "injection" in present else None, args.show_misses
    )
    if "pii" in present:
        print_pii(data / "pii" / f"{split}.jsonl")


KINDS = ("injection", "content_policy", "pii")
TRAINED_ON = "dev"
"""The split both classifiers were trained on: its figures are in-sample."""


def print_injection(path: Path, split: str, show: int) -> None:
    print(f"## Prompt injection (injection/{path.name})")
    if split == TRAINED_ON:
        print(
            "\nThe shipped classifier was trained on this file, so these figures are optimistic;"
            " `benchmarks/train_security_model.py --dry-run` gives 5-fold cross-validated ones."
        )
    misses: list[tuple[dict[str, Any], bool]] = []
    rows = load(path)
    for title, groups in evaluate(rows, predict_injection, injection_groups, misses).items():
        if title == "benign prompts without NotInject":
            groups.pop("x", None)
        table(title, groups)
    show_misses(misses, show)


def _load_benchmark(name: str) -> ModuleType | None:
    """Import ``benchmarks/<name>.py`` (written by other engineers) when it exists."""
    script = REPO / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, script) if script.exists() else None
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def print_policy(path: Path, injection_path: Path | None, show: int) -> None:
    module = _load_benchmark("eval_policy")
    print(f"\n## Content policy (content_policy/{path.name}, category `other` excluded)")
    if path.stem == TRAINED_ON:
        print(
            "\nThe shipped classifier was trained on this file too, so these figures are"
            " optimistic; `benchmarks/train_policy_model.py --dry-run` gives cross-validated ones."
        )
    if module is not None and hasattr(module, "evaluate_policy"):
        print(module.evaluate_policy(path))
    else:
        misses: list[tuple[dict[str, Any], bool]] = []
        rows = [row for row in load(path) if row["category"] != "other"]
        for title, groups in evaluate(rows, predict_policy, policy_groups, misses).items():
            table(title, groups)
        show_misses(misses, show)
    if injection_path is None:
        return
    benign = [row for row in load(injection_path) if not row["label"]]
    extra: list[tuple[dict[str, Any], bool]] = []
    tables = evaluate(benign, predict_policy, lambda row: [("x", row["category"])], extra)
    table("Content policy FPR on the injection set's benign rows", tables["x"])
    show_misses(extra, show)


def print_written_benign(show: int) -> None:
    """False positives on the held-out half of the benign prompts written for this project."""
    module = _load_benchmark("benign_multilingual")
    if module is None:
        return
    rows = module.load("heldout")
    print("\n## Held-out written benign prompts (benchmarks/data, odd lines; never trained on)\n")
    print("| language | rows | injection FPR | content-policy FPR |")
    print("|---|---|---|---|")
    by_language: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    misses: list[tuple[dict[str, Any], bool]] = []
    for row in rows:
        verdict = (predict_injection(row), predict_policy(row))
        by_language[row["lang"]].append(verdict)
        by_language["all"].append(verdict)
        if any(verdict):
            misses.append(({**row, "category": "written"}, True))
    for language in sorted(by_language, key=lambda key: (key != "all", key)):
        verdicts = by_language[language]
        injection = sum(flag for flag, _ in verdicts)
        policy = sum(flag for _, flag in verdicts)
        print(
            f"| {language} | {len(verdicts)} | {_ratio(injection, len(verdicts))} "
            f"| {_ratio(policy, len(verdicts))} |"
        )
    show_misses(misses, show)


INSTRUCTION_PAIRS = REPO / "benchmarks" / "data" / "benign_instructions.jsonl"


def print_instruction_pairs(show: int) -> None:
    """Injection false positives on benign system prompt + user message pairs."""
    if not INSTRUCTION_PAIRS.exists():
        return
    rows = load(INSTRUCTION_PAIRS)
    print(f"\n## Benign system prompt + user message pairs ({INSTRUCTION_PAIRS.name})\n")
    print("Scanned as a monitored call scans them: the user message, with the system prompt.\n")
    print("| kind | split | rows | injection FPR |")
    print("|---|---|---|---|")
    groups: dict[tuple[str, str], list[bool]] = defaultdict(list)
    misses: list[tuple[dict[str, Any], bool]] = []
    for row in rows:
        flagged = predict_injection(row)
        groups[(row["kind"], row["split"])].append(flagged)
        groups[("all", "both")].append(flagged)
        if flagged:
            misses.append(({**row, "category": row["kind"]}, True))
    for (kind, split), flags in sorted(groups.items(), key=lambda item: item[0] == ("all", "both")):
        print(f"| {kind} | {split} | {len(flags)} | {_ratio(sum(flags), len(flags))} |")
    show_misses(misses, show)


INSTRUCTION_MENTIONS = REPO / "benchmarks" / "data" / "instruction_mentions.jsonl"
PASTED_DOCUMENT = (
    "You are the assistant of Acme Travel. Answer the user's question from the retrieved "
    "document below.\n\nDocument:\n{}"
)
"""A system prompt with a retrieved document pasted in, as retrieval-augmented apps build them."""


def flagged_as_instructions(text: str) -> bool:
    """Scan ``text`` as a monitored call scans a system message; any injection finding."""
    result = scan(text, INJECTION_ONLY, as_instructions=True)
    return any(finding.kind is FindingKind.INJECTION for finding in result.findings)


def print_instructions_themselves(injection_path: Path | None, show: int) -> None:
    """The application's own instructions: false alarms on benign ones, attacks pasted in."""
    sets: list[tuple[str, list[str], int]] = []
    if injection_path is not None:
        rows = load(injection_path)
        system_prompts = sorted({r["system_prompt"] for r in rows if r.get("system_prompt")})
        sets.append((f"system prompts of {injection_path.name} (benign)", system_prompts, 0))
        acting = [r["text"] for r in rows if r.get("category") == "benign_actas"]
        sets.append(("act-as prompts used as system prompts (benign)", acting, 0))
        attacks = [PASTED_DOCUMENT.format(r["text"]) for r in rows if r["label"] == 1]
        sets.append(("its attacks pasted into a system prompt as a document", attacks, 1))
    if INSTRUCTION_PAIRS.exists():
        pairs = sorted({r["system_prompt"] for r in load(INSTRUCTION_PAIRS)})
        sets.append((f"system prompts of {INSTRUCTION_PAIRS.name} (benign)", pairs, 0))
    if INSTRUCTION_MENTIONS.exists():
        written = load(INSTRUCTION_MENTIONS)
        for kind, label, title in (
            ("defensive", 0, "system prompts naming attacks to forbid them (benign)"),
            ("embedded_attack", 1, "system prompts carrying a pasted attack"),
        ):
            for split in ("train", "test"):
                texts = [
                    r["system_prompt"] for r in written if r["kind"] == kind and r["split"] == split
                ]
                sets.append((f"{title}, {INSTRUCTION_MENTIONS.name} {split}", texts, label))
    if not sets:
        return
    print("\n## The application's own instructions, scanned as system messages are\n")
    print(
        "Injection rules read them; phrases they name to forbid, secrecy rules and persona "
        "set-up are no findings, and the classifier does not read them. The false alarms on "
        f"both halves of {INSTRUCTION_MENTIONS.name}'s benign prompts were read while writing "
        "that logic (so those rows are in-sample); of its pasted attacks, the train half was "
        "read while writing rules and the test half was not.\n"
    )
    print("| set | rows | flagged | measures |")
    print("|---|---|---|---|")
    misses: list[tuple[dict[str, Any], bool]] = []
    for title, texts, label in sets:
        flags = [flagged_as_instructions(text) for text in texts]
        measure = "recall" if label else "FPR"
        print(f"| {title} | {len(texts)} | {_ratio(sum(flags), len(flags))} | {measure} |")
        misses.extend(
            ({"text": text, "category": title, "lang": "-"}, not label)
            for text, flag in zip(texts, flags, strict=True)
            if flag != bool(label)
        )
    show_misses(misses, show)


def print_pii(path: Path) -> None:
    module = _load_benchmark("eval_pii")
    if module is None:
        return
    print(f"\n## PII (pii/{path.name})\n")
    # eval_pii returns one dict per type and formats them separately; older versions printed.
    output = module.evaluate_pii(path)
    if hasattr(module, "format_table") and isinstance(output, list):
        print(module.format_table(output))
    elif isinstance(output, str):
        print(output)


if __name__ == "__main__":
    main()
