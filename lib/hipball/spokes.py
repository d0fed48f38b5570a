"""The spoke pattern: straight strokes radiating from a hub over the hip.

The client works the ball out along each spoke and back, lingering where it is tender. Spokes
run over soft tissue only: each stops short of the bony prominences the ball must not grind on
(the iliac crest, the sacrum, the tip of the greater trochanter and the ischial tuberosity), of
the sciatic nerve's path (from behind: it leaves the pelvis below piriformis, between the
ischial tuberosity and the trochanter, and runs down the back of the thigh; from the side it
lies deep behind the femur, out of the ball's reach) and of the body's outline. A hub must lie
on the chosen hip's soft tissue: not on the other hip, on the cleft between the buttocks, on
bone or on the nerve. Geometry is in the shared plate / body-chart frame (cm, see
docs/CONVENTIONS.md), so one pattern draws on the anatomy plate and on the body chart alike.

Model, in full: spoke k (k = 0..n-1) leaves the hub at angle
``rotation_deg + 90 - k * step`` (degrees, 0 = the viewer's right, 90 = up; the first spoke
points toward the head and the order runs clockwise), where ``step = sweep/n`` for a full circle
and ``sweep/(n-1)`` for a fan. Its end is the hub plus ``length_cm`` in that direction, cut back
where it comes within ``CLEARANCE_CM`` of the first no-go zone (bone or nerve) or of the skin
outline (within half the hub's own distance, for a hub closer to a zone than that); a spoke
left shorter than ``MIN_SPOKE_CM`` (room for the hub ring, a visible shaft and the arrowhead)
is dropped (and listed in ``blocked``). A zone that already contains a trigger-point hub is
ignored for that hub (a trigger point lies on soft tissue; only the drawn safety margin
overlapped it); a point hub inside a zone is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from hipball._choices import check_choice, check_range
from hipball.atlas import load_atlas, project
from hipball.frame import check_side, check_view, on_side, other_side, side_sign

CLEARANCE_CM = 0.8  # how far short of a bony zone a spoke stops
# safety zones around the bony prominences, cm
CREST_HALF_WIDTH_CM = 1.2
TROCHANTER_RADIUS_CM = 2.2
ISCHIAL_RADIUS_CM = 2.0
NERVE_MARGIN_CM = 0.5  # no-go band on each side of the sciatic nerve (beyond its drawn width)
NERVE_VIEWS = ("posterior",)  # views in which the ball presses toward the nerve
CLEFT_HALF_WIDTH_CM = 2.0  # the cleft between the buttocks: no hub within this of the midline
MIN_SPOKE_CM = 3.0  # shorter than this after clipping: left out (listed in pattern.blocked)
SPOKES_RANGE = (1, 24)
LENGTH_RANGE = (MIN_SPOKE_CM, 15.0)  # the shortest spoke asked for can still be drawn
SWEEP_RANGE = (10.0, 360.0)
# default hub: soft tissue above and behind the greater trochanter, over gluteus medius and
# minimus and above the sciatic nerve's exit below piriformis (subject frame offset, cm)
DEFAULT_HUB_OFFSET_3D = (-3.5, -3.0, 6.0)


@dataclass(frozen=True)
class Spoke:
    hub_index: int
    number: int  # working order, 1-based across the whole pattern
    angle_deg: float
    start: tuple[float, float]
    end: tuple[float, float]
    length_cm: float
    stopped_by: str | None  # the bony zone or "skin" that cut it short, if any


@dataclass(frozen=True)
class Hub:
    xy: tuple[float, float]
    label: str  # "default", a trigger point id, or "point"


@dataclass(frozen=True)
class SpokePattern:
    view: str
    side: str
    hubs: tuple[Hub, ...]
    spokes: tuple[Spoke, ...]
    length_cm: float
    sweep_deg: float
    rotation_deg: float
    blocked: tuple[tuple[int, float, str], ...] = ()  # (hub index, angle, what blocked it)

    def for_hub(self, i: int) -> tuple[Spoke, ...]:
        return tuple(s for s in self.spokes if s.hub_index == i)


def default_hub(view: str = "posterior", side: str = "right") -> tuple[float, float]:
    """Soft tissue just above and behind the greater trochanter, in ``view``."""
    l3 = load_atlas().landmarks_3d(side)
    off = on_side(DEFAULT_HUB_OFFSET_3D, side)
    x, y = project(l3["greater_trochanter"] + off, view, side)[0]
    return float(x), float(y)


@lru_cache(maxsize=16)
def bony_zones(view: str, side: str):
    """name -> shapely geometry of each bony prominence's no-go zone in a view."""
    from shapely.geometry import LineString, Point, Polygon
    from shapely.ops import unary_union

    v = load_atlas().view(view, side)
    zones = {
        "iliac crest": LineString(v.crest).buffer(CREST_HALF_WIDTH_CM),
        "greater trochanter": Point(v.landmarks["greater_trochanter"]).buffer(TROCHANTER_RADIUS_CM),
    }
    if view != "anterolateral":
        zones["ischial tuberosity"] = Point(v.landmarks["ischial_tuberosity"]).buffer(ISCHIAL_RADIUS_CM)
    sac = [Polygon(r) for r in v.bones.outlines.get("sacrum_coccyx", ()) if len(r) >= 4]
    if sac and view == "posterior":
        zones["sacrum"] = unary_union([p.buffer(0) for p in sac]).buffer(0.5)
    return zones


@lru_cache(maxsize=16)
def nerve_zones(view: str, side: str):
    """name -> shapely geometry of the sciatic nerve's no-go band in a view (empty where the
    ball cannot press on it, see NERVE_VIEWS)."""
    from shapely.geometry import LineString

    if view not in NERVE_VIEWS:
        return {}
    n = load_atlas().sciatic_nerve(view, side)
    return {"sciatic nerve": LineString(n.path).buffer(n.width / 2.0 + NERVE_MARGIN_CM)}


def no_go_zones(view: str, side: str) -> dict:
    """Every zone a spoke stops short of: bony prominences and the sciatic nerve."""
    return {**bony_zones(view, side), **nerve_zones(view, side)}


@lru_cache(maxsize=16)
def _skin(view: str, side: str):
    """The body's outline a spoke stops short of, in ``view``: the front corner's own
    silhouette there (the side view's, used before, let its spokes run past the front-corner
    outline the handout draws them on)."""
    from shapely.geometry import Polygon

    from hipball.bodychart import body_outline, skin_outline

    if view == "anterolateral":
        return Polygon(skin_outline(view, side)).buffer(0)
    return body_outline(view, side)


def _resolve_hub(hub, view: str, side: str) -> Hub:
    if hub is None or hub == "default":
        return Hub(default_hub(view, side), "default")
    if isinstance(hub, str):
        from hipball.referral import trigger_point_xy, trp_ids

        check_choice("hub", hub, trp_ids())
        xy = trigger_point_xy(hub, view, side)
        if xy is None:
            raise ValueError(f"hub: trigger point {hub!r} is not visible in the {view} view; "
                             f"use another view or a point")
        return Hub((float(xy[0]), float(xy[1])), hub)
    try:
        x, y = (float(c) for c in hub)
    except (TypeError, ValueError):
        raise ValueError(f"hub: {hub!r} is not 'default', a trigger point id or an (x, y) point in cm") from None
    if not (np.isfinite(x) and np.isfinite(y)):
        raise ValueError(f"hub: {hub!r} is not a finite (x, y) point in cm")
    from shapely.geometry import Point

    skin = _skin(view, side) if view != "anterolateral" else None
    if skin is not None:
        if not skin.contains(Point(x, y)):
            b = skin.bounds
            raise ValueError(f"hub: ({x:g}, {y:g}) lies outside the body on the {view} plate "
                             f"(x {b[0]:.0f} to {b[2]:.0f} cm, y {b[1]:.0f} to {b[3]:.0f} cm)")
    if view == "posterior":  # both hips show from behind: the hub must be on the chosen one
        sign, other = side_sign(side), other_side(side)
        allowed = (f"x from {CLEFT_HALF_WIDTH_CM:g} cm outward" if side == "right"
                   else f"x from -{CLEFT_HALF_WIDTH_CM:g} cm outward")
        if sign * x < -CLEFT_HALF_WIDTH_CM:
            raise ValueError(f"hub: ({x:g}, {y:g}) is on the {other} hip; this pattern is for the {side} hip "
                             f"({allowed} on the posterior plate), or choose side='{other}'")
        if abs(x) <= CLEFT_HALF_WIDTH_CM:
            raise ValueError(f"hub: ({x:g}, {y:g}) is on the cleft between the buttocks (within "
                             f"{CLEFT_HALF_WIDTH_CM:g} cm of the midline); put it on the {side} hip's soft tissue "
                             f"({allowed})")
    for name, z in sorted(no_go_zones(view, side).items()):
        if z.contains(Point(x, y)):
            raise ValueError(f"hub: ({x:g}, {y:g}) lies on the {name} (or within its safety margin); "
                             f"put the hub on soft tissue")
    return Hub((x, y), "point")


def _angles(spokes: int, sweep: float, rotation: float) -> np.ndarray:
    full = sweep >= 360.0 - 1e-9
    step = sweep / spokes if full or spokes == 1 else sweep / (spokes - 1)
    start = rotation + 90.0 + (0.0 if full else sweep / 2.0)
    return (start - step * np.arange(spokes)) % 360.0


def spoke_pattern(hub=None, spokes: int = 8, length_cm: float = 6.0, sweep_deg: float = 360.0,
                  rotation_deg: float = 0.0, side: str = "right", *, view: str = "posterior") -> SpokePattern:
    """A spoke pattern around one hub or several.

    hub: None/"default" (just above and behind the greater trochanter), a trigger point id
    (e.g. "gluteus_medius.posterior"), an (x, y) point in cm on the plate, or a list of those
    (the client's marked trigger points: one pattern, worked hub by hub).
    """
    check_view(view)
    check_side(side)
    if isinstance(spokes, bool) or not isinstance(spokes, (int, np.integer)):
        raise ValueError(f"spokes: {spokes!r} is not a whole number (allowed {SPOKES_RANGE[0]} to {SPOKES_RANGE[1]})")
    check_range("spokes", spokes, *SPOKES_RANGE)
    length_cm = check_range("length_cm", length_cm, *LENGTH_RANGE, " cm")
    sweep_deg = check_range("sweep_deg", sweep_deg, *SWEEP_RANGE, " degrees")
    rotation_deg = check_range("rotation_deg", rotation_deg, -360.0, 360.0, " degrees")
    if isinstance(hub, list | tuple) and not hub:
        raise ValueError("hub: the list of hubs is empty (give at least one, or None for the default)")
    hubs_in = hub if isinstance(hub, list | tuple) and not _is_point(hub) else [hub]
    hubs = tuple(_resolve_hub(h, view, side) for h in hubs_in)

    from shapely.geometry import LineString, Point

    zones = no_go_zones(view, side)
    skin = _skin(view, side)
    out, blocked = [], []
    number = 1
    for hi, h in enumerate(hubs):
        p = Point(h.xy)
        # a hub closer to a zone than the clearance keeps half its distance as clearance; the
        # grown zones depend on the hub only, so they are made once per hub, not once per spoke
        grown = [(name, z.buffer(min(CLEARANCE_CM, 0.5 * p.distance(z)), quad_segs=16))
                 for name, z in sorted(zones.items()) if not z.contains(p)]
        for ang in _angles(int(spokes), sweep_deg, rotation_deg):
            d = np.array([np.cos(np.radians(ang)), np.sin(np.radians(ang))])
            end = np.array(h.xy) + length_cm * d
            ray = LineString([h.xy, tuple(end)])
            reach, by = length_cm, None
            for name, z in grown:
                hit = ray.intersection(z)
                if not hit.is_empty:
                    dist = p.distance(hit)
                    if dist < reach:
                        reach, by = dist, name
            if skin.contains(p):  # the clearance past the end too: a spoke ending just short of the skin
                hit = LineString([h.xy, tuple(end + CLEARANCE_CM * d)]).intersection(skin.exterior)
                if not hit.is_empty:
                    dist = p.distance(hit) - CLEARANCE_CM
                    if dist < reach:
                        reach, by = dist, "skin"
            if reach < MIN_SPOKE_CM:
                blocked.append((hi, float(round(ang, 6)), by or "skin"))
                continue
            stop = np.array(h.xy) + reach * d
            out.append(Spoke(hi, number, float(round(ang, 6)), h.xy, (float(stop[0]), float(stop[1])),
                             float(reach), by))
            number += 1
    if not out:
        what = sorted({b for _, _, b in blocked})
        raise ValueError(f"hub: every spoke runs into the {' / '.join(what)} within {MIN_SPOKE_CM:g} cm here; "
                         f"move the hub onto open soft tissue or narrow the sweep")
    return SpokePattern(view, side, hubs, tuple(out), length_cm, sweep_deg, rotation_deg, tuple(blocked))


def _is_point(h) -> bool:
    return len(h) == 2 and all(isinstance(c, int | float | np.floating | np.integer) for c in h)
