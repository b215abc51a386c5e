"""Peak tracking: sub-grid positions of exact pulses, tracks through the
periodic wrap, linking through collisions, the NLSE two-soliton shifts ±ln 2,
the KdV two-soliton shifts of Hirota's solution and the KdV speed–amplitude
relation c = εA/3, bad input."""

import math

import numpy as np
import pytest

import solvers
from solvers.diagnostics.solitons import collision_shift, find_peaks, track_peaks

HAS_KDV = "kdv" in solvers.list_systems()
needs_kdv = pytest.mark.skipif(not HAS_KDV, reason="the 'kdv' system is not in the catalog yet")


def grid(n=256, a=-20.0, b=20.0):
    return a + (b - a) * np.arange(n) / n


@pytest.mark.parametrize("method, tol", [("fourier", 1e-11), ("poly", 2e-3), ("parabola", 2e-2), ("centroid", 2e-2)])
def test_find_peaks_locates_exact_pulses(method, tol):
    x = grid(512, -40.0, 40.0)
    centres = [-17.3217, 14.05431]  # far apart: the tail of one does not move the other's peak
    f = 2.0 / np.cosh(x - centres[0]) ** 2 + 0.7 / np.cosh((x - centres[1]) / 1.5) ** 2
    pos, amp, width = find_peaks(x, f, threshold=0.1, method=method)
    assert pos.size == 2
    assert np.max(np.abs(pos - centres)) < tol
    if method in ("fourier", "poly"):
        assert np.max(np.abs(amp - [2.0, 0.7])) < (1e-10 if method == "fourier" else 1e-5)
    # FWHM of A sech²(x/w): 2 w acosh(√2)
    assert np.max(np.abs(width - 2 * math.acosh(math.sqrt(2)) * np.array([1.0, 1.5]))) < 0.01


def test_find_peaks_complex_field_uses_modulus():
    x = grid(512)
    psi = 1.3 / np.cosh(1.3 * (x - 2.345)) * np.exp(2j * x)
    pos, amp, _ = find_peaks(x, psi, threshold=0.5)
    assert pos.size == 1
    assert abs(pos[0] - 2.345) < 1e-11 and abs(amp[0] - 1.3) < 1e-11


def test_a_pulse_round_the_box_is_one_unwrapped_track():
    x = grid(256)
    L = 40.0
    t = np.linspace(0.0, 10.0, 51)
    centre = -15.0 + 6.0 * t  # travels 60 = 1.5 box lengths
    d = (x[None, :] - centre[:, None] + L / 2) % L - L / 2
    frames = 1.5 / np.cosh(d) ** 2
    res = track_peaks(x, frames, t)
    assert len(res.tracks) == 1 and res.collisions == []
    tr = res.tracks[0]
    assert tr.t.size == 51
    assert np.max(np.abs(tr.x - centre)) < 1e-9
    assert np.max(np.abs(tr.velocity - 6.0)) < 1e-6
    assert np.max(np.abs(tr.amplitude - 1.5)) < 1e-9


def test_crossing_pulses_are_linked_by_speed_and_amplitude():
    # a linear superposition on a non-periodic grid (7-point polynomial peaks, ~5e-6 accurate):
    # the humps merge into one and separate with no shift; the tracks must come out with their
    # own speed and amplitude
    x = grid(512, -30.0, 30.0)
    t = np.linspace(0.0, 20.0, 201)
    c1 = -15.0 + 1.5 * t
    c2 = 12.0 - 1.2 * t
    frames = 1.0 / np.cosh(x[None, :] - c1[:, None]) ** 2 + 0.6 / np.cosh(x[None, :] - c2[:, None]) ** 2
    res = track_peaks(x, frames, t, periodic=False)
    assert len(res.tracks) == 2
    assert len(res.collisions) == 1 and res.collisions[0].merged
    col = res.collisions[0]
    assert col.t_start < 10.0 < col.t_end and abs(col.x - (-15.0 + 1.5 * 10.0)) < 2.0
    fast, slow = sorted(res.tracks, key=lambda tr: -tr.amplitude[0])
    assert fast.t[0] == 0.0 and fast.t[-1] == 20.0 and slow.t[-1] == 20.0
    far = np.abs(fast.t - 10.0) > 5.0  # where the other pulse's tail is below 1e-8
    assert np.max(np.abs(fast.velocity[far] - 1.5)) < 1e-3
    assert np.max(np.abs(slow.velocity[np.abs(slow.t - 10.0) > 5.0] + 1.2)) < 1e-3
    assert abs(fast.amplitude[-1] - 1.0) < 1e-5 and abs(slow.amplitude[-1] - 0.6) < 1e-5
    assert abs(collision_shift(fast, 4.0, 16.0)) < 1e-5
    assert abs(collision_shift(slow, 4.0, 16.0)) < 1e-5


def test_nlse_two_soliton_shifts():
    """A = 1, v = ±1: each soliton comes out ln 2 ahead of its free motion
    (REFERENCES §1).  During the collision |ψ| shows interference fringes
    (three peaks), not one merged hump."""
    r = solvers.simulate("nlse", preset="two_soliton")
    res = track_peaks(r.x, r["psi"], r.t)
    assert len(res.tracks) == 2 and len(res.collisions) == 1 and res.unpaired == []
    assert 6.0 < res.collisions[0].t_start < 10.0 < res.collisions[0].t_end < 14.0
    for tr in res.tracks:
        assert tr.t[0] == 0.0 and tr.t[-1] == 20.0
        v = np.sign(tr.velocity[0])
        assert abs(np.median(tr.velocity) - v) < 1e-6
        assert abs(np.median(tr.amplitude) - 1.0) < 1e-6
        # outside the overlap: separation ≥ 12 widths
        assert abs(collision_shift(tr, 4.0, 16.0) - v * math.log(2)) < 1e-3


@needs_kdv
def test_kdv_two_soliton_shifts():
    """Hirota's two-soliton: the faster (κ₁) comes out (1/κ₁) ln[(κ₁+κ₂)/(κ₁−κ₂)] ahead,
    the slower (1/κ₂) of the same logarithm behind (REFERENCES §2), with
    κ = √(εA/(12μ))."""
    r = solvers.simulate("kdv", preset="two_soliton")
    eps, mu = r.params["eps"], r.params["mu"]
    k1, k2 = sorted((math.sqrt(eps * r.params[a] / (12 * mu)) for a in ("amplitude", "amplitude2")), reverse=True)
    log = math.log((k1 + k2) / (k1 - k2))
    res = track_peaks(r.x, r["u"], r.t)
    assert len(res.tracks) == 2 and len(res.collisions) == 1 and res.collisions[0].merged
    assert res.unpaired == []
    fast, slow = sorted(res.tracks, key=lambda tr: -np.median(tr.velocity))
    assert abs(collision_shift(fast, 2.5, 9.5) - log / k1) < 1e-3
    assert abs(collision_shift(slow, 2.5, 9.5) + log / k2) < 1e-3


@needs_kdv
@pytest.mark.parametrize("amplitude", [2.0, 1.0])
def test_kdv_speed_amplitude_relation(amplitude):
    """c = εA/3 (c = 2A in the canonical form ε = 6, μ = 1)."""
    r = solvers.simulate("kdv", preset="soliton", params={"amplitude": amplitude})
    res = track_peaks(r.x, r["u"], r.t)
    assert len(res.tracks) == 1
    tr = res.tracks[0]
    speed = np.polyfit(tr.t, tr.x, 1)[0]
    A = np.mean(tr.amplitude)
    assert abs(A - amplitude) < 1e-8
    assert abs(speed / (r.params["eps"] * A / 3) - 1.0) < 1e-8
    assert abs(speed * tr.t[-1] - (tr.x[-1] - tr.x[0])) < 1e-8  # unwrapped through the box


def test_bad_input():
    x = grid(64)
    f = np.exp(-(x**2))
    with pytest.raises(ValueError, match="uniform"):
        find_peaks(np.r_[x[:-1], 100.0], f, threshold=0.1)
    with pytest.raises(ValueError, match="shape"):
        find_peaks(x, f[:-1], threshold=0.1)
    with pytest.raises(ValueError, match="periodic"):
        find_peaks(x, f, threshold=0.1, periodic=False, method="fourier")
    with pytest.raises(ValueError, match="method"):
        find_peaks(x, f, threshold=0.1, method="spline")
    with pytest.raises(ValueError, match="threshold"):
        find_peaks(x, f, threshold=math.nan)
    frames = np.tile(f, (3, 1))
    with pytest.raises(ValueError, match="frames"):
        track_peaks(x, f, [0.0])
    with pytest.raises(ValueError, match="increasing"):
        track_peaks(x, frames, [0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="max_jump"):
        track_peaks(x, frames, [0.0, 1.0, 2.0], max_jump=0.0)
    tr = track_peaks(x, frames, [0.0, 1.0, 2.0]).tracks[0]
    with pytest.raises(ValueError, match="t_after"):
        collision_shift(tr, 1.0, 0.5)
    with pytest.raises(ValueError, match="samples"):
        collision_shift(tr, 0.5, 1.5)
