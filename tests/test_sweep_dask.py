"""Sweeps on a Dask distributed cluster: a scheduler and two worker processes
started here on loopback give the numbers of one process, and a worker
killed mid-sweep loses no point."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest

from explorer.cli import main
from explorer.sweep import OK, build_spec, load_sweep, run_sweep

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as c:
        yield c


def test_dask_cluster_gives_the_numbers_of_one_process(cluster, tmp_path):
    spec = build_spec("henon", {"a": (1.0, 1.5, 6), "b": (0.1, 0.3, 3)}, "lyapunov", {"k": 2}, t_end=2000)
    inline = run_sweep(spec, workers=0)
    on_dask = run_sweep(spec, scheduler=cluster.scheduler_address, chunk_size=2, out=tmp_path / "d.h5")
    np.testing.assert_array_equal(on_dask["lyapunov"], inline["lyapunov"])  # NaN where the orbit escapes, too
    np.testing.assert_array_equal(on_dask.status, inline.status)
    assert on_dask.errors == inline.errors
    np.testing.assert_array_equal(load_sweep(tmp_path / "d.h5")["lyapunov"], inline["lyapunov"])
    # the command line, with the scheduler's address
    out = tmp_path / "cli.h5"
    code = main(
        ["sweep", "logistic", "--param", "r=2.5:4:30", "--measure", "orbit", "--opt", "points=16",
         "--scheduler", cluster.scheduler_address, "--out", str(out), "-q"]
    )  # fmt: skip
    assert code == 0
    local = run_sweep(build_spec("logistic", {"r": (2.5, 4.0, 30)}, "orbit", {"points": 16}), workers=0)
    np.testing.assert_array_equal(load_sweep(out)["orbit"], local["orbit"])


def test_killing_a_worker_mid_sweep_loses_no_point(cluster):
    spec = build_spec("henon", {"a": (1.0, 1.4, 5), "b": (0.1, 0.3, 4)}, "lyapunov", t_end=300_000)
    with distributed.Client(cluster, set_as_default=False) as client:
        client.wait_for_workers(2)
        pids = client.run(os.getpid)
        killed = []

        def kill_once(update):
            # a worker that is computing a chunk right now: its task is lost with it
            busy = [addr for addr, keys in client.processing().items() if keys]
            if not killed and busy:
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append(pids[busy[0]])

        res = run_sweep(spec, scheduler=client, chunk_size=1, progress=kill_once)
        assert killed  # the worker died while points were left
        client.wait_for_workers(2, timeout=60)  # the nanny started a new worker
        assert killed[0] not in client.run(os.getpid).values()
    assert res.complete and np.all(res.status == OK)
    np.testing.assert_array_equal(res["lyapunov"], run_sweep(spec, workers=0)["lyapunov"])
