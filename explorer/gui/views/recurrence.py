"""Recurrence: a live recurrence plot of the latest samples and its RQA table.

The states are the newest ``window`` samples of the run's scalar state
variables together (flows and maps), or of one chosen series, delay-embedded
with dimension m and delay τ (:func:`solvers.diagnostics.embedding.delay_embed`).
The plot is :func:`solvers.diagnostics.recurrence.recurrence_image` (the
recurrence density of pixel blocks, black = recurrent) and the table
:func:`solvers.diagnostics.recurrence.rqa` of the same window, with the
threshold given as ε or as a target recurrence rate, a Theiler window and a
norm.  Both run on the analysis runner (a window of 10³ states takes
~20 ms); a newer window replaces one that has not started, and each result
is also appended to the plot of RR, DET and LAM against the window's end
time.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Slot
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from solvers.diagnostics.embedding import delay_embed
from solvers.diagnostics.recurrence import MEASURES, recurrence_image, rqa

from ..history import RunHistory
from .base import COLORS, View, pen
from .imaging import aligned, combo, fill_grid, image_data, lut, time_label

STATE = "state (all scalar variables)"
IMAGE_SIZE = 400  # pixels a side at most
MEANINGS = {
    "RR": "recurrence rate",
    "DET": "determinism (points on diagonal lines ≥ 2)",
    "L": "mean diagonal line length [samples]",
    "Lmax": "longest diagonal line [samples]",
    "DIV": "divergence 1/Lmax",
    "ENTR": "entropy of diagonal lengths [nats]",
    "LAM": "laminarity (points on vertical lines ≥ 2)",
    "TT": "trapping time [samples]",
    "Vmax": "longest vertical line [samples]",
    "VENTR": "entropy of vertical lengths [nats]",
    "eps": "threshold ε (units of the states)",
}
TRACKED = (("RR", COLORS[0]), ("DET", COLORS[1]), ("LAM", COLORS[3]))


def recurrence_job(states: np.ndarray, eps, rate, metric: str, theiler: int):
    """RQA and display image of one window (runs on the analysis runner)."""
    measures = rqa(states, eps=eps, recurrence_rate=rate, metric=metric, theiler=theiler)
    image = recurrence_image(states, size=min(IMAGE_SIZE, states.shape[0]), eps=measures["eps"], metric=metric)
    return measures, image


class RecurrenceView(View):
    """Recurrence plot of a sliding window and its RQA measures."""

    title = "Recurrence"
    key = "recurrence"

    def __init__(self, analysis=None, parent=None):
        super().__init__(analysis, parent)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(2, 2, 2, 2)
        grid = QGridLayout()
        self.series_box = combo()
        self.dim = QSpinBox()
        self.dim.setRange(1, 12)
        self.delay = QSpinBox()
        self.delay.setRange(1, 10_000)
        self.window_len = QSpinBox()
        self.window_len.setRange(20, 10_000)
        self.window_len.setSingleStep(100)
        self.window_len.setValue(500)
        self.thr_mode = combo()
        self.thr_mode.addItems(["recurrence rate", "ε"])
        self.thr_value = QDoubleSpinBox()
        self.thr_value.setDecimals(4)
        self.thr_value.setRange(1e-4, 1.0)
        self.thr_value.setSingleStep(0.01)
        self.thr_value.setValue(0.05)
        self.theiler = QSpinBox()
        self.theiler.setRange(0, 5000)
        self.theiler.setValue(1)
        self.theiler.setToolTip("diagonals |i − j| < w are left out of the line counts (w = 1: the identity line)")
        self.norm_box = combo()
        self.norm_box.addItems(["euclidean", "maximum", "manhattan"])
        cells = [
            ("series:", self.series_box),
            ("m:", self.dim),
            ("τ:", self.delay),
            ("window:", self.window_len),
            ("threshold:", self.thr_mode),
            ("", self.thr_value),
            ("Theiler w:", self.theiler),
            ("norm:", self.norm_box),
        ]
        fill_grid(grid, cells)
        layout.addLayout(grid)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.graphics = pg.GraphicsLayoutWidget()
        self.plot = self.graphics.addPlot(row=0, col=0)
        self.plot.setAspectLocked(True)
        self.image = pg.ImageItem()
        self.image.setLookupTable(lut("CET-L1", reverse=True))  # white: never recurrent, black: always
        self.plot.addItem(self.image)
        self.track = self.graphics.addPlot(row=1, col=0)
        self.track.addLegend(offset=(-5, 5))
        self.track.setYRange(0, 1)
        self.track.setLabel("left", "RQA")
        self.graphics.ci.layout.setRowStretchFactor(0, 3)
        self.curves = {
            name: self.track.plot(
                pen=pen(color), symbol="o", symbolSize=4, symbolPen=None, symbolBrush=color, name=name
            )
            for name, color in TRACKED
        }
        split.addWidget(self.graphics)
        right = QWidget()
        rlay = QVBoxLayout(right)
        rlay.setContentsMargins(0, 0, 0, 0)
        self.table_widget = QTableWidget(len(MEASURES) + 1, 2)
        self.table_widget.setHorizontalHeaderLabels(["value", "meaning"])
        self.table_widget.setVerticalHeaderLabels([*MEASURES, "eps"])
        self.table_widget.horizontalHeader().setStretchLastSection(True)
        self.table_widget.setWordWrap(True)
        self.table_widget.setColumnWidth(0, 90)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #555;")
        rlay.addWidget(self.table_widget, 1)
        rlay.addWidget(self.status)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([600, 400])
        layout.addWidget(split, 1)
        self.result: dict | None = None  # the measures shown
        self.window_times: np.ndarray | None = None
        self.rows: list[dict] = []  # every result shown: {"t_start", "t_end", measures…}
        self._serial = -1
        self._in_flight: int | None = None  # serial of the job computing, if any
        self._span = (0.0, 0.0)  # (first, last) sample time of its window
        self._stale = False  # samples arrived while it computed
        for w in (self.series_box, self.thr_mode, self.norm_box):
            w.currentIndexChanged.connect(self._settings_changed)
        for w in (self.dim, self.delay, self.window_len, self.theiler, self.thr_value):
            w.valueChanged.connect(self._settings_changed)
        self.thr_mode.currentIndexChanged.connect(self._threshold_mode)
        if analysis is not None:
            analysis.done.connect(self._job_done)

    # -- View interface -------------------------------------------------------
    def applies_to(self, history: RunHistory) -> str | None:
        if not history.scalar_names():
            return (
                f"The recurrence plot needs a scalar series (a variable, an observable or an invariant); "
                f"{history.system.title} has none."
            )
        return None

    def setup(self, history: RunHistory) -> None:
        self.state_names = [n for n in history.scalar_names() if self._is_state(history, n)]
        self.series_box.blockSignals(True)
        self.series_box.clear()
        if len(self.state_names) >= 2:
            self.series_box.addItem(STATE)
        self.series_box.addItems(history.scalar_names())
        self.series_box.setCurrentIndex(0)
        self.series_box.blockSignals(False)
        self.plot.setLabel("bottom", time_label(history))
        self.plot.setLabel("left", time_label(history))
        self.track.setLabel("bottom", f"end of window, {time_label(history)}")
        self._settings_changed()

    def draw(self, history: RunHistory) -> None:
        if self._in_flight is not None:  # one window at a time: the next one is taken when this one is back
            self._stale = True
            return
        window = self._window(history)
        if window is None:
            self.status.setText("waiting for enough samples …")
            return
        t, states = window
        eps, rate = self._threshold()
        args = (np.ascontiguousarray(states), eps, rate, self.norm_box.currentText(), self.theiler.value())
        span = (float(t[0]), float(t[-1]))
        if self.analysis is None:
            self._show(recurrence_job(*args), span)
            return
        self._serial = self.analysis.submit(f"{self.key}:rqa", recurrence_job, *args)
        self._in_flight = self._serial
        self._span = span
        self._stale = False

    def export_item(self):
        return self.graphics.ci  # the whole layout (plots and colour bar), whatever the widget size

    def table(self) -> dict[str, np.ndarray]:
        if not self.rows:
            return {}
        return {key: np.array([r[key] for r in self.rows], dtype=np.float64) for key in self.rows[0]}

    # -- data -------------------------------------------------------------------
    @staticmethod
    def _is_state(history: RunHistory, name: str) -> bool:
        return (
            name not in history.observables
            and name not in history.invariants
            and name.partition("[")[0] in {v.name for v in history.system.variables}
        )

    def _window(self, history: RunHistory):
        """(times, states) of the newest window, or None while there are too few samples."""
        n = self.window_len.value()
        name = self.series_box.currentText()
        if not name:
            return None
        if name == STATE:
            t, values, _ = aligned(history, self.state_names)
            if t.size < n:
                return None
            return t[-n:], np.column_stack([v[-n:] for v in values])
        t, x = history.series(name)
        m, tau = self.dim.value(), self.delay.value()
        need = n + (m - 1) * tau
        if x.size < need:
            return None
        emb = delay_embed(x[-need:], m, tau)
        return t[-need:][:n], emb

    def _threshold(self):
        v = float(self.thr_value.value())
        return (None, v) if self.thr_mode.currentIndex() == 0 else (v, None)

    # -- results ------------------------------------------------------------------
    @Slot(object)
    def _job_done(self, result) -> None:
        if result.key != f"{self.key}:rqa" or result.serial != self._in_flight:
            return  # another view's job, or one of settings since changed
        self._in_flight = None
        if result.error:
            self.status.setText(f"RQA failed: {result.error}")
        else:
            self._show(result.value, self._span, result.seconds)
        if self._stale and self.active:  # samples arrived meanwhile: take the newest window
            self.refresh(force=True)

    def _show(self, value, span, seconds: float | None = None) -> None:
        measures, image = value
        self.result = measures
        t0, t1 = span
        self.window_times = np.array(span)
        self.image.setImage(image_data(image), levels=(0.0, 1.0), autoLevels=False)
        size = image.shape[0]
        n = self.window_len.value()
        # pixel blocks cover n/size samples each: the image spans the window's first to last sample time
        step = (t1 - t0) / max(n - 1, 1)
        self.image.setRect(QRectF(t0, t0, step * n, step * n))
        for row, key in enumerate([*MEASURES, "eps"]):
            value_ = measures[key]
            text = f"{value_:d}" if isinstance(value_, (int, np.integer)) else f"{value_:.6g}"
            self.table_widget.setItem(row, 0, QTableWidgetItem(text))
            self.table_widget.setItem(row, 1, QTableWidgetItem(MEANINGS[key]))
        self.table_widget.resizeRowsToContents()
        self.rows.append({"t_start": t0, "t_end": t1, **{k: float(measures[k]) for k in [*MEASURES, "eps"]}})
        ends = np.array([r["t_end"] for r in self.rows])
        for key, curve in self.curves.items():
            curve.setData(ends, np.array([r[key] for r in self.rows]))
        took = f" in {seconds * 1e3:.0f} ms" if seconds is not None else ""
        self.status.setText(f"{n} states, {size}×{size} pixels{took}; ε = {measures['eps']:.4g}")
        self.plot.setTitle(f"Recurrence plot, t = {t0:.4g} … {t1:.4g}")

    # -- slots --------------------------------------------------------------------
    @Slot()
    def _settings_changed(self, *_) -> None:
        scalar = self.series_box.currentText() not in ("", STATE)
        self.dim.setEnabled(scalar)
        self.delay.setEnabled(scalar)
        self.rows = []
        self._in_flight = None  # a result for the old settings is dropped when it arrives
        for curve in self.curves.values():
            curve.setData([], [])
        if self.active:
            self.refresh(force=True)

    @Slot()
    def _threshold_mode(self, *_) -> None:
        self.thr_value.blockSignals(True)
        if self.thr_mode.currentIndex() == 0:
            self.thr_value.setRange(1e-4, 1.0)
            self.thr_value.setValue(0.05)
        else:
            self.thr_value.setRange(0.0, 1e9)
            self.thr_value.setValue(self._suggest_eps())
        self.thr_value.blockSignals(False)
        self._settings_changed()

    def _suggest_eps(self) -> float:
        """10 % of the newest window's diameter (a common starting point)."""
        h = self.history
        window = self._window(h) if h is not None else None
        if window is None:
            return 1.0
        span = np.ptp(window[1], axis=0)
        return float(0.1 * np.sqrt(np.sum(span**2))) or 1.0
