"""Small systems with exact solutions, registered only while a test uses them."""

import numpy as np

from solvers.integrators.kernel_types import jit
from solvers.spec import Invariant, Parameter, Preset, System, Variable


@jit
def oscillator_rhs(t, y, p, out):
    out[0] = y[1]
    out[1] = -p[0] * p[0] * y[0]


@jit
def oscillator_accel(t, q, p, out):
    out[0] = -p[0] * p[0] * q[0]


@jit
def oscillator_jac(t, y, p, J):
    J[0, 0] = 0.0
    J[0, 1] = 1.0
    J[1, 0] = -p[0] * p[0]
    J[1, 1] = 0.0


OSCILLATOR = System(
    name="toy_oscillator",
    title="harmonic oscillator",
    kind="flow",
    equations="x'' = -ω² x",
    variables=(Variable("x", "position"), Variable("v", "velocity")),
    parameters=(Parameter("omega", 1.0, "angular frequency", "1/s", (0.0, 100.0)),),
    presets=(Preset("unit", "x = 1 at rest", source="exact: x = cos ωt", initial=(1.0, 0.0)),),
    invariants=(
        Invariant("energy", "E = (v² + ω² x²)/2", lambda v, p: 0.5 * (v["v"] ** 2 + p["omega"] ** 2 * v["x"] ** 2)),
    ),
    reference="any mechanics textbook",
    rhs=oscillator_rhs,
    jacobian=oscillator_jac,
    accel=oscillator_accel,
    methods=("dop853", "dopri5", "rk4", "leapfrog", "yoshida4"),
    default_dt=0.01,
)


@jit
def blowup_rhs(t, y, p, out):
    out[0] = y[0] * y[0]


BLOWUP = System(
    name="toy_blowup",
    title="y' = y²",
    kind="flow",
    equations="y' = y², y(t) = y0 / (1 − y0 t)",
    variables=(Variable("y", "value"),),
    parameters=(),
    presets=(Preset("unit", "y0 = 1: singular at t = 1", source="exact", initial=(1.0,)),),
    reference="exact",
    rhs=blowup_rhs,
    default_dt=0.01,
)


@jit
def forced_rhs(t, y, p, out):
    # y' = -k y + sin t: exact y = C e^{-kt} + (k sin t - cos t)/(1 + k²)
    out[0] = -p[0] * y[0] + np.sin(t)


FORCED = System(
    name="toy_forced",
    title="forced decay",
    kind="flow",
    equations="y' = −k y + sin t",
    variables=(Variable("y", "value"),),
    parameters=(Parameter("k", 1.0, "decay rate", "1/s", (0.0, 1e3)),),
    presets=(Preset("zero", "y0 = 0", source="exact", initial=(0.0,)),),
    reference="exact",
    rhs=forced_rhs,
)


def forced_exact(t, k, y0=0.0):
    particular = (k * np.sin(t) - np.cos(t)) / (1 + k * k)
    c = y0 - (-1.0 / (1 + k * k))
    return c * np.exp(-k * t) + particular


TOYS = (OSCILLATOR, BLOWUP, FORCED)
