"""Helpers the ``prysmai`` subcommands share: option types, the console, number formats."""

from __future__ import annotations

import argparse
import math
import sqlite3
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from rich.console import Console

from prysmai import durations
from prysmai.errors import ConfigurationError
from prysmai.store_location import PostgresUrl, StoreLocation, parse_location

if TYPE_CHECKING:
    from prysmai.store import TraceStore

PIPE_WIDTH: Final = 200
"""Console width when stdout is not a terminal, wide enough that table rows never wrap."""

MAX_DURATION_S: Final = 36_500 * 86_400
"""The longest duration accepted (100 years); longer ones would overflow a nanosecond time."""


class UsageError(ValueError):
    """The command line asks for something that cannot be done as asked."""


@dataclass(frozen=True, slots=True)
class Window:
    """A time window given on the command line."""

    seconds: float | None
    """``None`` for "all"."""
    label: str
    """What the user typed, for headings."""


def parse_duration(text: str) -> float:
    """Parse ``30s``, ``10m``, ``2h``, ``1d`` or a sum such as ``1h30m`` into seconds.

    Raises:
        argparse.ArgumentTypeError: ``text`` is not a positive duration of at most 100 years.
    """
    try:
        seconds = durations.parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r}: it must be more than 0")
    if seconds > MAX_DURATION_S:
        raise argparse.ArgumentTypeError(
            f"invalid duration {text!r}: at most {MAX_DURATION_S // 86_400}d (100 years)"
        )
    return seconds


def parse_window(text: str) -> Window:
    """Parse ``all`` or a duration (see :func:`parse_duration`) into a :class:`Window`."""
    label = text.strip().lower()
    if label == "all":
        return Window(None, label)
    return Window(parse_duration(label), label)


def positive_int(text: str) -> int:
    """Parse a whole number of at least 1.

    Raises:
        argparse.ArgumentTypeError: ``text`` is not such a number.
    """
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def add_db_argument(parser: argparse.ArgumentParser, *, role: str = "to read") -> None:
    """Add ``--db PATH|URL`` (default: ``$PRYSM_DB_PATH`` or the data directory's traces.db).

    Args:
        parser: The subcommand's parser.
        role: What the store is, for the help text ("to read", "of the collector").
    """
    parser.add_argument(
        "--db",
        type=store_location,
        default=None,
        metavar="PATH|URL",
        help=f"the SQLite store {role}, or a postgresql:// URL "
        "(default: $PRYSM_DB_PATH or the user data directory)",
    )


def store_location(text: str) -> StoreLocation:
    """Parse ``--db``: a ``postgresql://`` URL or a file path.

    Raises:
        argparse.ArgumentTypeError: a PostgreSQL URL that cannot be used (the message shows it
            without its password; argparse's own would quote the argument whole).
    """
    try:
        return parse_location(text)
    except ConfigurationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def store_path(db: StoreLocation | None) -> StoreLocation:
    """Return the store that ``--db`` (or the default) names; a file need not exist yet.

    Raises:
        IsADirectoryError: the path is a directory.
    """
    from prysmai.store_schema import resolve_db_path

    path = resolve_db_path(db)
    if isinstance(path, Path) and path.is_dir():
        raise IsADirectoryError(f"{path} is a directory, not a database file")
    return path


def open_store(db: StoreLocation | None, *, allow_missing: bool = False) -> TraceStore:
    """Return the store at ``db`` after checking that the path can be one.

    A missing file is an error when the user named it (a typo must not read as "no calls"),
    but not at the default location (nothing recorded yet) or when ``allow_missing`` is set.
    A PostgreSQL database is checked when it is first read.

    Raises:
        FileNotFoundError: ``db`` was given, is not the default location and does not exist.
        sqlite3.DatabaseError: the path is a directory.
    """
    from prysmai.store import TraceStore, default_db_path

    store = TraceStore(db)
    path = store.path
    if isinstance(path, PostgresUrl):
        return store
    if path.is_dir():
        raise sqlite3.DatabaseError(f"{path} is a directory, not a database file")
    if db is not None and not allow_missing and not path.exists():
        default = default_db_path()
        if not isinstance(default, Path) or path.resolve() != default.resolve():
            raise FileNotFoundError(f"{path}: the file does not exist")
    return store


def store_error(path: StoreLocation, exc: sqlite3.Error, *, action: str = "read") -> sqlite3.Error:
    """Return ``exc`` reworded to name the store's ``path``, of the same type."""
    reason = " ".join(str(exc).split())
    if "not a database" in reason:
        return type(exc)(f"{path} is not a database file")
    if str(path) in reason:
        return type(exc)(reason)
    return type(exc)(f"cannot {action} {path}: {reason}")


def local_time(time_ns: int | None) -> str:
    """Unix time in nanoseconds as local ``YYYY-MM-DD HH:MM:SS``; ``-`` for none."""
    if time_ns is None:
        return "-"
    return datetime.fromtimestamp(time_ns / 1e9).strftime("%Y-%m-%d %H:%M:%S")


def make_console() -> Console:
    """Return a console on the current stdout, wide when stdout is a pipe or a file."""
    is_terminal = sys.stdout.isatty()
    return Console(
        file=sys.stdout,
        width=None if is_terminal else PIPE_WIDTH,
        highlight=False,
        emoji=False,
    )


def printable(text: str | None, empty: str = "-") -> str:
    """Return ``text`` safe to show: control characters replaced, ``empty`` for no text.

    Stored values come from applications and must not be able to drive the terminal.
    """
    if not text:
        return empty
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else "\ufffd" for char in text)


def format_ms(value: float | None) -> str:
    """Format milliseconds as a whole number, ``-`` when unknown."""
    return "-" if value is None else f"{value:,.0f}"


def format_cost(value: float | None) -> str:
    """Format US dollars to 6 significant digits without exponent, ``-`` when unknown.

    ``0.000123456789`` becomes ``$0.000123457`` and ``12.5`` becomes ``$12.5``.
    """
    if value is None:
        return "-"
    if value == 0:
        return "$0"
    decimals = max(0, 5 - math.floor(math.log10(abs(value))))
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"${text}"


def format_rate(value: float) -> str:
    """Format a 0-1 fraction as a percentage with one decimal."""
    return f"{value * 100:.1f}%"
