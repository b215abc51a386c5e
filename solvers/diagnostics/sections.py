"""Poincaré sections and local extrema of flows, located on the dense output.

A Poincaré section is the set of points where an orbit crosses a hyperplane
n·y = c in a chosen direction (Poincaré, *Les méthodes nouvelles de la
mécanique céleste*, 1892–1899; Hénon, Physica D 5, 412–414 (1982) for the
idea of locating the crossing inside an integration step).  Here the orbit is
integrated by the adaptive Dormand–Prince 8(5,3) pair (or 5(4)), the same
stepping as :func:`solvers.simulate` and scipy's ``solve_ivp``, and each
crossing is the root of g(θ) = n·y(θ) − c on the step's dense-output
interpolant (degree 7 for DOP853: Hairer, Nørsett & Wanner, *Solving Ordinary
Differential Equations I*, 2nd ed., Springer 1993, §II.6), found by a
bracketing Illinois iteration to a few ulps of the step.  A crossing time is
therefore as accurate as the integration (rtol/atol), not limited by a
sampling interval.

Local maxima (minima) of a variable are the crossings of dx_i/dt = 0 from
positive to negative (negative to positive), located the same way on the
interpolant (:func:`extrema`).

The kernel is :func:`solvers.integrators.events.erk_events` (nogil, cached,
bounded work per call); these functions drive it in chunks of ~20 ms and
check a stop flag between them.
"""

from __future__ import annotations

import math
import numbers
import threading
import time
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..catalog import get_system
from ..integrators import METHODS, Stepper
from ..integrators.events import FULL, MAX_PER_STEP, PLANE, VELOCITY_PLANE, erk_events
from ..integrators.explicit_rk import NONFINITE, OK, PAUSED, UNDERFLOW
from ..run import make_config
from ..spec import System

__all__ = ["extrema", "poincare_section"]

# The most crossings one call keeps (rows × state size × 8 bytes of memory).
MAX_CROSSINGS = 1_000_000
# A run asked for n crossings without a t_end stops at transient + this many
# times the system's default run length, so that an orbit that never crosses
# cannot hang the call.
DEFAULT_TIME_FACTOR = 100.0
_BUFFER_ROWS = 4096
_ADAPTIVE = ("dop853", "dopri5")


def _flow(name: str | System, preset, params, initial, seed, what: str):
    system = get_system(name)
    if system.kind not in ("flow", "ensemble"):
        raise ValueError(
            f"name: {system.name!r} is a {system.kind}; {what} are defined for flows "
            "(for maps use solvers.diagnostics.scans.orbit_diagram)"
        )
    cfg = make_config(system, preset=preset, params=params, initial=initial, t_end=1, samples=2, seed=seed)
    y0 = (
        np.asarray(cfg.initial, dtype=np.float64)
        if cfg.initial is not None
        else system.make_initial(cfg.params, cfg.seed)
    )
    return system, cfg.params, np.ascontiguousarray(y0, dtype=np.float64).copy()


def _variable_index(system: System, params: Mapping[str, Any], variable: str) -> int:
    i = 0
    for (vname, size), var in zip(system.layout(params), system.variables):
        if vname == variable:
            if size != 1 or var.complex:
                raise ValueError(f"variable: {variable!r} is a block of {size} values; name a scalar variable")
            return i
        i += size
    raise ValueError(
        f"variable: {variable!r} is not a variable of {system.name!r}; choose one of "
        + ", ".join(repr(v.name) for v in system.variables)
    )


def _normal_vector(system: System, params, normal, n: int) -> np.ndarray:
    if isinstance(normal, str):
        v = np.zeros(n)
        v[_variable_index(system, params, normal)] = 1.0
        return v
    if isinstance(normal, Mapping):
        v = np.zeros(n)
        for key, coef in normal.items():
            if isinstance(coef, bool) or not isinstance(coef, numbers.Real) or not math.isfinite(coef):
                raise ValueError(f"normal: the coefficient of {key!r} is {coef!r}; expected a finite number")
            v[_variable_index(system, params, key)] += float(coef)
    else:
        try:
            v = np.asarray(normal, dtype=np.float64).ravel()
        except (TypeError, ValueError):
            raise ValueError(
                f"normal: {normal!r} is not allowed; give a variable name, a dict {{name: coefficient}} or {n} numbers"
            ) from None
        if v.size != n:
            raise ValueError(f"normal: {v.size} numbers given, but the state of {system.name!r} has {n} values")
    if not np.all(np.isfinite(v)) or not np.any(v != 0.0):
        raise ValueError(f"normal: {normal!r} is not allowed; expected a finite, non-zero vector")
    return np.ascontiguousarray(v)


def _direction(direction) -> int:
    if direction == "both":
        return 0
    if isinstance(direction, bool) or direction not in (1, -1, 0):
        raise ValueError(f"direction: {direction!r} is not allowed; expected +1, -1 or 0 ('both')")
    return int(direction)


def _nonneg(label: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0 or math.isinf(value):
        raise ValueError(f"{label}: {value!r} is not allowed; expected a finite number ≥ 0")
    return float(value)


def _tolerances(rtol, atol, method):
    for label, value in (("rtol", rtol), ("atol", atol)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not (0 < value < 1):
            raise ValueError(f"{label}: {value!r} is not allowed; expected a number in (0, 1)")
    if rtol < 1e-15:
        raise ValueError(f"rtol: {rtol!r} is below what float64 can deliver; use rtol ≥ 1e-15")
    if method not in _ADAPTIVE:
        raise ValueError(f"method: {method!r} is not allowed; choose one of {', '.join(map(repr, _ADAPTIVE))}")
    return float(rtol), float(atol)


def _limits(system, n_crossings, t_end, transient, max_crossings):
    if n_crossings is not None and (
        isinstance(n_crossings, bool) or not isinstance(n_crossings, numbers.Integral) or n_crossings < 1
    ):
        raise ValueError(f"n_crossings: {n_crossings!r} is not allowed; expected a positive integer or None")
    if (
        isinstance(max_crossings, bool)
        or not isinstance(max_crossings, numbers.Integral)
        or not 1 <= max_crossings <= MAX_CROSSINGS
    ):
        raise ValueError(
            f"max_crossings: {max_crossings!r} is not allowed; expected an integer in [1, {MAX_CROSSINGS}]"
        )
    if n_crossings is not None and n_crossings > max_crossings:
        raise ValueError(
            f"n_crossings: {n_crossings} is more than max_crossings = {max_crossings} (memory bound); "
            f"raise max_crossings (at most {MAX_CROSSINGS}) or ask for fewer"
        )
    if t_end is None:
        if n_crossings is None:
            raise ValueError("t_end and n_crossings: give at least one of them (both None would never end)")
        t_end = transient + DEFAULT_TIME_FACTOR * system.default_t_end
    elif isinstance(t_end, bool) or not isinstance(t_end, numbers.Real) or not math.isfinite(t_end) or t_end <= 0:
        raise ValueError(f"t_end: {t_end!r} is not allowed; expected a positive finite time")
    t_end = float(t_end)
    if transient >= t_end:
        raise ValueError(f"transient: {transient!r} is not allowed; it must be shorter than t_end = {t_end!r}")
    limit = max_crossings if n_crossings is None else int(n_crossings)
    return t_end, limit


def crossings(
    system: System,
    y0: np.ndarray,
    p: np.ndarray,
    normal: np.ndarray,
    offset: float,
    mode: int,
    direction: int,
    t_end: float,
    t_min: float,
    limit: int,
    *,
    method: str = "dop853",
    rtol: float = 1e-10,
    atol: float = 1e-12,
    stop: threading.Event | None = None,
    chunk_seconds: float = 0.02,
) -> tuple[np.ndarray, np.ndarray, str]:
    """The engine of :func:`poincare_section` and :func:`extrema` on
    validated arguments: returns (times, states, status) with status ``done``,
    ``limit`` (``limit`` crossings reached), ``stopped`` or ``blow-up``."""
    n = y0.size
    st = Stepper(METHODS[method], system.rhs, y0, p, 0.0, None, rtol, atol, t_end)
    w = st.work  # the adaptive pair's buffers, shared with the plain kernel
    A, b, c, E, E3, P, Ax, Cx, D = w.tableau_arrays
    rows = int(min(_BUFFER_ROWS, limit + MAX_PER_STEP))
    ev_t = np.empty(rows)
    ev_y = np.empty((rows, n))
    got_t: list[np.ndarray] = []
    got_y: list[np.ndarray] = []
    count = 0
    max_steps = 64
    status_text = "done"
    while True:
        if stop is not None and stop.is_set():
            status_text = "stopped"
            break
        started = time.perf_counter()
        status = erk_events(
            system.rhs,
            w.family_code,
            w.order,
            A,
            b,
            c,
            E,
            E3,
            P,
            Ax,
            Cx,
            D,
            st.y,
            st.p,
            normal,
            float(offset),
            int(mode),
            int(direction),
            rtol,
            atol,
            t_end,
            float(t_min),
            int(max_steps),
            w.fy,
            w.y_old,
            w.K,
            w.F,
            w.ynew,
            w.tmp,
            w.scale,
            ev_t,
            ev_y,
            st.info,
        )
        elapsed = time.perf_counter() - started
        k = int(st.info[2])
        if k:
            got_t.append(ev_t[:k].copy())
            got_y.append(ev_y[:k].copy())
            count += k
        taken = int(st.info[3])
        if taken > 0 and elapsed > 0:
            max_steps = int(min(max(16, taken * chunk_seconds / elapsed), 4 * max_steps, 10**8))
        if count >= limit:
            status_text = "limit"
            break
        if status == OK:
            break
        if status in (NONFINITE, UNDERFLOW):
            status_text = "blow-up"
            break
        assert status in (PAUSED, FULL)
    if got_t:
        times = np.concatenate(got_t)[:limit]
        states = np.concatenate(got_y)[:limit]
    else:
        times, states = np.empty(0), np.empty((0, n))
    if status_text == "blow-up":
        status_text = f"blow-up at t = {st.t:.10g}"
    return times, states, status_text


def _report(status: str, count: int, system: System) -> None:
    if status.startswith("blow-up"):
        warnings.warn(
            f"{system.name}: the orbit {status} (non-finite state or vanishing step); "
            f"returning the {count} crossings found before it",
            RuntimeWarning,
            stacklevel=3,
        )


def poincare_section(
    name: str | System,
    *,
    normal,
    offset: float = 0.0,
    direction: int | str = 1,
    preset: str | None = None,
    params: Mapping[str, Any] | None = None,
    initial: Sequence[float] | np.ndarray | None = None,
    n_crossings: int | None = None,
    t_end: float | None = None,
    transient: float = 0.0,
    rtol: float = 1e-10,
    atol: float = 1e-12,
    method: str = "dop853",
    max_crossings: int = MAX_CROSSINGS,
    seed: int | None = None,
    stop: threading.Event | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Crossings of the plane n·y = c by an orbit of a flow: ``(times, states)``.

    Parameters
    ----------
    name : a flow of the catalog (or a :class:`~solvers.spec.System`).
    normal : the plane's normal n: a variable name (``"z"`` is the plane
        z = offset), a dict ``{variable: coefficient}``, or one number per
        state value.  Not normalized: the plane is n·y = ``offset``.
    offset : c, in the units of n·y.
    direction : +1 (default) counts crossings where n·y increases through c,
        −1 where it decreases, 0 or ``"both"`` either way.
    preset, params, initial, seed : as for :func:`solvers.simulate`.
    n_crossings : stop after this many crossings (after the transient).
    t_end : integrate until this time at most (time units of the system);
        if None, ``transient + 100 × system.default_t_end`` (so that an orbit
        that never crosses cannot hang the call).  At least one of
        ``n_crossings`` and ``t_end`` must be given.
    transient : crossings at t ≤ ``transient`` are discarded (the orbit is
        integrated from t = 0 without a break, so the step sequence is that of
        one uninterrupted run).
    rtol, atol : tolerances of the adaptive integrator (defaults 1e-10, 1e-12).
    method : ``"dop853"`` (default; 7th-order dense output) or ``"dopri5"``.
    max_crossings : memory bound on the number of crossings kept when only
        ``t_end`` is given (default and largest allowed: 1 000 000).
    stop : a :class:`threading.Event`; when set, the crossings found so far
        are returned.

    Returns
    -------
    times : (k,) crossing times, increasing.
    states : (k, n) full states at the crossings (n·y = c there to the
        accuracy of the interpolant).

    A start on the plane is not a crossing.  Crossings are located on the
    dense output of each accepted step (see :mod:`solvers.integrators.events`);
    in a step where n·dy/dt changes sign the turning point is located and both
    sides are searched, so a pair of crossings inside one step is found.  If the
    orbit blows up, a ``RuntimeWarning`` says so and the crossings before it
    are returned.
    """
    system, full, y0 = _flow(name, preset, params, initial, seed, "Poincaré sections")
    n = y0.size
    nvec = _normal_vector(system, full, normal, n)
    if isinstance(offset, bool) or not isinstance(offset, numbers.Real) or not math.isfinite(offset):
        raise ValueError(f"offset: {offset!r} is not allowed; expected a finite number")
    d = _direction(direction)
    transient = _nonneg("transient", transient)
    rtol, atol = _tolerances(rtol, atol, method)
    t_end, limit = _limits(system, n_crossings, t_end, transient, max_crossings)
    times, states, status = crossings(
        system,
        y0,
        system.pack(full),
        nvec,
        float(offset),
        PLANE,
        d,
        t_end,
        transient,
        limit,
        method=method,
        rtol=rtol,
        atol=atol,
        stop=stop,
    )
    _report(status, times.size, system)
    return times, states


def extrema(
    name: str | System,
    *,
    variable: str,
    which: str = "max",
    preset: str | None = None,
    params: Mapping[str, Any] | None = None,
    initial: Sequence[float] | np.ndarray | None = None,
    n_extrema: int | None = None,
    t_end: float | None = None,
    transient: float = 0.0,
    rtol: float = 1e-10,
    atol: float = 1e-12,
    method: str = "dop853",
    max_crossings: int = MAX_CROSSINGS,
    seed: int | None = None,
    stop: threading.Event | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Local maxima (``which="max"``, default) or minima (``"min"``) of one
    variable along an orbit of a flow: ``(times, states)``.

    A maximum of x is a crossing of dx/dt = 0 from positive to negative,
    located on the dense output like a section crossing (the root of
    dx/dt(y(θ)) with y(θ) the step's interpolant).  ``result[1][:, i]`` at the
    variable's index i are the extreme values.  Other arguments as for
    :func:`poincare_section` (``n_extrema`` plays the part of ``n_crossings``).
    """
    system, full, y0 = _flow(name, preset, params, initial, seed, "extrema")
    n = y0.size
    if which not in ("max", "min"):
        raise ValueError(f"which: {which!r} is not allowed; expected 'max' or 'min'")
    nvec = _normal_vector(system, full, variable, n)
    transient = _nonneg("transient", transient)
    rtol, atol = _tolerances(rtol, atol, method)
    if n_extrema is not None and (
        isinstance(n_extrema, bool) or not isinstance(n_extrema, numbers.Integral) or n_extrema < 1
    ):
        raise ValueError(f"n_extrema: {n_extrema!r} is not allowed; expected a positive integer or None")
    t_end, limit = _limits(system, n_extrema, t_end, transient, max_crossings)
    times, states, status = crossings(
        system,
        y0,
        system.pack(full),
        nvec,
        0.0,
        VELOCITY_PLANE,
        -1 if which == "max" else 1,
        t_end,
        transient,
        limit,
        method=method,
        rtol=rtol,
        atol=atol,
        stop=stop,
    )
    _report(status, times.size, system)
    return times, states
