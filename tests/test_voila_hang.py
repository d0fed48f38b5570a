"""The apps cannot hang under Voila.

Voila executes a notebook through nbclient at every page view, which hangs intermittently on
Output widgets (PITFALLS.md). One Voila server (127.0.0.1, token, hipball's voila config)
serves a copy of notebooks/; each app page is requested LOADS times (two at a time, as in a
class) with a timeout, and each response must be complete: the rendered widget views and no
error output. After each load the page's kernel is shut down the way the browser does on
leaving the page (POST /voila/api/shutdown/<kernel id>), and no kernel may be left over.

    HIPBALL_VOILA_LOADS=20 python -m pytest tests/test_voila_hang.py   # more loads
"""

from __future__ import annotations

import os
import re
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

import browser_support as bs

pytestmark = [pytest.mark.slow, pytest.mark.notebook]

LOADS = int(os.environ.get("HIPBALL_VOILA_LOADS", "8"))          # the student app
LOADS_EACH = int(os.environ.get("HIPBALL_VOILA_LOADS_EACH", "3"))  # every course app notebook
PAGE_TIMEOUT_S = 90
APP_PAGES = [p.name for p in sorted(bs.NOTEBOOKS.glob("0[1-9]_*.ipynb"))]
VIEW_RE = re.compile(r'application/vnd\.jupyter\.widget-view\+json[^{]*\{[^}]*"model_id"\s*:\s*"?\\?"?([0-9a-f]{32})')
KERNEL_RE = re.compile(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"')
ERROR_SIGNS = ("There was an error when executing cell", "application/vnd.jupyter.stderr",
               "Traceback (most recent call last)")


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    run = tmp_path_factory.mktemp("voila-hang")
    root = run / "notebooks"
    bs.copy_notebooks(root)
    server = bs.start_voila(root, run / "voila")
    yield server
    server.stop()


def load(server: bs.Server, name: str) -> dict:
    """GET one Voila page (timeout), then shut its kernel down. Returns what was seen."""
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(server.url(f"voila/render/{name}"), timeout=PAGE_TIMEOUT_S) as r:
            status, html = r.status, r.read().decode("utf-8", "replace")
    except Exception as exc:  # a timeout is the hang we are looking for
        return {"name": name, "ok": False, "why": f"{type(exc).__name__}: {exc}",
                "s": time.monotonic() - t0}
    seconds = time.monotonic() - t0
    kernel = KERNEL_RE.search(html)
    if kernel:
        server.request("POST", f"voila/api/shutdown/{kernel.group(1)}", timeout=30)
    views = VIEW_RE.findall(html)
    errors = [s for s in ERROR_SIGNS if s in html]
    why = []
    if status != 200:
        why.append(f"HTTP {status}")
    if not html.rstrip().endswith("</html>"):
        why.append("page not complete")
    if not views:
        why.append("no widget view in the page")
    if errors:
        why.append(f"error output: {errors}")
    if not kernel:
        why.append("no kernel id")
    return {"name": name, "ok": not why, "why": "; ".join(why), "s": seconds, "views": len(views)}


def kernels_left(server: bs.Server, wait_s: float = 15, keep: int = 0) -> list:
    """Kernel processes still running under the Voila server (after a grace period), once at
    most ``keep`` are left (the pre-heated pool of voila_config/voila.py waits by design)."""
    import psutil

    t0 = time.monotonic()
    while True:
        kids = [p for p in psutil.Process(server.proc.pid).children(recursive=True)
                if "ipykernel" in " ".join(p.cmdline())]
        if len(kids) <= keep or time.monotonic() - t0 > wait_s:
            return kids
        time.sleep(0.3)


def test_error_output_is_detected(voila):
    """The check below can fail: a notebook that raises is reported."""
    seen = load(voila, "broken.ipynb")
    assert not seen["ok"] and "error output" in seen["why"], seen


def test_every_app_page_loads_without_hanging(voila):
    pages = [bs.STUDENT_APP] * LOADS + [n for n in APP_PAGES for _ in range(LOADS_EACH)]
    assert (bs.NOTEBOOKS / bs.STUDENT_APP).exists(), "notebooks/student_app.ipynb is missing"
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda n: load(voila, n), pages))
    wall = time.monotonic() - t0
    bad = [r for r in results if not r["ok"]]
    summary = {n: sorted(round(r["s"], 1) for r in results if r["name"] == n) for n in dict.fromkeys(pages)}
    print(f"\n{len(results)} Voila page loads in {wall:.1f} s (2 at a time); seconds per load:\n"
          + "\n".join(f"  {n}: {v}" for n, v in summary.items()))
    assert not bad, f"{len(bad)} of {len(results)} loads failed or hung:\n" + "\n".join(
        f"{r['name']}: {r['why']} ({r['s']:.1f} s)" for r in bad) + "\n" + voila.log_tail()
    pool = re.findall(r"Kernel pool of \S+ is filled with (\d+) kernel", voila.log_path.read_text(errors="replace"))
    waiting = int(pool[-1]) if pool else 0
    left = kernels_left(voila, keep=waiting)
    assert len(left) <= waiting, (f"{len(left) - waiting} kernels left running after their pages were closed "
                                  f"(besides the {waiting} pre-heated ones waiting for the next page)")
