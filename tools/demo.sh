#!/usr/bin/env bash
# Set up hipball on a fresh machine and run its main job: render the demo class's handouts
# (embedded, fictional sample roster) into handouts_out/.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e .
exec hipball handouts --demo "$@"
