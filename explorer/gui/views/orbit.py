"""Orbit (bifurcation) diagram of a map or a flow over a range of one parameter.

:func:`solvers.diagnostics.scans.orbit_diagram` runs on the analysis runner:
for each of ``values`` equally spaced parameter values it keeps ``points``
iterates of a variable after a transient (maps), or the variable's local
maxima (minima) after a transient time (flows, located on the dense output).
The points are drawn as a density image: one column per parameter value,
each column scaled by its largest cell so that a period-2 window and a
chaotic band are equally visible.

Zoom with the mouse (drag a rectangle; the wheel zooms too) and press
Recompute — or tick "on zoom" — to recompute the diagram on the visible
parameter and value range with the full resolution.  A newer computation
stops the one running (its ``stop`` event), so only the latest zoom costs
time.  "Full range" goes back to the starting range.
"""

from __future__ import annotations

import math
import threading

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from solvers.diagnostics.density import histogram2d
from solvers.diagnostics.scans import orbit_diagram

from ..history import RunHistory
from .base import COLORS, View
from .imaging import combo, density_lut, fill_grid, image_data, label_of

ROWS = 400  # value cells of the image
ZOOM_DELAY_MS = 400  # a zoom settles for this long before "on zoom" recomputes
FLOW_TIME_FACTOR = 10.0  # flows integrate at most transient + this × default_t_end per value


def diagram_job(
    system, param, values, variable, points, transient, which, t_end, params, initial, seed, y_range, stop, progress
):
    """Orbit diagram and its column-per-value density (runs on the analysis runner).

    Returns a dict: ``values`` (the parameter values), ``p`` and ``v`` (every
    point), ``counts`` (len(values) × min(ROWS, max(100, points))), ``y_range`` (the value range
    binned: the one given, or the points' range padded by 2 %)."""
    kwargs = {"variable": variable, "points": points, "transient": transient, "params": params}
    kwargs.update(initial=initial, seed=seed, stop=stop, progress=progress)
    if which is not None:
        kwargs.update(which=which, t_end=t_end)
    p, v = orbit_diagram(system, param, values, **kwargs)
    if y_range is None:
        finite = v[np.isfinite(v)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        pad = 0.02 * (hi - lo) if hi > lo else 0.5 * (abs(lo) or 1.0)
        y_range = (lo - pad, hi + pad)
    half = 0.5 * (values[-1] - values[0]) / max(values.size - 1, 1) or 0.5
    x_range = (float(values[0]) - half, float(values[-1]) + half)
    # a cell per point or so: few points spread over many cells would draw as scattered dashes
    rows = min(ROWS, max(100, points))
    counts = histogram2d(p, v, (values.size, rows), (x_range, y_range))
    return {"values": values, "p": p, "v": v, "counts": counts, "x_range": x_range, "y_range": y_range}


class OrbitDiagramView(View):
    """Orbit diagram with rubber-band zoom and recompute."""

    title = "Orbit diagram"
    key = "orbit"

    def __init__(self, analysis=None, parent=None):
        super().__init__(analysis, parent)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(2, 2, 2, 2)
        grid = QGridLayout()
        self.param_box = combo()
        self.lo, self.hi = QDoubleSpinBox(), QDoubleSpinBox()
        for box in (self.lo, self.hi):
            box.setDecimals(6)
            box.setRange(-1e9, 1e9)
        self.count = QSpinBox()
        self.count.setRange(2, 4000)
        self.points = QSpinBox()
        self.points.setRange(1, 100_000)
        self.transient = QDoubleSpinBox()
        self.transient.setRange(0.0, 1e9)
        self.transient.setDecimals(3)
        self.var_box = combo()
        self.which = combo()
        self.which.addItems(["maxima", "minima"])
        self.recompute = QPushButton("Recompute")
        self.recompute.setToolTip("recompute on the visible parameter and value range")
        self.full = QPushButton("Full range")
        self.auto = QCheckBox("on zoom")
        self.auto.setToolTip("recompute automatically when the view is zoomed or panned")
        self.progress = QLabel("")
        self.progress.setStyleSheet("color: #555;")
        cells = [
            ("parameter:", self.param_box),
            ("from:", self.lo),
            ("to:", self.hi),
            ("values:", self.count),
            ("variable:", self.var_box),
            ("flows:", self.which),
            ("points:", self.points),
            ("transient:", self.transient),
        ]
        fill_grid(grid, cells)
        grid.addWidget(self.recompute, 2, 1)
        grid.addWidget(self.full, 2, 3)
        grid.addWidget(self.auto, 2, 5)
        grid.addWidget(self.progress, 2, 6, 1, 2)
        layout.addLayout(grid)
        self.plot = pg.PlotWidget()
        layout.addWidget(self.plot, 1)
        self.vb = self.plot.getViewBox()
        self.vb.setMouseMode(pg.ViewBox.RectMode)  # drag a rectangle to zoom
        self.image = pg.ImageItem()
        self.image.setLookupTable(density_lut())
        self.plot.addItem(self.image)
        self.marker = pg.InfiniteLine(angle=90, pen=pg.mkPen(COLORS[1], width=1, style=Qt.PenStyle.DashLine))
        self.marker.setZValue(5)
        self.plot.addItem(self.marker)
        self.plot.getPlotItem().showGrid(x=True, y=True, alpha=0.15)
        for axis in ("bottom", "left"):
            self.plot.getPlotItem().getAxis(axis).enableAutoSIPrefix(False)
        self.result: dict | None = None
        self.home: tuple | None = None  # (lo, hi) of the first diagram
        self._deferred: tuple | None = None  # a range to compute once the view is shown
        self._serial = -1
        self._stop: threading.Event | None = None
        self._fraction = [0.0]
        self._zoom_timer = QTimer(self)
        self._zoom_timer.setSingleShot(True)
        self._zoom_timer.setInterval(ZOOM_DELAY_MS)
        self._zoom_timer.timeout.connect(self.compute_visible)
        self._poll = QTimer(self)
        self._poll.setInterval(200)
        self._poll.timeout.connect(self._show_progress)
        self.recompute.clicked.connect(self.compute_visible)
        self.full.clicked.connect(self._full_range)
        self.param_box.currentIndexChanged.connect(self._param_changed)
        self.vb.sigRangeChangedManually.connect(self._zoomed)
        if analysis is not None:
            analysis.done.connect(self._job_done)

    # -- View interface -------------------------------------------------------
    def applies_to(self, history: RunHistory) -> str | None:
        title = history.system.title
        if history.kind not in ("map", "flow"):
            kind = "PDE" if history.kind == "pde" else history.kind
            return f"Orbit diagrams are drawn for maps and flows; {title} is a {kind}."
        if not self._scannable(history):
            return f"{title} has no parameter that can be scanned."
        if not self._variables(history):
            return f"{title} has no single-valued state variable to plot (its state is a block of values)."
        if self.analysis is None:
            return "Orbit diagrams are computed in the background; the analysis runner is not available."
        return None

    def setup(self, history: RunHistory) -> None:
        flow = history.kind == "flow"
        self.param_box.blockSignals(True)
        self.param_box.clear()
        self.param_box.addItems(self._scannable(history))
        self.param_box.blockSignals(False)
        self.var_box.clear()
        self.var_box.addItems(self._variables(history))
        self.which.setEnabled(flow)
        self.count.setValue(80 if flow else 400)
        self.points.setValue(300 if flow else 200)
        self.transient.setDecimals(3 if flow else 0)
        self.transient.setValue(history.system.default_t_end if flow else 1000)
        self.transient.setToolTip(
            f"time discarded per value [{history.system.time_unit}]" if flow else "iterations discarded per value"
        )
        self.result = None
        self.image.clear()
        self._param_changed()

    def draw(self, history: RunHistory) -> None:
        """Nothing to do per frame: the diagram depends on the run's system and parameters only."""

    def export_item(self):
        return self.plot.getPlotItem()

    def table(self) -> dict[str, np.ndarray]:
        if self.result is None:
            return {}
        return {self.param_box.currentText(): self.result["p"], self.var_box.currentText(): self.result["v"]}

    @staticmethod
    def _scannable(history: RunHistory) -> list[str]:
        """Parameters an orbit diagram can scan: real, entering the equations, not changing the state's size."""
        return [
            p.name for p in history.system.parameters if p.kind == "float" and not p.structural and p.role == "model"
        ]

    @staticmethod
    def _variables(history: RunHistory) -> list[str]:
        """Single-valued state variables (what orbit_diagram can plot)."""
        return [v.name for (_, size), v in zip(history.layout, history.system.variables) if size == 1 and v.size == 1]

    # -- computing -------------------------------------------------------------
    def compute(self, lo: float, hi: float, y_range: tuple[float, float] | None = None) -> None:
        """Start a diagram over [lo, hi] (binning values in ``y_range``, or the points' own range)."""
        h = self.history
        if h is None or self.analysis is None or not self.param_box.count():
            return
        param = h.system.parameter(self.param_box.currentText())
        lo, hi = max(lo, param.bounds[0]), min(hi, param.bounds[1])
        if not hi > lo:
            self.progress.setText(f"empty range: {param.name} must lie in {param.bounds_text()}")
            return
        if self._stop is not None:
            self._stop.set()  # the previous diagram is no longer wanted
        self._stop = threading.Event()
        self._deferred = None
        self._fraction = [0.0]
        fraction = self._fraction

        def progress(f: float) -> None:  # called on the runner's thread: store a number, touch no widget
            fraction[0] = f

        flow = h.kind == "flow"
        transient = float(self.transient.value()) if flow else int(self.transient.value())
        t_end = transient + FLOW_TIME_FACTOR * h.system.default_t_end if flow else None
        cfg = h.config
        params = {k: v for k, v in h.params.items() if k != param.name}
        self._serial = self.analysis.submit(
            f"{self.key}:diagram",
            diagram_job,
            cfg.system,
            param.name,
            np.linspace(lo, hi, self.count.value()),
            self.var_box.currentText(),
            self.points.value(),
            transient,
            ("max" if self.which.currentIndex() == 0 else "min") if flow else None,
            t_end,
            params,
            None if cfg.initial is None else list(cfg.initial),
            cfg.seed,
            y_range,
            self._stop,
            progress,
        )
        for box, v in ((self.lo, lo), (self.hi, hi)):
            box.blockSignals(True)
            box.setValue(v)
            box.blockSignals(False)
        self.progress.setText("computing …")
        self._poll.start()

    @Slot()
    def compute_visible(self) -> None:
        """Recompute on the parameter and value range now visible."""
        if self.result is None:
            self.compute(self.lo.value(), self.hi.value())
            return
        (x0, x1), (y0, y1) = self.vb.viewRange()
        self.compute(x0, x1, (y0, y1))

    @Slot(object)
    def _job_done(self, result) -> None:
        if result.key != f"{self.key}:diagram" or result.serial != self._serial:
            return
        self._poll.stop()
        if result.error:
            self.progress.setText(f"orbit diagram failed: {result.error}")
            return
        r = result.value
        self.result = r
        counts = r["counts"].astype(np.float64)
        top = counts.max(axis=1, keepdims=True)
        img = np.divide(counts, top, out=np.zeros_like(counts), where=top > 0)
        self.image.setImage(image_data(np.sqrt(img.T)), levels=(0.0, 1.0), autoLevels=False)
        (x0, x1), (y0, y1) = r["x_range"], r["y_range"]
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)  # emits no sigRangeChangedManually
        n = r["values"].size
        self.progress.setText(f"{r['p'].size:,} points, {n} values in {result.seconds:.1f} s")
        if self.home is None:
            self.home = (float(r["values"][0]), float(r["values"][-1]))

    @Slot()
    def _show_progress(self) -> None:
        self.progress.setText(f"computing … {100 * self._fraction[0]:.0f} %")

    # -- slots -------------------------------------------------------------------
    @Slot()
    def _param_changed(self, *_) -> None:
        h = self.history
        if h is None or not self.param_box.count():
            return
        name = self.param_box.currentText()
        par = h.system.parameter(name)
        value = float(h.params[name])
        lo, hi = _default_range(value, par.bounds)
        self.home = None
        self.marker.setValue(value)
        pi = self.plot.getPlotItem()
        unit = "" if par.unit in ("", "1") else f" [{par.unit}]"
        pi.setLabel("bottom", f"{name}{unit}")
        pi.setLabel("left", label_of(h, self.var_box.currentText()))
        what = "iterates" if h.kind == "map" else "local maxima"
        pi.setTitle(f"Orbit diagram of {h.system.title}: {what} against {name} (dashed: this run)")
        for box, v in ((self.lo, lo), (self.hi, hi)):
            box.blockSignals(True)
            box.setValue(v)
            box.blockSignals(False)
        if self.isVisible():
            self.compute(lo, hi)
        else:  # a hidden dock costs nothing: the diagram is computed when it is first shown
            self._deferred = (lo, hi)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._deferred is not None and self.active:
            lo, hi = self._deferred
            self._deferred = None
            self.compute(lo, hi)

    @Slot()
    def _full_range(self) -> None:
        h = self.history
        if h is None or not self.param_box.count():
            return
        if self.home is None:
            par = h.system.parameter(self.param_box.currentText())
            self.home = _default_range(float(h.params[par.name]), par.bounds)
        self.compute(*self.home)

    @Slot(object)
    def _zoomed(self, *_) -> None:
        if self.auto.isChecked():
            self._zoom_timer.start()


def _default_range(value: float, bounds: tuple[float, float]) -> tuple[float, float]:
    """Half the value either side (clipped to the bounds), or ±1 about zero."""
    half = 0.5 * abs(value) if value != 0 else 1.0
    lo, hi = value - half, value + half
    lo = lo if math.isinf(bounds[0]) else max(lo, bounds[0])
    hi = hi if math.isinf(bounds[1]) else min(hi, bounds[1])
    return lo, hi
