"""Orbit diagrams and Lyapunov exponents along a parameter range: the
logistic map's period-doubling points r₁ = 3 and r₂ = 1 + √6 located by
bisection, λ(r = 4) = ln 2 and λ(3.2) = ln 0.4, the Rössler period doubling
seen in the maxima of x, progress and stop, bad input."""

import math
import threading

import numpy as np
import pytest

from solvers.diagnostics.scans import distinct_values, lyapunov_scan, orbit_diagram, orbit_period

TOL = 1e-5  # distinctness of iterates; the 2-cycle just past r₁ + 5e-4 splits by ≈ 0.015


def logistic_period(r, transient=400_000):
    # near a bifurcation the orbit converges like (1 − c|r − r_k|)^n: a long transient
    _, v = orbit_diagram("logistic", "r", [r], transient=transient, points=64, initial=[0.1234], workers=1)
    return distinct_values(v, TOL)


def bisect(lo, hi, period):
    assert logistic_period(lo) < period <= logistic_period(hi)
    while hi - lo > 5e-4:
        mid = 0.5 * (lo + hi)
        if logistic_period(mid) >= period:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


def test_logistic_period_doubling_points():
    r1 = bisect(2.9, 3.2, 2)
    r2 = bisect(3.2, 3.5, 4)
    assert abs(r1 - 3.0) <= 1e-3
    assert abs(r2 - (1 + math.sqrt(6))) <= 1e-3


def test_logistic_periods_across_the_diagram():
    values = [2.8, 3.2, 3.5, 3.835, 3.9]
    p, v = orbit_diagram("logistic", "r", values, transient=5000, points=120, initial=[0.1234])
    assert p.shape == v.shape == (5 * 120,)
    counts = [distinct_values(v[p == r], 1e-6) for r in values]
    periods = [orbit_period(v[p == r], 1e-6) for r in values]
    assert counts[:4] == [1, 2, 4, 3]  # r = 3.835 lies in the period-3 window
    assert periods[:4] == [1, 2, 4, 3]
    assert counts[4] > 50 and periods[4] == 0  # chaos
    # the fixed point 1 − 1/r and the exact 2-cycle
    assert np.max(np.abs(v[p == 2.8] - (1 - 1 / 2.8))) < 1e-12
    root = math.sqrt((3.2 + 1) * (3.2 - 3))
    cycle = np.array([3.2 + 1 - root, 3.2 + 1 + root]) / 6.4
    assert np.max(np.abs(np.sort(v[p == 3.2])[[0, -1]] - cycle)) < 1e-12


def test_lyapunov_along_the_logistic_range():
    r, lam = lyapunov_scan("logistic", "r", [4.0, 3.2], t_end=10**6, initial=[0.1234])
    np.testing.assert_array_equal(r, [4.0, 3.2])
    assert abs(lam[0] - math.log(2)) < 1e-3
    # on the 2-cycle: λ = ½ ln|r²(1 − 2x₁)(1 − 2x₂)| = ½ ln|4 + 2r − r²| = ln 0.4 at r = 3.2
    assert abs(lam[1] - math.log(0.4)) < 1e-6


def test_rossler_period_doubling_in_the_maxima_of_x():
    # c = 2.5: period 1, c = 3.5: period 2, c = 4: period 4 (Strogatz 1994, ch. 12)
    values = [2.5, 3.5, 4.0]
    p, v = orbit_diagram("rossler", "c", values, preset="classic", variable="x", transient=500.0, points=40)
    assert [distinct_values(v[p == c], 1e-4) for c in values] == [1, 2, 4]
    # the same from a section: y at the downward crossings of x = 0 ... and its crossings per value
    p2, v2 = orbit_diagram(
        "rossler",
        "c",
        [2.5, 3.5],
        preset="classic",
        variable="y",
        section={"normal": "x", "direction": -1},
        transient=500.0,
        points=40,
    )
    assert [distinct_values(v2[p2 == c], 1e-4) for c in (2.5, 3.5)] == [1, 2]
    assert np.count_nonzero(p2 == 2.5) == 40


def test_progress_and_stop():
    seen = []
    orbit_diagram("logistic", "r", np.linspace(3.0, 4.0, 6), points=10, progress=seen.append, workers=2)
    assert len(seen) == 6 and seen == sorted(seen) and seen[-1] == 1.0

    stop = threading.Event()

    def stop_after_first(fraction):
        stop.set()

    values = [2.5, 3.0, 3.5, 4.0, 4.5]
    p, _ = orbit_diagram(
        "rossler", "c", values, preset="classic", transient=200.0, points=10, progress=stop_after_first, stop=stop
    )
    assert 1 <= np.unique(p).size < len(values)
    stop.clear()
    stop.set()
    _, lam = lyapunov_scan("logistic", "r", [3.5, 4.0], t_end=1000, initial=[0.1], stop=stop)
    assert np.all(np.isnan(lam))


def test_helpers():
    assert distinct_values([0.1, 0.1 + 1e-9, 0.5, 0.5], 1e-6) == 2
    assert distinct_values([], 1e-6) == 0
    assert orbit_period([1, 2, 3, 1, 2, 3, 1, 2, 3], 0.0) == 3
    assert orbit_period(np.arange(10.0), 0.5) == 0
    with pytest.raises(ValueError, match="tol"):
        distinct_values([1.0], -1.0)
    with pytest.raises(ValueError, match="max_period"):
        orbit_period([1.0, 2.0, 3.0], 0.1, max_period=3)


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        (("logistic", "q", [3.0]), {}, "no parameter"),
        (("logistic", "r", [5.0]), {}, "out of bounds"),
        (("logistic", "r", []), {}, "values"),
        (("logistic", "r", [3.0]), {"points": 0}, "points"),
        (("logistic", "r", [3.0]), {"transient": 1.5}, "transient"),
        (("logistic", "r", [3.0]), {"section": {"normal": "x"}}, "section"),
        (("logistic", "r", [3.0]), {"workers": 0}, "workers"),
        (("logistic", "r", [3.0]), {"variable": "y"}, "variable"),
        (("logistic", "r", [3.0]), {"progress": 3}, "progress"),
        (("logistic", "r", np.linspace(0, 4, 1000)), {"points": 10**5}, "memory"),
        (("rossler", "c", [3.0]), {"section": {"offset": 1.0}}, "section"),
        (("rossler", "c", [3.0]), {"which": "both"}, "which"),
        (("nlse", "g", [1.0]), {}, "maps and flows"),
    ],
)
def test_orbit_diagram_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        orbit_diagram(*args, **kwargs)


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        (("logistic", "q", [3.0]), {"t_end": 100}, "no parameter"),
        (("logistic", "r", [5.0]), {"t_end": 100}, "out of bounds"),
        (("logistic", "r", [3.0]), {"t_end": -1}, "t_end"),
        (("logistic", "r", [3.0]), {"t_end": 100, "workers": 1.5}, "workers"),
        (("nlse", "g", [1.0]), {"t_end": 100}, "maps and flows"),
    ],
)
def test_lyapunov_scan_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        lyapunov_scan(*args, **kwargs)
