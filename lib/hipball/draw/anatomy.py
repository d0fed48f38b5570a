"""Anatomy plates: ``draw_hip`` draws one view of the hip from the atlas, layer by layer.

Layers (the user switches them): ``skin`` (the body outline), ``bones`` (shaded, one painter's
pass), ``deep`` and ``superficial`` muscles (opaque, so a plate never turns into an X-ray: a
muscle that lies under another is hidden by it, as in a dissection). Muscles keep a hatch each,
so a grayscale print still tells them apart. Labels go in the margins with leader lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon as PolygonPatch

from hipball._choices import check_choice
from hipball.atlas import LAYERS, MUSCLE_IDS, View, load_atlas, project
from hipball.draw import palette
from hipball.draw.labels import Label, place_labels, points_per_cm
from hipball.frame import VIEW_PHRASES, check_side, check_view, extent_on_side, on_side, other_side

DEFAULT_LAYERS = ("skin", "bones", "superficial")
# plate frames per view, in cm (x range, y range): the hip and the thigh down to the knee
EXTENTS = {
    ("posterior", "hip"): ((-21.0, 23.0), (40.0, 113.0)),
    ("lateral", "hip"): ((-19.0, 19.0), (40.0, 109.0)),
    ("anterolateral", "hip"): ((-22.0, 10.5), (62.0, 108.0)),
    ("posterior", "leg"): ((-21.0, 23.0), (0.0, 113.0)),
    ("lateral", "leg"): ((-19.0, 19.0), (0.0, 109.0)),
    ("anterolateral", "leg"): ((-22.0, 10.5), (0.0, 108.0)),
}
EXTENT_NAMES = ("hip", "leg")
MIN_LABEL_AREA_CM2 = 4.0
# muscles that can be seen from each view (the others lie behind bone or the far side of the
# limb; drawing them on top would be wrong, not just cluttered). A highlighted muscle is drawn
# whatever the view.
VIEW_MUSCLES = {
    "posterior": MUSCLE_IDS,
    "lateral": ("gluteus_maximus", "gluteus_medius", "gluteus_minimus", "piriformis", "tensor_fasciae_latae",
                "biceps_femoris", "semitendinosus", "vastus_lateralis"),
    "anterolateral": ("gluteus_maximus", "gluteus_medius", "gluteus_minimus", "tensor_fasciae_latae",
                      "vastus_lateralis"),
}
# muscles a view shows only at its silhouette, drawn but not labelled: from behind, TFL lies on
# the front of the hip's side, in front of the trochanter, and shows at most as a sliver at the
# margin (Gray's Anatomy 42nd ed., thigh: tensor fasciae latae; review of issue 9, finding 6).
# Its band (the iliotibial band) keeps its label.
VIEW_UNLABELLED = {"posterior": ("tensor_fasciae_latae",), "lateral": (), "anterolateral": ()}
# muscles that lie on the far (medial) side of the limb in a view: drawn dashed, as hidden
# (semitendinosus is medial: from the side it is seen through the thigh, never on top of it)
VIEW_HIDDEN = {"posterior": (), "lateral": ("semitendinosus", "semimembranosus"), "anterolateral": ()}
# painter's order inside a layer (first = farthest). Gluteus maximus covers the top of biceps
# femoris, TFL and gluteus maximus both lie on the iliotibial band (which is drawn just before
# TFL), the band lies on gluteus medius and vastus lateralis. From the front corner gluteus
# maximus is the farthest muscle, seen only at the back edge. From the side piriformis shows
# below and behind gluteus minimus (whose drawn margin reaches over it).
PAINT_ORDER = {
    "posterior": ("quadratus_lumborum", "semimembranosus", "piriformis", "gluteus_minimus", "gluteus_medius",
                  "vastus_lateralis", "semitendinosus", "biceps_femoris", "tensor_fasciae_latae", "gluteus_maximus"),
    "lateral": ("quadratus_lumborum", "semimembranosus", "gluteus_minimus", "piriformis", "semitendinosus",
                "gluteus_medius", "vastus_lateralis", "biceps_femoris", "tensor_fasciae_latae", "gluteus_maximus"),
    "anterolateral": ("quadratus_lumborum", "semimembranosus", "piriformis", "gluteus_minimus", "gluteus_maximus",
                      "semitendinosus", "biceps_femoris", "gluteus_medius", "vastus_lateralis", "tensor_fasciae_latae"),
}
# the nerve (yellow, as atlases draw nerves; a dark casing keeps it readable in grayscale)
NERVE_FACE = "#F0E442"  # Okabe-Ito yellow
NERVE_EDGE = "#5C4D00"
NERVE_KEEP_OFF_CM = 0.6  # a landmark's leader passes no nearer the nerve's centre line (its drawn half-width and a margin)
LANDMARK_KEEP_OFF_CM = 1.0  # nor nearer another landmark's dot
# muscles drawn in outline for orientation only (front corner)
CONTEXT_EDGE = "#7A6F66"
# landmarks that can be seen (or felt) from each view; hidden ones would only confuse
VIEW_LANDMARKS = {
    "posterior": ("iliac_crest", "psis", "sacrum", "coccyx", "greater_trochanter", "ischial_tuberosity",
                  "lateral_knee_joint_line", "fibular_head"),
    "lateral": ("iliac_crest", "asis", "psis", "greater_trochanter", "ischial_tuberosity", "lateral_knee_joint_line",
                "gerdy_tubercle"),
    "anterolateral": ("iliac_crest", "iliac_tubercle", "asis", "greater_trochanter"),
}


@dataclass
class HipArtists:
    """What ``draw_hip`` drew, so apps can update in place and tests can inspect."""

    view: View
    skin: list = field(default_factory=list)
    bones: PolyCollection | None = None
    bone_outlines: list = field(default_factory=list)
    muscles: dict[str, list] = field(default_factory=dict)  # id -> [patches]
    landmarks: dict[str, Line2D] = field(default_factory=dict)
    labels: list = field(default_factory=list)  # Text per label (gid "label:<id>")
    leaders: list = field(default_factory=list)  # Line2D per label (gid "leader:<id>")
    ghosts: list = field(default_factory=list)
    nerves: dict[str, list] = field(default_factory=dict)  # id -> [artists] (the sciatic nerve)
    context: dict[str, list] = field(default_factory=dict)  # orientation outlines (front corner)
    marks: list = field(default_factory=list)  # skin marks such as the groin crease
    key: object = None  # the legend (dashed outlines, the nerve)
    title: object = None
    credit: object = None

    def all(self) -> list:
        out = list(self.skin) + ([self.bones] if self.bones is not None else []) + list(self.bone_outlines)
        for patches in [*self.muscles.values(), *self.nerves.values(), *self.context.values()]:
            out += patches
        out += list(self.marks) + list(self.landmarks.values()) + list(self.labels) + list(self.leaders)
        return out + ([self.key] if self.key is not None and self.key not in self.ghosts else [])


def show_overlays(art: HipArtists, layers) -> None:
    """Switch the nerve, the orientation outlines, the skin marks and the key on a plate drawn
    with every layer (the AnatomyExplorer app draws once and toggles): the nerve solid with the
    deep layer, dashed with the superficial one (and always dashed where no layer shows it
    solid), the rest with any muscle layer."""
    layers = set(layers)
    muscle_layer = bool(layers & {"superficial", "deep"})
    solid_drawn = any(not a.get_gid().endswith(":hidden") for arts in art.nerves.values() for a in arts)
    for arts in art.nerves.values():
        for a in arts:
            gid = a.get_gid()
            if gid.endswith("pelvic:hidden"):
                a.set_visible(muscle_layer)
            elif gid.endswith(":hidden"):
                a.set_visible("superficial" in layers or (muscle_layer and not solid_drawn))
            else:
                a.set_visible("deep" in layers)
    for arts in art.context.values():
        for a in arts:
            a.set_visible(muscle_layer)
    for a in art.marks:
        a.set_visible("skin" in layers or bool(art.landmarks))
    if art.key is not None and art.key not in art.ghosts:
        art.key.set_visible(muscle_layer)


def check_layers(layers) -> tuple[str, ...]:
    if isinstance(layers, str):
        layers = (layers,)
    try:
        layers = tuple(layers)
    except TypeError:
        raise ValueError(f"layers: {layers!r} is not a list of layers; give any of: {', '.join(LAYERS)} "
                         f"(e.g. layers=('skin', 'bones', 'superficial'))") from None
    for layer in layers:
        check_choice("layer", layer, LAYERS)
    return layers


def check_muscles(muscles) -> tuple[str, ...]:
    if muscles is None:
        return MUSCLE_IDS
    if isinstance(muscles, str):
        muscles = (muscles,)
    for m in muscles:
        check_choice("muscle", m, MUSCLE_IDS)
    return tuple(muscles)


def _xlim(view: str, side: str, extent: str) -> tuple[float, float]:
    return extent_on_side(EXTENTS[(view, extent)][0], side)


def draw_bones(v: View, ax: Axes, *, ylim=None, zorder: float = 2) -> tuple[PolyCollection, list]:
    b = v.bones
    tri = b.triangles
    if ylim is not None:  # skip triangles wholly outside the frame (faster, smaller files)
        ys = b.vertices[tri][:, :, 1]
        keep = (ys.max(axis=1) >= ylim[0] - 1) & (ys.min(axis=1) <= ylim[1] + 1)
        tri, shade = tri[keep], b.shade[keep]
    else:
        shade = b.shade
    base = np.array(palette.BONE_BASE)
    colors = np.clip(base[None, :] * (0.62 + 0.40 * shade[:, None]), 0, 1)
    coll = PolyCollection(b.vertices[tri], facecolors=colors, edgecolors=colors, linewidths=0.25,
                          antialiaseds=False, zorder=zorder)
    coll.set_gid("bones")
    ax.add_collection(coll, autolim=False)
    outlines = []
    for name in b.names:
        for ring in b.outlines.get(name, ()):
            if ylim is not None and (ring[:, 1].max() < ylim[0] or ring[:, 1].min() > ylim[1]):
                continue
            (ln,) = ax.plot(ring[:, 0], ring[:, 1], color=palette.BONE_EDGE, lw=0.8, zorder=zorder + 0.1,
                            solid_joinstyle="round")
            ln.set_gid(f"bone:{name}")
            outlines.append(ln)
    return coll, outlines


# muscles whose hatching is their own fibres (a fixed hatch would cross them in some views)
FIBRE_HATCHED = ("gluteus_maximus",)


# Patches go in with add_artist, not add_patch: draw_hip sets the plate's limits before it draws,
# and add_patch's limit update (a pass over every curve of every outline) was about two thirds of
# the time spent drawing the muscles.
def _muscle_patches(m, ax: Axes, *, zorder: float, highlight: bool, dim: bool, hidden: bool = False) -> list:
    style = palette.MUSCLE_STYLE[m.id]
    edge = palette.darken(style["color"], 0.25)
    face = palette.lighten(style["color"], 0.35 if highlight else 0.55)
    alpha = 0.35 if dim else 1.0
    patches = []
    if hidden:  # on the far side of the limb: a dashed outline, never a solid shape
        body = PolygonPatch(m.outline, closed=True, fill=False, edgecolor=edge, lw=1.2 if highlight else 0.9,
                            ls=(0, (4, 3)), zorder=zorder, alpha=0.9 * alpha)
        body.set_gid(f"muscle:{m.id}")
        ax.add_artist(body)
        return [body]
    if m.visible is not None:  # the part behind bone: dashed over the bone
        behind = PolygonPatch(m.outline, closed=True, fill=False, edgecolor=edge, lw=0.9, ls=(0, (4, 3)),
                              zorder=zorder - 0.01, alpha=alpha)
        behind.set_gid(f"muscle:{m.id}:behind_bone")
        ax.add_artist(behind)
    fibre_hatch = m.id in FIBRE_HATCHED
    body = PolygonPatch(m.drawn_outline, closed=True, facecolor=face, edgecolor=edge, lw=2.2 if highlight else 1.0,
                        hatch="" if fibre_hatch else style["hatch"], zorder=zorder, alpha=alpha, joinstyle="round")
    body.set_gid(f"muscle:{m.id}")
    ax.add_artist(body)
    patches.append(body)
    if m.visible is not None:
        patches.append(behind)
    if fibre_hatch:
        for k, f in enumerate(fibre_lines(m)):
            (ln,) = ax.plot(f[:, 0], f[:, 1], color=edge, lw=0.7, alpha=0.8 * alpha, zorder=zorder + 0.015)
            ln.set_gid(f"fibres:{m.id}")  # already cut to the muscle; the plate clips it to the skin
            patches.append(ln)
    for part, coords in m.parts.items():
        if part == "iliotibial_band":
            # a sheet of fascia: the muscles under it show through a little
            p = PolygonPatch(coords, closed=True, facecolor=palette.ITB_FACE, edgecolor=edge, lw=0.8,
                             hatch="||", zorder=zorder - 0.05, alpha=0.78 * alpha)
        else:
            p = PolygonPatch(coords, closed=True, facecolor="none", edgecolor=edge, lw=0.9, ls=(0, (3, 2)),
                             hatch=palette.PART_HATCH.get(part, ""), zorder=zorder + 0.01, alpha=alpha)
        p.set_gid(f"muscle:{m.id}:{part}")
        ax.add_artist(p)
        patches.append(p)
    # fibre direction from the model's lines of action, clipped to the muscle
    for f in m.fibres:
        (ln,) = ax.plot(f[:, 0], f[:, 1], color=edge, lw=0.6, alpha=0.55 * alpha, zorder=zorder + 0.02)
        ln.set_clip_path(body)
        patches.append(ln)
    return patches


def fibre_lines(m, spacing: float = 1.0) -> list[np.ndarray]:
    """Hatching that follows a sheet muscle's fibres: straight lines about ``spacing`` cm apart
    along the mean direction of the model's lines of action in this view (gluteus maximus: down
    and out from the crest, sacrum and coccyx to the iliotibial band); clipped to the muscle when
    drawn."""
    dirs = [f[-1] - f[0] for f in m.fibres if len(f) >= 2 and np.hypot(*(f[-1] - f[0])) > 1e-6]
    if not dirs:
        return []
    d = np.mean([u / np.hypot(*u) for u in dirs], axis=0)
    d /= np.hypot(*d)
    n = np.array([-d[1], d[0]])
    pts = m.drawn_outline
    across = pts @ n
    along = pts @ d
    from shapely.geometry import LineString, Polygon

    body = Polygon(pts).buffer(0)
    out = []
    for c in np.arange(across.min() + spacing / 2, across.max(), spacing):
        a, b = along.min() - 1.0, along.max() + 1.0
        cut = body.intersection(LineString([c * n + a * d, c * n + b * d]))
        for g in getattr(cut, "geoms", [cut]):
            if g.geom_type == "LineString" and g.length > 0.3:
                out.append(np.asarray(g.coords))
    return out


def _skin_clip(v: View, ax: Axes):
    """The body outline as a clip path (views with a body chart), else None."""
    try:
        from hipball.bodychart import skin_outline

        ring = skin_outline(v.name, v.side)
    except (ImportError, ValueError):
        return None
    p = PolygonPatch(ring, closed=True, transform=ax.transData)
    return p


def _ghost(m, ax: Axes):
    edge = palette.darken(palette.MUSCLE_STYLE[m.id]["color"], 0.2)
    p = PolygonPatch(m.outline, closed=True, facecolor="none", edgecolor=edge, lw=0.9, ls=(0, (4, 3)),
                     alpha=0.8, zorder=4)
    p.set_gid(f"ghost:{m.id}")
    ax.add_artist(p)
    return p


def muscle_order(v: View, layers: tuple[str, ...], muscles: tuple[str, ...]) -> list[str]:
    """Painter's order: deep layer first, then superficial; within a layer as PAINT_ORDER says
    (which muscle lies on which, from anatomy, not from the model's mean depth)."""
    rank = {"deep": 0, "superficial": 1}
    paint = PAINT_ORDER[v.name]
    chosen = [m for m in muscles if v.muscles[m].layer in layers]
    return sorted(chosen, key=lambda m: (rank[v.muscles[m].layer], paint.index(m), m))


def visible_anchor(v: View, order: list[str], mid: str, frame=None, avoid=None):
    """A point well inside the visible part of a muscle (pole of inaccessibility), and the
    visible area in cm2; ``frame`` = (x0, x1, y0, y1) clips to the plate; ``avoid`` (a shapely
    geometry, e.g. the spokes and their number badges drawn over the plate) is kept clear of
    the point where the muscle shows enough beside it."""
    from shapely.geometry import Polygon, box
    from shapely.ops import polylabel, unary_union

    shape = Polygon(v.muscles[mid].drawn_outline).buffer(0)
    if frame is not None:
        shape = shape.intersection(box(frame[0], frame[2], frame[1], frame[3]))
        if shape.is_empty:
            return (float("nan"), float("nan")), 0.0
    above = [Polygon(v.muscles[o].drawn_outline).buffer(0) for o in order[order.index(mid) + 1:]
             if o not in VIEW_HIDDEN[v.name]]
    vis = shape.difference(unary_union(above)) if above else shape
    area = float(vis.area)
    if vis.is_empty or vis.area < 0.5:
        vis = shape
    if vis.is_empty:
        return (float("nan"), float("nan")), 0.0
    if avoid is not None:
        clear = vis.difference(avoid)
        if not clear.is_empty and clear.area >= 1.0:
            vis = clear
    if vis.geom_type == "MultiPolygon":
        vis = max(vis.geoms, key=lambda g: g.area)
    p = polylabel(vis, tolerance=0.1)
    return (float(p.x), float(p.y)), area


def draw_hip(view: str = "posterior", side: str = "right", layers=DEFAULT_LAYERS, labels: bool = True, ax: Axes | None = None,
             *, muscles=None, highlight: str | None = None, extent: str = "hip", landmarks: bool = True,
             title: bool | str = True, credit: bool = True, nerves: bool = True, label_avoid=None) -> HipArtists:
    """Draw one hip plate and return its artists.

    view: posterior | lateral | anterolateral; side: right | left;
    layers: any of skin, superficial, deep, bones (skin: the body outline from the body
    chart's widths and depths, hipball.bodychart); muscles: ids to draw
    (default all ten; each view draws only those it can show, see VIEW_MUSCLES);
    highlight: a muscle id drawn emphasised (others dimmed); extent: hip | leg;
    nerves: draw the sciatic nerve (with any muscle layer, in the views that show it: solid
    where the deep layer shows it, dashed where muscle or bone covers it); label_avoid: a
    shapely geometry (cm) that muscle labels keep their leaders' ends off and that every
    leader line keeps off where a margin slot allows (the spokes plates).
    """
    check_view(view)
    check_side(side)
    layers = check_layers(layers)
    muscles = check_muscles(muscles)
    check_choice("extent", extent, EXTENT_NAMES)
    if highlight is not None:
        check_choice("highlight", highlight, MUSCLE_IDS)
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    v = load_atlas().view(view, side)
    art = HipArtists(view=v)
    _, ylim = EXTENTS[(view, extent)]
    ax.set_xlim(*plate_limits(view, side, labels=labels, extent=extent)[0])
    ax.set_ylim(*ylim)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()

    if "skin" in layers:
        art.skin = _draw_skin(v, ax, ylim)
    if "bones" in layers:
        art.bones, art.bone_outlines = draw_bones(v, ax, ylim=ylim)
    order = muscle_order(v, layers, tuple(m for m in muscles if m in VIEW_MUSCLES[view]))
    if highlight is not None and highlight not in order:
        order.append(highlight)
    clip = _skin_clip(v, ax)
    if "deep" in layers and "superficial" not in layers:
        # a deep plate: superficial muscles as dashed ghosts, for orientation
        for mid in muscles:
            if v.muscles[mid].layer == "superficial" and mid not in order and mid in VIEW_MUSCLES[view]:
                art.ghosts.append(_ghost(v.muscles[mid], ax))
                if clip is not None:
                    art.ghosts[-1].set_clip_path(clip)
    if view == "anterolateral" and ("superficial" in layers or "deep" in layers):
        # sartorius and rectus femoris in outline: they tell the eye where the front of the thigh is
        for cid, m in v.context.items():
            shade = {"rectus_femoris": 0.78, "sartorius": 0.9}.get(cid, 0.85)  # sartorius lies on rectus
            patch = PolygonPatch(m.outline, closed=True, facecolor=palette.lighten(CONTEXT_EDGE, shade),
                                 edgecolor=CONTEXT_EDGE, lw=0.9, zorder=4.6 + 0.01 * len(art.context),
                                 ls="-" if "superficial" in layers else (0, (4, 3)),
                                 fill="superficial" in layers)
            patch.set_gid(f"context:{cid}")
            ax.add_artist(patch)
            art.context[cid] = [patch]
            if clip is not None:
                patch.set_clip_path(clip)
    for i, mid in enumerate(order):
        z = 5 + i * 0.2 + (3 if mid == highlight else 0)
        art.muscles[mid] = _muscle_patches(v.muscles[mid], ax, zorder=z, highlight=mid == highlight,
                                           dim=highlight is not None and mid != highlight,
                                           hidden=mid in VIEW_HIDDEN[view])
        if clip is not None:  # muscles lie under the skin: never draw them past it
            for a in art.muscles[mid]:
                if a.get_clip_path() is None:
                    a.set_clip_path(clip)
    handles, texts = [], []
    if art.ghosts:
        # the swatch is the ghosts' own dashed outlines, in their own colours (a grey swatch
        # did not match the coloured outlines on the plate)
        handles.append(tuple(Line2D([], [], color=g.get_edgecolor(), lw=0.9, ls=(0, (4, 3)))
                             for g in art.ghosts[:4]))
        texts.append("dashed outline: a superficial muscle, lifted away")
    if nerves and ("deep" in layers or "superficial" in layers) and view in NERVE_VIEWS:
        n_deep = sum(1 for m in order if v.muscles[m].layer == "deep")
        art.nerves["sciatic_nerve"], solid = _draw_nerve(v, ax, layers, z_solid=5 + n_deep * 0.2 - 0.1,
                                                         z_dashed=5 + len(order) * 0.2 + 0.5)
        if clip is not None:
            for a in art.nerves["sciatic_nerve"]:
                a.set_clip_path(clip)
        if solid and labels:  # (an unlabelled thumbnail, e.g. a handout's, has no room for a key)
            handles.append(Line2D([], [], color=NERVE_FACE, lw=5, solid_capstyle="butt",
                                  path_effects=[_casing(7)]))
            texts.append("sciatic nerve")
        if labels:
            handles.append(Line2D([], [], color=NERVE_EDGE, lw=1.6, ls=(0, (3, 2))))
            texts.append("sciatic nerve (dashed: under muscle or bone)")
    if handles:
        from matplotlib.legend_handler import HandlerTuple

        key = ax.legend(handles=handles, labels=texts, loc="lower left", frameon=False,
                        fontsize=_rc("font.size") * 0.75, handlelength=2.5,
                        handler_map={tuple: HandlerTuple(ndivide=None, pad=0.0)})
        # a plain artist of the Axes, not its one legend slot: the apps draw several plates on
        # one Axes, and the next plate's ax.legend() would replace this key (a whole redraw then
        # lost it while a cached background still showed it)
        ax.legend_ = None
        ax.add_artist(key)
        key.set_gid("ghost-key" if art.ghosts else "key")
        art.key = key
        if art.ghosts:
            art.ghosts.append(key)
    if view == "anterolateral" and ("skin" in layers or landmarks):
        art.marks = _groin_crease(v, ax)
    if landmarks:
        for lid in VIEW_LANDMARKS[view]:
            x, y = v.landmarks[lid]
            if not (ylim[0] <= y <= ylim[1]):
                continue
            (pt,) = ax.plot([x], [y], "o", ms=4.5, mfc=palette.INK, mec="white", mew=0.9, zorder=15)
            pt.set_gid(f"landmark:{lid}")
            art.landmarks[lid] = pt
    if labels:
        art.labels, art.leaders = hip_labels(ax, v, order, highlight=highlight, extent=extent,
                                             landmark_ids=tuple(art.landmarks), nerves=bool(art.nerves),
                                             context=tuple(art.context), marks=bool(art.marks),
                                             key=art.key is not None, avoid=label_avoid)
    if title:
        text = title if isinstance(title, str) else _title(view, side, layers)
        art.title = ax.set_title(text)
    if credit:
        art.credit = ax.text(0.5, 0.0, "Geometry: MyoLeg (myo-sim, Apache-2.0) from Rajagopal et al. 2016, "
                             "with documented corrections. A teaching schematic.",
                             transform=ax.transAxes, ha="center", va="top", fontsize=_rc("font.size") * 0.62,
                             color="#555555")
    return art


def plate_limits(view: str, side: str, *, labels: bool = True, extent: str = "hip"):
    """(xlim, ylim) of a plate: the frame, with room for the label columns on both sides."""
    xlim = _xlim(view, side, extent)
    pad = (xlim[1] - xlim[0]) * (0.5 if labels else 0.02)
    return (xlim[0] - pad, xlim[1] + pad), EXTENTS[(view, extent)][1]


def hip_title(view: str, side: str, layers) -> str:
    """The title draw_hip gives a plate ("Right hip, from behind: superficial muscles")."""
    return _title(view, side, tuple(layers))


@dataclass
class _LiveHip:
    """What update_hip keeps per plate: each patch's style as drawn, the ghosts, the labels."""

    base: dict  # artist -> (alpha, linewidth, zorder, facecolor)
    ghosts: dict  # superficial muscle id -> dashed outline
    labels: dict  # (layers, highlight) -> [texts and leaders], most recent last


LABEL_STATES = 4  # label layouts kept per plate (each about 20 artists)


def update_hip(art: HipArtists, layers=DEFAULT_LAYERS, *, highlight: str | None = None, labels: bool = True,
               title: bool | str = True) -> HipArtists:
    """Show a plate drawn with every layer and no labels (``draw_hip(view, side, LAYERS,
    labels=False)``) as draw_hip draws ``layers`` and ``highlight``, in place: the layers'
    visibility, the highlighted muscle (lighter, thicker, on top; the others dimmed), the
    dashed outlines of lifted superficial muscles on a deep plate, the nerve and overlays, the
    frame, the title and the margin labels (laid out once per state and kept). Apps switch a
    plate's state this way instead of redrawing it."""
    layers = check_layers(layers)
    if highlight is not None:
        check_choice("highlight", highlight, MUSCLE_IDS)
    v = art.view
    ax = next(a for a in art.all() if a is not None).axes
    live = art.__dict__.get("_live")
    if live is None:
        base = {}
        for patches in art.muscles.values():
            for a in patches:
                base[a] = (a.get_alpha(), a.get_linewidth(), a.get_zorder(),
                           a.get_facecolor() if hasattr(a, "get_facecolor") else None)
        live = art.__dict__["_live"] = _LiveHip(base, {}, {})
        clip = _skin_clip(v, ax)
        for mid, m in v.muscles.items():  # made once, hidden: switching layers adds no artist
            if m.layer == "superficial" and mid in VIEW_MUSCLES[v.name]:
                live.ghosts[mid] = _ghost(m, ax)
                live.ghosts[mid].set_visible(False)
                if clip is not None:
                    live.ghosts[mid].set_clip_path(clip)
    # the frame first: the margin labels are spaced for the axes' size on screen
    xlim, ylim = plate_limits(v.name, v.side, labels=labels)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.apply_aspect()
    for a in art.skin:
        a.set_visible("skin" in layers)
    for a in [art.bones, *art.bone_outlines]:
        if a is not None:
            a.set_visible("bones" in layers)
    for mid, patches in art.muscles.items():
        shown = v.muscles[mid].layer in layers or mid == highlight
        for a in patches:
            a.set_visible(shown)
            _restyle(a, live.base[a], mid, highlight)
    ghosts = "deep" in layers and "superficial" not in layers
    for mid, p in live.ghosts.items():
        p.set_visible(ghosts and mid != highlight)
    for pt in art.landmarks.values():
        pt.set_visible(True)
    show_overlays(art, layers)
    for group in live.labels.values():
        for a in group:
            a.set_visible(False)
    if labels:
        key = (layers, highlight)
        if key not in live.labels:
            order = muscle_order(v, layers, tuple(m for m in MUSCLE_IDS if m in VIEW_MUSCLES[v.name] and m in art.muscles))
            if highlight is not None and highlight not in order:
                order.append(highlight)
            muscle_layer = bool(set(layers) & {"superficial", "deep"})
            texts, leaders = hip_labels(ax, v, order, highlight=highlight, landmark_ids=tuple(art.landmarks),
                                        nerves=bool(art.nerves) and muscle_layer,
                                        context=tuple(art.context) if muscle_layer else (),
                                        marks=bool(art.marks), key=art.key is not None and muscle_layer)
            live.labels[key] = texts + leaders
            while len(live.labels) > LABEL_STATES:
                for a in live.labels.pop(next(iter(live.labels))):
                    a.remove()
        live.labels[key] = live.labels.pop(key)  # the most recent last
        for a in live.labels[key]:
            a.set_visible(True)
    if title:
        art.title = ax.set_title(title if isinstance(title, str) else _title(v.name, v.side, layers))
    return art


def _restyle(a, base: tuple, mid: str, highlight: str | None) -> None:
    """A muscle's patch as draw_hip styles it with ``highlight`` (see _muscle_patches)."""
    alpha, lw, z, face = base
    is_body = a.get_gid() == f"muscle:{mid}"
    a.set_alpha(alpha if highlight in (None, mid) else 0.35 * (alpha if alpha is not None else 1.0))
    a.set_zorder(z + 3 if mid == highlight else z)
    if is_body:
        a.set_linewidth(2.2 if mid == highlight else lw)
        a.set_facecolor(palette.lighten(palette.MUSCLE_STYLE[mid]["color"], 0.35) if mid == highlight else face)


def hip_labels(ax: Axes, v: View, order: list[str], *, highlight: str | None = None, extent: str = "hip",
               landmark_ids=None, fontsize: float | None = None, nerves: bool | None = None,
               context: tuple[str, ...] = (), marks: bool = False, key: bool = False,
               avoid=None) -> tuple[list, list]:
    """The margin labels of a plate (muscles as painted in ``order``, their named parts, the
    iliotibial band, the landmarks), placed so they never overlap: (texts, leader lines).
    draw_hip and the AnatomyExplorer app both use it."""
    atlas = load_atlas()
    xlim = _xlim(v.name, v.side, extent)
    _, ylim = EXTENTS[(v.name, extent)]
    fontsize = _rc("font.size") * 0.92 if fontsize is None else fontsize
    if landmark_ids is None:
        landmark_ids = tuple(l for l in VIEW_LANDMARKS[v.name] if ylim[0] <= v.landmarks[l][1] <= ylim[1])
    labs = []
    for mid in order:
        style = palette.MUSCLE_STYLE[mid]
        anchor, area = visible_anchor(v, order, mid, frame=(*xlim, ylim[0] + 1, ylim[1] - 1), avoid=avoid)
        if mid != highlight and (area < MIN_LABEL_AREA_CM2 or mid in VIEW_UNLABELLED[v.name]):
            continue  # barely visible in this view: a label would point at a sliver
        part_labels = _part_labels(v, order, mid, atlas.display_names[mid], style) if area > 25 else []
        if part_labels:  # gluteus minimus: its anterior and posterior fibres refer pain differently
            labs += part_labels
            continue
        hidden = mid in VIEW_HIDDEN[v.name]
        labs.append(Label(mid, atlas.display_names[mid] + (" (medial)" if hidden else ""), anchor,
                          color=palette.darken(style["color"], 0.35), weight="normal" if hidden else "bold"))
    if "tensor_fasciae_latae" in order and "iliotibial_band" in v.muscles["tensor_fasciae_latae"].parts:
        anchor = _band_anchor(v, xlim, ylim)
        if anchor is not None:
            labs.append(Label("iliotibial_band", "iliotibial band", anchor,
                              color=palette.darken(palette.MUSCLE_STYLE["tensor_fasciae_latae"]["color"], 0.35)))
    if nerves is None:
        nerves = bool(order) and v.name in NERVE_VIEWS
    if nerves:
        # from behind the muscle labels crowd the hip's side: the nerve takes the midline side
        toward_midline = other_side(v.side) if v.name == "posterior" else None
        labs.append(Label("sciatic_nerve", atlas.names["sciatic_nerve"], _nerve_anchor(v, ylim),
                          color=NERVE_EDGE, weight="bold", side=toward_midline))
    for i, cid in enumerate(context):
        m = v.context[cid]
        cover = [v.context[c].outline for c in context[i + 1:]] + [v.muscles[o].drawn_outline for o in order]
        labs.append(Label(cid, m.name, _context_anchor(m, ylim, cover, xlim), color=CONTEXT_EDGE))
    if marks:
        c = groin_crease(v.side)
        labs.append(Label("groin_crease", "groin crease", tuple(c[len(c) // 2])))
    # a landmark's leader crosses neither the drawn nerve nor another landmark's dot (review of
    # issue 9: from behind, the ischial tuberosity's leader crossed the nerve and grazed the
    # greater trochanter)
    from shapely.geometry import LineString, Point
    from shapely.ops import unary_union

    nerve = LineString(v.nerve("sciatic_nerve").path).buffer(NERVE_KEEP_OFF_CM) if nerves else None
    for lid in landmark_ids:
        dots = [Point(v.landmarks[o]).buffer(LANDMARK_KEEP_OFF_CM) for o in landmark_ids if o != lid]
        keep_off = unary_union([g for g in (nerve, *dots) if g is not None]) if (dots or nerve) else None
        labs.append(Label(lid, atlas.landmark_names[lid], tuple(v.landmarks[lid]), keep_off=keep_off))
    width = xlim[1] - xlim[0]
    return place_labels(ax, labs, margin_x=(xlim[0] - width * 0.04, xlim[1] + width * 0.04),
                        y_range=(ylim[0] + 2 + (0.09 * (ylim[1] - ylim[0]) if key else 0.0), ylim[1] - 2),
                        fontsize=fontsize, avoid=avoid)


def _nerve_anchor(v: View, ylim) -> tuple[float, float]:
    """Where the nerve's label points: its course a third of the way down the thigh."""
    path = v.nerve("sciatic_nerve").path
    y = ylim[0] + 0.45 * (ylim[1] - ylim[0])
    i = int(np.argmin(np.abs(path[:, 1] - y)))
    return float(path[i, 0]), float(path[i, 1])


def _context_anchor(m, ylim, cover=(), xlim=None) -> tuple[float, float]:
    """Where an orientation muscle's label points: inside the largest part of it that nothing
    drawn later covers (within the frame), else on its centre line low in the frame."""
    from shapely.geometry import LineString, Polygon, box
    from shapely.ops import polylabel, unary_union

    if xlim is not None:
        seen = Polygon(m.outline).buffer(0).intersection(box(xlim[0], ylim[0] + 2, xlim[1], ylim[1] - 2))
        if cover:
            seen = seen.difference(unary_union([Polygon(c).buffer(0) for c in cover]))
        if seen.geom_type == "MultiPolygon":
            seen = max(seen.geoms, key=lambda g: g.area)
        if not seen.is_empty and seen.area > 2.0:
            p = polylabel(seen, tolerance=0.1)
            return float(p.x), float(p.y)
    line = LineString(m.fibres[0])
    y = ylim[0] + {"sartorius": 0.16, "rectus_femoris": 0.42}.get(m.id, 0.3) * (ylim[1] - ylim[0])  # apart
    hit = line.intersection(LineString([(line.bounds[0] - 1, y), (line.bounds[2] + 1, y)]))
    p = hit.centroid if not hit.is_empty else line.interpolate(0.5, normalized=True)
    return float(p.x), float(p.y)


LABELLED_PARTS = {"gluteus_minimus": ("anterior", "posterior")}


def _part_labels(v: View, order: list[str], mid: str, name: str, style: dict) -> list[Label]:
    """One label per named part (e.g. the anterior and posterior fibres of gluteus minimus)
    where each part shows enough of itself."""
    from shapely.geometry import Polygon
    from shapely.ops import polylabel, unary_union

    parts = [p for p in LABELLED_PARTS.get(mid, ()) if p in v.muscles[mid].parts]
    if not parts:
        return []
    above = [Polygon(v.muscles[o].outline).buffer(0) for o in order[order.index(mid) + 1:]]
    cover = unary_union(above) if above else None
    out = []
    for part in parts:
        g = Polygon(v.muscles[mid].parts[part]).buffer(0)
        if cover is not None:
            g = g.difference(cover)
        if g.geom_type == "MultiPolygon":
            g = max(g.geoms, key=lambda x: x.area)
        if g.is_empty or g.area < MIN_LABEL_AREA_CM2:
            return []
        p = polylabel(g, tolerance=0.1)
        out.append(Label(f"{mid}:{part}", f"{name}, {part}", (float(p.x), float(p.y)),
                         color=palette.darken(style["color"], 0.35), weight="bold"))
    return out


def _band_anchor(v: View, xlim, ylim):
    """A point on the visible iliotibial band, about a third of the way down the thigh."""
    from shapely.geometry import Polygon, box

    band = Polygon(v.muscles["tensor_fasciae_latae"].parts["iliotibial_band"]).buffer(0)
    band = band.intersection(box(xlim[0], ylim[0] + 2, xlim[1], ylim[1] - 2))
    if band.is_empty or band.area < MIN_LABEL_AREA_CM2:
        return None
    y0, y1 = band.bounds[1], band.bounds[3]
    y = y1 - 0.45 * (y1 - y0)
    cut = band.intersection(box(band.bounds[0] - 1, y - 0.5, band.bounds[2] + 1, y + 0.5))
    if cut.is_empty:
        return None
    c = cut.centroid
    return float(c.x), float(c.y)


NERVE_VIEWS = ("posterior", "lateral")  # from the front corner the nerve lies behind the femur


def _casing(width: float):
    from matplotlib import patheffects

    return patheffects.withStroke(linewidth=width, foreground=NERVE_EDGE)


def _draw_nerve(v: View, ax: Axes, layers, *, z_solid: float, z_dashed: float) -> tuple[list, bool]:
    """The sciatic nerve: a yellow band with a dark casing where the deep layer shows it (from
    behind), and a dashed line on top where muscle covers it (every superficial plate, and the
    side view, where it runs behind the femur); the part inside the pelvis is always dashed."""
    n = v.nerve("sciatic_nerve")
    out = []
    solid = v.name == "posterior" and "deep" in layers
    # line widths in points from the nerve's width in cm
    pts_per_cm = points_per_cm(ax)
    lw = max(2.0, n.width * pts_per_cm)
    lines = [("trunk", n.path, lw)] + [(b, c, lw * 0.6) for b, c in n.branches.items()]
    if solid:
        for name, c, w in lines:
            (ln,) = ax.plot(c[:, 0], c[:, 1], color=NERVE_FACE, lw=w, solid_capstyle="round", zorder=z_solid,
                            path_effects=[_casing(w + 1.6)])
            ln.set_gid(f"nerve:sciatic_nerve:{name}")
            out.append(ln)
    if not solid or "superficial" in layers:
        for name, c, w in lines:
            (ln,) = ax.plot(c[:, 0], c[:, 1], color=NERVE_EDGE, lw=1.6, ls=(0, (3, 2)), zorder=z_dashed)
            ln.set_gid(f"nerve:sciatic_nerve:{name}:hidden")
            out.append(ln)
    c = n.pelvic_path
    (ln,) = ax.plot(c[:, 0], c[:, 1], color=NERVE_EDGE, lw=1.6, ls=(0, (3, 2)), zorder=z_dashed)
    ln.set_gid("nerve:sciatic_nerve:pelvic:hidden")
    out.append(ln)
    return out, solid


def groin_crease(side: str = "right") -> np.ndarray:
    """The groin crease in the front-corner view: a gentle curve on the skin from below and in
    front of the ASIS down and in toward the pubic tubercle (cm, anterolateral 2D frame)."""
    l3 = load_atlas().landmarks_3d(side)
    a = l3["asis"] + on_side(np.array([-1.0, 2.5, -4.0]), side)  # on the skin, just below and inside the ASIS
    b = l3["pubic_tubercle"] + on_side(np.array([1.5, 2.5, -2.0]), side)
    mid = (a + b) / 2 + np.array([0.0, 1.0, -1.5])  # the crease sags a little
    t = np.linspace(0, 1, 20)[:, None]
    curve = (1 - t) ** 2 * a + 2 * t * (1 - t) * mid + t ** 2 * b
    return project(curve, "anterolateral", side)


def _groin_crease(v: View, ax: Axes) -> list:
    c = groin_crease(v.side)
    (ln,) = ax.plot(c[:, 0], c[:, 1], color=palette.SKIN_EDGE, lw=1.6, zorder=14, solid_capstyle="round")
    ln.set_gid("mark:groin_crease")
    return [ln]


def _title(view: str, side: str, layers: tuple[str, ...]) -> str:
    depth = " + ".join(l for l in ("superficial", "deep") if l in layers)
    return f"{side.capitalize()} hip, {VIEW_PHRASES[view]}" + (f": {depth} muscles" if depth else "")


def _rc(key: str) -> float:
    import matplotlib as mpl

    return float(mpl.rcParams[key])


def _draw_skin(v: View, ax: Axes, ylim) -> list:
    """The body outline behind everything (from hipball.bodychart where the view has one)."""
    try:
        from hipball.bodychart import skin_outline
    except ImportError:  # the body chart module is not there yet
        return []
    try:
        ring = skin_outline(v.name, v.side)
    except ValueError:
        return []
    patch = PolygonPatch(ring, closed=True, facecolor=palette.SKIN_FACE, edgecolor=palette.SKIN_EDGE,
                         lw=1.2, zorder=1)
    patch.set_gid("skin")
    ax.add_artist(patch)
    return [patch]


