"""Lyapunov spectra against published values and exact sum rules."""

import numpy as np

import solvers

SPROTT_LORENZ = np.array([0.9056, 0.0, -14.5723])  # Sprott, Chaos and Time-Series Analysis (2003)


def test_lorenz_spectrum_and_sum_rule():
    exps = solvers.lyapunov_spectrum("lorenz", t_end=10_000.0, transient=100.0)
    assert np.all(np.diff(exps) < 0)
    np.testing.assert_allclose(exps, SPROTT_LORENZ, atol=0.01)
    # the divergence of the Lorenz flow is the constant -(σ + 1 + β)
    assert abs(exps.sum() + (10.0 + 1.0 + 8.0 / 3.0)) < 1e-6


def test_finite_difference_jacobian_matches_analytic():
    """The automatic fallback (central differences) gives the same spectrum."""
    from solvers.catalog import get_system, register, unregister
    from solvers.spec import System

    lorenz = get_system("lorenz")
    fields = {k: getattr(lorenz, k) for k in lorenz.__dataclass_fields__}
    fields.update(name="lorenz_nojac", jacobian=None)
    register(System(**fields))
    try:
        a = solvers.lyapunov_spectrum("lorenz", t_end=200.0, transient=10.0)
        b = solvers.lyapunov_spectrum("lorenz_nojac", t_end=200.0, transient=10.0)
    finally:
        unregister("lorenz_nojac")
    np.testing.assert_allclose(a, b, atol=1e-4)


def test_history_converges_to_the_final_value():
    exps, t, est = solvers.lyapunov_spectrum("lorenz", t_end=500.0, transient=20.0, history=True)
    assert t[-1] == __import__("pytest").approx(500.0, rel=1e-6)
    np.testing.assert_allclose(est[-1], exps, rtol=1e-12)
    assert est.shape == (t.size, 3)


def test_history_is_dense_on_a_log_axis_and_changes_nothing():
    """Recording the history only shortens the kernel calls: the exponents are bit for bit the same."""
    from solvers.lyapunov import HISTORY_DENSITY

    plain = solvers.lyapunov_spectrum("lorenz", t_end=1000.0, transient=10.0, seed=1)
    exps, t, est = solvers.lyapunov_spectrum("lorenz", t_end=1000.0, transient=10.0, seed=1, history=True)
    np.testing.assert_array_equal(exps, plain)
    # 1e5 steps from 16: ln(1e5 / 16) ≈ 8.7 e-folds at ~HISTORY_DENSITY records each
    assert t.size >= 5 * HISTORY_DENSITY
    ratios = t[1:] / t[:-1]
    assert np.all(ratios > 1) and ratios[HISTORY_DENSITY:].max() < 1 + 2.5 / HISTORY_DENSITY
    # the running estimate of λ1 settles on the final value: within 1% over the last e-fold
    last = t > t[-1] / np.e
    assert np.abs(est[last, 0] - exps[0]).max() < 0.01 * exps[0]


def test_stop_flag_interrupts():
    import threading

    import pytest

    stop = threading.Event()
    stop.set()
    with pytest.raises(InterruptedError):
        solvers.lyapunov_spectrum("lorenz", t_end=1e6, stop=stop)


def test_kaplan_yorke_dimension_of_lorenz_and_henon():
    from solvers.lyapunov import kaplan_yorke_dimension

    # Sprott (2003) lists D_KY = 2.0621 for Lorenz and 1.2583 for the Hénon map (λ = 0.41922, −1.62319)
    exps = solvers.lyapunov_spectrum("lorenz", t_end=2_000.0, transient=100.0)
    assert abs(kaplan_yorke_dimension(exps) - 2.0621) < 0.005
    henon = solvers.lyapunov_spectrum("henon", t_end=200_000, transient=1_000)
    np.testing.assert_allclose(henon, [0.41922, -1.62319], atol=2e-3)
    assert abs(kaplan_yorke_dimension(henon) - 1.2583) < 2e-3
    # j from the partial sums, in any order given
    assert kaplan_yorke_dimension([-3.0, 1.0, -0.5]) == 2 + 0.5 / 3.0
    assert kaplan_yorke_dimension([-0.1, -2.0]) == 0.0  # a stable fixed point
    assert kaplan_yorke_dimension([0.5, 0.1]) == 2.0  # nothing contracts
    import pytest

    with pytest.raises(ValueError, match="exponents"):
        kaplan_yorke_dimension([0.9, float("nan")])
