#!/usr/bin/env bash
# Set up a virtualenv and run the test-suite; extra arguments go to pytest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${PRYSM_VENV:-$root/.venv}"
"$root/scripts/setup-venv.sh" "$venv" "test"
cd "$root"
status=0
"$venv/bin/python" -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating that as a failure" >&2
  exit 1
fi
exit "$status"
