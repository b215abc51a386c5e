"""Symplectic kick–drift–kick compositions for separable Hamiltonians.

H(q, v) = |v|²/2 + V(q), state ``y = [q, v]``; the system supplies the
acceleration a(q) = -∇V(q).  One substep of weight w is velocity Verlet with
step w·h (kick w·h/2, drift w·h, kick w·h/2).  Weights ``[1]`` give leapfrog
(2nd order); Yoshida's triple jump ``[w1, w0, w1]`` with
w1 = 1/(2 - 2^(1/3)), w0 = 1 - 2·w1 gives 4th order (Yoshida, Phys. Lett. A
150, 262, 1990).  The step is fixed for the whole run: a symplectic method
whose step changes mid-run loses its long-time energy behaviour.

Same calling convention and return codes as :mod:`.explicit_rk`;
``acc`` holds a(q) at the current state on entry and on exit (one force
evaluation per substep).
"""

from __future__ import annotations

import numpy as np

from .explicit_rk import NONFINITE, OK, PAUSED, _all_finite
from .kernel_types import RHS, i64, kernel, mat, vec

_CBRT2 = 2.0 ** (1.0 / 3.0)
YOSHIDA4 = np.array([1.0 / (2.0 - _CBRT2), -_CBRT2 / (2.0 - _CBRT2), 1.0 / (2.0 - _CBRT2)])
LEAPFROG = np.array([1.0])
WEIGHTS = {"leapfrog": LEAPFROG, "yoshida4": YOSHIDA4}
ORDERS = {"leapfrog": 2, "yoshida4": 4}


@kernel(i64(RHS, vec, vec, vec, vec, mat, i64, vec, vec))
def kdk(accel, weights, y, p, targets, out, max_steps, acc, info):
    m = y.size // 2
    q = y[:m]
    v = y[m:]
    t = info[0]
    h = info[1]
    steps = 0
    i = 0
    status = OK
    while i < targets.size:
        remaining = int(np.rint((targets[i] - t) / h))
        while remaining > 0:
            if steps >= max_steps:
                status = PAUSED
                break
            tt = t
            for w in weights:
                hw = w * h
                for j in range(m):
                    v[j] += 0.5 * hw * acc[j]
                    q[j] += hw * v[j]
                tt += hw
                accel(tt, q, p, acc)
                for j in range(m):
                    v[j] += 0.5 * hw * acc[j]
            t += h
            steps += 1
            remaining -= 1
            if not _all_finite(y):
                status = NONFINITE
                break
        if status != OK:
            break
        t = targets[i]
        out[i, :] = y
        i += 1
    info[0] = t
    info[2] = i
    info[3] = steps
    info[4] = 0
    return status
