"""`hipball figures`: every plate, three formats, deterministic, and the committed figures/
match what the code draws now."""

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


def test_every_view_side_and_depth_has_a_plate_in_every_format(rendered):
    names = set(_digest(rendered))
    for view in ("posterior", "lateral", "anterolateral"):
        for side in ("right", "left"):
            for depth in ("superficial", "deep"):
                for fmt in FORMATS:
                    assert f"hip_{view}_{side}_{depth}.{fmt}" in names


def test_png_is_300_dpi(rendered):
    from PIL import Image

    img = Image.open(rendered / "hip_lateral_right_superficial.png")
    assert round(img.info["dpi"][0]) == 300 and img.size[0] == 9 * 300


def test_rerun_gives_the_same_bytes(rendered, tmp_path):
    write_plates(tmp_path, only="hip_lateral_left", progress=False)
    again = _digest(tmp_path)
    first = _digest(rendered)
    assert again and all(first[name] == digest for name, digest in again.items())
    for name in again:
        if name.endswith(".pdf"):
            assert b"CreationDate" not in (tmp_path / name).read_bytes()


def test_committed_figures_match_the_code(rendered, repo):
    committed = _digest(repo / "figures")
    now = _digest(rendered)
    missing = sorted(set(now) - set(committed))
    stale = sorted(n for n in now if n in committed and committed[n] != now[n])
    extra = sorted(set(committed) - set(now) - {"README.md"})
    assert not (missing or stale or extra), (
        f"figures/ is out of date (missing {missing[:5]}, stale {stale[:5]}, extra {extra[:5]}): "
        "run `hipball figures` and commit the result")


def test_cli_writes_only_inside_out(tmp_path):
    out = tmp_path / "plates"
    r = subprocess.run([sys.executable, "-m", "hipball.cli", "figures", "--out", str(out), "--only",
                        "hip_posterior_left_deep", "--format", "svg", "--quiet"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["plates"]
    assert [p.name for p in out.iterdir()] == ["hip_posterior_left_deep.svg"]


def test_plate_sources_are_importable():
    assert len(list(iter_plates())) >= 12
