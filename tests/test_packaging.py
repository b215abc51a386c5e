"""The one-folder bundle (packaging/): its entry point puts numba's cache in
the user's cache directory before numba is imported, and the bundle, built
with PyInstaller, passes the smoke test (packaging/smoke.py): the scripted
launch from two working directories (the second reusing the compiled kernels),
a headless run, a user-defined system and a sweep on worker processes, whose
files hold the numbers this environment computes.

The build takes about 2 minutes and the smoke test about 2 more on two cores.
"""

from __future__ import annotations

import importlib.util
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"


def _load(name: str):
    """A module of packaging/ (not a package: they are scripts)."""
    spec = importlib.util.spec_from_file_location(f"_packaging_{name}", PACKAGING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


entry = _load("entry")

needs_pyinstaller = pytest.mark.skipif(
    importlib.util.find_spec("PyInstaller") is None,
    reason='PyInstaller is not installed (pip install -e ".[test]" installs it)',
)


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
@pytest.mark.parametrize(
    "env",
    [
        {},
        {"XDG_CACHE_HOME": "/somewhere/cache", "LOCALAPPDATA": "/somewhere/local"},
        {"DYNAMICS_EXPLORER_CACHE": "/elsewhere/dx"},
    ],
)
def test_numba_cache_sits_next_to_generated_kernels(monkeypatch, platform, env):
    """The entry point cannot import solvers (that imports numba), so it
    repeats where solvers.userdef keeps generated kernels; both must agree."""
    from solvers.userdef.codegen import cache_dir

    for name in ("XDG_CACHE_HOME", "LOCALAPPDATA", "DYNAMICS_EXPLORER_CACHE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "platform", platform)
    expected = cache_dir().parent / "numba"
    monkeypatch.undo()
    assert entry.numba_cache_dir(env, platform) == expected


_PROBE = """
import runpy, sys
entry = sys.argv[1]
sys.argv = ["dynamics-explorer", "systems", "--kind", "map"]
try:
    runpy.run_path(entry, run_name="__main__")
except SystemExit as exc:
    assert not exc.code, exc.code
from numba.core import config
print("CACHE_DIR=" + config.CACHE_DIR)
"""


def _probe(tmp_path: Path, numba_cache_dir: str | None) -> tuple[str, str]:
    """Run packaging/entry.py (unfrozen) in a fresh interpreter; its output
    and the cache folder numba's configuration read at import."""
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "DYNAMICS_EXPLORER_CACHE")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    if numba_cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = numba_cache_dir
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, str(PACKAGING / "entry.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, proc.stdout.rsplit("CACHE_DIR=", 1)[1].strip()


def test_entry_sets_the_cache_before_numba_reads_it(tmp_path):
    # numba reads NUMBA_CACHE_DIR once, when it is imported: set later, it is ignored
    out, cache = _probe(tmp_path, None)
    assert "henon" in out  # the command itself ran: `systems --kind map`
    assert Path(cache) == tmp_path / "cache" / "dynamics-explorer" / "numba"


def test_entry_leaves_a_users_numba_cache_dir_alone(tmp_path):
    _, cache = _probe(tmp_path, str(tmp_path / "mine"))
    assert Path(cache) == tmp_path / "mine"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """The bundle, built once for this module into a temporary folder (about
    500 MB, removed afterwards)."""
    build = _load("build")
    base = tmp_path_factory.mktemp("bundle")
    if sys.platform.startswith("linux"):
        missing = [tool for tool in ("objdump", "objcopy") if shutil.which(tool) is None]
        assert not missing, f"PyInstaller needs {' and '.join(missing)} on Linux: install binutils"
    folder, seconds = build.build(base / "dist", base / "work")
    size = build.describe(folder, seconds)
    yield folder, seconds, size
    shutil.rmtree(base, ignore_errors=True)


@pytest.mark.slow
@needs_pyinstaller
def test_bundle_passes_the_smoke_test(bundle, tmp_path):
    from explorer.session import Session
    from explorer.sweep import load_sweep, sweep
    from solvers.run import simulate_config

    folder, build_seconds, size = bundle
    smoke = _load("smoke")
    lines: list[str] = []
    report = smoke.smoke(folder, tmp_path, log=lines.append)  # raises SmokeError on a failed check
    print(f"build {build_seconds:.0f} s, {size / 2**20:.0f} MiB", *lines, sep="\n")

    # the second launch, from another folder, loaded the kernels the first compiled
    assert report.second <= smoke.MAX_WARM_RATIO * report.first, lines
    # the first one wrote nothing into the bundle: numba's cache is the user's
    assert not list(folder.rglob("*.nbi"))
    assert list(report.numba_cache.rglob("*.nbi"))
    # the whole thing (PySide6, numba, llvmlite, scipy, h5py) is about 500 MB; WebEngine
    # or QML slipping in would add hundreds
    assert 200 * 2**20 < size < 700 * 2**20

    # the bundle's numbers are this environment's, bit for bit
    for key in ("run_session", "first_session", "second_session"):
        with Session(report.files[key]) as s:
            run = s.run()
            stored = run.to_result()
            assert stored.t.size > 100, (key, stored.t.size)
            again = simulate_config(run.config)
            assert again.status == "done"
            n = stored.t.size  # a GUI run may be stopped by --run-for: compare what it has
            for var in ("x", "y", "z"):
                np.testing.assert_array_equal(stored[var], again[var][:n], err_msg=f"{key}: {var}")
    # a typed Lorenz system (kernels generated into the user's cache, compiled there) gives the
    # built-in Lorenz system's numbers, as docs/user-systems.md promises for equations typed in
    # the kernel's order
    with Session(report.files["user_session"]) as typed, Session(report.files["run_session"]) as builtin:
        u, b = typed.run(), builtin.run()
        assert u.status == b.status == "done" and u.t[-1] == b.t[-1] == 10.0
        for var in ("x", "y", "z"):
            np.testing.assert_allclose(u[var][:], b[var][:], rtol=1e-12, atol=1e-12, err_msg=var)

    # the sweep's worker processes (the frozen executable, started again) computed what this process does;
    # at r = 4 the logistic map's exponent is ln 2 (Ulam–von Neumann)
    stored = load_sweep(report.files["sweep_session"])
    here = sweep("logistic", ["r=3.5:4:8"], "lyapunov", t_end=2000, workers=0)
    np.testing.assert_array_equal(stored["lyapunov"], here["lyapunov"])
    assert stored["lyapunov"][-1] == pytest.approx(math.log(2), abs=0.01)
