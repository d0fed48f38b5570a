"""Soak: many control changes must leak neither figures nor memory.

    python bench/soak_apps.py [--changes 1000] [--warmup 300]

Builds every figure app (live rendering path, Agg canvas), warms the caches with ``--warmup``
changes, then makes ``--changes`` more, spread over every control of every app (views, sides,
layers, highlights, zones, clicks, spokes, angles, balls, masses). Reports the open figures and
the resident memory (psutil RSS) before and after. Passes when the figure count is unchanged
and RSS grew by less than 10 MB.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from types import SimpleNamespace

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import psutil  # noqa: E402

from hipball.apps import AnatomyExplorer, BallSurfaceExplorer, ReferralExplorer, RollExplorer, SpokeDesigner  # noqa: E402
from hipball.atlas import MUSCLE_IDS  # noqa: E402

LIMIT_MB = 10.0


def changers(apps):
    anat, ref, spk, roll, ball = apps
    trps = [v for _, v in ref.subjects.options]

    def anatomy(i):
        k = i % 5
        if k == 0:
            anat.view.value = ("posterior", "lateral", "anterolateral")[(i // 5) % 3]
        elif k == 1:
            anat.side.value = ("right", "left")[(i // 5) % 2]
        elif k == 2:
            box = anat.layer_boxes[("skin", "bones", "superficial", "deep")[(i // 5) % 4]]
            box.value = not box.value
        elif k == 3:
            anat.highlight.value = ("none", *MUSCLE_IDS)[(i // 5) % (len(MUSCLE_IDS) + 1)]
        else:
            anat.labels.value = not anat.labels.value

    def referral(i):
        k = i % 4
        if k == 0:
            ref.subjects.value = (trps[(i // 4) % len(trps)],)
        elif k == 1:
            x, y = (13.0, 62.0) if (i // 4) % 2 else (8.0, 85.0)
            ref.on_press(SimpleNamespace(inaxes=ref.ax, xdata=x, ydata=y, button=1))
        elif k == 2:
            ref.view.value = ("posterior", "lateral")[(i // 4) % 2]
        else:
            ref.clear.click()

    def spokes(i):
        k = i % 4
        if k == 0:
            spk.spokes.value = 1 + (i // 4) % 24
        elif k == 1:
            spk.rotation.value = -180 + (i * 5) % 360
        elif k == 2:
            spk.view.value = ("posterior", "lateral", "anterolateral")[(i // 4) % 3]
        else:
            spk.sweep.value = 10 + (i * 10) % 350

    def rolling(i):
        if i % 10 == 9:
            roll.side.value = ("right", "left")[(i // 10) % 2]
        else:
            roll.angle.value = (i * 7) % 151

    def pressure(i):
        k = i % 3
        if k == 0:
            ball.ball.value = ("tennis", "racquetball", "lacrosse", "baseball", "golf")[(i // 3) % 5]
        elif k == 1:
            ball.surface.value = ("bed", "carpet", "hardwood", "wall")[(i // 3) % 4]
        else:
            ball.mass.value = 40 + 5 * ((i // 3) % 23)

    return [anatomy, referral, spokes, rolling, pressure]


def soak(changes: int, warmup: int) -> dict:
    proc = psutil.Process()
    apps = [AnatomyExplorer(render="canvas"), ReferralExplorer(render="canvas"), SpokeDesigner(render="canvas"),
            RollExplorer(render="canvas"), BallSurfaceExplorer(render="canvas")]
    fns = changers(apps)

    def run(n, offset):
        for i in range(offset, offset + n):
            fns[i % len(fns)](i // len(fns))

    run(warmup, 0)
    gc.collect()
    figs0, rss0 = len(plt.get_fignums()), proc.memory_info().rss
    run(changes, warmup)
    gc.collect()
    figs1, rss1 = len(plt.get_fignums()), proc.memory_info().rss
    errors = [a.error.value for a in apps if a.error.value]
    for a in apps:
        a.close()
    return dict(figures_before=figs0, figures_after=figs1, figures_closed=len(plt.get_fignums()),
                rss_before_mb=rss0 / 2**20, rss_after_mb=rss1 / 2**20, growth_mb=(rss1 - rss0) / 2**20, errors=errors)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--changes", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=300)
    args = ap.parse_args(argv)
    r = soak(args.changes, args.warmup)
    print(f"{args.changes} control changes over 5 apps (after {args.warmup} to warm the caches)")
    print(f"open figures: {r['figures_before']} -> {r['figures_after']} (after close(): {r['figures_closed']})")
    print(f"RSS: {r['rss_before_mb']:.1f} MB -> {r['rss_after_mb']:.1f} MB (growth {r['growth_mb']:+.1f} MB, "
          f"limit {LIMIT_MB:g} MB)")
    if r["errors"]:
        print("errors shown by the apps:", *r["errors"], sep="\n  ")
    ok = r["figures_before"] == r["figures_after"] and r["figures_closed"] == 0 and r["growth_mb"] < LIMIT_MB
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
