"""The Drift view: how well a run keeps its conserved quantities.

The drift of every invariant of the system against time on a logarithmic
axis, as :meth:`RunHistory.drifts` (and :func:`solvers.validation.drift`)
measure it: |I(t) − I(0)| relative to |I(0)| when |I(0)| ≥ 1, absolute below
(a momentum that is zero by symmetry has no meaningful relative drift).
Round-off sits near 1e-16, a good symplectic or unitary method stays flat, a
poor step grows linearly or blows up.  An exact zero cannot be drawn on a log
axis; it is drawn at :data:`FLOOR`, as the axis label says.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QVBoxLayout

from ..history import RunHistory
from .axis_labels import time_label
from .base import COLORS, View, pen
from .decimate import minmax
from .throttle import DrawThrottle

FLOOR = 1e-17  # zeros are drawn here: below double precision's relative resolution
BUCKETS = 2000  # min/max pairs drawn per curve (a plot is at most a few thousand pixels wide)


class DriftView(View):
    """Drift of each invariant against time, log-y."""

    title = "Drift"
    key = "drift"

    def __init__(self, analysis=None, parent=None):
        super().__init__(analysis, parent)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(2, 2, 2, 2)
        self.plot_widget = pg.PlotWidget()
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setLogMode(x=False, y=True)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setLabel("left", f"drift |I − I₀| / max(|I₀|, 1)   (0 drawn at {FLOOR:.0e})")
        # the SI prefix would rescale the exponents of a log axis ("10¹ ×1e-15")
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.plot.getAxis("left").setToolTip(
            "Drift of each invariant from its first value: relative to |I(0)| when |I(0)| ≥ 1, absolute "
            f"below. An exact zero cannot be drawn on a log axis and is drawn at {FLOOR:.0e}. "
            "Quantities conserved particle by particle show the largest drift over the particles."
        )
        self.legend = self.plot.addLegend(offset=(-10, 10), labelTextSize="9pt", brush=pg.mkBrush(255, 255, 255, 200))
        self.note = QLabel("")
        self.note.setStyleSheet("color: #555;")
        layout.addWidget(self.plot_widget)
        layout.addWidget(self.note)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self._data: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        # millions of kept samples cost ~7 ms a frame: then draw less often, the newest always in the end
        self.throttle = DrawThrottle(self, self._redraw)

    def applies_to(self, history: RunHistory) -> str | None:
        if not history.system.invariants:
            return (
                f"{history.system.title} has no conserved quantities to follow. The drift view shows "
                "the invariants of conservative systems (energy, mass, momentum: e.g. NLSE, KdV, Hénon–Heiles)."
            )
        return None

    def setup(self, history: RunHistory) -> None:
        self.plot.clear()
        self.legend.clear()
        self.curves = {}
        self._data = {}
        self.plot.setTitle(f"Conservation of the invariants — {history.system.title}")
        self.plot.setLabel("bottom", time_label(history))
        self.note.setText("")
        self.throttle.reset()

    @Slot()
    def _redraw(self) -> None:
        self.refresh(force=True)

    def draw(self, history: RunHistory) -> None:
        if self.throttle.allow(max((len(b) for b in history.invariants.values()), default=0)):
            self._draw(history)
            self.throttle.drawn()

    def _draw(self, history: RunHistory) -> None:
        drifts = history.drifts()
        self._data = drifts
        for i, (name, (t, d)) in enumerate(drifts.items()):
            curve = self.curves.get(name)
            if curve is None:
                curve = self.plot.plot(pen=pen(COLORS[i % len(COLORS)]), name=self._legend_name(history, name))
                self.curves[name] = curve
            td, dd = minmax(t, d, BUCKETS)
            curve.setData(td, np.maximum(dd, FLOOR))
        if drifts:
            worst = max(drifts, key=lambda k: drifts[k][1][-1] if drifts[k][1].size else 0.0)
            t, d = drifts[worst]
            dropped = max(history.invariants[n].dropped for n in drifts)
            kept = f" (the first {dropped} samples are no longer kept)" if dropped else ""
            self.note.setText(f"Largest drift now: {worst} {d[-1]:.3g} at {t[-1]:.6g}{kept}")

    def _legend_name(self, history: RunHistory, name: str) -> str:
        buf = history.invariants.get(name)
        label = name
        if buf is not None and buf.row_shape:
            label += " (largest over particles)"
        elif buf is not None and buf.dropped == 0 and len(buf) and abs(float(buf.view()[0])) < 1.0:
            label += " (absolute: |I₀| < 1)"
        return label

    def export_item(self):
        return self.plot if self._data else None

    def table(self) -> dict[str, np.ndarray]:
        """Time and every invariant's drift (unclipped) over their common kept samples."""
        if not self._data:
            return {}
        n = min(t.size for t, _ in self._data.values())
        first = next(iter(self._data.values()))[0]
        columns = {"t": first[first.size - n :]}
        for name, (_, d) in self._data.items():
            columns[f"drift_{name}"] = d[d.size - n :]
        return columns
