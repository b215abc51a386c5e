"""Build the one-folder bundle: ``python packaging/build.py [--smoke]``.

Runs PyInstaller on ``packaging/explorer.spec`` and writes
``packaging/dist/DynamicsExplorer/`` (the executable ``dynamics-explorer``
and its ``_internal`` folder); prints the build time, the bundle's size and
its biggest folders.  ``--smoke`` then runs ``packaging/smoke.py`` on it.
Needs PyInstaller (``pip install -e ".[bundle]"``) in the environment that
has the app installed: the bundle is made of that environment's packages.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPEC = HERE / "explorer.spec"
APP = "DynamicsExplorer"


MIB = 2**20  # sizes are printed in MiB, as `du -sh` prints them


def size_of(path: Path) -> int:
    """Bytes in ``path`` (a file or a folder); symbolic links count nothing
    (PyInstaller links shared libraries to one copy, counted once)."""
    if path.is_symlink():
        return 0
    if not path.is_dir():
        return path.stat().st_size
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            p = Path(root) / name
            if not p.is_symlink():
                total += p.stat().st_size
    return total


def biggest(bundle: Path, count: int = 12) -> list[tuple[int, str]]:
    """The ``count`` biggest entries of the bundle's ``_internal`` folder (or
    of the bundle itself), as (bytes, relative path), biggest first."""
    inner = bundle / "_internal"
    top = inner if inner.is_dir() else bundle
    return sorted(((size_of(p), str(p.relative_to(bundle))) for p in top.iterdir()), reverse=True)[:count]


def build(dist: Path, work: Path, log=print) -> tuple[Path, float]:
    """Run PyInstaller; the bundle's folder and the build's wall time."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit('PyInstaller is not installed: pip install -e ".[bundle]" (or pyinstaller)') from None
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    cmd += ["--distpath", str(dist), "--workpath", str(work), str(SPEC)]
    log("$ " + " ".join(cmd))
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=HERE)
    seconds = time.perf_counter() - t0
    return dist / APP, seconds


def describe(bundle: Path, seconds: float, log=print) -> int:
    """Print the build time, the size and the biggest parts; the size in bytes."""
    size = size_of(bundle)
    log(f"built {bundle} in {seconds:.0f} s: {size / MIB:.0f} MiB")
    for nbytes, name in biggest(bundle):
        log(f"  {nbytes / MIB:7.1f} MiB  {name}")
    return size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=HERE / "dist", help="bundle's folder (default packaging/dist)")
    parser.add_argument("--work", type=Path, help="PyInstaller's work folder (default packaging/build)")
    parser.add_argument("--smoke", action="store_true", help="then run the smoke test (packaging/smoke.py)")
    args = parser.parse_args(argv)
    dist = args.dist.resolve()
    work = (args.work or HERE / "build").resolve()
    bundle, seconds = build(dist, work)
    describe(bundle, seconds)
    if not args.smoke:
        return 0
    sys.path.insert(0, str(HERE))
    import smoke

    workdir = Path(tempfile.mkdtemp(prefix="dx-smoke-"))
    try:
        smoke.smoke(bundle, workdir)
    except smoke.SmokeError as exc:
        print(f"smoke test FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
