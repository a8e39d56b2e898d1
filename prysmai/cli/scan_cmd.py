"""``prysmai scan``: report PII, secrets and (with the full engine) injections in files.

Reads plain text, JSON Lines (all string values, or the ones chosen with ``--field``) or chat
logs (records with ``messages: [{role, content}]``, content a string or a list of parts).
Findings are printed as a table or, with ``--format jsonl``, one JSON object per finding; raw
values are never printed, only placeholders such as ``[EMAIL_REDACTED]``.

Exit status, for CI: 0 = nothing found, 2 = findings, 1 = error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from rich import box
from rich.table import Table

from prysmai.cli.common import make_console, printable
from prysmai.cli.record_io import (
    InputStats,
    TextSink,
    is_jsonl,
    iter_blocks,
    open_input,
    open_output,
    peek_first,
    read_lines,
    report_input_problems,
    select_fields,
    string_fields,
)
from prysmai.security.findings import Finding
from prysmai.security.pii import PII_TYPES, detect_pii

EXIT_CLEAN: Final = 0
EXIT_ERROR: Final = 1
EXIT_FINDINGS: Final = 2

_Scanner = Callable[[str], "tuple[list[Finding], int | None]"]
"""Returns the findings of one text and its threat score (None when only PII is scanned)."""


@dataclass(frozen=True, slots=True)
class Located:
    """A finding with where it was found."""

    line: int
    column: int
    field: str | None
    score: int | None
    finding: Finding

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict (the snippet is the redacted placeholder, never the value)."""
        item = self.finding
        data: dict[str, object] = {"line": self.line, "column": self.column}
        if self.field is not None:
            data["field"] = self.field
        data.update(
            kind=item.kind.value,
            category=item.category,
            rule=item.rule,
            severity=item.severity,
            start=item.start,
            end=item.end,
            snippet=item.snippet,
        )
        if self.score is not None:
            data["score"] = self.score
        return data


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``scan`` subcommand."""
    parser = subparsers.add_parser(
        "scan",
        help="find PII, secrets and prompt injections in a text or JSONL file",
        description=(
            "Scan a file or stdin and list what was found (values are never printed). "
            "Exit status: 0 = nothing found, 2 = findings, 1 = error; usable as a CI gate."
        ),
    )
    parser.add_argument("input", nargs="?", default="-", help="file to read, - for stdin (default)")
    parser.add_argument("-o", "--output", default=None, help="file to write (default: stdout)")
    parser.add_argument(
        "--format",
        dest="output_format",
        choices=("table", "jsonl"),
        default="table",
        help="table (default) or one JSON object per finding",
    )
    parser.add_argument(
        "--input-format",
        choices=("auto", "text", "jsonl"),
        default="auto",
        help="auto: JSONL for .jsonl files or a first line holding a JSON object",
    )
    parser.add_argument(
        "--field",
        default=None,
        metavar="PATH",
        help="JSONL: dotted path of the field to scan, e.g. text or messages.*.content "
        "(default: every string value)",
    )
    parser.add_argument(
        "--pii-only",
        action="store_true",
        help="run only the PII and secret detectors, not injection and content policy",
    )
    parser.add_argument(
        "--types",
        default=None,
        metavar="TYPES",
        help="comma-separated PII types to report, e.g. EMAIL,API_KEY (default: all)",
    )
    parser.set_defaults(func=run_scan)


def run_scan(args: argparse.Namespace) -> int:
    """Scan ``args.input`` and print the findings; return 0, 1 or 2 (see the module doc)."""
    stats = InputStats()
    try:
        scanner = _make_scanner(bool(args.pii_only), _parse_types(args.types))
        with open_input(args.input) as stream, open_output(args.output) as sink:
            first, lines = peek_first(read_lines(stream, stats))
            as_jsonl = args.field is not None or args.input_format == "jsonl"
            if args.input_format == "auto" and not as_jsonl:
                as_jsonl = is_jsonl(args.input, first)
            if as_jsonl:
                found = _scan_records(lines, scanner, args.field, stats)
            else:
                found = _scan_text(lines, scanner)
            count = _write_results(found, args.output_format, sink, stats)
    except (OSError, ValueError) as exc:
        print(f"{type(exc).__name__}: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_ERROR
    report_input_problems(stats)
    return EXIT_FINDINGS if count else EXIT_CLEAN


def _parse_types(value: str | None) -> frozenset[str] | None:
    if not value:
        return None
    types = frozenset(part.strip().upper() for part in value.split(",") if part.strip())
    unknown = sorted(types - PII_TYPES)
    if unknown:
        raise ValueError(
            f"unknown PII type(s) {', '.join(unknown)}; use: {', '.join(sorted(PII_TYPES))}"
        )
    return types


def _make_scanner(pii_only: bool, types: frozenset[str] | None) -> _Scanner:
    """Use the full engine (``prysmai.security.scan``) when it is importable, else PII only."""
    if not pii_only:
        try:
            from prysmai.security import scan
        except ImportError:
            scan = None  # type: ignore[assignment]
        if scan is not None:

            def full(text: str) -> tuple[list[Finding], int | None]:
                result = scan(text)
                kept = [f for f in result.findings if _is_wanted(f, types)]
                return kept, result.score

            return full

    def pii(text: str) -> tuple[list[Finding], int | None]:
        return detect_pii(text, types), None

    return pii


def _is_wanted(finding: Finding, types: frozenset[str] | None) -> bool:
    return types is None or finding.category not in PII_TYPES or finding.category in types


def _scan_text(lines: Iterable[str], scanner: _Scanner) -> Iterator[Located]:
    for first_line, block in iter_blocks(lines):
        findings, score = scanner(block)
        for finding in findings:
            before = block[: finding.start]
            line = first_line + before.count("\n")
            column = finding.start - (before.rfind("\n") + 1) + 1
            yield Located(line, column, None, score, finding)


def _scan_records(
    lines: Iterable[str], scanner: _Scanner, field: str | None, stats: InputStats
) -> Iterator[Located]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            stats.malformed_json_lines += 1
            fields: Iterable[tuple[str, str]] = [("", line)]
        else:
            fields = select_fields(record, field) if field else string_fields(record)
        for path, text in fields:
            findings, score = scanner(text)
            for finding in findings:
                yield Located(number, finding.start + 1, path or None, score, finding)


def _write_results(
    found: Iterable[Located], output_format: str, sink: TextSink, stats: InputStats
) -> int:
    """Write the findings (JSON lines as they come, a table at the end); return their count."""
    if output_format == "jsonl":
        count = 0
        for item in found:
            sink.write(json.dumps(item.as_dict(), ensure_ascii=False) + "\n")
            count += 1
        return count
    collected = list(found)
    sink.write(_render_table(collected, stats))
    return len(collected)


def _render_table(found: list[Located], stats: InputStats) -> str:
    console = make_console()
    if not found:
        return f"No findings in {stats.lines} line(s).\n"
    table = Table(box=box.SIMPLE_HEAD, title=f"{len(found)} finding(s) in {stats.lines} line(s)")
    for heading in ("line", "col", "field", "kind", "category", "rule", "severity", "found"):
        table.add_column(heading, justify="right" if heading in ("line", "col") else "left")
    for item in found:
        finding = item.finding
        table.add_row(
            str(item.line),
            str(item.column),
            printable(item.field),
            finding.kind.value,
            finding.category,
            finding.rule,
            str(finding.severity),
            printable(finding.snippet),
        )
    with console.capture() as capture:
        console.print(table)
    return capture.get()
