"""API keys: stored only as SHA-256 hashes, listed by prefix, revoked, managed from the CLI."""

from __future__ import annotations

import hashlib
import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from prysmai.cli.main import main
from prysmai.collector import keys as keys_module
from prysmai.collector.keys import KeyStore
from prysmai.store_location import parse_location
from tests.collector.conftest import (
    KEY_RE,
    ServeProcess,
    make_span,
    serve_together,
    trace_request,
)


def _db_bytes(db: Path) -> bytes:
    # The WAL may still hold recent writes; read every file of the database.
    return b"".join(path.read_bytes() for path in db.parent.glob(db.name + "*"))


def test_only_the_hash_of_a_key_is_stored(tmp_path):
    db = tmp_path / "keys.db"
    store = KeyStore(db)
    key = store.create(name="ci")
    store.close()

    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT key_hash, prefix, name FROM api_keys").fetchall()
    assert rows == [(hashlib.sha256(key.encode()).hexdigest(), key[:17], "ci")]
    raw = _db_bytes(db)
    assert key.encode() not in raw
    assert key[17:].encode() not in raw  # not even the secret part without its prefix
    assert hashlib.sha256(key.encode()).hexdigest().encode() in raw


def test_list_and_revoke_by_id_prefix_name_or_key(tmp_path):
    store = KeyStore(tmp_path / "keys.db")
    first, second, third = (store.create(name=f"k{i}") for i in range(3))

    by_id = store.revoke("1")
    by_prefix = store.revoke(second[:15])
    by_key = store.revoke(third)
    infos = store.list()

    assert [info.id for info in (by_id, by_prefix, by_key)] == [1, 2, 3]
    assert [(info.prefix, info.is_active) for info in infos] == [
        (first[:17], False),
        (second[:17], False),
        (third[:17], False),
    ]
    assert not store.verify(first) and not store.has_active()
    with pytest.raises(LookupError, match="no active key"):
        store.revoke("k0")  # already revoked
    store.close()


def test_an_ambiguous_prefix_revokes_nothing(tmp_path):
    store = KeyStore(tmp_path / "keys.db")
    store.create(name="same")
    store.create(name="same")

    with pytest.raises(LookupError, match="2 active keys"):
        store.revoke("same")
    assert all(info.is_active for info in store.list())
    store.close()


def test_keys_cli_create_list_revoke(tmp_path, capsys):
    db = tmp_path / "cli.db"

    assert main(["keys", "create", "--name", "laptop", "--db", str(db)]) == 0
    key = capsys.readouterr().out.strip()
    assert KEY_RE.fullmatch(key)
    assert main(["keys", "list", "--json", "--db", str(db)]) == 0
    listed = capsys.readouterr().out
    assert main(["keys", "revoke", key[:13], "--db", str(db)]) == 0
    revoked = capsys.readouterr().out
    assert main(["keys", "list", "--db", str(db)]) == 0
    table = capsys.readouterr().out

    record = json.loads(listed)
    assert (record["prefix"], record["name"], record["active"]) == (key[:17], "laptop", True)
    assert key not in listed and key[17:] not in table
    assert revoked == f"Revoked key 1 ({key[:17]}...).\n"
    assert "revoked" in table and "laptop" in table
    assert main(["keys", "revoke", "nope", "--db", str(db)]) == 1


def export_one_span(url: str, key: str) -> int:
    """POST one span to a running collector; return the HTTP status."""
    request = urllib.request.Request(
        f"{url}/v1/traces",
        data=trace_request(make_span()).SerializeToString(),
        headers={"Content-Type": "application/x-protobuf", "Authorization": f"Bearer {key}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        status: int = response.status
        return status


def test_serve_creates_a_key_once_prints_it_once_and_accepts_it(tmp_path):
    db = tmp_path / "serve.db"
    first = ServeProcess(db)
    try:
        first.wait_ready()
        [key] = first.keys
        status = export_one_span(first.url, key)
    finally:
        first_exit = first.stop()
    second = ServeProcess(db)
    second.wait_ready()
    second.stop()

    assert status == 200
    assert first_exit == 130  # Ctrl-C
    assert second.keys == []
    assert key.encode() not in _db_bytes(db)
    store = KeyStore(db)
    assert [info.name for info in store.list()] == ["created by serve"]
    store.close()


def test_serve_stops_cleanly_on_sigterm_keeping_what_it_stored(tmp_path):
    """Service managers stop with SIGTERM: the store is closed and the exit status is 0."""
    db = tmp_path / "serve.db"
    collector = ServeProcess(db)
    try:
        collector.wait_ready()
        [key] = collector.keys
        status = export_one_span(collector.url, key)
    finally:
        code = collector.stop(signal.SIGTERM)
    with sqlite3.connect(db) as connection:
        stored = connection.execute("SELECT COUNT(*) FROM spans").fetchone()[0]

    assert (status, code, stored) == (200, 0, 1)
    assert "Stopping: SIGTERM received.\n" in collector.lines


def test_serve_stops_cleanly_on_sigterm_right_after_start(tmp_path):
    collector = ServeProcess(tmp_path / "serve.db")
    collector.wait_ready()

    code = collector.stop(signal.SIGTERM)

    assert code == 0
    assert collector.lines[-1] == "Stopping: SIGTERM received.\n"


def test_serve_refuses_an_open_dashboard_on_a_public_address(tmp_path, capsys):
    code = main(
        ["serve", "--host", "0.0.0.0", "--no-dashboard-auth", "--db", str(tmp_path / "x.db")]
    )

    assert code == 1
    assert "loopback" in capsys.readouterr().err


def test_revoke_errors_say_matches_and_what_forms_are_accepted(tmp_path):
    store = KeyStore(tmp_path / "keys.db")
    key = store.create(name="laptop")

    with pytest.raises(LookupError) as missing:
        store.revoke("desktop")
    with pytest.raises(LookupError) as too_short:
        store.revoke("sk-prysm")
    with pytest.raises(LookupError) as two_digits:
        store.revoke(key[:11])
    assert all(info.is_active for info in store.list())
    as_listed = store.revoke(key[:17] + "...")  # as 'keys list' shows it
    store.close()

    assert str(missing.value) == ("no active key matches that id, prefix or name (see 'keys list')")
    forms = (
        "a key prefix is 'sk-prysm-' and 4 to 8 hex digits, as 'keys list' shows it "
        "(or give the key's id, name or the whole key)"
    )
    assert str(too_short.value) == forms
    assert str(two_digits.value) == forms
    assert as_listed.id == 1


def test_a_store_that_cannot_be_opened_is_named_in_the_error(tmp_path, capsys):
    db = tmp_path / "not-a-store.db"
    db.write_bytes(b"this is not an SQLite database" * 100)

    with pytest.raises(sqlite3.DatabaseError) as error:
        KeyStore(db)
    code = main(["serve", "--port", "0", "--db", str(db)])

    assert str(error.value) == f"cannot use the store {db}: file is not a database"
    assert code == 1
    assert capsys.readouterr().err == (
        f"DatabaseError: cannot use the store {db}: file is not a database\n"
    )


def test_serve_processes_starting_together_on_an_empty_store_create_one_key(tmp_path):
    # Each round a fresh file; three processes make the old check-then-create race likely.
    for round_number in range(4):
        db = tmp_path / f"race-{round_number}.db"

        printed = serve_together(db, 3)

        keys = KeyStore(db)
        stored = keys.list()
        keys.close()
        assert len(printed) == 1, round_number
        assert [key.prefix for key in stored] == [printed[0][:17]]
        assert stored[0].name == "created by serve"


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_first_keys_created_from_many_threads_at_once_are_one_key(store, tmp_path, request):
    db = tmp_path / "threads.db"
    if store == "postgresql":
        db = parse_location(request.getfixturevalue("pg_url"))
    KeyStore(db).close()  # the schema first: the race is about the key, not the tables
    stores = [KeyStore(db) for _ in range(6)]
    start = threading.Barrier(len(stores))
    created: list[str | None] = [None] * len(stores)

    def slow_time_ns() -> int:
        # Read between the check and the insert: a wide window for another thread's check.
        time.sleep(0.1)
        return time.time_ns()

    def create(index: int) -> None:
        start.wait()
        created[index] = stores[index].create_first(name="first")

    threads = [threading.Thread(target=create, args=(index,)) for index in range(len(stores))]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            keys_module, "time", SimpleNamespace(time_ns=slow_time_ns, monotonic=time.monotonic)
        )
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    listed = stores[0].list()
    for key_store in stores:
        key_store.close()

    made = [key for key in created if key is not None]
    assert len(made) == 1
    assert [(key.prefix, key.name) for key in listed] == [(made[0][:17], "first")]


def test_serve_shows_the_collectors_info_notices_on_stderr():
    """Keys and rules changed in the browser, alerts fired: INFO lines a bare `serve` shows."""
    code = (
        "import logging\n"
        "from prysmai.cli.serve_cmd import _log_to_stderr\n"
        "_log_to_stderr()\n"
        "logging.getLogger('prysmai.collector.settings_pages').info('API key 2 created')\n"
        "logging.getLogger('other.library').info('not ours')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )

    assert result.stderr.endswith(" INFO API key 2 created\n")
    assert "not ours" not in result.stderr
