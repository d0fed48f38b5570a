"""What the handout tests read off a compiled PDF (shared by test_handouts and test_handout_text)."""
from __future__ import annotations

import io

import pypdf

from hipball.handouts import page


def text_in_the_bottom_margin(pdf: bytes, large: bool) -> list[tuple[int, str, float]]:
    """(page, text, baseline pt) of every line of text other than the footer that sits in the
    bottom margin, where only the footer prints (a box's last line printed over the footer's
    words: both hips, large print, Letter, page 2). Typst's lines end at their baseline (their
    descenders may hang below the text area), so a line's baseline is at the margin or above;
    it is read from the PDF (text and page matrices)."""
    bottom = page.MARGIN_BOTTOM_CM[large] / 2.54 * 72
    out = []
    for n, pg in enumerate(pypdf.PdfReader(io.BytesIO(pdf)).pages):
        def visit(text, cm, tm, font, size, n=n):
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if text.strip() and not text.strip().startswith(("Hip ball routine", "page ")) \
                    and y < bottom - 0.5:
                out.append((n + 1, text.strip()[:40], round(y, 1)))
        pg.extract_text(visitor_text=visit)
    return out
