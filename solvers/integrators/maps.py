"""Iteration of maps y_{k+1} = F(k, y_k).

Same calling convention and return codes as :mod:`.explicit_rk`; ``info[0]``
is the iteration count (a float, exact up to 2^53) and targets are iteration
counts.
"""

from __future__ import annotations

from .explicit_rk import NONFINITE, OK, PAUSED, _all_finite
from .kernel_types import RHS, i64, kernel, mat, vec


@kernel(i64(RHS, vec, vec, vec, mat, i64, vec, vec))
def iterate(F, y, p, targets, out, max_steps, tmp, info):
    n = y.size
    k = info[0]
    steps = 0
    i = 0
    status = OK
    while i < targets.size:
        while k < targets[i]:
            if steps >= max_steps:
                status = PAUSED
                break
            F(k, y, p, tmp)
            for j in range(n):
                y[j] = tmp[j]
            k += 1.0
            steps += 1
            if not _all_finite(y):
                status = NONFINITE
                break
        if status != OK:
            break
        out[i, :] = y
        i += 1
    info[0] = k
    info[2] = i
    info[3] = steps
    info[4] = 0
    return status
