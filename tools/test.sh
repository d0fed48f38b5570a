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
# -m "" (or a -m of our own) undoes the fast tier's deselection (pyproject.toml addopts; --mpl
# comes from there too). tests/ and every notebook under nbval (outputs are stripped in git, so
# nbval checks that they run; the stand-in notebooks under tests/fixtures_nb are driven by the
# browser tests, not nbval).
COMMON=(-p no:cacheprovider tests notebooks --ignore=tests/fixtures_nb
        --nbval-lax --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg)
if [ "$#" -gt 0 ]; then  # a developer's selection: everything it picks, one test at a time
  exec python -m pytest -m "" -n 0 "${COMMON[@]}" "$@"
fi
# The whole suite in two runs, so that CI stays well under its 25 minutes on 2 cores:
#  1. everything but the browser tests on every core (pytest-xdist); --dist loadfile keeps each
#     file, and so each notebook's cells (one kernel, in order), in one worker;
#  2. the browser tests one at a time: they time and compare what a student sees, and several
#     Chromiums side by side would measure each other.
# Both always run; the suite fails if either does (including pytest's "no tests ran", exit 5).
rc=0
python -m pytest -m "not browser" -n auto --dist loadfile --durations=15 "${COMMON[@]}" || rc=$?
python -m pytest -m browser -n 0 --durations=15 "${COMMON[@]}" || rc=$(( rc ? rc : $? ))
exit "$rc"
