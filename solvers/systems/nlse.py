"""The cubic nonlinear Schrödinger equation (NLSE) on a periodic interval.

    i ψ_t + ½ ψ_xx + g |ψ|² ψ = 0,   g = +1 focusing, g = −1 defocusing,

in units where x, t and ψ are dimensionless (for optical fibres x is retarded
time in units of the pulse width, t is distance in dispersion lengths and
|ψ|² is power in units of the soliton power).  Fourier space: ψ̂_t = L ψ̂ + N
with L = −i k²/2 and N = FFT(i g |ψ|² ψ).

Invariants (computed spectrally in float64): mass ∫|ψ|² dx, momentum
∫ Im(ψ* ψ_x) dx and Hamiltonian ∫ (½|ψ_x|² − (g/2)|ψ|⁴) dx.

Exact solutions used by the presets (REFERENCES §1; Zakharov & Shabat, Sov.
Phys. JETP 34, 62 (1972); Akhmediev, Eleonskii & Kulagin, Theor. Math. Phys.
72, 809 (1987); Peregrine, J. Aust. Math. Soc. B 25, 16 (1983)):

* bright soliton ψ = A sech(A(x − x0 − v t)) exp{i[v x + ½(A² − v²) t]};
* Akhmediev breather on the unit background, 0 < a < ½;
* Peregrine soliton (the a → ½ limit);
* plane wave a0 e^{i g a0² t}, unstable for g = +1 to wavenumbers κ < 2a0 at
  rate (κ/2)√(4a0² − κ²) (Benjamin & Feir, J. Fluid Mech. 27, 417 (1967));
* black solitons u0 tanh(u0 x) e^{−i u0² t} of the defocusing equation.
"""

from __future__ import annotations

import math

import numpy as np
from rocket_fft import c2c

from ..catalog import register
from ..integrators.kernel_types import jit
from ..integrators.phases import quadratic_phases
from ..pde import PDE
from ..spec import Invariant, Parameter, Preset, System, Variable

# p = [g, n, L, dealias, *initial-condition parameters]


# Taylor coefficients of cos (_C2k = (−1)^k/(2k)!) and sin (_S2k+1 = (−1)^k/(2k+1)!)
_C2, _C4, _C6, _C8 = -1.0 / 2.0, 1.0 / 24.0, -1.0 / 720.0, 1.0 / 40320.0
_C10, _C12, _C14, _C16 = -1.0 / 3628800.0, 1.0 / 479001600.0, -1.0 / 87178291200.0, 1.0 / 20922789888000.0
_S3, _S5, _S7, _S9 = -1.0 / 6.0, 1.0 / 120.0, -1.0 / 5040.0, 1.0 / 362880.0
_S11, _S13, _S15 = -1.0 / 39916800.0, 1.0 / 6227020800.0, -1.0 / 1307674368000.0


@jit
def _wavenumber(j, n, L):
    m = j if j < (n + 1) // 2 else j - n
    return 2.0 * np.pi * m / L


@jit
def _cubic_term(t, v, p, out):
    """out = FFT(i g |ψ|² ψ) for ψ = IFFT(v), optionally 2/3-dealiased; both
    transforms in ``out`` (no allocation).  ``v`` is left alone."""
    g = p[0]
    n = v.size
    axes = np.zeros(1, dtype=np.int64)
    c2c(v, out, axes, False, 1.0 / n, 1)
    for j in range(n):
        a = out[j]
        s = g * (a.real * a.real + a.imag * a.imag)
        out[j] = complex(-s * a.imag, s * a.real)
    c2c(out, out, axes, True, 1.0, 1)
    if p[3] > 0.5:
        kcut = (2.0 / 3.0) * np.pi * n / p[2]
        for j in range(n):
            if abs(_wavenumber(j, n, p[2])) >= kcut:
                out[j] = 0.0


@jit
def nlse_nonlinear(t, v, p, out):
    """N(ψ̂) = FFT(i g |ψ|² ψ), optionally 2/3-dealiased."""
    _cubic_term(t, v, p, out)


@jit
def nlse_nonlinear_if(t, w, p, out):
    """Interaction picture: e^{−Lt} N(e^{Lt} w), L = −i k²/2.  The n//2 + 1
    distinct phases e^{−ik²t/2} come from the vectorized polynomial of
    :func:`quadratic_phases` and are mirrored to the negative wavenumbers, so
    that both products are plain vectorized passes; the transforms run in
    ``out``."""
    n = w.size
    half = n // 2
    dk = 2.0 * np.pi / p[2]
    phase = np.empty(n, dtype=np.complex128)
    quadratic_phases(-0.5 * t * dk * dk, half + 1, phase)
    for j in range(half + 1, n):
        phase[j] = phase[n - j]
    for j in range(n):
        out[j] = w[j] * phase[j]
    _cubic_term(t, out, p, out)
    for j in range(n):
        out[j] *= np.conj(phase[j])


@jit
def nlse_nonlinear_flow(tau, psi, p, out):
    """Exact flow of i ψ_t = −g|ψ|²ψ over τ: |ψ| is constant, the phase turns
    by θ = g|ψ|²τ.  ``out`` may be ``psi``, but the loops vectorize only
    when it is another array."""
    g = p[0]
    n = psi.size
    big = 0.0
    for j in range(n):
        a = psi[j]
        big = max(big, a.real * a.real + a.imag * a.imag)
    if abs(g * tau) * big <= 0.5:
        # |θ| ≤ 1/2: Taylor polynomials of cos and sin, truncated below 1e-19
        # (round-off); a loop libm cannot vectorize costs six times as much
        for j in range(n):
            a = psi[j]
            th = g * (a.real * a.real + a.imag * a.imag) * tau
            t2 = th * th
            c = _C12 + t2 * (_C14 + t2 * _C16)
            c = 1.0 + t2 * (_C2 + t2 * (_C4 + t2 * (_C6 + t2 * (_C8 + t2 * (_C10 + t2 * c)))))
            sn = _S11 + t2 * (_S13 + t2 * _S15)
            sn = th * (1.0 + t2 * (_S3 + t2 * (_S5 + t2 * (_S7 + t2 * (_S9 + t2 * sn)))))
            out[j] = complex(a.real * c - a.imag * sn, a.real * sn + a.imag * c)
    else:
        for j in range(n):
            a = psi[j]
            th = g * (a.real * a.real + a.imag * a.imag) * tau
            out[j] = a * complex(math.cos(th), math.sin(th))


def nlse_linear(grid, params):
    k = grid.k(0, real=False)
    return -0.5j * k * k


def nlse_pack(params, grid):
    return np.array([params["g"], grid.n[0], grid.length(0), 1.0 if params["dealias"] == "2/3" else 0.0])


# --------------------------------------------------------------------------
# invariants


def _mass(v, params):
    grid = v["grid"]
    psi = v["psi"]
    return grid.integrate(psi.real**2 + psi.imag**2)


def _power_spectrum(v):
    """|ψ̂_k|² of every sample, and the wavenumbers of a first derivative (the
    Nyquist mode of an even grid has none, as in ``Grid.derivative``)."""
    grid = v["grid"]
    psi_hat = grid.forward(v["psi"], False)
    k = np.where(grid._nyquist(0, False), 0.0, grid.k(0))
    return psi_hat.real**2 + psi_hat.imag**2, k


def _momentum(v, params):
    # ∫ Im(ψ* ψ_x) dx = (L/N²) Σ k |ψ̂_k|² (Parseval): one transform per sample instead of two
    grid = v["grid"]
    power, k = _power_spectrum(v)
    return grid.length() / grid.n[0] ** 2 * (power @ k)


def _hamiltonian(v, params):
    # ∫ ½|ψ_x|² dx = (L/2N²) Σ k² |ψ̂_k|² (Parseval)
    grid = v["grid"]
    psi = v["psi"]
    power, k = _power_spectrum(v)
    kinetic = 0.5 * grid.length() / grid.n[0] ** 2 * (power @ (k * k))
    a2 = psi.real**2 + psi.imag**2
    return kinetic - 0.5 * params["g"] * grid.integrate(a2 * a2)


# --------------------------------------------------------------------------
# exact solutions (x, t arrays broadcast)


def bright_soliton(x, t, A, v, x0, g=1.0):
    """A sech(A(x − x0 − vt)) e^{i[vx + ½(A² − v²)t]} (g = 1; for g ≠ 1 the
    amplitude scales as A/√g)."""
    return (A / np.sqrt(g)) / np.cosh(A * (x - x0 - v * t)) * np.exp(1j * (v * x + 0.5 * (A * A - v * v) * t))


def akhmediev(x, t, a):
    """Akhmediev breather on the unit background, peak 1 + 2√(2a) at x = 0, t = 0."""
    Omega = 2 * np.sqrt(1 - 2 * a)
    b = np.sqrt(8 * a * (1 - 2 * a))
    num = (1 - 4 * a) * np.cosh(b * t) + np.sqrt(2 * a) * np.cos(Omega * x) + 1j * b * np.sinh(b * t)
    den = np.sqrt(2 * a) * np.cos(Omega * x) - np.cosh(b * t)
    return np.exp(1j * t) * num / den


def peregrine(x, t):
    return np.exp(1j * t) * (1 - 4 * (1 + 2j * t) / (1 + 4 * x * x + 4 * t * t))


# --------------------------------------------------------------------------
# presets


def _soliton_ic(grid, params, rng):
    A, v, x0 = params["amplitude"], params["velocity"], params["x0"]
    return {"psi": bright_soliton(grid.x, 0.0, A, v, x0, params["g"])}


def _soliton_exact(t, grid, params):
    x = grid.x
    A, v, x0, g = params["amplitude"], params["velocity"], params["x0"], params["g"]
    L = grid.length()
    # the soliton travels; wrap its centre into the box
    tt = np.atleast_1d(t)[:, None]
    centre = (x0 + v * tt - grid.domain[0][0]) % L + grid.domain[0][0]
    env = (A / np.sqrt(g)) / np.cosh(A * _wrap(x[None, :] - centre, L))
    return {"psi": env * np.exp(1j * (v * x[None, :] + 0.5 * (A * A - v * v) * tt))}


def _wrap(d, L):
    return (d + L / 2) % L - L / 2


def _two_soliton_ic(grid, params, rng):
    x = grid.x
    A, v, x0 = params["amplitude"], params["velocity"], params["x0"]
    return {"psi": bright_soliton(x, 0.0, A, v, -x0) + bright_soliton(x, 0.0, A, -v, x0)}


def _akhmediev_grid(params):
    Omega = 2 * np.sqrt(1 - 2 * params["a"])
    L = 2 * np.pi / Omega
    return {"n": 128, "domain": (-L / 2, L / 2)}


def _akhmediev_ic(grid, params, rng):
    return {"psi": akhmediev(grid.x, params["t0"], params["a"])}


def _akhmediev_exact(t, grid, params):
    tt = np.atleast_1d(t)[:, None] + params["t0"]
    return {"psi": akhmediev(grid.x[None, :], tt, params["a"])}


def _peregrine_ic(grid, params, rng):
    return {"psi": peregrine(grid.x, params["t0"])}


def _peregrine_exact(t, grid, params):
    tt = np.atleast_1d(t)[:, None] + params["t0"]
    return {"psi": peregrine(grid.x[None, :], tt)}


def _mi_grid(params):
    kappa = np.sqrt(2.0) * params["amplitude"]  # the fastest-growing wavenumber
    L = 2 * np.pi / kappa * 4
    return {"n": 256, "domain": (-L / 2, L / 2)}


def _mi_ic(grid, params, rng):
    a0 = params["amplitude"]
    kappa = np.sqrt(2.0) * a0
    return {"psi": a0 * (1 + params["epsilon"] * np.cos(kappa * grid.x)) + 0j}


def _dark_ic(grid, params, rng):
    u0, d = params["amplitude"], params["x0"]
    x = grid.x
    return {"psi": u0 * np.tanh(u0 * (x + d)) * np.tanh(u0 * (x - d)) + 0j}


def _dark_exact(t, grid, params):
    u0, d = params["amplitude"], params["x0"]
    tt = np.atleast_1d(t)[:, None]
    x = grid.x[None, :]
    return {"psi": u0 * np.tanh(u0 * (x + d)) * np.tanh(u0 * (x - d)) * np.exp(-1j * u0 * u0 * tt)}


def _published_breather_ic(grid, params, rng):
    # simple-idealized-1d-nlse's "BreatherSolution": amplitude 1, frequency 0.5, modulation 0.5
    x = grid.x
    return {"psi": np.sqrt(2) / np.cosh(x) * np.exp(0.5j * x) * (1 + 0.5 * np.cos(1.0 * x))}


def _published_mi_ic(grid, params, rng):
    # simple-idealized-1d-nlse's "GaussianNoise": exp(-x²/50) + 0.01 (n1 + i n2), legacy seed 42
    x = grid.x
    legacy = np.random.RandomState(42)
    noise = 0.01 * (legacy.randn(x.size) + 1j * legacy.randn(x.size))
    return {"psi": np.exp(-(x**2) / (2 * 5.0**2)) + noise}


PUBLISHED = "simple-idealized-1d-nlse 0.0.5 (Herho et al., PyPI, 2025): L = 50, N = 512, t = 20"
_PUB_GRID = {"n": 512, "domain": (-25.0, 25.0)}

NLSE = System(
    name="nlse",
    title="Nonlinear Schrödinger equation",
    kind="pde",
    description=(
        "Cubic NLSE on a periodic interval: solitons, breathers, rogue waves and modulation instability. "
        "Default method: 4th-order split-step Fourier (unitary: the mass is conserved to round-off); the "
        "6th-order split step (fewest transforms for errors below ~1e-4), integrating-factor DOP853 with error "
        "control, IF-RK4, ETDRK4 and Strang splitting are offered too."
    ),
    equations="i ψ_t + ½ ψ_xx + g |ψ|² ψ = 0,   x ∈ [a, b) periodic",
    variables=(Variable("psi", "complex envelope ψ(x, t)", size="grid", complex=True),),
    parameters=(
        Parameter(
            "g", 1.0, "nonlinearity: +1 focusing (bright solitons), −1 defocusing (dark solitons)", bounds=(-10.0, 10.0)
        ),
        Parameter(
            "dealias", "none", "2/3-rule dealiasing of the nonlinear term", kind="choice", choices=("none", "2/3")
        ),
        Parameter(
            "amplitude",
            1.0,
            "soliton amplitude A (background a0 for modulation instability)",
            bounds=(0.01, 20.0),
            role="initial",
        ),
        Parameter("velocity", 1.0, "soliton velocity v", bounds=(-20.0, 20.0), role="initial"),
        Parameter("x0", -10.0, "soliton position (half-separation for pairs)", bounds=(-1e4, 1e4), role="initial"),
        Parameter("a", 0.25, "Akhmediev breather parameter, 0 < a < ½", bounds=(0.01, 0.49), role="initial"),
        Parameter(
            "t0", -5.0, "time of the exact solution at which a breather starts", bounds=(-100.0, 100.0), role="initial"
        ),
        Parameter("epsilon", 1e-3, "relative amplitude of the seed perturbation", bounds=(0.0, 1.0), role="initial"),
    ),
    invariants=(
        Invariant("mass", "N = ∫|ψ|² dx", _mass),
        Invariant("momentum", "P = ∫ Im(ψ* ψ_x) dx", _momentum),
        Invariant("hamiltonian", "H = ∫ (½|ψ_x|² − (g/2)|ψ|⁴) dx", _hamiltonian),
    ),
    presets=(
        Preset(
            "soliton",
            "Bright soliton A = 2, v = 1 crossing the box",
            initial_fn=_soliton_ic,
            exact=_soliton_exact,
            grid=_PUB_GRID,
            t_end=20.0,
            samples=201,
            method="if_dop853",
            rtol=1e-12,
            atol=1e-12,
            params={"g": 1.0, "amplitude": 2.0, "velocity": 1.0, "x0": -10.0},
            source="Zakharov & Shabat, Sov. Phys. JETP 34, 62 (1972); exact solution",
        ),
        Preset(
            "two_soliton",
            "Two solitons (A = 1, v = ±1) colliding once: shifts ±ln 2",
            initial_fn=_two_soliton_ic,
            grid={"n": 512, "domain": (-40.0, 40.0)},
            t_end=20.0,
            samples=201,
            method="if_dop853",
            rtol=1e-11,
            atol=1e-11,
            params={"g": 1.0, "amplitude": 1.0, "velocity": 1.0, "x0": 10.0},
            source="Zakharov & Shabat (1972); shift formula in REFERENCES §1 (δx = ln R / A)",
            description="The box (length 80) is sized so that the pair meets exactly once, at t = 10.",
        ),
        Preset(
            "akhmediev",
            "Akhmediev breather, a = 0.25, started at t = −5",
            initial_fn=_akhmediev_ic,
            exact=_akhmediev_exact,
            grid=_akhmediev_grid,
            t_end=10.0,
            samples=201,
            method="if_dop853",
            rtol=1e-11,
            atol=1e-11,
            params={"g": 1.0, "a": 0.25, "t0": -5.0},
            source="Akhmediev, Eleonskii & Kulagin, Theor. Math. Phys. 72, 809 (1987)",
            description="Box = one period 2π/Ω; peak 1 + 2√(2a) at t = 5 (t = 0 of the exact solution).",
        ),
        Preset(
            "peregrine",
            "Peregrine soliton (rogue wave), peak 3 at t = 3",
            initial_fn=_peregrine_ic,
            exact=_peregrine_exact,
            grid={"n": 1024, "domain": (-100.0, 100.0)},
            t_end=6.0,
            samples=121,
            method="if_dop853",
            rtol=1e-10,
            atol=1e-10,
            params={"g": 1.0, "t0": -3.0},
            source="Peregrine, J. Aust. Math. Soc. B 25, 16 (1983)",
            tolerance=5e-3,
            description=(
                "Algebraic tails: the box is wide so that the periodic images barely interact, but the "
                "background is modulationally unstable and amplifies the small mismatch at the boundary: "
                "the run matches the exact solution to a few 1e-3, not to round-off."
            ),
        ),
        Preset(
            "modulation_instability",
            "Modulation instability of a plane wave (fastest mode)",
            initial_fn=_mi_ic,
            grid=_mi_grid,
            t_end=20.0,
            samples=201,
            method="ssf4",
            dt=0.005,
            params={"g": 1.0, "amplitude": 1.0, "epsilon": 1e-4},
            source="Benjamin & Feir, J. Fluid Mech. 27, 417 (1967); growth rate in REFERENCES §1",
            description="Plane wave of amplitude a0 seeded at κ = √2 a0, which grows at the maximal rate a0²; "
            "the box holds four periods of the seed.",
        ),
        Preset(
            "dark_soliton",
            "Pair of black solitons (defocusing)",
            initial_fn=_dark_ic,
            exact=_dark_exact,
            grid={"n": 512, "domain": (-30.0, 30.0)},
            t_end=10.0,
            samples=101,
            method="ssf4",
            dt=0.002,
            params={"g": -1.0, "amplitude": 1.0, "x0": 15.0},
            source="Zakharov & Shabat, Sov. Phys. JETP 37, 823 (1973)",
            description="Two stationary black solitons at ±15 (a pair, so that the periodic box has no jump); "
            "their interaction is ~e^{-60}.",
        ),
        Preset(
            "published_single_soliton",
            "As published: single soliton A = 2, x0 = −10, v = 1",
            initial_fn=_soliton_ic,
            exact=_soliton_exact,
            grid=_PUB_GRID,
            t_end=20.0,
            samples=201,
            method="ssf4",
            dt=0.001,
            params={"g": 1.0, "amplitude": 2.0, "velocity": 1.0, "x0": -10.0},
            source=PUBLISHED,
            description="A true soliton: this published case is right.",
        ),
        Preset(
            "published_two_soliton",
            "As published: solitons A = 2, 1.5 at ∓10 moving ±2 (collide twice)",
            initial_fn=lambda g, p, r: {
                "psi": bright_soliton(g.x, 0, 2.0, 2.0, -10.0) + bright_soliton(g.x, 0, 1.5, -2.0, 10.0)
            },
            grid=_PUB_GRID,
            t_end=20.0,
            samples=201,
            method="ssf4",
            dt=0.001,
            params={"g": 1.0},
            source=PUBLISHED,
            description="In a box of length 50 the pair meets at t = 5 and again through the periodic wrap "
            "(t ≈ 17.5): two collisions, not the one the published case describes.",
        ),
        Preset(
            "published_breather",
            "As published: 'breather' (a modulated sech pulse, not a breather)",
            initial_fn=_published_breather_ic,
            grid=_PUB_GRID,
            t_end=20.0,
            samples=201,
            method="ssf4",
            dt=0.001,
            params={"g": 1.0},
            source=PUBLISHED,
            description="√2 sech(x) e^{ix/2} (1 + ½ cos x) is not an exact breather: it sheds radiation and "
            "settles into solitons (REFERENCES §1 pitfall).",
        ),
        Preset(
            "published_modulation_instability",
            "As published: 'modulation instability' (Gaussian + noise)",
            initial_fn=_published_mi_ic,
            grid=_PUB_GRID,
            t_end=20.0,
            samples=201,
            method="ssf4",
            dt=0.001,
            params={"g": 1.0},
            source=PUBLISHED,
            description="A Gaussian of width 5 with 1% noise is not a plane wave, so this is not modulation "
            "instability: the pulse focuses and splits (REFERENCES §1 pitfall).",
        ),
    ),
    reference="V. E. Zakharov & A. B. Shabat, Sov. Phys. JETP 34, 62–69 (1972)",
    methods=("ssf4", "ssf6", "ssf2", "if_dop853", "if_dopri5", "ifrk4", "etdrk4"),
    default_method="ssf4",
    default_dt=0.001,
    default_t_end=20.0,
    default_samples=201,
    pde=PDE(
        dims=1,
        default_n=512,
        default_domain=(-25.0, 25.0),
        real=False,
        linear=nlse_linear,
        nonlinear=nlse_nonlinear,
        nonlinear_if=nlse_nonlinear_if,
        nonlinear_flow=nlse_nonlinear_flow,
        pack=nlse_pack,
    ),
    tags=("pde", "integrable", "soliton"),
)

register(NLSE)
