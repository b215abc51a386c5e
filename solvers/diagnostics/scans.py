"""Parameter scans: orbit (bifurcation) diagrams and the largest Lyapunov
exponent along a range of one parameter.

* Maps: after ``transient`` iterations the next ``points`` iterates of one
  variable are kept for each parameter value (May, Nature 261, 459–467
  (1976); Feigenbaum, J. Stat. Phys. 19, 25–52 (1978)).
* Flows: after a ``transient`` time, the values of one variable at ``points``
  crossings of a Poincaré section, or at ``points`` local maxima (minima) of
  that variable (Lorenz's "next maximum" construction, J. Atmos. Sci. 20, 130
  (1963)), located on the dense output (:mod:`solvers.diagnostics.sections`).
* The largest Lyapunov exponent: :func:`solvers.lyapunov_spectrum` with k = 1
  for each value (Benettin et al., Meccanica 15, 9 (1980)).

Every value starts from the same initial state (no continuation), so the
values are independent tasks: they run in a
:class:`concurrent.futures.ThreadPoolExecutor` (the kernels release the GIL,
so the threads use the cores in parallel).  ``progress(fraction)`` is called
in the calling thread after each value is done; setting ``stop`` (a
:class:`threading.Event`) ends the scan early, keeping the values completed
so far.

Two helpers read periods off the points: :func:`distinct_values` counts the
clusters of values (the period of an attracting cycle of a 1-D map) and
:func:`orbit_period` finds the smallest p with x[k + p] ≈ x[k].
"""

from __future__ import annotations

import math
import numbers
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

import numpy as np

from ..catalog import get_system
from ..integrators.events import PLANE, VELOCITY_PLANE
from ..integrators.explicit_rk import NONFINITE
from ..integrators.maps import iterate
from ..lyapunov import lyapunov_spectrum
from ..run import make_config
from ..spec import System
from . import sections

__all__ = ["distinct_values", "lyapunov_scan", "orbit_diagram", "orbit_period"]

# The most (parameter, value) points one diagram may hold.
MAX_POINTS = 50_000_000


class _Halt:
    """A stop flag set either by the caller or by the scan itself (when a
    task failed and the others should end)."""

    def __init__(self, outer: threading.Event | None):
        self.outer = outer
        self.inner = threading.Event()

    def is_set(self) -> bool:
        return self.inner.is_set() or (self.outer is not None and self.outer.is_set())


def _values(system: System, param: str, values) -> np.ndarray:
    par = system.parameter(param)
    if par.kind == "choice" or par.structural:
        raise ValueError(
            f"param: {param!r} of {system.name!r} cannot be scanned "
            f"({'a choice' if par.kind == 'choice' else 'it changes the size of the state'})"
        )
    try:
        v = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"values: {values!r} is not a sequence of numbers") from None
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"values: expected a non-empty 1-D sequence of numbers, got shape {v.shape}")
    for x in v:
        par.validate(float(x) if par.kind == "float" else x, system.name)
    return v


def _workers(workers, count: int) -> int:
    if workers is None:
        workers = os.cpu_count() or 1
    if isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or workers < 1:
        raise ValueError(f"workers: {workers!r} is not allowed; expected a positive integer or None")
    return int(min(workers, count))


def _positive_int(label: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{label}: {value!r} is not allowed; expected a positive integer")
    return int(value)


def _run_tasks(tasks: Sequence[Callable[[_Halt], Any]], workers: int, progress, stop) -> list:
    """Run the tasks (each takes the halt flag) on a thread pool; results in
    task order, None for tasks that did not finish because of ``stop``."""
    if progress is not None and not callable(progress):
        raise ValueError(f"progress: {progress!r} is not callable; expected a function of the fraction done")
    halt = _Halt(stop)
    results: list = [None] * len(tasks)
    total = len(tasks)
    done = 0
    if workers == 1:
        for i, task in enumerate(tasks):
            if halt.is_set():
                break
            results[i] = task(halt)
            done += 1
            if progress is not None:
                progress(done / total)
        return results
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scan") as pool:
        futures = {pool.submit(task, halt): i for i, task in enumerate(tasks)}
        try:
            for fut in as_completed(futures):
                results[futures[fut]] = fut.result()
                done += 1
                if progress is not None:
                    progress(done / total)
        except BaseException:
            halt.inner.set()
            for fut in futures:
                fut.cancel()
            raise
    return results


def _setup(system, preset, params, initial, seed, param, value):
    cfg = make_config(
        system, preset=preset, params={**(params or {}), param: value}, initial=initial, t_end=1, samples=2, seed=seed
    )
    y0 = (
        np.asarray(cfg.initial, dtype=np.float64)
        if cfg.initial is not None
        else system.make_initial(cfg.params, cfg.seed)
    )
    return cfg.params, np.ascontiguousarray(y0, dtype=np.float64).copy()


def _map_points(system, y0, p, transient: int, points: int, index: int, halt: _Halt) -> np.ndarray | None:
    """``points`` iterates of variable ``index`` after ``transient`` iterations
    (None when stopped; the iterates before a blow-up when the orbit diverges)."""
    n = y0.size
    y = y0.copy()
    tmp = np.empty(n)
    info = np.zeros(8)
    max_steps = 1 << 16
    first = np.array([float(transient)])
    out1 = np.empty((1, n))
    while True:
        if halt.is_set():
            return None
        started = time.perf_counter()
        status = iterate(system.rhs, y, p, first, out1, max_steps, tmp, info)
        if status == NONFINITE:
            return np.empty(0)
        if int(info[2]) == 1:
            break
        max_steps = int(min(max(1024, max_steps * 0.02 / max(time.perf_counter() - started, 1e-6)), 1 << 26))
    targets = transient + 1.0 + np.arange(points, dtype=np.float64)
    out = np.empty((points, n))
    i = 0
    while i < points:
        if halt.is_set():
            return None
        status = iterate(system.rhs, y, p, targets[i:], out[i:], max_steps, tmp, info)
        i += int(info[2])
        if status == NONFINITE:
            break
    return out[:i, index].copy()


def orbit_diagram(
    name: str | System,
    param: str,
    values: Sequence[float] | np.ndarray,
    *,
    variable: str | None = None,
    transient: float | None = None,
    points: int = 200,
    section: Mapping[str, Any] | None = None,
    which: str = "max",
    t_end: float | None = None,
    preset: str | None = None,
    params: Mapping[str, Any] | None = None,
    initial: Sequence[float] | np.ndarray | None = None,
    seed: int | None = None,
    rtol: float = 1e-9,
    atol: float = 1e-12,
    workers: int | None = None,
    progress: Callable[[float], None] | None = None,
    stop: threading.Event | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Orbit (bifurcation) diagram of a map or a flow over values of one parameter.

    Parameters
    ----------
    name : a map or flow of the catalog (or a :class:`~solvers.spec.System`).
    param : the parameter scanned; ``values`` its values (each checked
        against the parameter's bounds).
    variable : the variable plotted (default: the first).
    transient : maps: iterations discarded (default 1000); flows: time
        discarded (default the system's ``default_t_end``).
    points : maps: iterates kept per value (default 200); flows: section
        crossings or extrema kept per value.
    section : flows only: ``{"normal": ..., "offset": ..., "direction": ...}``
        as for :func:`solvers.diagnostics.sections.poincare_section`; the
        diagram shows ``variable`` at the crossings.  None (default): the
        local maxima of ``variable`` (``which="min"``: minima).
    t_end : flows: the longest integration per value (from t = 0); default
        ``transient + 100 × default_t_end``.  Fewer than ``points`` points
        are kept for a value whose orbit crosses less often (a fixed point
        has no maxima).
    preset, params, initial, seed : as for :func:`solvers.simulate`; every
        value starts from the same initial state.
    rtol, atol : tolerances of the DOP853 integration of flows.
    workers : threads (default: the number of cores).
    progress : called with the fraction of values done (0 < f ≤ 1).
    stop : a :class:`threading.Event`; when set, the values not yet done are
        left out.

    Returns
    -------
    (p, v) : 1-D arrays of equal length, one entry per point: the parameter
        value and the variable's value.  Points come in the order of
        ``values``.  A value whose orbit blows up contributes the points
        before the blow-up.
    """
    system = get_system(name)
    if system.kind not in ("map", "flow"):
        raise ValueError(f"name: orbit diagrams are offered for maps and flows, not for the {system.kind} {name!r}")
    vals = _values(system, param, values)
    points = _positive_int("points", points)
    if vals.size * points > MAX_POINTS:
        raise ValueError(
            f"points: {vals.size} values × {points} points exceeds the memory bound of {MAX_POINTS} points; "
            "ask for fewer"
        )
    nworkers = _workers(workers, vals.size)
    setups = [_setup(system, preset, params, initial, seed, param, float(v)) for v in vals]
    full0 = setups[0][0]
    variable = system.variables[0].name if variable is None else variable
    index = sections._variable_index(system, full0, variable)
    if system.kind == "map":
        if section is not None or t_end is not None:
            raise ValueError(f"section and t_end: {system.name!r} is a map; they apply to flows only")
        transient = 1000 if transient is None else transient
        if isinstance(transient, bool) or not isinstance(transient, numbers.Real) or transient < 0:
            raise ValueError(f"transient: {transient!r} is not allowed; expected a whole number of iterations ≥ 0")
        if transient != int(transient):
            raise ValueError(f"transient: {transient!r} must be a whole number of iterations for a map")
        transient = int(transient)

        def task_for(full, y0):
            p = system.pack(full)
            return lambda halt: _map_points(system, y0, p, transient, points, index, halt)

    else:
        transient = system.default_t_end if transient is None else transient
        transient = sections._nonneg("transient", transient)
        rtol, atol = sections._tolerances(rtol, atol, "dop853")
        if t_end is None:
            t_end = transient + sections.DEFAULT_TIME_FACTOR * system.default_t_end
        t_end, limit = sections._limits(system, points, t_end, transient, sections.MAX_CROSSINGS)
        n = setups[0][1].size
        if section is None:
            if which not in ("max", "min"):
                raise ValueError(f"which: {which!r} is not allowed; expected 'max' or 'min'")
            nvec = sections._normal_vector(system, full0, variable, n)
            offset, mode, direction = 0.0, VELOCITY_PLANE, (-1 if which == "max" else 1)
        else:
            if (
                not isinstance(section, Mapping)
                or "normal" not in section
                or set(section)
                - {
                    "normal",
                    "offset",
                    "direction",
                }
            ):
                raise ValueError(
                    f"section: {section!r} is not allowed; expected a dict with 'normal' and optionally "
                    "'offset' and 'direction'"
                )
            nvec = sections._normal_vector(system, full0, section["normal"], n)
            offset = section.get("offset", 0.0)
            if isinstance(offset, bool) or not isinstance(offset, numbers.Real) or not math.isfinite(offset):
                raise ValueError(f"section: offset {offset!r} is not allowed; expected a finite number")
            mode, direction = PLANE, sections._direction(section.get("direction", 1))

        def task_for(full, y0):
            p = system.pack(full)

            def task(halt):
                _, states, status = sections.crossings(
                    system,
                    y0,
                    p,
                    nvec,
                    float(offset),
                    mode,
                    direction,
                    t_end,
                    transient,
                    limit,
                    rtol=rtol,
                    atol=atol,
                    stop=halt,
                )
                return None if status == "stopped" else states[:, index].copy()

            return task

    results = _run_tasks([task_for(full, y0) for full, y0 in setups], nworkers, progress, stop)
    ps, vs = [], []
    for value, res in zip(vals, results):
        if res is None:
            continue
        ps.append(np.full(res.size, value))
        vs.append(res)
    if not ps:
        return np.empty(0), np.empty(0)
    return np.concatenate(ps), np.concatenate(vs)


def lyapunov_scan(
    name: str | System,
    param: str,
    values: Sequence[float] | np.ndarray,
    *,
    t_end: float,
    transient: float | None = None,
    dt: float | None = None,
    preset: str | None = None,
    params: Mapping[str, Any] | None = None,
    initial: Sequence[float] | np.ndarray | None = None,
    seed: int | None = None,
    workers: int | None = None,
    progress: Callable[[float], None] | None = None,
    stop: threading.Event | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The largest Lyapunov exponent for each value of one parameter.

    Each value is :func:`solvers.lyapunov_spectrum` with ``k=1``: the tangent
    dynamics averaged over ``t_end`` (iterations for maps) after a
    ``transient`` (default 10% of ``t_end``), flows with the fixed step ``dt``
    (default the system's ``default_dt``).  Units: 1/(time unit), or per
    iteration for maps.

    Returns ``(values, exponents)``; an exponent is NaN where the scan was
    stopped before that value finished or where the orbit blew up.
    ``workers``, ``progress`` and ``stop`` as for :func:`orbit_diagram`.
    """
    system = get_system(name)
    if system.kind not in ("map", "flow"):
        raise ValueError(f"name: Lyapunov exponents are offered for maps and flows, not for the {system.kind} {name!r}")
    vals = _values(system, param, values)
    nworkers = _workers(workers, vals.size)
    for v in vals:  # validate everything before starting any work
        _setup(system, preset, params, initial, seed, param, float(v))
    if isinstance(t_end, bool) or not isinstance(t_end, numbers.Real) or not math.isfinite(t_end) or t_end <= 0:
        raise ValueError(f"t_end: {t_end!r} is not allowed; expected a positive finite averaging time")

    def task_for(value):
        def task(halt):
            try:
                exps = lyapunov_spectrum(
                    system,
                    preset=preset,
                    params={**(params or {}), param: value},
                    initial=initial,
                    t_end=t_end,
                    transient=transient,
                    dt=dt,
                    k=1,
                    seed=seed,
                    stop=halt,
                )
            except (InterruptedError, FloatingPointError):
                return math.nan
            return float(exps[0])

        return task

    results = _run_tasks([task_for(float(v)) for v in vals], nworkers, progress, stop)
    return vals.copy(), np.array([math.nan if r is None else r for r in results], dtype=np.float64)


def distinct_values(x, tol: float) -> int:
    """The number of clusters in ``x``: sorted values more than ``tol`` apart
    start a new cluster.  For the points of an attracting cycle of a 1-D map
    this is its period (a chaotic band gives a large count).  ``tol`` is an
    absolute distance in the units of ``x``; near a bifurcation the points
    converge slowly, so choose ``tol`` above the residual of the transient
    and below the splitting you want to see."""
    a = np.asarray(x, dtype=np.float64).ravel()
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not tol >= 0 or math.isinf(tol):
        raise ValueError(f"tol: {tol!r} is not allowed; expected a finite number ≥ 0")
    a = a[np.isfinite(a)]
    if a.size == 0:
        return 0
    a = np.sort(a)
    return int(1 + np.count_nonzero(np.diff(a) > tol))


def orbit_period(x, tol: float, max_period: int | None = None) -> int:
    """The smallest p ≥ 1 with |x[k + p] − x[k]| ≤ ``tol`` for every k (x of
    shape (N,) or (N, d), the max-norm over the d components); 0 when no p up
    to ``max_period`` (default N // 2) fits."""
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2 or a.shape[0] < 2:
        raise ValueError(f"x: expected at least 2 points of shape (N,) or (N, d), got shape {np.shape(x)}")
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not tol >= 0 or math.isinf(tol):
        raise ValueError(f"tol: {tol!r} is not allowed; expected a finite number ≥ 0")
    N = a.shape[0]
    max_period = N // 2 if max_period is None else max_period
    if isinstance(max_period, bool) or not isinstance(max_period, numbers.Integral) or not 1 <= max_period < N:
        raise ValueError(f"max_period: {max_period!r} is not allowed; expected an integer in [1, {N - 1}]")
    for p in range(1, int(max_period) + 1):
        if np.max(np.abs(a[p:] - a[:-p])) <= tol:
            return p
    return 0
