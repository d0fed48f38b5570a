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
        assert c["muscle"] in MUSCLE_IDS
        assert len(c["reason"]) > 40 and c["change"]
        assert c["source_id"] in sources, c["id"]
        ids.append(c["id"])
    assert tuple(ids) == atlas.corrections_applied


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
