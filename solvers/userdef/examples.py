"""Example definitions: starting points for an editor's "new system" menu
and the examples of docs/user-systems.md (each one is tested)."""

from __future__ import annotations

EXAMPLES: dict[str, str] = {
    "lorenz": """\
# Lorenz (1963): the butterfly attractor
@title = Lorenz system (typed)
sigma = 10 in [0, 100]   # Prandtl number
rho = 28 in [0, 200]     # Rayleigh number over its critical value
beta = 8/3 in [0, 10]    # aspect-ratio factor
x' = sigma*(y - x)
y' = x*(rho - z) - y
z' = x*y - beta*z
x(0) = 1; y(0) = 1; z(0) = 1
@t_end = 100
""",
    "van_der_pol": """\
# Van der Pol oscillator: a relaxation limit cycle for large mu
mu = 2 in [0, 50]   # nonlinear damping
x' = v
v' = mu*(1 - x**2)*v - x
x(0) = 2; v(0) = 0
@t_end = 50
""",
    "henon": """\
# Hénon map (1976)
a = 1.4 in [-10, 10]
b = 0.3 in [-10, 10]
x[n+1] = 1 - a*x*x + y
y[n+1] = b*x
@t_end = 10000
""",
    "kuramoto_sivashinsky": """\
# Kuramoto-Sivashinsky: u_xx feeds long waves, u_xxxx damps short ones
@domain = [0, 32*pi]
@n = 128
@dt = 0.25
@t_end = 150
u(x, 0) = cos(x/16)*(1 + sin(x/16))
u_t = -u*u_x - u_xx - u_xxxx
""",
    "kdv_soliton": """\
# Korteweg-de Vries: a soliton of speed c (dispersive: integrating-factor methods offered)
c = 4 in [0.1, 20]   # soliton speed
@domain = [-20, 20]
@n = 256
@dt = 0.001
@t_end = 5
@method = if_dop853
u(x, 0) = c/2*sech(sqrt(c)/2*x)**2
u_t = -6*u*u_x - u_xxx
""",
}
