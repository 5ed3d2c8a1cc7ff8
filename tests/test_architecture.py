"""The house rules of generator/ (ARCHITECTURE.md): stages import one way, no cycles, small rooms.

import-linter checks the contracts in .importlinter; a copy of the package with one backwards
import (and one with a cycle) shows that the check can fail. The size limits are read from
the code with ast.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")

MODULE_LINES, CLASS_LINES, FUNCTION_LINES = 400, 200, 60
# Today's offenders and their sizes: each may shrink, none may grow, and one that fits the
# limits must leave this list (the test says so). No new name may be added.
ALLOWED = {
    "module generator/commands/serve/server.py": 618,
    "module generator/engine/builder.py": 640,
    "class generator/engine/builder.py:Builder": 394,
    "function generator/engine/builder.py:Builder.build": 135,
    "function generator/engine/update.py:apply": 64,
    "module generator/engine/writer.py": 455,
    "function generator/engine/writer.py:write_site": 100,
    "module generator/model/site.py": 687,
    "class generator/model/site.py:_Builder": 474,
    "module generator/outputs/searchindex.py": 417,
    "function generator/pages/charts.py:bar_chart": 62,
    "function generator/pages/routes.py:plan": 87,
    "function generator/pages/structured.py:_graph": 70,
    "function generator/read/config.py:parse_config": 99,
    "function generator/read/content.py:discover": 61,
}


def lint(root: Path) -> subprocess.CompletedProcess:
    """lint-imports on the package and .importlinter found in `root`."""
    return subprocess.run([str(LINT), "--no-cache", "--no-logo", str(root / ".importlinter")], cwd=root,
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(root)})


def copy_of_package(tmp_path: Path) -> Path:
    shutil.copytree(PROJECT / "generator", tmp_path / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_the_stages_import_one_way_and_without_cycles():
    result = lint(PROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_a_backwards_import_breaks_the_layers_contract(tmp_path):
    """The model importing the writer (a later stage) fails the check, naming the import."""
    root = copy_of_package(tmp_path)
    urls = root / "generator/model/urls.py"
    urls.write_text(urls.read_text() + "\n\ndef _backwards():\n    from ..engine.writer import write_site\n"
                    "    return write_site\n")
    result = lint(root)
    print(result.stdout)  # the evidence, shown with `pytest -s`
    assert result.returncode == 1, result.stdout + result.stderr
    assert "generator.model is not allowed to import generator.engine" in result.stdout
    assert "- generator.model.urls -> generator.engine.writer" in result.stdout


def test_a_cycle_inside_a_stage_breaks_the_cycles_contract(tmp_path):
    root = copy_of_package(tmp_path)
    route = root / "generator/pages/route.py"
    route.write_text(route.read_text() + "\n\ndef _cycle():\n    from .routes import plan\n    return plan\n")
    result = lint(root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "No cycles are allowed in generator.pages" in result.stdout


def oversized() -> dict[str, int]:
    """Every module, class and function of generator/ over its limit, with its size in lines."""
    found: dict[str, int] = {}
    for path in sorted((PROJECT / "generator").rglob("*.py")):
        rel = path.relative_to(PROJECT).as_posix()
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MODULE_LINES:
            found[f"module {rel}"] = len(text.splitlines())

        def walk(node: ast.AST, prefix: str) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    size = child.end_lineno - child.lineno + 1  # type: ignore[operator]
                    is_class = isinstance(child, ast.ClassDef)
                    if size > (CLASS_LINES if is_class else FUNCTION_LINES):
                        found[f"{'class' if is_class else 'function'} {rel}:{prefix}{child.name}"] = size
                    walk(child, f"{prefix}{child.name}.")
                else:
                    walk(child, prefix)

        walk(ast.parse(text), "")
    return found


def test_no_module_class_or_function_outgrows_its_room():
    found = oversized()
    new = {name: size for name, size in found.items() if name not in ALLOWED}
    grown = {name: (ALLOWED[name], size) for name, size in found.items() if name in ALLOWED and size > ALLOWED[name]}
    fits = sorted(name for name in ALLOWED if name not in found)
    assert not new, f"over the limits (module {MODULE_LINES}, class {CLASS_LINES}, function {FUNCTION_LINES} lines): {new}"
    assert not grown, f"grew past its allowed size (allowed, now): {grown}"
    assert not fits, f"now within the limits: take them off ALLOWED: {fits}"
