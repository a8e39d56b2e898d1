"""``prysmai prices``: set, list, remove, and one-line errors for values that cannot be prices."""

from __future__ import annotations

import json

import pytest

from prysmai.cli.main import main


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_set_list_change_and_remove(tmp_path, capsys):
    db = str(tmp_path / "prices.db")

    added = _run(capsys, "prices", "set", "My-FT", "--input", "2.5", "--output", "10", "--db", db)
    full = _run(
        capsys,
        "prices", "set", "self-hosted/llama", "--input", "0.1", "--output", "0.2",
        "--cached-input", "0.05", "--cache-write", "$0.125", "--db", db,
    )  # fmt: skip
    changed = _run(capsys, "prices", "set", "my-ft", "--input", "3", "--output", "12", "--db", db)
    table = _run(capsys, "prices", "list", "--db", db)
    lines = _run(capsys, "prices", "list", "--json", "--db", db)
    removed = _run(capsys, "prices", "remove", "MY-FT", "--db", db)
    missing = _run(capsys, "prices", "remove", "my-ft", "--db", db)
    after = _run(capsys, "prices", "list", "--json", "--db", db)

    assert added == (
        0,
        "Set the price of my-ft (USD per 1M tokens): input 2.5, output 10, cached input 2.5, "
        "cache write 2.5. It applies to calls the collector receives from now on.\n",
        "",
    )
    assert full[0] == 0 and "cached input 0.05, cache write 0.125" in full[1]
    assert changed[0] == 0 and changed[1].startswith("Changed the price of my-ft")
    assert table[0] == 0
    assert "my-ft" in table[1] and "self-hosted/llama" in table[1] and "0.125" in table[1]
    assert table[1].count("3 (input)") == 2  # rates not set are charged at the input price
    records = [json.loads(line) for line in lines[1].splitlines()]
    assert [
        (r["model"], r["input"], r["output"], r["cached_input"], r["cache_write"]) for r in records
    ] == [("my-ft", 3.0, 12.0, None, None), ("self-hosted/llama", 0.1, 0.2, 0.05, 0.125)]
    assert records[0]["updated_ns"] > records[0]["created_ns"]
    assert removed == (0, "Removed the price of my-ft.\n", "")
    assert missing == (
        1,
        "",
        "LookupError: no price is set for model 'my-ft' (see 'prices list')\n",
    )
    assert [json.loads(line)["model"] for line in after[1].splitlines()] == ["self-hosted/llama"]


def test_an_empty_list_says_how_to_add_one(tmp_path, capsys):
    db = str(tmp_path / "prices.db")
    assert _run(capsys, "prices", "list", "--db", db) == (
        0,
        "No model prices yet: set one with 'prysmai prices set'.\n",
        "",
    )
    assert _run(capsys, "prices", "list", "--json", "--db", db) == (0, "", "")


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("m", "--input", "-1", "--output", "1"), "invalid input price '-1'"),
        (("m", "--input", "1", "--output", "inf"), "invalid output price 'inf'"),
        (("m", "--input", "nan", "--output", "1"), "invalid input price 'nan'"),
        (("m", "--input", "1e3", "--output", "1"), "invalid input price '1e3'"),
        (("m", "--input", "1_000", "--output", "1"), "invalid input price '1_000'"),
        (("m", "--input", "10000.01", "--output", "1"), "from 0 to 10,000"),
        (("m", "--input", "1", "--output", "1", "--cached-input", "x"), "cached input price"),
        (("m", "--input", "1", "--output", "1", "--cache-write", "-0.5"), "cache write price"),
        (("", "--input", "1", "--output", "1"), "a model id has 1 to 200 printable characters"),
        (("x" * 201, "--input", "1", "--output", "1"), "a model id has 1 to 200 printable"),
        (("a\x1b[31mb", "--input", "1", "--output", "1"), "a model id has 1 to 200 printable"),
    ],
)
def test_bad_values_are_one_line_errors_and_store_nothing(tmp_path, capsys, args, error):
    db = tmp_path / "prices.db"

    code, out, err = _run(capsys, "prices", "set", *args, "--db", str(db))

    assert code == 1 and out == ""
    assert err.startswith("PriceError: ") and error in err
    assert err.count("\n") == 1 and "\x1b" not in err
    assert not db.exists()  # checked before the store is opened


def test_the_input_and_output_prices_are_required(tmp_path, capsys):
    code, _, err = _run(capsys, "prices", "set", "m", "--input", "1", "--db", str(tmp_path / "d"))

    assert code == 1
    assert err.startswith("UsageError: the following arguments are required: --output")
