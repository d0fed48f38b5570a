"""BallSurfaceExplorer: which ball on which surface, for this client, against the thresholds.

In place: the chart (``draw_ball_surface_chart``) is drawn once; ``update_ball_surface_chart``
(the drawing layer's own update) moves the bars, their value labels and the depth markers to a
new body mass, relabels the mass and outlines the picked bar (the others faded), as the chart
draws them. Those artists are the dynamic layer, blitted over the axes, band and legend, which
stay the same for every body mass (one y-range for the whole slider).
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib as mpl

from hipball._choices import check_choice, check_range
from hipball.apps.base import App, esc, fit_layout
from hipball.draw.pressure import draw_ball_surface_chart, update_ball_surface_chart
from hipball.pressure import (BALLS, KPA_PER_KG_CM2, SURFACES, balls, contact_pressure, firmer_than_words, firmness,
                              ladder_place,
                              pain_threshold_band_kpa, pressure_table, setup_words, step_words, surfaces)

MASS_RANGE = (40, 150)
# Readable from the back of a room (issue 10.3): on screen the chart's smallest text (the
# caption, the legend, the thresholds, "small" in the chart) is at least as large as the
# referral legend (10 pt at that app's 70 dpi: about 10 px). The chart keeps its relative sizes;
# the app draws it with a larger base size on a figure about 70 dpi on screen.
CHART_RC = {"font.size": 12.5, "axes.titlesize": 12.5, "xtick.labelsize": "medium", "ytick.labelsize": "medium",
            "axes.labelsize": "medium"}


def advice_html(ball: str, surface: str, mass: float) -> str:
    """The verdict (``hipball.pressure.firmness``: the same word the client's handout prints),
    the model's numbers and where the set-up sits on the routine's ladder."""
    r = contact_pressure(ball, surface, mass)
    f = firmness(ball, surface, mass)
    steps = "; ".join(f"{i} {step_words(*st, surface)}" for i, st in enumerate(f.steps, start=1))  # as the handout prints it
    ladder = "standing against a wall" if f.ladder == "standing" else "lying"
    firmer = firmer_than_words(f)  # the handout's words for the step under it, with the model's reason
    return (f"<p><b>{esc(setup_words(ball, surface)).capitalize()}, {mass:g} kg: {esc(f.word)}.</b> "
            f"{esc(f.instructor_text)}</p>"
            f"<p style='font-size:90%'>Model: the ball carries {r.force_n:.0f} N ({r.load_share:.0%} of the hip's "
            f"load) over {r.contact_area_cm2:.1f} cm²: mean {r.mean_pressure_kpa:.0f} kPa "
            f"({r.mean_pressure_kpa / KPA_PER_KG_CM2:.1f} kg/cm²), peak {r.peak_pressure_kpa:.0f} kPa, "
            f"{r.depth_pressure_kpa:.0f} kPa at {r.depth_mm / 10:g} cm deep.</p>"
            f"<p style='font-size:90%'>On the handout's ladder ({ladder}, gentlest to firmest: {esc(steps)}): "
            f"{esc(ladder_place(f))}{esc(': ' + firmer) if firmer else ''}. Beginners start with a tennis ball on a bed. The numbers are an "
            "indication from a simple model, not a prescription: the client's own feedback decides.</p>")


class BallSurfaceExplorer(App):
    """Pick a ball, a surface and the client's body mass: the chart shows the modelled pressure
    of every option against the published pressure-pain thresholds, the text what it means."""

    figsize = (8.0, 6.0)

    def __init__(self, ball: str = "tennis", surface: str = "bed", body_mass_kg: float = 70, *,
                 render: str = "auto", figsize: tuple[float, float] | None = None):
        check_choice("ball", ball, BALLS)
        check_choice("surface", surface, SURFACES)
        check_range("body_mass_kg", body_mass_kg, *MASS_RANGE, " kg")
        self._start = dict(ball=ball, surface=surface, mass=float(body_mass_kg))
        super().__init__(render=render, figsize=figsize)

    def build(self) -> None:
        s = self._start
        self.ball = widgets.ToggleButtons(options=[(balls()[b].name, b) for b in BALLS], value=s["ball"],
                                          description="Ball", style={"button_width": "auto", "description_width": "56px"})
        self.surface = widgets.ToggleButtons(options=[(surfaces()[x].name.split(" (")[0], x) for x in SURFACES],
                                             value=s["surface"], description="Surface", style={"button_width": "auto", "description_width": "56px"})
        self.mass = widgets.FloatSlider(value=s["mass"], min=MASS_RANGE[0], max=MASS_RANGE[1], step=5,
                                        description="Body mass (kg)", continuous_update=False,
                                        style={"description_width": "110px"}, layout=widgets.Layout(width="100%"))
        self.advice = widgets.HTML(layout=widgets.Layout(width="auto"))
        for w in (self.ball, self.surface, self.mass):
            self.observe(w, self.refresh)
        self.ax = self.fig.add_axes((0.1, 0.3, 0.8, 0.63))
        with mpl.rc_context(CHART_RC):
            self.chart = draw_ball_surface_chart(s["mass"], ax=self.ax, highlight=(s["ball"], s["surface"]),
                                                 mass_label=True)
        # One y-range for every body mass the slider allows, so the background (axes, band,
        # legend) never changes: a mass change then only re-blits the bars, their labels and
        # the mass label instead of redrawing the whole chart.
        lo, hi = pain_threshold_band_kpa()
        heaviest = max(r.mean_pressure_kpa for r in pressure_table(MASS_RANGE[1]).values())
        self.ax.set_ylim(0, max(hi, heaviest) * 1.35)  # the legend clear of the thresholds' label
        # The title stays in the background: the body mass is in a short label of its own (a
        # long bold title was the costliest single artist to redraw on each change).
        self.dynamic = ([self.chart.mass_label] + list(self.chart.bars.values())
                        + list(self.chart.value_labels.values()) + list(self.chart.depth_markers.values()))

    def layout(self) -> widgets.Widget:
        return fit_layout([self.ball, self.surface, self.mass, self.error], [self.figure_widget, self.advice],
                          figure_width_px=self.figure_width_px())

    def static_key(self) -> tuple:
        return ()  # the background is the same for every ball, surface and body mass

    def update(self) -> None:
        mass, pick = float(self.mass.value), (self.ball.value, self.surface.value)
        update_ball_surface_chart(self.chart, mass, highlight=pick)
        self.advice.value = advice_html(*pick, mass)
