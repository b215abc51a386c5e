"""Grids, wavenumbers, transforms and filters for pseudo-spectral solvers.

Conventions
-----------
* Periodic grids exclude the right endpoint: x_j = a + j·L/N, j = 0 … N−1.
* Angular wavenumbers k = 2π·m/L in numpy's FFT order.
* Real fields are stored spectrally as ``rfft`` coefficients (N//2 + 1 of
  them), complex fields as ``fft`` coefficients; 2-D fields are indexed
  [y, x] and transformed with ``rfft2``/``fft2`` (x is the last axis).
* Zero-flux (Neumann) problems use the cosine basis on the cell-centred grid
  x_j = a + (j + ½)·L/N with the orthonormal DCT-II; wavenumbers π·m/L.

Everything here is plain numpy (used for set-up, invariants and output);
the time-stepping kernels do their own transforms inside numba.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.fft as sfft

BASES = ("fourier", "cosine")


@dataclass(frozen=True)
class Grid:
    """A 1-D or 2-D grid.  ``n`` and ``domain`` are per axis, in the order
    (x,) or (x, y); arrays are indexed [y, x]."""

    n: tuple[int, ...]
    domain: tuple[tuple[float, float], ...]
    basis: str = "fourier"

    def __post_init__(self):
        if self.basis not in BASES:
            raise ValueError(f"basis: {self.basis!r} not in {BASES}")
        if len(self.n) != len(self.domain) or len(self.n) not in (1, 2):
            raise ValueError("grid: n and domain must both have one entry per axis (1 or 2 axes)")

    # ---- geometry -------------------------------------------------------
    @property
    def dims(self) -> int:
        return len(self.n)

    @property
    def shape(self) -> tuple[int, ...]:
        """Array shape of a field: (nx,) or (ny, nx)."""
        return tuple(reversed(self.n))

    @property
    def size(self) -> int:
        return int(np.prod(self.n))

    def length(self, axis: int = 0) -> float:
        a, b = self.domain[axis]
        return b - a

    def spacing(self, axis: int = 0) -> float:
        return self.length(axis) / self.n[axis]

    def coords(self, axis: int = 0) -> np.ndarray:
        a, _ = self.domain[axis]
        j = np.arange(self.n[axis])
        if self.basis == "cosine":
            return a + (j + 0.5) * self.spacing(axis)
        return a + j * self.spacing(axis)

    @property
    def x(self) -> np.ndarray:
        return self.coords(0)

    @property
    def y(self) -> np.ndarray | None:
        return self.coords(1) if self.dims == 2 else None

    def mesh(self) -> tuple[np.ndarray, ...]:
        """Coordinate arrays of field shape: (X,) or (X, Y) indexed [y, x]."""
        if self.dims == 1:
            return (self.x,)
        X, Y = np.meshgrid(self.x, self.y, indexing="xy")
        return X, Y

    @property
    def cell(self) -> float:
        """Area (length in 1-D) of one grid cell: the quadrature weight."""
        return float(np.prod([self.spacing(a) for a in range(self.dims)]))

    # ---- wavenumbers ----------------------------------------------------
    def k(self, axis: int = 0, real: bool = False) -> np.ndarray:
        """Angular wavenumbers along ``axis`` (rfft layout when ``real``)."""
        n, L = self.n[axis], self.length(axis)
        if self.basis == "cosine":
            return np.pi * np.arange(n) / L
        if real:
            return 2 * np.pi * np.fft.rfftfreq(n, L / n)
        return 2 * np.pi * np.fft.fftfreq(n, L / n)

    def wavenumbers(self, real: bool) -> tuple[np.ndarray, ...]:
        """Wavenumber arrays broadcast to the spectral shape: (kx,) or (KX, KY)."""
        if self.dims == 1:
            return (self.k(0, real),)
        kx = self.k(0, real)  # the transformed-last axis is x
        ky = self.k(1, False)
        KX, KY = np.meshgrid(kx, ky, indexing="xy")
        return KX, KY

    def spectral_shape(self, real: bool) -> tuple[int, ...]:
        if self.basis == "cosine":
            return self.shape
        if self.dims == 1:
            return (self.n[0] // 2 + 1,) if real else (self.n[0],)
        return (self.n[1], self.n[0] // 2 + 1) if real else (self.n[1], self.n[0])

    # ---- transforms ----------------------------------------------------
    def forward(self, u: np.ndarray, real: bool) -> np.ndarray:
        """Spectral coefficients of a field (or of a stack of fields, leading axes)."""
        axes = tuple(range(-self.dims, 0))
        if self.basis == "cosine":
            return sfft.dctn(u, type=2, norm="ortho", axes=axes)
        if real:
            return np.fft.rfftn(u, axes=axes)
        return np.fft.fftn(u, axes=axes)

    def inverse(self, uh: np.ndarray, real: bool) -> np.ndarray:
        axes = tuple(range(-self.dims, 0))
        if self.basis == "cosine":
            return sfft.idctn(uh, type=2, norm="ortho", axes=axes)
        if real:
            return np.fft.irfftn(uh, s=self.shape, axes=axes)
        return np.fft.ifftn(uh, axes=axes)

    def derivative(self, u: np.ndarray, order: int = 1, axis: int = 0) -> np.ndarray:
        """Spectral derivative of periodic samples (last axes are the grid)."""
        if self.basis != "fourier":
            raise ValueError("derivative: spectral derivatives here are for periodic grids")
        real = not np.iscomplexobj(u)
        uh = self.forward(u, real)
        ks = self.wavenumbers(real)
        k = ks[axis]
        factor = (1j * k) ** order
        if order % 2 == 1:
            # the Nyquist mode of an even grid has no odd derivative
            factor = np.where(self._nyquist(axis, real), 0.0, factor)
        return self.inverse(uh * factor, real)

    def _nyquist(self, axis: int, real: bool) -> np.ndarray:
        n = self.n[axis]
        ks = self.wavenumbers(real)
        if n % 2:
            return np.zeros(ks[axis].shape, dtype=bool)
        return np.isclose(np.abs(ks[axis]), np.pi * n / self.length(axis))

    def integrate(self, u: np.ndarray) -> np.ndarray:
        """∫ u over the domain (trapezoid = rectangle rule on a periodic grid;
        midpoint rule on the cell-centred cosine grid), over the last axes."""
        axes = tuple(range(-self.dims, 0))
        return np.sum(u, axis=axes) * self.cell

    # ---- filters --------------------------------------------------------
    def dealias_mask(self, real: bool) -> np.ndarray:
        """Orszag's 2/3 rule: keep |k_axis| < (2/3)·k_max along every axis."""
        mask = np.ones(self.spectral_shape(real), dtype=bool)
        for axis, k in enumerate(self.wavenumbers(real)):
            kmax = (
                (np.pi * self.n[axis] / self.length(axis))
                if self.basis == "fourier"
                else (np.pi * (self.n[axis] - 1) / self.length(axis))
            )
            mask &= np.abs(k) < (2.0 / 3.0) * kmax * (1 - 1e-12)
        return mask

    def exponential_filter(self, real: bool, alpha: float = 36.0, order: int = 36) -> np.ndarray:
        """exp(−α (|k|/k_max)^order) per axis (Hou & Li, J. Comput. Phys. 226, 2007)."""
        filt = np.ones(self.spectral_shape(real))
        for axis, k in enumerate(self.wavenumbers(real)):
            kmax = np.max(np.abs(self.k(axis, real)))
            filt = filt * np.exp(-alpha * (np.abs(k) / kmax) ** order)
        return filt

    def to_dict(self) -> dict:
        return {"n": list(self.n), "domain": [list(d) for d in self.domain]}


def make_grid(
    n: int | Sequence[int], domain: Sequence[float] | Sequence[Sequence[float]], dims: int, basis: str = "fourier"
) -> Grid:
    """Validate and build a grid.  ``n``: points per axis (an int for a
    square 2-D grid); ``domain``: (a, b) or ((ax, bx), (ay, by))."""
    if isinstance(n, (int, np.integer)) and not isinstance(n, bool):
        ns = (int(n),) * dims
    else:
        try:
            ns = tuple(int(v) for v in n)
        except (TypeError, ValueError):
            raise ValueError(f"n: {n!r} is not a number of grid points") from None
        if any(float(a) != b for a, b in zip(n, ns)):
            raise ValueError(f"n: {n!r} must be whole numbers of grid points")
    if len(ns) != dims:
        raise ValueError(f"n: {n!r} gives {len(ns)} axes, the system has {dims}")
    for v in ns:
        if v < 8:
            raise ValueError(f"n: {v} grid points are too few; use at least 8 per axis")
        if v > 1 << 16:
            raise ValueError(f"n: {v} grid points per axis is more than this program allows (65536)")
    dom = np.asarray(domain, dtype=float)
    if dom.shape == (2,) and dims == 2:
        dom = np.array([dom, dom])
    if dom.shape != (dims, 2) and not (dims == 1 and dom.shape == (2,)):
        raise ValueError(f"domain: {domain!r} must be (a, b)" + (" or ((ax, bx), (ay, by))" if dims == 2 else ""))
    dom = dom.reshape(dims, 2)
    if not np.all(np.isfinite(dom)):
        raise ValueError(f"domain: {domain!r} is not finite")
    for a, b in dom:
        if not b > a:
            raise ValueError(f"domain: ({a:g}, {b:g}) is empty or reversed; need a < b")
    return Grid(ns, tuple((float(a), float(b)) for a, b in dom), basis)


def resolution(u: np.ndarray, grid: Grid, band: float = 1.0) -> float:
    """How much of a field's spectrum sits in the top tenth of the kept
    wavenumbers |k| ≤ band · k_max (along any axis; ``band`` = 2/3 under the
    2/3 rule, whose truncation would otherwise go unnoticed) and above: max |û|
    there over max |û|.  Smooth, resolved data give ≲ 1e-10; more than ~1e-6
    means the grid is too coarse."""
    real = not np.iscomplexobj(u)
    mag = np.abs(grid.forward(u, real))
    top = np.zeros(mag.shape, dtype=bool)
    for axis, k in enumerate(grid.wavenumbers(real)):
        kmax = np.max(np.abs(grid.k(axis, real)))
        top |= np.abs(k) > 0.9 * band * kmax
    peak = mag.max()
    if peak == 0 or not top.any():
        return 0.0
    return float(mag[top].max() / peak)


def periodic_mismatch(u: np.ndarray, grid: Grid) -> float:
    """Jump across the periodic boundary relative to the field's range:
    |u(first) − extrapolated u(last + dx)| / max|u|, along each axis."""
    scale = float(np.max(np.abs(u))) or 1.0
    worst = 0.0
    for axis in range(grid.dims):
        ax = -1 - axis
        first = np.take(u, 0, axis=ax)
        last = np.take(u, -1, axis=ax)
        prev = np.take(u, -2, axis=ax)
        extrapolated = 2 * last - prev
        worst = max(worst, float(np.max(np.abs(first - extrapolated))) / scale)
    return worst
