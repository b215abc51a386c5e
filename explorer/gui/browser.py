"""The System browser: the catalog as a tree by kind, a search box, the
description (equations, parameters, reference) and the presets."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from solvers.catalog import all_systems, get_system
from solvers.spec import System

KINDS = (("flow", "Flows"), ("map", "Maps"), ("ensemble", "Particle ensembles"), ("pde", "PDEs"))
ROLE_NAME = Qt.ItemDataRole.UserRole


def _unit(unit: str) -> str:
    return "" if unit in ("", "1") else unit


def describe_html(system: System) -> str:
    """The system's page: title, meaning, equations, parameters, reference."""
    e = html.escape
    rows = "".join(
        f"<tr><td><b>{e(p.name)}</b></td><td>{e(p.meaning)}</td><td>{e(_unit(p.unit))}</td></tr>"
        for p in system.parameters
    )
    variables = ", ".join(f"{e(v.name)} ({e(v.meaning)})" for v in system.variables)
    return (
        f"<h3>{e(system.title)}</h3>"
        f"<p>{e(system.description)}</p>"
        f"<pre style='font-size: 11pt'>{e(system.equations)}</pre>"
        f"<p><b>State:</b> {variables}</p>"
        f"<table cellspacing='4'>{rows}</table>"
        f"<p><b>Reference:</b> {e(system.reference)}</p>"
    )


class SystemBrowser(QWidget):
    """Pick a system and a preset."""

    chosen = Signal(str, object)  # system name, preset name or None

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.search = QLineEdit(placeholderText="Search systems (name, title, tag)…")
        self.search.setClearButtonEnabled(True)
        self.tree = QTreeWidget(headerHidden=True)
        self.text = QTextBrowser(openExternalLinks=True)
        self.presets = QListWidget()
        self.presets.setToolTip("Double-click a preset to load its parameters")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self.text)
        split.addWidget(self.presets)
        split.setSizes([300, 250, 120])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.search)
        layout.addWidget(split)
        self._items: dict[str, QTreeWidgetItem] = {}
        self._fill()
        self.search.textChanged.connect(self._filter)
        self.tree.currentItemChanged.connect(self._picked)
        self.presets.itemActivated.connect(self._preset_picked)
        self.presets.itemDoubleClicked.connect(self._preset_picked)
        self.current: str | None = None

    def _fill(self) -> None:
        systems = sorted(all_systems(), key=lambda s: s.title.lower())
        for kind, label in KINDS:
            group = QTreeWidgetItem(self.tree, [label])
            group.setFlags(group.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            for s in systems:
                if s.kind == kind:
                    item = QTreeWidgetItem(group, [s.title])
                    item.setData(0, ROLE_NAME, s.name)
                    item.setToolTip(0, f"{s.name}: {s.description}")
                    self._items[s.name] = item
            group.setExpanded(True)

    @Slot()
    def refresh(self) -> None:
        """Rebuild the tree from the catalog (after user systems were defined or
        removed), keeping the search filter and the selection; emits nothing.
        A selected system that is gone is deselected."""
        current = self.current
        row = self.presets.currentRow()
        self.tree.blockSignals(True)  # rebuilding is not the user picking a system
        try:
            self.tree.clear()
            self._items.clear()
            self._fill()
            self._filter(self.search.text())
            item = self._items.get(current) if current is not None else None
            if item is not None:
                self.tree.setCurrentItem(item)
        finally:
            self.tree.blockSignals(False)
        if item is not None:
            self._show(current)  # a redefined system has a new description
            self.presets.setCurrentRow(min(row, self.presets.count() - 1))
        elif current is not None:
            self.current = None
            self.text.clear()
            self.presets.clear()

    @Slot(str)
    def _filter(self, text: str) -> None:
        words = text.lower().split()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            shown = 0
            for j in range(group.childCount()):
                item = group.child(j)
                s = get_system(item.data(0, ROLE_NAME))
                hay = " ".join([s.name, s.title, s.description, " ".join(s.tags)]).lower()
                hide = any(w not in hay for w in words)
                item.setHidden(hide)
                shown += not hide
            group.setHidden(shown == 0)

    def select(self, name: str, preset: str | None = None) -> None:
        """Select a system (and a preset) as if the user clicked it."""
        item = self._items.get(name)
        if item is None:
            raise ValueError(f"system: {name!r} is not in the catalog")
        self.tree.setCurrentItem(item)
        self.tree.scrollToItem(item)
        self._show(name)
        self.chosen.emit(name, preset)
        if preset is not None:
            for i in range(self.presets.count()):
                if self.presets.item(i).data(ROLE_NAME) == preset:
                    self.presets.setCurrentRow(i)

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _picked(self, item, _previous) -> None:
        name = item.data(0, ROLE_NAME) if item is not None else None
        if name is None or name == self.current:
            return
        self._show(name)
        self.chosen.emit(name, None)

    def _show(self, name: str) -> None:
        self.current = name
        s = get_system(name)
        self.text.setHtml(describe_html(s))
        self.presets.clear()
        for p in s.presets:
            item = QListWidgetItem(f"{p.name} — {p.title}")
            item.setData(ROLE_NAME, p.name)
            item.setToolTip(f"{p.description or p.title}\nSource: {p.source}")
            self.presets.addItem(item)

    @Slot(QListWidgetItem)
    def _preset_picked(self, item: QListWidgetItem) -> None:
        if self.current is not None:
            self.chosen.emit(self.current, item.data(ROLE_NAME))
