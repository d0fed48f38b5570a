"""Compose one handout: parameters -> page data (plain strings) -> Typst -> PDF bytes.

Why Typst (the ``typst`` package): a maintained typesetter that is a single wheel, needs no
LaTeX and no browser, compiles a page in tens of milliseconds in-process, embeds (subsets)
fonts, keeps SVG figures as vectors, writes real selectable text, knows the exact US Letter
and A4 sizes, and can place the pages of finished PDFs into another PDF (the class packet).
matplotlib's PDF backend could draw the page, but flowing text, numbered lists, boxes and a
table by hand would be a page-layout engine of our own.

Client text stays literal: all of it travels in ``data.json``, which the template reads with
``json()`` and places as strings. It is never spliced into Typst source.

Work files (``data.json``, the figures, the logo) live in a private 0700 folder
``.hipball-work-*`` beside the PDF being written, so client data never goes to the system's
temporary folder; the folder is removed when the page is done, and ``paths.clean_partials``
removes one left by a killed run at the start of the next.

PDF metadata carries no more than the page shows: the title (the page's own title line, with
the name only when the name is printed) and the author ``hipball``; never the therapist,
clinic, notes or a file path.

Determinism: ``date: none`` in the template, fonts only from files shipped with pinned
packages (matplotlib's DejaVu, Typst's embedded fonts; no system fonts) plus the folders in
HIPBALL_FONT_DIR, figures from ``figures`` (their file names arrive in the data as fig_*) with a
fixed SVG hash salt and no date. The same
parameters (and fonts) give the same bytes. Client text is checked against those fonts before
anything is rendered (``glyphs``), so it never prints as empty boxes.

Pages (``PAGES``): normal print is three: how (the position pictures, the routine beside the
spots and spokes, the dose) | safety and set-up (red flags and spots to keep the ball off, ball
and surface with the gentlest-to-firmest ladder, aftercare, what the research shows) | notes beside
the contact and the outline for marking spots, the referral map (full width), log, sources. Large print (text
x1.35, narrower margins; every word a client reads at the large body size but the footer, the
sources line and the log's headers; the pictures' words too, ``figure_type``) is five:
positions, stop signs, routine | spots and spokes, dose, ball and ladder (after the routine's last
lines when they carry over) | red flags (spaced to fill the page), research | aftercare, spots outline at the full width
(``outline_size``, taller into the room short notes leave: ``LARGE_OUTLINE_GROW_CM``), notes,
contact | referral map, log, sources. Notes near the length limit
(``params.MAX_NOTES``) carry on over one more page in large print. Large print's spoke picture
(page 2) takes the room its page would leave blank: its column widens as far as the page allows
(the template's ``widest``) and the picture scales with its column.
"""

from __future__ import annotations

import io
import json
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from hipball.frame import SIDE_WORDS, expand_side, hip_words
from hipball.handouts import content, glyphs, logo, params, paths
from hipball.handouts.paths import atomic_write_bytes
from hipball.referral import spots_words

TEMPLATE = "handout.typ"
WORK_PREFIX = paths.WORK_PREFIX   # paths.clean_partials removes leftovers of a killed run
PAPER = {"letter": "us-letter", "a4": "a4"}
PAPER_WIDTH_CM = {"letter": 21.59, "a4": 21.0}
MARGIN_X_CM = 1.5          # the page margin, left and right (data "margin_x_cm")
LARGE_MARGIN_X_CM = 1.2    # large print: a little more room for the bigger type
LARGE_PRINT_SCALE = 1.35
BODY_PT = 9.5              # the body text (x LARGE_PRINT_SCALE in large print; data "body_pt")
FIGURE_PT = 7.5            # the pictures' type on paper in normal print (the referral map's key too)
MIN_KEY_PT = 7.0           # the referral map's key may shrink to this to fit, in normal print only
PAGES = {False: 3, True: 5}  # pages by large_print (long notes can add one in large print)


@dataclass
class Rendered:
    path: Path
    pages: int
    size: int


def fonts():
    """Fonts from packages only (deterministic on any machine): matplotlib's DejaVu family,
    Typst's embedded fonts, and any folder named in HIPBALL_FONT_DIR (e.g. a CJK font)."""
    return glyphs.book(glyphs.font_dirs())


# the bottom margin by large_print (the footer prints in it; nothing else may: the tests read
# every text line's baseline above it)
MARGIN_BOTTOM_CM = {False: 1.5, True: 1.3}


def margin_x_cm(large_print: bool) -> float:
    return LARGE_MARGIN_X_CM if large_print else MARGIN_X_CM


def text_width_cm(paper: str, large_print: bool = False) -> float:
    return PAPER_WIDTH_CM[paper] - 2 * margin_x_cm(large_print)


def large_body_pt() -> float:
    """The body text in large print: the least size of anything the client reads there."""
    return BODY_PT * LARGE_PRINT_SCALE


def figure_type(large_print: bool) -> dict[str, float]:
    """The pictures' type on paper: ``font_pt`` (titles) and ``small_pt`` (cues, keys). Large
    print: both the large-print body size, so no word a client reads prints smaller there."""
    if large_print:
        return {"font_pt": large_body_pt(), "small_pt": large_body_pt()}
    return {"font_pt": FIGURE_PT, "small_pt": FIGURE_PT * 0.9}


# The referral map's heights as drawn (cm, Letter; A4 is 1.8 cm taller and adds 0.8), rising:
# the page prints the tallest that leaves the log and the sources their room (the template's
# ``map-log-sources``), the first always fits (normal print: with a note at the length limit).
# Taller charts keep the X's near their spots (``hipball.draw.handout.MAP_MARK_PT``): at 5.2 cm
# an X stood up to 19 cm of body off its spot.
REFERRAL_HEIGHTS_CM = {False: (6.6, 7.4, 8.2, 9.0), True: (8.1, 9.1, 10.1, 11.1)}


def referral_heights(values: dict[str, Any]) -> tuple[float, ...]:
    """The referral map's heights to draw (``REFERRAL_HEIGHTS_CM``), for this paper and print."""
    a4 = (0.9 if values["large_print"] else 0.8) if values["paper"] == "a4" else 0.0
    return tuple(round(h + a4, 2) for h in REFERRAL_HEIGHTS_CM[bool(values["large_print"])])


def referral_size(values: dict[str, Any]) -> dict[str, Any]:
    """The referral map's printed size (the first of ``referral_heights``), key font, X size and
    surface (its key says where to reach each spot there): drawn at exactly this size and placed
    at 100 % of the text width, so its type is printed at ``font_pt``."""
    from hipball.draw.handout import MAP_MARK_PT

    large = bool(values["large_print"])
    # tall enough for a key that names each spot in plain words at its full size (the body
    # size in large print, never smaller, which has the last page to itself)
    # (large print: the solid and dotted swatches are left to the caption's words and the body
    # charts' slots are narrower, so the key fits beside them in one column of large type)
    font = figure_type(large)["font_pt"]
    return {"width_cm": text_width_cm(values["paper"], large), "height_cm": referral_heights(values)[0],
            "font_pt": font, "min_key_pt": font if large else MIN_KEY_PT, "zone_key": not large,
            "chart_w": 0.16 if large else 0.2, "surface": values.get("surface", "bed"), "mark_pt": MAP_MARK_PT[large],
            "mirror_note": not large}  # (large print: both hips' line in the caption, ``referral_caption``)


# Normal print, page 3: the notes' column to the outline's (1), 10 pt apart; the outline's box
# has 6 pt of inset each side. The outline's column as wide as a note at the length limit (with
# the notes check under it) leaves room for on page 3: one hip's body outlines print 2.8 cm tall
# or more on Letter, 2.7 on A4 (the one from behind, the widest for its height; at 1.6 : 1 they
# were 2.6 and 2.5; at 1.2 : 1 they reach 3 cm but such a note takes a fourth page).
NOTES_SHARE = 1.4
# Large print, page 4: the outline's height as drawn, by both hips (one hip: one row of three
# outlines, 5.7 cm tall; both hips: two rows, 3.7 cm), with room left under it for the notes
LARGE_OUTLINE_CM = {False: 6.5, True: 9.0}
# ... and taller when page 4 has the room (short notes left 7 to 10 cm blank under them): the
# outline is drawn this much taller too (cm, by both hips), and the template prints the tallest
# with which the notes and the contact still end on page 4 (``marks-grown``); a note too long for
# page 4 keeps it as drawn. One hip's outlines grow to 7 to 9 cm tall (+3.6 cm: past it the one
# from behind is as wide as its third of the page and only the blank around it grows), both hips'
# to 7.3 cm (+7.2)
LARGE_OUTLINE_GROW_CM = {False: (1.2, 2.4, 3.6), True: (1.2, 2.4, 3.6, 4.8, 6.0, 7.2)}
_PT_CM = 2.54 / 72


def outline_size(paper: str, side: str, large: bool) -> dict[str, float]:
    """The spots outline's size as drawn (cm). Normal print: exactly as wide as its column on
    page 3 (placed at 100 %, its type prints at its size) and tall enough for body outlines of
    2.7 to 3.3 cm (both hips: two rows, as tall as page 3 has room for with a note at the length
    limit: 2.2 cm on Letter, 2.4 cm on A4; they were 1.5 and 1.8). Large print: the full width
    of page 4 (in its box), one hip's outlines 5.7 cm tall, both hips' 3.7 cm (were 0.49); the
    page may print it drawn taller (``LARGE_OUTLINE_GROW_CM``)."""
    tw = text_width_cm(paper, large)
    if large:  # its box the full text width on page 4, the notes under it
        box, height = tw, LARGE_OUTLINE_CM[side == "both"]
    else:
        box = (tw - 10 * _PT_CM) / (NOTES_SHARE + 1)
        height = (5.2 if paper == "letter" else 6.2) if side == "both" else 3.8
    return {"width_cm": round(box - 12 * _PT_CM - 0.005, 2), "height_cm": height}


def _fmt_min(x: float) -> str:
    return f"{x:g} minute" + ("" if x == 1 else "s")


def page_data(values: dict[str, Any]) -> dict[str, Any]:
    """Everything the template prints, as plain JSON data (no markup anywhere)."""
    v = values
    trps = tuple(v["trigger_points"]) or params.standard_trigger_points()
    chosen = bool(v["trigger_points"])  # else the X marks the routine's common spots (content.spots_note)
    dose = content.dose(v["level"], v["hold_s"], v["session_min"], v["sessions_per_day"])
    side_word = SIDE_WORDS[v["side"]]
    both = len(expand_side(v["side"])) > 1
    anonymous = bool(v.get("anonymize"))
    client = "" if anonymous else v["client"]
    per_day = dose["sessions_per_day"]
    level_word = "beginner: start shorter and softer" if v["level"] == "beginner" else "experienced"
    dose_rows = [
        ["Hold", f"about {dose['hold_s']:g} seconds on a tender spot, or until it eases a little"],
        ["Session", f"about {_fmt_min(dose['session_min'])} " + ("per hip" if both else "on the " + side_word)],
        ["How often", f"{per_day} session{'s' if per_day != 1 else ''} a day" + ("" if per_day == 1 else ", a few hours apart")],
        ["Level", level_word],
    ]
    dose_lines = content.dose_lines(dose, v["side"])
    if anonymous:  # no name anywhere: a line to write it on by hand
        title, subheading, footer = "Hip ball routine", side_word, "Hip ball routine"
    elif client:
        title, subheading = f"Hip ball routine for {client}", f"for {client}  \u00b7  {side_word}"
        footer = f"Hip ball routine \u00b7 {client}"
    else:
        title, subheading = "Hip ball routine (class handout)", f"Class handout  \u00b7  {side_word}"
        footer = "Hip ball routine \u00b7 class handout"
    return {
        "title": title,
        "author": "hipball",  # metadata: never more than the page shows (module docstring)
        "paper": PAPER[v["paper"]],
        "scale": LARGE_PRINT_SCALE if v["large_print"] else 1.0,
        "body_pt": BODY_PT,
        "large": bool(v["large_print"]),
        "margin_x_cm": margin_x_cm(bool(v["large_print"])),
        "margin_bottom_cm": MARGIN_BOTTOM_CM[bool(v["large_print"])],
        "notes_share": NOTES_SHARE,
        "fonts": list(glyphs.text_families()),
        "heading": "Your hip ball routine",
        "name_line": anonymous,
        "subheading": subheading,
        "footer": footer,
        "clinic": v["clinic"],
        "therapist": v["therapist"],
        "logo": logo.print_name(v["logo"]) if v["logo"] else "",
        # (the notes by their page when there are some, or blank lines for them: ``content.has_notes``)
        "routine_intro": content.routine_intro(content.has_notes("" if anonymous else v["notes"], anonymous)),
        "steps": content.routine_steps(v["side"], dose, v["surface"], chosen, len(trps)),
        "spots_heading": content.spots_heading(chosen),
        "spots_note": content.spots_note(chosen, trps, v["side"], v["surface"]),
        "marks_title": content.marks_title(chosen),
        "marks_note": content.marks_note(chosen),
        "rolling_caption": content.rolling_caption(v["surface"], v["side"]),
        "dose_title": "Your dose",
        "dose_rows": dose_rows,
        "dose_lines": dose_lines,
        "dose_side": ("Both hips, one at a time" if both else f"Your {side_word}")
                     + f" \u00b7 {v['level']}",
        "ball_advice": content.ball_advice(v["ball"], v["surface"], v["level"]),
        "ladder": content.ladder(v["ball"], v["surface"]),
        "cautions": content.keep_off(),
        "evidence": content.evidence(),
        "notes_check": content.notes_check(v["notes"], v["ball"], v["surface"]),
        "notes_rule": content.notes_rule("" if anonymous else v["notes"], anonymous),
        "referral_caption": referral_caption(chosen, bool(v["large_print"]), both),
        "aftercare": content.aftercare(v["ball"], v["surface"]),
        # before the routine, in a box of its own (large print: under the routine heading)
        "stop_first": content.stop_first(),
        "red_flags": content.red_flags(),
        "log_hint": content.log_hint(dose, v["side"]),
        "log_sessions": per_day,  # a box to tick per session of the dose, on every day's line
        # both hips: the minutes and the pain before and after in columns of their own per hip,
        # in the order the routine works them (right, then left)
        "log_hips": [hip_words(s) for s in content.hip_order(v["side"])] if both else [],
        "notes": "" if anonymous else v["notes"],
        "no_notes": "(write any notes here by hand)" if anonymous else "(none)",
        "no_contact": "Ask your therapist to write their contact here.",
        "sources": content.sources(trps, v["level"]),
    }


def referral_caption(chosen: bool, large: bool, both: bool) -> str:
    """The line under the referral map. Normal print: filled and dotted are in the map's key,
    right above, not said twice; large print's key leaves them to these words, and (both hips)
    the line that the map shows the right hip (``MIRROR_NOTE``: over the key it took three lines
    of large type, and the last page's room)."""
    from hipball.draw.handout import MIRROR_NOTE

    words = f"Each of {spots_words(chosen)} (X) can send pain some distance away, to the area in its colour."
    if large:
        words += " Filled in: felt by nearly everyone with that spot; dotted: felt by some."
        if both:
            words = f"{MIRROR_NOTE} {words}"
    return words


def render_pdf(values: dict[str, Any], *, workdir: Path | None = None) -> bytes:
    """The handout as PDF bytes, for already validated ``values``. Work files go into a
    private folder inside ``workdir`` (default: the system's temporary folder)."""
    return _compile(values, fmt="pdf", workdir=workdir)


def _compile(values: dict[str, Any], *, fmt: str, ppi: float | None = None, workdir: Path | None = None):
    import typst

    from hipball.handouts import figures

    data = page_data(values)
    trps = tuple(values["trigger_points"]) or params.standard_trigger_points()
    size = referral_size(values)
    with tempfile.TemporaryDirectory(prefix=WORK_PREFIX, dir=workdir) as tmp:  # mode 0700
        root = Path(tmp)
        (root / "main.typ").write_bytes(resources.files("hipball.handouts").joinpath(TEMPLATE).read_bytes())
        data.update(figures.write_page_figures(root, values, trps, size,
                                               text_width_cm(values["paper"], bool(values["large_print"])),
                                               figure_type(bool(values["large_print"]))))
        data["fig_referrals"] = [data[k] for k in figures.referral_keys(data)]
        (root / "data.json").write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        if values["logo"]:
            logo.for_print(values["logo"], root)
        if fmt == "metadata":  # the values the template measured as it laid the page out
            found = json.loads(typst.query(str(root / "main.typ"), "metadata", root=str(root), font_paths=fonts()))
            return {m["label"].strip("<>"): m["value"] for m in found if "label" in m}
        out = typst.compile(str(root / "main.typ"), root=str(root), format=fmt, font_paths=fonts(), ppi=ppi)
        return out if fmt == "pdf" or isinstance(out, list) else [out]


def layout_values(values: dict[str, Any]) -> dict[str, Any]:
    """{label: value} of what the template measured as it laid the handout out (its metadata:
    how much wider the large-print columns print, the log's rows, the outline's printed width)."""
    return _compile(values, fmt="metadata")


def page_count(pdf: bytes) -> int:
    """Pages of a PDF (read with PDFium)."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


@lru_cache(maxsize=32)
def page_text(pdf: bytes, index: int) -> str:
    """The text of page ``index`` (from 0) of a PDF, lines joined by newlines, read with PDFium.

    Why PDFium (pypdfium2, a runtime dependency): pypdf interprets a page's whole content stream
    in Python (every path of its figures), about a second per page on a small machine; PDFium's
    text layer, in C, takes milliseconds. The Handout tab's notes lookup reads it, and so do the
    tests (hundreds of pages). Cached all the same: the tests read the same PDF again."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        pg = doc[index]
        text = pg.get_textpage().get_text_range()
    finally:
        doc.close()
    # PDFium reports a hyphen at a line's end as U+FFFE (it may be a soft hyphen); the page
    # prints a hyphen there
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufffe", "-")


def page_texts(pdf: bytes) -> list[str]:
    """The text of every page of a PDF (``page_text``, cached)."""
    return [page_text(pdf, i) for i in range(page_count(pdf))]


def render_handout(values: dict[str, Any] | None = None, **kw: Any) -> Rendered:
    """Validate, render and write the handout to ``output_pdf`` atomically."""
    merged = dict(values or {}, **kw)
    checked = params.validate(merged, unknown="error")
    if checked.errors:
        raise params.HandoutParameterError(checked.errors)
    out = Path(checked.values["output_pdf"])
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf = render_pdf(checked.values, workdir=out.parent)
    atomic_write_bytes(out, pdf)
    return Rendered(path=out, pages=page_count(pdf), size=len(pdf))


def build_packet(pdfs: list[Path], out: Path) -> int:
    """One class packet: the pages of every handout in order, each page exactly as in its
    handout (same size, same content: pypdf copies the page objects, nothing is re-placed or
    cropped). Returns the number of pages. Written atomically; no copy goes anywhere else.

    Why pypdf (a runtime dependency): merging PDFs is a PDF library's job; pure Python, no
    system library, maintained. Placing each page as an image in Typst needed the page size
    read back by hand (a regular expression missed Typst's ``/MediaBox[``, and A4 handouts
    were cropped onto Letter pages)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        with open(pdf, "rb") as fh:
            writer.append(io.BytesIO(fh.read()))
    writer.add_metadata({"/Title": "Hip ball routine: class packet", "/Producer": "hipball"})
    buf = io.BytesIO()
    writer.write(buf)
    atomic_write_bytes(out, buf.getvalue())
    return len(writer.pages)


def render_png(values: dict[str, Any], *, ppi: float = 40, workdir: Path | None = None) -> list[bytes]:
    """The pages as PNG images, from the same Typst source as the PDF (for image checks and
    previews without a PDF rasteriser). ``values`` as for render_pdf."""
    return _compile(values, fmt="png", ppi=ppi, workdir=workdir)
