"""Discrete-time maps y_{k+1} = F(y_k).

For maps ``rhs(k, y, p, out)`` writes the next state and ``jacobian`` the
derivative dF/dy of one iteration (used by the Lyapunov spectrum).  Time
counts iterations.
"""

from __future__ import annotations

import math

import numpy as np

from ..catalog import register
from ..integrators.kernel_types import jit
from ..spec import Parameter, Preset, System, Variable

_TWO_PI = 2.0 * math.pi
_SPROTT = "J. C. Sprott, Chaos and Time-Series Analysis (Oxford, 2003), App. A"

_MAP_DEFAULTS = dict(
    kind="map",
    methods=("map",),
    default_method="map",
    default_dt=1.0,
    smooth=False,
)

# --------------------------------------------------------------------------
# Logistic map


@jit
def logistic_rhs(k, y, p, out):
    out[0] = p[0] * y[0] * (1.0 - y[0])


@jit
def logistic_jac(k, y, p, J):
    J[0, 0] = p[0] * (1.0 - 2.0 * y[0])


def logistic_period2(r: float) -> tuple[float, float]:
    """The two points of the period-2 orbit, which exists for r > 3."""
    root = math.sqrt((r + 1.0) * (r - 3.0))
    return ((r + 1.0) - root) / (2.0 * r), ((r + 1.0) + root) / (2.0 * r)


_MAY = "R. M. May, Simple mathematical models with very complicated dynamics, Nature 261, 459–467 (1976)"

LOGISTIC = System(
    name="logistic",
    title="Logistic map",
    description=(
        "Population with non-overlapping generations and crowding. Fixed point 1 − 1/r stable for "
        "1 < r < 3, then a period-doubling cascade accumulating at r∞ = 3.5699456… (Feigenbaum), "
        "chaos with periodic windows beyond, and at r = 4 the map is conjugate to the tent map: "
        "Lyapunov exponent ln 2. At r = 4 a floating-point orbit that lands exactly on x = 1/2 goes "
        "to 1 and then stays at 0; from a generic start such as 0.1234 this does not happen in practice."
    ),
    equations="x_{k+1} = r x_k (1 − x_k)",
    variables=(Variable("x", "population relative to its maximum"),),
    parameters=(Parameter("r", 4.0, "growth rate", bounds=(0.0, 4.0)),),
    presets=(
        Preset(
            "chaotic",
            "r = 4: fully developed chaos, λ = ln 2",
            source="S. M. Ulam & J. von Neumann, Bull. Amer. Math. Soc. 53, 1120 (1947); " + _MAY,
            params={"r": 4.0},
            initial=(0.1234,),
            t_end=1000.0,
        ),
        Preset("period2", "r = 3.2: period-2 orbit", source=_MAY, params={"r": 3.2}, initial=(0.1234,), t_end=200.0),
        Preset(
            "feigenbaum",
            "r = 3.5699456: accumulation point of period doubling",
            source="M. J. Feigenbaum, J. Stat. Phys. 19, 25–52 (1978)",
            params={"r": 3.5699456},
            initial=(0.1234,),
            t_end=2000.0,
        ),
        Preset(
            "period3",
            "r = 3.835: inside the period-3 window (opens at 1 + √8 ≈ 3.8284)",
            source="T.-Y. Li & J. A. Yorke, Period three implies chaos, Amer. Math. Monthly 82, 985 (1975); " + _MAY,
            params={"r": 3.835},
            initial=(0.1234,),
            t_end=500.0,
        ),
    ),
    reference=_MAY,
    rhs=logistic_rhs,
    jacobian=logistic_jac,
    default_t_end=1000.0,
    tags=("chaotic", "classic", "1-D map"),
    **_MAP_DEFAULTS,
)

# --------------------------------------------------------------------------
# Hénon map


@jit
def henon_rhs(k, y, p, out):
    out[0] = 1.0 - p[0] * y[0] * y[0] + y[1]
    out[1] = p[1] * y[0]


@jit
def henon_jac(k, y, p, J):
    J[0, 0] = -2.0 * p[0] * y[0]
    J[0, 1] = 1.0
    J[1, 0] = p[1]
    J[1, 1] = 0.0


_HENON_REF = "M. Hénon, A two-dimensional mapping with a strange attractor, Commun. Math. Phys. 50, 69–77 (1976)"

HENON = System(
    name="henon",
    title="Hénon map",
    description=(
        "A stretch-and-fold map of the plane with constant Jacobian determinant −b, so areas shrink "
        "by |b| each iteration and the Lyapunov exponents sum to ln|b|. At a = 1.4, b = 0.3 the "
        "attractor is a fractal (dimension ≈ 1.26) with exponents ≈ (0.4192, −1.6232)."
    ),
    equations="x_{k+1} = 1 − a x_k² + y_k\ny_{k+1} = b x_k",
    variables=(Variable("x", "first coordinate"), Variable("y", "second coordinate")),
    parameters=(
        Parameter("a", 1.4, "nonlinearity (folding)", bounds=(-10.0, 10.0)),
        Parameter("b", 0.3, "contraction; the Jacobian determinant is −b", bounds=(-10.0, 10.0)),
    ),
    presets=(
        Preset(
            "classic",
            "Hénon attractor (a = 1.4, b = 0.3)",
            source=_HENON_REF + "; " + _SPROTT,
            params={"a": 1.4, "b": 0.3},
            initial=(0.0, 0.0),
            t_end=10000.0,
        ),
        Preset(
            "period7",
            "a = 1.25, b = 0.3: period-7 window",
            source=_HENON_REF + " (parameters illustrative)",
            params={"a": 1.25, "b": 0.3},
            initial=(0.0, 0.0),
            t_end=2000.0,
        ),
    ),
    reference=_HENON_REF,
    rhs=henon_rhs,
    jacobian=henon_jac,
    default_t_end=10000.0,
    tags=("chaotic", "classic", "strange attractor"),
    **_MAP_DEFAULTS,
)

# --------------------------------------------------------------------------
# Chirikov standard map


@jit
def _wrap(x):
    r = x - _TWO_PI * np.floor(x / _TWO_PI)
    # x/2π of a tiny negative x rounds so that r can come out as exactly 2π
    if r >= _TWO_PI:
        r -= _TWO_PI
    return r


@jit
def standard_rhs(k, y, p, out):
    pn = y[1] + p[0] * np.sin(y[0])
    out[0] = _wrap(y[0] + pn)
    out[1] = pn


@jit
def standard_jac(k, y, p, J):
    # derivative of the map on the cylinder (the wrap of θ has unit slope)
    kc = p[0] * np.cos(y[0])
    J[0, 0] = 1.0 + kc
    J[0, 1] = 1.0
    J[1, 0] = kc
    J[1, 1] = 1.0


_CHIRIKOV = (
    "B. V. Chirikov, A universal instability of many-dimensional oscillator systems, Phys. Rep. 52, 263–379 (1979)"
)

STANDARD = System(
    name="standard",
    title="Chirikov standard map",
    description=(
        "The kicked rotor: a free rotor kicked periodically with strength K, observed just after each "
        "kick. Area-preserving (the Lyapunov exponents sum to zero). θ is kept in [0, 2π); p is NOT "
        "reduced, so that the unbounded diffusion of the momentum above K ≈ 0.9716 (Greene's last "
        "invariant circle breaks) can be seen; take p mod 2π to draw the torus phase portrait, "
        "where the map is periodic in p with period 2π. For large K the largest exponent is "
        "≈ ln(K/2)."
    ),
    equations="p_{k+1} = p_k + K sin θ_k\nθ_{k+1} = θ_k + p_{k+1}  (mod 2π)",
    variables=(
        Variable("theta", "angle of the rotor, in [0, 2π)", "rad"),
        Variable("p", "angular momentum (not reduced mod 2π)"),
    ),
    parameters=(Parameter("K", 0.971635406, "kick strength", bounds=(-100.0, 100.0)),),
    presets=(
        Preset(
            "kam",
            "K = 0.5: mostly invariant circles (KAM tori) and island chains",
            source=_CHIRIKOV,
            params={"K": 0.5},
            initial=(1.0, 1.5),
            t_end=5000.0,
        ),
        Preset(
            "critical",
            "K = 0.971635: Greene's threshold, the last rotational invariant circle breaks",
            source="J. M. Greene, A method for determining a stochastic transition, "
            "J. Math. Phys. 20, 1183–1201 (1979)",
            params={"K": 0.971635406},
            initial=(0.0, 2.5),
            t_end=10000.0,
        ),
        Preset(
            "global_chaos",
            "K = 5: global chaos, momentum diffuses",
            source=_CHIRIKOV,
            params={"K": 5.0},
            initial=(1.0, 0.5),
            t_end=10000.0,
        ),
    ),
    reference=_CHIRIKOV,
    rhs=standard_rhs,
    jacobian=standard_jac,
    default_t_end=10000.0,
    tags=("chaotic", "classic", "hamiltonian", "area-preserving"),
    **_MAP_DEFAULTS,
)

# --------------------------------------------------------------------------
# Ikeda map


@jit
def ikeda_rhs(k, y, p, out):
    a, u, kappa, alpha = p[0], p[1], p[2], p[3]
    x, yy = y[0], y[1]
    t = kappa - alpha / (1.0 + x * x + yy * yy)
    c = np.cos(t)
    s = np.sin(t)
    out[0] = a + u * (x * c - yy * s)
    out[1] = u * (x * s + yy * c)


@jit
def ikeda_jac(k, y, p, J):
    u, kappa, alpha = p[1], p[2], p[3]
    x, yy = y[0], y[1]
    q = 1.0 + x * x + yy * yy
    t = kappa - alpha / q
    c = np.cos(t)
    s = np.sin(t)
    dtx = 2.0 * alpha * x / (q * q)
    dty = 2.0 * alpha * yy / (q * q)
    # d(rotated x)/dt = −(x sin t + y cos t), d(rotated y)/dt = x cos t − y sin t
    rx = -(x * s + yy * c)
    ry = x * c - yy * s
    J[0, 0] = u * (c + rx * dtx)
    J[0, 1] = u * (-s + rx * dty)
    J[1, 0] = u * (s + ry * dtx)
    J[1, 1] = u * (c + ry * dty)


_IKEDA_REF = (
    "K. Ikeda, Multiple-valued stationary state and its instability of the transmitted light by a "
    "ring cavity system, Opt. Commun. 30, 257–261 (1979)"
)

IKEDA = System(
    name="ikeda",
    title="Ikeda map",
    description=(
        "Light circulating in a ring cavity with a nonlinear dielectric: each round trip the field "
        "z = x + iy is attenuated by u, phase-shifted by an amount that depends on its intensity, and "
        "added to the injected field a: z → a + u z exp(i(κ − α/(1 + |z|²))). The phase twist "
        "preserves area, so the Jacobian determinant is u² and the exponents sum to 2 ln u. "
        "Chaotic attractor at u = 0.9 (exponents ≈ 0.51, −0.72 per Sprott)."
    ),
    equations=(
        "t_k = κ − α / (1 + x_k² + y_k²)\n"
        "x_{k+1} = a + u (x_k cos t_k − y_k sin t_k)\n"
        "y_{k+1} = u (x_k sin t_k + y_k cos t_k)"
    ),
    variables=(Variable("x", "real part of the field"), Variable("y", "imaginary part of the field")),
    parameters=(
        Parameter("a", 1.0, "injected field amplitude", bounds=(-100.0, 100.0)),
        Parameter("u", 0.9, "round-trip attenuation (1 − losses)", bounds=(0.0, 1.0)),
        Parameter("kappa", 0.4, "empty-cavity phase detuning κ", "rad", bounds=(-100.0, 100.0)),
        Parameter("alpha", 6.0, "strength of the intensity-dependent phase α", "rad", bounds=(-1000.0, 1000.0)),
    ),
    presets=(
        Preset(
            "classic",
            "u = 0.9: chaotic attractor",
            source=_SPROTT,
            params={"a": 1.0, "u": 0.9, "kappa": 0.4, "alpha": 6.0},
            initial=(0.0, 0.0),
            t_end=10000.0,
        ),
        Preset(
            "fixed_point",
            "u = 0.6: attracting fixed point",
            source=_SPROTT + " (u illustrative)",
            params={"a": 1.0, "u": 0.6, "kappa": 0.4, "alpha": 6.0},
            initial=(0.0, 0.0),
            t_end=500.0,
        ),
    ),
    reference=_IKEDA_REF,
    rhs=ikeda_rhs,
    jacobian=ikeda_jac,
    default_t_end=10000.0,
    tags=("chaotic", "optics", "strange attractor"),
    **_MAP_DEFAULTS,
)

# --------------------------------------------------------------------------
# Tent map
#
# At μ = 2 the map is useless in binary floating point: 2x and 2(1 − x) are
# computed exactly, every float is a dyadic rational m/2^e, and each
# iteration shortens its binary expansion by one bit, so every orbit lands
# on exactly 0 (and stays there) within ~60 iterations (57 from 0.1234;
# up to ~1100 from a subnormal).  For μ < 2 the multiplication rounds and orbits keep wandering
# over the band [μ(1 − μ/2), μ/2], so the default is μ = 1.99.


@jit
def tent_rhs(k, y, p, out):
    x = y[0]
    out[0] = p[0] * (x if x < 0.5 else 1.0 - x)


@jit
def tent_jac(k, y, p, J):
    J[0, 0] = p[0] if y[0] < 0.5 else -p[0]


TENT = System(
    name="tent",
    title="Tent map",
    description=(
        "Piecewise-linear stretch and fold; |F'| = μ everywhere, so the Lyapunov exponent is ln μ on "
        "the attractor. The default is μ = 1.99 rather than 2: at μ = 2 every floating-point orbit "
        "collapses onto the fixed point 0 within about 60 iterations (the doubling is exact in "
        "binary and shifts one bit out of the number each time), so the chaos of the exact map is "
        "invisible. For 1 < μ < 2 orbits stay in [μ(1 − μ/2), μ/2]."
    ),
    equations="x_{k+1} = μ min(x_k, 1 − x_k)",
    variables=(Variable("x", "position in [0, 1]"),),
    parameters=(Parameter("mu", 1.99, "slope μ", bounds=(0.0, 2.0)),),
    presets=(
        Preset(
            "chaotic",
            "μ = 1.99: chaotic band, λ = ln 1.99",
            source="E. Ott, Chaos in Dynamical Systems, 2nd ed. (Cambridge, 2002), ch. 2",
            params={"mu": 1.99},
            initial=(0.1234,),
            t_end=1000.0,
        ),
        Preset(
            "two_bands",
            "μ = 1.3: attractor in two bands (merging at μ = √2)",
            source="E. Ott, Chaos in Dynamical Systems, 2nd ed. (Cambridge, 2002), ch. 2",
            params={"mu": 1.3},
            initial=(0.1234,),
            t_end=1000.0,
        ),
    ),
    reference="E. Ott, Chaos in Dynamical Systems, 2nd ed. (Cambridge University Press, 2002), ch. 2",
    rhs=tent_rhs,
    jacobian=tent_jac,
    default_t_end=1000.0,
    tags=("chaotic", "1-D map"),
    **_MAP_DEFAULTS,
)

# --------------------------------------------------------------------------
# Age-structured predator–prey map in the Leslie tradition
#
# Our own formulation (not a specific paper's model).  Each species has two
# age classes with a Leslie matrix [[f1, f2], [s, 0]] (the older class does
# not survive a further step).  Predation follows Nicholson & Bailey: a prey
# escapes all predators with probability e = exp(−c P), P = P1 + P2; the
# escaping prey breed and survive, the prey eaten, N (1 − e), produce g
# predator recruits each.  Prey breeding is damped by crowding through the
# factor 1/(1 + d N) so that prey alone settle at N* = (f1 + f2 s1 − 1)/d.


@jit
def leslie_rhs(k, y, p, out):
    f1, f2, s1, d, c, g, q = p[0], p[1], p[2], p[3], p[4], p[5], p[6]
    N1, N2, P1, P2 = y[0], y[1], y[2], y[3]
    N = N1 + N2
    e = np.exp(-c * (P1 + P2))
    out[0] = e * (f1 * N1 + f2 * N2) / (1.0 + d * N)
    out[1] = e * s1 * N1
    out[2] = g * N * (1.0 - e)
    out[3] = q * P1


@jit
def leslie_jac(k, y, p, J):
    f1, f2, s1, d, c, g, q = p[0], p[1], p[2], p[3], p[4], p[5], p[6]
    N1, N2, P1, P2 = y[0], y[1], y[2], y[3]
    N = N1 + N2
    e = np.exp(-c * (P1 + P2))
    B = f1 * N1 + f2 * N2
    Q = 1.0 + d * N
    J[0, 0] = e * (f1 * Q - B * d) / (Q * Q)
    J[0, 1] = e * (f2 * Q - B * d) / (Q * Q)
    J[0, 2] = -c * e * B / Q
    J[0, 3] = -c * e * B / Q
    J[1, 0] = e * s1
    J[1, 1] = 0.0
    J[1, 2] = -c * e * s1 * N1
    J[1, 3] = -c * e * s1 * N1
    J[2, 0] = g * (1.0 - e)
    J[2, 1] = g * (1.0 - e)
    J[2, 2] = g * N * c * e
    J[2, 3] = g * N * c * e
    J[3, 0] = 0.0
    J[3, 1] = 0.0
    J[3, 2] = q
    J[3, 3] = 0.0


_LESLIE_REF = (
    "P. H. Leslie, Some further notes on the use of matrices in population mathematics, Biometrika 35, 213–245 (1948)"
)
_NB_REF = (
    "A. J. Nicholson & V. A. Bailey, The balance of animal populations, Part I, "
    "Proc. Zool. Soc. Lond. 105, 551–598 (1935)"
)

LESLIE_PREDATOR_PREY = System(
    name="leslie_predator_prey",
    title="Age-structured predator–prey map (Leslie matrices)",
    description=(
        "A model in the Leslie tradition, formulated for this catalog (it is not the model of a "
        "specific paper): prey and predators each have two age classes (young, old) advanced by a "
        "Leslie matrix; old individuals do not survive a further step. Leslie (1948) introduced "
        "matrix models of interacting predator and prey populations; the encounter term "
        "exp(−cP) is Nicholson & Bailey's (1935) escape probability and the crowding factor "
        "1/(1 + dN) is of Beverton–Holt type. Without predators the prey settle at "
        "N* = (f1 + f2 s1 − 1)/d; predators invade when g c N* (1 + q) > 1. "
        "Large oscillations can drive the predators to numerical extinction (the instability of the "
        "Nicholson–Bailey model). Populations in arbitrary units, one step per generation."
    ),
    equations=(
        "N = N1 + N2,  P = P1 + P2,  e = exp(−c P)\n"
        "N1_{k+1} = e (f1 N1 + f2 N2) / (1 + d N)\n"
        "N2_{k+1} = e s1 N1\n"
        "P1_{k+1} = g N (1 − e)\n"
        "P2_{k+1} = q P1"
    ),
    variables=(
        Variable("N1", "young prey"),
        Variable("N2", "old prey"),
        Variable("P1", "young predators"),
        Variable("P2", "old predators"),
    ),
    parameters=(
        Parameter("f1", 1.0, "prey fecundity of the young class", bounds=(0.0, 100.0)),
        Parameter("f2", 3.0, "prey fecundity of the old class", bounds=(0.0, 100.0)),
        Parameter("s1", 0.5, "survival of young prey to the old class", bounds=(0.0, 1.0)),
        Parameter("d", 0.01, "prey crowding coefficient (1/d sets the population scale)", bounds=(0.0, 100.0)),
        Parameter("c", 0.05, "predator search efficiency (per predator per step)", bounds=(0.0, 100.0)),
        Parameter("g", 0.2, "predator recruits per prey eaten", bounds=(0.0, 100.0)),
        Parameter("q", 0.5, "survival of young predators to the old class", bounds=(0.0, 1.0)),
    ),
    presets=(
        Preset(
            "equilibrium",
            "f2 = 3: damped oscillations into a stable coexistence point",
            source=_LESLIE_REF + " (model form; values illustrative)",
            params={"f1": 1.0, "f2": 3.0, "s1": 0.5, "d": 0.01, "c": 0.05, "g": 0.2, "q": 0.5},
            initial=(50.0, 20.0, 1.0, 0.0),
            t_end=500.0,
        ),
        Preset(
            "cycles",
            "f2 = 8: the coexistence point is unstable; populations circulate on a closed "
            "invariant curve (largest Lyapunov exponent ≈ 0)",
            source=_LESLIE_REF + " (model form; values illustrative)",
            params={"f1": 1.0, "f2": 8.0, "s1": 0.5, "d": 0.01, "c": 0.05, "g": 0.2, "q": 0.5},
            initial=(50.0, 20.0, 1.0, 0.0),
            t_end=5000.0,
        ),
    ),
    reference=_LESLIE_REF + "; " + _NB_REF,
    rhs=leslie_rhs,
    jacobian=leslie_jac,
    default_t_end=2000.0,
    tags=("population", "ecology"),
    **_MAP_DEFAULTS,
)

register(LOGISTIC, HENON, STANDARD, IKEDA, TENT, LESLIE_PREDATOR_PREY)
