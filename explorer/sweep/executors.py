"""Where the chunks of a sweep run: worker processes on this machine (the
default), a Dask distributed cluster, or this process (``workers=0``, for
debugging and tests).

Every executor offers ``slots`` (how many chunks run at once),
``submit(spec_json, indices)`` returning a future with
``add_done_callback``/``result``/``cancel``, ``restart()`` after a worker died,
and ``close(cancel)``.  Only plain data crosses the process boundary: the
sweep as a JSON string, point numbers, and arrays, strings and numbers back.
"""

from __future__ import annotations

import multiprocessing
import numbers
import os
import signal
from concurrent.futures import Future, ProcessPoolExecutor

from .measures import evaluate_points


def _ignore_sigint() -> None:
    # Ctrl-C goes to the whole process group: the parent stops the sweep
    # cleanly and lets running chunks finish; a worker must not die of it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _context():
    # forkserver: workers fork from a server that has imported the solvers
    # once (fast start, no inherited threads); spawn where it does not exist.
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["explorer.sweep.measures"])
        return ctx
    return multiprocessing.get_context("spawn")


class LocalExecutor:
    """A pool of worker processes on this machine."""

    def __init__(self, workers: int):
        self.slots = workers
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.slots, mp_context=_context(), initializer=_ignore_sigint)

    def submit(self, spec_json: str, indices, definition: str | None = None):
        return self._pool.submit(evaluate_points, spec_json, indices, definition)

    def restart(self) -> None:
        """A worker died (killed, out of memory): the pool is broken; start a new one."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._start()

    def close(self, cancel: bool) -> None:
        # chunks already running finish (their points are written); queued ones are dropped when cancelling
        self._pool.shutdown(wait=True, cancel_futures=cancel)


class InlineExecutor:
    """Runs each chunk in this process when it is submitted."""

    slots = 1

    def submit(self, spec_json: str, indices, definition: str | None = None):
        fut: Future = Future()
        try:
            fut.set_result(evaluate_points(spec_json, indices, definition))
        except Exception as exc:
            fut.set_exception(exc)
        return fut

    def restart(self) -> None:
        pass

    def close(self, cancel: bool) -> None:
        pass


def worker_versions() -> dict[str, str]:
    """The versions that decide a sweep's numbers (run on each Dask worker)."""
    import numba
    import numpy

    import solvers

    return {"solvers": solvers.__version__, "numpy": numpy.__version__, "numba": numba.__version__}


class DaskExecutor:
    """A Dask distributed cluster: ``scheduler`` is its address
    (``tcp://host:8786``) or a ``distributed.Client``.  A worker that dies is
    replaced by the scheduler, which reruns its tasks elsewhere."""

    def __init__(self, scheduler, timeout: float = 30.0):
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - a dependency, but say so clearly
            raise ValueError("scheduler: Dask distributed is not installed (pip install distributed)") from None
        if isinstance(scheduler, Client):
            self.client, self._own = scheduler, False
        else:
            if not isinstance(scheduler, str) or "://" not in scheduler:
                raise ValueError(f"scheduler: {scheduler!r} is not allowed; expected an address like tcp://host:8786")
            try:
                self.client = Client(scheduler, timeout=timeout, set_as_default=False)
            except OSError as exc:
                raise ValueError(f"scheduler: cannot connect to {scheduler} ({exc})") from None
            self._own = True
        self.slots = max(1, sum(self.client.nthreads().values()))
        self._check_versions()

    def _check_versions(self) -> None:
        """Every worker must run this very version of the solvers: a sweep's
        numbers must not depend on which worker computed a point."""
        here = worker_versions()
        try:
            there = self.client.run(worker_versions)
        except Exception as exc:
            self.close(cancel=True)
            raise ValueError(
                f"scheduler: the workers cannot run sweeps ({type(exc).__name__}: {exc}); install "
                "dynamics-explorer (the same version) in every worker's environment"
            ) from None
        wrong = {addr: v for addr, v in there.items() if v != here}
        if wrong:
            self.close(cancel=True)
            addr, v = next(iter(wrong.items()))
            raise ValueError(f"scheduler: worker {addr} runs {v}, this process {here}; install the same versions")

    def submit(self, spec_json: str, indices, definition: str | None = None):
        # pure=False: a resubmitted chunk is run again, not taken from a cache
        return self.client.submit(evaluate_points, spec_json, [int(i) for i in indices], definition, pure=False)

    def restart(self) -> None:
        pass

    def close(self, cancel: bool) -> None:
        if self._own:
            self.client.close()


def make_executor(workers, scheduler, most: int | None = None):
    """The executor for ``workers`` (None: all cores; 0: this process) or a
    Dask ``scheduler``; no more local processes than ``most`` (the points to do)."""
    if scheduler is not None:
        return DaskExecutor(scheduler)
    if workers is None:
        workers = os.cpu_count() or 1
    if isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or workers < 0:
        raise ValueError(f"workers: {workers!r} is not allowed; expected a whole number ≥ 0 (0: in this process)")
    if workers == 0:
        return InlineExecutor()
    return LocalExecutor(int(min(workers, most or workers)))
