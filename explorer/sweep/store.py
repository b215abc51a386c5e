"""A sweep's results in a session file, filled in as points finish.

The sweep is one analysis of kind ``sweep`` at ``/analysis/<name>`` (see
docs/session-format.md).  Its arrays have the swept parameters as named,
coordinate-carrying dimensions, so ``xarray.open_dataset(path,
group="analysis/sweep_001", engine="h5netcdf")`` shows a Lyapunov map as a
2-D array over (a, b):

- one array per measure value (``lyapunov``, ``orbit``, ``rqa``,
  ``final_state``, ``invariant_drift``), NaN until computed;
- ``status`` (int8): 0 not computed yet, 1 ok, 2 non-finite (blow-up, NaN),
  3 error; ``error``: the message of points with status 2 or 3;
- ``seconds``: compute time of each point.

The parent process owns the file through one
:class:`~explorer.session.SessionWriter`.  A finished chunk is written in two
steps, each followed by a flush: first its values, messages and times, then
its ``status``.  So a point whose status says done has its values on disk,
and a sweep killed at any moment resumes from the points the file marks done.
The analysis' ``parameters`` hold the sweep spec (JSON); running the same
spec into the same file finds it and computes only the missing points.
"""

from __future__ import annotations

import math
from pathlib import Path

import h5py
import numpy as np

from ..session import SessionWriter
from ..session.reader import open_session
from .measures import MEASURES, PENDING
from .spec import SweepSpec

KIND = "sweep"


def blocks(start: int, stop: int, shape: tuple[int, ...]) -> list[tuple[tuple[slice, ...], int, int]]:
    """Cover the C-order point numbers [start, stop) of a grid of ``shape``
    with rectangular blocks: ``(slices, first, last + 1)`` for each, in order."""
    if start >= stop:
        return []
    if len(shape) == 1:
        return [((slice(start, stop),), start, stop)]
    inner = int(np.prod(shape[1:]))
    i0, r0 = divmod(start, inner)
    i1, r1 = divmod(stop, inner)
    out = []
    if i0 == i1:
        return [((slice(i0, i0 + 1), *s), i0 * inner + a, i0 * inner + b) for s, a, b in blocks(r0, r1, shape[1:])]
    if r0:
        out += [((slice(i0, i0 + 1), *s), i0 * inner + a, i0 * inner + b) for s, a, b in blocks(r0, inner, shape[1:])]
        i0 += 1
    if i1 > i0:
        out.append(((slice(i0, i1), *(slice(None),) * (len(shape) - 1)), i0 * inner, i1 * inner))
    if r1:
        out += [((slice(i1, i1 + 1), *s), i1 * inner + a, i1 * inner + b) for s, a, b in blocks(0, r1, shape[1:])]
    return out


def runs(indices: np.ndarray) -> list[tuple[int, int, int]]:
    """Sorted point numbers → ``(first, last + 1, offset)`` of each run of
    consecutive numbers (``offset``: where the run starts in ``indices``)."""
    idx = np.asarray(indices, dtype=np.int64)
    if idx.size == 0:
        return []
    cuts = np.flatnonzero(np.diff(idx) != 1) + 1
    starts = np.concatenate([[0], cuts])
    ends = np.concatenate([cuts, [idx.size]])
    return [(int(idx[a]), int(idx[b - 1]) + 1, int(a)) for a, b in zip(starts, ends)]


def layout(spec: SweepSpec):
    """Array name → (dimension names, extra coordinates) of a sweep's file."""
    measure = MEASURES[spec.measure]
    dims, coords = {}, spec.coords()
    for key, extra in measure.extra_dims(spec).items():
        dims[key] = spec.names + tuple(d for d, _ in extra)
        for d, c in extra:
            if d in coords:
                raise ValueError(f"param: {d!r} is both a swept parameter and an axis of the {key!r} values")
            coords[d] = c
    for key in ("status", "error", "seconds"):
        dims[key] = spec.names
    return dims, coords


def _find(path: Path, spec: SweepSpec, name: str | None):
    """The name of the sweep in ``path`` made from ``spec`` (None if there is
    none); a sweep called ``name`` made from another spec is an error."""
    if not path.exists():
        return None
    want = spec.to_dict()
    with open_session(path) as session:
        for cand in session.analyses():
            a = session.analysis(cand)
            if a.kind != KIND:
                continue
            if name is not None and cand != name:
                continue
            if a.parameters == want:
                return cand
            if name is not None:
                raise ValueError(
                    f"name: {path} already holds a sweep {name!r} with other settings; choose another name"
                )
    return None


def load(path: Path, name: str, spec: SweepSpec) -> dict:
    """The arrays of a stored sweep (values, status, seconds, errors)."""
    with open_session(path) as session:
        a = session.analysis(name)
        out = {key: a[key] for key in MEASURES[spec.measure].extra_dims(spec)}
        out["status"] = a["status"].astype(np.int8)
        out["seconds"] = a["seconds"]
        bad = np.flatnonzero(out["status"].ravel() > 1)
        errors = {}
        if bad.size:
            texts = a.group["error"].asstr()[()].ravel()
            errors = {int(i): str(texts[i]) for i in bad}
        out["errors"] = errors
    return out


def read_sweep(path: Path, name: str | None = None):
    """A stored sweep as a :class:`~explorer.sweep.SweepResult` (the only
    sweep of the file, or the one called ``name``)."""
    from .engine import SweepResult

    with open_session(path) as session:
        names = [n for n in session.analyses() if session.analysis(n).kind == KIND]
        if name is None:
            if len(names) != 1:
                raise ValueError(f"name: {path} holds {len(names)} sweeps ({', '.join(names) or 'none'}); name one")
            name = names[0]
        elif name not in names:
            raise ValueError(f"name: {path} has no sweep {name!r}; it has: {', '.join(names) or 'none'}")
        spec = SweepSpec.from_dict(session.analysis(name).parameters)
    loaded = load(path, name, spec)
    result = SweepResult.empty(spec)
    for key in result.values:
        result.values[key][...] = loaded[key]
    result.status[...] = loaded["status"]
    result.seconds[...] = loaded["seconds"]
    result.errors.update(loaded["errors"])
    result.path, result.name, result.stopped = path, name, not result.complete
    return result


class SweepStore:
    """The session file of one sweep: created, or found and resumed."""

    def __init__(self, path: str | Path, spec: SweepSpec, name: str | None = None):
        self.path = Path(path)
        self.spec = spec
        self.name = _find(self.path, spec, name)
        self.resumed = self.name is not None
        self.loaded = load(self.path, self.name, spec) if self.resumed else None
        self.writer = SessionWriter(self.path, "a")
        try:
            if not self.resumed:
                self.name = self._create(name)
        except BaseException:
            self.writer.close()
            raise
        self.group = f"/analysis/{self.name}"

    def _create(self, name: str | None) -> str:
        spec = self.spec
        dims, coords = layout(spec)
        data = {}
        for key, shape in MEASURES[spec.measure].value_shapes(spec).items():
            data[key] = np.full(spec.shape + shape, math.nan)
        data["status"] = np.full(spec.shape, PENDING, dtype=np.int8)
        data["error"] = np.full(spec.shape, "", dtype="U1")
        data["seconds"] = np.full(spec.shape, math.nan)
        path = self.writer.add_analysis(
            KIND,
            spec.to_dict(),
            data,
            name=name,
            dims=dims,
            coords=coords,
            attrs={"points": spec.size, "measure": spec.measure},
        )
        return path.rsplit("/", 1)[-1]

    def write(self, result: dict) -> None:
        """Store one finished chunk (the output of ``evaluate_points``)."""
        idx = result["indices"]
        order = np.argsort(idx, kind="stable")
        idx = idx[order]
        shape = self.spec.shape
        data_parts, status_parts = [], []
        errors = [result["errors"][i] for i in order]
        for first, last, offset in runs(idx):
            for slices, a, b in blocks(first, last, shape):
                sel = order[offset + (a - first) : offset + (b - first)]
                block = tuple(s.stop - s.start if s.stop is not None else n for s, n in zip(slices, shape))
                for key, v in result["values"].items():
                    data_parts.append((key, slices, v[sel].reshape(block + v.shape[1:])))
                data_parts.append(("seconds", slices, result["seconds"][sel].reshape(block)))
                msgs = np.array([errors[offset + (a - first) + j] for j in range(b - a)], dtype=object)
                if any(msgs):
                    data_parts.append(("error", slices, msgs.reshape(block).astype(h5py.string_dtype())))
                status_parts.append(("status", slices, result["status"][sel].reshape(block)))
        self.writer.fill_analysis(self.group, data_parts)
        self.writer.fill_analysis(self.group, status_parts)

    def close(self) -> None:
        self.writer.close()
