"""The ``prysmai`` command: parses the command line and runs one subcommand.

Each subcommand lives in its own module, listed in :data:`COMMAND_MODULES`, that exposes
``add_parser(subparsers)``; the parser it adds sets ``func=(args) -> int``. A failure prints one
``ErrorType: message`` line on stderr and exits with code 1. A reader that closes the pipe early
(``prysmai scan big.log | head -1``) ends the command quietly with code 141, as if killed by
SIGPIPE.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from importlib import metadata
from types import ModuleType
from typing import Final, NoReturn

from prysmai.cli.common import UsageError

COMMAND_MODULES: Final = (
    "prysmai.cli.traces_cmd",
    "prysmai.cli.stats_cmd",
    "prysmai.cli.scan_cmd",
    "prysmai.cli.redact_cmd",
    "prysmai.cli.serve_cmd",
    "prysmai.cli.keys_cmd",
    "prysmai.cli.alerts_cmd",
    "prysmai.cli.prices_cmd",
    "prysmai.cli.security_cmd",
    "prysmai.cli.purge_cmd",
)
"""Modules that each add one subcommand, in the order ``--help`` lists them."""

EXIT_BROKEN_PIPE: Final = 141
"""128 + SIGPIPE: what a shell reports for a writer whose reader went away."""

__all__ = ["COMMAND_MODULES", "EXIT_BROKEN_PIPE", "UsageError", "build_parser", "main"]


class _Parser(argparse.ArgumentParser):
    """An argument parser that reports mistakes as one ``UsageError: ...`` line."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def main(argv: list[str] | None = None) -> int:
    """Run the ``prysmai`` command line.

    Args:
        argv: The arguments after the program name; ``None`` reads ``sys.argv``.

    Returns:
        The exit code: 0 on success, 1 on failure, 130 on Ctrl-C, 141 when stdout was closed;
        a command may define others (``scan`` exits with 2 when it finds something).
    """
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        func = getattr(args, "func", None)
        if func is None:
            parser.print_help()
            return 0
        code = int(func(args))
        sys.stdout.flush()  # a closed pipe must show up here, not in the interpreter's exit
        return code
    except SystemExit as exc:  # --help, --version, or a command that exits by itself
        return exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as exc:
        print(_one_line(exc), file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    """Return the parser with every subcommand whose module is installed."""
    parser = _Parser(
        prog="prysmai",
        description="Observability and security for LLM applications, from the command line.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = _import_command(name)
        if module is not None:
            module.add_parser(subparsers)
    return parser


def _import_command(name: str) -> ModuleType | None:
    """Import one command module; a module that is absent is left out quietly."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        print(f"{_one_line(exc)} (command module {name} skipped)", file=sys.stderr)
    except Exception as exc:
        # A broken command must not take the others down with it, but it must be seen.
        print(f"{_one_line(exc)} (command module {name} skipped)", file=sys.stderr)
    return None


def _version() -> str:
    try:
        return metadata.version("prysmai")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def _one_line(exc: BaseException) -> str:
    message = " ".join(str(exc).split()) or repr(exc)
    return f"{type(exc).__name__}: {message}"


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (captured in tests)
        pass


if __name__ == "__main__":
    sys.exit(main())
