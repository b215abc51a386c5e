"""The Klein–Gordon family (linear Klein–Gordon, φ⁴, sine-Gordon): exact solutions,
conservation laws, the outcome of φ⁴ kink–antikink collisions on both sides of the
critical speed, the group velocity of a linear wave packet and the CFL limit."""

import math

import numpy as np
import pytest

import solvers
from solvers.catalog import get_system
from solvers.integrators import METHODS, STATUS_NONFINITE, STATUS_OK, STATUS_PAUSED, Stepper
from solvers.spectral import make_grid
from solvers.systems import klein_gordon as kg


def crossings(x, f):
    """Zeros of f between grid points (linear interpolation), not across the wrap."""
    s = np.sign(f)
    i = np.where(s[:-1] * s[1:] < 0)[0]
    return x[i] - f[i] * (x[i + 1] - x[i]) / (f[i + 1] - f[i])


def bounces(phi0):
    """How many times the field at the centre dips below zero (once per collision)."""
    return int(np.sum((phi0[1:] < 0) & (phi0[:-1] >= 0)))


def relative_drift(values):
    return float(np.max(np.abs(values - values[0])) / abs(values[0]))


# ---------------------------------------------------------------------------
# the kernels against an independent numpy implementation


@pytest.mark.parametrize(
    ("name", "params", "dV"),
    [
        ("klein_gordon", {"m": 1.3}, lambda f: 1.3**2 * f),
        ("phi4", {"lam": 1.7, "v": 0.8}, lambda f: 1.7 * f * (f * f - 0.64)),
        ("sine_gordon", {}, np.sin),
    ],
)
def test_accel_and_rhs_match_numpy(name, params, dV):
    system = get_system(name)
    full = system.validate_params(params)
    grid = make_grid(128, (-20.0, 20.0), 1)
    x = grid.x
    rng = np.random.default_rng(0)
    phi = sum(rng.normal() * np.cos(2 * np.pi * j * x / 40 + rng.uniform(0, 6)) for j in range(1, 12))
    phi_t = np.exp(-(x**2) / 8)
    p = system.pde.pack(full, grid)
    assert p[-2:].tolist() == [128, 40.0]
    expected = grid.derivative(phi, order=2) - dV(phi)
    a = np.empty(128)
    system.accel(0.0, phi.copy(), p, a)
    np.testing.assert_allclose(a, expected, atol=1e-10 * np.abs(expected).max())
    f = np.empty(256)
    system.rhs(0.0, np.concatenate([phi, phi_t]), p, f)
    np.testing.assert_array_equal(f[:128], phi_t)
    np.testing.assert_allclose(f[128:], a, rtol=0, atol=1e-14 * np.abs(a).max())


def test_declarations():
    for name in ("klein_gordon", "phi4", "sine_gordon"):
        s = get_system(name)
        assert s.kind == "pde" and [v.name for v in s.variables] == ["phi", "phi_t"]
        assert all(v.size == "grid" and not v.complex for v in s.variables)
        assert s.methods == ("yoshida4", "leapfrog") and s.default_method == "yoshida4"
        assert {i.name for i in s.invariants} == {"energy", "momentum"}
        for preset in s.presets:
            if preset.name.startswith("published_"):
                assert "As published" in preset.title and "amangkurat" in preset.source


# ---------------------------------------------------------------------------
# sine-Gordon


def test_sine_gordon_breather_matches_exact_solution_over_several_periods():
    omega = 0.5
    period = 2 * math.pi / omega
    r = solvers.simulate("sine_gordon", preset="breather", t_end=3 * period, samples=301)
    assert r.status == "done", r.message
    preset = get_system("sine_gordon").preset("breather")
    exact = preset.exact(r.t, r.grid, r.params)
    err_phi = np.max(np.abs(r["phi"] - exact["phi"]))
    err_phit = np.max(np.abs(r["phi_t"] - exact["phi_t"]))
    assert err_phi <= 1e-5 and err_phit <= 1e-5, (err_phi, err_phit)  # measured 5e-8, 6e-8
    # it starts at its maximum, at rest, and returns there every period
    assert np.max(np.abs(r["phi_t"][0])) == 0.0
    peak = 4 * math.atan(math.sqrt(1 - omega**2) / omega)
    assert r["phi"][0].max() == pytest.approx(peak, rel=1e-12)
    for k in (100, 200, 300):  # t = period, 2 periods, 3 periods
        assert r["phi"][k].max() == pytest.approx(peak, abs=1e-5)
    E = r.invariants["energy"]
    assert E[0] == pytest.approx(16 * math.sqrt(1 - omega**2), rel=1e-10)
    assert relative_drift(E) < 1e-8
    assert np.max(np.abs(r.invariants["momentum"])) < 1e-12


def test_a_finer_grid_than_the_presets_gets_a_stable_step_and_says_so():
    """The breather preset's dt = 0.01 is beyond the CFL limit on 4096 points of
    its box: the run takes 0.9 of the limit (a whole number of steps per
    sample), reports it, and still follows the exact breather."""
    system = get_system("sine_gordon")
    preset = system.preset("breather")
    omega = 0.5
    r = solvers.simulate("sine_gordon", preset="breather", n=4096, t_end=2 * math.pi / omega, samples=5)
    assert r.status == "done", r.message
    limit = system.pde.max_dt(r.grid, r.params)
    assert preset.dt > limit
    note = next(m for m in r.messages if "chosen automatically" in m)
    dt_used = float(note.split("dt = ")[1].split(" ")[0])
    assert dt_used <= 0.9 * limit
    assert "yoshida4" in note and f"dt = {preset.dt:g}, is unstable" in note
    exact = preset.exact(r.t, r.grid, r.params)
    assert np.max(np.abs(r["phi"] - exact["phi"])) < 1e-5
    # no note when the preset's own step is stable
    r = solvers.simulate("sine_gordon", preset="breather", t_end=1.0, samples=2)
    assert not any("chosen automatically" in m for m in r.messages)


def test_the_published_breather_formula_is_not_a_breather():
    """REFERENCES §3: 4 arctan[1/(k cosh kx)] is not the breather (amangkurat case 3)."""
    grid = make_grid(512, (-40.0, 40.0), 1)
    system = get_system("sine_gordon")
    params = system.validate_params({})
    published = system.preset("published_breather").initial_fn(grid, params, None)
    right = system.preset("breather").initial_fn(grid, system.validate_params({"omega": 0.5}), None)
    assert np.max(np.abs(published["phi"] - right["phi"])) > 0.5
    values = {**published, "grid": grid}
    E = system.invariants[0].fn(values, params)
    P = system.invariants[1].fn(values, params)
    assert E == pytest.approx(12.3017, abs=1e-4) and abs(E - 16 * math.sqrt(0.75)) > 1.5
    assert P == pytest.approx(-3.5250, abs=1e-4)  # the real breather has P = 0


def test_sine_gordon_kink_antikink_exact_solution():
    u = 0.5
    r = solvers.simulate("sine_gordon", preset="kink_antikink", samples=301)
    preset = get_system("sine_gordon").preset("kink_antikink")
    exact = preset.exact(r.t, r.grid, r.params)
    assert np.max(np.abs(r["phi"] - exact["phi"])) < 1e-6  # measured 4e-8
    assert np.max(np.abs(r["phi_t"] - exact["phi_t"])) < 1e-6
    gamma = 1 / math.sqrt(1 - u * u)
    assert r.invariants["energy"][0] == pytest.approx(16 * gamma, rel=1e-10)
    assert relative_drift(r.invariants["energy"]) < 1e-8
    # the pair starts apart with φ = −2π between them, passes through at t = −t0 and
    # ends apart with φ = +2π between them
    i0 = np.argmin(np.abs(r.x))
    assert r["phi"][0, i0] == pytest.approx(-2 * math.pi, abs=1e-3)
    assert r["phi"][-1, i0] == pytest.approx(2 * math.pi, abs=1e-3)
    assert abs(r["phi"][150, i0]) < 1e-6
    # the exact formula itself solves the equation (independent of the solver):
    # φ_tt − φ_xx + sin φ by finite differences in t and spectral derivatives in x
    h = 1e-3
    t = np.array([-2.0 - h, -2.0, -2.0 + h]) - r.params["t0"]
    ex = preset.exact(t, r.grid, r.params)
    phi_tt = (ex["phi"][2] - 2 * ex["phi"][1] + ex["phi"][0]) / h**2
    residual = phi_tt - r.grid.derivative(ex["phi"][1], order=2) + np.sin(ex["phi"][1])
    assert np.max(np.abs(residual)) < 1e-5
    np.testing.assert_allclose((ex["phi"][2] - ex["phi"][0]) / (2 * h), ex["phi_t"][1], atol=1e-6)


def test_sine_gordon_travelling_kink():
    u = 0.6
    gamma = 1 / math.sqrt(1 - u * u)
    r = solvers.simulate("sine_gordon", preset="kink")
    exact = get_system("sine_gordon").preset("kink").exact(r.t, r.grid, r.params)
    assert np.max(np.abs(r["phi"] - exact["phi"])) < 1e-6
    # two isolated kinks (the kink and the antikink that makes the box periodic)
    assert r.invariants["energy"][0] == pytest.approx(2 * 8 * gamma, rel=1e-12)
    assert r.invariants["momentum"][0] == pytest.approx(2 * 8 * gamma * u, rel=1e-10)
    assert not r.messages  # periodic and resolved


# ---------------------------------------------------------------------------
# linear Klein–Gordon


def test_klein_gordon_packet_exact_solution_and_group_velocity():
    k0, m = 2.0, 1.0
    r = solvers.simulate("klein_gordon", preset="wave_packet")
    preset = get_system("klein_gordon").preset("wave_packet")
    exact = preset.exact(r.t, r.grid, r.params)
    assert np.max(np.abs(r["phi"] - exact["phi"])) < 1e-6  # measured 5e-8 over t ≤ 40
    # the centre of energy moves at exactly P/E (a conservation law of relativistic
    # fields; here up to the time-stepping error of the dispersion relation) and P/E
    # is the group velocity up to the packet's bandwidth
    grid = r.grid
    e = 0.5 * r["phi_t"] ** 2 + 0.5 * grid.derivative(r["phi"]) ** 2 + 0.5 * m * m * r["phi"] ** 2
    centre = np.sum(r.x * e, axis=1) / np.sum(e, axis=1)
    slope, icpt = np.polyfit(r.t, centre, 1)
    assert np.max(np.abs(centre - (slope * r.t + icpt))) < 1e-8
    E, P = r.invariants["energy"], r.invariants["momentum"]
    assert slope == pytest.approx(P[0] / E[0], rel=1e-7)  # measured 6e-9
    vg = kg.group_velocity(k0, m)
    assert vg == pytest.approx(2 / math.sqrt(5))
    assert slope == pytest.approx(vg, rel=1e-3)  # measured 0.89498 against 0.89443
    # a phase velocity ω/k would be 1.118: clearly not what the packet does
    assert abs(slope - math.sqrt(k0**2 + m**2) / k0) > 0.2


def test_klein_gordon_standing_wave():
    r = solvers.simulate("klein_gordon", preset="standing_wave")
    exact = get_system("klein_gordon").preset("standing_wave").exact(r.t, r.grid, r.params)
    assert np.max(np.abs(r["phi"] - exact["phi"])) < 1e-6
    assert not r.messages


def test_klein_gordon_energy_has_no_secular_drift():
    """Leapfrog near half its stability limit for t = 4000 (~1800 oscillation periods):
    the energy error oscillates but does not grow."""
    r = solvers.simulate("klein_gordon", preset="wave_packet", method="leapfrog", dt=0.1, t_end=4000.0, samples=4001)
    assert r.status == "done"
    E = r.invariants["energy"]
    dev = np.abs(E - E[0]) / E[0]
    tenth = len(E) // 10
    first, last = dev[:tenth], dev[-tenth:]
    assert 1e-6 < first.max() < 1e-3  # a visible O(dt²) oscillation…
    assert last.max() < 1.5 * first.max()  # …that does not grow
    assert abs(np.mean(E[-tenth:]) - np.mean(E[:tenth])) / E[0] < 0.2 * first.max()


def test_published_linear_wave_meets_its_periodic_images():
    """amangkurat case 1 in its own box differs from the same pulse on a much wider
    box once the fronts have crossed the boundary (t ≳ 30)."""
    small = solvers.simulate("klein_gordon", preset="published_linear_wave", samples=11)
    wide = solvers.simulate("klein_gordon", preset="published_linear_wave", samples=11, domain=(-120, 120), n=2048)
    sel = (wide.x >= -30 - 1e-9) & (wide.x < 30 - 1e-9)
    diff = np.max(np.abs(wide["phi"][:, sel] - small["phi"]), axis=1)
    assert diff[4] < 1e-9  # t = 20
    assert diff[10] > 0.1  # t = 50


# ---------------------------------------------------------------------------
# φ⁴


def test_phi4_kink_energy_and_exact_motion():
    for lam, v in ((1.0, 1.0), (2.0, 1.5)):
        u = 0.5
        gamma = 1 / math.sqrt(1 - u * u)
        r = solvers.simulate("phi4", preset="kink", params={"lam": lam, "v": v}, t_end=20.0, samples=21, n=1024)
        M = 2 * math.sqrt(2) / 3 * math.sqrt(lam) * v**3
        assert kg.phi4_kink_mass({"lam": lam, "v": v}) == pytest.approx(M)
        # a kink and the antikink half a box away: E = 2γM, P = 2γMu
        assert r.invariants["energy"][0] == pytest.approx(2 * gamma * M, rel=1e-12)
        assert r.invariants["momentum"][0] == pytest.approx(2 * gamma * M * u, rel=1e-10)
        exact = get_system("phi4").preset("kink").exact(r.t, r.grid, r.params)
        assert np.max(np.abs(r["phi"] - exact["phi"])) < 1e-6 * v


def test_phi4_single_kink_in_a_periodic_box_is_flagged():
    r = solvers.simulate("phi4", preset="published_kink", t_end=1.0, samples=2)
    assert any("does not fit the periodic box" in m for m in r.messages)
    assert r.invariants["energy"][0] > 25  # the boundary jump, against 0.94 for the kink


def test_phi4_kink_antikink_initial_data():
    grid = make_grid(512, (-50.0, 50.0), 1)
    params = {"lam": 1.0, "v": 1.0}
    f = kg.phi4_pair(grid.x, params, 0.3, 16.0)
    gamma = 1 / math.sqrt(1 - 0.09)
    x = grid.x
    expected = np.tanh(gamma * (x + 8 - 0) / math.sqrt(2)) - np.tanh(gamma * (x - 8) / math.sqrt(2)) - 1
    np.testing.assert_allclose(f["phi"], expected, atol=1e-15)
    assert f["phi"][0] == pytest.approx(-1, abs=1e-12) and f["phi"][-1] == pytest.approx(-1, abs=1e-12)
    # each kink's own φ_t: finite difference of the moving pair
    h = 1e-6
    later = np.tanh(gamma * (x + 8 - 0.3 * h) / math.sqrt(2)) - np.tanh(gamma * (x - 8 + 0.3 * h) / math.sqrt(2)) - 1
    np.testing.assert_allclose(f["phi_t"], (later - expected) / h, atol=1e-6)
    # the published superposition (amangkurat case 4) misses the −1 and moves both steps right
    pub = get_system("phi4").preset("published_collision").initial_fn(make_grid(1024, (-50, 50), 1), params, None)
    assert abs(pub["phi"][0]) < 1e-12 and pub["phi"].max() == pytest.approx(2.0, abs=1e-5)


def run_collision(preset, t_end=None):
    r = solvers.simulate("phi4", preset=preset, t_end=t_end, samples=None if t_end is None else int(4 * t_end) + 1)
    assert r.status == "done", r.message
    assert relative_drift(r.invariants["energy"]) <= 1e-6, relative_drift(r.invariants["energy"])  # measured 2e-8
    assert np.max(np.abs(r.invariants["momentum"])) < 1e-10  # symmetric collisions
    return r


def test_phi4_escape_above_the_critical_speed():
    r = run_collision("collision_escape")
    x = r.x
    assert bounces(r["phi"][:, np.argmin(np.abs(x))]) == 1
    end, before = crossings(x, r["phi"][-1]), crossings(x, r["phi"][-41])  # t = 100 and t = 90
    assert len(end) == 2 and len(before) == 2
    assert end[1] == pytest.approx(-end[0], abs=1e-6)
    assert end[1] > 10.0  # separated kinks (measured 12.2)…
    speed = (end[1] - before[1]) / 10.0
    assert 0.1 < speed < 0.2  # …moving apart, slower than they came in (measured 0.14)
    assert r["phi"][-1, np.argmin(np.abs(x))] == pytest.approx(1.0, abs=0.1)


def test_phi4_capture_below_the_critical_speed():
    r = run_collision("collision_bion")
    x = r.x
    late = slice(int(0.6 * len(r.t)), None)  # t ≥ 60, after the first collision at t ≈ 40
    centre = r["phi"][late, np.argmin(np.abs(x))]
    assert centre.max() - centre.min() > 1.0  # φ(0) keeps oscillating…
    assert bounces(centre) >= 4
    for f in r["phi"][late]:
        assert np.all(np.abs(crossings(x, f)) < 4.0)  # …and no kink gets away


def test_phi4_two_bounce_window():
    """u = 0.2 is below the critical speed but inside the widest two-bounce window:
    two collisions, then escape (not a bion)."""
    r = run_collision("collision_two_bounce")
    x = r.x
    assert bounces(r["phi"][:, np.argmin(np.abs(x))]) == 2
    end = crossings(x, r["phi"][-1])
    assert len(end) == 2 and end[1] > 15.0  # measured 24.4 at t = 150


def test_published_collision_is_not_a_kink_antikink_collision():
    r = solvers.simulate("phi4", preset="published_collision", t_end=40.0, samples=41)
    assert r.invariants["momentum"][0] == pytest.approx(0.593, abs=1e-3)  # both steps move right
    far = np.abs(r.x) > 40
    assert np.max(np.abs(r["phi"][0][far])) < 1e-12  # the unstable maximum φ = 0 of V…
    assert np.max(np.abs(r["phi"][-1][far])) > 0.9  # …has rolled down to the vacua by t = 40


# ---------------------------------------------------------------------------
# the CFL limit


def test_max_dt_and_the_refusal_of_larger_steps():
    system = get_system("phi4")
    grid = make_grid(512, (-50.0, 50.0), 1)
    params = system.validate_params({})
    limit = system.pde.max_dt(grid, params)
    omega_max = math.sqrt((math.pi * 512 / 100.0) ** 2 + 11.0)
    assert limit == pytest.approx(0.7 * 2 / omega_max, rel=1e-12)
    assert limit < kg.YOSHIDA4_LIMIT / omega_max
    cfg = solvers.make_config("phi4", preset="collision_escape", dt=0.99 * limit, t_end=1.0)
    assert cfg.dt == pytest.approx(0.99 * limit)
    with pytest.raises(ValueError, match=r"dt: 0.1 exceeds the stability \(CFL\) limit 0.08"):
        solvers.make_config("phi4", preset="collision_escape", dt=0.1)
    # on a grid sixteen times finer the preset's step is unstable: a step given
    # explicitly is refused, the preset's own is lowered to 0.9 of the limit
    with pytest.raises(ValueError, match="CFL"):
        solvers.make_config("phi4", preset="collision_escape", n=8192, dt=0.01)
    fine = solvers.make_config("phi4", preset="collision_escape", n=8192)
    fine_limit = system.pde.max_dt(make_grid(8192, (-50.0, 50.0), 1), fine.params)
    assert fine.dt == pytest.approx(0.9 * fine_limit, rel=1e-12)
    for name in ("klein_gordon", "sine_gordon", "phi4"):
        s = get_system(name)
        for preset in s.presets:
            g = preset.grid(s.validate_params(preset.params)) if callable(preset.grid) else preset.grid
            gr = s.pde.grid(g["n"], g["domain"])
            assert preset.dt <= s.pde.max_dt(gr, s.validate_params(preset.params)), (name, preset.name)


@pytest.mark.parametrize(("method", "bound"), [("leapfrog", 2.0), ("yoshida4", kg.YOSHIDA4_LIMIT)])
def test_stability_bound_is_where_the_schemes_blow_up(method, bound):
    """ω_max = √(k_Nyquist² + m²) is the right frequency: just below bound/ω_max the
    scheme stays bounded, just above it the Nyquist mode grows."""
    system = get_system("klein_gordon")
    grid = make_grid(64, (-10.0, 10.0), 1)
    params = system.validate_params({"m": 2.0})
    omega_max = math.sqrt((math.pi * 64 / 20.0) ** 2 + 4.0)
    p = system.pde.pack(params, grid)
    rng = np.random.default_rng(1)
    y0 = np.concatenate([1e-3 * rng.standard_normal(64), np.zeros(64)])
    for factor, expect in ((0.98, STATUS_OK), (1.02, STATUS_NONFINITE)):
        dt = factor * bound / omega_max
        st = Stepper(METHODS[method], system.accel, y0, p, 0.0, dt, 0.0, 0.0, math.inf)
        targets = np.array([20000 * dt])
        out = np.empty((1, 128))
        status = STATUS_OK
        for _ in range(40):
            _, status = st.advance(targets, out, 1000)
            if status != STATUS_PAUSED:
                break
        assert status == expect, (method, factor, status)
        if expect == STATUS_OK:
            assert np.max(np.abs(out[0])) < 1.0
