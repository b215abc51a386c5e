"""Start the desktop app: ``explorer`` or ``explorer gui [options]``.

The scripted options (``--system``, ``--preset``, ``--session``,
``--run-for``, ``--screenshot``, ``--save``, ``--quit``) drive the real
window for demos, documentation screenshots, tests and the bundle's smoke
test.  ``--run-for`` counts from the moment the run computes (after the
kernels are loaded), so a screenshot always shows data.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QApplication

from .main_window import MainWindow

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"--size: {text!r} is not WIDTHxHEIGHT, e.g. 1400x900") from None
    if not (320 <= w <= 10000 and 240 <= h <= 10000):
        raise ValueError(f"--size: {text!r} is out of range; use 320x240 to 10000x10000")
    return w, h


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Dynamics Explorer")
    app.setOrganizationName("Dynamics Explorer")
    return app


class Script(QObject):
    """The scripted launch: run for a while, then screenshot, save and quit.

    A QObject with slots, so that the worker's signals reach it on the GUI
    thread (a plain callable would run in the worker thread, whose timers
    never fire).
    """

    def __init__(self, window: MainWindow, args):
        super().__init__()
        self.window = window
        self.args = args
        self.code = EXIT_OK
        self.done = False

    @Slot()
    def start(self) -> None:
        a, w = self.args, self.window
        if a.run_for is not None:
            if not w.start_run():
                self.fail(f"the run did not start: {w.params.message or w.state_label.text()}")
                return
            w.job.worker.state.connect(self._state)
            w.run_finished.connect(self._ended)
        else:
            QTimer.singleShot(300, self.finish)  # let the window lay out and draw once

    @Slot(str)
    def _state(self, state: str) -> None:
        if state == "running" and not hasattr(self, "_timer"):
            self._timer = QTimer.singleShot(int(1000 * self.args.run_for), self.finish)

    @Slot(object)
    def _ended(self, outcome) -> None:
        if outcome.status == "error":
            self.code = EXIT_FAILED
        if not hasattr(self, "_timer"):
            # ended before it ran (or faster than --run-for): finish now
            self._timer = True
            QTimer.singleShot(200, self.finish)

    def fail(self, message: str) -> None:
        print(f"explorer gui: {message}", file=sys.stderr)
        self.code = EXIT_FAILED
        self.finish()

    @Slot()
    def finish(self) -> None:
        if self.done:
            return
        self.done = True
        a, w = self.args, self.window
        w._frame(force=True)
        QApplication.processEvents()
        if a.screenshot is not None:
            w.grab().save(str(a.screenshot))
            print(f"screenshot: {a.screenshot}")
        if a.save is not None:
            if w.save_session(a.save):
                print(f"session: {a.save}")
            else:
                self.code = EXIT_FAILED
        if a.quit:
            # let the kernel warm-up end rather than cut it short, so that a scripted launch always
            # leaves the same kernels in numba's cache (the bundle's smoke test compares two launches)
            w.warmup.wait(120_000)
            w.close()
            QApplication.instance().exit(self.code)


def launch(args) -> int:
    """Open the window (the ``explorer gui`` command)."""
    size = _size(args.size)
    scripted = args.quit or args.run_for is not None or args.screenshot is not None or args.save is not None
    for label, path in (("--screenshot", args.screenshot), ("--save", args.save)):
        if path is not None and not Path(path).parent.resolve().is_dir():
            raise ValueError(f"{label}: no such directory {str(Path(path).parent)!r}")
    if args.run_for is not None and not args.run_for > 0:
        raise ValueError(f"--run-for: {args.run_for!r} is not allowed; expected a positive number of seconds")
    if args.preset and not args.system:
        raise ValueError("--preset: give --system too")
    if args.system:
        from solvers.catalog import get_system

        system = get_system(args.system)  # a clear ValueError for an unknown name
        if args.preset:
            system.preset(args.preset)
    app = application()
    window = MainWindow(restore=not scripted)
    window.quiet = scripted
    window.keep_settings = not scripted  # a scripted demo leaves the user's layout alone
    window.resize(*size)
    if args.system:
        window.select(args.system, args.preset)
    if args.session is not None:
        if not window.open_session(args.session):
            window.close()
            raise ValueError(f"--session: {window.state_label.text()}")
    window.show()
    script = Script(window, args)
    if scripted:
        QTimer.singleShot(0, script.start)
    code = app.exec()
    return script.code if scripted else code
