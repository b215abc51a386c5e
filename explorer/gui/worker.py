"""The Qt adapter around :func:`solvers.run`: one run on a background QThread.

The worker drives the run generator, hands every chunk to the session
writer (its own I/O thread writes the file) and forwards the samples to the
GUI as :class:`~explorer.gui.history.Batch` objects at most ``max_hz`` times
a second.  Between emits it gathers the chunks, so time, invariants and
observables reach the views complete; only the state rows of very large
fields are thinned when more pile up than ``max_pending_bytes`` (the newest
win; the file has them all).

Control comes from the GUI thread through thread-safe objects, never through
queued slots (a busy worker's event loop does not run): ``stop()`` sets a
``threading.Event`` that the run loop checks between kernel calls, pause and
step clear and set another, and parameter edits go to the run's mailbox.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from explorer.session import SessionWriter
from solvers.run import BLOWUP, DONE, RUNNING, STOPPED, ParameterMailbox, run
from solvers.spec import RunConfig

from .history import Batch

MAX_HZ = 60.0
MAX_PENDING_BYTES = 64 * 2**20
ERROR = "error"


@dataclass
class Outcome:
    """How a run ended."""

    status: str  # done, stopped, blow-up or error
    message: str
    steps: int
    wall_time: float
    t_now: float
    samples: int
    session: str | None = None
    run: str | None = None


class RunWorker(QObject):
    """Runs one :class:`RunConfig`; lives on its own QThread."""

    batch = Signal(object)  # Batch
    state = Signal(str)  # "compiling", "running", "paused"
    log = Signal(str, str)  # level ("info", "warning", "error"), text
    finished = Signal(object)  # Outcome

    def __init__(self, config: RunConfig, writer: SessionWriter | None = None, *, max_hz: float = MAX_HZ):
        super().__init__()
        self.config = config
        self.writer = writer
        self.min_interval = 1.0 / max_hz
        self.mailbox = ParameterMailbox()
        self._stop = threading.Event()
        self._go = threading.Event()
        self._go.set()
        self._step = False
        self.run_name: str | None = None

    # -- control (any thread) -------------------------------------------------
    def stop(self) -> None:
        self._stop.set()
        self._go.set()

    def pause(self) -> None:
        self._go.clear()

    def resume(self) -> None:
        self._step = False
        self._go.set()

    def step(self) -> None:
        """Advance by one kernel call, then pause again."""
        self._step = True
        self._go.set()

    @property
    def paused(self) -> bool:
        return not self._go.is_set()

    def post(self, **params) -> None:
        """Parameter edits, applied at the next chunk boundary."""
        self.mailbox.post(**params)

    # -- the run (worker thread) ------------------------------------------------
    @Slot()
    def work(self) -> None:
        rw = None
        t0 = time.perf_counter()
        pending: list = []
        samples = 0
        last = None
        status, message = ERROR, "the run did not start"
        self.state.emit("compiling")
        try:
            if self.writer is not None:
                rw = self.writer.start_run(self.config)
                self.run_name = rw.name
            last_emit = 0.0
            first = True
            for chunk in run(self.config, stop=self._stop, mailbox=self.mailbox):
                if first:
                    first = False
                    self.state.emit("running")
                    self.log.emit("info", f"kernels ready after {time.perf_counter() - t0:.2f} s")
                if rw is not None:
                    rw.append(chunk)
                last = chunk
                samples += chunk.t.size
                if chunk.message and chunk.status == RUNNING:
                    self.log.emit("warning", chunk.message)
                for event in chunk.events:
                    self._log_event(event)
                if chunk.t.size:
                    pending.append(chunk)
                now = time.perf_counter()
                if pending and (now - last_emit >= self.min_interval or chunk.status != RUNNING):
                    self.batch.emit(self._gather(pending, chunk))
                    pending = []
                    last_emit = now
                if self._step:
                    self._go.clear()
                if not self._go.is_set() and chunk.status == RUNNING:
                    if pending:
                        self.batch.emit(self._gather(pending, chunk))
                        pending = []
                    if rw is not None:
                        rw.flush()  # a paused run is on disk
                    self.state.emit("paused")
                    self._go.wait()
                    if not self._stop.is_set():
                        self.state.emit("running")
            if last is not None:
                status, message = last.status, last.message
        except Exception as exc:  # any failure ends the run with its message
            status, message = ERROR, f"{type(exc).__name__}: {exc}"
            if pending and last is not None:
                self.batch.emit(self._gather(pending, last))
        finally:
            wall = time.perf_counter() - t0
            steps = last.steps if last is not None else 0
            if rw is not None:
                try:
                    rw.finish(status, message, steps=steps, wall_time=wall)
                    self.writer.flush()
                except Exception as exc:  # report, never raise out of the thread
                    message += f"; writing the session failed: {exc}"
                    status = ERROR
            self.finished.emit(
                Outcome(
                    status,
                    message,
                    steps,
                    wall,
                    last.t_now if last is not None else self.config.t0,
                    samples,
                    None if self.writer is None else str(self.writer.path),
                    self.run_name,
                )
            )

    def _log_event(self, event: dict) -> None:
        if event.get("applied"):
            text = ", ".join(f"{k} = {v}" for k, v in event["applied"].items())
            self.log.emit("info", f"t = {event['t']:.6g}: applied {text}")
        for key, why in event.get("refused", {}).items():
            self.log.emit("warning", f"t = {event['t']:.6g}: {key} not applied: {why}")

    @staticmethod
    def _gather(pending: list, newest) -> Batch:
        t = np.concatenate([c.t for c in pending])
        # drop the state rows of the oldest chunks when too many bytes pile up
        kept, size = [], 0
        for c in reversed(pending):
            if kept and size + c.y.nbytes > MAX_PENDING_BYTES:
                break
            kept.append(c)
            size += c.y.nbytes
        kept.reverse()
        y = kept[0].y if len(kept) == 1 else np.concatenate([c.y for c in kept])
        skipped = t.shape[0] - y.shape[0]
        inv = {k: np.concatenate([c.invariants[k] for c in pending]) for k in pending[0].invariants}
        obs = {k: np.concatenate([c.observables[k] for c in pending]) for k in pending[0].observables}
        return Batch(t, y, inv, obs, newest.t_now, newest.progress, newest.steps, skipped)


class RunThread:
    """A :class:`RunWorker` and the QThread it runs on, stopped cleanly.

    Destroying a running QThread aborts the process, so the pair is kept
    alive until the thread has finished, and :meth:`shutdown` waits for it.
    """

    def __init__(self, worker: RunWorker):
        self.worker = worker
        self.thread = QThread()
        self.thread.setObjectName(f"run {worker.config.system}")
        worker.moveToThread(self.thread)
        self.thread.started.connect(worker.work)
        # direct: quit from the worker thread itself, so that a GUI thread
        # blocked in wait() (closing the window) is not waiting for its own event loop
        worker.finished.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)

    def start(self) -> None:
        self.thread.start()

    def running(self) -> bool:
        return self.thread.isRunning()

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Stop the run and wait for the thread; True when it ended in time."""
        self.worker.stop()
        self.thread.quit()
        return self.thread.wait(timeout_ms)


__all__ = ["BLOWUP", "DONE", "ERROR", "RUNNING", "STOPPED", "Outcome", "RunThread", "RunWorker"]
