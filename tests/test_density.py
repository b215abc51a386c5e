"""solvers.diagnostics.density.histogram2d against numpy.histogram2d (an independent implementation)."""

import numpy as np
import pytest

from solvers.diagnostics.density import bin_edges, histogram2d


def test_equals_numpy_on_random_points_and_on_the_edges():
    rng = np.random.default_rng(3)
    rng_ = ((-2.0, 3.0), (-1.5, 1.5))
    x = rng.normal(size=20_000) * 1.5
    y = rng.normal(size=20_000)
    xe, ye = bin_edges((37, 23), rng_)
    # points exactly on every edge (and the outer edges, where the last cell is closed) and outside
    x = np.concatenate([x, xe, xe, [np.nan, 3.0000001, -2.0000001]])
    y = np.concatenate([y, np.resize(ye, xe.size), np.full(xe.size, 1.5), [0.0, 0.0, 0.0]])
    ours = histogram2d(x, y, (37, 23), rng_)
    ref = np.histogram2d(x, y, bins=(37, 23), range=rng_)[0]
    assert ours.dtype == np.int64
    np.testing.assert_array_equal(ours, ref)
    assert ours.sum() == ref.sum() < x.size


def test_incremental_counts_equal_one_pass():
    rng = np.random.default_rng(4)
    x, y = rng.uniform(-1, 1, (2, 5000))
    acc = np.zeros((16, 16))
    for part in np.array_split(np.arange(5000), 7):
        histogram2d(x[part], y[part], 16, ((-1, 1), (-1, 1)), out=acc)
    np.testing.assert_array_equal(acc, np.histogram2d(x, y, 16, ((-1, 1), (-1, 1)))[0])
    assert acc.sum() == 5000


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"bins": 0}, "bins"),
        ({"bins": (3, 2, 1)}, "bins"),
        ({"range": ((1, 0), (0, 1))}, "range"),
        ({"range": ((0, np.inf), (0, 1))}, "range"),
        ({"out": np.zeros((4, 5))}, "out"),
    ],
)
def test_bad_input_names_the_parameter(kwargs, word):
    args = {"bins": 4, "range": ((0, 1), (0, 1))} | kwargs
    with pytest.raises(ValueError, match=word):
        histogram2d([0.5], [0.5], **args)


def test_lengths_must_match():
    with pytest.raises(ValueError, match="x, y"):
        histogram2d([0.5, 0.2], [0.5], 4, ((0, 1), (0, 1)))


def test_kernels_follow_the_numba_rules():
    from solvers.diagnostics import density

    for kernel in (density._count2d, density._cell):
        opts = kernel.targetoptions
        assert opts.get("nogil") is True and not opts.get("fastmath")
        assert type(kernel._cache).__name__ != "NullCache"
