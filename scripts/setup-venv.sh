#!/usr/bin/env bash
# Create (or reuse) a virtualenv and install prysmai into it with the given extras.
# Usage: scripts/setup-venv.sh VENV_DIR EXTRAS [EXTRA PIP REQUIREMENTS...]
# The install is editable, so code changes need no reinstall: it is skipped while the venv
# already holds what pyproject.toml, the extras and the extra requirements ask for.
set -euo pipefail
venv="$1"; extras="$2"; shift 2
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
fi
stamp="$venv/.prysmai-install"
wanted="$( { cat "$root/pyproject.toml"; echo "$root [$extras] $*"; } | sha256sum | cut -c1-64)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  "$venv/bin/python" -m pip install --quiet -e "$root[$extras]" "$@"
  echo "$wanted" > "$stamp"
fi
