"""Recurrence plots and recurrence quantification analysis (RQA).

A recurrence plot of the states x_0 … x_{N−1} (rows of an (N, d) array, or a
scalar series; embed it first with a delay embedding if needed) is the N×N
matrix R_ij = Θ(ε − ‖x_i − x_j‖).  RQA measures count the diagonal and
vertical lines of R (Marwan, Romano, Thiel & Kurths, Phys. Rep. 438, 237,
2007; REFERENCES.md §10):

- RR    recurrence rate, the fraction of recurrent points;
- DET   determinism, the fraction of recurrent points on diagonal lines of
        length ≥ lmin;  L the mean and Lmax the longest such line;
        DIV = 1/Lmax;  ENTR the Shannon entropy (natural log) of the
        distribution of diagonal line lengths ≥ lmin;
- LAM   laminarity, the fraction of recurrent points on vertical lines of
        length ≥ vmin;  TT (trapping time) their mean length, Vmax the
        longest, VENTR the entropy of their length distribution.

Norms: ``"euclidean"``, ``"maximum"`` (Chebyshev; aliases ``"chebyshev"``,
``"supremum"``) and ``"manhattan"`` (alias ``"cityblock"``).

Two conventions (``convention=``), because the published implementations
differ in details that change the numbers:

``"pyunicorn"`` (the default) — pyunicorn's ``RecurrencePlot`` (Donges et
al., Chaos 25, 113101, 2015).  The PyRQA source we read (Rawald et al., 2015
release) shares the strict "<", RR over N², a Theiler window on the diagonal
lines only and whole-column vertical lines, but divides DET and LAM by all
recurrent points (LOI included) and has no 1e-8 guard; we follow pyunicorn:

- recurrence is strict: ‖x_i − x_j‖ < ε (so R_ii = 1 whenever ε > 0);
- RR counts every point of the N×N matrix, the main diagonal (line of
  identity, LOI) included, over N²;
- diagonal lines are counted on the diagonals |i − j| ≥ ``theiler`` of both
  triangles (pyunicorn itself has no Theiler window and excludes exactly the
  LOI, i.e. ``theiler=1``; ``theiler=0`` adds the LOI as one line of length N);
- vertical lines are counted over whole columns, LOI included (the Theiler
  window does not apply to them, nor to RR);
- DET = Σ_{l≥lmin} l P(l) / (Σ_{l≥1} l P(l) + 1e-8), L = Σ_{l≥lmin} l P(l) /
  (Σ_{l≥lmin} P(l) + 1e-8), ENTR with p_l = P(l) / (Σ_{l≥lmin} P(l) + 1e-8),
  and the same for LAM, TT, VENTR: the 1e-8 is pyunicorn's guard against
  empty histograms, kept so that the numbers equal pyunicorn's to round-off
  (its relative effect is below 1e-8 / number of points).  Empty histograms
  therefore give DET = L = ENTR = 0;
- Lmax and Vmax are the longest lines of any length (lines shorter than lmin
  included, as in pyunicorn); DIV = 1/Lmax (pyunicorn 1.0 has no DIV; NaN
  when there is no line at all).

``"rqa.jl"`` — RecurrenceAnalysis.jl (JuliaDynamics; Marwan & Webber, in
"Recurrence Quantification Analysis", Springer, 2015, pp. 3–43), as we read
its source (``rqa``, ``recurrencerate``, ``diagonalhistogram``,
``verticalhistograms``):

- recurrence is ‖x_i − x_j‖ ≤ ε (R_ii = 1 always);
- the Theiler window w = ``theiler`` removes the points |i − j| < w from RR,
  from the diagonal lines and from the vertical lines (w = 1 removes the LOI
  only, w = 0 nothing);
- RR = (recurrent points outside the window) / S with S = N² for w = 0 and
  S = (N − w)(N − w + 1), the number of matrix entries outside the window,
  for w ≥ 1 (cross-recurrence matrices: S = N·M always);
- DET = Σ_{l≥lmin} l P(l) / (recurrent points outside the window), LAM the
  same with vertical lines; L, TT are means over lines ≥ lmin (vmin);
- Lmax, Vmax are the longest lines ≥ lmin (vmin), 0 if there is none; then
  DIV = 1/0 = inf, L = TT = 0, DET = LAM = 0 and ENTR = VENTR = NaN.

Thresholds from a recurrence rate (``recurrence_rate=q`` instead of ``eps``)
are exact order statistics of the N² entries of the distance matrix
(diagonal zeros and both triangles included), found in bounded memory by
repeated histogram passes over the pairs:

- pyunicorn: ε = D_(⌊q (N² − 1)⌋), the element of that index (0-based) of the
  sorted entries; with the strict "<" the tied distances equal to ε are *not*
  recurrent, so the realised RR is at most q (pyunicorn's rule);
- rqa.jl: ε = the type-7 (linear interpolation, Julia's and numpy's default)
  q-quantile of the sorted entries: with h = N²·q + (1 − q) (1-based),
  j = clamp(⌊h⌋, 1, N² − 1), ε = D_j + (h − j)(D_{j+1} − D_j); with "≤" all
  ties at ε are recurrent, so the realised RR is at least about q.

Cross-recurrence (two series x, y of lengths N, M) uses the N·M entries.

Memory: :func:`rqa`, :func:`windowed_rqa`, :func:`recurrence_threshold` and
:func:`recurrence_image` never form the N×N matrix.  :func:`rqa` makes one
numba pass (no GIL) over the upper triangle, computing the distances of a
row in blocks of 512 on the fly and keeping O(N) line counters: for each
diagonal and each column, the row of its last recurrence and the length of
its current run (the lower half of a column is the upper half of a row, by
symmetry).  A threshold from a recurrence rate takes one or two more passes
(a sampled bracket around the wanted rank, then histogram / collect passes
with exact counts; O(N) memory).  Distances are computed exactly as
pyunicorn does (components in order; for the Euclidean norm the sum of
squares is compared with the smallest double whose square root is ≥ ε, which
is equivalent to comparing its square root with ε).  The explicit matrices of
:func:`recurrence_matrix` and :func:`cross_recurrence_matrix` are for small
N (a size guard refuses more than 2·10⁸ entries).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..integrators.kernel_types import jit

__all__ = [
    "CONVENTIONS",
    "METRICS",
    "cross_recurrence_matrix",
    "line_histograms",
    "recurrence_image",
    "recurrence_matrix",
    "recurrence_threshold",
    "rqa",
    "rqa_from_matrix",
    "windowed_rqa",
]

CONVENTIONS = ("pyunicorn", "rqa.jl")
DEFAULT_CONVENTION = "pyunicorn"
_EUCLIDEAN, _MAXIMUM, _MANHATTAN = 0, 1, 2
METRICS = {
    "euclidean": _EUCLIDEAN,
    "maximum": _MAXIMUM,
    "chebyshev": _MAXIMUM,
    "supremum": _MAXIMUM,
    "manhattan": _MANHATTAN,
    "cityblock": _MANHATTAN,
}
MAX_MATRIX_ENTRIES = 200_000_000  # explicit boolean matrices: 200 MB at most
PYUNICORN_GUARD = 1e-8  # pyunicorn's self._epsilon, added to RQA denominators
_NBINS = 16384  # histogram bins per selection pass (cnt, min, max: 384 kB)
MEASURES = ("RR", "DET", "L", "Lmax", "DIV", "ENTR", "LAM", "TT", "Vmax", "VENTR")


_CHUNK = 512  # pair values are computed for this many columns at a time (stays in L1)


# --------------------------------------------------------------------------
# numba kernels.  "Pair values" m are distances, except for the Euclidean norm
# where m is the sum of squares (the square root is monotone, so thresholds and
# order statistics carry over exactly; see _kernel_threshold).


@jit
def _row_values(Yt, xi, j0, j1, buf, metric):
    """buf[j - j0] = pair value of state xi and column j of Yt (shape (d, M)),
    for j0 ≤ j < j1.  The metric branch sits outside the loops over j, which
    vectorise; per pair the arithmetic is that of a plain loop over the d
    components in order (so the values are bitwise those of pyunicorn)."""
    d = Yt.shape[0]
    m = j1 - j0
    for j in range(m):
        buf[j] = 0.0
    if metric == 0:
        for k in range(d):
            c = xi[k]
            row = Yt[k]
            for j in range(m):
                t = row[j0 + j] - c
                buf[j] += t * t
    elif metric == 1:
        for k in range(d):
            c = xi[k]
            row = Yt[k]
            for j in range(m):
                t = abs(row[j0 + j] - c)
                if t > buf[j]:
                    buf[j] = t
    else:
        for k in range(d):
            c = xi[k]
            row = Yt[k]
            for j in range(m):
                buf[j] += abs(row[j0 + j] - c)


@jit
def _scan(X, Xt, tk, metric, w_diag, w_vert, loi_vert, dhist, vhist, dlast, dlen, vlast, vlen):
    """One pass over the upper triangle of the recurrence matrix R_ij = [m_ij < tk].

    dhist[l] += number of diagonal lines of length l on the diagonals
    k = j − i ≥ max(w_diag, 1) of the upper triangle; vhist[l] += number of
    vertical lines of length l over whole columns, where the points with
    |i − j| < w_vert are removed and the LOI joins the two halves of a column
    when loi_vert.  Column j's lower half is row j's upper half (R is
    symmetric).  Work is done at recurrent points only: diagonal k remembers
    the row of its last recurrence (dlast) and the length of its current run
    (dlen); column j likewise (vlast, vlen); a run ends when the next
    recurrence is not adjacent.  Work arrays of length N, initialised here.
    Returns (recurrent pairs i < j, those with j − i < w_diag)."""
    n = X.shape[0]
    buf = np.empty(_CHUNK)
    for k in range(n):
        dlast[k] = -2
        dlen[k] = 0
        vlast[k] = -2
        vlen[k] = 0
    n_up = 0
    n_near = 0
    for i in range(n):
        # column i: its upper half (rows < i) is complete
        up = vlen[i]
        touches = vlast[i] == i - 1  # the run reaches the diagonal
        if loi_vert:
            if up > 0 and not touches:
                vhist[up] += 1
            h = (up if touches else 0) + 1  # + the LOI; continues down row i
            hlast = i
        else:
            if up > 0:
                vhist[up] += 1
            h = 0
            hlast = -2
        for j0 in range(i + 1, n, _CHUNK):
            j1 = min(j0 + _CHUNK, n)
            _row_values(Xt, X[i], j0, j1, buf, metric)
            for jj in range(j1 - j0):
                if buf[jj] < tk:
                    j = j0 + jj
                    k = j - i
                    n_up += 1
                    if k < w_diag:
                        n_near += 1
                    else:
                        if dlast[k] == i - 1:
                            dlen[k] += 1
                        else:
                            r = dlen[k]
                            if r > 0:
                                dhist[r] += 1
                            dlen[k] = 1
                        dlast[k] = i
                    if k >= w_vert:
                        if vlast[j] == i - 1:
                            vlen[j] += 1
                        else:
                            r = vlen[j]
                            if r > 0:
                                vhist[r] += 1
                            vlen[j] = 1
                        vlast[j] = i
                        if hlast == j - 1:
                            h += 1
                        else:
                            if h > 0:
                                vhist[h] += 1
                            h = 1
                        hlast = j
        if h > 0:
            vhist[h] += 1
    for k in range(1, n):
        r = dlen[k]
        if r > 0:
            dhist[r] += 1
    return n_up, n_near


@jit
def _select_pass(X, Yt, sym, metric, lo, hi, cnt, bmin, bmax, out):
    """One pass over the pairs (i < j when sym, else all (i, j)) for the
    selection of an order statistic: counts the pair values below lo;
    histograms those in [lo, hi] over len(cnt) equal bins, with the smallest
    and largest value of each bin; copies them to out while it has room.
    Returns (number below lo, number in [lo, hi])."""
    nb = cnt.size
    for b in range(nb):
        cnt[b] = 0
        bmin[b] = np.inf
        bmax[b] = -np.inf
    width = hi - lo
    scale = nb / width
    exact_div = not np.isfinite(scale)  # a range so narrow that nb / width overflows
    buf = np.empty(_CHUNK)
    nx = X.shape[0]
    ny = Yt.shape[1]
    below = 0
    c = 0
    for i in range(nx):
        for j0 in range(i + 1 if sym else 0, ny, _CHUNK):
            j1 = min(j0 + _CHUNK, ny)
            _row_values(Yt, X[i], j0, j1, buf, metric)
            for j in range(j1 - j0):
                below += buf[j] < lo  # a loop that vectorises
            for j in range(j1 - j0):
                m = buf[j]
                if m >= lo and m <= hi:
                    # bin index: a monotone function of m (m == hi gives nb)
                    if width == 0.0:
                        b = 0
                    elif exact_div:
                        b = int((m - lo) / width * nb)
                    else:
                        b = int((m - lo) * scale)
                    if b >= nb:
                        b = nb - 1
                    cnt[b] += 1
                    if m < bmin[b]:
                        bmin[b] = m
                    if m > bmax[b]:
                        bmax[b] = m
                    if c < out.size:
                        out[c] = m
                    c += 1
    return below, c


@jit
def _sample_values(X, Yt, sym, metric, seed, out):
    """Pair values of len(out) pseudo-random pairs (splitmix64 indices)."""
    nx = X.shape[0]
    ny = Yt.shape[1]
    buf = np.empty(1)
    state = np.uint64(seed)
    k = 0
    while k < out.size:
        state += np.uint64(0x9E3779B97F4A7C15)
        z = state
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
        i = np.int64(z % np.uint64(nx))
        j = np.int64((z >> np.uint64(32)) % np.uint64(ny))
        if sym and i == j:
            continue
        _row_values(Yt, X[i], j, j + 1, buf, metric)
        out[k] = buf[0]
        k += 1


@jit
def _fill_matrix(X, Yt, sym, metric, tk, R):
    buf = np.empty(_CHUNK)
    nx = X.shape[0]
    ny = Yt.shape[1]
    for i in range(nx):
        if sym:
            R[i, i] = 0.0 < tk
        for j0 in range(i + 1 if sym else 0, ny, _CHUNK):
            j1 = min(j0 + _CHUNK, ny)
            _row_values(Yt, X[i], j0, j1, buf, metric)
            for j in range(j0, j1):
                r = buf[j - j0] < tk
                R[i, j] = r
                if sym:
                    R[j, i] = r


@jit
def _image_counts(X, Xt, tk, metric, block, counts):
    """counts[block[i], block[j]] += R_ij over i < j (upper pairs only)."""
    buf = np.empty(_CHUNK)
    n = X.shape[0]
    for i in range(n):
        bi = block[i]
        for j0 in range(i + 1, n, _CHUNK):
            j1 = min(j0 + _CHUNK, n)
            _row_values(Xt, X[i], j0, j1, buf, metric)
            for j in range(j0, j1):
                if buf[j - j0] < tk:
                    counts[bi, block[j]] += 1


# --------------------------------------------------------------------------
# Input checks


def _as_states(x, name="x"):
    try:
        a = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged nested sequences
        raise ValueError(f"{name}: expected a real array of shape (N,) or (N, d): {exc}") from exc
    if a.dtype.kind not in "iuf":
        raise ValueError(f"{name}: expected real numbers of shape (N,) or (N, d), got dtype {a.dtype}")
    a = a.astype(np.float64, copy=False)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2 or a.shape[1] < 1:
        raise ValueError(f"{name}: expected shape (N,) or (N, d) with d ≥ 1, got shape {np.shape(x)}")
    if a.shape[0] < 2:
        raise ValueError(f"{name}: need at least 2 states, got {a.shape[0]}")
    if not np.all(np.isfinite(a)):
        bad = int(np.flatnonzero(~np.all(np.isfinite(a), axis=1))[0])
        raise ValueError(f"{name}: all values must be finite; state {bad} is {a[bad].tolist()}")
    return np.ascontiguousarray(a)


def _metric_code(metric):
    key = metric.lower() if isinstance(metric, str) else metric
    if key not in METRICS:
        raise ValueError(f"metric: {metric!r} is not one of {sorted(METRICS)}")
    return METRICS[key]


def _convention(convention):
    if convention not in CONVENTIONS:
        raise ValueError(f"convention: {convention!r} is not one of {CONVENTIONS}")
    return convention


def _int_param(value, name, low, high=None):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name}: expected an integer, got {value!r}")
    v = int(value)
    if v < low or (high is not None and v > high):
        allowed = f"≥ {low}" if high is None else f"between {low} and {high}"
        raise ValueError(f"{name}: {v} is not allowed; it must be {allowed}")
    return v


def _threshold_choice(eps, recurrence_rate):
    if (eps is None) == (recurrence_rate is None):
        raise ValueError(
            f"eps, recurrence_rate: give exactly one of them (got eps={eps!r}, recurrence_rate={recurrence_rate!r})"
        )
    if eps is not None:
        if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not math.isfinite(eps) or eps < 0:
            raise ValueError(f"eps: {eps!r} is not allowed; the threshold must be a finite number ≥ 0")
        return float(eps), None
    q = recurrence_rate
    if isinstance(q, bool) or not isinstance(q, numbers.Real) or not (0.0 < q <= 1.0):
        raise ValueError(f"recurrence_rate: {q!r} is not allowed; it must be a number in (0, 1]")
    return None, float(q)


# --------------------------------------------------------------------------
# Thresholds


def _kernel_threshold(eps, metric, inclusive):
    """tk such that (m < tk) ⟺ (dist < eps), or (dist ≤ eps) when inclusive,
    where dist = m except for the Euclidean norm, dist = sqrt(m)."""
    e = float(np.nextafter(eps, np.inf)) if inclusive else float(eps)
    if metric != _EUCLIDEAN or e == 0.0 or math.isinf(e):
        return e
    # smallest double t with sqrt(t) ≥ e: sqrt is correctly rounded and
    # monotone, so m < t ⟺ sqrt(m) < e for every double m ≥ 0
    t = e * e
    if math.isinf(t):
        return t
    while t > 0.0 and math.sqrt(float(np.nextafter(t, 0.0))) >= e:
        t = float(np.nextafter(t, 0.0))
    while math.sqrt(t) < e:
        t = float(np.nextafter(t, np.inf))
    return t


def _upper_bound(X, Y, metric):
    """A value ≥ every pair value (bounding-box diameter, computed with the
    same monotone roundings as the pairs, then padded)."""
    with np.errstate(over="ignore"):
        span = np.maximum(X.max(axis=0), Y.max(axis=0)) - np.minimum(X.min(axis=0), Y.min(axis=0))
        if metric == _EUCLIDEAN:
            ub = float(np.sum(span * span))
        elif metric == _MAXIMUM:
            ub = float(span.max())
        else:
            ub = float(span.sum())
    if not math.isfinite(ub):
        raise ValueError("x: the values are so large that the distances overflow; rescale the data")
    return ub * (1.0 + 1e-12) + 1e-300


class _PairSelector:
    """Exact order statistics of the pair values, in O(N) memory.

    A pseudo-random sample of pairs brackets the wanted rank.  Each pass over
    all the pairs counts the values below the bracket [lo, hi] exactly,
    histograms those inside and copies them to a buffer of ``cap`` values;
    if they fit, the buffer is sorted and the rank read off (usually after
    one pass).  Otherwise the bin holding the rank — its exact smallest and
    largest value — becomes the next bracket.  A sampled bracket that misses
    the rank is replaced by the full range [0, upper bound]."""

    SAMPLE = 200_000

    def __init__(self, X, Y, sym, metric):
        self.X, self.Y, self.sym, self.metric = X, Y, sym, metric
        self.Yt = np.ascontiguousarray(Y.T)
        nx, ny = X.shape[0], Y.shape[0]
        self.total = nx * (nx - 1) // 2 if sym else nx * ny
        self.cap = min(self.total, max(1 << 16, 32 * max(nx, ny)))
        self.ub = _upper_bound(X, Y, metric)
        self._found = None  # (below, sorted values) of the last collection

    def _sample_bracket(self, rank):
        v = np.empty(min(self.SAMPLE, 4 * self.total))
        _sample_values(self.X, self.Yt, self.sym, self.metric, 20071, v)
        v.sort()
        p = (rank + 0.5) / self.total
        margin = 6.0 * math.sqrt(p * (1.0 - p) / v.size) + 2.0 / v.size
        a = math.floor((p - margin) * v.size)
        b = math.ceil((p + margin) * v.size)
        lo = float(v[a]) if a > 0 else 0.0
        hi = float(v[b]) if b < v.size else self.ub
        return lo, hi

    def value(self, rank):
        if not 0 <= rank < self.total:
            raise IndexError(rank)
        if self._found is not None:
            below, vals = self._found
            if below <= rank < below + vals.size:
                return float(vals[rank - below])
        cnt = np.empty(_NBINS, np.int64)
        bmin = np.empty(_NBINS)
        bmax = np.empty(_NBINS)
        out = np.empty(self.cap)
        args = (self.X, self.Yt, self.sym, self.metric)
        sampled = self.total > self.cap
        lo, hi = self._sample_bracket(rank) if sampled else (0.0, self.ub)
        while True:
            below, count = _select_pass(*args, lo, hi, cnt, bmin, bmax, out)
            if not below <= rank < below + count:  # only a sampled bracket can miss
                if not sampled:
                    raise RuntimeError(f"pair selection: rank {rank} not in [0, {self.ub}]")
                sampled = False
                lo, hi = 0.0, self.ub
                continue
            sampled = False
            if lo == hi:
                return lo
            if count <= self.cap:
                vals = np.sort(out[:count])
                self._found = (below, vals)
                return float(vals[rank - below])
            cum = np.cumsum(cnt)
            b = int(np.searchsorted(cum, rank - below, side="right"))
            lo, hi = float(bmin[b]), float(bmax[b])
            if lo == hi:
                return lo


def _full_order_statistic(selector, k, n_diag):
    """Entry k (0-based) of the sorted N² (or N·M) distance-matrix entries, as
    a pair value.  For a self-recurrence the sorted entries are n_diag zeros
    (the diagonal) and then every upper-triangle value twice."""
    if not selector.sym:
        return selector.value(k)
    if k < n_diag:
        return 0.0
    return selector.value((k - n_diag) // 2)


def _to_distance(m, metric):
    return math.sqrt(m) if metric == _EUCLIDEAN else m


def _threshold_from_rate(X, Y, sym, metric, q, convention):
    sel = _PairSelector(X, Y, sym, metric)
    n_diag = X.shape[0] if sym else 0
    n_all = X.shape[0] * Y.shape[0]
    if convention == "pyunicorn":
        k = int(q * (n_all - 1))  # pyunicorn: flat_distance[int(rate * (N - 1))]
        return _to_distance(_full_order_statistic(sel, k, n_diag), metric)
    # Julia's quantile (type 7): h = n p + (1 − p), 1-based
    h = n_all * q + (1.0 - q)
    j = min(max(int(h), 1), n_all - 1)
    g = min(max(h - j, 0.0), 1.0)
    a = _to_distance(_full_order_statistic(sel, j - 1, n_diag), metric)
    if g == 0.0:
        return a
    b = _to_distance(_full_order_statistic(sel, j, n_diag), metric)
    return a + g * (b - a)


def recurrence_threshold(x, recurrence_rate, metric="euclidean", convention=DEFAULT_CONVENTION, y=None):
    """The distance threshold ε that gives the recurrence rate ``recurrence_rate``.

    ``x``: states, shape (N,) or (N, d); ``y``: the second series of a
    cross-recurrence plot (shape (M,) or (M, d)), or None.  ``metric``:
    ``"euclidean"``, ``"maximum"`` or ``"manhattan"``.  ``convention``:
    ``"pyunicorn"`` (default) takes the entry ⌊q (N² − 1)⌋ (0-based) of the
    sorted distance-matrix entries (to be used with the strict "<"),
    ``"rqa.jl"`` the type-7 interpolated q-quantile (used with "≤"); see the
    module docstring for the exact rules.  Exact, in the units of x, computed
    without storing the matrix (two to three passes over the pairs).
    """
    X = _as_states(x)
    metric = _metric_code(metric)
    convention = _convention(convention)
    _, q = _threshold_choice(None, recurrence_rate)
    if y is None:
        return _threshold_from_rate(X, X, True, metric, q, convention)
    Y = _as_states(y, "y")
    if Y.shape[1] != X.shape[1]:
        raise ValueError(f"y: its states have dimension {Y.shape[1]}, those of x {X.shape[1]}")
    return _threshold_from_rate(X, Y, False, metric, q, convention)


def _resolve_eps(X, Y, sym, metric, eps, recurrence_rate, convention):
    eps, q = _threshold_choice(eps, recurrence_rate)
    _upper_bound(X, Y, metric)  # refuses data whose distances overflow
    if q is not None:
        eps = _threshold_from_rate(X, Y, sym, metric, q, convention)
    return eps


# --------------------------------------------------------------------------
# Explicit matrices (small N)


def _check_matrix_size(n, m):
    if n * m > MAX_MATRIX_ENTRIES:
        raise ValueError(
            f"x: a {n}×{m} matrix has {n * m:.3g} entries, more than the {MAX_MATRIX_ENTRIES:.0e} allowed; "
            "use rqa() / recurrence_image(), which never form the matrix"
        )


def recurrence_matrix(x, eps=None, recurrence_rate=None, metric="euclidean", theiler=0, convention=DEFAULT_CONVENTION):
    """The recurrence matrix R (bool, N×N) of the states ``x`` ((N,) or (N, d)).

    Give either ``eps`` (threshold, in the units of x) or ``recurrence_rate``
    (the threshold is then the order statistic described in the module
    docstring).  ``convention="pyunicorn"`` (default): R_ij = ‖x_i − x_j‖ < ε;
    ``"rqa.jl"``: ≤ ε.  ``theiler`` = w ≥ 0 sets the band |i − j| < w to False
    (w = 0, the default, keeps the whole matrix).  Memory N² bytes: refused
    above 2·10⁸ entries.
    """
    X = _as_states(x)
    metric = _metric_code(metric)
    convention = _convention(convention)
    n = X.shape[0]
    w = _int_param(theiler, "theiler", 0, n - 1)
    _check_matrix_size(n, n)
    eps = _resolve_eps(X, X, True, metric, eps, recurrence_rate, convention)
    R = np.empty((n, n), dtype=np.bool_)
    _fill_matrix(X, np.ascontiguousarray(X.T), True, metric, _kernel_threshold(eps, metric, convention == "rqa.jl"), R)
    if w > 0:
        for k in range(-(w - 1), w):
            idx = np.arange(max(0, -k), min(n, n - k))
            R[idx, idx + k] = False
    return R


def cross_recurrence_matrix(x, y, eps=None, recurrence_rate=None, metric="euclidean", convention=DEFAULT_CONVENTION):
    """The cross-recurrence matrix CR_ij = ‖x_i − y_j‖ < ε (pyunicorn) or ≤ ε
    (rqa.jl), bool, shape (N, M), of two series of states with the same
    dimension d: ``x`` (N,) or (N, d), ``y`` (M,) or (M, d).

    With ``recurrence_rate`` the threshold is the order statistic of the N·M
    cross distances (module docstring).  Equal to pyunicorn's
    ``CrossRecurrencePlot`` in the default convention.
    """
    X = _as_states(x)
    Y = _as_states(y, "y")
    if Y.shape[1] != X.shape[1]:
        raise ValueError(f"y: its states have dimension {Y.shape[1]}, those of x {X.shape[1]}")
    metric = _metric_code(metric)
    convention = _convention(convention)
    _check_matrix_size(X.shape[0], Y.shape[0])
    eps = _resolve_eps(X, Y, False, metric, eps, recurrence_rate, convention)
    R = np.empty((X.shape[0], Y.shape[0]), dtype=np.bool_)
    _fill_matrix(X, np.ascontiguousarray(Y.T), False, metric, _kernel_threshold(eps, metric, convention == "rqa.jl"), R)
    return R


# --------------------------------------------------------------------------
# Line histograms and measures


def _measures(dh, vh, n_points, rr_points, rr_denominator, lmin, vmin, convention):
    """RQA measures from the line histograms dh[l], vh[v] (number of lines of
    length l; index 0 unused).  n_points: the recurrent points the DET and
    LAM denominators count (rqa.jl); rr_points / rr_denominator = RR."""
    out = {"RR": rr_points / rr_denominator}
    for key, hist, lo in (("D", dh, lmin), ("V", vh, vmin)):
        n = hist.size - 1
        lengths = np.arange(0, n + 1)
        tail = hist[lo:]
        partial = int(np.arange(lo, n + 1) @ tail) if tail.size else 0
        number = int(tail.sum())
        nonzero = np.flatnonzero(hist)
        if convention == "pyunicorn":
            full = int(lengths[1:] @ hist[1:])
            ratio = partial / float(full + PYUNICORN_GUARD)
            mean = partial / float(number + PYUNICORN_GUARD)
            longest = int(nonzero[-1]) if nonzero.size else 0
            t = tail[tail != 0]
            p = t / float(t.sum() + PYUNICORN_GUARD)
            entropy = float(-(p * np.log(p)).sum())
        else:
            ratio = partial / n_points if number else 0.0
            mean = partial / number if number else 0.0
            longest = int(nonzero[-1]) if nonzero.size and nonzero[-1] >= lo else 0
            if number:
                t = tail[tail != 0]
                p = t / t.sum()
                entropy = float(-(p * np.log(p)).sum())
            else:
                entropy = math.nan
        if key == "D":
            if longest:
                div = 1.0 / longest
            else:
                div = math.nan if convention == "pyunicorn" else math.inf
            out.update(DET=ratio, L=mean, Lmax=longest, DIV=div, ENTR=entropy)
        else:
            out.update(LAM=ratio, TT=mean, Vmax=longest, VENTR=entropy)
    return {k: out[k] for k in MEASURES}


def _scan_self(X, tk, metric, w, convention):
    """Histograms and counts of the self-recurrence plot, O(N) memory."""
    n = X.shape[0]
    loi = 0.0 < tk  # the diagonal is recurrent
    w_vert = 0 if convention == "pyunicorn" else w
    dh = np.zeros(n + 1, np.int64)
    vh = np.zeros(n + 1, np.int64)
    work = np.empty((4, n), np.int64)
    Xt = np.ascontiguousarray(X.T)
    n_up, n_near = _scan(X, Xt, tk, metric, w, w_vert, bool(loi and w_vert == 0), dh, vh, *work)
    dh *= 2  # both triangles
    if w == 0 and loi:
        dh[n] += 1  # the LOI, one line of length N
    n_total = 2 * n_up + (n if loi else 0)
    n_outside = 2 * (n_up - n_near) + (n if (loi and w == 0) else 0)
    if convention == "pyunicorn":
        return dh, vh, n_total, n_total, n * n
    denominator = n * n if w == 0 else (n - w) * (n - w + 1)
    return dh, vh, n_outside, n_outside, denominator


def line_histograms(x, eps=None, recurrence_rate=None, metric="euclidean", theiler=1, convention=DEFAULT_CONVENTION):
    """Diagonal and vertical line-length histograms of the recurrence plot of ``x``.

    Returns a dict: ``"diagonal"`` and ``"vertical"`` (int64 arrays of length
    N + 1, entry l = number of lines of length exactly l; entry 0 unused),
    ``"recurrences"`` (recurrent points counted by RR and DET: the whole
    matrix for pyunicorn, the points outside the Theiler window for rqa.jl)
    and ``"eps"`` (the threshold used).  Lines are counted as described in the
    module docstring for ``convention``; pyunicorn's ``diagline_dist()[l-1]``
    and ``vertline_dist()[l-1]`` equal ours at l (``theiler=1``).
    O(N) memory.
    """
    X = _as_states(x)
    metric = _metric_code(metric)
    convention = _convention(convention)
    w = _int_param(theiler, "theiler", 0, X.shape[0] - 1)
    eps = _resolve_eps(X, X, True, metric, eps, recurrence_rate, convention)
    tk = _kernel_threshold(eps, metric, convention == "rqa.jl")
    dh, vh, n_points, _, _ = _scan_self(X, tk, metric, w, convention)
    return {"diagonal": dh, "vertical": vh, "recurrences": n_points, "eps": eps}


def rqa(
    x,
    eps=None,
    recurrence_rate=None,
    metric="euclidean",
    theiler=1,
    lmin=2,
    vmin=2,
    convention=DEFAULT_CONVENTION,
):
    """Recurrence quantification analysis of the states ``x`` in O(N) memory.

    Parameters
    ----------
    x : array (N,) or (N, d)
        The states (e.g. a delay embedding), in any units; N ≥ 2.
    eps : float ≥ 0, optional
        Recurrence threshold, in the units of x.  Give ``eps`` or
        ``recurrence_rate``.
    recurrence_rate : float in (0, 1], optional
        Choose ε as the order statistic of the N² distance-matrix entries that
        gives this recurrence rate (rules in the module docstring).
    metric : "euclidean" (default), "maximum" or "manhattan"
    theiler : int ≥ 0, default 1
        Theiler window w: the diagonals |i − j| < w are left out of the line
        counts (and, for ``convention="rqa.jl"``, out of RR and the vertical
        lines).  1 excludes the line of identity only.  Densely sampled flows
        need w of the order of the autocorrelation time, otherwise the
        diagonals next to the LOI make Lmax ≈ N and DET ≈ 1 meaningless.
    lmin, vmin : int ≥ 1, default 2
        Shortest diagonal / vertical line counted by DET, L, ENTR / LAM, TT,
        VENTR.
    convention : "pyunicorn" (default) or "rqa.jl"
        The counting rules (module docstring).  The default equals pyunicorn's
        ``RecurrencePlot`` (``theiler=1``) to round-off.

    Returns
    -------
    dict with RR, DET, L, Lmax, DIV, ENTR, LAM, TT, Vmax, VENTR (floats;
    Lmax, Vmax ints; lengths in samples; entropies in nats) and ``eps``, the
    threshold used.

    Reference: N. Marwan, M. C. Romano, M. Thiel, J. Kurths, Phys. Rep. 438,
    237 (2007).
    """
    X = _as_states(x)
    metric = _metric_code(metric)
    convention = _convention(convention)
    n = X.shape[0]
    w = _int_param(theiler, "theiler", 0, n - 1)
    lmin = _int_param(lmin, "lmin", 1)
    vmin = _int_param(vmin, "vmin", 1)
    eps = _resolve_eps(X, X, True, metric, eps, recurrence_rate, convention)
    return _rqa_states(X, eps, metric, w, lmin, vmin, convention)


def _rqa_states(X, eps, metric, w, lmin, vmin, convention):
    tk = _kernel_threshold(eps, metric, convention == "rqa.jl")
    dh, vh, n_points, rr_points, rr_den = _scan_self(X, tk, metric, w, convention)
    out = _measures(dh, vh, n_points, rr_points, rr_den, lmin, vmin, convention)
    out["eps"] = eps
    return out


def _runs(a):
    """Lengths of the runs of True in the 1-D bool array a."""
    if a.size == 0:
        return np.zeros(0, np.int64)
    d = np.diff(np.concatenate(([0], a.astype(np.int8), [0])))
    return np.flatnonzero(d == -1) - np.flatnonzero(d == 1)


def _matrix_histograms(R, w_diag, w_vert):
    """Line histograms of an explicit matrix (entry l = number of lines of
    length l): diagonals k = j − i with |k| ≥ w_diag; columns with the points
    |i − j| < w_vert removed."""
    n, m = R.shape
    dh = np.zeros(max(n, m) + 1, np.int64)
    vh = np.zeros(n + 1, np.int64)
    for k in range(-(n - 1), m):
        if abs(k) >= w_diag:
            np.add.at(dh, _runs(np.diagonal(R, k)), 1)
    rows = np.arange(n)
    for j in range(m):
        np.add.at(vh, _runs(R[:, j] & ~(np.abs(rows - j) < w_vert)), 1)
    return dh, vh


def rqa_from_matrix(R, theiler=None, lmin=2, vmin=2, convention=DEFAULT_CONVENTION, cross=False):
    """RQA measures of an explicit recurrence matrix ``R`` (bool, N×M).

    For small matrices: hand-made examples, cross-recurrence matrices, or a
    check of :func:`rqa`.  ``cross=False``: a (square) recurrence plot; RR,
    lines and the Theiler window follow ``convention`` exactly as in
    :func:`rqa`.  ``cross=True``: a cross-recurrence plot, where both
    conventions count RR over all N·M entries and every diagonal k = j − i
    with |k| ≥ ``theiler`` (default 0 for cross, 1 otherwise); rqa.jl also
    removes the window's points from RR and the vertical lines, as
    RecurrenceAnalysis.jl does for its ``CrossRecurrenceMatrix``.  Vertical
    lines run along the columns.  Lines are counted on the matrix as given:
    pyunicorn's RR and vertical lines include whatever the diagonal holds.
    """
    R = np.asarray(R)
    if R.ndim != 2 or min(R.shape) < 1:
        raise ValueError(f"R: expected a 2-D matrix, got shape {R.shape}")
    if R.dtype != np.bool_:
        if not np.all((R == 0) | (R == 1)):
            raise ValueError("R: entries must be 0/1 or bool")
        R = R.astype(np.bool_)
    n, m = R.shape
    if not cross and n != m:
        raise ValueError(f"R: a recurrence plot (cross=False) must be square, got shape {R.shape}")
    convention = _convention(convention)
    if theiler is None:
        theiler = 0 if cross else 1
    w = _int_param(theiler, "theiler", 0, max(n, m) - 1)
    lmin = _int_param(lmin, "lmin", 1)
    vmin = _int_param(vmin, "vmin", 1)
    w_vert = 0 if convention == "pyunicorn" else w
    dh, vh = _matrix_histograms(R, w, w_vert)
    inside = np.abs(np.arange(n)[:, None] - np.arange(m)[None, :]) < w  # Theiler band
    if convention == "pyunicorn":
        total = int(R.sum())
        return _measures(dh, vh, total, total, n * m, lmin, vmin, convention)
    outside = int((R & ~inside).sum())
    if cross or w == 0:
        denominator = n * m
    else:
        denominator = (n - w) * (n - w + 1)
    return _measures(dh, vh, outside, outside, denominator, lmin, vmin, convention)


# --------------------------------------------------------------------------
# Windowed RQA and a display image


def windowed_rqa(
    x,
    window,
    step,
    eps=None,
    recurrence_rate=None,
    metric="euclidean",
    theiler=1,
    lmin=2,
    vmin=2,
    convention=DEFAULT_CONVENTION,
):
    """RQA over sliding windows of ``window`` states advanced by ``step``.

    Window k covers the states [k·step, k·step + window).  With ``eps`` the
    same threshold is used in every window (so RR varies along the series);
    with ``recurrence_rate`` each window gets its own threshold (so RR is
    about constant and the other measures are compared at equal density).
    Other parameters as in :func:`rqa`.  Returns a dict of arrays, one entry
    per window: ``"start"`` (first state index), ``"center"`` (start +
    (window − 1)/2), ``"eps"`` and the RQA measures.  O(window) memory; time
    O(n_windows · window²).
    """
    X = _as_states(x)
    n = X.shape[0]
    window = _int_param(window, "window", 2, n)
    step = _int_param(step, "step", 1)
    metric = _metric_code(metric)
    convention = _convention(convention)
    w = _int_param(theiler, "theiler", 0, window - 1)
    lmin = _int_param(lmin, "lmin", 1)
    vmin = _int_param(vmin, "vmin", 1)
    eps, q = _threshold_choice(eps, recurrence_rate)
    _upper_bound(X, X, metric)  # refuses data whose distances overflow
    starts = np.arange(0, n - window + 1, step)
    rows = []
    for s in starts:
        W = X[s : s + window]
        e = eps if q is None else _threshold_from_rate(W, W, True, metric, q, convention)
        rows.append(_rqa_states(W, e, metric, w, lmin, vmin, convention))
    out = {"start": starts, "center": starts + (window - 1) / 2.0}
    for key in ("eps", *MEASURES):
        dtype = np.int64 if key in ("Lmax", "Vmax") else np.float64
        out[key] = np.array([r[key] for r in rows], dtype=dtype)
    return out


def recurrence_image(x, size=512, eps=None, recurrence_rate=None, metric="euclidean", convention=DEFAULT_CONVENTION):
    """A ``size``×``size`` image of the recurrence plot of ``x`` for display.

    Pixel (a, b) is the recurrence density of the block of the N×N matrix with
    rows i, a = ⌊i·size/N⌋, and columns j, b = ⌊j·size/N⌋: the fraction of
    recurrent entries, in [0, 1] (float64, row-major, row 0 = state 0).
    The image has min(size, N) pixels a side; with size ≥ N it is the matrix
    itself.  Time O(N²), memory O(size² + N): any N.  ``eps`` /
    ``recurrence_rate``, ``metric`` and ``convention`` as in :func:`rqa`.
    """
    X = _as_states(x)
    n = X.shape[0]
    size = min(_int_param(size, "size", 1), n)
    metric = _metric_code(metric)
    convention = _convention(convention)
    eps = _resolve_eps(X, X, True, metric, eps, recurrence_rate, convention)
    tk = _kernel_threshold(eps, metric, convention == "rqa.jl")
    block = (np.arange(n, dtype=np.int64) * size) // n
    counts = np.zeros((size, size), np.int64)
    _image_counts(X, np.ascontiguousarray(X.T), tk, metric, block, counts)
    counts = counts + counts.T
    if 0.0 < tk:
        np.add.at(counts, (block, block), 1)  # the LOI
    rows = np.bincount(block, minlength=size).astype(np.float64)
    return counts / (rows[:, None] * rows[None, :])
