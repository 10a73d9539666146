"""The layer contract: a module imports only from its own layer or the layers below, and no
module imports itself back through others. Read from the source with `ast`, so a lazy
import inside a function counts too (it is still a dependency, only paid later)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "voiceedit"

# Lowest first. A module's layer is the first entry its dotted name starts with.
LAYERS: list[tuple[str, ...]] = [
    ("voiceedit", "voiceedit.errors", "voiceedit.spoken_time", "voiceedit.user_config"),
    ("voiceedit.timeline",),
    ("voiceedit.understand",),
    ("voiceedit.media", "voiceedit.picture"),
    ("voiceedit.hear",),
    ("voiceedit.answer",),
    ("voiceedit.interchange",),
    ("voiceedit.project",),
    ("voiceedit.library",),
    ("voiceedit.actions", "voiceedit.dialogue"),
    ("voiceedit.core",),
    ("voiceedit.live", "voiceedit.cli", "voiceedit.web", "voiceedit.__main__"),
]


def layer_of(module: str) -> int:
    best, rank = -1, -1
    for number, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best:
                best, rank = len(name), number
    return rank


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


SOURCES = sorted(PACKAGE.rglob("*.py"))
MODULES = {module_name(p) for p in SOURCES}


def imports(path: Path, top_level_only: bool = False) -> set[str]:
    """Every voiceedit module `path` imports; `from a import b` names the module a.b when
    there is one, else a."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                inner = f"{node.module}.{alias.name}"
                found.add(inner if inner in MODULES else node.module)
    return {name for name in found if name in MODULES}


def upward(module: str, path: Path) -> list[str]:
    return sorted(name for name in imports(path) if layer_of(name) > layer_of(module))


def test_every_module_has_a_layer():
    assert [module_name(p) for p in SOURCES if layer_of(module_name(p)) < 0] == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_only_downward(path: Path):
    module = module_name(path)
    assert upward(module, path) == [], f"{module} (layer {layer_of(module)}) imports upward"


def test_no_import_cycles():
    graph = {module_name(p): imports(p, top_level_only=True) for p in SOURCES}
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> None:
        if module in trail:
            cycle = trail[trail.index(module):] + [module]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        for name in graph.get(module, ()):
            visit(name, [*trail, module])
        done.add(module)

    for module in graph:
        visit(module, [])


def test_the_contract_catches_an_upward_import(tmp_path):
    """The check itself can fail: a timeline module that imports the core, even lazily."""
    bad = tmp_path / "model.py"
    bad.write_text("def f():\n    from voiceedit.core import Editor\n    return Editor\n")
    assert upward("voiceedit.timeline.model", bad) == ["voiceedit.core"]
    assert upward("voiceedit.cli.edit", bad) == []


def test_modules_named_in_strings_keep_the_layers_too():
    """The families the registry imports and the commands' modules are imports as well."""
    from voiceedit.actions.registry import FAMILIES
    from voiceedit.cli import COMMAND_MODULES

    for holder, names in (("voiceedit.actions.registry", FAMILIES),
                          ("voiceedit.cli", COMMAND_MODULES.values())):
        for name in names:
            assert name in MODULES, name
            assert layer_of(name) <= layer_of(holder), (holder, name)
