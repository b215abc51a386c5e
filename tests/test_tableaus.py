"""Butcher tableaus satisfy the order conditions of every rooted tree up to
their order (Butcher, Numerical Methods for ODEs, 3rd ed., §3)."""

from functools import cache

import numpy as np
import pytest

from solvers.integrators.tableaus import DOP853, DOPRI5, RK4


@cache
def trees(order: int) -> tuple:
    """Rooted trees with ``order`` vertices, each a sorted tuple of subtrees."""
    if order == 1:
        return ((),)
    out = set()

    def forests(n: int, max_tree=None):
        # multisets of trees with n vertices in total, in non-increasing order
        if n == 0:
            yield ()
            return
        for k in range(n, 0, -1):
            for t in trees(k):
                if max_tree is not None and (k, t) > max_tree:
                    continue
                for rest in forests(n - k, (k, t)):
                    yield ((k, t), *rest)

    for forest in forests(order - 1):
        out.add(tuple(sorted(t for _, t in forest)))
    return tuple(sorted(out))


def size(t) -> int:
    return 1 + sum(size(u) for u in t)


def gamma(t) -> int:
    g = size(t)
    for u in t:
        g *= gamma(u)
    return g


def weights(t, A) -> np.ndarray:
    g = np.ones(A.shape[0])
    for u in t:
        g = g * (A @ weights(u, A))
    return g


def test_tree_counts():
    # OEIS A000081
    assert [len(trees(n)) for n in range(1, 9)] == [1, 1, 2, 4, 9, 20, 48, 115]


@pytest.mark.parametrize("tab", [RK4, DOPRI5, DOP853], ids=lambda t: t.name)
def test_order_conditions(tab):
    A, b, c = tab.A[: tab.stages, : tab.stages], tab.b, tab.c
    np.testing.assert_allclose(A.sum(axis=1), c, atol=1e-14)
    assert np.allclose(np.triu(A), 0.0), "explicit methods have a strictly lower triangular A"
    worst = 0.0
    for order in range(1, tab.order + 1):
        for t in trees(order):
            worst = max(worst, abs(b @ weights(t, A) - 1.0 / gamma(t)))
    assert worst < 1e-12
    # and not of one order more: the stated order is the true one
    excess = max(abs(b @ weights(t, A) - 1.0 / gamma(t)) for t in trees(tab.order + 1))
    assert excess > 1e-8


@pytest.mark.parametrize("tab", [DOPRI5, DOP853], ids=lambda t: t.name)
def test_embedded_error_weights(tab):
    # E weights the s stages plus the FSAL stage; the embedded solution
    # b - E[:s] (with E[s] = 0 for these pairs' FSAL row sum) is consistent:
    # error weights annihilate constants, so sum(E) = 0.
    assert abs(tab.E.sum()) < 1e-14
    if tab.E3 is not None:
        assert abs(tab.E3.sum()) < 1e-14


def test_dopri5_embedded_order_four():
    tab = DOPRI5
    s = tab.stages
    A = np.zeros((s + 1, s + 1))
    A[:s, :s] = tab.A[:s, :s]
    A[s, :s] = tab.b  # FSAL stage evaluated at (t + h, y_new)
    bhat = np.append(tab.b, 0.0) - tab.E
    for order in range(1, 5):
        for t in trees(order):
            assert abs(bhat @ weights(t, A) - 1.0 / gamma(t)) < 1e-12
    assert max(abs(bhat @ weights(t, A) - 1.0 / gamma(t)) for t in trees(5)) > 1e-6
