"""The orbit-diagram view draws orbit_diagram's points and recomputes on the zoomed range (real runs)."""

import math

import numpy as np
import pytest

from explorer.gui.analysis import AnalysisRunner
from explorer.gui.history import history_of_run
from explorer.gui.views.orbit import OrbitDiagramView
from solvers.diagnostics.density import histogram2d
from solvers.diagnostics.scans import orbit_diagram
from solvers.run import make_config


@pytest.fixture
def runner():
    r = AnalysisRunner()
    yield r
    assert r.shutdown()


@pytest.fixture(scope="module")
def logistic():
    return history_of_run(make_config("logistic", preset="chaotic", t_end=100, seed=1))


def _wait_for(qtbot, view, old):
    qtbot.waitUntil(lambda: view.result is not None and view.result is not old, timeout=30_000)
    return view.result


def test_logistic_diagram_is_orbit_diagram_and_period_two_has_two_cells(qtbot, runner, logistic):
    view = OrbitDiagramView(runner)
    qtbot.addWidget(view)
    view.show()
    view.set_history(logistic)
    first = _wait_for(qtbot, view, None)
    assert (first["values"][0], first["values"][-1]) == (2.0, 4.0)  # r = 4 ± half, clipped to the bound 4
    view.lo.setValue(2.8)
    view.hi.setValue(4.0)
    view.count.setValue(121)  # r = 2.80, 2.81, …, 4.00
    view.compute(2.8, 4.0, (0.0, 1.0))
    r = _wait_for(qtbot, view, first)
    values = np.linspace(2.8, 4.0, 121)
    p, v = orbit_diagram("logistic", "r", values, variable="x", points=200, transient=1000, seed=logistic.config.seed)
    np.testing.assert_array_equal(r["p"], p)
    np.testing.assert_array_equal(r["v"], v)
    np.testing.assert_array_equal(r["counts"], histogram2d(p, v, (121, 200), (r["x_range"], (0.0, 1.0))))
    # r = 3.2: the attracting 2-cycle x± = (r + 1 ± √((r − 3)(r + 1))) / (2r) fills exactly two cells
    col = r["counts"][40]
    rr = r["values"][40]
    assert rr == pytest.approx(3.2)
    cycle = [(rr + 1 + s * math.sqrt((rr - 3) * (rr + 1))) / (2 * rr) for s in (-1, 1)]
    assert sorted(np.flatnonzero(col)) == [int(c * 200) for c in cycle] and col.sum() == 200
    img = view.image.image
    assert img.shape == (200, 121) and img.dtype == np.float32 and img.max() == 1.0
    x0, x1 = r["x_range"]
    assert (x0, x1) == pytest.approx((2.795, 4.005))


def test_zoom_recomputes_on_the_visible_range(qtbot, runner, logistic, tmp_path):
    view = OrbitDiagramView(runner)
    qtbot.addWidget(view)
    view.show()
    view.set_history(logistic)
    first = _wait_for(qtbot, view, None)
    view.auto.setChecked(True)
    view.vb.setRange(xRange=(3.82, 3.86), yRange=(0.05, 1.0), padding=0)
    view.vb.sigRangeChangedManually.emit([True, True])  # what a rubber-band zoom emits
    r = _wait_for(qtbot, view, first)
    assert r["values"][0] == pytest.approx(3.82) and r["values"][-1] == pytest.approx(3.86)
    assert r["y_range"] == pytest.approx((0.05, 1.0))
    # the period-3 window: at r = 3.835 the orbit is a 3-cycle
    k = int(np.argmin(np.abs(r["values"] - 3.835)))
    assert np.count_nonzero(r["counts"][k]) == 3
    data = np.genfromtxt(view.export_csv(tmp_path / "orbit.csv"), delimiter=",", names=True)
    np.testing.assert_array_equal(data["r"], r["p"])
    np.testing.assert_array_equal(data["x"], r["v"])
    view._full_range()
    back = _wait_for(qtbot, view, r)
    assert (back["values"][0], back["values"][-1]) == (2.0, 4.0)


def test_flow_diagram_uses_the_maxima(qtbot, runner):
    h = history_of_run(make_config("rossler", preset="classic", t_end=10, seed=0))
    view = OrbitDiagramView(runner)
    qtbot.addWidget(view)
    view.show()
    view.set_history(h)
    view.param_box.setCurrentText("c")
    view.count.setValue(4)
    view.points.setValue(50)
    view.compute(2.5, 4.0)
    r = _wait_for(qtbot, view, None)
    while r["values"].size != 4:  # the first default-range diagram may arrive first
        r = _wait_for(qtbot, view, r)
    values = np.linspace(2.5, 4.0, 4)
    params = {"a": 0.2, "b": 0.2}
    p, v = orbit_diagram("rossler", "c", values, variable="x", points=50, transient=500.0, t_end=5500.0, params=params)
    np.testing.assert_array_equal(r["p"], p)
    np.testing.assert_array_equal(r["v"], v)
    # c = 2.5: a period-1 limit cycle, one maximum value; c = 3.5: period 2
    assert np.ptp(r["v"][r["p"] == 2.5]) < 1e-6
    assert len(np.unique(np.round(r["v"][r["p"] == 3.5], 5))) == 2


def test_messages(qtbot, runner):
    view = OrbitDiagramView(runner)
    qtbot.addWidget(view)
    view.set_history(history_of_run(make_config("kdv", preset="soliton", t_end=0.2, seed=0)))
    assert not view.active and "maps and flows" in view._placeholder.text() and "PDE" in view._placeholder.text()
    view.set_history(history_of_run(make_config("kuramoto", preset="incoherent", t_end=1, seed=0)))
    assert not view.active and "single-valued" in view._placeholder.text()


def test_a_hidden_view_computes_when_first_shown(qtbot, runner, logistic):
    view = OrbitDiagramView(runner)
    qtbot.addWidget(view)
    view.set_history(logistic)
    qtbot.wait(300)
    assert view.result is None and runner.pending() == 0  # nothing computed for a dock nobody sees
    view.show()
    r = _wait_for(qtbot, view, None)
    assert (r["values"][0], r["values"][-1], r["values"].size) == (2.0, 4.0, 400)
