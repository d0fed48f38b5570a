"""Widget apps for the class (ipywidgets + ipympl): one small module per app.

Import cost stays low: the apps load when first used.
"""

from __future__ import annotations

from hipball._lazy import attach

APPS = {
    "AnatomyExplorer": "hipball.apps.anatomy",
    "ReferralExplorer": "hipball.apps.referral",
    "SpokeDesigner": "hipball.apps.spokes",
    "RollExplorer": "hipball.apps.roll",
    "BallSurfaceExplorer": "hipball.apps.pressure",
    "HandoutPreview": "hipball.apps.handout",
    "StudentApp": "hipball.apps.student",
}
__all__ = sorted(APPS)
__getattr__, __dir__ = attach(__name__, APPS)
