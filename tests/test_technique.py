"""Spoke pattern and rolling models, and their drawings (through artists; a few baselines)."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pytest
from shapely.geometry import LineString, Point

from hipball import draw_hip
from hipball.atlas import load_atlas
from hipball.draw.technique import draw_roll_path, draw_roll_section, draw_spokes, update_roll_section
from hipball.roll import angle_to_reach, cross_section, roll_contact
from hipball.spokes import CLEARANCE_CM, bony_zones, default_hub, spoke_pattern


# ----------------------------------------------------------------- spokes
def test_default_hub_is_above_and_behind_the_trochanter():
    lat = load_atlas().view("lateral", "right").landmarks
    x, y = default_hub("lateral", "right")
    gt = lat["greater_trochanter"]
    assert y > gt[1] + 2, "above"
    assert x < gt[0] - 2, "behind (lateral view: x is anterior)"
    xp, yp = default_hub("posterior", "right")
    assert 0 < xp < load_atlas().view("posterior").landmarks["greater_trochanter"][0]


def test_spokes_radiate_evenly_in_working_order():
    p = spoke_pattern(spokes=8, length_cm=5, view="lateral")  # from behind one spoke would meet the nerve
    assert len(p.spokes) == 8
    assert [s.number for s in p.spokes] == list(range(1, len(p.spokes) + 1))
    angles = [s.angle_deg for s in p.spokes]
    assert angles[0] == pytest.approx(90.0), "the first spoke points toward the head"
    assert np.allclose(np.diff(angles) % 360, 315.0), "clockwise, 45 degrees apart"
    for s in p.spokes:
        assert s.length_cm <= 5 + 1e-9
        assert np.hypot(*np.subtract(s.end, s.start)) == pytest.approx(s.length_cm, abs=1e-6)


@pytest.mark.parametrize("view", ["posterior", "lateral", "anterolateral"])
@pytest.mark.parametrize("side", ["right", "left"])
def test_spokes_stop_short_of_bony_prominences(view, side):
    for hub in (None, "gluteus_medius.posterior", "gluteus_minimus.anterior"):
        try:
            p = spoke_pattern(hub, spokes=12, length_cm=12, view=view, side=side)
        except ValueError as e:  # a trigger point hidden in that view
            assert "not visible" in str(e)
            continue
        zones = bony_zones(view, side)
        for s in p.spokes:
            line = LineString([s.start, s.end])
            for name, z in zones.items():
                if z.contains(Point(s.start)):
                    continue
                clear = min(CLEARANCE_CM, 0.5 * Point(s.start).distance(z))
                assert line.distance(z) >= clear - 0.01, (hub, name, s.number)


@pytest.mark.parametrize("view", ["posterior", "lateral", "anterolateral"])
@pytest.mark.parametrize("side", ["right", "left"])
def test_spokes_stop_short_of_the_outline_of_their_own_view(view, side):
    """A client read: the front corner's spokes ran past the body's outline drawn under them
    (they stopped short of the side view's outline). Each spoke, long or short, stops at least
    the clearance short of the silhouette of the view it is drawn in: carried on that far along
    its line it is still inside."""
    from shapely.geometry import Polygon

    from hipball.bodychart import skin_outline

    skin = Polygon(skin_outline(view, side)).buffer(0)
    for length in (6.0, 8.0, 15.0):
        for s in spoke_pattern(spokes=12, length_cm=length, view=view, side=side).spokes:
            d = np.subtract(s.end, s.start) / s.length_cm
            on = LineString([s.start, tuple(np.add(s.end, (CLEARANCE_CM - 0.01) * d))])
            assert skin.contains(on), (length, s.number, s.stopped_by)


def test_long_spokes_are_clipped_and_say_by_what():
    p = spoke_pattern(length_cm=15, view="posterior")
    stopped = {s.stopped_by for s in p.spokes}
    assert "greater trochanter" in stopped
    assert all(s.length_cm < 15 for s in p.spokes if s.stopped_by)


def test_several_hubs_in_one_call():
    p = spoke_pattern(["gluteus_medius.middle", "gluteus_maximus.middle", (9.0, 92.0)], spokes=6, view="posterior")
    assert [h.label for h in p.hubs] == ["gluteus_medius.middle", "gluteus_maximus.middle", "point"]
    assert {s.hub_index for s in p.spokes} == {0, 1, 2}
    nums = [s.number for s in p.spokes]
    assert nums == sorted(nums) and len(set(nums)) == len(nums)


def test_hub_on_left_side_mirrors():
    r = spoke_pattern(view="posterior", side="right")
    l = spoke_pattern(view="posterior", side="left")
    assert l.hubs[0].xy[0] == pytest.approx(-r.hubs[0].xy[0], abs=1e-6)


@pytest.mark.parametrize("kw, field", [
    (dict(spokes=0), "spokes"), (dict(spokes=2.5), "spokes"), (dict(length_cm=-3), "length_cm"),
    (dict(sweep_deg=0), "sweep_deg"), (dict(view="front"), "view"), (dict(side="middle"), "side"),
    (dict(hub="gluteus_minimis.anterior"), "hub"), (dict(hub="banana"), "hub"),
    (dict(hub=(500.0, 500.0)), "hub"),
])
def test_spoke_bad_input(kw, field):
    with pytest.raises(ValueError) as e:
        spoke_pattern(**kw)
    assert str(e.value).startswith(f"{field}:") or str(e.value).startswith("trigger point:")


def test_zero_spokes_names_the_range():
    with pytest.raises(ValueError, match=r"spokes: 0 is outside the allowed range 1 to 24"):
        spoke_pattern(spokes=0)


# ----------------------------------------------------------------- rolling
def test_contact_moves_from_buttock_to_trochanter_to_front_corner():
    lm = load_atlas().landmarks_3d("right")
    c0, c90, c125 = roll_contact(0), roll_contact(90), roll_contact(125)
    assert c0.point_3d[1] < lm["greater_trochanter"][1] - 8, "on the back: under the buttock"
    assert c90.point_3d[0] > lm["greater_trochanter"][0], "on the side: at the trochanter"
    assert abs(c90.point_3d[1] - lm["greater_trochanter"][1]) < 4
    assert c125.point_3d[1] > lm["greater_trochanter"][1] + 3, "front corner: in front of the trochanter"
    assert c0.muscles == ("gluteus_maximus",)
    assert "tensor_fasciae_latae" in c125.muscles and "gluteus_minimus" in c125.muscles
    assert "gluteus_minimus.anterior" in c125.trigger_points
    assert c0.position == "on your back" and c90.position == "on your side"


def test_angle_to_reach_orders_the_routine():
    a = {t: angle_to_reach(t) for t in ("gluteus_maximus.middle", "piriformis.lateral",
                                        "gluteus_minimus.anterior", "tensor_fasciae_latae.belly")}
    assert a["gluteus_maximus.middle"] <= 15
    assert 20 <= a["piriformis.lateral"] <= 80  # its lateral third, toward the trochanter (issue 9)
    assert a["gluteus_minimus.anterior"] >= 100, "the front corner needs more than side-lying"
    assert a["tensor_fasciae_latae.belly"] >= 110
    assert angle_to_reach("gluteus_minimus.anterior", "left") == a["gluteus_minimus.anterior"]


def test_roll_contact_plates_and_left_side():
    r, l = roll_contact(120, side="right"), roll_contact(120, side="left")
    assert l.point_3d[0] == pytest.approx(-r.point_3d[0])
    assert l.plates["posterior"][0] == pytest.approx(-r.plates["posterior"][0], abs=1e-6)
    assert r.muscles == l.muscles


def test_cross_section_has_skin_and_muscle_layers():
    sec = cross_section()
    assert sec.layers["gluteus_maximus"] == "superficial" and sec.layers["gluteus_minimus"] == "deep"
    for g in sec.muscles.values():
        assert g.within(LineString(np.r_[sec.outline, sec.outline[:1]]).convex_hull.buffer(0.01))


@pytest.mark.parametrize("kw, msg", [
    (dict(angle_deg=-5), r"angle_deg: -5 is outside the allowed range 0 to 150 degrees"),
    (dict(angle_deg=200), r"angle_deg: 200 is outside"),
    (dict(angle_deg=90, height=150), r"height: 150 is outside the allowed range"),
    (dict(angle_deg=90, side="up"), r"side: 'up' is not one of: right, left"),
])
def test_roll_bad_input(kw, msg):
    with pytest.raises(ValueError, match=msg):
        roll_contact(**kw)
    with pytest.raises(ValueError, match="trigger point: 'gluteus_minimus.front'.*did you mean"):
        angle_to_reach("gluteus_minimus.front")


# ----------------------------------------------------------------- drawing
def test_draw_spokes_artists():
    fig, ax = plt.subplots()
    p = spoke_pattern(spokes=6, view="posterior")
    art = draw_spokes(p, ax=ax)
    assert len(art.spokes) == len(p.spokes) and len(art.numbers) == len(p.spokes)
    assert [t.get_text() for t in art.numbers] == [str(s.number) for s in p.spokes]
    for a, s in zip(art.spokes, p.spokes):
        assert np.allclose(a._posA_posB, [s.start, s.end])
        assert a.get_edgecolor()[0] > 0.7 and a.get_edgecolor()[1] < 0.2, "red"
        assert a.get_path_effects(), "white casing for grayscale and busy plates"
    assert art.hubs[0].get_markerfacecolor() == "white"


def test_roll_section_rotates_in_place_and_names_what_is_under():
    fig, ax = plt.subplots()
    art = draw_roll_section(0, ax=ax)
    n_patches = len(ax.patches)
    m0 = art.rotation.get_matrix().copy()
    def under():
        return " ".join(art.under.get_text().split())

    assert "Gluteus maximus" in under()
    update_roll_section(art, 120)
    assert len(ax.patches) == n_patches, "no new artists per update"
    assert not np.allclose(m0, art.rotation.get_matrix())
    assert "Tensor fasciae latae" in under() and "120" in art.title.get_text()
    # the contact point sits on top of the ball after the rotation
    c = roll_contact(120)
    x, y = art.rotation.transform(c.section_xy)
    assert (x, y) == pytest.approx((0.0, 0.0), abs=1e-9)
    assert art.ball.center == pytest.approx((0.0, -art.ball.radius))


@pytest.mark.parametrize("angle", [0, 45, 90, 120])
def test_roll_section_text_and_marks_agree_with_the_model(angle):
    """Issue 9: the panel once said "Trigger points: none" while listing muscles under the ball
    and showing marks. The red marks, the text and roll_contact must name the same points."""
    from hipball.referral import trigger_point

    fig, ax = plt.subplots()
    art = draw_roll_section(angle, ax=ax)
    c = roll_contact(angle)
    red = {m.get_gid().split(":", 1)[1] for m in art.trigger_points if m.get_markerfacecolor() != "white"}
    assert red == set(c.trigger_points)
    text = " ".join(art.under.get_text().split())
    for t in c.trigger_points:
        assert trigger_point(t).label in text
    if not c.trigger_points:
        assert "pressed: none" in text


def test_lying_on_the_side_presses_gluteus_minimus():
    """Clinical fact (T&S vol. 2 ch. 9: gluteus minimus TrPs make lying on that side painful):
    at 90 degrees the ball presses a gluteus minimus point, and the model says why (its deep
    point lies inside the pressure cone under the ball)."""
    c = roll_contact(90)
    assert any(t.startswith("gluteus_minimus.") for t in c.trigger_points)
    assert "gluteus_minimus" in c.muscles


def test_on_the_side_the_trochanter_carries_the_load_for_the_lateral_piriformis_point():
    """Review of issue 9, finding 11: at 90 degrees the lateral piriformis point was reported as
    pressed. Lying on the side the ball rests on the greater trochanter; the bone takes the load
    for the deep point just medial to its tip, while the gluteus minimus point above the bone is
    pressed (T&S vol. 2 ch. 9 and ch. 10). The piriformis point lies inside the pressure cone: it
    is the bone, not the cone, that leaves it out, and it is pressed half turned, from behind."""
    from hipball.roll import carried_by_bone, on_trochanter, pressed, section_point, trochanter

    sec = cross_section()
    c = roll_contact(90)
    assert on_trochanter(sec, c.section_xy, c.normal)
    assert "piriformis.lateral" not in c.trigger_points
    assert "gluteus_minimus.posterior" in c.trigger_points
    assert carried_by_bone("piriformis.lateral", sec, c.section_xy, c.normal)
    assert not carried_by_bone("gluteus_minimus.posterior", sec, c.section_xy, c.normal)
    # inside the cone: within the depth and the cone's radius at that depth
    r = section_point("piriformis.lateral", sec) - np.asarray(c.section_xy)
    depth = -float(r @ np.asarray(c.normal))
    assert 0 < depth < 5.5 and np.sqrt(max(r @ r - depth ** 2, 0)) < 2.0 + 0.6 * depth
    # the ball leaves the bone as it turns back toward the buttock, and the point is pressed
    back = roll_contact(angle_to_reach("piriformis.lateral"))
    assert not on_trochanter(sec, back.section_xy, back.normal)
    assert "piriformis.lateral" in back.trigger_points and back.angle_deg < 85
    assert pressed("piriformis.lateral", sec, back.section_xy, back.normal) is not None
    # the section draws the bone the model uses
    fig, ax = plt.subplots()
    art = draw_roll_section(90, ax=ax)
    (bone,) = art.bones
    assert bone.get_gid() == "bone:greater_trochanter"
    (cx, cy), radius = trochanter(sec)
    assert (*bone.center, bone.radius) == pytest.approx((cx, cy, radius))
    red = {m.get_gid().split(":", 1)[1] for m in art.trigger_points if m.get_markerfacecolor() != "white"}
    assert "piriformis.lateral" not in red and "gluteus_minimus.posterior" in red
    assert c.on_bone == ("piriformis.lateral",)
    assert "the bone takes the load off Piri lat" in " ".join(art.under.get_text().split())
    assert not roll_contact(45).on_bone and not roll_contact(0).on_bone


def test_the_angle_to_reach_a_point_presses_it():
    from hipball.roll import _height_range, trigger_points_3d

    lo, hi = _height_range()
    for t in ("gluteus_maximus.middle", "piriformis.lateral", "gluteus_minimus.posterior",
              "gluteus_minimus.anterior", "tensor_fasciae_latae.belly", "vastus_lateralis.proximal"):
        h = float(np.clip(trigger_points_3d()[t][2], lo, hi))
        assert t in roll_contact(angle_to_reach(t), height=h).trigger_points, t


def test_roll_path_marks_stops_and_trigger_points():
    fig, ax = plt.subplots()
    art = draw_roll_path("lateral", "right", ax=ax)
    assert [t.get_text() for t in art.stop_labels] == ["0°", "45°", "90°", "120°", "135°"]
    gids = {m.get_gid() for m in art.trigger_points}
    assert "trp:gluteus_minimus.anterior" in gids


@pytest.mark.parametrize("side", ["right", "left"])
def test_roll_path_names_its_points_and_no_text_sits_on_a_mark(side):
    """Review of issue 9: the path's points were identical red Xs (the two gluteus minimus
    points could not be told apart) and "90°" sat under one of them."""
    from hipball.referral import trigger_point

    fig = plt.figure(figsize=(9, 8))
    ax = fig.add_axes((0.0, 0.03, 1.0, 0.92))
    draw_hip("lateral", side, layers=("skin", "bones", "deep"), ax=ax)
    art = draw_roll_path("lateral", side, ax=ax)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    tids = {m.get_gid().split(":", 1)[1] for m in art.trigger_points}
    assert set(art.trp_labels) == tids
    assert {t: a.get_text() for t, a in art.trp_labels.items()} == {t: trigger_point(t).label for t in tids}
    marks = [m.get_window_extent(renderer) for m in [*art.trigger_points, *art.stops]]
    texts = [a.get_window_extent(renderer) for a in [*art.stop_labels, *art.trp_labels.values()]]
    for t in texts:
        assert not any(t.overlaps(m) for m in marks)
    for t1, t2 in itertools.combinations(texts, 2):
        assert not t1.overlaps(t2)


@pytest.mark.parametrize("side", ["right", "left"])
def test_roll_path_labels_keep_off_every_leader_line(side):
    """Review of issue 9: on the rolling-path plate "Gmax 2" sat on the greater trochanter's
    leader line. No text of the path (stop angles, trigger-point names) lies on a leader line,
    the plate's landmark and muscle leaders or the path's own (each label's own leader ends at
    its box, so it is left out for that label)."""
    from shapely.geometry import LineString, box

    fig = plt.figure(figsize=(9, 8))
    ax = fig.add_axes((0.0, 0.03, 1.0, 0.92))
    hip = draw_hip("lateral", side, layers=("skin", "bones", "deep"), ax=ax)
    art = draw_roll_path("lateral", side, ax=ax)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    leaders = [*hip.leaders, *art.leaders]
    assert hip.leaders and any(ln.get_gid() == "leader:greater_trochanter" for ln in hip.leaders)

    def segments(ln):
        xy = ln.get_transform().transform(ln.get_xydata())
        return [LineString([tuple(a), tuple(b)]) for a, b in zip(xy[:-1], xy[1:])]

    texts = [(t, None) for t in art.stop_labels] + [(a, f"trp-leader:{tid}") for tid, a in art.trp_labels.items()]
    for t, own in texts:
        e = t.get_window_extent(renderer)
        r = box(e.x0, e.y0, e.x1, e.y1)
        for ln in leaders:
            if ln.get_gid() != own:
                assert not any(r.intersects(s) for s in segments(ln)), f"{t.get_text()!r} lies on {ln.get_gid()}"


def _technique_plate(stem: str):
    from hipball.draw.technique import technique_plates
    from hipball.draw.theme import theme

    _, size, draw = next(p for p in technique_plates() if p[0] == stem)
    with theme("screen"):
        fig = plt.figure(figsize=size)
        draw(fig)
    return fig


@pytest.mark.mpl_image_compare(baseline_dir="baseline", tolerance=2, savefig_kwargs={"dpi": 60})
def test_plate_rolling_sections():
    return _technique_plate("rolling_sections_right")


@pytest.mark.mpl_image_compare(baseline_dir="baseline", tolerance=2, savefig_kwargs={"dpi": 60})
def test_plate_spokes_posterior():
    return _technique_plate("spokes_posterior_right")


@pytest.mark.parametrize("view", ["posterior", "lateral"])
def test_spokes_draw_on_the_body_chart_inside_the_body(view):
    """The chart shares the plates' frame: the same pattern lands on the body, not beside it."""
    from hipball.bodychart import body_outline
    from hipball.draw.referral import draw_body_chart

    fig, ax = plt.subplots()
    draw_body_chart(view=view, side="left", ax=ax)
    p = spoke_pattern(["gluteus_minimus.posterior", None], spokes=6, view=view, side="left")
    art = draw_spokes(p, ax=ax)
    body = body_outline(view, "left")
    assert len(art.spokes) == len(p.spokes)
    for s in p.spokes:
        assert body.contains(LineString([s.start, s.end])), s.number


def test_pressed_points_are_labelled_in_the_section():
    """Issue 9: every trigger point is distinguishable on every chart (a label, not only a red X)."""
    from hipball.referral import trigger_point

    fig, ax = plt.subplots()
    art = draw_roll_section(90, ax=ax)
    c = roll_contact(90)
    shown = {t for t, a in art.trp_labels.items() if a.get_visible()}
    assert shown == set(c.trigger_points) and shown
    assert {art.trp_labels[t].get_text() for t in shown} == {trigger_point(t).label for t in shown}
    update_roll_section(art, 0)
    assert {t for t, a in art.trp_labels.items() if a.get_visible()} == set(roll_contact(0).trigger_points)


def test_an_empty_list_of_hubs_says_so():
    with pytest.raises(ValueError, match="hub: the list of hubs is empty"):
        spoke_pattern([])


# ----------------------------------------------------------------- spokes: issue 9 and issue 10 section 5
from hipball.spokes import LENGTH_RANGE, MIN_SPOKE_CM, nerve_zones  # noqa: E402


@pytest.mark.parametrize("side", ["right", "left"])
def test_spokes_stop_short_of_the_sciatic_nerve(side):
    nerve = load_atlas().sciatic_nerve("posterior", side)
    path = LineString(nerve.path)
    hubs = [None, "gluteus_maximus.middle", "gluteus_medius.posterior", "piriformis.lateral"]
    stopped = set()
    for hub in hubs:
        try:
            p = spoke_pattern(hub, spokes=16, length_cm=12, view="posterior", side=side)
        except ValueError as e:
            assert str(e).startswith("hub:")
            continue
        for s in p.spokes:
            line = LineString([s.start, s.end])
            if nerve_zones("posterior", side)["sciatic nerve"].contains(Point(s.start)):
                continue
            assert line.distance(path) >= nerve.width / 2, (hub, s.number)
            stopped.add(s.stopped_by)
        stopped |= {b for _, _, b in p.blocked}
    assert "sciatic nerve" in stopped
    # the default pattern's downward spoke points at the gap between the tuberosity and the
    # trochanter, the nerve's path: it stops short of it
    down = [s for s in spoke_pattern(length_cm=12, view="posterior", side=side).spokes if s.angle_deg == 270.0]
    assert down and down[0].stopped_by == "sciatic nerve"


@pytest.mark.parametrize("view", ["posterior", "lateral", "anterolateral"])
def test_no_spoke_is_a_stub_and_the_shortest_length_still_draws(view):
    for length in (LENGTH_RANGE[0], 6.0, 15.0):
        p = spoke_pattern(view=view, length_cm=length)  # the default hub: never "every spoke runs into bone"
        assert len(p.spokes) >= 5, (view, length)
        assert all(s.length_cm >= MIN_SPOKE_CM - 1e-9 for s in p.spokes)


@pytest.mark.parametrize("figsize", [(9.0, 8.0), (3.6, 3.2)])
def test_every_drawn_spoke_shows_a_shaft_between_hub_and_arrowhead(figsize):
    from hipball.draw.anatomy import draw_hip
    from hipball.draw.labels import points_per_cm

    fig = plt.figure(figsize=figsize)
    ax = fig.add_axes((0.0, 0.03, 1.0, 0.92))
    draw_hip("posterior", "right", layers=("skin", "bones", "superficial"), ax=ax, labels=False)
    p = spoke_pattern(hub=(12.0, 93.0), spokes=12, length_cm=LENGTH_RANGE[0], view="posterior")
    art = draw_spokes(p, ax=ax)
    ppc = points_per_cm(ax)
    hub_r = art.hubs[0].get_markersize() / 2 + art.hubs[0].get_markeredgewidth() / 2
    for arrow, s in zip(art.spokes, p.spokes):
        head = arrow.get_mutation_scale() * 5
        shaft = s.length_cm * ppc - hub_r - head
        assert shaft >= 0.25 * s.length_cm * ppc, f"spoke {s.number}: arrowhead and hub ring leave no shaft"
    plt.close(fig)


@pytest.mark.parametrize("hub, words", [
    ((-10.0, 92.0), "left hip"),
    ((0.5, 88.0), "cleft"),
    ((1.5, 80.0), "cleft"),
])
def test_a_hub_off_the_chosen_hip_is_refused(hub, words):
    with pytest.raises(ValueError, match=r"^hub: .*" + words):
        spoke_pattern(hub=hub, view="posterior", side="right")
    mirrored = (-hub[0], hub[1])
    with pytest.raises(ValueError, match=r"^hub: .*" + {"left hip": "right hip"}.get(words, words)):
        spoke_pattern(hub=mirrored, view="posterior", side="left")


def test_a_hub_on_the_nerve_or_on_bone_is_refused():
    n = load_atlas().sciatic_nerve("posterior", "right")
    on_nerve = tuple(n.path[len(n.path) // 3])
    with pytest.raises(ValueError, match=r"^hub: .*sciatic nerve"):
        spoke_pattern(hub=on_nerve, view="posterior")
    gt = load_atlas().view("posterior").landmarks["greater_trochanter"]
    with pytest.raises(ValueError, match=r"^hub: .*greater trochanter"):
        spoke_pattern(hub=tuple(gt), view="posterior")


@pytest.mark.parametrize("side", ["right", "left"])
def test_section_labels_keep_off_the_bone_and_each_other(side):
    """Review of issue 9 (second pass): at 120 degrees the "TFL" label sat over the trochanter
    disc. On the plate's four panels, and in the app's section turned in place to every 15
    degrees, no shown trigger-point label (its box as drawn) covers the bone disc, another
    label or another point's mark."""
    from shapely.geometry import Point, box

    def check(ax, where) -> int:
        renderer = ax.figure.canvas.get_renderer()
        discs = []
        for b in ax.patches:
            if (b.get_gid() or "").startswith("bone:"):
                e = b.get_window_extent(renderer)
                discs.append(Point((e.x0 + e.x1) / 2, (e.y0 + e.y1) / 2).buffer(e.width / 2))
        labels = {t.get_gid().split(":", 1)[1]: box(*t.get_bbox_patch().get_window_extent(renderer).extents)
                  for t in ax.texts if (t.get_gid() or "").startswith("trp-label:") and t.get_visible()}
        marks = {m.get_gid().split(":", 1)[1]: box(*m.get_window_extent(renderer).extents)
                 for m in ax.lines if (m.get_gid() or "").startswith("trp:")}
        assert discs and marks
        for t, r in labels.items():
            assert not any(r.intersects(d) for d in discs), ("label on the bone", where, t)
            assert not any(r.intersects(o) for u, o in labels.items() if u != t), ("labels overlap", where, t)
            assert not any(r.intersects(o) for u, o in marks.items() if u != t), ("label on a mark", where, t)
        return len(labels)

    fig = _technique_plate(f"rolling_sections_{side}")
    fig.canvas.draw()
    assert sum(check(ax, (ax.get_title(), side)) for ax in fig.axes) >= 4
    moved, ax = plt.subplots(figsize=(3.5, 5.4))
    turned = draw_roll_section(0, side=side, ax=ax)
    for angle in range(0, 151, 15):
        update_roll_section(turned, angle)
        moved.canvas.draw()
        check(ax, (angle, side))


@pytest.mark.parametrize("side", ["right", "left"])
def test_front_and_back_words_stay_clear_of_the_trigger_point_labels(side):
    """Review of issue 9: at 45 and 90 degrees a pressed point's label sat on the word "back"
    or "front" (and a mark on it). On the plate's four panels, and after the app turns a
    section in place, neither word touches a shown label or any mark."""
    from matplotlib.text import Text

    fig, axes = plt.subplots(1, 4, figsize=(14, 5.4))
    arts = [draw_roll_section(a, side=side, ax=ax) for a, ax in zip((0, 45, 90, 120), axes)]
    moved, ax = plt.subplots(figsize=(3.5, 5.4))
    turned = draw_roll_section(0, side=side, ax=ax)
    update_roll_section(turned, 90)
    for f in (fig, moved):
        f.canvas.draw()
    for art in [*arts, turned]:
        renderer = art.title.figure.canvas.get_renderer()
        words = [Text.get_window_extent(t, renderer) for t in art.front_back]
        others = [a.get_window_extent(renderer) for a in art.trp_labels.values() if a.get_visible()]
        others += [m.get_window_extent(renderer) for m in art.trigger_points]
        for w in words:
            for o in others:
                assert not w.overlaps(o), (art.angle_deg, side)


@pytest.mark.parametrize("stem", ["spokes_posterior_right", pytest.param("spokes_posterior_left", marks=pytest.mark.slow),
                                  pytest.param("spokes_lateral_right", marks=pytest.mark.slow), "spokes_lateral_left"])
def test_spoke_badges_do_not_cover_where_a_label_points(stem):
    """Review of issue 9: on the spokes plates the "Gluteus medius" leader ended under the
    badge of spoke 1; muscle labels now point at a part of the muscle the spokes leave clear."""
    fig = _technique_plate(stem)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    badges = [t.get_bbox_patch().get_window_extent(renderer) for t in ax.texts
              if (t.get_gid() or "").startswith("spoke-number:")]  # the dark disc around each number
    assert len(badges) >= 6
    leaders = [ln for ln in ax.lines if (ln.get_gid() or "").startswith("leader:")]
    assert leaders
    muscles = set(load_atlas().view("posterior", "right").muscles)
    for ln in leaders:
        if ln.get_gid().split(":")[1] not in muscles:
            continue  # a landmark's leader ends on the landmark, wherever the spokes are
        x, y = ln.get_data()
        end = ax.transData.transform((x[-1], y[-1]))
        assert not any(b.contains(*end) for b in badges), ln.get_gid()


@pytest.mark.parametrize("stem", ["spokes_lateral_left", "spokes_lateral_right",
                                  pytest.param("spokes_posterior_left", marks=pytest.mark.slow),
                                  pytest.param("spokes_posterior_right", marks=pytest.mark.slow)])
def test_spoke_plate_leaders_cross_no_spoke_or_badge(stem):
    """Review of issue 9 (second pass): on the lateral spokes plates the "greater trochanter"
    leader crossed spoke 5's arrowhead and touched a number badge. No leader of a spokes plate
    (landmarks and muscles) crosses a spoke's arrow (shaft and head, as drawn, in pixels) or a
    number badge's disc."""
    from shapely.geometry import LineString, Polygon, box
    from shapely.ops import unary_union

    fig = _technique_plate(stem)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    marks = []
    for p in ax.patches:
        if (p.get_gid() or "").startswith("spoke:"):
            path = p.get_transform().transform_path(p.get_path())
            shape = unary_union([Polygon(q).buffer(0) for q in path.to_polygons() if len(q) >= 3])
            marks.append((p.get_gid(), shape.buffer(p.get_linewidth() * fig.dpi / 72 / 2)))
    for t in ax.texts:
        if (t.get_gid() or "").startswith("spoke-number:"):
            e = t.get_bbox_patch().get_window_extent(renderer)
            marks.append((t.get_gid(), box(e.x0, e.y0, e.x1, e.y1)))
    assert sum(g.startswith("spoke:") for g, _ in marks) >= 6 and sum(g.startswith("spoke-number:") for g, _ in marks) >= 6
    leaders = [ln for ln in ax.lines if (ln.get_gid() or "").startswith("leader:")]
    assert any(ln.get_gid() == "leader:greater_trochanter" for ln in leaders)
    for ln in leaders:
        seg = LineString(ln.get_transform().transform(ln.get_xydata()))
        for gid, shape in marks:
            assert not seg.intersects(shape), f"{ln.get_gid()} crosses {gid}"


def test_update_spokes_moves_a_drawn_pattern_as_draw_spokes_draws_it():
    """Issue 13.1: a pattern moved in place (fewer, then more spokes than drawn) equals the
    same pattern drawn from scratch."""
    from hipball.draw.technique import update_spokes
    from hipball.spokes import spoke_pattern

    figs = [plt.figure(figsize=(5, 5), dpi=60) for _ in range(2)]
    try:
        axes = [f.add_subplot() for f in figs]
        for ax in axes:
            ax.set_xlim(-20, 25)
            ax.set_ylim(60, 110)
            ax.set_aspect("equal")
        art = draw_spokes(spoke_pattern(None, 6), ax=axes[0])
        for n, length in ((3, 3.0), (10, 7.0)):
            target = spoke_pattern(None, n, length)
            update_spokes(art, target)
            fresh = figs[1].add_subplot()
            fresh.set_position(axes[1].get_position())
            axes[1].remove()
            axes[1] = fresh
            fresh.set_xlim(-20, 25)
            fresh.set_ylim(60, 110)
            fresh.set_aspect("equal")
            draw_spokes(target, ax=fresh)
            px = []
            for f in figs:
                f.canvas.draw()
                px.append(np.asarray(f.canvas.buffer_rgba())[..., :3].astype(int))
            assert (np.abs(px[0] - px[1]).max(axis=2) > 40).mean() < 0.0005, n
            assert sum(a.get_visible() for a in art.spokes) == len(target.spokes) > 1
    finally:
        for f in figs:
            plt.close(f)
