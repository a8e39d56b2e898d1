"""Collector prices at ingest: calls without a cost are priced, others are left as they came.

Real OTLP requests to a real collector over loopback; prices set as a team would set them
(``prysmai prices set``, another process's view of the same store).
"""

from __future__ import annotations

import json

import pytest

from prysmai.cli.main import main
from prysmai.collector.price_input import ModelPrice
from prysmai.collector.price_store import PriceStore
from prysmai.store_location import parse_location
from tests.collector.conftest import call_attributes, make_span, trace_request, wait_for

FINETUNE = "ft:gpt-4o-mini:acme::abc123"
# 1000 prompt tokens, 400 of them read from the cache and 100 written to it, 500 out:
# 500 * 2.0 + 400 * 0.5 + 100 * 3.0 = 1500 (input), 500 * 8.0 = 4000 (output), per 1M.
INPUT_USD = 1500 / 1_000_000
OUTPUT_USD = 4000 / 1_000_000


def _unpriced(model: str, span_id: int, **overrides: object) -> bytes:
    given: dict[str, object] = {
        "prysm__cost__usd": None,
        "gen_ai__request__model": model,
        "gen_ai__response__model": None,
        "gen_ai__usage__input_tokens": 1000,
        "gen_ai__usage__output_tokens": 500,
        "gen_ai__usage__cache_read__input_tokens": 400,
        "gen_ai__usage__cache_creation__input_tokens": 100,
    }
    attributes = call_attributes(**{**given, **overrides})
    span = make_span(attributes, span_id=span_id.to_bytes(8, "big"))
    return trace_request(span).SerializeToString()


def _set(db: object, model: str = FINETUNE, *rates: str) -> None:
    given = rates or ("--input", "2", "--output", "8", "--cached-input", "0.5")
    assert main(["prices", "set", model, *given, "--cache-write", "3", "--db", str(db)]) == 0


def _by_span(collector) -> dict[int, object]:
    return {int(row.span_id, 16): row for row in collector.rows()}


def test_a_call_without_a_cost_gets_the_collector_price(collector, capsys):
    _set(collector.db)
    wait_for(lambda: len(collector.server.prices.current()) == 1, timeout_s=3)

    answer = collector.export(_unpriced(FINETUNE.upper(), 1))
    row = _by_span(collector)[1]

    assert answer.status == 200
    assert row.cost_usd == pytest.approx(INPUT_USD + OUTPUT_USD, rel=1e-12)
    assert row.cost_usd == INPUT_USD + OUTPUT_USD  # the same arithmetic as prysmai.cost
    assert row.attributes["prysm.cost.source"] == "collector"
    assert row.attributes["prysm.cost.input_usd"] == pytest.approx(INPUT_USD, rel=1e-12)
    assert row.attributes["prysm.cost.output_usd"] == pytest.approx(OUTPUT_USD, rel=1e-12)


def test_the_response_model_wins_and_dated_or_prefixed_ids_match(collector):
    _set(collector.db)
    _set(collector.db, "my-base", "--input", "100", "--output", "100")
    wait_for(lambda: len(collector.server.prices.current()) == 2, timeout_s=3)

    collector.export(_unpriced("my-base", 1, gen_ai__response__model=FINETUNE))
    collector.export(_unpriced("openai/my-base-2025-01-31", 2))
    rows = _by_span(collector)

    assert rows[1].cost_usd == INPUT_USD + OUTPUT_USD
    # Cached reads at the input price (none given); cache writes at the 3 every _set gives.
    assert rows[2].cost_usd == (500 * 100.0 + 400 * 100.0 + 100 * 3.0) / 1e6 + 500 * 100.0 / 1e6


def test_calls_that_came_with_a_cost_and_unpriced_models_are_left_alone(collector):
    _set(collector.db)
    wait_for(lambda: len(collector.server.prices.current()) == 1, timeout_s=3)

    collector.export(_unpriced(FINETUNE, 1, prysm__cost__usd=0.25))
    collector.export(_unpriced(FINETUNE, 2, prysm__cost__usd=0.0))
    collector.export(_unpriced("someone-elses-model", 3))
    no_usage = call_attributes(
        prysm__cost__usd=None,
        gen_ai__request__model=FINETUNE,
        gen_ai__response__model=None,
        gen_ai__usage__input_tokens=None,
        gen_ai__usage__output_tokens=None,
    )
    collector.export(
        trace_request(make_span(no_usage, span_id=(4).to_bytes(8, "big"))).SerializeToString()
    )
    rows = _by_span(collector)

    assert rows[1].cost_usd == 0.25 and "prysm.cost.source" not in rows[1].attributes
    assert rows[2].cost_usd == 0.0 and "prysm.cost.source" not in rows[2].attributes
    assert rows[3].cost_usd is None and "prysm.cost.usd" not in rows[3].attributes
    assert rows[4].cost_usd is None and "prysm.cost.usd" not in rows[4].attributes


def test_a_price_applies_to_calls_received_after_it_and_totals_include_it(collector, capsys):
    before = collector.export(_unpriced(FINETUNE, 1))
    _set(collector.db)  # from another process's view: the CLI on the same store
    wait_for(lambda: len(collector.server.prices.current()) == 1, timeout_s=3)
    after = collector.export(_unpriced(FINETUNE, 2))
    collector.export(_unpriced("gpt-4o-mini", 3, prysm__cost__usd=0.5))
    rows = _by_span(collector)

    api = json.loads(collector.get("/api/stats?window=all").body)
    capsys.readouterr()
    assert main(["stats", "--window", "all", "--json", "--db", str(collector.db)]) == 0
    cli = json.loads(capsys.readouterr().out)

    assert before.status == after.status == 200
    assert rows[1].cost_usd is None  # received before the price: not priced afterwards
    assert rows[2].cost_usd == INPUT_USD + OUTPUT_USD
    expected = INPUT_USD + OUTPUT_USD + 0.5
    assert api["cost_usd"] == pytest.approx(expected, rel=1e-12)
    assert cli["cost_usd"] == pytest.approx(expected, rel=1e-12)
    assert cli["unknown_cost_count"] == 1


def test_a_changed_or_removed_price_applies_within_a_second_or_two(collector, capsys):
    _set(collector.db)
    wait_for(lambda: len(collector.server.prices.current()) == 1, timeout_s=3)
    _set(collector.db, FINETUNE, "--input", "0", "--output", "0", "--cached-input", "0")

    def cost_of_a_new_call() -> float | None:
        collector.export(_unpriced(FINETUNE, 10))
        return _by_span(collector)[10].cost_usd

    wait_for(lambda: cost_of_a_new_call() == 100 * 3.0 / 1e6, timeout_s=3)  # writes only
    assert main(["prices", "remove", FINETUNE, "--db", str(collector.db)]) == 0
    wait_for(lambda: cost_of_a_new_call() is None, timeout_s=3)


def test_the_dashboard_shows_the_source_of_a_collector_cost(collector):
    with PriceStore(collector.db) as prices:
        prices.set(ModelPrice(FINETUNE, 2.0, 8.0, 0.5, 3.0))
    wait_for(lambda: len(collector.server.prices.current()) == 1, timeout_s=3)
    collector.export(_unpriced(FINETUNE, 1))

    detail = collector.get(f"/calls/{1:016x}")

    assert detail.status == 200
    assert "prysm.cost.source" in detail.body.decode() and "collector" in detail.body.decode()


def test_collector_prices_on_postgresql(make_collector, pg_url, capsys):
    collector = make_collector(db_path=parse_location(pg_url))
    _set(pg_url)
    wait_for(lambda: len(collector.server.prices.current()) == 1, timeout_s=3)

    collector.export(_unpriced(FINETUNE, 1))
    collector.export(_unpriced("unpriced", 2))
    collector.export(_unpriced(FINETUNE, 3, prysm__cost__usd=0.125))
    capsys.readouterr()
    assert main(["prices", "list", "--json", "--db", pg_url]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert main(["stats", "--window", "all", "--json", "--db", pg_url]) == 0
    stats = json.loads(capsys.readouterr().out)
    rows = _by_span(collector)

    assert [(p["model"], p["input"], p["cached_input"], p["cache_write"]) for p in listed] == [
        (FINETUNE, 2.0, 0.5, 3.0)
    ]
    assert rows[1].cost_usd == INPUT_USD + OUTPUT_USD
    assert rows[1].attributes["prysm.cost.source"] == "collector"
    assert rows[2].cost_usd is None
    assert rows[3].cost_usd == 0.125
    assert stats["cost_usd"] == pytest.approx(INPUT_USD + OUTPUT_USD + 0.125, rel=1e-12)
