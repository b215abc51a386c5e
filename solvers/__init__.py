"""Dynamics Explorer's numerical core: systems, integrators, diagnostics.

A library with no Qt and no file I/O (but for the kernel cache and library of
user-defined systems, :mod:`solvers.userdef`)::

    import solvers
    solvers.list_systems()
    r = solvers.simulate("lorenz", preset="classic", t_end=50, samples=5001)
    r.t, r["x"], r.invariants
    solvers.lyapunov_spectrum("lorenz", t_end=1e4)
    solvers.define_system("mine", "a = 1; x' = -a*x; x(0) = 1")   # typed equations
"""

from __future__ import annotations

__version__ = "0.1.0"

from .catalog import get_system, list_systems
from .lyapunov import lyapunov_spectrum
from .run import Chunk, ParameterMailbox, Result, make_config, run, simulate, simulate_config
from .spec import Invariant, Parameter, Preset, RunConfig, System, Variable
from .userdef import define_system

__all__ = [
    "Chunk",
    "Invariant",
    "Parameter",
    "ParameterMailbox",
    "Preset",
    "Result",
    "RunConfig",
    "System",
    "Variable",
    "define_system",
    "get_system",
    "list_systems",
    "lyapunov_spectrum",
    "make_config",
    "run",
    "simulate",
    "simulate_config",
]
