"""Catalog flows and oscillators: Jacobians, Lyapunov exponents, periods and
order parameters against published or exactly known values."""

from __future__ import annotations

import math

import numpy as np
import pytest

import solvers
from solvers.systems.oscillators import kuramoto_frequencies

CHAOTIC_FLOWS = (
    "rossler",
    "chen",
    "chua",
    "thomas",
    "halvorsen",
    "aizawa",
    "rabinovich_fabrikant",
    "lorenz84",
    "lorenz96",
    "sprott_a",
    "sprott_b",
    "sprott_jerk",
)
OSCILLATORS = ("duffing", "van_der_pol", "hindmarsh_rose", "fitzhugh_nagumo", "kuramoto")
ADDED = CHAOTIC_FLOWS + OSCILLATORS

# Small sizes for the N-dimensional systems so that the dense checks stay cheap.
SMALL = {"lorenz96": {"N": 8}, "kuramoto": {"N": 7, "K": 1.7, "gamma": 0.4}}


def _params(name):
    system = solvers.get_system(name)
    return system, system.validate_params(SMALL.get(name, {}))


def _random_states(name, n, rng, count=6):
    states = rng.normal(0.0, 1.5, size=(count, n))
    if name == "chua":
        # keep away from the diode's breakpoints, where the derivative jumps
        near = np.abs(np.abs(states[:, 0]) - 1.0) < 0.05
        states[near, 0] += 0.2
    return states


@pytest.mark.parametrize("name", ADDED)
def test_registered_with_complete_metadata(name):
    system = solvers.get_system(name)
    assert name in solvers.list_systems()
    assert system.kind == "flow"
    assert system.jacobian is not None
    assert system.presets and all(p.source for p in system.presets)
    assert system.reference and system.equations and system.description
    for par in system.parameters:
        assert par.meaning and par.unit
        lo, hi = par.bounds
        assert lo <= par.default <= hi
    for pre in system.presets:
        full = system.validate_params(pre.params)
        if pre.initial is not None:
            assert len(pre.initial) == system.state_size(full)
        else:
            assert system.initial_state is not None


@pytest.mark.parametrize("name", ADDED)
def test_jacobian_matches_central_differences(name):
    system, params = _params(name)
    p = system.pack(params)
    n = system.state_size(params)
    rng = np.random.default_rng(7)
    J = np.zeros((n, n))
    fp, fm = np.zeros(n), np.zeros(n)
    for y in _random_states(name, n, rng):
        t = float(rng.uniform(0.0, 10.0))  # the forced oscillators depend on t
        y = np.ascontiguousarray(y)
        system.jacobian(t, y, p, J)
        num = np.zeros((n, n))
        for j in range(n):
            h = 1e-6 * max(1.0, abs(y[j]))
            e = y.copy()
            e[j] += h
            system.rhs(t, e, p, fp)
            e[j] -= 2.0 * h
            system.rhs(t, e, p, fm)
            num[:, j] = (fp - fm) / (2.0 * h)
        scale = max(1.0, np.abs(num).max())
        np.testing.assert_allclose(J, num, rtol=0, atol=2e-6 * scale, err_msg=f"{name} at y = {y}")


@pytest.mark.parametrize("name", ADDED)
def test_presets_run_without_blowup(name):
    system = solvers.get_system(name)
    for pre in system.presets:
        r = solvers.simulate(name, preset=pre.name, t_end=20.0, samples=201, method="rk4", seed=1)
        assert r.status == "done", (pre.name, r.message)
        assert np.all(np.isfinite(r.states))


def test_rossler_largest_exponent_matches_sprott():
    # Sprott, Chaos and Time-Series Analysis (2003): (0.0714, 0, −5.3943)
    le = solvers.lyapunov_spectrum("rossler", preset="classic", t_end=5000.0, transient=200.0)
    assert abs(le[0] - 0.0714) < 0.01
    assert abs(le[1]) < 0.005
    assert abs(le[2] - (-5.3943)) < 0.05


def test_rossler_period_two_window():
    r = solvers.simulate("rossler", preset="period_two", t_end=600.0, samples=60001)
    x = r["x"][30000:]
    peaks = x[1:-1][(x[1:-1] > x[:-2]) & (x[1:-1] > x[2:])]
    levels = np.unique(np.round(peaks, 2))
    assert len(levels) == 2


@pytest.mark.parametrize(
    ("name", "preset", "expected_sum"),
    [
        ("chen", "classic", 28.0 - 35.0 - 3.0),  # divergence c − a − b is constant
        ("thomas", "developed", -3.0 * 0.18),
        ("halvorsen", "classic", -3.0 * 1.27),
        ("sprott_b", "classic", -1.0),
        ("sprott_jerk", "classic", -2.017),
        ("duffing", "double_well", -0.25),
    ],
)
def test_exponents_sum_to_the_constant_divergence(name, preset, expected_sum):
    le = solvers.lyapunov_spectrum(name, preset=preset, t_end=200.0, transient=20.0)
    assert abs(le.sum() - expected_sum) < 1e-6


@pytest.mark.parametrize(
    ("name", "preset", "expected", "tol"),
    [
        ("sprott_b", "classic", 0.210, 0.02),  # Sprott, Phys. Rev. E 50, R647 (1994)
        ("sprott_jerk", "classic", 0.0550, 0.01),  # Sprott, Phys. Lett. A 228, 271 (1997)
    ],
)
def test_sprott_largest_exponents(name, preset, expected, tol):
    le = solvers.lyapunov_spectrum(name, preset=preset, t_end=5000.0, transient=200.0)
    assert abs(le[0] - expected) < tol


@pytest.mark.parametrize(
    ("name", "preset"),
    [
        ("chen", "classic"),
        ("chua", "double_scroll"),
        ("chua", "double_scroll_1986"),
        ("halvorsen", "classic"),
        ("aizawa", "classic"),
        ("rabinovich_fabrikant", "classic"),
        ("lorenz84", "winter"),
        ("duffing", "double_well"),
        ("duffing", "ueda"),
    ],
)
def test_chaotic_presets_have_a_positive_exponent(name, preset):
    le = solvers.lyapunov_spectrum(name, preset=preset, t_end=2000.0, transient=200.0, k=1)
    assert le[0] > 0.05


def test_halvorsen_gallery_value_is_periodic():
    le = solvers.lyapunov_spectrum("halvorsen", preset="limit_cycle", t_end=2000.0, transient=300.0)
    assert abs(le[0]) < 0.01
    assert le[1] < -0.2


def test_lorenz96_largest_exponent():
    # N = 40, F = 8: λ1 ≈ 1.68 (about 1.69 over 10⁴ time units with this code)
    le = solvers.lyapunov_spectrum("lorenz96", preset="lorenz_emanuel", t_end=2000.0, transient=50.0, k=1)
    assert abs(le[0] - 1.68) < 0.1


def test_lorenz96_initial_state_and_fixed_point():
    system = solvers.get_system("lorenz96")
    params = system.validate_params({"N": 12, "F": 5.0})
    y0 = system.make_initial(params, seed=1)
    expected = np.full(12, 5.0)
    expected[0] += 0.01
    np.testing.assert_array_equal(y0, expected)
    np.testing.assert_array_equal(system.make_initial(params, seed=2), y0)
    out = np.zeros(12)
    system.rhs(0.0, np.full(12, 5.0), system.pack(params), out)
    np.testing.assert_allclose(out, 0.0, atol=1e-14)  # x_i = F is a steady state


def test_van_der_pol_limit_cycle_period():
    r = solvers.simulate(
        "van_der_pol", preset="limit_cycle", t_end=200.0, samples=200001, method="dop853", rtol=1e-11, atol=1e-12
    )
    x, t = r["x"], r.t
    i = np.nonzero((x[:-1] < 0.0) & (x[1:] >= 0.0))[0]
    crossings = t[i] - x[i] * (t[i + 1] - t[i]) / (x[i + 1] - x[i])
    crossings = crossings[crossings > 50.0]
    period = (crossings[-1] - crossings[0]) / (len(crossings) - 1)
    assert abs(period - 6.6632868593) < 1e-5
    assert abs(np.abs(x[t > 50.0]).max() - 2.0086) < 1e-3  # amplitude of the cycle for μ = 1


def test_van_der_pol_forced_chaos_is_weakly_chaotic():
    le = solvers.lyapunov_spectrum("van_der_pol", preset="forced_chaos", t_end=10000.0, transient=500.0, k=1)
    assert 0.003 < le[0] < 0.015


def test_hindmarsh_rose_chaotic_bursting():
    le = solvers.lyapunov_spectrum("hindmarsh_rose", preset="chaotic_bursting", t_end=20000.0, transient=500.0, k=1)
    assert le[0] > 0.005


def test_fitzhugh_nagumo_excitable_and_tonic():
    r = solvers.simulate("fitzhugh_nagumo", preset="excitable", t_end=200.0, samples=2001)
    assert r["v"].max() > 1.5  # one full spike
    np.testing.assert_allclose([r["v"][-1], r["w"][-1]], [-1.19941, -0.62426], atol=1e-3)
    r = solvers.simulate("fitzhugh_nagumo", preset="tonic_spiking", t_end=300.0, samples=3001)
    v = r["v"][1000:]
    assert v.max() > 1.5 and v.min() < -1.5


def test_kuramoto_frequencies_are_lorentzian_quantiles():
    w = kuramoto_frequencies(9, 0.5)
    np.testing.assert_allclose(w, -w[::-1], atol=1e-15)
    assert abs(w.sum()) < 1e-12
    # the CDF of the Lorentzian at ω_i is i/(N + 1)
    cdf = 0.5 + np.arctan(w / 0.5) / np.pi
    np.testing.assert_allclose(cdf, np.arange(1, 10) / 10.0, atol=1e-14)


@pytest.mark.parametrize("K", [2.0, 4.0])
def test_kuramoto_order_parameter_matches_self_consistency(K):
    gamma = 0.5
    r = solvers.simulate("kuramoto", params={"N": 2000, "K": K, "gamma": gamma}, t_end=200.0, samples=201, seed=3)
    order = np.abs(np.exp(1j * r["theta"]).mean(axis=1))
    expected = math.sqrt(1.0 - 2.0 * gamma / K)
    assert abs(order[100:].mean() - expected) < 0.02
    drift = r.invariants["mean_phase"] - r.invariants["mean_phase"][0]
    assert np.abs(drift).max() < 1e-9


def test_kuramoto_incoherent_below_threshold():
    r = solvers.simulate("kuramoto", preset="incoherent", params={"N": 2000}, t_end=200.0, samples=201, seed=3)
    order = np.abs(np.exp(1j * r["theta"]).mean(axis=1))
    assert order[100:].mean() < 0.1


def test_kuramoto_initial_phases_come_from_the_seed():
    system = solvers.get_system("kuramoto")
    params = system.validate_params({"N": 50})
    a, b, c = (system.make_initial(params, s) for s in (1, 1, 2))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.min() >= 0.0 and a.max() < 2.0 * np.pi
