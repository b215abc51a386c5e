"""Dissipative chaotic flows in three (or N) dimensions.

Parameter values are the ones of the original papers unless a preset says
otherwise; Sprott, *Chaos and Time-Series Analysis* (Oxford, 2003), App. A,
collects most of them.
"""

from __future__ import annotations

from ..catalog import register
from ..integrators.kernel_types import jit
from ..spec import Parameter, Preset, System, Variable

# --------------------------------------------------------------------------
# Lorenz (1963)


@jit
def lorenz_rhs(t, y, p, out):
    """dx/dt = σ(y − x), dy/dt = x(ρ − z) − y, dz/dt = xy − βz."""
    sigma, rho, beta = p[0], p[1], p[2]
    out[0] = sigma * (y[1] - y[0])
    out[1] = y[0] * (rho - y[2]) - y[1]
    out[2] = y[0] * y[1] - beta * y[2]


@jit
def lorenz_jac(t, y, p, J):
    sigma, rho, beta = p[0], p[1], p[2]
    J[0, 0] = -sigma
    J[0, 1] = sigma
    J[0, 2] = 0.0
    J[1, 0] = rho - y[2]
    J[1, 1] = -1.0
    J[1, 2] = -y[0]
    J[2, 0] = y[1]
    J[2, 1] = y[0]
    J[2, 2] = -beta


LORENZ = System(
    name="lorenz",
    title="Lorenz system",
    kind="flow",
    description="Truncated Rayleigh–Bénard convection; the butterfly attractor.",
    equations="dx/dt = σ (y − x)\ndy/dt = x (ρ − z) − y\ndz/dt = x y − β z",
    variables=(
        Variable("x", "intensity of the convective motion"),
        Variable("y", "temperature difference between rising and falling currents"),
        Variable("z", "deviation of the vertical temperature profile from linearity"),
    ),
    parameters=(
        Parameter("sigma", 10.0, "Prandtl number", bounds=(0.0, 1000.0)),
        Parameter("rho", 28.0, "Rayleigh number relative to its critical value", bounds=(0.0, 1000.0)),
        Parameter("beta", 8.0 / 3.0, "aspect-ratio factor of the convection cell", bounds=(0.0, 100.0)),
    ),
    presets=(
        Preset(
            "classic",
            "Lorenz attractor (σ = 10, ρ = 28, β = 8/3)",
            source="Lorenz, J. Atmos. Sci. 20, 130 (1963)",
            params={"sigma": 10.0, "rho": 28.0, "beta": 8.0 / 3.0},
            initial=(1.0, 1.0, 1.0),
            t_end=100.0,
        ),
        Preset(
            "transient_chaos",
            "Pre-turbulence: chaotic transient before settling (ρ = 23)",
            source="Kaplan & Yorke, Commun. Math. Phys. 67, 93 (1979); Yorke & Yorke, J. Stat. Phys. 21, 263 (1979)",
            params={"sigma": 10.0, "rho": 23.0, "beta": 8.0 / 3.0},
            initial=(1.0, 1.0, 1.0),
            t_end=200.0,
        ),
        Preset(
            "periodic",
            "Periodic window (ρ = 99.96)",
            source="Sparrow, The Lorenz Equations (Springer, 1982), ch. 7",
            params={"sigma": 10.0, "rho": 99.96, "beta": 8.0 / 3.0},
            initial=(1.0, 1.0, 1.0),
            t_end=50.0,
        ),
    ),
    reference="E. N. Lorenz, Deterministic nonperiodic flow, J. Atmos. Sci. 20, 130–141 (1963)",
    rhs=lorenz_rhs,
    jacobian=lorenz_jac,
    default_t_end=100.0,
    tags=("chaotic", "classic"),
)

register(LORENZ)
