"""Shannon, Rényi and Tsallis entropies of an explicit probability vector.

Every entropy here takes a *probability* ``p``: non-negative entries that sum
to 1.  Build it with one of the constructors, which guarantee Σp = 1:

- :func:`spatial_probability`   p_i = |ψ_i|² / Σ_j |ψ_j|² over the grid points of a field;
- :func:`spectral_probability`  the normalised power spectrum |ψ̂_k|² / Σ|ψ̂|²;
- :func:`histogram_probability` counts / total over stated bins and range.

The entropy functions refuse a vector whose sum is not 1 (within ``atol``).
That catches the classic mistake (REFERENCES §10): a probability *density*
sampled on a grid sums to 1/dx, not 1, and plugged into the discrete formulas
gives "entropies" above their maximum ln N.  The differential entropy of a
density is a different quantity; :func:`differential_entropy` estimates it
from a histogram as H(p) + Σ p_i ln Δ_i.

Logarithms are natural (entropies in nats).  ``normalized=True`` divides by
the maximum over all distributions on the same N states (the uniform one):
ln N for Shannon and Rényi, ln_q N = (N^{1−q} − 1)/(1 − q) for Tsallis, so
normalized values lie in [0, 1].  N is the number of states — the size of
``p``, zero entries included.

References: C. E. Shannon, Bell Syst. Tech. J. 27, 379 (1948); A. Rényi,
Proc. 4th Berkeley Symp. Math. Stat. Prob. 1, 547 (1961); C. Tsallis,
J. Stat. Phys. 52, 479 (1988).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

DEFAULT_ATOL = 1e-8  # |Σp − 1| allowed: float normalisation of 1e8 terms stays far below it

__all__ = [
    "check_probability",
    "differential_entropy",
    "histogram_probability",
    "renyi_entropy",
    "shannon_entropy",
    "spatial_probability",
    "spectral_probability",
    "tsallis_entropy",
]


def _real(name: str, value, *, low: float | None = None, allow_inf: bool = False, strict: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}: {value!r} is not a real number")
    v = float(value)
    bad = math.isnan(v) or (math.isinf(v) and not allow_inf)
    if low is not None and (v < low or (strict and v == low)):
        bad = True
    if bad:
        rel = ">" if strict else "≥"
        bound = f" {rel} {low:g}" if low is not None else ""
        fin = "" if allow_inf else " finite"
        raise ValueError(f"{name}: {value!r} is not allowed; expected a{fin} number{bound}")
    return v


def check_probability(p, *, atol: float = DEFAULT_ATOL, name: str = "p") -> np.ndarray:
    """Validate a probability vector and return it as a flat float64 array.

    ``p`` may have any shape (a field's grid); it must be real, finite,
    non-negative and sum to 1 within ``atol``.  A ValueError says which rule
    failed — in particular a vector summing to something else (such as a
    density that sums to 1/dx) is refused, never silently renormalised.
    """
    atol = _real("atol", atol, low=0.0, strict=True)
    a = np.asarray(p)
    if a.dtype == object or not (np.issubdtype(a.dtype, np.floating) or np.issubdtype(a.dtype, np.integer)):
        raise ValueError(f"{name}: dtype {a.dtype} is not allowed; expected real numbers (a probability vector)")
    a = np.ascontiguousarray(a, dtype=np.float64).ravel()
    if a.size == 0:
        raise ValueError(f"{name}: empty; expected at least one probability")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: contains NaN or inf; expected finite probabilities")
    if np.any(a < 0):
        raise ValueError(f"{name}: contains negative entries (min {a.min():g}); probabilities must be ≥ 0")
    s = math.fsum(a)
    if abs(s - 1.0) > atol:
        raise ValueError(
            f"{name}: sums to {s!r}, not 1 (within atol={atol:g}); entropies need a probability vector. "
            "A density sampled on a grid sums to 1/dx: do not plug it in — build p with "
            "spatial_probability, spectral_probability or histogram_probability"
        )
    return a


def _n_states(a: np.ndarray, n_states) -> int:
    if n_states is None:
        return a.size
    if isinstance(n_states, bool) or not isinstance(n_states, numbers.Integral) or n_states < a.size:
        raise ValueError(
            f"n_states: {n_states!r} is not allowed; expected an integer ≥ the number of entries of p ({a.size})"
        )
    return int(n_states)


def shannon_entropy(p, *, normalized: bool = False, n_states: int | None = None, atol: float = DEFAULT_ATOL) -> float:
    """Shannon entropy S = −Σ p_i ln p_i of a probability vector (nats).

    Parameters
    ----------
    p : array_like, any shape
        Probabilities (≥ 0, Σp = 1 within ``atol``; otherwise ValueError).
        Zero entries contribute 0 (0 ln 0 = 0).
    normalized : bool, default False
        Divide by the maximum ln N, giving a value in [0, 1].
    n_states : int, optional
        The number N of possible states when ``p`` lists only some of them
        (the rest have probability 0); default ``p.size``.
    atol : float
        Tolerance on |Σp − 1|.

    Reference: C. E. Shannon, Bell Syst. Tech. J. 27, 379 (1948).
    """
    a = check_probability(p, atol=atol)
    n = _n_states(a, n_states)
    nz = a[a > 0]
    s = float(-np.sum(nz * np.log(nz)))
    s = max(s, 0.0)  # −Σp ln p is ≥ 0; rounding of a delta may give −0 or −1e-17
    if normalized:
        return s / math.log(n) if n > 1 else 0.0
    return s


def renyi_entropy(
    p, alpha: float, *, normalized: bool = False, n_states: int | None = None, atol: float = DEFAULT_ATOL
) -> float:
    """Rényi entropy of order α: H_α = ln(Σ p_i^α) / (1 − α) (nats).

    Conventions: α ≥ 0; α = 1 is the Shannon entropy (the limit α → 1,
    which this function approaches continuously: while |Σp^α − 1| < ½ it
    evaluates −log1p(Σ p_i expm1((α−1) ln p_i)) / (α − 1), free of the
    cancellation of the textbook form near α = 1, elsewhere ln Σ p^α as a
    log-sum-exp); α = 0 gives the Hartley entropy ln #{p_i > 0};
    α = inf gives the min-entropy −ln max p_i.  Zero entries are left out
    (0^α = 0 for α > 0).

    Parameters
    ----------
    p : array_like
        Probabilities (see :func:`shannon_entropy`).
    alpha : float
        The order α ≥ 0 (inf allowed).
    normalized : bool, default False
        Divide by the maximum ln N (every order has its maximum ln N at the
        uniform distribution).
    n_states, atol :
        As in :func:`shannon_entropy`.

    Reference: A. Rényi, Proc. 4th Berkeley Symp. Math. Stat. Prob. 1, 547 (1961).
    """
    alpha = _real("alpha", alpha, low=0.0, allow_inf=True)
    a = check_probability(p, atol=atol)
    n = _n_states(a, n_states)
    nz = a[a > 0]
    if math.isinf(alpha):
        s = -math.log(float(nz.max()))
    elif alpha == 1.0:
        s = float(-np.sum(nz * np.log(nz)))
    elif alpha == 0.0:
        s = math.log(nz.size)
    else:
        d = alpha - 1.0
        lnp = np.log(nz)
        y = float(np.sum(nz * np.expm1(d * lnp)))  # Σp^α − 1, accurate near α = 1
        if abs(y) < 0.5:
            s = -math.log1p(y) / d
        else:  # far from α = 1: ln Σ p^α as a log-sum-exp (no underflow at large α)
            top = float(lnp.max())
            s = (alpha * top + math.log(float(np.sum(np.exp(alpha * (lnp - top)))))) / (1.0 - alpha)
    s = max(s, 0.0)
    if normalized:
        return s / math.log(n) if n > 1 else 0.0
    return s


def tsallis_entropy(
    p, q: float, *, normalized: bool = False, n_states: int | None = None, atol: float = DEFAULT_ATOL
) -> float:
    """Tsallis entropy S_q = (1 − Σ p_i^q) / (q − 1) (Boltzmann constant 1).

    Conventions: q > 0; q = 1 is the Shannon entropy, approached
    continuously (evaluated as −Σ p_i expm1((q−1) ln p_i) / (q − 1)); zero
    entries are left out (0^q = 0 for q > 0).

    Parameters
    ----------
    p : array_like
        Probabilities (see :func:`shannon_entropy`).
    q : float
        The entropic index q > 0.
    normalized : bool, default False
        Divide by the maximum ln_q N = (N^{1−q} − 1)/(1 − q), reached by the
        uniform distribution (ln N at q = 1).
    n_states, atol :
        As in :func:`shannon_entropy`.

    Reference: C. Tsallis, J. Stat. Phys. 52, 479 (1988).
    """
    q = _real("q", q, low=0.0, strict=True)
    a = check_probability(p, atol=atol)
    n = _n_states(a, n_states)
    nz = a[a > 0]
    d = q - 1.0
    s = float(-np.sum(nz * np.log(nz))) if d == 0.0 else float(-np.sum(nz * np.expm1(d * np.log(nz)))) / d
    s = max(s, 0.0)
    if normalized:
        if n == 1:
            return 0.0
        smax = math.log(n) if d == 0.0 else -math.expm1(-d * math.log(n)) / d
        return s / smax
    return s


# ---------------------------------------------------------------------------
# Probability constructors: each returns entries that sum to 1.


def _finalize(w: np.ndarray, what: str) -> np.ndarray:
    total = math.fsum(w.ravel())
    if not total > 0 or not math.isfinite(total):
        raise ValueError(f"{what}: total weight is {total!r}; expected a positive finite total")
    p = w / total
    # One more pass removes the last rounding of the division: Σp = 1 to ~1 ulp per 1e16 terms.
    return p / math.fsum(p.ravel())


def spatial_probability(psi) -> np.ndarray:
    """p_i = |ψ_i|² / Σ_j |ψ_j|² over the grid points of a field (same shape as ψ).

    The discrete probability of finding the "mass" at grid point i — not the
    density |ψ|²/∫|ψ|²dx, which sums to 1/dx.  ψ may be real or complex, of
    any shape; it must be finite and not identically zero.
    """
    a = np.asarray(psi)
    if not (np.issubdtype(a.dtype, np.number)) or a.size == 0:
        raise ValueError(f"psi: expected a non-empty numeric array, got dtype {a.dtype} and shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError("psi: contains NaN or inf; expected a finite field")
    w = (a.real.astype(np.float64) ** 2) + (a.imag.astype(np.float64) ** 2 if np.iscomplexobj(a) else 0.0)
    return _finalize(np.asarray(w, dtype=np.float64), "psi")


def spectral_probability(x, *, remove_mean: bool = False, onesided: bool | None = None) -> np.ndarray:
    """The normalised power spectrum p_k = |x̂_k|² / Σ_k |x̂_k|².

    Conventions: x̂ is the discrete Fourier transform over all axes of ``x``
    (no window, no detrending).  For real 1-D input the default is the
    one-sided spectrum over k = 0 … ⌊n/2⌋, the bins ±k merged (interior bins
    doubled), so p has ⌊n/2⌋ + 1 entries; ``onesided=False`` keeps all n
    two-sided bins (always so for complex or multi-dimensional input).  The
    mean (k = 0 bin) is kept unless ``remove_mean=True``; by Parseval the
    result does not depend on the FFT's normalisation.

    Parameters
    ----------
    x : array_like
        A real or complex signal or field, finite, not identically zero
        (after mean removal, if asked).
    remove_mean : bool, default False
        Subtract the mean first (spectral entropy of the fluctuations).
    onesided : bool or None
        None: one-sided for real 1-D input, two-sided otherwise.
    """
    a = np.asarray(x)
    if not np.issubdtype(a.dtype, np.number) or a.size == 0:
        raise ValueError(f"x: expected a non-empty numeric array, got dtype {a.dtype} and shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError("x: contains NaN or inf; expected a finite signal")
    real_1d = a.ndim == 1 and not np.iscomplexobj(a)
    if onesided is None:
        onesided = real_1d
    elif onesided and not real_1d:
        raise ValueError(
            f"onesided: True needs a real 1-D signal; x is {'complex' if np.iscomplexobj(a) else 'real'} "
            f"with shape {a.shape}"
        )
    a = a.astype(np.complex128 if np.iscomplexobj(a) else np.float64)
    if remove_mean:
        a = a - a.mean()
    if onesided:
        n = a.size
        power = np.abs(np.fft.rfft(a)) ** 2
        last = n // 2 if n % 2 == 0 else n // 2 + 1  # the Nyquist bin (even n) has no partner
        power[1:last] *= 2.0
    else:
        power = np.abs(np.fft.fftn(a)) ** 2
    return _finalize(power, "x (its power spectrum)")


def histogram_probability(x, bins, range=None, *, outside: str = "error") -> tuple[np.ndarray, np.ndarray]:
    """Histogram probabilities over stated bins: (p, edges), p_i = n_i / Σn.

    Parameters
    ----------
    x : array_like
        Samples (any shape, flattened), finite.
    bins : int or array_like
        Either a number of equal bins over ``range``, or the bin edges
        (strictly increasing, at least two; ``range`` must then be None).
        Bins are half-open [e_i, e_{i+1}) except the last, which includes
        its right edge (numpy's rule).
    range : (lo, hi)
        Required with an integer ``bins``: stated, never inferred from the data.
    outside : {"error", "drop"}
        Samples outside the bins raise a ValueError (default) or are
        dropped, p then being the distribution conditional on the range.

    Returns
    -------
    p : ndarray (nbins,), sums to 1
    edges : ndarray (nbins + 1,)
    """
    a = np.asarray(x)
    if not (np.issubdtype(a.dtype, np.floating) or np.issubdtype(a.dtype, np.integer)) or a.size == 0:
        raise ValueError(f"x: expected non-empty real samples, got dtype {a.dtype} and shape {a.shape}")
    a = a.astype(np.float64).ravel()
    if not np.all(np.isfinite(a)):
        raise ValueError("x: contains NaN or inf; expected finite samples")
    if outside not in ("error", "drop"):
        raise ValueError(f"outside: {outside!r} is not allowed; expected 'error' or 'drop'")
    if isinstance(bins, numbers.Integral) and not isinstance(bins, bool):
        if bins < 1:
            raise ValueError(f"bins: {bins!r} is not allowed; expected a positive number of bins or an array of edges")
        if range is None:
            raise ValueError("range: a (lo, hi) range is required with an integer number of bins (state it)")
        try:
            lo, hi = (float(v) for v in range)
        except (TypeError, ValueError):
            raise ValueError(f"range: {range!r} is not allowed; expected two numbers (lo, hi)") from None
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(f"range: {range!r} is not allowed; expected finite lo < hi")
        edges = np.linspace(lo, hi, int(bins) + 1)
    else:
        if range is not None:
            raise ValueError("range: must be None when bins gives the edges")
        try:
            edges = np.asarray(bins, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"bins: {bins!r} is not allowed; expected an integer or an array of edges") from None
        if edges.ndim != 1 or edges.size < 2 or not np.all(np.isfinite(edges)) or np.any(np.diff(edges) <= 0):
            raise ValueError("bins: edges must be a 1-D array of at least two finite, strictly increasing values")
    counts, edges = np.histogram(a, bins=edges)
    n_out = a.size - int(counts.sum())
    if n_out and outside == "error":
        raise ValueError(
            f"x: {n_out} of {a.size} samples lie outside the bins [{edges[0]:g}, {edges[-1]:g}]; "
            "widen the range or pass outside='drop'"
        )
    if counts.sum() == 0:
        raise ValueError(f"x: no sample lies inside the bins [{edges[0]:g}, {edges[-1]:g}]")
    return _finalize(counts.astype(np.float64), "x (its histogram)"), edges


def differential_entropy(p, edges, *, atol: float = DEFAULT_ATOL) -> float:
    """Differential entropy estimated from histogram probabilities: h ≈ −Σ p_i ln(p_i / Δ_i).

    That is H(p) + Σ p_i ln Δ_i with Δ_i the bin widths (H + ln Δ for equal
    bins): the density is taken as constant p_i/Δ_i on each bin.  Unlike the
    discrete entropy it has units (it shifts by ln c when x is scaled by c)
    and can be negative.  For a Gaussian of variance σ² the exact value is
    ½ ln(2π e σ²).

    Parameters
    ----------
    p : array_like (nbins,)
        Bin probabilities (Σp = 1), e.g. from :func:`histogram_probability`.
    edges : array_like (nbins + 1,)
        Strictly increasing bin edges.
    """
    a = check_probability(p, atol=atol)
    e = np.asarray(edges, dtype=np.float64)
    if e.ndim != 1 or e.size != a.size + 1 or not np.all(np.isfinite(e)) or np.any(np.diff(e) <= 0):
        raise ValueError(f"edges: expected {a.size + 1} finite, strictly increasing values (one more than p)")
    widths = np.diff(e)
    m = a > 0
    return float(-np.sum(a[m] * np.log(a[m] / widths[m])))
