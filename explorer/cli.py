"""``explorer`` command line.

``explorer systems`` lists the catalog, ``explorer show NAME`` describes one
system, ``explorer run NAME`` runs it headless.  Bad input prints one line
naming the parameter and exits with status 2; no tracebacks.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import threading
from collections.abc import Sequence

import numpy as np

import solvers
from solvers import get_system, list_systems
from solvers.run import make_config, simulate_config

EXIT_USAGE = 2


class UsageError(Exception):
    """A bad value on the command line: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's default prints usage; keep it to one line
        raise UsageError(message)


def _parse_sets(items: Sequence[str]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set: {item!r} is not of the form name=value")
        out[key.strip()] = value.strip()
    return out


def _float(text: str | None, name: str) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        raise UsageError(f"{name}: {text!r} is not a number") from None


def cmd_systems(args) -> int:
    rows = [get_system(n) for n in list_systems(args.kind)]
    if args.markdown:
        from .catalog_doc import catalog_markdown

        sys.stdout.write(catalog_markdown())
        return 0
    if args.json:
        data = [
            {
                "name": s.name,
                "title": s.title,
                "kind": s.kind,
                "variables": list(s.variable_names),
                "parameters": {p.name: p.default for p in s.parameters},
                "presets": [p.name for p in s.presets],
                "methods": list(s.methods),
                "reference": s.reference,
            }
            for s in rows
        ]
        print(json.dumps(data, indent=2))
        return 0
    if not rows:
        print(f"no systems of kind {args.kind!r}")
        return 0
    width = max(len(s.name) for s in rows)
    kwidth = max(len(s.kind) for s in rows)
    for s in rows:
        print(f"{s.name:<{width}}  {s.kind:<{kwidth}}  {s.title}")
    print(f"\n{len(rows)} systems; `explorer show NAME` for equations, parameters and presets")
    return 0


def cmd_show(args) -> int:
    s = get_system(args.name)
    print(s.describe())
    if s.presets:
        print("\nPresets:")
        for p in s.presets:
            print(f"  {p.name}: {p.title}\n      source: {p.source}")
    print("\nMethods: " + ", ".join(s.methods) + f" (default {s.default_method})")
    if s.invariants:
        print("Invariants: " + ", ".join(f"{i.name} ({i.meaning})" for i in s.invariants))
    return 0


def _summary(result) -> str:
    cfg = result.config
    lines = [
        f"system   {cfg.system}" + (f" (preset {cfg.preset})" if cfg.preset else ""),
        "params   " + ", ".join(f"{k}={v!r}" for k, v in cfg.params.items()),
        f"method   {cfg.method}"
        + (f", dt={cfg.dt:g}" if cfg.dt else "")
        + (f", rtol={cfg.rtol:g}, atol={cfg.atol:g}" if cfg.rtol else ""),
        f"status   {result.status}: {result.message}",
        f"samples  {result.t.size} to t = {result.t[-1] if result.t.size else 0:.6g}",
    ]
    if result.t.size:
        last = []
        for name in result.variables:
            v = np.asarray(result[name][-1])
            last.append(f"{name}={v:.10g}" if v.ndim == 0 else f"{name}=[{v.size} values, mean {v.mean():.6g}]")
        lines.append("final    " + ", ".join(last))
    from solvers.validation import drift

    for name, values in result.invariants.items():
        if values.size:
            lines.append(f"drift    {name}: {drift(values):.3e} (relative; absolute where |initial value| < 1)")
    lines.append(f"steps    {result.steps} in {result.wall_time:.3g} s")
    return "\n".join(lines)


def cmd_run(args) -> int:
    params = _parse_sets(args.set or [])
    t_end = _float(args.t_end, "--t-end")
    domain = None if args.domain is None else [_float(v, "--domain") for v in args.domain]
    config = make_config(
        args.name,
        preset=args.preset,
        params=params,
        t_end=t_end,
        samples=args.samples,
        method=args.method,
        dt=_float(args.dt, "--dt"),
        rtol=_float(args.rtol, "--rtol"),
        atol=_float(args.atol, "--atol"),
        seed=args.seed,
        n=args.n,
        domain=domain,
    )
    if math.isinf(config.t_end):
        raise UsageError("--t-end: a finite duration is needed on the command line")
    stop = threading.Event()
    try:
        result = simulate_config(config, stop=stop)
    except KeyboardInterrupt:
        stop.set()
        print("interrupted", file=sys.stderr)
        return 130
    print(_summary(result))
    if args.json:
        print(config.to_json())
    return 0 if result.status == "done" else 1


def cmd_validate(args) -> int:
    from solvers import validation

    selected = validation.checks(args.system)
    if not selected:
        print(f"no checks for {args.system!r}")
        return 0
    outcomes = []
    for outcome in validation.run_checks(selected):
        outcomes.append(outcome)
        if not args.markdown:
            mark = "pass" if outcome.passed else "FAIL"
            print(
                f"{mark}  {outcome.check.system:<20} {outcome.check.name:<32} error {outcome.error:.2e} "
                f"(≤ {outcome.check.tolerance:.0e})  drift {outcome.drift:.1e}  {outcome.seconds:6.2f} s  "
                f"{outcome.note}",
                flush=True,
            )
    failed = sum(not o.passed for o in outcomes)
    if args.markdown:
        print(validation.table(outcomes))
    print(f"\n{len(outcomes) - failed} passed, {failed} failed")
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="explorer", description="Dynamics Explorer: nonlinear dynamics and PDEs.")
    parser.add_argument("--version", action="version", version=f"Dynamics Explorer {solvers.__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("systems", help="list the catalog")
    p.add_argument("--kind", choices=["flow", "map", "ensemble", "pde"], help="only systems of this kind")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--markdown", action="store_true", help="the whole catalog as a Markdown page")
    p.set_defaults(func=cmd_systems)

    p = sub.add_parser("show", help="equations, parameters and presets of a system")
    p.add_argument("name")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("run", help="run a system headless and print a summary")
    p.add_argument("name")
    p.add_argument("--preset")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="set a parameter (repeatable)")
    p.add_argument("--t-end", help="duration (iterations for maps)")
    p.add_argument("--samples", type=int, help="number of samples from 0 to t-end inclusive")
    p.add_argument("--method")
    p.add_argument("--dt", help="step of fixed-step methods")
    p.add_argument("--rtol")
    p.add_argument("--atol")
    p.add_argument("--seed", type=int)
    p.add_argument("--n", type=int, help="PDEs: grid points per axis")
    p.add_argument("--domain", nargs=2, metavar=("A", "B"), help="PDEs: the interval [A, B) (each axis in 2-D)")
    p.add_argument("--json", action="store_true", help="also print the run's configuration as JSON")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("validate", help="check every preset with an exact or published reference")
    p.add_argument("--system", help="only this system's checks")
    p.add_argument("--markdown", action="store_true", help="print the results as a Markdown table")
    p.set_defaults(func=cmd_validate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 0
        return args.func(args)
    except (UsageError, ValueError) as exc:
        print(f"explorer: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
