"""Compose one handout: parameters -> page data (plain strings) -> Typst -> PDF bytes.

Why Typst (the ``typst`` package): a maintained typesetter that is a single wheel, needs no
LaTeX and no browser, compiles a page in tens of milliseconds in-process, embeds (subsets)
fonts, keeps SVG figures as vectors, writes real selectable text, knows the exact US Letter
and A4 sizes, and can place the pages of finished PDFs into another PDF (the class packet).
matplotlib's PDF backend could draw the page, but flowing text, numbered lists, boxes and a
table by hand would be a page-layout engine of our own.

Client text stays literal: all of it travels in ``data.json``, which the template reads with
``json()`` and places as strings. It is never spliced into Typst source.

Determinism: ``date: none`` in the template, fonts only from files shipped with pinned
packages (matplotlib's DejaVu, Typst's embedded fonts; no system fonts) plus the folders in
HIPBALL_FONT_DIR, figures from ``figures`` (their file names arrive in the data as fig_*) with a
fixed SVG hash salt and no date. The same
parameters (and fonts) give the same bytes. Client text is checked against those fonts before
anything is rendered (``glyphs``), so it never prints as empty boxes.

Pages: normal print is two pages (the position pictures, routine, spots and spokes, dose,
ball, aftercare | red flags, referral map beside the outline for marking spots, notes, log,
sources). Large print (text x1.35, narrower margins) is three: positions, routine, spots and
spokes | dose, ball, aftercare, referral map | red flags, spots outline, notes, log, sources. Long notes can still add a page (in the worst
case about 480 characters of notes fit on Letter, 270 in large print).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from hipball.handouts import content, glyphs, params
from hipball.handouts.paths import atomic_write_bytes

TEMPLATE = "handout.typ"
PAPER = {"letter": "us-letter", "a4": "a4"}
PAPER_WIDTH_CM = {"letter": 21.59, "a4": 21.0}
MARGIN_X_CM = 1.5          # the page margin, left and right (data "margin_x_cm")
LARGE_MARGIN_X_CM = 1.2    # large print: a little more room for the bigger type
LARGE_PRINT_SCALE = 1.35
REFERRAL_FONT_PT = 7.5     # the referral map's key on paper (x LARGE_PRINT_SCALE in large print)


@dataclass
class Rendered:
    path: Path
    pages: int
    size: int


def fonts():
    """Fonts from packages only (deterministic on any machine): matplotlib's DejaVu family,
    Typst's embedded fonts, and any folder named in HIPBALL_FONT_DIR (e.g. a CJK font)."""
    return glyphs.book(glyphs.font_dirs())


def margin_x_cm(large_print: bool) -> float:
    return LARGE_MARGIN_X_CM if large_print else MARGIN_X_CM


def text_width_cm(paper: str, large_print: bool = False) -> float:
    return PAPER_WIDTH_CM[paper] - 2 * margin_x_cm(large_print)


def referral_size(values: dict[str, Any]) -> dict[str, float]:
    """The referral map's printed size and key font: drawn at exactly this size and placed
    at 100 % of the text width, so its type is printed at ``font_pt``."""
    large = bool(values["large_print"])
    height = 5.2 if large else (6.0 if values["paper"] == "a4" else 5.2)
    return {"width_cm": text_width_cm(values["paper"], large), "height_cm": height,
            "font_pt": REFERRAL_FONT_PT * (LARGE_PRINT_SCALE if large else 1.0)}


def _fmt_min(x: float) -> str:
    return f"{x:g} minute" + ("" if x == 1 else "s")


def page_data(values: dict[str, Any]) -> dict[str, Any]:
    """Everything the template prints, as plain JSON data (no markup anywhere)."""
    v = values
    trps = tuple(v["trigger_points"]) or params.standard_trigger_points()
    dose = content.dose(v["level"], v["hold_s"], v["session_min"], v["sessions_per_day"])
    side_word = {"left": "left hip", "right": "right hip", "both": "both hips"}[v["side"]]
    anonymous = bool(v.get("anonymize"))
    client = "" if anonymous else v["client"]
    per_day = dose["sessions_per_day"]
    level_word = "beginner: start shorter and softer" if v["level"] == "beginner" else "experienced"
    dose_rows = [
        ["Hold", f"about {dose['hold_s']:g} seconds on a tender spot, or until it eases a little"],
        ["Session", f"about {_fmt_min(dose['session_min'])} " + ("per hip" if v["side"] == "both" else "on the " + side_word)],
        ["How often", f"{per_day} session{'s' if per_day != 1 else ''} a day" + ("" if per_day == 1 else ", a few hours apart")],
        ["Level", level_word],
    ]
    dose_lines = dose.get("lines") or []
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
        "author": " / ".join(x for x in (v["therapist"], v["clinic"]) if x) or "hipball",
        "paper": PAPER[v["paper"]],
        "scale": LARGE_PRINT_SCALE if v["large_print"] else 1.0,
        "large": bool(v["large_print"]),
        "margin_x_cm": margin_x_cm(bool(v["large_print"])),
        "fonts": list(glyphs.text_families()),
        "heading": "Your hip ball routine",
        "name_line": anonymous,
        "subheading": subheading,
        "footer": footer,
        "clinic": v["clinic"],
        "therapist": v["therapist"],
        "logo": "logo" + Path(v["logo"]).suffix.lower() if v["logo"] else "",
        "steps": content.routine_steps(v["side"], dose),
        "rolling_caption": "The most common mistake is not rolling far enough onto the side: the spots "
                           "in front of the bony point of the hip are only reached there.",
        "dose_title": "Your dose",
        "dose_rows": dose_rows,
        "dose_lines": dose_lines,
        "dose_side": ("Both hips, one at a time" if v["side"] == "both" else f"Your {side_word}")
                     + f" \u00b7 {v['level']}",
        "ball_advice": content.ball_advice(v["ball"], v["surface"]),
        "referral_caption": "A trigger point can send pain to a place some distance away. Solid areas: "
                            "felt by nearly everyone with that spot; dotted areas: by some.",
        "trigger_points": [content.trigger_point_label(t) for t in trps],
        "aftercare": content.aftercare(),
        "red_flags": content.red_flags(),
        "log_hint": "One line per session: the date, how many minutes, and your pain from 0 "
                    "(none) to 10 (worst imaginable) before and after.",
        "notes": v["notes"],
        "no_notes": "(none)",
        "no_contact": "Ask your therapist to write their contact here.",
        "sources": content.sources(trps, v["level"]),
    }


def render_pdf(values: dict[str, Any]) -> bytes:
    """The handout as PDF bytes, for already validated ``values``."""
    return _compile(values, fmt="pdf")


def _compile(values: dict[str, Any], *, fmt: str, ppi: float | None = None):
    import typst

    from hipball.handouts import figures

    data = page_data(values)
    trps = tuple(values["trigger_points"]) or params.standard_trigger_points()
    size = referral_size(values)
    with tempfile.TemporaryDirectory(prefix="hipball-page-") as tmp:
        root = Path(tmp)
        (root / "main.typ").write_bytes(resources.files("hipball.handouts").joinpath(TEMPLATE).read_bytes())
        data.update(figures.write_page_figures(root, values, trps, size,
                                               text_width_cm(values["paper"], bool(values["large_print"]))))
        (root / "data.json").write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        if values["logo"]:
            shutil.copyfile(values["logo"], root / data["logo"])
        out = typst.compile(str(root / "main.typ"), root=str(root), format=fmt, font_paths=fonts(), ppi=ppi)
        return out if fmt == "pdf" or isinstance(out, list) else [out]


def page_count(pdf: bytes) -> int:
    """Pages of a PDF written by Typst (its page tree is not compressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))


def render_handout(values: dict[str, Any] | None = None, **kw: Any) -> Rendered:
    """Validate, render and write the handout to ``output_pdf`` atomically."""
    merged = dict(values or {}, **kw)
    checked = params.validate(merged, unknown="error")
    if checked.errors:
        raise params.HandoutParameterError(checked.errors)
    pdf = render_pdf(checked.values)
    out = Path(checked.values["output_pdf"])
    atomic_write_bytes(out, pdf)
    return Rendered(path=out, pages=page_count(pdf), size=len(pdf))


def build_packet(pdfs: list[Path], out: Path) -> int:
    """One class packet: the pages of every handout in order, each at its own paper size.
    Returns the number of pages."""
    import typst

    with tempfile.TemporaryDirectory(prefix="hipball-packet-") as tmp:
        root = Path(tmp)
        lines = ['#set document(title: "Hip ball routine: class packet", date: none)']
        total = 0
        for i, pdf in enumerate(pdfs):
            name = f"h{i:04d}.pdf"
            shutil.copyfile(pdf, root / name)
            raw = (root / name).read_bytes()
            size = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", raw)
            w, h = (size.group(1).decode(), size.group(2).decode()) if size else ("612", "792")
            for p in range(1, page_count(raw) + 1):
                lines.append(f'#page(width: {w}pt, height: {h}pt, margin: 0pt)[#image("{name}", page: {p}, '
                             f'width: 100%, height: 100%)]')
                total += 1
        (root / "packet.typ").write_text("\n".join(lines) + "\n", encoding="utf-8")
        pdf = typst.compile(str(root / "packet.typ"), root=str(root), format="pdf", font_paths=fonts())
    atomic_write_bytes(out, pdf)
    return total


def render_png(values: dict[str, Any], *, ppi: float = 40) -> list[bytes]:
    """The pages as PNG images, from the same Typst source as the PDF (for image checks and
    previews without a PDF rasteriser). ``values`` as for render_pdf."""
    return _compile(values, fmt="png", ppi=ppi)
