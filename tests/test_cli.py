"""The command line, run as a real subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import solvers
from solvers.run import step_used

ROOT = Path(__file__).resolve().parents[1]


def explorer(*args, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "explorer", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def test_version():
    out = explorer("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"Dynamics Explorer {solvers.__version__}"


def test_systems_json_lists_the_catalog():
    out = explorer("systems", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [d["name"] for d in data] == solvers.list_systems()
    lorenz = next(d for d in data if d["name"] == "lorenz")
    assert lorenz["variables"] == ["x", "y", "z"]
    assert lorenz["parameters"]["rho"] == 28.0


def test_systems_table_and_kind_filter():
    out = explorer("systems", "--kind", "map")
    assert out.returncode == 0
    names = [line.split()[0] for line in out.stdout.splitlines() if line and not line.startswith(("(", " "))]
    assert set(solvers.list_systems("map")) <= set(names)


def test_show():
    out = explorer("show", "lorenz")
    assert out.returncode == 0
    assert "dx/dt = σ (y − x)" in out.stdout and "Lorenz, J. Atmos. Sci. 20" in out.stdout


def test_run_prints_the_same_numbers_as_the_api():
    out = explorer(
        "run", "lorenz", "--preset", "classic", "--set", "rho=20", "--t-end", "5", "--samples", "11", "--json"
    )
    assert out.returncode == 0, out.stderr
    r = solvers.simulate("lorenz", preset="classic", params={"rho": 20.0}, t_end=5.0, samples=11)
    assert f"x={r['x'][-1]:.10g}" in out.stdout
    assert "status   done" in out.stdout
    config = json.loads(out.stdout.strip().splitlines()[-1])
    assert config["params"]["rho"] == 20.0


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "lorenz", "--set", "rho=-3"], "parameter 'rho' of 'lorenz': -3 is out of bounds"),
        (["run", "lorenz", "--set", "rho=abc"], "parameter 'rho' of 'lorenz': 'abc' is not a number"),
        (["run", "lorenz", "--set", "rho"], "--set: 'rho' is not of the form name=value"),
        (["run", "lorenx"], "unknown system 'lorenx'; did you mean 'lorenz'"),
        (["run", "lorenz", "--t-end", "-1"], "t_end: -1.0"),
        (["run", "lorenz", "--method", "euler"], "method: 'euler' is not available"),
        (["run", "lorenz", "--preset", "nope"], "preset 'nope'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_bad_values_give_one_line_and_status_2(args, needle):
    out = explorer(*args)
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert needle in lines[0]
    assert "Traceback" not in out.stderr


def test_docs_catalog_page_is_up_to_date():
    """docs/catalog.md is generated from the catalog; regenerate it with
    `explorer systems --markdown > docs/catalog.md`."""
    from explorer.catalog_doc import catalog_markdown

    page = (ROOT / "docs" / "catalog.md").read_text(encoding="utf-8")
    assert page == catalog_markdown()


def test_validate_runs_the_checks_of_a_system():
    out = explorer("validate", "--system", "nlse", timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 failed" in out.stdout
    assert "two-soliton shifts" in out.stdout and "soliton" in out.stdout


def test_validation_page_lists_every_check():
    """docs/validation.md is `explorer validate --markdown`'s output: it must
    name every check there is (regenerate it when checks are added)."""
    from solvers import validation

    page = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    for check in validation.checks():
        assert f"| {check.system} | {check.name} |" in page, (check.system, check.name)


@pytest.mark.parametrize("to_file", [False, True], ids=["in-memory", "session"])
def test_run_prints_the_runs_messages(tmp_path, to_file):
    """A run's warnings and notes reach the terminal, with or without --out:
    here the automatic step on a grid too fine for the preset's, with the step
    the API reports for the same request."""
    args = ["run", "sine_gordon", "--preset", "breather", "--n", "4096", "--t-end", "1", "-q"]
    if to_file:
        args += ["--out", str(tmp_path / "s.h5")]
    out = explorer(*args)
    assert out.returncode == 0, out.stderr
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("message  ")]
    r = solvers.simulate("sine_gordon", preset="breather", n=4096, t_end=1.0)
    assert lines == [f"message  {m}" for m in r.messages]
    assert "chosen automatically, dt = 0.005 " in lines[0]
    # the method line gives the step taken, not the configured one it was rounded from
    step = step_used(r.config)
    assert step == pytest.approx(0.005) and r.config.dt > 0.0058
    assert f"method   yoshida4, dt={step:g}" in out.stdout.splitlines()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir() or (os.cpu_count() or 1) < 2, reason="Linux, ≥ 2 cores")
def test_the_application_runs_one_blas_thread_unless_told_otherwise():
    """Importing explorer (the app, the command line, sweep workers) before numpy
    keeps OpenBLAS to one thread, whose pool would otherwise compete with the
    numba kernels for the cores; a thread count the user set is kept."""

    count = "import os, numpy; print(len(os.listdir('/proc/self/task')), os.environ.get('OPENBLAS_NUM_THREADS'))"
    chosen = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")
    env = {k: v for k, v in os.environ.items() if k not in chosen}

    def threads(code, **extra):
        out = subprocess.run([sys.executable, "-c", code], env={**env, **extra}, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        n, value = out.stdout.split()
        return int(n), value

    plain, _ = threads(count)
    ours, value = threads("import explorer; " + count)
    assert value == "1" and ours < plain, (ours, plain)
    assert threads("import explorer; " + count, OPENBLAS_NUM_THREADS="2")[1] == "2"
    assert threads("import explorer; " + count, OMP_NUM_THREADS="2")[1] == "None"
