"""hipball: teach the hip ball routine.

The public names below are imported lazily (PEP 562), so that ``import hipball`` stays
cheap: matplotlib, shapely and the Jupyter stack load only when a function that needs them
is first used.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "load_atlas": "hipball.atlas",
    "VIEWS": "hipball.atlas",
    "SIDES": "hipball.atlas",
    "LAYERS": "hipball.atlas",
    "draw_hip": "hipball.draw.anatomy",
    "theme": "hipball.draw.theme",
}


def __getattr__(name: str):
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'hipball' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + list(_EXPORTS))


__all__ = sorted(_EXPORTS)
