"""``prysmai redact``: remove PII and secrets from a log file, streaming, in constant memory.

JSON Lines input keeps its structure: every string value is redacted (recursively), and so are
keys and numbers of seven digits or more (a card number written as a number becomes the
placeholder string); a record without findings is written back byte for byte, a changed record
is re-serialised on one line with nothing else changed (a key named twice keeps both values,
numbers are written as they were read). Any other input is redacted as plain text, in blocks
of whole lines. A line that is not valid JSON in a JSONL file, or JSON nested too deeply to
parse, is redacted as plain text and counted in a warning. A lone surrogate (U+D800 to U+DFFF)
that a JSON escape put in a changed record is written back as that escape. The output may not
be the input file.

Exit status: 0 on success, 1 on failure (one ``ErrorType: message`` line on stderr).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import sys
from collections.abc import Iterator
from functools import partial
from typing import Final

from prysmai.cli.record_io import (
    InputStats,
    ProgressReporter,
    check_output_is_not_input,
    dump_record,
    escape_surrogates,
    has_escaped_bytes,
    input_size,
    is_jsonl,
    iter_blocks,
    labelled_fields,
    map_strings,
    open_input,
    open_output,
    parse_json_faithfully,
    peek_first,
    read_lines,
    report_input_problems,
    should_show_progress,
)
from prysmai.security.pii import might_contain_pii
from prysmai.security.redaction import hash_key, redact


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``redact`` subcommand."""
    parser = subparsers.add_parser(
        "redact",
        help="remove PII and secrets from a text or JSONL file",
        description=(
            "Replace emails, phone numbers, SSNs, card numbers, IP addresses, API keys, private "
            "keys and dates of birth with placeholders. JSONL keeps its structure. Streams large "
            "files in constant memory. Exit status: 0 on success, 1 on error."
        ),
    )
    parser.add_argument("input", nargs="?", default="-", help="file to read, - for stdin (default)")
    parser.add_argument("-o", "--output", default=None, help="file to write (default: stdout)")
    parser.add_argument(
        "--mode",
        choices=("mask", "hash"),
        default="mask",
        help="mask: [EMAIL_REDACTED]; hash: [EMAIL:1f0c9a3e], a keyed hash (default: mask)",
    )
    parser.add_argument(
        "--input-format",
        choices=("auto", "text", "jsonl"),
        default="auto",
        help=(
            "input format; auto: JSONL for .jsonl files or a first line holding a JSON object, "
            "else text whose JSON-object lines stay valid JSON; text: every line as plain "
            "text, JSON syntax not kept"
        ),
    )
    parser.add_argument(
        "--progress",
        action="store_true",
        help="show a progress bar on stderr (default: only when stderr is a terminal)",
    )
    parser.set_defaults(func=run_redact)


def run_redact(args: argparse.Namespace) -> int:
    """Redact ``args.input`` into ``args.output``; return the exit status."""
    try:
        check_output_is_not_input(args.input, args.output)
        stats = _redact_file(args)
    except BrokenPipeError:
        raise  # the reader went away: main() ends quietly
    except (OSError, ValueError) as exc:
        print(f"{type(exc).__name__}: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    report_input_problems(stats)
    return 0


def _redact_file(args: argparse.Namespace) -> InputStats:
    mode: str = args.mode
    key = getattr(args, "key", None) or (hash_key() if mode == "hash" else None)
    change = partial(redact, mode=mode, key=key)
    stats = InputStats()
    show = should_show_progress(bool(getattr(args, "progress", False)))
    with (
        open_input(args.input) as stream,
        open_output(args.output) as sink,
        ProgressReporter(show, input_size(args.input)) as progress,
    ):
        first, lines = peek_first(read_lines(stream, stats))
        input_format = getattr(args, "input_format", "auto")
        as_jsonl = input_format == "jsonl" or (
            input_format == "auto" and is_jsonl(args.input, first)
        )
        if as_jsonl:
            for line in lines:
                sink.write(_redact_record(line, change, stats))
                progress.update(stats.bytes_read)
        elif input_format == "text":
            for _, block in iter_blocks(_with_progress(lines, progress, stats)):
                sink.write(change(block))
        else:
            # A log of plain lines may still hold JSON records further down: each run of lines
            # is redacted as what it is, so a record keeps its structure (a number replaced by
            # a quoted placeholder, not a bare one that would break the JSON).
            for is_record, run in itertools.groupby(lines, key=_looks_like_record):
                if is_record:
                    for line in run:
                        sink.write(_redact_record(line, change, stats))
                        progress.update(stats.bytes_read)
                else:
                    for _, block in iter_blocks(_with_progress(run, progress, stats)):
                        sink.write(change(block))
        progress.finish(stats.bytes_read)
    return stats


def _looks_like_record(line: str) -> bool:
    """A line holding one JSON object, by its first and last characters (parsed later)."""
    stripped = line.strip()
    return stripped.startswith("{") and stripped.endswith("}")


def _with_progress(
    lines: Iterator[str], progress: ProgressReporter, stats: InputStats
) -> Iterator[str]:
    for line in lines:
        yield line
        progress.update(stats.bytes_read)


@contextlib.contextmanager
def _room_for_depth() -> Iterator[None]:
    """Allow the redaction walk as deep as the JSON parser went.

    The parser stops at the recursion limit; walking and writing back take a few Python frames
    per level, so without more room a record the parser took would fall back to plain text.
    """
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(limit * _FRAMES_PER_LEVEL)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


_FRAMES_PER_LEVEL: Final = 4


def _redact_record(line: str, change: partial[str], stats: InputStats) -> str:
    """Redact one JSONL line; unchanged records are returned exactly as read."""
    if not line.strip():
        return line
    if "\\" not in line and not might_contain_pii(line):
        return line  # without escapes every string value appears verbatim in the raw line
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    try:
        record = parse_json_faithfully(body)
        fields = labelled_fields(record)
        if not might_contain_pii("\n".join(label + text for _, label, text in fields)):
            return line  # each string is a substring of the joined text: none can hold PII
        with _room_for_depth():
            redacted, changed = map_strings(record, change)
            if not changed:
                return line
            text = dump_record(redacted)
    except RecursionError:
        stats.deep_json_lines += 1
        return change(line)
    except ValueError:
        stats.malformed_json_lines += 1
        return change(line)
    if not has_escaped_bytes(line):
        # Every surrogate came from a JSON escape; with invalid bytes on the line, those in the
        # surrogate-escape range are taken to be the bytes and go back out raw.
        text = escape_surrogates(text)
    return text + ending
