"""The registry of systems.

System modules register their :class:`~solvers.spec.System` objects with
:func:`register`; the modules listed in ``_MODULES`` are imported on first
use, so ``import solvers`` stays cheap.
"""

from __future__ import annotations

import importlib
import threading

from .spec import System, close_matches

_MODULES = (
    "solvers.systems.chaotic_flows",
    "solvers.systems.oscillators",
    "solvers.systems.models",
    "solvers.systems.conservative",
    "solvers.systems.learning",
    "solvers.systems.maps",
    "solvers.systems.galactic_disk",
    "solvers.systems.nlse",
    "solvers.systems.chemotaxis",
    "solvers.systems.spatial_sir",
    "solvers.systems.klein_gordon",
    "solvers.systems.kuramoto_sivashinsky",
    "solvers.systems.navier_stokes",
    "solvers.systems.kdv",
    "solvers.systems.burgers",
)

_REGISTRY: dict[str, System] = {}
_lock = threading.RLock()
_loaded = False


def register(*systems: System) -> None:
    for system in systems:
        if system.name in _REGISTRY and _REGISTRY[system.name] is not system:
            raise ValueError(f"system {system.name!r} registered twice")
        _REGISTRY[system.name] = system


def unregister(name: str) -> None:
    """Remove a system (for test fixtures and user-defined systems)."""
    with _lock:
        _REGISTRY.pop(name, None)


def _load() -> None:
    global _loaded
    with _lock:
        if _loaded:
            return
        for mod in _MODULES:
            importlib.import_module(mod)
        _loaded = True


def list_systems(kind: str | None = None) -> list[str]:
    """Names of the registered systems (optionally of one kind), sorted."""
    _load()
    return sorted(n for n, s in _REGISTRY.items() if kind is None or s.kind == kind)


def get_system(name: str) -> System:
    """The system called ``name``; ``ValueError`` with close matches otherwise."""
    _load()
    if isinstance(name, System):
        return name
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown system {name!r}; " + close_matches(str(name), sorted(_REGISTRY))) from None


def all_systems() -> list[System]:
    _load()
    return [_REGISTRY[n] for n in sorted(_REGISTRY)]
