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
# Offenders allowed, with their sizes: each may only shrink, and one that fits the limits must
# leave the list (the test says so). Empty: every module, class and function fits.
ALLOWED: dict[str, int] = {}


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


READS = {"read_text", "read_bytes", "scandir", "listdir", "glob", "rglob", "iterdir", "walk", "open"}
WRITES = {"write_text", "write_bytes", "mkdir", "makedirs", "unlink", "rmdir", "touch", "rmtree", "rename", "replace",
          "link", "symlink_to", "copyfile", "copy", "copytree", "move", "remove"}
OS_MODULES = {"os", "shutil"}  # `replace`, `walk` … count only as os.replace, os.walk: str.replace is no I/O


def file_calls(path: Path) -> list[tuple[int, str, str]]:
    """(line, name, "read" | "write") of every call that opens, lists or changes files."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        on_os = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in OS_MODULES
        if name == "open" and isinstance(func, ast.Name):
            mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
            written = isinstance(mode, ast.Constant) and any(c in str(mode.value) for c in "wax+")
            found.append((node.lineno, name, "write" if written else "read"))
        elif name in WRITES and (on_os or name not in {"replace", "copy", "remove", "rename", "move", "link"}):
            found.append((node.lineno, name, "write"))
        elif name in READS and (on_os or name not in {"walk", "listdir", "scandir"}):
            found.append((node.lineno, name, "read"))
    return found


def test_only_read_reads_and_only_engine_writes():
    """ARCHITECTURE.md's invariants: model/, pages/ and outputs/ neither read nor write files (but for
    the templates linkcheck scans for ids); read/ writes nothing."""
    allowed = {"generator/pages/linkcheck.py": {("glob", "read"), ("read_text", "read")}}
    wrong = []
    for stage in ("read", "model", "pages", "outputs"):
        for path in sorted((PROJECT / "generator" / stage).rglob("*.py")):
            rel = path.relative_to(PROJECT).as_posix()
            for line, name, kind in file_calls(path):
                if (stage != "read" or kind == "write") and (name, kind) not in allowed.get(rel, set()):
                    wrong.append(f"{rel}:{line} {name} ({kind})")
    assert not wrong, wrong
    engine = {name for path in (PROJECT / "generator/engine").rglob("*.py") for _, name, kind in file_calls(path)
              if kind == "write"}
    assert {"rename", "write_bytes", "mkdir"} <= engine  # the check sees the writer's calls at all
