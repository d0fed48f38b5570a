"""Pictures of a person on the ball, in the line-art style of exercise handouts: white body
outlines painted far to near, the ball in its own colour at its true size, the floor (or the
wall), a title and a short cue for controlling the pressure.

Geometry comes from ``hipball.pose`` (the body's proportions, the roll angle and the ball's
place from ``hipball.roll``); this module only draws it (Axes in, artists out).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Polygon, Rectangle
from matplotlib.transforms import offset_copy

from hipball.draw import palette
from hipball.draw.labels import points_per_cm
from hipball.frame import SIDES
from hipball.pose import POSITIONS, Pose, pose, project, resting_groups, sequence, to_picture

BODY_FILL = "white"
EYE_RADIUS_CM = 1.2  # the eye marks scale with the drawing (a dot in print, not a blob)
FAR_FILL = "#D9D9D9"  # limbs on the far side of the body: a grey fill so depth reads, near over far
MAT_FILL = "#E6E1D8"
WALL_FILL = "#E6E1D8"
WALL_STRIP_CM = 8.0  # the wall's band beyond its line (picture cm), shown whole in every wall picture
WALL_LW = 1.2  # the wall's line, in outline widths
WALL_LINE_SHIFT = (1.0 + WALL_LW) / 2  # the line's centre beyond the wall's plane, in outline widths
# a bed: the mattress's top (the sheet) and its side, under the person (the client lies on a bed
# for the gentlest set-ups; a hard floor there read as the wrong surface)
BED_SHEET = "#E2EAF2"
BED_SIDE = "#C9D6E3"
BED_SIDE_CM = 14.0  # how much of the mattress's side shows under the sheet (picture cm)
# Each ball in a colour close to the real one, with a mark that still tells them apart in grayscale.
BALL_STYLE = {
    "tennis": {"fc": "#D7E84A", "seam": "white"},
    "racquetball": {"fc": "#2F6DB5", "seam": None},
    "lacrosse": {"fc": "#F08A24", "seam": None},
    "baseball": {"fc": "#F7F4EC", "seam": "#C8102E"},
    "golf": {"fc": "white", "seam": "dimples"},
}


@dataclass
class PositionArtists:
    pose: Pose
    body: dict = field(default_factory=dict)  # group -> Polygon patch (torso, head, leg_r_upper, ...)
    ball: Circle | None = None
    ball_marks: list = field(default_factory=list)
    eyes: list = field(default_factory=list)  # a dot for each eye that faces the viewer
    floor: list = field(default_factory=list)
    wall: list = field(default_factory=list)
    arrows: list = field(default_factory=list)
    title: object = None
    cue: object = None

    def all(self) -> list:
        return [*self.body.values(), self.ball, *self.ball_marks, *self.eyes, *self.floor, *self.wall, *self.arrows,
                self.title, self.cue]


def _add(ax, patch) -> None:
    """Add a patch without updating the data limits: every picture sets its limits itself,
    and ``add_patch``'s limit update (a pass over every outline's curves) was a third of a
    handout's drawing time."""
    ax.add_artist(patch)


def _gca(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    return ax


def far_limbs(shapes) -> set[str]:
    """The limb groups on the far side: of each pair (right and left thigh, ...) the one further
    from the viewer, unless the two are about as near (then both are drawn as near)."""
    from hipball.pose import _swap

    return {g for g, (_, d) in shapes.items()
            if g.startswith(("leg_", "arm_")) and _swap(g) in shapes and d < shapes[_swap(g)][1] - 5.0}


def title_text(p: Pose, degrees: bool = True) -> str:
    """A position's title; ``degrees``: its roll after it, '(120°)', for the students' plates
    and the rolling app (a client's numbered row says it in words only)."""
    angle = "" if p.roll_deg == 0 or not degrees else f" ({p.roll_deg:.0f}\N{DEGREE SIGN})"
    return p.title + angle


def title_wrap(wrap: int) -> int:
    """Characters per line of a title (bold, at or above the cue's size) when cues wrap at
    ``wrap``: a few fewer."""
    return max(wrap - 4, 8)


def numbered_title(p: Pose, number: int, wrap: int) -> str:
    """A position's title in a row of them, '2. Roll out along a spoke', in lines of
    ``title_wrap(wrap)`` characters (the row's pictures, and the room the handout keeps for them).
    No degrees: a client read '(120°)' beside 'three-quarters' (and against step 4's '120 to 135
    degrees') as a second, different instruction; the words carry the turn."""
    return "\n".join(textwrap.wrap(f"{number}. {title_text(p, degrees=False)}", title_wrap(wrap)))


def draw_position(subject: Pose | str = "back", *, side: str = "right", ball: str = "tennis",
                  ax: Axes | None = None, title: bool = True, cue: bool = True, wrap: int = 34,
                  lw: float = 1.5, color: str = palette.INK, fontsize: float | None = None,
                  limits: tuple[tuple[float, float], tuple[float, float]] | None = None,
                  pointer: bool = False, surface: str | None = None,
                  cue_fontsize: float | None = None) -> PositionArtists:
    """One step of the routine: ``subject`` is a ``hipball.pose.Pose`` or a position name
    (``hipball.pose.POSITIONS``, then ``side`` and ``ball`` choose the pose). ``limits``
    ((x0, x1), (y0, y1)) in picture cm fixes the view (to give a sequence one scale).
    ``pointer``: a short red arrow to the ball (at print size a true-size ball is small).
    ``surface`` "bed" draws a lying pose on a mattress instead of the floor. The cue's type:
    ``cue_fontsize``, else a size under the title's (``fontsize`` x 0.9)."""
    ax = _gca(ax)
    p = pose(subject, side, ball) if isinstance(subject, str) else subject
    art = PositionArtists(pose=p)
    shapes = project(p)
    order = sorted(shapes, key=lambda g: shapes[g][1])
    far = far_limbs(shapes)
    for z, g in enumerate(order):
        ring, _ = shapes[g]
        if g == "ball":
            continue
        patch = Polygon(ring, closed=True, fc=FAR_FILL if g in far else BODY_FILL, ec=color, lw=lw, joinstyle="round", zorder=10 + z)
        patch.set_gid(f"body:{g}")
        _add(ax, patch)
        art.body[g] = patch
    art.eyes = [Circle((0.0, 0.0), EYE_RADIUS_CM, fc=color, ec="none") for _ in range(2)]
    for e in art.eyes:
        _add(ax, e)
    _place_eyes(art.eyes, p, art.body["head"].get_zorder())
    bz = 10 + order.index("ball")
    (bx, by) = to_picture(p, p.ball_centre)[0]
    style = BALL_STYLE[p.ball]
    art.ball = Circle((bx, by), p.ball_radius_cm, fc=style["fc"], ec=color, lw=lw, zorder=bz)
    art.ball.set_gid(f"ball:{p.ball}")
    _add(ax, art.ball)
    art.ball_marks = _ball_marks(ax, p, (bx, by), style, bz, lw)
    art.floor, art.wall = _ground(ax, p, color, lw, bed=surface == "bed")
    if p.position == "spoke":
        art.arrows = _spoke_arrows(ax, p, color)
    xs, ys = _extent(shapes, art)
    if limits is None:
        limits = ((xs[0] - 4, xs[1] + 4), (ys[0] - 3, ys[1] + 4))
    ax.set_xlim(*limits[0])
    ax.set_ylim(*limits[1])
    ax.set_aspect("equal")
    _thin_seams(art, points_per_cm(ax))
    if pointer:
        tail = pointer_tail(art, 1.0 / points_per_cm(ax))  # (the limits are set above)
        tip = ax.annotate("", xy=(bx, by), xytext=tuple(tail), textcoords="data",
                          arrowprops=dict(arrowstyle="-|>,head_length=0.5,head_width=0.28", color=palette.SPOKE_RED,
                                          lw=1.3, shrinkA=0, shrinkB=2.5), zorder=60)
        tip.set_gid("ball-pointer")
        art.arrows.append(tip)
    ax.set_axis_off()
    fs = fontsize
    if title:
        art.title = ax.text(0.5, 1.0, "\n".join(textwrap.wrap(title_text(p), title_wrap(wrap))), transform=ax.transAxes, ha="center", va="bottom",
                            fontweight="bold", fontsize=fs, color=color)
    if cue:
        art.cue = ax.text(0.5, -0.02, "\n".join(textwrap.wrap(p.cue, wrap)), transform=ax.transAxes,
                          ha="center", va="top", color=color,
                          fontsize=cue_fontsize or (None if fs is None else fs * 0.9),
                          linespacing=1.25)
    return art


POINTER_PT = 17.0  # the ball pointer's length (points), beyond the ball's edge


def _keep_out(art: PositionArtists):
    """Where the pointer's tail must not start: the body, the floor band (or the mattress's side)
    and, standing, the wall's side of its line (shapely geometry, picture cm)."""
    from shapely.geometry import Polygon as Shape, box
    from shapely.ops import unary_union

    out = [Shape(patch.get_xy()) for patch in art.body.values()]
    p = art.pose
    if p.wall_x is None:
        top = art.floor[0].get_y() + art.floor[0].get_height()
        out.append(box(-1e4, -1e4, 1e4, top))
    else:
        wx = art.wall[1].get_xdata()[0]
        s = _wall_beyond(p)
        out.append(box(wx, -1e4, 1e4, 1e4) if s > 0 else box(-1e4, -1e4, wx, 1e4))
        out.append(box(-1e4, -1e4, 1e4, 0.0))  # the floor
    return unary_union(out).buffer(0)


def pointer_tail(art: PositionArtists, cm_per_pt: float) -> np.ndarray:
    """Where the red pointer to the ball starts (picture cm): in open space beside or above the
    ball, never inside the body, the floor band or the wall. Of the directions around the ball,
    the first whose whole arrow stays clear of the body and the floor (its tail a little clear of
    them); else the shortest whose tail is in the open (the arrow then crosses the body to the
    ball under it). (A fixed offset put the tail in the floor band once the ball lay on the floor.)"""
    from shapely.geometry import LineString, Point

    c = np.asarray(art.ball.center, float)
    r = art.ball.radius
    blocked = _keep_out(art)
    margin = 1.2 * cm_per_pt
    # preferred directions first: level with the ball and up, toward the open side
    s = _wall_beyond(art.pose) if art.pose.wall_x is not None else 0.0
    angles = np.radians(np.arange(0, 360, 5))
    ranked = sorted(angles, key=lambda a: (abs(np.cos(a) + s) * 0.1 if s else 0.0) + abs(np.sin(a) - 0.35) * 0.1)
    best = None
    for k in (1.0, 0.75, 0.55, 1.5, 2.0, 3.0):
        length = POINTER_PT * cm_per_pt * k
        for a in ranked:
            d = np.array([np.cos(a), np.sin(a)])
            tail = c + d * (r + length)
            if blocked.intersects(Point(tail).buffer(margin)):
                continue
            shaft = LineString([tail, c + d * (r + 0.2 * length)])
            if not blocked.intersects(shaft):
                return tail
            if best is None and k >= 1.5:
                best = tail
        if best is not None:
            return best
    return c + np.array([-1.0, 1.0]) * (r + POINTER_PT * cm_per_pt)


def update_position(art: PositionArtists, p: Pose) -> PositionArtists:
    """Redraw ``art`` in place for another pose of the same kind (e.g. a new roll angle from
    a slider): outlines, painting order, the ball. Title and cue follow the pose."""
    shapes = project(p)
    order = sorted(shapes, key=lambda g: shapes[g][1])
    far = far_limbs(shapes)
    for z, g in enumerate(order):
        if g == "ball":
            art.ball.set_zorder(10 + z)
            continue
        patch = art.body.get(g)
        if patch is not None:
            patch.set_xy(shapes[g][0])
            patch.set_facecolor(FAR_FILL if g in far else BODY_FILL)
            patch.set_zorder(10 + z)
    _place_eyes(art.eyes, p, art.body["head"].get_zorder())
    art.ball.center = tuple(to_picture(p, p.ball_centre)[0])
    art.ball.set_radius(p.ball_radius_cm)
    for m in art.ball_marks:
        m.set_visible(False)  # seams follow the first pose only; hidden when the ball moves
    if art.title is not None:
        art.title.set_text("\n".join(textwrap.wrap(title_text(p), 40)))
    if art.cue is not None:
        art.cue.set_text("\n".join(textwrap.wrap(p.cue, 44)))
    art.pose = p
    return art


def visible_eyes(p: Pose) -> list[str]:
    """The eyes that face the viewer (their direction from the head's centre turned toward the
    camera): the face's side of the head."""
    _, _, view = p.camera.basis()
    out = []
    for k in ("eye_r", "eye_l"):
        d = p.joints[k] - p.joints["head_centre"]
        if d @ view > 0.3 * np.linalg.norm(d):
            out.append(k)
    return out


def _place_eyes(eyes, p: Pose, z) -> None:
    shown = visible_eyes(p)
    for line, k in zip(eyes, ("eye_r", "eye_l")):
        line.center = tuple(to_picture(p, p.joints[k])[0])
        line.set_visible(k in shown)
        line.set_zorder(z + 0.5)
        line.set_gid(f"eye:{k}")


def _extent(shapes, art) -> tuple[tuple[float, float], tuple[float, float]]:
    pts = np.vstack([ring for ring, _ in shapes.values()])
    xs, ys = list(_span_x(art.pose)), [pts[:, 1].min(), pts[:, 1].max()]
    for a in art.floor + art.wall:
        if isinstance(a, (Rectangle, FancyBboxPatch)):
            ys[0] = min(ys[0], a.get_y() if a.get_height() < 20 else ys[0])
    return (float(xs[0]), float(xs[1])), (float(ys[0]), float(ys[1]))


def _span_x(p: Pose) -> tuple[float, float]:
    """What a picture must show across (picture cm): the body, and standing, the wall's whole strip
    (its band beyond the wall line), so every wall picture shows the same strip."""
    pts = np.vstack([r for r, _ in project(p).values()])
    x0, x1 = float(pts[:, 0].min()), float(pts[:, 0].max())
    if p.wall_x is not None:
        wx = float(to_picture(p, [p.wall_x, p.ball_centre[1], 0.0])[0, 0])
        edge = wx + _wall_beyond(p) * WALL_STRIP_CM
        x0, x1 = min(x0, edge), max(x1, edge)
    return x0, x1


def sequence_limits(poses, surface: str | None = None) -> tuple[tuple[float, float], tuple[float, float]]:
    """One scale for a row of pictures: the widest picture's width and the tallest's height,
    each picture centred on its own body (standing: on the body and the wall's strip; lying on
    a bed: with room for the mattress's side under the sheet)."""
    w = h = 0.0
    for p in poses:
        pts = np.vstack([r for r, _ in project(p).values()])
        x0, x1 = _span_x(p)
        w = max(w, x1 - x0)
        h = max(h, float(pts[:, 1].max()) - _floor_v(p)[0])
    bed = BED_SIDE_CM if surface == "bed" and all(p.wall_x is None for p in poses) else 0.0
    below = 9.0 if any(p.position == "spoke" for p in poses) else 3.0  # room for the spoke's arrow
    return (-(w / 2 + 4), w / 2 + 4), (-below - bed, h + 4)


# The floor's drawn thickness (picture cm) at least, the same in every lying picture: a thin band.
# (Projecting a whole strip of floor in depth made it as tall as the camera was high: a thick raised
# band, read as a step or a mat, in the pictures seen from higher up.)
FLOOR_BAND_CM = 5.0
FLOOR_MARGIN_CM = 2.0  # the floor's near edge this far below the nearest part resting on it


def floor_contacts(p: Pose) -> dict[str, float]:
    """Where the ball and each part resting on the floor (``hipball.pose.resting_groups``) touch
    it in the picture (picture cm, up): the floor under their lowest point. Seen from a little
    above, each touches the floor at its own depth, the nearer lower."""
    out = {g: float(to_picture(p, q)[0, 1]) for g, q in resting_groups(p).items()}
    if p.wall_x is None:  # (standing, the ball is on the wall)
        out["ball"] = float(to_picture(p, p.ball_centre)[0, 1]) - p.ball_radius_cm
    return out


def floor_band(poses) -> tuple[float, float]:
    """The floor band's near (lower) and far (upper) edges in the picture: the floor plane between
    the depths of the parts that rest on it, so each touches it where it rests; the far edge at the
    farthest contact (the cameras put the ball there, ``hipball.pose.CAMERAS``). Nothing is drawn
    floating above the floor or sunk below its near edge. (The band's top used to be at the lowest
    drawn point: from a raised camera the near elbow and foot, so the ball floated above it.)
    Several poses (seen by one camera): one floor for all of them (an app's slider)."""
    v = [c for p in poses for c in floor_contacts(p).values()]
    top = max(v)
    return min(min(v) - FLOOR_MARGIN_CM, top - FLOOR_BAND_CM), top


def _floor_v(p: Pose) -> tuple[float, float]:
    return floor_band([p])


def set_floor(art: PositionArtists, near: float, far: float) -> None:
    """Move a lying picture's floor band (e.g. to one floor for every pose an app shows)."""
    band, edge = art.floor[0], art.floor[-1]
    band.set_y(near)
    band.set_height(far - near)
    edge.set_ydata([near, near])


def _wall_beyond(p: Pose) -> float:
    """+1 where the wall's face is to the ball's right in the picture, -1 to its left."""
    wx = to_picture(p, [p.wall_x, *p.ball_centre[1:]])[0, 0]
    return float(np.sign(wx - to_picture(p, p.ball_centre)[0, 0]))


def _ground(ax, p: Pose, color, lw, bed: bool = False) -> tuple[list, list]:
    floor, wall = [], []
    if p.wall_x is None:
        near, far = _floor_v(p)
        mat = Rectangle((-400, near), 800, far - near, fc=BED_SHEET if bed else MAT_FILL, ec="none", zorder=1)
        _add(ax, mat)
        (edge,) = ax.plot([-400, 400], [near, near], color=color, lw=lw * 0.8, zorder=2)
        floor = [mat, edge]
        if bed:  # the mattress's side under its near edge, a little longer than the body
            x0, x1 = _span_x(p)  # (lying: the body's span)
            x0, x1 = x0 - 6.0, x1 + 6.0
            mat.set_x(x0)
            mat.set_width(x1 - x0)
            edge.set_xdata([x0, x1])
            side = Rectangle((x0, near - BED_SIDE_CM), x1 - x0, BED_SIDE_CM, fc=BED_SIDE, ec="none", zorder=1)
            _add(ax, side)
            # one outline round the mattress, its top at the sheet's far edge where the ball
            # rests (an outline round the side only left the person over a pale strip, as if
            # hovering above the bed)
            box = FancyBboxPatch((x0, near - BED_SIDE_CM), x1 - x0, BED_SIDE_CM + far - near,
                                 boxstyle="round,pad=0,rounding_size=2.5", fc="none", ec=color, lw=lw * 0.8,
                                 zorder=1.7)
            box.set_gid("bed")
            _add(ax, box)
            floor = [mat, side, box, edge]  # the edge line last, as on the floor
    else:
        wx = to_picture(p, [p.wall_x, p.ball_centre[1], 0.0])[0, 0]
        s = _wall_beyond(p)  # the wall's band lies beyond its face, away from the person
        top = to_picture(p, [0.0, 0.0, 185.0])[0, 1]
        # the wall's line drawn beyond the wall's plane by half its own width and half the outlines'
        # (points, whatever the picture's scale): what touches the wall (the ball, a hand) touches the
        # line's inner edge, its outline not drawn across the line (the ball, tangent to the plane,
        # was drawn a quarter into a line as wide as its outline at handout size)
        beyond = offset_copy(ax.transData, fig=ax.figure, x=s * WALL_LINE_SHIFT * lw, y=0.0, units="points")
        w = Rectangle((wx, -2.0) if s > 0 else (wx - WALL_STRIP_CM, -2.0), WALL_STRIP_CM, top + 2.0, fc=WALL_FILL,
                      ec="none", zorder=1, transform=beyond)
        w.set_gid("wall")
        _add(ax, w)
        (edge,) = ax.plot([wx, wx], [-2.0, top], color=color, lw=lw * WALL_LW, zorder=2, transform=beyond)
        edge.set_gid("wall-line")
        wall = [w, edge]
        (f,) = ax.plot([wx - s * 120, wx], [0.0, 0.0], color=color, lw=lw * 0.8, zorder=2, solid_capstyle="projecting")
        floor = [f]
    return floor, wall


def across_the_wall_line(art: PositionArtists) -> dict[str, float]:
    """Standing: how far (points, as drawn; + = onto the line) the ball's and each body outline's
    stroke reaches past the wall line's inner edge (the wall's surface as drawn). 0: touching it.
    Draw the figure first (``fig.canvas.draw()``): the equal aspect settles the scale then."""
    line = art.wall[1]
    to_pt = 72.0 / line.figure.dpi
    (lx, _), = line.get_transform().transform([(line.get_xdata()[0], 0.0)])
    s = _wall_beyond(art.pose)
    inner = lx - s * line.get_linewidth() / 2 / to_pt  # display px
    ball = art.ball
    (cx, _), (ex, _) = ball.get_transform().transform([(0.0, 0.0), (s, 0.0)])  # centre, edge toward the wall
    out = {"ball": (s * (ex - inner) + ball.get_linewidth() / 2 / to_pt) * to_pt}
    for g, patch in art.body.items():
        xs = patch.get_transform().transform(patch.get_xy())[:, 0]
        out[g] = (max(s * (xs - inner)) + patch.get_linewidth() / 2 / to_pt) * to_pt
    return out


def _ball_marks(ax, p: Pose, xy, style, z, lw) -> list:
    r = p.ball_radius_cm
    seam = style.get("seam")
    out = []
    if seam in ("white", "#C8102E"):
        t = np.linspace(-0.9, 0.9, 30)
        for s in (-1, 1):
            x = xy[0] + s * r * (0.55 + 0.25 * np.cos(t * 1.7)) * np.cos(t) * 0.85 - s * 0.15 * r
            y = xy[1] + r * 0.85 * np.sin(t)
            (line,) = ax.plot(x, y, color=seam, lw=lw * (1.1 if seam == "white" else 0.9),
                              ls="-" if seam == "white" else (0, (1.2, 0.9)), zorder=z + 0.1)
            out.append(line)
    elif seam == "dimples":
        # dimples sized with the ball (a fixed marker size filled a golf ball drawn a few points
        # across: it printed as a grey dot, not a white ball)
        k = np.linspace(0, 2 * np.pi, 7)[:-1]
        for x, y in np.c_[np.cos(k), np.sin(k)] * r * 0.5 + xy:
            dot = Circle((x, y), 0.09 * r, fc="#888888", ec="none", zorder=z + 0.1)
            _add(ax, dot)
            out.append(dot)
    return out


SEAM_SHARE = 0.07  # a seam line at most this share of the ball's printed diameter


def _thin_seams(art: PositionArtists, pt_per_cm: float) -> None:
    """Seams drawn in points (1.65 on a plate) covered a ball printed 5 pt across: at handout
    size a tennis ball printed white. Cap each seam at a share of the ball's printed diameter."""
    cap = SEAM_SHARE * 2 * art.pose.ball_radius_cm * pt_per_cm
    for m in art.ball_marks:
        if isinstance(m, Line2D):
            m.set_linewidth(min(m.get_linewidth(), cap))


def _spoke_arrows(ax, p: Pose, color) -> list:
    """A double arrow under the hip: the ball rolls out along a line and back. Its heads are
    sized in points, so at handout size they reach below the picture's lower edge: drawn
    unclipped (clipped, their lower halves were cut off), in the gap above the cue."""
    bx, _ = to_picture(p, p.ball_centre)[0]
    near, _ = _floor_v(p)
    y = near - 3.0
    arrow = FancyArrowPatch((bx - 38, y), (bx + 38, y), arrowstyle="<|-|>,head_length=5,head_width=2.8",
                            mutation_scale=1.0, color=palette.SPOKE_RED, lw=1.6, zorder=40, clip_on=False)
    ax.add_patch(arrow)
    return [arrow]


def draw_sequence(fig, side: str = "right", ball: str = "tennis", setup: str = "floor", *, rect=(0, 0, 1, 1),
                  numbers: bool = True, wrap: int = 30, fontsize: float | None = None,
                  pointer: bool = True, title: bool = True, cue: bool = True,
                  body=(0.3, 0.55), lw: float | None = None, surface: str | None = None,
                  cue_fontsize: float | None = None) -> list[PositionArtists]:
    """The routine's pictures in a row (``hipball.pose.sequence``: lying on a surface, or
    standing at a wall), one scale for all, each with its title and cue, numbered. ``body``
    (bottom, height) is the drawings' band as fractions of ``rect``'s height (the rest is for
    the titles above and the cues below); ``title``/``cue`` False leave them out. ``lw`` (points)
    defaults to one that suits each picture's printed width (thinner when small, so the limbs'
    outlines do not fill in at handout size). ``surface`` "bed" lies on a mattress."""
    names = sequence(side, setup)
    poses = [pose(n, side, ball) for n in names]
    n = len(poses)
    x0, y0, w, h = rect
    arts = []
    limits = sequence_limits(poses, surface)
    for i, p in enumerate(poses):
        ax = fig.add_axes((x0 + i * w / n, y0 + body[0] * h, w / n, body[1] * h))
        (lx0, lx1), ly = limits
        cx = sum(_span_x(p)) / 2
        if lw is None:
            width_in = fig.get_figwidth() * w / n
            lw_i = float(np.clip(0.55 * width_in, 0.7, 1.5))
        else:
            lw_i = lw
        art = draw_position(p, ax=ax, wrap=wrap, fontsize=fontsize, pointer=pointer, title=title, cue=cue, lw=lw_i,
                            surface=surface, cue_fontsize=cue_fontsize,
                            limits=((cx + lx0, cx + lx1), (ly[0] + _floor_v(p)[0], ly[1] + _floor_v(p)[0])))
        if numbers and n > 1 and title:
            art.title.set_text(numbered_title(p, i + 1, wrap))
        arts.append(art)
    return arts


def position_plates():
    """Plates for ``hipball figures``: each position on both sides with a tennis ball, and
    the side position with every ball (their true relative sizes)."""
    from hipball.pose import BALLS

    for side in SIDES:
        for name in POSITIONS:
            def one(fig, name=name, side=side):
                ax = fig.add_axes((0.03, 0.2, 0.94, 0.68))
                draw_position(name, side=side, ax=ax, fontsize=12, wrap=60)
            yield f"position_{name}_{side}", (7.0, 4.6), one

        def seq(fig, side=side):
            draw_sequence(fig, side, rect=(0.0, 0.02, 1.0, 0.9), fontsize=10, wrap=28)
            fig.suptitle(f"The hip ball routine, {side} hip", fontweight="bold")
        yield f"position_sequence_{side}", (16.0, 4.6), seq

    def balls(fig):
        from matplotlib.patches import Circle as Disc

        from hipball.pose import ball_radius_cm

        n = len(BALLS)
        for i, b in enumerate(BALLS):  # the person on each ball, one scale for all
            ax = fig.add_axes((i / n, 0.42, 1 / n, 0.42))
            draw_position("back", side="right", ball=b, ax=ax, title=False, cue=False, lw=1.1,
                          limits=((-75.0, 95.0), (-12.0, 62.0)))
            ax.text(0.5, 1.02, b.capitalize(), transform=ax.transAxes, ha="center", va="bottom", fontweight="bold")
        ax = fig.add_axes((0.05, 0.02, 0.9, 0.3))  # the balls themselves, side by side at true size
        x = 0.0
        for b in BALLS:
            r = ball_radius_cm(b)
            x += r
            ax.add_patch(Disc((x, r), r, fc=BALL_STYLE[b]["fc"], ec=palette.INK, lw=1.2))
            ax.text(x, -0.5, f"{b}\n{2 * r * 10:.0f} mm", ha="center", va="top", fontsize="small")
            x += r + 2.5
        ax.set_xlim(-1, x)
        ax.set_ylim(-3.5, 8.5)
        ax.set_aspect("equal")
        ax.set_axis_off()
        fig.suptitle("The same hip on each ball, and the balls at their true relative sizes", fontweight="bold")
    yield "position_balls", (14.0, 5.6), balls
