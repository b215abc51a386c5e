"""Delay embedding and invariants estimated from a time series.

- :func:`delay_embed` — delay vectors (x_i, x_{i+τ}, …, x_{i+(m−1)τ}).
- :func:`mutual_information` and :func:`first_minimum` — the average mutual
  information I(τ) of Fraser & Swinney and the delay at its first minimum.
- :func:`false_nearest_neighbors` — Kennel, Brown & Abarbanel's test for the
  embedding dimension.
- :func:`correlation_sum` and :func:`correlation_dimension` — the
  Grassberger–Procaccia correlation integral C(r) and D2 from an automatically
  chosen scaling region, with a Theiler window.
- :func:`rosenstein_lyapunov` — the largest Lyapunov exponent from the mean
  logarithmic divergence of nearest neighbours.

Conventions shared by every function here:

- Delay vectors look *forward* in time: row i of the embedding is
  (x_i, x_{i+τ}, …, x_{i+(m−1)τ}), so N samples give N − (m−1)τ vectors.
- ``theiler`` is the smallest time separation |i − j| (in samples, or in rows
  of an embedding) for two points to count as neighbours or as a pair.
  ``theiler = 1`` excludes only a point paired with itself (the same rule as
  the Theiler window of RecurrenceAnalysis.jl).  Densely sampled flows need
  more: points close in time are close in space for a trivial reason
  (Theiler, Phys. Rev. A 34, 2427, 1986).
- Distances are Euclidean unless a ``metric`` argument says otherwise
  (``"maximum"``: the largest coordinate difference).

Hot loops (pair counting for C(r), divergence curves) are numba kernels
called over blocks of rows, so memory stays O(N + number of radii) and each
call does a bounded amount of work.
"""

from __future__ import annotations

import math
import numbers
import threading
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from ..integrators.kernel_types import jit

METRICS = ("euclidean", "maximum")

# ----------------------------------------------------------------------------
# validation helpers


def _series(x, name: str = "x", min_len: int = 2) -> np.ndarray:
    a = np.asarray(x, dtype=np.float64) if not isinstance(x, np.ndarray) else x.astype(np.float64, copy=False)
    if a.ndim != 1:
        raise ValueError(f"{name}: an array of shape {a.shape} is not allowed; expected a 1-D series")
    if a.size < min_len:
        raise ValueError(f"{name}: {a.size} samples are too few; expected at least {min_len}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: contains NaN or inf; expected finite values")
    return np.ascontiguousarray(a)


def _points(X, name: str = "x", min_len: int = 2) -> np.ndarray:
    a = np.asarray(X, dtype=np.float64)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2:
        raise ValueError(f"{name}: an array of shape {a.shape} is not allowed; expected (N,) or (N, d)")
    if a.shape[0] < min_len or a.shape[1] < 1:
        raise ValueError(f"{name}: shape {a.shape} is too small; expected at least {min_len} points")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: contains NaN or inf; expected finite values")
    return np.ascontiguousarray(a)


def _int(name: str, value, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name}: {value!r} is not an integer; expected an integer ≥ {low}")
    v = int(value)
    if v < low or (high is not None and v > high):
        allowed = f"an integer from {low} to {high}" if high is not None else f"an integer ≥ {low}"
        raise ValueError(f"{name}: {value!r} is not allowed; expected {allowed}")
    return v


def _positive(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name}: {value!r} is not allowed; expected a positive finite number")
    return float(value)


def _metric(metric: str) -> int:
    if metric not in METRICS:
        raise ValueError(f"metric: {metric!r} is not allowed; choose one of {', '.join(METRICS)}")
    return METRICS.index(metric)


# ----------------------------------------------------------------------------
# delay embedding


def delay_embed(x, m: int, tau: int = 1) -> np.ndarray:
    """Delay vectors of a scalar series (Takens' delay-coordinate map).

    Row i is (x_i, x_{i+τ}, …, x_{i+(m−1)τ}) — forward delays, the convention
    of pyunicorn's ``embed_time_series``.  ``m`` is the embedding dimension
    (≥ 1), ``tau`` the delay in samples (≥ 1).  Returns a new C-contiguous
    (N − (m−1)τ, m) float64 array.
    """
    a = _series(x)
    m = _int("m", m, 1)
    tau = _int("tau", tau, 1)
    n = a.size - (m - 1) * tau
    if n < 1:
        raise ValueError(f"m, tau: m = {m} and tau = {tau} need more than {(m - 1) * tau} samples; x has {a.size}")
    out = np.empty((n, m))
    for k in range(m):
        out[:, k] = a[k * tau : k * tau + n]
    return out


# ----------------------------------------------------------------------------
# average mutual information


def _sturges(n: int) -> int:
    return math.ceil(math.log2(n)) + 1


def mutual_information(x, max_lag: int, bins: int | None = None) -> np.ndarray:
    """Average mutual information I(τ) between x_t and x_{t+τ}, τ = 0 … max_lag.

    Estimator: the plug-in ("histogram") estimate
    I(τ) = Σ_ij p_ij ln(p_ij / (p_i q_j)) in nats, where p_ij is the fraction of
    the N − τ pairs (x_t, x_{t+τ}) in cell (i, j) of a grid of ``bins`` × ``bins``
    equal-width cells spanning [min x, max x] in both coordinates, and p_i, q_j
    are the row and column sums of p_ij (the marginals of the same pairs, so
    I ≥ 0 exactly).  Default ``bins``: Sturges' rule ⌈log₂ N⌉ + 1 (15 bins for
    N = 10⁴).  The estimate is biased: upwards from finite samples — by
    (bins − 1)²/(2(N − τ)) on average when every cell is well populated
    (less where cells are nearly empty, as in the tails of a Gaussian) —
    and downwards by the coarse graining.  Its *first minimum*, which the
    delay choice uses, is insensitive to the number of bins.

    Fraser & Swinney, Phys. Rev. A 33, 1134 (1986) proposed the first minimum
    of I(τ) as the embedding delay; they used an adaptive partition, this
    function the simpler equal-width one.  Returns an array of length
    max_lag + 1 (I(0) is the entropy of the binned series).
    """
    a = _series(x, min_len=3)
    max_lag = _int("max_lag", max_lag, 0, a.size - 2)
    if bins is None:
        bins = _sturges(a.size)
    bins = _int("bins", bins, 2, 1 << 12)
    lo, hi = float(a.min()), float(a.max())
    if hi == lo:
        return np.zeros(max_lag + 1)
    idx = np.floor((a - lo) / (hi - lo) * bins).astype(np.int64)
    np.clip(idx, 0, bins - 1, out=idx)
    out = np.empty(max_lag + 1)
    for lag in range(max_lag + 1):
        u = idx[: a.size - lag]
        v = idx[lag:]
        joint = np.bincount(u * bins + v, minlength=bins * bins).reshape(bins, bins).astype(np.float64)
        joint /= u.size
        pu = joint.sum(axis=1)
        pv = joint.sum(axis=0)
        nz = joint > 0
        outer = np.outer(pu, pv)
        out[lag] = float(np.sum(joint[nz] * np.log(joint[nz] / outer[nz])))
    return out


def first_minimum(values) -> int | None:
    """Index of the first local minimum of a curve, or None if it has none.

    The first k ≥ 1 with values[k] < values[k−1] and values[k] ≤ values[k+1]
    (a plateau counts at its first point).  For I(τ) from
    :func:`mutual_information` that index is the delay in samples.
    """
    v = _series(values, "values", min_len=1)
    for k in range(1, v.size - 1):
        if v[k] < v[k - 1] and v[k] <= v[k + 1]:
            return k
    return None


# ----------------------------------------------------------------------------
# neighbours with a Theiler window


def _nearest_outside_window(points: np.ndarray, theiler: int, block: int = 4096):
    """Nearest neighbour of every row of ``points`` among rows j with
    |i − j| ≥ theiler (Euclidean), by a k-d tree.

    Among the k = 2·theiler nearest candidates at most 2·theiler − 1 lie in the
    excluded window (the point itself included), so at least one candidate
    is admissible; queries run in blocks so memory stays O(block·theiler).
    Returns (index, distance); index is −1 where no admissible point exists.
    """
    n = points.shape[0]
    tree = cKDTree(points)
    k = min(2 * theiler, n)
    nn = np.full(n, -1, dtype=np.int64)
    dist = np.full(n, np.inf)
    for s in range(0, n, block):
        e = min(n, s + block)
        d, j = tree.query(points[s:e], k=k)
        d = d.reshape(e - s, k)
        j = j.reshape(e - s, k)
        rows = np.arange(s, e)[:, None]
        ok = (np.abs(j - rows) >= theiler) & (j < n)
        first = np.argmax(ok, axis=1)
        has = ok[np.arange(e - s), first]
        nn[s:e] = np.where(has, j[np.arange(e - s), first], -1)
        dist[s:e] = np.where(has, d[np.arange(e - s), first], np.inf)
    return nn, dist


# ----------------------------------------------------------------------------
# false nearest neighbours


@dataclass(frozen=True)
class FNNResult:
    """False-nearest-neighbour fractions for m = 1 … m_max.

    ``fraction`` counts a neighbour as false if either criterion holds;
    ``fraction_rtol`` and ``fraction_atol`` count each criterion alone.
    """

    m: np.ndarray
    fraction: np.ndarray
    fraction_rtol: np.ndarray
    fraction_atol: np.ndarray
    rtol: float
    atol: float

    def dimension(self, threshold: float = 0.01) -> int | None:
        """The smallest m whose false fraction is below ``threshold`` (None if none)."""
        below = np.nonzero(self.fraction < threshold)[0]
        return int(self.m[below[0]]) if below.size else None


def false_nearest_neighbors(
    x, m_max: int = 6, tau: int = 1, rtol: float = 15.0, atol: float = 2.0, theiler: int = 1
) -> FNNResult:
    """Fraction of false nearest neighbours against the embedding dimension.

    For each m = 1 … ``m_max`` the delay vectors y_i (dimension m, delay
    ``tau`` samples) are formed for the N − mτ indices whose (m+1)-th
    coordinate x_{i+mτ} exists; y_j is the Euclidean nearest neighbour of y_i
    with |i − j| ≥ ``theiler``, at distance R_m(i).  The neighbour is *false*
    (Kennel, Brown & Abarbanel, Phys. Rev. A 45, 3403, 1992) if

    1. |x_{i+mτ} − x_{j+mτ}| / R_m(i) > R_tol (``rtol``, default 15): adding
       the next coordinate moves it far away relative to its distance; or
    2. R_{m+1}(i) / R_A > A_tol (``atol``, default 2), with
       R_{m+1}² = R_m² + (x_{i+mτ} − x_{j+mτ})² and R_A the standard deviation
       of the series: the "neighbour" is as far as a typical point of the
       attractor, which catches neighbours that are not close at all
       (for noise or short data).

    A neighbour at distance 0 (a repeated vector) counts as false by
    criterion 1 whenever its next coordinates differ.  Returns an
    :class:`FNNResult` with the fractions for each m.  Neighbour search: a
    scipy k-d tree.
    """
    a = _series(x, min_len=4)
    m_max = _int("m_max", m_max, 1)
    tau = _int("tau", tau, 1)
    rtol = _positive("rtol", rtol)
    atol = _positive("atol", atol)
    theiler = _int("theiler", theiler, 1)
    if a.size - m_max * tau < theiler + 2:
        raise ValueError(
            f"m_max, tau: m_max = {m_max} and tau = {tau} leave {a.size - m_max * tau} vectors of "
            f"{a.size} samples; need more than theiler + 1 = {theiler + 1}"
        )
    r_a = float(np.std(a))
    if r_a == 0:
        raise ValueError("x: the series is constant; false neighbours are undefined")
    ms = np.arange(1, m_max + 1)
    frac = np.empty(m_max)
    frac_r = np.empty(m_max)
    frac_a = np.empty(m_max)
    for i, m in enumerate(ms):
        n = a.size - m * tau
        Y = np.empty((n, m))
        for k in range(m):
            Y[:, k] = a[k * tau : k * tau + n]
        nn, r_m = _nearest_outside_window(Y, theiler)
        valid = nn >= 0
        idx = np.nonzero(valid)[0]
        j = nn[valid]
        gap = np.abs(a[idx + m * tau] - a[j + m * tau])
        rm = r_m[valid]
        with np.errstate(divide="ignore", invalid="ignore"):
            crit1 = np.where(rm > 0, gap / np.where(rm > 0, rm, 1.0) > rtol, gap > 0)
        crit2 = np.sqrt(rm * rm + gap * gap) / r_a > atol
        cnt = max(idx.size, 1)
        frac[i] = np.count_nonzero(crit1 | crit2) / cnt
        frac_r[i] = np.count_nonzero(crit1) / cnt
        frac_a[i] = np.count_nonzero(crit2) / cnt
    return FNNResult(ms, frac, frac_r, frac_a, rtol, atol)


# ----------------------------------------------------------------------------
# correlation sum


@jit
def _pair_histogram(X, i0, i1, theiler, edges, metric, hist):
    """Add to hist[k] the pairs (i, j), i0 ≤ i < i1, j ≥ i + theiler, whose
    distance d satisfies edges[k−1] ≤ d < edges[k] (hist[K] collects d ≥
    edges[K−1]).  Euclidean distances are compared squared (edges squared
    by the caller)."""
    n, dim = X.shape
    K = edges.size
    top = edges[K - 1]
    for i in range(i0, i1):
        for j in range(i + theiler, n):
            s = 0.0
            if metric == 0:
                for c in range(dim):
                    t = X[i, c] - X[j, c]
                    s += t * t
                    if s >= top:
                        break
            else:
                for c in range(dim):
                    t = abs(X[i, c] - X[j, c])
                    if t > s:
                        s = t
                        if s >= top:
                            break
            if s >= top:
                hist[K] += 1
                continue
            lo = 0
            hi = K - 1
            # first k with edges[k] > s
            while lo < hi:
                mid = (lo + hi) // 2
                if edges[mid] > s:
                    hi = mid
                else:
                    lo = mid + 1
            hist[lo] += 1


def _default_radii(X: np.ndarray, metric: str, count: int = 40, decades: float = 3.0) -> np.ndarray:
    span = X.max(axis=0) - X.min(axis=0)
    r_max = float(np.sqrt(np.sum(span * span))) if metric == "euclidean" else float(span.max())
    if r_max == 0:
        raise ValueError("x: all points coincide; the correlation sum is a step at r = 0")
    return np.geomspace(r_max * 10.0 ** (-decades), r_max, count)


def correlation_sum(
    x,
    radii=None,
    theiler: int = 1,
    metric: str = "euclidean",
    block_pairs: float = 4e6,
    stop: threading.Event | None = None,
):
    """The correlation sum C(r) of Grassberger & Procaccia over many radii in one pass.

    C(r) = (number of pairs (i, j), j − i ≥ ``theiler``, with ‖x_i − x_j‖ < r)
    / (number of such pairs), for (N,) or (N, d) points ``x`` (a scalar series
    is treated as 1-D points; embed it first with :func:`delay_embed`).
    ``theiler`` as in the module docstring (Theiler, Phys. Rev. A 34, 2427,
    1986); ``metric`` "euclidean" (default) or "maximum".  ``radii``: an
    increasing array of positive radii; default 40 radii spaced
    logarithmically over three decades below the diameter of the bounding box
    (in the chosen norm).  Every pair is visited once and binned by a binary
    search over the radii: O(N²·log K) time, O(N + K) memory; the kernel runs
    over blocks of rows holding about ``block_pairs`` pairs each (about
    50 ms of work), and a set ``stop`` event (threading.Event) ends the
    computation between blocks with InterruptedError.

    Returns ``(radii, C, counts, n_pairs)``: ``counts[k]`` pairs are closer
    than ``radii[k]``.  Reference: P. Grassberger & I. Procaccia, Phys. Rev.
    Lett. 50, 346 (1983).
    """
    X = _points(x, min_len=3)
    code = _metric(metric)
    n = X.shape[0]
    theiler = _int("theiler", theiler, 1, n - 1)
    if radii is None:
        r = _default_radii(X, metric)
    else:
        r = np.asarray(radii, dtype=np.float64)
        if r.ndim != 1 or r.size < 1 or not np.all(np.isfinite(r)) or np.any(r <= 0) or np.any(np.diff(r) <= 0):
            raise ValueError(f"radii: {radii!r} is not allowed; expected an increasing 1-D array of positive radii")
    edges = np.ascontiguousarray(r * r if code == 0 else r)
    hist = np.zeros(r.size + 1, dtype=np.int64)
    n_pairs = (n - theiler) * (n - theiler + 1) // 2
    i = 0
    while i < n - theiler:
        if stop is not None and stop.is_set():
            raise InterruptedError("correlation sum stopped")
        # rows i … i1 − 1 hold about block_pairs pairs
        rows = max(1, int(block_pairs // max(n - i - theiler, 1)))
        i1 = min(n - theiler, i + rows)
        _pair_histogram(X, i, i1, theiler, edges, code, hist)
        i = i1
    counts = np.cumsum(hist[:-1])
    return r, counts / n_pairs, counts, n_pairs


@dataclass(frozen=True)
class CorrelationDimension:
    """D2 with the scaling region it was fitted on.

    ``r``, ``C``: the correlation sum; ``slopes``: local slopes
    d ln C / d ln r at ``r_mid`` (between consecutive radii); ``fit_range``:
    (r_lo, r_hi) of the scaling region, ``fit_index`` its indices into ``r``.
    ``dimension`` is nan if no region qualified.
    """

    dimension: float
    r: np.ndarray
    C: np.ndarray
    counts: np.ndarray
    r_mid: np.ndarray
    slopes: np.ndarray
    fit_range: tuple[float, float]
    fit_index: tuple[int, int]
    n_pairs: int


def _flat_run(slopes: np.ndarray, usable: np.ndarray, tol: float, min_points: int):
    """Longest run of consecutive usable slopes with max − min ≤ 2·tol.

    Ties go to the run with the smallest spread.  Returns (start, stop) into
    ``slopes`` (stop exclusive) or None."""
    best = None
    best_key = None
    n = slopes.size
    for s in range(n):
        if not usable[s]:
            continue
        lo = hi = slopes[s]
        e = s
        while e < n and usable[e]:
            lo = min(lo, slopes[e])
            hi = max(hi, slopes[e])
            if hi - lo > 2 * tol:
                break
            e += 1
        # run is s … e−1; recompute its spread
        length = e - s
        if length < min_points:
            continue
        spread = float(np.ptp(slopes[s:e]))
        key = (length, -spread)
        if best_key is None or key > best_key:
            best_key = key
            best = (s, e)
    return best


def correlation_dimension(
    x,
    radii=None,
    theiler: int = 1,
    metric: str = "euclidean",
    tol: float = 0.1,
    min_pairs: int = 1000,
    min_points: int = 4,
    stop: threading.Event | None = None,
) -> CorrelationDimension:
    """Grassberger–Procaccia correlation dimension D2 with a fitted scaling region.

    Computes C(r) with :func:`correlation_sum` (same ``radii``, ``theiler``,
    ``metric``, ``stop``), then the local slopes ν_k = Δ ln C / Δ ln r between
    consecutive radii.  Scaling-region rule: among the radii where at least
    ``min_pairs`` pairs are closer than r (fewer pairs make ln C noisy) and C
    is below 1/2 (above, the finite extent of the attractor bends the curve),
    take the longest run of consecutive local slopes whose range
    max ν − min ν is at most 2·``tol`` (default 0.1, i.e. flat within ±0.1),
    requiring at least ``min_points`` slopes; ties go to the flatter run.  D2
    is the least-squares slope of ln C against ln r over the radii spanning
    that run.

    References: P. Grassberger & I. Procaccia, Phys. Rev. Lett. 50, 346
    (1983); J. Theiler, Phys. Rev. A 34, 2427 (1986) for the window.
    """
    tol = _positive("tol", tol)
    min_pairs = _int("min_pairs", min_pairs, 1)
    min_points = _int("min_points", min_points, 1)
    r, C, counts, n_pairs = correlation_sum(x, radii=radii, theiler=theiler, metric=metric, stop=stop)
    if r.size < 2:
        raise ValueError("radii: need at least two radii to fit a slope")
    lr = np.log(r)
    with np.errstate(divide="ignore"):
        lc = np.log(C)
    ok = (counts >= min_pairs) & (C < 0.5)
    usable = ok[:-1] & ok[1:]
    slopes = np.full(r.size - 1, np.nan)
    slopes[usable] = (lc[1:] - lc[:-1])[usable] / (lr[1:] - lr[:-1])[usable]
    r_mid = np.sqrt(r[1:] * r[:-1])
    run = _flat_run(slopes, usable, tol, min_points)
    if run is None:
        return CorrelationDimension(math.nan, r, C, counts, r_mid, slopes, (math.nan, math.nan), (-1, -1), n_pairs)
    s, e = run  # slopes s … e−1 join radii s … e
    sel = slice(s, e + 1)
    d2 = float(np.polyfit(lr[sel], lc[sel], 1)[0])
    return CorrelationDimension(d2, r, C, counts, r_mid, slopes, (float(r[s]), float(r[e])), (s, e), n_pairs)


# ----------------------------------------------------------------------------
# Rosenstein's largest Lyapunov exponent


@jit
def _divergence(Y, nn, k_max, sums, counts):
    """sums[k] += ln‖Y[i+k] − Y[nn[i]+k]‖ over reference points i with a
    neighbour (nn[i] ≥ 0) and a nonzero distance."""
    dim = Y.shape[1]
    for i in range(nn.size):
        j = nn[i]
        if j < 0:
            continue
        for k in range(k_max + 1):
            s = 0.0
            for c in range(dim):
                t = Y[i + k, c] - Y[j + k, c]
                s += t * t
            if s > 0.0:
                sums[k] += 0.5 * math.log(s)
                counts[k] += 1


def mean_period(x) -> float:
    """Mean period of a series in samples: 1/⟨f⟩ with ⟨f⟩ the power-weighted
    mean frequency of its periodogram (zero frequency excluded) — the Theiler
    window Rosenstein et al. (1993) suggest."""
    a = _series(x, min_len=4)
    p = np.abs(np.fft.rfft(a - a.mean())) ** 2
    f = np.fft.rfftfreq(a.size)
    p, f = p[1:], f[1:]
    total = p.sum()
    if total == 0:
        raise ValueError("x: the series is constant; its mean period is undefined")
    return float(total / np.sum(p * f))


@dataclass(frozen=True)
class RosensteinResult:
    """Largest Lyapunov exponent from a series with its fitted linear region.

    ``t``: the divergence times k·dt; ``divergence``: ⟨ln d_j(k)⟩;
    ``fit_range``: (t_lo, t_hi) of the linear region, ``fit_index`` its
    indices into ``t`` (stop inclusive); ``intercept``: of the fitted line.
    ``exponent`` is in 1/(units of dt).
    """

    exponent: float
    t: np.ndarray
    divergence: np.ndarray
    fit_range: tuple[float, float]
    fit_index: tuple[int, int]
    intercept: float
    theiler: int
    pairs: int


def _linear_region(y: np.ndarray, lo_frac: float, hi_frac: float) -> tuple[int, int]:
    """Automatic linear region of a divergence curve y(k).

    With Δ = max y − y(0) the total rise, the region runs from the first k
    with y(k) ≥ y(0) + lo_frac·Δ to the first k with y(k) ≥ y(0) + hi_frac·Δ:
    past the initial transient (neighbours aligning with the unstable
    direction) and before the saturation at the size of the attractor.
    Returns (start, stop) indices into y, stop inclusive.
    """
    y0 = y[0]
    rise = float(np.max(y) - y0)
    if not rise > 0:
        return 0, y.size - 1
    lo = int(np.argmax(y >= y0 + lo_frac * rise))
    hi = int(np.argmax(y >= y0 + hi_frac * rise))
    if hi - lo < 1:
        hi = min(y.size - 1, lo + 1)
        lo = hi - 1
    return lo, hi


def rosenstein_lyapunov(
    x,
    m: int,
    tau: int,
    dt: float = 1.0,
    k_max: int | None = None,
    theiler: int | None = None,
    fit: tuple[float, float] | None = None,
    fit_fractions: tuple[float, float] = (0.1, 0.7),
) -> RosensteinResult:
    """Largest Lyapunov exponent of a scalar series by Rosenstein's method.

    The series is delay-embedded (dimension ``m``, delay ``tau`` samples).
    Each of the first M = N_vectors − ``k_max`` vectors y_i gets its Euclidean
    nearest neighbour y_j among those M with |i − j| ≥ ``theiler`` (default:
    the mean period, :func:`mean_period`, as Rosenstein et al. suggest); both
    are followed ``k_max`` steps (default: 10 Theiler windows, capped at
    N_vectors/4) and the divergence y(k) = ⟨ln ‖y_{i+k} − y_{j+k}‖⟩ (mean
    over pairs; zero distances skipped) is fitted by a straight line of
    slope λ₁ against t = k·``dt``.

    Linear region: ``fit = (t_lo, t_hi)`` if given, else an automatic rule.
    With Δ = max y − y(0) the total rise of the curve, the fit runs from the
    first time y has risen by ``fit_fractions[0]``·Δ (default 10 %: past the
    initial transient, while neighbours align with the unstable direction)
    to the first time it has risen by ``fit_fractions[1]``·Δ (default 70 %:
    before the saturation at the size of the attractor).  The rule assumes
    ``k_max`` reaches the saturation; the fitted range is returned and
    should be looked at.

    Reference: M. T. Rosenstein, J. J. Collins & C. J. De Luca, Physica D 65,
    117 (1993).  Returns a :class:`RosensteinResult` (exponent in 1/(units
    of ``dt``)).
    """
    a = _series(x, min_len=10)
    m = _int("m", m, 1)
    tau = _int("tau", tau, 1)
    dt = _positive("dt", dt)
    try:
        f_lo, f_hi = (float(v) for v in fit_fractions)
    except (TypeError, ValueError):
        raise ValueError(f"fit_fractions: {fit_fractions!r} is not allowed; expected (lo, hi)") from None
    if not 0 <= f_lo < f_hi <= 1:
        raise ValueError(f"fit_fractions: {fit_fractions!r} is not allowed; expected 0 ≤ lo < hi ≤ 1")
    Y = delay_embed(a, m, tau)
    nv = Y.shape[0]
    if theiler is None:
        theiler = max(1, round(mean_period(a)))
    theiler = _int("theiler", theiler, 1)
    if k_max is None:
        k_max = min(10 * theiler, nv // 4)
    k_max = _int("k_max", k_max, 2)
    M = nv - k_max
    if M < theiler + 2:
        raise ValueError(
            f"k_max: {k_max} leaves {M} reference vectors of {nv}; need more than theiler + 1 = {theiler + 1}"
        )
    nn, _ = _nearest_outside_window(np.ascontiguousarray(Y[:M]), theiler)
    sums = np.zeros(k_max + 1)
    counts = np.zeros(k_max + 1, dtype=np.int64)
    _divergence(Y, nn, k_max, sums, counts)
    if np.any(counts == 0):
        raise ValueError("x: no neighbour pair with a nonzero distance; the divergence is undefined")
    y = sums / counts
    t = np.arange(k_max + 1) * dt
    if fit is not None:
        try:
            t_lo, t_hi = (float(v) for v in fit)
        except (TypeError, ValueError):
            raise ValueError(f"fit: {fit!r} is not allowed; expected (t_lo, t_hi)") from None
        sel = np.nonzero((t >= t_lo) & (t <= t_hi))[0]
        if sel.size < 2:
            raise ValueError(f"fit: {fit!r} holds fewer than two divergence times in [0, {t[-1]:g}]")
        lo, hi = int(sel[0]), int(sel[-1])
    else:
        lo, hi = _linear_region(y, f_lo, f_hi)
    slope, intercept = np.polyfit(t[lo : hi + 1], y[lo : hi + 1], 1)
    return RosensteinResult(
        float(slope), t, y, (float(t[lo]), float(t[hi])), (lo, hi), float(intercept), theiler, int(np.sum(nn >= 0))
    )
