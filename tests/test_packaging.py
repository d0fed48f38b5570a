"""Install metadata: environment.yml and pyproject.toml list the same runtime dependencies;
the console script and the required top-level layout exist."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject(repo):
    project = tomllib.loads((repo / "pyproject.toml").read_text())["project"]
    runtime = {_name(r): r for r in project["dependencies"]}
    env = yaml.safe_load((repo / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    conda_names = {_name(d): d for d in conda} 
    conda_names.pop("python"), conda_names.pop("pip")
    assert set(conda_names) == set(runtime), "environment.yml and pyproject.toml runtime deps differ"
    for name, req in runtime.items():  # same lower bounds too
        assert conda_names[name].replace(" ", "") == req.replace(" ", ""), name
    assert "conda-forge" in env["channels"]
    pip_section = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    assert "-e ." in pip_section
    py = [d for d in conda if d.startswith("python")][0]
    assert py in ("python>=3.11",) and project["requires-python"] == ">=3.11"


def test_extras(repo):
    extras = tomllib.loads((repo / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert {_name(r) for r in extras["atlas"]} == {"myo-sim", "mujoco"}
    assert {"pytest", "pytest-mpl", "playwright", "nbval"} <= {_name(r) for r in extras["test"]}
    runtime = {_name(r) for r in tomllib.loads((repo / "pyproject.toml").read_text())["project"]["dependencies"]}
    assert "nbval" not in runtime, "nbval only runs the tests: it belongs in the test extra"


def test_required_top_level(repo):
    for path in ("notebooks", "lib/hipball", "figures", "environment.yml", "tests", "README.md", "bench",
                 "tools", ".ci/run", "LICENSE", "NOTICE", "pyproject.toml"):
        assert (repo / path).exists(), path


def test_console_script_help():
    out = subprocess.run([sys.executable, "-m", "hipball.cli", "--help"], capture_output=True, text=True, check=True)
    assert "figures" in out.stdout and "usage: hipball" in out.stdout


def test_cli_bad_input_is_one_line_without_traceback(tmp_path):
    out = subprocess.run([sys.executable, "-m", "hipball.cli", "figures", "--out", str(tmp_path), "--only", "nothing-like-this"],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and "matches no plate" in out.stderr


def test_public_names_do_not_shadow_submodules(repo):
    import hipball

    modules = {p.stem for p in (repo / "lib" / "hipball").glob("*.py")} | {
        p.name for p in (repo / "lib" / "hipball").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    clash = sorted(set(hipball._EXPORTS) & modules)
    assert not clash, f"lazy exports named like submodules resolve by import order: {clash}"


@pytest.mark.slow
def test_wheel_installs_and_renders_the_demo_from_another_folder(repo, tmp_path):
    """Build the wheel, install it (not editable) into a fresh venv, and render the demo
    class from a folder that is not the checkout: the template and the handout notebook are
    package data. The fresh venv borrows this venv's third-party packages through a .pth
    line (a plain path entry: this venv's editable hipball is not imported)."""
    import os
    import site
    import zipfile

    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(repo)],
                   check=True, capture_output=True, timeout=600)
    (wheel,) = wheels.glob("hipball-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"hipball/handouts/handout.typ", "hipball/handouts/handout.ipynb",
            "hipball/voila_config/voila.py", "hipball/data/demo_roster.yaml"} <= names
    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    (Path(purelib) / "zz_borrowed_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    where = subprocess.run([str(py), "-c", "import hipball; print(hipball.__file__)"], cwd=elsewhere, env=env,
                           check=True, capture_output=True, text=True).stdout
    assert where.startswith(purelib), where              # the installed wheel, not the checkout
    proc = subprocess.run([str(venv / "bin" / "hipball"), "handouts", "--demo", "--no-progress", "--out", "out"],
                          cwd=elsewhere, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "8 rendered, 0 failed" in proc.stdout
    assert len(list((elsewhere / "out").glob("*.pdf"))) == 9    # 8 handouts and the class packet


def test_matplotlib_is_the_one_the_image_baselines_were_made_with(tmp_path):
    import matplotlib
    import pytest
    from conftest import baseline_matplotlib

    assert matplotlib.__version__ == baseline_matplotlib(), "pip install -e '.[test]'"
    unpinned = tmp_path / "pyproject.toml"
    unpinned.write_text('[project.optional-dependencies]\ntest = ["pytest", "matplotlib>=3.8"]\n')
    with pytest.raises(ValueError, match="pin matplotlib exactly once"):
        baseline_matplotlib(unpinned)
