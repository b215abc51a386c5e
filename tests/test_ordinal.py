"""Ordinal patterns: exact values, finite-sample bias, ordpy agreement, the
complexity–entropy plane and the PECCARY spacing rule."""

import itertools
import math
from fractions import Fraction

import numpy as np
import ordpy
import pytest

import solvers
from solvers.diagnostics import ordinal as o

# REFERENCES §10: logistic map, r = 4, d = 3
LOGISTIC_H = 0.8314454838586238
LOGISTIC_C = 0.16576716623440763
# The exact distribution in the order of the issue, and in lexicographic order of
# the argsort patterns (0,1,2), (0,2,1), (1,0,2), (1,2,0), (2,0,1), (2,1,0).
LOGISTIC_P = [1 / 3, 1 / 15, 4 / 15, 2 / 15, 1 / 5, 0.0]
LOGISTIC_P_LEX = [1 / 3, 1 / 15, 2 / 15, 1 / 5, 4 / 15, 0.0]


# ---------------------------------------------------------------------------
# exact values


def test_logistic_exact_distribution_formula():
    h, c = o.jensen_shannon_complexity(LOGISTIC_P)
    assert abs(h - LOGISTIC_H) <= 1e-15
    assert abs(c - LOGISTIC_C) <= 1e-15
    # the missing pattern may also be left out and counted through n_states
    h2, c2 = o.jensen_shannon_complexity(LOGISTIC_P[:5], n_states=6)
    assert abs(h2 - LOGISTIC_H) <= 1e-15 and abs(c2 - LOGISTIC_C) <= 1e-15


def test_logistic_series_converges_to_exact_values():
    r = solvers.simulate("logistic", preset="chaotic", t_end=1_000_000, samples=1_000_001)
    x = r["x"]
    m = x.size - 2
    p = o.ordinal_distribution(x, 3)
    exact = np.array(LOGISTIC_P_LEX)
    assert p[5] == 0.0  # the forbidden pattern (2, 1, 0) never occurs
    sd = np.sqrt(exact * (1 - exact) / m)  # binomial; the orbit's own spread is about the same
    assert np.all(np.abs(p - exact) <= 6 * sd + 1e-15), (p, exact)
    h, c = o.statistical_complexity(x, 3)
    # standard deviations over 40 independent orbits scaled to 1e6 samples: 2.7e-4 (H), 1.6e-4 (C)
    assert abs(h - LOGISTIC_H) < 1.5e-3
    assert abs(c - LOGISTIC_C) < 1e-3
    assert o.permutation_entropy(x, 3) == h


def test_hand_counted_distribution():
    x = [4, 7, 9, 10, 6, 11, 3]  # windows (0,1,2) (0,1,2) (2,0,1) (1,0,2) (2,0,1)
    assert o.pattern_codes(x, 3).tolist() == [0, 0, 4, 2, 4]
    assert o.ordinal_distribution(x, 3).tolist() == [0.4, 0.0, 0.2, 0.0, 0.4, 0.0]
    assert o.code_to_pattern([0, 4, 2], 3).tolist() == [[0, 1, 2], [2, 0, 1], [1, 0, 2]]
    h = o.permutation_entropy(x, 3)
    assert h == pytest.approx(-(0.8 * math.log(0.4) + 0.2 * math.log(0.2)) / math.log(6), abs=1e-15)


def test_ties_and_monotone_series():
    # a constant series: every window is a tie, broken by the stable sort into the identity
    assert o.pattern_codes(np.ones(10), 4).tolist() == [0] * 7
    assert o.statistical_complexity(np.ones(10), 4) == (0.0, 0.0)
    assert o.permutation_entropy(np.arange(50.0)[::-1], 5) == 0.0
    assert o.pattern_codes([2, 1, 1], 3).tolist() == [3]  # argsort (1, 2, 0): rank 3


def test_lehmer_codes_are_lexicographic():
    for d in (2, 3, 4, 5):
        perms = np.array(list(itertools.permutations(range(d))))
        assert np.array_equal(o.code_to_pattern(np.arange(math.factorial(d)), d), perms)


# ---------------------------------------------------------------------------
# finite-sample bias of iid noise


def _same_pattern_probability(d, k):
    """q_k: two windows k apart have the same pattern, counted over all (d+k)! orderings."""
    same = 0
    for perm in itertools.permutations(range(d + k)):
        a = perm[:d]
        b = perm[k : k + d]
        same += sorted(range(d), key=a.__getitem__) == sorted(range(d), key=b.__getitem__)
    return Fraction(same, math.factorial(d + k))


def _bias_coefficient(d):
    """B_d in E[S] = ln d! − B_d/(2M): Σ_i Var(p̂_i)/p_i · M with the overlap covariances."""
    n = math.factorial(d)
    return n - 1 + 2 * sum(n * _same_pattern_probability(d, k) - 1 for k in range(1, d))


def test_bias_coefficients_by_enumeration():
    assert _bias_coefficient(2) == Fraction(1, 3)
    assert _bias_coefficient(3) == Fraction(17, 5)
    assert _bias_coefficient(4) == Fraction(711, 35)


@pytest.mark.parametrize(("order", "delay", "m", "reps"), [(3, 1, 400, 4000), (3, 2, 400, 4000), (4, 1, 2000, 2000)])
def test_iid_noise_bias(order, delay, m, reps):
    """E[H] ≈ 1 − B_d/(2 M ln d!) — not the multinomial 1 − (d! − 1)/(2 M ln d!):
    overlapping windows are correlated."""
    rng = np.random.default_rng(100 + order + delay)
    n = math.factorial(order)
    x = rng.standard_normal((reps, m + (order - 1) * delay))
    h = np.array([o.permutation_entropy(row, order, delay) for row in x])
    mean, se = h.mean(), h.std(ddof=1) / math.sqrt(reps)
    predicted = 1 - float(_bias_coefficient(order)) / (2 * m * math.log(n))
    multinomial = 1 - (n - 1) / (2 * m * math.log(n))
    # measured: d=3 τ=1 −0.1 se, d=3 τ=2 −2.2 se, d=4 −0.8 se; multinomial off by 36, 33, 15 se
    assert abs(mean - predicted) < 4 * se, (mean, predicted, se)
    assert abs(mean - multinomial) > 10 * se


# ---------------------------------------------------------------------------
# against ordpy


def _series(kind, n=2000, seed=3):
    rng = np.random.default_rng(seed)
    if kind == "normal":
        return rng.standard_normal(n)
    if kind == "ties":
        return rng.integers(0, 4, n).astype(float)
    if kind == "walk":
        return np.cumsum(rng.standard_normal(n))
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["normal", "ties", "walk"])
@pytest.mark.parametrize("order", [2, 3, 4, 5, 6])
def test_equal_to_ordpy(kind, order):
    x = _series(kind, seed=order)
    for delay in (1, 2, 5):
        h = o.permutation_entropy(x, order, delay)
        assert abs(h - ordpy.permutation_entropy(x, dx=order, taux=delay)) <= 1e-12
        hc = o.statistical_complexity(x, order, delay)
        ref = ordpy.complexity_entropy(x, dx=order, taux=delay)
        assert abs(hc[0] - ref[0]) <= 1e-12 and abs(hc[1] - ref[1]) <= 1e-12
        hw = o.permutation_entropy(x, order, delay, weighted=True)
        assert abs(hw - ordpy.weighted_permutation_entropy(x, dx=order, taux=delay)) <= 1e-12


@pytest.mark.parametrize("order", [3, 4])
def test_patterns_and_distribution_equal_to_ordpy(order):
    x = _series("ties", n=500, seed=7)
    assert np.array_equal(
        o.code_to_pattern(o.pattern_codes(x, order, 2), order), ordpy.ordinal_sequence(x, order, taux=2)
    )
    _, p_ref = ordpy.ordinal_distribution(x, order, taux=2, return_missing=True, ordered=True)
    assert np.allclose(o.ordinal_distribution(x, order, 2), p_ref, rtol=0, atol=1e-15)


@pytest.mark.parametrize("order", [9, 10, 11])
def test_large_orders_equal_to_ordpy(order):
    """Orders above 9 count by sorting the codes instead of a d!-array."""
    x = _series("normal", n=6000, seed=order)
    assert abs(o.permutation_entropy(x, order) - ordpy.permutation_entropy(x, dx=order)) <= 1e-12
    hc, ref = o.statistical_complexity(x, order), ordpy.complexity_entropy(x, dx=order)
    assert abs(hc[0] - ref[0]) <= 1e-12 and abs(hc[1] - ref[1]) <= 1e-12
    hw = o.permutation_entropy(x, order, weighted=True)
    assert abs(hw - ordpy.weighted_permutation_entropy(x, dx=order)) <= 1e-12


# ---------------------------------------------------------------------------
# the complexity–entropy plane


@pytest.mark.parametrize("order", [2, 3, 4, 5])
def test_bounds_equal_to_ordpy(order):
    top = ordpy.maximum_complexity_entropy(dx=order, m=4)
    low = ordpy.minimum_complexity_entropy(dx=order, size=60)
    c_max = o.complexity_bounds(top[:, 0], order)[1]
    c_min = o.complexity_bounds(np.clip(low[:, 0], 0.0, 1.0), order)[0]  # ordpy's H may be −0.0
    assert np.max(np.abs(c_max - top[:, 1])) <= 1e-12
    assert np.max(np.abs(c_min - low[:, 1])) <= 1e-12


@pytest.mark.parametrize("order", [3, 4])
def test_random_distributions_lie_between_the_bounds(order):
    rng = np.random.default_rng(order)
    n = math.factorial(order)
    hc = []
    for _ in range(3000):
        k = rng.integers(1, n + 1)
        p = np.zeros(n)
        p[:k] = rng.dirichlet(np.full(k, 10 ** rng.uniform(-2, 1)))
        hc.append(o.jensen_shannon_complexity(p))
    h, c = np.array(hc).T
    lo, hi = o.complexity_bounds(h, order)
    assert np.all(lo - c <= 1e-13) and np.all(c - hi <= 1e-13)
    assert np.max(c - lo) > 0.05 and np.max(hi - c) > 0.05  # the cloud fills the plane, not a curve


@pytest.mark.parametrize("order", [2, 3, 6, 8, 12, 20])
def test_bound_curves_for_any_order(order):
    h, c_min, c_max = o.complexity_bound_curves(order, n_points=101)
    assert h[0] == 0.0 and h[-1] == 1.0 and np.all(np.diff(h) > 0)
    assert np.all(c_min <= c_max + 1e-14)
    assert c_min[0] == c_max[0] == 0.0
    assert c_min[-1] == c_max[-1] == 0.0
    assert 0.1 < c_max.max() < 1.0
    if math.factorial(order) <= 5040:  # the kinks ln k / ln d! are included
        assert np.all(np.isin(np.log(np.arange(1, math.factorial(order) + 1)) / math.log(math.factorial(order)), h))


def test_complexity_entropy_curve_over_delays():
    x = _series("walk", n=3000)
    delays = [1, 3, 7, 20]
    h, c = o.complexity_entropy_curve(x, 4, delays)
    for i, tau in enumerate(delays):
        assert (h[i], c[i]) == o.statistical_complexity(x, 4, tau)


# ---------------------------------------------------------------------------
# the spacing: natural time scale and the PECCARY rule


def test_peccary_delays():
    # t_nat = 10, dt = 0.01, d = 5: τ·0.04 ∈ [3, 5]
    taus = o.peccary_delays(10.0, 0.01, 5)
    assert taus[0] == 75 and taus[-1] == 125 and np.all(np.diff(taus) == 1)
    t_pat = o.pattern_time(taus, 0.01, 5)
    assert np.all((t_pat >= 3.0 - 1e-12) & (t_pat <= 5.0 + 1e-12))
    assert o.peccary_delays(1.0, 0.1, 3, fraction=(0.2, 0.4)).tolist() == [1, 2]
    with pytest.raises(ValueError, match="dt"):
        o.peccary_delays(1.0, 0.5, 5)


@pytest.mark.parametrize("method", o.NATURAL_TIME_METHODS)
def test_natural_time_scale_of_a_sinusoid(method):
    dt = 0.01
    t = np.arange(0, 100, dt)
    x = 3 + np.sin(2 * np.pi * t / 2.5 + 0.3)
    assert o.natural_time_scale(x, dt, method) == pytest.approx(2.5, rel=5e-3)


def test_peccary_on_a_sinusoid_is_regular():
    """With the PECCARY spacing (t_pat ≤ t_nat/2, so a window holds at most one
    extremum) a sinusoid shows at most 2(2(d − 2) + 1) = 14 of the 120 patterns
    of order 5, so H ≤ ln 14 / ln 120 (PECCARY's HmaxPer); noise sits near 1."""
    dt = 0.01
    t = np.arange(0, 200, dt)
    x = np.sin(2 * np.pi * t / math.e + 0.1)  # a period incommensurate with dt: no exact ties
    taus = o.peccary_delays(o.natural_time_scale(x, dt), dt, 5)
    assert taus.tolist() == list(range(21, 35))
    for tau in taus:
        assert np.count_nonzero(o.ordinal_distribution(x, 5, int(tau))) == 14
    h, c = o.complexity_entropy_curve(x, 5, taus)
    assert np.all((h > math.log(2) / math.log(120)) & (h <= math.log(14) / math.log(120))) and np.all(c > 0.2)
    h_noise = o.permutation_entropy(np.random.default_rng(0).standard_normal(t.size), 5, int(taus[0]))
    assert h_noise > 0.98


# ---------------------------------------------------------------------------
# bad input and kernel rules


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: o.permutation_entropy(np.ones(10), 1), "order"),
        (lambda: o.permutation_entropy(np.ones(10), 21), "order"),
        (lambda: o.permutation_entropy(np.ones(10), 3.0), "order"),
        (lambda: o.permutation_entropy(np.ones(10), 3, 0), "delay"),
        (lambda: o.permutation_entropy(np.ones(10), 3, True), "delay"),
        (lambda: o.permutation_entropy([1.0, np.nan, 2.0, 3.0], 2), "NaN"),
        (lambda: o.permutation_entropy(np.ones((5, 2)), 2), "1-D"),
        (lambda: o.permutation_entropy(np.ones(5), 3, 3), "too few"),
        (lambda: o.permutation_entropy(np.ones(50), 3, weighted=True), "constant"),
        (lambda: o.permutation_entropy(["a", "b", "c"], 2), "dtype"),
        (lambda: o.ordinal_distribution(np.ones(50), 11), "order"),
        (lambda: o.code_to_pattern([6], 3), "codes"),
        (lambda: o.jensen_shannon_complexity([0.5, 0.6]), "sums to"),
        (lambda: o.jensen_shannon_complexity([0.5, 0.5, 0.0], n_states=2), "n_states"),
        (lambda: o.complexity_bounds(1.2, 3), "h"),
        (lambda: o.complexity_entropy_curve(np.ones(50), 3, []), "delays"),
        (lambda: o.natural_time_scale(np.arange(100.0), 1.0, "zeros"), "method"),
        (lambda: o.natural_time_scale(np.arange(100.0), 0.0), "dt"),
        (lambda: o.natural_time_scale(np.ones(100)), "constant"),
        (lambda: o.peccary_delays(-1.0, 0.01), "natural_time"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_kernels_follow_the_numba_rules():
    o.permutation_entropy(np.arange(20.0), 3)
    o.pattern_codes(np.arange(20.0), 3)
    for k in (o._scan, o._lex_codes, o._window_code, o._window_variance):
        opts = k.targetoptions
        assert opts.get("nogil") is True and not opts.get("fastmath")
        assert type(k._cache).__name__ != "NullCache"
