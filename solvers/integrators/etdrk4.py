"""Exponential time differencing RK4 for u_t = L u + N(u, t) with L diagonal
in the spectral basis (Cox & Matthews, J. Comput. Phys. 176, 430, 2002),
coefficients by contour integrals (Kassam & Trefethen, SIAM J. Sci. Comput.
26, 1214, 2005).

The state is the flattened complex spectral vector; ``N`` is a first-class
function N(t, v̂, p, out̂).  Same calling convention and return codes as
:mod:`.explicit_rk` (fixed step h = info[1]).
"""

from __future__ import annotations

import numpy as np

from .explicit_rk import NONFINITE, OK, PAUSED, _all_finite
from .kernel_types import CRHS, cmat, cvec, i64, kernel, vec


def etdrk4_coefficients(L: np.ndarray, h: float, contour_points: int = 64) -> tuple[np.ndarray, ...]:
    """E, E2, Q, f1, f2, f3 of ETDRK4 for the diagonal operator L and step h.

    φ-functions are evaluated as means over a circle of radius 1 around each
    h·L (Kassam & Trefethen's remedy for the cancellation of the direct
    formulas at small |hL|).  Complex L keeps complex coefficients.
    """
    L = np.asarray(L, dtype=complex).ravel()
    # Operators of 2-D problems repeat values (−ν|k|² depends on |k| only):
    # evaluate the contour means once per distinct value, in bounded chunks.
    values, inverse = np.unique(L, return_inverse=True)
    r = np.exp(2j * np.pi * (np.arange(1, contour_points + 1) - 0.5) / contour_points)
    coeffs = np.empty((4, values.size), dtype=complex)
    chunk = max(1, 2**20 // contour_points)
    for start in range(0, values.size, chunk):
        hv = h * values[start : start + chunk]
        # the whole circle: complex (dispersive) L has no conjugate symmetry to exploit
        LR = hv[:, None] + r[None, :]
        eLR = np.exp(LR)
        coeffs[0, start : start + chunk] = h * np.mean((np.exp(LR / 2) - 1) / LR, axis=1)
        coeffs[1, start : start + chunk] = h * np.mean((-4 - LR + eLR * (4 - 3 * LR + LR**2)) / LR**3, axis=1)
        coeffs[2, start : start + chunk] = h * np.mean((2 + LR + eLR * (-2 + LR)) / LR**3, axis=1)
        coeffs[3, start : start + chunk] = h * np.mean((-4 - 3 * LR - LR**2 + eLR * (4 - LR)) / LR**3, axis=1)
    Q, f1, f2, f3 = (c[inverse] for c in coeffs)
    if np.all(np.isreal(L)):
        Q, f1, f2, f3 = (np.real(a).astype(complex) for a in (Q, f1, f2, f3))
    hL = h * L
    E = np.exp(hL)
    E2 = np.exp(hL / 2)
    return tuple(np.ascontiguousarray(a, dtype=np.complex128) for a in (E, E2, Q, f1, f2, f3))


@kernel(i64(CRHS, cvec, cvec, cvec, cvec, cvec, cvec, cvec, vec, vec, cmat, i64, cmat, vec))
def etdrk4(N, E, E2, Q, f1, f2, f3, v, p, targets, out, max_steps, work, info):
    """``work`` is (5, m): Nu, a, Na, b, Nb (Nc reuses the Nu row after use)."""
    m = v.size
    t = info[0]
    h = info[1]
    Nu = work[0]
    a = work[1]
    Na = work[2]
    b = work[3]
    Nb = work[4]
    c = np.empty_like(v)
    Nc = np.empty_like(v)
    steps = 0
    i = 0
    status = OK
    while i < targets.size:
        remaining = int(np.rint((targets[i] - t) / h))
        while remaining > 0:
            if steps >= max_steps:
                status = PAUSED
                break
            N(t, v, p, Nu)
            for j in range(m):
                a[j] = E2[j] * v[j] + Q[j] * Nu[j]
            N(t + 0.5 * h, a, p, Na)
            for j in range(m):
                b[j] = E2[j] * v[j] + Q[j] * Na[j]
            N(t + 0.5 * h, b, p, Nb)
            for j in range(m):
                c[j] = E2[j] * a[j] + Q[j] * (2.0 * Nb[j] - Nu[j])
            N(t + h, c, p, Nc)
            for j in range(m):
                v[j] = E[j] * v[j] + f1[j] * Nu[j] + 2.0 * f2[j] * (Na[j] + Nb[j]) + f3[j] * Nc[j]
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
