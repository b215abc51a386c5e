"""Lazy session reader.

Opening a session reads its root attributes only; a run's metadata is read
when it is asked for, and a variable's samples when it is sliced.  Every
failure of the file (not an HDF5 file, truncated, corrupted, foreign, newer
schema, missing run) is raised as one :class:`SessionError` naming the file
and the problem.  Configurations are JSON, parsed as data; arrays must be
numbers; nothing in a file is executed or unpickled.
"""

from __future__ import annotations

import contextlib
import numbers
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from solvers.spec import RunConfig

from .schema import (
    ANALYSIS_GROUP,
    FORMAT,
    NOT_A_VARIABLE,
    ROLE_COORD,
    ROLE_INVARIANT,
    ROLE_OBSERVABLE,
    ROLE_VARIABLE,
    STATUS_INCOMPLETE,
    STATUS_RUNNING,
    SYSTEM_DEFINITION,
    TYPE_ANALYSIS,
    TYPE_RUN,
    SessionError,
    check_root,
    parse_json,
    text,
)
from .writer import open_error, open_for_writing_here

_FILE_ERRORS = (OSError, RuntimeError, KeyError, ValueError, TypeError, AttributeError)


@contextlib.contextmanager
def _guard(where: str):
    """Turn any failure of h5py on a damaged file into one SessionError."""
    try:
        yield
    except SessionError:
        raise
    except _FILE_ERRORS as exc:
        raw = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        msg = raw.strip().splitlines()[0] if raw.strip() else type(exc).__name__
        raise SessionError(f"{where}: the file is damaged or not as expected ({msg})") from None


def open_session(path: str | Path) -> Session:
    """Open a session file for reading (metadata only until data is sliced)."""
    return Session(path)


class Session:
    """A session file opened read-only.  Use as a context manager."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.exists():
            raise SessionError(f"{self.path}: no such file")
        if self.path.is_dir():
            raise SessionError(f"{self.path} is a directory, not a session file")
        if open_for_writing_here(self.path):
            raise SessionError(
                f"{self.path} is open for writing in this process; read it once its writer is closed "
                "(a session file has one writer, and nobody reads it while it writes)"
            )
        try:
            self._file = h5py.File(self.path, "r")
        except OSError as exc:
            raise SessionError(open_error(self.path, exc)) from None
        try:
            with _guard(str(self.path)):
                self.schema_version = check_root(self._file.attrs, str(self.path))
                attrs = {k: self._file.attrs[k] for k in self._file.attrs}
        except SessionError:
            self._file.close()
            raise
        self.format = FORMAT
        self.attrs = {k: (v.item() if isinstance(v, np.generic) else text(v)) for k, v in attrs.items()}
        self.app_version = str(self.attrs.get("app_version", ""))
        self.created = str(self.attrs.get("created", ""))
        self.versions = {
            k[: -len("_version")]: str(v)
            for k, v in self.attrs.items()
            if k.endswith("_version") and k not in ("app_version", "schema_version")
        }

    # -- runs --------------------------------------------------------------------
    @property
    def runs(self) -> list[str]:
        """Names of the runs, in the order they were started."""
        with _guard(str(self.path)):
            found = []
            for name, obj in self._file.items():
                if isinstance(obj, h5py.Group) and text(obj.attrs.get("type", "")) == TYPE_RUN:
                    found.append((int(np.asarray(obj.attrs.get("index", 0)).item()), name))
            return [name for _, name in sorted(found)]

    def run(self, name: str | None = None) -> Run:
        """One run; ``name`` may be omitted when the file holds exactly one."""
        runs = self.runs
        if name is None:
            if len(runs) != 1:
                listed = ", ".join(runs) if runs else "none"
                raise SessionError(f"{self.path} holds {len(runs)} runs ({listed}); choose one (--run NAME)")
            name = runs[0]
        if name not in runs:
            raise SessionError(f"{self.path} has no run {name!r}; its runs: {', '.join(runs) or 'none'}")
        return Run(self, name)

    def __iter__(self) -> Iterator[Run]:
        return (Run(self, name) for name in self.runs)

    def define_systems(self) -> list[str]:
        """Define every user-defined system stored with the runs (each text
        re-validated); returns their names.  A SessionError names the run
        whose definition is not valid."""
        names = []
        for run in self:
            if run.define_system() is not None and run.system not in names:
                names.append(run.system)
        return names

    # -- analyses --------------------------------------------------------------
    def analyses(self, run: str | None = None) -> list[str]:
        """Names of the analyses stored with ``run`` (or with the session)."""
        base = self._file if run is None else self.run(run).group
        with _guard(str(self.path)):
            if ANALYSIS_GROUP not in base:
                return []
            return [n for n, g in base[ANALYSIS_GROUP].items() if text(g.attrs.get("type", "")) == TYPE_ANALYSIS]

    def analysis(self, name: str, run: str | None = None) -> Analysis:
        names = self.analyses(run)
        if name not in names:
            owner = f"run {run!r}" if run else "the session"
            raise SessionError(f"{self.path}: {owner} has no analysis {name!r}; it has: {', '.join(names) or 'none'}")
        base = self._file if run is None else self._file[run]
        return Analysis(self, base[ANALYSIS_GROUP][name])

    # -- the file ----------------------------------------------------------------
    @property
    def size(self) -> int:
        return self.path.stat().st_size

    def close(self) -> None:
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self) -> str:
        return f"<Session {self.path}: {len(self.runs)} runs, schema {self.schema_version}>"


class Series:
    """One stored quantity with time on axis 0, read only when sliced.

    A complex field (stored as real and imaginary parts) reads back complex.
    Axis 0 never reaches past the run's committed samples.
    """

    def __init__(self, where: str, datasets: list[h5py.Dataset], rows: int):
        self._where = where
        self._datasets = datasets
        with _guard(where):
            for ds in datasets:
                if ds.dtype.kind not in "fiu":
                    raise SessionError(f"{where}: dataset {ds.name} holds {ds.dtype}, not numbers")
            self._rows = min([rows] + [ds.shape[0] for ds in datasets])
            self._sample_shape = datasets[0].shape[1:]
            real = datasets[0].dtype
        self.dtype = np.result_type(real, np.complex64) if len(datasets) == 2 else real

    @property
    def shape(self) -> tuple[int, ...]:
        return (self._rows, *self._sample_shape)

    @property
    def ndim(self) -> int:
        return 1 + len(self._sample_shape)

    def __len__(self) -> int:
        return self._rows

    @property
    def nbytes_on_disk(self) -> int:
        with _guard(self._where):
            return sum(int(ds.id.get_storage_size()) for ds in self._datasets)

    def __getitem__(self, key) -> np.ndarray:
        if not isinstance(key, tuple):
            key = (key,)
        if key and key[0] is Ellipsis:
            key = (slice(None), *key)
        first, rest = (key[0], key[1:]) if key else (slice(None), ())
        if isinstance(first, numbers.Integral) and not isinstance(first, bool):
            i = int(first)
            if not -self._rows <= i < self._rows:
                raise IndexError(f"sample {first} is out of range for {self._rows} samples")
            return self._read((i % self._rows, *rest))
        if isinstance(first, slice):
            start, stop, step = first.indices(self._rows)
            if step > 0:
                return self._read((slice(start, max(start, stop), step), *rest))
            picked = np.arange(start, stop, step)
        else:
            picked = np.asarray(first)
            if picked.dtype == bool:
                if picked.shape != (self._rows,):
                    raise IndexError(f"a boolean mask must have {self._rows} entries")
                picked = np.flatnonzero(picked)
            picked = picked.astype(np.int64)
            if picked.size and (picked.min() < -self._rows or picked.max() >= self._rows):
                raise IndexError(f"sample indices out of range for {self._rows} samples")
            picked = picked % max(1, self._rows)
        if picked.size == 0:
            return self._read((slice(0, 0), *rest))
        lo, hi = int(picked.min()), int(picked.max()) + 1
        block = self._read((slice(lo, hi), *rest))
        return block[picked - lo]

    def _read(self, key) -> np.ndarray:
        with _guard(self._where):
            parts = [ds[key] for ds in self._datasets]
        if len(parts) == 2:
            out = np.empty(np.shape(parts[0]), dtype=self.dtype)
            out.real, out.imag = parts
            return out
        return parts[0]

    def read(self) -> np.ndarray:
        return self[:]

    def __array__(self, dtype=None, copy=None):
        a = self.read()
        return a if dtype is None else a.astype(dtype)

    def blocks(self, rows: int) -> Iterator[tuple[int, np.ndarray]]:
        """(start, samples) in blocks of ``rows`` samples (bounded memory)."""
        for start in range(0, self._rows, max(1, rows)):
            yield start, self[start : start + rows]

    def __repr__(self) -> str:
        return f"<Series {self._where}: shape {self.shape}, {self.dtype}>"


class Run:
    """One run of a session: its configuration, status and data."""

    def __init__(self, session: Session, name: str):
        self.session = session
        self.name = name
        self._where = f"{session.path} run {name!r}"
        with _guard(self._where):
            self.group = session._file[name]
            a = self.group.attrs
            self.attrs = {k: a[k] for k in a}
            self._datasets = {k: v for k, v in self.group.items() if isinstance(v, h5py.Dataset)}
            t = self._datasets.get("t")
            if t is None:
                raise SessionError(f"{self._where}: the run has no time coordinate 't'")
            self._t = t
            stored_rows = int(np.asarray(self.attrs.get("rows", t.shape[0])).item())
            self.rows = max(0, min(stored_rows, t.shape[0]))
            self.system = text(self.attrs["system"])
            self.system_kind = text(self.attrs.get("system_kind", ""))
            self.title = text(self.attrs.get("system_title", ""))
            self.preset = text(self.attrs.get("preset", "")) or None
            self.stored_status = text(self.attrs.get("status", ""))
            self.message = text(self.attrs.get("message", ""))
            self.created = text(self.attrs.get("created", ""))
            self.finished = text(self.attrs.get("finished", ""))
            self.steps = int(np.asarray(self.attrs.get("steps", -1)).item())
            self.wall_time = float(np.asarray(self.attrs.get("wall_seconds", np.nan)).item())
            self.samples_planned = int(np.asarray(self.attrs.get("samples_planned", -1)).item())
            self.dtype = text(self.attrs.get("dtype", "float64"))
            self.compression = text(self.attrs.get("compression", "none"))
            # the text of a user-defined system (None for a built-in one); parsed, never executed
            self.system_definition = text(self.attrs[SYSTEM_DEFINITION]) if SYSTEM_DEFINITION in self.attrs else None
        self._order = {
            role: [str(n) for n in parse_json(self.attrs.get(key, "[]"), f"{self._where}: attribute {key!r}")]
            for role, key in (
                (ROLE_VARIABLE, "variables"),
                (ROLE_INVARIANT, "invariants"),
                (ROLE_OBSERVABLE, "observables"),
            )
        }
        self._columns: dict[tuple[str, str], list[h5py.Dataset]] = {}
        with _guard(self._where):
            for ds in self._datasets.values():
                role = text(ds.attrs.get("role", ""))
                if role in (ROLE_VARIABLE, ROLE_INVARIANT, ROLE_OBSERVABLE):
                    self._columns.setdefault((role, text(ds.attrs.get("name", ds.name))), []).append(ds)
        for parts in self._columns.values():
            parts.sort(key=lambda ds: 0 if text(ds.attrs.get("part", "")) in ("", "real") else 1)

    # -- metadata ----------------------------------------------------------------
    @property
    def status(self) -> str:
        """How the run ended: done, stopped, blow-up, error — or
        ``incomplete`` when the writer never closed it (killed, crashed)."""
        return STATUS_INCOMPLETE if self.stored_status == STATUS_RUNNING else self.stored_status

    @property
    def config(self) -> RunConfig:
        data = parse_json(self.attrs.get("config", ""), f"{self._where}: its config")
        if not isinstance(data, dict):
            raise SessionError(f"{self._where}: its config is not a JSON object")
        try:
            return RunConfig.from_dict(data)
        except (TypeError, ValueError) as exc:
            raise SessionError(f"{self._where}: its config is not a valid RunConfig ({exc})") from None

    def define_system(self):
        """Define (register) the run's user-defined system from the text
        stored with it, re-validated as typed text is; returns the System, or
        None when the run used a built-in system.  A user system of the same
        name defined differently in this process is replaced."""
        if self.system_definition is None:
            return None
        from solvers.userdef import define_system

        try:
            return define_system(self.system, self.system_definition)
        except ValueError as exc:
            raise SessionError(f"{self._where}: its user-defined system {self.system!r} is not valid ({exc})") from None

    def checked_config(self) -> RunConfig:
        """The stored config validated against the catalog (as a re-run
        does), after defining the run's user-defined system, if any."""
        from solvers.run import check_config

        self.define_system()
        try:
            return check_config(self.config)
        except ValueError as exc:
            raise SessionError(f"{self._where}: its config cannot be run here ({exc})") from None

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(n for n in self._order[ROLE_VARIABLE] if (ROLE_VARIABLE, n) in self._columns)

    @property
    def invariants(self) -> tuple[str, ...]:
        return tuple(n for n in self._order[ROLE_INVARIANT] if (ROLE_INVARIANT, n) in self._columns)

    @property
    def observables(self) -> tuple[str, ...]:
        return tuple(n for n in self._order[ROLE_OBSERVABLE] if (ROLE_OBSERVABLE, n) in self._columns)

    @property
    def coordinates(self) -> dict[str, np.ndarray]:
        """Coordinate values other than t (x, y, particle index …)."""
        out = {}
        with _guard(self._where):
            for name, ds in self._datasets.items():
                if name != "t" and text(ds.attrs.get("role", "")) == ROLE_COORD and "NAME" in ds.attrs:
                    if text(ds.attrs["NAME"]) != NOT_A_VARIABLE:
                        if ds.dtype.kind not in "fiu":
                            raise SessionError(f"{self._where}: coordinate {name!r} holds {ds.dtype}, not numbers")
                        out[name] = ds[()]
        return out

    @property
    def t(self) -> np.ndarray:
        return self.series_of_t()[:]

    def series_of_t(self) -> Series:
        return Series(f"{self._where} t", [self._t], self.rows)

    def __getitem__(self, name: str) -> Series:
        """A state variable, lazily (slice it to read)."""
        return self._series(ROLE_VARIABLE, name)

    def invariant(self, name: str) -> Series:
        return self._series(ROLE_INVARIANT, name)

    def observable(self, name: str) -> Series:
        return self._series(ROLE_OBSERVABLE, name)

    def _series(self, role: str, name: str) -> Series:
        parts = self._columns.get((role, name))
        if parts is None:
            have = ", ".join(n for (r, n) in self._columns if r == role) or "none"
            raise SessionError(f"{self._where} has no {role} {name!r}; it has: {have}")
        return Series(f"{self._where} {name}", parts, self.rows)

    def dataset_names(self, name: str, role: str = ROLE_VARIABLE) -> list[str]:
        """The HDF5 dataset name(s) of a quantity (two for a complex field)."""
        return [ds.name.rsplit("/", 1)[-1] for ds in self._columns[(role, name)]]

    @property
    def messages(self) -> list[str]:
        return self._strings("messages")

    @property
    def events(self) -> list[dict[str, Any]]:
        return [parse_json(e, f"{self._where}: an event") for e in self._strings("events")]

    def _strings(self, name: str) -> list[str]:
        ds = self._datasets.get(name)
        if ds is None:
            return []
        with _guard(self._where):
            if ds.dtype.kind != "O" or h5py.check_string_dtype(ds.dtype) is None:
                raise SessionError(f"{self._where}: {name!r} is not a list of strings")
            return [text(v) for v in ds[()]]

    @property
    def nbytes_on_disk(self) -> int:
        with _guard(self._where):
            return sum(int(ds.id.get_storage_size()) for ds in self._datasets.values())

    def analyses(self) -> list[str]:
        return self.session.analyses(self.name)

    # -- replay --------------------------------------------------------------------
    def to_result(self):
        """Everything as a :class:`solvers.Result` (reads all samples)."""
        from solvers.run import Result

        config = self.config
        k = self.rows
        blocks = []
        for name in self.variables:
            a = self[name][:]
            if np.iscomplexobj(a):
                a = np.ascontiguousarray(a, dtype=np.complex128).view(np.float64)
            blocks.append(np.asarray(a, dtype=np.float64).reshape(k, -1))
        y = np.concatenate(blocks, axis=1) if blocks else np.empty((k, 0))
        return Result(
            config,
            self.t,
            y,
            {n: self.invariant(n)[:] for n in self.invariants},
            self.status,
            self.message,
            self.steps,
            self.wall_time,
            self.events,
            self.messages,
            {n: self.observable(n)[:] for n in self.observables},
        )

    def rerun(self, stop=None):
        """Run the stored configuration again (validated first)."""
        from solvers.run import simulate_config

        return simulate_config(self.checked_config(), stop=stop)

    def __repr__(self) -> str:
        return f"<Run {self.name}: {self.system}, {self.rows} samples, {self.status}>"


class Analysis:
    """An analysis result: its kind, the parameters that produced it, its arrays."""

    def __init__(self, session: Session, group: h5py.Group):
        self.session = session
        self.group = group
        self._where = f"{session.path} analysis {group.name!r}"
        with _guard(self._where):
            self.kind = text(group.attrs.get("kind", ""))
            self.parameters = parse_json(group.attrs.get("parameters", "{}"), f"{self._where}: its parameters")
            self.run = text(group.attrs.get("run", "")) or None
            self.created = text(group.attrs.get("created", ""))
            datasets = {n: ds for n, ds in group.items() if isinstance(ds, h5py.Dataset)}
            # arrays and coordinates (a dimension's values); bare dimensions are neither
            self.names = [n for n, ds in datasets.items() if text(ds.attrs.get("NAME", "")) != NOT_A_VARIABLE]
            self.coordinates = [n for n in self.names if text(datasets[n].attrs.get("role", "")) == ROLE_COORD]

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self.names:
            raise SessionError(f"{self._where} has no array {name!r}; it has: {', '.join(self.names) or 'none'}")
        with _guard(self._where):
            ds = self.group[name]
            if ds.dtype.kind in "biufc":
                return ds[()]
            if h5py.check_string_dtype(ds.dtype) is not None:
                return np.asarray(ds.asstr()[()], dtype=str)
            raise SessionError(f"{self._where}: {name!r} holds {ds.dtype}, not numbers or strings")

    def __repr__(self) -> str:
        return f"<Analysis {self.group.name}: {self.kind}, {self.parameters}>"
