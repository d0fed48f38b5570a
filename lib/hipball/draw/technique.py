"""Drawings of the technique: the spoke pattern, the rolling cross-section and the path the
ball's contact traces over the hip. Geometry comes from hipball.spokes and hipball.roll; this
module only draws it (Axes in, artists out)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.patches import Circle, FancyArrowPatch, PathPatch
from matplotlib.patches import Polygon as PolygonPatch
from matplotlib.path import Path
from matplotlib.transforms import Affine2D

from hipball.draw import palette
from hipball.draw.labels import points_per_cm
from hipball.frame import SIDES, VIEW_PHRASES
from hipball.spokes import SpokePattern

def _casing(lw: float) -> list:
    """A white casing 2.6 points wider than the line: readable over any plate and in grayscale."""
    return [patheffects.Stroke(linewidth=lw + 2.6, foreground="white"), patheffects.Normal()]


HEAD_LENGTH = 5  # arrowhead length in units of the mutation scale
HEAD_SCALE = 1.6  # full-size head: 8 points long
HEAD_MAX_FRACTION = 0.3  # a head never takes more than this share of its spoke
HUB_MS = 9.0  # hub ring diameter in points, at most HUB_MAX_CM of body
HUB_MAX_CM = 0.9


@dataclass
class SpokeArtists:
    spokes: list = field(default_factory=list)  # FancyArrowPatch per spoke, in working order
    hubs: list = field(default_factory=list)
    numbers: list = field(default_factory=list)


def _gca(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    return ax


def draw_spokes(pattern: SpokePattern, *, ax: Axes | None = None, color: str = palette.SPOKE_RED,
                numbers: bool = True, zorder: float = 30, **arrow_kws) -> SpokeArtists:
    """Red spokes with arrowheads (work out along each, then back), a ringed hub, and the
    working order as numbers at the spoke ends. A white casing keeps them readable over any
    plate and in grayscale."""
    ax = _gca(ax)
    art = SpokeArtists()
    lw = arrow_kws.pop("lw", arrow_kws.pop("linewidth", 2.6))
    ppc = points_per_cm(ax)
    # the hub ring and the arrowheads scale down on a small plate (a handout), so that every
    # spoke keeps a visible shaft between the ring and its head
    hub_ms = min(HUB_MS, HUB_MAX_CM * ppc)
    for s in pattern.spokes:
        scale = min(HEAD_SCALE, HEAD_MAX_FRACTION * s.length_cm * ppc / HEAD_LENGTH)
        arrow = FancyArrowPatch(s.start, s.end, arrowstyle=f"-|>,head_length={HEAD_LENGTH},head_width=2.6",
                                mutation_scale=scale, color=color, lw=min(lw, 0.5 * hub_ms), shrinkA=0, shrinkB=0,
                                zorder=zorder, path_effects=_casing(min(lw, 0.5 * hub_ms)), **arrow_kws)
        arrow.set_gid(f"spoke:{s.number}")
        ax.add_patch(arrow)
        art.spokes.append(arrow)
        if numbers:
            d = np.subtract(s.end, s.start)
            d = d / (np.hypot(*d) or 1.0)
            pos = np.add(s.end, d * BADGE_OFFSET_CM)
            t = ax.text(pos[0], pos[1], str(s.number), ha="center", va="center", fontsize=7.5, color="white",
                        fontweight="bold", zorder=zorder + 1,
                        bbox=dict(boxstyle="circle,pad=0.18", fc=palette.INK, ec="white", lw=0.8))
            t.set_gid(f"spoke-number:{s.number}")
            art.numbers.append(t)
    for h in pattern.hubs:
        (hub,) = ax.plot([h.xy[0]], [h.xy[1]], "o", ms=hub_ms, mfc="white", mec=color, mew=min(2.6, 0.3 * hub_ms),
                         zorder=zorder + 2)
        hub.set_gid(f"hub:{h.label}")
        art.hubs.append(hub)
    return art


BADGE_OFFSET_CM = 1.1  # a spoke's number sits this far beyond its arrowhead


def update_spokes(art: SpokeArtists, pattern: SpokePattern, *, ax: Axes | None = None) -> SpokeArtists:
    """Show another pattern with the artists of ``draw_spokes``, in place: spokes move (and
    their heads scale to their length as draw_spokes scales them), numbers follow their ends,
    the first hub moves; artists beyond the pattern's spokes are hidden, and the pool grows
    (drawn by draw_spokes) when the pattern has more spokes than it. Returns ``art``."""
    ax = art.spokes[0].axes if art.spokes else _gca(ax)
    n = len(art.spokes)
    if len(pattern.spokes) > n:
        extra = draw_spokes(pattern, ax=ax, numbers=bool(art.numbers) or not n)
        for a in extra.spokes[:n] + extra.numbers[:n] + extra.hubs:
            a.remove()
        art.spokes += extra.spokes[n:]
        art.numbers += extra.numbers[n:]
    ppc = points_per_cm(ax)
    for i, arrow in enumerate(art.spokes):
        shown = i < len(pattern.spokes)
        arrow.set_visible(shown)
        if i < len(art.numbers):
            art.numbers[i].set_visible(shown)
        if not shown:
            continue
        sp = pattern.spokes[i]
        arrow.set_positions(sp.start, sp.end)
        arrow.set_mutation_scale(min(HEAD_SCALE, HEAD_MAX_FRACTION * sp.length_cm * ppc / HEAD_LENGTH))
        arrow.set_gid(f"spoke:{sp.number}")
        if i < len(art.numbers):
            d = np.subtract(sp.end, sp.start)
            d = d / (np.hypot(*d) or 1.0)
            art.numbers[i].set_position(np.add(sp.end, d * BADGE_OFFSET_CM))
            art.numbers[i].set_text(str(sp.number))
    for hub, h in zip(art.hubs, pattern.hubs):
        hub.set_data([h.xy[0]], [h.xy[1]])
    return art


def spoke_footprint(pattern: SpokePattern, badge_cm: float = 1.3, shaft_cm: float = 0.5):
    """Where the spokes, their number badges and the hubs lie on a plate (a shapely geometry,
    cm), so that labels can keep their leaders' ends off them (review of issue 9: the "Gluteus
    medius" leader ended under badge 1)."""
    from shapely.geometry import LineString, Point
    from shapely.ops import unary_union

    parts = []
    for s in pattern.spokes:
        d = np.subtract(s.end, s.start)
        d = d / (np.hypot(*d) or 1.0)
        parts.append(LineString([s.start, s.end]).buffer(shaft_cm))
        parts.append(Point(np.add(s.end, d * BADGE_OFFSET_CM)).buffer(badge_cm))
    parts += [Point(h.xy).buffer(badge_cm) for h in pattern.hubs]
    return unary_union(parts)


# --------------------------------------------------------------------------- rolling

@dataclass
class RollArtists:
    """Everything of the cross-section lives under ``rotation`` (an Affine2D), so a new angle
    is one transform change plus the ball and the texts (see ``update_roll_section``)."""

    rotation: Affine2D
    skin: object
    muscles: dict
    bones: list
    ball: Circle
    floor: object
    trigger_points: list
    title: object
    under: object
    front_back: list
    angle_deg: float
    height_cm: float | None
    side: str
    trp_labels: dict = field(default_factory=dict)  # trp id -> Annotation (shown while pressed)
    front_back_axis: tuple | None = None  # (centre, (side-to-side, front-back semi-axes)) of the section, cm


def _rot_for(contact) -> Affine2D:
    """Rotation about the contact point that turns the outward skin normal straight down and
    moves the contact point to the origin."""
    nx, ny = contact.normal
    phi = np.arctan2(-1.0, 0.0) - np.arctan2(ny, nx)
    px, py = contact.section_xy
    return Affine2D().translate(-px, -py).rotate(phi)


BALL_RADIUS_CM = 3.3


def draw_roll_section(angle_deg: float, height: float | None = None, side: str = "right", *,
                      ax: Axes | None = None, ball_radius_cm: float = BALL_RADIUS_CM, labels: bool = True) -> RollArtists:
    """The hip's cross-section at the ball's height, turned so the floor is at the bottom, with
    the ball under the contact point and the muscles and trigger points under it named."""
    from hipball.referral import trigger_point
    from hipball.roll import cross_section, in_section, roll_contact, section_point, trigger_points_3d, trochanter

    ax = _gca(ax)
    sec = cross_section(height, side)
    c = roll_contact(angle_deg, sec.height_cm, side)
    rot = _rot_for(c)
    tr = rot + ax.transData
    skin = PolygonPatch(sec.outline, closed=True, fc=palette.SKIN_FACE, ec=palette.SKIN_EDGE, lw=1.4,
                        transform=tr, zorder=1)
    ax.add_patch(skin)
    muscles = {}
    for mid, geom in sorted(sec.muscles.items(), key=lambda kv: (sec.layers[kv[0]] == "superficial", kv[0])):
        st = palette.MUSCLE_STYLE[mid]
        patches = []
        for g in getattr(geom, "geoms", [geom]):
            p = PathPatch(_poly_path(g), fc=palette.lighten(st["color"], 0.5), ec=palette.darken(st["color"], 0.25),
                          hatch=st["hatch"], lw=0.8, transform=tr, zorder=2)
            p.set_gid(f"section:{mid}")
            ax.add_patch(p)
            patches.append(p)
        muscles[mid] = patches
    bones = []
    bone = trochanter(sec)  # the disc the model lets carry the load (hipball.roll.carried_by_bone)
    if bone is not None:
        b = Circle(bone[0], bone[1], fc=palette.BONE_BASE, ec=palette.BONE_EDGE, lw=1.0, transform=tr, zorder=3)
        b.set_gid("bone:greater_trochanter")
        ax.add_patch(b)
        bones.append(b)
    trps = []
    for tid in sorted(trigger_points_3d(side)):
        if in_section(tid, sec):  # drawn where the pressure test places it (hipball.roll)
            hit = tid in c.trigger_points
            q = section_point(tid, sec)
            (m,) = ax.plot([q[0]], [q[1]], "X", ms=9 if hit else 6, mfc=palette.SPOKE_RED if hit else "white",
                           mec=palette.INK, mew=0.9, transform=tr, zorder=6)
            m.set_gid(f"trp:{tid}")
            trps.append(m)
    ball = Circle((0.0, -ball_radius_cm), ball_radius_cm, fc="#F2D94E", ec=palette.INK, lw=1.2, zorder=5)
    ball.set_gid("ball")
    ax.add_patch(ball)
    floor = ax.axhline(-2 * ball_radius_cm, color=palette.INK, lw=2.0, zorder=4)
    floor.set_gid("floor")
    ax.axhspan(-2 * ball_radius_cm - 3, -2 * ball_radius_cm, color="#D9D2C5", zorder=0, lw=0)
    front_back = []
    if labels:
        a, b_ = sec.semi_axes
        # inside the skin, so they never collide with the ball, the floor or each other
        for name, xy in (("front", (sec.centre[0], sec.centre[1] + 0.55 * b_)),
                         ("back", (sec.centre[0], sec.centre[1] - 0.55 * b_))):
            t = ax.text(*xy, name, ha="center", va="center", fontsize=8, color="#555555", transform=tr, zorder=7)
            front_back.append(t)
    title = ax.set_title("", fontsize=_rc("axes.titlesize") * 0.85)
    under = ax.text(0.5, -0.02, "", transform=ax.transAxes, ha="center", va="top", fontsize=_rc("font.size") * 0.8)
    art = RollArtists(rot, skin, muscles, bones, ball, floor, trps, title, under, front_back, c.angle_deg,
                      height, side, front_back_axis=(tuple(sec.centre), tuple(sec.semi_axes)))
    for m in trps:  # each pressed point carries its label, as on the referral charts
        tid = m.get_gid().split(":", 1)[1]
        a = ax.annotate(trigger_point(tid).label, (m.get_xdata()[0], m.get_ydata()[0]), xycoords=tr,
                        xytext=(0, 9), textcoords="offset points", ha="center", va="bottom", fontsize=7,
                        zorder=9, bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
        a.set_gid(f"trp-label:{tid}")
        art.trp_labels[tid] = a
    _set_texts(art, c, trigger_point)
    ax.set_aspect("equal")
    ax.set_xlim(-22, 22)
    ax.set_ylim(-2 * ball_radius_cm - 3, 30)
    ax.set_axis_off()
    ax.apply_aspect()
    _place_trp_labels(art, c)  # again, now that the frame (and so the text's scale) is set
    _place_front_back(art)
    return art


def update_roll_section(art: RollArtists, angle_deg: float) -> RollArtists:
    """Turn the drawn section to a new roll angle, in place."""
    from hipball.referral import trigger_point
    from hipball.roll import roll_contact

    c = roll_contact(angle_deg, art.height_cm, art.side)
    art.rotation.set_matrix(_rot_for(c).get_matrix())
    for m in art.trigger_points:
        tid = m.get_gid().split(":", 1)[1]
        hit = tid in c.trigger_points
        m.set_markerfacecolor(palette.SPOKE_RED if hit else "white")
        m.set_markersize(9 if hit else 6)
    art.angle_deg = c.angle_deg
    _set_texts(art, c, trigger_point)
    return art


def _trp_label_box(a, tr, pt: float, off=None, ha=None, va=None) -> tuple:
    """A pressed point's label box in pixels (x0, x1, y0, y1), estimated from its text (no
    renderer needed, so the app can place labels between draws), at its offset ``off`` (points)
    and alignment, or at those it has."""
    x, y = tr.transform(a.xy)
    ox, oy = a.xyann if off is None else off
    ha = ha or a.get_horizontalalignment()
    va = va or a.get_verticalalignment()
    w = (len(a.get_text()) * 0.64 * a.get_fontsize() + 6) * pt
    h = (1.2 * a.get_fontsize() + 4) * pt
    x0 = x + ox * pt - {"left": 0.0, "center": w / 2, "right": w}[ha]
    y0 = y + oy * pt - {"bottom": 0.0, "center": h / 2, "top": h}[va]
    return (x0, x0 + w, y0, y0 + h)


# where a pressed point's label may go, nearest first: (offset in points, ha, va)
_TRP_LABEL_PLACES = ([((0, 9), "center", "bottom"), ((8, 0), "left", "center"), ((-8, 0), "right", "center"),
                      ((0, -9), "center", "top")]
                     + [((0, 9 + 11 * k), "center", "bottom") for k in range(1, 5)]
                     + [((sx * 8, sy * 11 * k), "left" if sx > 0 else "right", "center")
                        for k in (1, 2) for sy in (1, -1) for sx in (1, -1)])


def _place_trp_labels(art: RollArtists, c) -> None:
    """Show the labels of the pressed points, each at the nearest place (above, beside, below,
    then farther up) where it covers no other label, no trigger-point mark and no bone disc
    (review of issue 9: at 120 degrees "TFL" sat over the trochanter)."""
    hits = [t for t in c.trigger_points if t in art.trp_labels]
    for tid, a in art.trp_labels.items():
        a.set_visible(tid in hits)
    if not hits:
        return
    ax = art.title.axes
    tr = art.rotation + ax.transData
    pt = ax.figure.dpi / 72.0
    marks = []
    for m in art.trigger_points:
        x, y = tr.transform((m.get_xdata()[0], m.get_ydata()[0]))
        r = (m.get_markersize() / 2 + 1) * pt
        marks.append((m.get_gid().split(":", 1)[1], (x - r, x + r, y - r, y + r)))
    discs = [(tr.transform(b.center), b.radius * _px_per_cm(tr)) for b in art.bones]

    def hits_box(b, o) -> bool:
        return b[0] < o[1] and o[0] < b[1] and b[2] < o[3] and o[2] < b[3]

    def hits_disc(b, d) -> bool:
        (x, y), r = d
        return np.hypot(x - min(max(x, b[0]), b[1]), y - min(max(y, b[2]), b[3])) < r + 1.0 * pt

    def overlap(b, placed, own) -> int:
        return (sum(hits_box(b, o) for o in placed) + sum(hits_box(b, o) for t, o in marks if t != own)
                + sum(hits_disc(b, d) for d in discs))

    placed = []
    xy = {t: tr.transform(art.trp_labels[t].xy) for t in hits}
    for t in sorted(hits, key=lambda t: (xy[t][1], xy[t][0])):
        a = art.trp_labels[t]
        best = None
        for off, ha, va in _TRP_LABEL_PLACES:
            b = _trp_label_box(a, tr, pt, off, ha, va)
            n = overlap(b, placed, t)
            if best is None or n < best[0]:
                best = (n, off, ha, va, b)
            if n == 0:
                break
        _, off, ha, va, b = best
        a.xyann = off
        a.set_horizontalalignment(ha)
        a.set_verticalalignment(va)
        placed.append(b)


def _place_front_back(art: RollArtists) -> None:
    """Keep the words "front" and "back" clear of the trigger-point marks, their labels and the
    femur (review of issue 9: at 45 and 90 degrees a label sat on "back" or "front"): each word
    slides along the section's front-back axis to the first place where nothing covers it."""
    if not art.front_back or art.front_back_axis is None:
        return
    ax = art.front_back[0].axes
    ax.apply_aspect()
    tr = art.rotation + ax.transData
    pt = ax.figure.dpi / 72.0
    boxes = []  # obstacles as (x0, x1, y0, y1) in pixels
    for m in art.trigger_points:
        x, y = tr.transform((m.get_xdata()[0], m.get_ydata()[0]))
        r = (m.get_markersize() / 2 + 2) * pt
        boxes.append((x - r, x + r, y - r, y + r))
    for a in art.trp_labels.values():
        if a.get_visible():
            boxes.append(_trp_label_box(a, tr, pt))
    for b in art.bones:
        x, y = tr.transform(b.center)
        r = b.radius * _px_per_cm(tr)
        boxes.append((x - r, x + r, y - r, y + r))
    (cx, cy), (semi_a, semi_b) = art.front_back_axis

    def covered(x, y, hw, hh) -> float:
        return sum(max(0.0, min(x + hw, b[1]) - max(x - hw, b[0])) * max(0.0, min(y + hh, b[3]) - max(y - hh, b[2]))
                   for b in boxes)

    # places on the word's own half of the section, nearest the usual one first
    cands = sorted(((u, f) for f in (0.55, 0.45, 0.65, 0.35, 0.75, 0.25) for u in (0.0, -0.2, 0.2, -0.4, 0.4)),
                   key=lambda c: abs(c[1] - 0.55) + abs(c[0]))
    for t, sign in zip(art.front_back, (1, -1)):
        hw, hh = (len(t.get_text()) * 0.32 * t.get_fontsize() + 2) * pt, 0.75 * t.get_fontsize() * pt
        best = None
        for u, f in cands:
            xy = (cx + u * semi_a, cy + sign * f * semi_b)
            cost = covered(*tr.transform(xy), hw, hh)
            if best is None or cost < best[0]:
                best = (cost, xy)
            if cost == 0.0:
                break
        t.set_position(best[1])


def _px_per_cm(tr) -> float:
    a, b = tr.transform([(0.0, 0.0), (1.0, 0.0)])
    return float(np.hypot(*(b - a)))


def _set_texts(art: RollArtists, c, trigger_point) -> None:
    from hipball.atlas import load_atlas

    _place_trp_labels(art, c)
    _place_front_back(art)

    names = load_atlas().display_names
    import textwrap

    art.title.set_text(f"{c.angle_deg:.0f}\N{DEGREE SIGN}: {c.position}")
    mus = ", ".join(names[m].split(" (")[0] for m in c.muscles) or "skin and fat only"
    trp = ", ".join(trigger_point(t).label for t in c.trigger_points) or "none"
    bone = ", ".join(trigger_point(t).label for t in c.on_bone)
    art.under.set_text("\n".join(textwrap.wrap(f"Under the ball: {mus}.", 34)
                                 + textwrap.wrap(f"Trigger points pressed: {trp}.", 34)
                                 + (textwrap.wrap(f"On the trochanter: the bone takes the load off {bone}.", 34)
                                    if bone else [])))


def _rc(key: str) -> float:
    """An rc font size in points (rcParams may hold names such as 'large')."""
    import matplotlib as mpl
    from matplotlib.font_manager import FontProperties

    return float(FontProperties(size=mpl.rcParams[key]).get_size_in_points())


def _poly_path(g) -> Path:
    verts, codes = [], []
    for ring in [g.exterior, *g.interiors]:
        xy = np.asarray(ring.coords)
        verts.extend(xy)
        codes.extend([Path.MOVETO] + [Path.LINETO] * (len(xy) - 2) + [Path.CLOSEPOLY])
    return Path(np.asarray(verts), codes)


@dataclass
class RollPathArtists:
    path: object
    stops: list
    stop_labels: list
    trigger_points: list
    trp_labels: dict = field(default_factory=dict)  # trp id -> Annotation
    leaders: list = field(default_factory=list)  # lines from a label set away from its X to it


def draw_roll_path(view: str = "lateral", side: str = "right", height: float | None = None, *,
                   ax: Axes | None = None, stops=(0, 45, 90, 120, 135), color: str = palette.SPOKE_RED) -> RollPathArtists:
    """The path the ball's contact traces over a plate as the body rolls from 0 to 150
    degrees, with the named stops and the trigger points it passes."""
    from hipball.referral import trigger_point_xy
    from hipball.roll import contact_path, roll_contact

    ax = _gca(ax)
    pts = np.array([c.plates[view] for c in contact_path(height=height, side=side)])
    (line,) = ax.plot(pts[:, 0], pts[:, 1], color=color, lw=2.4, ls=(0, (5, 2)), zorder=31,
                      path_effects=[patheffects.Stroke(linewidth=4.6, foreground="white"), patheffects.Normal()])
    line.set_gid("roll-path")
    stops_art, labels, trps = [], [], []
    passed = set()
    for i, a in enumerate(stops):
        c = roll_contact(a, height, side)
        x, y = c.plates[view]
        (m,) = ax.plot([x], [y], "o", ms=6, mfc="white", mec=color, mew=1.8, zorder=32)
        stops_art.append(m)
        # alternate above and below the path, so neighbouring stops never collide
        t = ax.annotate(f"{a}\N{DEGREE SIGN}", (x, y), xytext=(0, 9 if i % 2 == 0 else -12), textcoords="offset points",
                        ha="center",
                        fontsize=7.5, color=palette.darken(color, 0.3), fontweight="bold", zorder=33,
                        path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")])
        labels.append(t)
        passed.update(c.trigger_points)
    for c in contact_path(height=height, side=side):
        passed.update(c.trigger_points)
    for tid in sorted(passed):
        xy = trigger_point_xy(tid, view, side)
        if xy is None:
            continue
        (m,) = ax.plot([xy[0]], [xy[1]], "X", ms=8, mfc=palette.SPOKE_RED, mec=palette.INK, mew=0.9, zorder=34)
        m.set_gid(f"trp:{tid}")
        trps.append(m)
    leaders: list = []
    return RollPathArtists(line, stops_art, labels, trps, _label_path(ax, stops_art, labels, trps, leaders), leaders)


def _label_path(ax: Axes, stops: list, stop_labels: list, trps: list, leaders: list) -> dict:
    """Name each trigger point on the path (the two gluteus minimus points are otherwise two
    identical red Xs) and keep every text off every mark (review of issue 9: "90°" sat under an
    X): each text takes the first of a few places around its point that nothing covers."""
    from hipball.referral import trigger_point

    ax.apply_aspect()
    pt = ax.figure.dpi / 72.0
    to_px = ax.transData.transform

    def mark_box(m):
        x, y = to_px((m.get_xdata()[0], m.get_ydata()[0]))
        r = (m.get_markersize() / 2 + 1.5) * pt
        return (x - r, x + r, y - r, y + r)

    def text_box(xy, text, fs, off, ha):
        x, y = to_px(xy)
        w, h = (len(text) * 0.58 * fs + 2) * pt, 1.25 * fs * pt
        x0 = x + off[0] * pt - {"left": 0.0, "center": w / 2, "right": w}[ha]
        y0 = y + off[1] * pt
        return (x0, x0 + w, y0, y0 + h)

    def leader_segments(kinds=("leader:", "trp-leader:")):  # the plate's leader lines and the
        # path's own (review of issue 9: "Gmax 2" sat on the greater trochanter's leader)
        from shapely.geometry import LineString

        segs = []
        for ln in ax.lines:
            gid = ln.get_gid() or ""
            if ln.get_visible() and gid.startswith(kinds):
                xy = ln.get_transform().transform(ln.get_xydata())
                segs += [LineString([tuple(a), tuple(b)]) for a, b in zip(xy[:-1], xy[1:])]
        return segs

    def on_leader(b, pad=1.5 * pt, kinds=("leader:", "trp-leader:")) -> bool:
        from shapely.geometry import box

        r = box(b[0] - pad, b[2] - pad, b[1] + pad, b[3] + pad)
        return any(r.intersects(s) for s in leader_segments(kinds))

    def own_leader(m, b):  # the leader from a mark to its label's box, if it needs one (pixels)
        px = np.asarray(to_px((m.get_xdata()[0], m.get_ydata()[0])))
        q = np.array([min(max(px[0], b[0]), b[1]), min(max(px[1], b[2]), b[3])])
        r = (m.get_markersize() / 2 + 1.0) * pt
        d = q - px
        if np.hypot(*d) <= r + 2:
            return None
        return px + d / np.hypot(*d) * r, q

    def crosses_leader(seg) -> bool:  # a new leader may not cross another leader
        from shapely.geometry import LineString

        if seg is None:
            return False
        new = LineString([tuple(seg[0]), tuple(seg[1])])
        return any(new.crosses(s) or new.intersects(s) for s in leader_segments()
                   if s.length > 0)

    def free(b, boxes, pad=2.5 * pt) -> bool:  # the size estimate is rough: keep a margin
        return not any(b[0] - pad < o[1] and o[0] < b[1] + pad and b[2] - pad < o[3] and o[2] < b[3] + pad
                       for o in boxes) and not on_leader(b)

    renderer = ax.figure.canvas.get_renderer()

    def real_box(a):  # the text as drawn (the estimate below can be a few points short)
        e = a.get_window_extent(renderer)
        return (e.x0, e.x1, e.y0, e.y1)

    boxes = [mark_box(m) for m in [*stops, *trps]]
    for i, t in enumerate(stop_labels):  # above or below the path, alternating, first free place
        ups = [(0, 9), (0, -12), (0, 18), (0, -21)] if i % 2 == 0 else [(0, -12), (0, 9), (0, -21), (0, 18)]
        for off in ups:
            b = text_box(t.xy, t.get_text(), t.get_fontsize(), (off[0], off[1] if off[1] > 0 else off[1] - 2), "center")
            if free(b, boxes):
                break
        else:
            off = ups[0]
        t.xyann = off
        boxes.append(real_box(t))
    out = {}
    near = [((7, -4), "left"), ((-7, -4), "right"), ((0, 7), "center"), ((0, -16), "center"),
            ((7, 4), "left"), ((-7, 4), "right"), ((7, -13), "left"), ((-7, -13), "right")]
    places = near + [((0, 14), "center"), ((0, -23), "center"), ((9, 11), "left"), ((-9, 11), "right"),
                     ((9, -20), "left"), ((-9, -20), "right")]  # a little farther, where it is crowded
    beside = near[:3] + near[4:6]  # close enough to need no leader
    for m in sorted(trps, key=lambda m: (m.get_xdata()[0], m.get_ydata()[0])):
        tid = m.get_gid().split(":", 1)[1]
        xy = (m.get_xdata()[0], m.get_ydata()[0])
        text, fs = trigger_point(tid).label, 6.5
        a = ax.annotate(text, xy, xytext=places[0][0], textcoords="offset points", ha=places[0][1], va="bottom",
                        fontsize=fs, color=palette.INK, zorder=35,
                        path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")])
        cost = []
        for k, (off, ha) in enumerate(places):
            a.xyann, _ = off, a.set_horizontalalignment(ha)
            b = real_box(a)
            seg = None if (off, ha) in beside else own_leader(m, b)
            on_path = on_leader(b, kinds=("roll-path",))  # legible on the path (white halo), but not first choice
            if free(b, boxes) and not crosses_leader(seg) and not on_path:
                break
            cost.append((1e3 * sum(max(0.0, min(b[1], o[1]) - max(b[0], o[0])) * max(0.0, min(b[3], o[3]) - max(b[2], o[2]))
                                   for o in boxes)
                         + (1e9 if on_leader(b) else 0.0) + (1e2 if crosses_leader(seg) else 0.0) + (10.0 if on_path else 0.0), k))
        else:  # nowhere free: the place that overlaps least
            off, ha = places[min(cost)[1]]
            a.xyann, _ = off, a.set_horizontalalignment(ha)
        a.set_gid(f"trp-label:{tid}")
        b = real_box(a)
        boxes.append(b)
        out[tid] = a
        seg = None if (tuple(a.xyann), a.get_horizontalalignment()) in beside else own_leader(m, b)
        if seg is not None:  # not beside it: a leader
            (x0, y0), (x1, y1) = ax.transData.inverted().transform(np.array(seg))
            leaders += ax.plot([x0, x1], [y0, y1], color=palette.INK, lw=0.6, zorder=34, gid=f"trp-leader:{tid}")
    return out


def roll_legend(fig, *, loc="lower center", ncol=6):
    """A legend of the muscles a cross-section can show, and the trigger-point markers."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from hipball.atlas import load_atlas
    from hipball.roll import cross_section

    names = load_atlas().display_names
    handles = [Patch(fc=palette.lighten(palette.MUSCLE_STYLE[m]["color"], 0.5),
                     ec=palette.darken(palette.MUSCLE_STYLE[m]["color"], 0.25),
                     hatch=palette.MUSCLE_STYLE[m]["hatch"], label=names[m].split(" (")[0])
               for m in sorted(cross_section().muscles)]
    handles += [Line2D([], [], marker="X", ls="", mfc=palette.SPOKE_RED, mec=palette.INK, ms=8,
                       label="trigger point pressed by the ball"),
                Line2D([], [], marker="X", ls="", mfc="white", mec=palette.INK, ms=6, label="other trigger points")]
    return fig.legend(handles=handles, loc=loc, ncol=ncol, frameon=False, fontsize="small")


def technique_plates():
    """Plates for ``hipball figures``: spokes on the posterior and lateral plates, the rolling
    cross-sections at 0, 45, 90 and 120 degrees, the contact path, the ball-and-surface chart."""
    from hipball.draw.anatomy import draw_hip
    from hipball.spokes import spoke_pattern

    for side in SIDES:
        for view in ("posterior", "lateral"):
            def spokes(fig, view=view, side=side):
                ax = fig.add_axes((0.0, 0.03, 1.0, 0.92))
                pattern = spoke_pattern(view=view, side=side)
                draw_hip(view, side, layers=("skin", "bones", "superficial"), ax=ax,
                         title=f"{side.capitalize()} hip, {VIEW_PHRASES[view]}: "
                               "the spoke pattern", label_avoid=spoke_footprint(pattern))
                draw_spokes(pattern, ax=ax)
            yield f"spokes_{view}_{side}", (9.0, 8.0), spokes

        def rolling(fig, side=side):
            axs = fig.subplots(1, 4)
            # the layout first: the sections place their labels at the scale they are drawn at
            fig.subplots_adjust(left=0.01, right=0.99, top=0.8, bottom=0.3, wspace=0.05)
            for ax, a in zip(axs, (0, 45, 90, 120)):
                draw_roll_section(a, side=side, ax=ax)
            fig.suptitle(f"Rolling onto the {side} hip: where the ball touches (slice just above the trochanter)",
                         fontweight="bold")
            roll_legend(fig)
        yield f"rolling_sections_{side}", (14.0, 5.4), rolling

        def path(fig, side=side):
            ax = fig.add_axes((0.0, 0.03, 1.0, 0.92))
            draw_hip("lateral", side, layers=("skin", "bones", "deep"), ax=ax,
                     title=f"{side.capitalize()} hip from the side: the ball's path as you roll (0 to 150\N{DEGREE SIGN})")
            draw_roll_path("lateral", side, ax=ax)
        yield f"rolling_path_lateral_{side}", (9.0, 8.0), path

    def chart(fig):
        from hipball.draw.pressure import draw_ball_surface_chart

        ax = fig.add_axes((0.08, 0.2, 0.84, 0.72))
        draw_ball_surface_chart(70, ax=ax)
    yield "ball_surface_chart_70kg", (12.0, 6.5), chart
