"""Peak tracking for 1-D fields: solitons, their speeds, amplitudes, collisions
and collision-induced position shifts.

Frames are samples of a real field u(x, t_k) on a uniform grid (for a complex
field ψ pass it as is: positions are taken from |ψ|², which is smooth where
|ψ| has cusps at the zeros of ψ, and amplitudes are reported as |ψ|).

1. **Peaks.**  In each frame the local maxima at or above ``threshold`` are
   located to sub-grid accuracy: ``"fourier"`` (periodic grids; default there)
   maximizes the trigonometric interpolant of the frame by a safeguarded
   Newton iteration on its derivative, which for a resolved spectral field is
   as accurate as the field itself; ``"poly"`` (default on non-periodic grids)
   maximizes the degree-6 polynomial through the seven nearest samples;
   ``"parabola"`` (three samples) and ``"centroid"`` (the mean of x weighted
   by u − u_max/2 over the samples above half the peak) are cheaper and
   cruder.  Each peak also gets
   its full width at half maximum (FWHM) from the samples.

2. **Free segments.**  Two peaks of a frame are *close* when their distance is
   at most ``spacing × (FWHM₁ + FWHM₂)/2``; a peak with no close neighbour is
   *isolated*.  Isolated peaks are linked from frame to frame by nearest
   distance to the position predicted from the last velocity (at most
   ``max_jump`` apart): each chain is a free segment.

3. **Collisions.**  Peaks that are not isolated are linked to their close
   neighbours and to each other across consecutive frames; each connected set
   is an interaction region.  A free segment that ends next to one (the peak
   it would continue with is in it) enters it; one that starts next to one
   leaves it.  A region with fewer segments leaving than entering (the peaks
   merged into a single hump, which is itself isolated for a while) is joined
   with the region that hump's segment enters, and so on, until the counts
   balance — solitons are conserved in integrable collisions.  The entering
   and leaving segments of a region are then paired by velocity and amplitude
   (which a soliton keeps through a collision) with the assignment of least
   total mismatch.

4. **Tracks.**  Segments chained by those pairings are the tracks (one per
   soliton).  Positions are unwrapped on periodic grids, so a track that goes
   round the box keeps increasing.  :func:`collision_shift` compares a
   track's free motion after a collision with the one before it.

References: the two-soliton shifts of NLSE (Zakharov & Shabat, Sov. Phys.
JETP 34, 62 (1972)) and KdV (Hirota, Phys. Rev. Lett. 27, 1192 (1971)) are in
REFERENCES.md §1–2; Zabusky & Kruskal, Phys. Rev. Lett. 15, 240 (1965) for
tracking solitons through collisions.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from ..integrators.kernel_types import jit

__all__ = ["Collision", "PeakTracks", "Track", "collision_shift", "find_peaks", "track_peaks"]

METHODS = ("fourier", "poly", "parabola", "centroid")
_NO_LINK = 1e300


@dataclass
class Track:
    """One tracked peak: samples at the frames where it was free.

    ``t`` times, ``x`` positions (unwrapped on periodic grids), ``amplitude``
    peak values, ``velocity`` dx/dt by finite differences within each free
    segment (second order inside, first order at the ends), ``frame`` frame
    indices, ``segments`` the ids of the free segments chained into it.
    """

    id: int
    t: np.ndarray
    x: np.ndarray
    amplitude: np.ndarray
    velocity: np.ndarray
    frame: np.ndarray
    segments: tuple[int, ...] = ()

    def __len__(self) -> int:
        return self.t.size


@dataclass
class Collision:
    """An interaction region: ``t_start``/``t_end`` the first and last frame
    times of its interacting peaks, ``x`` their mean position (wrapped into
    the grid), ``tracks`` the ids of the tracks that pass through it,
    ``merged`` True when fewer peaks than entering tracks were seen at some
    frame (the peaks merged into one hump)."""

    t_start: float
    t_end: float
    x: float
    tracks: tuple[int, ...]
    merged: bool


@dataclass
class PeakTracks:
    """The result of :func:`track_peaks`: ``tracks`` (one per soliton, chained
    through collisions), ``segments`` (the free segments, including humps of
    merged peaks that belong to no track), ``collisions``, ``length``, the
    period of a periodic grid (None otherwise), and ``unpaired``, the ids of
    free segments that entered or left an interaction region without a
    partner (they still form tracks of their own)."""

    tracks: list[Track]
    segments: list[Track]
    collisions: list[Collision]
    length: float | None
    unpaired: list[int] = field(default_factory=list)


# --------------------------------------------------------------------------
# peaks of one frame


@jit
def _local_maxima(f, thr, periodic):
    n = f.size
    idx = np.empty(n, dtype=np.int64)
    m = 0
    for i in range(n):
        if f[i] < thr:
            continue
        if i == 0 or i == n - 1:
            if not periodic:
                continue
        left = f[(i - 1) % n]
        right = f[(i + 1) % n]
        if f[i] > left and f[i] >= right:
            idx[m] = i
            m += 1
    return idx[:m]


@jit
def _fwhm(f, i, periodic):
    """Full width at half maximum around sample i, in samples (linear
    interpolation of the half-maximum crossings; capped at the grid size)."""
    n = f.size
    half = 0.5 * f[i]
    width = 0.0
    for side in (-1, 1):
        k = 0
        prev = f[i]
        reached = False
        while k < n // 2:
            j = i + side * (k + 1)
            if not periodic and (j < 0 or j >= n):
                break
            cur = f[j % n]
            if cur <= half:
                width += k + (prev - half) / (prev - cur) if prev != cur else k + 1.0
                reached = True
                break
            prev = cur
            k += 1
        if not reached:
            width += k
    return width


@jit
def _fourier_eval(C, weights, kappa, s):
    """Trigonometric interpolant (rfft coefficients C, weights 1 or 2) and its
    first two derivatives at the offset s from the grid start."""
    f = 0.0
    d1 = 0.0
    d2 = 0.0
    for k in range(C.size):
        ang = kappa[k] * s
        cs = np.cos(ang)
        sn = np.sin(ang)
        re = C[k].real * cs - C[k].imag * sn  # Re(C e^{iκs})
        im = C[k].real * sn + C[k].imag * cs  # Im(C e^{iκs})
        w = weights[k]
        f += w * re
        d1 -= w * kappa[k] * im
        d2 -= w * kappa[k] * kappa[k] * re
    return f, d1, d2


@jit
def _fourier_peak(C, weights, kappa, n, lo, hi, s0):
    """Maximize the interpolant in [lo, hi] (offsets from the grid start):
    Newton on the derivative, kept inside a bracket where it changes sign."""
    _, dlo, _ = _fourier_eval(C, weights, kappa, lo)
    _, dhi, _ = _fourier_eval(C, weights, kappa, hi)
    if not (dlo > 0.0 and dhi < 0.0):
        f, _, _ = _fourier_eval(C, weights, kappa, s0)
        return s0, f / n
    s = s0
    for _ in range(100):
        f, d1, d2 = _fourier_eval(C, weights, kappa, s)
        if d1 > 0.0:
            lo = s
        else:
            hi = s
        step_ok = d2 < 0.0
        if step_ok:
            s_new = s - d1 / d2
            step_ok = lo < s_new < hi
        if not step_ok:
            s_new = 0.5 * (lo + hi)
        if abs(s_new - s) <= 4e-16 * max(1.0, abs(s)) or hi - lo <= 4e-16 * max(1.0, abs(s)):
            s = s_new
            break
        s = s_new
    f, _, _ = _fourier_eval(C, weights, kappa, s)
    return s, f / n


def _poly_peak(f, i, periodic, dx):
    """Maximum of the degree-6 polynomial through the 7 samples nearest to i."""
    n = f.size
    if periodic:
        offs = np.arange(-3, 4)
        vals = f[(i + offs) % n]
    else:
        start = min(max(i - 3, 0), n - 7)
        offs = np.arange(start, start + 7) - i
        vals = f[i + offs]
    V = np.vander(offs.astype(float), 7, increasing=True)
    coef = np.linalg.solve(V, vals)
    roots = np.polynomial.polynomial.polyroots(np.polynomial.polynomial.polyder(coef))
    best_s, best_v = 0.0, float(f[i])
    for r in roots:
        if abs(r.imag) < 1e-9 and -1.0 <= r.real <= 1.0:
            v = float(np.polynomial.polynomial.polyval(r.real, coef))
            if v > best_v:
                best_s, best_v = float(r.real), v
    return best_s * dx, best_v


def _parabola_peak(f, i, periodic, dx):
    n = f.size
    if not periodic and (i == 0 or i == n - 1):
        return 0.0, float(f[i])
    fm, f0, fp = f[(i - 1) % n], f[i], f[(i + 1) % n]
    den = fm - 2.0 * f0 + fp
    if den >= 0.0:
        return 0.0, float(f0)
    s = 0.5 * (fm - fp) / den
    return s * dx, float(f0 - 0.25 * (fm - fp) * s)


def _centroid_peak(f, i, periodic, dx):
    """Centroid of the peak above its half maximum, weighted by u − u_max/2
    (the weights vanish where the window is cut, which keeps the bias small)."""
    n = f.size
    half = 0.5 * f[i]
    acc = f[i] - half
    mom = 0.0
    for side in (-1, 1):
        k = 1
        while k < n // 2:
            j = i + side * k
            if not periodic and (j < 0 or j >= n):
                break
            v = f[j % n]
            if v <= half:
                break
            acc += v - half
            mom += side * k * (v - half)
            k += 1
    return mom / acc * dx, float(f[i])


def find_peaks(x, f, *, threshold: float, periodic: bool = True, method: str | None = None):
    """Local maxima of one frame at or above ``threshold``: ``(positions,
    amplitudes, fwhm)``, each (m,), in the units of ``x`` and ``f``.

    ``x`` is a uniform grid (on a periodic grid the right end is excluded,
    x_j = a + j·L/N); ``f`` the field on it (complex: positions from |f|²,
    amplitudes |f|, ``threshold`` compared with |f|).  ``method`` as in the
    module docstring (default ``"fourier"`` when periodic, else ``"poly"``).
    Positions lie in [x[0], x[0] + L) on a periodic grid.
    """
    x, dx, L = _grid(x, periodic)
    f = np.asarray(f)
    if f.shape != x.shape:
        raise ValueError(f"f: shape {f.shape} does not match the grid x of shape {x.shape}")
    method = _method(method, periodic)
    thr = _threshold(threshold)
    pos, amp, width = _frame_peaks(x, dx, L, _intensity(f), np.iscomplexobj(f), thr, periodic, method)
    return pos, amp, width


def _grid(x, periodic):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or x.size < 7:
        raise ValueError(f"x: expected a 1-D grid of at least 7 points, got shape {x.shape}")
    dx = (x[-1] - x[0]) / (x.size - 1)
    if not np.isfinite(dx) or dx <= 0 or np.max(np.abs(np.diff(x) - dx)) > 1e-9 * max(abs(dx), np.max(np.abs(x))):
        raise ValueError("x: the grid must be uniform and increasing")
    if not isinstance(periodic, bool):
        raise ValueError(f"periodic: {periodic!r} is not allowed; expected True or False")
    return x, float(dx), (float(dx * x.size) if periodic else None)


def _method(method, periodic):
    if method is None:
        return "fourier" if periodic else "poly"
    if method not in METHODS:
        raise ValueError(f"method: {method!r} is not allowed; choose one of {', '.join(map(repr, METHODS))}")
    if method == "fourier" and not periodic:
        raise ValueError("method: 'fourier' needs a periodic grid (periodic=True); use 'poly' otherwise")
    return method


def _threshold(threshold):
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not math.isfinite(threshold):
        raise ValueError(f"threshold: {threshold!r} is not allowed; expected a finite number")
    return float(threshold)


def _intensity(f):
    """The real frame peaks are located on: f itself, or |f|² for complex f."""
    if np.iscomplexobj(f):
        return np.ascontiguousarray(f.real**2 + f.imag**2)
    return np.ascontiguousarray(f, dtype=np.float64)


def _frame_peaks(x, dx, L, g, was_complex, thr, periodic, method):
    """Peaks of the real frame g (|ψ|² when the input was complex)."""
    gthr = thr * abs(thr) if was_complex else thr
    idx = _local_maxima(g, gthr, periodic)
    m = idx.size
    pos = np.empty(m)
    amp = np.empty(m)
    width = np.empty(m)
    if m == 0:
        return pos, amp, width
    if method == "fourier":
        n = g.size
        C = np.fft.rfft(g)
        weights = np.full(C.size, 2.0)
        weights[0] = 1.0
        if n % 2 == 0:
            weights[-1] = 1.0
        kappa = 2.0 * np.pi * np.arange(C.size) / L
    for q, i in enumerate(idx):
        if method == "fourier":
            s0 = i * dx
            s, v = _fourier_peak(C, weights, kappa, g.size, s0 - dx, s0 + dx, s0)
            off = s - s0
        elif method == "poly":
            off, v = _poly_peak(g, i, periodic, dx)
        elif method == "parabola":
            off, v = _parabola_peak(g, i, periodic, dx)
        else:
            off, v = _centroid_peak(g, i, periodic, dx)
        p = x[i] + off
        if L is not None:
            p = x[0] + (p - x[0]) % L
        pos[q] = p
        amp[q] = math.sqrt(max(v, 0.0)) if was_complex else v
        w = _fwhm(g, i, periodic)
        if was_complex:
            # the half maximum of |ψ|² is not that of |ψ|; use |ψ| for the width
            w = _fwhm(np.sqrt(g), i, periodic)
        width[q] = w * dx
    return pos, amp, width


# --------------------------------------------------------------------------
# tracking


def _sep(a, b, L):
    d = a - b
    if L is not None:
        d = (d + 0.5 * L) % L - 0.5 * L
    return d


class _Union:
    def __init__(self):
        self.parent: dict = {}

    def find(self, a):
        self.parent.setdefault(a, a)
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _velocities(t, x):
    if t.size == 1:
        return np.zeros(1)
    if t.size == 2:
        v = (x[1] - x[0]) / (t[1] - t[0])
        return np.array([v, v])
    return np.gradient(x, t, edge_order=2)


def _fit(t, x):
    """Least-squares line x = a + v t: (a, v)."""
    if t.size < 2:
        return float(x[0]), 0.0
    v, a = np.polyfit(t, x, 1)
    return float(a), float(v)


def track_peaks(
    x,
    frames,
    t,
    *,
    threshold: float | None = None,
    periodic: bool = True,
    method: str | None = None,
    max_jump: float | None = None,
    spacing: float = 3.0,
) -> PeakTracks:
    """Track the peaks of a 1-D field across frames (see the module docstring).

    Parameters
    ----------
    x : (nx,) uniform grid; on a periodic grid the right end is excluded.
    frames : (nt, nx) field samples, real or complex (complex: |ψ|).
    t : (nt,) increasing frame times.
    threshold : peaks below this value (of the field, or of |ψ|) are ignored;
        default 0.1 × the largest value over all frames.
    periodic : the grid is periodic (default True): distances and positions
        wrap, and the track positions are unwrapped.
    method : sub-grid peak location (``"fourier"`` default when periodic,
        ``"poly"`` otherwise, ``"parabola"``, ``"centroid"``).
    max_jump : the largest distance a peak may move between frames (default a
        quarter of the grid length); links are made to the position predicted
        from the last velocity.
    spacing : two peaks closer than ``spacing`` × their mean FWHM interact
        (default 3).

    Returns
    -------
    :class:`PeakTracks` with ``tracks`` (one per soliton, chained through
    collisions), ``segments`` and ``collisions``.
    """
    x, dx, L = _grid(x, periodic)
    frames = np.asarray(frames)
    t = np.asarray(t, dtype=np.float64)
    if frames.ndim != 2 or frames.shape[1] != x.size:
        raise ValueError(f"frames: expected shape (nt, {x.size}), got {frames.shape}")
    if t.shape != (frames.shape[0],):
        raise ValueError(f"t: expected shape ({frames.shape[0]},), got {t.shape}")
    if t.size > 1 and not np.all(np.diff(t) > 0):
        raise ValueError("t: frame times must be strictly increasing")
    if not np.all(np.isfinite(frames)):
        raise ValueError("frames: contain non-finite values")
    method = _method(method, periodic)
    was_complex = np.iscomplexobj(frames)
    if threshold is None:
        threshold = 0.1 * float(np.max(np.abs(frames))) if frames.size else 0.0
    thr = _threshold(threshold)
    extent = L if L is not None else float(x[-1] - x[0])
    if max_jump is None:
        max_jump = 0.25 * extent
    if isinstance(max_jump, bool) or not isinstance(max_jump, numbers.Real) or not max_jump > 0:
        raise ValueError(f"max_jump: {max_jump!r} is not allowed; expected a positive distance")
    if isinstance(spacing, bool) or not isinstance(spacing, numbers.Real) or not spacing > 0:
        raise ValueError(f"spacing: {spacing!r} is not allowed; expected a positive number of widths")
    nt = t.size

    # 1. peaks of every frame, and which are isolated
    peaks = []
    for k in range(nt):
        g = _intensity(frames[k])
        pos, amp, width = _frame_peaks(x, dx, L, g, was_complex, thr, periodic, method)
        m = pos.size
        isolated = np.ones(m, dtype=bool)
        close_pairs = []
        for a in range(m):
            for b in range(a + 1, m):
                if abs(_sep(pos[a], pos[b], L)) <= spacing * 0.5 * (width[a] + width[b]):
                    isolated[a] = isolated[b] = False
                    close_pairs.append((a, b))
        peaks.append((pos, amp, width, isolated, close_pairs))

    # 2. free segments: isolated peaks linked frame to frame
    segs: list[dict] = []
    active: list[int] = []
    for k in range(nt):
        pos, amp, width, isolated, _ = peaks[k]
        cand = [j for j in range(pos.size) if isolated[j]]
        pairs = []
        for si in active:
            s = segs[si]
            pred = s["x"][-1]
            if len(s["t"]) >= 2:
                pred += (s["x"][-1] - s["x"][-2]) / (s["t"][-1] - s["t"][-2]) * (t[k] - s["t"][-1])
            for j in cand:
                d = abs(_sep(pos[j], pred, L))
                if d <= max_jump:
                    pairs.append((d, si, j))
        pairs.sort()
        used_s, used_p = set(), set()
        for _, si, j in pairs:
            if si in used_s or j in used_p:
                continue
            used_s.add(si)
            used_p.add(j)
            s = segs[si]
            s["x"].append(s["x"][-1] + _sep(pos[j], s["x"][-1], L))
            s["t"].append(t[k])
            s["a"].append(amp[j])
            s["f"].append(k)
        for si in active:
            if si not in used_s:
                segs[si]["end"] = k  # first frame without it
        active = [si for si in active if si in used_s]
        for j in cand:
            if j not in used_p:
                segs.append({"x": [pos[j]], "t": [t[k]], "a": [amp[j]], "f": [k], "start": k, "end": None})
                active.append(len(segs) - 1)

    # 3. interaction regions: non-isolated peaks, linked within a frame and across frames
    uf = _Union()
    for k in range(nt):
        pos, amp, width, isolated, close_pairs = peaks[k]
        for a, b in close_pairs:
            uf.union((k, a), (k, b))
        if k + 1 < nt:
            pos2, _, width2, iso2, _ = peaks[k + 1]
            for a in range(pos.size):
                if isolated[a]:
                    continue
                for b in range(pos2.size):
                    if iso2[b]:
                        continue
                    if abs(_sep(pos[a], pos2[b], L)) <= spacing * max(width[a], width2[b]):
                        uf.union((k, a), (k + 1, b))

    def region_near(k, xp):
        if not 0 <= k < nt:
            return None
        pos, _, _, isolated, _ = peaks[k]
        best, best_d = None, max_jump
        for j in range(pos.size):
            if isolated[j]:
                continue
            d = abs(_sep(pos[j], xp, L))
            if d <= best_d:
                best, best_d = uf.find((k, j)), d
        return best

    for s in segs:
        ts, xs = np.array(s["t"]), np.array(s["x"])
        _, v = _fit(ts[-3:], xs[-3:])
        s["exit"] = None
        if s["end"] is not None:
            s["exit"] = region_near(s["end"], xs[-1] + v * (t[s["end"]] - ts[-1]))
        _, v = _fit(ts[:3], xs[:3])
        s["entry"] = None
        if s["start"] > 0:
            k = s["start"] - 1
            s["entry"] = region_near(k, xs[0] - v * (ts[0] - t[k]))

    # join unbalanced regions through the segments of merged humps
    def counts():
        inc: dict = {}
        out: dict = {}
        for i, s in enumerate(segs):
            if s["exit"] is not None:
                inc.setdefault(uf.find(s["exit"]), []).append(i)
            if s["entry"] is not None:
                out.setdefault(uf.find(s["entry"]), []).append(i)
        return inc, out

    internal: set[int] = set()
    for _ in range(len(segs) + 1):
        inc, out = counts()
        changed = False
        for r in set(inc) | set(out):
            ni = len([i for i in inc.get(r, []) if i not in internal])
            no = len([i for i in out.get(r, []) if i not in internal])
            if ni > no:
                for i in out.get(r, []):
                    s = segs[i]
                    if i not in internal and s["exit"] is not None and uf.find(s["exit"]) != r:
                        uf.union(r, s["exit"])
                        internal.add(i)
                        changed = True
            elif no > ni:
                for i in inc.get(r, []):
                    s = segs[i]
                    if i not in internal and s["entry"] is not None and uf.find(s["entry"]) != r:
                        uf.union(r, s["entry"])
                        internal.add(i)
                        changed = True
            if changed:
                break
        if not changed:
            break

    # a segment that leaves a region and enters the same one belongs to it
    for i, s in enumerate(segs):
        if s["entry"] is not None and s["exit"] is not None and uf.find(s["entry"]) == uf.find(s["exit"]):
            internal.add(i)

    # 4. pair entering and leaving segments of each region
    inc, out = counts()
    nxt: dict[int, int] = {}
    prev: dict[int, int] = {}
    region_of_link: dict[int, object] = {}
    for r in set(inc) | set(out):
        ins = [i for i in inc.get(r, []) if i not in internal]
        outs = [i for i in out.get(r, []) if i not in internal]
        if not ins or not outs:
            continue
        feats_in = []
        for i in ins:
            ts, xs = np.array(segs[i]["t"]), np.array(segs[i]["x"])
            feats_in.append((_fit(ts[-5:], xs[-5:])[1], float(np.mean(segs[i]["a"][-5:]))))
        feats_out = []
        for i in outs:
            ts, xs = np.array(segs[i]["t"]), np.array(segs[i]["x"])
            feats_out.append((_fit(ts[:5], xs[:5])[1], float(np.mean(segs[i]["a"][:5]))))
        vs = [abs(f[0]) for f in feats_in + feats_out]
        As = [abs(f[1]) for f in feats_in + feats_out]
        vscale = max(max(vs), 1e-12)
        ascale = max(max(As), 1e-300)
        cost = np.array(
            [[((fi[0] - fo[0]) / vscale) ** 2 + ((fi[1] - fo[1]) / ascale) ** 2 for fo in feats_out] for fi in feats_in]
        )
        # a soliton leaves a region only after it entered it
        order = np.array([[segs[o]["start"] >= segs[i]["end"] for o in outs] for i in ins])
        cost[~order] = _NO_LINK
        rows, cols = linear_sum_assignment(cost)
        for a, b in zip(rows, cols):
            if not order[a, b]:
                continue
            nxt[ins[a]] = outs[b]
            prev[outs[b]] = ins[a]
            region_of_link[ins[a]] = r

    # segments as Track objects
    seg_tracks = []
    for i, s in enumerate(segs):
        ts, xs, As = np.array(s["t"]), np.array(s["x"]), np.array(s["a"])
        seg_tracks.append(Track(i, ts, xs, As, _velocities(ts, xs), np.array(s["f"], dtype=np.int64), (i,)))

    # chains of segments → tracks
    tracks: list[Track] = []
    track_of_seg: dict[int, int] = {}
    for i in range(len(segs)):
        if i in internal or i in prev:
            continue
        chain = [i]
        while chain[-1] in nxt and nxt[chain[-1]] not in chain:
            chain.append(nxt[chain[-1]])
        parts_t, parts_x, parts_a, parts_v, parts_f = [], [], [], [], []
        shift = 0.0
        for c, si in enumerate(chain):
            st = seg_tracks[si]
            xs = st.x + shift
            if c > 0 and L is not None:
                last = parts_x[-1][-1]
                v_last = parts_v[-1][-1]
                pred = last + v_last * (st.t[0] - parts_t[-1][-1])
                xs = xs + L * round((pred - xs[0]) / L)
                shift = xs[0] - st.x[0]
            parts_t.append(st.t)
            parts_x.append(xs)
            parts_a.append(st.amplitude)
            parts_v.append(st.velocity)
            parts_f.append(st.frame)
        tid = len(tracks)
        for si in chain:
            track_of_seg[si] = tid
        tracks.append(
            Track(
                tid,
                np.concatenate(parts_t),
                np.concatenate(parts_x),
                np.concatenate(parts_a),
                np.concatenate(parts_v),
                np.concatenate(parts_f),
                tuple(chain),
            )
        )

    # collisions: the regions that linked segments
    members: dict = {}
    for k in range(nt):
        pos, _, _, isolated, _ = peaks[k]
        for j in range(pos.size):
            if not isolated[j]:
                members.setdefault(uf.find((k, j)), []).append((k, pos[j]))
    for i in internal:
        s = segs[i]
        if s["exit"] is not None:
            r = uf.find(s["exit"])
            members.setdefault(r, []).extend(zip(s["f"], s["x"]))
    collisions = []
    by_region: dict = {}
    for si, r in region_of_link.items():
        by_region.setdefault(uf.find(r), []).append(si)
    for r, ins in by_region.items():
        ins = [i for i in ins if i in track_of_seg]
        pts = members.get(r, [])
        if not pts:
            continue
        ks = np.array([p[0] for p in pts])
        xs = np.array([p[1] for p in pts])
        if L is not None:
            ang = 2 * np.pi * (xs - x[0]) / L
            xm = x[0] + (np.angle(np.mean(np.exp(1j * ang))) % (2 * np.pi)) * L / (2 * np.pi)
        else:
            xm = float(np.mean(xs))
        per_frame = np.bincount(ks - ks.min())
        n_in = len(ins)
        # frames of the region where the peaks stood merged (fewer than the tracks entering)
        merged = bool(np.any(per_frame[per_frame > 0] < n_in)) or any(
            uf.find(segs[i]["exit"]) == r for i in internal if segs[i]["exit"] is not None
        )
        collisions.append(
            Collision(
                float(t[ks.min()]),
                float(t[ks.max()]),
                float(xm),
                tuple(sorted(track_of_seg[i] for i in ins)),
                merged,
            )
        )
    collisions.sort(key=lambda c: c.t_start)
    unpaired = sorted(
        i
        for i, s in enumerate(segs)
        if i not in internal
        and ((s["exit"] is not None and i not in nxt) or (s["entry"] is not None and i not in prev))
    )
    return PeakTracks(tracks, seg_tracks, collisions, L, unpaired)


def collision_shift(track: Track, t_before: float, t_after: float, *, at: float | None = None) -> float:
    """The position shift of a track through a collision, against free motion.

    Straight lines x = a + v t are fitted (least squares) to the track's
    samples with t ≤ ``t_before`` and to those with t ≥ ``t_after``; the
    shift is the difference of the two lines at time ``at`` (default the
    midpoint (t_before + t_after)/2; for a soliton, which leaves a collision
    with its incoming speed, the lines are parallel and the time does not
    matter).  Positive: the track came out ahead of where its free motion
    would have taken it.  Units of x.  Choose the windows outside the
    interaction (where the other soliton's tail no longer moves the peak).
    """
    if not isinstance(track, Track):
        raise ValueError(f"track: expected a Track from track_peaks, got {type(track).__name__}")
    for label, value in (("t_before", t_before), ("t_after", t_after)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise ValueError(f"{label}: {value!r} is not allowed; expected a finite time")
    if t_after <= t_before:
        raise ValueError(f"t_after: {t_after!r} must be later than t_before = {t_before!r}")
    before = track.t <= t_before
    after = track.t >= t_after
    if before.sum() < 2 or after.sum() < 2:
        raise ValueError(
            f"t_before, t_after: the track has {int(before.sum())} samples at t ≤ {t_before} and "
            f"{int(after.sum())} at t ≥ {t_after}; each fit needs at least 2 "
            f"(the track spans t = {track.t[0]:g} … {track.t[-1]:g})"
        )
    a0, v0 = _fit(track.t[before], track.x[before])
    a1, v1 = _fit(track.t[after], track.x[after])
    tm = 0.5 * (t_before + t_after) if at is None else float(at)
    return (a1 + v1 * tm) - (a0 + v0 * tm)
