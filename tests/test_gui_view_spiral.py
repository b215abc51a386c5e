"""The phase-spiral view shows the ensemble's density minus the reference, cell for cell (real runs)."""

import numpy as np
import pytest

from explorer.gui.history import history_of_run
from explorer.gui.views.spiral import MIN_COUNT, PhaseSpiralView
from solvers.run import make_config
from solvers.systems import galactic_disk as gd


@pytest.fixture(scope="module")
def bending():
    return history_of_run(make_config("galactic_disk", preset="bending", t_end=200, params={"n": 20_000}, seed=5))


def test_difference_from_the_model_equilibrium_equals_spiral_contrast(qtbot, bending):
    view = PhaseSpiralView()
    qtbot.addWidget(view)
    view.set_history(bending)
    assert view.ref_box.currentData() == "equilibrium"
    assert (view.x_box.currentText(), view.y_box.currentText()) == ("z", "vz")
    z_eq, v_eq = gd.equilibrium_state(bending.params, bending.config.seed)
    z, v = bending.variable("z")[-1], bending.variable("vz")[-1]
    bins = view.bins.value()
    ref, _, _ = gd.spiral_contrast(z, v, z_eq, v_eq, bins=bins, range=view.range, mode="difference")
    np.testing.assert_allclose(view.values, ref, rtol=1e-12, atol=1e-12 * np.abs(ref).max())
    np.testing.assert_array_equal(view.image.image, ref.T.astype(np.float32))
    lo, hi = view.image.levels
    assert lo == -hi and hi > 0  # centred on zero
    assert view.counts.sum() == np.histogram2d(z, v, bins, view.range)[0].sum()


def test_relative_contrast_and_t0_reference(qtbot, bending):
    view = PhaseSpiralView()
    qtbot.addWidget(view)
    view.set_history(bending)
    view.mode_box.setCurrentText("contrast f/f₀ − 1")
    view.ref_box.setCurrentIndex(view.ref_box.findData("t0"))
    z0, v0 = bending.variable("z")[0], bending.variable("vz")[0]
    z, v = bending.variable("z")[-1], bending.variable("vz")[-1]
    ref, _, _ = gd.spiral_contrast(
        z, v, z0, v0, bins=view.bins.value(), range=view.range, mode="relative", min_count=MIN_COUNT
    )
    np.testing.assert_allclose(view.values, np.nan_to_num(ref, nan=0.0), rtol=1e-12, atol=1e-14)
    assert np.isfinite(view.image.image).all()


def test_unkicked_sheet_at_t0_equals_its_equilibrium_exactly(qtbot):
    h = history_of_run(make_config("galactic_disk", preset="equilibrium", t_end=40, params={"n": 5000}, seed=9))
    view = PhaseSpiralView()
    qtbot.addWidget(view)
    view.set_history(h)
    view.follow.setChecked(False)
    view.slider.setValue(0)
    assert view.sample_label.text().startswith("sample 1 of")
    assert np.all(view.values == 0.0)  # same seed, same stars, no kick
    view.follow.setChecked(True)
    assert np.abs(view.values).max() > 0  # later the stars have moved (the histogram is only statistically steady)


def test_csv_holds_the_cells(qtbot, bending, tmp_path):
    view = PhaseSpiralView()
    qtbot.addWidget(view)
    view.set_history(bending)
    data = np.genfromtxt(view.export_csv(tmp_path / "spiral.csv"), delimiter=",", skip_header=1)
    assert data.shape == (view.bins.value() ** 2, 4)
    np.testing.assert_array_equal(data[:, 2], view.counts.ravel())
    np.testing.assert_array_equal(data[:, 3], view.values.ravel())
    (x0, x1), _ = view.range
    assert data[0, 0] == pytest.approx(x0 + 0.5 * (x1 - x0) / view.bins.value())
    assert view.export_png(tmp_path / "spiral.png").stat().st_size > 1000


def test_flow_gets_a_message(qtbot):
    h = history_of_run(make_config("lorenz", preset="classic", t_end=1, seed=0))
    view = PhaseSpiralView()
    qtbot.addWidget(view)
    view.set_history(h)
    assert not view.active and "ensemble" in view._placeholder.text() and "flow" in view._placeholder.text()


@pytest.mark.parametrize("preset, arms", [("bending", 1), ("breathing", 2)])
def test_the_drawn_contrast_winds_into_one_or_two_arms(qtbot, preset, arms):
    """A bending kick gives a one-armed spiral, a breathing kick a two-armed one (Antoja et al. 2018;
    the angular harmonics of the map drawn, with small orbits made circles by z0 and ν0·z0)."""
    h = history_of_run(make_config("galactic_disk", preset=preset, t_end=300, params={"n": 20_000}, seed=5))
    view = PhaseSpiralView()
    qtbot.addWidget(view)
    view.set_history(h)
    (x0, x1), (y0, y1) = view.range
    b = view.bins.value()
    z0 = gd.scale_height(h.params["sigma"], h.params["rho0"])
    nu0 = gd.central_frequency(h.params["rho0"])
    power = gd.angular_power(
        view.values, np.linspace(x0, x1, b + 1), np.linspace(y0, y1, b + 1), z_scale=z0, v_scale=nu0 * z0
    )
    others = np.delete(power[1:], arms - 1)
    assert np.argmax(power[1:]) + 1 == arms and power[arms] > 5 * others.max()


def test_view_opened_before_the_first_sample_follows_the_run(qtbot):
    from explorer.gui.history import Batch, RunHistory
    from solvers.run import run

    cfg = make_config("galactic_disk", preset="bending", t_end=100, params={"n": 5000}, seed=2)
    history = RunHistory(cfg)
    view = PhaseSpiralView()
    qtbot.addWidget(view)
    view.set_history(history)
    assert view.values is None
    for chunk in run(cfg):
        if chunk.t.size:
            history.append(Batch.from_chunk(chunk))
            view.refresh()
    assert view.ref_box.findData("t0") >= 0  # the first sample became a reference once it arrived
    z, v = history.variable("z")[-1], history.variable("vz")[-1]
    z_eq, v_eq = gd.equilibrium_state(history.params, cfg.seed)
    ref, _, _ = gd.spiral_contrast(z, v, z_eq, v_eq, bins=view.bins.value(), range=view.range, mode="difference")
    np.testing.assert_allclose(view.values, ref, rtol=1e-12, atol=1e-12 * np.abs(ref).max())
    assert view.sample_label.text() == f"sample {len(history.y)} of {len(history.y)}"
