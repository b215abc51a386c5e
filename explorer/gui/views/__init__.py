"""The views, in the order their docks are created."""

from __future__ import annotations

from .complexity import ComplexityView
from .drift import DriftView
from .field import FieldView
from .lyapunov import LyapunovView
from .orbit import OrbitDiagramView
from .phase import PhasePortraitView
from .portrait3d import Portrait3DView
from .recurrence import RecurrenceView
from .spiral import PhaseSpiralView
from .timeseries import TimeSeriesView

VIEWS = (
    FieldView,
    PhasePortraitView,
    Portrait3DView,
    PhaseSpiralView,
    TimeSeriesView,
    DriftView,
    RecurrenceView,
    ComplexityView,
    LyapunovView,
    OrbitDiagramView,
)


def view_classes() -> list[type]:
    return list(VIEWS)
