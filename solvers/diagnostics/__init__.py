"""Diagnostics of time series and fields: Qt-free pure functions on numpy arrays.

Each topic is its own submodule, imported directly (this package imports none of
them, so that importing one diagnostic does not compile or load the others):

- ``solvers.diagnostics.recurrence``  recurrence plots and RQA
- ``solvers.diagnostics.ordinal``     ordinal patterns, permutation entropy, statistical complexity
- ``solvers.diagnostics.entropy``     Shannon, Rényi and Tsallis entropies of explicit probabilities
- and further modules (embedding, solitons, sections, spectra, sonification)

Conventions and references: REFERENCES.md §10 and each function's docstring.
"""
