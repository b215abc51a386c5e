"""Thinning long series for display without hiding their extremes.

A curve of a million points costs ~40 ms to draw (ENGINEERING.md), yet a plot
shows at most a few thousand pixel columns.  :func:`minmax` keeps, for each of
``buckets`` equal runs of samples, the smallest and the largest value, so a
spike or a blow-up stays visible however long the run.  Qt-free.
"""

from __future__ import annotations

import numpy as np


def minmax(t: np.ndarray, y: np.ndarray, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """(t, y) with at most ``2 * buckets`` points: each bucket's minimum and maximum.

    Both points of a bucket are drawn at the bucket's first time, minimum
    first, so a line through them is a vertical stroke per pixel column.
    Series of at most ``2 * buckets`` points come back unchanged (as views).
    NaN in a bucket makes both its points NaN (pyqtgraph leaves a gap).
    """
    if buckets < 1:
        raise ValueError(f"buckets: {buckets!r} is not allowed; expected an integer ≥ 1")
    n = y.shape[0]
    if t.shape[0] != n:
        raise ValueError(f"t and y differ in length: {t.shape[0]} and {n}")
    if n <= 2 * buckets:
        return t, y
    starts = np.linspace(0, n, buckets + 1).astype(np.int64)[:-1]
    lo = np.minimum.reduceat(y, starts)
    hi = np.maximum.reduceat(y, starts)
    out_t = np.repeat(t[starts], 2)
    out_y = np.empty(2 * buckets, dtype=np.result_type(y.dtype, np.float64))
    out_y[0::2] = lo
    out_y[1::2] = hi
    return out_t, out_y
