"""How fast does each app show a control change? In the kernel, on Agg, no browser.

    python bench/bench_apps.py [--reps 30]

For each app, three ways from a control change to the new picture in the canvas buffer:

* ``update``: what the app does. Set the widget value; the app changes its artists in place and
  renders: a blit of its dynamic artists over the cached background of the current static
  state, or a full draw when that state has no background yet. The buffer is then final (on
  ipympl the same buffer is what gets sent).
* ``set+draw``: set the widget value, then ``fig.canvas.draw()`` (a full redraw of the updated
  artists; what an app that only calls ``draw_idle`` costs per change).
* ``scratch``: the same picture redrawn from scratch, as an ``ipywidgets.interactive_output``
  function would: clear the figure, call the drawing functions again, ``fig.canvas.draw()``.
  (The function is called directly, not through an Output widget, so that the measurement
  holds no Output overhead and no display machinery outside a kernel.)

``cold`` is ``update`` with the background cache emptied before each change (every change a
new static state: the worst case of the app's path). Medians in ms; ratios = scratch / x.
Targets: ``update`` median under 30 ms and at least 3x faster than ``scratch``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from types import SimpleNamespace

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from hipball.apps import (AnatomyExplorer, BallSurfaceExplorer, HandoutPreview, ReferralExplorer,  # noqa: E402
                          RollExplorer, SpokeDesigner)
from hipball.apps.base import screen_rc  # noqa: E402


def median_ms(fn, reps: int, before=None) -> float:
    times = []
    for i in range(reps):
        if before is not None:
            before()
        t0 = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


# ------------------------------------------------------------------ from-scratch redraws
def scratch_anatomy(fig, app):
    from hipball.draw.anatomy import draw_hip

    fig.clf()
    ax = fig.add_axes((0.0, 0.035, 1.0, 0.9))
    hl = None if app.highlight.value == "none" else app.highlight.value
    draw_hip(app.view.value, app.side.value, layers=app.layers(), labels=app.labels.value, ax=ax, highlight=hl)
    fig.canvas.draw()


def scratch_referral(fig, app):
    from hipball.draw.referral import draw_referral

    fig.clf()
    ax = fig.add_axes((0.02, 0.2, 0.96, 0.78))
    draw_referral(app.selected_trps(), view=app.view.value, side=app.side.value, ax=ax, labels=False)
    if app.clicks:
        ax.plot(*zip(*app.clicks), "o", ms=10, mfc="white", mec="black", mew=2.2, zorder=12)
    fig.canvas.draw()


def scratch_spokes(fig, app):
    from hipball.draw.anatomy import draw_hip
    from hipball.draw.technique import draw_spokes
    from hipball.spokes import spoke_pattern

    fig.clf()
    ax = fig.add_axes((0.0, 0.035, 1.0, 0.9))
    draw_hip(app.view.value, app.side.value, layers=("skin", "bones", "superficial"), ax=ax)
    draw_spokes(spoke_pattern(app.hub_value(), app.spokes.value, app.length.value, app.sweep.value,
                              app.rotation.value, app.side.value, view=app.view.value), ax=ax)
    fig.canvas.draw()


def scratch_roll(fig, app):
    from hipball.draw.anatomy import draw_hip
    from hipball.draw.technique import draw_roll_path, draw_roll_section
    from hipball.roll import roll_contact

    fig.clf()
    a1 = fig.add_axes((0.0, 0.02, 0.46, 0.9))
    a2 = fig.add_axes((0.5, 0.14, 0.48, 0.76))
    side, angle = app.side.value, float(app.angle.value)
    draw_hip("lateral", side, layers=("skin", "bones", "deep"), labels=False, ax=a1)
    draw_roll_path("lateral", side, ax=a1)
    x, y = roll_contact(angle, None, side).plates["lateral"]
    a1.plot([x], [y], "o", ms=15, mfc="#F2D94E", mec="black", mew=1.6, zorder=40)
    draw_roll_section(angle, side=side, ax=a2)
    fig.canvas.draw()


def scratch_ball(fig, app):
    from hipball.draw.pressure import draw_ball_surface_chart

    fig.clf()
    ax = fig.add_axes((0.08, 0.2, 0.84, 0.72))
    draw_ball_surface_chart(app.mass.value, ax=ax, highlight=(app.ball.value, app.surface.value))
    fig.canvas.draw()


# ------------------------------------------------------------------ the cases
def cases():
    def click(app, i):
        pts = [(13.0, 62.0), (9.0, 80.0), (12.5, 40.0), (6.0, 70.0)]
        x, y = pts[i % len(pts)]
        app.on_press(SimpleNamespace(inaxes=app.ax, xdata=x, ydata=y, button=1))
        if len(app.clicks) > 40:
            app.clicks = app.clicks[-4:]

    def deep(app, i):
        app.layer_boxes["deep"].value = not app.layer_boxes["deep"].value

    def rotation(app, i):
        app.rotation.value = (i * 5) % 90

    def angle(app, i):
        app.angle.value = (i * 7) % 151

    def ball(app, i):
        app.ball.value = ("tennis", "lacrosse", "baseball", "golf")[i % 4]

    def subjects(app, i):
        app.subjects.value = (("gluteus_minimus.anterior",), ("piriformis", "gluteus_medius.middle"))[i % 2]

    def mass(app, i):
        app.mass.value = (60, 70, 80, 90)[i % 4]

    return [
        ("AnatomyExplorer", "deep layer on/off", AnatomyExplorer, deep, scratch_anatomy),
        ("ReferralExplorer", "click on the chart", ReferralExplorer, click, scratch_referral),
        ("ReferralExplorer", "zones picked", ReferralExplorer, subjects, scratch_referral),
        ("SpokeDesigner", "rotation slider", SpokeDesigner, rotation, scratch_spokes),
        ("RollExplorer", "roll angle slider", RollExplorer, angle, scratch_roll),
        ("BallSurfaceExplorer", "ball picked", BallSurfaceExplorer, ball, scratch_ball),
        ("BallSurfaceExplorer", "body mass", BallSurfaceExplorer, mass, scratch_ball),
    ]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=30)
    args = ap.parse_args(argv)
    reps = args.reps
    print(f"matplotlib {mpl.__version__}, backend {mpl.get_backend()}, {reps} changes per measurement, "
          f"median ms (python {sys.version.split()[0]})")
    head = f"{'app':20} {'control':20} {'update':>7} {'cold':>7} {'set+draw':>9} {'scratch':>8} {'x(upd)':>7} {'x(draw)':>8}"
    print(head)
    print("-" * len(head))
    ok = True
    for name, what, cls, change, scratch in cases():
        with mpl.rc_context(screen_rc()):
            app = cls(render="canvas")
            canvas = app.fig.canvas
            canvas.draw()
            for i in range(4):  # warm: fill the caches the way a class session would
                change(app, i)
            update = median_ms(lambda i: change(app, i), reps)
            cold = median_ms(lambda i: change(app, i), reps, before=app._backgrounds.clear)
            full = median_ms(lambda i: (change(app, i), canvas.draw()), reps)
            other = plt.figure(figsize=app.fig.get_size_inches())
            scr = median_ms(lambda i: (change(app, i), scratch(other, app)), reps)
            plt.close(other)
            err = app.error.value
            app.close()
        hit = update < 30 and scr / update >= 3
        ok &= hit
        print(f"{name:20} {what:20} {update:7.1f} {cold:7.1f} {full:9.1f} {scr:8.1f} {scr / update:6.1f}x "
              f"{scr / full:7.1f}x{'' if hit else '  (misses a target)'}{'  ERROR: ' + err if err else ''}")
    app = HandoutPreview()
    notes = median_ms(lambda i: setattr(app.notes, "value", f"Note {i}"), min(reps, 10))
    side = median_ms(lambda i: setattr(app.side, "value", ("left", "right")[i % 2]), min(reps, 10))
    app.close()
    print(f"\nHandoutPreview (Typst page to PNG, no figure): notes edited {notes:.0f} ms, "
          f"side switched (pictures cached) {side:.0f} ms")
    print("all targets met" if ok else "some targets missed (see above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
