"""Axis labels with units, from the system's spec (shared by the views)."""

from __future__ import annotations

from ..history import RunHistory


def with_unit(name: str, unit: str | None) -> str:
    """ "name [unit]", or just the name for dimensionless quantities."""
    return name if unit in (None, "", "1") else f"{name} [{unit}]"


def time_label(history: RunHistory) -> str:
    if history.kind == "map":
        return "iteration n"
    return with_unit("time t", history.system.time_unit)


def time_unit(history: RunHistory) -> str:
    """The unit one sample step is counted in ("iteration" for maps, "" when dimensionless)."""
    if history.kind == "map":
        return "iteration"
    unit = history.system.time_unit
    return "" if unit in ("", "1") else unit
