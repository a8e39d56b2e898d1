"""``prysmai keys create|list|revoke``: API keys of the collector (``prysmai serve``)."""

from __future__ import annotations

import argparse
import json
import sys

from rich import box
from rich.table import Table
from rich.text import Text

from prysmai.cli.common import (
    add_db_argument,
    local_time,
    make_console,
    printable,
    store_path,
)
from prysmai.collector.keys import KeyInfo, KeyStore
from prysmai.store_location import StoreLocation


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``keys`` subcommand and its actions."""
    parser = subparsers.add_parser(
        "keys",
        help="create, list and revoke the collector's API keys",
        description=(
            "Manage the API keys 'prysmai serve' accepts. Only SHA-256 hashes are stored: a "
            "key is shown once, when it is created."
        ),
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)

    create = actions.add_parser("create", help="create a key and print it once")
    create.add_argument("--name", default=None, help="a label to recognise the key by")
    add_db_argument(create, role="of the collector")
    create.set_defaults(func=_create)

    listing = actions.add_parser("list", help="list keys: id, prefix, name, created, status")
    listing.add_argument("--json", action="store_true", dest="as_json", help="print JSON lines")
    add_db_argument(listing, role="of the collector")
    listing.set_defaults(func=_list)

    revoke = actions.add_parser("revoke", help="revoke a key by id, prefix or name")
    revoke.add_argument("which", metavar="ID|PREFIX|NAME")
    add_db_argument(revoke, role="of the collector")
    revoke.set_defaults(func=_revoke)


def _open(db: StoreLocation | None) -> KeyStore:
    return KeyStore(store_path(db))


def _create(args: argparse.Namespace) -> int:
    keys = _open(args.db)
    try:
        key = keys.create(name=args.name)
    finally:
        keys.close()
    # The only place the key is ever written: the terminal of whoever asked for it.
    print(key)
    print("Store it now: it cannot be shown again.", file=sys.stderr)
    return 0


def _list(args: argparse.Namespace) -> int:
    keys = _open(args.db)
    try:
        infos = keys.list()
    finally:
        keys.close()
    if args.as_json:
        for info in infos:
            record = {
                "id": info.id,
                "prefix": info.prefix,
                "name": info.name,
                "created_ns": info.created_ns,
                "revoked_ns": info.revoked_ns,
                "active": info.is_active,
            }
            sys.stdout.write(json.dumps(record) + "\n")
        return 0
    if not infos:
        print("No API keys yet: create one with 'prysmai keys create'.")
        return 0
    make_console().print(_table(infos))
    return 0


def _table(infos: list[KeyInfo]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in ("id", "prefix", "name", "created", "status"):
        table.add_column(column)
    for info in infos:
        status = "active" if info.is_active else f"revoked {local_time(info.revoked_ns)}"
        table.add_row(
            str(info.id),
            f"{info.prefix}...",
            Text(printable(info.name)),
            local_time(info.created_ns),
            status,
        )
    return table


def _revoke(args: argparse.Namespace) -> int:
    keys = _open(args.db)
    try:
        info = keys.revoke(args.which)
    finally:
        keys.close()
    print(f"Revoked key {info.id} ({info.prefix}...).")
    return 0
