"""Layer boundaries: solvers imports no Qt, pyqtgraph or h5py; only
explorer/gui imports Qt."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QT = {"PySide6", "pyqtgraph", "shiboken6", "PyQt5", "PyQt6"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_solvers_sources_import_no_gui_or_io():
    for path in (ROOT / "solvers").rglob("*.py"):
        bad = imported_modules(path) & (QT | {"h5py", "explorer"})
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_only_gui_imports_qt():
    for path in (ROOT / "explorer").rglob("*.py"):
        if "gui" in path.relative_to(ROOT / "explorer").parts:
            continue
        bad = imported_modules(path) & QT
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_import_solvers_and_run_pulls_in_no_qt_or_h5py():
    code = (
        "import sys, solvers\n"
        "solvers.list_systems()\n"
        "solvers.simulate('lorenz', t_end=1.0, samples=3)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'PySide6','pyqtgraph','shiboken6','h5py','PyQt5','PyQt6'})\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_no_pickle_eval_or_exec_in_the_code():
    for folder in ("solvers", "explorer"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    assert node.func.id not in {"eval", "exec"}, f"{path}: {node.func.id}()"
            assert not imported_modules(path) & {"pickle", "cPickle", "dill", "marshal", "shelve"}, path
