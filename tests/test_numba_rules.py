"""Every numba kernel and system function follows the project's rules:
nogil (the GUI stays responsive while a kernel runs), an on-disk cache, and
no fastmath (blow-up detection needs isnan/isinf)."""

import pytest

from solvers import lyapunov
from solvers.catalog import all_systems
from solvers.integrators import events, explicit_rk, kernels_to_warm

KERNELS = [*kernels_to_warm(), lyapunov.tangent_flow, lyapunov.tangent_map, events.erk_events]


def check(dispatcher, label):
    opts = dispatcher.targetoptions
    assert opts.get("nogil") is True, f"{label}: nogil"
    assert not opts.get("fastmath"), f"{label}: fastmath"
    assert type(dispatcher._cache).__name__ != "NullCache", f"{label}: cache=True"


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
def test_integrator_kernels(kernel):
    check(kernel.compile(), kernel.__name__)


def test_helpers():
    check(explicit_rk._stages, "_stages")
    check(lyapunov._gram_schmidt, "_gram_schmidt")


@pytest.mark.parametrize("system", all_systems(), ids=lambda s: s.name)
def test_system_functions(system):
    for role in ("rhs", "jacobian", "accel"):
        fn = getattr(system, role)
        if fn is not None:
            check(fn, f"{system.name}.{role}")
    if system.pde is not None:
        for role in ("nonlinear", "nonlinear_if", "nonlinear_flow"):
            fn = getattr(system.pde, role)
            if fn is not None:
                check(fn, f"{system.name}.pde.{role}")
