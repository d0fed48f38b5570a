"""`hipball figures`: exactly the plates we mean to ship, three formats, deterministic, and the
committed figures/ match what the code draws now (slow: that draws every plate)."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest

from hipball.draw.plates import FORMATS, iter_plates, write_plates


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("figures")
    write_plates(out, progress=False)
    return out


@pytest.mark.slow
def test_every_view_side_and_depth_has_a_plate_in_every_format(rendered):
    names = set(_digest(rendered))
    for view in ("posterior", "lateral", "anterolateral"):
        for side in ("right", "left"):
            for depth in ("superficial", "deep"):
                for fmt in FORMATS:
                    assert f"hip_{view}_{side}_{depth}.{fmt}" in names


@pytest.mark.slow
def test_png_is_300_dpi(rendered):
    from PIL import Image

    img = Image.open(rendered / "hip_lateral_right_superficial.png")
    assert round(img.info["dpi"][0]) == 300 and img.size[0] == 9 * 300


@pytest.mark.slow  # draws plates twice (seconds)
def test_rerun_gives_the_same_bytes(tmp_path):
    """(The slow test above covers every plate and the PNGs: figures/ must match them.)"""
    for run in ("a", "b"):
        write_plates(tmp_path / run, only="hip_lateral_left_deep", formats=("svg", "pdf"), progress=False)
    first, again = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert sorted(first) == ["hip_lateral_left_deep.pdf", "hip_lateral_left_deep.svg"]
    assert again == first
    assert b"CreationDate" not in (tmp_path / "a" / "hip_lateral_left_deep.pdf").read_bytes()


@pytest.mark.slow
def test_committed_figures_match_the_code(rendered, repo):
    committed = _digest(repo / "figures")
    now = _digest(rendered)
    missing = sorted(set(now) - set(committed))
    stale = sorted(n for n in now if n in committed and committed[n] != now[n])
    extra = sorted(set(committed) - set(now) - {"README.md"})
    assert not (missing or stale or extra), (
        f"figures/ is out of date (missing {missing[:5]}, stale {stale[:5]}, extra {extra[:5]}): "
        "run `hipball figures` and commit the result")


@pytest.mark.slow
def test_cli_writes_only_inside_out(tmp_path):
    out = tmp_path / "plates"
    r = subprocess.run([sys.executable, "-m", "hipball.cli", "figures", "--out", str(out), "--only",
                        "hip_posterior_left_deep", "--format", "svg", "--quiet"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["plates"]
    assert [p.name for p in out.iterdir()] == ["hip_posterior_left_deep.svg"]


# What `hipball figures` ships, written out here rather than derived from the code, so a plate
# that goes missing (or one added by mistake) fails this test.
MUSCLES = ["gluteus_maximus", "gluteus_medius", "gluteus_minimus", "piriformis", "tensor_fasciae_latae",
           "quadratus_lumborum", "biceps_femoris", "semitendinosus", "semimembranosus", "vastus_lateralis"]
EXPECTED_PLATES = {
    *(f"hip_{view}_{side}_{depth}" for view in ("posterior", "lateral", "anterolateral")
      for side in ("right", "left") for depth in ("superficial", "deep")),
    *(f"spokes_{view}_{side}" for view in ("posterior", "lateral") for side in ("right", "left")),
    "rolling_sections_right", "rolling_sections_left", "rolling_path_lateral_right", "rolling_path_lateral_left",
    "ball_surface_chart_70kg",
    "bodychart_posterior", "bodychart_lateral",
    *(f"referral_{muscle}_{view}" for muscle in MUSCLES for view in ("posterior", "lateral")),
    *(f"position_{name}_{side}" for name in ("back", "spoke", "half", "side", "front", "wall", "wall_side",
                                             "wall_front") for side in ("right", "left")),
    "position_sequence_right", "position_sequence_left", "position_balls",
}


def test_the_plates_are_exactly_the_ones_we_ship():
    stems = [stem for stem, _, _ in iter_plates()]
    assert len(stems) == len(set(stems)), "two plates share a file name"
    assert set(stems) == EXPECTED_PLATES, (
        f"missing {sorted(EXPECTED_PLATES - set(stems))}, unexpected {sorted(set(stems) - EXPECTED_PLATES)}")
