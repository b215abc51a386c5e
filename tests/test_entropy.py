"""Shannon, Rényi and Tsallis entropies of explicit probabilities, and the
probability constructors."""

import math

import numpy as np
import ordpy
import pytest
import scipy.stats
from scipy.special import ndtr

from solvers.diagnostics import entropy as e

ALPHAS = [0.0, 0.3, 0.5, 2.0, 3.0, 10.0, 1000.0, math.inf]
QS = [0.3, 0.5, 2.0, 3.0]


def _random_p(n, seed):
    return np.random.default_rng(seed).dirichlet(np.ones(n))


# ---------------------------------------------------------------------------
# values


@pytest.mark.parametrize("n", [2, 7, 1000])
def test_uniform_is_the_maximum(n):
    u = np.full(n, 1.0 / n)
    assert e.shannon_entropy(u) == pytest.approx(math.log(n), rel=1e-14)
    assert e.shannon_entropy(u, normalized=True) == pytest.approx(1.0, rel=1e-14)
    for a in ALPHAS:
        assert e.renyi_entropy(u, a) == pytest.approx(math.log(n), rel=1e-13)
        assert e.renyi_entropy(u, a, normalized=True) == pytest.approx(1.0, rel=1e-13)
    for q in QS:
        assert e.tsallis_entropy(u, q) == pytest.approx((n ** (1 - q) - 1) / (1 - q), rel=1e-13)
        assert e.tsallis_entropy(u, q, normalized=True) == pytest.approx(1.0, rel=1e-13)
    # anything else on the same states is lower
    for seed in range(5):
        p = _random_p(n, seed)
        assert e.shannon_entropy(p, normalized=True) < 1.0
        assert all(e.renyi_entropy(p, a, normalized=True) < 1.0 for a in ALPHAS if a > 0)
        assert all(e.tsallis_entropy(p, q, normalized=True) < 1.0 for q in QS)


def test_hand_computed_values():
    p = [0.5, 0.25, 0.25, 0.0]
    assert e.shannon_entropy(p) == pytest.approx(1.5 * math.log(2), abs=1e-15)
    assert e.shannon_entropy(p, normalized=True) == pytest.approx(0.75, abs=1e-15)  # ln 4 = 2 ln 2
    assert e.renyi_entropy(p, 2) == pytest.approx(math.log(8 / 3), abs=1e-15)  # −ln(1/4 + 1/16 + 1/16)
    assert e.renyi_entropy(p, math.inf) == pytest.approx(math.log(2), abs=1e-15)
    assert e.renyi_entropy(p, 0) == pytest.approx(math.log(3), abs=1e-15)  # Hartley: 3 non-zero states
    assert e.tsallis_entropy(p, 2) == pytest.approx(5 / 8, abs=1e-15)
    assert e.tsallis_entropy(p, 2, normalized=True) == pytest.approx((5 / 8) / (3 / 4), abs=1e-15)
    assert e.shannon_entropy([1.0]) == 0.0 and e.shannon_entropy([0.0, 1.0, 0.0]) == 0.0
    # listing only the non-zero states and counting the others through n_states
    assert e.shannon_entropy(p[:3], normalized=True, n_states=4) == e.shannon_entropy(p, normalized=True)


@pytest.mark.parametrize("seed", range(4))
def test_equal_to_scipy_and_ordpy(seed):
    p = _random_p(24, seed)
    p[3] = 0.0
    p /= p.sum()
    assert abs(e.shannon_entropy(p) - scipy.stats.entropy(p)) <= 1e-14
    # ordpy normalises by the maximum over d! = 24 states: ln 24 and ln_q 24
    for a in (0.5, 2.0, 3.0, 20.0):
        ref = ordpy.renyi_entropy(p, alpha=a, dx=4, probs=True)
        assert abs(e.renyi_entropy(p, a, normalized=True) - ref) <= 1e-12
        assert abs(e.renyi_entropy(p, a) - ref * math.log(24)) <= 1e-12
    for q in (0.5, 2.0, 3.0):
        ref = ordpy.tsallis_entropy(p, q=q, dx=4, probs=True)
        assert abs(e.tsallis_entropy(p, q, normalized=True) - ref) <= 1e-12
        assert abs(e.tsallis_entropy(p, q) - ref * (24 ** (1 - q) - 1) / (1 - q)) <= 1e-12


def test_renyi_decreases_with_alpha():
    p = _random_p(50, 9)
    values = [e.renyi_entropy(p, a) for a in ALPHAS]
    assert np.all(np.diff(values) < 0)


def test_limits_alpha_and_q_to_one():
    """H_α and S_q → Shannon as α, q → 1, at the rate of their first derivatives:
    dH_α/dα = −½ Var(ln p) and dS_q/dq = −½ Σ p (ln p)² at 1."""
    p = _random_p(30, 1)
    s = e.shannon_entropy(p)
    assert e.renyi_entropy(p, 1.0) == s and e.tsallis_entropy(p, 1.0) == s
    lnp = np.log(p)
    d_renyi = -0.5 * (np.sum(p * lnp**2) - np.sum(p * lnp) ** 2)
    d_tsallis = -0.5 * np.sum(p * lnp**2)
    for k in range(2, 13):
        for eps in (10.0**-k, -(10.0**-k)):
            # second-order remainders: |H − S − H'ε| ≤ c ε², plus a few ulps of S ≈ 3
            assert abs(e.renyi_entropy(p, 1 + eps) - s - d_renyi * eps) <= 10 * eps**2 + 5e-15
            assert abs(e.tsallis_entropy(p, 1 + eps) - s - d_tsallis * eps) <= 10 * eps**2 + 5e-15


# ---------------------------------------------------------------------------
# densities are not probabilities (REFERENCES §10 pitfall)


def test_a_density_is_refused():
    x, dx = np.linspace(-10, 10, 2001, retstep=True)
    density = np.exp(-(x**2) / 2) / math.sqrt(2 * math.pi)
    assert math.fsum(density) == pytest.approx(1 / dx, rel=1e-12)  # = 100
    for f in (e.shannon_entropy, lambda p: e.renyi_entropy(p, 2), lambda p: e.tsallis_entropy(p, 2)):
        with pytest.raises(ValueError, match="1/dx"):
            f(density)
    p = e.spatial_probability(np.sqrt(density))
    assert math.fsum(p) == pytest.approx(1.0, abs=1e-15)
    assert e.shannon_entropy(p) < math.log(p.size)
    # plugging the density into −Σ f ln f would give 44.7 nats, far above ln N = 7.6
    assert -np.sum(density * np.log(density)) > math.log(p.size)


# ---------------------------------------------------------------------------
# differential entropy from histograms


@pytest.mark.parametrize("sigma", [1.0, 0.2, 3.5])
def test_gaussian_histogram_exact_bins(sigma):
    """Exact bin probabilities of N(0, σ²): −Σ p ln(p/Δ) = H + ln Δ → ½ ln(2πeσ²), error ≈ Δ²/(24σ²)."""
    delta = 0.01 * sigma
    edges = np.arange(-1200, 1201) * delta
    p = np.diff(ndtr(edges / sigma))
    p /= math.fsum(p)  # 1 − 2Φ(−12) ≈ 1 − 4e-33
    exact = 0.5 * math.log(2 * math.pi * math.e * sigma**2)
    h = e.differential_entropy(p, edges)
    assert h == pytest.approx(exact, abs=1e-5)
    assert h == pytest.approx(e.shannon_entropy(p) + math.log(delta), abs=1e-12)
    assert abs(h - exact) == pytest.approx(delta**2 / (24 * sigma**2), rel=0.05)


def test_gaussian_histogram_of_samples():
    """10⁶ samples, 400 bins over ±8σ: the estimator's spread is √(Var ln f / N) = √(1/2 / 10⁶) ≈ 7e-4."""
    sigma = 2.0
    x = np.random.default_rng(42).normal(0.0, sigma, 1_000_000)
    p, edges = e.histogram_probability(x, bins=400, range=(-8 * sigma, 8 * sigma))
    assert math.fsum(p) == pytest.approx(1.0, abs=1e-15) and edges.size == 401
    h = e.differential_entropy(p, edges)
    assert h == pytest.approx(0.5 * math.log(2 * math.pi * math.e * sigma**2), abs=3e-3)


def test_soliton_spatial_entropy():
    """p = |sech x|²/Σ over a grid: H + ln dx → the differential entropy of sech²(x)/2,
    the logistic density of scale ½, which is 2 − ln 2."""
    x, dx = np.linspace(-40, 40, 8001, retstep=True)
    psi = (1 / np.cosh(x)) * np.exp(0.7j * x)
    p = e.spatial_probability(psi)
    assert p.shape == psi.shape
    assert e.shannon_entropy(p) + math.log(dx) == pytest.approx(2 - math.log(2), abs=1e-6)


# ---------------------------------------------------------------------------
# constructors


def test_spatial_probability_any_shape():
    psi = np.random.default_rng(0).standard_normal((30, 40)) + 1j
    p = e.spatial_probability(psi)
    assert p.shape == (30, 40)
    assert math.fsum(p.ravel()) == pytest.approx(1.0, abs=1e-15)
    assert np.allclose(p, np.abs(psi) ** 2 / np.sum(np.abs(psi) ** 2), rtol=1e-14, atol=0)


def test_spectral_probability():
    n = 256
    t = np.arange(n)
    # a sinusoid on an FFT bin: all power in one (one-sided) bin, entropy 0
    p = e.spectral_probability(np.cos(2 * np.pi * 10 * t / n))
    assert p.size == n // 2 + 1 and p[10] == pytest.approx(1.0, abs=1e-14)
    assert e.shannon_entropy(p) == pytest.approx(0.0, abs=1e-12)
    # one-sided = two-sided with the ±k bins merged (even and odd n)
    for m in (256, 255):
        x = np.random.default_rng(m).standard_normal(m)
        one = e.spectral_probability(x)
        two = e.spectral_probability(x, onesided=False)
        merged = two[: m // 2 + 1].copy()
        merged[1 : (m + 1) // 2] += two[::-1][: (m - 1) // 2]
        assert np.allclose(one, merged, rtol=1e-12, atol=1e-16)
    # the mean only lives in bin 0
    x = 5 + np.random.default_rng(1).standard_normal(n)
    assert e.spectral_probability(x)[0] > 0.5 and e.spectral_probability(x, remove_mean=True)[0] < 1e-25
    # white noise spreads its power: normalized spectral entropy close to 1
    w = np.random.default_rng(2).standard_normal(2**14)
    assert e.shannon_entropy(e.spectral_probability(w, remove_mean=True), normalized=True) > 0.9
    # complex fields use the two-sided spectrum over all axes
    z = np.exp(2j * np.pi * 3 * t / n)
    pz = e.spectral_probability(z)
    assert pz.size == n and pz[3] == pytest.approx(1.0, abs=1e-14)


def test_histogram_probability_rules():
    x = np.array([0.1, 0.2, 0.6, 1.0])
    p, edges = e.histogram_probability(x, bins=2, range=(0, 1))  # the last bin includes its right edge
    assert p.tolist() == [0.5, 0.5] and edges.tolist() == [0.0, 0.5, 1.0]
    p, _ = e.histogram_probability(x, bins=[0.0, 0.15, 1.0])
    assert p.tolist() == [0.25, 0.75]
    with pytest.raises(ValueError, match="outside"):
        e.histogram_probability(x, bins=2, range=(0, 0.5))
    p, _ = e.histogram_probability(x, bins=2, range=(0, 0.5), outside="drop")
    assert p.tolist() == [1.0, 0.0]  # 0.1 and 0.2 in [0, 0.25); 0.6 and 1.0 dropped


# ---------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: e.shannon_entropy([0.5, 0.6]), "sums to"),
        (lambda: e.shannon_entropy([1.5, -0.5]), "negative"),
        (lambda: e.shannon_entropy([np.nan, 1.0]), "NaN"),
        (lambda: e.shannon_entropy([]), "empty"),
        (lambda: e.shannon_entropy(["a"]), "dtype"),
        (lambda: e.shannon_entropy([0.5, 0.5], n_states=1), "n_states"),
        (lambda: e.shannon_entropy([0.5, 0.5], atol=0), "atol"),
        (lambda: e.renyi_entropy([0.5, 0.5], -1), "alpha"),
        (lambda: e.renyi_entropy([0.5, 0.5], math.nan), "alpha"),
        (lambda: e.tsallis_entropy([0.5, 0.5], 0), "q"),
        (lambda: e.tsallis_entropy([0.5, 0.5], "2"), "q"),
        (lambda: e.spatial_probability(np.zeros(5)), "total"),
        (lambda: e.spatial_probability([1.0, np.inf]), "NaN or inf"),
        (lambda: e.spectral_probability(np.ones(8) + 1j, onesided=True), "onesided"),
        (lambda: e.spectral_probability(np.ones(8), remove_mean=True), "total"),
        (lambda: e.histogram_probability([1.0, 2.0], bins=10), "range"),
        (lambda: e.histogram_probability([1.0, 2.0], bins=0, range=(0, 1)), "bins"),
        (lambda: e.histogram_probability([1.0, 2.0], bins=3, range=(1, 1)), "range"),
        (lambda: e.histogram_probability([1.0, 2.0], bins=[0.0, 2.0, 1.0]), "bins"),
        (lambda: e.histogram_probability([1.0, 2.0], bins=[0.0, 3.0], range=(0, 3)), "range"),
        (lambda: e.histogram_probability([1.0, 2.0], bins=2, range=(0, 3), outside="keep"), "outside"),
        (lambda: e.differential_entropy([0.5, 0.5], [0.0, 1.0]), "edges"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
