"""``prysmai purge``: delete old spans from a store now, and optionally shrink the file.

On PostgreSQL, ``--vacuum`` runs ``VACUUM FULL`` on the spans table: it rewrites the table to
give the freed space back to the disk, holding an exclusive lock on it meanwhile (collectors'
writes wait up to the lock timeout, then answer 503 and exporters send again). Without it,
PostgreSQL's autovacuum makes the space reusable, as SQLite reuses its freed pages.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from pathlib import Path

from prysmai.cli.common import add_db_argument, open_store, store_error
from prysmai.durations import format_duration, parse_duration
from prysmai.retention import MAX_RETENTION_S, purge_spans
from prysmai.store_dialect import Connection, dialect_of
from prysmai.store_location import PostgresUrl, StoreLocation
from prysmai.store_schema import connect_for_reading, connect_for_writing


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``purge`` subcommand."""
    parser = subparsers.add_parser(
        "purge",
        help="delete spans older than a duration from the store",
        description=(
            "Delete the spans that started longer ago than --older-than from the store (the "
            "embedded SQLite file, a collector's, or a PostgreSQL database), in short batches, "
            "while applications and "
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
        "(needs free space about the size of the store, and blocks writers while it runs; "
        "on PostgreSQL: VACUUM FULL of the spans table)",
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
    if isinstance(path, Path) and not path.exists():
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
                size = _vacuum(connection, path)
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise store_error(path, exc, action="write") from None
    age = format_duration(args.older_than)
    print(f"Deleted {deleted} spans older than {age} from {path}.")
    if args.vacuum:
        rebuilt = "Table spans rebuilt" if isinstance(path, PostgresUrl) else "Store rebuilt"
        print(f"{rebuilt}: {size} bytes.")
    return 0


def _vacuum(connection: Connection, path: StoreLocation) -> int:
    """Give the freed space back to the disk; return the store's size after it, in bytes."""
    # The connection is in autocommit mode: VACUUM cannot run inside a transaction.
    for statement in dialect_of(connection).vacuum:
        connection.execute(statement)
    if isinstance(path, PostgresUrl):
        row = connection.execute("SELECT pg_total_relation_size('spans')").fetchone()
        return int(row[0])
    return path.stat().st_size


def _duration(text: str) -> float:
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if seconds > MAX_RETENTION_S:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r}: at most 36500d (100 years)")
    return seconds
