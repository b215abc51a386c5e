"""The Lyapunov view computes the run's spectrum on the analysis runner and shows its convergence."""

import numpy as np
import pytest

import solvers
from explorer.gui.analysis import AnalysisRunner
from explorer.gui.history import history_of_run
from explorer.gui.views.lyapunov import LyapunovView
from solvers.lyapunov import kaplan_yorke_dimension
from solvers.run import make_config


@pytest.fixture
def runner():
    r = AnalysisRunner()
    yield r
    assert r.shutdown()


def make_view(qtbot, runner, name, preset, **kw):
    h = history_of_run(make_config(name, preset=preset, t_end=1.0, seed=1, **kw))
    view = LyapunovView(runner)
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.set_history(h)
    return view, h


def compute(qtbot, view, duration, transient, timeout=60_000):
    view.duration_box.setValue(duration)
    view.transient_box.setValue(transient)
    view.compute()
    assert not view.compute_button.isEnabled() and view.busy.isVisibleTo(view)
    qtbot.waitUntil(lambda: view.compute_button.isEnabled(), timeout=timeout)


def test_lorenz_spectrum_convergence_and_table(qtbot, runner, tmp_path):
    view, h = make_view(qtbot, runner, "lorenz", "classic")
    assert view.active and view.k_box.value() == 3
    compute(qtbot, view, 1000, 50)
    r = view.result
    # the same call made directly: the view adds nothing of its own to the physics
    exps = solvers.lyapunov_spectrum(
        "lorenz", params=h.config.params, initial=h.config.initial, t_end=1000.0, transient=50.0
    )
    np.testing.assert_array_equal(r["exponents"], exps)
    np.testing.assert_allclose(exps, [0.9056, 0.0, -14.5723], atol=0.03)  # Sprott (2003)
    assert r["sum"] == pytest.approx(-(10 + 1 + 8 / 3), abs=1e-6)  # the constant divergence of the Lorenz flow
    assert r["dimension"] == kaplan_yorke_dimension(exps) == pytest.approx(2.062, abs=0.005)
    # one curve per exponent: its running estimate against the averaging time
    # (where the estimates are recorded depends on the kernel calls' timing; the last is the result)
    t, est = r["t"], r["estimates"]
    np.testing.assert_array_equal(est[-1], exps)
    assert t[-1] == pytest.approx(1000.0)
    assert len(view.curves) == 3
    for i, curve in enumerate(view.curves):
        x, y = curve.getOriginalDataset()
        np.testing.assert_array_equal(x, t)
        np.testing.assert_array_equal(y, est[:, i])
    assert t.size > 200 and y[-1] == exps[2]
    cells = [view.table_widget.item(row, 1).text() for row in range(view.table_widget.rowCount())]
    assert cells == [f"{v:.6g}" for v in exps] + [f"{exps.sum():.6g}", f"{kaplan_yorke_dimension(exps):.6g}"]
    data = np.loadtxt(view.export_csv(tmp_path / "lyap.csv"), delimiter=",", skiprows=1)
    np.testing.assert_array_equal(data[:, 0], t)
    np.testing.assert_array_equal(data[:, 1:], est)
    assert view.export_png(tmp_path / "lyap.png").stat().st_size > 1000


def test_the_runs_own_parameters_are_used(qtbot, runner):
    # ρ = 99.96: a stable periodic orbit (Sparrow 1982): λ1 = 0, the others negative
    view, _ = make_view(qtbot, runner, "lorenz", "periodic")
    compute(qtbot, view, 500, 100)
    exps = view.result["exponents"]
    assert abs(exps[0]) < 0.01 and exps[1] < -0.03 and exps[2] < -13
    assert 1.0 < view.result["dimension"] < 1.01


def test_henon_map_against_published_values(qtbot, runner):
    view, _ = make_view(qtbot, runner, "henon", "classic")
    assert view.duration_label.text() == "iterations"
    compute(qtbot, view, 200_000, 1_000)
    np.testing.assert_allclose(view.result["exponents"], [0.41922, -1.62319], atol=3e-3)  # Sprott (2003)
    assert view.result["dimension"] == pytest.approx(1.2583, abs=3e-3)


def test_stop_and_a_newer_compute_wins(qtbot, runner):
    view, _ = make_view(qtbot, runner, "lorenz", "classic")
    view.duration_box.setValue(1e6)  # minutes of work
    view.transient_box.setValue(0)
    view.compute()
    qtbot.wait(200)
    view.stop()
    qtbot.waitUntil(lambda: view.compute_button.isEnabled(), timeout=5000)
    assert view.status.text() == "Stopped." and view.result is None
    # two Computes in a row: only the second one's result is shown
    view.duration_box.setValue(1e6)
    view.compute()
    compute(qtbot, view, 20, 1)
    assert view.result["t"][-1] == pytest.approx(20.0)


def test_pdes_and_ensembles_get_a_message(qtbot, runner):
    for name, preset in (("nlse", "soliton"), ("galactic_disk", "bending")):
        view, h = make_view(qtbot, runner, name, preset)
        assert not view.active
        text = view._placeholder.text()
        assert "offered for flows and maps" in text and h.system.title in text and h.kind in text


def test_closing_the_runner_stops_a_long_computation(qtbot):
    import time

    runner = AnalysisRunner()
    view, _ = make_view(qtbot, runner, "lorenz", "classic")
    view.duration_box.setValue(1e7)  # an hour of work
    view.compute()
    qtbot.waitUntil(lambda: runner.busy_key is not None, timeout=5000)
    started = time.perf_counter()
    assert runner.shutdown(timeout_ms=5000)
    assert time.perf_counter() - started < 2.0
