"""What a sweep is: a system, a grid of parameter values, a measure and the
run options shared by every point.

A :class:`SweepSpec` is plain JSON-able data.  It is what travels to the
worker processes (as a JSON string), what a session file stores with the
results (so that an interrupted sweep is recognised and resumed), and what
turns a grid point back into the :class:`~solvers.spec.RunConfig` of that
point (:meth:`SweepSpec.config_at`), e.g. when a user clicks a pixel of a map.

Points are numbered in C order over the grid (the last axis fastest).
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from solvers.catalog import get_system
from solvers.run import make_config
from solvers.spec import RunConfig

# Run options a sweep passes to solvers.make_config for every point.
RUN_OPTIONS = ("preset", "params", "initial", "t_end", "samples", "method", "dt", "rtol", "atol", "seed", "domain", "n")
# Seed of every point unless one is given: a sweep must be reproducible (and
# resumable) without the caller choosing one.
DEFAULT_SEED = 0
# The most values (points × values per point) one sweep may hold in memory.
MAX_VALUES = 100_000_000


@dataclass(frozen=True)
class Axis:
    """One swept parameter: ``count`` values from ``start`` to ``stop`` inclusive."""

    name: str
    start: float
    stop: float
    count: int

    @property
    def values(self) -> np.ndarray:
        return np.linspace(self.start, self.stop, self.count)

    def to_text(self) -> str:
        return f"{self.name}={self.start!r}:{self.stop!r}:{self.count}"


def parse_axis(text: str) -> Axis:
    """``NAME=START:STOP:COUNT`` (as on the command line) → :class:`Axis`."""
    name, sep, rest = str(text).partition("=")
    parts = rest.split(":")
    if not sep or not name.strip() or len(parts) != 3:
        raise ValueError(f"--param: {text!r} is not of the form NAME=START:STOP:COUNT (e.g. r=2.5:4:1000)")
    try:
        start, stop = float(parts[0]), float(parts[1])
    except ValueError:
        raise ValueError(f"--param: {text!r}: START and STOP must be numbers") from None
    try:
        count = int(parts[2])
    except ValueError:
        raise ValueError(f"--param: {text!r}: COUNT must be a whole number ≥ 1") from None
    return make_axis(name.strip(), start, stop, count)


def make_axis(name: str, start: float, stop: float, count: int) -> Axis:
    for label, v in (("start", start), ("stop", stop)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
            raise ValueError(f"param {name!r}: {label} {v!r} is not allowed; expected a finite number")
    if isinstance(count, bool) or not isinstance(count, numbers.Integral) or count < 1:
        raise ValueError(f"param {name!r}: count {count!r} is not allowed; expected a whole number ≥ 1")
    if count == 1 and start != stop:
        raise ValueError(f"param {name!r}: one value from {start!r} to {stop!r} is ambiguous; give START = STOP")
    return Axis(str(name), float(start), float(stop), int(count))


@dataclass(frozen=True)
class SweepSpec:
    """A sweep: ``system``, the grid ``axes``, the ``measure`` with its
    ``options`` (defaults resolved) and the ``run`` options of every point
    (the keyword arguments of :func:`solvers.make_config`)."""

    system: str
    axes: tuple[Axis, ...]
    measure: str
    options: dict[str, Any] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)

    # -- the grid ------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(a.count for a in self.axes)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.axes)

    def coords(self) -> dict[str, np.ndarray]:
        return {a.name: a.values for a in self.axes}

    def index(self, flat: int) -> tuple[int, ...]:
        """The grid index (i, j, …) of point number ``flat``."""
        if isinstance(flat, bool) or not isinstance(flat, numbers.Integral) or not 0 <= flat < self.size:
            raise ValueError(f"index: {flat!r} is not a point of this sweep; expected 0 ≤ index < {self.size}")
        return tuple(int(i) for i in np.unravel_index(int(flat), self.shape))

    def flat(self, index: Sequence[int]) -> int:
        """The point number of grid index (i, j, …)."""
        idx = tuple(index)
        if len(idx) != len(self.axes) or any(
            isinstance(i, bool) or not isinstance(i, numbers.Integral) or not 0 <= i < n
            for i, n in zip(idx, self.shape)
        ):
            raise ValueError(f"index: {index!r} is not a point of this sweep of shape {self.shape}")
        return int(np.ravel_multi_index(idx, self.shape))

    def point(self, flat: int) -> dict[str, float]:
        """The swept parameter values of point number ``flat``."""
        return {a.name: float(a.values[i]) for a, i in zip(self.axes, self.index(flat))}

    def nearest(self, **values: float) -> tuple[int, ...]:
        """The grid index closest to the given parameter values (a click on a
        diagram: missing axes are an error)."""
        missing = set(self.names) - set(values)
        extra = set(values) - set(self.names)
        if missing or extra:
            raise ValueError(f"values: give exactly the swept parameters {list(self.names)}; got {sorted(values)}")
        return tuple(int(np.argmin(np.abs(a.values - float(values[a.name])))) for a in self.axes)

    # -- one point's run --------------------------------------------------------------
    def point_params(self, flat: int) -> dict[str, Any]:
        params = dict(self.run.get("params") or {})
        system = get_system(self.system)
        for key, value in self.point(flat).items():
            params[key] = round(float(value)) if system.parameter(key).kind == "int" else value
        return params

    def config_at(self, index: int | Sequence[int]) -> RunConfig:
        """The RunConfig of one point (a point number or a grid index): the
        run a user opens from a diagram; re-running it reproduces the point's
        trajectory (the measure's own settings are in ``options``)."""
        flat = index if isinstance(index, numbers.Integral) else self.flat(index)
        kwargs = {k: v for k, v in self.run.items() if k != "params"}
        return make_config(self.system, params=self.point_params(int(flat)), **kwargs)

    # -- as data ----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "axes": [{"name": a.name, "start": a.start, "stop": a.stop, "count": a.count} for a in self.axes],
            "measure": self.measure,
            "options": dict(self.options),
            "run": dict(self.run),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SweepSpec:
        try:
            axes = tuple(make_axis(a["name"], a["start"], a["stop"], a["count"]) for a in d["axes"])
            return cls(str(d["system"]), axes, str(d["measure"]), dict(d["options"]), dict(d["run"]))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"sweep spec: missing or malformed field ({exc})") from None

    @classmethod
    def from_json(cls, text: str) -> SweepSpec:
        try:
            d = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"sweep spec: not valid JSON ({exc})") from None
        if not isinstance(d, dict):
            raise ValueError("sweep spec: JSON must be an object")
        return cls.from_dict(d)


def _plain(value: Any) -> Any:
    """Run options as JSON data (arrays → lists) so that a spec compares equal
    to itself after a trip through a file."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def build_spec(
    name: str,
    axes: Sequence[Axis | str] | Mapping[str, Sequence[float]],
    measure: str,
    options: Mapping[str, Any] | None = None,
    **run: Any,
) -> SweepSpec:
    """Validate a sweep request and resolve every default.

    ``axes``: a mapping ``{"r": (2.5, 4.0, 1000)}`` (start, stop, count), or
    a sequence of :class:`Axis` or ``"r=2.5:4:1000"`` strings.  ``run``:
    :func:`solvers.make_config` keyword arguments shared by every point
    (``seed`` defaults to 0 so that the sweep is reproducible).
    """
    from .measures import MEASURES, resolve_options

    system = get_system(name)
    if isinstance(axes, Mapping):
        items = []
        for key, triple in axes.items():
            if not isinstance(triple, (tuple, list)) or len(triple) != 3:
                raise ValueError(f"axes: {key!r} needs (start, stop, count), got {triple!r}")
            items.append(make_axis(key, *triple))
        axes = items
    parsed = tuple(a if isinstance(a, Axis) else parse_axis(a) for a in axes)
    if not parsed:
        raise ValueError("param: a sweep needs at least one swept parameter (--param NAME=START:STOP:COUNT)")
    seen = set()
    for axis in parsed:
        if axis.name in seen:
            raise ValueError(f"param: {axis.name!r} is swept twice")
        seen.add(axis.name)
        par = system.parameter(axis.name)  # raises ValueError naming the unknown parameter
        if par.kind == "choice" or par.structural:
            why = "a choice" if par.kind == "choice" else "it changes the size of the state"
            raise ValueError(f"param: {axis.name!r} of {system.name!r} cannot be swept ({why})")
        for v in axis.values:
            par.validate(float(v), system.name)  # an int parameter refuses a fractional value
    if measure not in MEASURES:
        raise ValueError(f"measure: {measure!r} is not allowed; choose one of {', '.join(MEASURES)}")
    unknown = set(run) - set(RUN_OPTIONS)
    if unknown:
        raise ValueError(f"{sorted(unknown)[0]}: not a run option of a sweep; allowed: {', '.join(RUN_OPTIONS)}")
    run = {k: _plain(v) for k, v in run.items() if v is not None}
    run.setdefault("seed", DEFAULT_SEED)
    if set(run.get("params") or {}) & seen:
        raise ValueError(f"params: {sorted(set(run['params']) & seen)} are swept; do not also fix them")
    spec = SweepSpec(system.name, parsed, measure, {}, run)
    # every run option is checked once here, at the first and the last point
    spec.config_at(0)
    spec.config_at(spec.size - 1)
    spec = SweepSpec(system.name, parsed, measure, resolve_options(spec, options or {}), run)
    total = spec.size * max(1, sum(int(np.prod(s)) for s in MEASURES[measure].value_shapes(spec).values()))
    if total > MAX_VALUES:
        raise ValueError(
            f"param: {spec.size} points × their values make {total} numbers, more than the {MAX_VALUES} "
            "a sweep holds in memory; use fewer points"
        )
    return spec
