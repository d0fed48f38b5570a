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
    keep_off: object = None  # a shapely geometry (data units) this label's leader keeps off, if a slot allows


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


def _column(labs: list, desired: dict, gap: float, y_range, x_lead: float) -> list:
    """One margin column: the labels sorted by their desired height, spread ``gap`` apart and
    uncrossed; [(label, y)]."""
    labs = sorted(labs, key=lambda l: (desired[l.key], l.key))
    ys = spread(np.array([desired[l.key] for l in labs]), gap, *y_range)
    return list(zip(uncross(labs, ys, x_lead), ys))


def _keep_leaders_off(sides: dict, layout, avoid, y_range, gap: float) -> dict:
    """Move the labels whose leader crosses ``avoid`` (a shapely geometry in data units, e.g.
    the spokes and their number badges, or None) or its own ``keep_off`` to the nearest slot, in their column or the other one,
    from which the leader clears it, without adding a leader to leader crossing. The last
    stretch of a leader (one label gap) is not checked: it ends where its anchor is, wherever
    that is. Returns the layout {side: [(label, y)]}."""
    from shapely.geometry import LineString, Point

    desired = {l.key: l.anchor[1] for labs in sides.values() for l in labs}
    cols = layout(sides, desired)

    def blocked(lab, x0, y) -> bool:
        seg = LineString([(x0, y), lab.anchor]).difference(Point(lab.anchor).buffer(gap))
        return not seg.is_empty and any(g is not None and seg.intersects(g) for g in (avoid, lab.keep_off))

    def cost(cols) -> tuple[int, int]:
        segs = [((x0, y), lab.anchor) for x0, col in cols.values() for lab, y in col]
        n_blocked = sum(blocked(lab, x0, y) for x0, col in cols.values() for lab, y in col)
        n_cross = sum(_segments_cross(*a, *b) for i, a in enumerate(segs) for b in segs[i + 1:])
        return n_blocked, n_cross

    best = cost(cols)
    slots = np.linspace(y_range[0], y_range[1], 61)
    for lab in [l for labs in sides.values() for l in labs]:
        if not best[0]:
            break
        home = next(s for s, labs in sides.items() if lab in labs)
        x0, col = cols[home]
        if not blocked(lab, x0, dict((l.key, y) for l, y in col)[lab.key]):
            continue
        tries = [(abs(y - lab.anchor[1]) + (0.0 if s == home else gap), s, y)
                 for s in ((home,) if lab.side else sides) for y in slots]
        for _, s, y in sorted(tries, key=lambda t: (t[0], t[1], t[2])):
            moved = {k: [l for l in v if l is not lab] for k, v in sides.items()}
            moved[s].append(lab)
            trial = layout(moved, {**desired, lab.key: y})
            c = cost(trial)
            if c[0] < best[0] and c[1] <= best[1]:
                sides, desired, cols, best = moved, {**desired, lab.key: y}, trial, c
                break
    return cols


def place_labels(ax: Axes, labels: list[Label], *, margin_x: tuple[float, float],
                 y_range: tuple[float, float], fontsize: float, balance: int = 3,
                 avoid=None) -> tuple[list, list]:
    """Draw ``labels`` in the two margins; return (texts, leader lines). ``margin_x`` = (x of
    the left column's right edge, x of the right column's left edge), in data units. Texts
    and leaders are plain Text and Line2D artists (an Annotation re-clips its leader against
    the text box at every draw, which made plates and apps slow to redraw). ``avoid``: a
    shapely geometry (data units) the leaders keep off where a slot allows (see
    ``_keep_leaders_off``)."""
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
    lead_x = {"left": xl + pad, "right": xr - pad}

    def layout(sides, desired):
        return {s: (lead_x[s], _column(labs, desired, gap, y_range, lead_x[s])) for s, labs in sides.items()}

    if (avoid is not None and not avoid.is_empty) or any(l.keep_off is not None for l in labels):
        cols = _keep_leaders_off(sides, layout, avoid, y_range, gap)
    else:
        cols = layout(sides, {l.key: l.anchor[1] for l in labels})
    for side, (_, col) in cols.items():
        x_text = xl if side == "left" else xr
        ha = "right" if side == "left" else "left"
        for lab, y in col:
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
