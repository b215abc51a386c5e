"""Low-order models from climate and epidemiology.

* ``jin_enso``: Jin's recharge oscillator for ENSO, dimensionless;
* ``sir``, ``seir``: Kermack–McKendrick compartment models, in fractions of
  a closed population.
"""

from __future__ import annotations

import numpy as np

from ..catalog import register
from ..integrators.kernel_types import jit
from ..spec import Invariant, Parameter, Preset, System, Variable

# --------------------------------------------------------------------------
# Jin (1997) recharge oscillator
#
# Dimensionless with Jin's scales: T in units of 7.5 K, h in units of 150 m,
# time in units of 2 months.  b = b0 μ is the thermocline slope response to
# an SST anomaly (through the wind stress), R = γ b − c the Bjerknes growth
# rate.  The linear system is neutral when R = r, i.e. μ = μc = (c + r)/(γ b0)
# (= 2/3 with the default values), with angular frequency √(γ α b − r²).


@jit
def jin_enso_rhs(t, y, p, out):
    mu, b0, gamma, c, r, alpha, eps = p[0], p[1], p[2], p[3], p[4], p[5], p[6]
    b = b0 * mu
    R = gamma * b - c
    T, h = y[0], y[1]
    w = h + b * T
    out[0] = R * T + gamma * h - eps * w * w * w
    out[1] = -r * h - alpha * b * T


@jit
def jin_enso_jac(t, y, p, J):
    mu, b0, gamma, c, r, alpha, eps = p[0], p[1], p[2], p[3], p[4], p[5], p[6]
    b = b0 * mu
    R = gamma * b - c
    w = y[1] + b * y[0]
    J[0, 0] = R - 3.0 * eps * w * w * b
    J[0, 1] = gamma - 3.0 * eps * w * w
    J[1, 0] = -alpha * b
    J[1, 1] = -r


_JIN_REF = (
    "F.-F. Jin, An equatorial ocean recharge paradigm for ENSO. Part I: Conceptual model, "
    "J. Atmos. Sci. 54, 811–829 (1997)"
)

JIN_ENSO = System(
    name="jin_enso",
    title="Recharge oscillator (ENSO)",
    kind="flow",
    description=(
        "Jin's recharge–discharge oscillator for El Niño–Southern Oscillation. A warm east Pacific "
        "(T > 0) weakens the trade winds, which flattens the thermocline tilt and deepens it in the "
        "east (the positive Bjerknes feedback γ b), and slowly discharges the equatorial warm-water "
        "volume, so the west Pacific thermocline h shallows and eventually cools the east: a delayed "
        "negative feedback. "
        "Dimensionless: T is in units of 7.5 K, h in units of 150 m, time in units of 2 months. "
        "The linear model (ε = 0) is neutral at μ = μc = (c + r)/(γ b0) = 2/3, with a period "
        "2π/√(γ α b − r²) ≈ 20.5 time units ≈ 41 months; for μ > μc it grows. The cubic term "
        "−ε (h + bT)³ is the simple amplitude-limiting nonlinearity of the widely taught version of "
        "the model (a cubic in the east-Pacific thermocline depth h_E = h + bT); it saturates the "
        "growth into a limit cycle. We are not certain it matches the nonlinear terms of Jin (1997) "
        "exactly."
    ),
    equations=("b = b0 μ,  R = γ b − c\ndT/dt = R T + γ h − ε (h + b T)³\ndh/dt = −r h − α b T"),
    variables=(
        Variable("T", "east Pacific SST anomaly (units of 7.5 K)"),
        Variable("h", "west Pacific thermocline depth anomaly (units of 150 m)"),
    ),
    parameters=(
        Parameter("mu", 2.0 / 3.0, "ocean–atmosphere coupling coefficient μ", bounds=(0.0, 2.0)),
        Parameter("b0", 2.5, "high-end coupling: thermocline slope per unit SST anomaly at μ = 1", bounds=(0.0, 10.0)),
        Parameter("gamma", 0.75, "thermocline feedback on the east Pacific SST", bounds=(0.0, 10.0)),
        Parameter("c", 1.0, "damping rate of the SST anomaly", bounds=(0.0, 10.0)),
        Parameter("r", 0.25, "damping of the upper-ocean heat content", bounds=(0.0, 10.0)),
        Parameter("alpha", 0.125, "recharge: heat-content change per unit wind stress", bounds=(0.0, 10.0)),
        Parameter("epsilon", 0.0, "strength of the cubic nonlinearity ε", bounds=(0.0, 10.0)),
    ),
    presets=(
        Preset(
            "neutral",
            "Linear, neutral coupling μ = 2/3: a closed cycle of ≈ 41 months",
            source=_JIN_REF + " (c = 1, γ = 0.75, r = 0.25, α = 0.125, b0 = 2.5, μc = 2/3)",
            params={"mu": 2.0 / 3.0, "b0": 2.5, "gamma": 0.75, "c": 1.0, "r": 0.25, "alpha": 0.125, "epsilon": 0.0},
            initial=(1.125 / 7.5, 0.0),
            t_end=120.0,
            description="T0 = 1.125 K (0.15 in units of 7.5 K), h0 = 0.",
        ),
        Preset(
            "self_sustained",
            "Supercritical coupling μ = 0.75 with cubic saturation ε = 0.1: limit cycle",
            source=_JIN_REF + " (parameters as in the neutral case; μ and ε illustrative)",
            params={"mu": 0.75, "b0": 2.5, "gamma": 0.75, "c": 1.0, "r": 0.25, "alpha": 0.125, "epsilon": 0.1},
            initial=(1.125 / 7.5, 0.0),
            t_end=300.0,
        ),
        Preset(
            "damped",
            "Subcritical coupling μ = 0.6: decaying oscillation",
            source=_JIN_REF,
            params={"mu": 0.6, "b0": 2.5, "gamma": 0.75, "c": 1.0, "r": 0.25, "alpha": 0.125, "epsilon": 0.0},
            initial=(1.125 / 7.5, 0.0),
            t_end=120.0,
        ),
    ),
    reference=_JIN_REF,
    rhs=jin_enso_rhs,
    jacobian=jin_enso_jac,
    default_dt=0.02,
    default_t_end=120.0,
    time_unit="2 months",
    tags=("climate", "oscillator"),
)


# --------------------------------------------------------------------------
# Kermack–McKendrick SIR and SEIR
#
# Beyond the total, both conserve γ ln S + β R: d(ln S)/dt = −β I and
# dR/dt = γ I.  (Written this way round it stays finite at γ = 0.)


@jit
def sir_rhs(t, y, p, out):
    beta, gamma = p[0], p[1]
    S, I = y[0], y[1]
    inf = beta * S * I
    out[0] = -inf
    out[1] = inf - gamma * I
    out[2] = gamma * I


@jit
def sir_jac(t, y, p, J):
    beta, gamma = p[0], p[1]
    S, I = y[0], y[1]
    J[:, :] = 0.0
    J[0, 0] = -beta * I
    J[0, 1] = -beta * S
    J[1, 0] = beta * I
    J[1, 1] = beta * S - gamma
    J[2, 1] = gamma


@jit
def seir_rhs(t, y, p, out):
    beta, gamma, sigma = p[0], p[1], p[2]
    S, E, I = y[0], y[1], y[2]
    inf = beta * S * I
    out[0] = -inf
    out[1] = inf - sigma * E
    out[2] = sigma * E - gamma * I
    out[3] = gamma * I


@jit
def seir_jac(t, y, p, J):
    beta, gamma, sigma = p[0], p[1], p[2]
    S, I = y[0], y[2]
    J[:, :] = 0.0
    J[0, 0] = -beta * I
    J[0, 2] = -beta * S
    J[1, 0] = beta * I
    J[1, 1] = -sigma
    J[1, 2] = beta * S
    J[2, 1] = sigma
    J[2, 2] = -gamma
    J[3, 2] = gamma


def _km_invariant(v, p):
    with np.errstate(divide="ignore"):
        return p["gamma"] * np.log(v["S"]) + p["beta"] * v["R"]


_KM_REF = (
    "W. O. Kermack & A. G. McKendrick, A contribution to the mathematical theory of epidemics, "
    "Proc. R. Soc. Lond. A 115, 700–721 (1927)"
)
_BOARDING = (
    "J. D. Murray, Mathematical Biology I, 3rd ed. (Springer, 2002), §10.2: influenza in a boarding "
    "school of 763 boys (BMJ 1978), fit r = 2.18×10⁻³/day, a = 0.44/day"
)

_BETA = Parameter("beta", 1.66, "transmission rate (contacts × infection probability per day)", "1/day", (0.0, 100.0))
_GAMMA = Parameter("gamma", 0.44, "recovery rate (1 / infectious period)", "1/day", (0.0, 100.0))
_SIGMA = Parameter("sigma", 0.125, "rate of becoming infectious (1 / latent period)", "1/day", (0.0, 100.0))

SIR = System(
    name="sir",
    title="SIR epidemic (Kermack–McKendrick)",
    kind="flow",
    description=(
        "Susceptible, infectious and recovered fractions of a closed, well-mixed population (the "
        "variables are fractions: S + I + R = 1 initially and stays so). An epidemic grows when "
        "R0 S > 1 with R0 = β/γ; it ends with susceptibles left over, given by the conserved "
        "γ ln S + β R."
    ),
    equations=("dS/dt = −β S I\ndI/dt = β S I − γ I\ndR/dt = γ I\nconserved: S + I + R,  γ ln S + β R"),
    variables=(
        Variable("S", "susceptible fraction"),
        Variable("I", "infectious fraction"),
        Variable("R", "recovered (removed) fraction"),
    ),
    parameters=(_BETA, _GAMMA),
    presets=(
        Preset(
            "boarding_school",
            "Influenza in a boarding school: N = 763, one boy infected, R0 ≈ 3.8",
            source=_BOARDING,
            params={"beta": 2.18e-3 * 763, "gamma": 0.44},
            initial=(762.0 / 763.0, 1.0 / 763.0, 0.0),
            t_end=30.0,
            description="β = r N and γ = a in Murray's notation; the variables are fractions of N = 763.",
        ),
    ),
    invariants=(
        Invariant("total", "S + I + R", lambda v, p: v["S"] + v["I"] + v["R"]),
        Invariant("KM", "γ ln S + β R (Kermack–McKendrick first integral)", _km_invariant),
    ),
    reference=_KM_REF,
    rhs=sir_rhs,
    jacobian=sir_jac,
    default_dt=0.01,
    default_t_end=30.0,
    time_unit="day",
    tags=("epidemiology", "population"),
)

SEIR = System(
    name="seir",
    title="SEIR epidemic",
    kind="flow",
    description=(
        "The SIR model with a latent (exposed, not yet infectious) compartment E of mean duration "
        "1/σ. Variables are fractions of a closed population; R0 = β/γ as for SIR, but the epidemic "
        "grows more slowly. The preset's values are illustrative of a measles-like infection "
        "(latent ≈ 8 days, infectious ≈ 5 days, R0 = 15), not a fit to data."
    ),
    equations=(
        "dS/dt = −β S I\ndE/dt = β S I − σ E\ndI/dt = σ E − γ I\ndR/dt = γ I\nconserved: S + E + I + R,  γ ln S + β R"
    ),
    variables=(
        Variable("S", "susceptible fraction"),
        Variable("E", "exposed (infected, not yet infectious) fraction"),
        Variable("I", "infectious fraction"),
        Variable("R", "recovered (removed) fraction"),
    ),
    parameters=(
        Parameter("beta", 3.0, _BETA.meaning, _BETA.unit, _BETA.bounds),
        Parameter("gamma", 0.2, _GAMMA.meaning, _GAMMA.unit, _GAMMA.bounds),
        _SIGMA,
    ),
    presets=(
        Preset(
            "measles_like",
            "Latent 8 days, infectious 5 days, R0 = 15; one in 10⁴ infectious at t = 0",
            source="M. J. Keeling & P. Rohani, Modeling Infectious Diseases in Humans and Animals "
            "(Princeton, 2008), ch. 2 (SEIR model; these values are illustrative)",
            params={"beta": 3.0, "gamma": 0.2, "sigma": 0.125},
            initial=(1.0 - 1e-4, 0.0, 1e-4, 0.0),
            t_end=120.0,
        ),
    ),
    invariants=(
        Invariant("total", "S + E + I + R", lambda v, p: v["S"] + v["E"] + v["I"] + v["R"]),
        Invariant("KM", "γ ln S + β R", _km_invariant),
    ),
    reference=_KM_REF,
    rhs=seir_rhs,
    jacobian=seir_jac,
    default_dt=0.01,
    default_t_end=120.0,
    time_unit="day",
    tags=("epidemiology", "population"),
)

register(JIN_ENSO, SIR, SEIR)
