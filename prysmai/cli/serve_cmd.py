"""``prysmai serve``: run the collector (OTLP/HTTP receiver, storage, dashboard)."""

from __future__ import annotations

import argparse
import contextlib
import errno
import logging
import signal
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

from prysmai.cli.common import store_location
from prysmai.collector.alert_scheduler import DEFAULT_INTERVAL_S
from prysmai.collector.server import DEFAULT_HOST, DEFAULT_PORT, CollectorServer, CollectorSettings
from prysmai.durations import format_duration
from prysmai.retention import RETENTION_ENV, parse_retention, retention_from_env
from prysmai.store_schema import resolve_db_path

_MIB = 1024 * 1024


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``serve`` subcommand."""
    parser = subparsers.add_parser(
        "serve",
        help="run the Prysm collector: OTLP/HTTP receiver and dashboard",
        description=(
            "Receive spans from monitored clients over OTLP/HTTP (protobuf or JSON, gzip) "
            "into the store (a SQLite file, or a PostgreSQL database that several collectors "
            "may share) and serve a dashboard of them. Exporters and the dashboard "
            "need an API key (see 'prysmai keys'); if the store has none, one is created and "
            "printed once."
        ),
    )
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default: {DEFAULT_HOST}, this machine only)",
    )
    parser.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--db",
        type=store_location,
        default=None,
        metavar="PATH|URL",
        help="the SQLite store, or a postgresql:// URL (needs prysmai[postgres]) "
        "(default: $PRYSM_DB_PATH or the user data directory)",
    )
    parser.add_argument(
        "--max-body-mb",
        type=_positive_mib,
        default=None,
        metavar="MB",
        help="largest request body accepted, as sent and decompressed (default: 20, the "
        "OpenTelemetry Collector's)",
    )
    parser.add_argument(
        "--no-dashboard-auth",
        action="store_false",
        dest="dashboard_auth",
        help="serve the dashboard without a key (loopback addresses only)",
    )
    parser.add_argument(
        "--alert-interval",
        type=_alert_interval,
        default=DEFAULT_INTERVAL_S,
        metavar="SECONDS",
        help=f"evaluate alert rules every SECONDS (default: {DEFAULT_INTERVAL_S:g}; 0: never)",
    )
    parser.add_argument(
        "--public-url",
        type=_public_url,
        default=None,
        metavar="URL",
        help="the dashboard's address as people reach it, for links in alerts "
        "(default: the listening address)",
    )
    parser.add_argument(
        "--retention",
        type=_retention,
        default=None,
        metavar="DURATION",
        help="delete spans older than this, e.g. 30d or 12h; 'forever' keeps every span "
        f"(default: ${RETENTION_ENV} or 30d)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted.

    Raises:
        OSError: the address cannot be bound or the store cannot be created.
        ValueError: ``--no-dashboard-auth`` with a non-loopback ``--host``.
    """
    _log_to_stderr()
    db_path = resolve_db_path(args.db)
    retention_s = args.retention.seconds if args.retention is not None else retention_from_env()
    options = {} if args.max_body_mb is None else {"max_body_bytes": args.max_body_mb}
    settings = CollectorSettings(
        db_path=db_path,
        host=args.host,
        port=args.port,
        dashboard_auth=args.dashboard_auth,
        alert_interval_s=args.alert_interval or None,
        public_url=args.public_url,
        retention_s=retention_s,
        **options,
    )
    server = _bind(settings)
    try:
        with _stopped_by_sigterm(server) as terminated:
            # One step, not "if none: create": collectors starting together on an empty
            # store would each create one.
            key = server.keys.create_first(name="created by serve")
            if key is not None:
                print("No API key yet; created one. It is shown only this once, keep it:")
                print(f"  {key}")
            print(f"prysmai collector listening on {server.url} (store: {db_path})")
            print(f"  exporters: monitor(client, prysm_key=KEY, base_url={server.url!r})")
            auth = "any user name, an API key as password" if settings.dashboard_auth else "no key"
            print(f"  dashboard: {server.url}/ ({auth})")
            kept = "forever" if retention_s is None else f"for {format_duration(retention_s)}"
            print(f"  retention: spans kept {kept}")
            if settings.alert_interval_s is not None:
                print(f"  alerts: rules evaluated every {settings.alert_interval_s:g} s")
            print("Press Ctrl-C (or send SIGTERM) to stop.", flush=True)
            server.serve_forever()
        if terminated.is_set():
            print("Stopping: SIGTERM received.", flush=True)
    finally:
        server.close()
    return 0


@contextlib.contextmanager
def _stopped_by_sigterm(server: CollectorServer) -> Iterator[threading.Event]:
    """Turn SIGTERM into a clean stop: :meth:`CollectorServer.serve_forever` returns.

    Service managers (systemd, container runtimes) stop a process with SIGTERM, whose default
    ends it at once, without closing the store. The handler raises nothing (an exception
    thrown at an arbitrary point of the main thread could leave a lock held); it asks the
    server to stop, and the serving loop ends at its next turn.
    """
    terminated = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield terminated  # signal handlers can only be set from the main thread
        return

    def on_sigterm(_signum: int, _frame: object) -> None:
        terminated.set()
        server.stop_serving()

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield terminated
    finally:
        signal.signal(signal.SIGTERM, previous)


def _log_to_stderr() -> None:
    """Show the collector's notices (alerts fired, keys and rules changed in the browser).

    Only when the embedding program set up no logging of its own for prysmai.
    """
    collector_logger = logging.getLogger("prysmai")
    if collector_logger.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    collector_logger.addHandler(handler)
    collector_logger.setLevel(logging.INFO)


def _bind(settings: CollectorSettings) -> CollectorServer:
    """Start the collector, naming the address when it is taken."""
    try:
        return CollectorServer(settings)
    except OSError as exc:
        if exc.errno not in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", None)):
            raise
        raise OSError(
            exc.errno,
            f"cannot listen on {settings.host}:{settings.port}: the address is already in use "
            "(another collector?); choose another port with --port",
        ) from None


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {text!r}")
    return value


def _positive_mib(text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 4096:
        raise argparse.ArgumentTypeError(f"expected a size in MB from 0 to 4096, got {text!r}")
    return int(value * _MIB)


def _alert_interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (value == 0 or 1 <= value <= 86_400):
        raise argparse.ArgumentTypeError(
            f"expected 0 (no alerts) or seconds from 1 to 86400, got {text!r}"
        )
    return value


def _public_url(text: str) -> str:
    try:
        split = urllib.parse.urlsplit(text.strip())
    except ValueError:
        split = urllib.parse.urlsplit("")
    if split.scheme not in ("http", "https") or not split.netloc:
        raise argparse.ArgumentTypeError(f"expected an http:// or https:// URL, got {text!r}")
    return text.strip().rstrip("/")


@dataclass(frozen=True, slots=True)
class _Retention:
    seconds: float | None


def _retention(text: str) -> _Retention:
    try:
        return _Retention(parse_retention(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
