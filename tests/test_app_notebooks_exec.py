"""Hang proof: the app notebooks execute through nbclient (the engine of papermill,
``nbconvert --execute`` and Voila) again and again without hanging.

The hang (PITFALLS.md; jupyter/nbclient issue 312) strikes when a cell writes into an
``ipywidgets.Output`` while the notebook executes. The apps create no Output widget at all, so
every run must finish. Each notebook runs ``HIPBALL_HANG_RUNS`` times (default 5) in a child
process, with a 60 s timeout per cell inside and an overall timeout outside: a hang becomes a
failure with a message, never a stuck test run. Each run must also show the app as a live
ipympl widget (the guarded ``%matplotlib widget`` worked) and raise no error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.notebook]

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
APP_NOTEBOOKS = ["01_hip_anatomy", "02_trigger_points_and_referral", "03_spoke_pattern",
                 "04_rolling_to_the_front_corner", "05_ball_and_surface", "06_dose_aftercare_red_flags",
                 "07_making_handouts"]
RUNS = int(os.environ.get("HIPBALL_HANG_RUNS", "5"))
CELL_TIMEOUT_S = 60
RUN_BUDGET_S = 90  # overall, per execution (a normal run takes a few seconds)

RUNNER = r"""
import json, sys, time
import nbformat
from nbclient import NotebookClient

path, runs, timeout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
out = []
for i in range(runs):
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", startup_timeout=60,
                   resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}}).execute()
    errors = [o.get("ename") for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    app = next(c for c in nb.cells if c.cell_type == "code" and "from hipball.apps import" in c.source)
    views = [o for o in app.outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    texts = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    out.append({"seconds": round(time.perf_counter() - t0, 2), "errors": errors, "widget": bool(views),
                "fallback": "ipympl is not available" in texts})
    print(json.dumps(out[-1]), flush=True)
"""


@pytest.mark.slow
@pytest.mark.parametrize("name", APP_NOTEBOOKS)
def test_app_notebook_never_hangs_under_nbclient(name, tmp_path):
    env = dict(os.environ, TMPDIR=str(tmp_path))
    try:
        proc = subprocess.run([sys.executable, "-c", RUNNER, str(NOTEBOOKS / f"{name}.ipynb"), str(RUNS),
                               str(CELL_TIMEOUT_S)], capture_output=True, text=True, env=env,
                              timeout=RUN_BUDGET_S * RUNS)
    except subprocess.TimeoutExpired as exc:
        done = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        pytest.fail(f"{name}: execution hung (no result within {RUN_BUDGET_S * RUNS} s); finished runs:\n{done}")
    assert proc.returncode == 0, f"{name}: nbclient failed:\n{proc.stderr[-3000:]}"
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert len(results) == RUNS
    for r in results:
        assert r["errors"] == [], (name, r)
        assert r["widget"], f"{name}: the app cell did not display a widget"
        assert not r["fallback"], f"{name}: %matplotlib widget fell back to still images"


@pytest.mark.slow
def test_app_notebook_falls_back_to_images_without_ipympl(tmp_path):
    """With ipympl missing, the guarded first cell falls back and the app shows a still image."""
    fake = tmp_path / "no_ipympl" / "ipympl"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('raise ImportError("ipympl hidden for this test")\n')
    env = dict(os.environ, TMPDIR=str(tmp_path),
               PYTHONPATH=os.pathsep.join([str(fake.parent), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(NOTEBOOKS / "04_rolling_to_the_front_corner.ipynb"), "1",
                           str(CELL_TIMEOUT_S)], capture_output=True, text=True, env=env, timeout=RUN_BUDGET_S)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (r,) = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert r["errors"] == [] and r["widget"] and r["fallback"], r
