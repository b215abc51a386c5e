"""Two-dimensional incompressible Navier–Stokes equations in vorticity form
on a doubly periodic box (default [0, 2π)², fields indexed [y, x]).

    ω_t + u·∇ω = ν ∇²ω − μ ω + f,
    u = ∇⊥ψ = (∂ψ/∂y, −∂ψ/∂x),   ∇²ψ = −ω,

so that ω = ∂v/∂x − ∂u/∂y is the vorticity of u = (u, v) and u = ψ_y,
v = −ψ_x.  ν is the kinematic viscosity, μ an optional linear (Rayleigh or
Ekman) drag, and f the curl of a body force.  Kolmogorov forcing is the body
force F sin(k_f y) x̂ (per unit mass), whose curl is

    f = ∂(0)/∂x − ∂(F sin k_f y)/∂y = −F k_f cos(k_f y),

with k_f = 2π·kf/L_y (kf whole periods across the box).  Its laminar state
is the shear flow u = F/(ν k_f² + μ) sin(k_f y) x̂, i.e.
ω = −F k_f/(ν k_f² + μ) cos(k_f y) = −(F/(ν k_f)) cos(k_f y) for μ = 0
(u·∇ω vanishes for any shear flow, so this is an exact steady solution at
every Reynolds number; it is stable only at small ones).

Units: any consistent set — lengths in the box's units, time T, ν in
length²/T, μ in 1/T, F in length/T², ω in 1/T.

Numerics: pseudo-spectral on ``rfft2`` coefficients (state = the flattened
(n_y, n_x/2 + 1) array).  L = −ν|k|² − μ; N = −FFT(u ∂_xω + v ∂_yω) + f̂,
with u, v, ∂_xω, ∂_yω taken from the 2/3-truncated spectrum and the product
truncated again (modes with 3|m| < n along each axis are kept): the
semi-discrete system is then the exact Galerkin truncation, which conserves
energy ½∫|u|² and enstrophy ½∫ω² exactly when ν = μ = F = 0.  Default
method ETDRK4 (Cox & Matthews 2002; Kassam & Trefethen 2005).  The
integrating-factor method ``if_dop853`` is offered for the inviscid,
undamped equation (ν = μ = 0: L ≡ 0, so it is plain adaptive DOP853 on the
spectral coefficients); with ν > 0 its factor e^{ν|k|²t} grows without bound
and it is good only for short runs (ν k_max² t ≲ 700 before it overflows):
use ETDRK4 there.

Energy and enstrophy are not conserved by the viscous or forced equation, so
they are not declared as invariants of the system; :func:`energy` and
:func:`enstrophy` compute them (spectrally, in float64) from any run.
"""

from __future__ import annotations

import numpy as np

from ..catalog import register
from ..integrators.kernel_types import jit
from ..pde import PDE
from ..spec import Invariant, Parameter, Preset, System, Variable

# p = [nu, F, kf, mu, nx, ny, Lx, Ly]


@jit
def ns_nonlinear(t, v, p, out):
    """N(ω̂) = −FFT(u·∇ω) (2/3-dealiased) + FFT(−F k_f cos k_f y)."""
    F = p[1]
    kf = int(p[2])
    nx = int(p[4])
    ny = int(p[5])
    cx = 2.0 * np.pi / p[6]
    cy = 2.0 * np.pi / p[7]
    nxh = nx // 2 + 1
    w = v.reshape((ny, nxh))
    U = np.zeros((ny, nxh), dtype=np.complex128)
    V = np.zeros((ny, nxh), dtype=np.complex128)
    WX = np.zeros((ny, nxh), dtype=np.complex128)
    WY = np.zeros((ny, nxh), dtype=np.complex128)
    for iy in range(ny):
        my = iy if iy < (ny + 1) // 2 else iy - ny
        if 3 * abs(my) >= ny:
            continue
        ky = cy * my
        for ix in range(nxh):
            if 3 * ix >= nx or (ix == 0 and my == 0):
                continue
            kx = cx * ix
            a = w[iy, ix]
            psi = a / (kx * kx + ky * ky)
            U[iy, ix] = 1j * ky * psi
            V[iy, ix] = -1j * kx * psi
            WX[iy, ix] = 1j * kx * a
            WY[iy, ix] = 1j * ky * a
    shape = (ny, nx)
    u = np.fft.irfft2(U, s=shape)
    vv = np.fft.irfft2(V, s=shape)
    wx = np.fft.irfft2(WX, s=shape)
    wy = np.fft.irfft2(WY, s=shape)
    for iy in range(ny):
        for ix in range(nx):
            u[iy, ix] = u[iy, ix] * wx[iy, ix] + vv[iy, ix] * wy[iy, ix]
    P = np.fft.rfft2(u)
    o = out.reshape((ny, nxh))
    for iy in range(ny):
        my = iy if iy < (ny + 1) // 2 else iy - ny
        keep_y = 3 * abs(my) < ny
        for ix in range(nxh):
            if keep_y and 3 * ix < nx:
                o[iy, ix] = -P[iy, ix]
            else:
                o[iy, ix] = 0.0
    if F != 0.0 and kf > 0:
        # −F k_f cos(k_f y): nx·ny/2 at (m_y = ±kf, m_x = 0) of the unnormalised FFT
        amp = -F * (cy * kf) * 0.5 * nx * ny
        o[kf, 0] += amp
        o[ny - kf, 0] += amp


@jit
def ns_nonlinear_if(t, w, p, out):
    """Interaction picture e^{−Lt} N(e^{Lt} w), L = −ν|k|² − μ (real).
    For ν = μ = 0 this is N itself (plain DOP853 on the coefficients)."""
    nu = p[0]
    mu = p[3]
    if nu == 0.0 and mu == 0.0:
        ns_nonlinear(t, w, p, out)
        return
    nx = int(p[4])
    ny = int(p[5])
    cx = 2.0 * np.pi / p[6]
    cy = 2.0 * np.pi / p[7]
    nxh = nx // 2 + 1
    decay = np.empty(ny * nxh)
    for iy in range(ny):
        my = iy if iy < (ny + 1) // 2 else iy - ny
        ky = cy * my
        for ix in range(nxh):
            kx = cx * ix
            decay[iy * nxh + ix] = np.exp(-(nu * (kx * kx + ky * ky) + mu) * t)
    v = np.empty_like(w)
    for j in range(w.size):
        v[j] = w[j] * decay[j]
    ns_nonlinear(t, v, p, out)
    for j in range(w.size):
        out[j] = out[j] / decay[j]


def ns_linear(grid, params):
    KX, KY = grid.wavenumbers(real=True)
    return (-params["nu"] * (KX * KX + KY * KY) - params["mu"]).astype(complex)


def ns_pack(params, grid):
    nx, ny = grid.n
    kf = int(params["kf"])
    if params["F"] != 0.0 and 3 * kf >= ny:
        raise ValueError(
            f"kf: the forcing mode {kf} is not resolved on {ny} points in y (the 2/3 rule keeps modes below "
            f"{ny / 3:.4g}); use more points or a smaller kf"
        )
    return np.array([params["nu"], params["F"], kf, params["mu"], nx, ny, grid.length(0), grid.length(1)])


# --------------------------------------------------------------------------
# energy and enstrophy (spectral, float64)


def _spectra(omega, grid):
    what = np.fft.fft2(np.asarray(omega, dtype=np.float64), axes=(-2, -1))
    KX, KY = grid.wavenumbers(real=False)
    return what, KX * KX + KY * KY


def energy(omega, grid):
    """E = ½∫|u|² dA = ½ Σ_k |ω̂_k|²/|k|² · A/(n_x n_y)² (the k = 0 mode carries none)."""
    what, k2 = _spectra(omega, grid)
    inv = np.zeros_like(k2)
    inv[k2 > 0] = 1.0 / k2[k2 > 0]
    area = grid.length(0) * grid.length(1)
    return 0.5 * area / grid.size**2 * np.sum(np.abs(what) ** 2 * inv, axis=(-2, -1))


def enstrophy(omega, grid):
    """Z = ½∫ω² dA."""
    return 0.5 * grid.integrate(np.asarray(omega, dtype=np.float64) ** 2)


def velocity(omega, grid):
    """(u, v) = (ψ_y, −ψ_x) with ∇²ψ = −ω (spectral, float64)."""
    what = np.fft.rfft2(np.asarray(omega, dtype=np.float64), axes=(-2, -1))
    KX, KY = grid.wavenumbers(real=True)
    k2 = KX * KX + KY * KY
    k2[0, 0] = 1.0
    psi = what / k2
    psi[..., 0, 0] = 0.0
    u = np.fft.irfft2(1j * KY * psi, s=grid.shape, axes=(-2, -1))
    v = np.fft.irfft2(-1j * KX * psi, s=grid.shape, axes=(-2, -1))
    return u, v


# --------------------------------------------------------------------------
# presets


def _tg_k(grid, params):
    m = params["k0"]
    return 2 * np.pi * m / grid.length(0), 2 * np.pi * m / grid.length(1)


def taylor_green(grid, params, t):
    """ω = 2k sin(kx) sin(ky) e^{−(2νk² + μ)t} (x, y measured from the box's
    corner), k = 2π·k0/L.  On a rectangle, a = 2π·k0/L_x ≠ b = 2π·k0/L_y:
    ω = ((a² + b²)/√(ab)) sin(ax) sin(by) e^{−(ν(a² + b²) + μ)t}.  Either way
    ω is an eigenfunction of ∇², so ψ ∝ ω and u·∇ω ≡ 0."""
    a, b = _tg_k(grid, params)
    X, Y = grid.mesh()
    amp = (a * a + b * b) / np.sqrt(a * b)  # = 2k on the square box
    tt = np.atleast_1d(t)[:, None, None]
    rate = params["nu"] * (a * a + b * b) + params["mu"]
    return amp * (np.sin(a * (X - grid.domain[0][0])) * np.sin(b * (Y - grid.domain[1][0])))[None] * np.exp(-rate * tt)


def _tg_ic(grid, params, rng):
    return {"omega": taylor_green(grid, params, 0.0)[0]}


def _tg_exact(t, grid, params):
    return {"omega": taylor_green(grid, params, t)}


def random_shell_field(grid, rng, kmin, kmax, urms):
    """A random vorticity field with |ω̂| flat on kmin ≤ |k| ≤ kmax, random
    phases, zero elsewhere, scaled so that ⟨|u|²⟩^{1/2} = urms."""
    KX, KY = grid.wavenumbers(real=True)
    kk = np.sqrt(KX * KX + KY * KY)
    shell = (kk >= kmin) & (kk <= kmax)
    what = shell * np.exp(2j * np.pi * rng.random(kk.shape))
    omega = np.fft.irfft2(what, s=grid.shape)
    e = energy(omega, grid) / (grid.length(0) * grid.length(1))  # ½⟨|u|²⟩
    return omega * (urms / np.sqrt(2 * e))


def _turbulence_ic(grid, params, rng):
    return {"omega": random_shell_field(grid, rng, 4.0, 8.0, params["urms"])}


def laminar_kolmogorov(grid, params):
    """ω = −F k_f/(ν k_f² + μ) cos(k_f y) (= −(F/(ν k_f)) cos(k_f y) for μ = 0)."""
    kf = 2 * np.pi * params["kf"] / grid.length(1)
    _, Y = grid.mesh()
    return -params["F"] * kf / (params["nu"] * kf * kf + params["mu"]) * np.cos(kf * (Y - grid.domain[1][0]))


def _kolmogorov_ic(grid, params, rng):
    pert = random_shell_field(grid, rng, 1.0, 4.0, 1.0)
    return {"omega": laminar_kolmogorov(grid, params) + params["epsilon"] * pert}


def _kolmogorov_exact(t, grid, params):
    """From rest (epsilon = 0): ω = ω_lam (1 − e^{−(ν k_f² + μ) t}) exactly."""
    kf = 2 * np.pi * params["kf"] / grid.length(1)
    rate = params["nu"] * kf * kf + params["mu"]
    tt = np.atleast_1d(t)[:, None, None]
    return {"omega": laminar_kolmogorov(grid, params)[None] * (1 - np.exp(-rate * tt))}


def _kolmogorov_start_ic(grid, params, rng):
    return {"omega": np.zeros(grid.shape)}


def _method_check(method, params):
    # the integrating factor e^{(ν|k|² + μ)t} of a dissipative operator overflows
    if method.startswith("if") and (params["nu"] > 0 or params["mu"] > 0):
        return "integrating-factor methods are for the inviscid, undamped equation (ν = μ = 0); use etdrk4"
    return None


NS2D = System(
    name="navier_stokes_2d",
    title="2-D incompressible Navier–Stokes (vorticity)",
    kind="pde",
    description=(
        "Vorticity form of the 2-D incompressible Navier–Stokes equations on a periodic box, pseudo-spectral "
        "with 2/3 dealiasing: Taylor–Green decay (exact), decaying turbulence (vortex merger, inverse energy "
        "cascade) and Kolmogorov flow (forced by F sin(k_f y) x̂). Velocity u = (ψ_y, −ψ_x), ∇²ψ = −ω. "
        "Default method ETDRK4; if_dop853 is for the inviscid equation (ν = μ = 0). Energy ½∫|u|² and "
        "enstrophy ½∫ω² are recorded with every sample (observables: conserved only when ν = μ = F = 0)."
    ),
    equations=(
        "ω_t + u·∇ω = ν∇²ω − μω − F k_f cos(k_f y),\nu = (ψ_y, −ψ_x),  ∇²ψ = −ω,  (x, y) ∈ [0, Lx) × [0, Ly) periodic"
    ),
    variables=(Variable("omega", "vorticity ω = v_x − u_y (1/time)", size="grid"),),
    parameters=(
        Parameter("nu", 1e-3, "kinematic viscosity ν", unit="length²/time", bounds=(0.0, 100.0)),
        Parameter("mu", 0.0, "linear drag μ (Rayleigh/Ekman friction)", unit="1/time", bounds=(0.0, 100.0)),
        Parameter(
            "F", 0.0, "Kolmogorov forcing amplitude: body force F sin(k_f y) x̂", unit="length/time²", bounds=(-1e4, 1e4)
        ),
        Parameter("kf", 4, "forcing periods across the box: k_f = 2π·kf/L_y", kind="int", bounds=(1, 1000)),
        Parameter("k0", 1, "Taylor–Green mode number: k = 2π·k0/L", kind="int", bounds=(1, 1000), role="initial"),
        Parameter(
            "urms",
            1.0,
            "rms velocity ⟨|u|²⟩^½ of the random initial field (decaying turbulence)",
            unit="length/time",
            bounds=(1e-6, 1e3),
            role="initial",
        ),
        Parameter(
            "epsilon",
            1e-3,
            "rms velocity of the random perturbation added to the laminar Kolmogorov flow",
            unit="length/time",
            bounds=(0.0, 1e3),
            role="initial",
        ),
    ),
    presets=(
        Preset(
            "taylor_green",
            "Taylor–Green vortices decaying as e^{−2νk²t} (exact)",
            initial_fn=_tg_ic,
            exact=_tg_exact,
            grid={"n": 64, "domain": (0.0, 2 * np.pi)},
            t_end=20.0,
            samples=101,
            method="etdrk4",
            dt=0.05,
            params={"nu": 0.05, "mu": 0.0, "F": 0.0, "k0": 1},
            source="G. I. Taylor & A. E. Green, Proc. R. Soc. Lond. A 158, 499–521 (1937); exact solution",
            description=(
                "ω = 2k sin(kx) sin(ky) is an eigenfunction of ∇², so ψ ∝ ω and u·∇ω ≡ 0: the vortices decay "
                "as e^{−2νk²t} without changing shape."
            ),
        ),
        Preset(
            "decaying_turbulence",
            "Decaying 2-D turbulence from a random band-limited field (256²)",
            initial_fn=_turbulence_ic,
            grid={"n": 256, "domain": (0.0, 2 * np.pi)},
            t_end=50.0,
            samples=101,
            method="etdrk4",
            dt=0.005,
            params={"nu": 2e-3, "mu": 0.0, "F": 0.0, "urms": 1.0},
            source=(
                "illustrative; the set-up follows J. C. McWilliams, J. Fluid Mech. 146, 21–43 (1984) "
                "(random initial field → coherent vortices), with Newtonian viscosity and parameters chosen here"
            ),
            description=(
                "|ω̂| flat on the shell 4 ≤ |k| ≤ 8 with random phases from the run's seed, rms velocity 1, "
                "ν = 2·10⁻³ (Re = u_rms/(ν k) ≈ 80–500 on the initial scales). Coherent vortices form and "
                "merge; energy moves to large scales, enstrophy to small ones, where viscosity removes it. "
                "The largest mode near the 2/3 cutoff stays below ~3·10⁻³ of the peak: resolved for "
                "viewing; smaller ν needs more points."
            ),
        ),
        Preset(
            "kolmogorov",
            "Kolmogorov flow, kf = 4, Re = 40 (turbulent)",
            initial_fn=_kolmogorov_ic,
            grid={"n": 128, "domain": (0.0, 2 * np.pi)},
            t_end=200.0,
            samples=401,
            method="etdrk4",
            dt=0.01,
            params={"nu": 1.0 / 40.0, "mu": 0.0, "F": 1.0, "kf": 4, "epsilon": 1e-3},
            source=(
                "Kolmogorov's flow, whose linear instability Meshalkin & Sinai analysed (1961); forcing "
                "sin(4y) x̂ on [0, 2π]² as in G. J. Chandler & R. R. Kerswell, J. Fluid Mech. 722, 554 (2013), "
                "here with F = 1, ν = 1/40; resolution and perturbation illustrative"
            ),
            description=(
                "The laminar shear flow ω = −(F/(ν k_f)) cos(k_f y) (u = 2.5 sin 4y) plus a small random "
                "perturbation drawn from the run's seed; at Re = 40 the laminar state is unstable and the "
                "flow becomes turbulent."
            ),
        ),
        Preset(
            "kolmogorov_laminar",
            "Kolmogorov flow at low Reynolds number: spin-up to the laminar state (exact)",
            initial_fn=_kolmogorov_start_ic,
            exact=_kolmogorov_exact,
            grid={"n": 64, "domain": (0.0, 2 * np.pi)},
            t_end=10.0,
            samples=101,
            method="etdrk4",
            dt=0.02,
            params={"nu": 0.5, "mu": 0.0, "F": 1.0, "kf": 2},
            source="exact solution of the forced equation (shear flows have u·∇ω ≡ 0)",
            description=(
                "From rest, the shear flow grows as ω = −(F/(ν k_f)) cos(k_f y)·(1 − e^{−ν k_f² t}) and settles "
                "on the laminar Kolmogorov flow."
            ),
        ),
    ),
    reference=(
        "Pseudo-spectral method: C. Canuto, M. Y. Hussaini, A. Quarteroni & T. A. Zang, Spectral Methods in "
        "Fluid Dynamics (Springer, 1988); ETDRK4: A.-K. Kassam & L. N. Trefethen, SIAM J. Sci. Comput. 26, "
        "1214 (2005)"
    ),
    methods=("etdrk4", "if_dop853"),
    default_method="etdrk4",
    default_dt=0.01,
    default_t_end=50.0,
    default_samples=101,
    observables=(
        Invariant("energy", "E = ½∫|u|² dA", lambda v, p: energy(v["omega"], v["grid"])),
        Invariant("enstrophy", "Z = ½∫ω² dA", lambda v, p: enstrophy(v["omega"], v["grid"])),
    ),
    pde=PDE(
        dims=2,
        default_n=128,
        default_domain=(0.0, 2 * np.pi),
        real=True,
        linear=ns_linear,
        nonlinear=ns_nonlinear,
        nonlinear_if=ns_nonlinear_if,
        pack=ns_pack,
        method_check=_method_check,
    ),
    tags=("pde", "fluid", "turbulence"),
)

register(NS2D)
