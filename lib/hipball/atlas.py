"""The anatomy atlas: 2D hip geometry precomputed from the MyoLeg model.

``load_atlas()`` reads ``data/atlas.json`` (built by ``tools/build_atlas.py``; the runtime never
imports mujoco or myo-sim). The atlas stores the right side; the left side is its mirror image
(x -> -x), which keeps left and right anatomically correct: in a posterior view the left hip is
drawn on the viewer's left, in a left lateral view the front of the body faces the viewer's left.

Coordinates are centimetres; y is the height above the floor. See docs/CONVENTIONS.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np

from hipball._choices import check_choice
from hipball.frame import SIDES, VIEWS, check_side, check_view, mirror, on_side, side_sign  # noqa: F401 (SIDES: re-exported)

LAYERS = ("skin", "superficial", "deep", "bones")
MUSCLE_IDS = (
    "gluteus_maximus", "gluteus_medius", "gluteus_minimus", "piriformis", "tensor_fasciae_latae",
    "quadratus_lumborum", "biceps_femoris", "semitendinosus", "semimembranosus", "vastus_lateralis",
)
LANDMARK_IDS = (
    "iliac_crest", "asis", "psis", "greater_trochanter", "ischial_tuberosity", "sacrum", "coccyx",
    "lateral_knee_joint_line", "iliac_tubercle", "fibular_head", "gerdy_tubercle", "pubic_tubercle",
)
NERVE_IDS = ("sciatic_nerve",)
CONTEXT_IDS = ("sartorius", "rectus_femoris")  # drawn in outline on the front-corner plates


# unit vectors (subject frame) from the subject toward the viewer, right side; must match
# tools/build_atlas.py (a test checks landmarks project onto the stored 2D positions)
VIEW_DIRECTIONS = {
    "posterior": (0.0, -1.0, 0.0),
    "lateral": (1.0, 0.0, 0.0),
    "anterolateral": (0.7071067811865476, 0.7071067811865476, 0.0),
}


def project(points3d, view: str, side: str = "right") -> np.ndarray:
    """Subject-frame points (cm; x right, y anterior, z up; already on ``side``) to a view's
    2D coordinates. For the left side the view is the mirror image of the right one."""
    check_view(view)
    p = on_side(np.atleast_2d(np.asarray(points3d, dtype=float)), check_side(side))
    v = np.asarray(VIEW_DIRECTIONS[view])
    right = np.cross([0.0, 0.0, 1.0], v)
    right /= np.linalg.norm(right)
    return on_side(np.c_[p @ right, p[:, 2]], side)


@dataclass(frozen=True)
class MuscleShape:
    """One muscle as drawn in one view: outline (N, 2), optional parts, model fibres."""

    id: str
    name: str
    layer: str  # "superficial" | "deep"
    depth: float  # larger = nearer the viewer
    outline: np.ndarray
    parts: dict[str, np.ndarray] = field(default_factory=dict)
    fibres: tuple[np.ndarray, ...] = ()
    visible: np.ndarray | None = None  # the part not hidden behind bone, where some of it is

    @property
    def drawn_outline(self) -> np.ndarray:
        """What a plate fills solid: the whole outline, or only the part in front of bone."""
        return self.outline if self.visible is None else self.visible


@dataclass(frozen=True)
class Nerve:
    """A nerve in one view: centre line outside the pelvis (``path``, top to bottom), the part
    inside the pelvis (``pelvic_path``, hidden by bone in every view), its branches, and an
    outline of its drawn width (cm)."""

    id: str
    name: str
    path: np.ndarray
    pelvic_path: np.ndarray
    branches: dict[str, np.ndarray]
    outline: np.ndarray
    width: float

    def line(self):
        """The whole course outside the pelvis as one shapely LineString (main trunk)."""
        from shapely.geometry import LineString

        return LineString(self.path)


@dataclass(frozen=True)
class Bones:
    """All bones of a view as one painter's list of shaded triangles (far to near), plus each
    bone's visible outline rings."""

    vertices: np.ndarray  # (V, 2)
    triangles: np.ndarray  # (T, 3) indices into vertices, far to near
    shade: np.ndarray  # (T,) 0..1 Lambert shade
    bone: np.ndarray  # (T,) index into names
    names: tuple[str, ...]
    outlines: dict[str, tuple[np.ndarray, ...]]


@dataclass(frozen=True)
class View:
    name: str
    side: str
    title: str
    landmarks: dict[str, np.ndarray]
    muscles: dict[str, MuscleShape]
    bones: Bones
    crest: np.ndarray
    nerves: dict[str, Nerve] = field(default_factory=dict)
    context: dict[str, MuscleShape] = field(default_factory=dict)

    def nerve(self, nerve_id: str = "sciatic_nerve") -> Nerve:
        check_choice("nerve", nerve_id, NERVE_IDS)
        return self.nerves[nerve_id]

    def landmark(self, landmark_id: str) -> np.ndarray:
        check_choice("landmark", landmark_id, sorted(self.landmarks))
        return self.landmarks[landmark_id]

    def muscle(self, muscle_id: str) -> MuscleShape:
        check_choice("muscle", muscle_id, MUSCLE_IDS)
        return self.muscles[muscle_id]


class Atlas:
    """What the atlas holds: ``views``, ``muscles``, ``landmarks(view, side)``, ``view(view, side)``,
    ``sciatic_nerve(view, side)``."""

    def __init__(self, raw: dict):
        self._raw = raw
        self.views: tuple[str, ...] = tuple(v for v in VIEWS if v in raw["views"])
        self.muscles: tuple[str, ...] = tuple(m for m in MUSCLE_IDS if m in raw["views"]["posterior"]["muscles"])
        self.display_names: dict[str, str] = dict(raw["display_names"])
        self.landmark_names: dict[str, str] = dict(raw["landmark_names"])
        self.source: dict = dict(raw["source"])
        self.corrections_applied: tuple[str, ...] = tuple(raw["corrections_applied"])
        self.structures_added: tuple[str, ...] = tuple(raw["structures_added"])
        self.names: dict[str, str] = {**raw["display_names"], **raw["structure_names"], **raw["context_names"]}
        self._cache: dict[tuple[str, str], View] = {}

    def landmarks(self, view: str = "posterior", side: str = "right") -> dict[str, np.ndarray]:
        return self.view(view, side).landmarks

    def landmarks_3d(self, side: str = "right") -> dict[str, np.ndarray]:
        """Landmarks in the subject frame (cm; x right, y anterior, z up), mirrored for the left."""
        check_side(side)
        return {k: on_side(v, side) for k, v in self._raw["landmarks_3d"].items()}

    def sciatic_nerve(self, view: str = "posterior", side: str = "right") -> Nerve:
        """The sciatic nerve as drawn in ``view`` (for keeping the ball and the spokes off it)."""
        return self.view(view, side).nerve("sciatic_nerve")

    def sciatic_nerve_3d(self, side: str = "right") -> np.ndarray:
        """The nerve's course outside the pelvis in the subject frame (cm), top to bottom."""
        return on_side(self._raw["nerves_3d"]["sciatic_nerve"]["path"], side)

    def view(self, view: str = "posterior", side: str = "right") -> View:
        key = (check_view(view), check_side(side))
        if key not in self._cache:
            self._cache[key] = _make_view(self._raw["views"][view], view, side, self.names)
        return self._cache[key]


def _arr(coords, sx: float) -> np.ndarray:
    a = np.asarray(coords, dtype=float)
    return mirror(a) if sx < 0 else a


def _make_view(raw: dict, view: str, side: str, names: dict[str, str]) -> View:
    sx = side_sign(side)
    muscles = {}
    for mid, m in raw["muscles"].items():
        muscles[mid] = MuscleShape(
            id=mid,
            name=names[mid],
            layer=m["layer"],
            depth=float(m["depth"]),
            outline=_arr(m["outline"], sx),
            parts={p: _arr(c, sx) for p, c in m.get("parts", {}).items()},
            fibres=tuple(_arr(f, sx) for f in m["fibres"]),
            visible=_arr(m["visible"], sx) if "visible" in m else None,
        )
    context = {cid: MuscleShape(id=cid, name=names[cid], layer="superficial", depth=float(c["depth"]),
                                outline=_arr(c["outline"], sx), fibres=tuple(_arr(f, sx) for f in c["fibres"]))
               for cid, c in raw["context"].items()}
    nerves = {nid: Nerve(id=nid, name=names[nid], path=_arr(n["path"], sx), pelvic_path=_arr(n["pelvic_path"], sx),
                         branches={b: _arr(c, sx) for b, c in n["branches"].items()}, outline=_arr(n["outline"], sx),
                         width=float(n["width"]))
              for nid, n in raw["nerves"].items()}
    b = raw["bones"]
    bones = Bones(
        vertices=_arr(b["vertices"], sx),
        triangles=np.asarray(b["triangles"], dtype=np.int32),
        shade=np.asarray(b["shade"], dtype=float) / 100.0,
        bone=np.asarray(b["bone"], dtype=np.int16),
        names=tuple(b["names"]),
        outlines={k: tuple(_arr(r, sx) for r in rings) for k, rings in b["outlines"].items()},
    )
    return View(
        name=view,
        side=side,
        title=raw["title"],
        landmarks={k: _arr(v, sx) for k, v in raw["landmarks"].items()},
        muscles=muscles,
        bones=bones,
        crest=_arr(raw["crest"], sx),
        nerves=nerves,
        context=context,
    )


@lru_cache(maxsize=1)
def load_atlas() -> Atlas:
    """The shipped atlas (cached: later calls are free)."""
    text = (resources.files("hipball") / "data" / "atlas.json").read_text(encoding="utf-8")
    return Atlas(json.loads(text))


def sciatic_nerve(view: str = "posterior", side: str = "right") -> Nerve:
    """The sciatic nerve in one view of the shipped atlas (see ``Atlas.sciatic_nerve``)."""
    return load_atlas().sciatic_nerve(view, side)
