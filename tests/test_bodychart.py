"""The body chart: a valid, smooth skin outline built from the cited proportions that
encloses the model skeleton."""

from __future__ import annotations

import numpy as np
import pytest

from hipball import bodychart as bc

H = bc.STATURE_CM


@pytest.mark.parametrize("view", bc.VIEWS)
def test_outline_is_a_valid_polygon_from_floor_to_lower_back(view):
    ring = bc.skin_outline(view)
    assert ring.ndim == 2 and ring.shape[1] == 2 and len(ring) > 100
    poly = bc.body_outline(view)
    assert poly.is_valid and poly.geom_type == "Polygon"
    minx, miny, maxx, maxy = poly.bounds
    assert miny == pytest.approx(0.0, abs=0.3)
    assert maxy == pytest.approx(bc.TOP_CM, abs=0.01)


def test_posterior_chart_is_symmetric_and_shows_both_legs():
    ring = bc.skin_outline("posterior")
    mirrored = ring * [-1, 1]
    # every mirrored point lies on the outline
    assert bc.body_outline("posterior").exterior.distance(
        __import__("shapely").geometry.MultiPoint(mirrored)) < 1e-6
    # two legs: at mid-thigh the horizontal section has two pieces
    from shapely.geometry import LineString

    cut = bc.body_outline("posterior").intersection(LineString([(-30, 65), (30, 65)]))
    assert cut.geom_type == "MultiLineString" and len(cut.geoms) == 2
    assert np.array_equal(bc.skin_outline("posterior", "left"), ring)


def test_lateral_left_is_the_mirror_of_the_right():
    right, left = bc.skin_outline("lateral", "right"), bc.skin_outline("lateral", "left")
    assert np.allclose(left, right * [-1, 1])


def test_widths_and_heights_follow_drillis_and_contini():
    # hip width 0.191 H at trochanter height 0.530 H
    x0, x1 = bc.span_at("posterior", 0.530 * H)
    assert x0 == pytest.approx(0.0)
    assert 2 * x1 == pytest.approx(0.191 * H, abs=0.5)
    # the knee height row exists and the chart narrows there relative to the hip
    k0, k1 = bc.span_at("posterior", 0.285 * H)
    assert k1 - k0 < x1 - x0


@pytest.mark.parametrize("view", bc.VIEWS)
def test_outline_encloses_the_model_landmarks(view):
    pts = np.array(list(bc.REFERENCE_LANDMARKS[view].values()))
    assert bc.encloses(view, pts).all()
    if view == "posterior":
        assert bc.encloses(view, pts * [-1, 1]).all()  # the left side too


def test_outline_encloses_the_atlas_skeleton():
    from hipball.atlas import load_atlas

    atlas = load_atlas()
    for view in bc.VIEWS:
        lm = atlas.view(view, "right").landmarks
        pts = np.array([lm[k] for k in bc.REFERENCE_LANDMARKS[view]])
        assert bc.encloses(view, pts).all(), view
        ref = np.array(list(bc.REFERENCE_LANDMARKS[view].values()))
        assert np.abs(pts - ref).max() < 1.5, "atlas landmarks moved: update REFERENCE_LANDMARKS"


def test_outline_is_smooth():
    ring = bc.skin_outline("lateral")
    d = np.diff(np.vstack([ring, ring[:1]]), axis=0)
    ang = np.degrees(np.arctan2(d[:, 1], d[:, 0]))
    turn = np.abs((np.diff(np.append(ang, ang[0])) + 180) % 360 - 180)
    assert np.sort(turn)[-3] < 60  # apart from the two top corners, no sharp corners


def test_bad_view_names_the_choices():
    with pytest.raises(ValueError, match="did you mean 'lateral'"):
        bc.skin_outline("laterl")


def test_anterolateral_silhouette_encloses_the_front_corner():
    """The front-corner plates get a silhouette from the same widths and depths; it must
    contain the landmarks that plate shows, and mirror for the left side."""
    import numpy as np
    from shapely.geometry import Point, Polygon

    from hipball.atlas import load_atlas
    from hipball.bodychart import skin_outline

    for side in ("right", "left"):
        ring = Polygon(skin_outline("anterolateral", side))
        lm = load_atlas().view("anterolateral", side).landmarks
        for k in ("asis", "greater_trochanter", "iliac_crest"):
            assert ring.contains(Point(lm[k])), (side, k)
    np.testing.assert_allclose(skin_outline("anterolateral", "left"), skin_outline("anterolateral", "right") * [-1, 1])


def test_anterolateral_silhouette_has_no_notch_at_the_crotch():
    """Where the trunk's outline gives way to the legs' the edge used to step in and out by a
    centimetre per centimetre of height (the 'box with notches' of issue 9): the hip's contour
    flows into the thigh's, so neither edge moves more than 0.6 cm per cm of height."""
    import numpy as np
    from shapely.geometry import LineString, Polygon

    from hipball.bodychart import skin_outline

    poly = Polygon(skin_outline("anterolateral", "right")).buffer(0)
    left, right = [], []
    for z in np.arange(20.0, 110.0, 1.0):
        hit = poly.intersection(LineString([(-60, z), (60, z)]))
        xs = [c[0] for g in getattr(hit, "geoms", [hit]) for c in g.coords]
        left.append(min(xs))
        right.append(max(xs))
    assert np.abs(np.diff(left)).max() < 0.6
    assert np.abs(np.diff(right)).max() < 0.6
