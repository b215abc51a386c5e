"""Pseudo-spectral PDEs: their declarative description and the stepper that
runs them through the same chunked run loop as the ODEs.

A PDE u_t = L u + N(u, t) is given by

* ``linear(grid, params)``: the diagonal linear operator L on the stacked
  spectral coefficients of all fields (complex array);
* ``nonlinear``: a numba function N(t, v̂, p, out̂) on the stacked spectral
  coefficients (for ETDRK4);
* ``nonlinear_if`` (optional): the right-hand side in the interaction
  picture, w' = e^{−Lt} N(e^{Lt} w, t), for the integrating-factor Runge–Kutta
  methods (dispersive L only: |e^{Lt}| = 1);
* ``nonlinear_flow`` (optional): the exact flow of the nonlinear part over a
  time τ in physical space (complex fields), for split-step methods;
* the system's ``accel`` for second-order-in-time equations run with the
  symplectic methods (state = the physical fields [φ, φ_t]);
* ``pack(params, grid)``: the parameter vector those functions read.

The stepper keeps the spectral state, converts output rows to physical
fields, and reports whether the data are resolved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .integrators import METHODS, AdaptiveWork, Stepper
from .integrators import explicit_rk as erk
from .integrators.etdrk4 import etdrk4, etdrk4_coefficients
from .integrators.lawson import lawson_rk4
from .integrators.split_step import WEIGHTS as SPLIT_WEIGHTS
from .integrators.split_step import phase_tables, split_step
from .spectral import Grid, make_grid, periodic_mismatch, resolution

SPECTRAL_FAMILIES = ("etd", "if_fixed", "if_adaptive", "split_step")


@dataclass(frozen=True)
class PDE:
    dims: int
    default_n: int | tuple[int, ...]
    default_domain: tuple
    real: bool = True
    basis: str = "fourier"
    linear: Callable[[Grid, Mapping[str, Any]], np.ndarray] | None = None
    nonlinear: Any = None
    nonlinear_if: Any = None
    nonlinear_flow: Any = None
    pack: Callable[[Mapping[str, Any], Grid], np.ndarray] | None = None
    # largest stable step of an explicit method (CFL), or None
    max_dt: Callable[[Grid, Mapping[str, Any]], float] | None = None
    # why a method cannot run with these parameters (e.g. an integrating factor
    # e^{ν|k|²t} that overflows when ν > 0), or None when it can
    method_check: Callable[[str, Mapping[str, Any]], str | None] | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def grid(self, n=None, domain=None) -> Grid:
        return make_grid(
            self.default_n if n is None else n, self.default_domain if domain is None else domain, self.dims, self.basis
        )


def grid_of(system, config) -> Grid | None:
    if system.pde is None:
        return None
    g = config.grid or {}
    return system.pde.grid(g.get("n"), g.get("domain"))


class SpectralStepper:
    """Runs a PDE with one of the spectral methods; ``advance`` has the same
    contract as :class:`solvers.integrators.Stepper` but fills complex rows of
    spectral coefficients, which :meth:`to_output` turns into physical state
    rows (the layout of :meth:`System.join`)."""

    def __init__(
        self,
        system,
        method,
        grid: Grid,
        params,
        y0_physical: np.ndarray,
        t0: float,
        dt: float | None,
        rtol: float,
        atol: float,
        t_stop: float,
    ):
        self.system = system
        self.pde: PDE = system.pde
        self.method = METHODS[method]
        self.grid = grid
        self.params = dict(params)
        self.t_stop = t_stop
        self.rtol, self.atol = rtol, atol
        self.steps = 0
        self.rejected = 0
        self.info = np.zeros(8)
        self.info[0] = t0
        self._fields = system.variables
        # IF-RK4 runs in Lawson's form on the spectral state itself when the PDE gives N
        # (precomputed e^{Lh/2}, e^{Lh}); otherwise on the interaction picture w = e^{−Lt}û
        self._lawson = self.method.name == "ifrk4" and self.pde.nonlinear is not None
        self._interaction = self.method.family in ("if_fixed", "if_adaptive") and not self._lawson
        self._shape = self.grid.spectral_shape(self.pde.real)
        self.y = self.to_spectral(y0_physical)
        self.dtype = np.complex128
        self._configure(dt)

    # ---- transforms ------------------------------------------------------
    def to_spectral(self, row: np.ndarray) -> np.ndarray:
        fields = self.system.split(row[None, :], self.params, self.grid)
        parts = [self.grid.forward(fields[v.name][0], self.pde.real).ravel() for v in self._fields]
        return np.ascontiguousarray(np.concatenate(parts), dtype=np.complex128)

    def to_output(self, t: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Physical state rows of spectral rows (interaction picture undone)."""
        if rows.shape[0] == 0:
            return np.empty((0, self.system.state_size(self.params, self.grid)))
        if self._interaction:
            rows = rows * np.exp(np.outer(t, self.L))
        m = int(np.prod(self._shape))
        k = rows.shape[0]
        parts = []
        for i, v in enumerate(self._fields):
            spec = rows[:, i * m : (i + 1) * m].reshape(k, *self._shape)
            u = self.grid.inverse(spec, self.pde.real).reshape(k, -1)
            if v.complex:
                parts.append(np.ascontiguousarray(u, dtype=np.complex128).view(np.float64))
            else:
                parts.append(np.real(u))
        return np.ascontiguousarray(np.concatenate(parts, axis=1))

    @property
    def t(self) -> float:
        return float(self.info[0])

    @property
    def internal_size(self) -> int:
        return self.y.size

    # ---- set-up per method ---------------------------------------------
    def _configure(self, dt: float | None) -> None:
        fam = self.method.family
        self.p = np.ascontiguousarray(self.pde.pack(self.params, self.grid), dtype=np.float64)
        self.L = np.ascontiguousarray(np.asarray(self.pde.linear(self.grid, self.params), dtype=complex).ravel())
        if self.L.size != self.y.size:
            raise AssertionError(f"{self.system.name}: linear operator has {self.L.size} modes, state {self.y.size}")
        n = self.y.size
        if fam == "etd":
            self.info[1] = dt
            self.coef = etdrk4_coefficients(self.L, dt)
            self.work = np.zeros((5, n), dtype=complex)
        elif fam == "split_step":
            self.info[1] = dt
            self.weights = SPLIT_WEIGHTS[self.method.name]
            self.Eh = phase_tables(self.L, dt, self.weights)
        elif self._lawson:
            self.info[1] = dt
            self.E = np.ascontiguousarray(np.exp(self.L * dt))
            self.E2 = np.ascontiguousarray(np.exp(self.L * (0.5 * dt)))
            self.work = np.zeros((4, n), dtype=complex)
        elif fam == "if_fixed":
            tab = self.method.tableau
            self.info[1] = dt
            self.K = np.zeros((tab.stages, n), dtype=complex)
            self.tmp = np.zeros(n, dtype=complex)
            self._to_interaction()
        elif fam == "if_adaptive":
            self.work = AdaptiveWork(self.method.tableau, n, dtype=np.complex128)
            self.info[1] = 0.0 if dt is None else dt
            self.info[5] = self.t
            self._to_interaction()
            self.pde.nonlinear_if(self.t, self.y, self.p, self.work.fy)
        else:
            raise AssertionError(fam)

    def _to_interaction(self) -> None:
        # w = e^{-L t} v̂ at the current time
        self.y = np.ascontiguousarray(self.y * np.exp(-self.L * self.t))

    def _from_interaction(self) -> np.ndarray:
        return self.y * np.exp(self.L * self.t)

    def set_params(self, params: Mapping[str, Any]) -> None:
        """New parameters at the current time (the state is kept)."""
        physical_spec = self._from_interaction() if self._interaction else self.y
        self.params = dict(params)
        self.y = np.ascontiguousarray(physical_spec)
        self._configure(self.info[1] if self.method.family != "if_adaptive" else None)

    # ---- stepping ---------------------------------------------------------
    def advance(self, targets: np.ndarray, out: np.ndarray, max_steps: int) -> tuple[int, int]:
        fam = self.method.family
        max_steps = int(max_steps)
        if fam == "etd":
            E, E2, Q, f1, f2, f3 = self.coef
            status = etdrk4(
                self.pde.nonlinear, E, E2, Q, f1, f2, f3, self.y, self.p, targets, out, max_steps, self.work, self.info
            )
        elif fam == "split_step":
            status = split_step(
                self.pde.nonlinear_flow, self.Eh, self.weights, self.y, self.p, targets, out, max_steps, self.info
            )
        elif self._lawson:
            status = lawson_rk4(
                self.pde.nonlinear, self.E, self.E2, self.y, self.p, targets, out, max_steps, self.work, self.info
            )
        elif fam == "if_fixed":
            tab = self.method.tableau
            status = erk.erk_fixed_c(
                self.pde.nonlinear_if,
                tab.A,
                tab.b,
                tab.c,
                self.y,
                self.p,
                targets,
                out,
                max_steps,
                self.K,
                self.tmp,
                self.info,
            )
        else:
            status = self.work.advance(
                self.pde.nonlinear_if,
                self.y,
                self.p,
                targets,
                out,
                self.rtol,
                self.atol,
                self.t_stop,
                max_steps,
                self.info,
            )
        self.steps += int(self.info[3])
        self.rejected += int(self.info[4])
        return int(self.info[2]), int(status)


class PhysicalStepper(Stepper):
    """A PDE whose state is its physical fields (the Klein–Gordon family with
    the symplectic methods): the ODE stepper plus the grid."""

    def __init__(self, system, grid, params, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.system = system
        self.grid = grid
        self.params = dict(params)

    def to_output(self, t, rows):
        return rows

    @property
    def internal_size(self) -> int:
        return self.y.size

    dtype = np.float64


def initial_fields(system, preset, grid: Grid, params, seed: int | None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    fields = preset.initial_fn(grid, params, rng)
    return system.join(fields, params, grid)


def check_initial(system, y0: np.ndarray, grid: Grid, params) -> list[str]:
    """Warnings about data the grid cannot represent."""
    messages = []
    fields = system.split(y0[None, :], params, grid)
    # under the 2/3 rule the nonlinear terms keep only |k| < (2/3) k_max: data must be resolved within that band
    band = 2.0 / 3.0 if params.get("dealias") == "2/3" else 1.0
    where = "the band the 2/3 rule keeps" if band < 1.0 else "the spectrum"
    for v in system.variables:
        if v.size != "grid":
            continue
        u = fields[v.name][0]
        res = resolution(u, grid, band)
        if res > 1e-6:
            messages.append(
                f"warning: the initial {v.name!r} is not resolved on this grid (spectral content {res:.1e} of the "
                f"peak in the top tenth of {where}); use more points or smoother data"
            )
        if grid.basis == "fourier":
            jump = periodic_mismatch(u, grid)
            if jump > 0.05:
                messages.append(
                    f"warning: the initial {v.name!r} does not fit the periodic box (a jump of {jump:.2g} of its "
                    "range across the boundary); enlarge the domain or make the data periodic"
                )
    return messages


def spectral_methods() -> tuple[str, ...]:
    return tuple(name for name, m in METHODS.items() if m.family in SPECTRAL_FAMILIES)
