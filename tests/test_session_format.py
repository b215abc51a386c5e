"""The session format on disk, checked with h5py, xarray (h5netcdf) and the
netCDF library: root attributes, one group per run, dimension scales, complex
fields, dtype and compression options, analysis results."""

import json

import h5py
import netCDF4
import numpy as np
import pytest
import xarray as xr

import solvers
from explorer.session import SCHEMA_VERSION, Session, SessionWriter, record
from explorer.session.export import export
from solvers.run import make_config

CASES = {
    "lorenz": dict(preset="classic", t_end=2.0, samples=201),
    "nlse": dict(preset="two_soliton", t_end=0.5, samples=6),
    "galactic_disk": dict(params={"n": 300}, t_end=4.0, samples=5, seed=7),
    "navier_stokes_2d": dict(t_end=0.2, samples=5, n=32),
}


@pytest.fixture(scope="module")
def session_file(tmp_path_factory):
    """One session holding a flow, a complex 1-D field, an ensemble and a 2-D field."""
    path = tmp_path_factory.mktemp("format") / "four.h5"
    with SessionWriter(path) as writer:
        for name, kw in CASES.items():
            record(make_config(name, **kw), writer)
    return path


def test_root_attributes_name_the_format_and_the_versions(session_file):
    import numba
    import scipy

    with h5py.File(session_file, "r") as f:
        a = f.attrs
        assert a["format"] == "dynamics-explorer-session"
        assert int(a["schema_version"]) == SCHEMA_VERSION
        assert a["app_version"] == solvers.__version__
        assert a["created"].endswith("+00:00")
        assert a["numpy_version"] == np.__version__
        assert a["scipy_version"] == scipy.__version__
        assert a["numba_version"] == numba.__version__
        assert a["h5py_version"] == h5py.__version__
        assert a["hdf5_version"] == h5py.version.hdf5_version
        # the HDF5 1.8 file format: superblock version 2 (no SWMR consistency flags)
        assert f.id.get_create_plist().get_version()[0] == 2


def test_one_group_per_run_with_its_config_status_and_dimension_scales(session_file):
    with h5py.File(session_file, "r") as f:
        assert sorted(f) == ["run_001", "run_002", "run_003", "run_004"]
        for group, (name, kw) in zip(sorted(f), CASES.items()):
            g = f[group]
            assert g.attrs["type"] == "run" and g.attrs["system"] == name
            assert g.attrs["status"] == "done"
            config = json.loads(g.attrs["config"])
            assert config["system"] == name and config == make_config(name, **kw).to_dict() | {"seed": config["seed"]}
            assert int(g.attrs["rows"]) == kw["samples"] == g["t"].shape[0]
            assert g["t"].is_scale
            for ds in g.values():
                if isinstance(ds, h5py.Dataset) and ds.attrs.get("role") in ("variable", "invariant", "observable"):
                    assert ds.shape[0] == kw["samples"]  # time on axis 0
                    for axis in range(ds.ndim):
                        assert len(ds.dims[axis]) == 1, (group, ds.name, axis)
                    assert ds.dims[0][0] == g["t"]


@pytest.mark.parametrize("index", range(4))
def test_xarray_opens_every_run_with_named_dimensions(session_file, index):
    name, kw = list(CASES.items())[index]
    group = f"run_{index + 1:03d}"
    reference = solvers.simulate(name, **kw)
    with xr.open_dataset(session_file, group=group, engine="h5netcdf") as ds:
        assert not [d for d in ds.dims if d.startswith("phony_dim")], ds.dims
        assert ds["t"].dims == ("t",)
        np.testing.assert_array_equal(ds["t"].values, reference.t)
        assert ds.attrs["system"] == name
        for var in reference.variables:
            a = reference[var]
            if np.iscomplexobj(a):
                got = ds[f"{var}_real"].values + 1j * ds[f"{var}_imag"].values
                assert ds[f"{var}_real"].dims == ("t", "x")
            else:
                got = ds[var].values
            np.testing.assert_array_equal(got, a)
        for q, values in reference.invariants.items():
            np.testing.assert_array_equal(ds[f"invariant_{q}"].values, values)
        for q, values in reference.observables.items():
            np.testing.assert_array_equal(ds[f"observable_{q}"].values, values)
        if name == "navier_stokes_2d":
            assert ds["omega"].dims == ("t", "y", "x")
            np.testing.assert_array_equal(ds["x"].values, reference.x)
            np.testing.assert_array_equal(ds["y"].values, reference.y)
        if name == "galactic_disk":
            assert ds["z"].dims == ds["vz"].dims == ds["invariant_energy"].dims == ("t", "particle")
            np.testing.assert_array_equal(ds["particle"].values, np.arange(300))
        if name == "lorenz":
            assert set(ds.data_vars) >= {"x", "y", "z"}  # a flow's x is a variable, not a grid


def test_the_netcdf_library_reads_a_session_directly(session_file):
    with netCDF4.Dataset(session_file) as nc:
        g = nc.groups["run_002"]
        assert g.dimensions["x"].size == 512 and g.dimensions["t"].size == 6
        assert g.variables["psi_real"].dimensions == ("t", "x")
        assert g.getncattr("status") == "done"


def test_float32_and_gzip_are_explicit_choices(tmp_path):
    config = make_config("nlse", preset="two_soliton", t_end=0.5, samples=6)
    path = tmp_path / "small.h5"
    with SessionWriter(path) as writer:
        record(config, writer, dtype="float32", compression="gzip")
        record(config, writer)
    reference = solvers.simulate_config(config)
    with h5py.File(path, "r") as f:
        small, plain = f["run_001/psi_real"], f["run_002/psi_real"]
        assert small.dtype == np.float32 and small.compression == "gzip" and small.shuffle
        assert plain.dtype == np.float64 and plain.compression is None
        assert f["run_001/t"].dtype == np.float64  # time stays float64
        assert f["run_001/invariant_mass"].dtype == np.float64
        assert f["run_001"].attrs["dtype"] == "float32" and f["run_001"].attrs["compression"] == "gzip"
    with xr.open_dataset(path, group="run_001", engine="h5netcdf") as ds:
        np.testing.assert_array_equal(ds["psi_imag"].values, reference["psi"].imag.astype(np.float32))
    with Session(path) as s:
        assert s.run("run_001")["psi"].dtype == np.complex64
        np.testing.assert_array_equal(s.run("run_002")["psi"][:], reference["psi"])
    with SessionWriter(tmp_path / "bad.h5") as writer, pytest.raises(ValueError, match="lzf"):
        writer.start_run(config, compression="lzf")


def test_analysis_results_are_stored_with_their_parameters(tmp_path):
    config = make_config("lorenz", preset="classic", t_end=2.0, samples=201)
    path = tmp_path / "analysed.h5"
    with SessionWriter(path) as writer:
        rec = record(config, writer)
        writer.add_analysis(
            "lyapunov_spectrum",
            {"t_end": 10_000.0, "method": "dop853", "renormalise": 1.0},
            {"exponents": [0.9056, 0.0, -14.5723], "convergence": np.ones((5, 3))},
            run=rec.run,
            dims={"exponents": ("exponent",), "convergence": ("checkpoint", "exponent")},
            coords={"checkpoint": [2000.0, 4000.0, 6000.0, 8000.0, 10000.0]},
        )
        writer.add_analysis(
            "rqa",
            {"threshold": 0.1, "theiler": 1, "norm": "euclidean"},
            {"measure": np.array(["RR", "DET", "LAM"]), "value": [0.1, 0.95, 0.97]},
            run=rec.run,
            dims={"measure": ("measure",), "value": ("measure",)},
        )
        writer.add_analysis("sweep", {"parameter": "rho", "values": [20, 28]}, {"max_x": [12.0, 19.5]})
    with Session(path) as s:
        assert s.analyses("run_001") == ["lyapunov_spectrum_001", "rqa_001"]
        lyap = s.analysis("lyapunov_spectrum_001", run="run_001")
        assert lyap.kind == "lyapunov_spectrum" and lyap.parameters["t_end"] == 10_000.0
        np.testing.assert_array_equal(lyap["exponents"], [0.9056, 0.0, -14.5723])
        rqa = s.analysis("rqa_001", run="run_001")
        assert list(rqa["measure"]) == ["RR", "DET", "LAM"] and rqa.parameters["norm"] == "euclidean"
        assert s.analyses() == ["sweep_001"]
        assert s.analysis("sweep_001").parameters == {"parameter": "rho", "values": [20, 28]}
    with xr.open_dataset(path, group="run_001/analysis/lyapunov_spectrum_001", engine="h5netcdf") as ds:
        assert ds["convergence"].dims == ("checkpoint", "exponent")
        assert json.loads(ds.attrs["parameters"])["method"] == "dop853"
        assert ds["checkpoint"].values[-1] == 10000.0
    with xr.open_dataset(path, group="analysis/sweep_001", engine="h5netcdf") as ds:
        assert not [d for d in ds.dims if d.startswith("phony_dim")]
    # and they travel with a netCDF export
    export(path, tmp_path / "analysed.nc", "netcdf")
    with netCDF4.Dataset(tmp_path / "analysed.nc") as nc:
        rqa = nc["run_001/analysis/rqa_001"]
        assert list(rqa["measure"][:]) == ["RR", "DET", "LAM"] and rqa["value"].dimensions == ("measure",)
        assert json.loads(rqa.getncattr("parameters"))["threshold"] == 0.1
        assert nc["run_001/analysis/lyapunov_spectrum_001/convergence"].dimensions == ("checkpoint", "exponent")
        assert nc["analysis/sweep_001/max_x"][:].tolist() == [12.0, 19.5]
