"""The words of a handout, from the knowledge modules (hipball.dosage, hipball.referral,
hipball.pressure, hipball.sources). Everything here is plain text: page.py hands it to Typst
as data, never as markup."""

from __future__ import annotations

from typing import Any

import hipball.dosage as _dosage
import hipball.pressure as _pressure
import hipball.referral as _referral
from hipball.frame import SIDE_WORDS, expand_side
from hipball.sources import load_sources

LIMITS = ("Trigger points (tender knots said to send pain elsewhere) and finding them by touch are debated "
          "in the research; pressing on them makes them less tender but has not clearly eased the pain people "
          "report. The drawings are simplified teaching pictures.")


def dose(level: str, hold_s=None, session_min=None, sessions_per_day=None) -> dict[str, Any]:
    """hold_s, strokes_per_spot, session_min, sessions_per_day, intensity_0_10 and the
    client's lines, for the level (one ``hipball.dosage.dosage`` call: the routine steps and
    the dose box are both built from this, so they cannot disagree)."""
    d = _dosage.dosage(level, hold_s=hold_s, session_min=session_min, sessions_per_day=sessions_per_day)
    return {"level": level, "hold_s": float(d.hold_s), "strokes_per_spot": int(d.strokes_per_spot),
            "session_min": float(d.session_min), "sessions_per_day": int(d.sessions_per_day),
            "intensity_0_10": float(d.intensity_0_10), "lines": list(d.lines),
            "source_ids": list(d.source_ids)}


# A call to action already in a flag's own text ("get medical help now", "get checked today").
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
    """[{text, source_id}]: spots to keep the ball off (red_flags.csv, urgency "local")."""
    return [{"text": f.client_text.strip(), "source_id": f.source_id}
            for f in _dosage.red_flags() if f.urgency == "local"]


def stop_first(flags_page: int) -> list[str]:
    """The stop signs before the steps (a client met the STOP box only after the routine, on
    the next page): where the full list is and what to do if any of it applies, then the one
    sign a session itself can bring on, in its own words (red_flags.csv ``sciatic_nerve``)."""
    nerve = next(f.client_text.strip() for f in _dosage.red_flags() if f.flag_id == "sciatic_nerve")
    return [f"Before your first session, read the STOP box on page {flags_page}: if anything in it applies "
            "to you, see a doctor before you use the ball.", nerve]


def aftercare() -> list[str]:
    return [a.client_text for a in _dosage.aftercare()]


# Where the body is when the ball reaches a spot, in plain words (trigger_points.csv position).
_POSITION_WORDS = {
    "lying": {"supine": "on your back", "side_lying": "on your side",
              "three_quarter_prone": "three-quarters toward face down", "seated": "sitting"},
    "standing": {"supine": "with your back to the wall", "side_lying": "side-on to the wall",
                 "three_quarter_prone": "three-quarters round toward the wall", "seated": "sitting"},
}


def trigger_point_label(trp_id: str, surface: str | None = None) -> str:
    """A client's name for a spot, the muscle after it in brackets for the therapist (the
    names the referral map's key uses, ``hipball.referral.plain_name``): 'The spot at the
    front corner of your hip (gluteus minimus, anterior)'; with ``surface``, the plain words
    only and where the body is to reach it: 'the spot at the front corner of your hip: reached
    three-quarters toward face down'."""
    tp = _referral.trigger_point(trp_id)
    if surface is None:
        return _referral.plain_name(trp_id)
    name = _referral.PLAIN_NAMES[trp_id]
    posture = "standing" if surface == "wall" else "lying"
    where = _POSITION_WORDS[posture].get(tp.position)
    return f"{name}: reached {where}" if where else name


def setup_line(ball: str, surface: str) -> str:
    """'Your set-up: a racquetball on a bed.' (hipball.pressure.setup_words)."""
    return f"Your set-up: {_pressure.setup_words(ball, surface)}."


def ball_advice(ball: str, surface: str, level: str = "beginner",
                body_mass_kg: float = _pressure.REFERENCE_MASS_KG) -> list[str]:
    """The set-up line and the firmness verdict, from ``hipball.pressure.firmness`` (the same
    word and rule as the Ball & surface app; the handout has no body mass and speaks for a
    70 kg adult). A beginner on a set-up firmer than step 1 is told so, never left to wonder."""
    f = _pressure.firmness(ball, surface, body_mass_kg)
    lines = [f"{setup_line(ball, surface)} {f.client_text}"]
    if f.point_tool:
        lines.append("A golf ball presses on one small point, sharper than every step below: use it "
                     "only as your therapist showed you.")
    elif level == "beginner" and f.step != 1:
        lines.append("Beginners usually start on step 1; your therapist chose a firmer set-up for you.")
    return lines


def ladder(ball: str, surface: str) -> dict[str, Any]:
    """The gentlest-to-firmest ladder for this set-up's posture (hipball.pressure.LADDERS, in
    the model's order), where this set-up sits on it, when to move up and down, and the
    review line. {title, steps: [{text, yours, num}], place, move_up, move_down, review}. A
    set-up that is not a step (a lacrosse ball on a bed) is a line of its own, without a
    number, between the steps it sits between, marked as the client's."""
    f = _pressure.firmness(ball, surface)
    steps = [{"text": _pressure.step_words(b, s)[0].upper() + _pressure.step_words(b, s)[1:],
              "yours": i == f.step, "num": f"{i}."} for i, (b, s) in enumerate(f.steps, start=1)]
    if f.step is not None or f.point_tool:
        place = ""
    else:  # a set-up off the ladder gets its own line where it sits, marked as the client's
        if f.below_step is None:
            place, at = f"firmer than step {len(f.steps)}", len(f.steps)
        elif f.below_step == 1:
            place, at = "gentler than step 1", 0
        else:
            place, at = f"between steps {f.below_step - 1} and {f.below_step}", f.below_step - 1
        words = _pressure.setup_words(ball, surface)
        steps.insert(at, {"text": f"{words[0].upper()}{words[1:]} ({place})", "yours": True, "num": ""})
        place = f"Your set-up sits {place}."
    return {
        "title": "Your ladder, gentlest to firmest" + (" (against a wall)" if f.ladder == "standing" else ""),
        "steps": steps,
        "place": place,
        "move_up": "Go on to the next, firmer step only when the tender spots no longer feel like a 'good hurt', you "
                   "have had no next-day soreness for two weeks, and your therapist agrees.",
        "move_down": "Go back to the gentler step before it if you are sore for more than two days, cannot relax on "
                     "the ball, or on a bad day.",
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


def notes_check(notes: str, ball: str, surface: str) -> str:
    """One line under the notes when they name another ball or surface than the set-up."""
    named = notes_conflicts(notes, ball, surface)
    if not named:
        return ""
    what = " and ".join(named) if len(named) <= 2 else ", ".join(named[:-1]) + " and " + named[-1]
    return (f"Your therapist's notes mention {what}; the set-up, dose and ladder on this sheet are for "
            f"{_pressure.setup_words(ball, surface)}. If you are not sure which to use, ask your therapist.")


def evidence() -> str:
    """What the research does and does not show, in plain words (hipball.dosage)."""
    text = _dosage.evidence_caveat().removeprefix("What the research says: ")
    return text[:1].upper() + text[1:]


def rolling_caption(surface: str) -> str:
    """The caption under the rolling picture: the same key cue as step 4."""
    if surface == "wall":
        return ("Most people stop side-on to the wall: for the front corner, keep turning until you are "
                "about three-quarters of the way to facing the wall (picture 3).")
    return ("Most people stop on their side: for the front corner, keep rolling until you are about "
            "three-quarters of the way to lying face down (picture 5).")


def _hold_step(dose: dict[str, Any]) -> str:
    """Step 5 from the dose box's own hold line: the same seconds and the same 'until it
    eases' wording (taken from data/dosage.csv), so the two can never disagree."""
    template = _dosage.dose_ranges()[dose["level"], "hold_s"].client_text
    head, sep, tail = template.partition("{value}")
    if not sep:  # a table text without the number: print the dose line itself
        return dose["lines"][_dosage.PARAMETERS.index("hold_s")]
    return f"On a tender spot or one your therapist marked, stay still for about {dose['hold_s']:g}{tail}"


def _intensity_line(dose: dict[str, Any]) -> str:
    """The dose box's intensity line (data/dosage.csv), word for word."""
    return dose["lines"][_dosage.PARAMETERS.index("intensity_0_10")]


FRONT_CORNER = "the front corner of the hip, in front of the bony point at the side"
# Step 2 names the hub and the spokes the first time the page uses them (a client read them as
# unexplained jargon); step 3 carries the nerve cue of the position pictures in its words.
# (the spoke picture by its heading: in large print it is on page 2, not beside the steps)
HUB = "This spot is the hub: the centre of the red lines (the spokes) in 'Your spots and the spokes', from behind."
NERVE_CUE = "If the leg tingles or pain shoots down it, move the ball off at once."
SPOT = "just below the top of the hip bone (the pelvis), behind the bony point at the side of the hip"


def routine_steps(side: str, dose: dict[str, Any], surface: str = "bed") -> list[str]:
    """The numbered routine: lying on a bed or the floor, or standing against a wall. Every
    number and the wording of the hold and the intensity come from ``dose`` (``content.dose``),
    the same values the dose box prints. Step 4 carries the routine's key cue: about
    three-quarters toward face down (120 to 135 degrees), not just onto the side."""
    both = len(expand_side(side)) > 1  # one hip at a time
    where = "one hip" if both else SIDE_WORDS[side]
    minutes = (f"Stop after about {dose['session_min']:g} minutes on this hip, then do the other hip the "
               "same way." if both else f"Stop after about {dose['session_min']:g} minutes on the hip.")
    if surface == "wall":
        steps = [
            f"Stand with your back to a wall, feet about a foot (30 cm) out, the ball between the wall and "
            f"the back of {'' if both else 'the '}{where}: {SPOT}.",
            f"{HUB} Lean into the ball slowly. To press less, step your feet closer to the wall.",
            "Move the ball out along one spoke by bending your knees or shifting your hips, slowly, then "
            f"back to the hub. Work around all the spokes. {NERVE_CUE}",
            "Then turn slowly side-on to the wall, working the side of the hip on the way. For "
            f"{FRONT_CORNER}, keep turning about three-quarters of the way round toward facing the wall "
            "(120 to 135 degrees from your back to the wall). Stopping side-on misses these spots: the most "
            "common mistake.",
        ]
        end = f"{minutes} Step away from the wall slowly."
    else:
        on = "the bed" if surface == "bed" else "the floor"
        steps = [
            f"Lie on your back on {on}, knees bent, with the ball under {'' if both else 'the '}"
            f"{where}: {SPOT}.",
            f"{HUB} Let your weight sink in slowly. To press less, take some weight on your hands, forearms "
            "or feet.",
            f"Roll out along one spoke, slowly, then back to the hub. Work around all the spokes. {NERVE_CUE}",
            "Then roll slowly onto your side, working the side of the hip on the way. For "
            f"{FRONT_CORNER}, keep rolling about three-quarters of the way toward lying face down (120 to "
            "135 degrees from lying on your back), propped on your forearm. Stopping on your side misses "
            "these spots: the most common mistake.",
        ]
        end = f"{minutes} Get up slowly, by rolling onto your side."
    return steps + [_hold_step(dose), _intensity_line(dose), end]


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
    return ["; ".join(out) + "."] + [LIMITS]
