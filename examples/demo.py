"""The prysmai demo: run every example through a monitored client, then show what was recorded.

    python examples/demo.py

With no provider settings, the calls go to a local OpenAI-compatible stand-in on 127.0.0.1
(no network, no key). With `OPENAI_API_KEY` and/or `OPENAI_BASE_URL` set, they go to that
provider (OpenAI, Ollama, vLLM, ...); `PRYSM_DEMO_CHAT_MODEL` and `PRYSM_DEMO_EMBEDDING_MODEL`
pick the models.

The calls are stored in `<prysmai data dir>/demo-traces.db`, emptied at the start of each
run, so demo calls never mix with your application's (`PRYSM_DB_PATH` picks another file).
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import os
import secrets
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

import openai

import prysmai
from prysmai import monitor, prysm_context
from prysmai.cli.main import build_parser
from prysmai.cli.main import main as prysmai_cli
from prysmai.paths import data_dir
from prysmai.testing import FakeOpenAIServer

EXAMPLES: Final = ("chat", "streaming", "tool_calling", "embeddings", "context_and_metadata")
"""The example scripts next to this file, in the order the demo runs them."""

# Settings that would send the demo's spans to a telemetry backend instead of the demo store.
EXPORT_SETTINGS: Final = (
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "PRYSM_API_KEY",
    "PRYSM_BASE_URL",
)

# A stand-in that streams like a hosted model: a pause before the first token, then a steady pace.
FIRST_CHUNK_DELAY_S: Final = 0.3
CHUNK_DELAY_S: Final = 0.04


def main() -> int:
    """Run the demo; return the exit code (1 if an example failed)."""
    with contextlib.ExitStack() as stack:
        provider_client = stack.enter_context(make_client(stack))
        db_path, is_shared_store = use_demo_store()
        client = monitor(provider_client)
        started_ns = time.time_ns()
        failures = run_examples(client)

    if not prysmai.flush():
        print("warning: some calls were not written to the store in time", file=sys.stderr)
    # A store the user chose may hold older calls: show only this run's.
    since_ns = started_ns if is_shared_store else None
    show_recorded_calls(db_path, since_ns)
    print_what_next(db_path)
    return 1 if failures else 0


def make_client(stack: contextlib.ExitStack) -> openai.OpenAI:
    """Return a client for the provider in the environment, or for a local stand-in."""
    base_url = os.environ.get("OPENAI_BASE_URL")
    if base_url:
        print(f"Provider: the OpenAI-compatible server at {base_url} (from OPENAI_BASE_URL).")
        # Local servers (Ollama, vLLM) take any key, but the SDK insists on one.
        api_key = os.environ.get("OPENAI_API_KEY") or "unused"
        return openai.OpenAI(base_url=base_url, api_key=api_key)
    if os.environ.get("OPENAI_API_KEY"):
        print("Provider: OpenAI (OPENAI_API_KEY is set). These calls are billed to that key.")
        return openai.OpenAI()

    server = stack.enter_context(
        FakeOpenAIServer(CHUNK_DELAY_S, first_chunk_delay_s=FIRST_CHUNK_DELAY_S)
    )
    print(
        "No provider key found (OPENAI_API_KEY / OPENAI_BASE_URL are unset), so a local\n"
        f"OpenAI-compatible stand-in on 127.0.0.1:{server.port} answers instead: canned answers\n"
        "and random embedding vectors (their similarities mean nothing), no network used.\n"
        "The demo's store is emptied on each run. To use a real provider instead:\n"
        "    OPENAI_API_KEY=sk-... python examples/demo.py\n"
        "    OPENAI_BASE_URL=http://127.0.0.1:11434/v1 PRYSM_DEMO_CHAT_MODEL=llama3.2 \\\n"
        "        PRYSM_DEMO_EMBEDDING_MODEL=nomic-embed-text python examples/demo.py   # Ollama"
    )
    return openai.OpenAI(base_url=server.base_url, api_key="demo-key", max_retries=0)


def use_demo_store() -> tuple[Path, bool]:
    """Point prysmai at the demo's own store (emptied first) unless PRYSM_DB_PATH is set.

    Must run before `monitor()`, which picks the destination of the client's calls.

    Returns:
        The store's path, and whether it is the user's (so may hold other calls).
    """
    for name in EXPORT_SETTINGS:
        if os.environ.pop(name, None):
            print(f"Note: {name} is ignored by the demo; its calls stay in the local store.")

    chosen = os.environ.get("PRYSM_DB_PATH")
    if chosen:
        return Path(chosen).expanduser(), True
    path = data_dir() / "demo-traces.db"
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    os.environ["PRYSM_DB_PATH"] = str(path)
    return path, False


def run_examples(client: openai.OpenAI) -> list[str]:
    """Run each example's `run(client)` for one demo user and session; return those that failed."""
    failures: list[str] = []
    session_id = "demo-" + secrets.token_hex(4)
    print(f"\nRunning {len(EXAMPLES)} examples as user demo-user, session {session_id}:\n")
    with prysm_context(user_id="demo-user", session_id=session_id):
        for name in EXAMPLES:
            try:
                load_example(name)(client)
            except openai.OpenAIError as exc:
                # A provider without this model or endpoint: the failed call is recorded too.
                sys.stdout.flush()
                print(f"{name}: failed with {type(exc).__name__}: {exc}", file=sys.stderr)
                failures.append(name)
    if failures:
        print(
            "Some examples failed; if your provider lacks a model, pick one it serves with\n"
            "PRYSM_DEMO_CHAT_MODEL and PRYSM_DEMO_EMBEDDING_MODEL.",
            file=sys.stderr,
        )
    return failures


def load_example(name: str) -> Callable[[openai.OpenAI], None]:
    """Import `examples/<name>.py` by path and return its `run` function."""
    path = Path(__file__).resolve().with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"prysmai_example_{name}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the example {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    run: Callable[[openai.OpenAI], None] = module.run
    return run


def show_recorded_calls(db_path: Path, since_ns: int | None) -> None:
    """Print the recorded calls and their summary with the `prysmai` command, in-process.

    Args:
        db_path: The store the calls went to.
        since_ns: Show only calls from this wall-clock time on (None: the whole store).
    """
    traces = ["traces", "--db", str(db_path), "-n", "20"]
    stats = ["stats", "--db", str(db_path), "--window", "all"]
    if since_ns is not None:
        # The command measures its window from its own start: load it first, so that start is
        # only moments away, then reach back a quarter second before this run's first call.
        build_parser()
        window_s = math.ceil((time.time_ns() - since_ns) / 1e7 + 25) / 100
        traces += ["--since", f"{window_s}s"]
        stats[-1] = f"{window_s}s"
    for argv in (traces, stats):
        print("\n$ prysmai " + " ".join(argv))
        prysmai_cli(argv)


def _cli_name() -> str:
    """How to call the command line from a shell: its path when not on PATH (a fresh .venv)."""
    beside = Path(sys.executable).parent / "prysmai"
    if shutil.which("prysmai") is not None or not beside.exists():
        return "prysmai"
    relative = os.path.relpath(beside)
    return str(beside) if relative.startswith("..") else relative


def print_what_next(db_path: Path) -> None:
    """Tell the user where the calls are and how to go on."""
    cli = _cli_name()
    print(
        "\nWhat next\n"
        f"  These calls are stored in {db_path}\n"
        f"  Watch calls as they happen:  {cli} traces --db {db_path} --follow\n"
        f"  See them in a dashboard:     {cli} serve --db {db_path}\n"
        f"  In your own app:             client = prysmai.monitor(OpenAI())  then  {cli} traces\n"
        "  Send spans to an OpenTelemetry backend instead of the local store:\n"
        "      OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 python your_app.py\n"
        "  The examples this demo ran are in examples/ (each runs alone too)."
    )


if __name__ == "__main__":
    sys.exit(main())
