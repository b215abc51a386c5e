"""Validation: every preset with an exact solution, and the published values
the catalog must reproduce, checked in one table (``explorer validate``).

Each :class:`Check` runs something and returns its measured error against a
reference (an exact solution, a published number, or an exact identity such
as a sum rule), the largest relative drift of the run's invariants, and a
note.  Presets that define ``exact`` are checked automatically against it;
the published values are listed in ``PUBLISHED`` below with their sources.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from .catalog import all_systems, get_system
from .lyapunov import lyapunov_spectrum
from .run import simulate

DEFAULT_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Check:
    system: str
    name: str
    reference: str
    tolerance: float
    run: Callable[[], tuple[float, float, str]]  # → (error, invariant drift, note)


@dataclass(frozen=True)
class Outcome:
    check: Check
    error: float
    drift: float
    note: str
    seconds: float

    @property
    def passed(self) -> bool:
        return bool(np.isfinite(self.error) and self.error <= self.check.tolerance)


def drift(values: np.ndarray) -> float:
    """Largest change of an invariant over a run, relative to its initial
    magnitude when that is ≥ 1 and absolute below (a momentum that is zero by
    symmetry has no meaningful relative drift)."""
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return 0.0
    scale = max(float(np.max(np.abs(values[0]))), 1.0)
    return float(np.max(np.abs(values - values[0]))) / scale


def invariant_drift(result) -> float:
    """The largest :func:`drift` of any of a run's invariants (0 when none)."""
    return max((drift(v) for v in result.invariants.values()), default=0.0)


def _exact_check(system, preset) -> Check:
    def run():
        r = simulate(system.name, preset=preset.name, seed=0)
        if r.status != "done":
            return math.inf, math.nan, r.message
        exact = preset.exact(r.t, r.grid, r.config.params) if r.grid is not None else preset.exact(r.t, r.config.params)
        err = 0.0
        for name, values in exact.items():
            scale = max(float(np.max(np.abs(values))), 1e-300)
            err = max(err, float(np.max(np.abs(r[name] - values))) / scale)
        return err, invariant_drift(r), f"{r.config.method}, {r.steps} steps"

    tol = preset.tolerance or DEFAULT_TOLERANCE
    return Check(system.name, preset.name, "exact solution (max error ÷ max of the solution)", tol, run)


# --------------------------------------------------------------------------
# published values and exact identities


def _lorenz():
    exps = lyapunov_spectrum("lorenz", t_end=10_000.0, transient=100.0)
    ref = np.array([0.9056, 0.0, -14.5723])
    sum_rule = abs(exps.sum() + 10 + 1 + 8 / 3)
    return (
        float(np.max(np.abs(exps - ref))),
        sum_rule,
        f"λ = {np.array2string(exps, precision=4)}; sum rule {sum_rule:.1e}",
    )


def _logistic():
    exps = lyapunov_spectrum("logistic", params={"r": 4.0}, initial=[0.1234], t_end=1e6, transient=100)
    return abs(exps[0] - math.log(2)), 0.0, f"λ = {exps[0]:.6f} (ln 2 = {math.log(2):.6f})"


def _henon():
    exps = lyapunov_spectrum("henon", t_end=1e6, transient=1000)
    ref = np.array([0.41922, -1.62319])
    return (
        float(np.max(np.abs(exps - ref))),
        abs(exps.sum() - math.log(0.3)),
        (f"λ = {np.array2string(exps, precision=5)}; sum − ln b = {exps.sum() - math.log(0.3):.1e}"),
    )


def _rossler():
    exps = lyapunov_spectrum("rossler", t_end=20_000.0, transient=200.0)
    return abs(exps[0] - 0.0714), 0.0, f"λ1 = {exps[0]:.4f}"


def _nlse_two_soliton():
    r = simulate("nlse", preset="two_soliton")
    x = r.x
    rho = np.abs(r["psi"][-1]) ** 2
    x1 = np.sum(x[x > 0] * rho[x > 0]) / np.sum(rho[x > 0])
    x2 = np.sum(x[x < 0] * rho[x < 0]) / np.sum(rho[x < 0])
    err = max(abs(x1 - 10 - math.log(2)), abs(x2 + 10 + math.log(2)))
    return err, invariant_drift(r), f"shifts {x1 - 10:+.6f}, {x2 + 10:+.6f} (±ln 2 = ±{math.log(2):.6f})"


def _nlse_akhmediev():
    a = 0.25
    r = simulate("nlse", preset="akhmediev", params={"a": a})
    peak = float(np.max(np.abs(r["psi"])))
    return abs(peak - (1 + 2 * math.sqrt(2 * a))), invariant_drift(r), f"peak {peak:.8f}"


def _nlse_mi():
    r = simulate("nlse", preset="modulation_instability", t_end=8.0, samples=81)
    spec = np.abs(np.fft.fft(r["psi"], axis=1))
    k = 2 * np.pi * np.fft.fftfreq(r.grid.n[0], r.grid.spacing())
    mode = np.argmin(np.abs(k - math.sqrt(2)))
    window = (r.t > 1.0) & (r.t < 6.0)
    rate = np.polyfit(r.t[window], np.log(spec[window, mode]), 1)[0]
    return abs(rate - 1.0), invariant_drift(r), f"growth rate {rate:.4f} (theory a0² = 1)"


PUBLISHED: tuple[Check, ...] = (
    Check("lorenz", "Lyapunov spectrum", "Sprott 2003: (0.9056, 0, −14.5723)", 0.01, _lorenz),
    Check("logistic", "Lyapunov exponent r = 4", "exact: ln 2", 1e-4, _logistic),
    Check("henon", "Lyapunov spectrum", "Sprott 2003: (0.41922, −1.62319)", 0.005, _henon),
    Check("rossler", "largest Lyapunov exponent", "Sprott 2003: 0.0714", 0.01, _rossler),
    Check("nlse", "two-soliton shifts", "±ln R / A (REFERENCES §1)", 1e-3, _nlse_two_soliton),
    Check("nlse", "Akhmediev peak", "1 + 2√(2a)", 1e-4, _nlse_akhmediev),
    Check("nlse", "modulation instability rate", "g = a0² at κ = √2 a0", 0.02, _nlse_mi),
)


def checks(system: str | None = None) -> list[Check]:
    """Every check (of one system, if given): published values first, then
    each preset with an exact solution."""
    out = [c for c in PUBLISHED if system is None or c.system == system]
    names = {c.system for c in PUBLISHED}
    for s in all_systems() if system is None else [get_system(system)]:
        names.add(s.name)
        for p in s.presets:
            if p.exact is not None:
                out.append(_exact_check(s, p))
    return out


def run_checks(selected: list[Check]) -> Iterator[Outcome]:
    for check in selected:
        t0 = time.perf_counter()
        try:
            err, drift, note = check.run()
        except Exception as exc:  # a check that crashes is a failed check, reported, not a crash
            err, drift, note = math.inf, math.nan, f"error: {exc}"
        yield Outcome(check, float(err), float(drift), note, time.perf_counter() - t0)


def table(outcomes: list[Outcome]) -> str:
    rows = [
        "| system | check | reference | error | tolerance | invariant drift¹ | result | time | note |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        rows.append(
            f"| {o.check.system} | {o.check.name} | {o.check.reference} | {o.error:.2e} | {o.check.tolerance:.0e} | "
            f"{o.drift:.1e} | {'pass' if o.passed else '**FAIL**'} | {o.seconds:.2f} s | {o.note} |"
        )
    return "\n".join(rows)
