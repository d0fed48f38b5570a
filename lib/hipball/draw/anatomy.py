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
from hipball.atlas import LAYERS, MUSCLE_IDS, SIDES, VIEWS, View, load_atlas
from hipball.draw import palette
from hipball.draw.labels import Label, place_labels

DEFAULT_LAYERS = ("skin", "bones", "superficial")
# plate frames per view, in cm (x range, y range): the hip and the thigh down to the knee
EXTENTS = {
    ("posterior", "hip"): ((-21.0, 23.0), (40.0, 113.0)),
    ("lateral", "hip"): ((-19.0, 19.0), (40.0, 109.0)),
    ("anterolateral", "hip"): ((-20.0, 19.0), (55.0, 109.0)),
    ("posterior", "leg"): ((-21.0, 23.0), (0.0, 113.0)),
    ("lateral", "leg"): ((-19.0, 19.0), (0.0, 109.0)),
    ("anterolateral", "leg"): ((-20.0, 19.0), (0.0, 109.0)),
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
# landmarks that can be seen (or felt) from each view; hidden ones would only confuse
VIEW_LANDMARKS = {
    "posterior": ("iliac_crest", "psis", "sacrum", "coccyx", "greater_trochanter", "ischial_tuberosity",
                  "lateral_knee_joint_line"),
    "lateral": ("iliac_crest", "asis", "psis", "greater_trochanter", "ischial_tuberosity", "lateral_knee_joint_line"),
    "anterolateral": ("iliac_crest", "asis", "greater_trochanter", "lateral_knee_joint_line"),
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
    title: object = None
    credit: object = None

    def all(self) -> list:
        out = list(self.skin) + ([self.bones] if self.bones is not None else []) + list(self.bone_outlines)
        for patches in self.muscles.values():
            out += patches
        return out + list(self.landmarks.values()) + list(self.labels) + list(self.leaders)


def check_layers(layers) -> tuple[str, ...]:
    if isinstance(layers, str):
        layers = (layers,)
    layers = tuple(layers)
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
    (x0, x1), _ = EXTENTS[(view, extent)]
    return (x0, x1) if side == "right" else (-x1, -x0)


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


def _muscle_patches(m, ax: Axes, *, zorder: float, highlight: bool, dim: bool) -> list:
    style = palette.MUSCLE_STYLE[m.id]
    edge = palette.darken(style["color"], 0.25)
    face = palette.lighten(style["color"], 0.35 if highlight else 0.55)
    alpha = 0.35 if dim else 1.0
    patches = []
    body = PolygonPatch(m.outline, closed=True, facecolor=face, edgecolor=edge, lw=2.2 if highlight else 1.0,
                        hatch=style["hatch"], zorder=zorder, alpha=alpha, joinstyle="round")
    body.set_gid(f"muscle:{m.id}")
    ax.add_patch(body)
    patches.append(body)
    for part, coords in m.parts.items():
        if part == "iliotibial_band":
            p = PolygonPatch(coords, closed=True, facecolor=palette.ITB_FACE, edgecolor=edge, lw=0.8,
                             hatch="||", zorder=zorder - 0.05, alpha=alpha)
        else:
            p = PolygonPatch(coords, closed=True, facecolor="none", edgecolor=edge, lw=0.9, ls=(0, (3, 2)),
                             hatch=palette.PART_HATCH.get(part, ""), zorder=zorder + 0.01, alpha=alpha)
        p.set_gid(f"muscle:{m.id}:{part}")
        ax.add_patch(p)
        patches.append(p)
    # fibre direction from the model's lines of action, clipped to the muscle
    for f in m.fibres:
        (ln,) = ax.plot(f[:, 0], f[:, 1], color=edge, lw=0.6, alpha=0.55 * alpha, zorder=zorder + 0.02)
        ln.set_clip_path(body)
        patches.append(ln)
    return patches


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
    ax.add_patch(p)
    return p


def muscle_order(v: View, layers: tuple[str, ...], muscles: tuple[str, ...]) -> list[str]:
    """Painter's order: deep layer first, then superficial; within a layer far to near."""
    rank = {"deep": 0, "superficial": 1}
    chosen = [m for m in muscles if v.muscles[m].layer in layers]
    return sorted(chosen, key=lambda m: (rank[v.muscles[m].layer], v.muscles[m].depth, m))


def visible_anchor(v: View, order: list[str], mid: str, frame=None):
    """A point well inside the visible part of a muscle (pole of inaccessibility), and the
    visible area in cm2; ``frame`` = (x0, x1, y0, y1) clips to the plate."""
    from shapely.geometry import Polygon, box
    from shapely.ops import polylabel, unary_union

    shape = Polygon(v.muscles[mid].outline)
    if frame is not None:
        shape = shape.intersection(box(frame[0], frame[2], frame[1], frame[3]))
        if shape.is_empty:
            return (float("nan"), float("nan")), 0.0
    above = [Polygon(v.muscles[o].outline) for o in order[order.index(mid) + 1:]]
    vis = shape.difference(unary_union(above)) if above else shape
    area = float(vis.area)
    if vis.is_empty or vis.area < 0.5:
        vis = shape
    if vis.is_empty:
        return (float("nan"), float("nan")), 0.0
    if vis.geom_type == "MultiPolygon":
        vis = max(vis.geoms, key=lambda g: g.area)
    p = polylabel(vis, tolerance=0.1)
    return (float(p.x), float(p.y)), area


def draw_hip(view: str = "posterior", side: str = "right", layers=DEFAULT_LAYERS, labels: bool = True, ax: Axes | None = None,
             *, muscles=None, highlight: str | None = None, extent: str = "hip", landmarks: bool = True,
             title: bool | str = True, credit: bool = True) -> HipArtists:
    """Draw one hip plate and return its artists.

    view: posterior | lateral | anterolateral; side: right | left;
    layers: any of skin, superficial, deep, bones (skin: the body outline from the body
    chart's widths and depths, hipball.bodychart); muscles: ids to draw
    (default all ten; each view draws only those it can show, see VIEW_MUSCLES);
    highlight: a muscle id drawn emphasised (others dimmed); extent: hip | leg.
    """
    check_choice("view", view, VIEWS)
    check_choice("side", side, SIDES)
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
    xlim = _xlim(view, side, extent)
    _, ylim = EXTENTS[(view, extent)]
    # room for the label columns on both sides
    width = xlim[1] - xlim[0]
    pad = width * (0.5 if labels else 0.02)
    ax.set_xlim(xlim[0] - pad, xlim[1] + pad)
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
    for i, mid in enumerate(order):
        z = 5 + i * 0.2 + (3 if mid == highlight else 0)
        art.muscles[mid] = _muscle_patches(v.muscles[mid], ax, zorder=z, highlight=mid == highlight,
                                           dim=highlight is not None and mid != highlight)
        if clip is not None:  # muscles lie under the skin: never draw them past it
            for a in art.muscles[mid]:
                if a.get_clip_path() is None:
                    a.set_clip_path(clip)
    if art.ghosts:
        from matplotlib.lines import Line2D

        key = ax.legend(handles=[Line2D([], [], color="#777777", lw=0.9, ls=(0, (4, 3)),
                                        label="dashed outline: a superficial muscle, lifted away")],
                        loc="lower left", frameon=False, fontsize=_rc("font.size") * 0.75, handlelength=2.5)
        key.set_gid("ghost-key")
        art.ghosts.append(key)
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
                                             landmark_ids=tuple(art.landmarks))
    if title:
        text = title if isinstance(title, str) else _title(view, side, layers)
        art.title = ax.set_title(text)
    if credit:
        art.credit = ax.text(0.5, 0.0, "Geometry: MyoLeg (myo-sim, Apache-2.0) from Rajagopal et al. 2016, "
                             "with documented corrections. A teaching schematic.",
                             transform=ax.transAxes, ha="center", va="top", fontsize=_rc("font.size") * 0.62,
                             color="#555555")
    return art


def hip_labels(ax: Axes, v: View, order: list[str], *, highlight: str | None = None, extent: str = "hip",
               landmark_ids=None, fontsize: float | None = None) -> tuple[list, list]:
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
        anchor, area = visible_anchor(v, order, mid, frame=(*xlim, ylim[0] + 1, ylim[1] - 1))
        if area < MIN_LABEL_AREA_CM2 and mid != highlight:
            continue  # barely visible in this view: a label would point at a sliver
        part_labels = _part_labels(v, order, mid, atlas.display_names[mid], style) if area > 25 else []
        if part_labels:  # gluteus minimus: its anterior and posterior fibres refer pain differently
            labs += part_labels
            continue
        labs.append(Label(mid, atlas.display_names[mid], anchor, color=palette.darken(style["color"], 0.35),
                          weight="bold"))
    if "tensor_fasciae_latae" in order and "iliotibial_band" in v.muscles["tensor_fasciae_latae"].parts:
        anchor = _band_anchor(v, xlim, ylim)
        if anchor is not None:
            labs.append(Label("iliotibial_band", "iliotibial band", anchor,
                              color=palette.darken(palette.MUSCLE_STYLE["tensor_fasciae_latae"]["color"], 0.35)))
    for lid in landmark_ids:
        labs.append(Label(lid, atlas.landmark_names[lid], tuple(v.landmarks[lid])))
    width = xlim[1] - xlim[0]
    return place_labels(ax, labs, margin_x=(xlim[0] - width * 0.04, xlim[1] + width * 0.04),
                        y_range=(ylim[0] + 2, ylim[1] - 2), fontsize=fontsize)


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


def _title(view: str, side: str, layers: tuple[str, ...]) -> str:
    names = {"posterior": "from behind", "lateral": "from the side",
             "anterolateral": "the front corner (from in front and to the side)"}
    depth = " + ".join(l for l in ("superficial", "deep") if l in layers)
    return f"{side.capitalize()} hip, {names[view]}" + (f": {depth} muscles" if depth else "")


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
    ax.add_patch(patch)
    return [patch]


