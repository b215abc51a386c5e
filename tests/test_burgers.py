"""Burgers against exact Cole–Hopf solutions and the published benchmark of
Basdevant et al. (1986)."""

import math

import numpy as np
import pytest
from scipy.special import ive

import solvers
from solvers.systems import burgers


def max_error(r, preset):
    exact = solvers.get_system("burgers").preset(preset).exact(r.t, r.grid, r.config.params)["u"]
    return np.max(np.abs(r["u"] - exact)) / np.max(np.abs(exact))


def test_cole_hopf_preset_matches_the_exact_solution():
    """Out of the box (ETDRK4, N = 256, dt = 0.005): ≤ 1e-6 against Cole–Hopf
    (measured 2e-9); the mean ∫u = U·L = π is conserved to round-off."""
    r = solvers.simulate("burgers", preset="cole_hopf")
    assert r.status == "done" and r.config.method == "etdrk4"
    assert max_error(r, "cole_hopf") <= 1e-6
    mass = r.invariants["mass"]
    assert mass[0] == pytest.approx(0.5 * 2 * math.pi, rel=1e-14)
    assert np.max(np.abs(mass - mass[0])) <= 1e-14


def test_etdrk4_is_fourth_order_on_cole_hopf():
    errors = []
    for dt in (0.02, 0.01, 0.005):
        r = solvers.simulate("burgers", preset="cole_hopf", dt=dt, t_end=5.0, samples=11)
        errors.append(max_error(r, "cole_hopf"))
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(orders > 3.7) and np.all(orders < 4.3), (errors, orders)


def test_cole_hopf_modes_solve_burgers():
    """The formula itself: residual of u_t + u u_x − ν u_xx (spectral in x,
    4th-order differences in t) is at the level of the t-difference error."""
    nu, L, n = 0.05, 2 * math.pi, 256
    x = np.arange(n) * L / n
    k = 2 * np.pi * np.fft.fftfreq(n, L / n)

    def u(t):
        return burgers.cole_hopf_modes(x, t, nu, 0.9, -0.05, 0.5, 0.0, L)

    t, h = 1.3, 1e-3
    ut = (-u(t + 2 * h) + 8 * u(t + h) - 8 * u(t - h) + u(t - 2 * h)) / (12 * h)
    v = u(t)
    vx = np.real(np.fft.ifft(1j * k * np.fft.fft(v)))
    vxx = np.real(np.fft.ifft(-(k**2) * np.fft.fft(v)))
    assert np.max(np.abs(ut + v * vx - nu * vxx)) < 1e-9


def test_sine_solution_agrees_with_the_bessel_series():
    """Where the Fourier series of φ is well conditioned (ν = 0.2), the
    quadrature of the heat kernel and the series φ = 1 + 2Σ I_m(z)/I_0(z)
    e^{−νm²t} cos mx (z = 1/2ν) give the same u."""
    nu = 0.2
    z = 1 / (2 * nu)
    x = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    m = np.arange(1, 200)[:, None]
    for t in (0.3, 1.0, 4.0):
        c = 2 * ive(m, z) / ive(0, z) * np.exp(-nu * m * m * t)
        phi = 1 + np.sum(c * np.cos(m * x), axis=0)
        phi_x = -np.sum(c * m * np.sin(m * x), axis=0)
        u, _ = burgers.sine_solution(x, [t], 1.0, 1.0, nu)
        assert np.max(np.abs(-2 * nu * phi_x / phi - u[0])) < 1e-13


def test_basdevant_slope_from_the_exact_solution():
    """Basdevant et al. (1986): max |u_x| = 152.00516 at t = 1.6037/π for
    u0 = −sin πx, ν = 0.01/π (here: u0 = sin x, ν = 0.01, slope/π at t = 1.6037)."""
    x = np.array([math.pi])
    ts = np.linspace(1.600, 1.607, 71)
    _, ux = burgers.sine_solution(x, ts, 1.0, 1.0, 0.01)
    j = np.argmax(np.abs(ux[:, 0]))
    assert ts[j] == pytest.approx(1.6037, abs=1e-4)
    assert abs(ux[j, 0]) * math.pi == pytest.approx(152.00516, abs=2e-5)


def test_shock_formation_preset():
    """u0 = sin x, ν = 0.01 (default grid and step): ≤ 1e-6 against Cole–Hopf
    for 0 ≤ t ≤ 3; the steepest slope of the run, at t = 1.6037, is
    152.00516/π; the mean stays zero."""
    r = solvers.simulate("burgers", preset="shock_formation")
    assert r.status == "done"
    assert max_error(r, "shock_formation") <= 1e-6
    assert np.max(np.abs(r.invariants["mass"])) < 1e-13
    r = solvers.simulate("burgers", preset="shock_formation", t_end=1.6037, samples=2)
    slope = r.grid.derivative(r["u"][-1])
    assert np.max(np.abs(slope)) * math.pi == pytest.approx(152.00516, abs=1e-4)
    assert r.x[np.argmax(np.abs(slope))] == pytest.approx(math.pi)


def test_basdevant_preset():
    r = solvers.simulate("burgers", preset="basdevant", t_end=1.6037 / math.pi, samples=2)
    assert max_error(r, "basdevant") <= 1e-6
    slope = np.max(np.abs(r.grid.derivative(r["u"][-1])))
    assert slope == pytest.approx(152.00516, abs=1e-4)
    # the periodic run keeps u(±1) = u(0) = 0: the published Dirichlet problem
    assert abs(r["u"][-1][0]) < 1e-12 and abs(r["u"][-1][r.grid.n[0] // 2]) < 1e-12


def test_no_integrating_factor_methods():
    system = solvers.get_system("burgers")
    assert system.methods == ("etdrk4",)
    with pytest.raises(ValueError, match="method"):
        solvers.make_config("burgers", preset="cole_hopf", method="if_dop853")


def test_bad_cole_hopf_amplitudes_are_refused():
    with pytest.raises(ValueError, match="a1"):
        solvers.simulate("burgers", preset="cole_hopf", params={"a1": 0.8, "a2": 0.3}, t_end=0.1, samples=2)


def test_unresolved_shock_is_reported():
    r = solvers.simulate("burgers", preset="shock_formation", n=64, t_end=0.01, samples=2)
    assert not r.messages  # the sine is resolved at t = 0 ...
    system = solvers.get_system("burgers")
    grid = system.pde.grid(64, (0.0, 2 * math.pi))
    step = np.tanh((grid.x - math.pi) / 0.01)
    r = solvers.simulate("burgers", initial=step, n=64, t_end=0.01, samples=2, params={"nu": 0.01})
    assert any("not resolved" in m for m in r.messages)


def test_energy_and_slope_observables():
    """The recorded energy ½∫u² follows the exact solution's, and its decay
    rate is ν∫u_x²; max |u_x| peaks near t = 1.6037 in the shock run."""
    r = solvers.simulate("burgers", preset="cole_hopf", samples=1001)
    exact = solvers.get_system("burgers").preset("cole_hopf").exact(r.t, r.grid, r.config.params)["u"]
    energy = r.observables["energy"]
    np.testing.assert_allclose(energy, 0.5 * r.grid.integrate(exact**2), rtol=1e-8)
    dissipation = 0.05 * r.grid.integrate(r.grid.derivative(r["u"]) ** 2)
    rate = np.gradient(energy, r.t)
    assert np.max(np.abs(rate[5:-5] + dissipation[5:-5])) < 1e-4 * np.max(dissipation)
    r = solvers.simulate("burgers", preset="shock_formation", t_end=2.0, samples=201)
    slope = r.observables["max_slope"]
    assert r.t[np.argmax(slope)] == pytest.approx(1.6037, abs=0.006)
    assert np.max(slope) == pytest.approx(152.00516 / math.pi, rel=1e-3)
