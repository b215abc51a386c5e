"""Crossings located between samples: fourth order against exact crossings, and against the
dense-output sections of solvers.diagnostics.sections on the same orbit."""

import numpy as np
import pytest

from solvers import simulate
from solvers.diagnostics.sampled_sections import sampled_crossings
from solvers.diagnostics.sections import poincare_section


def _oscillator(h):
    t = np.arange(0.0, 50.0, h)
    return t, np.column_stack([np.cos(t), -np.sin(t)])


def test_fourth_order_on_an_exact_orbit():
    errors = []
    for h in (0.2, 0.1, 0.05):
        t, y = _oscillator(h)
        times, states, k = sampled_crossings(t, y, [1.0, 0.0], 0.3, direction=1)
        exact = 2 * np.pi * np.arange(1, 9) - np.arccos(0.3)  # cos t rises through 0.3
        np.testing.assert_array_equal(k, np.searchsorted(t, exact) - 1)
        errors.append(np.abs(times - exact).max())
        np.testing.assert_allclose(states[:, 0], 0.3, atol=1e-15)
        np.testing.assert_allclose(states[:, 1], -np.sin(exact), atol=20 * h**4)
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    assert np.all((ratios > 12) & (ratios < 24)), ratios  # 2⁴ = 16
    assert errors[1] < 1e-6


def test_directions():
    t, y = _oscillator(0.1)
    up, _, _ = sampled_crossings(t, y, [1.0, 0.0], 0.3, direction=1)
    down, _, _ = sampled_crossings(t, y, [1.0, 0.0], 0.3, direction=-1)
    both, _, _ = sampled_crossings(t, y, [1.0, 0.0], 0.3, direction=0)
    np.testing.assert_allclose(down, 2 * np.pi * np.arange(8) + np.arccos(0.3), atol=1e-6)
    np.testing.assert_array_equal(both, np.sort(np.concatenate([up, down])))


def test_agrees_with_the_dense_output_section_of_lorenz():
    r = simulate("lorenz", preset="classic", t_end=8.0, samples=801, rtol=1e-12, atol=1e-12, seed=0)
    times, states, _ = sampled_crossings(r.t, r.states, [0.0, 0.0, 1.0], 27.0, direction=1)
    ref_t, ref_y = poincare_section("lorenz", preset="classic", normal="z", offset=27.0, t_end=8.0)
    assert times.size == ref_t.size > 5
    np.testing.assert_allclose(times, ref_t, atol=1e-5)
    np.testing.assert_allclose(states, ref_y, atol=1e-3)


def test_few_samples_interpolate_linearly():
    times, states, k = sampled_crossings([0.0, 1.0, 2.0], [[-1.0], [1.0], [3.0]], [1.0], 0.5)
    assert times.tolist() == [0.75] and states.tolist() == [[0.5]] and k.tolist() == [0]


@pytest.mark.parametrize(
    "args, word",
    [
        (([0.0, 1.0], [[0.0], [1.0]], [0.0]), "normal"),
        (([1.0, 0.0], [[0.0], [1.0]], [1.0]), "t"),
        (([0.0], [[0.0]], [1.0]), "t"),
        (([0.0, 1.0], [[0.0, 1.0]], [1.0]), "t, y"),
    ],
)
def test_bad_input(args, word):
    with pytest.raises(ValueError, match=word):
        sampled_crossings(*args)


def test_bad_direction_and_offset():
    with pytest.raises(ValueError, match="direction"):
        sampled_crossings([0.0, 1.0], [0.0, 1.0], [1.0], 0.5, direction=2)
    with pytest.raises(ValueError, match="offset"):
        sampled_crossings([0.0, 1.0], [0.0, 1.0], [1.0], float("nan"))
