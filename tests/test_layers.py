"""The house rule of STYLE.md and docs/CONVENTIONS.md, read from the source (AST, nothing
imported): data -> model -> draw -> apps / handouts -> cli, imports one way; matplotlib only in
draw/ and apps/; ipywidgets (and ipympl, its widget backend) only in apps/.

Every ``import``, ``from ... import`` (relative ones too, and those inside functions) and
``importlib.import_module("literal")`` counts: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "lib" / "hipball"

# Which layer may import which (a layer always may import itself). apps/ may show a handout
# (HandoutPreview uses handouts/); handouts/ never imports apps/.
MAY_IMPORT = {
    "model": {"model"},
    "draw": {"model", "draw"},
    "handouts": {"model", "draw", "handouts"},
    "apps": {"model", "draw", "handouts", "apps"},
    "cli": {"model", "draw", "handouts", "apps", "cli"},
}
# third-party packages only some layers may import
RESTRICTED = {
    "matplotlib": {"draw", "apps"},
    "mpl_toolkits": {"draw", "apps"},
    "ipywidgets": {"apps"},
    "ipympl": {"apps"},
}
# top-level modules (or packages) that serve the command line or the Jupyter servers
CLI_NAMES = {"cli", "__main__", "launch", "referral_cli", "voila_config"}

# Known violations being fixed on another branch: (module, imported name) -> why, since when.
# A stale entry fails the test too, so the list only shrinks.
ALLOWED: dict[tuple[str, str], str] = {}  # (module, import) -> dated reason; empty: no exceptions


def layer_of(module: str) -> str | None:
    """The layer of a module path ``hipball.x.y``; None for the package itself (its lazy
    facade: importing ``hipball`` is unavoidable for any submodule)."""
    parts = module.split(".")[1:]
    if not parts:
        return None
    head = parts[0]
    if head in ("draw", "apps", "handouts"):
        return head
    if head in CLI_NAMES:
        return "cli"
    return "model"  # the pure-Python modules at the top (atlas, referral, pressure, ...)


def module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("").parts
    if rel[-1] == "__init__":
        rel = rel[:-1]
    return ".".join((root.name, *rel))


@dataclass(frozen=True)
class Import:
    module: str   # the importing module
    target: str   # what it imports (dotted)
    line: int


def imports_of(path: Path, root: Path) -> list[Import]:
    me = module_name(path, root)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [Import(me, a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.append(Import(me, target, node.lineno))
            # ``from hipball import referral`` imports the submodule hipball.referral
            found += [Import(me, f"{target}.{a.name}", node.lineno) for a in node.names
                      if target.split(".")[0] == root.name]
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append(Import(me, node.args[0].value, node.lineno))
    return found


def resolve(target: str, root: Path) -> str | None:
    """The package module a dotted name lands in (the longest existing module prefix), or None
    when it is not ours."""
    parts = target.split(".")
    if parts[0] != root.name:
        return None
    for n in range(len(parts), 1, -1):
        rel = root.joinpath(*parts[1:n])
        if rel.with_suffix(".py").is_file() or (rel / "__init__.py").is_file():
            return ".".join(parts[:n])
    return root.name  # the package itself (``from hipball import __version__``)


def violations(root: Path) -> list[tuple[str, str, str]]:
    """(module, imported name, what is wrong) for every import that breaks the rule."""
    bad, seen = [], set()
    for path in sorted(root.rglob("*.py")):
        for imp in imports_of(path, root):
            mine = layer_of(imp.module)
            where = f"{path.relative_to(root.parent)}:{imp.line}"
            top = imp.target.split(".")[0]
            if top in RESTRICTED and (mine is None or mine not in RESTRICTED[top]):
                bad.append((imp.module, top, f"{where}: {mine or 'the package'} layer imports {top} "
                                             f"(only {' and '.join(f'{x}/' for x in sorted(RESTRICTED[top]))} may)"))
            ours = resolve(imp.target, root)
            if ours is None or mine is None:
                continue
            theirs = layer_of(ours)
            if theirs is not None and theirs not in MAY_IMPORT[mine] and (where, theirs) not in seen:
                seen.add((where, theirs))  # ``from hipball.cli import main``: one import, one entry
                bad.append((imp.module, ours, f"{where}: {mine} imports up, from {theirs} ({ours})"))
    return bad


def test_every_import_runs_one_way():
    found = violations(PACKAGE)
    unexpected = sorted({why for mod, name, why in found if (mod, name) not in ALLOWED})
    assert not unexpected, "imports that break the house rule (STYLE.md):\n" + "\n".join(unexpected)


def test_the_allow_list_only_holds_live_violations():
    found = {(mod, name) for mod, name, _ in violations(PACKAGE)}
    stale = sorted(set(ALLOWED) - found)
    assert not stale, f"no longer violated, remove from ALLOWED in tests/test_layers.py: {stale}"


def test_every_module_has_a_layer():
    """The classification is not vacuous: each layer exists and holds modules."""
    layers = {layer_of(module_name(p, PACKAGE)) for p in PACKAGE.rglob("*.py")}
    assert {"model", "draw", "apps", "handouts", "cli"} <= layers


@pytest.mark.parametrize("module, source, expected", [
    ("referral.py", "import matplotlib.pyplot as plt\n", "model layer imports matplotlib"),
    ("handouts/x.py", "def f():\n    from ipywidgets import HTML\n", "handouts layer imports ipywidgets"),
    ("draw/x.py", "import ipympl\n", "draw layer imports ipympl"),
    ("atlas.py", "from .draw import theme\n", "model imports up, from draw"),
    ("draw/x.py", "from hipball import apps\n", "draw imports up, from apps"),
    ("handouts/x.py", "import importlib\nimportlib.import_module('hipball.apps.a')\n",
     "handouts imports up, from apps"),
    ("draw/x.py", "from ..handouts import page\n", "draw imports up, from handouts"),
    ("spokes.py", "from hipball.cli import main\n", "model imports up, from cli"),
])
def test_the_checker_sees_each_kind_of_violation(tmp_path, module, source, expected):
    root = tmp_path / "hipball"
    for rel in ("__init__.py", "referral.py", "atlas.py", "spokes.py", "cli.py", "draw/__init__.py",
                "draw/theme.py", "apps/__init__.py", "apps/a.py", "handouts/__init__.py", "handouts/page.py"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("")
    (root / module).write_text(source)
    found = [why for _, _, why in violations(root)]
    assert len(found) == 1 and expected in found[0], found


def test_the_checker_accepts_the_allowed_directions(tmp_path):
    root = tmp_path / "hipball"
    files = {
        "__init__.py": "from hipball.apps import APPS\n",  # the lazy facade
        "referral.py": "import numpy\nfrom hipball import atlas\n",
        "atlas.py": "",
        "draw/__init__.py": "",
        "draw/anatomy.py": "import matplotlib.pyplot as plt\nfrom hipball.referral import x\nfrom . import theme\n",
        "draw/theme.py": "",
        "apps/__init__.py": "",
        "apps/a.py": "import ipywidgets\nimport matplotlib\nfrom hipball.handouts import page\n",
        "handouts/__init__.py": "",
        "handouts/page.py": "from hipball.draw import anatomy\nimport typst\n",
        "cli.py": "import importlib\nimportlib.import_module('hipball.apps.a')\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    assert violations(root) == []
