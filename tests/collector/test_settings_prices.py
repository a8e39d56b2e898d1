"""Settings > Prices: set, change and remove model prices in the browser, behind the CSRF checks."""

from __future__ import annotations

import pytest

from prysmai.collector.price_store import PriceStore
from tests.collector.settings_browser import Browser, text

PRICES = "/settings/prices"
SET = "/settings/prices/set"
REMOVE = "/settings/prices/remove"
PRICE = {"model": "My-FT", "input": "2.5", "output": "10", "cached_input": "", "cache_write": ""}


def _models(collector) -> list[tuple[str, float, float, float | None]]:
    with PriceStore(collector.db) as prices:
        return [
            (p.price.model, p.price.input, p.price.output, p.price.cached_input)
            for p in prices.list()
        ]


@pytest.fixture
def browser(collector) -> Browser:
    return Browser(collector, collector.key)


def test_set_change_and_remove_a_price(collector, browser):
    index = browser.get("/settings")
    empty = browser.get(PRICES)
    added = browser.submit(PRICES, SET, PRICE)
    changed = browser.submit(PRICES, SET, {**PRICE, "model": "my-ft", "cached_input": "1.25"})
    after_change = _models(collector)
    token = browser.token(PRICES, REMOVE)
    removed = browser.post(REMOVE, {"model": "my-ft", "csrf": token})
    again = browser.post(REMOVE, {"model": "my-ft", "csrf": token})

    assert f'href="{PRICES}"' in text(index) and f'href="{PRICES}"' in text(empty)
    assert "No prices set." in text(empty)
    assert added.status == 200
    assert "Set the price of my-ft (USD per 1M tokens): input 2.5, output 10" in text(added)
    assert "<td><code>my-ft</code></td><td>2.5</td><td>10</td><td>-</td><td>-</td>" in text(added)
    assert changed.status == 200 and "Changed the price of my-ft" in text(changed)
    assert after_change == [("my-ft", 2.5, 10.0, 1.25)]
    assert removed.status == 200 and "Removed the price of my-ft." in text(removed)
    assert again.status == 404 and "No price is set for that model." in text(again)
    assert _models(collector) == []
    assert len(collector.server.prices.current()) == 0  # this collector knows at once


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("input", "-1", "invalid input price &#x27;-1&#x27;"),
        ("output", "1e9", "invalid output price &#x27;1e9&#x27;"),
        ("cached_input", "nan", "invalid cached input price &#x27;nan&#x27;"),
        ("cache_write", "20000", "from 0 to 10,000"),
        ("input", "", "invalid input price &#x27;&#x27;"),
        ("model", "", "a model id has 1 to 200 printable characters"),
        ("model", "x" * 201, "a model id has 1 to 200 printable characters"),
        ("model", "a\tb", "a model id has 1 to 200 printable characters"),
    ],
)
def test_bad_values_are_refused_with_the_cli_message(collector, browser, field, value, message):
    answer = browser.submit(PRICES, SET, {**PRICE, field: value})

    assert answer.status == 400
    assert "Not set: " in text(answer) and message in text(answer)
    assert _models(collector) == []


def test_models_and_refused_values_are_escaped(collector, browser):
    hostile = '<script>alert("x")</script>'
    stored = browser.submit(PRICES, SET, {**PRICE, "model": hostile})
    refused = browser.submit(PRICES, SET, {**PRICE, "model": hostile, "input": '"><b>'})

    for answer in (stored, refused):
        assert "<script>alert" not in text(answer) and "<b>" not in text(answer)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text(stored)
    assert refused.status == 400
    assert 'value="&quot;&gt;&lt;b&gt;"' in text(refused)  # the form refilled, escaped
    # The remove button carries the stored id back intact.
    [form] = browser.forms(text(stored), REMOVE)
    assert form["model"] == hostile.lower()
    assert browser.submit(PRICES, REMOVE, {"model": hostile}).status == 200


def test_forged_or_tokenless_posts_change_nothing(collector, browser):
    assert browser.submit(PRICES, SET, {**PRICE, "model": "kept"}).status == 200
    token = browser.token(PRICES, SET)
    other_token = browser.token(PRICES, REMOVE)

    cross_site = browser.post(SET, {**PRICE, "csrf": token}, headers={"Origin": "https://e.x"})
    no_origin = browser.post(SET, {**PRICE, "csrf": token}, headers={"Origin": None})
    no_token = browser.post(SET, PRICE)
    wrong_action = browser.post(SET, {**PRICE, "csrf": other_token})
    plain_text = browser.post(
        SET, body=b"model=x&input=1&output=1", headers={"Content-Type": "text/plain"}
    )
    as_get = browser.get(SET)
    no_key = Browser(collector, None).post(SET, {**PRICE, "csrf": token})
    cross_site_remove = browser.post(
        REMOVE, {"model": "kept", "csrf": other_token}, headers={"Origin": "https://e.x"}
    )
    remove_as_get = browser.get(REMOVE + "?model=kept")

    assert cross_site.status == no_origin.status == 403
    assert no_token.status == wrong_action.status == 403
    assert "this form has expired or was not issued to this key" in text(no_token)
    assert plain_text.status == 415
    assert as_get.status == 405 and as_get.headers["allow"] == "POST"
    assert no_key.status == 401
    assert cross_site_remove.status == 403 and remove_as_get.status == 405
    assert _models(collector) == [("kept", 2.5, 10.0, None)]


def test_prices_stay_manageable_without_dashboard_auth(make_collector):
    collector = make_collector(dashboard_auth=False)
    browser = Browser(collector, None)

    answer = browser.submit(PRICES, SET, PRICE)
    forged = browser.post(SET, PRICE, headers={"Origin": "https://e.x"})

    assert answer.status == 200 and "Set the price of my-ft" in text(answer)
    assert forged.status == 403
