"""Integrating-factor RK4 in Lawson's form with precomputed propagators, for
u_t = L u + N(u, t) with L diagonal in the spectral basis (Lawson, SIAM J.
Numer. Anal. 4, 372, 1967).

Classical RK4 applied to w = e^{−L(t − t_n)} u over each step [t_n, t_n + h]
needs only E2 = e^{Lh/2} and E = e^{Lh}, computed once for the run:

    k1 = N(u_n),                U2 = E2 (u_n + h/2 k1)
    k2 = N(U2),                 U3 = E2 u_n + h/2 k2
    k3 = N(U3),                 U4 = E2 (E2 u_n + h k3)
    k4 = N(U4),                 u_{n+1} = E2 [E2 (u_n + h/6 k1) + h/3 (k2 + k3)] + h/6 k4

(the same numbers as RK4 on the interaction picture w = e^{−Lt}û, which
recomputes e^{±Lt} at every stage).  Each stage result is folded into the
running sums in the pass that builds the next stage's input, so a step makes
four passes over the state besides its four evaluations of N, and only
non-negative powers of e^{Lh} appear: dissipative L (e^{Lh} < 1) is as safe as
dispersive L.  Same calling convention and return codes as
:mod:`.explicit_rk` (fixed step h = info[1]).
"""

from __future__ import annotations

import numpy as np

from .explicit_rk import NONFINITE, OK, PAUSED, _all_finite
from .kernel_types import CRHS, cmat, cvec, i64, kernel, vec


@kernel(i64(CRHS, cvec, cvec, cvec, vec, vec, cmat, i64, cmat, vec))
def lawson_rk4(N, E, E2, v, p, targets, out, max_steps, work, info):
    """``work`` is (4, m): the stage input U, the stage value k, E2·u_n and the running sum."""
    m = v.size
    t = info[0]
    h = info[1]
    U = work[0]
    k = work[1]
    ev = work[2]
    acc = work[3]
    h2 = 0.5 * h
    h3 = h / 3.0
    h6 = h / 6.0
    steps = 0
    i = 0
    status = OK
    while i < targets.size:
        remaining = int(np.rint((targets[i] - t) / h))
        while remaining > 0:
            if steps >= max_steps:
                status = PAUSED
                break
            N(t, v, p, k)
            for j in range(m):
                e = E2[j]
                vj = v[j]
                kj = k[j]
                ev[j] = e * vj
                U[j] = e * (vj + h2 * kj)
                acc[j] = e * (vj + h6 * kj)
            N(t + h2, U, p, k)
            for j in range(m):
                kj = k[j]
                U[j] = ev[j] + h2 * kj
                acc[j] += h3 * kj
            N(t + h2, U, p, k)
            for j in range(m):
                e = E2[j]
                kj = k[j]
                U[j] = e * (ev[j] + h * kj)
                acc[j] = e * (acc[j] + h3 * kj)
            N(t + h, U, p, k)
            for j in range(m):
                v[j] = acc[j] + h6 * k[j]
            t += h
            steps += 1
            remaining -= 1
            if not _all_finite(v):
                status = NONFINITE
                break
        if status != OK:
            break
        t = targets[i]
        out[i, :] = v
        i += 1
    info[0] = t
    info[2] = i
    info[3] = steps
    info[4] = 0
    return status
