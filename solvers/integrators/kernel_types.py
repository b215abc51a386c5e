"""Numba types of the kernel calling convention and a lazily compiled kernel.

System functions (right-hand sides, Jacobians, accelerations) are passed to
the integrator kernels as *first-class function* values of one fixed
signature.  That way each integrator is compiled once for every system
(instead of once per system, as with dispatcher-typed arguments) and the
compiled integrators load from numba's on-disk cache.
"""

from __future__ import annotations

import threading

from numba import njit, types

f64 = types.float64
i64 = types.int64
vec = types.float64[::1]
mat = types.float64[:, ::1]

cvec = types.complex128[::1]
cmat = types.complex128[:, ::1]

RHS_SIG = types.void(f64, vec, vec, vec)
JAC_SIG = types.void(f64, vec, vec, mat)
RHS = types.FunctionType(RHS_SIG)
JAC = types.FunctionType(JAC_SIG)
# Spectral (complex) right-hand sides: f(t, v_hat, p, out_hat) for PDEs.
CRHS_SIG = types.void(f64, cvec, vec, cvec)
CRHS = types.FunctionType(CRHS_SIG)

# Kernels never use fastmath: blow-up detection relies on isnan/isinf.
JIT_OPTIONS = {"nogil": True, "cache": True, "error_model": "numpy"}


def jit(func):
    """Lazily typed helper or system function."""
    return njit(**JIT_OPTIONS)(func)


class LazyKernel:
    """A kernel with an explicit signature, compiled (or loaded from the
    on-disk cache) on first use rather than at import."""

    def __init__(self, signature, func, name=None):
        self.signature = signature
        self.py_func = func
        self.__name__ = name or func.__name__
        self.__doc__ = func.__doc__
        self._compiled = None
        self._lock = threading.Lock()

    def compile(self):
        with self._lock:
            if self._compiled is None:
                self._compiled = njit(self.signature, **JIT_OPTIONS)(self.py_func)
        return self._compiled

    def __call__(self, *args):
        return (self._compiled or self.compile())(*args)


def kernel(signature):
    def wrap(func):
        return LazyKernel(signature, func)

    return wrap


def variant(base: LazyKernel, signature, name: str) -> LazyKernel:
    """The same kernel code compiled for another signature (for example the
    complex spectral states of PDEs): one source, two cached machine codes."""
    return LazyKernel(signature, base.py_func, name)
