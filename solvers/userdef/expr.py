"""The expression tree of user-defined systems: building, simplifying,
differentiating, evaluating and printing it.

A node is a tuple (so equal subtrees compare and hash equal):

* ``("c", value)``: a finite float constant;
* ``("v", name)``: a state variable (a field value for PDEs);
* ``("d", name, m)``: the m-th x-derivative of a PDE field (m ≥ 1);
* ``("p", name)``: a parameter;  ``("a", name)``: an auxiliary quantity;
* ``("t",)``: time (the iteration number of a map);  ``("x",)``: the PDE coordinate;
* ``("+", a, b)``, ``("-", a, b)``, ``("*", a, b)``, ``("/", a, b)``, ``("**", a, b)``, ``("neg", a)``;
* ``("f", fname, a)``: a function of one argument;  ``("min", a, b)``, ``("max", a, b)``;
* ``("where", cond, a, b)`` with a condition ``("cmp", op, a, b)``, ``("and", c, d)``,
  ``("or", c, d)`` or ``("not", c)``.

Nothing here reads text: :mod:`.parser` builds the trees from a validated
syntax tree, and :func:`source` prints them as Python source in which every
name is chosen by the caller and every number is re-printed from a float.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

# name -> (numba/Python source template, numpy function, derivative rule)
UNARY = ("sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sech", "cosh", "sinh", "arctan")
BINARY = ("min", "max", "mod")
COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")

# left-leaning chains of these operators are walked in loops (any length, no recursion)
CHAINS = {"+": ("+", "-"), "-": ("+", "-"), "*": ("*", "/"), "/": ("*", "/")}
ZERO = ("c", 0.0)
ONE = ("c", 1.0)


class TooLarge(Exception):
    """A derivative grew past its node budget (the caller falls back to
    finite differences)."""


def const(value: float) -> tuple:
    value = float(value)
    if not math.isfinite(value):
        raise ArithmeticError("not finite")
    return ("c", value + 0.0)  # -0.0 -> 0.0: one zero


def is_const(node: tuple, value: float | None = None) -> bool:
    return node[0] == "c" and (value is None or node[1] == value)


# ---- constructors that fold constants and drop trivial terms ----------------
def add(a, b):
    if is_const(a) and is_const(b):
        return const(a[1] + b[1])
    if is_const(a, 0.0):
        return b
    if is_const(b, 0.0):
        return a
    if b[0] == "neg":
        return sub(a, b[1])
    return ("+", a, b)


def sub(a, b):
    if is_const(a) and is_const(b):
        return const(a[1] - b[1])
    if is_const(b, 0.0):
        return a
    if is_const(a, 0.0):
        return neg(b)
    if b[0] == "neg":
        return add(a, b[1])
    return ("-", a, b)


def neg(a):
    if is_const(a):
        return const(-a[1])
    if a[0] == "neg":
        return a[1]
    return ("neg", a)


def mul(a, b):
    if is_const(a) and is_const(b):
        return const(a[1] * b[1])
    if is_const(a, 0.0) or is_const(b, 0.0):
        return ZERO
    if is_const(a, 1.0):
        return b
    if is_const(b, 1.0):
        return a
    if is_const(a, -1.0):
        return neg(b)
    if is_const(b, -1.0):
        return neg(a)
    return ("*", a, b)


def div(a, b):
    if is_const(a) and is_const(b):
        if b[1] == 0.0:
            raise ArithmeticError("division by zero")
        return const(a[1] / b[1])
    if is_const(b, 1.0):
        return a
    if is_const(a, 0.0):
        return ZERO
    return ("/", a, b)


def power(a, b):
    if is_const(a) and is_const(b):
        try:
            return const(math.pow(a[1], b[1]))
        except (OverflowError, ValueError):
            raise ArithmeticError("no finite real value") from None
    if is_const(b, 1.0):
        return a
    if is_const(b, 0.0):
        return ONE
    return ("**", a, b)


def func(name: str, a):
    if is_const(a):
        try:
            return const(_NUMERIC_UNARY[name](a[1]))
        except (ValueError, OverflowError):
            raise ArithmeticError(f"{name}({a[1]!r}) has no finite real value") from None
    return ("f", name, a)


def minmax(name: str, a, b):
    if is_const(a) and is_const(b):
        return const(min(a[1], b[1]) if name == "min" else max(a[1], b[1]))
    return (name, a, b)


def mod(a, b):
    """a − b·floor(a/b) (Python's %, the sign of b): wraps an angle into [0, 2π)."""
    if is_const(a) and is_const(b):
        if b[1] == 0.0:
            raise ArithmeticError("mod by zero")
        return const(a[1] % b[1])
    return ("mod", a, b)


def where(cond, a, b):
    if a == b:
        return a
    return ("where", cond, a, b)


def _sech(v: float) -> float:
    return 1.0 / math.cosh(v)


_NUMERIC_UNARY: dict[str, Callable[[float], float]] = {
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "abs": abs,
    "tanh": math.tanh,
    "sech": _sech,
    "cosh": math.cosh,
    "sinh": math.sinh,
    "arctan": math.atan,
}


# ---- walking ---------------------------------------------------------------
def children(node: tuple) -> tuple:
    tag = node[0]
    if tag in ("c", "v", "d", "p", "a", "t", "x"):
        return ()
    if tag in ("neg", "not"):
        return (node[1],)
    if tag == "f":
        return (node[2],)
    if tag in ("cmp",):
        return (node[2], node[3])
    return node[1:]


def names(node: tuple, tag: str) -> set:
    """Every name of kind ``tag`` ("v", "p", "a", "d") in the tree."""
    out, stack, seen = set(), [node], set()
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if n[0] == tag:
            out.add(n[1:] if tag == "d" else n[1])
        stack.extend(children(n))
    return out


def uses(node: tuple, tag: str) -> bool:
    stack = [node]
    while stack:
        n = stack.pop()
        if n[0] == tag:
            return True
        stack.extend(children(n))
    return False


def tree_size(node: tuple) -> int:
    """Nodes of the tree as printed (shared subtrees counted each time)."""
    memo: dict[int, int] = {}
    stack = [(node, False)]
    while stack:
        n, expanded = stack.pop()
        if id(n) in memo:
            continue
        if expanded:
            memo[id(n)] = 1 + sum(memo[id(c)] for c in children(n))
        else:
            stack.append((n, True))
            stack.extend((c, False) for c in children(n) if id(c) not in memo)
    return memo[id(node)]


# ---- differentiation --------------------------------------------------------
def derivative(node: tuple, wrt: tuple, aux_derivs: Mapping[str, tuple], budget: list[int], memo=None) -> tuple:
    """d node / d ``wrt`` (a ``("v", name)`` node).  Auxiliary quantities
    refer to their own derivatives, ``aux_derivs[name]`` (a node: zero, or a
    reference the code generator defines).  ``budget`` is a one-item list of
    nodes still allowed; :class:`TooLarge` when it runs out."""
    memo = {} if memo is None else memo
    key = id(node)
    hit = memo.get(key)
    if hit is not None and hit[0] is node:
        return hit[1]
    budget[0] -= 1
    if budget[0] < 0:
        raise TooLarge
    result = _derivative(node, wrt, aux_derivs, budget, memo)
    memo[key] = (node, result)
    return result


def _derivative(node, wrt, aux_derivs, budget, memo):
    tag = node[0]

    def d(n):
        return derivative(n, wrt, aux_derivs, budget, memo)

    if tag in CHAINS:
        # walk a left-leaning chain in a loop: the derivative of each partial
        # result from the one below it (sum, product and quotient rules)
        links = []
        while node[0] in CHAINS[tag]:
            links.append(node)
            node = node[1]
        acc = d(node)
        for link in reversed(links):
            below, right = link[1], link[2]
            dr = d(right)
            if link[0] == "+":
                acc = add(acc, dr)
            elif link[0] == "-":
                acc = sub(acc, dr)
            elif link[0] == "*":
                acc = add(mul(acc, right), mul(below, dr))
            elif is_const(dr, 0.0):
                acc = div(acc, right)
            else:
                acc = div(sub(mul(acc, right), mul(below, dr)), mul(right, right))
            budget[0] -= 1
            if budget[0] < 0:
                raise TooLarge
        return acc
    if tag == "v":
        return ONE if node == wrt else ZERO
    if tag in ("c", "p", "t", "x", "d"):
        return ZERO
    if tag == "a":
        return aux_derivs[node[1]]
    if tag == "neg":
        return neg(d(node[1]))
    if tag == "**":
        a, b = node[1], node[2]
        da, db = d(a), d(b)
        if is_const(db, 0.0):
            if is_const(da, 0.0):
                return ZERO
            # c a^(c-1) da; for a constant exponent c
            return mul(mul(b, power(a, sub(b, ONE))), da)
        # a^b (db log a + b da / a)
        return mul(node, add(mul(db, func("log", a)), div(mul(b, da), a)))
    if tag == "f":
        name, a = node[1], node[2]
        da = d(a)
        if is_const(da, 0.0):
            return ZERO
        return mul(_outer(name, a, node), da)
    if tag == "mod":
        # d(a − b floor(a/b)) = da − floor(a/b) db away from the jumps
        a, b = node[1], node[2]
        db = d(b)
        if is_const(db, 0.0):
            return d(a)
        return sub(d(a), mul(("f", "floor", div(a, b)), db))
    if tag in ("min", "max"):
        a, b = node[1], node[2]
        op = "<=" if tag == "min" else ">="
        return where(("cmp", op, a, b), d(a), d(b))
    if tag == "where":
        return where(node[1], d(node[2]), d(node[3]))
    raise AssertionError(tag)  # pragma: no cover - conditions are never differentiated


def _outer(name: str, a: tuple, node: tuple) -> tuple:
    """f'(a) for the unary function f (``node`` = f(a))."""
    if name == "sin":
        return func("cos", a)
    if name == "cos":
        return neg(func("sin", a))
    if name == "tan":
        c = func("cos", a)
        return div(ONE, mul(c, c))
    if name == "exp":
        return node
    if name == "log":
        return div(ONE, a)
    if name == "sqrt":
        return div(const(0.5), node)
    if name == "abs":
        return where(("cmp", ">=", a, ZERO), ONE, const(-1.0))
    if name == "tanh":
        return sub(ONE, mul(node, node))
    if name == "sech":
        return neg(mul(node, func("tanh", a)))
    if name == "cosh":
        return func("sinh", a)
    if name == "sinh":
        return func("cosh", a)
    if name == "arctan":
        return div(ONE, add(ONE, mul(a, a)))
    raise AssertionError(name)  # pragma: no cover


# ---- numeric evaluation (numpy, for constants, initial fields, linear symbols)
_NUMPY_UNARY = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "tanh": np.tanh,
    "sech": lambda v: 1.0 / np.cosh(v),
    "cosh": np.cosh,
    "sinh": np.sinh,
    "arctan": np.arctan,
    "floor": np.floor,
}
_ARITHMETIC = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": np.divide,
}
_NUMPY_CMP = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}


def evaluate(node: tuple, env: Mapping[tuple, object]):
    """The value of a tree with numpy; ``env`` maps leaf nodes (``("p", name)``,
    ``("x",)``, ``("v", name)`` …) to numbers or arrays."""
    tag = node[0]
    if tag == "c":
        return node[1]
    if tag in ("v", "d", "p", "a", "t", "x"):
        return env[node]
    if tag in CHAINS:
        links = []
        while node[0] in CHAINS[tag]:
            links.append(node)
            node = node[1]
        acc = evaluate(node, env)
        with np.errstate(all="ignore"):
            for link in reversed(links):
                acc = _ARITHMETIC[link[0]](acc, evaluate(link[2], env))
        return acc
    args = [evaluate(c, env) for c in children(node)]
    with np.errstate(all="ignore"):
        if tag == "+":
            return args[0] + args[1]
        if tag == "-":
            return args[0] - args[1]
        if tag == "*":
            return args[0] * args[1]
        if tag == "/":
            return np.divide(args[0], args[1])
        if tag == "**":
            return np.power(np.asarray(args[0], dtype=float), args[1])
        if tag == "neg":
            return -args[0]
        if tag == "f":
            return _NUMPY_UNARY[node[1]](np.asarray(args[0], dtype=float))
        if tag == "mod":
            return np.mod(args[0], args[1])
        if tag == "min":
            return np.minimum(args[0], args[1])
        if tag == "max":
            return np.maximum(args[0], args[1])
        if tag == "where":
            return np.where(args[0], args[1], args[2])
        if tag == "cmp":
            return _NUMPY_CMP[node[1]](args[0], args[1])
        if tag == "and":
            return np.logical_and(args[0], args[1])
        if tag == "or":
            return np.logical_or(args[0], args[1])
        if tag == "not":
            return np.logical_not(args[0])
    raise AssertionError(tag)  # pragma: no cover


# ---- printing as Python source (for numba) ------------------------------------
_SOURCE_UNARY = {
    "sin": "math.sin({})",
    "cos": "math.cos({})",
    "tan": "math.tan({})",
    "exp": "math.exp({})",
    "log": "math.log({})",
    "sqrt": "math.sqrt({})",
    "abs": "abs({})",
    "tanh": "math.tanh({})",
    "sech": "(1.0 / math.cosh({}))",
    "cosh": "math.cosh({})",
    "sinh": "math.sinh({})",
    "arctan": "math.atan({})",
    "floor": "np.floor({})",
}


def number(value: float) -> str:
    """A float as Python source (repr round-trips every finite double)."""
    value = float(value)
    if not math.isfinite(value):  # pragma: no cover - constants are checked when built
        raise ValueError("a non-finite constant cannot be printed")
    text = repr(value)
    return f"({text})" if value < 0 else text


def source(node: tuple, leaf: Callable[[tuple], str]) -> str:
    """Python source of a tree; ``leaf(node)`` names every leaf that is not
    a constant.  Every operation is parenthesized, so the evaluation order is
    the tree's (the order the user wrote)."""
    tag = node[0]
    if tag == "c":
        return number(node[1])
    if tag in ("v", "d", "p", "a", "t", "x"):
        return leaf(node)

    def s(n):
        return source(n, leaf)

    if tag in ("+", "-", "*", "/"):
        # a left-leaning chain prints flat, "(a + b - c)": Python reads it in
        # the same order, and deep sums need neither recursion nor nested parentheses
        group = CHAINS[tag]
        links = []
        while node[0] in group:
            links.append(node)
            node = node[1]
        parts = [s(node)]
        for link in reversed(links):
            parts.append(f" {link[0]} {s(link[2])}")
        return "(" + "".join(parts) + ")"
    if tag == "**":
        right = node[2]
        if is_const(right) and right[1] == int(right[1]):
            # a whole exponent as an int: numba multiplies (as x*x), no pow()
            return f"({s(node[1])} ** {int(right[1])})"
        return f"({s(node[1])} ** {s(right)})"
    if tag == "neg":
        return f"(-{s(node[1])})"
    if tag == "f":
        return _SOURCE_UNARY[node[1]].format(s(node[2]))
    if tag in ("min", "max"):
        return f"{tag}({s(node[1])}, {s(node[2])})"
    if tag == "mod":
        return f"({s(node[1])} % {s(node[2])})"
    if tag == "where":
        return f"({s(node[2])} if {s(node[1])} else {s(node[3])})"
    if tag == "cmp":
        return f"({s(node[2])} {node[1]} {s(node[3])})"
    if tag in ("and", "or"):
        return f"({s(node[1])} {tag} {s(node[2])})"
    if tag == "not":
        return f"(not {s(node[1])})"
    raise AssertionError(tag)  # pragma: no cover
