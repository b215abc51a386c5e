"""Split-step Fourier methods for i ψ_t = L-part + N-part equations whose
nonlinear part has an exact pointwise flow (the NLSE: ψ ← ψ·e^{i s |ψ|² τ}).

Strang splitting (2nd order): half a linear step in Fourier space, a full
nonlinear step in physical space, half a linear step.  4th order: Yoshida's
triple jump of Strang steps with weights w1, w0, w1 (Yoshida, Phys. Lett. A
150, 262, 1990).  Both are unitary: the mass Σ|ψ|² is conserved to round-off.

The state is the complex spectral vector ψ̂ = fft(ψ); ``flow(τ, ψ, p, out)``
advances ψ (physical) by the nonlinear flow for time τ.  ``Eh[s]`` holds
exp(L·w_s·h/2) for each substep s.  Same calling convention and return codes
as :mod:`.explicit_rk` (fixed step h = info[1]).
"""

from __future__ import annotations

import numpy as np

from .explicit_rk import NONFINITE, OK, PAUSED, _all_finite
from .kernel_types import CRHS, cmat, cvec, i64, kernel, vec

_CBRT2 = 2.0 ** (1.0 / 3.0)
WEIGHTS = {
    "ssf2": np.array([1.0]),
    "ssf4": np.array([1.0 / (2.0 - _CBRT2), -_CBRT2 / (2.0 - _CBRT2), 1.0 / (2.0 - _CBRT2)]),
}


def half_step_exponentials(L: np.ndarray, h: float, weights: np.ndarray) -> np.ndarray:
    L = np.asarray(L, dtype=complex).ravel()
    return np.ascontiguousarray(np.exp(np.outer(weights * h / 2, L)))


@kernel(i64(CRHS, cmat, vec, cvec, vec, vec, cmat, i64, vec))
def split_step(flow, Eh, weights, v, p, targets, out, max_steps, info):
    m = v.size
    t = info[0]
    h = info[1]
    psi2 = np.empty_like(v)
    steps = 0
    i = 0
    status = OK
    while i < targets.size:
        remaining = int(np.rint((targets[i] - t) / h))
        while remaining > 0:
            if steps >= max_steps:
                status = PAUSED
                break
            for s in range(weights.size):
                for j in range(m):
                    v[j] *= Eh[s, j]
                psi = np.fft.ifft(v)
                flow(weights[s] * h, psi, p, psi2)
                w = np.fft.fft(psi2)
                for j in range(m):
                    v[j] = w[j] * Eh[s, j]
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
