"""``prysmai prices set|list|remove``: model prices of the collector (``prysmai serve``).

The collector prices calls that arrive with token counts but without a cost (models their
apps have no price for) from these, and marks them ``prysm.cost.source = collector``.
"""

from __future__ import annotations

import argparse
import json
import sys

from rich import box
from rich.table import Table
from rich.text import Text

from prysmai.cli.common import add_db_argument, local_time, make_console, printable, store_path
from prysmai.collector.price_input import (
    MAX_RATE,
    PriceInput,
    check_model,
    check_price,
    rate_text,
)
from prysmai.collector.price_store import PriceStore, StoredPrice
from prysmai.store_location import StoreLocation

_RATE_HELP = f"USD per 1M tokens, 0 to {MAX_RATE:,.0f}"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``prices`` subcommand and its actions."""
    parser = subparsers.add_parser(
        "prices",
        help="set, list and remove the collector's model prices",
        description=(
            "Prices 'prysmai serve' applies to calls that arrive without a cost: models the "
            "apps cannot price (fine-tunes, self-hosted or new models). A price applies to "
            "calls received after it is set; calls already stored keep what they have."
        ),
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)

    set_price = actions.add_parser(
        "set",
        help="set (or replace) the price of a model",
        description="e.g.: prysmai prices set ft:gpt-4o-mini:acme::abc123 --input 0.3 --output 1.2",
    )
    set_price.add_argument("model", metavar="MODEL", help="the model id the provider reports")
    set_price.add_argument("--input", required=True, help=_RATE_HELP)
    set_price.add_argument("--output", required=True, help=_RATE_HELP)
    set_price.add_argument(
        "--cached-input", default=None, help=f"{_RATE_HELP} (default: the input price)"
    )
    set_price.add_argument(
        "--cache-write", default=None, help=f"{_RATE_HELP} (default: the input price)"
    )
    add_db_argument(set_price, role="of the collector")
    set_price.set_defaults(func=_set)

    listing = actions.add_parser("list", help="list the prices (USD per 1M tokens)")
    listing.add_argument("--json", action="store_true", dest="as_json", help="print JSON lines")
    add_db_argument(listing, role="of the collector")
    listing.set_defaults(func=_list)

    remove = actions.add_parser("remove", help="remove the price of a model")
    remove.add_argument("model", metavar="MODEL")
    add_db_argument(remove, role="of the collector")
    remove.set_defaults(func=_remove)


def _open(db: StoreLocation | None) -> PriceStore:
    return PriceStore(store_path(db))


def _set(args: argparse.Namespace) -> int:
    # Checked before the store is opened: a typo must not create a store file.
    price = check_price(
        PriceInput(args.model, args.input, args.output, args.cached_input, args.cache_write)
    )
    with _open(args.db) as prices:
        _, is_new = prices.set(price)
    print(
        f"{'Set' if is_new else 'Changed'} the price of {printable(price.model)} (USD per 1M "
        f"tokens): {price.summary()}. It applies to calls the collector receives from now on."
    )
    return 0


def _list(args: argparse.Namespace) -> int:
    with _open(args.db) as prices:
        stored = prices.list()
    if args.as_json:
        for entry in stored:
            sys.stdout.write(json.dumps(_record(entry)) + "\n")
        return 0
    if not stored:
        print("No model prices yet: set one with 'prysmai prices set'.")
        return 0
    make_console().print(_table(stored))
    return 0


def _record(entry: StoredPrice) -> dict[str, object]:
    price = entry.price
    return {
        "model": price.model,
        "input": price.input,
        "output": price.output,
        "cached_input": price.cached_input,
        "cache_write": price.cache_write,
        "created_ns": entry.created_ns,
        "updated_ns": entry.updated_ns,
    }


def _table(stored: list[StoredPrice]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("model")
    for column in ("input", "output", "cached input", "cache write"):
        table.add_column(column, justify="right")
    table.add_column("updated")
    for entry in stored:
        price = entry.price
        table.add_row(
            Text(printable(price.model)),
            rate_text(price.input),
            rate_text(price.output),
            _rate_or_input(price.cached_input, price.input),
            _rate_or_input(price.cache_write, price.input),
            local_time(entry.updated_ns),
        )
    return table


def _rate_or_input(rate: float | None, input_rate: float) -> str:
    """A rate as applied: one not set is charged at the input price, and says so."""
    return rate_text(rate) if rate is not None else f"{rate_text(input_rate)} (input)"


def _remove(args: argparse.Namespace) -> int:
    model = check_model(args.model)
    with _open(args.db) as prices:
        removed = prices.remove(model)
    print(f"Removed the price of {printable(removed.price.model)}.")
    return 0
