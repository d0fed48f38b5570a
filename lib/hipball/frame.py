"""The frame every drawing and every text shares: which views and sides there are, what they
are called, and how the left side follows from the right one.

One owner for these facts (issue 13, section 2): the model, drawing, apps and handout modules
import them from here instead of keeping their own tuples, word maps and sign flips.

Coordinates: x points to the subject's right in the subject frame (3D, cm; y anterior, z
up) and to the viewer's right on a drawing of the right side (2D view coordinates, cm; y up).
The left side is always drawn as the mirror image of the right one: x -> -x, everything else
unchanged. A model layer module: numpy only (shapely is imported when a geometry is mirrored).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from hipball._choices import check_choice

# ----------------------------------------------------------------------------- the views
VIEWS = ("posterior", "lateral", "anterolateral")
# a view's name as a title or a button ("From behind" over a picture)
VIEW_WORDS = {"posterior": "From behind", "lateral": "From the side", "anterolateral": "Front corner"}
# a view's name after a side, over a picture of one hip ("Left front corner")
VIEW_AFTER_SIDE = {"posterior": "from behind", "lateral": "side", "anterolateral": "front corner"}
# a view's name inside a sentence ("Right hip, from behind")
VIEW_PHRASES = {"posterior": "from behind", "lateral": "from the side",
                "anterolateral": "the front corner (from in front and to the side)"}

# the body charts (referral maps) exist from behind and from the side: their names
CHART_WORDS = {"posterior": "back chart", "lateral": "side chart"}

# ----------------------------------------------------------------------------- the sides
SIDES = ("right", "left")  # the sides a drawing or the model shows (the right one is stored)
BOTH = "both"
HANDOUT_SIDES = ("left", "right", BOTH)  # a handout is for one hip or for both
# the side of a handout in words ("Class handout · both hips")
SIDE_WORDS = {"left": "left hip", "right": "right hip", BOTH: "both hips"}
PICTURED_SIDE = "right"  # a single picture for both hips shows this one ...
PICTURED_TAG = "(right hip)"  # ... and says so under the view's name


def check_view(view: object, allowed: Iterable[str] = VIEWS, field: str = "view") -> str:
    """``view`` if it is one of ``allowed`` (default: every view), else ValueError naming the
    field and the allowed values."""
    return check_choice(field, view, allowed)


def check_side(side: object, allowed: Iterable[str] = SIDES, field: str = "side") -> str:
    """``side`` if it is one of ``allowed`` (default: right, left), else ValueError naming the
    field and the allowed values. A handout's side: ``allowed=HANDOUT_SIDES``."""
    return check_choice(field, side, allowed)


def expand_side(side: str) -> tuple[str, ...]:
    """The sides a handout side means: "both" -> ("left", "right"); "left" -> ("left",)."""
    check_side(side, HANDOUT_SIDES)
    return ("left", "right") if side == BOTH else (side,)


def other_side(side: str) -> str:
    """The other side: "right" -> "left", "left" -> "right"."""
    return SIDES[1 - SIDES.index(check_side(side))]


def pictured_side(side: str) -> str:
    """The side a picture of one side draws for a handout side: the side itself, or for
    "both" the right one (the picture then carries ``PICTURED_TAG``)."""
    sides = expand_side(side)
    return PICTURED_SIDE if len(sides) > 1 else sides[0]


def pictured_tag(side: str) -> str:
    """What a one-side picture adds to its title for a handout side: "(right hip)" for
    "both" (it shows the right hip only), nothing for one hip."""
    return PICTURED_TAG if len(expand_side(side)) > 1 else ""


def view_title(view: str, side: str = "right") -> str:
    """A view's name over a picture for a handout side: "From the side", and for "both" a
    second line "(right hip)" under the views that show one hip (from behind, both show)."""
    tag = "" if check_view(view) == "posterior" else pictured_tag(side)
    return VIEW_WORDS[view] + (f"\n{tag}" if tag else "")


def side_view_title(view: str, side: str) -> str:
    """A picture's title naming the hip and the view ("Left front corner", "Right side")."""
    return f"{check_side(side).capitalize()} {VIEW_AFTER_SIDE[check_view(view)]}"


def hip_words(side: str) -> str:
    """One hip as a label ("Right hip")."""
    return SIDE_WORDS[check_side(side)].capitalize()


def view_options(views: Iterable[str] = VIEWS) -> list[tuple[str, str]]:
    """(words, id) pairs for a toggle of views."""
    return [(VIEW_WORDS[check_view(v)], v) for v in views]


def chart_options(views: Iterable[str] = tuple(CHART_WORDS)) -> list[tuple[str, str]]:
    """(words, id) pairs for a toggle of body charts ("Back", "posterior")."""
    return [(CHART_WORDS[check_view(v, CHART_WORDS)].split()[0].capitalize(), v) for v in views]


def side_options(sides: Iterable[str] = SIDES) -> list[tuple[str, str]]:
    """(words, id) pairs for a toggle of sides ("Right", "right")."""
    return [(check_side(s, HANDOUT_SIDES).capitalize(), s) for s in sides]


# ------------------------------------------------------------------------- mirroring
def side_sign(side: str) -> float:
    """+1.0 on the right, -1.0 on the left: the sign of x on that side."""
    return 1.0 if check_side(side) == "right" else -1.0


def mirror_x(x: Any, about: float = 0.0) -> Any:
    """x coordinate(s) mirrored about the vertical line x = ``about`` (scalar or array)."""
    x = float(x) if np.ndim(x) == 0 else np.asarray(x, dtype=float)
    return -x if about == 0 else 2.0 * about - x  # -x: exactly the old sign flips (-0.0 stays)


def mirror(coords: Any, about: float = 0.0) -> Any:
    """The left-right mirror image of a point, a path or a shape: x -> 2 * about - x, every
    other coordinate unchanged. Takes one point (x, y) or (x, y, z), an (N, 2) or (N, 3)
    array of them, or a shapely geometry; returns the same kind (a new object; a tuple stays
    a tuple of floats, a sequence becomes an array). ``mirror(mirror(p)) == p``."""
    if hasattr(coords, "geom_type"):  # a shapely geometry
        from shapely import affinity

        return affinity.scale(coords, xfact=-1.0, yfact=1.0, origin=(about, 0.0))
    a = np.array(coords, dtype=float)  # a copy
    if a.ndim == 0 or a.shape[-1] not in (2, 3):
        raise ValueError(f"mirror: expected points (x, y) or (x, y, z), got shape {a.shape}")
    a[..., 0] = mirror_x(a[..., 0], about)
    return tuple(float(v) for v in a) if isinstance(coords, tuple) else a


def on_side(coords: Any, side: str, about: float = 0.0) -> Any:
    """Right-side coordinates placed on ``side``: unchanged on the right, mirrored on the left
    (the same kinds as :func:`mirror`; on the right a sequence becomes an array too)."""
    if side_sign(side) > 0:
        if hasattr(coords, "geom_type"):
            return coords
        a = np.array(coords, dtype=float)
        return tuple(float(v) for v in a) if isinstance(coords, tuple) else a
    return mirror(coords, about)


def mirror_extent(extent: tuple[float, float], about: float = 0.0) -> tuple[float, float]:
    """An x range (lo, hi) mirrored: (2 * about - hi, 2 * about - lo), still lo before hi."""
    lo, hi = extent
    return (mirror_x(hi, about), mirror_x(lo, about))


def extent_on_side(extent: tuple[float, float], side: str) -> tuple[float, float]:
    """A right-side x range placed on ``side`` (mirrored about x = 0 on the left)."""
    lo, hi = float(extent[0]), float(extent[1])
    return (lo, hi) if side_sign(side) > 0 else mirror_extent((lo, hi))
