"""The handout's pictures, drawn once per distinct key and kept in memory (as SVG text).

A class shares most pictures: the positions depend only on (side, ball, set-up), the spoke
picture on (side, trigger points), the referral map on (side, trigger points, printed size).
The batch runs every client in one kernel, so this cache is shared by the whole class.
``hipball.handouts.figures`` hands them to the page; SVG output is byte-stable
(``hipball.draw.export``). Figures are drawn on ``Figure`` objects: no pyplot, no global state.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache

from hipball.draw.export import svg_text
from hipball.draw.palette import OKABE_ITO
from hipball.frame import (MIRROR_NOTE, VIEW_PHRASES, VIEWS, expand_side, extent_on_side, pictured_side, pictured_tag,
                           view_title)

HATCH_GRAY = "#777777"
CM = 1 / 2.54
# The referral map's styles, one per trigger point (per referral pattern): Okabe-Ito colours
# (black left out: it would hide the trigger-point crosses) each with its own hatch, so that
# two trigger points of one muscle never look alike, in colour or in grayscale.
TRP_COLOURS = tuple(c for c in OKABE_ITO if c != "#000000")
HATCH_LW = 0.8
TRP_HATCHES = ("", "////", "\\\\\\\\", "xxx", "||", "--", "++", "oo")


def _figure(w_in: float, h_in: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(w_in, h_in), layout=None)


def _theme():
    from hipball.draw.theme import theme

    return theme("handout")


def _to_svg(fig, *, tight: bool = True) -> str:
    """``tight=False`` keeps the figure's exact size (a figure drawn at its printed size)."""
    return svg_text(fig, tight=tight)


def _sides(side: str) -> tuple[str, ...]:
    return expand_side(side)


def trp_styles(trigger_points) -> dict[str, tuple[str, str]]:
    """(colour, hatch) per trigger point for the handout's referral map: a style of its own
    for every referral pattern (two trigger points that share one pattern, like the two
    piriformis ones, share one style: their zones are the same)."""
    from hipball.referral import zone_signature

    keys = {t: zone_signature(t) for t in trigger_points}
    order = list(dict.fromkeys(keys.values()))
    style = {k: (TRP_COLOURS[i % len(TRP_COLOURS)], TRP_HATCHES[i % len(TRP_HATCHES)]) for i, k in enumerate(order)}
    return {t: style[keys[t]] for t in trigger_points}


def _darker(colour: str, f: float = 0.45) -> tuple[float, float, float]:
    """The hatch colour: the zone's colour, darker, so the hatch shows on the fill and in
    grayscale."""
    from matplotlib.colors import to_rgb

    return tuple(c * f for c in to_rgb(colour))


def _solid_style(patch, colour: str, hatch: str) -> None:
    patch.set_facecolor(colour)
    patch.set_edgecolor(colour)
    patch.set_hatch(hatch or None)
    patch.set_hatchcolor(_darker(colour))
    patch.set_hatch_linewidth(HATCH_LW)


def _restyle(art, styles: dict[str, tuple[str, str]]) -> None:
    """Give draw_referral's patches the handout's per-trigger-point styles (draw_referral
    styles trigger points of several muscles per muscle)."""
    for trp, patch in art.essential.items():
        _solid_style(patch, *styles[trp])
    for trp, patch in art.spillover.items():
        colour, _ = styles[trp]
        patch.set_edgecolor(colour)
        patch.set_hatchcolor(colour)
    for trp, marker in art.markers.items():  # the X takes its zone's colour (draw_referral)
        marker.set_markerfacecolor(styles[trp][0])


@lru_cache(maxsize=64)
def referral_svg(side: str, trigger_points: tuple[str, ...], width_cm: float = 18.6, height_cm: float = 5.2,
                 font_pt: float = 7.5) -> str:
    """Where the client's trigger points send pain: back and side views, the key beside them.

    Drawn at its printed size (``width_cm`` x ``height_cm``, placed at 100 % by the page), so
    ``font_pt`` is the size on paper: the key stays readable (7 pt or more) when printed."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from hipball import referral

    fig = _figure(width_cm * CM, height_cm * CM)
    s, tag = pictured_side(side), pictured_tag(side)  # both hips: the right one, and the titles say so
    title_h = (2.8 if tag else 1.6) * font_pt / 72 / (height_cm * CM)  # room for the view titles
    chart_w = min(0.2, 0.8 * height_cm / width_cm)          # each body chart: tall and narrow
    axes = [fig.add_axes((i * chart_w, 0.0, chart_w, 1 - title_h)) for i in range(2)]
    key = fig.add_axes((2 * chart_w + 0.02, 0.0, 1 - 2 * chart_w - 0.02, 1))
    key.set_axis_off()
    styles = trp_styles(trigger_points)
    with _theme():
        from hipball.draw.referral import STIPPLE, draw_referral

        for ax, view in zip(axes, ("posterior", "lateral")):
            art = draw_referral(list(trigger_points), view=view, side=s, ax=ax, legend=False, labels=False)
            _restyle(art, styles)
            ax.set_axis_off()
            ax.set_anchor("N")
            ax.text(0.5, 1.0, VIEW_PHRASES[view] + (f"\n{tag}" if tag else ""), transform=ax.transAxes,
                    ha="center", va="bottom", fontsize=font_pt, weight="bold")
        names = referral.muscles()
        handles, seen = [], {}
        for trp in trigger_points:
            tp = referral.trigger_point(trp)
            label = f"{names[tp.muscle_id].display_name} ({tp.name.replace('_', ' ')})"
            if styles[trp] in seen:  # one pattern, one entry: 'Piriformis (lateral, medial)'
                h = seen[styles[trp]]
                h.set_label(h.get_label()[:-1] + f", {tp.name.replace('_', ' ')})")
                continue
            h = Patch(alpha=0.85, label=label)
            _solid_style(h, *styles[trp])
            seen[styles[trp]] = h
            handles.append(h)
        handles += [
            Patch(facecolor="#555555", edgecolor="#555555", label="felt by nearly everyone (solid)"),
            Patch(facecolor="none", edgecolor="#555555", hatch=STIPPLE, label="felt by some (dotted)"),
            Line2D([], [], marker="x", color="black", mew=2.0, ms=font_pt, ls="none", label="trigger point"),
        ]
        _fit_legend(fig, key, handles, font_pt)
    return _to_svg(fig, tight=False)


MIN_KEY_PT = 7.0


def _fit_legend(fig, key, handles, font_pt: float) -> None:
    """The key in one column if it fits the figure's height, else two; smaller type (never
    below MIN_KEY_PT) only if even two columns would not fit the width left for it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    box = key.get_window_extent(renderer)
    size, leg = font_pt, None
    while True:
        for ncol in (1, 2, 3):
            if leg is not None:
                leg.remove()
            leg = key.legend(handles=handles, loc="center left", fontsize=size, frameon=False, ncol=ncol,
                             handlelength=2.0, handleheight=1.2, labelspacing=0.45, borderaxespad=0.0,
                             columnspacing=1.0, numpoints=1)
            ext = leg.get_window_extent(renderer)
            if ext.height <= box.height and ext.width <= box.width:
                return
            if ext.width > box.width:
                break  # more columns only get wider
        if size <= MIN_KEY_PT:
            return
        size = max(MIN_KEY_PT, size - 0.5)


def clear_cache() -> None:
    for f in (positions_svg, spokes_svg, outline_svg, referral_svg):
        f.cache_clear()


# ------------------------------------------------------------------ page 1: the positions
PT_CM = 2.54 / 72


def _chars(width_cm: float, font_pt: float) -> int:
    """About how many characters of ``font_pt`` type fit in ``width_cm`` (DejaVu Sans)."""
    return max(12, int(width_cm / (0.55 * font_pt * PT_CM)))


def setup_of(surface: str) -> str:
    """The picture set-up for a surface: standing at a wall, or lying on a bed or floor."""
    return "wall" if surface == "wall" else "floor"


@lru_cache(maxsize=64)
def positions_svg(side: str, ball: str, setup: str = "floor", width_cm: float = 18.6, height_cm: float = 5.4,
                  font_pt: float = 7.5) -> str:
    """The routine's positions in a row for the client's side, ball and set-up (lying, or
    standing at a wall), drawn at their printed size with a title and a pressure cue under each.
    Both hips: the right side is drawn and a note says the left is its mirror image."""
    from hipball.draw.position import draw_sequence
    from hipball.pose import sequence

    s = pictured_side(side)
    n = len(sequence(s, setup))
    both = len(expand_side(side)) > 1
    if both:  # room for the note above the pictures
        height_cm += 1.5 * font_pt * PT_CM
    fig = _figure(width_cm * CM, height_cm * CM)
    with _theme():
        note = 1.5 * font_pt / 72 / (height_cm * CM) if both else 0.0
        arts = draw_sequence(fig, s, ball, setup, rect=(0.0, 0.0, 1.0, 1.0 - note), fontsize=font_pt,
                             wrap=_chars(width_cm / n - 0.3, font_pt * 0.9))
        if both:
            fig.text(0.5, 0.995, MIRROR_NOTE, ha="center", va="top",
                     fontsize=font_pt * 0.9, style="italic")
        for art in arts:
            art.floor[-1].set_linewidth(0.8)
    return _to_svg(fig, tight=False)


# ------------------------------------------------------------------ the spots on a body outline
# (x range, y range) of the hip region shown, right side, cm (the body chart's frame)
_CROP = {"posterior": ((-21.0, 21.0), (62.0, 114.0)), "lateral": ((-26.0, 10.0), (62.0, 114.0)),
         "anterolateral": ((-24.0, 10.0), (62.0, 114.0))}
# the spoke picture: close around the hub, so that the spokes print large
_CLOSE = {"posterior": ((-6.0, 20.0), (70.0, 110.0)), "lateral": ((-25.0, 7.0), (70.0, 110.0)),
          "anterolateral": ((-24.0, 8.0), (70.0, 110.0))}
SPOKE_LENGTH_CM = 8.0
OUTLINE_EDGE = "#444444"
SKIN_FACE = "#F6EBE2"


@lru_cache(maxsize=256)
def spot_view(trp_id: str, side: str = "right") -> str:
    """The view in which a client sees (and reaches) a spot: by the roll angle that reaches
    it (hipball.roll): on the back, from behind; up to a side-lying roll, from the side; past
    it, the front corner. A view that does not show the spot gives way to the next that does."""
    from hipball.referral import trigger_point_xy
    from hipball.roll import angle_to_reach

    try:
        a = angle_to_reach(trp_id, side)
    except ValueError:  # no position in two views: wherever it is drawn
        a = 0.0
    first = "posterior" if a < 30 else ("lateral" if a <= 105 else "anterolateral")
    order = [first] + [v for v in ("posterior", "lateral", "anterolateral") if v != first]
    return next((v for v in order if trigger_point_xy(trp_id, v, side) is not None), first)


def _outline(ax, view: str, side: str, *, lw: float = 1.0, fill: str = "white", crop=None) -> None:
    from matplotlib.patches import Polygon

    from hipball.bodychart import detail_lines, skin_outline

    ax.add_patch(Polygon(skin_outline(view, side), closed=True, fc=fill, ec=OUTLINE_EDGE, lw=lw, zorder=1))
    if view != "anterolateral":
        for ln in detail_lines(view, side):
            ax.plot(*ln.T, color=OUTLINE_EDGE, lw=lw * 0.6, zorder=1.5, solid_capstyle="round")
    xs, (y0, y1) = (crop or _CROP)[view]
    ax.set_xlim(*extent_on_side(xs, side))
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _views_for(side: str) -> list[tuple[str, str]]:
    s = pictured_side(side)
    return [(view, s) for view in VIEWS]


def draw_spot_views(fig, side: str, trigger_points, *, font_pt: float = 7.5, rect=(0.0, 0.0, 1.0, 1.0)) -> dict:
    """The hip from behind, from the side and at the front corner on a body outline, the
    spokes large and red from the hub, and the client's spots (X) each in the view where it is
    reached (``spot_view``); a view's crop grows to take in every spot it shows. Returns
    {view: (axes, {trp_id: marker, ...})}."""
    from hipball.referral import trigger_point_xy
    from hipball.spokes import spoke_pattern

    x0, y0, w, h = rect
    out = {}
    for i, (view, s) in enumerate(_views_for(side)):
        ax = fig.add_axes((x0 + i * w / 3, y0, w / 3, h))
        sides = expand_side(side) if view == "posterior" else (s,)  # from behind, both hips show
        both = len(sides) > 1
        spots = {(t, ss): trigger_point_xy(t, view, ss) for t in trigger_points for ss in sides
                 if spot_view(t, ss) == view}
        (cx0, cx1), (cy0, cy1) = (_CROP if both else _CLOSE)[view]
        ys = [xy[1] for xy in spots.values()]
        crop = dict(_CLOSE)
        crop[view] = ((cx0, cx1), (min([cy0, *(y - 4 for y in ys)]), max([cy1, *(y + 4 for y in ys)])))
        _outline(ax, view, s, crop=crop, fill=SKIN_FACE)
        for ss in sides:  # every view, the front corner too (its hub is where you roll for it)
            _plain_spokes(ax, spoke_pattern(side=ss, view=view, length_cm=SPOKE_LENGTH_CM), font_pt)
        marks = {}
        for (t, ss), xy in spots.items():
            (m,) = ax.plot(*xy, "X", ms=font_pt * 1.05, mfc="black", mec="white", mew=0.8, zorder=40)
            m.set_gid(f"spot:{t}:{ss}")
            marks[t if len(sides) == 1 else f"{t}:{ss}"] = m
        out[view] = (ax, marks)
    return out


@lru_cache(maxsize=64)
def spokes_svg(side: str, trigger_points: tuple[str, ...], width_cm: float = 8.6, height_cm: float = 6.2,
               font_pt: float = 7.5) -> str:
    """The spoke picture of page 1 (``draw_spot_views``) at its printed size, a view name over
    each panel and a two-line key under them. No anatomy, no Latin."""
    from matplotlib.lines import Line2D

    fig = _figure(width_cm * CM, height_cm * CM)
    title_h = 1.7 * font_pt / 72 / (height_cm * CM)
    key_h = 3.2 * font_pt / 72 / (height_cm * CM)
    with _theme():
        views = draw_spot_views(fig, side, trigger_points, font_pt=font_pt, rect=(0.0, key_h, 1.0, 1 - title_h - key_h))
        for i, view in enumerate(views):
            fig.text((i + 0.5) / 3, 1.0, view_title(view, side), ha="center", va="top", fontsize=font_pt,
                     fontweight="bold")
        handles = [Line2D([], [], color="#D0021B", lw=2.4, label="roll out along each line, and back"),
                   Line2D([], [], marker="X", ls="", ms=font_pt, mfc="black", mec="white", label="your spots")]
        fig.legend(handles=handles, loc="lower center", ncol=1, frameon=False, fontsize=font_pt * 0.9,
                   handlelength=1.6, columnspacing=1.0, borderaxespad=0.1)
    return _to_svg(fig, tight=False)


def _plain_spokes(ax, pattern, font_pt: float) -> None:
    """Spokes for print at a small size: thick red lines with a white casing and a round
    end, a white hub ringed in red (arrowheads would merge into a blob at this size)."""
    from matplotlib import patheffects

    from hipball.draw.palette import SPOKE_RED

    casing = [patheffects.Stroke(linewidth=4.4, foreground="white"), patheffects.Normal()]
    for sp in pattern.spokes:
        ax.plot([sp.start[0], sp.end[0]], [sp.start[1], sp.end[1]], color=SPOKE_RED, lw=2.2,
                solid_capstyle="round", path_effects=casing, zorder=30)
        ax.plot(*sp.end, "o", ms=font_pt * 0.45, color=SPOKE_RED, zorder=31)
    for hub in pattern.hubs:
        ax.plot(*hub.xy, "o", ms=font_pt * 0.9, mfc="white", mec=SPOKE_RED, mew=1.8, zorder=32)


@lru_cache(maxsize=16)
def outline_svg(side: str, width_cm: float = 9.0, height_cm: float = 5.2, font_pt: float = 7.5) -> str:
    """A blank body outline in three views (from behind, from the side, front corner) where the
    therapist marks the client's spots by hand."""
    fig = _figure(width_cm * CM, height_cm * CM)
    title_h = 1.7 * font_pt / 72 / (height_cm * CM)
    with _theme():
        for i, (view, s) in enumerate(_views_for(side)):
            ax = fig.add_axes((i / 3 + 0.01, 0.0, 1 / 3 - 0.02, 1 - title_h))
            _outline(ax, view, s, lw=0.9)
            fig.text((i + 0.5) / 3, 1.0, view_title(view, side), ha="center", va="top", fontsize=font_pt)
    return _to_svg(fig, tight=False)
