"""Continuous-time models of learning and optimization.

* ``deep_linear``: gradient-descent dynamics of a two-layer linear network,
  mode by mode (Saxe, McClelland & Ganguli);
* ``nesterov_ode``: the ODE limit of Nesterov's accelerated gradient method
  (Su, Boyd & Candès);
* ``heavy_ball``: Polyak's heavy-ball method as a damped Newtonian particle.

The two optimizers share the objective: a Parameter of kind "choice"
("quadratic" or "rosenbrock"), which packs to its index 0 or 1 in ``p[0]``.
"""

from __future__ import annotations

import math

import numpy as np

from ..catalog import register
from ..integrators.kernel_types import jit
from ..spec import Invariant, Parameter, Preset, System, Variable

# --------------------------------------------------------------------------
# Deep linear network (Saxe, McClelland & Ganguli)
#
# For a two-layer linear network trained by full-batch gradient descent on
# whitened inputs, the singular-value decomposition of the input–output
# correlation decouples the learning into modes: a is the strength of mode
# α in the first layer, b in the second, s its singular value and τ = 1/λ
# the inverse learning rate.  a² − b² is conserved (the gradient flow is
# invariant under a → c a, b → b / c), so balanced modes (a = b) stay
# balanced and their product u = a b obeys the logistic equation
# τ du/dt = 2 u (s − u).

_N_MODES = 3


@jit
def deep_linear_rhs(t, y, p, out):
    tau = p[3]
    for i in range(3):
        a = y[i]
        b = y[3 + i]
        err = p[i] - a * b
        out[i] = b * err / tau
        out[3 + i] = a * err / tau


@jit
def deep_linear_jac(t, y, p, J):
    tau = p[3]
    J[:, :] = 0.0
    for i in range(3):
        a = y[i]
        b = y[3 + i]
        cross = (p[i] - 2.0 * a * b) / tau
        J[i, i] = -b * b / tau
        J[i, 3 + i] = cross
        J[3 + i, i] = cross
        J[3 + i, 3 + i] = -a * a / tau


def deep_linear_balance(v, p):
    return np.stack([v[f"a{i}"] ** 2 - v[f"b{i}"] ** 2 for i in range(1, _N_MODES + 1)], axis=-1)


def deep_linear_sigmoid(t, s, u0, tau):
    """Exact u(t) = a b of a balanced mode: s e^{2st/τ} / (e^{2st/τ} − 1 + s/u0)."""
    # written with e^{−2st/τ} so that it does not overflow for large t
    e = np.exp(-2.0 * s * np.asarray(t, dtype=float) / tau)
    return s / (1.0 + (s / u0 - 1.0) * e)


_SAXE_REF = (
    "A. M. Saxe, J. L. McClelland & S. Ganguli, Exact solutions to the nonlinear dynamics of learning "
    "in deep linear neural networks, ICLR 2014, arXiv:1312.6120 (2013)"
)

DEEP_LINEAR = System(
    name="deep_linear",
    title="Deep linear network learning dynamics",
    kind="flow",
    description=(
        "Gradient-descent learning of a linear network with one hidden layer, decomposed into three "
        "independent modes of the input–output correlation with singular values s1, s2, s3. Mode i "
        "has strength a_i in the first layer and b_i in the second; the network's map along that "
        "mode is the product a_i b_i, which approaches s_i. From small balanced weights each mode is "
        "learned in a sudden sigmoidal transition at t ≈ (τ/2s) ln(s/u0): stronger modes first, a "
        "staircase in the training error. Time counts training steps; τ = 1/λ with λ the "
        "learning rate. a_i² − b_i² is conserved mode by mode."
    ),
    equations=(
        "τ da_i/dt = b_i (s_i − a_i b_i)\n"
        "τ db_i/dt = a_i (s_i − a_i b_i),   i = 1, 2, 3\n"
        "conserved: a_i² − b_i²\n"
        "a = b: u = a b obeys τ du/dt = 2u(s − u),  u(t) = s e^{2st/τ} / (e^{2st/τ} − 1 + s/u0)"
    ),
    variables=tuple(
        [Variable(f"a{i}", f"first-layer strength of mode {i}") for i in range(1, _N_MODES + 1)]
        + [Variable(f"b{i}", f"second-layer strength of mode {i}") for i in range(1, _N_MODES + 1)]
    ),
    parameters=(
        Parameter("s1", 3.0, "singular value of the input–output correlation, mode 1", bounds=(0.0, 100.0)),
        Parameter("s2", 2.0, "singular value of the input–output correlation, mode 2", bounds=(0.0, 100.0)),
        Parameter("s3", 1.0, "singular value of the input–output correlation, mode 3", bounds=(0.0, 100.0)),
        Parameter("tau", 1.0, "time constant τ = 1/λ (inverse learning rate)", "step", (1e-6, 1e6)),
    ),
    presets=(
        Preset(
            "small_balanced",
            "Small balanced initial weights (a = b = 10⁻³): stage-like learning, strong modes first",
            source=_SAXE_REF,
            params={"s1": 3.0, "s2": 2.0, "s3": 1.0, "tau": 1.0},
            initial=(1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3),
            t_end=10.0,
        ),
        Preset(
            "unbalanced",
            "Unbalanced start (a ≠ b): the conserved a² − b² keeps the layers unequal",
            source=_SAXE_REF + " (initial state illustrative)",
            params={"s1": 3.0, "s2": 2.0, "s3": 1.0, "tau": 1.0},
            initial=(0.5, 0.3, 0.1, 1e-3, 1e-3, 1e-3),
            t_end=10.0,
        ),
    ),
    invariants=(Invariant("balance", "a_i² − b_i², one column per mode", deep_linear_balance),),
    reference=_SAXE_REF,
    rhs=deep_linear_rhs,
    jacobian=deep_linear_jac,
    default_dt=0.001,
    default_t_end=10.0,
    time_unit="step",
    tags=("learning", "machine learning"),
)


# --------------------------------------------------------------------------
# Objectives shared by the two optimizer ODEs: p[0] is the objective index,
# p[1], p[2] the curvatures a, b of the quadratic, p[3] the valley stiffness
# of the Rosenbrock function.

OBJECTIVES = ("quadratic", "rosenbrock")


def _objective_parameters(default: str = "quadratic") -> tuple[Parameter, ...]:
    return (
        Parameter("objective", default, "function to minimize", kind="choice", choices=OBJECTIVES),
        Parameter("a", 1.0, "quadratic: curvature along x", bounds=(0.0, 1e4)),
        Parameter("b", 0.1, "quadratic: curvature along y", bounds=(0.0, 1e4)),
        Parameter(
            "valley",
            100.0,
            "Rosenbrock: stiffness of the valley walls (100 in the classic function)",
            bounds=(0.0, 1e4),
        ),
    )


@jit
def _grad(p, x, y):
    if p[0] == 0.0:
        return p[1] * x, p[2] * y
    k = p[3]
    w = y - x * x
    return -2.0 * (1.0 - x) - 4.0 * k * x * w, 2.0 * k * w


@jit
def _hessian(p, x, y):
    if p[0] == 0.0:
        return p[1], 0.0, p[2]
    k = p[3]
    return 2.0 - 4.0 * k * (y - x * x) + 8.0 * k * x * x, -4.0 * k * x, 2.0 * k


def objective_value(params, x, y):
    """f(x, y) for the parameter dict of nesterov_ode or heavy_ball (vectorized)."""
    if params["objective"] == "quadratic":
        return 0.5 * (params["a"] * x**2 + params["b"] * y**2)
    return (1.0 - x) ** 2 + params["valley"] * (y - x**2) ** 2


def objective_minimum(params) -> tuple[tuple[float, float], float]:
    """(x*, f*) of the objective."""
    if params["objective"] == "quadratic":
        return (0.0, 0.0), 0.0
    return (1.0, 1.0), 0.0


_OBJ_EQ = (
    "quadratic:  f = (a x² + b y²)/2,  minimum f* = 0 at 0\n"
    "rosenbrock: f = (1 − x)² + k (y − x²)²  (k = valley),  minimum f* = 0 at (1, 1)"
)

# --------------------------------------------------------------------------
# Nesterov's method as an ODE (Su, Boyd & Candès)

# Below this time the friction 3/t is replaced by its limit; see nesterov_rhs.
_T_SMALL = 1e-12


@jit
def nesterov_rhs(t, y, p, out):
    gx, gy = _grad(p, y[0], y[1])
    out[0] = y[2]
    out[1] = y[3]
    if t < _T_SMALL:
        # The ODE is singular at t = 0 and needs Ẋ(0) = 0.  Near t = 0,
        # Ẋ(t) = Ẍ(0) t + O(t²), so (3/t) Ẋ → 3 Ẍ(0) and the equation gives
        # 4 Ẍ(0) = −∇f(X0).  Using the limit avoids the 0/0 at t = 0 (the
        # first stage of every Runge–Kutta step from t0 = 0) and the
        # round-off of v/t at tiny t.
        out[2] = -0.25 * gx
        out[3] = -0.25 * gy
    else:
        out[2] = -3.0 * y[2] / t - gx
        out[3] = -3.0 * y[3] / t - gy


@jit
def nesterov_jac(t, y, p, J):
    hxx, hxy, hyy = _hessian(p, y[0], y[1])
    J[:, :] = 0.0
    J[0, 2] = 1.0
    J[1, 3] = 1.0
    if t < _T_SMALL:
        J[2, 0] = -0.25 * hxx
        J[2, 1] = -0.25 * hxy
        J[3, 0] = -0.25 * hxy
        J[3, 1] = -0.25 * hyy
    else:
        J[2, 0] = -hxx
        J[2, 1] = -hxy
        J[3, 0] = -hxy
        J[3, 1] = -hyy
        J[2, 2] = -3.0 / t
        J[3, 3] = -3.0 / t


_SBC_REF = (
    "W. Su, S. Boyd & E. J. Candès, A differential equation for modeling Nesterov's accelerated "
    "gradient method: theory and insights, J. Mach. Learn. Res. 17, 1–43 (2016)"
)
_ROSENBROCK_REF = (
    "H. H. Rosenbrock, An automatic method for finding the greatest or least value of a function, "
    "Comput. J. 3, 175–184 (1960) (start (−1.2, 1))"
)

NESTEROV_ODE = System(
    name="nesterov_ode",
    title="Nesterov's accelerated gradient as an ODE",
    kind="flow",
    description=(
        "The small-step limit of Nesterov's accelerated gradient method: a particle in the landscape "
        "f with a friction 3/t that fades with time, starting at rest (the ODE requires Ẋ(0) = 0; "
        "at t = 0 the limit Ẍ(0) = −∇f(X0)/4 is used). For convex f, "
        "f(X(t)) − f* ≤ 2‖X0 − x*‖²/t² (Su, Boyd & Candès, Thm 3), against O(1/t) for gradient flow. "
        "On a quadratic with curvature λ each coordinate is X0 · 2 J1(√λ t)/(√λ t)."
    ),
    equations="d²X/dt² + (3/t) dX/dt + ∇f(X) = 0,  X = (x, y),  X(0) = X0, Ẋ(0) = 0\n" + _OBJ_EQ,
    variables=(
        Variable("x", "first coordinate"),
        Variable("y", "second coordinate"),
        Variable("vx", "velocity dx/dt"),
        Variable("vy", "velocity dy/dt"),
    ),
    parameters=_objective_parameters(),
    presets=(
        Preset(
            "quadratic",
            "Ill-conditioned quadratic (a = 1, b = 0.1) from (1, 1)",
            source=_SBC_REF,
            params={"objective": "quadratic", "a": 1.0, "b": 0.1},
            initial=(1.0, 1.0, 0.0, 0.0),
            t_end=60.0,
        ),
        Preset(
            "rosenbrock",
            "Rosenbrock's banana valley from the classic start (−1.2, 1)",
            source=_ROSENBROCK_REF + "; " + _SBC_REF,
            params={"objective": "rosenbrock", "valley": 100.0},
            initial=(-1.2, 1.0, 0.0, 0.0),
            t_end=60.0,
        ),
    ),
    reference=_SBC_REF,
    rhs=nesterov_rhs,
    jacobian=nesterov_jac,
    default_dt=0.001,
    default_t_end=60.0,
    tags=("optimization", "machine learning"),
)


# --------------------------------------------------------------------------
# Polyak's heavy ball


@jit
def heavy_ball_rhs(t, y, p, out):
    gamma = p[4]
    gx, gy = _grad(p, y[0], y[1])
    out[0] = y[2]
    out[1] = y[3]
    out[2] = -gamma * y[2] - gx
    out[3] = -gamma * y[3] - gy


@jit
def heavy_ball_jac(t, y, p, J):
    gamma = p[4]
    hxx, hxy, hyy = _hessian(p, y[0], y[1])
    J[:, :] = 0.0
    J[0, 2] = 1.0
    J[1, 3] = 1.0
    J[2, 0] = -hxx
    J[2, 1] = -hxy
    J[3, 0] = -hxy
    J[3, 1] = -hyy
    J[2, 2] = -gamma
    J[3, 3] = -gamma


_POLYAK_REF = (
    "B. T. Polyak, Some methods of speeding up the convergence of iteration methods, "
    "USSR Comput. Math. Math. Phys. 4(5), 1–17 (1964)"
)

HEAVY_BALL = System(
    name="heavy_ball",
    title="Polyak's heavy-ball method as an ODE",
    kind="flow",
    description=(
        "Gradient descent with momentum in the small-step limit: a particle with constant friction γ "
        "in the landscape f. On a quadratic each coordinate is a damped harmonic oscillator; "
        "γ = 2√λ_min damps the slowest direction critically and makes every direction decay at "
        "the rate √λ_min, the continuous counterpart of Polyak's tuned momentum. The energy "
        "|Ẋ|²/2 + f decreases at the rate γ|Ẋ|²."
    ),
    equations="d²X/dt² + γ dX/dt + ∇f(X) = 0,  X = (x, y)\n" + _OBJ_EQ,
    variables=NESTEROV_ODE.variables,
    parameters=(
        *_objective_parameters(),
        Parameter(
            "gamma",
            2.0 * math.sqrt(0.1),
            "friction γ (the discrete momentum is β ≈ 1 − γ√η for step size η)",
            bounds=(0.0, 1e3),
        ),
    ),
    presets=(
        Preset(
            "quadratic_critical",
            "Quadratic (a = 1, b = 0.1), γ = 2√b: slow direction critically damped",
            source=_POLYAK_REF,
            params={"objective": "quadratic", "a": 1.0, "b": 0.1, "gamma": 2.0 * math.sqrt(0.1)},
            initial=(1.0, 1.0, 0.0, 0.0),
            t_end=40.0,
        ),
        Preset(
            "quadratic_underdamped",
            "Quadratic (a = 1, b = 0.1), γ = 0.1: oscillating approach",
            source=_POLYAK_REF,
            params={"objective": "quadratic", "a": 1.0, "b": 0.1, "gamma": 0.1},
            initial=(1.0, 1.0, 0.0, 0.0),
            t_end=100.0,
        ),
        Preset(
            "rosenbrock",
            "Rosenbrock's valley from (−1.2, 1), γ = 1",
            source=_ROSENBROCK_REF + "; " + _POLYAK_REF,
            params={"objective": "rosenbrock", "valley": 100.0, "gamma": 1.0},
            initial=(-1.2, 1.0, 0.0, 0.0),
            t_end=60.0,
        ),
    ),
    reference=_POLYAK_REF,
    rhs=heavy_ball_rhs,
    jacobian=heavy_ball_jac,
    default_dt=0.001,
    default_t_end=40.0,
    tags=("optimization", "machine learning"),
)

register(DEEP_LINEAR, NESTEROV_ODE, HEAVY_BALL)
