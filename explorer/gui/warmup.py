"""Load the user's systems and the numerical kernels in the background at start-up.

The first call of each numba kernel loads it from the disk cache (about
0.1 s each) or, on a fresh machine, compiles it (seconds).  Doing that for
the common integrators while the user is still choosing a system makes the
first Run start at once; the status bar says what is happening.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QThread, Signal

# one short run per family of kernels: adaptive and fixed RK, maps, symplectic, spectral
WARM_RUNS = (
    ("lorenz", {"t_end": 0.1, "samples": 3}),
    ("logistic", {"t_end": 10, "samples": 3}),
    ("nlse", {"preset": "soliton", "t_end": 0.01, "samples": 2}),
)


class WarmUp(QThread):
    state = Signal(str)
    library = Signal(list, dict)  # names of the user systems defined, {name: error} of those refused

    def run(self) -> None:
        from solvers.run import simulate
        from solvers.userdef import load_library

        self.state.emit("Loading the numerical kernels…")
        t0 = time.perf_counter()
        # the user's own systems first: the catalog must hold them before anyone runs one
        systems, errors = load_library()
        self.library.emit(sorted(systems), {k: str(v) for k, v in errors.items()})
        for name, kwargs in WARM_RUNS:
            if self.isInterruptionRequested():
                return
            try:
                simulate(name, **kwargs)
            except ValueError:
                continue  # a catalog without this system: nothing to warm
        self.state.emit(f"Ready (kernels loaded in {time.perf_counter() - t0:.1f} s)")
