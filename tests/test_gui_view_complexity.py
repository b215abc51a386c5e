"""The complexity view's numbers are those of solvers.diagnostics.ordinal and .entropy (real runs)."""

import math

import numpy as np
import pytest

from explorer.gui.analysis import AnalysisRunner
from explorer.gui.history import Batch, RunHistory, history_of_run
from explorer.gui.views.complexity import INLINE_WORK, ComplexityView
from solvers.diagnostics.entropy import renyi_entropy, shannon_entropy, tsallis_entropy
from solvers.diagnostics.ordinal import complexity_bound_curves, ordinal_distribution, statistical_complexity
from solvers.run import make_config, run


@pytest.fixture(scope="module")
def logistic():
    return history_of_run(make_config("logistic", preset="chaotic", t_end=20_000, seed=11))


def test_logistic_point_bounds_and_entropies(qtbot, logistic):
    view = ComplexityView()
    qtbot.addWidget(view)
    view.set_history(logistic)
    view.order.setValue(3)
    view.window_len.setValue(8000)
    view.step.setValue(2000)
    x = logistic.series("x")[1]
    h, c = statistical_complexity(x[-8000:], 3, 1)
    assert (view.rows["H"][-1], view.rows["C"][-1]) == pytest.approx((h, c), rel=1e-12)
    # r = 4, d = 3: the exact pattern distribution gives H = 0.83144…, C = 0.16577… (Rosso et al. 2007)
    assert h == pytest.approx(0.8314454838586238, abs=0.01) and c == pytest.approx(0.16576716623440763, abs=0.01)
    px, py = view.point.getData()
    assert (px[0], py[0]) == (view.rows["H"][-1], view.rows["C"][-1])
    bh, bmin, bmax = complexity_bound_curves(3)
    np.testing.assert_array_equal(view.c_max.getData()[1], bmax)
    np.testing.assert_array_equal(view.c_min.getData()[0], bh)
    np.testing.assert_array_equal(view.c_min.getData()[1], bmin)
    p = ordinal_distribution(x[-8000:], 3, 1)
    assert view.rows["shannon"][-1] == shannon_entropy(p, normalized=True) == pytest.approx(h, abs=1e-15)
    assert view.rows["renyi"][-1] == renyi_entropy(p, 2.0, normalized=True)
    assert view.rows["tsallis"][-1] == tsallis_entropy(p, 2.0, normalized=True)
    assert view.rows["t_end"][-1] == logistic.times()[-1]
    t, s = view.curves["shannon"].getData()
    np.testing.assert_array_equal(s, view.rows["shannon"])
    np.testing.assert_array_equal(np.diff(t), 2000.0)  # windows 2000 iterations apart


def test_windows_follow_a_growing_run(qtbot):
    cfg = make_config("lorenz", preset="classic", t_end=40, samples=4001, seed=3)
    history = RunHistory(cfg)
    view = ComplexityView()
    qtbot.addWidget(view)
    view.set_history(history)
    view.window_len.setValue(1000)
    view.step.setValue(250)
    view.delay.setValue(3)
    for chunk in run(cfg):
        if chunk.t.size:
            history.append(Batch.from_chunk(chunk))
            view.refresh()
    t, x = history.series("x")
    ends = np.searchsorted(t, view.rows["t_end"])
    assert np.all(np.diff(ends) == 250) and ends[-1] >= 4000 - 250
    for e, h, c in zip(ends, view.rows["H"], view.rows["C"]):
        assert (h, c) == pytest.approx(statistical_complexity(x[e - 999 : e + 1], 4, 3), rel=1e-12)


def test_long_windows_on_the_runner_and_csv(qtbot, logistic, tmp_path):
    runner = AnalysisRunner()
    try:
        view = ComplexityView(runner)
        qtbot.addWidget(view)
        view.set_history(logistic)
        view.order.setValue(5)
        view.step.setValue(100)
        view.window_len.setValue(15_000)
        assert 51 * 15_000 > INLINE_WORK  # the 51 windows over the kept history are too much for the GUI thread
        qtbot.waitUntil(lambda: view.rows["H"].size == 51, timeout=30_000)
        x = logistic.series("x")[1]
        ref = statistical_complexity(x[-15_000:], 5, 1)
        assert (view.rows["H"][-1], view.rows["C"][-1]) == pytest.approx(ref, rel=1e-12)
        data = np.genfromtxt(view.export_csv(tmp_path / "cx.csv"), delimiter=",", names=True)
        np.testing.assert_array_equal(data["C"], view.rows["C"])
        np.testing.assert_array_equal(data["t_end"], view.rows["t_end"])
        assert math.isclose(data["H"][-1], view.rows["H"][-1])
        assert view.export_png(tmp_path / "cx.png").stat().st_size > 1000
    finally:
        runner.shutdown()


def test_ensemble_without_scalars_gets_a_message(qtbot):
    h = history_of_run(make_config("galactic_disk", preset="bending", t_end=8, params={"n": 300}, seed=0))
    view = ComplexityView()
    qtbot.addWidget(view)
    view.set_history(h)
    assert not view.active and "scalar series" in view._placeholder.text()
