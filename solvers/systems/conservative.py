"""Conservative systems: the double pendulum, Hénon–Heiles, Lotka–Volterra.

Each conserves a quantity that the catalog exposes as an invariant, so the
quality of an integrator shows directly as the drift of that quantity:

* double pendulum: the energy E = T + V (non-separable Hamiltonian, so the
  adaptive Runge–Kutta methods are offered, not the symplectic ones);
* Hénon–Heiles: the energy H = (px² + py²)/2 + V(x, y) (separable, so the
  symplectic leapfrog and Yoshida methods are offered and are the default);
* Lotka–Volterra: V = δx − γ ln x + βy − α ln y.
"""

from __future__ import annotations

import math

import numpy as np

from ..catalog import register
from ..integrators.kernel_types import jit
from ..spec import Invariant, Parameter, Preset, System, Variable

# --------------------------------------------------------------------------
# Double pendulum (two point masses on massless rigid rods, in a plane)
#
# With Δ = θ1 − θ2 the Euler–Lagrange equations of
#   L = ½(m1+m2) l1² ω1² + ½ m2 l2² ω2² + m2 l1 l2 ω1 ω2 cos Δ
#       + (m1+m2) g l1 cos θ1 + m2 g l2 cos θ2
# are the 2×2 linear system
#   (m1+m2) l1 θ1'' + m2 l2 cos Δ θ2'' = r1 := −m2 l2 ω2² sin Δ − (m1+m2) g sin θ1
#   l1 cos Δ θ1'' + l2 θ2''           = r2 := l1 ω1² sin Δ − g sin θ2
# whose determinant is l1 l2 (m1 + m2 sin² Δ) > 0; solving it by Cramer's
# rule gives the accelerations below.


@jit
def double_pendulum_rhs(t, y, p, out):
    m1, m2, l1, l2, g = p[0], p[1], p[2], p[3], p[4]
    th1, th2, w1, w2 = y[0], y[1], y[2], y[3]
    d = th1 - th2
    s = np.sin(d)
    c = np.cos(d)
    D = m1 + m2 * s * s
    r1 = -m2 * l2 * w2 * w2 * s - (m1 + m2) * g * np.sin(th1)
    r2 = l1 * w1 * w1 * s - g * np.sin(th2)
    out[0] = w1
    out[1] = w2
    out[2] = (r1 - m2 * c * r2) / (l1 * D)
    out[3] = ((m1 + m2) * r2 - c * r1) / (l2 * D)


@jit
def double_pendulum_jac(t, y, p, J):
    m1, m2, l1, l2, g = p[0], p[1], p[2], p[3], p[4]
    th1, th2, w1, w2 = y[0], y[1], y[2], y[3]
    M = m1 + m2
    d = th1 - th2
    s = np.sin(d)
    c = np.cos(d)
    D = m1 + m2 * s * s
    dD = 2.0 * m2 * s * c  # dD/dΔ
    r1 = -m2 * l2 * w2 * w2 * s - M * g * np.sin(th1)
    r2 = l1 * w1 * w1 * s - g * np.sin(th2)
    N1 = r1 - m2 * c * r2
    N2 = M * r2 - c * r1
    # partial derivatives of r1, r2 through Δ, the explicit angles and ω
    r1_d = -m2 * l2 * w2 * w2 * c
    r1_th1 = -M * g * np.cos(th1)
    r1_w2 = -2.0 * m2 * l2 * w2 * s
    r2_d = l1 * w1 * w1 * c
    r2_th2 = -g * np.cos(th2)
    r2_w1 = 2.0 * l1 * w1 * s
    # N1, N2 as functions of (Δ, θ1 explicit, θ2 explicit, ω1, ω2)
    N1_d = r1_d + m2 * s * r2 - m2 * c * r2_d
    N2_d = M * r2_d + s * r1 - c * r1_d
    # d(N/D)/dΔ
    A1_d = (N1_d * D - N1 * dD) / (l1 * D * D)
    A2_d = (N2_d * D - N2 * dD) / (l2 * D * D)
    J[0, 0] = 0.0
    J[0, 1] = 0.0
    J[0, 2] = 1.0
    J[0, 3] = 0.0
    J[1, 0] = 0.0
    J[1, 1] = 0.0
    J[1, 2] = 0.0
    J[1, 3] = 1.0
    # θ1 enters through Δ (+1) and explicitly in r1; θ2 through Δ (−1) and in r2
    J[2, 0] = A1_d + r1_th1 / (l1 * D)
    J[2, 1] = -A1_d - m2 * c * r2_th2 / (l1 * D)
    J[2, 2] = -m2 * c * r2_w1 / (l1 * D)
    J[2, 3] = r1_w2 / (l1 * D)
    J[3, 0] = A2_d - c * r1_th1 / (l2 * D)
    J[3, 1] = -A2_d + M * r2_th2 / (l2 * D)
    J[3, 2] = M * r2_w1 / (l2 * D)
    J[3, 3] = -c * r1_w2 / (l2 * D)


def double_pendulum_energy(v, p):
    m1, m2, l1, l2, g = p["m1"], p["m2"], p["l1"], p["l2"], p["g"]
    th1, th2, w1, w2 = v["theta1"], v["theta2"], v["omega1"], v["omega2"]
    kinetic = 0.5 * (m1 + m2) * l1**2 * w1**2 + 0.5 * m2 * l2**2 * w2**2 + m2 * l1 * l2 * w1 * w2 * np.cos(th1 - th2)
    potential = -(m1 + m2) * g * l1 * np.cos(th1) - m2 * g * l2 * np.cos(th2)
    return kinetic + potential


# Slow normal mode of the equal-mass, equal-length pendulum at small
# amplitude: θ2 = √2 θ1, angular frequency √((2 − √2) g / l).
_MODE_AMPLITUDE = 0.02

DOUBLE_PENDULUM = System(
    name="double_pendulum",
    title="Double pendulum",
    kind="flow",
    description=(
        "Two point masses on massless rigid rods swinging in a vertical plane. The state is the two "
        "angles from the downward vertical and the two angular velocities (not the canonical momenta). "
        "Regular at small amplitude (two normal modes), chaotic at large energy. The energy is "
        "conserved; the Hamiltonian is not separable, so the adaptive Runge–Kutta methods are offered "
        "and its drift measures their accuracy."
    ),
    equations=(
        "Δ = θ1 − θ2,  D = m1 + m2 sin²Δ\n"
        "r1 = −m2 l2 ω2² sin Δ − (m1 + m2) g sin θ1\n"
        "r2 = l1 ω1² sin Δ − g sin θ2\n"
        "dθ1/dt = ω1,  dθ2/dt = ω2\n"
        "dω1/dt = (r1 − m2 cos Δ · r2) / (l1 D)\n"
        "dω2/dt = ((m1 + m2) r2 − cos Δ · r1) / (l2 D)\n"
        "E = ½(m1+m2) l1² ω1² + ½ m2 l2² ω2² + m2 l1 l2 ω1 ω2 cos Δ − (m1+m2) g l1 cos θ1 − m2 g l2 cos θ2"
    ),
    variables=(
        Variable("theta1", "angle of the upper rod from the downward vertical", "rad"),
        Variable("theta2", "angle of the lower rod from the downward vertical", "rad"),
        Variable("omega1", "angular velocity of the upper rod", "rad/s"),
        Variable("omega2", "angular velocity of the lower rod", "rad/s"),
    ),
    parameters=(
        Parameter("m1", 1.0, "upper mass", "kg", (1e-3, 1e3)),
        Parameter("m2", 1.0, "lower mass", "kg", (1e-3, 1e3)),
        Parameter("l1", 1.0, "upper rod length", "m", (1e-3, 1e2)),
        Parameter("l2", 1.0, "lower rod length", "m", (1e-3, 1e2)),
        Parameter("g", 9.81, "gravitational acceleration", "m/s²", (0.0, 100.0)),
    ),
    presets=(
        Preset(
            "normal_mode",
            "Small-amplitude slow normal mode (θ2 = √2 θ1, period 2π/√((2 − √2) g/l))",
            source="J. R. Taylor, Classical Mechanics (University Science Books, 2005), ch. 11",
            params={"m1": 1.0, "m2": 1.0, "l1": 1.0, "l2": 1.0, "g": 9.81},
            initial=(_MODE_AMPLITUDE, math.sqrt(2.0) * _MODE_AMPLITUDE, 0.0, 0.0),
            t_end=20.0,
            description="Linear theory: both rods swing in phase with the amplitude ratio √2.",
        ),
        Preset(
            "chaotic",
            "Released from rest with both rods horizontal: chaotic",
            source="T. Shinbrot, C. Grebogi, J. Wisdom & J. A. Yorke, Chaos in a double pendulum, "
            "Am. J. Phys. 60, 491 (1992) (chaos at large amplitude; this initial state is illustrative)",
            params={"m1": 1.0, "m2": 1.0, "l1": 1.0, "l2": 1.0, "g": 9.81},
            initial=(math.pi / 2, math.pi / 2, 0.0, 0.0),
            t_end=60.0,
        ),
        Preset(
            "high_energy",
            "Upper rod released inverted, lower rod hanging: flips and chaos",
            source="T. Shinbrot, C. Grebogi, J. Wisdom & J. A. Yorke, Am. J. Phys. 60, 491 (1992) "
            "(this initial state is illustrative)",
            params={"m1": 1.0, "m2": 1.0, "l1": 1.0, "l2": 1.0, "g": 9.81},
            initial=(3.0, 0.0, 0.0, 0.0),
            t_end=60.0,
        ),
    ),
    invariants=(Invariant("energy", "E = T + V (J), zero potential at the pivot", double_pendulum_energy),),
    reference="L. D. Landau & E. M. Lifshitz, Mechanics, 3rd ed. (Pergamon, 1976), §5, problem 1 (Lagrangian)",
    rhs=double_pendulum_rhs,
    jacobian=double_pendulum_jac,
    methods=("dop853", "dopri5", "rk4"),
    default_method="dop853",
    default_dt=0.001,
    default_t_end=60.0,
    time_unit="s",
    tags=("conservative", "chaotic", "mechanics", "classic"),
)


# --------------------------------------------------------------------------
# Hénon–Heiles (1964)


@jit
def henon_heiles_accel(t, q, p, out):
    """−∇V for V = (x² + y²)/2 + x² y − y³/3."""
    x, y = q[0], q[1]
    out[0] = -x - 2.0 * x * y
    out[1] = -y - x * x + y * y


@jit
def henon_heiles_rhs(t, y, p, out):
    x, yy = y[0], y[1]
    out[0] = y[2]
    out[1] = y[3]
    out[2] = -x - 2.0 * x * yy
    out[3] = -yy - x * x + yy * yy


@jit
def henon_heiles_jac(t, y, p, J):
    x, yy = y[0], y[1]
    J[:, :] = 0.0
    J[0, 2] = 1.0
    J[1, 3] = 1.0
    J[2, 0] = -1.0 - 2.0 * yy
    J[2, 1] = -2.0 * x
    J[3, 0] = -2.0 * x
    J[3, 1] = -1.0 + 2.0 * yy


def henon_heiles_potential(x, y):
    return 0.5 * (x * x + y * y) + x * x * y - y**3 / 3.0


def henon_heiles_energy(v, p):
    return 0.5 * (v["px"] ** 2 + v["py"] ** 2) + henon_heiles_potential(v["x"], v["y"])


def henon_heiles_state(energy: float, y: float, py: float = 0.0) -> tuple[float, float, float, float]:
    """A state on the surface of section x = 0 with the given energy, px ≥ 0."""
    px2 = 2.0 * energy - py * py - 2.0 * henon_heiles_potential(0.0, y)
    if px2 < 0:
        raise ValueError(f"no state with x = 0, y = {y}, py = {py} has energy {energy}")
    return (0.0, float(y), math.sqrt(px2), float(py))


_HH_SOURCE = "M. Hénon & C. Heiles, Astron. J. 69, 73 (1964) (energies E = 1/12, 1/8, 1/6)"

HENON_HEILES = System(
    name="henon_heiles",
    title="Hénon–Heiles system",
    kind="flow",
    description=(
        "A star in an axisymmetric galactic potential reduced to two degrees of freedom (unit mass). "
        "Below E ≈ 1/12 almost every orbit lies on an invariant torus; at E = 1/8 regular islands "
        "and a chaotic sea share the surface of section; at E = 1/6 (the escape energy, the saddle "
        "height of V) the chaotic sea fills most of it. The Hamiltonian is separable, so the "
        "symplectic methods apply: their energy error stays bounded instead of drifting. "
        "Presets start on the section x = 0 with px ≥ 0 fixed by the stated energy."
    ),
    equations=(
        "H = (px² + py²)/2 + (x² + y²)/2 + x² y − y³/3\n"
        "dx/dt = px,  dy/dt = py\n"
        "dpx/dt = −x − 2 x y\n"
        "dpy/dt = −y − x² + y²"
    ),
    variables=(
        Variable("x", "first coordinate in the meridian plane"),
        Variable("y", "second coordinate in the meridian plane"),
        Variable("px", "momentum conjugate to x"),
        Variable("py", "momentum conjugate to y"),
    ),
    parameters=(),
    presets=(
        Preset(
            "regular",
            "E = 1/12: regular (quasi-periodic) orbit",
            source=_HH_SOURCE,
            initial=henon_heiles_state(1.0 / 12.0, 0.1, 0.0),
            t_end=1000.0,
        ),
        Preset(
            "mixed",
            "E = 1/8: chaotic orbit among regular islands",
            source=_HH_SOURCE,
            initial=henon_heiles_state(1.0 / 8.0, -0.2, 0.0),
            t_end=1000.0,
        ),
        Preset(
            "chaotic",
            "E = 1/6: escape energy, mostly chaotic",
            source=_HH_SOURCE,
            initial=henon_heiles_state(1.0 / 6.0, 0.0, 0.1),
            t_end=1000.0,
        ),
    ),
    invariants=(Invariant("energy", "H = (px² + py²)/2 + V(x, y)", henon_heiles_energy),),
    reference="M. Hénon & C. Heiles, The applicability of the third integral of motion: some numerical "
    "experiments, Astron. J. 69, 73–79 (1964)",
    rhs=henon_heiles_rhs,
    jacobian=henon_heiles_jac,
    accel=henon_heiles_accel,
    methods=("yoshida4", "leapfrog", "dop853", "dopri5", "rk4"),
    default_method="yoshida4",
    default_dt=0.01,
    default_t_end=1000.0,
    tags=("conservative", "hamiltonian", "chaotic", "classic", "astronomy"),
)


# --------------------------------------------------------------------------
# Lotka–Volterra


@jit
def lotka_volterra_rhs(t, y, p, out):
    alpha, beta, gamma, delta = p[0], p[1], p[2], p[3]
    out[0] = alpha * y[0] - beta * y[0] * y[1]
    out[1] = delta * y[0] * y[1] - gamma * y[1]


@jit
def lotka_volterra_jac(t, y, p, J):
    alpha, beta, gamma, delta = p[0], p[1], p[2], p[3]
    J[0, 0] = alpha - beta * y[1]
    J[0, 1] = -beta * y[0]
    J[1, 0] = delta * y[1]
    J[1, 1] = delta * y[0] - gamma


def lotka_volterra_invariant(v, p):
    x, y = v["x"], v["y"]
    return p["delta"] * x - p["gamma"] * np.log(x) + p["beta"] * y - p["alpha"] * np.log(y)


_LV_SOURCE = (
    "V. Volterra, Nature 118, 558 (1926); A. J. Lotka, Elements of Physical Biology (1925) "
    "(these values are illustrative)"
)

LOTKA_VOLTERRA = System(
    name="lotka_volterra",
    title="Lotka–Volterra predator–prey",
    kind="flow",
    description=(
        "Prey x grow exponentially and are eaten at a rate proportional to encounters with predators "
        "y, whose growth is proportional to the prey eaten. Every orbit with x, y > 0 is a closed "
        "cycle around the coexistence point (γ/δ, α/β), labelled by the conserved V. Populations are "
        "in arbitrary units; time in units of the inverse rates."
    ),
    equations="dx/dt = α x − β x y\ndy/dt = δ x y − γ y\nV = δ x − γ ln x + β y − α ln y  (conserved)",
    variables=(
        Variable("x", "prey population"),
        Variable("y", "predator population"),
    ),
    parameters=(
        Parameter("alpha", 2.0 / 3.0, "prey growth rate", bounds=(0.0, 100.0)),
        Parameter("beta", 4.0 / 3.0, "predation rate per predator", bounds=(0.0, 100.0)),
        Parameter("gamma", 1.0, "predator death rate", bounds=(0.0, 100.0)),
        Parameter("delta", 1.0, "predator growth per prey eaten and per predator", bounds=(0.0, 100.0)),
    ),
    presets=(
        Preset(
            "cycle",
            "Cycle around the coexistence point (1, 0.5)",
            source=_LV_SOURCE,
            params={"alpha": 2.0 / 3.0, "beta": 4.0 / 3.0, "gamma": 1.0, "delta": 1.0},
            initial=(1.8, 1.8),
            t_end=50.0,
        ),
        Preset(
            "near_equilibrium",
            "Small cycle near the coexistence point: nearly harmonic, period ≈ 2π/√(αγ)",
            source=_LV_SOURCE,
            params={"alpha": 1.0, "beta": 1.0, "gamma": 1.0, "delta": 1.0},
            initial=(1.05, 1.0),
            t_end=30.0,
        ),
    ),
    invariants=(Invariant("V", "V = δx − γ ln x + βy − α ln y", lotka_volterra_invariant),),
    reference="V. Volterra, Fluctuations in the abundance of a species considered mathematically, "
    "Nature 118, 558–560 (1926); A. J. Lotka, Elements of Physical Biology (Williams & Wilkins, 1925)",
    rhs=lotka_volterra_rhs,
    jacobian=lotka_volterra_jac,
    default_dt=0.01,
    default_t_end=50.0,
    tags=("conservative", "population", "classic"),
)

register(DOUBLE_PENDULUM, HENON_HEILES, LOTKA_VOLTERRA)
