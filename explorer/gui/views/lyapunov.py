"""The Lyapunov view: the spectrum of the current run's system and how it converged.

``Compute`` runs :func:`solvers.lyapunov.lyapunov_spectrum` on the analysis
runner for the run's system, parameters and initial state (a transient is
discarded first), asking for its history: the running estimate of every
exponent after each kernel call.  The plot shows those estimates against the
averaging time on a logarithmic axis (the estimates settle like 1/t); the
table gives the final exponents, their sum (the mean phase-space contraction
rate) and the Kaplan–Yorke dimension.  Spectra are offered for flows and maps,
as lyapunov_spectrum computes them.
"""

from __future__ import annotations

import functools
import math
import threading
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from solvers.integrators.tableaus import TABLEAUS
from solvers.lyapunov import kaplan_yorke_dimension, lyapunov_spectrum

from ..analysis import JobResult
from ..history import RunHistory
from .axis_labels import time_unit
from .base import COLORS, View, pen

MAX_STEPS = 100_000  # default averaging: at most this many steps (~0.6 s for Lorenz)
MIN_STEPS = 5_000
MAX_DEFAULT_K = 8  # exponents computed by default (the tangent dynamics cost grows as n·k)


class LyapunovView(View):
    """Running Lyapunov exponents against averaging time, and the final spectrum."""

    title = "Lyapunov"
    key = "lyapunov"

    def __init__(self, analysis=None, parent=None):
        super().__init__(analysis, parent)
        outer = QVBoxLayout(self.body)
        outer.setContentsMargins(2, 2, 2, 2)
        controls = QHBoxLayout()
        self.duration_box = QDoubleSpinBox()
        self.duration_box.setRange(1.0, 1e9)
        self.duration_box.setDecimals(0)
        self.duration_box.setToolTip("Averaging time after the transient (iterations for maps)")
        self.transient_box = QDoubleSpinBox()
        self.transient_box.setRange(0.0, 1e9)
        self.transient_box.setDecimals(0)
        self.transient_box.setToolTip("Time discarded first so that the orbit settles on its attractor")
        self.k_box = QSpinBox()
        self.k_box.setToolTip("How many exponents (largest first); each costs one more tangent vector")
        self.compute_button = QPushButton("Compute")
        self.compute_button.setToolTip("Compute the spectrum for this run's system, parameters and initial state")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # busy indicator: lyapunov_spectrum does not report progress
        self.busy.setMaximumWidth(90)
        self.busy.setVisible(False)
        self.duration_label = QLabel("averaging time")
        for widget in (
            self.duration_label,
            self.duration_box,
            QLabel("transient"),
            self.transient_box,
            QLabel("exponents"),
            self.k_box,
            self.compute_button,
            self.stop_button,
            self.busy,
        ):
            controls.addWidget(widget)
        controls.addStretch(1)
        outer.addLayout(controls)
        self.status = QLabel("Press Compute to estimate the Lyapunov spectrum.")
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #555;")
        outer.addWidget(self.status)

        row = QHBoxLayout()
        self.plot_widget = pg.PlotWidget()
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setLogMode(x=True, y=False)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.getAxis("bottom").enableAutoSIPrefix(False)
        self.plot.addLine(y=0.0, pen=pg.mkPen("#888", width=1, style=Qt.PenStyle.DashLine))
        self.labels: list[pg.TextItem] = []  # "λ₁" at each curve's end: a legend that never covers a curve
        row.addWidget(self.plot_widget, 1)
        self.table_widget = QTableWidget(0, 2)
        self.table_widget.setHorizontalHeaderLabels(["quantity", "value"])
        self.table_widget.verticalHeader().setVisible(False)
        self.table_widget.setMaximumWidth(260)
        self.table_widget.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        row.addWidget(self.table_widget)
        outer.addLayout(row, 1)

        self.compute_button.clicked.connect(self.compute)
        self.stop_button.clicked.connect(self.stop)
        if analysis is not None:
            analysis.done.connect(self._job_done)
        self._job = f"lyapunov-{id(self)}"
        self._serial = -1
        self._stop: _Stop | None = None
        self._started = 0.0
        self.curves: list[pg.PlotDataItem] = []
        self.result: dict | None = None  # exponents, t, estimates, sum, dimension, seconds

    # -- the run ------------------------------------------------------------------------
    def applies_to(self, history: RunHistory) -> str | None:
        if history.kind not in ("flow", "map"):
            return (
                f"Lyapunov spectra are offered for flows and maps (from their tangent dynamics); "
                f"{history.system.title} is a{'n' if history.kind[0] in 'aeiou' else ''} {history.kind}."
            )
        return None

    def setup(self, history: RunHistory) -> None:
        self.stop()
        self._serial = -1
        self._clear()
        self.compute_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.busy.setVisible(False)
        system = history.system
        n = history.width
        is_map = history.kind == "map"
        unit = time_unit(history)
        k = min(n, MAX_DEFAULT_K)
        # a step of the tangent dynamics costs ~n²k: keep the default near Lorenz's (n = k = 3) cost
        steps = int(np.clip(MAX_STEPS * 27 / (n * n * k), MIN_STEPS, MAX_STEPS))
        if is_map:
            duration = float(steps)
        else:
            duration = min(10.0 * system.default_t_end, steps * self._dt(history))
        averaging = "averaging time" + (f" [{unit}]" if unit else "")
        self.duration_label.setText("iterations" if is_map else averaging)
        self.duration_box.setDecimals(0 if is_map or duration >= 100 else 2)
        self.duration_box.setValue(duration)
        self.transient_box.setDecimals(self.duration_box.decimals())
        self.transient_box.setValue(0.1 * duration)
        self.k_box.setRange(1, n)
        self.k_box.setValue(k)
        self.plot.setTitle(f"Lyapunov exponents — {system.title}")
        per = "iteration" if is_map else (unit or "unit time")
        per = f"({per})" if " " in per and not is_map and unit else per
        self.plot.setLabel("left", f"running estimate λᵢ [1/{per}]")
        self.plot.setLabel("bottom", "iterations averaged" if is_map else averaging)
        self.status.setText("Press Compute to estimate the Lyapunov spectrum of this run's system and initial state.")

    @staticmethod
    def _dt(history: RunHistory) -> float:
        """The fixed step of the tangent integration: the run's step, else the system's default."""
        if history.kind == "map":
            return 1.0
        return float(history.config.dt or history.system.default_dt)

    def _clear(self) -> None:
        for item in self.curves + self.labels:
            self.plot.removeItem(item)
        self.curves = []
        self.labels = []
        self.result = None
        self.table_widget.setRowCount(0)

    # -- computing --------------------------------------------------------------------------
    def job(self) -> functools.partial:
        """The call the Compute button submits (lyapunov_spectrum with its history)."""
        h = self.history
        cfg = h.config
        is_map = h.kind == "map"
        duration = float(self.duration_box.value())
        transient = float(self.transient_box.value())
        kwargs = dict(
            params=dict(cfg.params),
            initial=None if cfg.initial is None else list(cfg.initial),
            seed=cfg.seed,
            t_end=round(duration) if is_map else duration,
            transient=round(transient) if is_map else transient,
            k=int(self.k_box.value()),
            stop=self._stop,
            history=True,
        )
        if not is_map:
            kwargs["dt"] = self._dt(h)
            # the run's Runge–Kutta tableau when it has one (symplectic runs use DOP853 for the tangent flow)
            kwargs["method"] = cfg.method if cfg.method in TABLEAUS else "dop853"
        return functools.partial(lyapunov_spectrum, h.system.name, **kwargs)

    @Slot()
    def compute(self) -> None:
        if not self.active:
            return
        self.stop()
        self._stop = _Stop(self.analysis)
        fn = self.job()
        self._started = time.perf_counter()
        self.compute_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.busy.setVisible(True)
        self.status.setStyleSheet("color: #555;")
        steps = fn.keywords["t_end"] / fn.keywords.get("dt", 1.0)
        self.status.setText(f"Computing {fn.keywords['k']} exponents over {steps:.3g} steps…")
        if self.analysis is None:  # no background runner (scripts): compute here
            self._serial = 0
            try:
                result = JobResult(self._job, 0, fn())
            except Exception as exc:
                result = JobResult(self._job, 0, error=f"{type(exc).__name__}: {exc}")
            result.seconds = time.perf_counter() - self._started
            self._job_done(result)
            return
        self._serial = self.analysis.submit(self._job, fn)

    @Slot()
    def stop(self) -> None:
        """Ask a running computation to stop (it ends at its next kernel call, within ~20 ms)."""
        if self._stop is not None:
            self._stop.set()
        if self.analysis is not None:
            self.analysis.cancel(self._job)

    @Slot(object)
    def _job_done(self, result) -> None:
        if result.key != self._job or result.serial != self._serial:
            return  # another view's job, or one replaced by a newer Compute
        self.compute_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.busy.setVisible(False)
        if result.error:
            stopped = result.error.startswith("InterruptedError")
            self.status.setStyleSheet("color: #555;" if stopped else "color: #b00020;")
            self.status.setText("Stopped." if stopped else f"The computation failed: {result.error}")
            return
        exps, t, est = result.value
        self.show_result(np.asarray(exps), np.asarray(t), np.asarray(est), result.seconds)

    def show_result(self, exps: np.ndarray, t: np.ndarray, est: np.ndarray, seconds: float = 0.0) -> None:
        """Draw a spectrum and its convergence history (``est[i]`` is the estimate at ``t[i]``)."""
        self._clear()
        n = self.history.width
        k = exps.size
        dim = kaplan_yorke_dimension(exps)
        self.result = {
            "exponents": exps,
            "t": t,
            "estimates": est,
            "sum": float(exps.sum()),
            "dimension": dim,
            "seconds": seconds,
        }
        keep = t > 0  # a log axis
        for i in range(k):
            color = COLORS[i % len(COLORS)]
            self.curves.append(self.plot.plot(t[keep], est[keep, i], pen=pen(color)))
            if keep.any():
                label = pg.TextItem(f"λ{_sub(i + 1)}", color=color, anchor=(0, 0.5))
                label.setPos(math.log10(t[keep][-1]), est[keep][-1, i])  # the view of a log axis is in decades
                self.plot.addItem(label)
                self.labels.append(label)
        if keep.any():
            lo, hi = math.log10(t[keep][0]), math.log10(t[keep][-1])
            self.plot.setXRange(lo, hi + 0.08 * (hi - lo) + 0.05, padding=0.02)  # room for the labels
            self.plot.getAxis("bottom").setTicks(_decade_ticks(lo, hi))
        partial = k < n and np.cumsum(exps)[-1] >= 0
        rows = [(f"λ{_sub(i + 1)}", f"{v:.6g}") for i, v in enumerate(exps)]
        rows.append(("sum" if k == n else f"sum of {k}", f"{exps.sum():.6g}"))
        rows.append(("Kaplan–Yorke dim.", f"≥ {dim:.4g}" if partial else f"{dim:.6g}"))
        self.table_widget.setRowCount(len(rows))
        for r, (name, value) in enumerate(rows):
            head = QTableWidgetItem(name)
            if r < k:
                head.setForeground(QColor(COLORS[r % len(COLORS)]))
            self.table_widget.setItem(r, 0, head)
            item = QTableWidgetItem(value)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table_widget.setItem(r, 1, item)
        self.table_widget.resizeColumnsToContents()
        span = float(t[-1]) if t.size else math.nan
        more = " (more exponents are needed for the dimension)" if partial else ""
        self.status.setStyleSheet("color: #555;")
        self.status.setText(f"{k} exponents averaged over {span:.6g} in {seconds:.2f} s{more}.")

    # -- exports ------------------------------------------------------------------------------
    def export_item(self):
        return self.plot if self.result is not None else None

    def table(self) -> dict[str, np.ndarray]:
        """The convergence history: averaging time and each exponent's running estimate."""
        if self.result is None:
            return {}
        columns = {"t": self.result["t"]}
        for i in range(self.result["estimates"].shape[1]):
            columns[f"lambda_{i + 1}"] = self.result["estimates"][:, i]
        return columns


def _sub(i: int) -> str:
    return str(i).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _decade_ticks(lo: float, hi: float) -> list[list[tuple[float, str]]]:
    """Ticks of a log axis (positions in decades): labelled powers of ten, unlabelled 2…9 between.

    pyqtgraph labels the minor ticks too when the range is short, and they run into each other.
    """
    first, last = math.floor(lo) - 1, math.ceil(hi) + 1
    major = [(float(d), f"{10.0**d:g}") for d in range(first, last + 1)]
    minor = [(d + math.log10(m), "") for d in range(first, last) for m in range(2, 10)]
    return [major, minor]


class _Stop:
    """The stop flag lyapunov_spectrum polls between kernel calls (it calls ``is_set()`` only).

    Set by Stop, by a newer Compute or a new run, and also while the analysis
    runner shuts down: the main window's close waits for the running job, and
    a spectrum asked over 1e6 time units would otherwise keep it waiting for
    minutes.
    """

    def __init__(self, runner=None):
        self._event = threading.Event()
        self._runner = runner

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set() or bool(self._runner is not None and self._runner.closing)
