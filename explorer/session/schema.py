"""The session file format, version 1: names, attributes and layout rules.

Everything the writer and the reader agree on lives here; ``docs/session-format.md``
describes the same thing for people and other tools.  In short::

    /                              format, schema_version, app_version, created,
                                   numpy/scipy/numba/h5py/hdf5 versions
    /run_001/                      type="run", config (RunConfig JSON), status, message,
                                   rows (committed samples), system, ...,
                                   system_definition (the text of a user-defined system)
        t                          time, a dimension scale (axis 0 of everything below)
        x, y                       grid coordinates of PDE fields (dimension scales)
        particle | index           element index of ensemble / block variables
        <variable>                 one dataset per state variable, time on axis 0
        <field>_real, <field>_imag complex fields as two real datasets
        invariant_<name>           conserved quantities over t
        observable_<name>          recorded, not conserved, quantities over t
        messages, events           run warnings, parameter changes (JSON)
        analysis/<name>/           analysis results with their parameters (JSON)
    /analysis/<name>/              session-wide analyses (sweeps)

Files are plain HDF5 (file format of HDF5 1.8, no SWMR) whose dimension scales
follow the netCDF-4 conventions, so ``xarray.open_dataset(path, group=run,
engine="h5netcdf")`` names every dimension.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

FORMAT = "dynamics-explorer-session"
SCHEMA_VERSION = 1
# HDF5 file-format bounds: the 1.8 format (object headers with checksums, large
# attributes) without the 1.10 superblock, whose consistency flags make a file
# left open by a killed writer unreadable until `h5clear` is run on it.
LIBVER = ("v108", "v108")

# the netCDF-4 marker of a dimension that has no coordinate variable
NOT_A_VARIABLE = "This is a netCDF dimension but not a netCDF variable."

ROLE_COORD, ROLE_VARIABLE, ROLE_INVARIANT, ROLE_OBSERVABLE = "coordinate", "variable", "invariant", "observable"
TYPE_RUN, TYPE_ANALYSIS = "run", "analysis"
ANALYSIS_GROUP = "analysis"
STATUS_RUNNING = "running"
# a run whose file still says "running" when it is read (no writer holds the file):
STATUS_INCOMPLETE = "incomplete"
DTYPES = ("float64", "float32")
COMPRESSIONS = (None, "gzip")
# run attribute holding the text of a user-defined system (solvers.userdef): a
# reader re-validates it and defines the system before re-running the config
SYSTEM_DEFINITION = "system_definition"
# dataset names a run always uses (its coordinates are reserved too)
RESERVED = {"t", "messages", "message", "events", "event", ANALYSIS_GROUP}


class SessionError(Exception):
    """A session file that cannot be read or written: the message says which
    file and what is wrong, in one line."""


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def library_versions() -> dict[str, str]:
    import h5py
    import numba
    import scipy

    return {
        "numpy_version": np.__version__,
        "scipy_version": scipy.__version__,
        "numba_version": numba.__version__,
        "h5py_version": h5py.__version__,
        "hdf5_version": h5py.version.hdf5_version,
    }


def root_attributes(app_version: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "schema_version": np.int64(SCHEMA_VERSION),
        "app_version": app_version,
        "created": now(),
        **library_versions(),
    }


def text(value: Any) -> str:
    """An attribute read back as str (h5py returns str, older files bytes)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.shape == ():
        return text(value.item())
    return str(value)


def check_root(attrs: Mapping[str, Any], where: str) -> int:
    """Validate the root attributes of a session; return its schema version."""
    if "format" not in attrs:
        raise SessionError(f"{where} is an HDF5 file but not a Dynamics Explorer session (no 'format' attribute)")
    fmt = text(attrs["format"])
    if fmt != FORMAT:
        raise SessionError(f"{where} is not a Dynamics Explorer session (format {fmt!r}, expected {FORMAT!r})")
    try:
        version = int(np.asarray(attrs["schema_version"]).item())
    except (KeyError, TypeError, ValueError):
        raise SessionError(f"{where}: the session has no valid 'schema_version' attribute") from None
    if version > SCHEMA_VERSION:
        app = text(attrs.get("app_version", "?"))
        raise SessionError(
            f"{where} was written with session schema version {version} (Dynamics Explorer {app}); "
            f"this version reads schema versions up to {SCHEMA_VERSION}: upgrade Dynamics Explorer"
        )
    if version < 1:
        raise SessionError(f"{where}: schema version {version} is not valid")
    return version


def parse_json(value: Any, what: str) -> Any:
    """JSON from a file: parsed as data, never executed."""
    try:
        return json.loads(text(value))
    except (TypeError, ValueError) as exc:
        raise SessionError(f"{what} is not valid JSON ({exc})") from None


def to_json(value: Any) -> str:
    """JSON for attributes: non-finite floats as strings, numpy scalars as numbers."""

    def clean(v):
        if isinstance(v, dict):
            return {str(k): clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        if isinstance(v, np.ndarray):
            return clean(v.tolist())
        if isinstance(v, np.generic):
            return clean(v.item())
        if isinstance(v, float) and not math.isfinite(v):
            return str(v)
        return v

    return json.dumps(clean(value), sort_keys=True, allow_nan=False)


@dataclass(frozen=True)
class Column:
    """One dataset of a run with time on axis 0, and where its values come
    from in a :class:`solvers.Chunk`."""

    dataset: str
    role: str  # variable, invariant or observable
    name: str  # the variable's / quantity's own name
    dims: tuple[str, ...]  # the dimensions after t
    shape: tuple[int, ...]  # the shape of one sample
    long_name: str = ""
    units: str = ""
    part: str = ""  # "real" / "imag" for the two halves of a complex field
    start: int = 0  # offset into a state row (variables)
    size: int = 0  # floats in the state row (variables; 2× points when complex)
    complex: bool = False

    def from_chunk(self, chunk) -> np.ndarray:
        """This column's values in a chunk, shape (k, *shape) (maybe a view)."""
        if self.role == ROLE_VARIABLE:
            block = chunk.y[:, self.start : self.start + self.size]
            if self.complex:
                block = block[:, 0::2] if self.part == "real" else block[:, 1::2]
            return block.reshape(block.shape[0], *self.shape)
        source = chunk.invariants if self.role == ROLE_INVARIANT else chunk.observables
        return np.asarray(source[self.name]).reshape(len(chunk.t), *self.shape)


@dataclass(frozen=True)
class Layout:
    """The datasets of one run: coordinates and columns."""

    coords: dict[str, np.ndarray]  # dimension name -> values (not t)
    coord_attrs: dict[str, dict[str, str]]
    columns: list[Column]
    time_name: str
    time_unit: str


def block_dims(system, params) -> dict[str, str]:
    """The dimension name of each block variable (particle index for
    ensembles, element index otherwise)."""
    sizes = [v.size for v in system.variables if isinstance(v.size, str) and v.size != "grid"]
    base = "particle" if system.kind == "ensemble" else "index"
    distinct = list(dict.fromkeys(sizes))
    return {s: base if len(distinct) == 1 else f"{base}_{s}" for s in distinct}


def run_layout(system, config, grid) -> Layout:
    """Dataset names, dimensions and shapes of the variables of a run; the
    invariants and observables are added by :func:`quantity_column` once their
    shape is known (the first samples)."""
    coords: dict[str, np.ndarray] = {}
    coord_attrs: dict[str, dict[str, str]] = {}
    blocks = block_dims(system, config.params)
    shapes = []
    for var in system.variables:
        if var.size == "grid":
            dims = ("x",) if grid.dims == 1 else ("y", "x")
            shape = grid.shape
            coords["x"] = grid.x
            coord_attrs["x"] = {"long_name": "grid coordinate x"}
            if grid.dims == 2:
                coords["y"] = grid.y
                coord_attrs["y"] = {"long_name": "grid coordinate y"}
        elif isinstance(var.size, str):
            dim = blocks[var.size]
            count = int(config.params[var.size])
            dims, shape = (dim,), (count,)
            coords[dim] = np.arange(count, dtype=np.int64)
            meaning = "particle" if dim.startswith("particle") else "element"
            coord_attrs[dim] = {"long_name": f"{meaning} index (0 … {var.size} − 1)"}
        elif int(var.size) > 1:
            dim = f"{var.name}_index"
            dims, shape = (dim,), (int(var.size),)
            coords[dim] = np.arange(int(var.size), dtype=np.int64)
            coord_attrs[dim] = {"long_name": f"element index of {var.name}"}
        else:
            dims, shape = (), ()
        shapes.append((dims, tuple(int(s) for s in shape)))
    columns: list[Column] = []
    offset = 0
    taken = set(RESERVED) | set(coords)
    for (name, size), var, (dims, shape) in zip(system.layout(config.params, grid), system.variables, shapes):
        parts = ("real", "imag") if var.complex else ("",)
        for part in parts:
            dataset = f"{name}_{part}" if part else name
            if dataset in taken:
                dataset = f"var_{dataset}"
            taken.add(dataset)
            columns.append(
                Column(
                    dataset=dataset,
                    role=ROLE_VARIABLE,
                    name=name,
                    dims=dims,
                    shape=shape,
                    long_name=var.meaning + (f" ({part} part)" if part else ""),
                    units=var.unit,
                    part=part,
                    start=offset,
                    size=size,
                    complex=var.complex,
                )
            )
        offset += size
    time_name = "iteration" if system.kind == "map" else "time"
    return Layout(coords, coord_attrs, columns, time_name, system.time_unit)


def quantity_column(role: str, name: str, meaning: str, sample_shape: tuple[int, ...], layout: Layout) -> Column:
    """The column of an invariant or observable whose samples have ``sample_shape``."""
    dims: tuple[str, ...] = ()
    if len(sample_shape) == 1:
        # element by element (each particle's energy): reuse a matching element dimension
        match = [d for d, v in layout.coords.items() if d not in ("x", "y") and v.size == sample_shape[0]]
        if match:
            dims = (match[0],)
        else:
            dims = (f"{role}_{name}_component",)
    elif len(sample_shape) > 1:
        dims = tuple(f"{role}_{name}_axis{i}" for i in range(len(sample_shape)))
    return Column(
        dataset=f"{role}_{name}", role=role, name=name, dims=dims, shape=tuple(sample_shape), long_name=meaning
    )


def chunk_rows(sample_bytes: int, target: int = 1 << 20, most: int = 1 << 16) -> int:
    """Rows per HDF5 chunk: about ``target`` bytes, at least one sample."""
    return int(max(1, min(most, target // max(1, sample_bytes))))
