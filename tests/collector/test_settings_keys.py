"""Settings > API keys: create (shown once), list, revoke (asked first; one's own key too)."""

from __future__ import annotations

import html
import logging
import time

from prysmai.collector.keys import KEY_PATTERN, KeyStore
from prysmai.store_location import parse_location
from tests.collector.conftest import KEY_RE, make_span, trace_request, wait_for
from tests.collector.settings_browser import Browser, text

KEYS = "/settings/keys"
CREATE = "/settings/keys/create"
REVOKE = "/settings/keys/revoke"
SPANS = trace_request(make_span()).SerializeToString()


def _create(browser: Browser, name: str) -> str:
    answer = browser.submit(KEYS, CREATE, {"name": name})
    assert answer.status == 200, answer.body
    [key] = KEY_RE.findall(text(answer))
    return key


def test_a_created_key_is_shown_once_listed_by_prefix_and_accepted_by_the_receiver(
    collector, caplog
):
    browser = Browser(collector, collector.key)
    caplog.set_level(logging.DEBUG)

    created = browser.submit(KEYS, CREATE, {"name": "ci runner"})
    [key] = KEY_RE.findall(text(created))
    listing = browser.get(KEYS)

    assert created.status == 200
    assert created.headers["cache-control"] == "no-store"
    assert KEY_PATTERN.fullmatch(key)
    assert text(created).count(key) == 1
    assert f"New API key {key[:17]}... (ci runner)" in text(created)
    # Never again: not in the list, not in the log (only its prefix).
    assert key not in text(listing) and key[:17] + "..." in text(listing)
    assert key not in caplog.text
    assert f"API key 2 ({key[:17]}...) created from the dashboard" in caplog.text
    infos = collector.server.keys.list()
    assert [(info.id, info.name, info.prefix, info.is_active) for info in infos] == [
        (1, "tests", collector.key[:17], True),
        (2, "ci runner", key[:17], True),
    ]
    rows = text(listing).split("<tbody>")[1]
    assert "<td>ci runner</td>" in rows and rows.count('<td class="a-ok">active</td>') == 2
    assert collector.export(SPANS, key=key).status == 200
    assert Browser(collector, key).get(KEYS).status == 200  # and opens the dashboard


def test_a_key_without_a_name_and_names_that_are_refused(collector):
    browser = Browser(collector, collector.key)

    unnamed = browser.submit(KEYS, CREATE, {"name": "   "})
    long_name = browser.submit(KEYS, CREATE, {"name": "x" * 101})
    control = browser.submit(KEYS, CREATE, {"name": "a\x1b[31mred"})

    assert unnamed.status == 200 and "(no name)" in text(unnamed)
    for refused in (long_name, control):
        assert refused.status == 400
        assert "Not created: a key name has at most 100 printable characters" in text(refused)
        assert not KEY_RE.search(text(refused).replace(collector.key, ""))
    assert [info.name for info in collector.server.keys.list()] == ["tests", None]


def test_revoking_asks_first_then_the_key_gets_401_on_the_receiver(collector):
    browser = Browser(collector, collector.key)
    other = _create(browser, "laptop")
    token = browser.token(KEYS, REVOKE)

    asked = browser.post(REVOKE, {"id": "2", "csrf": token})
    still = collector.export(SPANS, key=other)
    done = browser.post(REVOKE, {"id": "2", "confirm": "yes", "csrf": token})
    again = browser.post(REVOKE, {"id": "2", "confirm": "yes", "csrf": token})

    assert asked.status == 200
    assert "Revoke key 2?" in text(asked) and "<td>laptop</td>" in text(asked)
    assert "logged in with" not in text(asked)  # not the browser's own key
    [confirm_form] = browser.forms(text(asked), REVOKE)
    assert (confirm_form["id"], confirm_form["confirm"]) == ("2", "yes")
    assert still.status == 200  # asking changed nothing
    assert done.status == 200
    assert f"Revoked key 2 ({other[:17]}...)." in text(done)
    rows = text(done).split("<tbody>")[1]
    assert rows.count("revoked 20") == 1 and rows.count("Revoke...") == 1
    assert collector.export(SPANS, key=other).status == 401
    assert Browser(collector, other).get(KEYS).status == 401
    assert again.status == 404 and "No active key has that id." in text(again)
    assert [info.is_active for info in collector.server.keys.list()] == [True, False]


def test_revoking_the_key_the_browser_uses_needs_the_tick_and_then_asks_to_log_in(collector):
    browser = Browser(collector, collector.key)
    token = browser.token(KEYS, REVOKE)

    asked = browser.post(REVOKE, {"id": "1", "csrf": token})
    untick = browser.post(REVOKE, {"id": "1", "confirm": "yes", "csrf": token})
    alive = browser.get(KEYS)
    done = browser.post(REVOKE, {"id": "1", "confirm": "yes", "confirm_self": "yes", "csrf": token})
    after = browser.get(KEYS)

    assert asked.status == 200
    assert "This is the key this browser is logged in with." in text(asked)
    assert 'name="confirm_self" value="yes" required' in text(asked)
    assert untick.status == 400
    assert "Tick the box to revoke the key this browser is logged in with." in text(untick)
    assert alive.status == 200 and "(this browser)" in text(alive)
    assert done.status == 200
    assert "You must log in again with another key" in text(done)
    assert after.status == 401 and "www-authenticate" in after.headers
    assert collector.export(SPANS).status == 401


def test_key_names_are_escaped_everywhere(collector):
    browser = Browser(collector, collector.key)
    name = '<script>alert("key")</script>'

    created = browser.submit(KEYS, CREATE, {"name": name})
    listing = browser.get(KEYS)
    asked = browser.post(REVOKE, {"id": "2", "csrf": browser.token(KEYS, REVOKE)})

    for answer in (created, listing, asked):
        assert "<script" not in text(answer)
        assert html.escape(name) in text(answer)


def test_keys_made_in_the_browser_count_on_another_collector_of_the_postgres_database(
    make_collector, pg_url
):
    location = parse_location(pg_url)
    first = make_collector(db_path=location, alert_interval_s=None)
    second = make_collector(db_path=location, alert_interval_s=None)
    browser = Browser(first, first.key)

    key = _create(browser, "shared")
    started = time.monotonic()
    wait_for(lambda: second.export(SPANS, key=key).status == 200, timeout_s=5)
    accepted_after = time.monotonic() - started
    token = browser.token(KEYS, REVOKE)
    [mine] = [info for info in first.server.keys.list() if info.name == "shared"]
    revoked = browser.post(REVOKE, {"id": str(mine.id), "confirm": "yes", "csrf": token})
    started = time.monotonic()
    wait_for(lambda: second.export(SPANS, key=key).status == 401, timeout_s=5)
    refused_after = time.monotonic() - started

    assert accepted_after < 1.5 and refused_after < 1.5
    assert revoked.status == 200 and f"Revoked key {mine.id} " in text(revoked)
    keys = KeyStore(location)
    try:
        stored = {(info.name, info.is_active) for info in keys.list()}
    finally:
        keys.close()
    assert ("shared", False) in stored
