"""Counts for the engine-room note (docs/may-dong-co.md), of a checkout's ``plugins/``.

``python bench/engine_counts.py [ROOT]`` (ROOT: a checkout, default this one; measure an older
commit with ``git worktree add /tmp/before <commit>``) prints:

- lines of Python in ``plugins/``;
- Pelican, pelican-sitemap, Python-Markdown and Pagefind internals touched: assignments onto an
  attribute of something imported from those packages (``generators.X.y = …``, ``pelican.z =
  …``), entries of bantin_build's table (``Replacement(owner, "name", …)``), ``__class__``
  swaps, methods named like another class's private (name-mangled) ones,
  and files that read Pagefind's private bundle format (``pagefind-entry.json``, ``pf_index`` …);
- module-level mutable globals: module-level assignments of a list, dict or set (literal,
  comprehension or a call of ``list``/``dict``/``set``/``defaultdict``/``deque``/``Counter``/
  ``OrderedDict``) to a name that is not an UPPER_CASE constant, plus every ``global`` statement;
- ``BANTIN_*`` settings: the keys of every plugin's ``settings.py`` ``DEFAULTS`` (where each
  setting is declared, with its default), plus any name mentioned in ``plugins/`` or set in
  ``pelicanconf.py`` / ``publishconf.py`` that no ``DEFAULTS`` declares (an older checkout
  has few or no ``DEFAULTS``: its count is then the names read or set, as before);
- functions over 60 lines.

Pure AST and text scanning: nothing is imported or run.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

UPSTREAM = ("pelican", "markdown", "pagefind")
MUTABLE_CALLS = {"list", "dict", "set", "defaultdict", "deque", "Counter", "OrderedDict"}
PAGEFIND_PRIVATE = re.compile(r"pf_index|pf_fragment|pf_filter|pagefind-entry")
SETTING = re.compile(r"\bBANTIN_[A-Z0-9_]*[A-Z0-9]\b")
MANGLED = re.compile(r"^_[A-Za-z][A-Za-z0-9]*__[A-Za-z_]\w*$")
LONG_FUNCTION = 60


def python_files(root: Path) -> list[Path]:
    return sorted(
        path
        for path in (root / "plugins").rglob("*.py")
        if "__pycache__" not in path.parts and ".egg-info" not in str(path)
    )


def upstream_names(tree: ast.Module) -> set[str]:
    """Names a module binds to Pelican, Markdown or Pagefind modules and objects."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in UPSTREAM:
                    names.add((alias.asname or alias.name).split(".")[0])
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").split(".")[0] in UPSTREAM
        ):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def internals_touched(tree: ast.Module, text: str) -> list[str]:
    """What one module replaces or reaches into upstream (see the module docstring)."""
    found = []
    names = upstream_names(tree)
    # Local aliases (``articles = generators.ArticlesGenerator``) are upstream too.
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _root_name(node.value) in names:
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            if not isinstance(target, ast.Attribute):
                continue
            if target.attr == "__class__":
                found.append(f"line {node.lineno}: __class__ swap")
            elif _root_name(target) in names:
                found.append(f"line {node.lineno}: {ast.unparse(target)} replaced")
        if isinstance(node, ast.FunctionDef) and MANGLED.match(node.name):
            found.append(f"line {node.lineno}: private method {node.name} overridden")
        # bantin_build's table of replacements: Replacement(owner, "name", …), set by setattr.
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Replacement":
            owner, name = (ast.unparse(arg) for arg in node.args[:2])
            found.append(f"line {node.lineno}: {owner}.{name} replaced (table)")
    if PAGEFIND_PRIVATE.search(text):
        found.append("reads or writes Pagefind's private bundle format")
    return found


def mutable_globals(tree: ast.Module) -> list[str]:
    found = []
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        mutable = isinstance(
            value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
        )
        if isinstance(value, ast.Call):
            func = value.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            mutable = called in MUTABLE_CALLS
        if not mutable:
            continue
        for target in targets:
            if isinstance(target, ast.Name) and target.id != target.id.upper():
                found.append(f"line {node.lineno}: {target.id}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found.append(f"line {node.lineno}: global {', '.join(node.names)}")
    return found


def declared_settings(tree: ast.Module) -> set[str]:
    """The ``BANTIN_*`` keys of a module's ``DEFAULTS = {…}`` literal."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        elif isinstance(node, ast.AnnAssign):
            target = node.target
        else:
            continue
        if (
            isinstance(target, ast.Name)
            and target.id == "DEFAULTS"
            and isinstance(node.value, ast.Dict)
        ):
            return {
                key.value
                for key in node.value.keys
                if isinstance(key, ast.Constant) and SETTING.fullmatch(str(key.value))
            }
    return set()


def long_functions(tree: ast.Module) -> list[str]:
    return [
        f"line {node.lineno}: {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > LONG_FUNCTION
    ]


def count(root: Path) -> dict:
    report = {
        "lines": 0,
        "internals": {},
        "globals": {},
        "long": {},
        "settings": set(),
        "declared": set(),
        "undeclared": set(),
    }
    mentioned = set()
    for path in python_files(root):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(root).as_posix()
        report["lines"] += len(text.splitlines())
        mentioned.update(SETTING.findall(text))
        tree = ast.parse(text, filename=name)
        if path.name == "settings.py" and path.parent.parent == root / "plugins":
            report["declared"] |= declared_settings(tree)
        for key, found in (
            ("internals", internals_touched(tree, text)),
            ("globals", mutable_globals(tree)),
            ("long", long_functions(tree)),
        ):
            if found:
                report[key][name] = found
    for conf in ("pelicanconf.py", "publishconf.py"):
        path = root / conf
        if path.is_file():
            mentioned.update(SETTING.findall(path.read_text(encoding="utf-8")))
    report["undeclared"] = mentioned - report["declared"]
    report["settings"] = report["declared"] | report["undeclared"]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=str(Path(__file__).resolve().parents[1]))
    parser.add_argument("--list", action="store_true", help="list what was counted")
    args = parser.parse_args(argv)
    report = count(Path(args.root))
    rows = [
        ("lines of Python in plugins/", report["lines"], None),
        ("upstream internals touched", report["internals"], "internals"),
        ("module-level mutable globals", report["globals"], "globals"),
        ("BANTIN_* settings", len(report["settings"]), None),
        ("functions over 60 lines", report["long"], "long"),
    ]
    for label, value, key in rows:
        number = sum(map(len, value.values())) if isinstance(value, dict) else value
        print(f"{label}: {number}")
        if args.list and key:
            for name, found in sorted(report[key].items()):
                for item in found:
                    print(f"    {name} {item}")
    if args.list:
        print("    settings declared (DEFAULTS): " + " ".join(sorted(report["declared"])))
        print("    settings read or set, not declared: " + " ".join(sorted(report["undeclared"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
