"""Session files: what the streaming writer costs a run, and how fast it writes.

1. Run throughput: the same run driven through ``solvers.run`` with its chunks
   discarded, and recorded into a session file by ``explorer.session.record``
   (file closed, so everything is written).  Ratio = time without / time with
   (goal ≥ 0.90).
2. Write throughput: the chunks of a run collected in memory first, then
   written (a) by ``SessionWriter`` and (b) by plain h5py appends: the same
   datasets, chunking and dtype, each chunk appended as it comes (resize +
   write per dataset), one flush at the end.  Ratio = h5py time / writer time
   (goal ≥ 0.80).

Each case alternates the variants and keeps the best of ``--repeat`` (3)
timings; files go to a temporary directory on the same disk as the system's
temp dir.  Run from the repository root::

    python benchmarks/session_io.py            # about a minute
    python benchmarks/session_io.py --quick    # smaller cases
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from explorer.session import SessionWriter, record
from explorer.session.schema import chunk_rows
from solvers.catalog import get_system
from solvers.pde import grid_of
from solvers.run import make_config, run


def cases(quick: bool):
    scale = 0.25 if quick else 1.0
    n_map = int(20_000_000 * scale)
    n_ode = int(4_000_000 * scale)
    return [
        (
            "logistic map, every iteration kept",
            make_config("logistic", params={"r": 3.9}, t_end=n_map, samples=n_map + 1),
        ),
        ("Lorenz dop853, dense output", make_config("lorenz", preset="classic", t_end=n_ode / 400, samples=n_ode + 1)),
        ("Lorenz dop853, default density", make_config("lorenz", preset="classic", t_end=50_000 * scale)),
        (
            "NLSE two solitons (complex 512)",
            make_config("nlse", preset="two_soliton", t_end=160 * scale, samples=int(16_000 * scale) + 1),
        ),
        ("Navier-Stokes 2-D 128²", make_config("navier_stokes_2d", t_end=20 * scale, samples=int(400 * scale) + 1)),
        ("galactic disk, 10⁵ particles", make_config("galactic_disk", t_end=1000 * scale)),
    ]


def drain(config) -> tuple[int, int]:
    rows = nbytes = 0
    for chunk in run(config):
        rows += chunk.t.size
        nbytes += chunk.y.nbytes
    return rows, nbytes


def time_it(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def run_throughput(label, config, folder: Path, repeat: int):
    drain(config)  # compile / load kernels
    path = folder / "with.h5"
    without, with_writer, cpu = [], [], []
    rows, nbytes = drain(config)

    def recorded():
        with SessionWriter(path, "w") as w:
            record(config, w)
        cpu.append(w.cpu_seconds)

    for _ in range(repeat):
        without.append(time_it(lambda: drain(config)))
        with_writer.append(time_it(recorded))
    path.unlink(missing_ok=True)
    a, b = min(without), min(with_writer)
    print(
        f"| {label:<34} | {rows:>9} | {nbytes / 1e6:6.1f} | {nbytes / 1e6 / a:6.0f} | {a:6.3f} | {b:6.3f} | "
        f"{min(cpu):6.3f} ({min(cpu) / a:4.0%}) | **{a / b:.2f}** |",
        flush=True,
    )
    return a / b


def raw_h5py(path: Path, config, chunks) -> None:
    """What a plain h5py writer does: the same datasets, appended chunk by chunk."""
    system = get_system(config.system)
    grid = grid_of(system, config)
    with h5py.File(path, "w", libver=("v108", "v108")) as f:
        g = f.create_group("run")
        first = chunks[0]
        split = system.split(first.y, config.params, grid)
        planned = config.samples
        t = g.create_dataset(
            "t", shape=(0,), maxshape=(None,), chunks=(min(chunk_rows(8, 1 << 19), planned),), dtype="f8"
        )
        sets = {}
        for name, a in split.items():
            parts = ("real", "imag") if np.iscomplexobj(a) else ("",)
            for part in parts:
                shape = a.shape[1:]
                rows = min(chunk_rows(8 * int(np.prod(shape, dtype=np.int64))), planned)
                sets[(name, part)] = g.create_dataset(
                    f"{name}_{part}" if part else name,
                    shape=(0, *shape),
                    maxshape=(None, *shape),
                    chunks=(rows, *shape),
                    dtype="f8",
                )
        quantities = [(f"invariant_{k}", v) for k, v in first.invariants.items()]
        quantities += [(f"observable_{k}", v) for k, v in first.observables.items()]
        made = {
            name: g.create_dataset(name, shape=(0, *v.shape[1:]), maxshape=(None, *v.shape[1:]), dtype="f8")
            for name, v in quantities
        }
        inv = {k: made[f"invariant_{k}"] for k in first.invariants}
        obs = {k: made[f"observable_{k}"] for k in first.observables}
        n = 0
        for c in chunks:
            k = c.t.size
            if not k:
                continue
            t.resize((n + k,))
            t[n:] = c.t
            for (name, part), ds in sets.items():
                a = system.split(c.y, config.params, grid)[name]
                a = a.real if part == "real" else a.imag if part == "imag" else a
                ds.resize(n + k, axis=0)
                ds[n:] = a
            for src, dsets in ((c.invariants, inv), (c.observables, obs)):
                for key, ds in dsets.items():
                    ds.resize(n + k, axis=0)
                    ds[n:] = src[key]
            n += k
        f.flush()


def write_throughput(label, config, folder: Path, repeat: int):
    chunks = [c for c in run(config) if c.t.size]
    nbytes = sum(c.y.nbytes + c.t.nbytes for c in chunks)
    ours, raw = [], []

    def writer():
        path = folder / "ours.h5"
        path.unlink(missing_ok=True)
        with SessionWriter(path) as w:
            rw = w.start_run(config)
            for c in chunks:
                rw.append(c)
            rw.finish("done")

    def plain():
        path = folder / "raw.h5"
        path.unlink(missing_ok=True)
        raw_h5py(path, config, chunks)

    for _ in range(repeat):
        ours.append(time_it(writer))
        raw.append(time_it(plain))
    a, b = min(ours), min(raw)
    print(
        f"| {label:<38} | {len(chunks):>6} | {nbytes / 1e6:8.1f} | {b:7.3f} | {a:7.3f} | {nbytes / 1e6 / a:8.0f} | "
        f"**{b / a:.2f}** |",
        flush=True,
    )
    return b / a


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller cases")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default=None, help="where to write the files (default: a temporary directory)")
    args = parser.parse_args(argv)
    print(
        f"# h5py {h5py.__version__}, HDF5 {h5py.version.hdf5_version}, numpy {np.__version__}, {os.cpu_count()} cores"
    )
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        print("\n## 1. Run throughput with the writer attached (goal ≥ 0.90)\n")
        print(
            "| case | samples | MB | MB/s produced | without [s] | with writer [s] | writer thread CPU [s] "
            "(of run time) | ratio |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        ratios = [run_throughput(label, cfg, folder, args.repeat) for label, cfg in cases(args.quick)]
        print(f"\nworst run-throughput ratio {min(ratios):.2f}")
        print("\n## 2. Write throughput against plain h5py appends (goal ≥ 0.80)\n")
        print("| data | chunks | MB | h5py [s] | writer [s] | writer MB/s | ratio |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        picked = [c for c in cases(args.quick) if not c[0].startswith("Lorenz dop853, default")]
        wratios = [write_throughput(label, cfg, folder, args.repeat) for label, cfg in picked]
        print(f"\nworst write-throughput ratio {min(wratios):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
