"""User-defined systems: flows, maps and 1-D periodic PDEs typed as equations.

::

    import solvers
    solvers.define_system("my_lorenz", '''
        sigma = 10; rho = 28; beta = 8/3
        x' = sigma*(y - x)
        y' = x*(rho - z) - y
        z' = x*y - beta*z
        x(0) = 1; y(0) = 1; z(0) = 1
    ''')
    solvers.simulate("my_lorenz", t_end=10)

The text is parsed, never executed (:mod:`.parser`); kernels are generated
from the validated expression trees (:mod:`.codegen`) and cached on disk.
An editor calls :func:`validate` on every change and marks the
``problems`` (line, column, end column, message).  See docs/user-systems.md.
"""

from __future__ import annotations

from .build import (
    Validation,
    add_listener,
    compile_kernels,
    define_system,
    definition_text,
    remove_listener,
    remove_system,
    user_systems,
    validate,
)
from .codegen import cache_dir
from .examples import EXAMPLES
from .library import library_dir, library_texts, load_library, remove_from_library, save_to_library
from .parser import CONSTANTS, FUNCTIONS, OPTIONS, Definition, DefinitionError, Problem, parse

__all__ = [
    "CONSTANTS",
    "EXAMPLES",
    "FUNCTIONS",
    "OPTIONS",
    "Definition",
    "DefinitionError",
    "Problem",
    "Validation",
    "add_listener",
    "cache_dir",
    "compile_kernels",
    "define_system",
    "definition_text",
    "library_dir",
    "library_texts",
    "load_library",
    "parse",
    "remove_from_library",
    "remove_listener",
    "remove_system",
    "save_to_library",
    "user_systems",
    "validate",
]
