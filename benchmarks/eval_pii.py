"""Precision / recall of ``detect_pii`` on the labelled PII data, and ``prysmai redact`` speed.

Usage::

    python benchmarks/eval_pii.py [PATH_TO_PII_JSONL] [--size-mb 50] [--skip-throughput]

Scoring is span-level with overlap match, per type: a reported span is a true positive when it
overlaps a labelled span of the same type and no decoy (hard negative); every other reported span
is a false positive. A labelled span counts as found when a reported span of its type overlaps
it. ``OTHER:*`` labels are not scored. The default data path is ``../shared/eval/pii/dev.jsonl``
next to the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from prysmai.security.pii import PII_TYPES, detect_pii

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "shared" / "eval" / "pii" / "dev.jsonl"


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def evaluate_pii(path: str | Path) -> list[dict[str, Any]]:
    """Score ``detect_pii`` on a labelled JSONL file, one dict per PII type.

    Each dict has ``type``, ``gold``, ``found``, ``reported``, ``true_positives``,
    ``false_positives``, ``precision``, ``recall`` and ``f1``.
    """
    counts = {t: {"gold": 0, "found": 0, "reported": 0, "tp": 0, "fp": 0} for t in PII_TYPES}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            _score_row(row, counts)
    results = []
    for pii_type in sorted(PII_TYPES):
        c = counts[pii_type]
        precision = c["tp"] / c["reported"] if c["reported"] else 1.0
        recall = c["found"] / c["gold"] if c["gold"] else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        results.append(
            {
                "type": pii_type,
                "gold": c["gold"],
                "found": c["found"],
                "reported": c["reported"],
                "true_positives": c["tp"],
                "false_positives": c["fp"],
                "precision": precision,
                "recall": recall,
                "f1": f1,
            }
        )
    return results


def _score_row(row: dict[str, Any], counts: dict[str, dict[str, int]]) -> None:
    gold = [s for s in row["spans"] if s["type"] in PII_TYPES]
    decoys = row.get("decoys") or []
    findings = detect_pii(row["text"])
    for span in gold:
        counts[span["type"]]["gold"] += 1
        if any(
            f.category == span["type"] and _overlaps(f.start, f.end, span["start"], span["end"])
            for f in findings
        ):
            counts[span["type"]]["found"] += 1
    for finding in findings:
        c = counts[finding.category]
        c["reported"] += 1
        hits_decoy = any(
            _overlaps(finding.start, finding.end, d["start"], d["end"]) for d in decoys
        )
        hits_gold = any(
            s["type"] == finding.category
            and _overlaps(finding.start, finding.end, s["start"], s["end"])
            for s in gold
        )
        if hits_gold and not hits_decoy:
            c["tp"] += 1
        else:
            c["fp"] += 1


def format_table(results: list[dict[str, Any]]) -> str:
    """Render the per-type scores as a Markdown table."""
    lines = [
        "| type | gold | reported | TP | FP | precision | recall | F1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        # A rate over nothing (no gold span, nothing reported) is undefined, not perfect.
        precision = f"{r['precision']:.3f}" if r["reported"] else "–"
        recall = f"{r['recall']:.3f}" if r["gold"] else "–"
        f1 = f"{r['f1']:.3f}" if r["reported"] and r["gold"] else "–"
        lines.append(
            f"| {r['type']} | {r['gold']} | {r['reported']} | {r['true_positives']} | "
            f"{r['false_positives']} | {precision} | {recall} | {f1} |"
        )
    return "\n".join(lines)


def measure_detect_latency(repeats: int = 2000) -> dict[str, float]:
    """Median microseconds of ``detect_pii`` on a 1 KB prompt: plain prose and with PII."""
    prose = (
        "Hello team, following up on yesterday's meeting about the Q3 roadmap. We agreed to ship "
        "version 2 of the onboarding flow by the end of September and to review the metrics on "
        "the 12th. Please send comments before Friday; the deck is in the shared drive under "
        "Planning/2024. Alice drafts the customer note and Bob takes the pricing page. The ad "
        "budget is capped at 5000 dollars per month and legal still has to sign off on the new "
        "terms. If anything is unclear, ping me on chat or drop by the office. "
    )
    prose = (prose * 3)[:1024]
    with_pii = prose[:900] + " Reach me at jane.doe@example.com or (555) 010-7788, ip 203.0.113.9."
    out = {}
    for name, text in (("prose_1kb", prose), ("with_pii_1kb", with_pii[:1024])):
        samples = []
        for _ in range(repeats):
            started = time.perf_counter_ns()
            detect_pii(text)
            samples.append((time.perf_counter_ns() - started) / 1000)
        out[name] = statistics.median(samples)
    return out


def _generate_log(path: Path, size_bytes: int) -> int:
    """Write a synthetic chat log (JSONL) of about ``size_bytes``; return the line count."""
    rng = random.Random(7)
    words = "the a model prompt answer please summarise report table user data order ship".split()
    lines = 0
    written = 0
    with open(path, "w", encoding="utf-8") as handle:
        while written < size_bytes:
            body = " ".join(rng.choice(words) for _ in range(rng.randint(20, 120)))
            if rng.random() < 0.5:
                body = body.replace(" data ", "\n\ndata ")  # escaped newlines, as in real logs
            if rng.random() < 0.3:
                body += f" contact user{rng.randint(1, 99999)}@example.com"
            if rng.random() < 0.1:
                body += f" call (555) {rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
            record = {
                "id": lines,
                "model": "gpt-4o-mini",
                "messages": [
                    {"role": "user", "content": body},
                    {"role": "assistant", "content": [{"type": "text", "text": body[::-1]}]},
                ],
                "latency_ms": rng.randint(50, 5000),
            }
            encoded = json.dumps(record) + "\n"
            handle.write(encoded)
            written += len(encoded)
            lines += 1
    return lines


def measure_redact_throughput(size_mb: float = 50.0) -> dict[str, float]:
    """Generate a JSONL log and time ``prysmai redact`` on it in-process (MB/s)."""
    from prysmai.cli.redact_cmd import run_redact

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "log.jsonl"
        target = Path(folder) / "log.redacted.jsonl"
        lines = _generate_log(source, int(size_mb * 1024 * 1024))
        size = source.stat().st_size
        args = argparse.Namespace(
            input=str(source), output=str(target), mode="mask", progress=False, key=None
        )
        started = time.perf_counter()
        code = run_redact(args)
        elapsed = time.perf_counter() - started
    return {
        "size_mb": size / 1024 / 1024,
        "lines": lines,
        "seconds": elapsed,
        "mb_per_s": size / 1024 / 1024 / elapsed,
        "exit_code": code,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH))
    parser.add_argument("--size-mb", type=float, default=50.0)
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args(argv)
    if not os.path.exists(args.path):
        print(f"FileNotFoundError: no labelled data at {args.path}", file=sys.stderr)
        return 1
    print(f"## PII detection on {args.path}\n")
    print(format_table(evaluate_pii(args.path)))
    latency = measure_detect_latency()
    print("\n## detect_pii latency (p50)\n")
    for name, micros in latency.items():
        print(f"- {name}: {micros:.1f} µs")
    if not args.skip_throughput:
        figures = measure_redact_throughput(args.size_mb)
        print("\n## prysmai redact throughput (mask, JSONL, in-process)\n")
        print(
            f"- {figures['size_mb']:.1f} MB, {figures['lines']} lines in {figures['seconds']:.1f} s"
            f" = {figures['mb_per_s']:.2f} MB/s (exit {figures['exit_code']})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
