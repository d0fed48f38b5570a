"""The handout's pictures, drawn once per distinct key and kept in memory (as SVG text).

A class shares most pictures: the positions depend only on (side, ball, set-up: a wall, a bed
or a floor, carpet and hardwood alike), the spoke picture on (side, trigger points), the
referral map on (side, trigger points, printed size).
The batch runs every client in one kernel, so this cache is shared by the whole class.
``hipball.handouts.figures`` hands them to the page; SVG output is byte-stable
(``hipball.draw.export``). Figures are drawn on ``Figure`` objects: no pyplot, no global state.
"""

from __future__ import annotations

import dataclasses

import textwrap
from functools import lru_cache

from hipball.draw.export import svg_text
from hipball.draw.palette import MARKER_WORDS, MARKERS
from hipball.frame import (BOTH, VIEW_PHRASES, VIEW_WORDS, VIEWS, expand_side, extent_on_side,
                           pictured_side, pictured_tag, side_view_title, view_title)

CM = 1 / 2.54
# The referral map's hatch: darker and thinner than the plates' (it prints small), so it shows
# on the fill and in grayscale. Colours and hatches: palette.ZONE_COLOURS and referral.HATCHES
# (apart in colour, the first five in lightness too), one pair per referral pattern.
HATCH_SHADE = 0.45
HATCH_LW = 0.8


def _figure(w_in: float, h_in: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(w_in, h_in), layout=None)


def _theme():
    from hipball.draw.theme import theme

    return theme("handout")


def _to_svg(fig, *, tight: bool = True) -> str:
    """``tight=False`` keeps the figure's exact size (a figure drawn at its printed size)."""
    return svg_text(fig, tight=tight)


def trp_styles(trigger_points) -> dict:
    """The referral map's Style per spot (``referral.styles_for`` per referral pattern, in the
    handout's print look): every pattern a colour and hatch of its own, so each spot's marker
    is an X; spots that share one pattern (the two piriformis ones) share its colour and hatch
    and are told apart by marker (X, then +, then a diamond), as the key says (YOUR_SPOT)."""
    from hipball.draw.referral import styles_for

    return styles_for(list(trigger_points), per_pattern=True, hatch_shade=HATCH_SHADE, hatch_lw=HATCH_LW)


@lru_cache(maxsize=64)
def referral_svg(side: str, trigger_points: tuple[str, ...], width_cm: float = 18.6, height_cm: float = 5.2,
                 font_pt: float = 7.5, min_key_pt: float = 7.0, zone_key: bool = True, chart_w: float = 0.2,
                 chosen: bool = True, surface: str = "bed", mark_pt: float = 7.5, mirror_note: bool = True) -> str:
    """Where the client's trigger points send pain: back and side views, the key beside them.

    Drawn at its printed size (``width_cm`` x ``height_cm``, placed at 100 % by the page), so
    ``font_pt`` is the size on paper: the key stays readable (``min_key_pt`` or more) when printed.
    ``zone_key`` False leaves the solid and dotted swatches out of the key (large print: the
    caption under the map says the same in words, and the key keeps its large type). ``chart_w``:
    each body chart's slot, a share of the width (at most; the key takes the rest). ``chosen``:
    the spots are the client's (else the routine's common ones: ``spots_words``). ``surface``:
    the key says after each spot where the body is to reach it there (``key_words``).
    ``mark_pt``: the X's marker size on paper (``MAP_MARK_PT``). ``mirror_note`` False: both
    hips' line (``MIRROR_NOTE``) is left to the page (large print: its caption, full width; over
    the key it took three lines of large type and the last page's room)."""
    fig, _ = referral_figure(side, trigger_points, width_cm, height_cm, font_pt, min_key_pt, zone_key, chart_w,
                             chosen, surface, mark_pt, mirror_note)
    return _to_svg(fig, tight=False)


def referral_figure(side: str, trigger_points: tuple[str, ...], width_cm: float = 18.6, height_cm: float = 5.2,
                    font_pt: float = 7.5, min_key_pt: float = 7.0, zone_key: bool = True,
                    chart_w: float = 0.2, chosen: bool = True, surface: str = "bed", mark_pt: float = 7.5,
                    mirror_note: bool = True):
    """``referral_svg``'s figure and {view: the ReferralArtists of its chart}. A key that does
    not fit ``height_cm`` at ``min_key_pt`` makes the figure taller (0.5 cm at a time), never
    smaller type or a key cut off (a long list of spots; large print's type). The height is
    found on the key alone (``_key_height_cm``), and the figure drawn once: redrawing it for
    each 0.5 cm took up to 65 draws and 13 s for a long list of spots in large print."""
    height_cm = _key_height_cm(trigger_points, width_cm, height_cm, font_pt, min_key_pt, zone_key, chart_w, chosen,
                               surface, side if mirror_note else pictured_side(side))
    return _referral_figure(side, trigger_points, width_cm, height_cm, font_pt, min_key_pt, zone_key, chart_w,
                            chosen, surface, mark_pt, mirror_note)


MAX_REFERRAL_CM = 40.0  # the referral map grows for its key up to about this height, no further


def _key_height_cm(trigger_points, width_cm, height_cm, font_pt, min_key_pt, zone_key, chart_w,
                   chosen: bool = True, surface: str = "bed", side: str = "right") -> float:
    """The least of ``height_cm``, ``height_cm`` + 0.5, + 1.0 ... at which the referral map's key
    fits (``_fit_legend``), or the first over ``MAX_REFERRAL_CM``. Each try lays out the key
    alone on a figure of that size (the key's box is all its fit depends on; the body charts
    are the costly part), and the tries bisect the steps (a taller figure has a taller key
    box: a key that fits at one step fits at the next)."""
    def height(step: int) -> float:  # added 0.5 at a time, as the figure grew before: the same floats
        h = height_cm
        for _ in range(step):
            h += 0.5
        return h

    def fits(step: int) -> bool:
        h = height(step)
        if h > MAX_REFERRAL_CM:
            return True
        fig = _figure(width_cm * CM, h * CM)
        key = _key_axes(fig, _chart_share(chart_w, width_cm, h), _note_share(side, width_cm, h, font_pt))
        with _theme():
            return _fit_legend(fig, key, _key_handles(trigger_points, font_pt, zone_key, chosen, surface), font_pt,
                               min_key_pt)

    if fits(0):
        return height_cm
    lo, hi = 0, 1  # lo does not fit, hi: the first step over the limit at most
    while height(hi) <= MAX_REFERRAL_CM:
        hi += 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if fits(mid) else (mid, hi)
    return height(hi)


def _chart_share(chart_w: float, width_cm: float, height_cm: float) -> float:
    """Each body chart's share of the map's width: ``chart_w`` at most, tall and narrow."""
    return min(chart_w, 0.8 * height_cm / width_cm)


def _key_axes(fig, chart_w: float, top: float = 0.0):
    """The key's place: right of the two body charts, the figure's full height but ``top`` (the
    share of the both-hips line over the whole map: ``_note_share``)."""
    key = fig.add_axes((2 * chart_w + 0.02, 0.0, 1 - 2 * chart_w - 0.02, 1 - top))
    key.set_axis_off()
    return key


def _key_handles(trigger_points, font_pt: float, zone_key: bool, chosen: bool = True, surface: str = "bed") -> list:
    """The referral map key's entries (their labels unwrapped): a swatch per referral pattern
    in the client's words and where to reach it on ``surface`` (``key_words``), the filled and
    dotted swatches (``zone_key``), the X."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from hipball.draw.referral import zone_style

    styles = trp_styles(trigger_points)
    handles, seen = [], {}
    for trp in trigger_points:  # the client's words, the muscle after them for the therapist
        look = (styles[trp].color, styles[trp].hatch)  # one pattern, one entry: both piriformis spots
        if look not in seen:
            seen[look] = []
            handles.append(Patch(**zone_style("essential", styles[trp])))
        seen[look].append(trp)
    for h, trps in zip(handles, seen.values()):
        h.set_label(key_words(trps, surface))
    if zone_key:  # drawn as the areas are (a filled area, a dotted one), in a grey no spot has
        first = dataclasses.replace(styles[trigger_points[0]], color=KEY_GREY, hatch="")
        handles += [Patch(**zone_style("essential", first), label=ZONE_WORDS["essential"]),
                    Patch(**zone_style("spillover", first), label=ZONE_WORDS["spillover"])]
    return handles + [
        Line2D([], [], marker="X", mfc="white", mec="black", mew=1.0, ms=font_pt * 1.1, ls="none",
               label=your_spot({styles[t].marker for t in trigger_points}, chosen)),
    ]


def _note_share(side: str, width_cm: float, height_cm: float, font_pt: float) -> float:
    """Both hips: the share of the map's height its line over the key takes (``MIRROR_NOTE``,
    over the key beside the charts: over the two charts it took two lines of their height, and
    the X's closer together); one hip: 0."""
    if not pictured_tag(side):
        return 0.0
    return _lines_share(_wrapped(MIRROR_NOTE, _key_width_cm(width_cm, height_cm), font_pt).count("\n") + 1,
                        font_pt, height_cm, pad=0.3)


def _key_width_cm(width_cm: float, height_cm: float, chart_w: float = 0.2) -> float:
    """The key's width (cm) beside the two charts (``_key_axes``)."""
    return (1 - 2 * _chart_share(chart_w, width_cm, height_cm) - 0.02) * width_cm


def _referral_figure(side, trigger_points, width_cm, height_cm, font_pt, min_key_pt, zone_key, chart_w, chosen,
                     surface="bed", mark_pt=7.5, mirror_note=True):
    fig = _figure(width_cm * CM, height_cm * CM)
    charts = {}
    s = pictured_side(side)  # both hips: the right one, and the line over the map says so
    chart_w = _chart_share(chart_w, width_cm, height_cm)
    titles = {view: _wrapped(VIEW_PHRASES[view], chart_w * width_cm, font_pt, bold=True)
              for view in ("posterior", "lateral")}
    top = _note_share(side, width_cm, height_cm, font_pt) if mirror_note else 0.0
    note = _wrapped(MIRROR_NOTE, _key_width_cm(width_cm, height_cm), font_pt) if top else ""
    lines = max(t.count("\n") + 1 for t in titles.values())
    title_h = _lines_share(lines, font_pt, height_cm, pad=0.4)  # room for the view titles
    axes = [fig.add_axes((i * chart_w, 0.0, chart_w, 1 - title_h)) for i in range(2)]
    key = _key_axes(fig, chart_w, top)
    styles = trp_styles(trigger_points)
    with _theme():
        import matplotlib.patheffects as pe

        from hipball.draw.referral import draw_referral
        from hipball.roll import marked_spots

        for ax, view in zip(axes, ("posterior", "lateral")):
            art = draw_referral(list(trigger_points), view=view, side=s, ax=ax, legend=False, labels=False,
                                styles=styles)
            charts[view] = art
            # the X's the spoke picture's panel of this view marks (``roll.marked_views``): a
            # front-corner spot on the side, not on the back
            shown = marked_spots(view, s, trigger_points)
            for trp in [t for t in art.markers if t not in shown]:
                art.markers.pop(trp).remove()
            for m in art.markers.values():  # the map's X's small for its scale (``MAP_MARK_PT``)
                m.set_markersize(mark_pt)
                m.set_markeredgewidth(MAP_MARK_EDGE)
                m.set_path_effects([pe.withStroke(linewidth=MAP_MARK_HALO, foreground="white")])
            if art.markers:  # the X marks apart on paper, as on the spoke picture
                marks = list(art.markers.values())
                _spread_marks(ax, marks, max(map(mark_width_pt, marks)) + MARK_GAP_PT,
                              inside=art.body.skin.get_path() if art.body else None, settle=True)
            ax.set_axis_off()
            ax.set_anchor("N")
            ax.text(0.5, 1.0, titles[view], transform=ax.transAxes,
                    ha="center", va="bottom", fontsize=font_pt, weight="bold")
        handles = _key_handles(trigger_points, font_pt, zone_key, chosen, surface)
        if note:
            fig.text(2 * chart_w + 0.02, 1.0, note, ha="left", va="top", fontsize=font_pt, linespacing=1.1)
        _fit_legend(fig, key, handles, font_pt, min_key_pt)
    return fig, charts


# The X means one thing on every picture of the handout: one of the client's spots (the spoke
# picture: where to linger; the referral map: the spot, in the colour of the pain it sends).
# what a zone's fill means, in the words the key prints beside a swatch drawn like the zone
ZONE_WORDS = {"essential": "felt by nearly everyone with that spot: the area filled in its colour",
              "spillover": "felt by some: the area dotted in its colour"}
KEY_GREY = "#8C8C8C"


def your_spot(markers, chosen: bool = True) -> str:
    """The key's words for the client's spots: the other marks named only when the map uses
    them (a client read '+ or \N{BLACK DIAMOND}' in the key of a map that had only X's)."""
    other = [MARKER_WORDS[m] for m in MARKERS[1:] if m in set(markers)]
    from hipball.referral import spots_words

    spot = spots_words(chosen, one=True)
    if not other:
        return f"{spot} (X): the pain it sends is in its colour"
    return f"{spot} (X; {' or '.join(other)} when spots share a colour): the pain it sends is in its colour"


YOUR_SPOT = your_spot(MARKERS[:3])  # the key's words when three spots share a colour


# Both hips: the referral map is drawn for the right hip (docs/CONVENTIONS.md) and says so over
# its charts, with what the left hip's map is
MIRROR_NOTE = "Right hip. Your left hip: the same areas on the left side, the mirror image."


# The referral map's X (marker size and stroke, pt on paper) and its white edge: small for the
# map's scale, so that X's kept MARK_GAP_PT apart stay close to their spots (they were 11 pt on
# charts of 1:20 and moved up to 19 cm of body off the spot they stand for). Large print a
# little larger, as its charts are.
MAP_MARK_PT = {False: 6.0, True: 8.5}
MAP_MARK_EDGE = 0.9
MAP_MARK_HALO = 2.0
REACH_SEP = "\u00a0\u00b7 reach "  # (the dot stays on its line with the word before it)


def key_words(trps, surface: str | None = None) -> str:
    """A key entry: the spot in plain words, the muscle in brackets ('The spot at the front
    corner of your hip (gluteus minimus, anterior)'); spots that share one pattern, together.
    With ``surface``, where the body is to reach it there (``hipball.roll.reach_words``) after
    a dot: '... (gluteus minimus, anterior) · reach it three-quarters toward face down'."""
    from hipball.referral import muscles, plain_name, trigger_point
    from hipball.roll import reach_words

    if len(trps) == 1:
        words = plain_name(trps[0])
    else:
        tps = [trigger_point(t) for t in trps]
        words = "; ".join(plain_name(t, muscle=False) if i == 0 else plain_name(t, muscle=False).lower()
                          for i, t in enumerate(trps))
        words = f"{words} ({muscles()[tps[0].muscle_id].display_name.lower()}, " \
                f"{' and '.join(tp.name.replace('_', ' ') for tp in tps)})"
    if surface is None:
        return words
    where = [reach_words(t, surface) for t in trps]
    if not all(where):
        return words
    if len(set(where)) == 1:
        return f"{words}{REACH_SEP}{'it' if len(trps) == 1 else 'them'} {where[0]}"
    order = ("the first", "the second", "the third")
    return words + REACH_SEP + ", ".join(f"{order[i]} {w}" for i, w in enumerate(where))


def _fit_legend(fig, key, handles, font_pt: float, min_pt: float = 7.0) -> bool:
    """The key in one column if it fits the figure's height, else two, each entry wrapped to
    its column; smaller type (never below ``min_pt``) only if it does not fit. False if it
    does not fit even so."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    box = key.get_window_extent(renderer)
    raw = [h.get_label() for h in handles]
    size, leg = font_pt, None
    while True:
        for ncol in (1, 2):
            width_cm = box.width / fig.dpi * 2.54 / ncol - 2.6 * size * PT_CM
            for h, label in zip(handles, raw):
                h.set_label("\n".join(textwrap.wrap(label, _chars(width_cm, size))))
            if leg is not None:
                leg.remove()
            leg = key.legend(handles=handles, loc="center left", fontsize=size, frameon=False, ncol=ncol,
                             handlelength=2.0, handleheight=1.2, labelspacing=0.45, borderaxespad=0.0,
                             columnspacing=1.0, numpoints=1)
            ext = leg.get_window_extent(renderer)
            if ext.height <= box.height and ext.width <= box.width:
                return True
        if size <= min_pt:
            return False
        size = max(min_pt, size - 0.5)


def clear_cache() -> None:
    for f in (_positions_svg, spokes_svg, outline_svg, referral_svg):
        f.cache_clear()


# ------------------------------------------------------------------ page 1: the positions
PT_CM = 2.54 / 72


def _chars(width_cm: float, font_pt: float, *, bold: bool = False, least: int = 12) -> int:
    """About how many characters of ``font_pt`` type fit in ``width_cm`` (DejaVu Sans, bold a
    little wider), ``least`` at the least."""
    return max(least, int(width_cm / ((0.62 if bold else 0.55) * font_pt * PT_CM)))


def _wrapped(text: str, width_cm: float, font_pt: float, *, bold: bool = False) -> str:
    """``text`` in lines that fit ``width_cm`` at ``font_pt`` (``_chars``, at least 6 a line):
    a panel's title or a key's entry in large print, where one line no longer fits its slot."""
    return "\n".join(textwrap.wrap(text, _chars(width_cm, font_pt, bold=bold, least=6)))


def _lines_share(lines: int, font_pt: float, height_cm: float, pad: float = 0.5) -> float:
    """The share of a figure's ``height_cm`` that ``lines`` lines of ``font_pt`` type take at
    1.2 line spacing, with ``pad`` lines' room: the room kept for the titles over its panels."""
    return (pad + 1.2 * lines) * font_pt / 72 / (height_cm * CM)


def setup_of(surface: str) -> str:
    """The picture set-up for a surface: standing at a wall, or lying on a bed or floor."""
    return "wall" if surface == "wall" else "floor"


def small_type(font_pt: float, small_pt: float | None) -> float:
    """The pictures' smaller type (cues, keys, both hips' panel titles): ``small_pt``, else a
    size under ``font_pt`` (large print passes its body size: nothing the client reads shrinks)."""
    return font_pt * 0.9 if small_pt is None else small_pt


def drawn_surface(surface: str) -> str:
    """What the position pictures show of a surface: a wall, a bed (a mattress), else a floor
    (carpet and hardwood look the same: the pictures are drawn once for both)."""
    return surface if surface in ("wall", "bed") else "hardwood"


# Both hips: the positions are drawn for the right hip, at one hip's size, under a line that says
# so and what the left hip's are (the mirrored pair side by side, or a row per hip, drew each
# person at about half that size: 3.0 cm tall for a 1.70 m person on A4, against 5.1 cm)
POSITIONS_NOTE = "Shown: the right hip. Your left hip: the same, the mirror image."


def _note_cm(note: str, font_pt: float) -> float:
    """The height (cm) of a note's lines at the top of a picture (none: 0)."""
    return (note.count("\n") + 1) * 1.25 * font_pt * PT_CM + 0.1 if note else 0.0


def positions_svg(side: str, ball: str, surface: str = "hardwood", width_cm: float = 18.6, height_cm: float = 5.4,
                  font_pt: float = 7.5, rows: int = 1, small_pt: float | None = None) -> str:
    """The routine's positions in a row for the client's side, ball and set-up (lying, or
    standing at a wall), drawn at their printed size with a title and a pressure cue under each
    (the cue in ``small_type``); ``rows`` 2: two rows of larger pictures (``_positions_two_rows``).
    Both hips: the right hip's pictures at one hip's size, under ``POSITIONS_NOTE`` (the right
    hip shown, the left hip's the mirror image). The set-up follows from ``surface``
    (``setup_of``: standing at a wall, else lying; on a bed, on a mattress: ``draw_sequence``).
    Cached on the surface as drawn (``drawn_surface``): carpet and hardwood share one drawing."""
    return _positions_svg(side, ball, drawn_surface(surface), width_cm, height_cm, font_pt, rows, small_pt)


@lru_cache(maxsize=64)
def _positions_svg(side: str, ball: str, surface: str, width_cm: float, height_cm: float, font_pt: float, rows: int,
                   small_pt: float | None) -> str:
    """``positions_svg`` for a drawn surface (``drawn_surface``)."""
    from hipball.draw.position import draw_sequence
    from hipball.pose import pose, sequence

    setup = setup_of(surface)
    s = pictured_side(side)
    n = len(sequence(s, setup))
    cue_pt = small_type(font_pt, small_pt)
    note = _wrapped(POSITIONS_NOTE, width_cm, cue_pt, bold=True) if pictured_tag(side) else ""
    if rows == 0:
        return _positions_beside(s, ball, setup, width_cm, font_pt, cue_pt, height_cm, surface, note)
    if rows == 2:
        return _positions_two_rows(s, ball, setup, width_cm, font_pt, cue_pt, max_height_cm=height_cm,
                                   surface=surface, note=note)
    wrap = _chars(width_cm / n - 0.3, cue_pt)
    fig = _figure(width_cm * CM, height_cm * CM)
    # the titles above and the cues below as tall as their wrapped lines, the drawings between
    title_h, cue_h = _text_rows_cm([pose(name, s, ball) for name in sequence(s, setup)], wrap, font_pt, cue_pt)
    title_h += _note_cm(note, cue_pt)
    with _theme():
        arts = draw_sequence(fig, s, ball, setup, rect=(0.0, 0.0, 1.0, 1.0), fontsize=font_pt, wrap=wrap,
                             cue_fontsize=cue_pt, surface=surface, body=(cue_h / height_cm, 1 - (cue_h + title_h) / height_cm))
        for art in arts:
            art.floor[-1].set_linewidth(0.8)
        _positions_note(fig, note, cue_pt)
    return _to_svg(fig, tight=False)


def _positions_note(fig, note: str, font_pt: float) -> None:
    if note:
        fig.text(0.5, 1.0, note, ha="center", va="top", fontsize=font_pt, fontweight="bold", linespacing=1.1)


def _text_rows_cm(poses, wrap: int, font_pt: float, cue_pt: float, first: int = 1) -> tuple[float, float]:
    """The height (cm) the numbered titles (from ``first``) and the cues of a row of positions
    take, wrapped as ``draw_sequence`` wraps them (a fixed share of the figure cut long cues off
    in large print)."""
    from hipball.draw.position import numbered_title

    titles = max(numbered_title(p, i + first, wrap).count("\n") + 1 for i, p in enumerate(poses))
    cues = max(len(textwrap.wrap(p.cue, wrap)) for p in poses)
    return titles * 1.2 * font_pt * PT_CM + 0.1, cues * 1.25 * cue_pt * PT_CM + 0.1


def _positions_two_rows(side: str, ball: str, setup: str, width_cm: float, font_pt: float, cue_pt: float,
                        max_height_cm: float | None = None, surface: str | None = None, note: str = "") -> str:
    """The positions of one hip in two rows (the first half over the rest), each picture larger
    than in one row, at one scale for all. Each row shares the full width among its positions,
    so the lower row's fewer positions get wider titles and cues (fewer lines of large type).
    The figure's height follows from the drawings' own shape, the lines its titles and cues take
    and the ``note`` over them; ``max_height_cm`` caps it by drawing the pictures smaller, so the
    routine keeps its place on page 1."""
    import math

    from hipball.draw.position import draw_sequence, numbered_title, sequence_limits
    from hipball.pose import pose, sequence

    names = sequence(side, setup)
    n = len(names)
    per_row = n if n <= 3 else math.ceil(n / 2)  # three standing positions: one row
    cell_cm = width_cm / per_row
    ps = [pose(name, side, ball) for name in names]
    (lx0, lx1), (ly0, ly1) = sequence_limits(ps, surface)
    band = cell_cm * (ly1 - ly0) / (lx1 - lx0)
    rows = [list(range(per_row)), list(range(per_row, n))][:1 if n == per_row else 2]
    wraps = [_chars(width_cm / len(r) - 0.4, cue_pt) for r in rows]
    # each row as tall as its own titles and cues need (the lower row's numbers go on from the upper)
    sizes = [_text_rows_cm([ps[i] for i in r], w, font_pt, cue_pt, first=r[0] + 1) for r, w in zip(rows, wraps)]
    title_cm = [t for t, _ in sizes]
    cue_cm = [c for _, c in sizes]
    gap = 0.1
    note_cm = _note_cm(note, cue_pt)
    text = note_cm + sum(title_cm) + sum(cue_cm) + gap
    if max_height_cm is not None:
        # (never under 45 % of their size; both hips, 35 %: the note's line comes out of their room)
        band = max((0.35 if note else 0.45) * band, min(band, (max_height_cm - text) / len(rows)))
    total = text + len(rows) * band
    fig = _figure(width_cm * CM, total * CM)
    with _theme():
        arts = draw_sequence(fig, side, ball, setup, rect=(0.0, 0.0, 1.0, 1.0), fontsize=font_pt, wrap=wraps[0],
                             cue_fontsize=cue_pt, surface=surface)
        for i in range(n):
            row = 0 if i < per_row else 1
            col, in_row = rows[row].index(i), len(rows[row])
            top = note_cm + (0.0 if row == 0 else title_cm[0] + band + cue_cm[0] + gap)  # cm from the top
            y0 = (total - top - title_cm[row] - band) / total
            x0, w = col / in_row, 1 / in_row
            art = arts[i]
            art.floor[-1].set_linewidth(0.8)
            art.body["head"].axes.set_position((x0, y0, w, band / total))
            art.title.set_text(numbered_title(art.pose, i + 1, wraps[row]))
            art.cue.set_text("\n".join(textwrap.wrap(art.pose.cue, wraps[row])))
        _positions_note(fig, note, cue_pt)
    return _to_svg(fig, tight=False)


@lru_cache(maxsize=4096)
def _text_cm(text: str, font_pt: float, *, bold: bool = False) -> float:
    """The printed width (cm) of one line of ``text`` in the pictures' font (DejaVu Sans).
    Cached: a glyph outline's exact extent costs about 20 ms, and the large-print layouts try
    dozens of sizes with the same titles (a handout measured the same few lines about 250 times:
    most of its render time)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    prop = FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal")
    return TextPath((0, 0), text, size=font_pt, prop=prop).get_extents().width * PT_CM


def _fitted(text: str, width_cm: float, font_pt: float, *, bold: bool = False) -> str:
    """``text`` in as few lines as fit ``width_cm`` by their printed width (``_text_cm``), a
    word too long for a line on a line of its own."""
    lines: list[str] = []
    for word in text.split():
        if lines and _text_cm(f"{lines[-1]} {word}", font_pt, bold=bold) <= width_cm:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def _run_on(title: str, cue: str, width_cm: float, font_pt: float, cue_pt: float) -> tuple[str, str, float]:
    """A title and its cue as one paragraph ``width_cm`` wide: the cue's first line after the
    title on the title's line (``first``), the rest under them; (first, rest, the cue's indent
    in cm). A title too long to leave room for a few words: the cue starts on the next line."""
    indent = _text_cm(title, font_pt, bold=True) + 0.25
    room = _chars(width_cm - indent, cue_pt, least=1)
    first = textwrap.wrap(cue, room)[0] if room >= 10 else ""
    rest = cue[len(first):].strip()
    return first, "\n".join(textwrap.wrap(rest, _chars(width_cm, cue_pt))), indent


def _positions_beside(side: str, ball: str, setup: str, width_cm: float, font_pt: float, cue_pt: float,
                      max_height_cm: float, surface: str | None = None, note: str = "") -> str:
    """``positions_svg`` with ``rows`` 0 (large print, lying): a row per position, the drawing on
    the left and beside it its title with the cue running on after it, at the full text width.
    The large type's lines run across the page, not under each drawing: in two rows of pictures
    the titles and cues (three or four lines each at 12.8 pt) took the height and drew a person
    about 2 cm long. Every drawing at one scale, each row as tall as its drawing or its words,
    the whole at most ``max_height_cm`` (the drawings' size is what gives)."""
    from hipball.draw.position import draw_sequence, numbered_title, sequence_limits
    from hipball.pose import pose, sequence

    names = sequence(side, setup)
    n = len(names)
    ps = [pose(name, side, ball) for name in names]
    (lx0, lx1), (ly0, ly1) = sequence_limits(ps, surface)
    aspect = (ly1 - ly0) / (lx1 - lx0)
    gap, pad = 0.12, 0.3  # between rows; between a drawing and its words
    note_cm = _note_cm(note, cue_pt)
    line_cm = 1.25 * max(font_pt, cue_pt) * PT_CM

    def layout(band: float):
        pic = band / aspect
        words = width_cm - pic - pad
        texts = [(numbered_title(p, i + 1, _chars(words, font_pt, bold=True)), p.cue) for i, p in enumerate(ps)]
        texts = [(t, *_run_on(t, c, words, font_pt, cue_pt)) if "\n" not in t else (t, "", c, 0.0) for t, c in texts]
        lines = [t.count("\n") + 1 + (r.count("\n") + 1 if r else 0) for t, _, r, _ in texts]
        rows = [max(band, k * line_cm + 0.1) for k in lines]
        return pic, texts, rows, note_cm + sum(rows) + gap * (n - 1)

    band = min(0.5 * width_cm * aspect, 4.0)  # the drawing at most half the width
    while band > 0.8 and layout(band)[3] > max_height_cm:
        band -= 0.05
    pic, texts, rows, total = layout(band)
    fig = _figure(width_cm * CM, total * CM)
    with _theme():
        arts = draw_sequence(fig, side, ball, setup, rect=(0.0, 0.0, 1.0, 1.0), fontsize=font_pt,
                             cue_fontsize=cue_pt, surface=surface)
        top = note_cm
        for art, (title, first, rest, indent), row in zip(arts, texts, rows):
            art.floor[-1].set_linewidth(0.8)
            y0 = (total - top - (row + band) / 2) / total  # the drawing in the middle of its row
            art.body["head"].axes.set_position((0.0, y0, pic / width_cm, band / total))
            x = (pic + pad) / width_cm
            y = 1 - (top + 0.05) / total
            base = y - 0.8 * max(font_pt, cue_pt) * PT_CM / total  # the title and the cue on one baseline
            art.title.set_text(title)
            art.title.set(transform=fig.transFigure, ha="left", linespacing=1.25,
                          **(dict(position=(x, y), va="top") if "\n" in title else dict(position=(x, base), va="baseline")))
            art.cue.set_text(first)
            art.cue.set(transform=fig.transFigure, position=(x + indent / width_cm, base), ha="left", va="baseline")
            if rest:
                below = (title.count("\n") + 1) * line_cm / total
                more = fig.text(x, y - below, rest, ha="left", va="top", fontsize=cue_pt, linespacing=1.25,
                                color=art.cue.get_color())
                more.set_gid("cue-more")
            top += row + gap
        _positions_note(fig, note, cue_pt)
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


def _outline(ax, view: str, side: str, *, lw: float = 1.0, fill: str = "white", crop=None):
    """The body's outline in ``view`` (its detail lines: the folds, the cleft), cropped to
    ``crop`` (else ``_CROP``); returns the outline's Path (data coordinates)."""
    from matplotlib.patches import Polygon

    from hipball.bodychart import detail_lines, skin_outline

    # add_artist: the limits are set below, and add_patch's limit update is slow for a long outline
    skin = ax.add_artist(Polygon(skin_outline(view, side), closed=True, fc=fill, ec=OUTLINE_EDGE, lw=lw, zorder=1))
    if view != "anterolateral":
        for ln in detail_lines(view, side):
            ax.plot(*ln.T, color=OUTLINE_EDGE, lw=lw * 0.6, zorder=1.5, solid_capstyle="round")
    xs, (y0, y1) = (crop or _CROP)[view]
    ax.set_xlim(*extent_on_side(xs, side))
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return skin.get_path()


def _views_for(side: str) -> list[tuple[str, str]]:
    s = pictured_side(side)
    return [(view, s) for view in VIEWS]


def _spot_panels(side: str) -> list[tuple[str, str, tuple[int, int]]]:
    """(key, side, (row, column)) of each panel of the spoke picture. One hip: from behind, from
    the side, front corner in a row. Both hips: from behind (both) over the key, and each hip's
    side and front corner, the right hip's row over the left's (a mirrored pair)."""
    if side != BOTH:
        return [(v, s, (0, i)) for i, (v, s) in enumerate(_views_for(side))]
    return [("posterior", BOTH, (0, 0)), ("lateral", "right", (0, 1)), ("anterolateral", "right", (0, 2)),
            ("lateral:left", "left", (1, 1)), ("anterolateral:left", "left", (1, 2))]


def draw_spot_views(fig, side: str, trigger_points, *, font_pt: float = 7.5, rect=(0.0, 0.0, 1.0, 1.0),
                    row_gap: float = 0.0, label_pt: float | None = None, named: bool = True) -> dict:
    """The hip from behind, from the side and at the front corner on a body outline, the
    spokes large and red from the hub, and the client's spots (X) in each view the referral map
    marks them in (``roll.marked_views``: every view with a place for the spot, a front-corner
    spot not from behind); a view's crop grows to take in every spot it shows. Both hips: from
    behind shows both, and the side and front corner are drawn for each hip (``_spot_panels``).
    Returns {panel key: (axes, {trp_id or trp_id:side: marker, ...})}; keys are the view names
    ('lateral', ...), the left hip's own panels 'lateral:left' and 'anterolateral:left'."""
    from hipball.spokes import spoke_pattern

    x0, y0, w, h = rect
    panels = _spot_panels(side)
    rows = 1 + max(r for _, _, (r, _) in panels)
    ph = (h - row_gap * (rows - 1)) / rows
    out = {}
    for key, s, (row, col) in panels:
        view = key.split(":")[0]
        ax = fig.add_axes((x0 + col * w / 3, y0 + (rows - 1 - row) * (ph + row_gap), w / 3, ph))
        sides = expand_side(s)
        spots = _panel_spots(view, sides, trigger_points)
        skin = _outline(ax, view, pictured_side(s), crop=_grown_crop(_CROP if s == BOTH else _CLOSE, view, spots),
                        fill=SKIN_FACE)
        # (the landmark first: it may raise the panel's top, which prints the body smaller, and
        # the spokes' ends are kept inside the outline at the final printed size)
        bone = _landmark(ax, view, pictured_side(s), small_type(font_pt, label_pt), named=named)
        # (the spokes end clear of the bone's triangle: in large print it sat on a spoke's end and a
        # client counted 7 spokes where step 4 says 8)
        clear = [] if bone is None else [(bone[0].get_xydata()[0], mark_reach_pt(bone[0]))]
        # the hub and the spokes' end dots drawn for type at most as large as 4 cm of body (both
        # hips' large-print panels: dots of the large type left no room for a spoke between the
        # hub and the outline), the X at most as large as 2.5 cm of body (in large print's small
        # panels an X of the large type covered the spokes)
        per_cm = _pt_per_cm_body(ax)
        for ss in sides:  # every view, the front corner too (its hub is where you roll for it)
            _plain_spokes(ax, spoke_pattern(side=ss, view=view, length_cm=SPOKE_LENGTH_CM),
                          min(font_pt, per_cm * 4.0), inside=skin, clear_of=clear)
        out[key] = (ax, _mark_spots(ax, spots, min(font_pt, per_cm * 2.5), side == BOTH, inside=skin,
                                    grey={t for t, _ in spots if not reached_here(t, view)}))
    return out


def _panel_spots(view: str, sides, trigger_points) -> dict[tuple[str, str], tuple[float, float]]:
    """{(trp_id, side): (x, y)} of the spots a panel of ``view`` marks on each of ``sides``: the
    referral map's for that view (``roll.marked_spots``)."""
    from hipball.roll import marked_spots

    places = {ss: marked_spots(view, ss, trigger_points) for ss in sides}
    return {(t, ss): places[ss][t] for t in trigger_points for ss in sides if t in places[ss]}


def _grown_crop(crops: dict, view: str, spots: dict) -> dict:
    """``crops`` (the crop of each view) with ``view``'s grown to take in every spot it marks."""
    (cx0, cx1), (cy0, cy1) = crops[view]
    ys = [xy[1] for xy in spots.values()]
    return dict(crops, **{view: ((cx0, cx1), (min([cy0, *(y - 4 for y in ys)]), max([cy1, *(y + 4 for y in ys)])))})


# A spot's X on a panel of the spoke picture that does not show the position it is reached in
# (``referral.position_view``): grey, where the X of a panel that does is black. A client read
# X's in 'From behind' for spots the steps and page 3 reach on the side as a contradiction.
SEEN_GREY = "#9a9a9a"


def spot_mark_style(size_pt: float, reached: bool = True) -> dict:
    """How a spot's X is drawn on the spoke picture, its key and the outline: two thin black
    strokes over the spokes, no fill and no halo. (A filled X with a white edge sat on the hub
    and hid the spokes, a client read of issue 11; a thin one leaves the red showing around its
    strokes, even along a spoke that runs under one of them.) ``reached`` False: the spot as
    seen from a panel whose position does not reach it, in grey (``SEEN_GREY``)."""
    return dict(marker="x", ls="none", ms=size_pt * 1.1, mec="black" if reached else SEEN_GREY, mew=0.85)


def reached_here(trp_id: str, view: str) -> bool:
    """Whether the spoke picture's ``view`` panel shows the position that reaches a spot (its X
    black there, else grey): the one rule, ``referral.position_view``."""
    from hipball.referral import position_view

    return position_view(trp_id) == view


def _outline_marks(trp_id: str, view: str) -> bool:
    """Whether the mark-by-hand outline marks a chosen spot on ``view``: only in the panel
    whose position reaches it (the spoke picture's black X), so each spot is one X (a client
    read the X's of every view a spot shows in as that many spots: 9 for 4); a spot no panel's
    position reaches (sitting: the back of the thigh) in one view, from behind if it shows there."""
    from hipball.frame import SIDES
    from hipball.roll import VIEWS, marked_views

    shown = {v for s in SIDES for v in marked_views(trp_id, s)}
    if any(reached_here(trp_id, v) for v in shown):
        return reached_here(trp_id, view)
    return view == ("posterior" if "posterior" in shown else next(v for v in VIEWS if v in shown))


def any_seen_only(side: str, trigger_points) -> bool:
    """Whether the spoke picture draws a grey X anywhere (its key then says what one is)."""
    from hipball.roll import marked_views

    return any(not reached_here(t, v) for s in expand_side(side) for t in trigger_points
               for v in marked_views(t, s))


# One landmark a client finds on their own body, drawn where the atlas has it on the front-corner
# panels (the spoke picture's and the outline's, which had none: a client could not place them).
# The words are the spots' own ("below the front hip bone", hipball.referral.PLAIN_NAMES).
LANDMARK = ("asis", "front hip bone")
LANDMARK_GREY = "#555555"


def _landmark_style(size_pt: float) -> dict:
    """The front hip bone's mark: a small grey triangle (the panels and the key)."""
    return dict(marker="^", ls="none", ms=size_pt * 0.7, mfc=LANDMARK_GREY, mec="white", mew=0.6)


def _landmark(ax, view: str, side: str, size_pt: float, named: bool = True, ground: str | None = None):
    """The front hip bone (``LANDMARK``, the atlas's ASIS) on a front-corner panel: a small grey
    triangle at its place and its name above it, at the panel's top, joined by a thin line.
    Returns (marker, label); None on other views. No room for the name above the bone (large
    print), or ``named`` False (the key names it): the triangle alone, label None. ``ground``: the
    name printed on a box of the panel's fill, over the body's edge (on the mark-by-hand outline
    the edge ran through the words)."""
    from matplotlib import patheffects

    from hipball.referral import landmarks

    if view != "anterolateral":
        return None
    lid, words = LANDMARK
    x, y = landmarks(view, side)[lid]
    (m,) = ax.plot(x, y, zorder=35, **_landmark_style(min(size_pt, _pt_per_cm_body(ax) * 4.0)))
    m.set_gid(f"landmark:{lid}")
    if not named:
        return m, None
    fig = ax.get_figure()
    y_top = ax.get_ylim()[1]
    for _ in range(8):  # the panel's top raised (a little smaller drawing) until the name fits above the bone
        ax.apply_aspect()
        w_cm = ax.get_position().width * fig.get_figwidth() * 2.54
        text = _wrapped(words, w_cm, size_pt)
        per_cm = abs(ax.get_xlim()[1] - ax.get_xlim()[0]) / w_cm  # data units per cm on paper
        top = ax.get_ylim()[1] - 0.1 * per_cm
        bottom = top - (text.count("\n") + 1) * 1.2 * size_pt * PT_CM * per_cm
        short = y + 0.15 * per_cm - bottom
        if short <= 0:
            break
        ax.set_ylim(ax.get_ylim()[0], ax.get_ylim()[1] + short * 1.1)
    if short > 0 or ax.get_ylim()[1] - y_top > 0.15 * (y_top - ax.get_ylim()[0]) or \
            max(map(len, text.split("\n"))) > _chars(w_cm, size_pt, least=1):
        ax.set_ylim(ax.get_ylim()[0], y_top)  # no room: the triangle alone
        return m, None
    ax.plot([x, x], [y, bottom], color=LANDMARK_GREY, lw=0.6, zorder=34)
    label = ax.text(x, top, text, ha="center", va="top", fontsize=size_pt, color=LANDMARK_GREY,
                    linespacing=1.05, zorder=36, clip_on=False,
                    path_effects=[patheffects.withStroke(linewidth=2.0, foreground="white")],
                    bbox=None if ground is None else dict(boxstyle="square,pad=0.15", fc=ground, ec="none"))
    label.set_gid(f"landmark-label:{lid}")
    return m, label


def _pt_per_cm_body(ax) -> float:
    """Points on paper per cm of body in a panel (aspect 'equal')."""
    return float(abs(_pt_scale(ax)[0]))


# Clear paper between two X's of one panel (pt): two spots 1 cm apart at the front corner printed
# as X's whose strokes crossed (a client read them as one blot). 2 pt is about 0.7 mm.
MARK_GAP_PT = 2.0


def mark_width_pt(mark) -> float:
    """An X's printed width (pt): its marker size and its stroke."""
    return mark.get_markersize() + mark.get_markeredgewidth()


def mark_reach_pt(mark) -> float:
    """How far a marker's drawing reaches from its centre on paper (pt): its path's farthest
    corner and half its stroke (an X's arm tips and a triangle's corners reach 0.71 of the
    marker size, not the half a circle of its width assumes)."""
    import numpy as np
    from matplotlib.markers import MarkerStyle

    style = MarkerStyle(mark.get_marker())
    corners = style.get_transform().transform(style.get_path().vertices)
    return float(np.hypot(*corners.T).max()) * mark.get_markersize() + mark.get_markeredgewidth() / 2


def _mark_spots(ax, spots: dict, font_pt: float, both: bool, inside=None, grey=frozenset()) -> dict:
    """An X at each spot of ``_panel_spots`` (``spot_mark_style``; the spots in ``grey`` in grey,
    under the black ones), kept ``MARK_GAP_PT`` of clear paper apart (``_spread_marks``) and on
    the body (``inside``: the outline's Path); returns {trp_id (both hips: trp_id:side): marker}."""
    marks = {}
    for (t, ss), xy in spots.items():
        (m,) = ax.plot(*xy, zorder=39 if t in grey else 40, **spot_mark_style(font_pt, t not in grey))
        m.set_gid(f"spot:{t}:{ss}")
        marks[f"{t}:{ss}" if both else t] = m
    if marks:
        _spread_marks(ax, list(marks.values()), max(map(mark_width_pt, marks.values())) + MARK_GAP_PT,
                      inside=inside)
    return marks


def _spread_marks(ax, marks, size_pt: float, rounds: int = 200, inside=None, settle: bool = False) -> None:
    """Move marks that would overlap on paper apart, the least needed, each pair along the line
    between them (two spots at the front corner printed as one blot of crosses): afterwards no
    two centres are closer than ``size_pt`` (the mark and its white edge) at the printed size.

    ``inside`` (a Path in data coordinates, the body's outline): a mark pushed off the body, or
    reaching past its outline, is pulled back so the whole mark is on it (``_pull_inside``),
    after every round and when there is one mark (on the small side chart of the referral map,
    five spots pushed the front-corner X into the white margin; a thigh spot's X from behind
    printed half off the leg).

    ``settle``: then each mark moves back toward its spot as far as the others and the outline
    let it (the pushes, pair by pair, can carry a mark further than it needs: on the referral
    map the front corner's X went 6 cm of body off its spot)."""
    import numpy as np

    if not marks:
        return
    scale = _pt_scale(ax)
    pts = np.array([[m.get_xdata()[0], m.get_ydata()[0]] for m in marks], dtype=float) * scale
    home = pts.copy()
    # the whole mark on the body, its corners a point of paper inside the outline's line
    room = None if inside is None else _room(inside, scale, max(map(mark_reach_pt, marks)) + 1.0)
    for _ in range(rounds):
        moved = False
        for i in range(len(pts)):
            for j in range(i + 1, len(pts)):
                d = pts[j] - pts[i]
                dist = float(np.hypot(*d))
                if dist >= size_pt - 1e-6:
                    continue
                u = d / dist if dist > 1e-9 else np.array([1.0, 0.0])
                push = (size_pt - dist) / 2 + 0.05
                pts[i] -= u * push
                pts[j] += u * push
                moved = True
        if room is not None:
            moved |= _pull_inside(pts, room, inside, scale)
        if not moved:
            break
    if settle:
        _settle(pts, home, size_pt, room)
    for m, (x, y) in zip(marks, pts / scale):
        m.set_data([x], [y])


def _settle(pts, home, size_pt: float, room=None, rounds: int = 100) -> None:
    """Move each point (points on paper) toward its ``home`` the most of a whole, half, quarter
    or eighth of the way that keeps it ``size_pt`` from every other and its mark on the body
    (``room``: ``_room``'s answer, where ``_pull_inside`` puts the marks), round after round
    while any moves."""
    import numpy as np
    from shapely.geometry import Point

    fits = None if room is None or room[0].is_empty else room[1]
    for _ in range(rounds):
        moved = False
        for k in range(len(pts)):
            d = home[k] - pts[k]
            if np.hypot(*d) < 0.05:
                continue
            others = np.delete(pts, k, axis=0)
            for frac in (1.0, 0.5, 0.25, 0.125):
                cand = pts[k] + frac * d
                if (np.hypot(*(others - cand).T) >= size_pt - 1e-6).all() and \
                        (fits is None or fits.covers(Point(cand))):
                    pts[k] = cand
                    moved = True
                    break
        if not moved:
            return


def _pt_scale(ax):
    """Points on paper per data unit in x and in y, as the axes are drawn (aspect applied)."""
    import numpy as np

    fig = ax.get_figure()
    ax.apply_aspect()
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    box = ax.get_position()  # the axes in figure fractions (aspect 'equal': the drawn box)
    w_pt, h_pt = box.width * fig.get_figwidth() * 72, box.height * fig.get_figheight() * 72
    return np.array([w_pt / (x1 - x0), h_pt / (y1 - y0)])


def _room(inside, scale, margin_pt: float):
    """The body's outline (``inside``, a Path in data coordinates) on paper (points), shrunk by
    ``margin_pt``: where a mark's centre keeps the whole mark on the body. (geometry, prepared
    geometry); the geometry is empty when the body is too narrow."""
    from shapely.geometry import Polygon
    from shapely.prepared import prep

    room = Polygon(inside.vertices * scale).buffer(0).buffer(-margin_pt)
    return room, prep(room)


def _pull_inside(pts, room, inside, scale) -> bool:
    """Move each point (in points on paper) outside ``room`` (``_room``'s answer: where the
    whole mark is on the body) to the nearest place in it (a mark whose centre was just inside
    the outline printed half over it: the referral map's thigh spot from behind). A body too
    narrow for the mark (``room`` empty): a point off the body (``inside``, a Path in data
    coordinates) onto the outline's nearest point, a little toward its centre. True if any
    point moved."""
    import numpy as np
    from shapely.geometry import Point
    from shapely.ops import nearest_points

    from shapely.geometry import Polygon

    area, fits = room
    target = area.buffer(-0.05)
    target = area if target.is_empty else target  # (a sliver of room: its own edge)
    outline = inside.vertices * scale
    edge, centre = Polygon(outline).exterior, outline.mean(axis=0)
    moved = False
    for k, p in enumerate(pts):
        if not area.is_empty:
            if fits.covers(Point(p)):
                continue
            pts[k] = np.asarray(nearest_points(target, Point(p))[0].coords[0])
        else:
            if inside.contains_point(tuple(p / scale)):
                continue
            q = np.asarray(nearest_points(edge, Point(p))[0].coords[0])
            pts[k] = q + (centre - q) / max(float(np.hypot(*(centre - q))), 1e-9) * 1.0
        moved = True
    return moved


def _panel_title(key: str, side: str) -> str:
    view = key.split(":")[0]
    if side != BOTH or view == "posterior":
        return VIEW_WORDS[view]
    return side_view_title(view, "left" if key.endswith(":left") else "right")


@lru_cache(maxsize=64)
def spokes_svg(side: str, trigger_points: tuple[str, ...], width_cm: float = 8.6, height_cm: float = 6.2,
               font_pt: float = 7.5, small_pt: float | None = None, chosen: bool = True, short_key: bool = False) -> str:
    """The spoke picture of page 1 (``draw_spot_views``) at its printed size, a view name over
    each panel and a two-line key under them (both hips: in the corner under 'From behind').
    No anatomy, no Latin. ``chosen``: the key calls the X 'your spots' (else the common spots
    of the routine, ``spots_words``)."""
    fig, _ = spokes_figure(side, trigger_points, width_cm, height_cm, font_pt, small_pt, chosen, short_key)
    return _to_svg(fig, tight=False)


def spokes_figure(side: str, trigger_points: tuple[str, ...], width_cm: float = 8.6, height_cm: float = 6.2,
                  font_pt: float = 7.5, small_pt: float | None = None, chosen: bool = True, short_key: bool = False):
    """``spokes_svg``'s figure and {panel key: (axes, marks)} (``draw_spot_views``). ``short_key``:
    the key's entries in fewer words (``KEY_WORDS``; large print: one line each)."""
    for named in (True, False):  # the bone's name in its panel, else (no room: large print) in the key
        fig, views = _spokes_figure(side, trigger_points, width_cm, height_cm, font_pt, small_pt, chosen, named,
                                    short_key)
        if not named or all(any(t.get_gid() == f"landmark-label:{LANDMARK[0]}" for t in ax.texts)
                            for key, (ax, _) in views.items() if key.startswith("anterolateral")):
            return fig, views


# the spoke picture's key: (the spokes, the X's, a grey X), in full and (``short_key``) in fewer
# words. Large print: the short ones, each one line of large type at the picture's width, so the
# panels keep the room ('roll out along each line, and back' and '...: linger on them' took two
# lines each and left large print's panels about 1.7 cm tall, both hips' under 0.5 cm). The grey
# X's line only when the picture has one (``any_seen_only``): a black X is where the panel's
# position reaches the spot (the steps name each panel's position).
KEY_WORDS = {False: ("roll out along each line, and back", "{spots} (X): linger on them",
                     "grey X: the same spot, reached in another position"),
             True: ("roll along each line and back", "{spots} (X): linger there",
                    "grey X: in another position")}


def _spokes_figure(side, trigger_points, width_cm, height_cm, font_pt, small_pt, chosen, named, short_key=False):
    """``spokes_svg``'s figure and ``draw_spot_views``' panels; ``named`` False: the front hip
    bone's name in the key, beside its triangle, not in the panels."""
    from matplotlib.lines import Line2D

    both = side == BOTH
    fig = _figure(width_cm * CM, height_cm * CM)
    small = small_type(font_pt, small_pt)  # the key; both hips: the panel titles too
    title_pt = small if both else font_pt
    # wrapped by their printed width (an estimate per character put 'Right front corner' on three
    # lines of large type, taking both hips' panels' room)
    titles = {key: _fitted(_panel_title(key, side), width_cm / 3 - 0.15, title_pt, bold=True)
              for key, _, _ in _spot_panels(side)}
    lines = max(t.count("\n") + 1 for t in titles.values())
    title_h = _lines_share(lines, title_pt, height_cm)
    # the key: under the panels, or (both hips) in the corner under 'From behind' if it fits
    # there in four lines (in large print it does not)
    from hipball.referral import spots_words

    spokes, spots, grey = KEY_WORDS[short_key]
    spots = spots.format(spots=spots_words(chosen).removeprefix("the ") if short_key else spots_words(chosen))
    grey = (grey,) if any_seen_only(side, trigger_points) else ()
    words = (spokes, spots, *grey, *(() if named else (LANDMARK[1],)))
    labels = [_wrapped(t, width_cm / 3 - 2.4 * small * PT_CM, small) for t in words]
    corner = both and sum(t.count("\n") + 1 for t in labels) <= 4
    if not corner:
        labels = [_wrapped(t, width_cm - 2.4 * small * PT_CM, small) for t in words]
    key_h = 0.0 if corner else 1.775 * sum(t.count("\n") + 1 for t in labels) * small / 72 / (height_cm * CM)
    with _theme():
        rect = (0.0, key_h, 1.0, 1 - title_h - key_h)
        views = draw_spot_views(fig, side, trigger_points, font_pt=font_pt, rect=rect,
                                row_gap=title_h if both else 0.0, label_pt=small, named=named)
        for key, (ax, _) in views.items():
            x0, y0, w, h = ax.get_position(original=True).bounds  # the panel's slot, not its drawn box
            fig.text(x0 + w / 2, y0 + h + title_h * 0.95, titles[key], ha="center", va="top",
                     fontsize=title_pt, fontweight="bold", linespacing=1.1)
        handles = [Line2D([], [], color="#D0021B", lw=2.4, label=labels[0]),
                   Line2D([], [], label=labels[1], **spot_mark_style(font_pt))]
        if grey:
            handles.append(Line2D([], [], label=labels[2], **spot_mark_style(font_pt, reached=False)))
        if not named:
            handles.append(Line2D([], [], label=labels[-1], **_landmark_style(small)))
        where = dict(loc="center", bbox_to_anchor=(1 / 6, 0.25)) if corner else dict(loc="lower center")
        fig.legend(handles=handles, ncol=1, frameon=False, fontsize=small,
                   handlelength=1.6, columnspacing=1.0, borderaxespad=0.1, **where)
    return fig, views


SPOKE_LW, SPOKE_CASING_LW = 2.2, 4.4  # the red line and its white casing (pt)
SPOKE_GAP_PT = 1.0  # clear paper between a spoke's drawn end and the outline's stroke


def spoke_end_pt(font_pt: float) -> float:
    """How far a spoke's drawing reaches past its end point on paper (pt): its end dot's radius
    or its round white casing's, whichever is larger."""
    return max(font_pt * 0.45 / 2, SPOKE_CASING_LW / 2)


def _plain_spokes(ax, pattern, font_pt: float, inside=None, outline_lw: float = 1.0, clear_of=()) -> None:
    """Spokes for print at a small size: thick red lines with a white casing and a round
    end, a white hub ringed in red (arrowheads would merge into a blob at this size).
    ``inside`` (the body outline's Path, data coordinates): a spoke whose drawn end (its dot and
    casing, ``spoke_end_pt``) would reach within ``SPOKE_GAP_PT`` of the outline's stroke at the
    printed size is drawn shorter (``_end_inside``): the model keeps 0.8 cm of body short of
    the skin, which on a small panel is under the dot's own radius. ``clear_of``: marks the
    spokes' drawn ends keep the same gap from, [((x, y) data, radius pt)] (the bone's triangle)."""
    from matplotlib import patheffects

    from hipball.draw.palette import SPOKE_RED

    casing = [patheffects.Stroke(linewidth=SPOKE_CASING_LW, foreground="white"), patheffects.Normal()]
    room = None if inside is None else _spoke_room(ax, inside, spoke_end_pt(font_pt) + outline_lw / 2 + SPOKE_GAP_PT,
                                                   clear_of)
    for sp in pattern.spokes:
        end = sp.end if room is None else _end_inside(ax, sp.start, sp.end, room)
        (line,) = ax.plot([sp.start[0], end[0]], [sp.start[1], end[1]], color=SPOKE_RED, lw=SPOKE_LW,
                          solid_capstyle="round", path_effects=casing, zorder=30)
        line.set_gid("spoke")
        ax.plot(*end, "o", ms=font_pt * 0.45, color=SPOKE_RED, zorder=31)
    for hub in pattern.hubs:
        ax.plot(*hub.xy, "o", ms=font_pt * 0.9, mfc="white", mec=SPOKE_RED, mew=1.8, zorder=32)


def _spoke_room(ax, inside, margin_pt: float, clear_of=()):
    """Where a spoke's drawn end may lie on paper (points; once per panel): at least
    ``margin_pt`` inside ``inside`` (a Path, data coordinates) and as far outside each disc of
    ``clear_of`` ([((x, y), radius pt)])."""
    import numpy as np
    from shapely.geometry import Point

    scale = _pt_scale(ax)
    room = _room(inside, scale, margin_pt)[0]
    for xy, r_pt in clear_of:
        room = room.difference(Point(np.asarray(xy, float) * scale).buffer(r_pt + margin_pt))
    return room


def _end_inside(ax, start, end, room) -> tuple[float, float]:
    """``end``, or the point of the segment from ``start`` nearest to it that lies in ``room``
    (``_spoke_room``), the segment from ``start`` in that room all the way (the hub itself
    when even it is outside)."""
    import numpy as np
    from shapely.geometry import LineString, Point

    scale = _pt_scale(ax)
    a, b = np.asarray(start, float) * scale, np.asarray(end, float) * scale
    seg = LineString([a, b])
    if room.contains(seg):
        return tuple(end)
    if not room.contains(Point(a)):
        return tuple(start)
    cut = seg.intersection(room.boundary)
    pts = [np.asarray(g.coords[0]) for g in getattr(cut, "geoms", [cut]) if not g.is_empty]
    first = min(pts, key=lambda q: float(np.hypot(*(q - a))))  # where the spoke first leaves the room
    return tuple(float(c) for c in first / scale)


@lru_cache(maxsize=32)  # (large print draws it at seven heights: ``page.LARGE_OUTLINE_GROW_CM``)
def outline_svg(side: str, trigger_points: tuple[str, ...] = (), width_cm: float = 9.0, height_cm: float = 5.2,
                font_pt: float = 7.5, small_pt: float | None = None) -> str:
    """A body outline in three views (from behind, from the side, front corner) where the
    therapist marks the client's spots by hand. Both hips: the panels of the spoke picture
    (``_spot_panels``): from behind shows both, and each hip has its own side and front corner,
    the right hip's row over the left's, so spots on either hip can be marked.
    ``trigger_points`` (the spots the therapist chose): each marked with an X once, in the panel
    whose position reaches it (the spoke picture's black X, ``_outline_marks``), with room for
    more by hand; none: blank."""
    fig = _figure(width_cm * CM, height_cm * CM)
    size = small_type(font_pt, small_pt) if side == BOTH else font_pt
    panels = _spot_panels(side)
    titles = {key: _wrapped(view_title(key, side) if side != BOTH else _panel_title(key, side), width_cm / 3, size)
              for key, _, _ in panels}
    title_h = _lines_share(max(t.count("\n") + 1 for t in titles.values()), size, height_cm)
    rows = 1 + max(r for _, _, (r, _) in panels)
    ph = (1 - rows * title_h) / rows
    with _theme():
        for key, s, (row, col) in panels:
            view = key.split(":")[0]
            y0 = (rows - 1 - row) * (ph + title_h)
            ax = fig.add_axes((col / 3 + 0.01, y0, 1 / 3 - 0.02, ph))
            spots = {k: xy for k, xy in _panel_spots(view, expand_side(s), trigger_points).items()
                     if _outline_marks(k[0], view)}
            skin = _outline(ax, view, pictured_side(s), lw=0.9, crop=_grown_crop(_CROP, view, spots))
            mark = _landmark(ax, view, pictured_side(s), small_type(font_pt, small_pt), ground="white")
            if mark and mark[1] is None:  # no room for its name (no key here): no unexplained triangle
                mark[0].remove()
            _mark_spots(ax, spots, min(font_pt, _pt_per_cm_body(ax) * 2.5), side == BOTH, inside=skin)
            fig.text((col + 0.5) / 3, y0 + ph + title_h, titles[key], ha="center", va="top", fontsize=size,
                     linespacing=1.1)
    return _to_svg(fig, tight=False)
