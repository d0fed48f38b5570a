"""What the handout tests share: checked handout values, every combination, and what they read
off a compiled PDF.

Read with PDFium (pypdfium2): where each character prints, its type size, from PDFium's text
layer in C, milliseconds a page (pypdf interprets the figures' paths in Python: about a second a
page, and the every-combination checks read hundreds of pages)."""
from __future__ import annotations

import ctypes
import io
import itertools
from dataclasses import dataclass

import pypdf
import pypdfium2
import pypdfium2.raw as pdfium_c

from hipball.handouts import page, params
from hipball.pressure import BALLS, SURFACES

SIDES = ("left", "right", "both")
LEVELS = ("beginner", "experienced")
PAPERS = ("letter", "a4")
COMBOS = list(itertools.product(SIDES, BALLS, SURFACES, LEVELS, PAPERS))  # 240


def values(**kw) -> dict:
    """A handout's values, validated as a roster row is (the test fails on a refusal)."""
    checked = params.validate(kw)
    assert checked.ok, checked.errors
    return checked.values


FOOTER_STARTS = ("Hip ball routine", "page ")


@dataclass(frozen=True)
class Run:
    """Characters printed one after the other on one baseline (a piece of a line)."""
    page: int          # from 1
    text: str
    x: float           # the first character's origin, pt from the page's left edge
    baseline: float    # pt from the page's bottom edge
    size: float        # the largest type size in the run, pt


def runs(pdf: bytes) -> list[Run]:
    """Every run of text of every page, in the order the PDF prints them. A run ends where the
    baseline changes (a new line, or a new block elsewhere on the page)."""
    out: list[Run] = []
    x, y = ctypes.c_double(), ctypes.c_double()
    doc = pypdfium2.PdfDocument(pdf)
    try:
        for n in range(len(doc)):
            tp = doc[n].get_textpage()
            chars: list[str] = []
            start = base = None
            size = 0.0
            for k in range(tp.count_chars()):
                ch = chr(pdfium_c.FPDFText_GetUnicode(tp, k))
                if not pdfium_c.FPDFText_GetCharOrigin(tp, k, x, y) or ch in "\r\n\ufffe":
                    continue                      # PDFium's own line breaks: no place on the page
                if base is None or abs(y.value - base) > 0.5:
                    if chars:
                        out.append(Run(n + 1, "".join(chars), start, round(base, 1), size))
                    chars, start, base, size = [], x.value, y.value, 0.0
                chars.append(ch)
                if not ch.isspace():
                    size = max(size, pdfium_c.FPDFText_GetFontSize(tp, k))
            if chars:
                out.append(Run(n + 1, "".join(chars), start, round(base, 1), size))
    finally:
        doc.close()
    return [r for r in out if r.text.strip()]


def text_in_the_bottom_margin(pdf: bytes, large: bool) -> list[tuple[int, str, float]]:
    """(page, text, baseline pt) of every line of text other than the footer that sits in the
    bottom margin, where only the footer prints (a box's last line printed over the footer's
    words: both hips, large print, Letter, page 2). Typst's lines end at their baseline (their
    descenders may hang below the text area), so a line's baseline is at the margin or above."""
    bottom = page.MARGIN_BOTTOM_CM[large] / 2.54 * 72
    return [(r.page, r.text.strip()[:40], r.baseline) for r in runs(pdf)
            if r.baseline < bottom - 0.5 and not r.text.strip().startswith(FOOTER_STARTS)]


def sized_runs(pdf: bytes, index: int) -> list[tuple[str, float, float | None]]:
    """The text runs of page ``index`` (from 0) as the PDF's own text operators print them, in
    order: (text, printed size in pt, fill grey 0 black .. 1 white, None for a colour). Read with
    pypdf, whose visitor sees each operator and the fill colour set before it (a page a second:
    for the few pages whose type sizes and inks a test checks)."""
    fill: list[float | None] = [None]
    out = []

    def before(op, args, cm, tm):
        if op == b"scn" and len(args) == 1 and isinstance(args[0], (int, float)):
            fill[0] = float(args[0])
        elif op == b"scn":
            fill[0] = None

    def text(t, cm, tm, font, size):
        if t.strip():
            out.append((t, size * tm[0], fill[0]))

    pypdf.PdfReader(io.BytesIO(pdf)).pages[index].extract_text(visitor_operand_before=before, visitor_text=text)
    return out
