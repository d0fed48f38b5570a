"""The handout's words are right for every set-up: every side x ball x surface x level x paper
(the page data, cheap) and a compiled sample (the printed text, the page count). One firmness
verdict for the handout and the Ball & surface app."""

from __future__ import annotations

import itertools
import re

import pytest

from pdf_support import COMBOS, PAPERS, SIDES
from pdf_support import sized_runs
from pdf_support import values as _values

from hipball.dosage import dosage, red_flags
from hipball.handouts import content, page, params
from hipball.pressure import (BALLS, FIRMNESS_CLIENT_TEXT, LADDERS, REFERENCE_MASS_KG, SURFACES,
                              contact_pressure, firmness, rates_gentler, setup_words, step_words)

pypdf = pytest.importorskip("pypdf")

MASSES = tuple(range(40, 151, 5))  # the app's body-mass slider


def _app_word(ball, surface, mass):
    from hipball.apps.pressure import advice_html

    m = re.search(r"<b>[^<]*, [\d.]+ kg: ([a-z ]+)\.</b>", advice_html(ball, surface, mass))
    assert m, advice_html(ball, surface, mass)
    return m.group(1)


def _handout_word(ball, surface, mass):
    """The verdict the handout prints, read back from its words (not from firmness())."""
    line = content.ball_advice(ball, surface, body_mass_kg=mass)[0]
    found = [w for w, text in FIRMNESS_CLIENT_TEXT.items() if text in line]
    assert len(found) == 1, line
    return found[0]


# ---------------------------------------------------------------- one firmness verdict

@pytest.mark.parametrize("mass", MASSES)
def test_handout_and_app_give_the_same_verdict_for_every_set_up(mass):
    """Every ball x surface x body mass: the word the app shows is the one the handout means
    (they disagreed for 15 of 60 cases, e.g. 70 kg racquetball on a bed)."""
    for ball, surface in itertools.product(BALLS, SURFACES):
        assert _app_word(ball, surface, mass) == _handout_word(ball, surface, mass), (ball, surface, mass)


def test_verdict_follows_the_model_and_the_thresholds():
    """The words mean what they say against the model's numbers."""
    from hipball.pressure import pain_threshold_band_kpa

    lo, hi = pain_threshold_band_kpa()
    for mass in MASSES:
        for ball, surface in itertools.product(BALLS, SURFACES):
            f = firmness(ball, surface, mass)
            r = contact_pressure(ball, surface, mass)
            assert (f.word == "too firm") == (r.mean_pressure_kpa > hi)
            assert (f.word == "very firm") == (lo <= r.mean_pressure_kpa <= hi)
    assert firmness("tennis", "bed").word == "gentlest"
    assert firmness("racquetball", "bed").word == "firmer"      # the case that disagreed
    assert firmness("golf", "hardwood").word == "very firm"


@pytest.mark.parametrize("ladder", sorted(LADDERS))
def test_every_ladder_rises_in_the_model_at_every_body_mass(ladder):
    steps = LADDERS[ladder]
    assert any(b == "lacrosse" for b, _ in steps)
    for mass in MASSES:
        rs = [contact_pressure(b, s, mass) for b, s in steps]
        skin = [r.mean_pressure_kpa for r in rs]
        depth = [r.depth_pressure_kpa for r in rs]
        assert skin == sorted(skin) and len(set(skin)) == len(skin), (ladder, mass, skin)
        assert depth == sorted(depth), (ladder, mass, depth)
    if ladder == "lying":  # the routine's own ends: tennis ball on a bed ... baseball on hardwood
        assert steps[0] == ("tennis", "bed") and steps[-1] == ("baseball", "hardwood")


def test_app_says_where_the_set_up_sits_on_the_ladder_not_a_rank_among_twenty():
    from hipball.apps.pressure import advice_html

    text = advice_html("tennis", "bed", 70)
    assert "gentlest" in text and "step 1 of 5" in text
    assert "of 20" not in text and "tennis ball on wall" not in text
    assert "step 1 of 4" in advice_html("tennis", "wall", 70)
    assert "between steps 2 and 3 of 5" in advice_html("racquetball", "bed", 70)


# ---------------------------------------------------------------- every combination, cheaply

@pytest.fixture(scope="module")
def pages():
    return {c: page.page_data(_values(client="Client", side=c[0], ball=c[1], surface=c[2], level=c[3],
                                      paper=c[4]))
            for c in COMBOS}


def test_every_combination_has_page_data(pages):
    assert len(pages) == 3 * 5 * 4 * 2 * 2 == 240


def test_wall_set_ups_stand_and_lying_set_ups_lie(pages):
    for (side, ball, surface, level, paper), d in pages.items():
        steps = " ".join(d["steps"])
        if surface == "wall":
            assert steps.startswith("Stand with your back to a wall"), steps
            assert "Lie " not in steps and "lying on your back" not in steps and "rolling onto your side" not in steps
        else:
            assert steps.startswith("Lie on your back on " + ("the bed" if surface == "bed" else "the floor"))
            assert "wall" not in steps


def test_step_4_keeps_the_key_cue(pages):
    for key, d in pages.items():
        step4 = d["steps"][3]
        assert "three-quarters" in step4 and "120 to 135 degrees" in step4, (key, step4)
        assert "front corner" in step4 and "most common mistake" in step4
        # the side comes first: a client read steps 3 to 4 as jumping from the back to the front
        # corner, with no step that turns onto the side the pictures show
        turn = "side-on to the wall" if key[2] == "wall" else "onto your side"
        assert turn in step4 and step4.index(turn) < step4.index("three-quarters"), (key, step4)
        assert "roll well onto your side" not in " ".join(d["steps"]).lower()
        assert "three-quarters" in d["rolling_caption"]


def test_ball_and_surface_words_read_naturally(pages):
    expected = {("racquetball", "bed"): "a racquetball on a bed",
                ("baseball", "hardwood"): "a baseball on a hardwood floor",
                ("tennis", "wall"): "a tennis ball against a wall",
                ("lacrosse", "carpet"): "a lacrosse ball on a carpeted floor"}
    for (b, s), words in expected.items():
        assert setup_words(b, s) == words
    for (side, ball, surface, level, paper), d in pages.items():
        advice = " ".join(d["ball_advice"])
        assert advice.startswith(f"Your set-up: {setup_words(ball, surface)}.")
        text = " ".join([advice, *d["steps"], *(s["text"] for s in d["ladder"]["steps"])])
        for bad in ("ball ball", "racquetball ball", "baseball ball", "a hardwood.", "on a wall",
                    "a a "):
            assert bad not in text, (bad, text)


def test_ladder_is_in_the_model_order_and_marks_the_client(pages):
    for (side, ball, surface, level, paper), d in pages.items():
        f = firmness(ball, surface)
        lad = d["ladder"]
        numbered = [s for s in lad["steps"] if s["num"]]
        assert [s["text"].lower() for s in numbered] == [
            (setup_words(ball, surface) if i == f.step else step_words(b, s, surface)).lower()
            for i, (b, s) in enumerate(f.steps, start=1)]
        assert [s["num"] for s in numbered] == [f"{i}." for i in range(1, len(f.steps) + 1)]
        assert ("wall" in lad["title"]) == (surface == "wall")
        marked = [i for i, s in enumerate(lad["steps"]) if s["yours"]]
        if f.step is not None:
            assert len(lad["steps"]) == len(f.steps)
            assert marked == [f.step - 1] and lad["place"] == ""
        elif ball == "golf":
            assert marked == [] and len(lad["steps"]) == len(f.steps)
        else:  # off the ladder: its own unnumbered line, marked, where it sits
            (i,) = marked
            line = lad["steps"][i]
            assert line["num"] == "" and line["text"].lower().startswith(setup_words(ball, surface))
            before = [s["num"] for s in lad["steps"][:i] if s["num"]]
            if f.below_step is None:
                assert len(before) == len(f.steps) and f"firmer than step {len(f.steps)}" in line["text"]
            else:
                assert len(before) == f.below_step - 1, (ball, surface, line, before)
                if f.below_step > 1:
                    assert line["text"].endswith(f", gentler than step {f.below_step}"), line
                    assert f"firmer than step {f.below_step - 1}" in line["text"], line
        assert lad["review"].startswith("Review with your therapist")
        if surface != "wall":
            assert any("lacrosse" in s["text"] for s in lad["steps"])


def test_handout_verdict_equals_the_apps(pages):
    for (side, ball, surface, level, paper), d in pages.items():
        f = firmness(ball, surface, REFERENCE_MASS_KG)
        assert f.client_text in d["ball_advice"][0]
        assert _app_word(ball, surface, REFERENCE_MASS_KG) == f.word


def test_beginners_are_told_when_the_set_up_is_not_step_1(pages):
    for (side, ball, surface, level, paper), d in pages.items():
        said = any("beginners usually start on step 1" in line.lower() for line in d["ball_advice"])
        f = firmness(ball, surface)
        assert said == (level == "beginner" and f.step != 1 and not f.point_tool), (ball, surface, level)


def test_dose_steps_and_box_agree(pages):
    for (side, ball, surface, level, paper), d in pages.items():
        dose = dosage(level)
        steps = " ".join(d["steps"])
        assert f"about {dose.session_min:g} minutes" in steps
        assert f"about {dose.hold_s:g} seconds" in steps
        assert f"about {dose.intensity_0_10:g} out of 10" in steps
        assert any(f"about {dose.session_min:g} minutes" in line for line in d["dose_lines"])


def test_every_red_flag_and_local_caution_is_on_every_page(pages):
    flags = [f.client_text.strip() for f in red_flags() if f.urgency != "local"]
    local = [f.client_text.strip() for f in red_flags() if f.urgency == "local"]
    assert len(flags) >= 20 and len(local) >= 5
    nerve = next(f.client_text.strip() for f in red_flags() if f.flag_id == "sciatic_nerve")
    for key, d in pages.items():
        printed = " ".join(f["text"] for f in d["red_flags"])
        assert all(f in printed for f in flags), key
        # every local caution prints: the nerve rule in the stop-signs box before the steps,
        # the spots to keep the ball off (the groin and a pulse among them) in the STOP box
        assert d["cautions"] == [t for t in local if t != nerve]
        assert nerve in d["stop_first"]
        assert any("groin" in t and "pulse" in t for t in d["cautions"])
        assert d["evidence"].startswith("Pressing on tender spots")


# ---------------------------------------------------------------- notes against the set-up

def test_notes_naming_another_ball_are_flagged_on_the_page():
    check = content.notes_check("Try the lacrosse ball on the bed next week.", "baseball", "hardwood")
    assert check.startswith("Your therapist's notes mention a lacrosse ball and a bed;")
    assert "a baseball on a hardwood floor" in check
    assert content.notes_check("Keep to the baseball on the hardwood floor.", "baseball", "hardwood") == ""
    assert content.notes_check("Three times a week.", "tennis", "bed") == ""
    assert content.notes_conflicts("tennis balls are fine too", "racquetball", "bed") == ["a tennis ball"]
    assert content.notes_conflicts("Use the wall at work.", "tennis", "bed") == ["a wall"]


def _key_entries(surface: str, spots=None) -> list[str]:
    """The referral map key's spot entries, as it prints them for ``surface`` (the common spots
    by default): where to reach each spot is in its entry."""
    from hipball.draw.handout import key_words

    return [key_words([t], surface) for t in (spots or params.standard_trigger_points())]


def test_the_clients_spots_say_where_the_body_is_to_reach_them():
    """A client read: the reach positions ran on in a paragraph under the map's key ('Where you
    reach each spot. The spot at ...: three-quarters toward face down. The deep spot ...'), hard
    to match to the key. Each key entry now says it after the spot's name; the paragraph is gone."""
    from hipball.draw.handout import key_words

    nbsp = "\u00a0"
    assert key_words(["gluteus_minimus.anterior"], "bed").replace(nbsp, " ") == (
        "The spot at the front corner of your hip (gluteus minimus, anterior) · reach it three-quarters "
        "toward face down")
    assert key_words(["gluteus_minimus.posterior"], "hardwood").endswith("· reach it on your side")
    assert key_words(["gluteus_maximus.middle"], "wall").endswith("· reach it with your back to the wall")
    assert key_words(["piriformis.lateral", "piriformis.medial"], "bed").replace(nbsp, " ").endswith(
        "(piriformis, lateral and medial) · reach the first on your side, the second on your back")
    assert key_words(["gluteus_minimus.anterior"]) == "The spot at the front corner of your hip (gluteus minimus, anterior)"
    assert "trigger_points" not in page.page_data(_values(client="C"))  # no paragraph's words


# ---------------------------------------------------------------- compiled: text and pages

def _text(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", t) for t in page.page_texts(pdf)]  # cached: tests share PDFs


def _flat(s: str) -> str:
    return re.sub(r"\s+", "", s)


SAMPLE = [  # every ball, every surface, both papers, both levels, each side, large print
    dict(side="right", ball="racquetball", surface="bed", paper="letter", level="beginner"),
    dict(side="both", ball="lacrosse", surface="carpet", paper="a4", level="experienced"),
    dict(side="left", ball="tennis", surface="wall", paper="letter", level="beginner", large_print=True),
    dict(side="right", ball="baseball", surface="hardwood", paper="a4", level="experienced"),
    dict(side="left", ball="golf", surface="wall", paper="a4", level="experienced", large_print=True),
]
# The fast tier compiles two of them (both hips on A4 lying down, one hip on Letter at the wall
# in large print, both levels); the slow tier all five (each distinct set of figures costs
# seconds to draw).
FAST_SAMPLE = (1, 2)


@pytest.mark.parametrize("kw", [pytest.param(kw, marks=() if i in FAST_SAMPLE else pytest.mark.slow)
                                for i, kw in enumerate(SAMPLE)],
                         ids=lambda kw: "-".join(str(v) for v in kw.values()))
def test_compiled_handout_prints_the_words_and_has_its_pages(kw):
    v = _values(client="Sam", **kw)
    pdf = page.render_pdf(v)
    assert page.page_count(pdf) == page.PAGES[bool(v["large_print"])]
    pages = _text(pdf)
    text = _flat(" ".join(pages))
    d = page.page_data(v)
    refs = {}
    for piece in [d["routine_intro"], *d["steps"], *d["ball_advice"], d["ladder"]["move_up"],
                  d["ladder"]["move_down"], d["log_hint"], d["evidence"], *(f["text"] for f in d["red_flags"]),
                  *d["cautions"], d["spots_note"], d["marks_note"]]:
        refs.update(_printed_refs(piece, text))
    large = bool(v["large_print"])
    where = {part: _page_of(heading, pages) for part, heading in PART_HEADINGS.items()}
    assert where == {part: pages_[large] for part, pages_ in WHERE.items()}, where
    # items 6 and 9: the page references print the page the part is really on
    assert refs == {content.SPOTS_PICTURE: where["spots picture"], content.STOP_BOX: where["red flags"],
                    content.MARKS_BOX: where["marks"]}, refs
    assert ("Sessions" if d["log_sessions"] > 1 else "Done") in pages[-1]


PART_HEADINGS = {"dose": "Your dose", "red flags": "STOP and see a doctor", "aftercare": "Aftercare",
                 # (the SAMPLE chooses no spots: the X marks the common ones)
                 "spots picture": "The spots and the spokes", "marks": "Your spots ("}


def _page_of(heading: str, pages: list[str]) -> int:
    """The page (from 1) a heading prints on: not where a text quotes it ('...')."""
    return 1 + next(i for i, p in enumerate(pages) if p.count(heading) > p.count(f"'{heading}'"))
WHERE = {"dose": {False: 1, True: 2}, "red flags": {False: 2, True: 3}, "aftercare": {False: 2, True: 4},
         "spots picture": {False: 1, True: 2}, "marks": {False: 3, True: 4}}


def _printed_refs(piece: str, flat_text: str) -> dict[str, int]:
    """Find ``piece`` in the printed (whitespace-free) text, its "{page:label}" references as
    numbers: {label: page printed}."""
    labels = re.findall(content.PAGE_REF, piece)
    pattern = "".join(r"(\d+)" if i % 2 else re.escape(part)
                      for i, part in enumerate(re.split(content.PAGE_REF, _flat(piece))))
    m = re.search(pattern, flat_text)
    assert m, piece
    return {label: int(n) for label, n in zip(labels, m.groups())}


def test_notebook_06_says_where_the_handout_prints_dose_aftercare_and_red_flags(repo):
    """Its instructor notes must match the pages the compiled handout uses (WHERE, checked
    above against the PDF's text)."""
    import nbformat

    nb = nbformat.read(repo / "notebooks" / "06_dose_aftercare_red_flags.ipynb", as_version=4)
    notes = re.sub(r"\s+", " ", next(c.source for c in nb.cells if "Instructor notes" in c.source))
    assert (f"Page {WHERE['dose'][False]} of the preview carries the routine and the dose box; "
            f"page {WHERE['red flags'][False]} the red flags") in notes
    assert WHERE["aftercare"][False] == WHERE["red flags"][False]  # "... and the aftercare"
    assert (f"In large print the dose is on page {WHERE['dose'][True]}, the red flags on page "
            f"{WHERE['red flags'][True]} and the aftercare on page {WHERE['aftercare'][True]}") in notes
    assert "3.9, 6.2 and 8.2" in notes and "3, 6 or 8" not in notes


@pytest.mark.slow  # compiles a handout (seconds)
def test_notes_at_the_length_limit_keep_the_page_count():
    notes = ("Work the front corner first, then the back. " * 40)[: params.MAX_NOTES - 40]
    notes += " Try the lacrosse ball on the bed."
    assert len(notes) <= params.MAX_NOTES
    v = _values(client="Dev", notes=notes, ball="baseball", surface="hardwood", level="experienced")
    pdf = page.render_pdf(v)
    assert page.page_count(pdf) == page.PAGES[False]
    text = _flat(" ".join(_text(pdf)))
    assert _flat("Your therapist's notes mention a lacrosse ball") in text
    big = page.render_pdf(dict(v, large_print=True))
    assert page.page_count(big) <= page.PAGES[True] + 1


def test_evidence_statement_prints_in_body_type_not_only_the_footer():
    """'What the research shows' in the body's 9.5 pt (the sources line is 8 pt)."""
    pdf = page.render_pdf(_values(client="Ivy"))
    sizes = {}
    for n in range(page.page_count(pdf)):
        for text, pt, _ in sized_runs(pdf, n):
            sizes.setdefault(text.strip()[:25], pt)
    heading = [v for k, v in sizes.items() if k.startswith("What the research shows")]
    body = [v for k, v in sizes.items() if k.startswith("Pressing on tender spots")]
    assert heading and body, sorted(sizes)[:40]
    assert min(heading + body) >= 9.0


@pytest.mark.slow
def test_every_combination_compiles_to_its_page_count():
    """All 240 side x ball x surface x level x paper handouts, compiled (figures are cached per
    side, so each is one Typst run): normal print is always page.PAGES[False] pages."""
    wrong = []
    for side, ball, surface, level, paper in COMBOS:
        v = _values(client="Client", side=side, ball=ball, surface=surface, level=level, paper=paper,
                    therapist="Sam Rivera, LMT (NMT)", clinic="Riverside Neuromuscular Therapy · 555-0134")
        n = page.page_count(page.render_pdf(v))
        if n != page.PAGES[False]:
            wrong.append((side, ball, surface, level, paper, n))
    assert not wrong, wrong


@pytest.mark.slow
@pytest.mark.parametrize("large", [False, True])
def test_chosen_spots_keep_the_page_count(large):
    """With spots chosen the outline box marks them (its note is a longer line than '(to mark by
    hand)', two lines in large print): every side x surface x paper keeps its page count, with a
    contact and a clinic in the header and the most chosen spots the referral key then lists."""
    wrong = []
    spots = ["gluteus_minimus.anterior", "gluteus_medius.posterior", "piriformis.lateral"]
    for side, surface, paper in itertools.product(SIDES, SURFACES, PAPERS):
        v = _values(client="Client", side=side, ball="lacrosse", surface=surface, paper=paper, large_print=large,
                    trigger_points=spots, therapist="Sam Rivera, LMT (NMT)",
                    clinic="Riverside Neuromuscular Therapy · 555-0134")
        n = page.page_count(page.render_pdf(v))
        if n != page.PAGES[large]:
            wrong.append((side, surface, paper, n))
    assert not wrong, wrong


# ---------------------------------------------------------------- one meaning for the X, plain words

MUSCLE_WORDS = ("gluteus", "glute", "piriformis", "tensor", "fasciae", "quadratus", "lumborum", "semitendinosus",
                "semimembranosus", "biceps", "vastus", "minimus", "medius", "maximus")


def test_every_spot_has_plain_words_and_the_muscle_only_in_brackets():
    """A client reads where the spot is; the therapist reads the muscle, after it in brackets
    (a reader with no anatomy knowledge met only Latin names on the referral map)."""
    from hipball.referral import muscles, plain_name, trigger_point, trp_ids

    for t in trp_ids():
        words = plain_name(t)
        m = re.fullmatch(r"The (?:deep |deeper )?spot ([^(]+) \((.+)\)", words)
        assert m, words
        assert not any(w in m.group(1).lower() for w in MUSCLE_WORDS), words
        assert muscles()[trigger_point(t).muscle_id].display_name.lower() in m.group(2), words
        placed = _key_entries("bed", [t])[0]
        assert placed.startswith(words + "\u00a0· reach it "), placed


def test_the_x_means_the_clients_spot_on_every_picture(pages):
    """The spoke picture's key and the referral map's key both call the X 'your spot'; no
    page text calls it a 'trigger point'."""
    from hipball.draw.handout import YOUR_SPOT

    assert YOUR_SPOT.startswith("your spot (X")
    for key, d in pages.items():
        assert "(X)" in d["referral_caption"], key
        for text in [d["referral_caption"], *_key_entries(key[2])]:
            assert "trigger point" not in text.lower(), (key, text)


# ---------------------------------------------------------------- jargon: absent or explained

# Words a client with no anatomy knowledge does not know (a client read of issue 11): each is
# explained where the page first uses it, by a bracket or a colon right after it ("the hub: the
# centre of ...") or by standing in brackets after the plain words ("steroid tablets such as
# prednisolone (...)" counts by the bracket after it; "(gluteus minimus, anterior)" by the
# plain words before it).
EXPLAINED = ("hub", "spoke", "prednisolone", "varicose veins", "trigger point")
ABSENT = ("referral", "referred", "itb", "iliotibial", "anterolateral", "ischemic", "trochanter", "posterior",
          "anterior", "lateral", "radiculopathy", "asis")


def _client_text(d) -> str:
    """The words of the client pages in reading order (the sources' citations left out: they
    are titles of works, for the therapist; their limits line is in)."""
    parts = [d["rolling_caption"], d["routine_intro"], *d["steps"], *d["dose_lines"], *(f["text"] for f in d["red_flags"]),
             *d["cautions"], *d["ball_advice"], *(s["text"] for s in d["ladder"]["steps"]),
             d["ladder"]["move_up"], d["ladder"]["move_down"], *d["aftercare"], d["evidence"],
             d["referral_caption"], d["log_hint"], d["sources"][-1]]
    return " ".join(parts)


def _explained_at_first_use(text: str, term: str) -> bool:
    m = re.search(rf"\b{term}", text, re.IGNORECASE)
    if m is None:
        return True
    after = text[m.end():]
    word_end = re.match(r"[a-z]*s?\s*", after)
    if after[word_end.end():].startswith(("(", ":")):  # "the hub: the centre of ..."
        return True
    before = text[:m.start()]
    return before.rfind("(") > before.rfind(")")  # inside brackets after the plain words


def test_jargon_is_absent_or_explained_at_first_use(pages):
    from hipball.handouts.content import LIMITS

    for key, d in pages.items():
        text = _client_text(d)
        assert d["sources"][-1] == LIMITS
        for term in EXPLAINED:
            assert _explained_at_first_use(text, term), (key, term)
        low = re.sub(r"\([^)]*\)", "", text.lower())  # muscle names in brackets are the therapist's
        for term in ABSENT + MUSCLE_WORDS:
            assert not re.search(rf"\b{term}", low), (key, term)
    assert not _explained_at_first_use("Roll out along a spoke.", "spoke")  # the test can fail


# ---------------------------------------------------------------- a client read of four handouts (items 1 to 11)

def test_item1_ladder_names_the_clients_set_up_as_the_set_up_line_does(pages):
    """'a tennis ball on a hardwood floor' on the set-up line was 'A tennis ball on the floor ◀ yours'."""
    for (side, ball, surface, level, paper), d in pages.items():
        mine = [s_["text"] for s_ in d["ladder"]["steps"] if s_["yours"]]
        if ball == "golf":
            assert mine == []
            continue
        (line,) = mine
        assert line.lower().startswith(setup_words(ball, surface)), (ball, surface, line)
        assert d["ball_advice"][0].startswith(f"Your set-up: {setup_words(ball, surface)}.")


def test_item2_ladder_names_the_steps_to_move_to_and_the_verdict_is_specific(pages):
    for (side, ball, surface, level, paper), d in pages.items():
        f = firmness(ball, surface)
        lad, n = d["ladder"], len(f.steps)
        if ball == "golf":
            assert "therapist" in lad["move_up"] and "therapist" in lad["move_down"]
            continue
        here = f.step if f.step is not None else (f.below_step - 0.5 if f.below_step else n + 0.5)
        up = [i for i in range(1, n + 1) if i > here][:1]
        down = [i for i in range(1, n + 1) if i < here][-1:]
        checks = [(up, lad["move_up"]), (down, lad["move_down"])]
        if f.step is None and "same" in lad["move_down"]:
            checks = checks[:1]  # between steps: back to a gentler ball on the same surface (read 4)
        for i, text in checks:
            if i:
                assert f"step {i[0]}, {step_words(*f.steps[i[0] - 1], surface)}" in text, (ball, surface, text)
            else:  # at an end of the ladder: says so, names no step
                assert ("gentlest" in text or "no firmer step" in text) and not re.search(r"step \d", text), text
        if f.step is None:  # off the ladder: the line says which two steps it sits between
            (line,) = [s_["text"] for s_ in lad["steps"] if s_["yours"]]
            assert re.search(r"(firmer|gentler) than step \d", line), line
        advice = d["ball_advice"][0]
        assert "for when the gentler steps feel easy" not in advice


def test_item3_one_soreness_rule_in_aftercare_and_ladder(pages):
    from hipball.dosage import BASES, aftercare

    rows = {a.aftercare_id: a for a in aftercare()}
    assert all(a.basis in BASES for a in rows.values())
    assert rows["expected_soreness"].basis == rows["too_much"].basis == "teaching_default"
    common = rows["expected_soreness"].client_text
    assert "a day or two" in common and "still sore, skip the ball" in common  # one line, not two rules
    assert not any("next day, skip" in a.client_text for a in rows.values())
    assert content.TOO_SORE.capitalize() in rows["too_much"].client_text
    for key, d in pages.items():
        assert content.TOO_SORE in d["ladder"]["move_down"], key
        if d["ladder"]["move_up"].startswith("Go up to"):
            assert content.NOT_SORE in d["ladder"]["move_up"]
        assert "no next-day soreness" not in d["ladder"]["move_up"]


def test_item4_the_log_fits_the_dose(pages):
    for (side, ball, surface, level, paper), d in pages.items():
        n = dosage(level).sessions_per_day
        assert d["log_sessions"] == n
        assert d["log_hint"].startswith("One line a day")
        assert ("up to twice" in d["log_hint"]) == (n == 2) and "per session" not in d["log_hint"].split(":")[0]
        assert ("per hip" in d["log_hint"]) == (side == "both")
        # (the dose box too: 'Spend about 3 minutes per hip' read oddly on a one-hip handout)
        assert any("minutes per hip" in ln for ln in d["dose_lines"]) == (side == "both"), d["dose_lines"]
        assert any(re.match(r"Spend about [\d.]+ minutes", ln) for ln in d["dose_lines"])
    v = page.page_data(_values(client="C", level="experienced", sessions_per_day=3))
    assert v["log_sessions"] == 3 and "up to 3 times)" in v["log_hint"]


def test_item5_both_hips_start_with_the_right_in_the_logs_order(pages):
    for (side, ball, surface, level, paper), d in pages.items():
        if side != "both":
            assert d["log_hips"] == [] and "first" not in d["steps"][0]
            continue
        assert d["log_hips"] == ["Right hip", "Left hip"]
        assert "your right hip first" in d["steps"][0], d["steps"][0]
        assert any("minutes on the right hip" in st and "then do the left hip" in st for st in d["steps"])


def test_items6_and_9_page_references_and_coming_off_the_ball(pages):
    for (side, ball, surface, level, paper), d in pages.items():
        assert d["routine_intro"] == f"Before you start, read 'STOP and see a doctor' (page {{page:{content.STOP_BOX}}})."
        assert f"'The spots and the spokes' (page {{page:{content.SPOTS_PICTURE}}})" in d["steps"][1]
        steps = " ".join(d["steps"])
        if surface == "wall":
            assert "Step forward slowly" in steps and "If it drops, let it fall" in steps
        else:
            assert "Roll off onto your side" in steps and "do not jump up" in steps
            assert "If the ball rolls away, let it go" in steps


def test_item7_degrees_come_after_plain_words(pages):
    for key, d in pages.items():
        step4 = d["steps"][3]
        cue = {"wall": "chest toward it", "bed": "chest toward the bed"}.get(key[2], "chest toward the floor")
        m = re.search(r"\((120 to 135 degrees)[^)]*\)", step4)
        assert m and cue in step4[:m.start()] and "three-quarters" in step4[:m.start()], (key, step4)
        for text in d["steps"]:
            for deg in re.finditer(r"\d+ (?:to \d+ )?degrees|°", text):
                before = text[:deg.start()]
                assert before.rfind("(") > before.rfind(")"), (key, text)  # always in brackets


def test_item8_the_routine_says_how_far_how_slowly_and_how_many_spokes(pages):
    from hipball.draw.handout import SPOKE_LENGTH_CM
    from hipball.frame import pictured_side
    from hipball.spokes import spoke_pattern

    for (side, ball, surface, level, paper), d in pages.items():
        drawn = [sp for v in ("posterior", "lateral", "anterolateral")
                 for sp in spoke_pattern(side=pictured_side(side), view=v, length_cm=SPOKE_LENGTH_CM).spokes]
        step3 = d["steps"][2]
        assert f"up to {round(max(sp.length_cm for sp in drawn))} cm" in step3 and "not onto bone" in step3
        assert "counting slowly to three on the way out and three on the way back" in step3  # not 3 rolls
        dose = dosage(level)
        plan = content.spoke_plan(side, content.dose(level))
        assert plan["spokes"] == len(drawn)  # every view's spokes are in the round
        assert plan["round_s"] == len(drawn) * content.SPOKE_STROKE_S
        assert plan["round_s"] + plan["holds"] * dose.hold_s <= dose.session_min * 60
        assert plan["round_s"] + (plan["holds"] + 1) * dose.hold_s > dose.session_min * 60


def test_item10_the_notes_say_to_follow_the_notes():
    d = page.page_data(_values(client="C", level="experienced", notes="Once a day."))
    assert "follow it and ask" in d["notes_rule"] and "therapist" in d["notes_rule"]
    assert page.page_data(_values(client="C"))["notes_rule"] == ""
    assert page.page_data(_values(client="C", anonymize=True))["notes_rule"] == content.NOTES_RULE
    assert "not sure which to use" not in content.notes_check("Use the lacrosse ball.", "tennis", "bed")


def test_item11_where_you_reach_each_spot_is_in_its_key_entry(pages):
    """Each spot's entry in the map's key: its plain words, the muscle in brackets, then where to
    reach it, in the words of the client's posture (lying, or standing at the wall)."""
    from hipball.roll import POSITION_WORDS

    for surface in SURFACES:
        words = POSITION_WORDS["standing" if surface == "wall" else "lying"].values()
        for item in _key_entries(surface):
            m = re.fullmatch(r"The [^:;()]+ \([^()]+\)\u00a0· reach it (.+)", item)
            assert m and m.group(1) in words, (surface, item)


# ---------------------------------------------------------------- a second client read (items 1 to 8)

def test_read2_item1_the_client_starts_on_the_set_up_the_therapist_chose(pages):
    """'Your set-up: a tennis ball on a hardwood floor... Use it once step 1, a tennis ball on a
    bed, feels easy': the client could not tell whether to start on the bed or the floor."""
    for (side, ball, surface, level, paper), d in pages.items():
        f = firmness(ball, surface)
        advice = " ".join(d["ball_advice"])
        assert "Use it once" not in advice and "feels easy" not in advice, advice
        start = content.START_HERE_BEGINNER if level == "beginner" and f.step != 1 else content.START_HERE
        assert (start in d["ball_advice"][0]) == (f.word != "too firm" and not f.point_tool), advice
        # when to move to another step is the ladder's 'Go up to' line, not the client's start
        if d["ladder"]["move_up"].startswith("Go up to"):
            assert "only when" in d["ladder"]["move_up"] and content.NOT_SORE in d["ladder"]["move_up"]
        assert "firmer set-up for you" not in advice


def _views_drawn(side):
    from hipball.draw.handout import SPOKE_LENGTH_CM
    from hipball.frame import pictured_side
    from hipball.spokes import spoke_pattern

    return {v: len(spoke_pattern(side=pictured_side(side), view=v, length_cm=SPOKE_LENGTH_CM).spokes)
            for v in ("posterior", "lateral", "anterolateral")}


def test_read2_item2_the_spoke_count_is_true_for_every_view_and_the_budget_counts_them_all(pages):
    """Step 3 said 'Do all 7 spokes' beside a picture drawing 7 from behind and 8 at the side and
    at the front corner; the round in step 6's budget was the 7 from behind only."""
    for (side, ball, surface, level, paper), d in pages.items():
        n = _views_drawn(side)
        step3, step4 = d["steps"][2], d["steps"][3]
        assert "Do all" not in step3
        assert f"Work all {n['posterior']} spokes drawn from behind." in step3, step3
        # the side's and the front corner's spokes in the step that turns there, side first
        side_ = f"work the {n['lateral']} spokes drawn from the side"
        front = f"work the {n['anterolateral']} drawn there"
        assert side_ in step4 and front in step4, step4
        assert step4.index(side_) < step4.index("front corner") < step4.index(front), step4
        plan = content.spoke_plan(side, content.dose(level))
        assert plan["per_view"] == n and plan["spokes"] == sum(n.values())
        # the round of every view fits the session with the holds the budget names
        assert plan["round_s"] <= content.dose(level)["session_min"] * 60


def test_read2_item3_the_holds_say_which_spots(pages):
    """'about 3 holds' beside 5 X marks: on which?"""
    for (side, ball, surface, level, paper), d in pages.items():
        plan = content.spoke_plan(side, content.dose(level))
        stop = next(st for st in d["steps"] if st.startswith("Stop after"))
        h = plan["holds"]
        said = {0: "one round of the spokes, or one hold)", 1: "one round of the spokes, then one hold)"}.get(
            h, f"one round of the spokes, then hold still on each of the {h} most tender of the common spots")
        assert said in stop, stop
        assert not re.search(r"about \d+ holds?\)", stop), stop
        # the hold step says where a hold goes
        hold = next(st for st in d["steps"] if "stay still for about" in st)
        which = f"each of the {h} most tender" if h > 1 else "the most tender"  # (as many as step 6 names)
        assert hold.startswith(f"On {which} of the common spots (X), stay still"), hold


def test_read2_item4_one_rule_for_a_sore_day_in_aftercare_and_ladder(pages):
    """Aftercare said 'still sore, skip the ball', the ladder 'go back a step... on a bad day' and
    'on a bad day, make the sessions shorter'."""
    from hipball.dosage import aftercare

    rows = {a.aftercare_id: a for a in aftercare()}
    assert content.SORE_DAY in rows["expected_soreness"].client_text
    assert rows["expected_soreness"].basis == "teaching_default"
    for key, d in pages.items():
        text = _client_text(d) + " " + " ".join(d["ball_advice"])
        assert "bad day" not in text and "tender days" not in text, key
        assert content.SORE_DAY.capitalize() in d["ladder"]["move_down"], (key, d["ladder"]["move_down"])
        assert any(content.SORE_DAY in a for a in d["aftercare"]), key


def test_read2_item5_aftercare_points_to_the_stop_box_with_its_urgency(pages):
    for key, d in pages.items():
        last = d["aftercare"][-1]
        assert "'STOP and see a doctor' box" in last and "doctor or your therapist" not in last, last
        assert "marked as an emergency, call your local emergency number now" in last
        # the box really marks signs so
        assert any("Emergency: call your local emergency number now" in f["text"] for f in d["red_flags"])


def test_read2_item6_step4_uses_the_surfaces_word(pages):
    for (side, ball, surface, level, paper), d in pages.items():
        step4 = d["steps"][3]
        if surface == "bed":
            assert "chest toward the bed" in step4 and "floor" not in step4, step4
        elif surface != "wall":
            assert "chest toward the floor" in step4 and "bed" not in step4, step4


def test_read2_item8_the_dose_box_says_rolling_is_instead_of_holding(pages):
    """'Or roll slowly over the spot about 8 times', which the steps never mention."""
    from hipball.dosage import PARAMETERS

    for (side, ball, surface, level, paper), d in pages.items():
        hold = d["dose_lines"][PARAMETERS.index("hold_s")]
        roll = d["dose_lines"][PARAMETERS.index("strokes_per_spot")]
        assert roll.startswith("Or, instead of holding still, roll slowly over the spot about "), roll
        assert PARAMETERS.index("strokes_per_spot") == PARAMETERS.index("hold_s") + 1  # right after it
        assert hold.startswith("Rest on a tender spot") and "stay still" in " ".join(d["steps"])


@pytest.mark.parametrize("large", [False, True])
def test_read2_item7_stop_signs_print_before_the_routine_in_both_sizes(large):
    """Large print had only the pointer to the STOP box's page before the steps; now both key
    sentences print above step 1 in every size. The therapist's notes rule prints too."""
    v = _values(client="Sam", side="right", ball="tennis", surface="hardwood", large_print=large,
                notes="Once a day.")
    pdf = page.render_pdf(v)
    assert page.page_count(pdf) == page.PAGES[large]
    d = page.page_data(v)
    text = _flat(" ".join(_text(pdf)))
    step1 = text.index(_flat(d["steps"][0]))
    for sentence in content.stop_first():
        at = text.find(_flat(sentence))
        assert 0 <= at < step1, sentence
    assert _flat("Stop signs first.") in text[:step1]
    assert _flat(content.NOTES_RULE) in text


def test_read3_start_here_holds_and_log_say_one_thing(pages):
    """A third client read: 'Start with this set-up' beside 'Beginners usually start on step 1;
    this one is firmer' read as two instructions; 'about 2 in the time' and 'pain before and
    after the first' as unclear. The beginner line says the therapist chose this one; the stop
    step names how many spots get a hold; the log says the first session."""
    for (side, ball, surface, level, paper), d in pages.items():
        for line in d["ball_advice"]:
            if "beginners usually start on step 1" in line.lower():
                assert "your therapist chose" in line, line
        f = firmness(ball, surface)
        if level == "beginner" and f.step != 1 and not f.point_tool and f.word != "too firm":
            # one sentence, not a start line and then a line of its own for beginners (page 2's room)
            assert d["ball_advice"] == [d["ball_advice"][0]] and content.START_HERE_BEGINNER in d["ball_advice"][0]
        stop = next(st for st in d["steps"] if st.startswith("Stop after"))
        assert "in the time" not in stop
        if content.dose(level)["sessions_per_day"] > 1:
            assert "after the first session" in d["log_hint"]
        assert not d["log_hint"].rstrip(" .").endswith("after the first")


# ---------------------------------------------------------------- a fourth client read (issue 11)

def _named_set_up(text: str, lead: str) -> tuple[str, str]:
    """The (ball, surface) a 'Go back to ...' / 'Go up to ...' line names, read from its words
    (a ladder step's words or a set-up's own), never from the code that wrote it."""
    names = {}
    for b, s in itertools.product(BALLS, SURFACES):
        names[setup_words(b, s)] = (b, s)
    for steps in LADDERS.values():
        for (b, s), own in itertools.product(steps, (None, *SURFACES)):
            names.setdefault(step_words(b, s, own), (b, s))
    rest = re.sub(r"^step \d+, ", "", text.split(lead, 1)[1])
    found = sorted((w for w in names if rest.startswith(w)), key=len)
    assert found, text
    return names[found[-1]]


def test_read4_go_back_and_go_up_name_set_ups_the_model_rates_gentler_and_firmer(pages):
    """Every ball x surface x level (x side x paper): the set-up 'Go back to' names presses less
    at the skin in the pressure model (the measure that orders the ladder) and 'Go up to' more;
    a step number, when given, is that set-up's step. A set-up between steps (a racquetball on a
    bed) goes back to a gentler ball on its own surface and says so: 'go back to step 2, a
    tennis ball on the floor' sent a client on a bed to the floor, which read as harder."""
    from hipball.pressure import rates_gentler

    seen = set()
    for (side, ball, surface, level, paper), d in pages.items():
        lad, mine, f = d["ladder"], (ball, surface), firmness(ball, surface)
        if ball == "golf":
            assert "Go " not in lad["move_up"] + lad["move_down"]
            continue
        for lead, text, gentler in (("Go back to ", lad["move_down"], True), ("Go up to ", lad["move_up"], False)):
            if lead not in text:
                assert ("gentlest" in text) if gentler else ("no firmer step" in text), text
                continue
            named = _named_set_up(text, lead)
            assert rates_gentler(named, mine) if gentler else rates_gentler(mine, named), (mine, text)
            m = re.match(rf"{lead}step (\d+), ", text)
            if m:
                b, s = f.steps[int(m.group(1)) - 1]
                assert contact_pressure(b, s, REFERENCE_MASS_KG).mean_pressure_kpa == pytest.approx(
                    contact_pressure(*named, REFERENCE_MASS_KG).mean_pressure_kpa, rel=0.01), text
            seen.add((lead, mine, named))
        if f.step is None:  # between steps: back on the client's own surface, and why
            back = _named_set_up(lad["move_down"], "Go back to ")
            assert back[1] == surface and f"(a gentler ball on the same {surface})" in lad["move_down"], lad
            assert surface != "bed" or "floor" not in lad["move_down"], lad["move_down"]
    assert ("Go back to ", ("racquetball", "bed"), ("tennis", "bed")) in seen
    assert ("Go up to ", ("racquetball", "bed"), ("racquetball", "carpet")) in seen


def test_read4_the_model_rates_every_move_the_same_way_at_every_body_mass():
    """pressure.ladder_moves (the handout's go back / go up) agrees with the model for every
    ball x surface at every body mass of the app's slider, not only at the handout's 70 kg."""
    from hipball.pressure import ladder_moves, rates_gentler

    for mass in MASSES:
        for ball, surface in itertools.product(BALLS, SURFACES):
            back, up = ladder_moves(ball, surface, mass)
            if back:
                assert rates_gentler((back.ball, back.surface), (ball, surface), mass), (ball, surface, mass, back)
            if up:
                assert rates_gentler((ball, surface), (up.ball, up.surface), mass), (ball, surface, mass, up)
            f = firmness(ball, surface, mass)
            if f.step is None and back and back.same_surface:
                assert back.surface == surface


def _sources_type(pdf: bytes) -> tuple[float, float]:
    """(smallest size, palest grey) of the 'Sources and limits' line, to the page's footer."""
    runs = sized_runs(pdf, page.page_count(pdf) - 1)
    start = next(i for i, r in enumerate(runs) if r[0].startswith("Sources and limits"))
    mine = list(itertools.takewhile(lambda r: not r[0].startswith("Hip ball routine"), runs[start:]))
    assert _flat("simplified teaching pictures.") in _flat("".join(r[0] for r in mine)), mine[:5]
    return min(r[1] for r in mine), max(r[2] for r in mine)


def _large_print_runs(pdf: bytes) -> list[tuple[int, str, float]]:
    """(page, text, printed pt) of every text run a client reads, the footer and the sources
    line (from 'Sources and limits' to the footer) left out; with the sizes those two print at."""
    out, kept = [], {"footer": set(), "sources": set()}
    for n in range(page.page_count(pdf)):
        in_sources = False
        for text, pt, _ in sized_runs(pdf, n):
            t = text.strip()
            if t.startswith(("Hip ball routine", "page ")):
                kept["footer"].add(round(pt, 2))
                in_sources = False
                continue
            in_sources = in_sources or t.startswith("Sources and limits")
            if in_sources:
                kept["sources"].add(round(pt, 2))
            else:
                out.append((n + 1, t[:40], round(pt, 2)))
    return out, kept


# (side, paper, surface, chosen spots): one hip and both, Letter and A4, lying and at the wall,
# with and without spots chosen
LARGE_SIZE_CASES = [("both", "letter", "hardwood", ()), ("left", "a4", "wall", ("gluteus_minimus.anterior", "piriformis.lateral")),
                    ("right", "letter", "wall", ("gluteus_medius.posterior",)), ("both", "a4", "bed", ())]


@pytest.mark.parametrize("side,paper,surface,spots", LARGE_SIZE_CASES, ids=lambda x: str(x)[:12])
def test_large_print_prints_every_word_at_the_body_size_on_every_page(side, paper, surface, spots):
    """Large print: on every page every word a client reads prints at the body size (12.8 pt) or
    larger, read from the PDF: the header's clinic line (was 11.5 pt), the referral map's caption
    and 'where you reach each spot' (11.5), the log's hint and day numbers (10.8), and since large
    print has five pages the ladder (11.9), the spots note (11.5), the STOP box's signs (11.1),
    the outline's note and the notes check (10.8). The footer (10.1 pt), the sources line (9 pt)
    and the log's headers (10.8 pt: at 12.8 pt bold the both-hips log's headers need about 20 cm
    of its 19.2 cm) keep their smaller sizes."""
    pdf = page.render_pdf(_values(client="Ann Lee", side=side, paper=paper, surface=surface, large_print=True,
                                  trigger_points=list(spots), therapist="Sam Rivera, LMT (NMT)",
                                  clinic="Riverside Neuromuscular Therapy · 555-0134"))
    last = page.PAGES[True]
    assert page.page_count(pdf) == last
    runs, kept = _large_print_runs(pdf)
    body = page.large_body_pt()
    assert body == pytest.approx(12.825)
    starts = {p: [t for q, t, _ in runs if q == p] for p in range(1, last + 1)}
    assert any(t.startswith("Riverside") for t in starts[1]) and any(t.startswith("One line a day") for t in starts[last])
    assert any(t.startswith("Your ladder") for t in starts[2]) and any(t.startswith("STOP") for t in starts[3])
    # the outline for marking spots with the notes and the contact, on one page
    assert all(any(t.startswith(w) for t in starts[4]) for w in ("Your spots", "Notes from your", "Contact"))
    # the log's column headers stay at 10.8 pt: each run of them one of these words
    header = {"Day", "Date", "Done", "Sessions", "Minutes", "Pain", "before", "after", "(0–10)", "Comments",
              "Right hip", "Left hip", "Pain before (0–10)", "Pain after (0–10)"}
    heads = {pt for p, t, pt in runs if p == last and t in header}
    assert heads == {round(8 * page.LARGE_PRINT_SCALE, 2)}, heads
    assert [r for r in runs if r[2] < body - 0.01 and not (r[0] == last and r[1] in header)] == []
    assert any(t == "14" and pt >= body - 0.01 for p, t, pt in runs if p == last)  # the day numbers
    assert kept == {"footer": {round(7.5 * page.LARGE_PRINT_SCALE, 2)}, "sources": {9.0}}, kept


@pytest.fixture(scope="module")
def racquetball_bed_pdf():
    """The handout the fourth client read looked at first: right hip, a racquetball on a bed."""
    return page.render_pdf(_values(client="Sam", side="right", ball="racquetball", surface="bed", paper="letter"))


def test_read4_the_printed_ladder_sends_a_bed_client_back_on_the_bed(racquetball_bed_pdf):
    text = _flat(" ".join(_text(racquetball_bed_pdf)))
    assert _flat("Go back to step 1, a tennis ball on a bed (a gentler ball on the same bed), if") in text
    assert _flat("Go back to step 2") not in text
    assert _flat("Go up to step 3, a racquetball on the floor, only when") in text


def test_read4_the_printed_emergencies_say_what_to_do(racquetball_bed_pdf):
    """The STOP box said 'get medical help now' and named no number: each cauda equina sign
    (an emergency, NICE CKS) now says to call the local emergency number, and the aftercare's
    last line keeps that urgency. No country's number is printed (the handout has no country)."""
    from hipball.dosage import red_flags

    text = _flat(" ".join(_text(racquetball_bed_pdf)))
    cauda = [f for f in red_flags() if f.source_id.startswith("nice_cks") and "emergency" in f.instructor_text]
    assert len(cauda) == 3
    for f in cauda:
        assert f.client_text.endswith("Emergency: call your local emergency number now."), f.client_text
        assert _flat(f.client_text) in text
    assert text.count(_flat("call your local emergency number now")) == 4  # 3 signs and the aftercare
    assert "medicalhelpnow" not in text
    assert not re.search(r"\b(999|911|112|000)\b", " ".join(_text(racquetball_bed_pdf)))


@pytest.mark.parametrize("large", [False, pytest.param(True, marks=pytest.mark.slow)])
def test_read4_the_sources_print_at_a_readable_size_in_ink(large, racquetball_bed_pdf):
    """The sources line printed at 6 pt in grey (luma 55 %): now at least 8 pt (9 in large
    print) in the body's ink, on the page count of every combination (the slow tier)."""
    pdf = racquetball_bed_pdf if not large else page.render_pdf(
        _values(client="Sam", side="left", ball="tennis", surface="wall", large_print=True))
    size, grey = _sources_type(pdf)
    assert size >= (9.0 if large else 8.0) - 0.01, size
    assert grey is not None and grey <= 0.2, grey  # the body's ink (luma 15 %), not the grey 55 %


def test_read4_degrees_print_once_in_brackets_after_the_plain_cue(racquetball_bed_pdf):
    """The page's text carries degrees once: '(120 to 135 degrees)' in step 4, after 'about
    three-quarters of the way to face down'. (The position pictures' titles are drawn as paths
    and are checked with the pictures, tests/test_position.py.)"""
    text = " ".join(_text(racquetball_bed_pdf))
    found = list(re.finditer(r"\d+\s*(?:to\s*\d+\s*)?(?:degrees|°)", text))
    assert [m.group(0) for m in found] == ["120 to 135 degrees"], [m.group(0) for m in found]
    before = text[:found[0].start()]
    assert before.endswith("(") and "three-quarters" in before[-200:], before[-200:]


# ---------------------------------------------------------------- whose spots the X marks

# A client read (issue 11, "whose spots?"): with no spots chosen the handout marked the standard
# set and called them "your spots (X)" beside an empty "Your spots (to mark by hand)" outline.
WHOSE = [
    pytest.param(dict(side="right", ball="tennis", surface="hardwood", paper="letter"), False, id="none-chosen"),
    pytest.param(dict(side="both", ball="tennis", surface="bed", paper="a4",
                      trigger_points=["gluteus_minimus.anterior", "gluteus_medius.posterior"]), True, id="two-chosen"),
]


def _svg_words(svg: str) -> list[str]:
    """The words of a picture (matplotlib writes each text, drawn as paths, in a comment)."""
    return re.findall(r"<!-- (.*?) -->", svg)


@pytest.mark.parametrize("kw, chosen", WHOSE)
def test_the_x_says_whose_spots_it_marks_everywhere(kw, chosen, tmp_path):
    """Chosen spots are 'your spots' in every text and picture key, and the outline box marks
    each with an X (room for more by hand). None chosen: every text and key says 'the common spots'
    (never 'your spot' for an X), a note by the spoke picture says so and where the client's
    own can be marked (the outline, by its page), and the outline is blank. Read from the PDF's
    text and the pictures it embeds."""
    from hipball.handouts import figures

    v = _values(client="Sam", **kw)
    pdf = page.render_pdf(v)
    pages = _text(pdf)
    text = " ".join(pages)
    trps = tuple(v["trigger_points"]) or params.standard_trigger_points()
    files = figures.write_page_figures(tmp_path, v, trps, page.referral_size(v),
                                       page.text_width_cm(v["paper"]), page.figure_type(False))
    svg = {k: (tmp_path / f).read_text(encoding="utf-8") for k, f in files.items()}
    keys = [w for k in ("fig_spokes", "fig_referral") for w in _svg_words(svg[k]) if "(X" in w]
    said = re.findall(r"(\w+ \w+) \(X", text) + [re.match(r"(.+?) \(X", w).group(1) for w in keys]
    assert len(keys) == 2 and len(said) >= 4, (keys, said)   # both keys, the hold step, the map's caption
    own, common = ("your spot", "common spot") if chosen else ("common spot", "your spot")
    assert all(own in s.lower() and common not in s.lower() for s in said), said
    heading = content.spots_heading(chosen)
    assert heading == ("Your spots and the spokes" if chosen else "The spots and the spokes")
    assert f"'{heading}'" in text and _page_of(heading, pages) == 1
    marks_page = _page_of("Your spots (", pages)
    marks = re.findall(r'id="spot:', svg["fig_outline"])
    if chosen:
        # the spoke picture marks each chosen spot in each view that shows it (roll.marked_views);
        # the outline once per hip, where it is reached (the spoke picture's black X)
        from hipball.roll import marked_views

        hips = ("right", "left") if v["side"] == "both" else (v["side"],)
        assert len(re.findall(r'id="spot:', svg["fig_spokes"])) == \
            sum(len(marked_views(t, hip)) for t in trps for hip in hips)
        assert len(marks) == len(trps) * len(hips)
        assert "Your spots (X) (add more by hand)" in text
        assert "No spots were chosen" not in text and "common spot" not in text
    else:
        assert not marks  # blank: for the client's own
        assert "Your spots (to mark by hand)" in text
        note = re.sub(r"\{page:[a-z-]+\}", str(marks_page), content.spots_note(False))
        assert note in text and pages[0].find(note) > pages[0].find(heading)  # under the picture, page 1
        assert marks_page == 3 and "'Your spots' (page 3)" in note
        assert "your spot" not in text.lower().replace("your spots (", "").replace("'your spots'", "")


# ---------------------------------------------------------------- a fifth client read (issue 11)

def test_read5_the_notes_never_override_the_stop_signs_and_one_go_back_rule(pages):
    """A note saying 'tell me at your next visit' about tingling, beside 'where it differs from
    this sheet, follow it', read as overriding the sheet's 'see a doctor': the notes' rule says
    the STOP box always applies. And aftercare said 'go back one step on the ladder' while, for
    a racquetball on a bed, the ladder's own 'Go back' line names a tennis ball on the same bed
    (one step back on the printed ladder is a tennis ball on the floor): aftercare now points to
    that line, whatever the set-up."""
    from hipball.dosage import aftercare

    assert "the STOP box always applies" in content.NOTES_RULE
    too_much = {a.aftercare_id: a for a in aftercare()}["too_much"].client_text
    assert "one step" not in too_much
    for key, d in pages.items():
        if d["ladder"]["move_down"].startswith("Go back to"):
            assert "step" not in " ".join(d["aftercare"]), key


def _too_much(d) -> str:
    (line,) = [a for a in d["aftercare"] if a.startswith(content.TOO_SORE.capitalize())]
    return line


def test_read6_too_much_names_the_set_up_the_ladder_goes_back_to(pages):
    """Aftercare said 'next time use less time and, unless you are on the gentlest set-up, use
    the softer one your ladder's 'Go back' line names' (a client read: convoluted). It now names
    that set-up in the Go-back line's own words, for every ball x surface x level (x side x
    paper), read back from the words; on the gentlest set-up it says shorter or fewer sessions
    and never a softer set-up; on the golf ball, the ladder's words."""
    seen = set()
    for (side, ball, surface, level, paper), d in pages.items():
        line, down = _too_much(d), d["ladder"]["move_down"]
        assert "{" not in line and "'Go back'" not in line and "unless" not in line, line
        assert line.startswith("Sore for more than two days, or getting worse? That was too much: "), line
        if down.startswith("Go back to "):
            named = _named_set_up(line, "next time go back to ")
            assert named == _named_set_up(down, "Go back to "), (line, down)
            assert rates_gentler(named, (ball, surface)), line
            assert "for a shorter session, and tell your therapist." in line
            seen.add(((ball, surface), named))
        elif ball == "golf":
            assert content.GOLF_BACK in line and content.GOLF_BACK in down, line
        else:  # the gentlest set-up: nothing softer to go to
            assert "gentlest" in down and firmness(ball, surface).word == "gentlest", down
            assert line.endswith(f"next time {content.LESS}, and tell your therapist."), line
            assert not re.search(r"softer|gentler|go back", line, re.IGNORECASE), line
            seen.add(((ball, surface), None))
    assert (("racquetball", "bed"), ("tennis", "bed")) in seen  # not the step below on the floor
    assert (("racquetball", "hardwood"), ("tennis", "hardwood")) in seen  # in its own floor's words
    assert (("tennis", "bed"), None) in seen and (("tennis", "wall"), None) in seen


def test_read6_the_printed_aftercare_names_the_set_up(racquetball_bed_pdf):
    text = _flat(" ".join(_text(racquetball_bed_pdf)))
    assert _flat("That was too much: next time go back to a tennis ball on a bed, for a shorter session, "
                 "and tell your therapist.") in text
    assert _flat("'Go back' line") not in text


def _ladder_pairs(ball: str, surface: str, lad: dict) -> list[tuple[tuple[str, str], tuple[str, str], str]]:
    """(firmer set-up, gentler set-up, the words printed between them) for every pair the
    ladder shows side by side: each line and the one above it, read from the printed words."""
    def setup(text):
        text = text.lower().split(", firmer than")[0].split(", gentler than")[0]
        return _named_set_up(" " + text, " ")
    lines = [(setup(s_["text"]), s_["text"]) for s_ in lad["steps"]]
    return [(hi, lo, hi_text) for (lo, _), (hi, hi_text) in zip(lines, lines[1:])]


def test_read6_a_ranking_that_could_surprise_gives_the_models_reason(pages):
    """'A racquetball on a bed' above 'a tennis ball on the floor', with no reason: a client
    found it odd, a bed feels softer. The model ranks by the pressure at the skin (72.3 against
    64.9 kPa) while the floor presses deeper (30.5 against 19.7 kPa at 4 cm): wherever the ladder
    puts a set-up on a softer surface above one on a harder surface, the line says why in words
    that agree with the model's two numbers; nowhere else."""
    stiff = {"bed": 0, "carpet": 1, "hardwood": 1, "wall": 1}  # what a client expects: a bed is softer
    said = set()
    for (side, ball, surface, level, paper), d in pages.items():
        for hi, lo, text in _ladder_pairs(ball, surface, d["ladder"]):
            a, b = contact_pressure(*hi, REFERENCE_MASS_KG), contact_pressure(*lo, REFERENCE_MASS_KG)
            assert a.mean_pressure_kpa > b.mean_pressure_kpa, (hi, lo)  # the ladder's order is the skin's
            surprising = stiff[hi[1]] < stiff[lo[1]]
            reason = re.search(r"\(it presses more sharply, (though less|and more) deeply\)", text)
            assert bool(reason) == surprising, (hi, lo, text)
            if reason:
                assert (reason.group(1) == "though less") == (a.depth_pressure_kpa < b.depth_pressure_kpa), text
                said.add((hi, lo, reason.group(1)))
    assert said == {(("racquetball", "bed"), ("tennis", "carpet"), "though less"),
                    (("lacrosse", "bed"), ("racquetball", "carpet"), "though less"),
                    (("baseball", "bed"), ("racquetball", "carpet"), "though less")}, said


def test_read6_the_app_gives_the_handouts_reason():
    """The Ball & surface app shows where a set-up sits on the ladder: with the handout's own
    words for the step under it (one function, ``pressure.firmer_than_words``), at every body
    mass of its slider."""
    from hipball.apps.pressure import advice_html
    from hipball.pressure import firmer_than_words

    text = advice_html("racquetball", "bed", 70)
    assert "firmer than step 2 (it presses more sharply, though less deeply)" in text
    lad = content.ladder("racquetball", "bed")
    (mine,) = [s_["text"] for s_ in lad["steps"] if s_["yours"]]
    assert firmer_than_words(firmness("racquetball", "bed")) in mine
    for mass in MASSES:
        for ball, surface in itertools.product(BALLS, SURFACES):
            words = firmer_than_words(firmness(ball, surface, mass))
            assert words in advice_html(ball, surface, mass).replace("&#x27;", "'"), (ball, surface, mass)


def test_read5_going_up_is_when_the_spots_feel_milder(pages):
    """'Go up ... only when tender spots no longer feel like a good hurt' read as 'when it starts
    hurting more': the ladder says they feel mild, less than a good hurt."""
    for key, d in pages.items():
        up = d["ladder"]["move_up"]
        if up.startswith("Go up to"):
            assert "feel mild, less than a 'good hurt'" in up and "no longer feel" not in up, key



# ---------------------------------------------------------------- a sixth client read

PICTURE_REF = re.compile(r"\(pictures? (\d+(?:(?:, | and | to )\d+)*)\)")
_TITLE_STOP = {"a", "the", "on", "your", "to", "toward", "out", "of"}


def _picture_refs(text: str) -> list[tuple[list[int], str]]:
    """([picture numbers], the words before the reference since the last one or the sentence's
    start) for each '(picture 3)', '(pictures 3 and 4)', '(pictures 3 to 5)' in ``text``."""
    out, start = [], 0
    for m in PICTURE_REF.finditer(text):
        words = m.group(1)
        if " to " in words:
            a, b = map(int, words.split(" to "))
            nums = list(range(a, b + 1))
        else:
            nums = [int(n) for n in re.split(r", | and ", words)]
        before = text[start:m.start()]
        out.append((nums, before[before.rfind(". ") + 1:]))
        start = m.end()
    return out


def _drawn_titles(side: str, ball: str, surface: str) -> list[str]:
    """The titles page 1's position pictures carry, numbered as drawn ('3. Half turned'), by the
    drawing's own title function, over the positions the drawing draws."""
    from hipball.draw.handout import setup_of
    from hipball.draw.position import numbered_title
    from hipball.frame import pictured_side
    from hipball.pose import pose, sequence

    s = pictured_side(side)
    return [numbered_title(pose(name, s, ball), i, 1000) for i, name in enumerate(sequence(s, setup_of(surface)), 1)]


def test_read6_every_picture_is_named_by_a_step_and_every_reference_is_a_drawn_picture(pages):
    """A client read pictures numbered 1 to 5 beside steps numbered 1 to 6, and no step named
    picture 3 ('Half turned'). Every side x ball x surface x level x paper: each step that takes
    a position names its picture(s) by number; every picture drawn is named by some step; every
    reference names a drawn picture, and the words before it say that picture's title (the
    half turn is named on the way from the back to the side, in step 4). The caption under the
    pictures names the same picture as the step's three-quarters turn."""
    for (side, ball, surface, level, paper), d in pages.items():
        titles = _drawn_titles(side, ball, surface)
        n = len(titles)
        assert n == (3 if surface == "wall" else 5)
        named = set()
        for text in d["steps"]:
            for nums, before in _picture_refs(text):
                assert all(1 <= k <= n for k in nums), (side, surface, text)
                named.update(nums)
                for k in nums:
                    words = {w for w in re.findall(r"[a-z-]+", titles[k - 1].lower()) if w not in _TITLE_STOP}
                    missing = [w for w in words if not re.search(rf"\b{re.escape(w)}\b", before.lower())]
                    assert not missing, (surface, titles[k - 1], before, missing)
        assert named == set(range(1, n + 1)), (side, surface, sorted(named), d["steps"])
        ((cap, _),) = _picture_refs(d["rolling_caption"])
        front = [nums for text in d["steps"] for nums, before in _picture_refs(text) if "three-quarters" in before]
        assert front == [cap] == [[n]], (surface, d["rolling_caption"], front)
    # the references are short: no more than one per position, never the title again
    lying = pages[("right", "tennis", "hardwood", "beginner", "letter")]["steps"]
    assert "(picture 1)" in lying[0] and "(picture 2)" in lying[2]
    assert "half turned" in lying[3] and "(pictures 3 and 4)" in lying[3] and "(picture 5)" in lying[3]


@pytest.mark.parametrize("kw", [dict(side="right", surface="hardwood", large_print=False),
                                dict(side="both", surface="bed", large_print=True),
                                dict(side="left", surface="wall", large_print=True)])
def test_read6_the_drawn_pictures_carry_the_numbers_the_steps_name(kw, tmp_path):
    """The picture drawn under each number is the one the steps mean: the titles the printed
    position picture carries (its SVG's text, in two rows, one row at the wall, and large
    print's row per position) are ``_drawn_titles``, numbered 1 to n, no more."""
    from hipball.handouts import figures

    v = _values(client="Client", ball="tennis", **kw)
    large = bool(v["large_print"])
    figures.write_page_figures(tmp_path, v, params.standard_trigger_points(), page.referral_size(v),
                               page.text_width_cm(v["paper"], large), page.figure_type(large))
    words = _svg_words((tmp_path / figures.FILES["fig_positions"]).read_text(encoding="utf-8"))
    numbered = [w for w in words if re.match(r"\d+\. ", w)]
    titles = _drawn_titles(kw["side"], "tennis", kw["surface"])
    assert len(numbered) == len(titles), numbered
    for line, title in zip(numbered, titles):
        assert title.startswith(line), (line, title)  # a long title may wrap: its first line


def test_read6_the_ladder_names_floors_as_the_set_up_line_does(pages):
    """'Your set-up: a tennis ball on a hardwood floor' over a ladder saying 'A racquetball on the
    floor'. A client on a floor reads every floor step in the set-up line's words for that floor
    (carpet and hardwood press the same in the model, so it is the same step); on a bed, at a
    wall or with a golf ball, the floor steps read 'on the floor', all alike."""
    from hipball.pressure import SURFACE_WORDS, pressure_table

    for mass in (40, 70, 150):  # why a floor step may be named for the client's floor
        table = pressure_table(mass)
        for b in BALLS:
            carpet, wood = table[b, "carpet"], table[b, "hardwood"]
            assert carpet.mean_pressure_kpa == pytest.approx(wood.mean_pressure_kpa, rel=0.01)
            assert carpet.depth_pressure_kpa == pytest.approx(wood.depth_pressure_kpa, rel=0.01)
    for (side, ball, surface, level, paper), d in pages.items():
        lad = d["ladder"]
        text = " ".join([*(s_["text"] for s_ in lad["steps"]), lad["move_up"], lad["move_down"]]).lower()
        floors = re.findall(r"on (?:a|the) [a-z]* ?floor", text)
        if surface in ("carpet", "hardwood"):
            assert set(floors) == {SURFACE_WORDS[surface]}, (surface, floors)
        elif surface == "bed":
            assert set(floors) == {"on the floor"}, (ball, surface, floors)
        else:
            assert floors == []
    from hipball.apps.pressure import advice_html  # the app's ladder reads as the handout's

    assert "3 a racquetball on a hardwood floor" in advice_html("tennis", "hardwood", 70)
    assert "5 a baseball on the floor" in advice_html("racquetball", "bed", 70)
    racq = pages[("right", "racquetball", "bed", "beginner", "letter")]["ladder"]
    assert [s_["text"] for s_ in racq["steps"] if s_["num"] in ("3.", "5.")] == [
        "A racquetball on the floor", "A baseball on the floor"]


def test_read6_step1_places_the_ball_by_landmarks_a_client_can_feel(pages):
    """'the bony point at the side of the hip' was anatomy a client could not find: step 1 says
    the bony bump at the side of the hip (the greater trochanter), and the words for it are the
    same wherever the page names it again (step 4's front corner, the spots' plain names)."""
    from hipball.referral import PLAIN_NAMES

    for key, d in pages.items():
        assert d["steps"][0].endswith(": just below the top of the hip bone, behind the bony bump at the side."), key
        assert "in front of the bony bump" in d["steps"][3]
        page_words = " ".join([*d["steps"], *_key_entries(key[2]), d["rolling_caption"]])
        assert "bony point" not in page_words, key
    assert not any("bony point" in w for w in PLAIN_NAMES.values())


# ---------------------------------------------------------------- a seventh client read

def test_read7_the_top_of_the_ladder_says_it_is_the_firmest(pages):
    """'Firmer than the gentlest set-up, but not painful for most people' printed alike for a
    racquetball on a bed and a baseball on a hardwood floor, the ladder's top step: a reader took
    the baseball for mild. The top step (in the model's 'firmer' band) says it is the firmest;
    no other set-up does."""
    for ladder, steps in LADDERS.items():
        for i, (ball, surface) in enumerate(steps, 1):
            f = firmness(ball, surface)
            assert f.client_text.startswith("The firmest step") == (i == len(steps) and f.word == "firmer"), f
    assert firmness("baseball", "hardwood").client_text.startswith("The firmest step of the ladder.")
    top = [d for (side, ball, surface, *_), d in pages.items() if (ball, surface) == ("baseball", "hardwood")]
    assert top and all("The firmest step of the ladder." in " ".join(d["ball_advice"]) for d in top)


def test_read7_the_front_corner_step_keeps_the_ball_out_of_the_groin(pages):
    """Step 4 turns toward face down for the front corner, toward the groin; the groin was named
    only in page 2's 'Keep the ball off' list. Every combination: step 4 says it where it sends
    the ball, and page 2's caution is still there."""
    for key, d in pages.items():
        assert "never in the groin crease" in d["steps"][3], (key, d["steps"][3])
        assert any("groin crease" in t for t in d["cautions"])


def test_read7_heat_for_soreness_is_not_for_a_swollen_or_warm_spot(pages):
    """Aftercare offered a hot shower for soreness beside a STOP box that keeps the ball off a
    swollen or warm spot: the heat line says it is not for one."""
    for d in pages.values():
        warm = [t for t in d["aftercare"] if "hot shower" in t]
        assert warm and all("not swollen or warm" in t for t in warm), d["aftercare"]


def test_the_holds_never_name_more_spots_than_there_are():
    """Review: the holds came from the time alone, so one chosen spot at the experienced level
    read 'On each of the 2 most tender of your spots', and short holds over a 5-minute session
    named 16 of the 5 common spots. Steps 5 and 6 name at most the spots there are, in the same
    words; the rendered page says it too."""
    exp = content.dose("experienced")
    assert content.spoke_plan("right", exp)["holds"] == 2
    one = content.routine_steps("right", exp, "bed", True, 1)
    assert one[4].startswith("On your spot (X), stay still") and "hold still on your spot)" in one[5], one[4:6]
    short = dict(exp, hold_s=10)
    assert content.spoke_plan("right", short)["holds"] > 5
    many = content.routine_steps("right", short, "bed", False, 5)
    assert many[4].startswith("On each of the common spots (X)") and "hold still on each of the common spots)" in many[5]
    for n in range(1, 6):  # never a number of spots above n
        for st in content.routine_steps("both", short, "wall", True, n)[4:6]:
            said = [int(x) for x in re.findall(r"the (\d+) most tender", st)]
            assert all(x < n for x in said), (n, st)
    pdf = page.render_pdf(_values(client="Sam", side="right", level="experienced",
                                  trigger_points="gluteus_minimus.anterior"))
    assert _flat("On your spot (X), stay still") in _flat(" ".join(page.page_texts(pdf)))
