#!/usr/bin/env bash
# Set up hipball on a fresh machine and run its main job: render the demo class's handouts
# (embedded, fictional sample roster) into handouts_out/.
set -euo pipefail
. "$(dirname "$0")/_venv.sh"
python -m pip install --quiet -e .
exec hipball handouts --demo "$@"
