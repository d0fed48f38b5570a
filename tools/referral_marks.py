"""How far the referral map's X's stand from the spots they mark, at the handout's printed size.

For every side (right, left, both), paper (letter, a4), print size (normal, large) and spot set
(the common spots; a busy set of nine spots chosen at the hip): the largest distance between an
X's centre and its spot's true place (``hipball.referral.trigger_point_xy``) on either chart, in
cm of body (the charts' data unit) and in mm on paper. X's are moved apart so they never
overlap (``hipball.draw.handout._spread_marks``): this is what that costs. Two heights of the
map: the shortest it is drawn at (the page prints it with a note at the length limit) and the
one the compiled handout prints with no notes (``--printed``: compiles each handout, slower).

    python tools/referral_marks.py             # the shortest drawing, every combination
    python tools/referral_marks.py --printed   # and the height printed without notes
    python tools/referral_marks.py --worst     # one line: the worst case
"""

from __future__ import annotations

import itertools
import sys

import numpy as np

from hipball.draw.handout import referral_figure
from hipball.handouts import page, params
from hipball.referral import STANDARD_SET, trigger_point_xy

# the most spots a client's list puts at the hip: every buttock and side-of-hip spot, the front
# corner's two (tests/test_handouts.py BUSY_SPOTS is the same set)
BUSY = ("gluteus_minimus.anterior", "gluteus_minimus.posterior", "gluteus_medius.posterior",
        "gluteus_medius.middle", "gluteus_medius.anterior", "gluteus_maximus.upper", "gluteus_maximus.middle",
        "piriformis.lateral", "tensor_fasciae_latae.belly")
SETS = {"standard": tuple(STANDARD_SET), "busy": BUSY}


def _values(side: str, paper: str, large: bool, spots) -> dict:
    return params.validate({"client": "C", "side": side, "paper": paper, "large_print": large,
                            "trigger_points": list(spots)}).values


def displacements(side: str, paper: str, large: bool, spots, height_cm: float | None = None):
    """(the map's height as drawn in cm, largest cm of body, largest mm on paper) of any X on the
    map drawn for these values (``height_cm``: at this height, else the shortest the page draws;
    a key too long for it makes the map taller)."""
    size = page.referral_size(_values(side, paper, large, spots))
    if height_cm is not None:
        size["height_cm"] = height_cm
    fig, charts = referral_figure(side, tuple(spots), **size)
    body, paper_mm = 0.0, 0.0
    for view, art in charts.items():
        ax = art.body.skin.axes
        for t, m in art.markers.items():
            true = np.asarray(trigger_point_xy(t, view, "left" if side == "left" else "right"))
            at = m.get_xydata()[0]
            body = max(body, float(np.hypot(*(at - true))))
            pts = (ax.transData.transform(at) - ax.transData.transform(true)) * 72 / fig.dpi
            paper_mm = max(paper_mm, float(np.hypot(*pts)) * 25.4 / 72)
    return fig.get_figheight() * 2.54, body, paper_mm


def printed_height(side: str, paper: str, large: bool, spots) -> float:
    """The map's height as the compiled handout (no notes) prints it (cm)."""
    v = _values(side, paper, large, spots)
    i = page.layout_values(v)["referral-drawing"]
    return page.referral_heights(v)[i]


def main(argv) -> int:
    rows = []
    for side, paper, large, name in itertools.product(("right", "left", "both"), ("letter", "a4"),
                                                      (False, True), SETS):
        spots = SETS[name]
        row = [side, paper, "large" if large else "normal", name, *displacements(side, paper, large, spots)]
        if "--printed" in argv:
            h = printed_height(side, paper, large, spots)
            row += [*displacements(side, paper, large, spots, h)]
        rows.append(row)
    if "--worst" in argv:
        w = max(rows, key=lambda r: r[5])
        print(f"worst: {w[5]:.1f} cm of body, {max(r[6] for r in rows):.1f} mm on paper ({' '.join(w[:4])})")
        return 0
    head = f"{'side':6} {'paper':7} {'print':7} {'spots':9} {'map cm':>6} {'cm body':>8} {'mm paper':>9}"
    print(head + (f" | {'printed':>7} {'cm body':>8} {'mm paper':>9}" if "--printed" in argv else ""))
    for r in rows:
        line = f"{r[0]:6} {r[1]:7} {r[2]:7} {r[3]:9} {r[4]:6.1f} {r[5]:8.1f} {r[6]:9.1f}"
        if len(r) > 7:
            line += f" | {r[7]:7.1f} {r[8]:8.1f} {r[9]:9.1f}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
