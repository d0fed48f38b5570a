"""Shared test set-up: Agg backend, no writes into the home folder, figures closed after
each test, and a seeded RNG. Also the tiers (pyproject.toml): nbval's notebook cells carry the
``notebook`` marker, image baselines need the matplotlib they were made with, and the atlas
rebuild needs the 'atlas' extra (a skip where it is missing, a failure in CI)."""

from __future__ import annotations

import importlib.util
import os
import re
import tempfile
import tomllib
from pathlib import Path

_RUN_DIR = Path(tempfile.mkdtemp(prefix="hipball-tests-"))
for var, sub in [("MPLCONFIGDIR", "mpl"), ("IPYTHONDIR", "ipython"),
                 ("JUPYTER_CONFIG_DIR", "jupyter-config"), ("JUPYTER_DATA_DIR", "jupyter-data"),
                 ("JUPYTER_RUNTIME_DIR", "jupyter-runtime")]:
    os.environ.setdefault(var, str(_RUN_DIR / sub))
os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def rng():
    return np.random.default_rng(20261125)


@pytest.fixture
def repo() -> Path:
    return REPO


def baseline_matplotlib(pyproject: Path = REPO / "pyproject.toml") -> str:
    """The matplotlib version the image baselines were made with (the test extra's pin)."""
    test_extra = tomllib.loads(pyproject.read_text())["project"]["optional-dependencies"]["test"]
    pins = [m.group(1) for r in test_extra if (m := re.fullmatch(r"matplotlib\s*==\s*(\S+)", r.strip()))]
    if len(pins) != 1:
        raise ValueError("pyproject.toml: the test extra must pin matplotlib exactly once (matplotlib==X.Y.Z): "
                         "the image baselines depend on it")
    return pins[0]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if type(item).__module__.startswith("nbval"):  # a notebook cell run by nbval
            item.add_marker(pytest.mark.notebook)


def pytest_runtest_setup(item):
    if item.get_closest_marker("mpl_image_compare") is not None:
        wanted = baseline_matplotlib()
        if matplotlib.__version__ != wanted:
            pytest.fail(f"tests/baseline/ was made with matplotlib {wanted}, this is {matplotlib.__version__}: "
                        "pip install -e '.[test]' (or change the pin and regenerate the baselines deliberately)",
                        pytrace=False)
    if item.get_closest_marker("atlas") is not None:
        missing = [m for m in ("mujoco", "myo_sim") if importlib.util.find_spec(m) is None]
        if missing:
            why = f"the atlas rebuild needs the 'atlas' extra ({', '.join(missing)} missing): pip install -e '.[atlas]'"
            if os.environ.get("HIPBALL_REQUIRE_ATLAS"):  # CI installs the extra: a skip would hide a failure
                pytest.fail(why, pytrace=False)
            pytest.skip(why)
