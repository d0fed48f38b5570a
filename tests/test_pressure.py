"""The ball-and-surface pressure model, its data tables and its chart."""

from __future__ import annotations

import csv
import dataclasses
import math
import subprocess
import sys

import matplotlib
import matplotlib.pyplot as plt
import pytest

from hipball.draw.pressure import BALL_STYLE, draw_ball_surface_chart
from hipball.pressure import (BALLS, SURFACES, balls, contact_pressure, pain_threshold_band_kpa,
                              pressure_pain_thresholds, pressure_table, surfaces)
from hipball.sources import load_sources

LYING = ("bed", "carpet", "hardwood")
ROUTINE_BALLS = ("tennis", "racquetball", "lacrosse", "baseball")  # golf: a point tool


@pytest.fixture(scope="module")
def table():
    return pressure_table(70)


# ---------------------------------------------------------------- hand-worked numbers

def test_baseball_on_hardwood_matches_hand_calculation():
    """Baseball on hardwood, 70 kg client, lying (load fraction 0.25).

    W = 0.25 x 70 kg x 9.81 = 171.675 N; the floor is rigid and the body never reaches it
    (the ball holds it 73.8 mm up), so F = W.
    Tissue: E* = 0.4404 MPa / (1 - 0.5^2) = 0.5872 MPa. Rigid ball, R = 36.9 mm:
    a^3 = 3 F R / (4 E*) = 3 x 171.675 x 36.9 / 2.3488 = 8091.1 mm^3, a = 20.076 mm,
    area = pi a^2 = 1266.2 mm^2 = 12.66 cm^2, mean p = 171.675 / 1266.2 = 0.1356 MPa = 135.6 kPa.
    At 40 mm depth: p (1 - 40^3 / (403.0 + 1600)^1.5) = 135.6 x (1 - 64000 / 89647) = 38.8 kPa.
    """
    r = contact_pressure("baseball", "hardwood", 70)
    assert r.force_n == pytest.approx(171.675, abs=1e-6)
    assert r.load_share == pytest.approx(1.0)
    assert r.contact_area_cm2 == pytest.approx(12.66, abs=0.01)
    assert r.mean_pressure_kpa == pytest.approx(135.6, abs=0.1)
    assert r.peak_pressure_kpa == pytest.approx(1.5 * 135.6, abs=0.2)
    assert r.depth_pressure_kpa == pytest.approx(38.8, abs=0.1)


def test_tennis_ball_on_hardwood_adds_its_squash_to_the_contact():
    """Tennis ball on hardwood, 70 kg, lying: F = W = 171.675 N (rigid floor).

    Rigid-sphere part, R = 33.5 mm: a^3 = 3 x 171.675 x 33.5 / 2.3488 = 7345.6, a = 19.44 mm,
    a^2 = 377.9 mm^2. The hollow ball's squash adds R F / k = 33.5 x 171.675 / 12.4 = 463.8 mm^2.
    a^2 = 841.7 mm^2, area = pi a^2 = 2644 mm^2 = 26.44 cm^2, p = 171.675 / 2644 = 64.9 kPa:
    half the baseball's 135.6 kPa, same force.
    """
    r = contact_pressure("tennis", "hardwood", 70)
    assert r.force_n == pytest.approx(171.675, abs=1e-6)
    assert r.contact_area_cm2 == pytest.approx(26.44, abs=0.02)
    assert r.mean_pressure_kpa == pytest.approx(64.9, abs=0.1)


def test_tennis_ball_on_bed_shares_the_load_with_the_mattress():
    """Tennis ball on the bed, 70 kg, lying: W = 171.675 N.

    Mattress 8.25 N/mm for a 300 mm contact: under the ball k_local = 8.25 x 67 / 300 = 1.8425
    N/mm, under the hip k_around = 8.25 N/mm. Try F = 107 N: tissue a^3 = 3 x 107 x 33.5 / 2.3488
    = 4578, a = 16.60, a^2/R = 8.23 mm; ball 107 / 12.4 = 8.63 mm; mattress 107 / 1.8425 = 58.07
    mm; sink = 74.93 mm, more than the 67 mm ball, so the mattress around carries
    8.25 x (74.93 - 67) = 65.4 N, and 107 + 65.4 = 172.4 N, about W. So F is about 107 N, 62 % of W.
    """
    r = contact_pressure("tennis", "bed", 70)
    assert r.force_n == pytest.approx(107, abs=1.0)
    assert r.load_share == pytest.approx(0.62, abs=0.01)
    around = 8.25 * (r.sink_mm - 67.0)
    assert r.force_n + around == pytest.approx(r.body_load_n, rel=1e-6)  # equilibrium


def test_wall_uses_the_standing_load_fraction():
    """Wall: W = 0.15 x 70 x 9.81 = 103.0 N, all through the ball (rigid wall)."""
    r = contact_pressure("tennis", "wall", 70)
    assert r.load_fraction == 0.15
    assert r.force_n == pytest.approx(103.005, abs=1e-6)


# ---------------------------------------------------------------- the routine's ordering

def test_tennis_ball_on_bed_is_the_gentlest_lying_option(table):
    gentlest = min((table[b, s].mean_pressure_kpa, b, s) for b in BALLS for s in LYING)
    assert gentlest[1:] == ("tennis", "bed")


def test_baseball_on_hardwood_is_the_deepest_of_the_routine_balls(table):
    deepest = table["baseball", "hardwood"]
    for b in ROUTINE_BALLS:
        for s in SURFACES:
            assert table[b, s].mean_pressure_kpa <= deepest.mean_pressure_kpa
            assert table[b, s].depth_pressure_kpa <= deepest.depth_pressure_kpa


def test_firmer_options_sit_in_between(table):
    gentle = table["tennis", "bed"]
    for b in ("racquetball", "tennis"):
        assert table[b, "hardwood"].mean_pressure_kpa > gentle.mean_pressure_kpa
        assert table[b, "hardwood"].depth_pressure_kpa > gentle.depth_pressure_kpa
    assert table["racquetball", "hardwood"].mean_pressure_kpa < table["baseball", "hardwood"].mean_pressure_kpa


def test_a_softer_support_never_presses_harder(table):
    for b in BALLS:
        bed, carpet, wood = (table[b, s] for s in LYING)
        assert bed.force_n < wood.force_n
        assert bed.mean_pressure_kpa <= carpet.mean_pressure_kpa <= wood.mean_pressure_kpa + 1e-9
        assert bed.depth_pressure_kpa < 0.9 * wood.depth_pressure_kpa


def test_golf_ball_is_sharper_than_anything_in_the_routine(table):
    golf = table["golf", "hardwood"]
    assert golf.mean_pressure_kpa == max(r.mean_pressure_kpa for r in table.values())


def test_pressure_rises_with_body_mass_and_load_fraction():
    light, heavy = (contact_pressure("lacrosse", "hardwood", m) for m in (50, 100))
    assert heavy.force_n == pytest.approx(2 * light.force_n)
    assert heavy.mean_pressure_kpa > light.mean_pressure_kpa
    half = contact_pressure("lacrosse", "hardwood", 100, load_fraction=0.125)
    assert half.force_n == pytest.approx(light.force_n)


def test_result_is_frozen_and_carries_its_assumptions():
    r = contact_pressure("tennis", "bed", 70)
    assert r.assumptions and all(isinstance(a, str) and a for a in r.assumptions)
    assert any("indication" in a for a in r.assumptions)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.force_n = 0  # type: ignore[misc]
    assert r.effective_stiffness_n_per_mm == pytest.approx(r.force_n / r.sink_mm)


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("mass", [-5, 0, 19.9, 251, 1e6, float("nan")])
def test_absurd_body_mass_is_refused_with_the_range(mass):
    with pytest.raises(ValueError) as err:
        contact_pressure("tennis", "bed", mass)
    msg = str(err.value)
    assert "body_mass_kg" in msg and "20" in msg and "250" in msg and "kg" in msg


@pytest.mark.parametrize("mass", ["70", b"70", True, None, [70]])
def test_body_mass_must_be_a_number_not_text(mass):
    """'70' (a string) was silently accepted as 70 kg; now a ValueError names the field."""
    with pytest.raises(ValueError, match=r"body_mass_kg: .* is not a number \(allowed 20 to 250 kg\)"):
        contact_pressure("tennis", "bed", mass)


def test_unknown_ball_names_the_allowed_balls():
    with pytest.raises(ValueError) as err:
        contact_pressure("tenis", "bed", 70)
    msg = str(err.value)
    assert msg.startswith("ball:")
    assert all(b in msg for b in BALLS) and "did you mean 'tennis'" in msg


def test_unknown_surface_names_the_allowed_surfaces():
    with pytest.raises(ValueError) as err:
        contact_pressure("tennis", "floor", 70)
    msg = str(err.value)
    assert msg.startswith("surface:") and all(s in msg for s in SURFACES)


@pytest.mark.parametrize("fraction", [0, -0.1, 1.01, 5])
def test_load_fraction_outside_zero_to_one_is_refused(fraction):
    with pytest.raises(ValueError) as err:
        contact_pressure("tennis", "bed", 70, load_fraction=fraction)
    msg = str(err.value)
    assert msg.startswith("load_fraction:") and "0" in msg and "1" in msg


def test_load_fraction_of_one_is_allowed():
    assert contact_pressure("golf", "hardwood", 70, load_fraction=1).force_n == pytest.approx(686.7)


# ---------------------------------------------------------------- data and sources

def _csv(repo, name):
    with open(repo / "lib" / "hipball" / "data" / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_tables_hold_exactly_the_public_ids():
    assert tuple(balls()) == BALLS
    assert tuple(surfaces()) == SURFACES


def test_every_row_points_to_an_existing_source(repo):
    sources = load_sources()
    for name, cols in [("balls.csv", ("source_id", "stiffness_source_id")),
                       ("surfaces.csv", ("source_id", "load_fraction_source_id")),
                       ("pressure_pain_thresholds.csv", ("source_id",))]:
        for row in _csv(repo, name):
            for col in cols:
                assert row[col] in sources, f"{name}: {row[col]!r} is not in data/sources"
                assert row["note"].strip(), f"{name}: a row without a note"


def test_technique_sources_are_complete(repo):
    rows = _csv(repo, "sources/technique.csv")
    for row in rows:
        for col in ("source_id", "authors", "title", "where", "locator", "note"):
            assert row[col].strip(), f"{row['source_id']}: empty {col}"
    ids = {r["source_id"] for r in rows}
    assert {"itf_rules_of_tennis_app1", "nocsae_nd049_lacrosse_ball", "isogai_2022_gluteal_moduli",
            "en_1957_2012_mattresses", "mlb_official_baseball_rules_3_01",
            "randa_usga_equipment_rules_part4", "winter_2009_dempster_segments"} <= ids


def test_estimates_say_so():
    assert balls()["racquetball"].stiffness_basis == "estimate"
    assert "NO published" in balls()["racquetball"].note
    assert "NO published" in surfaces()["carpet"].note
    for b in balls().values():
        assert (b.construction == "rigid") == math.isinf(b.stiffness_n_per_mm)


def test_tennis_ball_stiffness_follows_from_the_itf_test():
    """ITF: forward deformation 5.59 to 7.37 mm at 80.1 N, mid-point 6.48 mm -> 12.4 N/mm."""
    t = balls()["tennis"]
    assert t.stiffness_n_per_mm == pytest.approx(80.1 / 6.48, abs=0.05)
    assert 65.4 <= t.diameter_mm <= 68.6 and 56.0 <= t.mass_g <= 59.4


def test_pain_thresholds_convert_kg_per_cm2_to_kpa():
    for t in pressure_pain_thresholds():
        assert t.kpa == pytest.approx(t.kg_per_cm2 * 98.0665, abs=1.0)
    assert pain_threshold_band_kpa() == (150.0, 294.0)




def test_model_layer_does_not_import_matplotlib():
    code = "import sys, hipball.pressure, hipball.dosage; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------- firmness (one verdict)

def test_firmness_words_for_the_routine_set_ups():
    from hipball.pressure import firmness, ladder_place

    assert firmness("tennis", "bed").word == "gentlest"
    f = firmness("racquetball", "bed", 70)
    assert f.word == "firmer" and ladder_place(f) == "between steps 2 and 3 of 5"
    assert ladder_place(firmness("baseball", "hardwood")) == "step 5 of 5"
    assert ladder_place(firmness("tennis", "hardwood")) == "step 2 of 5"  # same ball, same pressure
    assert ladder_place(firmness("golf", "bed")).startswith("a point tool")
    assert firmness("lacrosse", "wall").ladder == "standing"
    assert firmness("baseball", "carpet", 110).word == "very firm"
    with pytest.raises(ValueError, match="ball"):
        firmness("bowling", "bed")


def test_setup_words_read_naturally():
    from hipball.pressure import setup_words

    assert setup_words("racquetball", "bed") == "a racquetball on a bed"
    assert setup_words("baseball", "hardwood") == "a baseball on a hardwood floor"
    assert setup_words("golf", "wall") == "a golf ball against a wall"


# ---------------------------------------------------------------- the chart

def test_chart_has_one_hatched_bar_per_ball_and_surface(table):
    fig, ax = plt.subplots()
    art = draw_ball_surface_chart(70, ax=ax)
    assert set(art.bars) == {(b, s) for b in BALLS for s in SURFACES}
    for key, bar in art.bars.items():
        assert bar in ax.patches
        assert bar.get_height() == pytest.approx(table[key].mean_pressure_kpa)
        assert bar.get_hatch(), f"{key} has no hatch: unreadable in grayscale"
        assert art.value_labels[key].get_text() == f"{table[key].mean_pressure_kpa:.0f}"
        assert art.depth_markers[key].get_ydata()[0] == pytest.approx(table[key].depth_pressure_kpa)
    hatches = {art.bars[b, "bed"].get_hatch() for b in BALLS}
    assert len(hatches) == len(BALLS)  # one hatch per ball, not colour alone
    assert {BALL_STYLE[b][1] for b in BALLS} == hatches
    assert plt.get_fignums() == [fig.number]  # drew into the given Axes, no new figure


def test_chart_shows_the_threshold_band_and_honest_labels():
    fig, ax = plt.subplots()
    art = draw_ball_surface_chart(70, ax=ax)
    lo, hi = pain_threshold_band_kpa()
    assert art.band in ax.patches
    assert art.band.get_y() == pytest.approx(lo)
    assert art.band.get_y() + art.band.get_height() == pytest.approx(hi)
    assert "threshold" in art.band_label.get_text()
    assert "indication" in art.title.get_text() and "70 kg" in art.title.get_text()
    assert "kPa" in ax.get_ylabel()
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert any("Bed" in t for t in ticks) and any("Wall" in t and "standing" in t for t in ticks)
    legend = [t.get_text() for t in art.legend.get_texts()]
    assert all(any(balls()[b].name in t for t in legend) for b in BALLS)
    assert any("deep" in t for t in legend)
    assert "Model" in art.caption.get_text()


def test_chart_text_stays_clear_of_bars_and_inside_the_app_figure():
    """The thresholds label sits above the band, clear of every value label, and the caption
    ends inside the figure (the app's 9 x 5.6 in figure cut it off; issue 10)."""
    fig = plt.figure(figsize=(9.0, 5.6))
    ax = fig.add_axes((0.08, 0.2, 0.84, 0.72))
    art = draw_ball_surface_chart(150, ax=ax)
    ax.set_ylim(0, 340)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    band = art.band_label.get_window_extent(renderer)
    for key, label in art.value_labels.items():
        assert not band.overlaps(label.get_window_extent(renderer)), key
    cap = art.caption.get_window_extent(renderer)
    assert cap.x1 <= fig.bbox.x1 and cap.y0 >= fig.bbox.y0, cap
    plt.close(fig)


def test_chart_highlight_outlines_one_bar_and_validates():
    fig, ax = plt.subplots()
    art = draw_ball_surface_chart(70, ax=ax, highlight=("baseball", "hardwood"))
    chosen = art.bars["baseball", "hardwood"]
    others = [b for k, b in art.bars.items() if k != ("baseball", "hardwood")]
    assert all(chosen.get_linewidth() > b.get_linewidth() for b in others)
    assert all(b.get_alpha() < 1 for b in others) and chosen.get_alpha() == 1
    with pytest.raises(ValueError, match="highlight surface.*bed, carpet, hardwood, wall"):
        draw_ball_surface_chart(70, ax=ax, highlight=("baseball", "concrete"))


def test_chart_follows_the_body_mass():
    fig, ax = plt.subplots()
    art = draw_ball_surface_chart(100, ax=ax)
    assert art.results["golf", "hardwood"].body_mass_kg == 100
    with pytest.raises(ValueError, match="body_mass_kg"):
        draw_ball_surface_chart(300, ax=ax)


@pytest.mark.mpl_image_compare(baseline_dir="baseline", tolerance=2, style="default")
def test_ball_surface_chart_baseline():
    with matplotlib.rc_context({"font.size": 13}):
        fig, ax = plt.subplots(figsize=(13, 7.5), layout="constrained")
        draw_ball_surface_chart(70, ax=ax)
    return fig
