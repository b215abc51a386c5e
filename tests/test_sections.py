"""Poincaré sections and extrema located on the DOP853 dense output: exact
crossing times of linear systems, agreement with scipy's solve_ivp events on
Lorenz and Hénon–Heiles, energy on the Hénon–Heiles section, bad input."""

import math
import threading

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import solvers
from solvers.diagnostics import sections
from solvers.diagnostics.sections import extrema, poincare_section
from solvers.integrators import events
from tests.toy_systems import OSCILLATOR

TIGHT = {"rtol": 1e-12, "atol": 1e-12}


def scipy_events(name, preset, event, t_end, direction):
    system = solvers.get_system(name)
    cfg = solvers.make_config(name, preset=preset, t_end=1, samples=2)
    p = system.pack(cfg.params)
    y0 = np.array(cfg.initial, dtype=float)
    buf = np.empty_like(y0)

    def f(t, y):
        system.rhs(t, np.ascontiguousarray(y), p, buf)
        return buf.copy()

    event.direction = direction
    sol = solve_ivp(f, (0.0, t_end), y0, method="DOP853", events=event, **TIGHT)
    assert sol.success
    te, ye = sol.t_events[0], sol.y_events[0]
    keep = te > 0  # scipy reports a start on the plane as an event; we do not
    return te[keep], ye[keep]


def test_kernel_follows_the_numba_rules():
    disp = events.erk_events.compile()
    assert disp.targetoptions.get("nogil") is True
    assert not disp.targetoptions.get("fastmath")
    assert type(disp._cache).__name__ != "NullCache"


def test_harmonic_oscillator_upward_crossings_are_exact():
    # x = cos t crosses x = 0 upward at t = 3π/2 + 2πk
    t, y = poincare_section(OSCILLATOR, normal="x", offset=0.0, direction=+1, n_crossings=10, **TIGHT)
    exact = 1.5 * math.pi + 2 * math.pi * np.arange(10)
    assert t.shape == (10,) and y.shape == (10, 2)
    assert np.max(np.abs(t - exact)) < 1e-10
    assert np.max(np.abs(y[:, 0])) < 1e-12
    assert np.max(np.abs(y[:, 1] - 1.0)) < 1e-10  # v = −sin t = +1 there


def test_harmonic_oscillator_directions_and_offset():
    down, _ = poincare_section(OSCILLATOR, normal="x", direction=-1, n_crossings=5, **TIGHT)
    assert np.max(np.abs(down - (0.5 * math.pi + 2 * math.pi * np.arange(5)))) < 1e-10
    both, _ = poincare_section(OSCILLATOR, normal="x", direction="both", n_crossings=6, **TIGHT)
    assert np.max(np.abs(both - (0.5 * math.pi + math.pi * np.arange(6)))) < 1e-10
    # x = cos t = 1/2 going down: t = π/3 + 2πk; normal as a dict and as a vector
    t1, _ = poincare_section(OSCILLATOR, normal={"x": 2.0}, offset=1.0, direction=-1, n_crossings=4, **TIGHT)
    t2, _ = poincare_section(OSCILLATOR, normal=[1.0, 0.0], offset=0.5, direction=-1, n_crossings=4, **TIGHT)
    exact = math.pi / 3 + 2 * math.pi * np.arange(4)
    assert np.max(np.abs(t1 - exact)) < 1e-10
    assert np.max(np.abs(t2 - exact)) < 1e-10
    # a plane in (x, v): x + v = 0 ⇔ cos t = sin t ⇔ t = π/4 + kπ; n·y = √2 cos(t + π/4) falls there for even k
    t3, _ = poincare_section(OSCILLATOR, normal=[1.0, 1.0], direction=-1, n_crossings=3, **TIGHT)
    assert np.max(np.abs(t3 - (math.pi / 4 + 2 * math.pi * np.arange(3)))) < 1e-10


def test_tangent_plane_finds_two_crossings_inside_one_step():
    # x = cos t against the plane x = 0.999999: it is above the plane only for |t − 2πk| < 1.4e-3, far
    # shorter than a step, so both crossings of each visit lie inside one step and only the interior
    # samples of the interpolant reveal them
    c = 0.999999
    t, _ = poincare_section(OSCILLATOR, normal="x", offset=c, direction=0, t_end=13.0, rtol=1e-10, atol=1e-12)
    half = math.acos(c)
    exact = np.sort(np.concatenate([2 * math.pi * np.arange(1, 3) - half, 2 * math.pi * np.arange(1, 3) + half]))
    exact = np.concatenate([[half], exact])  # the start at t = 0 is above the plane
    assert t.size == exact.size
    assert np.max(np.abs(t - exact)) < 1e-7


def test_extrema_of_the_oscillator():
    t, y = extrema(OSCILLATOR, variable="x", n_extrema=5, **TIGHT)
    assert np.max(np.abs(t - 2 * math.pi * np.arange(1, 6))) < 1e-10  # the start (a maximum) is not counted
    assert np.max(np.abs(y[:, 0] - 1.0)) < 1e-11
    t, y = extrema(OSCILLATOR, variable="x", which="min", n_extrema=3, **TIGHT)
    assert np.max(np.abs(t - (math.pi + 2 * math.pi * np.arange(3)))) < 1e-10
    assert np.max(np.abs(y[:, 0] + 1.0)) < 1e-11


def test_many_crossings_resume_across_full_buffers():
    # more crossings than one kernel buffer holds (4096): the kernel returns FULL and resumes
    t, _ = poincare_section(OSCILLATOR, normal="x", direction=0, t_end=2600 * math.pi, rtol=1e-10, atol=1e-12)
    exact = 0.5 * math.pi + math.pi * np.arange(2600)
    assert t.size == 2600
    assert np.max(np.abs(t - exact)) < 1e-6


def test_small_chunks_and_transient_do_not_change_the_crossings():
    system = solvers.get_system("lorenz")
    cfg = solvers.make_config("lorenz", preset="classic", t_end=1, samples=2)
    y0 = np.array(cfg.initial)
    p = system.pack(cfg.params)
    n = np.array([0.0, 0.0, 1.0])
    args = (system, y0, p, n, 27.0, events.PLANE, 1, 20.0, 0.0, 10**6)
    t_a, y_a, s_a = sections.crossings(*args, **TIGHT)
    t_b, y_b, s_b = sections.crossings(*args, **TIGHT, chunk_seconds=1e-12)  # 16 steps per kernel call
    assert s_a == s_b == "done"
    np.testing.assert_array_equal(t_a, t_b)
    np.testing.assert_array_equal(y_a, y_b)
    t_c, _ = poincare_section("lorenz", preset="classic", normal="z", offset=27.0, t_end=20.0, transient=7.0, **TIGHT)
    np.testing.assert_array_equal(t_c, t_a[t_a > 7.0])


def test_lorenz_section_agrees_with_scipy_events():
    t, y = poincare_section("lorenz", preset="classic", normal="z", offset=27.0, direction=+1, n_crossings=20, **TIGHT)
    assert t.size == 20
    te, ye = scipy_events("lorenz", "classic", lambda t, y: y[2] - 27.0, t[-1] + 1.0, +1)
    assert np.max(np.abs(t - te[:20])) < 1e-8
    assert np.max(np.abs(y - ye[:20])) < 1e-7
    assert np.max(np.abs(y[:, 2] - 27.0)) < 1e-12


@pytest.mark.parametrize("preset", ["regular", "chaotic"])
def test_henon_heiles_section_keeps_the_energy(preset):
    system = solvers.get_system("henon_heiles")
    cfg = solvers.make_config("henon_heiles", preset=preset, t_end=1, samples=2)
    y0 = np.array(cfg.initial)
    energy0 = system.evaluate_invariants(y0[None, :], cfg.params)["energy"][0]
    t, y = poincare_section("henon_heiles", preset=preset, normal="x", direction=+1, n_crossings=200, **TIGHT)
    assert t.size == 200
    assert np.max(np.abs(y[:, 0])) < 1e-12
    assert np.all(y[:, 2] > 0)  # px > 0 on the upward crossings of x = 0
    energy = system.evaluate_invariants(y, cfg.params)["energy"]
    assert np.max(np.abs(energy - energy0)) < 1e-10
    te, _ = scipy_events("henon_heiles", preset, lambda t, y: y[0], t[9] + 1.0, +1)
    assert np.max(np.abs(t[:10] - te[:10])) < 1e-8


def test_stop_returns_what_was_found():
    stop = threading.Event()
    stop.set()
    t, y = poincare_section("lorenz", preset="classic", normal="z", offset=27.0, t_end=100.0, stop=stop)
    assert t.size == 0 and y.shape == (0, 3)


def test_blow_up_warns_and_keeps_the_crossings(toys):
    # y' = y², y(0) = 1: y = 1/(1 − t) crosses y = 2 at t = 1/2, y = 4 at t = 3/4, then blows up at t = 1
    with pytest.warns(RuntimeWarning, match="blow-up"):
        t, _ = poincare_section("toy_blowup", preset="unit", normal="y", offset=2.0, t_end=2.0)
    assert t.size == 1 and abs(t[0] - 0.5) < 1e-9


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"normal": "w"}, "variable"),
        ({"normal": [1.0, 0.0]}, "normal"),
        ({"normal": [0.0, 0.0, 0.0]}, "normal"),
        ({"normal": "z", "direction": 2}, "direction"),
        ({"normal": "z", "offset": math.nan}, "offset"),
        ({"normal": "z", "t_end": None}, "t_end and n_crossings"),
        ({"normal": "z", "t_end": -1.0}, "t_end"),
        ({"normal": "z", "transient": 200.0}, "transient"),
        ({"normal": "z", "rtol": 0.0}, "rtol"),
        ({"normal": "z", "method": "rk4"}, "method"),
        ({"normal": "z", "n_crossings": 0}, "n_crossings"),
        ({"normal": "z", "n_crossings": 10, "max_crossings": 5}, "n_crossings"),
    ],
)
def test_bad_input(kwargs, match):
    kwargs = {"t_end": 100.0, **kwargs}
    with pytest.raises(ValueError, match=match):
        poincare_section("lorenz", preset="classic", **kwargs)


def test_maps_and_pdes_are_refused():
    with pytest.raises(ValueError, match="map"):
        poincare_section("logistic", normal="x", t_end=10.0)
    with pytest.raises(ValueError, match="which"):
        extrema("lorenz", preset="classic", variable="x", which="both", t_end=10.0)
