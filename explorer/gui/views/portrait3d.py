"""The 3-D phase portrait: three series of a run, turned by azimuth and
elevation and drawn in orthographic projection.

No OpenGL: the projection is two small matrix products per frame on the
kept tail (pyqtgraph's GL views need PyOpenGL and a GL context, which
headless machines and the offscreen platform lack), so the view works
wherever the window does, and exports to PNG, SVG and CSV like the others.
Each axis is centred and scaled to its range so the shape fills the view.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSlider, QSpinBox, QVBoxLayout

from ..history import RunHistory
from .base import COLORS, View, pen

AXIS_COLORS = ("#D55E00", "#009E73", "#0072B2")


def rotation(azimuth_deg: float, elevation_deg: float) -> np.ndarray:
    """The 2×3 matrix taking (x, y, z) to screen coordinates: a turn by the
    azimuth about z, then a tilt by the elevation; (0, 0) looks along y, with
    x to the right and z up."""
    a, e = np.radians(azimuth_deg), np.radians(elevation_deg)
    ca, sa, ce, se = np.cos(a), np.sin(a), np.cos(e), np.sin(e)
    return np.array([[ca, -sa, 0.0], [-se * sa, -se * ca, ce]])


def normalise(xyz: np.ndarray) -> np.ndarray:
    """Each column centred on its mid-range and scaled to [-1, 1]."""
    lo, hi = xyz.min(axis=0), xyz.max(axis=0)
    half = np.where(hi > lo, (hi - lo) / 2, 1.0)
    return (xyz - (hi + lo) / 2) / half


class Portrait3DView(View):
    title = "3-D portrait"
    key = "portrait3d"

    def __init__(self, analysis=None, parent=None):
        super().__init__(analysis, parent)
        self.axes = [QComboBox() for _ in range(3)]
        self.azimuth = QSlider(Qt.Orientation.Horizontal, minimum=-180, maximum=180, value=-60)
        self.elevation = QSlider(Qt.Orientation.Horizontal, minimum=-90, maximum=90, value=20)
        self.tail = QSpinBox(minimum=10, maximum=1_000_000, value=5000, singleStep=1000)
        row = QHBoxLayout()
        for label, box in zip("xyz", self.axes):
            row.addWidget(QLabel(f"{label}:"))
            row.addWidget(box)
        row.addWidget(QLabel("tail:"))
        row.addWidget(self.tail)
        turn = QHBoxLayout()
        turn.addWidget(QLabel("azimuth"))
        turn.addWidget(self.azimuth, 1)
        turn.addWidget(QLabel("elevation"))
        turn.addWidget(self.elevation, 1)
        self.plot = pg.PlotWidget()
        self.plot.setAspectLocked(True)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.curve = self.plot.plot(pen=pen(COLORS[0]))
        self.point = self.plot.plot(pen=None, symbol="o", symbolSize=8, symbolBrush=COLORS[1])
        self.tripod = [self.plot.plot(pen=pen(c)) for c in AXIS_COLORS]
        self.labels = [pg.TextItem(color=c, anchor=(0.5, 0.5)) for c in AXIS_COLORS]
        for item in self.labels:
            self.plot.addItem(item)
        lay = QVBoxLayout(self.body)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(row)
        lay.addLayout(turn)
        lay.addWidget(self.plot, 1)
        for box in self.axes:
            box.currentIndexChanged.connect(self._redraw)
        for w in (self.azimuth, self.elevation, self.tail):
            w.valueChanged.connect(self._redraw)
        self._xyz = np.empty((0, 3))
        self._t = np.empty(0)

    def applies_to(self, history: RunHistory) -> str | None:
        if len(history.scalar_names()) < 3:
            return (
                f"The 3-D portrait needs three series; {history.system.title} has "
                f"{len(history.scalar_names())}. The phase portrait shows two."
            )
        return None

    def setup(self, history: RunHistory) -> None:
        names = history.scalar_names()
        for i, box in enumerate(self.axes):
            box.blockSignals(True)
            box.clear()
            box.addItems(names)
            box.setCurrentIndex(min(i, len(names) - 1))
            box.blockSignals(False)

    @Slot()
    def _redraw(self) -> None:
        if self.active:
            self.refresh(force=True)

    def data(self, history: RunHistory) -> tuple[np.ndarray, np.ndarray]:
        """(t, xyz) of the kept tail: the three chosen series on their common newest samples."""
        series = [history.series(box.currentText()) for box in self.axes]
        n = min(len(v) for _, v in series)
        n = min(n, self.tail.value())
        if n == 0:
            return np.empty(0), np.empty((0, 3))
        xyz = np.column_stack([np.asarray(v[len(v) - n :], dtype=np.float64) for _, v in series])
        return series[0][0][len(series[0][0]) - n :], xyz

    def projected(self) -> np.ndarray:
        """Screen coordinates of the kept tail (normalised axes), shape (n, 2)."""
        if not len(self._xyz):
            return np.empty((0, 2))
        return normalise(self._xyz) @ rotation(self.azimuth.value(), self.elevation.value()).T

    def draw(self, history: RunHistory) -> None:
        self._t, self._xyz = self.data(history)
        finite = np.all(np.isfinite(self._xyz), axis=1)
        self._t, self._xyz = self._t[finite], self._xyz[finite]
        xy = self.projected()
        self.curve.setData(xy[:, 0], xy[:, 1])
        self.point.setData(xy[-1:, 0], xy[-1:, 1])
        r = rotation(self.azimuth.value(), self.elevation.value())
        for i, (line, label, box) in enumerate(zip(self.tripod, self.labels, self.axes)):
            tip = r[:, i] * 1.25
            line.setData([0.0, tip[0]], [0.0, tip[1]])
            label.setText(box.currentText())
            label.setPos(tip[0] * 1.12, tip[1] * 1.12)
        self.plot.setTitle(
            f"{', '.join(b.currentText() for b in self.axes)}: last {len(xy):,} samples "
            f"(azimuth {self.azimuth.value()}°, elevation {self.elevation.value()}°)"
        )

    def export_item(self):
        return self.plot.getPlotItem()

    def table(self) -> dict[str, np.ndarray]:
        names = [b.currentText() for b in self.axes]
        cols = {"t": self._t}
        cols.update({name: self._xyz[:, i] for i, name in enumerate(names)})
        return cols
