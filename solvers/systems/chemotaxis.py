"""Chemotaxis with indirect signalling (Keller–Segel type) under zero-flux
boundaries, in one and two dimensions.

    n_t   = Δn − χ ∇·(n ∇c)          cells (density n)
    ε c_t = Δc − c + w               chemoattractant c, produced by w
    ε w_t = τ Δw − w + n             intermediate signal w, produced by the cells

with ∂n/∂ν = ∂c/∂ν = ∂w/∂ν = 0 on the boundary of a box (REFERENCES §6).  The
option ``signal = "direct"`` replaces the source w of c by n (the classical
parabolic–parabolic Keller–Segel system ε c_t = Δc − c + n; w is still
computed but no longer acts on c).  All quantities are dimensionless: lengths
in units of the signal's decay length, time in units of the cells' diffusion
time over that length.

Discretisation.  Zero-flux boundaries make every field a cosine series: the
grid is cell-centred and the spectral coefficients are the orthonormal DCT-II
(``Grid(basis="cosine")``); the state holds the DCT coefficients of n, c and w
stacked (complex numbers with zero imaginary part, the framework's spectral
state).  The linear operator is diagonal:

    L_n = −|k|²,   L_c = (−|k|² − 1)/ε,   L_w = (−τ|k|² − 1)/ε.

The couplings +w/ε in the c equation and +n/ε in the w equation are linear but
off-diagonal; the framework's L is diagonal, so they are part of N (explicit
in ETDRK4).  The chemotactic term is formed in conservation form: ∇c of a
cosine series is a sine series (coefficients −k_m ĉ_m, by an inverse DST-II),
the flux χ n ∂_x c is a sine-series quantity (forward DST-II), and its
divergence is a cosine series again (coefficients k_m F̂_m).  The m = 0
cosine coefficient of that divergence is therefore exactly zero, and with
L_n(0) = 0 ETDRK4 leaves n̂_0 — the total mass ∫n — untouched to the last bit.
In 2-D the transforms are applied axis by axis (DST along the derivative's
axis, DCT along the other).  Optional 2/3-rule dealiasing zeroes the top
third of the chemotactic term's modes (never the mass mode).

Linear stability of the homogeneous state (n̄, n̄, n̄): perturbations ∝ cos(k·x)
e^{λt} obey λ v = A(k) v with

    A(k) = [[−k², χ n̄ k², 0], [0, −(k²+1)/ε, 1/ε], [1/ε, 0, −(τk²+1)/ε]]

(direct signalling: row 2 becomes [1/ε, −(k²+1)/ε, 0]).  A mode grows when
χ n̄ > (1 + k²)(1 + τk²) (direct: χ n̄ > 1 + k²); :func:`dispersion` gives the
eigenvalues, which the tests compare with the growth of seeded modes.

Blow-up.  For the direct (classical) system in 2-D, mass above 8π/χ
concentrated at an interior point collapses in finite time (parabolic–
elliptic limit: Jäger & Luckhaus, Trans. AMS 329, 819 (1992); Nagai, Adv.
Math. Sci. Appl. 5, 581 (1995); parabolic–parabolic blow-up solutions:
Herrero & Velázquez, Ann. Sc. Norm. Sup. Pisa 24, 633 (1997)).  The
indirect system with diffusing w does NOT blow up in 2-D: its critical
dimension is four (Fujie & Senba, J. Differential Equations 263, 88 (2017):
critical mass (8π)²/χ in 4-D; in 2-D and 3-D solutions are global and
bounded).  REFERENCES §6 says aggregation "can blow up in finite time in
2-D"; for the model as written that holds only for the direct option, and
the presets say so.  A collapsing run ends with status "blow-up" when the
state becomes non-finite (the fixed-step scheme loses the unresolved
aggregate); the samples before it are kept.
"""

from __future__ import annotations

import numpy as np
import scipy.fft as sfft

from ..catalog import register
from ..integrators.kernel_types import jit
from ..pde import PDE
from ..spec import Invariant, Parameter, Preset, System, Variable

# p = [eps, tau, chi, direct, dealias, nx, Lx, ny, Ly]


@jit
def _keep(j, n):
    """2/3 rule for the cosine index j of an n-point axis: keep k_j < (2/3) k_max (as Grid.dealias_mask)."""
    return 3 * j < 2 * (n - 1)


@jit
def chemotaxis_nonlinear_1d(t, v, p, out):
    eps, chi, direct, dealias = p[0], p[2], p[3], p[4]
    m = int(p[5])
    L = p[6]
    nh = np.empty(m)
    Y = np.zeros(m)
    for j in range(m):
        nh[j] = v[j].real
    # c_x as a sine series: c = Σ ĉ_j cos(k_j x) → c_x = Σ (−k_j ĉ_j) sin(k_j x),
    # DST-II index j − 1; the top sine mode (k = πm/L) is absent
    for j in range(1, m):
        Y[j - 1] = -(np.pi * j / L) * v[m + j].real
    cx = sfft.idst(Y, 2, None, -1, "ortho")
    n = sfft.idct(nh, 2, None, -1, "ortho")
    for j in range(m):
        cx[j] = chi * n[j] * cx[j]
    F = sfft.dst(cx, 2, None, -1, "ortho")
    out[0] = 0.0  # ∂_x of a sine series has no mean: the mass is conserved exactly
    for j in range(1, m):
        if dealias > 0.5 and not _keep(j, m):
            out[j] = 0.0
        else:
            out[j] = -(np.pi * j / L) * F[j - 1]
    inv = 1.0 / eps
    for j in range(m):
        src = v[j].real if direct > 0.5 else v[2 * m + j].real
        out[m + j] = inv * src
        out[2 * m + j] = inv * v[j].real


@jit
def chemotaxis_nonlinear_2d(t, v, p, out):
    eps, chi, direct, dealias = p[0], p[2], p[3], p[4]
    nx = int(p[5])
    Lx = p[6]
    ny = int(p[7])
    Ly = p[8]
    m = nx * ny
    nh = np.empty((ny, nx))
    Yx = np.zeros((ny, nx))
    Yy = np.zeros((ny, nx))
    for iy in range(ny):
        for ix in range(nx):
            q = iy * nx + ix
            nh[iy, ix] = v[q].real
            c = v[m + q].real
            if ix > 0:
                Yx[iy, ix - 1] = -(np.pi * ix / Lx) * c
            if iy > 0:
                Yy[iy - 1, ix] = -(np.pi * iy / Ly) * c
    n = sfft.idct(sfft.idct(nh, 2, None, 1, "ortho"), 2, None, 0, "ortho")
    cx = sfft.idct(sfft.idst(Yx, 2, None, 1, "ortho"), 2, None, 0, "ortho")
    cy = sfft.idst(sfft.idct(Yy, 2, None, 1, "ortho"), 2, None, 0, "ortho")
    for iy in range(ny):
        for ix in range(nx):
            a = chi * n[iy, ix]
            cx[iy, ix] *= a
            cy[iy, ix] *= a
    Fx = sfft.dct(sfft.dst(cx, 2, None, 1, "ortho"), 2, None, 0, "ortho")
    Fy = sfft.dst(sfft.dct(cy, 2, None, 1, "ortho"), 2, None, 0, "ortho")
    for iy in range(ny):
        for ix in range(nx):
            q = iy * nx + ix
            div = 0.0
            if ix > 0:
                div += (np.pi * ix / Lx) * Fx[iy, ix - 1]
            if iy > 0:
                div += (np.pi * iy / Ly) * Fy[iy - 1, ix]
            if dealias > 0.5 and not (_keep(ix, nx) and _keep(iy, ny)):
                div = 0.0
            out[q] = -div  # zero at (0, 0) exactly: the mass is conserved
    inv = 1.0 / eps
    for q in range(m):
        src = v[q].real if direct > 0.5 else v[2 * m + q].real
        out[m + q] = inv * src
        out[2 * m + q] = inv * v[q].real


def _k2(grid):
    ks = grid.wavenumbers(real=True)
    return sum(k * k for k in ks)


def chemotaxis_linear(grid, params):
    k2 = _k2(grid).ravel()
    eps, tau = params["eps"], params["tau"]
    return np.concatenate([-k2, (-k2 - 1.0) / eps, (-tau * k2 - 1.0) / eps]).astype(complex)


def chemotaxis_pack(params, grid):
    ny, Ly = (grid.n[1], grid.length(1)) if grid.dims == 2 else (1, 1.0)
    return np.array(
        [
            params["eps"],
            params["tau"],
            params["chi"],
            1.0 if params["signal"] == "direct" else 0.0,
            1.0 if params["dealias"] == "2/3" else 0.0,
            grid.n[0],
            grid.length(0),
            ny,
            Ly,
        ]
    )


# --------------------------------------------------------------------------
# linear stability


def stability_matrix(k, params, nbar):
    """A(k) of the linearisation about the homogeneous state (n̄, n̄, n̄)."""
    eps, tau, chi = params["eps"], params["tau"], params["chi"]
    k2 = k * k
    A = np.zeros((3, 3))
    A[0, 0] = -k2
    A[0, 1] = chi * nbar * k2
    A[1, 1] = -(k2 + 1.0) / eps
    if params.get("signal", "indirect") == "direct":
        A[1, 0] = 1.0 / eps
    else:
        A[1, 2] = 1.0 / eps
    A[2, 0] = 1.0 / eps
    A[2, 2] = -(tau * k2 + 1.0) / eps
    return A


def dispersion(k, params, nbar):
    """Growth rate: the largest real part of the eigenvalues of A(k)."""
    return float(np.max(np.linalg.eigvals(stability_matrix(k, params, nbar)).real))


def fastest_mode(params, nbar, kmax=10.0):
    """(k, λ) of the fastest-growing wavenumber (on the continuum)."""
    ks = np.linspace(1e-3, kmax, 4001)
    rates = np.array([dispersion(k, params, nbar) for k in ks])
    i = int(np.argmax(rates))
    lo, hi = ks[max(i - 1, 0)], ks[min(i + 1, ks.size - 1)]
    for _ in range(60):  # golden-section refinement
        a = hi - 0.618 * (hi - lo)
        b = lo + 0.618 * (hi - lo)
        if dispersion(a, params, nbar) > dispersion(b, params, nbar):
            hi = b
        else:
            lo = a
    k = 0.5 * (lo + hi)
    return k, dispersion(k, params, nbar)


def growing_eigenvector(k, params, nbar):
    """(λ, e) of the dominant eigenvalue of A(k), e normalised to e_n = 1."""
    vals, vecs = np.linalg.eig(stability_matrix(k, params, nbar))
    i = int(np.argmax(vals.real))
    e = vecs[:, i] / vecs[0, i]
    return vals[i], e


# --------------------------------------------------------------------------
# invariants


def _mass(v, params):
    return v["grid"].integrate(v["n"])


# --------------------------------------------------------------------------
# presets

LINEAR_PARAMS = {"chi": 5.0, "eps": 1.0, "tau": 1.0, "mean": 1.0, "amplitude": 1e-6, "mode": 4}


def _mode_grid(params):
    """Box of `mode` half-wavelengths of the fastest-growing wavenumber."""
    k, rate = fastest_mode(params, params["mean"])
    if rate <= 0:  # no growing mode: any box will do
        return {"n": 64, "domain": (0.0, 10.0)}
    return {"n": 64, "domain": (0.0, params["mode"] * np.pi / k)}


def _mode_ic(grid, params, rng):
    """Homogeneous state plus the dominant eigenvector of one cosine mode."""
    nbar, a = params["mean"], params["amplitude"]
    k = np.pi * params["mode"] / grid.length(0)
    _, e = growing_eigenvector(k, params, nbar)
    shape = np.cos(k * (grid.x - grid.domain[0][0]))
    out = {}
    for name, coef in zip("ncw", e.real):
        out[name] = nbar + a * coef * shape
    return out


def _noise_ic(grid, params, rng):
    """Homogeneous state plus smooth random noise of relative size `amplitude`."""
    nbar, a = params["mean"], params["amplitude"]
    noise = rng.standard_normal(grid.shape)
    spec = grid.forward(noise, True)
    ks = grid.wavenumbers(True)
    k2 = sum(k * k for k in ks)
    spec *= np.exp(-k2 / 4.0)  # keep wavelengths ≳ 2π/2: resolved and smooth
    spec.flat[0] = 0.0
    u = grid.inverse(spec, True)
    u *= a / max(np.max(np.abs(u)), 1e-300)
    n = nbar * (1.0 + u)
    return {"n": n, "c": np.full(grid.shape, nbar), "w": np.full(grid.shape, nbar)}


def _peak_ic(grid, params, rng):
    """A Gaussian of total mass `mass` at the centre of the box on a small
    background (the background adds background·area to the mass)."""
    X, Y = grid.mesh()
    (ax, bx), (ay, by) = grid.domain
    x0, y0 = 0.5 * (ax + bx), 0.5 * (ay + by)
    s = params["width"]
    M = params["mass"]
    r2 = (X - x0) ** 2 + (Y - y0) ** 2
    n = params["mean"] + M / (2 * np.pi * s * s) * np.exp(-r2 / (2 * s * s))
    zero = np.zeros(grid.shape)
    return {"n": n, "c": zero.copy(), "w": zero.copy()}


_MODEL_PARAMS = (
    Parameter("chi", 1.0, "chemotactic sensitivity χ", bounds=(0.0, 1000.0)),
    Parameter("eps", 1.0, "ε: time scale of the signals relative to the cells' diffusion", bounds=(0.01, 100.0)),
    Parameter("tau", 1.0, "τ: diffusivity of the intermediate signal w (relative to c's)", bounds=(0.0, 100.0)),
    Parameter(
        "signal",
        "indirect",
        "who produces c: 'indirect' (w, the model above) or 'direct' (n: classical Keller–Segel)",
        kind="choice",
        choices=("indirect", "direct"),
    ),
    Parameter("dealias", "2/3", "2/3-rule dealiasing of the chemotactic term", kind="choice", choices=("2/3", "none")),
)

_PARAMS_1D = (
    *_MODEL_PARAMS,
    Parameter("mean", 1.0, "homogeneous cell density n̄", bounds=(0.0, 1e4), role="initial"),
    Parameter("amplitude", 0.01, "size of the initial perturbation", bounds=(0.0, 10.0), role="initial"),
    Parameter(
        "mode",
        4,
        "cosine mode seeded (number of half-wavelengths in the box)",
        bounds=(1, 64),
        kind="int",
        role="initial",
    ),
)

_VARIABLES = (
    Variable("n", "cell density n", size="grid"),
    Variable("c", "chemoattractant concentration c", size="grid"),
    Variable("w", "intermediate signal w", size="grid"),
)

_REFERENCE = (
    "E. F. Keller & L. A. Segel, J. Theor. Biol. 26, 399–415 (1970); indirect signalling: "
    "K. Fujie & T. Senba, J. Differential Equations 263, 88–148 (2017)"
)

_EQUATIONS = (
    "n_t = Δn − χ ∇·(n ∇c)\n"
    "ε c_t = Δc − c + w        (signal = 'direct': + n instead of + w)\n"
    "ε w_t = τ Δw − w + n\n"
    "zero flux (∂/∂ν = 0) on the box boundary"
)

_NOTES = (
    "The off-diagonal linear couplings w/ε and n/ε are treated explicitly (inside N): the framework's L is diagonal.",
    "Mass ∫n is conserved exactly: the chemotactic divergence has no k = 0 cosine coefficient by construction.",
)

CHEMOTAXIS = System(
    name="chemotaxis",
    title="Chemotaxis with indirect signalling (1-D)",
    kind="pde",
    description=(
        "Cells that climb the gradient of a chemoattractant which they produce through an intermediate "
        "signal, on an interval with zero-flux ends (cosine basis, ETDRK4). Above χ n̄ = (1 + k²)(1 + τk²) "
        "the homogeneous state is unstable to mode k and the cells aggregate into peaks, which in 1-D stay "
        "bounded and slowly coarsen. The total number of cells is conserved to round-off."
    ),
    equations=_EQUATIONS,
    variables=_VARIABLES,
    parameters=_PARAMS_1D,
    invariants=(Invariant("mass", "∫ n dx (total number of cells)", _mass),),
    presets=(
        Preset(
            "linear_growth",
            "Unstable homogeneous state: the fastest mode grows at the rate of the dispersion relation",
            initial_fn=_mode_ic,
            grid=_mode_grid,
            params=LINEAR_PARAMS,
            t_end=4.0,
            samples=81,
            method="etdrk4",
            dt=0.005,
            source="Linear stability of the homogeneous state (dispersion relation in the module docstring); "
            "illustrative parameters",
            description="χ = 5, n̄ = 1, ε = τ = 1: modes with (1 + k²)² < 5 grow. The box holds four "
            "half-wavelengths of the fastest wavenumber, seeded along its growing eigenvector "
            "(amplitude 1e-6), so n̂_4 grows as e^{λt} with λ = max Re eig A(k).",
        ),
        Preset(
            "stable_decay",
            "Stable homogeneous state: a perturbation decays at the dispersion-relation rate",
            initial_fn=_mode_ic,
            grid={"n": 64, "domain": (0.0, 10.0)},
            params={**LINEAR_PARAMS, "chi": 0.5, "amplitude": 0.05, "mode": 2},
            t_end=4.0,
            samples=81,
            method="etdrk4",
            dt=0.005,
            source="Linear stability of the homogeneous state; illustrative parameters",
            description="χ n̄ = 0.5 < 1: every mode decays; the seeded mode decays at its (least negative) eigenvalue.",
        ),
        Preset(
            "aggregation_1d",
            "Aggregation from noise into peaks that coarsen (1-D pattern formation)",
            initial_fn=_noise_ic,
            grid={"n": 512, "domain": (0.0, 40.0)},
            params={"chi": 5.0, "eps": 1.0, "tau": 1.0, "mean": 1.0, "amplitude": 0.01},
            t_end=1000.0,
            samples=201,
            method="etdrk4",
            dt=0.01,
            source="Illustrative; pattern formation of Keller–Segel type models: Painter, J. Theor. Biol. 481, "
            "162–182 (2019)",
            description="Random perturbations of the unstable state n̄ = 1 (χ = 5, fastest wavenumber "
            "k* = 0.61) grow into a few bounded peaks (height ≈ 18) by t ≈ 50; coarsening is slow: with "
            "seed 1 two of them merge between t = 700 and 800.",
        ),
    ),
    reference=_REFERENCE,
    methods=("etdrk4",),
    default_method="etdrk4",
    default_dt=0.01,
    default_t_end=50.0,
    default_samples=201,
    pde=PDE(
        dims=1,
        default_n=128,
        default_domain=(0.0, 20.0),
        real=True,
        basis="cosine",
        linear=chemotaxis_linear,
        nonlinear=chemotaxis_nonlinear_1d,
        pack=chemotaxis_pack,
        notes=_NOTES,
    ),
    tags=("pde", "biology", "pattern formation"),
)


_PARAMS_2D = (
    *_MODEL_PARAMS,
    Parameter("mean", 0.0, "uniform background cell density under the peak", bounds=(0.0, 1e4), role="initial"),
    Parameter("mass", 100.0, "mass of the initial Gaussian peak", bounds=(0.0, 1e5), role="initial"),
    Parameter("width", 0.5, "standard deviation of the initial Gaussian peak", bounds=(0.01, 100.0), role="initial"),
)

CHEMOTAXIS_2D = System(
    name="chemotaxis_2d",
    title="Chemotaxis with indirect signalling (2-D)",
    kind="pde",
    description=(
        "The indirect-signalling chemotaxis model in a square with zero-flux walls (cosine basis in both "
        "directions, ETDRK4). In 2-D the indirect model's solutions stay bounded (its critical dimension is "
        "four); the classical direct Keller–Segel option (signal = 'direct') can collapse in finite time "
        "when more than 8π/χ of mass concentrates at an interior point, and the run then ends with status "
        "'blow-up' keeping every sample before the collapse."
    ),
    equations=_EQUATIONS,
    variables=_VARIABLES,
    parameters=_PARAMS_2D,
    invariants=(Invariant("mass", "∫ n dx dy (total number of cells)", _mass),),
    presets=(
        Preset(
            "blowup_direct",
            "Finite-time collapse of the classical (direct) Keller–Segel system: mass 12π > 8π",
            initial_fn=_peak_ic,
            grid={"n": 128, "domain": ((0.0, 8.0), (0.0, 8.0))},
            params={
                "chi": 1.0,
                "eps": 0.1,
                "tau": 1.0,
                "signal": "direct",
                "mean": 0.0,
                "mass": 12 * np.pi,
                "width": 0.6,
            },
            t_end=3.0,
            samples=301,
            method="etdrk4",
            dt=0.002,
            source="Jäger & Luckhaus, Trans. AMS 329, 819 (1992); Nagai, Adv. Math. Sci. Appl. 5, 581 (1995); "
            "Herrero & Velázquez, Ann. Sc. Norm. Sup. Pisa 24, 633 (1997); illustrative parameters",
            description="Direct signalling (ε c_t = Δc − c + n, ε = 0.1, near the parabolic–elliptic limit), "
            "a Gaussian of mass 12π (1.5 times the critical 8π/χ) at the centre of the box. The peak "
            "sharpens ever faster; when the fixed-step scheme can no longer follow the aggregate, which is "
            "then narrower than the grid, the state becomes non-finite and the run stops with status "
            "'blow-up', keeping the samples before it. On this 128² grid n stays positive (resolved) until "
            "t ≈ 1.4; later samples are increasingly unresolved. On 64² to 160² grids the run stops at "
            "t ≈ 1.72.",
        ),
        Preset(
            "large_mass_indirect",
            "A peak of mass 64π with indirect signalling: a bounded aggregate, no blow-up",
            initial_fn=_peak_ic,
            grid={"n": 96, "domain": ((0.0, 8.0), (0.0, 8.0))},
            params={
                "chi": 1.0,
                "eps": 0.1,
                "tau": 1.0,
                "signal": "indirect",
                "mean": 0.0,
                "mass": 64 * np.pi,
                "width": 0.6,
            },
            t_end=5.0,
            samples=101,
            method="etdrk4",
            dt=0.002,
            source="Fujie & Senba, J. Differential Equations 263, 88 (2017) (global boundedness below the "
            "critical dimension four); illustrative parameters",
            description="As 'blowup_direct' but with c produced through w and eight times the direct model's "
            "critical mass: the cells gather into one steady aggregate (peak n ≈ 350 by t = 5 on this grid, "
            "within 1% of a 128² run) instead of collapsing. (With mass 12π the indirect model's peak simply "
            "spreads out.)",
        ),
    ),
    reference=_REFERENCE,
    methods=("etdrk4",),
    default_method="etdrk4",
    default_dt=0.001,
    default_t_end=5.0,
    default_samples=101,
    pde=PDE(
        dims=2,
        default_n=96,
        default_domain=((0.0, 8.0), (0.0, 8.0)),
        real=True,
        basis="cosine",
        linear=chemotaxis_linear,
        nonlinear=chemotaxis_nonlinear_2d,
        pack=chemotaxis_pack,
        notes=_NOTES,
    ),
    tags=("pde", "biology", "pattern formation", "blow-up"),
)

register(CHEMOTAXIS, CHEMOTAXIS_2D)
