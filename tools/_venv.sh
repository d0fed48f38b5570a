# Sourced by tools/demo.sh and tools/test.sh: enter the clone, create .venv on first use with
# the machine's Python 3.11+ ($PYTHON to choose another), activate it and update pip.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
