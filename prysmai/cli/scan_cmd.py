"""``prysmai scan``: report PII, secrets and (with the full engine) injections in files.

Reads plain text, JSON Lines (all string values, or the ones chosen with ``--field``) or chat
logs (records with ``messages: [{role, content}]``, content a string or a list of parts). A
record's user texts are also checked against the instructions it carries (``system_prompt``,
``system``, ``instructions``, or system and developer messages; see
:mod:`prysmai.cli.record_instructions`).
Findings are printed as a table or, with ``--format jsonl``, one JSON object per finding; raw
values are never printed, only placeholders such as ``[EMAIL_REDACTED]``. The table lists the
first :data:`TABLE_MAX_ROWS` findings (drawing a table row is slow) and counts the rest;
``--format jsonl`` lists every finding.

Exit status, for CI: 0 = nothing found, 2 = findings, 1 = error. A ``--field`` that names no
value in any record is an error, so a mistyped path cannot pass a gate as "clean".
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any, Final

from rich import box
from rich.table import Table

from prysmai.cli.common import UsageError, make_console, printable
from prysmai.cli.record_instructions import record_instructions
from prysmai.cli.record_io import (
    InputStats,
    TextSink,
    check_output_is_not_input,
    escape_surrogates,
    is_jsonl,
    iter_blocks,
    labelled_fields,
    open_input,
    open_output,
    parse_json_faithfully,
    peek_first,
    read_lines,
    replace_surrogates,
    report_input_problems,
    select_nodes,
)
from prysmai.security.findings import Finding
from prysmai.security.pii import PII_TYPES, detect_pii

EXIT_CLEAN: Final = 0
EXIT_ERROR: Final = 1
EXIT_FINDINGS: Final = 2
TABLE_MAX_ROWS: Final = 1000
"""The table shows at most this many findings; the rest are counted on a last line."""

_Scanner = Callable[[str, str, "str | None", bool], "tuple[list[Finding], int | None]"]
"""Returns the findings of one text (after its key's cue, a label the findings' offsets count)
and its threat score (None when only PII is scanned); the text alone is also checked against
the record's instructions when they are given; the last argument says the text is those
instructions, scanned as instructions (see ``scan(..., as_instructions=True)``)."""


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
        help=f"table (default; lists the first {TABLE_MAX_ROWS} findings and counts the rest) "
        "or jsonl (one JSON object per finding, all of them)",
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
        "(default: every string value); an error if it names nothing in any record",
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
        help=(
            "comma-separated PII types to report, e.g. EMAIL,API_KEY (default: all); other "
            "kinds of finding are unaffected (add --pii-only to report PII alone)"
        ),
    )
    parser.set_defaults(func=run_scan)


@dataclass(slots=True)
class _FieldUse:
    """How many JSON records were read and in how many the ``--field`` selector named a value."""

    records: int = 0
    matched: int = 0


def run_scan(args: argparse.Namespace) -> int:
    """Scan ``args.input`` and print the findings; return 0, 1 or 2 (see the module doc)."""
    stats = InputStats()
    use = _FieldUse()
    try:
        scanner = _make_scanner(bool(args.pii_only), _parse_types(args.types))
        check_output_is_not_input(args.input, args.output)
        with open_input(args.input) as stream, open_output(args.output) as sink:
            first, lines = peek_first(read_lines(stream, stats))
            as_jsonl = args.field is not None or args.input_format == "jsonl"
            if args.input_format == "auto" and not as_jsonl:
                as_jsonl = is_jsonl(args.input, first)
            if as_jsonl:
                found = _scan_records(lines, scanner, args.field, stats, use)
            else:
                found = _scan_text(lines, scanner)

            def check_field() -> None:
                if args.field is not None and use.records and not use.matched:
                    raise UsageError(
                        f"--field {args.field} matched nothing in {use.records} record(s)"
                    )

            count = _write_results(found, args.output_format, sink, stats, check_field)
    except BrokenPipeError:
        raise  # the reader went away: main() ends quietly
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
            from prysmai.security.instruction_conflict import conflicts
            from prysmai.security.scoring import score

        except ImportError:
            scan = None  # type: ignore[assignment]
        if scan is not None:

            def full(
                label: str, text: str, instructions: str | None, own: bool
            ) -> tuple[list[Finding], int | None]:
                # The engine's regexes take only encodable text; U+FFFD keeps every offset.
                result = scan(replace_surrogates(label + text), as_instructions=own)
                kept = [f for f in result.findings if _is_wanted(f, types)]
                if not instructions:
                    return kept, result.score
                # The text alone, not its label, is what the user asked.
                extra = conflicts(replace_surrogates(instructions), replace_surrogates(text))
                kept += [
                    dataclasses.replace(f, start=f.start + len(label), end=f.end + len(label))
                    for f in extra
                ]
                return kept, score(list(result.findings) + extra) if extra else result.score

            return full

    def pii(
        label: str, text: str, instructions: str | None, own: bool
    ) -> tuple[list[Finding], int | None]:
        return detect_pii(label + text, types), None

    return pii


def _is_wanted(finding: Finding, types: frozenset[str] | None) -> bool:
    return types is None or finding.category not in PII_TYPES or finding.category in types


def _scan_text(lines: Iterable[str], scanner: _Scanner) -> Iterator[Located]:
    offset = 0  # of the block in the whole text: reported offsets count from the file's start
    for first_line, block in iter_blocks(lines):
        findings, score = scanner("", block, None, False)
        for finding in findings:
            before = block[: finding.start]
            line = first_line + before.count("\n")
            column = finding.start - (before.rfind("\n") + 1) + 1
            in_text = dataclasses.replace(
                finding, start=finding.start + offset, end=finding.end + offset
            )
            yield Located(line, column, None, score, in_text)
        offset += len(block)


def _scan_records(
    lines: Iterable[str],
    scanner: _Scanner,
    field: str | None,
    stats: InputStats,
    use: _FieldUse,
) -> Iterator[Located]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = parse_json_faithfully(line)
        except RecursionError:
            stats.deep_json_lines += 1
            fields: Iterable[tuple[str, str, str]] = [("", "", line)]
            instructions = None
        except ValueError:
            stats.malformed_json_lines += 1
            fields = [("", "", line)]
            instructions = None
        else:
            fields = _record_fields(record, field, use)
            instructions = record_instructions(record)
        for path, label, text in fields:
            context = instructions.for_path(path) if instructions is not None else None
            own = instructions is not None and instructions.is_own(path)
            findings, score = scanner(label, text, context, own)
            for finding in findings:
                if finding.start < len(label):
                    continue  # the cue the key gave, not the value
                shifted = dataclasses.replace(
                    finding, start=finding.start - len(label), end=finding.end - len(label)
                )
                yield Located(number, shifted.start + 1, path or None, score, shifted)


def _record_fields(
    record: Any, field: str | None, use: _FieldUse
) -> Iterable[tuple[str, str, str]]:
    """The strings of one record to scan, with their keys' cues: all, or those under ``field``."""
    if field is None:
        return labelled_fields(record)
    use.records += 1
    nodes = select_nodes(record, field)
    if nodes:
        use.matched += 1
    return chain.from_iterable(labelled_fields(node, path) for path, node in nodes)


def _write_results(
    found: Iterable[Located],
    output_format: str,
    sink: TextSink,
    stats: InputStats,
    check: Callable[[], None],
) -> int:
    """Write the findings (JSON lines as they come, a table at the end); return their count.

    ``check`` runs once the input is read, before the table is written; it may raise.
    """
    count = 0
    if output_format == "jsonl":
        for item in found:
            # A field path can hold a lone surrogate from a JSON key: write it as an escape.
            sink.write(escape_surrogates(json.dumps(item.as_dict(), ensure_ascii=False)) + "\n")
            count += 1
        check()
        return count
    shown: list[Located] = []
    for item in found:
        if count < TABLE_MAX_ROWS:
            shown.append(item)
        count += 1
    check()
    sink.write(_render_table(shown, count, stats))
    return count


def _render_table(shown: list[Located], count: int, stats: InputStats) -> str:
    """Render the findings ``shown`` of ``count`` in all as a table (or a no-findings line)."""
    console = make_console()
    if not count:
        return f"No findings in {stats.lines} line(s).\n"
    table = Table(box=box.SIMPLE_HEAD, title=f"{count} finding(s) in {stats.lines} line(s)")
    for heading in ("line", "col", "field", "kind", "category", "rule", "severity", "found"):
        table.add_column(heading, justify="right" if heading in ("line", "col") else "left")
    for item in shown:
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
    rest = count - len(shown)
    more = f"... and {rest} more finding(s) (use --format jsonl to list all)\n" if rest else ""
    return capture.get() + more
