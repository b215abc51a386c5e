"""Butcher tableaus as data.

The classical RK4 tableau is written out.  The Dormand–Prince 5(4) and
8(5,3) coefficients (Dormand & Prince, J. Comput. Appl. Math. 6, 1980;
Hairer, Nørsett & Wanner, *Solving ODEs I*, 2nd ed., §II.5 and §II.10) are
taken from scipy's published class attributes rather than retyped: scipy is
already a dependency, and ``tests/test_tableaus.py`` checks the order
conditions they must satisfy, so a change there could not go unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import DOP853 as _SciDOP853
from scipy.integrate import RK45 as _SciRK45


@dataclass(frozen=True)
class Tableau:
    """An explicit Runge–Kutta method: ``A`` (s×s, strictly lower), ``b``, ``c``.

    Embedded pairs add the error weights ``E`` (length s+1, the last entry
    weighting the FSAL stage f(t+h, y_new)) and dense-output data.
    """

    name: str
    order: int
    A: np.ndarray
    b: np.ndarray
    c: np.ndarray
    error_order: int = 0
    E: np.ndarray | None = None
    E3: np.ndarray | None = None
    P: np.ndarray | None = None
    A_extra: np.ndarray | None = None
    C_extra: np.ndarray | None = None
    D: np.ndarray | None = None

    @property
    def stages(self) -> int:
        return self.b.size


def _f(a) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(a, dtype=np.float64))


RK4 = Tableau(
    name="rk4",
    order=4,
    A=_f([[0, 0, 0, 0], [0.5, 0, 0, 0], [0, 0.5, 0, 0], [0, 0, 1, 0]]),
    b=_f([1 / 6, 1 / 3, 1 / 3, 1 / 6]),
    c=_f([0, 0.5, 0.5, 1]),
)

DOPRI5 = Tableau(
    name="dopri5",
    order=5,
    A=_f(np.pad(_SciRK45.A, ((0, 0), (0, 1)))),
    b=_f(_SciRK45.B),
    c=_f(_SciRK45.C),
    error_order=4,
    E=_f(_SciRK45.E),
    P=_f(_SciRK45.P),
)

DOP853 = Tableau(
    name="dop853",
    order=8,
    A=_f(_SciDOP853.A),
    b=_f(_SciDOP853.B),
    c=_f(_SciDOP853.C),
    error_order=7,
    E=_f(_SciDOP853.E5),
    E3=_f(_SciDOP853.E3),
    A_extra=_f(_SciDOP853.A_EXTRA),
    C_extra=_f(_SciDOP853.C_EXTRA),
    D=_f(_SciDOP853.D),
)

TABLEAUS = {t.name: t for t in (RK4, DOPRI5, DOP853)}
