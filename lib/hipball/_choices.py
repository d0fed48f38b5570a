"""Validation of enumerated user input: one clear message naming the field, the allowed
values and the closest match for a typo. Used by every layer (model, drawing, apps,
handouts), so it lives at the bottom of the house and imports nothing of hipball."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(value: object, allowed: Iterable[str]) -> str | None:
    """The allowed value nearest to ``value`` (difflib ratio >= 0.6), or None."""
    hits = difflib.get_close_matches(str(value), list(allowed), n=1, cutoff=0.6)
    return hits[0] if hits else None


def choice_error(field: str, value: object, allowed: Iterable[str]) -> ValueError:
    allowed = list(allowed)
    msg = f"{field}: {value!r} is not one of: {', '.join(allowed)}"
    hint = closest(value, allowed)
    if hint is not None:
        msg += f" (did you mean {hint!r}?)"
    return ValueError(msg)


def check_choice(field: str, value: object, allowed: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise ValueError."""
    allowed = list(allowed)
    if value not in allowed:
        raise choice_error(field, value, allowed)
    return value  # type: ignore[return-value]


def check_range(field: str, value: float, lo: float, hi: float, unit: str = "") -> float:
    """Return ``value`` as float if lo <= value <= hi, else raise ValueError naming the range."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{field}: {value!r} is not a number (allowed {lo:g} to {hi:g}{unit})") from None
    if not (lo <= x <= hi):  # also rejects NaN
        raise ValueError(f"{field}: {value!r} is outside the allowed range {lo:g} to {hi:g}{unit}")
    return x
