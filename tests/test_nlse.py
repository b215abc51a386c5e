"""NLSE against its exact solutions (REFERENCES §1)."""

import numpy as np
import pytest

import solvers
from solvers.systems import nlse


def relative_drift(values):
    return np.max(np.abs(values - values[0])) / abs(values[0])


def test_soliton_on_the_published_grid():
    """L = 50, N = 512, t = 20: error ≤ 1e-8, mass ≤ 1e-12, H ≤ 1e-10 (the
    published solver reaches ~8e-7 here)."""
    r = solvers.simulate("nlse", preset="soliton")
    assert r.status == "done"
    assert r.grid.n == (512,) and r.grid.length() == 50.0 and r.t[-1] == 20.0
    exact = nlse._soliton_exact(r.t, r.grid, r.config.params)["psi"]
    assert np.max(np.abs(r["psi"] - exact)) <= 1e-8
    assert relative_drift(r.invariants["mass"]) <= 1e-12
    assert relative_drift(r.invariants["hamiltonian"]) <= 1e-10
    # the invariants have their exact values: N = 2A, P = 2Av, H = Av² − A³/3
    A, v = 2.0, 1.0
    np.testing.assert_allclose(r.invariants["mass"][0], 2 * A, rtol=1e-12)
    np.testing.assert_allclose(r.invariants["momentum"][0], 2 * A * v, rtol=1e-9)
    np.testing.assert_allclose(r.invariants["hamiltonian"][0], A * v * v - A**3 / 3, rtol=1e-9)


@pytest.mark.parametrize(
    ("method", "kwargs", "tol"),
    [
        ("ssf4", {"dt": 0.001}, 1e-8),
        ("ssf6", {"dt": 0.01}, 1e-8),
        ("etdrk4", {"dt": 0.001}, 3e-9),
        ("ifrk4", {"dt": 0.001}, 1e-8),
        ("if_dopri5", {"rtol": 1e-11, "atol": 1e-11}, 1e-9),
        ("ssf2", {"dt": 0.001}, 5e-4),
    ],
)
def test_every_method_converges_to_the_soliton(method, kwargs, tol):
    r = solvers.simulate("nlse", preset="soliton", method=method, **kwargs)
    exact = nlse._soliton_exact(r.t, r.grid, r.config.params)["psi"]
    assert np.max(np.abs(r["psi"] - exact)) <= tol


def soliton_error(method, dt, samples=100):
    r = solvers.simulate("nlse", preset="soliton", method=method, dt=dt, samples=samples)
    exact = nlse._soliton_exact(r.t, r.grid, r.config.params)["psi"]
    return np.max(np.abs(r["psi"] - exact)), r


@pytest.mark.parametrize(("method", "order", "dt"), [("ssf2", 2, 0.004), ("ssf4", 4, 0.01), ("ssf6", 6, 0.02)])
def test_split_step_convergence_order(method, order, dt):
    """Halving the step divides the error by 2^order (the merged linear half
    steps must not cost an order), and the mass stays at round-off."""
    e1, r1 = soliton_error(method, dt)
    e2, r = soliton_error(method, dt / 2)
    # steps per sample interval are whole numbers: use the steps actually taken
    assert abs(np.log(e1 / e2) / np.log(r.steps / r1.steps) - order) < 0.3
    assert relative_drift(r.invariants["mass"]) < 1e-12


def test_sixth_order_split_step_beats_the_published_accuracy_with_fewer_steps():
    """Kahan–Li's 9-substep composition at 9 steps per sample interval: error
    below the published solver's 9.3e-7 and H drift far below its 3.4e-9."""
    err, r = soliton_error("ssf6", 0.0225)
    assert r.steps == 99 * 9
    assert err < 6e-7
    assert relative_drift(r.invariants["hamiltonian"]) < 1e-10


@pytest.mark.parametrize("method", ["ssf2", "ssf6"])
def test_split_step_pauses_do_not_change_the_answer(method):
    """Pausing after every few steps finishes the pending merged half step:
    same state as an uninterrupted run, to round-off."""
    from solvers.run import make_config, make_stepper

    config = make_config("nlse", preset="soliton", method=method, dt=0.01, t_end=2.0, samples=3)
    targets = np.array([1.0, 2.0])
    whole = make_stepper(config)
    out_whole = np.empty((2, whole.y.size), dtype=complex)
    assert whole.advance(targets, out_whole, 10**9) == (2, 0)
    parts = make_stepper(config)
    out_parts = np.empty_like(out_whole)
    done = 0
    while done < 2:
        k, status = parts.advance(targets[done:], out_parts[done:], 7)
        assert status in (0, 1)
        done += k
    assert parts.steps == whole.steps == 200
    np.testing.assert_allclose(out_parts, out_whole, rtol=0, atol=1e-12 * np.abs(out_whole).max())


def test_split_step_phase_tables_merge_adjacent_half_steps():
    from solvers.integrators.split_step import WEIGHTS, phase_tables

    L = np.array([0.0, -0.5j, -2j])
    w = WEIGHTS["ssf4"]
    E = phase_tables(L, 0.1, w)
    assert E.shape == (5, 3)
    np.testing.assert_allclose(E[0], np.exp(L * (w[0] + w[1]) * 0.05))
    np.testing.assert_allclose(E[2], np.exp(L * w[0] * 0.1))  # last into first of the next step
    np.testing.assert_allclose(E[3], np.exp(L * w[0] * 0.05))
    # every composition is symmetric and consistent, with the odd moments of a symmetric method of its order
    for name, order in (("ssf2", 2), ("ssf4", 4), ("ssf6", 6)):
        w = WEIGHTS[name]
        np.testing.assert_allclose(w, w[::-1], rtol=0, atol=0)
        assert abs(w.sum() - 1.0) < 1e-15
        for q in range(3, order, 2):
            assert abs(np.sum(w**q)) < 1e-15


@pytest.mark.parametrize("tau", [1e-3, 0.1, 0.12, 0.3, 2.0])
def test_nonlinear_flow_matches_the_exponential(tau):
    """The polynomial phase (|θ| ≤ ½) and the libm one agree with e^{iθ} to round-off."""
    rng = np.random.default_rng(3)
    psi = 2.0 * rng.random(512) * np.exp(2j * np.pi * rng.random(512))
    p = np.array([1.0, 512.0, 50.0, 0.0])
    out = np.empty_like(psi)
    nlse.nlse_nonlinear_flow(tau, psi, p, out)
    expected = psi * np.exp(1j * np.abs(psi) ** 2 * tau)
    assert np.max(np.abs(out - expected)) < 4e-15 * max(1.0, 4 * tau)
    same = psi.copy()
    nlse.nlse_nonlinear_flow(tau, same, p, same)  # in place is allowed
    np.testing.assert_array_equal(same, out)


def centre(x, density):
    return np.sum(x * density) / np.sum(density)


def test_two_soliton_collision_shifts():
    """A = 1, v = ±1: each soliton is pushed forward by ln R / A with R = 2."""
    r = solvers.simulate("nlse", preset="two_soliton")
    assert r.status == "done"
    x = r.x
    rho = np.abs(r["psi"][-1]) ** 2
    right, left = x > 0, x < 0
    x1 = centre(x[right], rho[right])  # started at −10 moving right
    x2 = centre(x[left], rho[left])
    R = ((2.0) ** 2 + (2.0) ** 2) / ((2.0) ** 2 + 0.0)
    assert abs((x1 - 10.0) - np.log(R)) < 1e-3
    assert abs((x2 + 10.0) + np.log(R)) < 1e-3
    assert relative_drift(r.invariants["hamiltonian"]) <= 1e-9


def test_akhmediev_peak():
    a = 0.25
    r = solvers.simulate("nlse", preset="akhmediev", params={"a": a})
    peak = np.max(np.abs(r["psi"]))
    assert abs(peak - (1 + 2 * np.sqrt(2 * a))) < 1e-4
    # and it happens at the exact solution's t = 0, i.e. at t = −t0 = 5
    k = np.argmax(np.max(np.abs(r["psi"]), axis=1))
    assert r.t[k] == pytest.approx(5.0)
    exact = nlse._akhmediev_exact(r.t, r.grid, r.config.params)["psi"]
    assert np.max(np.abs(r["psi"] - exact)) < 1e-8


def test_akhmediev_box_follows_the_parameter():
    r = solvers.simulate("nlse", preset="akhmediev", params={"a": 0.4}, t_end=1.0, samples=3)
    assert r.grid.length() == pytest.approx(2 * np.pi / (2 * np.sqrt(1 - 2 * 0.4)))


def test_peregrine_peak():
    """Peak 3 at t = 3.  The box is periodic and the background unstable, so
    the algebraic tails' mismatch grows: a few 1e-3 (stated in the preset)."""
    r = solvers.simulate("nlse", preset="peregrine")
    assert abs(np.max(np.abs(r["psi"])) - 3.0) < 5e-3


def test_modulation_instability_growth_rate():
    """The seeded mode κ = √2 a0 grows at the maximal rate g = a0²."""
    a0 = 1.0
    r = solvers.simulate("nlse", preset="modulation_instability", params={"amplitude": a0}, t_end=8.0, samples=81)
    spec = np.fft.fft(r["psi"], axis=1)
    kappa = np.sqrt(2) * a0
    k = 2 * np.pi * np.fft.fftfreq(r.grid.n[0], r.grid.spacing())
    mode = np.argmin(np.abs(k - kappa))
    amp = np.abs(spec[:, mode])
    window = (r.t > 1.0) & (r.t < 6.0)  # linear phase: seed 1e-4 grows to ~1e-2
    rate = np.polyfit(r.t[window], np.log(amp[window]), 1)[0]
    assert abs(rate - a0**2) < 0.02


def test_dark_soliton_pair_is_stationary():
    r = solvers.simulate("nlse", preset="dark_soliton")
    exact = nlse._dark_exact(r.t, r.grid, r.config.params)["psi"]
    assert np.max(np.abs(r["psi"] - exact)) < 1e-8
    assert relative_drift(r.invariants["mass"]) < 1e-11


def test_published_two_soliton_collides_twice():
    """The published case's box makes the pair meet at t = 5 and again through
    the periodic wrap: the preset says so, and the run shows it."""
    r = solvers.simulate("nlse", preset="published_two_soliton")
    pre = solvers.get_system("nlse").preset("published_two_soliton")
    assert "two collisions" in pre.description
    # away from collisions the taller soliton alone sets max|ψ| = 2
    times = r.t[np.abs(np.max(np.abs(r["psi"]), axis=1) - 2.0) > 0.1]
    # group those times into episodes separated by quiet spells of > 2 time units
    episodes = np.split(times, np.flatnonzero(np.diff(times) > 2.0) + 1)
    assert len(episodes) == 2
    # the solitons meet where 4t ≡ 20 (mod 50): t = 5 and t = 17.5
    np.testing.assert_allclose([e.mean() for e in episodes], [5.0, 17.5], atol=0.5)


def test_published_breather_is_not_a_breather():
    """√2 sech(x) e^{ix/2}(1 + ½cos x) sheds radiation: it is not periodic in
    time the way an exact breather is."""
    pre = solvers.get_system("nlse").preset("published_breather")
    assert "not an exact breather" in pre.description


def test_unresolved_data_are_reported():
    r = solvers.simulate("nlse", preset="published_modulation_instability", t_end=0.1, samples=2)
    assert any("not resolved" in m for m in r.messages)


def test_under_the_two_thirds_rule_data_must_be_resolved_within_the_kept_band():
    """sech(x/1.3) on 128 points of [−25, 25): its spectrum falls to 7e-7 of the
    peak in the top tenth of all wavenumbers (resolved), but is still 9e-5 at
    0.9 · (2/3) k_max, which the 2/3 rule cuts from the nonlinear term: only
    the dealiased run warns, and it says which band."""
    x = np.linspace(-25.0, 25.0, 128, endpoint=False)
    psi = 1.0 / np.cosh(x / 1.3) + 0j

    def warnings(dealias):
        r = solvers.simulate(
            "nlse", params={"dealias": dealias}, initial=psi, domain=(-25.0, 25.0), n=128, t_end=0.01, samples=2
        )
        return [m for m in r.messages if "not resolved" in m]

    assert warnings("none") == []
    (msg,) = warnings("2/3")
    assert "the band the 2/3 rule keeps" in msg


def test_user_initial_array_and_grid():
    x = np.linspace(-30, 30, 384, endpoint=False)
    psi0 = 1 / np.cosh(x) * np.exp(0.5j * x)
    r = solvers.simulate(
        "nlse", initial=psi0, domain=(-30, 30), n=384, t_end=2.0, samples=5, method="if_dop853", rtol=1e-11, atol=1e-11
    )
    exact = nlse.bright_soliton(x[None, :], r.t[:, None], 1.0, 0.5, 0.0)
    assert np.max(np.abs(r["psi"] - exact)) < 1e-8
    np.testing.assert_array_equal(r.x, x)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"domain": (5, -5)}, r"domain: \(5, -5\) is empty or reversed"),
        ({"n": 4}, r"n: 4 grid points are too few"),
        ({"initial": np.zeros(17), "n": 16}, r"initial: 'psi' has 17 values; expected shape \(16,\)"),
        ({"initial": {"phi": np.zeros(16)}, "n": 16}, r"initial: no values given for 'psi'"),
        ({"method": "leapfrog"}, r"method: 'leapfrog' is not available"),
    ],
)
def test_bad_pde_input(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        solvers.make_config("nlse", **kwargs)


def test_flows_have_no_grid():
    with pytest.raises(ValueError, match="not a PDE; it has no grid"):
        solvers.make_config("lorenz", n=64)


def test_mailbox_changes_a_pde_parameter():
    """g → −1 mid-run: the run continues (focusing to defocusing)."""
    config = solvers.make_config("nlse", preset="soliton", t_end=1.0, samples=11, method="etdrk4", dt=0.001)
    box = solvers.ParameterMailbox()
    events, last = [], None
    for chunk in solvers.run(config, mailbox=box, chunk_seconds=1e-4):
        events += chunk.events
        if chunk.t.size and not events:
            box.post(g=-1.0)
        last = chunk
    assert last.status == "done"
    assert events and events[0]["applied"] == {"g": -1.0}
