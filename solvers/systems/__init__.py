"""The catalog's systems, one module per family.

Each module defines, for each system, its numba kernels (``rhs`` and, where
known, the analytic ``jacobian``) and a :class:`~solvers.spec.System` whose
fields give the equations, the meaning and unit of every parameter, presets
with their sources, invariants and the reference; it then calls
:func:`solvers.catalog.register`.
"""
