"""Reading the text of a user-defined system into a validated :class:`Definition`.

The text is a list of statements, one per line or separated by ``;``, with
``#`` comments (a comment on a line of its own defines nothing; a comment
after a statement is the meaning of what it defines)::

    sigma = 10 in [0, 100]   # a parameter: default, optional bounds
    r = sqrt(x**2 + y**2)    # an auxiliary quantity (uses variables)
    x' = sigma*(y - x)       # a flow (also dx/dt = ...)
    x[n+1] = 1 - a*x**2 + y  # a map (x or x[n] on the right)
    u_t = -u*u_x - u_xx      # a 1-D periodic PDE (u_x, u_xx, ... derivatives)
    x(0) = 1                 # an initial value;  u(x, 0) = cos(x)  an initial field
    @t_end = 100             # options: title, t_end, dt, samples, method, domain, n, dealias

The left side of each statement is matched by a small fixed grammar; each
right side is parsed by :func:`ast.parse` (which only builds a syntax tree,
it executes nothing) and then accepted only if every node is on a short
whitelist: numbers, declared names, + − * / **, the listed functions, and
comparisons inside ``where``.  Every rejection is a :class:`DefinitionError`
(a ValueError) listing problems with line, column and the offending token.
"""

from __future__ import annotations

import ast
import math
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from typing import Any

from . import expr as E

# ---- resource limits -----------------------------------------------------------
MAX_TEXT_CHARS = 20_000
MAX_STATEMENT_CHARS = 4_000
MAX_STATEMENTS = 400
MAX_VARIABLES = 64
MAX_PARAMETERS = 64
MAX_AUXILIARIES = 128
MAX_DEPTH = 64
MAX_NODES = 2_000
MAX_EXPONENT = 64.0
MAX_DERIVATIVE = 8
MAX_NAME = 48

FUNCTIONS = {**{f: 1 for f in E.UNARY}, "min": 2, "max": 2, "mod": 2, "where": 3}
CONSTANTS = {"pi": math.pi, "e": math.e}
OPTIONS = ("title", "t_end", "dt", "samples", "method", "domain", "n", "dealias")
_NAME = r"[^\W\d]\w*"
_SECTION = re.compile(rf"\[\s*({_NAME})\s*\]")
MAX_PRESETS = 32
_LHS = [
    ("flow", re.compile(rf"^({_NAME})\s*'$")),
    ("flow", re.compile(rf"^d\s*({_NAME})\s*/\s*dt$")),
    ("map", re.compile(rf"^({_NAME})\s*\[\s*n\s*\+\s*1\s*\]$")),
    ("pde", re.compile(rf"^({_NAME})_t$")),
    ("init", re.compile(rf"^({_NAME})\s*\(\s*0\s*\)$")),
    ("init_field", re.compile(rf"^({_NAME})\s*\(\s*x\s*,\s*0\s*\)$")),
    ("invariant", re.compile(rf"^invariant\s+({_NAME})$")),
    ("observable", re.compile(rf"^observable\s+({_NAME})$")),
    ("name", re.compile(rf"^({_NAME})$")),
]
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_SYMBOLS = {
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.LShift: "<<",
    ast.RShift: ">>",
}
_CHAIN = {ast.Add: "+-", ast.Sub: "+-", ast.Mult: "*/", ast.Div: "*/"}
_COMPARE = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}


@dataclass(frozen=True)
class Problem:
    """One error in a definition: 1-based line and column, the column just
    past the offending token (for an editor's underline), the token, a message."""

    line: int
    column: int
    end_column: int
    token: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


class DefinitionError(ValueError):
    """A definition that cannot be accepted; ``problems`` lists every error found."""

    def __init__(self, problems, name: str = ""):
        self.problems = tuple(problems)
        head = f"system definition {name!r}: " if name else "system definition: "
        super().__init__(head + "; ".join(str(p) for p in self.problems))


class _Fail(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


@dataclass(frozen=True)
class ParameterDef:
    name: str
    default: float
    bounds: tuple[float, float]
    meaning: str
    line: int


@dataclass(frozen=True)
class PresetDef:
    """A named set of parameter values, initial values and options (a
    ``[name]`` section); what it does not set comes from the definition."""

    name: str
    title: str
    line: int
    params: dict[str, float]
    initial: dict[str, tuple]
    options: dict[str, Any]


@dataclass(frozen=True)
class Definition:
    """A validated definition: every expression is an :mod:`.expr` tree."""

    text: str
    kind: str  # "flow", "map" or "pde"
    variables: tuple[str, ...]
    meanings: dict[str, str]
    parameters: tuple[ParameterDef, ...]
    auxiliaries: tuple[tuple[str, tuple], ...]  # in order of definition
    equations: tuple[tuple, ...]  # one per variable
    initial: dict[str, tuple]  # variable -> tree (constants/parameters; x too for PDEs)
    options: dict[str, Any] = field(default_factory=dict)
    presets: tuple[PresetDef, ...] = ()
    # (role "invariant" or "observable", name, tree, meaning): recorded with every sample
    quantities: tuple[tuple[str, str, tuple, str], ...] = ()

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)


@dataclass
class _Statement:
    line: int
    col: int  # 1-based column of the statement's first character
    text: str
    meaning: str
    kind: str = ""
    subject: str = ""
    rhs: str = ""
    rhs_col: int = 0  # 1-based column of the right side's first character
    tree: ast.AST | None = None
    section: str = ""  # the preset ([name] line) the statement belongs to; "" before the first


# ---- splitting the text ---------------------------------------------------------
def _statements(text: str, problems: list[Problem]) -> list[_Statement]:
    out = []
    section = ""
    # lines as an editor counts them: split at \n only (a \r before it dropped)
    for lineno, raw in enumerate(text.split("\n"), start=1):
        body, _, comment = raw.removesuffix("\r").partition("#")
        head = body.strip()
        if head.startswith("[") and head.endswith("]") and ";" not in head:
            # a preset: "[name]  # its title"; the statements below set its values
            col = body.index("[") + 1
            m = _SECTION.fullmatch(head)
            if m is None:
                problems.append(Problem(lineno, col, col + len(head), head, f"{head!r}: a preset is named as [name]"))
            else:
                section = unicodedata.normalize("NFKC", m.group(1))
                out.append(_Statement(lineno, col, head, comment.strip(), kind="section", subject=section))
            continue
        parts, start = [], 0
        for i, ch in enumerate(body + ";"):
            if ch == ";":
                parts.append((start, body[start:i]))
                start = i + 1
        parts = [(s + len(p) - len(p.lstrip()), p.strip()) for s, p in parts if p.strip()]
        meaning = comment.strip() if len(parts) == 1 else ""
        for start, part in parts:
            if len(part) > MAX_STATEMENT_CHARS:
                problems.append(
                    Problem(
                        lineno,
                        start + 1,
                        start + 2,
                        part[:1],
                        f"the statement has {len(part)} characters; at most {MAX_STATEMENT_CHARS} are allowed",
                    )
                )
                continue
            out.append(_Statement(lineno, start + 1, part, meaning, section=section))
    return out


def _split_assignment(st: _Statement) -> None:
    """Left and right of the first lone '=' (not part of ==, <=, >=, !=)."""
    s = st.text
    for i, ch in enumerate(s):
        if ch == "=" and (i == 0 or s[i - 1] not in "<>!=") and (i + 1 >= len(s) or s[i + 1] != "="):
            lhs, rhs = s[:i].strip(), s[i + 1 :]
            st.rhs = rhs.strip()
            st.rhs_col = st.col + i + 1 + (len(rhs) - len(rhs.lstrip()))
            st.subject = lhs
            return
    raise _Fail(
        Problem(
            st.line,
            st.col,
            st.col + len(s),
            s,
            f"{s!r} is not a statement; expected 'name = value', \"x' = ...\", 'x[n+1] = ...' or 'u_t = ...'",
        )
    )


def _classify(st: _Statement) -> None:
    _split_assignment(st)
    lhs = st.subject
    if lhs.startswith("@"):
        key = lhs[1:].strip()
        if key not in OPTIONS:
            raise _Fail(
                Problem(
                    st.line,
                    st.col,
                    st.col + len(lhs),
                    lhs,
                    f"unknown option {lhs!r}; options: " + ", ".join("@" + o for o in OPTIONS),
                )
            )
        st.kind, st.subject = "option", key
        return
    for kind, pattern in _LHS:
        m = pattern.match(lhs)
        if m:
            name = unicodedata.normalize("NFKC", m.group(1))
            if len(name) > MAX_NAME:
                raise _Fail(
                    Problem(st.line, st.col, st.col + len(lhs), lhs, f"the name is longer than {MAX_NAME} characters")
                )
            st.kind, st.subject = kind, name
            return
    raise _Fail(
        Problem(
            st.line,
            st.col,
            st.col + max(1, len(lhs)),
            lhs,
            f"cannot read the left side {lhs!r}; expected a name (a parameter or auxiliary), \"x'\", 'dx/dt', "
            "'x[n+1]', 'u_t', 'x(0)', 'u(x, 0)' or an option such as '@t_end'",
        )
    )


# ---- the right sides ------------------------------------------------------------
class _Converter:
    """Turns one right side's syntax tree into an expression tree, accepting
    only whitelisted nodes and the names the context allows."""

    def __init__(self, st: _Statement, resolve, kind: str):
        self.st = st
        self.resolve = resolve  # name -> node, or raises KeyError with a message
        self.kind = kind
        self.raw = st.rhs.encode("utf-8")
        self.nodes = 0

    def fail(self, node: ast.AST | None, message: str):
        if node is None or not hasattr(node, "col_offset"):
            col, end = 0, len(self.st.rhs)
        else:
            col = len(self.raw[: node.col_offset].decode("utf-8", "replace"))
            end_b = getattr(node, "end_col_offset", None) or node.col_offset + 1
            end = len(self.raw[:end_b].decode("utf-8", "replace"))
        token = self.st.rhs[col:end] or self.st.rhs[col : col + 1]
        raise _Fail(
            Problem(self.st.line, self.st.rhs_col + col, self.st.rhs_col + max(end, col + 1), token[:80], message)
        )

    def token(self, node: ast.AST) -> str:
        col = len(self.raw[: node.col_offset].decode("utf-8", "replace"))
        end = len(self.raw[: node.end_col_offset or node.col_offset + 1].decode("utf-8", "replace"))
        return self.st.rhs[col:end]

    def value(self, node: ast.AST, depth: int = 0) -> tuple:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.fail(node, f"the expression is too long (more than {MAX_NODES} terms and operations)")
        if depth > MAX_DEPTH:
            self.fail(node, f"the expression is nested too deeply (more than {MAX_DEPTH} levels)")
        try:
            return self._value(node, depth + 1)
        except ArithmeticError as exc:
            self.fail(node, f"{self.token(node)!r} has no finite value ({exc})")

    def _value(self, node: ast.AST, depth: int) -> tuple:
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                what = "a complex number" if isinstance(v, complex) else f"a {type(v).__name__}"
                self.fail(node, f"{self.token(node)!r} is {what}; only real numbers are allowed")
            try:
                f = float(v)
            except OverflowError:
                f = math.inf
            if not math.isfinite(f):
                self.fail(node, f"the number {self.token(node)!r} is too large (at most about 1.8e308)")
            return E.const(f)
        if isinstance(node, ast.Name):
            try:
                return self.resolve(node.id)
            except KeyError as exc:
                self.fail(node, exc.args[0])
        if isinstance(node, ast.BinOp):
            # a left-leaning chain (a + b - c + …, a * b / c …) is walked as a loop:
            # it counts as one level of nesting however long it is
            spine = [node]
            group = _CHAIN.get(type(node.op))
            while group and isinstance(spine[-1].left, ast.BinOp) and _CHAIN.get(type(spine[-1].left.op)) == group:
                spine.append(spine[-1].left)
                self.nodes += 1
            acc = self.value(spine[-1].left, depth)
            for link in reversed(spine):
                acc = self._binop(link, acc, self.value(link.right, depth))
            return acc
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return E.neg(self.value(node.operand, depth))
            if isinstance(node.op, ast.UAdd):
                return self.value(node.operand, depth)
            self.fail(node, "'not' and '~' are only allowed in the condition of where(...)")
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        if isinstance(node, ast.Subscript):
            return self._subscript(node)
        if isinstance(node, (ast.Compare, ast.BoolOp)):
            self.fail(node, "a comparison is only allowed as the condition of where(condition, a, b)")
        self.fail(node, f"{self.token(node)!r} is not allowed here ({_describe(node)})")

    def _binop(self, node: ast.BinOp, a: tuple, b: tuple) -> tuple:
        op = _OPERATORS.get(type(node.op))
        if op is None:
            sym = _SYMBOLS.get(type(node.op), "?")
            hint = "; write powers as x**2" if sym == "^" else ""
            self.fail(node, f"the operator {sym!r} is not allowed (allowed: + - * / **){hint}")
        if op == "**" and E.is_const(b) and abs(b[1]) > MAX_EXPONENT:
            self.fail(node.right, f"the exponent {b[1]:g} is too large (at most {MAX_EXPONENT:g} in size)")
        try:
            return {"+": E.add, "-": E.sub, "*": E.mul, "/": E.div, "**": E.power}[op](a, b)
        except ArithmeticError as exc:
            self.fail(node, f"{self.token(node)!r} has no finite value ({exc})")

    def _call(self, node: ast.Call, depth: int) -> tuple:
        if not isinstance(node.func, ast.Name):
            self.fail(node.func, f"{self.token(node.func)!r} cannot be called; functions: {', '.join(FUNCTIONS)}")
        fname = node.func.id
        if fname not in FUNCTIONS:
            from ..spec import close_matches

            self.fail(node.func, f"unknown function {fname!r}; " + close_matches(fname, list(FUNCTIONS)))
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            self.fail(node, f"{fname}() takes plain arguments only")
        arity = FUNCTIONS[fname]
        if len(node.args) != arity:
            self.fail(node, f"{fname}() takes {arity} argument{'s' if arity > 1 else ''}, not {len(node.args)}")
        if fname == "where":
            cond = self.condition(node.args[0], depth)
            return E.where(cond, self.value(node.args[1], depth), self.value(node.args[2], depth))
        args = [self.value(a, depth) for a in node.args]
        if fname in ("min", "max"):
            return E.minmax(fname, *args)
        if fname == "mod":
            return E.mod(*args)
        return E.func(fname, args[0])

    def condition(self, node: ast.AST, depth: int) -> tuple:
        self.nodes += 1
        if depth > MAX_DEPTH or self.nodes > MAX_NODES:
            self.fail(node, "the condition is too long or nested too deeply")
        if isinstance(node, ast.Compare):
            items = [node.left, *node.comparators]
            out = None
            prev = self.value(items[0], depth + 1)
            for op, right in zip(node.ops, items[1:]):
                sym = _COMPARE.get(type(op))
                if sym is None:
                    self.fail(node, "only < <= > >= == != comparisons are allowed")
                cur = self.value(right, depth + 1)
                term = ("cmp", sym, prev, cur)
                out = term if out is None else ("and", out, term)
                prev = cur
            return out
        if isinstance(node, ast.BoolOp):
            tag = "and" if isinstance(node.op, ast.And) else "or"
            parts = [self.condition(v, depth + 1) for v in node.values]
            out = parts[0]
            for p in parts[1:]:
                out = (tag, out, p)
            return out
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return ("not", self.condition(node.operand, depth + 1))
        self.fail(node, "the first argument of where() must be a comparison such as x > 0")

    def _subscript(self, node: ast.Subscript) -> tuple:
        if self.kind != "map" or not isinstance(node.value, ast.Name):
            self.fail(node, "indexing is only allowed as x[n] (the current value) in a map")
        index = node.slice
        if not (isinstance(index, ast.Name) and index.id == "n"):
            self.fail(index, "a map's right side may only use the current values, written x or x[n]")
        try:
            target = self.resolve(node.value.id)
        except KeyError as exc:
            self.fail(node.value, exc.args[0])
        if target[0] != "v":
            self.fail(node.value, f"{node.value.id!r} is not a variable of the map; only variables take [n]")
        return target


def _describe(node: ast.AST) -> str:
    names = {
        ast.Attribute: "attribute access",
        ast.Lambda: "a lambda",
        ast.List: "a list",
        ast.Tuple: "a tuple",
        ast.Dict: "a dictionary",
        ast.Set: "a set",
        ast.ListComp: "a comprehension",
        ast.GeneratorExp: "a generator",
        ast.JoinedStr: "a string",
        ast.IfExp: "an if-expression; use where(condition, a, b)",
        ast.NamedExpr: "an assignment",
        ast.Starred: "unpacking",
        ast.Slice: "a slice",
    }
    return (
        names.get(type(node), f"a {type(node).__name__} expression")
        + "; only numbers, names, + - * / ** and "
        + ("functions are allowed")
    )


def _parse_rhs(st: _Statement) -> None:
    if not st.rhs:
        raise _Fail(Problem(st.line, st.rhs_col, st.rhs_col + 1, "", "the right side is empty"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings ("is" with a literal, …): the text is refused anyway
            st.tree = ast.parse(st.rhs, mode="eval").body
    except SyntaxError as exc:
        if _complete_with_a_term(st.rhs):
            end = len(st.rhs)
            raise _Fail(
                Problem(
                    st.line,
                    st.rhs_col + end - 1,
                    st.rhs_col + end,
                    st.rhs[-1:],
                    "syntax error: the expression is incomplete at its end",
                )
            ) from None
        off = (exc.offset or 1) - 1
        col = len(st.rhs.encode("utf-8")[:off].decode("utf-8", "replace")) if off >= 0 else 0
        col = min(max(col, 0), max(len(st.rhs) - 1, 0))
        msg = (exc.msg or "invalid syntax").split(" (")[0]
        raise _Fail(
            Problem(st.line, st.rhs_col + col, st.rhs_col + col + 1, st.rhs[col : col + 1], f"syntax error: {msg}")
        ) from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        raise _Fail(
            Problem(st.line, st.rhs_col, st.rhs_col + 1, st.rhs[:1], f"cannot read the expression ({exc})")
        ) from None


def _complete_with_a_term(rhs: str) -> bool:
    """Whether the text ends too early (a trailing operator): it parses
    once one more term is appended.  Only parsed, never run."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(rhs + " 1", mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _free_names(tree: ast.AST) -> set[str]:
    """Names used as values (not as called functions) in a syntax tree."""
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called}


# ---- the whole definition ---------------------------------------------------------
def parse(text: str) -> Definition:
    """Validate ``text``; a :class:`Definition` or :class:`DefinitionError`."""
    if not isinstance(text, str):
        raise DefinitionError([Problem(1, 1, 2, "", f"the definition must be text, not {type(text).__name__}")])
    if len(text) > MAX_TEXT_CHARS:
        raise DefinitionError(
            [Problem(1, 1, 2, "", f"the definition has {len(text)} characters; at most {MAX_TEXT_CHARS} are allowed")]
        )
    bad = next((i for i, ch in enumerate(text) if ch == "\x00"), None)
    if bad is not None:
        line = text.count("\n", 0, bad) + 1
        col = bad - (text.rfind("\n", 0, bad) + 1) + 1
        raise DefinitionError([Problem(line, col, col + 1, "\\x00", "the text contains a NUL character")])
    problems: list[Problem] = []
    statements = _statements(text, problems)
    if len(statements) > MAX_STATEMENTS:
        raise DefinitionError(
            [Problem(1, 1, 2, "", f"the definition has {len(statements)} statements; at most {MAX_STATEMENTS}")]
        )
    good = []
    for st in statements:
        if st.kind == "section":
            good.append(st)
            continue
        try:
            _classify(st)
            if st.kind == "option" and st.subject in ("title", "method", "dealias"):
                pass  # plain words, not expressions
            else:
                _parse_rhs(st)
            good.append(st)
        except _Fail as f:
            problems.append(f.problem)
    return _Resolver(text, good, problems).run()


class _Resolver:
    def __init__(self, text: str, statements: list[_Statement], problems: list[Problem]):
        self.text = text
        self.statements = statements
        self.problems = problems

    def problem(self, st: _Statement, message: str, token: str | None = None) -> None:
        token = st.subject if token is None else token
        self.problems.append(Problem(st.line, st.col, st.col + max(1, len(token)), token, message))

    def run(self) -> Definition:
        sections = [st for st in self.statements if st.kind == "section" or st.section]
        self.statements = [st for st in self.statements if st.kind != "section" and not st.section]
        eqs = [st for st in self.statements if st.kind in ("flow", "map", "pde")]
        kind = eqs[0].kind if eqs else None
        if kind is None and not self.problems:
            self.problems.append(
                Problem(1, 1, 2, "", "no equations: write at least one, such as x' = -x, x[n+1] = x/2 or u_t = u_xx")
            )
        variables: list[str] = []
        for st in eqs:
            if st.kind != kind:
                self.problem(st, f"a {st.kind} equation in a {kind} definition: all equations must be of one kind")
            elif st.subject in variables:
                self.problem(st, f"{st.subject!r} has two equations")
            elif len(variables) >= MAX_VARIABLES:
                self.problem(st, f"more than {MAX_VARIABLES} equations")
            else:
                variables.append(st.subject)
        self.kind, self.variables = kind or "flow", variables
        reserved = set(FUNCTIONS) | set(CONSTANTS) | {"t"}
        reserved |= {"n"} if self.kind == "map" else set()
        reserved |= {"x"} if self.kind == "pde" else set()
        self.reserved = reserved
        for st in eqs:
            if st.subject in reserved:
                self.problem(st, f"{st.subject!r} is a reserved name and cannot be a variable")
        meanings = {st.subject: st.meaning for st in eqs if st.meaning}

        # parameters: 'name = constant'; auxiliaries: 'name = expression of other names'
        self.params: dict[str, ParameterDef] = {}
        self.aux: dict[str, tuple] = {}
        self.aux_lines: dict[str, int] = {}
        self.aux_order: dict[str, int] = {}
        pending: list[_Statement] = []
        named = [st for st in self.statements if st.kind == "name"]
        declared: dict[str, int] = {}
        for st in named:
            if st.subject in reserved or st.subject in variables or st.subject in declared:
                if st.subject in reserved:
                    what = "a reserved name"
                elif st.subject in variables:
                    what = "a variable"
                else:
                    what = f"already defined on line {declared[st.subject]}"
                self.problem(st, f"{st.subject!r} is {what}; choose another name")
                continue
            if self.kind == "pde" and re.fullmatch(r".*_x+", st.subject):
                self.problem(st, f"{st.subject!r} looks like a derivative; names ending in _x are reserved in a PDE")
                continue
            declared[st.subject] = st.line
            tree = st.tree
            bounds_tree = None
            if (
                isinstance(tree, ast.Compare)
                and len(tree.ops) == 1
                and isinstance(tree.ops[0], ast.In)
                and isinstance(tree.comparators[0], (ast.List, ast.Tuple))
            ):
                tree, bounds_tree = tree.left, tree.comparators[0]
            free = _free_names(tree) - set(CONSTANTS)
            if free:
                if bounds_tree is not None:
                    self.problem(st, f"{st.subject!r}: only a parameter (a constant) can have bounds")
                    continue
                if len(pending) >= MAX_AUXILIARIES:
                    self.problem(st, f"more than {MAX_AUXILIARIES} auxiliary quantities")
                    continue
                self.aux_lines[st.subject] = st.line
                self.aux_order[st.subject] = len(pending)
                pending.append(st)
            else:
                self._parameter(st, tree, bounds_tree)
        if len(self.params) > MAX_PARAMETERS:
            self.problems.append(Problem(1, 1, 2, "", f"more than {MAX_PARAMETERS} parameters"))
        for index, st in enumerate(pending):
            self._auxiliary(st, index)

        equations = {}
        for st in eqs:
            if st.kind == kind and st.subject in variables and st.subject not in equations:
                node = self.convert(st, self.equation_names)
                if node is not None:
                    equations[st.subject] = node
        initial = {}
        options: dict[str, Any] = {}
        for st in self.statements:
            if st.kind in ("init", "init_field"):
                self._initial(st, initial)
            elif st.kind == "option":
                self._option(st, options)
        quantities = self._quantities()
        presets = self._presets(sections)
        if self.problems:
            self.problems.sort(key=lambda p: (p.line, p.column))
            raise DefinitionError(self.problems)
        return Definition(
            text=self.text,
            kind=self.kind,
            variables=tuple(variables),
            meanings=meanings,
            parameters=tuple(self.params.values()),
            auxiliaries=tuple(self.aux.items()),
            equations=tuple(equations[v] for v in variables),
            initial=initial,
            options=options,
            presets=presets,
            quantities=quantities,
        )

    def _quantities(self) -> tuple[tuple[str, str, tuple, str], ...]:
        out, seen = [], set()
        for st in self.statements:
            if st.kind not in ("invariant", "observable"):
                continue
            if st.subject in seen:
                self.problem(st, f"{st.kind} {st.subject!r} is defined twice")
                continue
            seen.add(st.subject)

            def resolve(name, kind=st.kind):
                if name == "t" or (name == "n" and self.kind == "map"):
                    raise KeyError(f"{name!r} cannot be used in an {kind}: it is a function of the state")
                return self.equation_names(name)

            node = self.convert(st, resolve)
            if node is not None:
                out.append((st.kind, st.subject, node, st.meaning))
        return tuple(out)

    def _presets(self, statements: list[_Statement]) -> tuple[PresetDef, ...]:
        out: dict[str, PresetDef] = {}
        current = None
        for st in statements:
            if st.kind == "section":
                if st.subject == "default" or st.subject in out:
                    why = "is the definition's own preset" if st.subject == "default" else "is defined twice"
                    self.problem(st, f"preset {st.subject!r} {why}; choose another name", st.text)
                    current = None
                elif len(out) >= MAX_PRESETS:
                    self.problem(st, f"more than {MAX_PRESETS} presets", st.text)
                    current = None
                else:
                    current = PresetDef(st.subject, st.meaning or st.subject, st.line, {}, {}, {})
                    out[st.subject] = current
                continue
            if current is None:
                continue
            if st.kind == "name":
                self._preset_value(st, current)
            elif st.kind in ("init", "init_field"):
                self._initial(st, current.initial)
            elif st.kind == "option" and st.subject != "dealias":
                self._option(st, current.options)
            else:
                self.problem(
                    st,
                    f"a preset ([{current.name}]) sets parameter values, initial values and options only; "
                    "write equations, auxiliaries and @dealias before the first [preset]",
                )
        return tuple(out.values())

    def _preset_value(self, st: _Statement, preset: PresetDef) -> None:
        param = self.params.get(st.subject)
        if param is None:
            self.problem(st, f"{st.subject!r} is not a parameter; parameters: {', '.join(self.params) or 'none'}")
            return
        if st.subject in preset.params:
            self.problem(st, f"{st.subject!r} is set twice in preset {preset.name!r}")
            return
        node = self.convert(st, self.constant_names)
        if node is None:
            return
        lo, hi = param.bounds
        if not lo <= node[1] <= hi:
            self.problem(st, f"{st.subject!r} = {node[1]:g} lies outside its bounds [{lo:g}, {hi:g}]")
            return
        preset.params[st.subject] = node[1]

    # -- name resolution per context --------------------------------------------
    def unknown(self, name: str, allowed: list[str]) -> KeyError:
        from ..spec import close_matches

        if name in FUNCTIONS:
            return KeyError(f"{name!r} is a function; call it as {name}(...)")
        return KeyError(f"unknown name {name!r}; " + close_matches(name, allowed))

    def constant_names(self, name: str) -> tuple:
        if name in CONSTANTS:
            return E.const(CONSTANTS[name])
        raise self.unknown(name, list(CONSTANTS))

    def parameter_names(self, name: str) -> tuple:
        if name in CONSTANTS:
            return E.const(CONSTANTS[name])
        if name in self.params:
            return ("p", name)
        allowed = [*CONSTANTS, *self.params]
        if self.kind == "pde" and name == "x":
            return ("x",)
        if name in self.variables or name in self.aux_order:
            raise KeyError(f"{name!r} cannot be used here: only numbers and parameters are allowed")
        raise self.unknown(name, allowed)

    def equation_names(self, name: str, before: int | None = None) -> tuple:
        if name in CONSTANTS:
            return E.const(CONSTANTS[name])
        if name in self.variables:
            return ("v", name)
        if name in self.params:
            return ("p", name)
        if name in self.aux_order:
            if before is not None and self.aux_order[name] >= before:
                raise KeyError(f"{name!r} is used before its definition (line {self.aux_lines[name]})")
            return ("a", name)
        if name == "t" or (name == "n" and self.kind == "map"):
            return ("t",)
        if self.kind == "pde":
            if name == "x":
                return ("x",)
            m = re.fullmatch(r"(.+?)_(x+)", name)
            if m and m.group(1) in self.variables:
                order = len(m.group(2))
                if order > MAX_DERIVATIVE:
                    raise KeyError(f"{name!r}: derivatives up to order {MAX_DERIVATIVE} are allowed")
                return ("d", m.group(1), order)
        allowed = [*CONSTANTS, *self.variables, *self.params, *self.aux_order]
        if self.kind == "map" and name.endswith("_n") and name[:-2] in self.variables:
            raise KeyError(f"unknown name {name!r}; write the current value as {name[:-2]} or {name[:-2]}[n]")
        raise self.unknown(name, allowed)

    def convert(self, st: _Statement, resolve, tree=None) -> tuple | None:
        try:
            return _Converter(st, resolve, self.kind).value(st.tree if tree is None else tree)
        except _Fail as f:
            self.problems.append(f.problem)
            return None

    # -- statements -----------------------------------------------------------------
    def _parameter(self, st, tree, bounds_tree) -> None:
        value = self.convert(st, self.constant_names, tree)
        if value is None:
            # keep the name declared, so its uses are not reported as unknown too
            self.params[st.subject] = ParameterDef(st.subject, 0.0, (-math.inf, math.inf), st.meaning, st.line)
            return
        bounds = (-math.inf, math.inf)
        if bounds_tree is not None:
            if len(bounds_tree.elts) != 2:
                self.problem(st, f"bounds of {st.subject!r} must be [low, high]")
                return
            lo = self.convert(st, self.constant_names, bounds_tree.elts[0])
            hi = self.convert(st, self.constant_names, bounds_tree.elts[1])
            if lo is None or hi is None:
                return
            bounds = (lo[1], hi[1])
            if not bounds[0] <= value[1] <= bounds[1]:
                self.problem(
                    st, f"{st.subject!r} = {value[1]:g} lies outside its bounds [{bounds[0]:g}, {bounds[1]:g}]"
                )
                return
        self.params[st.subject] = ParameterDef(st.subject, value[1], bounds, st.meaning, st.line)

    def _auxiliary(self, st, index: int) -> None:
        node = self.convert(st, lambda name: self.equation_names(name, before=index))
        if node is not None:
            self.aux[st.subject] = node
        else:
            self.aux[st.subject] = E.ZERO  # keeps later statements from reporting it as unknown

    def _initial(self, st, initial) -> None:
        if st.subject not in self.variables:
            self.problem(st, f"{st.subject!r} is not a variable; variables: {', '.join(self.variables) or 'none'}")
            return
        if (st.kind == "init_field") != (self.kind == "pde"):
            hint = "u(x, 0) = ..." if self.kind == "pde" else f"{st.subject}(0) = ..."
            self.problem(st, f"write the initial value of a {self.kind} as {hint}")
            return
        if st.subject in initial:
            self.problem(st, f"{st.subject!r} has two initial values")
            return
        node = self.convert(st, self.parameter_names)
        if node is not None:
            initial[st.subject] = node

    def _option(self, st, options) -> None:
        key = st.subject
        if key in options:
            self.problem(st, f"@{key} is set twice")
            return
        if key == "title":
            options[key] = st.rhs[:200]
            return
        if key in ("method", "dealias"):
            options[key] = st.rhs.strip()
            return
        if key == "domain":
            tree = st.tree
            if not isinstance(tree, (ast.List, ast.Tuple)) or len(tree.elts) != 2:
                self.problem(st, "@domain must be [a, b]")
                return
            ends = [self.convert(st, self.constant_names, e) for e in tree.elts]
            if None in ends:
                return
            if not ends[0][1] < ends[1][1]:
                self.problem(st, f"@domain: [{ends[0][1]:g}, {ends[1][1]:g}] is empty; expected a < b")
                return
            options[key] = (ends[0][1], ends[1][1])
            return
        node = self.convert(st, self.constant_names)
        if node is None:
            return
        value = node[1]
        if key in ("n", "samples"):
            if value != int(value) or value < 2 or value > 1 << 20:
                self.problem(st, f"@{key} = {value:g}: expected a whole number from 2 to {1 << 20}")
                return
            value = int(value)
        elif value <= 0:
            self.problem(st, f"@{key} = {value:g}: expected a positive number")
            return
        options[key] = value
