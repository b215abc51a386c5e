"""The Sweep panel in the real window: a sweep computed by explorer.sweep on
a thread, drawn as it arrives, and a clicked point opened as a run."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings

from explorer.gui.main_window import MainWindow
from explorer.session import open_session
from explorer.sweep import load_sweep, sweep


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(tmp_path / "data"))
    w = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), restore=False)
    w.quiet = True
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def run_sweep(qtbot, panel, timeout=120_000):
    assert panel.start(), panel.status.text()
    qtbot.waitUntil(lambda: panel.thread is None, timeout=timeout)
    assert panel.result is not None, panel.status.text()
    return panel.result


def test_logistic_lyapunov_curve_equals_a_direct_sweep(qtbot, window):
    window.select("logistic", None)
    panel = window.sweep
    panel.measure.setCurrentText("lyapunov")
    panel.axis1.param.setCurrentText("r")
    panel.axis1.start.setValue(3.0)
    panel.axis1.stop.setValue(4.0)
    panel.axis1.count.setValue(41)
    panel.duration.setValue(2000)
    panel.workers.setValue(0)  # in this process: the numbers do not depend on the executor (tested in test_sweep)
    result = run_sweep(qtbot, panel)
    assert result.complete
    ref = sweep(
        "logistic", {"r": (3.0, 4.0, 41)}, "lyapunov", t_end=2000, workers=0, initial=window.params.config().initial
    )
    np.testing.assert_array_equal(result["lyapunov"], ref["lyapunov"])
    x, y = panel.curve.getData()
    np.testing.assert_array_equal(x, np.linspace(3.0, 4.0, 41))
    np.testing.assert_array_equal(y, ref["lyapunov"].ravel())
    # r = 4: ln 2; r = 3.2 (period 2): negative
    assert abs(y[-1] - math.log(2)) < 0.02
    assert y[8] < 0
    # the sweep is in its own session file, complete
    stored = load_sweep(result.path)
    np.testing.assert_array_equal(stored["lyapunov"], result["lyapunov"])


def test_henon_map_image_and_clicking_a_point_opens_its_run(qtbot, window):
    window.select("henon", "classic")
    panel = window.sweep
    panel.measure.setCurrentText("lyapunov")
    panel.axis1.param.setCurrentText("a")
    panel.axis1.start.setValue(1.0)
    panel.axis1.stop.setValue(1.4)
    panel.axis1.count.setValue(9)
    panel.two.setChecked(True)
    panel.axis2.param.setCurrentText("b")
    panel.axis2.start.setValue(0.1)
    panel.axis2.stop.setValue(0.3)
    panel.axis2.count.setValue(5)
    panel.duration.setValue(3000)
    panel.workers.setValue(0)
    result = run_sweep(qtbot, panel)
    assert result.shape == (9, 5)
    image = panel.image.image
    assert image.shape == (5, 9)  # rows: the second parameter
    finite = np.isfinite(result["lyapunov"])
    np.testing.assert_allclose(image.T[finite], result["lyapunov"][finite].astype(np.float32))
    # the classic point a = 1.4, b = 0.3 is chaotic with λ ≈ 0.42
    assert abs(result["lyapunov"][-1, -1] - 0.42) < 0.03
    with qtbot.waitSignal(window.run_finished, timeout=60_000) as blocker:
        config = panel.open_point(1.39, 0.29)
    assert config.params["a"] == pytest.approx(1.4) and config.params["b"] == pytest.approx(0.3)
    assert blocker.args[0].status == "done"
    assert window.history.config.params == config.params
    assert window.params.values()["param.a"] == pytest.approx(1.4)
    window._close_writer()
    with open_session(window.session_path) as s:
        assert s.run(blocker.args[0].run).config.params["a"] == pytest.approx(1.4)


def test_a_stopped_sweep_keeps_what_it_computed(qtbot, window):
    window.select("logistic", None)
    panel = window.sweep
    panel.measure.setCurrentText("lyapunov")
    panel.axis1.count.setValue(4000)
    panel.duration.setValue(100_000)
    panel.workers.setValue(0)
    assert panel.start()
    qtbot.waitUntil(lambda: panel.result is not None and panel.result.done > 0, timeout=60_000)
    panel.stop()
    qtbot.waitUntil(lambda: panel.thread is None, timeout=60_000)
    result = panel.result
    assert result.stopped and 0 < result.done < 4000
    assert "stopped" in panel.status.text()
    stored = load_sweep(result.path)
    assert stored.done == result.done


def test_bad_sweep_settings_are_refused_with_the_reason(qtbot, window):
    window.select("henon", "classic")
    panel = window.sweep
    panel.two.setChecked(True)
    panel.axis2.param.setCurrentText(panel.axis1.param.currentText())
    assert not panel.start()
    assert "swept already" in panel.status.text()
    panel.two.setChecked(False)
    panel.measure.setCurrentText("rqa")
    panel.duration.setValue(1e6)
    assert not panel.start()
    assert "Cannot sweep: samples:" in panel.status.text() and "O(N²)" in panel.status.text()
    assert panel.thread is None and panel.run_button.isEnabled()
