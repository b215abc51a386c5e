"""Every system of the catalog, parametrized: a system is tested the moment
it is registered."""

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import solvers
from solvers.catalog import all_systems
from solvers.integrators import METHODS
from solvers.spec import KINDS

SYSTEMS = all_systems()
PRESETS = [(s, p) for s in SYSTEMS for p in s.presets]


def ids(item):
    if isinstance(item, tuple):
        return f"{item[0].name}:{item[1].name}"
    return item.name


def test_catalog_size():
    names = solvers.list_systems()
    assert len(names) >= 30, names
    assert {"lorenz", "rossler", "henon", "logistic", "galactic_disk"} <= set(names)


@pytest.mark.parametrize("system", SYSTEMS, ids=ids)
def test_spec_is_complete(system):
    assert system.kind in KINDS
    assert system.title and system.equations.strip() and system.reference.strip()
    assert system.presets, "every system ships at least one preset"
    for p in system.parameters:
        assert p.meaning.strip(), p.name
        assert p.unit.strip(), p.name
        assert p.validate(p.default, system.name) == p.default or p.kind == "float"
    for v in system.variables:
        assert v.meaning.strip(), v.name
    for preset in system.presets:
        assert preset.source.strip(), preset.name
        system.validate_params(preset.params)
    for m in system.methods:
        assert m in METHODS
    if system.kind == "map":
        assert system.methods == ("map",)
    if any(METHODS[m].family == "symplectic" for m in system.methods):
        assert system.accel is not None


@pytest.mark.parametrize("system", SYSTEMS, ids=ids)
def test_bounds_are_enforced(system):
    for p in system.parameters:
        if p.kind == "choice":
            with pytest.raises(ValueError, match=repr(p.name)):
                solvers.make_config(system.name, params={p.name: "no-such-choice"})
            continue
        lo, hi = p.bounds
        if math.isfinite(lo):
            with pytest.raises(ValueError, match=rf"'{p.name}'.*out of bounds"):
                solvers.make_config(system.name, params={p.name: lo - 1 - abs(lo)})
        if math.isfinite(hi):
            with pytest.raises(ValueError, match=rf"'{p.name}'.*out of bounds"):
                solvers.make_config(system.name, params={p.name: hi + 1 + abs(hi)})
        if p.kind == "int":
            with pytest.raises(ValueError, match=rf"'{p.name}'.*whole number"):
                solvers.make_config(system.name, params={p.name: p.default + 0.5})
        with pytest.raises(ValueError, match=rf"'{p.name}'.*not finite|'{p.name}'.*whole number"):
            solvers.make_config(system.name, params={p.name: math.nan})


def short_horizon(system):
    if system.kind == "map":
        return 200.0
    return float(min(system.default_t_end, 200 * system.default_dt))


@pytest.mark.parametrize(("system", "preset"), PRESETS, ids=ids)
def test_presets_run_without_nan(system, preset):
    r = solvers.simulate(system.name, preset=preset.name, t_end=short_horizon(system), samples=11, seed=1)
    assert r.status == "done", r.message
    assert np.all(np.isfinite(r.states))
    for name, values in r.invariants.items():
        assert np.all(np.isfinite(values)), name


def invariant_drift(values):
    """Largest change relative to the initial value (floored at 1, for
    quantities whose initial value happens to be near zero)."""
    values = np.asarray(values, dtype=float)
    scale = max(np.max(np.abs(values[0])), 1.0)
    return np.max(np.abs(values - values[0])) / scale


@pytest.mark.parametrize(("system", "preset"), [(s, p) for s, p in PRESETS if s.invariants], ids=ids)
def test_invariants_hold(system, preset):
    method = system.default_method
    kwargs = {}
    if METHODS[method].adaptive:
        kwargs = {"rtol": 1e-11, "atol": 1e-13}
        tol = 1e-7
    elif METHODS[method].family == "symplectic":
        tol = 1e-3  # bounded O(h^p) oscillation at the default step, no drift
    elif method == "map":
        tol = 1e-12
    else:
        tol = 1e-6
    r = solvers.simulate(
        system.name, preset=preset.name, t_end=short_horizon(system), samples=201, seed=2, method=method, **kwargs
    )
    assert r.status == "done", r.message
    if any("not resolved" in m for m in r.messages):
        # deliberately rough data (a published case with white noise): aliasing
        # breaks the discrete conservation laws; the run must say so
        assert preset.name.startswith("published_"), r.messages
        return
    for name, values in r.invariants.items():
        assert invariant_drift(values) < tol, (name, invariant_drift(values))


SMOOTH_FLOWS = [s for s in SYSTEMS if s.kind == "flow" and s.smooth]


@pytest.mark.parametrize("system", SMOOTH_FLOWS, ids=ids)
def test_agrees_with_scipy_dop853(system):
    """Our DOP853 against scipy's, both at tight tolerance, over a short horizon."""
    config = solvers.make_config(
        system.name,
        preset=system.presets[0].name,
        seed=3,
        t_end=min(2.0, 100 * system.default_dt),
        samples=21,
        method="dop853",
        rtol=1e-12,
        atol=1e-12,
    )
    ours = solvers.simulate_config(config)
    p = system.pack(config.params)
    y0 = ours.states[0].copy()
    buf = np.empty_like(y0)

    def f(t, y):
        system.rhs(t, np.ascontiguousarray(y), p, buf)
        return buf.copy()

    ref = solve_ivp(f, (0.0, config.t_end), y0, method="DOP853", rtol=1e-12, atol=1e-12, t_eval=ours.t)
    assert ref.success
    scale = np.maximum(np.abs(ref.y.T).max(axis=0), 1.0)
    assert np.max(np.abs(ours.states - ref.y.T) / scale) < 1e-8


@pytest.mark.parametrize("system", [s for s in SYSTEMS if s.jacobian is not None], ids=ids)
def test_jacobian_matches_finite_differences(system):
    rng = np.random.default_rng(7)
    config = solvers.make_config(system.name, preset=system.presets[0].name, seed=4, t_end=1, samples=2)
    y0 = np.asarray(
        config.initial if config.initial is not None else system.make_initial(config.params, config.seed), dtype=float
    )
    p = system.pack(config.params)
    y = y0 + 0.01 * rng.standard_normal(y0.size) * np.maximum(np.abs(y0), 0.1)
    n = y.size
    J = np.zeros((n, n))
    system.jacobian(0.3, y, p, J)
    fd = np.zeros((n, n))
    fp, fm = np.empty(n), np.empty(n)
    columns = range(n) if n <= 50 else rng.choice(n, 20, replace=False)
    for j in columns:
        d = 1e-6 * max(1.0, abs(y[j]))
        e = y.copy()
        e[j] += d
        system.rhs(0.3, e, p, fp)
        e[j] -= 2 * d
        system.rhs(0.3, e, p, fm)
        fd[:, j] = (fp - fm) / (2 * d)
    cols = list(columns)
    scale = max(np.abs(fd[:, cols]).max(), 1.0)
    assert np.max(np.abs(J[:, cols] - fd[:, cols])) / scale < 1e-6


@pytest.mark.parametrize("system", [s for s in SYSTEMS if s.accel is not None and s.kind != "pde"], ids=ids)
def test_accel_is_consistent_with_rhs(system):
    config = solvers.make_config(
        system.name, preset=system.presets[0].name, seed=5, t_end=1, samples=2, method=system.default_method
    )
    y = np.asarray(
        config.initial if config.initial is not None else system.make_initial(config.params, config.seed), dtype=float
    )
    if system.rhs is None:
        return
    p = system.pack(config.params)
    m = y.size // 2
    f = np.empty_like(y)
    system.rhs(0.0, y, p, f)
    a = np.empty(m)
    system.accel(0.0, y[:m].copy(), p, a)
    np.testing.assert_allclose(f[m:], a, rtol=1e-12, atol=1e-12)
