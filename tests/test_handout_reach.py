"""Page 1 tells the client, on its own, where each spot is reached (a client read, session 7):

* an X is black in the spoke picture's panel whose position reaches the spot and grey in the
  others (the 'From behind' panel marked spots that page 3 and the steps reach on the side);
* the stop signs' box points to the therapist's notes, by their page, whenever there are notes;
* chosen spots past the ends of the spokes get a line saying how to reach them."""
from __future__ import annotations

import re

import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from hipball.handouts import content, page
from pdf_support import values as _values

# the chosen spots of the client read: the front corner, the back of the hip bone's top, the outer
# thigh and the low buttock (the last two past the spokes)
CHOSEN = ["gluteus_minimus.anterior", "gluteus_medius.posterior", "vastus_lateralis.middle",
          "gluteus_maximus.lower"]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# --------------------------------------------------------------- 1. black where it is reached

@pytest.mark.parametrize("surface", ["hardwood", "wall"])
@pytest.mark.parametrize("side", ["right", "left", "both"])
def test_each_x_is_black_in_the_panel_whose_position_reaches_it(side, surface):
    """For every spot and every panel that marks it: black exactly when the panel's position (the
    routine's: on the back from behind, on the side from the side, three-quarters at the front
    corner) is the one the referral map's key names for it ('reach it ...'); grey otherwise. A spot
    reached sitting has no black X."""
    from hipball.draw.handout import SEEN_GREY, draw_spot_views
    from hipball.referral import POSITION_VIEWS, trp_ids

    from hipball.roll import POSITION_WORDS, posture_of, reach_words

    words_of_view = {v: POSITION_WORDS[posture_of(surface)][p] for p, v in POSITION_VIEWS.items()}
    trps = tuple(trp_ids())
    views = draw_spot_views(Figure(), side, trps)
    kinds = {"black": 0, "grey": 0}
    for key, (_, marks) in views.items():
        view = key.split(":")[0]
        for k, m in marks.items():
            t = k.split(":")[0]
            said = reach_words(t, surface)  # 'on your side', as page 3's key says after the spot
            reached = said == words_of_view[view]
            colour = to_hex(m.get_markeredgecolor())
            assert colour == ("#000000" if reached else SEEN_GREY), (key, t, said, colour)
            kinds["black" if reached else "grey"] += 1
    assert kinds["black"] and kinds["grey"]
    sitting = [t for t in trps if reach_words(t, surface) == "sitting"]
    assert sitting and all(to_hex(m.get_markeredgecolor()) == SEEN_GREY
                           for _, marks in views.values() for k, m in marks.items() if k.split(":")[0] in sitting)


def test_the_key_names_the_grey_x_only_when_the_picture_has_one():
    """The key's third entry says a grey X is reached in another position, drawn grey, whenever
    the picture draws a grey X."""
    from hipball.draw.handout import KEY_WORDS, SEEN_GREY, any_seen_only, spokes_figure
    from hipball.referral import position_view, trp_ids
    from hipball.roll import marked_views

    def key(spots):
        (legend,) = spokes_figure("right", tuple(spots))[0].legends
        return [t.get_text().replace("\n", " ") for t in legend.get_texts()], legend.legend_handles

    texts, handles = key(["gluteus_minimus.anterior", "gluteus_minimus.posterior"])
    assert KEY_WORDS[False][2] in texts
    assert to_hex(handles[texts.index(KEY_WORDS[False][2])].get_markeredgecolor()) == SEEN_GREY
    # (every spot shows in two views or more, so every picture has a grey X today; the key asks
    # ``any_seen_only``, true exactly when one is drawn)
    for t in trp_ids():
        assert any_seen_only("right", [t]) == any(v != position_view(t) for v in marked_views(t, "right"))


# --------------------------------------------------------------- 2. the notes, from page 1

@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_the_stop_signs_point_to_the_notes_when_there_are_some(large):
    """With notes (or, anonymized, blank lines for them), page 1's stop signs name the notes' page
    (3 in normal print, 4 in large print: a Typst reference) before the steps; without, they do not
    mention notes."""
    notes_page = 4 if large else 3
    for kw, pointed in ((dict(client="Sam", notes="No ball on the left side until the bruise is gone."), True),
                        (dict(client="Sam"), False), (dict(client="", anonymize=True), True)):
        v = _values(side="right", surface="hardwood", large_print=large, **kw)
        pdf = page.render_pdf(v)
        assert page.page_count(pdf) == page.PAGES[large]
        texts = [_flat(t) for t in page.page_texts(pdf)]
        first = texts[0]
        before_steps = first[:first.index("Lie on your back")]
        if pointed:
            assert f"and your therapist's notes (page {notes_page})" in before_steps, before_steps
            assert "Notes from your therapist" in texts[notes_page - 1]
        else:
            assert "notes" not in before_steps.lower(), before_steps
        assert "Before you start, read 'STOP and see a doctor' (page" in before_steps


def test_the_intro_names_the_notes_by_reference():
    d = page.page_data(_values(client="C", notes="Once a day."))
    assert d["routine_intro"] == content.BEFORE_YOU_START + content.AND_THE_NOTES + "."
    assert f"{{page:{content.NOTES_BOX}}}" in d["routine_intro"]
    assert page.page_data(_values(client="C"))["routine_intro"] == content.BEFORE_YOU_START + "."
    assert page.page_data(_values(client="C", notes="   "))["routine_intro"] == content.BEFORE_YOU_START + "."


# --------------------------------------------------------------- 3. past the ends of the spokes

def test_which_spots_lie_past_the_spokes_comes_from_the_spoke_model():
    """A spot is past the spokes when, in the panel of the position that reaches it, it lies
    farther than the ball's reach from every spoke drawn there; those past them lie farther
    from the hub than the longest spoke there (beyond their ends), the others within reach."""
    import numpy as np
    from shapely.geometry import LineString, Point

    from hipball.draw.handout import SPOKE_LENGTH_CM
    from hipball.referral import STANDARD_SET, position_view, trigger_point_xy, trp_ids
    from hipball.roll import REACH_CM, marked_views, past_the_spokes
    from hipball.spokes import spoke_pattern

    past = {t for t in trp_ids() if past_the_spokes(t, "right", SPOKE_LENGTH_CM)}
    assert {"gluteus_maximus.lower", "vastus_lateralis.middle", "biceps_femoris.mid"} <= past
    assert not past & set(STANDARD_SET)
    for t in trp_ids():
        assert past_the_spokes(t, "left", SPOKE_LENGTH_CM) == (t in past)  # mirrored
        for view in ([position_view(t)] if position_view(t) else marked_views(t, "right")):
            pattern = spoke_pattern(side="right", view=view, length_cm=SPOKE_LENGTH_CM)
            xy = trigger_point_xy(t, view, "right")
            near = min(LineString([s.start, s.end]).distance(Point(xy)) for s in pattern.spokes)
            beyond = np.hypot(*np.subtract(xy, pattern.hubs[0].xy)) > max(s.length_cm for s in pattern.spokes)
            assert (near > REACH_CM) == (t in past), (t, view, near)
            if t in past:
                assert beyond, (t, view)


@pytest.mark.parametrize("surface, sink", [("bed", "let your weight sink in slowly"),
                                           ("wall", "lean into the ball slowly")])
def test_the_note_says_how_to_reach_chosen_spots_past_the_spokes(surface, sink):
    """Only when it applies: chosen spots past the spokes get the line (by hand, then loaded as
    step 2 loads the hub, in the set-up's words); a spot reached sitting gets its own; spots all
    on the spokes get none, and no spots chosen keeps its own note."""
    note = content.spots_note(True, CHOSEN, "left", surface)
    assert note == content.PAST_THE_SPOKES.format(sink=sink)
    assert "by hand" in note and _flat(sink) in " ".join(content.routine_steps("left", content.dose("beginner"),
                                                                               surface)).lower()
    assert content.spots_note(True, ["gluteus_minimus.anterior", "piriformis.lateral"], "left", surface) == ""
    seated = content.spots_note(True, ["biceps_femoris.mid"], "both", surface)
    assert seated == content.NO_BLACK_X.format(sitting="sitting")
    both = content.spots_note(True, CHOSEN + ["semitendinosus.mid"], "right", surface)
    assert both.startswith("Spots past the ends") and both.endswith("on a firm chair.")
    assert content.spots_note(False, (), "right", surface).startswith("No spots were chosen")


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("large, side, surface", [(False, "both", "hardwood"), (False, "right", "wall"),
                                                  (True, "left", "wall"), (True, "both", "bed")])
def test_the_note_prints_with_the_picture_and_the_pages_stay(large, side, surface, paper):
    """The note prints under the spoke picture (large print: beside it, under the dose box) on
    the picture's page, the notes' pointer too, and the handout keeps its pages: the picture is
    drawn shorter by the note's lines (``figures.spokes_size``)."""
    spots = CHOSEN + ["biceps_femoris.mid"]
    v = _values(client="Sam", side=side, surface=surface, large_print=large, paper=paper, trigger_points=spots,
                notes="Once a day.")
    pdf = page.render_pdf(v)
    assert page.page_count(pdf) == page.PAGES[large]
    texts = [_flat(t) for t in page.page_texts(pdf)]
    at = 1 if large else 0
    note = content.spots_note(True, spots, side, surface)
    assert "Spots past the ends of the spokes" in note and note in texts[at]
    assert texts[at].index(note) > texts[at].index("Your spots and the spokes")
