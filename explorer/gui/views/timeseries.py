"""The Time series view: scalar series against time and their power spectrum.

Any scalar series of the run (:meth:`RunHistory.scalar_names`: scalar state
variables, components of small vectors, observables, invariants; for PDEs the
observables and invariants; and any element of a large vector, such as one
Lorenz-96 site or one particle's height, added by hand) against time, several
at once, and below them the
one-sided power spectral density of the kept window: the mean removed, a
periodic Hann window, numpy's real FFT, frequency in cycles per time unit
(per iteration for maps).  Long series are thinned for display to the
minimum and maximum of each pixel column; the spectrum uses the newest
:data:`MAX_FFT` samples and is recomputed at most :data:`SPECTRUM_HZ` times a
second (a spectrum does not need 60 frames a second).
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..history import RunHistory
from .axis_labels import time_label, time_unit, with_unit
from .base import COLORS, View, pen
from .decimate import minmax
from .throttle import DrawThrottle

MAX_FFT = 1 << 16  # newest samples in the spectrum: ~2 ms of FFT per series
SPECTRUM_HZ = 10.0
MIN_BUCKETS = 500  # min/max pairs per curve at least (more on wide plots)


def power_spectrum(t: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One-sided power spectral density of samples ``y`` at times ``t``.

    The mean is removed and a periodic Hann window applied; the density is
    normalised so that its integral over frequency is the windowed variance
    (scipy.signal.periodogram's ``scaling="density"``).  Samples not evenly
    spaced (to 1e-6 of a step) are first interpolated onto an even grid.
    Returns (frequency in cycles per unit of ``t``, density).
    """
    n = y.size
    if n < 4:
        raise ValueError(f"y: {n} samples are too few for a spectrum; expected at least 4")
    dt = (t[-1] - t[0]) / (n - 1)
    if not dt > 0:
        raise ValueError(f"t: the samples must advance in time (span {t[-1] - t[0]!r})")
    if np.abs(np.diff(t) - dt).max() > 1e-6 * dt:
        t_even = t[0] + dt * np.arange(n)
        y = np.interp(t_even, t, y)
    w = 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n) / n)
    spec = np.fft.rfft((y - y.mean()) * w)
    # np.sum, not np.dot: a BLAS dot of 65536 took 40 ms here (OpenBLAS threads fighting over 2 shared cores)
    p = (spec.real**2 + spec.imag**2) * (dt / float(np.sum(w * w)))
    # one-sided: fold the negative frequencies in (not the zero nor the Nyquist bin)
    p[1 : n // 2 + (n % 2)] *= 2.0
    return np.fft.rfftfreq(n, dt), p


class TimeSeriesView(View):
    """Selected scalar series against time, with their power spectra below."""

    title = "Time series"
    key = "timeseries"

    def __init__(self, analysis=None, parent=None):
        super().__init__(analysis, parent)
        outer = QHBoxLayout(self.body)
        outer.setContentsMargins(2, 2, 2, 2)
        side = QVBoxLayout()
        side.addWidget(QLabel("Series"))
        self.chooser = QListWidget()
        self.chooser.setToolTip("Tick the series to plot (several may be ticked)")
        self.chooser.setMaximumWidth(170)
        self.chooser.itemChanged.connect(self._choice_changed)
        side.addWidget(self.chooser)
        # one element of a large vector (a Lorenz-96 site, a particle's height) on demand
        self.adder = QWidget()
        add_row = QHBoxLayout(self.adder)
        add_row.setContentsMargins(0, 0, 0, 0)
        self.vector_box = QComboBox()
        self.vector_box.setToolTip("A vector variable too large to list element by element")
        self.vector_box.currentTextChanged.connect(self._vector_changed)
        self.index_box = QSpinBox()
        self.index_box.setToolTip("Which element (from 0)")
        add_button = QPushButton("Add")
        add_button.setToolTip("Add this element to the series")
        add_button.clicked.connect(self._add_clicked)
        for widget in (self.vector_box, self.index_box, add_button):
            add_row.addWidget(widget)
        self.adder.setMaximumWidth(170)
        side.addWidget(self.adder)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        self.info.setMaximumWidth(170)
        self.info.setStyleSheet("color: #555;")
        side.addWidget(self.info)
        outer.addLayout(side)
        self.canvas = pg.GraphicsLayoutWidget()
        self.layout_item = self.canvas.ci
        self.series_plot = self.canvas.addPlot(row=0, col=0)
        self.spectrum_plot = self.canvas.addPlot(row=1, col=0)
        for plot in (self.series_plot, self.spectrum_plot):
            plot.showGrid(x=True, y=True, alpha=0.25)
        self.series_legend = self.series_plot.addLegend(offset=(-10, 10), brush=pg.mkBrush(255, 255, 255, 200))
        self.spectrum_plot.setLogMode(x=False, y=True)
        self.spectrum_plot.getAxis("left").enableAutoSIPrefix(False)
        self.spectrum_plot.getAxis("bottom").enableAutoSIPrefix(False)
        # the spectrum's y range follows its top 12 decades until the user zooms or pans
        self._spectrum_autorange = True
        self.spectrum_plot.vb.sigRangeChangedManually.connect(self._spectrum_zoomed)
        self.spectrum_plot.setLabel("left", "power spectral density")
        outer.addWidget(self.canvas, 1)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.spectra: dict[str, pg.PlotDataItem] = {}
        self._names: tuple[str, ...] = ()
        self._extra: list[str] = []  # elements of large vectors the user added
        self._sizes: dict[str, int] = {}  # element counts of those vectors
        self._data: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.spectrum_data: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._spectrum_at = 0.0
        self._spectrum_timer = QTimer(self)
        self._spectrum_timer.setSingleShot(True)
        self._spectrum_timer.timeout.connect(self._update_spectra)
        # millions of kept samples cost ~10 ms a frame: then draw less often, the newest always in the end
        self.throttle = DrawThrottle(self, self._redraw)

    # -- the run ----------------------------------------------------------------
    def applies_to(self, history: RunHistory) -> str | None:
        if not history.scalar_names() and not history.ensemble_names():
            return (
                f"{history.system.title} has no scalar series to plot against time "
                "(its variables are fields or per-particle arrays, and it has no scalar observables)."
            )
        return None

    def setup(self, history: RunHistory) -> None:
        self._spectrum_timer.stop()
        self._names = ()
        self._data = {}
        self.spectrum_data = {}
        self._spectrum_at = 0.0
        self._spectrum_autorange = True
        self.spectrum_plot.enableAutoRange(x=True)
        self.throttle.reset()
        self._clear_curves()
        self.series_plot.setTitle(history.system.title)
        self.series_plot.setLabel("bottom", time_label(history))
        per = time_unit(history) or "unit time"
        self.spectrum_plot.setLabel("bottom", f"frequency f [cycles per {per}]")
        self.spectrum_plot.setTitle("Power spectrum (Hann window)")
        self._extra = []
        self._sizes = {
            name: size // (2 if v.complex else 1)
            for (name, size), v in zip(history.layout, history.system.variables)
            if name in history.ensemble_names()
        }
        self.vector_box.blockSignals(True)
        self.vector_box.clear()
        self.vector_box.addItems(list(self._sizes))
        self.vector_box.blockSignals(False)
        self._vector_changed(self.vector_box.currentText())
        self.adder.setVisible(bool(self._sizes))
        if self._sizes and not history.scalar_names():
            self._extra = [f"{next(iter(self._sizes))}[0]"]  # something to see at once
        self._sync_names(history)

    @Slot(str)
    def _vector_changed(self, name: str) -> None:
        self.index_box.setRange(0, max(0, self._sizes.get(name, 1) - 1))

    @Slot()
    def _add_clicked(self) -> None:
        self.add_element(f"{self.vector_box.currentText()}[{self.index_box.value()}]")

    def add_element(self, name: str) -> None:
        """Offer and tick element ``name`` ("x[3]") of a large vector variable."""
        base, _, rest = name.partition("[")
        index = rest.rstrip("]")
        if base not in self._sizes or not index.isdigit() or int(index) >= self._sizes[base]:
            allowed = ", ".join(f"{b}[0] … {b}[{n - 1}]" for b, n in self._sizes.items()) or "none in this run"
            raise ValueError(f"name: {name!r} is not an element of a vector variable; allowed: {allowed}")
        if name not in self._extra:
            self._extra.append(name)
        self._sync_names(self.history, tick=name)
        self._choice_changed()

    def _sync_names(self, history: RunHistory, tick: str | None = None) -> None:
        """Offer the current scalar series (per-particle quantities drop out once their shape is known)."""
        names = tuple(history.scalar_names()) + tuple(self._extra)
        if names == self._names and tick is None:
            return
        if not names:  # an ensemble's per-particle quantities, known once values arrived
            self.show_message(self.applies_to(history))
            return
        ticked = (set(self.selected()) | {tick}) & set(names)
        if not ticked and names:
            ticked = {names[0]}
        self._names = names
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in ticked else Qt.CheckState.Unchecked)
            self.chooser.addItem(item)
        self.chooser.blockSignals(False)
        self._clear_curves()

    def selected(self) -> list[str]:
        return [
            self.chooser.item(i).text()
            for i in range(self.chooser.count())
            if self.chooser.item(i).checkState() == Qt.CheckState.Checked
        ]

    def select(self, names) -> None:
        """Tick exactly ``names`` (for scripts and tests)."""
        unknown = set(names) - set(self._names)
        if unknown:
            raise ValueError(f"names: {sorted(unknown)} are not series of this run; choose from {list(self._names)}")
        self.chooser.blockSignals(True)
        for i in range(self.chooser.count()):
            item = self.chooser.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in names else Qt.CheckState.Unchecked)
        self.chooser.blockSignals(False)
        self._choice_changed()

    @Slot()
    def _redraw(self) -> None:
        self.refresh(force=True)

    @Slot()
    def _choice_changed(self, *_):
        self.throttle.reset()  # a choice is drawn at once
        self._clear_curves()
        self._spectrum_at = 0.0  # a new choice gets its spectrum at once
        if self.active:
            self.refresh(force=True)

    @Slot()
    def _spectrum_zoomed(self, *_):
        self._spectrum_autorange = False

    def _clear_curves(self) -> None:
        for curve in self.curves.values():
            self.series_plot.removeItem(curve)
        for curve in self.spectra.values():
            self.spectrum_plot.removeItem(curve)
        self.series_legend.clear()
        self.curves = {}
        self.spectra = {}

    # -- drawing --------------------------------------------------------------------
    def draw(self, history: RunHistory) -> None:
        if self.throttle.allow(len(history.t) * max(1, len(self.selected()))):
            self._draw(history)
            self.throttle.drawn()

    def _draw(self, history: RunHistory) -> None:
        self._sync_names(history)
        names = self.selected()
        self._data = {}
        for name in names:
            t, v = history.series(name)
            if v.ndim == 1 and v.size:
                self._data[name] = (t, v)
        buckets = max(MIN_BUCKETS, int(self.series_plot.vb.width()))
        for name, (t, v) in self._data.items():
            curve = self.curves.get(name)
            if curve is None:
                color = COLORS[self._names.index(name) % len(COLORS)]
                curve = self.series_plot.plot(pen=pen(color), name=self._label(history, name))
                self.curves[name] = curve
            curve.setData(*minmax(t, v, buckets))
        units = {self._unit(history, n) for n in self._data}
        if len(self._data) == 1:
            name = next(iter(self._data))
            self.series_plot.setLabel("left", with_unit(name, self._unit(history, name)))
        else:
            self.series_plot.setLabel("left", with_unit("value", units.pop() if len(units) == 1 else None))
        n = min((t.size for t, _ in self._data.values()), default=0)
        shown = min(n, MAX_FFT)
        dropped = history.t.dropped
        self.info.setText(
            f"{n} samples kept"
            + (f" ({dropped} older not kept)" if dropped else "")
            + f"; spectrum of the last {shown}"
        )
        # the spectrum at most SPECTRUM_HZ times a second; a timer makes sure the newest data gets one
        wait = self._spectrum_at + 1.0 / SPECTRUM_HZ - time.perf_counter()
        if wait <= 0:
            self._update_spectra()
        elif not self._spectrum_timer.isActive():
            self._spectrum_timer.start(int(1000 * wait) + 1)

    @Slot()
    def _update_spectra(self) -> None:
        self._spectrum_at = time.perf_counter()
        self.spectrum_data = {}
        for name, (t, v) in self._data.items():
            if v.size < 4:
                continue
            tail = slice(max(0, v.size - MAX_FFT), v.size)
            f, p = power_spectrum(t[tail], v[tail])
            self.spectrum_data[name] = (f, p)
            curve = self.spectra.get(name)
            if curve is None:
                color = COLORS[self._names.index(name) % len(COLORS)]
                curve = self.spectrum_plot.plot(pen=pen(color))
                self.spectra[name] = curve
            # f = 0 carries only the removed mean; a log axis cannot draw zeros
            floor = max(float(p.max()) * 1e-20, 1e-300)
            curve.setData(f[1:], np.maximum(p[1:], floor))
        for name in set(self.spectra) - set(self.spectrum_data):
            self.spectrum_plot.removeItem(self.spectra.pop(name))
        if self.spectrum_data and self._spectrum_autorange:
            # log axis: the view range is in decades; round-off sits ~16 decades down and hides the peaks
            top = np.log10(max(float(p[1:].max()) for _, p in self.spectrum_data.values()) or 1e-300)
            self.spectrum_plot.setYRange(top - 12.0, top + 0.5, padding=0)

    @staticmethod
    def _unit(history: RunHistory, name: str) -> str | None:
        base = name.partition("[")[0]
        for v in history.system.variables:
            if v.name == base:
                return v.unit
        return None

    def _label(self, history: RunHistory, name: str) -> str:
        return with_unit(name, self._unit(history, name))

    # -- exports ---------------------------------------------------------------------
    def export_item(self):
        return self.layout_item if self._data else None

    def table(self) -> dict[str, np.ndarray]:
        """Time and each plotted series (full resolution) over their common newest samples."""
        if not self._data:
            return {}
        n = min(t.size for t, _ in self._data.values())
        t = next(iter(self._data.values()))[0]
        columns = {"t": t[t.size - n :]}
        for name, (_, v) in self._data.items():
            columns[name] = v[v.size - n :]
        return columns
