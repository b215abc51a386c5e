"""Chemotaxis with indirect signalling: exact mass conservation, the linear
growth rates of the dispersion relation, the cosine/sine transforms inside
the kernels, the exact zero-mode dynamics of the signals, and the blow-up of
the direct Keller–Segel option in 2-D (status and kept data)."""

import numpy as np
import pytest
import scipy.fft as sfft
from numba import njit

import solvers
from solvers.spectral import make_grid
from solvers.systems import chemotaxis as ch


def _params(**kw):
    p = solvers.get_system("chemotaxis").default_params()
    p.update(kw)
    return p


# ---------------------------------------------------------------- transforms


@njit(cache=False)
def _numba_round_trip(x):
    a = sfft.idct(sfft.dct(x, 2, None, -1, "ortho"), 2, None, -1, "ortho")
    b = sfft.idst(sfft.dst(x, 2, None, -1, "ortho"), 2, None, -1, "ortho")
    return a, b, sfft.dct(x, 2, None, -1, "ortho"), sfft.dst(x, 2, None, -1, "ortho")


def test_cosine_transforms_round_trip():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(96)
    a, b, c, s = _numba_round_trip(x)
    np.testing.assert_allclose(a, x, atol=1e-14)
    np.testing.assert_allclose(b, x, atol=1e-14)
    # the transforms inside numba are scipy's
    np.testing.assert_allclose(c, sfft.dct(x, 2, norm="ortho"), atol=1e-14)
    np.testing.assert_allclose(s, sfft.dst(x, 2, norm="ortho"), atol=1e-14)
    for dims, n in ((1, 64), (2, (48, 32))):
        grid = make_grid(n, (0.0, 7.0) if dims == 1 else ((0.0, 7.0), (1.0, 4.0)), dims, "cosine")
        u = rng.standard_normal(grid.shape)
        np.testing.assert_allclose(grid.inverse(grid.forward(u, True), True), u, atol=1e-13)
        # a cosine mode of the grid is one coefficient
        X = grid.mesh()[0]
        mode = np.cos(np.pi * 3 * (X - grid.domain[0][0]) / grid.length(0))
        coef = grid.forward(mode, True)
        assert np.sum(np.abs(coef) > 1e-10) == 1


def test_chemotactic_term_1d_matches_analytic():
    """−χ ∂x(n ∂x c) from the DCT/DST kernel against the exact derivative of
    band-limited fields; the signal couplings are w/ε and n/ε."""
    L, chi, eps = 7.0, 1.7, 0.4
    grid = make_grid(64, (0.0, L), 1, "cosine")
    x = grid.x
    q = np.pi / L
    n = 2.0 + 0.5 * np.cos(q * x) + 0.2 * np.cos(3 * q * x)
    c = 0.3 * np.cos(2 * q * x) + 0.1 * np.cos(5 * q * x)
    w = 1.0 + 0.4 * np.cos(4 * q * x)
    cx = -0.6 * q * np.sin(2 * q * x) - 0.5 * q * np.sin(5 * q * x)
    nx = -0.5 * q * np.sin(q * x) - 0.6 * q * np.sin(3 * q * x)
    cxx = -1.2 * q * q * np.cos(2 * q * x) - 2.5 * q * q * np.cos(5 * q * x)
    exact = -chi * (nx * cx + n * cxx)
    for signal in ("indirect", "direct"):
        params = _params(chi=chi, eps=eps, signal=signal, dealias="none")
        p = ch.chemotaxis_pack(params, grid)
        v = np.concatenate([grid.forward(f, True) for f in (n, c, w)]).astype(complex)
        out = np.zeros_like(v)
        ch.chemotaxis_nonlinear_1d(0.0, v, p, out)
        m = grid.size
        got = grid.inverse(out[:m].real, True)
        np.testing.assert_allclose(got, exact, atol=1e-12)
        assert out[0] == 0.0  # the mass mode, exactly
        src = n if signal == "direct" else w
        np.testing.assert_allclose(grid.inverse(out[m : 2 * m].real, True), src / eps, atol=1e-12)
        np.testing.assert_allclose(grid.inverse(out[2 * m :].real, True), n / eps, atol=1e-12)


def test_chemotactic_term_2d_matches_analytic():
    Lx, Ly, chi = 6.0, 4.0, 2.0
    grid = make_grid((40, 32), ((0.0, Lx), (0.0, Ly)), 2, "cosine")
    X, Y = grid.mesh()
    a, b = np.pi / Lx, np.pi / Ly
    n = 1.0 + 0.3 * np.cos(a * X) * np.cos(2 * b * Y)
    c = np.cos(2 * a * X) + 0.5 * np.cos(b * Y)
    w = np.zeros_like(X)
    n_x = -0.3 * a * np.sin(a * X) * np.cos(2 * b * Y)
    n_y = -0.6 * b * np.cos(a * X) * np.sin(2 * b * Y)
    c_x = -2 * a * np.sin(2 * a * X)
    c_y = -0.5 * b * np.sin(b * Y)
    lap_c = -4 * a * a * np.cos(2 * a * X) - 0.5 * b * b * np.cos(b * Y)
    exact = -chi * (n_x * c_x + n_y * c_y + n * lap_c)
    params = {**solvers.get_system("chemotaxis_2d").default_params(), "chi": chi, "dealias": "none"}
    p = ch.chemotaxis_pack(params, grid)
    v = np.concatenate([grid.forward(f, True).ravel() for f in (n, c, w)]).astype(complex)
    out = np.zeros_like(v)
    ch.chemotaxis_nonlinear_2d(0.0, v, p, out)
    got = grid.inverse(out[: grid.size].real.reshape(grid.shape), True)
    np.testing.assert_allclose(got, exact, atol=1e-11)
    assert out[0] == 0.0


# --------------------------------------------------------------- conservation


def test_mass_conserved_to_round_off_1d():
    r = solvers.simulate("chemotaxis", preset="aggregation_1d", t_end=100.0, samples=51, seed=1)
    assert r.status == "done"
    mass = r.invariants["mass"]
    assert np.max(r["n"][-1]) > 15  # aggregated: the nonlinear term is at work
    assert np.max(np.abs(mass - mass[0])) / mass[0] <= 1e-12
    np.testing.assert_allclose(mass[0], 40.0, rtol=1e-12)  # n̄ = 1 on a box of length 40


def test_mass_conserved_to_round_off_2d():
    r = solvers.simulate("chemotaxis_2d", preset="large_mass_indirect", t_end=1.0, samples=11)
    mass = r.invariants["mass"]
    assert np.max(np.abs(mass - mass[0])) / mass[0] <= 1e-12


def test_signal_totals_follow_their_exact_odes():
    """With c = w = 0 at t = 0: ∫w = M(1 − e^{−t/ε}), ∫c = M(1 − (1 + t/ε)e^{−t/ε})
    (the zero modes of the linear couplings, which live in N)."""
    eps = 0.5
    grid = make_grid(64, (0.0, 10.0), 1, "cosine")
    x = grid.x
    n0 = 1.0 + 0.2 * np.cos(np.pi * x / 10.0)
    zero = np.zeros_like(x)
    r = solvers.simulate(
        "chemotaxis",
        initial={"n": n0, "c": zero, "w": zero},
        params={"chi": 1.0, "eps": eps},
        n=64,
        domain=(0.0, 10.0),
        t_end=3.0,
        samples=31,
        method="etdrk4",
        dt=0.005,
    )
    M = grid.integrate(n0)
    t = r.t
    W = M * (1 - np.exp(-t / eps))
    C = M * (1 - (1 + t / eps) * np.exp(-t / eps))
    np.testing.assert_allclose(grid.integrate(r["w"]), W, atol=1e-9 * M)
    np.testing.assert_allclose(grid.integrate(r["c"]), C, atol=1e-9 * M)


# ------------------------------------------------------------ linear stability


def test_dispersion_threshold():
    """A mode is neutral exactly at χ n̄ = (1 + k²)(1 + τk²) (direct: 1 + k²)."""
    k, tau = 0.7, 2.0
    chi_c = (1 + k * k) * (1 + tau * k * k)
    assert abs(ch.dispersion(k, _params(chi=chi_c, tau=tau, eps=0.3), 1.0)) < 1e-12
    assert ch.dispersion(k, _params(chi=1.01 * chi_c, tau=tau), 1.0) > 0
    assert ch.dispersion(k, _params(chi=0.99 * chi_c, tau=tau), 1.0) < 0
    assert abs(ch.dispersion(k, _params(chi=1 + k * k, signal="direct"), 1.0)) < 1e-12


def test_fastest_mode_grows_at_the_dispersion_rate():
    r = solvers.simulate("chemotaxis", preset="linear_growth")
    assert r.status == "done"
    p = r.params
    k = np.pi * p["mode"] / r.grid.length()
    k_star, lam_star = ch.fastest_mode(p, p["mean"])
    assert abs(k - k_star) < 1e-9  # the box holds the fastest mode
    lam = ch.dispersion(k, p, p["mean"])
    assert lam == pytest.approx(lam_star) and lam > 0.29
    amp = r.grid.forward(r["n"], True)[:, p["mode"]]
    rate = np.log(amp[-1] / amp[0]) / (r.t[-1] - r.t[0])
    assert rate == pytest.approx(lam, rel=1e-6)
    # every field grows along the eigenvector
    _, e = ch.growing_eigenvector(k, p, p["mean"])
    for name, coef in zip("cw", e[1:].real):
        a = r.grid.forward(r[name], True)[-1, p["mode"]]
        assert a / amp[-1] == pytest.approx(coef, rel=1e-6)


def test_stable_mode_decays_at_the_dispersion_rate():
    r = solvers.simulate("chemotaxis", preset="stable_decay")
    p = r.params
    k = np.pi * p["mode"] / r.grid.length()
    lam = ch.dispersion(k, p, p["mean"])
    assert lam < -0.2
    amp = r.grid.forward(r["n"], True)[:, p["mode"]]
    i0 = 40  # after the fast transient (the seed is the slow eigenvector; the amplitude is 5%)
    rate = np.log(amp[-1] / amp[i0]) / (r.t[-1] - r.t[i0])
    assert rate == pytest.approx(lam, rel=1e-4)


# ------------------------------------------------------------------- blow-up


def test_direct_keller_segel_blows_up_and_keeps_its_data():
    r = solvers.simulate("chemotaxis_2d", preset="blowup_direct")
    assert r.status == "blow-up", r.message
    assert "blow-up" in r.message
    assert 1.6 < r.t[-1] < 1.8  # stops near t = 1.72 on 64²…160² grids
    assert r.t.size == r.states.shape[0] == r["n"].shape[0] > 150
    assert np.all(np.isfinite(r.states))
    for inv in r.invariants.values():
        assert inv.shape == r.t.shape
    n = r["n"]
    peak = n.reshape(n.shape[0], -1).max(axis=1)
    early = r.t <= 1.4  # resolved on the preset's 128² grid until about then
    # after a brief spreading (c starts at 0) the aggregate sharpens monotonically
    assert np.all(np.diff(peak[(r.t >= 0.05) & early]) > 0)
    assert peak[early][-1] > 8 * peak[0]
    assert n[early].min() > -1e-6 * peak[early].max()  # resolved and positive until then
    mass = r.invariants["mass"][early]
    assert np.max(np.abs(mass - mass[0])) / mass[0] <= 1e-12
    np.testing.assert_allclose(mass[0], 12 * np.pi, rtol=1e-6)  # the Gaussian's tails leave the box


def test_indirect_signalling_does_not_blow_up():
    """Eight times the direct model's critical mass, indirect signalling: a
    bounded steady aggregate (Fujie & Senba 2017: no blow-up in 2-D)."""
    r = solvers.simulate("chemotaxis_2d", preset="large_mass_indirect", t_end=5.0, samples=11)
    assert r.status == "done"
    peak = r["n"].reshape(11, -1).max(axis=1)
    assert 340 < peak[-1] < 360
    assert abs(peak[-1] - peak[-3]) < 0.01 * peak[-1]  # steady
