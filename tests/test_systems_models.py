"""Flows of conservative.py, models.py and learning.py against exact results."""

import math

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.special import j1

import solvers
from solvers.catalog import get_system
from solvers.systems.learning import deep_linear_sigmoid, objective_minimum, objective_value

FLOWS = (
    "double_pendulum",
    "henon_heiles",
    "lotka_volterra",
    "jin_enso",
    "sir",
    "seir",
    "deep_linear",
    "nesterov_ode",
    "heavy_ball",
)


def _crossings(t, x):
    """Times where x crosses zero upwards (linear interpolation)."""
    i = np.nonzero((x[:-1] < 0) & (x[1:] >= 0))[0]
    return t[i] - x[i] * (t[i + 1] - t[i]) / (x[i + 1] - x[i])


# -- the spec of every system ---------------------------------------------


@pytest.mark.parametrize("name", FLOWS)
def test_spec_is_complete(name):
    s = get_system(name)
    assert s.kind == "flow"
    assert s.title and s.equations and s.reference and s.description
    assert s.default_dt > 0 and s.default_t_end > 0
    params = s.default_params()
    s.validate_params(params)  # defaults inside their bounds
    for p in s.parameters:
        assert p.meaning and p.unit
    for v in s.variables:
        assert v.meaning
    assert s.presets
    n = s.state_size(params)
    for pre in s.presets:
        assert pre.source and pre.initial is not None and len(pre.initial) == n
        full = s.validate_params(pre.params)
        y0 = np.array(pre.initial)[None, :]
        for name_, values in s.evaluate_invariants(np.repeat(y0, 3, axis=0), full).items():
            assert values.shape[0] == 3, name_
            assert np.all(np.isfinite(values)), name_


@pytest.mark.parametrize("name", FLOWS)
def test_presets_run(name):
    s = get_system(name)
    for pre in s.presets:
        r = solvers.simulate(name, preset=pre.name, t_end=min(pre.t_end or 10.0, 20.0), samples=201)
        assert r.status == "done", (pre.name, r.message)
        assert np.all(np.isfinite(r.states))


@pytest.mark.parametrize("name", FLOWS)
def test_jacobian_matches_central_differences(name):
    s = get_system(name)
    params = s.default_params()
    p = s.pack(params)
    n = s.state_size(params)
    rng = np.random.default_rng(12345)
    f_plus, f_minus = np.zeros(n), np.zeros(n)
    for _ in range(10):
        y = rng.uniform(0.1, 1.5, n)
        t = rng.uniform(0.5, 3.0)  # t > 0: nesterov_ode is singular at 0
        J = np.zeros((n, n))
        s.jacobian(t, y, p, J)
        fd = np.zeros((n, n))
        for j in range(n):
            h = 1e-6 * max(1.0, abs(y[j]))
            e = np.zeros(n)
            e[j] = h
            s.rhs(t, y + e, p, f_plus)
            s.rhs(t, y - e, p, f_minus)
            fd[:, j] = (f_plus - f_minus) / (2 * h)
        np.testing.assert_allclose(J, fd, rtol=1e-6, atol=1e-7 * max(1.0, np.abs(J).max()))


def test_rosenbrock_jacobians_match_central_differences():
    for name in ("nesterov_ode", "heavy_ball"):
        s = get_system(name)
        params = s.validate_params({"objective": "rosenbrock"})
        p = s.pack(params)
        assert p[0] == 1.0  # the choice packs to its index
        y = np.array([-0.7, 0.4, 0.3, -0.2])
        J = np.zeros((4, 4))
        s.jacobian(1.3, y, p, J)
        fd = np.zeros((4, 4))
        fp, fm = np.zeros(4), np.zeros(4)
        for j in range(4):
            e = np.zeros(4)
            e[j] = 1e-6
            s.rhs(1.3, y + e, p, fp)
            s.rhs(1.3, y - e, p, fm)
            fd[:, j] = (fp - fm) / 2e-6
        np.testing.assert_allclose(J, fd, rtol=1e-6, atol=1e-5)


# -- double pendulum --------------------------------------------------------


def test_double_pendulum_energy_conserved_by_dop853():
    r = solvers.simulate(
        "double_pendulum", preset="chaotic", method="dop853", rtol=1e-12, atol=1e-12, t_end=60.0, samples=6001
    )
    E = r.invariants["energy"]
    # released from rest with both rods horizontal: E = 0 exactly
    assert abs(E[0]) < 1e-14
    # measured: 1.0e-9 J over 60 s (the energy scale m g l is ≈ 10 J)
    assert np.abs(E - E[0]).max() < 1e-8
    assert np.abs(r["theta2"]).max() > 2.0  # it does move wildly


def test_double_pendulum_slow_normal_mode():
    r = solvers.simulate("double_pendulum", preset="normal_mode", rtol=1e-12, atol=1e-14, t_end=20.0, samples=20001)
    period = 2 * math.pi / math.sqrt((2 - math.sqrt(2)) * 9.81)
    measured = np.diff(_crossings(r.t, r["theta1"]))
    # amplitude 0.02 rad: the nonlinear shift of the period is O(θ²) ≈ 1e-4
    np.testing.assert_allclose(measured, period, rtol=2e-4)
    ratio = r["theta2"][::1000] / r["theta1"][::1000]
    np.testing.assert_allclose(ratio[np.abs(r["theta1"][::1000]) > 0.01], math.sqrt(2), rtol=1e-3)


def test_double_pendulum_chaotic_has_positive_exponent():
    le = solvers.lyapunov_spectrum("double_pendulum", preset="chaotic", t_end=200.0, dt=0.002)
    assert le[0] > 0.5  # measured ≈ 1.0 /s at t = 500
    assert abs(le[1]) < 0.05 and abs(le[2]) < 0.05  # the flow direction and the energy


# -- Hénon–Heiles -----------------------------------------------------------


def test_henon_heiles_presets_have_the_stated_energies():
    s = get_system("henon_heiles")
    for pre, energy in (("regular", 1 / 12), ("mixed", 1 / 8), ("chaotic", 1 / 6)):
        y0 = np.array(s.preset(pre).initial)[None, :]
        E = s.evaluate_invariants(y0, {})["energy"][0]
        assert E == pytest.approx(energy, abs=1e-15)
        assert y0[0, 0] == 0.0 and y0[0, 2] >= 0.0  # on the section x = 0, px ≥ 0


def test_henon_heiles_accel_is_the_force_of_rhs():
    s = get_system("henon_heiles")
    rng = np.random.default_rng(7)
    p = np.zeros(0)
    for _ in range(20):
        y = rng.normal(size=4)
        f = np.zeros(4)
        a = np.zeros(2)
        s.rhs(0.0, y, p, f)
        s.accel(0.0, y[:2].copy(), p, a)
        np.testing.assert_array_equal(f[2:], a)
        np.testing.assert_array_equal(f[:2], y[2:])


@pytest.mark.parametrize("preset", ["regular", "chaotic"])
def test_henon_heiles_energy_bounded_with_yoshida4(preset):
    r = solvers.simulate("henon_heiles", preset=preset, method="yoshida4", dt=0.01, t_end=1000.0, samples=10001)
    dE = np.abs(r.invariants["energy"] - r.invariants["energy"][0])
    # measured: 7e-11 (regular) and 1.7e-10 (chaotic)
    assert dE.max() < 1e-9
    # no secular growth: the second half is no worse than the first
    first, second = dE[:5000].max(), dE[5000:].max()
    assert second < 1.5 * first


def test_henon_heiles_leapfrog_error_is_bounded_and_second_order():
    errs = []
    for dt in (0.02, 0.01):
        r = solvers.simulate("henon_heiles", preset="chaotic", method="leapfrog", dt=dt, t_end=500.0, samples=5001)
        dE = np.abs(r.invariants["energy"] - r.invariants["energy"][0])
        assert dE[2500:].max() < 1.5 * dE[:2500].max()
        errs.append(dE.max())
    assert 3.0 < errs[0] / errs[1] < 5.0


def test_henon_heiles_regular_vs_chaotic_exponents():
    regular = solvers.lyapunov_spectrum("henon_heiles", preset="regular", t_end=4000.0, dt=0.02)
    chaotic = solvers.lyapunov_spectrum("henon_heiles", preset="chaotic", t_end=4000.0, dt=0.02)
    assert regular[0] < 0.005  # decays like 1/t on a torus
    assert chaotic[0] > 0.08  # measured 0.14
    assert abs(chaotic.sum()) < 1e-6  # Hamiltonian: the spectrum is symmetric


# -- Lotka–Volterra -----------------------------------------------------------


def test_lotka_volterra_invariant_and_small_cycle_period():
    r = solvers.simulate("lotka_volterra", preset="cycle", rtol=1e-12, atol=1e-14, t_end=50.0, samples=5001)
    V = r.invariants["V"]
    assert np.abs(V - V[0]).max() < 2e-10  # measured 5e-11 (V ≈ 3.2)
    r = solvers.simulate("lotka_volterra", preset="near_equilibrium", rtol=1e-12, atol=1e-14, t_end=30.0, samples=30001)
    period = np.diff(_crossings(r.t, r["x"] - 1.0))
    np.testing.assert_allclose(period, 2 * math.pi, rtol=2e-3)  # 2π/√(αγ), amplitude 5%


# -- Jin's recharge oscillator ------------------------------------------------


def test_jin_neutral_period_and_constant_amplitude():
    r = solvers.simulate("jin_enso", preset="neutral", rtol=1e-12, atol=1e-14, t_end=120.0, samples=12001)
    gamma, alpha, r_, b = 0.75, 0.125, 0.25, 2.5 * 2 / 3
    period = 2 * math.pi / math.sqrt(gamma * alpha * b - r_**2)
    assert period == pytest.approx(20.5208, abs=1e-4)  # ≈ 41 months
    np.testing.assert_allclose(np.diff(_crossings(r.t, r["T"])), period, rtol=1e-8)
    T = r["T"]
    assert T[-3000:].max() == pytest.approx(T[:3000].max(), rel=1e-6)


def test_jin_self_sustained_limit_cycle_attracts():
    amplitudes = []
    for T0 in (0.01, 1.0):
        r = solvers.simulate("jin_enso", preset="self_sustained", initial=(T0, 0.0), t_end=600.0, samples=60001)
        amplitudes.append(r["T"][-5000:].max())
    # the same cycle from inside and from outside; measured amplitude 0.6425 (4.8 K)
    assert amplitudes[0] == pytest.approx(amplitudes[1], rel=1e-5)
    assert 0.5 < amplitudes[0] < 0.8


def test_jin_damped_below_critical_coupling():
    r = solvers.simulate("jin_enso", preset="damped", t_end=120.0, samples=1201)
    assert np.abs(r["T"][-100:]).max() < 0.05 * np.abs(r["T"][:100]).max()


# -- SIR / SEIR -----------------------------------------------------------


def _final_susceptible(beta, gamma, S0, R0=0.0):
    # γ ln S + β R is conserved and R∞ = 1 − S∞ when everything else has emptied
    c = gamma * math.log(S0) + beta * R0
    return brentq(lambda s: gamma * math.log(s) + beta * (1 - s) - c, 1e-300, S0 * (1 - 1e-15))


def test_sir_boarding_school():
    s = get_system("sir")
    pre = s.preset("boarding_school")
    beta, gamma = pre.params["beta"], pre.params["gamma"]
    S0, I0, _ = pre.initial
    r = solvers.simulate("sir", preset="boarding_school", rtol=1e-12, atol=1e-15, t_end=30.0, samples=30001)
    assert np.abs(r.invariants["total"] - 1.0).max() < 1e-14
    assert np.ptp(r.invariants["KM"]) < 1e-10
    # peak when S = γ/β: I_max = S0 + I0 − (γ/β)(1 + ln(β S0/γ))
    I_max = S0 + I0 - gamma / beta * (1 + math.log(beta * S0 / gamma))
    assert r["I"].max() == pytest.approx(I_max, abs=1e-8)
    assert 763 * I_max == pytest.approx(293.0, abs=0.5)  # Murray's fit: a peak near 300 boys at day 6
    assert 6.0 < r.t[np.argmax(r["I"])] < 7.0
    r = solvers.simulate("sir", preset="boarding_school", rtol=1e-12, atol=1e-15, t_end=120.0, samples=121)
    assert r["S"][-1] == pytest.approx(_final_susceptible(beta, gamma, S0), rel=1e-7)


def test_seir_invariants_and_final_size():
    r = solvers.simulate("seir", preset="measles_like", rtol=1e-12, atol=1e-16, t_end=400.0, samples=401)
    assert np.abs(r.invariants["total"] - 1.0).max() < 1e-14
    assert np.ptp(r.invariants["KM"]) < 1e-8
    # the latent stage delays the epidemic but the final size is that of SIR
    assert r["S"][-1] == pytest.approx(_final_susceptible(3.0, 0.2, 1 - 1e-4), rel=1e-5)


# -- deep linear network ------------------------------------------------------


def test_deep_linear_balanced_modes_follow_the_sigmoid():
    r = solvers.simulate("deep_linear", preset="small_balanced", rtol=1e-13, atol=1e-16, t_end=10.0, samples=1001)
    for i, s in ((1, 3.0), (2, 2.0), (3, 1.0)):
        u = r[f"a{i}"] * r[f"b{i}"]
        exact = deep_linear_sigmoid(r.t, s, 1e-6, 1.0)
        assert np.abs(u - exact).max() < 1e-8  # measured ≤ 6e-12
        assert np.abs(r[f"a{i}"] - r[f"b{i}"]).max() < 1e-12  # balanced stays balanced
    # the formula itself is the one in the docs: s e^{2st/τ}/(e^{2st/τ} − 1 + s/u0)
    t, s, u0, tau = 0.7, 2.0, 0.01, 1.5
    e = math.exp(2 * s * t / tau)
    assert deep_linear_sigmoid(t, s, u0, tau) == pytest.approx(s * e / (e - 1 + s / u0), rel=1e-14)


def test_deep_linear_learning_order_and_balance_invariant():
    r = solvers.simulate("deep_linear", preset="unbalanced", rtol=1e-12, atol=1e-15, t_end=30.0, samples=1001)
    bal = r.invariants["balance"]
    assert bal.shape == (1001, 3)
    assert np.abs(bal - bal[0]).max() < 1e-10
    for i, s in ((1, 3.0), (2, 2.0), (3, 1.0)):
        assert r[f"a{i}"][-1] * r[f"b{i}"][-1] == pytest.approx(s, rel=1e-8)
    # stronger modes are learned first (half-way times in order)
    r = solvers.simulate("deep_linear", preset="small_balanced", t_end=10.0, samples=1001)
    half = [r.t[np.argmax(r[f"a{i}"] * r[f"b{i}"] > s / 2)] for i, s in ((1, 3.0), (2, 2.0), (3, 1.0))]
    assert half[0] < half[1] < half[2]


# -- Nesterov ODE ------------------------------------------------------------


def test_nesterov_limit_at_t_zero():
    s = get_system("nesterov_ode")
    p = s.pack(s.default_params())  # a = 1, b = 0.1
    out = np.zeros(4)
    s.rhs(0.0, np.array([1.0, 2.0, 0.0, 0.0]), p, out)
    np.testing.assert_allclose(out, [0.0, 0.0, -0.25, -0.05])


def test_nesterov_rate_bound_on_a_quadratic():
    r = solvers.simulate("nesterov_ode", preset="quadratic", rtol=1e-12, atol=1e-14, t_end=60.0, samples=601)
    params = r.params
    (xs, ys), fs = objective_minimum(params)
    f = objective_value(params, r["x"], r["y"])
    dist2 = (r["x"][0] - xs) ** 2 + (r["y"][0] - ys) ** 2
    for t in (1.0, 2.0, 5.0, 10.0, 20.0, 40.0, 60.0):
        i = round(t * 10)
        assert r.t[i] == pytest.approx(t)
        assert f[i] - fs <= 2 * dist2 / t**2  # Su, Boyd & Candès, Thm 3
    # and the closed form X0 · 2 J1(√λ t)/(√λ t) for each coordinate
    t = r.t[1:]
    np.testing.assert_allclose(r["x"][1:], 2 * j1(t) / t, atol=1e-10)
    w = math.sqrt(0.1)
    np.testing.assert_allclose(r["y"][1:], 2 * j1(w * t) / (w * t), atol=1e-10)


def test_nesterov_fixed_step_from_t_zero():
    r = solvers.simulate("nesterov_ode", preset="quadratic", method="rk4", dt=0.01, t_end=20.0, samples=201)
    t = r.t[1:]
    np.testing.assert_allclose(r["x"][1:], 2 * j1(t) / t, atol=1e-9)


def test_nesterov_approaches_rosenbrock_minimum():
    r = solvers.simulate("nesterov_ode", preset="rosenbrock", t_end=60.0, samples=61)
    f = objective_value(r.params, r["x"], r["y"])
    # the fading friction makes the last stretch along the valley slow: measured f(60) = 1.4e-5
    assert f[0] == pytest.approx(24.2) and f[-1] < 1e-4
    assert np.hypot(r["x"][-1] - 1.0, r["y"][-1] - 1.0) < 0.01


# -- heavy ball ----------------------------------------------------------------


def _damped(t, x0, k, gamma):
    """x'' + γ x' + k x = 0, x(0) = x0, x'(0) = 0."""
    disc = k - gamma**2 / 4
    if disc > 0:
        w = math.sqrt(disc)
        return x0 * np.exp(-gamma * t / 2) * (np.cos(w * t) + gamma / (2 * w) * np.sin(w * t))
    if disc == 0:
        return x0 * np.exp(-gamma * t / 2) * (1 + gamma * t / 2)
    w = math.sqrt(-disc)
    return x0 * np.exp(-gamma * t / 2) * (np.cosh(w * t) + gamma / (2 * w) * np.sinh(w * t))


@pytest.mark.parametrize("gamma", [0.1, 2 * math.sqrt(0.1), 3.0])
def test_heavy_ball_matches_damped_oscillator(gamma):
    r = solvers.simulate(
        "heavy_ball",
        params={"objective": "quadratic", "a": 1.0, "b": 0.1, "gamma": gamma},
        initial=(1.0, -0.5, 0.0, 0.0),
        rtol=1e-12,
        atol=1e-14,
        t_end=50.0,
        samples=501,
    )
    np.testing.assert_allclose(r["x"], _damped(r.t, 1.0, 1.0, gamma), atol=1e-10)
    np.testing.assert_allclose(r["y"], _damped(r.t, -0.5, 0.1, gamma), atol=1e-10)


def test_heavy_ball_energy_decreases_on_rosenbrock():
    r = solvers.simulate("heavy_ball", preset="rosenbrock", rtol=1e-11, t_end=60.0, samples=6001)
    E = 0.5 * (r["vx"] ** 2 + r["vy"] ** 2) + objective_value(r.params, r["x"], r["y"])
    assert np.all(np.diff(E) <= 1e-12)
    assert r["x"][-1] == pytest.approx(1.0, abs=1e-6) and r["y"][-1] == pytest.approx(1.0, abs=1e-6)
