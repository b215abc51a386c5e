"""Heavy analysis off the GUI thread: a low-priority worker, latest job wins.

Views that need seconds of computing (an RQA of a long window, a Lyapunov
spectrum, an orbit diagram) submit a job under their own key.  A newer job
under the same key replaces one that has not started, so a view dragging a
slider never queues stale work.  Results come back through :attr:`done` on
the GUI thread.  The jobs are functions of :mod:`solvers` (numba kernels
that release the GIL), given fresh arrays the view never touches again.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

MAX_REST = 0.5  # seconds the runner pauses after a job (as long as the job took, at most this)


def _lower_priority() -> None:
    """Make the calling thread nice: the run's thread and the GUI come first.
    Qt's thread priorities are not applied on Linux; a thread's nice value is
    (threads are scheduled as tasks there).  Elsewhere nothing happens."""
    if hasattr(os, "setpriority") and sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        except OSError:
            pass  # not allowed here: the duty cycle below still limits the load


@dataclass
class Job:
    key: str
    fn: Callable[..., Any]
    args: tuple
    kwargs: dict
    serial: int


@dataclass
class JobResult:
    key: str
    serial: int
    value: Any = None
    error: str | None = None  # one line; the traceback goes to the log
    seconds: float = 0.0


class _Loop(QThread):
    def __init__(self, runner: AnalysisRunner):
        super().__init__()
        self.runner = runner

    def run(self) -> None:
        self.runner._serve()


class AnalysisRunner(QObject):
    """One background thread that runs submitted jobs one at a time."""

    done = Signal(object)  # JobResult

    def __init__(self):
        super().__init__()
        self._cond = threading.Condition()
        self._jobs: dict[str, Job] = {}
        self._serial = 0
        self._closing = False
        self._stop_resting = threading.Event()
        self.busy_key: str | None = None
        self._thread = _Loop(self)
        self._thread.start(QThread.Priority.LowPriority)

    def submit(self, key: str, fn: Callable[..., Any], *args, **kwargs) -> int:
        """Queue ``fn(*args, **kwargs)`` under ``key``; returns the job's serial number."""
        with self._cond:
            self._serial += 1
            self._jobs[key] = Job(key, fn, args, kwargs, self._serial)
            self._cond.notify()
            return self._serial

    @property
    def closing(self) -> bool:
        """True once :meth:`shutdown` was called: long jobs that poll a stop
        flag should also poll this, so closing the window does not wait for them."""
        return self._closing

    def cancel(self, key: str) -> None:
        with self._cond:
            self._jobs.pop(key, None)

    def pending(self) -> int:
        with self._cond:
            return len(self._jobs) + (self.busy_key is not None)

    def _serve(self) -> None:
        _lower_priority()
        rest = 0.0
        while True:
            if rest > 0 and self._stop_resting.wait(rest):
                self._stop_resting.clear()
            with self._cond:
                while not self._jobs and not self._closing:
                    self._cond.wait()
                if self._closing:
                    return
                key = next(iter(self._jobs))
                job = self._jobs.pop(key)
                self.busy_key = key
            t0 = time.perf_counter()
            try:
                result = JobResult(job.key, job.serial, job.fn(*job.args, **job.kwargs))
            except Exception as exc:  # reported to the view, never kills the thread
                line = f"{type(exc).__name__}: {exc}"
                result = JobResult(job.key, job.serial, error=line, value=traceback.format_exc())
            result.seconds = time.perf_counter() - t0
            with self._cond:
                self.busy_key = None
            self.done.emit(result)
            # at most half the time busy: views that resubmit at every new window
            # (recurrence, complexity) must not take a core from the run
            rest = min(result.seconds, MAX_REST)

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Drop queued jobs, let the running one finish, join the thread."""
        with self._cond:
            self._closing = True
            self._jobs.clear()
            self._cond.notify_all()
        self._stop_resting.set()
        return self._thread.wait(timeout_ms)
