"""From a validated definition to a registered :class:`~solvers.spec.System`.

:func:`define_system` is the one entry point: validate the text, generate and
load the kernels, build the System (parameters, variables, a ``default``
preset, the Jacobian of flows and maps, the linear Fourier symbol and the
pseudo-spectral nonlinear part of PDEs) and register it in the catalog.  The
text of every user system registered in this process is kept, so that a
session can store it with its runs.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import catalog
from ..spec import Invariant, Parameter, Preset, System, Variable
from . import codegen
from . import expr as E
from .parser import Definition, DefinitionError, Problem, parse

NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,47}")
ODE_METHODS = ("dop853", "dopri5", "rk4")
PDE_METHODS_DISSIPATIVE = ("etdrk4",)
PDE_METHODS_DISPERSIVE = ("etdrk4", "if_dop853", "if_dopri5", "ifrk4")
TAG = "user-defined"

_texts: dict[str, str] = {}  # name -> text of the user systems registered in this process
_lock = threading.RLock()
_listeners: list = []


def add_listener(callback) -> None:
    """Call ``callback(name, system)`` after a user system is defined or
    replaced, and ``callback(name, None)`` after it is removed (in the thread
    that made the change: a GUI forwards it to its own thread)."""
    _listeners.append(callback)


def remove_listener(callback) -> None:
    if callback in _listeners:
        _listeners.remove(callback)


def _notify(name: str, system) -> None:
    for callback in list(_listeners):
        callback(name, system)


@dataclass(frozen=True)
class Validation:
    """What an editor needs after each keystroke: ``ok``, the parsed
    ``definition`` (None when not ok) and every ``problems`` entry with its
    line, column and end column (1-based) and message."""

    ok: bool
    definition: Definition | None
    problems: tuple[Problem, ...]

    @property
    def kind(self) -> str | None:
        return None if self.definition is None else self.definition.kind


def validate(text: str) -> Validation:
    """Check ``text`` without compiling anything (fast enough to run on
    every keystroke); never raises for bad text."""
    try:
        return Validation(True, parse(text), ())
    except DefinitionError as exc:
        return Validation(False, None, exc.problems)


def check_name(name: Any) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise ValueError(
            f"name: {name!r} is not allowed; expected a letter followed by up to 47 letters, digits or '_'"
        )
    return name


def definition_text(name: str) -> str | None:
    """The text of the user-defined system ``name`` registered in this
    process, or None for a built-in (or unknown) system."""
    with _lock:
        return _texts.get(name)


def user_systems() -> list[str]:
    with _lock:
        return sorted(_texts)


def define_system(name: str, text: str) -> System:
    """Validate ``text``, build its kernels and register it as ``name``.

    Redefining a user system replaces it (the same text returns the system
    already registered); a built-in name is refused.  Raises
    :class:`DefinitionError` (a ValueError) for bad text, listing every
    problem with its line and column.
    """
    check_name(name)
    with _lock:
        if name in _texts:
            if _texts[name] == text:
                return catalog.get_system(name)
        elif name in catalog.list_systems():
            raise ValueError(f"name: {name!r} is a built-in system; choose another name for a user-defined one")
        system = build(name, parse(text))
        catalog.unregister(name)
        catalog.register(system)
        _texts[name] = text
    _notify(name, system)
    return system


def compile_kernels(system: System) -> None:
    """Compile (or load from the cache) every kernel of a system for the
    integrators' signatures: the first run then starts at once.  Call it in
    a worker thread after :func:`define_system` (it takes 0.1 s to tens of
    seconds, see docs/user-systems.md)."""
    from ..integrators.kernel_types import CRHS_SIG, JAC_SIG, RHS_SIG

    for fn, sig in ((system.rhs, RHS_SIG), (system.jacobian, JAC_SIG)):
        if fn is not None:
            fn.compile(sig.args)
    if system.pde is not None:
        for fn in (system.pde.nonlinear, system.pde.nonlinear_if):
            if fn is not None:
                fn.compile(CRHS_SIG.args)


def remove_system(name: str) -> None:
    """Unregister the user-defined system ``name`` (built-ins are kept)."""
    with _lock:
        if name not in _texts:
            return
        catalog.unregister(name)
        del _texts[name]
    _notify(name, None)


def build(name: str, defn: Definition) -> System:
    """The System of a validated definition (kernels loaded, not registered)."""
    if defn.kind == "pde":
        return _build_pde(name, defn)
    return _build_ode(name, defn)


def _fail(defn: Definition, word: str, message: str):
    """A DefinitionError at the first line mentioning ``word``."""
    for i, line in enumerate(defn.text.splitlines(), start=1):
        col = line.find(word)
        if col >= 0:
            raise DefinitionError([Problem(i, col + 1, col + 1 + len(word), word, message)])
    raise DefinitionError([Problem(1, 1, 2, "", message)])


def _parameters(defn: Definition) -> tuple[Parameter, ...]:
    return tuple(
        Parameter(p.name, p.default, p.meaning or "user-defined parameter", bounds=p.bounds) for p in defn.parameters
    )


def _method(defn: Definition, allowed: tuple[str, ...], options: Mapping[str, Any] | None = None) -> str:
    method = (defn.options if options is None else options).get("method", allowed[0])
    if method not in allowed:
        _fail(defn, "@method", f"@method {method!r} is not available here; choose one of {', '.join(allowed)}")
    return method


def _title(name: str, defn: Definition) -> str:
    return defn.options.get("title") or f"{name} (user-defined {defn.kind})"


def _preset_specs(defn: Definition):
    """(name, title, line, parameters, initial trees, options) of the
    definition's own preset ``default`` and of each ``[name]`` preset, whose
    values fall back on the definition's."""
    defaults = {p.name: p.default for p in defn.parameters}
    yield "default", "As defined", 1, defaults, dict(defn.initial), dict(defn.options)
    for pd in defn.presets:
        options = {**{k: v for k, v in defn.options.items() if k != "title"}, **pd.options}
        title = pd.options.get("title") or pd.title
        yield pd.name, title, pd.line, {**defaults, **pd.params}, {**defn.initial, **pd.initial}, options


def _quantities(defn: Definition, role: str) -> tuple[Invariant, ...]:
    """The declared invariants or observables: each tree evaluated with numpy
    over the samples (auxiliaries first); for PDEs at every grid point, with
    derivatives by FFT, and integrated over the box."""
    out = []
    for kind, qname, node, meaning in defn.quantities:
        if kind != role:
            continue

        def fn(values, params, node=node):
            env = {("p", k): v for k, v in params.items() if not isinstance(v, str)}
            grid = values.get("grid") if isinstance(values, Mapping) else None
            for v in defn.variables:
                env[("v", v)] = values[v]
            if grid is not None:
                env[("x",)] = grid.x
                for f, m in E.names(node, "d") | {d for _, a in defn.auxiliaries for d in E.names(a, "d")}:
                    env[("d", f, m)] = grid.derivative(values[f], m)
            for a, tree in defn.auxiliaries:
                env[("a", a)] = E.evaluate(tree, env)
            value = E.evaluate(node, env)
            if grid is None:
                return np.broadcast_to(np.asarray(value, dtype=float), np.shape(values[defn.variables[0]]))
            field = np.broadcast_to(np.asarray(value, dtype=float), np.shape(values[defn.variables[0]]))
            return grid.integrate(field)

        what = f"∫ {qname} dx" if defn.kind == "pde" else qname
        out.append(Invariant(qname, meaning or f"{what} (user-defined {role})", fn))
    return tuple(out)


def _build_ode(name: str, defn: Definition) -> System:
    source, has_jacobian = codegen.ode_source(defn)
    module = codegen.load(source)
    is_map = defn.kind == "map"
    methods = ("map",) if is_map else ODE_METHODS
    method = _method(defn, methods)
    t_end = float(defn.options.get("t_end", 1000.0 if is_map else 100.0))
    presets = []
    for pname, title, line, params, trees, options in _preset_specs(defn):
        env = {("p", k): v for k, v in params.items()}
        initial = []
        for v in defn.variables:
            value = float(E.evaluate(trees[v], env)) if v in trees else 0.0
            if not math.isfinite(value):
                _fail(defn, f"{v}(0)", f"preset {pname!r}: the initial value of {v!r} is not finite ({value!r})")
            initial.append(value)
        presets.append(
            Preset(
                pname,
                title,
                source=f"user definition (line {line})" if pname != "default" else "user definition",
                params=params,
                initial=tuple(initial),
                t_end=float(options.get("t_end", t_end)),
                method=_method(defn, methods, options),
                dt=options.get("dt"),
                samples=options.get("samples"),
            )
        )
    return System(
        name=name,
        title=_title(name, defn),
        kind=defn.kind,
        description=f"User-defined {defn.kind} with {len(defn.variables)} variables.",
        equations=defn.text.strip(),
        variables=tuple(Variable(v, defn.meanings.get(v, "state variable")) for v in defn.variables),
        parameters=_parameters(defn),
        presets=tuple(presets),
        invariants=_quantities(defn, "invariant"),
        observables=_quantities(defn, "observable"),
        reference="user-defined system",
        rhs=module.rhs,
        jacobian=module.jacobian if has_jacobian else None,
        methods=methods if method == methods[0] else (method, *[m for m in methods if m != method]),
        default_method=method,
        default_dt=float(defn.options.get("dt", 1.0 if is_map else 0.01)),
        default_t_end=t_end,
        default_samples=int(defn.options.get("samples", 2001)),
        smooth=not is_map,
        tags=(TAG,),
    )


# ---- PDEs -------------------------------------------------------------------------
def _constant_in_space(node: tuple) -> bool:
    return not any(E.uses(node, tag) for tag in ("v", "d", "a", "x", "t"))


def linear_split(node: tuple, field: str) -> tuple[dict[int, tuple], tuple]:
    """Split ``node`` into Σ c_m ∂ˣᵐ field (c_m of parameters and numbers:
    the diagonal linear Fourier symbol) plus the rest (the nonlinear part)."""
    tag = node[0]
    if node == ("v", field):
        return {0: E.ONE}, E.ZERO
    if tag == "d" and node[1] == field:
        return {node[2]: E.ONE}, E.ZERO
    if tag in ("+", "-"):
        la, ra = linear_split(node[1], field)
        lb, rb = linear_split(node[2], field)
        join = E.add if tag == "+" else E.sub
        terms = dict(la)
        for m, c in lb.items():
            terms[m] = join(terms[m], c) if m in terms else (c if tag == "+" else E.neg(c))
        if not lb and not la:
            return {}, node
        return terms, join(ra, rb)
    if tag == "neg":
        la, ra = linear_split(node[1], field)
        if not la:
            return {}, node
        return {m: E.neg(c) for m, c in la.items()}, E.neg(ra)
    if tag == "*":
        for const_side, other, left in ((node[1], node[2], True), (node[2], node[1], False)):
            if _constant_in_space(const_side):
                lo, ro = linear_split(other, field)
                if lo:

                    def scale(c, k=const_side, left=left):
                        return E.mul(k, c) if left else E.mul(c, k)

                    return {m: scale(c) for m, c in lo.items()}, scale(ro)
        return {}, node
    if tag == "/" and _constant_in_space(node[2]):
        lo, ro = linear_split(node[1], field)
        if lo:
            return {m: E.div(c, node[2]) for m, c in lo.items()}, E.div(ro, node[2])
    return {}, node


def _symbol(terms: Mapping[int, tuple], k: np.ndarray, n: int, params: Mapping[str, Any]) -> np.ndarray:
    """Σ c_m (i k)^m, with no odd derivative for the Nyquist mode of an even grid."""
    env = {("p", name): value for name, value in params.items()}
    re_part = np.zeros(k.size)
    im_part = np.zeros(k.size)
    for m, coef in sorted(terms.items()):
        c = float(E.evaluate(coef, env))
        km = k**m
        if m % 2:
            km = km.copy()
            if n % 2 == 0:
                km[-1] = 0.0
            im_part += (c if m % 4 == 1 else -c) * km
        else:
            re_part += (c if m % 4 == 0 else -c) * km
    return re_part + 1j * im_part


def _build_pde(name: str, defn: Definition) -> System:
    from ..pde import PDE
    from ..systems.kuramoto_sivashinsky import random_low_modes

    splits = [linear_split(eq, v) for eq, v in zip(defn.equations, defn.variables)]
    linear = [s[0] for s in splits]
    nonlinear = [s[1] for s in splits]
    dispersive = all(m % 2 for terms in linear for m in terms)
    module = codegen.load(codegen.pde_source(defn, linear, nonlinear, dispersive))
    user_params = defn.parameter_names
    fields = defn.variables

    def linear_fn(grid, params):
        k = grid.k(0, real=True)
        return np.concatenate([_symbol(terms, k, grid.n[0], params) for terms in linear])

    def pack(params, grid):
        head = [grid.n[0], grid.length(0), grid.domain[0][0], 1.0 if params["dealias"] == "2/3" else 0.0]
        return np.array(head + [params[p] for p in user_params], dtype=np.float64)

    def initial_fn_of(trees):
        def initial_fn(grid, params, rng):
            env = {("p", p): params[p] for p in user_params}
            env[("x",)] = grid.x
            out = {}
            for f in fields:
                if f in trees:
                    u = np.broadcast_to(np.asarray(E.evaluate(trees[f], env), dtype=float), grid.x.shape)
                    if not np.all(np.isfinite(u)):
                        raise ValueError(f"initial: the initial field of {f!r} is not finite everywhere on the grid")
                    out[f] = np.array(u)
                else:
                    out[f] = random_low_modes(grid, params["amplitude"], rng)
            return out

        return initial_fn

    dealias = defn.options.get("dealias", "none")
    if dealias not in ("none", "2/3"):
        _fail(defn, "@dealias", f"@dealias {dealias!r} is not allowed; choose none or 2/3")
    extra = [
        Parameter(
            "dealias",
            dealias,
            "2/3-rule dealiasing of the nonlinear part",
            kind="choice",
            choices=("none", "2/3"),
        )
    ]
    if any(f not in defn.initial for f in fields):
        extra.append(
            Parameter(
                "amplitude", 0.1, "max |u| of the random low-mode initial field", bounds=(0.0, 10.0), role="initial"
            )
        )
    taken = set(user_params)
    for p in extra:
        if p.name in taken:
            _fail(defn, p.name, f"{p.name!r} is reserved in a PDE (it is added as a parameter); choose another name")
    methods = PDE_METHODS_DISPERSIVE if dispersive else PDE_METHODS_DISSIPATIVE
    method = _method(defn, methods)
    n = int(defn.options.get("n", 128))
    domain = tuple(defn.options.get("domain", (0.0, 2 * math.pi)))
    dt = float(defn.options.get("dt", 0.01))
    t_end = float(defn.options.get("t_end", 10.0))
    samples = int(defn.options.get("samples", 201))
    presets = []
    for pname, title, line, params, trees, options in _preset_specs(defn):
        presets.append(
            Preset(
                pname,
                title,
                source=f"user definition (line {line})" if pname != "default" else "user definition",
                params=params,
                initial_fn=initial_fn_of(trees),
                grid={"n": int(options.get("n", n)), "domain": tuple(options.get("domain", domain))},
                t_end=float(options.get("t_end", t_end)),
                samples=int(options.get("samples", samples)),
                method=_method(defn, methods, options),
                dt=float(options.get("dt", dt)),
            )
        )
    return System(
        name=name,
        title=_title(name, defn),
        kind="pde",
        description=(
            f"User-defined 1-D periodic PDE with {len(fields)} field(s); linear constant-coefficient "
            "derivative terms are treated exactly in Fourier space, the rest pseudo-spectrally."
        ),
        equations=defn.text.strip(),
        variables=tuple(Variable(f, defn.meanings.get(f, "field"), size="grid") for f in fields),
        parameters=_parameters(defn) + tuple(extra),
        presets=tuple(presets),
        invariants=_quantities(defn, "invariant"),
        observables=_quantities(defn, "observable"),
        reference="user-defined system",
        methods=(method, *[m for m in methods if m != method]),
        default_method=method,
        default_dt=dt,
        default_t_end=t_end,
        default_samples=samples,
        pde=PDE(
            dims=1,
            default_n=n,
            default_domain=domain,
            real=True,
            linear=linear_fn,
            nonlinear=module.nonlinear,
            nonlinear_if=module.nonlinear_if if dispersive else None,
            pack=pack,
        ),
        tags=(TAG, "pde"),
    )
