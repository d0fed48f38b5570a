"""The words of a handout, from the knowledge modules (hipball.dosage, hipball.referral,
hipball.pressure, hipball.sources). Everything here is plain text: page.py hands it to Typst
as data, never as markup."""

from __future__ import annotations

from typing import Any

import hipball.dosage as _dosage
import hipball.pressure as _pressure
import hipball.referral as _referral
from hipball.sources import load_sources

SIDE_WORDS = {"left": "left hip", "right": "right hip", "both": "each hip, one side at a time"}
LIMITS = ("Trigger-point theory and the reliability of finding trigger points by touch are debated "
          "in the research literature; ischemic compression raises pressure-pain thresholds but has "
          "not clearly reduced self-reported pain. The drawings are teaching schematics.")


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
    rows = sorted(_dosage.red_flags(), key=lambda f: f.urgency != "urgent")
    out = []
    for f in rows:
        urgent = f.urgency == "urgent"
        text = f.client_text.strip()
        if urgent and not _has_call_to_action(text):
            text = f"{text} {URGENT_ACTION}"
        out.append({"text": text, "urgent": urgent, "source_id": f.source_id})
    return out


def aftercare() -> list[str]:
    return [a.client_text for a in _dosage.aftercare()]


def trigger_point_label(trp_id: str) -> str:
    """A reader's name: 'gluteus_minimus.anterior' -> 'Gluteus minimus (anterior)'."""
    tp = _referral.trigger_point(trp_id)
    m = _referral.muscles()[tp.muscle_id]
    return f"{m.display_name} ({tp.name.replace('_', ' ')})"


def ball_advice(ball: str, surface: str) -> list[str]:
    """The set-up in one short line, then hipball.pressure's advice (without the kPa figure,
    which belongs to the class, not the fridge door)."""
    where = "against a wall" if surface == "wall" else f"on a {surface}"
    return [f"Your set-up: a {ball} ball {where}."] + list(_pressure.advice(ball, surface)[1:])


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


def routine_steps(side: str, dose: dict[str, Any]) -> list[str]:
    """The numbered routine. Every number and the wording of the hold and the intensity come
    from ``dose`` (``content.dose``), the same values the dose box prints."""
    where = SIDE_WORDS[side]
    return [
        f"Lie on your back with the ball under the {'hip' if side == 'both' else where}, "
        "just below the top of the pelvis and behind the bony point at the side of the hip.",
        "Find the hub: the centre of the spokes in the picture. Let your weight sink in slowly.",
        "Roll out along one spoke, slowly, then back to the hub. Work around all the spokes.",
        "Roll well onto your side to reach the front corner of the hip (in front of the bony "
        "point, below the front of the pelvis): the spot most people miss.",
        _hold_step(dose),
        _intensity_line(dose),
        f"Stop after about {dose['session_min']:g} minutes on {'each hip' if side == 'both' else 'the hip'}. "
        "Get up slowly, by rolling onto your side.",
    ]


def source_ids(trigger_points, level: str) -> list[str]:
    """The sources behind this handout: its trigger points, its dose, the red flags, the
    anatomy model."""
    ids: list[str] = []
    for t in trigger_points:
        ids += _referral.sources_for(t)
    ids += dose(level)["source_ids"]
    ids += [f["source_id"] for f in red_flags()]
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
        who = " & ".join(names) if len(names) == 2 else f"{names[0]} et al."
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
