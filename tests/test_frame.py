"""hipball.frame: the views, the sides, their words and the mirror image of the left side; and
a check read from the source (AST) that no other module keeps its own copy of them."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import Polygon

from hipball import frame

PACKAGE = Path(__file__).resolve().parents[1] / "lib" / "hipball"


# ------------------------------------------------------------------------ mirroring
@pytest.mark.parametrize("about", [0.0, 3.5])
def test_mirror_is_an_involution_on_points_paths_and_shapes(about):
    rng = np.random.default_rng(1)
    path2, path3 = rng.normal(size=(7, 2)), rng.normal(size=(5, 3))
    for p in (path2, path3, path2[0]):
        m = frame.mirror(p, about)
        assert not np.allclose(m, p)
        np.testing.assert_allclose(frame.mirror(m, about), p)
    shape = Polygon([(1, 0), (4, 0), (4, 2)])
    assert frame.mirror(frame.mirror(shape, about), about).equals(shape)


def test_mirror_flips_x_only_and_keeps_the_kind():
    assert frame.mirror((2.0, 5.0)) == (-2.0, 5.0)
    assert frame.mirror((2.0, 5.0), about=1.0) == (0.0, 5.0)
    np.testing.assert_array_equal(frame.mirror([[1, 2, 3], [-4, 5, 6]]), [[-1, 2, 3], [4, 5, 6]])
    p = np.array([[1.0, 2.0]])
    frame.mirror(p)
    assert p[0, 0] == 1.0, "the input is not changed"
    shape = frame.mirror(Polygon([(1, 0), (4, 0), (4, 2)]))
    assert shape.bounds == (-4.0, 0.0, -1.0, 2.0)
    with pytest.raises(ValueError, match="mirror"):
        frame.mirror([1.0, 2.0, 3.0, 4.0])


def test_on_side_leaves_the_right_and_mirrors_the_left():
    pts = np.array([[3.0, 1.0], [5.0, -2.0]])
    np.testing.assert_array_equal(frame.on_side(pts, "right"), pts)
    np.testing.assert_array_equal(frame.on_side(pts, "left"), frame.mirror(pts))
    assert frame.on_side((3.0, 1.0), "left") == (-3.0, 1.0)
    assert frame.side_sign("right") == 1.0 and frame.side_sign("left") == -1.0
    assert frame.mirror_x(2.0) == -2.0 and frame.mirror_x(2.0, about=2.0) == 2.0


def test_extents_stay_in_order_when_mirrored():
    assert frame.mirror_extent((-26.0, 10.0)) == (-10.0, 26.0)
    assert frame.extent_on_side((-26.0, 10.0), "left") == (-10.0, 26.0)
    assert frame.extent_on_side((-26.0, 10.0), "right") == (-26.0, 10.0)
    assert frame.mirror_extent(frame.mirror_extent((1.0, 2.0), 5.0), 5.0) == (1.0, 2.0)


# --------------------------------------------------------------------- sides and views
def test_expand_side():
    assert frame.expand_side("both") == ("left", "right")
    assert frame.expand_side("left") == ("left",)
    assert frame.expand_side("right") == ("right",)
    assert frame.other_side("left") == "right" and frame.other_side("right") == "left"
    assert frame.pictured_side("both") == "right" and frame.pictured_side("left") == "left"
    assert frame.PICTURED_SIDE in frame.PICTURED_TAG
    assert frame.pictured_tag("both") == "(right hip)" and frame.pictured_tag("left") == ""
    assert frame.view_title("lateral", "both") == "From the side\n(right hip)"
    assert frame.view_title("posterior", "both") == "From behind" == frame.view_title("posterior", "left")


@pytest.mark.parametrize("call, field, allowed", [
    (lambda: frame.check_side("middle"), "side", "right, left"),
    (lambda: frame.check_side("both"), "side", "right, left"),
    (lambda: frame.expand_side("Left"), "side", "left, right, both"),
    (lambda: frame.check_view("front"), "view", "posterior, lateral, anterolateral"),
    (lambda: frame.check_view("anterolateral", ("posterior", "lateral")), "view", "posterior, lateral"),
    (lambda: frame.side_sign("both"), "side", "right, left"),
])
def test_bad_side_or_view_names_the_field_and_the_allowed_values(call, field, allowed):
    with pytest.raises(ValueError) as e:
        call()
    assert str(e.value).startswith(f"{field}: ") and allowed in str(e.value)


def test_words_cover_every_id():
    assert set(frame.VIEW_WORDS) == set(frame.VIEWS) == set(frame.VIEW_PHRASES)
    assert set(frame.SIDE_WORDS) == set(frame.HANDOUT_SIDES) >= set(frame.SIDES)
    assert frame.view_options(("lateral",)) == [("From the side", "lateral")]
    assert frame.side_options() == [("Right", "right"), ("Left", "left")]
    assert frame.chart_options() == [("Back", "posterior"), ("Side", "lateral")]


# ------------------------------------------------------ nobody else keeps their own copy
SIDE_IDS = {"left", "right", "both"}
VIEW_IDS = set(frame.VIEWS)
WORDS = {w.lower() for w in (*frame.VIEW_WORDS.values(), *frame.VIEW_PHRASES.values(), *frame.SIDE_WORDS.values(),
                             *frame.CHART_WORDS.values(),
                             frame.PICTURED_TAG)}


def _str(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def copies_in(source: str) -> list[str]:
    """Where a module keeps its own side tuple, view-words map or view/side wording."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items = {_str(e) for e in node.elts}
            if len(node.elts) >= 2 and items <= SIDE_IDS and {"left", "right"} <= items:
                found.append(f"line {node.lineno}: a tuple of sides {sorted(items)}")
        elif isinstance(node, ast.Dict):
            keys = {_str(k) for k in node.keys if k is not None}
            words = [_str(v) for v in node.values]
            if words and all(w is not None for w in words) and (
                    (len(keys & VIEW_IDS) >= 2 and keys <= VIEW_IDS) or ({"left", "right"} <= keys <= SIDE_IDS)):
                found.append(f"line {node.lineno}: a map from view or side to words")
        elif (s := _str(node)) is not None and s.strip().lower() in WORDS:
            found.append(f"line {node.lineno}: the wording {s!r}")
    return found


def test_the_copy_check_can_fail():
    assert copies_in('SIDES = ("right", "left")')
    assert copies_in('for s in ["left", "right", "both"]: pass')
    assert copies_in('NAMES = {"posterior": "From behind", "lateral": "From the side"}')
    assert copies_in('x = "from the side" if v == "lateral" else "x"')
    assert copies_in('w = {"left": "left hip", "right": "right hip"}[side]')
    assert not copies_in('VIEW_MUSCLES = {"posterior": ("a",), "lateral": ("b",)}')
    assert not copies_in('ha = {"left": 0.0, "right": 1.0}[h]')
    assert not copies_in('SIDES = frame.SIDES')


def test_no_module_but_frame_keeps_its_own_sides_or_view_words():
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "frame.py" and path.parent == PACKAGE:
            continue
        found = copies_in(path.read_text(encoding="utf-8"))
        if found:
            offenders[str(path.relative_to(PACKAGE))] = found
    assert not offenders, f"use hipball.frame instead: {offenders}"
