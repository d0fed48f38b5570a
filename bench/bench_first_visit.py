"""Benchmark: the first visit to a view in the kernel, with and without idle pre-drawing.

    python bench/bench_first_visit.py [--repeat 3]

For each app with views (anatomy, spokes, referral) on a plain Agg canvas: build the app, draw
its first frame, then switch to each other view once and time the action (what the kernel
spends before the frame goes out: artists, render or blit). Once as before (no pre-drawing),
once after ``App.idle_step`` has pre-drawn the other views while idle. Prints the medians and
their ratio, both measured in this run. The browser's share (decode, paint) is not in these
numbers; bench/bench_browser.py measures the whole key-to-pixels path.
"""

from __future__ import annotations

import argparse
import statistics
import time

import matplotlib

matplotlib.use("agg")

from hipball.apps.anatomy import AnatomyExplorer  # noqa: E402
from hipball.apps.referral import ReferralExplorer  # noqa: E402
from hipball.apps.spokes import SpokeDesigner  # noqa: E402

APPS = {AnatomyExplorer: ("posterior", "lateral", "anterolateral"), SpokeDesigner: ("posterior", "lateral", "anterolateral"),
        ReferralExplorer: ("posterior", "lateral")}


def first_visits(cls, views, predraw: bool) -> list[float]:
    app = cls(render="canvas")
    app.fig.canvas.draw()  # the browser's first frame
    if predraw:
        while app.idle_step():
            pass
    out = []
    for v in views[1:]:
        t = time.perf_counter()
        app.view.value = v
        out.append((time.perf_counter() - t) * 1000)
    app.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    for cls, views in APPS.items():
        res = {}
        for predraw in (False, True):
            res[predraw] = [t for _ in range(args.repeat) for t in first_visits(cls, views, predraw)]
        before, after = statistics.median(res[False]), statistics.median(res[True])
        print(f"{cls.__name__:18s} first visit: {before:7.1f} ms without pre-drawing, {after:6.1f} ms with "
              f"(ratio {after / before:.2f}, n={len(res[True])})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
