"""User-defined systems in session files (stored as their text, re-validated
and defined again on load), in the user library folder, and their kernels in
the on-disk cache (loaded, not recompiled, by a second process)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

import solvers
from explorer.session import Session, SessionError, SessionWriter, record
from solvers import catalog
from solvers.run import make_config
from solvers.userdef import (
    DefinitionError,
    codegen,
    define_system,
    definition_text,
    library_texts,
    load_library,
    remove_from_library,
    remove_system,
    save_to_library,
    user_systems,
)

ROOT = Path(__file__).resolve().parents[1]

FLOW = """\
# a damped, driven pendulum
g = 9.81 in [0, 20]   # gravity
q = 0.5; A = 1.2; w = 2/3
theta' = v
v' = -g*sin(theta) - q*v + A*cos(w*t)
theta(0) = 0.2; v(0) = 0
"""

PDE = """\
@domain = [0, 22]
@n = 64
@dt = 0.05
@dealias = 2/3
u(x, 0) = 0.1*cos(2*pi*x/22) + 0.05*sin(4*pi*x/22)
u_t = -u*u_x - u_xx - u_xxxx
"""


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("DYNAMICS_EXPLORER_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("DYNAMICS_EXPLORER_LIBRARY", str(tmp_path / "library"))
    before = set(user_systems())
    yield tmp_path
    for name in set(user_systems()) - before:
        remove_system(name)


def test_sessions_store_the_text_and_rerun_it_after_it_was_forgotten(isolated):
    define_system("pendulum_typed", FLOW)
    define_system("ks_typed", PDE)
    path = isolated / "s.h5"
    with SessionWriter(path) as writer:
        record(make_config("pendulum_typed", t_end=5.0, samples=51), writer)
        record(make_config("ks_typed", t_end=2.0, samples=5), writer)
        record(make_config("lorenz", preset="classic", t_end=1.0, samples=11), writer)
    # as in a new process: the user systems are unknown until the session defines them
    remove_system("pendulum_typed")
    remove_system("ks_typed")
    with pytest.raises(ValueError, match="unknown system"):
        solvers.get_system("pendulum_typed")
    with Session(path) as s:
        runs = list(s)
        assert runs[0].system_definition == FLOW and runs[1].system_definition == PDE
        assert runs[2].system_definition is None and runs[2].define_system() is None
        for run in runs:
            again = run.rerun()  # defines the system from the stored text first
            for name in again.variables:
                assert np.array_equal(run[name][:], again[name]), (run.name, name)
        assert definition_text("pendulum_typed") == FLOW
        assert s.define_systems() == ["pendulum_typed", "ks_typed"]


def test_a_tampered_definition_is_refused_with_the_run_named(isolated):
    define_system("decay_typed", "k = 1\nx' = -k*x\nx(0) = 1")
    path = isolated / "t.h5"
    record(make_config("decay_typed", t_end=1.0, samples=3), path)
    remove_system("decay_typed")
    with h5py.File(path, "r+") as f:
        f["run_001"].attrs["system_definition"] = "x' = __import__('os').system('echo pwned')"
    with Session(path) as s:
        run = s.run()
        with pytest.raises(SessionError, match=r"run 'run_001'.*decay_typed.*line 1, column 6.*cannot be called"):
            run.rerun()
        with pytest.raises(SessionError, match="line 1, column 6"):
            s.define_systems()
        # the data are still readable
        assert run["x"][:].shape == (3,)
    with pytest.raises(ValueError, match="unknown system"):
        solvers.get_system("decay_typed")


def test_session_attribute_is_plain_text(isolated):
    define_system("decay_typed2", "x' = -x\nx(0) = 1")
    path = isolated / "a.h5"
    record(make_config("decay_typed2", t_end=1.0, samples=3), path)
    with h5py.File(path, "r") as f:
        attrs = f["run_001"].attrs
        assert attrs["system_definition"] == "x' = -x\nx(0) = 1"
        assert json.loads(attrs["config"])["system"] == "decay_typed2"


def test_user_library(isolated):
    assert library_texts() == {}
    path = save_to_library("lib_flow", FLOW)
    assert path.parent == isolated / "library" and path.read_text() == FLOW
    (isolated / "library" / "lib_bad.txt").write_text("x' = y ^ 2\n")
    (isolated / "library" / "not a name.txt").write_text(FLOW)  # not a system name: skipped
    assert set(library_texts()) == {"lib_flow", "lib_bad"}
    systems, errors = load_library()
    assert set(systems) == {"lib_flow"} and "lib_flow" in catalog.list_systems()
    assert set(errors) == {"lib_bad"} and "line 1, column 6" in str(errors["lib_bad"])
    with pytest.raises(DefinitionError):
        save_to_library("lib_bad2", "x' = ")
    assert not (isolated / "library" / "lib_bad2.txt").exists()
    remove_from_library("lib_flow")
    assert set(library_texts()) == {"lib_bad"}


def test_generated_source_holds_no_user_text(isolated):
    text = "zzz_secret = 3  # import os; os.system('x')\nqqq_var' = -zzz_secret*qqq_var\nqqq_var(0) = 1"
    system = define_system("secret_typed", text)
    path = Path(system.rhs.py_func.__code__.co_filename)
    assert path.parent.name == "userdef" and path.name.startswith("dx_userdef_")
    src = path.read_text()
    for word in ("zzz_secret", "qqq_var", "import os", "system("):
        assert word not in src
    assert system.rhs is not None


_SCRIPT = """
import time, sys
t0 = time.perf_counter()
import solvers
t1 = time.perf_counter()
s = solvers.define_system("cached_lorenz", sys.argv[1])
r = solvers.simulate("cached_lorenz", t_end=1.0, samples=11)
t2 = time.perf_counter()
lyap = solvers.lyapunov_spectrum("cached_lorenz", t_end=10.0)
hits = sum(s.rhs.stats.cache_hits.values()) + sum(s.jacobian.stats.cache_hits.values())
misses = sum(s.rhs.stats.cache_misses.values()) + sum(s.jacobian.stats.cache_misses.values())
print(hits, misses, round(t2 - t1, 3), round(r.states[-1][0], 12))
"""


def test_kernels_are_compiled_once_and_loaded_by_the_next_process(tmp_path):
    text = "s = 10; r = 28; b = 8/3\nx' = s*(y - x)\ny' = x*(r - z) - y\nz' = x*y - b*z\nx(0) = 1; y(0) = 1; z(0) = 1"
    env = dict(os.environ, DYNAMICS_EXPLORER_CACHE=str(tmp_path))
    out = []
    for _ in range(2):
        p = subprocess.run(
            [sys.executable, "-c", _SCRIPT, text], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        assert p.returncode == 0, p.stderr
        out.append(p.stdout.split())
    (h1, m1, _, x1), (h2, m2, _, x2) = out
    assert (int(h1), int(m1)) == (0, 2)  # first process: rhs and Jacobian compiled
    assert (int(h2), int(m2)) == (2, 0)  # second: both loaded from the cache
    assert x1 == x2
    assert len(list(tmp_path.glob("userdef/dx_userdef_*.py"))) == 1
    assert codegen.FORMAT >= 1


def test_command_line_define_save_and_run(isolated, capsys):
    from explorer.cli import main

    good = isolated / "duffing_typed.txt"
    good.write_text("d = 0.2; g = 0.3; w = 1.2\nx' = v\nv' = x - x**3 - d*v + g*cos(w*t)\nx(0) = 1\n")
    bad = isolated / "bad.txt"
    bad.write_text("x' = y ^ 2\ny' = foo\n")
    assert main(["define", str(bad)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{bad}:1:6: the operator '^' is not allowed (allowed: + - * / **); write powers as x**2",
        f"{bad}:2:6: unknown name 'foo'; choose one of 'pi', 'e', 'x', 'y'",
    ]
    assert main(["define", str(good), "--save"]) == 0
    assert "saved as 'duffing_typed'" in capsys.readouterr().out
    remove_system("duffing_typed")  # a new process: `run` finds it in the library
    out = isolated / "d.h5"
    assert main(["run", "duffing_typed", "--t-end", "2", "--samples", "5", "-q", "--out", str(out)]) == 0
    with Session(out) as s:
        assert s.run().system_definition == good.read_text()
