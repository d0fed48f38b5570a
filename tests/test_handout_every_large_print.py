"""Every side x ball x surface x level x paper combination in large print, compiled: its page
count and nothing printed over the footer. A file of its own: the suite's runs keep each file in
one worker (pytest-xdist --dist loadfile), and this check and test_handout_text.py's
every-combination check in normal print are the two longest; apart, they run side by side."""

from __future__ import annotations

import pytest

from pdf_support import COMBOS, text_in_the_bottom_margin
from pdf_support import values as _values

from hipball.handouts import page


@pytest.mark.slow
def test_every_large_print_combination_compiles_to_its_page_count():
    """All 240 combinations in large print, with a contact and a clinic in the header: always
    page.PAGES[True] (5) pages, with every word the client reads at the large body size (but the
    footer, the sources line and the log's headers)."""
    wrong = []
    for side, ball, surface, level, paper in COMBOS:
        v = _values(client="Client", side=side, ball=ball, surface=surface, level=level, paper=paper, large_print=True,
                    therapist="Sam Rivera, LMT (NMT)", clinic="Riverside Neuromuscular Therapy · 555-0134")
        pdf = page.render_pdf(v)
        n, low = page.page_count(pdf), text_in_the_bottom_margin(pdf, True)
        if n != page.PAGES[True] or low:  # and nothing over the footer (a box's last line once was)
            wrong.append((side, ball, surface, level, paper, n, low[:2]))
    assert not wrong, wrong
