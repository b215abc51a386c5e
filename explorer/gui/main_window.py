"""The main window: docks, menus, the run's life cycle and the frame timer.

Data flow (ARCHITECTURE.md): the Parameters panel validates a RunConfig; Run
starts a :class:`RunWorker` on its own QThread, which streams the chunks into
the autosaved session file and sends batches here; they go into one
:class:`RunHistory`, and a 60 Hz timer redraws the visible views whose data
changed.  The window never blocks on the run: control goes through the
worker's thread-safe events, and closing mid-run stops, waits and closes
the session file before the window goes.
"""

from __future__ import annotations

import math
import shutil
import sys
import time
from collections import deque
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

import solvers
from explorer.session import SessionError, SessionWriter
from explorer.session.export import export as export_session
from solvers import userdef
from solvers.catalog import get_system
from solvers.spec import RunConfig

from .analysis import AnalysisRunner
from .browser import SystemBrowser, describe_html
from .editor import EditorPanel
from .history import Batch, RunHistory
from .log_panel import LogPanel
from .parameters import ParameterPanel
from .sessions import add_recent, config_dir, continue_config, new_autosave_path, read_run, run_names
from .sweep_panel import SweepPanel
from .views import view_classes
from .warmup import WarmUp
from .worker import BLOWUP, DONE, ERROR, Outcome, RunThread, RunWorker

LAYOUT_VERSION = 5
SWITCH_INTERVAL = 0.0005  # seconds; see MainWindow.__init__
FRAME_MS = 16  # the redraw timer: at most ~60 frames a second
ANALYSIS_TICKS = 6  # analysis views (drift, recurrence, …) redraw at most every 6th frame (~10 Hz)
MAX_STRIDE = 6  # under load the main views slow down to ~10 Hz, never below

# which view to bring to the front for each kind of system
FRONT_VIEW = {"flow": "phase", "map": "phase", "ensemble": "spiral", "pde": "field"}
# views in the upper group of tabs; the analyses go below
TOP_VIEWS = ("field", "phase", "portrait3d", "spiral")


class MainWindow(QMainWindow):
    """Dynamics Explorer's window."""

    run_finished = Signal(object)  # Outcome, after the window has handled it
    user_systems_changed = Signal(str)  # a user system was defined, replaced or removed (from any thread)

    def __init__(self, *, settings: QSettings | None = None, restore: bool = True):
        super().__init__()
        # The run's thread needs the GIL for moments between nogil kernel calls
        # (and after each numpy call); at the default 5 ms switch interval it
        # queues behind the GUI thread's painting, and measured throughput fell
        # to ~0.4 of a headless run.  0.5 ms keeps it flowing (~0.75).
        sys.setswitchinterval(SWITCH_INTERVAL)
        self.setWindowTitle("Dynamics Explorer")
        self.settings = settings or QSettings(str(config_dir() / "settings.ini"), QSettings.Format.IniFormat)
        self.analysis = AnalysisRunner()
        self.history: RunHistory | None = None
        self.job: RunThread | None = None
        self.writer: SessionWriter | None = None
        self.session_path: Path | None = None
        self.opened: tuple[str, str] | None = None  # (file, run) shown from a session, not live
        self.last_outcome: Outcome | None = None
        # each view's latest drawing times (benchmark, diagnosis); bounded for long sessions
        self.draw_ms: dict[str, deque[float]] = {}
        self._last_tick = 0.0
        self._tick_ms = float(FRAME_MS)  # running mean of the timer's actual intervals
        self._ticks = 0
        self.stride = 1  # ticks between redraws of the main views (adapts to the load)
        self._speed = (0.0, 0.0)  # (wall, t_now) at the previous status update
        self._pending_restart = False
        self.quiet = False  # scripted launches: no dialogs
        self.keep_settings = True  # save layout and recent files on close

        self._build_panels()
        self._build_views()
        self._build_actions()
        self._build_status()
        self.setDockNestingEnabled(True)
        self._default_layout()
        self._default_state = self.saveState(LAYOUT_VERSION)
        self._restored = False
        if restore:
            self._restore_settings()

        self.frame_timer = QTimer(self)
        self.frame_timer.setInterval(FRAME_MS)
        self.frame_timer.timeout.connect(self._frame)
        self.frame_timer.start()

        self.warmup = WarmUp(self)
        self.warmup.state.connect(self._warm_state)
        self.warmup.library.connect(self._library_loaded)
        # systems defined elsewhere (a session that carries one) reach the browser too
        self.user_systems_changed.connect(self._refresh_catalog)
        userdef.add_listener(self._userdef_changed)
        self.warmup.start()
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self._update_actions()

    # -- construction --------------------------------------------------------------
    def _dock(self, key: str, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock.{key}")
        dock.setWidget(widget)
        dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
        self.docks[key] = dock
        return dock

    def _build_panels(self) -> None:
        self.docks: dict[str, QDockWidget] = {}
        self.browser = SystemBrowser()
        self.browser.chosen.connect(self.choose_system)
        self.params = ParameterPanel()
        self.params.validity.connect(self._validity)
        self.params.edited.connect(self._edited)
        self.log = LogPanel()
        # the banner offering a restart when an edit cannot reach a running run
        self.restart_bar = QWidget()
        bar = QHBoxLayout(self.restart_bar)
        bar.setContentsMargins(4, 2, 4, 2)
        self.restart_label = QLabel("This change applies to a new run.")
        self.restart_label.setWordWrap(True)
        restart = QPushButton("Restart with these settings")
        restart.clicked.connect(self.restart)
        bar.addWidget(self.restart_label, 1)
        bar.addWidget(restart)
        self.restart_bar.setStyleSheet("background: #fff4d6;")
        self.restart_bar.hide()
        holder = QWidget()
        lay = QVBoxLayout(holder)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.restart_bar)
        lay.addWidget(self.params)
        self.editor = EditorPanel(self.analysis)
        self.editor.defined.connect(self._user_system_defined)
        self.editor.removed.connect(self._user_system_removed)
        self.sweep = SweepPanel()
        self.sweep.open_config.connect(self.open_config)
        self.sweep.log.connect(self.log.add)
        self._dock("browser", "Systems", self.browser)
        self._dock("parameters", "Parameters", holder)
        self._dock("log", "Log", self.log)
        self._dock("sweep", "Sweep", self.sweep)
        self._dock("editor", "Define a system", self.editor)

    def _build_views(self) -> None:
        self.views = {}
        for cls in view_classes():
            view = cls(self.analysis)
            self.views[cls.key] = view
            self._dock(cls.key, cls.title, view)

    def _default_layout(self) -> None:
        """Systems and Parameters on the left; on the right the main picture
        (field, phase portrait, spiral, sweep) above the analyses (time series first),
        each group as tabs; the Log is a tab of the lower group."""
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self.addDockWidget(left, self.docks["browser"])
        self.splitDockWidget(self.docks["browser"], self.docks["parameters"], Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.docks["browser"], self.docks["editor"])
        self.docks["browser"].raise_()
        view_docks = [self.docks[k] for k in self.views]
        top = [d for d in view_docks if d.objectName().split(".")[1] in TOP_VIEWS] + [self.docks["sweep"]]
        bottom = [d for d in view_docks if d not in top] + [self.docks["log"]]
        bottom.sort(key=lambda d: d.objectName() != "dock.timeseries")
        first = top[0] if top else bottom[0]
        # the two groups stacked vertically, then the other docks as tabs of
        # their group (splitting or tabifying docks that are already tabbed
        # leaves stray tab bars behind)
        self.addDockWidget(right, first, Qt.Orientation.Vertical)
        if top:
            self.addDockWidget(right, bottom[0], Qt.Orientation.Vertical)
        for d in top[1:]:
            self.tabifyDockWidget(first, d)
        for d in bottom[1:]:
            self.tabifyDockWidget(bottom[0], d)
        first.raise_()
        bottom[0].raise_()
        self._lower = bottom[0]
        central = QWidget()
        central.setMaximumSize(0, 0)  # everything is a dock
        self.setCentralWidget(central)
        self._sized = False

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._sized:
            # sizes apply once the window has its size
            self._sized = True
            QTimer.singleShot(0, self._size_docks)

    def _hide_stray_tab_bars(self) -> None:
        """Qt 6.11 leaves a stale tab bar holding the first two docks of the
        second tab group it builds (reproduced with plain QDockWidgets): it
        shows over the left column.  A main-window tab bar whose tabs are a
        strict subset of another's is that stale copy."""
        bars = [b for b in self.findChildren(QTabBar) if b.parent() is self and b.isVisible()]
        tabs = [{b.tabText(i) for i in range(b.count())} for b in bars]
        for bar, mine in zip(bars, tabs):
            if any(mine < other for other in tabs):
                bar.hide()

    def _size_docks(self) -> None:
        self._hide_stray_tab_bars()
        if self._restored:
            return
        w, h = self.width(), self.height()
        first = next((self.docks[k] for k in self.views if k in TOP_VIEWS), None)
        if first is not None:
            self.resizeDocks([self.docks["browser"], first], [340, max(300, w - 340)], Qt.Orientation.Horizontal)
            self.resizeDocks([first, self._lower], [int(0.6 * h), int(0.4 * h)], Qt.Orientation.Vertical)
        self.resizeDocks(
            [self.docks["browser"], self.docks["parameters"]], [int(0.45 * h), int(0.55 * h)], Qt.Orientation.Vertical
        )

    def _action(self, text, slot, shortcut=None, tip="") -> QAction:
        a = QAction(text, self)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        a.setStatusTip(tip)
        a.triggered.connect(slot)
        return a

    def _build_actions(self) -> None:
        A = self._action
        self.act_new = A("&New run", self.new_run, QKeySequence.StandardKey.New, "Clear the views for a new run")
        self.act_open = A("&Open session…", self.open_session_dialog, QKeySequence.StandardKey.Open)
        self.act_save = A("&Save session as…", self.save_session_dialog, QKeySequence.StandardKey.Save)
        self.act_export_view = A("Export &view…", self.export_view_dialog, tip="PNG, SVG or CSV of a view")
        self.act_export_data = A("Export &data…", self.export_data_dialog, tip="The run as CSV, npz or netCDF")
        self.act_quit = A("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.act_run = A("&Run", self.start_run, "Ctrl+R", "Start a run with these parameters")
        self.act_pause = A("&Pause", self.toggle_pause, "Space", "Pause or resume the run")
        self.act_stop = A("S&top", self.stop_run, "Esc", "Stop the run (its data stay in the session)")
        self.act_step = A("Ste&p", self.step_run, "Ctrl+.", "Advance a paused run by one kernel call")
        self.act_reset = A("R&eset", self.reset, "Ctrl+Shift+R", "Stop and restore the preset's parameters")
        self.act_replay = A("Re&play stored run", self.replay, tip="Run an opened session's run again")
        self.act_continue = A("&Continue stored run", self.continue_run, tip="Start where the opened run ended")
        self.act_about = A("&About", self.about)
        self.act_help = A("&System help", self.system_help, "F1", "Equations and reference of the current system")
        self.act_reset_layout = A("&Reset layout", self.reset_layout)

        menu = self.menuBar()
        f = menu.addMenu("&File")
        for a in (self.act_new, self.act_open, self.act_save):
            f.addAction(a)
        self.recent_menu = f.addMenu("Recent sessions")
        f.addSeparator()
        f.addAction(self.act_export_view)
        f.addAction(self.act_export_data)
        f.addSeparator()
        f.addAction(self.act_quit)
        v = menu.addMenu("&View")
        for dock in self.docks.values():
            v.addAction(dock.toggleViewAction())
        v.addSeparator()
        v.addAction(self.act_reset_layout)
        r = menu.addMenu("&Run")
        for a in (self.act_run, self.act_pause, self.act_stop, self.act_step, self.act_reset):
            r.addAction(a)
        r.addSeparator()
        r.addAction(self.act_replay)
        r.addAction(self.act_continue)
        h = menu.addMenu("&Help")
        h.addAction(self.act_help)
        h.addAction(self.act_about)

        tools = self.addToolBar("Run")
        tools.setObjectName("toolbar.run")
        for a in (self.act_run, self.act_pause, self.act_stop, self.act_step, self.act_reset):
            tools.addAction(a)
        tools.addSeparator()
        self.system_label = QLabel("")
        tools.addWidget(self.system_label)
        self._fill_recent()

    def _build_status(self) -> None:
        sb = self.statusBar()
        self.state_label = QLabel("Starting…")
        self.time_label = QLabel("")
        self.speed_label = QLabel("")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        sb.addWidget(self.state_label, 1)
        sb.addPermanentWidget(self.time_label)
        sb.addPermanentWidget(self.speed_label)
        sb.addPermanentWidget(self.progress)

    # -- settings ------------------------------------------------------------------
    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray):
            self._restored = self.restoreState(state, LAYOUT_VERSION)
        last = self.settings.value("last/system")
        if isinstance(last, str):
            try:
                get_system(last)
            except ValueError:
                return
            self.browser.select(last)

    def _save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(LAYOUT_VERSION))
        if self.browser.current:
            self.settings.setValue("last/system", self.browser.current)
        self.settings.sync()

    @Slot()
    def reset_layout(self) -> None:
        self.restoreState(self._default_state, LAYOUT_VERSION)
        for dock in self.docks.values():
            dock.show()
        self._restored = False
        self._size_docks()

    def recent(self) -> list[str]:
        value = self.settings.value("recent/sessions", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _remember(self, path: Path) -> None:
        if not self.keep_settings:
            return
        self.settings.setValue("recent/sessions", add_recent(self.recent(), path))
        self._fill_recent()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        entries = [p for p in self.recent() if Path(p).exists()]
        for p in entries:
            a = self.recent_menu.addAction(Path(p).name)
            a.setToolTip(p)
            a.triggered.connect(lambda _=False, p=p: self.open_session(p))
        self.recent_menu.setEnabled(bool(entries))

    # -- choosing ------------------------------------------------------------------
    @Slot(str, object)
    def choose_system(self, name: str, preset: str | None = None) -> None:
        system = get_system(name)
        self.params.load(name, preset)
        self.system_label.setText(f"  {system.title}" + (f" — {preset}" if preset else ""))
        front = self.docks.get(FRONT_VIEW.get(system.kind, ""))
        if front is not None:
            front.raise_()

    def select(self, name: str, preset: str | None = None) -> None:
        """Choose a system and preset as the user would (for scripts and tests)."""
        if preset is not None:
            get_system(name).preset(preset)  # a clear ValueError before anything changes
        self.browser.select(name, preset)

    @Slot(bool, str)
    def _validity(self, ok: bool, message: str) -> None:
        self._update_actions()
        if ok:
            self.sweep.set_base(self.params.config())
        if not ok:
            self.state_label.setText(f"Cannot run: {message}")

    @Slot(str, object)
    def _edited(self, key: str, value) -> None:
        if not self.running():
            return
        if self.params.is_live(key) and self.params.valid:
            name = key.split(".", 1)[1]
            self.job.worker.post(**{name: value})
            self.log.add("info", f"{name} = {value} will apply at the next chunk")
        elif self.params.valid:
            self.restart_label.setText(f"“{self.params.param(key).title()}” applies to a new run.")
            self.restart_bar.show()

    # -- running -------------------------------------------------------------------
    def running(self) -> bool:
        return self.job is not None and self.job.running()

    def _ensure_writer(self) -> SessionWriter:
        if self.writer is None:
            path = self.session_path or new_autosave_path()
            self.writer = SessionWriter(path, "a")
            self.session_path = path
            self.log.add("info", f"session file: {path}")
        return self.writer

    @Slot()
    def start_run(self, config: RunConfig | None = None) -> bool:
        """Start a run of the Parameters panel's request (or of ``config``)."""
        if self.running():
            return False
        if config is None:
            try:
                config = self.params.config()
            except ValueError as exc:
                self.params.validate()
                self._tell("Cannot run", str(exc))
                return False
        try:
            writer = self._ensure_writer()
        except SessionError as exc:
            self._tell("Cannot write the session file", str(exc))
            return False
        self.restart_bar.hide()
        self.opened = None
        self.history = RunHistory(config)
        self.history.status = "running"
        self._show_history(self.history)
        worker = RunWorker(config, writer)
        worker.batch.connect(self._batch)
        worker.state.connect(self._run_state)
        worker.log.connect(self.log.add)
        worker.finished.connect(self._finished)
        self.job = RunThread(worker)
        self._speed = (time.perf_counter(), config.t0)
        self.log.add("info", f"run: {self.history.describe()}")
        self.job.start()
        self._update_actions()
        return True

    @Slot()
    def restart(self) -> None:
        self.restart_bar.hide()
        if self.running():
            self._pending_restart = True
            self.job.worker.stop()
        else:
            self.start_run()

    @Slot()
    def toggle_pause(self) -> None:
        if not self.running():
            if (self.params.valid and self.job is None) or (self.job is not None and not self.running()):
                self.start_run()  # Space on an idle window starts a run
            return
        w = self.job.worker
        if w.paused:
            w.resume()
        else:
            w.pause()

    @Slot()
    def stop_run(self) -> None:
        if self.running():
            self.job.worker.stop()

    @Slot()
    def step_run(self) -> None:
        if self.running():
            self.job.worker.step()

    @Slot()
    def reset(self) -> None:
        self.stop_run()
        if self.browser.current:
            self.params.load(self.browser.current, self.params.preset)

    @Slot()
    def new_run(self) -> None:
        if self.running():
            return
        self.history = None
        self.opened = None
        self._show_history(None)
        self.state_label.setText("Ready")
        self.progress.setValue(0)

    @Slot(object)
    def _batch(self, batch: Batch) -> None:
        if self.history is not None:
            self.history.append(batch)
            if batch.skipped:
                self.state_label.setText(f"Drawing the newest samples ({self.history.skipped} thinned for the views)")

    @Slot(str)
    def _run_state(self, state: str) -> None:
        text = {
            "compiling": "Preparing the numerical kernels (compiled once, then cached)…",
            "running": "Running",
            "paused": "Paused — Space resumes, Ctrl+. steps",
        }.get(state, state)
        self.state_label.setText(text)
        self.act_pause.setText("&Resume" if state == "paused" else "&Pause")

    @Slot(object)
    def _finished(self, outcome: Outcome) -> None:
        self.last_outcome = outcome
        h = self.history
        if h is not None:
            h.status, h.message = outcome.status, outcome.message
        job, self.job = self.job, None
        if job is not None:
            job.thread.wait(10_000)
        level = "info" if outcome.status in (DONE, "stopped") else "error"
        self.log.add(level, f"{outcome.status}: {outcome.message} ({outcome.wall_time:.2f} s wall)")
        self.state_label.setText(f"{outcome.status.capitalize()}: {outcome.message}")
        self._frame(force=True)
        self._update_actions()
        if outcome.session:
            self._remember(Path(outcome.session))
        if outcome.status == BLOWUP:
            self._tell(
                "The run blew up",
                outcome.message,
                "The samples before it are kept in the session. Try a smaller step (dt) or tolerance, "
                "a finer grid, or parameters inside the stable range.",
                QMessageBox.Icon.Warning,
            )
        elif outcome.status == ERROR:
            self._tell("The run failed", outcome.message, icon=QMessageBox.Icon.Critical)
        self.run_finished.emit(outcome)
        if self._pending_restart:
            self._pending_restart = False
            self.start_run()

    def _update_actions(self) -> None:
        live = self.running()
        self.act_run.setEnabled(not live and self.params.valid)
        for a in (self.act_pause, self.act_stop, self.act_step):
            a.setEnabled(live)
        self.act_open.setEnabled(not live)
        self.act_replay.setEnabled(not live and self.opened is not None)
        self.act_continue.setEnabled(not live and self.opened is not None)
        self.act_new.setEnabled(not live)
        if not live:
            self.act_pause.setText("&Pause")

    # -- drawing -------------------------------------------------------------------
    def _view_failed(self, view, exc: Exception) -> None:
        # a view's bug must not stop the run or the other views
        view.show_message(f"This view failed: {type(exc).__name__}: {exc}")
        self.log.add("error", f"{view.title} view: {type(exc).__name__}: {exc}")

    def _show_history(self, history: RunHistory | None) -> None:
        for view in self.views.values():
            try:
                view.set_history(history)
            except Exception as exc:
                self._view_failed(view, exc)

    @Slot()
    def _frame(self, force: bool = False) -> None:
        """One tick of the redraw timer.

        The views of the main picture redraw every ``stride`` ticks, the
        analysis views every ``ANALYSIS_TICKS × stride`` ticks, one of them
        per tick (staggered), so drawing and painting stay a bounded share of
        the GUI thread.  ``stride`` adapts: it grows while the ticks arrive
        late (the GUI is busy painting) and shrinks when they are on time.
        """
        now = time.perf_counter()
        if self._last_tick:
            late = 1000 * (now - self._last_tick)
            self._tick_ms = 0.8 * self._tick_ms + 0.2 * late
        self._last_tick = now
        self._ticks += 1
        if self._ticks % 8 == 0:
            if self._tick_ms > 2.0 * FRAME_MS and self.stride < MAX_STRIDE:
                self.stride += 1
            elif self._tick_ms < 1.3 * FRAME_MS and self.stride > 1:
                self.stride -= 1
        h = self.history
        if h is None:
            return
        analysis = [k for k in self.views if k not in TOP_VIEWS]
        for key, view in self.views.items():
            if not force:
                if self._ticks % self.stride:
                    break
                tick = self._ticks // self.stride
                if key not in TOP_VIEWS and tick % ANALYSIS_TICKS != analysis.index(key) % ANALYSIS_TICKS:
                    continue
                dock = self.docks[key]
                if not dock.isVisible() or dock.visibleRegion().isEmpty():
                    continue
            t0 = time.perf_counter()
            try:
                drawn = view.refresh()
            except Exception as exc:
                self._view_failed(view, exc)
                continue
            if drawn:
                self.draw_ms.setdefault(key, deque(maxlen=10_000)).append(1000 * (time.perf_counter() - t0))
        now = time.perf_counter()
        self._status(h, now)

    def _status(self, h: RunHistory, now: float) -> None:
        unit = "iterations" if h.kind == "map" else "t"
        self.time_label.setText(f"{unit} = {h.t_now:.6g}")
        wall0, t0 = self._speed
        if self.running() and now - wall0 > 0.5:
            rate = (h.t_now - t0) / (now - wall0)
            self.speed_label.setText(f"{rate:.3g} {'it' if h.kind == 'map' else 't'}/s")
            self._speed = (now, h.t_now)
        if math.isinf(h.config.t_end):
            self.progress.setRange(0, 0 if self.running() else 1)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * h.progress))

    # -- sessions ------------------------------------------------------------------
    def _close_writer(self) -> None:
        if self.writer is not None:
            try:
                self.writer.close()
            except SessionError as exc:
                self.log.add("error", str(exc))
            self.writer = None

    @Slot()
    def open_session_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open session", str(self._folder()), "Sessions (*.h5 *.hdf5)")
        if path:
            self.open_session(path)

    def open_session(self, path: str | Path, run: str | None = None) -> bool:
        """Show a stored run (the user picks one when the file holds several)."""
        if self.running():
            self._tell("A run is going", "Stop the run before opening a session.")
            return False
        path = Path(path)
        if self.writer is not None and self.session_path is not None and path.resolve() == self.session_path.resolve():
            self._close_writer()  # one writer per file: reopen for appending at the next run
        try:
            if run is None:
                # choose first, then read the samples once
                names = run_names(path)
                run = names[-1]
                if len(names) > 1 and not self.quiet:
                    run, ok = QInputDialog.getItem(
                        self, "Open session", f"{path.name} holds {len(names)} runs:", names, len(names) - 1, False
                    )
                    if not ok:
                        return False
            history = read_run(path, run)
        except (SessionError, ValueError, OSError) as exc:
            self._tell("Cannot open the session", str(exc))
            return False
        self.opened = (str(path), run)
        self.history = history
        cfg = history.config
        self.browser.select(cfg.system)
        try:
            self.params.load(cfg.system, config=cfg)
        except ValueError as exc:
            self.log.add("warning", f"the stored parameters cannot be edited here: {exc}")
        self._show_history(history)
        self._frame(force=True)
        self._remember(path)
        self.log.add(
            "info", f"opened {path} run {run}: {history.describe()}, {history.samples} samples, {history.status}"
        )
        self.state_label.setText(f"Showing {path.name} / {run} ({history.status})")
        self._update_actions()
        return True

    @Slot(object)
    def open_config(self, config: RunConfig) -> bool:
        """Show a run's settings (a sweep point's) and start it."""
        if self.running():
            self._tell("A run is going", "Stop the run before opening another.")
            return False
        self.browser.select(config.system)
        self.params.load(config.system, config=config)
        return self.start_run(config)

    @Slot()
    def replay(self) -> None:
        if self.history is not None and self.opened is not None:
            self.start_run(self.history.config)

    @Slot()
    def continue_run(self) -> None:
        h = self.history
        if h is None or self.opened is None or not len(h.y):
            return
        self.start_run(continue_config(h.config, float(h.state_times()[-1]), h.y.last()))

    @Slot()
    def save_session_dialog(self) -> None:
        if self.session_path is None:
            self._tell("Nothing to save yet", "Run something first: every run streams into the session.")
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save session as", str(self._folder()), "Sessions (*.h5)")
        if path:
            self.save_session(path)

    def save_session(self, path: str | Path) -> bool:
        """Keep the session in ``path``.  Idle: the session moves there and
        later runs append to it.  During a run: a consistent copy of
        everything written so far (the run goes on into the autosave)."""
        path = Path(path)
        if self.session_path is None:
            self._tell("Nothing to save yet", "Run something first.")
            return False
        if path.resolve() == self.session_path.resolve():
            if self.writer is not None:
                self.writer.flush()
            return True
        try:
            if self.running():
                self.writer.flush()
                shutil.copy2(self.session_path, path)
                self.log.add("info", f"saved a copy of the session so far to {path}; the run goes on")
            else:
                self._close_writer()
                shutil.copy2(self.session_path, path)
                self.session_path = path
                self.log.add("info", f"session saved as {path}; new runs go there")
        except (OSError, SessionError) as exc:
            self._tell("Cannot save the session", str(exc))
            return False
        self._remember(path)
        return True

    def _folder(self) -> Path:
        recent = self.recent()
        return Path(recent[0]).parent if recent else Path.home()

    # -- exports -------------------------------------------------------------------
    def current_view(self):
        """The view whose dock is in front and focused (or the first visible one)."""
        for key, view in self.views.items():
            dock = self.docks[key]
            if dock.isVisible() and dock.isAncestorOf(self.focusWidget() or self):
                return view
        for key, view in self.views.items():
            if self.docks[key].isVisible() and not self.docks[key].visibleRegion().isEmpty() and view.active:
                return view
        return None

    @Slot()
    def export_view_dialog(self) -> None:
        names = [v.title for v in self.views.values() if v.active]
        if not names:
            self._tell("Nothing to export", "No view shows data yet.")
            return
        current = self.current_view()
        start = names.index(current.title) if current is not None and current.title in names else 0
        title, ok = QInputDialog.getItem(self, "Export view", "View:", names, start, False)
        if not ok:
            return
        view = next(v for v in self.views.values() if v.title == title)
        path, _ = QFileDialog.getSaveFileName(
            self, f"Export {title}", str(self._folder() / f"{view.key}.png"), "PNG (*.png);;SVG (*.svg);;CSV (*.csv)"
        )
        if path:
            self.export_view(view, path)

    def export_view(self, view, path: str | Path) -> bool:
        path = Path(path)
        try:
            suffix = path.suffix.lower()
            if suffix == ".png":
                view.export_png(path)
            elif suffix == ".svg":
                view.export_svg(path)
            elif suffix == ".csv":
                view.export_csv(path)
            else:
                raise ValueError(f"file type: {path.suffix!r} is not offered; use .png, .svg or .csv")
        except (ValueError, OSError) as exc:
            self._tell("Cannot export the view", str(exc))
            return False
        self.log.add("info", f"exported the {view.title} view to {path}")
        return True

    @Slot()
    def export_data_dialog(self) -> None:
        source = self.opened or (
            (str(self.session_path), self.last_outcome.run) if self.session_path and self.last_outcome else None
        )
        if source is None:
            self._tell("Nothing to export", "Run something or open a session first.")
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Export data", str(self._folder() / "run.csv"), "CSV (*.csv);;NumPy (*.npz);;netCDF-4 (*.nc)"
        )
        if path:
            self.export_data(path)

    def export_data(self, path: str | Path) -> bool:
        path = Path(path)
        fmt = {".csv": "csv", ".npz": "npz", ".nc": "netcdf"}.get(path.suffix.lower())
        source = self.opened
        if source is None and self.session_path is not None and self.last_outcome is not None:
            source = (str(self.session_path), self.last_outcome.run)
        try:
            if fmt is None:
                raise ValueError(f"file type: {path.suffix!r} is not offered; use .csv, .npz or .nc")
            if source is None:
                raise ValueError("nothing to export: run something or open a session first")
            if self.running():
                raise ValueError("a run is going: stop it first (the file is being written)")
            if self.writer is not None and Path(source[0]).resolve() == self.session_path.resolve():
                self._close_writer()  # readers and the writer never share a file
            written = export_session(source[0], path, fmt, run=source[1])
        except (ValueError, SessionError, OSError) as exc:
            self._tell("Cannot export the data", str(exc))
            return False
        self.log.add("info", f"exported {source[1]} to {', '.join(map(str, written))}")
        return True

    # -- help ----------------------------------------------------------------------
    @Slot()
    def about(self) -> None:
        QMessageBox.about(
            self,
            "About Dynamics Explorer",
            f"<h3>Dynamics Explorer {solvers.__version__}</h3>"
            "<p>Nonlinear dynamical systems and nonlinear PDEs: runs in numba kernels on a background thread, "
            "streams to HDF5 sessions, validated against exact solutions and published values.</p>",
        )

    @Slot()
    def system_help(self) -> None:
        name = self.browser.current
        if name is None:
            return
        box = QMessageBox(self)
        box.setWindowTitle(get_system(name).title)
        box.setText(describe_html(get_system(name)))
        box.setModal(False)
        box.open()

    def _tell(self, title: str, text: str, detail: str = "", icon=QMessageBox.Icon.Information) -> None:
        """A message the user must see: in the log, the status bar, and (unless scripted) a dialog."""
        self.log.add("error" if icon != QMessageBox.Icon.Information else "warning", f"{title}: {text}")
        self.docks["log"].raise_()
        self.state_label.setText(f"{title}: {text}")
        if self.quiet:
            return
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        if detail:
            box.setInformativeText(detail)
        box.setModal(False)
        box.open()

    # -- user-defined systems ----------------------------------------------------------
    def _userdef_changed(self, name: str, system) -> None:
        # called in whatever thread defined the system: hand it to the GUI thread
        self.user_systems_changed.emit(name)

    @Slot(str)
    def _refresh_catalog(self, name: str) -> None:
        self.browser.refresh()

    @Slot(list, dict)
    def _library_loaded(self, names: list, errors: dict) -> None:
        if names:
            self.log.add("info", f"your systems: {', '.join(names)}")
        for name, why in errors.items():
            self.log.add("warning", f"your system {name!r} was not loaded: {why}")
        self.browser.refresh()

    @Slot(str)
    def _user_system_defined(self, name: str) -> None:
        self.browser.search.clear()  # the new system must be visible to be selected
        self.browser.refresh()
        self.browser.select(name)
        self.docks["browser"].raise_()
        self.log.add("info", f"{name} is in the catalog (and in your library)")

    @Slot(str)
    def _user_system_removed(self, name: str) -> None:
        self.browser.refresh()
        if self.params.system is not None and self.params.system.name == name and not self.running():
            self.browser.select("lorenz")  # the parameters must not describe a system that is gone
        self.log.add("info", f"{name} was removed from the catalog and your library")

    @Slot(str)
    def _warm_state(self, text: str) -> None:
        if self.history is None:
            self.state_label.setText(text)

    # -- closing -------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        if self.keep_settings:
            self._save_settings()
        super().closeEvent(event)

    @Slot()
    def shutdown(self) -> None:
        """Stop every thread and close the session file (also when the
        application quits without closing the window)."""
        self.frame_timer.stop()
        if self.job is not None:
            self.job.shutdown()
            self.job = None
        self.warmup.requestInterruption()
        self.warmup.wait(30_000)
        userdef.remove_listener(self._userdef_changed)
        self.sweep.shutdown()
        self.analysis.shutdown()
        self._close_writer()
