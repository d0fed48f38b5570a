"""How hard does the ball press? A small, honest contact model for the hip ball routine.

The routine says: a tennis ball on a bed is the gentlest, a racquetball or a tennis ball on the
floor is firmer, a baseball on a hardwood floor is the deepest. This module puts numbers on
that, from the data tables ``balls.csv``, ``surfaces.csv`` and ``pressure_pain_thresholds.csv``
(each row sourced; see their cards). The numbers are an INDICATION for teaching, not a
prescription: every simplification below is returned with each result in ``assumptions``.

The model, in four steps (forces in N, lengths in mm, moduli in MPa = N/mm^2):

1. Load. The hip region weighs on the ball: ``W = load_fraction * body_mass * g``. Lying on
   the side, 0.25 (pelvis 14.2 % plus one thigh 10 % of body mass, Dempster via Winter; the low
   end of the 25 to 68 % used in foam-rolling studies). Standing against a wall, 0.15 (the
   horizontal push of a lean with the feet about 13 to 14 cm out; see surfaces.md).

2. Load sharing (why a bed is gentler). Springs in series do not change the force: on a firm
   floor all of ``W`` goes through the ball, however soft the ball. What a mattress changes is
   where the load goes. The ball path (tissue indentation + the ball's own squash + the
   mattress under the ball) carries everything until the body has sunk by one ball diameter;
   from then on the mattress under the rest of the hip shares the load at the same sinking:

       sink(F) = d_tissue(F) + F / k_ball + F / k_local
       F = W                              if sink(W) <= ball diameter
       sink(F) = diameter + (W - F) / k_around   otherwise (solved for F)

   A soft support is an elastic layer whose stiffness grows with the contact diameter
   (Boussinesq; Johnson 1985): ``k_local = k_surface * d_ball / D_ref`` under the ball and
   ``k_around = k_surface * D_body / D_ref`` under a hip-sized patch (D_body = 300 mm).

3. Tissue contact (Hertz). Gluteal muscle is taken as an incompressible elastic half-space
   with Young's modulus 440.4 kPa, the value Isogai et al. (2022) measured at 30 N, the load
   nearest ours (62.2 kPa at 5 N shows how steeply it stiffens; above 30 N it is unmeasured).
   A rigid ball of radius R sinks ``d_tissue = a^2 / R`` with ``a^3 = 3 F R / (4 E*)``,
   ``E* = E / (1 - 0.5^2)``. A solid rubber ball (lacrosse) flattens too: two-body Hertz with
   the ball's modulus fitted to its standard's compression test. A hollow ball (tennis,
   racquetball) flattens like a shell: its measured squash ``F / k`` widens the contact,
   ``a^2 = a_rigid^2 + R F / k`` (on a rigid plate this gives a contact pressure of
   ``k / (pi R)``, about 120 kPa for a tennis ball, close to its inflation pressure).

4. Output. ``mean_pressure_kpa = F / (pi a^2)`` (what the skin feels; Hertz peak = 1.5 x mean;
   this is what an algometer's pressure-pain threshold compares with) and
   ``depth_pressure_kpa``, the vertical stress under the centre of the contact at
   ``depth_mm`` (40 mm, roughly where gluteus minimus lies; uniform pressure on a disc,
   Johnson 1985). Deep pressure grows with the force, so it is the surface (load sharing)
   that sets how deep the pressure goes; the ball's size and stiffness set how sharp it feels.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from functools import lru_cache

from hipball._choices import check_choice, check_range
from hipball._data import read_csv

G = 9.81  # m/s^2
BALLS = ("tennis", "racquetball", "lacrosse", "baseball", "golf")
SURFACES = ("bed", "carpet", "hardwood", "wall")
BODY_MASS_RANGE_KG = (20.0, 250.0)
MUSCLE_YOUNG_MODULUS_MPA = 0.4404  # Isogai et al. 2022, gluteal muscle at 30 N
TISSUE_POISSON = 0.5  # incompressible soft tissue (assumption)
BODY_CONTACT_DIAMETER_MM = 300.0  # hip-region patch on a mattress (assumption)
DEPTH_MM = 40.0  # illustrative depth of gluteus minimus under the lateral hip
KPA_PER_KG_CM2 = 98.0665

ASSUMPTIONS = (
    "indication only: a simple physical model, not a measurement on this client",
    "hip load = load_fraction x body weight (lying 0.25: pelvis + one thigh, Dempster via Winter;"
    " wall 0.15: a lean with the feet about 13 to 14 cm out)",
    "the body sinks onto the ball; a soft support shares the load once the body has sunk"
    " one ball diameter (stiffness scaled with contact diameter, 300 mm hip patch)",
    "gluteal tissue = incompressible elastic half-space, E = 440 kPa (measured at 30 N;"
    " real tissue stiffens further under larger loads, so real pressures may be higher)",
    "Hertz contact; hollow balls add their measured squash to the contact, solid balls their"
    " fitted modulus; baseball and golf ball treated as rigid; peak = 1.5 x mean (Hertz)",
    "static hold on one spot; no muscle tension, clothing, bone underneath or rolling",
)


@dataclass(frozen=True)
class Ball:
    ball_id: str
    name: str
    construction: str  # hollow | solid | rigid
    diameter_mm: float
    mass_g: float
    stiffness_n_per_mm: float  # inf = treated as rigid
    stiffness_test_load_n: float
    stiffness_basis: str
    source_id: str
    stiffness_source_id: str
    note: str

    @property
    def radius_mm(self) -> float:
        return self.diameter_mm / 2

    @property
    def modulus_mpa(self) -> float:
        """Hertz-equivalent contact modulus fitted to the two-plate compression test."""
        if math.isinf(self.stiffness_n_per_mm):
            return math.inf
        load = self.stiffness_test_load_n
        per_side = load / self.stiffness_n_per_mm / 2
        return 3 * load / (4 * math.sqrt(self.radius_mm * per_side**3))


@dataclass(frozen=True)
class Surface:
    surface_id: str
    name: str
    posture: str  # lying | standing
    stiffness_n_per_mm: float  # inf = rigid
    reference_contact_diameter_mm: float
    default_load_fraction: float
    source_id: str
    load_fraction_source_id: str
    note: str

    def stiffness_for(self, contact_diameter_mm: float) -> float:
        """Stiffness under a contact of the given diameter (elastic layer: k grows with it)."""
        if math.isinf(self.stiffness_n_per_mm):
            return math.inf
        return self.stiffness_n_per_mm * contact_diameter_mm / self.reference_contact_diameter_mm


@dataclass(frozen=True)
class PainThreshold:
    threshold_id: str
    label: str
    muscle: str
    kg_per_cm2: float
    kpa: float
    kind: str  # measured | derived
    source_id: str
    note: str


@dataclass(frozen=True)
class ContactPressure:
    ball: str
    surface: str
    body_mass_kg: float
    load_fraction: float
    body_load_n: float  # load of the hip region
    force_n: float  # carried by the ball
    load_share: float  # force_n / body_load_n
    contact_area_cm2: float
    mean_pressure_kpa: float
    peak_pressure_kpa: float
    depth_mm: float
    depth_pressure_kpa: float
    sink_mm: float  # how far the body sinks onto the ball
    effective_stiffness_n_per_mm: float  # force_n / sink_mm (tissue + ball + support)
    assumptions: tuple[str, ...]


_rows = read_csv  # data/<name> as dicts of text


def _num(text: str) -> float:
    return float(text) if text.strip() else math.nan


@lru_cache(maxsize=1)
def balls() -> dict[str, Ball]:
    """The balls table (``data/balls.csv``), by ``ball_id``."""
    out = {}
    for r in _rows("balls.csv"):
        out[r["ball_id"]] = Ball(
            r["ball_id"], r["name"], r["construction"], float(r["diameter_mm"]),
            float(r["mass_g"]), float(r["stiffness_n_per_mm"]), _num(r["stiffness_test_load_n"]),
            r["stiffness_basis"], r["source_id"], r["stiffness_source_id"], r["note"])
    return out


@lru_cache(maxsize=1)
def surfaces() -> dict[str, Surface]:
    """The surfaces table (``data/surfaces.csv``), by ``surface_id``."""
    out = {}
    for r in _rows("surfaces.csv"):
        out[r["surface_id"]] = Surface(
            r["surface_id"], r["name"], r["posture"], float(r["stiffness_n_per_mm"]),
            _num(r["reference_contact_diameter_mm"]), float(r["default_load_fraction"]),
            r["source_id"], r["load_fraction_source_id"], r["note"])
    return out


@lru_cache(maxsize=1)
def pressure_pain_thresholds() -> tuple[PainThreshold, ...]:
    """Published pressure-pain thresholds (``data/pressure_pain_thresholds.csv``)."""
    return tuple(
        PainThreshold(r["threshold_id"], r["label"], r["muscle"], float(r["kg_per_cm2"]),
                      float(r["kpa"]), r["kind"], r["source_id"], r["note"])
        for r in _rows("pressure_pain_thresholds.csv"))


def pain_threshold_band_kpa() -> tuple[float, float]:
    """(lowest, highest) published pressure-pain threshold in the table, in kPa."""
    values = [t.kpa for t in pressure_pain_thresholds()]
    return min(values), max(values)


def _tissue_modulus_mpa() -> float:
    return MUSCLE_YOUNG_MODULUS_MPA / (1 - TISSUE_POISSON**2)


def _rigid_contact_radius_mm(force_n: float, radius_mm: float, modulus_mpa: float) -> float:
    return (3 * force_n * radius_mm / (4 * modulus_mpa)) ** (1 / 3)


def _contact_radius_mm(ball: Ball, force_n: float) -> float:
    e_tissue = _tissue_modulus_mpa()
    r = ball.radius_mm
    if ball.construction == "solid":
        e_pair = 1 / (1 / e_tissue + 1 / ball.modulus_mpa)
        return _rigid_contact_radius_mm(force_n, r, e_pair)
    a_rigid = _rigid_contact_radius_mm(force_n, r, e_tissue)
    if ball.construction == "hollow":
        return math.sqrt(a_rigid**2 + r * force_n / ball.stiffness_n_per_mm)
    return a_rigid


def _sink_mm(ball: Ball, surface: Surface, force_n: float) -> float:
    a_rigid = _rigid_contact_radius_mm(force_n, ball.radius_mm, _tissue_modulus_mpa())
    k_local = surface.stiffness_for(ball.diameter_mm)
    return a_rigid**2 / ball.radius_mm + force_n / ball.stiffness_n_per_mm + force_n / k_local


def _ball_force_n(ball: Ball, surface: Surface, load_n: float) -> float:
    gap = ball.diameter_mm
    if _sink_mm(ball, surface, load_n) <= gap:
        return load_n
    k_around = surface.stiffness_for(BODY_CONTACT_DIAMETER_MM)
    lo, hi = 0.0, load_n  # sink rises with F, the surround's share falls: one root
    for _ in range(60):
        mid = (lo + hi) / 2
        if _sink_mm(ball, surface, mid) > gap + (load_n - mid) / k_around:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def _check_load_fraction(value: float) -> float:
    x = check_range("load_fraction", value, 0.0, 1.0)
    if x == 0:
        raise ValueError("load_fraction: 0 is outside the allowed range 0 (exclusive) to 1")
    return x


def contact_pressure(ball: str, surface: str, body_mass_kg: float,
                     load_fraction: float | None = None, *,
                     depth_mm: float = DEPTH_MM) -> ContactPressure:
    """Force, contact area and pressure of ``ball`` under the hip on ``surface``.

    ``load_fraction`` (0 exclusive to 1) is the share of body weight on the hip region; None
    takes the surface's default (0.25 lying, 0.15 leaning on a wall). Raises ValueError for an
    unknown ball or surface, a body mass outside 20 to 250 kg or a bad load fraction.
    """
    check_choice("ball", ball, BALLS)
    check_choice("surface", surface, SURFACES)
    if not isinstance(body_mass_kg, numbers.Real) or isinstance(body_mass_kg, bool):  # not '70', not True
        lo, hi = BODY_MASS_RANGE_KG
        raise ValueError(f"body_mass_kg: {body_mass_kg!r:.40} is not a number (allowed {lo:g} to {hi:g} kg)")
    mass = check_range("body_mass_kg", body_mass_kg, *BODY_MASS_RANGE_KG, unit=" kg")
    depth = check_range("depth_mm", depth_mm, 0.0, 200.0, unit=" mm")
    b, s = balls()[ball], surfaces()[surface]
    fraction = s.default_load_fraction if load_fraction is None else _check_load_fraction(load_fraction)
    load = fraction * mass * G
    force = _ball_force_n(b, s, load)
    a = _contact_radius_mm(b, force)
    mean_mpa = force / (math.pi * a**2)
    depth_mpa = mean_mpa * (1 - depth**3 / (a**2 + depth**2) ** 1.5)
    sink = _sink_mm(b, s, force)
    return ContactPressure(
        ball=ball, surface=surface, body_mass_kg=mass, load_fraction=fraction,
        body_load_n=load, force_n=force, load_share=force / load,
        contact_area_cm2=math.pi * a**2 / 100, mean_pressure_kpa=mean_mpa * 1000,
        peak_pressure_kpa=1.5 * mean_mpa * 1000, depth_mm=depth,
        depth_pressure_kpa=depth_mpa * 1000, sink_mm=sink,
        effective_stiffness_n_per_mm=force / sink, assumptions=ASSUMPTIONS)


def pressure_table(body_mass_kg: float = 70.0) -> dict[tuple[str, str], ContactPressure]:
    """Every ball on every surface (default load fractions), keyed by (ball, surface)."""
    return {(b, s): contact_pressure(b, s, body_mass_kg) for b in BALLS for s in SURFACES}


# ---------------------------------------------------------------- how firm is a set-up
# The one verdict the handout and the Ball & surface app both show (issue: they disagreed).

SURFACE_WORDS = {"bed": "on a bed", "carpet": "on a carpeted floor",
                 "hardwood": "on a hardwood floor", "wall": "against a wall"}
GENTLEST_WITHIN = 1.15  # skin AND depth pressure within 15 % of a tennis ball on a bed
FIRMNESS_WORDS = ("gentlest", "firmer", "very firm", "too firm")
REFERENCE_MASS_KG = 70.0  # the handout has no body mass: it speaks for a 70 kg adult

# Gentlest to firmest, one change per step. Lying: the routine's own order (tennis ball on a
# bed ... baseball on a hardwood floor) with the lacrosse ball in it; standing: the same balls
# against a wall. A test checks that the model's pressures rise along each ladder.
LADDERS = {
    "lying": (("tennis", "bed"), ("tennis", "carpet"), ("racquetball", "carpet"),
              ("lacrosse", "carpet"), ("baseball", "hardwood")),
    "standing": (("tennis", "wall"), ("racquetball", "wall"), ("lacrosse", "wall"),
                 ("baseball", "wall")),
}
# The floors: carpet over a solid floor and hardwood press the same in the model (the carpet is
# too thin to sink into; a test checks it for every ball and body mass), so a ladder's floor step
# is any floor: named in the client's own floor's words when the client is on one ('a racquetball
# on a hardwood floor' under 'Your set-up: a tennis ball on a hardwood floor'), else 'on the floor'.
FLOORS = ("carpet", "hardwood")
ANY_FLOOR_WORDS = "on the floor"

FIRMNESS_CLIENT_TEXT = {
    "gentlest": "The gentlest set-up: the one to come back to when a firmer one was too much.",
    "firmer": "Firmer than the gentlest set-up, but not painful for most people.",
    "very firm": "Very firm: for many people this pressure already hurts. Keep holds short, one spot "
                 "at a time.",
    "too firm": "Too firm for most people: you would tense up instead of relaxing into the ball. "
                "Choose a softer set-up.",
}
FIRMEST_STEP = "The firmest step of the ladder. "
FIRMNESS_INSTRUCTOR_TEXT = {
    "gentlest": "About as gentle as the routine gets (skin and depth pressure within 15 % of a tennis "
                "ball on a bed), below the published pressure-pain thresholds: the right start for a "
                "beginner.",
    "firmer": "Firmer than a tennis ball on a bed but below the published pressure-pain thresholds: a "
              "next step once the gentle option feels easy.",
    "very firm": "Inside the band of published pressure-pain thresholds, where tender spots start to "
                 "hurt: for an experienced client, short holds, a 'good hurt' around 5 of 10 at most.",
    "too firm": "Above the highest published pressure-pain threshold: most clients tense up and cannot "
                "relax into it, which defeats the purpose. Choose a softer ball or surface.",
}


def setup_words(ball: str, surface: str) -> str:
    """A set-up in plain words: 'a racquetball on a bed', 'a baseball on a hardwood floor'."""
    check_choice("ball", ball, BALLS)
    check_choice("surface", surface, SURFACES)
    return f"a {balls()[ball].name.lower()} {SURFACE_WORDS[surface]}"


def step_words(ball: str, surface: str, own_surface: str | None = None) -> str:
    """A ladder step in plain words. A floor step (``FLOORS``: carpet or wood, the same in the
    model) reads in the set-up line's words for ``own_surface``, the client's surface, when that
    is a floor ('a racquetball on a hardwood floor'), else 'a racquetball on the floor'."""
    if surface not in FLOORS:
        return setup_words(ball, surface)
    where = SURFACE_WORDS[own_surface] if own_surface in FLOORS else ANY_FLOOR_WORDS
    return f"a {balls()[check_choice('ball', ball, BALLS)].name.lower()} {where}"


@dataclass(frozen=True)
class Firmness:
    ball: str
    surface: str
    body_mass_kg: float
    word: str               # one of FIRMNESS_WORDS
    client_text: str        # plain words (the handout)
    instructor_text: str    # the technical line (the app)
    mean_pressure_kpa: float
    depth_pressure_kpa: float
    ladder: str             # "lying" or "standing"
    steps: tuple[tuple[str, str], ...]  # that ladder, gentlest first
    step: int | None        # 1-based step this set-up IS (same ball, same modelled pressure)
    below_step: int | None  # otherwise: the first step firmer than it (None: firmer than all)
    point_tool: bool        # the golf ball: not on the ladder


def _gentler(a: ContactPressure, b: ContactPressure) -> bool:
    """Whether the model rates ``a`` gentler than ``b``: a lower skin (mean contact) pressure,
    the measure that places a set-up on its ladder (``firmness``) and picks where to go back or
    up to (``ladder_moves``)."""
    return a.mean_pressure_kpa < b.mean_pressure_kpa


def rates_gentler(a: tuple[str, str], b: tuple[str, str], body_mass_kg: float = REFERENCE_MASS_KG) -> bool:
    """Whether set-up ``a`` (ball, surface) is gentler than ``b`` in the model (``_gentler``)."""
    return _gentler(contact_pressure(*a, body_mass_kg), contact_pressure(*b, body_mass_kg))


def ranking_reason(firmer: tuple[str, str], gentler: tuple[str, str],
                   body_mass_kg: float = REFERENCE_MASS_KG) -> str:
    """Why the model ranks set-up ``firmer`` (ball, surface) above ``gentler`` when that order
    could surprise a client, in plain words from the model's two pressures; '' when it would
    not surprise (or the model does not rank it so).

    It could surprise when the firmer-ranked set-up lies on the softer surface (a racquetball
    on a bed above a tennis ball on the floor: a bed feels softer). The ladder ranks by the skin
    (mean contact) pressure (``_gentler``), so the words always say it presses more sharply;
    the pressure at depth (``depth_mm``) says whether it also presses more deeply or less."""
    a, b = (contact_pressure(*x, body_mass_kg) for x in (firmer, gentler))
    softer_surface = surfaces()[firmer[1]].stiffness_n_per_mm < surfaces()[gentler[1]].stiffness_n_per_mm
    if not (softer_surface and _gentler(b, a)):
        return ""
    deep = "though less deeply" if a.depth_pressure_kpa < b.depth_pressure_kpa else "and more deeply"
    return f"it presses more sharply, {deep}"


def firmer_than_words(f: "Firmness") -> str:
    """'firmer than step 2 (it presses more sharply, though less deeply)': the step just under
    a set-up off the ladder, with the model's reason when the order could surprise
    (``ranking_reason``); '' for a set-up on the ladder, under step 1 or the golf ball. The
    handout's ladder line and the Ball & surface app print these same words."""
    if f.point_tool or f.step is not None or f.below_step == 1:
        return ""
    at = len(f.steps) if f.below_step is None else f.below_step - 1
    why = ranking_reason((f.ball, f.surface), f.steps[at - 1], f.body_mass_kg)
    return f"firmer than step {at}" + (f" ({why})" if why else "")


def _same(a: ContactPressure, b: ContactPressure) -> bool:
    return (abs(a.mean_pressure_kpa - b.mean_pressure_kpa) <= 0.01 * b.mean_pressure_kpa
            and abs(a.depth_pressure_kpa - b.depth_pressure_kpa) <= 0.01 * b.depth_pressure_kpa)


def firmness(ball: str, surface: str, body_mass_kg: float = REFERENCE_MASS_KG) -> Firmness:
    """How firm a set-up is, in one word, for the handout and the Ball & surface app alike.

    The rule (model: ``contact_pressure``): above the highest published pressure-pain threshold
    "too firm"; inside the band "very firm"; skin and depth pressure both within 15 % of a
    tennis ball on a bed (same body mass) "gentlest"; otherwise "firmer". Also where the set-up
    sits on its ladder (``LADDERS``, gentlest to firmest): ``step`` when it is a step (or the
    same ball at the same modelled pressure), else ``below_step``, the first firmer step. An
    indication for teaching, not a prescription.
    """
    r = contact_pressure(ball, surface, body_mass_kg)
    lo, hi = pain_threshold_band_kpa()
    ref = contact_pressure("tennis", "bed", body_mass_kg)
    if r.mean_pressure_kpa > hi:
        word = "too firm"
    elif r.mean_pressure_kpa >= lo:
        word = "very firm"
    elif max(r.mean_pressure_kpa / ref.mean_pressure_kpa,
             r.depth_pressure_kpa / ref.depth_pressure_kpa) <= GENTLEST_WITHIN:
        word = "gentlest"
    else:
        word = "firmer"
    ladder = "standing" if surfaces()[surface].posture == "standing" else "lying"
    steps = LADDERS[ladder]
    results = [contact_pressure(b, s, body_mass_kg) for b, s in steps]
    step = below = None
    point_tool = ball == "golf"
    if not point_tool:
        for i, ((b, s), q) in enumerate(zip(steps, results), start=1):
            if (b, s) == (ball, surface) or (b == ball and _same(r, q)):
                step = i
                break
        if step is None:
            below = next((i for i, q in enumerate(results, start=1) if _gentler(r, q)), None)
    # the top step in the model's 'firmer' band: a client read 'not painful for most people'
    # under a baseball on a hardwood floor as mild; it is the firmest step on the page
    text = FIRMEST_STEP + FIRMNESS_CLIENT_TEXT[word] if word == "firmer" and step == len(steps) \
        else FIRMNESS_CLIENT_TEXT[word]
    return Firmness(ball=ball, surface=surface, body_mass_kg=r.body_mass_kg, word=word,
                    client_text=text, instructor_text=FIRMNESS_INSTRUCTOR_TEXT[word],
                    mean_pressure_kpa=r.mean_pressure_kpa, depth_pressure_kpa=r.depth_pressure_kpa,
                    ladder=ladder, steps=steps, step=step, below_step=below, point_tool=point_tool)


def ladder_place(f: Firmness) -> str:
    """Where a set-up sits on its ladder, in words: 'step 2 of 5', 'between steps 2 and 3 of
    5', 'firmer than every step', 'a point tool, not on the ladder'."""
    n = len(f.steps)
    if f.point_tool:
        return "a point tool, not on the ladder"
    if f.step is not None:
        return f"step {f.step} of {n}"
    if f.below_step is None:
        return f"firmer than all {n} steps"
    if f.below_step == 1:
        return f"gentler than step 1 of {n}"
    return f"between steps {f.below_step - 1} and {f.below_step} of {n}"


@dataclass(frozen=True)
class Move:
    """A set-up to move to from the client's: ``step`` its 1-based ladder step (None: not a
    step), ``same_surface`` True when it is a gentler ball on the client's own surface chosen
    instead of the ladder's step before it (a set-up between steps)."""
    ball: str
    surface: str
    step: int | None
    same_surface: bool = False


def ladder_moves(ball: str, surface: str,
                 body_mass_kg: float = REFERENCE_MASS_KG) -> tuple[Move | None, Move | None]:
    """(go back, go up) from a set-up: where the handout's ladder sends the client when a
    session was too much, and when it feels easy; None at an end of the ladder and for the
    golf ball (on no ladder).

    Go up: the first step the model rates firmer (``firmness``: the step after this one, or
    the step above a set-up between two steps). Go back from a step: the step before it. Go
    back from a set-up between steps (a racquetball on a bed): the firmest set-up on the same
    surface that the model rates gentler (a tennis ball on a bed), not the ladder's step
    before it on another surface (a tennis ball on the floor read as harder to a client on a
    bed, and presses deeper in the model); the step before it when the surface has none."""
    f = firmness(ball, surface, body_mass_kg)
    if f.point_tool:
        return None, None
    n = len(f.steps)

    def step(i):
        return Move(*f.steps[i - 1], step=i) if i and 1 <= i <= n else None

    if f.step is not None:
        return step(f.step - 1), step(f.step + 1)
    up = step(f.below_step) if f.below_step else None
    below = (f.below_step - 1) if f.below_step else n
    mine = contact_pressure(ball, surface, body_mass_kg)
    gentler = [(contact_pressure(b, surface, body_mass_kg), b) for b in BALLS
               if b not in (ball, "golf")]
    gentler = [(r, b) for r, b in gentler if _gentler(r, mine)]
    if not gentler:
        return step(below), up
    _, b = max(gentler, key=lambda rb: rb[0].mean_pressure_kpa)
    return Move(b, surface, step=firmness(b, surface, body_mass_kg).step, same_surface=True), up
