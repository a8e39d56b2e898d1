"""``prysmai purge``: delete old spans from a store now, and optionally shrink the file."""

from __future__ import annotations

import argparse
import sqlite3
import time

from prysmai.cli.common import add_db_argument, open_store, store_error
from prysmai.durations import format_duration, parse_duration
from prysmai.retention import MAX_RETENTION_S, purge_spans
from prysmai.store_schema import connect_for_reading, connect_for_writing


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``purge`` subcommand."""
    parser = subparsers.add_parser(
        "purge",
        help="delete spans older than a duration from the store",
        description=(
            "Delete the spans that started longer ago than --older-than from the SQLite store "
            "(the embedded store or a collector's), in short batches, while applications and "
            "the collector keep writing. Stores also purge themselves: see PRYSM_RETENTION "
            "and 'prysmai serve --retention'."
        ),
    )
    parser.add_argument(
        "--older-than",
        type=_duration,
        required=True,
        metavar="DURATION",
        help="delete spans that started more than this long ago, e.g. 7d, 12h or 90m (0s: all)",
    )
    parser.add_argument(
        "--vacuum",
        action="store_true",
        help="then rebuild the file to give the freed space back to the disk "
        "(needs free space about the size of the store, and blocks writers while it runs)",
    )
    add_db_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Delete the old spans and print how many went.

    Raises:
        FileNotFoundError: ``--db`` names a file that does not exist.
        sqlite3.Error: the store cannot be written; the message names its path.
    """
    store = open_store(args.db)
    path = store.path
    if not path.exists():
        print(f"No store at {path}: nothing to delete.")
        return 0
    cutoff_ns = int((time.time() - args.older_than) * 1e9)
    try:
        reader = connect_for_reading(path)
        if reader is None:  # no spans table: another SQLite file, or an empty one
            raise sqlite3.DatabaseError(f"{path} is not a prysmai store (it has no spans table)")
        reader.close()
        connection = connect_for_writing(path)
        try:
            deleted = purge_spans(connection, cutoff_ns)
            if args.vacuum:
                connection.execute("VACUUM")
                # In WAL mode the rebuilt pages sit in the log until a checkpoint moves them.
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise store_error(path, exc, action="write") from None
    age = format_duration(args.older_than)
    print(f"Deleted {deleted} spans older than {age} from {path}.")
    if args.vacuum:
        print(f"Store rebuilt: {path.stat().st_size} bytes.")
    return 0


def _duration(text: str) -> float:
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if seconds > MAX_RETENTION_S:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r}: at most 36500d (100 years)")
    return seconds
