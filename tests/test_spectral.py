"""Grids, transforms, derivatives and filters of solvers.spectral, and the
ETDRK4 coefficients, against closed forms."""

import numpy as np
import pytest

from solvers.integrators.etdrk4 import etdrk4_coefficients
from solvers.spectral import make_grid, periodic_mismatch, resolution


def test_periodic_grid_excludes_the_endpoint():
    g = make_grid(64, (-np.pi, np.pi), 1)
    assert g.x[0] == -np.pi and g.x[-1] == pytest.approx(np.pi - 2 * np.pi / 64)
    assert g.spacing() == pytest.approx(2 * np.pi / 64)
    np.testing.assert_allclose(g.k(0, real=True), np.arange(33))


def test_spectral_derivatives_are_exact_for_trigonometric_data():
    g = make_grid(32, (0, 2 * np.pi), 1)
    u = np.sin(3 * g.x) + 0.5 * np.cos(7 * g.x)
    np.testing.assert_allclose(g.derivative(u), 3 * np.cos(3 * g.x) - 3.5 * np.sin(7 * g.x), atol=1e-12)
    np.testing.assert_allclose(g.derivative(u, 2), -9 * np.sin(3 * g.x) - 24.5 * np.cos(7 * g.x), atol=1e-11)
    z = np.exp(2j * g.x)
    np.testing.assert_allclose(g.derivative(z), 2j * z, atol=1e-12)


def test_derivative_converges_spectrally_for_smooth_periodic_data():
    errors = []
    for n in (16, 32, 64):
        g = make_grid(n, (0, 2 * np.pi), 1)
        u = np.exp(np.sin(g.x))
        errors.append(np.max(np.abs(g.derivative(u) - np.cos(g.x) * u)))
    assert errors[0] > 1e-8 and errors[2] < 1e-13  # faster than any power of 1/n


def test_2d_grid_layout_and_integrals():
    g = make_grid((64, 32), ((0, 2 * np.pi), (0, np.pi)), 2)
    assert g.shape == (32, 64)  # [y, x]
    X, Y = g.mesh()
    u = np.sin(X) ** 2 * np.sin(2 * Y) ** 2
    assert g.integrate(u) == pytest.approx(np.pi * np.pi / 2, rel=1e-12)
    np.testing.assert_allclose(
        g.derivative(np.sin(X) * np.cos(2 * Y), 1, axis=1), -2 * np.sin(X) * np.sin(2 * Y), atol=1e-12
    )


def test_cosine_grid_round_trip_and_neumann_modes():
    g = make_grid(40, (0, 1), 1, basis="cosine")
    assert g.x[0] == pytest.approx(1 / 80)  # cell-centred
    u = np.cos(3 * np.pi * g.x)
    uh = g.forward(u, real=True)
    assert np.argmax(np.abs(uh)) == 3 and np.sum(np.abs(uh) > 1e-12) == 1
    np.testing.assert_allclose(g.inverse(uh, real=True), u, atol=1e-14)


def test_dealias_mask_keeps_two_thirds():
    g = make_grid(96, (0, 2 * np.pi), 1)
    mask = g.dealias_mask(real=False)
    assert np.max(np.abs(g.k(0)[mask])) < 32 <= np.min(np.abs(g.k(0)[~mask]))


def test_resolution_and_periodicity_reports():
    g = make_grid(256, (-20, 20), 1)
    assert resolution(1 / np.cosh(g.x), g) < 1e-10
    assert resolution(np.where(np.abs(g.x) < 1, 1.0, 0.0), g) > 1e-3
    assert periodic_mismatch(1 / np.cosh(g.x), g) < 1e-6
    assert periodic_mismatch(np.tanh(g.x), g) > 1.0


@pytest.mark.parametrize(
    ("n", "domain", "pattern"),
    [
        (4, (0, 1), "too few"),
        (64, (1, 1), "empty or reversed"),
        (64, (0, np.inf), "not finite"),
        ((64, 64), (0, 1), "gives 2 axes"),
    ],
)
def test_bad_grids(n, domain, pattern):
    with pytest.raises(ValueError, match=pattern):
        make_grid(n, domain, 1)


def test_etdrk4_coefficients_match_the_direct_formulas():
    """Where the direct formulas are well conditioned (|hL| ≳ 1) the contour
    integrals must agree with them, for real and imaginary L."""
    h = 0.5
    for L in (np.array([-2.0, -10.0, -50.0, 3.0]), np.array([-3j, 8j, -40j])):
        E, _E2, Q, f1, f2, f3 = etdrk4_coefficients(L, h)
        z = h * L
        np.testing.assert_allclose(E, np.exp(z), rtol=1e-14)
        np.testing.assert_allclose(Q, h * (np.exp(z / 2) - 1) / z, rtol=1e-12)
        np.testing.assert_allclose(f1, h * (-4 - z + np.exp(z) * (4 - 3 * z + z * z)) / z**3, rtol=1e-10)
        np.testing.assert_allclose(f2, h * (2 + z + np.exp(z) * (z - 2)) / z**3, rtol=1e-10)
        np.testing.assert_allclose(f3, h * (-4 - 3 * z - z * z + np.exp(z) * (4 - z)) / z**3, rtol=1e-10)


def test_etdrk4_coefficients_have_the_right_limits_at_zero():
    """At L = 0: Q = h/2, f1 = h/6, f2 = h/3 (sic: 2·f2 weights the two middle
    stages), f3 = h/6 — ETDRK4 reduces to classical RK4."""
    h = 0.1
    _E, _E2, Q, f1, f2, f3 = etdrk4_coefficients(np.array([0.0, 1e-12]), h)
    np.testing.assert_allclose(Q, h / 2, rtol=1e-12)
    np.testing.assert_allclose(f1, h / 6, rtol=1e-12)
    np.testing.assert_allclose(f2, h / 6, rtol=1e-12)
    np.testing.assert_allclose(f3, h / 6, rtol=1e-12)
