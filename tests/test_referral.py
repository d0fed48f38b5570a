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
        assert r["view"] in referral.VIEWS
        assert r["page"].startswith("p. "), r  # the Travell & Simons page the outline follows
        assert len(bodychart.parse_outline(r["outline"])) >= 4, r
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
        assert t.position in referral.TREATMENT_POSITIONS
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

    stems = [s for s, _, _ in referral_plates()]
    for m in TEN:
        assert f"referral_{m}_posterior" in stems and f"referral_{m}_lateral" in stems
    assert len(stems) == len(set(stems))


def _referral_plate(stem: str):
    """The plate as `hipball figures` draws it: its size and layout, hipball's screen theme over
    matplotlib's defaults (mpl-default-style in pyproject.toml)."""
    from hipball.draw.referral import referral_plates
    from hipball.draw.theme import theme

    _, size, draw = next(p for p in referral_plates() if p[0] == stem)
    with theme("screen"):
        fig = plt.figure(figsize=size)
        draw(fig)
    return fig


def test_one_panel_per_referral_pattern_lettered_like_the_manual():
    """Issue 9: one panel per trigger point (A, B, C); the two piriformis points share one
    composite pattern, so one panel."""
    from hipball.draw.referral import draw_referral_panels

    fig = plt.figure(figsize=(9, 9))
    art = draw_referral_panels("gluteus_medius", view="posterior", fig=fig)
    assert [p.body.skin.axes.get_title() for p in art.panels] == ["A   Gmed 1", "B   Gmed 2", "C   Gmed 3"]
    assert [set(p.essential) for p in art.panels] == [{f"gluteus_medius.{n}"} for n in ("posterior", "middle", "anterior")]
    fig = plt.figure(figsize=(5, 9))
    art = draw_referral_panels("piriformis", view="posterior", fig=fig)
    assert len(art.panels) == 1 and set(art.panels[0].markers) == {"piriformis.lateral", "piriformis.medial"}
    assert set(art.panels[0].labels) == {"piriformis.lateral", "piriformis.medial"}
    shapes = {t: m.get_marker() for t, m in art.panels[0].markers.items()}
    assert shapes["piriformis.lateral"] != shapes["piriformis.medial"]
    legend_shapes = {h.get_marker() for h in art.legend.legend_handles if hasattr(h, "get_marker")}
    assert set(shapes.values()) <= legend_shapes, "the legend shows each point's own marker"


def _look(patch):
    """What a patch looks like: colours, hatch, alpha, line width and style."""
    from matplotlib.colors import to_rgba

    return (to_rgba(patch.get_facecolor()), to_rgba(patch.get_edgecolor()), patch.get_hatch(),
            to_rgba(patch.get_hatchcolor()), round(patch.get_linewidth(), 3), patch.get_linestyle())


def test_legend_swatches_are_identical_to_the_fills():
    from matplotlib.patches import Rectangle

    from hipball.draw.referral import draw_referral, draw_referral_panels

    fig, ax = plt.subplots(figsize=(5, 9))
    art = draw_referral("gluteus_medius", view="lateral", ax=ax)
    swatches = {_look(p) for p in art.legend.findobj(Rectangle)}
    for fill in [*art.essential.values(), *art.spillover.values()]:
        assert _look(fill) in swatches
    fig = plt.figure(figsize=(9, 10))
    panels = draw_referral_panels("vastus_lateralis", view="lateral", fig=fig)
    swatches = {_look(p) for p in panels.legend.findobj(Rectangle)}
    for a in panels.panels:
        for fill in [*a.essential.values(), *a.spillover.values()]:
            assert _look(fill) in swatches


def test_every_trigger_point_of_a_muscle_is_distinguishable_on_every_chart():
    """Colour (the X takes its zone's colour) and a label, on every chart view."""
    from hipball.draw.referral import draw_referral

    for muscle in TEN:
        for view in referral.VIEWS:
            fig, ax = plt.subplots()
            art = draw_referral(muscle, view=view, ax=ax, legend=False)
            faces = [m.get_markerfacecolor() for t, m in art.markers.items()]
            pats = {referral.zone_signature(t) for t in art.markers}
            assert len(set(faces)) == len(pats), (muscle, view)
            # points sharing a pattern share its colour, so their markers differ (review of
            # issue 9: the two piriformis points were two identical orange Xs, legend too)
            looks = [(m.get_markerfacecolor(), m.get_marker()) for m in art.markers.values()]
            assert len(set(looks)) == len(looks), (muscle, view)
            assert set(art.labels) == set(art.markers)
            texts = [a.get_text() for a in art.labels.values()]
            assert len(set(texts)) == len(texts)
            plt.close(fig)


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


# ------------------------------------------------- issue 9: sites and zones re-checked
def _xy(trp, view="posterior"):
    return referral.trigger_point_xy(trp, view)


def test_piriformis_points_spread_along_the_piriformis_line():
    """T&S vol. 2 ch. 10: lateral TrP in the lateral third toward the trochanter, medial TrP
    near the sacrum's edge."""
    lm = bodychart.REFERENCE_LANDMARKS["posterior"]
    lat, med = _xy("piriformis.lateral"), _xy("piriformis.medial")
    gap = ((lat[0] - med[0]) ** 2 + (lat[1] - med[1]) ** 2) ** 0.5
    assert gap >= 5.5
    tip = lm["trochanter_tip"]
    line = tip[0] - med[0]
    assert (lat[0] - med[0]) / line >= 0.7  # the lateral point is in the lateral third
    assert med[0] < lm["psis"][0] + 1.5  # the medial point sits by the sacrum's edge


def test_gluteus_medius_points_lie_along_the_crest_from_the_psis():
    """T&S vol. 2 ch. 8: three sites just below the crest, TrP1 near the PSIS."""
    for view in ("posterior", "lateral"):
        lm = bodychart.REFERENCE_LANDMARKS[view]
        p = [_xy(f"gluteus_medius.{n}", view) for n in ("posterior", "middle", "anterior")]
        gaps = [((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 for a, b in zip(p, p[1:])]
        assert min(gaps) >= 3.0, (view, gaps)
        d_psis = [((q[0] - lm["psis"][0]) ** 2 + (q[1] - lm["psis"][1]) ** 2) ** 0.5 for q in p]
        assert d_psis[0] == min(d_psis) and d_psis[0] < 3.5
        assert all(q[1] < lm["iliac_crest"][1] for q in p)
    # in the lateral view they follow the crest from back to front
    xs = [_xy(f"gluteus_medius.{n}", "lateral")[0] for n in ("posterior", "middle", "anterior")]
    assert xs == sorted(xs) and xs[-1] - xs[0] > 6


def test_quadratus_lumborum_superficial_is_lateral_and_tagged_superficial():
    sup, deep = referral.trigger_point("quadratus_lumborum.superficial"), referral.trigger_point("quadratus_lumborum.deep")
    assert sup.depth == "superficial" and deep.depth == "deep"
    assert _xy(sup.trp_id)[0] - _xy(deep.trp_id)[0] >= 3.0


def test_gluteus_maximus_pain_stays_in_the_buttock():
    """T&S vol. 2 p. 133: local referral, rarely if ever to a distance."""
    fold_y = 76.0
    for t in referral.trigger_points("gluteus_maximus"):
        for view in referral.VIEWS:
            z = referral.referral_zones(t.trp_id, view)
            for g in (z.essential, z.spillover):
                if not g.is_empty:
                    assert g.bounds[1] > fold_y, (t.trp_id, view, g.bounds)


def test_only_superficial_quadratus_lumborum_spills_to_the_groin():
    groin = referral.region_geometry("groin", "lateral")
    sup = referral.referral_zones("quadratus_lumborum.superficial", "lateral")
    deep = referral.referral_zones("quadratus_lumborum.deep", "lateral")
    assert sup.spillover.intersection(groin).area > 5
    assert deep.essential.union(deep.spillover).intersection(groin).area < 0.5


def test_biceps_femoris_spills_up_the_outer_back_of_the_thigh_only():
    z = referral.referral_zones("biceps_femoris.mid", "posterior")
    thigh = referral.region_geometry("posterior_thigh", "posterior")
    minx, _, maxx, _ = thigh.bounds
    inner = thigh.intersection(box(minx, 0, (minx + maxx) / 2 - 1.0, 200))
    outer = thigh.intersection(box((minx + maxx) / 2, 0, maxx, 200))
    assert z.spillover.intersection(outer).area > 0.4 * outer.area
    assert z.spillover.intersection(inner).area < 0.1 * inner.area
    knee_line = bodychart.REFERENCE_LANDMARKS["posterior"]["lateral_knee_joint_line"][1]
    assert knee_line - 12 < z.spillover.bounds[1] < knee_line  # just below the knee, not down the calf


@pytest.mark.parametrize("pain", [123, 4.5, [None], [(1.0, 2.0, 3.0)], [[(1.0, 2.0)]]])
def test_pain_of_the_wrong_kind_is_a_value_error_naming_the_field(pain):
    """Issue 12: candidates(123) raised TypeError."""
    with pytest.raises(ValueError, match=r"pain: .* region ids are: [a-z_]+, "):
        referral.candidates(pain, view="posterior")


# ---------------------------------------- issue 9 section 2: zones drawn like the manual
def _longest_axis_runs(geom, edge, tol=0.1, max_angle_deg=3.0):
    """(horizontal, vertical): lengths (cm) of the longest stretches of a zone's own outline
    (not where it runs along ``edge``: the skin or the midline) that are straight lines within
    ``max_angle_deg`` of horizontal or of vertical (no point more than ``tol`` cm off).
    From each point the stretch grows point by point until a point lies on ``edge`` or strays
    more than ``tol`` off the chord; the chords are checked 64 end points at a time (numpy)."""
    import numpy as np
    import shapely

    best = [0.0, 0.0]
    for poly in getattr(geom, "geoms", [geom]):
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)[:-1]
            free = shapely.distance(edge, shapely.points(xy)) > 0.05
            n = len(xy)
            xy2, free2 = np.concatenate([xy, xy]), np.concatenate([free, free])  # the ring, twice round
            for i in np.flatnonzero(free):
                r = xy2[i:i + n] - xy2[i]  # every point from i on, relative to point i
                a = 1
                while a < n:
                    b = min(n, a + 64)
                    d = r[a:b]  # chords from i to the end points i+a .. i+b-1
                    length = np.hypot(d[:, 0], d[:, 1])
                    off = np.abs(d[:, :1] * r[None, :b, 1] - d[:, 1:] * r[None, :b, 0])
                    off = np.where(np.arange(b)[None, :] <= np.arange(a, b)[:, None], off, 0.0).max(axis=1)
                    long_ = length > 1e-9
                    bad = ~free2[i + a:i + b] | (long_ & (off > tol * np.where(long_, length, 1.0)))
                    stop = int(np.argmax(bad)) if bad.any() else b - a
                    ang = np.degrees(np.arctan2(np.abs(d[:stop, 1]), np.abs(d[:stop, 0])))
                    lens = np.where(long_[:stop], length[:stop], 0.0)
                    best[0] = max(best[0], float(lens[ang <= max_angle_deg].max(initial=0.0)))
                    best[1] = max(best[1], float(lens[ang >= 90 - max_angle_deg].max(initial=0.0)))
                    if stop < b - a:
                        break
                    a = b
    return tuple(best)


# Measured on the old zones (unions of rectangular cells): flat cut-offs up to 13.4 cm (median
# 7.8) and straight sides up to 24.4 cm. A hand-drawn edge may follow the leg for a hand's breadth.
MAX_HORIZONTAL_RUN_CM = 2.5
MAX_VERTICAL_RUN_CM = 10.0


@pytest.mark.parametrize("view", referral.VIEWS)
def test_zone_outlines_have_no_long_straight_horizontal_or_vertical_runs(view):
    """Zones are smooth organic outlines, not unions of rectangular cells."""
    edge = bodychart.half_body(view).boundary
    bad = {}
    for t in referral.trp_ids():
        z = referral.referral_zones(t, view)
        for kind, g in (("essential", z.essential), ("spillover", z.spillover)):
            if g.is_empty:
                continue
            h, v = _longest_axis_runs(g, edge)
            if h > MAX_HORIZONTAL_RUN_CM or v > MAX_VERTICAL_RUN_CM:
                bad[(t, kind)] = (round(h, 1), round(v, 1))
    assert not bad


def test_the_straight_run_measure_catches_a_box():
    edge = bodychart.half_body("posterior").boundary
    h, v = _longest_axis_runs(box(3, 60, 8, 70), edge)
    assert (h, v) == (pytest.approx(5.0), pytest.approx(10.0))


def test_zones_are_data_anchored_to_body_levels():
    """Each zone row is control points at named body levels; moving a level moves the zone."""
    rows_ = [r for r in rows("referral_zones.csv") if r["trp_id"] == "biceps_femoris.mid"
             and r["kind"] == "essential" and r["view"] == "posterior"]
    pts = bodychart.parse_outline(rows_[0]["outline"])
    knee = bodychart.LEVELS["knee"]
    assert all(abs(y - knee) < 10 for y, _ in pts)
    with pytest.raises(ValueError, match="outline level: 'kne' .*did you mean 'knee'"):
        bodychart.parse_outline("kne+2 0.3; knee 0.5; knee-2 0.4")


def _pixels(fig):
    import numpy as np

    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)


@pytest.mark.parametrize("first,then", [("gluteus_minimus", "piriformis"), ("piriformis", ("gluteus_medius", "piriformis"))])
def test_update_referral_shows_what_draw_referral_draws(first, then):
    """Issue 13.1: zones shown in place after another subject equal the same subject drawn
    from scratch (styles, order, labels, legend)."""
    import numpy as np

    from hipball.draw.referral import ReferralArtists, draw_body_chart, draw_referral, update_referral

    figs = [plt.figure(figsize=(5, 6), dpi=60) for _ in range(2)]
    try:
        a, b = (f.add_subplot() for f in figs)
        draw_body_chart(ax=a)
        art = update_referral(ReferralArtists(None), first, ax=a)
        update_referral(art, then, ax=a)
        draw_referral(then, ax=b)
        diff = np.abs(_pixels(figs[0]) - _pixels(figs[1])).max(axis=2) > 40
        assert diff.mean() < 0.0005
        assert set(art.labels) == set(a for a, m in art.markers.items() if m.get_visible())
        update_referral(art, (), ax=a)
        assert not any(p.get_visible() for g in (art.essential, art.spillover, art.markers) for p in g.values())
    finally:
        for f in figs:
            plt.close(f)


def test_gluteus_medius_points_lie_in_a_row_along_the_crest():
    """Review of issue 9, finding 17 (T&S vol. 2 ch. 8, Fig. 8.1): Gmed 1 near the PSIS, Gmed 2
    about 2 cm under the highest part of the crest (its own description), Gmed 3 toward the
    ASIS; from behind they must not crowd at one height."""
    import numpy as np

    from hipball.atlas import load_atlas
    from hipball.referral import trigger_point_xy

    lm = load_atlas().landmarks("posterior", "right")
    g1, g2, g3 = (np.array(trigger_point_xy(f"gluteus_medius.{p}", "posterior")) for p in ("posterior", "middle", "anterior"))
    assert np.hypot(*(g1 - lm["psis"])) < 3.0, "Gmed 1 lies near the PSIS"
    assert 1.0 < lm["iliac_crest"][1] - g2[1] < 3.0, "Gmed 2 about 2 cm under the crest"
    assert g2[1] > g1[1] + 1.0 and g2[1] > g3[1] + 1.0, "Gmed 2, under the crest's summit, is the highest"
    assert g1[0] < g2[0] < g3[0], "from the PSIS out toward the ASIS"


def test_gluteus_minimus_anterior_essential_zone_takes_in_the_lower_outer_buttock():
    """Review of issue 9, finding 18 (T&S vol. 2 ch. 9, Fig. 9.1): the anterior point's essential
    zone covers the lower outer buttock, not only a strip down the side of the leg."""
    from hipball.bodychart import LEVELS, across_to_x
    from hipball.referral import referral_zones

    ess = referral_zones("gluteus_minimus.anterior", "posterior").essential
    for dy in (-1.0, -4.0):
        y = (LEVELS["trochanter"] + LEVELS["fold"]) / 2.0 + dy + 2.0
        x = float(across_to_x("posterior", [y], [0.7])[0])
        assert ess.contains(Point(x, y)), f"lower outer buttock at {y:.1f} cm"
