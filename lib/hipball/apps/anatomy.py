"""AnatomyExplorer: the hip plates, layer by layer, from three sides.

In place: each (view, side) is drawn once with every layer (``draw_hip``) into its own group
of artists; the controls only switch visibility (layers, view, side), restyle the highlighted
muscle (colour, line width, z-order, the others dimmed) and switch between label groups. A
label group is laid out once per (view, side, layers, highlight), kept in a small LRU, and
drawn as plain text with leader lines (cheaper to draw than annotations).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import ipywidgets as widgets
import matplotlib as mpl
from matplotlib.patches import Polygon as PolygonPatch

from hipball._choices import check_choice
from hipball.apps.base import App, esc, fit_layout
from hipball.atlas import LAYERS, MUSCLE_IDS, load_atlas
from hipball.draw import palette
from hipball.draw.anatomy import EXTENTS, VIEW_MUSCLES, check_layers, draw_hip, hip_labels, muscle_order, show_overlays
from hipball.frame import VIEW_PHRASES, check_side, check_view, extent_on_side, side_options, view_options

LAYER_NAMES = {"skin": "Skin", "bones": "Bones", "superficial": "Superficial muscles", "deep": "Deep muscles"}
LABEL_GROUPS = 12  # label layouts kept (each about 20 artists)


def plate_frame(view: str, side: str, labels: bool = True):
    """(xlim, ylim) of a hip plate in the app, with room for the label columns: 0.6 of the
    plate's width on each side, wider than draw_hip's 0.5 (not the same frame; issue 13
    section 1 gives the apps draw's own update_hip instead)."""
    xlim, ylim = EXTENTS[(view, "hip")]
    x0, x1 = extent_on_side(xlim, side)
    pad = (x1 - x0) * (0.6 if labels else 0.02)
    return (x0 - pad, x1 + pad), ylim


def plate_title(view: str, side: str, layers) -> str:
    depth = " + ".join(layer for layer in ("superficial", "deep") if layer in layers)
    return f"{side.capitalize()} hip, {VIEW_PHRASES[view]}" + (f": {depth} muscles" if depth else "")


@dataclass
class PlateGroup:
    """One view and side drawn with every layer; visibility and style switch in place."""

    view: str
    side: str
    art: object  # HipArtists
    layer_of: dict  # muscle id -> layer
    ghosts: dict = field(default_factory=dict)  # superficial muscle id -> dashed outline
    base: dict = field(default_factory=dict)  # artist -> (alpha, linewidth, zorder, facecolor)

    def artists(self) -> list:
        return self.art.all() + list(self.ghosts.values())


def draw_plate_group(ax, view: str, side: str, *, credit: bool) -> PlateGroup:
    art = draw_hip(view, side, layers=LAYERS, labels=False, ax=ax, title=False, credit=credit)
    v = load_atlas().view(view, side)
    g = PlateGroup(view, side, art, {m: v.muscles[m].layer for m in art.muscles})
    for mid, m in v.muscles.items():
        if m.layer == "superficial":
            edge = palette.darken(palette.MUSCLE_STYLE[mid]["color"], 0.2)
            p = PolygonPatch(m.outline, closed=True, facecolor="none", edgecolor=edge, lw=0.9, ls=(0, (4, 3)),
                             alpha=0.8, zorder=4, visible=False)
            p.set_gid(f"ghost:{mid}")
            ax.add_patch(p)
            g.ghosts[mid] = p
    for patches in art.muscles.values():
        for a in patches:
            face = a.get_facecolor() if hasattr(a, "get_facecolor") else None
            g.base[a] = (a.get_alpha(), a.get_linewidth(), a.get_zorder(), face)
    return g


def label_group(ax, view: str, side: str, layers: tuple, highlight: str | None, fontsize: float) -> list:
    """Margin labels for one state of the plate, exactly as draw_hip places them (one code
    path: hipball.draw.anatomy.hip_labels)."""
    v = load_atlas().view(view, side)
    order = muscle_order(v, layers, tuple(m for m in MUSCLE_IDS if m in VIEW_MUSCLES[view]))
    if highlight is not None and highlight not in order:
        order.append(highlight)
    texts, leaders = hip_labels(ax, v, order, highlight=highlight, fontsize=fontsize)
    return texts + leaders


class AnatomyExplorer(App):
    """The hip from behind, from the side or from the front corner; switch layers (skin,
    bones, superficial and deep muscles), labels and a highlighted muscle."""

    figsize = (7.8, 6.6)

    def __init__(self, view: str = "posterior", side: str = "right", layers=("skin", "bones", "superficial"),
                 labels: bool = True, highlight: str | None = None, *, render: str = "auto",
                 figsize: tuple[float, float] | None = None):
        check_view(view)
        check_side(side)
        self._start = dict(view=view, side=side, layers=check_layers(layers), labels=bool(labels),
                           highlight="none" if highlight in (None, "none") else check_choice("highlight", highlight, MUSCLE_IDS))
        super().__init__(render=render, figsize=figsize)

    # ------------------------------------------------------------------ build
    def build(self) -> None:
        s = self._start
        names = load_atlas().display_names
        self.view = widgets.ToggleButtons(options=view_options(), value=s["view"],
                                          description="View", style={"button_width": "auto", "description_width": "56px"})
        self.side = widgets.ToggleButtons(options=side_options(), value=s["side"],
                                          description="Side", style={"button_width": "auto", "description_width": "56px"})
        self.layer_boxes = {layer: widgets.Checkbox(value=layer in s["layers"], description=LAYER_NAMES[layer],
                                                    indent=False, layout=widgets.Layout(width="auto"))
                            for layer in ("skin", "bones", "superficial", "deep")}
        self.labels = widgets.Checkbox(value=s["labels"], description="Labels", indent=False,
                                       layout=widgets.Layout(width="auto"))
        self.highlight = widgets.Dropdown(options=[("none", "none")] + [(names[m], m) for m in MUSCLE_IDS],
                                          value=s["highlight"], description="Highlight",
                                          style={"description_width": "72px"}, layout=widgets.Layout(width="100%"))
        for w in [self.view, self.side, self.labels, self.highlight, *self.layer_boxes.values()]:
            self.observe(w, self.refresh)
        self.ax = self.fig.add_axes((0.0, 0.035, 1.0, 0.9))
        self.groups: dict[tuple[str, str], PlateGroup] = {}
        self.label_groups: OrderedDict = OrderedDict()
        self._fontsize = float(mpl.rcParams["font.size"]) * 0.92
        self._shown: tuple | None = None
        self._group(s["view"], s["side"])
        self.caption = widgets.HTML()

    def layout(self) -> widgets.Widget:
        layers = widgets.Box([widgets.HTML("<b>Layers</b>&nbsp;"), *self.layer_boxes.values(), self.labels],
                             layout=widgets.Layout(flex_flow="row wrap"))
        return fit_layout([self.view, self.side, layers, self.highlight, self.error], [self.figure_widget, self.caption],
                          figure_width_px=self.figure_width_px())

    # ------------------------------------------------------------------ state
    def layers(self) -> tuple[str, ...]:
        return tuple(layer for layer, box in self.layer_boxes.items() if box.value)

    def static_key(self) -> tuple:
        return (self.view.value, self.side.value, self.layers(), self.labels.value, self.highlight.value)

    def _group(self, view: str, side: str) -> PlateGroup:
        if (view, side) not in self.groups:
            self.groups[(view, side)] = draw_plate_group(self.ax, view, side, credit=not self.groups)
            for a in self.groups[(view, side)].artists():
                a.set_visible(False)
        return self.groups[(view, side)]

    def _labels(self, key: tuple) -> list:
        if key not in self.label_groups:
            self.label_groups[key] = label_group(self.ax, *key, self._fontsize)
            while len(self.label_groups) > LABEL_GROUPS:
                _, old = self.label_groups.popitem(last=False)
                for a in old:
                    a.remove()
        self.label_groups.move_to_end(key)
        return self.label_groups[key]

    # ------------------------------------------------------------------ update
    def update(self) -> None:
        view, side, layers = self.view.value, self.side.value, self.layers()
        hl = None if self.highlight.value == "none" else self.highlight.value
        g = self._group(view, side)
        # the frame first: the margin labels are spaced for the axes' current size on screen
        # (limits and equal aspect applied), else they depend on the view shown before
        xlim, ylim = plate_frame(view, side, labels=True)
        self.ax.set_xlim(*xlim)
        self.ax.set_ylim(*ylim)
        self.ax.apply_aspect()
        if self._shown is not None and self._shown[:2] != (view, side):
            for a in self.groups[self._shown[:2]].artists():
                a.set_visible(False)
        art = g.art
        for a in art.skin:
            a.set_visible("skin" in layers)
        for a in [art.bones, *art.bone_outlines]:
            if a is not None:
                a.set_visible("bones" in layers)
        for mid, patches in art.muscles.items():
            shown = g.layer_of[mid] in layers or mid == hl
            for a in patches:
                a.set_visible(shown)
                self._style(g, a, mid, hl)
        ghosts = "deep" in layers and "superficial" not in layers
        for mid, p in g.ghosts.items():
            p.set_visible(ghosts and mid != hl)
        for pt in art.landmarks.values():
            pt.set_visible(True)
        show_overlays(art, layers)  # the sciatic nerve, orientation outlines, groin crease, key
        for key, group in self.label_groups.items():
            for a in group:
                a.set_visible(False)
        if self.labels.value:
            for a in self._labels((view, side, layers, hl)):
                a.set_visible(True)
        self.ax.set_title(plate_title(view, side, layers))
        self._shown = (view, side)
        shown = [load_atlas().display_names[m] for m in art.muscles if g.layer_of[m] in layers or m == hl]
        self.caption.value = ("<span style='font-size:90%'>Muscles shown: " + esc(", ".join(shown) or "none")
                              + ". Deep muscles are hidden under superficial ones, as in a dissection.</span>")

    @staticmethod
    def _style(g: PlateGroup, a, mid: str, hl: str | None) -> None:
        alpha, lw, z, face = g.base[a]
        is_body = a.get_gid() == f"muscle:{mid}"
        if hl is None:
            a.set_alpha(alpha)
            a.set_zorder(z)
            if is_body:
                a.set_linewidth(lw)
                a.set_facecolor(face)
        elif mid == hl:
            a.set_alpha(alpha)
            a.set_zorder(z + 3)
            if is_body:
                a.set_linewidth(2.2)
                a.set_facecolor(palette.lighten(palette.MUSCLE_STYLE[mid]["color"], 0.35))
        else:
            a.set_alpha(0.35 * (alpha if alpha is not None else 1.0))
            a.set_zorder(z)
            if is_body:
                a.set_linewidth(lw)
                a.set_facecolor(face)
