"""Store locations: a path or a PostgreSQL URL, shown without its password; psycopg optional."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from prysmai.errors import ConfigurationError
from prysmai.limits.stores import open_store
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


# Passwords with the characters that libpq and urllib cut differently: the URL, what it must
# show, the pieces of the password that must never appear, and whether it is refused (libpq
# would read the password as part of the host or database: "Wr0ng@At" makes host "At@...").
TRICKY_URLS = [
    pytest.param(
        "postgresql://prysm:Wr0ng/Slash@127.0.0.1:{port}/prysm",
        "postgresql://prysm:***@127.0.0.1:{port}/prysm",
        ("Wr0ng", "Slash"),
        True,
        id="slash",
    ),
    pytest.param(
        "postgresql://prysm:Wr0ng?Qu3ry@127.0.0.1:{port}/prysm",
        "postgresql://prysm:***@127.0.0.1:{port}/prysm",
        ("Wr0ng", "Qu3ry"),
        False,
        id="question-mark",
    ),
    pytest.param(
        "postgresql://prysm:Wr0ng#H4sh@127.0.0.1:{port}/prysm",
        "postgresql://prysm:***@127.0.0.1:{port}/prysm",
        ("Wr0ng", "H4sh"),
        False,
        id="hash",
    ),
    pytest.param(
        "postgresql://prysm:Wr0ng@At@127.0.0.1:{port}/prysm",
        "postgresql://prysm:***@127.0.0.1:{port}/prysm",
        ("Wr0ng", "At@", "@At"),
        True,
        id="at",
    ),
    pytest.param(
        "postgresql://weird:p@ss:w/rd%41?#x@127.0.0.1:{port}/db",
        "postgresql://weird:***@127.0.0.1:{port}/db",
        ("p@ss", "ss:w", "rd%41", "rdA", "?#x"),
        True,
        id="weird",
    ),
    pytest.param(
        "postgresql://prysm@127.0.0.1:{port}/prysm?password=Qp4ss-w0rd&sslpassword=Ssl-s3cret",
        "postgresql://prysm@127.0.0.1:{port}/prysm?password=***&sslpassword=***",
        ("Qp4ss-w0rd", "Ssl-s3cret"),
        False,
        id="query-parameters",
    ),
    pytest.param(
        "postgresql://prysm@127.0.0.1:{port}/prysm?pass%77ord=Qp4ss%2Dw0rd",
        "postgresql://prysm@127.0.0.1:{port}/prysm?pass%77ord=***",
        ("Qp4ss%2Dw0rd", "Qp4ss-w0rd"),
        False,
        id="encoded-parameter-name",
    ),
]


@pytest.mark.parametrize(("url", "shown", "pieces", "refused"), TRICKY_URLS)
def test_no_piece_of_a_password_is_shown_however_it_is_written(url, shown, pieces, refused):
    url, shown = url.format(port=55432), shown.format(port=55432)

    if refused:
        with pytest.raises(ConfigurationError) as error:
            parse_location(url)
        texts = [str(error.value)]
        assert str(error.value) == (
            f"invalid PostgreSQL URL {shown}: an '@' or '/' in the user name or password (or an"
            " '@' after the host) must be written as %40 or %2F"
        )
    else:
        location = parse_location(url)
        assert isinstance(location, PostgresUrl)
        texts = [str(location), repr(location), location.redacted, location.describe()]
        assert texts[:3] == [shown, f"PostgresUrl({shown!r})", shown]
        assert texts[3] == "host 127.0.0.1, port 55432, database prysm, user prysm"
        # libpq's messages quote what it read: every piece is masked in them too.
        texts.append(location.redact(f"libpq: {' '.join(pieces)}"))
        assert texts[-1] == "libpq: " + " ".join("***" for _ in pieces)
    for text in texts:
        for piece in pieces:
            assert piece not in text, (piece, text)


def test_an_upper_case_scheme_reaches_libpq_in_lower_case():
    location = parse_location("POSTGRESQL://u:pw@db.internal/prysm")

    assert isinstance(location, PostgresUrl)
    assert location.libpq_url == "postgresql://u:pw@db.internal/prysm"
    assert location.url == "POSTGRESQL://u:pw@db.internal/prysm"
    assert str(location) == "postgresql://u:***@db.internal/prysm"


@pytest.mark.parametrize(
    ("url", "described"),
    [
        (
            "postgresql://u:pw@h:5433/prysm?dbname=other",
            "host h, port 5433, database other, user u",
        ),
        (
            "postgresql://u@h/prysm?host=one,two&port=6000&user=v&dbname=x%2Fy",
            "host one, port 6000 or two, port 6000, database x/y, user v",
        ),
        (
            "postgresql://u@/prysm?host=/run/postgresql",
            "host /run/postgresql, port 5432, database prysm, user u",
        ),
    ],
)
def test_query_parameters_win_over_the_url_parts_as_in_libpq(url, described):
    location = parse_location(url)

    assert isinstance(location, PostgresUrl)
    assert location.describe() == described


def test_a_statement_timeout_travels_with_the_url_and_changes_nothing_shown():
    location = parse_location("postgresql://u:pw@h/prysm")
    assert isinstance(location, PostgresUrl)

    limited = location.with_statement_timeout(2.5)

    assert (location.statement_timeout_s, limited.statement_timeout_s) == (None, 2.5)
    assert (limited.url, str(limited)) == (location.url, str(location))


@pytest.mark.parametrize(
    "conninfo",
    [
        "host=127.0.0.1 port=5432 user=app password=KVs3cret dbname=prysm",
        "dbname=prysm user=app",
        "  password = KVs3cret host=db",
    ],
)
def test_a_libpq_keyword_string_is_refused_without_being_repeated(conninfo: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_location(conninfo)
    with pytest.raises(ConfigurationError) as caught_by_limits:
        open_store(conninfo)

    for error in (caught.value, caught_by_limits.value):
        assert "postgresql://USER:PASSWORD@HOST:PORT/DBNAME" in str(error)
        assert "KVs3cret" not in str(error) and "dbname=prysm" not in str(error)


def test_paths_that_merely_hold_an_equals_sign_stay_paths(tmp_path: Path) -> None:
    path = tmp_path / "data" / "user=bob.db"

    assert parse_location(str(path)) == path
