"""Benchmark: what the handout checks cost, against the way they were done, in the same process.

    python bench/bench_handout_checks.py [--handouts 6]

1. Reading a compiled handout's text and where each line prints: PDFium (pypdfium2, what
   ``page.page_text`` and tests/pdf_support.py use) against pypdf's text extraction with a
   visitor (what they used), over the same PDFs.
2. A large-print handout for a new set-up: the position pictures' text widths cached
   (``draw.handout._text_cm``) against measured afresh each time (its uncached function), every
   other figure cache cleared before each render.
Prints each pair's seconds and the ratio (old / new).
"""

from __future__ import annotations

import argparse
import io
import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def _pypdf_lines(pdf: bytes) -> int:
    import pypdf

    n = [0]

    def visit(text, cm, tm, font, size):
        n[0] += bool(text.strip())

    for pg in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        pg.extract_text(visitor_text=visit)
    return n[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--handouts", type=int, default=6, help="handouts per measurement (default 6)")
    n = ap.parse_args().handouts

    from pdf_support import runs, values

    from hipball.draw import handout
    from hipball.handouts import figures, page

    combos = list(itertools.islice(itertools.product(("both", "left"), ("tennis", "racquetball", "lacrosse", "baseball"),
                                                     ("bed", "carpet")), n))
    pdfs = [page.render_pdf(values(client="Bench", side=s, ball=b, surface=f, large_print=True)) for s, b, f in combos]

    t = time.perf_counter()
    for pdf in pdfs:
        _pypdf_lines(pdf)
    old = time.perf_counter() - t
    t = time.perf_counter()
    for pdf in pdfs:
        runs(pdf)
    new = time.perf_counter() - t
    print(f"text and line positions of {len(pdfs)} handouts: pypdf {old:.2f} s, PDFium {new:.3f} s, "
          f"ratio {old / new:.0f}x")

    cached = handout._text_cm
    cached.cache_clear()  # the cached run starts cold too: it gains within a handout and across the class
    timings = {}
    for label, fn in (("uncached", cached.__wrapped__), ("cached", cached)):
        handout._text_cm = fn
        t = time.perf_counter()
        for s, b, f in combos:
            figures.clear_cache()
            page.render_pdf(values(client="Bench", side=s, ball=b, surface=f, large_print=True))
        timings[label] = time.perf_counter() - t
    handout._text_cm = cached
    old, new = timings["uncached"], timings["cached"]
    print(f"{len(combos)} large-print handouts, figures drawn afresh: widths measured each time {old:.1f} s, "
          f"cached {new:.1f} s, ratio {old / new:.1f}x")


if __name__ == "__main__":
    main()
