"""Convergence orders, dense output and step-size control of the integrators,
against exact solutions."""

import numpy as np
import pytest

import solvers
from solvers.integrators import Method, Stepper
from solvers.integrators.tableaus import DOP853, DOPRI5, RK4
from tests.toy_systems import forced_exact, oscillator_rhs


def fixed_step_error(tableau, n, t_end=10.0):
    """Global error of n fixed steps on x'' = -x, x(0) = 1 (exact: cos t)."""
    method = Method("probe", "erk_fixed", tableau.order, "probe", tableau)
    stepper = Stepper(method, oscillator_rhs, np.array([1.0, 0.0]), np.array([1.0]), 0.0, t_end / n, 0.0, 0.0, t_end)
    out = np.empty((1, 2))
    written, status = stepper.advance(np.array([t_end]), out, 10**9)
    assert (written, status) == (1, 0)
    return np.hypot(out[0, 0] - np.cos(t_end), out[0, 1] + np.sin(t_end))


@pytest.mark.parametrize(
    ("tableau", "steps"),
    [(RK4, [20, 40, 80, 160]), (DOPRI5, [10, 20, 40, 80]), (DOP853, [5, 7, 10, 14])],
    ids=["rk4", "dopri5", "dop853"],
)
def test_fixed_step_convergence_order(tableau, steps):
    hs = 10.0 / np.array(steps)
    errors = np.array([fixed_step_error(tableau, n) for n in steps])
    assert np.all(errors > 1e-12), errors  # still above round-off: the fit is meaningful
    slope = np.polyfit(np.log(hs), np.log(errors), 1)[0]
    assert abs(slope - tableau.order) < 0.3, (slope, errors)


@pytest.mark.parametrize(("method", "order"), [("leapfrog", 2), ("yoshida4", 4)])
def test_symplectic_convergence_order(toys, method, order):
    hs = np.array([0.2, 0.1, 0.05, 0.025])
    errors = []
    for h in hs:
        r = solvers.simulate("toy_oscillator", preset="unit", t_end=10.0, samples=2, method=method, dt=h)
        errors.append(abs(r["x"][-1] - np.cos(10.0)) + abs(r["v"][-1] + np.sin(10.0)))
    slope = np.polyfit(np.log(hs), np.log(errors), 1)[0]
    assert abs(slope - order) < 0.3, (slope, errors)


def test_symplectic_energy_has_no_secular_drift(toys):
    r = solvers.simulate("toy_oscillator", preset="unit", t_end=10_000.0, samples=10_001, method="leapfrog", dt=0.1)
    e = r.invariants["energy"]
    rel = np.abs(e - 0.5) / 0.5
    # leapfrog's energy error oscillates at O(h²) and does not grow
    assert rel.max() < 3e-3
    assert abs(rel[-1000:].max() - rel[:1000].max()) < 1e-4


@pytest.mark.parametrize("method", ["dopri5", "dop853"])
def test_adaptive_error_tracks_tolerance(toys, method):
    errors = []
    for rtol in (1e-6, 1e-8, 1e-10):
        r = solvers.simulate("toy_forced", preset="zero", t_end=20.0, samples=401, method=method, rtol=rtol, atol=rtol)
        errors.append(np.max(np.abs(r["y"] - forced_exact(r.t, 1.0))))
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 1e-8


def test_dense_output_between_steps(toys):
    # far more samples than steps: nearly every sample is interpolated
    r = solvers.simulate(
        "toy_oscillator", preset="unit", t_end=50.0, samples=5001, method="dop853", rtol=1e-12, atol=1e-14
    )
    assert r.steps < 1000
    np.testing.assert_array_equal(r.t, np.linspace(0.0, 50.0, 5001))
    assert np.max(np.abs(r["x"] - np.cos(r.t))) < 1e-10
    assert np.max(np.abs(r["v"] + np.sin(r.t))) < 1e-10


def test_dopri5_dense_output(toys):
    r = solvers.simulate(
        "toy_oscillator", preset="unit", t_end=20.0, samples=2001, method="dopri5", rtol=1e-10, atol=1e-12
    )
    assert np.max(np.abs(r["x"] - np.cos(r.t))) < 1e-8


def test_chunking_does_not_change_the_answer(toys):
    """Bounded kernel calls (a few steps each) give the same numbers as one call."""
    config = solvers.make_config("toy_forced", preset="zero", t_end=30.0, samples=301, rtol=1e-10, atol=1e-12)
    whole = solvers.simulate_config(config)
    pieces = []
    for chunk in solvers.run(config, chunk_seconds=1e-7):  # forces the smallest chunks
        pieces.append(chunk.y)
    np.testing.assert_array_equal(np.concatenate(pieces), whole.states)


def _oscillator_copies():
    from numba import njit

    @njit(cache=False)
    def copies(t, y, p, out):
        # m uncoupled oscillators x'' = −ω²x: state [x_1 … x_m, v_1 … v_m]
        m = y.size // 2
        for j in range(m):
            out[j] = y[m + j]
            out[m + j] = -p[0] * p[0] * y[j]

    return copies


@pytest.mark.parametrize("name", ["dopri5", "dop853", "rk4"])
def test_large_states_take_the_row_wise_path_to_the_same_answer(name):
    """64 identical copies of an oscillator (128 components: the row-wise stage
    sums of large states) have the RMS error norm of one copy (2 components:
    the per-component loops), so both take the same steps and agree with each
    other to round-off and with cos t to the tolerance; dense output included.
    The fixed-step kernel (rk4 at h = 0.01) takes the same row-wise path."""
    from solvers.integrators import METHODS

    fn = _oscillator_copies()
    targets = np.linspace(0.0, 30.0, 301)[1:]
    results = []
    adaptive = METHODS[name].adaptive
    for m in (1, 64):
        y0 = np.concatenate([np.full(m, 1.0), np.zeros(m)])
        dt, rtol, atol = (None, 1e-10, 1e-12) if adaptive else (0.01, 0.0, 0.0)
        st = Stepper(METHODS[name], fn, y0, np.array([1.0]), 0.0, dt, rtol, atol, 30.0)
        out = np.empty((targets.size, 2 * m))
        assert st.advance(targets, out, 10**9) == (targets.size, 0)
        results.append((st.steps, st.rejected, out[:, 0], out[:, m]))
    (s1, r1, x1, v1), (s64, r64, x64, v64) = results
    assert (s1, r1) == (s64, r64)
    np.testing.assert_allclose(x64, x1, rtol=0, atol=1e-13)
    np.testing.assert_allclose(v64, v1, rtol=0, atol=1e-13)
    assert np.max(np.abs(x64 - np.cos(targets))) < 1e-7


# --------------------------------------------------------------------------
# Lawson IF-RK4 (solvers.integrators.lawson)


def _nonlinear_rotation():
    from numba import njit

    @njit(cache=False)
    def rotation(t, v, p, out):
        # N(u, t) = i p0 cos(t) u: with L diagonal, u(t) = u0 e^{Lt + i p0 sin t}
        for j in range(v.size):
            out[j] = 1j * p[0] * np.cos(t) * v[j]

    return rotation


@pytest.mark.parametrize(
    "L", [np.array([-50.0, -1.0, 0.0]), np.array([-40j, 3j, 0.0])], ids=["dissipative", "dispersive"]
)
def test_lawson_rk4_is_fourth_order_and_exact_on_the_linear_part(L):
    """u' = L u + i a cos(t) u, exact u0 e^{Lt + i a sin t}: errors fall as h⁴,
    and a stiff dissipative L (hL = −5) costs no stability."""
    from solvers.integrators.lawson import lawson_rk4

    N = _nonlinear_rotation()
    L = L.astype(complex)
    p = np.array([2.0])
    u0 = np.array([1.0 + 0.5j, -0.3j, 2.0])
    t_end = 2.0
    errors = []
    for steps in (20, 40, 80):
        h = t_end / steps
        v = u0.copy()
        info = np.zeros(8)
        info[1] = h
        out = np.empty((1, 3), dtype=complex)
        status = lawson_rk4(
            N, np.exp(L * h), np.exp(L * h / 2), v, p, np.array([t_end]), out, 10**9, np.zeros((4, 3), complex), info
        )
        assert status == 0 and info[3] == steps
        exact = u0 * np.exp(L * t_end + 1j * p[0] * np.sin(t_end))
        errors.append(np.max(np.abs(out[0] - exact)))
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(np.abs(orders - 4.0) < 0.2), orders


def test_lawson_ifrk4_matches_rk4_on_the_interaction_picture():
    """The NLSE's ifrk4 runs in Lawson's form; RK4 on w = e^{−Lt}û (the path
    of PDEs without N) gives the same numbers up to round-off."""
    import dataclasses

    from solvers.run import make_config, make_stepper

    config = make_config("nlse", preset="two_soliton", method="ifrk4", dt=0.01, t_end=2.0, samples=5)
    lawson = make_stepper(config)
    assert lawson._lawson
    system = solvers.get_system("nlse")
    plain = dataclasses.replace(system, pde=dataclasses.replace(system.pde, nonlinear=None))
    reference = make_stepper(config, plain)
    assert not reference._lawson
    targets = np.linspace(0.5, 2.0, 4)
    rows = []
    for st in (lawson, reference):
        out = np.empty((4, st.y.size), dtype=complex)
        assert st.advance(targets, out, 10**9) == (4, 0)
        rows.append(st.to_output(targets, out))
    scale = np.max(np.abs(rows[1]))
    assert np.max(np.abs(rows[0] - rows[1])) < 1e-11 * scale


# --------------------------------------------------------------------------
# the vectorized helpers of the row-wise path (large states, complex spectra)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
@pytest.mark.parametrize("n", [2, 63, 64, 513])
def test_all_finite_finds_every_nan_and_inf(dtype, n):
    """Below ROW_WISE_MIN the early-exit loop, from it on the vectorized OR over
    the float64 view: both must see a NaN or ±Inf in any position, in the real
    or the imaginary part."""
    from solvers.integrators.explicit_rk import _all_finite

    rng = np.random.default_rng(n)
    y = rng.standard_normal(n).astype(dtype)
    if dtype == np.complex128:
        y += 1j * rng.standard_normal(n)
    assert _all_finite(y)
    parts = ("real", "imag") if dtype == np.complex128 else ("real",)
    for pos in sorted({0, n // 2, n - 1}):
        for bad in (np.nan, np.inf, -np.inf):
            for part in parts:
                z = y.copy()
                if part == "real":
                    z[pos] = bad if dtype == np.float64 else complex(bad, z[pos].imag)
                else:
                    z[pos] = complex(z[pos].real, bad)
                assert not _all_finite(z), (pos, bad, part)


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 64, 513])
def test_sum8_equals_an_exact_sum(n):
    import math

    from solvers.integrators.explicit_rk import _sum8

    x = np.random.default_rng(n).random(n) * 10.0 ** np.random.default_rng(n + 1).integers(-3, 4, n)
    assert abs(_sum8(x) - math.fsum(x)) <= 4 * np.finfo(float).eps * max(math.fsum(np.abs(x)), 1e-300)


@pytest.mark.parametrize("tableau", [DOPRI5, DOP853], ids=["dopri5", "dop853"])
def test_row_wise_error_norm_equals_the_per_component_one(tableau):
    """The fused row-wise sums (new state and both error estimates in one pass
    over each stage, the weighted squares summed in eight partial sums) give
    the error norm of the per-component loops, for real and complex states."""
    from solvers.integrators.explicit_rk import (
        DENSE_DOP853,
        DENSE_DOPRI5,
        _error_norm,
        _error_norm_rows,
        _step_sums_rows,
    )

    family = DENSE_DOP853 if tableau.D is not None else DENSE_DOPRI5
    E3 = np.zeros(1) if tableau.E3 is None else tableau.E3
    rng = np.random.default_rng(3)
    n, s, h, atol, rtol = 300, tableau.b.size, 0.03, 1e-9, 1e-7
    for dtype in (np.float64, np.complex128):
        K = rng.standard_normal((tableau.E.size, n)).astype(dtype)
        y = rng.standard_normal(n).astype(dtype)
        if dtype == np.complex128:
            K += 1j * rng.standard_normal(K.shape)
            y += 1j * rng.standard_normal(n)
        ynew, w5, w3 = (np.empty_like(y) for _ in range(3))
        _step_sums_rows(
            family, tableau.b, tableau.E, E3, h, s, K.view(np.float64), y.view(np.float64),
            ynew.view(np.float64), w5.view(np.float64), w3.view(np.float64),
        )  # fmt: skip
        np.testing.assert_allclose(ynew, y + h * (tableau.b @ K[:s]), rtol=0, atol=1e-14)
        rows = _error_norm_rows(family, tableau.E, E3, K, h, y, ynew, atol, rtol, w5, w3, np.empty(n), np.empty(n), s)
        scale = atol + np.maximum(np.abs(y), np.abs(ynew)) * rtol
        per_component = _error_norm(family, tableau.E, E3, K, h, scale, n)
        assert rows == pytest.approx(per_component, rel=1e-13)
