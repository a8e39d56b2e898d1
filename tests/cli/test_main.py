from __future__ import annotations

import importlib
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from prysmai.cli import main as cli_main
from prysmai.cli import record_io
from prysmai.cli.main import main


def test_version_prints_the_program_name(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--version"])

    assert (code, capsys.readouterr().out.split()[0]) == (0, "prysmai")


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    code = main([])

    out = capsys.readouterr().out
    assert code == 0
    assert "traces" in out
    assert "stats" in out


def test_unknown_command_is_one_usage_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["frobnicate"])

    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("UsageError: argument COMMAND: invalid choice: 'frobnicate'")
    assert err.count("\n") == 1


def test_absent_command_module_is_skipped_silently(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        cli_main, "COMMAND_MODULES", ("prysmai.cli.traces_cmd", "prysmai.cli.absent_cmd")
    )

    code = main(["--help"])

    captured = capsys.readouterr()
    assert (code, captured.err) == (0, "")
    assert "traces" in captured.out


def test_command_module_with_a_missing_dependency_is_reported(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = importlib.import_module

    def fail(name: str, package: str | None = None) -> types.ModuleType:
        if name == "prysmai.cli.broken_cmd":
            raise ModuleNotFoundError("No module named 'left_pad'", name="left_pad")
        return real_import(name, package)

    monkeypatch.setattr(cli_main, "COMMAND_MODULES", ("prysmai.cli.broken_cmd",))
    monkeypatch.setattr(importlib, "import_module", fail)

    code = main(["--help"])

    assert (code, capsys.readouterr().err) == (
        0,
        "ModuleNotFoundError: No module named 'left_pad'"
        " (command module prysmai.cli.broken_cmd skipped)\n",
    )


def test_failing_command_prints_one_error_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    module = types.ModuleType("prysmai.cli.boom_cmd")

    def add_parser(subparsers: object) -> None:
        parser = subparsers.add_parser("boom")  # type: ignore[attr-defined]
        parser.set_defaults(func=lambda args: (_ for _ in ()).throw(ValueError("bad\nthing")))

    module.add_parser = add_parser  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "prysmai.cli.boom_cmd", module)
    monkeypatch.setattr(cli_main, "COMMAND_MODULES", ("prysmai.cli.boom_cmd",))

    code = main(["boom"])

    assert (code, capsys.readouterr().err) == (1, "ValueError: bad thing\n")


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "prysmai", "traces"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PRYSM_DB_PATH": str(tmp_path / "none.db")},
    )

    assert (result.returncode, result.stderr) == (0, "")
    assert "No model calls recorded yet" in result.stdout


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        pytest.param(KeyboardInterrupt(), 130, id="ctrl-c"),
        pytest.param(BrokenPipeError(), 141, id="closed-pipe"),
        pytest.param(SystemExit("bye"), 1, id="exit-with-message"),
        pytest.param(SystemExit(None), 0, id="plain-exit"),
    ],
)
def test_interruptions_map_to_exit_codes(
    error: BaseException, expected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = types.ModuleType("prysmai.cli.stop_cmd")

    def run(args: object) -> int:
        raise error

    def add_parser(subparsers: object) -> None:
        subparsers.add_parser("stop").set_defaults(func=run)  # type: ignore[attr-defined]

    module.add_parser = add_parser  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "prysmai.cli.stop_cmd", module)
    monkeypatch.setattr(cli_main, "COMMAND_MODULES", ("prysmai.cli.stop_cmd",))

    assert main(["stop"]) == expected


def test_closed_stdout_ends_a_command_quietly_with_141(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("mail jane@example.com\n", encoding="utf-8")

    def closed(self: object, text: str) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(record_io.TextSink, "write", closed)

    code = main(["scan", str(source), "--pii-only"])

    assert (code, capsys.readouterr().err) == (cli_main.EXIT_BROKEN_PIPE, "")


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["redact"], id="redact"),
        pytest.param(["scan", "--pii-only", "--format", "jsonl"], id="scan"),
    ],
)
def test_reader_closing_the_pipe_early_leaves_stderr_empty(
    tmp_path: Path, command: list[str]
) -> None:
    source = tmp_path / "big.txt"
    source.write_text("mail jane@example.com and more text\n" * 20_000, encoding="utf-8")
    errors = tmp_path / "stderr.txt"

    with errors.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "prysmai", *command, str(source)],
            stdout=subprocess.PIPE,
            stderr=err,
            cwd=Path(__file__).resolve().parents[2],
        )
        assert process.stdout is not None
        first = process.stdout.readline()
        process.stdout.close()  # like `| head -1`
        code = process.wait()

    assert (code, errors.read_bytes()) == (cli_main.EXIT_BROKEN_PIPE, b"")
    assert b"[EMAIL_REDACTED]" in first
