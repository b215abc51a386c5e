"""Vertical phase mixing of test stars in a galactic disk (phase spirals).

Test particles move vertically in the self-gravitating isothermal sheet of
Spitzer (1942),

    Φ(z) = 2σ² ln cosh(z/z0),   ρ(z) = ρ0 sech²(z/z0),   z0 = σ / √(2πGρ0),

whose small-amplitude (central) frequency is ν0 = √2 σ/z0 = √(4πGρ0).  Stars
far from the plane oscillate more slowly (Ω(z_max) < ν0), so a perturbed
ensemble shears in the (z, v_z) plane into a spiral: a uniform velocity kick
(bending) winds into a one-armed spiral, a kick proportional to z
(breathing) into a two-armed one.

Units.  z is in pc and t in Myr.  The kick–drift–kick kernel advances
q' = v with no conversion factor, so the state stores v_z in **pc/Myr**
(1 km/s = 1.0227121650537077 pc/Myr, :data:`KMS`).  The parameters σ and
the kick amplitude are in km/s, as usual in the literature, and the energy
invariant is in (km/s)²; divide ``vz`` by :data:`KMS` to plot km/s.  G is
4.498502151469554e-3 pc³ M☉⁻¹ Myr⁻² (:data:`G_PC_MSUN_MYR`, the IAU value
4.30091e-3 pc (km/s)² M☉⁻¹ times KMS²).  At the default ρ0 = 0.1 M☉/pc³ and
σ = 20 km/s: z0 ≈ 385 pc, T0 = 2π/ν0 ≈ 83.6 Myr.

The module also holds the numpy helpers the app draws with:
:func:`phase_density`, :func:`spiral_contrast`, :func:`angular_power` and the
exact amplitude–frequency relation :func:`vertical_frequency`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy.integrate import quad

from ..catalog import register
from ..integrators.kernel_types import jit
from ..spec import Invariant, Parameter, Preset, System, Variable

KMS = 1.0227121650537077  # pc/Myr in one km/s
G_PC_MSUN_MYR = 4.498502151469554e-3  # pc³ M☉⁻¹ Myr⁻²

# --------------------------------------------------------------------------
# Scales of the sheet


def scale_height(sigma: float, rho0: float) -> float:
    """z0 = σ/√(2πGρ0) in pc, for σ in km/s and ρ0 in M☉/pc³."""
    return sigma * KMS / math.sqrt(2.0 * math.pi * G_PC_MSUN_MYR * rho0)


def central_frequency(rho0: float) -> float:
    """ν0 = √(4πGρ0) in 1/Myr (independent of σ)."""
    return math.sqrt(4.0 * math.pi * G_PC_MSUN_MYR * rho0)


def vertical_period(rho0: float) -> float:
    """T0 = 2π/ν0 in Myr, the period of small oscillations about the plane."""
    return 2.0 * math.pi / central_frequency(rho0)


def log_cosh(x):
    """ln cosh x without overflow for large |x|."""
    a = np.abs(np.asarray(x, dtype=np.float64))
    return a + np.log1p(np.exp(-2.0 * a)) - math.log(2.0)


def potential(z, sigma: float, z0: float):
    """Φ(z) = 2σ² ln cosh(z/z0), in the units of σ²."""
    return 2.0 * sigma * sigma * log_cosh(np.asarray(z, dtype=np.float64) / z0)


def _log_cosh_ratio(a: float, b: float, d: float) -> float:
    """ln cosh a − ln cosh b for 0 ≤ b ≤ a, given d = a − b computed exactly.

    Near a turning point a ≈ b and the plain difference loses every digit;
    cosh a − cosh b = 2 sinh((a+b)/2) sinh(d/2) keeps them.
    """
    if a < 300.0:
        return math.log1p(2.0 * math.sinh(0.5 * (a + b)) * math.sinh(0.5 * d) / math.cosh(b))
    # cosh would overflow; ln cosh x = x − ln 2 + ln(1 + e^{−2x}), differenced in closed form
    w = math.exp(-2.0 * b)
    return d + math.log1p(math.expm1(-2.0 * d) * w / (1.0 + w))


def _period_in_z0_units(amplitude: float) -> float:
    """Period of an orbit of amplitude z_max = amplitude·z0, in units of z0/σ."""
    if amplitude == 0.0:
        return 2.0 * math.pi / math.sqrt(2.0)

    def integrand(theta: float) -> float:
        # z = z_max sin θ removes the 1/√ singularity at the turning point
        s, c = math.sin(theta), math.cos(theta)
        b = amplitude * s
        d = amplitude * c * c / (1.0 + s)
        drop = _log_cosh_ratio(amplitude, b, d)  # [Φ(z_max) − Φ(z)] / (2σ²)
        if drop <= 0.0:
            # only at θ = π/2, where the integrand tends to √(z_max/(2 tanh z_max)) (units z0/σ)
            return math.sqrt(amplitude / (2.0 * math.tanh(amplitude)))
        return amplitude * c / math.sqrt(4.0 * drop)

    value, _ = quad(integrand, 0.0, 0.5 * math.pi, epsabs=0.0, epsrel=1e-12, limit=200)
    return 4.0 * value


def vertical_frequency(z_max, sigma: float = 1.0, z0: float = 1.0):
    """Ω(z_max) = 2π/T of a star oscillating with amplitude ``z_max``.

    T = 4 ∫₀^{z_max} dz / √(2[Φ(z_max) − Φ(z)]) by quadrature in θ with
    z = z_max sin θ.  Ω is in units of σ/z0: with σ in km/s and z0 in pc,
    multiply by :data:`KMS` for 1/Myr.  Accepts arrays.  Ω → ν0 = √2 σ/z0
    as z_max → 0.
    """
    amplitudes = np.abs(np.asarray(z_max, dtype=np.float64)) / z0
    periods = np.vectorize(_period_in_z0_units, otypes=[np.float64])(amplitudes)
    omega = 2.0 * np.pi / periods * (sigma / z0)
    return float(omega) if omega.ndim == 0 else omega


# --------------------------------------------------------------------------
# Phase-space diagnostics (pure numpy; any consistent units)


def _default_range(z, vz, quantile: float = 0.995):
    zr = float(np.quantile(np.abs(z), quantile)) or 1.0
    vr = float(np.quantile(np.abs(vz), quantile)) or 1.0
    return ((-zr, zr), (-vr, vr))


def phase_density(z, vz, bins=128, range=None, density: bool = True):
    """2-D histogram of the ensemble in the (z, v_z) plane.

    Returns ``(H, z_edges, v_edges)`` with ``H[i, j]`` for z bin i and v bin j.
    ``density=True`` divides by the particle count and the cell area (so H
    is the phase-space probability density; it integrates to the fraction of
    particles inside ``range``); otherwise H holds counts.  ``range`` is
    ((z_lo, z_hi), (v_lo, v_hi)); by default symmetric, covering 99.5 % of
    each coordinate.
    """
    z = np.asarray(z, dtype=np.float64).ravel()
    vz = np.asarray(vz, dtype=np.float64).ravel()
    if z.shape != vz.shape:
        raise ValueError(f"phase_density: z has {z.size} values but vz has {vz.size}")
    if range is None:
        range = _default_range(z, vz)
    H, ze, ve = np.histogram2d(z, vz, bins=bins, range=range)
    if density:
        area = np.outer(np.diff(ze), np.diff(ve))
        H = H / (max(z.size, 1) * area)
    return H, ze, ve


def spiral_contrast(
    z, vz, z_eq, vz_eq, bins=64, range=None, mode: str = "relative", min_count: int = 10, fill: float = np.nan
):
    """Phase-space density of a perturbed ensemble minus the equilibrium one.

    ``z, vz`` is the perturbed ensemble, ``z_eq, vz_eq`` an unperturbed
    (equilibrium) one, possibly of a different size; both are normalised by
    their particle counts.  ``mode="relative"`` gives f/f_eq − 1 (the
    density contrast in which phase spirals are usually shown; cells where
    the equilibrium has fewer than ``min_count`` particles get ``fill``),
    ``mode="difference"`` gives f − f_eq as a probability density.  The
    range defaults to that of :func:`phase_density` for the equilibrium.
    Returns ``(contrast, z_edges, v_edges)``.
    """
    if mode not in ("relative", "difference"):
        raise ValueError(f"spiral_contrast: mode {mode!r} is not allowed; choose 'relative' or 'difference'")
    if range is None:
        range = _default_range(np.asarray(z_eq).ravel(), np.asarray(vz_eq).ravel())
    counts, ze, ve = phase_density(z, vz, bins=bins, range=range, density=False)
    counts_eq, _, _ = phase_density(z_eq, vz_eq, bins=bins, range=range, density=False)
    n, n_eq = max(np.asarray(z).size, 1), max(np.asarray(z_eq).size, 1)
    if mode == "difference":
        area = np.outer(np.diff(ze), np.diff(ve))
        return (counts / n - counts_eq / n_eq) / area, ze, ve
    out = np.full(counts.shape, fill, dtype=np.float64)
    ok = counts_eq >= max(min_count, 1)
    out[ok] = (counts[ok] / n) / (counts_eq[ok] / n_eq) - 1.0
    return out, ze, ve


def ring_harmonics(
    contrast,
    z_edges,
    v_edges,
    z_scale: float = 1.0,
    v_scale: float = 1.0,
    m_max: int = 4,
    r_range: tuple[float, float] = (0.3, 3.0),
    rings: int = 9,
):
    """Angular Fourier coefficients of a contrast map, annulus by annulus.

    Cell centres are mapped to x = z/z_scale, y = v/v_scale (with
    z_scale = z0 and v_scale = ν0·z0 = √2σ small orbits are circles) and to
    polar (r, φ).  In each of ``rings`` annuli spanning ``r_range`` the
    coefficient c_m = ⟨C e^{−imφ}⟩ is the mean over the cells.  Stars
    circulate clockwise in this plane, so a pattern on annulus r turns as
    arg c_m → arg c_m + m·Ω(r)·t.  Non-finite cells are skipped; empty
    annuli give 0.  Returns ``(radii, c)``: the annulus mid-radii and the
    complex array c[ring, m] for m = 0 … m_max.
    """
    C = np.asarray(contrast, dtype=np.float64)
    zc = 0.5 * (np.asarray(z_edges)[1:] + np.asarray(z_edges)[:-1]) / z_scale
    vc = 0.5 * (np.asarray(v_edges)[1:] + np.asarray(v_edges)[:-1]) / v_scale
    X, Y = np.meshgrid(zc, vc, indexing="ij")
    r = np.hypot(X, Y)
    phi = np.arctan2(Y, X)
    edges = np.linspace(r_range[0], r_range[1], rings + 1)
    ring = np.digitize(r, edges) - 1
    use = np.isfinite(C) & (ring >= 0) & (ring < rings)
    m = np.arange(m_max + 1)
    coeffs = np.zeros((rings, m_max + 1), dtype=np.complex128)
    for k in range(rings):
        sel = use & (ring == k)
        if sel.any():
            coeffs[k] = np.mean(C[sel][:, None] * np.exp(-1j * np.outer(phi[sel], m)), axis=0)
    return 0.5 * (edges[1:] + edges[:-1]), coeffs


def angular_power(
    contrast,
    z_edges,
    v_edges,
    z_scale: float = 1.0,
    v_scale: float = 1.0,
    m_max: int = 4,
    r_range: tuple[float, float] = (0.3, 3.0),
    rings: int = 9,
):
    """Power Σ_rings |c_m|² of the angular harmonics m = 0 … m_max (see
    :func:`ring_harmonics`).  Summing power over annuli keeps a wound spiral
    from cancelling itself.  A one-armed spiral puts its power in m = 1, a
    two-armed one in m = 2."""
    _, c = ring_harmonics(contrast, z_edges, v_edges, z_scale, v_scale, m_max, r_range, rings)
    return np.sum(np.abs(c) ** 2, axis=0)


# --------------------------------------------------------------------------
# Kernel, parameters, initial state


@jit
def fast_tanh(x):
    """tanh x to a few ulp in absolute terms (relative error < 1e-13).

    libm's tanh costs ~15 ns for |x| ~ 1, where the stars are; one exp costs
    ~3 ns.  (1 − e^{−2|x|})/(1 + e^{−2|x|}) cancels for tiny |x|, where the
    Taylor series (error below x⁷/18) takes over.
    """
    ax = abs(x)
    if ax < 1e-3:
        x2 = x * x
        return x * (1.0 - x2 * (1.0 / 3.0 - x2 * (2.0 / 15.0)))
    e = math.exp(-2.0 * ax)
    return math.copysign((1.0 - e) / (1.0 + e), x)


@jit
def sheet_accel(t, q, p, out):
    """a(z) = −(2σ²/z0) tanh(z/z0) for every particle."""
    amp = p[0]
    inv_z0 = p[1]
    for j in range(q.size):
        out[j] = -amp * fast_tanh(q[j] * inv_z0)


@jit
def sheet_rhs(t, y, p, out):
    """The same motion as a first-order system, dy/dt = [v_z, a(z)]."""
    m = y.size // 2
    amp = p[0]
    inv_z0 = p[1]
    for j in range(m):
        out[j] = y[m + j]
        out[m + j] = -amp * fast_tanh(y[j] * inv_z0)


def pack_params(params: Mapping[str, Any]) -> np.ndarray:
    """[2σ²/z0 in pc/Myr², 1/z0 in 1/pc]: the kernel needs nothing else."""
    sigma = params["sigma"] * KMS
    z0 = scale_height(params["sigma"], params["rho0"])
    return np.array([2.0 * sigma * sigma / z0, 1.0 / z0])


def equilibrium_sample(n: int, sigma: float, z0: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n particles from f ∝ exp(−E/σ²): z with density ∝ sech²(z/z0), v ~ N(0, σ²).

    ``sigma`` in the velocity unit wanted for v.  Draws z first, then v, so
    that kicked and unkicked ensembles of one seed hold the same particles.
    """
    u = rng.random(n)
    # rng.random() can return exactly 0, where artanh(2u − 1) is −∞
    bad = u == 0.0
    while bad.any():
        u[bad] = rng.random(int(bad.sum()))
        bad = u == 0.0
    z = z0 * np.arctanh(2.0 * u - 1.0)
    v = rng.normal(0.0, sigma, n)
    return z, v


def apply_kick(z: np.ndarray, v: np.ndarray, params: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """The perturbation at t = 0 (v in pc/Myr): bending adds Δv_z = A, breathing
    Δv_z = A·z/z0 (A in km/s, i.e. km/s per scale height), then every star is
    displaced by ``z_offset``."""
    z0 = scale_height(params["sigma"], params["rho0"])
    amp = params["kick_amplitude"] * KMS
    kick = params["kick"]
    v = np.array(v, dtype=np.float64, copy=True)
    if kick == "bending":
        v += amp
    elif kick == "breathing":
        v += amp * (np.asarray(z) / z0)
    return np.asarray(z, dtype=np.float64) + params["z_offset"], v


def initial_state(params: Mapping[str, Any], rng: np.random.Generator) -> np.ndarray:
    """[z(n), v_z(n)] in pc and pc/Myr: the equilibrium ensemble, then the kick."""
    z0 = scale_height(params["sigma"], params["rho0"])
    z, v = equilibrium_sample(int(params["n"]), params["sigma"] * KMS, z0, rng)
    z, v = apply_kick(z, v, params)
    return np.concatenate([z, v])


def equilibrium_state(params: Mapping[str, Any], seed: int | None) -> tuple[np.ndarray, np.ndarray]:
    """The unperturbed ensemble of a run (same seed, same particles, no kick):
    the reference for :func:`spiral_contrast`.  Returns (z, v_z) in pc, pc/Myr."""
    z0 = scale_height(params["sigma"], params["rho0"])
    return equilibrium_sample(int(params["n"]), params["sigma"] * KMS, z0, np.random.default_rng(seed))


def particle_energy(values: Mapping[str, np.ndarray], params: Mapping[str, Any]) -> np.ndarray:
    """E = v_z²/2 + Φ(z) of each particle, in (km/s)²; shape (samples, n)."""
    z0 = scale_height(params["sigma"], params["rho0"])
    v = np.asarray(values["vz"]) / KMS
    return 0.5 * v * v + potential(values["z"], params["sigma"], z0)


# Reference time step: T0/200 at the default ρ0 (T0 ≈ 83.6 Myr).  T0 ∝ ρ0^(−1/2),
# so a denser sheet needs a proportionally smaller dt.
_DEFAULT_DT = 0.4

GALACTIC_DISK = System(
    name="galactic_disk",
    title="Phase spirals in a galactic disk (isothermal sheet)",
    kind="ensemble",
    description=(
        "Test stars oscillating vertically in the self-gravitating isothermal sheet. "
        "Vertical frequency falls with amplitude, so a kicked ensemble phase-mixes into a "
        "spiral in the (z, v_z) plane: one-armed after a bending (uniform) kick, two-armed "
        "after a breathing (∝ z) kick; the unkicked ensemble stays stationary. "
        "Positions in pc, velocities stored in pc/Myr (÷ 1.0227 for km/s), time in Myr. "
        "The kick parameters act only at t = 0. The default dt = 0.4 Myr is T0/200 at "
        "ρ0 = 0.1 M☉/pc³; scale it by √(0.1/ρ0) for other densities."
    ),
    equations=(
        "dz/dt = v_z\n"
        "dv_z/dt = −(2σ²/z0) tanh(z/z0)\n"
        "Φ(z) = 2σ² ln cosh(z/z0),  ρ = ρ0 sech²(z/z0),  z0 = σ/√(2πGρ0),  ν0 = √2 σ/z0\n"
        "t = 0: z = z0 artanh(2u − 1), u ~ U(0, 1);  v_z ~ N(0, σ²)\n"
        "bending: v_z += A;  breathing: v_z += A z/z0;  z += z_offset"
    ),
    variables=(
        Variable("z", "height of each star above the mid-plane", "pc", size="n"),
        Variable("vz", "vertical velocity of each star (1 km/s = 1.0227 pc/Myr)", "pc/Myr", size="n"),
    ),
    parameters=(
        Parameter("sigma", 20.0, "vertical velocity dispersion of the isothermal sheet", "km/s", bounds=(1.0, 200.0)),
        Parameter("rho0", 0.1, "mid-plane mass density", "M☉/pc³", bounds=(1e-3, 10.0)),
        Parameter("n", 100_000, "number of test particles", bounds=(1, 2_000_000), kind="int", structural=True),
        Parameter(
            "kick",
            "bending",
            "perturbation at t = 0: none, bending (uniform Δv_z) or breathing (Δv_z ∝ z)",
            kind="choice",
            choices=("none", "bending", "breathing"),
        ),
        Parameter(
            "kick_amplitude",
            10.0,
            "kick strength: Δv_z for bending; Δv_z at z = z0 for breathing (km/s per scale height)",
            "km/s",
            bounds=(-200.0, 200.0),
        ),
        Parameter("z_offset", 0.0, "displacement of every star at t = 0", "pc", bounds=(-5000.0, 5000.0)),
    ),
    presets=(
        Preset(
            "bending",
            "Bending kick (Δv_z = 10 km/s): a one-armed phase spiral",
            source=(
                "Antoja et al., Nature 561, 360 (2018) (the Gaia phase spiral); "
                "Darling & Widrow, MNRAS 484, 1050 (2019) (spirals from bending waves)"
            ),
            params={"sigma": 20.0, "rho0": 0.1, "kick": "bending", "kick_amplitude": 10.0, "z_offset": 0.0},
            t_end=1000.0,
            description="Stars at different amplitudes drift out of phase: the dipole winds into a one-armed spiral.",
        ),
        Preset(
            "breathing",
            "Breathing kick (Δv_z = 10 km/s · z/z0): a two-armed phase spiral",
            source=(
                "Antoja et al., Nature 561, 360 (2018) (the Gaia phase spiral); "
                "Widrow et al., 'Bending and breathing modes of the Galactic disc' (2014) (breathing modes)"
            ),
            params={"sigma": 20.0, "rho0": 0.1, "kick": "breathing", "kick_amplitude": 10.0, "z_offset": 0.0},
            t_end=1000.0,
            description="A compression/expansion of the disk: the quadrupole winds into a two-armed spiral.",
        ),
        Preset(
            "equilibrium",
            "Unperturbed isothermal sheet: the distribution stays stationary",
            source="Spitzer, ApJ 95, 329 (1942)",
            params={"sigma": 20.0, "rho0": 0.1, "kick": "none", "kick_amplitude": 0.0, "z_offset": 0.0},
            t_end=1000.0,
            description="Each star moves, but f(E) ∝ exp(−E/σ²) is a steady state: histograms must not change.",
        ),
    ),
    invariants=(Invariant("energy", "v_z²/2 + Φ(z) of each particle, in (km/s)²", particle_energy),),
    reference=(
        "L. Spitzer, The dynamics of the interstellar medium. III. Galactic distribution, ApJ 95, 329 (1942); "
        "T. Antoja et al., A dynamically young and perturbed Milky Way disk, Nature 561, 360 (2018)"
    ),
    rhs=sheet_rhs,
    accel=sheet_accel,
    initial_state=initial_state,
    pack_params=pack_params,
    methods=("leapfrog", "yoshida4"),
    default_method="leapfrog",
    default_dt=_DEFAULT_DT,
    default_t_end=1000.0,
    default_samples=51,
    time_unit="Myr",
    tags=("ensemble", "astrophysics", "hamiltonian"),
)

register(GALACTIC_DISK)
