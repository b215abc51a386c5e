"""`explorer run --out`, `info` and `export` as real subprocesses: a killed
writer (kill -9), Ctrl-C (SIGINT), bad files, and exports read back by numpy,
the netCDF library and xarray."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import netCDF4
import numpy as np
import pytest
import xarray as xr

import solvers
from explorer.session import Session
from solvers.run import run

from .test_session_reader import BAD, make_bad

ROOT = Path(__file__).resolve().parents[1]
LONG_RUN = ["run", "lorenz", "--preset", "classic", "--t-end", "1000000", "--samples", "1000001"]


def explorer(*args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "explorer", *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def start(*args):
    return subprocess.Popen(
        [sys.executable, "-m", "explorer", *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_commits(proc, count: int, timeout: float = 60.0) -> list[int]:
    """Read the writer's log (-v) until ``count`` flushes were reported."""
    rows, seen = [], []
    deadline = time.monotonic() + timeout
    while len(rows) < count:
        assert time.monotonic() < deadline, "no flush reported in time: " + "".join(seen)
        line = proc.stderr.readline()
        assert line, "the run ended early: " + "".join(seen) + proc.stderr.read()
        seen.append(line)
        rows += [int(m) for m in re.findall(r"committed run_001 rows=(\d+)", line)]
    return rows


def replay_prefix(config, rows: int) -> dict[str, np.ndarray]:
    """The first ``rows`` samples of a fresh run of ``config``."""
    t, y = [], []
    got = 0
    for chunk in run(config):
        t.append(chunk.t)
        y.append(chunk.y)
        got += chunk.t.size
        if got >= rows:
            break
    t, y = np.concatenate(t)[:rows], np.concatenate(y)[:rows]
    return {"t": t, "x": y[:, 0], "y": y[:, 1], "z": y[:, 2]}


def assert_holds_a_true_prefix(path: Path, at_least: int):
    with Session(path) as s:
        r = s.run()
        assert r.rows >= at_least > 0
        expected = replay_prefix(r.config, r.rows)
        np.testing.assert_array_equal(r.t, expected["t"])
        for name in ("x", "y", "z"):
            assert np.array_equal(r[name][:], expected[name]), name  # every stored frame is the real one
        return r.status, r.rows


def test_kill_9_leaves_a_readable_file_with_every_flushed_frame(tmp_path):
    path = tmp_path / "killed.h5"
    proc = start(*LONG_RUN, "--out", path, "-q", "-v")
    try:
        flushed = wait_for_commits(proc, 1)
    finally:
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    last = max(flushed + [int(m) for m in re.findall(r"rows=(\d+)", err)])
    status, rows = assert_holds_a_true_prefix(path, last)
    assert status == "incomplete"
    # other tools open it as it is: h5py, xarray (named dimensions), the netCDF library
    with h5py.File(path, "r") as f:
        assert int(f["run_001"].attrs["rows"]) == rows
    with xr.open_dataset(path, group="run_001", engine="h5netcdf") as ds:
        assert ds.sizes["t"] >= rows and ds["x"].dims == ("t",)
    with netCDF4.Dataset(path) as nc:
        assert nc.groups["run_001"].dimensions["t"].size >= rows
    out = explorer("info", path)
    assert out.returncode == 0, out.stderr
    assert "incomplete: the writer never closed the file" in out.stdout


def test_ctrl_c_stops_cleanly_and_leaves_a_valid_file(tmp_path):
    path = tmp_path / "stopped.h5"
    proc = start(*LONG_RUN, "--out", path, "-v")  # with the progress bar
    try:
        wait_for_commits(proc, 1)
        busy = explorer("info", path)  # one writer at a time: others are told so, in one line
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    if os.environ.get("HDF5_USE_FILE_LOCKING", "").upper() != "FALSE":  # HDF5's lock keeps readers out
        assert busy.returncode == 2 and "open in another process" in busy.stderr
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "samples/s" in err  # the progress bar was drawn
    assert "status   stopped" in out and f"saved    {path}" in out
    status, rows = assert_holds_a_true_prefix(path, 1)
    assert status == "stopped"
    with Session(path) as s:
        assert s.run().message.startswith("stopped at t =")
        assert s.run().rows == rows < 1_000_001


def test_run_out_info_and_the_three_exports(tmp_path):
    path = tmp_path / "session.h5"
    out = explorer("run", "nlse", "--preset", "two_soliton", "--t-end", "1", "--samples", "11", "--out", path, "-q")
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""  # -q: no progress bar
    assert "status   done" in out.stdout and "run 'run_001'" in out.stdout
    out = explorer("run", "lorenz", "--t-end", "2", "--samples", "21", "--out", path, "-q", "--dtype", "float32")
    assert out.returncode == 0 and "run 'run_002'" in out.stdout

    info = explorer("info", path)
    assert info.returncode == 0, info.stderr
    assert "run_001  nlse (preset two_soliton), pde" in info.stdout
    assert "psi (11, 512) complex128" in info.stdout and "x (21,) float32" in info.stdout
    data = json.loads(explorer("info", path, "--json").stdout)
    assert [r["name"] for r in data["runs"]] == ["run_001", "run_002"]
    assert data["runs"][0]["config"]["preset"] == "two_soliton" and data["runs"][0]["status"] == "done"
    assert data["session"]["schema_version"] == 1

    reference = solvers.simulate("nlse", preset="two_soliton", t_end=1.0, samples=11)
    psi = reference["psi"]

    csv = tmp_path / "nlse.csv"
    assert explorer("export", path, "--run", "run_001", "--format", "csv", "--out", csv).returncode == 0
    header = next(line for line in csv.read_text().splitlines() if not line.startswith("#")).split(",")
    table = np.loadtxt(csv, delimiter=",", skiprows=4)
    assert header[:2] == ["t", "psi.real[0]"] and header[512 + 1] == "psi.imag[0]"
    np.testing.assert_array_equal(table[:, 0], reference.t)
    np.testing.assert_array_equal(table[:, 1:513] + 1j * table[:, 513:1025], psi)  # %.17g round-trips
    np.testing.assert_array_equal(table[:, header.index("invariant_mass")], reference.invariants["mass"])

    npz = tmp_path / "nlse.npz"
    assert explorer("export", path, "--run", "run_001", "--format", "npz", "--out", npz).returncode == 0
    with np.load(npz, allow_pickle=False) as z:
        np.testing.assert_array_equal(z["psi"], psi)
        np.testing.assert_array_equal(z["x"], reference.x)
        assert json.loads(str(z["config"]))["preset"] == "two_soliton"

    nc = tmp_path / "all.nc"
    out = explorer("export", path, "--format", "netcdf", "--out", nc)
    assert out.returncode == 0, out.stderr
    with netCDF4.Dataset(nc) as d:
        assert d.data_model == "NETCDF4"
        g = d.groups["run_001"]
        assert g.variables["psi_real"].dimensions == ("t", "x")
        np.testing.assert_array_equal(g.variables["psi_real"][:] + 1j * g.variables["psi_imag"][:], psi)
        np.testing.assert_array_equal(g.variables["x"][:], reference.x)
        assert json.loads(g.getncattr("config"))["system"] == "nlse"
        assert d.groups["run_002"].variables["x"].dtype == np.float32
    with xr.open_dataset(nc, group="run_002", engine="netcdf4") as ds:
        assert ds["x"].dims == ("t",) and ds.sizes["t"] == 21

    ambiguous = explorer("export", path, "--format", "csv", "--out", tmp_path / "x.csv")
    assert ambiguous.returncode == 2 and "holds 2 runs (run_001, run_002); choose one (--run NAME)" in ambiguous.stderr


@pytest.mark.parametrize("kind", ["missing", "text", "truncated", "corrupted", "foreign", "newer", "bad_config"])
def test_bad_files_give_one_line_and_status_2(tmp_path, kind):
    path = make_bad(kind, tmp_path)
    for args in (["info", path], ["export", path, "--format", "npz", "--out", tmp_path / "out.npz"]):
        out = explorer(*args)
        assert out.returncode == 2, (kind, args, out.stdout, out.stderr)
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
        assert re.search(BAD[kind], lines[0]), lines[0]


def test_a_missing_run_and_a_bad_destination(tmp_path):
    path = make_bad("missing", tmp_path).with_name("good.h5")
    out = explorer("export", path, "--run", "run_007", "--format", "csv", "--out", tmp_path / "x.csv")
    assert out.returncode == 2 and "has no run 'run_007'; its runs: run_001" in out.stderr
    out = explorer("export", path, "--format", "netcdf", "--out", tmp_path / "nowhere" / "x.nc")
    assert out.returncode == 2 and "no such directory" in out.stderr
    out = explorer("run", "lorenz", "--t-end", "1", "--out", tmp_path / "nowhere" / "x.h5", "-q")
    assert out.returncode == 2 and "no such directory" in out.stderr
    assert not os.path.exists(tmp_path / "nowhere")
