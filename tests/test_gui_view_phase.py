"""The phase-portrait view draws the history's own numbers (real runs, offscreen)."""

import numpy as np
import pytest

from explorer.gui.analysis import AnalysisRunner
from explorer.gui.history import Batch, RunHistory, history_of_run
from explorer.gui.views.phase import BINS, PhasePortraitView
from solvers.diagnostics.sampled_sections import sampled_crossings
from solvers.diagnostics.sections import poincare_section
from solvers.run import make_config, run


@pytest.fixture(scope="module")
def lorenz():
    return history_of_run(make_config("lorenz", preset="classic", t_end=60, samples=6001, seed=1))


def test_tail_line_and_current_point_are_the_series(qtbot, lorenz):
    view = PhasePortraitView()
    qtbot.addWidget(view)
    view.set_history(lorenz)
    view.y_box.setCurrentText("z")
    view.tail.setValue(1500)
    x, y = view.line.getData()
    np.testing.assert_array_equal(x, lorenz.series("x")[1][-1500:])
    np.testing.assert_array_equal(y, lorenz.series("z")[1][-1500:])
    mx, my = view.marker.getData()
    assert (mx[0], my[0]) == (lorenz.series("x")[1][-1], lorenz.series("z")[1][-1])
    assert view.plot.getPlotItem().getAxis("left").labelText == "z"


def test_density_is_the_histogram_of_every_sample_in_log_scale(qtbot, lorenz):
    view = PhasePortraitView()
    qtbot.addWidget(view)
    view.set_history(lorenz)
    view.tail.setValue(500)
    assert view.image.isVisible()
    x, y = lorenz.series("x")[1], lorenz.series("y")[1]
    ref = np.histogram2d(x, y, BINS, view.range)[0]
    assert ref.sum() == x.size == 6001  # the range holds every sample
    np.testing.assert_array_equal(view.counts, ref)
    np.testing.assert_allclose(view.image.image, np.log1p(ref.T).astype(np.float32))


def test_density_grows_incrementally_and_equals_one_pass(qtbot):
    cfg = make_config("lorenz", preset="classic", t_end=30, samples=3001, seed=2)
    history = RunHistory(cfg)
    view = PhasePortraitView()
    qtbot.addWidget(view)
    view.set_history(history)
    view.tail.setValue(100)
    rebins = 0
    for chunk in run(cfg):
        if chunk.t.size:
            history.append(Batch.from_chunk(chunk))
            before = view.range
            view.refresh()
            rebins += view.range != before
    assert view.frames > 3 and rebins < view.frames  # most frames only added their new samples
    x, y = history.series("x")[1], history.series("y")[1]
    np.testing.assert_array_equal(view.counts, np.histogram2d(x, y, BINS, view.range)[0])
    assert view.counts.sum() == 3001


def test_one_variable_map_defaults_to_its_return_map(qtbot):
    h = history_of_run(make_config("logistic", preset="chaotic", t_end=3000, seed=3))
    r = h.params["r"]
    view = PhasePortraitView()
    qtbot.addWidget(view)
    view.set_history(h)
    assert view.lag.value() == 1 and view.x_box.currentText() == view.y_box.currentText() == "x"
    x, y = view.line.getData()
    assert x.size == 2000
    np.testing.assert_allclose(y, r * x * (1 - x), rtol=1e-12, atol=1e-15)  # x_{n+1} = r x_n (1 − x_n)
    table = view.table()
    np.testing.assert_array_equal(table["x"], h.series("x")[1][:-1])
    np.testing.assert_array_equal(table["x(t+1)"], h.series("x")[1][1:])


def test_pde_invariants_and_csv_export(qtbot, tmp_path):
    h = history_of_run(make_config("kdv", preset="soliton", t_end=1.0, seed=0))
    view = PhasePortraitView()
    qtbot.addWidget(view)
    view.set_history(h)
    assert view.active and view.x_box.currentText() == "mass" and view.y_box.currentText() == "momentum"
    path = view.export_csv(tmp_path / "phase.csv")
    data = np.genfromtxt(path, delimiter=",", names=True)
    np.testing.assert_array_equal(data["mass"], h.series("mass")[1])
    np.testing.assert_array_equal(data["momentum"], h.series("momentum")[1])
    np.testing.assert_array_equal(data["t"], h.times())
    assert view.export_png(tmp_path / "phase.png").stat().st_size > 1000


def test_ensemble_gets_a_message(qtbot):
    h = history_of_run(make_config("galactic_disk", preset="bending", t_end=8, params={"n": 500}, seed=0))
    view = PhasePortraitView()
    qtbot.addWidget(view)
    view.set_history(h)
    assert not view.active
    assert "ensemble" in view._placeholder.text() and "phase spiral" in view._placeholder.text()


def test_poincare_overlay_is_the_section_of_the_same_orbit(qtbot, lorenz):
    runner = AnalysisRunner()
    try:
        view = PhasePortraitView(runner)
        qtbot.addWidget(view)
        view.set_history(lorenz)
        view.y_box.setCurrentText("y")
        view.plane_var.setCurrentText("z")
        view.plane_value.setValue(27.0)
        view.plane_dir.setCurrentText("downward (−)")
        view.section_src.setCurrentText("re-integrated")
        view.section_box.setChecked(True)
        qtbot.waitUntil(lambda: view.section is not None, timeout=20_000)
        times, states = poincare_section(
            "lorenz",
            normal="z",
            offset=27.0,
            direction=-1,
            params=lorenz.params,
            seed=lorenz.config.seed,
            initial=lorenz.config.initial,
            t_end=60.0,
            transient=0.0,
            max_crossings=200_000,
        )
        assert times.size > 30
        np.testing.assert_array_equal(view.section[0], times)
        px, py = view.section_pts.getData()
        np.testing.assert_array_equal(px, states[:, 0])
        np.testing.assert_array_equal(py, states[:, 1])
        np.testing.assert_allclose(view.section[1][:, 2], 27.0, atol=1e-9)  # on the plane
        assert "crossings" in view.section_status.text()
    finally:
        runner.shutdown()


def test_section_follows_a_growing_run_to_its_last_sample(qtbot):
    cfg = make_config("lorenz", preset="classic", t_end=20, samples=2001, seed=6)
    history = RunHistory(cfg)
    runner = AnalysisRunner()
    try:
        view = PhasePortraitView(runner)
        qtbot.addWidget(view)
        view.set_history(history)
        view.plane_value.setValue(25.0)
        view.section_src.setCurrentText("re-integrated")
        view.section_box.setChecked(True)
        for chunk in run(cfg):
            if chunk.t.size:
                history.append(Batch.from_chunk(chunk))
                view.refresh()
                qtbot.wait(5)
        qtbot.waitUntil(lambda: view._section_t == (0.0, 20.0) and view._section_serial is None, timeout=20_000)
        times, _ = poincare_section(
            "lorenz", normal="z", offset=25.0, direction=1, params=history.params, initial=cfg.initial, t_end=20.0
        )
        np.testing.assert_array_equal(view.section[0], times)
    finally:
        runner.shutdown()


def test_section_from_the_samples_grows_with_the_run_and_equals_one_pass(qtbot):
    cfg = make_config("lorenz", preset="classic", t_end=40, samples=4001, seed=7)
    history = RunHistory(cfg)
    view = PhasePortraitView()  # no runner needed: the crossings come from the kept samples
    qtbot.addWidget(view)
    view.set_history(history)
    assert view.section_src.currentText() == "from the samples"
    view.y_box.setCurrentText("z")
    view.plane_var.setCurrentText("z")
    view.plane_value.setValue(27.0)
    view.plane_dir.setCurrentText("both")
    view.section_box.setChecked(True)
    for chunk in run(cfg):
        if chunk.t.size:
            history.append(Batch.from_chunk(chunk))
            view.refresh()
    times, states, k = sampled_crossings(history.state_times(), history.y.view(), [0, 0, 1], 27.0, 0)
    done = k < len(history.y) - 2  # the last interval waits for one more sample
    np.testing.assert_array_equal(view.section[0], times[done])
    np.testing.assert_array_equal(view.section[1], states[done])
    assert times.size > 40 and "crossings" in view.section_status.text()
    px, py = view.section_pts.getData()
    np.testing.assert_array_equal(px, states[done, 0])
    np.testing.assert_allclose(py, 27.0, rtol=1e-12)  # on the plane z = 27
    # the same orbit's dense-output crossings: equal to the interpolation error (sampled every 0.01)
    plane = {"normal": "z", "offset": 27.0, "direction": 0}
    ref_t, _ = poincare_section("lorenz", **plane, params=history.params, initial=cfg.initial, t_end=5.0)
    got = view.section[0][view.section[0] <= 5.0]
    np.testing.assert_allclose(got, ref_t[: got.size], atol=1e-4)


def test_the_plane_starts_through_the_middle_of_the_orbit(qtbot, lorenz):
    view = PhasePortraitView()
    qtbot.addWidget(view)
    view.set_history(lorenz)
    view.section_box.setChecked(True)
    z = lorenz.series("z")[1]
    assert view.plane_var.currentText() == "z"
    assert view.plane_value.value() == float(f"{0.5 * (z.min() + z.max()):.3g}")
    assert view.section[0].size > 20  # the orbit crosses it
    view.plane_value.setValue(30.0)  # the user's value stays when the box is ticked again
    view.section_box.setChecked(False)
    view.section_box.setChecked(True)
    assert view.plane_value.value() == 30.0
