"""Smoke test of the built bundle, offscreen, with a fresh user profile.

``python packaging/smoke.py [BUNDLE]`` (default ``packaging/dist/DynamicsExplorer``):

1. the scripted launch ``gui --system lorenz --run-for 2 --save s.h5
   --screenshot s.png --quit`` in one folder (numba compiles the kernels into
   the user's cache directory), then again in another folder, which must load
   them from that cache: the second launch may take at most 60 % of the first;
2. ``run lorenz --t-end 10 --out y.h5``;
3. a user-defined system (``define FILE --save``, then ``run NAME``), whose
   generated kernels live in the user's cache directory;
4. a sweep on two worker processes (the frozen executable starts them).

Every launch gets an empty home, cache, config and data folder (and no
``NUMBA_CACHE_DIR``), so the first launch is really cold and the user's own
settings are not touched.  Prints each step's wall time; exit status 1 with
the reason when a check fails.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
APP = "DynamicsExplorer"
EXE_NAME = "dynamics-explorer"
DEFAULT_BUNDLE = HERE / "dist" / APP
# the second launch (kernels from the cache) may take at most this share of the first
MAX_WARM_RATIO = 0.6
SCRIPTED = ["gui", "--system", "lorenz", "--run-for", "2", "--save", "s.h5", "--screenshot", "s.png", "--quit"]
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
USER_SYSTEM = """\
# the Lorenz system typed as equations (docs/user-systems.md)
sigma = 10 in [0, 100]
rho = 28; beta = 8/3
x' = sigma*(y - x)
y' = x*(rho - z) - y
z' = x*y - beta*z
x(0) = 1; y(0) = 1; z(0) = 1
"""


class SmokeError(Exception):
    """A check of the smoke test failed (the message says which and why)."""


@dataclass
class SmokeReport:
    """Wall times (seconds) of the launches and where things were written."""

    first: float = 0.0
    second: float = 0.0
    run: float = 0.0
    user_system: float = 0.0
    sweep: float = 0.0
    numba_cache: Path | None = None
    compiled_by_second: list[str] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.second / self.first


def executable(bundle: Path) -> Path:
    """The bundle's executable."""
    return Path(bundle) / (EXE_NAME + (".exe" if sys.platform == "win32" else ""))


def isolated_env(home: Path) -> dict[str, str]:
    """The environment of a user whose home, cache, config and data folders
    are empty folders under ``home``, with Qt drawing offscreen."""
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "DYNAMICS_EXPLORER_CACHE")}
    folders = {
        "HOME": home,
        "USERPROFILE": home,
        "XDG_CACHE_HOME": home / ".cache",
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_DATA_HOME": home / ".local" / "share",
        "LOCALAPPDATA": home / "AppData" / "Local",
        "APPDATA": home / "AppData" / "Roaming",
    }
    for name, path in folders.items():
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def numba_cache_dir(home: Path) -> Path:
    """Where the bundle's entry point puts numba's cache for the user of
    :func:`isolated_env` (see packaging/entry.py)."""
    if sys.platform == "win32":
        return home / "AppData" / "Local" / "dynamics-explorer" / "cache" / "numba"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "dynamics-explorer" / "numba"
    return home / ".cache" / "dynamics-explorer" / "numba"


def launch(exe: Path, args: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> float:
    """Run the bundle with ``args`` in ``cwd``; its wall time, or
    :class:`SmokeError` with its output when it fails."""
    cwd.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            [str(exe), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise SmokeError(f"{' '.join(args)}: still running after {timeout:g} s") from None
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SmokeError(
            f"{' '.join(args)} (in {cwd}) exited with status {proc.returncode}\n"
            f"--- stdout\n{proc.stdout}--- stderr\n{proc.stderr}"
        )
    return seconds


def check_file(path: Path, signature: bytes, what: str) -> None:
    if not path.is_file():
        raise SmokeError(f"{what}: {path} was not written")
    with open(path, "rb") as f:
        head = f.read(len(signature))
    if head != signature:
        raise SmokeError(f"{what}: {path} does not start like a {what} file ({head!r})")


def smoke(bundle: Path, workdir: Path, log=print) -> SmokeReport:
    """Run the smoke test of ``bundle`` in ``workdir`` (an empty folder)."""
    exe = executable(bundle)
    if not exe.is_file():
        raise SmokeError(f"no executable {exe}: build the bundle first (python packaging/build.py)")
    home = workdir / "home"
    env = isolated_env(home)
    report = SmokeReport(numba_cache=numba_cache_dir(home))

    cached: set[Path] = set()
    for n, name in enumerate(("first", "second")):
        here = workdir / f"launch-{n + 1}"  # a different working directory each time
        seconds = launch(exe, SCRIPTED, here, env)
        compiled = set(report.numba_cache.rglob("*.nbc")) - cached
        cached |= compiled
        if n == 1:
            # the GUI's analysis jobs may reach kernels in one launch that the other quit before
            report.compiled_by_second = sorted(p.name for p in compiled)
        setattr(report, name, seconds)
        check_file(here / "s.h5", HDF5_SIGNATURE, "HDF5")
        check_file(here / "s.png", PNG_SIGNATURE, "PNG")
        report.files[f"{name}_session"] = here / "s.h5"
        report.files[f"{name}_screenshot"] = here / "s.png"
        log(
            f"{name} scripted launch ({'cold cache' if n == 0 else 'warm cache'}, in {here}): {seconds:.1f} s, "
            f"{len(compiled)} kernel versions compiled"
        )
    log(f"second / first = {report.ratio:.2f} (at most {MAX_WARM_RATIO} allowed)")

    indexes = sorted(report.numba_cache.rglob("*.nbi"))
    if not indexes:
        raise SmokeError(f"numba wrote no cache index under {report.numba_cache}")
    inside = sorted(Path(bundle).rglob("*.nbi"))
    if inside:
        raise SmokeError(f"numba wrote its cache inside the bundle, e.g. {inside[0]}")
    log(f"numba cache: {len(indexes)} kernels indexed under {report.numba_cache}")
    if report.ratio > MAX_WARM_RATIO:
        raise SmokeError(
            f"the second launch took {report.second:.1f} s, {report.ratio:.0%} of the first "
            f"({report.first:.1f} s): the compiled kernels were not reused"
        )

    here = workdir / "launch-2"
    report.run = launch(exe, ["run", "lorenz", "--t-end", "10", "--out", "y.h5", "-q"], here, env)
    check_file(here / "y.h5", HDF5_SIGNATURE, "HDF5")
    report.files["run_session"] = here / "y.h5"
    log(f"run lorenz --t-end 10 --out y.h5: {report.run:.1f} s")

    here = workdir / "launch-3"
    here.mkdir(parents=True, exist_ok=True)
    (here / "typed_lorenz.txt").write_text(USER_SYSTEM, encoding="utf-8")
    t0 = time.perf_counter()
    launch(exe, ["define", "typed_lorenz.txt", "--save"], here, env)
    launch(exe, ["run", "typed_lorenz", "--t-end", "10", "--out", "u.h5", "-q"], here, env)
    report.user_system = time.perf_counter() - t0
    check_file(here / "u.h5", HDF5_SIGNATURE, "HDF5")
    report.files["user_session"] = here / "u.h5"
    generated = sorted((report.numba_cache.parent / "userdef").glob("dx_userdef_*.py"))
    if not generated:
        raise SmokeError(f"no generated kernel module under {report.numba_cache.parent / 'userdef'}")
    log(f"define + run of a user-defined system: {report.user_system:.1f} s")

    sweep = ["sweep", "logistic", "--param", "r=3.5:4:8", "--measure", "lyapunov", "--t-end", "2000"]
    report.sweep = launch(exe, [*sweep, "--workers", "2", "--out", "sweep.h5", "-q"], here, env)
    check_file(here / "sweep.h5", HDF5_SIGNATURE, "HDF5")
    report.files["sweep_session"] = here / "sweep.h5"
    log(f"sweep on 2 worker processes: {report.sweep:.1f} s")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", nargs="?", type=Path, default=DEFAULT_BUNDLE, help=f"default {DEFAULT_BUNDLE}")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR and keep the files (default: a temp dir)")
    args = parser.parse_args(argv)
    try:
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            smoke(args.bundle, args.keep.resolve())
        else:
            with tempfile.TemporaryDirectory(prefix="dx-smoke-") as tmp:
                smoke(args.bundle, Path(tmp))
    except SmokeError as exc:
        print(f"smoke test FAILED: {exc}", file=sys.stderr)
        return 1
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
