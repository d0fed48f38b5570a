"""Rolling to the front corner: where the ball touches the hip as the body rolls over it.

Model, in full (a teaching model, not a measurement):

* The cross-section: a horizontal slice of the right hip at the ball's height ``height`` (cm
  above the floor when standing; default 3 cm above the greater trochanter). Its skin is an
  ellipse spanning, across, from the midline to the side of the hip (the posterior body chart's
  width at that height) and, front to back, the lateral body chart's depth at that height. Both
  come from the cited body proportions (hipball.bodychart).
* Muscles in the slice: each muscle's extent across (from the posterior plate) and front to
  back (from the lateral plate) at that height, both from the atlas, gives a box. Seen from
  the hip's core (the hip joint centre in the slice) the box covers a range of directions; the
  muscle occupies that sector of a band under the skin, 0 to 2.5 cm deep for superficial
  muscles and 2.5 to 5.5 cm for deep ones. (The atlas draws muscles on the skeleton; the
  radial mapping carries them out to where they lie under the skin, past the fat and bulk
  the model does not have.)
* Rolling: the body turns about its long axis on the floor. At roll angle theta (0 = lying on
  the back, 90 = on the side, 120 to 135 = three-quarters toward lying face down) the floor's
  direction, seen from the body, is d = (sin theta, -cos theta) (x to the right, y to the front).
  The ball touches the section at its support point in that direction: the point of the
  ellipse farthest along d.
* Under the ball: the muscles whose slice patch lies within ``REACH_CM`` of the contact point
  (nearest first), and the trigger points the ball presses. A trigger point's place in the
  slice (:func:`section_point`): its position from the plate anchors, combined into 3D, gives
  the direction from the hip's core; it sits on that ray at its layer's depth under the skin
  (the middle of the superficial or the deep band, from the ``depth`` column of
  trigger_points.csv), so it lies in the muscle band the section draws. The ball presses it
  when it lies inside the pressure cone under the contact: at most ``DEEP_DEPTH_CM`` under the
  skin and no farther from the contact's axis (across the slice and in height, the height
  difference being the trigger point's own) than ``CONTACT_RADIUS_CM + PRESSURE_SPREAD *
  depth``. Pressure under a ball spreads with depth (a teaching simplification of the stress
  bulb under a round contact; see PRESSURE_SPREAD for the rate chosen), which is why lying on
  the side, with the ball over the side of the hip, presses the deep gluteus minimus points
  under gluteus medius. The panel's text and its red marks both come from this one test.
* Bone carries the load (:func:`on_trochanter`, :func:`carried_by_bone`): lying on the side,
  the greater trochanter is what the ball meets. In the slice the trochanter is the disc the
  section draws (:func:`trochanter`); the ball rests on it when its contact patch overlaps the
  disc across the pressing direction. Then the bone takes the ball's load for the deep points
  at the bone's own level (up to its tip plus the tendons on its top, ``TROCHANTER_CAP_CM``):
  they are not pressed. Deep points above the bone (both gluteus minimus points, under gluteus
  medius) and superficial ones (between the ball and the bone) still are. So at 90 degrees the
  lateral piriformis point, deep and just medial to the trochanter's tip, is not pressed; it is
  reached half turned, from behind the trochanter (Travell & Simons vol. 2 ch. 10 palpate it
  from behind, through gluteus maximus, just medial to the trochanter).

``angle_to_reach(trp_id)``: at the trigger point's own height, follow the ray from the hip's
core (the hip joint centre, seen in the slice) through the trigger point out to the skin; the
answer is the roll angle whose contact point comes nearest to where that ray leaves the skin:
"how far do I roll for this one?". (Aiming along the ray rather than at the nearest skin point
keeps deep trigger points near the middle of the slice from giving arbitrary angles.) An
answer of 0 means "on your back, with the ball under the spot": points nearer the midline than
the buttock's low point (beside the sacrum, the medial piriformis, the hamstrings' origin) are
reached by moving the ball there while lying on the back, not by rolling; the model has no
negative angles (rolling toward the other side).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from hipball._choices import check_choice, check_range
from hipball.atlas import load_atlas, project
from hipball.frame import VIEWS, check_side, mirror, side_sign

ANGLE_RANGE = (0.0, 150.0)
SUPERFICIAL_DEPTH_CM = 2.5
DEEP_DEPTH_CM = 5.5
REACH_CM = 3.0
CONTACT_RADIUS_CM = 2.0  # a ball of 3.3 cm radius pressed about 0.7 cm into the skin
# The cone widens 0.6 cm per cm of depth. A teaching parameter, not a measurement: the 1:1
# load-spread rule of thumb (1.0) let the ball over the trochanter (on your side, 90 degrees)
# reach the anterior gluteus minimus point in front of the bone, which contradicts both the
# routine's key cue (the front-corner points need about three-quarters of a turn, 120 to 135
# degrees) and the bone under the ball carrying the load there. 0.6 keeps what the clinic says:
# side-lying presses the posterior gluteus minimus point (the lateral piriformis point, at the
# trochanter's level, is carried by the bone: see TROCHANTER_CAP_CM); the front corner (TFL,
# anterior gluteus minimus) is reached at 120 degrees. tests/test_technique.py and
# tests/test_position.py hold these facts.
PRESSURE_SPREAD = 0.6
# The greater trochanter in the slice: the disc the section draws, its centre this far medial to
# the trochanter's most lateral point, with this radius (a teaching shape: about the bone's
# 5 cm front-to-back size in the model's femur).
TROCHANTER_INSET_CM = 1.6
TROCHANTER_RADIUS_CM = 2.4
TROCHANTER_DRAWN_WITHIN_CM = 7.0  # drawn in slices this close to its most lateral point's height
# The bone carries the load for deep points up to this far above its tip: the tendons that
# insert on its upper border (piriformis, gluteus medius) lie on the bone there. A teaching
# parameter, not a measurement.
TROCHANTER_CAP_CM = 1.5
TRP_HEIGHT_TOL_CM = 5.0
SWEEP_STEP_DEG = 0.5
ROLL_RANGES = (  # roll angle ranges and their names, as the handouts and apps word them
    (0.0, 30.0, "on your back"),
    (30.0, 75.0, "half turned onto your side"),
    (75.0, 105.0, "on your side"),
    (105.0, 150.0, "three-quarters toward face down"),
)


@dataclass(frozen=True)
class Section:
    height_cm: float
    side: str
    centre: tuple[float, float]
    semi_axes: tuple[float, float]  # across, front to back
    outline: np.ndarray  # (N, 2): x to the right (mirrored on the left side), y to the front
    muscles: dict  # muscle id -> shapely geometry of its patch in the slice
    layers: dict  # muscle id -> "superficial" | "deep"


@dataclass(frozen=True)
class Contact:
    angle_deg: float
    height_cm: float
    side: str
    section_xy: tuple[float, float]  # on the cross-section
    normal: tuple[float, float]  # outward skin normal at the contact (unit)
    point_3d: tuple[float, float, float]  # subject frame, cm
    plates: dict  # view -> (x, y) on the anatomy plates
    muscles: tuple[str, ...]  # under the ball, nearest first
    trigger_points: tuple[str, ...]
    position: str  # "on your back", ...
    on_bone: tuple[str, ...] = ()  # in the cone, but the greater trochanter carries the load


def _height_range(side: str = "right") -> tuple[float, float]:
    """From just above the knee to the top of the iliac crest (cm), rounded outward."""
    l3 = load_atlas().landmarks_3d(side)
    return float(np.floor(l3["knee_joint_centre"][2] + 5.0)), float(np.ceil(l3["iliac_crest"][2]))


def default_height() -> float:
    return round(float(load_atlas().landmarks_3d()["greater_trochanter"][2]) + 3.0, 1)


def _check_height(height, side="right") -> float:
    if height is None:
        return default_height()
    lo, hi = _height_range(side)
    return check_range("height", height, lo, hi, " cm")


@lru_cache(maxsize=64)
def _section_right(height: float) -> Section:
    from shapely.geometry import Polygon

    from hipball.bodychart import span_at

    across = span_at("posterior", height, "right")
    depth = span_at("lateral", height, "right")
    if across is None or depth is None:  # pragma: no cover - guarded by the height range
        raise ValueError(f"height: {height} cm is outside the body chart")
    x0, x1 = across
    y0, y1 = depth
    c = ((x0 + x1) / 2.0, (y0 + y1) / 2.0)
    a, b = (x1 - x0) / 2.0, (y1 - y0) / 2.0
    t = np.linspace(0, 2 * np.pi, 181)[:-1]
    outline = np.c_[c[0] + a * np.cos(t), c[1] + b * np.sin(t)]
    skin = Polygon(outline)

    def inset(dcm):
        return Polygon(np.c_[c[0] + (a - dcm) * np.cos(t), c[1] + (b - dcm) * np.sin(t)])

    bands = {"superficial": skin.difference(inset(SUPERFICIAL_DEPTH_CM)),
             "deep": inset(SUPERFICIAL_DEPTH_CM).difference(inset(DEEP_DEPTH_CM))}
    atlas = load_atlas()
    post, lat = atlas.view("posterior", "right"), atlas.view("lateral", "right")
    core = np.asarray(atlas.landmarks_3d("right")["hip_joint_centre"][:2])
    patches, layers = {}, {}
    for mid in atlas.muscles:
        xs = _span(post.muscles[mid].outline, height)
        ys = _span(lat.muscles[mid].outline, height)
        if xs is None or ys is None:
            continue
        layer = post.muscles[mid].layer
        corners = np.array([(x, y) for x in xs for y in ys]) - core
        ang = np.unwrap(np.sort(np.arctan2(corners[:, 1], corners[:, 0])))
        lo_a, hi_a = _arc(ang)
        r = 4 * max(a, b)
        fan = np.linspace(lo_a, hi_a, 24)
        sector = Polygon(np.vstack([core, core + r * np.c_[np.cos(fan), np.sin(fan)]]))
        patch = bands[layer].intersection(sector)
        if patch.area > 0.5:
            patches[mid] = patch
            layers[mid] = layer
    return Section(height, "right", c, (a, b), outline, patches, layers)


def _arc(angles: np.ndarray) -> tuple[float, float]:
    """The smallest arc (lo, hi) containing the given directions (radians)."""
    a = np.sort(np.mod(angles, 2 * np.pi))
    gaps = np.diff(np.r_[a, a[0] + 2 * np.pi])
    k = int(np.argmax(gaps))  # the arc starts after the biggest gap
    lo = a[(k + 1) % len(a)]
    hi = lo + (2 * np.pi - gaps[k])
    return float(lo), float(hi)


def _span(outline: np.ndarray, z: float):
    """x-extent of a closed outline at height z (None if it does not reach that height)."""
    pts = np.asarray(outline)
    nxt = np.roll(pts, -1, axis=0)
    xs = []
    for (xa, ya), (xb, yb) in zip(pts, nxt):
        if (ya - z) * (yb - z) <= 0 and ya != yb:
            xs.append(xa + (z - ya) * (xb - xa) / (yb - ya))
    return (min(xs), max(xs)) if xs else None


def cross_section(height: float | None = None, side: str = "right") -> Section:
    """The slice of the hip at ``height`` (see the module docstring)."""
    check_side(side)
    h = _check_height(height, side)
    sec = _section_right(round(h, 2))
    if side == "right":
        return sec
    return Section(sec.height_cm, "left", mirror(tuple(sec.centre)), sec.semi_axes, mirror(sec.outline),
                   {k: mirror(g) for k, g in sec.muscles.items()}, dict(sec.layers))


def _support(sec: Section, angle_deg: float) -> tuple[np.ndarray, np.ndarray]:
    th = np.radians(angle_deg)
    d = np.array([side_sign(sec.side) * np.sin(th), -np.cos(th)])
    a, b = sec.semi_axes
    q = np.array([a * a * d[0], b * b * d[1]])
    p = np.array(sec.centre) + q / np.sqrt(a * a * d[0] ** 2 + b * b * d[1] ** 2)
    n = np.array([(p[0] - sec.centre[0]) / a ** 2, (p[1] - sec.centre[1]) / b ** 2])
    return p, n / np.linalg.norm(n)


def position_name(angle_deg: float) -> str:
    for lo, hi, name in ROLL_RANGES:
        if lo <= angle_deg <= hi:
            return name
    return ROLL_RANGES[-1][2]


@lru_cache(maxsize=4)
def trigger_points_3d(side: str = "right") -> dict[str, np.ndarray]:
    """Each trigger point in the subject frame, from its anchors in two plate views."""
    from hipball.referral import trigger_point_xy, trp_ids

    s = side_sign(side)
    out = {}
    for tid in trp_ids():
        post = trigger_point_xy(tid, "posterior", side)
        lat = trigger_point_xy(tid, "lateral", side)
        antl = trigger_point_xy(tid, "anterolateral", side)
        if lat is not None:
            y = s * lat[0]  # lateral x is "anterior" (mirrored on the left)
            z = lat[1]
            if post is not None:
                x = post[0]
                z = (post[1] + lat[1]) / 2.0
            elif antl is not None:  # anterolateral x = (y - x)/sqrt(2) on the right
                u = s * antl[0]
                x = s * (y - np.sqrt(2.0) * u)
            else:
                continue
            out[tid] = np.array([x, y, z])
        elif post is not None and antl is not None:
            u = s * antl[0]
            x = post[0]
            y = np.sqrt(2.0) * u + s * x
            out[tid] = np.array([x, y, (post[1] + antl[1]) / 2.0])
        elif post is not None:  # seen only from behind: it lies under the back of the limb
            from hipball.bodychart import span_at

            span = span_at("lateral", post[1], "right")
            if span is not None:
                out[tid] = np.array([post[0], span[0] + SUPERFICIAL_DEPTH_CM, post[1]])
    return out


def roll_contact(angle_deg: float, height: float | None = None, side: str = "right") -> Contact:
    """Where the ball touches at roll angle ``angle_deg`` (0 back, 90 side, ~120-135 front corner)."""
    check_side(side)
    angle = check_range("angle_deg", angle_deg, *ANGLE_RANGE, " degrees")
    c = _roll_contact(float(angle), height, side)
    return replace(c, plates=dict(c.plates))  # the caller's own dict: the cached one stays as computed


@lru_cache(maxsize=1024)
def _roll_contact(angle: float, height: float | None, side: str) -> Contact:
    """Cached (like the sections it reads): the Roll explorer and the rolling-path plates ask
    for the same 31 angles of the path each time they draw, about 20 ms each."""
    sec = cross_section(height, side)
    p, n = _support(sec, angle)
    from shapely.geometry import Point

    pt = Point(p)
    near = sorted((pt.distance(g), k) for k, g in sec.muscles.items() if pt.distance(g) <= REACH_CM)
    muscles = tuple(k for _, k in near)
    p3 = np.array([p[0], p[1], sec.height_cm])
    trps, on_bone = [], []
    for tid, q in sorted(trigger_points_3d(side).items()):
        off = in_cone(tid, sec, p, n)
        if off is not None:
            (on_bone if carried_by_bone(tid, sec, p, n) else trps).append((off, tid))
    plates = {v: tuple(float(c) for c in project(p3, v, side)[0]) for v in VIEWS}
    return Contact(angle, sec.height_cm, side, (float(p[0]), float(p[1])), (float(n[0]), float(n[1])),
                   tuple(float(c) for c in p3), plates, muscles, tuple(t for _, t in sorted(trps)),
                   position_name(angle), tuple(t for _, t in sorted(on_bone)))


def contact_path(angles=None, height: float | None = None, side: str = "right") -> list[Contact]:
    angles = np.arange(0.0, 150.0 + 1e-9, 5.0) if angles is None else angles
    return [roll_contact(float(a), height, side) for a in angles]


def angle_to_reach(trp_id: str, side: str = "right") -> float:
    """The roll angle (degrees, 0 = on the back, 90 = on the side) whose contact point comes
    nearest to a trigger point, with the ball at the trigger point's height."""
    from hipball.referral import trp_ids

    check_choice("trigger point", trp_id, trp_ids())
    check_side(side)
    pos = trigger_points_3d(side).get(trp_id)
    if pos is None:
        raise ValueError(f"trigger point: {trp_id!r} has no position in both plate views")
    lo, hi = _height_range(side)
    h = float(np.clip(pos[2], lo, hi))
    sec = cross_section(h, side)
    target = skin_point(trp_id, sec)
    best = min((float(np.hypot(*(_support(sec, a)[0] - target))), a)
               for a in np.arange(ANGLE_RANGE[0], ANGLE_RANGE[1] + 1e-9, SWEEP_STEP_DEG))
    return float(round(best[1]))


@lru_cache(maxsize=256)
def reach_view(trp_id: str, side: str = "right") -> str:
    """The view in which a client sees (and reaches) a spot, by the roll angle that reaches it
    (``angle_to_reach``): under 30 degrees (on the back), from behind; up to 105 (on the side),
    from the side; past it (three-quarters toward face down), the front corner. A view that has
    no place for the spot gives way to the next that has one."""
    from hipball.referral import trigger_point_xy

    try:
        a = angle_to_reach(trp_id, side)
    except ValueError:  # no position in two views: wherever it is drawn
        a = 0.0
    first = "posterior" if a < 30 else ("lateral" if a <= 105 else "anterolateral")
    order = [first] + [v for v in VIEWS if v != first]
    return next((v for v in order if trigger_point_xy(trp_id, v, side) is not None), first)


# Where the body is when the ball reaches a spot, in plain words (trigger_points.csv
# ``position``), lying on a bed or a floor or standing at a wall: the one source of these words
# (the handout's referral key says them after each spot: ``reach_words``).
POSITION_WORDS = {
    "lying": {"supine": "on your back", "side_lying": "on your side",
              "three_quarter_prone": "three-quarters toward face down", "seated": "sitting"},
    "standing": {"supine": "with your back to the wall", "side_lying": "side-on to the wall",
                 "three_quarter_prone": "three-quarters round toward the wall", "seated": "sitting"},
}


def posture_of(surface: str) -> str:
    """'standing' at a wall, else 'lying' (a bed or a floor): the surface's posture in
    surfaces.csv (``hipball.pressure.surfaces``), the keys of ``POSITION_WORDS`` and of the ladders."""
    from hipball.pressure import surfaces

    return surfaces()[surface].posture


def reach_words(trp_id: str, surface: str) -> str:
    """Where the body is to reach a spot on ``surface``: 'on your side', 'three-quarters toward
    face down', 'side-on to the wall' ('' for a position without words)."""
    from hipball.referral import trigger_point

    return POSITION_WORDS[posture_of(surface)].get(trigger_point(trp_id).position, "")


@lru_cache(maxsize=256)
def marked_views(trp_id: str, side: str = "right") -> tuple[str, ...]:
    """The views whose pictures mark a spot with its X (the handout's spoke picture and its
    referral map ask here, so they agree view by view; the mark-by-hand outline keeps the one of
    them that reaches the spot, ``draw.handout._outline_marks``): every view with a place for
    the spot (``referral.trigger_point_xy``), except from behind a spot reached at the front
    corner (``reach_view``: three-quarters toward face down; it lies at the front of the hip, at
    the back view's edge, and a client read its X on the back as a spot to lie on)."""
    from hipball.referral import trigger_point_xy

    front = reach_view(trp_id, side) == "anterolateral"
    return tuple(v for v in VIEWS if trigger_point_xy(trp_id, v, side) is not None
                 and not (front and v == "posterior"))


@lru_cache(maxsize=256)
def past_the_spokes(trp_id: str, side: str, length_cm: float) -> bool:
    """True when rolling out along the spokes does not bring the ball to a spot: in the view of
    the position that reaches it (``referral.position_view``; a spot reached sitting: every view
    that marks it, ``marked_views``) it lies farther than ``REACH_CM`` (the ball's reach from its
    contact point) from every spoke the spoke picture draws there (``spokes.spoke_pattern``: the
    default hub, spokes ``length_cm`` long). The low buttock, the outer thigh, the back of the
    thigh and the low back lie past them: there the spokes stop at the length or short of the
    sitting bone, the sciatic nerve or the hip bone's crest, which rolling on would cross."""
    from shapely.geometry import LineString, Point

    from hipball.referral import position_view, trigger_point_xy
    from hipball.spokes import spoke_pattern

    check_side(side)
    own = position_view(trp_id)
    views = (own,) if own is not None else marked_views(trp_id, side)
    for view in views:
        spot = Point(trigger_point_xy(trp_id, view, side))
        drawn = spoke_pattern(side=side, view=view, length_cm=length_cm).spokes
        if min(LineString([sp.start, sp.end]).distance(spot) for sp in drawn) <= REACH_CM:
            return False
    return True


def marked_spots(view: str, side: str, trp_ids) -> dict[str, tuple[float, float]]:
    """{trp_id: (x, y)} of the spots a picture of ``view`` marks (``marked_views``), each at its
    place in that view (cm, the plate and body-chart frame)."""
    from hipball.referral import trigger_point_xy

    return {t: trigger_point_xy(t, view, side) for t in trp_ids if view in marked_views(t, side)}


def section_point(trp_id: str, sec: Section) -> np.ndarray:
    """Where a trigger point lies in the slice: on its ray from the hip's core, at its layer's
    depth under the skin (the middle of the superficial or of the deep band)."""
    from hipball.referral import trigger_point

    depth = (SUPERFICIAL_DEPTH_CM / 2.0 if trigger_point(trp_id).depth == "superficial"
             else (SUPERFICIAL_DEPTH_CM + DEEP_DEPTH_CM) / 2.0)
    sp = skin_point(trp_id, sec)
    core = np.asarray(load_atlas().landmarks_3d(sec.side)["hip_joint_centre"][:2], dtype=float)
    inward = core - sp
    return sp + depth * inward / np.hypot(*inward)


def trochanter(sec: Section) -> tuple[tuple[float, float], float] | None:
    """The greater trochanter in the slice: (centre, radius) of the disc the section draws, or
    None when the slice is too far from it."""
    gt = load_atlas().landmarks_3d(sec.side)["greater_trochanter"]
    if abs(sec.height_cm - gt[2]) >= TROCHANTER_DRAWN_WITHIN_CM:
        return None
    return (float(gt[0] - side_sign(sec.side) * TROCHANTER_INSET_CM), float(gt[1])), TROCHANTER_RADIUS_CM


def on_trochanter(sec: Section, contact_xy, normal) -> bool:
    """Does the ball rest on the greater trochanter? Its contact patch (radius
    ``CONTACT_RADIUS_CM``) overlaps the bone's disc across the pressing direction, and the bone
    lies under the contact, within the cone's depth."""
    bone = trochanter(sec)
    if bone is None:
        return False
    (c, r) = bone
    rel = np.asarray(c, dtype=float) - np.asarray(contact_xy, dtype=float)
    n = np.asarray(normal, dtype=float)
    depth = -float(rel @ n)  # of the bone's centre under the contact
    across = abs(float(rel[0] * n[1] - rel[1] * n[0]))
    return 0.0 < depth - r <= DEEP_DEPTH_CM and across <= r + CONTACT_RADIUS_CM


def carried_by_bone(trp_id: str, sec: Section, contact_xy, normal) -> bool:
    """With the ball on the greater trochanter, the bone takes the load for the deep trigger
    points at its level (no higher than its tip plus ``TROCHANTER_CAP_CM``)."""
    from hipball.referral import trigger_point

    if trigger_point(trp_id).depth != "deep" or not on_trochanter(sec, contact_xy, normal):
        return False
    tip = load_atlas().landmarks_3d(sec.side)["trochanter_tip"][2]
    return float(trigger_points_3d(sec.side)[trp_id][2]) <= tip + TROCHANTER_CAP_CM


def in_section(trp_id: str, sec: Section) -> bool:
    """Is the trigger point near enough the slice's height to be drawn in it?"""
    q = trigger_points_3d(sec.side).get(trp_id)
    return q is not None and abs(q[2] - sec.height_cm) <= TRP_HEIGHT_TOL_CM


def pressed(trp_id: str, sec: Section, contact_xy, normal) -> float | None:
    """The trigger point's distance from the contact's axis (cm) if the ball at ``contact_xy``
    (outward skin normal ``normal``) presses it, else None (see the module docstring): inside
    the pressure cone and not carried by the greater trochanter."""
    off = in_cone(trp_id, sec, contact_xy, normal)
    return None if off is None or carried_by_bone(trp_id, sec, contact_xy, normal) else off


def in_cone(trp_id: str, sec: Section, contact_xy, normal) -> float | None:
    """The trigger point's distance from the contact's axis (cm) if it lies inside the pressure
    cone under the ball, else None (bone not considered)."""
    if not in_section(trp_id, sec):
        return None
    r = section_point(trp_id, sec) - np.asarray(contact_xy, dtype=float)
    n = np.asarray(normal, dtype=float)
    depth = -float(r @ n)
    if not 0.0 <= depth <= DEEP_DEPTH_CM:
        return None
    dz = float(trigger_points_3d(sec.side)[trp_id][2] - sec.height_cm)
    off = float(np.sqrt(max(float(r @ r) - depth * depth, 0.0) + dz * dz))
    return off if off <= CONTACT_RADIUS_CM + PRESSURE_SPREAD * depth else None


def skin_point(trp_id: str, sec: Section) -> np.ndarray:
    """Where the ray from the hip's core through a trigger point meets the skin of ``sec``."""
    core = load_atlas().landmarks_3d(sec.side)["hip_joint_centre"][:2]
    return _exit_point(sec, core, trigger_points_3d(sec.side)[trp_id][:2])


def _exit_point(sec: Section, core, point) -> np.ndarray:
    """Where the ray from ``core`` through ``point`` leaves the slice's skin ellipse."""
    c, (a, b) = np.array(sec.centre), sec.semi_axes
    o = np.asarray(core, dtype=float) - c
    d = np.asarray(point, dtype=float) - np.asarray(core, dtype=float)
    if np.hypot(*d) < 1e-6:
        d = np.array([side_sign(sec.side), 0.0])
    # solve |(o + t d) / (a, b)| = 1 for the larger t
    A = (d[0] / a) ** 2 + (d[1] / b) ** 2
    B = 2 * (o[0] * d[0] / a ** 2 + o[1] * d[1] / b ** 2)
    C = (o[0] / a) ** 2 + (o[1] / b) ** 2 - 1
    t = (-B + np.sqrt(max(B * B - 4 * A * C, 0.0))) / (2 * A)
    return c + o + t * d
