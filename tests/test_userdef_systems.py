"""Typed systems against the built-in ones and against exact solutions:
Lorenz (trajectory and Lyapunov spectrum), Hénon, Kuramoto–Sivashinsky,
a KdV soliton (exact travelling wave) and the heat equation (exact decay);
the symbolic Jacobian against finite differences."""

import math

import numpy as np
import pytest

import solvers
from solvers.userdef import (
    EXAMPLES,
    add_listener,
    compile_kernels,
    define_system,
    definition_text,
    remove_listener,
    remove_system,
)

LORENZ = """\
# Lorenz (1963), typed
sigma = 10 in [0, 1000]   # Prandtl number
rho = 28; beta = 8/3
x' = sigma*(y - x)
y' = x*(rho - z) - y
z' = x*y - beta*z
x(0) = 1; y(0) = 1; z(0) = 1
"""

HENON = """\
a = 1.4; b = 0.3
x[n+1] = 1 - a*x*x + y
y[n+1] = b*x[n]
"""

KS = """\
@domain = [0, 32*pi]
@n = 128
@dt = 0.25
@t_end = 150
u(x, 0) = cos(x/16)*(1 + sin(x/16))
u_t = -u*u_x - u_xx - u_xxxx
"""


@pytest.fixture
def user_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DYNAMICS_EXPLORER_CACHE", str(tmp_path / "cache"))
    names = []

    def define(name, text):
        names.append(name)
        return define_system(name, text)

    yield define
    for name in names:
        remove_system(name)


def test_typed_lorenz_equals_builtin(user_cache):
    system = user_cache("typed_lorenz", LORENZ)
    assert system.parameter_names == ("sigma", "rho", "beta")
    assert system.parameter("sigma").bounds == (0.0, 1000.0)
    assert system.parameter("sigma").meaning == "Prandtl number"
    assert system.parameter("beta").default == 8.0 / 3.0
    assert system.preset("default").initial == (1.0, 1.0, 1.0)
    assert definition_text("typed_lorenz") == LORENZ
    typed = solvers.simulate("typed_lorenz", t_end=10.0, samples=501, rtol=1e-10, atol=1e-12)
    builtin = solvers.simulate("lorenz", preset="classic", t_end=10.0, samples=501, rtol=1e-10, atol=1e-12)
    assert typed.status == "done"
    assert np.max(np.abs(typed.states - builtin.states)) <= 1e-9
    # fixed-step RK4 too (a second integrator family through the same first-class function)
    typed = solvers.simulate("typed_lorenz", t_end=2.0, samples=21, method="rk4", dt=1e-3)
    builtin = solvers.simulate("lorenz", preset="classic", t_end=2.0, samples=21, method="rk4", dt=1e-3)
    assert np.max(np.abs(typed.states - builtin.states)) <= 1e-9


def test_typed_lorenz_has_the_builtin_lyapunov_spectrum(user_cache):
    system = user_cache("typed_lorenz", LORENZ)
    assert system.jacobian is not None
    y = np.array([1.3, -0.7, 20.2])
    p = system.pack(system.default_params())
    J1, J2 = np.zeros((3, 3)), np.zeros((3, 3))
    system.jacobian(0.0, y, p, J1)
    solvers.get_system("lorenz").jacobian(0.0, y, p, J2)
    np.testing.assert_array_equal(J1, J2)
    typed = solvers.lyapunov_spectrum("typed_lorenz", t_end=300.0, seed=1)
    builtin = solvers.lyapunov_spectrum("lorenz", initial=[1.0, 1.0, 1.0], t_end=300.0, seed=1)
    np.testing.assert_allclose(typed, builtin, rtol=0, atol=1e-9)
    # and the published values (Sprott 2003: 0.9056, 0, -14.5723) within the error of a short average
    np.testing.assert_allclose(typed, [0.9056, 0.0, -14.5723], atol=0.05)


def test_typed_henon_equals_builtin(user_cache):
    system = user_cache("typed_henon", HENON)
    assert system.kind == "map" and system.default_method == "map"
    typed = solvers.simulate("typed_henon", t_end=2000, samples=2001, initial=[0.0, 0.0])
    builtin = solvers.simulate("henon", preset="classic", t_end=2000, samples=2001)
    np.testing.assert_array_equal(typed.states, builtin.states)
    lyap = solvers.lyapunov_spectrum("typed_henon", t_end=20000, initial=[0.0, 0.0])
    ref = solvers.lyapunov_spectrum("henon", preset="classic", t_end=20000)
    np.testing.assert_allclose(lyap, ref, rtol=0, atol=1e-12)
    # exponents sum to ln b (constant Jacobian determinant −b)
    assert lyap.sum() == pytest.approx(math.log(0.3), abs=1e-9)


def test_henon_with_a_power_matches_to_rounding(user_cache):
    """x**2 is x*x; a*x**2 rounds differently from (a*x)*x, so over 30
    iterations of a chaotic map the two agree to ~1e-9, not bit for bit."""
    user_cache("typed_henon_pow", "a = 1.4; b = 0.3\nx[n+1] = 1 - a*x**2 + y\ny[n+1] = b*x")
    typed = solvers.simulate("typed_henon_pow", t_end=30, samples=31, initial=[0.0, 0.0])
    builtin = solvers.simulate("henon", preset="classic", t_end=30, samples=31)
    assert np.max(np.abs(typed.states - builtin.states)) < 1e-8


def test_typed_kuramoto_sivashinsky_equals_builtin(user_cache):
    system = user_cache("typed_ks", KS)
    assert system.kind == "pde" and system.default_method == "etdrk4"
    grid = system.pde.grid()
    builtin = solvers.get_system("kuramoto_sivashinsky")
    params = system.validate_params({})
    np.testing.assert_allclose(
        system.pde.linear(grid, params), builtin.pde.linear(grid, {"dealias": "none"}), rtol=1e-15, atol=0
    )
    # with 2/3 dealiasing u u_x and (u²/2)_x are the same retained modes: equal to rounding over t = 40
    typed = solvers.simulate("typed_ks", t_end=40.0, samples=41, params={"dealias": "2/3"})
    ref = solvers.simulate(
        "kuramoto_sivashinsky", preset="kassam_trefethen", t_end=40.0, samples=41, params={"dealias": "2/3"}
    )
    assert np.max(np.abs(typed["u"] - ref["u"])) < 1e-9
    # Kassam & Trefethen's aliased run: equal until the aliasing errors of the two forms grow (t ≈ 4)
    typed = solvers.simulate("typed_ks", t_end=3.0, samples=13)
    ref = solvers.simulate("kuramoto_sivashinsky", preset="kassam_trefethen", t_end=3.0, samples=13)
    assert np.max(np.abs(typed["u"] - ref["u"])) < 1e-9


def test_typed_kdv_soliton_is_exact(user_cache):
    """u_t = −6 u u_x − u_xxx has the soliton u = (c/2) sech²(√c (x − ct)/2);
    the linear part is dispersive, so the integrating-factor methods are offered."""
    system = user_cache(
        "typed_kdv",
        "c = 4\n@domain = [-20, 20]\n@n = 256\nu(x, 0) = c/2*sech(sqrt(c)/2*x)**2\nu_t = -6*u*u_x - u_xxx",
    )
    assert set(system.methods) == {"etdrk4", "if_dop853", "if_dopri5", "ifrk4"}
    x = system.pde.grid().x
    exact = 2.0 / np.cosh(x - 4.0) ** 2
    r = solvers.simulate("typed_kdv", t_end=1.0, samples=2, method="if_dop853", rtol=1e-11, atol=1e-13)
    assert np.max(np.abs(r["u"][-1] - exact)) < 1e-7
    r = solvers.simulate("typed_kdv", t_end=1.0, samples=2, method="etdrk4", dt=2e-4)
    assert np.max(np.abs(r["u"][-1] - exact)) < 1e-6


def test_heat_equation_decays_exactly(user_cache):
    """A purely linear PDE (no nonlinear part) with a parameter coefficient:
    u = e^{−νt} sin x, and the parameter can be changed per run."""
    system = user_cache("typed_heat", "nu = 0.5 in [0, 10]\nu(x, 0) = sin(x)\nu_t = nu*u_xx")
    assert system.methods == ("etdrk4",)  # dissipative: no integrating factor
    x = system.pde.grid().x
    for nu in (0.5, 2.0):
        r = solvers.simulate("typed_heat", t_end=1.0, samples=3, params={"nu": nu}, dt=0.1)
        np.testing.assert_allclose(r["u"][-1], math.exp(-nu) * np.sin(x), atol=1e-13)


def test_jacobian_matches_finite_differences(user_cache):
    text = """\
k = 0.7; c = 1.3
r = sqrt(x**2 + y**2 + 1)
s = where(x > 0, x*y, -y)
x' = sin(k*x)*cos(y) + tan(z/4) - exp(-r) + log(r) + abs(y - 0.2)
y' = tanh(x)*sech(y) + cosh(z/3) - sinh(x/2) + arctan(x*y) + min(x, y) + max(y, z) + s
z' = x**3 - y**(-2) + z**c + c**x + r**k - x/(y + 3) + e*pi*t
"""
    system = user_cache("typed_all_functions", text)
    p = system.pack(system.default_params())
    rng = np.random.default_rng(3)
    for _ in range(20):
        y = rng.uniform(0.3, 1.5, 3) * rng.choice([-1.0, 1.0], 3)
        y[1] = abs(y[1]) + 0.3  # y**(-2) and the where() branch away from their singular points
        y[2] = abs(y[2])
        J = np.zeros((3, 3))
        system.jacobian(0.4, y, p, J)
        fd = np.zeros((3, 3))
        for j in range(3):
            h = 1e-6 * max(1.0, abs(y[j]))
            a, b = y.copy(), y.copy()
            a[j] += h
            b[j] -= h
            fa, fb = np.zeros(3), np.zeros(3)
            system.rhs(0.4, a, p, fa)
            system.rhs(0.4, b, p, fb)
            fd[:, j] = (fa - fb) / (2 * h)
        np.testing.assert_allclose(J, fd, rtol=1e-6, atol=1e-7)


def test_auxiliary_quantities_and_time(user_cache):
    """x' = −x + A cos(ωt): x(t) from the exact solution of the forced linear ODE."""
    user_cache("typed_forced", "A = 2; w = 3\nforce = A*cos(w*t)\nx' = -x + force\nx(0) = 0")
    r = solvers.simulate("typed_forced", t_end=5.0, samples=11, rtol=1e-12, atol=1e-14)
    t = r.t
    exact = 2 * (np.cos(3 * t) + 3 * np.sin(3 * t) - np.exp(-t)) / 10
    np.testing.assert_allclose(r["x"], exact, atol=1e-10)


def test_redefinition_replaces_and_builtins_are_protected(user_cache):
    first = user_cache("typed_decay", "x' = -x\nx(0) = 1")
    assert user_cache("typed_decay", "x' = -x\nx(0) = 1") is first
    second = user_cache("typed_decay", "k = 2\nx' = -k*x\nx(0) = 1")
    assert solvers.get_system("typed_decay") is second
    r = solvers.simulate("typed_decay", t_end=1.0, samples=2, rtol=1e-12, atol=1e-14)
    assert r["x"][-1] == pytest.approx(math.exp(-2.0), rel=1e-10)
    with pytest.raises(ValueError, match="built-in"):
        define_system("lorenz", LORENZ)
    with pytest.raises(ValueError, match="name"):
        define_system("bad name!", LORENZ)


def test_long_sums_compile_and_keep_their_order(user_cache):
    """400 terms: one flat chain in the generated source (no recursion, no
    nested parentheses), summed left to right as written."""
    terms = "+".join(f"{i % 7}*x" for i in range(400))
    system = user_cache("typed_long_sum", f"x' = {terms} - y\ny' = 0\nx(0) = 1; y(0) = 2")
    out, J = np.zeros(2), np.zeros((2, 2))
    y = np.array([1.5, 2.0])
    system.rhs(0.0, y, np.zeros(0), out)
    expected = 0.0
    for i in range(400):
        expected += (i % 7) * 1.5
    assert out[0] == expected - 2.0
    system.jacobian(0.0, y, np.zeros(0), J)
    assert J[0, 0] == pytest.approx(sum(i % 7 for i in range(400)), rel=1e-12)
    assert J[0, 1] == -1.0


def test_two_coupled_fields(user_cache):
    """u_t = −v_x, v_t = −u_x (the wave equation in first-order form): the
    coupling is not diagonal, so it is the nonlinear part N; exact solution
    u = cos t sin x, v = −sin t cos x."""
    system = user_cache("typed_wave", "@n = 32\n@dt = 0.01\nu(x, 0) = sin(x)\nv(x, 0) = 0*x\nu_t = -v_x\nv_t = -u_x")
    assert system.variable_names == ("u", "v")
    x = system.pde.grid().x
    r = solvers.simulate("typed_wave", t_end=2.0, samples=3)
    np.testing.assert_allclose(r["u"][-1], math.cos(2.0) * np.sin(x), atol=1e-9)
    np.testing.assert_allclose(r["v"][-1], -math.sin(2.0) * np.cos(x), atol=1e-9)


def test_forcing_in_x_and_t_through_an_auxiliary(user_cache):
    """u_t = u_xx + sin(x) e^{−t}: u = t e^{−t} sin x from u(x, 0) = 0."""
    user_cache("typed_forced_heat", "@n = 32\n@dt = 0.01\nf = sin(x)*exp(-t)\nu(x, 0) = 0*x\nu_t = u_xx + f")
    r = solvers.simulate("typed_forced_heat", t_end=1.5, samples=4)
    x = solvers.get_system("typed_forced_heat").pde.grid().x
    for t, u in zip(r.t, r["u"]):
        np.testing.assert_allclose(u, t * math.exp(-t) * np.sin(x), atol=1e-9)


def test_generated_kernels_follow_the_numba_rules(user_cache):
    flow = user_cache("typed_rules_flow", "x' = -x\nx(0) = 1")
    pde = user_cache("typed_rules_kdv", "u(x, 0) = cos(x)\nu_t = -u*u_x - u_xxx")
    for fn in (flow.rhs, flow.jacobian, pde.pde.nonlinear, pde.pde.nonlinear_if):
        opts = fn.targetoptions
        assert opts.get("nogil") is True and not opts.get("fastmath")
        assert type(fn._cache).__name__ != "NullCache"


@pytest.mark.parametrize("key", sorted(EXAMPLES))
def test_examples_define_compile_and_run(user_cache, key):
    system = user_cache(f"example_{key}", EXAMPLES[key])
    compile_kernels(system)
    assert system.rhs is None or system.rhs.stats.cache_misses or system.rhs.stats.cache_hits
    r = solvers.simulate(system.name, t_end=0.5 if system.kind != "map" else 4, samples=3)
    assert r.status == "done" and np.all(np.isfinite(r.states))


def test_named_presets(user_cache):
    """[name] sections: parameter values, initial values and options of a
    preset; the rest falls back on the definition."""
    text = LORENZ + "\n[periodic]  # Periodic window (rho = 99.96)\nrho = 99.96\n@t_end = 50\n\n[start2]\nx(0) = 2\n"
    system = user_cache("typed_lorenz_presets", text)
    assert [p.name for p in system.presets] == ["default", "periodic", "start2"]
    periodic = system.preset("periodic")
    assert periodic.title == "Periodic window (rho = 99.96)" and periodic.t_end == 50.0
    assert periodic.params == {"sigma": 10.0, "rho": 99.96, "beta": 8.0 / 3.0}
    assert system.preset("start2").initial == (2.0, 1.0, 1.0)
    typed = solvers.simulate(system.name, preset="periodic", t_end=5.0, samples=51)
    builtin = solvers.simulate("lorenz", preset="periodic", t_end=5.0, samples=51)
    assert np.max(np.abs(typed.states - builtin.states)) <= 1e-9
    pde = user_cache(
        "typed_heat_presets",
        "nu = 1\nu(x, 0) = sin(x)\nu_t = nu*u_xx\n[wide]  # a box twice as long\n@domain = [0, 4*pi]\n"
        "@n = 64\nu(x, 0) = sin(x/2)\nnu = 2",
    )
    r = solvers.simulate(pde.name, preset="wide", t_end=1.0, samples=2, dt=0.1)
    x = np.linspace(0, 4 * np.pi, 64, endpoint=False)
    np.testing.assert_allclose(r["u"][-1], math.exp(-0.5) * np.sin(x / 2), atol=1e-13)


def test_invariants_and_observables(user_cache):
    """Declared invariants are conserved where they should be: the energy of
    a harmonic oscillator, and KdV's mass, momentum and Hamiltonian (∫ over
    the box, derivatives by FFT), whose exact values for u = 2 sech² x are
    4, 16/3 and 32/5."""
    osc = user_cache(
        "typed_oscillator",
        "k = 2\nx' = v; v' = -k*x\nx(0) = 1\ninvariant E = v**2/2 + k*x**2/2  # energy\nobservable x2 = x*x",
    )
    assert [q.name for q in osc.invariants] == ["E"] and osc.invariants[0].meaning == "energy"
    r = solvers.simulate(osc.name, t_end=10.0, samples=11, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(r.invariants["E"], 1.0, rtol=1e-10)
    np.testing.assert_allclose(r.observables["x2"], r["x"] ** 2, rtol=1e-15)
    user_cache(
        "typed_kdv_invariants",
        "@domain = [-20, 20]\n@n = 256\nu(x, 0) = 2*sech(x)**2\nu_t = -6*u*u_x - u_xxx\n"
        "invariant mass = u\ninvariant momentum = u**2\ninvariant energy = u**3 - u_x**2/2",
    )
    r = solvers.simulate("typed_kdv_invariants", t_end=1.0, samples=3, method="if_dop853", rtol=1e-11, atol=1e-13)
    for name, exact in (("mass", 4.0), ("momentum", 16.0 / 3.0), ("energy", 32.0 / 5.0)):
        np.testing.assert_allclose(r.invariants[name], exact, rtol=1e-9)


def test_listeners_hear_definitions_and_removals(user_cache):
    heard = []

    def listen(name, system):
        heard.append((name, None if system is None else system.name))

    add_listener(listen)
    try:
        user_cache("typed_heard", "x' = -x")
        user_cache("typed_heard", "x' = -x")  # the same text: nothing changes, nothing heard
        remove_system("typed_heard")
    finally:
        remove_listener(listen)
    assert heard == [("typed_heard", "typed_heard"), ("typed_heard", None)]


def test_standard_map_wraps_with_mod(user_cache):
    """mod(a, b) wraps the angle of the Chirikov standard map as the built-in
    one does (θ in [0, 2π), p not reduced), with the same Jacobian (the wrap
    has unit slope)."""
    system = user_cache(
        "typed_standard",
        "K = 0.971635406\np[n+1] = p + K*sin(theta)\ntheta[n+1] = mod(theta + p + K*sin(theta), 2*pi)",
    )
    builtin = solvers.get_system("standard")
    y0 = [0.3, 2.0]
    typed = solvers.simulate(system.name, t_end=40, samples=41, initial=y0[::-1])
    ref = solvers.simulate("standard", t_end=40, samples=41, initial=y0, params={"K": 0.971635406})
    np.testing.assert_allclose(typed["theta"], ref["theta"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(typed["p"], ref["p"], rtol=0, atol=1e-9)
    assert np.all((typed["theta"] >= 0) & (typed["theta"] < 2 * np.pi))
    J1, J2 = np.zeros((2, 2)), np.zeros((2, 2))
    system.jacobian(0.0, np.array([2.0, 0.3]), np.array([0.971635406]), J1)
    builtin.jacobian(0.0, np.array([0.3, 2.0]), np.array([0.971635406]), J2)
    np.testing.assert_allclose(J1[::-1, ::-1], J2, rtol=1e-15)
