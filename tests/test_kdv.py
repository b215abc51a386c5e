"""KdV against its exact solutions, inverse-scattering predictions and an
independent scipy integration of the same Fourier ODE (REFERENCES §2)."""

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.signal import find_peaks

import solvers
from solvers.systems import kdv


def relative_drift(values):
    return np.max(np.abs(values - values[0])) / abs(values[0])


def spectral_peaks(u, grid, height):
    """Sub-grid maxima (x, u) of the trigonometric interpolant of the samples u
    (Newton's method on its derivative from each grid maximum above ``height``)."""
    n = grid.n[0]
    a = grid.domain[0][0]
    uh = np.fft.rfft(u) / n
    k = grid.k(0, real=True)
    w = np.full(k.size, 2.0)
    w[0] = 1.0
    if n % 2 == 0:
        w[-1] = 1.0

    def value(x, order):
        return float(np.sum(w * np.real(uh * (1j * k) ** order * np.exp(1j * k * (x - a)))))

    idx, _ = find_peaks(np.concatenate([u[-3:], u, u[:3]]), height=height)
    out = []
    for i in sorted({int(j) for j in (idx - 3) % n}):
        x = grid.x[i]
        for _ in range(30):
            step = value(x, 1) / value(x, 2)
            x -= step
            if abs(step) < 1e-14:
                break
        out.append((x, value(x, 0)))
    return out


def test_linear_operator_sign_and_nyquist():
    """L = −μ(ik)³ = iμk³; the Nyquist mode of an even grid has no odd derivative."""
    system = solvers.get_system("kdv")
    grid = system.pde.grid(16, (0.0, 2 * np.pi))
    L = kdv.kdv_linear(grid, {"mu": 0.5})
    k = np.arange(9.0)
    np.testing.assert_allclose(L[:-1], -0.5 * (1j * k[:-1]) ** 3)
    assert L[-1] == 0


def test_soliton_exact_position_and_invariants():
    """c = 4 once round the box (t = 10): invariants conserved to 1e-12, the
    peak (found between grid points) where x0 + ct puts it to 1e-6, the
    field equal to the exact soliton, and the invariants equal to
    ∫u = 2√c, ∫u² = (2/3)c^{3/2}, H = −c^{5/2}/5."""
    r = solvers.simulate("kdv", preset="soliton")
    assert r.status == "done" and r.config.method == "if_dop853"
    for name in ("mass", "momentum", "hamiltonian"):
        assert relative_drift(r.invariants[name]) <= 1e-12, name
    c, x0, L = 4.0, -10.0, r.grid.length()
    found = np.array([spectral_peaks(u, r.grid, 1.0)[0][0] for u in r["u"]])
    predicted = x0 + c * r.t
    miss = (found - predicted + L / 2) % L - L / 2
    assert np.max(np.abs(miss)) <= 1e-6
    exact = kdv._soliton_exact(r.t, r.grid, r.config.params)["u"]
    assert np.max(np.abs(r["u"] - exact)) <= 1e-9
    np.testing.assert_allclose(r.invariants["mass"][0], 2 * math.sqrt(c), rtol=1e-13)
    np.testing.assert_allclose(r.invariants["momentum"][0], (2 / 3) * c**1.5, rtol=1e-13)
    np.testing.assert_allclose(r.invariants["hamiltonian"][0], -(c**2.5) / 5, rtol=1e-13)


def test_general_form_soliton():
    """ε = 0.2, μ = 0.1: A sech²(x/w) with w = √(12μ/(εA)) travels at εA/3 unchanged."""
    params = {"eps": 0.2, "mu": 0.1, "amplitude": 4.0, "x0": -5.0}
    r = solvers.simulate("kdv", preset="soliton", params=params, t_end=20.0, samples=21)
    exact = kdv._soliton_exact(r.t, r.grid, r.config.params)["u"]
    assert np.max(np.abs(r["u"] - exact)) / 4.0 <= 1e-9
    assert relative_drift(r.invariants["hamiltonian"]) <= 1e-11


@pytest.mark.parametrize(
    ("method", "kwargs", "tol"),
    [
        ("etdrk4", {"dt": 2.5e-4}, 1e-9),
        ("ifrk4", {"dt": 2.5e-4}, 1e-9),
        ("if_dopri5", {"rtol": 1e-10, "atol": 1e-10}, 2e-9),
    ],
)
def test_other_methods_on_the_soliton(method, kwargs, tol):
    r = solvers.simulate("kdv", preset="soliton", method=method, t_end=5.0, samples=6, **kwargs)
    exact = kdv._soliton_exact(r.t, r.grid, r.config.params)["u"]
    assert np.max(np.abs(r["u"] - exact)) / 2.0 <= tol


def test_two_soliton_shifts_match_hirota():
    """κ = 1, ½: the faster soliton comes out (1/κ1) ln[(κ1+κ2)/(κ1−κ2)] = ln 3
    ahead of its free path, the slower (1/κ2)·ln 3 = 2 ln 3 behind (measured
    from the peaks at t = 0 and t = 12; speeds 4 and 1 exactly)."""
    r = solvers.simulate("kdv", preset="two_soliton")
    assert r.status == "done"
    before = sorted(spectral_peaks(r["u"][0], r.grid, 0.2), key=lambda p: p[1])
    after = sorted(spectral_peaks(r["u"][-1], r.grid, 0.2), key=lambda p: p[1])
    assert len(before) == len(after) == 2
    T = r.t[-1]
    fast = after[1][0] - before[1][0] - 4.0 * T
    slow = after[0][0] - before[0][0] - 1.0 * T
    k1, k2 = 1.0, 0.5
    log = math.log((k1 + k2) / (k1 - k2))
    assert abs(fast - log / k1) < 1e-3
    assert abs(slow + log / k2) < 1e-3
    assert kdv.collision_shifts(2.0, 0.5, 6.0, 1.0) == pytest.approx((log / k1, -log / k2))
    # and the whole field is Hirota's solution
    exact = kdv._two_exact(r.t, r.grid, r.config.params)["u"]
    assert np.max(np.abs(r["u"] - exact)) / 2.0 <= 1e-8
    assert relative_drift(r.invariants["hamiltonian"]) <= 1e-11


def test_three_soliton_against_hirota():
    r = solvers.simulate("kdv", preset="three_soliton", t_end=5.0, samples=11)
    exact = kdv._three_exact(r.t, r.grid, r.config.params)["u"]
    assert np.max(np.abs(r["u"] - exact)) / 4.5 <= 1e-8
    # exact invariants of the N-soliton: ∫u = Σ 4κ, ∫u² = Σ (16/3)κ³
    kap = np.array([1.5, 1.0, 0.5])
    np.testing.assert_allclose(r.invariants["mass"], np.sum(4 * kap), rtol=1e-12)
    np.testing.assert_allclose(r.invariants["momentum"], np.sum(16 / 3 * kap**3), rtol=1e-10)


def test_six_sech2_is_the_drazin_johnson_two_soliton():
    """6 sech² x evolves as 12(3 + 4cosh(2x−8t) + cosh(4x−64t))/(3cosh(x−28t) + cosh(3x−36t))²
    (= Hirota's τ with κ = 2, 1 and X = −ln3/4, −ln3/2)."""
    r = solvers.simulate("kdv", preset="pulse_fission", t_end=0.5, samples=11)
    x, t = r.x[None, :], r.t[:, None]
    inside = np.abs(x) < 8  # where the closed form does not overflow
    dj = (
        12
        * (3 + 4 * np.cosh(2 * x - 8 * t) + np.cosh(4 * x - 64 * t))
        / (3 * np.cosh(x - 28 * t) + np.cosh(3 * x - 36 * t)) ** 2
    )
    hirota = kdv.periodic_images(
        lambda y: kdv.hirota(y[None, :], t, [8.0, 2.0], [-math.log(3) / 4, -math.log(3) / 2], 6.0, 1.0),
        r.x,
        r.grid.length(),
    )
    assert np.max(np.abs(np.where(inside, dj - hirota, 0.0))) < 1e-12
    assert np.max(np.abs(r["u"] - hirota)) / 8.0 < 1e-7


def test_fission_into_n_solitons_of_amplitude_2k2():
    """u0 = N(N+1) sech² x (canonical, N = 3) is reflectionless: exactly three
    solitons, of amplitudes 2k² = 18, 8, 2 (Gardner–Greene–Kruskal–Miura)."""
    assert kdv.fission_prediction(12.0, 1.0, 6.0, 1.0) == pytest.approx([18.0, 8.0, 2.0])
    r = solvers.simulate(
        "kdv",
        preset="pulse_fission",
        params={"amplitude": 12.0},
        n=2048,
        t_end=1.0,
        samples=3,
        method="etdrk4",
        dt=1e-4,
    )
    peaks = spectral_peaks(r["u"][-1], r.grid, 0.1)
    heights = sorted(h for _, h in peaks)
    assert len(heights) == 3
    np.testing.assert_allclose(heights, [2.0, 8.0, 18.0], rtol=2e-6)


def test_published_case_is_a_pulse_that_splits():
    """sangkuriang's case 1 (4 sech²((x+10)/2), ε = 0.2, μ = 0.1) is not a
    soliton: inverse scattering predicts two solitons, 5.206 and 1.117."""
    amps = kdv.fission_prediction(4.0, 2.0, 0.2, 0.1)
    np.testing.assert_allclose(amps, [5.2056, 1.1169], atol=1e-4)
    system = solvers.get_system("kdv")
    pre = system.preset("published_single_soliton")
    assert "Not a soliton" in pre.description and "5.21" in pre.description
    r = solvers.simulate("kdv", preset="published_single_soliton")
    assert r.grid.n == (512,) and np.isclose(r.grid.spacing(), 60 / 511)
    assert r.grid.x[0] == -30.0 and np.isclose(r.grid.x[-1], 30.0)
    peaks = sorted(spectral_peaks(r["u"][-1], r.grid, 0.5), key=lambda p: p[1])
    # the tall soliton has emerged (the small one is still close to the radiation)
    assert abs(peaks[-1][1] - amps[0]) < 0.02
    assert peaks[-1][1] > 4.0 * 1.25  # far above the 'soliton' amplitude the case claims
    assert relative_drift(r.invariants["momentum"]) < 1e-12


def test_zabusky_kruskal_eight_solitons_and_recurrence():
    """At t = 3.6 t_B (t_B = 1/π) the cosine has broken into 8 solitons; near
    30 t_B the energy returns to the first Fourier mode (recurrence)."""
    r = solvers.simulate("kdv", preset="zabusky_kruskal")
    assert r.status == "done"
    i = np.argmin(np.abs(r.t - 3.6 / np.pi))
    u = r["u"][i]
    idx, _ = find_peaks(np.concatenate([u[-5:], u, u[:5]]), prominence=0.05)
    assert len(set(((idx - 5) % u.size).tolist())) == 8
    power = np.abs(np.fft.rfft(r["u"], axis=1)) ** 2
    first = power[:, 1] / power[:, 1:].sum(axis=1)
    late = r.t > 3.0
    j = np.argmax(np.where(late, first, 0.0))
    assert 9.0 < r.t[j] < 10.0 and first[j] > 0.8
    assert np.max(first[(r.t > 2.0) & (r.t < 8.0)]) < 0.1
    assert relative_drift(r.invariants["momentum"]) < 1e-10


def test_against_scipy_dop853_on_the_fourier_ode():
    """The same semi-discrete system (dealiased Fourier collocation, 64
    points) integrated in physical space by scipy's DOP853 at rtol 1e-12."""
    n, L, eps, mu = 64, 40.0, 6.0, 1.0
    x = -20 + np.arange(n) * L / n
    u0 = 0.5 / np.cosh(0.5 * (x + 5)) ** 2 + 0.3 / np.cosh(0.4 * (x - 6)) ** 2 * np.cos(0.5 * x)
    k = 2 * np.pi * np.fft.fftfreq(n, L / n)
    keep = (np.arange(n) != n // 2) & (np.abs(k) < (2 / 3) * np.pi * n / L)
    ik = np.where(keep, 1j * k, 0)
    ik3 = np.where(np.arange(n) == n // 2, 0, (1j * k) ** 3)

    def f(t, u):
        return np.real(np.fft.ifft(-0.5 * eps * ik * np.fft.fft(u * u) - mu * ik3 * np.fft.fft(u)))

    T = 3.0
    ref = solve_ivp(f, (0, T), u0, method="DOP853", rtol=1e-12, atol=1e-12, t_eval=np.linspace(0, T, 7))
    assert ref.success
    for method, kwargs in (("if_dop853", {"rtol": 1e-12, "atol": 1e-12}), ("etdrk4", {"dt": 1e-3})):
        r = solvers.simulate(
            "kdv",
            initial=u0,
            n=n,
            domain=(-20, 20),
            params={"eps": eps, "mu": mu},
            t_end=T,
            samples=7,
            method=method,
            **kwargs,
        )
        assert np.max(np.abs(r["u"] - ref.y.T)) < 1e-9, method


def test_unresolved_data_are_reported():
    system = solvers.get_system("kdv")
    grid = system.pde.grid(128, (-20.0, 20.0))
    u0 = 2.0 * np.exp(-((grid.x / 0.1) ** 2))  # narrower than two grid spacings
    r = solvers.simulate("kdv", initial=u0, n=128, domain=(-20, 20), t_end=0.01, samples=2)
    assert any("not resolved" in m for m in r.messages)
    r = solvers.simulate("kdv", preset="soliton", t_end=0.01, samples=2)
    assert not r.messages


def test_cubic_phases_match_exps():
    out = np.empty(300, dtype=complex)
    alpha = 0.0137
    kdv.cubic_phases(300, alpha, out)
    j = np.arange(300.0)
    assert np.max(np.abs(out - np.exp(1j * alpha * j**3))) < 1e-9


def test_equal_amplitudes_are_refused_for_collisions():
    with pytest.raises(ValueError, match="amplitudes must differ"):
        solvers.simulate("kdv", preset="two_soliton", params={"amplitude2": 2.0}, t_end=0.1, samples=2)
