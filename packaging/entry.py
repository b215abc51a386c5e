"""The bundle's entry point: the ``explorer`` command, frozen.

Two things must happen before anything imports numba:

- ``NUMBA_CACHE_DIR`` points at the user's cache directory (unless the user
  set it).  Inside a bundle numba would otherwise look for a writable
  ``__pycache__`` next to the solvers' source files, i.e. inside the
  application folder, which is read-only once installed (Program Files, a
  signed macOS app, /opt), and every launch would compile the kernels again.
  The spec collects ``solvers`` as source files, so its functions have an
  absolute ``co_filename`` and the cache index (keyed on that path and the
  file's time stamp) is found again from any working directory.
- ``multiprocessing.freeze_support()``: sweeps start worker processes by
  running this executable again; those must run the worker, not the CLI.

Then it is ``explorer.cli.main`` with the same arguments.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Mapping
from pathlib import Path


def user_cache_root(environ: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """The app's folder in the user's cache directory: the folder that
    :func:`solvers.userdef.codegen.cache_dir` keeps generated kernels under
    (it cannot be imported here: importing ``solvers`` imports numba)."""
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if env.get("DYNAMICS_EXPLORER_CACHE"):
        return Path(env["DYNAMICS_EXPLORER_CACHE"])
    if platform == "win32":
        local = env.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(local) / "dynamics-explorer" / "cache"
    if platform == "darwin":
        return Path.home() / "Library" / "Caches" / "dynamics-explorer"
    return Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dynamics-explorer"


def numba_cache_dir(environ: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """Where the bundle's numba cache lives: ``<user cache root>/numba``."""
    return user_cache_root(environ, platform) / "numba"


def main() -> int:
    if not os.environ.get("NUMBA_CACHE_DIR"):
        # in os.environ, so that sweep worker processes inherit it
        os.environ["NUMBA_CACHE_DIR"] = str(numba_cache_dir())
    multiprocessing.freeze_support()

    from explorer.cli import main as explorer_main

    return explorer_main()


if __name__ == "__main__":
    sys.exit(main())
