"""Shared test set-up: Agg backend, no writes into the home folder, figures closed after
each test, and a seeded RNG."""

from __future__ import annotations

import os
import tempfile
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
