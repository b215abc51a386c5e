"""The viscous Burgers equation on a periodic interval.

    u_t + u u_x = ν u_xx,   x ∈ [a, b) periodic,  ν > 0,

in dimensionless units (u a velocity, ν a kinematic viscosity in units of
length²/time; a Reynolds number is U·ℓ/ν).  Fourier space (real field,
``rfft`` coefficients): û_t = L û + N(û) with the dissipative L = −ν k² and
N = −½ i k FFT(u²) (the conservative form of −u u_x), optionally 2/3-
dealiased.  L is real and negative, so the integrating-factor methods (whose
interaction picture needs |e^{Lt}| = 1) are not offered: ETDRK4 with
Kassam–Trefethen coefficients treats the stiff viscous term exactly.

Invariant: the mean, ∫u dx (the k = 0 mode has L = 0 and N = 0, so it is
conserved to round-off by construction).  Observables (recorded, not
conserved): the energy ½∫u² dx, which decays at the rate ν∫u_x² dx, and the
steepest slope max |u_x|.

Exact solutions by the Cole–Hopf transform (Hopf, Comm. Pure Appl. Math. 3,
201 (1950); Cole, Quart. Appl. Math. 9, 225 (1951)): u = −2ν φ_x/φ with
φ_t = ν φ_xx.  Galilean invariance adds a uniform flow: if w solves Burgers,
so does U + w(x − Ut, t).

* ``cole_hopf``: φ = 1 + a1 e^{−νk²t} cos kξ + a2 e^{−4νk²t} cos 2kξ,
  ξ = x − a − Ut, k = 2π/L, positive for |a1| + |a2| < 1;
* ``shock_formation``: u0 = A sin(k(x − a)); φ0 = exp(A cos(k(x − a))/(2νk)),
  and u(x, t) = ⟨u0(x − η)⟩ averaged with the weights φ0(x − η) e^{−η²/4νt}
  (the heat kernel on the line; the sum is evaluated by the trapezoidal rule
  in log-scaled form, accurate to round-off even when φ varies by e^{±100}).
"""

from __future__ import annotations

import math

import numpy as np

from ..catalog import register
from ..integrators.kernel_types import jit
from ..pde import PDE
from ..spec import Invariant, Parameter, Preset, System, Variable
from .kdv import quadratic_flux

# p = [nu, n, L, dealias]


@jit
def burgers_nonlinear(t, v, p, out):
    """N(û) = −½ i k FFT(u²)."""
    quadratic_flux(v, int(p[1]), p[2], -0.5, p[3] > 0.5, out)


def burgers_linear(grid, params):
    k = grid.k(0, real=True)
    return -params["nu"] * k * k + 0j


def burgers_pack(params, grid):
    return np.array([params["nu"], grid.n[0], grid.length(0), 1.0 if params["dealias"] == "2/3" else 0.0])


def _mass(v, params):
    return v["grid"].integrate(v["u"])


def _energy(v, params):
    return 0.5 * v["grid"].integrate(v["u"] ** 2)


def _max_slope(v, params):
    return np.max(np.abs(v["grid"].derivative(v["u"])), axis=-1)


# --------------------------------------------------------------------------
# exact solutions


def cole_hopf_modes(x, t, nu, a1, a2, U, a, L):
    """u = U − 2ν φ_x/φ, φ = 1 + a1 e^{−νk²t} cos kξ + a2 e^{−4νk²t} cos 2kξ,
    ξ = x − a − Ut, k = 2π/L (x, t broadcast)."""
    k = 2 * np.pi / L
    xi = k * (x - a - U * t)
    e1 = a1 * np.exp(-nu * k * k * t)
    e2 = a2 * np.exp(-4 * nu * k * k * t)
    phi = 1 + e1 * np.cos(xi) + e2 * np.cos(2 * xi)
    phi_x = -k * (e1 * np.sin(xi) + 2 * e2 * np.sin(2 * xi))
    return U - 2 * nu * phi_x / phi


@jit
def sine_cole_hopf(x, t, A, k0, nu, h_factor, out, slope):
    """u(x, t) and u_x(x, t) of Burgers with u0 = A sin(k0 x), by Cole–Hopf:
    u = ⟨u0(x − σs)⟩ and u_x = ⟨u0'⟩ − (⟨u0²⟩ − ⟨u0⟩²)/(2ν) over the weights
    exp(−s² + z cos(k0(x − σs))), z = A/(2νk0), σ = √(4νt).  Trapezoidal rule
    in s with spacing ``h_factor`` over √(2 + |z|k0²σ²) (the curvature of the
    exponent bounds how narrow the weight can be); the integrand is entire
    and decays like e^{−s²}, so the error falls like e^{−c/h²}.  Each x is
    scaled by its largest exponent; terms below e^{−50} of it are dropped."""
    z = A / (2.0 * nu * k0)
    if t <= 0.0:
        for i in range(x.size):
            out[i] = A * math.sin(k0 * x[i])
            slope[i] = A * k0 * math.cos(k0 * x[i])
        return
    sig = math.sqrt(4.0 * nu * t)
    h = h_factor / math.sqrt(2.0 + abs(z) * k0 * k0 * sig * sig)
    m = math.ceil(math.sqrt(2.0 * abs(z) + 80.0) / h)
    size = 2 * m + 1
    C = np.empty(size)
    Sn = np.empty(size)
    G = np.empty(size)
    E = np.empty(size)
    for j in range(size):
        s = (j - m) * h
        C[j] = math.cos(k0 * sig * s)
        Sn[j] = math.sin(k0 * sig * s)
        G[j] = -s * s
    for i in range(x.size):
        cx = math.cos(k0 * x[i])
        sx = math.sin(k0 * x[i])
        top = -1e300
        for j in range(size):
            # cos(k0(x − σs)) = cos k0x cos k0σs + sin k0x sin k0σs
            E[j] = G[j] + z * (cx * C[j] + sx * Sn[j])
            if E[j] > top:
                top = E[j]
        den = 0.0
        m1 = 0.0
        m2 = 0.0
        md = 0.0
        for j in range(size):
            e = E[j] - top
            if e < -50.0:
                continue
            w = math.exp(e)
            sy = sx * C[j] - cx * Sn[j]  # sin(k0(x − σs))
            cy = cx * C[j] + sx * Sn[j]
            u0 = A * sy
            den += w
            m1 += u0 * w
            m2 += u0 * u0 * w
            md += A * k0 * cy * w
        mean = m1 / den
        out[i] = mean
        slope[i] = md / den - (m2 / den - mean * mean) / (2.0 * nu)


def sine_solution(x, t, A, k0, nu, h_factor=0.25):
    """u and u_x of u0 = A sin(k0 x) at the times t (arrays of shape (len(t), len(x)))."""
    x = np.ascontiguousarray(x, dtype=np.float64)
    ts = np.atleast_1d(np.asarray(t, dtype=float))
    u = np.empty((ts.size, x.size))
    ux = np.empty((ts.size, x.size))
    for i, tt in enumerate(ts):
        sine_cole_hopf(x, float(tt), float(A), float(k0), float(nu), float(h_factor), u[i], ux[i])
    return u, ux


# --------------------------------------------------------------------------
# presets


def _check_modes(params):
    if abs(params["a1"]) + abs(params["a2"]) >= 1.0:
        raise ValueError(
            f"parameters 'a1' and 'a2': |a1| + |a2| = {abs(params['a1']) + abs(params['a2']):g} must be < 1 "
            "(otherwise φ vanishes somewhere and u = −2νφ_x/φ is singular)"
        )


def _cole_hopf_exact(t, grid, params):
    _check_modes(params)
    (a, b) = grid.domain[0]
    tt = np.atleast_1d(np.asarray(t, dtype=float))[:, None]
    u = cole_hopf_modes(grid.x[None, :], tt, params["nu"], params["a1"], params["a2"], params["mean"], a, b - a)
    return {"u": u}


def _cole_hopf_ic(grid, params, rng):
    return {"u": _cole_hopf_exact(0.0, grid, params)["u"][0]}


def _sine_exact(t, grid, params):
    a = grid.domain[0][0]
    k0 = 2 * np.pi / grid.length()
    u, _ = sine_solution(grid.x - a, t, params["amplitude"], k0, params["nu"])
    return {"u": u}


def _sine_ic(grid, params, rng):
    a = grid.domain[0][0]
    k0 = 2 * np.pi / grid.length()
    return {"u": params["amplitude"] * np.sin(k0 * (grid.x - a))}


BASDEVANT = (
    "Basdevant, Deville, Haldenwang, Lacroix, Ouazzani, Peyret, Orlandi & Patera, Comput. Fluids 14, 23 (1986): "
    "max |u_x| = 152.00516 at t = 1.6037/π"
)

BURGERS = System(
    name="burgers",
    title="Viscous Burgers equation",
    kind="pde",
    description=(
        "Burgers' equation on a periodic interval: steepening into viscous shocks, with exact Cole–Hopf "
        "solutions to compare against.  Method: ETDRK4 (Kassam–Trefethen coefficients; the viscous term "
        "is integrated exactly).  Integrating-factor methods are not offered: L = −νk² is dissipative.  The "
        "nonlinear term is 2/3-dealiased by default (aliasing can destabilize marginally resolved fronts)."
    ),
    equations="u_t + u u_x = ν u_xx,   x ∈ [a, b) periodic",
    variables=(Variable("u", "velocity u(x, t)", size="grid"),),
    parameters=(
        Parameter("nu", 0.05, "kinematic viscosity ν", unit="length²/time", bounds=(1e-6, 1e3)),
        Parameter(
            "dealias", "2/3", "2/3-rule dealiasing of the nonlinear term", kind="choice", choices=("2/3", "none")
        ),
        Parameter(
            "a1", 0.9, "Cole–Hopf: amplitude of cos kξ in φ (|a1| + |a2| < 1)", bounds=(-0.999, 0.999), role="initial"
        ),
        Parameter(
            "a2",
            -0.05,
            "Cole–Hopf: amplitude of cos 2kξ in φ (|a1| + |a2| < 1)",
            bounds=(-0.999, 0.999),
            role="initial",
        ),
        Parameter("mean", 0.5, "Cole–Hopf: uniform flow U (the mean of u)", bounds=(-1e3, 1e3), role="initial"),
        Parameter(
            "amplitude", 1.0, "amplitude A of the initial sine A sin(2π(x − a)/L)", bounds=(-1e3, 1e3), role="initial"
        ),
    ),
    invariants=(Invariant("mass", "∫u dx (= U·L for the Cole–Hopf preset)", _mass),),
    observables=(
        Invariant("energy", "½∫u² dx (decays: dE/dt = −ν∫u_x² dx)", _energy),
        Invariant("max_slope", "max |u_x| (the steepness of the front)", _max_slope),
    ),
    presets=(
        Preset(
            "cole_hopf",
            "Exact Cole–Hopf solution: a decaying front carried by a uniform flow",
            initial_fn=_cole_hopf_ic,
            exact=_cole_hopf_exact,
            grid={"n": 256, "domain": (0.0, 2 * np.pi)},
            t_end=10.0,
            samples=101,
            method="etdrk4",
            dt=0.005,
            params={"nu": 0.05, "a1": 0.9, "a2": -0.05, "mean": 0.5},
            source="Hopf, Comm. Pure Appl. Math. 3, 201 (1950); Cole, Quart. Appl. Math. 9, 225 (1951)",
            description="φ = 1 + a1 e^{−νt} cos ξ + a2 e^{−4νt} cos 2ξ, ξ = x − Ut, u = U − 2νφ_x/φ.  The front sits "
            "where φ is smallest (min φ = 1 − a1 + a2 = 0.05 at t = 0): its width is set by how close φ comes to "
            "zero, ~√(min φ) ≈ 0.3, and its velocity jump by ν over that width; both relax as the modes decay.",
        ),
        Preset(
            "shock_formation",
            "u0 = sin x, ν = 0.01: steepening into a viscous shock (exact by Cole–Hopf)",
            initial_fn=_sine_ic,
            exact=_sine_exact,
            grid={"n": 2048, "domain": (0.0, 2 * np.pi)},
            t_end=3.0,
            samples=151,
            method="etdrk4",
            dt=1e-3,
            params={"nu": 0.01, "amplitude": 1.0},
            source="Whitham, Linear and Nonlinear Waves (Wiley, 1974), ch. 2 and 4; " + BASDEVANT,
            description="Without viscosity the characteristics of u0 = sin x cross at t = 1/max(−u0') = 1 at x = π "
            "(Whitham ch. 2): the wave breaks.  Viscosity holds the front at a width ~2ν/Δu instead; the slope at "
            "x = π peaks at t = 1.6037 with |u_x| = 48.385 (152.00516/π: this is Basdevant et al.'s benchmark "
            "u0 = −sin πx, ν = 0.01/π on [−1, 1] under x → π(x + 1), t → πt), after which the shock decays "
            "like a sawtooth.",
        ),
        Preset(
            "basdevant",
            "Benchmark of Basdevant et al.: u0 = −sin πx on [−1, 1], ν = 0.01/π",
            initial_fn=_sine_ic,
            exact=_sine_exact,
            grid={"n": 2048, "domain": (-1.0, 1.0)},
            t_end=1.0,
            samples=101,
            method="etdrk4",
            dt=2e-4,
            params={"nu": 0.01 / np.pi, "amplitude": 1.0},
            source=BASDEVANT,
            description="A sin(π(x + 1)) = −sin πx.  The periodic problem is the published Dirichlet one (the "
            "solution stays odd about x = 0 and x = ±1).  Steepest slope |u_x| = 152.00516 at t = 1.6037/π ≈ 0.5105.",
        ),
    ),
    reference="J. M. Burgers, Adv. Appl. Mech. 1, 171 (1948); E. Hopf (1950); J. D. Cole (1951)",
    methods=("etdrk4",),
    default_method="etdrk4",
    default_dt=0.001,
    default_t_end=10.0,
    default_samples=201,
    pde=PDE(
        dims=1,
        default_n=512,
        default_domain=(0.0, 2 * np.pi),
        real=True,
        linear=burgers_linear,
        nonlinear=burgers_nonlinear,
        pack=burgers_pack,
    ),
    tags=("pde", "shock", "dissipative"),
)

register(BURGERS)
