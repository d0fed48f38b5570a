"""Lazy public names for a package (PEP 562): ``import hipball`` stays cheap because the
modules behind its names (matplotlib, shapely, the Jupyter stack) load on first use."""

from __future__ import annotations

import importlib
import sys


def attach(package: str, exports: dict[str, str]):
    """Return (__getattr__, __dir__) for ``package`` resolving ``exports`` (name -> module)."""

    def __getattr__(name: str):
        try:
            module = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)  # later lookups are plain attributes
        return value

    def __dir__():
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return __getattr__, __dir__
