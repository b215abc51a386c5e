"""Dissipative chaotic flows in three (or N) dimensions.

Parameter values are the ones of the original papers unless a preset says
otherwise; Sprott, *Chaos and Time-Series Analysis* (Oxford, 2003), App. A,
collects most of them.
"""

from __future__ import annotations

import math

import numpy as np

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

# --------------------------------------------------------------------------
# Rössler (1976)


@jit
def rossler_rhs(t, y, p, out):
    """dx/dt = −y − z, dy/dt = x + ay, dz/dt = b + z(x − c)."""
    a, b, c = p[0], p[1], p[2]
    out[0] = -y[1] - y[2]
    out[1] = y[0] + a * y[1]
    out[2] = b + y[2] * (y[0] - c)


@jit
def rossler_jac(t, y, p, J):
    a, c = p[0], p[2]
    J[0, 0] = 0.0
    J[0, 1] = -1.0
    J[0, 2] = -1.0
    J[1, 0] = 1.0
    J[1, 1] = a
    J[1, 2] = 0.0
    J[2, 0] = y[2]
    J[2, 1] = 0.0
    J[2, 2] = y[0] - c


ROSSLER = System(
    name="rossler",
    title="Rössler system",
    kind="flow",
    description=(
        "A single-band spiral attractor: the orbit spirals out in the (x, y) plane and is "
        "reinjected by a spike in z, the simplest stretch-and-fold mechanism. Lyapunov "
        "spectrum at a = b = 0.2, c = 5.7: (0.0714, 0, −5.3943) (Sprott 2003)."
    ),
    equations="dx/dt = −y − z\ndy/dt = x + a y\ndz/dt = b + z (x − c)",
    variables=(
        Variable("x", "first coordinate of the spiral plane"),
        Variable("y", "second coordinate of the spiral plane"),
        Variable("z", "reinjection coordinate"),
    ),
    parameters=(
        Parameter("a", 0.2, "growth rate of the spiral in the (x, y) plane", bounds=(-1.0, 1.0)),
        Parameter("b", 0.2, "constant feed of z", bounds=(0.0, 10.0)),
        Parameter("c", 5.7, "threshold of x above which z grows", bounds=(0.0, 50.0)),
    ),
    presets=(
        Preset(
            "classic",
            "Spiral chaos (a = b = 0.2, c = 5.7)",
            source="Rössler, Phys. Lett. A 57, 397 (1976)",
            params={"a": 0.2, "b": 0.2, "c": 5.7},
            initial=(1.0, 1.0, 0.0),
            t_end=500.0,
        ),
        Preset(
            "period_two",
            "Period-2 orbit after the first period doubling (c = 3.5)",
            source="Strogatz, Nonlinear Dynamics and Chaos (Addison-Wesley, 1994), ch. 12",
            params={"a": 0.2, "b": 0.2, "c": 3.5},
            initial=(1.0, 1.0, 0.0),
            t_end=300.0,
            description="c = 2.5 gives a period-1 cycle, c = 3.5 period 2, c = 4 period 4, c = 5 chaos.",
        ),
    ),
    reference="O. E. Rössler, An equation for continuous chaos, Phys. Lett. A 57, 397–398 (1976)",
    rhs=rossler_rhs,
    jacobian=rossler_jac,
    default_dt=0.02,
    default_t_end=500.0,
    tags=("chaotic", "classic"),
)

# --------------------------------------------------------------------------
# Chen (1999)


@jit
def chen_rhs(t, y, p, out):
    """dx/dt = a(y − x), dy/dt = (c − a)x − xz + cy, dz/dt = xy − bz."""
    a, b, c = p[0], p[1], p[2]
    out[0] = a * (y[1] - y[0])
    out[1] = (c - a) * y[0] - y[0] * y[2] + c * y[1]
    out[2] = y[0] * y[1] - b * y[2]


@jit
def chen_jac(t, y, p, J):
    a, b, c = p[0], p[1], p[2]
    J[0, 0] = -a
    J[0, 1] = a
    J[0, 2] = 0.0
    J[1, 0] = c - a - y[2]
    J[1, 1] = c
    J[1, 2] = -y[0]
    J[2, 0] = y[1]
    J[2, 1] = y[0]
    J[2, 2] = -b


CHEN = System(
    name="chen",
    title="Chen system",
    kind="flow",
    description=(
        "Found by anti-control of chaos: a Lorenz-like two-wing attractor. The product of the "
        "linear cross-couplings, a (c − a), is negative here and positive (σρ) for Lorenz, and "
        "Chen & Ueta present the system as Lorenz's dual. The divergence is c − a − b = −10, "
        "so the Lyapunov exponents sum to −10."
    ),
    equations="dx/dt = a (y − x)\ndy/dt = (c − a) x − x z + c y\ndz/dt = x y − b z",
    variables=(
        Variable("x", "first coordinate"),
        Variable("y", "second coordinate"),
        Variable("z", "third coordinate"),
    ),
    parameters=(
        Parameter("a", 35.0, "coupling rate of x to y", bounds=(0.0, 200.0)),
        Parameter("b", 3.0, "damping of z", bounds=(0.0, 50.0)),
        Parameter("c", 28.0, "self-excitation of y", bounds=(0.0, 200.0)),
    ),
    presets=(
        Preset(
            "classic",
            "Chen attractor (a = 35, b = 3, c = 28)",
            source="Chen & Ueta, Int. J. Bifurcation Chaos 9, 1465 (1999)",
            params={"a": 35.0, "b": 3.0, "c": 28.0},
            initial=(-10.0, 0.0, 37.0),
            t_end=50.0,
        ),
    ),
    reference="G. Chen and T. Ueta, Yet another chaotic attractor, Int. J. Bifurcation Chaos 9, 1465–1466 (1999)",
    rhs=chen_rhs,
    jacobian=chen_jac,
    default_dt=0.005,
    default_t_end=50.0,
    tags=("chaotic",),
)

# --------------------------------------------------------------------------
# Chua's circuit (Matsumoto 1984; Chua, Komuro & Matsumoto 1986)


@jit
def chua_rhs(t, y, p, out):
    """dx/dt = α(y − x − f(x)), dy/dt = x − y + z, dz/dt = −βy,
    f(x) = m1 x + ½(m0 − m1)(|x + 1| − |x − 1|)."""
    alpha, beta, m0, m1 = p[0], p[1], p[2], p[3]
    x = y[0]
    f = m1 * x + 0.5 * (m0 - m1) * (abs(x + 1.0) - abs(x - 1.0))
    out[0] = alpha * (y[1] - x - f)
    out[1] = x - y[1] + y[2]
    out[2] = -beta * y[1]


@jit
def chua_jac(t, y, p, J):
    alpha, beta, m0, m1 = p[0], p[1], p[2], p[3]
    # the diode's slope; at the breakpoints |x| = 1 the outer one is taken
    slope = m0 if abs(y[0]) < 1.0 else m1
    J[0, 0] = -alpha * (1.0 + slope)
    J[0, 1] = alpha
    J[0, 2] = 0.0
    J[1, 0] = 1.0
    J[1, 1] = -1.0
    J[1, 2] = 1.0
    J[2, 0] = 0.0
    J[2, 1] = -beta
    J[2, 2] = 0.0


CHUA = System(
    name="chua",
    title="Chua's circuit",
    kind="flow",
    description=(
        "The dimensionless Chua circuit: two capacitors (x, y are their voltages over the "
        "diode's breakpoint voltage), an inductor (z, its scaled current) and Chua's diode, a "
        "piecewise-linear negative resistor with inner slope m0 and outer slope m1. The "
        "double-scroll attractor circles the two outer equilibria. The set α = 15.6, β = 28, "
        "m0 = −1.143, m1 = −0.714 (m0 ≈ −8/7, m1 ≈ −5/7) is the one most often quoted for the "
        "double scroll in textbooks and software; we could not trace it to a single original "
        "paper. The preset 'double_scroll_1986' has the values of Chua, Komuro & Matsumoto, "
        "who write the diode together with the resistor as h(x) = x + f(x) (slopes −1/7 and 2/7). "
        "The right-hand side is only piecewise smooth, so adaptive steps shrink at |x| = 1."
    ),
    equations=(
        "dx/dt = α (y − x − f(x))\ndy/dt = x − y + z\ndz/dt = −β y\nf(x) = m1 x + ½ (m0 − m1) (|x + 1| − |x − 1|)"
    ),
    variables=(
        Variable("x", "voltage across C1 (in units of the breakpoint voltage)"),
        Variable("y", "voltage across C2 (in units of the breakpoint voltage)"),
        Variable("z", "current through the inductor (scaled)"),
    ),
    parameters=(
        Parameter("alpha", 15.6, "capacitance ratio C2/C1", bounds=(0.0, 100.0)),
        Parameter("beta", 28.0, "R²C2/L", bounds=(0.0, 100.0)),
        Parameter("m0", -1.143, "slope of the diode characteristic for |x| < 1 (times R)", bounds=(-10.0, 10.0)),
        Parameter("m1", -0.714, "slope of the diode characteristic for |x| > 1 (times R)", bounds=(-10.0, 10.0)),
    ),
    presets=(
        Preset(
            "double_scroll",
            "Double scroll (α = 15.6, β = 28, m0 = −1.143, m1 = −0.714)",
            source="the set most quoted in textbooks and software; no original paper traced (see "
            "Chua, Komuro & Matsumoto, IEEE Trans. Circuits Syst. 33, 1072 (1986) for the family)",
            params={"alpha": 15.6, "beta": 28.0, "m0": -1.143, "m1": -0.714},
            initial=(0.7, 0.0, 0.0),
            t_end=200.0,
        ),
        Preset(
            "double_scroll_1986",
            "Double scroll of 'The double scroll family' (α = 9, β = 100/7, m0 = −8/7, m1 = −5/7)",
            source="Chua, Komuro & Matsumoto, IEEE Trans. Circuits Syst. 33, 1072 (1986)",
            params={"alpha": 9.0, "beta": 100.0 / 7.0, "m0": -8.0 / 7.0, "m1": -5.0 / 7.0},
            initial=(0.7, 0.0, 0.0),
            t_end=200.0,
        ),
    ),
    reference=(
        "T. Matsumoto, A chaotic attractor from Chua's circuit, IEEE Trans. Circuits Syst. 31, "
        "1055–1058 (1984); L. O. Chua, M. Komuro and T. Matsumoto, The double scroll family, "
        "IEEE Trans. Circuits Syst. 33, 1072–1118 (1986)"
    ),
    rhs=chua_rhs,
    jacobian=chua_jac,
    default_dt=0.01,
    default_t_end=200.0,
    smooth=False,
    tags=("chaotic", "circuit", "piecewise-linear"),
)

# --------------------------------------------------------------------------
# Thomas' cyclically symmetric attractor (1999)


@jit
def thomas_rhs(t, y, p, out):
    """dx/dt = sin y − bx, dy/dt = sin z − by, dz/dt = sin x − bz."""
    b = p[0]
    out[0] = math.sin(y[1]) - b * y[0]
    out[1] = math.sin(y[2]) - b * y[1]
    out[2] = math.sin(y[0]) - b * y[2]


@jit
def thomas_jac(t, y, p, J):
    b = p[0]
    J[0, 0] = -b
    J[0, 1] = math.cos(y[1])
    J[0, 2] = 0.0
    J[1, 0] = 0.0
    J[1, 1] = -b
    J[1, 2] = math.cos(y[2])
    J[2, 0] = math.cos(y[0])
    J[2, 1] = 0.0
    J[2, 2] = -b


THOMAS = System(
    name="thomas",
    title="Thomas' cyclically symmetric attractor",
    kind="flow",
    description=(
        "Three variables each driven by the sine of the next, with damping b; symmetric under "
        "the cyclic exchange x → y → z → x. The divergence is −3b. The origin is stable for "
        "b > 1; as b falls, limit cycles appear and period-double into chaos. b = 0.208186, "
        "the value usually shown, sits at the edge of chaos (largest exponent ≈ 0.006 "
        "measured here); at b = 0.18 the chaos is developed (≈ 0.04), and at b = 0 the flow "
        "conserves volume and the orbit wanders through the infinite lattice of cells "
        "('labyrinth chaos')."
    ),
    equations="dx/dt = sin y − b x\ndy/dt = sin z − b y\ndz/dt = sin x − b z",
    variables=(
        Variable("x", "first coordinate"),
        Variable("y", "second coordinate"),
        Variable("z", "third coordinate"),
    ),
    parameters=(Parameter("b", 0.208186, "damping rate", bounds=(0.0, 2.0)),),
    presets=(
        Preset(
            "classic",
            "Onset of chaos (b = 0.208186)",
            source="Thomas, Int. J. Bifurcation Chaos 9, 1889 (1999)",
            params={"b": 0.208186},
            initial=(0.1, 0.0, 0.0),
            t_end=1000.0,
        ),
        Preset(
            "developed",
            "Developed chaos (b = 0.18)",
            source="Sprott & Chlouverakis, Int. J. Bifurcation Chaos 17, 2097 (2007)",
            params={"b": 0.18},
            initial=(0.1, 0.0, 0.0),
            t_end=1000.0,
        ),
        Preset(
            "labyrinth",
            "Labyrinth chaos: conservative chaotic walk (b = 0)",
            source="Thomas, Int. J. Bifurcation Chaos 9, 1889 (1999); Sprott & Chlouverakis, "
            "Int. J. Bifurcation Chaos 17, 2097 (2007)",
            params={"b": 0.0},
            initial=(0.1, 0.0, 0.0),
            t_end=1000.0,
        ),
    ),
    reference=(
        "R. Thomas, Deterministic chaos seen in terms of feedback circuits: analysis, synthesis, "
        "'labyrinth chaos', Int. J. Bifurcation Chaos 9, 1889–1905 (1999)"
    ),
    rhs=thomas_rhs,
    jacobian=thomas_jac,
    default_dt=0.05,
    default_t_end=1000.0,
    tags=("chaotic", "symmetric"),
)

# --------------------------------------------------------------------------
# Halvorsen


@jit
def halvorsen_rhs(t, y, p, out):
    """dx/dt = −ax − 4y − 4z − y², and cyclically."""
    a = p[0]
    x, v, w = y[0], y[1], y[2]
    out[0] = -a * x - 4.0 * v - 4.0 * w - v * v
    out[1] = -a * v - 4.0 * w - 4.0 * x - w * w
    out[2] = -a * w - 4.0 * x - 4.0 * v - x * x


@jit
def halvorsen_jac(t, y, p, J):
    a = p[0]
    J[0, 0] = -a
    J[0, 1] = -4.0 - 2.0 * y[1]
    J[0, 2] = -4.0
    J[1, 0] = -4.0
    J[1, 1] = -a
    J[1, 2] = -4.0 - 2.0 * y[2]
    J[2, 0] = -4.0 - 2.0 * y[0]
    J[2, 1] = -4.0
    J[2, 2] = -a


HALVORSEN = System(
    name="halvorsen",
    title="Halvorsen's cyclically symmetric attractor",
    kind="flow",
    description=(
        "A quadratic flow with the cyclic symmetry x → y → z → x, attributed by Sprott to "
        "Arne Halvorsen (unpublished). Divergence −3a. At Sprott's a = 1.27 it is chaotic "
        "(largest Lyapunov exponent ≈ 0.79, measured here). The value a = 1.89 seen in many "
        "attractor galleries is not chaotic: every start we tried settles on a limit cycle "
        "(exponents ≈ 0, −0.36, −5.31); it is kept as the preset 'limit_cycle'."
    ),
    equations="dx/dt = −a x − 4 y − 4 z − y²\ndy/dt = −a y − 4 z − 4 x − z²\ndz/dt = −a z − 4 x − 4 y − x²",
    variables=(
        Variable("x", "first coordinate"),
        Variable("y", "second coordinate"),
        Variable("z", "third coordinate"),
    ),
    parameters=(Parameter("a", 1.27, "damping rate", bounds=(0.0, 10.0)),),
    presets=(
        Preset(
            "classic",
            "Halvorsen attractor (a = 1.27)",
            source="Sprott, Chaos and Time-Series Analysis (Oxford, 2003), App. A",
            params={"a": 1.27},
            initial=(-1.48, -1.51, 2.04),
            t_end=200.0,
        ),
        Preset(
            "limit_cycle",
            "Limit cycle at the gallery value a = 1.89",
            source="Sprott, Elegant Chaos: Algebraically Simple Chaotic Flows (World Scientific, 2010) "
            "for the system; a = 1.89 from attractor galleries, found periodic here",
            params={"a": 1.89},
            initial=(-1.48, -1.51, 2.04),
            t_end=200.0,
        ),
    ),
    reference=(
        "J. C. Sprott, Chaos and Time-Series Analysis (Oxford University Press, 2003); "
        "J. C. Sprott, Elegant Chaos: Algebraically Simple Chaotic Flows (World Scientific, 2010)"
    ),
    rhs=halvorsen_rhs,
    jacobian=halvorsen_jac,
    default_dt=0.01,
    default_t_end=200.0,
    tags=("chaotic", "symmetric"),
)

# --------------------------------------------------------------------------
# Aizawa / Langford


@jit
def aizawa_rhs(t, y, p, out):
    """dx/dt = (z − b)x − dy, dy/dt = dx + (z − b)y,
    dz/dt = c + az − z³/3 − (x² + y²)(1 + ez) + fzx³."""
    a, b, c, d, e, f = p[0], p[1], p[2], p[3], p[4], p[5]
    x, v, z = y[0], y[1], y[2]
    out[0] = (z - b) * x - d * v
    out[1] = d * x + (z - b) * v
    out[2] = c + a * z - z * z * z / 3.0 - (x * x + v * v) * (1.0 + e * z) + f * z * x * x * x


@jit
def aizawa_jac(t, y, p, J):
    a, b, d, e, f = p[0], p[1], p[3], p[4], p[5]
    x, v, z = y[0], y[1], y[2]
    J[0, 0] = z - b
    J[0, 1] = -d
    J[0, 2] = x
    J[1, 0] = d
    J[1, 1] = z - b
    J[1, 2] = v
    J[2, 0] = -2.0 * x * (1.0 + e * z) + 3.0 * f * z * x * x
    J[2, 1] = -2.0 * v * (1.0 + e * z)
    J[2, 2] = a - z * z - e * (x * x + v * v) + f * x * x * x


AIZAWA = System(
    name="aizawa",
    title="Aizawa (Langford) attractor",
    kind="flow",
    description=(
        "A rotating flow (angular rate d about the z axis) whose invariant torus breaks up "
        "into a chaotic 'apple core'; the f z x³ term breaks the rotational symmetry. The "
        "system is a form of Langford's model of torus bifurcations; the name 'Aizawa "
        "attractor' and this parameter set circulate in attractor collections, not in a "
        "paper we could verify, so the preset's source names Langford's model only."
    ),
    equations=(
        "dx/dt = (z − b) x − d y\ndy/dt = d x + (z − b) y\ndz/dt = c + a z − z³/3 − (x² + y²)(1 + e z) + f z x³"
    ),
    variables=(
        Variable("x", "first coordinate of the rotation plane"),
        Variable("y", "second coordinate of the rotation plane"),
        Variable("z", "axial coordinate"),
    ),
    parameters=(
        Parameter("a", 0.95, "linear growth of z", bounds=(-5.0, 5.0)),
        Parameter("b", 0.7, "offset of the radial growth rate z − b", bounds=(-5.0, 5.0)),
        Parameter("c", 0.6, "constant feed of z", bounds=(-5.0, 5.0)),
        Parameter("d", 3.5, "angular velocity about the z axis", bounds=(-20.0, 20.0)),
        Parameter("e", 0.25, "coupling of the radius to z", bounds=(-5.0, 5.0)),
        Parameter("f", 0.1, "symmetry-breaking strength", bounds=(-5.0, 5.0)),
    ),
    presets=(
        Preset(
            "classic",
            "Aizawa attractor (a = 0.95, b = 0.7, c = 0.6, d = 3.5, e = 0.25, f = 0.1)",
            source="model: Langford, in Numerical Methods for Bifurcation Problems, ISNM 70, 285 "
            "(Birkhäuser, 1984); parameter set from attractor collections (unverified)",
            params={"a": 0.95, "b": 0.7, "c": 0.6, "d": 3.5, "e": 0.25, "f": 0.1},
            initial=(0.1, 0.0, 0.0),
            t_end=200.0,
        ),
    ),
    reference=(
        "W. F. Langford, Numerical studies of torus bifurcations, in Numerical Methods for "
        "Bifurcation Problems, ISNM 70, 285–295 (Birkhäuser, 1984)"
    ),
    rhs=aizawa_rhs,
    jacobian=aizawa_jac,
    default_dt=0.01,
    default_t_end=200.0,
    tags=("chaotic", "torus"),
)

# --------------------------------------------------------------------------
# Rabinovich–Fabrikant (1979)


@jit
def rabinovich_fabrikant_rhs(t, y, p, out):
    """dx/dt = y(z − 1 + x²) + γx, dy/dt = x(3z + 1 − x²) + γy, dz/dt = −2z(α + xy)."""
    gamma, alpha = p[0], p[1]
    x, v, z = y[0], y[1], y[2]
    out[0] = v * (z - 1.0 + x * x) + gamma * x
    out[1] = x * (3.0 * z + 1.0 - x * x) + gamma * v
    out[2] = -2.0 * z * (alpha + x * v)


@jit
def rabinovich_fabrikant_jac(t, y, p, J):
    gamma, alpha = p[0], p[1]
    x, v, z = y[0], y[1], y[2]
    J[0, 0] = 2.0 * x * v + gamma
    J[0, 1] = z - 1.0 + x * x
    J[0, 2] = v
    J[1, 0] = 3.0 * z + 1.0 - 3.0 * x * x
    J[1, 1] = gamma
    J[1, 2] = 3.0 * x
    J[2, 0] = -2.0 * z * v
    J[2, 1] = -2.0 * z * x
    J[2, 2] = -2.0 * (alpha + x * v)


RABINOVICH_FABRIKANT = System(
    name="rabinovich_fabrikant",
    title="Rabinovich–Fabrikant system",
    kind="flow",
    description=(
        "A three-mode model of the stochastic self-modulation of waves in a nonequilibrium "
        "dissipative medium; γ measures the growth (instability increment) of the wave and α "
        "the damping. The dynamics depend delicately on the parameters, the initial state "
        "and even the integrator: portraits published for nearby values do not always "
        "reproduce, so prefer a tight tolerance and compare step sizes. Orbits from some "
        "initial states escape to infinity. At γ = 0.87, α = 1.1 the largest exponent is "
        "≈ 0.19 (measured here)."
    ),
    equations=("dx/dt = y (z − 1 + x²) + γ x\ndy/dt = x (3 z + 1 − x²) + γ y\ndz/dt = −2 z (α + x y)"),
    variables=(
        Variable("x", "first mode variable"),
        Variable("y", "second mode variable"),
        Variable("z", "third mode variable (non-negative if it starts so)"),
    ),
    parameters=(
        Parameter("gamma", 0.87, "growth rate (instability increment) of the wave", bounds=(-5.0, 5.0)),
        Parameter("alpha", 1.1, "damping constant", bounds=(-5.0, 5.0)),
    ),
    presets=(
        Preset(
            "classic",
            "Chaotic attractor (γ = 0.87, α = 1.1)",
            source="Rabinovich & Fabrikant, Sov. Phys. JETP 50, 311 (1979); Danca & Chen, "
            "Int. J. Bifurcation Chaos 14, 3409 (2004)",
            params={"gamma": 0.87, "alpha": 1.1},
            initial=(-1.0, 0.0, 0.5),
            t_end=200.0,
        ),
    ),
    reference=(
        "M. I. Rabinovich and A. L. Fabrikant, Stochastic self-modulation of waves in "
        "nonequilibrium media, Sov. Phys. JETP 50, 311–317 (1979) [Zh. Eksp. Teor. Fiz. 77, 617 (1979)]"
    ),
    rhs=rabinovich_fabrikant_rhs,
    jacobian=rabinovich_fabrikant_jac,
    default_dt=0.01,
    default_t_end=200.0,
    tags=("chaotic", "waves"),
)

# --------------------------------------------------------------------------
# Lorenz-84


@jit
def lorenz84_rhs(t, y, p, out):
    """dx/dt = −y² − z² − ax + aF, dy/dt = xy − bxz − y + G, dz/dt = bxy + xz − z."""
    a, b, F, G = p[0], p[1], p[2], p[3]
    x, v, z = y[0], y[1], y[2]
    out[0] = -v * v - z * z - a * x + a * F
    out[1] = x * v - b * x * z - v + G
    out[2] = b * x * v + x * z - z


@jit
def lorenz84_jac(t, y, p, J):
    a, b = p[0], p[1]
    x, v, z = y[0], y[1], y[2]
    J[0, 0] = -a
    J[0, 1] = -2.0 * v
    J[0, 2] = -2.0 * z
    J[1, 0] = v - b * z
    J[1, 1] = x - 1.0
    J[1, 2] = -b * x
    J[2, 0] = b * v + z
    J[2, 1] = b * x
    J[2, 2] = x - 1.0


LORENZ84 = System(
    name="lorenz84",
    title="Lorenz-84 general circulation model",
    kind="flow",
    description=(
        "A minimal model of the mid-latitude atmosphere: x is the strength of the westerly "
        "jet (the zonal flow), y and z the cosine and sine phases of a chain of large eddies "
        "that it feeds. F is the thermal forcing of the jet (equator–pole temperature "
        "contrast) and G the forcing of the eddies (land–sea contrast). One time unit is "
        "about five days. Lorenz's perpetual-winter case a = 1/4, b = 4, F = 8, G = 1 is "
        "chaotic."
    ),
    equations="dx/dt = −y² − z² − a x + a F\ndy/dt = x y − b x z − y + G\ndz/dt = b x y + x z − z",
    variables=(
        Variable("x", "strength of the westerly wind current"),
        Variable("y", "cosine phase of the travelling eddies"),
        Variable("z", "sine phase of the travelling eddies"),
    ),
    parameters=(
        Parameter("a", 0.25, "damping of the jet relative to that of the eddies", bounds=(0.0, 10.0)),
        Parameter("b", 4.0, "rate at which the jet displaces the eddies", bounds=(0.0, 50.0)),
        Parameter("F", 8.0, "symmetric thermal forcing (equator–pole contrast)", bounds=(-50.0, 50.0)),
        Parameter("G", 1.0, "asymmetric thermal forcing (land–sea contrast)", bounds=(-50.0, 50.0)),
    ),
    presets=(
        Preset(
            "winter",
            "Perpetual winter, chaotic (a = 1/4, b = 4, F = 8, G = 1)",
            source="Lorenz, Tellus 36A, 98 (1984)",
            params={"a": 0.25, "b": 4.0, "F": 8.0, "G": 1.0},
            initial=(1.0, 0.0, 0.0),
            t_end=500.0,
        ),
    ),
    reference="E. N. Lorenz, Irregularity: a fundamental property of the atmosphere, Tellus 36A, 98–110 (1984)",
    rhs=lorenz84_rhs,
    jacobian=lorenz84_jac,
    default_dt=0.01,
    default_t_end=500.0,
    time_unit="≈ 5 days",
    tags=("chaotic", "climate"),
)

# --------------------------------------------------------------------------
# Lorenz-96


@jit
def lorenz96_rhs(t, y, p, out):
    """dx_i/dt = (x_{i+1} − x_{i−2}) x_{i−1} − x_i + F, indices mod N."""
    F = p[1]
    n = y.size
    for i in range(n):
        ip1 = i + 1 if i + 1 < n else 0
        im1 = i - 1 if i >= 1 else n - 1
        im2 = i - 2 if i >= 2 else n - 2 + i
        out[i] = (y[ip1] - y[im2]) * y[im1] - y[i] + F


@jit
def lorenz96_jac(t, y, p, J):
    n = y.size
    J[:, :] = 0.0
    for i in range(n):
        ip1 = i + 1 if i + 1 < n else 0
        im1 = i - 1 if i >= 1 else n - 1
        im2 = i - 2 if i >= 2 else n - 2 + i
        # the four indices are distinct because N ≥ 4
        J[i, i] = -1.0
        J[i, ip1] = y[im1]
        J[i, im1] = y[ip1] - y[im2]
        J[i, im2] = -y[im1]


def lorenz96_pack(params):
    return np.array([float(params["N"]), float(params["F"])])


def lorenz96_initial(params, rng):
    # Lorenz's recipe: the unstable steady state x_i = F, one site nudged;
    # deterministic, so the run does not depend on the seed
    x = np.full(int(params["N"]), float(params["F"]))
    x[0] += 0.01
    return x


LORENZ96 = System(
    name="lorenz96",
    title="Lorenz-96 model",
    kind="flow",
    description=(
        "N variables on a latitude circle, each an atmospheric quantity at one longitude: "
        "the quadratic term advects (and conserves the energy Σx²/2), −x damps, F forces. "
        "With F = 8 the flow is chaotic with extensive chaos; for N = 40 the largest Lyapunov "
        "exponent is about 1.7 per time unit, and one time unit is about five days. The run "
        "starts from x_i = F with x_0 nudged by 0.01."
    ),
    equations="dx_i/dt = (x_{i+1} − x_{i−2}) x_{i−1} − x_i + F,  i = 0 … N−1 (indices mod N)",
    variables=(Variable("x", "the quantity at each of the N sites around the circle", size="N"),),
    parameters=(
        Parameter("N", 40, "number of sites", bounds=(4, 1000), kind="int", structural=True),
        Parameter("F", 8.0, "forcing", bounds=(-100.0, 100.0)),
    ),
    presets=(
        Preset(
            "lorenz_emanuel",
            "40 sites, F = 8",
            source="Lorenz & Emanuel, J. Atmos. Sci. 55, 399 (1998)",
            params={"N": 40, "F": 8.0},
            t_end=100.0,
        ),
        Preset(
            "lorenz1996",
            "36 sites, F = 8",
            source="Lorenz, Predictability – a problem partly solved, Proc. ECMWF Seminar on Predictability (1996)",
            params={"N": 36, "F": 8.0},
            t_end=100.0,
        ),
    ),
    reference=(
        "E. N. Lorenz, Predictability – a problem partly solved, in Proc. Seminar on "
        "Predictability, vol. 1, pp. 1–18 (ECMWF, Reading, 1996)"
    ),
    rhs=lorenz96_rhs,
    jacobian=lorenz96_jac,
    initial_state=lorenz96_initial,
    pack_params=lorenz96_pack,
    default_dt=0.01,
    default_t_end=100.0,
    time_unit="≈ 5 days",
    tags=("chaotic", "climate", "high-dimensional"),
)

# --------------------------------------------------------------------------
# Sprott's simple flows (1994, 1997)


@jit
def sprott_a_rhs(t, y, p, out):
    """dx/dt = y, dy/dt = −x + yz, dz/dt = 1 − y²."""
    out[0] = y[1]
    out[1] = -y[0] + y[1] * y[2]
    out[2] = 1.0 - y[1] * y[1]


@jit
def sprott_a_jac(t, y, p, J):
    J[0, 0] = 0.0
    J[0, 1] = 1.0
    J[0, 2] = 0.0
    J[1, 0] = -1.0
    J[1, 1] = y[2]
    J[1, 2] = y[1]
    J[2, 0] = 0.0
    J[2, 1] = -2.0 * y[1]
    J[2, 2] = 0.0


SPROTT_A = System(
    name="sprott_a",
    title="Sprott A (Nosé–Hoover oscillator)",
    kind="flow",
    description=(
        "A harmonic oscillator (x, y) whose friction −z is steered by a Nosé–Hoover "
        "thermostat towards ⟨y²⟩ = 1. The flow is time-reversible and conserves phase-space "
        "volume on average (divergence z), so there is no attractor: a chaotic sea with "
        "Lyapunov spectrum ≈ (0.014, 0, −0.014) surrounds nested invariant tori. Start "
        "at (0, 5, 0) to land in the sea; states near the origin lie on tori. No parameters."
    ),
    equations="dx/dt = y\ndy/dt = −x + y z\ndz/dt = 1 − y²",
    variables=(
        Variable("x", "position of the oscillator"),
        Variable("y", "momentum of the oscillator"),
        Variable("z", "thermostat variable (minus the friction coefficient)"),
    ),
    parameters=(),
    presets=(
        Preset(
            "chaotic_sea",
            "Chaotic sea of the Nosé–Hoover oscillator",
            source="Sprott, Phys. Rev. E 50, R647 (1994), case A; Hoover, Phys. Rev. A 31, 1695 (1985)",
            initial=(0.0, 5.0, 0.0),
            t_end=1000.0,
        ),
        Preset(
            "torus",
            "Quasi-periodic orbit on an invariant torus",
            source="Sprott, Phys. Rev. E 50, R647 (1994), case A; Hoover, Phys. Rev. A 31, 1695 (1985)",
            initial=(0.0, 1.0, 0.0),
            t_end=500.0,
        ),
    ),
    reference=(
        "J. C. Sprott, Some simple chaotic flows, Phys. Rev. E 50, R647–R650 (1994); "
        "W. G. Hoover, Canonical dynamics: equilibrium phase-space distributions, Phys. Rev. A 31, 1695 (1985)"
    ),
    rhs=sprott_a_rhs,
    jacobian=sprott_a_jac,
    default_dt=0.01,
    default_t_end=1000.0,
    tags=("chaotic", "conservative", "sprott"),
)


@jit
def sprott_b_rhs(t, y, p, out):
    """dx/dt = yz, dy/dt = x − y, dz/dt = 1 − xy."""
    out[0] = y[1] * y[2]
    out[1] = y[0] - y[1]
    out[2] = 1.0 - y[0] * y[1]


@jit
def sprott_b_jac(t, y, p, J):
    J[0, 0] = 0.0
    J[0, 1] = y[2]
    J[0, 2] = y[1]
    J[1, 0] = 1.0
    J[1, 1] = -1.0
    J[1, 2] = 0.0
    J[2, 0] = -y[1]
    J[2, 1] = -y[0]
    J[2, 2] = 0.0


SPROTT_B = System(
    name="sprott_b",
    title="Sprott B",
    kind="flow",
    description=(
        "One of the 19 algebraically simple chaotic flows (cases A–S) that Sprott's computer "
        "search found; case B has five terms, two of them quadratic. Divergence −1; "
        "Lyapunov spectrum ≈ (0.210, 0, −1.210). No parameters."
    ),
    equations="dx/dt = y z\ndy/dt = x − y\ndz/dt = 1 − x y",
    variables=(
        Variable("x", "first coordinate"),
        Variable("y", "second coordinate"),
        Variable("z", "third coordinate"),
    ),
    parameters=(),
    presets=(
        Preset(
            "classic",
            "Sprott B attractor",
            source="Sprott, Phys. Rev. E 50, R647 (1994), case B",
            initial=(0.1, 0.0, 0.0),
            t_end=500.0,
        ),
    ),
    reference="J. C. Sprott, Some simple chaotic flows, Phys. Rev. E 50, R647–R650 (1994)",
    rhs=sprott_b_rhs,
    jacobian=sprott_b_jac,
    default_dt=0.01,
    default_t_end=500.0,
    tags=("chaotic", "sprott"),
)


@jit
def sprott_jerk_rhs(t, y, p, out):
    """x''' = −A x'' + x'² − x as dx/dt = y, dy/dt = z, dz/dt = −Az + y² − x."""
    A = p[0]
    out[0] = y[1]
    out[1] = y[2]
    out[2] = -A * y[2] + y[1] * y[1] - y[0]


@jit
def sprott_jerk_jac(t, y, p, J):
    A = p[0]
    J[0, 0] = 0.0
    J[0, 1] = 1.0
    J[0, 2] = 0.0
    J[1, 0] = 0.0
    J[1, 1] = 0.0
    J[1, 2] = 1.0
    J[2, 0] = -1.0
    J[2, 1] = 2.0 * y[1]
    J[2, 2] = -A


SPROTT_JERK = System(
    name="sprott_jerk",
    title="Sprott's simplest dissipative chaotic flow (jerk)",
    kind="flow",
    description=(
        "The algebraically simplest dissipative chaotic flow with a quadratic nonlinearity, "
        "written as a jerk equation x''' = J(x, x', x''). Chaos lives in a narrow window of A "
        "around 2.017, with Lyapunov spectrum ≈ (0.0550, 0, −2.0720); the basin is small, so "
        "start near the attractor."
    ),
    equations="d³x/dt³ = −A d²x/dt² + (dx/dt)² − x\ni.e. dx/dt = y, dy/dt = z, dz/dt = −A z + y² − x",
    variables=(
        Variable("x", "position"),
        Variable("y", "velocity dx/dt"),
        Variable("z", "acceleration d²x/dt²"),
    ),
    parameters=(Parameter("A", 2.017, "damping of the acceleration", bounds=(0.0, 10.0)),),
    presets=(
        Preset(
            "classic",
            "Simplest jerk attractor (A = 2.017)",
            source="Sprott, Phys. Lett. A 228, 271 (1997)",
            params={"A": 2.017},
            initial=(-1.0, 0.0, 0.0),
            t_end=1000.0,
        ),
    ),
    reference="J. C. Sprott, Simplest dissipative chaotic flow, Phys. Lett. A 228, 271–274 (1997)",
    rhs=sprott_jerk_rhs,
    jacobian=sprott_jerk_jac,
    default_dt=0.02,
    default_t_end=1000.0,
    tags=("chaotic", "sprott", "jerk"),
)

register(
    LORENZ,
    ROSSLER,
    CHEN,
    CHUA,
    THOMAS,
    HALVORSEN,
    AIZAWA,
    RABINOVICH_FABRIKANT,
    LORENZ84,
    LORENZ96,
    SPROTT_A,
    SPROTT_B,
    SPROTT_JERK,
)
