"""Declarative description of a dynamical system and of one run of it.

A :class:`System` is data: its variables, parameters, presets, invariants, the
equations as text, a citation, and the numba kernels it needs.  The GUI builds
its panels from it, the tests are parametrized over it, and :class:`RunConfig`
(everything one run needs, JSON round-trippable) refers to it by name.

Kernel calling conventions (all arrays float64 and C-contiguous):

* ``rhs(t, y, p, out)``: flows write dy/dt into ``out``; maps write the next
  state (``t`` is then the iteration number).
* ``jacobian(t, y, p, J)``: writes d rhs_i / d y_j into the square ``J``.
* ``accel(t, q, p, out)``: for separable Hamiltonians H = |v|²/2 + V(q) whose
  state is ``[q, v]`` (two halves); writes -dV/dq into ``out``.

``p`` is the packed parameter vector made by :meth:`System.pack`.
"""

from __future__ import annotations

import difflib
import json
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

KINDS = ("flow", "map", "ensemble", "pde")


def _fmt(value: Any) -> str:
    return repr(value) if isinstance(value, str) else f"{value!r}"


def close_matches(word: str, options: Sequence[str]) -> str:
    """A short 'did you mean' phrase for error messages."""
    near = difflib.get_close_matches(str(word), list(options), n=3, cutoff=0.5)
    if near:
        return "did you mean " + " or ".join(repr(n) for n in near) + "?"
    return "choose one of " + ", ".join(repr(o) for o in options)


@dataclass(frozen=True)
class Parameter:
    """One parameter of a system.

    ``kind`` is ``"float"``, ``"int"`` or ``"choice"`` (then ``choices`` lists
    the allowed strings and the packed value is the index).  ``bounds`` are
    inclusive.  A ``structural`` parameter changes the shape of the state (a
    dimension, a particle count) and cannot change while a run goes.
    """

    name: str
    default: Any
    meaning: str
    unit: str = "1"
    bounds: tuple[float, float] = (-math.inf, math.inf)
    kind: str = "float"
    choices: tuple[str, ...] = ()
    structural: bool = False
    # "model" parameters enter the equations; "initial" ones only shape the
    # initial condition of some presets (a soliton's amplitude, a kink's speed)
    role: str = "model"

    def validate(self, value: Any, system: str = "") -> Any:
        """Return ``value`` coerced to this parameter's type or raise ValueError."""
        where = f"parameter {self.name!r}" + (f" of {system!r}" if system else "")
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise ValueError(
                    f"{where}: {_fmt(value)} is not allowed; choose one of {', '.join(map(repr, self.choices))}"
                )
            return value
        # error messages show what the user typed (a command-line string), not its conversion
        given = value if isinstance(value, str) else repr(value)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            if isinstance(value, str):
                try:
                    value = float(value) if self.kind == "float" else int(value)
                except ValueError:
                    raise ValueError(
                        f"{where}: {value!r} is not a number; expected a {self.kind} in {self.bounds_text()}"
                    ) from None
            else:
                raise ValueError(f"{where}: {value!r} is not a number; expected a {self.kind} in {self.bounds_text()}")
        if not math.isfinite(float(value)):
            raise ValueError(f"{where}: {given} is not finite; allowed: {self.bounds_text()}")
        if self.kind == "int":
            if float(value) != int(value):
                raise ValueError(f"{where}: {given} must be a whole number in {self.bounds_text()}")
            value = int(value)
        else:
            value = float(value)
        lo, hi = self.bounds
        if not lo <= value <= hi:
            raise ValueError(f"{where}: {given} is out of bounds; allowed: {self.bounds_text()}")
        return value

    def bounds_text(self) -> str:
        lo, hi = self.bounds
        unit = "" if self.unit in ("", "1") else f" {self.unit}"
        if math.isinf(lo) and math.isinf(hi):
            return "any finite value"
        if math.isinf(hi):
            return f"≥ {lo:g}{unit}"
        if math.isinf(lo):
            return f"≤ {hi:g}{unit}"
        return f"[{lo:g}, {hi:g}]{unit}"


@dataclass(frozen=True)
class Variable:
    """A state variable.  ``size`` is 1, a fixed count, the name of an
    ``int`` parameter giving the count (a block such as the N phases of a
    Kuramoto ensemble; ``result[name]`` then has shape (samples, size)), or
    ``"grid"`` for a field of a PDE (shape (samples, nx) or (samples, ny, nx)).
    A ``complex`` field takes two floats per point in the state vector
    (interleaved real and imaginary parts) and reads back as complex."""

    name: str
    meaning: str
    unit: str = "1"
    size: int | str = 1
    complex: bool = False


@dataclass(frozen=True)
class Preset:
    """A named, sourced parameter set and initial state.

    ``initial`` is the full state vector, or None when the system generates it
    (from the parameters and the run's seed).
    """

    name: str
    title: str
    source: str
    params: Mapping[str, Any] = field(default_factory=dict)
    initial: tuple[float, ...] | None = None
    t_end: float | None = None
    description: str = ""
    # PDEs: the grid, numerics and the initial fields as a function of the
    # grid, parameters and a random generator; ``exact(t, grid, params)``
    # returns the exact fields (as a dict) where the preset has a solution.
    grid: Mapping[str, Any] | Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None
    method: str | None = None
    dt: float | None = None
    rtol: float | None = None
    atol: float | None = None
    samples: int | None = None
    initial_fn: Callable[..., Mapping[str, np.ndarray]] | None = None
    exact: Callable[..., Mapping[str, np.ndarray]] | None = None
    # largest error against ``exact`` (relative to the solution's maximum)
    # that ``explorer validate`` accepts; None: solvers.validation's default
    tolerance: float | None = None


@dataclass(frozen=True)
class Invariant:
    """A conserved quantity.  ``fn(values, params)`` takes a mapping from
    variable name to its samples (time on axis 0) and the parameter dict and
    returns an array over the samples (shape (samples,), or (samples, k) for a
    quantity conserved element by element, such as each particle's energy)."""

    name: str
    meaning: str
    fn: Callable[[Mapping[str, np.ndarray], Mapping[str, Any]], np.ndarray]


@dataclass(frozen=True)
class System:
    """A dynamical system as declarative data plus its numba kernels."""

    name: str
    title: str
    kind: str
    variables: tuple[Variable, ...]
    parameters: tuple[Parameter, ...]
    equations: str
    reference: str
    rhs: Any = None
    presets: tuple[Preset, ...] = ()
    invariants: tuple[Invariant, ...] = ()
    # quantities recorded with every sample but not conserved (the energy of a
    # forced or viscous flow, an order parameter): same form as invariants
    observables: tuple[Invariant, ...] = ()
    description: str = ""
    jacobian: Any = None
    accel: Any = None
    initial_state: Callable[[Mapping[str, Any], np.random.Generator], np.ndarray] | None = None
    pack_params: Callable[[Mapping[str, Any]], np.ndarray] | None = None
    methods: tuple[str, ...] = ("dop853", "dopri5", "rk4")
    default_method: str = "dop853"
    default_dt: float = 0.01
    default_t_end: float = 100.0
    default_samples: int = 2001
    smooth: bool = True
    time_unit: str = "1"
    tags: tuple[str, ...] = ()
    pde: Any = None  # a solvers.pde.PDE for kind "pde"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"system {self.name!r}: kind {self.kind!r} not in {KINDS}")
        if (self.kind == "pde") != (self.pde is not None):
            raise ValueError(f"system {self.name!r}: a PDE needs its pde description, and only a PDE has one")
        if self.kind != "pde" and self.rhs is None:
            raise ValueError(f"system {self.name!r}: flows, maps and ensembles need a right-hand side")
        if self.default_method not in self.methods:
            raise ValueError(f"system {self.name!r}: default method not in its methods")

    # -- parameters -------------------------------------------------------
    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    @property
    def variable_names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables)

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise ValueError(
            f"system {self.name!r} has no parameter {name!r}; " + close_matches(name, self.parameter_names)
        )

    def preset(self, name: str) -> Preset:
        for p in self.presets:
            if p.name == name:
                return p
        names = [p.name for p in self.presets]
        if not names:
            raise ValueError(f"preset {name!r}: system {self.name!r} has no presets")
        raise ValueError(f"preset {name!r} of system {self.name!r} is unknown; " + close_matches(name, names))

    def default_step(self, preset: str | None) -> float | None:
        """The fixed step a run takes unless given one: the preset's, else the system's."""
        pre = self.preset(preset) if preset is not None else None
        return pre.dt if (pre is not None and pre.dt is not None) else self.default_dt

    def default_params(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.parameters}

    def validate_params(
        self, params: Mapping[str, Any] | None, base: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Full, validated parameter dict: ``base`` (defaults when None) updated by ``params``."""
        full = dict(self.default_params() if base is None else base)
        for key, value in (params or {}).items():
            full[key] = self.parameter(key).validate(value, self.name)
        for p in self.parameters:
            full[p.name] = p.validate(full[p.name], self.name)
        return full

    def pack(self, params: Mapping[str, Any]) -> np.ndarray:
        """The parameter vector the kernels read."""
        if self.pack_params is not None:
            return np.ascontiguousarray(self.pack_params(params), dtype=np.float64)
        values = []
        for p in self.parameters:
            v = params[p.name]
            values.append(p.choices.index(v) if p.kind == "choice" else v)
        return np.asarray(values, dtype=np.float64)

    # -- state layout -----------------------------------------------------
    def layout(self, params: Mapping[str, Any], grid=None) -> list[tuple[str, int]]:
        """(name, number of floats) of each variable block, in state-vector order."""
        out = []
        for v in self.variables:
            if v.size == "grid":
                if grid is None:
                    raise ValueError(f"system {self.name!r}: the layout of a field needs the grid")
                size = grid.size
            elif isinstance(v.size, str):
                size = params[v.size]
            else:
                size = v.size
            out.append((v.name, int(size) * (2 if v.complex else 1)))
        return out

    def state_size(self, params: Mapping[str, Any], grid=None) -> int:
        return sum(size for _, size in self.layout(params, grid))

    def split(self, states: np.ndarray, params: Mapping[str, Any], grid=None) -> dict[str, np.ndarray]:
        """Views of each variable in ``states`` (time on axis 0)."""
        out, i = {}, 0
        for (name, size), var in zip(self.layout(params, grid), self.variables):
            block = states[..., i : i + size]
            if var.complex:
                block = np.ascontiguousarray(block).view(np.complex128)
            if var.size == "grid":
                block = block.reshape(*block.shape[:-1], *grid.shape)
            elif size == 1 and var.size == 1:
                block = block[..., 0]
            out[name] = block
            i += size
        return out

    def join(self, fields: Mapping[str, np.ndarray], params: Mapping[str, Any], grid=None) -> np.ndarray:
        """The state vector of a set of fields/variables (inverse of :meth:`split`)."""
        parts = []
        for (name, size), var in zip(self.layout(params, grid), self.variables):
            if name not in fields:
                raise ValueError(
                    f"initial: no values given for {name!r}; {self.name!r} needs "
                    + ", ".join(repr(v.name) for v in self.variables)
                )
            a = np.asarray(fields[name])
            if var.complex:
                a = np.ascontiguousarray(a, dtype=np.complex128).reshape(-1).view(np.float64)
            else:
                if np.iscomplexobj(a):
                    raise ValueError(f"initial: {name!r} is a real field but complex values were given")
                a = np.asarray(a, dtype=np.float64).reshape(-1)
            if a.size != size:
                shape = grid.shape if var.size == "grid" else (size,)
                raise ValueError(
                    f"initial: {name!r} has {a.size // (2 if var.complex else 1)} values; expected shape {shape}"
                )
            parts.append(a)
        return np.ascontiguousarray(np.concatenate(parts))

    def make_initial(self, params: Mapping[str, Any], seed: int | None) -> np.ndarray:
        if self.initial_state is None:
            raise ValueError(f"system {self.name!r} needs an explicit initial state")
        rng = np.random.default_rng(seed)
        y0 = np.ascontiguousarray(self.initial_state(params, rng), dtype=np.float64)
        return y0

    def evaluate_invariants(self, states: np.ndarray, params: Mapping[str, Any], grid=None) -> dict[str, np.ndarray]:
        """Each invariant over the samples.  PDE invariants also receive the
        grid (as ``values["grid"]``) for their spectral derivatives."""
        return self._evaluate(self.invariants, states, params, grid)

    def evaluate_observables(self, states: np.ndarray, params: Mapping[str, Any], grid=None) -> dict[str, np.ndarray]:
        return self._evaluate(self.observables, states, params, grid)

    def _evaluate(self, quantities, states, params, grid) -> dict[str, np.ndarray]:
        if not quantities:
            return {}
        values = self.split(states, params, grid)
        if grid is not None:
            values["grid"] = grid
        return {q.name: np.asarray(q.fn(values, params), dtype=np.float64) for q in quantities}

    def describe(self) -> str:
        lines = [f"{self.title} ({self.name}, {self.kind})", "", self.equations, ""]
        for p in self.parameters:
            allowed = ", ".join(p.choices) if p.kind == "choice" else p.bounds_text()
            lines.append(f"  {p.name} = {p.default!r} [{p.unit}]  {p.meaning}  ({allowed})")
        lines += ["", f"Reference: {self.reference}"]
        return "\n".join(lines)


@dataclass
class RunConfig:
    """Everything one run needs; what a session stores and re-runs.

    ``initial`` is the explicit state (list of floats) or None when the system
    generates it from ``params`` and ``seed``.  ``t_end`` may be ``inf`` (run
    until stopped); samples are spaced ``sample_interval`` apart from ``t0``.
    """

    system: str
    params: dict[str, Any]
    t_end: float
    sample_interval: float
    method: str
    initial: list[float] | None = None
    preset: str | None = None
    dt: float | None = None
    rtol: float | None = None
    atol: float | None = None
    seed: int | None = None
    t0: float = 0.0
    grid: dict[str, Any] | None = None

    @property
    def samples(self) -> int | None:
        if math.isinf(self.t_end):
            return None
        return round((self.t_end - self.t0) / self.sample_interval) + 1

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["t_end"] = None if math.isinf(self.t_end) else self.t_end
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RunConfig:
        known = set(cls.__dataclass_fields__)
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"run config: unknown field(s) {sorted(unknown)}; allowed: {sorted(known)}")
        d = dict(d)
        if d.get("t_end") is None:
            d["t_end"] = math.inf
        return cls(**d)

    @classmethod
    def from_json(cls, text: str) -> RunConfig:
        try:
            d = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"run config: not valid JSON ({exc})") from None
        if not isinstance(d, dict):
            raise ValueError("run config: JSON must be an object")
        return cls.from_dict(d)
