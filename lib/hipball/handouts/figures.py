"""The handout's pictures, as SVG text for the page (``hipball.draw.handout`` draws and caches
them; this module names what a page needs and imports no matplotlib itself)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hipball.handouts import params
from hipball.handouts.page import LARGE_OUTLINE_GROW_CM, figure_type, outline_size, referral_heights

from hipball.draw.handout import (  # noqa: F401 (the names the handouts and their tests use)
    clear_cache,
    outline_svg,
    positions_svg,
    referral_svg,
    spokes_svg,
    trp_styles,
)

FILES = {"fig_positions": "positions.svg", "fig_spokes": "spokes.svg", "fig_outline": "outline.svg",
         "fig_referral": "referral.svg"}
TALLER_OUTLINES = "fig_outline_taller"  # large print: the outline drawn taller (a list of files)


def write_page_figures(root: Path, values: dict[str, Any], trigger_points: tuple[str, ...],
                       referral_size: dict[str, float], text_width_cm: float,
                       type_pt: dict[str, float]) -> dict[str, str]:
    """Write every picture of one handout into ``root``; returns the data keys -> file names.
    Sizes are the printed sizes (placed at 100 % by the template), so type prints at its size:
    ``type_pt`` {font_pt, small_pt} (``page.figure_type``)."""
    side, large = values["side"], bool(values["large_print"])
    chosen = bool(values["trigger_points"])  # the client's own spots (else the routine's common ones)
    a4 = 0.8 if values["paper"] == "a4" else 0.0  # A4 is 1.8 cm taller than Letter: bigger pictures
    # lying: two rows of larger pictures (one row of five left a quarter of page 1 empty);
    # standing at the wall: three tall pictures in one row. Both hips: the right hip's pictures
    # at one hip's size, a line over them saying so (``positions_svg``)
    lying = values["surface"] != "wall"
    # (large print, lying: a row per position, its words beside the drawing: ``_positions_beside``)
    rows = (0 if large else 2) if lying else 1
    referral = dict(referral_size)  # the full text width: its key names each spot in plain words
    svgs = {
        "fig_positions": positions_svg(side, values["ball"], values["surface"], width_cm=text_width_cm,
                                       # two rows: at most this tall with their large type (the
                                       # routine fits below); both hips, whose routine is longer,
                                       # a little less in normal print (large print: the room the
                                       # pictures of both hips took before, 10 cm)
                                       # (large print, lying, A4: 0.3 cm more, not 0.8: its rows
                                       # are the narrower page's, and the routine keeps page 1)
                                       height_cm=_positions_height(side, values["surface"], large)
                                       + (min(a4, 0.3) if large and lying else a4),
                                       rows=rows, **type_pt),
        "fig_spokes": spokes_svg(side, tuple(trigger_points), **spokes_kwargs(values, text_width_cm, type_pt)),
        # both hips: two rows (each hip's side and front corner); its size: page.outline_size
        "fig_outline": outline_svg(side, tuple(trigger_points) if chosen else (),
                                   **outline_size(values["paper"], side, large), **type_pt),
        "fig_referral": referral_svg(side, tuple(trigger_points), chosen=chosen, **referral),
    }
    # the referral map at each of its heights (``page.referral_heights``): the page prints the
    # tallest its room allows
    files = dict(FILES)
    for i, h in enumerate(referral_heights(values)[1:], start=2):
        key = f"fig_referral_{i}"
        files[key] = f"referral-{i}.svg"
        svgs[key] = referral_svg(side, tuple(trigger_points), chosen=chosen, **dict(referral, height_cm=h))
    for key, svg in svgs.items():
        (root / files[key]).write_text(svg, encoding="utf-8")
    if large:  # page 4: the outline taller, for the template to take the tallest that fits
        files[TALLER_OUTLINES] = []
        size = outline_size(values["paper"], side, large)
        for i, grow in enumerate(LARGE_OUTLINE_GROW_CM[side == "both"], start=1):
            name = f"outline-{i}.svg"
            (root / name).write_text(outline_svg(side, tuple(trigger_points) if chosen else (),
                                                 width_cm=size["width_cm"], height_cm=size["height_cm"] + grow,
                                                 **type_pt), encoding="utf-8")
            files[TALLER_OUTLINES].append(name)
    return files


def referral_keys(files: dict[str, Any]) -> list[str]:
    """The referral map's keys of ``write_page_figures``'s answer, shortest drawing first."""
    return ["fig_referral"] + sorted((k for k in files if k.startswith("fig_referral_")),
                                     key=lambda k: int(k.rsplit("_", 1)[1]))


def spokes_kwargs(values: dict[str, Any], text_width_cm: float, type_pt: dict[str, float]) -> dict[str, Any]:
    """``spokes_svg``'s keywords past the side and the spots for one handout's values: whose
    spots the X marks, the key's words, the printed size and the type (``page.figure_type``)."""
    from hipball.draw.handout import any_seen_only
    from hipball.handouts import content

    large, chosen = bool(values["large_print"]), bool(values["trigger_points"])
    trps = tuple(values["trigger_points"]) or params.standard_trigger_points()
    note = content.spots_note(chosen, trps, values["side"], values.get("surface", "bed"))
    return dict(chosen=chosen, short_key=large,
                **spokes_size(values["side"], large, note_lines(note, text_width_cm), values["paper"], text_width_cm,
                              grey=any_seen_only(values["side"], trps)), **type_pt)


NOTE_PT = 8.5  # the note under the spoke picture (normal print; the template's ``spots-note``)


def note_lines(note: str, text_width_cm: float) -> int:
    """About how many lines the note under the spoke picture takes in normal print, in its
    column (the template's: 1.05 : 1 with the routine, 14 pt apart), at ``NOTE_PT`` (DejaVu
    Sans, about half an em a character)."""
    import textwrap

    column_cm = (text_width_cm - 14 * 2.54 / 72) / 2.05
    return len(textwrap.wrap(note, int(column_cm / (0.5 * NOTE_PT * 2.54 / 72)))) if note else 0


LINE_CM = 0.4  # a line of the note under the spoke picture (``NOTE_PT``, the page's leading)


def spokes_size(side: str, large: bool, note_lines: int, paper: str, text_width_cm: float,
                grey: bool = False) -> dict[str, float]:
    """The spoke picture's size as drawn (cm; the page may print it wider: ``widest``).
    ``note_lines``: the lines of the note under it (``content.spots_note``) in normal print;
    ``grey``: its key has the grey X's line (``draw.handout.any_seen_only``)."""
    a4 = 0.8 if paper == "a4" else 0.0
    # large print: as tall as the dose box beside it (both hips: two rows of panels and the key
    # under them, in the room page 2 has), and a line of the key's large type taller when the
    # key has the grey X's line (else the panels gave it their room)
    # (normal print, both hips: taller, its two rows of panels were squeezed while page 1 had
    # room under the dose box)
    # (normal print: less tall by the lines under it past two, both hips by every line: the
    # note that no spots were chosen, or how to reach chosen spots past the spokes, took them:
    # content.spots_note)
    key_line = 1.775 * figure_type(True)["small_pt"] * 2.54 / 72 if grey else 0.0
    height = ((8.6 if side == "both" else 7.0) + key_line if large
              else (7.4 - LINE_CM * note_lines if side == "both" else 5.6 - LINE_CM * max(0, note_lines - 2)))
    return {"width_cm": round(text_width_cm * 0.48, 2), "height_cm": height + a4}


def _positions_height(side: str, surface: str, large: bool) -> float:
    """The positions' printed height at most (cm, on Letter; A4 adds 0.8 cm): lying, two rows of
    larger pictures; standing at the wall, one row of three tall ones (3.5 cm taller). Both
    hips: the right hip's pictures under a line that says so (``positions_svg``), in the room
    page 1 leaves beside a longer routine (the most that keeps every combination's pages;
    on a bed, the mattress makes the pictures taller)."""
    lying, bed = surface != "wall", surface == "bed"
    if side != "both":
        # (large print, lying: 9.4, the height its two rows printed at, over their 9.0 cap)
        return (9.4 if large else 7.2) if lying else (5.6 if large else 4.6) + 3.5
    if large:  # (lying: a line less than before the stop signs printed at the body size)
        return (9.2 if bed else 9.4) if lying else 5.6 + 3.5
    return 7.0 if bed or not lying else 7.2
