"""Widget apps for the class (ipywidgets + ipympl): one small module per app.

Import cost stays low: the apps load when first used.
"""

from __future__ import annotations

import importlib

_APPS = {
    "AnatomyExplorer": "hipball.apps.anatomy",
    "ReferralExplorer": "hipball.apps.referral",
    "SpokeDesigner": "hipball.apps.spokes",
    "RollExplorer": "hipball.apps.roll",
    "BallSurfaceExplorer": "hipball.apps.pressure",
    "HandoutPreview": "hipball.apps.handout",
}
__all__ = sorted(_APPS)


def __getattr__(name: str):
    try:
        module = _APPS[name]
    except KeyError:
        raise AttributeError(f"module 'hipball.apps' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + list(_APPS))
