"""Model prices of the collector, in the ``model_prices`` table of its store.

Set with ``prysmai prices`` or the dashboard's Settings > Prices; the receiver prices calls
that arrive without a cost from them (see :mod:`prysmai.collector.span_pricing`).
"""

from __future__ import annotations

import builtins
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Final

from prysmai.closing import ClosedOnExit
from prysmai.collector.periodic import PeriodicThread
from prysmai.collector.price_input import ModelPrice
from prysmai.collector.store_session import StoreSession
from prysmai.cost import SOURCE_COLLECTOR, FlatPrices
from prysmai.store_location import StoreLocation
from prysmai.store_schema import connect_for_writing, immediate_transaction

logger = logging.getLogger(__name__)

_COLUMNS: Final = (
    "model, input_per_mtok, output_per_mtok, cached_input_per_mtok, cache_write_per_mtok,"
    " created_ns, updated_ns"
)


@dataclass(frozen=True, slots=True)
class StoredPrice:
    """A price as stored, with when it was first set and last changed."""

    price: ModelPrice
    created_ns: int
    updated_ns: int


class PriceStore(ClosedOnExit):
    """The prices in a store (SQLite file or PostgreSQL database); safe to share between threads.

    :meth:`current` answers from the prices last read, without a query: an export must never
    wait on this table (a database that stopped answering already costs it the write's
    timeout). They are read when the store is opened, after each change made through it, and
    by :meth:`refresh`, which a :class:`PriceRefresher` calls every second while the collector
    serves, so a price set from another process (``prysmai prices``, another collector sharing
    the database) applies within about a second. A failed query drops the connection; the next
    one opens a new one.

    Args:
        path: The store, created and migrated if needed.

    Raises:
        OSError: the file cannot be created.
        sqlite3.Error: the store cannot be opened or written (or PostgreSQL reached).
    """

    def __init__(self, path: StoreLocation) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._session = StoreSession(lambda: connect_for_writing(path), "price")
        self._current = FlatPrices({}, SOURCE_COLLECTOR)
        self._is_failing = False
        self.refresh()

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._session.close()

    def list(self) -> builtins.list[StoredPrice]:
        """Every price, by model id."""
        with self._lock:
            rows = self._execute(f"SELECT {_COLUMNS} FROM model_prices ORDER BY model")
        return [_stored(row) for row in rows]

    def set(self, price: ModelPrice) -> tuple[StoredPrice, bool]:
        """Store ``price``, replacing the model's earlier one; return it and whether it is new."""
        now = time.time_ns()
        with self._lock:
            session = self._session.dropped_on_failure()
            with session as connection, immediate_transaction(connection):
                found = connection.execute(
                    "SELECT created_ns FROM model_prices WHERE model = ?", (price.model,)
                ).fetchone()
                values = (
                    price.input,
                    price.output,
                    price.cached_input,
                    price.cache_write,
                    now,
                    price.model,
                )
                if found is None:
                    connection.execute(
                        f"INSERT INTO model_prices ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (price.model, *values[:4], now, now),
                    )
                else:
                    connection.execute(
                        "UPDATE model_prices SET input_per_mtok = ?, output_per_mtok = ?,"
                        " cached_input_per_mtok = ?, cache_write_per_mtok = ?,"
                        " updated_ns = ? WHERE model = ?",
                        values,
                    )
            self._load()
        created_ns = now if found is None else int(found[0])
        return StoredPrice(price, created_ns, now), found is None

    def remove(self, model: str) -> StoredPrice:
        """Remove the price of ``model`` (as stored: lower case) and return it.

        Raises:
            LookupError: no price is set for ``model``.
        """
        with self._lock:
            rows = self._execute(f"SELECT {_COLUMNS} FROM model_prices WHERE model = ?", (model,))
            if not rows:
                raise LookupError(f"no price is set for model {model!r} (see 'prices list')")
            self._execute("DELETE FROM model_prices WHERE model = ?", (model,))
            self._load()
        return _stored(rows[0])

    def current(self) -> FlatPrices:
        """The prices to apply now: those last read (none before the first read)."""
        return self._current  # replaced whole, never changed in place: no lock needed

    def refresh(self) -> None:
        """Read the prices again. Never raises.

        While the table cannot be read, the prices last read stay in use and calls are stored
        as usual rather than refused; the first failure of a run is logged.
        """
        with self._lock:
            if self._session.is_closed:
                return
            try:
                self._load()
            except Exception as exc:  # sqlite3.Error, or a row another tool wrote badly
                if not self._is_failing:
                    logger.warning(
                        "Could not read the model prices from %s (%s: %s); calls are priced "
                        "with the prices read before until they can be read again",
                        self._path,
                        type(exc).__name__,
                        exc,
                    )
                self._is_failing = True
                return
            self._is_failing = False

    def _load(self) -> None:
        """Read the table into :meth:`current`, under the caller's lock."""
        rows = self._execute(f"SELECT {_COLUMNS} FROM model_prices")
        table = {row[0]: _stored(row).price.rates() for row in rows}
        self._current = FlatPrices(table, SOURCE_COLLECTOR)

    def _execute(self, sql: str, params: tuple[object, ...] = ()) -> builtins.list[Any]:
        """Run one statement under the caller's lock; a failure drops the connection."""
        return self._session.execute(sql, params)


def _stored(row: tuple[Any, ...]) -> StoredPrice:
    model, input_rate, output_rate, cached, write, created_ns, updated_ns = row
    price = ModelPrice(
        str(model),
        float(input_rate),
        float(output_rate),
        None if cached is None else float(cached),
        None if write is None else float(write),
    )
    return StoredPrice(price, int(created_ns), int(updated_ns))


class PriceRefresher(PeriodicThread):
    """Calls :meth:`PriceStore.refresh` every ``interval_s`` seconds until stopped."""

    def __init__(self, prices: PriceStore, interval_s: float = 1.0) -> None:
        super().__init__("prysmai-prices", first_delay_s=interval_s)
        self._prices = prices
        self._interval_s = interval_s

    def step(self) -> float:
        """Read the prices again."""
        self._prices.refresh()
        return self._interval_s
