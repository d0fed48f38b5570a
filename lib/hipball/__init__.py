"""hipball: teach the hip ball routine.

The public names below are imported lazily (PEP 562), so that ``import hipball`` stays
cheap: matplotlib, shapely and the Jupyter stack load only when a function that needs them
is first used.
"""

from __future__ import annotations

from hipball._lazy import attach

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "load_atlas": "hipball.atlas",
    "VIEWS": "hipball.atlas",
    "SIDES": "hipball.atlas",
    "LAYERS": "hipball.atlas",
    "draw_hip": "hipball.draw.anatomy",
    "theme": "hipball.draw.theme",
    "contact_pressure": "hipball.pressure",
    "BALLS": "hipball.pressure",
    "SURFACES": "hipball.pressure",
    "balls": "hipball.pressure",
    "surfaces": "hipball.pressure",
    "pressure_pain_thresholds": "hipball.pressure",
    "aftercare": "hipball.dosage",
    "red_flags": "hipball.dosage",
    "evidence_caveat": "hipball.dosage",
    "draw_ball_surface_chart": "hipball.draw.pressure",
    "skin_outline": "hipball.bodychart",
    "body_outline": "hipball.bodychart",
    "muscles": "hipball.referral",
    "trigger_points": "hipball.referral",
    "regions": "hipball.referral",
    "referral_zones": "hipball.referral",
    "trigger_point_xy": "hipball.referral",
    "candidates": "hipball.referral",
    "draw_trigger_points": "hipball.draw.referral",
    "draw_referral": "hipball.draw.referral",
    "draw_body_chart": "hipball.draw.referral",
    "referral_plates": "hipball.draw.referral",
    "draw_position": "hipball.draw.position",
    "draw_sequence": "hipball.draw.position",
}


# The apps' names come from hipball.apps (importing that package loads no app).
from hipball.apps import APPS as _APPS  # noqa: E402

_EXPORTS.update(_APPS)

# A public name must never equal a submodule's name (e.g. hipball.dosage is the module; its
# function is hipball.dosage.dosage): tests/test_packaging.py checks this.
__getattr__, __dir__ = attach(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
