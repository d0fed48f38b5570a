"""The words of a handout, from the knowledge modules (hipball.dosage, hipball.referral,
hipball.pressure, hipball.sources). Everything here is plain text: page.py hands it to Typst
as data, never as markup."""

from __future__ import annotations

from typing import Any

import hipball.dosage as _dosage
import hipball.pressure as _pressure
import hipball.referral as _referral
import hipball.roll as _roll
from hipball.frame import SIDE_WORDS, VIEWS, expand_side
from hipball.referral import spots_words
from hipball.sources import load_sources

# (what pressing does and does not do is 'What the research shows', in the body's type: not
# said twice, for the sources' room at a readable size on the last page)
LIMITS = ("Trigger points (tender knots said to send pain elsewhere) and finding them by touch are debated "
          "in the research. The drawings are simplified teaching pictures.")


def dose(level: str, hold_s=None, session_min=None, sessions_per_day=None) -> dict[str, Any]:
    """hold_s, strokes_per_spot, session_min, sessions_per_day, intensity_0_10 and the
    client's lines, for the level (one ``hipball.dosage.dosage`` call: the routine steps and
    the dose box are both built from this, so they cannot disagree)."""
    d = _dosage.dosage(level, hold_s=hold_s, session_min=session_min, sessions_per_day=sessions_per_day)
    return {"level": level, "hold_s": float(d.hold_s), "strokes_per_spot": int(d.strokes_per_spot),
            "session_min": float(d.session_min), "sessions_per_day": int(d.sessions_per_day),
            "intensity_0_10": float(d.intensity_0_10), "lines": list(d.lines),
            "source_ids": list(d.source_ids)}


# A call to action already in a flag's own text ("call your local emergency number now", "get checked today").
_CALL_TO_ACTION = ("now", "today")
URGENT_ACTION = "Get medical help today."


def _has_call_to_action(text: str) -> bool:
    import re

    return any(re.search(rf"\b{w}\b", text, re.IGNORECASE) for w in _CALL_TO_ACTION)


def red_flags() -> list[dict[str, Any]]:
    """[{text, urgent}], urgent ones first (every handout carries all of them).

    The text is the flag's own client text. An urgent flag whose text carries no call to
    action of its own (e.g. "Symptoms in both legs.") gets exactly one ("Get medical help
    today."); one that already says "now" or "today" is printed as written, never with a
    second, contradicting one."""
    rows = sorted((f for f in _dosage.red_flags() if f.urgency != "local"),
                  key=lambda f: f.urgency != "urgent")
    out = []
    for f in rows:
        urgent = f.urgency == "urgent"
        text = f.client_text.strip()
        if urgent and not _has_call_to_action(text):
            text = f"{text} {URGENT_ACTION}"
        out.append({"text": text, "urgent": urgent, "source_id": f.source_id})
    return out


def local_cautions() -> list[dict[str, Any]]:
    """[{flag_id, text, source_id}]: spots to keep the ball off (red_flags.csv, urgency "local")."""
    return [{"flag_id": f.flag_id, "text": f.client_text.strip(), "source_id": f.source_id}
            for f in _dosage.red_flags() if f.urgency == "local"]


# The local caution that is a rule for the session (move the ball off a nerve), not a spot to
# avoid: it prints in the stop-signs box before the steps (``stop_first``), not again in the
# STOP box's "Keep the ball off" line (which had no room left in large print for the groin).
NERVE_FLAG = "sciatic_nerve"


def keep_off() -> list[str]:
    """The STOP box's "Keep the ball off" line: every local caution but the nerve rule."""
    return [c["text"] for c in local_cautions() if c["flag_id"] != NERVE_FLAG]


def stop_first() -> list[str]:
    """The stop signs before the steps (a client met the STOP box only after the routine, on
    the next page), after ``routine_intro`` (where the full list is): what to do if a sign in it
    applies (called a stop sign, as the box's title does: 'it' read as the therapist's notes when
    the intro names them too), then the one sign a session itself can bring on, in its own words
    (red_flags.csv ``sciatic_nerve``)."""
    nerve = next(c["text"] for c in local_cautions() if c["flag_id"] == NERVE_FLAG)
    return ["If a stop sign applies, see a doctor first.", nerve]


def aftercare(ball: str, surface: str) -> list[str]:
    """The aftercare lines (data/aftercare.csv), the "too much" line filled for this set-up
    (``what_next``: the set-up the ladder's 'Go back' line names)."""
    return [a.client_text.format(what_next=what_next(ball, surface)) if "{what_next}" in a.client_text
            else a.client_text for a in _dosage.aftercare()]


def setup_line(ball: str, surface: str) -> str:
    """'Your set-up: a racquetball on a bed.' (hipball.pressure.setup_words)."""
    return f"Your set-up: {_pressure.setup_words(ball, surface)}."


def _cap(words: str) -> str:
    return words[:1].upper() + words[1:]


def _move_words(m, own_surface: str) -> str:
    """'a racquetball on a hardwood floor' (a ladder step, in the ladder's words for the client
    on ``own_surface``: ``hipball.pressure.step_words``); a set-up that is no step by its own
    words ('a racquetball on a bed')."""
    if m.step is None:
        return _pressure.setup_words(m.ball, m.surface)
    b, s = _pressure.LADDERS[_roll.posture_of(m.surface)][m.step - 1]
    return _pressure.step_words(b, s, own_surface)


def _move_name(m, own_surface: str) -> str:
    """'step 3, a racquetball on a hardwood floor' (``_move_words`` after its step number)."""
    words = _move_words(m, own_surface)
    return words if m.step is None else f"step {m.step}, {words}"


# Why 'go back' from a set-up between steps names a gentler ball on the client's own surface,
# not the ladder's step before it on another one (a client on a bed read 'go back to a tennis
# ball on the floor' as harder): {surface} is the surface's plain noun.
SAME_SURFACE = "a gentler ball on the same {surface}"
_SURFACE_NOUN = {"bed": "bed", "carpet": "floor", "hardwood": "floor", "wall": "wall"}


# Where the client starts: on the set-up on the page (the therapist's choice). When to move to
# another step is the ladder's (its 'Go up to step N ... only when' line), never an instruction on
# the set-up line.
START_HERE = "Start with this set-up: your therapist chose it for you."
BEGINNERS = "Beginners usually start on step 1; your therapist chose this one."
START_HERE_BEGINNER = "Start with this set-up: your therapist chose it (beginners usually start on step 1)."


def ball_advice(ball: str, surface: str, level: str = "beginner",
                body_mass_kg: float = _pressure.REFERENCE_MASS_KG) -> list[str]:
    """The set-up line and the firmness verdict, from ``hipball.pressure.firmness`` (the same
    word and rule as the Ball & surface app; the handout has no body mass and speaks for a
    70 kg adult), then where to start: on this set-up (``START_HERE``; a client read 'use it
    once step 1, a tennis ball on a bed, feels easy' and could not tell whether to start on the
    bed or the floor: when to move is the ladder's 'Go up to' line). A beginner on a set-up
    firmer than step 1 is told so, never left to wonder."""
    f = _pressure.firmness(ball, surface, body_mass_kg)
    first = f"{setup_line(ball, surface)} {f.client_text}"
    beginner_off_step_1 = level == "beginner" and f.step != 1 and not f.point_tool
    if f.word != "too firm" and not f.point_tool:
        # (a client read 'start with this set-up' then 'beginners usually start on step 1' as
        # two instructions: which one? One sentence says both; it was a line of its own, and
        # page 2 needed the room for the ladder's reasons)
        first += f" {START_HERE_BEGINNER if beginner_off_step_1 else START_HERE}"
    lines = [first]
    if f.point_tool:
        lines.append("A golf ball presses on one small point, sharper than every step below: use it "
                     "only as your therapist showed you.")
    elif beginner_off_step_1 and f.word == "too firm":
        lines.append(BEGINNERS)
    return lines


# One soreness rule for the whole page (data/aftercare.md, "One soreness rule"): the aftercare
# box's "too much" line and the ladder's "go back" line use these same words. Teaching
# defaults (hipball_routine_practice): no trial sets these limits.
TOO_SORE = "sore for more than two days, or getting worse"
NOT_SORE = "no session has left you sore the next day for two weeks"
# A sore day (one rule, data/aftercare.csv expected_soreness, teaching default): the aftercare box
# and the ladder say it in these words (the ladder said 'on a bad day, go back a step' and 'make
# the sessions shorter' while aftercare said 'skip the ball').
SORE_DAY = "on a day you are still sore, skip the ball"
# After too much on the gentlest set-up (no softer one to go back to), and on the golf ball (on
# no step): the ladder's 'go back' line and the aftercare's "too much" line say these words.
LESS = "make the sessions shorter or fewer"
GOLF_BACK = "stop using the golf ball and ask your therapist which step to use instead"


def what_next(ball: str, surface: str) -> str:
    """What to do after a session that was too much, for the aftercare's "too much" line
    (data/aftercare.csv ``{what_next}``): go back to the set-up the ladder's 'Go back' line
    names (``hipball.pressure.ladder_moves``, named by ``_move_words`` as that line names it:
    'go back to a tennis ball on a bed'), for a shorter session; on the gentlest set-up, shorter
    or fewer sessions (never a softer one); on the golf ball, the ladder's own words. A client
    read 'use the softer one your ladder's Go back line names' as a puzzle."""
    back, _ = _pressure.ladder_moves(ball, surface)
    if _pressure.firmness(ball, surface).point_tool:
        return GOLF_BACK
    if back is None:
        return f"next time {LESS}, and tell your therapist"
    return f"next time go back to {_move_words(back, surface)}, for a shorter session, and tell your therapist"


def ladder(ball: str, surface: str) -> dict[str, Any]:
    """The gentlest-to-firmest ladder for this set-up's posture (hipball.pressure.LADDERS, in
    the model's order), where this set-up sits on it, when to move up and down (naming the step
    to move to), and the review line. {title, steps: [{text, yours, num}], place, move_up,
    move_down, review}. The client's own line names the set-up exactly as the set-up line does
    ('a tennis ball on a hardwood floor', not the step's 'on the floor'). A set-up that is not a
    step (a racquetball on a bed) is a line of its own, without a number, between the steps it
    sits between, saying which two it sits between. The floor steps read in the set-up
    line's words for the client's floor (``hipball.pressure.step_words``: 'a racquetball on a
    hardwood floor' under 'Your set-up: a tennis ball on a hardwood floor')."""
    f = _pressure.firmness(ball, surface)
    own = _pressure.setup_words(ball, surface)
    steps = [{"text": _cap(own if i == f.step else _pressure.step_words(b, s, surface)),
              "yours": i == f.step, "num": f"{i}."} for i, (b, s) in enumerate(f.steps, start=1)]
    n = len(f.steps)
    back, up = _pressure.ladder_moves(ball, surface)  # both agree with the model (pressure.rates_gentler)
    if f.step is not None or f.point_tool:
        place = ""
    else:  # a set-up off the ladder gets its own line where it sits, marked as the client's
        # (the step under it with the model's reason when the order could surprise: a client
        # found a racquetball on a bed above a tennis ball on the floor odd, a bed feels softer)
        firmer = _pressure.firmer_than_words(f)
        if f.below_step is None:
            place, at = f"{firmer}, the firmest step", n
        elif f.below_step == 1:
            place, at = "gentler than step 1", 0
        else:
            at = f.below_step - 1
            place = f"{firmer}, gentler than step {f.below_step}"
        steps.insert(at, {"text": f"{_cap(own)}, {place}", "yours": True, "num": ""})
        place = f"Your set-up is {place}."
    # 'no longer feel like a good hurt' read as 'when it starts hurting more' (a client read)
    when_up = (f"only when tender spots feel mild, less than a 'good hurt', {NOT_SORE}, and your therapist "
               "agrees.")
    when_down = f"if you are {TOO_SORE}, or cannot relax on the ball. {_cap(SORE_DAY)}."
    if f.point_tool:
        move_up = "A golf ball is on no step of the ladder: change your set-up only with your therapist."
        move_down = f"If you are {TOO_SORE}, or cannot relax on the ball, {GOLF_BACK}. {_cap(SORE_DAY)}."
    else:
        move_up = (f"Go up to {_move_name(up, surface)}, {when_up}" if up else
                   "There is no firmer step: stay with this set-up.")
        why = f" ({SAME_SURFACE.format(surface=_SURFACE_NOUN[surface])})" if back and back.same_surface else ""
        move_down = (f"Go back to {_move_name(back, surface)}{why}, {when_down}"
                     if back else
                     f"You are on the gentlest set-up. If you are {TOO_SORE}, or cannot relax on the ball, "
                     f"{LESS} and tell your therapist. {_cap(SORE_DAY)}.")
    return {
        "title": "Your ladder, gentlest to firmest" + (" (against a wall)" if f.ladder == "standing" else ""),
        "steps": steps,
        "place": place,
        "move_up": move_up,
        "move_down": move_down,
        "review": "Review with your therapist on:",
    }


def notes_conflicts(notes: str, ball: str, surface: str) -> list[str]:
    """Balls or surfaces the therapist's notes name that are not the set-up on the page
    ('a lacrosse ball', 'a bed').

    The notes are the therapist's call and print as written; the set-up line, the dose and the
    ladder follow ``ball`` and ``surface``. A mismatch is said on the page (``notes_check``),
    never left silent."""
    import re

    text = notes.lower()
    named = []
    for b in _pressure.BALLS:
        word = _pressure.balls()[b].name.lower().replace(" ball", "")
        if b != ball and re.search(rf"\b{re.escape(word)}(?:\s*ball)?s?\b", text):
            named.append("a " + _pressure.balls()[b].name.lower())
    surface_words = {"bed": ("bed", "mattress"), "carpet": ("carpet",), "hardwood": ("hardwood", "wooden floor"),
                     "wall": ("wall",)}
    for s, words in surface_words.items():
        if s != surface and any(re.search(rf"\b{w}s?\b", text) for w in words):
            named.append(_pressure.SURFACE_WORDS[s].split(" ", 1)[-1])
    return named


# The notes may change the routine, never the stop signs (a client read a note saying "tell me
# at your next visit" about tingling as overriding the sheet's "see a doctor"). Short: in large
# print the notes' column is narrow, and a longer line moved a short note's box to a fifth page.
NOTES_RULE = "Your therapist's advice: follow it and ask; the STOP box always applies."


def has_notes(notes: str, anonymous: bool = False) -> bool:
    """Whether the handout has the therapist's notes: their words, or (anonymized) blank lines
    to write them on by hand (which may hold safety advice all the same)."""
    return bool(notes.strip()) or anonymous


def notes_rule(notes: str, anonymous: bool = False) -> str:
    """The line beside the therapist's notes (a client could not tell which to follow when the
    note said 'once a day' and the dose 'twice a day'): printed whenever there are notes, or
    lines to write them on by hand."""
    return NOTES_RULE if has_notes(notes, anonymous) else ""


def notes_check(notes: str, ball: str, surface: str) -> str:
    """One line under the notes when they name another ball or surface than the set-up."""
    named = notes_conflicts(notes, ball, surface)
    if not named:
        return ""
    what = " and ".join(named) if len(named) <= 2 else ", ".join(named[:-1]) + " and " + named[-1]
    return (f"Your therapist's notes mention {what}; the set-up, dose and ladder on this sheet are for "
            f"{_pressure.setup_words(ball, surface)}.")


def dose_lines(dose: dict[str, Any], side: str) -> list[str]:
    """The dose box's lines (``dose``'s, from data/dosage.csv). One hip: the session line without
    'per hip' (a client read 'Spend about 3 minutes per hip' as odd beside one hip; the box's
    heading names the hip)."""
    lines = list(dose.get("lines") or [])
    if len(expand_side(side)) > 1:
        return lines
    return [ln.replace(" minutes per hip", " minutes") for ln in lines]


def log_hint(dose: dict[str, Any], side: str) -> str:
    """The words over the two-week log: one line per day, a box to tick for each session of the
    dose (a client read 'one line per session' over one line a day while the dose said up to
    twice a day), the minutes and the pain before and after the day's first session."""
    n = dose["sessions_per_day"]
    times = {1: "once", 2: "twice"}.get(n, f"{n} times")
    minutes = "minutes per hip" if len(expand_side(side)) > 1 else "minutes"
    # (one line on Letter for both hips and two sessions: the sources need the room at 8 pt)
    tick = "a tick when done" if n == 1 else f"tick each session (up to {times})"
    after = "after the first session" if n > 1 else "after"  # ('after the first': the first what?)
    return f"One line a day: {tick}, {minutes}, pain before and {after} (0 none, 10 worst)."


def evidence() -> str:
    """What the research does and does not show, in plain words (hipball.dosage)."""
    text = _dosage.evidence_caveat().removeprefix("What the research says: ")
    return text[:1].upper() + text[1:]


# ---- the position pictures the steps point to
# A client read pictures numbered 1 to 5 beside steps numbered 1 to 6, and no step named picture 3
# ("Half turned"): each step that takes a position now names its picture(s) by number, and the
# numbers come from the one list page 1 draws and numbers its pictures from, so they cannot drift.

def pictures(side: str, surface: str) -> tuple[str, ...]:
    """The positions page 1 draws for this side and set-up, picture 1 first (hipball.pose
    positions): ``hipball.pose.sequence`` for the pictured side and set-up, the list
    ``hipball.draw.handout.positions_svg`` draws and numbers ('3. Half turned')."""
    from hipball.draw.handout import setup_of
    from hipball.frame import pictured_side
    from hipball.pose import sequence

    return sequence(pictured_side(side), setup_of(surface))


def picture_ref(drawn: tuple[str, ...], *positions: str) -> str:
    """Where ``positions`` are drawn among ``drawn`` (``pictures``): '(picture 3)', '(pictures 3
    and 4)', '(pictures 3 to 5)'. A position the page does not draw is an error, never a
    reference to a picture that is not there."""
    missing = [p for p in positions if p not in drawn]
    if missing or not positions:
        raise ValueError(f"positions {missing or positions} are not among the pictures drawn: {drawn}")
    n = sorted(drawn.index(p) + 1 for p in positions)
    if len(n) == 1:
        return f"(picture {n[0]})"
    if len(n) > 2 and n == list(range(n[0], n[-1] + 1)):
        return f"(pictures {n[0]} to {n[-1]})"
    return f"(pictures {', '.join(map(str, n[:-1]))} and {n[-1]})"


def rolling_caption(surface: str, side: str = "right") -> str:
    """The caption under the position pictures (normal print): the key cue of step 4, short
    (step 4 says it in full), naming the front corner's picture (``picture_ref``)."""
    drawn = pictures(side, surface)
    if surface == "wall":
        return ("For the front corner, turn about three-quarters of the way to facing the wall "
                f"{picture_ref(drawn, 'wall_front')}.")
    return f"For the front corner, roll about three-quarters of the way to face down {picture_ref(drawn, 'front')}."


def _hold_step(dose: dict[str, Any], chosen: bool = True, holds: int = 1, spots: int = 5) -> str:
    """Step 5 from the dose box's own hold line: the same seconds and the same 'until it
    eases' wording (taken from data/dosage.csv), so the two can never disagree; on as many of
    the spots as step 6 names (``_holds_on``: step 5 said 'the most tender' spot, step 6 'the 2
    most tender', and a client asked which). ``chosen``: the X marks the client's spots, else
    the routine's common ones (``spots_words``); ``spots``: how many there are (per hip)."""
    template = _dosage.dose_ranges()[dose["level"], "hold_s"].client_text
    head, sep, tail = template.partition("{value}")
    if not sep:  # a table text without the number: print the dose line itself
        return dose["lines"][_dosage.PARAMETERS.index("hold_s")]
    return f"On {_holds_on(holds, spots, chosen)} (X), stay still for about {dose['hold_s']:g}{tail}"


def _holds_on(holds: int, spots: int, chosen: bool) -> str:
    """Which spots the holds go on, never more than there are (the time allowed 2 holds beside
    one chosen spot, or 16 with short holds beside the 5 common spots): 'the most tender of your
    spots', 'each of the 2 most tender of your spots', 'each of your spots', 'your spot'."""
    h = min(holds, spots)
    if spots == 1:
        return spots_words(chosen, one=True) if chosen else f"the one of {spots_words(chosen)}"
    if h == spots:
        return f"each of {spots_words(chosen)}"
    if h > 1:
        return f"each of the {h} most tender of {spots_words(chosen)}"
    return f"the most tender of {spots_words(chosen)}"


def _intensity_line(dose: dict[str, Any]) -> str:
    """The dose box's intensity line (data/dosage.csv), word for word."""
    return dose["lines"][_dosage.PARAMETERS.index("intensity_0_10")]


FRONT_CORNER = "the hip's front corner (in front of the bony bump)"
# Step 4 turns toward face down, toward the groin: a client read found the groin only in page 2's
# 'Keep the ball off' list, not where the routine takes the ball near it (the femoral artery,
# vein and nerve run in the groin crease: data/red_flags.csv, local cautions)
NOT_THE_GROIN = "never in the groin crease"
# Page references: the template replaces "{page:<label>}" with the page its <label> prints on
# (a Typst query), so "page 2" stays true wherever the layout puts the part, in every print size.
SPOTS_PICTURE = "spots-picture"   # the heading "Your spots and the spokes" (``spots_heading``)
STOP_BOX = "stop-box"             # the red-flag box "STOP and see a doctor ..."
NOTES_BOX = "notes-box"           # the box "Notes from your therapist"
MARKS_BOX = "marks-box"           # the outline box "Your spots", to mark them by hand
PAGE_REF = r"\{page:([a-z-]+)\}"


def page_ref(label: str) -> str:
    return "{page:" + label + "}"


def spots_heading(chosen: bool = True) -> str:
    """The spoke picture's heading: 'Your spots and the spokes', or (no spots chosen: the X
    marks the routine's common spots, as its key says) 'The spots and the spokes' (one line in
    large print's half column, as the first)."""
    return ("Your" if chosen else "The") + " spots and the spokes"


# Chosen spots past the ends of the spokes (``roll.past_the_spokes``: the low buttock, the outer
# thigh, the back of the thigh, the low back): rolling on along a spoke would cross what stopped
# it (the sitting bone, the sciatic nerve, the hip bone's crest), so the ball is moved there by
# hand, then loaded as step 2 loads the hub (its words: ``SINK``). Teaching defaults
# (hipball_routine_practice). A spot reached sitting (``seated``, trigger_points.md: the ball
# under the thigh on a firm chair) has no panel, so no black X (``draw.handout.reached_here``).
PAST_THE_SPOKES = "Spots past the ends of the spokes: move the ball there by hand, then {sink}."
SINK = {"lying": "let your weight sink in slowly", "standing": "lean into the ball slowly"}
NO_BLACK_X = "A spot with no black X: {sitting}, the ball under it on a firm chair."


def past_the_spokes(side: str, trigger_points) -> tuple[str, ...]:
    """The spots of ``trigger_points`` that lie past the ends of the spokes the picture draws
    (``roll.past_the_spokes``, at the picture's spoke length)."""
    from hipball.draw.handout import SPOKE_LENGTH_CM
    from hipball.frame import pictured_side
    from hipball.roll import past_the_spokes as past

    return tuple(t for t in trigger_points if past(t, pictured_side(side), SPOKE_LENGTH_CM))


def spots_note(chosen: bool = True, trigger_points=(), side: str = "right", surface: str = "bed") -> str:
    """Under the spoke picture (large print: under the dose box beside it). No spots chosen:
    whose the X's are, and where the client's own can be marked (the outline box, by its page).
    Chosen spots: how to reach those past the ends of the spokes (``PAST_THE_SPOKES``) and one
    reached sitting (``NO_BLACK_X``), only when there are some; else nothing (the X is 'your
    spots', and the outline box marks them again)."""
    if not chosen:
        return f"No spots were chosen for you: your therapist can mark your own on 'Your spots' (page {page_ref(MARKS_BOX)})."
    posture = _roll.posture_of(surface)
    past = past_the_spokes(side, trigger_points)
    out = []
    if any(_referral.position_view(t) for t in past):
        out.append(PAST_THE_SPOKES.format(sink=SINK[posture]))
    if any(_referral.position_view(t) is None for t in trigger_points):
        out.append(NO_BLACK_X.format(sitting=_roll.POSITION_WORDS[posture]["seated"]))
    return " ".join(out)


def marks_title(chosen: bool = True) -> str:
    """The outline box's title: with chosen spots 'Your spots (X)', the spoke picture's words
    for them (the box marks each with an X); with none, 'Your spots' (blank, for the client's own)."""
    return "Your spots (X)" if chosen else "Your spots"


def marks_note(chosen: bool = True) -> str:
    """The outline box's words after its title (one line in large print): with chosen spots,
    room for more by hand beside their X's; with none, blank, to mark the client's own by hand
    (``spots_note`` says so under the spoke picture)."""
    return "(add more by hand)" if chosen else "(to mark by hand)"


def hub_line(chosen: bool = True) -> str:
    """Step 2 names the hub and the spokes the first time the page uses them (a client read them
    as unexplained jargon), and says where the spoke picture is (beside the steps in normal print,
    on the next page in large print): by its heading and its page."""
    return (f"This spot is the hub: the centre of the red lines (the spokes) in '{spots_heading(chosen)}' "
            f"(page {page_ref(SPOTS_PICTURE)}), from behind.")


HUB = hub_line()
# Where the ball goes, in words a client can check on their own body (a client could not find
# 'the bony point at the side of the hip'): the hip bone's top edge, under the hands on the hips,
# and the greater trochanter, the bony bump at the side of the hip (where the thigh meets it: that
# clause, and 'of your hip', made step 1 a line longer, and large print's page 1 has no room).
SPOT = "just below the top of the hip bone, behind the bony bump at the side"
# Safety first: the routine's first line points to the stop signs, wherever they print, and to
# the therapist's notes when there are some (they may hold safety advice: a client read found
# page 1 never pointed to them). Pages in brackets: 'on page 2 and ... on page 3' made the stop
# signs' box a line longer on A4 (normal and large print), and page 1 has no line to spare.
BEFORE_YOU_START = f"Before you start, read 'STOP and see a doctor' (page {page_ref(STOP_BOX)})"
AND_THE_NOTES = f" and your therapist's notes (page {page_ref(NOTES_BOX)})"

# How far and how slowly along a spoke: teaching defaults (hipball_routine_practice; the routine
# says "slowly", no trial sets a speed). A slow count of three out and three back is about
# 6 seconds a spoke; the length and the count of spokes are the spoke picture's own
# (hipball.spokes.spoke_pattern at draw.handout.SPOKE_LENGTH_CM, in each view it draws). A round
# is every spoke of every view (a client read 'do all 7 spokes' beside a picture drawing 7 from
# behind and 8 from the side and at the front corner): at five each way it did not fit a
# beginner's 3 minutes.
SPOKE_STROKE_S = 6.0
SPOKE_COUNT = "counting slowly to three on the way out and three on the way back"  # (not three rolls)
# The views of the spoke picture, in the routine's order (their words: hipball.frame.VIEW_PHRASES).
SPOKE_VIEWS = VIEWS  # (hipball.frame: from behind, from the side, the front corner)


def spoke_plan(side: str, dose: dict[str, Any]) -> dict[str, Any]:
    """What one session covers, from the spoke model and the dose: {per_view, spokes, length_cm,
    length_in, round_s, holds}: the spokes the picture draws in each view (``SPOKE_VIEWS``, the
    ones left after clipping at bone and nerve) and their sum, the longest one, one slow round of
    all of them, and how many holds of the dose's length fit in the rest of the session."""
    from hipball.draw.handout import SPOKE_LENGTH_CM
    from hipball.frame import pictured_side
    from hipball.spokes import spoke_pattern

    patterns = {v: spoke_pattern(side=pictured_side(side), view=v, length_cm=SPOKE_LENGTH_CM)
                for v in SPOKE_VIEWS}
    per_view = {v: len(p.spokes) for v, p in patterns.items()}
    n = sum(per_view.values())
    longest = max(sp.length_cm for p in patterns.values() for sp in p.spokes)
    round_s = n * SPOKE_STROKE_S
    holds = max(0, int((dose["session_min"] * 60 - round_s) // dose["hold_s"]))
    return {"per_view": per_view, "spokes": n, "length_cm": round(longest), "length_in": round(longest / 2.54),
            "round_s": round_s, "holds": holds}




def _time_budget(plan: dict[str, Any], chosen: bool = True, spots: int = 5) -> str:
    """'one round of the spokes, then hold still on the 3 most tender of your spots' (step 5 says
    where a hold goes, in the same words: ``_holds_on``; 'about 3 in the time' read unclear)."""
    h = min(plan["holds"], spots)
    if h == 0:
        return "one round of the spokes, or one hold"
    if h == 1 and spots > 1:
        return "one round of the spokes, then one hold"
    return f"one round of the spokes, then hold still on {_holds_on(h, spots, chosen)}"


def _spokes_line(plan: dict[str, Any], view: str) -> str:
    """The spokes the picture draws in ``view``: '7 spokes drawn from behind' (step 3 works
    all of them, step 4 the 8 drawn from the side and the front corner's)."""
    from hipball.frame import VIEW_PHRASES

    return f"{plan['per_view'][view]} spokes drawn {VIEW_PHRASES[view]}"


def routine_intro(notes: bool = False) -> str:
    """The line above the numbered steps: read the stop signs first, then (``notes``: the
    handout has some, ``has_notes``) the therapist's notes, each by its page (a reference)."""
    return BEFORE_YOU_START + (AND_THE_NOTES if notes else "") + "."


def hip_order(side: str) -> tuple[str, ...]:
    """The order the hips are worked in, and logged in: the right, then the left (for both
    hips; one fixed order so the log's columns and the routine agree)."""
    from hipball.frame import SIDES

    return tuple(s for s in SIDES if s in expand_side(side))


def routine_steps(side: str, dose: dict[str, Any], surface: str = "bed", chosen: bool = True,
                  spots: int = 5) -> list[str]:
    """The numbered routine: lying on a bed or the floor, or standing against a wall. Every
    number and the wording of the hold and the intensity come from ``dose`` (``content.dose``),
    the same values the dose box prints; how far, how slowly and how many spokes from
    ``spoke_plan``. Step 4 carries the routine's key cue: about three-quarters toward face down
    (a body cue first, then 120 to 135 degrees), not just onto the side. Both hips: the right
    first, then the left (``hip_order``, the log's order). The last steps say how to come off
    the ball and what to do if it rolls away (teaching defaults, hipball_routine_practice).
    A step that takes a position names its picture(s) on page 1 by number (``picture_ref``:
    '(picture 1)', '(pictures 3 and 4)'): every picture drawn is named by some step.
    "{page:...}" marks a page reference the template fills in. ``chosen``: the X marks the
    client's spots, else the routine's common ones (``spots_words``); ``spots``: how many (per
    hip: the holds go on no more than there are)."""
    order = hip_order(side)
    both = len(order) > 1
    first = SIDE_WORDS[order[0]]
    plan = spoke_plan(side, dose)
    budget = _time_budget(plan, chosen, spots)
    if both:
        minutes = (f"Stop after about {dose['session_min']:g} minutes on the {first} ({budget}), then do "
                   f"the {SIDE_WORDS[order[1]].split()[0]} hip.")
        whose = f"your {first} first"
    else:
        minutes = f"Stop after about {dose['session_min']:g} minutes ({budget})."
        whose = f"the {first}"
    along = (f"up to {plan['length_cm']} cm ({plan['length_in']} inches) but not onto bone, and back: "
             f"{SPOKE_COUNT}")
    # (the nerve sign is in the stop signs right above step 1, in every print size)
    rounds = f"Work all {_spokes_line(plan, 'posterior')}."
    side_spokes = "the " + _spokes_line(plan, "lateral")
    front_spokes = f"the {plan['per_view']['anterolateral']} drawn there"
    drawn = pictures(side, surface)

    def at(*positions: str) -> str:  # the pictures of these positions, by their numbers on page 1
        return picture_ref(drawn, *positions)

    if surface == "wall":
        steps = [
            f"Stand with your back to a wall {at('wall')}, feet about a foot (30 cm) out, the ball behind {whose}: "
            f"{SPOT}.",
            f"{hub_line(chosen)} {_cap(SINK['standing'])}. To press less, step your feet closer to the wall.",
            f"Bend your knees or shift your hips to move the ball slowly out along one spoke, {along}. {rounds}",
            f"Then turn slowly side-on to the wall {at('wall_side')} and work {side_spokes}. For "
            f"{FRONT_CORNER}, turn further, to three-quarters facing the wall "
            f"{at('wall_front')}, chest toward it (120 to 135 degrees), and work {front_spokes}, "
            f"{NOT_THE_GROIN}. Stopping side-on misses them: the most common mistake.",
        ]
        end = [f"{minutes} Step forward slowly, catching the ball in your hand. If it drops, let it fall."]
    else:
        on = "the bed" if surface == "bed" else "the floor"
        steps = [
            f"Lie on your back on {on}, knees bent {at('back')}, the ball under {whose}: {SPOT}.",
            f"{hub_line(chosen)} {_cap(SINK['lying'])}. To press less, take some weight on your hands, forearms "
            "or feet.",
            f"Roll slowly out along a spoke {at('spoke')}, {along}. {rounds}",
            f"Then roll slowly, half turned first, onto your side {at('half', 'side')} and work {side_spokes}. "
            f"For {FRONT_CORNER}, roll on to about three-quarters toward face down "
            f"{at('front')}, chest toward {on} (120 to 135 degrees), and work {front_spokes}, "
            f"{NOT_THE_GROIN}. Stopping on your side misses them: the most common mistake.",
        ]
        end = [f"{minutes} Roll off onto your side and get up slowly: do not jump up. If the ball rolls "
               "away, let it go."]
    # the hold and the intensity in one step: the dose box's own two lines, word for word
    return steps + [f"{_hold_step(dose, chosen, plan['holds'], spots)} {_intensity_line(dose)}"] + end


def source_ids(trigger_points, level: str) -> list[str]:
    """The sources behind this handout: its trigger points, its dose, the red flags, the
    anatomy model."""
    ids: list[str] = []
    for t in trigger_points:
        ids += _referral.sources_for(t)
    ids += dose(level)["source_ids"]
    ids += [f["source_id"] for f in red_flags()]
    ids += [f["source_id"] for f in local_cautions()]
    ids += ["lu_2022_ischemic_compression_meta", "rajagopal2016", "myosuite"]
    seen: list[str] = []
    for i in ids:
        if i and i not in seen:
            seen.append(i)
    return seen


def short_citation(row: dict) -> str:
    """'Travell & Simons 1992', 'Gulick et al. 2011', 'NICE: Clinical Knowledge Summaries: Sciatica'."""
    people = [a.strip() for a in row["authors"].split(",") if a.strip()]
    year = row["year"].strip()
    if all(len(p.split()) == 2 and p.split()[1].isupper() for p in people) and people:
        names = [p.split()[0] for p in people]
        who = names[0] if len(names) == 1 else " & ".join(names) if len(names) == 2 else f"{names[0]} et al."
    else:  # an organisation
        who = row["authors"].replace("National Institute for Health and Care Excellence", "NICE")
        if not year:
            who = f"{who}: {row['title']}"
    return f"{who} {year}".strip()


def sources(trigger_points=(), level: str = "beginner") -> list[str]:
    """Short author-year citations (full rows: lib/hipball/data/sources/), then the limits."""
    table = load_sources()
    out: list[str] = []
    for sid in source_ids(trigger_points, level):
        row = table.get(sid)
        if row is None:
            continue
        cite = short_citation(row)
        if cite not in out:  # one entry per work, however many rows cite its pages
            out.append(cite)
    return ["; ".join(_grouped(out)) + "."] + [LIMITS]


def _grouped(cites: list[str]) -> list[str]:
    """Works of one series named once, where its first one is: 'NICE: Clinical Knowledge
    Summaries: Sciatica (...), Deep vein thrombosis' (the series three times took a line of
    the last page, wanted for the sources at a readable size)."""
    heads: dict[str, list[str]] = {}
    for c in cites:
        head, sep, tail = c.rpartition(": ")
        heads.setdefault(head if sep else c, []).append(tail if sep else "")
    return [f"{h}: {', '.join(t for t in tails if t)}" if any(tails) else h for h, tails in heads.items()]
