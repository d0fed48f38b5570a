"""One deterministic way to write a figure, for the plates (``hipball figures``) and the
handouts' pictures: no dates in the metadata, a fixed SVG hash salt, text as paths in SVG,
so the same drawing gives the same bytes on every run and machine."""

from __future__ import annotations

import io

import matplotlib

SVG_RC = {"svg.hashsalt": "hipball", "svg.fonttype": "path", "path.simplify": True}
METADATA = {
    "svg": {"Date": None, "Creator": "hipball"},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": "hipball", "Producer": "hipball"},
    "png": {"Software": "hipball"},
}
PNG_DPI = 300


def save(fig, target, fmt: str, **savefig_kws) -> None:
    """``fig.savefig`` into a path or file object with hipball's fixed metadata and rc."""
    kw = {"dpi": PNG_DPI} if fmt == "png" else {}
    kw.update(savefig_kws)
    with matplotlib.rc_context(SVG_RC):
        fig.savefig(target, format=fmt, metadata=METADATA[fmt], **kw)


def svg_text(fig, *, tight: bool = True, transparent: bool = True) -> str:
    """The figure as SVG text (``tight=False`` keeps the figure's exact printed size)."""
    buf = io.StringIO()
    save(fig, buf, "svg", transparent=transparent, bbox_inches="tight" if tight else None, pad_inches=0.03)
    return buf.getvalue()
