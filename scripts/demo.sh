#!/usr/bin/env bash
# Set up a virtualenv and run the demo: monitored chat, streaming, tool-calling and embedding
# calls, then the recorded traces. Uses OPENAI_API_KEY / OPENAI_BASE_URL when set, otherwise a
# local stand-in on 127.0.0.1.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${PRYSM_VENV:-$root/.venv}"
"$root/scripts/setup-venv.sh" "$venv" "test"
exec "$venv/bin/python" "$root/examples/demo.py" "$@"
