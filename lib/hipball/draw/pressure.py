"""Chart: every ball on every surface against published pressure-pain thresholds.

Numbers come from ``hipball.pressure`` (the model and its assumptions live there); this module
only draws. Bars are coloured (Okabe-Ito) AND hatched per ball, so the chart reads in
grayscale and for colour-blind viewers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text

from hipball._choices import check_choice
from hipball.pressure import (BALLS, KPA_PER_KG_CM2, SURFACES, ContactPressure, balls,
                              pain_threshold_band_kpa, pressure_table, surfaces)

# Okabe-Ito colours, one hatch per ball (never colour alone)
BALL_STYLE = {
    "tennis": ("#E69F00", ".."),
    "racquetball": ("#56B4E9", "//"),
    "lacrosse": ("#009E73", "oo"),
    "baseball": ("#0072B2", "xx"),
    "golf": ("#D55E00", "\\\\"),
}
_SURFACE_X = {"bed": 0.0, "carpet": 1.0, "hardwood": 2.0, "wall": 3.35}
_BAR_WIDTH = 0.16


@dataclass
class BallSurfaceArtists:
    bars: dict[tuple[str, str], Rectangle]
    depth_markers: dict[tuple[str, str], Line2D]
    value_labels: dict[tuple[str, str], Text]
    band: Rectangle
    band_label: Text
    legend: Legend
    title: Text
    caption: Text
    results: dict[tuple[str, str], ContactPressure] = field(repr=False)
    mass_label: Text | None = None  # the body mass, when it is not in the title (mass_label=True)


def _surface_label(surface: str) -> str:
    s = surfaces()[surface]
    label = s.name.replace(" (", "\n(").replace(" on a ", "\non a ")
    if s.posture == "standing":
        label = f"Wall\n(standing, {s.default_load_fraction:.0%} load)"
    return label


def chart_title(body_mass_kg: float | None) -> str:
    """The chart's title; without a body mass (``None``) for a chart that shows it apart."""
    if body_mass_kg is None:
        return "Ball and surface under the hip: an indication, not a prescription"
    return f"Ball and surface under the hip, {body_mass_kg:g} kg client: an indication, not a prescription"


def mass_words(body_mass_kg: float) -> str:
    """The mass label: two short lines, so it fits beside the legend at the chart's top right."""
    return f"{body_mass_kg:g} kg\nclient"


def _style_bar(bar: Rectangle, key: tuple[str, str], highlight) -> None:
    """A bar as the chart styles it: the highlighted one outlined, the others faded."""
    bar.set_alpha(0.35 if highlight is not None and highlight != key else 1.0)
    bar.set_linewidth(2.5 if highlight == key else 0.6)


def draw_ball_surface_chart(body_mass_kg: float = 70, *, ax: Axes | None = None,
                            highlight: tuple[str, str] | None = None,
                            depth_markers: bool = True, mass_label: bool = False) -> BallSurfaceArtists:
    """Grouped bars of the modelled mean skin pressure, ball x surface, for one body mass.

    ``highlight=(ball, surface)`` outlines one bar and fades the others (for the widgets).
    ``mass_label=True`` puts the body mass in a short label at the top right of the chart
    instead of in the title (an app redraws that label, not the long title, when the mass
    changes).
    """
    if highlight is not None:
        check_choice("highlight ball", highlight[0], BALLS)
        check_choice("highlight surface", highlight[1], SURFACES)
    results = pressure_table(body_mass_kg)
    ax = plt.gca() if ax is None else ax

    lo, hi = pain_threshold_band_kpa()
    band = ax.axhspan(lo, hi, facecolor="#DDDDDD", edgecolor="#777777", linewidth=0.8,
                      zorder=0)
    # One line just above the band, at the right: above every bar label up to the heaviest
    # body mass the apps offer (inside the band it sat on the wall bars' value labels).
    band_label = ax.annotate(
        f"Published pressure-pain thresholds: {lo:.0f} to {hi:.0f} kPa", xy=(0.99, hi),
        xycoords=ax.get_yaxis_transform(), xytext=(0, 3), textcoords="offset points", ha="right",
        va="bottom", fontsize="small", color="#333333", zorder=3,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})

    bars, markers, labels = {}, {}, {}
    for i, ball in enumerate(BALLS):
        colour, hatch = BALL_STYLE[ball]
        for surface in SURFACES:
            r = results[ball, surface]
            x = _SURFACE_X[surface] + (i - (len(BALLS) - 1) / 2) * _BAR_WIDTH
            (bar,) = ax.bar(x, r.mean_pressure_kpa, _BAR_WIDTH * 0.92, color=colour,
                            hatch=hatch, edgecolor="black", zorder=2)
            _style_bar(bar, (ball, surface), highlight)
            bars[ball, surface] = bar
            labels[ball, surface] = ax.text(x, r.mean_pressure_kpa + 3, f"{r.mean_pressure_kpa:.0f}",
                                            ha="center", va="bottom", fontsize="small",
                                            rotation=90, zorder=3)  # as large as the legend
            if depth_markers:
                (markers[ball, surface],) = ax.plot(
                    x, r.depth_pressure_kpa, marker="D", markersize=6, color="black",
                    markeredgecolor="white", linestyle="none", zorder=4)

    ax.axvline((_SURFACE_X["hardwood"] + _SURFACE_X["wall"]) / 2, color="#555555",
               linestyle="--", linewidth=0.8)
    ax.set_xticks([_SURFACE_X[s] for s in SURFACES], [_surface_label(s) for s in SURFACES])
    top = max(hi, max(r.mean_pressure_kpa for r in results.values()))
    ax.set_ylim(0, top * 1.3)
    ax.set_xlim(-0.6, _SURFACE_X["wall"] + 0.6)
    ax.set_ylabel("Mean pressure at the skin (kPa)")
    secondary = ax.secondary_yaxis("right", functions=(lambda k: k / KPA_PER_KG_CM2,
                                                       lambda g: g * KPA_PER_KG_CM2))
    secondary.set_ylabel("kg/cm² (algometer units)")

    handles = [Patch(facecolor=BALL_STYLE[b][0], hatch=BALL_STYLE[b][1], edgecolor="black",
                     label=balls()[b].name + (" (point tool)" if b == "golf" else ""))
               for b in BALLS]
    if depth_markers:
        depth_cm = results["tennis", "bed"].depth_mm / 10
        handles.append(Line2D([], [], marker="D", color="black", markeredgecolor="white",
                              linestyle="none", label=f"pressure {depth_cm:g} cm deep"))
    legend = ax.legend(handles=handles, loc="upper left", ncols=3, fontsize="small",
                       frameon=True)
    title = ax.set_title(chart_title(None if mass_label else body_mass_kg))
    mass_text = None
    if mass_label:
        mass_text = ax.text(0.99, 0.98, mass_words(body_mass_kg), transform=ax.transAxes, ha="right", va="top",
                            fontweight="bold", linespacing=1.1, zorder=5)
    lying = surfaces()["bed"].default_load_fraction
    # One paragraph that matplotlib wraps to the figure's width (hard line breaks left a word
    # alone on a line wherever the figure was narrower than the breaks assumed).
    caption = ax.annotate(
        f"Model (hipball.pressure): lying, {lying:.0%} of body weight on the hip; a soft bed takes part "
        "of it, a floor none. Hertz contact with gluteal muscle (E = 440 kPa). Bars: mean pressure at "
        "the skin. Diamonds: pressure at depth, which the surface (the force) sets. Grey band: published "
        "pressure-pain thresholds (trigger points, other muscles).",
        xy=(0, 0), xycoords="axes fraction", xytext=(0, -40), textcoords="offset points",
        fontsize="small", color="#333333", va="top", annotation_clip=False,
        wrap=True)
    return BallSurfaceArtists(bars=bars, depth_markers=markers, value_labels=labels,
                              band=band, band_label=band_label, legend=legend, title=title,
                              caption=caption, results=results, mass_label=mass_text)


def update_ball_surface_chart(art: BallSurfaceArtists, body_mass_kg: float, *,
                              highlight: tuple[str, str] | None = None) -> BallSurfaceArtists:
    """Show another body mass and highlight on a drawn chart, in place: bar heights, their
    value labels, the depth markers, the title and the highlight, as draw_ball_surface_chart
    draws them. The y-range stays (an app fixes it once for every mass it offers)."""
    if highlight is not None:
        check_choice("highlight ball", highlight[0], BALLS)
        check_choice("highlight surface", highlight[1], SURFACES)
    art.results = pressure_table(body_mass_kg)
    for key, bar in art.bars.items():
        r = art.results[key]
        bar.set_height(r.mean_pressure_kpa)
        _style_bar(bar, key, highlight)
        label = art.value_labels[key]
        label.set_position((bar.get_x() + bar.get_width() / 2, r.mean_pressure_kpa + 3))
        label.set_text(f"{r.mean_pressure_kpa:.0f}")
        if key in art.depth_markers:
            art.depth_markers[key].set_ydata([r.depth_pressure_kpa])
    if art.mass_label is not None:
        art.mass_label.set_text(mass_words(body_mass_kg))
    else:
        art.title.set_text(chart_title(body_mass_kg))
    return art
