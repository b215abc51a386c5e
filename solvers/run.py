"""The chunked run loop: RunConfig → Chunk, Chunk, … → Result.

:func:`make_config` validates a request and resolves every default, so the
returned :class:`~solvers.spec.RunConfig` alone reproduces the run.
:func:`run` is a generator; each ``next()`` makes one bounded kernel call
(about ``chunk_seconds`` of work) and yields a :class:`Chunk` holding fresh
arrays.  Between calls it checks the stop flag and the parameter mailbox.
:func:`simulate` drives it to the end and returns a :class:`Result`.
"""

from __future__ import annotations

import math
import numbers
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .catalog import get_system
from .integrators import METHODS, STATUS_NONFINITE, STATUS_OK, STATUS_PAUSED, STATUS_UNDERFLOW, Stepper
from .pde import SPECTRAL_FAMILIES, PhysicalStepper, SpectralStepper, check_initial, grid_of, initial_fields
from .spec import RunConfig, System, close_matches

DEFAULT_RTOL = 1e-9
DEFAULT_ATOL = 1e-12
# Memory a single output batch may take (rows × state size × 8 bytes).
BATCH_BYTES = 32 * 2**20
MAX_BATCH_ROWS = 4096
# What simulate() may allocate for the samples it keeps before it refuses.
MAX_RESULT_BYTES = 8 * 2**30

# Run statuses
RUNNING, DONE, STOPPED, BLOWUP = "running", "done", "stopped", "blow-up"


def _positive(name: str, value: Any, allow_inf: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}: {value!r} is not a number; expected a positive number")
    v = float(value)
    if math.isnan(v) or v <= 0 or (math.isinf(v) and not allow_inf):
        allowed = "a positive number (or inf)" if allow_inf else "a positive finite number"
        raise ValueError(f"{name}: {value!r} is not allowed; expected {allowed}")
    return v


# Fraction of the stability limit taken when a preset's fixed step is too large for the grid asked for.
CFL_SAFETY = 0.9


def make_config(
    name: str | System,
    *,
    preset: str | None = None,
    params: Mapping[str, Any] | None = None,
    initial: Sequence[float] | np.ndarray | None = None,
    t_end: float | None = None,
    samples: int | None = None,
    sample_interval: float | None = None,
    method: str | None = None,
    dt: float | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    seed: int | None = None,
    domain: Sequence[float] | None = None,
    n: int | Sequence[int] | None = None,
) -> RunConfig:
    """Validate a run request and resolve every default into a RunConfig.

    ``t_end`` may be ``math.inf`` (run until stopped) when ``sample_interval``
    is given.  For maps ``t_end`` counts iterations.  PDEs take a ``domain``
    ((a, b), or ((ax, bx), (ay, by)) in 2-D) and ``n`` grid points per axis;
    their ``initial`` is an array on the grid or a dict of arrays, one per field.
    """
    system = get_system(name)
    base = system.default_params()
    pre = None
    if preset is not None:
        pre = system.preset(preset)
        base = system.validate_params(pre.params, base)
    full = system.validate_params(params, base)

    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**63))
    elif isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed: {seed!r} is not allowed; expected a non-negative integer")
    seed = int(seed)

    grid = None
    if system.pde is not None:
        g = {}
        if pre is not None and pre.grid is not None:
            # a preset's box may depend on its parameters (a breather's period)
            g = dict(pre.grid(full) if callable(pre.grid) else pre.grid)
        grid = system.pde.grid(g.get("n") if n is None else n, g.get("domain") if domain is None else domain)
    elif domain is not None or n is not None:
        raise ValueError(f"domain and n: {system.name!r} is a {system.kind}, not a PDE; it has no grid")
    size = system.state_size(full, grid)
    if initial is None and pre is not None and pre.initial is not None:
        initial = pre.initial
    if initial is None and pre is None and system.initial_state is None and system.pde is None:
        # no state given: the first preset's state is the system's default
        first = next((q for q in system.presets if q.initial is not None), None)
        if first is not None and len(first.initial) == size:
            initial = first.initial
    if initial is None and system.pde is not None:
        if pre is None:
            pre = next((q for q in system.presets if q.initial_fn is not None), None)
            if pre is None:
                raise ValueError(f"initial: {system.name!r} needs initial fields or a preset")
            preset = pre.name
        elif pre.initial_fn is None:
            raise ValueError(f"initial: preset {pre.name!r} has no initial fields; give them")
    if initial is not None and system.pde is not None and not _is_flat_state(initial, size):
        if not isinstance(initial, Mapping):
            fields = [v.name for v in system.variables]
            if len(fields) != 1:
                raise ValueError(f"initial: {system.name!r} has fields {fields}; give a dict of arrays")
            initial = {fields[0]: initial}
        initial = system.join(initial, full, grid)
    if initial is not None:
        try:
            y0 = np.asarray(initial, dtype=np.float64).ravel()
        except (TypeError, ValueError):
            raise ValueError(f"initial: {initial!r} is not a sequence of numbers") from None
        if y0.size != size:
            names = ", ".join(f"{v}[{s}]" if s > 1 else v for v, s in system.layout(full, grid))
            raise ValueError(
                f"initial: {y0.size} values given, but {system.name!r} with these parameters "
                f"has a state of {size} values ({names})"
            )
        if not np.all(np.isfinite(y0)):
            raise ValueError(f"initial: contains non-finite values {y0[~np.isfinite(y0)][:3].tolist()}")
        initial_list = y0.tolist()
    elif system.initial_state is not None or system.pde is not None:
        initial_list = None
    else:
        raise ValueError(
            f"initial: system {system.name!r} needs an initial state of {size} values "
            f"(or a preset: {', '.join(p.name for p in system.presets) or 'none'})"
        )
    dt_given = dt is not None
    if pre is not None:
        method = pre.method if method is None else method
        dt = pre.dt if dt is None else dt
        samples = pre.samples if (samples is None and sample_interval is None) else samples
        if method is None or METHODS[method].adaptive:
            rtol = pre.rtol if rtol is None else rtol
            atol = pre.atol if atol is None else atol

    method = system.default_method if method is None else method
    if method not in system.methods:
        known = f" (not offered for {system.kind}s like {system.name!r})" if method in METHODS else ""
        raise ValueError(
            f"method: {method!r} is not available for {system.name!r}{known}; "
            + close_matches(str(method), system.methods)
        )
    meth = METHODS[method]
    if system.pde is not None and system.pde.method_check is not None:
        why = system.pde.method_check(method, full)
        if why:
            raise ValueError(f"method: {method!r} cannot run {system.name!r} with these parameters: {why}")

    if t_end is None:
        t_end = pre.t_end if (pre is not None and pre.t_end is not None) else system.default_t_end
    t_end = _positive("t_end", t_end, allow_inf=True)
    if system.kind == "map" and not math.isinf(t_end) and t_end != int(t_end):
        raise ValueError(f"t_end: {t_end!r} must be a whole number of iterations for the map {system.name!r}")

    if samples is not None and sample_interval is not None:
        raise ValueError("samples and sample_interval: give one or the other, not both")
    if math.isinf(t_end):
        if sample_interval is None:
            raise ValueError("sample_interval: required when t_end is infinite (run until stopped)")
        sample_interval = _positive("sample_interval", sample_interval)
    elif sample_interval is not None:
        sample_interval = _positive("sample_interval", sample_interval)
        count = t_end / sample_interval
        if abs(count - round(count)) > 1e-9 * max(1.0, count):
            raise ValueError(
                f"sample_interval: {sample_interval!r} does not divide t_end = {t_end!r} into whole intervals"
            )
    else:
        if samples is None:
            if system.kind == "map":
                samples = int(min(t_end, 100_000)) + 1
                while (t_end / (samples - 1)) != int(t_end / (samples - 1)):
                    samples -= 1
            else:
                samples = system.default_samples
        if isinstance(samples, bool) or not isinstance(samples, numbers.Integral) or samples < 2:
            raise ValueError(f"samples: {samples!r} is not allowed; expected an integer ≥ 2")
        sample_interval = t_end / (int(samples) - 1)
    if system.kind == "map" and sample_interval != int(sample_interval):
        raise ValueError(
            f"samples: {samples!r} samples would put {sample_interval:g} iterations between samples; "
            "for maps the interval must be a whole number of iterations"
        )

    if meth.fixed_step:
        dt = system.default_dt if dt is None else _positive("dt", dt)
        if grid is not None and system.pde.max_dt is not None:
            limit = system.pde.max_dt(grid, full)
            if dt > limit and dt_given:
                raise ValueError(
                    f"dt: {dt:g} exceeds the stability (CFL) limit {limit:.4g} of {method!r} on this grid "
                    f"(dx = {grid.spacing():.4g}); use dt ≤ {limit:.4g}"
                )
            if dt > limit:
                # the preset's (or system's) step is for the preset's grid: on a finer one
                # choose a stable step instead of refusing; make_stepper reports it
                dt = CFL_SAFETY * limit
    elif dt is not None:
        dt = _positive("dt", dt)  # first step of an adaptive method
    if meth.adaptive:
        rtol = DEFAULT_RTOL if rtol is None else _positive("rtol", rtol)
        atol = DEFAULT_ATOL if atol is None else _positive("atol", atol)
        if rtol < 1e-15:
            raise ValueError(f"rtol: {rtol!r} is below what float64 can deliver; use rtol ≥ 1e-15")
    else:
        for label, value in (("rtol", rtol), ("atol", atol)):
            if value is not None:
                raise ValueError(f"{label}: only adaptive methods take a tolerance; {method!r} uses dt")

    return RunConfig(
        system=system.name,
        params=full,
        t_end=t_end,
        sample_interval=float(sample_interval),
        method=method,
        initial=initial_list,
        preset=preset,
        dt=dt,
        rtol=rtol,
        atol=atol,
        seed=seed,
        grid=None if grid is None else grid.to_dict(),
    )


def _is_flat_state(initial: Any, size: int) -> bool:
    if isinstance(initial, Mapping):
        return False
    a = np.asarray(initial)
    return a.ndim == 1 and a.size == size and not np.iscomplexobj(a) and a.dtype != object


def check_config(config: RunConfig) -> RunConfig:
    """Re-validate a config that came from a file or another process."""
    grid = config.grid or {}
    fresh = make_config(
        config.system,
        preset=config.preset,
        domain=grid.get("domain"),
        n=grid.get("n"),
        params=config.params,
        initial=config.initial,
        t_end=config.t_end,
        sample_interval=config.sample_interval,
        method=config.method,
        dt=config.dt,
        rtol=config.rtol,
        atol=config.atol,
        seed=config.seed,
    )
    return fresh


class ParameterMailbox:
    """Parameter changes posted from any thread, applied by the run loop at
    the next chunk boundary."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pending: dict[str, Any] = {}

    def post(self, **params: Any) -> None:
        with self._lock:
            self._pending.update(params)

    def take(self) -> dict[str, Any]:
        with self._lock:
            pending, self._pending = self._pending, {}
        return pending


@dataclass
class Chunk:
    """One kernel call's worth of results.

    ``t`` (k,) and ``y`` (k, n) are fresh arrays the consumer may keep;
    ``k`` may be 0 (the call ended between samples).  ``status`` is
    ``running`` until the last chunk, which says ``done``, ``stopped`` or
    ``blow-up``.
    """

    t: np.ndarray
    y: np.ndarray
    invariants: dict[str, np.ndarray]
    status: str
    t_now: float
    progress: float
    steps: int
    message: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)
    observables: dict[str, np.ndarray] = field(default_factory=dict)


def sample_times(config: RunConfig, start: int, count: int) -> np.ndarray:
    idx = np.arange(start, start + count, dtype=np.float64)
    if math.isinf(config.t_end):
        return config.t0 + idx * config.sample_interval
    # the same arithmetic as numpy.linspace, so that result.t == linspace(t0, t_end, samples)
    total = config.samples - 1
    t = config.t0 + idx * ((config.t_end - config.t0) / total)
    t[idx == total] = config.t_end
    return t


def make_stepper(config: RunConfig, system: System | None = None):
    """The stepper of a run: ODE/map/ensemble steppers, or a PDE stepper
    (spectral or physical) that also knows its grid."""
    system = system or get_system(config.system)
    meth = METHODS[config.method]
    grid = grid_of(system, config)
    if config.initial is not None:
        y0 = np.asarray(config.initial, dtype=np.float64)
    elif grid is not None:
        y0 = initial_fields(system, system.preset(config.preset), grid, config.params, config.seed)
    else:
        y0 = system.make_initial(config.params, config.seed)
    dt = step_used(config) if meth.fixed_step else config.dt
    t_stop = math.inf if math.isinf(config.t_end) else config.t_end
    rtol, atol = config.rtol or 0.0, config.atol or 0.0
    fn = system.accel if meth.family == "symplectic" else system.rhs
    if grid is not None and meth.family in SPECTRAL_FAMILIES:
        stepper = SpectralStepper(system, config.method, grid, config.params, y0, config.t0, dt, rtol, atol, t_stop)
    elif grid is not None:
        # PDEs on their physical fields: symplectic methods use accel, RK methods the first-order rhs
        stepper = PhysicalStepper(
            system,
            grid,
            config.params,
            meth,
            fn,
            y0,
            system.pde.pack(config.params, grid),
            config.t0,
            dt,
            rtol,
            atol,
            t_stop,
        )
    else:
        stepper = Stepper(meth, fn, y0, system.pack(config.params), config.t0, dt, rtol, atol, t_stop)
    stepper.messages = check_initial(system, y0, grid, config.params) if grid is not None else []
    note = _automatic_step_note(system, config, meth, grid, dt)
    if note:
        stepper.messages.insert(0, note)
    return stepper


def step_used(config: RunConfig) -> float:
    """The step a fixed-step run takes: ``config.dt`` lowered to a whole number
    of equal steps per sample interval, so that the step stays constant for the
    whole run and samples fall on step points."""
    per = max(1, math.ceil(config.sample_interval / config.dt - 1e-9))
    return config.sample_interval / per


def _automatic_step_note(system, config: RunConfig, meth, grid, dt_used) -> str | None:
    """The message for a fixed step that make_config lowered below the
    preset's because that one is unstable on this grid."""
    if not meth.fixed_step or grid is None or system.pde.max_dt is None or config.dt is None:
        return None
    default = system.default_step(config.preset)
    limit = system.pde.max_dt(grid, config.params)
    if default is None or default <= limit or not math.isclose(config.dt, CFL_SAFETY * limit, rel_tol=1e-12):
        return None
    own = config.preset is not None and system.preset(config.preset).dt is not None
    source = f"the step of preset {config.preset!r}" if own else "the default step"
    return (
        f"note: the step was chosen automatically, dt = {dt_used:.4g} (at most {CFL_SAFETY:g} of the stability "
        f"(CFL) limit {limit:.4g} of {config.method!r} on this grid, dx = {grid.spacing():.4g}, and a whole "
        f"number of steps per sample): {source}, dt = {default:g}, is unstable here; pass dt to choose another"
    )


def run(
    config: RunConfig,
    *,
    stop: threading.Event | None = None,
    mailbox: ParameterMailbox | None = None,
    chunk_seconds: float = 0.02,
) -> Iterator[Chunk]:
    """Run ``config`` and yield its results chunk by chunk.

    Memory stays bounded for runs of any length: nothing is accumulated here.
    """
    system = get_system(config.system)
    stepper = make_stepper(config, system)
    params = dict(config.params)
    grid = getattr(stepper, "grid", None)
    n = system.state_size(params, grid)  # floats per output row
    internal = stepper.y.size
    dtype = stepper.y.dtype
    total = config.samples  # None: until stopped
    rows = int(max(1, min(MAX_BATCH_ROWS, BATCH_BYTES // (stepper.y.itemsize * max(n, internal)))))
    to_output = getattr(stepper, "to_output", None)
    written = 0
    # start with one step: a single step of a large 2-D PDE can take tens of
    # milliseconds; the budget then grows at most 4× per call to ~chunk_seconds
    max_steps = 1
    t_start_wall = time.perf_counter()

    def finish(status: str, message: str, events=None) -> Chunk:
        return Chunk(
            t=np.empty(0),
            y=np.empty((0, n)),
            invariants={},
            status=status,
            t_now=stepper.t,
            progress=(written / total) if total else 0.0,
            steps=stepper.steps,
            message=message,
            events=events or [],
        )

    if not np.all(np.isfinite(stepper.y)):
        yield finish(BLOWUP, f"the initial state is not finite at t = {stepper.t:g}")
        return
    if stepper.messages:
        # warnings about the set-up (unresolved or non-periodic data) come first
        yield Chunk(np.empty(0), np.empty((0, n)), {}, RUNNING, stepper.t, 0.0, 0, "\n".join(stepper.messages))

    while True:
        batch = rows if total is None else min(rows, total - written)
        targets = sample_times(config, written, batch)
        out = np.empty((batch, internal), dtype=dtype)
        done_in_batch = 0
        while done_in_batch < batch:
            events = []
            if stop is not None and stop.is_set():
                yield finish(STOPPED, f"stopped at t = {stepper.t:.6g}")
                return
            if mailbox is not None:
                events = _apply_mailbox(mailbox, system, params, stepper)
            t0 = time.perf_counter()
            k, status = stepper.advance(targets[done_in_batch:], out[done_in_batch:], max_steps)
            elapsed = time.perf_counter() - t0
            taken = stepper.steps  # total so far; per-call count is in info[3]
            per_call = int(stepper.info[3])
            if per_call > 0 and elapsed > 0:
                rate = per_call / elapsed
                max_steps = int(min(max(1, rate * chunk_seconds), 4 * max_steps, 10**9))
            ts = targets[done_in_batch : done_in_batch + k].copy()
            ys = out[done_in_batch : done_in_batch + k]
            ys = to_output(ts, ys) if to_output is not None else ys.copy()
            done_in_batch += k
            written += k
            inv = system.evaluate_invariants(ys, params, grid) if k else {}
            obs = system.evaluate_observables(ys, params, grid) if k else {}
            finished = total is not None and written >= total
            if status == STATUS_NONFINITE:
                yield Chunk(
                    ts,
                    ys,
                    inv,
                    BLOWUP,
                    stepper.t,
                    written / total if total else 0.0,
                    taken,
                    f"blow-up: the state became non-finite at t = {stepper.t:.10g}; "
                    f"{written} samples before it are kept",
                    events,
                    obs,
                )
                return
            if status == STATUS_UNDERFLOW:
                # a sample that coincides with the singular time is not a value of the solution
                keep = ts < stepper.t
                written -= int(k - keep.sum())
                ts, ys = ts[keep], ys[keep]
                inv = {key: v[keep] for key, v in inv.items()}
                obs = {key: v[keep] for key, v in obs.items()}
                yield Chunk(
                    ts,
                    ys,
                    inv,
                    BLOWUP,
                    stepper.t,
                    written / total if total else 0.0,
                    taken,
                    f"blow-up: the step size fell below the round-off limit at t = {stepper.t:.10g} "
                    f"(the solution is probably singular there); {written} samples before it are kept",
                    events,
                    obs,
                )
                return
            assert status in (STATUS_OK, STATUS_PAUSED)
            if finished:
                wall = time.perf_counter() - t_start_wall
                yield Chunk(
                    ts,
                    ys,
                    inv,
                    DONE,
                    stepper.t,
                    1.0,
                    taken,
                    f"{written} samples, {taken} steps in {wall:.3g} s",
                    events,
                    obs,
                )
                return
            yield Chunk(ts, ys, inv, RUNNING, stepper.t, written / total if total else 0.0, taken, "", events, obs)


def _apply_mailbox(mailbox: ParameterMailbox, system: System, params: dict, stepper: Stepper) -> list[dict]:
    pending = mailbox.take()
    if not pending:
        return []
    applied, refused = {}, {}
    for key, value in pending.items():
        try:
            par = system.parameter(key)
            if par.structural:
                raise ValueError(f"parameter {key!r} changes the size of the state; restart the run to change it")
            applied[key] = par.validate(value, system.name)
        except ValueError as exc:
            refused[key] = str(exc)
    if applied:
        params.update(applied)
        if isinstance(stepper, SpectralStepper):
            stepper.set_params(params)
        elif isinstance(stepper, PhysicalStepper):
            stepper.set_params(system.pde.pack(params, stepper.grid))
        else:
            stepper.set_params(system.pack(params))
    event = {"t": stepper.t, "applied": applied}
    if refused:
        event["refused"] = refused
    return [event]


class Result:
    """The samples of a finished (or stopped, or blown-up) run.

    ``result.t`` holds the sample times, ``result[name]`` each variable with
    time on axis 0, ``result.invariants`` each invariant over ``result.t``.
    """

    def __init__(
        self, config: RunConfig, t, y, invariants, status, message, steps, wall, events, messages=(), observables=None
    ):
        self.config = config
        self.observables = observables or {}
        self.system = get_system(config.system)
        self.grid = grid_of(self.system, config)
        self.messages = list(messages)
        self.t = t
        self.states = y
        self.invariants = invariants
        self.status = status
        self.message = message
        self.steps = steps
        self.wall_time = wall
        self.events = events
        self._vars = self.system.split(y, config.params, self.grid)

    @property
    def x(self) -> np.ndarray:
        """Grid coordinates of a PDE's fields along x."""
        if self.grid is None:
            raise AttributeError(f"{self.system.name!r} is not a PDE; it has no grid")
        return self.grid.x

    @property
    def y(self) -> np.ndarray:
        """Grid coordinates along y of a 2-D PDE's fields (the full state
        array of any run is ``result.states``)."""
        if self.grid is None or self.grid.dims != 2:
            raise AttributeError(
                "result.y is the y coordinate of a 2-D PDE; the samples of the whole state are result.states, "
                "a variable named 'y' is result['y']"
            )
        return self.grid.y

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(self._vars)

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.config.params)

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self._vars[name]
        except KeyError:
            raise KeyError(
                f"{name!r} is not a variable of {self.system.name!r}; " + close_matches(name, list(self._vars))
            ) from None

    def __contains__(self, name: str) -> bool:
        return name in self._vars

    def __repr__(self) -> str:
        return (
            f"<Result {self.system.name}: {self.t.size} samples to t = {self.t[-1] if self.t.size else 0:g}, "
            f"status {self.status!r}>"
        )


def simulate_config(config: RunConfig, *, stop: threading.Event | None = None, progress=None) -> Result:
    """Drive :func:`run` to the end and gather every sample."""
    system = get_system(config.system)
    n = system.state_size(config.params, grid_of(system, config))
    if config.samples is None:
        raise ValueError("t_end: simulate() needs a finite t_end (use run() to run until stopped)")
    need = config.samples * n * 8
    if need > MAX_RESULT_BYTES:
        raise ValueError(
            f"samples: keeping {config.samples} samples of {n} values needs {need / 2**30:.1f} GiB; "
            f"ask for fewer samples (at most {MAX_RESULT_BYTES // (8 * n)})"
        )
    t = np.empty(config.samples)
    y = np.empty((config.samples, n))
    inv: dict[str, list[np.ndarray]] = {}
    obs: dict[str, list[np.ndarray]] = {}
    events: list[dict] = []
    messages: list[str] = []
    i = 0
    t0 = time.perf_counter()
    last = None
    for chunk in run(config, stop=stop):
        if chunk.message and chunk.status == RUNNING:
            messages.append(chunk.message)
        k = chunk.t.size
        t[i : i + k] = chunk.t
        y[i : i + k] = chunk.y
        for key, val in chunk.invariants.items():
            inv.setdefault(key, []).append(val)
        for key, val in chunk.observables.items():
            obs.setdefault(key, []).append(val)
        events += chunk.events
        i += k
        last = chunk
        if progress is not None:
            progress(chunk.progress)
    invariants = {key: np.concatenate(v) for key, v in inv.items()}
    observables = {key: np.concatenate(v) for key, v in obs.items()}
    if i < config.samples:
        t, y = t[:i], y[:i]
        if not invariants:
            invariants = {name: np.empty(0) for name in (v.name for v in system.invariants)}
    return Result(
        config,
        t,
        y,
        invariants,
        last.status,
        last.message,
        last.steps,
        time.perf_counter() - t0,
        events,
        messages,
        observables,
    )


def simulate(
    name: str,
    *,
    preset: str | None = None,
    params: Mapping[str, Any] | None = None,
    initial: Sequence[float] | np.ndarray | None = None,
    t_end: float | None = None,
    samples: int | None = None,
    method: str | None = None,
    dt: float | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    seed: int | None = None,
    domain: Sequence[float] | None = None,
    n: int | Sequence[int] | None = None,
) -> Result:
    """Run a system of the catalog and return all its samples.

    ``samples`` values are spaced uniformly from 0 to ``t_end`` inclusive
    (adaptive methods interpolate them with their dense output).  For maps
    ``t_end`` counts iterations.  PDEs take ``domain`` and ``n`` (grid
    points per axis) and return fields indexed [time, x] or [time, y, x];
    ``result.x`` (and ``result.y`` in 2-D) are the grid coordinates.  Every
    argument is validated; a bad one raises ``ValueError`` naming it, its
    value and what is allowed.
    """
    config = make_config(
        name,
        preset=preset,
        params=params,
        initial=initial,
        t_end=t_end,
        samples=samples,
        method=method,
        dt=dt,
        rtol=rtol,
        atol=atol,
        seed=seed,
        domain=domain,
        n=n,
    )
    return simulate_config(config)
