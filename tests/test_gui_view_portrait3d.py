"""The 3-D portrait: three series of a real run, projected orthographically."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from explorer.gui.history import history_of_run
from explorer.gui.views.portrait3d import Portrait3DView, normalise, rotation
from solvers.run import make_config


@pytest.fixture(scope="module")
def lorenz():
    return history_of_run(make_config("lorenz", preset="classic", t_end=20, samples=2001, seed=0))


def test_rotation_is_orthonormal_and_looks_along_y_at_zero():
    np.testing.assert_allclose(rotation(0, 0), [[1, 0, 0], [0, 0, 1]], atol=1e-15)
    for a, e in [(30, 20), (-120, 75), (90, -45)]:
        r = rotation(a, e)
        np.testing.assert_allclose(r @ r.T, np.eye(2), atol=1e-14)
    # azimuth 90°: y comes to the left
    np.testing.assert_allclose(rotation(90, 0) @ [0, 1, 0], [-1, 0], atol=1e-15)


def test_curve_is_the_projection_of_the_runs_series(qtbot, lorenz):
    view = Portrait3DView()
    qtbot.addWidget(view)
    view.set_history(lorenz)
    assert [b.currentText() for b in view.axes] == ["x", "y", "z"]
    view.azimuth.setValue(0)
    view.elevation.setValue(0)
    x, y = view.curve.getData()
    xyz = np.column_stack([lorenz.series(n)[1] for n in "xyz"])
    n = len(x)
    assert n == min(len(xyz), view.tail.value())
    ref = normalise(xyz[-n:])
    np.testing.assert_allclose(x, ref[:, 0], atol=1e-12)  # x across
    np.testing.assert_allclose(y, ref[:, 2], atol=1e-12)  # z up
    view.azimuth.setValue(90)
    x90, _ = view.curve.getData()
    np.testing.assert_allclose(x90, -ref[:, 1], atol=1e-12)
    # the current point is the newest sample
    px, _ = view.point.getData()
    assert px[-1] == x90[-1]


def test_exports_and_the_message_for_a_two_variable_system(qtbot, lorenz, tmp_path):
    view = Portrait3DView()
    qtbot.addWidget(view)
    view.set_history(lorenz)
    view.export_png(tmp_path / "p.png")
    assert (tmp_path / "p.png").stat().st_size > 1000
    view.export_csv(tmp_path / "p.csv")
    data = np.loadtxt(tmp_path / "p.csv", delimiter=",", skiprows=1)
    np.testing.assert_array_equal(data[:, 1], lorenz.series("x")[1][-len(data) :])
    henon = history_of_run(make_config("henon", preset="classic", t_end=100, seed=0))
    view.set_history(henon)
    assert not view.active
    assert "needs three series" in view._placeholder.text()
