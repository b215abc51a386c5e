"""The Kuramoto–Sivashinsky equation on a periodic interval.

    u_t + u u_x + u_xx + u_xxxx = 0,   x ∈ [a, b) periodic,

in its usual dimensionless form (lengths and times in the units that make
all three coefficients 1; the box length L = b − a is the only parameter of
the dynamics).  The u_xx term feeds the long waves (0 < k < 1 grow, fastest
at k = 1/√2), u_xxxx damps the short ones, and u u_x moves energy between
them: for L ≳ 20 the result is spatiotemporal chaos.

Fourier space (real field, ``rfft`` coefficients): û_t = L û + N(û) with
L = k² − k⁴ and N = −½ i k FFT(u²) (u u_x = ½ (u²)_x).  The Nyquist mode of
an even grid gets no odd derivative (its i k factor is 0).  The k = 0 mode
has L = 0 and N = 0: the mean ∫u dx is conserved exactly, which is the
invariant reported.

Default method: ETDRK4 with Kassam–Trefethen contour-integral coefficients
(A.-K. Kassam & L. N. Trefethen, "Fourth-order time-stepping for stiff
PDEs", SIAM J. Sci. Comput. 26, 1214–1233 (2005)); their KS case (N = 128,
h = 1/4, x ∈ [0, 32π), u0 = cos(x/16)(1 + sin(x/16)), t ≤ 150) is the
preset ``kassam_trefethen``.
"""

from __future__ import annotations

import numpy as np

from ..catalog import register
from ..integrators.kernel_types import jit
from ..pde import PDE
from ..spec import Invariant, Parameter, Preset, System, Variable

# p = [n, L, dealias]


@jit
def ks_nonlinear(t, v, p, out):
    """N(û) = −½ i k FFT(u²) on the rfft coefficients (optionally 2/3-dealiased)."""
    n = int(p[0])
    dk = 2.0 * np.pi / p[1]
    m = v.size
    u = np.fft.irfft(v, n)
    for j in range(n):
        u[j] = u[j] * u[j]
    w = np.fft.rfft(u)
    dealias = p[2] > 0.5
    for j in range(m):
        if (n % 2 == 0 and j == n // 2) or (dealias and 3 * j >= n):
            out[j] = 0.0
        else:
            out[j] = -0.5j * (dk * j) * w[j]


def ks_linear(grid, params):
    k = grid.k(0, real=True)
    return (k * k - k**4).astype(complex)


def ks_pack(params, grid):
    return np.array([grid.n[0], grid.length(0), 1.0 if params["dealias"] == "2/3" else 0.0])


def _mean(v, params):
    return v["grid"].integrate(v["u"])


# --------------------------------------------------------------------------
# presets


def _kt_ic(grid, params, rng):
    x = grid.x
    return {"u": np.cos(x / 16.0) * (1.0 + np.sin(x / 16.0))}


def random_low_modes(grid, amplitude, rng, modes=8):
    """Σ_{m=1}^{modes} a_m cos(2πm x/L + φ_m), a_m ~ N(0, 1), φ_m uniform,
    scaled to max |u| = amplitude: a smooth, mean-zero, generic start
    (no reflection symmetry)."""
    x = grid.x - grid.domain[0][0]
    L = grid.length()
    u = np.zeros_like(x)
    for m in range(1, modes + 1):
        u += rng.standard_normal() * np.cos(2 * np.pi * m * x / L + rng.uniform(0, 2 * np.pi))
    return amplitude * u / np.max(np.abs(u))


def _random_ic(grid, params, rng):
    return {"u": random_low_modes(grid, params["amplitude"], rng)}


KS = System(
    name="kuramoto_sivashinsky",
    title="Kuramoto–Sivashinsky equation",
    kind="pde",
    description=(
        "The 1-D Kuramoto–Sivashinsky equation on a periodic interval: long waves grow (u_xx), short ones "
        "are damped (u_xxxx) and the nonlinearity couples them into spatiotemporal chaos once the box is "
        "longer than about 20. Default method: ETDRK4 (Kassam–Trefethen); the box length is the only "
        "parameter of the dynamics (set it with the domain)."
    ),
    equations="u_t + u u_x + u_xx + u_xxxx = 0,   x ∈ [a, b) periodic",
    variables=(Variable("u", "the field u(x, t) (a flame-front slope, a film height, …; dimensionless)", size="grid"),),
    parameters=(
        Parameter(
            "dealias",
            "none",
            "2/3-rule dealiasing of the nonlinear term (Kassam & Trefethen do not dealias)",
            kind="choice",
            choices=("none", "2/3"),
        ),
        Parameter(
            "amplitude",
            0.1,
            "max |u| of the random low-mode initial field (presets that start from one)",
            bounds=(0.0, 10.0),
            role="initial",
        ),
    ),
    invariants=(Invariant("mean", "∫u dx (the k = 0 mode: L = 0, N = 0)", _mean),),
    presets=(
        Preset(
            "kassam_trefethen",
            "Kassam & Trefethen's case: 32π box, N = 128, h = 1/4, t ≤ 150",
            initial_fn=_kt_ic,
            grid={"n": 128, "domain": (0.0, 32 * np.pi)},
            t_end=150.0,
            samples=601,
            method="etdrk4",
            dt=0.25,
            params={"dealias": "none"},
            source="A.-K. Kassam & L. N. Trefethen, SIAM J. Sci. Comput. 26, 1214 (2005), §6 (kursiv.m)",
            description=(
                "u0 = cos(x/16)(1 + sin(x/16)) on [0, 32π), 128 points, ETDRK4 with h = 1/4 as in the paper "
                "(there the Nyquist mode is given k = 0 in L as well; here it gets L = k² − k⁴, which makes "
                "no visible difference: that mode starts at 0 and gets no nonlinear forcing). The ordered "
                "cells break up into spatiotemporal chaos by t ≈ 50."
            ),
        ),
        Preset(
            "minimal_box_L22",
            "L = 22: the small chaotic box of Cvitanović, Davidchack & Siminos",
            initial_fn=_random_ic,
            grid={"n": 64, "domain": (-11.0, 11.0)},
            t_end=500.0,
            samples=1001,
            method="etdrk4",
            dt=0.05,
            params={"amplitude": 0.1},
            source=(
                "P. Cvitanović, R. L. Davidchack & E. Siminos, SIAM J. Appl. Dyn. Syst. 9, 1–33 (2010) "
                "(the box L = 22); initial field and numerics illustrative"
            ),
            description=(
                "x ∈ [−11, 11): three linearly unstable wavenumbers (2π/22, 4π/22, 6π/22); the "
                "paper charts its unstable equilibria, travelling waves and relative periodic orbits. "
                "Starts from a small random field drawn from the run's seed."
            ),
        ),
        Preset(
            "large_box",
            "Extensive spatiotemporal chaos in a box of length 400",
            initial_fn=_random_ic,
            grid={"n": 512, "domain": (0.0, 400.0)},
            t_end=400.0,
            samples=401,
            method="etdrk4",
            dt=0.25,
            params={"amplitude": 0.1},
            source="illustrative (box length and numerics chosen here)",
            description=(
                "About 45 cells of wavelength ≈ 2π√2 form from a small random field and then break up; "
                "512 points give the grid spacing of Kassam & Trefethen's case (Δx ≈ 0.78, |k| ≤ 4)."
            ),
        ),
    ),
    reference="A.-K. Kassam & L. N. Trefethen, SIAM J. Sci. Comput. 26, 1214–1233 (2005)",
    methods=("etdrk4",),
    default_method="etdrk4",
    default_dt=0.25,
    default_t_end=150.0,
    default_samples=601,
    pde=PDE(
        dims=1,
        default_n=128,
        default_domain=(0.0, 32 * np.pi),
        real=True,
        linear=ks_linear,
        nonlinear=ks_nonlinear,
        pack=ks_pack,
    ),
    tags=("pde", "chaos", "dissipative"),
)

register(KS)
