"""Explicit Runge–Kutta kernels driven by tableau data.

Every kernel advances the state in place towards a batch of output times
(``targets``, increasing), writes the state at each target into a row of
``out``, and returns after at most ``max_steps`` steps so that the caller can
stop, pause or change parameters between calls.  ``info`` carries the scalar
state in and out of a call:

``info[0]`` t, ``info[1]`` step size h, ``info[2]`` targets written,
``info[3]`` steps taken in this call, ``info[4]`` rejected steps in this call.
Adaptive kernels also keep, across calls, the data of the last accepted step
(``info[5]`` t_old, ``info[6]`` 1 when its dense-output data are ready, and the
arrays ``y_old``/``K``/``F``), so a batch of targets may end anywhere.

Return codes: 0 all targets written, 1 stopped at max_steps, 2 the state
became non-finite, 3 the step size fell below the round-off limit.
"""

from __future__ import annotations

import numpy as np

from .kernel_types import CRHS, RHS, cmat, cvec, f64, i64, jit, kernel, mat, variant, vec

OK, PAUSED, NONFINITE, UNDERFLOW = 0, 1, 2, 3

SAFETY, MIN_FACTOR, MAX_FACTOR = 0.9, 0.2, 10.0

# Dense-output families of the embedded pairs.
DENSE_DOPRI5, DENSE_DOP853 = 0, 1

# From this many components on, stage sums run row by row (one axpy over the
# contiguous state per stage, which vectorizes): 1.6× faster IF-DOP853 steps
# on 512 spectral modes.  Small ODE states keep the per-component loops.
ROW_WISE_MIN = 64


@jit
def _all_finite(y):
    if y.size >= ROW_WISE_MIN:
        # one pass without an early exit over the float64 view: it vectorizes
        # (an OR of integers may be reordered), 4× faster on 512 modes
        yf = y.view(np.float64)
        bad = 0
        for j in range(yf.size):
            bad |= not np.isfinite(yf[j])
        return bad == 0
    for j in range(y.size):
        if not np.isfinite(y[j]):
            return False
    return True


@jit
def _sum8(x):
    """Σ x in eight interleaved partial sums: one running sum is a serial
    chain of additions the compiler may not reorder (no fastmath), eight
    independent ones vectorize."""
    n = x.size
    top = n - n % 8
    a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = 0.0
    for j in range(0, top, 8):
        a0 += x[j]
        a1 += x[j + 1]
        a2 += x[j + 2]
        a3 += x[j + 3]
        a4 += x[j + 4]
        a5 += x[j + 5]
        a6 += x[j + 6]
        a7 += x[j + 7]
    total = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
    for j in range(top, n):
        total += x[j]
    return total


@jit
def _abs2(z):
    """|z|² for real and complex scalars alike (the kernels also run on the
    complex spectral states of PDEs)."""
    return (z * np.conj(z)).real


@jit
def _stages(f, A, c, t, y, p, h, K, tmp, kbuf, first):
    """Fill K[first:s] for one step from (t, y) with step h; K[0..first-1] given.

    The right-hand side writes into the 1-D buffer ``kbuf``, then it is
    copied into K: passing a row view K[st] through a first-class function
    call costs about three times the call itself (view creation and
    reference counting), more than copying the row.
    """
    n = y.size
    for st in range(first, c.size):
        for j in range(n):
            acc = 0.0
            for r in range(st):
                acc += A[st, r] * K[r, j]
            tmp[j] = y[j] + h * acc
        f(t + c[st] * h, tmp, p, kbuf)
        for j in range(n):
            K[st, j] = kbuf[j]


@jit
def _sum_rows(out, base, Kf, coef, h, count):
    """out = base + h Σ_{r<count} coef[r] Kf[r] over float64 views, one
    vectorized pass per nonzero coefficient (the first also copies base)."""
    m = out.size
    started = False
    for r in range(count):
        a = h * coef[r]
        if a != 0.0:
            row = Kf[r]
            if started:
                for j in range(m):
                    out[j] += a * row[j]
            else:
                for j in range(m):
                    out[j] = base[j] + a * row[j]
                started = True
    if not started:
        for j in range(m):
            out[j] = base[j]


@jit
def _stages_rows(f, A, c, t, y, p, h, K, tmp, first):
    """:func:`_stages` for large states: the stage sums row by row
    (:func:`_sum_rows`), and each stage written by the right-hand side
    straight into its row of K.

    The sums run over float64 views of the arrays: for a complex state the
    real coefficient times a complex entry would otherwise be a full complex
    product (four multiplications, as 0·x may not be dropped without
    fastmath), 1.6× the cost of the same sums on the views.
    """
    yf = y.view(np.float64)
    tf = tmp.view(np.float64)
    Kf = K.view(np.float64)
    for st in range(first, c.size):
        _sum_rows(tf, yf, Kf, A[st], h, st)
        f(t + c[st] * h, tmp, p, K[st])


@kernel(i64(RHS, mat, vec, vec, vec, vec, vec, mat, i64, mat, vec, vec))
def erk_fixed(f, A, b, c, y, p, targets, out, max_steps, K, tmp, info):
    """Fixed step h = info[1]; the number of steps to each target is rounded,
    so targets must be multiples of h apart (the caller chooses h so)."""
    n = y.size
    s = b.size
    t = info[0]
    h = info[1]
    kbuf = np.empty_like(y)
    steps = 0
    i = 0
    status = OK
    while i < targets.size:
        remaining = int(np.rint((targets[i] - t) / h))
        while remaining > 0:
            if steps >= max_steps:
                status = PAUSED
                break
            if n >= ROW_WISE_MIN:
                _stages_rows(f, A, c, t, y, p, h, K, tmp, 0)
                _sum_rows(y.view(np.float64), y.view(np.float64), K.view(np.float64), b, h, s)
            else:
                _stages(f, A, c, t, y, p, h, K, tmp, kbuf, 0)
                for j in range(n):
                    acc = 0.0
                    for st in range(s):
                        acc += b[st] * K[st, j]
                    y[j] += h * acc
            t += h
            steps += 1
            remaining -= 1
            if not _all_finite(y):
                status = NONFINITE
                break
        if status != OK:
            break
        t = targets[i]  # snap to the exact sample time: no drift over long runs
        out[i, :] = y
        i += 1
    info[0] = t
    info[2] = i
    info[3] = steps
    info[4] = 0
    return status


@jit
def _step_sums_rows(family, b, E, E3, h, s, Kf, yf, ynf, w5f, w3f):
    """For large states, over float64 views: the new state ynf = yf + h Σ b K
    and the error sums w5f = Σ E K (w3f = Σ E3 K for DOP853) over the stages
    0 … s−1, in one vectorized pass over each row (the rows are read once for
    all three sums: the passes are bound by reading K, which does not fit in
    the L1 cache)."""
    m = yf.size
    dop853 = family == DENSE_DOP853
    for j in range(m):
        ynf[j] = yf[j]
        w5f[j] = 0.0
        w3f[j] = 0.0
    for r in range(s):
        bh = h * b[r]
        a5 = E[r]
        a3 = E3[r] if dop853 else 0.0
        row = Kf[r]
        if a3 != 0.0:
            for j in range(m):
                x = row[j]
                ynf[j] += bh * x
                w5f[j] += a5 * x
                w3f[j] += a3 * x
        elif a5 != 0.0:
            for j in range(m):
                x = row[j]
                ynf[j] += bh * x
                w5f[j] += a5 * x
        elif bh != 0.0:
            for j in range(m):
                ynf[j] += bh * row[j]


@jit
def _error_norm_rows(family, E, E3, K, h, y, ynew, atol, rtol, w5, w3, e5, e3, s):
    """:func:`_error_norm` for large states, from the sums of
    :func:`_step_sums_rows` over the stages before ``s``: adds the later
    stages (the FSAL stage of DOPRI5), then the weighted squares in one
    vectorized pass into the real work rows ``e5``, ``e3`` and their sums
    (:func:`_sum8`).  The scale is :func:`erk_adaptive`'s, with |z| as the
    root of |z|², which vectorizes where abs(complex) (hypot) does not."""
    Kf = K.view(np.float64)
    w5f = w5.view(np.float64)
    w3f = w3.view(np.float64)
    m = w5f.size
    n = y.size
    dop853 = family == DENSE_DOP853
    for r in range(s, E.size):
        a5 = E[r]
        a3 = E3[r] if dop853 else 0.0
        row = Kf[r]
        if a5 != 0.0:
            for j in range(m):
                w5f[j] += a5 * row[j]
        if a3 != 0.0:
            for j in range(m):
                w3f[j] += a3 * row[j]
    if not dop853:
        for j in range(n):
            sc = atol + np.sqrt(max(_abs2(y[j]), _abs2(ynew[j]))) * rtol
            e5[j] = _abs2(w5[j]) / (sc * sc)
        return abs(h) * np.sqrt(_sum8(e5) / n)
    for j in range(n):
        sc = atol + np.sqrt(max(_abs2(y[j]), _abs2(ynew[j]))) * rtol
        inv2 = 1.0 / (sc * sc)
        e5[j] = _abs2(w5[j]) * inv2
        e3[j] = _abs2(w3[j]) * inv2
    n5 = _sum8(e5)
    n3 = _sum8(e3)
    if n5 == 0.0 and n3 == 0.0:
        return 0.0
    return abs(h) * n5 / np.sqrt((n5 + 0.01 * n3) * n)


@jit
def _error_norm(family, E, E3, K, h, scale, n):
    rows = E.size
    if family == DENSE_DOPRI5:
        acc = 0.0
        for j in range(n):
            e = 0.0
            for r in range(rows):
                e += E[r] * K[r, j]
            e = h * e / scale[j]
            acc += _abs2(e)
        return np.sqrt(acc / n)
    # DOP853: 5th-order estimate, corrected by the 3rd-order one (Hairer's DOP853).
    n5 = 0.0
    n3 = 0.0
    for j in range(n):
        e5 = 0.0
        e3 = 0.0
        for r in range(rows):
            e5 += E[r] * K[r, j]
            e3 += E3[r] * K[r, j]
        e5 /= scale[j]
        e3 /= scale[j]
        n5 += _abs2(e5)
        n3 += _abs2(e3)
    if n5 == 0.0 and n3 == 0.0:
        return 0.0
    return abs(h) * n5 / np.sqrt((n5 + 0.01 * n3) * n)


@jit
def _prepare_dense(f, family, A_extra, C_extra, D, P, p, t_old, h, y_old, y, K, F, tmp, kbuf, s):
    """Dense-output coefficients of the last step into F."""
    n = y.size
    if family == DENSE_DOPRI5:
        # F[k] = sum_r K[r] P[r, k]; y(x) = y_old + h * sum_k F[k] x^(k+1)
        for k in range(P.shape[1]):
            for j in range(n):
                acc = 0.0
                for r in range(P.shape[0]):
                    acc += K[r, j] * P[r, k]
                F[k, j] = acc
        return
    # DOP853: three extra stages, then a degree-7 interpolant (Hairer's CONTD8).
    for e in range(C_extra.size):
        st = s + 1 + e
        for j in range(n):
            acc = 0.0
            for r in range(st):
                acc += A_extra[e, r] * K[r, j]
            tmp[j] = y_old[j] + h * acc
        f(t_old + C_extra[e] * h, tmp, p, kbuf)
        for j in range(n):
            K[st, j] = kbuf[j]
    for j in range(n):
        dy = y[j] - y_old[j]
        F[0, j] = dy
        F[1, j] = h * K[0, j] - dy
        F[2, j] = 2.0 * dy - h * (K[s, j] + K[0, j])
    for k in range(D.shape[0]):
        for j in range(n):
            F[3 + k, j] = 0.0
        for r in range(D.shape[1]):
            d = D[k, r]
            if d != 0.0:  # a quarter of D is zero
                for j in range(n):
                    F[3 + k, j] += d * K[r, j]
        for j in range(n):
            F[3 + k, j] *= h


@jit
def _dense_eval(family, x, h, y_old, F, out, row):
    """Write the interpolant at θ = x of the last step into out[row]."""
    n = y_old.size
    if family == DENSE_DOPRI5:
        for j in range(n):
            acc = 0.0
            xp = x
            for k in range(F.shape[0]):
                acc += F[k, j] * xp
                xp *= x
            out[row, j] = y_old[j] + h * acc
        return
    # Horner-like nesting of Hairer's CONTD8: alternate factors x and (1 - x)
    m = F.shape[0]
    x1 = 1.0 - x
    for j in range(n):
        acc = 0.0
        for i in range(m):
            acc += F[m - 1 - i, j]
            acc *= x if i % 2 == 0 else x1
        out[row, j] = y_old[j] + acc


@jit
def _initial_step(f, t, y, p, f0, order, rtol, atol, tmp, f1):
    """Hairer, Nørsett & Wanner (1993), §II.4: a starting step size."""
    n = y.size
    d0 = 0.0
    d1 = 0.0
    for j in range(n):
        sc = atol + abs(y[j]) * rtol
        d0 += _abs2(y[j]) / sc**2
        d1 += _abs2(f0[j]) / sc**2
    d0 = np.sqrt(d0 / n)
    d1 = np.sqrt(d1 / n)
    h0 = 1e-6 if (d0 < 1e-5 or d1 < 1e-5) else 0.01 * d0 / d1
    for j in range(n):
        tmp[j] = y[j] + h0 * f0[j]
    f(t + h0, tmp, p, f1)
    d2 = 0.0
    for j in range(n):
        sc = atol + abs(y[j]) * rtol
        d2 += _abs2(f1[j] - f0[j]) / sc**2
    d2 = np.sqrt(d2 / n) / h0
    if d1 <= 1e-15 and d2 <= 1e-15:
        h1 = max(1e-6, h0 * 1e-3)
    else:
        h1 = (0.01 / max(d1, d2)) ** (1.0 / (order + 1))
    return min(100.0 * h0, h1)


def _adaptive_signature(F, state, states):
    return i64(
        F,
        i64,
        i64,
        mat,
        vec,
        vec,
        vec,
        vec,
        mat,
        mat,
        vec,
        mat,  # f family order A b c E E3 P A_extra C_extra D
        state,
        vec,
        vec,
        states,
        f64,
        f64,
        f64,
        f64,
        i64,  # y p targets out rtol atol hmax t_stop max_steps
        state,
        state,
        states,
        states,
        state,
        state,
        vec,  # fy y_old K F ynew tmp scale
        vec,  # info
    )


@kernel(_adaptive_signature(RHS, vec, mat))
def erk_adaptive(
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
    targets,
    out,
    rtol,
    atol,
    hmax,
    t_stop,
    max_steps,
    fy,
    y_old,
    K,
    F,
    ynew,
    tmp,
    scale,
    info,
):
    """Embedded Runge–Kutta pair with error control and dense output.

    ``fy`` must hold f(t, y) on entry (the caller evaluates it at the start
    and after a parameter change); ``info[1] = 0`` asks for an automatic first
    step.  ``order`` is the order of the error estimator.  Steps never pass
    ``t_stop``.
    """
    n = y.size
    s = b.size
    exponent = -1.0 / (order + 1)
    kbuf = np.empty_like(y)
    e3 = np.empty(n if n >= ROW_WISE_MIN else 0)
    t = info[0]
    h = info[1]
    t_old = info[5]
    dense_ready = info[6] > 0.5
    i = 0
    steps = 0
    rejected = 0
    status = OK
    if h <= 0.0:
        h = _initial_step(f, t, y, p, fy, order, rtol, atol, tmp, ynew)
    # Targets reached by the last step of the previous call.
    while i < targets.size and targets[i] <= t:
        if targets[i] == t:
            out[i, :] = y
        else:
            if not dense_ready:
                _prepare_dense(f, family, A_extra, C_extra, D, P, p, t_old, t - t_old, y_old, y, K, F, tmp, kbuf, s)
                dense_ready = True
            _dense_eval(family, (targets[i] - t_old) / (t - t_old), t - t_old, y_old, F, out, i)
        i += 1
    while i < targets.size:
        if steps >= max_steps:
            status = PAUSED
            break
        min_step = 10.0 * abs(np.nextafter(t, np.inf) - t)
        h = min(h, hmax)
        rejected_this = False
        while True:
            if h < min_step:
                status = UNDERFLOW
                break
            h_try = h
            if t + h_try > t_stop:
                h_try = t_stop - t
            for j in range(n):
                K[0, j] = fy[j]
            if n >= ROW_WISE_MIN:
                # large states (spectral PDEs, ensembles): vectorized passes over whole rows
                _stages_rows(f, A, c, t, y, p, h_try, K, tmp, 1)
                _step_sums_rows(
                    family, b, E, E3, h_try, s, K.view(np.float64), y.view(np.float64), ynew.view(np.float64),
                    tmp.view(np.float64), kbuf.view(np.float64),
                )  # fmt: skip
                f(t + h_try, ynew, p, K[s])
                err = _error_norm_rows(family, E, E3, K, h_try, y, ynew, atol, rtol, tmp, kbuf, scale, e3, s)
            else:
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
        dense_ready = False
        # The same loop as at entry, written out: factoring both into one helper
        # made the whole kernel ~50% slower (numba passes its 19 arguments as
        # array structs and LLVM no longer keeps the step's values in registers).
        while i < targets.size and targets[i] <= t:
            if targets[i] == t:
                out[i, :] = y
            else:
                if not dense_ready:
                    _prepare_dense(f, family, A_extra, C_extra, D, P, p, t_old, t - t_old, y_old, y, K, F, tmp, kbuf, s)
                    dense_ready = True
                _dense_eval(family, (targets[i] - t_old) / (t - t_old), t - t_old, y_old, F, out, i)
            i += 1
        # FSAL: the last stage is f(t_new, y_new)
        for j in range(n):
            fy[j] = K[s, j]
        if not _all_finite(y):
            status = NONFINITE
            break
    info[0] = t
    info[1] = h
    info[2] = i
    info[3] = steps
    info[4] = rejected
    info[5] = t_old
    info[6] = 1.0 if dense_ready else 0.0
    return status


# The same kernels on complex states: the spectral coefficients of PDEs.  With
# a right-hand side written in the interaction picture of the linear operator
# (see solvers.pde) they are integrating-factor Runge–Kutta methods.
erk_fixed_c = variant(erk_fixed, i64(CRHS, mat, vec, vec, cvec, vec, vec, cmat, i64, cmat, cvec, vec), "erk_fixed_c")
erk_adaptive_c = variant(erk_adaptive, _adaptive_signature(CRHS, cvec, cmat), "erk_adaptive_c")
