"""The Klein–Gordon family on a periodic interval: linear Klein–Gordon, φ⁴ and sine-Gordon.

    φ_tt − φ_xx + V'(φ) = 0,   x ∈ [a, b) periodic,

in natural units (c = 1: x and t in the same unit, the field dimensionless):

* ``klein_gordon``: V = ½ m² φ² (m: mass, an inverse length); dispersion ω² = k² + m²,
  group velocity k/√(k² + m²);
* ``phi4``: V = (λ/4)(φ² − v²)² (λ: coupling, v: vacuum value); kink
  φ = v tanh(√(λ/2) v γ (x − ut)), rest energy (2√2/3)√λ v³ (R. Rajaraman, Solitons
  and Instantons, North-Holland 1982, ch. 2; Campbell, Schonfeld & Wingate, Physica D 9,
  1 (1983) for kink–antikink collisions, critical speed ≈ 0.2598 at λ = v = 1);
* ``sine_gordon``: V = 1 − cos φ; kink 4 arctan e^{γ(x − ut)} (E = 8γ), breather
  4 arctan[(√(1−ω²)/ω) sin(ωt) / cosh(√(1−ω²) x)] (E = 16√(1−ω²)) and the kink–antikink
  solution 4 arctan[sinh(γut) / (u cosh(γx))] (Perring & Skyrme, Nucl. Phys. 31, 550
  (1962); Ablowitz, Kaup, Newell & Segur, Phys. Rev. Lett. 30, 1262 (1973)).

Discretization: the fields φ and φ_t on the periodic grid; φ_xx by FFT (spectral),
the time step by the symplectic velocity Verlet (``leapfrog``) or Yoshida's
fourth-order composition (``yoshida4``) on the physical fields, with one step for
the whole run.  The state is [φ(n), φ_t(n)]; ``accel`` computes φ_xx − V'(φ) inside
numba (FFTs through rocket-fft).  ``rhs`` gives the first-order form [φ_t, accel]
(for independent checks; the run loop uses the symplectic methods only).

Stability: a mode of frequency ω is stable under leapfrog for ω·dt < 2 and under
yoshida4 for ω·dt < 1.573 (the triple jump's stability interval).  With
ω_max = √(k_max² + max V''), k_max = πN/L the Nyquist wavenumber, ``max_dt``
refuses dt > 0.7 · 2/ω_max = 1.4/ω_max (safe for both methods); max V'' is m²,
11λv² (φ⁴, for |φ| ≤ 2v) and 1 (sine-Gordon).

Invariants (spectral, float64): energy E = ∫(½φ_t² + ½φ_x² + V) dx, with ∫φ_x² from
Parseval including the Nyquist mode (so that E is the energy the semi-discrete
system conserves), and momentum P = −∫φ_t φ_x dx.

Periodic boxes: a single φ⁴ kink or sine-Gordon kink does not fit a periodic box
(φ⁴: a jump from v to −v; sine-Gordon: a winding of 2π, harmless to the dynamics but
not a periodic *field*, which is what the grid stores and checks).  The "kink"
presets therefore put a partner antikink half a box away, moving with the kink:
by symmetry the pair feels no net force, and their tails overlap by ~e^{−μγL/4}
(μ the mass of small oscillations: √(2λ) v for φ⁴, 1 for sine-Gordon), below 1e-15
in the boxes of those presets, so each is an isolated kink to round-off.
"""

from __future__ import annotations

import math

import numpy as np

from ..catalog import register
from ..integrators.kernel_types import jit
from ..pde import PDE
from ..spec import Invariant, Parameter, Preset, System, Variable

# Fraction of the leapfrog stability limit 2/ω_max that max_dt allows (0.7 · 2 = 1.4
# is also inside yoshida4's limit of 1.573).
CFL_FRACTION = 0.7
YOSHIDA4_LIMIT = 1.5734  # ω·dt stability bound of Yoshida's 4th-order triple jump


# --------------------------------------------------------------------------
# numba kernels.  p = [model parameters..., n, L]; n and L are always the last two.


@jit
def _laplacian(q, L, out):
    """out = φ_xx of periodic samples q on a box of length L (spectral)."""
    n = q.size
    qh = np.fft.rfft(q)
    c = 2.0 * np.pi / L
    for j in range(qh.size):
        k = c * j
        qh[j] *= -k * k
    d2 = np.fft.irfft(qh, n)
    for j in range(n):
        out[j] = d2[j]


@jit
def kg_accel(t, q, p, out):
    """φ_tt = φ_xx − m² φ;  p = [m, n, L]."""
    _laplacian(q, p[2], out)
    m2 = p[0] * p[0]
    for j in range(q.size):
        out[j] -= m2 * q[j]


@jit
def kg_rhs(t, y, p, out):
    m = y.size // 2
    for j in range(m):
        out[j] = y[m + j]
    kg_accel(t, y[:m], p, out[m:])


@jit
def phi4_accel(t, q, p, out):
    """φ_tt = φ_xx − λ φ (φ² − v²);  p = [λ, v, n, L]."""
    _laplacian(q, p[3], out)
    lam = p[0]
    v2 = p[1] * p[1]
    for j in range(q.size):
        f = q[j]
        out[j] -= lam * f * (f * f - v2)


@jit
def phi4_rhs(t, y, p, out):
    m = y.size // 2
    for j in range(m):
        out[j] = y[m + j]
    phi4_accel(t, y[:m], p, out[m:])


@jit
def sg_accel(t, q, p, out):
    """φ_tt = φ_xx − sin φ;  p = [n, L]."""
    _laplacian(q, p[1], out)
    for j in range(q.size):
        out[j] -= np.sin(q[j])


@jit
def sg_rhs(t, y, p, out):
    m = y.size // 2
    for j in range(m):
        out[j] = y[m + j]
    sg_accel(t, y[:m], p, out[m:])


# --------------------------------------------------------------------------
# packing, stability limit, invariants


def kg_pack(params, grid):
    return np.array([params["m"], grid.n[0], grid.length(0)], dtype=np.float64)


def phi4_pack(params, grid):
    return np.array([params["lam"], params["v"], grid.n[0], grid.length(0)], dtype=np.float64)


def sg_pack(params, grid):
    return np.array([grid.n[0], grid.length(0)], dtype=np.float64)


def kg_v2max(params):
    return params["m"] ** 2


def phi4_v2max(params):
    # V'' = λ(3φ² − v²) ≤ 11 λ v² while |φ| ≤ 2v (collisions overshoot the vacua a little)
    return 11.0 * params["lam"] * params["v"] ** 2


def sg_v2max(params):
    return 1.0


def stability_limit(n: int, L: float, v2max: float) -> float:
    """Leapfrog's stability limit 2/ω_max, ω_max = √(k_Nyquist² + max V'')."""
    kmax = math.pi * n / L
    return 2.0 / math.sqrt(kmax * kmax + max(v2max, 0.0))


def _max_dt(v2max):
    def max_dt(grid, params):
        return CFL_FRACTION * stability_limit(grid.n[0], grid.length(0), v2max(params))

    return max_dt


def preset_dt(n: int, L: float, v2max: float, fraction: float = 0.1) -> float:
    """A round step at most ``fraction`` of the leapfrog limit: 1, 2 or 5 × 10^k."""
    target = fraction * stability_limit(n, L, v2max)
    e = math.floor(math.log10(target))
    for m in (5.0, 2.0, 1.0):
        if m * 10.0**e <= target:
            return m * 10.0**e
    return 10.0**e  # pragma: no cover


def gradient_energy_density_integral(phi, grid):
    """∫ φ_x² dx by Parseval over all modes (the Nyquist mode included), over the last axis."""
    n = grid.n[0]
    k = grid.k(0, real=False)
    ph = np.fft.fft(phi, axis=-1)
    return grid.length(0) / n**2 * np.sum(k * k * np.abs(ph) ** 2, axis=-1)


def _energy(potential):
    def energy(values, params):
        grid = values["grid"]
        phi, phi_t = values["phi"], values["phi_t"]
        kinetic = 0.5 * grid.integrate(phi_t**2)
        return kinetic + 0.5 * gradient_energy_density_integral(phi, grid) + grid.integrate(potential(phi, params))

    return energy


def _momentum(values, params):
    grid = values["grid"]
    return -grid.integrate(values["phi_t"] * grid.derivative(values["phi"]))


def kg_potential(phi, params):
    return 0.5 * params["m"] ** 2 * phi**2


def phi4_potential(phi, params):
    return 0.25 * params["lam"] * (phi**2 - params["v"] ** 2) ** 2


def sg_potential(phi, params):
    return 1.0 - np.cos(phi)


def _wrap(d, L):
    return (d + 0.5 * L) % L - 0.5 * L


# --------------------------------------------------------------------------
# linear Klein–Gordon: exact solutions


def kg_packet_analytic(x, params):
    """ψ = A e^{−(x−x0)²/(2σ²)} e^{i k0 (x − x0)}: φ = Re ψ is the packet."""
    A, k0, s, x0 = params["amplitude"], params["k0"], params["width"], params["x0"]
    return A * np.exp(-((x - x0) ** 2) / (2 * s * s)) * np.exp(1j * k0 * (x - x0))


def kg_modes_exact(t, grid, params, psi0):
    """φ = Re Σ ψ̂_k e^{i(kx − ω_k t)}, ω_k = √(k² + m²): the exact solution of the
    linear equation for band-limited periodic data ψ0 (each Fourier mode
    e^{i(kx − ω_k t)} solves it; ψ0 with its spectrum near +k0 moves right)."""
    k = grid.k(0, real=False)
    w = np.sqrt(k * k + params["m"] ** 2)
    ph = np.fft.fft(psi0)
    tt = np.atleast_1d(np.asarray(t, dtype=float))[:, None]
    rot = ph[None, :] * np.exp(-1j * w[None, :] * tt)
    phi = np.real(np.fft.ifft(rot, axis=-1))
    phi_t = np.real(np.fft.ifft(-1j * w[None, :] * rot, axis=-1))
    return {"phi": phi, "phi_t": phi_t}


def _kg_packet_ic(grid, params, rng):
    ex = kg_modes_exact(0.0, grid, params, kg_packet_analytic(grid.x, params))
    return {"phi": ex["phi"][0], "phi_t": ex["phi_t"][0]}


def _kg_packet_exact(t, grid, params):
    return kg_modes_exact(t, grid, params, kg_packet_analytic(grid.x, params))


def group_velocity(k0, m):
    return k0 / math.sqrt(k0 * k0 + m * m)


def _snapped_k(grid, k0):
    L = grid.length(0)
    j = max(1, round(k0 * L / (2 * math.pi)))
    return 2 * math.pi * j / L


def _kg_standing_grid(params):
    L = 4 * 2 * math.pi / params["k0"]  # four wavelengths
    return {"n": 128, "domain": (0.0, L)}


def _kg_standing_exact(t, grid, params):
    k = _snapped_k(grid, params["k0"])
    w = math.sqrt(k * k + params["m"] ** 2)
    tt = np.atleast_1d(np.asarray(t, dtype=float))[:, None]
    x = grid.x[None, :]
    A = params["amplitude"]
    return {"phi": A * np.cos(k * x) * np.cos(w * tt), "phi_t": -A * w * np.cos(k * x) * np.sin(w * tt)}


def _kg_standing_ic(grid, params, rng):
    ex = _kg_standing_exact(0.0, grid, params)
    return {"phi": ex["phi"][0], "phi_t": ex["phi_t"][0]}


def _published_gaussian_ic(grid, params, rng):
    # amangkurat GaussianIC(amplitude=1, width=2, position=0, velocity=0): A e^{−((x−x0)/w)²}, φ_t = velocity·φ
    phi = 1.0 * np.exp(-((grid.x / 2.0) ** 2))
    return {"phi": phi, "phi_t": 0.0 * phi}


# --------------------------------------------------------------------------
# φ⁴: kinks and kink–antikink pairs


def phi4_kink(x, t, params, u, x0=0.0, sign=1.0):
    """v tanh(√(λ/2) v γ (x − x0 − ut)) (sign −1: the antikink) and its time derivative."""
    lam, v = params["lam"], params["v"]
    g = 1.0 / math.sqrt(1.0 - u * u)
    a = math.sqrt(lam / 2.0) * v * g
    s = a * (x - x0 - u * t)
    phi = sign * v * np.tanh(s)
    phi_t = -sign * v * a * u / np.cosh(s) ** 2
    return phi, phi_t


def phi4_kink_mass(params):
    """Rest energy of one kink, (2√2/3)√λ v³."""
    return 2.0 * math.sqrt(2.0) / 3.0 * math.sqrt(params["lam"]) * params["v"] ** 3


def phi4_pair(x, params, u, d):
    """Kink at −d/2 moving right at u, antikink at +d/2 moving left at u:
    φ = K(x + d/2 − ut) + A(x − d/2 + ut) − v (the −v puts both far ends at the vacuum −v)."""
    k, kt = phi4_kink(x, 0.0, params, u, -0.5 * d, 1.0)
    a, at = phi4_kink(x, 0.0, params, -u, 0.5 * d, -1.0)
    return {"phi": k + a - params["v"], "phi_t": kt + at}


def _phi4_pair_ic(grid, params, rng):
    return phi4_pair(grid.x, params, params["u"], params["d"])


def _phi4_travelling_pair(t, grid, params):
    """A kink at −L/4 and an antikink at +L/4 (half a box apart), both moving at u:
    to round-off two isolated kinks (they balance by symmetry, their overlap is
    ~e^{−√(2λ) v γ L/4}); returned for each t, wrapped into the box."""
    L = grid.length(0)
    u = params["u"]
    tt = np.atleast_1d(np.asarray(t, dtype=float))[:, None]
    s = _wrap(grid.x[None, :] - u * tt, L)  # the pattern's own coordinate, centred on 0
    k, kt = phi4_kink(s, 0.0, params, u, -0.25 * L, 1.0)
    a, at = phi4_kink(s, 0.0, params, u, 0.25 * L, -1.0)
    return {"phi": k + a - params["v"], "phi_t": kt + at}


def _phi4_kink_ic(grid, params, rng):
    ex = _phi4_travelling_pair(0.0, grid, params)
    return {"phi": ex["phi"][0], "phi_t": ex["phi_t"][0]}


def _published_kink_ic(grid, params, rng):
    # amangkurat KinkIC(vacuum=1, position=0, velocity=0): tanh(x/√2), φ_t = 0, on a periodic box
    return {"phi": np.tanh(grid.x / math.sqrt(2.0)), "phi_t": np.zeros(grid.n[0])}


def _published_collision_ic(grid, params, rng):
    # amangkurat KinkAntikinkIC(vacuum=1, separation=20, velocity=0.3), as written there:
    # kink + antikink without the −1, and the antikink's φ_t with the sign of a right-mover
    u, d = 0.3, 20.0
    g = 1.0 / math.sqrt(1.0 - u * u)
    xi1 = g * (grid.x + d / 2) / math.sqrt(2.0)
    xi2 = g * (grid.x - d / 2) / math.sqrt(2.0)
    phi = np.tanh(xi1) - np.tanh(xi2)
    phi_t = -(u * g / math.sqrt(2.0)) / np.cosh(xi1) ** 2 + (u * g / math.sqrt(2.0)) / np.cosh(xi2) ** 2
    return {"phi": phi, "phi_t": phi_t}


# --------------------------------------------------------------------------
# sine-Gordon: breather, kink–antikink, travelling kink


def sg_breather(x, t, omega):
    """4 arctan[(κ/ω) sin(ωt) / cosh(κx)], κ = √(1−ω²), and its time derivative."""
    kappa = math.sqrt(1.0 - omega * omega)
    ch = np.cosh(kappa * x)
    B = (kappa / omega) * np.sin(omega * t) / ch
    Bt = kappa * np.cos(omega * t) / ch
    return 4.0 * np.arctan(B), 4.0 * Bt / (1.0 + B * B)


def _sg_breather_exact(t, grid, params):
    om = params["omega"]
    tt = np.atleast_1d(np.asarray(t, dtype=float))[:, None] + 0.5 * math.pi / om  # start at sin(ωt) = 1
    x = _wrap(grid.x[None, :] - params["x0"], grid.length(0))
    phi, phi_t = sg_breather(x, tt, om)
    return {"phi": phi, "phi_t": phi_t}


def _sg_breather_ic(grid, params, rng):
    ex = _sg_breather_exact(0.0, grid, params)
    return {"phi": ex["phi"][0], "phi_t": np.zeros(grid.n[0])}  # φ_t = 0 exactly at sin(ωt) = 1


def sg_kink_antikink(x, t, u):
    """4 arctan[sinh(γut) / (u cosh(γx))] and its time derivative, evaluated
    without overflow (ratios of exponentials)."""
    g = 1.0 / math.sqrt(1.0 - u * u)
    B = g * x
    aB = np.abs(B)
    den = 1.0 + np.exp(-2.0 * aB)
    if u == 0.0:  # the limit u → 0: 4 arctan(t / cosh x)
        F = t * 2.0 * np.exp(-aB) / den
        Ft = 2.0 * np.exp(-aB) / den + 0.0 * t
        return 4.0 * np.arctan(F), 4.0 * Ft / (1.0 + F * F)
    A = g * u * t
    aA = np.abs(A)
    r = np.exp(aA - aB)
    F = np.sign(A) * r * (1.0 - np.exp(-2.0 * aA)) / den / u  # sinh A / (u cosh B)
    Ft = g * r * (1.0 + np.exp(-2.0 * aA)) / den  # ∂F/∂t = γ cosh A / cosh B
    return 4.0 * np.arctan(F), 4.0 * Ft / (1.0 + F * F)


def _sg_kak_exact(t, grid, params):
    tt = np.atleast_1d(np.asarray(t, dtype=float))[:, None] + params["t0"]
    x = _wrap(grid.x[None, :] - params["x0"], grid.length(0))
    phi, phi_t = sg_kink_antikink(x, tt, params["u"])
    return {"phi": phi, "phi_t": phi_t}


def _sg_kak_ic(grid, params, rng):
    ex = _sg_kak_exact(0.0, grid, params)
    return {"phi": ex["phi"][0], "phi_t": ex["phi_t"][0]}


def sg_kink(x, t, u, x0=0.0, sign=1.0):
    """4 arctan e^{γ(x − x0 − ut)} (sign −1: the antikink 4 arctan e^{−γ(…)}) and its time derivative."""
    g = 1.0 / math.sqrt(1.0 - u * u)
    s = sign * g * (x - x0 - u * t)
    # 4 arctan e^s = 2π − 4 arctan e^{−s}; d/ds = 2 sech s
    phi = np.where(s > 0, 2 * np.pi - 4.0 * np.arctan(np.exp(-np.abs(s))), 4.0 * np.arctan(np.exp(-np.abs(s))))
    phi_t = -sign * g * u * 2.0 / np.cosh(s)
    return phi, phi_t


def _sg_travelling_pair(t, grid, params):
    """A kink at −L/4 and an antikink at +L/4, both moving at u (φ = 0 at both ends,
    2π between): two isolated sine-Gordon kinks to round-off."""
    L = grid.length(0)
    u = params["u"]
    tt = np.atleast_1d(np.asarray(t, dtype=float))[:, None]
    s = _wrap(grid.x[None, :] - params["x0"] - u * tt, L)
    k, kt = sg_kink(s, 0.0, u, -0.25 * L, 1.0)
    a, at = sg_kink(s, 0.0, u, 0.25 * L, -1.0)
    return {"phi": k + a - 2 * np.pi, "phi_t": kt + at}


def _sg_kink_ic(grid, params, rng):
    ex = _sg_travelling_pair(0.0, grid, params)
    return {"phi": ex["phi"][0], "phi_t": ex["phi_t"][0]}


def _published_breather_ic(grid, params, rng):
    # amangkurat BreatherIC(frequency=0.5): "4 arctan[1/(ω_x cosh(ω_x x))]" with
    # φ_t = −4 ω ω_x sinh(ω_x x) / (ω_x² cosh²(ω_x x) + 1), ω_x = √(1 − ω²)
    om = 0.5
    wx = math.sqrt(1.0 - om * om)
    xi = wx * grid.x
    phi = 4.0 * np.arctan(1.0 / (wx * np.cosh(xi)))
    phi_t = -4.0 * om * wx * np.sinh(xi) / (wx**2 * np.cosh(xi) ** 2 + 1.0)
    return {"phi": phi, "phi_t": phi_t}


# --------------------------------------------------------------------------
# the systems

FIELDS = (
    Variable("phi", "field φ(x, t)", size="grid"),
    Variable("phi_t", "time derivative ∂φ/∂t", size="grid"),
)
INVARIANT_TEXT = ("E = ∫(½φ_t² + ½φ_x² + V(φ)) dx", "P = −∫ φ_t φ_x dx")
METHODS = ("yoshida4", "leapfrog")
NOTES = (
    "Symplectic methods on the physical fields only; no spectral (ETD/IF/split-step) method is offered, "
    "so PDE.linear is not given.",
)

AMANGKURAT = "amangkurat 0.0.1 (S. H. S. Herho, PyPI / github.com/sandyherho/amangkurat, 2025), configs/"
AMANGKURAT_GRID_NOTE = (
    "  Here the box is [x_min, x_max) and the step is fixed.  The published solver samples "
    "np.linspace(x_min, x_max, nx) (both ends, so its FFT period is L·nx/(nx − 1)), and by default it grows dt "
    "during the run inside the two-step Störmer–Verlet update φ_new = 2φ − φ_old + dt²F, which assumes a constant "
    "step: each change rescales the field velocity (in our check with adaptive dt on, its default, a sine-Gordon "
    "kink launched at u = 0.6 moved at ≈ 0.49)."
)


def _interval(d, L):
    return {"n": d, "domain": (-0.5 * L, 0.5 * L)}


# -- linear Klein–Gordon ----------------------------------------------------

_KG_PACKET_GRID = _interval(256, 100.0)
_KG_PUB_GRID = _interval(512, 60.0)

KLEIN_GORDON = System(
    name="klein_gordon",
    title="Linear Klein–Gordon equation",
    kind="pde",
    description=(
        "The free massive scalar field: dispersive waves with ω² = k² + m², group velocity k/√(k² + m²). "
        "Fields φ and φ_t on a periodic grid, spectral φ_xx, symplectic time stepping (Yoshida 4th order by "
        "default, or velocity Verlet) with a fixed step below the CFL limit."
    ),
    equations="φ_tt − φ_xx + m² φ = 0,   x ∈ [a, b) periodic",
    variables=FIELDS,
    parameters=(
        Parameter("m", 1.0, "mass (inverse Compton length)", unit="1/length", bounds=(0.0, 100.0)),
        Parameter(
            "amplitude", 0.5, "amplitude A of the packet or standing wave", bounds=(-100.0, 100.0), role="initial"
        ),
        Parameter("k0", 2.0, "carrier wavenumber k0", unit="1/length", bounds=(0.01, 100.0), role="initial"),
        Parameter("width", 4.0, "Gaussian envelope width σ", unit="length", bounds=(0.1, 1e4), role="initial"),
        Parameter("x0", -20.0, "initial centre of the packet", unit="length", bounds=(-1e4, 1e4), role="initial"),
    ),
    invariants=(
        Invariant("energy", INVARIANT_TEXT[0] + ", V = ½m²φ²", _energy(kg_potential)),
        Invariant("momentum", INVARIANT_TEXT[1], _momentum),
    ),
    presets=(
        Preset(
            "wave_packet",
            "Gaussian wave packet k0 = 2, σ = 4 moving at the group velocity 2/√5",
            initial_fn=_kg_packet_ic,
            exact=_kg_packet_exact,
            grid=_KG_PACKET_GRID,
            t_end=40.0,
            samples=201,
            method="yoshida4",
            dt=preset_dt(256, 100.0, 1.0, fraction=0.025),
            params={"m": 1.0, "amplitude": 0.5, "k0": 2.0, "width": 4.0, "x0": -20.0},
            source="Dispersion ω² = k² + m² (textbook; REFERENCES §3); exact by Fourier modes",
            description=(
                "φ = Re ψ with ψ = A e^{−(x−x0)²/2σ²} e^{ik0(x−x0)} and φ_t from each mode's own frequency, so "
                "the packet moves right at ≈ k0/√(k0² + m²) = 0.894 and spreads slowly.  The exact solution is the "
                "sum of the Fourier modes e^{i(kx − ω_k t)} of the sampled data."
            ),
        ),
        Preset(
            "standing_wave",
            "Standing wave A cos(kx) cos(ωt), ω = √(k² + m²)",
            initial_fn=_kg_standing_ic,
            exact=_kg_standing_exact,
            grid=_kg_standing_grid,
            t_end=50.0,
            samples=201,
            method="yoshida4",
            dt=preset_dt(128, 8 * math.pi, 1.0),
            params={"m": 1.0, "amplitude": 1.0, "k0": 1.0},
            source="Exact solution of the linear Klein–Gordon equation",
            description="Box of four wavelengths (k is snapped to the box when the domain is changed).",
        ),
        Preset(
            "published_linear_wave",
            "As published (amangkurat case 1): Gaussian e^{−(x/2)²} at rest, m = 1, box [−30, 30)",
            initial_fn=_published_gaussian_ic,
            grid=_KG_PUB_GRID,
            t_end=50.0,
            samples=201,
            method="leapfrog",
            dt=0.005,
            params={"m": 1.0},
            source=AMANGKURAT + "case1_linear_wave.txt",
            description=(
                "A correct initial condition: the pulse splits into two dispersive packets whose fronts travel at "
                "the speed of light.  By t ≈ 30 they reach the periodic boundary and re-enter from the other side: "
                "compared with the same run in a box four times wider, the field differs by 3e-3 at t = 30 and by "
                "0.16 at t = 50 (about half its size), so the later frames show the periodic images, not the "
                "infinite line." + AMANGKURAT_GRID_NOTE
            ),
        ),
    ),
    reference="O. Klein, Z. Phys. 37, 895 (1926); W. Gordon, Z. Phys. 40, 117 (1926)",
    rhs=kg_rhs,
    accel=kg_accel,
    methods=METHODS,
    default_method="yoshida4",
    default_dt=0.05,
    default_t_end=40.0,
    default_samples=201,
    pde=PDE(
        dims=1,
        default_n=256,
        default_domain=(-50.0, 50.0),
        real=True,
        pack=kg_pack,
        max_dt=_max_dt(kg_v2max),
        notes=NOTES,
    ),
    tags=("pde", "wave", "dispersive"),
)


# -- φ⁴ ---------------------------------------------------------------------

_PHI4_GRID = _interval(512, 100.0)
_PHI4_DT = preset_dt(512, 100.0, 11.0)
_PHI4_PUB_GRID = _interval(1024, 100.0)

PHI4 = System(
    name="phi4",
    title="φ⁴ kinks (Klein–Gordon with a double-well potential)",
    kind="pde",
    description=(
        "Kinks between the vacua ±v and their collisions: above the critical speed (≈ 0.2598 for λ = v = 1) a "
        "kink–antikink pair bounces once and separates; below it the pair is captured into a long-lived "
        "oscillating bound state (bion), with narrow two-bounce escape windows in between.  Periodic grid: a "
        "single kink cannot fit it, so every preset has as many kinks as antikinks."
    ),
    equations="φ_tt − φ_xx + λ φ (φ² − v²) = 0,   V = (λ/4)(φ² − v²)²,   x ∈ [a, b) periodic",
    variables=FIELDS,
    parameters=(
        Parameter("lam", 1.0, "coupling λ (small oscillations about ±v have mass √(2λ) v)", bounds=(0.01, 100.0)),
        Parameter("v", 1.0, "vacuum value v (the minima of V are ±v)", bounds=(0.01, 10.0)),
        Parameter(
            "u", 0.3, "kink speed (each kink of a colliding pair approaches at u)", bounds=(-0.95, 0.95), role="initial"
        ),
        Parameter("d", 16.0, "initial kink–antikink separation", unit="length", bounds=(1.0, 1e4), role="initial"),
    ),
    invariants=(
        Invariant("energy", INVARIANT_TEXT[0] + ", V = (λ/4)(φ² − v²)²", _energy(phi4_potential)),
        Invariant("momentum", INVARIANT_TEXT[1], _momentum),
    ),
    presets=(
        Preset(
            "kink",
            "Moving kink, u = 0.5 (with its antikink half a box away)",
            initial_fn=_phi4_kink_ic,
            exact=_phi4_travelling_pair,
            grid=_PHI4_GRID,
            t_end=100.0,
            samples=201,
            method="yoshida4",
            dt=_PHI4_DT,
            params={"lam": 1.0, "v": 1.0, "u": 0.5},
            source="Rajaraman, Solitons and Instantons (North-Holland, 1982): kink v tanh(√(λ/2) v γ(x − ut))",
            description=(
                "A kink at −L/4 and an antikink at +L/4 travelling together at u: the box stays periodic, the pair "
                "feels no net force, and each is an exact kink to round-off; E = 2γ(2√2/3)√λ v³."
            ),
        ),
        Preset(
            "collision_escape",
            "Kink–antikink collision at u = 0.3 (above the critical speed): one bounce, escape",
            initial_fn=_phi4_pair_ic,
            grid=_PHI4_GRID,
            t_end=100.0,
            samples=401,
            method="yoshida4",
            dt=_PHI4_DT,
            params={"lam": 1.0, "v": 1.0, "u": 0.3, "d": 16.0},
            source="Campbell, Schonfeld & Wingate, Physica D 9, 1 (1983): critical speed ≈ 0.2598",
            description=(
                "φ = tanh(γ(x + d/2 − ut)/√2) − tanh(γ(x − d/2 + ut)/√2) − 1 with each kink's own φ_t: the pair "
                "collides once and separates more slowly, leaving part of its energy in radiation and in the "
                "kinks' shape modes."
            ),
        ),
        Preset(
            "collision_bion",
            "Kink–antikink collision at u = 0.15 (below the critical speed): capture into a bion",
            initial_fn=_phi4_pair_ic,
            grid=_PHI4_GRID,
            t_end=100.0,
            samples=401,
            method="yoshida4",
            dt=_PHI4_DT,
            params={"lam": 1.0, "v": 1.0, "u": 0.15, "d": 16.0},
            source="Campbell, Schonfeld & Wingate, Physica D 9, 1 (1983): capture below ≈ 0.2598",
            description=(
                "The pair is trapped and oscillates about x = 0 as a long-lived bound state (bion) that slowly "
                "radiates.  (u = 0.2 is not a capture: it lies in a two-bounce window, see 'collision_two_bounce'.)"
            ),
        ),
        Preset(
            "collision_two_bounce",
            "Kink–antikink collision at u = 0.2: two bounces, then escape (a resonance window)",
            initial_fn=_phi4_pair_ic,
            grid=_PHI4_GRID,
            t_end=150.0,
            samples=601,
            method="yoshida4",
            dt=_PHI4_DT,
            params={"lam": 1.0, "v": 1.0, "u": 0.2, "d": 16.0},
            source=(
                "Campbell, Schonfeld & Wingate, Physica D 9, 1 (1983): two-bounce windows below the critical speed; "
                "the window edges ≈ 0.193 and ≈ 0.203 quoted here are from our own scan on this grid"
            ),
            description=(
                "Below the critical speed, but inside the widest two-bounce window: the pair collides, separates a "
                "little while energy sits in the kinks' shape modes, collides a second time, gets that energy back "
                "and escapes.  Scanning u in steps of 0.002 on this grid gives escape after two bounces for "
                "0.194 ≤ u ≤ 0.202 and capture at 0.19 and 0.204."
            ),
        ),
        Preset(
            "published_kink",
            "As published (amangkurat case 2): static kink tanh(x/√2) in a periodic box",
            initial_fn=_published_kink_ic,
            grid=_PHI4_PUB_GRID,
            t_end=50.0,
            samples=201,
            method="leapfrog",
            dt=0.005,
            params={"lam": 1.0, "v": 1.0},
            source=AMANGKURAT + "case2_kink.txt",
            description=(
                "A single kink does not fit a periodic box (REFERENCES §3 pitfall): the field jumps from +1 to −1 "
                "across x = ±50, a discontinuity to the spectral grid.  The jump holds ≈ 28 of the total energy 29.3 "
                "(the kink: 0.94); it rings and radiates from the boundary at the speed of light, and the radiation "
                "hits the kink at t ≈ 40–50.  Use the 'kink' preset for a kink that fits the box."
                + AMANGKURAT_GRID_NOTE
            ),
        ),
        Preset(
            "published_collision",
            "As published (amangkurat case 4): 'kink–antikink collision' at u = 0.3 without the −1",
            initial_fn=_published_collision_ic,
            grid=_PHI4_PUB_GRID,
            t_end=100.0,
            samples=401,
            method="leapfrog",
            dt=0.005,
            params={"lam": 1.0, "v": 1.0},
            source=AMANGKURAT + "case4_collision.txt",
            description=(
                "tanh(γ(x + 10)/√2) − tanh(γ(x − 10)/√2) lacks the −1: the field is 0 (the unstable maximum of V) "
                "outside the pair and 2 between, so neither step is a kink, and the second φ_t has the sign of a "
                "right-mover (total momentum 0.59, not 0).  The steps break up at once and the φ = 0 region rolls "
                "down into a disordered pattern of ±1 domains by t ≈ 25: no kink–antikink collision happens.  See "
                "'collision_escape' for the real collision." + AMANGKURAT_GRID_NOTE
            ),
        ),
    ),
    reference="D. K. Campbell, J. F. Schonfeld & C. A. Wingate, Physica D 9, 1–32 (1983)",
    rhs=phi4_rhs,
    accel=phi4_accel,
    methods=METHODS,
    default_method="yoshida4",
    default_dt=_PHI4_DT,
    default_t_end=100.0,
    default_samples=401,
    pde=PDE(
        dims=1,
        default_n=512,
        default_domain=(-50.0, 50.0),
        real=True,
        pack=phi4_pack,
        max_dt=_max_dt(phi4_v2max),
        notes=NOTES,
    ),
    tags=("pde", "wave", "kink", "soliton"),
)


# -- sine-Gordon ------------------------------------------------------------

_SG_GRID = _interval(256, 60.0)
_SG_KINK_GRID = _interval(1024, 120.0)
_SG_PUB_GRID = _interval(512, 80.0)

SINE_GORDON = System(
    name="sine_gordon",
    title="Sine-Gordon equation",
    kind="pde",
    description=(
        "The integrable sine-Gordon equation: kinks (E = 8γ), breathers (E = 16√(1−ω²)) and kink–antikink "
        "pairs that pass through each other, each with an exact solution to compare against."
    ),
    equations="φ_tt − φ_xx + sin φ = 0,   V = 1 − cos φ,   x ∈ [a, b) periodic",
    variables=FIELDS,
    parameters=(
        Parameter("omega", 0.5, "breather frequency ω (0 < ω < 1)", bounds=(0.05, 0.99), role="initial"),
        Parameter("u", 0.5, "kink speed (kink–antikink: each approaches at u)", bounds=(-0.95, 0.95), role="initial"),
        Parameter(
            "t0",
            -15.0,
            "time of the exact kink–antikink solution at which the run starts",
            bounds=(-1e3, 1e3),
            role="initial",
        ),
        Parameter(
            "x0", 0.0, "centre of the breather or of the pair", unit="length", bounds=(-1e4, 1e4), role="initial"
        ),
    ),
    invariants=(
        Invariant("energy", INVARIANT_TEXT[0] + ", V = 1 − cos φ", _energy(sg_potential)),
        Invariant("momentum", INVARIANT_TEXT[1], _momentum),
    ),
    presets=(
        Preset(
            "breather",
            "Breather ω = 0.5 started at its maximum (sin ωt = 1, φ_t = 0)",
            initial_fn=_sg_breather_ic,
            exact=_sg_breather_exact,
            grid=_SG_GRID,
            t_end=4 * math.pi / 0.5,
            samples=201,
            method="yoshida4",
            dt=preset_dt(256, 60.0, 1.0),
            params={"omega": 0.5, "x0": 0.0},
            source="Ablowitz, Kaup, Newell & Segur, Phys. Rev. Lett. 30, 1262 (1973); exact solution",
            description=(
                "φ = 4 arctan[(√(1−ω²)/ω) sin(ωt)/cosh(√(1−ω²) x)] from t = π/(2ω): two periods, E = 16√(1−ω²)."
            ),
        ),
        Preset(
            "kink_antikink",
            "Kink–antikink pair, u = 0.5, passing through each other (exact)",
            initial_fn=_sg_kak_ic,
            exact=_sg_kak_exact,
            grid=_SG_GRID,
            t_end=30.0,
            samples=301,
            method="yoshida4",
            dt=preset_dt(256, 60.0, 1.0),
            params={"u": 0.5, "t0": -15.0, "x0": 0.0},
            source="Perring & Skyrme, Nucl. Phys. 31, 550 (1962): φ = 4 arctan[sinh(γut)/(u cosh γx)]",
            description=(
                "Exact solution from t = t0 to −t0: the pair meets at t = 0 (after −t0 of run time) and re-emerges "
                "with φ changed from −2π to +2π between them; φ → 0 at both ends, so the box is periodic."
            ),
        ),
        Preset(
            "kink",
            "Moving kink, u = 0.6 (with its antikink half a box away)",
            initial_fn=_sg_kink_ic,
            exact=_sg_travelling_pair,
            grid=_SG_KINK_GRID,
            t_end=50.0,
            samples=201,
            method="yoshida4",
            dt=preset_dt(256, 60.0, 1.0),
            params={"u": 0.6, "x0": 0.0},
            source="Sine-Gordon kink 4 arctan e^{γ(x − ut)}, E = 8γ, P = 8γu (REFERENCES §3)",
            description=(
                "The kink winds φ by 2π, which a periodic field cannot do; an antikink half a box away, moving with "
                "it, unwinds it.  By symmetry there is no net force and the overlap is ~e^{−γL/4} ≈ 1e-16: two "
                "isolated kinks, E = 16γ."
            ),
        ),
        Preset(
            "published_breather",
            "As published (amangkurat case 3): 'breather' 4 arctan[1/(ω_x cosh ω_x x)], ω = 0.5",
            initial_fn=_published_breather_ic,
            grid=_SG_PUB_GRID,
            t_end=80.0,
            samples=321,
            method="leapfrog",
            dt=0.01,
            params={},
            source=AMANGKURAT + "case3_breather.txt",
            description=(
                "Not the breather (REFERENCES §3 pitfall): at its maximum the breather is "
                "4 arctan[(ω_x/ω)/cosh(ω_x x)] with φ_t = 0; the published profile has amplitude factor 1/ω_x "
                "instead of ω_x/ω and an odd, non-zero φ_t.  So E = 12.30 instead of 16√(1−ω²) = 13.86, and the "
                "momentum is −3.52 instead of 0: the oscillating lump drifts left at P/E ≈ −0.29."
                + AMANGKURAT_GRID_NOTE
            ),
        ),
    ),
    reference="M. J. Ablowitz, D. J. Kaup, A. C. Newell & H. Segur, Phys. Rev. Lett. 30, 1262 (1973)",
    rhs=sg_rhs,
    accel=sg_accel,
    methods=METHODS,
    default_method="yoshida4",
    default_dt=preset_dt(256, 60.0, 1.0),
    default_t_end=4 * math.pi / 0.5,
    default_samples=201,
    pde=PDE(
        dims=1,
        default_n=256,
        default_domain=(-30.0, 30.0),
        real=True,
        pack=sg_pack,
        max_dt=_max_dt(sg_v2max),
        notes=NOTES,
    ),
    tags=("pde", "wave", "integrable", "soliton", "kink"),
)

register(KLEIN_GORDON, PHI4, SINE_GORDON)
