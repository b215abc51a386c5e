"""Export the runs of a session to CSV, NumPy ``.npz`` or netCDF-4.

* CSV: one run; ``#`` comment lines with the format, the run and its config
  (JSON), a header, then one line per sample: t, every variable (blocks and
  fields flattened, ``psi.real[3]``), every invariant and observable, written
  with 17 significant digits (float64 round trip).
* npz: one run, written with :func:`numpy.savez`: ``t``, each variable (complex
  fields complex), ``invariant_<name>``, ``observable_<name>``, coordinates,
  and ``config`` (the JSON as a string array).  Nothing needs ``allow_pickle``.
* netCDF-4: every run (or one) as a group with named dimensions, and its
  analyses, written with h5netcdf so that the netCDF library, xarray and
  ncdump read it.  Complex fields are stored as ``<name>_real`` and
  ``<name>_imag``, as in the session.

Samples are copied in blocks, so CSV and netCDF exports of large runs use
bounded memory (an npz holds whole arrays).
"""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np

from .reader import Run, Session, _guard
from .schema import FORMAT, NOT_A_VARIABLE, ROLE_COORD, SessionError, text, to_json

FORMATS = ("csv", "npz", "netcdf")
EXPORT_FORMAT = "dynamics-explorer-netcdf-export"
BLOCK_BYTES = 16 << 20


def _block_rows(run: Run) -> int:
    width = 8 * (1 + sum(int(np.prod(run[v].shape[1:])) * 2 for v in run.variables))
    return max(1, BLOCK_BYTES // width)


def export(path: str | Path, out: str | Path, fmt: str, run: str | None = None) -> list[str]:
    """Export ``run`` (or, for netCDF, every run when None) of the session at
    ``path`` to ``out``; returns the names of the runs written."""
    if fmt not in FORMATS:
        raise ValueError(f"format: {fmt!r} is not allowed; choose one of {', '.join(FORMATS)}")
    out = Path(out)
    with Session(path) as session:
        if out.resolve() == session.path.resolve():
            raise SessionError(f"{out}: the export would overwrite the session itself")
        try:
            if fmt == "netcdf":
                names = [session.run(run).name] if run is not None else session.runs
                if not names:
                    raise SessionError(f"{session.path} holds no runs to export")
                to_netcdf(session, names, out)
                return names
            r = session.run(run)
            (to_csv if fmt == "csv" else to_npz)(r, out)
            return [r.name]
        except OSError as exc:
            if isinstance(exc, FileNotFoundError) or not out.parent.is_dir():
                raise SessionError(f"{out}: cannot write there (no such directory)") from None
            raise SessionError(f"{out}: cannot write the export ({exc})") from None


def _columns(run: Run) -> list[tuple[str, object, bool]]:
    """(label, series, complex) for every stored quantity, state first."""
    cols = [(v, run[v], np.issubdtype(run[v].dtype, np.complexfloating)) for v in run.variables]
    cols += [(f"invariant_{q}", run.invariant(q), False) for q in run.invariants]
    cols += [(f"observable_{q}", run.observable(q), False) for q in run.observables]
    return cols


def _labels(name: str, shape: tuple[int, ...], is_complex: bool) -> list[str]:
    idx = [""] if not shape else ["[" + ",".join(map(str, i)) + "]" for i in np.ndindex(*shape)]
    if is_complex:
        return [f"{name}.real{i}" for i in idx] + [f"{name}.imag{i}" for i in idx]
    return [f"{name}{i}" for i in idx]


def to_csv(run: Run, out: Path) -> None:
    cols = _columns(run)
    header = ["t"]
    for label, series, is_complex in cols:
        header += _labels(label, series.shape[1:], is_complex)
    rows = _block_rows(run)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# {FORMAT} export: run {run.name} of {run.session.path.name}\n")
        f.write(f"# system: {run.system}; status: {run.status}; samples: {run.rows}\n")
        f.write(f"# config: {run.config.to_json()}\n")
        f.write(",".join(header) + "\n")
        t = run.series_of_t()
        for start, times in t.blocks(rows):
            parts = [times[:, None]]
            for _, series, is_complex in cols:
                a = series[start : start + len(times)].reshape(len(times), -1)
                parts += [a.real, a.imag] if is_complex else [a]
            np.savetxt(f, np.concatenate(parts, axis=1), delimiter=",", fmt="%.17g")


def to_npz(run: Run, out: Path) -> None:
    arrays: dict[str, np.ndarray] = {"t": run.t}
    for label, series, _ in _columns(run):
        arrays[label] = series[:]
    for name, values in run.coordinates.items():
        arrays.setdefault(name, values)
    arrays["config"] = np.array(run.config.to_json())
    arrays["status"] = np.array(run.status)
    with open(out, "wb") as f:  # a file object: savez would otherwise append .npz to the name
        np.savez(f, **arrays)


def to_netcdf(session: Session, runs: list[str], out: Path) -> None:
    try:
        import h5netcdf
    except ImportError:  # pragma: no cover - h5netcdf is a dependency
        raise SessionError("exporting to netCDF needs the h5netcdf package: pip install h5netcdf") from None
    with h5netcdf.File(out, "w") as nc:
        for key, value in session.attrs.items():
            nc.attrs[key] = value
        # a copy for other tools, not a session the app would append to
        nc.attrs["format"] = EXPORT_FORMAT
        nc.attrs["source"] = str(session.path.name)
        for name in runs:
            g = _netcdf_run(nc, session.run(name))
            for analysis in session.analyses(name):
                _netcdf_analysis(g, session.analysis(analysis, run=name))
        if len(runs) == len(session.runs):  # the session's own analyses (sweeps) go with a whole export
            for analysis in session.analyses():
                _netcdf_analysis(nc, session.analysis(analysis))


def _netcdf_analysis(parent, analysis) -> None:
    """An analysis group with its parameters, arrays, dimensions and coordinates."""
    holder = parent.groups["analysis"] if "analysis" in parent.groups else parent.create_group("analysis")
    g = holder.create_group(analysis.group.name.rsplit("/", 1)[-1])
    for key in ("type", "kind", "parameters", "run", "created", "app_version"):
        if key in analysis.group.attrs:
            g.attrs[key] = text(analysis.group.attrs[key])
    with _guard(str(analysis.session.path)):
        items = [(n, analysis.group[n]) for n in analysis.names]
        dims = {n: [_dim_name(ds, axis) for axis in range(ds.ndim)] for n, ds in items}
        sizes = {d: s for n, ds in items for d, s in zip(dims[n], ds.shape)}
    for dim, size in sizes.items():
        g.dimensions[dim] = size
    for name in sorted(analysis.names, key=lambda n: n not in analysis.coordinates):  # coordinates first
        values = analysis[name]
        dtype = h5py.string_dtype() if values.dtype.kind == "U" else values.dtype
        v = g.create_variable(name, tuple(dims[name]), dtype=dtype)
        v[...] = values.astype(object) if values.dtype.kind == "U" else values


def _netcdf_run(nc, run: Run):
    g = nc.create_group(run.name)
    for key, value in run.attrs.items():
        value = value.item() if isinstance(value, np.generic) else text(value) if not isinstance(value, str) else value
        g.attrs[key] = value
    g.attrs["status"] = run.status
    g.attrs["rows"] = np.int64(run.rows)
    # dimensions as they are in the session: t, coordinates, bare dimensions
    g.dimensions["t"] = run.rows
    time = g.create_variable("t", ("t",), dtype="f8")
    for k in ("long_name", "units"):
        if k in run.group["t"].attrs:
            time.attrs[k] = text(run.group["t"].attrs[k])
    with _guard(f"{run.session.path} run {run.name!r}"):
        dims = [
            (dname, ds)
            for dname, ds in run.group.items()
            if dname not in ("t", "message", "event")
            and isinstance(ds, h5py.Dataset)
            and text(ds.attrs.get("role", "")) == ROLE_COORD
        ]
        bare = {dname for dname, ds in dims if text(ds.attrs.get("NAME", "")) == NOT_A_VARIABLE}
        sizes = {dname: ds.shape[0] for dname, ds in dims}
    coords = run.coordinates
    for dname in sorted(sizes):
        g.dimensions[dname] = sizes[dname]
        if dname not in bare:
            v = g.create_variable(dname, (dname,), data=coords[dname])
            long_name = run.group[dname].attrs.get("long_name")
            if long_name is not None:
                v.attrs["long_name"] = text(long_name)
    rows = _block_rows(run)
    writers = []
    for role, names, get in (
        ("variable", run.variables, run.__getitem__),
        ("invariant", run.invariants, run.invariant),
        ("observable", run.observables, run.observable),
    ):
        for qname in names:
            series = get(qname)
            for dname in run.dataset_names(qname, role):
                with _guard(f"{run.session.path} run {run.name!r}"):
                    src = run.group[dname]
                    dims = ("t", *[_dim_name(src, axis) for axis in range(1, src.ndim)])
                kw = {}
                if src.compression == "gzip":
                    kw = {"compression": "gzip", "compression_opts": src.compression_opts, "shuffle": True}
                chunks = (max(1, min(src.chunks[0], max(run.rows, 1))), *src.shape[1:]) if src.chunks else None
                v = g.create_variable(dname, dims, dtype=src.dtype, chunks=chunks, **kw)
                for k in ("long_name", "units", "role", "name", "part"):
                    if k in src.attrs:
                        v.attrs[k] = text(src.attrs[k])
                part = text(src.attrs.get("part", ""))
                writers.append((v, series, part))
    for start, times in run.series_of_t().blocks(rows):
        stop = start + len(times)
        time[start:stop] = times
        for v, series, part in writers:
            a = series[start:stop]
            v[start:stop] = a.real if part == "real" else a.imag if part == "imag" else a
    for kind in ("messages", "events"):
        items = getattr(run, kind)
        dim = kind[:-1]
        if items:
            g.dimensions[dim] = len(items)
            v = g.create_variable(kind, (dim,), dtype=h5py.string_dtype())
            v[:] = np.array([i if isinstance(i, str) else to_json(i) for i in items], dtype=object)
    return g


def _dim_name(ds, axis: int) -> str:
    if ds.is_scale:  # a coordinate is its own dimension
        return ds.name.rsplit("/", 1)[-1]
    if not len(ds.dims[axis]):
        raise SessionError(f"{ds.name}: axis {axis} has no dimension scale")
    return ds.dims[axis][0].name.rsplit("/", 1)[-1]
