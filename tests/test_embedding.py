"""Delay embedding, mutual information, false nearest neighbours, correlation
dimension and Rosenstein's exponent: exact values, brute-force references,
pyunicorn's embedding, and the published Lorenz values."""

import numpy as np
import pytest
from scipy import stats
from scipy.signal import lfilter
from scipy.spatial.distance import pdist

import solvers
from solvers.diagnostics import embedding as E

LORENZ_D2 = 2.05  # Grassberger & Procaccia, Phys. Rev. Lett. 50, 346 (1983): 2.05 ± 0.01
LORENZ_LAMBDA1 = 0.906  # classic parameters (σ = 10, ρ = 28, β = 8/3)


@pytest.fixture(scope="module")
def lorenz():
    """Lorenz (classic preset) sampled every 0.05 time units after a transient
    of 100 time units: 10 000 states."""
    r = solvers.simulate("lorenz", preset="classic", t_end=600.0, samples=12001)
    return r.states[2000:]


def check_numba_rules(dispatcher):
    opts = dispatcher.targetoptions
    assert opts.get("nogil") is True
    assert not opts.get("fastmath")
    assert type(dispatcher._cache).__name__ != "NullCache"


def test_kernels_follow_the_numba_rules():
    check_numba_rules(E._pair_histogram)
    check_numba_rules(E._divergence)


# ---------------------------------------------------------------- delay embedding


@pytest.mark.parametrize(("m", "tau"), [(1, 1), (2, 3), (3, 1), (5, 7)])
def test_delay_embedding_equals_pyunicorn(m, tau):
    from pyunicorn.timeseries import RecurrencePlot

    x = np.random.default_rng(0).standard_normal(200)
    ours = E.delay_embed(x, m, tau)
    assert ours.shape == (200 - (m - 1) * tau, m)
    theirs = RecurrencePlot.embed_time_series(x, m, tau)  # pyunicorn works in float32
    np.testing.assert_array_equal(ours.astype(theirs.dtype), theirs)


def test_delay_embedding_rows():
    y = E.delay_embed(np.arange(10.0), 3, 2)
    np.testing.assert_array_equal(y[0], [0, 2, 4])
    np.testing.assert_array_equal(y[-1], [5, 7, 9])


# ---------------------------------------------------------------- mutual information


def ar1(n, rho, seed):
    return lfilter([np.sqrt(1 - rho**2)], [1, -rho], np.random.default_rng(seed).standard_normal(n))


def binned_gaussian_mi(rho, edges):
    """Exact mutual information of a standard bivariate Gaussian (correlation
    rho) discretized on the same cells as the estimator (edge cells open)."""
    e = np.clip(edges, -12, 12)
    e[0], e[-1] = -12, 12
    grid = np.array(np.meshgrid(e, e, indexing="ij")).reshape(2, -1).T
    cdf = stats.multivariate_normal([0, 0], [[1, rho], [rho, 1]], abseps=1e-10, releps=1e-10).cdf(grid)
    F = cdf.reshape(e.size, e.size)
    P = np.clip(F[1:, 1:] - F[:-1, 1:] - F[1:, :-1] + F[:-1, :-1], 0, None)
    P /= P.sum()
    outer = np.outer(P.sum(1), P.sum(0))
    nz = P > 0
    return float(np.sum(P[nz] * np.log(P[nz] / outer[nz])))


def test_mutual_information_of_a_gaussian_ar1():
    """x_{t+1} = ρ x_t + √(1−ρ²) ε: (x_t, x_{t+k}) is bivariate Gaussian with
    correlation ρ^k, so I(k) = −½ ln(1 − ρ^{2k}).  The histogram estimate
    equals the exact MI of the binned Gaussian to 1e-3, and with 64 bins the
    continuous value to 1 %."""
    rho, n = 0.8, 4_000_000
    x = ar1(n, rho, seed=7)
    bins = 16
    est = E.mutual_information(x, 3, bins=bins)
    edges = np.linspace(x.min(), x.max(), bins + 1)
    for k in (1, 2, 3):
        assert est[k] == pytest.approx(binned_gaussian_mi(rho**k, edges), abs=1e-3)
    fine = E.mutual_information(x, 3, bins=64)
    for k in (1, 2, 3):
        assert fine[k] == pytest.approx(-0.5 * np.log(1 - rho ** (2 * k)), rel=0.01)


def test_mutual_information_of_independent_samples_is_the_chi2_bias():
    """For independent uniform samples 2N·I is a G statistic ≈ χ² with
    (B−1)² degrees of freedom: mean 225, sd 21 for B = 16."""
    n, bins = 100_000, 16
    x = np.random.default_rng(11).uniform(size=n)
    est = E.mutual_information(x, 3, bins=bins)
    df = (bins - 1) ** 2
    for k in (1, 2, 3):
        g = 2 * (n - k) * est[k]
        assert abs(g - df) < 5 * np.sqrt(2 * df)


def test_mutual_information_at_lag_zero_is_the_binned_entropy():
    x = np.repeat(np.arange(4.0), 25)  # four equally filled bins
    assert E.mutual_information(x, 0, bins=4)[0] == pytest.approx(np.log(4), abs=1e-15)


def test_first_minimum():
    assert E.first_minimum([5, 4, 3, 3.5, 2]) == 2
    assert E.first_minimum([5, 4, 4, 6]) == 1  # a plateau counts at its first point
    assert E.first_minimum([3, 2, 1]) is None
    assert E.first_minimum([1, 2, 3]) is None


def test_lorenz_delay_from_mutual_information(lorenz):
    """First AMI minimum of Lorenz x (dt = 0.05): 4 samples = 0.2 time units
    with the default (Sturges) bins; 3–4 samples for 8 to 64 bins."""
    x = lorenz[:, 0]
    assert E.first_minimum(E.mutual_information(x, 40)) == 4
    for bins in (8, 32, 64):
        assert E.first_minimum(E.mutual_information(x, 40, bins=bins)) in (3, 4)


# ---------------------------------------------------------------- false nearest neighbours


def brute_fnn(x, m_max, tau, rtol, atol, theiler):
    out = []
    r_a = np.std(x)
    for m in range(1, m_max + 1):
        n = x.size - m * tau
        Y = np.stack([x[k * tau : k * tau + n] for k in range(m)], axis=1)
        D = np.sqrt(((Y[:, None, :] - Y[None, :, :]) ** 2).sum(-1))
        i, j = np.indices(D.shape)
        D[np.abs(i - j) < theiler] = np.inf
        nn = D.argmin(axis=1)
        r = D[np.arange(n), nn]
        gap = np.abs(x[np.arange(n) + m * tau] - x[nn + m * tau])
        false = (gap / r > rtol) | (np.sqrt(r**2 + gap**2) / r_a > atol)
        out.append(false.mean())
    return np.array(out)


@pytest.mark.parametrize(("tau", "theiler", "rtol"), [(1, 1, 15.0), (2, 5, 10.0), (3, 12, 2.0)])
def test_false_nearest_neighbours_equal_a_brute_force_search(tau, theiler, rtol):
    x = np.random.default_rng(tau).standard_normal(300).cumsum()
    res = E.false_nearest_neighbors(x, m_max=4, tau=tau, rtol=rtol, theiler=theiler)
    np.testing.assert_allclose(res.fraction, brute_fnn(x, 4, tau, rtol, 2.0, theiler), atol=1e-15)


def test_lorenz_needs_three_dimensions(lorenz):
    """Kennel et al. (1992): the false fraction of Lorenz x drops to zero at
    m = 3.  Threshold for "zero": below 1 %."""
    x = lorenz[:, 0]
    tau = E.first_minimum(E.mutual_information(x, 40))
    res = E.false_nearest_neighbors(x, m_max=5, tau=tau)
    assert res.fraction[0] > 0.5
    assert res.fraction[2] < 0.01
    assert np.all(res.fraction[2:] < 0.01)
    assert res.dimension(0.01) == 3


def test_noise_keeps_false_neighbours():
    noise = np.random.default_rng(5).standard_normal(5000)
    res = E.false_nearest_neighbors(noise, m_max=5)
    assert np.all(res.fraction[2:] > 0.1)  # measured 0.27, 0.17, 0.17
    assert res.dimension(0.01) is None


# ---------------------------------------------------------------- correlation sum and dimension


@pytest.mark.parametrize("metric", ["euclidean", "maximum"])
@pytest.mark.parametrize("theiler", [1, 4])
def test_correlation_sum_equals_brute_force(metric, theiler):
    X = np.random.default_rng(2).standard_normal((400, 3))
    radii = np.geomspace(0.05, 6, 25)
    _, C, counts, n_pairs = E.correlation_sum(X, radii, theiler=theiler, metric=metric, block_pairs=1000)
    d = pdist(X, "euclidean" if metric == "euclidean" else "chebyshev")
    i, j = np.triu_indices(400, 1)
    d = d[(j - i) >= theiler]
    assert n_pairs == d.size
    np.testing.assert_array_equal(counts, [(d < rr).sum() for rr in radii])
    np.testing.assert_allclose(C, counts / d.size, rtol=1e-15)


def test_correlation_sum_stops_between_blocks():
    import threading

    halt = threading.Event()
    halt.set()
    with pytest.raises(InterruptedError):
        E.correlation_sum(np.random.default_rng(0).standard_normal((300, 2)), stop=halt)


def test_correlation_sum_of_the_uniform_square():
    """Uniform points in the unit square: the probability that two lie closer
    than r ≤ 1 is πr² − 8r³/3 + r⁴/2 (edges included)."""
    square = np.random.default_rng(4).uniform(size=(5000, 2))
    r = np.geomspace(0.01, 0.5, 12)
    _, C, _, _ = E.correlation_sum(square, r)
    np.testing.assert_allclose(C, np.pi * r**2 - 8 * r**3 / 3 + r**4 / 2, rtol=0.03)  # measured ≤ 0.6 %


def test_correlation_dimension_of_known_sets():
    rng = np.random.default_rng(4)
    th = rng.uniform(0, 2 * np.pi, 5000)
    circle = np.c_[np.cos(th), np.sin(th)]
    assert E.correlation_dimension(circle).dimension == pytest.approx(1.0, abs=0.02)  # measured 1.005
    t1, t2 = rng.uniform(0, 2 * np.pi, (2, 5000))
    torus = np.c_[np.cos(t1), np.sin(t1), np.cos(t2), np.sin(t2)]  # a flat 2-torus: no edges
    assert E.correlation_dimension(torus).dimension == pytest.approx(2.0, abs=0.03)  # measured 1.99–2.01


def test_lorenz_correlation_dimension(lorenz):
    """D2 of the Lorenz attractor within 0.05 of 2.05, in state space and
    from x delay-embedded with the AMI delay; Theiler window 20 samples
    (one time unit)."""
    res = E.correlation_dimension(lorenz, theiler=20)
    assert res.dimension == pytest.approx(LORENZ_D2, abs=0.05)  # measured 2.074
    lo, hi = res.fit_range
    assert hi / lo > 10  # the scaling region spans more than a decade
    s, e = res.fit_index
    assert np.ptp(res.slopes[s:e]) <= 0.2
    x = lorenz[:, 0]
    tau = E.first_minimum(E.mutual_information(x, 40))
    emb = E.correlation_dimension(E.delay_embed(x, 4, tau), theiler=20)
    assert emb.dimension == pytest.approx(LORENZ_D2, abs=0.05)  # measured 2.067


# ---------------------------------------------------------------- Rosenstein


def test_mean_period_of_a_sine():
    t = np.arange(1000)
    assert E.mean_period(np.sin(2 * np.pi * t / 50)) == pytest.approx(50.0, rel=1e-9)


def test_rosenstein_on_the_logistic_map():
    """Logistic map at r = 4: λ = ln 2 per iteration."""
    x = np.empty(5000)
    x[0] = 0.3
    for i in range(1, x.size):
        x[i] = 4 * x[i - 1] * (1 - x[i - 1])
    res = E.rosenstein_lyapunov(x, 2, 1, theiler=1, k_max=20)
    assert res.exponent == pytest.approx(np.log(2), rel=0.01)  # measured 0.6939


def test_rosenstein_on_lorenz(lorenz):
    x = lorenz[:, 0]
    tau = E.first_minimum(E.mutual_information(x, 40))
    res = E.rosenstein_lyapunov(x, 4, tau, dt=0.05)
    assert res.exponent == pytest.approx(LORENZ_LAMBDA1, rel=0.15)  # measured 0.886
    t_lo, t_hi = res.fit_range
    assert 0 < t_lo < t_hi < res.t[-1]
    # a fit range given by hand is used as given
    fixed = E.rosenstein_lyapunov(x, 4, tau, dt=0.05, fit=(1.0, 3.0))
    assert fixed.fit_range == pytest.approx((1.0, 3.0))
    assert fixed.exponent == pytest.approx(LORENZ_LAMBDA1, rel=0.15)


# ---------------------------------------------------------------- bad input


RNG = np.random.default_rng(99)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: E.delay_embed(np.ones((3, 3)), 2), "x"),
        (lambda: E.delay_embed([1.0, np.nan, 2.0], 2), "x"),
        (lambda: E.delay_embed(np.arange(5.0), 0), "m"),
        (lambda: E.delay_embed(np.arange(5.0), 2, 1.5), "tau"),
        (lambda: E.delay_embed(np.arange(5.0), 4, 2), "m, tau"),
        (lambda: E.mutual_information(np.arange(50.0), 60), "max_lag"),
        (lambda: E.mutual_information(np.arange(50.0), 5, bins=1), "bins"),
        (lambda: E.false_nearest_neighbors(np.arange(50.0), rtol=-1), "rtol"),
        (lambda: E.false_nearest_neighbors(np.ones(50)), "x"),
        (lambda: E.false_nearest_neighbors(np.arange(50.0), theiler=0), "theiler"),
        (lambda: E.correlation_sum(RNG.random((20, 2)), radii=[0.2, 0.1]), "radii"),
        (lambda: E.correlation_sum(RNG.random((20, 2)), metric="cosine"), "metric"),
        (lambda: E.correlation_dimension(RNG.random((20, 2)), tol=0), "tol"),
        (lambda: E.rosenstein_lyapunov(RNG.random(200), 2, 1, dt=0), "dt"),
        (lambda: E.rosenstein_lyapunov(RNG.random(200), 2, 1, fit_fractions=(0.8, 0.2)), "fit_fractions"),
        (lambda: E.rosenstein_lyapunov(RNG.random(200), 2, 1, fit=(50.0, 60.0), k_max=10), "fit"),
        (lambda: E.rosenstein_lyapunov(RNG.random(200), 2, 1, k_max=199), "k_max"),
    ],
)
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ValueError, match=f"^{name}:"):
        call()
