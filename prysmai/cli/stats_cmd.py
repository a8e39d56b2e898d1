"""``prysmai stats``: call count, errors, latency and TTFT percentiles, tokens and cost."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys

from rich import box
from rich.table import Table
from rich.text import Text

from prysmai.cli.common import (
    Window,
    add_db_argument,
    format_cost,
    format_ms,
    format_rate,
    make_console,
    open_store,
    parse_window,
    printable,
    store_error,
)
from prysmai.store import Percentiles, Stats


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``stats`` subcommand."""
    parser = subparsers.add_parser(
        "stats",
        help="summarise recent model calls: errors, latency, tokens, cost",
        description="Summarise the model calls in the embedded store over a time window.",
    )
    parser.add_argument(
        "--window",
        type=parse_window,
        default=parse_window("24h"),
        metavar="WINDOW",
        help="1h, 24h, 7d, any other duration, or all (default: 24h)",
    )
    parser.add_argument("--json", action="store_true", dest="as_json", help="print one JSON object")
    add_db_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the stats of the chosen window.

    Raises:
        FileNotFoundError: ``--db`` names a file that does not exist (other than the default).
        sqlite3.Error: the store cannot be read; the message names its path.
    """
    window: Window = args.window
    store = open_store(args.db)
    path = store.path
    try:
        with store:
            stats = store.stats(window.seconds)
    except sqlite3.Error as exc:
        raise store_error(path, exc) from exc
    if args.as_json:
        sys.stdout.write(json.dumps({"db": str(path), **stats.as_dict()}) + "\n")
        return 0

    scope = "all stored calls" if window.seconds is None else f"the last {window.label}"
    if stats.count == 0:
        print(f"No model calls in {scope} in {path}.")
        return 0
    console = make_console()
    console.print(Text(f"Model calls in {scope} ({path})"))
    console.print(_summary_table(stats))
    console.print(_cost_table(stats))
    return 0


def _summary_table(stats: Stats) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("calls", f"{stats.count:,}")
    table.add_row("errors", f"{stats.error_count:,} ({format_rate(stats.error_rate)})")
    _add_percentiles(table, "latency ms", stats.latency_ms)
    _add_percentiles(table, "ttft ms", stats.ttft_ms)
    table.add_row("streamed calls", f"{stats.streamed_count:,}")
    table.add_row(
        "tokens in/out/total",
        f"{stats.input_tokens:,}/{stats.output_tokens:,}/{stats.total_tokens:,}",
    )
    table.add_row("cost", format_cost(stats.cost_usd))
    # No cost: the model has no known price, or the call reported no usage (blocked, failed,
    # or a stream without include_usage).
    table.add_row("calls without cost", f"{stats.unknown_cost_count:,}")
    return table


def _add_percentiles(table: Table, name: str, values: Percentiles) -> None:
    for label, value in (("p50", values.p50), ("p95", values.p95), ("p99", values.p99)):
        table.add_row(f"{name} {label}", format_ms(value))


def _cost_table(stats: Stats) -> Table:
    table = Table(title="cost by model", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("model", no_wrap=True, overflow="ellipsis")
    table.add_column("calls", justify="right")
    table.add_column("cost", justify="right")
    table.add_column("without cost", justify="right")
    for entry in stats.cost_by_model:
        known_calls = entry.calls - entry.unknown_cost_count
        table.add_row(
            Text(printable(entry.model, empty="(no model)")),
            f"{entry.calls:,}",
            format_cost(entry.cost_usd) if known_calls else "-",
            f"{entry.unknown_cost_count:,}",
        )
    return table
