"""The views, in the order their docks are created."""

from __future__ import annotations

import importlib

# (module, class) of every view; a view module that is missing is an error
VIEWS = (
    ("field", "FieldView"),
    ("phase", "PhasePortraitView"),
    ("spiral", "PhaseSpiralView"),
    ("timeseries", "TimeSeriesView"),
    ("drift", "DriftView"),
    ("recurrence", "RecurrenceView"),
    ("complexity", "ComplexityView"),
    ("lyapunov", "LyapunovView"),
    ("orbit", "OrbitDiagramView"),
)


def view_classes() -> list[type]:
    classes = []
    for module, name in VIEWS:
        try:
            mod = importlib.import_module(f"{__name__}.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{module}":
                raise
            continue  # TEMPORARY while the views are being written: see the commit log
        classes.append(getattr(mod, name))
    return classes
