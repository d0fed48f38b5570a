"""Trigger points, named body regions and pain-referral zones, and the reverse lookup.

The knowledge lives in ``data/`` (each table has a card): ``muscles.csv``,
``trigger_points.csv``, ``regions.csv``, ``referral_zones.csv``. This module turns it into
geometry in the shared chart frame (docs/CONVENTIONS.md):

- A **region** is a named patch of the body chart ("lateral_thigh", "sacrum"), and a
  **referral zone** the essential (Travell & Simons's solid) or spillover (stippled) area of a
  trigger point. Both are stored the same way: control points anchored to body levels (a
  landmark's height plus cm, and a fraction across the limb at that height), joined by a smooth
  closed curve that follows the limb's contours (:func:`hipball.bodychart.smooth_patch`).
  Regions of one view never overlap (table order is priority); a spillover zone excludes what
  is already essential.
- A **trigger point** is anchored to the atlas: weights over atlas landmarks plus an offset
  in cm, per view, so it moves with the drawing and mirrors to the left side.

Reverse lookup, :func:`candidates`: given the client's pain (region ids, or points or a
polygon drawn on a chart) it ranks trigger points. The score of a trigger point is::

    explained   = (E + 0.5 * S) / A
    specificity = E / Z
    score       = 0.85 * explained + 0.15 * specificity        (0..1, rounded to 4 places)

where, summed over the views the pain is drawn in, A is the pain area, E the part of it
inside the trigger point's essential zone, S the part inside its spillover zone only, and Z
the area of the essential zone. So essential overlap counts twice as much as spillover, and
pain the trigger point does not explain lowers its score (it stays in A but not in E or S).
The small specificity term prefers, among trigger points that explain the pain equally, the
one whose essential zone matches it most closely (vastus lateralis over gluteus minimus for
pain only on the outer thigh and knee). Ties are broken by trigger point id. A clicked point
counts as a disc of radius ``POINT_RADIUS_CM``; trigger points that explain less than
``MIN_EXPLAINED`` of the pain are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from shapely.geometry import MultiPoint, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from hipball import bodychart
from hipball._choices import check_choice
from hipball._data import read_csv
from hipball.frame import SIDES, check_side, check_view, on_side, other_side, side_sign  # noqa: F401 (SIDES: re-exported)
from hipball.frame import VIEWS as TRP_VIEWS  # views a trigger point may be placed in

VIEWS = bodychart.VIEWS  # the body-chart views: posterior, lateral
ZONE_KINDS = ("essential", "spillover")
TREATMENT_POSITIONS = ("supine", "side_lying", "three_quarter_prone", "seated")  # a trigger point's `position`
# The view that shows the body in each position, as the handout's routine pairs them: on the back
# it works the spokes drawn from behind, on the side those from the side, three-quarters toward
# face down the front corner's (against a wall: back to it, side-on, three-quarters round). A spot
# reached sitting (the ball under the thigh on a firm chair) has no view of its own.
POSITION_VIEWS = {"supine": "posterior", "side_lying": "lateral", "three_quarter_prone": "anterolateral"}
SPILLOVER_WEIGHT = 0.5
SPECIFICITY_WEIGHT = 0.15
POINT_RADIUS_CM = 2.0
REGION_COVER_CM2 = 2.0  # a zone 'covers' a region it overlaps by at least this much
MIN_EXPLAINED = 0.02  # trigger points explaining less of the pain are left out


# --------------------------------------------------------------------------- tables
_read = read_csv  # data/<name> as dicts of text


@dataclass(frozen=True)
class Muscle:
    muscle_id: str
    name: str
    display_name: str
    action: str
    feels_like: str
    source_id: str


@dataclass(frozen=True)
class Anchor:
    """A point as weights over atlas landmarks plus an offset (cm, right side)."""

    weights: tuple[tuple[str, float], ...]
    offset: tuple[float, float]

    @classmethod
    def parse(cls, text: str) -> "Anchor":
        """``"0.5 asis + 0.5 greater_trochanter; -0.5 0.0"``."""
        terms, _, off = text.partition(";")
        weights = []
        for term in terms.split("+"):
            w, name = term.split()
            weights.append((name, float(w)))
        dx, dy = (float(v) for v in off.split()) if off.strip() else (0.0, 0.0)
        return cls(tuple(weights), (dx, dy))

    def resolve(self, landmarks: dict, side: str = "right") -> tuple[float, float]:
        x = sum(w * float(landmarks[n][0]) for n, w in self.weights)
        y = sum(w * float(landmarks[n][1]) for n, w in self.weights)
        dx, dy = self.offset
        return (x + side_sign(side) * dx, y + dy)


@dataclass(frozen=True)
class TriggerPoint:
    trp_id: str
    muscle_id: str
    name: str
    label: str
    depth: str
    anchors: dict  # view -> Anchor
    position: str
    roll_deg: float | None
    description: str
    source_id: str
    position_source_id: str


@lru_cache(maxsize=1)
def _muscles() -> dict[str, Muscle]:
    return {r["muscle_id"]: Muscle(**r) for r in _read("muscles.csv")}


@lru_cache(maxsize=1)
def _trigger_points() -> dict[str, TriggerPoint]:
    out = {}
    for r in _read("trigger_points.csv"):
        anchors = {v: Anchor.parse(r[f"{v}_anchor"]) for v in TRP_VIEWS if r[f"{v}_anchor"].strip()}
        roll = float(r["roll_deg"]) if r["roll_deg"].strip() else None
        out[r["trp_id"]] = TriggerPoint(
            trp_id=r["trp_id"], muscle_id=r["muscle_id"], name=r["name"], label=r["label"],
            depth=r["depth"], anchors=anchors, position=r["position"], roll_deg=roll,
            description=r["description"], source_id=r["source_id"],
            position_source_id=r["position_source_id"],
        )
    return out


@lru_cache(maxsize=1)
def _region_rows() -> tuple[dict, ...]:
    return tuple(_read("regions.csv"))


@lru_cache(maxsize=1)
def _zone_rows() -> tuple[dict, ...]:
    return tuple(_read("referral_zones.csv"))


def muscles() -> dict[str, Muscle]:
    """The muscles, by ``muscle_id`` (plain-language name, action, how it feels)."""
    return dict(_muscles())


def muscle_ids() -> tuple[str, ...]:
    return tuple(_muscles())


def trp_ids() -> tuple[str, ...]:
    return tuple(_trigger_points())


def region_ids(view: str | None = None) -> tuple[str, ...]:
    """Region ids in table order (only those drawn in ``view`` if given)."""
    out: dict[str, None] = {}
    for r in _region_rows():
        if view is None or r["view"] == view:
            out[r["region_id"]] = None
    return tuple(out)


def region_names() -> dict[str, str]:
    return {r["region_id"]: r["display_name"] for r in _region_rows()}


def trigger_points(muscles: str | list[str] | None = None) -> list[TriggerPoint]:
    """Trigger points in table order, optionally only those of the given muscle(s)."""
    tps = list(_trigger_points().values())
    if muscles is None:
        return tps
    wanted = [muscles] if isinstance(muscles, str) else list(muscles)
    for m in wanted:
        check_choice("muscle", m, muscle_ids())
    return [t for t in tps if t.muscle_id in wanted]


# The set a handout marks when the therapist names none: the spots the routine itself aims at
# (DOMAIN.md section 1): the front corner (anterior gluteus minimus, TFL), the spokes' area
# above and behind the trochanter (posterior minimus, middle medius) and piriformis.
STANDARD_SET = (
    "gluteus_minimus.anterior", "gluteus_minimus.posterior", "gluteus_medius.middle",
    "piriformis.lateral", "tensor_fasciae_latae.belly",
)


def standard_set() -> tuple[str, ...]:
    return STANDARD_SET


# Whose spots the X marks (a client read of issue 11: with no spots chosen a handout marked the
# standard set and called them "your spots" beside an empty "Your spots" outline). ``chosen``:
# the therapist named the client's spots; else the X marks the common spots of the routine
# (STANDARD_SET). (one spot, the spots): every picture key, caption and step of the handout
# takes its words from here.
SPOT_WORDS = {True: ("your spot", "your spots"), False: ("a common spot", "the common spots")}


def spots_words(chosen: bool = True, *, one: bool = False) -> str:
    """'your spots' / 'the common spots' (``one``: 'your spot' / 'a common spot')."""
    return SPOT_WORDS[bool(chosen)][0 if one else 1]


def trigger_point(trp_id: str) -> TriggerPoint:
    return _trigger_points()[check_choice("trigger point", trp_id, trp_ids())]


def position_view(trp_id: str) -> str | None:
    """The view showing the position a spot is reached in (``POSITION_VIEWS``, from its
    ``position`` in trigger_points.csv: the same column the referral map key's 'reach it ...'
    words come from); None for a spot reached sitting."""
    return POSITION_VIEWS.get(trigger_point(trp_id).position)


# ---------------------------------------------------------------------- landmarks
def landmarks(view: str, side: str = "right") -> dict[str, tuple[float, float]]:
    """Atlas landmarks of a view, from ``hipball.atlas`` when installed, else the model's
    reference values stored in :mod:`hipball.bodychart` (same frame, same numbers)."""
    check_view(view, TRP_VIEWS)
    check_side(side)
    try:
        from hipball.atlas import load_atlas
    except ImportError:
        load_atlas = None
    if load_atlas is not None:
        return dict(load_atlas().view(view, side).landmarks)
    ref = bodychart.REFERENCE_LANDMARKS[view]
    return {k: on_side((float(x), float(y)), side) for k, (x, y) in ref.items()}


def trigger_point_xy(trp_id: str, view: str = "posterior", side: str = "right") -> tuple[float, float] | None:
    """Where a trigger point lies in a view (cm), or None where the view does not show it
    (e.g. the tensor fasciae latae on the posterior chart)."""
    tp = trigger_point(trp_id)
    check_view(view, TRP_VIEWS)
    check_side(side)
    anchor = tp.anchors.get(view)
    if anchor is None:
        return None
    return anchor.resolve(landmarks(view, side), side)


# ------------------------------------------------------------------------ regions
@lru_cache(maxsize=None)
def _region_right(region_id: str, view: str) -> BaseGeometry:
    """A region's patch on the right side of a chart: its rows' smooth outlines joined, less
    what regions earlier in the table (same view) already hold, so regions never overlap."""
    own, earlier = [], []
    for r in _region_rows():
        if r["view"] != view:
            continue
        if r["region_id"] == region_id:
            own.append(bodychart.smooth_patch(view, r["outline"]))
        elif not own:
            earlier.append(bodychart.smooth_patch(view, r["outline"]))
    geom = unary_union(own)
    return geom.difference(unary_union(earlier)) if earlier and not geom.is_empty else geom


@dataclass(frozen=True)
class Region:
    region_id: str
    display_name: str
    geometry: BaseGeometry


def region_geometry(region_id: str, view: str, side: str = "right") -> BaseGeometry:
    """The region's polygon on one side of a chart (empty if the view does not show it)."""
    check_choice("region", region_id, region_ids())
    check_view(view, VIEWS)
    return on_side(_region_right(region_id, view), side)


def region_label_point(region_id: str, view: str, side: str = "right") -> tuple[float, float] | None:
    """Where a region's name or number goes: the point of its largest part farthest from the
    edges (shapely's polylabel), so it sits well inside even a crescent."""
    from shapely.ops import polylabel

    geom = region_geometry(region_id, view, side)
    if geom.is_empty:
        return None
    part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    p = polylabel(part, tolerance=0.05)
    return (float(p.x), float(p.y))


def regions(view: str = "posterior", side: str = "right") -> dict[str, Region]:
    """The named regions drawn on a chart, by id (polygons in cm)."""
    check_view(view, VIEWS)
    names = region_names()
    return {rid: Region(rid, names[rid], region_geometry(rid, view, side)) for rid in region_ids(view)}


# -------------------------------------------------------------------------- zones
@lru_cache(maxsize=None)
def _zones_right(trp_id: str, view: str) -> tuple[BaseGeometry, BaseGeometry]:
    """Essential and spillover zones (right side): each the union of its rows' smooth
    outlines on that chart; the spillover excludes what is already essential."""
    parts: dict[str, list] = {k: [] for k in ZONE_KINDS}
    for row in _zone_rows():
        if row["trp_id"] == trp_id and row["view"] == view:
            parts[row["kind"]].append(bodychart.smooth_patch(view, row["outline"]))
    e = unary_union(parts["essential"]) if parts["essential"] else Polygon()
    s = unary_union(parts["spillover"]).difference(e) if parts["spillover"] else Polygon()
    return e, s


@lru_cache(maxsize=None)
def _zone_regions(trp_id: str, view: str) -> dict:
    """The named regions each zone covers (at least ``REGION_COVER_CM2`` of them)."""
    out = {}
    for kind, zone in zip(ZONE_KINDS, _zones_right(trp_id, view)):
        out[kind] = tuple(r for r in region_ids(view)
                          if not zone.is_empty and zone.intersection(_region_right(r, view)).area >= REGION_COVER_CM2)
    return out


@dataclass(frozen=True)
class ReferralZones:
    """Essential (solid) and spillover (stippled) zones of one trigger point on one chart."""

    trp_id: str
    view: str
    side: str
    essential: BaseGeometry
    spillover: BaseGeometry
    regions: dict = field(default_factory=dict)  # kind -> tuple of region ids


def referral_zones(trp_id: str, view: str = "posterior", side: str = "right") -> ReferralZones:
    """The referral zones of a trigger point as shapely geometry on a body chart."""
    trigger_point(trp_id)
    check_view(view, VIEWS)
    check_side(side)
    e, s = (on_side(z, side) for z in _zones_right(trp_id, view))
    return ReferralZones(trp_id, view, side, e, s, _zone_regions(trp_id, view))


# ------------------------------------------------------------------ reverse lookup
@dataclass(frozen=True)
class Why:
    """One piece of the explanation: this much of the pain lies in this zone."""

    pain: str  # a region id, or "drawn area"
    kind: str  # essential | spillover
    view: str
    area_cm2: float
    fraction: float  # of that pain piece

    def __str__(self) -> str:
        return f"{self.pain} ({self.view}): {self.fraction:.0%} in the {self.kind} zone"


@dataclass(frozen=True)
class Candidate:
    muscle_id: str
    trp_id: str
    score: float
    explained: float
    specificity: float
    why: tuple[Why, ...]


class Candidates(list):
    """The ranked candidates (a list), plus ``message`` and ``outside`` (the points, in cm,
    that fell outside the body outline and were left out)."""

    def __init__(self, items=(), *, message: str = "", outside=(), views=()):
        super().__init__(items)
        self.message = message
        self.outside = [tuple(map(float, p)) for p in outside]
        self.views = tuple(views)

    def table(self, limit: int | None = None) -> str:
        """A plain-text table, best first."""
        if not self:
            return self.message
        rows = [f"{'rank':>4}  {'score':>5}  {'trigger point':<32} muscle"]
        for i, c in enumerate(self[:limit] if limit else self, 1):
            rows.append(f"{i:>4}  {c.score:5.2f}  {c.trp_id:<32} {_muscles()[c.muscle_id].display_name}")
        if self.message:
            rows.append(self.message)
        return "\n".join(rows)


def _pain_pieces(pain, side: str, view: str | None):
    """Return ({view: [(label, geometry)]}, outside points, note)."""
    if isinstance(pain, str):
        pain = [pain]
    if isinstance(pain, BaseGeometry):
        if view is None:
            raise ValueError("view: give the chart the drawing was made on (posterior or lateral)")
        check_view(view, VIEWS)
        body = bodychart.body_outline(view, side)
        parts = getattr(pain, "geoms", [pain])
        pts = np.asarray([c for g in parts for c in (g.exterior.coords if g.geom_type == "Polygon" else g.coords)])
        out = [p for p, ok in zip(pts, bodychart.encloses(view, pts, side)) if not ok]
        if isinstance(pain, (Point, MultiPoint)):
            pain = pain.buffer(POINT_RADIUS_CM)
        return {view: [("drawn area", pain.intersection(body))]}, out
    try:
        items = list(pain)
    except TypeError:
        raise _pain_error(pain) from None
    if not items:
        return {}, []
    if any(isinstance(p, str) for p in items) and not all(isinstance(p, str) for p in items):
        raise ValueError("pain: give either region ids or (x, y) points, not a mix of both")
    if all(isinstance(p, str) for p in items):
        for p in items:
            check_choice("region", p, region_ids())
        views = VIEWS if view is None else (check_view(view, VIEWS),)
        pieces = {v: [(r, region_geometry(r, v, side)) for r in dict.fromkeys(items)] for v in views}
        return {v: [(r, g) for r, g in ps if not g.is_empty] for v, ps in pieces.items()}, []
    try:
        pts = np.atleast_2d(np.asarray(items, dtype=float))
    except (TypeError, ValueError):
        raise _pain_error(pain) from None
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise _pain_error(pain)
    if view is None:
        raise ValueError("view: give the chart the points were clicked on (posterior or lateral)")
    check_view(view, VIEWS)
    body = bodychart.body_outline(view, side)
    inside = bodychart.encloses(view, pts, side)
    discs = [Point(p).buffer(POINT_RADIUS_CM) for p in pts[inside]]
    geom = unary_union(discs).intersection(body) if discs else Polygon()
    return {view: [("clicked points", geom)]}, [p for p, ok in zip(pts, inside) if not ok]


def _pain_error(pain) -> ValueError:
    return ValueError(f"pain: {pain!r} is not a region id, a list of region ids, a list of (x, y) points in cm "
                      f"or a shapely polygon; region ids are: {', '.join(region_ids())}")


def candidates(pain, side: str = "right", view: str | None = None) -> Candidates:
    """Rank the trigger points that could explain ``pain`` (see the module docstring).

    ``pain``: a list of region ids (looked up on every chart that shows them, or only on
    ``view``), or (x, y) points / a shapely polygon in the coordinates of chart ``view``.
    An unknown region id raises ValueError naming the closest valid ids; points outside the
    body are reported in ``result.outside``; no pain gives an empty result with a message.
    """
    check_side(side)
    if view is not None:
        check_view(view, VIEWS)
    if pain is None:
        pieces, outside = {}, []
    else:
        pieces, outside = _pain_pieces(pain, side, view)
    pieces = {v: [(lab, g) for lab, g in ps if g.area > 0] for v, ps in pieces.items()}
    pieces = {v: ps for v, ps in pieces.items() if ps}
    note = f"{len(outside)} point(s) outside the body outline were left out. " if outside else ""
    if not pieces:
        given = pain is not None and not (isinstance(pain, (list, tuple)) and len(pain) == 0)
        if given and view is not None and isinstance(pain, (list, tuple)) and all(isinstance(p, str) for p in pain):
            msg = note + (f"None of {', '.join(pain)} is shown on the {view} chart; "
                          "look it up without view= or on the other chart.")
        elif given and not outside:
            msg = note + "The marked pain covers no part of the body chart."
        else:
            msg = note + "No pain given: mark regions or click on the chart to see candidate trigger points."
        return Candidates([], message=msg.strip(), outside=outside)
    views = tuple(pieces)
    pain_geom = {v: unary_union([g for _, g in ps]) for v, ps in pieces.items()}
    total = sum(g.area for g in pain_geom.values())
    items = []
    for tp in _trigger_points().values():
        e_area = s_area = z_area = 0.0
        why = []
        for v in views:
            ess, spill = (on_side(z, side) for z in _zones_right(tp.trp_id, v))
            z_area += ess.area
            e_area += pain_geom[v].intersection(ess).area
            s_area += pain_geom[v].intersection(spill).area
            for label, g in pieces[v]:
                for kind, zone in (("essential", ess), ("spillover", spill)):
                    a = g.intersection(zone).area
                    if a > 1e-6:
                        why.append(Why(label, kind, v, round(a, 2), round(a / g.area, 3)))
        explained = (e_area + SPILLOVER_WEIGHT * s_area) / total
        if explained < MIN_EXPLAINED:
            continue
        specificity = e_area / z_area if z_area > 0 else 0.0
        score = (1 - SPECIFICITY_WEIGHT) * explained + SPECIFICITY_WEIGHT * specificity
        items.append(Candidate(tp.muscle_id, tp.trp_id, round(min(score, 1.0), 4),
                               round(explained, 4), round(specificity, 4), tuple(why)))
    items.sort(key=lambda c: (-c.score, -c.explained, c.trp_id))
    msg = note
    if not items:
        other = other_side(side)
        if "posterior" in pain_geom and _on_other_half(pain_geom["posterior"], side):
            msg += (f"That pain is on the {other} leg of the chart, and these are the {side} side's trigger "
                    f"points: look it up with side='{other}'.")
        else:
            msg += "No trigger point in hipball's tables refers pain to that area."
    return Candidates(items, message=msg.strip(), outside=outside, views=views)


def _on_other_half(geom: BaseGeometry, side: str) -> bool:
    """Is most of ``geom`` (posterior chart) on the other side's half of the body?"""
    if geom.is_empty:
        return False
    c = geom.centroid.x
    return side_sign(side) * c < 0


def zone_signature(trp_id: str) -> tuple:
    """The zone rows of a trigger point without ids and sources: equal for trigger points
    that share one referral pattern."""
    keys = ("kind", "view", "outline")
    return tuple(sorted(tuple(r[k] for k in keys) for r in _zone_rows() if r["trp_id"] == trp_id))


def sources_for(trp_id: str) -> list[str]:
    """The source ids behind a trigger point and its zones."""
    tp = trigger_point(trp_id)
    ids = [tp.source_id, tp.position_source_id]
    ids += [r["source_id"] for r in _zone_rows() if r["trp_id"] == trp_id]
    return list(dict.fromkeys(i for i in ids if i))



# ---------------------------------------------------------------------- plain names (handouts)
# Where each trigger point is, in words a client without anatomy knowledge can find on their own
# body (from trigger_points.csv's descriptions: Travell & Simons's locations). The handout prints
# these and puts the muscle's name after them in brackets, for the therapist.
PLAIN_NAMES = {
    "gluteus_minimus.anterior": "the spot at the front corner of your hip",
    "gluteus_minimus.posterior": "the deep spot just above the bony bump at the side of your hip",
    "gluteus_medius.posterior": "the spot just below the top of your hip bone, at the back",
    "gluteus_medius.middle": "the spot just below the top of your hip bone, at the side",
    "gluteus_medius.anterior": "the spot just below the top of your hip bone, toward the front",
    "gluteus_maximus.upper": "the spot high in the buttock, beside the base of the spine",
    "gluteus_maximus.middle": "the spot low in the buttock, just above the sitting bone",
    "gluteus_maximus.lower": "the spot low in the buttock, beside the crease between the buttocks",
    "piriformis.lateral": "the deep spot in the middle of the buttock, toward the side",
    "piriformis.medial": "the deep spot in the middle of the buttock, toward the spine",
    "tensor_fasciae_latae.belly": "the spot at the front of the hip, below the front hip bone",
    "quadratus_lumborum.superficial": "the spot in the low back, at the side, above the hip bone",
    "quadratus_lumborum.deep": "the deep spot in the low back, beside the spine, above the hip bone",
    "semitendinosus.mid": "the spot on the back of the thigh, inner side",
    "semimembranosus.mid": "the deeper spot on the back of the thigh, inner side, a little lower",
    "biceps_femoris.mid": "the spot on the back of the thigh, outer side",
    "vastus_lateralis.proximal": "the spot high on the outside of the thigh",
    "vastus_lateralis.middle": "the spot halfway down the outside of the thigh",
    "vastus_lateralis.distal": "the spot low on the outside of the thigh, above the knee",
}


def plain_name(trp_id: str, *, muscle: bool = True) -> str:
    """A trigger point in plain words, capitalised; with ``muscle``, the muscle's name after it
    in brackets for the therapist: 'The spot at the front corner of your hip (gluteus minimus,
    anterior)'."""
    tp = trigger_point(trp_id)
    words = PLAIN_NAMES[trp_id]
    words = words[:1].upper() + words[1:]
    if not muscle:
        return words
    return f"{words} ({muscles()[tp.muscle_id].display_name.lower()}, {tp.name.replace('_', ' ')})"
