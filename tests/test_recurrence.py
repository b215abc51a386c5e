"""Recurrence plots and RQA (solvers.diagnostics.recurrence).

- equal to pyunicorn 1.0.0 (``RecurrencePlot``, ``CrossRecurrencePlot``):
  matrices and line histograms exactly, measures to 1e-12, on deterministic
  and random inputs, three norms, fixed thresholds and fixed recurrence rates;
- small matrices counted by hand (both conventions), and the RecurrenceAnalysis.jl
  test matrix with the numbers published in its test suite;
- the O(N)-memory kernel against a plain numpy count on the explicit matrix;
- N = 50 000 with exact expected numbers and a bound on the memory used;
- bad input.

pyunicorn stores the time series as float32 (then embeds in float64), so every
input given to both libraries is rounded to float32 first.
"""

import math
import tracemalloc

import numpy as np
import pytest
from pyunicorn.timeseries import CrossRecurrencePlot, RecurrencePlot

import solvers
from solvers.diagnostics import recurrence as rq

PYU_METRIC = {"euclidean": "euclidean", "maximum": "supremum", "manhattan": "manhattan"}


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def delay_embed(s, dim, tau):
    n = s.size - (dim - 1) * tau
    return np.column_stack([s[k * tau : k * tau + n] for k in range(dim)])


def _lorenz():
    s = solvers.simulate("lorenz", preset="classic", t_end=40.0, samples=801)["x"]
    return f32(delay_embed(s[400:], 3, 4))  # 393 states, after the transient


def _logistic():
    x = np.empty(402)
    x[0] = 0.3
    for i in range(401):
        x[i + 1] = 4.0 * x[i] * (1.0 - x[i])
    return f32(delay_embed(x[100:], 2, 1))  # 301 states


def _uniform():
    return f32(np.random.default_rng(11).random((300, 2)))


def _noisy_sine():
    t = np.arange(350)
    return f32(np.sin(2 * np.pi * t / 23.0) + 0.2 * np.random.default_rng(5).standard_normal(350))


INPUTS = {"lorenz": _lorenz, "logistic": _logistic, "uniform": _uniform, "noisy_sine": _noisy_sine}
# fixed thresholds per input, in units of the data (the middle of the range of useful values)
EPS = {"lorenz": 3.0, "logistic": 0.08, "uniform": 0.1, "noisy_sine": 0.25}


def pyunicorn_measures(rp, lmin, vmin):
    return {
        "RR": rp.recurrence_rate(),
        "DET": rp.determinism(lmin),
        "L": rp.average_diaglength(lmin),
        "Lmax": rp.max_diaglength(),
        "ENTR": rp.diag_entropy(lmin),
        "LAM": rp.laminarity(vmin),
        "TT": rp.trapping_time(vmin),
        "Vmax": rp.max_vertlength(),
        "VENTR": rp.vert_entropy(vmin),
    }


@pytest.mark.parametrize("name", sorted(INPUTS))
@pytest.mark.parametrize("metric", sorted(PYU_METRIC))
@pytest.mark.parametrize("threshold", ["eps", "eps/2", "rr=0.05", "rr=0.12"])
def test_equal_to_pyunicorn(name, metric, threshold):
    x = INPUTS[name]()
    if threshold.startswith("eps"):
        eps = EPS[name] / (2 if threshold == "eps/2" else 1)
        ours_kw, pyu_kw = {"eps": eps}, {"threshold": eps}
    else:
        q = float(threshold[3:])
        ours_kw, pyu_kw = {"recurrence_rate": q}, {"recurrence_rate": q}
    rp = RecurrencePlot(x, metric=PYU_METRIC[metric], silence_level=2, **pyu_kw)

    R = rq.recurrence_matrix(x, metric=metric, **ours_kw)
    assert np.array_equal(R, rp.recurrence_matrix().astype(bool))

    h = rq.line_histograms(x, metric=metric, **ours_kw)
    assert np.array_equal(h["diagonal"][1:], rp.diagline_dist())
    assert np.array_equal(h["vertical"][1:], rp.vertline_dist())
    assert h["diagonal"][2:].sum() > 0 and h["vertical"][2:].sum() > 0  # lines ≥ 2 to count

    for lmin, vmin in ((2, 2), (3, 4)):
        ours = rq.rqa(x, metric=metric, lmin=lmin, vmin=vmin, **ours_kw)
        ref = pyunicorn_measures(rp, lmin, vmin)
        for key, value in ref.items():
            assert ours[key] == pytest.approx(value, rel=1e-12, abs=0), (key, ours[key], value)
        assert ours["DIV"] == 1.0 / ours["Lmax"]


@pytest.mark.parametrize("metric", sorted(PYU_METRIC))
def test_cross_recurrence_equal_to_pyunicorn(metric):
    rng = np.random.default_rng(8)
    x = f32(rng.standard_normal((220, 2)).cumsum(axis=0) * 0.2)
    y = f32(rng.standard_normal((170, 2)).cumsum(axis=0) * 0.2)
    for ours_kw, pyu_kw in (({"eps": 1.0}, {"threshold": 1.0}), ({"recurrence_rate": 0.07}, {"recurrence_rate": 0.07})):
        crp = CrossRecurrencePlot(x, y, metric=PYU_METRIC[metric], silence_level=2, **pyu_kw)
        CR = rq.cross_recurrence_matrix(x, y, metric=metric, **ours_kw)
        assert CR.shape == (220, 170)
        assert np.array_equal(CR, crp.recurrence_matrix().astype(bool))
        assert 0.01 < CR.mean() < 0.3


def test_threshold_selection_beyond_one_pass():
    """N = 1800: 1.6·10⁶ pairs, more than one collection holds, so the sampled
    bracket and the histogram passes run.  Equal to pyunicorn's rule on its own
    distance matrix, and to numpy's type-7 quantile (RecurrenceAnalysis.jl's)."""
    x = f32(np.random.default_rng(21).random((1800, 2)))
    for metric in ("euclidean", "maximum"):
        rp = RecurrencePlot(x, metric=PYU_METRIC[metric], silence_level=2, threshold=0.1)
        D = rp.distance_matrix(PYU_METRIC[metric])
        for q in (0.003, 0.05, 0.3):
            eps = rq.recurrence_threshold(x, q, metric=metric)
            assert eps == RecurrencePlot.threshold_from_recurrence_rate(D, q)
            eps_jl = rq.recurrence_threshold(x, q, metric=metric, convention="rqa.jl")
            assert eps_jl == pytest.approx(np.quantile(D.ravel(), q), rel=1e-14)


def test_threshold_selection_with_ties_and_cross():
    """Integer data: a handful of distinct distances with huge multiplicities
    (the selection ends on a single repeated value); and a cross-recurrence
    rate over 1.2·10⁶ pairs.  Against sorting all entries."""
    rng = np.random.default_rng(4)
    x = rng.integers(0, 4, (1700, 2)).astype(float)
    i, j = np.triu_indices(1700, 1)
    upper = np.abs(x[i] - x[j]).sum(axis=1)
    full = np.sort(np.concatenate([np.zeros(1700), upper, upper]))
    for q in (0.01, 0.2, 0.5, 0.9):
        assert rq.recurrence_threshold(x, q, metric="manhattan") == full[int(q * (full.size - 1))]
    x = np.zeros((1500, 1))  # two thirds identical states: the zero distance fills low quantiles
    x[1000:, 0] = rng.random(500)
    i, j = np.triu_indices(1500, 1)
    upper = np.abs(x[i, 0] - x[j, 0])
    full = np.sort(np.concatenate([np.zeros(1500), upper, upper]))
    for q in (0.2, 0.5, 0.7):
        assert rq.recurrence_threshold(x, q) == full[int(q * (full.size - 1))]
    x = rng.random((1200, 3))
    y = rng.random((1000, 3))
    d = np.sqrt(((x[:, None, :] - y[None, :, :]) ** 2).sum(axis=2)).ravel()
    d.sort()
    for q in (0.02, 0.4):
        got = rq.recurrence_threshold(x, q, y=y)
        assert got == pytest.approx(d[int(q * (d.size - 1))], rel=1e-15)


# --------------------------------------------------------------------------
# RecurrenceAnalysis.jl: its test matrix (test/smallmatrix.jl) and published numbers

JL_CELLS = [(1, 1), (2, 2), (3, 2), (6, 2), (7, 2), (8, 2), (6, 3), (7, 3), (10, 3), (2, 4), (4, 4)]
JL_CELLS += [(1, 5), (2, 5), (3, 5), (5, 5), (9, 5), (10, 5), (2, 6), (3, 6), (6, 6), (7, 6), (10, 6)]
JL_CELLS += [(3, 7), (8, 7), (4, 8), (1, 9), (5, 9), (7, 9), (9, 9), (9, 10), (10, 10), (3, 11), (7, 11)]


def jl_matrix():
    R = np.zeros((10, 11), dtype=bool)
    for i, j in JL_CELLS:
        R[i - 1, j - 1] = True  # 1-based (row, column)
    return R


def test_rqajl_published_histograms():
    R = jl_matrix()
    dh, vh = rq._matrix_histograms(R, 0, 0)
    assert np.trim_zeros(dh[1:], "b").tolist() == [11, 7, 1, 0, 1]
    assert np.trim_zeros(vh[1:], "b").tolist() == [15, 6, 2]
    dh, vh = rq._matrix_histograms(R, 2, 2)
    assert np.trim_zeros(dh[1:], "b").tolist() == [9, 4, 0, 0, 1]
    assert np.trim_zeros(vh[1:], "b").tolist() == [10, 3, 2]


@pytest.mark.parametrize(
    ("theiler", "lmin", "expected"),
    [
        (0, 1, {"RR": 33 / 110, "DET": 1.0, "L": 33 / 20, "ENTR": 0.996, "LAM": 1.0, "TT": 33 / 23}),
        (2, 1, {"RR": 22 / 110, "DET": 1.0, "L": 22 / 14, "ENTR": 0.830, "LAM": 1.0, "TT": 22 / 15}),
        (0, 2, {"RR": 33 / 110, "DET": 22 / 33, "L": 22 / 9, "ENTR": 0.684, "LAM": 18 / 33, "TT": 18 / 8}),
        (2, 2, {"RR": 22 / 110, "DET": 13 / 22, "L": 13 / 5, "ENTR": 0.500, "LAM": 12 / 22, "TT": 12 / 5}),
    ],
)
def test_rqajl_published_measures(theiler, lmin, expected):
    """RecurrenceAnalysis.jl's test suite: rqa(CrossRecurrenceMatrix, theiler, lmin)."""
    r = rq.rqa_from_matrix(jl_matrix(), theiler=theiler, lmin=lmin, vmin=lmin, convention="rqa.jl", cross=True)
    assert r["Lmax"] == 5 and r["DIV"] == 0.2 and r["Vmax"] == 3
    for key, value in expected.items():
        if key == "ENTR":  # published to three decimals
            assert r[key] == pytest.approx(value, abs=1e-3)
        else:
            assert r[key] == pytest.approx(value, rel=1e-15)
    # ENTR exactly: the entropy of the published histogram restricted to l ≥ lmin
    hist = np.array([11, 7, 1, 0, 1] if theiler == 0 else [9, 4, 0, 0, 1], float)[lmin - 1 :]
    p = hist[hist > 0] / hist.sum()
    assert r["ENTR"] == pytest.approx(-(p * np.log(p)).sum(), rel=1e-14)


# --------------------------------------------------------------------------
# Hand-counted recurrence plots


def test_hand_counted_two_levels_both_conventions():
    """x = 0 0 0 5 5 5 0 0 0, eps = 1: R_ij = 1 iff x_i = x_j (two 3×3 and one
    6×6 block pattern).  Counted by hand on the upper triangle (i < j):
    k=1: 1 1 0 1 1 0 1 1 → lines 2, 2, 2;  k=2: 1 0 0 1 0 0 1 → 1, 1, 1;
    k=3: none;  k=4: 0 0 1 0 0 → 1;  k=5: 0 1 1 0 → 2;  k=6: 1 1 1 → 3;
    k=7: 1 1 → 2;  k=8: 1 → 1.  Both triangles: P(1) = 10, P(2) = 10, P(3) = 2
    (Σ l P = 36 = the 36 off-diagonal recurrences; 45 with the LOI)."""
    x = np.array([0, 0, 0, 5, 5, 5, 0, 0, 0], float)
    entr = -(5 / 6 * math.log(5 / 6) + 1 / 6 * math.log(1 / 6))
    h = rq.line_histograms(x, eps=1.0)
    assert h["diagonal"][1:4].tolist() == [10, 10, 2] and h["diagonal"][4:].sum() == 0
    # pyunicorn: whole columns; the A columns (x = 0) hold two runs of 3, the B columns one
    assert h["vertical"][3] == 15 and h["vertical"].sum() == 15
    g = rq.PYUNICORN_GUARD
    r = rq.rqa(x, eps=1.0)
    assert r["RR"] == 45 / 81
    assert r["DET"] == 26 / (36 + g) and r["L"] == 26 / (12 + g) and r["Lmax"] == 3 and r["DIV"] == 1 / 3
    assert r["ENTR"] == pytest.approx(entr, rel=1e-8)
    assert r["LAM"] == 45 / (45 + g) and r["TT"] == 45 / (15 + g) and r["Vmax"] == 3
    assert r["VENTR"] == pytest.approx(0.0, abs=1e-9)  # one length only (pyunicorn's guard leaves ~7e-10)
    # rqa.jl, Theiler window 1: the LOI leaves RR and the columns.  Column 0:
    # rows 1-2 and 6-8 (2, 3); column 1: rows 0 | 2 and 6-8 (1, 1, 3); column 2:
    # rows 0-1 and 6-8 (2, 3); columns 6-8 likewise; column 3: rows 4-5 (2);
    # column 4: 3 | 5 (1, 1); column 5: 3-4 (2).  P(1) = 6, P(2) = 6, P(3) = 6.
    r = rq.rqa(x, eps=1.0, convention="rqa.jl")
    assert r["RR"] == 36 / (8 * 9)  # 36 points outside the window over (N − 1) N entries
    assert r["DET"] == 26 / 36 and r["L"] == 13 / 6 and r["Lmax"] == 3
    assert r["ENTR"] == pytest.approx(entr, rel=1e-14)
    assert r["LAM"] == 30 / 36 and r["TT"] == 2.5 and r["Vmax"] == 3
    assert r["VENTR"] == pytest.approx(math.log(2), rel=1e-14)


@pytest.mark.parametrize("n", [6, 40])
def test_hand_counted_tridiagonal(n):
    """x = 0, 1, …, N−1: with ‖·‖ ≤ 1 (rqa.jl, eps = 1) or < 1.5 (pyunicorn) the
    recurrences are the LOI and the two neighbouring diagonals."""
    x = np.arange(n, dtype=float)
    r = rq.rqa(x, eps=1.0, convention="rqa.jl")
    # Theiler window 1: two lines of length N − 1; columns hold rows j ± 1 only
    assert r["RR"] == 2 * (n - 1) / (n * (n - 1))
    assert (r["DET"], r["L"], r["Lmax"], r["DIV"], r["ENTR"]) == (1.0, n - 1, n - 1, 1 / (n - 1), 0.0)
    assert (r["LAM"], r["TT"], r["Vmax"]) == (0.0, 0.0, 0) and math.isnan(r["VENTR"])
    # Theiler window 2 removes every recurrence: the empty-histogram rules
    r = rq.rqa(x, eps=1.0, theiler=2, convention="rqa.jl")
    assert (r["RR"], r["DET"], r["L"], r["Lmax"], r["LAM"], r["TT"], r["Vmax"]) == (0.0, 0.0, 0.0, 0, 0.0, 0.0, 0)
    assert r["DIV"] == math.inf and math.isnan(r["ENTR"]) and math.isnan(r["VENTR"])
    # pyunicorn: strict "<" (eps = 1 would leave the LOI only); whole columns:
    # two end columns with a run of 2, N − 2 with a run of 3
    assert rq.rqa(x, eps=1.0)["RR"] == 1 / n
    r = rq.rqa(x, eps=1.5)
    g = rq.PYUNICORN_GUARD
    assert r["RR"] == (3 * n - 2) / n**2
    assert r["DET"] == 2 * (n - 1) / (2 * (n - 1) + g) and r["Lmax"] == n - 1
    assert r["LAM"] == (3 * n - 2) / (3 * n - 2 + g) and r["TT"] == (3 * n - 2) / (n + g) and r["Vmax"] == 3
    p = np.array([2, n - 2]) / (n + g)
    assert r["VENTR"] == pytest.approx(-(p * np.log(p)).sum(), rel=1e-14)
    # theiler = 0 adds the LOI as one diagonal line of length N
    assert rq.line_histograms(x, eps=1.5, theiler=0)["diagonal"][n] == 1
    assert rq.rqa(x, eps=1.5, theiler=0)["Lmax"] == n


def test_hand_counted_period_three():
    """x = 0 1 2 0 1 2 0 1 2: recurrences on the diagonals ±3 (length 6) and ±6
    (length 3); columns hold points 3 apart (no vertical lines)."""
    x = np.tile([0.0, 1.0, 2.0], 3)
    r = rq.rqa(x, eps=0.5, convention="rqa.jl")
    assert r["RR"] == 18 / 72 and r["DET"] == 1.0 and r["L"] == 4.5 and r["Lmax"] == 6
    assert r["ENTR"] == pytest.approx(math.log(2), rel=1e-15)
    assert r["LAM"] == 0.0 and r["Vmax"] == 0
    r = rq.rqa(x, eps=0.5, theiler=4, convention="rqa.jl")  # only the diagonals ±6 remain
    assert r["RR"] == 6 / (5 * 6) and r["L"] == 3.0 and r["ENTR"] == 0.0
    r = rq.rqa(x, eps=0.5)  # pyunicorn
    assert r["RR"] == 27 / 81 and r["Lmax"] == 6 and r["Vmax"] == 1 and r["LAM"] == 0.0


def test_empty_plot_pyunicorn_rules():
    r = rq.rqa(np.arange(5.0), eps=0.0)  # "< 0": nothing recurs, not even the LOI
    assert (r["RR"], r["DET"], r["L"], r["Lmax"], r["ENTR"], r["LAM"], r["TT"], r["Vmax"]) == (0, 0, 0, 0, 0, 0, 0, 0)
    assert math.isnan(r["DIV"])


# --------------------------------------------------------------------------
# The streaming kernel against a plain count on the explicit matrix


@pytest.mark.parametrize("convention", rq.CONVENTIONS)
@pytest.mark.parametrize("metric", ["euclidean", "maximum", "manhattan"])
def test_streaming_equals_explicit_matrix(convention, metric):
    x = np.random.default_rng(7).standard_normal((260, 3)).cumsum(axis=0)
    eps = {"euclidean": 2.5, "maximum": 2.0, "manhattan": 4.0}[metric]
    R = rq.recurrence_matrix(x, eps=eps, metric=metric, convention=convention)
    assert 0.02 < R.mean() < 0.3
    for theiler in (0, 1, 4):
        for lmin, vmin in ((1, 1), (2, 2), (3, 5)):
            ours = rq.rqa(x, eps=eps, metric=metric, theiler=theiler, lmin=lmin, vmin=vmin, convention=convention)
            ref = rq.rqa_from_matrix(R, theiler=theiler, lmin=lmin, vmin=vmin, convention=convention)
            for key in rq.MEASURES:
                assert ours[key] == pytest.approx(ref[key], rel=1e-14, nan_ok=True), (theiler, lmin, key)


def test_recurrence_matrix_theiler_and_rqajl_rate():
    x = np.random.default_rng(2).random((120, 2))
    R = rq.recurrence_matrix(x, recurrence_rate=0.1, theiler=3, convention="rqa.jl")
    i, j = np.indices(R.shape)
    assert not R[np.abs(i - j) < 3].any()
    D = np.sqrt(((x[:, None] - x[None]) ** 2).sum(axis=2))
    eps = np.quantile(D.ravel(), 0.1)  # type 7, over all N² entries
    assert np.array_equal(R, (D <= eps) & (np.abs(i - j) >= 3))
    assert rq.recurrence_matrix(x, recurrence_rate=0.1, convention="rqa.jl").mean() == pytest.approx(0.1, abs=2e-4)


# --------------------------------------------------------------------------
# Windowed RQA and the display image


def test_windowed_rqa_equals_rqa_on_each_window():
    x = np.random.default_rng(3).standard_normal((503, 2)).cumsum(axis=0)
    out = rq.windowed_rqa(x, 200, 50, eps=2.0, theiler=3)
    assert out["start"].tolist() == [0, 50, 100, 150, 200, 250, 300]
    assert out["center"][0] == 99.5
    for k, s in enumerate(out["start"]):
        r = rq.rqa(x[s : s + 200], eps=2.0, theiler=3)
        for key in rq.MEASURES:
            assert out[key][k] == pytest.approx(r[key], rel=1e-15, nan_ok=True)
    out = rq.windowed_rqa(x, 200, 100, recurrence_rate=0.05)  # a threshold per window
    for k, s in enumerate(out["start"]):
        assert out["eps"][k] == rq.recurrence_threshold(x[s : s + 200], 0.05)
    assert np.all(out["RR"] <= 0.05) and np.all(out["RR"] > 0.045)


def test_recurrence_image_is_block_density():
    x = np.random.default_rng(3).standard_normal((503, 2)).cumsum(axis=0)
    R = rq.recurrence_matrix(x, eps=2.0)
    img = rq.recurrence_image(x, size=10, eps=2.0)
    block = np.arange(503) * 10 // 503
    ref = np.array([[R[np.ix_(block == a, block == b)].mean() for b in range(10)] for a in range(10)])
    assert img.shape == (10, 10)
    assert np.allclose(img, ref, rtol=1e-15, atol=0)
    assert np.array_equal(rq.recurrence_image(x, size=4096, eps=2.0), R.astype(float))  # size ≥ N: the matrix


# --------------------------------------------------------------------------
# Large N: O(N) memory


def test_fifty_thousand_states_exact_and_in_bounded_memory():
    """x_i = ⌊i / 5⌋ mod 20 (blocks of 5 equal values, period 100), N = 50 000,
    eps = 0.5: R_ij = 1 iff ⌊i/5⌋ ≡ ⌊j/5⌋ (mod 20).  RR = 1/20 exactly; every
    column holds N/100 runs of 5 rows (pyunicorn: whole columns); the diagonals
    k = 100 m are fully recurrent (lines of length N − k); every recurrence off
    the LOI lies on exactly one diagonal line.  The explicit matrix would be
    2.5 GB; the traced allocations stay below 8 MB."""
    n = 50_000
    x = ((np.arange(n) // 5) % 20).astype(float)
    tracemalloc.start()
    try:
        h = rq.line_histograms(x, eps=0.5)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20
    points = n * n // 20
    assert h["recurrences"] == points
    assert h["vertical"][5] == n * (n // 100) and h["vertical"].sum() == h["vertical"][5]
    dh = h["diagonal"]
    assert int(np.arange(n + 1) @ dh) == points - n
    # on the other diagonals the runs are at most 4 long (k = 100 m + r: runs of
    # 5 − r mod 5 or r mod 5), so from length 5 on only the full diagonals count
    expected = np.zeros(n + 1, np.int64)
    expected[n - 100 * np.arange(1, n // 100)] = 2
    assert np.array_equal(dh[5:], expected[5:])


# --------------------------------------------------------------------------
# Bad input and the numba rules


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: rq.rqa(np.arange(10.0)), "eps, recurrence_rate"),
        (lambda: rq.rqa(np.arange(10.0), eps=1.0, recurrence_rate=0.1), "eps, recurrence_rate"),
        (lambda: rq.rqa(np.arange(10.0), eps=-1.0), "eps: -1.0"),
        (lambda: rq.rqa(np.arange(10.0), eps=math.inf), "eps: inf"),
        (lambda: rq.rqa(np.arange(10.0), recurrence_rate=0.0), "recurrence_rate: 0.0"),
        (lambda: rq.rqa(np.arange(10.0), recurrence_rate=1.5), "recurrence_rate: 1.5"),
        (lambda: rq.rqa(np.arange(10.0), eps=1.0, metric="cosine"), "metric: 'cosine'"),
        (lambda: rq.rqa(np.arange(10.0), eps=1.0, convention="pyrqa"), "convention: 'pyrqa'"),
        (lambda: rq.rqa(np.arange(10.0), eps=1.0, theiler=10), "theiler: 10"),
        (lambda: rq.rqa(np.arange(10.0), eps=1.0, theiler=-1), "theiler: -1"),
        (lambda: rq.rqa(np.arange(10.0), eps=1.0, theiler=1.5), "theiler: expected an integer"),
        (lambda: rq.rqa(np.arange(10.0), eps=1.0, lmin=0), "lmin: 0"),
        (lambda: rq.rqa(np.arange(10.0), eps=1.0, vmin=True), "vmin: expected an integer"),
        (lambda: rq.rqa([1.0], eps=1.0), "x: need at least 2 states"),
        (lambda: rq.rqa(np.zeros((3, 2, 2)), eps=1.0), "x: expected shape"),
        (lambda: rq.rqa([0.0, np.nan, 1.0], eps=1.0), "x: all values must be finite; state 1"),
        (lambda: rq.rqa([1 + 1j, 2.0], eps=1.0), "x: expected real numbers"),
        (lambda: rq.rqa(["a", "b"], eps=1.0), "x: expected real numbers"),
        (lambda: rq.rqa([1e200, -1e200, 0.0], eps=1.0), "x: the values are so large"),
        (lambda: rq.cross_recurrence_matrix(np.zeros((5, 2)), np.zeros((5, 3)), eps=1.0), "y: its states"),
        (lambda: rq.recurrence_matrix(np.zeros(20_000), eps=1.0), "use rqa"),
        (lambda: rq.windowed_rqa(np.arange(10.0), 11, 1, eps=1.0), "window: 11"),
        (lambda: rq.windowed_rqa(np.arange(10.0), 5, 0, eps=1.0), "step: 0"),
        (lambda: rq.recurrence_image(np.arange(10.0), size=0, eps=1.0), "size: 0"),
        (lambda: rq.rqa_from_matrix(np.ones((3, 4), bool)), "must be square"),
        (lambda: rq.rqa_from_matrix(np.full((3, 3), 2)), "R: entries must be 0/1"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_kernels_follow_the_numba_rules():
    x = np.arange(6.0)
    rq.rqa(x, eps=1.0)
    rq.recurrence_matrix(x, recurrence_rate=0.5)
    rq.cross_recurrence_matrix(x, x, eps=1.0)
    rq.recurrence_image(x, size=2, eps=1.0)
    rq.recurrence_threshold(np.random.default_rng(0).random(1500), 0.1)  # bin and collect passes
    kernels = (rq._row_values, rq._scan, rq._select_pass, rq._sample_values, rq._fill_matrix, rq._image_counts)
    for fn in kernels:
        opts = fn.targetoptions
        assert opts.get("nogil") is True and not opts.get("fastmath"), fn
        assert type(fn._cache).__name__ != "NullCache", fn
