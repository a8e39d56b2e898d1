from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

import pytest

from prysmai.cli.scan_cmd import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, add_parser

CHAT = {
    "model": "gpt-4o-mini",
    "messages": [
        {"role": "user", "content": "my mail is jane@example.com"},
        {"role": "assistant", "content": [{"type": "text", "text": "noted, SSN 123-45-6789?"}]},
    ],
}


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="prysmai")
    add_parser(parser.add_subparsers())
    args = parser.parse_args(["scan", *argv])
    code: int = args.func(args)
    return code


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def records(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines()]


def test_plain_text_findings_as_jsonl_with_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "notes.txt", "hello\nmail jane@example.com\n")

    code = run([path, "--format", "jsonl", "--pii-only"])

    assert code == EXIT_FINDINGS
    assert records(capsys.readouterr().out) == [
        {
            "line": 2,
            "column": 6,
            "kind": "pii",
            "category": "EMAIL",
            "rule": "email",
            "severity": 3,
            "start": 11,
            "end": 27,
            "snippet": "[EMAIL_REDACTED]",
        }
    ]


def test_clean_input_exits_0_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "notes.txt", "nothing to see\nhere\n")

    code = run([path, "--pii-only"])

    assert (code, capsys.readouterr().out) == (EXIT_CLEAN, "No findings in 2 line(s).\n")


def test_table_names_the_findings_but_never_the_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "notes.txt", "mail jane@example.com, card 4111 1111 1111 1111\n")

    code = run([path, "--pii-only"])

    out = capsys.readouterr().out
    assert code == EXIT_FINDINGS
    assert "2 finding(s) in 1 line(s)" in out
    assert "[EMAIL_REDACTED]" in out and "[CREDIT_CARD_REDACTED]" in out
    assert "jane@example.com" not in out and "4111" not in out


def test_chat_jsonl_reports_the_field_path_of_each_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "chat.jsonl", json.dumps(CHAT) + "\n")

    run([path, "--format", "jsonl", "--pii-only"])

    found = [(r["line"], r["field"], r["category"]) for r in records(capsys.readouterr().out)]
    assert found == [
        (1, "messages.0.content", "EMAIL"),
        (1, "messages.1.content.0.text", "SSN"),
    ]


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        pytest.param("messages.0.content", ["messages.0.content"], id="index"),
        pytest.param("messages.*.content", ["messages.0.content", "messages.1.content.0.text"],
                     id="wildcard-with-content-parts"),
        pytest.param("model", [], id="field-without-pii"),
    ],
)  # fmt: skip
def test_field_selector_limits_what_is_scanned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], selector: str, expected: list[str]
) -> None:
    path = write(tmp_path, "chat.jsonl", json.dumps(CHAT) + "\n")

    code = run([path, "--field", selector, "--format", "jsonl", "--pii-only"])

    fields = [r["field"] for r in records(capsys.readouterr().out)]
    assert (code, fields) == (EXIT_FINDINGS if expected else EXIT_CLEAN, expected)


def test_simple_text_field_of_jsonl_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = b'{"text": "call (555) 010-7788", "note": "jane@example.com"}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))

    code = run(["-", "--field", "text", "--format", "jsonl", "--pii-only"])

    found = [(r["field"], r["category"]) for r in records(capsys.readouterr().out)]
    assert (code, found) == (EXIT_FINDINGS, [("text", "PHONE")])


def test_types_option_filters_categories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "notes.txt", "mail jane@example.com, call (555) 010-7788\n")

    run([path, "--types", "phone", "--format", "jsonl", "--pii-only"])

    assert [r["category"] for r in records(capsys.readouterr().out)] == ["PHONE"]


def test_unknown_type_is_one_error_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "notes.txt", "x\n")

    code = run([path, "--types", "EMAIL,SHOE_SIZE"])

    err = capsys.readouterr().err
    assert (code, err.count("\n")) == (EXIT_ERROR, 1)
    assert err.startswith("ValueError: unknown PII type(s) SHOE_SIZE; use: API_KEY, ")


def test_missing_file_is_one_error_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run([str(tmp_path / "absent.txt")])

    err = capsys.readouterr().err
    assert (code, err.startswith("FileNotFoundError: "), err.count("\n")) == (EXIT_ERROR, True, 1)


def test_full_scan_includes_pii_findings_with_the_text_score(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "notes.txt", "mail jane@example.com\n")

    code = run([path, "--format", "jsonl"])

    pii = [r for r in records(capsys.readouterr().out) if r["kind"] == "pii"]
    assert code == EXIT_FINDINGS
    assert [(r["category"], isinstance(r["score"], int)) for r in pii] == [("EMAIL", True)]


def test_malformed_jsonl_line_is_scanned_as_text_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "log.jsonl", '{"a": 1}\nnot json jane@example.com\n')

    code = run([path, "--format", "jsonl", "--pii-only"])

    captured = capsys.readouterr()
    assert (code, [r["line"] for r in records(captured.out)]) == (EXIT_FINDINGS, [2])
    assert "1 line(s) were not valid JSON" in captured.err
