"""SpokeDesigner: place the hub, choose the spokes, see the working order.

In place: the plate of each (view, side) is drawn once (the cached background). The spokes are
a pool of arrows, numbers and one hub marker made once by ``draw_spokes`` (as many as the most
spokes allowed); a new pattern moves them (``set_positions``, ``set_position``, ``set_data``)
and hides the unused ones. Only that pool is redrawn (blitted) when a spoke control changes.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from hipball import referral
from hipball.apps.base import App, esc, fit_layout, labelled
from hipball.draw.anatomy import draw_hip, hip_title, plate_limits
from hipball.draw.technique import draw_spokes, update_spokes
from hipball.frame import VIEWS, check_side, check_view, side_options, view_options
from hipball.spokes import LENGTH_RANGE, SPOKES_RANGE, SWEEP_RANGE, spoke_pattern

POINT = "point"


def direction_words(angle_deg: float, view: str, side: str) -> str:
    """Plain words for a spoke's direction on a plate (0 = the viewer's right, 90 = up)."""
    right = {("posterior", "right"): "out to the side", ("posterior", "left"): "in toward the spine",
             ("lateral", "right"): "to the front", ("lateral", "left"): "to the back",
             ("anterolateral", "right"): "to the front", ("anterolateral", "left"): "to the back"}[(view, side)]
    left = {"out to the side": "in toward the spine", "in toward the spine": "out to the side",
            "to the front": "to the back", "to the back": "to the front"}[right]
    a = np.radians(angle_deg)
    dx, dy = np.cos(a), np.sin(a)
    vertical = "up toward the waist" if dy > 0.38 else "down toward the knee" if dy < -0.38 else ""
    horizontal = right if dx > 0.38 else left if dx < -0.38 else ""
    return " and ".join(w for w in (vertical, horizontal) if w) or "straight"


class SpokeDesigner(App):
    """Design the spoke pattern: hub (a trigger point, or click on the plate), number of spokes,
    length, sweep and rotation, on any view and side; the numbers give the working order."""

    figsize = (7.8, 6.6)

    def __init__(self, hub: str | None = None, spokes: int = 8, length_cm: float = 6.0, sweep_deg: float = 360.0,
                 rotation_deg: float = 0.0, view: str = "posterior", side: str = "right", *, render: str = "auto",
                 figsize: tuple[float, float] | None = None):
        check_view(view)
        check_side(side)
        spoke_pattern(hub, spokes, length_cm, sweep_deg, rotation_deg, side, view=view)  # validate up front
        self._start = dict(hub=hub or "default", spokes=spokes, length=length_cm, sweep=sweep_deg,
                           rotation=rotation_deg, view=view, side=side)
        self.pattern = None
        self.hub_point: tuple[float, float] | None = None
        super().__init__(render=render, figsize=figsize)

    def build(self) -> None:
        s = self._start
        self.view = widgets.ToggleButtons(options=view_options(), value=s["view"],
                                          description="View", style={"button_width": "auto", "description_width": "56px"})
        self.side = widgets.ToggleButtons(options=side_options(), value=s["side"],
                                          description="Side", style={"button_width": "auto", "description_width": "56px"})
        # the label above the list, so the list has the column's whole width: every option's
        # text shows in full (issue 10.5: it was cut at the projector and the tablet)
        self.hub = widgets.Dropdown(options=self._hub_options(s["view"], s["side"]), value=s["hub"],
                                    layout=widgets.Layout(width="100%"))
        slider = dict(continuous_update=False, style={"description_width": "90px"}, layout=widgets.Layout(width="100%"))
        self.spokes = widgets.IntSlider(value=s["spokes"], min=SPOKES_RANGE[0], max=SPOKES_RANGE[1], description="Spokes",
                                        **slider)
        self.length = widgets.FloatSlider(value=s["length"], min=LENGTH_RANGE[0], max=LENGTH_RANGE[1], step=0.5,
                                          description="Length (cm)", **slider)
        self.sweep = widgets.FloatSlider(value=s["sweep"], min=SWEEP_RANGE[0], max=SWEEP_RANGE[1], step=5,
                                         description="Sweep (°)", **slider)
        self.rotation = widgets.FloatSlider(value=s["rotation"], min=-180, max=180, step=5, description="Rotation (°)",
                                            **slider)
        self.order = widgets.HTML(layout=widgets.Layout(width="auto"))
        self.observe(self.view, self._on_plate)
        self.observe(self.side, self._on_plate)
        self.observe(self.hub, self._on_hub)
        for w in (self.spokes, self.length, self.sweep, self.rotation):
            self.observe(w, self.refresh)
        self.ax = self.fig.add_axes((0.0, 0.035, 1.0, 0.9))
        self.plates: dict = {}
        self._plate(s["view"], s["side"])
        big = spoke_pattern(None, SPOKES_RANGE[1], view=s["view"], side=s["side"])
        self.art = draw_spokes(big, ax=self.ax)
        self.dynamic = [*self.art.spokes, *self.art.numbers, *self.art.hubs]
        self.connect("button_press_event", self.on_press)

    def layout(self) -> widgets.Widget:
        hint = widgets.HTML("<i>Click on the plate to put the hub there.</i>")
        return fit_layout([self.view, self.side, labelled("Hub (where the spokes start)", self.hub), hint, self.spokes, self.length, self.sweep, self.rotation,
                           self.error], [self.figure_widget, self.order], figure_width_px=self.figure_width_px())

    def static_key(self) -> tuple:
        return (self.view.value, self.side.value)

    def idle_states(self) -> list:
        return [(v, self.side.value) for v in VIEWS if v != self.view.value]

    def show_static(self, state) -> None:
        """The plate of one (view, side), as draw_hip drew it (frame and title included)."""
        for key, (group, _) in self.plates.items():
            if key != state:
                for a in group:
                    a.set_visible(False)
        group, title = self._plate(*state)
        for a in group:
            a.set_visible(True)
        xlim, ylim = plate_limits(*state, labels=True)
        self.ax.set_xlim(*xlim)
        self.ax.set_ylim(*ylim)
        self.ax.set_title(title)

    @staticmethod
    def _hub_options(view: str, side: str) -> list[tuple[str, str]]:
        opts = [("Default: above and behind the bony bump", "default"), ("The point you clicked", POINT)]
        names = referral.muscles()
        for tp in referral.trigger_points():
            if referral.trigger_point_xy(tp.trp_id, view, side) is not None:
                opts.append((f"TrP: {names[tp.muscle_id].display_name}, {tp.name}", tp.trp_id))
        return opts

    def _plate(self, view: str, side: str):
        if (view, side) not in self.plates:
            title = hip_title(view, side, ()) + ": the spoke pattern"
            art = draw_hip(view, side, layers=("skin", "bones", "superficial"), labels=True, ax=self.ax,
                           credit=not self.plates, title=title)
            group = [a for a in art.all() if a is not None] + list(art.ghosts)
            for a in group:
                a.set_visible(False)
            self.plates[(view, side)] = (group, title)
        return self.plates[(view, side)]

    # ------------------------------------------------------------------ callbacks
    def _on_plate(self) -> None:
        view, side = self.view.value, self.side.value
        keep = self.hub.value
        options = self._hub_options(view, side)
        ids = [v for _, v in options]
        self.hub_point = None
        with self.hub.hold_trait_notifications():
            self.hub.options = options
            self.hub.value = keep if keep in ids and keep != POINT else "default"
        self.refresh()

    def _on_hub(self) -> None:
        if self.hub.value == POINT and self.hub_point is None:
            raise ValueError("Click on the plate first: the hub goes where you click.")
        self.refresh()

    def on_press(self, event) -> None:
        """A click on the plate puts the hub there (ignored while the toolbar pans or zooms)."""
        toolbar = getattr(self.fig.canvas, "toolbar", None)
        if event.inaxes is not self.ax or event.xdata is None or str(getattr(toolbar, "mode", "") or ""):
            return
        self.hub_point = (float(event.xdata), float(event.ydata))
        if self.hub.value != POINT:
            self.hub.value = POINT  # its observer refreshes
        else:
            self.refresh()

    # ------------------------------------------------------------------ update
    def hub_value(self):
        if self.hub.value == POINT:
            return self.hub_point
        return None if self.hub.value == "default" else self.hub.value

    def update(self) -> None:
        view, side = self.view.value, self.side.value
        self.show_static((view, side))
        # a bad hub (on bone) raises here: the previous pattern stays, the message shows
        pattern = spoke_pattern(self.hub_value(), self.spokes.value, self.length.value, self.sweep.value,
                                self.rotation.value, side, view=view)
        self.pattern = pattern
        n = len(self.art.spokes)
        update_spokes(self.art, pattern)
        self.add_dynamic(self.art.spokes[n:] + self.art.numbers[n:])  # a pool grown for a bigger pattern (rare)
        self.order.value = self.order_html()

    def order_html(self) -> str:
        p = self.pattern
        view, side = p.view, p.side
        items = []
        for sp in p.spokes:
            stop = f", stops short of the {sp.stopped_by}" if sp.stopped_by else ""
            items.append(f"<li>{esc(direction_words(sp.angle_deg, view, side))}, {sp.length_cm:.1f} cm{esc(stop)}</li>")
        blocked = "".join(f"<li>at {ang:.0f}°: runs into the {esc(by)}</li>" for _, ang, by in p.blocked)
        out = ("<b>Working order</b> (out along each spoke and back, linger where tender):"
               f"<ol style='margin:4px 0 4px 18px;padding:0'>{''.join(items)}</ol>")
        if blocked:
            out += f"<b>Left out</b> (would run onto bone or the sciatic nerve):<ul style='margin:4px 0 4px 18px;padding:0'>{blocked}</ul>"
        return out
