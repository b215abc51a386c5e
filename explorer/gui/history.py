"""What the views draw from: the recent samples of one run, in bounded memory.

:class:`RunHistory` knows nothing of Qt (napari's split: a model, views that
subscribe to it).  The GUI thread appends the batches the worker sends; views
read contiguous, time-ordered arrays from it.  Long runs keep their most
recent samples: every series is a :class:`TailBuffer` whose capacity is set
by a memory budget, and ``total`` counts what was ever appended so a view can
say how much it is not showing.  Nothing is lost by this: the session file
holds every sample.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from solvers.catalog import get_system
from solvers.pde import grid_of
from solvers.spec import RunConfig

# Budget for the state samples kept for the views (time series, invariants
# and observables are small and get their own, larger row budget).
STATE_BYTES = 256 * 2**20
SCALAR_ROWS = 2_000_000
# Vector variables up to this size are offered component by component
# ("x[3]") as scalar series; larger ones are fields or ensembles.
MAX_COMPONENTS = 16


class TailBuffer:
    """The last ``capacity`` rows appended, readable as one contiguous array.

    Storage is twice the capacity: rows are appended at the end, and when the
    end is reached the newest ``capacity`` rows move to the front (amortised
    O(1) per row), so :meth:`view` never copies.
    """

    def __init__(self, capacity: int, row_shape: tuple[int, ...] = (), dtype=np.float64):
        if capacity < 1:
            raise ValueError(f"capacity: {capacity!r} is not allowed; expected ≥ 1")
        self.capacity = int(capacity)
        self.row_shape = tuple(row_shape)
        self._data = np.empty((2 * self.capacity, *self.row_shape), dtype=dtype)
        self._start = 0
        self._end = 0
        self.total = 0  # rows ever appended

    def __len__(self) -> int:
        return self._end - self._start

    @property
    def dropped(self) -> int:
        """Rows appended but no longer kept."""
        return self.total - len(self)

    def append(self, rows: np.ndarray) -> None:
        rows = np.asarray(rows)
        k = rows.shape[0]
        if k == 0:
            return
        self.total += k
        if k >= self.capacity:
            self._data[: self.capacity] = rows[k - self.capacity :]
            self._start, self._end = 0, self.capacity
            return
        if self._end + k > self._data.shape[0]:
            keep = min(len(self), self.capacity - k)
            self._data[:keep] = self._data[self._end - keep : self._end]
            self._start, self._end = 0, keep
        self._data[self._end : self._end + k] = rows
        self._end += k
        if len(self) > self.capacity:
            self._start = self._end - self.capacity

    def view(self) -> np.ndarray:
        """The kept rows, oldest first (a view: valid until the next append)."""
        return self._data[self._start : self._end]

    def last(self) -> np.ndarray | None:
        return self._data[self._end - 1] if len(self) else None

    def clear(self) -> None:
        self._start = self._end = 0
        self.total = 0


@dataclass
class Batch:
    """Samples gathered by the worker since its previous emit (fresh arrays)."""

    t: np.ndarray
    y: np.ndarray
    invariants: dict[str, np.ndarray] = field(default_factory=dict)
    observables: dict[str, np.ndarray] = field(default_factory=dict)
    t_now: float = 0.0
    progress: float = 0.0
    steps: int = 0
    # state rows dropped by the worker because the GUI could not keep up
    # (only ever for large fields; t, invariants and observables are complete)
    skipped: int = 0

    @classmethod
    def from_chunk(cls, chunk) -> Batch:
        return cls(
            chunk.t, chunk.y, dict(chunk.invariants), dict(chunk.observables), chunk.t_now, chunk.progress, chunk.steps
        )


class RunHistory:
    """The recent samples of one run and the meaning of their columns."""

    def __init__(self, config: RunConfig, *, state_bytes: int = STATE_BYTES, scalar_rows: int = SCALAR_ROWS):
        self.config = config
        self.system = get_system(config.system)
        self.grid = grid_of(self.system, config)
        self.params = dict(config.params)
        self.layout = self.system.layout(self.params, self.grid)
        self.width = sum(size for _, size in self.layout)
        rows = max(2, min(scalar_rows, state_bytes // (8 * max(1, self.width))))
        self.t = TailBuffer(scalar_rows)
        self.y = TailBuffer(rows, (self.width,))
        self.y_t = TailBuffer(rows)  # the times of the kept state rows
        self.invariants: dict[str, TailBuffer] = {}  # made at the first values (some are per particle)
        self.observables: dict[str, TailBuffer] = {}
        self.version = 0  # bumps at every append: views redraw only when it moved
        self.t_now = config.t0
        self.progress = 0.0
        self.steps = 0
        self.status = "ready"
        self.message = ""
        self.skipped = 0
        self._first: dict[str, np.ndarray] = {}

    # -- filling --------------------------------------------------------------
    def append(self, batch: Batch) -> None:
        k = batch.t.shape[0]
        self.t.append(batch.t)
        if batch.y.shape[0]:
            # the worker may have dropped state rows: they are always the oldest of the batch
            self.y.append(batch.y)
            self.y_t.append(batch.t[k - batch.y.shape[0] :])
        for store, values_of in ((self.invariants, batch.invariants), (self.observables, batch.observables)):
            for name, values in values_of.items():
                if name not in store:
                    rows = max(2, min(self.t.capacity, STATE_BYTES // (8 * max(1, values[0].size))))
                    store[name] = TailBuffer(rows, values.shape[1:])
                    if store is self.invariants:
                        self._first[name] = np.array(values[0], dtype=np.float64)
                store[name].append(values)
        self.t_now = batch.t_now
        self.progress = batch.progress
        self.steps = batch.steps
        self.skipped += batch.skipped
        self.version += 1

    # -- what there is ---------------------------------------------------------
    @property
    def kind(self) -> str:
        return self.system.kind

    @property
    def samples(self) -> int:
        """Samples received so far."""
        return self.t.total

    def field_names(self) -> list[str]:
        """Variables that live on the PDE grid."""
        return [v.name for v in self.system.variables if v.size == "grid"]

    def ensemble_names(self) -> list[str]:
        """Per-particle variables of an ensemble (or any large vector variable)."""
        return [
            name
            for (name, size), v in zip(self.layout, self.system.variables)
            if v.size != "grid" and size // (2 if v.complex else 1) > MAX_COMPONENTS
        ]

    def scalar_names(self) -> list[str]:
        """Every scalar series a view can plot against time or another:
        scalar variables, components of small vectors, observables, invariants."""
        names = []
        for (name, size), v in zip(self.layout, self.system.variables):
            if v.size == "grid":
                continue
            count = size // (2 if v.complex else 1)
            if count == 1:
                names.append(name)
            elif count <= MAX_COMPONENTS:
                names += [f"{name}[{i}]" for i in range(count)]
        sys_ = self.system
        for quantities, store in ((sys_.observables, self.observables), (sys_.invariants, self.invariants)):
            # per-particle quantities are not scalar series (known once values arrived)
            names += [q.name for q in quantities if q.name not in store or store[q.name].row_shape == ()]
        return names

    def _column_slice(self, name: str) -> tuple[slice, Any]:
        i = 0
        for (vname, size), v in zip(self.layout, self.system.variables):
            if vname == name:
                return slice(i, i + size), v
            i += size
        raise KeyError(name)

    # -- reading ---------------------------------------------------------------
    def times(self) -> np.ndarray:
        return self.t.view()

    def state_times(self) -> np.ndarray:
        """Times of the rows :meth:`variable` returns (fewer than :meth:`times` for large fields)."""
        return self.y_t.view()

    def variable(self, name: str) -> np.ndarray:
        """A variable over the kept state rows: (time,), (time, n), (time, nx) or (time, ny, nx);
        complex variables as complex arrays."""
        cols, var = self._column_slice(name)
        block = self.y.view()[:, cols]
        if var.complex:
            block = np.ascontiguousarray(block).view(np.complex128)
        if var.size == "grid":
            return block.reshape(block.shape[0], *self.grid.shape)
        if block.shape[1] == 1 and var.size == 1:
            return block[:, 0]
        return block

    def series(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(times, values) of a scalar series named as in :meth:`scalar_names`."""
        if name in self.observables:
            return self.t.view()[-len(self.observables[name]) :], self.observables[name].view()
        if name in self.invariants:
            buf = self.invariants[name]
            return self.t.view()[-len(buf) :] if len(buf) else self.t.view()[:0], buf.view()
        if name in {q.name for q in (*self.system.invariants, *self.system.observables)}:
            return self.t.view()[:0], np.empty(0)  # no values yet
        base, _, index = name.partition("[")
        try:
            values = self.variable(base)
        except KeyError:
            raise KeyError(f"{name!r} is not a series of {self.system.name!r}") from None
        if index:
            values = values[:, int(index.rstrip("]"))]
        if np.iscomplexobj(values):
            values = np.abs(values)
        return self.state_times(), values

    def last_state(self) -> dict[str, np.ndarray]:
        """Each variable at the newest kept sample."""
        if not len(self.y):
            return {}
        return self.system.split(self.y.last()[None, :], self.params, self.grid)

    def drifts(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """The drift of each invariant against time, as :func:`solvers.validation.drift`
        measures it: |I(t) − I(0)| relative to |I(0)| when that is ≥ 1, absolute below
        (a momentum that is zero by symmetry has no meaningful relative drift);
        for per-particle invariants the largest over the particles."""
        out = {}
        for name, buf in self.invariants.items():
            if buf.total == 0:
                continue
            v = buf.view()
            # the reference is the very first value, even after the buffer dropped it
            ref = self._first[name]
            scale = max(float(np.max(np.abs(ref))), 1.0)
            drift = np.abs(v - ref) / scale
            if drift.ndim > 1:
                drift = drift.reshape(drift.shape[0], -1).max(axis=1)
            out[name] = (self.t.view()[-len(v) :], drift)
        return out

    def describe(self) -> str:
        t_end = "until stopped" if math.isinf(self.config.t_end) else f"to t = {self.config.t_end:g}"
        preset = f" ({self.config.preset})" if self.config.preset else ""
        return f"{self.system.title}{preset}, {self.config.method}, {t_end}"


def history_of_run(config: RunConfig, **budget) -> RunHistory:
    """Run ``config`` to its end on this thread and return its history
    (for scripts and tests; the app uses the background worker)."""
    from solvers.run import run

    history = RunHistory(config, **budget)
    for chunk in run(config):
        if chunk.t.size:
            history.append(Batch.from_chunk(chunk))
        history.status, history.message = chunk.status, chunk.message
    return history
