"""What every view has: a run to draw, a redraw on demand, and exports.

A view is a QWidget placed in a dock by the main window.  The main window
calls :meth:`View.set_history` when a run starts or a session run is opened,
and :meth:`View.refresh` from its frame timer (at most ~60 Hz, only while the
dock is visible and the run's data changed).  A view draws from the
:class:`~explorer.gui.history.RunHistory` and never computes physics on the
GUI thread: anything that takes more than a few milliseconds goes to the
:class:`~explorer.gui.analysis.AnalysisRunner`.

Exports: PNG and SVG of the view's plot (pyqtgraph's exporters on
:meth:`View.export_item`) and CSV of :meth:`View.table`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters as exporters
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QLabel, QStackedLayout, QVBoxLayout, QWidget

from ..history import RunHistory

# one look for every plot: white background reads well in papers and slides
pg.setConfigOptions(antialias=False, background="w", foreground="k", imageAxisOrder="row-major")


def pen(color, width: int = 1):
    """Width-1 pens: wider ones are ~10× slower to draw (ENGINEERING.md)."""
    return pg.mkPen(color=color, width=width)


def plain_axis(axis: pg.AxisItem) -> None:
    """Turn off an axis' automatic SI prefix.  pyqtgraph 0.14's
    ``enableAutoSIPrefix(False)`` computes a prefix from the current range
    and then keeps it for good (a profile drawn 0…101 read 0…100000), so the
    scale is reset to 1 here."""
    axis.enableAutoSIPrefix(False)
    if axis.autoSIPrefixScale != 1.0 or axis.labelUnitPrefix:
        axis.autoSIPrefixScale = 1.0
        axis.labelUnitPrefix = ""
        axis._updateLabel()


# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]


class View(QWidget):
    """Base of every dockable view."""

    #: dock title and the key its layout is saved under
    title = "View"
    key = "view"

    def __init__(self, analysis=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.analysis = analysis  # an AnalysisRunner, or None in tests that do without
        self.history: RunHistory | None = None
        self.drawn_version = -1
        self.frames = 0  # refreshes that drew something (tests check that frames arrive)
        self._stack = QStackedLayout()
        self.body = QWidget()
        self._placeholder = QLabel("Choose a system and press Run.")
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setWordWrap(True)
        self._placeholder.setStyleSheet("color: #666; padding: 12px;")
        self._stack.addWidget(self.body)
        self._stack.addWidget(self._placeholder)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self._stack)
        self._stack.setCurrentWidget(self._placeholder)

    # -- to override ------------------------------------------------------------
    def applies_to(self, history: RunHistory) -> str | None:
        """None when this view can show ``history``'s run, else why not (shown in its place)."""
        return None

    def setup(self, history: RunHistory) -> None:
        """Rebuild controls and plots for a new run (``self.history`` is set)."""

    def draw(self, history: RunHistory) -> None:
        """Redraw from the history's current data."""

    def export_item(self):
        """The pyqtgraph item (PlotItem, GraphicsLayout or scene) PNG and SVG exports draw."""
        return None

    def table(self) -> dict[str, np.ndarray]:
        """The data shown, as named columns of equal length, for CSV export."""
        return {}

    # -- called by the main window ------------------------------------------------
    def set_history(self, history: RunHistory | None) -> None:
        self.history = history
        self.drawn_version = -1
        if history is None:
            self.show_message("Choose a system and press Run.")
            return
        why = self.applies_to(history)
        if why:
            self.show_message(why)
            return
        self._stack.setCurrentWidget(self.body)
        self.setup(history)
        self._plain_axes()
        self.refresh()

    def _plain_axes(self) -> None:
        """No automatic SI prefixes on the axes: pyqtgraph rescales a
        dimensionless axis to "y (x0.001)", which reads as a unit."""
        for gv in self.findChildren(pg.GraphicsView):
            for item in gv.scene().items():
                if isinstance(item, pg.AxisItem):
                    plain_axis(item)

    @property
    def active(self) -> bool:
        return self.history is not None and self._stack.currentWidget() is self.body

    def refresh(self, force: bool = False) -> bool:
        """Redraw if the run has new data; True when something was drawn."""
        h = self.history
        if not self.active or (h.version == self.drawn_version and not force):
            return False
        self.drawn_version = h.version
        self.draw(h)
        self.frames += 1
        return True

    def show_message(self, text: str) -> None:
        self._placeholder.setText(text)
        self._stack.setCurrentWidget(self._placeholder)

    # -- exports --------------------------------------------------------------------
    def export_png(self, path: str | Path, width: int | None = None) -> Path:
        item = self._export_target()
        exporter = exporters.ImageExporter(item)
        if width:
            exporter.parameters()["width"] = int(width)
        exporter.export(str(path))
        return Path(path)

    def export_svg(self, path: str | Path) -> Path:
        """Vector SVG through Qt's own SVG painter: pyqtgraph's SVGExporter
        fails on the paths this Qt writes (pyqtgraph issue 3485)."""
        item = self._export_target()
        scene = item.scene() if hasattr(item, "scene") and callable(item.scene) else item
        source = item.sceneBoundingRect() if hasattr(item, "sceneBoundingRect") else scene.sceneRect()
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(source.size().toSize())
        # pixels of the scene = units of the file: at another resolution Qt scales
        # cosmetic paths (the curves) but not the rest
        generator.setResolution(round(self.logicalDpiX()))
        generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
        generator.setTitle(self.title)
        generator.setDescription("Dynamics Explorer")
        painter = QPainter()
        if not painter.begin(generator):
            raise ValueError(f"cannot write an SVG file at {path}")
        try:
            scene.render(painter, QRectF(0, 0, source.width(), source.height()), source)
        finally:
            painter.end()
        return Path(path)

    def export_csv(self, path: str | Path) -> Path:
        columns = self.table()
        if not columns:
            raise ValueError(f"the {self.title} view has no data to export yet")
        names = list(columns)
        arrays = [np.asarray(columns[n], dtype=np.float64).ravel() for n in names]
        sizes = {a.size for a in arrays}
        if len(sizes) != 1:
            raise ValueError(f"the {self.title} view's columns differ in length: {dict(zip(names, sizes))}")
        # %.17g round-trips every float64 exactly
        np.savetxt(path, np.column_stack(arrays), delimiter=",", header=",".join(names), comments="", fmt="%.17g")
        return Path(path)

    def _export_target(self):
        item = self.export_item()
        if item is None:
            raise ValueError(f"the {self.title} view has nothing to export yet")
        return item
