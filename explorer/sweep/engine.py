"""The sweep loop: cut the grid into chunks, keep the executor busy, gather
the results as they finish, write them, report progress.

Chunks are runs of point numbers.  Their size adapts to the measured time per
point so that a chunk takes about ``chunk_seconds`` (short enough to stream
results and honour a stop request, long enough to amortise the cost of a
task); at most two chunks per worker are in flight.  A chunk whose worker
died is retried point by point (at most ``MAX_ATTEMPTS`` times), so a point
that kills its worker is recorded as an error and costs no other point.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from solvers.spec import RunConfig
from solvers.userdef import definition_text

from .executors import DaskExecutor, make_executor
from .measures import ERROR, MEASURES, PENDING, STATUS_NAMES
from .spec import SweepSpec

MAX_ATTEMPTS = 3
MAX_CHUNK = 4096


@dataclass
class SweepResult:
    """A sweep's arrays over its parameter grid.

    ``values[name]`` has the grid's shape (one axis per swept parameter, in
    order) followed by the measure's own axes (``orbit``: points; ``rqa``:
    the RQA measures; ``final_state``: the state; ``invariant_drift``: the
    invariants; ``lyapunov`` with k > 1: the exponents).  ``status`` is 0
    where a point is not computed yet, 1 ok, 2 non-finite, 3 error;
    ``errors`` maps point numbers to messages.
    """

    spec: SweepSpec
    values: dict[str, np.ndarray]
    status: np.ndarray
    seconds: np.ndarray
    errors: dict[int, str] = field(default_factory=dict)
    path: Path | None = None
    name: str | None = None
    stopped: bool = False
    wall_time: float = 0.0
    resumed: int = 0  # points already done in the file when this run started

    @classmethod
    def empty(cls, spec: SweepSpec) -> SweepResult:
        shapes = MEASURES[spec.measure].value_shapes(spec)
        values = {k: np.full(spec.shape + s, math.nan) for k, s in shapes.items()}
        return cls(spec, values, np.zeros(spec.shape, np.int8), np.full(spec.shape, math.nan))

    # -- the grid ----------------------------------------------------------------
    @property
    def axes(self) -> dict[str, np.ndarray]:
        """Swept parameter → its values (the coordinates of the grid axes)."""
        return self.spec.coords()

    @property
    def shape(self) -> tuple[int, ...]:
        return self.spec.shape

    @property
    def done(self) -> int:
        return int(np.count_nonzero(self.status != PENDING))

    @property
    def complete(self) -> bool:
        return self.done == self.spec.size

    def counts(self) -> dict[str, int]:
        return {STATUS_NAMES[s]: int(np.count_nonzero(self.status == s)) for s in STATUS_NAMES}

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]

    def config_at(self, *index: int) -> RunConfig:
        """The RunConfig of grid point (i, j, …): the run behind a pixel."""
        return self.spec.config_at(index)

    def nearest(self, **values: float) -> tuple[int, ...]:
        """The grid index nearest to parameter values (a click on a diagram)."""
        return self.spec.nearest(**values)

    def orbit_points(self) -> tuple[np.ndarray, np.ndarray]:
        """A 1-D orbit sweep as the (parameter, value) pairs of a scatter
        plot, finite values only (the format of scans.orbit_diagram)."""
        if "orbit" not in self.values or len(self.spec.axes) != 1:
            raise ValueError("orbit_points: only for an orbit sweep over one parameter")
        v = self.values["orbit"]
        p = np.broadcast_to(self.spec.axes[0].values[:, None], v.shape)
        keep = np.isfinite(v)
        return p[keep], v[keep]

    def image(self, name: str | None = None, component: int | str | None = None) -> np.ndarray:
        """A sweep over two parameters as a fresh C-contiguous float32 image
        indexed [first parameter, second parameter] (NaN where not computed).
        ``component`` picks one value of measures with several per point
        (an index, or a label such as "DET" for rqa or "x" for final-state)."""
        name = next(iter(self.values)) if name is None else name
        if name not in self.values:
            raise ValueError(f"name: {name!r} is not a value of this sweep; it has {list(self.values)}")
        v = self.values[name]
        extra = MEASURES[self.spec.measure].extra_dims(self.spec)[name]
        if extra:
            dim, labels = extra[0]
            if component is None:
                raise ValueError(f"component: {name!r} has {len(labels)} values per point ({dim}); choose one")
            if isinstance(component, str):
                hits = np.flatnonzero(labels.astype(str) == component)
                if not hits.size:
                    raise ValueError(f"component: {component!r} is not one of {labels.tolist()}")
                component = int(hits[0])
            if not (isinstance(component, (int, np.integer)) and 0 <= component < len(labels)):
                raise ValueError(f"component: {component!r} is not allowed; expected 0 … {len(labels) - 1}")
            v = v[..., component]
        if v.ndim != 2:
            raise ValueError(f"image: this sweep has {len(self.spec.axes)} swept parameters; an image needs 2")
        return np.ascontiguousarray(v, dtype=np.float32)

    # -- filling in ---------------------------------------------------------------
    def absorb(self, res: dict[str, Any]) -> None:
        idx = res["indices"]
        for key, v in res["values"].items():
            arr = self.values[key]
            arr.reshape(self.spec.size, *arr.shape[len(self.spec.shape) :])[idx] = v
        self.status.reshape(-1)[idx] = res["status"]
        self.seconds.reshape(-1)[idx] = res["seconds"]
        for i, msg in zip(idx.tolist(), res["errors"]):
            if msg:
                self.errors[int(i)] = msg
            else:
                self.errors.pop(int(i), None)


@dataclass
class SweepUpdate:
    """Passed to ``progress`` after each finished chunk.  ``indices`` (point
    numbers), ``status`` and ``values`` are the chunk's own fresh arrays;
    ``result`` is the whole sweep so far (updated in place by later chunks:
    copy what you keep)."""

    done: int
    total: int
    indices: np.ndarray
    status: np.ndarray
    values: dict[str, np.ndarray]
    result: SweepResult

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0

    @property
    def grid_indices(self) -> tuple[np.ndarray, ...]:
        """The chunk's points as grid indices (one array per axis)."""
        return np.unravel_index(self.indices, self.result.shape)


def _failed(indices: np.ndarray, message: str) -> dict[str, Any]:
    k = indices.size
    return {
        "indices": indices,
        "status": np.full(k, ERROR, np.int8),
        "seconds": np.full(k, math.nan),
        "errors": [message] * k,
        "values": {},
    }


def run_sweep(
    spec: SweepSpec,
    *,
    out: str | Path | None = None,
    name: str | None = None,
    workers: int | None = None,
    scheduler=None,
    chunk_size: int | None = None,
    chunk_seconds: float = 0.5,
    progress: Callable[[SweepUpdate], None] | None = None,
    stop: threading.Event | None = None,
) -> SweepResult:
    """Run a sweep (see :func:`explorer.sweep.sweep` for the arguments)."""
    if chunk_size is not None and (
        isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or not 1 <= chunk_size <= MAX_CHUNK
    ):
        raise ValueError(f"chunk_size: {chunk_size!r} is not allowed; expected a whole number from 1 to {MAX_CHUNK}")
    if not (isinstance(chunk_seconds, (int, float)) and 0 < chunk_seconds < math.inf):
        raise ValueError(f"chunk_seconds: {chunk_seconds!r} is not allowed; expected a positive number of seconds")
    if progress is not None and not callable(progress):
        raise ValueError(f"progress: {progress!r} is not callable")
    started = time.perf_counter()
    store = None
    if out is not None:
        from .store import SweepStore

        store = SweepStore(out, spec, name)
    try:
        result = SweepResult.empty(spec)
        if store is not None:
            result.path, result.name = store.path, store.name
            if store.loaded is not None:
                loaded = store.loaded
                for key in result.values:
                    result.values[key][...] = loaded[key]
                result.status[...] = loaded["status"]
                result.seconds[...] = loaded["seconds"]
                result.errors.update(loaded["errors"])
                result.resumed = result.done
        todo = np.flatnonzero(result.status.reshape(-1) == PENDING)
        if todo.size:
            executor = make_executor(workers, scheduler, most=todo.size)
            try:
                _drive(spec, result, executor, todo, store, chunk_size, chunk_seconds, progress, stop)
            finally:
                executor.close(cancel=True)
        result.stopped = not result.complete
        result.wall_time = time.perf_counter() - started
        return result
    finally:
        if store is not None:
            store.close()


def _drive(spec, result, executor, todo, store, chunk_size, chunk_seconds, progress, stop) -> None:
    spec_json = spec.to_json()
    # a user-defined system travels to the workers as its text (each defines it once)
    definition = definition_text(spec.system)
    done_q: queue.Queue = queue.Queue()
    inflight: dict[Any, tuple[np.ndarray, int, int]] = {}  # future → (points, attempts, pool generation)
    retry: list[tuple[np.ndarray, int]] = []
    cursor = 0
    per_point = None  # seconds per point, measured by the workers
    generation = 0
    stopping = False

    def submit(points: np.ndarray, attempts: int) -> None:
        fut = executor.submit(spec_json, points, definition)
        inflight[fut] = (points, attempts, generation)
        fut.add_done_callback(done_q.put)

    def size_now() -> int:
        if chunk_size is not None:
            return chunk_size
        if per_point is None:
            return 1
        remaining = todo.size - cursor
        balance = max(1, remaining // (2 * executor.slots))  # the last chunks spread over all workers
        return int(max(1, min(chunk_seconds / max(per_point, 1e-7), balance, MAX_CHUNK)))

    def fill() -> None:
        nonlocal cursor
        if stop is not None and stop.is_set():
            return
        while retry and len(inflight) < 2 * executor.slots:
            submit(*retry.pop())
        while cursor < todo.size and len(inflight) < 2 * executor.slots:
            n = size_now()
            submit(todo[cursor : cursor + n], 0)
            cursor += n

    fill()
    while inflight:
        if stop is not None and stop.is_set() and not stopping:
            stopping = True
            retry.clear()
            for fut in list(inflight):
                if fut.cancel():
                    inflight.pop(fut, None)
            if isinstance(executor, DaskExecutor):
                inflight.clear()  # cancelled tasks are not waited for
                break
            continue  # local chunks already running finish and are written
        try:
            fut = done_q.get(timeout=0.1)
        except queue.Empty:
            continue
        entry = inflight.pop(fut, None)
        if entry is None:
            continue
        points, attempts, gen = entry
        if fut.cancelled():
            if not stopping:  # cancelled by the executor (a pool being replaced), not by us: do it again
                retry.append((points, attempts))
                fill()
            continue
        try:
            res = fut.result()
        except Exception as exc:  # the worker died (or the cluster lost the task)
            if gen == generation:
                generation += 1
                executor.restart()
            if attempts + 1 >= MAX_ATTEMPTS:
                res = _failed(points, f"the worker died {MAX_ATTEMPTS} times computing this point ({exc!r})")
            else:
                if not stopping:
                    # one by one: a point that kills its worker costs no other point
                    retry.extend((points[i : i + 1], attempts + 1) for i in range(points.size))
                    fill()
                continue
        result.absorb(res)
        if store is not None:
            store.write(res)
        secs = res["seconds"][np.isfinite(res["seconds"])]
        if secs.size:
            m = float(np.median(secs))
            per_point = m if per_point is None else 0.5 * (per_point + m)
        if progress is not None:
            progress(
                SweepUpdate(result.done, spec.size, res["indices"].copy(), res["status"].copy(), res["values"], result)
            )
        if not stopping:
            fill()
