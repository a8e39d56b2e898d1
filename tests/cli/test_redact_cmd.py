from __future__ import annotations

import argparse
import hashlib
import hmac
import io
import json
import sys
from pathlib import Path

import pytest

from prysmai.cli.main import main
from prysmai.cli.redact_cmd import add_parser

PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "RkFLRSBLRVkgRk9SIFRFU1RTIE9OTFksIE5PVCBBIFJFQUwgS0VZ\n"
    "RkFLRSBLRVkgRk9SIFRFU1RT==\n"
    "-----END RSA PRIVATE KEY-----\n"
)


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="prysmai")
    add_parser(parser.add_subparsers())
    args = parser.parse_args(["redact", *argv])
    code: int = args.func(args)
    return code


def redact_file(tmp_path: Path, content: str | bytes, name: str = "log.jsonl") -> tuple[int, str]:
    """Redact a file holding ``content`` into another; return the exit code and the output."""
    source = tmp_path / name
    if isinstance(content, bytes):
        source.write_bytes(content)
    else:
        source.write_text(content, encoding="utf-8")
    target = tmp_path / f"redacted-{name}"
    code = run([str(source), "-o", str(target)])
    return code, target.read_text(encoding="utf-8")


def feed_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_plain_text_file_is_redacted_into_the_output_file(tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("mail jane@example.com\nPhone:\n030 1234567\nbye\n", encoding="utf-8")
    target = tmp_path / "out.txt"

    code = run([str(source), "-o", str(target)])

    assert code == 0
    assert (
        target.read_text(encoding="utf-8")
        == "mail [EMAIL_REDACTED]\nPhone:\n[PHONE_REDACTED]\nbye\n"
    )


def test_private_key_spanning_lines_is_redacted_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "deploy.txt"
    source.write_text("key below:\n" + PEM + "done\n", encoding="utf-8")

    code = run([str(source)])

    assert (code, capsys.readouterr().out) == (0, "key below:\n[PRIVATE_KEY_REDACTED]\ndone\n")


def test_jsonl_keeps_structure_and_redacts_keys_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = {
        "id": 7,
        "ok": True,
        "messages": [
            {"role": "user", "content": "I am jane@example.com"},
            {"role": "assistant", "content": [{"type": "text", "text": "SSN 123-45-6789?"}]},
        ],
        "jane@example.com": None,
    }
    source = tmp_path / "log.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")

    code = run([str(source)])

    expected = {
        "id": 7,
        "ok": True,
        "messages": [
            {"role": "user", "content": "I am [EMAIL_REDACTED]"},
            {"role": "assistant", "content": [{"type": "text", "text": "SSN [SSN_REDACTED]?"}]},
        ],
        "[EMAIL_REDACTED]": None,
    }
    assert (code, json.loads(capsys.readouterr().out)) == (0, expected)


def test_jsonl_records_without_findings_are_written_back_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = '{"a":1,  "b":"nothing here"}\n{"c": "call (555) 010-7788"}\n'
    source = tmp_path / "log.jsonl"
    source.write_text(lines, encoding="utf-8")

    run([str(source)])

    assert capsys.readouterr().out == (
        '{"a":1,  "b":"nothing here"}\n{"c": "call [PHONE_REDACTED]"}\n'
    )


def test_malformed_json_line_is_redacted_as_text_and_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "log.jsonl"
    source.write_text('{"a": "x"}\n{broken jane@example.com\n', encoding="utf-8")

    code = run([str(source)])

    captured = capsys.readouterr()
    assert (code, captured.out) == (0, '{"a": "x"}\n{broken [EMAIL_REDACTED]\n')
    assert captured.err == (
        "Warning: 1 line(s) were not valid JSON and were handled as plain text\n"
    )


def test_stdin_to_stdout_with_hash_mode(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PRYSM_HASH_KEY", "fake-cli-key")
    feed_stdin(monkeypatch, b"mail jane@example.com\n")

    code = run(["-", "--mode", "hash"])

    digest = hmac.new(b"fake-cli-key", b"jane@example.com", hashlib.sha256).hexdigest()[:8]
    assert (code, capsys.readouterr().out) == (0, f"mail [EMAIL:{digest}]\n")


def test_invalid_utf8_bytes_pass_through_and_are_reported(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    feed_stdin(monkeypatch, b"caf\xe9 jane@example.com\nok\n")

    code = run(["-"])

    captured = capsysbinary.readouterr()
    assert (code, captured.out) == (0, b"caf\xe9 [EMAIL_REDACTED]\nok\n")
    assert b"1 line(s) were not valid UTF-8" in captured.err


def test_binary_input_is_processed_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    feed_stdin(monkeypatch, b"\x00\x01 jane@example.com\n")

    code = run(["-"])

    captured = capsysbinary.readouterr()
    assert (code, captured.out) == (0, b"\x00\x01 [EMAIL_REDACTED]\n")
    assert b"Warning: the input looks binary" in captured.err


def test_progress_flag_keeps_stdout_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "log.txt"
    source.write_text("jane@example.com\n" * 10, encoding="utf-8")

    code = run([str(source), "--progress"])

    captured = capsys.readouterr()
    assert (code, captured.out) == (0, "[EMAIL_REDACTED]\n" * 10)
    # The bar ends where the input ends (170 bytes), not at its last 1 MiB step.
    assert "170/170 bytes" in captured.err


def test_missing_file_is_one_error_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run([str(tmp_path / "absent.jsonl")])

    err = capsys.readouterr().err
    assert (code, err.startswith("FileNotFoundError: "), err.count("\n")) == (1, True, 1)


def test_forced_text_format_leaves_json_syntax_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "log.jsonl"
    source.write_text('{"a": "jane@example.com"}\n', encoding="utf-8")

    run([str(source), "--input-format", "text"])

    assert capsys.readouterr().out == '{"a": "[EMAIL_REDACTED]"}\n'


def test_json_records_in_a_plain_text_log_stay_valid_json(tmp_path: Path) -> None:
    # The first line is plain text, so the file is read as text; its JSON lines still keep
    # their structure (a card number becomes a quoted placeholder, not a bare word).
    log = (
        "started; mail jane@example.com\n"
        '{"card": 4111111111111111, "note": "ring 555-867-5309"}\n'
        f"{PEM}"
        "done\n"
    )

    code, out = redact_file(tmp_path, log, name="app.log")

    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "started; mail [EMAIL_REDACTED]"
    assert json.loads(lines[1]) == {
        "card": "[CREDIT_CARD_REDACTED]",
        "note": "ring [PHONE_REDACTED]",
    }
    assert "BEGIN RSA" not in out and "[PRIVATE_KEY_REDACTED]" in out
    assert lines[-1] == "done"


@pytest.mark.parametrize("form", ["same", "dot-slash", "symlink", "hard-link"])
def test_output_that_is_the_input_is_refused_and_the_input_kept(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    form: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    source = Path("notes.txt")
    source.write_text("mail jane@example.com\n", encoding="utf-8")
    target = {"same": "notes.txt", "dot-slash": "./notes.txt"}.get(form, "other.txt")
    if form == "symlink":
        Path(target).symlink_to(source)
    elif form == "hard-link":
        Path(target).hardlink_to(source)

    code = main(["redact", "notes.txt", "-o", target])

    assert (code, capsys.readouterr().err) == (
        1,
        f"UsageError: output is the input file ({target})\n",
    )
    assert source.read_text(encoding="utf-8") == "mail jane@example.com\n"


def test_lone_surrogate_from_a_json_escape_is_written_back_as_the_escape(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    source = tmp_path / "chat.jsonl"
    source.write_text('{"messages":[{"content":"\\ud800 a@b.co"}]}\n', encoding="utf-8")

    code = run([str(source)])

    assert (code, capsysbinary.readouterr().out) == (
        0,
        b'{"messages": [{"content": "\\ud800 [EMAIL_REDACTED]"}]}\n',
    )


def test_invalid_bytes_and_escaped_surrogates_on_one_line_each_keep_their_form(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    source = tmp_path / "log.jsonl"
    source.write_bytes(b'{"a": "\xff \\ud800 a@b.co"}\n{"b": "\xfe \\udcff"}\n')

    code = run([str(source)])

    assert (code, capsysbinary.readouterr().out) == (
        0,
        b'{"a": "\xff \\ud800 [EMAIL_REDACTED]"}\n{"b": "\xfe \\udcff"}\n',
    )


def test_jsonl_nested_too_deeply_is_redacted_as_text_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    depth = 3000
    source = tmp_path / "deep.jsonl"
    source.write_text('{"a":' * depth + '"mail a@b.co"' + "}" * depth + "\n", encoding="utf-8")

    code = run([str(source)])

    captured = capsys.readouterr()
    expected = '{"a":' * depth + '"mail [EMAIL_REDACTED]"' + "}" * depth + "\n"
    assert (code, captured.out == expected) == (0, True)
    assert captured.err == (
        "Warning: 1 line(s) were JSON nested too deeply to parse and were handled as plain text\n"
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(
            '{"card": 4111111111111111, "n": 12345678}',
            {"card": "[CREDIT_CARD_REDACTED]", "n": 12345678},
            id="card-as-number",
        ),
        pytest.param(
            '{"card": 4111111111111111.0, "phone": 4.155552671e9, "price": 12345678.5}',
            {"card": "[CREDIT_CARD_REDACTED]", "phone": "[PHONE_REDACTED]", "price": 12345678.5},
            id="whole-numbers-written-as-floats",
        ),
        pytest.param(
            '{"card": 4.111111111111111E+15, "big": 1e999999}',
            {"card": "[CREDIT_CARD_REDACTED]", "big": float("inf")},
            id="exponent-form",
        ),
        pytest.param(
            '{"phone": "4155550134", "ssn": "123456789", "dob": "1990-05-12", '
            '"mobileNumber": 13812345678, "order": 4155550134, "note": "4155550134"}',
            {
                "phone": "[PHONE_REDACTED]",
                "ssn": "[SSN_REDACTED]",
                "dob": "[DATE_OF_BIRTH_REDACTED]",
                "mobileNumber": "[PHONE_REDACTED]",
                "order": 4155550134,
                "note": "4155550134",
            },
            id="key-names-as-cues",
        ),
        pytest.param(
            '{"phone_model": 12345678, "cellCount": 12345678, "phone_verified_at": 1700000000, '
            '"birthRate": 1234567, "fax_enabled": 12345678, "phone_id": 12345678}',
            {
                "phone_model": 12345678,
                "cellCount": 12345678,
                "phone_verified_at": 1700000000,
                "birthRate": 1234567,
                "fax_enabled": 12345678,
                "phone_id": 12345678,
            },
            id="keys-that-only-start-with-a-cue",
        ),
        pytest.param(
            '{"phones": [4155550134], "phone": {"home": 4155550134}, "tel": -4155550134, '
            '"birth_date": "1990-05-12"}',
            {
                "phones": ["[PHONE_REDACTED]"],
                "phone": {"home": "[PHONE_REDACTED]"},
                "tel": "[PHONE_REDACTED]",
                "birth_date": "[DATE_OF_BIRTH_REDACTED]",
            },
            id="cues-carry-into-lists-and-objects",
        ),
        pytest.param(
            '{"users": {"bob@example.com": {"plan": "pro"}}}',
            {"users": {"[EMAIL_REDACTED]": {"plan": "pro"}}},
            id="nested-key",
        ),
    ],
)
def test_jsonl_redacts_numbers_and_keys(tmp_path: Path, line: str, expected: object) -> None:
    code, output = redact_file(tmp_path, line + "\n")

    assert (code, json.loads(output)) == (0, expected)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(
            '{"a": "jane@example.com", "a": "x"}',
            '{"a": "[EMAIL_REDACTED]", "a": "x"}',
            id="duplicate-key-keeps-both",
        ),
        pytest.param(
            '{"a":1,"a":2,"e":"j\\u006fhn@example.com"}',
            '{"a": 1, "a": 2, "e": "[EMAIL_REDACTED]"}',
            id="duplicate-key-and-escaped-address",
        ),
        pytest.param(
            '{"john@a.com": {"age": 30}, "mary@b.com": {"age": 40}}',
            '{"[EMAIL_REDACTED]": {"age": 30}, "[EMAIL_REDACTED]": {"age": 40}}',
            id="keys-that-become-one-placeholder",
        ),
        pytest.param(
            '{"x": 0.30000000000000000001, "y": 1E2, "z": -0, "m": "jane@example.com"}',
            '{"x": 0.30000000000000000001, "y": 1E2, "z": -0, "m": "[EMAIL_REDACTED]"}',
            id="numbers-as-written",
        ),
    ],
)
def test_changed_jsonl_record_loses_nothing_else(tmp_path: Path, line: str, expected: str) -> None:
    actual = redact_file(tmp_path, line + "\n")

    assert actual == (0, expected + "\n")


def test_jsonl_line_with_a_number_beyond_float_range_keeps_it(tmp_path: Path) -> None:
    actual = redact_file(tmp_path, '{"a": 1e999999, "b": "jane@example.com"}\n')

    assert actual == (0, '{"a": 1e999999, "b": "[EMAIL_REDACTED]"}\n')


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-be", "utf-32", "utf-16-le-unmarked", "utf-16-be-unmarked"]
)
@pytest.mark.parametrize("greeting", ["Hello", "Hello \U0001f600 \u0100\u0300 caf\u00e9"])
def test_utf16_input_is_decoded_not_passed_through(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str, greeting: str
) -> None:
    body = f"{greeting}\nmail jane@example.com\nsee you\n"
    mark = b"\xfe\xff" if encoding == "utf-16-be" else b""

    code, output = redact_file(
        tmp_path, mark + body.encode(encoding.removesuffix("-unmarked")), "notes.txt"
    )

    assert output == f"{greeting}\nmail [EMAIL_REDACTED]\nsee you\n"
    assert code == 0
    assert encoding[:6].upper() in capsys.readouterr().err


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\x00\x01\x02\x03" * 8 + b"\nsee you\n", id="binary"),
        pytest.param("日本語のメモ\n".encode("utf-16-le"), id="utf-16-of-other-scripts"),
        pytest.param(
            b"".join((i % 256).to_bytes(2, "little") for i in range(512)), id="16-bit-counter"
        ),
        pytest.param(
            b"".join((i * 7 % 128).to_bytes(2, "little") for i in range(3000)), id="index-buffer"
        ),
    ],
)
def test_input_unlike_latin_utf16_is_not_decoded_as_utf16(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    source, target = tmp_path / "notes.txt", tmp_path / "out.txt"
    source.write_bytes(content)

    code = run([str(source), "-o", str(target)])

    assert (code, target.read_bytes()) == (0, content)  # passed through as it was
    assert "was decoded" not in capsys.readouterr().err


def test_utf8_byte_order_mark_does_not_hide_jsonl(tmp_path: Path) -> None:
    actual = redact_file(tmp_path, b'\xef\xbb\xbf{"a": "jane@example.com", "n": 1}\n')

    assert actual == (0, '{"a": "[EMAIL_REDACTED]", "n": 1}\n')


@pytest.mark.parametrize("depth", [400, 900])
def test_deep_record_the_parser_takes_is_redacted_as_json(tmp_path: Path, depth: int) -> None:
    values = '4111111111111111, "bob\\u0040example.com"'

    code, output = redact_file(tmp_path, "[" * depth + values + "]" * depth + "\n")

    inner: object = json.loads(output)
    for _ in range(depth - 1):
        assert isinstance(inner, list)
        inner = inner[0]
    assert (code, inner) == (0, ["[CREDIT_CARD_REDACTED]", "[EMAIL_REDACTED]"])


def test_a_rewritten_record_keeps_line_separators_escaped_on_one_line(tmp_path: Path) -> None:
    code, output = redact_file(tmp_path, '{"s": "a\\u2028b bob@example.com\\u0085 \\u2029"}\n')

    assert code == 0
    assert output.splitlines() == ['{"s": "a\\u2028b [EMAIL_REDACTED]\\u0085 \\u2029"}']
