"""Dynamics Explorer: the application around :mod:`solvers` (command line,
session files, sweeps; the desktop app lives in :mod:`explorer.gui`)."""

import os

# The application's work runs in numba kernels on worker threads (and sweep
# worker processes, which inherit this).  OpenBLAS's own thread pools (numpy's
# and scipy's) then compete for the same cores and spin after each call: with a
# run going on this 2-core machine a 300×300 matmul of an analysis view took
# 24 ms at the 99th percentile instead of 1.2 ms.  One BLAS thread unless the
# user chose otherwise; it must be set before numpy loads OpenBLAS, so here.
if not any(os.environ.get(v) for v in ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")):
    os.environ["OPENBLAS_NUM_THREADS"] = "1"

from solvers import __version__

__all__ = ["__version__"]
