"""Diagnostics: Dynamics Explorer's implementations against the reference libraries.

Run from the repository root::

    python benchmarks/diagnostics.py            # every section present
    python benchmarks/diagnostics.py rqa        # one section (rqa, ordinal)
    python benchmarks/diagnostics.py --quick    # smaller sizes, one repeat

Everything runs in one process.  Numba kernels are compiled (or loaded from
the on-disk cache) by a warm-up call before anything is timed.  Each section
is a function ``bench_<name>(quick)`` listed in ``SECTIONS``.

RQA (``bench_rqa``): N = 10 000 delay-embedded Lorenz states (x, dimension 3,
delay 3 samples, sampled every 0.05 time units after a transient), Euclidean
norm, lmin = vmin = 2, pyunicorn's rules (strict "<", the LOI excluded from
the diagonal lines), once with a fixed threshold and once with a fixed
recurrence rate.  Ours: ``solvers.diagnostics.recurrence.rqa``; pyunicorn
1.0: ``RecurrencePlot(...)`` plus its RR, DET, L, Lmax, ENTR, LAM, TT, Vmax
and VENTR methods.  Both are timed end to end (input checks, threshold,
matrix or scan, all measures): ours best of 3, pyunicorn once.  Memory is
measured in separate, untimed runs, two ways:

- tracemalloc peak: the largest total of live Python/numpy allocations
  during the call (numpy reports its buffers to tracemalloc; allocations
  made inside numba kernels are not traced: ours are a 4 kB row buffer);
- maxrss delta: growth of the process's peak resident set size
  (``resource.getrusage``).  A peak only grows, so ours is measured first,
  then pyunicorn's growth above it.

The measures of both are compared (they must agree to round-off) and the
ratios printed.  Ours alone is also run at N = 50 000, where pyunicorn's
N×N float64 distance matrix alone would need 20 GB.

Ordinal patterns (``bench_ordinal``): N = 10⁶ samples of iid normal noise
and of the logistic map at r = 4; orders d = 3 … 6, delay 1.  Ours:
``solvers.diagnostics.ordinal.permutation_entropy`` and
``statistical_complexity`` (and the weighted permutation entropy at d = 4);
ordpy: ``permutation_entropy``, ``complexity_entropy`` and
``weighted_permutation_entropy``.  Both timed end to end from the array:
ours best of 7, ordpy best of 2 (once with --quick).  The values are
compared and the tracemalloc peaks measured in untimed runs.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numba  # noqa: E402
import numpy as np  # noqa: E402

import solvers  # noqa: E402


def machine_line():
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = "?"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"Python {platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}, "
        f"{os.cpu_count()} CPUs, load average {load:.2f}, commit {commit}"
    )


def maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: kB


def best_time(fn, repeats):
    best = float("inf")
    out = None
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def traced_peak_mb(fn):
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


# --------------------------------------------------------------------------
# RQA against pyunicorn


def lorenz_embedding(n, dim=3, delay=3, dt=0.05, transient=50.0):
    skip = round(transient / dt)
    samples = n + (dim - 1) * delay + skip
    r = solvers.simulate("lorenz", preset="classic", t_end=dt * (samples - 1), samples=samples)
    s = r["x"][skip:]
    states = np.column_stack([s[k * delay : k * delay + n] for k in range(dim)])
    # pyunicorn stores its input as float32: give both the same numbers
    return states.astype(np.float32).astype(np.float64)


def pyunicorn_rqa(X, **threshold):
    from pyunicorn.timeseries import RecurrencePlot

    rp = RecurrencePlot(X, metric="euclidean", silence_level=2, **threshold)
    return {
        "RR": rp.recurrence_rate(),
        "DET": rp.determinism(2),
        "L": rp.average_diaglength(2),
        "Lmax": int(rp.max_diaglength()),
        "ENTR": rp.diag_entropy(2),
        "LAM": rp.laminarity(2),
        "TT": rp.trapping_time(2),
        "Vmax": int(rp.max_vertlength()),
        "VENTR": rp.vert_entropy(2),
    }


def bench_rqa(quick=False):
    import pyunicorn

    from solvers.diagnostics import recurrence as rq

    n = 3000 if quick else 10_000
    repeats = 1 if quick else 3
    print(f"\n## RQA: ours vs pyunicorn {pyunicorn.__version__}, N = {n} Lorenz states (x, d = 3, delay 3)")
    X = lorenz_embedding(n)
    rq.rqa(X[:300], eps=2.0)  # warm-up: compile or load the kernels
    rq.rqa(X[:2000], recurrence_rate=0.05)
    cases = [
        ("eps = 2.0", {"eps": 2.0}, {"threshold": 2.0}),
        ("RR = 0.05", {"recurrence_rate": 0.05}, {"recurrence_rate": 0.05}),
    ]
    # memory first, in untimed runs: all of ours, then pyunicorn's (the peak RSS only grows)
    rss = [("baseline", maxrss_mb())]
    ours_trace = [traced_peak_mb(lambda kw=kw: rq.rqa(X, **kw)) for _, kw, _ in cases]
    rss.append(("after ours (both cases)", maxrss_mb()))
    pyu_trace = []
    for label, _, kw in cases:
        pyu_trace.append(traced_peak_mb(lambda kw=kw: pyunicorn_rqa(X, **kw)))
        rss.append((f"after pyunicorn {label}", maxrss_mb()))
    rows = []
    for (label, ours_kw, pyu_kw), m_o, m_p in zip(cases, ours_trace, pyu_trace):
        t_ours, ours = best_time(lambda kw=ours_kw: rq.rqa(X, **kw), repeats)
        t_pyu, ref = best_time(lambda kw=pyu_kw: pyunicorn_rqa(X, **kw), 1)
        diff = max(abs(ours[k] - ref[k]) / max(abs(ref[k]), 1e-300) for k in ref)
        rows.append((label, t_ours, t_pyu, m_o, m_p, diff, ours))
    print(
        "| threshold | ours [s] | pyunicorn [s] | speed-up | traced peak ours / pyunicorn [MB] | ratio | max rel diff |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, t_o, t_p, m_o, m_p, diff, _ in rows:
        speed, memory = f"{t_p / t_o:.0f}×", f"{m_o:.2f} / {m_p:.0f} | {m_p / m_o:.0f}×"
        print(f"| {label} | {t_o:.3f} | {t_p:.2f} | {speed} | {memory} | {diff:.1e} |")
    print("peak RSS of the process [MB]: " + "; ".join(f"{k} {v:.0f}" for k, v in rss))
    for label, *_, ours in rows:
        shown = ", ".join(f"{k} {ours[k]:.6g}" for k in rq.MEASURES)
        print(f"  {label}: {shown}, eps {ours['eps']:.6g}")

    big = 20_000 if quick else 50_000
    print(f"\n## RQA, ours only: N = {big} (pyunicorn's N×N float64 distances alone: {big * big * 8 / 1e9:.0f} GB)")
    Xb = lorenz_embedding(big)
    print("| threshold | time [s] | traced peak [MB] | RR | DET | Lmax | LAM |")
    print("|---|---|---|---|---|---|---|")
    for label, kw in (("eps = 2.0", {"eps": 2.0}), ("RR = 0.05", {"recurrence_rate": 0.05})):
        t, out = best_time(lambda kw=kw: rq.rqa(Xb, **kw), 1)
        peak = traced_peak_mb(lambda kw=kw: rq.rqa(Xb, **kw)) if not quick else float("nan")
        shown = f"{out['RR']:.5f} | {out['DET']:.4f} | {out['Lmax']} | {out['LAM']:.4f}"
        print(f"| {label} | {t:.2f} | {peak:.1f} | {shown} |")
    return rows


# --------------------------------------------------------------------------
# Ordinal patterns against ordpy

ORDINAL_N = 1_000_000


def bench_ordinal(quick=False):
    from importlib.metadata import version

    import ordpy

    from solvers.diagnostics import ordinal

    orders = (3, 4) if quick else (3, 4, 5, 6)
    ref_repeats = 1 if quick else 2
    print(f"\n## Ordinal patterns: ours vs ordpy {version('ordpy')}, N = {ORDINAL_N}, delay 1")
    series = {"iid normal": np.random.default_rng(0).standard_normal(ORDINAL_N)}
    logistic = solvers.simulate("logistic", preset="chaotic", t_end=ORDINAL_N - 1, samples=ORDINAL_N)
    series["logistic r = 4"] = logistic["x"]
    ordinal.statistical_complexity(series["iid normal"][:1000], 3)  # warm-up: compile or load the kernels
    ordinal.permutation_entropy(series["iid normal"][:1000], 3, weighted=True)

    def cases(x, d):
        out = [
            ("PE", partial(ordinal.permutation_entropy, x, d), partial(ordpy.permutation_entropy, x, dx=d)),
            ("(H, C)", partial(ordinal.statistical_complexity, x, d), partial(ordpy.complexity_entropy, x, dx=d)),
        ]
        if d == 4:
            ours = partial(ordinal.permutation_entropy, x, d, weighted=True)
            out.append(("weighted PE", ours, partial(ordpy.weighted_permutation_entropy, x, dx=d)))
        return out

    rows = []
    print("| series | measure | d | ours [ms] | ordpy [ms] | speed-up | traced peak ours / ordpy [MB] | max abs diff |")
    print("|---|---|---|---|---|---|---|---|")
    for name, x in series.items():
        for d in orders:
            for measure, ours, ref in cases(x, d):
                t_ours, v_ours = best_time(ours, 7)
                t_ref, v_ref = best_time(ref, ref_repeats)
                m_ours = traced_peak_mb(ours)
                m_ref = traced_peak_mb(ref) if not quick else float("nan")
                diff = float(np.max(np.abs(np.subtract(v_ours, v_ref))))
                rows.append((name, measure, d, t_ours, t_ref, diff))
                print(
                    f"| {name} | {measure} | {d} | {t_ours * 1e3:.1f} | {t_ref * 1e3:.0f} | {t_ref / t_ours:.0f}× "
                    f"| {m_ours:.1f} / {m_ref:.0f} | {diff:.1e} |"
                )
    worst = min(r[4] / r[3] for r in rows)
    print(f"smallest speed-up {worst:.0f}× (goal ≥ 50×): {'met' if worst >= 50 else 'NOT met'}")
    return rows


SECTIONS = {"rqa": bench_rqa, "ordinal": bench_ordinal}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sections", nargs="*", help=f"sections to run (default: all of {sorted(SECTIONS)})")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one repeat")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.sections) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections {unknown}; available: {sorted(SECTIONS)}")
    print(machine_line())
    for name in args.sections or list(SECTIONS):
        SECTIONS[name](quick=args.quick)


if __name__ == "__main__":
    main()
