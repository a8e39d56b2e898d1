"""``prysmai traces``: recent model calls from the embedded store, as a table or JSON lines.

A ``--db`` file that does not exist is an error (except at the default location, or with
``--follow``, which waits for it). A stored value of the wrong type shows as ``?`` in its cell
instead of failing the listing.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import Final

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from prysmai import semconv
from prysmai.cli.common import (
    add_db_argument,
    format_cost,
    format_ms,
    make_console,
    open_store,
    parse_duration,
    positive_int,
    printable,
    store_error,
)
from prysmai.cli.record_io import escape_surrogates
from prysmai.store import TraceRow, TraceStore
from prysmai.store_schema import DB_FILE_NAME, DB_PATH_ENV

POLL_INTERVAL_S: Final = 0.5
"""How often ``--follow`` looks for new calls."""

UNREADABLE: Final = "?"
"""What a cell shows when its stored value has the wrong type."""

_wait = time.sleep  # tests replace it to drive follow mode without sleeping

# (heading, width when following, right-aligned): fixed widths keep follow batches aligned.
_COLUMNS: Final = (
    ("time", 8, False),
    ("call", 18, False),
    ("model", 28, False),
    ("provider", 10, False),
    ("status", 16, False),
    ("latency ms", 10, True),
    ("ttft ms", 8, True),
    ("tokens in/out", 13, True),
    ("cost", 12, True),
    ("user", 16, False),
)


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``traces`` subcommand."""
    parser = subparsers.add_parser(
        "traces",
        help="show recent model calls from the local store",
        description="Show recent model calls recorded in the embedded store, oldest first.",
    )
    parser.add_argument(
        "-n", "--limit", type=positive_int, default=20, help="how many calls (default: 20)"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        dest="as_json",
        help="print one JSON object per call, with all attributes",
    )
    parser.add_argument(
        "-f", "--follow", action="store_true", help="keep printing new calls until Ctrl-C"
    )
    add_db_argument(parser)
    parser.add_argument("--model", help="only calls to this model (requested or answering)")
    parser.add_argument("--user", help="only calls made for this user.id")
    parser.add_argument(
        "--since",
        type=parse_duration,
        metavar="DURATION",
        help="only calls from the last 10m, 2h, 1d... (at most 36500d)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the recent calls, then new ones as they arrive when following.

    Raises:
        FileNotFoundError: ``--db`` names a file that does not exist (see the module doc).
        sqlite3.Error: the store cannot be read; the message names its path.
    """
    store = open_store(args.db, allow_missing=bool(args.follow))
    try:
        with store:
            return _list(store, args)
    except sqlite3.Error as exc:
        raise store_error(store.path, exc) from exc


def _list(store: TraceStore, args: argparse.Namespace) -> int:
    cursor = store.last_rowid()
    since_ns = None if args.since is None else time.time_ns() - int(args.since * 1e9)
    rows = store.recent(args.limit, since_ns, args.model, args.user, include_attributes=True)
    rows.reverse()  # oldest first, as a log reads and as follow mode continues
    console = make_console()
    if rows:
        _print_rows(console, rows, args, show_header=True)
    else:
        _print_empty(store, args)
    if not args.follow:
        return 0

    cursor = max([cursor, *(row.rowid for row in rows)])
    return _follow(store, console, args, cursor, is_header_printed=bool(rows))


def _follow(
    store: TraceStore,
    console: Console,
    args: argparse.Namespace,
    cursor: int,
    *,
    is_header_printed: bool,
) -> int:
    try:
        while True:
            _wait(POLL_INTERVAL_S)
            rows = store.after(cursor, model=args.model, user=args.user, include_attributes=True)
            if not rows:
                continue
            _print_rows(console, rows, args, show_header=not is_header_printed)
            is_header_printed = True
            cursor = rows[-1].rowid
    except KeyboardInterrupt:
        return 0


def _print_empty(store: TraceStore, args: argparse.Namespace) -> None:
    if args.model or args.user or args.since:
        message = f"No model calls in {store.path} match these filters."
    else:
        message = (
            f"No model calls recorded yet in {store.path}. Wrap a client with "
            "prysmai.monitor(client) and make a call; with no exporter configured, "
            f"calls go to the embedded store (${DB_PATH_ENV}, else {DB_FILE_NAME} in the data "
            "folder), and a collector stores what it receives in its --db."
        )
    if args.follow:
        message += " Waiting for new calls (Ctrl-C to stop)."
    # JSON output stays machine-readable: the note goes to stderr.
    print(message, file=sys.stderr if args.as_json else sys.stdout, flush=True)


def _print_rows(
    console: Console, rows: list[TraceRow], args: argparse.Namespace, *, show_header: bool
) -> None:
    if args.as_json:
        for row in rows:
            text = json.dumps(row.as_dict(), ensure_ascii=False, default=_json_fallback)
            sys.stdout.write(escape_surrogates(text) + "\n")
        sys.stdout.flush()
        return
    table = Table(box=box.SIMPLE_HEAD, show_header=show_header, show_edge=False, pad_edge=False)
    for heading, width, is_right in _COLUMNS:
        table.add_column(
            heading,
            width=width if args.follow else None,
            justify="right" if is_right else "left",
            no_wrap=True,
            overflow="ellipsis",
        )
    for row in rows:
        table.add_row(*_cells(row))
    console.print(table)
    console.file.flush()


def _cells(row: TraceRow) -> list[Text]:
    return [_cell(make, row) for make in _CELL_MAKERS]


def _cell(make: Callable[[TraceRow], Text | str], row: TraceRow) -> Text:
    """One cell; a stored value of the wrong type (text in a number column...) shows as ``?``."""
    try:
        value = make(row)
    except (TypeError, ValueError, AttributeError, OverflowError, OSError):
        return Text(UNREADABLE)
    return value if isinstance(value, Text) else Text(value)


def _json_fallback(value: object) -> str:
    """Serialise what JSON cannot hold (a BLOB in a text column) as text."""
    return value.hex() if isinstance(value, bytes) else str(value)


def format_clock(time_ns: int) -> str:
    """Return the local wall-clock time of a Unix timestamp in nanoseconds, as HH:MM:SS."""
    return datetime.fromtimestamp(time_ns / 1e9).strftime("%H:%M:%S")


def _call_kind(row: TraceRow) -> str:
    """The operation, marked when it streamed or asked for tools (``chat stream+tools``)."""
    marks = []
    if row.stream:
        marks.append("stream")
    if row.attributes.get(semconv.TOOL_CALL_COUNT):
        marks.append("tools")
    operation = printable(row.operation, empty="?")
    return f"{operation} {'+'.join(marks)}" if marks else operation


def _status(row: TraceRow) -> Text:
    if row.attributes.get(semconv.SECURITY_ACTION) in ("blocked", "response_blocked"):
        return Text("blocked", style="red")
    if row.is_error:
        return Text(printable(row.error_type, empty="error"), style="red")
    if row.stream_cut_short:
        return Text("cut short", style="yellow")
    return Text("ok", style="green")


def _tokens(row: TraceRow) -> str:
    if row.input_tokens is None and row.output_tokens is None:
        return "-"
    return f"{format_count(row.input_tokens)}/{format_count(row.output_tokens)}"


def format_count(value: int | None) -> str:
    """Format a count with thousands separators, ``-`` when unknown."""
    return "-" if value is None else f"{value:,}"


_CELL_MAKERS: Final[tuple[Callable[[TraceRow], Text | str], ...]] = (
    lambda row: format_clock(row.start_time_ns),
    _call_kind,
    lambda row: printable(row.model),
    lambda row: printable(row.provider),
    _status,
    lambda row: format_ms(row.latency_ms),
    lambda row: format_ms(row.ttft_ms) if row.stream else "-",
    _tokens,
    lambda row: format_cost(row.cost_usd),
    lambda row: printable(row.user_id),
)
"""One function per column of :data:`_COLUMNS`, in the same order."""
