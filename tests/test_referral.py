"""Trigger points, regions, referral zones, their drawing and the reverse lookup."""

from __future__ import annotations

import csv
import itertools
from importlib import resources

import matplotlib.pyplot as plt
import pytest
from shapely.geometry import Point, box

from hipball import bodychart, referral
from hipball.cli import main
from hipball.sources import load_sources

TEN = {"gluteus_maximus", "gluteus_medius", "gluteus_minimus", "piriformis", "tensor_fasciae_latae",
       "quadratus_lumborum", "biceps_femoris", "semitendinosus", "semimembranosus", "vastus_lateralis"}
REGIONS = {"low_back", "iliac_crest", "sacroiliac", "sacrum", "coccyx", "upper_buttock", "lateral_buttock",
           "lower_buttock", "gluteal_fold", "lateral_hip", "groin", "anterolateral_thigh", "lateral_thigh",
           "posterior_thigh", "lateral_knee", "posterior_knee", "lateral_leg", "calf", "lateral_ankle",
           "dorsum_foot"}


def rows(name):
    with (resources.files("hipball") / "data" / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# ------------------------------------------------------------------ data integrity
def test_the_ten_muscles_are_described():
    ms = referral.muscles()
    assert set(ms) == TEN
    for m in ms.values():
        assert m.name and m.display_name and m.action and m.feels_like


@pytest.mark.parametrize("table", ["muscles.csv", "trigger_points.csv", "regions.csv", "referral_zones.csv"])
def test_every_row_is_sourced_and_has_a_card(table):
    sources = load_sources()
    for r in rows(table):
        assert r["source_id"] in sources, (table, r)
        if "position_source_id" in r:
            assert r["position_source_id"] in sources
    assert (resources.files("hipball") / "data" / table.replace(".csv", ".md")).is_file()
    assert (resources.files("hipball") / "data" / "bodychart.md").is_file()


def test_no_orphan_ids():
    trps = set(referral.trp_ids())
    for t in referral.trigger_points():
        assert t.muscle_id in TEN
        assert t.trp_id.startswith(t.muscle_id + ".")
    assert {t.muscle_id for t in referral.trigger_points()} == TEN
    for r in rows("referral_zones.csv"):
        assert r["trp_id"] in trps
        assert r["kind"] in referral.ZONE_KINDS
        views = referral.VIEWS if r["view"] == "both" else (r["view"],)
        for v in views:
            assert r["region_id"] in referral.region_ids(v), (r, v)
    for t in trps:
        assert any(not referral.referral_zones(t, v).essential.is_empty for v in referral.VIEWS), t
    assert REGIONS <= set(referral.region_ids())


def test_required_trigger_points_exist():
    ids = set(referral.trp_ids())
    for t in ["gluteus_minimus.anterior", "gluteus_minimus.posterior", "gluteus_medius.posterior",
              "gluteus_medius.middle", "gluteus_medius.anterior", "gluteus_maximus.upper",
              "gluteus_maximus.middle", "gluteus_maximus.lower", "piriformis.lateral", "piriformis.medial",
              "tensor_fasciae_latae.belly", "quadratus_lumborum.superficial", "quadratus_lumborum.deep",
              "semitendinosus.mid", "semimembranosus.mid", "biceps_femoris.mid"]:
        assert t in ids
    assert sum(t.startswith("vastus_lateralis.") for t in ids) >= 3


def test_anchors_are_weights_over_landmarks_and_positions_are_sane():
    lm = set(bodychart.REFERENCE_LANDMARKS["posterior"])
    for t in referral.trigger_points():
        assert t.anchors, t.trp_id
        for a in t.anchors.values():
            assert sum(w for _, w in a.weights) == pytest.approx(1.0)
            assert {n for n, _ in a.weights} <= lm
        assert t.position in referral.POSITIONS
        if t.roll_deg is not None:
            assert 0 <= t.roll_deg <= 180
    # the front-corner trigger points need the client rolled three-quarters toward prone
    for t in ["gluteus_minimus.anterior", "tensor_fasciae_latae.belly"]:
        assert referral.trigger_point(t).roll_deg >= 120


# ------------------------------------------------------------------------ geometry
@pytest.mark.parametrize("view", referral.VIEWS)
def test_regions_are_inside_the_outline_and_do_not_overlap(view):
    body = bodychart.body_outline(view)
    regs = referral.regions(view)
    for r in regs.values():
        assert r.geometry.area > 1.0, r.region_id
        assert r.geometry.difference(body).area < 1e-6
        assert r.display_name
    for a, b in itertools.combinations(regs.values(), 2):
        assert a.geometry.intersection(b.geometry).area < 0.5, (a.region_id, b.region_id)


def test_region_sides_mirror_and_views_show_what_they_should():
    assert "groin" not in referral.region_ids("posterior")
    assert "sacrum" not in referral.region_ids("lateral")
    r = referral.region_geometry("lateral_hip", "posterior", "right")
    l = referral.region_geometry("lateral_hip", "posterior", "left")
    assert r.centroid.x > 10 and l.centroid.x == pytest.approx(-r.centroid.x)


@pytest.mark.parametrize("view", referral.VIEWS)
@pytest.mark.parametrize("side", referral.SIDES)
def test_every_zone_is_inside_the_skin_outline(view, side):
    body = bodychart.body_outline(view, side)
    for t in referral.trp_ids():
        z = referral.referral_zones(t, view, side)
        for g in (z.essential, z.spillover):
            assert g.difference(body).area < 1e-3, (t, view, side)
        assert z.essential.intersection(z.spillover).area < 1e-6


@pytest.mark.parametrize("view", referral.VIEWS)
def test_trigger_points_lie_inside_the_body_and_mirror(view):
    for t in referral.trp_ids():
        xy = referral.trigger_point_xy(t, view, "right")
        if xy is None:
            continue
        assert bodychart.encloses(view, [xy]).all(), t
        lx, ly = referral.trigger_point_xy(t, view, "left")
        assert (lx, ly) == pytest.approx((-xy[0], xy[1]))


def test_front_corner_trigger_points_sit_where_the_routine_says():
    lm = bodychart.REFERENCE_LANDMARKS["lateral"]
    x, y = referral.trigger_point_xy("gluteus_minimus.anterior", "lateral")
    assert lm["greater_trochanter"][0] < x < lm["asis"][0]  # in front of the trochanter
    assert y < lm["asis"][1]  # below the ASIS
    x, y = referral.trigger_point_xy("vastus_lateralis.proximal", "lateral")
    assert 0 < lm["greater_trochanter"][1] - y < 10  # just below the trochanter


def test_trigger_points_lie_inside_their_drawn_muscle():
    from shapely.geometry import Polygon
    from shapely.ops import unary_union

    from hipball.atlas import load_atlas

    atlas = load_atlas()
    misses = []
    for view in referral.TRP_VIEWS:
        v = atlas.view(view, "right")
        for t in referral.trigger_points():
            xy = referral.trigger_point_xy(t.trp_id, view)
            if xy is None:
                continue
            shape = v.muscles[t.muscle_id]
            polys = getattr(shape, "polygons", None) or [shape.outline]
            area = unary_union([Polygon(p).buffer(0) for p in polys])
            if area.distance(Point(xy)) > 0.5:
                misses.append((t.trp_id, view, round(area.distance(Point(xy)), 1)))
    assert not misses


# ------------------------------------------------------------------ reverse lookup
def top(pain, n=1, **kw):
    return [c.trp_id for c in referral.candidates(pain, **kw)[:n]]


def test_side_of_the_leg_is_anterior_gluteus_minimus():
    assert top(["lateral_thigh", "lateral_leg", "lateral_ankle"]) == ["gluteus_minimus.anterior"]


def test_behind_the_knee_is_biceps_femoris():
    assert top(["posterior_knee"])[0].startswith("biceps_femoris.")


# DOMAIN.md section 2, one row per trigger point: its essential zone as the pain.
ESSENTIAL = {
    "gluteus_minimus.anterior": ["lateral_buttock", "lateral_thigh", "lateral_knee", "lateral_leg", "lateral_ankle"],
    "gluteus_minimus.posterior": ["lower_buttock", "posterior_thigh", "calf"],
    "gluteus_medius.posterior": ["sacroiliac", "sacrum", "iliac_crest"],
    "gluteus_medius.middle": ["upper_buttock", "lateral_buttock"],
    "gluteus_medius.anterior": ["iliac_crest", "low_back"],
    "gluteus_maximus.middle": ["upper_buttock", "lower_buttock", "lateral_buttock", "sacrum"],
    "gluteus_maximus.lower": ["coccyx"],
    "piriformis.lateral": ["sacroiliac", "lateral_buttock", "lower_buttock"],
    "tensor_fasciae_latae.belly": ["lateral_hip", "anterolateral_thigh"],
    "quadratus_lumborum.superficial": ["iliac_crest", "lateral_hip", "lateral_thigh"],
    "quadratus_lumborum.deep": ["sacroiliac", "lower_buttock"],
    "semitendinosus.mid": ["lower_buttock", "gluteal_fold"],
    "biceps_femoris.mid": ["posterior_knee"],
    "vastus_lateralis.middle": ["lateral_thigh", "lateral_knee"],
}


@pytest.mark.parametrize("trp", sorted(ESSENTIAL))
def test_essential_zone_ranks_its_muscle_in_the_top_two(trp):
    muscle = trp.split(".")[0]
    ranked = referral.candidates(ESSENTIAL[trp])
    assert muscle in [c.muscle_id for c in ranked[:2]], ranked.table(5)


@pytest.mark.parametrize("trp", ["gluteus_minimus.anterior", "gluteus_minimus.posterior", "biceps_femoris.mid",
                                 "tensor_fasciae_latae.belly", "quadratus_lumborum.deep", "gluteus_maximus.lower"])
def test_distinctive_essential_zones_rank_their_trigger_point_first(trp):
    assert top(ESSENTIAL[trp]) == [trp]


def test_exact_essential_zone_geometry_scores_one():
    for trp in referral.trp_ids():
        zone = referral.referral_zones(trp, "posterior").essential
        if zone.area < 1:
            continue
        ranked = referral.candidates(zone, view="posterior")
        best = ranked[0]
        assert best.score == pytest.approx(1.0, abs=0.02)
        assert trp in [c.trp_id for c in ranked if c.score >= best.score - 1e-9]


def test_scores_are_ordered_bounded_and_explained():
    ranked = referral.candidates(["posterior_knee", "calf"])
    scores = [c.score for c in ranked]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)
    for c in ranked:
        assert c.why and all(w.kind in ("essential", "spillover") for w in c.why)
    # essential beats spillover for the same pain
    knee = {c.trp_id: c for c in referral.candidates(["posterior_knee"])}
    assert knee["biceps_femoris.mid"].score > knee["vastus_lateralis.middle"].score


def test_unexplained_pain_lowers_the_score():
    alone = {c.trp_id: c.score for c in referral.candidates(["posterior_knee"])}
    more = {c.trp_id: c.score for c in referral.candidates(["posterior_knee", "low_back"])}
    assert more["biceps_femoris.mid"] < alone["biceps_femoris.mid"]


def test_lookup_is_deterministic_and_side_aware():
    a = referral.candidates(["lateral_hip", "groin"])
    b = referral.candidates(["groin", "lateral_hip"])
    assert [(c.trp_id, c.score) for c in a] == [(c.trp_id, c.score) for c in b]
    left = referral.candidates(["lateral_hip", "groin"], side="left")
    assert [(c.trp_id, c.score) for c in left] == [(c.trp_id, c.score) for c in a]


def test_clicked_points_on_the_chart():
    xy = referral.trigger_point_xy("gluteus_minimus.anterior", "lateral")
    knee = referral.region_geometry("lateral_knee", "lateral").representative_point()
    ankle = referral.region_geometry("lateral_ankle", "lateral").representative_point()
    ranked = referral.candidates([(knee.x, knee.y), (ankle.x, ankle.y)], view="lateral")
    assert ranked[0].trp_id == "gluteus_minimus.anterior"
    assert ranked.outside == []
    assert xy is not None


# -------------------------------------------------------------------- bad input
def test_unknown_region_names_the_closest():
    with pytest.raises(ValueError, match="did you mean 'lateral_thigh'"):
        referral.candidates(["lateral_thigh", "lateral_thig"])


def test_points_outside_the_body_are_reported_not_dropped_silently():
    ranked = referral.candidates([(60.0, 60.0), (9.0, 90.0)], view="posterior")
    assert ranked.outside == [(60.0, 60.0)]
    assert "outside" in ranked.message
    assert len(ranked) > 0
    only_out = referral.candidates([(60.0, 60.0)], view="posterior")
    assert len(only_out) == 0 and only_out.outside and only_out.message


def test_a_polygon_partly_outside_is_clipped_and_reported():
    ranked = referral.candidates(box(10, 60, 40, 70), view="posterior")
    assert ranked.outside and len(ranked) > 0


@pytest.mark.parametrize("empty", [[], None, ()])
def test_no_pain_gives_an_empty_result_with_a_message(empty):
    ranked = referral.candidates(empty)
    assert list(ranked) == [] and "No pain" in ranked.message


def test_points_need_a_view():
    with pytest.raises(ValueError, match="view"):
        referral.candidates([(9.0, 90.0)])


# --------------------------------------------------------------------------- CLI
def test_cli_lookup(capsys):
    assert main(["lookup", "lateral_thigh", "lateral_leg"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "gluteus_minimus.anterior" in out[1]


def test_cli_unknown_region_exits_2_with_the_closest(capsys):
    assert main(["lookup", "posterior_kne", "--side", "left"]) == 2
    assert "did you mean 'posterior_knee'" in capsys.readouterr().err


# ----------------------------------------------------------------------- drawing
def test_draw_referral_artists():
    from hipball.draw.referral import draw_referral

    fig, ax = plt.subplots()
    n = len(plt.get_fignums())
    art = draw_referral("gluteus_medius", view="posterior", ax=ax)
    assert len(plt.get_fignums()) == n
    trps = [t.trp_id for t in referral.trigger_points("gluteus_medius")]
    assert set(art.essential) == set(trps)
    for p in art.spillover.values():
        assert p.get_hatch() and "." in p.get_hatch()  # stippled
        assert p.get_facecolor()[3] == 0  # no solid fill
    for p in art.essential.values():
        assert p.get_facecolor()[3] > 0.5  # solid
    labels = [t.get_text() for t in art.legend.get_texts()]
    for t in referral.trigger_points("gluteus_medius"):
        assert sum(t.name in lab and "Gluteus medius" in lab for lab in labels) == 1
    for t in trps:
        x, y = art.markers[t].get_data()
        assert (x[0], y[0]) == pytest.approx(referral.trigger_point_xy(t, "posterior"))
    # distinct colour and hatch per trigger point of the muscle (grayscale-readable)
    styles = {(s.color, s.hatch) for s in art.styles.values()}
    assert len(styles) == len(trps)
    # ... except trigger points that share one composite pattern
    art = draw_referral("piriformis", view="posterior", ax=ax)
    assert len({(s.color, s.hatch) for s in art.styles.values()}) == 1


def test_several_muscles_get_one_style_each():
    from hipball.draw.referral import draw_referral

    fig, ax = plt.subplots()
    art = draw_referral(["gluteus_minimus", "biceps_femoris"], view="lateral", ax=ax)
    gmin = {art.styles[t].hatch for t in art.styles if t.startswith("gluteus_minimus")}
    bf = {art.styles[t].hatch for t in art.styles if t.startswith("biceps_femoris")}
    assert len(gmin) == 1 and len(bf) == 1 and gmin != bf


def test_tfl_is_not_marked_on_the_posterior_chart_but_its_zone_is():
    from hipball.draw.referral import draw_referral

    fig, ax = plt.subplots()
    art = draw_referral("tensor_fasciae_latae.belly", view="posterior", ax=ax)
    assert art.markers == {} and art.essential
    assert any("not visible" in t.get_text() for t in art.legend.get_texts())


def test_draw_trigger_point_labels_do_not_overlap():
    from hipball.draw.referral import draw_trigger_points

    fig, ax = plt.subplots(figsize=(6, 8))
    ax.set_xlim(-10, 30)
    ax.set_ylim(40, 115)
    art = draw_trigger_points(view="posterior", ax=ax)
    assert len(art.markers) == sum(t.anchors.get("posterior") is not None for t in referral.trigger_points())
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    from matplotlib.text import Text

    boxes = [Text.get_window_extent(a, r) for a in art.labels.values()]  # the text, not the leader
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)


def test_draw_body_chart_with_names():
    from hipball.draw.referral import draw_body_chart

    fig, ax = plt.subplots()
    art = draw_body_chart(view="lateral", regions=["groin", "lateral_hip"], names=True, ax=ax)
    assert set(art.names) == {"groin", "lateral_hip"}
    with pytest.raises(ValueError, match="groin"):
        draw_body_chart(view="posterior", regions=["groin"], ax=ax)


def test_referral_plates_cover_every_muscle_and_both_charts():
    from hipball.draw.referral import referral_plates

    stems = [s for s, _ in referral_plates()]
    for m in TEN:
        assert f"referral_{m}_posterior" in stems and f"referral_{m}_lateral" in stems
    assert len(stems) == len(set(stems))


def _referral_plate(stem: str):
    """The plate as `hipball figures` draws it: its size and layout, hipball's screen theme over
    matplotlib's defaults (mpl-default-style in pyproject.toml)."""
    from hipball.draw.plates import iter_plates
    from hipball.draw.theme import theme

    ((_, size, draw),) = [p for p in iter_plates(stem) if p[0] == stem]
    with theme("screen"):
        fig = plt.figure(figsize=size)
        draw(fig)
    return fig


@pytest.mark.mpl_image_compare(baseline_dir="baseline", tolerance=2, savefig_kwargs={"dpi": 60})
def test_plate_gluteus_minimus_lateral():
    return _referral_plate("referral_gluteus_minimus_lateral")


@pytest.mark.mpl_image_compare(baseline_dir="baseline", tolerance=2, savefig_kwargs={"dpi": 60})
def test_plate_piriformis_posterior():
    return _referral_plate("referral_piriformis_posterior")


def test_lookup_messages_say_what_went_wrong():
    from hipball.referral import candidates

    r = candidates(["groin"], view="posterior")
    assert len(r) == 0
    assert "groin" in r.message and "posterior chart" in r.message
    other = candidates([(-8.0, 60.0)], view="posterior", side="right")
    assert not other and "side='left'" in other.message
    assert candidates([(-8.0, 60.0)], view="posterior", side="left")
    with pytest.raises(ValueError, match="pain: give either region ids or"):
        candidates(["groin", (1.0, 2.0)])
