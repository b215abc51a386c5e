"""2-D Navier–Stokes (vorticity form): exact solutions, the nonlinear term
against an independent numpy implementation, inviscid conservation, the
energy budget (which pins the sign of the forcing), Kolmogorov's laminar
state."""

import numpy as np
import pytest
from scipy.integrate import simpson

import solvers
from solvers.spectral import make_grid
from solvers.systems import navier_stokes as ns

NAME = "navier_stokes_2d"


def reference_nonlinear(omega, lx, ly, F=0.0, kf=0):
    """−P[u·∇ω] + f̂ in rfft2 layout, computed independently: full complex
    FFTs, the 2/3-truncated field zero-padded to a 2n grid (where the
    product is exact), the conservative form ∂x(uω) + ∂y(vω), truncated
    back; f = −F k_f cos(k_f y) built in physical space."""
    ny, nx = omega.shape
    wh = np.fft.fft2(omega)
    mx, my = np.fft.fftfreq(nx, 1 / nx), np.fft.fftfreq(ny, 1 / ny)
    MX, MY = np.meshgrid(mx, my)
    keep = (3 * np.abs(MX) < nx) & (3 * np.abs(MY) < ny)
    wh = wh * keep
    Mx, My = 2 * nx, 2 * ny
    ix = np.r_[0 : nx // 2, Mx - nx // 2 : Mx]
    iy = np.r_[0 : ny // 2, My - ny // 2 : My]
    big = np.zeros((My, Mx), complex)
    big[np.ix_(iy, ix)] = wh * (Mx * My / (nx * ny))
    KX, KY = np.meshgrid(2 * np.pi / lx * np.fft.fftfreq(Mx, 1 / Mx), 2 * np.pi / ly * np.fft.fftfreq(My, 1 / My))
    k2 = KX**2 + KY**2
    k2[0, 0] = 1.0
    psi = big / k2
    psi[0, 0] = 0.0
    u = np.fft.ifft2(1j * KY * psi).real
    v = np.fft.ifft2(-1j * KX * psi).real
    w = np.fft.ifft2(big).real
    adv = 1j * KX * np.fft.fft2(u * w) + 1j * KY * np.fft.fft2(v * w)
    out = -adv[np.ix_(iy, ix)] * (nx * ny / (Mx * My)) * keep
    y = np.arange(ny)[:, None] * ly / ny * np.ones((1, nx))
    k_f = 2 * np.pi * kf / ly
    out = out + np.fft.fft2(-F * k_f * np.cos(k_f * y))
    return out[:, : nx // 2 + 1]


@pytest.mark.parametrize(
    ("nx", "ny", "lx", "ly"), [(32, 32, 2 * np.pi, 2 * np.pi), (64, 64, 2 * np.pi, 2 * np.pi), (48, 40, 5.0, 3.0)]
)
def test_nonlinear_term_against_numpy(nx, ny, lx, ly):
    """Random (white) field: every mode of the kernel's N matches the padded
    reference to round-off (measured 4e-16 … 7e-16 of its largest value:
    with the 2/3 rule there is no aliasing at all)."""
    grid = make_grid((nx, ny), ((0.0, lx), (0.0, ly)), 2)
    omega = np.random.default_rng(nx + ny).standard_normal(grid.shape)
    params = {"nu": 0.01, "F": 0.7, "kf": 3, "mu": 0.1}
    v = np.ascontiguousarray(np.fft.rfft2(omega).ravel())
    out = np.zeros_like(v)
    ns.ns_nonlinear(0.0, v, ns.ns_pack(params, grid), out)
    ref = reference_nonlinear(omega, lx, ly, F=0.7, kf=3).ravel()
    assert np.max(np.abs(out - ref)) <= 1e-14 * np.max(np.abs(ref))


def test_taylor_green_matches_the_exact_decay():
    """The preset (64², ν = 0.05, t ≤ 20, ETDRK4 dt = 0.05): error 2e-15
    against ω = 2 sin x sin y e^{−2νt} (the requirement is 1e-10)."""
    r = solvers.simulate(NAME, preset="taylor_green")
    assert r.status == "done" and r.grid.shape == (64, 64)
    exact = ns._tg_exact(r.t, r.grid, r.config.params)["omega"]
    assert np.max(np.abs(r["omega"] - exact)) <= 1e-10
    np.testing.assert_allclose(np.max(np.abs(r["omega"][-1])), 2 * np.exp(-2 * 0.05 * 20.0), rtol=1e-12)


@pytest.mark.parametrize(
    ("k0", "domain", "mu"),
    [(2, (0.0, 2 * np.pi), 0.0), (1, (0.0, 2 * np.pi), 0.3), (1, ((0.0, 4.0), (-1.0, 2.0)), 0.1)],
)
def test_taylor_green_variants(k0, domain, mu):
    """k = 2, linear drag, a rectangle: u·∇ω ≡ 0 still, decay at ν(a² + b²) + μ."""
    r = solvers.simulate(
        NAME, preset="taylor_green", params={"k0": k0, "mu": mu}, domain=domain, n=(48, 40), t_end=5.0, samples=11
    )
    exact = ns._tg_exact(r.t, r.grid, r.config.params)["omega"]
    assert np.max(np.abs(r["omega"] - exact)) <= 1e-10 * np.max(np.abs(exact))


def test_energy_enstrophy_and_velocity_of_taylor_green():
    """u = (sin x cos y, −cos x sin y): E = ½∫|u|² = π², Z = ½∫ω² = 2π²."""
    grid = make_grid(32, (0.0, 2 * np.pi), 2)
    omega = ns._tg_ic(grid, {"k0": 1, "nu": 0.0, "mu": 0.0}, None)["omega"]
    assert ns.energy(omega, grid) == pytest.approx(np.pi**2, rel=1e-14)
    assert ns.enstrophy(omega, grid) == pytest.approx(2 * np.pi**2, rel=1e-14)
    X, Y = grid.mesh()
    u, v = ns.velocity(omega, grid)
    np.testing.assert_allclose(u, np.sin(X) * np.cos(Y), atol=1e-14)
    np.testing.assert_allclose(v, -np.cos(X) * np.sin(Y), atol=1e-14)
    # ω = ∂v/∂x − ∂u/∂y
    np.testing.assert_allclose(grid.derivative(v, axis=0) - grid.derivative(u, axis=1), omega, atol=1e-13)


def inviscid(method, **kw):
    r = solvers.simulate(
        NAME,
        preset="decaying_turbulence",
        n=64,
        params={"nu": 0.0, "mu": 0.0, "F": 0.0},
        t_end=2.0,
        samples=21,
        seed=3,
        method=method,
        **kw,
    )
    assert r.status == "done"
    E, Z = ns.energy(r["omega"], r.grid), ns.enstrophy(r["omega"], r.grid)
    return r, np.max(np.abs(E / E[0] - 1)), np.max(np.abs(Z / Z[0] - 1))


def test_inviscid_run_conserves_energy_and_enstrophy():
    """ν = μ = F = 0, 64², a band-limited random field (u_rms = 1, t ≤ 2,
    the vorticity changes by O(1)): the 2/3-truncated Galerkin system
    conserves E and Z exactly, so the drift is the time stepper's.
    if_dop853 (L ≡ 0: plain adaptive DOP853) at 1e-12 gives 4e-15 and 5e-14;
    ETDRK4 converges to it at 4th order (dt = 0.01: 2e-7, 2e-6; dt = 0.005:
    6e-9, 8e-8)."""
    r, dE, dZ = inviscid("if_dop853", rtol=1e-12, atol=1e-12)
    assert dE <= 1e-8 and dZ <= 1e-8, (dE, dZ)
    assert np.max(np.abs(r["omega"][-1] - r["omega"][0])) > 1.0  # the flow did evolve
    _, dE1, dZ1 = inviscid("etdrk4", dt=0.01)
    _, dE2, dZ2 = inviscid("etdrk4", dt=0.005)
    assert dZ2 < 1e-6 and dE2 < 1e-7
    assert np.log2(dZ1 / dZ2) > 3.5 and np.log2(dE1 / dE2) > 3.5


def test_energy_budget_fixes_the_forcing_sign():
    """Kolmogorov flow (F = 1, kf = 4, ν = 1/40: turbulent), 64², t ∈ [0, 4]:
    E(t) − E(0) = ∫ (I − 2νZ − 2μE) dt with the input I = ∫ u·(F sin k_f y x̂) dA.
    A wrong sign of the vorticity forcing would flip I.  Measured: 9e-10 of
    max E (the time stepper's and Simpson's error)."""
    r = solvers.simulate(
        NAME, preset="kolmogorov", n=64, params={"mu": 0.05, "epsilon": 0.5}, t_end=4.0, samples=401, seed=7, dt=0.005
    )
    grid, p = r.grid, r.config.params
    E, Z = ns.energy(r["omega"], grid), ns.enstrophy(r["omega"], grid)
    u, _ = ns.velocity(r["omega"], grid)
    _, Y = grid.mesh()
    inp = grid.integrate(u * p["F"] * np.sin(p["kf"] * Y))
    rate = inp - 2 * p["nu"] * Z - 2 * p["mu"] * E
    budget = E[0] + np.array([simpson(rate[: i + 1], x=r.t[: i + 1]) if i else 0.0 for i in range(0, r.t.size, 40)])
    assert np.max(np.abs(budget - E[::40])) <= 1e-8 * np.max(E)
    assert np.max(inp) > 1.0  # the forcing does work on the flow


def test_laminar_kolmogorov_spin_up_is_exact():
    """From rest: ω = −(F/(ν k_f)) cos(k_f y)(1 − e^{−ν k_f² t}); error 3e-15."""
    r = solvers.simulate(NAME, preset="kolmogorov_laminar")
    exact = ns._kolmogorov_exact(r.t, r.grid, r.config.params)["omega"]
    assert np.max(np.abs(r["omega"] - exact)) <= 1e-10
    # the laminar state: ω = −(F/(ν k_f)) cos(k_f y), u = F/(ν k_f²) sin(k_f y)
    F, nu, kf = 1.0, 0.5, 2
    _, Y = r.grid.mesh()
    np.testing.assert_allclose(r["omega"][-1], -(F / (nu * kf)) * np.cos(kf * Y), atol=1e-8)
    u, v = ns.velocity(r["omega"][-1], r.grid)
    np.testing.assert_allclose(u, F / (nu * kf**2) * np.sin(kf * Y), atol=1e-8)
    assert np.max(np.abs(v)) < 1e-14


def test_low_reynolds_kolmogorov_flow_returns_to_the_laminar_state():
    """Re = 1/ν = 2 with a strong random perturbation (rms velocity 0.3,
    modes 1 ≤ |k| ≤ 4): the flow settles on ω = −(F/(ν k_f)) cos(k_f y)
    (max deviation 1.9 at t = 0, 2e-11 at t = 50)."""
    r = solvers.simulate(
        NAME, preset="kolmogorov", n=64, params={"nu": 0.5, "kf": 2, "epsilon": 0.3}, t_end=50.0, samples=6, seed=11
    )
    _, Y = r.grid.mesh()
    laminar = -(1.0 / (0.5 * 2)) * np.cos(2 * Y)
    dev = np.max(np.abs(r["omega"] - laminar), axis=(1, 2))
    assert dev[0] > 0.3
    assert dev[-1] < 1e-9
    assert np.all(np.diff(dev) < 0)


def test_kolmogorov_preset_becomes_turbulent():
    """Re = 40, kf = 4 (Chandler & Kerswell's forcing): the laminar state is
    unstable; a 1e-3 perturbation grows to O(1) departures by t = 20, and
    the energy falls well below the laminar value 4π²·(F/(ν k_f²))²/4."""
    r = solvers.simulate(NAME, preset="kolmogorov", n=64, t_end=20.0, samples=5, seed=1)
    lam = ns.laminar_kolmogorov(r.grid, r.config.params)
    dev = np.sqrt(np.mean((r["omega"] - lam) ** 2, axis=(1, 2)))
    assert dev[0] < 0.01 and dev[-1] > 1.0
    E = ns.energy(r["omega"], r.grid)
    assert E[0] == pytest.approx(np.pi**2 * 2.5**2, rel=1e-4)
    assert E[-1] < 0.7 * E[0]


def test_random_initial_field():
    grid = make_grid(64, (0.0, 2 * np.pi), 2)
    a = ns.random_shell_field(grid, np.random.default_rng(1), 4.0, 8.0, 1.5)
    b = ns.random_shell_field(grid, np.random.default_rng(1), 4.0, 8.0, 1.5)
    np.testing.assert_array_equal(a, b)
    assert ns.energy(a, grid) == pytest.approx(0.5 * 1.5**2 * 4 * np.pi**2, rel=1e-12)
    KX, KY = grid.wavenumbers(real=True)
    kk = np.hypot(KX, KY)
    spec = np.abs(np.fft.rfft2(a))
    assert np.max(spec[(kk < 4) | (kk > 8)]) < 1e-12 * np.max(spec)


def test_unresolved_forcing_is_refused():
    with pytest.raises(ValueError, match="kf"):
        solvers.simulate(NAME, preset="kolmogorov", n=32, params={"kf": 11}, t_end=0.1, samples=2)


def test_energy_and_enstrophy_are_recorded_as_observables():
    """Taylor–Green: both decay exactly as e^{−4νk²t}."""
    r = solvers.simulate("navier_stokes_2d", preset="taylor_green", n=32, t_end=1.0, samples=11)
    nu = r.config.params["nu"]
    k = 1.0
    for name in ("energy", "enstrophy"):
        values = r.observables[name]
        np.testing.assert_allclose(values / values[0], np.exp(-4 * nu * k * k * r.t), rtol=1e-10)
    assert "energy" not in r.invariants


def test_integrating_factor_methods_are_refused_when_viscous():
    with pytest.raises(ValueError, match=r"method: 'if_dop853' cannot run 'navier_stokes_2d'.*use etdrk4"):
        solvers.make_config("navier_stokes_2d", preset="taylor_green", method="if_dop853", rtol=1e-10, atol=1e-10)
