"""Parameter sweeps: a measure (Lyapunov exponents, orbit diagram, RQA,
final state, invariant drift) over a grid of parameter values, on worker
processes of this machine or on a Dask cluster, streamed into a session file.

::

    from explorer.sweep import sweep
    res = sweep("henon", {"a": (1.0, 1.4, 200), "b": (0.1, 0.3, 100)}, "lyapunov",
                t_end=2000, out="henon.h5")
    res["lyapunov"]            # (200, 100) array over (a, b); NaN where a point blew up
    res.status, res.errors      # per point: 1 ok, 2 non-finite, 3 error; messages
    res.config_at(17, 42)       # the RunConfig behind a pixel
    res.config_at(*res.nearest(a=1.3, b=0.2))

For a GUI: call :func:`sweep` (or :func:`build_spec` then :func:`run_sweep`)
on a worker thread with ``progress=`` a function of a :class:`SweepUpdate`
(the chunk's fresh arrays and ``fraction``) and ``stop=`` a
:class:`threading.Event`.  Running the same sweep into the same file again
resumes it: only the points not yet marked done are computed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .engine import SweepResult, SweepUpdate, run_sweep
from .measures import ERROR, MEASURES, NONFINITE, OK, PENDING, evaluate_points
from .spec import Axis, SweepSpec, build_spec, parse_axis

__all__ = [
    "ERROR",
    "MEASURES",
    "NONFINITE",
    "OK",
    "PENDING",
    "Axis",
    "SweepResult",
    "SweepSpec",
    "SweepUpdate",
    "build_spec",
    "evaluate_points",
    "load_sweep",
    "parse_axis",
    "run_sweep",
    "sweep",
]


def sweep(
    name: str,
    axes: Mapping[str, Sequence[float]] | Sequence[Axis | str],
    measure: str,
    *,
    options: Mapping[str, Any] | None = None,
    out: str | Path | None = None,
    sweep_name: str | None = None,
    workers: int | None = None,
    scheduler=None,
    chunk_size: int | None = None,
    progress: Callable[[SweepUpdate], None] | None = None,
    stop: threading.Event | None = None,
    **run: Any,
) -> SweepResult:
    """Compute ``measure`` at every point of a parameter grid of system ``name``.

    Parameters
    ----------
    axes : ``{"r": (start, stop, count)}`` (values by ``numpy.linspace``), or
        ``["r=2.5:4:1000", ...]`` as on the command line.  Points are
        numbered in C order (the last parameter fastest).
    measure : ``lyapunov``, ``orbit``, ``rqa``, ``final-state`` or
        ``invariant-drift`` (``MEASURES[m].options`` lists each one's options).
    options : the measure's options, e.g. ``{"points": 100, "transient": 500}``.
    out : a session file; results are written as chunks finish, and a file
        that already holds this very sweep is resumed.  ``sweep_name`` names
        the analysis (default ``sweep_001``, …).
    workers : processes on this machine (default: all cores; 0: run in this
        process).  ``scheduler``: a Dask scheduler address ``tcp://host:8786``
        (or a ``distributed.Client``) instead.
    chunk_size : points per task (default: adapted to about 0.5 s per task).
    progress : called in the calling thread after each finished chunk with a
        :class:`SweepUpdate`.
    stop : a :class:`threading.Event`; when set, no new chunk starts, running
        local chunks finish and are kept; the result then has
        ``stopped=True`` and status 0 at the points not computed.
    run : :func:`solvers.make_config` arguments shared by every point
        (``preset``, ``params``, ``t_end``, ``samples``, ``method``, ``dt``,
        ``rtol``, ``atol``, ``seed`` (default 0), ``initial``, ``domain``, ``n``).
    """
    spec = build_spec(name, axes, measure, options, **run)
    return run_sweep(
        spec,
        out=out,
        name=sweep_name,
        workers=workers,
        scheduler=scheduler,
        chunk_size=chunk_size,
        progress=progress,
        stop=stop,
    )


def load_sweep(path: str | Path, name: str | None = None) -> SweepResult:
    """Read a stored sweep (complete or not) back as a :class:`SweepResult`."""
    from .store import read_sweep

    return read_sweep(Path(path), name)
