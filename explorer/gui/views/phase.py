"""Phase portrait: any two scalar series of a run against each other.

The newest ``tail`` samples are drawn as a line with the current point
marked.  Once the run has more samples than the tail, the whole history is
shown behind it as a density image (a 2-D histogram, log scale) that is
updated incrementally: each frame bins only the samples that arrived since
the previous one (:func:`solvers.diagnostics.density.histogram2d`), and
re-bins the kept samples only when a new point falls outside the binned
range.  A lag k plots x(t_n) against y(t_{n+k}): with x = y this is the
delay (return) map, the natural portrait of a one-variable map.

For flows a Poincaré section can be overlaid: the crossings of the plane
``variable = value`` in the chosen direction, either

- from the samples (default): located between the kept samples by cubic
  interpolation (:func:`solvers.diagnostics.sampled_sections.sampled_crossings`,
  fourth order in the sampling interval), incrementally as samples arrive —
  the crossings of the very orbit drawn; or
- re-integrated: located on the dense output of an adaptive integration of
  the same initial state and parameters
  (:func:`solvers.diagnostics.sections.poincare_section`) on the analysis
  runner, over the time span of the kept samples.  That integration is
  independent of the run's (tolerance 1e-10): in a chaotic flow the two
  orbits part after some Lyapunov times, so the points then lie on the same
  attractor, not on the drawn line's own crossings.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QTimer, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
)

from solvers.diagnostics.density import histogram2d
from solvers.diagnostics.sampled_sections import sampled_crossings
from solvers.diagnostics.sections import poincare_section

from ..history import RunHistory
from .base import COLORS, View, pen
from .imaging import aligned, combo, density_lut, image_data, label_of

BINS = 256  # density cells a side
MAP_DOTS = 5000  # a map's newest iterates drawn as dots (scatter plots slow down past ~10k)
RESUBMIT_SECONDS = 1.0  # a running flow's section is recomputed at most this often
DIRECTIONS = {"upward (+)": 1, "downward (−)": -1, "both": 0}
SOURCES = {"from the samples": "samples", "re-integrated": "integrate"}
MAX_SECTION_POINTS = 200_000  # crossings kept from the samples (the oldest are dropped beyond)


def section_job(system: str, normal, offset: float, direction: int, params, initial, seed, t_from: float, t_to: float):
    """The crossings in (t_from, t_to] of an orbit started at t = 0 (runs on the analysis runner)."""
    times, states = poincare_section(
        system,
        normal=normal,
        offset=offset,
        direction=direction,
        params=params,
        initial=initial,
        seed=seed,
        t_end=t_to,
        transient=t_from,
        max_crossings=200_000,
    )
    return times, states


def state_columns(history: RunHistory) -> dict[str, int]:
    """Column of each scalar state series ('x', or 'x[3]' for a component) in the state vector."""
    out, i = {}, 0
    for (name, size), var in zip(history.layout, history.system.variables):
        if var.size != "grid" and not var.complex:
            if size == 1 and var.size == 1:
                out[name] = i
            elif size <= 16:
                for k in range(size):
                    out[f"{name}[{k}]"] = i + k
        i += size
    return out


class PhasePortraitView(View):
    """Two scalar series against each other: tail line, current point, density, Poincaré section."""

    title = "Phase portrait"
    key = "phase"

    def __init__(self, analysis=None, parent=None):
        super().__init__(analysis, parent)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(2, 2, 2, 2)
        row = QHBoxLayout()
        self.x_box, self.y_box = combo(), combo()
        self.lag = QSpinBox()
        self.lag.setRange(0, 10_000)
        self.lag.setToolTip("plot x(tₙ) against y(tₙ₊ₖ); with x = y the delay (return) map")
        self.tail = QSpinBox()
        self.tail.setRange(10, 1_000_000)
        self.tail.setSingleStep(500)
        self.tail.setValue(2000)
        self.tail.setToolTip("samples drawn as a line (older ones go into the density image)")
        self.density_box = QCheckBox("density")
        self.density_box.setChecked(True)
        self.density_box.setToolTip("show every sample as a 2-D histogram (log scale) when the run is long")
        for text, w in (("x:", self.x_box), ("y:", self.y_box), ("lag:", self.lag), ("tail:", self.tail)):
            row.addWidget(QLabel(text))
            row.addWidget(w)
        row.addWidget(self.density_box)
        row.addStretch(1)
        layout.addLayout(row)
        srow = QHBoxLayout()
        self.section_box = QCheckBox("Poincaré section:")
        self.plane_var = combo()
        self.plane_value = QDoubleSpinBox()
        self.plane_value.setRange(-1e9, 1e9)
        self.plane_value.setDecimals(6)
        self.plane_dir = combo()
        self.plane_dir.addItems(list(DIRECTIONS))
        self.section_src = combo()
        self.section_src.addItems(list(SOURCES))
        self.section_src.setToolTip(
            "from the samples: cubic interpolation between the kept samples (instant, on the drawn orbit); "
            "re-integrated: DOP853 dense output from t = 0 on the analysis runner (exact to 1e-10)"
        )
        self.section_status = QLabel("")
        self.section_status.setStyleSheet("color: #555;")
        srow.addWidget(self.section_box)
        srow.addWidget(self.plane_var)
        srow.addWidget(QLabel("="))
        srow.addWidget(self.plane_value)
        srow.addWidget(self.plane_dir)
        srow.addWidget(self.section_src)
        srow.addWidget(self.section_status, 1)
        layout.addLayout(srow)
        self.plot = pg.PlotWidget()
        layout.addWidget(self.plot, 1)
        pi = self.plot.getPlotItem()
        self.image = pg.ImageItem()
        self.image.setLookupTable(density_lut())
        self.image.setZValue(-10)
        pi.addItem(self.image)
        self.line = pg.PlotDataItem(pen=pen(COLORS[0]))
        pi.addItem(self.line)
        self.section_pts = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(COLORS[1]))
        self.section_pts.setZValue(5)
        pi.addItem(self.section_pts)
        self.marker = pg.ScatterPlotItem(size=9, pen=pen("k"), brush=pg.mkBrush(COLORS[1]))
        self.marker.setZValue(10)
        pi.addItem(self.marker)
        pi.showGrid(x=True, y=True, alpha=0.2)
        self._title = ""
        self.offset: tuple[float, float] | None = None  # subtracted from x and y for display
        self.counts = np.zeros((BINS, BINS))
        self.range: tuple[tuple[float, float], tuple[float, float]] | None = None
        self.binned = 0  # pairs counted into self.counts
        self.section: tuple[np.ndarray, np.ndarray] | None = None  # (times, states) of the crossings
        self._section_serial: int | None = None  # the job computing, if any
        self._section_plane = None  # the plane and time span of the crossings asked for last
        self._section_t = None
        self._section_back = -1e9  # monotonic time the last crossings came back
        self._section_timer = QTimer(self)
        self._section_timer.setSingleShot(True)
        self._section_timer.timeout.connect(self._section_tick)
        self._scanned = 0  # global index of the first sample interval not yet scanned for crossings
        self._value_chosen = False
        for box in (self.x_box, self.y_box):
            box.currentIndexChanged.connect(self._axes_changed)
        self.lag.valueChanged.connect(self._axes_changed)
        self.tail.valueChanged.connect(self._redraw)
        self.density_box.toggled.connect(self._redraw)
        self.section_box.toggled.connect(self._section_toggled)
        self.plane_var.currentIndexChanged.connect(self._plane_var_changed)
        self.plane_value.valueChanged.connect(self._value_edited)
        self.plane_dir.currentIndexChanged.connect(self._plane_changed)
        self.section_src.currentIndexChanged.connect(self._plane_changed)
        if analysis is not None:
            analysis.done.connect(self._job_done)

    # -- View interface -------------------------------------------------------
    def applies_to(self, history: RunHistory) -> str | None:
        names = history.scalar_names()
        title = history.system.title
        if history.kind == "ensemble":
            return (
                f"The phase portrait shows flows, maps and PDE observables; {title} is an ensemble: "
                "see the phase spiral."
            )
        if history.kind == "pde" and len(names) < 2:
            return (
                f"The phase portrait of a PDE plots two of its observables or invariants; {title} has "
                f"{len(names)} ({', '.join(names) or 'none'})."
            )
        if not names:
            return f"{title} has no scalar series to plot (its state is one large block of values)."
        return None

    def setup(self, history: RunHistory) -> None:
        names = history.scalar_names()
        for box in (self.x_box, self.y_box):
            box.blockSignals(True)
            box.clear()
            box.addItems(names)
            box.blockSignals(False)
        one = len(names) == 1
        self.x_box.setCurrentIndex(0)
        self.y_box.setCurrentIndex(0 if one else 1)
        self.lag.blockSignals(True)
        self.lag.setValue(1 if one else 0)  # a one-variable map: its return map x_{n+1}(x_n)
        self.lag.blockSignals(False)
        self.columns = state_columns(history) if history.kind == "flow" else {}
        self.plane_var.blockSignals(True)
        self.plane_var.clear()
        self.plane_var.addItems(list(self.columns))
        self.plane_var.setCurrentIndex(len(self.columns) - 1)  # z = const for Lorenz-like flows
        self.plane_var.blockSignals(False)
        flow = bool(self.columns)
        for w in (self.section_box, self.plane_var, self.plane_value, self.plane_dir, self.section_src):
            w.setEnabled(flow)
        self.section_src.model().item(1).setEnabled(self.analysis is not None)  # re-integration needs the runner
        self.section_status.setText("" if flow else "sections are offered for flows")
        self.section_box.setChecked(False)
        self._value_chosen = False  # the plane goes through the middle of the orbit until the user moves it
        self._scanned = 0
        self.section = None
        self.section_pts.setData([], [])
        self._axes_changed()

    def draw(self, history: RunHistory) -> None:
        x, y, _, total = self._pairs(history)
        n = x.size
        if n == 0:
            return
        if self.offset is None:
            self.offset = (_offset(x), _offset(y))
            self._label_axes()
        ox, oy = self.offset
        tail = min(n, self.tail.value())
        xs, ys = x[n - tail :] - ox, y[n - tail :] - oy
        if history.kind == "map":  # iterates are points, not a path: dots (few enough for a scatter)
            tail = min(tail, MAP_DOTS)
            xs, ys = xs[-tail:], ys[-tail:]
            self.line.setData(xs, ys, pen=None, symbol="s", symbolSize=2, symbolPen=None, symbolBrush=COLORS[0])
        else:
            self.line.setData(xs, ys, pen=pen(COLORS[0]), symbol=None)
        self.marker.setData([xs[-1]], [ys[-1]])
        show_density = self.density_box.isChecked() and n > self.tail.value()
        if self.density_box.isChecked():
            self._update_density(x, y, total)
        self.image.setVisible(show_density and self.range is not None)
        if show_density and self.range is not None:
            img = np.log1p(self.counts.T)
            top = float(img.max()) or 1.0
            self.image.setImage(image_data(img), levels=(0.0, top), autoLevels=False)
            (x0, x1), (y0, y1) = self.range
            self.image.setRect(QRectF(x0 - ox, y0 - oy, x1 - x0, y1 - y0))
        if self._source() == "samples":
            self._scan_samples(history)
        else:
            self._maybe_submit_section(history)
        self._draw_section()
        title = f"{self._title_text()} — {n:,} samples" + (f", last {tail:,} as a line" if n > tail else "")
        if title != self._title:  # re-laying out the title costs more than the rest of a frame
            self._title = title
            self.plot.getPlotItem().setTitle(title)

    def export_item(self):
        return self.plot.getPlotItem()

    def table(self) -> dict[str, np.ndarray]:
        if self.history is None:
            return {}
        x, y, t, _ = self._pairs(self.history)
        xn, yn = self.x_box.currentText(), self.y_box.currentText()
        lag = self.lag.value()
        y_name = f"{yn}(t+{lag})" if lag else (yn if yn != xn else f"{yn} (y)")
        return {"t": t, xn: x, y_name: y}

    # -- data -----------------------------------------------------------------
    def _pairs(self, history: RunHistory):
        """(x, y, t, total): the kept pairs (x_k, y_{k+lag}), their times (of x) and how many pairs ever arrived."""
        xn, yn = self.x_box.currentText(), self.y_box.currentText()
        if not xn or not yn:
            return np.empty(0), np.empty(0), np.empty(0), 0
        t, (x, y), total = aligned(history, [xn, yn])
        lag = self.lag.value()
        if lag:
            if x.size <= lag:
                return np.empty(0), np.empty(0), np.empty(0), 0
            x, y, t = x[:-lag], y[lag:], t[:-lag]
            total -= lag
        return x, y, t, max(total, 0)

    def _update_density(self, x: np.ndarray, y: np.ndarray, total: int) -> None:
        n = x.size
        new = total - self.binned
        if self.range is None or new < 0 or new > n:
            self._rebin(x, y, total)
            return
        if new == 0:
            return
        xs, ys = x[n - new :], y[n - new :]
        (x0, x1), (y0, y1) = self.range
        if xs.min() < x0 or xs.max() > x1 or ys.min() < y0 or ys.max() > y1:
            self._rebin(x, y, total)  # outside the cells: re-bin what is kept over a wider range
            return
        histogram2d(xs, ys, BINS, self.range, out=self.counts)
        self.binned = total

    def _rebin(self, x, y, total) -> None:
        old = self.range or (None, None)
        self.range = (_padded(x, old[0]), _padded(y, old[1]))
        self.counts = histogram2d(x, y, BINS, self.range).astype(np.float64)
        self.binned = total

    # -- Poincaré section -------------------------------------------------------
    def _plane(self):
        if not self.section_box.isChecked() or not self.columns:
            return None
        name = self.plane_var.currentText()
        return (name, float(self.plane_value.value()), DIRECTIONS[self.plane_dir.currentText()])

    def _source(self) -> str:
        return SOURCES.get(self.section_src.currentText(), "samples")

    def _scan_samples(self, history: RunHistory) -> None:
        """Add the crossings of the samples that arrived since the last frame (cubic interpolation)."""
        plane = self._plane()
        if plane is None:
            return
        rows = history.y.view()
        t = history.state_times()
        n = len(rows)
        if n < 2:
            return
        first = history.y.total - n  # global index of rows[0]
        start = max(self._scanned, first)  # the first interval not yet looked at
        a = max(start - first - 1, 0)  # one sample before it for the cubic's stencil
        if n - a < 2:
            return
        name, value, direction = plane
        normal = np.zeros(history.width)
        normal[self.columns[name]] = 1.0
        times, states, k = sampled_crossings(t[a:], rows[a:], normal, value, direction)
        g = k + a + first  # global index of each crossing's interval
        # an interval is final once the sample after its end has arrived (the cubic's last node)
        done_to = first + n - 2
        keep = (g >= start) & (g < done_to)
        self._scanned = max(self._scanned, done_to)
        if np.any(keep):
            old_t, old_y = self.section if self.section is not None else (np.empty(0), np.empty((0, history.width)))
            self.section = (
                np.concatenate([old_t, times[keep]])[-MAX_SECTION_POINTS:],
                np.concatenate([old_y, states[keep]])[-MAX_SECTION_POINTS:],
            )
        count = 0 if self.section is None else self.section[0].size
        self.section_status.setText(
            f"{count:,} crossings (cubic interpolation of the samples)" if count else "no crossings of this plane yet"
        )

    def _maybe_submit_section(self, history: RunHistory) -> None:
        plane = self._plane()
        if plane is None or self.analysis is None:
            return
        t = history.state_times()
        if t.size < 2:
            return
        span = (float(t[0]) - history.config.t0, float(history.t_now) - history.config.t0)
        if plane == self._section_plane and (span == self._section_t or self._section_serial is not None):
            return  # up to date, or computing (one job at a time)
        wait = self._section_back + RESUBMIT_SECONDS - time.monotonic()
        if plane == self._section_plane and wait > 0:  # a running flow: integrate again at most once a second
            if not self._section_timer.isActive():
                self._section_timer.start(int(1000 * wait) + 1)
            return
        name, value, direction = plane
        normal = np.zeros(history.width)
        normal[self.columns[name]] = 1.0
        cfg = history.config
        self._section_serial = self.analysis.submit(
            f"{self.key}:section",
            section_job,
            cfg.system,
            normal,
            value,
            direction,
            dict(history.params),
            None if cfg.initial is None else list(cfg.initial),
            cfg.seed,
            max(span[0], 0.0),
            span[1],
        )
        self._section_plane, self._section_t = plane, span
        self.section_status.setText("computing the crossings …")

    @Slot(object)
    def _job_done(self, result) -> None:
        if result.key != f"{self.key}:section" or result.serial != self._section_serial:
            return
        self._section_serial = None
        self._section_back = time.monotonic()
        if result.error:
            self.section = None
            self.section_status.setText(f"section failed: {result.error}")
        else:
            self.section = result.value
            k = self.section[0].size
            self.section_status.setText(
                f"{k:,} crossings (DOP853 dense output)" if k else "no crossings of this plane yet"
            )
        self._draw_section()

    def _draw_section(self) -> None:
        xn, yn = self.x_box.currentText(), self.y_box.currentText()
        ok = (
            self.section is not None
            and self._plane() is not None
            and self.lag.value() == 0
            and xn in self.columns
            and yn in self.columns
        )
        if not ok:
            self.section_pts.setData([], [])
            return
        states = self.section[1]
        ox, oy = self.offset or (0.0, 0.0)
        self.section_pts.setData(states[:, self.columns[xn]] - ox, states[:, self.columns[yn]] - oy)

    # -- slots ------------------------------------------------------------------
    @Slot()
    def _axes_changed(self, *_) -> None:
        self.range = None
        self.binned = 0
        self.counts = np.zeros((BINS, BINS))
        self.offset = None  # chosen at the first draw of these axes
        self._label_axes()
        self.plot.enableAutoRange()
        self._redraw()

    def _label_axes(self) -> None:
        h = self.history
        if h is None or not self.x_box.count():
            return
        pi = self.plot.getPlotItem()
        lag = self.lag.value()
        ox, oy = self.offset or (0.0, 0.0)
        xl = _shifted(label_of(h, self.x_box.currentText()), self.x_box.currentText(), ox)
        yl = _shifted(label_of(h, self.y_box.currentText()), self.y_box.currentText(), oy)
        pi.setLabel("bottom", xl)
        pi.setLabel("left", f"{yl}, {lag} sample{'s' if lag > 1 else ''} later" if lag else yl)

    @Slot()
    def _section_tick(self) -> None:
        if self.active:
            self._maybe_submit_section(self.history)

    @Slot()
    def _plane_changed(self, *_) -> None:
        # every change starts the section afresh; a re-integration still running is dropped when it arrives
        self._section_serial = None
        self._section_plane = None
        self._scanned = 0
        self.section = None
        self.section_pts.setData([], [])
        if self.columns:
            self.section_status.setText("")
        self._redraw()

    @Slot()
    def _value_edited(self, *_) -> None:
        self._value_chosen = True
        self._plane_changed()

    @Slot(bool)
    def _section_toggled(self, on: bool) -> None:
        if on and not self._value_chosen:
            self._suggest_value()
        self._plane_changed()

    @Slot()
    def _plane_var_changed(self, *_) -> None:
        self._suggest_value()
        self._plane_changed()

    def _suggest_value(self) -> None:
        """Put the plane through the middle of the kept samples (the value stays the user's to change)."""
        h = self.history
        name = self.plane_var.currentText()
        if h is None or not name or len(h.y) == 0:
            return
        v = h.y.view()[:, self.columns[name]]
        self.plane_value.blockSignals(True)
        self.plane_value.setValue(float(f"{0.5 * (float(v.min()) + float(v.max())):.3g}"))
        self.plane_value.blockSignals(False)
        self._value_chosen = True

    @Slot()
    def _redraw(self, *_) -> None:
        if self.active:
            self.refresh(force=True)

    def _title_text(self) -> str:
        xn, yn = self.x_box.currentText(), self.y_box.currentText()
        lag = self.lag.value()
        return f"{yn}{f'(t+{lag})' if lag else ''} against {xn}"


def _offset(v: np.ndarray) -> float:
    """The first value when the series hardly varies (a conserved quantity), else 0.

    Such a series is drawn as deviations from its first value: plotted as is,
    variations of 1e-12 relative would be lost in the float32 coordinates Qt paints with."""
    first = float(v[0])
    return first if first != 0.0 and float(np.ptp(v)) <= 1e-6 * abs(first) else 0.0


def _shifted(label: str, name: str, offset: float) -> str:
    return label.replace(name, f"{name} − {offset:.12g}", 1) if offset else label


def _padded(v: np.ndarray, old: tuple[float, float] | None) -> tuple[float, float]:
    """A binning range holding v (and the previous range), with room to grow."""
    lo, hi = float(v.min()), float(v.max())
    if old is not None:
        lo, hi = min(lo, old[0]), max(hi, old[1])
    span = hi - lo
    if not span > 0:
        span = max(abs(lo), 1.0) * 0.1
    pad = 0.05 * span if old is None else 0.25 * span  # a range that had to grow will likely grow again
    return lo - pad, hi + pad
