"""The Time series view: curves equal the run's series; spectra equal scipy's periodogram."""

import math

import numpy as np
import pytest
from PySide6.QtGui import QImage
from scipy.signal import periodogram

from explorer.gui.history import Batch, RunHistory, history_of_run
from explorer.gui.views import timeseries
from explorer.gui.views.timeseries import MIN_BUCKETS, TimeSeriesView, power_spectrum
from solvers.run import make_config, run


@pytest.fixture(scope="module")
def lotka():
    # small oscillations about (1, 1) with α = β = γ = δ = 1 have angular frequency √(αγ) = 1
    return history_of_run(make_config("lotka_volterra", preset="near_equilibrium", t_end=400.0, samples=8001, seed=1))


def test_power_spectrum_equals_scipy_periodogram():
    rng = np.random.default_rng(2)
    t = 0.05 * np.arange(3001) + 7.0
    y = np.sin(2 * np.pi * 1.3 * t) + 0.3 * rng.standard_normal(t.size) + 4.0
    f, p = power_spectrum(t, y)
    f_ref, p_ref = periodogram(y, fs=1 / 0.05, window="hann", detrend="constant", scaling="density")
    np.testing.assert_allclose(f, f_ref, rtol=1e-12)
    np.testing.assert_allclose(p, p_ref, rtol=1e-9, atol=1e-12 * p_ref.max())
    assert abs(f[p.argmax()] - 1.3) <= f[1]
    # uneven samples are interpolated onto the even grid first
    t_uneven = t + 0.01 * np.sin(t)
    t_uneven[[0, -1]] = t[[0, -1]]
    f2, p2 = power_spectrum(t_uneven, np.interp(t_uneven, t, y))
    np.testing.assert_array_equal(f2, f)
    assert abs(f2[p2.argmax()] - 1.3) <= f[1]
    with pytest.raises(ValueError, match="too few"):
        power_spectrum(t[:3], y[:3])


def test_curves_and_spectra_of_the_chosen_series(qtbot, lotka):
    view = TimeSeriesView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.set_history(lotka)
    assert view.selected() == ["x"]
    view.select(["x", "y", "V"])
    assert set(view.curves) == {"x", "y", "V"}
    t, x = lotka.series("x")
    assert t.size == 8001
    # 8001 samples are thinned to each pixel column's min and max, keeping the extremes
    xd, yd = view.curves["x"].getData()
    assert 2 * MIN_BUCKETS <= yd.size < t.size
    assert yd.min() == x.min() and yd.max() == x.max() and xd[0] == t[0]
    f, p = view.spectrum_data["x"]
    _, p_ref = periodogram(x, fs=1 / (t[1] - t[0]), window="hann", scaling="density")
    np.testing.assert_allclose(p, p_ref, rtol=1e-9, atol=1e-12 * p_ref.max())
    # the peak sits at the linear frequency 1/(2π) (amplitude 0.05: the nonlinear shift is far below a bin)
    assert abs(f[p.argmax()] - 1 / (2 * math.pi)) <= f[1]
    # the curve drawn is the spectrum without the removed mean at f = 0, floored 20 decades down for the log axis
    drawn = view.spectra["x"].getOriginalDataset()[1]
    np.testing.assert_allclose(drawn, np.maximum(p[1:], 1e-20 * p.max()), rtol=1e-12)
    with pytest.raises(ValueError, match="not series of this run"):
        view.select(["w"])


def test_short_series_are_drawn_exactly_and_exported(qtbot, tmp_path):
    h = history_of_run(make_config("lorenz", preset="classic", t_end=10.0, samples=801, seed=1))
    view = TimeSeriesView()
    qtbot.addWidget(view)
    view.set_history(h)
    view.select(["x", "z"])
    for name in ("x", "z"):
        t, v = h.series(name)
        xd, yd = view.curves[name].getData()
        np.testing.assert_array_equal(xd, t)
        np.testing.assert_array_equal(yd, v)
    data = np.loadtxt(view.export_csv(tmp_path / "ts.csv"), delimiter=",", skiprows=1)
    np.testing.assert_array_equal(data[:, 0], h.times())
    np.testing.assert_array_equal(data[:, 1], h.series("x")[1])
    np.testing.assert_array_equal(data[:, 2], h.series("z")[1])
    assert QImage(str(view.export_png(tmp_path / "ts.png", width=640))).width() == 640


def test_the_newest_data_gets_a_spectrum_after_throttling(qtbot, monkeypatch):
    monkeypatch.setattr(timeseries, "SPECTRUM_HZ", 1.0)
    config = make_config("lorenz", preset="classic", t_end=20.0, seed=4)
    h = RunHistory(config)
    chunks = [c for c in run(config) if c.t.size]
    assert len(chunks) >= 5
    for c in chunks[:4]:
        h.append(Batch.from_chunk(c))
    view = TimeSeriesView()
    qtbot.addWidget(view)
    view.set_history(h)
    first = view.spectrum_data["x"][0].size
    for c in chunks[4:]:
        h.append(Batch.from_chunk(c))
    assert view.refresh()  # drawn at once, but its spectrum waits for the once-a-second budget
    assert view.spectrum_data["x"][0].size == first and view._spectrum_timer.isActive()
    full = h.times().size // 2 + 1
    qtbot.waitUntil(lambda: view.spectrum_data["x"][0].size == full, timeout=3000)
    assert first < full


def test_ensembles_show_one_particle_and_pdes_without_series_get_a_message(qtbot):
    h = history_of_run(make_config("galactic_disk", preset="bending", t_end=1.0, seed=1))
    view = TimeSeriesView()
    qtbot.addWidget(view)
    view.set_history(h)
    assert view.active and view.selected() == ["z[0]"]  # one star's height above the mid-plane
    np.testing.assert_array_equal(view.curves["z[0]"].getData()[1], h.variable("z")[:, 0])
    # a PDE with neither invariants nor observables has nothing to plot against time
    import dataclasses

    from solvers.catalog import get_system, register, unregister

    register(dataclasses.replace(get_system("kdv"), name="kdv_bare", invariants=(), observables=()))
    try:
        bare = history_of_run(make_config("kdv_bare", preset="soliton", t_end=0.1, seed=1))
    finally:
        unregister("kdv_bare")
    view.set_history(bare)
    assert not view.active
    assert "no scalar series" in view._placeholder.text()


def test_elements_of_large_vectors_can_be_added(qtbot):
    h = history_of_run(make_config("lorenz96", preset="lorenz_emanuel", t_end=5.0, samples=501, seed=1))
    assert h.scalar_names() == [] and h.ensemble_names() == ["x"]
    view = TimeSeriesView()
    qtbot.addWidget(view)
    view.set_history(h)
    assert view.active and view.selected() == ["x[0]"]  # something to see at once
    assert view.index_box.maximum() == 39  # N = 40 sites
    view.index_box.setValue(7)
    view.adder.findChild(timeseries.QPushButton).click()
    assert view.selected() == ["x[0]", "x[7]"]
    x = h.variable("x")
    np.testing.assert_array_equal(view.curves["x[7]"].getData()[1], x[:, 7])
    np.testing.assert_array_equal(view.curves["x[0]"].getData()[1], x[:, 0])
    with pytest.raises(ValueError, match="x\\[0\\] … x\\[39\\]"):
        view.add_element("x[40]")
