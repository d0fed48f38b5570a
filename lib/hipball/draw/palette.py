"""Colours and hatches: Paul Tol's colour-blind-safe 'muted' scheme (plus one colour of his
'light' scheme), and a hatch per muscle so that plates still read when printed in grayscale."""

from __future__ import annotations

from matplotlib.colors import to_rgb

MUSCLE_STYLE: dict[str, dict] = {
    # id: edge colour, hatch
    "gluteus_maximus": {"color": "#CC6677", "hatch": "//"},
    "gluteus_medius": {"color": "#DDCC77", "hatch": "\\\\"},
    "gluteus_minimus": {"color": "#999933", "hatch": ".."},
    "piriformis": {"color": "#AA4499", "hatch": "xx"},
    "tensor_fasciae_latae": {"color": "#117733", "hatch": "||"},
    "quadratus_lumborum": {"color": "#882255", "hatch": "++"},
    "biceps_femoris": {"color": "#44AA99", "hatch": "--"},
    "semitendinosus": {"color": "#88CCEE", "hatch": "oo"},
    "semimembranosus": {"color": "#332288", "hatch": "\\\\\\"},
    "vastus_lateralis": {"color": "#EE8866", "hatch": "///"},
}
PART_HATCH = {"anterior": "..", "posterior": "OO", "iliotibial_band": ""}
ITB_FACE = "#EFE6CF"
BONE_BASE = (0.93, 0.89, 0.80)
BONE_EDGE = "#6B5A44"
SKIN_FACE = "#F6EBE2"
SKIN_EDGE = "#B89B8A"
INK = "#222222"
SPOKE_RED = "#D0021B"
# Okabe & Ito (2008) colour-blind-safe palette, vermillion first (the classic referral red):
# the referral plates' and the handout referral map's colours
OKABE_ITO = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
# The handout referral map's zone colours, in the order a chart uses them (issue 11: its orange
# and yellow zones, Okabe-Ito's vermillion, orange and yellow, printed too alike in colour and in
# grayscale). Okabe-Ito's vermillion first, then colours of Tol's colour-blind-safe schemes
# (muted, light, bright) and Okabe-Ito picked so that, printed at the map's opacity and hatch
# over skin, any two differ by 20 or more in CAM02-UCS and the first five (the standard set of
# spots) also in lightness; tests/test_handouts.py measures it.
ZONE_COLOURS = ("#D55E00", "#882255", "#99DDFF", "#009E73", "#222255", "#AAAA00", "#CC79A7")
# Trigger points that share one referral pattern (and so its colour and hatch) differ by their
# marker, in this order (matplotlib marker codes), and a key names them in these words.
MARKERS = ("X", "P", "D", "s")
MARKER_WORDS = {"X": "X", "P": "+", "D": "\N{BLACK DIAMOND}", "s": "\N{BLACK SQUARE}"}


def lighten(color, amount: float = 0.55):
    """Mix a colour with white (amount 0 = unchanged, 1 = white)."""
    r, g, b = to_rgb(color)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def darken(color, amount: float = 0.35):
    r, g, b = to_rgb(color)
    return (r * (1 - amount), g * (1 - amount), b * (1 - amount))
