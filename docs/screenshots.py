"""Make the screenshots of docs/ from the real app (offscreen).

    QT_QPA_PLATFORM=offscreen python3 docs/screenshots.py [NAME ...]

Each shot selects a system and preset, runs it in the window (the worker
thread, the session file, the views: the same path a user takes), brings
the named views to the front, and saves the whole window to
docs/images/<name>.png.  Look at every picture before committing it.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "images"

# name: (system, preset, {parameter key: value}, views to bring to the front)
SHOTS = {
    "lorenz": ("lorenz", "classic", {"t_end": 200.0, "samples": 20001}, ["phase", "recurrence"]),
    "nlse_two_soliton": ("nlse", "two_soliton", {}, ["field", "drift"]),
    "galactic_spiral": ("galactic_disk", None, {}, ["spiral", "drift"]),
    "kuramoto_sivashinsky": ("kuramoto_sivashinsky", None, {"t_end": 300.0, "samples": 3001}, ["field", "complexity"]),
    "henon": ("henon", "classic", {"t_end": 20000.0, "samples": 20001}, ["phase", "orbit"]),
    "navier_stokes": ("navier_stokes_2d", None, {}, ["field", "timeseries"]),
    "lorenz_lyapunov": ("lorenz", "classic", {}, ["phase", "lyapunov"]),
}


def shoot(name: str, window, app) -> Path:
    system, preset, values, raise_views = SHOTS[name]
    window.new_run()
    window.select(system, preset)
    for key, value in values.items():
        window.params.set_value(key, value)
    done = {}
    window.run_finished.connect(lambda o: done.setdefault("o", o))
    if not window.start_run():
        raise SystemExit(f"{name}: cannot run: {window.params.message}")
    while "o" not in done:
        app.processEvents()
        time.sleep(0.005)
    for key in raise_views:
        window.docks[key].raise_()
    # let analyses that run in the background (RQA, orbit diagrams, Lyapunov) finish
    deadline = time.time() + 120
    if "lyapunov" in raise_views:
        window.views["lyapunov"].compute()  # the spectrum is computed on demand
    while time.time() < deadline:
        app.processEvents()
        window._frame(force=True)
        if window.analysis.pending() == 0:
            break
        time.sleep(0.05)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)
    window._frame(force=True)
    app.processEvents()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    window.grab().save(str(path))
    print(f"{path}  ({done['o'].status}: {done['o'].message})")
    return path


def main(names: list[str]) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from explorer.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["EXPLORER_DATA_DIR"] = tmp
        window = MainWindow(settings=QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat), restore=False)
        window.quiet = True
        window.resize(1500, 940)
        window.show()
        window.warmup.wait()
        for name in names or list(SHOTS):
            shoot(name, window, app)
        window.close()


if __name__ == "__main__":
    main(sys.argv[1:])
