"""Complexity: the complexity–entropy plane and entropies of the ordinal distribution against time.

A window of the newest ``window`` samples of one scalar series slides along
the run in strides of ``step`` samples.  For each window the view takes the
distribution of ordinal patterns of order d and delay τ
(:func:`solvers.diagnostics.ordinal.ordinal_distribution`) and shows

- its (H, C) point — normalised permutation entropy and Jensen–Shannon
  statistical complexity (Rosso et al. 2007) — in the plane bounded by the
  minimum- and maximum-complexity curves for that order
  (:func:`solvers.diagnostics.ordinal.complexity_bound_curves`), with a
  fading trail of the previous windows;
- the normalised Shannon, Rényi (order α) and Tsallis (index q) entropies
  of the same distribution (:mod:`solvers.diagnostics.entropy`) against the
  time of the window's last sample.

Windows are computed incrementally: each frame adds the windows that ended
since the previous one.  A large batch (long windows, many new strides) goes
to the analysis runner.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QDoubleSpinBox, QGridLayout, QLabel, QSpinBox, QVBoxLayout

from solvers.diagnostics.entropy import renyi_entropy, shannon_entropy, tsallis_entropy
from solvers.diagnostics.ordinal import complexity_bound_curves, jensen_shannon_complexity, ordinal_distribution

from ..history import RunHistory
from .base import COLORS, View, pen
from .imaging import combo, fill_grid, series_total, time_label

INLINE_WORK = 100_000  # samples a frame may scan on the GUI thread (≈ 1.5 ms); larger batches go to the runner
MAX_INITIAL = 5000  # windows a new track computes over an existing history
COLUMNS = ("t_end", "H", "C", "shannon", "renyi", "tsallis")


def complexity_track(x: np.ndarray, t: np.ndarray, ends, order: int, delay: int, window: int, alpha: float, q: float):
    """For each window x[e − window + 1 : e + 1] (e in ``ends``, indices into x): its end time,
    (H, C) and the normalised Shannon, Rényi-α and Tsallis-q entropies of its ordinal distribution."""
    n_states = math.factorial(order)
    rows = {key: np.empty(len(ends)) for key in COLUMNS}
    for i, e in enumerate(ends):
        p = ordinal_distribution(x[e - window + 1 : e + 1], order, delay)
        h, c = jensen_shannon_complexity(p, n_states)
        rows["t_end"][i] = t[e]
        rows["H"][i], rows["C"][i] = h, c
        rows["shannon"][i] = shannon_entropy(p, normalized=True)
        rows["renyi"][i] = renyi_entropy(p, alpha, normalized=True)
        rows["tsallis"][i] = tsallis_entropy(p, q, normalized=True)
    return rows


class ComplexityView(View):
    """The (H, C) plane with its bounds and the entropies of the ordinal distribution over time."""

    title = "Complexity"
    key = "complexity"

    def __init__(self, analysis=None, parent=None):
        super().__init__(analysis, parent)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(2, 2, 2, 2)
        grid = QGridLayout()
        self.series_box = combo()
        self.order = QSpinBox()
        self.order.setRange(2, 7)
        self.order.setValue(4)
        self.delay = QSpinBox()
        self.delay.setRange(1, 10_000)
        self.window_len = QSpinBox()
        self.window_len.setRange(50, 1_000_000)
        self.window_len.setSingleStep(500)
        self.window_len.setValue(2000)
        self.step = QSpinBox()
        self.step.setRange(1, 1_000_000)
        self.step.setValue(100)
        self.trail = QSpinBox()
        self.trail.setRange(1, 1000)
        self.trail.setValue(50)
        self.alpha = QDoubleSpinBox()
        self.alpha.setRange(0.0, 100.0)
        self.alpha.setValue(2.0)
        self.q = QDoubleSpinBox()
        self.q.setRange(0.01, 100.0)
        self.q.setValue(2.0)
        cells = [
            ("series:", self.series_box),
            ("order d:", self.order),
            ("delay τ:", self.delay),
            ("window:", self.window_len),
            ("step:", self.step),
            ("trail:", self.trail),
            ("Rényi α:", self.alpha),
            ("Tsallis q:", self.q),
        ]
        fill_grid(grid, cells)
        layout.addLayout(grid)
        self.graphics = pg.GraphicsLayoutWidget()
        layout.addWidget(self.graphics, 1)
        self.plane = self.graphics.addPlot(row=0, col=0)
        self.plane.setLabel("bottom", "normalised permutation entropy H")
        self.plane.setLabel("left", "statistical complexity C")
        self.plane.getAxis("left").enableAutoSIPrefix(False)
        self.plane.addLegend(offset=(5, 5))
        self.c_max = self.plane.plot(pen=pen("#444444"), name="C_max")
        self.c_min = self.plane.plot(pen=pg.mkPen("#888888", width=1, style=Qt.PenStyle.DashLine), name="C_min")
        self.trail_pts = pg.ScatterPlotItem(size=6, pen=None)
        self.plane.addItem(self.trail_pts)
        self.point = pg.ScatterPlotItem(size=11, pen=pen("k"), brush=pg.mkBrush(COLORS[1]))
        self.point.setZValue(10)
        self.plane.addItem(self.point)
        self.entropies = self.graphics.addPlot(row=0, col=1)
        self.entropies.setLabel("left", "normalised entropy")
        self.entropies.addLegend(offset=(-5, -5))
        self.entropies.setYRange(0, 1.02)
        self.curves = {
            "shannon": self.entropies.plot(pen=pen(COLORS[0]), name="Shannon"),
            "renyi": self.entropies.plot(pen=pen(COLORS[1]), name="Rényi α"),
            "tsallis": self.entropies.plot(pen=pen(COLORS[2]), name="Tsallis q"),
        }
        self.status = QLabel("")
        self.status.setStyleSheet("color: #555;")
        layout.addWidget(self.status)
        self.rows = {key: np.empty(0) for key in COLUMNS}
        self.last_end = -1  # global index (counting every sample ever) of the newest window's end
        self._in_flight: int | None = None  # serial of the batch computing on the runner, if any
        self._stale = False  # samples arrived while it computed
        for w in (self.series_box,):
            w.currentIndexChanged.connect(self._settings_changed)
        for w in (self.delay, self.window_len, self.step, self.alpha, self.q):
            w.valueChanged.connect(self._settings_changed)
        self.order.valueChanged.connect(self._order_changed)
        self.trail.valueChanged.connect(self._draw_plane)
        if analysis is not None:
            analysis.done.connect(self._job_done)

    # -- View interface -------------------------------------------------------
    def applies_to(self, history: RunHistory) -> str | None:
        if not history.scalar_names():
            return (
                "The complexity–entropy plane needs a scalar series (a variable, an observable or an invariant); "
                f"{history.system.title} has none."
            )
        return None

    def setup(self, history: RunHistory) -> None:
        self.series_box.blockSignals(True)
        self.series_box.clear()
        self.series_box.addItems(history.scalar_names())
        self.series_box.setCurrentIndex(0)
        self.series_box.blockSignals(False)
        self.entropies.setLabel("bottom", f"end of window, {time_label(history)}")
        self._order_changed()

    def draw(self, history: RunHistory) -> None:
        if self._in_flight is not None:  # one batch at a time; the next starts where it ends
            self._stale = True
            return
        name = self.series_box.currentText()
        if not name:
            return
        t, x = history.series(name)
        total = series_total(history, name)
        window, step = self.window_len.value(), self.step.value()
        need = window
        if x.size < need:
            self.status.setText(f"waiting for {need} samples ({x.size} so far) …")
            return
        offset = total - x.size  # global index of x[0]
        if self.last_end < 0:  # a new track: windows back from the newest over the kept samples, then onwards
            back = min((total - 1 - (offset + window - 1)) // step, MAX_INITIAL - 1)
            first = total - 1 - step * back
        else:
            first = max(self.last_end + step, offset + window - 1)
        ends = np.arange(first, total, step)
        if ends.size == 0:
            return
        local = ends - offset
        args = (
            self.order.value(),
            self.delay.value(),
            window,
            float(self.alpha.value()),
            float(self.q.value()),
        )
        if self.analysis is None or ends.size * window <= INLINE_WORK:
            self._append(complexity_track(x, t, local, *args), ends[-1])
            return
        lo = int(local[0]) - window + 1
        self._stale = False
        self._in_flight = self.analysis.submit(
            f"{self.key}:track", _track_job, x[lo:].copy(), t[lo:].copy(), local - lo, ends[-1], *args
        )
        self.status.setText(f"computing {ends.size} windows …")

    def export_item(self):
        return self.graphics.ci  # the whole layout (plots and colour bar), whatever the widget size

    def table(self) -> dict[str, np.ndarray]:
        return dict(self.rows) if self.rows["H"].size else {}

    # -- results -----------------------------------------------------------------
    @Slot(object)
    def _job_done(self, result) -> None:
        if result.key != f"{self.key}:track" or result.serial != self._in_flight:
            return  # another view's job, or one of settings since changed
        self._in_flight = None
        if result.error:
            self.status.setText(f"complexity failed: {result.error}")
            return
        rows, last = result.value
        self._append(rows, last)
        if self._stale and self.active:  # samples arrived meanwhile
            self.refresh(force=True)

    def _append(self, rows: dict, last_end: int) -> None:
        if last_end <= self.last_end:
            return
        keep = rows["t_end"] > (self.rows["t_end"][-1] if self.rows["t_end"].size else -np.inf)
        self.rows = {key: np.concatenate([self.rows[key], rows[key][keep]]) for key in COLUMNS}
        self.last_end = int(last_end)
        for key, curve in self.curves.items():
            curve.setData(self.rows["t_end"], self.rows[key])
        self._draw_plane()
        h, c = self.rows["H"][-1], self.rows["C"][-1]
        self.status.setText(
            f"H = {h:.4f}, C = {c:.4f} (window of {self.window_len.value()} samples ending at "
            f"t = {self.rows['t_end'][-1]:.6g}; {self.rows['H'].size} windows)"
        )

    @Slot()
    def _draw_plane(self, *_) -> None:
        n = self.rows["H"].size
        if n == 0:
            self.trail_pts.setData([], [])
            self.point.setData([], [])
            return
        k = min(n, self.trail.value())
        hs, cs = self.rows["H"][n - k :], self.rows["C"][n - k :]
        base = pg.mkColor(COLORS[0])
        brushes = []
        for a in np.linspace(25, 220, k).astype(int):  # older windows fade out
            col = pg.mkColor(base)
            col.setAlpha(int(a))
            brushes.append(pg.mkBrush(col))
        self.trail_pts.setData(hs, cs, brush=brushes)
        self.point.setData([hs[-1]], [cs[-1]])

    # -- slots --------------------------------------------------------------------
    @Slot()
    def _order_changed(self, *_) -> None:
        d = self.order.value()
        h, c_min, c_max = complexity_bound_curves(d)
        self.bounds = (h, c_min, c_max)
        self.c_max.setData(h, c_max)
        self.c_min.setData(h, c_min)
        self.plane.setXRange(0, 1, padding=0.02)
        self.plane.setYRange(0, float(c_max.max()) * 1.05, padding=0)
        self.plane.setTitle(f"Complexity–entropy plane, d = {d}")
        self._settings_changed()

    @Slot()
    def _settings_changed(self, *_) -> None:
        self.rows = {key: np.empty(0) for key in COLUMNS}
        self.last_end = -1
        self._in_flight = None  # a batch for the old settings is dropped when it arrives
        for curve in self.curves.values():
            curve.setData([], [])
        self.curves["renyi"].opts["name"] = f"Rényi α = {self.alpha.value():g}"
        self.curves["tsallis"].opts["name"] = f"Tsallis q = {self.q.value():g}"
        self.entropies.legend.clear()
        for key, label in (
            ("shannon", "Shannon"),
            ("renyi", f"Rényi α = {self.alpha.value():g}"),
            ("tsallis", f"Tsallis q = {self.q.value():g}"),
        ):
            self.entropies.legend.addItem(self.curves[key], label)
        self._draw_plane()
        self.entropies.setTitle(f"Ordinal entropies of {self.series_box.currentText()}")
        if self.active:
            self.refresh(force=True)


def _track_job(x, t, local, last_end, order, delay, window, alpha, q):
    return complexity_track(x, t, local, order, delay, window, alpha, q), last_end
