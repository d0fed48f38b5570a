"""The position pictures: a person on the ball, posed by hipball.pose from the rolling model."""

from __future__ import annotations

import matplotlib.colors
import matplotlib.pyplot as plt
import numpy as np
import pytest
from shapely.geometry import Polygon

from hipball.draw.position import draw_position, position_plates
from hipball.pose import BALLS, POSITIONS, ball_radius_cm, lowest_point, measured_roll, pose, sequence, to_picture
from hipball.pose import _swap
from hipball.roll import roll_contact


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("position", POSITIONS)
def test_pose_roll_and_ball_are_the_rolling_models(position, side):
    """The body is rolled by the model's angle and the ball touches the hip where
    roll_contact puts it, tangent to the skin, resting on the floor (or against the wall)."""
    p = pose(position, side)
    c = roll_contact(p.roll_deg, None, side)
    assert measured_roll(p) == pytest.approx(p.roll_deg, abs=0.5)
    assert p.contact_subject == pytest.approx(c.point_3d, abs=1e-6)
    r = p.ball_radius_cm
    assert np.linalg.norm(p.contact_world - p.ball_centre) == pytest.approx(r, abs=1e-6)
    if p.wall_x is None:
        assert p.ball_centre[2] == pytest.approx(r, abs=1e-6)  # on the floor
        assert lowest_point(p) > -0.05  # nothing sinks through the floor (the forearms sank 0.3 cm)
        assert lowest_point(p) < 2.0  # and the body rests on it
    else:
        assert abs(p.wall_x - p.ball_centre[0]) == pytest.approx(r, abs=1e-6)


def test_front_corner_picture_reaches_the_front_corner():
    """The three-quarters picture is drawn at an angle where the model's ball is on the
    front-corner trigger points (rolling 'well onto the side' is not enough)."""
    p = pose("front")
    assert 120 <= p.roll_deg <= 135
    assert {"gluteus_minimus.anterior", "tensor_fasciae_latae.belly"} <= set(p.trigger_points)
    assert not {"gluteus_minimus.anterior", "tensor_fasciae_latae.belly"} & set(pose("side").trigger_points)


@pytest.mark.parametrize("side", ["right", "left"])
def test_pictures_are_what_a_viewer_sees_not_its_mirror_image(side):
    """Each camera is a right-handed frame (image right x image up = toward the viewer). Before,
    it was left-handed and every picture was a mirror image: side-on to the wall, facing the
    viewer, a right-hip client saw the wall against the figure's left side."""
    from hipball.draw.position import visible_eyes

    for position in POSITIONS:
        right, up, toward = pose(position, side).camera.basis()
        assert np.allclose(np.cross(right, up), toward), position
    # side-on to the wall, facing the viewer: the right eye on the viewer's left, and the hip on
    # the ball's side (the client's side) is the one at the wall
    p = pose("wall_side", side)
    assert set(visible_eyes(p)) == {"eye_r", "eye_l"}
    x_r, x_l = to_picture(p, [p.joints["eye_r"], p.joints["eye_l"]])[:, 0]
    assert x_r < x_l
    wall = to_picture(p, [[p.wall_x, *p.ball_centre[1:]]])[0, 0]
    hip = {k: to_picture(p, [p.joints[f"hip_{k}"]])[0, 0] for k in "rl"}
    near = side[0]
    assert abs(hip[near] - wall) < abs(hip["l" if near == "r" else "r"] - wall)
    # back to the wall, the client's side toward the viewer: as in the lateral plates
    # (docs/CONVENTIONS.md), the front of the body is to the viewer's right for a right side
    # and to the viewer's left for a left side
    p = pose("wall", side)
    eyes = to_picture(p, [p.joints["eye_r"], p.joints["eye_l"]]).mean(axis=0)
    face = eyes[0] - to_picture(p, [p.joints["head_centre"]])[0, 0]
    assert face * (1 if side == "right" else -1) > 0


# fast tier: one lying and one standing position; every position in the slow tier
@pytest.mark.parametrize("position", [p if p in ("side", "wall_front") else pytest.param(p, marks=pytest.mark.slow)
                                      for p in POSITIONS])
def test_left_is_the_mirror_of_right(position):
    """Every drawn outline of the left picture is the right one mirrored left to right."""
    fig, (a, b) = plt.subplots(1, 2)
    r = draw_position(position, side="right", ax=a)
    left = draw_position(position, side="left", ax=b)
    assert set(r.body) == {_swap(g) for g in left.body}
    for g, patch in r.body.items():
        twin = _swap(g)
        a_r = Polygon(patch.get_xy())
        a_l = Polygon(left.body[twin].get_xy() * [-1, 1])
        assert a_r.symmetric_difference(a_l).area < 0.005 * a_r.area, g
    # and not trivially: the picture is not symmetric itself (head on one side)
    assert r.body["head"].get_xy()[:, 0].mean() * left.body["head"].get_xy()[:, 0].mean() < 0
    assert left.ball.center[0] == pytest.approx(-r.ball.center[0])
    # the rolling model's own left side: the contact point mirrors x
    assert left.pose.contact_subject[0] == pytest.approx(-r.pose.contact_subject[0])


def test_every_ball_at_its_true_relative_size():
    from hipball.pressure import balls

    fig, ax = plt.subplots()
    radii = {b: draw_position("side", ball=b, ax=ax).ball.radius for b in BALLS}
    for b in BALLS:
        assert radii[b] == pytest.approx(balls()[b].diameter_mm / 20.0)
    assert radii["baseball"] / radii["golf"] == pytest.approx(73.8 / 42.7, rel=1e-3)
    # the hip also sits higher on a bigger ball
    assert pose("back", ball="baseball").contact_world[2] > pose("back", ball="golf").contact_world[2] + 2.5


def test_body_proportions_follow_drillis_and_contini():
    from hipball.bodychart import STATURE_CM

    p = pose("wall")
    j = p.joints
    thigh = np.linalg.norm(j["knee_r"] - j["hip_r"])
    shank = np.linalg.norm(j["ankle_r"] - j["knee_r"])
    upper_arm = np.linalg.norm(j["elbow_r"] - j["shoulder_r"])
    assert thigh / STATURE_CM == pytest.approx(0.245, abs=0.002)
    assert shank / STATURE_CM == pytest.approx(0.246, abs=0.002)
    assert upper_arm / STATURE_CM == pytest.approx(0.186, abs=0.002)


def test_ball_is_painted_visible_and_each_picture_has_a_cue():
    fig, ax = plt.subplots()
    for position in POSITIONS:
        art = draw_position(position, ax=ax)
        assert art.cue.get_text() and art.title.get_text()
        assert art.ball.get_gid() == "ball:tennis"
    assert "120" in draw_position("front", ax=ax).title.get_text()
    assert any("tingles" in draw_position(n, ax=ax).cue.get_text() for n in POSITIONS)


def test_sequence_for_the_setup():
    assert sequence("right", "wall")[0] == "wall"
    assert all(pose(n).wall_x is not None for n in sequence("right", "wall"))
    assert sequence("left", "floor")[-1] == "front"
    with pytest.raises(ValueError, match="setup"):
        sequence("right", "bed")


def test_bad_input_names_the_field():
    with pytest.raises(ValueError, match="position.*back"):
        pose("sitting")
    with pytest.raises(ValueError, match="ball"):
        ball_radius_cm("football")


def _plate(stem: str):
    """The plate exactly as ``hipball figures`` draws it (screen theme, its own size)."""
    from hipball.draw.theme import theme

    ((_, size, draw),) = [p for p in position_plates() if p[0] == stem]
    fig = plt.figure(figsize=size)
    with theme("screen"):
        draw(fig)
    return fig


@pytest.mark.mpl_image_compare(baseline_dir="baseline", tolerance=2, savefig_kwargs={"dpi": 60})
def test_plate_position_front_right():
    return _plate("position_front_right")


@pytest.mark.mpl_image_compare(baseline_dir="baseline", tolerance=2, savefig_kwargs={"dpi": 60})
def test_plate_position_sequence_left():
    return _plate("position_sequence_left")


def test_handouts_package_imports_no_matplotlib(repo):
    """STYLE.md: matplotlib only in draw/ and apps/. The handout pictures live in
    draw/handout.py; handouts/ only places them (read from each module's imports)."""
    import ast

    offenders = []
    for path in sorted((repo / "lib" / "hipball" / "handouts").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "matplotlib"]
    assert offenders == []


def test_roll_explorer_turns_the_person_with_the_slider():
    """The app's person is the model's pose at the slider's angle, drawn in place (same patches)."""
    from hipball.apps import RollExplorer

    app = RollExplorer(render="canvas")
    patches = dict(app.person.body)
    for angle in (0, 90, 120):
        app.angle.value = angle
        assert app.error.value == ""
        assert measured_roll(app.person.pose) == pytest.approx(angle, abs=0.5)
        assert app.person.pose.contact_subject == pytest.approx(roll_contact(angle).point_3d)
    assert app.person.body == patches
    head_right = app.person.body["head"].get_xy()[:, 0].mean()
    app.side.value = "left"
    assert app.person.pose.side == "left"
    assert app.person.body["head"].get_xy()[:, 0].mean() == pytest.approx(-head_right, abs=0.5)  # mirrored
    app.close()


@pytest.mark.parametrize("side", ["right", "left", "both"])
def test_handout_spot_views_show_every_spot_in_its_view(side):
    """Each of the client's spots is marked in each view that shows it (``roll.marked_views``,
    the referral map's too: a front-corner spot, reached past 105 degrees, not from behind),
    and lies inside that panel's crop."""
    from matplotlib.figure import Figure

    from hipball.draw.handout import draw_spot_views
    from hipball.referral import trp_ids
    from hipball.roll import marked_views, reach_view

    trps = tuple(trp_ids())
    views = draw_spot_views(Figure(), side, trps)
    marks = {(view, k) for view, (ax, ms) in views.items() for k in ms}
    assert {k.split(":")[0] for _, k in marks} == set(trps)  # none dropped
    if side != "both":
        assert marks == {(v, t) for t in trps for v in marked_views(t, side)}
        assert all(reach_view(t, side) in marked_views(t, side) for t in trps)  # where it is reached, too
    assert ("posterior", "tensor_fasciae_latae.belly") not in marks
    for view, (ax, ms) in views.items():
        (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
        for k, m in ms.items():
            x, y = m.get_xydata()[0]
            assert x0 <= x <= x1 and y0 <= y <= y1, (view, k)
    front = views["anterolateral"][1]
    assert any(k.startswith("gluteus_minimus.anterior") for k in front)
    if side == "both":  # each hip's side and front corner: the left hip's spots on its own panels
        assert {"lateral:left", "anterolateral:left"} <= set(views)
        left_front = views["anterolateral:left"][1]
        assert "gluteus_minimus.anterior:left" in left_front
        assert "gluteus_minimus.anterior:right" in front
        xr = front["gluteus_minimus.anterior:right"].get_xydata()[0][0]
        xl = left_front["gluteus_minimus.anterior:left"].get_xydata()[0][0]
        assert xl == pytest.approx(-xr, abs=0.5)  # a mirrored pair


def test_both_hips_positions_show_the_right_hip_and_say_so():
    """Side 'both': the right hip's pictures at one hip's size (a row per hip, or the pair side
    by side, drew each person at about half of it), under a line naming the hip shown and the
    left hip's as its mirror image."""
    from hipball.draw.handout import POSITIONS_NOTE, positions_svg

    one = positions_svg("right", "tennis", "hardwood", rows=2)
    both = positions_svg("both", "tennis", "hardwood", rows=2)
    assert one.count('id="ball:tennis"') == both.count('id="ball:tennis"') == 5
    assert "mirror image" in POSITIONS_NOTE and "right hip" in POSITIONS_NOTE
    assert "mirror image" in both and "mirror image" not in one


def test_carpet_and_hardwood_positions_are_drawn_once(monkeypatch):
    """Carpet and hardwood look the same in the position pictures (a floor), but the handout's
    cache was keyed on the surface: a class on both surfaces drew its five pictures twice.
    A floor is drawn once for both; a bed (a mattress) and a wall are their own."""
    import hipball.draw.position as position
    from hipball.draw import handout

    drawn = []
    real = position.draw_position
    monkeypatch.setattr(position, "draw_position", lambda *a, **k: drawn.append(1) or real(*a, **k))
    handout.clear_cache()
    carpet = handout.positions_svg("both", "tennis", "carpet")
    assert len(drawn) == 5  # both hips: the right hip's five, the left said to be their mirror image
    assert handout.positions_svg("both", "tennis", "hardwood") == carpet
    assert len(drawn) == 5  # nothing drawn again
    handout.positions_svg("both", "tennis", "bed")
    assert len(drawn) == 10
    handout.clear_cache()


def test_handout_positions_follow_the_setup():
    from matplotlib.figure import Figure

    from hipball.draw.handout import setup_of
    from hipball.draw.position import draw_sequence

    arts = draw_sequence(Figure(), "left", "racquetball", setup_of("wall"))
    assert [a.pose.position for a in arts][0] == "wall" and all(a.pose.wall_x is not None for a in arts)
    assert {a.pose.ball for a in arts} == {"racquetball"} and {a.pose.side for a in arts} == {"left"}
    lying = draw_sequence(Figure(), "right", "baseball", setup_of("hardwood"))
    assert [a.pose.position for a in lying] == ["back", "spoke", "half", "side", "front"]


def _torso_angle(p) -> float:
    """The angle of the line from the hips' middle to the shoulders' middle above the floor."""
    j = p.joints
    d = (j["shoulder_r"] + j["shoulder_l"]) / 2 - (j["hip_r"] + j["hip_l"]) / 2
    return float(np.degrees(np.arctan2(d[2], np.hypot(d[0], d[1]))))


@pytest.mark.parametrize("side", ["right", "left"])
def test_turned_past_the_side_lies_on_the_forearms_not_sitting_up(side):
    """Three-quarters toward face down is lying: the chest low on the forearms, the head near
    the floor, the legs long behind; on the side, propped on one forearm, lower still than
    sitting up. (The first pictures stacked the shoulders: torso at 36 degrees, head 55 cm up.)"""
    front, on_side = pose("front", side), pose("side", side)
    assert _torso_angle(front) < 20
    assert front.joints["head_centre"][2] < 35
    assert max(front.joints["shoulder_r"][2], front.joints["shoulder_l"][2]) < 42
    for k in ("r", "l"):  # elbows on the floor under the chest, the hands ahead toward the head
        assert front.joints[f"elbow_{k}"][2] < 8
        head_x = front.joints["head_centre"][0] - front.joints[f"hip_{k}"][0]
        assert (front.joints[f"wrist_{k}"][0] - front.joints[f"elbow_{k}"][0]) * head_x > 0
        assert front.joints[f"ankle_{k}"][2] < 10  # both legs lie on the floor
    assert _torso_angle(on_side) < 30
    assert on_side.joints["head_centre"][2] < 55
    # the model's angle still belongs to the pelvis (the ball is where roll.py puts it)
    assert measured_roll(front) == pytest.approx(120, abs=0.5)


def test_half_turned_keeps_the_shoulders_down_and_drops_the_knees_to_the_ball_side():
    """45 degrees: the pelvis is turned, the shoulders stay nearer flat on the floor, the knees
    lean toward the ball side (toward the viewer, who sees the ball side)."""
    p = pose("half")
    j = p.joints
    tilt = lambda a, b: np.degrees(np.arcsin(abs(a[2] - b[2]) / np.linalg.norm(a - b)))  # noqa: E731
    assert tilt(j["shoulder_l"], j["shoulder_r"]) < tilt(j["hip_l"], j["hip_r"]) - 15
    for k in ("r", "l"):
        assert j[f"knee_{k}"][1] > j[f"hip_{k}"][1] + 5
        assert j[f"knee_{k}"][2] > j[f"hip_{k}"][2] + 10  # knees up, feet on the floor
    assert p.joints["head_centre"][2] < 15  # the head rests on the floor


@pytest.mark.parametrize("position", POSITIONS)
def test_every_foot_has_a_heel_and_toes_pointing_forward(position):
    """Real feet, not stubs: the toes a foot's length ahead of the heel; standing, they point
    the way the body faces (away from the wall when the back is to it); in a profile view the
    drawn foot is long."""
    from hipball.pose import _H

    p = pose(position)
    foot = _H("foot_length")
    for k in ("r", "l"):
        toe, heel, ankle = p.joints[f"toe_{k}"], p.joints[f"heel_{k}"], p.joints[f"ankle_{k}"]
        forward = (toe - heel) / np.linalg.norm(toe - heel)
        assert np.linalg.norm(toe - heel) > 0.75 * foot
        assert (toe - ankle) @ forward > 0.6 * foot
        assert (heel - ankle) @ forward < 0
        if p.wall_x is not None:
            away = np.sign(p.ball_centre[0] - p.wall_x)
            assert toe[0] * away > ankle[0] * away or position != "wall"
            assert abs(toe[2] - heel[2]) < 3  # flat on the floor
    if position in ("back", "spoke", "wall"):  # seen from the side
        for k in ("r", "l"):
            drawn = to_picture(p, [p.joints[f"toe_{k}"], p.joints[f"heel_{k}"]])
            assert np.linalg.norm(drawn[0] - drawn[1]) > 0.7 * foot


def test_wall_pictures_show_which_way_the_person_faces():
    """Back to the wall is a profile (one eye, the nose pointing away from the wall, narrow
    shoulders); side to the wall faces the viewer (both eyes, the shoulders' full width);
    turned further, the face turns toward the wall."""
    from hipball.draw.position import visible_eyes

    def shoulders_width(p):
        s = to_picture(p, [p.joints["shoulder_r"], p.joints["shoulder_l"]])
        return abs(s[0, 0] - s[1, 0])

    back, side, further = pose("wall"), pose("wall_side"), pose("wall_front")
    assert len(visible_eyes(back)) == 1 and len(visible_eyes(side)) == 2
    assert shoulders_width(back) < 0.3 * shoulders_width(side)
    nose = next(s for s in back.segments if s.name == "nose").parts[0].centre
    assert (nose[0] - back.joints["head_centre"][0]) * (back.wall_x - back.ball_centre[0]) < 0
    face = lambda p: p.joints["eye_r"] + p.joints["eye_l"] - 2 * p.joints["head_centre"]  # noqa: E731
    toward_wall = lambda p: face(p)[0] * np.sign(p.wall_x - p.ball_centre[0])  # noqa: E731
    assert toward_wall(further) > toward_wall(side) + 1.0


@pytest.mark.parametrize("side", ["right", "left"])
def test_near_limbs_over_far_limbs_and_the_far_ones_grey(side):
    """Depth reads: in the profile against the wall the far leg is grey and painted under the
    near one, which is white."""
    from hipball.draw.position import BODY_FILL, FAR_FILL
    from matplotlib.colors import to_rgba

    fig, ax = plt.subplots()
    art = draw_position("wall", side=side, ax=ax)
    near, far = ("leg_r", "leg_l") if side == "right" else ("leg_l", "leg_r")
    assert art.body[far].get_facecolor() == to_rgba(FAR_FILL)
    assert art.body[near].get_facecolor() == to_rgba(BODY_FILL)
    assert art.body[near].get_zorder() > art.body[far].get_zorder()
    # and the two legs are drawn apart (not one wedge): the far foot is a step ahead
    a, b = (Polygon(art.body[g].get_xy()) for g in (near, far))
    assert b.difference(a).area > 0.15 * b.area  # (in the first pictures it was hidden: 0)
    plt.close(fig)


def _elbow_angle(j, k):
    a, b = j[f"shoulder_{k}"] - j[f"elbow_{k}"], j[f"wrist_{k}"] - j[f"elbow_{k}"]
    return float(np.degrees(np.arccos(a @ b / np.linalg.norm(a) / np.linalg.norm(b))))


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("position", ["side", "front"])
def test_propped_on_the_forearms_not_on_straight_arms(position, side):
    """'Prop yourself on your forearm': on the side the lower arm, three-quarters toward face
    down both arms, rest on the forearm: the elbow on the floor, bent (under 130 degrees), the
    forearm flat (within 15 degrees of the floor) and pointing toward the head. No arm is straight
    (the earlier pictures showed a straight arm from the shoulder to the floor: a push-up)."""
    p = pose(position, side)
    j = p.joints
    lower = min("rl", key=lambda k: j[f"shoulder_{k}"][2])
    supporting = [lower] if position == "side" else ["r", "l"]
    for k in supporting:
        assert j[f"elbow_{k}"][2] < 6, k  # the elbow on the floor
        assert _elbow_angle(j, k) < 130, k
        f = j[f"wrist_{k}"] - j[f"elbow_{k}"]
        assert np.degrees(np.arcsin(abs(f[2]) / np.linalg.norm(f))) < 15, k
        assert (j[f"wrist_{k}"][0] - j[f"elbow_{k}"][0]) * (j["head_centre"][0] - j[f"hip_{k}"][0]) > 0, k
        # the elbow under the shoulder, not far out ahead of it (the upper arm stays steep)
        assert np.linalg.norm((j[f"elbow_{k}"] - j[f"shoulder_{k}"])[:2]) < 0.85 * np.linalg.norm(j[f"elbow_{k}"] - j[f"shoulder_{k}"])
    for k in "rl":
        assert _elbow_angle(j, k) < 150, k  # no straight arm anywhere
    # in the picture, no arm drops straight from the shoulder to the floor
    for k in "rl":
        sh, el, wr = to_picture(p, [j[f"shoulder_{k}"], j[f"elbow_{k}"], j[f"wrist_{k}"]])
        d = wr - sh
        assert not (abs(d[0]) < 0.25 * abs(d[1]) and _elbow_angle(j, k) > 140), k


@pytest.mark.parametrize("side", ["right", "left"])
def test_turned_further_to_the_wall_both_hands_on_the_wall(side):
    """Both hands on the wall: each wrist at the wall, the near hand at about the shoulders'
    height (the earlier picture's near forearm lay across the middle of the chest, elbow hanging:
    it read as folded arms), the far hand lower so both show, no hand or elbow on the far side of
    the torso's midline, away from the wall, and no part of the body through the wall."""
    p = pose("wall_front", side)
    j = p.joints
    toward = np.sign(p.wall_x - p.ball_centre[0])
    near = "l" if side == "right" else "r"
    for k in "rl":
        assert abs(j[f"wrist_{k}"][0] - p.wall_x) < 5, k
        assert j[f"wrist_{k}"][2] < j["head_centre"][2] - 25, k  # below the chin, not over the face
    assert j[f"wrist_{near}"][2] > j[f"shoulder_{near}"][2] - 15
    # (the elbows may hang low now: the forearms reach up across the gap to the wall, see
    # test_turned_further_to_the_wall_both_forearms_reach_the_wall)
    fig, ax = plt.subplots()
    art = draw_position(p, ax=ax)
    mid = Polygon(art.body["torso"].get_xy()).centroid.x
    wall_pic = to_picture(p, [[p.wall_x, *p.ball_centre[1:]]])[0, 0]
    toward_pic = np.sign(wall_pic - to_picture(p, [p.ball_centre])[0, 0])  # the wall's side, in the picture
    for k in "rl":
        for joint in ("elbow", "wrist"):
            x = to_picture(p, [j[f"{joint}_{k}"]])[0, 0]
            assert (x - mid) * toward_pic > 0, (k, joint)
    # the far hand shows below the near arm
    far_arm, near_arm = Polygon(art.body[f"arm_{'r' if near == 'l' else 'l'}"].get_xy()), Polygon(art.body[f"arm_{near}"].get_xy())
    assert far_arm.difference(near_arm).difference(Polygon(art.body["torso"].get_xy())).area > 30
    plt.close(fig)
    deepest = max(toward * (e.centre[0] - p.wall_x) + np.linalg.norm(e.axes[0]) for s in p.segments for e in s.parts)
    assert deepest < 1.0


@pytest.mark.parametrize("ball", ["tennis", "golf", "baseball"])  # the smallest and the biggest
@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("name", ["back", "spoke", "half", "side", "front"])
def test_ball_and_resting_limbs_touch_the_drawn_floor(name, side, ball):
    """A client saw the ball float above the floor on the side and three-quarters pictures (14 and
    17 cm in the drawing, 7.5 and 9 pt on the handout): the raised camera drew the near elbow and
    foot lower than the ball's contact, and the floor's top edge went under them. Now the ball's
    lowest drawn point is on the floor band's top edge; every part resting on the floor (in 3D
    within 0.6 cm of it, not through it) is drawn on the band (from the band's top down to its
    near edge: the floor seen a little from above), none above it; the band stays thin."""
    from hipball.pose import resting_groups

    p = pose(name, side, ball)
    fig, ax = plt.subplots()
    art = draw_position(p, ax=ax)
    band = art.floor[0]
    top, near = band.get_y() + band.get_height(), band.get_y()
    assert art.ball.center[1] - art.ball.radius == pytest.approx(top, abs=0.05)
    assert band.get_height() <= 8.0
    resting = resting_groups(p)
    k = "r" if side == "right" else "l"
    o = "l" if side == "right" else "r"
    must = {"back": {f"leg_{k}", f"leg_{o}"}, "spoke": {f"leg_{k}", f"leg_{o}"}, "half": {f"leg_{k}", f"leg_{o}"},
            "side": {f"arm_{k}", f"leg_{k}", f"leg_{o}"}, "front": {f"arm_{k}", f"arm_{o}", f"leg_{k}", f"leg_{o}"}}[name]
    assert must <= set(resting)  # the elbows, feet that carry weight lie on the floor
    for s in p.segments:
        if s.group in must:
            for e in s.parts:
                assert e.centre[2] - np.linalg.norm(e.axes[2]) > -0.05, s.name  # none through the floor
    for g in resting:
        low = float(art.body[g].get_xy()[:, 1].min())
        assert near <= low <= top + 0.6, g
    plt.close(fig)


@pytest.mark.parametrize("name, arm", [("side", "r"), ("front", "l")])
def test_supporting_elbow_reads_as_bent_in_the_picture(name, arm):
    """A client read the propped pictures as 'on straight arms': at print size the upper arm
    sloped out toward the viewer and the elbow's angle was lost. In the picture, the nearer
    supporting arm's upper arm and forearm meet at about a right angle (70-110 degrees)."""
    import numpy as np
    from hipball.pose import to_picture

    p = pose(name)
    s, e, w = to_picture(p, [p.joints[f"shoulder_{arm}"], p.joints[f"elbow_{arm}"], p.joints[f"wrist_{arm}"]])
    a, b = s - e, w - e
    angle = np.degrees(np.arccos(a @ b / np.linalg.norm(a) / np.linalg.norm(b)))
    assert 70 <= angle <= 110


@pytest.mark.parametrize("side", ["right", "left"])
def test_side_to_the_wall_hand_flat_on_the_wall_knees_a_little_bent(side):
    """'One hand on the wall. Bend your knees a little': a client saw neither. The ball-side hand
    is on the wall (within 3 cm of it) above the ball, the fingers up the wall with the forearm
    (the wrist above the elbow), and the near knee bends 10-30 degrees."""
    p = pose("wall_side", side)
    j = p.joints
    k = "r" if side == "right" else "l"
    assert abs(j[f"wrist_{k}"][0] - p.wall_x) < 3.0
    assert j[f"wrist_{k}"][2] > p.ball_centre[2] + 10
    assert j[f"wrist_{k}"][2] > j[f"elbow_{k}"][2] + 10
    u, v = j[f"hip_{k}"] - j[f"knee_{k}"], j[f"ankle_{k}"] - j[f"knee_{k}"]
    bend = 180 - np.degrees(np.arccos(u @ v / np.linalg.norm(u) / np.linalg.norm(v)))
    assert 10 <= bend <= 30


@pytest.mark.parametrize("side", ["right", "left"])
def test_side_to_the_wall_the_knees_show_bent(side):
    """Seen from the front, knees bent straight toward the viewer did not show: 18-23 degrees bent,
    0 drawn (a client saw straight legs). The knees bend over the toes, turned out as in a small
    squat, so each leg's outline bends at least 12 degrees at the knee as drawn; the hand stays on
    the wall (test_side_to_the_wall_hand_flat_on_the_wall_knees_a_little_bent)."""
    from shapely.geometry import Point

    fig, ax = plt.subplots()
    art = draw_position("wall_side", side=side, ax=ax)
    p, j = art.pose, art.pose.joints
    for k in "rl":
        hip, knee, ankle = to_picture(p, [j[f"hip_{k}"], j[f"knee_{k}"], j[f"ankle_{k}"]])
        u, v = hip - knee, ankle - knee
        assert 180 - np.degrees(np.arccos(u @ v / np.linalg.norm(u) / np.linalg.norm(v))) >= 12, k
        assert Polygon(art.body[f"leg_{k}"].get_xy()).contains(Point(knee))  # the outline drawn through the knee
    plt.close(fig)


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("name", ["wall", "wall_side", "wall_front"])
def test_nothing_through_the_wall_hands_flat_on_it_both_knees_bent(name, side):
    """Side to the wall, the standing shoulder crossed the wall (the upper arm 7 cm into it) and the
    arm read as folded up beside the face; the far knee stood straight though the cue says bend
    your knees. No ellipsoid of the body crosses the wall plane, nor any outline the wall's line in
    the picture; a hand on the wall lies flat on it (each of its parts touching it); both knees
    bend 10-30 degrees."""
    p = pose(name, side)
    toward = np.sign(p.wall_x - p.ball_centre[0])
    for s in p.segments:
        for e in s.parts:
            past = toward * (e.centre[0] - p.wall_x) + np.linalg.norm(e.axes[0])
            assert past < 0.01, s.name
            if s.name.startswith("hand_") and abs(p.joints[f"wrist_{s.name[-1]}"][0] - p.wall_x) < 5:
                assert past > -0.05, s.name  # flat on the wall
    fig, ax = plt.subplots()
    art = draw_position(p, ax=ax)
    wx = art.wall[1].get_xdata()[0]
    toward_pic = np.sign(wx - art.ball.center[0])  # the wall's side in the picture
    for g, patch in art.body.items():
        reach = (toward_pic * (patch.get_xy()[:, 0] - wx)).max()
        assert reach < 0.05, g
        if g.startswith("arm_") and abs(p.joints[f"wrist_{g[-1]}"][0] - p.wall_x) < 5:
            assert reach > -0.1, g  # the hand drawn on the wall's line, not short of it
    plt.close(fig)
    j = p.joints
    for k in "rl":
        u, v = j[f"hip_{k}"] - j[f"knee_{k}"], j[f"ankle_{k}"] - j[f"knee_{k}"]
        assert 10 <= 180 - np.degrees(np.arccos(u @ v / np.linalg.norm(u) / np.linalg.norm(v))) <= 30, k


@pytest.mark.parametrize("side", ["right", "left"])
def test_the_ball_touches_the_wall_line_not_drawn_across_it(side):
    """'Turn further toward the wall': a client saw the ball overlap the wall's line. Tangent to the
    wall's plane, the ball's outline was drawn onto the line (centred on the plane, as wide as the
    outline): 1.5 pt of a 5.3 pt ball at large-print size. As printed, the ball's outline and each
    hand on the wall touch the line's inner edge (the wall's surface) and no outline crosses it."""
    from matplotlib.figure import Figure

    from hipball.draw.position import across_the_wall_line, draw_sequence

    for height_cm in (4.6, 9.1):  # the normal and the large-print rows
        fig = Figure(figsize=(18.6 / 2.54, height_cm / 2.54))
        arts = draw_sequence(fig, side, "tennis", "wall", rect=(0, 0, 1, 1), fontsize=9.0)
        fig.canvas.draw()
        for art in arts:
            onto = across_the_wall_line(art)
            assert onto["ball"] == pytest.approx(0.0, abs=0.1), art.pose.position
            assert max(onto.values()) < 0.1, art.pose.position
            j = art.pose.joints
            for k in "rl":
                if abs(j[f"wrist_{k}"][0] - art.pose.wall_x) < 5:
                    assert onto[f"arm_{k}"] > -0.3, (art.pose.position, k)  # the hand on the wall's surface


def test_roll_explorer_person_rests_on_its_one_floor_at_every_angle():
    """The app draws its floor once: at every slider angle the ball and the parts resting on the
    floor touch the band (none above its far edge, none below its near edge). (With the floor
    of the first angle only, at 120 degrees the ball floated 2 cm above it.)"""
    from hipball.apps import RollExplorer
    from hipball.draw.position import floor_contacts

    app = RollExplorer(render="canvas")
    band = app.person.floor[0]
    near, far = band.get_y(), band.get_y() + band.get_height()
    assert band.get_height() < 12
    for angle in (0, 45, 90, 120, 150):
        app.angle.value = angle
        for g, v in floor_contacts(app.person.pose).items():
            assert near <= v <= far + 0.05, (angle, g)
    app.close()


@pytest.mark.parametrize("side", ["right", "left"])
def test_three_quarters_shows_both_forearms_on_the_floor(side):
    """'Forearms take the weight': the far forearm was hidden behind the near one (the picture
    showed one arm). Seen turned a little toward the head, a part of the far arm's outline as big
    as a forearm's end shows past everything painted over it, and it still rests on the floor line."""
    from shapely.ops import unary_union

    fig, ax = plt.subplots()
    art = draw_position("front", side=side, ax=ax)
    far = "arm_r" if side == "right" else "arm_l"  # the ball side lies underneath, further away
    z = art.body[far].get_zorder()
    over = unary_union([Polygon(p.get_xy()) for g, p in art.body.items() if p.get_zorder() > z])
    shown = Polygon(art.body[far].get_xy()).difference(over)
    assert shown.area > 60  # cm^2 in the drawing (a forearm is about 6 x 25; 11 showed before)
    top = art.floor[0].get_y() + art.floor[0].get_height()
    assert float(art.body[far].get_xy()[:, 1].min()) == pytest.approx(top, abs=0.6)
    plt.close(fig)


def test_golf_ball_reads_as_a_white_ball_at_any_size():
    """The golf ball's dimples were markers of a fixed size: on a ball drawn a few points across
    they covered it (a grey dot). They scale with the ball: under a fifth of its area."""
    fig, ax = plt.subplots()
    art = draw_position("back", ball="golf", ax=ax)
    ball = np.pi * art.ball.radius ** 2
    assert art.ball_marks and sum(np.pi * m.radius ** 2 for m in art.ball_marks) < 0.2 * ball
    plt.close(fig)


@pytest.mark.parametrize("setup", ["floor", "wall"])
def test_a_clients_numbered_pictures_say_the_turn_in_words_not_degrees(setup):
    """A client read '5. Three-quarters toward face down (120°)' beside step 4's 'about
    three-quarters ... (120 to 135 degrees)' as two instructions. The numbered row (the handout's,
    the sequence plates) names each turn in words; a single plate for students keeps its angle."""
    from hipball.draw.position import draw_sequence

    fig = plt.figure(figsize=(10, 3))
    arts = draw_sequence(fig, "right", "tennis", setup)
    titles = [a.title.get_text().replace("\n", " ") for a in arts]
    assert len(titles) == len(sequence("right", setup))
    for i, t in enumerate(titles, 1):
        assert t.startswith(f"{i}. ") and "\N{DEGREE SIGN}" not in t and not any(c.isdigit() for c in t[3:]), t
    plt.close(fig)
    fig, ax = plt.subplots()
    assert "(120\N{DEGREE SIGN})" in draw_position("front", ax=ax).title.get_text()
    plt.close(fig)


@pytest.mark.parametrize("ball", ["tennis", "baseball"])
def test_seams_leave_the_ball_its_colour_at_handout_size(ball):
    """Seams were drawn 1.65 pt wide whatever the ball's size: at handout size (a tennis ball
    about 5 pt across) the two white seams covered its yellow and it printed as a white ball.
    Each seam is now at most 7% of the ball's printed diameter; a plate keeps its seams."""
    from hipball.draw.labels import points_per_cm
    for width_in, plate in ((1.6, False), (8.0, True)):
        fig, ax = plt.subplots(figsize=(width_in, width_in * 0.6))
        art = draw_position("back", ball=ball, ax=ax)
        diameter_pt = 2 * art.ball.radius * points_per_cm(ax)
        seams = [m.get_linewidth() for m in art.ball_marks]
        assert len(seams) == 2
        assert max(seams) <= 0.07 * diameter_pt + 1e-9, (width_in, seams, diameter_pt)
        if plate:
            assert min(seams) >= 1.0  # a ball drawn large keeps seams that read
        plt.close(fig)


@pytest.mark.parametrize("position", POSITIONS)
def test_knees_bend_the_way_knees_bend(position):
    """No knee bent backward: three-quarters toward face down the legs bent toward the ceiling,
    away from the body's front (12 degrees backward, 36 after the feet were put down on the floor).
    A knee bent more than 5 degrees sits in front of the hip-ankle line (the pelvis's front)."""
    p = pose(position)
    waist = next(s for s in p.segments if s.name == "pelvis").parts[2]
    front = waist.axes[:, 1] / np.linalg.norm(waist.axes[:, 1])
    j = p.joints
    for k in "rl":
        h, kn, a = j[f"hip_{k}"], j[f"knee_{k}"], j[f"ankle_{k}"]
        u = (a - h) / np.linalg.norm(a - h)
        off = (kn - h) - ((kn - h) @ u) * u
        if np.linalg.norm(off) > np.sin(np.radians(2.5)) * np.linalg.norm(kn - h):
            assert off @ front > 0.3 * np.linalg.norm(off), k


@pytest.mark.parametrize("name", ["back", "side", "front"])
def test_on_a_bed_the_person_lies_on_a_mattress_not_the_floor(name):
    """A client told to lie on the bed saw a hard floor in every picture (client read). With
    ``surface="bed"`` the band under the person is a sheet over a mattress's side, the ball on
    the sheet; without it, the floor as before."""
    from hipball.draw.position import BED_SHEET, MAT_FILL

    fig, (a, b) = plt.subplots(1, 2)
    bed = draw_position(name, ax=a, surface="bed")
    floor = draw_position(name, ax=b)
    side = [x for x in bed.floor if x.get_gid() == "bed"]
    assert len(side) == 1 and not any(x.get_gid() == "bed" for x in floor.floor)
    sheet, edge = bed.floor[0], bed.floor[-1]
    assert matplotlib.colors.to_hex(sheet.get_facecolor()) == BED_SHEET.lower()
    assert matplotlib.colors.to_hex(floor.floor[0].get_facecolor()) == MAT_FILL.lower()
    near = edge.get_ydata()[0]
    top = sheet.get_y() + sheet.get_height()
    bb = side[0].get_bbox()
    # one outline round the mattress: its side under the sheet, its top where the ball rests
    assert bb.y1 == pytest.approx(top) and bb.y0 < near - 10
    body = np.vstack([p.get_xy() for p in bed.body.values()])
    assert bb.x0 < body[:, 0].min() and bb.x1 > body[:, 0].max()  # as long as the person
    ball_bottom = bed.ball.center[1] - bed.ball.get_radius()
    assert ball_bottom == pytest.approx(top, abs=0.05)  # on the mattress's top
    plt.close(fig)


@pytest.mark.parametrize("side", ["right", "left"])
def test_every_wall_picture_shows_the_same_wall_strip(side):
    """The beige wall strip was cut by the view's edge to a different width in each wall picture
    of a row (the limits ignored it: 0-12 cm showed). Every picture of a row, and a picture on its
    own, shows the whole strip beyond the wall line."""
    from matplotlib.figure import Figure

    from hipball.draw.position import WALL_STRIP_CM, draw_sequence

    def shown(art):
        w = art.wall[0]
        x0, x1 = sorted(w.axes.get_xlim())
        return min(w.get_x() + w.get_width(), x1) - max(w.get_x(), x0)

    arts = draw_sequence(Figure(figsize=(7.3, 2.1)), side, "tennis", "wall")
    assert [shown(a) for a in arts] == pytest.approx([WALL_STRIP_CM] * len(arts), abs=0.01)
    fig, ax = plt.subplots()
    assert shown(draw_position("wall_front", side=side, ax=ax)) == pytest.approx(WALL_STRIP_CM, abs=0.01)
    plt.close(fig)


@pytest.mark.parametrize("surface", [None, "bed"])
@pytest.mark.parametrize("side", ["right", "left"])
def test_ball_pointer_starts_in_open_space(side, surface):
    """With the ball on the floor, the red pointer's fixed offset put its tail in the floor band
    (or the mattress) at handout size. Its tail now starts above the floor band and outside every
    outline of the body, in each lying picture of the handout's row and in a picture on its own."""
    from matplotlib.figure import Figure
    from shapely.geometry import LineString, Point

    from hipball.draw.position import draw_sequence

    arts = draw_sequence(Figure(figsize=(7.3, 2.1)), side, "tennis", "floor", surface=surface)
    fig, ax = plt.subplots()
    arts.append(draw_position("side", side=side, ax=ax, pointer=True, surface=surface))
    for art in arts:
        (pointer,) = [a for a in art.arrows if a.get_gid() == "ball-pointer"]
        tail = np.asarray(pointer.xyann, float)
        band = art.floor[0]
        assert tail[1] > band.get_y() + band.get_height(), art.pose.position
        for g, patch in art.body.items():
            assert not Polygon(patch.get_xy()).contains(Point(tail)), (art.pose.position, g)
        # and it points at the ball from near it (not from across the picture), crossing no part of
        # the body (the top arm on the floor in front of the chest once sent it across the thigh)
        assert np.linalg.norm(tail - art.ball.center) < 60
        c = np.asarray(art.ball.center)
        shaft = LineString([tail, c + (tail - c) / np.linalg.norm(tail - c) * art.ball.radius * 1.3])
        assert not [g for g, patch in art.body.items() if Polygon(patch.get_xy()).intersects(shaft)], art.pose.position
    plt.close(fig)


@pytest.mark.parametrize("side", ["right", "left"])
def test_on_the_side_the_top_foot_is_down_in_front_of_the_lower_knee(side):
    """'Put the top foot down in front of you': a client read picture 4 as crawling, the top foot
    behind (its shank sloped 27 cm back toward the feet from a knee bent forward, like a kneeling
    leg). The top foot is flat on the floor in front of the lower knee (toward the body's front,
    level with it along the body) and, in the picture, the top shank stands about upright under
    its knee."""
    p = pose("side", side)
    j = p.joints
    low, top = ("r", "l") if side == "right" else ("l", "r")
    waist = next(s for s in p.segments if s.name == "pelvis").parts[2]
    front = waist.axes[:, 1] / np.linalg.norm(waist.axes[:, 1])
    assert (j[f"ankle_{top}"] - j[f"knee_{low}"]) @ front > 10  # in front of the lower knee
    assert abs(j[f"ankle_{top}"][0] - j[f"knee_{low}"][0]) < 8  # level with it along the body
    assert max(j[f"heel_{top}"][2], j[f"toe_{top}"][2]) < 3.5  # the foot down on the floor
    knee, ankle = to_picture(p, [j[f"knee_{top}"], j[f"ankle_{top}"]])
    feet = np.sign(to_picture(p, [j[f"ankle_{low}"]])[0, 0] - to_picture(p, [j["head_centre"]])[0, 0])
    assert (ankle[0] - knee[0]) * feet < 0.25 * (knee[1] - ankle[1])  # not sloping back toward the feet


@pytest.mark.parametrize("side", ["right", "left"])
def test_on_the_side_the_head_in_profile_and_the_top_hand_on_the_floor(side):
    """A client read 'On your side' as a face turned to the viewer on a body seen side-on, and the
    top arm (along the flank, its elbow bent up behind) as raised. The head is a profile (one eye
    shows, the nose drawn below the head's centre: looking down), the face turned no more than a
    neck turns from the way the chest faces and to its front; the top hand rests flat on the floor
    in front of the chest (the picture's floor under it), the arm bent."""
    from hipball.draw.position import floor_contacts

    fig, ax = plt.subplots()
    art = draw_position("side", side=side, ax=ax)
    p = art.pose
    j = p.joints
    assert sum(e.get_visible() for e in art.eyes) == 1
    nose = next(s for s in p.segments if s.name == "nose").parts[0].centre
    assert to_picture(p, nose)[0, 1] < to_picture(p, j["head_centre"])[0, 1] - 3.0
    chest = next(s for s in p.segments if s.name == "chest").parts[1]
    front = chest.axes[:, 1] / np.linalg.norm(chest.axes[:, 1])
    face = (nose - j["head_centre"]) / np.linalg.norm(nose - j["head_centre"])
    assert 0.2 < face @ front  # to the chest's front, within about 80 degrees of it
    top = max("rl", key=lambda k: j[f"shoulder_{k}"][2])
    assert j[f"wrist_{top}"][2] < 4.0 and (j[f"wrist_{top}"] - j[f"shoulder_{top}"]) @ front > 3.0
    assert f"arm_{top}" in floor_contacts(p)  # drawn resting on the floor
    hand = next(s for s in p.segments if s.name == f"hand_{top}")
    assert max(e.centre[2] - np.linalg.norm(e.axes[2]) for e in hand.parts) < 0.1  # flat on it
    assert _elbow_angle(j, top) < 150
    plt.close(fig)


@pytest.mark.parametrize("side", ["right", "left"])
def test_turned_further_to_the_wall_both_forearms_reach_the_wall(side):
    """At handout size the near arm, reaching across the chest to the wall, read as folded arms,
    and the far one hid behind the torso (drawn forearms 13-14 cm long, pointing at the viewer;
    2-4 cm of each showed in the open). The hands hold the chest off the wall: in the picture each
    forearm lies nearly in the picture's plane (drawn at least 80 % of its length) and at least
    5 cm of it shows in the open gap, outside the torso, the head and anything painted over it.
    In 3D nothing crosses the wall (test_nothing_through_the_wall_hands_flat_on_it_both_knees_bent)."""
    from shapely.geometry import LineString
    from shapely.ops import unary_union

    from hipball.pose import _H

    p = pose("wall_front", side)
    fig, ax = plt.subplots()
    art = draw_position(p, ax=ax)
    body = {g: Polygon(q.get_xy()) for g, q in art.body.items()}
    for k in "rl":
        g = f"arm_{k}"
        z = art.body[g].get_zorder()
        over = unary_union([body[h] for h, q in art.body.items() if h != g and q.get_zorder() > z]
                           + [body["torso"], body["head"]])
        elbow, wrist = to_picture(p, [p.joints[f"elbow_{k}"], p.joints[f"wrist_{k}"]])
        forearm = LineString([elbow, wrist])
        assert forearm.length > 0.8 * _H("forearm"), k
        assert forearm.difference(over).length > 5.0, k
    plt.close(fig)


@pytest.mark.parametrize("width_cm", [18.6, 30.0])
def test_spoke_arrow_is_whole_and_clear_of_the_cue(width_cm):
    """In the handout's row, the 'roll out along a spoke' double arrow lost the lower halves of
    its heads to the picture's edge (client read): it is drawn whole and stays off the cue."""
    from hipball.draw.position import draw_sequence

    fig = plt.figure(figsize=(width_cm / 2.54, 4.6 / 2.54))
    arts = draw_sequence(fig, "right", "tennis", fontsize=7.5, wrap=30)
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    spoke = next(a for a in arts if a.pose.position == "spoke")
    (arrow,) = spoke.arrows[:1]
    bb = arrow.get_window_extent(r)
    ax = spoke.body["head"].axes
    if arrow.get_clip_on():
        assert ax.bbox.y0 <= bb.y0 and bb.y1 <= ax.bbox.y1
    assert fig.bbox.contains(bb.x0, bb.y0) and fig.bbox.contains(bb.x1, bb.y1)
    assert bb.y0 >= spoke.cue.get_window_extent(r).y1 - 0.5  # above the cue's first line
    plt.close(fig)
