"""A person on the ball: a simple 3D figure posed for each step of the routine.

The pictures of the routine (``hipball.draw.position``) are drawn from this model, so that
the body's proportions and the ball's place are the ones the rest of hipball uses:

* Proportions: the body chart's stature (H = 169 cm) and Drillis & Contini's fractions of
  stature (1966, as reproduced in Winter 2009, Fig. 4.1): thigh 0.245 H, shank 0.246 H, upper
  arm 0.186 H, forearm 0.146 H, hand 0.108 H, foot 0.152 H, shoulder height 0.818 H, chin
  height 0.870 H, shoulder width 0.259 H, ankle height 0.039 H. Widths and depths of the
  pelvis and waist come from the body chart (``hipball.bodychart.span_at``); the buttocks are
  exactly the rolling model's slice (``hipball.roll.cross_section``). Limb girths, chest and
  head sizes are labelled estimates (``ESTIMATES``) of an average adult.
* The body is a set of ellipsoids; a segment is the convex hull of two or three of them
  (a tapered capsule). Drawn, each segment's outline is the convex hull of its projected
  ellipsoids, which is exact for an orthographic view.
* The roll: the body turns about its long axis by the roll angle, the same angle and the same
  direction as ``hipball.roll`` (0 = on the back, 90 = on the side, 120 = three-quarters toward
  face down). The ball touches the hip at ``roll_contact(angle).point_3d`` with the skin's
  normal there; it rests on the floor (or against the wall). The upper body is then tilted
  about the ball until the shoulders rest on the floor, or the forearm props them; the limbs
  reach their supports by two-segment inverse kinematics. Standing, the body leans into the
  ball and the upper body bends away from the wall at the waist just enough to stay off it (turned
  further toward the wall, both hands hold it 14 cm off, so the forearms show reaching the wall).
* Left is the mirror image of right (the rolling model's left side, and the picture mirrored
  left to right): a left-hip picture shows the person from their left.

Coordinates: the subject frame of the atlas (cm; x to the right, y to the front, z up,
standing), and a world frame for the picture: X along the floor (the head toward +X on the
right side), Y toward the viewer, Z up; the floor is Z = 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
import re

import numpy as np

from hipball._choices import check_choice, check_range
from hipball.frame import HANDOUT_SIDES, SIDES, check_side, mirror, mirror_x  # noqa: F401 (SIDES: re-exported)
from hipball.pressure import BALLS, balls
POSITIONS = ("back", "spoke", "half", "side", "front", "wall", "wall_side", "wall_front")
FRONT_CORNER_ANGLE = 120.0  # the "three-quarters" picture; the rolling model reaches the front corner here

# Drillis & Contini (1966), via Winter (2009) Fig. 4.1: fractions of stature H.
DRILLIS_CONTINI = {
    "thigh": 0.245, "shank": 0.246, "upper_arm": 0.186, "forearm": 0.146, "hand": 0.108,
    "foot_length": 0.152, "foot_width": 0.055, "ankle_height": 0.039,
    "shoulder_height": 0.818, "chin_height": 0.870, "shoulder_width": 0.259,
}
# Estimates (cm) of an average adult, for the parts the cited tables do not give.
ESTIMATES = {
    "thigh_radius": (8.0, 6.8, 5.0),    # at the hip, a third down, the knee
    "shank_radius": (5.0, 5.4, 3.3),    # knee, calf, ankle
    "upper_arm_radius": (4.6, 3.7),     # shoulder, elbow
    "forearm_radius": (3.6, 3.8, 2.5),  # elbow, a quarter down, wrist
    "chest": (15.5, 11.0, 11.5),        # semi-axes across, front to back, up
    "shoulders": (18.0, 7.5, 5.0),
    "head": (7.6, 9.6, 11.0),
    "neck_radius": 5.4,
}

# The support of the upper body, per position: "floor" (the shoulders rest on it), "forearm"
# (propped on the lower forearm), "standing".
CUES = {
    "back": ("On your back", "Knees bent, feet flat. Lift your hips a little to press less."),
    "spoke": ("Roll out along a spoke", "Push gently with your feet: out along one line, slowly back."),
    "half": ("Half turned", "Knees bent, dropped toward the ball side. Push with your feet to press less."),
    "side": ("On your side", "Prop yourself on your forearm; put the top foot down in front of you to take weight off."),
    "front": ("Three-quarters toward face down", "Past your side, for the front corner. Forearms take the "
              "weight. Move the ball off at once if it tingles or shoots down the leg."),
    "wall": ("Back to the wall", "Ball behind the hip, arms loose. Lean back to press more; "
             "step your feet closer to the wall to ease off."),
    "wall_side": ("Side to the wall", "Turn slowly: ball at the side of the hip, one hand on the wall. "
                  "Bend your knees a little to roll it up and down."),
    "wall_front": ("Turn further toward the wall", "Both hands on the wall: ball at the front corner. "
                   "Move it off at once if it tingles or shoots down the leg."),
}
ANGLES = {"back": 0.0, "spoke": 0.0, "half": 45.0, "side": 90.0, "front": FRONT_CORNER_ANGLE, "wall": 0.0,
          "wall_side": 90.0, "wall_front": FRONT_CORNER_ANGLE}
# (azimuth, elevation) of the view, degrees. Lying, the floor is a plane seen from a little above:
# every part that rests on it (the ball, a foot, an elbow) touches it at its own depth, and the
# nearer ones are drawn lower by depth * sin(elevation). The pictures are about the ball on the
# floor, so the camera stays low enough that the ball is the farthest (highest drawn) floor contact
# or level with it (its lowest point on the floor's back edge), and the floor band, which spans the
# contacts' depths, stays thin: profile (0) where a supporting part lies behind the ball (the far
# forearm three-quarters toward face down, the far foot on the back), a little above where
# the near limbs' direction matters (half turned: the knees dropped toward the ball side; on the
# side: the forearm and the top foot in front); three-quarters toward face down, turned 15 degrees
# toward the head (a turn about the vertical keeps every floor contact on one line) so the far
# forearm shows beside the near one ("forearms take the weight"). (The first pictures, from 20-26 degrees up, drew
# the near elbow and foot 10-17 cm below the ball's contact: the ball floated above the floor.)
CAMERAS = {"back": (0.0, 0.0), "spoke": (0.0, 0.0), "half": (0.0, 6.0), "side": (0.0, 6.0),
           "front": (15.0, 0.0), "wall": (0.0, 0.0), "wall_side": (0.0, 0.0), "wall_front": (0.0, 0.0)}
# Standing: how far the body leans into the wall (degrees) per step, and where the hands go:
# back to the wall, arms hang; side-on, the ball-side hand on the wall; turned further, both (the
# hands on the wall hold the chest and head off it, so this step leans least).
# Standing: the knees bend at least this much (degrees from straight), as the cues say.
STANDING_KNEE_BEND = 18.0
# ... more where the picture must show it and how far the toes (and the knees over them) turn out
# (the lateral share of the foot's direction): side to the wall, seen from the front, a knee bent
# straight toward the viewer does not show (0 degrees drawn of 18)
KNEE_BEND = {"wall_side": 24.0}
TOES_OUT = {"wall_side": 0.8}
WALL_LEAN = {"wall": 6.0, "wall_side": 10.0, "wall_front": 5.0}
# The upper body's extra roll beyond the pelvis's (degrees, + = further toward face down): half
# turned, the shoulders stay nearer flat on the floor than the pelvis; three-quarters toward face
# down, the chest turns further down onto the forearms than the pelvis; at the wall, the chest
# turns further toward the wall, square to it for both hands (the pelvis keeps the rolling model's angle: the ball's
# place and measured_roll read the pelvis).
TWIST = {"half": -25.0, "side": 10.0, "front": 50.0, "wall_front": 30.0}
# The head turned about the neck (degrees, + = the face toward the ball side, here the floor): on
# the side, the face looks down past the chest's front at the hands on the floor, a profile in the
# picture (looking straight out of the chest, the face turned to the viewer on a body seen side-on)
HEAD_TURN = {"side": 70.0}
# Propped on the forearm: the lower shoulder's height above the floor, as a fraction of the upper
# arm (side: the upper arm about upright; three-quarters: the chest lower, on both forearms).
PROP = {"side": 0.6, "front": 0.62}
SUPPORT = {"back": "floor", "spoke": "floor", "half": "floor", "side": "forearm", "front": "forearm",
           "wall": "standing", "wall_side": "standing", "wall_front": "standing"}


def _H(name: str) -> float:
    from hipball.bodychart import STATURE_CM

    return DRILLIS_CONTINI[name] * STATURE_CM


@dataclass(frozen=True)
class Ellipsoid:
    centre: np.ndarray  # (3,)
    axes: np.ndarray  # (3, 3): the points are centre + axes @ u for |u| <= 1

    def moved(self, R: np.ndarray, t=(0.0, 0.0, 0.0)) -> Ellipsoid:
        return Ellipsoid(R @ self.centre + np.asarray(t, float), R @ self.axes)


def sphere(c, r: float) -> Ellipsoid:
    return Ellipsoid(np.asarray(c, float), np.eye(3) * r)


def ellipsoid(c, semi) -> Ellipsoid:
    return Ellipsoid(np.asarray(c, float), np.diag(np.asarray(semi, float)))


@dataclass(frozen=True)
class Segment:
    """One convex piece of the body (the hull of its ellipsoids)."""

    name: str
    group: str  # drawn as one outline with the other segments of its group
    parts: tuple[Ellipsoid, ...]


@dataclass(frozen=True)
class Camera:
    azimuth_deg: float = 0.0
    elevation_deg: float = 10.0

    def basis(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(image right, image up, toward the viewer), world vectors: a right-handed frame
        (right x up = toward the viewer), so the picture is what a viewer standing there sees
        and not its mirror image (a person facing the viewer has their right side on the
        viewer's left)."""
        a, e = np.radians(self.azimuth_deg), np.radians(self.elevation_deg)
        rz = np.array([[np.cos(a), -np.sin(a), 0.0], [np.sin(a), np.cos(a), 0.0], [0.0, 0.0, 1.0]])
        view = rz @ np.array([0.0, np.cos(e), np.sin(e)])
        right = rz @ np.array([-1.0, 0.0, 0.0])
        return right, np.cross(view, right), view


@dataclass(frozen=True)
class Pose:
    position: str
    side: str
    ball: str
    roll_deg: float  # the rolling model's angle (0 back, 90 side)
    segments: tuple[Segment, ...]
    ball_centre: np.ndarray  # world
    ball_radius_cm: float
    contact_world: np.ndarray  # where the ball touches the hip (world)
    contact_subject: tuple[float, float, float]  # the same point, subject frame (= roll_contact)
    joints: dict  # name -> world point
    wall_x: float | None  # the wall plane X = wall_x (standing), else None
    camera: Camera
    title: str
    cue: str
    trigger_points: tuple[str, ...] = field(default=())  # under the ball (hipball.roll)

    def outlines(self) -> dict[str, np.ndarray]:
        """Each group's outline in picture coordinates (cm), with its depth: see ``project``."""
        return {g: ring for g, (ring, _) in project(self).items()}


# ---------------------------------------------------------------------- the standing body
@lru_cache(maxsize=1)
def _standing() -> tuple[dict[str, Ellipsoid], dict[str, np.ndarray]]:
    """Torso ellipsoids and joint centres of the right-side model, subject frame (standing)."""
    from hipball.bodychart import REFERENCE_LANDMARKS, span_at
    from hipball.roll import cross_section

    sec = cross_section(None, "right")
    (cx, cy), (a, b) = sec.centre, sec.semi_axes
    h = sec.height_cm
    parts = {
        "buttock_r": ellipsoid((cx, cy, h), (a, b, 10.5)),
        "buttock_l": ellipsoid((-cx, cy, h), (a, b, 10.5)),
    }
    zw = 108.0  # waist: the body chart's widths and depths at this height
    w = span_at("posterior", zw)[1]
    d0, d1 = span_at("lateral", zw)
    parts["waist"] = ellipsoid((0.0, (d0 + d1) / 2, zw), (w, (d1 - d0) / 2, 6.0))
    sh = _H("shoulder_height")
    ch = ESTIMATES["chest"]
    parts["chest"] = ellipsoid((0.0, -6.0, sh - 12.5), ch)
    parts["shoulders"] = ellipsoid((0.0, -6.5, sh - 3.0), ESTIMATES["shoulders"])
    chin = _H("chin_height")
    parts["neck_base"] = sphere((0.0, -5.5, sh + 2.0), ESTIMATES["neck_radius"])
    parts["neck_top"] = sphere((0.0, -3.5, chin + 2.0), ESTIMATES["neck_radius"] * 0.92)
    hd = ESTIMATES["head"]
    parts["head"] = ellipsoid((0.0, -1.0, chin + hd[2] - 0.5), hd)
    # the face, drawn a little larger than life so the head's direction reads at handout size:
    # the nose, the jaw, and the eyes (points, for the drawing's eye marks)
    parts["nose"] = ellipsoid((0.0, 8.8, chin + 8.0), (1.5, 2.8, 2.6))
    parts["jaw"] = ellipsoid((0.0, 3.5, chin + 3.2), (5.2, 5.2, 3.6))
    for k, o in (("eye_r", 1.0), ("eye_l", -1.0)):
        parts[k] = sphere((3.2 * o, 7.4, chin + 11.5), 0.3)
    lm = REFERENCE_LANDMARKS
    hip = np.array([lm["posterior"]["hip_joint_centre"][0], lm["lateral"]["hip_joint_centre"][0],
                    lm["posterior"]["hip_joint_centre"][1]])
    shoulder = np.array([_H("shoulder_width") / 2 - 4.5, -6.5, sh - 3.0])
    joints = {"hip_r": hip, "hip_l": mirror(hip), "shoulder_r": shoulder, "shoulder_l": mirror(shoulder),
              "neck": np.array([0.0, -5.5, sh + 2.0])}
    return parts, joints


# ---------------------------------------------------------------------- rotations
def _rot(axis, deg: float) -> np.ndarray:
    x, y, z = np.asarray(axis, float) / np.linalg.norm(axis)
    t = np.radians(deg)
    c, s, C = np.cos(t), np.sin(t), 1 - np.cos(t)
    return np.array([[c + x * x * C, x * y * C - z * s, x * z * C + y * s],
                     [y * x * C + z * s, c + y * y * C, y * z * C - x * s],
                     [z * x * C - y * s, z * y * C + x * s, c + z * z * C]])


# subject frame -> world, right side: lying on the back (x toward the viewer, front up, head
# toward +X) and standing (x toward the viewer, front toward -X, head up)
_LYING = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
_STANDING = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])


def _two_link(root, target, l1: float, l2: float, pole) -> tuple[np.ndarray, np.ndarray]:
    """(middle joint, end) of a two-segment limb from ``root`` toward ``target``, bending
    toward ``pole`` (a direction). Out of reach: straight toward the target."""
    root, target, pole = (np.asarray(v, float) for v in (root, target, pole))
    d = target - root
    dist = float(np.linalg.norm(d))
    u = d / dist
    if dist >= l1 + l2 - 1e-6:
        mid = root + u * l1 * 0.999
        return mid, root + u * (l1 + l2) * 0.999
    dist = max(dist, abs(l1 - l2) + 1e-3)
    x = (l1 * l1 - l2 * l2 + dist * dist) / (2 * dist)
    y = np.sqrt(max(l1 * l1 - x * x, 0.0))
    p = pole - (pole @ u) * u
    p = p / (np.linalg.norm(p) or 1.0)
    return root + u * x + p * y, root + u * dist


def _off_floor(root, target, l1, l2, pole, r_mid):
    """Two-segment inverse kinematics, turning the bend upward until the middle joint (knee,
    elbow) stays above the floor."""
    pole = np.asarray(pole, float)
    for _ in range(12):
        mid, end = _two_link(root, target, l1, l2, pole)
        if mid[2] >= r_mid + 0.1:
            break
        pole = pole / (np.linalg.norm(pole) or 1.0) + np.array([0.0, 0.0, 0.5])
    return mid, end


_LIMB_BULGE = 0.28  # where the lower limb is thickest (calf, forearm), a fraction from knee or elbow


def _limb(prefix: str, group: str, root, mid, end, radii_a, radii_b) -> list[Segment]:
    r1 = radii_a
    a = [sphere(root, r1[0]), sphere(root + (mid - root) * 0.33, r1[1]), sphere(mid, r1[2] if len(r1) > 2 else r1[1])]
    b = [sphere(mid, radii_b[0]), sphere(mid + (end - mid) * _LIMB_BULGE, radii_b[1]), sphere(end, radii_b[2])]
    # one outline per limb (thigh and shank, upper arm and forearm): a smooth silhouette bending
    # at the knee or elbow, as line-art draws a limb, not two capsules
    return [Segment(f"{prefix}_upper", group, tuple(a)), Segment(f"{prefix}_lower", group, tuple(b))]


def _foot(ankle, forward, up) -> tuple[Ellipsoid, ...]:
    """A foot from the ankle: heel behind and below the ankle, the instep, the ball of the foot
    and the toes in front (forward), the sole at ankle height below the ankle (``up`` is the
    sole's normal). Heel to toe tip is Drillis & Contini's foot length."""
    f = np.asarray(forward, float)
    f /= np.linalg.norm(f)
    s = np.asarray(up, float)
    s = s - (s @ f) * f
    s /= np.linalg.norm(s)
    length, h = _H("foot_length"), _H("ankle_height")
    back = 0.2 * length  # heel's back behind the ankle
    return (sphere(ankle, 2.9),
            sphere(ankle - (h - 3.0) * s - (back - 3.0) * f, 3.0),  # heel
            ellipsoid_along(ankle - (h - 3.6) * s + 0.28 * length * f, f, s, (5.5, 3.5, 3.3)),  # instep
            sphere(ankle - (h - 2.3) * s + (0.8 * length - 7.0) * f, 2.3),  # ball of the foot
            sphere(ankle - (h - 1.2) * s + (0.8 * length - 1.2) * f, 1.2))  # toes


def _resting_ankle(forward, up) -> float:
    """The ankle's height when the foot (``_foot``'s directions) rests on the floor."""
    return -min(float(e.centre[2] - np.linalg.norm(e.axes[2])) for e in _foot(np.zeros(3), forward, up))


def ellipsoid_along(c, f, s, semi) -> Ellipsoid:
    """An ellipsoid with semi-axes ``semi`` along f, f x s and s (unit, orthogonal)."""
    f, s = np.asarray(f, float), np.asarray(s, float)
    side = np.cross(f, s)
    return Ellipsoid(np.asarray(c, float), np.c_[f * semi[0], side * semi[1], s * semi[2]])


def _hand(wrist, forward, up) -> tuple[Ellipsoid, ...]:
    f = np.asarray(forward, float)
    f /= np.linalg.norm(f)
    length = _H("hand")
    s = np.asarray(up, float)
    s = s - (s @ f) * f
    s /= np.linalg.norm(s) or 1.0
    return (sphere(wrist, 2.5), sphere(wrist + 0.45 * length * f - 0.2 * s, 2.6),
            sphere(wrist + 0.85 * length * f - 0.4 * s, 1.6))


def _prop(shoulder, reach, along):
    """A forearm flat on the floor: the elbow on it, reached from the shoulder in the horizontal
    direction ``reach`` (the upper arm's full length: the lower the shoulder, the further out),
    the forearm along the horizontal direction ``along``. Returns (elbow, wrist, the hand's
    forward, the hand's up)."""
    up = np.array([0.0, 0.0, 1.0])
    # the forearm lies on the floor along its thickest part (a quarter of the way down, see _limb),
    # the wrist on it too: the elbow's height follows (drawn through the two, it neither floats
    # nor sinks)
    fr = ESTIMATES["forearm_radius"]
    r_w = fr[2] + 0.05
    r_e = r_w + (fr[1] + 0.05 - r_w) / (1 - _LIMB_BULGE)
    s = np.asarray(shoulder, float)
    u, a = (np.array([v[0], v[1], 0.0]) / np.hypot(v[0], v[1]) for v in (reach, along))
    flat = np.sqrt(max(_H("upper_arm") ** 2 - (s[2] - r_e) ** 2, 0.0))
    elbow = np.array([s[0], s[1], r_e]) + flat * u
    wrist = elbow + _H("forearm") * a
    wrist[2] = r_w
    return elbow, wrist, a, up


# ---------------------------------------------------------------------- posing
def _support_pitch(fn, lo: float, hi: float) -> float:
    """Bisection: the angle in [lo, hi] where ``fn`` (increasing in the angle) crosses 0."""
    f_lo = fn(lo)
    if f_lo >= 0:
        return lo
    for _ in range(40):
        m = (lo + hi) / 2
        if fn(m) < 0:
            lo = m
        else:
            hi = m
    return (lo + hi) / 2


def _lowest(parts, R, t) -> float:
    return min(float((R @ p.centre + t)[2] - np.linalg.norm((R @ p.axes)[2])) for p in parts)


def pose(position: str = "back", side: str = "right", ball: str = "tennis", *, angle_deg: float | None = None) -> Pose:
    """The person in one step of the routine (``POSITIONS``), with the ball under the hip
    where ``hipball.roll`` puts it. ``angle_deg`` overrides the position's roll angle (e.g.
    135 for the far end of the front-corner range)."""
    check_choice("position", position, POSITIONS)
    check_side(side)
    check_choice("ball", ball, BALLS)
    angle = ANGLES[position] if angle_deg is None else check_range("angle_deg", angle_deg, 0.0, 150.0, " degrees")
    return _pose_right(position, ball, float(angle)) if side == "right" else _pose_left(position, ball, float(angle))


@lru_cache(maxsize=64)
def _pose_left(position: str, ball: str, angle: float) -> Pose:
    return _mirror(_pose_right(position, ball, angle))


def ball_radius_cm(ball: str) -> float:
    """Half the ball's diameter (data/balls.csv)."""
    return balls()[check_choice("ball", ball, BALLS)].diameter_mm / 20.0


def _reach(knee_bend_deg: float) -> float:
    """Hip to ankle with the knee bent this much from straight."""
    a, b = _H("thigh"), _H("shank")
    return float(np.sqrt(a * a + b * b + 2 * a * b * np.cos(np.radians(knee_bend_deg))))


_UPPER = ("chest", "shoulders", "neck_base", "neck_top", "head", "jaw", "nose", "eye_r", "eye_l")  # above the waist
WALL_CLEAR_CM = 1.0  # standing, the chest and shoulders keep this far off the wall
# ... more where both hands hold the upper body off the wall (turned further toward it): the
# forearms then show reaching across the gap to the wall, not folded against the chest
WALL_HOLD_CM = {"wall_front": 14.0}


def _turn_upper(parts: dict, joints: dict, R: np.ndarray, pivot) -> tuple[dict, dict]:
    """The body above the waist (``_UPPER``, the shoulders and the neck) turned by ``R`` about
    ``pivot``: the chest's twist against the pelvis, and standing, the bend away from the wall."""
    t = np.asarray(pivot, float) - R @ pivot
    return ({k: (e.moved(R, t) if k in _UPPER else e) for k, e in parts.items()},
            {k: (R @ v + t if k.startswith(("shoulder", "neck")) else v) for k, v in joints.items()})


@lru_cache(maxsize=64)
def _pose_right(position: str, ball: str, angle: float) -> Pose:
    from hipball.roll import roll_contact

    parts, joints = _standing()
    twist = TWIST.get(position, 0.0)
    if twist:
        parts, joints = _turn_upper(parts, joints, _rot((0, 0, 1), -twist), np.array([0.0, parts["waist"].centre[1], 0.0]))
    r = ball_radius_cm(ball)
    c = roll_contact(angle, None, "right")
    p = np.asarray(c.point_3d)
    n = np.array([c.normal[0], c.normal[1], 0.0])
    support = SUPPORT[position]
    base = _STANDING if support == "standing" else _LYING
    R0 = base @ _rot((0, 0, 1), -angle)
    centre = R0 @ p + r * (R0 @ n)  # ball centre before moving the body
    if support == "standing":
        t0 = np.array([0.0, 0.0, 0.0]) - [centre[0], 0.0, 0.0]  # stands on its own height
        t0 = t0 + [0.0, 0.0, -2.5]  # knees a little bent
    else:
        t0 = np.array([-centre[0], 0.0, r - centre[2]])
    ball_c = R0 @ p + r * (R0 @ n) + t0

    def placed(phi):
        P = _rot((0, 1, 0), phi)
        R = P @ R0
        t = P @ (t0 - ball_c) + ball_c  # about the ball's centre
        return R, t

    if support == "floor":  # tilt head-down until the upper back rests on the floor
        rest = [parts["chest"], parts["shoulders"], sphere(joints["shoulder_r"], ESTIMATES["upper_arm_radius"][0])]
        phi = _support_pitch(lambda a: -_lowest(rest, *placed(a)), -20.0, 30.0)
    elif support == "forearm":  # tilt head-up: the lower shoulder at the height the forearm props it
        prop = _H("upper_arm") * PROP[position] + 3.0

        def shoulder_gap(a):
            R, t = placed(a)
            return (R @ joints["shoulder_r"] + t)[2] - prop
        phi = -_support_pitch(lambda a: shoulder_gap(-a), -10.0, 40.0)
    else:  # leaning into the wall, more as the body turns toward it (the pictures differ at a glance)
        phi = WALL_LEAN[position]
    R, t = placed(phi)
    if support == "standing":
        ball_c = R @ p + r * (R @ n) + t
        # the hips lean into the ball, the chest stays off the wall: the upper body bends away from
        # it at the waist just enough that the chest, the head and the shoulders (with the upper
        # arms' thickness) keep WALL_CLEAR_CM from it (side-on, leaning the whole body put the
        # shoulder and the upper arm 3-7 cm into the wall)
        wall = ball_c[0] + r
        pivot = parts["waist"].centre
        axis = R.T @ np.array([0.0, 1.0, 0.0])

        def bent(b):
            return _turn_upper(parts, joints, _rot(axis, -b), pivot)

        def clearance(b):
            ps, js = bent(b)
            ext = [ps[k] for k in ("chest", "shoulders", "head")]
            ext += [sphere(js[k], ESTIMATES["upper_arm_radius"][0]) for k in ("shoulder_r", "shoulder_l")]
            return wall - WALL_HOLD_CM.get(position, WALL_CLEAR_CM) - max(float((R @ e.centre + t)[0] + np.linalg.norm((R @ e.axes)[0])) for e in ext)
        parts, joints = bent(_support_pitch(clearance, 0.0, 45.0))
        # knees bent: the higher hip (leaning side-on tilts the pelvis) low enough that its leg reaches
        # the floor bent by STANDING_KNEE_BEND with the foot a little out (else that leg stood straight)
        bent_reach = _reach(KNEE_BEND.get(position, STANDING_KNEE_BEND))
        high = max(float((R @ joints[k] + t)[2]) for k in ("hip_r", "hip_l"))
        drop = max(0.0, high - _H("ankle_height") - np.sqrt(bent_reach ** 2 - 10.0 ** 2))
        t = t - np.array([0.0, 0.0, drop])
        ball_c = ball_c - np.array([0.0, 0.0, drop])
    W = {k: R @ v + t for k, v in joints.items()}
    W["_t"] = t
    W["_wall"] = np.array([ball_c[0] + r, 0.0, 0.0])
    segs = [Segment("pelvis", "torso", tuple(parts[k] for k in ("buttock_r", "buttock_l", "waist"))),
            Segment("chest", "torso", tuple(parts[k] for k in ("waist", "chest", "shoulders")))]
    segs = [Segment(s.name, s.group, tuple(e.moved(R, t) for e in s.parts)) for s in segs]
    # the head: bend the neck forward just enough to keep the head off the floor
    head = [parts[k] for k in ("neck_base", "neck_top", "head", "jaw", "nose", "eye_r", "eye_l")]
    neck = joints["neck"]
    bend = 0.0
    if support != "standing":
        def head_gap(b):
            Rh = _rot((1, 0, 0), -b)  # chin toward the chest (subject frame)
            moved = [e.moved(Rh, neck - Rh @ neck) for e in head[2:5]]
            return _lowest(moved, R, t) - 0.5
        bend = _support_pitch(head_gap, -25.0, 70.0) if support == "floor" else 0.0
    Rh = _rot((1, 0, 0), -bend) @ _rot((0, 0, 1), -HEAD_TURN.get(position, 0.0))
    hd = [e.moved(Rh, neck - Rh @ neck).moved(R, t) for e in head]
    segs.append(Segment("neck", "head", tuple(hd[:2])))
    segs.append(Segment("head", "head", tuple(hd[2:4])))
    segs.append(Segment("nose", "head", (hd[4],)))
    W["eye_r"], W["eye_l"], W["head_centre"] = hd[5].centre, hd[6].centre, hd[2].centre
    segs += _limbs(position, angle, R, W)
    W.pop("_t")
    W.pop("_wall")
    title, cue = CUES[position]
    wall_x = float(ball_c[0] + r) if support == "standing" else None
    cam = Camera(*CAMERAS[position])
    return Pose(position, "right", ball, angle, tuple(segs), ball_c, r, R @ p + t, tuple(float(v) for v in p),
                W, wall_x, cam, title, cue, c.trigger_points)


def _limbs(position: str, angle: float, R: np.ndarray, W: dict) -> list[Segment]:
    """Legs and arms, reaching their supports (world targets per position)."""
    L = {k: _H(k) for k in ("thigh", "shank", "upper_arm", "forearm")}
    ank = _H("ankle_height")
    front = R @ np.array([0.0, 1.0, 0.0])  # the body's front, world
    head_dir = R @ np.array([0.0, 0.0, 1.0])
    up, X, Y = np.array([0.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])
    out: list[Segment] = []
    hr, hl, sr, sl = W["hip_r"], W["hip_l"], W["shoulder_r"], W["shoulder_l"]

    def at(p, dx=0.0, dy=0.0, z=None):
        return np.array([p[0] + dx, p[1] + dy, p[2] if z is None else z])

    legs, arms, props = {}, {}, {}
    if position in ("back", "spoke"):
        for k, h in (("r", hr), ("l", hl)):
            legs[k] = (at(h, -46, 0, ank), up + 0.1 * -X, (-X, up))
        for k, o in (("r", 1), ("l", -1)):  # hands resting on the belly, clear of the ball
            arms[k] = (R @ np.array([5.0 * o, 9.0, 100.0 - 4 * o]) + W["_t"], o * Y - up * 0.5, (-X, up))
    elif position == "half":  # knees bent, feet flat, leaning toward the ball side; arms on the floor
        legs["r"] = (at(hr, -44, 14, ank), up + 0.8 * Y, (-X, up))
        legs["l"] = (at(hl, -44, 14, ank), up + 0.8 * Y, (-X, up))
        arms["r"] = (R @ np.array([4.0, 10.0, 100.0]) + W["_t"], Y - up * 0.5, (-X, up))  # the near hand on the belly
        arms["l"] = (R @ np.array([-5.0, 9.0, 104.0]) + W["_t"], -Y - up * 0.5, (-X, up))  # the far hand too
    elif position == "side":  # propped on the lower forearm; the top arm along the flank
        legs["r"] = (at(hr, -78, 2, ank), front - 0.3 * up, (-X, up))
        # the top foot flat on the floor in front of the lower knee, the top knee up toward the ceiling
        # over it (the shank about upright in the picture); bent forward at the hip with the foot
        # behind the knee, a client read the picture as crawling and the foot as behind
        legs["l"] = (at(hl, -30, 36, ank), up - 0.6 * X + 0.8 * front, (-X, up))
        # the lower elbow on the floor under the shoulder (a little toward the feet, so the picture shows
        # a right angle at the elbow, not an arm sloping out toward the viewer), the forearm
        # flat on the floor pointing the way the face looks
        props["r"] = _prop(sr, -0.3 * X + Y, X + 0.4 * Y)
        # the top hand on the floor in front of the chest, taking weight ("forearms take the weight"),
        # the elbow bent back toward the feet (along the flank, the hand on the hip and the elbow
        # behind, the arm read as raised). Under the top shoulder, by the lower elbow: nearer the
        # feet, the arm filled the gap where the ball's pointer starts (it then crossed the thigh),
        # and further out the arm straightens (the shoulder is higher than the arm is long bent)
        arms["l"] = (at(sl, 0.0, 0.0, 0.0) + 4.0 * np.array([front[0], front[1], 0.0]) / np.hypot(front[0], front[1]),
                     -X + 0.5 * up, (X + 0.3 * Y, up))
    elif position == "front":  # chest down on both forearms, legs long behind
        # the feet on the floor, toes pointing back (the ankles as high as the foot's shape puts
        # them when it rests: the first pictures held the legs 2-4 cm above the floor)
        foot_dir = (-X - 0.25 * up, -up)
        ankle_z = max(_resting_ankle(*foot_dir), ESTIMATES["shank_radius"][2] + 0.05)
        # the knees a little bent the way knees bend, toward the body's front (the floor), resting on it
        # (bent toward the ceiling they read, and were, bent backward: 12-36 degrees)
        legs["r"] = (at(hr, -80, -2, ankle_z), front, foot_dir)
        legs["l"] = (at(hl, -77, 14, ankle_z), front, foot_dir)
        # the elbows on the floor straight out from under the shoulders (the chest low between
        # them), the forearms flat on the floor ahead, toward the head
        props["r"] = _prop(sr, 0.0 * X - Y, X + 0.15 * Y)
        props["l"] = _prop(sl, 0.0 * X + Y, X - 0.15 * Y)
    else:  # wall: standing, knees a little bent, feet forward of the hips
        out_x = 14.0 + 1.6 * (WALL_LEAN[position] - WALL_LEAN["wall"])  # leaning more: feet further out
        fwd = np.array([front[0], front[1], 0.0])
        fwd /= np.linalg.norm(fwd)
        lateral = np.cross(up, fwd)  # the body's right, on the floor (right side model)
        far_step = 9.0 if angle < 45 else 0.0
        flats = {k: np.sqrt(max(_reach(KNEE_BEND.get(position, STANDING_KNEE_BEND)) ** 2 - (h[2] - ank) ** 2, 0.0)) for k, h in (("r", hr), ("l", hl))}
        for k, h, o, step in (("r", hr, 1.0, 0.0), ("l", hl, -1.0, far_step)):
            # the far foot a step ahead of the near one, so the two legs read apart in profile;
            # the toes turned out a little, the knees bending forward over them
            # the knees a little bent: a foot further out than a bent leg reaches comes in toward the
            # hip (the far foot's step ahead is added after, so the legs still read apart)
            # each foot within its own leg's bent reach (out from the wall, the far one a step further
            # ahead): both knees bend (the far foot was a step beyond the near leg's reach, and the far
            # knee stood straight)
            offset = np.array([-min(out_x, flats[k] - far_step), 0.0, 0.0]) + step * fwd
            offset *= min(1.0, flats[k] / (np.linalg.norm(offset) or 1.0))
            foot = np.array([h[0], h[1], ank]) + offset
            toes = fwd - TOES_OUT.get(position, 0.5) * o * lateral
            legs[k] = (foot, toes if position in TOES_OUT else fwd, (toes, up))
        for k, s, o in (("r", sr, 1), ("l", sl, -1)):
            arms[k] = (at(s, -3, 3 * o, s[2] - 56.0), X, (-up, -X))
        if angle >= 60:  # turned to the wall: the ball-side hand on the wall, clear of the ball
            # the hand flat on the wall at the chest's height, in front of the shoulder, the fingers
            # up and the elbow low beside the wall: the forearm up the wall, so the picture shows a
            # hand on the wall (at the waist, the hand and forearm hid against the hip)
            # (at the shoulders' height the forearm stood up beside the face: read as an arm folded up)
            arms["r"] = (np.array([W["_wall"][0] - 2.8, sr[1] + 16.0, sr[2] - 14.0]), -up - 0.4 * X, (up, X))
        if position == "wall_front":  # turned further, the chest turned a little more to the wall
            for k, s, o, drop in (("r", sr, -1.0, 7.0), ("l", sl, 1.0, 12.0)):  # hands flat on the wall
                # the hands hold the chest off the wall (WALL_HOLD_CM): each forearm reaches across the
                # gap to the wall, the elbow low beside the chest, the hand a little below the shoulder
                # (the far one higher, so it shows above the near arm). (Across the chest at the
                # shoulders' height, the near arm read as folded arms at handout size.)
                arms[k] = (np.array([W["_wall"][0] - 2.8, s[1] + 6.0 * o, s[2] - drop]), -up + 0.6 * o * Y, (up, -X))
    rad = ESTIMATES
    for k, h in (("r", hr), ("l", hl)):
        target, pole, (ff, fu) = legs[k]
        knee, ankle = _off_floor(h, target, L["thigh"], L["shank"], pole, rad["thigh_radius"][2])
        W[f"knee_{k}"], W[f"ankle_{k}"] = knee, ankle
        segs = _limb(f"leg_{k}", f"leg_{k}", h, knee, ankle, rad["thigh_radius"], rad["shank_radius"])
        foot = _foot(ankle, ff, fu)
        W[f"toe_{k}"] = foot[-1].centre
        W[f"heel_{k}"] = foot[1].centre
        out += segs + [Segment(f"foot_{k}", segs[1].group, foot)]
    for k, s in (("r", sr), ("l", sl)):
        if k in props:  # propped on the forearm: elbow and wrist placed on the floor
            elbow, wrist, hf, hu = props[k]
        else:
            target, pole, (hf, hu) = arms[k]
            target = np.array([target[0], target[1], max(target[2], rad["forearm_radius"][2] + 0.2)])
            elbow, wrist = _off_floor(s, target, L["upper_arm"], L["forearm"], pole, rad["upper_arm_radius"][1])
        W[f"elbow_{k}"], W[f"wrist_{k}"] = elbow, wrist
        ra, rf = rad["upper_arm_radius"], rad["forearm_radius"]
        segs = _limb(f"arm_{k}", f"arm_{k}", s, elbow, wrist, (ra[0], (ra[0] + ra[1]) / 2, ra[1]), rf)
        lower = segs[1]
        on_wall = (k == "r" and angle >= 60) or position == "wall_front"
        if SUPPORT[position] == "standing" and not on_wall:  # hanging: along the forearm
            hf = wrist - elbow
        elif SUPPORT[position] != "standing" and position not in ("back", "spoke"):  # a hand on the floor lies flat
            hf = np.array([hf[0], hf[1], 0.0])
        hand = _hand(wrist, hf, hu)
        if k in props or (SUPPORT[position] != "standing" and wrist[2] < 5.0):  # flat on the floor, each part touching it
            hand = _flat_on(hand, np.zeros(3), up)
        elif SUPPORT[position] == "standing" and on_wall:  # flat on the wall (the palm, the fingers)
            hand = _flat_on(hand, W["_wall"], -X)
        W[f"hand_{k}"] = hand[1].centre
        out += segs + [Segment(f"hand_{k}", lower.group, hand)]
    return out


def _flat_on(parts, point, normal) -> tuple[Ellipsoid, ...]:
    """The parts moved along ``normal`` until each touches the plane through ``point`` (on its
    ``normal`` side): a hand laid flat on the floor or the wall, neither through it nor off it."""
    n = np.asarray(normal, float) / np.linalg.norm(normal)
    out = []
    for e in parts:
        d = float((e.centre - point) @ n)
        reach = float(np.linalg.norm(e.axes.T @ n))
        out.append(Ellipsoid(e.centre + (reach - d) * n, e.axes))
    return tuple(out)


def _mirror(p: Pose) -> Pose:
    """The left side: the right side's pose mirrored left to right (world X -> -X), on the
    rolling model's left side."""
    from hipball.roll import roll_contact

    S = np.diag([-1.0, 1.0, 1.0])
    segs = tuple(Segment(_swap(s.name), _swap(s.group), tuple(e.moved(S) for e in s.parts)) for s in p.segments)
    c = roll_contact(p.roll_deg, None, "left")
    joints = {_swap(k): mirror(v) for k, v in p.joints.items()}
    return Pose(p.position, "left", p.ball, p.roll_deg, segs, mirror(p.ball_centre), p.ball_radius_cm,
                mirror(p.contact_world), tuple(float(v) for v in c.point_3d), joints,
                None if p.wall_x is None else mirror_x(p.wall_x), Camera(-p.camera.azimuth_deg, p.camera.elevation_deg),
                p.title, p.cue, c.trigger_points)


def _swap(name: str) -> str:
    """Right and left swap in part names ('leg_r_upper' <-> 'leg_l_upper', 'hip_r' <-> 'hip_l')."""
    return re.sub(r"_([rl])(?=_|$)", lambda m: "_l" if m.group(1) == "r" else "_r", name)


def measured_roll(p: Pose) -> float:
    """The roll angle read back from the drawn body (degrees): the direction of the floor (or
    of the wall) in the pelvis's own frame, as ``hipball.roll`` defines it
    (d = sin(angle) * ball side - cos(angle) * front)."""
    waist = next(s for s in p.segments if s.name == "pelvis").parts[2]
    ball_side = waist.axes[:, 0] / np.linalg.norm(waist.axes[:, 0])
    front = waist.axes[:, 1] / np.linalg.norm(waist.axes[:, 1])
    d = np.array([0.0, 0.0, -1.0]) if p.wall_x is None else np.array([np.sign(p.wall_x - p.ball_centre[0]), 0, 0])
    return float(np.degrees(np.arctan2(d @ ball_side, -(d @ front))))


# ---------------------------------------------------------------------- projection
@lru_cache(maxsize=1)
def _unit_sphere(n: int = 160) -> np.ndarray:
    i = np.arange(n) + 0.5
    phi = np.arccos(1 - 2 * i / n)
    th = np.pi * (1 + 5 ** 0.5) * i
    return np.c_[np.cos(th) * np.sin(phi), np.sin(th) * np.sin(phi), np.cos(phi)]


def _ellipse_outline(e: Ellipsoid, right, upv, k: int = 72) -> np.ndarray:
    """The exact outline of an ellipsoid in an orthographic view: an ellipse whose shape
    matrix is (P A)(P A)^T, P the 2 x 3 projection."""
    P = np.vstack([right, upv])
    c = P @ e.centre
    M = P @ e.axes
    S = M @ M.T
    w, V = np.linalg.eigh(S)
    t = np.linspace(0, 2 * np.pi, k, endpoint=False)
    circle = np.c_[np.cos(t), np.sin(t)] * np.sqrt(np.maximum(w, 0))
    return c + circle @ V.T


_PROJECTED: dict = {}  # id(pose), camera -> (pose, outlines): a drawing projects a pose several times


def project(p: Pose, camera: Camera | None = None) -> dict[str, tuple[np.ndarray, float]]:
    """Per group (torso, head, leg_r_upper, ..., ball): its outline in picture coordinates
    (cm; an (N, 2) ring) and its depth (larger = nearer the viewer), for painting far to near."""
    cam = camera or p.camera
    hit = _PROJECTED.get((id(p), cam))
    if hit is not None and hit[0] is p:
        return hit[1]
    out = _project(p, cam)
    if len(_PROJECTED) > 256:
        _PROJECTED.clear()
    _PROJECTED[(id(p), cam)] = (p, out)
    return out


def _project(p: Pose, cam: Camera) -> dict[str, tuple[np.ndarray, float]]:
    from shapely.geometry import MultiPoint, Polygon
    from shapely.ops import unary_union

    right, upv, view = cam.basis()
    groups: dict[str, list] = {}
    depth: dict[str, list] = {}
    for s in p.segments:
        pts = np.vstack([_ellipse_outline(e, right, upv) for e in s.parts])
        groups.setdefault(s.group, []).append(MultiPoint(pts).convex_hull)
        depth.setdefault(s.group, []).extend(float(e.centre @ view) for e in s.parts)
    ball = sphere(p.ball_centre, p.ball_radius_cm)
    groups["ball"] = [Polygon(_ellipse_outline(ball, right, upv, 96))]
    depth["ball"] = [float(ball.centre @ view)]
    out = {}
    for g, polys in groups.items():
        u = unary_union(polys)
        if u.geom_type != "Polygon":
            u = max(u.geoms, key=lambda q: q.area)
        out[g] = (np.asarray(u.exterior.coords)[:-1], float(np.mean(depth[g])))
    return out


def to_picture(p: Pose, points, camera: Camera | None = None) -> np.ndarray:
    """World points to picture coordinates (cm)."""
    right, upv, _ = (camera or p.camera).basis()
    pts = np.atleast_2d(np.asarray(points, float))
    return np.c_[pts @ right, pts @ upv]


def lowest_point(p: Pose) -> float:
    """The lowest point of the body (world Z, cm): about 0 when it rests on the floor."""
    return min(float(e.centre[2] - np.linalg.norm(e.axes[2])) for s in p.segments for e in s.parts)


REST_CM = 1.0  # a part this close to the floor (or the wall) rests on it


def resting_groups(p: Pose) -> dict[str, np.ndarray]:
    """The drawn groups (leg_r, arm_l, torso, ...) that rest on the floor (their lowest point
    within ``REST_CM`` of it), each with the floor point under its lowest point (world)."""
    low: dict[str, np.ndarray] = {}
    for s in p.segments:
        for e in s.parts:
            a = e.axes[2]  # the ellipsoid's lowest point: centre - A A^T z / |A^T z|
            q = e.centre - e.axes @ a / (np.linalg.norm(a) or 1.0)
            if s.group not in low or q[2] < low[s.group][2]:
                low[s.group] = q
    return {g: np.array([q[0], q[1], 0.0]) for g, q in low.items() if q[2] < REST_CM}


def position_at(angle_deg: float) -> str:
    """The lying position whose limbs suit a roll angle (the ranges of hipball.roll.ROLL_RANGES:
    on the back, half turned, on the side, three-quarters toward face down)."""
    from hipball.roll import ROLL_RANGES as RANGES

    a = check_range("angle_deg", angle_deg, 0.0, 150.0, " degrees")
    names = dict(zip((name for _, _, name in RANGES), ("back", "half", "side", "front")))
    from hipball.roll import position_name

    return names[position_name(a)]


def sequence(side: str = "right", setup: str = "floor") -> tuple[str, ...]:
    """The positions to show for a set-up: lying on a surface, or standing at a wall."""
    check_choice("setup", setup, ("floor", "wall"))
    check_side(side, HANDOUT_SIDES)
    return ("wall", "wall_side", "wall_front") if setup == "wall" else ("back", "spoke", "half", "side", "front")
