"""The recurrence view shows recurrence_image and rqa of the newest window (real runs, offscreen)."""

import numpy as np
import pytest

from explorer.gui.analysis import AnalysisRunner
from explorer.gui.history import history_of_run
from explorer.gui.views.recurrence import STATE, RecurrenceView
from solvers.diagnostics.embedding import delay_embed
from solvers.diagnostics.recurrence import MEASURES, recurrence_image, rqa
from solvers.run import make_config


@pytest.fixture(scope="module")
def lorenz():
    return history_of_run(make_config("lorenz", preset="classic", t_end=30, samples=3001, seed=4))


def test_state_window_table_and_image_equal_rqa(qtbot, lorenz):
    view = RecurrenceView()  # no runner: computed on the spot
    qtbot.addWidget(view)
    view.set_history(lorenz)
    assert view.series_box.currentText() == STATE
    view.window_len.setValue(300)
    view.theiler.setValue(10)
    states = np.column_stack([lorenz.series(n)[1][-300:] for n in ("x", "y", "z")])
    ref = rqa(states, recurrence_rate=0.05, theiler=10)
    assert view.result == ref
    assert 0.049 < ref["RR"] <= 0.05
    np.testing.assert_array_equal(view.image.image, recurrence_image(states, size=300, eps=ref["eps"]))
    for row, key in enumerate([*MEASURES, "eps"]):
        assert float(view.table_widget.item(row, 0).text()) == pytest.approx(ref[key], rel=1e-5)
    t = lorenz.series("x")[0]
    assert tuple(view.window_times) == (t[-300], t[-1])


def test_embedded_scalar_with_eps_and_maximum_norm(qtbot, lorenz):
    view = RecurrenceView()
    qtbot.addWidget(view)
    view.set_history(lorenz)
    view.series_box.setCurrentText("x")
    view.dim.setValue(3)
    view.delay.setValue(5)
    view.window_len.setValue(400)
    view.norm_box.setCurrentText("maximum")
    view.thr_mode.setCurrentText("ε")
    view.thr_value.setValue(1.5)
    emb = delay_embed(lorenz.series("x")[1][-(400 + 10) :], 3, 5)
    assert emb.shape == (400, 3)
    assert view.result == rqa(emb, eps=1.5, metric="maximum", theiler=1)


def test_period_two_orbit_on_the_runner_and_csv(qtbot, tmp_path):
    h = history_of_run(make_config("logistic", preset="period2", t_end=2000, seed=0))
    runner = AnalysisRunner()
    try:
        view = RecurrenceView(runner)
        qtbot.addWidget(view)
        view.set_history(h)
        assert view.series_box.count() == 1  # a one-variable map: just x
        view.window_len.setValue(100)
        view.thr_mode.setCurrentText("ε")
        view.thr_value.setValue(0.001)
        qtbot.waitUntil(lambda: view.result is not None and view.result["eps"] == 0.001, timeout=20_000)
        r = view.result
        # x alternates between two values: every other state recurs, on diagonals k = 2, 4, …
        assert r["RR"] == 0.5 and r["Lmax"] == 98 and r["LAM"] == 0.0
        assert r["DET"] == pytest.approx(1.0, abs=1e-10)
        data = np.genfromtxt(view.export_csv(tmp_path / "rqa.csv"), delimiter=",", names=True)
        assert float(np.atleast_1d(data["RR"])[-1]) == 0.5
        assert float(np.atleast_1d(data["t_end"])[-1]) == h.times()[-1]
        assert view.export_png(tmp_path / "rqa.png").stat().st_size > 1000
    finally:
        runner.shutdown()


def test_ensemble_without_scalars_gets_a_message(qtbot):
    h = history_of_run(make_config("galactic_disk", preset="bending", t_end=8, params={"n": 300}, seed=0))
    view = RecurrenceView()
    qtbot.addWidget(view)
    view.set_history(h)
    assert not view.active and "scalar series" in view._placeholder.text()


def test_live_run_ends_with_the_newest_window(qtbot):
    from explorer.gui.history import Batch, RunHistory
    from solvers.run import run

    cfg = make_config("lorenz", preset="classic", t_end=20, samples=4001, seed=8)
    history = RunHistory(cfg)
    runner = AnalysisRunner()
    try:
        view = RecurrenceView(runner)
        qtbot.addWidget(view)
        view.set_history(history)
        view.window_len.setValue(800)
        for chunk in run(cfg):
            if chunk.t.size:
                history.append(Batch.from_chunk(chunk))
                view.refresh()
                qtbot.wait(2)
        qtbot.waitUntil(
            lambda: bool(view.rows) and view.rows[-1]["t_end"] == 20.0 and view._in_flight is None, timeout=20_000
        )
        states = np.column_stack([history.series(n)[1][-800:] for n in ("x", "y", "z")])
        assert view.result == rqa(states, recurrence_rate=0.05, theiler=1)
        assert len(view.rows) >= 1 and all(np.diff([r["t_end"] for r in view.rows]) > 0)
    finally:
        runner.shutdown()
