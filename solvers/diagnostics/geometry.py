"""Geometry and statistics of trajectories: thin, validated wrappers around scipy
where scipy already does the job, plus the trajectory measures of the ENSO
sonification study.

- :func:`hull_area` — area of the convex hull of 2-D points (scipy.spatial.ConvexHull).
- :func:`path_length` — length of the polyline through the samples.
- :func:`revisit_rate` — fraction of pairs of (subsampled) states, separated in
  time, that lie within a radius of each other.
- :func:`exploration_index` — hull area per unit path length.
- :func:`kde` and :func:`kde_grid` — Gaussian kernel density estimates
  (scipy.stats.gaussian_kde).
- :func:`welch_psd` — Welch power spectral density (scipy.signal.welch).
- :func:`autocorrelation` — normalised autocorrelation by FFT.

The trajectory measures (hull area, path length, revisit rate, exploration
index) are those of S. H. S. Herho, R. Suwarman, N. J. Trilaksono, I. P. Anwar
& F. R. Fajary, "Preliminary sonification of ENSO using traditional Javanese
gamelan scales", arXiv:2602.14560 (2026), where they are applied to the
(spectral centroid, RMS energy) trajectory of the audio, each axis
normalised to [0, 1].  The definitions here follow that study's published
analysis code; the defaults of :func:`revisit_rate` reproduce it.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from scipy import signal, stats
from scipy.spatial import ConvexHull, QhullError

from ..integrators.kernel_types import jit


def _points(xy, name: str = "xy", dim: int | None = None, min_len: int = 1) -> np.ndarray:
    a = np.asarray(xy, dtype=np.float64)
    if a.ndim != 2 or (dim is not None and a.shape[1] != dim):
        want = f"(N, {dim})" if dim is not None else "(N, d)"
        raise ValueError(f"{name}: an array of shape {a.shape} is not allowed; expected {want}")
    if a.shape[0] < min_len:
        raise ValueError(f"{name}: {a.shape[0]} points are too few; expected at least {min_len}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: contains NaN or inf; expected finite values")
    return np.ascontiguousarray(a)


def _series(x, name: str = "x", min_len: int = 2) -> np.ndarray:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 1:
        raise ValueError(f"{name}: an array of shape {a.shape} is not allowed; expected a 1-D series")
    if a.size < min_len:
        raise ValueError(f"{name}: {a.size} samples are too few; expected at least {min_len}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: contains NaN or inf; expected finite values")
    return a


def _int(name: str, value, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < low:
        raise ValueError(f"{name}: {value!r} is not allowed; expected an integer ≥ {low}")
    return int(value)


def _positive(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name}: {value!r} is not allowed; expected a positive finite number")
    return float(value)


def _normalize01(a: np.ndarray) -> np.ndarray:
    lo = a.min(axis=0)
    span = a.max(axis=0) - lo
    span[span == 0] = 1.0
    return (a - lo) / span


# ----------------------------------------------------------------------------
# trajectory measures


def hull_area(xy) -> float:
    """Area of the convex hull of 2-D points ``xy`` (N, 2).

    Uses scipy.spatial.ConvexHull (Qhull); in 2-D its ``volume`` is the area.
    Degenerate sets — fewer than three distinct points, or all points on one
    line — have area 0.0 (as in the ENSO sonification study's code).  Units:
    the product of the units of the two axes.
    """
    a = _points(xy, dim=2)
    u = np.unique(a, axis=0)
    if u.shape[0] < 3:
        return 0.0
    try:
        return float(ConvexHull(u).volume)
    except QhullError:
        return 0.0  # collinear points: Qhull cannot build a 2-D hull


def path_length(xy) -> float:
    """Length of the polyline through the samples: Σ ‖x_{i+1} − x_i‖ (Euclidean).

    ``xy``: (N, d) points in time order (any d ≥ 1; a 1-D series gives its
    total variation).  One point has length 0.
    """
    a = np.asarray(xy, dtype=np.float64)
    if a.ndim == 1:
        a = a[:, None]
    a = _points(a)
    if a.shape[0] < 2:
        return 0.0
    return float(np.sum(np.sqrt(np.sum(np.diff(a, axis=0) ** 2, axis=1))))


def exploration_index(xy) -> float:
    """Hull area per unit path length, :func:`hull_area` / :func:`path_length`
    (0 for a trajectory that does not move) — the ENSO sonification study's
    "exploration index"."""
    length = path_length(xy)
    return hull_area(xy) / length if length > 0 else 0.0


@jit
def _close_pairs(P, theiler, r2):
    n = P.shape[0]
    close = 0
    for i in range(n):
        for j in range(i + theiler, n):
            s = 0.0
            for c in range(P.shape[1]):
                t = P[i, c] - P[j, c]
                s += t * t
            if s < r2:
                close += 1
    return close


def revisit_rate(xy, radius: float = 0.05, *, theiler: int = 5, stride: int = 10, normalize: bool = False) -> float:
    """Fraction of pairs of trajectory points, separated in time, closer than ``radius``.

    Definition (that of the ENSO sonification study's analysis code, whose
    defaults these are): keep every ``stride``-th point of ``xy`` (N, d),
    giving M points p_0 … p_{M−1}; over all pairs (i, j) with
    j − i ≥ ``theiler`` (in kept points), count those with
    ‖p_i − p_j‖ < ``radius`` (Euclidean, strict) and divide by the number of
    such pairs.  It is a recurrence rate with a Theiler window: near 0 for a
    trajectory that never comes back, larger for one that cycles.  The study
    normalised each axis to [0, 1] first, so its radius 0.05 is 5 % of the
    range; ``normalize=True`` does that min–max normalisation here.  Returns 0
    when there are no admissible pairs (fewer than theiler + 1 kept points).
    O(M²) time, O(1) extra memory.
    """
    a = np.asarray(xy, dtype=np.float64)
    if a.ndim == 1:
        a = a[:, None]
    a = _points(a)
    radius = _positive("radius", radius)
    theiler = _int("theiler", theiler, 1)
    stride = _int("stride", stride, 1)
    p = np.ascontiguousarray(a[::stride])
    if normalize:
        p = _normalize01(p)
    m = p.shape[0]
    total = (m - theiler) * (m - theiler + 1) // 2 if m > theiler else 0
    if total == 0:
        return 0.0
    return _close_pairs(p, theiler, radius * radius) / total


# ----------------------------------------------------------------------------
# densities, spectra, correlations


def _kde_data(samples) -> np.ndarray:
    a = np.asarray(samples, dtype=np.float64)
    if a.ndim == 1:
        a = a[:, None]
    a = _points(a, "samples", min_len=2)
    if a.shape[1] > a.shape[0] - 1:
        raise ValueError(f"samples: {a.shape[0]} samples in {a.shape[1]} dimensions are too few for a covariance")
    return a


def _make_kde(a: np.ndarray, bw_method, weights):
    if weights is not None:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != (a.shape[0],) or not np.all(np.isfinite(w)) or np.any(w < 0) or not w.sum() > 0:
            raise ValueError(f"weights: expected {a.shape[0]} finite non-negative weights, not all zero")
        weights = w
    if not (bw_method in ("scott", "silverman") or callable(bw_method)):
        if isinstance(bw_method, bool) or not isinstance(bw_method, numbers.Real) or not bw_method > 0:
            raise ValueError(
                f"bw_method: {bw_method!r} is not allowed; "
                "expected 'scott', 'silverman', a positive factor or a callable"
            )
    try:
        return stats.gaussian_kde(a.T, bw_method=bw_method, weights=weights)
    except np.linalg.LinAlgError:
        raise ValueError("samples: the samples lie in a lower-dimensional subspace (singular covariance)") from None


def kde(samples, points, bw_method="scott", weights=None) -> np.ndarray:
    """Gaussian kernel density estimate of ``samples`` evaluated at ``points``.

    ``samples``: (N,) or (N, d); ``points``: (M,) or (M, d) with the same d.
    A thin wrapper of scipy.stats.gaussian_kde: the kernel covariance is the
    sample covariance times factor², with factor from ``bw_method`` —
    "scott" (default, N_eff^(−1/(d+4))), "silverman"
    ((N_eff (d+2)/4)^(−1/(d+4))), a positive number, or a callable.
    ``weights``: optional non-negative sample weights.  Returns the density
    (integrates to 1 over the whole space) at each point, shape (M,).
    """
    a = _kde_data(samples)
    p = np.asarray(points, dtype=np.float64)
    if p.ndim == 1 and a.shape[1] == 1:
        p = p[:, None]
    p = _points(p, "points", dim=a.shape[1])
    return _make_kde(a, bw_method, weights)(p.T)


def kde_grid(samples, size: int = 128, extent=None, bw_method="scott", weights=None):
    """Gaussian KDE on a regular grid, for plotting a 1-D density or a 2-D image.

    ``samples``: (N,) or (N, 2).  ``size``: grid points per axis.
    ``extent``: (lo, hi) in 1-D or (x_lo, x_hi, y_lo, y_hi) in 2-D; default
    the data range padded by three kernel standard deviations on each side.
    Returns ``(axes, density)``: in 1-D ``axes`` is the grid and ``density``
    its values; in 2-D ``axes = (x, y)`` and ``density[iy, ix]`` is row-major
    (y, x) as images are.  Cost O(N · size^d).
    """
    a = _kde_data(samples)
    d = a.shape[1]
    if d > 2:
        raise ValueError(f"samples: {d}-dimensional samples are not allowed on a grid; expected 1 or 2 dimensions")
    size = _int("size", size, 2)
    k = _make_kde(a, bw_method, weights)
    if extent is None:
        pad = 3.0 * np.sqrt(np.diag(k.covariance))
        lo, hi = a.min(axis=0) - pad, a.max(axis=0) + pad
    else:
        e = np.asarray(extent, dtype=np.float64).ravel()
        if e.size != 2 * d or not np.all(np.isfinite(e)) or np.any(e[1::2] <= e[0::2]):
            raise ValueError(f"extent: {extent!r} is not allowed; expected {2 * d} finite numbers (lo, hi) per axis")
        lo, hi = e[0::2], e[1::2]
    axes = [np.linspace(lo[c], hi[c], size) for c in range(d)]
    if d == 1:
        return axes[0], k(axes[0][None, :])
    gx, gy = np.meshgrid(axes[0], axes[1])
    dens = k(np.vstack([gx.ravel(), gy.ravel()])).reshape(size, size)
    return (axes[0], axes[1]), dens


def welch_psd(x, fs: float = 1.0, nperseg: int | None = None, window="hann", detrend="constant", scaling="density"):
    """Welch power spectral density of a real series: (frequencies, power).

    A validated wrapper of scipy.signal.welch (P. D. Welch, IEEE Trans. Audio
    Electroacoust. 15, 70 (1967)): segments of ``nperseg`` samples (default
    min(N, 256)) overlapping by half, each tapered by ``window`` (default
    Hann) after removing its mean (``detrend="constant"``), periodograms
    averaged.  ``fs``: sampling frequency (frequencies come out in the same
    unit).  ``scaling="density"`` (default) gives a one-sided PSD in
    units²/frequency whose integral over frequency is the variance;
    ``"spectrum"`` gives the power in each bin (units²).
    """
    a = _series(x, min_len=2)
    fs = _positive("fs", fs)
    if nperseg is None:
        nperseg = min(a.size, 256)
    nperseg = _int("nperseg", nperseg, 2)
    if nperseg > a.size:
        raise ValueError(f"nperseg: {nperseg} is longer than the series ({a.size} samples)")
    if scaling not in ("density", "spectrum"):
        raise ValueError(f"scaling: {scaling!r} is not allowed; choose 'density' or 'spectrum'")
    if detrend not in ("constant", "linear", False):
        raise ValueError(f"detrend: {detrend!r} is not allowed; choose 'constant', 'linear' or False")
    try:
        return signal.welch(a, fs=fs, window=window, nperseg=nperseg, detrend=detrend, scaling=scaling)
    except ValueError as exc:
        raise ValueError(f"window: {window!r} is not allowed ({exc})") from None


def autocorrelation(x, max_lag: int | None = None, *, unbiased: bool = False, demean: bool = True) -> np.ndarray:
    """Normalised autocorrelation r(k), k = 0 … max_lag, computed by FFT.

    With y = x − mean(x) (``demean=True``, default) and
    c(k) = Σ_{t=0}^{N−1−k} y_t y_{t+k}, the default (biased) estimate is
    r(k) = c(k)/c(0) — the standard estimator, a positive semi-definite
    sequence that tapers like (N − k)/N.  ``unbiased=True`` divides each c(k)
    by the number of terms N − k first: r(k) = [c(k)/(N−k)] / [c(0)/N], for
    which a sinusoid gives cos(ωk) at every lag (up to O(1/(N−k))).
    r(0) = 1.  Zero-padded FFT to ≥ 2N − 1 points, so there is no circular
    wrap-around; O(N log N).  ``max_lag`` defaults to N − 1.
    """
    a = _series(x, min_len=2)
    n = a.size
    if max_lag is None:
        max_lag = n - 1
    max_lag = _int("max_lag", max_lag, 0)
    if max_lag > n - 1:
        raise ValueError(f"max_lag: {max_lag} is not allowed; expected at most N − 1 = {n - 1}")
    y = a - a.mean() if demean else a
    nfft = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(y, nfft)
    c = np.fft.irfft(f * np.conj(f), nfft)[: max_lag + 1]
    if not c[0] > 0:
        raise ValueError("x: the series is constant (after removing the mean); its autocorrelation is undefined")
    if unbiased:
        c = c / (n - np.arange(max_lag + 1)) * n
    return c / c[0]
