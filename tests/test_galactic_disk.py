"""The galactic-disk ensemble (vertical phase mixing in the isothermal sheet):
its scales, the amplitude–frequency relation (REFERENCES §8), energy
conservation, stationarity of the equilibrium, and the arm count of the
bending and breathing phase spirals."""

import math
import time

import numpy as np
import pytest
from scipy import stats

import solvers
from solvers.catalog import get_system
from solvers.systems import galactic_disk as gd

SIGMA, RHO0 = 20.0, 0.1  # km/s, M☉/pc³: the solar-neighbourhood defaults
Z0 = gd.scale_height(SIGMA, RHO0)
NU0 = gd.central_frequency(RHO0)
T0 = gd.vertical_period(RHO0)

# REFERENCES §8: Ω/ν0 at z_max/z0 (σ = z0 = 1)
TABLE = [(0.25, 0.992), (0.5, 0.971), (1.0, 0.900), (2.0, 0.744), (4.0, 0.550)]


def sech2_cdf(z, z0):
    return 0.5 * (1.0 + np.tanh(z / z0))


# ---------------------------------------------------------------------------
# scales and the system's declaration


def test_solar_neighbourhood_scales():
    # the constants from the IAU nominal GM☉, the IAU parsec and the Julian year
    pc, myr = 149_597_870_700.0 * 648_000 / math.pi, 1e6 * 365.25 * 86_400
    assert gd.KMS == pytest.approx(1e3 * myr / pc, rel=1e-10)
    G = 1.3271244e20 * myr**2 / pc**3
    assert gd.G_PC_MSUN_MYR == pytest.approx(G, rel=1e-12)
    # z0 = σ/√(2πGρ0) with σ converted to pc/Myr
    assert Z0 == pytest.approx(20.0 * gd.KMS / math.sqrt(2 * math.pi * G * RHO0), rel=1e-12)
    assert Z0 == pytest.approx(384.73, abs=0.01)
    # ν0 = √2 σ/z0 = √(4πGρ0): the period does not depend on σ
    assert NU0 == pytest.approx(math.sqrt(2.0) * SIGMA * gd.KMS / Z0, rel=1e-12)
    assert gd.vertical_period(RHO0) == pytest.approx(2 * math.pi / NU0, rel=1e-12)
    assert abs(T0 - 84.0) < 1.0, T0
    assert T0 == pytest.approx(83.568, abs=1e-3)
    # the default dt is T0/200 to within 5 %
    assert get_system("galactic_disk").default_dt == pytest.approx(T0 / 200, rel=0.05)


def test_declaration():
    s = get_system("galactic_disk")
    assert s.kind == "ensemble"
    assert s.methods == ("leapfrog", "yoshida4") and s.default_method == "leapfrog"
    assert [v.name for v in s.variables] == ["z", "vz"]
    assert all(v.size == "n" for v in s.variables)
    n = s.parameter("n")
    assert n.structural and n.kind == "int" and n.bounds == (1, 2_000_000)
    assert s.parameter("kick").choices == ("none", "bending", "breathing")
    assert {p.name for p in s.presets} == {"bending", "breathing", "equilibrium"}
    with pytest.raises(ValueError, match="kick"):
        s.validate_params({"kick": "twist"})
    with pytest.raises(ValueError, match="n"):
        s.validate_params({"n": 3_000_000})
    # packed: [2σ²/z0 in pc/Myr², 1/z0]
    p = s.pack(s.default_params())
    sig = SIGMA * gd.KMS
    np.testing.assert_allclose(p, [2 * sig**2 / Z0, 1 / Z0], rtol=1e-14)


def test_kernels_match_the_analytic_force():
    s = get_system("galactic_disk")
    p = s.pack(s.default_params())
    z = np.concatenate([np.linspace(-30 * Z0, 30 * Z0, 20001), [0.0, 1e-9, -1e-6, 0.2, -0.38, 1e5, -1e5]])
    acc = np.empty_like(z)
    s.accel(0.0, z, p, acc)
    exact = -p[0] * np.tanh(z / Z0)
    assert np.max(np.abs(acc - exact)) <= 1e-15 * p[0]  # a few ulp of the force scale
    small = (np.abs(z) > 0) & (np.abs(z) < 10 * Z0)
    assert np.max(np.abs(acc[small] / exact[small] - 1)) < 1e-13
    # the first-order right-hand side is the same motion
    y = np.concatenate([z, np.linspace(-3, 3, z.size)])
    dy = np.empty_like(y)
    s.rhs(0.0, y, p, dy)
    np.testing.assert_array_equal(dy[: z.size], y[z.size :])
    np.testing.assert_array_equal(dy[z.size :], acc)


def test_initial_state_and_kicks():
    s = get_system("galactic_disk")
    base = s.validate_params({"n": 20_000, "kick": "none", "kick_amplitude": 0.0})
    y_eq = s.make_initial(base, 7)
    z, v = y_eq[:20_000], y_eq[20_000:]
    assert np.all(np.isfinite(y_eq))
    assert stats.kstest(z, lambda x: sech2_cdf(x, Z0)).pvalue > 0.01
    assert stats.kstest(v / gd.KMS, "norm", args=(0.0, SIGMA)).pvalue > 0.01
    zr, vr = gd.equilibrium_state(base, 7)
    np.testing.assert_array_equal(zr, z)
    np.testing.assert_array_equal(vr, v)

    bend = s.make_initial(s.validate_params({"kick": "bending", "kick_amplitude": 7.0}, base), 7)
    np.testing.assert_array_equal(bend[:20_000], z)
    np.testing.assert_allclose(bend[20_000:] - v, 7.0 * gd.KMS, rtol=1e-12)

    # breathing: Δv_z = A·z/z0, A in km/s per scale height
    breathe = s.make_initial(s.validate_params({"kick": "breathing", "kick_amplitude": -5.0}, base), 7)
    np.testing.assert_allclose(breathe[20_000:] - v, -5.0 * gd.KMS * z / Z0, rtol=1e-9, atol=1e-12)

    shifted = s.make_initial(s.validate_params({"z_offset": 50.0}, base), 7)
    np.testing.assert_allclose(shifted[:20_000] - z, 50.0, rtol=1e-12)

    # energy invariant in (km/s)²: v²/2 + 2σ² ln cosh(z/z0)
    e = s.evaluate_invariants(y_eq[None, :], base)["energy"]
    assert e.shape == (1, 20_000)
    expected = 0.5 * (v / gd.KMS) ** 2 + 2 * SIGMA**2 * np.log(np.cosh(z / Z0))
    np.testing.assert_allclose(e[0], expected, rtol=1e-12, atol=1e-9)


# ---------------------------------------------------------------------------
# the amplitude–frequency relation


def test_vertical_frequency_table():
    for ratio, expected in TABLE:
        got = gd.vertical_frequency(ratio * Z0, SIGMA, Z0) / (math.sqrt(2) * SIGMA / Z0)
        assert abs(got - expected) < 1e-3, (ratio, got, expected)
    # units: σ/z0, and σ = z0 = 1 gives the same ratios
    ratios = np.array([r for r, _ in TABLE])
    unit = gd.vertical_frequency(ratios) / math.sqrt(2)
    np.testing.assert_allclose(unit, [e for _, e in TABLE], atol=1e-3)
    # small amplitude: Ω → ν0 with the harmonic correction 1 − (z_max/z0)²/8
    for a in (1e-8, 1e-4, 1e-2):
        assert gd.vertical_frequency(a) / math.sqrt(2) == pytest.approx(1 - a * a / 8, abs=1e-9)
    assert gd.vertical_frequency(0.0) == pytest.approx(math.sqrt(2), rel=1e-14)
    # large amplitude: a constant force 2σ²/z0 far from the plane, T → 4√(z_max z0)/σ
    for a in (100.0, 400.0, 1000.0):
        asymptote = 2 * math.pi / (4 * math.sqrt(a))
        assert gd.vertical_frequency(a) == pytest.approx(asymptote, rel=2.0 / a)


def crossing_frequencies(t, z):
    """Ω of each column of z from the times of its zero crossings."""
    out = []
    for k in range(z.shape[1]):
        x = z[:, k]
        i = np.nonzero(np.signbit(x[:-1]) != np.signbit(x[1:]))[0]
        # the force vanishes at z = 0, so z(t) is straight there to third order
        tc = t[i] - x[i] * (t[i + 1] - t[i]) / (x[i + 1] - x[i])
        half_period = np.polyfit(np.arange(tc.size), tc, 1)[0]
        assert tc.size >= 16
        out.append(math.pi / half_period)
    return np.array(out)


def test_orbit_frequencies_from_simulated_particles():
    ratios = np.array([r for r, _ in TABLE])
    dt = T0 / 200
    periods = 16
    r = solvers.simulate(
        "galactic_disk",
        params={"n": ratios.size},
        initial=np.concatenate([ratios * Z0, np.zeros(ratios.size)]),
        t_end=periods * T0,
        samples=periods * 200 + 1,
        dt=dt,
        method="leapfrog",
    )
    assert r.status == "done"
    assert r["z"].shape == (periods * 200 + 1, ratios.size)
    omega = crossing_frequencies(r.t, r["z"]) / NU0
    for (ratio, expected), got in zip(TABLE, omega):
        assert abs(got - expected) < 0.003, (ratio, got, expected)
    # the simulated orbits run fast of the quadrature by leapfrog's phase error, (hΩ)²/24 ≈ 4e-5
    exact = gd.vertical_frequency(ratios * Z0, SIGMA * gd.KMS, Z0) / NU0
    np.testing.assert_allclose(omega / exact - 1, (dt * NU0 * exact) ** 2 / 24, atol=3e-6)


# ---------------------------------------------------------------------------
# conservation and stationarity


def test_leapfrog_conserves_each_energy_without_drift():
    n, periods = 10_000, 50
    r = solvers.simulate(
        "galactic_disk",
        preset="equilibrium",
        params={"n": n},
        t_end=periods * T0,
        samples=periods * 10 + 1,
        dt=T0 / 200,
        seed=11,
    )
    e = r.invariants["energy"]
    assert e.shape == (periods * 10 + 1, n)
    keep = e[0] > 1e-6 * SIGMA**2
    rel = np.abs(e[:, keep] / e[0, keep] - 1.0)
    worst = rel.max(axis=1)
    # leapfrog on an oscillator: E wobbles by up to (hν0)²/4 = 2.47e-4 at h = T0/200 and does not grow
    bound = (2 * math.pi / 200) ** 2 / 4
    assert worst.max() < 1.05 * bound, worst.max()
    first, last = worst[1:51].max(), worst[-50:].max()
    assert abs(last - first) < 0.05 * first, (first, last)
    assert abs(rel[-50:].mean() - rel[1:51].mean()) < 0.05 * rel[1:51].mean()

    # the fourth-order method does far better at the same step
    r4 = solvers.simulate(
        "galactic_disk",
        preset="equilibrium",
        params={"n": 2_000},
        t_end=10 * T0,
        samples=101,
        dt=T0 / 200,
        seed=11,
        method="yoshida4",
    )
    e4 = r4.invariants["energy"]
    keep4 = e4[0] > 1e-6 * SIGMA**2
    assert np.abs(e4[:, keep4] / e4[0, keep4] - 1).max() < 1e-6


def test_equilibrium_stays_stationary():
    n = 50_000
    t_end = 20 * T0
    r = solvers.simulate("galactic_disk", preset="equilibrium", params={"n": n}, t_end=t_end, samples=2, seed=3)
    assert r.status == "done"
    z, v = r["z"][-1], r["vz"][-1] / gd.KMS
    # every star moved ...
    assert np.median(np.abs(z - r["z"][0])) > 0.3 * Z0
    # ... but the ensemble is still the sech² sheet with Gaussian velocities
    assert stats.kstest(z, lambda x: sech2_cdf(x, Z0)).pvalue > 0.01
    assert stats.kstest(v, "norm", args=(0.0, SIGMA)).pvalue > 0.01
    h0, _, _ = gd.phase_density(r["z"][0], r["vz"][0], bins=24, range=((-3 * Z0, 3 * Z0), (-60, 60)), density=False)
    h1, _, _ = gd.phase_density(z, r["vz"][-1], bins=24, range=((-3 * Z0, 3 * Z0), (-60, 60)), density=False)
    ok = (h0 + h1) > 20
    chi2 = np.sum((h1[ok] - h0[ok]) ** 2 / (h0[ok] + h1[ok]))
    assert stats.chi2.sf(chi2, ok.sum()) > 0.01

    # the same test has the power to see a perturbed ensemble a quarter period after a bending kick
    k = solvers.simulate("galactic_disk", preset="bending", params={"n": n}, t_end=T0 / 4, samples=2, seed=3)
    assert stats.kstest(k["z"][-1], lambda x: sech2_cdf(x, Z0)).pvalue < 1e-6


# ---------------------------------------------------------------------------
# phase spirals


VSCALE = NU0 * Z0  # = √2 σ: small orbits are circles in (z/z0, v/(ν0 z0))
SPIRAL_RANGE = ((-3.2 * Z0, 3.2 * Z0), (-3.2 * VSCALE, 3.2 * VSCALE))


def spiral_harmonics(preset, periods, n=100_000):
    r = solvers.simulate("galactic_disk", preset=preset, params={"n": n}, t_end=periods * T0, samples=2, seed=5)
    assert r.status == "done"
    z_eq, v_eq = gd.equilibrium_state(r.params, r.config.seed)
    c, ze, ve = gd.spiral_contrast(r["z"][-1], r["vz"][-1], z_eq, v_eq, bins=48, range=SPIRAL_RANGE, mode="difference")
    return gd.ring_harmonics(c, ze, ve, Z0, VSCALE, m_max=4, r_range=(0.3, 2.5), rings=8)


def test_bending_spiral_is_one_armed_and_breathing_two_armed():
    _, bend = spiral_harmonics("bending", 3)
    _, breathe = spiral_harmonics("breathing", 3)
    pb, pr = np.sum(np.abs(bend) ** 2, axis=0), np.sum(np.abs(breathe) ** 2, axis=0)
    # a uniform kick is odd under (z, v) → (−z, −v) to first order: odd m, mainly m = 1
    assert pb[1] > 10 * max(pb[2], pb[3], pb[4]), pb / pb.sum()
    # a kick ∝ z is even under that reflection: even m only, mainly m = 2
    assert pr[2] > 10 * max(pr[1], pr[3]) and pr[2] > 5 * pr[4], pr / pr.sum()


def test_bending_spiral_winds_at_the_orbital_frequencies():
    radii, c0 = spiral_harmonics("bending", 1e-6)
    _, c3 = spiral_harmonics("bending", 3)
    inner = slice(0, 4)  # r < 1.4: annuli close to single orbits of amplitude r z0
    turned = np.angle(c3[inner, 1] / c0[inner, 1])
    # each annulus turns by Ω(r)·t, i.e. by 2π·3·Ω/ν0 ≡ −2π·3·(1 − Ω/ν0) after three central periods
    expected = 2 * np.pi * 3 * gd.vertical_frequency(radii[inner]) / math.sqrt(2)
    miss = np.angle(np.exp(1j * (turned - expected)))
    assert np.abs(miss).max() < 0.3, (turned, expected)
    # and the pattern is wound: inner and outer annuli differ by more than 1.5 rad
    assert np.ptp(np.unwrap(turned)) > 1.5


def test_phase_density_and_contrast_helpers():
    rng = np.random.default_rng(0)
    z, v = gd.equilibrium_sample(40_000, 1.0, 1.0, rng)
    H, ze, ve = gd.phase_density(z, v, bins=(30, 20), range=((-20, 20), (-8, 8)))
    assert H.shape == (30, 20)
    assert np.sum(H * np.outer(np.diff(ze), np.diff(ve))) == pytest.approx(1.0, abs=1e-12)
    counts, _, _ = gd.phase_density(z, v, bins=10, density=False)
    assert counts.sum() > 0.98 * z.size
    c, _, _ = gd.spiral_contrast(z, v, z, v, bins=16)
    assert np.nanmax(np.abs(c)) == 0.0
    d, _, _ = gd.spiral_contrast(z, v + 0.3, z, v, bins=16, mode="difference", range=((-4, 4), (-4, 4)))
    assert np.abs(d).max() > 0.01 and abs(d.sum()) < 0.05 * np.abs(d).sum()
    with pytest.raises(ValueError, match="mode"):
        gd.spiral_contrast(z, v, z, v, mode="ratio")
    # a pure m = 2 pattern lands in m = 2
    x = np.linspace(-3, 3, 61)
    X, Y = np.meshgrid(x, x, indexing="ij")
    edges = np.linspace(-3.05, 3.05, 62)
    p = gd.angular_power(np.cos(2 * np.arctan2(Y, X)), edges, edges)
    assert p[2] > 0.2 and p[2] > 1e3 * max(p[0], p[1], p[3], p[4])


# ---------------------------------------------------------------------------
# scale


def test_a_million_particles_take_a_few_steps():
    n = 1_000_000
    t0 = time.perf_counter()
    r = solvers.simulate("galactic_disk", preset="bending", params={"n": n}, t_end=2.0, samples=2, seed=1)
    wall = time.perf_counter() - t0
    assert r.status == "done" and r.steps == 5
    assert r["z"].shape == (2, n) and r["vz"].shape == (2, n)
    assert np.all(np.isfinite(r.states))
    e = r.invariants["energy"]
    assert e.shape == (2, n)
    keep = e[0] > 1e-3
    assert np.abs(e[1, keep] / e[0, keep] - 1).max() < 3e-4
    assert wall < 15.0, wall
