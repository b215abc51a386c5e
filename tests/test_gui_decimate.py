"""Min/max thinning of long series against a plain loop."""

import numpy as np
import pytest

from explorer.gui.views.decimate import minmax


def test_minmax_matches_a_loop_over_buckets():
    rng = np.random.default_rng(0)
    t = np.cumsum(rng.uniform(0.5, 1.5, 10_007))
    y = rng.standard_normal(t.size)
    y[1234] = 50.0  # a spike must survive
    td, yd = minmax(t, y, 100)
    assert td.size == yd.size == 200
    edges = np.linspace(0, t.size, 101).astype(int)
    for b in range(100):
        chunk = y[edges[b] : edges[b + 1]]
        assert td[2 * b] == td[2 * b + 1] == t[edges[b]]
        assert yd[2 * b] == chunk.min() and yd[2 * b + 1] == chunk.max()
    assert yd.max() == 50.0


def test_short_series_are_unchanged_and_bad_input_is_refused():
    t = np.arange(10.0)
    td, yd = minmax(t, t**2, 5)
    assert td is t and np.array_equal(yd, t**2)
    with pytest.raises(ValueError, match="buckets"):
        minmax(t, t, 0)
    with pytest.raises(ValueError, match="differ in length"):
        minmax(t, t[:5], 2)
