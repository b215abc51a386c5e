"""User-defined systems: generated numba kernels against an opcode interpreter.

The two designs the task allowed for running typed equations in numba:

(a) generate Python source from the validated tree, import it from a file in
    the user cache, compile it with numba (cache=True) — what solvers.userdef does;
(b) one precompiled interpreter kernel that evaluates an opcode array (here
    packed after the parameters in ``p``, since the rhs signature is fixed).

Measured on the Lorenz system with dop853 (rtol 1e-10) and on a 12-variable
Lorenz-96 with rk4: wall time of the same run with the built-in kernel, the
generated one and the interpreter, plus the one-off costs (define, first
compile, a second process loading from the cache).

    python benchmarks/userdef_kernels.py [--quick]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from numba import njit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import solvers
from solvers import catalog
from solvers.spec import Parameter, System, Variable
from solvers.userdef import parse

PUSH_C, PUSH_Y, PUSH_P, PUSH_T, ADD, SUB, MUL, DIV, NEG, STORE = range(10)


@njit(nogil=True, cache=True)
def interpret(t, y, p, out):
    """p = [number of parameters, parameters…, number of ops, (op, arg)…]."""
    npar = int(p[0])
    start = npar + 1
    nops = int(p[start])
    stack = np.empty(64)
    sp = 0
    for k in range(nops):
        op = int(p[start + 1 + 2 * k])
        a = p[start + 2 + 2 * k]
        if op == PUSH_C:
            stack[sp] = a
            sp += 1
        elif op == PUSH_Y:
            stack[sp] = y[int(a)]
            sp += 1
        elif op == PUSH_P:
            stack[sp] = p[1 + int(a)]
            sp += 1
        elif op == PUSH_T:
            stack[sp] = t
            sp += 1
        elif op == ADD:
            sp -= 1
            stack[sp - 1] = stack[sp - 1] + stack[sp]
        elif op == SUB:
            sp -= 1
            stack[sp - 1] = stack[sp - 1] - stack[sp]
        elif op == MUL:
            sp -= 1
            stack[sp - 1] = stack[sp - 1] * stack[sp]
        elif op == DIV:
            sp -= 1
            stack[sp - 1] = stack[sp - 1] / stack[sp]
        elif op == NEG:
            stack[sp - 1] = -stack[sp - 1]
        else:
            sp -= 1
            out[int(a)] = stack[sp]


def compile_ops(defn):
    var = {v: i for i, v in enumerate(defn.variables)}
    par = {p: i for i, p in enumerate(defn.parameter_names)}
    ops: list[float] = []

    def emit(node):
        tag = node[0]
        if tag == "c":
            ops.extend((PUSH_C, node[1]))
        elif tag == "v":
            ops.extend((PUSH_Y, var[node[1]]))
        elif tag == "p":
            ops.extend((PUSH_P, par[node[1]]))
        elif tag == "t":
            ops.extend((PUSH_T, 0))
        elif tag == "neg":
            emit(node[1])
            ops.extend((NEG, 0))
        else:
            emit(node[1])
            emit(node[2])
            ops.extend(({"+": ADD, "-": SUB, "*": MUL, "/": DIV}[tag], 0))

    for i, node in enumerate(defn.equations):
        emit(node)
        ops.extend((STORE, i))
    return ops


def interpreted_system(name: str, text: str) -> System:
    defn = parse(text)
    ops = compile_ops(defn)
    names = defn.parameter_names

    def pack(params):
        return np.array([len(names), *[params[n] for n in names], len(ops) // 2, *ops], dtype=np.float64)

    return System(
        name=name,
        title=name,
        kind="flow",
        variables=tuple(Variable(v, v) for v in defn.variables),
        parameters=tuple(Parameter(p.name, p.default, p.name) for p in defn.parameters),
        equations=text,
        reference="benchmark",
        rhs=interpret,
        pack_params=pack,
    )


LORENZ = """sigma = 10; rho = 28; beta = 8/3
x' = sigma*(y - x)
y' = x*(rho - z) - y
z' = x*y - beta*z"""


def lorenz96(n: int) -> str:
    lines = ["F = 8"]
    for i in range(n):
        lines.append(f"x{i}' = (x{(i + 1) % n} - x{(i - 2) % n})*x{(i - 1) % n} - x{i} + F")
    return "\n".join(lines)


def timed(fn, repeat=3):
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(quick: bool) -> None:
    t_end = 200.0 if quick else 2000.0
    cache = tempfile.mkdtemp(prefix="dx-userdef-bench-")
    os.environ["DYNAMICS_EXPLORER_CACHE"] = cache
    t0 = time.perf_counter()
    solvers.define_system("bench_lorenz", LORENZ)
    t_define = time.perf_counter() - t0
    t0 = time.perf_counter()
    y0 = [1.0, 1.0, 1.0]
    solvers.simulate("bench_lorenz", t_end=1.0, samples=2, initial=y0)
    t_first = time.perf_counter() - t0
    catalog.register(interpreted_system("bench_lorenz_interp", LORENZ))
    kw = dict(t_end=t_end, samples=1001, rtol=1e-10, atol=1e-12, initial=y0)
    solvers.simulate("bench_lorenz_interp", **{**kw, "t_end": 1.0})
    ref = solvers.simulate("lorenz", **kw)
    gen = solvers.simulate("bench_lorenz", **kw)
    itp = solvers.simulate("bench_lorenz_interp", **kw)
    assert np.array_equal(ref.states, gen.states) and np.array_equal(ref.states, itp.states)
    rows = [
        ("lorenz dop853", "built-in", timed(lambda: solvers.simulate("lorenz", **kw))),
        ("lorenz dop853", "generated", timed(lambda: solvers.simulate("bench_lorenz", **kw))),
        ("lorenz dop853", "interpreter", timed(lambda: solvers.simulate("bench_lorenz_interp", **kw))),
    ]
    n = 12
    text = lorenz96(n)
    solvers.define_system("bench_l96", text)
    catalog.register(interpreted_system("bench_l96_interp", text))
    y96 = list(8.0 + 0.01 * np.arange(n))
    kw96 = dict(t_end=t_end / 4, samples=1001, method="rk4", dt=0.005, initial=y96)
    for name in ("bench_l96", "bench_l96_interp"):
        solvers.simulate(name, **{**kw96, "t_end": 0.1})
    rows.append(("lorenz96 n=12 rk4", "generated", timed(lambda: solvers.simulate("bench_l96", **kw96))))
    rows.append(("lorenz96 n=12 rk4", "interpreter", timed(lambda: solvers.simulate("bench_l96_interp", **kw96))))
    print(f"define (parse + generate + write + import): {t_define * 1e3:.1f} ms")
    print(f"first run in this process (compiles the rhs): {t_first:.2f} s")
    script = (
        "import time,sys; t0=time.perf_counter(); import solvers; t1=time.perf_counter(); "
        "solvers.define_system('bench_lorenz', sys.argv[1]); "
        "solvers.simulate('bench_lorenz', t_end=1.0, samples=2, initial=[1.0, 1.0, 1.0]); "
        "print(round(time.perf_counter()-t1, 3))"
    )
    env = dict(os.environ)
    out = subprocess.run([sys.executable, "-c", script, LORENZ], env=env, capture_output=True, text=True, check=True)
    print(f"second process, define + first run (kernels from the cache): {float(out.stdout):.2f} s")
    base = {}
    for case, kind, t in rows:
        base.setdefault(case, t)
        print(f"{case:20s} {kind:12s} {t * 1e3:9.1f} ms   ×{t / base[case]:.2f}")


if __name__ == "__main__":
    main("--quick" in sys.argv)
