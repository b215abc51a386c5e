"""Trajectory geometry and statistics: exact values (polygons, hand-counted
revisits, Parseval for Welch, the KDE formula, the autocorrelation of a sine)."""

import numpy as np
import pytest

from solvers.diagnostics import geometry as G


def polygon(n, r=1.0, closed=True):
    th = np.linspace(0, 2 * np.pi, n + 1)
    if not closed:
        th = th[:-1]
    return r * np.c_[np.cos(th), np.sin(th)]


def test_kernel_follows_the_numba_rules():
    opts = G._close_pairs.targetoptions
    assert opts.get("nogil") is True
    assert not opts.get("fastmath")
    assert type(G._close_pairs._cache).__name__ != "NullCache"


# ---------------------------------------------------------------- hull, length, revisits


@pytest.mark.parametrize("n", [12, 100, 1000])
def test_hull_of_a_sampled_circle(n):
    """A circle sampled at n points: the hull is the inscribed regular n-gon,
    area (n/2) r² sin(2π/n) → π r² with error ~ (2π³/3) r²/n²."""
    r = 2.5
    area = G.hull_area(polygon(n, r))
    assert area == pytest.approx(0.5 * n * r * r * np.sin(2 * np.pi / n), rel=1e-12)
    assert area == pytest.approx(np.pi * r * r, rel=(2 * np.pi**2 / 3) / n**2 * 1.01)


def test_hull_ignores_interior_points_and_degenerate_sets_have_no_area():
    rng = np.random.default_rng(0)
    inside = rng.uniform(-0.5, 0.5, (500, 2))
    square = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=float)
    assert G.hull_area(np.vstack([inside, square])) == pytest.approx(4.0, rel=1e-14)
    assert G.hull_area(np.c_[np.arange(5.0), 2 * np.arange(5.0)]) == 0.0  # collinear
    assert G.hull_area([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]]) == 0.0  # two distinct points


@pytest.mark.parametrize("n", [10, 1000])
def test_path_length_of_a_circle(n):
    r = 3.0
    length = G.path_length(polygon(n, r))
    assert length == pytest.approx(2 * n * r * np.sin(np.pi / n), rel=1e-12)
    assert length == pytest.approx(2 * np.pi * r, rel=np.pi**2 / (6 * n**2) * 1.01)
    assert G.exploration_index(polygon(n, r)) == pytest.approx(G.hull_area(polygon(n, r)) / length, rel=1e-14)


def test_path_length_of_a_series_is_its_total_variation():
    assert G.path_length(np.array([0.0, 3.0, -1.0, 2.0])) == pytest.approx(10.0)
    assert G.path_length([[1.0, 2.0]]) == 0.0


def test_revisit_rate_hand_counted():
    """Alternating between two points, every kept point, Theiler window 2,
    six points: pairs at separations 2, 3, 4, 5 number 4, 3, 2, 1 and only
    the even separations return: 6/10."""
    xy = np.array([[0.0, 0.0], [1.0, 0.0]] * 3)
    assert G.revisit_rate(xy, 0.1, theiler=2, stride=1) == pytest.approx(0.6, abs=1e-15)
    line = np.c_[np.arange(100.0), np.zeros(100)]
    assert G.revisit_rate(line, 0.5, theiler=1, stride=1) == 0.0
    assert G.revisit_rate(line[:5], 0.5) == 0.0  # fewer kept points than the window: no pairs


def reference_revisit_rate(xy, radius, theiler, stride):
    p = xy[::stride]
    close = total = 0
    for i in range(len(p)):
        for j in range(i + theiler, len(p)):
            close += np.hypot(*(p[i] - p[j])) < radius
            total += 1
    return close / total


def test_revisit_rate_defaults_follow_the_definition():
    """Every 10th point, pairs at least 5 kept points apart, radius 0.05."""
    rng = np.random.default_rng(1)
    walk = 0.5 + 0.01 * rng.standard_normal((3000, 2)).cumsum(axis=0)
    expected = reference_revisit_rate(walk, 0.05, 5, 10)
    assert 0 < expected < 1
    assert G.revisit_rate(walk) == pytest.approx(expected, abs=1e-15)
    circle_twice = np.vstack([polygon(400), polygon(400)])
    assert G.revisit_rate(circle_twice, 0.01, theiler=3, stride=1) == pytest.approx(
        reference_revisit_rate(circle_twice, 0.01, 3, 1), abs=1e-15
    )


def test_revisit_rate_normalization_is_scale_free():
    rng = np.random.default_rng(2)
    walk = rng.standard_normal((2000, 2)).cumsum(axis=0)
    stretched = walk * np.array([1000.0, 0.001]) + 7.0
    a = G.revisit_rate(walk, 0.05, normalize=True)
    assert a > 0
    assert G.revisit_rate(stretched, 0.05, normalize=True) == pytest.approx(a, abs=1e-15)


# ---------------------------------------------------------------- densities


def test_kde_equals_the_gaussian_kernel_formula():
    """Scott's factor n^(−1/5) times the sample standard deviation in 1-D."""
    rng = np.random.default_rng(3)
    s = rng.standard_normal(200)
    pts = np.linspace(-4, 4, 17)
    h = s.std(ddof=1) * s.size ** (-1 / 5)
    expected = np.exp(-0.5 * ((pts[:, None] - s[None, :]) / h) ** 2).sum(1) / (s.size * h * np.sqrt(2 * np.pi))
    np.testing.assert_allclose(G.kde(s, pts), expected, rtol=1e-12)
    h2 = 0.3 * s.std(ddof=1)
    fixed = np.exp(-0.5 * ((pts[:, None] - s[None, :]) / h2) ** 2).sum(1) / (s.size * h2 * np.sqrt(2 * np.pi))
    np.testing.assert_allclose(G.kde(s, pts, bw_method=0.3), fixed, rtol=1e-12)


def test_kde_grid_integrates_to_one():
    rng = np.random.default_rng(4)
    x, d1 = G.kde_grid(rng.standard_normal(500), size=400)
    assert np.trapezoid(d1, x) == pytest.approx(1.0, abs=1e-4)
    (gx, gy), d2 = G.kde_grid(rng.standard_normal((500, 2)) * [1.0, 3.0], size=200)
    assert d2.shape == (200, 200)
    assert np.trapezoid(np.trapezoid(d2, gx, axis=1), gy) == pytest.approx(1.0, abs=1e-3)
    # rows are y: the density is wider along y (sd 3) than along x (sd 1)
    assert np.ptp(gy) > 2 * np.ptp(gx)


# ---------------------------------------------------------------- spectra and correlations


def test_welch_peak_and_power_of_a_sine():
    """A sine of amplitude 2 at 12.5 Hz (an exact bin of 256-point segments
    at 100 Hz): the peak is at 12.5 Hz and the PSD integrates to A²/2 = 2."""
    fs = 100.0
    t = np.arange(20000) / fs
    f, P = G.welch_psd(2 * np.sin(2 * np.pi * 12.5 * t + 0.3), fs=fs, nperseg=256)
    assert f[np.argmax(P)] == 12.5
    assert P.sum() * (f[1] - f[0]) == pytest.approx(2.0, rel=1e-12)


def test_welch_of_white_noise_integrates_to_its_variance():
    w = 3.0 * np.random.default_rng(5).standard_normal(100_000)
    f, P = G.welch_psd(w, fs=100.0, nperseg=256)
    assert P.sum() * (f[1] - f[0]) == pytest.approx(9.0, rel=0.02)  # measured 8.97
    assert np.all(np.abs(P[1:-1] / P[1:-1].mean() - 1) < 0.3)  # flat


def test_autocorrelation_of_a_sine_is_a_cosine():
    n, period = 2000, 40
    k = np.arange(n)
    s = np.sin(2 * np.pi * k / period + 0.7)
    r = G.autocorrelation(s, n // 2, unbiased=True)
    assert r[0] == 1.0
    np.testing.assert_allclose(r, np.cos(2 * np.pi * np.arange(n // 2 + 1) / period), atol=5e-3)  # measured 2e-3


def test_autocorrelation_equals_the_direct_sum():
    x = np.random.default_rng(6).standard_normal(777).cumsum()
    y = x - x.mean()
    direct = np.correlate(y, y, "full")[x.size - 1 :]
    np.testing.assert_allclose(G.autocorrelation(x), direct / direct[0], atol=1e-12)
    unbiased = direct / (x.size - np.arange(x.size)) / (direct[0] / x.size)
    np.testing.assert_allclose(G.autocorrelation(x, 50, unbiased=True), unbiased[:51], atol=1e-12)


# ---------------------------------------------------------------- bad input


RNG = np.random.default_rng(99)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: G.hull_area(np.ones((5, 3))), "xy"),
        (lambda: G.hull_area([[0.0, np.nan], [1.0, 1.0], [2.0, 0.0]]), "xy"),
        (lambda: G.path_length(np.ones((2, 2, 2))), "xy"),
        (lambda: G.revisit_rate(np.ones((20, 2)), radius=0), "radius"),
        (lambda: G.revisit_rate(np.ones((20, 2)), theiler=0), "theiler"),
        (lambda: G.revisit_rate(np.ones((20, 2)), stride=1.5), "stride"),
        (lambda: G.kde(np.ones(1), [0.0]), "samples"),
        (lambda: G.kde(RNG.random((10, 2)), np.zeros((3, 3))), "points"),
        (lambda: G.kde(RNG.random(10), [0.0], bw_method=-1), "bw_method"),
        (lambda: G.kde(RNG.random(10), [0.0], weights=-np.ones(10)), "weights"),
        (lambda: G.kde_grid(RNG.random((10, 3))), "samples"),
        (lambda: G.kde_grid(RNG.random(10), extent=(1.0, 0.0)), "extent"),
        (lambda: G.welch_psd(RNG.random(100), fs=0), "fs"),
        (lambda: G.welch_psd(RNG.random(100), nperseg=200), "nperseg"),
        (lambda: G.welch_psd(RNG.random(100), scaling="power"), "scaling"),
        (lambda: G.welch_psd(RNG.random(100), window="no-such-window"), "window"),
        (lambda: G.autocorrelation(np.ones(10)), "x"),
        (lambda: G.autocorrelation(RNG.random(10), 10), "max_lag"),
    ],
)
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ValueError, match=f"^{name}:"):
        call()
