#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run the WHOLE suite: every tier
# (fast, slow, notebook, browser, atlas) and every notebook top to bottom under nbval.
# Used verbatim by CI (.ci/run). Safe to rerun: it reuses .venv. Extra arguments go to pytest
# (`bash tools/test.sh -m browser` runs only the browser tests; `--co -q` lists everything).
# Plain `pytest` (no options) is the fast tier: see the README's "Tests".
set -euo pipefail
. "$(dirname "$0")/_venv.sh"
# The 'atlas' extra (mujoco, myo-sim: about 100 MB) only serves the atlas rebuild check. A
# developer's run skips that check unless the extra is present; in CI (CI=true) it is installed
# and HIPBALL_REQUIRE_ATLAS turns a missing extra into a failure instead of a skip.
if [ "${CI:-}" = "true" ]; then
  python -m pip install --quiet -e '.[test,atlas]'
  export HIPBALL_REQUIRE_ATLAS=1
else
  python -m pip install --quiet -e '.[test]'
fi
# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# Keep tools from writing into the home folder.
export MPLCONFIGDIR="${MPLCONFIGDIR:-$PWD/.test-artifacts/mpl}"
export IPYTHONDIR="${IPYTHONDIR:-$PWD/.test-artifacts/ipython}"
# -m "" undoes the fast tier's deselection (pyproject.toml addopts; --mpl comes from there too).
# tests/ and every notebook under nbval (outputs are stripped in git, so nbval checks that they
# run; the stand-in notebooks under tests/fixtures_nb are driven by the browser tests, not nbval).
# -n 0: one test at a time (the fast tier's -n auto would run browser timings side by side).
exec python -m pytest -m "" -n 0 -p no:cacheprovider tests notebooks --ignore=tests/fixtures_nb \
  --nbval-lax --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg "$@"
