"""Streaming, crash-safe session writer.

One :class:`SessionWriter` owns an open session file.  Every HDF5 call is made
by its own I/O thread, so a producer (the command line, the GUI's worker)
only hands over the fresh arrays of each :class:`solvers.Chunk` and goes back
to computing while the previous block is written.

Crash safety comes from *when* the file is touched, not from SWMR:

1. chunks are kept in memory (the producer's fresh arrays, no copy) until a
   burst: at least every ``flush_interval`` seconds (2 s), when
   ``burst_bytes`` are waiting, and at :meth:`SessionWriter.flush` (pause)
   and at the end of a run (stop);
2. a burst grows each dataset by the rows waiting (one block, one write per
   dataset), writes them and calls ``H5Fflush``;
3. only then is the run's ``rows`` attribute (the committed number of
   samples) updated in place and the file flushed again.

Between bursts the library holds no dirty state, so a writer killed then
leaves exactly the file of the last flush; a writer killed inside a burst
leaves the previous commit intact (the reader never reads past ``rows``).
The file format is that of HDF5 1.8 (no SWMR consistency flags), so such a
file opens in h5py, xarray and the netCDF library without `h5clear`.

For the GUI: h5py serialises all its calls behind one lock, so a thread that
calls h5py (on any file) waits while a burst is written (milliseconds to tens
of milliseconds); views should get their arrays from the chunks, not the file.
Call :meth:`RunWriter.flush` at pause and :meth:`RunWriter.finish` at stop.
"""

from __future__ import annotations

import atexit
import logging
import math
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from solvers import __version__ as app_version
from solvers.catalog import get_system
from solvers.pde import grid_of
from solvers.spec import RunConfig
from solvers.userdef import definition_text

from .schema import (
    ANALYSIS_GROUP,
    COMPRESSIONS,
    DTYPES,
    LIBVER,
    NOT_A_VARIABLE,
    ROLE_COORD,
    ROLE_INVARIANT,
    ROLE_OBSERVABLE,
    STATUS_RUNNING,
    SYSTEM_DEFINITION,
    TYPE_ANALYSIS,
    TYPE_RUN,
    Column,
    Layout,
    SessionError,
    check_root,
    chunk_rows,
    now,
    quantity_column,
    root_attributes,
    run_layout,
    to_json,
)

log = logging.getLogger("explorer.session")

# Files this process has open for writing.  HDF5's file lock keeps other
# processes out; within one process HDF5 would share the open file, so a
# second writer (or a reader racing the I/O thread) is refused here.
_WRITING: set[str] = set()
_WRITING_LOCK = threading.Lock()


def _key(path: Path) -> str:
    return str(path.resolve())


def open_for_writing_here(path: Path) -> bool:
    with _WRITING_LOCK:
        return _key(path) in _WRITING


FLUSH_INTERVAL = 2.0  # seconds: the most data a crash can lose
BURST_BYTES = 16 << 20  # write a block once this much is waiting
MAX_PENDING_BYTES = 128 << 20  # then the producer waits for the disk
DIRECT_BYTES = 256 << 10  # contiguous pieces at least this large are written without gathering


def open_error(path: Path, exc: BaseException) -> str:
    """One line saying why HDF5 could not open ``path``."""
    msg = str(exc)
    detail = msg[msg.rfind("(") + 1 : msg.rfind(")")] if "(" in msg else msg
    low = msg.lower()
    if isinstance(exc, PermissionError) or "permission denied" in low:
        return f"{path}: permission denied"
    if "file signature not found" in low:
        return f"{path} is not an HDF5 file, so not a session"
    if "truncated file" in low:
        return f"{path} is truncated ({detail}): the file is shorter than its own index says"
    if "lock" in low:
        return f"{path} is open in another process; a session file has one writer at a time ({detail})"
    if "already open for write" in low:
        return f"{path} was left open by a SWMR writer; run `h5clear -s` on it ({detail})"
    return f"{path} cannot be opened as HDF5 ({detail})"


def _attach_dims(ds: h5py.Dataset, scales: list[h5py.Dataset]) -> None:
    for axis, scale in enumerate(scales):
        ds.dims[axis].attach_scale(scale)


def _dimension(group: h5py.Group, name: str, size: int, values=None, attrs=None, growable=False) -> h5py.Dataset:
    """A dimension scale: a coordinate (``values``) or, netCDF-style, a bare
    dimension with no coordinate variable."""
    if name in group:
        return group[name]
    if values is not None:
        ds = group.create_dataset(name, data=values)
        ds.make_scale(name)
    else:
        shape, maxshape = (size,), ((None,) if growable else (size,))
        chunks = (1024,) if growable else None
        ds = group.create_dataset(name, shape=shape, maxshape=maxshape, dtype="f4", chunks=chunks)
        ds.make_scale(NOT_A_VARIABLE)
    ds.attrs["role"] = ROLE_COORD
    for key, value in (attrs or {}).items():
        ds.attrs[key] = value
    return ds


@dataclass
class _RunState:
    """What the I/O thread knows of one open run."""

    name: str
    group: h5py.Group
    config: RunConfig
    layout: Layout
    dtype: str
    compression: str | None
    level: int
    system: Any
    t: h5py.Dataset | None = None
    series: list[tuple[Column, h5py.Dataset]] = field(default_factory=list)
    quantities_ready: bool = False
    rows: int = 0
    pending: list = field(default_factory=list)
    pending_rows: int = 0
    messages: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    dirty: bool = False
    finished: bool = False


class RunWriter:
    """The handle a producer appends chunks to (from any one thread)."""

    def __init__(self, session: SessionWriter, name: str, config: RunConfig):
        self.session = session
        self.name = name
        self.config = config
        self.rows = 0  # samples appended so far
        self.finished = False

    def append(self, chunk) -> None:
        """Queue one :class:`solvers.Chunk` (its arrays must not change afterwards)."""
        if self.finished:
            raise SessionError(f"run {self.name!r} of {self.session.path} is finished; start a new run")
        if chunk.y.ndim != 2 or chunk.y.shape[0] != chunk.t.shape[0]:
            raise ValueError(f"chunk: t has {chunk.t.shape} and y {chunk.y.shape}; expected (k,) and (k, n)")
        self.rows += int(chunk.t.shape[0])
        self.session._submit_append(self.name, chunk)

    def flush(self) -> None:
        """Write and commit everything appended so far (call it at pause)."""
        self.session.flush()

    def finish(self, status: str, message: str = "", *, steps: int | None = None, wall_time: float | None = None):
        """Commit the last rows and record how the run ended."""
        if self.finished:
            return
        self.finished = True
        self.session._call(self.session._finish_run, self.name, status, message, steps, wall_time)


class SessionWriter:
    """Open (create, or append to) a session file for writing.

    ``mode``: ``"a"`` appends runs to an existing session (or creates the
    file), ``"w"`` replaces any file, ``"x"`` refuses an existing one.
    Use it as a context manager or call :meth:`close`.
    """

    def __init__(
        self,
        path: str | Path,
        mode: str = "a",
        *,
        flush_interval: float = FLUSH_INTERVAL,
        burst_bytes: int = BURST_BYTES,
        max_pending_bytes: int = MAX_PENDING_BYTES,
    ):
        if mode not in ("a", "w", "x"):
            raise ValueError(f"mode: {mode!r} is not allowed; use 'a' (append), 'w' (replace) or 'x' (new file)")
        if not (0 < flush_interval <= FLUSH_INTERVAL):
            raise ValueError(f"flush_interval: {flush_interval!r} s is not allowed; use 0 < s ≤ {FLUSH_INTERVAL}")
        self.path = Path(path)
        self.flush_interval = float(flush_interval)
        self.max_pending_bytes = int(max_pending_bytes)
        self.burst_bytes = min(int(burst_bytes), self.max_pending_bytes // 2)
        with _WRITING_LOCK:
            if _key(self.path) in _WRITING:
                raise SessionError(f"{self.path} is already open for writing (a session file has one writer)")
            self._file = self._open(mode)
            _WRITING.add(_key(self.path))
        self._runs: dict[str, _RunState] = {}
        self._handles: dict[str, RunWriter] = {}
        self._ops: queue.Queue = queue.Queue()
        self._cond = threading.Condition()
        self._pending_bytes = 0  # appended, not yet written (the producer waits above a limit)
        self._held_bytes = 0  # of which the I/O thread holds (it writes a block above burst_bytes)
        self._error: BaseException | None = None
        self._closed = False
        self._last_commit = time.monotonic()
        self.commits = 0
        self.cpu_seconds = 0.0  # CPU time of the I/O thread, known once closed
        self._thread = threading.Thread(target=self._loop, name=f"session-writer {self.path.name}", daemon=True)
        self._thread.start()
        atexit.register(self.close)

    # -- opening ------------------------------------------------------------
    def _open(self, mode: str) -> h5py.File:
        path = self.path
        if path.is_dir():
            raise SessionError(f"{path} is a directory, not a session file")
        exists = path.exists()
        if not path.parent.is_dir():
            raise SessionError(f"{path}: no such directory {str(path.parent)!r}")
        if exists and mode == "x":
            raise SessionError(f"{path} exists already")
        try:
            if exists and mode == "a":
                if not h5py.is_hdf5(path):
                    raise SessionError(f"{path} exists and is not an HDF5 file; refusing to write into it")
                f = h5py.File(path, "r+", libver=LIBVER)
                try:
                    check_root(f.attrs, str(path))
                except SessionError as exc:
                    f.close()
                    raise SessionError(f"{exc}; refusing to write into it") from None
                return f
            f = h5py.File(path, "w", libver=LIBVER)
            for key, value in root_attributes(app_version).items():
                f.attrs[key] = value
            f.flush()
            return f
        except OSError as exc:
            raise SessionError(open_error(path, exc)) from None

    # -- public API (any thread) -----------------------------------------------
    def start_run(
        self,
        config: RunConfig,
        *,
        name: str | None = None,
        dtype: str = "float64",
        compression: str | None = None,
        compression_level: int = 4,
    ) -> RunWriter:
        """Create the group of a new run and return its :class:`RunWriter`.

        ``dtype="float32"`` halves the size of the state variables (time,
        invariants and coordinates stay float64); ``compression="gzip"``
        (with shuffle) suits large smooth fields — chaotic float64 data barely
        compress.  lzf is not offered: only h5py can read it.
        """
        if dtype not in DTYPES:
            raise ValueError(f"dtype: {dtype!r} is not allowed; choose one of {', '.join(DTYPES)}")
        if compression not in COMPRESSIONS:
            raise ValueError(f"compression: {compression!r} is not allowed; use None or 'gzip' (readable everywhere)")
        if not (isinstance(compression_level, int) and 0 <= compression_level <= 9):
            raise ValueError(f"compression_level: {compression_level!r} is not allowed; use 0 … 9")
        if name is not None and (not name or "/" in name or name.startswith(".") or name == ANALYSIS_GROUP):
            raise ValueError(f"name: {name!r} is not a valid run name")
        run_name = self._call(self._start_run, config, name, dtype, compression, compression_level)
        handle = RunWriter(self, run_name, config)
        self._handles[run_name] = handle
        return handle

    def add_analysis(
        self,
        kind: str,
        parameters: dict[str, Any],
        data: dict[str, Any],
        *,
        run: str | None = None,
        name: str | None = None,
        dims: dict[str, tuple[str, ...]] | None = None,
        coords: dict[str, Any] | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> str:
        """Store an analysis result (an RQA table, a Lyapunov spectrum, a
        sweep) with the parameters that produced it, under a run's
        ``analysis/`` group (or the session's when ``run`` is None).

        ``data`` maps names to arrays (numbers or strings); ``dims`` names
        their axes (default: ``<name>_dim<i>``) and ``coords`` gives values
        for some of those dimensions.  Returns the analysis' path in the file.
        """
        params_json = to_json(parameters)
        arrays = {}
        for key, value in data.items():
            a = np.asarray(value)
            if a.dtype.kind not in "biufcU":
                raise ValueError(f"data[{key!r}]: arrays of numbers or strings only, not {a.dtype}")
            if not key or "/" in key:
                raise ValueError(f"data: {key!r} is not a valid name")
            arrays[key] = a
        return self._call(self._add_analysis, kind, params_json, arrays, run, name, dims or {}, coords or {}, attrs)

    def fill_analysis(self, path: str, parts) -> None:
        """Write values into parts of arrays of an existing analysis (a sweep
        filling in its grid as points finish), in order, then flush the file.

        ``path`` is what :meth:`add_analysis` returned; ``parts`` a sequence
        of ``(array name, index, values)`` with an index h5py takes (a tuple
        of slices).  The arrays keep their shapes.
        """
        checked = []
        for key, where, values in parts:
            a = np.asarray(values)
            if a.dtype.kind == "U" or (a.dtype.kind == "O" and all(isinstance(v, str) for v in a.ravel())):
                a = a.astype(h5py.string_dtype())
            elif a.dtype.kind not in "biufc":
                raise ValueError(f"parts[{key!r}]: arrays of numbers or strings only, not {a.dtype}")
            checked.append((str(key), where, a))
        self._call(self._fill_analysis, str(path), checked)

    def flush(self) -> None:
        """Write and commit everything queued (a pause point)."""
        self._call(self._commit_all)

    def close(self) -> None:
        """Finish the runs still open (status ``stopped``), commit and close."""
        if self._closed:
            return
        self._closed = True
        atexit.unregister(self.close)
        done: Future = Future()
        self._ops.put(("close", done))
        try:
            done.result()
        finally:
            self._thread.join()
        if self._error is not None:
            raise SessionError(f"writing {self.path} failed: {self._error}") from None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is not None:
            for handle in list(self._handles.values()):
                if not handle.finished:
                    status = "stopped" if isinstance(exc, KeyboardInterrupt) else "error"
                    try:
                        handle.finish(status, f"{type(exc).__name__}: {exc}".rstrip(": "))
                    except SessionError:
                        pass
        self.close()

    # -- plumbing -------------------------------------------------------------
    def _raise_if_failed(self):
        if self._error is not None:
            raise SessionError(f"writing {self.path} failed: {self._error}")
        if self._closed:
            raise SessionError(f"{self.path} is closed")

    def _submit_append(self, run: str, chunk) -> None:
        self._raise_if_failed()
        nbytes = int(chunk.y.nbytes + chunk.t.nbytes)
        with self._cond:
            while self._pending_bytes and self._pending_bytes + nbytes > self.max_pending_bytes and not self._error:
                self._cond.wait(0.5)  # back-pressure: the disk is slower than the run
            self._pending_bytes += nbytes
        self._ops.put(("append", run, chunk, nbytes))

    def _call(self, fn, *args):
        self._raise_if_failed()
        done: Future = Future()
        self._ops.put(("call", done, fn, args))
        try:
            return done.result()
        except SessionError:
            raise
        except Exception as exc:
            raise SessionError(f"writing {self.path} failed: {exc}") from None

    def _waiting(self) -> bool:
        return any(st.pending or st.messages or st.events or st.dirty for st in self._runs.values())

    def _loop(self) -> None:
        """The I/O thread: the only one that touches the file."""
        try:
            self._serve()
        finally:
            self.cpu_seconds = time.thread_time()

    def _serve(self) -> None:
        while True:
            waiting = self._error is None and self._waiting()
            timeout = max(0.0, self._last_commit + self.flush_interval - time.monotonic()) if waiting else None
            try:
                op = self._ops.get(timeout=timeout)
            except queue.Empty:
                op = None
            if op is not None and op[0] == "close":
                self._close_file(op[1])
                return
            if op is not None:
                self._handle(op)
            if self._error is None and time.monotonic() >= self._last_commit + self.flush_interval and self._waiting():
                self._guarded(self._commit_all)

    def _handle(self, op) -> None:
        if op[0] == "append":
            _, run, chunk, nbytes = op
            if self._error is not None:
                self._release(nbytes)
                return
            st = self._runs[run]
            st.pending.append(chunk)
            st.pending_rows += chunk.t.shape[0]
            if chunk.message and chunk.status == STATUS_RUNNING:
                st.messages.append(chunk.message)
            st.events += [to_json(e) for e in chunk.events]
            self._held_bytes += nbytes
            if self._held_bytes >= self.burst_bytes:
                self._guarded(self._commit_all)
        else:
            _, done, fn, args = op
            if self._error is not None:
                done.set_exception(SessionError(f"writing {self.path} failed: {self._error}"))
                return
            try:
                done.set_result(fn(*args))
            except BaseException as exc:  # reported to the caller
                done.set_exception(exc)

    def _close_file(self, done: Future) -> None:
        try:
            if self._error is None:
                for st in list(self._runs.values()):
                    if not st.finished:
                        why = "the session was closed before the run finished"
                        self._finish_run(st.name, "stopped", why, None, None)
                self._commit_all()
        except BaseException as exc:
            self._error = self._error or exc
        finally:
            try:
                self._file.close()
            except Exception as exc:
                self._error = self._error or exc
            with _WRITING_LOCK:
                _WRITING.discard(_key(self.path))
            done.set_result(None)

    def _guarded(self, fn, *args):
        try:
            fn(*args)
        except BaseException as exc:
            log.error("writing %s failed: %s", self.path, exc)
            self._error = exc
            with self._cond:
                self._pending_bytes = 0
                self._cond.notify_all()

    def _release(self, nbytes: int) -> None:
        with self._cond:
            self._pending_bytes = max(0, self._pending_bytes - nbytes)
            self._cond.notify_all()

    # -- work done on the I/O thread --------------------------------------------
    def _start_run(self, config, name, dtype, compression, level) -> str:
        f = self._file
        indices = [int(g.attrs.get("index", 0)) for g in f.values() if isinstance(g, h5py.Group)]
        index = max(indices, default=0) + 1
        if name is None:
            name = f"run_{index:03d}"
            while name in f:
                index += 1
                name = f"run_{index:03d}"
        elif name in f:
            raise SessionError(f"{self.path} already has a group {name!r}")
        system = get_system(config.system)
        grid = grid_of(system, config)
        layout = run_layout(system, config, grid)
        g = f.create_group(name)
        attrs = {
            "type": TYPE_RUN,
            "index": np.int64(index),
            "system": system.name,
            "system_title": system.title,
            "system_kind": system.kind,
            "preset": config.preset or "",
            "config": config.to_json(),
            "status": STATUS_RUNNING,
            "message": "",
            "rows": np.int64(0),
            "samples_planned": np.int64(-1 if config.samples is None else config.samples),
            "created": now(),
            "finished": "",
            "steps": np.int64(-1),
            "wall_seconds": np.float64(math.nan),
            "dtype": dtype,
            "compression": compression or "none",
            "variables": to_json(list(system.variable_names)),
            "invariants": to_json([q.name for q in system.invariants]),
            "observables": to_json([q.name for q in system.observables]),
            "app_version": app_version,
        }
        definition = definition_text(system.name)
        if definition is not None:
            # a user-defined system travels with its runs, as the text it was defined from
            attrs[SYSTEM_DEFINITION] = definition
        for key, value in attrs.items():
            g.attrs[key] = value
        st = _RunState(name, g, config, layout, dtype, compression, level, system)
        rows = self._chunk_rows(st, 8, 1 << 19)
        t = g.create_dataset("t", shape=(0,), maxshape=(None,), chunks=(rows,), dtype="f8", fill_time="never")
        t.make_scale("t")
        t.attrs["role"] = ROLE_COORD
        t.attrs["long_name"] = layout.time_name
        if layout.time_unit not in ("", "1"):
            t.attrs["units"] = layout.time_unit
        st.t = t
        for dim, values in layout.coords.items():
            _dimension(g, dim, len(values), values, layout.coord_attrs.get(dim))
        for col in layout.columns:
            st.series.append((col, self._create_series(st, col, dtype)))
        for kind_name in ("message", "event"):
            scale = _dimension(g, kind_name, 0, growable=True)
            ds = g.create_dataset(
                kind_name + "s", shape=(0,), maxshape=(None,), chunks=(256,), dtype=h5py.string_dtype()
            )
            ds.dims[0].attach_scale(scale)
            ds.attrs["role"] = kind_name + "s"
            ds.attrs["long_name"] = (
                "warnings of the run" if kind_name == "message" else "parameter changes while running (JSON)"
            )
        self._runs[name] = st
        self._commit([st], force=True)
        return name

    @staticmethod
    def _chunk_rows(st: _RunState, sample_bytes: int, target: int = 1 << 20) -> int:
        """Rows per HDF5 chunk: about ``target`` bytes, no more than the run's samples."""
        rows = chunk_rows(sample_bytes, target)
        planned = st.config.samples
        return max(1, min(rows, planned)) if planned else rows

    @staticmethod
    def _filters(st: _RunState) -> dict:
        if st.compression == "gzip":
            return {"compression": "gzip", "compression_opts": st.level, "shuffle": True}
        return {}

    def _create_series(self, st: _RunState, col: Column, dtype: str) -> h5py.Dataset:
        g = st.group
        sample = int(np.prod(col.shape, dtype=np.int64)) * np.dtype(dtype).itemsize
        rows = self._chunk_rows(st, sample)
        scales = [st.t]
        for dim, size in zip(col.dims, col.shape):
            scales.append(_dimension(g, dim, size))
        ds = g.create_dataset(
            col.dataset,
            shape=(0, *col.shape),
            maxshape=(None, *col.shape),
            chunks=(rows, *col.shape),
            dtype=dtype,
            fill_time="never",  # every row is written before it counts
            **self._filters(st),
        )
        _attach_dims(ds, scales)
        ds.attrs["role"] = col.role
        ds.attrs["name"] = col.name
        if col.part:
            ds.attrs["part"] = col.part
        if col.long_name:
            ds.attrs["long_name"] = col.long_name
        if col.units and col.units != "1":
            ds.attrs["units"] = col.units
        return ds

    def _create_quantities(self, st: _RunState, first) -> None:
        """Invariants and observables, once their per-sample shape is known
        (``first`` is a chunk with samples, or None: assume scalars)."""
        for role, quantities in ((ROLE_INVARIANT, st.system.invariants), (ROLE_OBSERVABLE, st.system.observables)):
            source = None if first is None else (first.invariants if role == ROLE_INVARIANT else first.observables)
            for q in quantities:
                shape = () if source is None or q.name not in source else np.shape(source[q.name])[1:]
                col = quantity_column(role, q.name, q.meaning, tuple(int(s) for s in shape), st.layout)
                # quantities keep float64 whatever the state's dtype: drifts are tiny numbers
                st.series.append((col, self._create_series(st, col, "float64")))
        st.quantities_ready = True

    def _write_pending(self, st: _RunState) -> None:
        chunks = [c for c in st.pending if c.t.shape[0]]
        released = sum(int(c.y.nbytes + c.t.nbytes) for c in st.pending)
        st.pending, k = [], st.pending_rows
        st.pending_rows = 0
        if k:
            if not st.quantities_ready:
                self._create_quantities(st, chunks[0])
            n0, n1 = st.rows, st.rows + k
            st.t.resize((n1,))
            st.t[n0:n1] = np.concatenate([c.t for c in chunks]) if len(chunks) > 1 else chunks[0].t
            for col, ds in st.series:
                views = [col.from_chunk(c) for c in chunks]
                ds.resize(n1, axis=0)
                if all(v.dtype == ds.dtype and v.flags.c_contiguous for v in views) and (
                    len(views) == 1 or sum(v.nbytes for v in views) >= DIRECT_BYTES * len(views)
                ):
                    # large contiguous pieces (a whole field per chunk): written as they are, no copy
                    i = n0
                    for v in views:
                        ds[i : i + v.shape[0]] = v
                        i += v.shape[0]
                else:  # gathered into one block: one write instead of many small ones
                    out = np.empty((k, *col.shape), dtype=ds.dtype)
                    i = 0
                    for v in views:
                        out[i : i + v.shape[0]] = v
                        i += v.shape[0]
                    ds[n0:n1] = out
            st.rows = n1
            st.dirty = True
        for kind_name, items in (("messages", st.messages), ("events", st.events)):
            if items:
                ds = st.group[kind_name]
                scale = st.group[kind_name[:-1]]
                m0 = ds.shape[0]
                ds.resize((m0 + len(items),))
                scale.resize((m0 + len(items),))
                ds[m0:] = np.array(items, dtype=object)
                items.clear()
                st.dirty = True
        if released:
            self._held_bytes -= released
            self._release(released)

    def _commit(self, runs: list[_RunState], force: bool = False) -> None:
        for st in runs:
            self._write_pending(st)
        dirty = [st for st in runs if st.dirty]
        if dirty or force:
            self._file.flush()  # 1. the data (and the grown extents) are on disk …
            for st in dirty:
                st.group.attrs.modify("rows", np.int64(st.rows))  # 2. … then they count
                st.dirty = False
            self._file.flush()
            self.commits += 1
            if dirty:
                log.debug("committed %s", ", ".join(f"{st.name} rows={st.rows}" for st in dirty))
        self._last_commit = time.monotonic()

    def _commit_all(self) -> None:
        self._commit(list(self._runs.values()))

    def _finish_run(self, name, status, message, steps, wall_time) -> None:
        st = self._runs[name]
        self._write_pending(st)
        if not st.quantities_ready:
            self._create_quantities(st, None)
        g = st.group
        g.attrs["status"] = str(status)
        g.attrs["message"] = str(message or "")
        g.attrs["finished"] = now()
        if steps is not None:
            g.attrs["steps"] = np.int64(steps)
        if wall_time is not None:
            g.attrs["wall_seconds"] = np.float64(wall_time)
        st.finished = True
        st.dirty = True
        self._commit([st])
        del self._runs[name]

    def _add_analysis(self, kind, params_json, arrays, run, name, dims, coords, attrs) -> str:
        f = self._file
        if run is not None and (run not in f or f[run].attrs.get("type") != TYPE_RUN):
            raise SessionError(f"{self.path} has no run {run!r} to attach the analysis to")
        parent = (f[run] if run is not None else f).require_group(ANALYSIS_GROUP)
        if name is None:
            i = 1
            while f"{kind}_{i:03d}" in parent:
                i += 1
            name = f"{kind}_{i:03d}"
        if not name or "/" in name or name in parent:
            raise SessionError(f"analysis name {name!r} is not valid or is taken")
        g = parent.create_group(name)
        g.attrs["type"] = TYPE_ANALYSIS
        g.attrs["kind"] = str(kind)
        g.attrs["parameters"] = params_json
        g.attrs["created"] = now()
        g.attrs["run"] = run or ""
        g.attrs["app_version"] = app_version
        for key, value in (attrs or {}).items():
            g.attrs[key] = value
        coords = {dim: np.asarray(values) for dim, values in coords.items()}
        for key, a in arrays.items():
            if tuple(dims.get(key, ())) == (key,) and a.ndim == 1:
                coords[key] = a  # an array named after its own dimension is that dimension's coordinate
        for dim, values in coords.items():
            if values.ndim != 1:
                raise SessionError(f"analysis {name!r}: coordinate {dim!r} must be 1-D")
            _dimension(g, dim, len(values), values.astype(h5py.string_dtype()) if values.dtype.kind == "U" else values)
        for key, a in arrays.items():
            if key in coords:
                continue
            axes = tuple(dims.get(key, tuple(f"{key}_dim{i}" for i in range(a.ndim))))
            if len(axes) != a.ndim:
                raise SessionError(f"analysis {name!r}: {key!r} has {a.ndim} axes but dims names {len(axes)}")
            scales = []
            for dim, size in zip(axes, a.shape):
                scale = _dimension(g, dim, size)
                if scale.shape[0] != size:
                    raise SessionError(f"analysis {name!r}: dimension {dim!r} has length {scale.shape[0]}, not {size}")
                scales.append(scale)
            ds = g.create_dataset(key, data=a.astype(h5py.string_dtype()) if a.dtype.kind == "U" else a)
            _attach_dims(ds, scales)
        self._file.flush()
        return g.name

    def _fill_analysis(self, path, parts) -> None:
        g = self._file.get(path)
        if not isinstance(g, h5py.Group) or g.attrs.get("type") != TYPE_ANALYSIS:
            raise SessionError(f"{self.path} has no analysis {path!r}")
        for key, where, a in parts:
            if key not in g or not isinstance(g[key], h5py.Dataset):
                raise SessionError(f"analysis {path!r} has no array {key!r}")
            g[key][where] = a
        self._file.flush()


@dataclass
class Recorded:
    """What :func:`record` wrote."""

    path: Path
    run: str
    status: str
    message: str
    rows: int
    steps: int
    wall_time: float
    last: Any = None  # the last chunk with samples (final values)
    first_invariants: dict = field(default_factory=dict)
    last_invariants: dict = field(default_factory=dict)
    messages: list = field(default_factory=list)  # the run's warnings and notes, as stored


def record(
    config: RunConfig,
    session: SessionWriter | str | Path,
    *,
    stop: threading.Event | None = None,
    mailbox=None,
    progress=None,
    name: str | None = None,
    dtype: str = "float64",
    compression: str | None = None,
) -> Recorded:
    """Run ``config`` into a session file (a path, or an open writer) and
    return a summary.  ``progress(chunk)`` is called after every chunk."""
    from solvers.run import run as run_chunks

    own = not isinstance(session, SessionWriter)
    writer = SessionWriter(session) if own else session
    try:
        rw = writer.start_run(config, name=name, dtype=dtype, compression=compression)
        t0 = time.perf_counter()
        last = last_rows = None
        first_inv: dict = {}
        messages: list[str] = []
        try:
            for chunk in run_chunks(config, stop=stop, mailbox=mailbox):
                rw.append(chunk)
                last = chunk
                if chunk.message and chunk.status == "running":
                    messages.extend(chunk.message.split("\n"))
                if chunk.t.size:
                    last_rows = chunk
                    if not first_inv:
                        first_inv = {k: np.asarray(v[0]) for k, v in chunk.invariants.items()}
                if progress is not None:
                    progress(chunk)
        except KeyboardInterrupt:
            rw.finish("stopped", "interrupted", wall_time=time.perf_counter() - t0)
            raise
        except Exception as exc:
            rw.finish("error", f"{type(exc).__name__}: {exc}", wall_time=time.perf_counter() - t0)
            raise
        wall = time.perf_counter() - t0
        rw.finish(last.status, last.message, steps=last.steps, wall_time=wall)
        last_inv = {} if last_rows is None else {k: np.asarray(v[-1]) for k, v in last_rows.invariants.items()}
        return Recorded(
            writer.path,
            rw.name,
            last.status,
            last.message,
            rw.rows,
            last.steps,
            wall,
            last_rows,
            first_inv,
            last_inv,
            messages,
        )
    finally:
        if own:
            writer.close()
