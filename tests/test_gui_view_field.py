"""The Field view draws the fields of real PDE runs: images equal the samples, profiles the exact solutions."""

import math

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage

from explorer.gui.history import Batch, RunHistory, history_of_run
from explorer.gui.views.field import MAX_ROWS, FieldView, strided_rows
from solvers.catalog import get_system
from solvers.pde import grid_of
from solvers.run import make_config, run


@pytest.fixture(scope="module")
def soliton():
    return history_of_run(make_config("nlse", preset="soliton", t_end=2.0, seed=1))


def make_view(qtbot, history):
    view = FieldView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.set_history(history)
    return view


def test_space_time_image_is_the_modulus_of_every_sample(qtbot, soliton):
    view = make_view(qtbot, soliton)
    psi = soliton.variable("psi")
    assert psi.shape == (201, 512)
    img = view.image.image
    assert img.dtype == np.float32 and img.flags.c_contiguous and np.isfinite(img).all()
    np.testing.assert_array_equal(img, np.abs(psi).astype(np.float32))
    np.testing.assert_array_equal(view.image_times, soliton.state_times())
    assert view.image.lut.shape == (256, 3) and view.image.lut.dtype == np.uint8
    # auto levels: the range of the data shown
    assert view.levels == (float(img.min()), float(img.max()))
    # image pixels centred on the samples: t = 0 at the bottom row, t = 2 (the newest) at the top
    rect = view.image.mapRectToParent(view.image.boundingRect())
    assert rect.top() == pytest.approx(-0.005) and rect.bottom() == pytest.approx(2.005)


def test_profile_is_the_newest_sample_and_matches_the_exact_soliton(qtbot, soliton):
    view = make_view(qtbot, soliton)
    x, profile = view.profile.getData()
    grid = soliton.grid
    np.testing.assert_array_equal(x, grid.x)
    preset = get_system("nlse").preset("soliton")
    exact = np.abs(preset.exact(soliton.state_times()[-1], grid, soliton.params)["psi"]).reshape(-1)
    assert exact.max() == pytest.approx(2.0, rel=1e-3)  # amplitude 2 (the peak falls between grid points)
    np.testing.assert_allclose(profile, exact, atol=1e-6)
    assert "t = 2" in view.profile_plot.titleLabel.text


def test_complex_components_colour_maps_and_levels(qtbot, soliton):
    view = make_view(qtbot, soliton)
    psi = soliton.variable("psi")
    view.select(component="Re ψ")
    np.testing.assert_array_equal(view.image.image, psi.real.astype(np.float32))
    assert view.cmap_box.currentText().startswith("diverging")
    m = float(np.abs(view.image.image).max())
    assert view.levels == (-m, m)  # centred on zero
    view.select(component="Im ψ")
    np.testing.assert_array_equal(view.image.image, psi.imag.astype(np.float32))
    view.select(component="phase arg ψ")
    np.testing.assert_array_equal(view.image.image, np.angle(psi).astype(np.float32))
    assert view.levels == (-math.pi, math.pi)
    view.select(component="|ψ|", colormap="inferno")
    np.testing.assert_array_equal(view.image.lut, pg.colormap.get("inferno").getLookupTable(nPts=256, alpha=False))
    view.set_levels(0.25, 1.5)
    assert view.levels == (0.25, 1.5) and view.image.levels.tolist() == [0.25, 1.5]
    view.set_levels(2.0, 1.0)  # refused: the last good levels stay, with a note
    assert view.levels == (0.25, 1.5) and "below" in view.levels_note.text()
    view.set_levels(None)
    assert view.levels[1] == pytest.approx(2.0, abs=1e-3)
    with pytest.raises(ValueError, match="component"):
        view.select(component="modulus")


def test_long_histories_draw_every_stride_th_sample(qtbot):
    h = history_of_run(make_config("kdv", preset="soliton", t_end=3.0, samples=3001, seed=1))
    view = make_view(qtbot, h)
    u = h.variable("u")
    img = view.image.image
    assert img.shape == (751, u.shape[1])  # stride 4: samples 0, 4, ..., 3000
    np.testing.assert_array_equal(img, u[::4].astype(np.float32))
    np.testing.assert_array_equal(view.image_times, h.state_times()[::4])
    assert "every 4th" in view.image_plot.titleLabel.text


def test_strided_rows_stay_put_as_samples_arrive():
    rows, stride = strided_rows(0, 100, 768)
    assert stride == 1 and rows.tolist() == list(range(100))
    rows, stride = strided_rows(0, 3001, 768)
    assert stride == 4 and rows[0] == 0 and rows[-1] == 3000 and rows.size == 751
    later, _ = strided_rows(0, 3003, 768)
    assert np.array_equal(later, rows)  # the same rows: nothing to read again
    rows, stride = strided_rows(1000, 5000, 768)  # the oldest samples are no longer kept
    assert stride == 8 and rows[0] == 1000 and rows[-1] == 4992 and rows.size <= MAX_ROWS


def test_incremental_frames_equal_a_fresh_view(qtbot):
    config = make_config("kdv", preset="two_soliton", t_end=4.0, samples=2001, seed=1)
    chunks = [c for c in run(config) if c.t.size]
    h = RunHistory(config)
    view = make_view(qtbot, h)
    for c in chunks:
        h.append(Batch.from_chunk(c))
        view.refresh()
    fresh = make_view(qtbot, h)
    np.testing.assert_array_equal(view.image.image, fresh.image.image)
    np.testing.assert_array_equal(view.image.image, h.variable("u")[::4].astype(np.float32))


def test_two_dimensional_fields_with_the_time_slider(qtbot, tmp_path):
    h = history_of_run(make_config("navier_stokes_2d", preset="taylor_green", t_end=0.5, seed=1))
    view = make_view(qtbot, h)
    omega = h.variable("omega")
    assert omega.shape == (101, 64, 64)
    np.testing.assert_array_equal(view.image.image, omega[-1].astype(np.float32))
    # the Taylor–Green vortex decays exactly: ω(t) = ω(0) e^{-2νt} for k0 = 1
    preset = get_system("navier_stokes_2d").preset("taylor_green")
    exact = preset.exact(0.5, grid_of(h.system, h.config), h.params)["omega"].reshape(64, 64)
    np.testing.assert_allclose(view.image.image, exact, atol=1e-5 * np.abs(exact).max())
    assert view.cmap_box.currentText().startswith("diverging")  # a vorticity of both signs
    assert view.slider.maximum() == 100 and view.slider.value() == 100 and "(live)" in view.slider_label.text()
    view.slider.setValue(10)
    np.testing.assert_array_equal(view.image.image, omega[10].astype(np.float32))
    assert view.image_times[0] == h.state_times()[10]
    data = np.loadtxt(view.export_csv(tmp_path / "f.csv"), delimiter=",", skiprows=1)
    np.testing.assert_array_equal(data[:, 0], h.state_times()[10])
    X, Y = h.grid.mesh()
    np.testing.assert_array_equal(data[:, 1], X.ravel())
    np.testing.assert_array_equal(data[:, 2], Y.ravel())
    np.testing.assert_array_equal(data[:, 3], omega[10].astype(np.float32).ravel())
    view.slider.setValue(100)  # back at the end: follows the run again
    assert view._follow


def test_csv_and_png_exports_of_the_space_time_image(qtbot, soliton, tmp_path):
    view = make_view(qtbot, soliton)
    csv = view.export_csv(tmp_path / "field.csv")
    assert csv.read_text().splitlines()[0] == "t,x,abs(psi)"
    data = np.loadtxt(csv, delimiter=",", skiprows=1)
    psi = soliton.variable("psi")
    n, nx = psi.shape
    np.testing.assert_array_equal(data[:, 0], np.repeat(soliton.state_times(), nx))
    np.testing.assert_array_equal(data[:, 1], np.tile(soliton.grid.x, n))
    np.testing.assert_array_equal(data[:, 2], np.abs(psi).astype(np.float32).ravel())
    assert QImage(str(view.export_png(tmp_path / "field.png", width=900))).width() == 900


def test_only_pdes(qtbot):
    h = history_of_run(make_config("lorenz", preset="classic", t_end=1.0, seed=1))
    view = make_view(qtbot, h)
    assert not view.active
    assert view._placeholder.text() == "The field view shows the fields of PDEs; Lorenz system is a flow."


def test_choosing_another_field(qtbot):
    h = history_of_run(make_config("klein_gordon", preset="wave_packet", t_end=1.0, seed=1))
    view = make_view(qtbot, h)
    assert [view.field_box.itemText(i) for i in range(view.field_box.count())] == ["phi", "phi_t"]
    assert not view.component_box.isVisibleTo(view)  # real fields: no |ψ|/Re/Im/phase choice
    np.testing.assert_array_equal(view.image.image, h.variable("phi").astype(np.float32))
    view.select(field="phi_t")
    np.testing.assert_array_equal(view.image.image, h.variable("phi_t").astype(np.float32))
    np.testing.assert_array_equal(view.profile.getData()[1], h.variable("phi_t")[-1].astype(np.float32))
    assert view.profile_plot.getAxis("left").labelText == "phi_t"


def test_a_2d_frame_chosen_in_the_past_stays_while_the_run_goes_on(qtbot):
    config = make_config("navier_stokes_2d", preset="taylor_green", t_end=0.5, seed=1)
    chunks = [c for c in run(config) if c.t.size]
    h = RunHistory(config)
    half = len(chunks) // 2
    for c in chunks[:half]:
        h.append(Batch.from_chunk(c))
    view = make_view(qtbot, h)
    view.slider.setValue(3)
    t3 = h.state_times()[3]
    for c in chunks[half:]:
        h.append(Batch.from_chunk(c))
        view.refresh()
    assert view.image_times[0] == t3 and view.slider.value() == 3 and not view._follow
    np.testing.assert_array_equal(view.image.image, h.variable("omega")[3].astype(np.float32))
    view.slider.setValue(view.slider.maximum())
    assert view._follow and view.image_times[0] == h.state_times()[-1]
