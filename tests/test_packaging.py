"""Install metadata: environment.yml and pyproject.toml list the same runtime dependencies;
the console script and the required top-level layout exist."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

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
    assert {"pytest", "pytest-mpl", "pypdf", "playwright", "nbval"} <= {_name(r) for r in extras["test"]}
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


def test_matplotlib_is_the_one_the_image_baselines_were_made_with(tmp_path):
    import matplotlib
    import pytest
    from conftest import baseline_matplotlib

    assert matplotlib.__version__ == baseline_matplotlib(), "pip install -e '.[test]'"
    unpinned = tmp_path / "pyproject.toml"
    unpinned.write_text('[project.optional-dependencies]\ntest = ["pytest", "matplotlib>=3.8"]\n')
    with pytest.raises(ValueError, match="pin matplotlib exactly once"):
        baseline_matplotlib(unpinned)
