"""The Sweep panel: orbit diagrams and parameter maps computed by
:mod:`explorer.sweep` on worker processes, drawn as they arrive.

One swept parameter gives a curve (Lyapunov exponent, an RQA measure, a
final-state variable) or, for the orbit measure, an orbit diagram drawn as a
density image; two give a map (an image over the parameter plane).  Clicking
a point opens that point's run (its RunConfig) in the main window.  The
sweep streams into its own session file under the data folder, so a stopped
sweep is kept, and running the same sweep into that file again resumes it.
"""

from __future__ import annotations

import math
import os
import threading
import time
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QThread, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from explorer.sweep import MEASURES, OK, SweepResult, SweepUpdate, sweep
from solvers.catalog import get_system
from solvers.spec import RunConfig

from .sessions import data_dir
from .views.base import COLORS, pen, plain_axis

# the value each measure draws (a measure may give several; the first is shown)
SHOWN = {"lyapunov": "lyapunov", "orbit": "orbit", "rqa": "rqa", "final-state": "final_state"}
ORBIT_BINS = 400
TITLES = {
    "lyapunov": "largest Lyapunov exponent",
    "rqa": "recurrence rate",
    "final-state": "final value of the first variable",
    "invariant-drift": "drift of the first invariant",
}


def _default_range(p) -> tuple[float, float]:
    lo, hi = p.bounds
    d = float(p.default)
    half = 0.5 * abs(d) if d else 1.0
    a, b = d - half, d + half
    if math.isfinite(lo):
        a = max(a, lo)
    if math.isfinite(hi):
        b = min(b, hi)
    return a, b


class SweepThread(QThread):
    """Runs one sweep; ``update`` and ``done`` reach the GUI thread."""

    update = Signal(object, float)  # SweepResult snapshot (copied arrays), fraction done
    done = Signal(object, str)  # SweepResult or None, error message

    def __init__(self, kwargs: dict):
        super().__init__()
        self.kwargs = kwargs
        self.stop_event = threading.Event()
        self._last = 0.0

    def _progress(self, u: SweepUpdate) -> None:
        now = time.perf_counter()
        if now - self._last < 0.1 and u.done < u.total:
            return  # at most ten pictures a second
        self._last = now
        r = u.result
        snap = SweepResult(r.spec, {k: v.copy() for k, v in r.values.items()}, r.status.copy(), r.seconds.copy())
        self.update.emit(snap, u.fraction)

    def run(self) -> None:
        try:
            result = sweep(progress=self._progress, stop=self.stop_event, **self.kwargs)
        except Exception as exc:  # a sweep's failure is reported in the panel, never kills the app
            self.done.emit(None, f"{type(exc).__name__}: {exc}")
            return
        self.done.emit(result, "")


class _AxisRow(QWidget):
    """Parameter, start, stop and count of one swept axis."""

    def __init__(self):
        super().__init__()
        self.param = QComboBox()
        self.start = QDoubleSpinBox(decimals=6, minimum=-1e12, maximum=1e12)
        self.stop = QDoubleSpinBox(decimals=6, minimum=-1e12, maximum=1e12)
        self.count = QSpinBox(minimum=2, maximum=100_000, value=200)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for w, label in ((self.param, ""), (self.start, "from"), (self.stop, "to"), (self.count, "points")):
            if label:
                lay.addWidget(QLabel(label))
            lay.addWidget(w)
        self.param.currentTextChanged.connect(self._param_changed)
        self.system = None

    def set_system(self, system) -> None:
        self.system = system
        self.param.blockSignals(True)
        self.param.clear()
        for p in system.parameters:
            if p.kind in ("float", "int") and p.role == "model" and not p.structural:
                self.param.addItem(p.name)
        self.param.blockSignals(False)
        self._param_changed(self.param.currentText())

    def _param_changed(self, name: str) -> None:
        if not name or self.system is None:
            return
        a, b = _default_range(self.system.parameter(name))
        self.start.setValue(a)
        self.stop.setValue(b)

    def axis(self) -> tuple[str, tuple[float, float, int]]:
        return self.param.currentText(), (self.start.value(), self.stop.value(), self.count.value())


class SweepPanel(QWidget):
    """Set up, run and look at a parameter sweep of the current system."""

    open_config = Signal(object)  # RunConfig of a clicked point
    log = Signal(str, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.system = None
        self.base: RunConfig | None = None
        self.thread: SweepThread | None = None
        self.result: SweepResult | None = None
        self.measure = QComboBox()
        self.axis1 = _AxisRow()
        self.axis2 = _AxisRow()
        self.two = QCheckBox("and")
        self.duration = QDoubleSpinBox(decimals=3, minimum=1e-6, maximum=1e12, value=1000.0)
        self.workers = QSpinBox(minimum=0, maximum=512, value=os.cpu_count() or 1)
        self.workers.setToolTip("worker processes (0: compute in this process)")
        self.run_button = QPushButton("Run sweep")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status = QLabel("Choose a system, then the parameter(s) to sweep.")
        self.status.setWordWrap(True)
        # compact controls: the picture gets the room
        grid = QGridLayout()
        grid.setContentsMargins(4, 4, 4, 0)
        grid.addWidget(QLabel("measure"), 0, 0)
        grid.addWidget(self.measure, 0, 1)
        grid.addWidget(QLabel("each run lasts"), 0, 2)
        grid.addWidget(self.duration, 0, 3)
        grid.addWidget(QLabel("processes"), 0, 4)
        grid.addWidget(self.workers, 0, 5)
        grid.addWidget(QLabel("sweep"), 1, 0)
        grid.addWidget(self.axis1, 1, 1, 1, 5)
        grid.addWidget(self.two, 2, 0)
        grid.addWidget(self.axis2, 2, 1, 1, 5)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.progress, 1)
        grid.addLayout(buttons, 3, 0, 1, 6)
        self.plot = pg.PlotWidget()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.curve = self.plot.plot(pen=pen(COLORS[0]))
        self.plot.addItem(self.image)
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        for side in ("left", "bottom"):
            plain_axis(self.plot.getPlotItem().getAxis(side))  # parameters have no SI units
        self.bar = pg.ColorBarItem(colorMap=pg.colormap.get("viridis"), interactive=False, width=12)
        self.bar.setImageItem(self.image, insert_in=self.plot.getPlotItem())
        lay = QVBoxLayout(self)
        lay.addLayout(grid)
        lay.addWidget(self.status)
        lay.addWidget(self.plot, 1)
        self.two.toggled.connect(self.axis2.setEnabled)
        self.measure.currentTextChanged.connect(self._measure_changed)
        self.axis2.setEnabled(False)
        self.run_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.plot.scene().sigMouseClicked.connect(self._clicked)

    # -- set-up --------------------------------------------------------------------
    def set_base(self, config: RunConfig | None) -> None:
        """The run every point starts from (the Parameters panel's request)."""
        if config is None:
            return
        system = get_system(config.system)
        self.base = config
        if self.system is None or system.name != self.system.name:
            self.system = system
            self.measure.clear()
            for m in MEASURES.values():
                if system.kind in m.kinds:
                    self.measure.addItem(m.name)
                    self.measure.setItemData(self.measure.count() - 1, m.meaning, 3)  # tooltip role
            self.axis1.set_system(system)
            self.axis2.set_system(system)
            if self.axis2.param.count() > 1:
                self.axis2.param.setCurrentIndex(1)
            finite = not math.isinf(config.t_end)
            self.duration.setValue(config.t_end if finite else system.default_t_end)
            self.status.setText(f"Sweep of {system.title}")
        self.run_button.setEnabled(self.measure.count() > 0 and self.axis1.param.count() > 0)

    def _uses_duration(self) -> bool:
        # a map's orbit diagram is set by its transient and points, not by a duration
        return not (self.measure.currentText() == "orbit" and self.system is not None and self.system.kind == "map")

    @Slot()
    def _measure_changed(self) -> None:
        self.duration.setEnabled(self._uses_duration())

    def request(self) -> dict:
        """The keyword arguments of :func:`explorer.sweep.sweep` for the panel's settings."""
        if self.base is None:
            raise ValueError("system: choose a system first")
        axes = dict([self.axis1.axis()])
        if self.two.isChecked():
            name, triple = self.axis2.axis()
            if name in axes:
                raise ValueError(f"parameter 2: {name!r} is swept already; choose another")
            axes[name] = triple
        base = self.base
        fixed = {k: v for k, v in base.params.items() if k not in axes}
        run = {"params": fixed, "method": base.method, "seed": base.seed or 0}
        if self._uses_duration():
            run["t_end"] = self.duration.value()
        if base.preset:
            run["preset"] = base.preset
        if base.initial is not None and self.system.pde is None:
            run["initial"] = base.initial
        for key in ("dt", "rtol", "atol"):
            if getattr(base, key) is not None:
                run[key] = getattr(base, key)
        folder = data_dir() / "sweeps"
        folder.mkdir(parents=True, exist_ok=True)
        out = folder / f"sweep-{base.system}-{time.strftime('%Y%m%d-%H%M%S')}.h5"
        return {
            "name": base.system,
            "axes": axes,
            "measure": self.measure.currentText(),
            "out": out,
            "workers": self.workers.value(),
            **run,
        }

    # -- running -------------------------------------------------------------------
    @Slot()
    def start(self) -> bool:
        if self.thread is not None:
            return False
        try:
            kwargs = self.request()
            from explorer.sweep import build_spec

            build_spec(
                kwargs["name"],
                kwargs["axes"],
                kwargs["measure"],
                **{k: v for k, v in kwargs.items() if k not in ("name", "axes", "measure", "out", "workers")},
            )  # a clear ValueError now rather than from the thread
        except ValueError as exc:
            self.status.setText(f"Cannot sweep: {exc}")
            self.log.emit("warning", f"sweep: {exc}")
            return False
        self.result = None
        self.thread = SweepThread(kwargs)
        self.thread.update.connect(self._update)
        self.thread.done.connect(self._done)
        self.thread.start()
        self.run_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.progress.setValue(0)
        self.status.setText(f"Sweeping into {Path(kwargs['out']).name}…")
        self.log.emit("info", f"sweep of {kwargs['name']} ({kwargs['measure']}) into {kwargs['out']}")
        return True

    @Slot()
    def stop(self) -> None:
        if self.thread is not None:
            self.thread.stop_event.set()

    def shutdown(self, timeout_ms: int = 60_000) -> None:
        if self.thread is not None:
            self.thread.stop_event.set()
            self.thread.wait(timeout_ms)

    @Slot(object, float)
    def _update(self, result: SweepResult, fraction: float) -> None:
        self.result = result
        self.progress.setValue(int(1000 * fraction))
        self.draw(result)

    @Slot(object, str)
    def _done(self, result: SweepResult | None, error: str) -> None:
        thread, self.thread = self.thread, None
        if thread is not None:
            thread.wait()
        self.run_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        if result is None:
            self.status.setText(f"The sweep failed: {error}")
            self.log.emit("error", f"sweep: {error}")
            return
        self.result = result
        self.progress.setValue(1000 if result.complete else int(1000 * result.done / max(1, result.spec.size)))
        self.draw(result)
        counts = ", ".join(f"{v} {k}" for k, v in result.counts().items() if v)
        how = "stopped" if result.stopped else "done"
        self.status.setText(f"Sweep {how} in {result.wall_time:.1f} s: {counts}. Click a point to open its run.")
        self.log.emit("info", f"sweep {how}: {counts}; {result.path}")
        for i, msg in list(result.errors.items())[:3]:
            self.log.emit("warning", f"sweep point {i}: {msg}")

    # -- drawing -------------------------------------------------------------------
    def shown_values(self, result: SweepResult) -> np.ndarray:
        """The array drawn: the measure's first value (the largest exponent,
        RR, the first state variable) over the grid (plus points for orbits)."""
        key = SHOWN.get(result.spec.measure, next(iter(result.values)))
        if key not in result.values:
            key = next(iter(result.values))
        v = result.values[key]
        extra = v.ndim - len(result.shape)
        if result.spec.measure != "orbit":
            while extra > 0:
                v = v[..., 0]
                extra -= 1
        return v

    def draw(self, result: SweepResult) -> None:
        axes = result.spec.axes
        v = self.shown_values(result)
        p = self.plot.getPlotItem()
        label = f"{result.spec.measure}"
        if len(axes) == 1:
            x = axes[0].values
            p.setLabel("bottom", axes[0].name)
            if result.spec.measure == "orbit":
                self.curve.setData([], [])
                self._orbit_image(x, v)
                p.setLabel("left", "orbit values")
            else:
                self.image.clear()
                self.bar.hide()
                y = np.where(np.isfinite(v), v, np.nan)
                self.curve.setData(x, y, connect="finite")
                p.setLabel("left", label)
        else:
            self.curve.setData([], [])
            a, b = axes[0], axes[1]
            img = np.asarray(v, dtype=np.float64).T  # rows: the second parameter
            finite = img[np.isfinite(img)]
            if finite.size == 0:
                return
            lo, hi = float(np.percentile(finite, 1)), float(np.percentile(finite, 99))
            if hi <= lo:
                hi = lo + 1e-12
            diverging = result.spec.measure == "lyapunov" and lo < 0 < hi
            if diverging:
                # order (λ < 0) and chaos (λ > 0) on either side of a white zero
                lo, hi = -max(-lo, hi), max(-lo, hi)
            self.bar.setColorMap(pg.colormap.get("CET-D1A" if diverging else "viridis"))
            self.image.setImage(
                np.ascontiguousarray(np.nan_to_num(img, nan=lo), dtype=np.float32), levels=(lo, hi), autoLevels=False
            )
            # pixels centred on the grid values
            da = (a.stop - a.start) / max(1, a.count - 1) or 1.0
            db = (b.stop - b.start) / max(1, b.count - 1) or 1.0
            self.image.setRect(pg.QtCore.QRectF(a.start - da / 2, b.start - db / 2, da * a.count, db * b.count))
            self.bar.show()
            self.bar.setLevels((lo, hi))
            p.setLabel("bottom", a.name)
            p.setLabel("left", b.name)
            p.setTitle(f"{TITLES.get(result.spec.measure, label)} over ({a.name}, {b.name})")

    def _orbit_image(self, x: np.ndarray, v: np.ndarray) -> None:
        finite = v[np.isfinite(v)]
        if finite.size == 0:
            return
        lo, hi = float(finite.min()), float(finite.max())
        if hi <= lo:
            hi = lo + 1e-9
        rows = ORBIT_BINS
        img = np.zeros((rows, x.size), dtype=np.float32)
        for j in range(x.size):
            col = v[j][np.isfinite(v[j])]
            if col.size:
                idx = np.clip(((col - lo) / (hi - lo) * (rows - 1)).astype(np.int64), 0, rows - 1)
                np.add.at(img[:, j], idx, 1.0)
        img = np.log1p(img)
        self.image.setImage(img, levels=(0.0, max(float(img.max()), 1e-6)), autoLevels=False)
        dx = (x[-1] - x[0]) / max(1, x.size - 1) if x.size > 1 else 1.0
        self.image.setRect(pg.QtCore.QRectF(x[0] - dx / 2, lo, dx * x.size, hi - lo))
        self.bar.hide()

    # -- opening a point -------------------------------------------------------------
    @Slot(object)
    def _clicked(self, event) -> None:
        r = self.result
        if r is None or not event.double():
            return
        pos = self.plot.getPlotItem().vb.mapSceneToView(event.scenePos())
        self.open_point(pos.x(), pos.y())

    def open_point(self, x: float, y: float | None = None) -> RunConfig | None:
        """The run of the grid point nearest to (x[, y]) in the plot; emitted as ``open_config``."""
        r = self.result
        if r is None:
            return None
        names = [a.name for a in r.spec.axes]
        values = {names[0]: x}
        if len(names) == 2:
            values[names[1]] = y
        index = r.nearest(**values)
        config = r.config_at(*index)
        status = int(r.status[index])
        self.log.emit(
            "info",
            f"opening the sweep point {', '.join(f'{k} = {v:.6g}' for k, v in config.params.items() if k in names)}"
            + ("" if status == OK else " (this point did not finish cleanly)"),
        )
        self.open_config.emit(config)
        return config
