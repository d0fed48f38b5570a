"""The shipped atlas: schema, landmark plausibility, mirror consistency, corrections."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import yaml

from hipball import LAYERS, SIDES, VIEWS, load_atlas
from hipball.atlas import LANDMARK_IDS, MUSCLE_IDS
from hipball.sources import load_sources


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def test_atlas_names_what_it_holds(atlas):
    assert atlas.views == ("posterior", "lateral", "anterolateral")
    assert set(atlas.muscles) == set(MUSCLE_IDS) and len(atlas.muscles) == 10
    assert LAYERS == ("skin", "superficial", "deep", "bones")
    for view in VIEWS:
        for side in SIDES:
            lm = atlas.landmarks(view, side)
            assert set(LANDMARK_IDS) <= set(lm)


def test_load_is_cached(atlas):
    assert load_atlas() is atlas
    assert atlas.view("lateral", "left") is atlas.view("lateral", "left")


def test_lateral_landmarks_are_anatomically_placed(atlas):
    lm = atlas.landmarks("lateral", "right")
    assert lm["asis"][0] > lm["psis"][0] + 8, "ASIS must lie in front of the PSIS in the right lateral view"
    assert lm["greater_trochanter"][1] < lm["iliac_crest"][1] - 12, "trochanter well below the crest"
    assert lm["ischial_tuberosity"][1] < lm["greater_trochanter"][1]
    assert lm["lateral_knee_joint_line"][1] < 50 < lm["ischial_tuberosity"][1]
    # heights plausible for a ~169 cm model (Drillis & Contini: trochanter 0.53 H = 90 cm)
    assert 80 < lm["greater_trochanter"][1] < 95
    assert 100 < lm["iliac_crest"][1] < 112


def test_posterior_landmarks_sides(atlas):
    right = atlas.landmarks("posterior", "right")
    left = atlas.landmarks("posterior", "left")
    assert right["greater_trochanter"][0] > 12, "right trochanter on the viewer's right from behind"
    assert left["greater_trochanter"][0] < -12
    assert abs(right["sacrum"][0]) < 2 and abs(right["coccyx"][0]) < 2, "sacrum on the midline"
    assert right["coccyx"][1] < right["sacrum"][1] < right["psis"][1] + 3


def test_left_is_the_mirror_of_right(atlas):
    for view in VIEWS:
        r, l = atlas.view(view, "right"), atlas.view(view, "left")
        for k in r.landmarks:
            np.testing.assert_allclose(l.landmarks[k], r.landmarks[k] * [-1, 1])
        for m in MUSCLE_IDS:
            np.testing.assert_allclose(l.muscles[m].outline, r.muscles[m].outline * [-1, 1])
    # the front of the body faces the viewer's left in a left lateral view
    left = atlas.landmarks("lateral", "left")
    assert left["asis"][0] < left["psis"][0]


def test_muscles_have_closed_nonempty_outlines_and_layers(atlas):
    from shapely.geometry import Polygon

    for view in VIEWS:
        v = atlas.view(view, "right")
        for mid, m in v.muscles.items():
            poly = Polygon(m.outline)
            assert poly.is_valid and poly.area > 3, (view, mid, poly.area)
            assert m.layer in ("superficial", "deep")
    gmin = atlas.view("lateral", "right").muscles["gluteus_minimus"]
    assert set(gmin.parts) >= {"anterior", "posterior"}
    # anterior fibres lie in front of the posterior ones (lateral view, x = anterior)
    assert gmin.parts["anterior"][:, 0].mean() > gmin.parts["posterior"][:, 0].mean()
    assert "iliotibial_band" in atlas.view("lateral", "right").muscles["tensor_fasciae_latae"].parts


def test_probe_flaws_are_fixed(atlas):
    """The flaws ANATOMY.md lists for the quick probe, each checked on the geometry."""
    lat = atlas.view("lateral", "right")
    lm = lat.landmarks
    gt = lm["greater_trochanter"]
    # gluteus maximus reaches the iliotibial band: its outline extends lateral/anterior to the trochanter
    gmax = lat.muscles["gluteus_maximus"].outline
    post = atlas.view("posterior", "right")
    assert post.muscles["gluteus_maximus"].outline[:, 0].max() > post.landmarks["greater_trochanter"][0]
    assert gmax[:, 1].min() < gt[1] - 8, "gluteus maximus runs down onto the ITB below the trochanter"
    # gluteus medius arises along the crest: its outline spans most of the ASIS-PSIS distance
    gmed = lat.muscles["gluteus_medius"].outline
    span = gmed[gmed[:, 1] > lm["asis"][1]][:, 0]
    assert span.max() - span.min() > 0.7 * (lm["asis"][0] - lm["psis"][0])
    # TFL belly ends about a third of the way to the knee, not at the knee
    tfl = lat.muscles["tensor_fasciae_latae"].outline
    assert tfl[:, 1].min() > gt[1] - 16
    # vastus lateralis starts just below the trochanter, not mid-thigh
    vl = lat.muscles["vastus_lateralis"].outline
    assert vl[:, 1].max() > gt[1] - 8
    # the three hamstrings are separate shapes in the posterior view
    from shapely.geometry import Polygon

    bf, st = (Polygon(post.muscles[m].outline) for m in ("biceps_femoris", "semitendinosus"))
    assert bf.intersection(st).area < 0.35 * min(bf.area, st.area)


def test_every_correction_has_a_reason_and_a_source(atlas):
    from importlib import resources

    data = yaml.safe_load((resources.files("hipball") / "data" / "atlas_corrections.yaml").read_text())
    sources = load_sources()
    ids = []
    for c in data["corrections"]:
        assert c["muscle"] in MUSCLE_IDS or c["muscle"] in atlas.view("anterolateral", "right").context
        assert len(c["reason"]) > 40 and c["change"]
        assert c["source_id"] in sources, c["id"]
        ids.append(c["id"])
    assert tuple(ids) == atlas.corrections_applied
    # every correction and every added structure says where in its source to check it
    for c in data["corrections"] + data["structures"]:
        assert len(c.get("where", "")) > 15, f"{c['id']}: say where (chapter, section, plate)"
    for st in data["structures"]:
        assert st["source_id"] in sources and len(st["reason"]) > 40 and st["change"]
    assert atlas.structures_added == tuple(st["id"] for st in data["structures"]) == ("sciatic_nerve",)


def test_runtime_never_imports_the_model_libraries():
    code = "import hipball; hipball.load_atlas().view('lateral','left'); import sys; print(sorted(m for m in sys.modules if m.split('.')[0] in ('mujoco','myo_sim')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_bad_view_side_names_allowed_values(atlas):
    with pytest.raises(ValueError, match=r"view: 'lateal' is not one of: posterior, lateral, anterolateral \(did you mean 'lateral'\?\)"):
        atlas.view("lateal")
    with pytest.raises(ValueError, match="side: 'middle'.*right, left"):
        atlas.view("posterior", "middle")


@pytest.mark.atlas
def test_rebuild_reproduces_the_shipped_atlas(repo):
    pytest.importorskip("mujoco", reason="needs the 'atlas' extra: pip install -e '.[atlas]'")
    pytest.importorskip("myo_sim", reason="needs the 'atlas' extra: pip install -e '.[atlas]'")
    sys.path.insert(0, str(repo / "tools"))
    try:
        import build_atlas
    finally:
        sys.path.pop(0)
    rebuilt = build_atlas.dumps(build_atlas.build())
    shipped = (repo / "lib" / "hipball" / "data" / "atlas.json").read_text()
    assert rebuilt == shipped, "run: python tools/build_atlas.py (and commit the result)"
    assert json.loads(shipped)["source"]["myo_sim"] == "0.2.4"


def test_projection_matches_the_stored_views(atlas):
    from hipball.atlas import project

    for side in SIDES:
        l3 = atlas.landmarks_3d(side)
        for view in VIEWS:
            lm = atlas.landmarks(view, side)
            for k in ("asis", "greater_trochanter", "psis"):
                np.testing.assert_allclose(project(l3[k], view, side)[0], lm[k], atol=0.02)


def test_quadratus_lumborum_lies_beside_the_spine(atlas):
    ql = atlas.view("posterior", "right").muscles["quadratus_lumborum"].outline
    assert ql[:, 0].min() > 2.0, "from behind, QL lies lateral to the transverse-process tips"
    assert ql[:, 0].max() > 7.0


# --------------------------------------------------------------------------- anatomical relations
# Each fact a class is taught, checked on the atlas geometry against its landmarks (issue 9).

def _poly(coords):
    from shapely.geometry import Polygon

    return Polygon(coords).buffer(0)


def _top_edge(poly, x):
    from shapely.geometry import LineString

    hit = poly.intersection(LineString([(x, -1e3), (x, 1e3)]))
    return None if hit.is_empty else (hit.bounds[1], hit.bounds[3])


def test_gluteus_minimus_lies_above_piriformis_in_the_back_view(atlas):
    v = atlas.view("posterior", "right")
    gmin, piri = _poly(v.muscles["gluteus_minimus"].outline), _poly(v.muscles["piriformis"].outline)
    x0, x1 = max(gmin.bounds[0], piri.bounds[0]), min(gmin.bounds[2], piri.bounds[2])
    assert x1 - x0 > 3, "they share some width (both run to the trochanter)"
    for x in np.linspace(x0 + 0.2, x1 - 0.2, 15):
        g, p = _top_edge(gmin, x), _top_edge(piri, x)
        if g and p:
            assert g[0] >= p[1] - 0.3, f"gluteus minimus reaches below piriformis at x={x:.1f}"


def test_gluteus_minimus_ends_at_the_upper_border_of_piriformis_in_the_side_view(atlas):
    """From the side, gluteus minimus ends along piriformis's upper border; piriformis shows
    below and behind it (T&S vol. 2 ch. 9 and ch. 10, Anatomy; Gray's 42nd ed., gluteal region)."""
    v = atlas.view("lateral", "right")
    gmin, piri = _poly(v.muscles["gluteus_minimus"].outline), _poly(v.muscles["piriformis"].outline)
    x0, x1 = max(gmin.bounds[0], piri.bounds[0]), min(gmin.bounds[2], piri.bounds[2])
    assert x1 - x0 > 2, "they share some width"
    # piriformis runs steeply here, so compare areas, not heights: the region under its upper
    # border (over its own width) holds next to nothing of gluteus minimus
    xs = np.linspace(piri.bounds[0], piri.bounds[2], 41)[1:-1]
    top = [(x, _top_edge(piri, x)[1]) for x in xs]
    under = _poly(top + [(xs[-1], 0.0), (xs[0], 0.0)])
    assert gmin.intersection(under).area < 0.6, f"{gmin.intersection(under).area:.1f} cm2 of gluteus minimus below piriformis"
    assert gmin.intersection(piri).area < 0.05 * piri.area, "piriformis is not hidden inside gluteus minimus"
    # piriformis lies behind (posterior to) the anterior part, which reaches the front of the trochanter
    ant = _poly(v.muscles["gluteus_minimus"].parts["anterior"])
    assert ant.centroid.x > piri.centroid.x + 3
    assert ant.bounds[1] < v.landmarks["trochanter_tip"][1] + 1.0, "the anterior fan still reaches the trochanter"


def test_sartorius_arises_at_the_asis_and_crosses_rectus_femoris_to_the_medial_thigh(atlas):
    """Sartorius: from the ASIS obliquely across the front of the thigh (in front of rectus
    femoris in its upper third) to its medial side; rectus femoris straight down the middle
    (Gray's 42nd ed., thigh; T&S vol. 2 ch. 12, Anatomy)."""
    from shapely.geometry import LineString

    v = atlas.view("anterolateral", "right")
    sart, rf = v.context["sartorius"], v.context["rectus_femoris"]
    asis = v.landmarks["asis"]
    top = sart.outline[np.argmax(sart.outline[:, 1])]
    assert np.hypot(*(top - asis)) < 1.5, f"sartorius starts {np.hypot(*(top - asis)):.1f} cm from the ASIS"

    def centre_x(m, y):
        hit = _poly(m.outline).intersection(LineString([(-1e3, y), (1e3, y)]))
        return (hit.bounds[0] + hit.bounds[2]) / 2.0

    # x grows toward the front and the inner side in this view: lateral of rectus at the hip,
    # medial of it (past its edge) by mid-thigh
    assert sart.fibres[0][0][0] < rf.fibres[0][0][0], "the ASIS lies lateral to rectus femoris' origin"
    s, r = _poly(sart.outline), _poly(rf.outline)
    for y in (68.0, 64.0):
        band = _poly([(-50, y - 0.5), (50, y - 0.5), (50, y + 0.5), (-50, y + 0.5)])
        assert s.intersection(r).intersection(band).area < 0.35 * s.intersection(band).area, \
            f"at {y} cm sartorius lies beside rectus femoris, not on it"
        assert centre_x(sart, y) > centre_x(rf, y) + 3
    # in 3D (the back view's x is the subject's right): it ends up on the inner thigh
    post = atlas.view("posterior", "right").context
    xs, xr = (np.interp(66.0, f[::-1, 1], f[::-1, 0]) for f in (post["sartorius"].fibres[0], post["rectus_femoris"].fibres[0]))
    assert xs < xr - 3, "sartorius is medial to rectus femoris at mid-thigh"


def test_piriformis_runs_from_the_front_of_the_sacrum_to_the_trochanter_tip(atlas):
    v = atlas.view("posterior", "right")
    piri = v.muscles["piriformis"]
    tip = v.landmarks["trochanter_tip"]
    assert np.hypot(*(piri.outline - tip).T).min() < 1.5, "piriformis reaches the tip of the trochanter"
    # its origin on the front of the sacrum is hidden from behind: drawn solid only beyond it
    assert piri.visible is not None
    sacrum = atlas.view("posterior", "right").bones.outlines["sacrum_coccyx"]
    sacrum_edge = max(r[:, 0].max() for r in sacrum)
    assert piri.outline[:, 0].min() < sacrum_edge - 1.0, "the muscle itself starts over (in front of) the sacrum"
    assert piri.visible[:, 0].min() > piri.outline[:, 0].min() + 1.0
    lat = atlas.view("lateral", "right")
    # seen from the side, it arises in front of the sacrum's back surface
    assert lat.muscles["piriformis"].outline[:, 0].max() > lat.landmarks["sacrum"][0] + 2


def test_itb_is_a_broad_band_from_the_crest_to_gerdys_tubercle(atlas):
    for view in ("lateral", "anterolateral"):
        v = atlas.view(view, "right")
        itb = _poly(v.muscles["tensor_fasciae_latae"].parts["iliotibial_band"])
        lm = v.landmarks
        assert itb.bounds[3] > lm["iliac_tubercle"][1] - 2.5, f"{view}: the band reaches up to the crest (tubercle)"
        low = np.asarray(itb.exterior.coords)
        assert np.hypot(*(low - lm["gerdy_tubercle"]).T).min() < 1.0, f"{view}: the band ends on Gerdy's tubercle"
        assert itb.bounds[1] > lm["gerdy_tubercle"][1] - 2.0
    lat = atlas.view("lateral", "right")
    itb = _poly(lat.muscles["tensor_fasciae_latae"].parts["iliotibial_band"])
    y = lat.landmarks["greater_trochanter"][1] - 6
    lo, hi = (itb.intersection(_poly([(-50, y - 0.1), (50, y - 0.1), (50, y + 0.1), (-50, y + 0.1)])).bounds[i]
              for i in (0, 2))
    assert hi - lo > 3.0, "a broad sheet below the trochanter, not a line"


def test_tfl_and_gluteus_maximus_insert_into_the_itb(atlas):
    from shapely.geometry import Point

    for view in ("lateral", "anterolateral"):
        v = atlas.view(view, "right")
        tfl = v.muscles["tensor_fasciae_latae"]
        itb = _poly(tfl.parts["iliotibial_band"])
        end = tfl.outline[np.argmin(tfl.outline[:, 1])]
        assert itb.distance(Point(end)) < 0.5, f"{view}: the TFL belly ends on the band"
        assert end[1] < v.landmarks["greater_trochanter"][1], f"{view}: TFL joins the band below the trochanter"
        belly = tfl.outline[:, 1].max() - end[1]
        assert 12 < belly < 19, f"{view}: TFL belly about 15 cm, not {belly:.0f}"
    lat = atlas.view("lateral", "right")
    gmax = _poly(lat.muscles["gluteus_maximus"].outline)
    itb = _poly(lat.muscles["tensor_fasciae_latae"].parts["iliotibial_band"])
    assert gmax.intersection(itb).area > 5, "gluteus maximus reaches the band"


def test_vastus_lateralis_ends_at_the_patella_above_the_knee_joint_line(atlas):
    for view in ("posterior", "lateral", "anterolateral"):
        v = atlas.view(view, "right")
        vl = v.muscles["vastus_lateralis"].outline
        assert vl[:, 1].min() > v.landmarks["lateral_knee_joint_line"][1] + 3, view
        assert abs(vl[:, 1].min() - v.landmarks["patella_superior"][1]) < 3, view


def test_biceps_femoris_ends_at_the_fibular_head(atlas):
    for view in ("posterior", "lateral"):
        v = atlas.view(view, "right")
        bf = v.muscles["biceps_femoris"].outline
        end = bf[np.argmin(bf[:, 1])]
        assert np.hypot(*(end - v.landmarks["fibular_head"])) < 1.5, view


def test_sciatic_nerve_leaves_below_piriformis_and_runs_between_the_hamstrings(atlas):
    v = atlas.view("posterior", "right")
    n = atlas.sciatic_nerve("posterior", "right")
    lm = v.landmarks
    piri = _poly(v.muscles["piriformis"].outline)
    top = n.path[0]
    edge = _top_edge(piri, top[0])
    assert edge is not None and top[1] < edge[0], "the nerve emerges below piriformis"
    assert top[1] > edge[0] - 2.5, "right at its lower border"
    assert n.pelvic_path[0][0] < top[0], "it comes from the sacral plexus, medially, inside the pelvis"
    # midway between the ischial tuberosity and the greater trochanter, at the tuberosity's level
    it, gt = lm["ischial_tuberosity"], lm["greater_trochanter"]
    x = np.interp(it[1], n.path[::-1, 1], n.path[::-1, 0])
    frac = (x - it[0]) / (gt[0] - it[0])
    assert 0.3 < frac < 0.7, f"the nerve crosses {frac:.2f} of the way from the tuberosity to the trochanter"
    # down the back of the thigh, crossed by biceps femoris' long head, between semitendinosus
    # (medial) and biceps femoris' lateral edge
    for y in (66.0, 58.0):
        x = np.interp(y, n.path[::-1, 1], n.path[::-1, 0])
        st_x = np.mean([p[0] for p in v.muscles["semitendinosus"].outline if abs(p[1] - y) < 1.5])
        bf_x = max(p[0] for p in v.muscles["biceps_femoris"].outline if abs(p[1] - y) < 1.5)
        assert st_x < x < bf_x, f"at {y} cm the nerve lies between the hamstrings"
    # it divides above the knee; the common fibular branch reaches the head of the fibula
    assert n.path[-1][1] > lm["lateral_knee_joint_line"][1] + 6
    fib = n.branches["common_fibular"]
    assert np.hypot(*(fib - lm["fibular_head"]).T).min() < 2.0
    # the accessor mirrors for the left side and matches the 3D course
    left = atlas.sciatic_nerve("posterior", "left")
    np.testing.assert_allclose(left.path, n.path * [-1, 1])
    from hipball.atlas import project

    p3 = atlas.sciatic_nerve_3d("right")
    assert np.hypot(*(project(p3[:1], "posterior") - n.path[0]).T)[0] < 0.5


def _longest_straight_run(line, tol=0.2):
    """The longest stretch of a polyline (cm) that stays within ``tol`` cm of its own chord."""
    line = np.asarray(line, dtype=float)
    best = 0.0
    for i in range(len(line) - 2):
        for j in range(i + 2, len(line)):
            seg = line[i:j + 1]
            chord = seg[-1] - seg[0]
            length = float(np.hypot(*chord))
            if length < 1e-9:
                continue
            normal = np.array([-chord[1], chord[0]]) / length
            if np.abs((seg - seg[0]) @ normal).max() > tol:
                break
            best = max(best, length)
    return best


def _arc(outline, i, j, key):
    """Of the two arcs of a closed outline between vertices i and j, the one ``key`` picks."""
    n = len(outline)
    arcs = [outline[np.arange(i, i + (j - i) % n + 1) % n], outline[np.arange(j, j + (i - j) % n + 1) % n]]
    return min(arcs, key=key)


def test_gluteus_maximus_has_rounded_borders_not_a_parallelogram(atlas):
    """Review of issue 9, finding 7: gluteus maximus was a near-parallelogram. It is a thick
    quadrilateral with a convex, rounded lower border from the coccyx down and out over the
    ischial tuberosity, and from the side it follows the rounded buttock and bows forward over
    the trochanter (Gray's 42nd ed., gluteal region; T&S vol. 2 ch. 7, Anatomy). No border is a
    long straight edge (the old outlines: a 10 cm straight lower border from behind, a 28 cm
    straight front border from the side)."""
    v = atlas.view("posterior", "right")
    o = v.muscles["gluteus_maximus"].outline
    near_coccyx = int(np.argmin(np.hypot(*(o - v.landmarks["coccyx"]).T)))
    lowest = int(np.argmin(o[:, 1]))
    lower = _arc(o, near_coccyx, lowest, key=lambda a: a[:, 1].max())  # the arc not over the top
    assert _longest_straight_run(lower) < 8.0, "the lower border is a straight edge"
    # convex: it bulges down and inward, below the straight line from the coccyx end to where
    # its lowest fibres insert (no point inside that line, the middle well outside it)
    end = min((np.asarray(f)[-1] for f in v.muscles["gluteus_maximus"].fibres), key=lambda p: p[1])
    k = int(np.argmin(np.hypot(*(lower - end).T)))
    a, b = lower[0], lower[k]
    chord = (b - a) / np.hypot(*(b - a))
    outward = np.array([-chord[1], chord[0]])
    if outward[1] > 0:  # the side away from the muscle's middle: down
        outward = -outward
    dev = (lower[: k + 1] - a) @ outward
    assert dev.min() > -0.2, "the lower border is not convex"
    assert dev.max() > 1.5, f"the lower border bulges only {dev.max():.1f} cm below its chord"
    for view in ("posterior", "lateral"):
        o = atlas.view(view, "right").muscles["gluteus_maximus"].outline
        run = _longest_straight_run(np.vstack([o, o[:1]]))
        assert run < 12.0, f"{view}: a {run:.0f} cm straight border"
