"""Margin labels with leader lines, the way anatomy atlases label a plate.

Each label has an anchor (a point on the drawing) and goes to the left or right margin. On each
side the labels are sorted by the anchor's height and spread apart so that no two overlap (a 1D
spacing pass in display units), then joined to their anchors by thin leader lines. The text
never sits on the drawing: the margins lie outside the drawing's x-limits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes


@dataclass(frozen=True)
class Label:
    key: str
    text: str
    anchor: tuple[float, float]
    color: str = "#222222"
    weight: str = "normal"
    side: str | None = None  # force "left" or "right"


def spread(desired: np.ndarray, gap: float, lo: float, hi: float) -> np.ndarray:
    """Positions as close as possible to ``desired`` (sorted ascending), at least ``gap`` apart,
    inside [lo, hi] when they fit."""
    y = np.asarray(desired, dtype=float).copy()
    n = len(y)
    if n == 0:
        return y
    for _ in range(200):
        moved = False
        for i in range(1, n):
            if y[i] - y[i - 1] < gap - 1e-9:
                push = (gap - (y[i] - y[i - 1])) / 2
                y[i - 1] -= push
                y[i] += push
                moved = True
        if y[0] < lo:
            y += lo - y[0]
            moved = True
        if y[-1] > hi and (hi - lo) >= gap * (n - 1):
            y -= y[-1] - hi
            moved = True
        if not moved:
            break
    # a final forward pass guarantees the gap even when the bounds cannot all be met
    for i in range(1, n):
        y[i] = max(y[i], y[i - 1] + gap)
    return y


def _segments_cross(p, q, r, s) -> bool:
    """Whether segment p-q properly crosses segment r-s (touching ends do not count)."""
    def orient(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = orient(r, s, p), orient(r, s, q)
    d3, d4 = orient(p, q, r), orient(p, q, s)
    return d1 * d2 < 0 and d3 * d4 < 0


def uncross(labs: list, ys, x_text: float) -> list:
    """Reorder the labels of one column over the slots ``ys`` so that no two leader lines
    cross: sorting by the anchor's height alone crosses two leaders when the lower anchor lies
    much farther from the column (e.g. the greater trochanter and the ischial tuberosity from
    behind). Swapping the slots of two crossing leaders uncrosses them and shortens their total
    length, so the repair ends."""
    labs = list(labs)
    n = len(labs)
    for _ in range(n * n):
        swapped = False
        for i in range(n):
            for j in range(i + 1, n):
                a, b = labs[i], labs[j]
                if _segments_cross((x_text, ys[i]), a.anchor, (x_text, ys[j]), b.anchor):
                    labs[i], labs[j] = b, a
                    swapped = True
        if not swapped:
            break
    return labs


def place_labels(ax: Axes, labels: list[Label], *, margin_x: tuple[float, float],
                 y_range: tuple[float, float], fontsize: float, balance: int = 3) -> tuple[list, list]:
    """Draw ``labels`` in the two margins; return (texts, leader lines). ``margin_x`` = (x of
    the left column's right edge, x of the right column's left edge), in data units. Texts
    and leaders are plain Text and Line2D artists (an Annotation re-clips its leader against
    the text box at every draw, which made plates and apps slow to redraw)."""
    if not labels:
        return [], []
    xl, xr = margin_x
    centre = (xl + xr) / 2
    sides = {"left": [], "right": []}
    for lab in labels:
        side = lab.side or ("left" if lab.anchor[0] < centre else "right")
        sides[side].append(lab)
    # balance the columns: move the innermost labels of a crowded side to the other side
    for _ in range(len(labels)):
        L, R = sides["left"], sides["right"]
        if len(R) > len(L) + balance:
            mv = min((l for l in R if l.side is None), key=lambda l: l.anchor[0], default=None)
            if mv is None:
                break
            R.remove(mv)
            L.append(mv)
        elif len(L) > len(R) + balance:
            mv = max((l for l in L if l.side is None), key=lambda l: l.anchor[0], default=None)
            if mv is None:
                break
            L.remove(mv)
            R.append(mv)
        else:
            break
    # vertical gap: 1.45 line heights, converted from points to data units
    fig = ax.figure
    bbox = ax.get_window_extent() if fig.get_size_inches().all() else None
    ylo, yhi = ax.get_ylim()
    px_per_data = (bbox.height / (yhi - ylo)) if bbox is not None else 10.0
    gap = fontsize * 1.45 * fig.dpi / 72.0 / px_per_data
    texts, lines = [], []
    pad = (xr - xl) * 0.008  # a small gap between the text and its leader
    for side, labs in sides.items():
        labs.sort(key=lambda l: (l.anchor[1], l.key))
        ys = spread(np.array([l.anchor[1] for l in labs]), gap, *y_range)
        x_text = xl if side == "left" else xr
        labs = uncross(labs, ys, x_text + (pad if side == "left" else -pad))
        ha = "right" if side == "left" else "left"
        for lab, y in zip(labs, ys):
            t = ax.text(x_text, y, lab.text, ha=ha, va="center", fontsize=fontsize, color=lab.color,
                        fontweight=lab.weight, zorder=20, clip_on=False)
            t.set_gid(f"label:{lab.key}")
            x0 = x_text + (pad if side == "left" else -pad)
            (ln,) = ax.plot([x0, lab.anchor[0]], [y, lab.anchor[1]], color=lab.color, lw=0.7, zorder=20,
                            clip_on=False, solid_capstyle="butt")
            ln.set_gid(f"leader:{lab.key}")
            texts.append(t)
            lines.append(ln)
    return texts, lines


def points_per_cm(ax: Axes) -> float:
    """Typographic points per data centimetre on an equal-aspect plate, as laid out now (the
    limiting dimension of the axes box sets the scale): lets a drawing size a line or an
    arrowhead in centimetres of body."""
    fig = ax.figure
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    pos = ax.get_position()
    w_in, h_in = fig.get_size_inches()
    return 72.0 * min(pos.width * w_in / abs(x1 - x0), pos.height * h_in / abs(y1 - y0))
