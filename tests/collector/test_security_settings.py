"""Security settings on the collector: store (SQLite and PostgreSQL), app endpoint, dashboard
page behind the CSRF checks, and ``prysmai security``."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading

import pytest

from prysmai.cli.main import main
from prysmai.collector.security_store import (
    MAX_KEYWORDS,
    SecuritySettingsError,
    SecuritySettingsStore,
)
from prysmai.security.config import PiiRedactionMode, SecurityConfig
from prysmai.store_location import parse_location
from tests.collector.settings_browser import Browser, text

PAGE = "/settings/security"
SET = "/settings/security/set"
ENDPOINT = "/v1/settings/security"
FORM = {
    "injectionDetection": "yes",
    "piiDetection": "yes",
    "contentPolicy": "yes",
    "piiRedactionMode": "mask",
    "customKeywords": "acme\n  project zeus \n\n",
}


# --- store ---------------------------------------------------------------------------------


def _round_trip(location) -> None:
    with SecuritySettingsStore(location) as store:
        empty = store.get()
        first, changed = store.set(
            SecurityConfig.from_mapping({"piiRedactionMode": "hash", "customKeywords": ["acme"]}),
            "tests",
        )
        same, unchanged = store.set(first.config, "tests again")
        second, _ = store.set(SecurityConfig(block_high_threats=True), "cli")
    with SecuritySettingsStore(location) as reopened:
        read = reopened.get()

    assert (empty.version, empty.config, empty.updated_ns) == (0, SecurityConfig(), None)
    assert changed and first.version == 1 and first.updated_by == "tests"
    assert first.config.pii_redaction_mode is PiiRedactionMode.HASH
    assert first.config.custom_keywords == ("acme",)
    assert not unchanged and same == first  # the same settings keep their version
    assert second.version == 2 and read == second
    assert read.config == SecurityConfig(block_high_threats=True)
    assert read.updated_ns is not None and read.updated_ns >= first.updated_ns
    assert read.etag != first.etag != empty.etag


def test_store_round_trip_on_sqlite(tmp_path):
    _round_trip(tmp_path / "store.db")


def test_store_round_trip_on_postgresql(pg_url):
    _round_trip(parse_location(pg_url))


def test_concurrent_changes_on_postgresql_each_get_a_version(pg_url):
    location = parse_location(pg_url)
    stores = [SecuritySettingsStore(location) for _ in range(4)]
    versions: list[int] = []
    lock = threading.Lock()

    def change(index: int) -> None:
        for round_ in range(5):
            stored, _ = stores[index].set(
                SecurityConfig(custom_keywords=(f"k{index}-{round_}",)), f"w{index}"
            )
            with lock:
                versions.append(stored.version)

    threads = [threading.Thread(target=change, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = stores[0].get()
    for store in stores:
        store.close()

    assert sorted(versions) == list(range(1, 21)) and final.version == 20


def test_the_store_refuses_what_apps_should_not_scan_for(tmp_path):
    with SecuritySettingsStore(tmp_path / "store.db") as store:
        with pytest.raises(SecuritySettingsError, match="at most 200 entries"):
            store.set(
                SecurityConfig(custom_keywords=tuple(f"k{i}" for i in range(MAX_KEYWORDS + 1))),
                "t",
            )
        with pytest.raises(SecuritySettingsError, match="printable"):
            store.set(SecurityConfig(custom_keywords=("a\x1bb",)), "t")
        assert store.get().version == 0


# --- endpoint ------------------------------------------------------------------------------


def _bearer(key: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", **extra}


def test_endpoint_answers_the_settings_and_304_while_unchanged(collector):
    first = collector.request("GET", ENDPOINT, headers=_bearer(collector.key))
    etag = first.headers["etag"]
    unchanged = collector.request("GET", ENDPOINT, headers=_bearer(collector.key, **{
        "If-None-Match": etag
    }))  # fmt: skip
    collector.server.security_settings.set(SecurityConfig(pii_redaction_mode="block"), "t")  # type: ignore[arg-type]
    changed = collector.request("GET", ENDPOINT, headers=_bearer(collector.key, **{
        "If-None-Match": etag
    }))  # fmt: skip

    assert first.status == 200 and first.headers["content-type"] == "application/json"
    data = json.loads(first.body)
    assert data["version"] == 0 and data["etag"] == etag
    assert data["settings"] == SecurityConfig().to_mapping()
    assert unchanged.status == 304 and unchanged.body == b"" and unchanged.headers["etag"] == etag
    assert changed.status == 200 and changed.headers["etag"] != etag
    assert json.loads(changed.body)["settings"]["piiRedactionMode"] == "block"
    assert json.loads(changed.body)["version"] == 1


def test_head_answers_like_get_without_a_body(collector):
    get = collector.request("GET", ENDPOINT, headers=_bearer(collector.key))
    head = collector.request("HEAD", ENDPOINT, headers=_bearer(collector.key))
    refused = collector.request("HEAD", ENDPOINT)
    page = collector.request("HEAD", PAGE)

    assert head.status == 200 and head.body == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-length"] == str(len(get.body))
    assert refused.status == 401 and refused.body == b""
    assert page.status == collector.request("GET", PAGE).status


def test_endpoint_refuses_missing_bad_basic_and_revoked_keys(collector):
    spare = collector.server.keys.create(name="spare")
    collector.server.keys.revoke(str(collector.server.keys.find_active(spare).id))
    wrong = "sk-prysm-" + "0" * 64

    answers = {
        "none": collector.request("GET", ENDPOINT),
        "bad": collector.request("GET", ENDPOINT, headers=_bearer(wrong)),
        "revoked": collector.request("GET", ENDPOINT, headers=_bearer(spare)),
        "basic": collector.get(ENDPOINT, auth="basic"),  # the dashboard's scheme: not here
    }
    post = collector.request("POST", ENDPOINT, b"{}", _bearer(collector.key))

    for name, answer in answers.items():
        assert answer.status == 401, name
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert "settings" not in json.loads(answer.body)
    assert post.status == 405


def test_endpoint_is_503_when_the_store_cannot_be_read(collector, caplog):
    collector.server.security_settings._session.drop()

    def broken():
        raise sqlite3.OperationalError("disk I/O error")

    collector.server.security_settings._session._connect = broken  # type: ignore[method-assign]
    with caplog.at_level(logging.WARNING):
        answer = collector.request("GET", ENDPOINT, headers=_bearer(collector.key))

    assert answer.status == 503 and answer.headers["retry-after"] == "5"
    assert "disk I/O error" in caplog.text


# --- dashboard -----------------------------------------------------------------------------


@pytest.fixture
def browser(collector) -> Browser:
    return Browser(collector, collector.key)


def test_dashboard_shows_and_saves_the_settings(collector, browser, caplog):
    index = browser.get("/settings")
    before = browser.get(PAGE)
    with caplog.at_level(logging.INFO, logger="prysmai.collector"):
        saved = browser.submit(PAGE, SET, FORM)
    again = browser.submit(PAGE, SET, FORM)
    stored = collector.server.security_settings.get()

    assert f'href="{PAGE}"' in text(index)
    assert before.status == 200 and "Never changed: these are the defaults" in text(before)
    assert saved.status == 200 and "Saved as version 1." in text(saved)
    assert "Nothing changed: the settings are still version 1." in text(again)
    assert stored.version == 1
    assert stored.config == SecurityConfig(
        pii_redaction_mode=PiiRedactionMode.MASK,
        custom_keywords=("acme", "project zeus"),
        block_high_threats=False,
        scan_responses=False,
    )
    assert stored.updated_by is not None and stored.updated_by.startswith("dashboard (key sk-")
    assert '<option value="mask" selected>' in text(saved)
    assert "acme\nproject zeus</textarea>" in text(saved)
    audit = [r.getMessage() for r in caplog.records if "Security settings changed" in r.message]
    assert audit and "now version 1" in audit[0] and "piiRedactionMode mask" in audit[0]
    assert collector.key not in caplog.text


def test_dashboard_refuses_missing_and_bad_tokens_and_other_origins(collector, browser):
    token = browser.token(PAGE, SET)
    missing = browser.post(SET, FORM)
    forged = browser.post(SET, {**FORM, "csrf": token[:-2] + "xx"})
    other_page = browser.post(
        SET, {**FORM, "csrf": browser.token("/settings/prices", "/settings/prices/set")}
    )
    foreign = browser.post(SET, {**FORM, "csrf": token}, headers={"Origin": "http://evil.example"})
    no_key = Browser(collector, None).post(SET, {**FORM, "csrf": token})
    as_get = browser.get(SET)

    for answer in (missing, forged, other_page):
        assert answer.status == 403 and "this form has expired" in text(answer)
    assert foreign.status == 403
    assert no_key.status == 401
    assert as_get.status == 405
    assert collector.server.security_settings.get().version == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("piiRedactionMode", "scramble", "piiRedactionMode must be one of none, mask, hash, block"),
        ("piiRedactionMode", "", "piiRedactionMode must be one of"),
        ("blockHighThreats", "maybe", "blockHighThreats is a box"),
        ("customKeywords", "x" * 201, "a custom keyword has 1 to 200 printable characters"),
        ("customKeywords", "\n".join(f"k{i}" for i in range(201)), "at most 200 entries"),
        # Apps would match it between any two words and flag (or block) every request.
        ("customKeywords", "acme\n\ufe0f", "a custom keyword needs a letter or digit"),
    ],
)
def test_dashboard_refuses_invalid_values_with_the_reason(
    collector, browser, field, value, message
):
    answer = browser.submit(PAGE, SET, {**FORM, field: value})

    assert answer.status == 400
    assert "Not saved: " in text(answer) and message in text(answer)
    assert collector.server.security_settings.get().version == 0


def test_dashboard_escapes_keywords(collector, browser):
    saved = browser.submit(PAGE, SET, {**FORM, "customKeywords": '<script>alert("x")</script>'})

    assert saved.status == 200 and "<script>alert" not in text(saved)
    assert "&lt;script&gt;" in text(saved)


# --- CLI -----------------------------------------------------------------------------------


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_set_and_show(tmp_path, capsys):
    db = str(tmp_path / "c.db")

    missing = _run(capsys, "security", "show", "--db", db)
    SecuritySettingsStore(parse_location(db)).close()  # as a collector's start creates it
    empty = _run(capsys, "security", "show", "--db", db)
    saved = _run(
        capsys,
        "security", "set", "--pii-redaction-mode", "MASK", "--block-high-threats", "on",
        "--keyword", "acme", "--keyword", "zeus", "--db", db,
    )  # fmt: skip
    same = _run(capsys, "security", "set", "--pii-redaction-mode", "mask", "--db", db)
    partial = _run(capsys, "security", "set", "--no-keywords", "--db", db)
    shown = _run(capsys, "security", "show", "--db", db)
    as_json = _run(capsys, "security", "show", "--json", "--db", db)
    reset = _run(capsys, "security", "set", "--defaults", "--db", db)

    # A mistyped path is an error, not a new store showing the defaults.
    assert missing[0] == 1 and "UsageError: no store at" in missing[2]
    assert empty[0] == 0 and "Version 0: never changed, the defaults." in empty[1]
    assert saved[0] == 0 and saved[1].startswith("Saved as version 1: ")
    assert "piiRedactionMode mask" in saved[1] and "customKeywords ['acme', 'zeus']" in saved[1]
    assert same == (0, "Nothing changed: the settings are still version 1.\n", "")
    assert partial[0] == 0 and "Saved as version 2" in partial[1]
    assert "blockHighThreats on" in partial[1]  # what was not named stays as it was
    assert "Version 2, changed" in shown[1] and "by cli." in shown[1]
    data = json.loads(as_json[1])
    assert data["version"] == 2 and data["updatedBy"] == "cli"
    assert data["settings"]["piiRedactionMode"] == "mask"
    assert data["settings"]["customKeywords"] == []
    assert reset[0] == 0 and "Saved as version 3" in reset[1]
    with SecuritySettingsStore(tmp_path / "c.db") as store:
        assert store.get().config == SecurityConfig()


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ("--pii-redaction-mode", "scramble"),
            "SecuritySettingsError: piiRedactionMode must be one of none, mask, hash, block, "
            "not 'scramble'",
        ),
        (("--block-high-threats", "maybe"), "UsageError: argument --block-high-threats"),
        (("--keyword", "x" * 201), "SecuritySettingsError: a custom keyword has 1 to 200"),
        ((), "UsageError: nothing to set"),
    ],
)
def test_cli_refuses_invalid_values_and_stores_nothing(tmp_path, capsys, args, error):
    db = tmp_path / "c.db"

    code, out, err = _run(capsys, "security", "set", *args, "--db", str(db))

    assert code == 1 and out == ""
    assert err.startswith(error) and err.count("\n") == 1
    assert not db.exists()


def test_without_dashboard_auth_the_settings_are_shown_but_not_changed(make_collector):
    open_one = make_collector(dashboard_auth=False, alert_interval_s=None)
    browser = Browser(open_one, None)

    page = browser.get(PAGE)
    answer = browser.submit(PAGE, SET, {**FORM, "piiRedactionMode": "none"})

    assert page.status == 200 and "prysmai security set" in text(page)
    assert answer.status == 403 and "--no-dashboard-auth" in text(answer)
    assert open_one.server.security_settings.get().version == 0
