"""draw_hip through its artists, plus image baselines for the main plates (run with --mpl)."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.text import Text

from hipball import draw_hip, theme
from hipball.atlas import MUSCLE_IDS, VIEWS
from hipball.draw.anatomy import EXTENTS


def _plate(view="posterior", side="right", **kw):
    fig, ax = plt.subplots(figsize=(9, 8))
    art = draw_hip(view, side, ax=ax, **kw)
    fig.canvas.draw()
    return fig, ax, art


def test_layers_switch_what_is_drawn():
    _, _, sup = _plate(layers=("bones", "superficial"))
    assert sup.bones is not None and sup.bone_outlines
    assert "gluteus_maximus" in sup.muscles and "piriformis" not in sup.muscles
    _, _, deep = _plate(layers=("bones", "deep"))
    assert "piriformis" in deep.muscles and "gluteus_maximus" not in deep.muscles
    assert any(g.get_gid() == "ghost:gluteus_maximus" for g in deep.ghosts), "deep plate shows superficial ghosts"
    _, _, nobones = _plate(layers=("superficial",))
    assert nobones.bones is None


def test_superficial_muscles_paint_over_deep_ones():
    _, _, art = _plate(layers=("bones", "deep", "superficial"))
    z = {m: art.muscles[m][0].get_zorder() for m in art.muscles}
    assert z["gluteus_maximus"] > z["piriformis"]
    assert z["gluteus_medius"] > z["gluteus_minimus"]
    assert art.bones.get_zorder() < min(z.values())


def test_muscles_are_opaque_and_hatched_distinctly():
    _, _, art = _plate(layers=("bones", "deep", "superficial"))
    hatches = {m: art.muscles[m][0].get_hatch() for m in art.muscles}
    fibre_hatched = {m for m, patches in art.muscles.items() if any(a.get_gid() == f"fibres:{m}" for a in patches)}
    assert fibre_hatched == {"gluteus_maximus"}, "gluteus maximus is hatched along its own fibres"
    assert all(h for m, h in hatches.items() if m not in fibre_hatched), "every muscle has a hatch for grayscale print"
    assert len(set(hatches.values())) == len(hatches)
    for m, patches in art.muscles.items():
        assert patches[0].get_facecolor()[3] == 1.0, f"{m} must be opaque (no X-ray look)"


def _luma(color) -> float:
    return float(np.dot(to_rgb(color), [0.299, 0.587, 0.114]))


@pytest.mark.parametrize("view", VIEWS)
def test_grayscale_still_tells_muscles_apart(view):
    """In grayscale print each muscle's own pattern is what tells it from its neighbours: a
    hatch of its own, or (gluteus maximus) lines along its own fibres; either must stay visible,
    its lines clearly darker than the fill (luma, on the drawn artists). A muscle drawn only as a
    dashed outline (hidden on the far side, e.g. semitendinosus from the side) has no fill."""
    from hipball.draw.anatomy import FIBRE_HATCHED

    _, _, art = _plate(view, layers=("bones", "deep", "superficial"))
    patterns = []
    for m, patches in art.muscles.items():
        body = patches[0]
        if not body.get_fill():
            assert body.get_linestyle() not in ("-", "solid"), f"{m}: an unfilled muscle must be dashed"
            continue
        face = _luma(body.get_facecolor())
        if m in FIBRE_HATCHED:
            fibres = [a for a in patches if a.get_gid() == f"fibres:{m}"]
            assert len(fibres) >= 3, f"{m}: its fibre lines are missing"
            patterns.append("fibres")
            lines = _luma(fibres[0].get_color())
        else:
            patterns.append(body.get_hatch())
            lines = _luma(body.get_hatchcolor())
        assert face - lines >= 0.25, f"{m}: its pattern fades into the fill in grayscale ({lines:.2f} on {face:.2f})"
    assert all(patterns) and len(set(patterns)) == len(patterns), patterns


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("side", ["right", "left"])
def test_labels_do_not_overlap_each_other_or_the_drawing(view, side):
    fig, ax, art = _plate(view, side, layers=("skin", "bones", "superficial"))
    renderer = fig.canvas.get_renderer()
    boxes = [Text.get_window_extent(a, renderer) for a in art.labels]  # the text, not its leader line
    assert len(boxes) >= 6
    for b1, b2 in itertools.combinations(boxes, 2):
        assert not b1.overlaps(b2), "two labels overlap"
    (x0, x1), _ = EXTENTS[(view, "hip")]
    if side == "left":
        x0, x1 = -x1, -x0
    lo = ax.transData.transform((x0, 0))[0]
    hi = ax.transData.transform((x1, 0))[0]
    for b in boxes:
        assert b.x1 <= lo + 1 or b.x0 >= hi - 1, "label text sits on the drawing"


def _crossing_leaders(leaders) -> list[tuple[str, str]]:
    from hipball.draw.labels import _segments_cross

    segs = []
    for ln in leaders:
        x, y = ln.get_data()
        segs.append((ln.get_gid(), (x[0], y[0]), (x[-1], y[-1])))
    return [(a[0], b[0]) for a, b in itertools.combinations(segs, 2) if _segments_cross(a[1], a[2], b[1], b[2])]


# fast tier: every view, right side superficial and left side deep; slow: the other six
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("side, depth", [("right", "superficial"), ("left", "deep"),
                                         pytest.param("right", "deep", marks=pytest.mark.slow),
                                         pytest.param("left", "superficial", marks=pytest.mark.slow)])
def test_leader_lines_do_not_cross(view, depth, side):
    """An atlas never makes the eye follow one leader across another (review of issue 9: from
    behind, deep, the greater trochanter and ischial tuberosity leaders crossed)."""
    _, _, art = _plate(view, side, layers=("skin", "bones", depth))
    assert len(art.leaders) >= 4
    assert _crossing_leaders(art.leaders) == []


def test_uncross_swaps_two_crossing_leaders():
    """Sorted by height, a lower anchor far from the column crosses the leader of a higher
    anchor near it once both slots sit above them (the trochanter / tuberosity case)."""
    from hipball.draw.labels import Label, _segments_cross, uncross

    it = Label("ischial_tuberosity", "ischial tuberosity", (-2.4, -1.0))  # lower, farther
    gt = Label("greater_trochanter", "greater trochanter", (-1.4, -0.7))  # higher, nearer
    ys = [-0.27, 0.0]  # the right-hand column at x = 0, both slots above the anchors
    assert _segments_cross((0, ys[0]), it.anchor, (0, ys[1]), gt.anchor)
    labs = uncross([it, gt], ys, 0.0)
    assert [l.key for l in labs] == ["greater_trochanter", "ischial_tuberosity"]
    assert not _segments_cross((0, ys[0]), labs[0].anchor, (0, ys[1]), labs[1].anchor)


@pytest.mark.parametrize("side", ["right", "left"])
def test_front_corner_skin_is_not_cut_by_a_straight_edge(side):
    """The front-corner plate showed its skin clipped by a rectangle: a straight vertical cut
    through the groin (review of issue 9). The frame now holds the body's whole width at every
    height it shows, and the skin is drawn unclipped."""
    from hipball.bodychart import skin_outline

    _, _, art = _plate("anterolateral", side, layers=("skin", "bones", "superficial"))
    (skin,) = art.skin
    assert skin.get_clip_path() is None
    (x0, x1), (y0, y1) = EXTENTS[("anterolateral", "hip")]
    if side == "left":
        x0, x1 = -x1, -x0
    ring = skin_outline("anterolateral", side)
    inside = ring[(ring[:, 1] >= y0) & (ring[:, 1] <= y1)]
    assert x0 <= inside[:, 0].min() and inside[:, 0].max() <= x1


def test_landmark_markers_sit_on_atlas_landmarks():
    _, _, art = _plate("lateral", "right")
    v = art.view
    for lid, marker in art.landmarks.items():
        np.testing.assert_allclose(np.c_[marker.get_data()].ravel(), v.landmarks[lid])
    assert "asis" in art.landmarks and "sacrum" not in art.landmarks  # hidden from the side


def test_highlight_emphasises_one_muscle():
    _, _, art = _plate("lateral", layers=("bones", "superficial"), highlight="tensor_fasciae_latae")
    tfl = art.muscles["tensor_fasciae_latae"][0]
    other = art.muscles["gluteus_maximus"][0]
    assert tfl.get_zorder() > other.get_zorder()
    assert tfl.get_linewidth() > other.get_linewidth()
    assert other.get_alpha() < 1


def test_left_side_plate_is_mirrored():
    _, _, r = _plate("posterior", "right")
    _, _, l = _plate("posterior", "left")
    rx = r.muscles["gluteus_maximus"][0].get_xy()[:, 0].mean()
    lx = l.muscles["gluteus_maximus"][0].get_xy()[:, 0].mean()
    assert rx > 5 and lx < -5
    assert r.title.get_text().startswith("Right hip") and l.title.get_text().startswith("Left hip")


@pytest.mark.parametrize("kw, field, hint", [
    (dict(view="lateal"), "view", "lateral"),
    (dict(side="rigth"), "side", "right"),
    (dict(layers=("bones", "superficail")), "layer", "superficial"),
    (dict(muscles=("gluteus_minimis",)), "muscle", "gluteus_minimus"),
    (dict(highlight="piriformus"), "highlight", "piriformis"),
])
def test_bad_input_names_field_allowed_values_and_closest_match(kw, field, hint):
    with pytest.raises(ValueError) as err:
        draw_hip(**kw)
    msg = str(err.value)
    assert msg.startswith(f"{field}:") and f"did you mean '{hint}'" in msg


def test_draw_hip_uses_the_given_axes_and_leaves_rcparams_alone():
    import matplotlib as mpl

    before = dict(mpl.rcParams)
    fig, (a1, a2) = plt.subplots(1, 2)
    art = draw_hip("posterior", ax=a2, labels=False)
    assert art.bones.axes is a2 and not a1.collections
    assert len(plt.get_fignums()) == 1
    assert dict(mpl.rcParams) == before


def test_theme_scales_text():
    sizes = {}
    for name in ("handout", "screen", "slide"):
        with theme(name):
            _, _, art = _plate("lateral")
            sizes[name] = art.labels[0].get_fontsize()
    assert sizes["handout"] < sizes["screen"] < sizes["slide"]
    with pytest.raises(ValueError, match="theme: 'poster'"):
        with theme("poster"):
            pass


def _baseline(view, depth):
    with theme("screen"):
        fig = plt.figure(figsize=(9, 8))
        ax = fig.add_axes((0.0, 0.03, 1.0, 0.92))
        draw_hip(view, "right", layers=("skin", "bones", depth), ax=ax)
    return fig


@pytest.mark.mpl_image_compare(baseline_dir="baseline", tolerance=2, savefig_kwargs={"dpi": 60})
def test_plate_posterior_superficial():
    return _baseline("posterior", "superficial")


@pytest.mark.mpl_image_compare(baseline_dir="baseline", tolerance=2, savefig_kwargs={"dpi": 60})
def test_plate_lateral_superficial():
    return _baseline("lateral", "superficial")


@pytest.mark.mpl_image_compare(baseline_dir="baseline", tolerance=2, savefig_kwargs={"dpi": 60})
def test_plate_anterolateral_deep():
    return _baseline("anterolateral", "deep")


def test_muscles_never_drawn_past_the_skin():
    _, _, art = _plate("posterior", layers=("skin", "bones", "superficial"))
    skin = art.skin[0]
    for mid, patches in art.muscles.items():
        assert patches[0].get_clip_path() is not None, f"{mid} is not clipped to the body outline"
    assert skin.get_gid() == "skin"


def test_deep_plate_explains_its_dashed_ghosts():
    _, _, art = _plate("posterior", layers=("skin", "bones", "deep"))
    keys = [g for g in art.ghosts if g.get_gid() == "ghost-key"]
    assert len(keys) == 1 and "superficial" in keys[0].get_texts()[0].get_text()
    # the key's swatch is drawn in the ghosts' own colours (review of issue 9: it was grey)
    from matplotlib.colors import to_hex

    ghost_colours = {to_hex(g.get_edgecolor()) for g in art.ghosts if g.get_gid().startswith("ghost:")}
    first = keys[0].legend_handles[0]  # the ghosts' entry comes first
    assert to_hex(first.get_color()) in ghost_colours
    _, _, sup = _plate("posterior", layers=("skin", "bones", "superficial"))
    assert not sup.ghosts


def test_iliotibial_band_is_labelled():
    _, _, art = _plate("lateral", layers=("skin", "bones", "superficial"))
    assert any(a.get_gid() == "label:iliotibial_band" for a in art.labels)


def test_gluteus_minimus_parts_are_labelled_where_they_show():
    _, _, art = _plate("lateral", layers=("skin", "bones", "deep"))
    gids = {a.get_gid() for a in art.labels}
    assert {"label:gluteus_minimus:anterior", "label:gluteus_minimus:posterior"} <= gids
    assert "label:gluteus_minimus" not in gids


# --------------------------------------------------------------------------- issue 9: what a class sees

def test_gluteus_maximus_hatching_runs_down_and_out_along_its_fibres():
    for view, side, sign in (("posterior", "right", 1), ("posterior", "left", -1), ("lateral", "right", 1)):
        _, _, art = _plate(view, side, layers=("bones", "superficial"))
        lines = [a for a in art.muscles["gluteus_maximus"] if a.get_gid() == "fibres:gluteus_maximus"]
        assert len(lines) > 8
        for ln in lines:
            x, y = ln.get_data()
            dx, dy = x[-1] - x[0], y[-1] - y[0]
            assert sign * dx > 0 and dy < 0, f"{view} {side}: fibres run down and out (down and forward from the side)"
            assert abs(dy) > 0.4 * abs(dx)


def test_biceps_femoris_emerges_from_under_gluteus_maximus():
    for view in ("posterior", "lateral"):
        _, _, art = _plate(view, layers=("bones", "superficial"))
        assert art.muscles["gluteus_maximus"][0].get_zorder() > art.muscles["biceps_femoris"][0].get_zorder()
        assert art.muscles["gluteus_maximus"][0].get_zorder() > art.muscles["tensor_fasciae_latae"][1].get_zorder(), \
            "gluteus maximus lies on the iliotibial band"


def test_semitendinosus_is_not_drawn_solid_from_the_side():
    _, _, art = _plate("lateral", layers=("bones", "superficial"))
    st = art.muscles["semitendinosus"][0]
    assert not st.get_fill() and st.get_linestyle() not in ("-", "solid"), "medial: dashed, as hidden"
    assert any(a.get_gid() == "label:semitendinosus" and "medial" in a.get_text() for a in art.labels)
    _, _, post = _plate("posterior", layers=("bones", "superficial"))
    assert post.muscles["semitendinosus"][0].get_fill(), "from behind it is in plain view"


def test_tfl_is_not_labelled_from_behind_but_its_band_is():
    """Review of issue 9, finding 6 (Gray's 42nd ed., thigh): from behind TFL is at most a sliver
    at the hip's outer margin, in front of the trochanter: drawn, never labelled; the iliotibial
    band it inserts into keeps its label. From the side and the front corner TFL is named."""
    _, _, post = _plate("posterior", layers=("bones", "superficial"))
    gids = {a.get_gid() for a in post.labels}
    assert "label:tensor_fasciae_latae" not in gids and "label:iliotibial_band" in gids
    assert post.muscles["tensor_fasciae_latae"], "still drawn at the margin"
    for view in ("lateral", "anterolateral"):
        _, _, art = _plate(view, layers=("bones", "superficial"))
        assert "label:tensor_fasciae_latae" in {a.get_gid() for a in art.labels}, view


def test_the_sciatic_nerve_is_drawn_and_named():
    _, _, deep = _plate("posterior", layers=("skin", "bones", "deep"))
    solid = [a for a in deep.nerves["sciatic_nerve"] if a.get_gid() == "nerve:sciatic_nerve:trunk"]
    assert len(solid) == 1 and solid[0].get_linestyle() == "-"
    v = deep.view
    np.testing.assert_allclose(np.c_[solid[0].get_data()], v.nerve("sciatic_nerve").path)
    assert solid[0].get_zorder() > max(p[0].get_zorder() for p in deep.muscles.values()), "on the deep muscles"
    legend = [t.get_text() for t in deep.key.get_texts()]
    assert "sciatic nerve" in legend
    assert any(a.get_gid() == "label:sciatic_nerve" for a in deep.labels)
    # superficial plates: the nerve's course shown dashed through the muscles that cover it
    _, _, sup = _plate("posterior", layers=("skin", "bones", "superficial"))
    dashed = [a for a in sup.nerves["sciatic_nerve"] if a.get_gid() == "nerve:sciatic_nerve:trunk:hidden"]
    assert dashed and dashed[0].get_zorder() > max(p[0].get_zorder() for p in sup.muscles.values())
    assert any("sciatic nerve" in t.get_text() for t in sup.key.get_texts())
    # from the front corner it lies behind the femur: not drawn
    _, _, front = _plate("anterolateral", layers=("skin", "bones", "superficial"))
    assert not front.nerves
    _, _, off = _plate("posterior", layers=("skin", "bones", "deep"), nerves=False)
    assert not off.nerves


def test_front_corner_shows_its_landmarks_and_orientation_muscles():
    _, _, art = _plate("anterolateral", layers=("skin", "bones", "superficial"))
    gids = {a.get_gid() for a in art.labels}
    assert {"label:asis", "label:iliac_crest", "label:iliac_tubercle", "label:greater_trochanter",
            "label:groin_crease", "label:sartorius", "label:rectus_femoris", "label:tensor_fasciae_latae",
            "label:gluteus_medius", "label:iliotibial_band"} <= gids
    assert art.marks and art.marks[0].get_gid() == "mark:groin_crease"
    z = {m: p[0].get_zorder() for m, p in art.muscles.items()}
    assert z["gluteus_maximus"] < min(z["tensor_fasciae_latae"], z["gluteus_medius"]), \
        "from the front corner gluteus maximus is the farthest muscle, seen only at the back edge"
    gmax = art.view.muscles["gluteus_maximus"].outline
    itb = art.view.muscles["tensor_fasciae_latae"].parts["iliotibial_band"]
    assert np.median(gmax[:, 0]) < np.median(itb[:, 0])


def test_front_corner_labels_the_two_parts_of_gluteus_minimus_on_separate_regions():
    from shapely.geometry import Point, Polygon

    _, _, art = _plate("anterolateral", layers=("skin", "bones", "deep"))
    leaders = {a.get_gid(): a for a in art.leaders}
    parts = art.view.muscles["gluteus_minimus"].parts
    for part, other in (("anterior", "posterior"), ("posterior", "anterior")):
        x, y = leaders[f"leader:gluteus_minimus:{part}"].get_data()
        tip = Point(x[-1], y[-1])
        assert Polygon(parts[part]).buffer(0).contains(tip)
        assert not Polygon(parts[other]).buffer(0).contains(tip)


@pytest.mark.parametrize("layers", [None, 3])
def test_layers_that_are_not_a_list_name_the_field(layers):
    with pytest.raises(ValueError, match=r"^layers: .*skin, superficial, deep, bones"):
        draw_hip(layers=layers)


def test_overlays_follow_the_layers_on_a_plate_drawn_once():
    from hipball.draw.anatomy import show_overlays

    _, _, art = _plate("posterior", layers=("skin", "bones", "superficial", "deep"))
    nerve = art.nerves["sciatic_nerve"]
    solid = [a for a in nerve if a.get_gid() == "nerve:sciatic_nerve:trunk"][0]
    dashed = [a for a in nerve if a.get_gid() == "nerve:sciatic_nerve:trunk:hidden"][0]
    show_overlays(art, ("bones",))
    assert not solid.get_visible() and not dashed.get_visible() and not art.key.get_visible()
    show_overlays(art, ("bones", "deep"))
    assert solid.get_visible() and not dashed.get_visible()
    show_overlays(art, ("skin", "superficial"))
    assert dashed.get_visible() and not solid.get_visible()


@pytest.mark.parametrize("side", ["right", "left"])
def test_landmark_leaders_cross_no_nerve_and_pass_clear_of_other_landmarks(side):
    """Review of issue 9 (second pass): on the deep plate from behind the "ischial tuberosity"
    leader crossed the sciatic nerve and passed ~14 px from the greater trochanter's dot. No
    landmark leader crosses a drawn nerve line (its stroke as drawn, in pixels) away from its
    own anchor, nor passes within 10 px of another landmark's dot."""
    from shapely.geometry import LineString, Point

    fig = plt.figure(figsize=(9, 8))
    ax = fig.add_axes((0.0, 0.03, 1.0, 0.92))
    art = draw_hip("posterior", side, layers=("skin", "bones", "deep"), ax=ax)
    fig.canvas.draw()
    px = fig.dpi / 72.0
    nerves = [LineString(a.get_transform().transform(a.get_xydata())).buffer(a.get_linewidth() * px / 2)
              for arts in art.nerves.values() for a in arts]
    dots = {lid: Point(*m.get_transform().transform(m.get_xydata()[0])) for lid, m in art.landmarks.items()}
    assert nerves and "ischial_tuberosity" in dots
    for ln in art.leaders:
        lid = ln.get_gid().split(":", 1)[1]
        if lid not in dots:
            continue
        xy = ln.get_transform().transform(ln.get_xydata())
        seg = LineString(xy).difference(dots[lid].buffer(20))  # where it meets its own dot may lie on the nerve
        for n in nerves:
            assert not seg.intersects(n), f"{lid}'s leader crosses the nerve"
        for other, p in dots.items():
            if other != lid:
                assert LineString(xy).distance(p) >= 10, f"{lid}'s leader passes {other}"
    plt.close(fig)
