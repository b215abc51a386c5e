"""Bad input: a ValueError naming the parameter, the value and what is allowed."""

import math

import pytest

import solvers


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"params": {"rho": -1.0}}, r"'rho'.*-1\.0.*out of bounds.*\[0, 1000\]"),
        ({"params": {"rho": math.nan}}, r"'rho'.*nan.*not finite"),
        ({"params": {"rho": math.inf}}, r"'rho'.*inf.*not finite"),
        ({"params": {"rho": "lots"}}, r"'rho'.*'lots'.*not a number"),
        ({"params": {"rho": [1, 2]}}, r"'rho'.*\[1, 2\].*not a number"),
        ({"params": {"rho": True}}, r"'rho'.*True.*not a number"),
        ({"params": {"rhoo": 1.0}}, r"no parameter 'rhoo'.*did you mean 'rho'"),
        ({"initial": [1.0, 2.0]}, r"initial: 2 values given.*3 values \(x, y, z\)"),
        ({"initial": [1.0, math.nan, 2.0]}, r"initial: contains non-finite"),
        ({"initial": ["a", 1, 2]}, r"initial: .* not a sequence of numbers"),
        ({"preset": "clasic"}, r"preset 'clasic'.*did you mean 'classic'"),
        ({"method": "rk45"}, r"method: 'rk45'.*not available.*did you mean 'rk4'"),
        ({"method": "leapfrog"}, r"method: 'leapfrog'.*not offered for flows like 'lorenz'"),
        ({"t_end": -1.0}, r"t_end: -1\.0 .*positive"),
        ({"t_end": math.nan}, r"t_end: nan"),
        ({"samples": 1}, r"samples: 1 .*integer ≥ 2"),
        ({"samples": 10.5}, r"samples: 10\.5"),
        ({"method": "rk4", "dt": 0.0}, r"dt: 0\.0 .*positive"),
        ({"rtol": -1e-3}, r"rtol: -0\.001"),
        ({"rtol": 1e-20}, r"rtol: 1e-20 is below what float64"),
        ({"method": "rk4", "rtol": 1e-6}, r"rtol: only adaptive methods"),
        ({"seed": -4}, r"seed: -4"),
        ({"t_end": math.inf}, r"sample_interval: required"),
    ],
)
def test_bad_input_names_parameter_value_and_allowed(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        solvers.make_config("lorenz", **kwargs)


def test_unknown_system_suggests_close_matches():
    with pytest.raises(ValueError, match=r"unknown system 'lorenx'; did you mean 'lorenz'"):
        solvers.simulate("lorenx", t_end=1.0)


def test_simulate_refuses_infinite_runs():
    config = solvers.make_config("lorenz", t_end=math.inf, sample_interval=0.1)
    with pytest.raises(ValueError, match="finite t_end"):
        solvers.simulate_config(config)


def test_lyapunov_bad_input():
    with pytest.raises(ValueError, match=r"t_end: -5"):
        solvers.lyapunov_spectrum("lorenz", t_end=-5)
    with pytest.raises(ValueError, match=r"k: 4 .*from 1 to 3"):
        solvers.lyapunov_spectrum("lorenz", t_end=1.0, k=4)
    with pytest.raises(ValueError, match=r"method: 'rk45'"):
        solvers.lyapunov_spectrum("lorenz", t_end=1.0, method="rk45")
