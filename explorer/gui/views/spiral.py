"""Phase spiral: the density of an ensemble in the plane of two per-particle coordinates.

For the galactic disk (z, v_z) the view shows the density of the newest
sample minus a reference density — the system's unperturbed equilibrium
where its module offers one (``equilibrium_state``, the default), or the
ensemble at t = 0 — so the phase spiral stands out as it winds up; a diverging colour map is
centred on zero.  Any two per-particle coordinates of any ensemble can be
shown, as a difference, a relative contrast f/f₀ − 1 (the form of Antoja
et al. 2018) or the plain density.

Binning 10⁵ particles takes about 0.3 ms
(:func:`solvers.diagnostics.density.histogram2d`, a nogil numba pass;
numpy.histogram2d takes about 9 ms), so the view re-bins the newest sample
every frame.  The range is fixed by the reference sample (it covers 99.5 %
of it, symmetric about zero when the reference straddles zero).
"""

from __future__ import annotations

import importlib

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSlider, QSpinBox, QVBoxLayout

from solvers.diagnostics.density import histogram2d

from ..history import RunHistory
from .base import View
from .imaging import combo, density_lut, diverging_lut, image_data, label_of, unit_of

MODES = {"difference f − f₀": "difference", "contrast f/f₀ − 1": "relative", "density f": "density"}
REFERENCES = {"t0": "ensemble at the first sample", "equilibrium": "model equilibrium", "none": "no reference"}
MIN_COUNT = 10  # reference particles a cell needs before f/f₀ − 1 is shown there (fewer: noise)
QUANTILE = 0.995  # the range covers this fraction of the reference sample on each side
LEVEL_PERCENTILE = 99.5  # colour levels ±this percentile of |values|: a few noisy cells must not wash out the rest


def equilibrium_of(history: RunHistory):
    """The system module's ``equilibrium_state(params, seed)`` (one array per variable), or None."""
    rhs = history.system.rhs
    module = getattr(getattr(rhs, "py_func", rhs), "__module__", None)
    if module is None:
        return None
    fn = getattr(importlib.import_module(module), "equilibrium_state", None)
    return fn if callable(fn) else None


def cell_range(x: np.ndarray) -> tuple[float, float]:
    lo, hi = (float(v) for v in np.quantile(x, [1.0 - QUANTILE, QUANTILE]))
    if lo < 0.0 < hi:  # coordinates about an equilibrium at zero: keep zero in the middle
        lo, hi = -max(-lo, hi), max(-lo, hi)
    if not hi > lo:
        lo, hi = lo - 0.5 * (abs(lo) or 1.0), hi + 0.5 * (abs(hi) or 1.0)
    pad = 0.05 * (hi - lo)
    return lo - pad, hi + pad


class PhaseSpiralView(View):
    """Density of two per-particle coordinates minus a reference density."""

    title = "Phase spiral"
    key = "spiral"

    def __init__(self, analysis=None, parent=None):
        super().__init__(analysis, parent)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(2, 2, 2, 2)
        row = QHBoxLayout()
        self.x_box, self.y_box = combo(), combo()
        self.mode_box = combo()
        self.mode_box.addItems(list(MODES))
        self.ref_box = combo()
        self.bins = QSpinBox()
        self.bins.setRange(16, 1024)
        self.bins.setValue(96)  # ~10 stars a cell at 10⁵ stars: finer cells show mostly Poisson noise
        for text, w in (("x:", self.x_box), ("y:", self.y_box), ("show:", self.mode_box), ("minus:", self.ref_box)):
            row.addWidget(QLabel(text))
            row.addWidget(w)
        row.addWidget(QLabel("cells:"))
        row.addWidget(self.bins)
        row.addStretch(1)
        layout.addLayout(row)
        srow = QHBoxLayout()
        self.follow = QCheckBox("latest sample")
        self.follow.setChecked(True)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setEnabled(False)
        self.sample_label = QLabel("")
        srow.addWidget(self.follow)
        srow.addWidget(self.slider, 1)
        srow.addWidget(self.sample_label)
        layout.addLayout(srow)
        self.graphics = pg.GraphicsLayoutWidget()
        layout.addWidget(self.graphics, 1)
        self.plot = self.graphics.addPlot()
        self.image = pg.ImageItem()
        self.plot.addItem(self.image)
        self.plot.setAspectLocked(False)
        self.bar = pg.ColorBarItem(values=(-1, 1), colorMap=pg.colormap.get("CET-D1"), interactive=False, width=14)
        self.graphics.addItem(self.bar)
        self.ref: tuple[np.ndarray, np.ndarray] | None = None
        self.ref_counts: np.ndarray | None = None
        self.range = None
        self.values: np.ndarray | None = None  # the image drawn (x cells × y cells, before transposing)
        self.counts: np.ndarray | None = None
        for w in (self.x_box, self.y_box, self.ref_box, self.bins):
            (w.currentIndexChanged if isinstance(w, QComboBox) else w.valueChanged).connect(self._reference_changed)
        self.mode_box.currentIndexChanged.connect(self._redraw)
        self.follow.toggled.connect(self._follow_toggled)
        self.slider.valueChanged.connect(self._redraw)

    # -- View interface -------------------------------------------------------
    def applies_to(self, history: RunHistory) -> str | None:
        names = history.ensemble_names()
        if len(names) < 2:
            return (
                f"The phase spiral shows the density of two per-particle coordinates of an ensemble; "
                f"{history.system.title} is a {history.kind}"
                + (f" with one per-particle variable ({names[0]})." if names else ".")
            )
        return None

    def setup(self, history: RunHistory) -> None:
        names = history.ensemble_names()
        for box, i in ((self.x_box, 0), (self.y_box, 1)):
            box.blockSignals(True)
            box.clear()
            box.addItems(names)
            box.setCurrentIndex(i)
            box.blockSignals(False)
        self._first = None
        if len(history.y) and history.y.total == len(history.y):  # the first sample is still kept
            self._first = history.y.view()[0].copy()
        self.ref_box.blockSignals(True)
        self.ref_box.clear()
        if self._first is not None:
            self.ref_box.addItem(REFERENCES["t0"], "t0")
        if equilibrium_of(history) is not None:
            self.ref_box.insertItem(0, REFERENCES["equilibrium"], "equilibrium")  # preferred: no kick in it
        self.ref_box.addItem(REFERENCES["none"], "none")
        self.ref_box.setCurrentIndex(0)
        self.ref_box.blockSignals(False)
        self._reference_changed()

    def draw(self, history: RunHistory) -> None:
        if self._first is None and len(history.y) and history.y.total == len(history.y):
            self.setup(history)  # the view was shown before the first sample arrived
            return
        rows = len(history.y)
        if rows == 0 or self.range is None:
            return
        self.slider.blockSignals(True)
        self.slider.setRange(0, rows - 1)
        if self.follow.isChecked():
            self.slider.setValue(rows - 1)
        self.slider.blockSignals(False)
        k = min(self.slider.value(), rows - 1)
        xn, yn = self.x_box.currentText(), self.y_box.currentText()
        x = history.variable(xn)[k]
        y = history.variable(yn)[k]
        bins = self.bins.value()
        self.counts = histogram2d(x, y, bins, self.range)
        mode = MODES[self.mode_box.currentText()]
        reference = self.ref_box.currentData()
        if reference == "none" or self.ref_counts is None:
            mode = "density"
        (x0, x1), (y0, y1) = self.range
        area = (x1 - x0) * (y1 - y0) / (bins * bins)
        f = self.counts / (max(x.size, 1) * area)
        if mode == "density":
            values = f
            top = float(values.max()) or 1.0
            levels, table, cmap = (0.0, top), density_lut(), None
        else:
            n0 = max(self.ref[0].size, 1)
            if mode == "difference":
                values = f - self.ref_counts / (n0 * area)
            else:
                ok = self.ref_counts >= MIN_COUNT
                values = np.zeros_like(f)
                values[ok] = (self.counts[ok] / x.size) / (self.ref_counts[ok] / n0) - 1.0
            top = float(np.percentile(np.abs(values), LEVEL_PERCENTILE)) or float(np.abs(values).max()) or 1.0
            levels, table, cmap = (-top, top), diverging_lut(), "CET-D1"
        self.values = values
        self.image.setImage(image_data(values.T), levels=levels, autoLevels=False, lut=table)
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.bar.setColorMap(pg.colormap.get(cmap) if cmap else pg.ColorMap(np.linspace(0, 1, 256), table))
        self.bar.setLevels(levels)
        what = {"difference": "f − f₀", "relative": "f/f₀ − 1", "density": "f"}[mode]
        ux, uy = unit_of(history, xn), unit_of(history, yn)
        density_unit = f" [1/({ux}·{uy})]" if ux and uy else ""
        self.bar.axis.setLabel(what + (density_unit if mode != "relative" else ""))
        t = history.state_times()[k]
        unit = history.system.time_unit
        self.plot.setTitle(f"{what} at t = {t:.4g} {'' if unit in ('', '1') else unit} — {x.size:,} particles")
        self.sample_label.setText(f"sample {k + 1} of {rows}")

    def export_item(self):
        return self.graphics.ci  # the whole layout (plots and colour bar), whatever the widget size

    def table(self) -> dict[str, np.ndarray]:
        if self.values is None:
            return {}
        (x0, x1), (y0, y1) = self.range
        nx, ny = self.values.shape
        xc = x0 + (np.arange(nx) + 0.5) * (x1 - x0) / nx
        yc = y0 + (np.arange(ny) + 0.5) * (y1 - y0) / ny
        X, Y = np.meshgrid(xc, yc, indexing="ij")
        mode = MODES[self.mode_box.currentText()]
        return {
            f"{self.x_box.currentText()} (cell centre)": X.ravel(),
            f"{self.y_box.currentText()} (cell centre)": Y.ravel(),
            "count": self.counts.ravel().astype(np.float64),
            mode: self.values.ravel(),
        }

    # -- reference ---------------------------------------------------------------
    def _reference_arrays(self, history: RunHistory):
        xn, yn = self.x_box.currentText(), self.y_box.currentText()
        choice = self.ref_box.currentData()
        if choice == "equilibrium":
            fn = equilibrium_of(history)
            names = [v.name for v in history.system.variables]
            arrays = fn(history.params, history.config.seed)
            return np.asarray(arrays[names.index(xn)]), np.asarray(arrays[names.index(yn)])
        if self._first is not None:  # t = 0, and the binning range for "none" too
            split = history.system.split(self._first[None, :], history.params, history.grid)
            return np.asarray(split[xn][0]), np.asarray(split[yn][0])
        if len(history.y):
            return history.variable(xn)[0], history.variable(yn)[0]
        return None

    @Slot()
    def _reference_changed(self, *_) -> None:
        h = self.history
        if h is None or not self.x_box.count():
            return
        ref = self._reference_arrays(h)
        if ref is None:
            self.ref = self.ref_counts = self.range = None
            return
        self.ref = (np.ascontiguousarray(ref[0], dtype=np.float64), np.ascontiguousarray(ref[1], dtype=np.float64))
        self.range = (cell_range(self.ref[0]), cell_range(self.ref[1]))
        self.ref_counts = histogram2d(*self.ref, self.bins.value(), self.range)
        self.plot.setLabel("bottom", label_of(h, self.x_box.currentText()))
        self.plot.setLabel("left", label_of(h, self.y_box.currentText()))
        (x0, x1), (y0, y1) = self.range
        self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self._redraw()

    @Slot(bool)
    def _follow_toggled(self, on: bool) -> None:
        self.slider.setEnabled(not on)
        self._redraw()

    @Slot()
    def _redraw(self, *_) -> None:
        if self.active:
            self.refresh(force=True)
