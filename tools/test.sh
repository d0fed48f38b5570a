#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run the whole suite.
# Used verbatim by CI (.ci/run). Safe to rerun: it reuses .venv.
set -euo pipefail
. "$(dirname "$0")/_venv.sh"
python -m pip install --quiet -e '.[test,atlas]'
# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# Keep tools from writing into the home folder.
export MPLCONFIGDIR="${MPLCONFIGDIR:-$PWD/.test-artifacts/mpl}"
export IPYTHONDIR="${IPYTHONDIR:-$PWD/.test-artifacts/ipython}"
# tests/ (unit, figure baselines with --mpl, browser) and every notebook top to bottom under nbval
# (outputs are stripped in git, so nbval checks that they run; the stand-in notebooks under
# tests/fixtures_nb are driven by the browser tests, not by nbval).
exec python -m pytest --mpl -p no:cacheprovider tests notebooks --ignore=tests/fixtures_nb \
  --nbval-lax --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg "$@"
