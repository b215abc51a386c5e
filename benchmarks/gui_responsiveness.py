"""Is the window responsive while a PDE runs at full speed with every view open?

Runs a 1-D PDE preset in the real main window (offscreen), every view
visible in its own floating dock, and measures

* the GUI's frame intervals: the gaps between ticks of a 16 ms QTimer, which
  fire late exactly when the GUI thread is busy (drawing, appending batches)
  or starved of the GIL;
* the solver's throughput against the same run headless (``record`` into a
  session file: the same computing and writing, no window).

Prints one JSON line {"median_frame_ms", "p95_frame_ms", "max_stall_ms",
"throughput_ratio", ...}.  Goals (issue 6): median ≤ 20 ms, p95 ≤ 50 ms,
max ≤ 200 ms, throughput ratio ≥ 0.7.

    QT_QPA_PLATFORM=offscreen python3 benchmarks/gui_responsiveness.py [--system S --preset P --t-end T]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import explorer  # noqa: F401  (first, as in the app: it limits OpenBLAS to one thread before numpy loads)


def headless(config, folder: Path) -> float:
    from explorer.session.writer import record

    t0 = time.perf_counter()
    out = record(config, folder / "headless.h5")
    assert out.status == "done", out.message
    return time.perf_counter() - t0


def windowed(config, folder: Path, tick_ms: int = 16, layout: str = "floating") -> tuple[float, list[float], dict]:
    import numpy as np
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from explorer.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    os.environ["EXPLORER_DATA_DIR"] = str(folder)
    w = MainWindow(settings=QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat), restore=False)
    w.quiet = True
    w.resize(1600, 1000)
    w.show()
    w.select(config.system, config.preset)
    if layout == "floating":
        # every view visible at once, each in its own window: the worst case
        for key in w.views:
            dock = w.docks[key]
            dock.setFloating(True)
            dock.resize(700, 500)
            dock.show()
    else:
        # the default layout: one main view and one analysis view in front (here the field and
        # the time series), the others as tabs behind them
        w.docks["field"].raise_()
        w.docks["timeseries"].raise_()
    app.processEvents()
    w.warmup.wait()
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(tick_ms)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    done = {}
    w.run_finished.connect(lambda outcome: done.setdefault("outcome", outcome))
    timer.start()
    t0 = time.perf_counter()
    w.start_run(config)
    while "outcome" not in done:
        app.processEvents()
        time.sleep(0.001)
    wall = time.perf_counter() - t0
    timer.stop()
    frames = {
        v.title: {"frames": v.frames, "median_draw_ms": round(float(np.median(w.draw_ms.get(k, [0]))), 2)}
        for k, v in w.views.items()
    }
    assert done["outcome"].status == "done", done["outcome"].message
    w.close()
    gaps = list(1000 * np.diff(ticks))
    return wall, gaps, frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--system", default="kuramoto_sivashinsky")
    parser.add_argument("--preset", default=None)
    parser.add_argument("--t-end", type=float, default=100000.0)
    parser.add_argument("--samples", type=int, default=50001)
    parser.add_argument(
        "--layout",
        choices=["floating", "default"],
        default="floating",
        help="floating: every view in its own visible window (default); default: the window's own tabs",
    )
    args = parser.parse_args()

    import numpy as np

    from solvers.run import make_config

    config = make_config(args.system, preset=args.preset, t_end=args.t_end, samples=args.samples, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        headless(config, folder)  # load the kernels from the cache first
        base = min(headless(config, folder) for _ in range(2))
        wall, gaps, frames = windowed(config, folder, layout=args.layout)
    gaps = np.asarray(gaps)
    print(
        json.dumps(
            {
                "median_frame_ms": round(float(np.median(gaps)), 1),
                "p95_frame_ms": round(float(np.percentile(gaps, 95)), 1),
                "max_stall_ms": round(float(gaps.max()), 1),
                "throughput_ratio": round(base / wall, 3),
                "layout": args.layout,
                "system": config.system,
                "t_end": config.t_end,
                "samples": config.samples,
                "headless_s": round(base, 3),
                "gui_s": round(wall, 3),
                "view_frames": frames,
            }
        )
    )


if __name__ == "__main__":
    main()
