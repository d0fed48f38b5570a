"""AnatomyExplorer: the hip plates, layer by layer, from three sides.

In place: each (view, side) is drawn once with every layer and no labels (``draw_hip``) into
its own group of artists; the controls switch groups by visibility and ``update_hip`` (the
drawing layer's own update) shows a group's layers, highlighted muscle and labels as draw_hip
draws them. While the student looks, the other views are pre-drawn (``App.idle_step``).
"""

from __future__ import annotations

import ipywidgets as widgets

from hipball._choices import check_choice
from hipball.apps.base import App, esc, fit_layout
from hipball.atlas import LAYERS, MUSCLE_IDS, load_atlas
from hipball.draw.anatomy import check_layers, draw_hip, update_hip
from hipball.frame import VIEWS, check_side, check_view, side_options, view_options

LAYER_NAMES = {"skin": "Skin", "bones": "Bones", "superficial": "Superficial muscles", "deep": "Deep muscles"}


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
        self.groups: dict = {}  # (view, side) -> HipArtists, drawn with every layer
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

    def idle_states(self) -> list:
        view, side, *rest = self.static_key()
        return [(v, side, *rest) for v in VIEWS if v != view]

    def _group(self, view: str, side: str):
        if (view, side) not in self.groups:
            art = draw_hip(view, side, layers=LAYERS, labels=False, ax=self.ax, title=False, credit=not self.groups)
            for a in art.all():
                a.set_visible(False)
            self.groups[(view, side)] = art
        return self.groups[(view, side)]

    # ------------------------------------------------------------------ update
    def show_static(self, state) -> None:
        view, side, layers, labels, hl = state
        hl = None if hl == "none" else hl
        art = self._group(view, side)
        if self._shown is not None and self._shown != (view, side):
            old = self.groups[self._shown]
            update_hip(old, (), labels=False, title=False)  # hides its labels and ghosts too
            for a in old.all():
                a.set_visible(False)
        update_hip(art, layers, highlight=hl, labels=labels)
        self._shown = (view, side)

    def update(self) -> None:
        view, side, layers, labels, hl = self.static_key()
        self.show_static((view, side, layers, labels, hl))
        art = self.groups[(view, side)]
        hl = None if hl == "none" else hl
        shown = [load_atlas().display_names[m] for m in art.muscles if art.view.muscles[m].layer in layers or m == hl]
        self.caption.value = ("<span style='font-size:90%'>Muscles shown: " + esc(", ".join(shown) or "none")
                              + ". Deep muscles are hidden under superficial ones, as in a dissection.</span>")
