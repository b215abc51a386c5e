"""Ordinal patterns: permutation entropy, statistical complexity, the
complexity–entropy plane and the choice of the spacing.

Conventions (REFERENCES §10)
----------------------------
- A window of ``order`` = d samples spaced ``delay`` = τ apart starts at
  every sample, s = 0 … M − 1 with M = N − (d − 1)τ (overlapping windows):
  w = (x_s, x_{s+τ}, …, x_{s+(d−1)τ}).
- Its ordinal pattern is the permutation π that sorts it, π = argsort(w),
  ties broken by a *stable* sort (the earlier sample counts as the smaller),
  as ``numpy.argsort(kind="stable")`` and ordpy do.  A constant window is the
  identity pattern (0, 1, …, d − 1).
- Patterns are numbered by their Lehmer code, which is the rank of π among
  all d! permutations in lexicographic order (code 0 = (0, 1, …, d−1),
  code d! − 1 = (d−1, …, 1, 0)).  Probabilities are pattern counts over M.
- Permutation entropy is normalised: H = S / ln d!, S = −Σ p ln p
  (Bandt & Pompe, Phys. Rev. Lett. 88, 174102, 2002).  The weighted variant
  weighs each window by the variance of its d values (Fadlallah, Chen, Keil
  & Príncipe, Phys. Rev. E 87, 022911, 2013).
- Statistical complexity is the Jensen–Shannon complexity
  C = Q_J[P, P_e] · H, Q_J = J[P, P_e] / J_max, J = S((P + P_e)/2) − S(P)/2 −
  S(P_e)/2 with P_e uniform over all d! patterns, missing (zero-probability)
  patterns included in the mixture (Rosso, Larrondo, Martin, Plastino &
  Fuentes, Phys. Rev. Lett. 99, 154102, 2007).  For the logistic map at
  r = 4, d = 3 the exact distribution {1/3, 1/15, 4/15, 2/15, 1/5, 0}
  (in code order 0 … 5: 1/3, 1/15, 2/15, 1/5, 4/15, 0) gives
  H = 0.8314454838586238, C = 0.16576716623440763.
- The complexity–entropy plane is bounded by the maximum- and
  minimum-complexity curves of Martin, Plastino & Rosso, Physica A 369, 439
  (2006), computed here exactly for any order.

Iid noise and the finite-sample bias
------------------------------------
For iid noise (any continuous distribution) every pattern has p = 1/d!, but the plug-in estimate from M
windows is biased low.  To first order, E[S] = ln d! − B_d/(2M): for
independent draws B_d would be the multinomial d! − 1, but overlapping
windows are correlated and B_d = d! − 1 + 2 Σ_{k=1}^{d−1} (d! q_k − 1), where
q_k is the probability that two windows k samples apart have the same
pattern.  Counting orderings gives B_2 = 1/3, B_3 = 17/5, B_4 = 711/35
(= 20.31…), so E[H] ≈ 1 − B_d / (2 M ln d!) (a delay τ changes nothing:
windows then overlap only at multiples of τ).  ``tests/test_ordinal.py``
derives these by enumeration and checks them by Monte Carlo.

Choice of the spacing: the PECCARY rule
---------------------------------------
The pattern time is t_pat = τ · dt · (d − 1); the PECCARY method
(Hyman, Daniel & Schaffner, Astrophys. J. 987, 195, 2025, arXiv:2407.11970)
chooses the spacing τ so that t_pat lies between 0.3 and 0.5 of the series'
natural time scale (REFERENCES §10), estimated by :func:`natural_time_scale`;
:func:`peccary_delays` returns the allowed spacings and
:func:`complexity_entropy_curve` the H–C curves over the spacing.

Speed: entropies count patterns in one nogil numba pass with d − 1
comparisons per window (each window's code is updated from the previous one
along the chain s, s + τ, …; no sorting, no N × d array; memory: d! counts
up to d = 9, one int64 code per window beyond):
N = 10⁶ takes about 10 ms at d = 3–5 (benchmarks/ in docs/benchmarks.md).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..integrators.kernel_types import jit
from .entropy import check_probability

MAX_ORDER = 20  # 20! < 2⁶³: the Lehmer code fits an int64
DENSE_MAX_ORDER = 9  # count into a d!-array up to 9! = 362 880 entries; sort the codes beyond
FULL_DISTRIBUTION_MAX_ORDER = 10  # ordinal_distribution() returns all d! probabilities (10! ≈ 3.6e6)
PECCARY_FRACTION = (0.3, 0.5)

__all__ = [
    "code_to_pattern",
    "complexity_bound_curves",
    "complexity_bounds",
    "complexity_entropy_curve",
    "jensen_shannon_complexity",
    "natural_time_scale",
    "ordinal_distribution",
    "pattern_codes",
    "pattern_time",
    "peccary_delays",
    "permutation_entropy",
    "statistical_complexity",
]


# ---------------------------------------------------------------------------
# numba kernels


@jit
def _window_code(x, start, order, delay, w, fact):
    """Lehmer code of the stable argsort of x[start :: delay][:order].

    For sample b of the window, rank_b = #{j < b: w_j ≤ w_b} + #{j > b: w_j < w_b}
    is its place in the stable sort, and inv_b = #{a < b: w_a > w_b} = b − #{j < b: w_j ≤ w_b}
    counts the samples that come after it in the sort although they are earlier in
    time — the Lehmer digit of sorted position rank_b.  So code = Σ_b inv_b · (d−1−rank_b)!.
    """
    for k in range(order):
        w[k] = x[start + k * delay]
    code = 0
    for b in range(order):
        wb = w[b]
        le = 0
        for j in range(b):
            if w[j] <= wb:
                le += 1
        lt = 0
        for j in range(b + 1, order):
            if w[j] < wb:
                lt += 1
        code += (b - le) * fact[order - 1 - le - lt]
    return code


@jit
def _lex_codes(x, order, delay, fact, codes, weights, weighted):
    """codes[s] = lexicographic code of window s (O(d²) per window); weights[s] = its variance."""
    m = x.size - (order - 1) * delay
    w = np.empty(order)
    for s in range(m):
        codes[s] = _window_code(x, s, order, delay, w, fact)
        if weighted:
            weights[s] = _window_variance(x, s, order, delay)


@jit
def _window_variance(x, start, order, delay):
    mean = 0.0
    for k in range(order):
        mean += x[start + k * delay]
    mean /= order
    var = 0.0
    for k in range(order):
        dev = x[start + k * delay] - mean
        var += dev * dev
    return var / order


@jit
def _scan(x, order, delay, fact, dense, weighted, counts, sums, codes, weights):
    """One pass over all windows in O(d) per window.

    Windows are numbered here by K = Σ_b a_b (d−1−b)!, a_b = #{j > b: w_j < w_b}:
    the Lehmer code of the *rank vector* (the inverse of the stable argsort π), a
    bijection of the patterns — so the multiset of counts, and every entropy, is
    the same as with π's lexicographic code, but the next window along a chain
    s, s + τ, s + 2τ, … needs only d − 1 comparisons with the entering sample:
    a'_b = a_{b+1} + [x_new < w_{b+1}].

    dense: counts[K] += 1 (or sums[K] += variance if weighted);
    otherwise codes[s] = K (and weights[s] = variance if weighted).
    """
    m = x.size - (order - 1) * delay
    top = order - 1
    a = np.zeros(order, dtype=np.int64)  # a[top] stays 0
    for r in range(min(delay, m)):
        s = r
        k = 0
        for b in range(top):
            xb = x[s + b * delay]
            c = 0
            for j in range(b + 1, order):
                if x[s + j * delay] < xb:
                    c += 1
            a[b] = c
            k += c * fact[top - b]
        while True:
            if dense:
                if weighted:
                    sums[k] += _window_variance(x, s, order, delay)
                else:
                    counts[k] += 1
            else:
                codes[s] = k
                if weighted:
                    weights[s] = _window_variance(x, s, order, delay)
            s += delay
            if s >= m:
                break
            new = x[s + top * delay]
            k = 0
            for b in range(top):
                v = a[b + 1]
                if new < x[s + b * delay]:
                    v += 1
                a[b] = v
                k += v * fact[top - b]


# ---------------------------------------------------------------------------
# validation


def _integer(name: str, value, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low or (high and value > high):
        allowed = f"an integer ≥ {low}" if high is None else f"an integer in [{low}, {high}]"
        raise ValueError(f"{name}: {value!r} is not allowed; expected {allowed}")
    return int(value)


def _series(x) -> np.ndarray:
    a = np.asarray(x)
    if a.ndim != 1:
        raise ValueError(f"x: shape {a.shape} is not allowed; expected a 1-D series")
    if not (np.issubdtype(a.dtype, np.floating) or np.issubdtype(a.dtype, np.integer)):
        raise ValueError(f"x: dtype {a.dtype} is not allowed; expected real numbers")
    a = np.ascontiguousarray(a, dtype=np.float64)
    if not np.all(np.isfinite(a)):
        raise ValueError("x: contains NaN or inf; expected a finite series")
    return a


def _prepare(x, order, delay):
    order = _integer("order", order, 2, MAX_ORDER)
    delay = _integer("delay", delay, 1)
    a = _series(x)
    if a.size - (order - 1) * delay < 1:
        raise ValueError(
            f"x: {a.size} samples are too few for order={order}, delay={delay}; "
            f"a window spans (order − 1)·delay + 1 = {(order - 1) * delay + 1} samples"
        )
    return a, order, delay


def _factorials(order: int) -> np.ndarray:
    return np.array([math.factorial(k) for k in range(order + 1)], dtype=np.int64)


def _present(a: np.ndarray, order: int, delay: int, weighted: bool) -> np.ndarray:
    """Counts (or summed weights) of the patterns that occur, as float64 (zeros dropped; any order)."""
    fact = _factorials(order)
    empty_i, empty_f = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
    if order <= DENSE_MAX_ORDER:
        counts = np.zeros(0 if weighted else fact[order], dtype=np.int64)
        sums = np.zeros(fact[order] if weighted else 0, dtype=np.float64)
        _scan(a, order, delay, fact, True, weighted, counts, sums, empty_i, empty_f)
        if not weighted:
            sums = counts.astype(np.float64)
        return sums[sums > 0]
    m = a.size - (order - 1) * delay
    codes = np.empty(m, dtype=np.int64)
    weights = np.empty(m if weighted else 0, dtype=np.float64)
    _scan(a, order, delay, fact, False, weighted, empty_i, empty_f, codes, weights)
    if not weighted:
        _, counts = np.unique(codes, return_counts=True)
        return counts.astype(np.float64)
    _, inverse = np.unique(codes, return_inverse=True)
    sums = np.bincount(inverse, weights=weights)
    return sums[sums > 0]


def _probabilities(a, order, delay, weighted) -> np.ndarray:
    sums = _present(a, order, delay, weighted)
    total = sums.sum()
    if not total > 0:
        raise ValueError(
            "x: every window is constant, so all variance weights are 0 and the weighted distribution "
            "is undefined; use weighted=False"
        )
    return sums / total


# ---------------------------------------------------------------------------
# patterns and distributions


def pattern_codes(x, order: int, delay: int = 1) -> np.ndarray:
    """The ordinal pattern of every window, as its Lehmer code (int64, length N − (d−1)τ).

    Code c of window s is the lexicographic rank of the stable argsort of
    (x_s, x_{s+τ}, …, x_{s+(d−1)τ}) among the d! permutations; decode it with
    :func:`code_to_pattern`.  ``order`` d ∈ [2, 20], ``delay`` τ ≥ 1 (in samples).
    Reference: C. Bandt & B. Pompe, Phys. Rev. Lett. 88, 174102 (2002).
    """
    a, order, delay = _prepare(x, order, delay)
    m = a.size - (order - 1) * delay
    codes = np.empty(m, dtype=np.int64)
    _lex_codes(a, order, delay, _factorials(order), codes, np.empty(0), False)
    return codes


def code_to_pattern(codes, order: int) -> np.ndarray:
    """Decode Lehmer codes into permutations: shape ``codes.shape + (order,)``.

    The inverse of the numbering used by :func:`pattern_codes`: the pattern
    is the argsort of the window (π_0 is the index of the smallest sample).
    """
    order = _integer("order", order, 2, MAX_ORDER)
    c = np.asarray(codes)
    if not np.issubdtype(c.dtype, np.integer):
        raise ValueError(f"codes: dtype {c.dtype} is not allowed; expected integers")
    n = math.factorial(order)
    if c.size and (c.min() < 0 or c.max() >= n):
        raise ValueError(f"codes: values must lie in [0, {order}! − 1 = {n - 1}]")
    rest = c.astype(np.int64).ravel().copy()
    avail = np.tile(np.arange(order, dtype=np.int64), (rest.size, 1))
    out = np.empty((rest.size, order), dtype=np.int64)
    rows = np.arange(rest.size)
    for i in range(order):
        f = math.factorial(order - 1 - i)
        digit = rest // f
        rest -= digit * f
        out[:, i] = avail[rows, digit]
        # remove the used symbol: shift the remaining ones left
        keep = np.ones_like(avail, dtype=bool)
        keep[rows, digit] = False
        avail = avail[keep].reshape(rest.size, order - 1 - i)
    return out.reshape((*c.shape, order))


def ordinal_distribution(x, order: int, delay: int = 1, *, weighted: bool = False) -> np.ndarray:
    """Probabilities of all d! ordinal patterns, indexed by Lehmer code (missing patterns are 0).

    Entry c is the fraction of the M = N − (d−1)τ windows whose stable
    argsort is the permutation of lexicographic rank c (so the order of
    ``itertools.permutations(range(d))``).  With ``weighted=True`` each window
    counts with the variance of its samples (Fadlallah et al., Phys. Rev. E
    87, 022911, 2013).  ``order`` d ∈ [2, 10] here (the full vector has d!
    entries); :func:`permutation_entropy` accepts up to 20.
    """
    a, order, delay = _prepare(x, order, delay)
    if order > FULL_DISTRIBUTION_MAX_ORDER:
        raise ValueError(
            f"order: {order} is not allowed here; the full distribution has {order}! entries — expected an "
            f"integer in [2, {FULL_DISTRIBUTION_MAX_ORDER}]"
        )
    m = a.size - (order - 1) * delay
    codes = np.empty(m, dtype=np.int64)
    weights = np.empty(m if weighted else 0, dtype=np.float64)
    _lex_codes(a, order, delay, _factorials(order), codes, weights, bool(weighted))
    n = math.factorial(order)
    if not weighted:
        return np.bincount(codes, minlength=n) / float(m)
    sums = np.bincount(codes, weights=weights, minlength=n)
    total = sums.sum()
    if not total > 0:
        raise ValueError("x: every window is constant; the weighted distribution is undefined")
    return sums / total


# ---------------------------------------------------------------------------
# entropy and complexity


def _shannon(p: np.ndarray) -> float:
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)))


def _js_complexity(p: np.ndarray, n: int) -> tuple[float, float]:
    """(H, C) of the present probabilities p (Σp = 1) over n states (zeros beyond p)."""
    p = p[p > 0]
    log_n = math.log(n)
    s = _shannon(p)
    u = 1.0 / n
    mix = 0.5 * (p + u)
    missing = n - p.size
    s_mix = float(-np.sum(mix * np.log(mix))) - missing * (0.5 * u) * math.log(0.5 * u)
    js = s_mix - 0.5 * s - 0.5 * log_n
    js_max = -0.5 * ((n + 1.0) / n * math.log(n + 1.0) + log_n - 2.0 * math.log(2.0 * n))
    h = s / log_n
    return h, h * js / js_max


def permutation_entropy(x, order: int, delay: int = 1, weighted: bool = False) -> float:
    """Normalised permutation entropy H = −Σ p ln p / ln d! of a series, in [0, 1].

    Parameters
    ----------
    x : array_like (N,)
        A finite real series (converted to float64; ties broken by the stable argsort).
    order : int
        The pattern length d ∈ [2, 20] (d! possible patterns).
    delay : int, default 1
        The spacing τ ≥ 1 between the samples of a window, in samples.
    weighted : bool, default False
        Weigh each window by the (population) variance of its d samples,
        p(π) = Σ_{windows with π} var / Σ_all var (Fadlallah et al., Phys.
        Rev. E 87, 022911, 2013).  Undefined (ValueError) for a constant series.

    Returns the plug-in estimate from the M = N − (d−1)τ overlapping windows;
    for iid noise it is biased low by ≈ B_d/(2M ln d!) (module docstring).
    Reference: C. Bandt & B. Pompe, Phys. Rev. Lett. 88, 174102 (2002).
    """
    a, order, delay = _prepare(x, order, delay)
    p = _probabilities(a, order, delay, bool(weighted))
    return _shannon(p) / math.log(math.factorial(order))


def statistical_complexity(x, order: int, delay: int = 1) -> tuple[float, float]:
    """(H, C): normalised permutation entropy and Jensen–Shannon statistical complexity.

    C = Q_J[P, P_e] · H with P the pattern distribution over all d! patterns
    (missing ones included with probability 0 in the mixture (P + P_e)/2),
    P_e uniform, Q_J the Jensen–Shannon divergence over its maximum.
    Parameters as in :func:`permutation_entropy` (order d ∈ [2, 20], delay τ
    in samples).  Reference: O. A. Rosso, H. A. Larrondo, M. T. Martin,
    A. Plastino & M. A. Fuentes, Phys. Rev. Lett. 99, 154102 (2007).
    """
    a, order, delay = _prepare(x, order, delay)
    p = _probabilities(a, order, delay, False)
    return _js_complexity(p, math.factorial(order))


def jensen_shannon_complexity(p, n_states: int | None = None, *, atol: float = 1e-8) -> tuple[float, float]:
    """(H, C) of a given probability vector (Rosso et al., Phys. Rev. Lett. 99, 154102, 2007).

    ``p`` holds the probabilities (Σp = 1 within ``atol``, otherwise
    ValueError) of some or all of ``n_states`` states (default ``p.size``;
    for ordinal patterns n_states = d!); states not listed have probability
    0 and enter the mixture with P_e.  H = S(P)/ln n, C = H · J[P, P_e]/J_max.
    """
    a = check_probability(p, atol=atol)
    n = a.size if n_states is None else _integer("n_states", n_states, max(a.size, 2))
    if n < 2:
        raise ValueError("p: a single state has no complexity; expected at least 2 states")
    return _js_complexity(a, n)


# ---------------------------------------------------------------------------
# the complexity–entropy plane


def _two_level(t, k, n):
    """(S, C) of the distribution {t once, (1 − t)/k k times, 0 otherwise} over n states (arrays)."""
    b = (1.0 - t) / k
    log_n = math.log(n)
    u = 1.0 / n

    def xlogx(v):
        return np.where(v > 0, v * np.log(np.where(v > 0, v, 1.0)), 0.0)

    s = -(xlogx(t) + k * xlogx(b))
    zeros = n - 1.0 - k
    s_mix = -(xlogx(0.5 * (t + u)) + k * xlogx(0.5 * (b + u)) + zeros * xlogx(np.full_like(t, 0.5 * u)))
    js = s_mix - 0.5 * s - 0.5 * log_n
    js_max = -0.5 * ((n + 1.0) / n * math.log(n + 1.0) + log_n - 2.0 * math.log(2.0 * n))
    return s, (s / log_n) * js / js_max


def _solve_t(target_s, lo, hi, k, n, increasing):
    """Bisection (to the last bit) for t in [lo, hi] with S(t) = target_s."""
    lo = np.array(lo, dtype=np.float64)
    hi = np.array(hi, dtype=np.float64)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if np.all((mid == lo) | (mid == hi)):
            break
        s, _c = _two_level(mid, k, n)
        below = s < target_s if increasing else s > target_s
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return 0.5 * (lo + hi)


def _entropy_values(h) -> np.ndarray:
    v = np.asarray(h, dtype=np.float64)
    if not np.all(np.isfinite(v)) or np.any((v < 0) | (v > 1)):
        raise ValueError("h: normalised entropies must lie in [0, 1]")
    return v


def complexity_bounds(h, order: int) -> tuple[np.ndarray, np.ndarray]:
    """(C_min(H), C_max(H)): the complexity–entropy plane's bounds at entropies ``h``.

    Exact for any order d ∈ [2, 20] (N = d! states).  Following Martin,
    Plastino & Rosso, Physica A 369, 439 (2006):

    - minimum: one probability t ∈ [1/N, 1], the other N − 1 equal;
    - maximum: N − k − 1 zeros, one probability t ∈ [0, 1/(k+1)], k equal
      ones, where k = 1 … N − 1 is fixed by ln k ≤ H ln N ≤ ln(k+1) (so the
      curve has kinks at H = ln k / ln N).

    t is found by bisection to machine precision.  ``h`` is a scalar or array
    of normalised entropies in [0, 1]; the result has its shape.
    """
    order = _integer("order", order, 2, MAX_ORDER)
    hv = _entropy_values(h)
    n = math.factorial(order)
    target = hv * math.log(n)
    # minimum: S decreases from ln N (t = 1/N) to 0 (t = 1)
    k_min = np.full_like(target, n - 1.0)
    t_min = _solve_t(target, np.full_like(target, 1.0 / n), np.ones_like(target), k_min, n, increasing=False)
    c_min = _two_level(t_min, k_min, n)[1]
    # maximum: the segment k with ln k ≤ S ≤ ln(k + 1)
    k_max = np.clip(np.floor(np.exp(target)), 1.0, n - 1.0)
    t_max = _solve_t(target, np.zeros_like(target), 1.0 / (k_max + 1.0), k_max, n, increasing=True)
    c_max = _two_level(t_max, k_max, n)[1]
    # Both curves meet C = 0 at H = 0 (a single pattern) and H = 1 (uniform): set those exactly
    # rather than leave the bisection's round-off (and clip round-off negatives elsewhere).
    ends = (hv == 0.0) | (hv == 1.0)
    return np.where(ends, 0.0, np.maximum(c_min, 0.0)), np.where(ends, 0.0, np.maximum(c_max, 0.0))


def complexity_bound_curves(order: int, n_points: int = 501) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(H, C_min, C_max) sampled for plotting the complexity–entropy plane.

    H is ``n_points`` equally spaced values in [0, 1] together with the kinks
    ln k / ln d! of the maximum curve (all of them when d! ≤ 5040).  See
    :func:`complexity_bounds` (Martin, Plastino & Rosso, Physica A 369, 439, 2006).
    """
    order = _integer("order", order, 2, MAX_ORDER)
    n_points = _integer("n_points", n_points, 2)
    n = math.factorial(order)
    h = np.linspace(0.0, 1.0, n_points)
    if n <= 5040:
        h = np.union1d(h, np.log(np.arange(1, n + 1)) / math.log(n))
    c_min, c_max = complexity_bounds(h, order)
    return h, c_min, c_max


def complexity_entropy_curve(x, order: int, delays) -> tuple[np.ndarray, np.ndarray]:
    """H(τ) and C(τ): the statistical complexity of ``x`` over a range of spacings.

    ``delays`` is a sequence of spacings τ ≥ 1 (in samples), for example from
    :func:`peccary_delays` or ``range(1, 200)``; windows that do not fit in
    the series are an error.  Returns two arrays aligned with ``delays``.
    """
    a = _series(x)
    order = _integer("order", order, 2, MAX_ORDER)
    taus = [_integer("delays", t, 1) for t in np.atleast_1d(np.asarray(delays)).tolist()]
    if not taus:
        raise ValueError("delays: empty; expected at least one spacing")
    n = math.factorial(order)
    h = np.empty(len(taus))
    c = np.empty(len(taus))
    for i, tau in enumerate(taus):
        _prepare(a, order, tau)
        h[i], c[i] = _js_complexity(_probabilities(a, order, tau, False), n)
    return h, c


# ---------------------------------------------------------------------------
# the spacing: natural time scale and the PECCARY rule


def pattern_time(delay, dt: float, order: int):
    """The time a pattern spans, t_pat = τ · dt · (d − 1) (PECCARY's pattern time scale)."""
    order = _integer("order", order, 2, MAX_ORDER)
    dt = _positive("dt", dt)
    return np.asarray(delay) * dt * (order - 1)


def _positive(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not (0 < float(value) < math.inf):
        raise ValueError(f"{name}: {value!r} is not allowed; expected a positive finite number")
    return float(value)


def peccary_delays(natural_time: float, dt: float, order: int = 5, fraction=PECCARY_FRACTION) -> np.ndarray:
    """Spacings τ allowed by the PECCARY rule: 0.3 ≤ τ·dt·(d−1) / t_nat ≤ 0.5.

    Parameters
    ----------
    natural_time : float
        The natural time scale t_nat of the series (same units as dt), e.g.
        from :func:`natural_time_scale`.
    dt : float
        The sampling interval.
    order : int, default 5
        The pattern length d (PECCARY's default is 5).
    fraction : (lo, hi), default (0.3, 0.5)
        The window of t_pat / t_nat.

    Returns the integers τ ≥ 1 in that window (ascending); ValueError if none
    (the series is sampled too coarsely for this order).  Reference: the
    PECCARY method, S. Ó. Hyman, K. J. Daniel & D. A. Schaffner, Astrophys.
    J. 987, 195 (2025).
    """
    t_nat = _positive("natural_time", natural_time)
    dt = _positive("dt", dt)
    order = _integer("order", order, 2, MAX_ORDER)
    try:
        lo, hi = (float(v) for v in fraction)
    except (TypeError, ValueError):
        raise ValueError(f"fraction: {fraction!r} is not allowed; expected two numbers (lo, hi)") from None
    if not (0 < lo <= hi < math.inf):
        raise ValueError(f"fraction: {fraction!r} is not allowed; expected 0 < lo ≤ hi")
    unit = dt * (order - 1) / t_nat
    tau_lo = max(1, math.ceil(lo / unit * (1 - 1e-12)))
    tau_hi = math.floor(hi / unit * (1 + 1e-12))
    if tau_hi < tau_lo:
        raise ValueError(
            f"dt: {dt!r} is too coarse for order={order}: even τ = 1 gives t_pat/t_nat = {unit:.3g}, "
            f"above {hi:g}; sample more finely or lower the order"
        )
    return np.arange(tau_lo, tau_hi + 1, dtype=np.int64)


NATURAL_TIME_METHODS = ("crossings", "maxima", "acf_zero", "spectrum")


def natural_time_scale(x, dt: float = 1.0, method: str = "crossings") -> float:
    """An estimate of the natural (oscillation) time scale of a series, in units of ``dt``.

    Every method returns the period for a sinusoid:

    - ``"crossings"`` (default, as PECCARY's): 2 · duration / (number of
      crossings of the mean), duration = (N − 1)·dt;
    - ``"maxima"``: the mean spacing of the strict local maxima (noise adds
      spurious maxima: use on smooth series);
    - ``"acf_zero"``: 4 × the first zero of the autocorrelation (linear
      interpolation between lags);
    - ``"spectrum"``: 1 / the frequency of the highest peak (f > 0) of the
      Hann-windowed periodogram of the mean-removed series, refined by a
      parabola through the log-power of the three bins around it.

    For series with several time scales the methods disagree — Lorenz x
    (classic preset, dt = 0.01, t = 200): crossings 3.6, maxima 0.93,
    acf_zero 18, spectrum 31 — so choose the one that matches the motion of
    interest.  ValueError if the series has too few oscillations for the method.
    """
    a = _series(x)
    dt = _positive("dt", dt)
    if method not in NATURAL_TIME_METHODS:
        raise ValueError(f"method: {method!r} is not allowed; expected one of {NATURAL_TIME_METHODS}")
    if a.size < 4:
        raise ValueError(f"x: {a.size} samples are too few; expected at least 4")
    y = a - a.mean()
    if not np.any(y != 0):
        raise ValueError("x: the series is constant and has no time scale")
    if method == "crossings":
        pos = y[y != 0] > 0
        n_cross = int(np.count_nonzero(pos[1:] != pos[:-1]))
        if n_cross < 2:
            raise ValueError(f"x: only {n_cross} crossing(s) of the mean; too few to estimate a time scale")
        return 2.0 * (a.size - 1) * dt / n_cross
    if method == "maxima":
        idx = np.flatnonzero((a[1:-1] > a[:-2]) & (a[1:-1] > a[2:])) + 1
        if idx.size < 2:
            raise ValueError(f"x: {idx.size} local maxima; too few to estimate a time scale")
        return float(np.mean(np.diff(idx))) * dt
    if method == "acf_zero":
        n = a.size
        nfft = 1 << (2 * n - 1).bit_length()
        f = np.fft.rfft(y, nfft)
        acf = np.fft.irfft(f.real**2 + f.imag**2, nfft)[:n]
        neg = np.flatnonzero(acf <= 0)
        if neg.size == 0:
            raise ValueError("x: the autocorrelation never reaches zero; no oscillation time scale")
        j = int(neg[0])
        lag = j - acf[j] / (acf[j] - acf[j - 1]) if acf[j] < 0 else float(j)  # acf[j-1] > 0
        return 4.0 * lag * dt
    # spectrum
    n = a.size
    power = np.abs(np.fft.rfft(y * np.hanning(n))) ** 2
    k = int(np.argmax(power[1:])) + 1
    if k + 1 < power.size and power[k - 1] > 0 and power[k + 1] > 0:
        lm, l0, lp = np.log(power[k - 1 : k + 2])
        denom = lm - 2.0 * l0 + lp
        shift = 0.5 * (lm - lp) / denom if denom < 0 else 0.0
    else:
        shift = 0.0
    return n * dt / (k + shift)
