"""The lazy reader: metadata first, slices on demand, replay bit for bit, and
one clear SessionError for every kind of bad file."""

import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

import solvers
from explorer.session import Session, SessionError, SessionWriter, record
from solvers.run import check_config, make_config

REPLAY = {
    "lorenz": dict(preset="classic", t_end=20.0, samples=2001),
    "nlse": dict(preset="two_soliton", t_end=2.0, samples=21),
    "galactic_disk": dict(params={"n": 2000}, t_end=20.0, samples=21),  # random initial state from the seed
    "navier_stokes_2d": dict(preset="decaying_turbulence", n=32, t_end=0.5, samples=6),
    "kuramoto": dict(t_end=2.0, samples=11),
    "henon": dict(preset="classic", t_end=500, samples=501),
}


@pytest.fixture(scope="module")
def replay_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("replay") / "replay.h5"
    with SessionWriter(path) as writer:
        for name, kw in REPLAY.items():
            record(make_config(name, **kw), writer)
    return path


@pytest.mark.parametrize("index", range(len(REPLAY)))
def test_rerunning_a_stored_config_reproduces_the_data_bit_for_bit(replay_file, index):
    with Session(replay_file) as s:
        stored = s.run(s.runs[index])
        config = stored.config
        assert config.seed is not None  # stochastic initial states are reproducible from it
        assert check_config(config) == config
        again = stored.rerun()
        np.testing.assert_array_equal(stored.t, again.t)
        for name in again.variables:
            assert np.array_equal(stored[name][:], again[name]), name  # exact, not approximately
        for name in again.invariants:
            assert np.array_equal(stored.invariant(name)[:], again.invariants[name]), name
        result = stored.to_result()
        assert np.array_equal(result.states, again.states) and result.status == again.status


def test_slicing_reads_what_is_asked(replay_file):
    with Session(replay_file) as s:
        r = s.run("run_002")  # NLSE, complex field
        psi = r["psi"]
        assert psi.shape == (21, 512) and psi.dtype == np.complex128
        full = psi[:]
        np.testing.assert_array_equal(psi[3], full[3])
        np.testing.assert_array_equal(psi[-1, 100:110], full[-1, 100:110])
        np.testing.assert_array_equal(psi[::5], full[::5])
        np.testing.assert_array_equal(psi[::-4], full[::-4])
        np.testing.assert_array_equal(psi[[7, 2, 2]], full[[7, 2, 2]])
        np.testing.assert_array_equal(psi[..., 0], full[..., 0])
        with pytest.raises(IndexError):
            psi[21]
        assert r.coordinates["x"].shape == (512,)
        with pytest.raises(SessionError, match="has no variable 'phi'; it has: psi"):
            r["phi"]


def io_bytes_read() -> int:
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise RuntimeError("no rchar")


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="needs Linux /proc/self/io to count bytes read")
def test_opening_a_large_session_reads_metadata_only(tmp_path):
    # a 2-D field of 128² float64 over 401 samples: 53 MB of data
    config = make_config("navier_stokes_2d", t_end=4.0, samples=401)
    path = tmp_path / "large.h5"
    record(config, path)
    assert path.stat().st_size > 50e6
    before = io_bytes_read()
    with Session(path) as s:
        r = s.run()
        assert r.config == config and r.status == "done" and r["omega"].shape == (401, 128, 128)
        frame = r["omega"][200]
    used = io_bytes_read() - before
    assert used < 2e6, f"read {used / 1e6:.1f} MB to open a 53 MB file and slice one frame"
    with h5py.File(path, "r") as f:
        np.testing.assert_array_equal(frame, f["run_001/omega"][200])


# -- bad files ------------------------------------------------------------------------


def good_session(folder: Path) -> Path:
    path = folder / "good.h5"
    if not path.exists():
        record(make_config("lorenz", preset="classic", t_end=5.0, samples=501), path)
    return path


def make_bad(kind: str, folder: Path) -> Path:
    good = good_session(folder)
    path = folder / f"{kind}.h5"
    if kind == "missing":
        return path
    if kind == "text":
        path.write_text("t,x\n0,1\n")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        data = good.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "corrupted":
        data = bytearray(good.read_bytes())
        data[512:8192] = b"\xa5" * (8192 - 512)  # metadata near the start: headers, B-trees
        path.write_bytes(bytes(data))
    elif kind == "foreign":
        with h5py.File(path, "w") as f:
            f["temperature"] = np.arange(3.0)
            f.attrs["format"] = "somebody-else"
    elif kind == "foreign_no_format":
        with h5py.File(path, "w") as f:
            f["temperature"] = np.arange(3.0)
    elif kind == "newer":
        shutil.copyfile(good, path)
        with h5py.File(path, "r+") as f:
            f.attrs["schema_version"] = np.int64(99)
    elif kind == "bad_config":
        shutil.copyfile(good, path)
        with h5py.File(path, "r+") as f:
            f["run_001"].attrs["config"] = "__import__('os').system('echo pwned')"
    elif kind == "object_data":
        shutil.copyfile(good, path)
        with h5py.File(path, "r+") as f:
            attrs = dict(f["run_001/x"].attrs)
            del f["run_001/x"]
            ds = f["run_001"].create_dataset("x", data=np.array(["a"] * 501, dtype=object), dtype=h5py.string_dtype())
            for key in ("role", "name"):
                ds.attrs[key] = attrs[key]
    return path


BAD = {
    "missing": "no such file",
    "text": "not an HDF5 file",
    "empty": "not an HDF5 file",
    "truncated": "truncated",
    "corrupted": "damaged|not an HDF5 file|cannot be opened",
    "foreign": "not a Dynamics Explorer session",
    "foreign_no_format": "not a Dynamics Explorer session",
    "newer": "schema version 99.*upgrade",
    "bad_config": "config is not valid JSON",
    "object_data": "not numbers",
}


def read_everything(path: Path) -> None:
    with Session(path) as s:
        for r in s:
            assert r.config.system
            assert r.t.size >= 0
            for name in r.variables:
                assert r[name][:].shape[0] == r.rows


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_files_raise_one_session_error(tmp_path, kind):
    path = make_bad(kind, tmp_path)
    with pytest.raises(SessionError, match=BAD[kind]) as info:
        read_everything(path)
    assert "\n" not in str(info.value) and str(path.name) in str(info.value)


def test_a_missing_run_is_named(tmp_path):
    path = good_session(tmp_path)
    with Session(path) as s, pytest.raises(SessionError, match="has no run 'run_009'; its runs: run_001"):
        s.run("run_009")


def test_nothing_in_a_file_is_executed(tmp_path, capfd):
    path = make_bad("bad_config", tmp_path)
    with pytest.raises(SessionError):
        read_everything(path)
    assert "pwned" not in capfd.readouterr().out
    assert solvers.get_system("lorenz")  # and the process is fine
