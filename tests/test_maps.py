"""The maps of solvers/systems/maps.py against exact and published numbers."""

import math

import numpy as np
import pytest
from scipy.optimize import root

import solvers
from solvers.catalog import get_system
from solvers.systems.maps import logistic_period2

MAPS = ("logistic", "henon", "standard", "ikeda", "tent", "leslie_predator_prey")


@pytest.mark.parametrize("name", MAPS)
def test_spec_is_complete(name):
    s = get_system(name)
    assert s.kind == "map"
    assert s.methods == ("map",) and s.default_method == "map" and s.default_dt == 1.0
    assert s.title and s.equations and s.reference and s.description and s.jacobian is not None
    params = s.default_params()
    s.validate_params(params)
    for p in s.parameters:
        assert p.meaning and p.unit
    n = s.state_size(params)
    assert s.presets
    for pre in s.presets:
        assert pre.source and len(pre.initial) == n
        s.validate_params(pre.params)


@pytest.mark.parametrize("name", MAPS)
def test_presets_run(name):
    for pre in get_system(name).presets:
        r = solvers.simulate(name, preset=pre.name, t_end=1000, samples=1001)
        assert r.status == "done", (pre.name, r.message)
        assert np.all(np.isfinite(r.states))
        assert r.t[1] == 1.0  # one sample per iteration


def _random_points(name, rng, n):
    """Points away from the map's discontinuities (tent apex, wrap of θ)."""
    if name == "tent":
        return rng.choice([-1.0, 1.0], size=(n, 1)) * rng.uniform(0.05, 0.45, (n, 1)) + 0.5
    if name == "standard":
        return np.column_stack([rng.uniform(0.2, 1.0, n), rng.uniform(0.2, 1.0, n)])
    if name == "leslie_predator_prey":
        return rng.uniform(0.5, 50.0, (n, 4))
    return rng.uniform(-1.0, 1.0, (n, get_system(name).state_size(get_system(name).default_params())))


@pytest.mark.parametrize("name", MAPS)
def test_jacobian_matches_central_differences(name):
    s = get_system(name)
    p = s.pack(s.default_params())
    rng = np.random.default_rng(2024)
    for y in _random_points(name, rng, 10):
        n = y.size
        J = np.zeros((n, n))
        s.jacobian(0.0, y, p, J)
        fd = np.zeros((n, n))
        fp, fm = np.zeros(n), np.zeros(n)
        for j in range(n):
            h = 1e-6 * max(1.0, abs(y[j]))
            e = np.zeros(n)
            e[j] = h
            s.rhs(0.0, y + e, p, fp)
            s.rhs(0.0, y - e, p, fm)
            fd[:, j] = (fp - fm) / (2 * h)
        np.testing.assert_allclose(J, fd, rtol=1e-6, atol=1e-8 * max(1.0, np.abs(J).max()))


# -- logistic ----------------------------------------------------------------


def test_logistic_lyapunov_at_r4_is_ln2():
    # At r = 4 the sum of ln|F'| telescopes through the conjugacy to the tent
    # map, so the estimate converges like 1/N: 1e5 iterations give ≈ 7e-6.
    le = solvers.lyapunov_spectrum("logistic", preset="chaotic", t_end=100_000)
    assert le[0] == pytest.approx(math.log(2), abs=1e-4)


def test_logistic_floating_point_orbit_does_not_collapse_at_r4():
    # an orbit through exactly x = 1/2 would go 1 → 0 and stay; from 0.1234 it never does
    r = solvers.simulate("logistic", preset="chaotic", t_end=1_000_000, samples=1_000_001)
    x = r["x"]
    assert x.min() > 0.0 and x.max() < 1.0
    assert np.unique(x[-1000:]).size == 1000  # still wandering after 10^6 iterations
    # the invariant density 1/(π√(x(1−x))) puts mass 1/3 in [1/4, 3/4]
    assert np.mean((x > 0.25) & (x < 0.75)) == pytest.approx(1 / 3, abs=0.01)


def test_logistic_period2_orbit_at_r32():
    r = solvers.simulate("logistic", preset="period2", t_end=1000, samples=1001)
    lo, hi = logistic_period2(3.2)
    assert lo == pytest.approx(((3.2 + 1) - math.sqrt(4.2 * 0.2)) / 6.4, rel=1e-15)
    assert lo == pytest.approx(0.5130445095, abs=1e-10) and hi == pytest.approx(0.7994554905, abs=1e-10)
    last = sorted(r["x"][-2:])
    assert last[0] == pytest.approx(lo, abs=1e-13)
    assert last[1] == pytest.approx(hi, abs=1e-13)
    # and it is an orbit: F(lo) = hi, F(hi) = lo
    assert 3.2 * lo * (1 - lo) == pytest.approx(hi, abs=1e-15)


# -- Hénon -----------------------------------------------------------------------


def test_henon_exponents():
    le = solvers.lyapunov_spectrum("henon", preset="classic", t_end=1_000_000)
    # Sprott, Chaos and Time-Series Analysis: 0.41922, −1.62319; measured 0.41954, −1.62351
    assert le[0] == pytest.approx(0.41922, abs=0.005)
    assert le[1] == pytest.approx(-1.62319, abs=0.005)
    # |det J| = b at every point, so the sum is ln b up to round-off
    assert le.sum() == pytest.approx(math.log(0.3), abs=1e-10)


def test_henon_period7_window():
    r = solvers.simulate("henon", preset="period7", t_end=2000, samples=2001)
    x = r["x"][-15:]
    np.testing.assert_allclose(x[7:], x[:8][: x[7:].size], atol=1e-10)
    assert np.unique(np.round(x[:7], 8)).size == 7


# -- standard map -----------------------------------------------------------------


def test_standard_map_is_area_preserving_and_theta_wraps():
    le = solvers.lyapunov_spectrum("standard", params={"K": 10.0}, initial=(1.0, 0.5), t_end=200_000)
    assert le.sum() == pytest.approx(0.0, abs=1e-10)
    # Chirikov: λ ≈ ln(K/2) for K ≫ 1 (measured 1.621 against 1.609)
    assert le[0] == pytest.approx(math.log(5.0), abs=0.03)
    r = solvers.simulate("standard", preset="global_chaos", t_end=10_000, samples=10_001)
    assert r["theta"].min() >= 0.0 and r["theta"].max() < 2 * math.pi
    assert np.abs(r["p"]).max() > 4 * math.pi  # p is not reduced: it diffuses


def test_standard_map_kam_regime_confines_momentum():
    r = solvers.simulate("standard", preset="kam", t_end=5000, samples=5001)
    # for K below Greene's 0.9716 rotational invariant circles bound p
    assert np.ptp(r["p"]) < 2 * math.pi


# -- Ikeda ----------------------------------------------------------------------------


def test_ikeda_exponents():
    le = solvers.lyapunov_spectrum("ikeda", preset="classic", t_end=500_000)
    assert le.sum() == pytest.approx(2 * math.log(0.9), abs=1e-10)  # det J = u²
    assert le[0] == pytest.approx(0.508, abs=0.01)  # measured 0.5078; Sprott quotes ≈ 0.51


# -- tent -----------------------------------------------------------------------------


def test_tent_mu2_collapses_in_floating_point():
    r = solvers.simulate("tent", params={"mu": 2.0}, initial=(0.1234,), t_end=100, samples=101)
    zeros = np.nonzero(r["x"] == 0.0)[0]
    assert zeros.size and zeros[0] < 64
    assert np.all(r["x"][zeros[0] :] == 0.0)


def test_tent_default_stays_chaotic_with_exponent_ln_mu():
    mu = get_system("tent").default_params()["mu"]
    assert mu == 1.99
    r = solvers.simulate("tent", preset="chaotic", t_end=100_000, samples=100_001)
    x = r["x"][100:]
    assert x.min() >= mu * (1 - mu / 2) - 1e-15 and x.max() <= mu / 2
    assert np.unique(x[-1000:]).size == 1000
    le = solvers.lyapunov_spectrum("tent", preset="chaotic", t_end=100_000)
    assert le[0] == pytest.approx(math.log(mu), abs=1e-10)


# -- Leslie predator–prey ----------------------------------------------------------------


def _fixed_point(name, params, guess):
    s = get_system(name)
    p = s.pack(s.validate_params(params))

    def residual(y):
        out = np.zeros(y.size)
        s.rhs(0.0, np.ascontiguousarray(y), p, out)
        return out - y

    def jac(y):
        J = np.zeros((y.size, y.size))
        s.jacobian(0.0, np.ascontiguousarray(y), p, J)
        return J - np.eye(y.size)

    sol = root(residual, guess, jac=jac, tol=1e-12)
    assert np.abs(residual(sol.x)).max() < 1e-10 * np.abs(sol.x).max()
    J = jac(sol.x) + np.eye(sol.x.size)
    return sol.x, np.abs(np.linalg.eigvals(J)).max()


def test_leslie_prey_alone_settle_at_carrying_level():
    f1, f2, s1, d = 1.0, 3.0, 0.5, 0.01
    r = solvers.simulate("leslie_predator_prey", initial=(10.0, 0.0, 0.0, 0.0), t_end=2000, samples=2001)
    n_star = (f1 + f2 * s1 - 1) / d
    assert r["N1"][-1] + r["N2"][-1] == pytest.approx(n_star, rel=1e-12)
    assert r["N2"][-1] / r["N1"][-1] == pytest.approx(s1, rel=1e-12)  # stable age structure
    assert r["P1"][-1] == 0.0 and r["P2"][-1] == 0.0


def test_leslie_equilibrium_preset_converges_to_stable_coexistence():
    pre = get_system("leslie_predator_prey").preset("equilibrium")
    r = solvers.simulate("leslie_predator_prey", preset="equilibrium", t_end=2000, samples=2001)
    y_star, radius = _fixed_point("leslie_predator_prey", pre.params, r.states[-1])
    assert radius < 1.0
    assert np.all(y_star > 0)
    np.testing.assert_allclose(r.states[-1], y_star, rtol=1e-9)


def test_leslie_cycles_preset_circulates_around_unstable_coexistence():
    pre = get_system("leslie_predator_prey").preset("cycles")
    r = solvers.simulate("leslie_predator_prey", preset="cycles", t_end=5000, samples=5001)
    tail = r.states[-2000:]
    y_star, radius = _fixed_point("leslie_predator_prey", pre.params, tail.mean(axis=0))
    assert radius > 1.0  # the coexistence point repels (Neimark–Sacker)
    assert np.all(y_star > 0)
    assert tail.min(axis=0)[2] > 0.1  # predators persist
    assert np.ptp(tail[:, 0]) > 50.0  # and populations keep cycling
    le = solvers.lyapunov_spectrum("leslie_predator_prey", preset="cycles", t_end=20_000)
    assert abs(le[0]) < 0.005  # a closed invariant curve, not chaos
