"""``explorer sweep``: the command line of :mod:`explorer.sweep`.

``explorer sweep NAME --param NAME=START:STOP:COUNT [--param ...] --measure M
[--opt KEY=VALUE ...] [--out FILE.h5] [--workers N] [--scheduler ADDRESS] [-q]``
with the run options of ``explorer run`` (``--preset``, ``--set``,
``--t-end``, ``--samples``, ``--method``, ``--dt``, ...).  Ctrl-C stops the
sweep cleanly (exit 130); the same command again resumes it from its file.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

import numpy as np

from .measures import MEASURES, STATUS_NAMES


def add_parser(sub) -> None:
    """Add the ``sweep`` subcommand to the ``explorer`` subparsers."""
    options = "; ".join(f"{m.name}: {', '.join(m.options) or 'none'}" for m in MEASURES.values())
    p = sub.add_parser(
        "sweep",
        help="a measure over a grid of parameter values (local processes or a Dask cluster)",
        description="Compute a measure at every point of a parameter grid. Points run in worker processes "
        "(all cores by default) or on a Dask cluster (--scheduler); with --out the results stream into a "
        "session file, and running the same command again resumes an interrupted sweep.",
    )
    p.add_argument("name", help="a system of the catalog")
    p.add_argument(
        "--param", action="append", required=True, metavar="NAME=START:STOP:COUNT", help="a swept parameter (repeat)"
    )
    p.add_argument("--measure", required=True, choices=list(MEASURES))
    p.add_argument("--opt", action="append", metavar="KEY=VALUE", help=f"an option of the measure ({options})")
    p.add_argument("--out", type=Path, metavar="FILE.h5", help="stream the results into a session file (resumes)")
    p.add_argument("--sweep-name", help="name of the sweep in the file (default sweep_001, ...)")
    p.add_argument("--workers", type=int, help="worker processes (default: all cores; 0: in this process)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://host:8786")
    p.add_argument("--chunk-size", type=int, help="points per task (default: adapted to ~0.5 s per task)")
    p.add_argument("--preset")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="fix a parameter (repeatable)")
    p.add_argument("--t-end", help="duration (iterations for maps); the averaging time of lyapunov")
    p.add_argument("--samples", type=int, help="samples of each run (rqa)")
    p.add_argument("--method")
    p.add_argument("--dt", help="step of fixed-step methods")
    p.add_argument("--rtol")
    p.add_argument("--atol")
    p.add_argument("--seed", type=int, help="seed of every point (default 0)")
    p.add_argument("--n", type=int, help="PDEs: grid points per axis")
    p.add_argument("--domain", nargs=2, metavar=("A", "B"), help="PDEs: the interval [A, B)")
    p.add_argument("--json", action="store_true", help="also print the sweep's spec as JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_sweep)


def _value(text: str):
    """An option value typed on the command line: none, an int, a float, a
    JSON object (a Poincaré section) or else the string itself."""
    t = text.strip()
    if t.lower() in ("none", "null"):
        return None
    for conv in (int, float):
        try:
            return conv(t)
        except ValueError:
            pass
    if t.startswith("{"):
        try:
            return json.loads(t)
        except json.JSONDecodeError as exc:
            raise ValueError(f"--opt: {text!r} is not valid JSON ({exc})") from None
    return t


def _options(items) -> dict:
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--opt: {item!r} is not of the form key=value")
        out[key.strip()] = _value(value)
    return out


def cmd_sweep(args) -> int:
    from ..cli import EXIT_INTERRUPTED, _float, _parse_sets, _stop_on_signals
    from . import build_spec, run_sweep

    run = {
        "preset": args.preset,
        "params": _parse_sets(args.set or []) or None,
        "t_end": _float(args.t_end, "--t-end"),
        "samples": args.samples,
        "method": args.method,
        "dt": _float(args.dt, "--dt"),
        "rtol": _float(args.rtol, "--rtol"),
        "atol": _float(args.atol, "--atol"),
        "seed": args.seed,
        "n": args.n,
        "domain": None if args.domain is None else [_float(v, "--domain") for v in args.domain],
    }
    spec = build_spec(args.name, args.param, args.measure, _options(args.opt), **run)
    if args.json:
        print(spec.to_json())
    stop = threading.Event()
    bar = None

    def progress(update):
        nonlocal bar
        if args.quiet:
            return
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(
                total=update.total,
                initial=update.done - update.indices.size,
                unit=" points",
                file=sys.stderr,
                mininterval=0.25,
                dynamic_ncols=True,
                desc=f"{spec.system} {spec.measure}",
            )
        bar.update(update.indices.size)

    try:
        with _stop_on_signals(stop):
            result = run_sweep(
                spec,
                out=args.out,
                name=args.sweep_name,
                workers=args.workers,
                scheduler=args.scheduler,
                chunk_size=args.chunk_size,
                progress=progress,
                stop=stop,
            )
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if bar is not None:
            bar.close()
    print(summary(result, args.scheduler, args.workers))
    if stop.is_set() and not result.complete:
        return EXIT_INTERRUPTED
    return 1 if result.counts()["error"] else 0


def summary(result, scheduler=None, workers=None) -> str:
    spec = result.spec
    axes = ", ".join(f"{a.name} ({a.count} values {a.start:g} … {a.stop:g})" for a in spec.axes)
    counts = result.counts()
    parts = [f"{counts[STATUS_NAMES[s]]} {STATUS_NAMES[s]}" for s in (1, 2, 3) if counts[STATUS_NAMES[s]]]
    lines = [
        f"sweep    {spec.system}: {spec.measure} over {axes}",
        f"points   {result.done} of {spec.size} done" + (": " + ", ".join(parts) if parts else ""),
    ]
    for key, v in result.values.items():
        finite = v[np.isfinite(v)]
        if finite.size:
            lines.append(f"values   {key}: {finite.min():.6g} … {finite.max():.6g} (finite values)")
    for i, (flat, msg) in enumerate(sorted(result.errors.items())):
        if i == 3:
            lines.append(f"         … and {len(result.errors) - 3} more (the 'error' array of the file)")
            break
        point = ", ".join(f"{k}={v:.6g}" for k, v in spec.point(flat).items())
        lines.append(f"problem  {point}: {msg}")
    where = (
        f"on the Dask cluster {scheduler}"
        if scheduler
        else ("in this process" if workers == 0 else "on local worker processes")
    )
    lines.append(f"time     {result.wall_time:.3g} s {where}")
    if result.path is not None:
        lines.append(f"saved    {result.path}, analysis {result.name!r} (group analysis/{result.name})")
    if result.resumed:
        lines.append(f"resumed  {result.resumed} points were already done in the file")
    if not result.complete:
        lines.append("stopped  run the same command again to compute the remaining points")
    return "\n".join(lines)
