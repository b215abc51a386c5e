"""Time integrators: one table of methods, one stepper interface.

``METHODS`` maps a method name to its description; :func:`make_stepper` builds
the stepper that owns the numba buffers of one run.  Each call of
``Stepper.advance`` is one bounded kernel call (at most ``max_steps`` steps).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import explicit_rk, maps, symplectic
from .tableaus import DOP853, DOPRI5, RK4, Tableau


@dataclass(frozen=True)
class Method:
    name: str
    family: str  # "erk_fixed", "erk_adaptive", "symplectic", "map"
    order: int
    title: str
    tableau: Tableau | None = None

    @property
    def adaptive(self) -> bool:
        return self.family in ("erk_adaptive", "if_adaptive")

    @property
    def fixed_step(self) -> bool:
        return self.family in ("erk_fixed", "symplectic", "etd", "if_fixed", "split_step")


METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method("rk4", "erk_fixed", 4, "classical Runge–Kutta, fixed step", RK4),
        Method("dopri5", "erk_adaptive", 5, "Dormand–Prince 5(4), adaptive, 4th-order dense output", DOPRI5),
        Method("dop853", "erk_adaptive", 8, "Dormand–Prince 8(5,3), adaptive, 7th-order dense output", DOP853),
        Method("leapfrog", "symplectic", 2, "velocity Verlet (kick–drift–kick), symplectic, fixed step"),
        Method("yoshida4", "symplectic", 4, "Yoshida's 4th-order symplectic composition, fixed step"),
        Method("map", "map", 0, "iteration of the map"),
        # pseudo-spectral PDEs (solvers.pde)
        Method("etdrk4", "etd", 4, "exponential time differencing RK4 (Cox–Matthews; Kassam–Trefethen), fixed step"),
        Method("ifrk4", "if_fixed", 4, "integrating-factor RK4 (Lawson), fixed step", RK4),
        Method("if_dopri5", "if_adaptive", 5, "integrating-factor Dormand–Prince 5(4), adaptive", DOPRI5),
        Method("if_dop853", "if_adaptive", 8, "integrating-factor Dormand–Prince 8(5,3), adaptive", DOP853),
        Method("ssf2", "split_step", 2, "Strang split-step Fourier, fixed step, unitary"),
        Method("ssf4", "split_step", 4, "4th-order (Yoshida) split-step Fourier, fixed step, unitary"),
        Method("ssf6", "split_step", 6, "6th-order (Kahan–Li, 9 substeps) split-step Fourier, fixed step, unitary"),
    )
}

STATUS_OK, STATUS_PAUSED, STATUS_NONFINITE, STATUS_UNDERFLOW = (
    explicit_rk.OK,
    explicit_rk.PAUSED,
    explicit_rk.NONFINITE,
    explicit_rk.UNDERFLOW,
)

_EMPTY1 = np.zeros(1)
_EMPTY2 = np.zeros((1, 1))


class AdaptiveWork:
    """Work buffers of an embedded Runge–Kutta pair and the call of its
    kernel, shared by the ODE stepper (real states) and the integrating-factor
    PDE stepper (complex spectral states).  ``fy`` must hold f(t, y) before the
    first :meth:`advance`."""

    def __init__(self, tableau, n: int, dtype=np.float64):
        rows = tableau.stages + 1 + (0 if tableau.C_extra is None else tableau.C_extra.size)
        self.order = tableau.error_order
        self.K = np.zeros((rows, n), dtype=dtype)
        self.F = np.zeros((7 if tableau.D is not None else tableau.P.shape[1], n), dtype=dtype)
        self.fy = np.zeros(n, dtype=dtype)
        self.y_old = np.zeros(n, dtype=dtype)
        self.ynew = np.zeros(n, dtype=dtype)
        self.tmp = np.zeros(n, dtype=dtype)
        self.scale = np.zeros(n)
        self.family_code = explicit_rk.DENSE_DOP853 if tableau.D is not None else explicit_rk.DENSE_DOPRI5
        self.kernel = explicit_rk.erk_adaptive if dtype == np.float64 else explicit_rk.erk_adaptive_c
        t = tableau
        self.tableau_arrays = (
            t.A,
            t.b,
            t.c,
            t.E,
            _EMPTY1 if t.E3 is None else t.E3,
            _EMPTY2 if t.P is None else t.P,
            _EMPTY2 if t.A_extra is None else t.A_extra,
            _EMPTY1 if t.C_extra is None else t.C_extra,
            _EMPTY2 if t.D is None else t.D,
        )

    def advance(self, fn, y, p, targets, out, rtol, atol, t_stop, max_steps, info) -> int:
        return self.kernel(
            fn, self.family_code, self.order, *self.tableau_arrays, y, p, targets, out, rtol, atol, math.inf,
            t_stop, max_steps, self.fy, self.y_old, self.K, self.F, self.ynew, self.tmp, self.scale, info,
        )  # fmt: skip


class Stepper:
    """Owns the state and work buffers of one integration."""

    def __init__(
        self,
        method: Method,
        fn,
        y0: np.ndarray,
        p: np.ndarray,
        t0: float,
        dt: float | None,
        rtol: float,
        atol: float,
        t_stop: float,
    ):
        self.method = method
        self.fn = fn
        self.y = np.array(y0, dtype=np.float64, copy=True)
        self.p = np.ascontiguousarray(p, dtype=np.float64)
        self.info = np.zeros(8)
        self.info[0] = t0
        self.rtol, self.atol, self.t_stop = float(rtol), float(atol), float(t_stop)
        self.steps = 0
        self.rejected = 0
        n = self.y.size
        fam = method.family
        if fam == "erk_fixed":
            tab = method.tableau
            self.K = np.zeros((tab.stages, n))
            self.tmp = np.zeros(n)
            self.info[1] = dt
        elif fam == "erk_adaptive":
            self.work = AdaptiveWork(method.tableau, n)
            self.info[1] = 0.0 if dt is None else dt
            self.info[5] = t0
            self.refresh_derivative()
        elif fam == "symplectic":
            if n % 2:
                raise ValueError("symplectic methods need a state [q, v] of even length")
            self.weights = symplectic.WEIGHTS[method.name]
            self.acc = np.zeros(n // 2)
            self.info[1] = dt
            self.refresh_derivative()
        elif fam == "map":
            self.tmp = np.zeros(n)
        else:  # pragma: no cover - the table above is closed
            raise AssertionError(fam)

    @property
    def t(self) -> float:
        return float(self.info[0])

    @property
    def h(self) -> float:
        return float(self.info[1])

    def refresh_derivative(self) -> None:
        """Re-evaluate the cached f(t, y) (after a parameter change)."""
        fam = self.method.family
        if fam == "erk_adaptive":
            self.fn(self.t, self.y, self.p, self.work.fy)
            self.info[6] = 0.0  # the stored step belongs to the old parameters
        elif fam == "symplectic":
            m = self.y.size // 2
            self.fn(self.t, self.y[:m].copy(), self.p, self.acc)

    def set_params(self, p: np.ndarray) -> None:
        self.p = np.ascontiguousarray(p, dtype=np.float64)
        self.refresh_derivative()

    def advance(self, targets: np.ndarray, out: np.ndarray, max_steps: int) -> tuple[int, int]:
        """Advance towards ``targets``; returns (rows of ``out`` written, status)."""
        fam = self.method.family
        max_steps = int(max_steps)
        if fam == "erk_fixed":
            tab = self.method.tableau
            status = explicit_rk.erk_fixed(
                self.fn, tab.A, tab.b, tab.c, self.y, self.p, targets, out, max_steps, self.K, self.tmp, self.info
            )
        elif fam == "erk_adaptive":
            status = self.work.advance(
                self.fn, self.y, self.p, targets, out, self.rtol, self.atol, self.t_stop, max_steps, self.info
            )
        elif fam == "symplectic":
            status = symplectic.kdk(self.fn, self.weights, self.y, self.p, targets, out, max_steps, self.acc, self.info)
        else:
            status = maps.iterate(self.fn, self.y, self.p, targets, out, max_steps, self.tmp, self.info)
        self.steps += int(self.info[3])
        self.rejected += int(self.info[4])
        return int(self.info[2]), int(status)


def kernels_to_warm():
    """Every integrator kernel, for a background warm-up at start-up."""
    from . import etdrk4, lawson, split_step

    return [
        explicit_rk.erk_fixed,
        explicit_rk.erk_adaptive,
        symplectic.kdk,
        maps.iterate,
        explicit_rk.erk_fixed_c,
        explicit_rk.erk_adaptive_c,
        etdrk4.etdrk4,
        split_step.split_step,
        lawson.lawson_rk4,
    ]
