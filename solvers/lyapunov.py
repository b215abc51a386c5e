"""Lyapunov spectra from the tangent dynamics (Benettin et al., Meccanica 15,
9 and 21, 1980; Shimada & Nagashima, Prog. Theor. Phys. 61, 1605, 1979).

Flows: the state and k tangent vectors Q are advanced together (dQ/dt = J(y) Q)
with a fixed-step explicit Runge–Kutta method, by default the 8th-order
Dormand–Prince weights, so that the sum rule holds to ~1e-9; every ``renorm`` steps Q is re-orthonormalized by
modified Gram–Schmidt and log|R_ii| accumulated.  Maps: Q ← J(y) Q each
iteration.  The exponents are the accumulated logs over the elapsed time,
sorted in descending order.  Systems without an analytic Jacobian fall back
to central differences of the right-hand side.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .catalog import get_system
from .integrators.kernel_types import JAC, RHS, f64, i64, jit, kernel, mat, vec
from .integrators.tableaus import TABLEAUS
from .run import make_config

HISTORY_DENSITY = 40  # running estimates recorded per e-fold of averaging time (history=True)
_FD_STEP = 6e-6  # ≈ cbrt(machine epsilon): balances truncation and round-off


@jit
def _jacobian(f, jac, has_jac, t, y, p, J, e, fp, fm):
    if has_jac:
        jac(t, y, p, J)
        return
    n = y.size
    for j in range(n):
        d = _FD_STEP * max(1.0, abs(y[j]))
        for i in range(n):
            e[i] = y[i]
        e[j] = y[j] + d
        f(t, e, p, fp)
        e[j] = y[j] - d
        f(t, e, p, fm)
        for i in range(n):
            J[i, j] = (fp[i] - fm[i]) / (2.0 * d)


@jit
def _gram_schmidt(Q, sums):
    """Orthonormalize the columns of Q in place; add log of the norms to sums."""
    n, k = Q.shape
    for c in range(k):
        for r in range(c):
            dot = 0.0
            for i in range(n):
                dot += Q[i, r] * Q[i, c]
            for i in range(n):
                Q[i, c] -= dot * Q[i, r]
        norm = 0.0
        for i in range(n):
            norm += Q[i, c] * Q[i, c]
        norm = np.sqrt(norm)
        sums[c] += np.log(norm)
        for i in range(n):
            Q[i, c] /= norm


@jit
def _tangent_rhs(f, jac, has_jac, t, y, Q, p, dy, dQ, J, e, fp, fm):
    f(t, y, p, dy)
    _jacobian(f, jac, has_jac, t, y, p, J, e, fp, fm)
    n, k = Q.shape
    for i in range(n):
        for c in range(k):
            acc = 0.0
            for m in range(n):
                acc += J[i, m] * Q[m, c]
            dQ[i, c] = acc


@kernel(i64(RHS, JAC, i64, mat, vec, vec, vec, vec, mat, f64, i64, i64, vec, vec))
def tangent_flow(f, jac, has_jac, A, b, c, y, p, Q, h, steps, renorm, sums, info):
    """Explicit Runge–Kutta (tableau A, b, c) with fixed step h on (y, Q)
    for ``steps`` steps; info[0] is t."""
    n, k = Q.shape
    s = b.size
    t = info[0]
    ky = np.zeros((s, n))
    kQ = np.zeros((s, n, k))
    ys = np.zeros(n)
    Qs = np.zeros((n, k))
    J = np.zeros((n, n))
    e = np.zeros(n)
    fp = np.zeros(n)
    fm = np.zeros(n)
    for step in range(steps):
        for st in range(s):
            for i in range(n):
                acc = 0.0
                for r in range(st):
                    acc += A[st, r] * ky[r, i]
                ys[i] = y[i] + h * acc
                for col in range(k):
                    acc = 0.0
                    for r in range(st):
                        acc += A[st, r] * kQ[r, i, col]
                    Qs[i, col] = Q[i, col] + h * acc
            _tangent_rhs(f, jac, has_jac, t + c[st] * h, ys, Qs, p, ky[st], kQ[st], J, e, fp, fm)
        for i in range(n):
            acc = 0.0
            for st in range(s):
                acc += b[st] * ky[st, i]
            y[i] += h * acc
            for col in range(k):
                acc = 0.0
                for st in range(s):
                    acc += b[st] * kQ[st, i, col]
                Q[i, col] += h * acc
        t += h
        if not np.isfinite(y).all():
            info[0] = t
            return 2
        if (step + 1) % renorm == 0:
            _gram_schmidt(Q, sums)
    info[0] = t
    return 0


@kernel(i64(RHS, JAC, i64, vec, vec, mat, i64, vec, vec))
def tangent_map(F, jac, has_jac, y, p, Q, steps, sums, info):
    n, k = Q.shape
    t = info[0]
    J = np.zeros((n, n))
    ynew = np.zeros(n)
    Qn = np.zeros((n, k))
    e = np.zeros(n)
    fp = np.zeros(n)
    fm = np.zeros(n)
    for _ in range(steps):
        _jacobian(F, jac, has_jac, t, y, p, J, e, fp, fm)
        for i in range(n):
            for c in range(k):
                acc = 0.0
                for m in range(n):
                    acc += J[i, m] * Q[m, c]
                Qn[i, c] = acc
        F(t, y, p, ynew)
        for i in range(n):
            y[i] = ynew[i]
            for c in range(k):
                Q[i, c] = Qn[i, c]
        t += 1.0
        if not np.isfinite(y).all():
            info[0] = t
            return 2
        _gram_schmidt(Q, sums)
    info[0] = t
    return 0


@jit
def _no_jacobian(t, y, p, J):
    J[:, :] = 0.0


def lyapunov_spectrum(
    name: str,
    *,
    preset: str | None = None,
    params: Mapping[str, Any] | None = None,
    initial: Sequence[float] | np.ndarray | None = None,
    t_end: float,
    transient: float | None = None,
    dt: float | None = None,
    k: int | None = None,
    renorm: int = 1,
    method: str = "dop853",
    seed: int | None = None,
    stop: threading.Event | None = None,
    history: bool = False,
):
    """The Lyapunov exponents of a flow or map, largest first.

    ``t_end`` is the averaging time (iterations for maps) after a
    ``transient`` (default 10% of ``t_end``) that is discarded.  ``dt`` is the
    fixed step for flows (default: the system's ``default_dt``) of the
    Runge–Kutta ``method`` (a tableau name: dop853, dopri5, rk4); ``k`` the number of
    exponents (default all); ``renorm`` the steps between
    re-orthonormalizations.  With ``history=True`` returns
    ``(exponents, t, estimates)`` where ``estimates[i]`` is the running
    estimate at ``t[i]``, recorded about :data:`HISTORY_DENSITY` times per
    e-fold of averaging time (evenly on a log axis).  Units: 1/(time unit of the system), or per
    iteration for maps.
    """
    system = get_system(name)
    if system.kind not in ("flow", "map"):
        raise ValueError(f"name: Lyapunov spectra are offered for flows and maps, not for the {system.kind} {name!r}")
    is_map = system.kind == "map"
    if method not in TABLEAUS:
        raise ValueError(f"method: {method!r} is not allowed; choose one of {', '.join(TABLEAUS)}")
    tab = TABLEAUS[method]
    # make_config validates the parameters and the initial state (or makes it from the seed)
    cfg = make_config(
        system,
        preset=preset,
        params=params,
        initial=initial,
        t_end=1,
        samples=2,
        method="map" if is_map else system.default_method,
        seed=seed,
    )
    if is_map:
        h = 1.0
    else:
        h = system.default_dt if dt is None else float(dt)
        if not (math.isfinite(h) and h > 0):
            raise ValueError(f"dt: {dt!r} is not allowed; expected a positive finite step")
    if isinstance(t_end, bool) or not isinstance(t_end, (int, float)) or not math.isfinite(t_end) or t_end <= 0:
        raise ValueError(f"t_end: {t_end!r} is not allowed; expected a positive finite averaging time")
    if transient is None:
        transient = 0.1 * t_end
    if isinstance(transient, bool) or not isinstance(transient, (int, float)) or not transient >= 0:
        raise ValueError(f"transient: {transient!r} is not allowed; expected a number ≥ 0")
    if not isinstance(renorm, int) or renorm < 1:
        raise ValueError(f"renorm: {renorm!r} is not allowed; expected an integer ≥ 1")
    y = (
        np.asarray(cfg.initial, dtype=np.float64)
        if cfg.initial is not None
        else system.make_initial(cfg.params, cfg.seed)
    ).copy()
    n = y.size
    if k is None:
        k = n
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= n:
        raise ValueError(f"k: {k!r} is not allowed; expected an integer from 1 to {n}")
    p = system.pack(cfg.params)
    jac = system.jacobian if system.jacobian is not None else _no_jacobian
    has_jac = int(system.jacobian is not None)
    Q = np.ascontiguousarray(np.eye(n)[:, :k])
    sums = np.zeros(k)
    info = np.zeros(2)

    def advance(total_steps: int, record: list | None, t_base: float):
        done = 0
        chunk = 16
        while done < total_steps:
            if stop is not None and stop.is_set():
                raise InterruptedError("Lyapunov computation stopped")
            m = min(chunk, total_steps - done)
            started = time.perf_counter()
            if is_map:
                status = tangent_map(system.rhs, jac, has_jac, y, p, Q, m, sums, info)
            else:
                status = tangent_flow(system.rhs, jac, has_jac, tab.A, tab.b, tab.c, y, p, Q, h, m, renorm, sums, info)
            elapsed = time.perf_counter() - started
            if status != 0:
                raise FloatingPointError(
                    f"the orbit became non-finite at t = {info[0]:g}; Lyapunov exponents are undefined there"
                )
            done += m
            if record is not None:
                record.append((info[0] - t_base, sums / ((done // renorm) * renorm * h)))
            # keep each kernel call near 20 ms so that a stop request is honoured promptly
            chunk = int(min(max(1, m * 0.02 / max(elapsed, 1e-6)), 4 * chunk, 1 << 22))
            if record is not None:
                # a history: calls grow by 1/HISTORY_DENSITY of the steps done, so the records are
                # evenly spaced in log t (~HISTORY_DENSITY per e-fold; a few µs per extra call)
                chunk = min(chunk, max(16, done // HISTORY_DENSITY))
            if not is_map:
                chunk = max(renorm, chunk // renorm * renorm)

    n_transient = round(transient / h)
    advance(n_transient, None, 0.0)
    sums[:] = 0.0
    Q[:, :] = np.eye(n)[:, :k]
    t_start = info[0]
    n_steps = max(renorm, round(t_end / h) // renorm * renorm)
    rec: list | None = [] if history else None
    advance(n_steps, rec, t_start)
    exps = sums / (n_steps * h)
    order = np.argsort(exps)[::-1]
    if history:
        t_hist = np.array([r[0] for r in rec])
        est = np.array([np.sort(r[1])[::-1] for r in rec])
        return exps[order], t_hist, est
    return exps[order]


def kaplan_yorke_dimension(exponents: Sequence[float] | np.ndarray) -> float:
    """The Kaplan–Yorke (Lyapunov) dimension of a spectrum (Kaplan & Yorke,
    Lect. Notes Math. 730, 204, 1979): D = j + (λ_1 + … + λ_j) / |λ_{j+1}|,
    with j the largest count whose partial sum λ_1 + … + λ_j is ≥ 0 (the
    exponents sorted in descending order).  0 when λ_1 < 0 (a stable fixed
    point); the number of exponents when every partial sum is ≥ 0 (no
    contraction seen: the formula has no λ_{j+1} to divide by).
    """
    lam = np.sort(np.asarray(exponents, dtype=np.float64).ravel())[::-1]
    if lam.size == 0 or not np.isfinite(lam).all():
        raise ValueError(f"exponents: {exponents!r} is not allowed; expected one or more finite numbers")
    partial = np.cumsum(lam)
    j = int(np.count_nonzero(partial >= 0.0))
    # partial sums decrease once the exponents are negative, so the non-negative ones come first
    if j == 0:
        return 0.0
    if j == lam.size:
        return float(lam.size)
    return j + float(partial[j - 1]) / abs(float(lam[j]))
