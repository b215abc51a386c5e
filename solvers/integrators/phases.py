"""Unit phasors e^{iθ} for many angles at once, in a form the compiler
vectorizes: the integrating-factor right-hand sides need e^{±Lt} for purely
imaginary L at a new t in every stage, and a loop of libm exps (or a serial
recurrence of complex products) costs more than the transforms it sits
between.

``cis(θ)`` reduces θ by multiples of π/2 (Cody–Waite: π/2 split into 33 +
33 bits and the rest, exact for |θ| < CIS_MAX) and evaluates the Taylor
polynomials of cos and sin on |r| ≤ π/4, truncated below 1e-17; the result is
as accurate as ``exp(1j * θ)`` of the same (rounded) θ.  Callers fall back to
exact exps above CIS_MAX.
"""

from __future__ import annotations

import numpy as np

from .kernel_types import jit

# π/2 = _PIO2_1 + _PIO2_2 + _PIO2_3 (fdlibm's split); q · _PIO2_1 is exact for |q| < 2^20
_PIO2_1 = 1.57079632673412561417e00
_PIO2_2 = 6.07710050630396597660e-11
_PIO2_3 = 2.02226624879595063154e-21
_TWO_OVER_PI = 6.36619772367581382433e-01
CIS_MAX = 1.0e6  # |θ| below which the reduction is exact (q < 2^20)

# Taylor coefficients of cos ((−1)^k/(2k)!) and sin ((−1)^k/(2k+1)!); on |r| ≤ π/4 the first terms
# left out are below 3e-18 (cos) and 1e-19 (sin)
_C2, _C4, _C6, _C8 = -1.0 / 2.0, 1.0 / 24.0, -1.0 / 720.0, 1.0 / 40320.0
_C10, _C12, _C14, _C16 = -1.0 / 3628800.0, 1.0 / 479001600.0, -1.0 / 87178291200.0, 1.0 / 20922789888000.0
_S3, _S5, _S7, _S9 = -1.0 / 6.0, 1.0 / 120.0, -1.0 / 5040.0, 1.0 / 362880.0
_S11, _S13, _S15, _S17 = -1.0 / 39916800.0, 1.0 / 6227020800.0, -1.0 / 1307674368000.0, 1.0 / 355687428096000.0


@jit
def cis(th):
    """e^{iθ} for |θ| < CIS_MAX, branch-free (selects only) so that loops
    calling it vectorize."""
    q = np.floor(th * _TWO_OVER_PI + 0.5)
    r = ((th - q * _PIO2_1) - q * _PIO2_2) - q * _PIO2_3
    r2 = r * r
    c = _C10 + r2 * (_C12 + r2 * (_C14 + r2 * _C16))
    c = 1.0 + r2 * (_C2 + r2 * (_C4 + r2 * (_C6 + r2 * (_C8 + r2 * c))))
    s = _S11 + r2 * (_S13 + r2 * (_S15 + r2 * _S17))
    s = r * (1.0 + r2 * (_S3 + r2 * (_S5 + r2 * (_S7 + r2 * (_S9 + r2 * s)))))
    quadrant = np.int64(q) & 3
    if quadrant & 1:  # rotate by π/2
        c, s = -s, c
    if quadrant & 2:  # rotate by π
        c, s = -c, -s
    return complex(c, s)


@jit
def quadratic_phases(alpha, count, out):
    """out[m] = e^{iα m²} for m = 0 … count−1: :func:`cis` (the loop
    vectorizes), or exact exps when |α| (count − 1)² ≥ CIS_MAX."""
    top = float(count - 1)
    if abs(alpha) * top * top < CIS_MAX:
        for m in range(count):
            fm = float(m)
            out[m] = cis(alpha * fm * fm)
    else:
        for m in range(count):
            fm = float(m)
            th = alpha * fm * fm
            out[m] = complex(np.cos(th), np.sin(th))
