"""The vectorized unit phasors of the integrating-factor right-hand sides
(solvers/integrators/phases.py) against libm and an independent numpy
evaluation of e^{−Lt} N(e^{Lt} w)."""

import math

import numpy as np
import pytest

from solvers.integrators.phases import CIS_MAX, cis, quadratic_phases
from solvers.systems import kdv, nlse


def test_cis_matches_libm_to_round_off():
    rng = np.random.default_rng(1)
    # small angles, quadrant boundaries (multiples of π/4 and π/2 and just beside them), large angles
    k = np.arange(-40, 41)
    thetas = np.concatenate(
        [
            rng.uniform(-1.0, 1.0, 2000) * 1e-3,
            rng.uniform(-10.0, 10.0, 2000),
            k * math.pi / 4,
            np.nextafter(k * math.pi / 4, np.inf),
            np.nextafter(k * math.pi / 4, -np.inf),
            rng.uniform(-CIS_MAX, CIS_MAX, 2000),
            [0.0, -0.0, 0.5 * CIS_MAX, -0.999 * CIS_MAX],
        ]
    )
    got = np.array([cis(th) for th in thetas])
    want = np.cos(thetas) + 1j * np.sin(thetas)
    assert np.max(np.abs(got - want)) < 6e-16
    assert np.max(np.abs(np.abs(got) - 1.0)) < 4e-16


@pytest.mark.parametrize("alpha", [3e-5, -0.0237, 1.234, -13.7])
def test_quadratic_phases_match_exps_of_the_same_angles(alpha):
    count = 257
    out = np.empty(count + 3, dtype=complex)
    out[count:] = 7.0
    quadratic_phases(alpha, count, out)
    m = np.arange(count, dtype=float)
    th = alpha * m * m
    assert np.max(np.abs(out[:count] - (np.cos(th) + 1j * np.sin(th)))) < 6e-16
    assert np.all(out[count:] == 7.0)  # nothing written past count


def test_quadratic_phases_beyond_the_polynomial_range_use_exps():
    count = 513
    alpha = 4.0 * CIS_MAX / (count - 1) ** 2  # the largest angles exceed CIS_MAX
    out = np.empty(count, dtype=complex)
    quadratic_phases(alpha, count, out)
    m = np.arange(count, dtype=float)
    assert np.max(np.abs(out - np.exp(1j * (alpha * m * m)))) < 1e-15


def _if_numpy(linear, nonlinear, t, w):
    """e^{−Lt} N(e^{Lt} w) with numpy's exp."""
    return np.exp(-linear * t) * nonlinear(np.exp(linear * t) * w)


@pytest.mark.parametrize("n", [512, 255])
@pytest.mark.parametrize("t", [0.0, 0.37, 19.3, 4.0e4])
def test_nlse_interaction_picture_rhs_against_numpy(n, t):
    system = nlse.NLSE
    grid = system.pde.grid(n, (-25.0, 25.0))
    params = system.validate_params({}, system.default_params())
    p = nlse.nlse_pack(params, grid)
    w = np.fft.fft(nlse.bright_soliton(grid.x, 0.0, 2.0, 1.0, -10.0))
    L = nlse.nlse_linear(grid, params)

    def cubic(v):
        psi = np.fft.ifft(v)
        return np.fft.fft(1j * params["g"] * np.abs(psi) ** 2 * psi)

    out = np.empty_like(w)
    nlse.nlse_nonlinear_if(t, w, p, out)
    want = _if_numpy(L, cubic, t, w)
    # phases agree to the rounding of their angles (k² t / 2 up to ~4e8 at t = 4e4)
    tol = 1e-13 * max(1.0, np.max(np.abs(L)) * t * 1e-3)
    assert np.max(np.abs(out - want)) < tol * np.max(np.abs(want))


@pytest.mark.parametrize("t", [0.0, 0.37, 23.1])
def test_kdv_interaction_picture_rhs_against_numpy(t):
    system = kdv.KDV
    grid = system.pde.grid(512, (-30.0, 30.0))
    params = system.validate_params({"eps": 0.2, "mu": 0.1, "dealias": "none"})
    p = kdv.kdv_pack(params, grid)
    w = np.fft.rfft(kdv.soliton(grid.x, 0.0, 4.0, -10.0, 0.2, 0.1))
    L = kdv.kdv_linear(grid, params)
    k = grid.k(0, real=True)

    def flux(v):
        u = np.fft.irfft(v, 512)
        r = -0.5 * params["eps"] * 1j * k * np.fft.rfft(u * u)
        r[-1] = 0.0
        return r

    out = np.empty_like(w)
    kdv.kdv_nonlinear_if(t, w, p, out)
    want = _if_numpy(L, flux, t, w)
    tol = 1e-13 * max(1.0, np.max(np.abs(L)) * t * 1e-3)
    assert np.max(np.abs(out - want)) < tol * np.max(np.abs(want))
