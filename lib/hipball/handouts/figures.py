"""The handout's pictures, drawn once per distinct key and kept in memory.

A class shares most pictures: the anatomy plate depends only on (side, trigger points), the
rolling picture on the side, the referral map on (side, trigger points, printed size). The
batch runs every client in one kernel, so this cache is shared by the whole class.

SVG output is byte-stable: a fixed ``svg.hashsalt``, no date in the metadata, text as paths.
Panels whose drawing module has not landed yet are drawn as a clearly marked placeholder; the
swap to the real call is in this file only.

(This is the one module of handouts/ that imports matplotlib, through Figure objects only:
no pyplot, no global state.)
"""

from __future__ import annotations

import io
from contextlib import nullcontext
from functools import lru_cache

SVG_RC = {"svg.hashsalt": "hipball-handout", "svg.fonttype": "path", "path.simplify": True}
HATCH_GRAY = "#777777"
CM = 1 / 2.54
# The referral map's styles, one per trigger point (per referral pattern): Okabe-Ito colours
# (black left out: it would hide the trigger-point crosses) each with its own hatch, so that
# two trigger points of one muscle never look alike, in colour or in grayscale.
TRP_COLOURS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
HATCH_LW = 0.8
TRP_HATCHES = ("", "////", "\\\\\\\\", "xxx", "||", "--", "++", "oo")


def _figure(w_in: float, h_in: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(w_in, h_in), layout=None)


def _theme():
    try:
        from hipball.draw.theme import theme
    except ImportError:
        return nullcontext()
    return theme("handout")


def _to_svg(fig, *, tight: bool = True) -> str:
    """``tight=False`` keeps the figure's exact size (a figure drawn at its printed size)."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context(SVG_RC):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "hipball"}, transparent=True,
                    bbox_inches="tight" if tight else None, pad_inches=0.03)
    return buf.getvalue()


def _placeholder(ax, what: str, needs: str) -> None:
    """A panel that says plainly what is missing (never mistaken for a real drawing)."""
    from matplotlib.patches import Rectangle

    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.add_patch(Rectangle((0.01, 0.01), 0.98, 0.98, fill=False, hatch="//", edgecolor="#bbbbbb", lw=0))
    ax.add_patch(Rectangle((0.01, 0.01), 0.98, 0.98, fill=False, edgecolor="#555555", lw=1.2, ls="--"))
    ax.text(0.5, 0.56, "PLACEHOLDER", ha="center", va="center", fontsize=11, weight="bold",
            color="#333333", bbox=dict(fc="white", ec="none"))
    ax.text(0.5, 0.42, f"{what}\n(waiting for {needs})", ha="center", va="center", fontsize=7.5,
            color="#333333", bbox=dict(fc="white", ec="none"))


def _sides(side: str) -> tuple[str, ...]:
    return ("left", "right") if side == "both" else (side,)


@lru_cache(maxsize=64)
def anatomy_svg(side: str, trigger_points: tuple[str, ...]) -> str:
    """Posterior view of the hip(s) with the spoke pattern on the client's side and their
    trigger points marked."""
    fig = _figure(3.4, 3.3)
    sides = _sides(side)
    # both sides: the left hip on the viewer's left, as seen from behind
    axes = [fig.add_axes((i / len(sides), 0, 1 / len(sides), 1)) for i in range(len(sides))]
    with _theme():
        try:
            from hipball.draw.anatomy import draw_hip
        except ImportError:
            _placeholder(axes[0], "anatomy plate, back view,\nspokes on the " + side + " side", "hipball.draw.anatomy")
            return _to_svg(fig)
        for ax, s in zip(axes, sides):
            draw_hip(view="posterior", side=s, labels=len(sides) == 1, ax=ax, title=False, credit=False)
            _spokes(ax, s)
            _trigger_points(ax, trigger_points, s, view="posterior")
            if len(sides) > 1:
                ax.text(0.5, 0.99, f"{s} hip", transform=ax.transAxes, ha="center", va="top", weight="bold")
    return _to_svg(fig)


def _spokes(ax, side: str) -> None:
    """The spoke pattern around the default hub (hipball.spokes). Drawn here with plain lines
    until hipball.draw.spokes.draw_spokes lands (then that call is used)."""
    try:
        from hipball.spokes import spoke_pattern
    except ImportError:
        ax.text(0.5, 0.02, "PLACEHOLDER: spokes\n(waiting for hipball.spokes)", transform=ax.transAxes,
                ha="center", va="bottom", fontsize=6, color="#333333", bbox=dict(fc="white", ec="#555555", ls="--"))
        return
    pattern = spoke_pattern(side=side, view="posterior")
    try:
        from hipball.draw.technique import draw_spokes
    except ImportError:
        draw_spokes = None
    if draw_spokes is not None:
        draw_spokes(pattern, ax=ax, numbers=False, lw=2.0)
        return
    for sp in pattern.spokes:  # interim drawing: red (Okabe-Ito vermillion), solid, arrow-less
        ax.plot([sp.start[0], sp.end[0]], [sp.start[1], sp.end[1]], color="#D55E00", lw=2.0,
                solid_capstyle="round", zorder=12)
    for hub in pattern.hubs:
        ax.plot(*hub.xy, "o", ms=6, mfc="white", mec="#D55E00", mew=2.0, zorder=13)


def _trigger_points(ax, trigger_points, side: str, view: str) -> None:
    """An X on each of the client's trigger points (only theirs)."""
    try:
        from hipball.draw.referral import draw_trigger_points
        from hipball.referral import trigger_point
    except ImportError:
        ax.text(0.5, 0.93, "PLACEHOLDER: trigger points\n(waiting for hipball.draw.referral)",
                transform=ax.transAxes, ha="center", va="top", fontsize=6, color="#333333",
                bbox=dict(fc="white", ec="#555555", ls="--"))
        return
    muscles = sorted({trigger_point(t).muscle_id for t in trigger_points})
    art = draw_trigger_points(muscles, view=view, side=side, ax=ax, labels=False, ms=7, mew=2.2)
    for trp, marker in list(art.markers.items()):
        if trp not in trigger_points:
            marker.remove()


@lru_cache(maxsize=8)
def rolling_svg(side: str) -> str:
    """Rolling onto the side to reach the front corner: the hip's cross-section with the ball
    at the angle that reaches the anterior gluteus minimus (hipball.roll). The page's caption
    carries the words, so the figure keeps only the picture and its front/back/side marks."""
    fig = _figure(3.2, 2.3)
    ax = fig.add_axes((0, 0, 1, 1))
    s = "right" if side == "both" else side
    with _theme():
        from hipball.draw.technique import draw_roll_section
        from hipball.roll import angle_to_reach, cross_section

        art = draw_roll_section(angle_to_reach("gluteus_minimus.anterior", s), side=s, ax=ax)
        art.title.set_visible(False)
        art.under.set_visible(False)
        for t in art.front_back:
            t.set_fontsize(9)
        xy = art.rotation.transform(cross_section(side=s).outline)  # the section as drawn
        ax.set_xlim(xy[:, 0].min() - 1.0, xy[:, 0].max() + 1.0)
        ax.set_ylim(-2 * art.ball.radius - 1.5, xy[:, 1].max() + 1.0)
        ax.set_axis_off()
    return _to_svg(fig)


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
    title_h = 1.6 * font_pt / 72 / (height_cm * CM)          # room for the view titles
    chart_w = min(0.2, 0.8 * height_cm / width_cm)          # each body chart: tall and narrow
    axes = [fig.add_axes((i * chart_w, 0.0, chart_w, 1 - title_h)) for i in range(2)]
    key = fig.add_axes((2 * chart_w + 0.02, 0.0, 1 - 2 * chart_w - 0.02, 1))
    key.set_axis_off()
    styles = trp_styles(trigger_points)
    with _theme():
        from hipball.draw.referral import STIPPLE, draw_referral

        s = "right" if side == "both" else side
        for ax, view in zip(axes, ("posterior", "lateral")):
            art = draw_referral(list(trigger_points), view=view, side=s, ax=ax, legend=False, labels=False)
            _restyle(art, styles)
            ax.set_axis_off()
            ax.set_anchor("N")
            ax.text(0.5, 1.0, "from behind" if view == "posterior" else "from the side", transform=ax.transAxes,
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
    for f in (anatomy_svg, rolling_svg, referral_svg):
        f.cache_clear()
