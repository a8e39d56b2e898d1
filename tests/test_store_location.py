"""Store locations: a path or a PostgreSQL URL, shown without its password; psycopg optional."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from prysmai.errors import ConfigurationError
from prysmai.store_location import PostgresUrl, parse_location
from prysmai.store_schema import default_db_path


@pytest.mark.parametrize(
    ("url", "shown", "described", "secrets"),
    [
        (
            "postgresql://prysm:s3cr%40t@db.internal:6543/traces",
            "postgresql://prysm:***@db.internal:6543/traces",
            "host db.internal, port 6543, database traces, user prysm",
            ("s3cr@t", "s3cr%40t"),
        ),
        (
            "postgres://app@[::1]/prysm?password=pw-in-query&sslmode=require",
            "postgres://app@[::1]/prysm?password=***&sslmode=require",
            "host ::1, port 5432, database prysm, user app",
            ("pw-in-query",),
        ),
        (
            "postgresql://u:pw@one:5433,two/db",
            "postgresql://u:***@one:5433,two/db",
            "host one, port 5433 or two, port 5432, database db, user u",
            ("pw",),
        ),
        (
            "postgresql:///prysm",
            "postgresql:///prysm",
            "host the local socket, port 5432, database prysm",
            (),
        ),
    ],
)
def test_a_postgres_url_is_shown_and_described_without_its_password(url, shown, described, secrets):
    location = parse_location(url)

    assert isinstance(location, PostgresUrl)
    assert location.url == url
    assert (str(location), repr(location)) == (shown, f"PostgresUrl({shown!r})")
    assert location.describe() == described
    assert location.redact(f"libpq says: {' '.join(secrets)}.") == (
        f"libpq says: {' '.join('***' for _ in secrets)}."
    )


def test_anything_else_is_a_file_path(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))

    assert parse_location("~/traces.db") == tmp_path / "traces.db"
    assert parse_location("postgresql.db") == Path("postgresql.db")
    assert parse_location(Path("http://x")) == Path("http://x")


def test_prysm_db_path_may_be_a_url_and_a_bad_one_is_refused_without_its_password(monkeypatch):
    monkeypatch.setenv("PRYSM_DB_PATH", "postgresql://me:pw123@127.0.0.1:5432/prysm")
    assert str(default_db_path()) == "postgresql://me:***@127.0.0.1:5432/prysm"

    monkeypatch.setenv("PRYSM_DB_PATH", "postgresql://me:pw123@127.0.0.1:port/prysm")
    with pytest.raises(ConfigurationError) as error:
        default_db_path()
    assert "pw123" not in str(error.value)
    assert "postgresql://me:***@127.0.0.1:port/prysm" in str(error.value)


def test_without_psycopg_prysmai_imports_and_a_url_says_what_to_install():
    # psycopg made unimportable, as on an installation without the postgres extra.
    script = (
        "import sys; sys.modules['psycopg'] = None\n"
        "import prysmai, prysmai.store, prysmai.collector.server\n"
        "from prysmai.cli.main import main\n"
        "sys.exit(main(['stats', '--db', 'postgresql://me:pw123@127.0.0.1:1/prysm']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 1
    assert result.stderr == (
        "ConfigurationError: a postgresql:// store needs the psycopg package: "
        "pip install 'prysmai[postgres]'\n"
    )
