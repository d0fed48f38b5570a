"""The body chart: a skin outline of the lower back, buttocks and legs, in the shared frame.

Referral zones are drawn on it (posterior and lateral views), and a click on it is what the
reverse lookup receives. Coordinates are the atlas's (docs/CONVENTIONS.md): centimetres, y the
height above the floor; posterior x toward the subject's right, lateral x anterior.

How the outline is built (the card ``data/bodychart.md`` lists every number and its origin):
widths and depths are tabulated at heights; the heights of the trochanter, knee and ankle and
the hip width are fractions of stature from Drillis & Contini (1966, via Winter), H = 169 cm
(the model's stature); the widths that table lacks are labelled estimates sized so that the
outline encloses the model's skeleton. The tabulated points are smoothed with Chaikin's
corner cutting. The posterior chart is symmetric and shows both legs; the lateral chart shows
one leg seen from the right, and the left is its mirror (x -> -x).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from shapely.geometry import LineString, Polygon, box

from hipball._choices import check_choice
from hipball.frame import SIDES, check_side, check_view, mirror, mirror_x, on_side, side_sign  # noqa: F401 (SIDES: re-exported)
from hipball.frame import VIEWS as SILHOUETTE_VIEWS  # the front corner has a silhouette, no chart

VIEWS = ("posterior", "lateral")  # the views with a body chart

STATURE_CM = 169.0  # the model's stature (MyoLeg / Rajagopal 2016)
TOP_CM = 115.0  # the chart is cut across the lower back here

# Drillis & Contini (1966), reproduced in Winter (2009) Fig. 4.1: fractions of stature H.
PROPORTIONS = {
    "hip_width": 0.191,
    "greater_trochanter_height": 0.530,
    "knee_height": 0.285,
    "ankle_height": 0.039,
    "foot_length": 0.152,
    "foot_width": 0.055,
}


def _h(name: str) -> float:
    return PROPORTIONS[name] * STATURE_CM


# Landmarks of the model skeleton (right side, cm), as the atlas reports them. Used where the
# atlas is not installed and by tests that check the outline encloses the skeleton.
REFERENCE_LANDMARKS: dict[str, dict[str, tuple[float, float]]] = {
    "posterior": {
        "iliac_crest": (7.65, 104.14), "asis": (12.93, 97.19), "psis": (4.25, 98.75),
        "greater_trochanter": (13.92, 86.39), "ischial_tuberosity": (6.15, 84.27),
        "sacrum": (0.03, 97.16), "coccyx": (0.0, 89.41),
        "lateral_knee_joint_line": (11.43, 44.92), "hip_joint_centre": (7.73, 88.2),
        "knee_joint_centre": (6.75, 47.51), "lateral_malleolus": (12.9, 8.87),
        "trochanter_tip": (11.4, 88.35),
    },
    "lateral": {
        "iliac_crest": (-7.58, 104.14), "asis": (-0.37, 97.19), "psis": (-13.68, 98.75),
        "greater_trochanter": (-7.05, 86.39), "ischial_tuberosity": (-9.75, 84.27),
        "sacrum": (-14.71, 97.16), "coccyx": (-12.8, 89.41),
        "lateral_knee_joint_line": (-5.65, 44.92), "hip_joint_centre": (-5.62, 88.2),
        "knee_joint_centre": (-5.41, 47.51), "lateral_malleolus": (-6.05, 8.87),
        "trochanter_tip": (-8.01, 88.35),
    },
    "anterolateral": {
        "iliac_crest": (-10.77, 104.14), "asis": (-9.4, 97.19), "psis": (-12.68, 98.75),
        "greater_trochanter": (-14.82, 86.39), "ischial_tuberosity": (-11.24, 84.27),
        "sacrum": (-10.42, 97.16), "coccyx": (-9.05, 89.41),
        "lateral_knee_joint_line": (-12.08, 44.92), "hip_joint_centre": (-9.44, 88.2),
        "knee_joint_centre": (-8.6, 47.51), "lateral_malleolus": (-13.4, 8.87),
        "trochanter_tip": (-13.72, 88.35),
    },
}

# --- posterior view, right half: (height, x of the skin) --------------------------------
# Lateral edge, top to bottom. Rows marked DC use Drillis & Contini; the rest are estimates.
_GT = _h("greater_trochanter_height")  # 89.6 cm
_KNEE = _h("knee_height")  # 48.2 cm
_ANKLE = _h("ankle_height")  # 6.6 cm
_HIP_HALF = _h("hip_width") / 2  # 16.1 cm (DC)
_POSTERIOR_LATERAL = [
    (TOP_CM, 14.0), (108.0, 14.6), (103.0, 15.4), (97.0, 16.0),
    (_GT, _HIP_HALF),  # DC: hip width at trochanter height
    (84.0, 16.0), (78.0, 15.4), (70.0, 14.5), (60.0, 13.6), (52.0, 13.0),
    (_KNEE, 12.8),  # DC height; width an estimate enclosing the knee joint line (11.4 cm)
    (44.0, 12.7), (38.0, 13.1), (30.0, 12.8), (22.0, 12.0), (16.0, 11.4),
    (12.0, 13.8), (10.0, 14.4), (_ANKLE, 14.4), (4.0, 14.3), (1.5, 14.0),
]
# Foot sole, lateral to medial, then the medial edge bottom to top (ends at the crotch).
_POSTERIOR_SOLE = [(13.2, 0.0), (4.0, 0.0)]
_POSTERIOR_MEDIAL = [
    (1.5, 3.1), (5.0, 2.8), (8.0, 2.6), (11.0, 2.8), (15.0, 4.4), (22.0, 3.8),
    (30.0, 2.2), (38.0, 1.4), (44.0, 1.6), (_KNEE, 1.4), (55.0, 1.2), (65.0, 0.6),
    (75.0, 0.3), (80.0, 0.25),
]
CROTCH_CM = 81.0

# --- lateral view, right leg seen from the right: (height, posterior x, anterior x) -------
_LATERAL_ROWS = [
    (TOP_CM, -16.8, 6.0), (110.0, -16.3, 5.5), (105.0, -16.8, 4.5), (100.0, -18.5, 3.2),
    (95.0, -20.8, 2.6), (_GT, -22.0, 2.7), (86.0, -22.0, 3.0), (82.0, -20.5, 3.2),
    (79.0, -17.0, 3.2), (77.0, -14.8, 3.1), (70.0, -13.6, 2.8), (60.0, -12.6, 1.8),
    (52.0, -11.6, 1.4), (_KNEE, -11.0, 1.4), (44.0, -11.3, 0.2), (38.0, -13.6, -1.0),
    (32.0, -13.8, -1.4), (25.0, -12.5, -2.0), (18.0, -10.8, -2.4), (13.0, -10.6, -2.4),
]
# The foot, from behind the heel round the sole to the toes and back up the dorsum.
_LATERAL_HEEL = [(-12.9, 10.0), (-14.0, 6.0), (-13.8, 2.5), (-12.5, 0.3), (-10.0, 0.0)]
_LATERAL_TOES = [(12.0, 0.0), (15.6, 1.0), (15.8, 3.2), (10.0, 5.2), (5.0, 7.5), (1.0, 9.8),
                 (-1.2, 11.2)]


def chaikin(points, iterations: int = 3, closed: bool = False) -> np.ndarray:
    """Chaikin corner cutting: each pass replaces every edge by its 1/4 and 3/4 points.
    Open curves keep their end points."""
    p = np.asarray(points, dtype=float)
    for _ in range(iterations):
        q = np.roll(p, -1, axis=0) if closed else p[1:]
        a = p if closed else p[:-1]
        cut = np.empty((2 * len(a), 2))
        cut[0::2] = 0.75 * a + 0.25 * q
        cut[1::2] = 0.25 * a + 0.75 * q
        p = cut if closed else np.vstack([p[:1], cut, p[-1:]])
    return p


@lru_cache(maxsize=None)
def _posterior_right_path() -> np.ndarray:
    pts = [(x, y) for y, x in _POSTERIOR_LATERAL] + _POSTERIOR_SOLE
    pts += [(x, y) for y, x in _POSTERIOR_MEDIAL] + [(0.0, CROTCH_CM)]
    return chaikin(pts, 3)


@lru_cache(maxsize=None)
def _outline(view: str) -> np.ndarray:
    if view == "posterior":
        right = _posterior_right_path()
        left = mirror(right[::-1])
        ring = np.vstack([right, left[1:]])
    else:
        back = [(xp, y) for y, xp, _ in _LATERAL_ROWS] + _LATERAL_HEEL
        front = _LATERAL_TOES + [(xa, y) for y, _, xa in reversed(_LATERAL_ROWS)]
        ring = chaikin(back + front, 3)
    return ring



@lru_cache(maxsize=None)
def _anterolateral_right() -> np.ndarray:
    """The body seen from 45 degrees in front of the right side, from the same widths and
    depths: at each height the body (above the crotch) or each leg (below) is an ellipse
    whose across-extent comes from the posterior chart and whose front-to-back extent from
    the lateral chart; seen at 45 degrees an ellipse with semi-axes a and b spans
    +-sqrt((a^2 + b^2) / 2) about its centre's projection u = (y - x) / sqrt(2)."""
    lat_body = Polygon(_outline("lateral")).buffer(0)
    post_body = Polygon(_outline("posterior")).buffer(0)
    lo, hi = max(_h("ankle_height") + 4.0, 10.0), TOP_CM
    left, right = [], []
    for z in np.arange(lo, hi + 1e-9, 1.0):
        ys = _cut(lat_body, z)
        xs = _cut(post_body, z)
        if ys is None or xs is None:
            continue
        y0, y1 = ys[0][0], ys[-1][1]
        cy, b = (y0 + y1) / 2.0, (y1 - y0) / 2.0
        parts = xs if z < CROTCH_CM else [(min(p[0] for p in xs), max(p[1] for p in xs))]
        edges = []
        for x0, x1 in parts:  # each leg, or the whole body
            cx, a = (x0 + x1) / 2.0, (x1 - x0) / 2.0
            uc, half = (cy - cx) / np.sqrt(2.0), np.sqrt((a * a + b * b) / 2.0)
            edges.append((uc - half, uc + half))
        left.append((min(e[0] for e in edges), z))
        right.append((max(e[1] for e in edges), z))
    # where the trunk's one ellipse gives way to the two legs' (the crotch) the edges jump by
    # a few cm: a notch no body has. The hip's and the groin's contours flow into the thigh's,
    # so each edge is smoothed along the height (Gaussian, sigma 2.5 cm) before rounding.
    left = _smooth_edge(np.array(left))
    right = _smooth_edge(np.array(right))
    ring = np.vstack([left, right[::-1]])
    return chaikin(ring, 2, closed=True)


def _smooth_edge(edge: np.ndarray, sigma_cm: float = 2.5, step_cm: float = 1.0) -> np.ndarray:
    """An (N, 2) edge of (x, z) points 1 cm apart in z, its x smoothed along z (ends held)."""
    pad = int(round(3 * sigma_cm / step_cm))
    k = np.arange(-pad, pad + 1) * step_cm
    w = np.exp(-0.5 * (k / sigma_cm) ** 2)
    w /= w.sum()
    x = np.pad(edge[:, 0], pad, mode="edge")
    return np.c_[np.convolve(x, w, mode="valid"), edge[:, 1]]


def _cut(poly: Polygon, z: float) -> list[tuple[float, float]] | None:
    """The x-intervals of ``poly`` at height z, left to right (None if it does not reach z)."""
    minx, _, maxx, _ = poly.bounds
    hit = poly.intersection(LineString([(minx - 1, z), (maxx + 1, z)]))
    if hit.is_empty:
        return None
    return sorted((min(c[0] for c in g.coords), max(c[0] for c in g.coords))
                  for g in getattr(hit, "geoms", [hit]))


def skin_outline(view: str = "posterior", side: str = "right") -> np.ndarray:
    """The skin outline as an (N, 2) array in cm (a closed ring, first point not repeated).

    The posterior chart shows both legs and is the same for either side; the lateral chart
    shows one leg, the left being the mirror of the right. ``anterolateral`` gives the
    silhouette for the front-corner plates (no body chart, no regions: see
    ``_anterolateral_right``).
    """
    check_view(view, SILHOUETTE_VIEWS)
    check_side(side)
    ring = _anterolateral_right() if view == "anterolateral" else _outline(view)
    return ring.copy() if view == "posterior" else on_side(ring, side)  # the posterior chart is symmetric


@lru_cache(maxsize=None)
def _body(view: str, side: str) -> Polygon:
    poly = Polygon(skin_outline(view, side))
    return poly if poly.is_valid else poly.buffer(0)


def body_outline(view: str = "posterior", side: str = "right") -> Polygon:
    """The body chart as a shapely Polygon (see :func:`skin_outline`)."""
    return _body(check_view(view, VIEWS), check_side(side))


def half_body(view: str, side: str = "right") -> Polygon:
    """The part of the chart that belongs to one side: on the posterior chart, the half on
    that side of the midline; on the lateral chart, the whole (one-legged) chart."""
    body = body_outline(view, side)
    if view == "lateral":
        return body
    minx, miny, maxx, maxy = body.bounds
    half = box(0.0, miny - 1, maxx + 1, maxy + 1) if side == "right" else box(minx - 1, miny - 1, 0.0, maxy + 1)
    return body.intersection(half)


def span_at(view: str, y: float, side: str = "right") -> tuple[float, float] | None:
    """The skin's extent (x0, x1) at height ``y`` on one side's half, from medial (posterior
    view: midline or inner thigh) or posterior (lateral view) to the other edge; for the left
    side x0 and x1 are mirrored so that x0 stays the medial / posterior edge. None if the
    height is outside the chart."""
    part = half_body(view, "right")
    minx, _, maxx, _ = part.bounds
    cut = part.intersection(LineString([(minx - 1, y), (maxx + 1, y)]))
    if cut.is_empty:
        return None
    segs = getattr(cut, "geoms", [cut])
    longest = max(segs, key=lambda g: g.length)
    xs = [c[0] for c in longest.coords]
    x0, x1 = min(xs), max(xs)
    return (x0, x1) if side_sign(side) > 0 else (mirror_x(x0), mirror_x(x1))


# ----------------------------------------------------------- patches drawn on the chart
# Referral zones and body-chart regions are stored as control points anchored to the body:
# a named level (a landmark's height) plus an offset in cm, and a fraction across the limb
# at that height (posterior chart: 0 = midline above the crotch, inner edge of the leg
# below; lateral chart: 0 = back, 1 = front). A closed Catmull-Rom curve through the points,
# taken across the limb, turns them into a smooth outline that follows the limb's contours.
_LM = REFERENCE_LANDMARKS["posterior"]
LEVELS = {
    "top": TOP_CM,
    "crest": _LM["iliac_crest"][1],
    "psis": _LM["psis"][1],
    "asis": _LM["asis"][1],
    "trochanter": _LM["greater_trochanter"][1],
    "ischium": _LM["ischial_tuberosity"][1],
    "crotch": CROTCH_CM,
    "fold": 78.5,  # the gluteal fold drawn on the charts (detail_lines)
    "knee": _LM["knee_joint_centre"][1],
    "joint_line": _LM["lateral_knee_joint_line"][1],
    "malleolus": _LM["lateral_malleolus"][1],
    "sole": 0.0,
}
_SPAN_STEP_CM = 0.1
_SAMPLES_PER_SEGMENT = 16


def parse_outline(text: str) -> list[tuple[float, float]]:
    """``"knee+4 0.3; fold-2 0.9; ..."`` -> [(height cm, fraction across), ...]. Each point is
    ``level[+|-offset_cm] fraction``; levels are the keys of ``LEVELS``."""
    import re

    out = []
    for item in (t.strip() for t in text.split(";")):
        if not item:
            continue
        m = re.fullmatch(r"([a-z_]+)\s*([+-]\s*[\d.]+)?\s+(-?[\d.]+)", item)
        if m is None:
            raise ValueError(f"outline point: {item!r} is not 'level[+-cm] fraction' "
                             f"(levels: {', '.join(LEVELS)})")
        level = check_choice("outline level", m.group(1), LEVELS)
        dy = float(m.group(2).replace(" ", "")) if m.group(2) else 0.0
        out.append((LEVELS[level] + dy, float(m.group(3))))
    if len(out) < 3:
        raise ValueError(f"outline: {text!r} needs at least 3 points")
    return out


@lru_cache(maxsize=None)
def _span_table(view: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ys = np.arange(0.2, TOP_CM - 0.05, _SPAN_STEP_CM)
    spans = [span_at(view, float(y), "right") for y in ys]
    keep = np.array([s is not None for s in spans])
    x0 = np.array([s[0] for s in spans if s is not None])
    x1 = np.array([s[1] for s in spans if s is not None])
    return ys[keep], x0, x1


def across_to_x(view: str, heights, fractions) -> np.ndarray:
    """Chart x (right side) of points given by height and fraction across the limb."""
    ys, x0, x1 = _span_table(view)
    h = np.asarray(heights, dtype=float)
    a, b = np.interp(h, ys, x0), np.interp(h, ys, x1)
    return a + np.asarray(fractions, dtype=float) * (b - a)


def catmull_rom_closed(points, samples: int = _SAMPLES_PER_SEGMENT) -> np.ndarray:
    """A closed centripetal Catmull-Rom curve through ``points`` (no loops, no overshoot at
    uneven spacing), ``samples`` points per segment."""
    p = np.asarray(points, dtype=float)
    n = len(p)
    out = []
    for i in range(n):
        p0, p1, p2, p3 = p[i - 1], p[i], p[(i + 1) % n], p[(i + 2) % n]
        t0 = 0.0
        t1 = t0 + max(np.linalg.norm(p1 - p0), 1e-6) ** 0.5
        t2 = t1 + max(np.linalg.norm(p2 - p1), 1e-6) ** 0.5
        t3 = t2 + max(np.linalg.norm(p3 - p2), 1e-6) ** 0.5
        t = np.linspace(t1, t2, samples, endpoint=False)[:, None]
        a1 = (t1 - t) / (t1 - t0) * p0 + (t - t0) / (t1 - t0) * p1
        a2 = (t2 - t) / (t2 - t1) * p1 + (t - t1) / (t2 - t1) * p2
        a3 = (t3 - t) / (t3 - t2) * p2 + (t - t2) / (t3 - t2) * p3
        b1 = (t2 - t) / (t2 - t0) * a1 + (t - t0) / (t2 - t0) * a2
        b2 = (t3 - t) / (t3 - t1) * a2 + (t - t1) / (t3 - t1) * a3
        out.append((t2 - t) / (t2 - t1) * b1 + (t - t1) / (t2 - t1) * b2)
    return np.vstack(out)


_ACROSS_SCALE_CM = 15.0  # a fraction across, in cm, for spacing the curve's parameter only


@lru_cache(maxsize=None)
def smooth_patch(view: str, outline: str) -> Polygon:
    """The smooth patch an outline string describes on a chart (right side), inside the body."""
    check_choice("view", view, VIEWS)
    pts = parse_outline(outline)
    uv = np.array([(u * _ACROSS_SCALE_CM, y) for y, u in pts])
    curve = catmull_rom_closed(uv)
    ys = np.clip(curve[:, 1], 0.0, TOP_CM)
    xs = across_to_x(view, ys, curve[:, 0] / _ACROSS_SCALE_CM)
    poly = Polygon(np.c_[xs, ys])
    poly = poly if poly.is_valid else poly.buffer(0)
    return poly.intersection(half_body(view, "right"))


def detail_lines(view: str = "posterior", side: str = "right") -> list[np.ndarray]:
    """Thin lines that make the chart read as a body: the gluteal cleft and folds
    (posterior), the gluteal fold and the knee crease (lateral)."""
    check_view(view, VIEWS)
    check_side(side)
    lines: list[np.ndarray] = []
    if view == "posterior":
        lines.append(np.array([[0.0, CROTCH_CM + 0.5], [0.0, 92.0]]))
        fold = chaikin([(0.6, 80.6), (4.0, 78.6), (8.5, 78.4), (12.5, 79.6)], 3)
        lines.append(fold)
        lines.append(mirror(fold))
    else:
        lines.append(chaikin([(-17.2, 79.0), (-14.0, 78.2), (-11.0, 78.6)], 3))
        lines.append(chaikin([(-11.1, 48.0), (-9.3, 47.6)], 1))
        lines = [on_side(line, side) for line in lines]
    return lines


def encloses(view: str, points, side: str = "right") -> np.ndarray:
    """Boolean per point: is it inside the chart's outline?"""
    from shapely import contains_xy

    pts = np.atleast_2d(np.asarray(points, dtype=float))
    return contains_xy(body_outline(view, side), pts[:, 0], pts[:, 1])
