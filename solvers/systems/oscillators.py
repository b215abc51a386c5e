"""Forced and self-excited oscillators, neuron models and coupled phase oscillators."""

from __future__ import annotations

import math

import numpy as np

from ..catalog import register
from ..integrators.kernel_types import jit
from ..spec import Invariant, Parameter, Preset, System, Variable

# --------------------------------------------------------------------------
# Duffing oscillator (forced)


@jit
def duffing_rhs(t, y, p, out):
    """dx/dt = v, dv/dt = −δv − αx − βx³ + γ cos ωt."""
    delta, alpha, beta, gamma, omega = p[0], p[1], p[2], p[3], p[4]
    x = y[0]
    out[0] = y[1]
    out[1] = -delta * y[1] - alpha * x - beta * x * x * x + gamma * math.cos(omega * t)


@jit
def duffing_jac(t, y, p, J):
    delta, alpha, beta = p[0], p[1], p[2]
    J[0, 0] = 0.0
    J[0, 1] = 1.0
    J[1, 0] = -alpha - 3.0 * beta * y[0] * y[0]
    J[1, 1] = -delta


DUFFING = System(
    name="duffing",
    title="Forced Duffing oscillator",
    kind="flow",
    description=(
        "A damped oscillator with a cubic restoring force driven at frequency ω. With α < 0 "
        "and β > 0 it is a particle in a double well (Holmes' magneto-elastic beam) and jumps "
        "chaotically between the wells; with α = 0 it is Ueda's hardening spring. The "
        "exponents of the 2-D (non-autonomous) state sum to −δ exactly; the Poincaré section "
        "is the state sampled once per forcing period 2π/ω."
    ),
    equations="d²x/dt² + δ dx/dt + α x + β x³ = γ cos(ω t)\ni.e. dx/dt = v, dv/dt = −δ v − α x − β x³ + γ cos(ω t)",
    variables=(Variable("x", "displacement"), Variable("v", "velocity dx/dt")),
    parameters=(
        Parameter("delta", 0.25, "damping coefficient", bounds=(0.0, 10.0)),
        Parameter("alpha", -1.0, "linear stiffness (negative: double well)", bounds=(-10.0, 10.0)),
        Parameter("beta", 1.0, "cubic stiffness", bounds=(-10.0, 10.0)),
        Parameter("gamma", 0.3, "forcing amplitude", bounds=(0.0, 100.0)),
        Parameter("omega", 1.0, "forcing angular frequency", bounds=(0.0, 20.0)),
    ),
    presets=(
        Preset(
            "double_well",
            "Chaos in the double well (δ = 0.25, γ = 0.3, ω = 1)",
            source="Guckenheimer & Holmes, Nonlinear Oscillations, Dynamical Systems, and Bifurcations "
            "of Vector Fields (Springer, 1983), §2.2",
            params={"delta": 0.25, "alpha": -1.0, "beta": 1.0, "gamma": 0.3, "omega": 1.0},
            initial=(1.0, 0.0),
            t_end=2000.0,
        ),
        Preset(
            "ueda",
            "Ueda's 'Japanese attractor' (δ = 0.05, α = 0, β = 1, γ = 7.5, ω = 1)",
            source="Ueda, J. Stat. Phys. 20, 181 (1979)",
            params={"delta": 0.05, "alpha": 0.0, "beta": 1.0, "gamma": 7.5, "omega": 1.0},
            initial=(2.5, 0.0),
            t_end=2000.0,
        ),
    ),
    reference=(
        "G. Duffing, Erzwungene Schwingungen bei veränderlicher Eigenfrequenz und ihre technische "
        "Bedeutung (Vieweg, Braunschweig, 1918)"
    ),
    rhs=duffing_rhs,
    jacobian=duffing_jac,
    default_dt=0.01,
    default_t_end=2000.0,
    default_samples=20001,
    tags=("chaotic", "forced", "oscillator"),
)

# --------------------------------------------------------------------------
# van der Pol oscillator (forced)


@jit
def van_der_pol_rhs(t, y, p, out):
    """dx/dt = v, dv/dt = μ(1 − x²)v − x + A cos ωt."""
    mu, A, omega = p[0], p[1], p[2]
    x = y[0]
    out[0] = y[1]
    out[1] = mu * (1.0 - x * x) * y[1] - x + A * math.cos(omega * t)


@jit
def van_der_pol_jac(t, y, p, J):
    mu = p[0]
    x = y[0]
    J[0, 0] = 0.0
    J[0, 1] = 1.0
    J[1, 0] = -2.0 * mu * x * y[1] - 1.0
    J[1, 1] = mu * (1.0 - x * x)


VAN_DER_POL = System(
    name="van_der_pol",
    title="van der Pol oscillator",
    kind="flow",
    description=(
        "A triode oscillator: negative damping for |x| < 1 pumps energy in, positive damping "
        "for |x| > 1 takes it out, so every orbit but the origin approaches one limit cycle "
        "(period 6.6633 for μ = 1, ≈ (3 − 2 ln 2) μ for large μ: relaxation oscillations). "
        "Periodic forcing A cos ωt entrains it (Arnold tongues), leaves it quasi-periodic "
        "between the tongues, and for large μ can make it chaotic: at μ = 8.53, A = 1.2, "
        "ω = 2π/10 the largest exponent is small but positive (≈ 0.007 per time unit, "
        "measured here with two step sizes and two initial states). Large μ makes the "
        "equation stiff: the fixed step must resolve the fast jumps, of duration ~1/μ."
    ),
    equations=("d²x/dt² − μ (1 − x²) dx/dt + x = A cos(ω t)\ni.e. dx/dt = v, dv/dt = μ (1 − x²) v − x + A cos(ω t)"),
    variables=(Variable("x", "voltage (scaled)"), Variable("v", "its rate of change dx/dt")),
    parameters=(
        Parameter("mu", 1.0, "strength of the nonlinear damping", bounds=(0.0, 50.0)),
        Parameter("A", 0.0, "forcing amplitude", bounds=(0.0, 50.0)),
        Parameter("omega", 1.0, "forcing angular frequency", bounds=(0.0, 20.0)),
    ),
    presets=(
        Preset(
            "limit_cycle",
            "Unforced limit cycle (μ = 1)",
            source="van der Pol, Phil. Mag. (7) 2, 978 (1926)",
            params={"mu": 1.0, "A": 0.0, "omega": 1.0},
            initial=(0.5, 0.0),
            t_end=100.0,
        ),
        Preset(
            "relaxation",
            "Relaxation oscillations (μ = 10)",
            source="van der Pol, Phil. Mag. (7) 2, 978 (1926)",
            params={"mu": 10.0, "A": 0.0, "omega": 1.0},
            initial=(2.0, 0.0),
            t_end=200.0,
        ),
        Preset(
            "quasi_periodic",
            "Quasi-periodic response to weak detuned forcing (μ = 1, A = 0.5, ω = √2)",
            source="Pikovsky, Rosenblum & Kurths, Synchronization: A Universal Concept in Nonlinear "
            "Sciences (Cambridge University Press, 2001)",
            params={"mu": 1.0, "A": 0.5, "omega": math.sqrt(2.0)},
            initial=(2.0, 0.0),
            t_end=500.0,
        ),
        Preset(
            "forced_chaos",
            "Chaotic forced relaxation oscillator (μ = 8.53, A = 1.2, ω = 2π/10)",
            source="widely quoted after K. Tomita, Periodically forced nonlinear oscillators, in "
            "A. V. Holden (ed.), Chaos (Manchester University Press, 1986); attribution unverified",
            params={"mu": 8.53, "A": 1.2, "omega": 2.0 * math.pi / 10.0},
            initial=(0.1, 0.0),
            t_end=2000.0,
        ),
    ),
    reference=(
        "B. van der Pol, On relaxation-oscillations, Phil. Mag. (7) 2, 978–992 (1926); "
        "B. van der Pol and J. van der Mark, Frequency demultiplication, Nature 120, 363–364 (1927)"
    ),
    rhs=van_der_pol_rhs,
    jacobian=van_der_pol_jac,
    default_dt=0.005,
    default_t_end=100.0,
    tags=("oscillator", "limit cycle", "forced"),
)

# --------------------------------------------------------------------------
# Hindmarsh–Rose neuron (1984)


@jit
def hindmarsh_rose_rhs(t, y, p, out):
    """dx/dt = y − ax³ + bx² − z + I, dy/dt = c − dx² − y, dz/dt = r(s(x − x_R) − z)."""
    a, b, c, d, r, s, xr, I = p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]
    x = y[0]
    out[0] = y[1] - a * x * x * x + b * x * x - y[2] + I
    out[1] = c - d * x * x - y[1]
    out[2] = r * (s * (x - xr) - y[2])


@jit
def hindmarsh_rose_jac(t, y, p, J):
    a, b, d, r, s = p[0], p[1], p[3], p[4], p[5]
    x = y[0]
    J[0, 0] = -3.0 * a * x * x + 2.0 * b * x
    J[0, 1] = 1.0
    J[0, 2] = -1.0
    J[1, 0] = -2.0 * d * x
    J[1, 1] = -1.0
    J[1, 2] = 0.0
    J[2, 0] = r * s
    J[2, 1] = 0.0
    J[2, 2] = -r


HINDMARSH_ROSE = System(
    name="hindmarsh_rose",
    title="Hindmarsh–Rose neuron",
    kind="flow",
    description=(
        "A polynomial model of a neuron that fires in bursts: a fast spiking subsystem "
        "(x the membrane potential, y a recovery current) is switched on and off by a slow "
        "adaptation current z whose rate r ≪ 1 sets the burst period. x_R is the resting "
        "potential of the fast subsystem, −(1 + √5)/2 ≈ −1.618 for I = 0, usually rounded to "
        "−8/5. The original paper's bursting figures use r = 0.001 (regular bursts, period "
        "≈ 300 at I = 2); later studies use r = 0.005–0.006, where I ≈ 3.25 gives irregular "
        "bursting (largest exponent ≈ 0.015 at r = 0.006, measured here). Which of r = 0.005 "
        "and 0.006 is 'the' chaotic value varies between sources."
    ),
    equations=("dx/dt = y − a x³ + b x² − z + I\ndy/dt = c − d x² − y\ndz/dt = r (s (x − x_R) − z)"),
    variables=(
        Variable("x", "membrane potential (dimensionless)"),
        Variable("y", "fast recovery (spiking) current"),
        Variable("z", "slow adaptation (bursting) current"),
    ),
    parameters=(
        Parameter("a", 1.0, "cubic coefficient of the fast subsystem", bounds=(0.0, 10.0)),
        Parameter("b", 3.0, "quadratic coefficient of the fast subsystem", bounds=(0.0, 10.0)),
        Parameter("c", 1.0, "constant of the recovery current", bounds=(-10.0, 10.0)),
        Parameter("d", 5.0, "quadratic coefficient of the recovery current", bounds=(0.0, 20.0)),
        Parameter("r", 0.006, "rate of the slow adaptation current", bounds=(0.0, 1.0)),
        Parameter("s", 4.0, "coupling of the adaptation current to the potential", bounds=(0.0, 20.0)),
        Parameter("x_R", -1.6, "resting potential of the fast subsystem", bounds=(-5.0, 5.0)),
        Parameter("I", 3.25, "applied current", bounds=(-10.0, 20.0)),
    ),
    presets=(
        Preset(
            "chaotic_bursting",
            "Irregular bursting (r = 0.006, I = 3.25)",
            source="Hindmarsh & Rose, Proc. R. Soc. Lond. B 221, 87 (1984) for the model; r and I as in "
            "later numerical studies",
            params={"a": 1.0, "b": 3.0, "c": 1.0, "d": 5.0, "r": 0.006, "s": 4.0, "x_R": -1.6, "I": 3.25},
            initial=(-1.6, -12.0, 0.0),
            t_end=2000.0,
        ),
        Preset(
            "regular_bursting",
            "Regular bursting with the original slow rate (r = 0.001, I = 2)",
            source="Hindmarsh & Rose, Proc. R. Soc. Lond. B 221, 87 (1984)",
            params={"a": 1.0, "b": 3.0, "c": 1.0, "d": 5.0, "r": 0.001, "s": 4.0, "x_R": -1.6, "I": 2.0},
            initial=(-1.6, -11.8, 0.0),
            t_end=3000.0,
        ),
    ),
    reference=(
        "J. L. Hindmarsh and R. M. Rose, A model of neuronal bursting using three coupled first "
        "order differential equations, Proc. R. Soc. Lond. B 221, 87–102 (1984)"
    ),
    rhs=hindmarsh_rose_rhs,
    jacobian=hindmarsh_rose_jac,
    default_dt=0.01,
    default_t_end=2000.0,
    default_samples=20001,
    tags=("neuron", "bursting", "chaotic"),
)

# --------------------------------------------------------------------------
# FitzHugh–Nagumo neuron (1961, 1962)


@jit
def fitzhugh_nagumo_rhs(t, y, p, out):
    """dv/dt = v − v³/3 − w + I, dw/dt = (v + a − bw)/τ."""
    a, b, tau, I = p[0], p[1], p[2], p[3]
    v = y[0]
    out[0] = v - v * v * v / 3.0 - y[1] + I
    out[1] = (v + a - b * y[1]) / tau


@jit
def fitzhugh_nagumo_jac(t, y, p, J):
    b, tau = p[1], p[2]
    v = y[0]
    J[0, 0] = 1.0 - v * v
    J[0, 1] = -1.0
    J[1, 0] = 1.0 / tau
    J[1, 1] = -b / tau


FITZHUGH_NAGUMO = System(
    name="fitzhugh_nagumo",
    title="FitzHugh–Nagumo neuron",
    kind="flow",
    description=(
        "A two-variable reduction of the Hodgkin–Huxley equations: a fast voltage-like "
        "variable v with a cubic nullcline and a slow linear recovery w (time-scale ratio τ). "
        "At I = 0 the rest state is stable but excitable: a large enough kick produces one "
        "spike. For I between about 0.33 and 1.42 (a = 0.7, b = 0.8, τ = 12.5) the rest "
        "state is unstable and the neuron fires periodically. FitzHugh wrote the model with "
        "c = 3, i.e. τ = c² = 9 after rescaling time; τ = 12.5 (rate 0.08) is the value of "
        "the Scholarpedia article and of most textbooks."
    ),
    equations="dv/dt = v − v³/3 − w + I\nτ dw/dt = v + a − b w",
    variables=(
        Variable("v", "membrane potential (dimensionless)"),
        Variable("w", "recovery variable"),
    ),
    parameters=(
        Parameter("a", 0.7, "offset of the recovery nullcline", bounds=(-5.0, 5.0)),
        Parameter("b", 0.8, "slope factor of the recovery", bounds=(0.0, 5.0)),
        Parameter("tau", 12.5, "time-scale ratio of recovery to excitation", bounds=(0.01, 1000.0)),
        Parameter("I", 0.5, "applied current", bounds=(-5.0, 5.0)),
    ),
    presets=(
        Preset(
            "tonic_spiking",
            "Periodic firing (I = 0.5)",
            source="Izhikevich & FitzHugh, Scholarpedia 1(9), 1349 (2006); FitzHugh, Biophys. J. 1, 445 (1961)",
            params={"a": 0.7, "b": 0.8, "tau": 12.5, "I": 0.5},
            initial=(-1.0, 1.0),
            t_end=300.0,
        ),
        Preset(
            "excitable",
            "Excitable rest state: a kick of the potential fires one spike (I = 0)",
            source="Izhikevich & FitzHugh, Scholarpedia 1(9), 1349 (2006); FitzHugh, Biophys. J. 1, 445 (1961)",
            params={"a": 0.7, "b": 0.8, "tau": 12.5, "I": 0.0},
            initial=(-0.5, -0.6243),
            t_end=100.0,
            description="The rest state is (v, w) ≈ (−1.1994, −0.6243); the initial state raises v by 0.7.",
        ),
    ),
    reference=(
        "R. FitzHugh, Impulses and physiological states in theoretical models of nerve membrane, "
        "Biophys. J. 1, 445–466 (1961); J. Nagumo, S. Arimoto and S. Yoshizawa, An active pulse "
        "transmission line simulating nerve axon, Proc. IRE 50, 2061–2070 (1962)"
    ),
    rhs=fitzhugh_nagumo_rhs,
    jacobian=fitzhugh_nagumo_jac,
    default_dt=0.05,
    default_t_end=300.0,
    tags=("neuron", "excitable", "limit cycle"),
)

# --------------------------------------------------------------------------
# Kuramoto model (1975)

_KURAMOTO_HEAD = 3  # packed vector: N, K, gamma, then the N natural frequencies


@jit
def kuramoto_rhs(t, y, p, out):
    """dθ_i/dt = ω_i + (K/N) Σ_j sin(θ_j − θ_i) = ω_i + K r sin(ψ − θ_i)."""
    n = y.size
    K = p[1]
    S = 0.0
    C = 0.0
    for j in range(n):
        S += math.sin(y[j])
        C += math.cos(y[j])
    # sin(θ_j − θ_i) summed over j = S cos θ_i − C sin θ_i: O(N) instead of O(N²)
    k = K / n
    for i in range(n):
        out[i] = p[_KURAMOTO_HEAD + i] + k * (S * math.cos(y[i]) - C * math.sin(y[i]))


@jit
def kuramoto_jac(t, y, p, J):
    n = y.size
    k = p[1] / n
    S = 0.0
    C = 0.0
    for j in range(n):
        S += math.sin(y[j])
        C += math.cos(y[j])
    for i in range(n):
        ci = math.cos(y[i])
        si = math.sin(y[i])
        for j in range(n):
            J[i, j] = k * (math.cos(y[j]) * ci + math.sin(y[j]) * si)
        # the j = i term of the sum is sin 0 and contributes nothing
        J[i, i] = -k * (C * ci + S * si - 1.0)


def kuramoto_frequencies(N: int, gamma: float) -> np.ndarray:
    """Equally spaced quantiles i/(N+1) of the Lorentzian of half-width γ.

    Deterministic, so that a run does not depend on the seed through the
    frequencies, and symmetric (they sum to zero)."""
    i = np.arange(1, N + 1, dtype=np.float64)
    return gamma * np.tan(0.5 * np.pi * (2.0 * i - N - 1.0) / (N + 1.0))


def kuramoto_pack(params):
    N = int(params["N"])
    head = np.array([float(N), float(params["K"]), float(params["gamma"])])
    return np.concatenate([head, kuramoto_frequencies(N, float(params["gamma"]))])


def kuramoto_initial(params, rng):
    return rng.uniform(0.0, 2.0 * np.pi, int(params["N"]))


def _kuramoto_mean_phase(values, params):
    return np.mean(values["theta"], axis=-1)


KURAMOTO = System(
    name="kuramoto",
    title="Kuramoto model of coupled phase oscillators",
    kind="flow",
    description=(
        "N phase oscillators with natural frequencies ω_i, each pulled towards the mean "
        "field r e^{iψ} = (1/N) Σ_j e^{iθ_j} with strength K. The frequencies are the equally "
        "spaced quantiles of a Lorentzian of half-width γ, ω_i = γ tan(π(2i − N − 1)/(2(N + 1))), "
        "so they are reproducible and sum to zero; the initial phases are uniform random from "
        "the run's seed. For N → ∞ the incoherent state (r = 0) loses stability at "
        "K_c = 2γ and above it r = √(1 − K_c/K). Because Σω_i = 0 and the coupling is "
        "antisymmetric, the mean phase is conserved. The Lorentzian's tails put a few "
        "oscillators at very high frequency; the fixed-step RK4 default does not resolve "
        "their phases, but they barely feel the coupling and barely contribute to r. "
        "Adaptive methods resolve them and are slow for large N."
    ),
    equations=(
        "dθ_i/dt = ω_i + (K/N) Σ_j sin(θ_j − θ_i) = ω_i + K r sin(ψ − θ_i),  i = 1 … N\n"
        "r e^{iψ} = (1/N) Σ_j e^{iθ_j},  ω_i = γ tan(π (2i − N − 1) / (2 (N + 1)))"
    ),
    variables=(Variable("theta", "phase of each oscillator (not wrapped)", unit="rad", size="N"),),
    parameters=(
        Parameter("N", 1000, "number of oscillators", bounds=(2, 100000), kind="int", structural=True),
        Parameter("K", 2.0, "coupling strength", unit="1/time", bounds=(0.0, 100.0)),
        Parameter(
            "gamma", 0.5, "half-width of the Lorentzian frequency distribution", unit="1/time", bounds=(0.0, 100.0)
        ),
    ),
    invariants=(
        Invariant(
            "mean_phase",
            "average phase (1/N) Σ θ_i, constant because the frequencies sum to zero",
            _kuramoto_mean_phase,
        ),
    ),
    presets=(
        Preset(
            "incoherent",
            "Below threshold: incoherence (K = 0.5 < K_c = 1)",
            source="Kuramoto, Lecture Notes in Physics 39, 420 (1975); Strogatz, Physica D 143, 1 (2000)",
            params={"N": 1000, "K": 0.5, "gamma": 0.5},
            t_end=200.0,
        ),
        Preset(
            "near_threshold",
            "Just above threshold (K = 1.2, r∞ = 0.41)",
            source="Kuramoto, Lecture Notes in Physics 39, 420 (1975); Strogatz, Physica D 143, 1 (2000)",
            params={"N": 1000, "K": 1.2, "gamma": 0.5},
            t_end=300.0,
        ),
        Preset(
            "synchronized",
            "Partial synchronization (K = 2 = 2 K_c, r∞ = 0.71)",
            source="Kuramoto, Lecture Notes in Physics 39, 420 (1975); Strogatz, Physica D 143, 1 (2000)",
            params={"N": 1000, "K": 2.0, "gamma": 0.5},
            t_end=100.0,
        ),
    ),
    reference=(
        "Y. Kuramoto, Self-entrainment of a population of coupled non-linear oscillators, in "
        "International Symposium on Mathematical Problems in Theoretical Physics, Lecture Notes in "
        "Physics 39, 420–422 (Springer, 1975); S. H. Strogatz, From Kuramoto to Crawford: exploring "
        "the onset of synchronization in populations of coupled oscillators, Physica D 143, 1–20 (2000)"
    ),
    rhs=kuramoto_rhs,
    jacobian=kuramoto_jac,
    initial_state=kuramoto_initial,
    pack_params=kuramoto_pack,
    methods=("rk4", "dopri5", "dop853"),
    default_method="rk4",
    default_dt=0.02,
    default_t_end=100.0,
    tags=("synchronization", "phase oscillators", "high-dimensional"),
)

register(DUFFING, VAN_DER_POL, HINDMARSH_ROSE, FITZHUGH_NAGUMO, KURAMOTO)
