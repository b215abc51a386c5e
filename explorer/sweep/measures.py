"""What a sweep computes at each point, and the worker's entry point.

Each measure reuses the library: the largest Lyapunov exponents come from
:func:`solvers.lyapunov_spectrum`, orbit diagrams from
:func:`solvers.diagnostics.scans.orbit_diagram` (one parameter value per
call), RQA from :func:`solvers.diagnostics.recurrence.rqa` on the run's
samples, final states and invariant drifts from :func:`solvers.run`.

:func:`evaluate_points` is what a worker process (local or Dask) runs: it
takes the sweep as a JSON string and a list of point numbers and returns
plain arrays.  A point that blows up or raises is recorded with its status
and message; the other points of the chunk go on.  Numba kernels are
compiled once per process (loaded from numba's disk cache), never per point.
"""

from __future__ import annotations

import functools
import json
import math
import numbers
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from solvers.catalog import get_system
from solvers.diagnostics.recurrence import rqa
from solvers.diagnostics.scans import orbit_diagram
from solvers.lyapunov import lyapunov_spectrum
from solvers.run import BLOWUP, run, simulate_config

from .spec import SweepSpec

# Status of a point (the `status` array of a sweep; 0 = not computed yet)
PENDING, OK, NONFINITE, ERROR = 0, 1, 2, 3
STATUS_NAMES = {PENDING: "pending", OK: "ok", NONFINITE: "non-finite", ERROR: "error"}
RQA_MEASURES = ("RR", "DET", "L", "Lmax", "DIV", "ENTR", "LAM", "TT", "Vmax", "VENTR", "eps")
# RQA is O(N²) in time per point: keep a sweep of them within reach.
MAX_RQA_SAMPLES = 20_000


# -- options -------------------------------------------------------------------------
def _nonneg_or_none(name, v):
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v) or v < 0:
        raise ValueError(f"{name}: {v!r} is not allowed; expected a finite number ≥ 0")
    return float(v)


def _positive_int(name, v):
    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
        raise ValueError(f"{name}: {v!r} is not allowed; expected a whole number ≥ 1")
    return int(v)


def _nonneg_int(name, v):
    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0:
        raise ValueError(f"{name}: {v!r} is not allowed; expected a whole number ≥ 0")
    return int(v)


def _rate(name, v):
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not 0 < v <= 1:
        raise ValueError(f"{name}: {v!r} is not allowed; expected a recurrence rate in (0, 1]")
    return float(v)


def _name_or_none(name, v):
    if v is not None and not isinstance(v, str):
        raise ValueError(f"{name}: {v!r} is not allowed; expected a variable name")
    return v


def _choice(*allowed):
    def check(name, v):
        if v not in allowed:
            raise ValueError(f"{name}: {v!r} is not allowed; choose one of {', '.join(map(repr, allowed))}")
        return v

    return check


def _section(name, v):
    if v is not None and not isinstance(v, Mapping):
        raise ValueError(f"{name}: {v!r} is not allowed; expected a dict with 'normal', 'offset', 'direction'")
    return None if v is None else dict(v)


@dataclass(frozen=True)
class Option:
    default: Any
    check: Callable[[str, Any], Any]
    meaning: str


@dataclass(frozen=True)
class Measure:
    """A measure: the system kinds it applies to, its options, the extra
    axes of its values (name → ((dimension, coordinate values), …)) and the
    function computing one point: ``compute(spec, flat) → (values, status,
    message)``."""

    name: str
    meaning: str
    kinds: tuple[str, ...]
    options: dict[str, Option]
    extra_dims: Callable[[SweepSpec], dict[str, tuple[tuple[str, np.ndarray], ...]]]
    compute: Callable[[SweepSpec, int], tuple[dict[str, np.ndarray], int, str]]
    check: Callable[[SweepSpec], None] | None = None

    def value_shapes(self, spec: SweepSpec) -> dict[str, tuple[int, ...]]:
        return {k: tuple(len(c) for _, c in dims) for k, dims in self.extra_dims(spec).items()}


def resolve_options(spec: SweepSpec, options: Mapping[str, Any]) -> dict[str, Any]:
    """The measure's options with defaults filled in, each checked; also
    checks that the measure applies to the system."""
    measure = MEASURES[spec.measure]
    system = get_system(spec.system)
    if system.kind not in measure.kinds:
        raise ValueError(
            f"measure: {measure.name!r} applies to {' and '.join(k + 's' for k in measure.kinds)}, "
            f"not to the {system.kind} {system.name!r}"
        )
    unknown = set(options) - set(measure.options)
    if unknown:
        allowed = ", ".join(measure.options) or "none"
        raise ValueError(f"option: {sorted(unknown)[0]!r} is not an option of {measure.name!r}; allowed: {allowed}")
    out = {k: o.check(k, options.get(k, o.default)) for k, o in measure.options.items()}
    resolved = SweepSpec(spec.system, spec.axes, spec.measure, out, spec.run)
    if measure.check is not None:
        measure.check(resolved)
    return out


# -- lyapunov ---------------------------------------------------------------------------
def _lyapunov_dims(spec):
    k = spec.options.get("k", 1)
    return {"lyapunov": () if k == 1 else (("exponent", np.arange(1, k + 1)),)}


def _lyapunov_check(spec):
    cfg = spec.config_at(0)
    n = get_system(spec.system).state_size(cfg.params)
    if spec.options["k"] > n:
        raise ValueError(f"k: {spec.options['k']} exponents asked, but {spec.system!r} has {n} variables")
    if math.isinf(cfg.t_end):
        raise ValueError("t_end: the Lyapunov measure averages over a finite t_end")


@functools.lru_cache(maxsize=8)
def _t_end(spec_json: str) -> float:
    # the run's duration does not depend on the swept parameters: resolve it once per process
    return SweepSpec.from_json(spec_json).config_at(0).t_end


def _lyapunov(spec, flat):
    k = spec.options["k"]
    try:
        # lyapunov_spectrum validates the point's parameters and state itself (as make_config does)
        exps = lyapunov_spectrum(
            spec.system,
            preset=spec.run.get("preset"),
            params=spec.point_params(flat),
            initial=spec.run.get("initial"),
            seed=spec.run.get("seed"),
            t_end=_t_end(spec.to_json()),
            transient=spec.options["transient"],
            dt=spec.run.get("dt"),
            k=k,
        )
    except FloatingPointError as exc:
        return {}, NONFINITE, str(exc)  # the values stay NaN
    value = np.asarray(exps, dtype=np.float64) if k > 1 else np.float64(exps[0])
    if not np.all(np.isfinite(value)):
        return {"lyapunov": value}, NONFINITE, "the exponent is not finite"
    return {"lyapunov": value}, OK, ""


# -- orbit -----------------------------------------------------------------------------
def _orbit_dims(spec):
    return {"orbit": (("point", np.arange(spec.options["points"])),)}


def _orbit_check(spec):
    system = get_system(spec.system)
    if system.kind == "map" and "t_end" in spec.run:
        raise ValueError("t_end: the orbit diagram of a map is set by the options transient and points, not t_end")
    if system.kind == "map" and spec.options["section"] is not None:
        raise ValueError("section: a map's orbit diagram has no Poincaré section; it applies to flows")
    var = spec.options["variable"]
    if var is not None and var not in system.variable_names:
        names = list(system.variable_names)
        raise ValueError(f"variable: {var!r} is not a variable of {system.name!r}; it has {names}")


def _orbit(spec, flat):
    system = get_system(spec.system)
    o = spec.options
    params = spec.point_params(flat)
    first = spec.axes[0].name
    value = params.pop(first)
    kwargs = {k: spec.run[k] for k in ("rtol", "atol") if k in spec.run}
    if system.kind == "flow":
        kwargs["t_end"] = spec.run.get("t_end")
        kwargs["section"] = o["section"]
        kwargs["which"] = o["which"]
    _, v = orbit_diagram(
        system,
        first,
        [value],
        variable=o["variable"],
        transient=o["transient"],
        points=o["points"],
        preset=spec.run.get("preset"),
        params=params,
        initial=spec.run.get("initial"),
        seed=spec.run.get("seed"),
        workers=1,
        **kwargs,
    )
    out = np.full(o["points"], math.nan)
    out[: v.size] = v
    if system.kind == "map" and v.size < o["points"]:
        return {"orbit": out}, NONFINITE, f"the orbit became non-finite after {v.size} kept iterates"
    return {"orbit": out}, OK, ""


# -- rqa -------------------------------------------------------------------------------
def _rqa_dims(spec):
    return {"rqa": (("rqa_measure", np.array(RQA_MEASURES)),)}


def _rqa_check(spec):
    cfg = spec.config_at(0)
    if cfg.samples is None:
        raise ValueError("t_end: RQA needs a finite run")
    used = cfg.samples - int(np.count_nonzero(np.linspace(cfg.t0, cfg.t_end, cfg.samples) < spec.options["transient"]))
    if used > MAX_RQA_SAMPLES:
        raise ValueError(
            f"samples: RQA of {used} samples per point is too slow for a sweep (O(N²)); "
            f"use samples (and transient) leaving at most {MAX_RQA_SAMPLES}"
        )
    if used < 2:
        raise ValueError(f"transient: {spec.options['transient']!r} leaves {used} samples; RQA needs at least 2")
    if spec.options["eps"] is not None and spec.options["recurrence_rate"] is not None:
        raise ValueError("eps and recurrence_rate: give one or the other (recurrence_rate defaults to 0.05)")
    if spec.options["eps"] is None and spec.options["recurrence_rate"] is None:
        raise ValueError("eps and recurrence_rate: give one of them")
    var = spec.options["variable"]
    system = get_system(spec.system)
    if var is not None and var not in system.variable_names:
        names = list(system.variable_names)
        raise ValueError(f"variable: {var!r} is not a variable of {system.name!r}; it has {names}")


def _rqa(spec, flat):
    o = spec.options
    result = simulate_config(spec.config_at(flat))
    if result.status == BLOWUP:
        return {}, NONFINITE, result.message
    x = result.states if o["variable"] is None else result[o["variable"]]
    x = x[result.t >= o["transient"]]
    r = rqa(
        x,
        eps=o["eps"],
        recurrence_rate=o["recurrence_rate"] if o["eps"] is None else None,
        metric=o["metric"],
        theiler=o["theiler"],
        lmin=o["lmin"],
        vmin=o["vmin"],
    )
    return {"rqa": np.array([float(r[k]) for k in RQA_MEASURES])}, OK, ""


# -- final state and invariant drift --------------------------------------------------------
def _state_labels(spec):
    system = get_system(spec.system)
    cfg = spec.config_at(0)
    from solvers.pde import grid_of

    labels = []
    for name, size in system.layout(cfg.params, grid_of(system, cfg)):
        labels += [name] if size == 1 else [f"{name}[{i}]" for i in range(size)]
    return np.array(labels)


def _final_dims(spec):
    return {"final_state": (("state", _state_labels(spec)),)}


def _final_state(spec, flat):
    cfg = spec.config_at(flat)
    last, chunk = None, None
    for chunk in run(cfg):
        if chunk.t.size:
            last = chunk.y[-1]
    if chunk.status == BLOWUP or last is None:
        return {}, NONFINITE, chunk.message  # the values stay NaN
    return {"final_state": np.asarray(last, dtype=np.float64).ravel()}, OK, ""


def _drift_dims(spec):
    names = [i.name for i in get_system(spec.system).invariants]
    return {"invariant_drift": (("invariant", np.array(names)),)}


def _drift_check(spec):
    if not get_system(spec.system).invariants:
        raise ValueError(f"measure: {spec.system!r} has no invariants, so no invariant drift")


def _invariant_drift(spec, flat):
    """validation.drift of each invariant, computed as the run streams:
    max |I(t) − I(0)| / max(|I(0)|, 1)."""
    cfg = spec.config_at(flat)
    names = [i.name for i in get_system(spec.system).invariants]
    first: dict[str, np.ndarray] = {}
    dev = dict.fromkeys(names, 0.0)
    chunk = None
    for chunk in run(cfg):
        for key, v in chunk.invariants.items():
            if not v.size:
                continue
            if key not in first:
                first[key] = np.asarray(v[0], dtype=np.float64)
            dev[key] = max(dev[key], float(np.max(np.abs(v - first[key]))))
    out = np.array([dev[k] / max(float(np.max(np.abs(first[k]))), 1.0) if k in first else math.nan for k in names])
    if chunk.status == BLOWUP:
        return {}, NONFINITE, chunk.message
    return {"invariant_drift": out}, OK, ""


MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure(
            "lyapunov",
            "largest Lyapunov exponent(s) over t_end (iterations for maps), after a transient",
            ("flow", "map"),
            {
                "transient": Option(None, _nonneg_or_none, "time (iterations) discarded first; default 10% of t_end"),
                "k": Option(1, _positive_int, "number of exponents, largest first"),
            },
            _lyapunov_dims,
            _lyapunov,
            _lyapunov_check,
        ),
        Measure(
            "orbit",
            "orbit (bifurcation) diagram: values of one variable on the attractor",
            ("map", "flow"),
            {
                "variable": Option(None, _name_or_none, "the variable shown (default the first)"),
                "points": Option(200, _positive_int, "iterates (maps) or maxima / crossings (flows) kept per point"),
                "transient": Option(None, _nonneg_or_none, "iterations (time) discarded; default as in scans"),
                "which": Option("max", _choice("max", "min"), "flows: local maxima or minima of the variable"),
                "section": Option(None, _section, "flows: a Poincaré section {normal, offset, direction}"),
            },
            _orbit_dims,
            _orbit,
            _orbit_check,
        ),
        Measure(
            "rqa",
            "recurrence quantification of the run's samples after a transient",
            ("flow", "map", "ensemble"),
            {
                "variable": Option(None, _name_or_none, "one variable (default the whole state)"),
                "transient": Option(0.0, lambda n, v: _nonneg_or_none(n, v) or 0.0, "samples with t < this dropped"),
                "recurrence_rate": Option(0.05, _rate, "threshold chosen for this recurrence rate"),
                "eps": Option(None, _nonneg_or_none, "fixed threshold instead (then set recurrence_rate=none)"),
                "metric": Option("euclidean", _choice("euclidean", "maximum", "manhattan"), "norm"),
                "theiler": Option(1, _nonneg_int, "Theiler window"),
                "lmin": Option(2, _positive_int, "shortest diagonal line counted"),
                "vmin": Option(2, _positive_int, "shortest vertical line counted"),
            },
            _rqa_dims,
            _rqa,
            _rqa_check,
        ),
        Measure(
            "final-state",
            "the state at t_end",
            ("flow", "map", "ensemble", "pde"),
            {},
            _final_dims,
            _final_state,
        ),
        Measure(
            "invariant-drift",
            "largest change of each invariant over the run (relative where |I(0)| ≥ 1)",
            ("flow", "map", "ensemble", "pde"),
            {},
            _drift_dims,
            _invariant_drift,
            _drift_check,
        ),
    )
}


@functools.lru_cache(maxsize=8)
def _spec(spec_json: str) -> SweepSpec:
    return SweepSpec.from_json(spec_json)


def evaluate_points(spec_json: str, indices, definition: str | None = None) -> dict[str, Any]:
    """Compute the points ``indices`` of a sweep (the worker's task).

    ``definition`` is the text of a user-defined system, defined here first
    (a worker process starts with the built-in catalog only; the text is
    parsed and validated like typed text, and defining the same text again
    is free).

    Returns plain data: ``indices``, ``status`` (int8), ``seconds`` (compute
    time of each point), ``errors`` (a message per point, "" when fine) and
    ``values`` (name → array with the points on axis 0).
    """
    if definition is not None:
        from solvers.userdef import define_system

        define_system(json.loads(spec_json)["system"], definition)
    spec = _spec(spec_json)
    measure = MEASURES[spec.measure]
    idx = np.asarray(indices, dtype=np.int64)
    k = idx.size
    values = {name: np.full((k, *shape), math.nan) for name, shape in measure.value_shapes(spec).items()}
    status = np.zeros(k, dtype=np.int8)
    seconds = np.zeros(k)
    errors = [""] * k
    for j, flat in enumerate(idx.tolist()):
        t0 = time.perf_counter()
        try:
            vals, st, msg = measure.compute(spec, flat)
            for name, v in vals.items():
                values[name][j] = v
            status[j], errors[j] = st, msg
        except Exception as exc:  # one bad point is recorded; the sweep goes on
            status[j], errors[j] = ERROR, f"{type(exc).__name__}: {exc}"
        seconds[j] = time.perf_counter() - t0
    return {"indices": idx, "status": status, "seconds": seconds, "errors": errors, "values": values}
