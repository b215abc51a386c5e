"""The streaming writer: blocks, the flush cadence, pause flushes, events,
one writer per file.  Files are copied byte for byte while the writer still
holds them and the copies opened, as another process would see them after a
crash at that moment."""

import math
import shutil
import threading
import time

import h5py
import numpy as np
import pytest

from explorer.session import Session, SessionError, SessionWriter, record
from solvers.run import ParameterMailbox, make_config, run


def snapshot(path, tmp_path, name):
    """A byte copy of the file as it is on disk now (the writer keeps it open)."""
    copy = tmp_path / name
    shutil.copyfile(path, copy)
    return copy


def committed_rows(path) -> int:
    with Session(path) as s:
        return s.run("run_001").rows


def test_chunks_are_written_in_blocks_and_trimmed_exactly(tmp_path):
    config = make_config("lorenz", preset="classic", t_end=200.0, samples=40_001)
    path = tmp_path / "blocks.h5"
    with SessionWriter(path, burst_bytes=256 << 10) as writer:
        rw = writer.start_run(config)
        chunks = 0
        for chunk in run(config):
            rw.append(chunk)
            chunks += 1
        rw.finish(chunk.status, chunk.message)
        commits = writer.commits
    assert chunks > 10 and 2 <= commits < chunks  # grown a block at a time, not a chunk at a time
    with h5py.File(path, "r") as f:
        assert f["run_001/x"].shape == (40_001,) and f["run_001/t"].shape == (40_001,)
        assert f["run_001/x"].maxshape == (None,)  # growable, and exactly as long as the data
        assert int(f["run_001"].attrs["rows"]) == 40_001


def test_flushes_on_a_two_second_cadence_and_at_pause(tmp_path):
    config = make_config("lorenz", preset="classic", t_end=math.inf, sample_interval=0.01)
    path = tmp_path / "cadence.h5"
    stop = threading.Event()
    source = run(config, stop=stop)
    ready, rows = [], 0
    while rows < 5000:  # computed first (kernels compiled or loaded), so that appending takes no time
        ready.append(next(source))
        rows += ready[-1].t.size
    with SessionWriter(path) as writer:
        rw = writer.start_run(config)
        for chunk in ready:
            rw.append(chunk)
        appended = rw.rows
        # nothing is written between flushes: right after the appends the file has no samples yet
        assert committed_rows(snapshot(path, tmp_path, "early.h5")) == 0
        time.sleep(3.0)  # the producer pauses without saying so: the wall-clock flush (≤ 2 s) still comes
        assert committed_rows(snapshot(path, tmp_path, "late.h5")) == appended
        while rw.rows < appended + 3000:
            rw.append(next(source))
        rw.flush()  # pause: everything so far is on disk at once
        paused = snapshot(path, tmp_path, "paused.h5")
        assert committed_rows(paused) == rw.rows
        with Session(paused) as s:
            r = s.run()
            assert r.status == "incomplete"  # the copy was taken while the writer still had the file
            np.testing.assert_array_equal(r.t, config.t0 + np.arange(rw.rows) * config.sample_interval)
        stop.set()
        last = None
        for chunk in source:
            rw.append(chunk)
            last = chunk
        rw.finish(last.status, last.message, steps=last.steps)
    with Session(path) as s:
        r = s.run()
        assert r.status == "stopped" and r.rows == rw.rows and r.steps == last.steps


def test_parameter_changes_and_warnings_are_kept(tmp_path):
    config = make_config("lorenz", preset="classic", t_end=5.0, samples=501)
    box = ParameterMailbox()
    box.post(rho=20.0, sigma=-1.0)
    path = tmp_path / "events.h5"
    record(config, path, mailbox=box)
    nlse = make_config("nlse", preset="soliton", n=32, t_end=0.1, samples=2)  # an under-resolved grid warns
    record(nlse, path)
    with Session(path) as s:
        events = s.run("run_001").events
        assert events[0]["applied"] == {"rho": 20.0}
        assert "sigma" in events[0]["refused"]
        messages = s.run("run_002").messages
        assert messages and "resolved" in " ".join(messages)


def test_one_writer_per_file(tmp_path):
    path = tmp_path / "owned.h5"
    with SessionWriter(path):
        with pytest.raises(SessionError, match=r"open in another process|one writer"):
            SessionWriter(path)
        with pytest.raises(SessionError, match=r"open in another process|one writer"):
            Session(path)


def test_appending_runs_and_refusing_foreign_files(tmp_path):
    config = make_config("logistic", params={"r": 3.7}, initial=[0.3], t_end=100, samples=101)
    path = tmp_path / "two.h5"
    assert record(config, path).run == "run_001"
    assert record(config, path).run == "run_002"
    with Session(path) as s:
        assert s.runs == ["run_001", "run_002"]
        np.testing.assert_array_equal(s.run("run_001")["x"][:], s.run("run_002")["x"][:])
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f["data"] = [1.0, 2.0]
    with pytest.raises(SessionError, match=r"not a Dynamics Explorer session.*refusing"):
        SessionWriter(foreign)
    text = tmp_path / "notes.h5"
    text.write_text("my notes")
    with pytest.raises(SessionError, match="not an HDF5 file; refusing"):
        SessionWriter(text)
    assert text.read_text() == "my notes"
    with pytest.raises(SessionError, match="exists already"):
        SessionWriter(path, mode="x")
