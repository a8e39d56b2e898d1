#!/usr/bin/env bash
# Create (or reuse) a virtualenv and install prysmai into it with the given extras.
# Usage: scripts/setup-venv.sh VENV_DIR EXTRAS [EXTRA PIP REQUIREMENTS...]
set -euo pipefail
venv="$1"; extras="$2"; shift 2
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
fi
"$venv/bin/python" -m pip install --quiet -e "$root[$extras]" "$@"
