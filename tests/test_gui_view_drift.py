"""The Drift view draws each invariant's drift from real runs."""

import numpy as np
import pytest
from PySide6.QtGui import QImage

from explorer.gui.history import history_of_run
from explorer.gui.views.drift import BUCKETS, FLOOR, DriftView
from solvers.run import make_config


@pytest.fixture(scope="module")
def nlse():
    return history_of_run(make_config("nlse", preset="soliton", t_end=2.0, seed=1))


def test_curves_are_the_drift_of_each_invariant(qtbot, nlse):
    view = DriftView()
    qtbot.addWidget(view)
    view.set_history(nlse)
    assert view.active and view.frames == 1
    assert set(view.curves) == {"mass", "momentum", "hamiltonian"}
    for name, curve in view.curves.items():
        values = nlse.invariants[name].view()
        # relative to |I(0)| when that is ≥ 1, absolute below (solvers.validation.drift's measure)
        expected = np.abs(values - values[0]) / max(abs(values[0]), 1.0)
        x, y = curve.getOriginalDataset()
        np.testing.assert_array_equal(x, nlse.times())
        np.testing.assert_allclose(y, np.maximum(expected, FLOOR), rtol=1e-12)
        assert y[0] == FLOOR  # I(0) − I(0) = 0 is drawn at the floor
    # the split-step method conserves the NLSE mass to round-off
    assert view.curves["mass"].getOriginalDataset()[1].max() < 1e-13


def test_long_runs_keep_their_extremes(qtbot):
    h = history_of_run(make_config("henon_heiles", preset="chaotic", t_end=500.0, samples=20001, seed=1))
    view = DriftView()
    qtbot.addWidget(view)
    view.set_history(h)
    t, d = h.drifts()["energy"]
    assert t.size == 20001
    x, y = view.curves["energy"].getOriginalDataset()
    assert y.size == 2 * BUCKETS
    assert y.max() == d.max()  # the largest drift is drawn, wherever it is
    assert x[0] == t[0] and x[-1] <= t[-1]


def test_exports_hold_the_data(qtbot, nlse, tmp_path):
    view = DriftView()
    qtbot.addWidget(view)
    view.set_history(nlse)
    csv = view.export_csv(tmp_path / "drift.csv")
    header = csv.read_text().splitlines()[0].split(",")
    assert header == ["t", "drift_mass", "drift_momentum", "drift_hamiltonian"]
    data = np.loadtxt(csv, delimiter=",", skiprows=1)
    drifts = nlse.drifts()
    np.testing.assert_array_equal(data[:, 0], nlse.times())
    for j, name in enumerate(header[1:], start=1):
        np.testing.assert_array_equal(data[:, j], drifts[name.removeprefix("drift_")][1])
    png = view.export_png(tmp_path / "drift.png", width=800)
    assert QImage(str(png)).width() == 800


def test_systems_without_invariants_get_a_message(qtbot):
    h = history_of_run(make_config("lorenz", preset="classic", t_end=1.0, seed=1))
    view = DriftView()
    qtbot.addWidget(view)
    view.set_history(h)
    assert not view.active
    assert "Lorenz" in view._placeholder.text() and "no conserved quantities" in view._placeholder.text()
    with pytest.raises(ValueError, match="nothing to export"):
        view.export_png("/nonexistent/x.png")


def test_per_particle_invariants_show_the_largest_drift(qtbot):
    h = history_of_run(make_config("galactic_disk", preset="bending", t_end=2.0, seed=3))
    view = DriftView()
    qtbot.addWidget(view)
    view.set_history(h)
    energies = h.invariants["energy"].view()  # (samples, particles)
    expected = (np.abs(energies - energies[0]) / max(np.abs(energies[0]).max(), 1.0)).max(axis=1)
    np.testing.assert_allclose(view.curves["energy"].getOriginalDataset()[1], np.maximum(expected, FLOOR), rtol=1e-12)
    assert "largest over particles" in view.curves["energy"].name()


def test_long_histories_are_drawn_less_often_but_the_newest_always(qtbot, monkeypatch):
    from explorer.gui.history import Batch, RunHistory
    from explorer.gui.views import throttle
    from explorer.gui.views.throttle import FREE_SAMPLES, DrawThrottle

    monkeypatch.setattr(throttle, "SPACING", 1e-6)  # 0.75 s of rest after a frame: no race with a busy machine
    config = make_config("henon_heiles", preset="chaotic", t_end=1e6, sample_interval=0.01, seed=1)
    h = RunHistory(config)
    n = 4 * FREE_SAMPLES
    t = 0.01 * np.arange(n)
    energy = 0.125 * (1 + 1e-12 * np.sin(t))
    h.append(Batch(t, np.zeros((n, 4)), {"energy": energy}, {}, t[-1], 0.5, n))
    view = DriftView()
    qtbot.addWidget(view)
    view.set_history(h)
    assert view.throttle.postponed == 0
    t2 = t[-1] + 0.01 * np.arange(1, 101)
    h.append(Batch(t2, np.zeros((100, 4)), {"energy": np.full(100, 0.25)}, {}, t2[-1], 0.6, n + 100))
    view.refresh()  # asked for at once: postponed by ~n × SPACING
    assert view.throttle.postponed == 1 and DrawThrottle.interval(n + 100) > 0.5
    assert view.curves["energy"].getOriginalDataset()[1].max() < 1e-10
    # no more frames are asked for, yet the timer draws the newest data: |0.25 − 0.125| (absolute: |I₀| < 1)
    qtbot.waitUntil(lambda: view.curves["energy"].getOriginalDataset()[1].max() == 0.125, timeout=3000)
