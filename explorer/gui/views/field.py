"""The Field view: a PDE's fields as images.

1-D fields: a space-time image (x across, time up: the newest sample is the
top row) with the current profile (the newest sample as a curve) below it.
2-D fields: the image of one kept sample, chosen with a time slider; at its
right end the slider follows the live run.  Complex fields show |ψ|, Re ψ,
Im ψ or the phase arg ψ.  Colour maps: viridis, inferno and cividis for
magnitudes, a diverging blue–white–red map centred on zero for signed
quantities, a cyclic map for phases.  Levels come from the data shown
(symmetric about zero for the diverging map, [−π, π] for phases) or are fixed
by the user.

Speed (ENGINEERING.md): images are C-contiguous float32 with fixed levels and
a 256-entry uint8 lookup table, and never hold NaN.  A long history is drawn
from at most :data:`MAX_ROWS` rows evenly spaced in time (the newest always
among them); only those rows are read from the history, so a frame costs the
same however long the run.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from ..history import RunHistory
from .axis_labels import time_label, with_unit
from .base import View, pen

MAX_ROWS = 768  # space-time rows drawn (a dock is rarely taller)
MAX_COLS = 2048  # grid points drawn across (every k-th beyond that)

# name shown -> pyqtgraph colour map
COLORMAPS = {
    "viridis": "viridis",
    "inferno": "inferno",
    "cividis": "cividis",
    "diverging (zero = white)": "CET-D1",
    "cyclic (for phases)": "CET-C6",
}
DIVERGING = "diverging (zero = white)"
CYCLIC = "cyclic (for phases)"

# what a complex field shows: label, function, the colour map it starts with
COMPONENTS = {
    "|ψ|": (np.abs, "viridis"),
    "Re ψ": (np.real, DIVERGING),
    "Im ψ": (np.imag, DIVERGING),
    "phase arg ψ": (np.angle, CYCLIC),
}
CSV_NAMES = {"|ψ|": "abs", "Re ψ": "re", "Im ψ": "im", "phase arg ψ": "arg"}


def field_rows(history: RunHistory, name: str, rows: np.ndarray) -> np.ndarray:
    """Field ``name`` at the kept state rows ``rows`` only: (k, nx) or (k, ny, nx), complex for complex fields.

    :meth:`RunHistory.variable` converts every kept row (a copy of up to the
    whole 256 MB budget for a complex field); a frame needs a few hundred.
    """
    start = 0
    for (vname, size), var in zip(history.layout, history.system.variables):
        if vname == name:
            block = np.ascontiguousarray(history.y.view()[rows, start : start + size])  # fancy index: a fresh array
            if var.complex:
                block = block.view(np.complex128)
            return block.reshape(block.shape[0], *history.grid.shape)
        start += size
    raise KeyError(f"{name!r} is not a field of {history.system.name!r}")


def strided_rows(first: int, total: int, count: int) -> tuple[np.ndarray, int]:
    """Which samples a space-time image of at most ``count`` rows draws, and the stride.

    Samples are counted from the start of the run; ``first`` is the oldest
    kept, ``total`` the number received.  The rows are the kept multiples of
    a power-of-two stride, so they stay the same from frame to frame (only
    new rows need reading) until the stride doubles (then half of them stay).
    """
    n = total - first
    if n <= 0:
        return np.empty(0, dtype=np.int64), 1
    stride = 1
    while -(-n // stride) > count:
        stride *= 2
    start = -(-first // stride) * stride
    return np.arange(start, total, stride, dtype=np.int64), stride


class FieldView(View):
    """Space-time image and profile of a 1-D field; image with a time slider of a 2-D field."""

    title = "Field"
    key = "field"

    def __init__(self, analysis=None, parent=None):
        super().__init__(analysis, parent)
        outer = QVBoxLayout(self.body)
        outer.setContentsMargins(2, 2, 2, 2)
        controls = QHBoxLayout()
        self.field_box = QComboBox()
        self.field_box.setToolTip("The field to show")
        self.component_box = QComboBox()
        self.component_box.addItems(list(COMPONENTS))
        self.component_box.setToolTip("What of the complex field to show: modulus, real or imaginary part, phase")
        self.cmap_box = QComboBox()
        self.cmap_box.addItems(list(COLORMAPS))
        self.auto_box = QCheckBox("auto levels")
        self.auto_box.setChecked(True)
        self.auto_box.setToolTip("Levels from the data shown (symmetric about 0 for the diverging map)")
        self.lo_box = pg.SpinBox(value=0.0, dec=True, minStep=1e-12, decimals=4, compactHeight=False)
        self.hi_box = pg.SpinBox(value=1.0, dec=True, minStep=1e-12, decimals=4, compactHeight=False)
        for box in (self.lo_box, self.hi_box):
            box.setMinimumWidth(80)
            box.setEnabled(False)
        self.levels_note = QLabel("")
        self.levels_note.setStyleSheet("color: #b00020;")
        self.component_label = QLabel("show")
        for widget in (
            QLabel("field"),
            self.field_box,
            self.component_label,
            self.component_box,
            QLabel("colours"),
            self.cmap_box,
            self.auto_box,
            QLabel("min"),
            self.lo_box,
            QLabel("max"),
            self.hi_box,
            self.levels_note,
        ):
            controls.addWidget(widget)
        controls.addStretch(1)
        outer.addLayout(controls)

        self.canvas = pg.GraphicsLayoutWidget()
        self.image_plot = self.canvas.addPlot(row=0, col=0)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image_plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(0.0, 1.0), colorMap="viridis", interactive=False, width=14)
        self.canvas.addItem(self.colorbar, row=0, col=1)
        self.profile_plot = self.canvas.addPlot(row=1, col=0)
        self.profile_plot.showGrid(x=True, y=True, alpha=0.25)
        self.profile_plot.setXLink(self.image_plot)
        self.profile = self.profile_plot.plot(pen=pen("#0072B2"))
        self.canvas.ci.layout.setRowStretchFactor(0, 3)
        self.canvas.ci.layout.setRowStretchFactor(1, 1)
        for plot in (self.image_plot, self.profile_plot):
            plot.getAxis("left").setWidth(62)  # equal widths keep the profile under its image
            plot.vb.setDefaultPadding(0.0)
        # "×0.001" beside an axis reads worse than plain tick values
        for axis in (self.profile_plot.getAxis("left"), self.colorbar.getAxis("right")):
            axis.enableAutoSIPrefix(False)
        self._profile_shown = True
        outer.addWidget(self.canvas, 1)

        slider_row = QWidget()
        srow = QHBoxLayout(slider_row)
        srow.setContentsMargins(0, 0, 0, 0)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("The sample shown; at the right end the view follows the run")
        self.slider_label = QLabel("")
        self.slider_label.setMinimumWidth(190)
        srow.addWidget(QLabel("time"))
        srow.addWidget(self.slider, 1)
        srow.addWidget(self.slider_label)
        self.slider_row = slider_row
        outer.addWidget(slider_row)

        self.lut = pg.colormap.get("viridis").getLookupTable(nPts=256, alpha=False)
        self.levels = (0.0, 1.0)
        self.image_data: np.ndarray | None = None  # what the image shows (float32)
        self.image_times = np.empty(0)  # time of each image row (1-D) or of the frame (2-D)
        self.profile_data: tuple[np.ndarray, np.ndarray] | None = None
        self._follow = True
        self._pick_t = 0.0
        self._complex = False
        self._dims = 1
        self._pick_map = False  # choose the map of a real field from its signs at the first frame
        # converted space-time rows kept between frames: sample numbers, float32 rows, and what they show
        self._cache_rows = np.empty(0, dtype=np.int64)
        self._cache_img = np.empty((0, 0), dtype=np.float32)
        self._cache_key = None
        self._texts: dict[str, str] = {}  # labels already set (setting one costs ~0.25 ms of text layout)

        self.field_box.currentTextChanged.connect(self._field_changed)
        self.component_box.currentTextChanged.connect(self._component_changed)
        self.cmap_box.currentTextChanged.connect(self._cmap_changed)
        self.auto_box.toggled.connect(self._auto_toggled)
        self.lo_box.sigValueChanged.connect(self._levels_edited)
        self.hi_box.sigValueChanged.connect(self._levels_edited)
        self.slider.valueChanged.connect(self._slider_moved)

    # -- the run ----------------------------------------------------------------------
    def applies_to(self, history: RunHistory) -> str | None:
        if history.kind != "pde":
            return f"The field view shows the fields of PDEs; {history.system.title} is a {history.kind}."
        return None

    def setup(self, history: RunHistory) -> None:
        self._dims = history.grid.dims
        self._cache_key = None
        self._texts = {}
        self._follow = True
        self.field_box.blockSignals(True)
        self.field_box.clear()
        self.field_box.addItems(history.field_names())
        self.field_box.blockSignals(False)
        self.slider_row.setVisible(self._dims == 2)
        if self._profile_shown != (self._dims == 1):  # a hidden plot would still take its row
            if self._dims == 1:
                self.canvas.addItem(self.profile_plot, row=1, col=0)
            else:
                self.canvas.removeItem(self.profile_plot)
            self._profile_shown = self._dims == 1
        self.image_plot.setAspectLocked(self._dims == 2)
        self.image_plot.setLabel("bottom", "x")
        self.image_plot.setLabel("left", "y" if self._dims == 2 else time_label(history))
        self.profile_plot.setLabel("bottom", "x")
        self._field_changed(self.field_box.currentText(), redraw=False)

    def _variable(self):
        name = self.field_box.currentText()
        return next(v for v in self.history.system.variables if v.name == name)

    def component(self) -> str | None:
        """The part of a complex field shown, None for a real field."""
        return self.component_box.currentText() if self._complex else None

    def quantity_label(self) -> str:
        var = self._variable()
        comp = self.component()
        if comp is None:
            return with_unit(var.name, var.unit)
        label = comp.replace("ψ", var.name)
        return label + " [rad]" if comp == "phase arg ψ" else with_unit(label, var.unit)

    def csv_name(self) -> str:
        name = self.field_box.currentText()
        comp = self.component()
        return name if comp is None else f"{CSV_NAMES[comp]}({name})"

    # -- controls ---------------------------------------------------------------------
    @Slot(str)
    def _field_changed(self, _name: str, redraw: bool = True) -> None:
        if self.history is None or not self.field_box.currentText():
            return
        self._complex = self._variable().complex
        self.component_box.setVisible(self._complex)
        self.component_label.setVisible(self._complex)
        self._component_changed(self.component_box.currentText(), redraw=redraw)

    @Slot(str)
    def _component_changed(self, comp: str, redraw: bool = True) -> None:
        # each quantity starts with its natural map: signed parts diverge about 0, phases cycle
        start = COMPONENTS[comp][1] if self._complex else "viridis"
        self._pick_map = not self._complex
        self.cmap_box.blockSignals(True)
        self.cmap_box.setCurrentText(start)
        self.cmap_box.blockSignals(False)
        self._cmap_changed(start, redraw=redraw)

    @Slot(str)
    def _cmap_changed(self, name: str, redraw: bool = True) -> None:
        if self.sender() is self.cmap_box:
            self._pick_map = False  # the user's choice stays
        cmap = pg.colormap.get(COLORMAPS[name])
        self.lut = cmap.getLookupTable(nPts=256, alpha=False)  # 256 entries: 2-3x faster than the default 512
        self.image.setLookupTable(self.lut)
        self.colorbar.setColorMap(cmap)
        if redraw:
            self._redraw()

    @Slot(bool)
    def _auto_toggled(self, auto: bool) -> None:
        self.lo_box.setEnabled(not auto)
        self.hi_box.setEnabled(not auto)
        self._redraw()

    @Slot()
    def _levels_edited(self, *_):
        if not self.auto_box.isChecked():
            self._redraw()

    def set_levels(self, lo: float | None, hi: float | None = None) -> None:
        """Fix the levels to [lo, hi], or back to automatic with ``set_levels(None)``."""
        if lo is None:
            self.auto_box.setChecked(True)
            return
        for box, v in ((self.lo_box, lo), (self.hi_box, hi)):
            box.blockSignals(True)
            box.setValue(float(v))
            box.blockSignals(False)
        if self.auto_box.isChecked():
            self.auto_box.setChecked(False)
        else:
            self._redraw()

    def select(self, field: str | None = None, component: str | None = None, colormap: str | None = None) -> None:
        """Choose what is shown (for scripts and tests); the same as using the controls."""
        for box, value, what in (
            (self.field_box, field, "field"),
            (self.component_box, component, "component"),
            (self.cmap_box, colormap, "colormap"),
        ):
            if value is None:
                continue
            options = [box.itemText(i) for i in range(box.count())]
            if value not in options:
                raise ValueError(f"{what}: {value!r} is not allowed; choose one of {options}")
            box.setCurrentText(value)

    @Slot(int)
    def _slider_moved(self, value: int) -> None:
        if self.history is None:
            return
        times = self.history.state_times()
        if times.size:
            self._follow = value >= self.slider.maximum()
            self._pick_t = float(times[min(value, times.size - 1)])
        self._redraw()

    def _redraw(self) -> None:
        if self.active:
            self.refresh(force=True)

    # -- drawing ------------------------------------------------------------------------
    def _levels_for(self, img: np.ndarray) -> tuple[float, float]:
        if self._pick_map and img.size:
            # a field of both signs (a vorticity, a wave) reads best on a map centred on zero
            self._pick_map = False
            lo, hi = float(img.min()), float(img.max())
            if lo < 0 < hi and min(-lo, hi) > 0.05 * max(-lo, hi):
                self.cmap_box.blockSignals(True)
                self.cmap_box.setCurrentText(DIVERGING)
                self.cmap_box.blockSignals(False)
                self._cmap_changed(DIVERGING, redraw=False)
        if not self.auto_box.isChecked():
            lo, hi = float(self.lo_box.value()), float(self.hi_box.value())
            if lo < hi:
                self.levels_note.setText("")
                return lo, hi
            self.levels_note.setText("min must be below max")
            return self.levels
        self.levels_note.setText("")
        if self.component() == "phase arg ψ":
            lo, hi = -math.pi, math.pi
        elif self.cmap_box.currentText() == DIVERGING:
            m = float(np.abs(img).max()) if img.size else 1.0
            lo, hi = -m, m
        else:
            lo, hi = (float(img.min()), float(img.max())) if img.size else (0.0, 1.0)
        if not hi > lo:  # a constant field
            pad = max(abs(lo), 1.0) * 1e-6
            lo, hi = lo - pad, hi + pad
        for box, v in ((self.lo_box, lo), (self.hi_box, hi)):
            if box.value() != v:
                box.blockSignals(True)
                box.setValue(v)
                box.blockSignals(False)
        return lo, hi

    def _display(self, values: np.ndarray) -> np.ndarray:
        comp = self.component()
        part = values if comp is None else COMPONENTS[comp][0](values)
        img = np.ascontiguousarray(part, dtype=np.float32)
        if not np.isfinite(img).all():  # a NaN makes pyqtgraph's image path 2-3x slower, and hides nothing useful
            img = np.nan_to_num(img, nan=0.0, posinf=np.finfo(np.float32).max, neginf=-np.finfo(np.float32).max)
        return img

    def draw(self, history: RunHistory) -> None:
        name = self.field_box.currentText()
        times = history.state_times()
        if not name or times.size == 0:
            return
        if self._dims == 1:
            self._draw_space_time(history, name, times)
        else:
            self._draw_frame(history, name, times)

    def _draw_space_time(self, history: RunHistory, name: str, times: np.ndarray) -> None:
        grid = history.grid
        n, total = times.size, history.y.total
        rows, step = strided_rows(total - n, total, MAX_ROWS)
        cols = max(1, math.ceil(grid.shape[-1] / MAX_COLS))
        img = self._space_time_rows(history, name, rows, cols, (id(history), name, self.component(), cols))
        lo, hi = self.levels = self._levels_for(img)
        self.image.setImage(img, levels=(lo, hi), autoLevels=False, lut=self.lut)
        t = times[rows - (total - n)]
        dx = grid.spacing(0) * cols
        dt = (t[-1] - t[0]) / (t.size - 1) if t.size > 1 else history.config.sample_interval
        # pixel centres on the samples: each row spans its time ± half a row
        self.image.setRect(QRectF(grid.x[0] - dx / 2, t[0] - dt / 2, dx * img.shape[1], dt * img.shape[0]))
        self.colorbar.setLevels((lo, hi))
        self.image_data = img
        self.image_times = t
        # the profile: the newest sample at full resolution
        profile = self._display(field_rows(history, name, np.array([n - 1]))[0])
        self.profile.setData(grid.x, profile)
        self.profile_data = (grid.x, profile)
        self.profile_plot.setYRange(lo, hi, padding=0.05)
        label = self.quantity_label()
        every = f"every {step}th of " if step > 1 else ""
        kept = "the kept " if history.y.dropped else ""
        self._text(self.colorbar, "right", label)
        self._text(self.profile_plot, "left", label)
        self._text(self.image_plot, "title", f"{label} — space-time, {every}{kept}{n} samples, newest at top")
        self._text(self.profile_plot, "title", f"profile at t = {times[-1]:.6g}")

    def _space_time_rows(self, history, name, rows, cols, key) -> np.ndarray:
        """The image rows of samples ``rows``: reused from the last frame where it had them, read otherwise."""
        if key != self._cache_key:
            self._cache_rows = np.empty(0, dtype=np.int64)
            self._cache_key = key
        have = self._cache_rows
        pos = np.clip(np.searchsorted(have, rows), 0, max(0, have.size - 1))
        hit = (have[pos] == rows) if have.size else np.zeros(rows.size, dtype=bool)
        first = history.y.total - len(history.y)
        missing = rows[~hit]
        width = -(-history.grid.shape[-1] // cols)
        img = np.empty((rows.size, *history.grid.shape[:-1], width), dtype=np.float32)
        if hit.any():
            img[hit] = self._cache_img[pos[hit]]
        if missing.size:
            img[~hit] = self._display(field_rows(history, name, missing - first)[..., ::cols])
        # a fresh array every frame: pyqtgraph keeps the one it was given
        self._cache_rows, self._cache_img = rows, img
        return img

    def _text(self, item, where: str, text: str) -> None:
        if self._texts.get(f"{id(item)}.{where}") == text:
            return
        self._texts[f"{id(item)}.{where}"] = text
        if where == "title":
            item.setTitle(text)
        else:
            item.setLabel(where, text)

    def _draw_frame(self, history: RunHistory, name: str, times: np.ndarray) -> None:
        grid = history.grid
        n = times.size
        if self._follow:
            index = n - 1
        else:
            index = int(np.clip(np.searchsorted(times, self._pick_t), 0, n - 1))
        self.slider.blockSignals(True)
        self.slider.setMaximum(n - 1)
        self.slider.setValue(index)
        self.slider.blockSignals(False)
        img = self._display(field_rows(history, name, np.array([index]))[0])
        lo, hi = self.levels = self._levels_for(img)
        self.image.setImage(img, levels=(lo, hi), autoLevels=False, lut=self.lut)
        dx, dy = grid.spacing(0), grid.spacing(1)
        self.image.setRect(QRectF(grid.x[0] - dx / 2, grid.y[0] - dy / 2, dx * img.shape[1], dy * img.shape[0]))
        self.colorbar.setLevels((lo, hi))
        self.image_data = img
        self.image_times = times[index : index + 1]
        self.profile_data = None
        label = self.quantity_label()
        self._text(self.colorbar, "right", label)
        live = " (live)" if self._follow else ""
        self.slider_label.setText(f"t = {times[index]:.6g}  ({index + 1} of {n}){live}")
        self._text(self.image_plot, "title", f"{label} at t = {times[index]:.6g}")

    # -- exports -------------------------------------------------------------------------
    def export_item(self):
        return self.canvas.ci if self.image_data is not None else None

    def table(self) -> dict[str, np.ndarray]:
        """The image shown, one row per pixel: t, x, value (1-D) or t, x, y, value (2-D)."""
        img = self.image_data
        if img is None:
            return {}
        grid = self.history.grid
        value = img.astype(np.float64).ravel()
        if self._dims == 1:
            stride = max(1, math.ceil(grid.shape[-1] / MAX_COLS))
            x = grid.x[::stride]
            return {
                "t": np.repeat(self.image_times, x.size),
                "x": np.tile(x, self.image_times.size),
                self.csv_name(): value,
            }
        X, Y = grid.mesh()
        return {"t": np.full(value.size, self.image_times[0]), "x": X.ravel(), "y": Y.ravel(), self.csv_name(): value}
