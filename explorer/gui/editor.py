"""The system editor: type a flow, a map or a 1-D periodic PDE, see it checked
as you type, and add it to the catalog.

The text is checked with :func:`solvers.userdef.validate` ~150 ms after the
last keystroke (parsing only, well under a millisecond for a typical system):
every problem is underlined at its span and listed below as ``line:col
message``; a valid text shows its kind, variables and parameters.  "Add to
catalog" runs :func:`solvers.userdef.define_system`, compiles the kernels and
saves the text to the user library on the :class:`AnalysisRunner` (the first
compile of a system takes seconds), then emits :attr:`EditorPanel.defined`.
The library list loads a stored definition back into the editor or removes it.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFontDatabase, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from solvers.catalog import get_system
from solvers.userdef import (
    EXAMPLES,
    FUNCTIONS,
    OPTIONS,
    DefinitionError,
    Problem,
    Validation,
    compile_kernels,
    define_system,
    library_dir,
    library_texts,
    remove_from_library,
    remove_system,
    save_to_library,
    user_systems,
    validate,
)
from solvers.userdef.build import NAME_PATTERN

from .analysis import AnalysisRunner, JobResult

JOB_KEY = "editor:define"
DEBOUNCE_MS = 150
RED = QColor("#b00020")
MARK = QColor("#fde0e4")
GREEN = "#1b5e20"
ROLE = Qt.ItemDataRole.UserRole


@dataclass
class Defined:
    """What the define job hands back: the problems found while building the
    system (``@method`` not offered, a non-finite initial value, …) or where
    it was saved and how long defining and compiling took."""

    name: str
    text: str
    problems: tuple[Problem, ...] = ()
    path: Path | None = None
    save_error: str | None = None
    seconds: float = 0.0


def define_and_save(name: str, text: str) -> Defined:
    """Define ``name`` from ``text``, compile its kernels, keep it in the library
    (runs on the analysis thread)."""
    t0 = time.perf_counter()
    try:
        system = define_system(name, text)
    except DefinitionError as exc:  # build-stage problems: shown in the editor like parse problems
        return Defined(name, text, problems=exc.problems)
    compile_kernels(system)
    out = Defined(name, text, seconds=time.perf_counter() - t0)
    try:
        out.path = save_to_library(name, text)
    except OSError as exc:  # defined for this session even when the library folder is not writable
        out.save_error = f"{type(exc).__name__}: {exc}"
    return out


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be given to a user system, or None when it can."""
    if not name:
        return "give the system a name"
    if not NAME_PATTERN.fullmatch(name):
        return f"{name!r}: a name is a letter followed by up to 47 letters, digits or '_'"
    try:  # one lookup, not a listing: the analysis thread may be registering a system right now
        get_system(name)
    except ValueError:
        return None
    if name not in user_systems():
        return f"{name!r} is a built-in system; choose another name"
    return None


def _utf16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def problem_span(text: str, problem: Problem) -> tuple[int, int]:
    """The problem's span as document positions (UTF-16 units, the unit of
    QTextCursor), at least one character wide wherever the text allows.

    Lines are counted as the parser counts them (split at newline only), so a
    span is found in ``text`` itself rather than through the editor's blocks.
    """
    lines = text.split("\n")
    i = min(max(problem.line, 1), len(lines)) - 1
    start_of_line = sum(_utf16(line) + 1 for line in lines[:i])
    line = lines[i]
    a = min(max(problem.column - 1, 0), len(line))
    b = min(max(problem.end_column - 1, a), len(line))
    if b == a:  # a zero-width problem (end of line, empty text): underline its neighbour
        if a < len(line):
            b = a + 1
        elif a > 0:
            a -= 1
    return start_of_line + _utf16(line[:a]), start_of_line + _utf16(line[:b])


def _fixed_font():
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(font.StyleHint.Monospace)
    return font


def _number(v: float) -> str:
    return f"{v:.6g}"


class EditorPanel(QWidget):
    """Write a system as equations; live validation; add it to the catalog."""

    defined = Signal(str)  # name of a system just added to (or replaced in) the catalog
    removed = Signal(str)  # name of a user system just removed from the catalog and the library

    def __init__(self, runner: AnalysisRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.validation: Validation = validate("")
        self.busy: str | None = None  # name being defined on the runner
        self._serial = -1

        self.name_edit = QLineEdit(placeholderText="name, e.g. my_lorenz")
        self.name_edit.setToolTip("The catalog name: a letter followed by letters, digits or '_'")
        self.examples = QComboBox()
        self.examples.addItem("Start from an example…")
        for key in EXAMPLES:
            self.examples.addItem(key.replace("_", " "), key)
        self.name_hint = QLabel("")
        self.name_hint.setWordWrap(True)
        self.name_hint.setStyleSheet(f"color: {RED.name()};")

        self.text = QPlainTextEdit()
        self.text.setFont(_fixed_font())
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setTabStopDistance(4 * self.text.fontMetrics().horizontalAdvance(" "))
        self.text.setPlaceholderText(
            "sigma = 10; rho = 28; beta = 8/3\nx' = sigma*(y - x)\ny' = x*(rho - z) - y\nz' = x*y - beta*z"
        )
        self.text.setToolTip(
            "One statement per line (or separated by ';'); '#' starts a comment.\n"
            "x' = …  flow   ·   x[n+1] = …  map   ·   u_t = … u_x … u_xx …  1-D periodic PDE\n"
            "Functions: " + ", ".join(FUNCTIONS) + "; constants pi, e.\n"
            "Options: " + ", ".join("@" + o for o in OPTIONS) + ".  See docs/user-systems.md."
        )
        self.position = QLabel("")
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.problems = QListWidget()
        self.problems.setToolTip("Click a problem to put the cursor there")
        self.problems.setWordWrap(True)

        self.add_button = QPushButton("Add to catalog")
        self.add_button.setToolTip("Compile the system, add it to the catalog and keep it in the user library")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.library = QListWidget()
        self.library.setToolTip(f"Definitions kept in {library_dir()}; double-click to edit one")
        self.load_button = QPushButton("Load")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip(
            "Remove the selected system from the library and the catalog (its text is loaded into the editor first)"
        )

        top = QHBoxLayout()
        top.addWidget(QLabel("Name"))
        top.addWidget(self.name_edit, 1)
        top.addWidget(self.examples)
        head = QWidget()
        head_layout = QVBoxLayout(head)
        head_layout.setContentsMargins(0, 0, 0, 0)
        head_layout.addLayout(top)
        head_layout.addWidget(self.name_hint)
        head_layout.addWidget(self.text, 1)
        head_layout.addWidget(self.position)

        checks = QWidget()
        checks_layout = QVBoxLayout(checks)
        checks_layout.setContentsMargins(0, 0, 0, 0)
        checks_layout.addWidget(self.summary)
        checks_layout.addWidget(self.problems, 1)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addWidget(self.status, 1)
        checks_layout.addLayout(add_row)

        box = QGroupBox("Library")
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(4, 4, 4, 4)
        box_layout.addWidget(self.library, 1)
        lib_row = QHBoxLayout()
        lib_row.addWidget(self.load_button)
        lib_row.addWidget(self.remove_button)
        lib_row.addStretch(1)
        box_layout.addLayout(lib_row)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(head)
        split.addWidget(checks)
        split.addWidget(box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setStretchFactor(2, 1)
        split.setSizes([360, 160, 120])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(split)

        # validation waits for a pause in typing: one parse per burst of keys
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.check)
        self.text.textChanged.connect(self.timer.start)
        self.text.cursorPositionChanged.connect(self._show_position)
        self.name_edit.textChanged.connect(self._name_changed)
        self.examples.activated.connect(self._example_chosen)
        self.problems.itemClicked.connect(self._problem_clicked)
        self.problems.itemActivated.connect(self._problem_clicked)
        self.add_button.clicked.connect(self.add_to_catalog)
        self.library.itemDoubleClicked.connect(self._library_activated)
        self.library.itemActivated.connect(self._library_activated)
        self.library.currentItemChanged.connect(self._library_current)
        self.load_button.clicked.connect(self.load_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        runner.done.connect(self._job_done)

        self.refresh_library()
        self.check()
        self._show_position()

    # -- text and name -----------------------------------------------------------------
    def set_text(self, text: str) -> None:
        """Replace the editor's text as one undoable edit and check it at once."""
        cursor = QTextCursor(self.text.document())
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        self.text.moveCursor(QTextCursor.MoveOperation.Start)
        self.check()

    def name(self) -> str:
        return self.name_edit.text().strip()

    @Slot()
    def check(self) -> None:
        """Validate the text now (normally called by the debounce timer)."""
        self.timer.stop()
        text = self.text.toPlainText()
        self.validation = validate(text)
        self._show_problems(text, self.validation.problems)
        self._show_summary()
        self._update_buttons()

    def _show_problems(self, text: str, problems: tuple[Problem, ...]) -> None:
        empty = not text.strip()
        selections = []
        self.problems.clear()
        for p in problems:
            if empty:  # "no equations" on a blank page is the placeholder's job
                continue
            item = QListWidgetItem(f"{p.line}:{p.column}  {p.message}")
            item.setData(ROLE, (p.line, p.column))
            item.setForeground(RED)
            self.problems.addItem(item)
            start, end = problem_span(text, p)
            sel = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(RED)
            fmt.setBackground(MARK)  # a one-character wave alone is easy to miss
            sel.format = fmt
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            selections.append(sel)
        self.text.setExtraSelections(selections)
        self.problems.setVisible(bool(selections))

    def _show_summary(self) -> None:
        v = self.validation
        e = html.escape
        if not v.ok:
            n = self.problems.count()
            self.summary.setText(
                "" if n == 0 else f"<span style='color:{RED.name()}'>{n} problem{'s' * (n != 1)}</span>"
            )
            return
        d = v.definition
        params = ", ".join(f"{e(p.name)} = {_number(p.default)}" for p in d.parameters) or "none"
        label = {"flow": "flow (ODE)", "map": "map", "pde": "1-D periodic PDE"}.get(d.kind, d.kind)
        lines = [
            f"<span style='color:{GREEN}'>✓ valid {e(label)}</span>",
            f"<b>{'fields' if d.kind == 'pde' else 'variables'}:</b> {e(', '.join(d.variables))}",
            f"<b>parameters:</b> {params}",
        ]
        if d.presets:
            lines.append(f"<b>presets:</b> default, {e(', '.join(p.name for p in d.presets))}")
        if d.quantities:
            lines.append(f"<b>recorded:</b> {e(', '.join(q[1] for q in d.quantities))}")
        self.summary.setText("<br>".join(lines))

    @Slot(str)
    def _name_changed(self, _text: str) -> None:
        self._update_buttons()

    @Slot(QListWidgetItem, QListWidgetItem)
    def _library_current(self, _item, _previous) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        name = self.name()
        why = name_problem(name)
        if why is None and name in user_systems():
            self.name_hint.setStyleSheet("color: #6d4c00;")
            self.name_hint.setText(f"Adding replaces the user system {name!r}.")
        else:
            self.name_hint.setStyleSheet(f"color: {RED.name()};")
            self.name_hint.setText(why if (why and name) else "")
        self.name_hint.setVisible(bool(self.name_hint.text()))
        self.add_button.setEnabled(self.busy is None and self.validation.ok and why is None)
        label = "Replace in catalog" if why is None and name in user_systems() else "Add to catalog"
        self.add_button.setText("Compiling…" if self.busy else label)
        has = self.library.currentItem() is not None
        self.load_button.setEnabled(has)
        self.remove_button.setEnabled(has and self.busy is None)

    @Slot()
    def _show_position(self) -> None:
        c = self.text.textCursor()
        self.position.setText(f"line {c.blockNumber() + 1}, column {c.positionInBlock() + 1}")

    @Slot(QListWidgetItem)
    def _problem_clicked(self, item: QListWidgetItem) -> None:
        line, column = item.data(ROLE)
        text = self.text.toPlainText()
        start, _ = problem_span(text, Problem(line, column, column, "", ""))
        cursor = self.text.textCursor()
        cursor.setPosition(start)
        self.text.setTextCursor(cursor)
        self.text.setFocus()

    @Slot(int)
    def _example_chosen(self, index: int) -> None:
        key = self.examples.itemData(index)
        self.examples.setCurrentIndex(0)
        if key is None:
            return
        self.set_text(EXAMPLES[key])
        if not self.name():
            self.name_edit.setText(f"my_{key}")

    # -- add to catalog ------------------------------------------------------------------
    @Slot()
    def add_to_catalog(self) -> bool:
        """Submit the define job; False (and nothing submitted) when the text
        or the name is not valid or a definition is still compiling."""
        self.check()
        name = self.name()
        if self.busy is not None or not self.validation.ok or name_problem(name) is not None:
            return False
        self.busy = name
        self._set_status(f"Compiling {name!r}… (the first compile of a system takes seconds)", "#444")
        self._serial = self.runner.submit(JOB_KEY, define_and_save, name, self.text.toPlainText())
        self._update_buttons()
        return True

    @Slot(object)
    def _job_done(self, result: JobResult) -> None:
        if result.key != JOB_KEY or result.serial != self._serial:
            return
        self.busy = None
        self._update_buttons()
        if result.error is not None:
            self._set_status(f"Not added: {result.error}", RED.name())
            return
        out: Defined = result.value
        if out.problems:
            if out.text == self.text.toPlainText():  # still the text that was built: mark it
                self._show_problems(out.text, out.problems)
                self.summary.setText(f"<span style='color:{RED.name()}'>cannot be built</span>")
                self.add_button.setEnabled(False)
            self._set_status(f"Not added: {'; '.join(p.message for p in out.problems)}", RED.name())
            return
        where = f"saved to {out.path}" if out.path else f"not saved to the library ({out.save_error})"
        self._set_status(f"Added {out.name!r} to the catalog in {out.seconds:.1f} s; {where}.", GREEN)
        self.refresh_library(select=out.name)
        self._update_buttons()
        self.defined.emit(out.name)

    def _set_status(self, text: str, color: str) -> None:
        self.status.setStyleSheet(f"color: {color};")
        self.status.setText(text)

    # -- library ------------------------------------------------------------------------
    def refresh_library(self, select: str | None = None) -> None:
        """Re-read the library folder into the list."""
        keep = select or (self.library.currentItem().text() if self.library.currentItem() else None)
        self.library.clear()
        self._library = library_texts()
        for name in self._library:
            item = QListWidgetItem(name)
            self.library.addItem(item)
            if name == keep:
                self.library.setCurrentItem(item)
        self._update_buttons()

    @Slot(QListWidgetItem)
    def _library_activated(self, item: QListWidgetItem) -> None:
        self.load(item.text())

    @Slot()
    def load_selected(self) -> None:
        item = self.library.currentItem()
        if item is not None:
            self.load(item.text())

    def load(self, name: str) -> None:
        """Put the library's definition of ``name`` into the editor."""
        text = self._library.get(name)
        if text is None:
            raise ValueError(f"name: {name!r} is not in the library {library_dir()}")
        self.name_edit.setText(name)
        self.set_text(text)
        self._set_status(f"Editing {name!r} from the library.", "#444")

    @Slot()
    def remove_selected(self) -> None:
        item = self.library.currentItem()
        if item is not None:
            self.remove(item.text())

    def remove(self, name: str) -> None:
        """Remove ``name`` from the library and the catalog; its text is left
        in the editor so that it can be added again."""
        if self.busy is not None:
            raise ValueError(f"remove: {name!r} cannot be removed while {self.busy!r} is compiling")
        if name in self._library and not (self.name() == name and self.text.toPlainText() == self._library[name]):
            self.load(name)
        remove_from_library(name)
        remove_system(name)
        self.refresh_library()
        self._set_status(f"Removed {name!r} from the library and the catalog; its text stays here.", "#444")
        self.removed.emit(name)
