"""Small helpers shared by the density-image views (phase, spiral, recurrence, orbit diagram).

Colour tables follow ENGINEERING.md: 256-entry uint8 lookup tables, images as
C-contiguous float32 with fixed levels and no NaN.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QWidget

from ..history import RunHistory


def lut(name: str, reverse: bool = False) -> np.ndarray:
    """A 256 × 3 uint8 lookup table of one of pyqtgraph's colour maps."""
    table = pg.colormap.get(name).getLookupTable(nPts=256, alpha=False)
    return np.ascontiguousarray(table[::-1] if reverse else table, dtype=np.uint8)


def density_lut() -> np.ndarray:
    """White (empty) through blue to near black: densities on a white page."""
    cmap = pg.ColorMap([0.0, 0.35, 0.7, 1.0], [(255, 255, 255), (120, 170, 220), (0, 90, 160), (10, 20, 60)])
    return np.ascontiguousarray(cmap.getLookupTable(nPts=256, alpha=False), dtype=np.uint8)


def diverging_lut() -> np.ndarray:
    """Blue – white – red, white at the centre (levels symmetric about zero)."""
    return lut("CET-D1")


def image_data(a: np.ndarray) -> np.ndarray:
    """Row-major C-contiguous float32 with NaN/inf replaced by 0 (one NaN slows painting 2–3×)."""
    out = np.ascontiguousarray(a, dtype=np.float32)
    if not np.all(np.isfinite(out)):
        out = np.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0)
    return out


def unit_of(history: RunHistory, name: str) -> str:
    """The unit of a scalar series or per-particle variable ('' when the spec has none)."""
    base = name.partition("[")[0]
    for v in history.system.variables:
        if v.name == base:
            return "" if v.unit in ("", "1") else v.unit
    return ""


def label_of(history: RunHistory, name: str) -> str:
    unit = unit_of(history, name)
    return f"{name} [{unit}]" if unit else name


def time_label(history: RunHistory) -> str:
    if history.kind == "map":
        return "iteration n"
    unit = history.system.time_unit
    return f"t [{unit}]" if unit not in ("", "1") else "t"


def series_total(history: RunHistory, name: str) -> int:
    """How many values the series ``name`` ever received (kept or dropped)."""
    if name in history.observables:
        return history.observables[name].total
    if name in history.invariants:
        return history.invariants[name].total
    return history.y.total


def aligned(history: RunHistory, names: list[str]) -> tuple[np.ndarray, list[np.ndarray], int]:
    """(times, values, total) of several scalar series over their common newest samples.

    Each series is a tail ending at the newest sample, so the common part is
    the last min(len) values of each; ``total`` counts the samples the common
    series ever had (for incremental work)."""
    pairs = [history.series(n) for n in names]
    k = min(len(v) for _, v in pairs)
    t = pairs[0][0][len(pairs[0][0]) - k :]
    values = [v[len(v) - k :] for _, v in pairs]
    total = min(series_total(history, n) for n in names)
    return t, values, total


def combo() -> QComboBox:
    """A combo box as wide as its longest entry (series names such as 'hamiltonian' must not be cut)."""
    box = QComboBox()
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return box


def fill_grid(grid: QGridLayout, cells: list[tuple[str, QWidget]], columns: int = 4) -> None:
    """Labelled controls in rows of ``columns`` (label, widget) pairs."""
    for i, (text, widget) in enumerate(cells):
        r, c = divmod(i, columns)
        grid.addWidget(QLabel(text), r, 2 * c)
        grid.addWidget(widget, r, 2 * c + 1)
