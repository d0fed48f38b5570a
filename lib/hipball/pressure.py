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

import csv
import math
import numbers
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from hipball._choices import check_choice, check_range

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


def _rows(name: str) -> list[dict[str, str]]:
    path = resources.files("hipball") / "data" / name
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


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


GENTLE_BELOW_KPA = 80.0  # at or below: the gentle end (tennis ball on a bed, about 60 kPa at 70 kg)


def advice(ball: str, surface: str, body_mass_kg: float = 70.0) -> tuple[str, ...]:
    """The routine's advice in plain words for one set-up, from the model's mean skin pressure
    against the published pressure-pain threshold band. An indication, not a prescription."""
    r = contact_pressure(ball, surface, body_mass_kg)
    band = [t.kpa for t in pressure_pain_thresholds()]
    lo = min(band)
    b, s = balls()[ball], surfaces()[surface]
    where = "against a wall, standing and leaning in" if s.posture == "standing" else f"on a {s.name.lower()}"
    lines = [f"Your set-up: a {b.name.lower()} {where}: about {r.mean_pressure_kpa:.0f} kPa at the skin "
             f"for {body_mass_kg:g} kg (a model's estimate)."]
    if r.mean_pressure_kpa <= GENTLE_BELOW_KPA:
        lines.append("This is the gentle end: good for starting out and for tender days.")
    elif r.mean_pressure_kpa < lo:
        lines.append("This is firm pressure: use it once a softer set-up no longer reaches the spot.")
    else:
        lines.append("This is very firm: it reaches the range where pressure starts to hurt for many people. "
                     "Use it briefly, on one spot, or choose a softer set-up.")
    lines += [
        "Gentlest to firmest: tennis ball on a bed; racquetball, or a tennis ball on the floor; "
        "a baseball on a hardwood floor.",
        "Too much pressure defeats the purpose: you should be able to breathe slowly and let the hip "
        "sink onto the ball.",
    ]
    return tuple(lines)
