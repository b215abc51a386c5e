"""Session files in the app: where autosaves go, the recent list, and
loading a stored run into a :class:`RunHistory` (Qt-free)."""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

import numpy as np

from explorer.session import open_session
from explorer.session.reader import Run
from solvers.spec import RunConfig

from .history import Batch, RunHistory

MAX_RECENT = 10


def data_dir() -> Path:
    """Where autosaved sessions live (``EXPLORER_DATA_DIR`` overrides it)."""
    env = os.environ.get("EXPLORER_DATA_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or (Path.home() / ".local" / "share")
    return Path(base) / "dynamics-explorer"


def config_dir() -> Path:
    """Where the settings file lives (``EXPLORER_CONFIG_DIR`` overrides it)."""
    env = os.environ.get("EXPLORER_CONFIG_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or (Path.home() / ".config")
    return Path(base) / "dynamics-explorer"


def new_autosave_path() -> Path:
    folder = data_dir() / "sessions"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"session-{stamp}.h5"
    i = 1
    while path.exists():
        i += 1
        path = folder / f"session-{stamp}-{i}.h5"
    return path


def add_recent(recent: list[str], path: str | Path) -> list[str]:
    p = str(Path(path).resolve())
    return ([p] + [r for r in recent if r != p])[:MAX_RECENT]


def load_run(run: Run, **budget) -> RunHistory:
    """The newest samples of a stored run as a history (as many as its budget keeps)."""
    config = run.config
    history = RunHistory(config, **budget)
    rows = run.rows
    start = max(0, rows - history.y.capacity)
    t = np.asarray(run.t[:rows], dtype=np.float64)
    blocks = []
    for name in run.variables:
        a = np.asarray(run[name][start:rows])
        if np.iscomplexobj(a):
            a = np.ascontiguousarray(a, dtype=np.complex128).view(np.float64)
        blocks.append(np.asarray(a, dtype=np.float64).reshape(rows - start, -1))
    y = np.concatenate(blocks, axis=1) if blocks else np.empty((rows - start, 0))
    inv = {n: np.asarray(run.invariant(n)[:rows]) for n in run.invariants}
    obs = {n: np.asarray(run.observable(n)[:rows]) for n in run.observables}
    t_now = float(t[-1]) if rows else config.t0
    samples = config.samples
    progress = rows / samples if samples else 0.0
    history.append(Batch(t, y, inv, obs, t_now, progress, max(run.steps, 0), skipped=start))
    history.status, history.message = run.status, run.message
    return history


def run_names(path: str | Path) -> list[str]:
    """The runs of a session file (reads no samples)."""
    with open_session(path) as session:
        names = session.runs
    if not names:
        raise ValueError(f"{path} holds no runs")
    return names


def read_run(path: str | Path, name: str, **budget) -> RunHistory:
    """Load one run of a session file."""
    with open_session(path) as session:
        run = session.run(name)
        run.define_system()  # a user-defined system travels with its runs as text (re-validated)
        return load_run(run, **budget)


def continue_config(config: RunConfig, t_last: float, last_state: np.ndarray) -> RunConfig:
    """A run that starts where a stored one ended, for the same duration again."""
    duration = config.t_end - config.t0
    return dataclasses.replace(
        config, initial=[float(v) for v in np.ravel(last_state)], t0=float(t_last), t_end=float(t_last) + duration
    )
