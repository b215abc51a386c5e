"""Parameter sweeps (explorer.sweep): numbers against direct computation,
local worker processes, errors at single points, session files and resume."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import h5py
import numpy as np
import pytest
import xarray as xr

from explorer.cli import main
from explorer.sweep import ERROR, MEASURES, NONFINITE, OK, PENDING, build_spec, load_sweep, run_sweep, sweep
from explorer.sweep.measures import RQA_MEASURES, Measure
from explorer.sweep.store import blocks
from solvers.systems.maps import logistic_period2

ROOT = Path(__file__).resolve().parents[1]
X0 = 0.1234  # the logistic map's default initial state


def logistic_direct(r: np.ndarray, n_transient: int, n_keep: int):
    """Plain numpy iteration of x ← r x (1 − x) for all r at once: the kept
    iterates and the Lyapunov average of ln|r (1 − 2x)| over them."""
    x = np.full(r.shape, X0)
    for _ in range(n_transient):
        x = r * x * (1.0 - x)
    kept, logs = [], np.zeros(r.shape)
    for _ in range(n_keep):
        kept.append(x)
        logs += np.log(np.abs(r * (1.0 - 2.0 * x)))
        x = r * x * (1.0 - x)
    return np.array(kept).T, logs / n_keep


def henon_lyapunov_direct(a: float, b: float, n_transient: int, n: int) -> tuple[float, float]:
    """Both exponents of the Hénon map by plain-Python QR (Gram–Schmidt)."""
    x = y = 0.0
    q = [[1.0, 0.0], [0.0, 1.0]]  # columns are tangent vectors
    sums = [0.0, 0.0]
    for step in range(n_transient + n):
        if step == n_transient:
            sums = [0.0, 0.0]
            q = [[1.0, 0.0], [0.0, 1.0]]
        J = ((-2.0 * a * x, 1.0), (b, 0.0))
        q = [[J[0][0] * c[0] + J[0][1] * c[1], J[1][0] * c[0] + J[1][1] * c[1]] for c in q]
        x, y = 1.0 - a * x * x + y, b * x
        n0 = math.hypot(*q[0])
        q0 = [q[0][0] / n0, q[0][1] / n0]
        d = q0[0] * q[1][0] + q0[1] * q[1][1]
        v = [q[1][0] - d * q0[0], q[1][1] - d * q0[1]]
        n1 = math.hypot(*v)
        sums = [sums[0] + math.log(n0), sums[1] + math.log(n1)]
        q = [q0, [v[0] / n1, v[1] / n1]]
    return sums[0] / n, sums[1] / n


def test_logistic_orbit_diagram_equals_direct_iteration():
    res = sweep("logistic", {"r": (2.5, 4.0, 61)}, "orbit", options={"points": 40, "transient": 500}, workers=0)
    r = res.axes["r"]
    direct, _ = logistic_direct(r, 501, 40)  # scans keep iterates 501 … 540
    assert res["orbit"].shape == (61, 40)
    assert np.all(res.status == OK)
    # the same arithmetic in the same order: bit for bit, chaotic values included
    np.testing.assert_array_equal(res["orbit"], direct)
    # and the textbook values: fixed point 1 − 1/r below 3, the period-2 orbit above
    below = r < 2.99
    np.testing.assert_allclose(res["orbit"][below], (1 - 1 / r[below])[:, None] + 0 * res["orbit"][below], atol=1e-12)
    i = int(np.argmin(np.abs(r - 3.2)))
    lo, hi = logistic_period2(r[i])
    assert sorted(set(np.round(res["orbit"][i], 12))) == pytest.approx([lo, hi], abs=1e-12)
    p, v = res.orbit_points()
    assert p.size == v.size == 61 * 40 and np.all(np.isin(p, r))


def test_logistic_lyapunov_curve_equals_direct_average():
    res = sweep("logistic", {"r": (2.5, 4.0, 151)}, "lyapunov", t_end=1000, workers=0)
    r = res.axes["r"]
    _, direct = logistic_direct(r, 100, 1000)  # transient: 10% of t_end
    np.testing.assert_allclose(res["lyapunov"], direct, rtol=0, atol=1e-12)
    # λ = ln|2 − r| on the stable fixed point, and ln 2 at r = 4 (May 1976)
    fixed = (r > 2.5) & (r < 2.95)
    np.testing.assert_allclose(res["lyapunov"][fixed], np.log(np.abs(2 - r[fixed])), atol=1e-6)
    assert res["lyapunov"][-1] == pytest.approx(math.log(2), abs=0.01)


def test_henon_lyapunov_map_over_a_and_b():
    a_axis, b_axis = (1.0, 1.5, 6), (0.1, 0.3, 3)
    res = sweep("henon", {"a": a_axis, "b": b_axis}, "lyapunov", options={"k": 2}, t_end=2000, workers=0)
    assert res["lyapunov"].shape == (6, 3, 2)
    a, b = res.axes["a"], res.axes["b"]
    # (a, b) = (1.5, 0.3): the orbit from (0, 0) escapes; recorded, and the sweep went on
    assert res.status[-1, -1] == NONFINITE and np.all(np.isnan(res["lyapunov"][-1, -1]))
    assert "non-finite" in res.errors[res.spec.flat((5, 2))]
    ok = res.status == OK
    assert ok.sum() == 17
    # the exponents sum to ln|b| (det J = −b) at every point
    total = res["lyapunov"].sum(axis=-1)
    np.testing.assert_allclose(total[ok], np.broadcast_to(np.log(b), total.shape)[ok], atol=1e-12)
    # an independent plain-Python QR at a few points
    for i, j in [(0, 0), (4, 2), (2, 1)]:
        lam = henon_lyapunov_direct(a[i], b[j], 200, 2000)
        np.testing.assert_allclose(res["lyapunov"][i, j], lam, atol=1e-10)
    # Hénon's classic attractor: λ1 ≈ 0.419 (finite-time estimate over 2000 iterations)
    assert res["lyapunov"][4, 2, 0] == pytest.approx(0.4192, abs=0.01)
    # the map as an image for a view: float32, C order, [a, b]
    img = res.image("lyapunov", 0)
    assert img.dtype == np.float32 and img.flags.c_contiguous and img.shape == (6, 3)
    np.testing.assert_array_equal(img, res["lyapunov"][..., 0].astype(np.float32))
    with pytest.raises(ValueError, match="component"):
        res.image("lyapunov")
    # a clicked point maps back to its run
    cfg = res.config_at(*res.nearest(a=1.39, b=0.31))
    assert cfg.system == "henon" and cfg.params == {"a": 1.4, "b": 0.3} and cfg.seed == 0


def test_local_processes_give_the_numbers_of_one_process():
    axes = {"a": (1.0, 1.5, 6), "b": (0.1, 0.3, 3)}
    inline = sweep("henon", axes, "lyapunov", t_end=2000, workers=0)
    updates = []
    local = sweep("henon", axes, "lyapunov", t_end=2000, workers=2, chunk_size=2, progress=updates.append)
    np.testing.assert_array_equal(local["lyapunov"], inline["lyapunov"])
    np.testing.assert_array_equal(local.status, inline.status)
    assert len(updates) == 9 and updates[-1].done == 18 and updates[-1].fraction == 1.0
    seen = np.sort(np.concatenate([u.indices for u in updates]))
    np.testing.assert_array_equal(seen, np.arange(18))


def test_an_exception_at_one_point_is_recorded_and_the_sweep_goes_on():
    def fragile(spec, flat):
        r = spec.point(flat)["r"]
        if r == 3.0:
            raise ZeroDivisionError("a test point that fails")
        return {"value": np.float64(r)}, OK, ""

    MEASURES["fragile"] = Measure("fragile", "test", ("map",), {}, lambda spec: {"value": ()}, fragile)
    try:
        res = sweep("logistic", {"r": (2.0, 4.0, 5)}, "fragile", workers=0)
    finally:
        del MEASURES["fragile"]
    assert res.status.tolist() == [OK, OK, ERROR, OK, OK]
    assert res.errors == {2: "ZeroDivisionError: a test point that fails"}
    np.testing.assert_array_equal(res["value"], [2.0, 2.5, np.nan, 3.5, 4.0])


def test_bad_requests_name_the_parameter():
    with pytest.raises(ValueError, match="NAME=START:STOP:COUNT"):
        sweep("logistic", ["x=1:2"], "lyapunov")
    with pytest.raises(ValueError, match="'q'"):
        sweep("logistic", {"q": (1, 2, 3)}, "lyapunov")
    with pytest.raises(ValueError, match="out of bounds"):
        sweep("logistic", {"r": (3.0, 5.0, 3)}, "lyapunov")
    with pytest.raises(ValueError, match="measure: 'lyap'"):
        sweep("logistic", {"r": (3.0, 4.0, 3)}, "lyap")
    with pytest.raises(ValueError, match="option: 'pionts'"):
        sweep("logistic", {"r": (3.0, 4.0, 3)}, "orbit", options={"pionts": 3})
    with pytest.raises(ValueError, match="no invariants"):
        sweep("logistic", {"r": (3.0, 4.0, 3)}, "invariant-drift")
    with pytest.raises(ValueError, match="workers"):
        sweep("logistic", {"r": (3.0, 4.0, 3)}, "lyapunov", workers=-1)


def test_blocks_cover_a_range_of_points_in_order():
    rng = np.random.default_rng(1)
    for shape in [(7,), (3, 5), (2, 3, 4), (4, 1, 3)]:
        size = int(np.prod(shape))
        for _ in range(30):
            start, stop = sorted(rng.integers(0, size + 1, 2))
            grid = np.arange(size).reshape(shape)
            got = []
            for slices, a, b in blocks(int(start), int(stop), shape):
                part = grid[slices].ravel()
                np.testing.assert_array_equal(part, np.arange(a, b))
                got.append(part)
            flat = np.concatenate(got) if got else np.empty(0, int)
            np.testing.assert_array_equal(flat, np.arange(start, stop))


def test_final_state_rqa_and_invariant_drift_measures(tmp_path):
    # final state of the logistic map after 300 iterations: the direct iterate
    res = sweep("logistic", {"r": (2.8, 3.9, 4)}, "final-state", t_end=300, workers=0)
    x = np.full(4, X0)
    for _ in range(300):
        x = res.axes["r"] * x * (1.0 - x)
    np.testing.assert_array_equal(res["final_state"][:, 0], x)
    # RQA: a period-2 orbit recurs every other step (RR = 1/2; DET = 1 but for the corner lines of
    # length 1); a chaotic orbit hardly recurs at eps = 1e-6
    res = sweep(
        "logistic",
        {"r": (3.2, 4.0, 2)},
        "rqa",
        options={"transient": 500, "eps": 1e-6, "recurrence_rate": None},
        t_end=700,
        workers=0,
    )
    rqa = dict(zip(RQA_MEASURES, res["rqa"][0]))
    assert rqa["RR"] == pytest.approx(0.5, abs=0.01) and rqa["DET"] == pytest.approx(1.0, abs=1e-3)
    assert res["rqa"][1][0] < 0.01
    # the Lotka–Volterra first integral V drifts by about the tolerance, more with a looser one
    tight = sweep("lotka_volterra", {"alpha": (0.5, 1.5, 3)}, "invariant-drift", t_end=20, rtol=1e-10, workers=0)
    loose = sweep("lotka_volterra", {"alpha": (0.5, 1.5, 3)}, "invariant-drift", t_end=20, rtol=1e-5, workers=0)
    assert tight["invariant_drift"].shape == (3, 1) and np.all(tight.status == OK)
    assert np.all(tight["invariant_drift"] < 1e-7) and np.all(loose["invariant_drift"] > 10 * tight["invariant_drift"])


def test_session_file_holds_the_map_with_named_dimensions(tmp_path):
    out = tmp_path / "henon.h5"
    code = main(
        ["sweep", "henon", "--param", "a=1.0:1.5:6", "--param", "b=0.1:0.3:3", "--measure", "lyapunov",
         "--t-end", "2000", "--out", str(out), "--workers", "0", "-q"]
    )  # fmt: skip
    assert code == 0
    ds = xr.open_dataset(out, group="analysis/sweep_001", engine="h5netcdf")
    assert ds["lyapunov"].dims == ("a", "b") and ds["status"].dims == ("a", "b")
    np.testing.assert_allclose(ds["a"].values, np.linspace(1.0, 1.5, 6))
    direct = henon_lyapunov_direct(1.4, 0.3, 200, 2000)[0]
    assert float(ds["lyapunov"].sel(a=1.4, b=0.3)) == pytest.approx(direct, abs=1e-10)
    # the escaping orbit at (1.5, 0.3): NaN, status 2 and the reason, in the file
    escaped = ds.sel(a=1.5, b=0.3)
    assert np.isnan(float(escaped["lyapunov"])) and int(escaped["status"]) == NONFINITE
    assert "non-finite" in str(escaped["error"].values)
    assert int((ds["status"] == OK).sum()) == 17
    ds.close()
    res = load_sweep(out)
    assert res.complete and res.spec.measure == "lyapunov" and res["lyapunov"].shape == (6, 3)
    assert list(res.errors) == [res.spec.flat((5, 2))]


def test_a_stopped_sweep_resumes_from_its_file(tmp_path):
    out = tmp_path / "stopped.h5"
    spec = build_spec("logistic", {"r": (2.5, 4.0, 40)}, "lyapunov", t_end=1000)
    stop = threading.Event()

    def halt_after_two(update):
        if update.done >= 10:
            stop.set()

    first = run_sweep(spec, out=out, workers=0, chunk_size=5, progress=halt_after_two, stop=stop)
    assert first.stopped and 10 <= first.done < 40
    stored = load_sweep(out)
    assert stored.done == first.done and np.all(stored.status.ravel()[first.done :] == PENDING)
    computed = []
    second = run_sweep(spec, out=out, workers=0, chunk_size=5, progress=lambda u: computed.append(u.indices))
    assert second.complete and not second.stopped
    np.testing.assert_array_equal(np.concatenate(computed), np.arange(first.done, 40))  # only the missing points
    whole = run_sweep(spec, workers=0)
    np.testing.assert_array_equal(second["lyapunov"], whole["lyapunov"])
    np.testing.assert_array_equal(load_sweep(out)["lyapunov"], whole["lyapunov"])


def _done_points(path) -> int:
    """Points marked done in a file another process is writing (read without
    HDF5's file lock; a read that races a write is simply retried)."""
    try:
        with h5py.File(path, "r", locking=False) as f:
            return int(np.count_nonzero(f["analysis/sweep_001/status"][()]))
    except (OSError, KeyError):
        return 0


def test_a_killed_command_line_sweep_resumes(tmp_path):
    out = tmp_path / "killed.h5"
    args = ["sweep", "henon", "--param", "a=1.0:1.4:5", "--param", "b=0.1:0.3:4", "--measure", "lyapunov",
            "--t-end", "300000", "--out", str(out), "--workers", "1", "--chunk-size", "2", "-q"]  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-m", "explorer", *args], cwd=ROOT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None and _done_points(out) < 4:
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)  # the command and its worker process, no clean-up
    finally:
        proc.wait(30)
    partial = load_sweep(out)
    assert 4 <= partial.done < 20 and partial.counts()["error"] == 0
    computed = []
    res = run_sweep(partial.spec, out=out, workers=0, progress=lambda u: computed.append(u.indices))
    assert res.complete and res.counts()["ok"] == 20
    assert np.concatenate(computed).size == 20 - partial.done
    whole = run_sweep(partial.spec, workers=0)
    np.testing.assert_array_equal(res["lyapunov"], whole["lyapunov"])


def test_killing_a_local_worker_process_loses_no_point():
    import psutil

    spec = build_spec("henon", {"a": (1.0, 1.4, 5), "b": (0.1, 0.3, 4)}, "lyapunov", t_end=300_000)
    killed = []

    def kill_once(update):
        if killed:
            return
        me = os.getpid()
        kids = psutil.Process(me).children(recursive=True)
        servers = {p.pid for p in kids if p.ppid() == me and "forkserver" in " ".join(p.cmdline())}
        workers = [p for p in kids if p.ppid() in servers or (not servers and p.ppid() == me)]
        workers[0].kill()
        killed.append(workers[0].pid)

    res = run_sweep(spec, workers=2, chunk_size=2, progress=kill_once)
    assert killed
    assert res.complete and np.all(res.status == OK)
    np.testing.assert_array_equal(res["lyapunov"], run_sweep(spec, workers=0)["lyapunov"])


def test_a_user_defined_system_sweeps_on_worker_processes(tmp_path, monkeypatch):
    """Worker processes start with the built-in catalog: the sweep hands
    them the system's text, and their numbers equal the built-in map's."""
    from solvers.userdef import define_system, remove_system

    monkeypatch.setenv("DYNAMICS_EXPLORER_CACHE", str(tmp_path / "cache"))
    define_system("typed_logistic", "r = 3.5\nx[n+1] = r*x*(1 - x)\nx(0) = 0.3\n")
    try:
        typed = sweep("typed_logistic", {"r": (3.0, 4.0, 9)}, "lyapunov", t_end=2000, workers=2)
        built = sweep("logistic", {"r": (3.0, 4.0, 9)}, "lyapunov", t_end=2000, workers=0, initial=[0.3])
    finally:
        remove_system("typed_logistic")
    assert typed.complete and not typed.errors
    np.testing.assert_allclose(typed["lyapunov"], built["lyapunov"], rtol=0, atol=1e-12)
    assert abs(typed["lyapunov"][-1] - math.log(2)) < 0.02
