"""Adaptive embedded Runge–Kutta stepping with event location (crossings of a
plane), for Poincaré sections and local extrema of flows.

The stepping loop is a copy of :func:`.explicit_rk.erk_adaptive` (same step-size
controller, same error norm, same dense output, so the accepted steps are the
same as there and as scipy's ``solve_ivp``) with one addition: after each
accepted step the event function

* ``mode = 0`` (a plane in state space):      g(t, y) = n·y − c
* ``mode = 1`` (a plane in velocity space):   g(t, y) = n·f(t, y) − c

is compared at the two ends of the step.  A sign change in the requested
``direction`` (+1: g increasing through 0, −1: decreasing, 0: both) is located
on the step's dense-output interpolant by the Illinois variant of regula falsi
(Dowell & Jarratt, BIT 11, 168, 1971), kept inside its bracket and stopped
when the bracket in θ = (t − t_old)/h is below a few ulps, so that a crossing
time is as accurate as the interpolant.  In mode 0, when the slope n·f
changes sign within a step (the orbit turns back towards or away from the
plane), the turning point is located first (the root of n·f(y(θ)) on the
interpolant) and each monotonic piece is searched, so that a pair of
crossings inside one step is not missed (more than one turning point within
one step is not looked for).  A crossing at the step's start is never counted
(a start on the plane is not a crossing); one that lands exactly on a step's
end belongs to that step.

Calling convention as in :mod:`.explicit_rk`; bounded work per call
(``max_steps``), resumable through ``info``:

``info[0]`` t, ``info[1]`` h (0 asks for an automatic first step),
``info[2]`` crossings written in this call, ``info[3]`` steps in this call,
``info[4]`` rejected steps in this call, ``info[5]`` t_old.

Crossings with t ≤ ``t_min`` are skipped (a transient).  The crossing times go
to ``ev_t`` and the states to the rows of ``ev_y``; when fewer than
``MAX_PER_STEP`` (2) free rows remain the kernel returns ``FULL`` before its next
step, so the caller empties the buffers and calls again.

Return codes: 0 reached t_stop, 1 stopped at max_steps, 2 the state became
non-finite, 3 the step size fell below the round-off limit, 4 the crossing
buffers are full.
"""

from __future__ import annotations

import numpy as np

from .explicit_rk import (
    DENSE_DOP853,
    DENSE_DOPRI5,
    MAX_FACTOR,
    MIN_FACTOR,
    NONFINITE,
    OK,
    PAUSED,
    SAFETY,
    UNDERFLOW,
    _all_finite,
    _dense_eval,
    _error_norm,
    _initial_step,
    _prepare_dense,
    _stages,
)
from .kernel_types import RHS, f64, i64, jit, kernel, mat, vec

FULL = 4
MAX_PER_STEP = 2
PLANE, VELOCITY_PLANE = 0, 1

__all__ = ["DENSE_DOP853", "DENSE_DOPRI5", "FULL", "MAX_PER_STEP", "PLANE", "VELOCITY_PLANE", "erk_events"]


@jit
def _event_value(f, mode, normal, offset, t_old, h, theta, y_old, F, family, yb, ybv, fb, p):
    """g at θ on the last step's interpolant; the state is left in ybv."""
    _dense_eval(family, theta, h, y_old, F, yb, 0)
    n = y_old.size
    for j in range(n):
        ybv[j] = yb[0, j]
    acc = 0.0
    if mode == PLANE:
        for j in range(n):
            acc += normal[j] * ybv[j]
    else:
        f(t_old + theta * h, ybv, p, fb)
        for j in range(n):
            acc += normal[j] * fb[j]
    return acc - offset


@jit
def _locate(f, mode, normal, offset, t_old, h, a, b, ga, gb, y_old, F, family, yb, ybv, fb, p):
    """The root of g in [a, b] (g(a), g(b) of opposite signs, g(b) may be 0)
    by Illinois regula falsi with bisection as a safeguard; returns θ and
    leaves the state at θ in ybv."""
    if gb == 0.0:
        _event_value(f, mode, normal, offset, t_old, h, b, y_old, F, family, yb, ybv, fb, p)
        return b
    side = 0
    c = b
    for _ in range(200):
        if b - a <= 4.0 * np.finfo(np.float64).eps * max(1.0, abs(b)):
            break
        c = (a * gb - b * ga) / (gb - ga)
        if not (a < c < b):
            c = 0.5 * (a + b)
        gc = _event_value(f, mode, normal, offset, t_old, h, c, y_old, F, family, yb, ybv, fb, p)
        if gc == 0.0:
            return c
        if (gc > 0.0) == (gb > 0.0):
            b = c
            gb = gc
            if side == -1:
                ga *= 0.5
            side = -1
        else:
            a = c
            ga = gc
            if side == 1:
                gb *= 0.5
            side = 1
    # the end of the final bracket with the smaller |g|
    c = a if abs(ga) < abs(gb) else b
    _event_value(f, mode, normal, offset, t_old, h, c, y_old, F, family, yb, ybv, fb, p)
    return c


@jit
def _wanted(ga, gb, direction):
    """Does g cross zero from ga (excluded) to gb (included) in the wanted direction?"""
    up = ga < 0.0 and gb >= 0.0
    down = ga > 0.0 and gb <= 0.0
    if direction > 0:
        return up
    if direction < 0:
        return down
    return up or down


@kernel(
    i64(
        RHS,  # f
        i64,  # family
        i64,  # order
        mat,  # A
        vec,  # b
        vec,  # c
        vec,  # E
        vec,  # E3
        mat,  # P
        mat,  # A_extra
        vec,  # C_extra
        mat,  # D
        vec,  # y
        vec,  # p
        vec,  # normal
        f64,  # offset
        i64,  # mode
        i64,  # direction
        f64,  # rtol
        f64,  # atol
        f64,  # t_stop
        f64,  # t_min
        i64,  # max_steps
        vec,  # fy
        vec,  # y_old
        mat,  # K
        mat,  # F
        vec,  # ynew
        vec,  # tmp
        vec,  # scale
        vec,  # ev_t
        mat,  # ev_y
        vec,  # info
    )
)
def erk_events(
    f,
    family,
    order,
    A,
    b,
    c,
    E,
    E3,
    P,
    A_extra,
    C_extra,
    D,
    y,
    p,
    normal,
    offset,
    mode,
    direction,
    rtol,
    atol,
    t_stop,
    t_min,
    max_steps,
    fy,
    y_old,
    K,
    F,
    ynew,
    tmp,
    scale,
    ev_t,
    ev_y,
    info,
):
    """Adaptive stepping from t = info[0] towards ``t_stop`` recording the
    crossings of g = 0 (see the module docstring).  ``fy`` must hold f(t, y)
    on entry."""
    n = y.size
    s = b.size
    exponent = -1.0 / (order + 1)
    kbuf = np.empty_like(y)
    yb = np.empty((1, n))
    ybv = np.empty(n)
    fb = np.empty(n)
    gs = np.empty(3)
    th = np.empty(3)
    t = info[0]
    h = info[1]
    t_old = info[5]
    written = 0
    steps = 0
    rejected = 0
    status = OK
    capacity = ev_t.size
    if h <= 0.0:
        h = _initial_step(f, t, y, p, fy, order, rtol, atol, tmp, ynew)
    while t < t_stop:
        if capacity - written < MAX_PER_STEP:
            status = FULL
            break
        if steps >= max_steps:
            status = PAUSED
            break
        min_step = 10.0 * abs(np.nextafter(t, np.inf) - t)
        rejected_this = False
        h_try = h
        while True:
            if h < min_step:
                status = UNDERFLOW
                break
            h_try = h
            if t + h_try > t_stop:
                h_try = t_stop - t
            for j in range(n):
                K[0, j] = fy[j]
            _stages(f, A, c, t, y, p, h_try, K, tmp, kbuf, 1)
            for j in range(n):
                acc = 0.0
                for st in range(s):
                    acc += b[st] * K[st, j]
                ynew[j] = y[j] + h_try * acc
            f(t + h_try, ynew, p, kbuf)
            for j in range(n):
                K[s, j] = kbuf[j]
            for j in range(n):
                scale[j] = atol + max(abs(y[j]), abs(ynew[j])) * rtol
            err = _error_norm(family, E, E3, K, h_try, scale, n)
            steps += 1
            if err < 1.0:
                if err == 0.0:
                    factor = MAX_FACTOR
                else:
                    factor = min(MAX_FACTOR, SAFETY * err**exponent)
                if rejected_this:
                    factor = min(1.0, factor)
                h = h_try * factor
                break
            rejected += 1
            rejected_this = True
            if np.isfinite(err):
                h = h_try * max(MIN_FACTOR, SAFETY * err**exponent)
            else:
                h = h_try * MIN_FACTOR
            if steps >= max_steps + 1000:  # a pathological run of rejections
                status = PAUSED
                break
        if status != OK:
            break
        # accept
        t_old = t
        for j in range(n):
            y_old[j] = y[j]
            y[j] = ynew[j]
        t = t_old + h_try
        if t_stop - t <= 4.0 * abs(np.nextafter(t_stop, np.inf) - t_stop):
            t = t_stop
        hs = t - t_old
        # events on this step: g at both ends (and its slope in mode 0)
        g0 = 0.0
        g1 = 0.0
        d0 = 0.0
        d1 = 0.0
        if mode == PLANE:
            for j in range(n):
                g0 += normal[j] * y_old[j]
                g1 += normal[j] * y[j]
                d0 += normal[j] * K[0, j]
                d1 += normal[j] * K[s, j]
        else:
            for j in range(n):
                g0 += normal[j] * K[0, j]
                g1 += normal[j] * K[s, j]
        g0 -= offset
        g1 -= offset
        turning = mode == PLANE and d0 * d1 < 0.0
        if t > t_min and (turning or _wanted(g0, g1, direction)):
            _prepare_dense(f, family, A_extra, C_extra, D, P, p, t_old, hs, y_old, y, K, F, tmp, kbuf, s)
            # pieces of the step on which g is monotonic: split at the turning point
            pieces = 1
            gs[0] = g0
            gs[1] = g1
            th[0] = 0.0
            th[1] = 1.0
            if turning:
                ext = _locate(
                    f, VELOCITY_PLANE, normal, 0.0, t_old, hs, 0.0, 1.0, d0, d1, y_old, F, family, yb, ybv, fb, p
                )
                if 0.0 < ext < 1.0:
                    pieces = 2
                    th[1] = ext
                    th[2] = 1.0
                    gs[1] = _event_value(f, PLANE, normal, offset, t_old, hs, ext, y_old, F, family, yb, ybv, fb, p)
                    gs[2] = g1
            for k in range(pieces):
                if _wanted(gs[k], gs[k + 1], direction):
                    theta = _locate(
                        f,
                        mode,
                        normal,
                        offset,
                        t_old,
                        hs,
                        th[k],
                        th[k + 1],
                        gs[k],
                        gs[k + 1],
                        y_old,
                        F,
                        family,
                        yb,
                        ybv,
                        fb,
                        p,
                    )
                    tc = t if theta == 1.0 else t_old + theta * hs
                    if tc > t_min:
                        ev_t[written] = tc
                        if theta == 1.0:
                            for j in range(n):
                                ev_y[written, j] = y[j]
                        else:
                            for j in range(n):
                                ev_y[written, j] = ybv[j]
                        written += 1
        # FSAL: the last stage is f(t_new, y_new)
        for j in range(n):
            fy[j] = K[s, j]
        if not _all_finite(y):
            status = NONFINITE
            break
    info[0] = t
    info[1] = h
    info[2] = written
    info[3] = steps
    info[4] = rejected
    info[5] = t_old
    info[6] = 0.0  # the kernel keeps no dense-output data between calls
    return status
