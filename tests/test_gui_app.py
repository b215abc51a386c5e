"""The desktop app end to end: a real window offscreen, real runs on the
worker thread, real session files."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings

from explorer.gui.main_window import MainWindow
from explorer.session import open_session
from solvers.run import make_config, simulate_config, step_used

ROOT = Path(__file__).resolve().parents[1]


def app_env(tmp_path):
    return dict(
        os.environ, QT_QPA_PLATFORM="offscreen", EXPLORER_DATA_DIR=str(tmp_path), EXPLORER_CONFIG_DIR=str(tmp_path)
    )


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(tmp_path / "data"))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings=settings, restore=False)
    w.quiet = True  # no modal dialogs in tests; messages still go to the log and status bar
    w.resize(1400, 900)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def run_to_end(qtbot, w, timeout=60_000):
    with qtbot.waitSignal(w.run_finished, timeout=timeout) as blocker:
        assert w.start_run()
    return blocker.args[0]


@pytest.mark.parametrize(
    "system, preset",
    [("lorenz", "classic"), ("henon", None), ("galactic_disk", None), ("kdv", "two_soliton")],
)
def test_one_system_of_each_kind_runs_and_every_view_draws(qtbot, window, system, preset):
    window.select(system, preset)
    if system == "kdv":
        window.params.set_value("t_end", 2.0)
    assert window.params.valid, window.params.message
    config = window.params.config()
    outcome = run_to_end(qtbot, window)
    assert outcome.status == "done", outcome.message
    h = window.history
    assert h.samples == config.samples
    # the history holds exactly what a headless run of the same config computes
    ref = simulate_config(config)
    np.testing.assert_array_equal(h.times(), ref.t)
    np.testing.assert_array_equal(h.y.view(), ref.states[-len(h.y) :])
    # frames reached every view that applies to this system
    window._frame(force=True)
    active = [v for v in window.views.values() if v.active]
    assert active, "no view shows this system"
    for view in active:
        assert view.frames > 0, f"{view.title} drew nothing"
    # the session file holds the same run
    window._close_writer()
    with open_session(window.session_path) as s:
        run = s.run(outcome.run)
        assert run.status == "done"
        np.testing.assert_array_equal(run.t[:], ref.t)


def test_stop_a_run_until_stopped_keeps_its_data(qtbot, window):
    window.select("lorenz", "classic")
    window.params.set_value("until_stopped", True)
    window.params.set_value("sample_interval", 0.01)
    assert window.params.valid, window.params.message
    assert window.start_run()
    qtbot.waitUntil(lambda: window.history.samples > 2000, timeout=30_000)
    assert window.running()
    with qtbot.waitSignal(window.run_finished, timeout=10_000) as blocker:
        window.stop_run()
    outcome = blocker.args[0]
    assert outcome.status == "stopped"
    assert not window.running()
    window._close_writer()
    with open_session(window.session_path) as s:
        run = s.run(outcome.run)
        assert run.status == "stopped"
        assert run.rows == outcome.samples == window.history.samples
        # samples lie on the requested grid and follow Lorenz's equations: compare with a fresh run
        ref = simulate_config(make_config("lorenz", preset="classic", t_end=run.t[-1], samples=run.rows, seed=0))
        np.testing.assert_allclose(run["x"][:], ref["x"], rtol=0, atol=1e-6 * np.abs(ref["x"]).max())


def test_pause_step_resume(qtbot, window):
    window.select("lorenz", "classic")
    window.params.set_value("until_stopped", True)
    window.params.set_value("sample_interval", 0.01)
    assert window.start_run()
    qtbot.waitUntil(lambda: window.history.samples > 100, timeout=30_000)
    window.toggle_pause()
    qtbot.waitUntil(lambda: window.state_label.text().startswith("Paused"), timeout=10_000)
    n = window.history.samples
    qtbot.wait(300)
    assert window.history.samples == n, "a paused run went on"
    window.step_run()
    qtbot.waitUntil(lambda: window.history.samples > n, timeout=10_000)
    qtbot.waitUntil(lambda: window.state_label.text().startswith("Paused"), timeout=10_000)
    window.toggle_pause()
    qtbot.waitUntil(lambda: window.history.samples > n + 1000, timeout=30_000)
    with qtbot.waitSignal(window.run_finished, timeout=10_000):
        window.stop_run()


def test_live_parameter_edit_reaches_the_running_run(qtbot, window):
    window.select("lorenz", "classic")
    window.params.set_value("until_stopped", True)
    window.params.set_value("sample_interval", 0.01)
    assert window.start_run()
    qtbot.waitUntil(lambda: window.history.samples > 200, timeout=30_000)
    window.params.set_value("param.rho", 99.96)
    qtbot.waitUntil(lambda: "applied rho = 99.96" in window.log.text_of(), timeout=10_000)
    # a structural or numerical change offers a restart instead
    window.params.set_value("rtol", 1e-7)
    assert window.restart_bar.isVisibleTo(window)
    with qtbot.waitSignal(window.run_finished, timeout=10_000):
        window.stop_run()
    window._close_writer()
    with open_session(window.session_path) as s:
        events = s.run(s.runs[-1]).events
    assert any(e.get("applied", {}).get("rho") == 99.96 for e in events)


def test_bad_parameter_shows_its_message_and_blocks_run(qtbot, window):
    window.select("lorenz", "classic")
    assert window.act_run.isEnabled()
    window.params.set_value("samples", 1)  # below 2 — the spin box clamps; a bad bound is next
    window.params.set_value("param.sigma", -5.0)
    assert not window.params.valid
    assert "sigma" in window.params.message
    assert window.params.error.isVisibleTo(window)
    assert "sigma" in window.params.error.text()
    assert not window.act_run.isEnabled()
    assert not window.start_run()
    assert "sigma" in window.log.text_of()
    window.params.set_value("param.sigma", 10.0)
    assert window.params.valid and window.act_run.isEnabled()


def test_a_finer_grid_lowers_the_presets_step_and_a_typed_step_is_checked(qtbot, window):
    """Raising n beyond what the preset's fixed step can carry: the run takes a
    stable step and the log says which; a step the user typed is refused with
    the limit, and Run stays disabled."""
    window.select("sine_gordon", "breather")
    window.params.set_value("t_end", 0.5)
    window.params.set_value("n", 4096)
    assert window.params.valid, window.params.message
    cfg = window.params.config()
    assert cfg.dt < 0.01 and cfg.grid["n"] == [4096]
    # the panel says which step the run will take, since the field still shows the preset's
    assert window.params.note.isVisibleTo(window)
    assert f"the run will take dt = {step_used(cfg):.4g}" in window.params.note.text()
    outcome = run_to_end(qtbot, window)
    assert outcome.status == "done", outcome.message
    assert "chosen automatically" in window.log.text_of()
    window.params.set_value("dt", 0.009)
    assert not window.params.valid
    assert "CFL" in window.params.message and "dt" in window.params.message
    assert not window.act_run.isEnabled()
    assert not window.params.note.isVisibleTo(window)
    window.params.set_value("dt", 0.004)  # a typed step within the limit is taken as it is: no note
    assert window.params.valid and not window.params.note.isVisibleTo(window)


def test_blow_up_ends_with_its_status_and_keeps_the_data(qtbot, window):
    # the chemotaxis blow-up preset ends in a finite-time singularity
    window.select("chemotaxis_2d", "blowup_direct")
    assert window.params.valid, window.params.message
    outcome = run_to_end(qtbot, window, timeout=120_000)
    assert outcome.status == "blow-up", outcome.message
    assert outcome.samples > 0 and window.history.samples == outcome.samples
    assert "blow" in window.state_label.text().lower()
    assert "blow-up" in window.log.text_of("error")


def test_save_and_reopen_a_session(qtbot, window, tmp_path):
    window.select("henon", None)
    first = run_to_end(qtbot, window)
    window.params.set_value("param.a", 1.2)
    second = run_to_end(qtbot, window)
    saved = tmp_path / "kept.h5"
    assert window.save_session(saved)
    assert window.session_path == saved
    x_live = window.history.series("x")[1].copy()
    window.new_run()
    assert window.open_session(saved, second.run)
    np.testing.assert_array_equal(window.history.series("x")[1], x_live)
    assert window.history.config.params["a"] == 1.2
    assert window.params.values()["param.a"] == 1.2
    assert window.opened == (str(saved), second.run)
    assert window.open_session(saved, first.run)
    assert window.history.config.params["a"] == 1.4
    # replay reproduces the stored numbers bit for bit
    with qtbot.waitSignal(window.run_finished, timeout=30_000) as blocker:
        window.replay()
    assert blocker.args[0].status == "done"
    window._close_writer()  # the replay was appended to the saved session
    with open_session(saved) as s:
        assert len(s.runs) == 3
        stored = s.run(first.run)["x"][:]
    np.testing.assert_array_equal(window.history.series("x")[1], stored)
    assert str(saved.resolve()) in window.recent()


def test_continue_a_stored_run_from_its_last_state(qtbot, window, tmp_path):
    window.select("lorenz", "classic")
    window.params.set_value("t_end", 10.0)
    window.params.set_value("samples", 1001)
    first = run_to_end(qtbot, window)
    window.new_run()
    assert window.open_session(window.session_path, first.run)
    with qtbot.waitSignal(window.run_finished, timeout=30_000) as blocker:
        window.continue_run()
    assert blocker.args[0].status == "done"
    h = window.history
    assert h.times()[0] == 10.0 and h.times()[-1] == 20.0
    # continuing equals one run to t = 20 up to the interpolation error of the tolerance
    ref = simulate_config(make_config("lorenz", preset="classic", t_end=20.0, samples=2001, seed=0))
    np.testing.assert_allclose(h.series("x")[1][:50], ref["x"][1000:1050], atol=1e-6)


def test_close_mid_run_stops_cleanly_and_the_file_is_valid(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(tmp_path / "data"))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings=settings, restore=False)
    w.quiet = True
    w.show()
    w.select("kuramoto_sivashinsky", None)
    w.params.set_value("until_stopped", True)
    assert w.start_run()
    qtbot.waitUntil(lambda: w.history is not None and w.history.samples > 5, timeout=60_000)
    path = w.session_path
    assert w.close()
    assert w.job is None
    with open_session(path) as s:
        run = s.run(s.runs[-1])
        assert run.status == "stopped"
        assert run.rows >= 5
        assert np.all(np.isfinite(run["u"][:]))
    # the layout and the recent list were kept
    assert settings.value("window/state") is not None


def test_export_view_and_data(qtbot, window, tmp_path):
    window.select("lorenz", "classic")
    outcome = run_to_end(qtbot, window)
    view = window.views["phase"]
    assert window.export_view(view, tmp_path / "phase.png")
    assert (tmp_path / "phase.png").stat().st_size > 1000
    assert window.export_view(view, tmp_path / "phase.svg")
    assert (tmp_path / "phase.svg").read_text().lstrip().startswith("<")
    assert not window.export_view(view, tmp_path / "phase.jpg")
    assert "'.jpg' is not offered" in window.log.text_of()
    assert window.export_data(tmp_path / "run.npz")
    with np.load(tmp_path / "run.npz") as data:
        np.testing.assert_array_equal(data["x"], window.history.series("x")[1])
    assert outcome.status == "done"


def visible_tab_groups(w):
    from PySide6.QtWidgets import QTabBar

    bars = [b for b in w.findChildren(QTabBar) if b.parent() is w and b.isVisible()]
    return [[b.tabText(i) for i in range(b.count())] for b in bars]


def test_default_layout_has_two_tab_groups_of_views_and_no_stray_tab_bar(qtbot, window):
    qtbot.waitUntil(lambda: len(visible_tab_groups(window)) >= 2, timeout=5000)
    qtbot.wait(50)
    groups = sorted(visible_tab_groups(window), key=len)
    assert groups == [
        ["Systems", "Define a system"],
        ["Field", "Phase portrait", "3-D portrait", "Phase spiral", "Sweep"],
        ["Time series", "Drift", "Recurrence", "Complexity", "Lyapunov", "Orbit diagram", "Log"],
    ]


def test_user_library_loads_at_start_and_editor_adds_to_the_catalog(qtbot, tmp_path, monkeypatch):
    from solvers import userdef
    from solvers.catalog import list_systems

    monkeypatch.setenv("EXPLORER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DYNAMICS_EXPLORER_LIBRARY", str(tmp_path / "library"))
    monkeypatch.setenv("DYNAMICS_EXPLORER_CACHE", str(tmp_path / "cache"))
    text = "a = 1.4; b = 0.3\nx[n+1] = 1 - a*x*x + y\ny[n+1] = b*x\nx(0) = 0; y(0) = 0\n"
    userdef.save_to_library("my_henon", text)
    w = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), restore=False)
    w.quiet = True
    qtbot.addWidget(w)
    w.show()
    try:
        qtbot.waitUntil(lambda: "my_henon" in w.browser._items, timeout=60_000)
        assert "my_henon" in list_systems()
        w.select("my_henon")
        with qtbot.waitSignal(w.run_finished, timeout=60_000) as blocker:
            assert w.start_run()
        assert blocker.args[0].status == "done"
        ref = simulate_config(make_config("henon", preset="classic", t_end=w.history.config.t_end, seed=0))
        np.testing.assert_allclose(w.history.series("x")[1][:50], ref["x"][:50], rtol=0, atol=1e-12)
        # its session carries the definition: it opens after the system was forgotten
        x = w.history.series("x")[1].copy()
        userdef.remove_system("my_henon")
        assert "my_henon" not in list_systems()
        assert w.open_session(w.session_path, blocker.args[0].run)
        np.testing.assert_array_equal(w.history.series("x")[1], x)
        assert "my_henon" in list_systems()
        # the editor's "Add to catalog" puts a new system in the browser and selects it
        w.editor.name_edit.setText("my_logistic")
        w.editor.text.setPlainText("r = 3.9\nx[n+1] = r*x*(1 - x)\nx(0) = 0.2\n")
        qtbot.waitUntil(lambda: w.editor.add_button.isEnabled(), timeout=5_000)
        with qtbot.waitSignal(w.editor.defined, timeout=120_000):
            w.editor.add_button.click()
        qtbot.waitUntil(lambda: w.browser.current == "my_logistic", timeout=5_000)
        assert w.params.system.name == "my_logistic"
    finally:
        w.close()
        for name in ("my_henon", "my_logistic"):
            if name in list_systems():
                userdef.remove_system(name)


def test_layout_is_saved_and_restored(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(tmp_path / "data"))
    ini = str(tmp_path / "settings.ini")
    w = MainWindow(settings=QSettings(ini, QSettings.Format.IniFormat), restore=True)
    w.show()
    w.docks["log"].hide()
    w.select("henon", None)
    w.close()
    w2 = MainWindow(settings=QSettings(ini, QSettings.Format.IniFormat), restore=True)
    w2.show()
    qtbot.addWidget(w2)
    assert not w2.docks["log"].isVisible()
    assert w2.browser.current == "henon"
    w2.reset_layout()
    assert w2.docks["log"].isVisibleTo(w2)
    w2.close()


def test_repaint_soak(qtbot, window):
    """5 000 repaints of a live pyqtgraph view: PySide6 6.12 on Python 3.11
    aborted with 'none_dealloc' after some thousands (ENGINEERING.md).  The
    phase portrait and time series repaint every frame, the whole window
    every 100th."""
    from explorer.gui.history import Batch, RunHistory

    config = make_config("lorenz", preset="classic", t_end=math.inf, sample_interval=0.01, seed=0)
    ref = simulate_config(make_config("lorenz", preset="classic", t_end=500, samples=50001, seed=0))
    window.select("lorenz", "classic")
    window.history = RunHistory(config)
    window._show_history(window.history)
    live = [window.views["phase"], window.views["timeseries"]]
    for i in range(5000):
        k = slice(10 * i, 10 * i + 10)
        window.history.append(Batch(ref.t[k], ref.states[k], {}, {}, ref.t[k][-1], 0.0, i))
        for view in live:
            assert view.refresh()
            view.repaint()
        if i % 100 == 0:
            window._frame(force=True)
            window.repaint()
            qtbot.wait(1)
    assert all(view.frames >= 5000 for view in live)
    # what was drawn last is the newest data
    np.testing.assert_array_equal(window.history.series("x")[1][-10:], ref["x"][49990:50000])


def test_scripted_launch_writes_screenshot_and_session(tmp_path):
    env = app_env(tmp_path)
    png, h5 = tmp_path / "s.png", tmp_path / "s.h5"
    proc = subprocess.run(
        [sys.executable, "-m", "explorer", "gui", "--system", "lorenz", "--run-for", "1",
         "--screenshot", str(png), "--save", str(h5), "--quit"],
        capture_output=True, text=True, timeout=180, env=env, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with open_session(h5) as s:
        run = s.run()
        assert run.system == "lorenz" and run.status == "done" and run.rows == 2001


@pytest.mark.parametrize(
    "args, message",
    [
        (["--system", "lorenzz"], "lorenzz"),
        (["--system", "lorenz", "--preset", "nope"], "nope"),
        (["--run-for", "-1", "--quit"], "--run-for"),
        (["--size", "huge"], "--size"),
    ],
)
def test_scripted_launch_bad_arguments(tmp_path, args, message):
    env = app_env(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "explorer", "gui", *args], capture_output=True, text=True, timeout=60, env=env, cwd=ROOT
    )
    assert proc.returncode == 2
    assert message in proc.stderr
